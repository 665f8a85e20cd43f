# SPDX-License-Identifier: BSD-3-Clause
"""n_restarts: semantics, selection, reproducibility over execution paths."""

import numpy as np
import pytest
from joblib import parallel_config
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.preprocessing import StandardScaler

from skinit import MLPClassifier, MLPRegressor

SOLVERS = [
    dict(solver="adam", learning_rate_init=0.01),
    dict(solver="sgd", learning_rate_init=0.1),
    dict(solver="lbfgs"),
    dict(solver="adam", early_stopping=True, n_iter_no_change=3),
]


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _clf(**params):
    return MLPClassifier(**{"hidden_layer_sizes": (6,), "max_iter": 30, **params})


def _assert_same_model(a, b):
    for x, y in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        assert_array_equal(x, y)
    assert a.n_iter_ == b.n_iter_
    assert a.loss_ == b.loss_


@pytest.mark.parametrize("config", SOLVERS, ids=str)
def test_restart_zero_is_the_single_fit(iris, config):
    single = _clf(random_state=3, **config).fit(*iris)
    many = _clf(random_state=3, n_restarts=4, **config).fit(*iris)
    results = many.restart_results_
    assert results["loss"][0] == single.loss_
    assert results["n_iter"][0] == single.n_iter_
    if config["solver"] != "lbfgs":
        assert results["loss_curve"][0] == single.loss_curve_
    # restart 0 is a candidate, so the selected loss is never worse
    assert many.loss_ <= single.loss_ or config.get("early_stopping")


@pytest.mark.parametrize("config", SOLVERS, ids=str)
def test_restart_k_is_the_fit_with_its_seed(iris, config):
    many = _clf(random_state=0, n_restarts=3, **config).fit(*iris)
    seeds = many.restart_seeds_
    assert seeds[0] == 0 and all(isinstance(s, int) for s in seeds)
    assert len(set(seeds)) == 3
    for k in (1, 2):
        alone = _clf(random_state=seeds[k], **config).fit(*iris)
        assert many.restart_results_["loss"][k] == alone.loss_
        assert many.restart_results_["n_iter"][k] == alone.n_iter_
    chosen = _clf(random_state=seeds[many.best_restart_], **config).fit(*iris)
    _assert_same_model(many, chosen)
    assert_array_equal(many.init_coefs_[0], chosen.init_coefs_[0])


def test_seeds_do_not_depend_on_n_restarts(iris):
    few = _clf(random_state=5, n_restarts=2).fit(*iris).restart_seeds_
    more = _clf(random_state=5, n_restarts=4).fit(*iris).restart_seeds_
    assert more[:2] == few


@pytest.mark.parametrize("config", SOLVERS, ids=str)
def test_selection_matches_recorded_losses(iris, config):
    clf = _clf(random_state=1, n_restarts=5, **config).fit(*iris)
    results = clf.restart_results_
    assert clf.best_restart_ == int(np.argmin(results["loss"]))
    assert clf.loss_ == results["loss"].min()
    assert sorted(results["rank"]) == [1, 2, 3, 4, 5]
    assert results["rank"][clf.best_restart_] == 1
    order = np.argsort(results["rank"])
    assert np.all(np.diff(results["loss"][order]) >= 0)
    assert np.all(np.isnan(results["validation_score"]))
    assert not results["diverged"].any()
    assert (results["fit_time"] > 0).all()


def test_restart_scoring_selects_on_a_shared_held_out_split(iris):
    clf = _clf(random_state=0, n_restarts=4, restart_scoring="accuracy").fit(*iris)
    scores = clf.restart_results_["validation_score"]
    assert np.isfinite(scores).all()
    assert clf.best_restart_ == int(np.argmax(scores))
    assert (scores <= 1).all()


