# SPDX-License-Identifier: BSD-3-Clause
"""MLPClassifierCV and MLPRegressorCV against GridSearchCV over skinit's estimators."""

import pickle
import re
import warnings
from math import ceil
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from joblib import parallel_config
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone, is_classifier
from sklearn.datasets import (
    load_digits,
    load_iris,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    KFold,
    StratifiedKFold,
    check_cv,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skinit import MLPClassifier, MLPClassifierCV, MLPRegressor, MLPRegressorCV
from skinit.initializers import HeNormal, Orthogonal, VarianceScaling
from skinit.utils._sklearn import GRID_SEARCH_WEIGHTS_SCORES

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# numpy's warnings on the way to the non-finite parameters of a fit that is
# meant to diverge
DIVERGES = pytest.mark.filterwarnings(
    "ignore:overflow encountered in:RuntimeWarning",
    "ignore:invalid value encountered in:RuntimeWarning",
)
NON_FINITE = "^One or more of the test scores are non-finite: "


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=120, n_features=6, noise=5.0, random_state=0)
    return X, y / 50


def _plain(search):
    """The plain estimator with the search's settings."""
    plain = search._plain_class
    return plain(**{k: getattr(search, k) for k in plain._get_param_names()})


def _grid_search(search, X, y, sample_weight=None, splits=None):
    """GridSearchCV over the plain estimator, with the search's settings."""
    cv = check_cv(search.cv, y, classifier=is_classifier(search))
    splits = splits or list(cv.split(X, y))
    grid = GridSearchCV(
        _plain(search),
        search.param_grid,
        cv=splits,
        scoring=search.scoring,
        error_score=search.error_score,
    )
    params = {} if sample_weight is None else {"sample_weight": sample_weight}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return grid.fit(X, y, **params)


def assert_same_model(ours, theirs, X):
    for name in ("coefs_", "intercepts_", "init_coefs_", "ensemble_coefs_"):
        assert hasattr(ours, name) == hasattr(theirs, name)
        for a, b in zip(getattr(ours, name, []), getattr(theirs, name, [])):
            assert_array_equal(a, b)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == theirs.loss_
    assert ours.best_restart_ == theirs.best_restart_
    assert getattr(ours, "loss_curve_", None) == getattr(theirs, "loss_curve_", None)
    assert_array_equal(ours.restart_results_["loss"], theirs.restart_results_["loss"])
    assert_array_equal(ours.predict(X), theirs.predict(X))
    if hasattr(theirs, "predict_proba"):
        assert_array_equal(ours.predict_proba(X), theirs.predict_proba(X))
        assert_array_equal(ours.classes_, theirs.classes_)
    # every fitted attribute of the plain estimator, diagnostics included
    fitted = {k for k in vars(theirs) if k.endswith("_") and not k.startswith("_")}
    assert fitted <= set(vars(ours))


def assert_same_search(ours, theirs, X):
    """cv_results_, the choice and the refitted model equal GridSearchCV's."""
    a, b = ours.cv_results_, theirs.cv_results_
    assert set(b) <= set(a)
    assert a["params"] == b["params"]
    for key in b:
        if key.startswith("param_"):
            assert_array_equal(a[key].mask, b[key].mask)
            assert a[key].dtype == b[key].dtype, key
            assert list(a[key].compressed()) == list(b[key].compressed())
        elif key.startswith(("split", "mean_test", "std_test")):
            assert_allclose(a[key], b[key], rtol=1e-10, atol=1e-10, err_msg=key)
        elif key == "rank_test_score":
            assert_array_equal(a[key], b[key])
    assert ours.best_index_ == theirs.best_index_
    assert ours.best_params_ == theirs.best_params_
    assert_allclose(ours.best_score_, theirs.best_score_, rtol=1e-10)
    assert ours.n_splits_ == theirs.n_splits_
    assert_same_model(ours, theirs.best_estimator_, X)


CLASSIFIER_CASES = {
    "adam-inits": dict(
        params=dict(learning_rate_init=0.01),
        grid={"init": ["sklearn", "glorot_uniform", "he_uniform", "lecun_normal"]},
    ),
    "sgd-rates": dict(
        params=dict(solver="sgd", momentum=0.5),
        grid={"learning_rate_init": [0.01, 0.1, 0.3], "init": ["sklearn", "he_normal"]},
    ),
    "sgd-adaptive": dict(
        params=dict(solver="sgd", learning_rate="adaptive", tol=0.05),
        grid={"learning_rate_init": [0.05, 0.2]},
    ),
    # minibatches smaller than the folds: the shuffling matters, and folds of
    # 112 and 113 rows train in two runs whose random streams stay apart
    "sgd-minibatches": dict(
        params=dict(solver="sgd", batch_size=16, learning_rate_init=0.05),
        grid={"alpha": [1e-4, 0.1]},
    ),
    # early stopping on folds of 112 and 113 rows holds out 12 of each: the
    # training rows (100 and 101) differ, the batch size does not
    "early-stopping-minibatches": dict(
        params=dict(early_stopping=True, n_iter_no_change=3, batch_size=32),
        grid={"alpha": [1e-4, 1.0]},
    ),
    "lbfgs-alpha": dict(
        params=dict(solver="lbfgs"),
        grid={"alpha": [1e-4, 0.1, 10.0]},
    ),
    "early-stopping": dict(
        params=dict(early_stopping=True, n_iter_no_change=3, learning_rate_init=0.02),
        grid={"alpha": [1e-4, 1.0], "init": ["sklearn", "glorot_uniform"]},
    ),
    "restarts-scored": dict(
        params=dict(n_restarts=3, restart_scoring="accuracy", learning_rate_init=0.02),
        grid={"init": ["he_uniform", "glorot_uniform"]},
    ),
    "restarts-loss-logloss": dict(
        params=dict(n_restarts=2, learning_rate_init=0.02),
        grid={"init": [HeNormal()], "init__gain": [0.1, 1.0, 4.0]},
        scoring="neg_log_loss",
    ),
    "restarts-ensemble-logloss": dict(
        params=dict(n_restarts=3, restart_ensemble=True, learning_rate_init=0.02),
        grid={"init": ["he_uniform", "glorot_uniform"], "alpha": [1e-4, 1.0]},
        scoring="neg_log_loss",
    ),
    # LSUV reads each fold's rows: its starting points differ between folds
    # (the other initializers' are drawn once and shared by the folds)
    "lsuv-reads-each-fold": dict(
        params=dict(learning_rate_init=0.02, n_restarts=2),
        grid={"init": ["lsuv", "he_normal"]},
        scoring="neg_log_loss",
    ),
    "nested-list-of-grids": dict(
        params=dict(learning_rate_init=0.02, activation="tanh"),
        grid=[
            {"init": ["glorot_uniform"], "bias_init": ["zeros", "uniform"]},
            {"init": [Orthogonal()], "init__gain": [0.5, 2.0]},
            {"init": [VarianceScaling()], "init__scale": [0.5, 2.0]},
        ],
    ),
}


