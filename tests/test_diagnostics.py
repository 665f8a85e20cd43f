# SPDX-License-Identifier: BSD-3-Clause
"""The classic claims about initialization, as exact outcomes of fresh fits."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import neural_network
from sklearn.datasets import load_digits, load_iris, make_moons
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
    with pytest.warns(RankCollapseWarning, match="16 distinct units, yet its"):
        relu.fit(X, y)
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
