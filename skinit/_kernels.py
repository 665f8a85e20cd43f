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

import math
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


def _np_bias_activation(a, b, activation):
    a += b[:, np.newaxis, :]
    if activation == 1:
        np.maximum(a, 0, out=a)
    elif activation == 2:
        np.tanh(a, out=a)
    elif activation == 3:
        expit(a, out=a)


def _np_hidden_backward(delta, a, activation, bias_grad):
    if activation == 1:
        delta *= a > 0
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


def _np_output_layer(z, b, y, sample_weight, output, eps, bias_grad, losses):
    z += b[:, np.newaxis, :]
    if output == 0:
        z -= z.max(axis=2, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=2, keepdims=True)
    elif output == 1:
        expit(z, out=z)
    elif output == 3:
        np.exp(z, out=z)
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


def _np_full_gradient(theta, grad, n_coef, alpha, sw_sum):
    """The gradient with its L2 term, divided by the (weighted) batch size."""
    g = grad.copy()
    g[:, :n_coef] += alpha[:, np.newaxis] * theta[:, :n_coef]
    g /= sw_sum[:, np.newaxis]
    return g


def _np_adam(
    theta, grad, ms, vs, n_coef, alpha, sw_sum, step_size, b1, b2, eps, bounds, sq
):
    g = _np_full_gradient(theta, grad, n_coef, alpha, sw_sum)
    if sq is not None:
        sq[:] = np.add.reduceat(g * g, bounds[:-1], axis=1)
    ms[:] = b1 * ms + (1 - b1) * g
    vs[:] = b2 * vs + (1 - b2) * g**2
    theta += -step_size[:, np.newaxis] * ms / (np.sqrt(vs) + eps)


def _np_sgd(theta, grad, vel, n_coef, alpha, sw_sum, lr, momentum, nesterov, bounds, sq):
    g = _np_full_gradient(theta, grad, n_coef, alpha, sw_sum)
    if sq is not None:
        sq[:] = np.add.reduceat(g * g, bounds[:-1], axis=1)
    vel[:] = momentum * vel - lr[:, np.newaxis] * g
    if nesterov:
        theta += momentum * vel - lr[:, np.newaxis] * g
    else:
        theta += vel


# -- numba -------------------------------------------------------------------


