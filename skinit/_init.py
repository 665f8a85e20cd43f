# SPDX-License-Identifier: BSD-3-Clause
"""Starting parameters of a network."""

import numpy as np


def sklearn_init(layout, activation, random_state, dtype):
    """scikit-learn's initialization, drawn in scikit-learn's order.

    Layer by layer, the weights and then the biases are drawn from
    ``U(-b, b)`` with ``b = sqrt(factor / (fan_in + fan_out))``, ``factor`` 2
    for the logistic activation and 6 otherwise (Glorot & Bengio, 2010).

    Returns
    -------
    theta : ndarray of shape (1, n_params)
    """
    factor = 2.0 if activation == "logistic" else 6.0
    coefs, intercepts = [], []
    for fan_in, fan_out in layout.coef_shapes:
        bound = np.sqrt(factor / (fan_in + fan_out))
        coefs.append(random_state.uniform(-bound, bound, (fan_in, fan_out)))
        intercepts.append(random_state.uniform(-bound, bound, fan_out))
    return layout.pack(coefs, intercepts, dtype)