@pytest.mark.parametrize("config", SOLVERS, ids=str)
def test_same_model_whatever_the_execution_path(iris, config):
    reference = _clf(random_state=2, n_restarts=4, **config).fit(*iris)
    for n_jobs, backend in [(2, "loky"), (4, "threading"), (3, "threading")]:
        with parallel_config(backend=backend):
            other = _clf(random_state=2, n_restarts=4, n_jobs=n_jobs, **config)
            other.fit(*iris)
        _assert_same_model(reference, other)
        for key in ("loss", "n_iter", "rank"):
            assert_array_equal(
                reference.restart_results_[key], other.restart_results_[key]
            )


def test_all_restarts_diverging_raises(iris):
    X, y = iris
    reg = MLPRegressor(
        solver="sgd",
        learning_rate_init=1.0,
        hidden_layer_sizes=(20,),
        n_restarts=3,
        random_state=0,
    )
    with pytest.raises(
        ValueError,
        match=r"^Solver produced non-finite parameter weights.*all 3 restarts diverged",
    ):
        reg.fit(X, X[:, 0] * 1e150)
    assert not hasattr(reg, "coefs_")


def test_convergence_warning_counts_restarts(iris):
    with pytest.warns(ConvergenceWarning, match="3 of 3 restarts did not converge"):
        _clf(random_state=0, n_restarts=3, max_iter=2).fit(*iris)


def test_model_selection_with_restarts(iris):
    X, y = iris
    cv = cross_validate(_clf(random_state=0, n_restarts=3), X, y, cv=3)
    assert cv["test_score"].shape == (3,)
    grid = GridSearchCV(_clf(random_state=0), {"n_restarts": [1, 3]}, cv=3).fit(X, y)
    assert grid.best_estimator_.n_restarts in (1, 3)
    assert len(grid.best_estimator_.restart_seeds_) == grid.best_params_["n_restarts"]


def test_partial_fit_and_warm_start_continue_the_selected_model(iris):
    X, y = iris
    clf = _clf(random_state=0, n_restarts=3).fit(X, y)
    curve = list(clf.loss_curve_)
    clf.partial_fit(X, y)
    assert clf.loss_curve_[: len(curve)] == curve
    assert len(clf.loss_curve_) == len(curve) + 1
    clf.set_params(warm_start=True).fit(X, y)
    assert clf.loss_curve_[: len(curve)] == curve
    assert len(clf.restart_seeds_) == 3


def test_regressor_restarts(iris):
    X, _ = iris
    reg = MLPRegressor(
        hidden_layer_sizes=(5,), n_restarts=3, random_state=0, max_iter=20
    ).fit(X[:, :3], X[:, 3])
    assert reg.best_restart_ == int(np.argmin(reg.restart_results_["loss"]))
    assert_allclose(reg.loss_, reg.restart_results_["loss"].min())


def test_dask_distributed_backend_gives_the_same_model(iris):
    distributed = pytest.importorskip("distributed")
    reference = _clf(random_state=4, n_restarts=4).fit(*iris)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
        parallel_config(backend="dask"),
    ):
        other = _clf(random_state=4, n_restarts=4, n_jobs=2).fit(*iris)
    _assert_same_model(reference, other)
    assert_array_equal(
        reference.restart_results_["loss"], other.restart_results_["loss"]
    )


@pytest.mark.parametrize("n_jobs", [2, 3, 4, 6])
def test_n_jobs_never_changes_the_bits(n_jobs):
    # chunks of one network once summed their epoch loss pairwise, and the
    # other chunks sequentially: 1e-16 apart, enough to flip a near-tie
    from joblib import parallel_config
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    params = dict(hidden_layer_sizes=(30, 20), n_restarts=6, max_iter=5)
    reference = MLPClassifier(random_state=0, **params).fit(X / 16, y)
    with parallel_config(backend="threading"):
        other = MLPClassifier(random_state=0, n_jobs=n_jobs, **params).fit(X / 16, y)
    for name in ("loss", "n_iter"):
        assert_array_equal(
            other.restart_results_[name], reference.restart_results_[name]
        )
    for k in range(6):
        assert_array_equal(
            other.restart_results_["loss_curve"][k],
            reference.restart_results_["loss_curve"][k],
        )
    _assert_same_model(reference, other)
