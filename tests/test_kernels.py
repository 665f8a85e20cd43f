# SPDX-License-Identifier: BSD-3-Clause
"""The fused kernels: compiled against numpy, and the optimizers against
scikit-learn's own."""

import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

import skinit
from skinit._engine import Layout
from skinit._kernels import NUMBA, NUMPY, kernels

# the numpy kernels' tests run without numba too (SKINIT_NUMBA=0)
needs_numba = pytest.mark.skipif(NUMBA is None, reason="numba is not installed")
KERNEL_SETS = [pytest.param("numba", marks=needs_numba), "numpy"]

DTYPES = [(np.float64, 1e-12), (np.float32, 1e-5)]


def _strided_rows(rng, n_networks, units, dtype):
    """Per-network vectors as the engine passes them: strided views of theta."""
    packed = rng.standard_normal((n_networks, units + 5)).astype(dtype)
    return packed[:, 2 : 2 + units]


@needs_numba
@pytest.mark.parametrize("dtype, rtol", DTYPES)
@pytest.mark.parametrize("activation", [0, 1, 2, 3])
def test_hidden_kernels_give_numpys_bits(activation, dtype, rtol):
    # L-BFGS relies on it to reproduce scikit-learn bit for bit
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 41, 7)).astype(dtype)
    b = _strided_rows(rng, 3, 7, dtype)
    compiled, reference = a.copy(), a.copy()
    NUMBA["bias_activation"](compiled, b, activation)
    NUMPY["bias_activation"](reference, b, activation)
    assert_array_equal(compiled, reference)

    delta = rng.standard_normal(a.shape).astype(dtype)
    grads = [np.full((3, 12), np.nan, dtype) for _ in range(2)]
    results = []
    for kernels_, grad in zip((NUMBA, NUMPY), grads):
        d = delta.copy()
        kernels_["hidden_backward"](d, reference, activation, grad[:, 3:10])
        results.append(d)
    assert_array_equal(*results)
    assert_array_equal(*grads)  # the bias gradients, and nothing around them
    expected = (
        delta
        * {
            0: 1.0,
            1: reference > 0,
            2: 1 - reference**2,
            3: reference * (1 - reference),
        }[activation]
    )
    assert_allclose(results[0], expected, rtol=rtol)
    assert_allclose(grads[0][:, 3:10], expected.sum(axis=1), rtol=rtol, atol=rtol)


def _targets(rng, output, shape):
    if output == 0:
        return np.eye(shape[-1])[rng.integers(shape[-1], size=shape[1])][np.newaxis]
    if output == 1:
        return rng.integers(0, 2, size=shape).astype(float)
    if output == 3:  # Poisson targets are counts: zeros among them
        return rng.poisson(1.0, size=shape).astype(float)
    return rng.uniform(0, 2, size=shape)


@needs_numba
@pytest.mark.parametrize("dtype, rtol", DTYPES)
@pytest.mark.parametrize("output", [0, 1, 2, 3])
@pytest.mark.parametrize("n_out", [1, 3, 10])
@pytest.mark.parametrize("weighted", [False, True])
def test_output_layer_compiled_equals_numpy(output, n_out, weighted, dtype, rtol):
    if output == 0 and n_out == 1:
        pytest.skip("a softmax has at least two outputs")
    rng = np.random.default_rng(1)
    shape = (3, 57, n_out)
    z = rng.standard_normal(shape).astype(dtype)
    b = _strided_rows(rng, 3, n_out, dtype)
    y = _targets(rng, output, shape).astype(dtype)
    sw = rng.uniform(0.5, 2, size=(3, 57)).astype(dtype) if weighted else None
    eps = float(np.finfo(dtype).eps)
    results = []
    for kernels_ in (NUMBA, NUMPY):
        delta, grad, losses = z.copy(), np.empty((3, n_out), dtype), np.empty(3)
        kernels_["output_layer"](delta, b, y, sw, output, eps, grad, losses)
        results.append((delta, grad, losses))
    (delta, grad, losses), (delta_ref, grad_ref, losses_ref) = results
    assert_allclose(delta, delta_ref, rtol=rtol, atol=rtol)
    assert_allclose(grad, grad_ref, rtol=rtol, atol=10 * rtol)
    assert_allclose(losses, losses_ref, rtol=rtol)
    if n_out == 1 and dtype == np.float64:
        # summed over samples in numpy's pairwise order: the same bits
        assert_array_equal(grad, grad_ref)
        assert_array_equal(losses, losses_ref)


def _optimizer_problem(rng, n_networks=2):
    layout = Layout([5, 4, 3])
    theta = rng.standard_normal((n_networks, layout.n_params))
    grads = [rng.standard_normal(theta.shape) for _ in range(4)]
    return layout, theta, grads


