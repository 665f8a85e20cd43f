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
    """The kernels compiled with numba, or None when it is unavailable.

    Their loops hold no branch and no call, so that LLVM vectorizes them;
    exp, tanh and the logistic function stay numpy's (vectorized) ufuncs.
    Sums run in a fixed order, whatever the memory alignment, so a network's
    result never depends on where its rows sit in the batch.
    """
    if os.environ.get("SKINIT_NUMBA", "1") == "0":
        return None
    try:
        from numba import njit
    except ImportError:
        return None
    # numpy's error model: a division by zero gives inf, with no check (and
    # no branch) in the loop; loops over slices from 0 need no wraparound
    # check either: both would stop LLVM from vectorizing
    jit = njit(cache=True, nogil=True, error_model="numpy")

    @jit
    def add_bias(a, b):
        for k in range(a.shape[0]):
            bias = b[k].copy()  # contiguous: b is a strided view of theta
            for i in range(a.shape[1]):
                row = a[k, i]
                for j in range(a.shape[2]):
                    row[j] += bias[j]

    @jit
    def add_bias_relu(a, b):
        for k in range(a.shape[0]):
            bias = b[k].copy()  # contiguous: b is a strided view of theta
            for i in range(a.shape[1]):
                row = a[k, i]
                for j in range(a.shape[2]):
                    value = row[j] + bias[j]
                    row[j] = value if value > 0.0 else 0.0

    @jit
    def add_bias_shift(a, b):
        """``a += b``, then minus each row's maximum (before a softmax)."""
        for k in range(a.shape[0]):
            bias = b[k].copy()  # contiguous: b is a strided view of theta
            for i in range(a.shape[1]):
                row = a[k, i]
                peak = -np.inf
                for j in range(a.shape[2]):
                    row[j] += bias[j]
                    peak = max(peak, row[j])
                for j in range(a.shape[2]):
                    row[j] -= peak

    # the derivative times delta and the bias gradient (the sum over samples
    # of the result) in one pass; a function per activation keeps the loops
    # free of branches (one generic loop calling the derivative as a function
    # argument measured 2-3x slower: numba does not inline it)
    @jit
    def relu_backward(delta, a, bias_grad, one):
        for k in range(delta.shape[0]):
            total = np.zeros(delta.shape[2], delta.dtype)  # bias_grad[k]: strided
            for i in range(delta.shape[1]):
                d, out = delta[k, i], a[k, i]
                for j in range(delta.shape[2]):
                    # scikit-learn's delta[Z == 0] = 0
                    value = 0.0 if out[j] == 0.0 else d[j]
                    d[j] = value
                    total[j] += value
            bias_grad[k, :] = total

    @jit
    def tanh_backward(delta, a, bias_grad, one):
        for k in range(delta.shape[0]):
            total = np.zeros(delta.shape[2], delta.dtype)  # bias_grad[k]: strided
            for i in range(delta.shape[1]):
                d, out = delta[k, i], a[k, i]
                for j in range(delta.shape[2]):
                    value = d[j] * (one - out[j] * out[j])
                    d[j] = value
                    total[j] += value
            bias_grad[k, :] = total

    @jit
    def logistic_backward(delta, a, bias_grad, one):
        for k in range(delta.shape[0]):
            total = np.zeros(delta.shape[2], delta.dtype)  # bias_grad[k]: strided
            for i in range(delta.shape[1]):
                d, out = delta[k, i], a[k, i]
                for j in range(delta.shape[2]):
                    value = d[j] * out[j]
                    value *= one - out[j]
                    d[j] = value
                    total[j] += value
            bias_grad[k, :] = total

    @jit
    def identity_backward(delta, a, bias_grad, one):
        for k in range(delta.shape[0]):
            total = np.zeros(delta.shape[2], delta.dtype)  # bias_grad[k]: strided
            for i in range(delta.shape[1]):
                d = delta[k, i]
                for j in range(delta.shape[2]):
                    total[j] += d[j]
            bias_grad[k, :] = total

    @jit
    def pairwise_sum(a, lo, n):
        """numpy's pairwise summation of ``a[lo:lo + n]``, bit for bit.

        numpy sums a contiguous axis this way (8 interleaved partial sums in
        blocks of at most 128, halves above): single-output losses and bias
        gradients then round as scikit-learn's do.
        """
        if n < 8:
            total = 0.0
            for i in range(lo, lo + n):
                total += a[i]
            return total
        if n <= 128:
            r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
            r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
            stop = lo + n - n % 8
            for i in range(lo + 8, stop, 8):
                r0 += a[i]
                r1 += a[i + 1]
                r2 += a[i + 2]
                r3 += a[i + 3]
                r4 += a[i + 4]
                r5 += a[i + 5]
                r6 += a[i + 6]
                r7 += a[i + 7]
            total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            for i in range(stop, lo + n):
                total += a[i]
            return total
        half = n // 2
        half -= half % 8
        return pairwise_sum(a, lo, half) + pairwise_sum(a, lo + half, n - half)

    @jit
    def finish_output(z, y, sample_weight, output, eps, bias_grad, losses):
        """Loss, delta and bias gradient from the output activations, but for
        a softmax's (see :func:`finish_softmax`).

        A single output sums over samples as numpy does (see
        :func:`pairwise_sum`).
        """
        n_networks, n_samples, n_out = z.shape
        weighted = sample_weight.shape[0] > 0
        single = n_out == 1
        column_loss = np.empty(n_out)
        values = np.empty(n_samples if single else 0)
        weights = np.empty(n_samples if single and weighted else 0)
        deltas = np.empty(n_samples if single else 0, z.dtype)
        for k in range(n_networks):
            total = np.zeros(n_out, z.dtype)  # bias_grad[k] is strided
            column_loss[:] = 0.0
            yk = y[0] if y.shape[0] == 1 else y[k]
            sw_sum = 0.0
            for i in range(n_samples):
                row, target = z[k, i], yk[i]
                w = 1.0
                if weighted:
                    w = sample_weight[0 if sample_weight.shape[0] == 1 else k, i]
                    if single:
                        weights[i] = w
                sw_sum += w
                for j in range(n_out):
                    t, p = target[j], row[j]
                    if output == 1:
                        p = min(max(p, eps), 1 - eps)
                        value = t * math.log(p) if t != 0.0 else 0.0
                        if t != 1.0:
                            value += (1.0 - t) * math.log(1.0 - p)
                        value = -value
                    elif output == 2:
                        value = (t - p) ** 2
                    else:
                        value = (t * math.log(t / p) if t > 0.0 else 0.0) - t + p
                    if single:
                        values[i] = value * w
                    else:
                        column_loss[j] += value * w
                for j in range(n_out):
                    row[j] = (row[j] - target[j]) * w
                    total[j] += row[j]
                if single:
                    deltas[i] = row[0]
            if single:
                total[0] = pairwise_sum(deltas, 0, n_samples)
                column_loss[0] = pairwise_sum(values, 0, n_samples)
                if weighted:
                    sw_sum = pairwise_sum(weights, 0, n_samples)
            bias_grad[k, :] = total
            loss = 0.0
            for j in range(n_out):
                loss += column_loss[j] / sw_sum
            losses[k] = 0.5 * loss / n_out if output == 2 else loss

    @jit
    def finish_softmax(z, y, sample_weight, eps, bias_grad, losses):
        """Loss, delta and bias gradient of a softmax and its log-loss.

        ``z`` holds the exponentials, still to be normalized. Unweighted, the
        log-loss takes one logarithm per ``chunk`` samples, of the product of
        their true-class probabilities (each at least ``eps``, so the product
        stays a normal number).
        """
        n_networks, n_samples, n_out = z.shape
        weighted = sample_weight.shape[0] > 0
        chunk = int(-300 / math.log10(eps)) if not weighted else 1
        for k in range(n_networks):
            total = np.zeros(n_out, z.dtype)  # bias_grad[k] is strided
            yk = y[0] if y.shape[0] == 1 else y[k]
            loss, sw_sum, product, n_product = 0.0, 0.0, 1.0, 0
            for i in range(n_samples):
                row, target = z[k, i], yk[i]
                w = 1.0
                if weighted:
                    w = sample_weight[0 if sample_weight.shape[0] == 1 else k, i]
                sw_sum += w
                s = 0.0
                for j in range(n_out):
                    s += row[j]
                true_p = 1.0
                for j in range(n_out):
                    p = row[j] / s
                    # y is one-hot; a select, not a branch the CPU mispredicts
                    true_p = min(max(p, eps), 1 - eps) if target[j] != 0.0 else true_p
                    row[j] = (p - target[j]) * w
                    total[j] += row[j]
                product *= true_p
                n_product += 1
                if n_product == chunk or i == n_samples - 1:
                    loss -= math.log(product) * w
                    product, n_product = 1.0, 0
            bias_grad[k, :] = total
            losses[k] = 0.0 + loss / sw_sum

    @jit
    def squared_sum(values):
        """Sum of squares in four interleaved partial sums (vectorizable)."""
        s0 = s1 = s2 = s3 = 0.0
        n = values.shape[0]
        stop = n - n % 4
        for p in range(0, stop, 4):
            s0 += values[p] * values[p]
            s1 += values[p + 1] * values[p + 1]
            s2 += values[p + 2] * values[p + 2]
            s3 += values[p + 3] * values[p + 3]
        for p in range(stop, n):
            s0 += values[p] * values[p]
        return (s0 + s1) + (s2 + s3)

    @jit
    def add_penalty_loss(losses, theta, coef_bounds, alpha, sw_sum):
        for k in range(theta.shape[0]):
            squared_norm = 0.0
            for layer in range(coef_bounds.shape[0] - 1):
                lo, hi = coef_bounds[layer], coef_bounds[layer + 1]
                squared_norm += squared_sum(theta[k, lo:hi])
            losses[k] += 0.5 * alpha[k] * squared_norm / sw_sum[k]

    @jit
    def penalized_gradient(g, t, k, lo, hi, n_coef, alpha, sw_sum):
        """Segment ``lo:hi`` of network ``k``'s full gradient, in place.

        scikit-learn's ``(g + alpha * W) / sw_sum`` for weights and
        ``g / sw_sum`` for biases.
        """
        g, t = g[k, lo:hi], t[k, lo:hi]
        scale, penalty = sw_sum[k], alpha[k]
        if hi <= n_coef:
            for p in range(g.shape[0]):
                g[p] = (g[p] + penalty * t[p]) / scale
        else:
            for p in range(g.shape[0]):
                g[p] = g[p] / scale
        return g

    @jit
    def adam(
        theta,
        grad,
        ms,
        vs,
        steps,
        n_coef,
        alpha,
        sw_sum,
        lr_init,
        b1,
        b2,
        eps,
        bounds,
        sq,
    ):
        with_norms = sq.shape[0] > 0
        for k in range(theta.shape[0]):
            steps[k] += 1
            time_step = float(steps[k])
            lr = lr_init[k] * math.sqrt(1 - b2**time_step) / (1 - b1**time_step)
            for segment in range(bounds.shape[0] - 1):
                lo, hi = bounds[segment], bounds[segment + 1]
                g = penalized_gradient(grad, theta, k, lo, hi, n_coef, alpha, sw_sum)
                if with_norms:
                    sq[k, segment] = squared_sum(g)
                t, m, v = theta[k, lo:hi], ms[k, lo:hi], vs[k, lo:hi]
                for p in range(g.shape[0]):
                    m[p] = b1 * m[p] + (1 - b1) * g[p]
                    v[p] = b2 * v[p] + (1 - b2) * (g[p] * g[p])
                    t[p] += -lr * m[p] / (math.sqrt(v[p]) + eps)

    @jit
    def sgd(
        theta, grad, vel, n_coef, alpha, sw_sum, lr, momentum, nesterov, bounds, sq
    ):
        with_norms = sq.shape[0] > 0
        for k in range(theta.shape[0]):
            rate = lr[k]
            for segment in range(bounds.shape[0] - 1):
                lo, hi = bounds[segment], bounds[segment + 1]
                g = penalized_gradient(grad, theta, k, lo, hi, n_coef, alpha, sw_sum)
                if with_norms:
                    sq[k, segment] = squared_sum(g)
                t, u = theta[k, lo:hi], vel[k, lo:hi]
                if nesterov:
                    for p in range(g.shape[0]):
                        u[p] = momentum * u[p] - rate * g[p]
                        t[p] += momentum * u[p] - rate * g[p]
                else:
                    for p in range(g.shape[0]):
                        u[p] = momentum * u[p] - rate * g[p]
                        t[p] += u[p]

    @jit
    def normalize_rows(z):
        """``z /= z.sum(axis=-1)``, with numpy's sums of each row (bit for bit)."""
        for k in range(z.shape[0]):
            for i in range(z.shape[1]):
                row = z[k, i]
                total = pairwise_sum(row, 0, row.shape[0])
                for j in range(row.shape[0]):
                    row[j] /= total

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

    @jit
    def mt19937_refill(key):
        n, m = 624, 397
        for i in range(n):
            # i + 1 and i + m wrap around: the values read are numpy's
            following = i + 1 if i + 1 < n else 0
            source = i + m if i + m < n else i + m - n
            y = (np.int64(key[i]) & 0x80000000) | (
                np.int64(key[following]) & 0x7FFFFFFF
            )
            value = np.int64(key[source]) ^ (y >> 1)
            if y & 1:
                value ^= 0x9908B0DF
            key[i] = value

    @jit
    def shuffle_rows(rows, keys, positions, generator):
        """numpy's ``RandomState.shuffle`` of ``rows[j]``, in place, drawing
        from the MT19937 state ``keys[g], positions[g]``, ``g = generator[j]``
        (rows with ``g < 0`` are left as they are).

        The same Fisher-Yates swaps and the same draws (numpy's
        random_interval: masked 32-bit draws until one is in range), so the
        same bits, but one call for every network's rows.
        """
        for j in range(rows.shape[0]):
            g = generator[j]
            if g < 0:
                continue
            row, key, pos = rows[j], keys[g], positions[g]
            for i in range(row.shape[0] - 1, 0, -1):
                mask = i
                mask |= mask >> 1
                mask |= mask >> 2
                mask |= mask >> 4
                mask |= mask >> 8
                mask |= mask >> 16
                while True:
                    if pos == 624:
                        mt19937_refill(key)
                        pos = 0
                    y = np.int64(key[pos])
                    pos += 1
                    y ^= y >> 11
                    y ^= (y << 7) & 0x9D2C5680
                    y ^= (y << 15) & 0xEFC60000
                    y ^= y >> 18
                    r = y & mask
                    if r <= i:
                        break
                row[i], row[r] = row[r], row[i]
            positions[g] = pos

    def bias_activation(a, b, activation):
        if activation == 1:
            add_bias_relu(a, b)
        else:
            add_bias(a, b)
            _HIDDEN_BY_CODE[activation](a)  # numpy's vectorized tanh and expit

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
