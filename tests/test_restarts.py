# SPDX-License-Identifier: BSD-3-Clause
"""n_restarts: semantics, selection, reproducibility over execution paths."""

import re
import warnings

import numpy as np
import pytest
from joblib import parallel_config
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import neural_network
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.preprocessing import StandardScaler

from skinit import MLPClassifier, MLPRegressor

# numpy's warnings on the way to the non-finite parameters of a fit that is
# meant to diverge
DIVERGES = pytest.mark.filterwarnings(
    "ignore:overflow encountered in:RuntimeWarning",
    "ignore:invalid value encountered in:RuntimeWarning",
)

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
    assert many.loss_ <= single.loss_


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
        if config["solver"] != "lbfgs":
            assert many.restart_results_["loss_curve"][k] == alone.loss_curve_
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
    scorer = _RecordingScorer()
    clf = _clf(random_state=0, n_restarts=4, restart_scoring=scorer).fit(*iris)
    scores = clf.restart_results_["validation_score"]
    assert np.isfinite(scores).all()
    assert clf.best_restart_ == int(np.argmax(scores))
    # one check before training, then each restart on the same 15 rows
    assert len(scorer.calls) == 5
    X_held, y_held, _ = scorer.calls[0]
    assert X_held.shape == (15, 4)
    for X_k, y_k, _ in scorer.calls[1:]:
        assert_array_equal(X_k, X_held)
        assert_array_equal(y_k, y_held)
    assert scores[clf.best_restart_] == clf.score(X_held, y_held)


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


@DIVERGES
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
    # the count, then the first restart's own (scikit-learn's) message
    with pytest.warns(ConvergenceWarning) as record:
        _clf(random_state=0, n_restarts=3, max_iter=2).fit(*iris)
    assert [str(w.message) for w in record] == [
        "3 of 3 restarts did not converge. Stochastic Optimizer: Maximum "
        "iterations (2) reached and the optimization hasn't converged yet."
    ]


def test_model_selection_with_restarts(iris):
    # cross_validate and GridSearchCV clone n_restarts into each fold's fit
    X, y = iris
    folds = list(StratifiedKFold(3).split(X, y))
    by_hand = {
        n: [
            _clf(random_state=0, n_restarts=n)
            .fit(X[train], y[train])
            .score(X[test], y[test])
            for train, test in folds
        ]
        for n in (1, 3)
    }
    cv = cross_validate(_clf(random_state=0, n_restarts=3), X, y, cv=3)
    assert_array_equal(cv["test_score"], by_hand[3])
    grid = GridSearchCV(_clf(random_state=0), {"n_restarts": [1, 3]}, cv=3).fit(X, y)
    assert_allclose(
        grid.cv_results_["mean_test_score"],
        [np.mean(by_hand[1]), np.mean(by_hand[3])],
        rtol=1e-15,
    )
    best = 1 if np.mean(by_hand[1]) >= np.mean(by_hand[3]) else 3
    assert grid.best_params_ == {"n_restarts": best}
    assert len(grid.best_estimator_.restart_seeds_) == best


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


def test_continuing_the_kept_restart_equals_continuing_the_fit_with_its_seed(iris):
    # restart k is the single fit with restart_seeds_[k]: a warm start or a
    # partial_fit goes on shuffling as that fit would, with its seed
    X, y = iris
    params = dict(hidden_layer_sizes=(5,), max_iter=5, batch_size=32, warm_start=True)
    clf = MLPClassifier(random_state=1, n_restarts=4, **params).fit(X, y)
    k = clf.best_restart_
    assert k != 0  # the kept restart is not the one seeded by random_state
    alone = MLPClassifier(random_state=clf.restart_seeds_[k], **params).fit(X, y)
    for step in ("fit", "partial_fit"):
        getattr(clf, step)(X, y)
        getattr(alone, step)(X, y)
        for ours, theirs in zip(clf.coefs_, alone.coefs_):
            assert_array_equal(ours, theirs)


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


def test_rows_from_dask_worker_processes_are_no_batchs_own_array():
    # dask's worker processes send arrays back as views of bytes objects: the
    # batch copies them into an array of its own (it read base.ndim and
    # failed with processes=True)
    from skinit._batch import _one_array

    theta = np.arange(6.0).reshape(2, 3).copy()
    assert _one_array(list(theta)) is theta
    assert _one_array([np.frombuffer(row.tobytes()) for row in theta]) is None


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


class _RecordingScorer:
    """Accuracy, recording the rows (and weights) it is asked to score."""

    def __init__(self, nan_for=()):
        self.calls = []
        self.nan_for = nan_for

    def __call__(self, estimator, X, y, sample_weight=None):
        self.calls.append((X.copy(), y.copy(), sample_weight))
        # call 0 checks the scorer before training; call k + 1 scores restart k
        if len(self.calls) - 2 in self.nan_for:
            return float("nan")
        return estimator.score(X, y, sample_weight=sample_weight)


