# SPDX-License-Identifier: BSD-3-Clause
"""Initialization strategies for the weights and biases of a network.

Each strategy is a small class whose constructor arguments are its settings;
string aliases name the common ones (see :data:`NAMES`). An initializer is
called as ``init(shape, random_state)``; the estimators also tell it which
layer it initializes.
"""

from ._base import Initializer, Layer, calculate_gain
from ._basic import (
    Constant,
    Identity,
    Ones,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    SklearnUniform,
    Sparse,
    TruncatedNormal,
    Zeros,
)
from ._lsuv import LSUV
from ._variance_scaling import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    VarianceScaling,
)

#: String aliases of the initializers, as accepted by ``init`` and ``bias_init``.
NAMES = {
    "sklearn": SklearnUniform,
    "zeros": Zeros,
    "ones": Ones,
    "constant": Constant,
    "uniform": RandomUniform,
    "normal": RandomNormal,
    "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform,
    "xavier_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "xavier_normal": GlorotNormal,
    "he_uniform": HeUniform,
    "kaiming_uniform": HeUniform,
    "he_normal": HeNormal,
    "kaiming_normal": HeNormal,
    "lecun_uniform": LecunUniform,
    "lecun_normal": LecunNormal,
    "orthogonal": Orthogonal,
    "identity": Identity,
    "sparse": Sparse,
    "lsuv": LSUV,
}


def get(identifier):
    """The initializer an ``init`` value stands for.

    Parameters
    ----------
    identifier : str, Initializer or callable
        A name from :data:`NAMES`, an initializer (returned as is) or a
        callable ``(shape, random_state) -> ndarray`` (returned as is).

    Returns
    -------
    initializer : Initializer or callable

    Examples
    --------
    >>> from skinit.initializers import get
    >>> get("kaiming_normal")
    HeNormal()
    """
    if isinstance(identifier, str):
        if identifier not in NAMES:
            raise ValueError(
                f"Unknown initializer {identifier!r}. Valid names are: "
                f"{', '.join(sorted(NAMES))}."
            )
        return NAMES[identifier]()
    if callable(identifier):
        return identifier
    raise TypeError(
        "An initializer must be a name, an Initializer or a callable "
        f"(shape, random_state) -> ndarray; got {identifier!r}."
    )


__all__ = [
    "NAMES",
    "LSUV",
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "Initializer",
    "Layer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "RandomNormal",
    "RandomUniform",
    "SklearnUniform",
    "Sparse",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "calculate_gain",
    "get",
]
