# SPDX-License-Identifier: BSD-3-Clause
"""Variance scaling and its named presets: Glorot/Xavier, He/Kaiming, LeCun."""

import math
from numbers import Real

from ..utils._sklearn import Interval, StrOptions
from ._base import Initializer, _compute_fans
from ._basic import _POSITIVE, _truncated_standard_normal

#: Standard deviation of N(0, 1) truncated to [-2, 2] (Keras' constant).
TRUNCATED_STD = 0.87962566103423978

_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


class VarianceScaling(Initializer):
    r"""Zero-mean values whose variance is ``scale / n``.

    ``n`` is ``fan_in``, ``fan_out`` or ``(fan_in + fan_out) / 2`` by
    ``mode``. The target standard deviation is

    .. math:: \sigma = \sqrt{\text{scale} / n}

    and ``distribution`` says how it is reached:

    - ``"truncated_normal"``: a normal truncated at two standard deviations,
      its parameter divided by 0.8796 (the standard deviation of a standard
      normal cut at ±2) so that the values' standard deviation is exactly
      :math:`\sigma`, as in Keras;
    - ``"untruncated_normal"``: :math:`N(0, \sigma^2)`, as in
      ``torch.nn.init.kaiming_normal_`` and ``xavier_normal_``;
    - ``"uniform"``: :math:`U(-\sqrt{3}\sigma, \sqrt{3}\sigma)`.

    Parameters
    ----------
    scale : float, default=1.0
        Variance times ``n``; the square of a gain (2 for ReLU).
    mode : {"fan_in", "fan_out", "fan_avg"}, default="fan_in"
        Which fan ``n`` is: ``fan_in`` keeps the forward signal's variance,
        ``fan_out`` the backward gradient's, ``fan_avg`` compromises.
    distribution : {"truncated_normal", "untruncated_normal", "uniform"}, \
            default="truncated_normal"

    See Also
    --------
    GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal

    References
    ----------
    Glorot and Bengio, AISTATS 2010; He et al., ICCV 2015; LeCun et al.,
    "Efficient BackProp", 1998.

    Examples
    --------
    >>> from skinit.initializers import VarianceScaling
    >>> init = VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform")
    >>> W = init((400, 100), random_state=0)
    >>> round(float(W.std() * 400 ** 0.5), 1)
    1.4
    """

    _parameter_constraints: dict = {
        "scale": [Interval(Real, 0, None, closed="neither")],
        "mode": [StrOptions(set(_MODES))],
        "distribution": [StrOptions(set(_DISTRIBUTIONS))],
    }

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal"):
        self.scale = scale
        self.mode = mode
        self.distribution = distribution

    def _scale_mode_distribution(self):
        return self.scale, self.mode, self.distribution

    def _sample(self, shape, random_state, layer):
        scale, mode, distribution = self._scale_mode_distribution()
        fan_in, fan_out = _compute_fans(shape, layer)
        n = {"fan_in": fan_in, "fan_out": fan_out}.get(mode, (fan_in + fan_out) / 2)
        std = math.sqrt(scale / max(1.0, n))
        if distribution == "uniform":
            limit = math.sqrt(3.0) * std
            return random_state.uniform(-limit, limit, shape)
        if distribution == "untruncated_normal":
            return random_state.normal(0.0, std, shape)
        return std / TRUNCATED_STD * _truncated_standard_normal(shape, random_state)


class _Preset(VarianceScaling):
    """A named variance scaling: ``scale = gain**2 * _base_scale``."""

    _base_scale = 1.0
    _mode = "fan_in"
    _distribution = "truncated_normal"
    _parameter_constraints: dict = {"gain": [_POSITIVE]}

    def __init__(self, gain=1.0):
        self.gain = gain

    def _scale_mode_distribution(self):
        mode = getattr(self, "mode", self._mode)
        return self.gain**2 * self._base_scale, mode, self._distribution


class GlorotUniform(_Preset):
    r"""Glorot/Xavier uniform: :math:`U(-a, a)`, :math:`a = g\sqrt{6 / (n_i + n_o)}`.

    :math:`n_i, n_o` are fan_in and fan_out.

    Variance ``2 g^2 / (fan_in + fan_out)``: keeps forward and backward
    variances close for symmetric activations near their linear regime. Same
    as ``torch.nn.init.xavier_uniform_(w, gain=g)`` and Keras'
    ``GlorotUniform`` (``g = 1``).

    Parameters
    ----------
    gain : float, default=1.0
        Multiplier of the standard deviation.

    References
    ----------
    Glorot and Bengio, "Understanding the difficulty of training deep
    feedforward neural networks", AISTATS 2010.

    Examples
    --------
    >>> from skinit.initializers import GlorotUniform
    >>> W = GlorotUniform()((30, 10), random_state=0)
    >>> bool(abs(W).max() <= (6 / 40) ** 0.5)
    True
    """

    _mode = "fan_avg"
    _distribution = "uniform"


