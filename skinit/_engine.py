# SPDX-License-Identifier: BSD-3-Clause
"""Forward pass, backpropagation and losses of K networks at once.

Every parameter lives in one flat array ``theta`` of shape ``(K, n_params)``:
row ``k`` is restart ``k``'s parameters packed as scikit-learn packs them for
L-BFGS (all coefficient matrices raveled, then all intercepts). Per-layer
arrays are views into it, ``coefs[l]`` of shape ``(K, fan_in, fan_out)`` and
``intercepts[l]`` of shape ``(K, fan_out)``, so an optimizer updates every
parameter of every restart with a handful of whole-array operations and a
single fit is simply ``K = 1``.

The arithmetic mirrors ``sklearn.neural_network`` operation by operation, so
that with the same starting point the results agree to rounding. That
includes one quirk: for several outputs the squared error is averaged over
the outputs while its gradient is summed over them.
"""

import numpy as np
from scipy.special import expit, xlogy


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
        if len(self._views) > 8:
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
        return np.concatenate([np.ravel(a) for a in [*coefs, *intercepts]]).astype(
            dtype, copy=False
        )[np.newaxis]

    def unpack(self, row):
        """Lists of independent 2-D coefs and 1-D intercepts from one packed row."""
        coefs, intercepts = self._make_views(row[np.newaxis])
        return [c[0].copy() for c in coefs], [b[0].copy() for b in intercepts]


def _relu(a):
    np.maximum(a, 0, out=a)


def _rows(a):
    """A ``(K * n, units)`` view of a ``(K, n, units)`` array.

    Both layouts the engine makes (network-major, or sample-major as in
    :func:`sample_major`) are contiguous, so this never copies.
    """
    memory_order = a if a.flags.c_contiguous else a.transpose(1, 0, 2)
    return memory_order.reshape(-1, a.shape[-1])


def _softmax(a):
    rows = _rows(a)
    if rows.shape[1] >= 8:
        rows -= np.maximum.reduce(rows, axis=1, keepdims=True)
        np.exp(rows, out=rows)
        rows /= np.add.reduce(rows, axis=1, keepdims=True)
        return
    # numpy reduces rows of fewer than 8 values in order: a loop over the
    # columns gives the same bits, without a tiny inner loop per row
    columns = list(rows.T)
    peak = columns[0].copy()
    for column in columns[1:]:
        np.maximum(peak, column, out=peak)
    for column in columns:
        column -= peak
    np.exp(rows, out=rows)
    total = columns[0].copy()
    for column in columns[1:]:
        total += column
    for column in columns:
        column /= total


ACTIVATIONS = {
    "identity": lambda a: None,
    "exp": lambda a: np.exp(a, out=a),
    "tanh": lambda a: np.tanh(a, out=a),
    "logistic": lambda a: expit(a, out=a),
    "relu": _relu,
    "softmax": _softmax,
}


def _relu_derivative(a, delta, scratch):
    np.greater(a, 0, out=scratch)
    delta *= scratch


def _tanh_derivative(a, delta, scratch):
    np.multiply(a, a, out=scratch)
    np.subtract(1, scratch, out=scratch)
    delta *= scratch


def _logistic_derivative(a, delta, scratch):
    delta *= a
    np.subtract(1, a, out=scratch)
    delta *= scratch


# Each takes the layer's activation output ``a`` and scales the back-propagated
# signal ``delta`` in place by the activation's derivative (written in terms
# of the output, as scikit-learn does).
DERIVATIVES = {
    "identity": lambda a, delta, scratch: None,
    "tanh": _tanh_derivative,
    "logistic": _logistic_derivative,
    "relu": _relu_derivative,
}


def _sample_mean(values, sample_weight):
    """Mean over the sample axis (1) of ``(K, n, n_out)`` values."""
    # np.add.reduce rather than np.mean/np.sum: the same arithmetic, less overhead
    if sample_weight is None:
        return np.add.reduce(values, axis=1) / values.shape[1]
    weighted = np.add.reduce(values * sample_weight[..., np.newaxis], axis=1)
    return weighted / np.add.reduce(sample_weight, axis=-1)[..., np.newaxis]


