# SPDX-License-Identifier: BSD-3-Clause
"""Starting parameters of a network from the estimator's ``init`` and ``bias_init``."""

import numpy as np

from ._engine import ACTIVATIONS
from .initializers import NAMES, Initializer, Layer, SklearnUniform, Zeros, get


def _per_layer(spec, n_layers, name):
    """One entry of ``init`` or ``bias_init`` per weight layer."""
    if not isinstance(spec, list):
        return [spec] * n_layers
    if len(spec) != n_layers:
        raise ValueError(
            f"{name} has {len(spec)} entries but the network has {n_layers} weight "
            f"layers ({n_layers - 1} hidden and the output layer): give one entry "
            "per layer, or a single value for all."
        )
    return spec


def _draw(spec, shape, random_state, layer, name):
    """Values of one weight matrix or bias vector, checked.

    An exception raised by the initializer (a user's callable, or a setting
    out of range) reaches the caller as it was raised, with a note saying
    which layer and parameter it came from.
    """
    where = f"{name} for layer {layer.index} ({layer.fan_in} -> {layer.fan_out} units)"
    try:
        if isinstance(spec, Initializer):
            values = spec(shape, random_state, layer=layer)
        else:
            values = spec(shape, random_state)
    except Exception as exc:
        if hasattr(exc, "add_note"):  # Python >= 3.11
            exc.add_note(f"Raised by {where}: {spec!r}.")
        raise
    values = np.asarray(values)
    if values.shape != shape:
        raise ValueError(
            f"{where} returned an array of shape {values.shape}; expected {shape}."
        )
    if not np.isfinite(values).all():
        raise ValueError(f"{where} returned non-finite values (NaN or inf).")
    return values


def _get(spec, name, index):
    """The initializer of one entry of ``init`` or ``bias_init``."""
    try:
        return get(spec)
    except (ValueError, TypeError) as exc:
        where = name if index is None else f"{name}[{index}]"
        raise type(exc)(f"{where}: {exc}") from exc


def draws_alike_on_any_data(init, bias_init):
    """Whether :func:`initialize` draws the same starting point from the same
    random state whatever the data (of one shape): every entry is one of
    skinit's initializers, and none reads the data. A user's callable might
    read anything, so it never counts as alike."""
    entries = [*_as_list(init), *_as_list(bias_init)]
    for entry in entries:
        if isinstance(entry, str):
            if entry == "auto":
                continue
            if entry not in NAMES:
                return False
            entry = NAMES[entry]
        elif not isinstance(entry, Initializer):
            return False
        if entry.requires_data:
            return False
    return True


def _as_list(spec):
    return spec if isinstance(spec, list) else [spec]


def _data_sample(X, size, random_state, sample_weight=None):
    """Rows of ``X`` for data-dependent initializers.

    Without weights (or with equal ones), ``size`` rows drawn uniformly. With
    weights, rows of non-zero weight drawn with probabilities proportional to
    them, so a row of weight 0 is never seen.
    """
    if sample_weight is None or np.ptp(sample_weight) == 0:
        if X.shape[0] <= size:
            return X
        return X[np.sort(random_state.choice(X.shape[0], size, replace=False))]
    weighted = np.flatnonzero(sample_weight > 0)
    if len(weighted) <= size:
        return X[weighted]
    p = sample_weight[weighted] / sample_weight[weighted].sum()
    return X[np.sort(random_state.choice(weighted, size, replace=False, p=p))]


def initialize(
    layout, init, bias_init, activation, random_state, dtype, X=None, sample_weight=None
):
    """Draw the starting parameters of one network.

    Layer by layer, the weights and then the biases are drawn from
    ``random_state``, in scikit-learn's order, so that ``init="sklearn"``
    gives scikit-learn's starting point. Data-dependent initializers
    (``requires_data``) then rescale their layers, first to last, on a sample
    of ``X`` (rows of non-zero ``sample_weight`` only).

    Returns
    -------
    theta : ndarray of shape (1, n_params)
    """
    n_layers = len(layout.coef_shapes)
    per_layer = isinstance(init, list)
    inits = [
        _get(s, "init", i if per_layer else None)
        for i, s in enumerate(_per_layer(init, n_layers, "init"))
    ]
    per_layer = isinstance(bias_init, list)
    bias_inits = [
        (SklearnUniform() if isinstance(w, SklearnUniform) else Zeros())
        if isinstance(b, str) and b == "auto"
        else _get(b, "bias_init", i if per_layer else None)
        for i, (w, b) in enumerate(
            zip(inits, _per_layer(bias_init, n_layers, "bias_init"))
        )
    ]
    layers = [
        Layer(i, fan_in, fan_out, activation, is_output=i == n_layers - 1)
        for i, (fan_in, fan_out) in enumerate(layout.coef_shapes)
    ]
    coefs, intercepts = [], []
    for layer, w_init, b_init in zip(layers, inits, bias_inits):
        shape = (layer.fan_in, layer.fan_out)
        coefs.append(_draw(w_init, shape, random_state, layer, "init"))
        intercepts.append(_draw(b_init, shape[1:], random_state, layer, "bias_init"))

    if any(getattr(w_init, "requires_data", False) for w_init in inits):
        if X is None:
            raise ValueError("A data-dependent init (LSUV) needs the training X.")
        sample_size = max(
            getattr(w, "sample_size", 500)
            for w in inits
            if getattr(w, "requires_data", False)
        )
        inputs = _data_sample(X, sample_size, random_state, sample_weight)
        for layer, w_init in zip(layers, inits):
            if getattr(w_init, "requires_data", False):
                coefs[layer.index] = w_init.rescale(
                    inputs, coefs[layer.index], intercepts[layer.index], layer
                )
            if not layer.is_output:
                inputs = inputs @ coefs[layer.index] + intercepts[layer.index]
                inputs = np.asarray(inputs, dtype=np.float64)
                ACTIVATIONS[activation](inputs)
    return layout.pack(coefs, intercepts, dtype)
