# SPDX-License-Identifier: BSD-3-Clause
from .activation import ActivationDisplay
from .gradient_flow import GradientFlowDisplay
from .restarts import RestartsDisplay
from .signal_propagation import SignalPropagationDisplay
from .symmetry import SymmetryDisplay

__all__ = [
    "ActivationDisplay",
    "GradientFlowDisplay",
    "RestartsDisplay",
    "SignalPropagationDisplay",
    "SymmetryDisplay",
]