@pytest.mark.parametrize("case", CLASSIFIER_CASES, ids=str)
def test_classifier_search_equals_grid_search(iris, case):
    config = CLASSIFIER_CASES[case]
    X, y = iris
    search = MLPClassifierCV(
        hidden_layer_sizes=(6,),
        max_iter=25,
        random_state=0,
        param_grid=config["grid"],
        cv=StratifiedKFold(4, shuffle=True, random_state=1),
        scoring=config.get("scoring"),
        **config["params"],
    ).fit(X, y)
    assert_same_search(search, _grid_search(search, X, y), X)
    # the test scores do differ between candidates: the comparison has teeth
    assert np.ptp(search.cv_results_["mean_test_score"]) > 0


def test_random_state_instance_equals_grid_search(iris):
    # GridSearchCV clones the estimator, and its RandomState, for every cell:
    # each cell and the refit draw from the same, unconsumed, state
    X, y = iris
    search = MLPClassifierCV(
        hidden_layer_sizes=(4,),
        max_iter=10,
        random_state=np.random.RandomState(0),
        learning_rate_init=0.02,
        param_grid={"alpha": [1e-4, 1.0]},
        cv=3,
    ).fit(X, y)
    assert_same_search(search, _grid_search(search, X, y), X)


def _input_forms():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    X_multi, Y_multi = make_multilabel_classification(n_samples=120, random_state=0)
    labels = np.array(["a", "b", "c"])[y]
    return {
        "csr": (sp.csr_matrix(X), y, 3),
        "csc": (sp.csc_matrix(X), y, 3),
        "float32": (X.astype(np.float32), y, 3),
        "string-labels": (X, labels, 3),
        "pandas": (pd.DataFrame(X, columns=list("abcd")), pd.Series(labels), 3),
        "binary": (X, (y == 1).astype(int), 3),
        "binary-accuracy": (X, (y == 1).astype(int), 3),
        "multilabel": (X_multi, Y_multi, KFold(3)),
    }


@pytest.mark.parametrize("form", list(_input_forms()), ids=str)
def test_input_forms(form):
    X, y, cv = _input_forms()[form]
    search = MLPClassifierCV(
        hidden_layer_sizes=(5,),
        max_iter=15,
        random_state=0,
        learning_rate_init=0.02,
        param_grid={"alpha": [1e-4, 1.0], "init": ["sklearn", "he_normal"]},
        cv=cv,
        scoring=make_scorer(f1_score, average="macro") if form == "binary" else None,
    ).fit(X, y)
    reference = _grid_search(search, X, y)
    assert_same_search(search, reference, X)
    if form == "pandas":
        assert_array_equal(search.feature_names_in_, list("abcd"))


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_sample_weight(iris, solver):
    X, y = iris
    sample_weight = np.random.RandomState(0).uniform(0.2, 3, len(y))
    search = MLPClassifierCV(
        hidden_layer_sizes=(5,),
        max_iter=20,
        solver=solver,
        learning_rate_init=0.05,
        random_state=1,
        param_grid={"alpha": [1e-3, 3.0]},
        cv=3,
    ).fit(X, y, sample_weight=sample_weight)
    reference = _grid_search(search, X, y, sample_weight)
    assert_same_search(search, reference, X)
    unweighted = clone(search).fit(X, y)
    assert not np.array_equal(unweighted.coefs_[0], search.coefs_[0])


@pytest.mark.parametrize(
    "params, grid",
    [
        (dict(), {"alpha": [1e-4, 1.0], "learning_rate_init": [0.01, 0.03]}),
        (dict(solver="lbfgs", max_iter=40), {"init": ["he_normal", "sklearn"]}),
        (
            dict(early_stopping=True, n_restarts=2, n_iter_no_change=2),
            {
                "init": [VarianceScaling(distribution="uniform")],
                "init__scale": [0.1, 3],
            },
        ),
        (dict(loss="poisson"), {"alpha": [1e-4, 10.0]}),
    ],
    ids=["adam", "lbfgs", "early-stopping-restarts", "poisson"],
)
def test_regressor_search_equals_grid_search(regression, params, grid):
    X, y = regression
    if params.get("loss") == "poisson":
        y = np.abs(y)
    params = {"max_iter": 30, "learning_rate_init": 0.01, **params}
    search = MLPRegressorCV(
        hidden_layer_sizes=(8,), random_state=3, param_grid=grid, cv=4, **params
    ).fit(X, y)
    reference = _grid_search(search, X, y)
    assert_same_search(search, reference, X)
    assert np.ptp(search.cv_results_["mean_test_score"]) > 0


def test_default_grid_is_the_estimators_own_settings(iris):
    X, y = iris
    search = MLPClassifierCV(hidden_layer_sizes=(5,), max_iter=15, random_state=0)
    search.fit(X, y)
    assert search.cv_results_["params"] == [{}]
    assert search.best_params_ == {}
    plain = MLPClassifier(hidden_layer_sizes=(5,), max_iter=15, random_state=0)
    assert_same_model(search, plain.fit(X, y), X)
    folds = StratifiedKFold(5).split(X, y)
    expected = [clone(plain).fit(X[tr], y[tr]).score(X[te], y[te]) for tr, te in folds]
    assert_allclose(
        [search.cv_results_[f"split{i}_test_score"][0] for i in range(5)], expected
    )


def test_restart_record_holds_every_network(iris):
    X, y = iris
    grid = {"init": ["sklearn", "he_normal"]}
    settings = dict(
        hidden_layer_sizes=(5,),
        max_iter=15,
        n_restarts=3,
        random_state=2,
        learning_rate_init=0.02,
        restart_scoring="accuracy",
        tol=0.03,
        n_iter_no_change=2,
    )
    search = MLPClassifierCV(param_grid=grid, cv=3, **settings).fit(X, y)
    record = search.cv_restart_results_
    assert record["loss"].shape == (2, 3, 3)
    assert (record["selected"].sum(axis=2) == 1).all()
    assert (record["fit_time"] > 0).all()
    assert record["converged"].any() and not record["converged"].all()
    for (c, init), (f, (train, _)) in zip(
        enumerate(grid["init"]), enumerate(StratifiedKFold(3).split(X, y))
    ):
        alone = MLPClassifier(init=init, **settings).fit(X[train], y[train])
        for key in ("loss", "validation_score", "n_iter", "converged", "diverged"):
            assert_array_equal(record[key][c, f], alone.restart_results_[key])
        assert list(record["seed"][c, f]) == alone.restart_seeds_
        assert record["selected"][c, f, alone.best_restart_]


def test_same_results_whatever_the_execution_path(iris):
    X, y = iris
    params = dict(
        hidden_layer_sizes=(5,),
        max_iter=20,
        n_restarts=2,
        random_state=0,
        learning_rate_init=0.02,
        param_grid={"init": ["sklearn", "he_uniform", "glorot_uniform"]},
        cv=3,
        scoring="neg_log_loss",
    )
    reference = MLPClassifierCV(**params).fit(X, y)
    for n_jobs, backend in [(2, "loky"), (3, "threading")]:
        with parallel_config(backend=backend):
            other = MLPClassifierCV(n_jobs=n_jobs, **params).fit(X, y)
        for key in ("split0_test_score", "split2_test_score", "rank_test_score"):
            assert_array_equal(reference.cv_results_[key], other.cv_results_[key])
        assert_array_equal(
            reference.cv_restart_results_["loss"], other.cv_restart_results_["loss"]
        )
        assert_same_model(reference, other, X)


