# SPDX-License-Identifier: BSD-3-Clause
"""Initializers against their published formulas, and ``init`` in the estimators."""

import math
import re

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import truncnorm
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skinit import MLPClassifier, MLPRegressor
from skinit import initializers as I
from skinit.exceptions import InitializationWarning
from skinit.initializers._variance_scaling import TRUNCATED_STD

FAN_IN, FAN_OUT = 300, 200  # non-square, so fan_in, fan_out and fan_avg differ
N = FAN_IN * FAN_OUT
STD_RTOL = 4 / math.sqrt(2 * N)  # four standard errors of a sample std
# a constant init makes a layer's units copies of each other, as it should
CONSTANT_INIT = pytest.mark.filterwarnings(
    "ignore:Hidden layer [01] ended with 1 distinct units out of:"
    "skinit.exceptions.SymmetryWarning"
)


def _expected(name):
    """(std, bound or None) of each named strategy, from its paper/framework."""
    fan_avg = (FAN_IN + FAN_OUT) / 2
    uniform = lambda std: (std, math.sqrt(3) * std)  # noqa: E731
    truncated = lambda std: (std, 2 * std / TRUNCATED_STD)  # noqa: E731
    return {
        "uniform": uniform(0.1 / math.sqrt(12) * 1.0),
        "normal": (0.05, None),
        "truncated_normal": (0.05 * TRUNCATED_STD, 0.1),
        "glorot_uniform": (
            math.sqrt(2 / (FAN_IN + FAN_OUT)),
            math.sqrt(6 / (FAN_IN + FAN_OUT)),
        ),
        "glorot_normal": truncated(math.sqrt(1 / fan_avg)),
        "he_uniform": (math.sqrt(2 / FAN_IN), math.sqrt(6 / FAN_IN)),
        "he_normal": truncated(math.sqrt(2 / FAN_IN)),
        "lecun_uniform": (math.sqrt(1 / FAN_IN), math.sqrt(3 / FAN_IN)),
        "lecun_normal": truncated(math.sqrt(1 / FAN_IN)),
        "variance_scaling": truncated(math.sqrt(1 / FAN_IN)),
        "orthogonal": (1 / math.sqrt(FAN_IN), None),
        "sklearn": uniform(math.sqrt(2 / (FAN_IN + FAN_OUT))),
    }[name]


RANDOM_NAMES = [
    "uniform",
    "normal",
    "truncated_normal",
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_uniform",
    "lecun_normal",
    "variance_scaling",
    "orthogonal",
    "sklearn",
]


@pytest.mark.parametrize("name", RANDOM_NAMES)
def test_moments_and_bounds_match_formula(name):
    W = I.get(name)((FAN_IN, FAN_OUT), random_state=0)
    std, bound = _expected(name)
    assert W.shape == (FAN_IN, FAN_OUT)
    assert abs(W.mean()) < 4 * std / math.sqrt(N)
    assert_allclose(W.std(), std, rtol=STD_RTOL)
    if bound is not None:
        assert np.abs(W).max() <= bound
        assert np.abs(W).max() > 0.99 * bound  # the bound is reached, not smaller


@pytest.mark.parametrize(
    "name", ["xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal"]
)
def test_aliases(name):
    twin = {"xavier": "glorot", "kaiming": "he"}[name.split("_")[0]]
    twin += "_" + name.split("_")[1]
    assert I.get(name) == I.get(twin)


def test_truncation_constant_is_its_definition():
    assert_allclose(TRUNCATED_STD, truncnorm.std(-2, 2), rtol=1e-15)


@pytest.mark.parametrize(
    "init, std",
    [
        (I.HeNormal(mode="fan_out"), math.sqrt(2 / FAN_OUT)),
        (I.HeUniform(mode="fan_out"), math.sqrt(2 / FAN_OUT)),
        (I.GlorotUniform(gain=5 / 3), 5 / 3 * math.sqrt(2 / (FAN_IN + FAN_OUT))),
        (
            I.VarianceScaling(2.0, "fan_avg", "untruncated_normal"),
            math.sqrt(4 / (FAN_IN + FAN_OUT)),
        ),
        (I.Orthogonal(gain=3.0), 3 / math.sqrt(FAN_IN)),
        (I.RandomNormal(mean=1.0, stddev=0.3), 0.3),
    ],
    ids=repr,
)
def test_settings_change_the_scale(init, std):
    W = init((FAN_IN, FAN_OUT), random_state=1)
    assert_allclose(W.std(), std, rtol=STD_RTOL)
    mean = getattr(init, "mean", 0.0)  # RandomNormal(mean=1.0)
    assert abs(W.mean() - mean) < 4 * std / math.sqrt(N)


def test_he_normal_torch_convention():
    # torch.nn.init.kaiming_normal_: untruncated, std sqrt(2 / fan_in)
    W = I.VarianceScaling(2.0, "fan_in", "untruncated_normal")(
        (FAN_IN, FAN_OUT), random_state=0
    )
    assert np.abs(W).max() > 3 * math.sqrt(2 / FAN_IN)  # tails are not cut
    assert_allclose(W.std(), math.sqrt(2 / FAN_IN), rtol=STD_RTOL)


