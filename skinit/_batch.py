# SPDX-License-Identifier: BSD-3-Clause
"""The batch of networks: the unit of work of every fit.

A fit is prepared by its estimator (``BaseMultilayerPerceptron._prepare``)
into a :class:`FitSpec`: its starting parameters, one row per restart, the
random state of each restart, the rows of the data it trains on and its
training history. :func:`train` trains any list of specs together, as one
batch: networks of one architecture and training-set size go through one
call of :func:`~skinit._solvers.fit_stochastic`, vectorized, and the batch is
cut into contiguous chunks over ``n_jobs`` workers (joblib, so that
``joblib.parallel_config(backend="dask")`` sends them to a cluster), the
data sent once to each. The estimator then finishes each fit
(``BaseMultilayerPerceptron._finish``).

``n_restarts`` is a batch of one spec; :class:`~skinit.MLPClassifierCV`
builds one spec per candidate and fold.
"""

import copy
import hashlib
from dataclasses import dataclass, field

import numpy as np

from ._restarts import data_on_workers, run_chunks
from ._solvers import StochasticSettings, fit_lbfgs, fit_stochastic


@dataclass
class FitSpec:
    """The networks of one fit: one estimator's settings, rows and restarts.

    Rows are indices into the data given to :func:`train`.

    Attributes
    ----------
    estimator : BaseMultilayerPerceptron
        The settings (``alpha`` and ``learning_rate_init`` may differ between
        the specs of one batch, nothing else that shapes training may) and,
        for scoring and finishing, the fitted state set by ``_prepare``.
    layout : Layout
    theta : ndarray of shape (n_restarts, n_params)
        Starting parameters.
    random_states : list of RandomState
        One per restart, for its shuffling; advanced by training.
    progress : list of Progress
        One per restart; updated by training.
    batch_size : int
    rows : ndarray of int or None
        The rows the fit trains on (None: all, in order).
    train_rows, val_rows : list of ndarray or None
        With early stopping, each restart's own training and validation rows.
    optimizers : list or None
        Optimizer states to go on from (warm start, ``partial_fit``, a paused
        search), one per restart; None starts afresh.
    incremental : bool
    monitor : TrainingMonitor or None
    final : ndarray of shape (n_restarts, n_params)
        Set by :func:`train`: the parameters each restart ended with (the
        best validated ones with early stopping; the current ones when
        paused).
    halving : RestartHalving or None
        With ``restart_halving``, the rounds after which :func:`train` stops
        the worse restarts (ranked by ``estimator._halve_restarts``).
    sample_weight : ndarray of shape (n_samples,) or None
        The fit's own weights of the data's rows (``class_weight`` times the
        sample weights), used in place of those given to :func:`train`; the
        folds of a search weigh the same rows differently.
    """

    estimator: object
    layout: object
    theta: np.ndarray
    random_states: list
    progress: list
    batch_size: int
    rows: np.ndarray | None = None
    train_rows: list | None = None
    val_rows: list | None = None
    optimizers: list | None = None
    incremental: bool = False
    monitor: object = None
    final: np.ndarray | None = None
    halving: object = None
    sample_weight: np.ndarray | None = None
    # what the estimator's ``_finish`` needs, set by ``_prepare``
    extra: dict = field(default_factory=dict)

    @property
    def n_networks(self):
        return len(self.theta)

    def on_rows(self, rows):
        """The same fit with its rows read as positions in ``rows``."""
        spec = copy.copy(self)
        spec.rows = rows if self.rows is None else rows[self.rows]
        if self.train_rows is not None:
            spec.train_rows = [rows[r] for r in self.train_rows]
            spec.val_rows = [rows[r] for r in self.val_rows]
        if self.sample_weight is not None:
            # only the rows the fit reads are ever read
            spec.sample_weight = np.zeros(rows.max() + 1, self.sample_weight.dtype)
            spec.sample_weight[rows] = self.sample_weight
        return spec

    def current(self):
        """The parameters each network would end with if it stopped now.

        With early stopping, a paused network's are its best validated ones.
        """
        params = self.final
        for r, p in enumerate(self.progress):
            if p.paused and p.best_params is not None:
                params = params.copy() if params is self.final else params
                params[r] = p.best_params[0]
        return params

    def network_rows(self, r, n_samples, progress):
        """The rows restart ``r`` trains on, in its current order."""
        if progress.sample_order is not None:
            return progress.sample_order
        if self.train_rows is not None:
            return self.train_rows[r]
        return np.arange(n_samples) if self.rows is None else self.rows


