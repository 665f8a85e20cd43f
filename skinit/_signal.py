# SPDX-License-Identifier: BSD-3-Clause
"""Signal propagation: per-layer gains and the input-output Jacobian's spectrum.

Mean-field theory of wide random networks (Poole et al. 2016, Schoenholz et
al. 2017) says, before any training, whether signals and gradients keep their
scale through depth; the singular values of the input-output Jacobian
(Pennington et al. 2017) say whether they keep it in every direction.
"""

import math
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.utils import Bunch
from sklearn.utils.validation import check_array

from ._engine import ACTIVATIONS, Layout
from ._init import _per_layer, initialize
from ._kernels import ACTIVATION_CODES, kernels
from ._restarts import restart_random_states
from .initializers import get

# the Jacobian products are computed in chunks of samples of about this size
_CHUNK_BYTES = 64 * 2**20


class SignalPropagation(Bunch):
    """What :func:`signal_propagation` measured; keys readable as attributes.

    Its ``repr`` is a table of the per-layer medians over the restarts.
    """

    def __repr__(self):
        n_restarts, n_layers = self.chi.shape
        widths = " -> ".join(map(str, self.layer_widths))
        if self.fitted:
            what = f"fitted network (restart {self.restarts[0]})"
        else:
            what = f"{n_restarts} initial network{'s' * (n_restarts > 1)}"
        lines = [
            f"SignalPropagation: {what}, {self.activation} units, layers "
            f"{widths}, on {self.n_samples} samples"
        ]
        shown = list(range(n_layers))
        if n_layers > 12:
            shown = [*range(5), None, *range(n_layers - 5, n_layers)]
        header = ["hidden layer", *("..." if i is None else str(i) for i in shown)]
        rows = [header]
        for key in ("forward_gain", "chi"):
            medians = np.median(self[key], axis=0)
            rows.append(
                [key, *("..." if i is None else f"{medians[i]:.3g}" for i in shown)]
            )
        widths_ = [max(len(row[j]) for row in rows) for j in range(len(header))]
        for row in rows:
            cells = [row[0].ljust(widths_[0])]
            cells += [cell.rjust(w) for cell, w in zip(row[1:], widths_[1:])]
            lines.append("  " + "  ".join(cells))
        if n_restarts > 1:
            lines.append(f"  (medians over the {n_restarts} restarts)")
        values = self.jacobian_singular_values
        if values.size:
            low, median, high = np.quantile(values, [0.05, 0.5, 0.95])
            lines.append(
                f"  jacobian_singular_values {values.shape}: median {median:.3g}, "
                f"5%-95% {low:.3g} .. {high:.3g}; median condition number "
                f"{np.median(self.jacobian_condition_number):.3g}"
            )
        lines.append(
            f"  trainable_depth {np.median(self.trainable_depth):.3g} layers "
            "(6 / |ln chi| of the deepest layer)"
        )
        return "\n".join(lines)


