# SPDX-License-Identifier: BSD-3-Clause
"""The numerical core: gradients, losses and the restart axis."""

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from packaging.version import Version
from sklearn.neural_network._base import LOSS_FUNCTIONS

from skinit._engine import Layout, Objective, Workspace

LOSSES = [
    ("log_loss", "softmax"),
    ("binary_log_loss", "logistic"),
    ("squared_error", "identity"),
    ("poisson", "exp"),
]


def _problem(loss, n_networks=1, n_samples=9, units=(4, 5, 3, 2), seed=0):
    rng = np.random.RandomState(seed)
    layout = Layout(units)
    theta = rng.normal(scale=0.5, size=(n_networks, layout.n_params))
    X = rng.normal(size=(n_samples, units[0]))
    if loss == "log_loss":
        y = np.eye(units[-1])[rng.randint(units[-1], size=n_samples)]
    elif loss == "binary_log_loss":
        y = rng.randint(2, size=(n_samples, units[-1])).astype(float)
    else:
        y = rng.uniform(0, 2, size=(n_samples, units[-1]))
    return layout, theta, X, y


@pytest.mark.parametrize("exact", [False, True], ids=["compiled", "exact"])
@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
@pytest.mark.parametrize("loss, out_activation", LOSSES)
@pytest.mark.parametrize("weighted", [False, True])
def test_gradient_matches_finite_differences(
    activation, loss, out_activation, weighted, exact
):
    layout, theta, X, y = _problem(loss)
    sample_weight = np.linspace(0.5, 2, X.shape[0]) if weighted else None
    objective = Objective(
        layout,
        alpha=0.3,
        loss=loss,
        activation=activation,
        out_activation=out_activation,
        exact=exact,
    )
    workspace = Workspace(layout, 1, X.shape[0], theta.dtype)
    grad = np.empty_like(theta)

    def f(params):
        g = np.empty_like(params)
        value = objective.loss_grad(params, g, X, y, sample_weight, workspace)[0]
        if loss != "squared_error":
            return value
        # scikit-learn's squared error averages over outputs but its gradient
        # sums over them (delta = y_pred - y); reproduced for parity
        coef_part = params[0, : layout.n_coef_params]
        sw_sum = X.shape[0] if sample_weight is None else sample_weight.sum()
        penalty = 0.5 * 0.3 * coef_part @ coef_part / sw_sum
        return (value - penalty) * y.shape[1] + penalty

    objective.loss_grad(theta, grad, X, y, sample_weight, workspace)
    eps = 1e-6
    numeric = np.empty(layout.n_params)
    for i in range(layout.n_params):
        step = np.zeros_like(theta)
        step[0, i] = eps
        numeric[i] = (f(theta + step) - f(theta - step)) / (2 * eps)
    assert_allclose(grad[0], numeric, rtol=1e-5, atol=1e-7)


def _tanh_objective(layout, loss, out_activation, exact):
    return Objective(
        layout,
        alpha=0.0,
        loss=loss,
        activation="tanh",
        out_activation=out_activation,
        exact=exact,
    )


@pytest.mark.skipif(
    Version(sklearn.__version__) < Version("1.7"),
    reason="scikit-learn < 1.7 has no weighted (or poisson) MLP losses to compare",
)
@pytest.mark.parametrize("exact, rtol", [(False, 1e-12), (True, 0)])
@pytest.mark.parametrize("loss, out_activation", LOSSES)
def test_loss_matches_sklearn(loss, out_activation, exact, rtol):
    layout, theta, X, y = _problem(loss)
    objective = _tanh_objective(layout, loss, out_activation, exact)
    y_pred = objective.predict(theta, X)[0]
    sample_weight = np.linspace(0.5, 2, X.shape[0])
    workspace = Workspace(layout, 1, X.shape[0], theta.dtype)
    grad = np.empty_like(theta)
    for sw in (None, sample_weight):
        expected = LOSS_FUNCTIONS[loss](y, y_pred, sample_weight=sw)
        got = objective.loss_grad(theta, grad, X, y, sw, workspace)
        assert_allclose(got, [expected], rtol=rtol)


