# SPDX-License-Identifier: BSD-3-Clause
"""Symmetry between hidden units, activation health, rank and gradient flow."""

import math
import warnings

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import pdist, squareform
from scipy.special import xlogy

from ._engine import ACTIVATIONS
from .exceptions import (
    DeadUnitsWarning,
    RankCollapseWarning,
    SymmetryWarning,
    VanishingGradientWarning,
)

#: Largest relative difference of two units still counted as one.
SYMMETRY_RTOL = 1e-6
#: |activation| beyond this fraction of its bound counts as saturated.
SATURATION = 0.99
#: An effective rank below 1 + this counts as a collapse to rank 1. Two
#: singular values in a ratio of 100 to 1 have an effective rank of 1.056.
RANK_COLLAPSE_TOL = 0.05


def _network(network, intercepts=None, activation=None):
    """``(coefs, intercepts, activation)`` of an estimator or of plain lists."""
    if hasattr(network, "coefs_"):
        return network.coefs_, network.intercepts_, network.activation
    if intercepts is None:
        intercepts = [np.zeros(np.shape(c)[1]) for c in network]
    return list(network), list(intercepts), activation or "relu"


def unit_groups(coef, intercept, rtol=SYMMETRY_RTOL):
    """Which units of a layer are copies of each other.

    Two units are copies when their incoming weights and biases differ by at
    most ``rtol`` times the largest absolute parameter of the layer (their
    Chebyshev distance); groups are the connected components of that
    relation, so a chain of near-copies is one group.

    It runs in about ``O(n log n)`` time and ``O(n)`` memory for ``n`` units
    whenever units are either far apart or tight copies of each other (the
    usual cases, random or symmetric starts): units are binned into cells of
    half the tolerance, a cell's units are copies of each other, and only
    cells close along a fixed random projection are compared. A unit with a
    non-finite parameter is a group of its own.

    Parameters
    ----------
    coef : ndarray of shape (fan_in, n_units)
    intercept : ndarray of shape (n_units,)
    rtol : float, default=1e-6

    Returns
    -------
    labels : ndarray of shape (n_units,)
        Group of each unit, numbered in order of first appearance.
    spread : float
        Largest absolute difference between two units of one group: the
        floating-point noise that may, slowly, tell copies apart.

    Examples
    --------
    >>> import numpy as np
    >>> from skinit.diagnostics import unit_groups
    >>> W = np.array([[1.0, 2.0, 1.0], [0.5, 0.5, 0.5]])
    >>> unit_groups(W, np.zeros(3))
    (array([0, 1, 0]), 0.0)
    """
    units = np.vstack([coef, intercept]).T.astype(np.float64, copy=False)
    n_units = len(units)
    finite = np.isfinite(units).all(axis=1)
    if not finite.all():  # a unit with a NaN or inf parameter has no copy
        labels = np.full(n_units, -1)
        labels[finite], spread = unit_groups(
            units[finite, :-1].T, units[finite, -1], rtol
        )
        labels[~finite] = labels.max() + 1 + np.arange(n_units - finite.sum())
        _, first_unit = np.unique(labels, return_index=True)
        return np.argsort(np.argsort(first_unit))[labels], spread
    if n_units < 2:
        return np.zeros(n_units, dtype=int), 0.0
    scale = np.abs(units).max()
    tol = rtol * (scale if scale > 0 else 1.0)
    if n_units <= _PAIRWISE_UNITS:
        return _pairwise_groups(units, tol)
    # A cell no wider than tol in any coordinate is a clique of copies. The box
    # comes from the cell's extreme units, so its rounding agrees with a unit
    # by unit comparison. Cells of side tol / 2 always are, unless two share a
    # hash or tol / 2 underflows: then every unit is a cell of its own.
    for cells in (
        lambda: _cells(units, tol),
        lambda: _cells(units, tol, exact=True),
        lambda: np.arange(n_units),
    ):
        cell_of = cells()
        lo, hi, members = _boxes(units, cell_of)
        if not ((hi - lo).max(axis=1) > tol).any():
            break
    first, second = _candidate_cells(units, cell_of, lo, hi, tol)
    # boxes farther apart than tol in a coordinate: no unit pair is close;
    # boxes whose farthest corners are within tol: every unit pair is
    gap = np.maximum(lo[second] - hi[first], lo[first] - hi[second]).max(axis=1)
    far = np.maximum(hi[second] - lo[first], hi[first] - lo[second]).max(axis=1)
    linked = (gap <= tol) & (far <= tol)
    for k in np.flatnonzero((gap <= tol) & (far > tol)):
        linked[k] = _any_close(units[members(first[k])], units[members(second[k])], tol)
    n_cells = len(lo)
    graph = sp.coo_matrix(
        (np.ones(linked.sum(), dtype=bool), (first[linked], second[linked])),
        shape=(n_cells, n_cells),
    )
    _, components = connected_components(graph, directed=False)
    labels = components[cell_of]
    # number the groups in order of their first unit
    _, first_unit = np.unique(labels, return_index=True)
    labels = np.argsort(np.argsort(first_unit))[labels]
    # the largest Chebyshev distance within a group is its widest coordinate
    group_lo, group_hi, _ = _boxes(units, labels)
    return labels, float((group_hi - group_lo).max())


