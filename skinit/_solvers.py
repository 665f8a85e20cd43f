# SPDX-License-Identifier: BSD-3-Clause
"""Training loops: sgd and adam over the restart axis, L-BFGS through scipy.

The update rules are scikit-learn's (``sklearn/neural_network/
_stochastic_optimizers.py``), rewritten to work in place on the packed
``(K, n_params)`` parameter array: one pass of a few whole-array operations
per update instead of a list of per-layer temporaries.
"""

import copy
import functools
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import gen_batches

from ._diagnostics import layer_gradient_sq_norms
from ._engine import Workspace, group_size
from ._kernels import kernels
from .utils._sklearn import _check_optimize_result, _get_additional_lbfgs_options_dict


class _Optimizer:
    """An update rule with state for K networks, one row each."""

    #: the attributes holding one row per network
    _per_network = ()

    def iteration_ends(self, time_step):
        """Called after each epoch with each network's samples seen so far."""

    def trigger_stopping(self, k, msg, verbose):
        """Whether network ``k``, which stopped improving, stops."""
        if verbose:
            print(msg + " Stopping.")
        return True

    def take(self, rows):
        """A copy holding the state of the networks ``rows`` only."""
        new = copy.copy(self)
        for name in self._per_network:
            setattr(new, name, getattr(self, name)[rows])
        return new


