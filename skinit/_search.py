# SPDX-License-Identifier: BSD-3-Clause
"""MLPClassifierCV and MLPRegressorCV: a grid search trained as one batch.

Every candidate x fold x restart of the search is a network of one batch
(:mod:`skinit._batch`): each cell (candidate on a fold) is prepared exactly
as ``GridSearchCV`` would fit it, so its networks start from the same
arrays, train on the same rows in the same order with the same settings,
and its score is the one ``GridSearchCV`` computes.
"""

import copy
import time
import warnings
from contextlib import suppress
from inspect import signature
from math import ceil
from numbers import Integral, Number, Real
from traceback import format_exc

import numpy as np
import scipy.sparse as sp
from numpy.ma import MaskedArray
from scipy.stats import rankdata
from sklearn.base import clone, is_classifier
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import ParameterGrid, check_cv
from sklearn.utils import _safe_indexing, check_random_state, indexable
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import _check_sample_weight, _num_samples

from ._batch import train
from ._callbacks import TrainingMonitor
from ._init import draws_alike_on_any_data
from ._mlp import (
    _ATTRIBUTES_DOC,
    _CALLBACK_STATE,
    _CLASS_WEIGHT_DOC,
    _PARAMETERS_DOC,
    BaseMultilayerPerceptron,
    MLPClassifier,
    MLPRegressor,
    _arguments,
    _forget_ensemble,
    _restore_on_error,
)
from ._restarts import data_on_workers, halving_schedule
from .utils._sklearn import (
    GRID_SEARCH_WEIGHTS_SCORES,
    Interval,
    InvalidParameterError,
    StrOptions,
    _fit_context,
    _has_callbacks,
    with_callbacks,
)

#: The parameters a search may vary: the networks of one batch may differ in
#: them (and in the settings of ``init`` and ``bias_init``), nothing else.
SEARCHABLE = ("alpha", "bias_init", "init", "learning_rate_init")
_NESTED = ("bias_init", "init")
# networks that see the same batches could share their first-layer product;
# off: that product rounds differently from GridSearchCV's separate fits,
# enough to break its exact ties (a candidate listed twice) and, in float32,
# to move scores by 1e-7
_WIDE = False


def _search_parameters_doc(kind):
    return f"""
    param_grid : dict, list of dict or None, default=None
        The candidates, as ``GridSearchCV`` takes them: parameter names
        mapped to lists of values, or a list of such dicts. Only the
        parameters that may differ between the networks of one batch can
        be searched: ``init``, ``bias_init``, their settings (``init__gain``,
        ``init__mode``, ...), ``alpha``, ``learning_rate_init`` and, for the
        classifier, ``class_weight``; use
        :class:`~sklearn.model_selection.GridSearchCV` for the others. None
        cross-validates the estimator's own settings (one candidate).

    cv : int, cross-validation generator or iterable, default=5
        The folds, through :func:`~sklearn.model_selection.check_cv`: an int
        gives {kind}.

    scoring : str, callable or None, default=None
        How a candidate is scored on a held-out fold, as ``scoring`` in
        ``GridSearchCV`` (one metric); None uses the estimator's ``score``.

    refit : bool or callable, default=True
        Whether to refit the best candidate, with its restarts, on all the
        data, after which the estimator predicts as the plain one would; a
        callable takes ``cv_results_`` and returns the index of the
        candidate to refit (``best_score_`` is then not set).

    search : {{"exhaustive", "halving"}}, default="exhaustive"
        "exhaustive" trains every candidate for its full training and gives
        ``GridSearchCV``'s answer. "halving" is successive halving with
        epochs as the resource: every candidate trains ``min_epochs``
        epochs, then only the best ``1 / factor`` of them (by mean score on
        the held-out folds) go on training, from where they stopped, for
        ``factor`` times more epochs, and so on; the last round's
        candidates train to the end (``max_iter`` or convergence). Needs the
        sgd or adam solver.

    factor : float, default=3
        With ``search="halving"``, the fraction ``1 / factor`` of candidates
        kept after each round, and the growth of the epoch budget.

    min_epochs : int or "exhaust", default="exhaust"
        With ``search="halving"``, the epochs of the first round. "exhaust"
        chooses ``max_iter // factor ** (n_rounds - 1)``, with as many rounds
        as leave at most ``factor`` candidates for the last one, as
        ``HalvingGridSearchCV`` does.

    error_score : "raise" or float, default=np.nan
        Score of a candidate on a fold where its fit fails (every restart
        diverges, for example), with a
        :class:`~sklearn.exceptions.FitFailedWarning` naming the candidate
        and the fold; "raise" raises the error instead. If every fit fails,
        the search raises.
"""


