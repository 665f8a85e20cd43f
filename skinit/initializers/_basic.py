# SPDX-License-Identifier: BSD-3-Clause
"""Initializers that need no variance argument: constants, plain distributions,
orthogonal, identity, sparse and scikit-learn's own scheme."""

import math
from numbers import Real

import numpy as np
from scipy.stats import truncnorm

from ..utils._sklearn import Interval
from ._base import Initializer, _compute_fans

_FINITE = Interval(Real, None, None, closed="neither")
_NON_NEGATIVE = Interval(Real, 0, None, closed="left")
_POSITIVE = Interval(Real, 0, None, closed="neither")


class Constant(Initializer):
    """Every value equal to ``value``.

    Parameters
    ----------
    value : float, default=0.0

    Examples
    --------
    >>> from skinit.initializers import Constant
    >>> Constant(0.5)((2, 3), random_state=0)
    array([[0.5, 0.5, 0.5],
           [0.5, 0.5, 0.5]])
    """

    _parameter_constraints: dict = {"value": [_FINITE]}

    def __init__(self, value=0.0):
        self.value = value

    def _sample(self, shape, random_state, layer):
        return np.full(shape, self.value, dtype=np.float64)


class Zeros(Constant):
    """Every value 0. With zero weights a layer passes no gradient backwards.

    Examples
    --------
    >>> from skinit.initializers import Zeros
    >>> Zeros()((2,), random_state=0)
    array([0., 0.])
    """

    def __init__(self):
        super().__init__(0.0)


class Ones(Constant):
    """Every value 1. Units with equal weights stay equal (symmetry).

    Examples
    --------
    >>> from skinit.initializers import Ones
    >>> Ones()((2,), random_state=0)
    array([1., 1.])
    """

    def __init__(self):
        super().__init__(1.0)


class RandomUniform(Initializer):
    """Values drawn from ``U(minval, maxval)``.

    Parameters
    ----------
    minval, maxval : float, default=-0.05, 0.05
        Bounds of the interval.

    Examples
    --------
    >>> from skinit.initializers import RandomUniform
    >>> RandomUniform(-1, 1)((2, 2), random_state=0).round(3)
    array([[0.098, 0.43 ],
           [0.206, 0.09 ]])
    """

    _parameter_constraints: dict = {"minval": [_FINITE], "maxval": [_FINITE]}

    def __init__(self, minval=-0.05, maxval=0.05):
        self.minval = minval
        self.maxval = maxval

    def _check_settings(self):
        if self.minval > self.maxval:
            raise self._invalid(
                f"minval must not exceed maxval; got minval={self.minval!r} and "
                f"maxval={self.maxval!r}."
            )

    def _sample(self, shape, random_state, layer):
        return random_state.uniform(self.minval, self.maxval, shape)


class RandomNormal(Initializer):
    """Values drawn from ``N(mean, stddev^2)``.

    Parameters
    ----------
    mean : float, default=0.0
    stddev : float, default=0.05

    Examples
    --------
    >>> from skinit.initializers import RandomNormal
    >>> RandomNormal(stddev=1.0)((2,), random_state=0).round(3)
    array([1.764, 0.4  ])
    """

    _parameter_constraints: dict = {"mean": [_FINITE], "stddev": [_NON_NEGATIVE]}

    def __init__(self, mean=0.0, stddev=0.05):
        self.mean = mean
        self.stddev = stddev

    def _sample(self, shape, random_state, layer):
        return random_state.normal(self.mean, self.stddev, shape)


def _truncated_standard_normal(shape, random_state):
    """Draws of ``N(0, 1)`` restricted to ``[-2, 2]``."""
    return truncnorm.rvs(-2.0, 2.0, size=shape, random_state=random_state)


class TruncatedNormal(Initializer):
    """Values drawn from ``N(mean, stddev^2)``, redrawn beyond two ``stddev``.

    As in Keras, ``stddev`` is the standard deviation *before* truncation:
    the values' standard deviation is about ``0.88 * stddev``. Use
    :class:`VarianceScaling` for a truncated normal of exact variance.

    Parameters
    ----------
    mean : float, default=0.0
    stddev : float, default=0.05

    Examples
    --------
    >>> from skinit.initializers import TruncatedNormal
    >>> values = TruncatedNormal(stddev=1.0)((1000,), random_state=0)
    >>> bool(abs(values).max() <= 2.0)
    True
    """

    _parameter_constraints: dict = {"mean": [_FINITE], "stddev": [_NON_NEGATIVE]}

    def __init__(self, mean=0.0, stddev=0.05):
        self.mean = mean
        self.stddev = stddev

    def _sample(self, shape, random_state, layer):
        return self.mean + self.stddev * _truncated_standard_normal(shape, random_state)


