# SPDX-License-Identifier: BSD-3-Clause
"""MLPClassifierCV and MLPRegressorCV fuzzed against GridSearchCV.

hypothesis draws a search's inputs (a small data set, odd labels included; a
tiny estimator; a grid; folds as an int, a splitter, index lists, boolean
masks, a generator, with or without groups; a scoring; about a third of
the cases with edge inputs: empty folds, float indices, mixed or single
labels, scorers for another task or returning no number, unsearchable or
invalid grids) and fits both
``MLP*CV(param_grid=grid, cv=cv, scoring=scoring, **params)`` and
``GridSearchCV(MLP*(**params), grid, cv=cv, scoring=scoring)``. Every
outcome must be one of

- both answer, with the same test scores of every split, means, stds, ranks,
  candidates, best index, best parameters, best score and refitted model;
- both refuse: skinit with a clear ValueError or TypeError (or
  GridSearchCV's type), "clear" meaning raised by a ``raise`` statement, not
  leaked from numpy or a builtin, unless GridSearchCV's message is the same;
- GridSearchCV answers, skinit refuses clearly something it documents as
  beyond a search of one batch (``DOCUMENTED_REFUSALS``).

Anything else is a discrepancy. Those of a category in ``KNOWN_BUGS`` (none
now) are tolerated by the fuzz test (and counted as hypothesis events); each
such category also has a minimal example in ``test_known_bug_still_present``,
a strict xfail: when a fix lands it fails, and the category moves to
``FIXED_BUGS``, whose examples ``test_fixed_bug_example`` keeps checking.

Runs::

    pytest tests/test_search_fuzz.py      # 25 examples, derandomized (~40 s)
    SKINIT_FUZZ_EXAMPLES=2000 pytest tests/test_search_fuzz.py \\
        --hypothesis-show-statistics      # a dedicated run, random (~1 s each)
    SKINIT_FUZZ_EXAMPLES=2000 SKINIT_FUZZ_LOG=fuzz.jsonl pytest ...
        # a survey: every example's outcome appended to fuzz.jsonl, and
        # discrepancies recorded there instead of failing the test
"""

import json
import os
import re
import traceback
import warnings
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from sklearn.datasets import (
    load_iris,
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import FitFailedWarning
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    log_loss,
    make_scorer,
    mean_squared_error,
)
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    GroupShuffleSplit,
    KFold,
    LeaveOneGroupOut,
    LeaveOneOut,
    PredefinedSplit,
    RepeatedKFold,
    ShuffleSplit,
    StratifiedGroupKFold,
    StratifiedKFold,
    StratifiedShuffleSplit,
    TimeSeriesSplit,
)
from sklearn.preprocessing import StandardScaler

from skinit import MLPClassifier, MLPClassifierCV, MLPRegressor, MLPRegressorCV
from skinit.initializers import Constant, HeNormal, Orthogonal, VarianceScaling

N_EXAMPLES = int(os.environ.get("SKINIT_FUZZ_EXAMPLES", "25"))
LOG = os.environ.get("SKINIT_FUZZ_LOG")
# as assert_same_search in test_search.py
RTOL = ATOL = 1e-10

#: Categories of discrepancy the fuzz test found (or the issue reported),
#: since fixed: each keeps its example in test_fixed_bug_example.
FIXED_BUGS = {
    "single-class": "a target of one class: mean_test_score differs from "
    "GridSearchCV's 1.0",
    "mask-splits": "boolean-mask splits read as row positions: other scores, or "
    "a matmul error with two candidates",
    "groups": "fit(X, y, groups=...) refused, so a group splitter (GroupKFold) "
    "says 'The groups parameter should not be None'",
    "empty-cv": "cv=[]: 'max() arg is an empty sequence' (GridSearchCV: 'No fits "
    "were performed. Was the CV iterator empty?')",
    "non-number-scorer": "a scorer returning a string or a dict: 'could not "
    "convert string to float' (GridSearchCV: 'scoring must return a number')",
    "float-indices": "float index arrays in cv: a bare IndexError (GridSearchCV: "
    "ValueError 'No valid specification of the columns')",
    "mixed-labels": "labels mixing str and int: a bare TypeError from sorting "
    "(GridSearchCV: ValueError, all fits failed)",
    # found by this test
    "tuple-indices": "folds whose rows are tuples (cv=((train, test), ...) of "
    "tuples): Y[rows] reads a tuple as one index per axis: IndexError 'too many "
    "indices for array' (GridSearchCV answers)",
    "list-indices-held-out": "folds whose rows are Python lists, with "
    "early_stopping or restart_scoring: TypeError 'only integer scalar arrays "
    "can be converted to a scalar index' in _batch.on_rows (GridSearchCV answers)",
    "scoring-fails-everywhere": "the scorer fails on every fold ('accuracy' for "
    "a regressor, 'balanced_accuracy' for multilabel, a scorer that raises): "
    "skinit raises 'All the N fits failed' where GridSearchCV answers "
    "error_score with a 'Scoring failed' warning",
    "float32-rounding": "float32 X: the first-layer product shared by the "
    "networks of a fold (_search._WIDE) rounds in float32, and the scores differ "
    "from GridSearchCV's by about 1e-7 relative (the same with _WIDE=False); "
    "tolerated only for a different answer",
    "ties-broken-by-rounding": "candidates that tie exactly in GridSearchCV "
    "(the same settings twice in a grid) score a few ulps apart in skinit "
    "(the shared first-layer product, exact with _search._WIDE=False): "
    "rank_test_score and best_index_ differ",
    "some-fits-fail": "a fit that fails as it starts (early_stopping's or "
    "restart_scoring's validation split too small on a small fold) on some "
    "folds only: skinit raises for the whole search, GridSearchCV answers "
    "error_score for those cells (FitFailedWarning); tolerated only for that "
    "refusal",
}

