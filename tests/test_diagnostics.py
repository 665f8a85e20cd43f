# SPDX-License-Identifier: BSD-3-Clause
"""The classic claims about initialization, as exact outcomes of fresh fits."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import neural_network
from sklearn.datasets import load_digits, load_iris
from sklearn.preprocessing import StandardScaler

from skinit import MLPClassifier, MLPRegressor
from skinit import diagnostics as D
from skinit.exceptions import (
    DeadUnitsWarning,
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
    if activation == "relu" and np.any(clf.activation_stats_["dead_fraction"] == 1):
        return  # the layers died: nothing to tell apart either way
    assert_array_equal(clf.n_distinct_units_, [1, 1])
    assert all(len(set(groups)) == 1 for groups in clf.unit_groups_)
    assert len(record) >= 1
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
    with pytest.warns(VanishingGradientWarning, match="Layer 0 never received"):
        clf.fit(X, y)
    assert_array_equal(clf.coefs_[0], 0)
    assert_array_equal(clf.coefs_[1], 0)
    assert_array_equal(clf.first_gradient_update_[:2], [0, 0])
    # tanh(0) = 0 feeds the output layer nothing either: only its bias learns
    assert_array_equal(clf.coefs_[2], 0)
    assert np.abs(clf.intercepts_[2]).max() > 0


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


def test_diagnostics_accept_sklearn_estimators(iris):
    X, y = iris
    ours = MLPClassifier(hidden_layer_sizes=(6,), max_iter=20, random_state=0)
    theirs = neural_network.MLPClassifier(
        hidden_layer_sizes=(6,), max_iter=20, random_state=0
    )
    ours.fit(X, y)
    theirs.fit(X, y)
    assert_array_equal(D.symmetry(theirs)["n_distinct_units"], ours.n_distinct_units_)
    theirs_stats = D.activation_stats(theirs, X)  # iris: fewer than 1000 samples
    for key, value in ours.activation_stats_.items():
        assert_allclose(theirs_stats[key], value, rtol=1e-10)


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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    assert clf.n_iter_ == 0
    assert clf.gradient_norms_.shape == (0, 2)
    assert_array_equal(clf.first_gradient_update_, [0, 0])


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


@pytest.mark.parametrize("seed", range(4))
def test_unit_groups_equal_the_pairwise_definition(seed):
    rng = np.random.RandomState(seed)
    for _ in range(300):
        coef, intercept = _near_copies(rng)
        rtol = rng.choice([0.0, 1e-6, 1e-3, 0.1])
        labels, spread = D.unit_groups(coef, intercept, rtol)
        expected_labels, expected_spread = _unit_groups_pairwise(coef, intercept, rtol)
        assert_array_equal(labels, expected_labels)
        assert spread == expected_spread


@pytest.mark.parametrize("step", [0.5, 0.9, 1.0, 1.0 + 1e-7, 1.1])
def test_unit_groups_chains_and_the_tolerance_boundary(step):
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
