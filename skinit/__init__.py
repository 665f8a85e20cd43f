# SPDX-License-Identifier: BSD-3-Clause
"""skinit: scikit-learn multi-layer perceptrons with first-class initialization."""

from ._mlp import MLPClassifier, MLPRegressor
from ._plot import (
    ActivationDisplay,
    GradientFlowDisplay,
    RestartsDisplay,
    SignalPropagationDisplay,
    SymmetryDisplay,
)
from ._search import MLPClassifierCV, MLPRegressorCV

__version__ = "0.1.0.dev0"

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