def _settings(estimator, batch_size, incremental, labels=None):
    return StochasticSettings(
        max_iter=estimator.max_iter,
        batch_size=batch_size,
        shuffle=estimator.shuffle,
        tol=estimator.tol,
        n_iter_no_change=estimator.n_iter_no_change,
        verbose=estimator.verbose,
        early_stopping=estimator.early_stopping,
        incremental=incremental,
        diagnostics=estimator.diagnostics,
        labels=labels,
    )


@dataclass
class _Network:
    """One network of the batch, as sent to a worker."""

    spec: int
    restart: int
    theta: np.ndarray
    random_state: object
    progress: object
    optimizer: object
    monitor: object


class _Monitors:
    """Routes each network's epochs to the monitor of its fit."""

    def __init__(self, entries):
        self.entries = entries  # (TrainingMonitor or None, restart) per network

    def begin(self, k, params):
        monitor, r = self.entries[k]
        if monitor is not None:
            monitor.begin(r, params)

    def end(self, k, params):
        monitor, r = self.entries[k]
        return False if monitor is None else monitor.end(r, params)

    def close(self, k, params):
        monitor, r = self.entries[k]
        if monitor is not None:
            monitor.close(r, params)


def _run_key(spec, n_samples):
    """Networks with equal keys train in one call of the solver."""
    est = spec.estimator
    if est.solver == "lbfgs":
        # L-BFGS trains one network at a time, on its fit's rows
        return ("lbfgs", id(spec))
    n_train = (
        len(spec.train_rows[0])
        if spec.train_rows is not None
        else n_samples
        if spec.rows is None
        else len(spec.rows)
    )
    weights = spec.sample_weight
    if weights is not None:
        weights = hashlib.sha1(np.ascontiguousarray(weights)).hexdigest()
    return (tuple(spec.layout.layer_units), n_train, spec.batch_size, weights)


def train(specs, X, y, sample_weight, *, n_jobs=None, pause_at=None, wide=False):
    """Train the networks of every spec together, as one batch.

    The restarts of a spec with ``halving`` train in rounds: at each
    round's end, every such spec's estimator stops its worse restarts
    (``_halve_restarts``), and the others go on together.

    Parameters
    ----------
    specs : list of FitSpec
        Their networks train together; each spec's ``final``,
        ``progress``, ``optimizers`` and random states are set. A spec
        trained before goes on with its paused networks only.
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    y : ndarray of shape (n_samples, n_outputs)
        Targets as the networks fit them (binarized for classifiers).
    sample_weight : ndarray of shape (n_samples,) or None
    n_jobs : int, default=None
        Workers the batch is spread over, in contiguous chunks.
    pause_at : int, default=None
        Pause the networks still training after this many epochs (see
        :func:`~skinit._solvers.fit_stochastic`); :func:`train` called again
        with the same specs goes on.
    wide : bool, default=False
        Let networks that see the same batches share one first-layer
        product (agrees to rounding, not bit for bit).
    """
    n_networks = sum(spec.n_networks for spec in specs)
    with data_on_workers(n_networks, n_jobs, X, y, sample_weight):
        while True:
            ends = [s.halving.next_end for s in specs if s.halving is not None]
            stop = min((end for end in ends if end is not None), default=None)
            if stop is None or (pause_at is not None and pause_at < stop):
                stop = pause_at
            _train(specs, X, y, sample_weight, n_jobs, stop, wide)
            for spec in specs:
                halving = spec.halving
                if stop is not None and halving is not None:
                    if halving.next_end == stop:
                        spec.estimator._halve_restarts(spec)
            if stop == pause_at:
                return specs