def _compile():
    """The kernels compiled with numba, or None when it is unavailable."""
    if os.environ.get("SKINIT_NUMBA", "1") == "0":
        return None
    try:
        from numba import njit
    except ImportError:
        return None
    jit = njit(cache=True, nogil=True)

    @jit
    def bias_activation(a, b, activation):
        n_networks, n_samples, units = a.shape
        for k in range(n_networks):
            for i in range(n_samples):
                row, bias = a[k, i], b[k]
                if activation == 0:
                    for j in range(units):
                        row[j] += bias[j]
                elif activation == 1:
                    for j in range(units):
                        row[j] = max(row[j] + bias[j], 0.0)
                elif activation == 2:
                    for j in range(units):
                        row[j] = math.tanh(row[j] + bias[j])
                else:
                    for j in range(units):
                        row[j] = 1.0 / (1.0 + math.exp(-(row[j] + bias[j])))

    @jit
    def hidden_backward(delta, a, activation, bias_grad):
        n_networks, n_samples, units = delta.shape
        for k in range(n_networks):
            total = bias_grad[k]
            total[:] = 0.0
            for i in range(n_samples):
                d, out = delta[k, i], a[k, i]
                if activation == 1:
                    for j in range(units):
                        if out[j] <= 0.0:
                            d[j] = 0.0
                        total[j] += d[j]
                elif activation == 2:
                    for j in range(units):
                        d[j] *= 1.0 - out[j] * out[j]
                        total[j] += d[j]
                elif activation == 3:
                    for j in range(units):
                        d[j] *= out[j] * (1.0 - out[j])
                        total[j] += d[j]
                else:
                    for j in range(units):
                        total[j] += d[j]

    @jit
    def output_layer(z, b, y, sample_weight, output, eps, bias_grad, losses):
        n_networks, n_samples, n_out = z.shape
        weighted = sample_weight.shape[0] > 0
        column_loss = np.empty(n_out)
        for k in range(n_networks):
            total = bias_grad[k]
            total[:] = 0.0
            column_loss[:] = 0.0
            yk = y[0] if y.shape[0] == 1 else y[k]
            sw_sum = 0.0
            for i in range(n_samples):
                row, target = z[k, i], yk[i]
                w = 1.0
                if weighted:
                    w = sample_weight[0, i] if sample_weight.shape[0] == 1 else (
                        sample_weight[k, i]
                    )
                sw_sum += w
                for j in range(n_out):
                    row[j] += b[k, j]
                if output == 0:
                    peak = row[0]
                    for j in range(1, n_out):
                        peak = max(peak, row[j])
                    s = 0.0
                    for j in range(n_out):
                        row[j] = math.exp(row[j] - peak)
                        s += row[j]
                    for j in range(n_out):
                        row[j] /= s
                        if target[j] != 0.0:
                            p = min(max(row[j], eps), 1 - eps)
                            column_loss[j] -= target[j] * math.log(p) * w
                elif output == 1:
                    for j in range(n_out):
                        row[j] = 1.0 / (1.0 + math.exp(-row[j]))
                        p = min(max(row[j], eps), 1 - eps)
                        value = target[j] * math.log(p) if target[j] != 0.0 else 0.0
                        if target[j] != 1.0:
                            value += (1.0 - target[j]) * math.log(1.0 - p)
                        column_loss[j] -= value * w
                elif output == 2:
                    for j in range(n_out):
                        column_loss[j] += (target[j] - row[j]) ** 2 * w
                else:
                    for j in range(n_out):
                        row[j] = math.exp(row[j])
                        t = target[j]
                        value = row[j] - t
                        if t > 0.0:
                            value += t * math.log(t / row[j])
                        column_loss[j] += value * w
                for j in range(n_out):
                    row[j] = (row[j] - target[j]) * w
                    total[j] += row[j]
            loss = 0.0
            for j in range(n_out):
                loss += column_loss[j] / sw_sum
            losses[k] = 0.5 * loss / n_out if output == 2 else loss

    @jit
    def adam(
        theta, grad, ms, vs, n_coef, alpha, sw_sum, step_size, b1, b2, eps, bounds, sq
    ):
        with_norms = sq.shape[0] > 0
        for k in range(theta.shape[0]):
            t, g, m, v = theta[k], grad[k], ms[k], vs[k]
            for segment in range(bounds.shape[0] - 1):
                norm = 0.0
                for p in range(bounds[segment], bounds[segment + 1]):
                    gp = g[p]
                    if p < n_coef:
                        gp += alpha[k] * t[p]
                    gp /= sw_sum[k]
                    norm += gp * gp
                    m[p] = b1 * m[p] + (1 - b1) * gp
                    v[p] = b2 * v[p] + (1 - b2) * (gp * gp)
                    t[p] -= step_size[k] * m[p] / (math.sqrt(v[p]) + eps)
                if with_norms:
                    sq[k, segment] = norm

    @jit
    def sgd(theta, grad, vel, n_coef, alpha, sw_sum, lr, momentum, nesterov, bounds, sq):
        with_norms = sq.shape[0] > 0
        for k in range(theta.shape[0]):
            t, g, u = theta[k], grad[k], vel[k]
            for segment in range(bounds.shape[0] - 1):
                norm = 0.0
                for p in range(bounds[segment], bounds[segment + 1]):
                    gp = g[p]
                    if p < n_coef:
                        gp += alpha[k] * t[p]
                    gp /= sw_sum[k]
                    norm += gp * gp
                    gp *= lr[k]
                    u[p] = momentum * u[p] - gp
                    if nesterov:
                        t[p] += momentum * u[p] - gp
                    else:
                        t[p] += u[p]
                if with_norms:
                    sq[k, segment] = norm

    def no_norms(kernel):
        # numba wants an array: an empty one stands for "no norms wanted"
        def run(*args):
            *head, sq = args
            kernel(*head, _EMPTY[head[0].dtype.type] if sq is None else sq)

        return run

    def run_output_layer(z, b, y, sample_weight, *rest):
        if sample_weight is None:
            sample_weight = _EMPTY[z.dtype.type]
        output_layer(z, b, y, sample_weight, *rest)

    return {
        "bias_activation": bias_activation,
        "hidden_backward": hidden_backward,
        "output_layer": run_output_layer,
        "adam": no_norms(adam),
        "sgd": no_norms(sgd),
    }


_EMPTY = {t: np.empty((0, 0), dtype=t) for t in (np.float32, np.float64)}

NUMPY = {
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
#: scikit-learn's arithmetic, whatever :data:`kernels` uses.
NUMPY_KERNELS = type("NumpyKernels", (), {k: staticmethod(v) for k, v in NUMPY.items()})