@pytest.mark.parametrize("shape", [(FAN_IN, FAN_OUT), (FAN_OUT, FAN_IN), (50, 50)])
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal_singular_values_equal_gain(shape, gain):
    W = I.Orthogonal(gain=gain)(shape, random_state=0)
    assert_allclose(np.linalg.svd(W, compute_uv=False), gain, rtol=1e-10)
    small = min(shape)
    gram = W.T @ W if shape[0] >= shape[1] else W @ W.T
    assert_allclose(gram, gain**2 * np.eye(small), atol=1e-10)


def test_constant_identity_sparse():
    assert_array_equal(I.Zeros()((3, 2)), np.zeros((3, 2)))
    assert_array_equal(I.Ones()((3, 2)), np.ones((3, 2)))
    assert_array_equal(I.Constant(-0.7)((4,)), np.full(4, -0.7))
    assert_array_equal(I.Identity(gain=2)((3, 4)), 2 * np.eye(3, 4))
    W = I.Sparse(sparsity=0.25, std=0.3)((FAN_IN, FAN_OUT), random_state=0)
    assert_array_equal((W == 0).sum(axis=0), math.ceil(0.25 * FAN_IN))
    assert_allclose(W[W != 0].std(), 0.3, rtol=0.02)
    # ceil(0.1 * 25) = 3 zeros in each of the 4 columns
    assert_array_equal((I.Sparse(0.1)((25, 4), random_state=0) == 0).sum(axis=0), 3)


def test_equal_settings_of_different_strategies_differ():
    assert I.HeNormal() != I.HeUniform()
    assert I.GlorotUniform() != I.GlorotNormal()
    assert I.Zeros() != I.Constant(0.0)
    assert I.HeNormal(gain=2.0) == I.HeNormal(gain=2.0)


def test_a_bias_shape_alone_is_its_own_fans():
    # (n,) without a layer: fan_in = fan_out = n
    b = I.VarianceScaling(2.0, "fan_avg", "untruncated_normal")(
        (40000,), random_state=0
    )
    assert_allclose(b.std(), math.sqrt(2 / 40000), rtol=4 / math.sqrt(80000))


def test_truncated_normal_mean_and_bounds():
    W = I.TruncatedNormal(mean=1.0, stddev=0.3)((FAN_IN, FAN_OUT), random_state=0)
    std = 0.3 * TRUNCATED_STD
    assert abs(W.mean() - 1.0) < 4 * std / math.sqrt(N)
    assert_allclose(W.std(), std, rtol=STD_RTOL)
    assert 0.4 <= W.min() < 0.41 and 1.59 < W.max() <= 1.6


def test_uniform_bounds_may_be_equal_not_reversed():
    assert_array_equal(I.RandomUniform(0.3, 0.3)((2, 2), random_state=0), 0.3)
    with pytest.raises(InvalidParameterError, match="minval must not exceed maxval"):
        I.RandomUniform(0.5, 0.4)((2, 2), random_state=0)


def test_calculate_gain_matches_torch():
    assert I.calculate_gain("identity") == 1
    assert I.calculate_gain("logistic") == 1
    assert I.calculate_gain("tanh") == 5 / 3
    assert I.calculate_gain("relu") == math.sqrt(2)
    assert I.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    assert I.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="Unknown activation 'gelu'"):
        I.calculate_gain("gelu")


def test_initializer_params_clone_repr_eq():
    init = I.HeNormal(gain=2.0, mode="fan_out")
    assert init.get_params() == {"gain": 2.0, "mode": "fan_out"}
    assert repr(init) == "HeNormal(gain=2.0, mode='fan_out')"
    assert repr(I.Orthogonal()) == "Orthogonal()"
    copy = clone(init)
    assert copy == init and copy is not init
    assert init.set_params(gain=3.0).gain == 3.0
    with pytest.raises(ValueError, match="Invalid parameter 'scale'"):
        init.set_params(scale=1)


# -- in the estimators ---------------------------------------------------------


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _fit(iris, **params):
    return MLPClassifier(
        hidden_layer_sizes=(8, 6), max_iter=3, random_state=0, **params
    ).fit(*iris)


def test_default_init_is_sklearn(iris):
    default, named = _fit(iris), _fit(iris, init="sklearn", bias_init="auto")
    for a, b in zip(
        default.coefs_ + default.intercepts_, named.coefs_ + named.intercepts_
    ):
        assert_array_equal(a, b)


