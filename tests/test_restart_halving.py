# SPDX-License-Identifier: BSD-3-Clause
"""restart_halving: the restarts' rounds, who is dropped, and reproducibility."""

import math

import numpy as np
import pytest
from joblib import parallel_config
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris, make_classification
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

from skinit import MLPClassifier, MLPClassifierCV, MLPRegressor
from skinit.utils._sklearn import InvalidParameterError

# numpy's warnings on the way to the non-finite parameters of a fit that is
# meant to diverge
DIVERGES = pytest.mark.filterwarnings(
    "ignore:overflow encountered in:RuntimeWarning",
    "ignore:invalid value encountered in:RuntimeWarning",
)

# 8 restarts, factor 2, 40 epochs: HalvingGridSearchCV's plan is
# 1 + floor(log2(8)) = 4 rounds, the first of 40 // 2**3 = 5 epochs, the
# budget doubling: rounds end at 5, 10, 20 and 40 epochs, with 8, 4, 2 and
# then 1 restart in play
ROUND_ENDS = [5, 10, 20, 40]
NO_STOPPING = dict(tol=0.0, n_iter_no_change=10**6)
SOLVERS = [
    dict(solver="adam", learning_rate_init=0.01),
    dict(solver="sgd", learning_rate_init=0.1),
    dict(solver="adam", early_stopping=True, n_iter_no_change=3),
]


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def blobs():
    """Rows all distinct, so that held-out rows can be found by value."""
    X, y = make_classification(
        n_samples=200, n_features=5, n_informative=3, random_state=0
    )
    return StandardScaler().fit_transform(X), y


def _clf(**params):
    return MLPClassifier(
        **{"hidden_layer_sizes": (6,), "max_iter": 40, "n_restarts": 8, **params}
    )


def _assert_same_model(a, b):
    for x, y in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        assert_array_equal(x, y)
    assert a.n_iter_ == b.n_iter_
    assert a.loss_ == b.loss_


def _halve_by_hand(criterion, n_restarts, factor=2):
    """Successive halving over ROUND_ENDS; ``criterion(k, epoch)``: lower wins.

    Returns each restart's ``dropped_at`` (0: never dropped).
    """
    dropped_at = np.zeros(n_restarts, dtype=int)
    playing = list(range(n_restarts))
    for end in ROUND_ENDS[:-1]:
        # ties go to the lower index, as sorted() keeps the order
        order = sorted(playing, key=lambda k: criterion(k, end))
        n_kept = math.ceil(len(playing) / factor)
        for k in order[n_kept:]:
            dropped_at[k] = end
        playing = sorted(order[:n_kept])
    return dropped_at


@pytest.mark.parametrize("config", SOLVERS, ids=str)
@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_selected_restart_is_the_fit_with_its_seed(iris, config, Estimator):
    X, y = iris
    target = y if Estimator is MLPClassifier else X[:, 0]
    params = dict(hidden_layer_sizes=(6,), max_iter=40, **config)
    many = Estimator(n_restarts=8, restart_halving=2, random_state=1, **params).fit(
        X, target
    )
    seeds = many.restart_seeds_
    k = many.best_restart_
    assert k != 0  # random_state=1 selects another restart than the plain fit
    alone = Estimator(random_state=seeds[k], n_restarts=1, **params).fit(X, target)
    _assert_same_model(many, alone)
    assert many.loss_curve_ == alone.loss_curve_
    assert_array_equal(many.init_coefs_[0], alone.init_coefs_[0])
    if config.get("early_stopping"):
        assert many.validation_scores_ == alone.validation_scores_
    # every restart trained as its own fit does, until it was dropped
    results = many.restart_results_
    for r in range(8):
        full = Estimator(random_state=seeds[r], **params).fit(X, target)
        curve = results["loss_curve"][r]
        assert curve == full.loss_curve_[: len(curve)]
        assert results["n_iter"][r] == len(curve)
        if results["dropped_at"][r]:
            assert len(curve) == min(results["dropped_at"][r], full.n_iter_)