#: Layers up to this width compare every pair of units: for a few units the
#: cells' bookkeeping costs more than the comparisons (about 20x at 10 units).
_PAIRWISE_UNITS = 256


def _pairwise_groups(units, tol):
    """:func:`unit_groups` by comparing every pair of units, for narrow layers."""
    condensed = pdist(units, metric="chebyshev")
    if condensed.min() > tol:  # the usual case: no two units alike
        return np.arange(len(units)), 0.0
    gaps = squareform(condensed)
    _, components = connected_components(gaps <= tol, directed=False)
    _, first_unit = np.unique(components, return_index=True)
    labels = np.argsort(np.argsort(first_unit))[components]
    same = labels[:, np.newaxis] == labels[np.newaxis, :]
    return labels, float(gaps[same].max())


def _cells(units, tol, exact=False):
    """Cell of each unit in a grid of side ``tol / 2`` (exact values if tol is 0).

    Cells are told apart by a hash of their grid coordinates (one 64-bit
    integer per unit, fast to sort); ``exact=True`` compares the coordinates
    themselves, for the rare case where two cells share a hash.
    """
    if tol == 0:
        keys = units + 0.0  # -0.0 and 0.0 are one value
    else:
        keys = np.floor((units - units.min(axis=0)) / (tol / 2))
    if exact or keys.max() >= 2**62:
        _, cell_of = np.unique(keys, axis=0, return_inverse=True)
        return cell_of.ravel()
    bits = keys.view(np.uint64) if tol == 0 else keys.astype(np.uint64)
    multipliers = np.random.RandomState(0).randint(
        1, 2**63, size=units.shape[1], dtype=np.uint64
    )
    hashes = (bits * (2 * multipliers + 1)).sum(axis=1)  # modulo 2**64
    return np.unique(hashes, return_inverse=True)[1]


def _boxes(units, cell_of):
    """Bounding box of each cell, and where to find its units.

    Returns
    -------
    lo, hi : ndarray of shape (n_cells, n_features)
    members : callable
        ``members(c)``: the units of cell ``c``.
    """
    order, starts = _by_cell(cell_of)
    sorted_units = units[order]
    lo = np.minimum.reduceat(sorted_units, starts, axis=0)
    hi = np.maximum.reduceat(sorted_units, starts, axis=0)
    stops = np.r_[starts[1:], len(order)]
    return lo, hi, lambda c: order[starts[c] : stops[c]]


