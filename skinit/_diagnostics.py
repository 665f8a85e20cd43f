# SPDX-License-Identifier: BSD-3-Clause
"""Symmetry between hidden units, activation health and gradient flow."""

import warnings

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from ._engine import ACTIVATIONS
from .exceptions import DeadUnitsWarning, SymmetryWarning, VanishingGradientWarning

#: Largest relative difference of two units still counted as one.
SYMMETRY_RTOL = 1e-6
#: |activation| beyond this fraction of its bound counts as saturated.
SATURATION = 0.99


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


def activation_stats(network, X, intercepts=None, activation=None):
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

    Returns
    -------
    stats : dict of ndarray
        One entry per hidden layer: ``"mean"`` and ``"std"`` of its
        activations (over all samples and units, as ``numpy.mean`` and
        ``numpy.std``), ``"dead_fraction"`` (the fraction of ReLU units
        that are zero on every sample) and ``"saturated_fraction"`` (the
        fraction of tanh units with ``|a| > 0.99``, or logistic units with
        ``|a - 0.5| > 0.495``, on every sample: beyond 99% of their range).

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
    stats = {"mean": [], "std": [], "dead_fraction": [], "saturated_fraction": []}
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
    for layer, (distinct, groups) in enumerate(
        zip(estimator.n_distinct_units_, estimator.unit_groups_)
    ):
        if distinct < len(groups):
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
