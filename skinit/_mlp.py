# SPDX-License-Identifier: BSD-3-Clause
"""Multi-layer perceptron estimators: parameters, validation and fit glue."""

import contextlib
import math
import warnings
from abc import ABC, abstractmethod
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, check_scoring, get_scorer_names, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, column_or_1d, gen_batches
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from ._batch import FitSpec, train
from ._callbacks import TrainingMonitor
from ._diagnostics import (
    activation_stats,
    effective_rank,
    first_gradient_update,
    symmetry,
    warn_about,
)
from ._engine import L2_CACHE_BYTES, Layout, Objective, forward
from ._init import initialize
from ._restarts import (
    RestartHalving,
    rank_restarts,
    restart_random_states,
    restart_seeds,
)
from ._solvers import AdamOptimizer, Progress, SGDOptimizer
from .initializers import NAMES, Initializer
from .utils._sklearn import (
    CallbackSupportMixin,
    Count,
    Interval,
    Options,
    StrOptions,
    _check_partial_fit_first_call,
    _check_sample_weight,
    _fit_context,
    _has_callbacks,
    with_callbacks,
)

_STOCHASTIC_SOLVERS = ("sgd", "adam")
# activation statistics are measured on at most this many samples, and on
# fewer for wide layers: at most _DIAGNOSTIC_VALUES activations per layer
_DIAGNOSTIC_SAMPLES = 1000
_DIAGNOSTIC_VALUES = 2**22
# and the effective rank of a layer wider than this on this many of them
_RANK_SAMPLES = 256


def _arguments(init_locals):
    """The arguments an estimator's ``__init__`` received, from its ``locals()``."""
    return {k: v for k, v in init_locals.items() if k not in ("self", "__class__")}


# set during fit by sklearn.callback, and needed after it for the teardown
_CALLBACK_STATE = ("_callback_fit_ctx", "_skl_callbacks_to_teardown")
# the fitted state of restart_ensemble=True, and what ensemble_results_ shows
# of restart_results_'s entries, for the members
_ENSEMBLE_ATTRIBUTES = (
    "ensemble_members_",
    "ensemble_coefs_",
    "ensemble_intercepts_",
    "ensemble_results_",
    "_ensemble_states",
)
_ENSEMBLE_RESULTS = (
    "loss",
    "n_iter",
    "converged",
    "fit_time",
    "loss_curve",
    "n_distinct_units",
)


def _forget_ensemble(estimator):
    """Delete the ensemble of an earlier fit: the estimator predicts alone."""
    for name in _ENSEMBLE_ATTRIBUTES:
        estimator.__dict__.pop(name, None)


@contextlib.contextmanager
def _restore_on_error(estimator):
    """Leave the estimator as it was if fitting fails half-way."""
    saved = estimator.__dict__.copy()
    try:
        yield
    except BaseException:
        state = estimator.__dict__
        callback_state = {key: state[key] for key in _CALLBACK_STATE if key in state}
        state.clear()
        state.update(saved, **callback_state)
        raise


