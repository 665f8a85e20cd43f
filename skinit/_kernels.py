# SPDX-License-Identifier: BSD-3-Clause
"""Fused elementwise kernels of the training loop, compiled with numba.

Between its matrix products, one training step of an MLP makes many small
elementwise passes (bias, activation, its derivative, the softmax, the loss,
the bias gradients, the penalty, the optimizer). As numpy calls they cost
more than the products themselves on the usual scikit-learn problems: a call
each, and a pass over memory each. Here each group of them is one loop that
reads every value once.

Every kernel exists twice, with the same semantics: compiled with numba when
it is installed (the default dependency), and as plain numpy, the fallback
(``SKINIT_NUMBA=0`` selects it; the test suite runs the engine's tests with
both). The two agree to rounding, not bit for bit; within one of them a
network's arithmetic never depends on the other networks of its batch.

Arrays are 3-D, ``(n_networks, n_samples, units)``, with any strides;
parameters, gradients and optimizer state are 2-D, ``(n_networks,
n_params)``, one row per network.
"""

import os

import numpy as np
from scipy.special import expit, xlogy

#: Hidden activations, by code.
ACTIVATION_CODES = {"identity": 0, "relu": 1, "tanh": 2, "logistic": 3}
#: (output activation, loss) pairs, by code.
OUTPUT_CODES = {
    ("softmax", "log_loss"): 0,
    ("logistic", "binary_log_loss"): 1,
    ("identity", "squared_error"): 2,
    ("exp", "poisson"): 3,
}


# -- numpy: scikit-learn's own arithmetic, operation by operation -------------


def _relu(a):
    np.maximum(a, 0, out=a)


def _softmax(a):
    a -= a.max(axis=-1, keepdims=True)
    np.exp(a, out=a)
    a /= a.sum(axis=-1, keepdims=True)


#: In-place activations by name, as scikit-learn computes them: the numpy
#: kernels, prediction and the diagnostics use them.
ACTIVATIONS = {
    "identity": lambda a: None,
    "exp": lambda a: np.exp(a, out=a),
    "tanh": lambda a: np.tanh(a, out=a),
    "logistic": lambda a: expit(a, out=a),
    "relu": _relu,
    "softmax": _softmax,
}
_HIDDEN_BY_CODE = [
    ACTIVATIONS[name]
    for name, _ in sorted(ACTIVATION_CODES.items(), key=lambda i: i[1])
]
_OUTPUT_BY_CODE = [
    ACTIVATIONS[name]
    for (name, _), _ in sorted(OUTPUT_CODES.items(), key=lambda i: i[1])
]


def _np_bias_activation(a, b, activation):
    a += b[:, np.newaxis, :]
    _HIDDEN_BY_CODE[activation](a)


def _np_hidden_backward(delta, a, activation, bias_grad):
    if activation == 1:
        delta[a == 0] = 0
    elif activation == 2:
        delta *= 1 - a**2
    elif activation == 3:
        delta *= a
        delta *= 1 - a
    np.add.reduce(delta, axis=1, out=bias_grad)


def _sample_mean(values, sample_weight):
    """Mean over the sample axis (1) of ``(K, n, n_out)`` values."""
    if sample_weight is None:
        return np.add.reduce(values, axis=1) / values.shape[1]
    weighted = np.add.reduce(values * sample_weight[..., np.newaxis], axis=1)
    return weighted / np.add.reduce(sample_weight, axis=-1)[..., np.newaxis]


def _np_output_activation(z, b, output):
    z += b[:, np.newaxis, :]
    _OUTPUT_BY_CODE[output](z)


def _np_output_layer(z, b, y, sample_weight, output, eps, bias_grad, losses):
    _np_output_activation(z, b, output)
    _np_loss_delta(z, y, sample_weight, output, eps, bias_grad, losses)


