# SPDX-License-Identifier: BSD-3-Clause
"""Forward pass, backpropagation and losses of K networks at once.

Every parameter lives in one flat array ``theta`` of shape ``(K, n_params)``:
row ``k`` is restart ``k``'s parameters packed as scikit-learn packs them for
L-BFGS (all coefficient matrices raveled, then all intercepts). Per-layer
arrays are views into it, ``coefs[l]`` of shape ``(K, fan_in, fan_out)`` and
``intercepts[l]`` of shape ``(K, fan_out)``, so an optimizer updates every
parameter of every restart with a handful of whole-array operations and a
single fit is simply ``K = 1``.

The arithmetic is ``sklearn.neural_network``'s, so that with the same starting
point the results agree to rounding; the elementwise work between the matrix
products runs in the fused kernels of :mod:`skinit._kernels`. That includes
one quirk: for several outputs the squared error is averaged over the outputs
while its gradient is summed over them.
"""

import numpy as np

from ._kernels import (
    ACTIVATION_CODES,
    ACTIVATIONS,
    EXACT_KERNELS,
    OUTPUT_CODES,
    kernels,
)


class Layout:
    """Where each layer's parameters sit in a packed parameter vector.

    Parameters
    ----------
    layer_units : list of int
        Number of units of every layer, input and output included.
    """

    def __init__(self, layer_units):
        self.layer_units = list(layer_units)
        shapes = list(zip(self.layer_units[:-1], self.layer_units[1:]))
        self.coef_shapes = shapes
        sizes = [i * o for i, o in shapes] + [o for _, o in shapes]
        bounds = np.concatenate([[0], np.cumsum(sizes)])
        self.n_params = int(bounds[-1])
        self.n_coef_params = int(bounds[len(shapes)])
        #: where each weight matrix starts in a packed row, and where they end
        self.coef_bounds = bounds[: len(shapes) + 1].astype(np.int64)
        #: the same for every weight matrix, then every bias vector
        self.bounds = bounds.astype(np.int64)
        self.coef_slices = [slice(bounds[i], bounds[i + 1]) for i in range(len(shapes))]
        self.intercept_slices = [
            slice(bounds[len(shapes) + i], bounds[len(shapes) + i + 1])
            for i in range(len(shapes))
        ]
        self._views = {}

    @property
    def n_layers(self):
        return len(self.layer_units)

    def views(self, flat):
        """Per-layer views ``(coefs, intercepts)`` of a ``(K, n_params)`` array."""
        cached = self._views.get(id(flat))
        # the cache holds ``flat`` itself, so its id cannot be reused meanwhile
        if cached is not None and cached[0] is flat:
            return cached[1]
        if len(self._views) > 256:  # a few per group of networks
            self._views.clear()
        views = self._make_views(flat)
        self._views[id(flat)] = (flat, views)
        return views

    def _make_views(self, flat):
        k = flat.shape[0]
        coefs = [
            flat[:, s].reshape(k, *shape)
            for s, shape in zip(self.coef_slices, self.coef_shapes)
        ]
        intercepts = [flat[:, s] for s in self.intercept_slices]
        return coefs, intercepts

    def pack(self, coefs, intercepts, dtype):
        """Pack lists of 2-D coefs and 1-D intercepts into a ``(1, n_params)`` row."""
        return self.pack_stacks(
            [c[np.newaxis] for c in coefs], [b[np.newaxis] for b in intercepts], dtype
        )

    @staticmethod
    def pack_stacks(coefs, intercepts, dtype):
        """Pack stacks of K coefs ``(K, fan_in, fan_out)`` and intercepts
        ``(K, fan_out)`` into ``(K, n_params)`` rows, a network per row."""
        arrays = [*coefs, *intercepts]
        return np.concatenate(
            [np.reshape(a, (len(a), -1)) for a in arrays], axis=1, dtype=dtype
        )

    def unpack(self, row):
        """Lists of independent 2-D coefs and 1-D intercepts from one packed row."""
        coefs, intercepts = self._make_views(row[np.newaxis])
        return [c[0].copy() for c in coefs], [b[0].copy() for b in intercepts]


def _product(a, b, out):
    """``a @ b`` into ``out`` for stacks of K dense matrices, or a shared 2-D ``a``.

    A stack of one is a plain 2-D product: numpy multiplies stacks with a
    transposed operand without BLAS's transposition flag, and more slowly.
    """
    if out.shape[0] == 1:
        np.matmul(a if a.ndim == 2 else a[0], b[0], out=out[0])
    else:
        np.matmul(a, b, out=out)


def _matmul(a, w, out):
    """``a @ w`` for a dense or sparse ``a`` shared by all networks or per network.

    ``a`` is a 2-D array or sparse matrix (the same input for every network),
    a 3-D array ``(K, n, fan_in)`` or a list of K sparse matrices.
    """
    if isinstance(a, np.ndarray):
        return _product(a, w, out)
    for k in range(w.shape[0]):
        a_k = a[k] if isinstance(a, list) else a
        out[k] = a_k @ w[k]
    return out