def test_dask_backend(iris):
    distributed = pytest.importorskip("distributed")
    X, y = iris
    params = dict(
        hidden_layer_sizes=(5,),
        max_iter=10,
        random_state=0,
        param_grid={"alpha": [1e-4, 1.0]},
        cv=3,
        scoring="neg_log_loss",
    )
    reference = MLPClassifierCV(**params).fit(X, y)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
        parallel_config(backend="dask"),
    ):
        other = MLPClassifierCV(n_jobs=2, **params).fit(X, y)
    assert_array_equal(
        reference.cv_results_["mean_test_score"], other.cv_results_["mean_test_score"]
    )
    assert_same_model(reference, other, X)


def test_cv_results_ties_masks_and_times(iris, monkeypatch):
    # a candidate listed twice (init="sklearn" is the default) ties with its
    # twin: ranks by "min", as GridSearchCV, and a masked param_init column
    X, y = iris
    clock = iter(range(10**6))  # the search's own clock: a second per reading
    monkeypatch.setattr(
        "skinit._search.time", SimpleNamespace(perf_counter=lambda: next(clock))
    )
    search = MLPClassifierCV(
        hidden_layer_sizes=(4,),
        max_iter=30,
        n_restarts=2,
        tol=0.05,
        n_iter_no_change=2,
        learning_rate_init=0.05,
        random_state=0,
        param_grid=[{"alpha": [1e-4, 10.0]}, {"alpha": [1e-4], "init": ["sklearn"]}],
        cv=3,
    ).fit(X, y)
    results = search.cv_results_
    assert_array_equal(results["rank_test_score"], [1, 3, 1])
    assert_array_equal(results["param_init"].mask, [True, True, False])
    assert_same_search(search, _grid_search(search, X, y), X)
    # a cell's fit time is its last network's (documented), which its
    # restarts' record holds; the restarts did stop at different epochs
    record = search.cv_restart_results_
    assert (record["n_iter"][..., 0] != record["n_iter"][..., 1]).all()
    assert (record["fit_time"] > 0).all()
    cell_times = record["fit_time"].max(axis=2)
    assert (cell_times > record["fit_time"].min(axis=2)).all()
    assert_allclose(results["mean_fit_time"], cell_times.mean(axis=1))
    assert_allclose(results["std_fit_time"], cell_times.std(axis=1))
    # scoring a cell, and refitting, each read the clock twice
    assert_array_equal(results["mean_score_time"], [1.0] * 3)
    assert_array_equal(results["std_score_time"], [0.0] * 3)
    assert search.refit_time_ == 1.0


def test_random_state_none_is_one_seed_for_the_whole_search(iris):
    # a fold that trains on every row is the refit itself when the cells and
    # the refit share one seed
    X, y = iris
    rows = np.arange(len(y))
    search = MLPClassifierCV(
        hidden_layer_sizes=(4,),
        max_iter=5,
        random_state=None,
        cv=[(rows, rows[::5]), (rows, rows[1::5])],
    ).fit(X, y)
    record = search.cv_restart_results_
    assert record["loss"][0, 0, 0] == record["loss"][0, 1, 0] == search.loss_
    assert record["seed"][0, 0, 0] == search.restart_seeds_[0]


def _nan_score(estimator, X, y):
    return np.nan


def test_a_scorer_without_sample_weight_and_only_nan_scores(iris):
    # GridSearchCV's warnings, and its ranks when no candidate has a score
    X, y = iris
    search = MLPClassifierCV(
        hidden_layer_sizes=(3,),
        max_iter=3,
        random_state=0,
        param_grid={"alpha": [1e-4, 1.0]},
        cv=2,
        scoring=_nan_score,
    )
    weights = np.ones(len(y))
    with pytest.warns(UserWarning) as record:
        search.fit(X, y, sample_weight=weights)
    messages = [str(w.message) for w in record]
    # GridSearchCV weights its scores, and says when it cannot, from
    # scikit-learn 1.7 on
    assert GRID_SEARCH_WEIGHTS_SCORES == any(
        m.startswith(
            f"The scoring {_nan_score} does not support sample_weight, which may "
            "lead to statistically incorrect results when fitting MLPClassifierCV("
        )
        for m in messages
    )
    assert any(
        m.startswith("One or more of the test scores are non-finite") for m in messages
    )
    reference = _grid_search(search, X, y, weights)
    assert_array_equal(search.cv_results_["rank_test_score"], [1, 1])
    assert_array_equal(
        search.cv_results_["rank_test_score"], reference.cv_results_["rank_test_score"]
    )
    assert search.best_index_ == reference.best_index_ == 0


def test_unconverged_fits_are_summarized_once(iris):
    # at a rate of 1e-6 the loss improves by less than tol: those fits
    # converge after 3 epochs; at 0.1 they reach max_iter
    X, y = iris
    search = MLPClassifierCV(
        hidden_layer_sizes=(3,),
        max_iter=3,
        tol=1e-3,
        n_iter_no_change=1,
        random_state=0,
        param_grid={"learning_rate_init": [1e-6, 0.1]},
        cv=3,
    )
    with pytest.warns(ConvergenceWarning) as record:
        search.fit(X, y)
    assert_array_equal(
        search.cv_restart_results_["converged"][..., 0], [[True] * 3, [False] * 3]
    )
    assert [str(w.message) for w in record if "candidate x fold" in str(w.message)] == [
        "3 of the 6 fits (candidate x fold) of the search did not converge. "
        "Stochastic Optimizer: Maximum iterations (3) reached and the "
        "optimization hasn't converged yet."
    ]


# -- bad input ----------------------------------------------------------------


@pytest.mark.parametrize(
    "grid, error, match",
    [
        (
            [],
            ValueError,
            r"param_grid is empty \(\[\]\): give lists of values to try for some "
            r"of alpha, bias_init, class_weight, init, learning_rate_init, or "
            r"param_grid=None",
        ),
        (
            [{"alpha": [1.0]}, ["alpha"]],
            TypeError,
            r"param_grid must be a dict or a list of dicts; got \['alpha'\] in it",
        ),
        ({}, ValueError, r"param_grid is empty"),
        ({"alpha": []}, ValueError, "need to be a non-empty sequence"),
        ({"alpha": 0.1}, TypeError, "needs to be a list or a numpy array"),
        (
            {"alpha": ["big"]},
            InvalidParameterError,
            r"candidate \{'alpha': 'big'\}: The 'alpha' parameter of MLPClassifier",
        ),
        (
            {"init": [42]},
            InvalidParameterError,
            r"candidate \{'init': 42\}: The 'init' parameter",
        ),
        (
            {"solver": ["sgd", "adam"]},
            ValueError,
            r"param_grid key 'solver' cannot vary between the networks of one "
            r"batch: MLPClassifierCV searches 'alpha', 'bias_init', 'class_weight', "
            r"'init', 'learning_rate_init' .*GridSearchCV",
        ),
        ({"hidden_layer_sizes": [(3,)]}, ValueError, "key 'hidden_layer_sizes'"),
        ({"alpha__x": [1]}, ValueError, "key 'alpha__x' cannot vary"),
        (
            {"init__gain": [1.0]},
            ValueError,
            "init__gain.*must then be an Initializer|sets a setting of init",
        ),
    ],
)
def test_bad_grids_are_refused_before_training(iris, grid, error, match):
    search = MLPClassifierCV(hidden_layer_sizes=(3,), max_iter=5, param_grid=grid)
    with pytest.raises(error, match=match):
        search.fit(*iris)
    assert not hasattr(search, "cv_results_")
    assert not hasattr(search, "n_features_in_")


