# SPDX-License-Identifier: BSD-3-Clause
"""The numba functions of :mod:`skinit._kernels`, at module level.

Imported only when the compiled kernels are used (``SKINIT_NUMBA=0`` never
imports numba). Each function compiles on its first call with a new type
signature, so a fit compiles (or loads) only the kernels it runs, for the
dtypes and memory layouts it passes; explicit signatures would compile (or
load) every listed one when this module is imported, and a contiguous
layout declared as any ("A") would keep LLVM from vectorizing the loops.

They live at module level, not in a function, for numba's on-disk cache:
it keys a compiled function by its qualified name, source line, signature,
bytecode and -- for a closure -- the pickled contents of its cells. A
closure over another jitted function pickles that dispatcher with a random
per-process id, so such a kernel never found its own cache entry and
added a new one each process. Module-level functions refer to each other as
globals, which are not in the key: every later process, a joblib or dask
worker included, loads them from the cache (``__pycache__`` beside this
file, or numba's user-wide directory when that one is not writable).
"""

import math

import numpy as np
from numba import njit

# numpy's error model: a division by zero gives inf, with no check (and
# no branch) in the loop; loops over slices from 0 need no wraparound
# check either: both would stop LLVM from vectorizing
_OPTIONS = dict(nogil=True, error_model="numpy")


def _jit(func=None, **options):
    if func is None:
        return lambda func: _jit(func, **options)
    try:
        return njit(cache=True, **_OPTIONS, **options)(func)
    except RuntimeError:
        # no writable directory for numba's cache (a read-only install and
        # no writable home, nor NUMBA_CACHE_DIR): compile in each process
        # rather than fail to import
        return njit(**_OPTIONS, **options)(func)


@_jit
def add_bias(a, b):
    for k in range(a.shape[0]):
        bias = b[k].copy()  # contiguous: b is a strided view of theta
        for i in range(a.shape[1]):
            row = a[k, i]
            for j in range(a.shape[2]):
                row[j] += bias[j]


@_jit
def add_bias_relu(a, b):
    for k in range(a.shape[0]):
        bias = b[k].copy()  # contiguous: b is a strided view of theta
        for i in range(a.shape[1]):
            row = a[k, i]
            for j in range(a.shape[2]):
                value = row[j] + bias[j]
                row[j] = value if value > 0.0 else 0.0


@_jit
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
@_jit
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


@_jit
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


@_jit
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


@_jit
def identity_backward(delta, a, bias_grad, one):
    for k in range(delta.shape[0]):
        total = np.zeros(delta.shape[2], delta.dtype)  # bias_grad[k]: strided
        for i in range(delta.shape[1]):
            d = delta[k, i]
            for j in range(delta.shape[2]):
                total[j] += d[j]
        bias_grad[k, :] = total


@_jit(inline="always")
def _block_sum(a, lo, n):
    """:func:`pairwise_sum` of at most 128 values."""
    if n < 8:
        total = 0.0
        for i in range(lo, lo + n):
            total += a[i]
        return total
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


@_jit(inline="always")
def pairwise_sum(a, lo, n, stack):
    """numpy's pairwise summation of ``a[lo:lo + n]``, bit for bit.

    numpy sums a contiguous axis this way (8 interleaved partial sums in
    blocks of at most 128, halves above): single-output losses and bias
    gradients then round as scikit-learn's do. ``stack`` is
    :func:`sum_stack`'s, for more than 128 values.
    """
    if n <= 128:
        return _block_sum(a, lo, n)
    return _halves_sum(a, lo, n, stack[0], stack[1])


@_jit(inline="always")
def sum_stack():
    """Room for :func:`pairwise_sum`'s recursion, whatever the count."""
    return np.empty((64, 3), np.int64), np.empty(64)


@_jit
def _halves_sum(a, lo, n, spans, left):
    """:func:`pairwise_sum` of more than 128 values.

    numpy's recursion over the halves runs on a stack of its own: a
    recursive function loaded from numba's cache crashes the process
    (numba issue 6061). Level ``d`` of ``spans`` holds a span's start, size
    and stage: 0 before its left half, 1 after it (its sum waiting in
    ``left[d]``), 2 after its right half.
    """
    depth, value = 0, 0.0
    spans[0, 0], spans[0, 1], spans[0, 2] = lo, n, 0
    while True:
        start, size, stage = spans[depth, 0], spans[depth, 1], spans[depth, 2]
        half = size // 2
        half -= half % 8
        if stage == 0 and size <= 128:
            value = _block_sum(a, start, size)
        elif stage == 0:
            spans[depth, 2] = 1
            depth += 1
            spans[depth, 0], spans[depth, 1], spans[depth, 2] = start, half, 0
            continue
        elif stage == 1:
            left[depth] = value
            spans[depth, 2] = 2
            depth += 1
            spans[depth, 0], spans[depth, 1] = start + half, size - half
            spans[depth, 2] = 0
            continue
        else:
            value = left[depth] + value
        # ``value`` is this span's sum: back to the level above
        if depth == 0:
            return value
        depth -= 1


@_jit
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
    stack = sum_stack()
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
            total[0] = pairwise_sum(deltas, 0, n_samples, stack)
            column_loss[0] = pairwise_sum(values, 0, n_samples, stack)
            if weighted:
                sw_sum = pairwise_sum(weights, 0, n_samples, stack)
        bias_grad[k, :] = total
        loss = 0.0
        for j in range(n_out):
            loss += column_loss[j] / sw_sum
        losses[k] = 0.5 * loss / n_out if output == 2 else loss


@_jit
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


@_jit
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


@_jit
def add_penalty_loss(losses, theta, coef_bounds, alpha, sw_sum):
    for k in range(theta.shape[0]):
        squared_norm = 0.0
        for layer in range(coef_bounds.shape[0] - 1):
            lo, hi = coef_bounds[layer], coef_bounds[layer + 1]
            squared_norm += squared_sum(theta[k, lo:hi])
        losses[k] += 0.5 * alpha[k] * squared_norm / sw_sum[k]


@_jit
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


@_jit
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


@_jit
def sgd(theta, grad, vel, n_coef, alpha, sw_sum, lr, momentum, nesterov, bounds, sq):
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


@_jit
def normalize_rows(z):
    """``z /= z.sum(axis=-1)``, with numpy's sums of each row (bit for bit)."""
    stack = sum_stack()
    for k in range(z.shape[0]):
        for i in range(z.shape[1]):
            row = z[k, i]
            total = pairwise_sum(row, 0, row.shape[0], stack)
            for j in range(row.shape[0]):
                row[j] /= total


@_jit
def mt19937_refill(key):
    n, m = 624, 397
    for i in range(n):
        # i + 1 and i + m wrap around: the values read are numpy's
        following = i + 1 if i + 1 < n else 0
        source = i + m if i + m < n else i + m - n
        y = (np.int64(key[i]) & 0x80000000) | (np.int64(key[following]) & 0x7FFFFFFF)
        value = np.int64(key[source]) ^ (y >> 1)
        if y & 1:
            value ^= 0x9908B0DF
        key[i] = value


@_jit
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