def test_restart_scoring_with_one_restart_holds_out_and_records(iris):
    X, y = iris
    scorer = _RecordingScorer()
    one = _clf(random_state=0, restart_scoring=scorer, solver="sgd").fit(X, y)
    # the split is held out: 15 of 150 rows (ceil(0.1 * 150)) never trained on
    X_held, y_held, _ = scorer.calls[-1]
    assert X_held.shape == (15, 4)
    assert one.t_ == one.n_iter_ * 135
    assert one.restart_results_["validation_score"][0] == one.score(X_held, y_held)
    # so restart 0 of more restarts is this very fit
    many = _clf(
        random_state=0, restart_scoring="accuracy", solver="sgd", n_restarts=3
    ).fit(X, y)
    assert many.restart_results_["loss"][0] == one.loss_
    assert_array_equal(
        many.restart_results_["validation_score"][:1],
        one.restart_results_["validation_score"],
    )


def test_restarts_scored_nan_rank_last(iris):
    scorer = _RecordingScorer(nan_for=(0,))
    clf = _clf(random_state=0, n_restarts=3, restart_scoring=scorer).fit(*iris)
    scores = clf.restart_results_["validation_score"]
    assert np.isnan(scores[0]) and np.isfinite(scores[1:]).all()
    assert clf.restart_results_["rank"][0] == 3
    assert clf.best_restart_ == 1 + int(np.argmax(scores[1:]))
    with pytest.raises(ValueError, match="returned NaN for every trained restart"):
        _clf(
            random_state=0, n_restarts=2, restart_scoring=_RecordingScorer((0, 1))
        ).fit(*iris)


def test_restart_scoring_split_honours_sample_weight():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    sample_weight = rng.uniform(0.5, 2.0, size=200)
    sample_weight[::2] = 0.0  # half the rows do not count
    scorer = _RecordingScorer()
    clf = _clf(random_state=0, n_restarts=2, restart_scoring=scorer)
    clf.fit(X, y, sample_weight=sample_weight)
    X_held, _, sw_held = scorer.calls[0]
    # held out: ceil(0.1 * 100) of the 100 weighted rows, with their weights
    rows = [int(np.flatnonzero((X == x).all(axis=1))[0]) for x in X_held]
    assert len(rows) == 10 and all(r % 2 == 1 for r in rows)
    assert_array_equal(sw_held, sample_weight[rows])
    for k, (_, _, sw) in enumerate(scorer.calls[1:]):
        assert_array_equal(sw, sw_held)
        clf_k = clf.restart_results_["validation_score"][k]
        assert np.isfinite(clf_k)
    # weights without zeros change nothing in the split: unit weights are no weights
    unweighted = _clf(random_state=0, n_restarts=2, restart_scoring="accuracy")
    unit = _clf(random_state=0, n_restarts=2, restart_scoring="accuracy")
    unweighted.fit(X, y)
    unit.fit(X, y, sample_weight=np.ones(200))
    _assert_same_model(unweighted, unit)


def test_restart_seeds_from_a_random_state_object(iris):
    # restart 0 consumes the RandomState as a single fit does; the others are
    # seeded from its state before any draw, so the same state gives the same
    # seeds, and restart k is the fit with random_state=seeds[k]
    many = _clf(random_state=np.random.RandomState(7), n_restarts=3).fit(*iris)
    again = _clf(random_state=np.random.RandomState(7), n_restarts=3).fit(*iris)
    seeds = many.restart_seeds_
    assert seeds[0] is None and seeds[1:] == again.restart_seeds_[1:]
    state = np.random.RandomState(7).get_state()[1].tolist()
    expected = np.random.SeedSequence(state).generate_state(2).tolist()
    assert seeds[1:] == expected
    single = _clf(random_state=np.random.RandomState(7)).fit(*iris)
    assert many.restart_results_["loss"][0] == single.loss_
    alone = _clf(random_state=seeds[2]).fit(*iris)
    assert many.restart_results_["loss"][2] == alone.loss_


def test_first_partial_fit_trains_one_network(iris):
    # partial_fit has no restarts to choose from: its first call draws one
    # network, restart 0, exactly as with n_restarts=1
    X, y = iris
    many = _clf(random_state=0, n_restarts=4).partial_fit(X, y, classes=[0, 1, 2])
    one = _clf(random_state=0).partial_fit(X, y, classes=[0, 1, 2])
    _assert_same_model(many, one)
    assert many.restart_seeds_ == [0]
    assert many.best_restart_ == 0
    assert list(many.restart_results_["rank"]) == [1]