class BaseMultilayerPerceptron(CallbackSupportMixin, BaseEstimator, ABC):
    """Base class for MLP classification and regression.

    Warning: This class should not be used directly.
    Use derived classes instead.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "n_restarts": [Count(1)],
        "restart_scoring": [None, StrOptions(set(get_scorer_names())), callable],
        "restart_halving": [None, Interval(Real, 1, None, closed="neither")],
        "restart_min_epochs": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"exhaust"}),
        ],
        "restart_ensemble": ["boolean"],
        "n_jobs": [None, Integral],
        "diagnostics": ["boolean"],
        "init": [StrOptions(set(NAMES)), Initializer, callable, list],
        "bias_init": [StrOptions({*NAMES, "auto"}), Initializer, callable, list],
    }

    @abstractmethod
    def __init__(self, *, loss, **params):
        # only assigns: scikit-learn reads the parameters from the subclasses'
        # explicit signatures, and ``loss`` (fixed by the classifier) from here
        self.loss = loss
        for name, value in params.items():
            setattr(self, name, value)

    # -- fitting ---------------------------------------------------------------

    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and target(s) y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values (class labels in classification, real numbers in
            regression).

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            Returns a trained MLP model.
        """
        with _restore_on_error(self):
            return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    def _hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        if not hasattr(sizes, "__iter__"):
            sizes = [sizes]
        sizes = list(sizes)
        if not all(isinstance(n, Integral) and not isinstance(n, bool) for n in sizes):
            raise ValueError(
                "hidden_layer_sizes must hold the number of units of each hidden "
                f"layer, positive integers; got {sizes}."
            )
        if np.any(np.array(sizes) <= 0):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {sizes}.")
        return sizes

    def _out_activation(self):
        if not is_classifier(self):
            return "exp" if self.loss == "poisson" else "identity"
        if self._label_binarizer.y_type_ == "multiclass":
            return "softmax"
        return "logistic"

    def _objective(self, layout):
        loss = self.loss
        if loss == "log_loss" and self.out_activation_ == "logistic":
            loss = "binary_log_loss"
        return Objective(
            layout,
            alpha=self.alpha,
            loss=loss,
            activation=self.activation,
            out_activation=self.out_activation_,
            exact=self.solver == "lbfgs",
        )

    def _fit(self, X, y, sample_weight, incremental):
        spec, (X, y, sample_weight) = self._prepare(X, y, sample_weight, incremental)
        train([spec], X, y, sample_weight, n_jobs=self.n_jobs)
        if spec.rows is not None:
            X, y = X[spec.rows], y[spec.rows]
        return self._finish(spec, X, y)

    def _prepare(
        self,
        X,
        y,
        sample_weight,
        incremental,
        callbacks=True,
        validated=None,
        starts=None,
    ):
        """Validate the data and draw the starting point of every restart.

        Sets the attributes that come from the data (``classes_``,
        ``n_outputs_``, ...) and returns the fit's :class:`FitSpec` with the
        data its rows index: ``X``, ``y`` (2-D, binarized for classifiers)
        and ``sample_weight`` (the fit trains on ``spec.rows`` of them, the
        rows ``restart_scoring`` does not hold out). ``callbacks=False``
        leaves the callbacks alone (the search reports for its cells).
        ``validated``: ``X`` and ``y`` are validated already, and this dict
        holds the attributes their validation sets (``classes_``,
        ``n_features_in_``, ...): the search validates the data once for
        all folds and candidates. ``starts=(random_states, theta)``: the
        restarts' random states and starting points as drawn for another
        fold, when the draws are the same on every fold (see
        :func:`~skinit._init.draws_alike_on_any_data`).
        """
        hidden_layer_sizes = self._hidden_layer_sizes()
        halving = self._restart_halving()
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        if validated is None:
            X, y = self._validate_input(X, y, incremental, reset=first_pass)
        else:
            vars(self).update(validated)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        if y.ndim == 1:
            y = y.reshape((-1, 1))
        # class_weight's weights are the fit's own: a search's folds differ
        weighted = self._weigh_classes(y, sample_weight, incremental)
        own_weights = None if weighted is sample_weight else weighted
        sample_weight = weighted
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        self.n_outputs_ = y.shape[1]
        layout = Layout([X.shape[1], *hidden_layer_sizes, self.n_outputs_])
        if sp.issparse(X) and X.format == "csc":
            X = X.tocsr()

        data = (X, y, sample_weight)
        selection = seeds = fit_rows = members = None
        if first_pass:
            self.n_layers_ = layout.n_layers
            self.out_activation_ = self._out_activation()
            self.t_ = 0
            # the first partial_fit has no restarts to select from, but an
            # ensemble keeps them all
            n_restarts = self.n_restarts
            if incremental and not self.restart_ensemble:
                n_restarts = 1
            if starts is None:
                random_states, seeds, sequence = restart_random_states(
                    self.random_state, n_restarts
                )
            else:
                seeds, sequence = restart_seeds(self.random_state, n_restarts)
                random_states, theta = starts
            if self.restart_scoring is not None and not incremental:
                # the split sees X only through its rows: drawn on the row
                # numbers, it says which rows of the data the restarts train on
                rows, y, sample_weight, selection = self._hold_out_for_selection(
                    np.arange(X.shape[0])[:, np.newaxis], y, sample_weight, sequence
                )
                fit_rows = rows[:, 0]
                selection = (X[selection[0][:, 0]], *selection[1:])
                X = X[fit_rows]
            if starts is None:
                theta = np.vstack(
                    [
                        initialize(
                            layout,
                            self.init,
                            self.bias_init,
                            self.activation,
                            random_state,
                            X.dtype,
                            X,
                            sample_weight,
                        )
                        for random_state in random_states
                    ]
                )
            if selection is not None:
                self._check_restart_scoring(layout, theta[0], selection)
        else:
            self._check_architecture(layout)
            # the kept restart (every member of an ensemble) goes on, as the
            # fit with its seed would
            if self.restart_ensemble:
                members = kept = self._continued_members(incremental)
                theta = layout.pack_stacks(
                    self.ensemble_coefs_, self.ensemble_intercepts_, X.dtype
                )
            else:
                kept = [getattr(self, "best_restart_", 0)]
                theta = layout.pack(self.coefs_, self.intercepts_, X.dtype)
            random_states = [
                check_random_state(
                    self.random_state if k == 0 else self.restart_seeds_[k]
                )
                for k in kept
            ]
        # the training state each network goes on from (warm start,
        # partial_fit): the fitted attributes', or each ensemble member's
        states = [vars(self)] * len(theta) if members is None else self._ensemble_states
        spec = FitSpec(
            estimator=self,
            layout=layout,
            theta=theta,
            random_states=random_states,
            progress=[
                self._progress(row[np.newaxis], first_pass, state)
                for row, state in zip(theta, states)
            ],
            batch_size=self._batch_size(X.shape[0]),
            incremental=incremental,
            extra=dict(
                first_pass=first_pass, seeds=seeds, selection=selection, members=members
            ),
            halving=halving if first_pass and not incremental else None,
        )
        if incremental and not first_pass and "_optimizer" in states[0]:
            spec.optimizers = [state["_optimizer"] for state in states]
        if self.early_stopping and self.solver != "lbfgs":
            # drawn after the starting points, as scikit-learn draws it, on the
            # classifier's binarized (bool) labels: messages name the classes
            # as scikit-learn does
            splits = [self._validation_split(X, y, rs) for rs in random_states]
            spec.train_rows = [train_rows for train_rows, _ in splits]
            spec.val_rows = [val_rows for _, val_rows in splits]
        if callbacks and not incremental:
            spec.monitor = self._start_callbacks(len(theta), layout, X, y)
        if fit_rows is not None:
            spec = spec.on_rows(fit_rows)
        spec.sample_weight = own_weights  # over the rows of data, as spec.rows
        return spec, data

    def _weigh_classes(self, y, sample_weight, incremental):
        """``sample_weight`` times the weights of ``class_weight``; the
        regressor has none."""
        return sample_weight

    def _finish(self, spec, X, y):
        """Select the best restart of a trained spec and set the fitted attributes."""
        layout, theta, final = spec.layout, spec.theta, spec.final
        progress = spec.progress
        first_pass = spec.extra["first_pass"]
        # an earlier fit's members would predict while the restarts are scored
        _forget_ensemble(self)
        best, results = self._select(
            layout, final, progress, spec.extra["selection"], spec.halving
        )
        if self.diagnostics:
            ended = [symmetry(*layout.unpack(row)) for row in final]
            distinct = np.empty(len(final), dtype=object)
            distinct[:] = [result["n_distinct_units"] for result in ended]
            results["n_distinct_units"] = distinct

        self._warn_convergence(progress)
        if self.restart_ensemble:
            best = self._keep_ensemble(spec, best, results)
        self.coefs_, self.intercepts_ = layout.unpack(final[best])
        p = progress[best]
        vars(self).update(self._training_state(p, spec.optimizers[best]))
        # the other restarts' optimizer states go before the diagnostics
        spec.optimizers = None
        if first_pass:
            self.init_coefs_, self.init_intercepts_ = layout.unpack(theta[best])
            seeds = spec.extra["seeds"]
            self.restart_seeds_ = seeds
            self.restart_results_ = {"seed": np.array(seeds, dtype=object), **results}
            self.best_restart_ = best
        if self.diagnostics:
            self._diagnose(
                layout, theta[best], final[best], ended[best], p, X, first_pass
            )
        if not spec.incremental:
            self._end_callbacks(spec.monitor, final, X, y)
        return self

    def _training_state(self, progress, optimizer):
        """The fitted attributes of a network's training, from its ``Progress``.

        A warm start or ``partial_fit`` goes on from them (see
        :meth:`_progress`); ``optimizer()`` gives the optimizer's state.
        """
        state = {"n_iter_": progress.n_iter, "loss_": progress.loss}
        if self.solver != "lbfgs":
            state.update(
                t_=progress.t,
                loss_curve_=progress.loss_curve,
                best_loss_=progress.best_loss,
                validation_scores_=progress.validation_scores,
                best_validation_score_=progress.best_validation_score,
                _no_improvement_count=progress.no_improvement_count,
                _optimizer=optimizer(),
            )
        return state

    def _keep_ensemble(self, spec, best, results):
        """Set the ensemble's attributes; the index in ``spec`` of the selected restart.

        A first fit's members are its restarts that did not diverge (the
        selected one alone if all did). A continued fit goes on with the
        members of the fit before, and every one must end finite, as each
        member's fit would.
        """
        members = spec.extra["members"]
        if members is None:
            rows = np.flatnonzero(~results["diverged"])
            members = rows if len(rows) else np.array([best])
            rows = members
        else:
            rows = np.arange(len(members))
            diverged = ~np.isfinite(spec.final).all(axis=1)
            if diverged.any():
                at = [p.diverged_at for p, out in zip(spec.progress, diverged) if out]
                raise self._non_finite(
                    f"the ensemble's members {members[diverged].tolist()} diverged "
                    f"(the loss first became non-finite at iterations {at})"
                )
            best = int(np.flatnonzero(members == self.best_restart_)[0])
        coefs, intercepts = spec.layout._make_views(spec.final[rows])
        self.ensemble_members_ = members
        self.ensemble_coefs_ = [c.copy() for c in coefs]
        self.ensemble_intercepts_ = [b.copy() for b in intercepts]
        self.ensemble_results_ = {
            key: results[key][rows] for key in _ENSEMBLE_RESULTS if key in results
        }
        self._ensemble_states = [
            self._training_state(spec.progress[r], spec.optimizers[r]) for r in rows
        ]
        return int(best)

    def _continued_members(self, incremental):
        """The ensemble's members, which a warm start or ``partial_fit`` continues."""
        if not hasattr(self, "ensemble_members_"):
            call = "partial_fit" if incremental else "a warm start"
            raise ValueError(
                f"restart_ensemble=True: {call} continues every member of the "
                "ensemble, but the model fitted before kept one restart "
                "(restart_ensemble=False). Fit it afresh (warm_start=False) to "
                "train an ensemble, or set restart_ensemble=False to continue the "
                "selected restart."
            )
        return self.ensemble_members_

    def _diagnose(self, layout, start, end, ended, progress, X, first_pass):
        """Set the diagnostic attributes of the selected model, and warn.

        ``ended`` is the :func:`symmetry` of ``end``, computed for every restart.
        """
        n_layers = len(layout.coef_shapes)
        norms = np.sqrt(
            np.vstack([np.empty((0, 2 * n_layers)), *progress.gradient_sq_norms])
        )
        self.gradient_norms_ = norms[:, :n_layers]
        self.intercept_gradient_norms_ = norms[:, n_layers:]
        self.first_gradient_update_ = first_gradient_update(self.gradient_norms_)
        widest = max(layout.layer_units[1:-1], default=1)
        n_sample = max(1, min(_DIAGNOSTIC_SAMPLES, _DIAGNOSTIC_VALUES // widest))
        sample = X[:: math.ceil(X.shape[0] / n_sample)]
        # a wide layer's effective rank comes from the Gram matrix of r
        # samples (r**2 per unit), its activations from the forward pass
        # (n_sample * fan_in per unit): r = sqrt(n_sample * fan_in) keeps them
        # at the same cost
        rank_samples = min(
            _RANK_SAMPLES, max(16, math.isqrt(sample.shape[0] * sample.shape[1]))
        )
        end_network = layout.unpack(end)
        self.n_distinct_units_ = ended["n_distinct_units"]
        self.unit_groups_ = ended["unit_groups"]
        self.unit_group_spread_ = ended["spread"]
        self.effective_rank_ = _hidden_effective_ranks(end_network[0])
        self.activation_stats_ = activation_stats(
            end_network[0],
            sample,
            end_network[1],
            self.activation,
            rank_samples=rank_samples,
        )
        if first_pass:
            start_network = layout.unpack(start)
            self.init_n_distinct_units_ = symmetry(*start_network)["n_distinct_units"]
            self.init_effective_rank_ = _hidden_effective_ranks(start_network[0])
            self.init_activation_stats_ = activation_stats(
                start_network[0],
                sample,
                start_network[1],
                self.activation,
                rank_samples=rank_samples,
            )
        warn_about(self)

    def _start_callbacks(self, n_restarts, layout, X, y):
        """Begin the fit task; a monitor of the restarts if callbacks listen."""
        if not hasattr(self, "_init_callback_context"):
            return None  # scikit-learn < 1.9
        fit_context = self._init_callback_context(max_subtasks=n_restarts)
        fit_context.call_on_fit_task_begin(estimator=self, X=X, y=y)
        if not _has_callbacks(fit_context):
            return None
        # L-BFGS begins one iteration more than it runs
        n_epochs = self.max_iter + (self.solver == "lbfgs")
        contexts = [
            fit_context.subcontext(task_name="restart", max_subtasks=n_epochs)
            for _ in range(n_restarts)
        ]
        for context in contexts:
            context.call_on_fit_task_begin(estimator=self, X=X, y=y)
        return TrainingMonitor(self, contexts, layout, X, y)

    def _end_callbacks(self, monitor, final, X, y):
        if monitor is not None:
            for params, context in zip(final, monitor.restart_contexts):
                context.call_on_fit_task_end(
                    estimator=self,
                    X=X,
                    y=y,
                    reconstruction_attributes=lambda params=params: monitor._fitted(
                        params
                    ),
                )
        if hasattr(self, "_callback_fit_ctx"):
            self._callback_fit_ctx.call_on_fit_task_end(
                estimator=self, X=X, y=y, reconstruction_attributes={}
            )

    def _hold_out_for_selection(self, X, y, sample_weight, sequence):
        """Split off the rows ``restart_scoring`` scores every restart on.

        The split is drawn from its own stream of ``sequence``, so that each
        restart's random state stays the one of its single fit. Rows of zero
        ``sample_weight`` count for no score: they are never held out.

        Returns
        -------
        X, y, sample_weight :
            The rows left for training.
        selection : tuple
            ``(X, y, sample_weight)`` of the held-out rows, ``y`` as given to
            ``fit``.
        """
        split_state = np.random.RandomState(sequence.spawn(1)[0].generate_state(1))
        if sample_weight is None:
            candidates = np.arange(X.shape[0])
        else:
            candidates = np.flatnonzero(sample_weight > 0)
        try:
            weighted_rows = (
                (X, y) if sample_weight is None else (X[candidates], y[candidates])
            )
            _, held_out = self._validation_split(*weighted_rows, split_state)
        except ValueError as exc:
            weighted = "" if sample_weight is None else " of non-zero sample_weight"
            raise ValueError(
                f"restart_scoring={self.restart_scoring!r} scores the restarts on "
                f"validation_fraction={self.validation_fraction} of the "
                f"{len(candidates)} rows{weighted}, held out from training, and "
                f"this split cannot be drawn: {str(exc).rstrip('.')}. Use "
                "restart_scoring=None to select the restart with the lowest "
                "training loss."
            ) from exc
        held_out = candidates[held_out]
        fit_rows = np.setdiff1d(np.arange(X.shape[0]), held_out, assume_unique=True)
        selection = (
            X[held_out],
            self._original_targets(y[held_out]),
            None if sample_weight is None else sample_weight[held_out],
        )
        if sample_weight is not None:
            sample_weight = sample_weight[fit_rows]
        return X[fit_rows], y[fit_rows], sample_weight, selection

    def _restart_score(self, scorer, params, layout, selection):
        """The score of one network on the held-out rows."""
        _forget_ensemble(self)
        self.coefs_, self.intercepts_ = layout.unpack(params)
        X, y, sample_weight = selection
        if sample_weight is None:
            return scorer(self, X, y)
        return scorer(self, X, y, sample_weight=sample_weight)

    def _check_restart_scoring(self, layout, params, selection):
        """Score the first restart's starting network, to fail before training.

        A scorer that does not fit the task (``"accuracy"`` for a regressor),
        fails, or returns something else than a number is refused here.
        """
        try:
            scorer = check_scoring(self, scoring=self.restart_scoring)
            score = self._restart_score(scorer, params, layout, selection)
        except Exception as exc:
            raise ValueError(
                f"restart_scoring={self.restart_scoring!r} cannot score the "
                f"restarts of {type(self).__name__} on the held-out rows: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if not isinstance(score, Real) or np.isnan(score):
            raise ValueError(
                f"restart_scoring={self.restart_scoring!r} must return a number, "
                "higher for better models; on the held-out rows, before "
                f"training, it returned {score!r}."
            )

    def _restart_halving(self):
        """The rounds of ``restart_halving`` for ``n_restarts``, or None."""
        if self.restart_halving is None:
            return None
        if self.solver == "lbfgs":
            raise ValueError(
                f"restart_halving={self.restart_halving!r} drops the worse restarts "
                "after rounds of epochs: it needs solver='sgd' or 'adam', not "
                "solver='lbfgs'. Use restart_halving=None with lbfgs."
            )
        if self.restart_ensemble:
            raise ValueError(
                f"restart_halving={self.restart_halving!r} trains one restart to "
                "the end (the others stop after rounds of epochs), so "
                "restart_ensemble=True would average under-trained networks. Use "
                "one of them: restart_ensemble=True averages restarts all trained "
                "to the end, restart_halving keeps one for less time."
            )
        return RestartHalving(
            self.n_restarts,
            self.restart_halving,
            self.restart_min_epochs,
            self.max_iter,
        )

    def _halve_restarts(self, spec):
        """End a round of ``restart_halving``: the worse restarts stop.

        They are ranked as :meth:`_select` ranks them at the end, on the
        parameters each would end with if it stopped now.
        """
        current = spec.current()
        halving = spec.halving
        criteria = self._restart_criteria(
            spec.layout, current, spec.progress, spec.extra["selection"], halving
        )
        epoch = halving.next_end
        _, rank = rank_restarts(*criteria, n_rounds=halving.n_rounds)
        kept, dropped = halving.end_round(rank, criteria[1])
        for r in dropped:
            p = spec.progress[r]
            if p.paused:
                spec.final[r] = current[r]
                p.paused, p.sample_order = False, None
        if self.verbose:
            print(
                f"Restart halving at epoch {epoch}: restarts {kept.tolist()} go on, "
                f"restarts {dropped.tolist()} stop"
            )

    def _check_architecture(self, layout):
        shapes = [c.shape for c in self.coefs_]
        if shapes != layout.coef_shapes:
            raise ValueError(
                f"The network fitted before has layers of shapes {shapes}; with "
                f"hidden_layer_sizes={self.hidden_layer_sizes} and this data they "
                f"would be {layout.coef_shapes}. Set warm_start=False or keep the "
                "architecture."
            )

    def _restart_criteria(self, layout, params, progress, selection, halving=None):
        """What restarts are ranked by: ``losses, scores, diverged, unusable``.

        ``scores`` are ``restart_scoring``'s on the held-out ``selection``
        (None without it); ``unusable`` restarts have non-finite ``params``,
        and a restart diverged when its parameters or loss are not finite.
        With ``halving``, only the restarts still in play are scored: the
        others' scores are the ones they were dropped with.
        """
        losses = np.array([p.loss for p in progress])
        unusable = ~np.isfinite(params).all(axis=1)
        diverged = unusable | ~np.isfinite(losses)
        scores = None
        if selection is not None:
            scorer = check_scoring(self, scoring=self.restart_scoring)
            scores = np.full(len(progress), np.nan)
            playing = ~diverged
            if halving is not None:
                playing &= halving.dropped_at == 0
                scores[halving.dropped_at > 0] = halving.scores[halving.dropped_at > 0]
            for k in np.flatnonzero(playing):
                scores[k] = self._restart_score(scorer, params[k], layout, selection)
        return losses, scores, diverged, unusable

    def _select(self, layout, final, progress, selection, halving=None):
        """Index of the best restart, and what ``restart_results_`` shows."""
        if not np.isfinite(final).all(axis=1).any():
            at = [p.diverged_at for p in progress]
            what = (
                f"the loss first became non-finite at iteration {at[0]}"
                if len(at) == 1
                else f"all {len(at)} restarts diverged (the loss first became "
                f"non-finite at iterations {at})"
            )
            raise self._non_finite(what)
        if halving is not None:
            # a restart dropped early never rescues a fit whose survivors all
            # diverged: halving must not turn an error into a model
            survivors = np.flatnonzero(halving.dropped_at == 0)
            if not np.isfinite(final[survivors]).all(axis=1).any():
                at = [progress[k].diverged_at for k in survivors]
                raise self._non_finite(
                    "every restart that restart_halving kept to the end "
                    f"({survivors.tolist()}) diverged (the loss first "
                    f"became non-finite at iterations {at}); the others were "
                    f"dropped before, at epochs "
                    f"{halving.dropped_at[halving.dropped_at > 0].tolist()}"
                )
        # a restart that diverged is never selected over one that did not, and
        # with restart_halving, one dropped over one that went on
        criteria = self._restart_criteria(layout, final, progress, selection, halving)
        losses, scores, diverged, _ = criteria
        trained = scores[~diverged] if scores is not None else []
        if len(trained) and np.isnan(trained).all():
            raise ValueError(
                f"restart_scoring={self.restart_scoring!r} returned NaN for "
                "every trained restart on the held-out rows: no restart can "
                "be selected."
            )
        n_rounds = None if halving is None else halving.n_rounds
        best, rank = rank_restarts(*criteria, n_rounds=n_rounds)
        loss_curves = np.empty(len(progress), dtype=object)
        loss_curves[:] = [p.loss_curve for p in progress]
        return best, {
            "loss": losses,
            "validation_score": (
                np.full(len(progress), np.nan) if scores is None else scores
            ),
            "n_iter": np.array([p.n_iter for p in progress]),
            "converged": np.array([p.converged for p in progress]),
            "diverged": diverged,
            "fit_time": np.array([p.fit_time for p in progress]),
            "rank": rank,
            "dropped_at": (
                np.zeros(len(progress), dtype=int)
                if halving is None
                else halving.dropped_at.copy()
            ),
            "n_rounds": (
                np.ones(len(progress), dtype=int)
                if halving is None
                else halving.n_rounds.copy()
            ),
            "loss_curve": loss_curves,
        }

    def _non_finite(self, what):
        """The error of non-finite final parameters; ``what`` says where."""
        # scikit-learn's words first, for code that catches them
        return ValueError(
            "Solver produced non-finite parameter weights. The input data may "
            f"contain large values and need to be preprocessed. skinit: {what}; "
            "scale the input data (for example with StandardScaler) or lower "
            f"learning_rate_init (={self.learning_rate_init})."
        )

    def _warn_convergence(self, progress):
        messages = [p.convergence_warning for p in progress if p.convergence_warning]
        if len(progress) == 1 and messages:
            warnings.warn(messages[0], ConvergenceWarning, stacklevel=2)
        elif messages:
            warnings.warn(
                f"{len(messages)} of {len(progress)} restarts did not converge. "
                f"{messages[0]}",
                ConvergenceWarning,
                stacklevel=2,
            )

    def _batch_size(self, n_samples):
        """The minibatch size, from the rows left for training."""
        if self.solver == "lbfgs":
            return n_samples
        if self.early_stopping:
            n_samples -= math.ceil(self.validation_fraction * n_samples)
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than "
                "sample size. It is going to be clipped",
                stacklevel=2,
            )
        return int(np.clip(self.batch_size, 1, n_samples))

    def _progress(self, theta, first_pass, state):
        """A fresh training history, or the one of the network being continued.

        ``state`` holds the continued network's training attributes (see
        :meth:`_training_state`).
        """
        if first_pass or "loss_curve_" not in state:
            return Progress(
                best_loss=None if self.early_stopping else np.inf,
                validation_scores=[] if self.early_stopping else None,
                best_validation_score=-np.inf if self.early_stopping else None,
                # scikit-learn keeps the starting point until a validation
                # score improves on it; without early stopping, nothing
                best_params=theta.copy() if self.early_stopping else None,
                t=self.t_,
            )
        return Progress(
            loss_curve=list(state["loss_curve_"]),
            best_loss=state["best_loss_"],
            no_improvement_count=state["_no_improvement_count"],
            validation_scores=(
                None
                if state["validation_scores_"] is None
                else list(state["validation_scores_"])
            ),
            best_validation_score=state["best_validation_score_"],
            # scikit-learn's coefs_ and best coefs are the same arrays after an
            # early-stopped fit, so a warm start trains its "best" parameters
            # until the validation score beats the previous best; reproduced.
            best_params=None,
            t=state["t_"],
        )

    def _new_optimizer(self, shape, dtype, learning_rate_init=None):
        if learning_rate_init is None:
            learning_rate_init = self.learning_rate_init
        if self.solver == "sgd":
            return SGDOptimizer(
                shape,
                dtype,
                learning_rate_init,
                self.learning_rate,
                self.momentum,
                self.nesterovs_momentum,
                self.power_t,
            )
        return AdamOptimizer(
            shape,
            dtype,
            learning_rate_init,
            self.beta_1,
            self.beta_2,
            self.epsilon,
        )

    def _validation_split(self, X, y, random_state):
        """Rows to train on and held-out rows, drawn as scikit-learn draws them."""
        stratify = y if is_classifier(self) and self.n_outputs_ == 1 else None
        train_idx, val_idx = train_test_split(
            np.arange(X.shape[0]),
            random_state=random_state,
            test_size=self.validation_fraction,
            stratify=stratify,
        )
        if val_idx.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        return train_idx, val_idx

    # -- prediction ------------------------------------------------------------

    def _forward_pass_fast(self, X, check_input=True):
        """Output of the network: predicted values or class probabilities.

        With an ensemble, the mean of its members' outputs, computed in one
        forward pass of the stacked networks, a chunk of rows at a time.
        """
        if check_input:
            X = validate_data(self, X, accept_sparse=["csr", "csc"], reset=False)
        if hasattr(self, "ensemble_coefs_"):
            coefs, intercepts = self.ensemble_coefs_, self.ensemble_intercepts_
        else:
            coefs = [c[np.newaxis] for c in self.coefs_]
            intercepts = [b[np.newaxis] for b in self.intercepts_]
        dtype = np.result_type(X.dtype, *coefs)
        coefs = [np.asarray(c, dtype=dtype) for c in coefs]
        intercepts = [np.asarray(b, dtype=dtype) for b in intercepts]

        def outputs(X):
            layers = forward(
                coefs, intercepts, X, self.activation, self.out_activation_
            )
            return layers[-1]

        n_members = len(coefs[0])
        if n_members == 1:
            return outputs(X)[0]
        # a chunk of rows whose activations, for every member, fill about 4 x
        # L2: the fastest of 0.5 to 16 x L2 on 20000 x 100 rows, (256, 128), 5
        # members, and about 2.5x faster than all the rows at once
        units = sum(c.shape[-1] for c in coefs)
        n_rows = max(1, 4 * L2_CACHE_BYTES // (n_members * units * dtype.itemsize))
        mean = np.empty((X.shape[0], coefs[-1].shape[-1]), dtype=dtype)
        for rows in gen_batches(X.shape[0], n_rows):
            np.mean(outputs(X[rows]), axis=0, out=mean[rows])
        return mean

    def _score_output(self, output, y, sample_weight):
        """Validation score of a network's raw output, as in ``_score``."""
        y_pred = self._output_to_prediction(output)
        # as scikit-learn: NaN for non-finite predicted values (not labels)
        if np.issubdtype(y_pred.dtype, np.floating) and not np.isfinite(y_pred).all():
            return np.nan
        return self._score_function(y, y_pred, sample_weight=sample_weight)

    def _score(self, X, y, sample_weight=None):
        return self._score_output(
            self._forward_pass_fast(X, check_input=False), y, sample_weight
        )

    def _check_solver(self):
        if self.solver not in _STOCHASTIC_SOLVERS:
            raise AttributeError(
                "partial_fit is only available for stochastic optimizers. "
                f"{self.solver} is not stochastic."
            )
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _hidden_effective_ranks(coefs):
    """Effective rank of each hidden layer's incoming weight matrix."""
    return np.array([effective_rank(coef) for coef in coefs[:-1]], dtype=float)


_CLASS_WEIGHT_DOC = """\
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, as in scikit-learn's other
        classifiers: a dict ``{class_label: weight}``, or ``"balanced"`` for
        ``n_samples / (n_classes * np.bincount(y))`` computed on the ``y``
        given to ``fit``; multiplied with ``sample_weight``. The weights count
        in training, in early stopping's validation score and in
        ``restart_scoring``'s held-out score where its scorer takes weights.
        None: every class weighs one, scikit-learn's MLP. Not for multilabel
        targets; ``"balanced"`` not with ``partial_fit``.
"""

_PARAMETERS_DOC = """
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element represents the number of neurons in the ith
        hidden layer.

    activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
        Activation function for the hidden layer.

        - 'identity', no-op activation, useful to implement linear bottleneck,
          returns f(x) = x
        - 'logistic', the logistic sigmoid function,
          returns f(x) = 1 / (1 + exp(-x)).
        - 'tanh', the hyperbolic tan function, returns f(x) = tanh(x).
        - 'relu', the rectified linear unit function, returns f(x) = max(0, x)

    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        The solver for weight optimization.

        - 'lbfgs' is an optimizer in the family of quasi-Newton methods
          (scipy's L-BFGS-B).
        - 'sgd' refers to stochastic gradient descent.
        - 'adam' refers to a stochastic gradient-based optimizer proposed
          by Kingma, Diederik, and Jimmy Ba.

    alpha : float, default=0.0001
        Strength of the L2 regularization term. The L2 regularization term
        is divided by the sample size when added to the loss.

    batch_size : int, default='auto'
        Size of minibatches for stochastic optimizers.
        If the solver is 'lbfgs', the model will not use minibatch.
        When set to "auto", `batch_size=min(200, n_samples)`.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Learning rate schedule for weight updates. Only used when
        ``solver='sgd'``.

        - 'constant' is a constant learning rate given by 'learning_rate_init'.
        - 'invscaling' gradually decreases the learning rate after each epoch:
          ``learning_rate_init / pow(t + 1, power_t)`` with ``t`` the number of
          samples seen so far.
        - 'adaptive' keeps the learning rate constant as long as training
          loss keeps decreasing. Each time `n_iter_no_change` consecutive
          epochs fail to decrease training loss by at least tol, or fail to
          increase validation score by at least tol if 'early_stopping' is on,
          the current learning rate is divided by 5.

    learning_rate_init : float, default=0.001
        The initial learning rate used. It controls the step-size
        in updating the weights. Only used when solver='sgd' or 'adam'.

    power_t : float, default=0.5
        The exponent for inverse scaling learning rate. Only used when
        solver='sgd' and learning_rate='invscaling'.

    max_iter : int, default=200
        Maximum number of iterations. The solver iterates until convergence
        (determined by 'tol') or this number of iterations. For stochastic
        solvers ('sgd', 'adam'), this is the number of epochs (how many times
        each data point is used), not the number of gradient steps.

    shuffle : bool, default=True
        Whether to shuffle samples in each iteration. Only used when
        solver='sgd' or 'adam'.

    random_state : int, RandomState instance, default=None
        Determines random number generation for weights and bias
        initialization, train-test split if early stopping is used, and batch
        sampling when solver='sgd' or 'adam'. The draws are the ones
        scikit-learn makes, in the same order, so an int gives the model
        scikit-learn gives. Pass an int for reproducible results across
        multiple function calls (see ``random_state`` in scikit-learn's
        glossary).

    tol : float, default=1e-4
        Tolerance for the optimization. When the loss or score is not improving
        by at least ``tol`` for ``n_iter_no_change`` consecutive iterations,
        unless ``learning_rate`` is set to 'adaptive', convergence is
        considered to be reached and training stops.

    verbose : bool, default=False
        Whether to print progress messages to stdout.

    warm_start : bool, default=False
        When set to True, reuse the solution of the previous
        call to fit as initialization, otherwise, just erase the
        previous solution (see ``warm_start`` in scikit-learn's glossary).
        The restart the previous fit kept (with ``restart_ensemble``, every
        member) goes on as the fit with its seed would, shuffling with it.

    momentum : float, default=0.9
        Momentum for gradient descent update. Should be between 0 and 1. Only
        used when solver='sgd'.

    nesterovs_momentum : bool, default=True
        Whether to use Nesterov's momentum. Only used when solver='sgd' and
        momentum > 0.

    early_stopping : bool, default=False
        Whether to use early stopping to terminate training when validation
        score is not improving. If set to True, ``validation_fraction`` of the
        training data is set aside as validation and training stops when the
        validation score does not improve by at least ``tol`` for
        ``n_iter_no_change`` consecutive epochs; the parameters with the best
        validation score are kept. The split is stratified for single-output
        classification. Only effective when solver='sgd' or 'adam'.
        As in scikit-learn, a ``warm_start`` fit after an early-stopped one
        keeps its own last parameters unless its validation score beats the
        best score of the earlier fits.

    validation_fraction : float, default=0.1
        The proportion of training data to set aside as validation set for
        early stopping. Must be between 0 and 1.
        Only used if early_stopping is True.

    beta_1 : float, default=0.9
        Exponential decay rate for estimates of first moment vector in adam,
        should be in [0, 1). Only used when solver='adam'.

    beta_2 : float, default=0.999
        Exponential decay rate for estimates of second moment vector in adam,
        should be in [0, 1). Only used when solver='adam'.

    epsilon : float, default=1e-8
        Value for numerical stability in adam. Only used when solver='adam'.

    n_iter_no_change : int, default=10
        Maximum number of epochs to not meet ``tol`` improvement.
        Only effective when solver='sgd' or 'adam'.

    max_fun : int, default=15000
        Only used when solver='lbfgs'. Maximum number of loss function calls.
        The solver iterates until convergence (determined by 'tol'), number
        of iterations reaches max_iter, or this number of loss function calls.

    init : str, Initializer, callable or list, default="sklearn"
        How the weights start. One of

        - a name from :data:`skinit.initializers.NAMES` ("glorot_uniform",
          "he_normal", "orthogonal", "lsuv", ...);
        - an :class:`~skinit.initializers.Initializer`, whose settings are
          nested parameters (``init__gain``) for grid search;
        - a callable ``(shape, random_state) -> ndarray`` returning the
          ``(fan_in, fan_out)`` weights of a layer from the estimator's
          RandomState;
        - a list of the above with one entry per weight layer (the hidden
          layers, then the output layer).

        The default, "sklearn", is scikit-learn's own scheme: with it the
        fitted model equals scikit-learn's for the same ``random_state``.
        Data-dependent initializers (LSUV) see a sample of the ``X`` given to
        ``fit``.

    bias_init : str, Initializer, callable or list, default="auto"
        How the biases start: the same forms as ``init`` (with the shape
        ``(fan_out,)``), or "auto": scikit-learn's uniform biases for layers
        whose ``init`` is "sklearn", zeros for all others.

    n_restarts : int, default=1
        Number of networks trained from different random starts; the best
        one is kept (see ``restart_scoring``). Restart 0 is the fit with
        ``n_restarts=1``, so more restarts never select a worse model by the
        criterion (unless ``restart_halving`` stops restart 0 before the
        end); restart ``k`` is the fit with
        ``random_state=restart_seeds_[k]`` (with ``restart_scoring``, on the
        rows that the split shared by all restarts leaves for training). The
        sgd and adam restarts train
        together, vectorized; a restart leaves the batch when it converges,
        stops early or diverges. ``warm_start`` and ``partial_fit`` continue
        the selected model alone (every member of the ensemble with
        ``restart_ensemble``).

    restart_scoring : str, callable or None, default=None
        How the best restart is chosen. None: the lowest final training loss
        (``loss_``). A scorer name or callable, as ``scoring`` in scikit-learn:
        the highest score on a held-out split of ``validation_fraction`` of
        the data, the same for all restarts and not used for training (drawn
        among the rows of non-zero ``sample_weight``, stratified for
        single-output classification; the scorer gets the held-out rows'
        ``sample_weight``). The split is held out with ``n_restarts=1`` too,
        so that restart 0 is the same fit whatever ``n_restarts``; its score
        is then only recorded. A scorer that cannot score the task, or
        returns NaN, on the held-out rows before training is refused before
        any training; restarts it scores NaN after training rank last.

    restart_halving : float > 1 or None, default=None
        Successive halving of the restarts, epochs being the resource (as
        ``factor`` in :class:`~sklearn.model_selection.HalvingGridSearchCV`).
        None trains every restart to the end. A number trains them in
        rounds: at the end of each round but the last, only the best
        ``ceil(n / restart_halving)`` of the ``n`` restarts still in play go
        on, ranked as the final selection ranks them (training loss, or
        ``restart_scoring``'s score on the shared held-out split; a restart
        that converged or stopped early is ranked with its final values);
        the others stop where they are (with early stopping, at their best
        validated state). As ``HalvingGridSearchCV`` plans it, there are as
        many rounds as leave at most ``restart_halving`` restarts for the
        last one, as far as ``restart_min_epochs`` and ``max_iter`` allow;
        round ``i`` ends at ``restart_min_epochs * restart_halving ** i``
        epochs, the last one at ``max_iter``. 16 restarts and
        ``restart_halving=2`` with ``max_iter=200``: rounds of 16, 8, 4, 2
        and 1 restarts end at 12, 24, 48, 96 and 200 epochs, 584 epochs in
        all instead of 3200. A restart stopped early may have ended better
        than the selected one: halving trades that risk for time. The
        selected restart is one that played every round, and its training
        never depended on the others: it is still the fit with
        ``random_state=restart_seeds_[k]``. If every restart kept to the
        end diverges (non-finite parameters), the fit raises, as a fit whose
        restarts all diverge does: a restart dropped before is not kept in
        its place. Needs the sgd or adam solver. Only ``fit`` halves, and
        only the restarts it draws: with ``n_restarts=1`` it changes
        nothing, and ``warm_start`` and ``partial_fit`` continue the
        selected model alone. In
        ``MLPClassifierCV`` and ``MLPRegressorCV``, every cell (candidate
        on a fold) and the refit halve their own restarts, as the plain
        estimator's fit would.

    restart_min_epochs : int or "exhaust", default="exhaust"
        With ``restart_halving``, the epochs of the first round. "exhaust"
        (``min_resources="exhaust"`` of ``HalvingGridSearchCV``) chooses
        ``max_iter // restart_halving ** (n_rounds - 1)``: the budget grows
        by ``restart_halving`` from round to round and the last round's
        restarts get ``max_iter`` epochs.

    restart_ensemble : bool, default=False
        Whether to keep every restart and predict with their average, a deep
        ensemble (Lakshminarayanan et al. 2017): ``predict_proba`` is the mean
        of the members' class probabilities (``predict`` its argmax), the
        regressor's ``predict`` the mean of their outputs, all members
        computed in one forward pass. The members are the restarts that did
        not diverge (the selected one alone if all did), in
        ``ensemble_members_``; the selection still picks ``best_restart_``,
        which the plain fitted attributes (``coefs_``, ``loss_``, the
        diagnostics) describe. ``warm_start`` and ``partial_fit`` continue
        every member, each as the fit with its seed would go on, and the first
        ``partial_fit`` trains ``n_restarts`` members. With ``n_restarts=1``
        the model is the plain one. Not with ``restart_halving``, which
        trains one restart to the end.

    n_jobs : int, default=None
        Number of workers the restarts are spread over, in contiguous chunks
        (``joblib``; None means 1 unless in a
        :func:`joblib.parallel_config` context). The fitted model does not
        depend on it.

    diagnostics : bool, default=True
        Whether to record the diagnostic attributes (gradient norms at every
        update, distinct units, effective ranks and activation statistics at
        the start and the end) and warn about what they show
        (``skinit.exceptions``). They cost a few percent of the fit; False
        skips them.
"""

_ATTRIBUTES_DOC = """
    loss_ : float
        The current loss computed with the loss function.

    best_loss_ : float or None
        The minimum loss reached by the solver throughout fitting.
        If `early_stopping=True`, this attribute is set to `None`. Refer to
        the `best_validation_score_` fitted attribute instead. Only set by the
        stochastic solvers.

    loss_curve_ : list of shape (`n_iter_`,)
        The ith element in the list represents the loss at the ith iteration.
        Only set by the stochastic solvers.

    validation_scores_ : list of shape (`n_iter_`,) or None
        The score ({score}) at each iteration on the held-out validation set.
        Only available if `early_stopping=True`, otherwise None.

    best_validation_score_ : float or None
        The best validation score ({score}). Only available if
        `early_stopping=True`, otherwise None.

    t_ : int
        The number of training samples seen by the solver during fitting.

    coefs_ : list of shape (n_layers - 1,)
        The ith element in the list represents the weight matrix corresponding
        to layer i, of shape (fan_in, fan_out). With several restarts, these
        and the other fitted attributes of one network (``loss_``,
        ``loss_curve_``, ``n_iter_``, the diagnostics) are the selected
        restart's (``best_restart_``), also with ``restart_ensemble``.

    intercepts_ : list of shape (n_layers - 1,)
        The ith element in the list represents the bias vector corresponding to
        layer i + 1.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X`
        has feature names that are all strings.

    n_iter_ : int
        The number of iterations the solver ran in the last call to fit
        (epochs for the stochastic solvers).

    n_layers_ : int
        Number of layers.

    n_outputs_ : int
        Number of outputs.

    out_activation_ : str
        Name of the output activation function.

    init_coefs_ : list of shape (n_layers - 1,)
        The weight matrices before training, drawn by ``init`` in the fit
        that started the model (a warm start or ``partial_fit`` keeps them).

    init_intercepts_ : list of shape (n_layers - 1,)
        The bias vectors before training, drawn by ``bias_init``.

    restart_seeds_ : list of length n_restarts
        The seed of each restart: ``random_state`` for restart 0 (None when
        it is not an int), 32-bit ints derived from it for the others.

    restart_results_ : dict of ndarray
        One entry per restart, in the style of ``cv_results_``: ``seed``,
        ``loss`` (final training loss), ``validation_score`` (NaN without
        ``restart_scoring``), ``n_iter``, ``converged``, ``diverged``
        (non-finite loss; never selected), ``fit_time`` (seconds until it
        left the batch), ``rank`` (1 for the selected restart; with
        ``restart_halving``, the restarts that played more rounds rank
        first), ``dropped_at`` (the epoch of the ``restart_halving``
        round's end that stopped the restart, 0 if none did),
        ``n_rounds`` (the rounds it took part in; 1 without
        ``restart_halving``), ``loss_curve`` and, with ``diagnostics``,
        ``n_distinct_units`` (per hidden layer, at the end). Set by the fit
        that drew the restarts.

    best_restart_ : int
        Index of the selected restart; the fitted attributes are its.

    ensemble_members_ : ndarray of int of shape (n_members,)
        With ``restart_ensemble=True``: the restarts the ensemble keeps, as
        indices into ``restart_seeds_``. The ensemble's attributes below have
        one entry per member, in this order; every ``fit`` and
        ``partial_fit`` sets them.

    ensemble_coefs_ : list of ndarray of shape (n_members, fan_in, fan_out)
        With ``restart_ensemble=True``: the weight matrices of every member,
        layer by layer (``coefs_`` with a leading member axis).

    ensemble_intercepts_ : list of ndarray of shape (n_members, fan_out)
        With ``restart_ensemble=True``: the bias vectors of every member.

    ensemble_results_ : dict of ndarray
        With ``restart_ensemble=True``: ``restart_results_``'s entries for the
        members' training in the last call to fit (``loss``, ``n_iter``,
        ``converged``, ``fit_time``, ``loss_curve`` and, with
        ``diagnostics``, ``n_distinct_units``), one entry per member.

    gradient_norms_ : ndarray of shape (n_updates, n_layers - 1)
        L2 norm of each layer's weight gradient at every update (every
        minibatch for sgd and adam, every iteration for lbfgs) of the last
        call to fit. Only with ``diagnostics=True``, as the attributes below.

    intercept_gradient_norms_ : ndarray of shape (n_updates, n_layers - 1)
        The same for the biases.

    first_gradient_update_ : ndarray of shape (n_layers - 1,)
        For each layer, the 1-based index of the first update at which its
        weight gradient was non-zero, 0 if never.

    n_distinct_units_ : ndarray of shape (n_layers - 2,)
        For each hidden layer, the number of distinct units at the end:
        units with equal incoming weights and bias (within 1e-6 of the layer's
        largest parameter) count once. See :func:`skinit.diagnostics.symmetry`.

    init_n_distinct_units_ : ndarray of shape (n_layers - 2,)
        The same before training.

    effective_rank_ : ndarray of shape (n_layers - 2,)
        For each hidden layer, the effective rank (Roy & Vetterli 2007: the
        exponential of the entropy of the normalized singular values) of its
        incoming weight matrix at the end: about 1 when its units, however
        distinct, compute one direction of their input. See
        :func:`skinit.diagnostics.effective_rank`.

    init_effective_rank_ : ndarray of shape (n_layers - 2,)
        The same before training.

    unit_groups_ : list of ndarray
        For each hidden layer, the group label of every unit: units with the
        same label are copies.

    unit_group_spread_ : ndarray of shape (n_layers - 2,)
        For each hidden layer, the largest difference between two units of one
        group (floating-point noise that may, very slowly, split copies).

    activation_stats_ : dict of ndarray
        One entry per hidden layer, measured on the training data (at most
        1000 evenly spaced samples of it, fewer when a layer is wider than
        4096 units: at most 2**22 activations per layer): ``"mean"``,
        ``"std"``, ``"dead_fraction"`` (ReLU units zero on every sample),
        ``"saturated_fraction"`` (tanh or logistic units beyond 99% of their
        range on every sample) and ``"effective_rank"`` (of the activations
        centered per unit; for a wide layer, on at most 256 of the samples,
        and at most ``sqrt(n_samples * n_features)``, so that it costs no
        more than the layer's forward pass). See
        :func:`skinit.diagnostics.activation_stats`.

    init_activation_stats_ : dict of ndarray
        The same before training.
"""

_NOTES_DOC = """
    The arithmetic follows scikit-learn's estimator of the same name operation
    by operation, so that with the same ``random_state`` the fitted models agree
    to rounding (L-BFGS bit for bit). As in scikit-learn, training goes on
    through a non-finite loss until its stopping rules end it, and only
    non-finite final parameters raise scikit-learn's ``ValueError``, followed by
    the epoch where the loss first became non-finite; a restart whose final
    parameters or loss are not finite is never selected. An estimator whose
    fit fails is left as it was before the call.

    The stochastic solvers update all parameters in place in one packed array,
    with the elementwise work between the matrix products fused into compiled
    kernels (numba; a numpy fallback gives the same results to rounding),
    which makes them about twice as fast as scikit-learn's at the same work.

    With scikit-learn >= 1.9, ``fit`` reports to the callbacks of
    :mod:`sklearn.callback` (``est.set_callbacks(ProgressBar())``): the fit is
    a task, each restart a subtask, each epoch (or L-BFGS iteration) a subtask
    of its restart; a callback that asks to stop at the end of an epoch stops
    that restart. ``partial_fit`` does not report.
"""

_REFERENCES_DOC = """
    Glorot, Xavier, and Yoshua Bengio. "Understanding the difficulty of
    training deep feedforward neural networks." AISTATS, 2010.

    Kingma, Diederik, and Jimmy Ba. "Adam: A method for stochastic
    optimization." arXiv:1412.6980, 2014.

    Lakshminarayanan, Balaji, Alexander Pritzel, and Charles Blundell.
    "Simple and scalable predictive uncertainty estimation using deep
    ensembles." NeurIPS, 2017.
"""


def _check_label_types(y):
    """Labels all strings or all numbers (sorting mixed ones fails obscurely)."""
    if y.dtype != object:
        return
    types = {type(label) for label in np.ravel(y)}
    strings = [issubclass(t, str) for t in types]
    if any(strings) and not all(strings):
        raise ValueError(
            "Mix of label input types (string and number) in y: its labels are "
            f"of types {', '.join(sorted(t.__name__ for t in types))}. Give "
            "labels of one kind, all strings or all numbers."
        )


class MLPClassifier(ClassifierMixin, BaseMultilayerPerceptron):
    __doc__ = f"""Multi-layer Perceptron classifier.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`:
    the same parameters, attributes and results. It optimizes the log-loss
    function using LBFGS or stochastic gradient descent.

    Parameters
    ----------
{_PARAMETERS_DOC}
{_CLASS_WEIGHT_DOC}
    Attributes
    ----------
    classes_ : ndarray or list of ndarray of shape (n_classes,)
        Class labels for each output.
{_ATTRIBUTES_DOC.format(score="accuracy")}
    See Also
    --------
    MLPRegressor : Multi-layer Perceptron regressor.
    sklearn.neural_network.MLPClassifier : The estimator this one reproduces.

    Notes
    -----
{_NOTES_DOC}
    References
    ----------
{_REFERENCES_DOC}
    Examples
    --------
    >>> from skinit import MLPClassifier
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.model_selection import train_test_split
    >>> X, y = make_classification(n_samples=100, random_state=1)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y,
    ...                                                     random_state=1)
    >>> clf = MLPClassifier(random_state=1, max_iter=300).fit(X_train, y_train)
    >>> clf.predict_proba(X_test[:1]).shape
    (1, 2)
    >>> clf.predict(X_test[:5, :])
    array([1, 0, 1, 0, 1])
    >>> bool(clf.score(X_test, y_test) > 0.8)
    True
    """

    _parameter_constraints: dict = {
        **BaseMultilayerPerceptron._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        init="sklearn",
        bias_init="auto",
        n_restarts=1,
        restart_scoring=None,
        restart_halving=None,
        restart_min_epochs="exhaust",
        restart_ensemble=False,
        n_jobs=None,
        diagnostics=True,
        class_weight=None,
    ):
        super().__init__(loss="log_loss", **_arguments(locals()))

    _score_function = staticmethod(accuracy_score)

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        _check_label_types(y)

        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer()
            self._label_binarizer.fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same "
                        "classes as in the previous call to fit. Previously "
                        f"got {self.classes_}, `y` has {classes}"
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(
                    "`y` has classes not in `self.classes_`. "
                    f"`self.classes_` has {self.classes_}. 'y' has {classes}."
                )
        y = self._label_binarizer.transform(y).astype(bool)
        return X, y

    def _weigh_classes(self, y, sample_weight, incremental):
        if self.class_weight is None:
            return sample_weight
        if self._label_binarizer.y_type_.startswith("multilabel"):
            raise ValueError(
                "class_weight is not supported for multilabel targets; weigh the "
                "samples with sample_weight instead."
            )
        if incremental and self.class_weight == "balanced":
            raise ValueError(
                "class_weight 'balanced' is not supported for partial_fit: the "
                "classes' frequencies are not known from one batch. Compute them "
                "with compute_class_weight('balanced', classes=classes, y=y) on "
                "a large enough sample and pass the resulting dict as "
                "class_weight."
            )
        # each row's class, as a position in classes_, from the binarized y
        index = y.argmax(axis=1) if y.shape[1] > 1 else y[:, 0].astype(np.intp)
        weights = compute_class_weight(
            self.class_weight, classes=self.classes_, y=self.classes_[index]
        )[index]
        return weights if sample_weight is None else sample_weight * weights

    def _output_to_prediction(self, output):
        if self.n_outputs_ == 1:
            output = output.ravel()
        return self._label_binarizer.inverse_transform(output)

    def _validation_targets(self, y):
        """Labels of held-out rows of the binarized ``y``, as scikit-learn scores."""
        return self._label_binarizer.inverse_transform(y)

    _original_targets = _validation_targets

    def predict(self, X):
        """Predict using the multi-layer perceptron classifier.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray, shape (n_samples,) or (n_samples, n_classes)
            The predicted classes: with ``restart_ensemble``, those of the
            members' mean probability.
        """
        check_is_fitted(self)
        return self._output_to_prediction(self._forward_pass_fast(X))

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with a single iteration over the given data.

        As scikit-learn does, every call draws its shuffling from
        ``random_state`` afresh: with an int ``random_state``, each call
        shuffles its data the same way. A model that kept restart ``k``
        draws from ``restart_seeds_[k]`` instead, as the fit with that seed
        would go on.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        y : array-like of shape (n_samples,)
            The target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        classes : array of shape (n_classes,), default=None
            Classes across all calls to partial_fit.
            Can be obtained via `np.unique(y_all)`, where y_all is the
            target vector of the entire dataset.
            This argument is required for the first call to partial_fit
            and can be omitted in the subsequent calls.
            Note that y doesn't need to contain all labels in `classes`.

        Returns
        -------
        self : object
            Trained MLP model.
        """
        with _restore_on_error(self):
            if _check_partial_fit_first_call(self, classes):
                self._label_binarizer = LabelBinarizer()
                if type_of_target(y).startswith("multilabel"):
                    self._label_binarizer.fit(y)
                else:
                    self._label_binarizer.fit(classes)
            return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def predict_log_proba(self, X):
        """Return the log of probability estimates.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_y_prob : ndarray of shape (n_samples, n_classes)
            The predicted log-probability of the sample for each class
            in the model, where classes are ordered as they are in
            `self.classes_`. Equivalent to `log(predict_proba(X))`: with
            ``restart_ensemble``, the log of the members' mean probability.
        """
        y_prob = self.predict_proba(X)
        return np.log(y_prob, out=y_prob)

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y_prob : ndarray of shape (n_samples, n_classes)
            The predicted probability of the sample for each class in the
            model, where classes are ordered as they are in `self.classes_`.
            With ``restart_ensemble``, the mean of the members'.
        """
        check_is_fitted(self)
        y_pred = self._forward_pass_fast(X)
        if self.n_outputs_ == 1:
            y_pred = y_pred.ravel()
        if y_pred.ndim == 1:
            return np.vstack([1 - y_pred, y_pred]).T
        return y_pred

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, BaseMultilayerPerceptron):
    __doc__ = f"""Multi-layer Perceptron regressor.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`:
    the same parameters, attributes and results. It optimizes the squared
    error or the Poisson deviance using LBFGS or stochastic gradient descent.

    Parameters
    ----------
    loss : {{'squared_error', 'poisson'}}, default='squared_error'
        The loss function to use when training the weights. "squared_error"
        and "poisson" implement half the squared error and half the Poisson
        deviance. The "poisson" loss uses a log link (an exponential output
        activation) and requires ``y >= 0``.
{_PARAMETERS_DOC}
    Attributes
    ----------
{_ATTRIBUTES_DOC.format(score="R2")}
    See Also
    --------
    MLPClassifier : Multi-layer Perceptron classifier.
    sklearn.neural_network.MLPRegressor : The estimator this one reproduces.

    Notes
    -----
{_NOTES_DOC}
    References
    ----------
{_REFERENCES_DOC}
    Examples
    --------
    >>> from skinit import MLPRegressor
    >>> from sklearn.datasets import make_regression
    >>> from sklearn.model_selection import train_test_split
    >>> X, y = make_regression(n_samples=200, n_features=20, random_state=1)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y,
    ...                                                     random_state=1)
    >>> regr = MLPRegressor(random_state=1, max_iter=2000, tol=0.1)
    >>> regr.fit(X_train, y_train)
    MLPRegressor(max_iter=2000, random_state=1, tol=0.1)
    >>> regr.predict(X_test[:2]).shape
    (2,)
    >>> bool(regr.score(X_test, y_test) > 0.9)
    True
    """

    _parameter_constraints: dict = {
        **BaseMultilayerPerceptron._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        init="sklearn",
        bias_init="auto",
        n_restarts=1,
        restart_scoring=None,
        restart_halving=None,
        restart_min_epochs="exhaust",
        restart_ensemble=False,
        n_jobs=None,
        diagnostics=True,
    ):
        super().__init__(**_arguments(locals()))

    _score_function = staticmethod(r2_score)

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=True,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(
                "loss='poisson' requires non-negative targets y, got a minimum "
                f"of {np.min(y)}."
            )
        return X, y

    def _output_to_prediction(self, output):
        return output.ravel() if output.shape[1] == 1 else output

    def _validation_targets(self, y):
        # scikit-learn scores early stopping against the 2-D y
        return y

    def _original_targets(self, y):
        return y.ravel() if y.shape[1] == 1 else y

    def predict(self, X):
        """Predict using the multi-layer perceptron model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples, n_outputs)
            The predicted values: with ``restart_ensemble``, the mean of the
            members'.
        """
        check_is_fitted(self)
        return self._output_to_prediction(self._forward_pass_fast(X))

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with a single iteration over the given data.

        As scikit-learn does, every call draws its shuffling from
        ``random_state`` afresh: with an int ``random_state``, each call
        shuffles its data the same way. A model that kept restart ``k``
        draws from ``restart_seeds_[k]`` instead, as the fit with that seed
        would go on.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        y : ndarray of shape (n_samples,)
            The target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            Trained MLP model.
        """
        with _restore_on_error(self):
            return self._fit(X, y, sample_weight=sample_weight, incremental=True)