@pytest.mark.parametrize(
    "config",
    [
        dict(solver="adam", learning_rate_init=0.01, **NO_STOPPING),
        # restarts that stop by tol before a round's end are ranked with their
        # final values
        dict(solver="sgd", learning_rate_init=0.01, tol=0.02, n_iter_no_change=1),
    ],
    ids=["no-stopping", "stopping"],
)
def test_dropped_restarts_were_the_worst_by_training_loss(iris, config):
    X, y = iris
    clf = _clf(restart_halving=2, random_state=0, **config).fit(X, y)
    results = clf.restart_results_
    seeds = clf.restart_seeds_

    # each restart's training loss at each round's end, from single fits
    # stopped there
    losses = {
        (k, end): MLPClassifier(
            hidden_layer_sizes=(6,), max_iter=end, random_state=seeds[k], **config
        )
        .fit(X, y)
        .loss_
        for k in range(8)
        for end in ROUND_ENDS[:-1]
    }
    expected = _halve_by_hand(lambda k, end: losses[k, end], 8)
    assert_array_equal(results["dropped_at"], expected)
    # 4 dropped after round 1, 2 after round 2, 1 after round 3, 1 survivor
    assert sorted(results["dropped_at"]) == [0, 5, 5, 5, 5, 10, 10, 20]
    rounds = {0: 4, 5: 1, 10: 2, 20: 3}
    assert_array_equal(results["n_rounds"], [rounds[d] for d in expected])
    survivor = int(np.flatnonzero(expected == 0)[0])
    assert clf.best_restart_ == survivor
    # the survivor first, then by rounds played, then by loss
    order = np.lexsort((results["loss"], -results["n_rounds"]))
    assert_array_equal(np.argsort(results["rank"]), order)
    for k in np.flatnonzero(expected):
        assert results["loss"][k] == losses[k, expected[k]]
    if config["solver"] == "sgd":
        # the case it is about: a restart that stopped before the first
        # round's end, and went on to the next round on its final loss
        early = results["converged"] & (results["n_iter"] < ROUND_ENDS[0])
        assert (early & (results["n_rounds"] > 1)).any()
    else:
        assert_array_equal(results["n_iter"], np.where(expected == 0, 40, expected))


def test_restart_scoring_ranks_the_rounds(blobs):
    X, y = blobs
    held_out = []

    def scorer(estimator, X, y):
        held_out.append((X, y))
        return -log_loss(y, estimator.predict_proba(X), labels=estimator.classes_)

    params = dict(solver="adam", learning_rate_init=0.01, **NO_STOPPING)
    clf = _clf(restart_halving=2, restart_scoring=scorer, random_state=0, **params).fit(
        X, y
    )
    X_held, y_held = held_out[0]
    rows = [int(np.flatnonzero((X == x).all(axis=1))[0]) for x in X_held]
    fit_rows = np.setdiff1d(np.arange(len(X)), rows)
    assert len(rows) == 20

    # each restart alone on the training rows, scored by hand on the held out
    def score(k, end):
        alone = MLPClassifier(
            hidden_layer_sizes=(6,),
            max_iter=end,
            random_state=clf.restart_seeds_[k],
            **params,
        ).fit(X[fit_rows], y[fit_rows])
        return log_loss(y_held, alone.predict_proba(X_held))  # lower wins

    expected = _halve_by_hand(score, 8)
    results = clf.restart_results_
    assert_array_equal(results["dropped_at"], expected)
    # the scores recorded are the ones at the end of each restart's training
    for k in range(8):
        end = expected[k] or ROUND_ENDS[-1]
        assert_allclose(results["validation_score"][k], -score(k, end), rtol=1e-12)
    # and the ranking is by score, not by training loss, here
    by_loss = _halve_by_hand(
        lambda k, end: (
            results["loss_curve"][k][end - 1]
            if len(results["loss_curve"][k]) >= end
            else np.inf
        ),
        8,
    )
    assert not np.array_equal(by_loss, expected)


def test_one_restart_is_the_plain_fit(iris):
    plain = _clf(n_restarts=1, random_state=0).fit(*iris)
    halving = _clf(n_restarts=1, restart_halving=2, random_state=0).fit(*iris)
    _assert_same_model(plain, halving)
    assert list(halving.restart_results_["dropped_at"]) == [0]
    assert list(halving.restart_results_["n_rounds"]) == [1]


def test_without_halving_the_record_says_nothing_was_dropped(iris):
    clf = _clf(n_restarts=3, random_state=0).fit(*iris)
    assert list(clf.restart_results_["dropped_at"]) == [0, 0, 0]
    assert list(clf.restart_results_["n_rounds"]) == [1, 1, 1]


def test_rounds_limited_by_epochs_and_min_epochs(iris):
    # restart_min_epochs=15 with 40 epochs: the epochs allow 1 +
    # floor(log2(40 / 15)) = 2 rounds (HalvingGridSearchCV's
    # n_possible_iterations), which end at 15 and, the last, at max_iter: one
    # round drops restarts, 4 of 8 reach the end
    clf = _clf(
        restart_halving=2, restart_min_epochs=15, random_state=0, **NO_STOPPING
    ).fit(*iris)
    dropped_at = clf.restart_results_["dropped_at"]
    assert sorted(dropped_at) == [0, 0, 0, 0, 15, 15, 15, 15]
    # the last round's restarts are ranked by their final loss
    last = np.flatnonzero(dropped_at == 0)
    losses = clf.restart_results_["loss"][last]
    assert clf.best_restart_ == last[np.argmin(losses)]
    # factor 3 with 8 restarts: 1 + floor(log3(8)) = 2 rounds, the first of
    # 40 // 3 = 13 epochs, keeping ceil(8 / 3) = 3 restarts
    clf = _clf(restart_halving=3, random_state=0, **NO_STOPPING).fit(*iris)
    assert sorted(clf.restart_results_["dropped_at"]) == [0, 0, 0] + [13] * 5