_SEARCH_ATTRIBUTES_DOC = """
    cv_results_ : dict of ndarray
        The search's results in ``GridSearchCV``'s layout (``params``,
        ``param_<name>``, ``split<i>_test_score``, ``mean_test_score``,
        ``std_test_score``, ``rank_test_score``, ``mean_fit_time``, ...),
        one entry per candidate; with ``search="halving"``, one entry per
        candidate and round, as in ``HalvingGridSearchCV``, with the round
        (``iter``), its epoch budget (``n_resources``) and the epochs the
        candidate's networks had trained when they were scored
        (``n_epochs``: below the budget if they converged, or a round's
        budget for candidates that stopped there). Fit times are the
        seconds until a cell's last network left the batch.

    best_index_ : int
        Index in ``cv_results_`` of the refitted candidate.

    best_params_ : dict
        Its parameters.

    best_score_ : float
        Its mean score on the held-out folds (not set for a callable
        ``refit``).

    n_splits_ : int
        Number of folds.

    refit_time_ : float
        Seconds spent refitting the best candidate on all the data.

    scorer_ : callable
        The scorer of the held-out folds.

    cv_restart_results_ : dict of ndarray
        One entry per candidate x fold x restart network, of shape
        ``(n_candidates, n_splits, n_restarts)``, candidates in the order of
        ``ParameterGrid(param_grid)``: ``seed``, ``loss`` (final training
        loss), ``validation_score`` (``restart_scoring``'s, NaN without it),
        ``n_iter``, ``converged``, ``diverged``, ``fit_time``, ``selected``
        (the restart its cell kept) and, with ``restart_halving``,
        ``dropped_at`` and ``n_rounds`` (see ``restart_results_``).

    n_resources_, n_candidates_ : list of int
        With ``search="halving"``: the epoch budget and the number of
        candidates of each round.

    n_iterations_, n_required_iterations_, n_possible_iterations_ : int
        With ``search="halving"``: the rounds run, the rounds needed to
        leave at most ``factor`` candidates for the last one, and the rounds
        the epochs allow, as in ``HalvingGridSearchCV``.

    min_resources_, max_resources_ : int
        With ``search="halving"``: the epochs of the first round and
        ``max_iter``.

    n_remaining_candidates_ : int
        With ``search="halving"``: ``ceil(n_candidates_[-1] / factor)``, the
        candidates a halving after the last round would keep, as in
        ``HalvingGridSearchCV``.
"""


_SEARCH_NOTES_DOC = """
    The search trains every candidate x fold x restart network as one batch
    (:class:`~sklearn.model_selection.GridSearchCV` fits them one after the
    other): networks of one architecture and training-set size train
    together, vectorized, in chunks over ``n_jobs`` workers (joblib: under
    ``joblib.parallel_config(backend="dask")`` they go to a dask cluster),
    the data sent once to each. Networks of one fold and one random stream
    see the same batches and share their first-layer product.

    With ``search="exhaustive"`` each cell (candidate on a fold) is the fit
    ``GridSearchCV({plain}(**same), param_grid, cv=same, scoring=same)``
    makes: the same starting arrays, rows, shuffling and settings, so its
    score is the same (to rounding: the shared first-layer product agrees
    with the separate ones to about 1e-15), and so are the ranks, the best
    candidate and the refitted model, which equals ``best_estimator_``. As
    in ``GridSearchCV``, ``sample_weight`` weighs the training of every fit
    and, when the scorer takes weights, the held-out scores.
    ``random_state=None`` draws one seed for the whole search, so that every
    cell and the refit share it as they would share an int.

    With ``search="halving"``, a candidate's networks are not refitted from
    scratch at each round: they go on training. The last round's
    candidates therefore end exactly as in the exhaustive search, and
    their scores are the exhaustive ones.

    Progress: with ``verbose``, a line per search and per round (per cell
    with ``verbose >= 2``), and the refit's epochs; with scikit-learn's
    callbacks (``set_callbacks(ProgressBar())``), the fit's task tree is
    the search (a task per candidate, a subtask per fold, per restart and
    per epoch) and the refit.
"""


def _reraise(exc, prefix):
    """``exc`` with ``prefix`` before its message, of its own type if possible."""
    try:
        new = type(exc)(f"{prefix}{exc}")
    except Exception:
        new = ValueError(f"{prefix}{type(exc).__name__}: {exc}")
    return new


def _param_columns(candidate_params):
    """``param_<name>`` masked arrays, as ``GridSearchCV`` lays them out."""
    values = {}
    for index, params in enumerate(candidate_params):
        for name, value in params.items():
            values.setdefault(f"param_{name}", {})[index] = value
    columns = {}
    for key, found in values.items():
        try:
            array = np.array(list(found.values()))
        except ValueError:
            dtype = np.dtype(object)
        else:
            ok = array.dtype.kind != "U" and array.ndim == 1
            dtype = array.dtype if ok else np.dtype(object)
        column = MaskedArray(np.empty(len(candidate_params), dtype=dtype), mask=True)
        for index, value in found.items():
            column[index] = value
        columns[key] = column
    return columns


def _warn_non_finite(means):
    """GridSearchCV's warning about non-finite mean test scores.

    As there, it follows the warning about the failed fits, and never precedes
    the error when every fit failed.
    """
    if not np.isfinite(means).all():
        warnings.warn(
            f"One or more of the test scores are non-finite: {means}",
            category=UserWarning,
            stacklevel=2,
        )


def _store(results, name, array, splits=False, rank=False):
    """Mean, std (and ranks and split columns) of a (n_candidates, n_splits) array."""
    array = np.asarray(array, dtype=np.float64)
    if splits:
        for split in range(array.shape[1]):
            results[f"split{split}_{name}"] = array[:, split]
    means = np.average(array, axis=1)
    results[f"mean_{name}"] = means
    results[f"std_{name}"] = np.sqrt(
        np.average((array - means[:, np.newaxis]) ** 2, axis=1)
    )
    if rank:
        if np.isnan(means).all():
            ranks = np.ones_like(means, dtype=np.int32)
        else:
            filled = np.where(np.isnan(means), np.nanmin(means) - 1, means)
            ranks = rankdata(-filled, method="min").astype(np.int32, copy=False)
        results[f"rank_{name}"] = ranks


def _check_splits(cv, X, y, groups):
    """Every fold's training and test rows as positions, read as
    ``GridSearchCV`` reads them (positions or boolean masks), with its
    errors for an empty or inconsistent ``cv``."""
    n_splits = cv.get_n_splits(X, y, groups)
    splits = [
        tuple(
            _positions(rows, _num_samples(X), fold, part)
            for part, rows in zip(("training", "test"), split)
        )
        for fold, split in enumerate(cv.split(X, y, groups))
    ]
    if not splits:
        raise ValueError(
            "No fits were performed. Was the CV iterator empty? "
            "Were there no candidates?"
        )
    if len(splits) != n_splits:
        raise ValueError(
            "cv.split and cv.get_n_splits returned inconsistent results. "
            f"Expected {n_splits} splits, got {len(splits)}"
        )
    return splits