def _np_loss_delta(z, y, sample_weight, output, eps, bias_grad, losses):
    if output in (0, 1):
        p = np.clip(z, eps, 1 - eps)
        # y is 0 or 1 and p is clipped away from 0: y * log(p) is xlogy(y, p)
        values = np.log(p) * y
        if output == 1:
            values += (1 - y) * np.log(1 - p)
        losses[:] = -np.add.reduce(_sample_mean(values, sample_weight), axis=-1)
    elif output == 2:
        losses[:] = 0.5 * _sample_mean((y - z) ** 2, sample_weight).mean(axis=-1)
    else:
        values = xlogy(y, y / z) - y + z
        losses[:] = _sample_mean(values, sample_weight).sum(axis=-1)
    z -= y
    if sample_weight is not None:
        z *= sample_weight[..., np.newaxis]
    np.add.reduce(z, axis=1, out=bias_grad)


def _np_add_penalty_loss(losses, theta, coef_bounds, alpha, sw_sum):
    # scikit-learn's order: one dot product per layer, summed
    squared_norm = 0.0
    for lo, hi in zip(coef_bounds[:-1], coef_bounds[1:]):
        squared_norm = squared_norm + np.vecdot(theta[:, lo:hi], theta[:, lo:hi])
    losses += 0.5 * alpha * squared_norm / sw_sum


def _np_full_gradient(theta, grad, n_coef, alpha, sw_sum, bounds, sq):
    """The gradient with its L2 term, divided by the (weighted) batch size.

    With ``sq``, its squared norm per segment of ``bounds`` is written there.
    """
    g = grad.copy()
    g[:, :n_coef] += alpha[:, np.newaxis] * theta[:, :n_coef]
    g /= sw_sum[:, np.newaxis]
    if sq is not None:
        sq[:] = np.add.reduceat(g * g, bounds[:-1], axis=1)
    return g


def _np_adam(
    theta, grad, ms, vs, steps, n_coef, alpha, sw_sum, lr_init, b1, b2, eps, bounds, sq
):
    steps += 1
    step_size = lr_init * np.sqrt(1 - b2**steps) / (1 - b1**steps)
    g = _np_full_gradient(theta, grad, n_coef, alpha, sw_sum, bounds, sq)
    ms[:] = b1 * ms + (1 - b1) * g
    vs[:] = b2 * vs + (1 - b2) * g**2
    theta += -step_size[:, np.newaxis] * ms / (np.sqrt(vs) + eps)


def _np_sgd(
    theta, grad, vel, n_coef, alpha, sw_sum, lr, momentum, nesterov, bounds, sq
):
    g = _np_full_gradient(theta, grad, n_coef, alpha, sw_sum, bounds, sq)
    vel[:] = momentum * vel - lr[:, np.newaxis] * g
    if nesterov:
        theta += momentum * vel - lr[:, np.newaxis] * g
    else:
        theta += vel


# -- numba -------------------------------------------------------------------