@pytest.mark.parametrize("exact", [False, True], ids=["compiled", "exact"])
@pytest.mark.parametrize("loss, out_activation", LOSSES)
@pytest.mark.parametrize("per_network_input", [False, True, "sparse"])
def test_networks_are_independent_along_restart_axis(
    loss, out_activation, per_network_input, exact
):
    """K networks in one call give, bit for bit, what K separate calls give."""
    n_networks = 3
    layout, theta, X, y = _problem(loss, n_networks=n_networks)
    rng = np.random.RandomState(1)
    rows = np.array([rng.permutation(X.shape[0]) for _ in range(n_networks)])
    sample_weight = rng.uniform(0.5, 2, X.shape[0])
    objective = Objective(
        layout,
        alpha=0.1,
        loss=loss,
        activation="relu",
        out_activation=out_activation,
        exact=exact,
    )
    if per_network_input == "sparse":
        Xs = [sp.csr_matrix(X[r]) for r in rows]
    elif per_network_input:
        Xs = X[rows]
    if per_network_input is False:
        batch = (X, y, sample_weight)
        singles = [batch] * n_networks
    else:
        batch = (Xs, y[rows], sample_weight[rows])
        singles = [
            (X[r] if per_network_input is True else Xs[k], y[r], sample_weight[r])
            for k, r in enumerate(rows)
        ]
    grad = np.empty_like(theta)
    workspace = Workspace(layout, n_networks, X.shape[0], theta.dtype)
    losses = objective.loss_grad(theta, grad, *batch, workspace)
    single_workspace = Workspace(layout, 1, X.shape[0], theta.dtype)
    for k, single in enumerate(singles):
        g = np.empty_like(theta[k : k + 1])
        loss_k = objective.loss_grad(theta[k : k + 1], g, *single, single_workspace)
        assert losses[k] == loss_k[0]
        assert_array_equal(grad[k], g[0])


@pytest.mark.parametrize("n_samples", [1, 9, 37])
def test_wide_first_layer_equals_one_product_per_network(n_samples):
    """Networks sharing their rows: ``X @ [W_1 ... W_K]`` as one product."""
    layout, theta, X, y = _problem("log_loss", n_networks=4, n_samples=n_samples)
    objective = Objective(
        layout, alpha=0.1, loss="log_loss", activation="tanh", out_activation="softmax"
    )
    results = []
    for wide in (False, True):
        grad = np.empty_like(theta)
        workspace = Workspace(layout, 4, n_samples, theta.dtype, wide=wide)
        results.append((objective.loss_grad(theta, grad, X, y, None, workspace), grad))
    assert_allclose(results[1][0], results[0][0], rtol=1e-13)
    assert_allclose(results[1][1], results[0][1], rtol=1e-12, atol=1e-15)


def test_layout_packs_like_sklearn():
    layout = Layout([3, 4, 2])
    coefs = [np.arange(12.0).reshape(3, 4), np.arange(8.0).reshape(4, 2)]
    intercepts = [np.arange(4.0), np.arange(2.0)]
    row = layout.pack(coefs, intercepts, np.float64)
    expected = np.hstack([a.ravel() for a in coefs + intercepts])
    assert_allclose(row[0], expected)
    back_coefs, back_intercepts = layout.unpack(row[0])
    for a, b in zip(back_coefs + back_intercepts, coefs + intercepts):
        assert_allclose(a, b)
    views, _ = layout.views(row)
    views[1][0, 0, 0] = -1.0  # views write through to the packed array
    assert row[0, 12] == -1.0


def test_memory_of_k_networks_grows_by_four_copies_of_their_parameters():
    # each more network costs its parameters four times (the values trained,
    # the starting values kept for init_coefs_, two adam moments), its share
    # of a group's activations and nothing else: a copy of the batch's
    # parameters or optimizer state made in passing would show here (the
    # parameters dwarf the data, and no diagnostics, so they set the peak)
    import tracemalloc

    from skinit import MLPClassifier
    from skinit._engine import group_size

    rng = np.random.RandomState(0)
    X = rng.randn(400, 20)
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    hidden = (256, 256)
    layout = Layout([20, *hidden, 3])

    def peak(n_restarts):
        est = MLPClassifier(
            hidden, n_restarts=n_restarts, max_iter=2, tol=0, diagnostics=False
        )
        est.fit(X, y)  # loads the compiled kernels once
        tracemalloc.start()
        try:
            est.fit(X, y)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    def activations(n_restarts):
        group = group_size(layout, 200, 8, n_restarts)
        return 2 * 8 * group * 200 * sum(layout.layer_units[1:])

    k = 8
    per_network = 8 * layout.n_params
    growth = peak(k) - peak(1)
    allowed = 4 * (k - 1) * per_network + activations(k) - activations(1)
    assert growth <= allowed + 0.5 * per_network


@pytest.mark.parametrize("exact", [False, True], ids=["compiled", "exact"])
@pytest.mark.parametrize("loss, out_activation", LOSSES[:2])
def test_float32_log_loss_clips_at_float32_eps_as_sklearn(loss, out_activation, exact):
    # outputs pushed to 0 and 1: scikit-learn clips the probabilities at the
    # eps of their dtype, 1.2e-7 in float32 (a loss of about 16 per sample)
    layout, theta, X, y = _problem(loss)
    theta = (theta * 40).astype(np.float32)
    X, y = X.astype(np.float32), y.astype(np.float32)
    objective = _tanh_objective(layout, loss, out_activation, exact)
    y_pred = objective.predict(theta, X)[0]
    assert y_pred.min() < np.finfo(np.float32).eps  # the clip matters
    expected = LOSS_FUNCTIONS[loss](y, y_pred)
    workspace = Workspace(layout, 1, X.shape[0], theta.dtype)
    got = objective.loss_grad(theta, np.empty_like(theta), X, y, None, workspace)
    assert_allclose(got, [expected], rtol=1e-5)