#: Categories of discrepancy tolerated until fixed (none now); each gets an
#: example in test_known_bug_still_present, a strict xfail.
KNOWN_BUGS = {}

#: Categories tolerated for one outcome only (others are checked).
KNOWN_BUG_OUTCOMES = {}

#: Errors that say the same in other words, both of the type given.
SAME_ERRORS = [
    # a fold's row beyond the data, in numpy's words or pandas' or a list's
    (IndexError, r"out[- ]of[- ](bounds|range)"),
]

#: What skinit refuses, clearly and by design, where GridSearchCV answers.
DOCUMENTED_REFUSALS = {
    # param_grid: only what may differ between the networks of one batch
    "unsearchable-key": r"cannot vary between the networks of one batch",
    "empty-grid": r"param_grid is empty",
    # one metric, refit True/False/callable
    "multimetric": r"The '(scoring|refit)' parameter of MLP\w+CV must be|"
    r"scoring returned a dict .*: several metrics are not supported",
    # every fold's networks learn every class (test_a_fold_without_a_class...)
    "fold-without-a-class": r"training rows of fold \d+ hold no sample of class",
    # a grid with an invalid value is refused before any training, where
    # GridSearchCV scores that candidate error_score
    "invalid-grid-value": r"^param_grid candidate .*: The '\w+' parameter of",
}


# -- data ----------------------------------------------------------------------


@cache
def _iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _labels(y, how):
    """Integer classes 0..k-1 relabelled as ``how`` says."""
    y = np.asarray(y)
    if how == "int":
        return y
    if how == "shifted":
        return 3 * y - 7
    if how == "str":
        return np.array(["setosa", "versicolor", "virginica", "other"])[y]
    if how == "float":
        return y.astype(float) * 2
    if how == "bool":
        return y > 0
    if how == "mixed":
        return np.array([0, "b", 2, "d"], dtype=object)[y]
    if how == "single":
        return np.full(len(y), 5)
    raise ValueError(how)


def classification_data(source, n, seed, labels="int", n_classes=3, form="dense"):
    rng = np.random.RandomState(seed)
    if source == "iris":
        X, y = _iris()
        rows = rng.choice(len(y), size=n, replace=False)
        X, y = X[rows], y[rows]
    elif source == "imbalanced":
        X, y = make_classification(
            n_samples=n,
            n_features=4,
            n_informative=2,
            n_redundant=0,
            n_classes=n_classes,
            n_clusters_per_class=1,
            weights=[0.8] + [0.2 / (n_classes - 1)] * (n_classes - 1),
            random_state=seed,
        )
    elif source == "multilabel":
        X, y = make_multilabel_classification(
            n_samples=n, n_features=4, n_classes=3, random_state=seed
        )
        X = StandardScaler().fit_transform(X)
        return _form(X, form), y
    else:
        X, y = make_classification(
            n_samples=n,
            n_features=int(rng.randint(2, 6)),
            n_informative=2,
            n_redundant=0,
            n_classes=n_classes,
            n_clusters_per_class=1,
            random_state=seed,
        )
    return _form(X, form), _labels(y, labels)


def regression_data(n, seed, n_outputs=1, positive=False, form="dense"):
    X, y = make_regression(
        n_samples=n,
        n_features=3,
        n_targets=n_outputs,
        noise=1.0,
        random_state=seed,
    )
    y = y / np.std(y)
    if positive:
        y = np.abs(y)
    return _form(X, form), y


def _form(X, form):
    if form == "float32":
        return X.astype(np.float32)
    if form == "csr":
        return sp.csr_matrix(X)
    if form == "list":
        return X.tolist()
    if form == "pandas":
        return pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    return X


# -- folds ---------------------------------------------------------------------


