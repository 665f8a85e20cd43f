# SPDX-License-Identifier: BSD-3-Clause
"""The classic claims about initialization, as exact outcomes of fresh fits."""

import warnings
from types import SimpleNamespace

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import neural_network
from sklearn.datasets import load_digits, load_iris, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skinit import MLPClassifier, MLPRegressor
from skinit import diagnostics as D
from skinit.exceptions import (
    DeadUnitsWarning,
    RankCollapseWarning,
    SymmetryWarning,
    VanishingGradientWarning,
)
from skinit.initializers import Constant, RandomNormal

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


# -- 1. equal starting weights stay equal -----------------------------------------


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_equal_weights_give_one_unit_per_layer(iris, activation, solver):
    clf = MLPClassifier(
        hidden_layer_sizes=(7, 5),
        activation=activation,
        solver=solver,
        init="ones",
        bias_init="zeros",
        learning_rate_init=0.01,
        max_iter=30,
        random_state=0,
    )
    with pytest.warns(SymmetryWarning, match="distinct units out of") as record:
        clf.fit(*iris)
    assert_array_equal(clf.init_n_distinct_units_, [1, 1])
    assert_array_equal(clf.n_distinct_units_, [1, 1])
    # alive, so the copies are of a working unit (standardized iris, ones)
    assert_array_equal(clf.activation_stats_["dead_fraction"], [0, 0])
    assert_array_equal(clf.unit_groups_[0], np.zeros(7))
    assert_array_equal(clf.unit_groups_[1], np.zeros(5))
    symmetric = [str(w.message) for w in record if w.category is SymmetryWarning]
    assert [m[: m.index(" (see")] for m in symmetric] == [
        "Hidden layer 0 ended with 1 distinct units out of 7",
        "Hidden layer 1 ended with 1 distinct units out of 5",
    ]
    assert symmetric[0] == (
        "Hidden layer 0 ended with 1 distinct units out of 7 (see unit_groups_). "
        "Units that start with equal incoming and outgoing weights and equal "
        "biases receive equal gradients for any input, so they stay equal: the "
        "layer acts as 1 unit(s). Use a random init to break the symmetry."
    )
    # copies are told once, as symmetry: not as a collapse of the rank too
    assert RankCollapseWarning not in [w.category for w in record]
    # different inputs do not split units of one layer: every sample updated
    # them all the same way (floating-point noise is far below the tolerance)
    assert (clf.unit_group_spread_ < 1e-9 * np.abs(clf.coefs_[0]).max()).all()


def test_equal_weights_cannot_solve_xor_but_random_restarts_can():
    symmetric = MLPClassifier(
        hidden_layer_sizes=(4,),
        activation="tanh",
        solver="lbfgs",
        init="ones",
        bias_init="zeros",
        max_iter=500,
        random_state=0,
    )
    with pytest.warns(SymmetryWarning):
        symmetric.fit(XOR_X, XOR_Y)
    assert symmetric.score(XOR_X, XOR_Y) < 1.0
    assert_array_equal(symmetric.n_distinct_units_, [1])
    random = MLPClassifier(
        hidden_layer_sizes=(4,),
        activation="tanh",
        solver="lbfgs",
        n_restarts=5,
        max_iter=500,
        random_state=0,
    ).fit(XOR_X, XOR_Y)
    assert random.score(XOR_X, XOR_Y) == 1.0
    assert random.n_distinct_units_[0] == 4


# -- 2. zero weights with random biases wake up layer by layer --------------------


# the units stay distinct, by their biases, but trained this little their
# incoming weights are still the rank-1 updates they woke up with
@pytest.mark.filterwarnings(
    "ignore:Hidden layer [012] has 6 distinct units, yet its incoming weights:"
    "skinit.exceptions.RankCollapseWarning"
)
def test_zero_weights_wake_up_one_layer_per_update(iris):
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(6, 6, 6),
        activation="tanh",
        solver="sgd",
        batch_size=len(X),
        init="zeros",
        bias_init=RandomNormal(stddev=1.0),
        learning_rate_init=0.1,
        max_iter=20,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", SymmetryWarning)
        clf.fit(X, y)
    assert_array_equal(clf.first_gradient_update_, [4, 3, 2, 1])
    norms = clf.gradient_norms_
    assert norms.shape == (20, 4)
    assert (norms[0, :3] == 0).all() and norms[0, 3] > 0
    assert_array_equal(clf.init_n_distinct_units_, [6, 6, 6])
    assert_array_equal(clf.n_distinct_units_, [6, 6, 6])