def _candidate_cells(units, cell_of, lo, hi, tol):
    """Pairs of cells that may hold units within ``tol`` of each other.

    Units within ``tol`` (Chebyshev) have projections on a direction ``v``
    within ``|v|_1 tol``: sorting the cells by their lowest projection, each
    cell is paired only with the next cells that start within that window.
    The direction is random but fixed, so that no coordinate shared by many
    units (a zero weight, say) makes every pair a candidate.
    """
    direction = np.random.RandomState(0).standard_normal(units.shape[1])
    projection = units @ direction
    order, starts = _by_cell(cell_of)
    p_lo = np.minimum.reduceat(projection[order], starts)
    p_hi = np.maximum.reduceat(projection[order], starts)
    # with a slack for the rounding of the dot products
    eps = np.finfo(np.float64).eps
    scale = np.abs(units).max()
    window = np.abs(direction).sum() * (tol + 4 * units.shape[1] * eps * scale)
    n_cells = len(lo)
    order = np.argsort(p_lo, kind="stable")
    stop = np.searchsorted(p_lo[order], p_hi[order] + window, side="right")
    counts = np.maximum(stop - np.arange(n_cells) - 1, 0)
    first = np.repeat(np.arange(n_cells), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return order[first], order[first + 1 + offsets]


def _by_cell(cell_of):
    """Units sorted by cell, and where each cell starts: reduceat's input."""
    order = np.argsort(cell_of, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(cell_of[order]) != 0])
    return order, starts