@pytest.mark.parametrize(
    "init",
    [
        "he_normal",
        I.Orthogonal(gain=2.0),
        "lsuv",
        lambda shape, rs: rs.normal(0, 0.1, shape),
        ["glorot_uniform", I.HeUniform(), "zeros"],
    ],
    ids=["name", "object", "lsuv", "callable", "list"],
)
def test_every_form_of_init_is_reproducible(iris, init):
    first, second = _fit(iris, init=init), _fit(iris, init=init)
    assert [c.shape for c in first.init_coefs_] == [(4, 8), (8, 6), (6, 3)]
    assert [b.shape for b in first.init_intercepts_] == [(8,), (6,), (3,)]
    for a, b in zip(
        first.init_coefs_ + first.coefs_, second.init_coefs_ + second.coefs_
    ):
        assert_array_equal(a, b)
    third = MLPClassifier(
        hidden_layer_sizes=(8, 6), max_iter=3, random_state=1, init=init
    ).fit(*iris)
    if init != ["glorot_uniform", I.HeUniform(), "zeros"]:
        assert not np.array_equal(first.init_coefs_[0], third.init_coefs_[0])


@CONSTANT_INIT
def test_per_layer_lists_apply_to_the_right_layers(iris):
    clf = _fit(
        iris,
        init=["ones", I.Constant(2.0), "zeros"],
        bias_init=[I.Constant(-1.0), "zeros", "ones"],
    )
    for coef, value in zip(clf.init_coefs_, [1.0, 2.0, 0.0]):
        assert_array_equal(coef, value)
    for intercept, value in zip(clf.init_intercepts_, [-1.0, 0.0, 1.0]):
        assert_array_equal(intercept, value)


def test_bias_auto(iris):
    assert all(np.all(b == 0) for b in _fit(iris, init="he_normal").init_intercepts_)
    mixed = _fit(iris, init=["sklearn", "he_normal", "sklearn"])
    assert np.all(mixed.init_intercepts_[1] == 0)
    assert np.all(mixed.init_intercepts_[0] != 0)
    bound = math.sqrt(6 / (6 + 3))
    assert np.abs(mixed.init_intercepts_[2]).max() <= bound


@CONSTANT_INIT
def test_callable_receives_shape_and_the_estimators_random_state(iris):
    seen = []

    def init(shape, random_state):
        seen.append((shape, type(random_state).__name__))
        return np.full(shape, 0.1)

    _fit(iris, init=init)
    assert seen == [
        ((4, 8), "RandomState"),
        ((8, 6), "RandomState"),
        ((6, 3), "RandomState"),
    ]


@pytest.mark.parametrize("activation", ["tanh", "relu", "identity"])
@pytest.mark.parametrize("bias_init", ["auto", I.RandomNormal(stddev=0.3)], ids=repr)
def test_lsuv_gives_unit_variance_per_layer(iris, activation, bias_init):
    # each layer is measured on the outputs of the layers below, biases included
    X, y = iris
    X = X * 7.0 + 3.0  # far from unit variance to start with
    clf = MLPClassifier(
        hidden_layer_sizes=(20, 10),
        activation=activation,
        init="lsuv",
        bias_init=bias_init,
        max_iter=1,
        random_state=0,
    ).fit(X, y)
    inputs = X
    for coef, intercept in zip(clf.init_coefs_, clf.init_intercepts_):
        out = inputs @ coef + intercept
        assert abs(out.var() - 1) < 0.1
        inputs = {
            "tanh": np.tanh,
            "relu": lambda a: np.maximum(a, 0),
            "identity": lambda a: a,
        }[activation](out)


def test_lsuv_on_constant_data_explains(iris):
    X, y = iris
    with pytest.raises(
        ValueError,
        match="LSUV cannot scale layer 0: its input is the same for every sample "
        r"of the training data \(150 samples\)",
    ):
        MLPClassifier(init="lsuv").fit(np.ones_like(X), y)


def test_lsuv_warns_when_capped(iris):
    with pytest.warns(InitializationWarning, match="max_iter=1 rescalings"):
        # random biases of variance 9 keep the output variance above 1
        _fit(iris, init=I.LSUV(max_iter=1), bias_init=I.RandomNormal(stddev=3.0))


def test_grid_search_over_initializers(iris):
    grid = GridSearchCV(
        MLPClassifier(hidden_layer_sizes=(5,), max_iter=20, random_state=0),
        param_grid=[
            {"init": ["glorot_uniform", I.HeNormal()]},
            {"init": [I.Orthogonal()], "init__gain": [0.5, 2.0]},
        ],
        cv=2,
    ).fit(*iris)
    shown = [repr(p["init"]) for p in grid.cv_results_["params"]]
    assert shown == ["'glorot_uniform'", "HeNormal()", "Orthogonal()", "Orthogonal()"]
    assert grid.cv_results_["params"][3]["init__gain"] == 2.0


def test_nested_gain_reaches_the_fitted_model(iris):
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            (
                "mlp",
                MLPRegressor(
                    hidden_layer_sizes=(30,),
                    init=I.Orthogonal(),
                    max_iter=1,
                    random_state=0,
                ),
            ),
        ]
    )
    X, y = iris
    for gain in (0.5, 3.0):
        pipe.set_params(mlp__init__gain=gain).fit(X, y)
        W = pipe[-1].init_coefs_[0]
        assert_allclose(np.linalg.svd(W, compute_uv=False), gain, rtol=1e-10)
    assert "init=Orthogonal(gain=3.0)" in repr(pipe)
    grid = GridSearchCV(pipe, {"mlp__init__gain": [0.5, 3.0]}, cv=2).fit(X, y)
    assert grid.best_params_["mlp__init__gain"] in (0.5, 3.0)
    assert pipe.get_params()["mlp__init__gain"] == 3.0


