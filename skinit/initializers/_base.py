# SPDX-License-Identifier: BSD-3-Clause
"""The Initializer base class, fans and gains."""

import functools
import inspect
import math
from dataclasses import dataclass

import numpy as np
from sklearn.utils import check_random_state

from ..utils._sklearn import InvalidParameterError, validate_parameter_constraints


@dataclass(frozen=True)
class Layer:
    """What an initializer may know about the layer it initializes.

    Attributes
    ----------
    index : int
        0 for the weights from the input to the first hidden layer.
    fan_in, fan_out : int
        Number of inputs and outputs of the layer.
    activation : str
        Activation applied to the layer's output ('identity', 'logistic',
        'tanh', 'relu', or the output activation for the last layer).
    is_output : bool
        Whether this is the output layer.
    """

    index: int
    fan_in: int
    fan_out: int
    activation: str = "relu"
    is_output: bool = False


def _compute_fans(shape, layer=None):
    """``(fan_in, fan_out)`` of a weight shape ``(..., fan_in, fan_out)``.

    A bias shape ``(fan_out,)`` takes the fans of its layer when known.
    """
    if layer is not None:
        return layer.fan_in, layer.fan_out
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    return shape[-2], shape[-1]


_GAINS = {
    "identity": 1.0,
    "linear": 1.0,
    "logistic": 1.0,
    "sigmoid": 1.0,
    "tanh": 5.0 / 3,
    "relu": math.sqrt(2.0),
    "selu": 3.0 / 4,
}


def calculate_gain(activation, param=None):
    """The recommended gain for an activation, as in ``torch.nn.init``.

    The gain is the factor by which to multiply the standard deviation of a
    layer's weights so that the variance of the signal stays constant through
    layers with this activation.

    ============  ==========================
    activation    gain
    ============  ==========================
    identity      1
    logistic      1
    tanh          5/3
    relu          sqrt(2)
    leaky_relu    sqrt(2 / (1 + slope^2))
    selu          3/4
    ============  ==========================

    Parameters
    ----------
    activation : str
        'identity' (or 'linear'), 'logistic' (or 'sigmoid'), 'tanh', 'relu',
        'leaky_relu' or 'selu'.
    param : float, default=None
        Negative slope of 'leaky_relu' (default 0.01).

    Returns
    -------
    gain : float

    Examples
    --------
    >>> from skinit.initializers import calculate_gain
    >>> calculate_gain("relu")
    1.4142135623730951
    >>> calculate_gain("tanh")
    1.6666666666666667
    """
    if activation == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope**2))
    if activation not in _GAINS:
        raise ValueError(
            f"Unknown activation {activation!r} for calculate_gain; expected one "
            f"of {sorted([*_GAINS, 'leaky_relu'])}."
        )
    return _GAINS[activation]


class Initializer:
    """Base class of all initializers.

    An initializer is called as ``init(shape, random_state)`` and returns a
    float64 array of that shape. Its constructor arguments are its settings,
    stored as attributes of the same name, so ``get_params``/``set_params``,
    :func:`sklearn.base.clone` and nested grid-search keys such as
    ``init__gain`` work as they do for estimators.

    Subclasses implement ``_sample(shape, random_state, layer)`` and declare
    the types and ranges of their settings in ``_parameter_constraints``, as
    scikit-learn's estimators do: the settings are checked when the
    initializer draws (so in ``fit``), not in ``__init__``, which only
    assigns.
    """

    #: Whether the initializer needs the training data (see :class:`LSUV`).
    requires_data = False

    _parameter_constraints: dict = {}

    def _validate_params(self):
        """Raise ``InvalidParameterError`` naming a setting out of its range."""
        validate_parameter_constraints(
            self._parameter_constraints,
            self.get_params(deep=False),
            caller_name=type(self).__name__,
        )
        self._check_settings()

    def _check_settings(self):
        """Checks that involve several settings; subclasses override it."""

    def _invalid(self, message):
        return InvalidParameterError(f"{type(self).__name__}: {message}")

    @classmethod
    def _get_param_names(cls):
        return list(_param_names(cls.__init__))

    def get_params(self, deep=True):
        """Get the settings of this initializer.

        Parameters
        ----------
        deep : bool, default=True
            Ignored: initializers hold no nested objects with parameters.

        Returns
        -------
        params : dict
            Setting names mapped to their values.
        """
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params):
        """Set the settings of this initializer.

        Returns
        -------
        self : Initializer
        """
        valid = self._get_param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for initializer {self!r}. "
                    f"Valid parameters are: {valid!r}."
                )
            setattr(self, name, value)
        return self

    def __call__(self, shape, random_state=None, layer=None):
        """Draw an array of initial values.

        Parameters
        ----------
        shape : tuple of int
            ``(fan_in, fan_out)`` for weights, ``(fan_out,)`` for biases.
        random_state : int, RandomState instance or None, default=None
            Source of randomness.
        layer : Layer, default=None
            The layer being initialized, when called by an estimator.

        Returns
        -------
        values : ndarray of shape ``shape``
        """
        self._validate_params()
        shape = tuple(int(n) for n in np.atleast_1d(shape))
        values = self._sample(shape, check_random_state(random_state), layer)
        return np.asarray(values, dtype=np.float64).reshape(shape)

    def __repr__(self):
        defaults = {
            name: p.default
            for name, p in inspect.signature(type(self).__init__).parameters.items()
        }
        shown = [
            f"{name}={value!r}"
            for name, value in self.get_params().items()
            if not _same(value, defaults.get(name, inspect.Parameter.empty))
        ]
        return f"{type(self).__name__}({', '.join(shown)})"

    def __eq__(self, other):
        return type(self) is type(other) and all(
            _same(a, b)
            for a, b in zip(self.get_params().values(), other.get_params().values())
        )

    def __hash__(self):
        return hash((type(self), tuple(map(repr, self.get_params().values()))))


@functools.cache
def _param_names(init):
    """The settings of an ``__init__`` (cached: ``inspect.signature`` is slow,
    and initializers are called once per layer and restart)."""
    if init is object.__init__:
        return ()
    parameters = inspect.signature(init).parameters.values()
    return tuple(sorted(p.name for p in parameters if p.name != "self"))


def _same(a, b):
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return a is b
