# SPDX-License-Identifier: BSD-3-Clause
"""ActivationDisplay: the spread of each hidden layer's activations."""

import numpy as np

from ._base import _Display, _fitted


class ActivationDisplay(_Display):
    """Standard deviation of each hidden layer's activations, start and end.

    On a log scale, so a scale that shrinks or grows geometrically with depth
    (Glorot-scaled weights in a deep ReLU network) shows as a straight slope.

    Parameters
    ----------
    init_stats, stats : dict of ndarray
        As in ``init_activation_stats_`` and ``activation_stats_``.

    Attributes
    ----------
    lines_ : dict
        ``"start"`` and ``"end"``: the Line2D of each.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skinit import ActivationDisplay
    >>> stats = {"std": np.array([1.0, 0.5, 0.25])}
    >>> display = ActivationDisplay(init_stats=stats, stats=stats).plot()
    >>> display.lines_["start"].get_ydata()
    array([1.  , 0.5 , 0.25])
    """

    def __init__(self, *, init_stats, stats):
        self.init_stats = init_stats
        self.stats = stats

    def _draw(self, ax):
        self.lines_ = {}
        for key, stats, label in [
            ("start", self.init_stats, "at initialization"),
            ("end", self.stats, "after training"),
        ]:
            std = np.asarray(stats["std"], dtype=float)
            (self.lines_[key],) = ax.plot(np.arange(len(std)), std, "o-", label=label)
        ax.set_yscale("log")
        ax.set_xticks(np.arange(len(self.stats["std"])))
        ax.set_xlabel("hidden layer")
        ax.set_ylabel("std of activations")

    @classmethod
    def from_estimator(cls, estimator, *, ax=None):
        """Plot a fitted skinit estimator's activation statistics.

        Returns
        -------
        display : ActivationDisplay
        """
        return cls(
            init_stats=_fitted(
                estimator, "init_activation_stats_", "ActivationDisplay"
            ),
            stats=estimator.activation_stats_,
        ).plot(ax=ax)