@pytest.mark.filterwarnings(
    "ignore:Hidden layer [01] ended with 1 distinct units out of 5:"
    "skinit.exceptions.SymmetryWarning"
)
def test_all_zero_weights_and_biases_never_learn_below_the_output(iris):
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(5, 5),
        activation="tanh",
        solver="sgd",
        init="zeros",
        bias_init="zeros",
        max_iter=15,
        random_state=0,
    )
    message = (
        "Layer {} never received a non-zero weight gradient in 12 updates, so its "
        "weights never changed: with all-zero weights above it, no signal flows "
        "back to it."
    )
    with pytest.warns(VanishingGradientWarning, match=r"^Layer \d never") as record:
        clf.fit(X, y)
    # every layer: tanh(0) = 0 gives the output layer's weights no gradient
    assert [
        str(w.message) for w in record if w.category is VanishingGradientWarning
    ] == [message.format(layer) for layer in range(3)]
    # stopped after 12 epochs (no improvement in 10), of one batch of 150 rows
    assert clf.n_iter_ == len(clf.gradient_norms_) == 12
    assert_array_equal(clf.coefs_[0], 0)
    assert_array_equal(clf.coefs_[1], 0)
    assert_array_equal(clf.first_gradient_update_[:2], [0, 0])
    # tanh(0) = 0 feeds the output layer nothing either: only its bias learns
    assert_array_equal(clf.coefs_[2], 0)
    assert np.abs(clf.intercepts_[2]).max() > 0


# equal units (one, told as symmetry), and no gradient through them
@pytest.mark.filterwarnings(
    "ignore:Hidden layer 0 ended with 1 distinct units out of 8:"
    "skinit.exceptions.SymmetryWarning",
    "ignore:Layer [01] never received a non-zero weight gradient:"
    "skinit.exceptions.VanishingGradientWarning",
)
def test_relu_units_with_negative_bias_are_dead_from_the_start(iris):
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(8,),
        init="zeros",
        bias_init=Constant(-1.0),
        max_iter=5,
        random_state=0,
    )
    with pytest.warns(DeadUnitsWarning, match="Every unit of hidden layer 0"):
        clf.fit(X, y)
    assert_array_equal(clf.init_activation_stats_["dead_fraction"], [1.0])


def test_zero_weights_random_biases_relu_collapse_to_rank_one():
    # examples/plot_random_biases.py: the live ReLU units start in their linear
    # part, where every sample sends them the same direction of the input
    X, y = make_moons(n_samples=200, noise=0.15, random_state=0)
    params = dict(
        hidden_layer_sizes=(16,),
        solver="lbfgs",
        init="zeros",
        bias_init=RandomNormal(stddev=1.0),
        random_state=0,
    )
    relu = MLPClassifier(activation="relu", **params)
    with pytest.warns(RankCollapseWarning, match="16 distinct units, yet its") as w:
        relu.fit(X, y)
    (collapse,) = [str(x.message) for x in w if x.category is RankCollapseWarning]
    assert collapse == (
        "Hidden layer 0 has 16 distinct units, yet its incoming weights have "
        "effective rank 1.000 and its activations have effective rank 1.000: its "
        "units compute one direction of their input, scaled and shifted, so the "
        "layer acts as one feature (see effective_rank_). Zero weights with "
        "random biases and ReLU end this way; start from random weights."
    )
    assert_array_equal(relu.init_effective_rank_, [0.0])  # W = 0: no direction
    assert_allclose(relu.effective_rank_, [1.0], atol=1e-9)
    assert_allclose(relu.activation_stats_["effective_rank"], [1.0], atol=1e-6)
    assert_array_equal(relu.n_distinct_units_, [16])  # distinct, by their biases
    singular_values = np.linalg.svd(relu.coefs_[0], compute_uv=False)
    assert singular_values[1] < 1e-12 * singular_values[0]  # rank 1 to rounding
    # tanh units with random biases learn different directions
    tanh = MLPClassifier(activation="tanh", **params)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RankCollapseWarning)
        tanh.fit(X, y)
    assert tanh.effective_rank_[0] > 1.5  # of at most 2 input directions
    assert tanh.activation_stats_["effective_rank"][0] > 4


# -- 3. the scale that keeps deep ReLU nets alive ---------------------------------


def test_glorot_shrinks_deep_relu_activations_and_he_keeps_them():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    stds = {}
    for init in ("glorot_normal", "he_normal"):
        clf = MLPClassifier(
            hidden_layer_sizes=(64,) * 20, init=init, max_iter=1, random_state=0
        ).fit(X, y)
        stds[init] = clf.init_activation_stats_["std"]
    glorot, he = stds["glorot_normal"], stds["he_normal"]
    assert glorot[-1] < 0.01 * glorot[0]
    # about 2 ** -0.5 per layer
    per_layer = (glorot[-1] / glorot[0]) ** (1 / 19)
    assert 0.6 < per_layer < 0.8
    assert 0.3 < he[-1] / he[0] < 3


# -- the functions on their own --------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_diagnostics_accept_sklearn_estimators(iris, activation):
    X, y = iris
    params = dict(hidden_layer_sizes=(6,), max_iter=20, random_state=0)
    ours = MLPClassifier(activation=activation, **params).fit(X, y)
    theirs = neural_network.MLPClassifier(activation=activation, **params)
    theirs.fit(X, y)
    assert_array_equal(D.symmetry(theirs)["n_distinct_units"], ours.n_distinct_units_)
    theirs_stats = D.activation_stats(theirs, X)  # iris: fewer than 1000 samples
    for key, value in ours.activation_stats_.items():
        assert_allclose(theirs_stats[key], value, rtol=1e-10)
    # the estimator's own activation, by hand
    hidden = X @ theirs.coefs_[0] + theirs.intercepts_[0]
    hidden = np.tanh(hidden) if activation == "tanh" else np.maximum(hidden, 0)
    assert_allclose(theirs_stats["std"], [hidden.std()], rtol=1e-12)


