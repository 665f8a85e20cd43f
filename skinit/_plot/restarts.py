# SPDX-License-Identifier: BSD-3-Clause
"""RestartsDisplay: the loss curves of all restarts, the selected one on top."""

import numpy as np

from ._base import _Display, _fitted


class RestartsDisplay(_Display):
    """Training loss of every restart over the epochs.

    Parameters
    ----------
    loss_curves : list of array-like
        One curve per restart (``restart_results_["loss_curve"]``).
    best : int
        Index of the selected restart, drawn thick and on top.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One per restart.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skinit import RestartsDisplay
    >>> display = RestartsDisplay(loss_curves=[[3, 2, 1], [3, 2.5, 2]], best=0).plot()
    >>> display.lines_[0].get_linewidth() > display.lines_[1].get_linewidth()
    True
    """

    def __init__(self, *, loss_curves, best):
        self.loss_curves = loss_curves
        self.best = best

    def _draw(self, ax):
        self.lines_ = []
        for k, curve in enumerate(self.loss_curves):
            chosen = k == self.best
            (line,) = ax.plot(
                np.arange(1, len(curve) + 1),
                curve,
                color="C3" if chosen else "0.6",
                linewidth=2.5 if chosen else 1.0,
                zorder=3 if chosen else 2,
                label=f"restart {k} (selected)" if chosen else None,
            )
            self.lines_.append(line)
        ax.set_xlabel("epoch")
        ax.set_ylabel("training loss")

    @classmethod
    def from_estimator(cls, estimator, *, ax=None):
        """Plot a fitted skinit estimator's restarts.

        Returns
        -------
        display : RestartsDisplay
        """
        results = _fitted(estimator, "restart_results_", "RestartsDisplay")
        return cls(
            loss_curves=list(results["loss_curve"]), best=estimator.best_restart_
        ).plot(ax=ax)