def _n_coef(bounds):
    """Number of weights (not biases) in a packed row, from the layer bounds."""
    return int(bounds[(len(bounds) - 1) // 2])


class SGDOptimizer(_Optimizer):
    """Stochastic gradient descent with (Nesterov) momentum, in place.

    ``learning_rate`` holds one rate per network, as the 'adaptive' schedule
    lowers each network's rate on its own.
    """

    _per_network = ("learning_rate", "learning_rate_init", "velocities")

    def __init__(
        self, shape, dtype, learning_rate_init, lr_schedule, momentum, nesterov, power_t
    ):
        self.learning_rate_init = np.broadcast_to(
            np.asarray(learning_rate_init, dtype=float), shape[:1]
        ).copy()
        self.learning_rate = self.learning_rate_init.copy()
        self.lr_schedule = lr_schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocities = np.zeros(shape, dtype=dtype)

    def stepper(self, rows, bounds):
        """``step(theta, grad, alpha, sw_sum, sq_norms)`` for the networks ``rows``.

        ``rows`` is a slice: the state it takes are views, updated in place.
        See ``Objective.loss_grad`` for ``alpha`` and ``sw_sum``.
        """
        sgd, velocities, rates = (
            kernels.sgd,
            self.velocities[rows],
            self.learning_rate[rows],
        )
        n_coef, momentum, nesterov = _n_coef(bounds), self.momentum, self.nesterov

        def step(theta, grad, alpha, sw_sum, sq_norms):
            sgd(theta, grad, velocities, n_coef, alpha, sw_sum, rates, momentum,
                nesterov, bounds, sq_norms)  # fmt: skip

        return step

    def iteration_ends(self, time_step):
        if self.lr_schedule == "invscaling":
            self.learning_rate[:] = self.learning_rate_init / (
                (np.asarray(time_step) + 1) ** self.power_t
            )

    def trigger_stopping(self, k, msg, verbose):
        """Whether network ``k`` stops; 'adaptive' first lowers its rate."""
        if self.lr_schedule != "adaptive":
            return super().trigger_stopping(k, msg, verbose)
        if self.learning_rate[k] <= 1e-6:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self.learning_rate[k] /= 5.0
        if verbose:
            print(f"{msg} Setting learning rate to {self.learning_rate[k]:f}")
        return False


class AdamOptimizer(_Optimizer):
    """Adam (Kingma & Ba, 2014), in place, with scikit-learn's arithmetic.

    ``t`` counts each network's updates.
    """

    _per_network = ("learning_rate_init", "ms", "vs", "t")

    def __init__(self, shape, dtype, learning_rate_init, beta_1, beta_2, epsilon):
        self.learning_rate_init = np.broadcast_to(
            np.asarray(learning_rate_init, dtype=float), shape[:1]
        ).copy()
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = np.zeros(shape[0], dtype=np.int64)
        self.ms = np.zeros(shape, dtype=dtype)
        self.vs = np.zeros(shape, dtype=dtype)

    def stepper(self, rows, bounds):
        """``step(theta, grad, alpha, sw_sum, sq_norms)`` for the networks ``rows``.

        ``rows`` is a slice: the state it takes are views, updated in place.
        See ``Objective.loss_grad`` for ``alpha`` and ``sw_sum``.
        """
        adam, ms, vs, t = kernels.adam, self.ms[rows], self.vs[rows], self.t[rows]
        rates, n_coef = self.learning_rate_init[rows], _n_coef(bounds)
        b1, b2, eps = self.beta_1, self.beta_2, self.epsilon

        def step(theta, grad, alpha, sw_sum, sq_norms):
            adam(theta, grad, ms, vs, t, n_coef, alpha, sw_sum, rates, b1, b2, eps,
                 bounds, sq_norms)  # fmt: skip

        return step


@dataclass
class Progress:
    """Training history of one network, carried over by warm starts."""

    loss_curve: list = field(default_factory=list)
    best_loss: float | None = np.inf
    no_improvement_count: int = 0
    validation_scores: list | None = None
    best_validation_score: float | None = None
    # with early stopping, the parameters of the best validation score so far;
    # None stands for "the current parameters" (see _mlp._progress)
    best_params: np.ndarray | None = None
    n_iter: int = 0
    t: int = 0
    loss: float = np.nan
    diverged_at: int = 0  # 1-based epoch of the first non-finite loss, 0 if none
    converged: bool = False  # stopped by its own criterion before max_iter
    convergence_warning: str | None = None  # what scikit-learn would warn
    fit_time: float = 0.0  # seconds until the network left the batch
    # left the batch at ``pause_at`` epochs, to be continued (see fit_stochastic)
    paused: bool = False
    # the rows in the order the network last shuffled them, when paused
    sample_order: np.ndarray | None = None
    # per update: the squared norms of each layer's weight, then bias, gradient
    gradient_sq_norms: list = field(default_factory=list)


@dataclass
class StochasticSettings:
    """The estimator's settings that drive the stochastic loop."""

    max_iter: int
    batch_size: int
    shuffle: bool
    tol: float
    n_iter_no_change: float
    verbose: bool
    early_stopping: bool
    incremental: bool
    diagnostics: bool = True
    #: each network's prefix of its verbose lines ("Restart k: "), or None
    labels: list | None = None


# A group gathers its rows a chunk of consecutive batches at a time: one
# fancy-indexing call per chunk instead of per batch, in bounded memory.
_CHUNK_BYTES = 4 * 2**20


def _chunks(n_rows, batch_size, row_bytes):
    """Slices of whole batches holding about ``_CHUNK_BYTES``."""
    n_batches = max(1, _CHUNK_BYTES // max(1, row_bytes * batch_size))
    step = n_batches * batch_size
    return [slice(start, min(start + step, n_rows)) for start in range(0, n_rows, step)]


def _gather(X, y, sample_weight, ids, rows, shared=False):
    """Rows of a group of networks: a shared slice, or rows picked per network.

    Returns ``X`` 2-D (shared) or ``(G, n, n_features)`` (or a list of sparse
    matrices), ``y`` as ``(1 or G, n, n_outputs)`` and the sample weights as
    ``(1 or G, n)`` or None. ``shared``: every network of the group trains on
    the rows ``ids[0]``, gathered once.
    """
    if ids is None:
        sw = None if sample_weight is None else sample_weight[np.newaxis, rows]
        return X[rows], y[np.newaxis, rows], sw
    if shared:
        ids = ids[0, rows]
        sw = None if sample_weight is None else sample_weight[np.newaxis, ids]
        return X[ids], np.take(y, ids[np.newaxis], axis=0), sw
    ids = ids[:, rows]
    X_rows = [X[i] for i in ids] if sp.issparse(X) else np.take(X, ids, axis=0)
    sw = None if sample_weight is None else sample_weight[ids]
    return X_rows, np.take(y, ids, axis=0), sw


def _batch_rows(X, rows):
    """Rows of gathered inputs: shared 2-D, per network 3-D, or sparse list."""
    if isinstance(X, list):
        return [x[rows] for x in X]
    return X[:, rows] if X.ndim == 3 else X[rows]


def _groups(labels, size):
    """Slices of at most ``size`` networks, and whether each shares its rows.

    ``labels`` marks networks that share their rows and batch order (equal
    labels are adjacent): a run of equal labels that fills at least half a
    group is cut into groups of its own, the other networks are grouped as
    they come (a group costs a call per batch: small shared runs would
    cost more calls than their shared rows save).
    """
    runs, start = [], 0
    while start < len(labels):
        stop = start + 1
        while stop < len(labels) and labels[stop] == labels[start]:
            stop += 1
        runs.append((start, stop))
        start = stop
    groups, pending = [], None  # pending: a group of unshared networks
    for start, stop in runs:
        if stop - start < max(2, size // 2):
            while start < stop:
                if pending is None:
                    pending = [start, start]
                step = min(stop - start, size - (pending[1] - pending[0]))
                pending[1] += step
                start += step
                if pending[1] - pending[0] == size:
                    groups.append((slice(*pending), False))
                    pending = None
            continue
        if pending is not None:
            groups.append((slice(*pending), False))
            pending = None
        for i in range(start, stop, size):
            j = min(i + size, stop)
            groups.append((slice(i, j), j - i > 1))
    if pending is not None:
        groups.append((slice(*pending), False))
    return groups


class _Shuffler:
    """scikit-learn's shuffle of each network's rows, once an epoch, in place.

    scikit-learn shuffles ``arange(n)`` with ``RandomState.shuffle``. A
    network with a RandomState of its own shuffles its current order in
    place: the same draws permute it the same way. Networks given one
    RandomState object share one permutation an epoch, applied to all their
    rows in one gather.

    With the compiled kernels and enough epochs ahead (``compiled``), the
    generators' states are read once into arrays and every row is shuffled
    in one call an epoch (numpy's draws, bit for bit); :meth:`close` writes
    the states back to the RandomState objects.
    """

    def __init__(self, random_states, compiled):
        index = {}
        for random_state in random_states:
            index.setdefault(id(random_state), random_state)
        position = {key: g for g, key in enumerate(index)}
        self.generators = list(index.values())
        #: each network's generator, and whether it shares it
        self.which = np.array([position[id(r)] for r in random_states], dtype=np.intp)
        self.shared = np.bincount(self.which)[self.which] > 1
        self.states = None
        self._plan_key = self._plan = None  # the plan for the networks in play
        if compiled and kernels.name == "numba":
            self.states = [g.get_state() for g in self.generators]
            self.keys = np.array([state[1] for state in self.states])
            self.positions = np.array([state[2] for state in self.states])

    def __call__(self, sample_idx, active):
        """Shuffle ``sample_idx[j]``, the rows of network ``active[j]``."""
        key = active.tobytes()
        if self._plan_key != key:
            self._plan_key, self._plan = key, self._planned(active, sample_idx.shape[1])
        own, rows, used, network_perm, offsets = self._plan
        n = sample_idx.shape[1]
        if self.states is not None:
            kernels.shuffle_rows(sample_idx, self.keys, self.positions, own)
            if len(rows):
                perms = np.tile(np.arange(n), (len(used), 1))
                kernels.shuffle_rows(perms, self.keys, self.positions, used)
        else:
            for j in np.flatnonzero(own >= 0).tolist():
                self.generators[own[j]].shuffle(sample_idx[j])
            if len(rows):
                perms = np.array([self.generators[g].permutation(n) for g in used])
        if len(rows):
            # row i becomes rows[i]'s order permuted by its generator's
            # permutation: one gather from the flattened rows
            order = perms[network_perm]
            order += offsets
            sample_idx[rows] = np.take(sample_idx[rows], order)

    def _planned(self, active, n):
        which, shared = self.which[active], self.shared[active]
        own = np.where(shared, -1, which)  # the generator of each own row
        rows = np.flatnonzero(shared)
        used, network_perm = np.unique(which[rows], return_inverse=True)
        offsets = n * np.arange(len(rows))[:, np.newaxis]
        return own, rows, used, network_perm, offsets

    def close(self):
        """Write the generators' states back (compiled shuffles only)."""
        if self.states is None:
            return
        for g, (generator, state) in enumerate(zip(self.generators, self.states)):
            name, _, _, has_gauss, cached_gaussian = state
            generator.set_state(
                (name, self.keys[g], int(self.positions[g]), has_gauss, cached_gaussian)
            )
        self.states = None


def _share_labels(random_states, sample_idx, shuffle):
    """Label of each network: equal for networks that see the same batches.

    Networks given one RandomState object share their shuffling; with the
    same rows, they see the same batches in the same order.
    """
    keys = {}
    labels = np.empty(len(random_states), dtype=np.int64)
    for k, random_state in enumerate(random_states):
        rows = b"" if sample_idx is None else sample_idx[k].tobytes()
        key = (id(random_state) if shuffle else None, rows)
        labels[k] = keys.setdefault(key, len(keys))
    return labels


def fit_stochastic(
    objective,
    theta,
    optimizer,
    progress,
    X,
    y,
    sample_weight,
    settings,
    *,
    random_states,
    sample_idx=None,
    score=None,
    monitor=None,
    pause_at=None,
    wide=False,
    overwrite=False,
):
    """Train K networks with sgd or adam until each converges or stops.

    The networks train in groups whose working set fits in a core's L2
    cache (see :func:`skinit._engine.group_size`): a group runs its whole
    epoch, minibatch after minibatch, before the next group starts.

    Networks given the same RandomState object share their shuffling: one
    permutation per epoch, applied to each one's rows. Those that also train
    on the same rows see the same batches: they are grouped together and
    their rows gathered once.

    Parameters
    ----------
    objective : Objective
    theta : ndarray of shape (K, n_params)
        Starting parameters; not modified.
    optimizer : SGDOptimizer or AdamOptimizer
        State for the K networks; updated.
    progress : list of Progress
        One per network; updated. ``n_iter`` counts on from its value, so
        a network paused before (``pause_at``) goes on where it stopped.
    X, y, sample_weight :
        The training data (``y`` as a 2-D float array).
    settings : StochasticSettings
    random_states : list of RandomState
        One per network, for its shuffling.
    sample_idx : ndarray of shape (K, n_train), default=None
        Rows of X each network trains on, in the order it last shuffled
        them (shuffled in place); None means all rows, in order.
    score : callable, default=None
        ``score(k, params)``: validation score of network ``k`` with
        parameters ``params`` of shape ``(1, n_params)``, for early stopping.
    monitor : TrainingMonitor, default=None
        Told when each network begins and ends an epoch; a network stops when
        it asks to.
    pause_at : int, default=None
        Networks still training after this many epochs (``n_iter``) leave
        the batch paused: their row of the result holds their current
        parameters, ``progress[k].paused`` is set and
        ``progress[k].sample_order`` holds their rows in their current
        order, to go on with a later call.
    wide : bool, default=False
        Whether groups of networks that see the same batches compute their
        first layer as one product ``X_batch @ [W_1 ... W_K]`` (dense X).
        It agrees with the product of each network to rounding, not bit for
        bit.
    overwrite : bool, default=False
        Whether ``theta`` may be trained in place (a copy the caller made).

    Returns
    -------
    theta : ndarray of shape (K, n_params)
        Final parameters (the best validated ones with early stopping).
    optimizers : list
        For each network, the optimizer state it ended with (to go on with
        ``partial_fit``).
    """
    s = settings
    layout = objective.layout
    start = time.perf_counter()
    n_networks = theta.shape[0]
    optimizers = [None] * n_networks
    final = None  # the parameters of networks that left the batch (see _leave)
    if s.shuffle and sample_idx is None:
        sample_idx = np.tile(np.arange(X.shape[0]), (n_networks, 1))
    n_train = X.shape[0] if sample_idx is None else sample_idx.shape[1]
    labels = _share_labels(random_states, sample_idx, s.shuffle)
    # reading and writing back the generators' states costs about 30
    # compiled shuffles: worth it for a fit, not for partial_fit's one epoch
    epochs_ahead = 1 if s.incremental else s.max_iter - min(p.n_iter for p in progress)
    shuffle = _Shuffler(random_states, compiled=s.shuffle and epochs_ahead >= 30)
    # networks that see the same batches are adjacent; ``active`` maps
    # positions in the batch to the networks' indices
    active = np.argsort(labels, kind="stable")
    labels = labels[active]
    reordered = (active != np.arange(n_networks)).any()
    if not overwrite or reordered:
        theta = theta[active]  # a copy: the starting points stay as they were
    if reordered:
        optimizer = optimizer.take(active)
    if sample_idx is not None and reordered:
        sample_idx = sample_idx[active]
    wide = wide and isinstance(X, np.ndarray)
    for p in progress:
        p.paused = False
        p.sample_order = None
    bounds = layout.bounds
    size = group_size(layout, s.batch_size, theta.dtype.itemsize, n_networks)
    grad = np.empty((size, layout.n_params), dtype=theta.dtype)  # one group's
    row_bytes = size * (X.shape[1] + y.shape[1]) * X.dtype.itemsize
    chunks = _chunks(n_train, s.batch_size, 0 if sample_idx is None else row_bytes)
    # each chunk's batches, as slices of the chunk (chunks hold whole batches)
    batches = [list(gen_batches(c.stop - c.start, s.batch_size)) for c in chunks]
    batch_sizes = np.array([b.stop - b.start for bs in batches for b in bs])
    workspaces = {}

    def workspace(n_group, n_batch, wide_group):
        key = (n_group, n_batch, wide_group)
        if key not in workspaces:
            workspaces[key] = Workspace(
                layout, n_group, n_batch, theta.dtype, wide=wide_group
            )
        return workspaces[key]

    def group_arrays_of(theta, optimizer):
        # the same view objects every epoch: the layout caches their views
        return [
            (
                g,
                shared,
                theta[g],
                grad[: g.stop - g.start],
                optimizer.stepper(g, bounds),
                active[g],
            )
            for g, shared in _groups(labels, size)
        ]

    group_arrays = group_arrays_of(theta, optimizer)
    state = _EpochState([progress[k] for k in active])

    def leave(rows, paused=None):
        # the batch as it is now (see _leave)
        return _leave(rows, active, theta, optimizer, final, optimizers, progress,
                      start, state, s, paused, sample_idx)  # fmt: skip

    try:
        while True:
            if monitor is not None:
                for j, k in enumerate(active):
                    monitor.begin(k, theta[j])
            if s.shuffle:
                shuffle(sample_idx, active)
            # each network's loss and gradient norms at every batch of the epoch
            batch_losses = np.empty((len(batch_sizes), len(active)))
            norms = (
                np.empty((len(batch_sizes), len(active), len(bounds) - 1))
                if s.diagnostics
                else None
            )
            for group, shared, theta_g, grad_g, step, networks in group_arrays:
                n_group = group.stop - group.start
                ids = None if sample_idx is None else sample_idx[group]
                b = 0
                for chunk, chunk_batches in zip(chunks, batches):
                    X_c, y_c, sw_c = _gather(X, y, sample_weight, ids, chunk, shared)
                    for rows in chunk_batches:
                        ws = workspace(n_group, rows.stop - rows.start, wide and shared)
                        sw_b = None if sw_c is None else sw_c[:, rows]
                        weights = objective.batch_weight(sw_b, ws, networks)
                        batch_losses[b, group] = objective.loss_grad(
                            theta_g,
                            grad_g,
                            _batch_rows(X_c, rows),
                            y_c[:, rows],
                            sw_b,
                            ws,
                            full_gradient=False,
                            weights=weights,
                        )
                        step(
                            theta_g,
                            grad_g,
                            *weights,
                            None if norms is None else norms[b, group],
                        )
                        b += 1
                    del X_c, y_c, sw_c  # one chunk in memory, not two
            # scikit-learn's running sum, batch after batch, of each batch's
            # loss times its size: a cumulative sum adds in that order for
            # any number of networks (a sum of one column would go pairwise)
            batch_losses *= batch_sizes[:, np.newaxis]
            epoch_loss = np.cumsum(batch_losses, axis=0)[-1]

            # the epoch's end, as scikit-learn's loop ends it, vectorized over
            # the networks; their histories are written back as they leave
            losses = epoch_loss / n_train
            state.record(losses, norms)
            state.n_iter += 1
            state.t += n_train
            # as scikit-learn, training goes on through a non-finite loss: its
            # stopping rules end the run, and only non-finite final
            # parameters are an error (see BaseMultilayerPerceptron._select)
            first = ~np.isfinite(losses) & (state.diverged_at == 0)
            state.diverged_at[first] = state.n_iter[first]
            interrupted = np.zeros(len(active), dtype=bool)
            if monitor is not None or s.verbose or s.early_stopping:
                for j, k in enumerate(active):
                    if monitor is not None:
                        interrupted[j] = monitor.end(k, theta[j])
                    label = s.labels[k] if s.labels else ""
                    if s.verbose:
                        print(
                            f"{label}Iteration {state.n_iter[j]}, "
                            f"loss = {losses[j]:.8f}"
                        )
                    if s.early_stopping:
                        params = theta[j : j + 1]
                        val_score = score(k, params)
                        _validate(state, j, progress[k], s, val_score, params, label)
            if not s.early_stopping:
                # NaN compares false (the count restarts), inf as worse
                worse = losses > state.best_loss - s.tol
                state.count = np.where(worse, state.count + 1, 0)
                state.best_loss = np.where(
                    losses < state.best_loss, losses, state.best_loss
                )
            state.loss = losses
            optimizer.iteration_ends(state.t.copy())

            stopped = interrupted
            paused = np.zeros(len(active), dtype=bool)
            for j in np.flatnonzero(~stopped & (state.count > s.n_iter_no_change)):
                what = "Validation score" if s.early_stopping else "Training loss"
                msg = (
                    f"{s.labels[active[j]] if s.labels else ''}{what} did not "
                    f"improve more than tol={s.tol:f} for {s.n_iter_no_change} "
                    "consecutive epochs."
                )
                if optimizer.trigger_stopping(j, msg, s.verbose):
                    stopped[j] = state.converged[j] = True
                else:
                    state.count[j] = 0
            going = ~stopped
            if s.incremental:
                stopped |= going
            else:
                at_max = going & (state.n_iter >= s.max_iter)
                state.at_max |= at_max
                stopped |= at_max
                if pause_at is not None:
                    paused = going & ~at_max & (state.n_iter >= pause_at)
                    stopped |= paused

            if stopped.any():
                final = leave(stopped, paused)
                if stopped.all():
                    active = active[:0]
                    break
                keep = ~stopped
                active, theta = active[keep], theta[keep]
                labels = labels[keep]
                state = state.take(keep)
                if sample_idx is not None:
                    sample_idx = sample_idx[keep]
                optimizer = optimizer.take(keep)
                group_arrays = group_arrays_of(theta, optimizer)
                workspaces.clear()
    except KeyboardInterrupt:
        warnings.warn("Training interrupted by user.", stacklevel=2)
    finally:
        shuffle.close()
    if len(active):
        final = leave(np.ones(len(active), dtype=bool))

    if s.early_stopping:
        for k, p in enumerate(progress):
            if p.best_params is not None and not p.paused:
                final[k] = p.best_params[0]
    return final, optimizers


def _leave(
    rows,
    active,
    theta,
    optimizer,
    final,
    optimizers,
    progress,
    start,
    state,
    settings,
    paused=None,
    sample_idx=None,
):
    """Record the networks ``rows`` of the batch as they leave it.

    Returns the array of final parameters, allocated when the first networks
    leave before the others: when all leave at once, in their own order, the
    batch's parameters are the final ones. Each network's optimizer state is
    only taken (copied) if asked for, by calling ``optimizers[k]()``.
    """
    elapsed = time.perf_counter() - start
    state.flush()
    if final is None:
        in_order = (
            len(active) == len(progress) and (active == np.arange(len(active))).all()
        )
        final = (
            theta
            if rows.all() and in_order
            else np.empty((len(progress), theta.shape[1]), dtype=theta.dtype)
        )
    for j in np.flatnonzero(rows):
        k = active[j]
        if final is not theta:
            final[k] = theta[j]
        # the optimizer is not updated after networks leave it: a reference
        optimizers[k] = functools.partial(optimizer.take, [j])
        p = progress[k]
        p.fit_time += elapsed
        state.write(j, p, settings)
        if paused is not None and paused[j]:
            p.paused = True
            if sample_idx is not None:
                p.sample_order = sample_idx[j].copy()
    return final


class _EpochState:
    """The training histories of the networks in the batch, as arrays.

    Read from their Progress when they join, written back when they leave.
    """

    _arrays = (
        "n_iter",
        "t",
        "loss",
        "best_loss",
        "count",
        "best_score",
        "diverged_at",
        "converged",
        "at_max",
    )

    def __init__(self, progress):
        self.n_iter = np.array([p.n_iter for p in progress], dtype=np.int64)
        self.t = np.array([p.t for p in progress], dtype=np.int64)
        self.loss = np.array([p.loss for p in progress], dtype=float)
        self.best_loss = np.array(
            [np.inf if p.best_loss is None else p.best_loss for p in progress]
        )
        self.count = np.array([p.no_improvement_count for p in progress])
        self.best_score = np.array(
            [
                -np.inf if p.best_validation_score is None else p.best_validation_score
                for p in progress
            ]
        )
        self.diverged_at = np.array([p.diverged_at for p in progress])
        self.converged = np.array([p.converged for p in progress])
        self.at_max = np.zeros(len(progress), dtype=bool)
        self.progress = list(progress)
        # each epoch's losses and gradient norms since the last flush
        self.epoch_losses, self.epoch_norms = [], []

    def record(self, losses, norms):
        """Keep an epoch's losses, shape (K,), and norms, (n_batches, K, n)."""
        self.epoch_losses.append(losses)
        if norms is not None:
            self.epoch_norms.append(norms)

    def flush(self):
        """Append the recorded epochs to each network's Progress.

        Recorded as arrays for the whole batch and written when networks
        leave: a network's curves are not read while it trains.
        """
        if self.epoch_losses:
            losses = np.array(self.epoch_losses)
            for j, p in enumerate(self.progress):
                p.loss_curve.extend(losses[:, j].tolist())
        if self.epoch_norms:
            norms = np.array(self.epoch_norms)
            for j, p in enumerate(self.progress):
                p.gradient_sq_norms.extend(norms[:, :, j])
        self.epoch_losses, self.epoch_norms = [], []

    def take(self, rows):
        self.flush()
        new = copy.copy(self)
        for name in self._arrays:
            setattr(new, name, getattr(self, name)[rows])
        new.progress = [self.progress[j] for j in np.flatnonzero(rows)]
        return new

    def write(self, j, p, settings):
        p.n_iter = int(self.n_iter[j])
        p.t = int(self.t[j])
        p.loss = float(self.loss[j])
        p.no_improvement_count = int(self.count[j])
        if settings.early_stopping:
            p.best_validation_score = float(self.best_score[j])
        elif p.best_loss is not None:
            p.best_loss = float(self.best_loss[j])
        p.diverged_at = int(self.diverged_at[j])
        p.converged = bool(self.converged[j])
        if self.at_max[j]:
            p.convergence_warning = (
                f"Stochastic Optimizer: Maximum iterations ({settings.max_iter}) "
                "reached and the optimization hasn't converged yet."
            )


def _validate(state, j, p, settings, val_score, params, label=""):
    """scikit-learn's early-stopping step of network ``j`` with its score."""
    p.validation_scores.append(val_score)
    if settings.verbose:
        print(f"{label}Validation score: {val_score:f}")
    if val_score < state.best_score[j] + settings.tol:
        state.count[j] += 1
    else:
        state.count[j] = 0
    if val_score > state.best_score[j]:
        state.best_score[j] = val_score
        p.best_params = params.copy()


def _lbfgs_callback(monitor, k, layout, grad, gradient_norms):
    """scipy's per-iteration callback for network ``k``.

    It reports the iteration to ``monitor`` and appends the squared norms of
    the gradient at the accepted point (the last one evaluated) to
    ``gradient_norms``; None when there is nothing to do.
    """
    if monitor is None and gradient_norms is None:
        return None

    def callback(intermediate_result):
        if gradient_norms is not None:
            gradient_norms.append(layer_gradient_sq_norms(layout, grad)[0])
        if monitor is not None:
            x = intermediate_result.x
            if monitor.end(k, x):
                raise StopIteration
            monitor.begin(k, x)

    return callback


def fit_lbfgs(
    objective,
    theta,
    progress,
    X,
    y,
    sample_weight,
    *,
    max_iter,
    max_fun,
    tol,
    verbose,
    monitor=None,
    diagnostics=True,
):
    """Train each of K networks with scipy's L-BFGS-B, one after the other.

    ``progress`` (one per network) receives each network's loss, iterations,
    convergence and time; ``monitor`` (see :func:`fit_stochastic`) each
    iteration.

    Returns
    -------
    theta : ndarray of shape (K, n_params)
    """
    theta = theta.copy()
    workspace = Workspace(objective.layout, 1, X.shape[0], theta.dtype)
    iprint = 1 if verbose else -1
    for k, p in enumerate(progress):
        start = time.perf_counter()
        params = theta[k : k + 1]
        grad = np.empty_like(params)

        def loss_grad(x, params=params, grad=grad):
            params[0] = x
            loss = objective.loss_grad(params, grad, X, y, sample_weight, workspace)
            return float(loss[0]), grad[0].astype(np.float64)

        if monitor is not None:
            monitor.begin(k, params[0].copy())
        callback = _lbfgs_callback(
            monitor,
            k,
            objective.layout,
            grad,
            p.gradient_sq_norms if diagnostics else None,
        )

        result = scipy.optimize.minimize(
            loss_grad,
            params[0].astype(np.float64),
            method="L-BFGS-B",
            jac=True,
            callback=callback,
            options={
                "maxfun": max_fun,
                "maxiter": max_iter,
                "gtol": tol,
                **_get_additional_lbfgs_options_dict("iprint", iprint),
            },
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            p.n_iter = _check_optimize_result("lbfgs", result, max_iter)
        p.convergence_warning = str(caught[0].message) if caught else None
        p.converged = not caught
        p.loss = float(result.fun)
        if not (np.isfinite(p.loss) and np.isfinite(result.x).all()):
            p.diverged_at = p.n_iter
        params[0] = result.x
        if monitor is not None:
            monitor.close(k, result.x)
        p.fit_time = time.perf_counter() - start
    return theta