def _any_close(a, b, tol, chunk_bytes=2**24):
    """Whether some row of ``a`` is within ``tol`` (Chebyshev) of a row of ``b``."""
    step = max(1, chunk_bytes // (8 * b.size + 1))
    for start in range(0, len(a), step):
        block = a[start : start + step, np.newaxis, :]
        if (np.abs(block - b[np.newaxis]).max(axis=2) <= tol).any():
            return True
    return False


def symmetry(network, intercepts=None, *, rtol=SYMMETRY_RTOL):
    """Distinct units of every hidden layer.

    Units of one layer with equal incoming weights and biases compute the same
    function of the input; if their outgoing weights are equal too, they get
    equal gradients for any input and stay copies forever.

    Parameters
    ----------
    network : estimator or list of ndarray
        A fitted ``skinit`` or ``sklearn.neural_network`` MLP, or its list of
        weight matrices (``coefs_``).
    intercepts : list of ndarray, default=None
        The bias vectors when ``network`` is a list (zeros if None).
    rtol : float, default=1e-6
        See :func:`unit_groups`.

    Returns
    -------
    result : dict
        ``"n_distinct_units"``: ndarray with one count per hidden layer;
        ``"unit_groups"``: list of label arrays; ``"spread"``: ndarray, the
        largest difference within a group per layer.

    Examples
    --------
    >>> import numpy as np
    >>> from skinit.diagnostics import symmetry
    >>> symmetry([np.ones((3, 4)), np.ones((4, 1))])["n_distinct_units"]
    array([1])
    """
    coefs, intercepts, _ = _network(network, intercepts)
    groups = [unit_groups(c, b, rtol) for c, b in zip(coefs[:-1], intercepts[:-1])]
    return {
        "n_distinct_units": np.array([labels.max() + 1 for labels, _ in groups]),
        "unit_groups": [labels for labels, _ in groups],
        "spread": np.array([spread for _, spread in groups]),
    }


def _singular_value_entropy(s):
    """``exp`` of the entropy of singular values normalized to sum 1; 0 if none."""
    total = s.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = s / total
    entropy = -xlogy(p, p).sum(axis=-1)
    return np.where(total[..., 0] > 0, np.exp(entropy), 0.0)


def effective_rank(matrix):
    r"""Effective rank of a matrix, or of each matrix of a stack (Roy & Vetterli).

    The exponential of the Shannon entropy of the singular values
    :math:`\sigma_i` normalized to sum 1:

    .. math::

        \operatorname{erank}(A) = \exp\Big(-\sum_i p_i \ln p_i\Big),
        \qquad p_i = \frac{\sigma_i}{\sum_j \sigma_j},

    with :math:`0 \ln 0 = 0`. It lies between 1 (rank one) and the rank,
    which it equals when all non-zero singular values are equal; unlike the
    rank, it does not jump when a singular value becomes tiny. An all-zero
    matrix has effective rank 0.

    Parameters
    ----------
    matrix : array-like of shape (..., m, n)

    Returns
    -------
    erank : float or ndarray of shape (...)

    References
    ----------
    Roy and Vetterli, "The effective rank: a measure of effective
    dimensionality", European Signal Processing Conference, 2007.

    Examples
    --------
    >>> import numpy as np
    >>> from skinit.diagnostics import effective_rank
    >>> round(float(effective_rank(np.eye(3))), 12)
    3.0
    >>> round(float(effective_rank(np.diag([2.0, 1.0, 1.0]))), 6)  # 2 ** 1.5
    2.828427
    >>> round(float(effective_rank(np.outer([1.0, 2.0], [3.0, 1.0, 1.0]))), 12)
    1.0
    """
    matrix = np.asarray(matrix, dtype=float)
    if matrix.shape[-2] < matrix.shape[-1]:
        matrix = np.swapaxes(matrix, -2, -1)  # the same values; LAPACK is faster
    if not np.isfinite(matrix).all():
        # a stack may mix finite and non-finite matrices: NaN for the latter
        finite = np.isfinite(matrix).all(axis=(-2, -1))
        result = np.full(finite.shape, np.nan)
        if finite.any():
            result[finite] = effective_rank(matrix[finite])
        return result[()]
    return _singular_value_entropy(np.linalg.svd(matrix, compute_uv=False))[()]


def _activation_effective_rank(a, max_rows=None):
    """Effective rank of a layer's centered activations ``(n_samples, n_units)``.

    With ``max_rows``, a layer wider than it is measured on that many evenly
    spaced samples: the cost is ``rows**2 * units`` instead of
    ``n_samples * min(n_samples, n_units) * n_units``.

    Through the smaller Gram matrix, whose eigenvalues are the squared
    singular values: a third of an SVD's cost. Singular values within
    rounding of zero are zero, else the noise of centering constant units
    would count as directions: those below ``sqrt(n * eps)`` of the largest
    (the Gram matrix's rounding), and all of them when the largest is within
    the centering's rounding of the activations.
    """
    if max_rows is not None and a.shape[1] > max_rows < a.shape[0]:
        a = a[:: math.ceil(a.shape[0] / max_rows)]
    centered = a - a.mean(axis=0)
    if not np.isfinite(centered).all():
        return np.nan
    with np.errstate(over="ignore", invalid="ignore"):
        gram = (
            centered.T @ centered if a.shape[0] >= a.shape[1] else centered @ centered.T
        )
    if not np.isfinite(gram).all():  # activations too large to square
        return np.nan
    singular = np.sqrt(np.maximum(np.linalg.eigvalsh(gram), 0.0))
    eps = np.finfo(centered.dtype).eps
    largest = singular.max(initial=0.0)
    centering_noise = np.sqrt(a.size) * eps * np.abs(a).max(initial=0.0)
    if largest <= 10 * centering_noise:
        return 0.0
    singular[singular <= largest * np.sqrt(max(a.shape) * eps)] = 0.0
    return float(_singular_value_entropy(singular))


def _layers(coefs, intercepts, activation, X):
    """Each hidden layer's output on ``X``, computed in place, one after another."""
    a = X
    for coef, intercept in zip(coefs[:-1], intercepts[:-1]):
        a = np.asarray(a @ coef, dtype=np.result_type(coef, np.float32))
        a += intercept
        ACTIVATIONS[activation](a)
        yield a


def hidden_activations(network, X, intercepts=None, activation=None):
    """Outputs of every hidden layer on ``X``.

    Parameters
    ----------
    network : estimator or list of ndarray
        A fitted MLP (skinit's or scikit-learn's), or its ``coefs_``.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    intercepts : list of ndarray, default=None
        With a list ``network``: its biases (zeros if None).
    activation : str, default=None
        With a list ``network``: the hidden activation ('relu' if None).

    Returns
    -------
    activations : list of ndarray of shape (n_samples, n_units)

    Examples
    --------
    >>> import numpy as np
    >>> from skinit.diagnostics import hidden_activations
    >>> hidden_activations([np.array([[1.0, -1.0]]), np.ones((2, 1))],
    ...                    np.array([[2.0], [3.0]]))
    [array([[2., 0.],
           [3., 0.]])]
    """
    coefs, intercepts, activation = _network(network, intercepts, activation)
    return list(_layers(coefs, intercepts, activation, X))


def activation_stats(
    network, X, intercepts=None, activation=None, *, rank_samples=None
):
    """Health of every hidden layer's activations on ``X``.

    Parameters
    ----------
    network : estimator or list of ndarray
        A fitted MLP (skinit's or scikit-learn's), or its ``coefs_``.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    intercepts : list of ndarray, default=None
        With a list ``network``: its biases (zeros if None).
    activation : str, default=None
        With a list ``network``: the hidden activation ('relu' if None).
    rank_samples : int, default=None
        The effective rank of a layer wider than this is measured on this
        many evenly spaced samples (its cost grows as the square of the
        samples times the width); None: on all of them.

    Returns
    -------
    stats : dict of ndarray
        One entry per hidden layer: ``"mean"`` and ``"std"`` of its
        activations (over all samples and units, as ``numpy.mean`` and
        ``numpy.std``), ``"dead_fraction"`` (the fraction of ReLU units
        that are zero on every sample), ``"saturated_fraction"`` (the
        fraction of tanh units with ``|a| > 0.99``, or logistic units with
        ``|a - 0.5| > 0.495``, on every sample: beyond 99% of their range)
        and ``"effective_rank"`` (of the layer's activations centered per unit,
        see :func:`effective_rank`: how many directions of variation the
        layer really outputs).

    Examples
    --------
    >>> import numpy as np
    >>> from skinit.diagnostics import activation_stats
    >>> X = np.random.RandomState(0).normal(size=(50, 3))
    >>> stats = activation_stats([np.ones((3, 2)), np.ones((2, 1))], X,
    ...                          intercepts=[np.array([-100.0, 0.0]), np.zeros(1)])
    >>> stats["dead_fraction"]
    array([0.5])
    """
    coefs, intercepts, activation = _network(network, intercepts, activation)
    X = X.tocsr() if sp.issparse(X) else np.asarray(X)
    stats = {
        "mean": [],
        "std": [],
        "dead_fraction": [],
        "saturated_fraction": [],
        "effective_rank": [],
    }
    for a in _layers(coefs, intercepts, activation, X):
        stats["dead_fraction"].append(
            (a == 0).all(axis=0).mean() if activation == "relu" else 0.0
        )
        if activation == "tanh":
            saturated = (np.abs(a) > SATURATION).all(axis=0).mean()
        elif activation == "logistic":
            saturated = (np.abs(a - 0.5) > SATURATION / 2).all(axis=0).mean()
        else:
            saturated = 0.0
        stats["saturated_fraction"].append(saturated)
        stats["effective_rank"].append(_activation_effective_rank(a, rank_samples))
        stats["mean"].append(a.mean())
        stats["std"].append(a)
    # numpy.std's arithmetic, in place: the layers are no longer needed
    for i, a in enumerate(stats["std"]):
        a -= stats["mean"][i]
        np.multiply(a, a, out=a)
        stats["std"][i] = np.sqrt(a.sum() / a.size)
    return {name: np.array(values, dtype=float) for name, values in stats.items()}


def layer_gradient_sq_norms(layout, grad):
    """Squared L2 norms of each layer's weight and bias gradient, K networks.

    Two whole-array operations, cheap enough for every update; the square
    roots are taken once, at the end.

    Returns
    -------
    sq_norms : ndarray of shape (K, 2 * n_weight_layers)
        Weight gradients of the layers, then bias gradients.
    """
    starts = [s.start for s in layout.coef_slices + layout.intercept_slices]
    return np.add.reduceat(grad * grad, starts, axis=1)


def first_gradient_update(gradient_norms):
    """1-based index of the first update with a non-zero gradient, per layer.

    Parameters
    ----------
    gradient_norms : ndarray of shape (n_updates, n_layers)

    Returns
    -------
    first : ndarray of shape (n_layers,)
        0 for a layer whose gradient was always zero.

    Examples
    --------
    >>> import numpy as np
    >>> from skinit.diagnostics import first_gradient_update
    >>> first_gradient_update(np.array([[0.0, 0.5], [0.2, 0.1], [0.3, 0.0]]))
    array([2, 1])
    """
    nonzero = np.asarray(gradient_norms) > 0
    if not len(nonzero):  # L-BFGS may stop before its first update
        return np.zeros(nonzero.shape[1], dtype=int)
    return np.where(nonzero.any(axis=0), nonzero.argmax(axis=0) + 1, 0)


def warn_about(estimator):
    """Warn about what a fitted estimator's diagnostic attributes show."""
    started = getattr(estimator, "init_n_distinct_units_", None)
    for layer, (distinct, groups) in enumerate(
        zip(estimator.n_distinct_units_, estimator.unit_groups_)
    ):
        # units that started distinct and ended equal collapsed in training
        # (dead units driven to zero by alpha, say): no symmetry of the start
        from_start = started is None or started[layer] < len(groups)
        if distinct < len(groups) and from_start:
            warnings.warn(
                f"Hidden layer {layer} ended with {distinct} distinct units out of "
                f"{len(groups)} (see unit_groups_). Units that start with equal "
                "incoming and outgoing weights and equal biases receive equal "
                "gradients for any input, so they stay equal: the layer acts as "
                f"{distinct} unit(s). Use a random init to break the symmetry.",
                SymmetryWarning,
                stacklevel=3,
            )
    n_updates = len(estimator.gradient_norms_)
    for layer in np.flatnonzero(estimator.first_gradient_update_ == 0):
        if n_updates:
            warnings.warn(
                f"Layer {layer} never received a non-zero weight gradient in "
                f"{n_updates} updates, so its weights never changed: with all-zero "
                "weights above it, no signal flows back to it.",
                VanishingGradientWarning,
                stacklevel=3,
            )
    for layer, dead in enumerate(estimator.activation_stats_["dead_fraction"]):
        if dead == 1:
            warnings.warn(
                f"Every unit of hidden layer {layer} is dead: its ReLU output is "
                "zero on every sample, so no gradient flows through it. Lower "
                "the learning rate, or start with non-negative biases or a "
                "smaller weight scale.",
                DeadUnitsWarning,
                stacklevel=3,
            )
    _warn_about_rank(estimator)


def _warn_about_rank(estimator):
    """Warn when a layer of distinct units has weights or activations of rank ~1.

    Only where the shapes allow more than one direction: a layer fed by one
    feature, or by a one-unit layer through linear units, is rank 1 by
    construction, not by collapse.
    """
    widths = [len(groups) for groups in estimator.unit_groups_]
    fan_ins = [estimator.n_features_in_, *widths[:-1]]
    linear = estimator.activation == "identity"
    activation_ranks = estimator.activation_stats_["effective_rank"]
    for layer, distinct in enumerate(estimator.n_distinct_units_):
        if distinct < 2:
            continue  # SymmetryWarning tells
        collapsed = []
        weights = estimator.effective_rank_[layer]
        if (
            min(fan_ins[layer], widths[layer]) > 1
            and 0 < weights < 1 + RANK_COLLAPSE_TOL
        ):
            collapsed.append(f"incoming weights have effective rank {weights:.3f}")
        inputs = min(fan_ins[: layer + 1]) if linear else estimator.n_features_in_
        outputs = activation_ranks[layer]
        if min(inputs, widths[layer]) > 1 and 0 < outputs < 1 + RANK_COLLAPSE_TOL:
            collapsed.append(f"activations have effective rank {outputs:.3f}")
        if collapsed:
            warnings.warn(
                f"Hidden layer {layer} has {distinct} distinct units, yet its "
                f"{' and its '.join(collapsed)}: its units compute one direction "
                "of their input, scaled and shifted, so the layer acts as one "
                "feature (see effective_rank_). Zero weights with random biases "
                "and ReLU end this way; start from random weights.",
                RankCollapseWarning,
                stacklevel=4,
            )
