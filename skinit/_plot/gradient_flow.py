# SPDX-License-Identifier: BSD-3-Clause
"""GradientFlowDisplay: each layer's gradient norm over the updates."""

import numpy as np

from ._base import _Display, _fitted


class GradientFlowDisplay(_Display):
    """Gradient norm of each layer at every update, on a log scale.

    Layers whose gradient vanishes sink to the bottom; a layer that wakes up
    late starts late (zero norms are not drawn).

    Parameters
    ----------
    gradient_norms : ndarray of shape (n_updates, n_layers)
        As in an estimator's ``gradient_norms_``.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One per layer.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from skinit import MLPClassifier, GradientFlowDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier((5, 5), max_iter=20, random_state=0).fit(X, y)
    >>> display = GradientFlowDisplay.from_estimator(clf)
    >>> len(display.lines_)
    3
    """

    def __init__(self, *, gradient_norms):
        self.gradient_norms = gradient_norms

    def _draw(self, ax):
        norms = np.asarray(self.gradient_norms, dtype=float)
        updates = np.arange(1, len(norms) + 1)
        n_layers = norms.shape[1]
        self.lines_ = []
        for layer in range(n_layers):
            name = "output layer" if layer == n_layers - 1 else f"layer {layer}"
            visible = np.where(norms[:, layer] > 0, norms[:, layer], np.nan)
            (line,) = ax.plot(updates, visible, label=name)
            self.lines_.append(line)
        ax.set_yscale("log")
        ax.set_xlabel("update")
        ax.set_ylabel("weight gradient norm")

    @classmethod
    def from_estimator(cls, estimator, *, ax=None):
        """Plot a fitted skinit estimator's ``gradient_norms_``.

        Returns
        -------
        display : GradientFlowDisplay
        """
        norms = _fitted(estimator, "gradient_norms_", "GradientFlowDisplay")
        return cls(gradient_norms=norms).plot(ax=ax)