def test_verbose_names_the_dropped_restarts(iris, capsys):
    clf = _clf(restart_halving=2, random_state=0, verbose=True, **NO_STOPPING)
    clf.fit(*iris)
    lines = [
        line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("Restart halving")
    ]
    dropped_at = clf.restart_results_["dropped_at"]
    playing = list(range(8))
    assert len(lines) == 3
    for line, end in zip(lines, ROUND_ENDS):
        dropped = np.flatnonzero(dropped_at == end).tolist()
        playing = [k for k in playing if k not in dropped]
        assert line == (
            f"Restart halving at epoch {end}: restarts {playing} go on, "
            f"restarts {dropped} stop"
        )


def test_warm_start_and_partial_fit_continue_the_selected_model(iris):
    X, y = iris
    clf = _clf(restart_halving=2, random_state=1).fit(X, y)
    record = dict(clf.restart_results_)
    k = clf.best_restart_
    alone = _clf(n_restarts=1, random_state=clf.restart_seeds_[k]).fit(X, y)
    # a warm start continues the selected model alone, halving nothing, as
    # the fit with its seed would go on (shuffling with that seed)
    clf.set_params(warm_start=True).fit(X, y)
    alone.set_params(warm_start=True).fit(X, y)
    _assert_same_model(clf, alone)
    assert clf.restart_results_["dropped_at"] is record["dropped_at"]
    clf.partial_fit(X, y)
    alone.partial_fit(X, y)
    _assert_same_model(clf, alone)
    # a first partial_fit trains one network: restart_halving changes nothing
    plain = MLPClassifier(hidden_layer_sizes=(6,), random_state=0)
    halving = MLPClassifier(
        hidden_layer_sizes=(6,), random_state=0, n_restarts=8, restart_halving=2
    )
    plain.partial_fit(X, y, classes=[0, 1, 2])
    halving.partial_fit(X, y, classes=[0, 1, 2])
    _assert_same_model(plain, halving)


# the networks of the *CV tests' cells
CELL = dict(
    hidden_layer_sizes=(5,), n_restarts=4, restart_halving=2, learning_rate_init=0.02
)


def test_cv_halves_the_restarts_of_every_cell(iris):
    X, y = iris
    grid = {"init": ["sklearn", "he_normal"]}
    params = dict(max_iter=20, random_state=2, **CELL)
    search = MLPClassifierCV(param_grid=grid, cv=3, **params).fit(X, y)
    record = search.cv_restart_results_
    for c, init in enumerate(grid["init"]):
        for f, (train, _) in enumerate(StratifiedKFold(3).split(X, y)):
            alone = MLPClassifier(init=init, **params).fit(X[train], y[train])
            results = alone.restart_results_
            assert_array_equal(record["dropped_at"][c, f], results["dropped_at"])
            assert_array_equal(record["n_rounds"][c, f], results["n_rounds"])
            assert_array_equal(record["loss"][c, f], results["loss"])
            assert record["selected"][c, f, alone.best_restart_]
    # the refit halves its restarts as the plain fit does
    best = MLPClassifier(**params, **search.best_params_).fit(X, y)
    _assert_same_model(search, best)
    assert_array_equal(
        search.restart_results_["dropped_at"], best.restart_results_["dropped_at"]
    )


def test_cv_candidate_halving_with_restart_halving(iris):
    # the search's rounds (over candidates) and the restarts' rounds (within
    # each cell) pause the same networks at different epochs: the last
    # round's candidates end exactly as in the exhaustive search
    X, y = iris
    params = dict(
        max_iter=24,
        random_state=0,
        **CELL,
        param_grid={"alpha": [1e-4, 1e-2, 1.0, 10.0]},
        cv=3,
        **NO_STOPPING,
    )
    exhaustive = MLPClassifierCV(**params).fit(X, y)
    halving = MLPClassifierCV(search="halving", factor=2, min_epochs=5, **params)
    halving.fit(X, y)
    # the search's rounds end at 5, 10 and 24 epochs; the restarts' at 6, 12
    # (24 // 2**2) and 24
    assert halving.n_resources_ == [5, 10, 24]
    results = halving.cv_results_
    last = np.flatnonzero(results["iter"] == results["iter"].max())
    alphas = params["param_grid"]["alpha"]
    for row in last:
        c = alphas.index(results["params"][row]["alpha"])
        assert (
            results["mean_test_score"][row]
            == (exhaustive.cv_results_["mean_test_score"][c])
        )
    assert sorted(exhaustive.cv_restart_results_["dropped_at"][0, 0]) == [0, 6, 6, 12]