def test_activation_stats_use_evenly_spaced_samples():
    # 2500 rows sorted by their first feature: the estimator measures on every
    # third row (ceil(2500 / 1000)), not on the first 1000
    rng = np.random.RandomState(0)
    X = rng.normal(size=(2500, 4))
    X = X[np.argsort(X[:, 0])]
    y = (X[:, 1] > 0).astype(int)
    clf = MLPClassifier(hidden_layer_sizes=(5,), max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    expected = D.activation_stats(clf, X[::3])
    for key, value in expected.items():
        assert_allclose(clf.activation_stats_[key], value, rtol=1e-12)
    assert clf.activation_stats_["mean"] != D.activation_stats(clf, X[:1000])["mean"]


def test_unit_groups_at_exactly_the_tolerance(grouping):
    # tol = 2**-20 (rtol 2**-20 of the largest parameter, 1.0): units at x = 0,
    # 1/4, 5/4 and 6/4 tol fall in two cells whose boxes neither exclude nor
    # guarantee a link; the closest pair is exactly tol apart: linked (<= tol)
    tol = 2.0**-20
    x = np.array([0.0, 0.25, 1.25, 1.5]) * tol
    W = np.array([np.r_[x, 0.0], np.r_[np.zeros(4), 1.0]])
    labels, spread = D.unit_groups(W, np.zeros(5), rtol=tol)
    assert_array_equal(labels, [0, 0, 0, 0, 1])
    assert spread == 1.5 * tol
    assert_array_equal(labels, _unit_groups_pairwise(W, np.zeros(5), tol)[0])


def test_symmetry_of_plain_weight_lists():
    W = np.array([[1.0, 1.0, 2.0], [3.0, 3.0, 3.0]])
    result = D.symmetry([W, np.ones((3, 1))], [np.array([0.5, 0.5, 0.5]), np.ones(1)])
    assert_array_equal(result["n_distinct_units"], [2])
    assert_array_equal(result["unit_groups"][0], [0, 0, 1])
    near = W.copy()
    near[0, 1] += 1e-9  # within the tolerance: still copies, spread reported
    result = D.symmetry([near, np.ones((3, 1))])
    assert_array_equal(result["n_distinct_units"], [2])
    assert_allclose(result["spread"], [1e-9], rtol=1e-6)


def test_gradient_norms_for_lbfgs_and_regressor(iris):
    X, _ = iris
    reg = MLPRegressor(
        hidden_layer_sizes=(4,), solver="lbfgs", max_iter=15, random_state=0
    ).fit(X[:, :3], X[:, 3])
    assert reg.gradient_norms_.shape == (reg.n_iter_, 2)
    assert reg.intercept_gradient_norms_.shape == (reg.n_iter_, 2)
    assert_array_equal(reg.first_gradient_update_, [1, 1])


def test_lbfgs_stopping_before_any_update(iris):
    # all-zero weights and biases on balanced classes: the gradient is exactly
    # zero, so L-BFGS stops at once
    X, _ = iris
    y = np.arange(len(X)) % 2
    clf = MLPClassifier(
        (4,), activation="tanh", solver="lbfgs", init="zeros", bias_init="zeros"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(X, y)
    # no update, so no claim that a layer never received a gradient
    assert not [w for w in caught if w.category is VanishingGradientWarning]
    assert clf.n_iter_ == 0
    assert clf.gradient_norms_.shape == (0, 2)
    assert_array_equal(clf.first_gradient_update_, [0, 0])


def test_effective_rank_by_hand():
    # singular values 2, 1, 1: p = (1/2, 1/4, 1/4), entropy (3/2) ln 2
    assert_allclose(D.effective_rank(np.diag([2.0, 1.0, 1.0])), 2**1.5, rtol=1e-12)
    rng = np.random.RandomState(0)
    u, _ = np.linalg.qr(rng.normal(size=(5, 3)))
    v, _ = np.linalg.qr(rng.normal(size=(4, 3)))
    rotated = u @ np.diag([3.0, 1.0, 0.0]) @ v.T  # p = (3/4, 1/4, 0)
    by_hand = np.exp(-(0.75 * np.log(0.75) + 0.25 * np.log(0.25)))
    assert_allclose(D.effective_rank(rotated), by_hand, rtol=1e-10)
    assert_allclose(D.effective_rank(np.eye(7)), 7.0, rtol=1e-12)
    assert_allclose(D.effective_rank(np.outer([1.0, -2.0, 3.0], [1.0, 4.0])), 1.0)
    assert D.effective_rank(np.zeros((3, 4))) == 0.0
    stack = np.stack([np.eye(3), np.diag([2.0, 1.0, 1.0]), np.zeros((3, 3))])
    assert_allclose(D.effective_rank(stack), [3.0, 2**1.5, 0.0], rtol=1e-12)
    nan = D.effective_rank(np.stack([np.eye(2), np.full((2, 2), np.nan)]))
    assert_allclose(nan, [2.0, np.nan], rtol=1e-12)


def test_effective_rank_of_activations_by_hand():
    # identity units and identity weights: the activations are X itself, whose
    # centered columns are orthonormal directions scaled by 2, 1 and 1
    rng = np.random.RandomState(0)
    A = rng.normal(size=(40, 3))
    q, _ = np.linalg.qr(A - A.mean(axis=0))  # spans centered columns: centered
    X = q * [2.0, 1.0, 1.0] + [5.0, -1.0, 0.5]
    stats = D.activation_stats([np.eye(3), np.ones((3, 1))], X, activation="identity")
    assert_allclose(stats["effective_rank"], [2**1.5], rtol=1e-8)
    # a layer whose output ignores the input has no direction at all
    constant = D.activation_stats(
        [np.zeros((3, 4)), np.ones((4, 1))],
        X,
        intercepts=[rng.normal(size=4), np.zeros(1)],
        activation="tanh",
    )
    assert_array_equal(constant["effective_rank"], [0.0])
    # a layer wider than rank_samples is measured on that many evenly spaced rows
    wide = [rng.normal(size=(3, 20)), np.ones((20, 1))]
    rows = D.hidden_activations(wide, X, activation="tanh")[0][::4]
    by_hand = D.effective_rank(rows - rows.mean(axis=0))
    stats = D.activation_stats(wide, X, activation="tanh", rank_samples=10)
    assert_allclose(stats["effective_rank"], [by_hand], rtol=1e-6)
    assert not np.isclose(
        D.activation_stats(wide, X, activation="tanh")["effective_rank"][0], by_hand
    )


def test_effective_rank_of_orthogonal_starts_is_the_width(iris):
    # all singular values of a (semi-)orthogonal matrix are equal: erank = rank
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(4, 8, 3), init="orthogonal", max_iter=5, random_state=0
    ).fit(X, y)
    assert_allclose(clf.init_effective_rank_, [4.0, 4.0, 3.0], rtol=1e-12)
    assert_allclose(clf.effective_rank_, [D.effective_rank(c) for c in clf.coefs_[:-1]])


def test_ordinary_fits_do_not_warn_about_rank(iris):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RankCollapseWarning)
        for activation in ("relu", "tanh", "identity"):
            clf = MLPClassifier(
                hidden_layer_sizes=(10, 10), activation=activation, random_state=0
            ).fit(*iris)
            assert (clf.effective_rank_ > 2).all()