def test_a_fold_without_a_class_is_refused(iris):
    X, y = iris
    y = y.copy()
    y[0] = 3  # one sample of class 3: the training rows of its fold lack it
    search = MLPClassifierCV(hidden_layer_sizes=(3,), max_iter=5, cv=3)
    with pytest.warns(UserWarning, match="least populated class"):
        with pytest.raises(
            ValueError,
            match=r"training rows of fold 0 hold no sample of class 3 "
            r"\(1 of the 150 samples, for 3 folds\)",
        ):
            search.fit(X, y)
    with pytest.raises(ValueError, match="n_splits=60 cannot be greater"):
        MLPClassifierCV(cv=60).fit(X, y)
    # a binary target: the count is the missing class's
    binary = (np.arange(150) == 0).astype(int)
    with pytest.warns(UserWarning, match="least populated class"):
        with pytest.raises(
            ValueError,
            match=r"training rows of fold 0 hold no sample of class 1 "
            r"\(1 of the 150 samples, for 3 folds\)",
        ):
            search.fit(X, binary)


def _diverging(X, y):
    """sgd at a rate that diverges on every fold, and one that does not."""
    return MLPRegressorCV(
        solver="sgd",
        hidden_layer_sizes=(20,),
        max_iter=10,
        random_state=0,
        n_restarts=2,
        param_grid={"learning_rate_init": [1e-2, 10.0]},
        cv=3,
    )


@DIVERGES
def test_a_fold_where_every_network_diverges(regression):
    X, y = regression
    search = _diverging(X, y).set_params(error_score=-1.0)
    with pytest.warns(
        FitFailedWarning,
        match=r"(?s)3 fits failed out of a total of 6. The score on these "
        r"train-test partitions for these parameters will be set to -1.0.\n.*"
        r"\ncandidate 1 "
        r"\{'learning_rate_init': 10.0\}, fold 0: ValueError: Solver produced "
        r"non-finite parameter weights.*all 2 restarts diverged",
    ):
        search.fit(X, y)
    reference = _grid_search(search, X, y)
    for key in ("split0_test_score", "mean_test_score", "rank_test_score"):
        assert_allclose(search.cv_results_[key], reference.cv_results_[key])
    assert search.cv_results_["mean_test_score"][1] == -1.0
    record = search.cv_restart_results_
    assert record["diverged"][1].all() and not record["diverged"][0].any()
    # NaN losses never count as no improvement: as scikit-learn's, the
    # diverged networks trained to max_iter
    assert (record["n_iter"][1] == 10).all()
    assert np.isnan(record["loss"][1]).all() and (record["fit_time"][1] > 0).all()
    assert_same_model(search, reference.best_estimator_, X)

    fitted = pickle.loads(pickle.dumps(search))
    with pytest.raises(
        ValueError,
        match=r"param_grid candidate 1 on fold 0: Solver produced non-finite "
        r"parameter weights.*all 2 restarts diverged",
    ):
        search.set_params(error_score="raise").fit(X, y)
    # nothing left half-fitted: the earlier fit is intact
    assert_array_equal(search.coefs_[0], fitted.coefs_[0])
    assert search.cv_results_.keys() == fitted.cv_results_.keys()
    with pytest.raises(ValueError, match="All the 3 fits failed"):
        search.set_params(
            error_score=np.nan, param_grid={"learning_rate_init": [10.0]}
        ).fit(X, y)


def test_settings_the_search_cannot_take(iris):
    with pytest.raises(ValueError, match="does not support warm_start=True"):
        MLPClassifierCV(warm_start=True).fit(*iris)
    with pytest.raises(ValueError, match="search='halving' .* needs solver='sgd'"):
        MLPClassifierCV(search="halving", solver="lbfgs").fit(*iris)
    with pytest.raises(InvalidParameterError, match="'search' parameter"):
        MLPClassifierCV(search="random").fit(*iris)
    with pytest.raises(AttributeError, match="has no attribute 'partial_fit'") as err:
        getattr(MLPClassifierCV(), "partial_fit")  # noqa: B009
    assert "has no partial_fit: it searches and refits in fit" in str(
        err.value.__cause__
    )
    assert not hasattr(MLPRegressorCV(), "partial_fit")
    # a cell that cannot be prepared names its candidate and fold; on every
    # fold, every fit failed, as GridSearchCV says
    search = MLPClassifierCV(
        early_stopping=True,
        validation_fraction=0.01,
        param_grid={"alpha": [1e-4, 1.0]},
        cv=3,
    )
    with warnings.catch_warnings():
        # as GridSearchCV, it raises before any warning about the NaN scores
        warnings.filterwarnings("error", NON_FINITE, UserWarning)
        with pytest.raises(
            ValueError,
            match=r"^All the 6 fits failed \(every candidate on every fold\).\nBelow "
            r"are more details about the failures:\ncandidate 0 \{'alpha': 0.0001\}, "
            "fold 0: ValueError: The validation set is too small",
        ):
            search.fit(*iris)
    with pytest.raises(
        ValueError,
        match=r"^param_grid candidate 0 \{'alpha': 0.0001\} on fold 0: The "
        "validation set is too small",
    ):
        search.set_params(error_score="raise").fit(*iris)


def test_refit_false_and_callable(iris):
    X, y = iris
    params = dict(
        hidden_layer_sizes=(4,), max_iter=10, param_grid={"alpha": [1e-4, 1.0, 5.0]}
    )
    search = MLPClassifierCV(refit=False, random_state=0, **params).fit(X, y)
    assert search.best_params_ == _grid_search(search, X, y).best_params_
    assert not hasattr(search, "coefs_")
    with pytest.raises(Exception, match="not fitted"):
        search.predict(X)
    lowest_alpha = MLPClassifierCV(refit=lambda r: 0, random_state=0, **params)
    lowest_alpha.fit(X, y)
    assert lowest_alpha.best_index_ == 0
    assert not hasattr(lowest_alpha, "best_score_")
    assert lowest_alpha.alpha == 0.0001 and lowest_alpha.best_params_ == {
        "alpha": 0.0001
    }
    # GridSearchCV's checks of the index, with their words
    with pytest.raises(TypeError, match="best_index_ returned is not an integer"):
        MLPClassifierCV(refit=lambda r: 1.0, random_state=0, **params).fit(X, y)
    for index in (-1, 3):
        with pytest.raises(IndexError, match="best_index_ index out of range"):
            refit = lambda r, index=index: index  # noqa: E731
            MLPClassifierCV(refit=refit, random_state=0, **params).fit(X, y)