def _compile():
    """The compiled kernels, or None when numba is unavailable or switched off.

    The numba functions are in :mod:`skinit._compiled` (see there why at
    module level); here they are wrapped to take the engine's arguments.
    Their loops hold no branch and no call, so that LLVM vectorizes them;
    exp, tanh and the logistic function stay numpy's (vectorized) ufuncs.
    Sums run in a fixed order, whatever the memory alignment, so a network's
    result never depends on where its rows sit in the batch.
    """
    if os.environ.get("SKINIT_NUMBA", "1") == "0":
        return None
    try:
        from ._compiled import (
            adam,
            add_bias,
            add_bias_relu,
            add_bias_shift,
            add_penalty_loss,
            finish_output,
            finish_softmax,
            identity_backward,
            logistic_backward,
            normalize_rows,
            relu_backward,
            sgd,
            shuffle_rows,
            tanh_backward,
        )
    except ImportError:
        return None

    def exact_output_layer(z, b, y, sample_weight, output, eps, bias_grad, losses):
        # scikit-learn's softmax without numpy's slow reductions of short rows
        if output != 0:
            return _np_output_layer(
                z, b, y, sample_weight, output, eps, bias_grad, losses
            )
        add_bias_shift(z, b)
        np.exp(z, out=z)
        normalize_rows(z)
        _np_loss_delta(z, y, sample_weight, output, eps, bias_grad, losses)

    def bias_activation(a, b, activation):
        if activation == 1:
            add_bias_relu(a, b)
        else:
            add_bias(a, b)
            _HIDDEN_BY_CODE[activation](a)  # numpy's vectorized tanh and expit

    # one kernel per activation (see skinit._compiled), by code
    backward = [identity_backward, relu_backward, tanh_backward, logistic_backward]

    def hidden_backward(delta, a, activation, bias_grad):
        # ``one`` in the arrays' precision: a literal 1.0 would promote float32
        backward[activation](delta, a, bias_grad, _ONE[delta.dtype.type])

    def output_layer(z, b, y, sample_weight, output, eps, bias_grad, losses):
        (add_bias_shift if output == 0 else add_bias)(z, b)
        if output in (0, 3):
            np.exp(z, out=z)
        elif output == 1:
            expit(z, out=z)
        if sample_weight is None:
            sample_weight = _EMPTY[z.dtype.type]
        if output == 0:
            finish_softmax(z, y, sample_weight, eps, bias_grad, losses)
        else:
            finish_output(z, y, sample_weight, output, eps, bias_grad, losses)

    def no_norms(kernel):
        # numba wants an array: an empty one stands for "no norms wanted"
        def run(*args):
            *head, sq = args
            kernel(*head, _EMPTY[head[0].dtype.type] if sq is None else sq)

        return run

    return {
        "bias_activation": bias_activation,
        "hidden_backward": hidden_backward,
        "output_layer": output_layer,
        "add_penalty_loss": add_penalty_loss,
        "adam": no_norms(adam),
        "sgd": no_norms(sgd),
        "exact_output_layer": exact_output_layer,
        "shuffle_rows": shuffle_rows,
    }


_EMPTY = {t: np.empty((0, 0), dtype=t) for t in (np.float32, np.float64)}
_ONE = {t: t(1) for t in (np.float32, np.float64)}

NUMPY = {
    "add_penalty_loss": _np_add_penalty_loss,
    "bias_activation": _np_bias_activation,
    "hidden_backward": _np_hidden_backward,
    "output_layer": _np_output_layer,
    "adam": _np_adam,
    "sgd": _np_sgd,
}
NUMBA = _compile()


class _Kernels:
    """The kernels in use, as attributes; :meth:`use` switches them."""

    def __init__(self):
        self.use("numba" if NUMBA is not None else "numpy")

    def use(self, name):
        """Select ``"numba"`` or ``"numpy"``; returns the previous name."""
        if name == "numba" and NUMBA is None:
            raise ImportError("numba is not installed (or SKINIT_NUMBA=0).")
        previous = getattr(self, "name", None)
        self.name = name
        self.__dict__.update(NUMBA if name == "numba" else NUMPY)
        return previous


kernels = _Kernels()


class _ExactKernels:
    """scikit-learn's arithmetic bit for bit, as fast as it can be had.

    The compiled bias, activation and derivative kernels, and the softmax,
    give numpy's bits (the same operations in the same order; tested); the
    loss and the penalty are numpy's.
    """

    def __getattr__(self, name):
        if name not in NUMPY:
            raise AttributeError(name)
        if kernels.name != "numba" or name not in _BITWISE_NUMPY:
            return NUMPY[name]
        return NUMBA[_BITWISE_NUMPY[name]]


#: the compiled kernels that give numpy's bits, by name of the numpy kernel
_BITWISE_NUMPY = {
    "bias_activation": "bias_activation",
    "hidden_backward": "hidden_backward",
    "output_layer": "exact_output_layer",
}
#: scikit-learn's arithmetic, whatever :data:`kernels` uses.
EXACT_KERNELS = _ExactKernels()