def test_diagnostics_can_be_switched_off(iris):
    clf = MLPClassifier(max_iter=3, diagnostics=False, random_state=0).fit(*iris)
    assert not hasattr(clf, "gradient_norms_")
    assert not hasattr(clf, "n_distinct_units_")


# -- unit_groups: the pairwise definition, in near-linear time ---------------------


def _unit_groups_pairwise(coef, intercept, rtol=1e-6):
    """The definition, pair by pair (the implementation before skinit 0.1)."""
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial.distance import pdist, squareform

    units = np.vstack([coef, intercept]).T
    if len(units) < 2:
        return np.zeros(len(units), dtype=int), 0.0
    scale = np.abs(units).max()
    tol = rtol * (scale if scale > 0 else 1.0)
    gaps = squareform(pdist(units, metric="chebyshev"))
    _, components = connected_components(gaps <= tol, directed=False)
    _, first = np.unique(components, return_index=True)
    labels = np.argsort(np.argsort(first))[components]
    same = labels[:, np.newaxis] == labels[np.newaxis, :]
    return labels, float(gaps[same].max())


def _near_copies(rng):
    """A layer of a few prototypes copied with noise near the tolerance."""
    n_units, n_inputs = rng.randint(2, 40), rng.randint(1, 6)
    prototypes = rng.normal(size=(rng.randint(1, 6), n_inputs + 1))
    units = prototypes[rng.randint(len(prototypes), size=n_units)]
    units = units * rng.choice([1e-3, 1.0, 1e3])
    noise = rng.choice([0, 1e-16, 1e-7, 3e-7, 1e-6, 2e-6, 1e-3]) * np.abs(units).max()
    units = units + noise * rng.uniform(-1, 1, units.shape) * (
        rng.rand(*units.shape) < 0.7
    )
    if rng.rand() < 0.2:  # a coordinate shared by every unit
        units[:, rng.randint(n_inputs + 1)] = 0.0
    if rng.rand() < 0.1:  # exact ties
        units = np.round(units, 1)
    return units[:, :-1].T, units[:, -1]


@pytest.fixture(params=["cells", "pairs"])
def grouping(request, monkeypatch):
    """Either algorithm of unit_groups: cells of units, or every pair (narrow)."""
    if request.param == "cells":
        monkeypatch.setattr("skinit._diagnostics._PAIRWISE_UNITS", 0)
    return request.param


