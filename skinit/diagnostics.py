# SPDX-License-Identifier: BSD-3-Clause
"""Why an initialization works or fails: symmetry, activations, rank, gradient flow.

The functions behind the estimators' diagnostic attributes. They also accept
a fitted ``sklearn.neural_network.MLPClassifier`` or ``MLPRegressor``, or
plain lists of weight matrices. :func:`signal_propagation` looks at a start
before training: the gains of every layer and the Jacobian's spectrum.
"""

from ._diagnostics import (
    activation_stats,
    effective_rank,
    first_gradient_update,
    hidden_activations,
    symmetry,
    unit_groups,
)
from ._signal import SignalPropagation, signal_propagation

__all__ = [
    "SignalPropagation",
    "activation_stats",
    "effective_rank",
    "first_gradient_update",
    "hidden_activations",
    "signal_propagation",
    "symmetry",
    "unit_groups",
]