def test_lbfgs_is_refused(iris):
    clf = _clf(restart_halving=2, solver="lbfgs")
    message = (
        "restart_halving=2 drops .* needs solver='sgd' or 'adam', not solver='lbfgs'"
    )
    with pytest.raises(ValueError, match=message):
        clf.fit(*iris)
    assert not hasattr(clf, "coefs_")
    search = MLPClassifierCV(
        hidden_layer_sizes=(5,), restart_halving=2, solver="lbfgs", cv=2
    )
    with pytest.raises(ValueError, match=f"^{message}"):
        search.fit(*iris)
    assert not hasattr(search, "cv_results_")


@pytest.mark.parametrize(
    "name, value, allowed",
    [
        ("restart_halving", 1, r"None or a float in the range \(1.0, inf\)"),
        ("restart_halving", 0.5, r"None or a float in the range \(1.0, inf\)"),
        ("restart_halving", "2", r"None or a float in the range \(1.0, inf\)"),
        ("restart_min_epochs", 0, r"an int in the range \[1, inf\) or a str among"),
        ("restart_min_epochs", "auto", r"an int in the range \[1, inf\) or a str"),
        ("restart_min_epochs", 2.5, r"an int in the range \[1, inf\) or a str"),
    ],
)
@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor, MLPClassifierCV])
def test_invalid_values_fail_through_the_constraints(
    iris, Estimator, name, value, allowed
):
    X, y = iris
    est = Estimator(hidden_layer_sizes=(3,), max_iter=2, **{name: value})
    message = (
        f"The '{name}' parameter of {Estimator.__name__} must be {allowed}.* "
        f"Got {value!r} instead"
    )
    with pytest.raises(InvalidParameterError, match=message):
        est.fit(X, y)


def test_min_epochs_above_max_iter_is_refused(iris):
    clf = _clf(restart_halving=2, restart_min_epochs=50)
    with pytest.raises(
        ValueError, match="^restart_min_epochs=50 is greater than max_iter=40.$"
    ):
        clf.fit(*iris)
    assert not hasattr(clf, "coefs_")


def test_n_jobs_never_changes_the_bits(iris):
    reference = _clf(restart_halving=2, random_state=0).fit(*iris)
    with parallel_config(backend="threading"):
        other = _clf(restart_halving=2, random_state=0, n_jobs=3).fit(*iris)
    _assert_same_model(reference, other)
    for key in ("dropped_at", "loss", "rank"):
        assert_array_equal(reference.restart_results_[key], other.restart_results_[key])


def test_rank_puts_later_rounds_first_but_never_a_diverged_restart():
    from skinit._restarts import rank_restarts

    # restart 3 played the most rounds but diverged; 0 and 2 played 2 rounds,
    # 1 and 4 one round (4 with non-finite parameters)
    losses = np.array([0.5, 0.1, 0.3, np.nan, 0.2])
    diverged = np.array([False, False, False, True, True])
    unusable = np.array([False, False, False, False, True])
    n_rounds = np.array([2, 1, 2, 3, 1])
    best, rank = rank_restarts(losses, None, diverged, unusable, n_rounds=n_rounds)
    assert best == 2
    assert_array_equal(rank, [2, 3, 1, 4, 5])


@DIVERGES
def test_a_fit_whose_kept_restarts_all_diverge_raises(iris):
    # every restart diverges when trained to the end (the fit without
    # halving raises); with halving, one dropped at epoch 4 while its loss
    # was still finite once came back as the model
    X, _ = iris
    params = dict(
        solver="sgd",
        activation="identity",
        learning_rate_init=0.17,
        hidden_layer_sizes=(20,),
        n_restarts=4,
        random_state=0,
        max_iter=60,
        n_iter_no_change=100,
    )
    with pytest.raises(ValueError, match="all 4 restarts diverged"):
        MLPRegressor(**params).fit(X, X[:, 0])
    reg = MLPRegressor(restart_halving=2, restart_min_epochs=4, **params)
    with pytest.raises(
        ValueError,
        match=r"^Solver produced non-finite parameter weights\. .* skinit: every "
        r"restart that restart_halving kept to the end \(\[1\]\) diverged \(the "
        r"loss first became non-finite at iterations \[39\]\); the others were "
        r"dropped before, at epochs \[4, 4, 8\]; scale the input data",
    ):
        reg.fit(X, X[:, 0])
    assert not hasattr(reg, "coefs_")