@pytest.mark.parametrize(
    "config",
    [
        # restarts stop on tol after 8 to 12 epochs: some before max_iter=9,
        # one exactly at it (converged, no warning), some not at all
        dict(solver="sgd", tol=0.05, n_iter_no_change=1, learning_rate_init=0.05),
        dict(solver="lbfgs", tol=1e-3),
    ],
    ids=["sgd", "lbfgs"],
)
def test_converged_record_equals_sklearn(iris, config):
    X, y = iris
    max_iter = 9 if config["solver"] == "sgd" else 30
    clf = _clf(random_state=0, n_restarts=4, max_iter=max_iter, **config)
    with pytest.warns(ConvergenceWarning, match=r"(\d) of 4 restarts did not") as w:
        clf.fit(X, y)
    results = clf.restart_results_
    n_warned = int(re.search(r"(\d) of 4", str(w[0].message)).group(1))
    assert n_warned == (~results["converged"]).sum()
    for k, seed in enumerate(clf.restart_seeds_):
        reference = neural_network.MLPClassifier(
            hidden_layer_sizes=(6,), random_state=seed, max_iter=max_iter, **config
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            reference.fit(X, y)
        assert results["n_iter"][k] == reference.n_iter_
        assert results["converged"][k] == (not caught)
    assert 0 < results["converged"].sum() < 4
    # restarts leave the batch when they stop: the later, the longer
    order = np.argsort(results["fit_time"])
    if config["solver"] == "sgd":
        assert np.all(np.diff(results["n_iter"][order]) >= 0)
        first_out = results["n_iter"] == results["n_iter"].min()
        assert (
            results["fit_time"][first_out].max() < results["fit_time"][~first_out].min()
        )


@pytest.mark.parametrize(
    "config",
    [
        dict(solver="adam", early_stopping=True),
        dict(solver="sgd", learning_rate="adaptive", tol=0.5, n_iter_no_change=1),
    ],
    ids=["adam-early-stopping", "sgd-adaptive"],
)
def test_verbose_lines_name_their_restart(iris, capsys, config):
    # each restart's lines, less their "Restart k: " label, are scikit-learn's
    # verbose output for the fit with that restart's seed; one restart: no label
    X, y = iris
    params = dict(hidden_layer_sizes=(6,), max_iter=4, verbose=True, **config)
    clf = MLPClassifier(n_restarts=3, random_state=0, **params).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert all(
        line.startswith(("Restart 0: ", "Restart 1: ", "Restart 2: ")) for line in lines
    )
    for k, seed in enumerate(clf.restart_seeds_):
        neural_network.MLPClassifier(random_state=seed, **params).fit(X, y)
        expected = capsys.readouterr().out.splitlines()
        label = f"Restart {k}: "
        assert [
            line[len(label) :] for line in lines if line.startswith(label)
        ] == expected


def test_ties_go_to_the_lowest_restart_index():
    # KMeans' strict "<": among equal losses (or scores) the first restart wins,
    # and ranks follow the restart order, for any number of restarts
    from skinit._restarts import rank_restarts

    losses = np.r_[np.full(30, 0.5), np.full(30, 0.25), [0.25, np.nan]]
    diverged = np.zeros(62, dtype=bool)
    diverged[0] = True
    best, rank = rank_restarts(losses, None, diverged)
    assert best == 30
    assert_array_equal(rank[30:61], np.arange(1, 32))
    assert_array_equal(rank[1:30], np.arange(32, 61))
    assert rank[0] == 61 and rank[61] == 62  # diverged and NaN rank last
    best, rank = rank_restarts(losses, losses, diverged)  # scores: higher wins
    assert best == 1
    assert_array_equal(rank[1:30], np.arange(1, 30))


def test_lbfgs_stopped_by_max_fun_has_not_converged(iris):
    # scipy stops on max_fun before max_iter: scikit-learn warns that it did
    # not converge, so the record says so, though n_iter < max_iter
    X, y = iris
    clf = _clf(solver="lbfgs", max_fun=10, max_iter=50, n_restarts=2, random_state=0)
    with pytest.warns(ConvergenceWarning, match="2 of 2 restarts did not converge"):
        clf.fit(X, y)
    reference = neural_network.MLPClassifier(
        hidden_layer_sizes=(6,), solver="lbfgs", max_fun=10, max_iter=50, random_state=0
    )
    with pytest.warns(ConvergenceWarning, match="status=1"):
        reference.fit(X, y)
    results = clf.restart_results_
    assert results["n_iter"][0] == reference.n_iter_ < 50
    assert_array_equal(results["converged"], [False, False])


def test_restart_results_record_every_restart():
    # one entry per restart, in cv_results_' style; without restart_scoring or
    # restart_halving their columns say so (NaN scores, never dropped, 1 round)
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    clf = _clf(random_state=0, n_restarts=3, max_iter=5).fit(X, y)
    results = clf.restart_results_
    assert set(results) == {
        "seed",
        "loss",
        "validation_score",
        "n_iter",
        "converged",
        "diverged",
        "fit_time",
        "rank",
        "dropped_at",
        "n_rounds",
        "loss_curve",
        "n_distinct_units",
    }
    # the seeds are the Python ints of restart_seeds_ (None for a RandomState)
    assert results["seed"].dtype == object
    assert list(results["seed"]) == clf.restart_seeds_
    assert all(type(s) is int for s in results["seed"])
    assert_array_equal(results["dropped_at"], [0, 0, 0])
    assert_array_equal(results["n_rounds"], [1, 1, 1])
    assert_array_equal(results["n_iter"], [5, 5, 5])
    assert_array_equal(results["converged"], [False, False, False])
    for k in range(3):
        assert len(results["loss_curve"][k]) == 5
        assert results["loss_curve"][k][-1] == results["loss"][k]
    # n_distinct_units comes with the diagnostics only
    plain = _clf(random_state=0, n_restarts=3, max_iter=5, diagnostics=False)
    assert "n_distinct_units" not in plain.fit(X, y).restart_results_


def test_int_seeds_come_from_a_seed_sequence_of_the_int():
    # restart k > 0 is seeded with the k-th 32-bit word of SeedSequence(seed)
    X, y = load_iris(return_X_y=True)
    clf = _clf(random_state=11, n_restarts=3, max_iter=1).fit(X, y)
    expected = np.random.SeedSequence(11).generate_state(2).tolist()
    assert clf.restart_seeds_ == [11, *expected]


def test_rank_puts_diverged_after_dropped_and_unusable_last():
    # the ranks' order of precedence: usable parameters, then not diverged,
    # then more halving rounds played, then the criterion
    from skinit._restarts import rank_restarts

    losses = np.array([0.1, 0.2, 0.3, 0.05, np.inf, 0.4])
    diverged = np.array([False, False, False, True, True, False])
    unusable = np.array([False, False, False, True, False, False])
    n_rounds = np.array([2, 3, 1, 3, 3, 3])
    best, rank = rank_restarts(losses, None, diverged, unusable, n_rounds)
    # played 3 rounds: 1 (0.2), 5 (0.4); then 0 (2 rounds), 2 (1 round); then
    # the diverged 4, though it played 3 rounds; the unusable 3 last, though
    # before 4 in the restarts' order
    assert best == 1
    assert_array_equal(rank, [3, 1, 4, 6, 5, 2])


def test_more_workers_than_restarts(iris):
    # the model does not depend on n_jobs, even beyond one worker a restart
    reference = _clf(random_state=2, n_restarts=3, max_iter=5).fit(*iris)
    with parallel_config(backend="threading"):
        other = _clf(random_state=2, n_restarts=3, max_iter=5, n_jobs=5)
        other.fit(*iris)
    _assert_same_model(reference, other)
    assert_array_equal(
        reference.restart_results_["loss"], other.restart_results_["loss"]
    )


def test_regressor_restart_scoring_gets_the_targets_as_given(iris):
    # the scorer gets y as passed to fit: 1-D for a single target
    X, _ = iris
    scorer = _RecordingScorer()
    reg = MLPRegressor(
        hidden_layer_sizes=(3,), max_iter=2, random_state=0, restart_scoring=scorer
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X[:, :3], X[:, 3])
    X_held, y_held, _ = scorer.calls[0]
    assert y_held.shape == (15,)
    rows = [int(np.flatnonzero((X[:, :3] == x).all(axis=1))[0]) for x in X_held]
    assert_array_equal(y_held, X[rows, 3])


def test_partial_fit_holds_nothing_out_for_restart_scoring(iris):
    # partial_fit trains one network on all the rows it is given
    X, y = iris
    scored = _clf(random_state=0, restart_scoring="accuracy", n_restarts=3)
    plain = _clf(random_state=0)
    for est in (scored, plain):
        est.partial_fit(X, y, classes=[0, 1, 2])
    assert scored.t_ == 150
    _assert_same_model(scored, plain)


def test_seeds_without_a_random_state_differ_from_fit_to_fit(iris):
    # random_state=None: fresh entropy every fit, as numpy's own
    first, second = (
        _clf(n_restarts=3, max_iter=1).fit(*iris).restart_seeds_ for _ in range(2)
    )
    assert first[0] is None and second[0] is None
    assert first[1:] != second[1:]