def _positions(rows, n_samples, fold, part):
    """``rows`` of one fold (positions or a boolean mask) as int positions."""
    rows = np.asarray(rows)
    if rows.ndim != 1:
        raise ValueError(
            f"The {part} rows of fold {fold} must be a 1-d array of positions "
            f"or a boolean mask; got an array of shape {rows.shape}."
        )
    if rows.dtype.kind == "b":
        if len(rows) != n_samples:
            raise ValueError(
                f"The {part} rows of fold {fold} are a boolean mask of "
                f"{len(rows)} values for {n_samples} samples."
            )
        return np.flatnonzero(rows)
    if len(rows) == 0:
        return np.empty(0, dtype=np.intp)
    if rows.dtype.kind not in "iu":
        raise ValueError(
            f"The {part} rows of fold {fold} must be integer positions or a "
            f"boolean mask; got an array of dtype {rows.dtype}."
        )
    if rows.min() < -n_samples or rows.max() >= n_samples:
        raise ValueError(
            f"The {part} rows of fold {fold} hold positions from {rows.min()} "
            f"to {rows.max()}; there are {n_samples} samples."
        )
    return np.where(rows < 0, rows + n_samples, rows).astype(np.intp, copy=False)


def _check_score(score, scorer, search):
    if isinstance(score, dict):
        raise ValueError(
            f"scoring returned a dict ({score!r}): several metrics are not "
            f"supported by {type(search).__name__}; score one metric, or use "
            "sklearn.model_selection.GridSearchCV for several."
        )
    if hasattr(score, "item"):  # a 0-d array, a numpy scalar: as GridSearchCV
        with suppress(ValueError):
            score = score.item()
    if not isinstance(score, Number):
        raise ValueError(
            f"scoring must return a number, got {score!r} ({type(score)}) "
            f"instead. (scorer={scorer})"
        )
    return score


def _accuracy(estimator, X, Y, sample_weight=None):
    """``estimator.score(X, y)`` of a fitted classifier, ``y`` binarized as
    ``Y``: the accuracy of the labels its outputs predict, read as its
    ``predict`` reads them (without validating ``X`` again)."""
    if len(estimator.classes_) == 1:  # predict gives the one class
        return 1.0
    output = estimator._forward_pass_fast(X, check_input=False)
    if estimator._label_binarizer.y_type_ == "multiclass":
        correct = output.argmax(axis=1) == Y.argmax(axis=1)
    else:  # one output (binary) or multilabel: each output against 0.5
        correct = ((output > 0.5) == Y).all(axis=1)
    return float(np.average(correct, weights=sample_weight))


#: the attributes the validation of the data sets on an estimator
_DATA_ATTRIBUTES = (
    "n_features_in_",
    "feature_names_in_",
    "classes_",
    "_label_binarizer",
)


def _draws_alike_on_every_fold(estimator):
    """Whether the estimator draws the same starting points, and leaves its
    random states alike, on every fold: its initializers read no data, and
    early stopping does not draw its split (from the same random states)."""
    if estimator.early_stopping and estimator.solver != "lbfgs":
        return False
    return draws_alike_on_any_data(estimator.init, estimator.bias_init)


def _cell_estimator(estimator):
    """A copy of a candidate's estimator for one fold, as ``clone`` would make it.

    Its parameters are the candidate's objects: a fit reads them, except a
    RandomState, which it draws from (each cell gets its own copy). No
    diagnostics (nobody reads a cell's), no output, no workers of its own.
    """
    cell = copy.copy(estimator)
    if isinstance(cell.random_state, np.random.RandomState):
        cell.random_state = copy.deepcopy(cell.random_state)
    cell.diagnostics = cell.verbose = False
    cell.n_jobs = None
    return cell


class _Cell:
    """One candidate on one fold: its estimator, networks and scores."""

    def __init__(self, candidate, fold, estimator, spec, test):
        self.candidate = candidate
        self.fold = fold
        self.estimator = estimator
        self.spec = spec
        self.test = test
        self.contexts = None  # (fold context, restart contexts) with callbacks
        self.score = np.nan
        self.score_time = 0.0
        self.error = None
        self.ended = False

    @property
    def trainable(self):
        spec = self.spec
        return self.error is None and (
            spec.final is None or any(p.paused for p in spec.progress)
        )

    @property
    def where(self):
        return f"param_grid candidate {self.candidate} on fold {self.fold}: "

    def failed(self, exc, error_score):
        """The cell with its fit failed by ``exc``: scored ``error_score``."""
        self.error = f"{type(exc).__name__}: {exc}"
        self.score = error_score
        return self

    # a cell whose fit failed as it started has no networks (spec None)
    @property
    def fit_time(self):
        return 0.0 if self.spec is None else max(p.fit_time for p in self.spec.progress)

    @property
    def n_epochs(self):
        return 0 if self.spec is None else max(p.n_iter for p in self.spec.progress)