@pytest.mark.parametrize("seed", range(4))
def test_unit_groups_equal_the_pairwise_definition(seed, grouping):
    rng = np.random.RandomState(seed)
    for _ in range(300):
        coef, intercept = _near_copies(rng)
        rtol = rng.choice([0.0, 1e-6, 1e-3, 0.1])
        labels, spread = D.unit_groups(coef, intercept, rtol)
        expected_labels, expected_spread = _unit_groups_pairwise(coef, intercept, rtol)
        assert_array_equal(labels, expected_labels)
        assert spread == expected_spread


@pytest.mark.parametrize("step", [0.5, 0.9, 1.0, 1.0 + 1e-7, 1.1])
def test_unit_groups_chains_and_the_tolerance_boundary(step, grouping):
    # units on a line, step * tol apart: one group (a chain of copies whose
    # ends are far apart) when step < 1, all distinct beyond 1; at 1 exactly,
    # rounding decides, the same way as pair by pair
    rng = np.random.RandomState(0)
    units = np.outer(np.arange(30) * step, [1.0, -1.0, 0.0]) * 1e-6 + 5.0
    units = units[rng.permutation(30)]
    rtol = 1e-6 / np.abs(units).max()
    labels, spread = D.unit_groups(units[:, :-1].T, units[:, -1], rtol)
    expected = _unit_groups_pairwise(units[:, :-1].T, units[:, -1], rtol)
    assert_array_equal(labels, expected[0])
    assert spread == expected[1]
    if step != 1.0:
        assert labels.max() + 1 == (1 if step < 1 else 30)
        assert (spread > 28 * step * 1e-6) == (step < 1)


def test_unit_groups_of_a_wide_symmetric_layer():
    # 20000 copies up to rounding noise: one group, the noise as spread;
    # pairwise this would be 2e8 comparisons
    rng = np.random.RandomState(0)
    W = 0.3 + rng.normal(scale=1e-16, size=(21, 20000))
    labels, spread = D.unit_groups(W[:-1], W[-1])
    assert_array_equal(labels, 0)
    assert spread == np.ptp(W, axis=1).max()
    # identity-like units share all but one coordinate, yet stay distinct
    labels, spread = D.unit_groups(np.eye(20, 20000), np.zeros(20000))
    assert labels.max() + 1 == 21 and spread == 0.0
    assert_array_equal(labels[:21], np.arange(21))


def test_unit_groups_non_finite_units_have_no_copy():
    W = np.array([[1.0, 1.0, np.nan, np.nan, 2.0], [0.0, 0.0, 1.0, 1.0, 0.0]])
    labels, spread = D.unit_groups(W, np.zeros(5))
    assert_array_equal(labels, [0, 0, 1, 2, 3])
    assert spread == 0.0


# -- the values of every diagnostic, by hand -----------------------------------------


def _regressor_gradients(X, y, coefs, intercepts, alpha):
    """Gradients of scikit-learn's squared loss for one tanh hidden layer."""
    n = len(X)
    h = np.tanh(X @ coefs[0] + intercepts[0])
    d = (h @ coefs[1] + intercepts[1] - y[:, np.newaxis]) / n
    dh = (d @ coefs[1].T) * (1 - h**2)
    weights = [X.T @ dh + alpha * coefs[0] / n, h.T @ d + alpha * coefs[1] / n]
    return weights, [dh.sum(axis=0), d.sum(axis=0)]


def test_gradient_norms_are_l2_norms_of_each_layers_gradient(iris):
    X, _ = iris
    X, y = X[:, :3], X[:, 3]
    alpha, lr = 0.01, 0.1
    reg = MLPRegressor(
        hidden_layer_sizes=(5,),
        activation="tanh",
        solver="sgd",
        momentum=0.0,
        batch_size=len(X),
        shuffle=False,
        alpha=alpha,
        learning_rate_init=lr,
        max_iter=2,
        random_state=0,
    ).fit(X, y)
    coefs, intercepts = reg.init_coefs_, reg.init_intercepts_
    for update in range(2):
        weights, biases = _regressor_gradients(X, y, coefs, intercepts, alpha)
        assert_allclose(
            reg.gradient_norms_[update],
            [np.sqrt((g**2).sum()) for g in weights],
            rtol=1e-12,
        )
        assert_allclose(
            reg.intercept_gradient_norms_[update],
            [np.sqrt((g**2).sum()) for g in biases],
            rtol=1e-12,
        )
        coefs = [c - lr * g for c, g in zip(coefs, weights)]
        intercepts = [b - lr * g for b, g in zip(intercepts, biases)]
    assert reg.gradient_norms_.shape == (2, 2)
    assert_allclose(reg.coefs_[0], coefs[0], rtol=1e-12)


