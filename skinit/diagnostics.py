# SPDX-License-Identifier: BSD-3-Clause
"""Why an initialization works or fails: symmetry, activations, rank, gradient flow.

The functions behind the estimators' diagnostic attributes. They also accept
a fitted ``sklearn.neural_network.MLPClassifier`` or ``MLPRegressor``, or
plain lists of weight matrices.
"""

from ._diagnostics import (
    activation_stats,
    effective_rank,
    first_gradient_update,
    hidden_activations,
    symmetry,
    unit_groups,
)

__all__ = [
    "activation_stats",
    "effective_rank",
    "first_gradient_update",
    "hidden_activations",
    "symmetry",
    "unit_groups",
]