class _SearchMixin:
    """The search of the ``*CV`` estimators; mixed into a plain estimator."""

    #: the param_grid keys it takes (SEARCHABLE, and the estimator's own)
    _searchable = SEARCHABLE

    _search_constraints: dict = {
        "param_grid": [dict, list, None],
        "cv": ["cv_object"],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "refit": ["boolean", callable],
        "search": [StrOptions({"exhaustive", "halving"})],
        "factor": [Interval(Real, 1, None, closed="neither")],
        "min_epochs": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"exhaust"}),
        ],
        "error_score": [StrOptions({"raise"}), Real],
    }

    def __sklearn_is_fitted__(self):
        return hasattr(self, "coefs_")

    def _no_partial_fit(self):
        raise AttributeError(
            f"{type(self).__name__} has no partial_fit: it searches and refits in "
            f"fit. Continue its refitted model with {self._plain_class.__name__}."
        )

    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, groups=None):
        """Search the grid with cross-validation, then refit the best candidate.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets.

        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights of every fit (each fold's training rows, and the
            refit) and, when the scorer takes them, of the held-out scores
            (with scikit-learn >= 1.7, whose ``GridSearchCV`` weights them).

        groups : array-like of shape (n_samples,), default=None
            Group labels of the samples, for a group splitter in ``cv``
            (:class:`~sklearn.model_selection.GroupKFold`, ...), as
            ``GridSearchCV.fit(X, y, groups=groups)`` takes them.

        Returns
        -------
        self : object
            The fitted search, which predicts with the refitted model.
        """
        with _restore_on_error(self):
            return self._search(X, y, sample_weight, groups)

    # -- candidates ------------------------------------------------------------

    def _plain_estimator(self):
        plain = self._plain_class
        return plain(**{name: getattr(self, name) for name in plain._get_param_names()})

    def _candidate_params(self):
        """The candidates of ``param_grid``, their keys checked."""
        grid = self.param_grid
        if grid is None:
            return [{}]
        grids = [grid] if isinstance(grid, dict) else list(grid)
        searchable = self._searchable
        if not grids or any(isinstance(g, dict) and not g for g in grids):
            raise ValueError(
                f"param_grid is empty ({grid!r}): give lists of values to try for "
                f"some of {', '.join(searchable)}, or param_grid=None to "
                "cross-validate the estimator's own settings."
            )
        for g in grids:
            if not isinstance(g, dict):
                raise TypeError(
                    f"param_grid must be a dict or a list of dicts; got {g!r} in it."
                )
            for key in g:
                name = key.partition("__")[0]
                if name not in searchable or ("__" in key and name not in _NESTED):
                    raise ValueError(
                        f"param_grid key {key!r} cannot vary between the networks "
                        f"of one batch: {type(self).__name__} searches "
                        f"{', '.join(repr(s) for s in searchable)} and the settings "
                        "of init and bias_init ('init__gain', 'bias_init__value', "
                        "...). Set the others on the estimator, or search them with "
                        "sklearn.model_selection.GridSearchCV("
                        f"{self._plain_class.__name__}(...), param_grid)."
                    )
        return list(ParameterGrid(grids))

    def _candidate_estimator(self, plain, params):
        """The plain estimator of a candidate, its settings checked."""
        try:
            estimator = clone(plain).set_params(**clone(params, safe=False))
        except (AttributeError, ValueError) as exc:
            raise ValueError(
                f"param_grid candidate {params!r} cannot be set: {exc}. A key such "
                "as 'init__gain' sets a setting of init, which must then be an "
                "Initializer object (init=HeNormal(), or init in the same grid)."
            ) from exc
        try:
            estimator._validate_params()
        except InvalidParameterError as exc:
            raise InvalidParameterError(
                f"param_grid candidate {params!r}: {exc}"
            ) from exc
        return estimator

    # -- the search ------------------------------------------------------------

    def _search(self, X, y, sample_weight, groups):
        if self.warm_start:
            raise ValueError(
                f"{type(self).__name__} does not support warm_start=True: every "
                "fit searches afresh."
            )
        if self.search == "halving" and self.solver == "lbfgs":
            raise ValueError(
                "search='halving' trains the candidates epoch by epoch: it needs "
                "solver='sgd' or 'adam', not 'lbfgs'."
            )
        self._restart_halving()  # refuses what it cannot do, before any work
        candidate_params = self._candidate_params()
        plain = self._plain_estimator()
        random_state = self.random_state
        if random_state is None:
            random_state = int(check_random_state(None).randint(np.iinfo(np.int32).max))
        plain.set_params(random_state=random_state)
        estimators = [self._candidate_estimator(plain, p) for p in candidate_params]

        X, y, groups = indexable(X, y, groups)
        X_checked, Y = self._validate_input(X, y, incremental=False, reset=True)
        if sp.issparse(X_checked) and X_checked.format == "csc":
            X_checked = X_checked.tocsr()
        if Y.ndim == 1:
            Y = Y.reshape(-1, 1)
        score_weight = None
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X_checked)
            # the held-out scores are weighted too when the scorer takes weights,
            # as in GridSearchCV
            score_weight = self._score_weight(plain, sample_weight)
        cv = check_cv(self.cv, y, classifier=is_classifier(self))
        splits = _check_splits(cv, X, y, groups)
        self.n_splits_ = len(splits)
        self._check_folds(splits, Y)
        scorer = check_scoring(plain, scoring=self.scoring)

        root = None
        if hasattr(self, "_init_callback_context"):
            root = self._init_callback_context(max_subtasks=1 + bool(self.refit))
            root.call_on_fit_task_begin(estimator=self, X=X, y=y)
            if not _has_callbacks(root):
                root = None
        cells = self._prepare_cells(
            estimators, candidate_params, splits, X_checked, Y, y, sample_weight, root
        )
        trained = [cell.spec for cell in cells if cell.spec is not None]
        n_networks = sum(spec.n_networks for spec in trained)
        if self.verbose:
            print(
                f"Fitting {self.n_splits_} folds for each of {len(estimators)} "
                f"candidates, totalling {len(cells)} fits ({n_networks} networks) "
                "in one batch"
            )
        data = (X_checked, Y, sample_weight)
        evaluate = (scorer, X_checked, y, Y, score_weight)
        with (
            warnings.catch_warnings(record=True) as caught,
            data_on_workers(n_networks, self.n_jobs, *data),
        ):
            warnings.simplefilter("always")
            if self.search == "halving":
                results = self._halving(cells, candidate_params, data, evaluate)
            else:
                if trained:
                    train(trained, *data, n_jobs=self.n_jobs, wide=_WIDE)
                for cell in cells:
                    self._evaluate(cell, evaluate, final=True)
                results = self._results(candidate_params, cells)
        self._rewarn(caught, cells)
        self._raise_or_warn_failures(cells, candidate_params)
        _warn_non_finite(results["mean_test_score"])
        self._end_search(root, cells)

        self.cv_results_ = results
        self.scorer_ = scorer
        self.multimetric_ = False
        self.cv_restart_results_ = self._restart_record(cells, len(estimators))
        if callable(self.refit):
            self.best_index_ = self._refit_index(results)
        elif self.search == "halving":
            last = np.flatnonzero(results["iter"] == results["iter"].max())
            means = results["mean_test_score"][last]
            best = 0 if np.isnan(means).all() else int(np.nanargmax(means))
            self.best_index_ = int(last[best])
        else:
            self.best_index_ = int(results["rank_test_score"].argmin())
        if not callable(self.refit):
            self.best_score_ = results["mean_test_score"][self.best_index_]
        self.best_params_ = results["params"][self.best_index_]
        if self.refit:
            self._refit(plain, X, y, sample_weight, root)
        if root is not None:
            root.call_on_fit_task_end(estimator=self, X=X, y=y)
        return self

    def _score_weight(self, plain, sample_weight):
        """``sample_weight`` if the held-out scorer takes it, else None (warned);
        None with a scikit-learn whose GridSearchCV scores unweighted."""
        if not GRID_SEARCH_WEIGHTS_SCORES:
            return None
        scorer = check_scoring(plain, scoring=self.scoring)
        if hasattr(scorer, "_accept_sample_weight"):
            accept = scorer._accept_sample_weight()
        else:
            accept = "sample_weight" in signature(scorer).parameters
        if accept:
            return sample_weight
        warnings.warn(
            f"The scoring {scorer} does not support sample_weight, which may lead "
            f"to statistically incorrect results when fitting {self} with "
            "sample_weight.",
            stacklevel=4,
        )
        return None

    def _check_folds(self, splits, Y):
        """Every training fold of a classifier must hold every class."""
        if not is_classifier(self) or self._label_binarizer.y_type_.startswith(
            "multilabel"
        ):
            return
        classes = self.classes_
        if len(classes) < 2:
            return  # one class: the plain estimator's business
        counts = Y.sum(axis=0) if Y.shape[1] > 1 else [len(Y) - Y.sum(), Y.sum()]
        for fold, (train_rows, _) in enumerate(splits):
            Y_train = Y[train_rows]
            present = (
                Y_train.any(axis=0)
                if Y.shape[1] > 1
                else [(~Y_train).any(), Y_train.any()]
            )
            missing = [k for k, seen in enumerate(present) if not seen]
            if missing:
                k = missing[0]
                raise ValueError(
                    f"The training rows of fold {fold} hold no sample of class "
                    f"{np.asarray(classes)[k].tolist()!r} "
                    f"({int(counts[k])} of the {len(Y)} samples, "
                    f"for {self.n_splits_} folds): every fold's networks must "
                    "learn every class. Use fewer folds (cv) or more samples of "
                    "that class."
                )

    def _prepare_cells(self, estimators, params, splits, X, Y, y, sw, root):
        """Prepare every candidate on every fold, as GridSearchCV would fit it."""
        cells = []
        contexts = None
        if root is not None:
            search = root.subcontext(
                task_name="search",
                max_subtasks=len(estimators),
                sequential_subtasks=False,
            )
            search.call_on_fit_task_begin(estimator=self, X=X, y=y)
            contexts = [
                search.subcontext(
                    task_name="candidate", task_id=c, max_subtasks=len(splits)
                )
                for c in range(len(estimators))
            ]
            for context in contexts:
                context.call_on_fit_task_begin(estimator=self, X=X, y=y)
            self._search_context = search
        # the attributes the data's validation set; a fold's rows would set
        # the same, every class being in every fold's rows (_check_folds)
        validated = {
            name: vars(self)[name] for name in _DATA_ATTRIBUTES if name in vars(self)
        }
        # each candidate's draws, when alike on every fold, by the fold's size:
        # folds of one size train in one run, where equal random states are
        # one object anyway (see _batch._train_chunk); runs keep theirs apart
        starts = {}
        for fold, (train_rows, test_rows) in enumerate(splits):
            X_fold = _safe_indexing(X, train_rows)
            sw_fold = None if sw is None else sw[train_rows]
            for c, estimator in enumerate(estimators):
                cell_estimator = _cell_estimator(estimator)
                key = (c, len(train_rows))
                try:
                    spec, _ = cell_estimator._prepare(
                        X_fold,
                        Y[train_rows],
                        sw_fold,
                        incremental=False,
                        callbacks=False,
                        validated=validated,
                        starts=starts.get(key),
                    )
                except Exception as exc:
                    where = f"param_grid candidate {c} {params[c]!r} on fold {fold}: "
                    self._raise_if_asked(exc, where)
                    # as GridSearchCV: error_score for this cell, a warning
                    cell = _Cell(c, fold, cell_estimator, None, test_rows)
                    cells.append(cell.failed(exc, self.error_score))
                    continue
                if key not in starts and _draws_alike_on_every_fold(cell_estimator):
                    starts[key] = (list(spec.random_states), spec.theta)
                cell = _Cell(
                    c, fold, cell_estimator, spec.on_rows(train_rows), test_rows
                )
                if contexts is not None:
                    fold_context = contexts[c].subcontext(
                        task_name="fold", max_subtasks=spec.n_networks
                    )
                    fold_context.call_on_fit_task_begin(estimator=self, X=X, y=y)
                    n_epochs = self.max_iter + (self.solver == "lbfgs")
                    restarts = [
                        fold_context.subcontext(
                            task_name="restart", max_subtasks=n_epochs
                        )
                        for _ in range(spec.n_networks)
                    ]
                    for context in restarts:
                        context.call_on_fit_task_begin(estimator=self, X=X, y=y)
                    cell.contexts = (contexts[c], fold_context)
                    cell.spec.monitor = TrainingMonitor(
                        cell_estimator, restarts, spec.layout, X, y
                    )
                cells.append(cell)
        return cells

    def _evaluate(self, cell, evaluate, final):
        """Select the cell's restart as its fit would and score it on its fold."""
        if cell.error is not None:
            return
        scorer, X, y, Y, sample_weight = evaluate
        kwargs = {}
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight[cell.test]
        view = copy.copy(cell.spec)
        view.monitor = None
        # a paused network is scored as it would end: with early stopping, its
        # best validated state
        view.final = view.current()
        start = time.perf_counter()
        try:
            cell.estimator._finish(view, None, None)
        except Exception as exc:
            self._raise_if_asked(exc, cell.where)
            cell.failed(exc, self.error_score)
        else:
            cell.score = self._score(cell, scorer, X, y, Y, kwargs)
        cell.score_time = time.perf_counter() - start
        if self.verbose >= 2:
            print(
                f"[CV {cell.fold + 1}/{self.n_splits_}; candidate "
                f"{cell.candidate + 1}] epochs {cell.n_epochs}, score={cell.score:.3f}"
            )
        if final:
            self._end_cell(cell)

    def _raise_if_asked(self, exc, where):
        """With ``error_score="raise"``, ``exc`` raised, prefixed by ``where``."""
        if self.error_score == "raise":
            raise _reraise(exc, where) from exc

    def _score(self, cell, scorer, X, y, Y, kwargs):
        """The cell's score on its test rows; a scorer that fails gives
        ``error_score`` with GridSearchCV's warning (the fit did not fail)."""
        try:
            if is_classifier(self) and self.scoring in (None, "accuracy"):
                return _accuracy(cell.estimator, X[cell.test], Y[cell.test], **kwargs)
            score = scorer(
                cell.estimator,
                _safe_indexing(X, cell.test),
                _safe_indexing(y, cell.test),
                **kwargs,
            )
        except Exception as exc:
            self._raise_if_asked(exc, cell.where)
            warnings.warn(
                "Scoring failed. The score on this train-test partition for these "
                f"parameters will be set to {self.error_score}. Details: \n"
                f"{format_exc()}",
                UserWarning,
                stacklevel=2,
            )
            return self.error_score
        return _check_score(score, scorer, self)

    def _end_cell(self, cell):
        if cell.ended or cell.spec is None or cell.spec.monitor is None:
            cell.ended = True
            return
        cell.ended = True
        monitor = cell.spec.monitor
        final = cell.spec.final if cell.spec.final is not None else cell.spec.theta
        for params, context in zip(final, monitor.restart_contexts):
            context.call_on_fit_task_end(
                estimator=self,
                reconstruction_attributes=lambda params=params: monitor._fitted(params),
            )
        cell.contexts[1].call_on_fit_task_end(estimator=self)

    def _end_search(self, root, cells):
        if root is None:
            return
        for cell in cells:
            self._end_cell(cell)
        ended = set()
        for cell in cells:
            if cell.contexts is not None and cell.candidate not in ended:
                ended.add(cell.candidate)
                cell.contexts[0].call_on_fit_task_end(estimator=self)
        self._search_context.call_on_fit_task_end(estimator=self)
        del self._search_context

    def _halving(self, cells, candidate_params, data, evaluate):
        """Successive halving over epochs; survivors go on training."""
        n_candidates = len(candidate_params)
        max_iter = self.max_iter
        ends, n_required, n_possible, min_epochs = halving_schedule(
            n_candidates, self.factor, self.min_epochs, max_iter, "min_epochs"
        )
        n_iterations = len(ends)
        by_candidate = [[] for _ in range(n_candidates)]
        for cell in cells:
            by_candidate[cell.candidate].append(cell)
        alive = list(range(n_candidates))
        rows, scores, fit_times, score_times = [], [], [], []
        more = {"iter": [], "n_resources": [], "n_epochs": []}
        self.n_resources_, self.n_candidates_ = [], []
        for itr in range(n_iterations):
            last = itr == n_iterations - 1
            budget = ends[itr]
            self.n_resources_.append(budget)
            self.n_candidates_.append(len(alive))
            if self.verbose:
                print(f"iter {itr}: {len(alive)} candidates, up to {budget} epochs")
            specs = [
                cell.spec for c in alive for cell in by_candidate[c] if cell.trainable
            ]
            if specs:
                train(
                    specs,
                    *data,
                    n_jobs=self.n_jobs,
                    pause_at=None if last else budget,
                    wide=_WIDE,
                )
            for c in alive:
                for cell in by_candidate[c]:
                    self._evaluate(cell, evaluate, final=last)
                rows.append(candidate_params[c])
                scores.append([cell.score for cell in by_candidate[c]])
                fit_times.append([cell.fit_time for cell in by_candidate[c]])
                score_times.append([cell.score_time for cell in by_candidate[c]])
                more["iter"].append(itr)
                more["n_resources"].append(budget)
                more["n_epochs"].append(max(cell.n_epochs for cell in by_candidate[c]))
            if not last:
                means = np.array([np.mean(s) for s in scores[-len(alive) :]])
                order = sorted(
                    range(len(alive)),
                    key=lambda i: (np.isnan(means[i]), -np.nan_to_num(means[i]), i),
                )
                keep = sorted(alive[i] for i in order[: ceil(len(alive) / self.factor)])
                for c in alive:
                    if c not in keep:
                        for cell in by_candidate[c]:
                            self._end_cell(cell)
                alive = keep
        self.n_iterations_ = n_iterations
        self.n_required_iterations_ = n_required
        self.n_possible_iterations_ = n_possible
        self.min_resources_ = min_epochs
        self.max_resources_ = max_iter
        # as HalvingGridSearchCV: those a halving after the last round would keep
        self.n_remaining_candidates_ = ceil(len(alive) / self.factor)
        results = {key: np.asarray(value) for key, value in more.items()}
        results.update(self._format(rows, scores, fit_times, score_times))
        return results

    def _results(self, candidate_params, cells):
        shape = (len(candidate_params), self.n_splits_)
        scores, fit_times, score_times = (np.empty(shape) for _ in range(3))
        for cell in cells:
            at = (cell.candidate, cell.fold)
            scores[at] = cell.score
            fit_times[at] = cell.fit_time
            score_times[at] = cell.score_time
        return self._format(candidate_params, scores, fit_times, score_times)

    def _format(self, candidate_params, scores, fit_times, score_times):
        results = {}
        _store(results, "fit_time", fit_times)
        _store(results, "score_time", score_times)
        results.update(_param_columns(candidate_params))
        results["params"] = list(candidate_params)
        _store(results, "test_score", scores, splits=True, rank=True)
        return results

    def _refit_index(self, results):
        best = self.refit(results)
        if not isinstance(best, Integral):
            raise TypeError("best_index_ returned is not an integer")
        if best < 0 or best >= len(results["params"]):
            raise IndexError("best_index_ index out of range")
        return int(best)

    def _rewarn(self, caught, cells):
        """Warnings of the cells: one summary of the unconverged fits."""
        n_unconverged, first = 0, None
        seen = set()
        for w in caught:
            if issubclass(w.category, ConvergenceWarning):
                n_unconverged += 1
                first = first or str(w.message)
            elif (w.category, str(w.message)) not in seen:
                seen.add((w.category, str(w.message)))
                warnings.warn_explicit(
                    w.message, w.category, w.filename, w.lineno, source=w.source
                )
        if n_unconverged:
            warnings.warn(
                f"{n_unconverged} of the {len(cells)} fits (candidate x fold) of "
                f"the search did not converge. {first}",
                ConvergenceWarning,
                stacklevel=4,
            )

    def _raise_or_warn_failures(self, cells, candidate_params):
        failed = [cell for cell in cells if cell.error is not None]
        if not failed:
            return
        details = "\n".join(
            f"candidate {cell.candidate} {candidate_params[cell.candidate]!r}, "
            f"fold {cell.fold}: {cell.error}"
            for cell in failed
        )
        if len(failed) == len(cells):
            raise ValueError(
                f"All the {len(cells)} fits failed (every candidate on every fold)."
                "\nBelow are more details about the failures:\n" + details
            )
        warnings.warn(
            f"{len(failed)} fits failed out of a total of {len(cells)}. The score "
            "on these train-test partitions for these parameters will be set to "
            f"{self.error_score}.\nBelow are more details about the failures:\n"
            + details,
            FitFailedWarning,
            stacklevel=4,
        )

    def _restart_record(self, cells, n_candidates):
        n_restarts = max(cell.spec.n_networks for cell in cells if cell.spec)
        shape = (n_candidates, self.n_splits_, n_restarts)
        record = {
            "seed": np.empty(shape, dtype=object),
            "loss": np.full(shape, np.nan),
            "validation_score": np.full(shape, np.nan),
            "n_iter": np.zeros(shape, dtype=int),
            "converged": np.zeros(shape, dtype=bool),
            "diverged": np.zeros(shape, dtype=bool),
            "fit_time": np.zeros(shape),
            "selected": np.zeros(shape, dtype=bool),
            "dropped_at": np.zeros(shape, dtype=int),
            "n_rounds": np.ones(shape, dtype=int),
        }
        for cell in cells:
            if cell.spec is None:
                continue  # its fit failed as it started: no networks
            at = (cell.candidate, cell.fold)
            results = getattr(cell.estimator, "restart_results_", None)
            if results is None:  # the fit failed before a restart was selected
                progress = cell.spec.progress
                record["seed"][at] = cell.spec.extra["seeds"]
                record["loss"][at] = [p.loss for p in progress]
                record["n_iter"][at] = [p.n_iter for p in progress]
                record["diverged"][at] = [p.diverged_at > 0 for p in progress]
                record["fit_time"][at] = [p.fit_time for p in progress]
                if cell.spec.halving is not None:
                    record["dropped_at"][at] = cell.spec.halving.dropped_at
                    record["n_rounds"][at] = cell.spec.halving.n_rounds
                continue
            for key in (
                "seed",
                "loss",
                "validation_score",
                "n_iter",
                "converged",
                "dropped_at",
                "n_rounds",
            ):
                record[key][at] = results[key]
            record["diverged"][at] = results["diverged"]
            record["fit_time"][at] = results["fit_time"]
            record["selected"][at] = results["rank"] == 1
        return record

    def _refit(self, plain, X, y, sample_weight, root):
        best = clone(plain).set_params(**clone(self.best_params_, safe=False))
        fit_params = {} if sample_weight is None else {"sample_weight": sample_weight}
        start = time.perf_counter()
        if root is None:
            best.fit(X, y, **fit_params)
        else:
            context = root.subcontext(task_name="refit")
            with context.propagate_callback_context(best):
                context.call_on_fit_task_begin(estimator=self, X=X, y=y)
                best.fit(X, y, **fit_params)
            context.call_on_fit_task_end(estimator=self, X=X, y=y)
        self.refit_time_ = time.perf_counter() - start
        parameters = set(best.get_params(deep=False))
        skip = {*_CALLBACK_STATE, "_skl_callbacks", "_parent_callback_ctx"}
        _forget_ensemble(self)  # an earlier refit's, if this one has none
        for name, value in vars(best).items():
            if name not in parameters and name not in skip:
                setattr(self, name, value)