def _sklearn_gradient(layout, theta, grad, alpha, sw_sum):
    """scikit-learn's per-layer gradients: ``(g + alpha * W) / sw_sum``."""
    coefs, intercepts = layout.unpack(theta)
    coef_grads, intercept_grads = layout.unpack(grad)
    coef_grads = [(g + alpha * w) / sw_sum for g, w in zip(coef_grads, coefs)]
    intercept_grads = [g / sw_sum for g in intercept_grads]
    return coefs + intercepts, coef_grads + intercept_grads


@pytest.mark.parametrize("name", KERNEL_SETS)
def test_adam_equals_sklearns(name):
    rng = np.random.default_rng(2)
    layout, theta, grads = _optimizer_problem(rng)
    alpha, sw_sum = np.array([0.1, 0.3]), np.array([7.0, 9.0])
    ms, vs = np.zeros_like(theta), np.zeros_like(theta)
    steps, sq = np.zeros(2, dtype=np.int64), np.empty((2, 4))
    params = theta.copy()
    adam = (NUMBA if name == "numba" else NUMPY)["adam"]
    references = [AdamOptimizer(sum(layout.unpack(row), []), 0.01) for row in theta]
    for g in grads:
        expected = []
        for k, reference in enumerate(references):
            packed, per_layer = _sklearn_gradient(
                layout, params[k], g[k], alpha[k], sw_sum[k]
            )
            reference.params = packed
            reference.update_params(packed, per_layer)
            expected.append((packed, [np.sum(x * x) for x in per_layer]))
        lr_init = np.full(2, 0.01)
        adam(
            params,
            g.copy(),
            ms,
            vs,
            steps,
            layout.n_coef_params,
            alpha,
            sw_sum,
            lr_init,
            0.9,
            0.999,
            1e-8,
            layout.bounds,
            sq,
        )
        for k, (packed, norms) in enumerate(expected):
            assert_array_equal(params[k], np.concatenate([p.ravel() for p in packed]))
            assert_allclose(sq[k], norms, rtol=1e-13)
    assert_array_equal(steps, [4, 4])


@pytest.mark.parametrize("name", KERNEL_SETS)
@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_equals_sklearns(name, nesterov):
    rng = np.random.default_rng(3)
    layout, theta, grads = _optimizer_problem(rng)
    alpha, sw_sum, lr = np.array([0.1, 0.0]), np.array([7.0, 9.0]), np.array([0.1, 0.2])
    velocities = np.zeros_like(theta)
    params = theta.copy()
    sgd = (NUMBA if name == "numba" else NUMPY)["sgd"]
    references = [
        SGDOptimizer(
            sum(layout.unpack(row), []), lr[k], momentum=0.9, nesterov=nesterov
        )
        for k, row in enumerate(theta)
    ]
    for g in grads:
        expected = []
        for k, reference in enumerate(references):
            packed, per_layer = _sklearn_gradient(
                layout, params[k], g[k], alpha[k], sw_sum[k]
            )
            reference.params = packed
            reference.update_params(packed, per_layer)
            expected.append(packed)
        sgd(
            params,
            g.copy(),
            velocities,
            layout.n_coef_params,
            alpha,
            sw_sum,
            lr,
            0.9,
            nesterov,
            layout.bounds,
            None,
        )
        for k, packed in enumerate(expected):
            assert_array_equal(params[k], np.concatenate([p.ravel() for p in packed]))


@needs_numba
def test_use_switches_every_kernel():
    previous = kernels.use("numpy")
    try:
        assert kernels.name == "numpy"
        assert all(getattr(kernels, name) is NUMPY[name] for name in NUMPY)
    finally:
        kernels.use(previous)
    assert kernels.name == "numba"
    assert kernels.adam is NUMBA["adam"]


@needs_numba
@pytest.mark.parametrize("n_out", [2, 3, 8, 10, 17, 200])
@pytest.mark.parametrize("weighted", [False, True])
def test_exact_softmax_gives_numpys_bits(n_out, weighted):
    # L-BFGS's output layer: scikit-learn's softmax, row sums in numpy's order
    rng = np.random.default_rng(4)
    z = rng.standard_normal((2, 33, n_out)) * 30
    b = _strided_rows(rng, 2, n_out, np.float64)
    y = np.eye(n_out)[rng.integers(n_out, size=33)][np.newaxis]
    sw = rng.uniform(0.5, 2, size=(1, 33)) if weighted else None
    results = []
    for output_layer in (NUMBA["exact_output_layer"], NUMPY["output_layer"]):
        delta, grad, losses = z.copy(), np.empty((2, n_out)), np.empty(2)
        output_layer(delta, b, y, sw, 0, np.finfo(float).eps, grad, losses)
        results.append((delta, grad, losses))
    for compiled, reference in zip(*results):
        assert_array_equal(compiled, reference)