# -- bad specifications ----------------------------------------------------------


def test_unknown_name_lists_the_valid_ones(iris):
    with pytest.raises(InvalidParameterError, match="'init' parameter .*'he_normal'"):
        _fit(iris, init="he")
    with pytest.raises(
        ValueError,
        match="Unknown initializer 'he'. Valid names are: constant, glorot_normal",
    ):
        _fit(iris, init=["he", "zeros", "zeros"])


def test_callable_wrong_shape_names_layer_and_shape(iris):
    with pytest.raises(
        ValueError,
        match=r"init for layer 1 \(8 -> 6 units\) returned "
        r"an array of shape \(6, 8\); expected \(8, 6\)",
    ):
        _fit(
            iris,
            init=lambda shape, rs: np.zeros(shape[::-1] if shape == (8, 6) else shape),
        )


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_callable_non_finite_names_layer(iris, bad):
    def init(shape, rs):
        values = np.full(shape, 0.1)
        if shape == (6, 3):
            values[2, 1] = bad  # one value is enough
        return values

    with pytest.raises(
        ValueError,
        match=r"init for layer 2 \(6 -> 3 units\) "
        "returned non-finite",
    ):
        _fit(iris, init=init)


def test_list_of_wrong_length(iris):
    with pytest.raises(
        ValueError,
        match=re.escape(
            "init has 2 entries but the network has 3 weight layers (2 hidden and "
            "the output layer): give one entry per layer, or a single value for all."
        ),
    ):
        _fit(iris, init=["zeros", "zeros"])
    with pytest.raises(ValueError, match="bias_init has 4 entries"):
        _fit(iris, bias_init=["zeros"] * 4)


def test_sklearn_scheme_bound_depends_on_activation():
    for activation, factor in [("logistic", 2.0), ("tanh", 6.0), ("relu", 6.0)]:
        layer = I.Layer(0, FAN_IN, FAN_OUT, activation)
        bound = math.sqrt(factor / (FAN_IN + FAN_OUT))
        W = I.SklearnUniform()((FAN_IN, FAN_OUT), random_state=0, layer=layer)
        b = I.SklearnUniform()((FAN_OUT,), random_state=0, layer=layer)
        assert bound * 0.99 < np.abs(W).max() <= bound
        assert np.abs(b).max() <= bound


# -- scales and signs inside an estimator --------------------------------------------