def test_lbfgs_gradient_norms_end_at_the_fitted_point(iris):
    X, _ = iris
    X, y = X[:, :3], X[:, 3]
    reg = MLPRegressor(
        hidden_layer_sizes=(4,),
        activation="tanh",
        solver="lbfgs",
        alpha=0.01,
        max_iter=15,
        random_state=0,
    ).fit(X, y)
    assert len(reg.gradient_norms_) == reg.n_iter_ == 15
    weights, biases = _regressor_gradients(X, y, reg.coefs_, reg.intercepts_, 0.01)
    assert_allclose(
        reg.gradient_norms_[-1], [np.linalg.norm(g) for g in weights], rtol=1e-8
    )
    assert_allclose(
        reg.intercept_gradient_norms_[-1],
        [np.linalg.norm(g) for g in biases],
        rtol=1e-8,
    )


@pytest.mark.parametrize(
    "activation, values, saturated",
    [
        # tanh: |a| > 0.99 on every sample; logistic: |a - 0.5| > 0.495
        ("tanh", [0.9899, 0.9901, -0.995, 0.5], [False, True, True, False]),
        ("logistic", [0.9949, 0.9951, 0.004, 0.5], [False, True, True, False]),
    ],
)
def test_saturation_bounds(activation, values, saturated):
    inverse = {"tanh": np.arctanh, "logistic": lambda p: np.log(p / (1 - p))}
    X = np.array([[1.0], [-1.0], [0.0]])
    # constant units (zero weights), and one unit whose sign follows the input:
    # +-0.995 is saturated on every sample, though of both signs
    bias = inverse[activation](np.array(values))
    coef = np.zeros((1, 5))
    level = 0.995 if activation == "tanh" else 0.998
    coef[0, 4] = inverse[activation](np.array(level))  # tanh(0) = 0.5 - 0.5 = 0
    bias = np.r_[bias, 0.0]
    stats = D.activation_stats(
        [coef, np.ones((5, 1))], X[:2], [bias, np.zeros(1)], activation
    )
    assert_allclose(stats["saturated_fraction"], [(sum(saturated) + 1) / 5])
    # on a sample where the last unit is at 0.5, it is not saturated
    stats = D.activation_stats(
        [coef, np.ones((5, 1))], X, [bias, np.zeros(1)], activation
    )
    assert_allclose(stats["saturated_fraction"], [sum(saturated) / 5])
    assert_array_equal(stats["dead_fraction"], [0.0])


def test_activation_mean_std_dead_fraction_by_hand():
    X = np.array([[1.0, 0.0], [0.0, 2.0], [-1.0, 1.0]])
    W = np.array([[1.0, -1.0, 0.0], [0.5, 0.0, -1.0]])
    b = np.array([0.0, 0.5, -0.1])
    # relu(X @ W + b) = [[1, 0, 0], [1, 0.5, 0], [0, 1.5, 0]]: mean 4/9, mean
    # of squares 4.5/9, and the last unit is zero on every sample
    stats = D.activation_stats([W, np.ones((3, 1))], X, [b, np.zeros(1)], "relu")
    assert_allclose(stats["mean"], [4 / 9], rtol=1e-15)
    assert_allclose(stats["std"], [np.sqrt(4.5 / 9 - (4 / 9) ** 2)], rtol=1e-14)
    assert_allclose(stats["dead_fraction"], [1 / 3], rtol=1e-15)
    assert_array_equal(stats["saturated_fraction"], [0.0])
    tanh = D.activation_stats([W, np.ones((3, 1))], X, [b, np.zeros(1)], "tanh")
    assert_array_equal(tanh["dead_fraction"], [0.0])  # dead is a ReLU notion
    # tanh of [[1, -0.5, -0.1], [1, 0.5, -2.1], [-0.5, 1.5, -1.1]]
    z = np.array([[1.0, -0.5, -0.1], [1.0, 0.5, -2.1], [-0.5, 1.5, -1.1]])
    assert_allclose(tanh["mean"], [np.tanh(z).sum() / 9], rtol=1e-14)
    assert_allclose(tanh["std"], [np.tanh(z).std()], rtol=1e-14)