def _train(specs, X, y, sample_weight, n_jobs, pause_at, wide):
    """:func:`train` up to ``pause_at`` epochs."""
    n_samples = X.shape[0]
    keys = [_run_key(spec, n_samples) for spec in specs]
    # networks of one run are adjacent, in spec and restart order
    order = sorted(range(len(specs)), key=lambda i: (str(keys[i]), i))
    networks = []
    for i in order:
        spec = specs[i]
        resume = spec.final is not None
        optimizers = spec.optimizers or [None] * spec.n_networks
        for r in range(spec.n_networks):
            p = spec.progress[r]
            if resume and not p.paused:
                continue  # it has ended
            if resume and pause_at is not None and p.n_iter >= pause_at:
                continue  # a round of no epochs
            networks.append(
                _Network(
                    i,
                    r,
                    spec.final[r] if resume else spec.theta[r],
                    spec.random_states[r],
                    spec.progress[r],
                    optimizers[r],
                    (spec.monitor, r),
                )
            )
    # what the workers need of each spec: settings and rows
    light = [
        FitSpec(
            estimator=spec.estimator,
            layout=spec.layout,
            theta=None,
            random_states=None,
            progress=None,
            batch_size=spec.batch_size,
            rows=spec.rows,
            train_rows=spec.train_rows,
            val_rows=spec.val_rows,
            incremental=spec.incremental,
            sample_weight=spec.sample_weight,
            # the restart each network is: an ensemble goes on with some of them
            extra={
                "n_restarts": spec.n_networks,
                "restarts": spec.extra.get("members"),
            },
        )
        for spec in specs
    ]
    chunks = run_chunks(
        _train_chunk,
        len(networks),
        n_jobs,
        networks,
        light,
        keys,
        X,
        y,
        sample_weight,
        pause_at,
        wide,
    )
    trained = [net for chunk in chunks for net in chunk]
    for i, spec in enumerate(specs):
        if spec.final is None:
            rows = [net.theta for net in trained if net.spec == i]
            spec.final = _one_array(rows)
            if spec.final is None:
                spec.final = np.empty_like(spec.theta)
            spec.optimizers = [None] * spec.n_networks
    for net in trained:
        spec = specs[net.spec]
        spec.final[net.restart] = net.theta
        spec.progress[net.restart] = net.progress
        spec.optimizers[net.restart] = net.optimizer
        original = spec.random_states[net.restart]
        if original is not net.random_state:
            original.set_state(net.random_state.get_state())


def _one_array(rows):
    """The array whose rows ``rows`` are, in order, if they are all of one
    (a batch's own parameters, which need no copy); else None."""
    base = rows[0].base if rows else None
    # rows unpickled from a worker process have a bytes object as their base
    if not isinstance(base, np.ndarray) or base.ndim != 2 or len(base) != len(rows):
        return None
    if not base.flags.c_contiguous:
        return None
    # each row is exactly base[j]: same array, shape and start address
    first = base.__array_interface__["data"][0]
    in_order = all(
        row.base is base
        and row.shape == base.shape[1:]
        and row.__array_interface__["data"][0] == first + j * base.strides[0]
        for j, row in enumerate(rows)
    )
    return base if in_order else None


def _train_chunk(indices, networks, specs, keys, X, y, sample_weight, pause_at, wide):
    """Train the networks ``indices``; one task of :func:`run_chunks`.

    Returns the networks with their final parameters, progress, optimizer
    state and random state.
    """
    # networks of one run whose random states are equal shuffle alike: they
    # get one RandomState object, and fit_stochastic draws one permutation
    # for them all (the originals are set to its state after training). A
    # chunk of a batch spread over workers draws from copies: networks of
    # other chunks may hold the same objects (the folds of a search's
    # candidate do), and chunks in threads must not share one.
    whole = len(indices) == len(networks)
    networks = [copy.copy(networks[k]) for k in indices]
    shared = {}
    for net in networks:
        key = (keys[net.spec], _state_key(net.random_state))
        if key not in shared:
            shared[key] = net.random_state if whole else copy.deepcopy(net.random_state)
        net.random_state = shared[key]
    y = y.astype(X.dtype)
    start = 0
    while start < len(networks):
        stop = start + 1
        key = keys[networks[start].spec]
        while stop < len(networks) and keys[networks[stop].spec] == key:
            stop += 1
        _train_run(networks[start:stop], specs, X, y, sample_weight, pause_at, wide)
        start = stop
    return networks