def index_splits(n, how, seed, k=3):
    """(train, test) index arrays over n rows."""
    rng = np.random.RandomState(seed)
    order = rng.permutation(n)
    if how == "kfold":
        return [(np.sort(tr), np.sort(te)) for tr, te in KFold(k).split(order)]
    if how == "unequal":  # folds of very different sizes
        cuts = np.sort(rng.choice(np.arange(2, n - 1), size=k - 1, replace=False))
        tests = np.split(order, cuts)
        return [(np.setdiff1d(order, te), np.sort(te)) for te in tests if len(te)]
    if how == "shuffled":  # rows in no particular order
        return [(order[te.size :], order[: te.size]) for te in np.array_split(order, k)]
    if how == "subsets":  # rows in neither part, parts of different sizes
        splits = []
        for _ in range(k):
            size = rng.randint(max(4, n // 3), n - 1)
            rows = rng.choice(n, size=size, replace=False)
            n_test = rng.randint(1, max(2, size // 3))
            splits.append((rows[n_test:], rows[:n_test]))
        return splits
    if how == "overlap":  # test rows also among the training rows
        return [(np.arange(n), te) for _, te in KFold(k).split(order)]
    if how == "duplicates":  # training rows repeated
        return [
            (np.concatenate([tr, tr[: len(tr) // 2]]), te)
            for tr, te in KFold(k).split(order)
        ]
    if how == "single":
        return [next(KFold(k).split(order))]
    raise ValueError(how)


def cv_form(splits, form, n):
    """A factory of the cv argument made of ``splits`` in the form ``form``."""
    if form == "arrays":
        return lambda: list(splits)
    if form == "int32":
        return lambda: [(tr.astype(np.int32), te.astype(np.int32)) for tr, te in splits]
    if form == "lists":
        return lambda: [(tr.tolist(), te.tolist()) for tr, te in splits]
    if form == "tuple":
        return lambda: tuple((tuple(tr), tuple(te)) for tr, te in splits)
    if form == "negative":
        return lambda: [(tr - n, te - n) for tr, te in splits]
    if form == "generator":
        return lambda: ((tr, te) for tr, te in splits)
    if form == "float":
        return lambda: [(tr.astype(float), te.astype(float)) for tr, te in splits]
    if form == "masks":

        def masks():
            out = []
            for tr, te in splits:
                train, test = np.zeros(n, bool), np.zeros(n, bool)
                train[tr], test[te] = True, True
                out.append((train, test))
            return out

        return masks
    if form == "out-of-range":
        return lambda: [(np.append(tr, n + 3), te) for tr, te in splits]
    raise ValueError(form)


#: The forms of the folds by their tags (see _tags)
CV_FORM_TAGS = {
    "masks": "mask-splits",
    "float": "float-indices",
    "tuple": "tuple-indices",
}


# -- scorings ------------------------------------------------------------------


def score_method(estimator, X, y):
    return estimator.score(X, y)


def returns_int(estimator, X, y):
    return int(estimator.score(X, y) > 0.5)


def returns_numpy(estimator, X, y):
    return np.float32(estimator.score(X, y))


def returns_0d_array(estimator, X, y):
    return np.asarray(estimator.score(X, y))


def returns_string(estimator, X, y):
    return "high"


def returns_dict(estimator, X, y):
    return {"a": 1.0}


def returns_none(estimator, X, y):
    return None


def raises(estimator, X, y):
    raise RuntimeError("this scorer fails")


NON_NUMBERS = (returns_string, returns_dict, returns_none)

# (scorings for the task, edge cases: for another task, not numbers, failing,
# several metrics)
CLASSIFIER_SCORINGS = (
    [
        None,
        None,
        "accuracy",
        "balanced_accuracy",
        "f1_macro",
        "neg_log_loss",
        "precision_weighted",
        make_scorer(f1_score, average="macro"),
        make_scorer(accuracy_score),
        make_scorer(log_loss, response_method="predict_proba", greater_is_better=False),
        score_method,
        returns_int,
        returns_numpy,
        returns_0d_array,
    ],
    [
        "f1",
        "roc_auc",
        "roc_auc_ovr",
        "neg_brier_score",
        "r2",
        returns_string,
        returns_dict,
        returns_none,
        raises,
        ["accuracy", "f1_macro"],
        {"acc": "accuracy", "f1": make_scorer(f1_score, average="macro")},
    ],
)
REGRESSOR_SCORINGS = (
    [
        None,
        None,
        "r2",
        "neg_mean_squared_error",
        "neg_mean_absolute_error",
        "explained_variance",
        "max_error",
        make_scorer(mean_squared_error, greater_is_better=False),
        score_method,
        returns_numpy,
        returns_0d_array,
    ],
    [
        "neg_mean_poisson_deviance",
        "accuracy",
        returns_string,
        returns_dict,
        returns_none,
        raises,
        ["r2", "neg_mean_squared_error"],
    ],
)


def refit_first(results):
    return 0


def refit_last(results):
    return len(results["params"]) - 1


# -- a case --------------------------------------------------------------------


@dataclass
class Case:
    """One search's inputs; ``cv`` is a factory (a generator runs once)."""

    kind: str
    data: str
    X: object
    y: object
    params: dict
    grid: object
    cv: object
    cv_text: str
    scoring: object = None
    refit: object = True
    error_score: object = np.nan
    groups: object = None
    sample_weight: object = None
    rs_instance: bool = False
    tags: set = field(default_factory=set)

    def __repr__(self):
        return (
            f"Case({self.kind}, data={self.data}, params={self.params}, "
            f"grid={self.grid!r}, cv={self.cv_text}, scoring={_name(self.scoring)}, "
            f"refit={_name(self.refit)}, error_score={self.error_score}, "
            f"groups={self.groups is not None}, "
            f"sample_weight={self.sample_weight is not None}, "
            f"random_state_instance={self.rs_instance}, tags={sorted(self.tags)})"
        )

    def _repr_pretty_(self, printer, cycle):  # hypothesis prints examples so
        printer.text(repr(self))

    def estimator_params(self):
        params = dict(self.params)
        if self.rs_instance:
            params["random_state"] = np.random.RandomState(params["random_state"])
        return params

    def fit_params(self):
        params = {}
        if self.groups is not None:
            params["groups"] = self.groups
        if self.sample_weight is not None:
            params["sample_weight"] = self.sample_weight
        return params


def _name(obj):
    return getattr(obj, "__name__", None) or repr(obj)


def _tags(case, cv_kind):
    """The categories of KNOWN_BUGS the inputs fall in (GridSearchCV's answer
    tells the others: see run_both and judge)."""
    tags = set(case.tags)
    if case.kind == "classifier" and np.ndim(case.y) == 1:
        labels = {repr(v) for v in np.asarray(case.y, dtype=object)}
        kinds = {isinstance(v, str) for v in np.asarray(case.y, dtype=object)}
        if len(labels) == 1:
            tags.add("single-class")
        if len(kinds) > 1:
            tags.add("mixed-labels")
    if case.groups is not None:
        tags.add("groups")
    if cv_kind in CV_FORM_TAGS:
        tags.add(CV_FORM_TAGS[cv_kind])
    if cv_kind == "empty":
        tags.add("empty-cv")
    if getattr(case.X, "dtype", None) == np.float32:
        tags.add("float32-rounding")
    held_out = case.params.get("restart_scoring") is not None or (
        case.params.get("early_stopping") and case.params["solver"] != "lbfgs"
    )
    if cv_kind == "lists" and held_out:
        tags.add("list-indices-held-out")
    if case.scoring in NON_NUMBERS:
        tags.add("non-number-scorer")
    return tags


# -- strategies ----------------------------------------------------------------

SEARCHABLE_GRIDS = {
    "alpha": st.lists(st.sampled_from([1e-4, 1e-2, 1.0, 10.0]), min_size=1, max_size=3),
    "learning_rate_init": st.lists(
        st.sampled_from([1e-3, 0.01, 0.1, 0.5]), min_size=1, max_size=3
    ),
    "init": st.lists(
        st.sampled_from(
            ["sklearn", "glorot_uniform", "he_normal", "orthogonal", "lecun_uniform"]
        ),
        min_size=1,
        max_size=3,
    ),
    "bias_init": st.lists(
        st.sampled_from(["auto", "zeros", "uniform", "normal"]), min_size=1, max_size=2
    ),
}
# settings of an Initializer object in init
NESTED_GRIDS = {
    HeNormal: {"init__gain": [0.5, 1.0, 2.0], "init__mode": ["fan_in", "fan_out"]},
    Orthogonal: {"init__gain": [0.5, 2.0]},
    VarianceScaling: {
        "init__scale": [0.5, 2.0],
        "init__distribution": ["uniform", "truncated_normal"],
    },
}
UNSEARCHABLE = {
    "solver": ["sgd", "adam"],
    "hidden_layer_sizes": [(3,), (4,)],
    "max_iter": [3, 5],
    "batch_size": [4, "auto"],
    "activation": ["relu", "tanh"],
    "momentum": [0.5, 0.9],
    "n_restarts": [1, 2],
    "alpha__x": [1.0],
    "nonexistent": [1],
}
INVALID_VALUES = {
    "alpha": [1e-4, -1.0],
    "learning_rate_init": [0.0, 0.01],
    "init": ["sklearn", "no_such_init"],
    "init__gain": [1.0],  # with a string init
    "init__nonexistent": [1.0],  # with HeNormal
}


@st.composite
def grids(draw, edge):
    # sampled_from draws its first entries the most: common first, rare last
    kinds = ["searchable"] * 4 + ["nested"] * 2 + ["list", "none"]
    if edge:
        kinds += ["unsearchable", "invalid", "empty"]
    kind = draw(st.sampled_from(kinds))
    if kind == "none":
        return None, set()
    if kind == "empty":
        return draw(st.sampled_from([{}, [], [{}]])), {"empty-grid"}
    if kind == "unsearchable":
        key = draw(st.sampled_from(sorted(UNSEARCHABLE)))
        return {key: UNSEARCHABLE[key], "alpha": [1e-4, 1.0]}, {"unsearchable-key"}
    if kind == "invalid":
        key = draw(st.sampled_from(sorted(INVALID_VALUES)))
        grid = {key: INVALID_VALUES[key]}
        if key == "init__nonexistent":
            grid["init"] = [HeNormal()]
        return grid, {"invalid-grid-value"}
    if kind == "nested":
        init = draw(st.sampled_from(list(NESTED_GRIDS)))
        settings_ = NESTED_GRIDS[init]
        keys = draw(st.sets(st.sampled_from(sorted(settings_)), min_size=1))
        grid = {"init": [init()], **{k: settings_[k] for k in sorted(keys)}}
        if draw(st.booleans()):
            grid["bias_init"] = [Constant()]
            grid["bias_init__value"] = [0.0, 0.1]
        return grid, set()
    n_dicts = 2 if kind == "list" else 1
    out = []
    for _ in range(n_dicts):
        keys = draw(st.sets(st.sampled_from(sorted(SEARCHABLE_GRIDS)), min_size=1))
        out.append({k: draw(SEARCHABLE_GRIDS[k]) for k in sorted(keys)})
    return (out if kind == "list" else out[0]), set()


@st.composite
def estimator_params(draw, n, kind):
    solver = draw(st.sampled_from(["adam", "sgd", "lbfgs"]))
    params = dict(
        hidden_layer_sizes=draw(st.sampled_from([(3,), (4,), (3, 2)])),
        activation=draw(st.sampled_from(["relu", "tanh", "logistic", "identity"])),
        solver=solver,
        max_iter=draw(st.integers(3, 10)),
        random_state=draw(st.integers(0, 2**31 - 2)),
        learning_rate_init=draw(st.sampled_from([1e-3, 0.01, 0.1])),
    )
    if solver != "lbfgs":
        params["batch_size"] = draw(st.sampled_from(["auto", 1, 4, 16, n + 5]))
        params["shuffle"] = draw(st.booleans())
        if draw(st.booleans()):
            params["early_stopping"] = True
            params["validation_fraction"] = draw(st.sampled_from([0.1, 0.2, 0.34]))
            params["n_iter_no_change"] = draw(st.sampled_from([2, 10]))
    if solver == "sgd":
        params["learning_rate"] = draw(
            st.sampled_from(["constant", "invscaling", "adaptive"])
        )
        params["momentum"] = draw(st.sampled_from([0.0, 0.9]))
        params["nesterovs_momentum"] = draw(st.booleans())
    if draw(st.integers(0, 3)) == 3:
        params["tol"] = 0.1
    if draw(st.integers(0, 3)) == 3:
        params["n_restarts"] = 2
        if draw(st.booleans()):
            params["restart_scoring"] = "accuracy" if kind == "classifier" else "r2"
    if draw(st.integers(0, 5)) == 5:
        params["init"] = HeNormal()  # so that init__ keys find an Initializer
    return params


CV_OBJECTS = [
    "int",
    "KFold",
    "StratifiedKFold",
    "ShuffleSplit",
    "StratifiedShuffleSplit",
    "RepeatedKFold",
    "TimeSeriesSplit",
    "PredefinedSplit",
    "LeaveOneOut",
    "GroupKFold",
    "StratifiedGroupKFold",
    "GroupShuffleSplit",
    "LeaveOneGroupOut",
]
GROUP_SPLITTERS = {
    "GroupKFold",
    "StratifiedGroupKFold",
    "GroupShuffleSplit",
    "LeaveOneGroupOut",
}


@st.composite
def cvs(draw, n, classifier, edge):
    """(cv factory, its text, its kind, groups or None)."""
    kind = draw(st.sampled_from(["object"] * 4 + ["splits"] * 3 + ["empty"] * edge))
    groups = None
    if kind == "empty":
        form = draw(st.sampled_from(["list", "generator"]))
        factory = (lambda: []) if form == "list" else (lambda: iter(()))
        return factory, f"empty {form}", "empty", None
    k = draw(st.integers(2, 5))
    seed = draw(st.integers(0, 1000))
    if kind == "splits":
        how = draw(
            st.sampled_from(
                [
                    "kfold",
                    "unequal",
                    "shuffled",
                    "subsets",
                    "overlap",
                    "duplicates",
                    "single",
                ]
            )
        )
        form = draw(
            st.sampled_from(
                [
                    "arrays",
                    "int32",
                    "lists",
                    "tuple",
                    "negative",
                    "generator",
                    "masks",
                ]
                + ["float", "out-of-range"] * edge
            )
        )
        splits = index_splits(n, how, seed, k)
        text = f"{form} of index_splits({n}, {how!r}, seed={seed}, k={k})"
        return cv_form(splits, form, n), text, form, None
    name = draw(
        st.sampled_from([c for c in CV_OBJECTS if classifier or "Stratified" not in c])
    )
    if name == "LeaveOneOut" and n > 30:  # a fold per row: keep it quick
        name = "KFold"
    shuffle = draw(st.booleans())
    rs = seed if shuffle else None
    make = {
        "int": lambda: k,
        "KFold": lambda: KFold(k, shuffle=shuffle, random_state=rs),
        "StratifiedKFold": lambda: StratifiedKFold(k, shuffle=shuffle, random_state=rs),
        "ShuffleSplit": lambda: ShuffleSplit(k, test_size=0.25, random_state=seed),
        "StratifiedShuffleSplit": lambda: StratifiedShuffleSplit(
            k, test_size=0.3, random_state=seed
        ),
        "RepeatedKFold": lambda: RepeatedKFold(n_splits=2, n_repeats=2, random_state=1),
        "TimeSeriesSplit": lambda: TimeSeriesSplit(k),
        "PredefinedSplit": lambda: PredefinedSplit(
            np.random.RandomState(seed).randint(-1, k, n)
        ),
        "LeaveOneOut": LeaveOneOut,
        "GroupKFold": lambda: GroupKFold(k),
        "StratifiedGroupKFold": lambda: StratifiedGroupKFold(k),
        "GroupShuffleSplit": lambda: GroupShuffleSplit(
            k, test_size=0.3, random_state=1
        ),
        "LeaveOneGroupOut": LeaveOneGroupOut,
    }[name]
    if name in GROUP_SPLITTERS or draw(st.integers(0, 9)) == 9:
        if not edge or draw(st.booleans()):  # without, both must refuse
            groups = np.random.RandomState(seed).randint(0, draw(st.integers(2, 6)), n)
    text = repr(make()) if name != "int" else repr(k)
    return make, text, name, groups


@st.composite
def cases(draw):
    kind = draw(st.sampled_from(["classifier", "regressor"]))
    # about a third of the cases take edge inputs, the others inputs that
    # GridSearchCV answers
    edge = draw(st.sampled_from([False, False, True]))
    n = draw(st.integers(20, 60))
    seed = draw(st.integers(0, 1000))
    form = draw(st.sampled_from(["dense", "dense", "float32", "csr", "list", "pandas"]))
    if kind == "classifier":
        source = draw(st.sampled_from(["iris", "classification", "imbalanced"]))
        if draw(st.integers(0, 19)) == 19:
            source = "multilabel"
        labels = ["int"] * 4 + ["str"] * 2 + ["shifted", "float", "bool"]
        labels = draw(st.sampled_from(labels + ["mixed", "single"] * edge))
        n_classes = draw(st.integers(2, 3))
        if labels == "bool":
            n_classes = 2
        X, y = classification_data(source, n, seed, labels, n_classes, form)
        data = f"classification_data({source!r}, {n}, {seed}, {labels!r}, "
        data += f"{n_classes}, {form!r})"
        scorings = CLASSIFIER_SCORINGS
    else:
        n_outputs = draw(st.sampled_from([1, 1, 1, 2]))
        positive = draw(st.booleans())
        X, y = regression_data(n, seed, n_outputs, positive, form)
        data = f"regression_data({n}, {seed}, {n_outputs}, {positive}, {form!r})"
        scorings = REGRESSOR_SCORINGS
    params = draw(estimator_params(n, kind))
    if kind == "regressor" and draw(st.integers(0, 4)) == 4:
        params["loss"] = "poisson"
    grid, tags = draw(grids(edge))
    cv, cv_text, cv_kind, groups = draw(cvs(n, kind == "classifier", edge))
    scoring = draw(st.sampled_from(scorings[0] + scorings[1] * edge))
    multimetric = isinstance(scoring, list | dict)
    refit = draw(st.sampled_from([True, True, True, False, refit_first, refit_last]))
    if multimetric:
        tags.add("multimetric")
        first = scoring[0] if isinstance(scoring, list) else next(iter(scoring))
        refit = draw(st.sampled_from([first, False]))
    error_score = draw(st.sampled_from([np.nan, np.nan, np.nan, "raise", -1.0]))
    sample_weight = None
    if draw(st.integers(0, 5)) == 5:
        sample_weight = np.random.RandomState(seed).uniform(0, 2, n)
    case = Case(
        kind=kind,
        data=data,
        X=X,
        y=y,
        params=params,
        grid=grid,
        cv=cv,
        cv_text=cv_text,
        scoring=scoring,
        refit=refit,
        error_score=error_score,
        groups=groups,
        sample_weight=sample_weight,
        rs_instance=draw(st.integers(0, 9)) == 9,
        tags=tags,
    )
    case.tags = _tags(case, cv_kind)
    return case


# -- running and comparing -------------------------------------------------------


def _fit(make, X, y, fit_params):
    """(fitted search or None, exception or None, warnings): warnings are
    recorded, not raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            search = make()
            return search.fit(X, y, **fit_params), None, caught
        except Exception as exc:  # the outcome to compare
            return None, exc, caught


def run_both(case):
    if case.kind == "classifier":
        ours_class, plain = MLPClassifierCV, MLPClassifier
    else:
        ours_class, plain = MLPRegressorCV, MLPRegressor
    search = dict(scoring=case.scoring, refit=case.refit, error_score=case.error_score)
    # GridSearchCV has no param_grid=None: the estimator's own settings are [{}]
    ref_grid = [{}] if case.grid is None else case.grid
    ref, ref_exc, ref_warnings = _fit(
        lambda: GridSearchCV(
            plain(**case.estimator_params()), ref_grid, cv=case.cv(), **search
        ),
        case.X,
        case.y,
        case.fit_params(),
    )
    ours, ours_exc, _ = _fit(
        lambda: ours_class(
            param_grid=case.grid, cv=case.cv(), **search, **case.estimator_params()
        ),
        case.X,
        case.y,
        case.fit_params(),
    )
    if ref is not None:  # GridSearchCV's answer tells some categories
        failed = sum(str(w.message).startswith("Scoring failed") for w in ref_warnings)
        if failed and failed >= len(ref.cv_results_["params"]) * ref.n_splits_:
            case.tags.add("scoring-fails-everywhere")
        if any(issubclass(w.category, FitFailedWarning) for w in ref_warnings):
            case.tags.add("some-fits-fail")
    return ref, ref_exc, ours, ours_exc


def _message(exc):
    return None if exc is None else f"{type(exc).__name__}: {exc}"[:600]


def _origin(exc):
    """The exception a chain of wrappers that only prefix their cause's message
    comes from (skinit names the candidate and fold of an error that way)."""
    while exc.__cause__ is not None and str(exc.__cause__) in str(exc):
        exc = exc.__cause__
    return exc


def is_clear(exc):
    """Raised by a ``raise`` statement, not leaked from numpy or a builtin."""
    frames = traceback.extract_tb(_origin(exc).__traceback__)
    return bool(frames) and (frames[-1].line or "").lstrip().startswith("raise")


def _differs(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape != b.shape or not np.allclose(
        a, b, rtol=RTOL, atol=ATOL, equal_nan=True
    )


def compare_answers(ours, ref, X):
    """What differs between two fitted searches, by attribute (empty: the same
    answer)."""
    a, b = ours.cv_results_, ref.cv_results_
    if a["params"] != b["params"]:
        return {"params": f"{a['params']} vs {b['params']}"}
    problems = {}
    for key in sorted(b):
        if not re.fullmatch(r"(split\d+|mean|std|rank)_test_score", key):
            continue
        if key not in a:
            problems[key] = "missing"
        elif key.startswith("rank"):
            if not np.array_equal(a[key], b[key]):
                problems[key] = f"{a[key]} vs {b[key]}"
        elif _differs(a[key], b[key]):
            problems[key] = f"{a[key]} vs {b[key]}"
    if ours.n_splits_ != ref.n_splits_:
        problems["n_splits_"] = f"{ours.n_splits_} vs {ref.n_splits_}"
    for name in ("best_index_", "best_params_"):
        if getattr(ours, name, None) != getattr(ref, name, None):
            problems[name] = (
                f"{getattr(ours, name, None)} vs {getattr(ref, name, None)}"
            )
    if hasattr(ref, "best_score_") != hasattr(ours, "best_score_") or (
        hasattr(ref, "best_score_") and _differs(ours.best_score_, ref.best_score_)
    ):
        problems["best_score_"] = (
            f"{getattr(ours, 'best_score_', None)} vs "
            f"{getattr(ref, 'best_score_', None)}"
        )
    if hasattr(ref, "best_estimator_") != hasattr(ours, "coefs_"):
        problems["refit"] = "skinit and GridSearchCV disagree on refitting"
    elif hasattr(ref, "best_estimator_") and not problems:
        fitted = ref.best_estimator_
        weights = zip(
            ours.coefs_ + ours.intercepts_, fitted.coefs_ + fitted.intercepts_
        )
        if any(_differs(w_ours, w_ref) for w_ours, w_ref in weights):
            problems["refit"] = "refitted coefs_/intercepts_ differ"
        elif not np.array_equal(ours.predict(X), fitted.predict(X)):
            problems["refit"] = "refitted predict differs"
    return problems


def _ties_broken(problems, ref):
    """Only the ranks (and the choice) differ, where GridSearchCV's candidates
    tie exactly: skinit's scores of those differ by rounding."""
    if not problems or any(re.match(r"(split|mean|std)", key) for key in problems):
        return False
    means = ref.cv_results_["mean_test_score"]
    finite = means[np.isfinite(means)]
    return len(np.unique(finite)) < len(finite)


def judge(case, ref, ref_exc, ours, ours_exc):
    """(outcome, detail): an outcome starting with "DIFF" is a discrepancy."""
    if ref_exc is not None and ours_exc is not None:
        type_ok = isinstance(ours_exc, ValueError | TypeError | type(ref_exc))
        same = str(ref_exc) != "" and str(ref_exc) in str(ours_exc)
        same = same or any(
            type(ours_exc) is type(ref_exc) is kind
            and re.search(pattern, str(ours_exc))
            and re.search(pattern, str(ref_exc))
            for kind, pattern in SAME_ERRORS
        )
        if type_ok and (same or is_clear(ours_exc)):
            return "both refuse", ""
        why = "wrong type" if not type_ok else "unclear"
        return f"DIFF both refuse, skinit's error {why}", ""
    if ref_exc is not None:
        return "DIFF skinit answers where GridSearchCV refuses", ""
    if ours_exc is not None:
        message = str(ours_exc)
        for name, pattern in DOCUMENTED_REFUSALS.items():
            if re.search(pattern, message) and is_clear(ours_exc):
                return f"documented refusal: {name}", ""
        return "DIFF skinit refuses where GridSearchCV answers", ""
    problems = compare_answers(ours, ref, case.X)
    if problems:
        if _ties_broken(problems, ref):
            case.tags.add("ties-broken-by-rounding")
        detail = "; ".join(f"{key}: {text}" for key, text in problems.items())
        return "DIFF different answers", detail[:1500]
    return "same answer", ""


def check(case, tolerated=KNOWN_BUGS, survey=bool(LOG)):
    """Fit both searches on ``case`` and judge; raise on an untolerated DIFF
    (in a survey, record it and go on)."""
    ref, ref_exc, ours, ours_exc = run_both(case)
    outcome, detail = judge(case, ref, ref_exc, ours, ours_exc)
    known = sorted(
        tag
        for tag in case.tags & set(tolerated)
        if KNOWN_BUG_OUTCOMES.get(tag, outcome) == outcome
    )
    if LOG:
        with open(LOG, "a") as log:
            record = dict(
                outcome=outcome,
                detail=detail,
                tags=sorted(case.tags),
                known=known,
                gridsearchcv=_message(ref_exc),
                skinit=_message(ours_exc),
                case=repr(case),
            )
            log.write(json.dumps(record, default=str) + "\n")
    in_hypothesis = currently_in_test_context()
    if in_hypothesis:
        event(outcome)
        for tag in sorted(case.tags):
            event(f"tag: {tag}")
    if not outcome.startswith("DIFF"):
        return outcome
    if in_hypothesis:
        note(f"GridSearchCV: {_message(ref_exc)}")
        note(f"skinit: {_message(ours_exc)}")
    if known:
        if in_hypothesis:
            event(f"known bug: {', '.join(known)}")
        return outcome
    if survey:
        return outcome
    raise AssertionError(
        f"{outcome}: {detail}\nGridSearchCV: {_message(ref_exc)}\n"
        f"skinit: {_message(ours_exc)}"
    )


@pytest.mark.filterwarnings("ignore")
@settings(
    max_examples=N_EXAMPLES,
    derandomize="SKINIT_FUZZ_EXAMPLES" not in os.environ,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=cases())
def test_search_equals_grid_search_or_refuses_clearly(case):
    check(case)


# -- the known bugs, one example each --------------------------------------------


def _known_bug_cases():
    X, y = classification_data("iris", 30, 0)
    params = dict(hidden_layer_sizes=(3,), max_iter=5, random_state=0)
    grid = {"alpha": [1e-4, 1.0]}

    def case(**kwargs):
        base = dict(
            kind="classifier",
            data="iris 30",
            X=X,
            y=y,
            params=params,
            grid=grid,
            cv=lambda: 3,
            cv_text="3",
        )
        base.update(kwargs)
        return Case(**base)

    splits = index_splits(30, "kfold", 0)
    groups = np.arange(30) % 5
    X32, y32 = regression_data(30, 1, positive=True, form="float32")
    Xt, yt = regression_data(37, 32, n_outputs=2)
    return {
        "single-class": case(y=np.zeros(30, int), tags={"single-class"}),
        "mask-splits": case(
            cv=cv_form(splits, "masks", 30), cv_text="masks", tags={"mask-splits"}
        ),
        "groups": case(
            cv=lambda: GroupKFold(3), cv_text="GroupKFold(3)", groups=groups
        ),
        "empty-cv": case(cv=lambda: [], cv_text="[]"),
        "non-number-scorer": case(scoring=returns_string),
        "float-indices": case(cv=cv_form(splits, "float", 30), cv_text="float indices"),
        "mixed-labels": case(y=_labels(np.arange(30) % 3, "mixed")),
        "tuple-indices": case(cv=cv_form(splits, "tuple", 30), cv_text="tuples"),
        "list-indices-held-out": case(
            params={**params, "early_stopping": True, "validation_fraction": 0.34},
            cv=cv_form(splits, "lists", 30),
            cv_text="lists",
        ),
        "scoring-fails-everywhere": case(scoring=raises),
        "invalid-grid-value": case(grid={"alpha": [1e-4, -1.0]}),
        "ties-broken-by-rounding": case(
            kind="regressor",
            X=Xt,
            y=yt,
            params={
                **params,
                "activation": "logistic",
                "random_state": 2471,
                "shuffle": False,
            },
            grid={"learning_rate_init": [0.5, 0.5]},
            scoring="r2",
        ),
        # 8 training rows hold out too few to validate; 29 do not
        "some-fits-fail": case(
            params={**params, "early_stopping": True, "validation_fraction": 0.1},
            cv=lambda: [(np.arange(8), np.arange(8, 30)), (np.arange(1, 30), [0])],
            cv_text="folds of 8 and 29 training rows",
        ),
        "float32-rounding": case(
            kind="regressor",
            X=X32,
            y=y32,
            params={
                **params,
                "activation": "identity",
                "solver": "sgd",
                "learning_rate_init": 0.1,
                "momentum": 0.0,
                "batch_size": 4,
                "shuffle": False,
            },
            cv=lambda: 2,
            cv_text="2",
            scoring="r2",
        ),
    }


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("category", FIXED_BUGS)
def test_fixed_bug_example(category):
    check(_known_bug_cases()[category], tolerated=(), survey=False)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize(
    "category",
    [
        pytest.param(
            name,
            marks=pytest.mark.xfail(
                strict=True,
                raises=AssertionError,
                reason=f"known bug: {why}. When this XPASSes, move "
                f"{name!r} to FIXED_BUGS.",
            ),
        )
        for name, why in KNOWN_BUGS.items()
    ],
)
def test_known_bug_still_present(category):
    check(_known_bug_cases()[category], tolerated=(), survey=False)