# one live unit of eight: the layer's activations are one direction
@pytest.mark.filterwarnings(
    "ignore:Hidden layer 0 has 8 distinct units, yet its activations have "
    "effective rank 1:skinit.exceptions.RankCollapseWarning"
)
def test_dead_units_warning_only_when_every_unit_is_dead(iris):
    # ReLU units with bias -100 are dead on standardized iris; one live unit
    # is enough to silence the warning (the fraction is reported either way)
    X, y = iris

    def biases(n_dead):
        return lambda shape, rs: np.where(np.arange(shape[0]) < n_dead, -100.0, 0.0)

    params = dict(hidden_layer_sizes=(8,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeadUnitsWarning)
        clf = MLPClassifier(
            init="he_normal", bias_init=[biases(7), "zeros"], **params
        ).fit(X, y)
    assert_allclose(clf.init_activation_stats_["dead_fraction"], [7 / 8])
    with pytest.warns(DeadUnitsWarning, match="Every unit of hidden layer 0 is dead"):
        clf = MLPClassifier(
            init="he_normal", bias_init=[biases(8), "zeros"], **params
        ).fit(X, y)
    assert_allclose(clf.activation_stats_["dead_fraction"], [1.0])


def test_distinct_units_at_the_start_and_the_end_differ(iris):
    # three pairs of equal incoming weights, but different outgoing ones:
    # 3 distinct units at the start, 6 once training has split the pairs
    X, y = iris

    def paired(shape, random_state):
        values = random_state.normal(size=shape)
        if shape == (4, 6):
            values[:, 3:] = values[:, :3]
        return values

    clf = MLPClassifier(
        hidden_layer_sizes=(6,), init=paired, max_iter=20, random_state=0
    ).fit(X, y)
    assert_array_equal(clf.init_n_distinct_units_, [3])
    assert_array_equal(clf.n_distinct_units_, [6])
    assert_array_equal(clf.unit_groups_[0], np.arange(6))
    assert_array_equal(clf.restart_results_["n_distinct_units"][0], [6])
    start = D.symmetry(clf.init_coefs_, clf.init_intercepts_)
    assert_array_equal(start["unit_groups"][0], [0, 1, 2, 0, 1, 2])


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e4])
def test_symmetry_tolerance_is_relative_to_the_largest_parameter(scale):
    # units 0 and 1 differ by 0.5e-6 of the largest parameter (2 * scale):
    # copies; units 0 and 2 by 3e-6 of it: distinct, at every scale
    W = scale * np.array([[2.0, 2.0 + 1e-6, 2.0 + 6e-6], [1.0, 1.0, 1.0]])
    result = D.symmetry([W, np.ones((3, 1))], [np.zeros(3), np.zeros(1)])
    assert_array_equal(result["unit_groups"][0], [0, 0, 1])
    assert_allclose(result["spread"], [scale * 1e-6], rtol=1e-6)
    # rtol sets the tolerance: with 1e-5 all three are one group
    loose = D.symmetry([W, np.ones((3, 1))], rtol=1e-5)
    assert_array_equal(loose["n_distinct_units"], [1])
    # the largest parameter is 2e-6: the tolerance is 2e-12, not rtol
    small = np.array([[2e-6, 2e-6 + 1e-12, 2e-6 + 5e-12]])
    assert_array_equal(D.unit_groups(small, np.zeros(3))[0], [0, 0, 1])


def test_symmetry_warning_for_a_single_pair_of_copies(iris):
    # units 0 and 5 start equal in and out: 5 distinct units of 6 at the end
    X, y = iris

    def one_pair(shape, random_state):
        values = random_state.normal(size=shape)
        if shape == (4, 6):
            values[:, 5] = values[:, 0]
        elif shape == (6, 3):
            values[5] = values[0]
        return values

    with pytest.warns(SymmetryWarning, match="ended with 5 distinct units out of 6"):
        clf = MLPClassifier(
            hidden_layer_sizes=(6,), init=one_pair, max_iter=5, random_state=0
        ).fit(X, y)
    assert_array_equal(clf.unit_groups_[0], [0, 1, 2, 3, 4, 0])


def test_all_zero_weights_are_no_rank_collapse(iris):
    # after one update only the output layer has learnt: the hidden layers'
    # weights are still zero, of effective rank 0 (no direction at all),
    # which is no collapse to one direction; their random biases keep their
    # units distinct
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(6, 6),
        activation="tanh",
        solver="sgd",
        batch_size=len(X),
        init="zeros",
        bias_init=RandomNormal(stddev=1.0),
        max_iter=1,
        random_state=0,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(X, y)
    assert_array_equal(clf.effective_rank_, [0.0, 0.0])
    assert_array_equal(clf.n_distinct_units_, [6, 6])
    assert_array_equal(clf.first_gradient_update_, [0, 0, 1])
    categories = [w.category for w in caught]
    assert RankCollapseWarning not in categories
    assert categories.count(VanishingGradientWarning) == 2


def test_activation_rank_of_a_wide_layer_on_a_sample_of_rows(iris):
    # iris: 150 rows of 4 features, so the rank of a layer wider than
    # isqrt(150 * 4) = 24 units is measured on every ceil(150 / 24) = 7th row
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(30,), max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    rows = D.hidden_activations(clf, X[::7])[0]
    by_hand = D.effective_rank(rows - rows.mean(axis=0))
    assert_allclose(clf.activation_stats_["effective_rank"], [by_hand], rtol=1e-6)
    all_rows = D.activation_stats(clf, X)["effective_rank"][0]
    assert not np.isclose(all_rows, by_hand)


def test_linear_layers_after_a_one_unit_layer_are_rank_one_by_construction(iris):
    # 4 -> 1 -> 5 -> 5 identity units: every layer after the one-unit layer
    # outputs one direction of the input, by construction, not by collapse
    X, y = iris
    reg = MLPRegressor(
        hidden_layer_sizes=(1, 5, 5),
        activation="identity",
        max_iter=5,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RankCollapseWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y)
    assert_allclose(reg.activation_stats_["effective_rank"][1:], [1.0, 1.0], rtol=1e-6)
    assert (reg.effective_rank_[2] > 1.5) and (reg.n_distinct_units_[2] == 5)