def _matmul_transposed(a, delta, out):
    """``a.T @ delta`` for the inputs ``a`` accepted by :func:`_matmul`."""
    if isinstance(a, np.ndarray):
        return _product(np.swapaxes(a, -1, -2), delta, out)
    for k in range(delta.shape[0]):
        a_k = a[k] if isinstance(a, list) else a
        out[k] = a_k.T @ delta[k]
    return out


def forward(coefs, intercepts, X, activation, out_activation):
    """Outputs of every layer of K networks on ``X``, for prediction.

    Parameters
    ----------
    coefs, intercepts : lists of ndarray
        Views of shape ``(K, fan_in, fan_out)`` and ``(K, fan_out)``.
    X : ndarray or sparse matrix or list of sparse matrices
        Input, shared by all networks (2-D) or one per network.
    activation, out_activation : str
        Names in ``ACTIVATIONS`` of the hidden and the output activation.

    Returns
    -------
    activations : list
        ``[X, hidden_1, ..., output]``, each ``(K, n_samples, units)``.
    """
    n_samples = X[0].shape[0] if isinstance(X, list) else X.shape[-2]
    out = [X]
    last = len(coefs) - 1
    for i, (w, b) in enumerate(zip(coefs, intercepts)):
        a = np.empty((w.shape[0], n_samples, w.shape[2]), dtype=w.dtype)
        _matmul(out[-1], w, a)
        a += b[:, np.newaxis, :]
        ACTIVATIONS[out_activation if i == last else activation](a)
        out.append(a)
    return out


def _l2_cache_bytes():
    """Size of a core's L2 cache, as the operating system reports it."""
    try:
        with open("/sys/devices/system/cpu/cpu0/cache/index2/size") as f:
            text = f.read().strip()
        return int(text.rstrip("KMG")) * {"K": 2**10, "M": 2**20, "G": 2**30}.get(
            text[-1], 1
        )
    except (OSError, ValueError):
        return 2**20


L2_CACHE_BYTES = _l2_cache_bytes()


