# SPDX-License-Identifier: BSD-3-Clause
"""Warnings raised by skinit; each can be silenced with the ``warnings`` filters."""

__all__ = [
    "DeadUnitsWarning",
    "DiagnosticWarning",
    "InitializationWarning",
    "RankCollapseWarning",
    "SymmetryWarning",
    "VanishingGradientWarning",
]


class InitializationWarning(UserWarning):
    """An initializer could not reach its goal (for example LSUV's unit
    variance within its iteration cap)."""


class DiagnosticWarning(UserWarning):
    """Base class of the warnings about what a fit's diagnostics show."""


class SymmetryWarning(DiagnosticWarning):
    """A hidden layer ended with units that are copies of each other."""


class VanishingGradientWarning(DiagnosticWarning):
    """A layer never received a gradient: its weights never changed."""


class DeadUnitsWarning(DiagnosticWarning):
    """Every unit of a ReLU layer outputs zero on every sample."""


class RankCollapseWarning(DiagnosticWarning):
    """A hidden layer's weights or activations have effective rank about 1,
    although its units are distinct: they compute one direction of the input,
    scaled and shifted, so distinct-unit counts alone miss the collapse."""