def data_loss(loss, y_true, y_pred, sample_weight=None):
    """Loss of each network, without the penalty: an array of shape ``(K,)``.

    Parameters
    ----------
    loss : {"log_loss", "binary_log_loss", "squared_error", "poisson"}
    y_true, y_pred : ndarray of shape (K, n_samples, n_outputs)
    sample_weight : ndarray of shape (K, n_samples) or (n_samples,), default=None
    """
    if loss in ("log_loss", "binary_log_loss"):
        eps = np.finfo(y_pred.dtype).eps
        y_prob = np.maximum(y_pred, eps)  # np.clip, without its overhead
        np.minimum(y_prob, 1 - eps, out=y_prob)
        # y_true is 0 or 1 and y_prob is clipped away from 0: y * log(p) is
        # scikit-learn's xlogy(y, p), at a fraction of its cost
        values = np.log(y_prob)
        values *= y_true
        if loss == "binary_log_loss":
            np.subtract(1, y_prob, out=y_prob)
            values += (1 - y_true) * np.log(y_prob)
        return -np.add.reduce(_sample_mean(values, sample_weight), axis=-1)
    if loss == "squared_error":
        return 0.5 * _sample_mean((y_true - y_pred) ** 2, sample_weight).mean(axis=-1)
    values = xlogy(y_true, y_true / y_pred) - y_true + y_pred  # poisson
    return _sample_mean(values, sample_weight).sum(axis=-1)


def _matmul(a, w, out):
    """``a @ w`` for a dense or sparse ``a`` shared by all networks or per network.

    ``a`` is a 2-D array or sparse matrix (the same input for every network),
    a 3-D array ``(K, n, fan_in)`` or a list of K sparse matrices.
    """
    if isinstance(a, np.ndarray):
        return np.matmul(a, w, out=out)
    for k in range(w.shape[0]):
        a_k = a[k] if isinstance(a, list) else a
        out[k] = a_k @ w[k]
    return out


def _matmul_transposed(a, delta, out):
    """``a.T @ delta`` for the inputs ``a`` accepted by :func:`_matmul`."""
    if isinstance(a, np.ndarray):
        return np.matmul(np.swapaxes(a, -1, -2), delta, out=out)
    for k in range(delta.shape[0]):
        a_k = a[k] if isinstance(a, list) else a
        out[k] = a_k.T @ delta[k]
    return out


def forward(coefs, intercepts, X, activation, out_activation, activations=None):
    """Outputs of every layer of K networks on ``X``.

    Parameters
    ----------
    coefs, intercepts : lists of ndarray
        Views of shape ``(K, fan_in, fan_out)`` and ``(K, fan_out)``.
    X : ndarray or sparse matrix or list of sparse matrices
        Input, shared by all networks (2-D) or one per network.
    activation, out_activation : str
        Names in ``ACTIVATIONS`` of the hidden and the output activation.
    activations : list of ndarray, default=None
        Preallocated outputs ``(K, n_samples, units)`` of layers 1..L-1; new
        arrays are allocated when None.

    Returns
    -------
    activations : list
        ``[X, hidden_1, ..., output]``.
    """
    n_samples = X[0].shape[0] if isinstance(X, list) else X.shape[0]
    if activations is None:
        activations = [
            np.empty((w.shape[0], n_samples, w.shape[2]), dtype=w.dtype) for w in coefs
        ]
    out = [X]
    last = len(coefs) - 1
    for i, (w, b) in enumerate(zip(coefs, intercepts)):
        a = _matmul(out[-1], w, activations[i])
        if a.flags.c_contiguous:
            a += b[:, np.newaxis, :]
        else:  # sample-major: add (K, units) to each sample's contiguous block
            a.transpose(1, 0, 2)[...] += b
        ACTIVATIONS[out_activation if i == last else activation](a)
        out.append(a)
    return out


def sample_major(n_networks, n_samples, units, dtype):
    """A ``(K, n_samples, units)`` array laid out sample by sample in memory.

    Sums over samples then run over contiguous rows of ``K * units`` values,
    fast whatever K, in the same order as scikit-learn's 2-D sums; each
    network's ``(n_samples, units)`` block stays a strided matrix for BLAS.
    """
    return np.empty((n_samples, n_networks, units), dtype=dtype).transpose(1, 0, 2)