def test_a_layer_fed_by_one_feature_is_no_rank_collapse():
    # weights (1, 6): rank one by construction
    X = np.random.RandomState(0).normal(size=(100, 1))
    reg = MLPRegressor(hidden_layer_sizes=(6,), max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RankCollapseWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, X[:, 0] ** 2)
    assert_allclose(reg.effective_rank_, [1.0])
    assert reg.n_distinct_units_[0] == 6


def _diagnosed(weights_rank, activations_rank):
    """What warn_about reads of a fitted tanh network: one layer of 2 units."""
    return SimpleNamespace(
        n_features_in_=2,
        activation="tanh",
        n_distinct_units_=np.array([2]),
        unit_groups_=[np.array([0, 1])],
        gradient_norms_=np.ones((3, 2)),
        first_gradient_update_=np.array([1, 1]),
        effective_rank_=np.array([weights_rank]),
        activation_stats_={
            "dead_fraction": np.array([0.0]),
            "effective_rank": np.array([activations_rank]),
        },
    )


@pytest.mark.parametrize("what", ["incoming weights", "activations"])
@pytest.mark.parametrize("ratio, collapsed", [(100.0, False), (300.0, True)])
def test_rank_collapse_below_an_effective_rank_of_1_05(what, ratio, collapsed):
    # singular values 100 and 1: effective rank 1.057, two directions still;
    # 300 and 1: 1.023, one direction and rounding
    from skinit._diagnostics import warn_about

    rank = float(D.effective_rank(np.diag([ratio, 1.0])))
    assert round(rank, 3) == (1.023 if collapsed else 1.057)
    ranks = (rank, 2.0) if what == "incoming weights" else (2.0, rank)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_about(_diagnosed(*ranks))
    messages = [str(w.message) for w in caught if w.category is RankCollapseWarning]
    assert [m[: m.index(":")] for m in messages] == (
        [f"Hidden layer 0 has 2 distinct units, yet its {what} have effective rank "
         "1.023"] if collapsed else []
    )  # fmt: skip


def test_public_names_are_those_of_the_api_reference():
    # docs/api.rst lists these under skinit.diagnostics
    assert sorted(D.__all__) == [
        "SignalPropagation",
        "activation_stats",
        "effective_rank",
        "first_gradient_update",
        "hidden_activations",
        "signal_propagation",
        "symmetry",
        "unit_groups",
    ]
    assert all(callable(getattr(D, name)) for name in D.__all__)


def test_relu_units_after_a_one_unit_layer_may_collapse(iris):
    # unlike linear units, ReLU units fed by one unit can bend it into several
    # directions: all of them active (positive weights and biases on a
    # non-negative input), they output one direction, and that is a collapse
    X, y = iris

    def positive(shape, random_state):
        return random_state.uniform(0.5, 1.5, size=shape)

    reg = MLPRegressor(
        hidden_layer_sizes=(1, 5),
        init=positive,
        bias_init=Constant(1.0),
        solver="sgd",
        learning_rate_init=1e-6,
        max_iter=1,
        random_state=0,
    )
    with pytest.warns(RankCollapseWarning) as record:
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y)
    messages = [str(w.message) for w in record if w.category is RankCollapseWarning]
    assert [m[: m.index(":")] for m in messages] == [
        "Hidden layer 1 has 5 distinct units, yet its activations have effective "
        "rank 1.000"
    ]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_activation_stats_at_the_start_and_the_end_by_hand(iris):
    # each is measured with its own parameters, weights and biases (on all 150
    # rows: fewer than the sample's cap)
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(5,), activation="tanh", max_iter=30, random_state=0
    ).fit(X, y)
    for stats, coefs, intercepts in [
        (clf.init_activation_stats_, clf.init_coefs_, clf.init_intercepts_),
        (clf.activation_stats_, clf.coefs_, clf.intercepts_),
    ]:
        hidden = np.tanh(X @ coefs[0] + intercepts[0])
        assert_allclose(stats["mean"], [hidden.mean()], rtol=1e-12)
        assert_allclose(stats["std"], [hidden.std()], rtol=1e-12)


def test_units_that_collapse_in_training_are_no_symmetry_of_the_start(iris):
    # units 0 and 1 start distinct but dead (a bias of -100 under ReLU): the
    # weight penalty drives their weights to zero, and they end as one unit.
    # That is no symmetry of the start, and a random init (the warning's
    # advice) is what they had: no SymmetryWarning
    X, y = iris

    def dead_pair(shape, random_state):
        values = random_state.normal(scale=0.1, size=shape)
        if shape == (6,):
            values[:2] = -100.0
        return values

    params = dict(hidden_layer_sizes=(6,), alpha=1.0, learning_rate_init=0.05, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("error", SymmetryWarning)
        clf = MLPClassifier(bias_init=dead_pair, random_state=0, **params).fit(X, y)
    assert list(clf.init_n_distinct_units_) == [6]
    assert list(clf.n_distinct_units_) == [5]  # they did collapse
    assert clf.unit_groups_[0][0] == clf.unit_groups_[0][1]
