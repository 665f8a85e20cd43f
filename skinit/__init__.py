# SPDX-License-Identifier: BSD-3-Clause
"""skinit: scikit-learn multi-layer perceptrons with first-class initialization."""

import importlib

__version__ = "0.1.0.dev0"

# Public names and the private module that defines each. They are imported on
# first use (PEP 562), so that ``skinit --help`` answers without importing
# scikit-learn.
_LAZY = {
    "MLPClassifier": "._mlp",
    "MLPRegressor": "._mlp",
    "MLPClassifierCV": "._search",
    "MLPRegressorCV": "._search",
    "ActivationDisplay": "._plot",
    "GradientFlowDisplay": "._plot",
    "RestartsDisplay": "._plot",
    "SignalPropagationDisplay": "._plot",
    "SymmetryDisplay": "._plot",
}

__all__ = [
    "ActivationDisplay",
    "GradientFlowDisplay",
    "MLPClassifier",
    "MLPClassifierCV",
    "MLPRegressor",
    "MLPRegressorCV",
    "RestartsDisplay",
    "SignalPropagationDisplay",
    "SymmetryDisplay",
    "__version__",
]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_LAZY})
