# SPDX-License-Identifier: BSD-3-Clause
"""Signal propagation against theory, and against an independent computation."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from sklearn import neural_network
from sklearn.base import clone
from sklearn.datasets import load_digits, load_iris
from sklearn.preprocessing import StandardScaler

from skinit import MLPClassifier, MLPRegressor
from skinit.diagnostics import signal_propagation
from skinit.initializers import RandomNormal, VarianceScaling

PHI = {
    "identity": lambda h: h,
    "relu": lambda h: np.maximum(h, 0.0),
    "tanh": np.tanh,
    "logistic": expit,
}


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _numerical_jacobian(f, x, step=1e-6):
    """Central differences of ``f`` at ``x``: ``(len(x), len(f(x)))``."""
    rows = []
    for i in range(len(x)):
        e = np.zeros_like(x)
        e[i] = step
        rows.append((f(x + e) - f(x - e)) / (2 * step))
    return np.array(rows)


def reference(coefs, intercepts, activation, X):
    """The definitions, one sample and one layer at a time, by finite differences.

    Shares nothing with skinit: plain loops, the activation functions
    themselves (no derivative formulas) and numerical Jacobians.
    """
    phi = PHI[activation]
    hidden = list(zip(coefs[:-1], intercepts[:-1]))
    gains, chis = [], []
    a, previous = X, X.var()
    for w, b in hidden:
        h = a @ w + b
        gains.append(h.var() / previous)
        previous = h.var()

        def layer(v, w=w, b=b):
            return phi(v @ w + b)

        frobenius = [np.sum(_numerical_jacobian(layer, row) ** 2) for row in a]
        chis.append(np.mean(frobenius) / w.shape[1])
        a = phi(h)

    def network(x):
        for w, b in hidden:
            x = phi(x @ w + b)
        return x

    singular_values = [
        np.linalg.svd(_numerical_jacobian(network, x), compute_uv=False) for x in X
    ]
    return np.array(gains), np.array(chis), np.array(singular_values)


def assert_matches_reference(result, row, coefs, intercepts, activation, X):
    gains, chis, singular_values = reference(coefs, intercepts, activation, X)
    assert_allclose(result.forward_gain[row], gains, rtol=1e-10)
    assert_allclose(result.chi[row], chis, rtol=1e-6)
    assert_allclose(
        result.jacobian_singular_values[row], singular_values, rtol=1e-6, atol=1e-9
    )
    assert_allclose(result.trainable_depth[row], 6 / abs(np.log(chis[-1])), rtol=1e-6)


# -- the function on every kind of estimator ---------------------------------------


@pytest.mark.parametrize("activation", ["tanh", "logistic"])
def test_unfitted_estimator_draws_the_starts_of_fit_for_every_restart(iris, activation):
    X, y = iris
    estimator = MLPClassifier(
        hidden_layer_sizes=(5, 4),
        activation=activation,
        init="glorot_normal",
        bias_init=RandomNormal(stddev=0.5),
        n_restarts=3,
        max_iter=1,
        random_state=0,
    )
    sample = X[::10]  # 15 rows: all used, all with a Jacobian
    result = signal_propagation(estimator, sample, jacobian_samples=len(sample))
    assert not hasattr(estimator, "coefs_")
    assert not result.fitted
    assert_array_equal(result.restarts, [0, 1, 2])
    assert result.chi.shape == (3, 2)
    assert result.jacobian_singular_values.shape == (3, 15, 4)
    seeds = clone(estimator).fit(X, y).restart_seeds_
    for k, seed in enumerate(seeds):
        # restart k is the single fit seeded with restart_seeds_[k]
        single = clone(estimator).set_params(n_restarts=1, random_state=seed)
        single.fit(X, y)
        assert_matches_reference(
            result, k, single.init_coefs_, single.init_intercepts_, activation, sample
        )


def test_fitted_estimator_uses_its_fitted_weights(iris):
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(6, 5), activation="tanh", n_restarts=3, random_state=0
    ).fit(X, y)
    sample = X[::10]
    result = signal_propagation(clf, sample, jacobian_samples=len(sample))
    assert result.fitted
    assert_array_equal(result.restarts, [clf.best_restart_])
    assert result.chi.shape == (1, 2)
    assert_matches_reference(
        result, 0, clf.coefs_, clf.intercepts_, clf.activation, sample
    )


# 3 features to 3 units: the Jacobian is accumulated from the input's end; 4
# features to 2 units, through 5 and 3: from the output's end
@pytest.mark.parametrize("hidden, n_features", [((7, 3), 3), ((5, 3, 2), 4)])
def test_fitted_sklearn_estimator(iris, hidden, n_features):
    X, y = iris
    theirs = neural_network.MLPRegressor(
        hidden_layer_sizes=hidden, activation="logistic", max_iter=50, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # not converged
        theirs.fit(X[:, :n_features], y)
    sample = X[::7, :n_features]
    result = signal_propagation(theirs, sample, jacobian_samples=len(sample))
    assert_array_equal(result.restarts, [0])
    assert_matches_reference(
        result, 0, theirs.coefs_, theirs.intercepts_, "logistic", sample
    )


def test_unfitted_sklearn_estimator_is_read_with_its_own_starting_weights(iris):
    X, y = iris
    params = dict(hidden_layer_sizes=(6,), activation="tanh", random_state=3)
    # one sgd epoch at a rate of 1e-300 moves no weight: scikit-learn's own
    # starting weights, independently of skinit
    started = neural_network.MLPClassifier(
        solver="sgd", momentum=0.0, learning_rate_init=1e-300, max_iter=1, **params
    )
    with pytest.warns(Warning):  # not converged
        started.fit(X, y)
    result = signal_propagation(
        neural_network.MLPClassifier(**params), X, jacobian_samples=len(X)
    )
    assert_matches_reference(result, 0, started.coefs_, started.intercepts_, "tanh", X)


def test_y_makes_a_data_dependent_start_that_of_fit():
    # LSUV's data sample is drawn after the output layer, whose size is y's
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    estimator = MLPClassifier(
        hidden_layer_sizes=(16, 16),
        init="lsuv",
        restart_scoring="accuracy",
        n_restarts=2,
        max_iter=1,
        random_state=0,
    )
    sample = X[::60]
    result = signal_propagation(estimator, X, y, n_samples=len(sample))
    without_y = signal_propagation(estimator, X, n_samples=len(sample))
    fitted = clone(estimator).fit(X, y)
    best = fitted.best_restart_
    gains, chis, _ = reference(
        fitted.init_coefs_, fitted.init_intercepts_, "relu", result_rows(X, result)
    )
    assert_allclose(result.forward_gain[best], gains, rtol=1e-10)
    assert_allclose(result.chi[best], chis, rtol=1e-6)
    assert not np.allclose(without_y.forward_gain[best], gains, rtol=1e-6)


def result_rows(X, result):
    """The evenly spaced rows signal_propagation reads."""
    return X[:: int(np.ceil(len(X) / result.n_samples))]


def test_a_random_state_instance_is_not_consumed(iris):
    X, y = iris
    rng = np.random.RandomState(0)
    estimator = MLPClassifier(hidden_layer_sizes=(5,), max_iter=1, random_state=rng)
    result = signal_propagation(estimator, X, jacobian_samples=len(X))
    estimator.fit(X, y)  # draws what it would have drawn without the call
    fresh = MLPClassifier(
        hidden_layer_sizes=(5,), max_iter=1, random_state=np.random.RandomState(0)
    ).fit(X, y)
    assert_array_equal(estimator.init_coefs_[0], fresh.init_coefs_[0])
    assert_matches_reference(
        result, 0, fresh.init_coefs_, fresh.init_intercepts_, "relu", X
    )


def test_sparse_input_gives_the_dense_result(iris):
    X, _ = iris
    estimator = MLPRegressor(hidden_layer_sizes=(6, 6), activation="tanh", n_restarts=2)
    estimator.set_params(random_state=0)
    # not centered, with zeros: the input's variance is not its mean square
    X = np.where(X > 0, X + 1.0, 0.0)
    dense = signal_propagation(estimator, X)
    # restart 0's first layer is the single fit's starting one
    single = clone(estimator).set_params(n_restarts=1, max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        single.fit(X, X[:, 0])
    h = X @ single.init_coefs_[0] + single.init_intercepts_[0]
    assert_allclose(dense.forward_gain[0, 0], np.var(h) / np.var(X), rtol=1e-12)
    for sparse in (sp.csr_matrix(X), sp.csc_matrix(X)):
        result = signal_propagation(estimator, sparse)
        for key in ("forward_gain", "chi", "jacobian_singular_values"):
            assert_allclose(result[key], dense[key], rtol=1e-12)


def test_jacobians_of_evenly_spaced_rows_and_in_chunks(iris, monkeypatch):
    X = iris[0][:30]
    theirs = neural_network.MLPRegressor(
        hidden_layer_sizes=(5, 3), activation="tanh", max_iter=20, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # not converged
        theirs.fit(X, iris[1][:30])
    # four of 30 rows: every ceil(30 / 4) = 8th, not the first four
    few = signal_propagation(theirs, X, jacobian_samples=4)
    assert few.n_jacobian_samples == 4
    _, _, singular_values = reference(theirs.coefs_, theirs.intercepts_, "tanh", X[::8])
    assert_allclose(few.jacobian_singular_values[0], singular_values, rtol=1e-6)
    # samples in chunks of one: the same values as all at once
    every = signal_propagation(theirs, X, jacobian_samples=len(X))
    monkeypatch.setattr("skinit._signal._CHUNK_BYTES", 1)
    chunked = signal_propagation(theirs, X, jacobian_samples=len(X))
    assert chunked.jacobian_singular_values.shape == (1, 30, 3)
    assert_allclose(
        chunked.jacobian_singular_values, every.jacobian_singular_values, rtol=1e-12
    )


def test_wrong_estimator_or_features_are_clear_errors(iris):
    X, y = iris
    with pytest.raises(TypeError, match="needs a multi-layer perceptron"):
        signal_propagation(StandardScaler(), X)
    # seeded: a rare random start of this tiny fit ends with a diagnostic warning
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=5, random_state=0)
    clf.fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but MLPClassifier"):
        signal_propagation(clf, X[:, :3])
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        signal_propagation(MLPClassifier(hidden_layer_sizes=(0,)), X)
    with pytest.raises(ValueError, match="n_samples must be a positive int; got 0"):
        signal_propagation(clf, X, n_samples=0)
    with pytest.raises(ValueError, match="a positive int or 'auto'; got 'all'"):
        signal_propagation(clf, X, jacobian_samples="all")
    with pytest.raises(ValueError, match="a positive int or 'auto'; got 0"):
        signal_propagation(clf, X, jacobian_samples=0)
    with pytest.raises(ValueError, match="n_samples must be a positive int; got True"):
        signal_propagation(clf, X, n_samples=True)


def test_repr_is_a_table_of_medians():
    X = np.random.RandomState(0).normal(size=(40, 4))
    result = signal_propagation(
        MLPRegressor(
            hidden_layer_sizes=(4, 4),
            activation="identity",
            init="orthogonal",
            n_restarts=3,
            random_state=0,
        ),
        X,
    )
    lines = repr(result).splitlines()
    assert lines[0] == (
        "SignalPropagation: 3 initial networks, identity units, layers 4 -> 4 -> 4,"
        " on 40 samples"
    )
    assert lines[1].split() == ["hidden", "layer", "0", "1"]
    # a square orthogonal map keeps the total variance of centered data: gain 1
    assert lines[2].split()[0] == "forward_gain"
    assert lines[3].split() == ["chi", "1", "1"]
    assert "median condition number 1" in lines[5]
    assert lines[6].split()[:2] == ["trainable_depth", "inf"]


# -- the claims of the theory -------------------------------------------------------


def _deep_linear(init, depth, width, n_restarts=20):
    X = np.random.RandomState(0).normal(size=(50, width))
    estimator = MLPRegressor(
        hidden_layer_sizes=(width,) * depth,
        activation="identity",
        init=init,
        n_restarts=n_restarts,
        random_state=0,
    )
    # a linear network has the same Jacobian at every input: one suffices
    return signal_propagation(estimator, X, jacobian_samples=1)


@pytest.mark.parametrize("depth", [1, 3, 10])
def test_orthogonal_deep_linear_network_is_an_isometry(depth):
    # a product of square orthogonal matrices is orthogonal
    result = _deep_linear("orthogonal", depth, width=16)
    assert_allclose(result.jacobian_singular_values, 1.0, atol=1e-10)
    assert_allclose(result.jacobian_condition_number, 1.0, atol=1e-10)
    assert_allclose(result.chi, 1.0, atol=1e-12)


def test_gaussian_deep_linear_network_spreads_its_singular_values_with_depth():
    # the same variance 1/n per weight as the orthogonal start; a product of
    # L such Gaussian matrices has squared singular values of mean 1 and
    # second moment L + 1 (Fuss-Catalan law of free probability, the limit
    # of wide layers; at width 64, 1/n corrections of a few percent)
    gaussian = VarianceScaling(1.0, distribution="untruncated_normal")
    spreads = []
    for depth in (1, 2, 4, 10):
        result = _deep_linear(gaussian, depth, width=64)
        squared = result.jacobian_singular_values**2
        if depth < 10:  # at depth 10 the moments are dominated by rare values
            assert_allclose(squared.mean(), 1.0, rtol=0.05)
            assert_allclose((squared**2).mean(), depth + 1, rtol=0.08)
        spreads.append(np.log(result.jacobian_singular_values).std())
    assert np.all(np.diff(spreads) > 0.5), spreads
    orthogonal = _deep_linear("orthogonal", 10, width=64)
    assert np.log(orthogonal.jacobian_singular_values).std() < 1e-12


@pytest.mark.parametrize(
    "init, first, gain, tol",
    [("he_uniform", 2.0, 1.0, 0.1), ("glorot_uniform", 50 * 2 / 550, 0.5, 0.05)],
)
def test_relu_forward_gain_of_he_and_glorot(init, first, gain, tol):
    # A ReLU zeroes half of a symmetric pre-activation, so E[relu(h)^2] =
    # Var(h) / 2 and a layer of fan-in n and weight variance s multiplies
    # the variance by n s / 2: He's s = 2 / n keeps it, Glorot's s = 2 / (n +
    # n) halves it. The first layer sees the raw input: gain n s.
    # At width 500 the gain of one network is a chi-square-like average over
    # its units, of relative spread about sqrt(2 * 2 / 500) = 0.09: each
    # restart stays within 3.5 spreads, their mean within 3.5 / sqrt(10).
    X = np.random.RandomState(0).normal(size=(300, 50))
    estimator = MLPRegressor(
        hidden_layer_sizes=(500,) * 6, init=init, n_restarts=10, random_state=0
    )
    result = signal_propagation(estimator, X, jacobian_samples=1)
    assert_allclose(result.forward_gain[:, 0], first, rtol=0.05)
    after_first = result.forward_gain[:, 1:]
    assert_allclose(after_first, gain, rtol=0.3)
    assert_allclose(after_first.mean(axis=0), gain, atol=tol)


def _mean_field_tanh(weight_variance, depth):
    """Poole et al.'s recursion for zero biases and unit input variance.

    ``q`` is the variance of the pre-activations of a layer of infinite
    width, ``chi`` its gradient gain, by Gauss-Hermite quadrature.
    """
    z, w = np.polynomial.hermite_e.hermegauss(101)
    w = w / w.sum()
    q, chis = weight_variance, []
    for _ in range(depth):
        tanh = np.tanh(np.sqrt(q) * z)
        chis.append(weight_variance * (w * (1 - tanh**2) ** 2).sum())
        q = weight_variance * (w * tanh**2).sum()
    return np.array(chis)


@pytest.mark.parametrize("weight_variance, deepest", [(0.5, 0.5), (1, 0.9), (4, 1.35)])
def test_tanh_chi_below_at_and_above_the_edge_of_chaos(weight_variance, deepest):
    X = np.random.RandomState(0).normal(size=(500, 100))
    estimator = MLPRegressor(
        hidden_layer_sizes=(500,) * 10,
        activation="tanh",
        init=VarianceScaling(weight_variance, distribution="uniform"),
        n_restarts=4,
        random_state=0,
    )
    result = signal_propagation(estimator, X, jacobian_samples=1)
    theory = _mean_field_tanh(weight_variance, 10)
    # width 500: finite-width corrections of order 1 / 500
    assert_allclose(result.chi, np.broadcast_to(theory, result.chi.shape), atol=0.02)
    assert_allclose(result.chi[:, -1], deepest, atol=0.02)
    assert_allclose(result.trainable_depth, 6 / abs(np.log(theory[-1])), rtol=0.1)
    if weight_variance == 1:
        # at the edge, q decays like 1 / depth: chi creeps up to 1 from below
        assert np.all(np.diff(result.chi, axis=1) > 0)
        assert np.all(result.chi < 1)


def test_auto_jacobian_samples_cost_a_third_of_an_epoch():
    # 8 features, hidden layers of 16 and 16, one output: an epoch on 1000
    # rows costs 6 * 1000 flops per weight (8*16 + 16*16 + 16 = 400 weights);
    # a Jacobian 2k per weight between hidden layers (16*16) plus its SVD's
    # 8 k^2 max(8, 16), with k = min(8, 16) = 8: 12288 flops. A third of an
    # epoch, 800000 flops, affords 65 Jacobians: every 16th of the 1000 rows
    X = np.random.RandomState(0).normal(size=(1000, 8))
    estimator = MLPRegressor(hidden_layer_sizes=(16, 16), random_state=0)
    result = signal_propagation(estimator, X)
    assert result.n_jacobian_samples == len(range(0, 1000, 16)) == 63
    assert result.jacobian_singular_values.shape == (1, 63, 8)


def test_a_jacobian_singular_to_working_precision_has_infinite_condition():
    # identity units: the Jacobian is the weight matrix, here with singular
    # values 1 (seven times) and 8e-16: below numpy.linalg.matrix_rank's
    # tolerance, k * eps = 1.8e-15 for k = 8, so it is singular
    rng = np.random.RandomState(0)
    u, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    v, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    W = u @ np.diag([1.0] * 7 + [8e-16]) @ v.T
    assert np.linalg.matrix_rank(W) == 7
    X = rng.normal(size=(20, 8))
    reg = neural_network.MLPRegressor(
        hidden_layer_sizes=(8,), activation="identity", max_iter=1
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg.fit(X, X[:, 0])
    reg.coefs_[0] = W
    result = signal_propagation(reg, X, jacobian_samples=3)
    assert_allclose(result.jacobian_singular_values[0, :, 0], 1.0, rtol=1e-12)
    assert_array_equal(result.jacobian_condition_number, np.inf)
    # a smallest singular value of 1e-14 is not singular: its condition number
    reg.coefs_[0] = u @ np.diag([1.0] * 7 + [1e-14]) @ v.T
    result = signal_propagation(reg, X, jacobian_samples=3)
    assert_allclose(result.jacobian_condition_number, 1e14, rtol=1e-2)


@pytest.mark.parametrize("n_layers, elided", [(12, False), (13, True)])
def test_repr_shows_up_to_twelve_layers(n_layers, elided):
    from skinit._signal import SignalPropagation

    result = SignalPropagation(
        forward_gain=np.ones((1, n_layers)),
        chi=np.ones((1, n_layers)),
        jacobian_singular_values=np.ones((1, 1, 2)),
        jacobian_condition_number=np.ones((1, 1)),
        trainable_depth=np.array([np.inf]),
        restarts=np.array([0]),
        fitted=False,
        activation="tanh",
        layer_widths=[2] * (n_layers + 1),
        n_samples=5,
        n_jacobian_samples=1,
    )
    table = repr(result).splitlines()[1:4]
    header = table[0].split()
    assert ("..." in header) == elided
    assert header[-1] == str(n_layers - 1)
    # right-aligned columns as wide as their widest cell, "10" and "11" too
    assert [len(line) for line in table] == [len(table[0])] * 3
    assert table[2].endswith("   1")


def _measured(n_restarts, n_layers, **changes):
    from skinit._signal import SignalPropagation

    fields = dict(
        forward_gain=np.ones((n_restarts, n_layers)),
        chi=np.ones((n_restarts, n_layers)),
        jacobian_singular_values=np.ones((n_restarts, 1, 2)),
        jacobian_condition_number=np.ones((n_restarts, 1)),
        trainable_depth=np.full(n_restarts, np.inf),
        restarts=np.arange(n_restarts),
        fitted=False,
        activation="tanh",
        layer_widths=[2] * (n_layers + 1),
        n_samples=5,
        n_jacobian_samples=1,
    )
    return SignalPropagation(**{**fields, **changes})


def test_repr_of_thirteen_layers_by_hand():
    # three restarts whose medians (not means) are the first two rows'; the
    # first five and the last five layers shown, numbers right-aligned
    g = np.arange(1, 14) / 2
    c = 1 + np.arange(13) / 100
    result = _measured(
        3,
        13,
        forward_gain=np.vstack([g, g, 4 * g]),
        chi=np.vstack([c, c / 2, c]),
        # 0 .. 20: quantiles 1 (5%), 10 (50%) and 19 (95%)
        jacobian_singular_values=np.arange(21.0).reshape(3, 7, 1),
        jacobian_condition_number=np.array([[1.0, 2.0, 100.0]]),
        trainable_depth=np.array([1.0, 2.0, 9.0]),
        layer_widths=[3] + [8] * 13,
        n_samples=50,
    )
    widths = " -> ".join(["3"] + ["8"] * 13)
    assert repr(result).splitlines() == [
        f"SignalPropagation: 3 initial networks, tanh units, layers {widths}, "
        "on 50 samples",
        "  hidden layer    0     1     2     3     4  ...     8     9   10    11    12",
        "  forward_gain  0.5     1   1.5     2   2.5  ...   4.5     5  5.5     6   6.5",
        "  chi             1  1.01  1.02  1.03  1.04  ...  1.08  1.09  1.1  1.11  1.12",
        "  (medians over the 3 restarts)",
        "  jacobian_singular_values (3, 7, 1): median 10, 5%-95% 1 .. 19; median "
        "condition number 2",
        "  trainable_depth 2 layers (6 / |ln chi| of the deepest layer)",
    ]


def test_repr_of_one_network_initial_or_fitted():
    lines = repr(_measured(1, 2)).splitlines()
    assert lines[0].startswith("SignalPropagation: 1 initial network, tanh units")
    assert not [line for line in lines if "medians over" in line]
    fitted = _measured(1, 2, fitted=True, restarts=np.array([2]))
    assert repr(fitted).startswith("SignalPropagation: fitted network (restart 2), ")


@pytest.mark.parametrize("Estimator", [MLPClassifier, neural_network.MLPClassifier])
def test_no_hidden_layer_is_refused_clearly(iris, Estimator):
    X, y = iris
    estimator = Estimator(hidden_layer_sizes=())
    with pytest.raises(
        ValueError,
        match=r"^signal_propagation measures how the hidden layers carry the "
        r"signal; MLPClassifier with hidden_layer_sizes=\(\) has none",
    ):
        signal_propagation(estimator, X, y)