class Orthogonal(Initializer):
    r"""A (semi-)orthogonal matrix times ``gain`` (Saxe et al., 2014).

    The Q factor of the QR decomposition of a standard normal matrix, with the
    signs fixed by the diagonal of R so that Q is uniformly distributed
    (Haar measure). For a non-square ``(fan_in, fan_out)`` shape, the rows
    (``fan_in < fan_out``) or the columns are orthonormal, so every singular
    value equals ``gain``. A 1-D shape (biases) is a random unit vector times
    ``gain``.

    Parameters
    ----------
    gain : float, default=1.0
        Multiplier of the matrix; :func:`calculate_gain` gives a value per
        activation.

    References
    ----------
    Saxe, McClelland and Ganguli, "Exact solutions to the nonlinear dynamics
    of learning in deep linear neural networks", ICLR 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from skinit.initializers import Orthogonal
    >>> W = Orthogonal(gain=2.0)((3, 5), random_state=0)
    >>> np.linalg.svd(W, compute_uv=False).round(6)
    array([2., 2., 2.])
    """

    _parameter_constraints: dict = {"gain": [_POSITIVE]}

    def __init__(self, gain=1.0):
        self.gain = gain

    def _sample(self, shape, random_state, layer):
        rows = shape[0] if len(shape) > 1 else 1
        cols = int(np.prod(shape)) // rows
        flat = random_state.normal(0.0, 1.0, (max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(flat)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return self.gain * q.reshape(shape)


class Identity(Initializer):
    """The identity matrix times ``gain``, padded with zeros when not square.

    Parameters
    ----------
    gain : float, default=1.0

    Examples
    --------
    >>> from skinit.initializers import Identity
    >>> Identity()((2, 3))
    array([[1., 0., 0.],
           [0., 1., 0.]])
    """

    _parameter_constraints: dict = {"gain": [_POSITIVE]}

    def __init__(self, gain=1.0):
        self.gain = gain

    def _sample(self, shape, random_state, layer):
        if len(shape) != 2:
            raise ValueError(f"Identity needs a 2-D shape, got {shape}.")
        return self.gain * np.eye(*shape)


class Sparse(Initializer):
    """Each unit gets a fraction ``sparsity`` of zero incoming weights.

    The other weights are drawn from ``N(0, std^2)``. For weights of shape
    ``(fan_in, fan_out)``, each of the ``fan_out`` units (columns) has
    ``ceil(sparsity * fan_in)`` zeros at random rows, the sparse
    initialization of Martens (2010): units differ in which inputs they see,
    and the scale of their input does not grow with ``fan_in``.
    ``torch.nn.init.sparse_`` applies the same rule to its ``(out, in)``
    weights, column by column.

    Parameters
    ----------
    sparsity : float, default=0.1
        Fraction of zero incoming weights per unit, in [0, 1].
    std : float, default=0.01
        Standard deviation of the non-zero weights.

    References
    ----------
    Martens, "Deep learning via Hessian-free optimization", ICML 2010.

    Examples
    --------
    >>> from skinit.initializers import Sparse
    >>> W = Sparse(sparsity=0.5)((4, 3), random_state=0)
    >>> (W == 0).sum(axis=0)
    array([2, 2, 2])
    """

    _parameter_constraints: dict = {
        "sparsity": [Interval(Real, 0, 1, closed="both")],
        "std": [_NON_NEGATIVE],
    }

    def __init__(self, sparsity=0.1, std=0.01):
        self.sparsity = sparsity
        self.std = std

    def _sample(self, shape, random_state, layer):
        values = random_state.normal(0.0, self.std, shape)
        if len(shape) != 2:
            return values
        fan_in, fan_out = shape
        n_zeros = math.ceil(self.sparsity * fan_in)
        for unit in range(fan_out):
            values[random_state.permutation(fan_in)[:n_zeros], unit] = 0.0
        return values


class SklearnUniform(Initializer):
    r"""scikit-learn's initialization of ``MLPClassifier`` and ``MLPRegressor``.

    Weights and biases are drawn from ``U(-b, b)`` with

    .. math:: b = \sqrt{\frac{f}{\text{fan\_in} + \text{fan\_out}}}

    where ``f = 2`` when the network's hidden activation is 'logistic' and
    ``f = 6`` otherwise: Glorot & Bengio's uniform bound (variance
    ``2 / (fan_in + fan_out)``) for tanh-like activations, divided by
    ``sqrt(3)`` for the logistic one. Biases use the bound of their layer. It
    is the default of skinit's estimators, whose models then equal
    scikit-learn's for the same ``random_state``.

    References
    ----------
    Glorot and Bengio, "Understanding the difficulty of training deep
    feedforward neural networks", AISTATS 2010.

    Examples
    --------
    >>> from skinit.initializers import SklearnUniform
    >>> W = SklearnUniform()((10, 14), random_state=0)
    >>> bool(abs(W).max() <= 0.5)
    True
    """

    def _sample(self, shape, random_state, layer):
        fan_in, fan_out = _compute_fans(shape, layer)
        activation = "relu" if layer is None else layer.activation
        factor = 2.0 if activation == "logistic" else 6.0
        bound = np.sqrt(factor / (fan_in + fan_out))
        return random_state.uniform(-bound, bound, shape)