def _train_run(networks, specs, X, y, sample_weight, pause_at, wide):
    """Train networks of one architecture and training-set size together."""
    spec = specs[networks[0].spec]
    est, layout = spec.estimator, spec.layout
    if spec.sample_weight is not None:
        sample_weight = spec.sample_weight  # the same for the run (_run_key)
    theta = np.vstack([net.theta for net in networks])
    progress = [net.progress for net in networks]
    objective = est._objective(layout)
    alphas = [specs[net.spec].estimator.alpha for net in networks]
    if len(set(alphas)) > 1:
        objective.alpha = np.asarray(alphas, dtype=float)
    monitor = None
    if any(net.monitor[0] is not None for net in networks):
        monitor = _Monitors([net.monitor for net in networks])

    if est.solver == "lbfgs":
        rows = spec.rows
        data = (X, y, sample_weight)
        if rows is not None:
            data = tuple(None if a is None else a[rows] for a in data)
        final = fit_lbfgs(
            objective,
            theta,
            progress,
            *data,
            max_iter=est.max_iter,
            max_fun=est.max_fun,
            tol=est.tol,
            verbose=est.verbose,
            monitor=monitor,
            diagnostics=est.diagnostics,
        )
        for net, row in zip(networks, final):
            net.theta = row
        return

    if all(net.optimizer is None for net in networks):
        # one state for the batch: per-network states stacked would be
        # allocated twice
        optimizer = est._new_optimizer(
            theta.shape,
            theta.dtype,
            [specs[net.spec].estimator.learning_rate_init for net in networks],
        )
    else:
        optimizer = _stack_optimizers(
            [
                net.optimizer
                if net.optimizer is not None
                else specs[net.spec].estimator._new_optimizer(
                    (1, layout.n_params), theta.dtype
                )
                for net in networks
            ]
        )
    n_samples = X.shape[0]
    plain = all(
        specs[net.spec].rows is None
        and specs[net.spec].train_rows is None
        and net.progress.sample_order is None
        for net in networks
    )
    sample_idx = None
    if not plain or est.shuffle:
        sample_idx = np.array(
            [
                specs[net.spec].network_rows(net.restart, n_samples, net.progress)
                for net in networks
            ]
        )
    score = None
    if est.early_stopping:
        held_out = {}
        sets = []
        for net in networks:
            val = specs[net.spec].val_rows[net.restart]
            key = val.tobytes()
            if key not in held_out:
                sw_val = None if sample_weight is None else sample_weight[val]
                held_out[key] = (X[val], est._validation_targets(y[val]), sw_val)
            sets.append(held_out[key])

        def score(k, params):
            X_val, y_val, sw_val = sets[k]
            output = objective.predict(params, X_val)[0]
            return est._score_output(output, y_val, sw_val)

    final, optimizers = fit_stochastic(
        objective,
        theta,
        optimizer,
        progress,
        X,
        y,
        sample_weight,
        _settings(est, spec.batch_size, spec.incremental, _labels(specs, networks)),
        random_states=[net.random_state for net in networks],
        sample_idx=sample_idx,
        score=score,
        monitor=monitor,
        pause_at=pause_at,
        wide=wide,
        overwrite=True,  # the stack above is the batch's own copy
    )
    for net, row, state in zip(networks, final, optimizers):
        net.theta = row
        net.optimizer = state


def _labels(specs, networks):
    """Each network's prefix of its verbose lines: its restart, when its fit
    has several; None when no fit has."""
    several = [specs[net.spec].extra["n_restarts"] > 1 for net in networks]
    if not any(several):
        return None
    labels = []
    for net, many in zip(networks, several):
        restarts = specs[net.spec].extra["restarts"]
        restart = net.restart if restarts is None else restarts[net.restart]
        labels.append(f"Restart {restart}: " if many else "")
    return labels


def _state_key(random_state):
    _, keys, position, has_gauss, cached = random_state.get_state()
    return keys.tobytes(), position, has_gauss, cached


def _stack_optimizers(optimizers):
    """One optimizer holding the per-network state of each of ``optimizers``.

    Each is an optimizer, or a call that returns one (see ``_solvers._leave``).
    """
    optimizers = [o() if callable(o) else o for o in optimizers]
    if len(optimizers) == 1:
        return optimizers[0].take([0])
    stacked = copy.copy(optimizers[0])
    for name in stacked._per_network:
        setattr(stacked, name, np.concatenate([getattr(o, name) for o in optimizers]))
    return stacked