@needs_numba
@pytest.mark.parametrize("n", [1, 2, 3, 150, 1000])
def test_shuffle_rows_gives_randomstate_bits(n):
    # numpy's RandomState.shuffle is the reference: the same permutations
    # and the generators left in the same state, across MT19937 refills
    # (every 624 draws), for rows sharing a generator and rows left alone
    seeds = [0, 7, 2**32 - 1]
    references = [np.random.RandomState(seed) for seed in seeds]
    for reference in references:
        reference.random_sample(5)  # a state part way through its key
    states = [r.get_state() for r in references]
    keys = np.array([state[1] for state in states])
    positions = np.array([state[2] for state in states])
    generator = np.array([0, 1, -1, 2, 1])
    rows = np.tile(np.arange(n) * 3, (len(generator), 1))
    expected = rows.copy()
    for _ in range(3):
        NUMBA["shuffle_rows"](rows, keys, positions, generator)
        for j, g in enumerate(generator):
            if g >= 0:
                references[g].shuffle(expected[j])
    assert_array_equal(rows, expected)
    for g, reference in enumerate(references):
        _, key, position, *_ = reference.get_state()
        assert_array_equal(keys[g], key)
        assert positions[g] == position


@pytest.mark.parametrize(
    "learning_rate_init",
    # 1e-3 is divided by 5 five times, then is too small; 1e-6 is at the
    # limit (scikit-learn's "<= 1e-6") on the first epoch without improvement
    [1e-3, 1e-6],
)
def test_adaptive_schedule_and_its_verbose_lines_equal_sklearns(
    learning_rate_init, capsys
):
    from sklearn.datasets import load_iris
    from sklearn.neural_network import MLPClassifier as SkMLPClassifier

    from skinit import MLPClassifier

    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    outputs, fitted = [], []
    for Estimator in (MLPClassifier, SkMLPClassifier):
        estimator = Estimator(
            hidden_layer_sizes=(3,),
            solver="sgd",
            learning_rate="adaptive",
            learning_rate_init=learning_rate_init,
            tol=10.0,  # never an improvement: each epoch counts
            n_iter_no_change=1,
            max_iter=50,
            verbose=True,
            random_state=0,
        )
        fitted.append(estimator.fit(X, y))
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert (
        outputs[0]
        .splitlines()[-1]
        .endswith("for 1 consecutive epochs. Learning rate too small. Stopping.")
    )
    assert fitted[0].n_iter_ == fitted[1].n_iter_ < 50
    assert_allclose(fitted[0].loss_curve_, fitted[1].loss_curve_, rtol=1e-10)


# kernels that call other kernels (closures over them never hit the cache),
# one recursive, in float32 and float64
_CACHED_KERNELS = """
import numpy as np
from skinit import _compiled as jit
for dtype in (np.float32, np.float64):
    theta, grad = np.ones((2, 9), dtype), np.ones((2, 9), dtype)
    bounds, ones = np.array([0, 6, 9]), np.ones(2)
    jit.adam(theta, grad, np.zeros_like(theta), np.zeros_like(theta),
             np.zeros(2, np.int64), 6, ones, ones, ones, 0.9, 0.999, 1e-8, bounds,
             np.empty((2, 2), dtype))
    jit.normalize_rows(np.ones((2, 3, 200), dtype))
kernels = (jit.adam, jit.normalize_rows)
print(sum(sum(k.stats.cache_hits.values()) for k in kernels),
      sum(sum(k.stats.cache_misses.values()) for k in kernels))
"""


@needs_numba
def test_a_new_process_loads_the_kernels_from_the_cache(tmp_path):
    # compiled once, then loaded by every later process (a joblib worker is
    # one), which writes nothing more: numba's cache is keyed by, among
    # others, the pickled cells of a closure, so kernels must not be closures
    package_root = os.path.dirname(os.path.dirname(skinit.__file__))
    env = {
        **os.environ,
        "NUMBA_CACHE_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join([package_root, os.environ.get("PYTHONPATH", "")]),
    }

    def run():
        done = subprocess.run(
            [sys.executable, "-c", _CACHED_KERNELS],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        files = {
            (path, os.stat(path).st_mtime_ns) for path in tmp_path.rglob("*.nb[ic]")
        }
        return [int(n) for n in done.stdout.split()], files

    (hits, misses), written = run()
    assert (hits, misses) == (0, 4)
    for _ in range(2):
        (hits, misses), files = run()
        assert (hits, misses) == (4, 0)
        assert files == written  # not a file more, none rewritten


@needs_numba
def test_kernels_compile_without_a_cache_location(monkeypatch):
    # a read-only install with no writable home: no cache, but no failure
    from numba.core import caching

    impl = getattr(caching, "CacheImpl", None) or caching._CacheImpl  # older numba
    monkeypatch.setattr(impl, "_locator_classes", [])
    path = os.path.join(os.path.dirname(skinit.__file__), "_compiled.py")
    spec = importlib.util.spec_from_file_location("_compiled_uncached", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.add_bias._cache.__class__.__name__ == "NullCache"
    a, b = np.ones((2, 3, 4)), np.arange(8.0).reshape(2, 4)
    module.add_bias(a, b)
    assert_array_equal(a, np.broadcast_to(1 + b[:, np.newaxis, :], a.shape))