class GlorotNormal(_Preset):
    r"""Glorot/Xavier normal: std :math:`g\sqrt{2/(\text{fan\_in}+\text{fan\_out})}`.

    Drawn from a normal truncated at two standard deviations and rescaled to
    the exact std, as Keras' ``GlorotNormal``; ``torch.nn.init.xavier_normal_``
    uses an untruncated normal of the same std
    (``VarianceScaling(1.0, "fan_avg", "untruncated_normal")``).

    Parameters
    ----------
    gain : float, default=1.0
        Multiplier of the standard deviation.

    References
    ----------
    Glorot and Bengio, AISTATS 2010.

    Examples
    --------
    >>> from skinit.initializers import GlorotNormal
    >>> W = GlorotNormal()((300, 100), random_state=0)
    >>> round(float(W.std() / (2 / 400) ** 0.5), 1)
    1.0
    """

    _mode = "fan_avg"


class _He(_Preset):
    _base_scale = 2.0
    _parameter_constraints: dict = {
        "gain": [_POSITIVE],
        "mode": [StrOptions({"fan_in", "fan_out"})],
    }

    def __init__(self, gain=1.0, mode="fan_in"):
        self.gain = gain
        self.mode = mode


class HeUniform(_He):
    r"""He/Kaiming uniform: :math:`U(-a, a)`, :math:`a = g\sqrt{6/\text{fan}}`.

    Variance ``2 g^2 / fan``: the factor 2 makes up for ReLU zeroing half of
    its input, so activations keep their scale through deep ReLU networks.
    Same as ``torch.nn.init.kaiming_uniform_(w, nonlinearity="relu")`` and
    Keras' ``HeUniform`` for ``g = 1``.

    Parameters
    ----------
    gain : float, default=1.0
        Multiplier of the standard deviation.
    mode : {"fan_in", "fan_out"}, default="fan_in"
        ``fan_in`` preserves the forward pass, ``fan_out`` the backward pass.

    References
    ----------
    He, Zhang, Ren and Sun, "Delving deep into rectifiers: surpassing
    human-level performance on ImageNet classification", ICCV 2015.

    Examples
    --------
    >>> from skinit.initializers import HeUniform
    >>> W = HeUniform()((50, 20), random_state=0)
    >>> bool(abs(W).max() <= (6 / 50) ** 0.5)
    True
    """

    _distribution = "uniform"


class HeNormal(_He):
    r"""He/Kaiming normal: std :math:`g\sqrt{2/\text{fan}}`.

    Drawn from a normal truncated at two standard deviations and rescaled to
    the exact std, as Keras' ``HeNormal``; ``torch.nn.init.kaiming_normal_``
    uses an untruncated normal (``VarianceScaling(2.0, "fan_in",
    "untruncated_normal")``).

    Parameters
    ----------
    gain : float, default=1.0
        Multiplier of the standard deviation.
    mode : {"fan_in", "fan_out"}, default="fan_in"

    References
    ----------
    He et al., ICCV 2015.

    Examples
    --------
    >>> from skinit.initializers import HeNormal
    >>> W = HeNormal()((200, 100), random_state=0)
    >>> round(float(W.std() / (2 / 200) ** 0.5), 1)
    1.0
    """


class LecunUniform(_Preset):
    r"""LeCun uniform: :math:`U(-a, a)`, :math:`a = g\sqrt{3/\text{fan\_in}}`.

    Variance ``g^2 / fan_in``, for activations with unit gain (SELU, or tanh
    scaled as LeCun recommends).

    Parameters
    ----------
    gain : float, default=1.0

    References
    ----------
    LeCun, Bottou, Orr and Müller, "Efficient BackProp", 1998.

    Examples
    --------
    >>> from skinit.initializers import LecunUniform
    >>> W = LecunUniform()((12, 5), random_state=0)
    >>> bool(abs(W).max() <= 0.5)
    True
    """

    _distribution = "uniform"


class LecunNormal(_Preset):
    r"""LeCun normal: std :math:`g\sqrt{1/\text{fan\_in}}`, truncated as Keras'.

    Parameters
    ----------
    gain : float, default=1.0

    References
    ----------
    LeCun et al., "Efficient BackProp", 1998; Klambauer et al.,
    "Self-Normalizing Neural Networks", NeurIPS 2017.

    Examples
    --------
    >>> from skinit.initializers import LecunNormal
    >>> W = LecunNormal()((400, 100), random_state=0)
    >>> round(float(W.std() * 400 ** 0.5), 1)
    1.0
    """