class Workspace:
    """Buffers for one forward and backward pass of K networks on n samples."""

    def __init__(self, layout, n_networks, n_samples, dtype):
        units = layout.layer_units[1:]
        shape = (n_networks, n_samples)
        self.activations = [sample_major(*shape, u, dtype) for u in units]
        self.deltas = [sample_major(*shape, u, dtype) for u in units]
        self.scratch = [sample_major(*shape, u, dtype) for u in units]
        self.penalty = np.empty((n_networks, layout.n_coef_params), dtype=dtype)


class Objective:
    """Penalized loss of K networks of one architecture, and its gradient.

    Parameters
    ----------
    layout : Layout
    alpha : float
        Strength of the L2 penalty.
    loss : str
        Name of the data loss (see :func:`data_loss`).
    activation, out_activation : str
        Names of the hidden and output activations.
    """

    def __init__(self, layout, *, alpha, loss, activation, out_activation):
        self.layout = layout
        self.alpha = alpha
        self.loss = loss
        self.activation = activation
        self.out_activation = out_activation

    def predict(self, theta, X):
        """Output layer of the K networks on ``X``: ``(K, n_samples, n_outputs)``."""
        coefs, intercepts = self.layout._make_views(theta)
        return forward(coefs, intercepts, X, self.activation, self.out_activation)[-1]

    def loss_grad(self, theta, grad, X, y, sample_weight, workspace):
        """Loss of K networks on a batch, with the gradient written in place.

        Parameters
        ----------
        theta : ndarray of shape (K, n_params)
            Parameters of the K networks.
        grad : ndarray of shape (K, n_params)
            Overwritten with the gradient of each network's loss.
        X : ndarray or sparse matrix or list of sparse matrices
            The batch: shared by all networks (2-D) or one per network.
        y : ndarray of shape (n_samples, n_outputs) or (K, n_samples, n_outputs)
        sample_weight : ndarray of shape (n_samples,) or (K, n_samples), or None
        workspace : Workspace
            Buffers sized for this batch.

        Returns
        -------
        loss : ndarray of shape (K,)
        """
        layout, alpha, activation = self.layout, self.alpha, self.activation
        coefs, intercepts = layout.views(theta)
        coef_grads, intercept_grads = layout.views(grad)
        n_coef = layout.n_coef_params
        acts = forward(
            coefs, intercepts, X, activation, self.out_activation, workspace.activations
        )
        if sample_weight is None:
            sw_sum = sw_col = acts[1].shape[1]
        else:
            sw_sum = np.broadcast_to(sample_weight.sum(axis=-1), theta.shape[:1])
            sw_col = sw_sum[:, np.newaxis]  # divides each network's gradient

        y_pred = acts[-1]
        y_true = y if y.ndim == 3 else np.broadcast_to(y, y_pred.shape)
        values = data_loss(self.loss, y_true, y_pred, sample_weight)
        # layer by layer, in scikit-learn's order: L-BFGS's line search sees
        # the last bits of the loss
        squared_norm = 0.0
        for s in layout.coef_slices:
            squared_norm = squared_norm + np.vecdot(theta[:, s], theta[:, s])
        values += 0.5 * alpha * squared_norm / sw_sum

        deltas = workspace.deltas
        last = layout.n_layers - 2
        np.subtract(y_pred, y_true, out=deltas[last])
        if sample_weight is not None:
            deltas[last] *= sample_weight[..., np.newaxis]
        for i in range(last, -1, -1):
            _matmul_transposed(acts[i], deltas[i], out=coef_grads[i])
            np.add.reduce(deltas[i], axis=1, out=intercept_grads[i])
            if i > 0:
                np.matmul(deltas[i], np.swapaxes(coefs[i], 1, 2), out=deltas[i - 1])
                DERIVATIVES[activation](
                    acts[i], deltas[i - 1], workspace.scratch[i - 1]
                )
        # (a.T @ delta + alpha * W) / sw_sum, for every layer at once
        penalty = np.multiply(theta[:, :n_coef], alpha, out=workspace.penalty)
        grad[:, :n_coef] += penalty
        grad /= sw_col
        return values