def signal_propagation(
    estimator, X, y=None, *, n_samples=1000, jacobian_samples="auto"
):
    r"""Gains per hidden layer and the input-output Jacobian, before or after fit.

    On an unfitted skinit estimator, the weights are those ``fit`` would
    start from: drawn with its ``init``, ``bias_init`` and ``random_state``,
    for each of its ``n_restarts``. On a fitted skinit estimator, or a fitted
    :class:`sklearn.neural_network.MLPClassifier` or ``MLPRegressor``, they
    are its fitted weights (of the selected restart). All restarts are
    computed at once, on a leading restart axis.

    For a hidden layer :math:`l` with pre-activations
    :math:`h^l = a^{l-1} W^l + b^l` and activations :math:`a^l = \phi(h^l)`
    (:math:`a^0 = x`, the input), on the samples of ``X``:

    - ``forward_gain``: :math:`\operatorname{Var}(h^l) /
      \operatorname{Var}(h^{l-1})`, variances over samples and units, with
      the input's variance for the first layer;
    - ``chi``: the mean over samples of the squared Frobenius norm of the
      layer's Jacobian :math:`J^l = \partial a^l / \partial a^{l-1}`, divided
      by the layer's width :math:`n_l`:

      .. math::

          \chi^l = \frac{1}{n_l} \mathbb{E}_x \|J^l\|_F^2
                 = \frac{1}{n_l} \sum_j \|W^l_{:j}\|^2\,
                   \mathbb{E}_x[\phi'(h^l_j)^2]
                 \approx \sigma_w^2\, \mathbb{E}[\phi'(h)^2],

      with :math:`\sigma_w^2` the fan-in times the weights' variance. It is
      the factor by which a back-propagated gradient's squared norm grows
      through the layer: below 1 gradients vanish with depth (the ordered
      phase), above 1 they explode (chaos); 1 is the edge of chaos
      (Poole et al. 2016; Schoenholz et al. 2017);
    - ``jacobian_singular_values``: the singular values of the Jacobian of
      the last hidden layer's activations with respect to the input, per
      sample. All equal to 1 is dynamical isometry (Pennington et al. 2017):
      every direction of the input passes with its norm kept;
    - ``trainable_depth``: :math:`6 / |\ln \chi|` of the deepest layer, six
      times the depth scale over which gradients vanish (or explode).
      Schoenholz et al. found networks deeper than about six depth scales
      of the correlation between inputs untrainable; in the ordered phase
      that scale is this one, in the chaotic phase it differs and this is
      an estimate. Infinite at :math:`\chi = 1`.

    Parameters
    ----------
    estimator : MLPClassifier or MLPRegressor
        A skinit estimator, fitted or not, or a scikit-learn one. An unfitted
        scikit-learn estimator is read as skinit's with the same parameters
        (``init="sklearn"``: scikit-learn's own starting weights).
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The data, as given to ``fit``.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
        The targets, as given to ``fit``; only read for an unfitted estimator.
        The hidden layers' weights are drawn before the output layer's, so
        they do not depend on ``y``, with two exceptions where ``y`` makes
        the draws those of ``fit``: a data-dependent ``init`` (LSUV), whose
        data sample is drawn after the output layer, and ``restart_scoring``,
        which holds out rows that LSUV then does not see. Without ``y`` the
        output layer has one unit.
    n_samples : int, default=1000
        At most this many evenly spaced rows of ``X`` are used.
    jacobian_samples : int or "auto", default="auto"
        How many of those rows (evenly spaced) the Jacobian spectrum is
        computed on. "auto" takes as many as cost about a third of a training
        epoch on ``X``, at least one: a Jacobian and its singular values cost
        about as much as a forward and backward pass of ``k`` samples, with
        ``k = min(n_features, width of the last hidden layer)``, plus the
        SVD's ``k^2 max(n_features, width)``.

    Returns
    -------
    result : SignalPropagation
        A :class:`~sklearn.utils.Bunch` with

        - ``forward_gain``, ``chi``: ndarray of shape (n_restarts,
          n_hidden_layers);
        - ``jacobian_singular_values``: ndarray of shape (n_restarts,
          n_jacobian_samples, k), each row in decreasing order;
        - ``jacobian_condition_number``: ndarray of shape (n_restarts,
          n_jacobian_samples), the largest singular value over the smallest;
          inf for a Jacobian singular to working precision (the smallest
          below ``k * eps`` times the largest, the tolerance of
          :func:`numpy.linalg.matrix_rank`), as deep or narrow ReLU networks
          often are;
        - ``trainable_depth``: ndarray of shape (n_restarts,);
        - ``restarts``: the restart index of each row; ``fitted``: whether
          the weights are fitted ones; ``activation``, ``layer_widths``
          (input and hidden layers), ``n_samples``, ``n_jacobian_samples``.

    See Also
    --------
    skinit.SignalPropagationDisplay : Plots the gains and spectra of several
        estimators side by side.

    References
    ----------
    Poole, Lahiri, Raghu, Sohl-Dickstein and Ganguli, "Exponential
    expressivity in deep neural networks through transient chaos", NeurIPS
    2016.

    Schoenholz, Gilmer, Ganguli and Sohl-Dickstein, "Deep information
    propagation", ICLR 2017.

    Pennington, Schoenholz and Ganguli, "Resurrecting the sigmoid in deep
    learning through dynamical isometry: theory and practice", NeurIPS 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skinit import MLPRegressor
    >>> from skinit.diagnostics import signal_propagation
    >>> X = np.random.RandomState(0).normal(size=(200, 8))
    >>> linear = MLPRegressor(hidden_layer_sizes=(8, 8, 8), activation="identity",
    ...                       init="orthogonal", n_restarts=2, random_state=0)
    >>> result = signal_propagation(linear, X, jacobian_samples=10)
    >>> result.jacobian_singular_values.shape
    (2, 10, 8)
    >>> bool(np.allclose(result.jacobian_singular_values, 1.0))
    True
    >>> result.chi.round(6)
    array([[1., 1., 1.],
           [1., 1., 1.]])
    """
    for name, value in [
        ("n_samples", n_samples),
        ("jacobian_samples", jacobian_samples),
    ]:
        if not (
            (isinstance(value, Integral) and not isinstance(value, bool) and value > 0)
            or (name == "jacobian_samples" and value == "auto")
        ):
            allowed = "a positive int" + " or 'auto'" * (name == "jacobian_samples")
            raise ValueError(f"{name} must be {allowed}; got {value!r}.")
    coefs, intercepts, activation, restarts, fitted, X = _networks(estimator, X, y)
    if len(coefs) < 2:
        raise ValueError(
            "signal_propagation measures how the hidden layers carry the signal; "
            f"{type(estimator).__name__} with hidden_layer_sizes="
            f"{estimator.hidden_layer_sizes!r} has none (its output is a single "
            "linear map of the input). Give it at least one hidden layer."
        )
    sample = X[:: math.ceil(X.shape[0] / n_samples)].astype(np.float64)
    n_sample = sample.shape[0]
    n_hidden = len(coefs) - 1
    if jacobian_samples == "auto":
        jacobian_samples = _affordable_jacobians(
            [coefs[0].shape[1], *(c.shape[2] for c in coefs)], X.shape[0]
        )
    jacobian_rows = np.arange(0, n_sample, math.ceil(n_sample / jacobian_samples))

    n_restarts = coefs[0].shape[0]
    forward_gain = np.empty((n_restarts, n_hidden))
    chi = np.empty((n_restarts, n_hidden))
    derivatives = []
    previous = np.full(n_restarts, _variance(sample))
    a = sample
    for layer in range(n_hidden):
        w, b = coefs[layer], intercepts[layer]
        h = _first_product(a, w) if layer == 0 else np.matmul(a, w)
        h += b[:, np.newaxis, :]
        variance = h.var(axis=(1, 2))
        with np.errstate(invalid="ignore", divide="ignore"):
            forward_gain[:, layer] = variance / previous
        previous = variance
        ACTIVATIONS[activation](h)
        a = h
        # phi'(h), from the activations as backpropagation computes it
        slope = np.ones_like(a)
        kernels.hidden_backward(
            slope, a, ACTIVATION_CODES[activation], np.empty(a.shape[::2])
        )
        column_norms = np.einsum("kij,kij->kj", w, w)
        chi[:, layer] = np.einsum("ksj,ksj,kj->k", slope, slope, column_norms) / (
            n_sample * w.shape[2]
        )
        derivatives.append(slope[:, jacobian_rows])

    singular_values = _jacobian_singular_values(coefs[:n_hidden], derivatives)
    largest, smallest = singular_values[..., 0], singular_values[..., -1]
    # numpy.linalg.matrix_rank's tolerance: below it, rounding noise
    singular = smallest <= largest * singular_values.shape[-1] * np.finfo(float).eps
    with np.errstate(invalid="ignore", divide="ignore"):
        condition = np.where(singular, np.inf, largest / smallest)
        trainable_depth = 6 / np.abs(np.log(chi[:, -1]))
    return SignalPropagation(
        forward_gain=forward_gain,
        chi=chi,
        jacobian_singular_values=singular_values,
        jacobian_condition_number=condition,
        trainable_depth=trainable_depth,
        restarts=restarts,
        fitted=fitted,
        activation=activation,
        layer_widths=[coefs[0].shape[1], *(c.shape[2] for c in coefs[:n_hidden])],
        n_samples=n_sample,
        n_jacobian_samples=len(jacobian_rows),
    )