@pytest.fixture(scope="module")
def wide():
    """300 features, 3 classes: layers (300 -> 200) and (200 -> 3)."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, FAN_IN))
    return X, np.arange(60) % 3


@pytest.mark.parametrize(
    "init, fan",
    [
        (I.VarianceScaling(2.0, "fan_in", "untruncated_normal"), "fan_in"),
        (I.VarianceScaling(2.0, "fan_out", "untruncated_normal"), "fan_out"),
        (I.VarianceScaling(2.0, "fan_avg", "untruncated_normal"), "fan_avg"),
        (I.VarianceScaling(2.0, "fan_out", "uniform"), "fan_out"),
        (I.VarianceScaling(2.0, "fan_avg", "truncated_normal"), "fan_avg"),
        (I.HeNormal(mode="fan_out"), "fan_out"),
        (I.HeUniform(), "fan_in"),
        (I.GlorotUniform(gain=math.sqrt(2)), "fan_avg"),
        (I.GlorotNormal(gain=math.sqrt(2)), "fan_avg"),
        (I.LecunNormal(gain=math.sqrt(2)), "fan_in"),
        (I.LecunUniform(gain=math.sqrt(2)), "fan_in"),
    ],
    ids=repr,
)
def test_variance_scaling_in_an_estimator_uses_each_layers_fans(wide, init, fan):
    # every case has variance 2 / n, n the layer's fan_in, fan_out or their
    # mean: the layers (300 -> 200) and (200 -> 3) tell the three apart
    clf = MLPClassifier(
        hidden_layer_sizes=(FAN_OUT,), init=init, max_iter=1, random_state=0
    ).fit(*wide)
    for coef in clf.init_coefs_:
        fan_in, fan_out = coef.shape
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}
        assert_allclose(
            coef.std(), math.sqrt(2 / n[fan]), rtol=4 / math.sqrt(2 * coef.size)
        )
        assert abs(coef.mean()) < 4 * coef.std() / math.sqrt(coef.size)


def _haar(flat):
    """Gram-Schmidt on the columns of a standard normal matrix: a Haar-random
    orthonormal basis (the Q of its QR decomposition with R's diagonal > 0)."""
    q = np.zeros_like(flat)
    for j in range(flat.shape[1]):
        v = flat[:, j] - q[:, :j] @ (q[:, :j].T @ flat[:, j])
        v -= q[:, :j] @ (q[:, :j].T @ v)  # twice is enough
        q[:, j] = v / np.linalg.norm(v)
    return q


@pytest.mark.parametrize("shape", [(7, 4), (4, 7), (5, 5)])
def test_orthogonal_is_gram_schmidt_of_its_normal_draws(shape):
    # the signs of R's diagonal are divided out: without that, LAPACK's QR
    # makes every Q[0, 0] negative, and Q is not uniformly distributed
    rows, cols = shape
    W = I.Orthogonal(gain=1.5)(shape, random_state=3)
    flat = np.random.RandomState(3).normal(size=(max(shape), min(shape)))
    expected = _haar(flat) if rows >= cols else _haar(flat).T
    assert_allclose(W, 1.5 * expected, atol=1e-12)
    signs = [np.sign(I.Orthogonal()(shape, random_state=s)[0, 0]) for s in range(40)]
    assert 10 < signs.count(1.0) < 30


def test_orthogonal_in_an_estimator_draws_from_its_random_state(iris):
    clf = MLPClassifier(
        hidden_layer_sizes=(6,), init="orthogonal", max_iter=1, random_state=5
    ).fit(*iris)
    rs = np.random.RandomState(5)
    first = _haar(rs.normal(size=(6, 4))).T  # (4 -> 6): rows orthonormal
    second = _haar(rs.normal(size=(6, 3)))  # (6 -> 3): columns orthonormal
    assert_allclose(clf.init_coefs_[0], first, atol=1e-12)
    assert_allclose(clf.init_coefs_[1], second, atol=1e-12)


# -- settings validated when the initializer draws -----------------------------------


@pytest.mark.parametrize(
    "init, match",
    [
        (
            I.RandomUniform(1, -1),
            "RandomUniform: minval must not exceed maxval; got minval=1 and maxval=-1",
        ),
        (
            I.Sparse(sparsity=2),
            r"'sparsity' parameter of Sparse must be a float in "
            r"the range \[0.0, 1.0\]. Got 2 instead",
        ),
        (
            I.VarianceScaling(scale=-1),
            r"'scale' parameter of VarianceScaling must be "
            r"a float in the range \(0.0, inf\). Got -1",
        ),
        (I.VarianceScaling(mode="fan_mean"), "'mode' parameter of VarianceScaling"),
        (
            I.LSUV(sample_size=0),
            r"'sample_size' parameter of LSUV must be an int in "
            r"the range \[2, inf\). Got 0",
        ),
        (I.LSUV(tol=0), "'tol' parameter of LSUV"),
        (I.HeNormal(mode="fan_avg"), "'mode' parameter of HeNormal"),
        (I.GlorotUniform(gain=-1.0), "'gain' parameter of GlorotUniform"),
        (I.Orthogonal(gain=0), "'gain' parameter of Orthogonal"),
        (I.RandomNormal(stddev=-0.1), "'stddev' parameter of RandomNormal"),
        (I.Constant(np.nan), "'value' parameter of Constant"),
    ],
    ids=repr,
)
def test_bad_settings_are_refused_when_drawing(iris, init, match):
    copy = clone(init)  # __init__ only assigns: clone and repr work
    assert repr(copy) == repr(init)
    with pytest.raises(InvalidParameterError, match=match):
        init((4, 3), random_state=0)
    with pytest.raises(InvalidParameterError, match=match) as err:
        _fit(iris, init=init)
    assert err.value.__notes__ == [
        f"Raised by init for layer 0 (4 -> 8 units): {init!r}."
    ]
    with pytest.raises(InvalidParameterError, match=match) as err:
        _fit(iris, bias_init=["zeros", init, "zeros"])
    assert err.value.__notes__[0].startswith("Raised by bias_init for layer 1 (8 -> 6")


def test_user_exception_reaches_the_user_as_raised(iris):
    class ShapeRefused(Exception):
        def __init__(self, shape, reason):  # not constructible from one message
            super().__init__(shape, reason)
            self.shape = shape

    def init(shape, random_state):
        if shape == (8, 6):
            raise ShapeRefused(shape, "too square")
        return random_state.normal(size=shape)

    with pytest.raises(ShapeRefused) as err:
        _fit(iris, init=init)
    assert err.value.args == ((8, 6), "too square")
    assert err.value.shape == (8, 6)
    assert err.value.__notes__ == [
        f"Raised by init for layer 1 (8 -> 6 units): {init!r}."
    ]


def test_bad_list_entries_name_their_parameter_and_index(iris):
    with pytest.raises(ValueError, match=r"^bias_init\[1\]: Unknown initializer 'he'"):
        _fit(iris, bias_init=["zeros", "he", "zeros"])
    with pytest.raises(TypeError, match=r"^init\[2\]: An initializer must be a name"):
        _fit(iris, init=["zeros", "zeros", 3])
    with pytest.raises(ValueError, match="Identity needs a 2-D shape") as err:
        _fit(iris, bias_init="identity")
    assert "Raised by bias_init for layer 0" in err.value.__notes__[0]


def test_lsuv_sample_ignores_rows_of_zero_weight(iris):
    # rows of weight 0, far larger than the others, must not set the scale:
    # LSUV's sample is drawn among the weighted rows (all 75 of them here)
    X, y = iris
    X = X.copy()
    X[::2] *= 100.0
    sample_weight = np.tile([0.0, 1.0], 75)
    clf = MLPClassifier(
        hidden_layer_sizes=(10,), init="lsuv", max_iter=1, random_state=0
    ).fit(X, y, sample_weight=sample_weight)
    weighted = X[1::2]
    out = weighted @ clf.init_coefs_[0] + clf.init_intercepts_[0]
    assert abs(out.var() - 1) < 0.1
    unweighted = MLPClassifier(
        hidden_layer_sizes=(10,), init="lsuv", max_iter=1, random_state=0
    ).fit(X, y)
    out = weighted @ unweighted.init_coefs_[0]
    assert out.var() < 0.01  # scaled for the large rows instead


@CONSTANT_INIT
def test_lsuv_rescales_only_its_own_layers(iris):
    def fixed(shape, random_state):
        return np.full(shape, 0.25)

    clf = _fit(iris, init=["lsuv", fixed, I.Constant(0.5)])
    assert_array_equal(clf.init_coefs_[1], 0.25)
    assert_array_equal(clf.init_coefs_[2], 0.5)


def test_lsuv_uses_the_sample_size_of_its_own_layers(iris, monkeypatch):
    X, y = iris
    seen = []
    rescale = I.LSUV.rescale

    def recording(self, inputs, *args, **kwargs):
        seen.append(inputs.shape[0])
        return rescale(self, inputs, *args, **kwargs)

    monkeypatch.setattr(I.LSUV, "rescale", recording)
    _fit(iris, init=[I.LSUV(sample_size=40), "he_normal", I.LSUV(sample_size=30)])
    assert seen == [40, 40]


def test_lsuv_rescalings_by_hand():
    # each rescaling divides by the standard deviation of the output; biases
    # of std 3 keep the variance from reaching 1, so max_iter is what stops it
    rng = np.random.RandomState(0)
    X = rng.normal(scale=5.0, size=(200, 6))
    W = rng.normal(size=(6, 4))
    b = rng.normal(scale=3.0, size=4)
    expected = W.copy()
    for max_iter in range(3):
        with pytest.warns(InitializationWarning, match=f"max_iter={max_iter} "):
            got = I.LSUV(max_iter=max_iter).rescale(X, W, b)
        assert_allclose(got, expected, rtol=1e-12)
        expected = expected / np.sqrt(np.var(X @ expected + b))
    # without biases one rescaling is exact: no warning, unit variance
    one = I.LSUV(max_iter=1).rescale(X, W, np.zeros(4))
    assert_allclose(np.var(X @ one), 1.0, rtol=1e-12)


@pytest.mark.parametrize("sample_size", [149, 150])
def test_lsuv_sample_of_all_rows_draws_nothing(iris, sample_size):
    # a sample_size of at least the number of rows takes them all, in order,
    # and draws nothing from the random state (shuffling draws from it next);
    # one row fewer draws them
    X, y = iris
    params = dict(
        hidden_layer_sizes=(5,), solver="sgd", batch_size=20, max_iter=3, random_state=0
    )
    ours = MLPClassifier(init=I.LSUV(sample_size=sample_size), **params).fit(X, y)
    all_rows = MLPClassifier(init=I.LSUV(sample_size=1000), **params).fit(X, y)
    same = ours.loss_curve_ == all_rows.loss_curve_
    assert same == (sample_size == 150)
    # the first layer's output on all the rows has unit variance when they
    # were the sample, within LSUV's default tol of 0.1
    out = X @ ours.init_coefs_[0] + ours.init_intercepts_[0]
    assert abs(out.var() - 1) < 0.1


def test_lsuv_sample_is_drawn_in_proportion_to_sample_weight(monkeypatch):
    # rows of weight 9 are nine times as likely as rows of weight 1: about
    # 90% of a sample of 100 among 500 of each (marked by the last feature)
    rng = np.random.RandomState(0)
    X = np.c_[rng.normal(size=(1000, 3)), np.repeat([0.0, 1.0], 500)]
    y = rng.randint(2, size=1000)
    sample_weight = np.repeat([1.0, 9.0], 500)
    seen = _record_lsuv_samples(monkeypatch)
    MLPClassifier(
        hidden_layer_sizes=(4,),
        init=[I.LSUV(sample_size=100), "glorot_uniform"],
        max_iter=1,
        random_state=0,
    ).fit(X, y, sample_weight=sample_weight)
    heavy = seen[0][:, -1].mean()
    assert len(seen[0]) == 100 and 0.8 < heavy < 0.97
    # drawn without replacement: 100 distinct rows of X
    assert len(np.unique(seen[0], axis=0)) == 100


def test_sparse_zeros_fall_on_random_inputs():
    # ceil(0.3 * 10) = 3 zero weights per unit, at rows drawn for each unit:
    # over 400 units every input is zero for some, about 30% of them
    W = I.Sparse(sparsity=0.3, std=1.0)((10, 400), random_state=0)
    assert_array_equal((W == 0).sum(axis=0), 3)
    per_input = (W == 0).mean(axis=1)
    assert_allclose(per_input, 0.3, atol=0.08)


# -- each formula drawn by hand from the same generator --------------------------------

# (fan_in, fan_out) = (3, 2): fan_in, fan_out and fan_avg = 2.5 all differ, and
# the average is not an integer
SMALL = (3, 2)
_FANS = {"fan_in": 3, "fan_out": 2, "fan_avg": 2.5}


def _by_hand(distribution, std, shape, seed):
    """Draws of the distribution of standard deviation ``std``, from its formula."""
    rs = np.random.RandomState(seed)
    if distribution == "uniform":
        limit = math.sqrt(3) * std
        return rs.uniform(-limit, limit, shape)
    if distribution == "untruncated_normal":
        return rs.normal(0.0, std, shape)
    # Keras: the parameter of a normal cut at +-2 is std / std(N(0, 1) cut at 2)
    return (
        std / truncnorm.std(-2, 2) * truncnorm.rvs(-2, 2, size=shape, random_state=rs)
    )


@pytest.mark.parametrize(
    "init, distribution, scale, mode",
    [
        (I.VarianceScaling(), "truncated_normal", 1.0, "fan_in"),
        (I.VarianceScaling(3.0, "fan_avg", "uniform"), "uniform", 3.0, "fan_avg"),
        (
            I.VarianceScaling(0.5, "fan_out", "untruncated_normal"),
            "untruncated_normal",
            0.5,
            "fan_out",
        ),
        (
            I.VarianceScaling(2.0, "fan_avg", "untruncated_normal"),
            "untruncated_normal",
            2.0,
            "fan_avg",
        ),
        (I.GlorotUniform(gain=1.5), "uniform", 1.5**2, "fan_avg"),
        (I.GlorotNormal(gain=0.5), "truncated_normal", 0.5**2, "fan_avg"),
        (I.HeUniform(gain=3.0, mode="fan_out"), "uniform", 2 * 3.0**2, "fan_out"),
        (I.HeNormal(gain=0.7), "truncated_normal", 2 * 0.7**2, "fan_in"),
        (I.LecunUniform(gain=2.0), "uniform", 2.0**2, "fan_in"),
        (I.LecunNormal(), "truncated_normal", 1.0, "fan_in"),
    ],
    ids=repr,
)
def test_variance_scaling_draws_equal_their_formula(init, distribution, scale, mode):
    # torch.nn.init / Keras: std = sqrt(scale / fan), scale = gain**2 times 1
    # (Glorot, LeCun) or 2 (He), fan by mode; a bias shape (n,) alone has
    # fan_in = fan_out = n
    assert_allclose(
        init(SMALL, random_state=4),
        _by_hand(distribution, math.sqrt(scale / _FANS[mode]), SMALL, 4),
        rtol=1e-12,
    )
    assert_allclose(
        init((7,), random_state=4),
        _by_hand(distribution, math.sqrt(scale / 7), (7,), 4),
        rtol=1e-12,
    )


def test_calculate_gain_aliases_and_default_slope():
    assert I.calculate_gain("linear") == 1
    assert I.calculate_gain("sigmoid") == 1
    # torch's default negative slope is 0.01
    assert I.calculate_gain("leaky_relu") == math.sqrt(2 / (1 + 0.01**2))
    assert I.calculate_gain("leaky_relu", 0.0) == math.sqrt(2)
    valid = "['identity', 'leaky_relu', 'linear', 'logistic', 'relu', 'selu', "
    with pytest.raises(
        ValueError,
        match=re.escape(
            "Unknown activation 'gelu' for calculate_gain; expected one of "
            + valid
            + "'sigmoid', 'tanh']."
        ),
    ):
        I.calculate_gain("gelu")


def test_equality_and_hash_follow_every_setting():
    # equal when of the same class with all settings equal, as two estimators
    # with the same parameters; equal ones hash equal (usable in sets, dicts)
    assert I.Constant(0.0) != I.Zeros() and I.Zeros() != I.Constant(0.0)
    assert I.VarianceScaling() != I.LecunNormal()
    assert I.HeNormal(2.0, "fan_in") != I.HeNormal(2.0, "fan_out")
    assert I.HeNormal(2.0, "fan_in") != I.HeNormal(1.0, "fan_in")
    assert I.VarianceScaling(1.0, "fan_in", "uniform") != I.VarianceScaling(
        1.0, "fan_in", "truncated_normal"
    )
    assert I.HeNormal(2.0, "fan_out") == I.HeNormal(gain=2.0, mode="fan_out")
    assert hash(I.HeNormal(2.0, "fan_out")) == hash(I.HeNormal(2.0, "fan_out"))
    assert len({I.Orthogonal(), I.Orthogonal(), I.Orthogonal(2.0)}) == 2


def test_settings_sorted_by_name_as_scikit_learns():
    init = I.VarianceScaling(scale=2.0, mode="fan_out", distribution="uniform")
    assert list(init.get_params()) == ["distribution", "mode", "scale"]
    assert repr(init) == (
        "VarianceScaling(distribution='uniform', mode='fan_out', scale=2.0)"
    )
    with pytest.raises(
        ValueError,
        match=re.escape(
            "Invalid parameter 'gain' for initializer VarianceScaling(scale=2.0). "
            "Valid parameters are: ['distribution', 'mode', 'scale']."
        ),
    ):
        I.VarianceScaling(scale=2.0).set_params(gain=2.0)


def test_shapes_given_as_an_int_or_an_array():
    assert_array_equal(I.Constant(0.5)(3), np.full(3, 0.5))
    assert_array_equal(I.Constant(0.5)(np.array([2, 3])), np.full((2, 3), 0.5))
    assert I.Ones()([2, 3]).dtype == np.float64


def test_extreme_settings_that_are_allowed():
    # sparsity in [0, 1] (both ends), a standard deviation of 0
    assert_array_equal(I.Sparse(sparsity=1.0)((4, 3), random_state=0), 0.0)
    assert (I.Sparse(sparsity=0.0, std=1.0)((4, 3), random_state=0) != 0).all()
    assert_array_equal(I.RandomNormal(0.2, 0.0)((2, 2), random_state=0), 0.2)
    assert_array_equal(I.TruncatedNormal(-0.2, 0.0)((2, 2), random_state=0), -0.2)


def test_lsuv_stops_on_the_variance_within_tol():
    # an output of variance 1.15 is rescaled (|1.15 - 1| >= tol = 0.1, though
    # its std 1.072 is within 0.1 of 1); one of 1.05 is left as it is
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 5))
    W = rng.normal(size=(5, 3))
    W /= np.sqrt(np.var(X @ W))
    for variance, rescaled in [(1.15, True), (1.05, False)]:
        start = W * math.sqrt(variance)
        got = I.LSUV().rescale(X, start, np.zeros(3))
        assert_allclose(got, W if rescaled else start, rtol=1e-12)