def group_size(layout, batch_size, itemsize, n_networks):
    """How many networks to train together so their working set fits in L2.

    The working set of one network for one minibatch is its input rows, its
    activations and deltas, and four copies of its parameters (values,
    gradient and two optimizer moments). Groups are at least one network:
    a network larger than the cache is FLOP-bound anyway.
    """
    units = layout.layer_units
    per_network = itemsize * (
        batch_size * (units[0] + 2 * sum(units[1:])) + 4 * layout.n_params
    )
    return int(max(1, min(n_networks, L2_CACHE_BYTES // per_network)))


class Workspace:
    """Buffers for one forward and backward pass of K networks on n samples.

    Buffers are network-major, ``(K, n_samples, units)``, except the first
    layer's when ``wide`` is set: the K networks then share their input rows
    and their first layer is one product ``X @ [W_1 ... W_K]`` into
    sample-major buffers ``(n_samples, K, units)`` (seen as ``(K, n_samples,
    units)``).
    """

    def __init__(self, layout, n_networks, n_samples, dtype, wide=False):
        units = layout.layer_units[1:]
        self.wide = wide

        def buffer(i, u):
            if wide and i == 0:
                return np.empty((n_samples, n_networks, u), dtype).transpose(1, 0, 2)
            return np.empty((n_networks, n_samples, u), dtype)

        self.activations = [buffer(i, u) for i, u in enumerate(units)]
        # the output layer's delta overwrites its activations
        self.deltas = [buffer(i, u) for i, u in enumerate(units[:-1])]
        self.losses = np.empty(n_networks, dtype=np.float64)
        self.n_rows = n_samples
        # each network's sum of sample weights when unweighted: the batch size
        self.row_counts = np.full(n_networks, float(n_samples))
        self.alpha = np.full(n_networks, np.nan)
        self.eps = float(np.finfo(dtype).eps)
        if wide:
            fan_in, fan_out = layout.coef_shapes[0]
            self.wide_coef = np.empty((fan_in, n_networks, fan_out), dtype)


class Objective:
    """Penalized loss of K networks of one architecture, and its gradient.

    Parameters
    ----------
    layout : Layout
    alpha : float or ndarray of shape (K,)
        Strength of the L2 penalty, for all networks or for each.
    loss : str
        Name of the data loss: "log_loss", "binary_log_loss",
        "squared_error" or "poisson".
    activation, out_activation : str
        Names of the hidden and output activations.
    exact : bool, default=False
        Compute with the numpy kernels, scikit-learn's own operations, bit
        for bit, rather than the fused compiled kernels (which agree to
        rounding). L-BFGS wants it: its line search amplifies the last bits
        of the loss.
    """

    def __init__(self, layout, *, alpha, loss, activation, out_activation, exact=False):
        self.layout = layout
        self.exact = exact
        self.alpha = alpha
        self.loss = loss
        self.activation = activation
        self.out_activation = out_activation
        self._activation_code = ACTIVATION_CODES[activation]
        self._output_code = OUTPUT_CODES[out_activation, loss]

    def predict(self, theta, X):
        """Output layer of the K networks on ``X``: ``(K, n_samples, n_outputs)``."""
        coefs, intercepts = self.layout._make_views(theta)
        return forward(coefs, intercepts, X, self.activation, self.out_activation)[-1]

    def loss_grad(
        self,
        theta,
        grad,
        X,
        y,
        sample_weight,
        workspace,
        *,
        full_gradient=True,
        weights=None,
    ):
        """Loss of K networks on a batch, with the gradient written in place.

        Parameters
        ----------
        theta : ndarray of shape (K, n_params)
            Parameters of the K networks.
        grad : ndarray of shape (K, n_params)
            Overwritten with the gradient of each network's loss.
        X : ndarray or sparse matrix or list of sparse matrices
            The batch: shared by all networks (2-D) or one per network
            (``(K, n_samples, n_features)`` or a list of K sparse matrices).
        y : ndarray of shape (n_samples, n_outputs) or (K, n_samples, n_outputs)
        sample_weight : ndarray of shape (n_samples,) or (K, n_samples), or None
        workspace : Workspace
            Buffers sized for this batch and these K networks.
        full_gradient : bool, default=True
            Whether to finish the gradient: add the L2 term and divide by the
            (weighted) batch size, in scikit-learn's arithmetic. The stochastic
            solvers leave both to the optimizer's fused update, which then
            needs :meth:`batch_weight`.
        weights : tuple of ndarray, default=None
            ``(alpha, sw_sum)`` of the K networks, from :meth:`batch_weight`,
            when the caller has them (the optimizer needs them too); else
            computed here, for the objective's first K networks.

        Returns
        -------
        loss : ndarray of shape (K,)
            The data loss plus the L2 penalty, in a buffer of the workspace.
        """
        layout, ws = self.layout, workspace
        ops = EXACT_KERNELS if self.exact else kernels
        coefs, intercepts = layout.views(theta)
        coef_grads, intercept_grads = layout.views(grad)
        n_samples = ws.n_rows
        if sample_weight is not None:
            sample_weight = sample_weight.reshape(-1, n_samples)

        acts, last, code = ws.activations, layout.n_layers - 2, self._activation_code
        for i in range(last + 1):
            if i == 0 and ws.wide:
                np.copyto(ws.wide_coef, coefs[0].transpose(1, 0, 2))
                flat = ws.wide_coef.reshape(ws.wide_coef.shape[0], -1)
                np.matmul(
                    X, flat, out=acts[0].transpose(1, 0, 2).reshape(n_samples, -1)
                )
            else:
                _matmul(X if i == 0 else acts[i - 1], coefs[i], acts[i])
            if i < last:
                ops.bias_activation(acts[i], intercepts[i], code)
        losses = ws.losses
        # turns the output layer's activations into its delta
        ops.output_layer(
            acts[last],
            intercepts[last],
            y if y.ndim == 3 else y[np.newaxis],
            sample_weight,
            self._output_code,
            ws.eps,
            intercept_grads[last],
            losses,
        )
        delta = acts[last]
        for i in range(last, -1, -1):
            if i == 0 and ws.wide:
                product = np.matmul(
                    X.T, delta.transpose(1, 0, 2).reshape(n_samples, -1)
                )
                coef_grads[0][...] = product.reshape(
                    product.shape[0], -1, delta.shape[2]
                ).transpose(1, 0, 2)
            else:
                _matmul_transposed(X if i == 0 else acts[i - 1], delta, coef_grads[i])
            if i > 0:
                _product(delta, coefs[i].transpose(0, 2, 1), ws.deltas[i - 1])
                delta = ws.deltas[i - 1]
                ops.hidden_backward(delta, acts[i - 1], code, intercept_grads[i - 1])

        if weights is None:
            weights = self.batch_weight(sample_weight, ws, slice(len(theta)))
        alpha, sw_sum = weights
        ops.add_penalty_loss(losses, theta, layout.coef_bounds, alpha, sw_sum)
        if full_gradient:
            n_coef = layout.n_coef_params
            grad[:, :n_coef] += alpha[:, np.newaxis] * theta[:, :n_coef]
            grad /= sw_sum[:, np.newaxis]
        return losses

    def batch_weight(self, sample_weight, workspace, rows=slice(None)):
        """``alpha`` and the (weighted) batch size of each network.

        The full gradient of the loss is ``(grad + alpha * W) / sw_sum``.
        """
        n_networks = len(workspace.losses)
        if isinstance(self.alpha, np.ndarray):
            alpha = self.alpha[rows]
        else:
            alpha = workspace.alpha
            if alpha[0] != self.alpha:  # NaN when new
                alpha[:] = self.alpha
        if sample_weight is None:
            return alpha, workspace.row_counts
        sw_sum = np.empty(n_networks)
        sw_sum[:] = np.add.reduce(sample_weight.reshape(-1, workspace.n_rows), axis=-1)
        return alpha, sw_sum