def _affordable_jacobians(layer_units, n_rows):
    """How many Jacobians cost at most a third of an epoch on ``n_rows`` rows.

    An epoch costs about ``6 n_rows`` flops per weight (forward and backward
    passes); a Jacobian ``2 k`` per weight of the hidden layers after the
    first, and its SVD about ``4 k^2 max(n_features, n_L)`` flops at about
    half the speed of the matrix products (measured with OpenBLAS).
    """
    hidden = layer_units[1:-1]
    weights = sum(a * b for a, b in zip(layer_units[:-1], layer_units[1:]))
    k = min(layer_units[0], hidden[-1])
    per_jacobian = 2 * k * sum(a * b for a, b in zip(hidden[:-1], hidden[1:]))
    per_jacobian += 8 * k * k * max(layer_units[0], hidden[-1])
    return max(1, (2 * n_rows * weights) // per_jacobian)


def _variance(X):
    """Variance of all entries of a dense or sparse matrix."""
    if not sp.issparse(X):
        return X.var()
    mean = X.sum() / math.prod(X.shape)
    return X.multiply(X).sum() / math.prod(X.shape) - mean**2


def _first_product(X, w):
    """``X @ w[k]`` for every network ``k``: ``(K, n_samples, n_out)``."""
    if sp.issparse(X):
        return np.stack([np.asarray(X @ w_k) for w_k in w])
    return np.matmul(X, w)


def _jacobian_singular_values(coefs, derivatives):
    """Singular values of ``d a^L / d x`` for K networks and a few samples each.

    Row-vector convention: the Jacobian is the product over the layers of
    ``W^l diag(phi'(h^l))``, ``(n_features, n_L)`` per sample. It is
    accumulated from the narrower end, so that each product has
    ``min(n_features, n_L)`` rows or columns; samples go in chunks that fit
    in memory.
    """
    n_restarts, n_rows = derivatives[0].shape[:2]
    n_in, n_out = coefs[0].shape[1], coefs[-1].shape[2]
    widest = max(max(c.shape[1:]) for c in coefs)
    per_sample = 3 * n_restarts * min(n_in, n_out) * widest * 8
    chunk = max(1, _CHUNK_BYTES // per_sample)
    values = []
    for start in range(0, n_rows, chunk):
        slopes = [d[:, start : start + chunk] for d in derivatives]
        if n_in <= n_out:
            product = coefs[0][:, np.newaxis] * slopes[0][:, :, np.newaxis, :]
            for w, slope in zip(coefs[1:], slopes[1:]):
                product = np.matmul(product, w[:, np.newaxis])
                product *= slope[:, :, np.newaxis, :]
        else:
            product = coefs[-1][:, np.newaxis] * slopes[-1][:, :, np.newaxis, :]
            for w, slope in zip(coefs[-2::-1], slopes[-2::-1]):
                product *= slope[:, :, :, np.newaxis]
                product = np.matmul(w[:, np.newaxis], product)
        values.append(np.linalg.svd(product, compute_uv=False))
    return np.concatenate(values, axis=1)


def _networks(estimator, X, y):
    """The hidden layers of K networks, their activation, and the data.

    Returns
    -------
    coefs, intercepts : lists of ndarray
        Float64 arrays of shape ``(K, fan_in, fan_out)`` and ``(K, fan_out)``,
        every layer including the output layer.
    activation : str
    restarts : ndarray of int
    fitted : bool
    X : ndarray or sparse matrix
    """
    from ._mlp import BaseMultilayerPerceptron

    if hasattr(estimator, "coefs_"):
        X = check_array(X, accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32))
        if X.shape[1] != estimator.coefs_[0].shape[0]:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(estimator).__name__} "
                f"was fitted with {estimator.coefs_[0].shape[0]} features."
            )
        coefs = [np.asarray(c, dtype=np.float64)[np.newaxis] for c in estimator.coefs_]
        intercepts = [
            np.asarray(b, dtype=np.float64)[np.newaxis] for b in estimator.intercepts_
        ]
        restarts = np.array([getattr(estimator, "best_restart_", 0)])
        return coefs, intercepts, estimator.activation, restarts, True, _csr(X)
    if not isinstance(estimator, BaseMultilayerPerceptron):
        estimator = _as_skinit(estimator)
    est = clone(estimator)  # a copy of random_state: the caller's is not consumed
    est._validate_params()  # the errors fit would raise
    hidden_layer_sizes = est._hidden_layer_sizes()
    inits = _per_layer(est.init, len(hidden_layer_sizes) + 1, "init")
    if y is None or not any(getattr(get(i), "requires_data", False) for i in inits):
        # the hidden layers are drawn before the output layer: y changes nothing
        X = check_array(X, accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32))
        y, n_outputs = None, 1
    else:
        X, y = est._validate_input(X, y, incremental=False, reset=True)
        y = y.reshape((-1, 1)) if y.ndim == 1 else y
        n_outputs = y.shape[1]
    X = _csr(X)
    layout = Layout([X.shape[1], *hidden_layer_sizes, n_outputs])
    # the steps of fit, in its order, up to the first update
    random_states, _, sequence = restart_random_states(est.random_state, est.n_restarts)
    X_init = X  # what a data-dependent init sees in fit
    if est.restart_scoring is not None and y is not None:
        est.n_outputs_ = n_outputs
        X_init, _, _, _ = est._hold_out_for_selection(X, y, None, sequence)
    theta = np.vstack(
        [
            initialize(
                layout, est.init, est.bias_init, est.activation, rs, X.dtype, X_init
            )
            for rs in random_states
        ]
    ).astype(np.float64)
    coefs, intercepts = layout._make_views(theta)
    restarts = np.arange(len(theta))
    return coefs, intercepts, est.activation, restarts, False, X


def _csr(X):
    return X.tocsr() if sp.issparse(X) and X.format != "csr" else X


def _as_skinit(estimator):
    """skinit's estimator with an unfitted scikit-learn MLP's parameters."""
    from sklearn import neural_network

    from ._mlp import MLPClassifier, MLPRegressor

    for theirs, ours in [
        (neural_network.MLPClassifier, MLPClassifier),
        (neural_network.MLPRegressor, MLPRegressor),
    ]:
        if isinstance(estimator, theirs):
            names = ours._get_param_names()
            params = estimator.get_params(deep=False)
            return ours(**{k: v for k, v in params.items() if k in names})
    raise TypeError(
        "signal_propagation needs a multi-layer perceptron: skinit's "
        "MLPClassifier or MLPRegressor (fitted or not) or scikit-learn's; got "
        f"{type(estimator).__name__}."
    )