_STRATIFIED = "a StratifiedKFold for binary and multiclass targets, else a KFold"


class MLPClassifierCV(_SearchMixin, MLPClassifier):
    __doc__ = f"""Multi-layer Perceptron classifier with a built-in grid search.

    Cross-validates the candidates of ``param_grid`` (initializers, their
    settings, ``alpha``, ``learning_rate_init``), every candidate x fold x
    restart network trained in one batch, then refits the best candidate on
    all the data: after ``fit`` it is that model, with every fitted attribute
    of :class:`~skinit.MLPClassifier` (those after the search's own below).
    With ``search="exhaustive"`` it gives
    :class:`~sklearn.model_selection.GridSearchCV`'s answer, in less time.

    Parameters
    ----------
{_search_parameters_doc(_STRATIFIED)}
{_PARAMETERS_DOC}
{_CLASS_WEIGHT_DOC}
    Attributes
    ----------
{_SEARCH_ATTRIBUTES_DOC.format(plain="MLPClassifier")}
    classes_ : ndarray or list of ndarray of shape (n_classes,)
        Class labels for each output.
{_ATTRIBUTES_DOC.format(score="accuracy")}
    See Also
    --------
    MLPClassifier : The estimator it searches and refits.
    MLPRegressorCV : The same search for regression.
    sklearn.model_selection.GridSearchCV : The search it reproduces, for any
        parameter.

    Notes
    -----
{_SEARCH_NOTES_DOC.format(plain="MLPClassifier")}
    Examples
    --------
    >>> from skinit import MLPClassifierCV
    >>> from skinit.initializers import HeNormal
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> X, y = load_iris(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> search = MLPClassifierCV(
    ...     hidden_layer_sizes=(10,),
    ...     max_iter=50,
    ...     learning_rate_init=0.01,
    ...     param_grid={{"init": [HeNormal()], "init__gain": [0.1, 1.0, 10.0]}},
    ...     cv=3,
    ...     random_state=0,
    ... )
    >>> search.fit(X, y).best_params_
    {{'init': HeNormal(), 'init__gain': 1.0}}
    >>> search.cv_results_["rank_test_score"]
    array([2, 1, 3], dtype=int32)
    >>> search.predict(X[:3])
    array([0, 0, 0])
    """

    _plain_class = MLPClassifier
    # each candidate's weights are its own: its networks train in runs apart
    _searchable = tuple(sorted((*SEARCHABLE, "class_weight")))
    _parameter_constraints: dict = {
        **MLPClassifier._parameter_constraints,
        **_SearchMixin._search_constraints,
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        param_grid=None,
        cv=5,
        scoring=None,
        refit=True,
        search="exhaustive",
        factor=3,
        min_epochs="exhaust",
        error_score=np.nan,
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
        BaseMultilayerPerceptron.__init__(self, loss="log_loss", **_arguments(locals()))

    partial_fit = available_if(_SearchMixin._no_partial_fit)(MLPClassifier.partial_fit)


class MLPRegressorCV(_SearchMixin, MLPRegressor):
    __doc__ = f"""Multi-layer Perceptron regressor with a built-in grid search.

    Cross-validates the candidates of ``param_grid`` (initializers, their
    settings, ``alpha``, ``learning_rate_init``), every candidate x fold x
    restart network trained in one batch, then refits the best candidate on
    all the data: after ``fit`` it is that model, with every fitted attribute
    of :class:`~skinit.MLPRegressor` (those after the search's own below).
    With ``search="exhaustive"`` it gives
    :class:`~sklearn.model_selection.GridSearchCV`'s answer, in less time.

    Parameters
    ----------
    loss : {{'squared_error', 'poisson'}}, default='squared_error'
        The loss function to use when training the weights, as in
        :class:`~skinit.MLPRegressor`.
{_search_parameters_doc("a KFold")}
{_PARAMETERS_DOC}
    Attributes
    ----------
{_SEARCH_ATTRIBUTES_DOC.format(plain="MLPRegressor")}
{_ATTRIBUTES_DOC.format(score="R2")}
    See Also
    --------
    MLPRegressor : The estimator it searches and refits.
    MLPClassifierCV : The same search for classification.
    sklearn.model_selection.GridSearchCV : The search it reproduces, for any
        parameter.

    Notes
    -----
{_SEARCH_NOTES_DOC.format(plain="MLPRegressor")}
    Examples
    --------
    >>> from skinit import MLPRegressorCV
    >>> from sklearn.datasets import make_regression
    >>> X, y = make_regression(n_samples=200, n_features=5, noise=1.0,
    ...                        random_state=0)
    >>> search = MLPRegressorCV(
    ...     hidden_layer_sizes=(20,),
    ...     max_iter=300,
    ...     learning_rate_init=0.01,
    ...     param_grid={{"alpha": [1e-4, 1e2, 1e4]}},
    ...     cv=3,
    ...     random_state=0,
    ... )
    >>> search.fit(X, y).best_params_
    {{'alpha': 0.0001}}
    >>> bool(search.score(X, y) > 0.95)
    True
    """

    _plain_class = MLPRegressor
    _parameter_constraints: dict = {
        **MLPRegressor._parameter_constraints,
        **_SearchMixin._search_constraints,
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        param_grid=None,
        cv=5,
        scoring=None,
        refit=True,
        search="exhaustive",
        factor=3,
        min_epochs="exhaust",
        error_score=np.nan,
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
        BaseMultilayerPerceptron.__init__(self, **_arguments(locals()))

    partial_fit = available_if(_SearchMixin._no_partial_fit)(MLPRegressor.partial_fit)