def test_lsuv_cap_warning_and_zero_variance_messages():
    rng = np.random.RandomState(0)
    X = rng.normal(scale=5.0, size=(200, 6))
    W = rng.normal(size=(6, 4))
    b = rng.normal(scale=3.0, size=4)
    once = W / np.sqrt(np.var(X @ W + b))
    variance = np.var(X @ once + b)
    message = (
        f"LSUV stopped at max_iter=1 rescalings of this layer with output "
        f"variance {variance:.4g}, not within tol=0.1 of 1 (its biases shift the "
        "output)."
    )
    with pytest.warns(InitializationWarning, match=re.escape(message)) as record:
        I.LSUV(max_iter=1).rescale(X, W, b)
    assert [type(w.message) for w in record] == [InitializationWarning]
    with pytest.raises(
        ValueError,
        match=r"LSUV cannot scale layer 2: the variance of its output on the "
        r"training sample is 0\.0\.",
    ):
        I.LSUV().rescale(X, np.zeros((6, 4)), np.zeros(4), I.Layer(2, 6, 4))


def test_lsuv_on_sparse_input_equals_dense(iris):
    import scipy.sparse as sp

    X, y = iris
    X = np.where(np.abs(X) < 0.5, 0.0, X)
    params = dict(hidden_layer_sizes=(6,), init="lsuv", max_iter=1, random_state=0)
    dense = MLPClassifier(**params).fit(X, y)
    sparse = MLPClassifier(**params).fit(sp.csr_matrix(X), y)
    for a, b in zip(dense.init_coefs_, sparse.init_coefs_):
        assert_allclose(a, b, rtol=1e-12)