# -- at home in scikit-learn --------------------------------------------------


def test_pipeline_nested_cv_clone_pickle(iris):
    X, y = load_iris(return_X_y=True)
    search = MLPClassifierCV(
        hidden_layer_sizes=(5,),
        max_iter=20,
        learning_rate_init=0.02,
        random_state=0,
        param_grid={"init": ["sklearn", "he_normal"]},
        cv=3,
    )
    pipe = make_pipeline(StandardScaler(), search)
    outer = cross_validate(pipe, X, y, cv=3, return_estimator=True)
    assert outer["test_score"].shape == (3,)
    # each outer fit searched on its own training rows, as a plain pipeline would
    by_hand = []
    for train, test in StratifiedKFold(3).split(X, y):
        scaler = StandardScaler().fit(X[train])
        inner = clone(search).fit(scaler.transform(X[train]), y[train])
        by_hand.append(inner.score(scaler.transform(X[test]), y[test]))
    assert_allclose(outer["test_score"], by_hand)
    fitted = outer["estimator"][0][-1]
    assert fitted.best_params_ in fitted.cv_results_["params"]

    cloned = clone(search)
    assert cloned.get_params() == search.get_params()
    assert not hasattr(cloned, "cv_results_")
    fitted = search.fit(*iris)
    restored = pickle.loads(pickle.dumps(fitted))
    assert_array_equal(restored.predict_proba(iris[0]), fitted.predict_proba(iris[0]))
    assert restored.cv_results_["params"] == fitted.cv_results_["params"]


def test_verbose_reports_the_search(iris, capsys):
    search = MLPClassifierCV(
        hidden_layer_sizes=(3,),
        max_iter=2,
        param_grid={"alpha": [1e-4, 1.0]},
        n_restarts=2,
        cv=3,
        verbose=2,
    )
    # one summary of the cells' convergence warnings
    with pytest.warns(ConvergenceWarning) as record:
        search.fit(*iris)
    messages = [str(w.message) for w in record]
    summaries = [m for m in messages if "(candidate x fold)" in m]
    assert summaries == [
        "6 of the 6 fits (candidate x fold) of the search did not converge. "
        "2 of 2 restarts did not converge. Stochastic Optimizer: Maximum "
        "iterations (2) reached and the optimization hasn't converged yet."
    ]
    out = capsys.readouterr().out
    assert (
        "Fitting 3 folds for each of 2 candidates, totalling 6 fits (12 networks) "
        "in one batch" in out
    )
    assert out.count("[CV ") == 6
    # GridSearchCV's 3 decimals
    score = search.cv_results_["split2_test_score"][1]
    assert f"[CV 3/3; candidate 2] epochs 2, score={score:.3f}" in out.splitlines()
    assert "Iteration 2, loss = " in out  # the refit's own report


class _Recorder:
    """Records the tasks that end; propagated to the refit, as ProgressBar is."""

    max_propagation_depth = None

    def __init__(self):
        self.ended = []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        name = context.source_task_name or context.task_name
        self.ended.append((name, context.task_id, fitted_estimator))
        return False


def test_callbacks_see_candidates_folds_restarts_and_refit(iris):
    pytest.importorskip("sklearn.callback")
    X, y = iris
    recorder = _Recorder()
    search = MLPClassifierCV(
        hidden_layer_sizes=(3,),
        max_iter=4,
        n_restarts=2,
        param_grid={"alpha": [1e-4, 1.0, 2.0]},
        cv=2,
        random_state=0,
    )
    search.set_callbacks(recorder).fit(X, y)
    names = [name for name, _, _ in recorder.ended]
    assert names.count("candidate") == 3
    assert names.count("fold") == 3 * 2
    assert names.count("restart") == 3 * 2 * 2 + 2  # and the refit's restarts
    assert names.count("epoch") == search.cv_restart_results_["n_iter"].sum() + sum(
        search.restart_results_["n_iter"]
    )
    assert names.count("refit") == 1 and names[-1] == "fit"
    # an epoch's fitted estimator is a network's model at that epoch: the
    # refit's selected restart ends as the fitted search
    finals = [
        est
        for name, _, est in recorder.ended
        if name == "epoch"
        and all(np.array_equal(a, b) for a, b in zip(est.coefs_, search.coefs_))
    ]
    assert len(finals) == 1
    assert_array_equal(finals[0].predict_proba(X), search.predict_proba(X))


def test_progress_bar(iris):
    pytest.importorskip("rich")
    callback = pytest.importorskip("sklearn.callback")
    X, y = iris
    params = dict(
        hidden_layer_sizes=(3,),
        max_iter=5,
        param_grid={"alpha": [1e-4, 1.0]},
        cv=2,
        random_state=0,
    )
    plain = MLPClassifierCV(**params).fit(X, y)
    shown = MLPClassifierCV(**params).set_callbacks(callback.ProgressBar()).fit(X, y)
    assert_array_equal(plain.coefs_[0], shown.coefs_[0])
    assert not hasattr(shown, "_callback_fit_ctx")


# -- halving ------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X[:600]), y[:600]