def test_lsuv_with_unit_weights_equals_no_weights(iris):
    # scikit-learn's rule: sample_weight=ones is no sample_weight, LSUV's sample
    # included (here 100 of the 150 rows are drawn)
    X, y = iris
    params = dict(
        hidden_layer_sizes=(6,),
        init=I.LSUV(sample_size=100),
        max_iter=1,
        random_state=0,
    )
    plain = MLPClassifier(**params).fit(X, y)
    unit = MLPClassifier(**params).fit(X, y, sample_weight=np.full(150, 2.0))
    for a, b in zip(plain.init_coefs_, unit.init_coefs_):
        assert_array_equal(a, b)


def test_lsuv_sample_is_drawn_without_replacement(monkeypatch):
    # 100 of 300 distinct rows, each at most once
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(300, 3)), rng.randint(2, size=300)
    seen = _record_lsuv_samples(monkeypatch)
    MLPClassifier(
        hidden_layer_sizes=(4,),
        init=[I.LSUV(sample_size=100), "glorot_uniform"],
        max_iter=1,
        random_state=0,
    ).fit(X, y)
    rows = {tuple(row) for row in seen[0]}
    assert len(seen[0]) == len(rows) == 100
    assert rows <= {tuple(row) for row in X}


def _record_lsuv_samples(monkeypatch):
    """The inputs LSUV's rescale is given, in a list each fit appends to."""
    seen = []
    rescale = I.LSUV.rescale

    def recording(self, inputs, *args, **kwargs):
        seen.append(inputs)
        return rescale(self, inputs, *args, **kwargs)

    monkeypatch.setattr(I.LSUV, "rescale", recording)
    return seen