def test_halving_finds_an_exhaustive_winner_and_survivors_continue(digits):
    X, y = digits
    scales = [0.01, 0.1, 1.0, 4.0, 16.0, 64.0]
    params = dict(
        hidden_layer_sizes=(16,),
        activation="tanh",
        max_iter=40,
        learning_rate_init=0.01,
        random_state=0,
        param_grid={
            "init": [VarianceScaling(distribution="uniform")],
            "init__scale": scales,
        },
        cv=3,
    )
    exhaustive = MLPClassifierCV(**params).fit(X, y)
    halving = MLPClassifierCV(search="halving", factor=2, **params).fit(X, y)
    results = halving.cv_results_
    assert halving.n_candidates_ == [6, 3, 2]
    assert halving.n_resources_ == [10, 20, 40]
    assert halving.min_resources_ == 10 and halving.max_resources_ == 40
    assert list(results["iter"]) == [0] * 6 + [1] * 3 + [2] * 2
    assert list(results["n_resources"]) == [10] * 6 + [20] * 3 + [40] * 2
    assert list(results["n_epochs"]) == list(results["n_resources"])
    # the winner is as good as the exhaustive search's, by its exhaustive score
    exhaustive_scores = exhaustive.cv_results_["mean_test_score"]
    winner = scales.index(halving.best_params_["init__scale"])
    assert exhaustive_scores[winner] >= exhaustive_scores.max() - 0.01
    # survivors went on training: the last round's scores are the exhaustive ones
    for row in np.flatnonzero(results["iter"] == 2):
        c = scales.index(results["params"][row]["init__scale"])
        for split in range(3):
            key = f"split{split}_test_score"
            assert_allclose(results[key][row], exhaustive.cv_results_[key][c], 1e-10)
    # and the refit is the exhaustive model of that candidate
    by_grid = GridSearchCV(
        _plain(halving), {"init__scale": [halving.best_params_["init__scale"]]}
    )
    by_grid.set_params(estimator__init=VarianceScaling(distribution="uniform"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        by_grid.fit(X, y)
    assert_same_model(halving, by_grid.best_estimator_, X)
    # eliminated candidates stopped at their round's budget
    record = halving.cv_restart_results_["n_iter"]
    first_round_only = [
        scales.index(p["init__scale"])
        for p in results["params"][:6]
        if p not in results["params"][6:]
    ]
    assert all((record[c] == 10).all() for c in first_round_only)


def test_halving_with_early_stopping_scores_the_best_validated_state(digits):
    X, y = digits
    params = dict(
        hidden_layer_sizes=(8,),
        max_iter=30,
        early_stopping=True,
        n_iter_no_change=50,
        random_state=0,
        param_grid={"learning_rate_init": [0.0001, 0.001, 0.01, 0.1]},
        cv=3,
    )
    exhaustive = MLPClassifierCV(**params).fit(X, y)
    halving = MLPClassifierCV(search="halving", min_epochs=5, **params).fit(X, y)
    # HalvingGridSearchCV's bookkeeping, by hand: 4 candidates and factor 3
    # need 2 rounds (1, 3 <= 4); 5 and 15 epochs fit in max_iter=30, 45 not
    assert (halving.n_required_iterations_, halving.n_possible_iterations_) == (2, 2)
    assert halving.n_iterations_ == 2
    assert halving.n_resources_ == [5, 30] and halving.n_candidates_ == [4, 2]
    assert (halving.min_resources_, halving.max_resources_) == (5, 30)
    # the first round pauses every network at 5 epochs and scores its best
    # validated parameters: the exhaustive search's with max_iter=5
    five = MLPClassifierCV(**{**params, "max_iter": 5}).fit(X, y)
    first = halving.cv_results_["iter"] == 0
    assert_allclose(
        halving.cv_results_["mean_test_score"][first],
        five.cv_results_["mean_test_score"],
        rtol=1e-10,
    )
    last = halving.cv_results_["iter"] == halving.cv_results_["iter"].max()
    for row in np.flatnonzero(last):
        c = params["param_grid"]["learning_rate_init"].index(
            halving.cv_results_["params"][row]["learning_rate_init"]
        )
        assert_allclose(
            halving.cv_results_["mean_test_score"][row],
            exhaustive.cv_results_["mean_test_score"][c],
            rtol=1e-10,
        )


@pytest.mark.parametrize(
    "factor, min_epochs, n_candidates, n_resources",
    [
        (2, "exhaust", [4, 2, 1], [5, 10, 20]),
        # int(1.5 ** i) repeats a budget: the second round trains no epoch
        (1.5, 1, [4, 3, 2, 2], [1, 1, 2, 20]),
    ],
)
def test_halving_records_the_epochs_each_candidate_trained(
    iris, capsys, factor, min_epochs, n_candidates, n_resources
):
    # restarts that converge before a round's end stop there: a row's n_epochs
    # is its longest network's, min(its exhaustive epochs, the round's budget)
    X, y = iris
    params = dict(
        hidden_layer_sizes=(4,),
        max_iter=20,
        n_restarts=2,
        tol=0.05,
        n_iter_no_change=2,
        learning_rate_init=0.05,
        random_state=0,
        param_grid={"alpha": [1e-4, 0.1, 1.0, 10.0]},
        cv=3,
    )
    exhaustive = MLPClassifierCV(**params).fit(X, y)
    halving = MLPClassifierCV(
        search="halving", factor=factor, min_epochs=min_epochs, verbose=1, **params
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        halving.fit(X, y)
    out = capsys.readouterr().out
    results = halving.cv_results_
    assert halving.n_candidates_ == n_candidates
    assert halving.n_resources_ == n_resources
    rounds = [[i] * n for i, n in enumerate(n_candidates)]
    assert list(results["iter"]) == sum(rounds, [])
    budgets = [[b] * n for b, n in zip(n_resources, n_candidates)]
    assert list(results["n_resources"]) == sum(budgets, [])
    epochs = exhaustive.cv_restart_results_["n_iter"]  # (candidate, fold, restart)
    alphas = params["param_grid"]["alpha"]
    expected = [
        np.minimum(epochs[alphas.index(p["alpha"])], budget).max()
        for p, budget in zip(results["params"], results["n_resources"])
    ]
    assert list(results["n_epochs"]) == expected
    assert expected[-1] < 20  # the comparison has teeth
    assert (epochs[..., 0] != epochs[..., 1]).all()
    # every network of the last round converged, and the search stopped the
    # others: none reached max_iter
    assert not [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    # the best is the last round's best
    last = np.flatnonzero(results["iter"] == len(n_candidates) - 1)
    assert halving.best_index_ == last[np.argmax(results["mean_test_score"][last])]
    assert halving.n_remaining_candidates_ == ceil(n_candidates[-1] / factor)
    # a line per round; the cells' lines only from verbose=2
    for i, (n, budget) in enumerate(zip(n_candidates, n_resources)):
        assert f"iter {i}: {n} candidates, up to {budget} epochs" in out.splitlines()
    assert "[CV " not in out
    if factor == 2:
        # an earlier round scored higher, but the best is the last round's
        assert results["mean_test_score"][:6].max() > results["mean_test_score"][6]


def test_halving_rounds_limited_by_the_epochs(iris):
    # HalvingGridSearchCV's bookkeeping, by hand: 6 candidates and factor 3
    # need 2 rounds (1, 3 <= 6); 5 epochs fit in max_iter=10, 15 do not: one
    # round, of every candidate, after which ceil(6 / 3) would remain
    X, y = iris
    halving = MLPClassifierCV(
        hidden_layer_sizes=(3,),
        max_iter=10,
        search="halving",
        min_epochs=5,
        random_state=0,
        param_grid={"alpha": [1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0]},
        cv=2,
    ).fit(X, y)
    assert halving.n_required_iterations_ == 2
    assert halving.n_possible_iterations_ == 1
    assert halving.n_iterations_ == 1
    assert (halving.min_resources_, halving.max_resources_) == (5, 10)
    assert halving.n_resources_ == [10] and halving.n_candidates_ == [6]
    assert halving.n_remaining_candidates_ == 2
    assert list(halving.cv_results_["iter"]) == [0] * 6


@DIVERGES
def test_halving_never_refits_a_diverged_candidate(regression):
    X, y = regression
    search = _diverging(X, y).set_params(search="halving")
    # and GridSearchCV's warning about the NaN mean score, ranked last
    with (
        pytest.warns(UserWarning, match=NON_FINITE + r"\[ *[\d.]+ +nan\]$"),
        pytest.warns(
            FitFailedWarning, match="3 fits failed out of a total of 6.* set to nan"
        ),
    ):
        search.fit(X, y)
    assert np.isnan(search.cv_results_["mean_test_score"][1])
    assert_array_equal(search.cv_results_["rank_test_score"], [1, 2])
    assert search.best_index_ == 0
    assert search.best_params_ == {"learning_rate_init": 1e-2}


@DIVERGES
def test_halving_drops_a_failed_candidate_first(regression):
    # scores below zero: a NaN read as 0 would rank first
    X, y = regression
    search = _diverging(X, y).set_params(
        search="halving",
        factor=2,
        scoring="neg_mean_squared_error",
        param_grid={"learning_rate_init": [100.0, 1e-2, 3e-3]},
    )
    # after 5 epochs its parameters are still finite: the fits did not fail,
    # their predictions cannot be scored (as HalvingGridSearchCV would find)
    with (
        pytest.warns(UserWarning, match=NON_FINITE + r"\[ *nan "),
        pytest.warns(UserWarning, match="^Scoring failed. The score on this"),
    ):
        search.fit(X, y)
    results = search.cv_results_
    assert search.n_candidates_ == [3, 2] and search.n_resources_ == [5, 10]
    assert np.isnan(results["mean_test_score"][0])
    assert (results["mean_test_score"][1:] < 0).all()
    assert results["params"][3:] == [
        {"learning_rate_init": 1e-2},
        {"learning_rate_init": 3e-3},
    ]
    assert results["rank_test_score"][0] == 5


@pytest.mark.parametrize("early_stopping", [False, True])
def test_pause_and_resume_equal_one_run(iris, monkeypatch, early_stopping):
    """Training paused after some epochs and resumed gives the same bits."""
    from skinit._batch import train

    X, y = iris
    est = MLPClassifier(
        hidden_layer_sizes=(5,),
        max_iter=30,
        n_restarts=3,
        random_state=0,
        learning_rate_init=0.05,
        early_stopping=early_stopping,
        n_iter_no_change=50,
    )
    full = clone(est).fit(X, y)
    paused = clone(est)
    spec, data = paused._prepare(X, y, None, incremental=False)
    clock = iter(range(10**6))  # a second per reading
    monkeypatch.setattr(
        "skinit._solvers.time", SimpleNamespace(perf_counter=lambda: next(clock))
    )
    train([spec], *data, pause_at=7)
    assert all(p.paused and p.n_iter == 7 for p in spec.progress)
    # the fit time adds up over the runs (one second each on this clock)
    assert [p.fit_time for p in spec.progress] == [1.0] * 3
    # what a search scores at a pause (with early stopping, the best
    # validated parameters, here not the current ones) changes no network
    current = spec.current()
    if early_stopping:
        assert not np.array_equal(current, spec.final)
    train([spec], *data, pause_at=19)
    assert [p.fit_time for p in spec.progress] == [2.0] * 3
    spec.current()
    train([spec], *data)
    paused._finish(spec, *data[:2])
    assert_same_model(paused, full, X)


def test_wide_first_layer_agrees_with_separate_products(digits, monkeypatch):
    """Networks of one fold and one random stream share one first-layer product.

    Off by default (it rounds differently from GridSearchCV's separate fits,
    which breaks exact ties); switched on, the search's scores agree to
    rounding.
    """
    import skinit._engine as engine
    import skinit._search as search_module

    X, y = digits
    params = dict(
        hidden_layer_sizes=(64,),
        max_iter=5,
        random_state=0,
        param_grid={
            "init": [VarianceScaling(distribution="uniform")],
            "init__scale": [0.5, 1.0, 2.0, 4.0],
        },
        cv=2,
        scoring="neg_log_loss",
    )
    separate = MLPClassifierCV(**params).fit(X, y)
    wide_groups = []
    workspace = engine.Workspace

    class Spy(workspace):
        def __init__(self, *args, wide=False, **kwargs):
            wide_groups.append(wide)
            super().__init__(*args, wide=wide, **kwargs)

    monkeypatch.setattr(search_module, "_WIDE", True)
    monkeypatch.setattr("skinit._solvers.Workspace", Spy)
    # networks train in groups only where several fit in the L2 cache: a
    # cache of 512 KiB (some machines') holds one of these
    monkeypatch.setattr(engine, "L2_CACHE_BYTES", 8 * 2**20)
    wide = MLPClassifierCV(**params).fit(X, y)
    assert any(wide_groups)
    for key in ("split0_test_score", "split1_test_score"):
        assert_allclose(wide.cv_results_[key], separate.cv_results_[key], rtol=1e-10)
    assert_allclose(
        wide.cv_restart_results_["loss"], separate.cv_restart_results_["loss"], 1e-10
    )


def test_each_distinct_warning_of_the_cells_once(iris):
    # untrained networks predict a single class: precision is ill-defined on
    # every fold of every candidate, and the search says so once
    X, y = iris
    search = MLPClassifierCV(
        hidden_layer_sizes=(1,),
        init="zeros",
        max_iter=1,
        scoring="precision_macro",
        param_grid={"alpha": [1e-4, 1.0]},
        cv=2,
        random_state=0,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X, y)
    ill_defined = [w for w in caught if "Precision is ill-defined" in str(w.message)]
    assert len(ill_defined) == 1


def _both(X, y, cv, fit_params=None, scoring=None, **params):
    """MLPClassifierCV and GridSearchCV on the same input: results or errors."""
    params = dict(hidden_layer_sizes=(5,), max_iter=15, random_state=0, **params)
    grid = params.pop("param_grid", {"alpha": [1e-4, 1.0]})
    outcomes = []
    for make in (
        lambda: MLPClassifierCV(param_grid=grid, cv=cv, scoring=scoring, **params),
        lambda: GridSearchCV(MLPClassifier(**params), grid, cv=cv, scoring=scoring),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                outcomes.append(make().fit(X, y, **(fit_params or {})))
            except Exception as exc:  # compared below
                outcomes.append(exc)
    return outcomes


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_boolean_mask_splits_are_read_as_masks(iris, solver):
    # a mask once went in as row positions 0 and 1: wrong scores, or a crash
    X, y = iris
    rng = np.random.RandomState(0)
    masks = [rng.rand(len(y)) < 0.7 for _ in range(2)]
    cv = [(m, ~m) for m in masks]
    params = dict(solver=solver, learning_rate_init=0.05, scoring="neg_log_loss")
    ours, theirs = _both(X, y, cv, **params)
    assert_same_search(ours, theirs, X)
    assert np.ptp(ours.cv_results_["split0_test_score"]) > 0
    # the same folds as positions: the same answer
    positions = [(np.flatnonzero(m), np.flatnonzero(~m)) for m in masks]
    again, _ = _both(X, y, positions, **params)
    assert_array_equal(
        ours.cv_results_["mean_test_score"], again.cv_results_["mean_test_score"]
    )


def test_groups_go_to_the_splitter(iris):
    X, y = iris
    groups = np.arange(len(y)) % 7
    ours, theirs = _both(X, y, GroupKFold(3), fit_params={"groups": groups})
    assert_same_search(ours, theirs, X)
    # each test fold holds whole groups, as GroupKFold splits them
    for train_rows, test_rows in GroupKFold(3).split(X, y, groups):
        assert not set(groups[train_rows]) & set(groups[test_rows])
    with pytest.raises(ValueError, match="groups"):
        MLPClassifierCV(cv=GroupKFold(3), max_iter=2).fit(X, y)


def test_splits_gridsearchcv_refuses_are_refused_clearly(iris):
    X, y = iris
    half = np.arange(0, 150, 2), np.arange(1, 150, 2)
    cases = {
        "empty": ([], r"^No fits were performed. Was the CV iterator empty\?"),
        "float positions": (
            [tuple(rows.astype(float) for rows in half)],
            r"^The training rows of fold 0 must be integer positions or a boolean "
            r"mask; got an array of dtype float64.$",
        ),
        "short mask": (
            [(np.ones(10, bool), np.ones(150, bool))],
            r"^The training rows of fold 0 are a boolean mask of 10 values for "
            r"150 samples.$",
        ),
        "out of range": (
            [(half[0], half[1] + 1)],
            r"^The test rows of fold 0 hold positions from 2 to 150; there are "
            r"150 samples.$",
        ),
    }
    for name, (cv, match) in cases.items():
        ours, theirs = _both(X, y, cv)
        assert isinstance(theirs, (ValueError, IndexError)), name
        assert isinstance(ours, ValueError), (name, ours)
        assert re.match(match, str(ours)), (name, str(ours))


def test_negative_positions_count_from_the_end(iris):
    X, y = iris
    order = np.random.RandomState(0).permutation(len(y))
    train_rows, test_rows = order[:100], order[100:]
    ours, theirs = _both(X, y, [(train_rows - 150, test_rows - 150)])
    assert_same_search(ours, theirs, X)


def test_a_scorer_must_return_a_number(iris):
    X, y = iris
    ours, theirs = _both(X, y, 3, scoring=lambda est, X, y: "high")
    assert type(ours) is ValueError and type(theirs) is ValueError
    assert str(theirs).startswith("scoring must return a number, got high")
    assert re.match(
        r"^scoring must return a number, got 'high' \(<class 'str'>\) instead. "
        r"\(scorer=<function",
        str(ours),
    )
    # never turned into error_score, as in GridSearchCV
    with pytest.raises(ValueError, match="^scoring must return a number"):
        MLPClassifierCV(
            max_iter=2, error_score=0.0, scoring=lambda est, X, y: None
        ).fit(X, y)
    # a 0-d array is read as its number, as GridSearchCV reads it
    ours, theirs = _both(X, y, 3, scoring=lambda est, X, y: np.array(est.score(X, y)))
    assert_same_search(ours, theirs, X)
    ours, _ = _both(X, y, 3, scoring=lambda est, X, y: {"a": 1.0})
    assert type(ours) is ValueError
    assert str(ours).startswith("scoring returned a dict ({'a': 1.0}): several")


def test_one_class_scores_as_predict_does(iris):
    # predict gives the one class: accuracy 1, as GridSearchCV scores it
    X, _ = iris
    y = np.zeros(len(X), dtype=int)
    ours, theirs = _both(X, y, 3)
    assert_same_search(ours, theirs, X)
    assert_array_equal(ours.cv_results_["mean_test_score"], [1.0, 1.0])


def test_mixed_label_types_are_named(iris):
    X, y = iris
    mixed = np.array(["setosa" if v == 0 else v for v in y], dtype=object)
    for estimator in (MLPClassifier(max_iter=2), MLPClassifierCV(max_iter=2)):
        with pytest.raises(
            ValueError,
            match=r"^Mix of label input types \(string and number\) in y: its labels "
            r"are of types int64, str. Give labels of one kind",
        ):
            estimator.fit(X, mixed)


def test_folds_as_tuples_and_lists_are_positions(iris):
    # a tuple was read as one index per axis, a list broke held-out splits
    X, y = iris
    order = np.random.RandomState(0).permutation(len(y))
    folds = [(order[:100], order[100:]), (order[50:], order[:50])]
    for form in (tuple, list):
        cv = [(form(a.tolist()), form(b.tolist())) for a, b in folds]
        for params in ({}, {"n_restarts": 2, "restart_scoring": "accuracy"}):
            ours, theirs = _both(X, y, cv, scoring="neg_log_loss", **params)
            assert_same_search(ours, theirs, X)


def test_a_scorer_failing_everywhere_scores_error_score(regression):
    # the fits did not fail: GridSearchCV warns and answers error_score
    X, y = regression
    params = dict(hidden_layer_sizes=(3,), max_iter=5, random_state=0)
    grid = {"alpha": [1e-4, 1.0]}
    with (
        pytest.warns(UserWarning, match=NON_FINITE + r"\[nan nan\]$"),
        pytest.warns(UserWarning, match="^Scoring failed. The score on this"),
    ):
        ours = MLPRegressorCV(param_grid=grid, scoring="accuracy", **params).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = GridSearchCV(MLPRegressor(**params), grid, scoring="accuracy").fit(
            X, y
        )
    assert_array_equal(ours.cv_results_["mean_test_score"], [np.nan, np.nan])
    assert ours.best_index_ == theirs.best_index_ == 0
    assert_same_model(ours, theirs.best_estimator_, X)
    with pytest.raises(ValueError, match="^param_grid candidate 0 on fold 0: "):
        MLPRegressorCV(
            param_grid=grid, scoring="accuracy", error_score="raise", **params
        ).fit(X, y)


def test_a_fit_failing_as_it_starts_on_some_folds_scores_error_score(iris):
    # 8 training rows hold out too few for early stopping's validation; 120 do
    # not: GridSearchCV answers error_score for those cells, with a warning
    X, y = iris
    order = np.random.RandomState(0).permutation(len(y))
    cv = [(order[:8], order[8:30]), (order[30:], order[:30])]
    params = dict(early_stopping=True, validation_fraction=0.1)
    ours, theirs = _both(X, y, cv, scoring="neg_log_loss", **params)
    assert_same_search(ours, theirs, X)
    with (
        pytest.warns(UserWarning, match=NON_FINITE + r"\[nan nan\]$"),
        pytest.warns(FitFailedWarning, match="^2 fits failed out of a total of 4"),
    ):
        clone(ours).fit(X, y)
    assert np.isnan(ours.cv_results_["split0_test_score"]).all()
    assert np.isfinite(ours.cv_results_["split1_test_score"]).all()
    assert np.isnan(ours.cv_restart_results_["loss"][:, 0]).all()
    with pytest.raises(ValueError, match="^param_grid candidate 0 .* on fold 0: "):
        MLPClassifierCV(cv=cv, error_score="raise", **params).fit(X, y)


def test_a_candidate_listed_twice_ties_as_in_grid_search(iris):
    # the same networks twice: equal bits, so rank 1 twice and the first wins
    X, y = iris
    ours, theirs = _both(
        X,
        y,
        3,
        param_grid={"learning_rate_init": [0.05, 0.05]},
        solver="sgd",
        shuffle=False,
        scoring="neg_log_loss",
    )
    assert_same_search(ours, theirs, X)
    assert_array_equal(ours.cv_results_["rank_test_score"], [1, 1])
