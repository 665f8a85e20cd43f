# SPDX-License-Identifier: BSD-3-Clause
"""SymmetryDisplay: distinct units of each hidden layer, at the start and end."""

import numpy as np

from ._base import _Display, _fitted


class SymmetryDisplay(_Display):
    """Distinct units per hidden layer before and after training, as bars.

    A layer whose bars are below its width holds copies of units: with equal
    starting weights a whole layer collapses to one bar of height 1.

    Parameters
    ----------
    init_n_distinct_units, n_distinct_units : ndarray of shape (n_hidden,)
    n_units : ndarray of shape (n_hidden,)
        Width of each hidden layer.

    Attributes
    ----------
    bars_ : dict
        ``"start"`` and ``"end"``: the BarContainers.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skinit import SymmetryDisplay
    >>> display = SymmetryDisplay(init_n_distinct_units=[1, 1],
    ...                           n_distinct_units=[1, 1], n_units=[8, 8]).plot()
    >>> [float(bar.get_height()) for bar in display.bars_["end"]]
    [1.0, 1.0]
    """

    def __init__(self, *, init_n_distinct_units, n_distinct_units, n_units):
        self.init_n_distinct_units = init_n_distinct_units
        self.n_distinct_units = n_distinct_units
        self.n_units = n_units

    def _draw(self, ax):
        layers = np.arange(len(self.n_units))
        width = 0.4
        self.bars_ = {
            "start": ax.bar(
                layers - width / 2,
                self.init_n_distinct_units,
                width,
                label="at initialization",
            ),
            "end": ax.bar(
                layers + width / 2, self.n_distinct_units, width, label="after training"
            ),
        }
        ax.plot(layers, self.n_units, "k_", markersize=30, label="layer width")
        ax.set_xticks(layers, [f"hidden {i}" for i in layers])
        ax.set_ylabel("distinct units")

    @classmethod
    def from_estimator(cls, estimator, *, ax=None):
        """Plot a fitted skinit estimator's distinct units.

        Returns
        -------
        display : SymmetryDisplay
        """
        return cls(
            init_n_distinct_units=_fitted(
                estimator, "init_n_distinct_units_", "SymmetryDisplay"
            ),
            n_distinct_units=estimator.n_distinct_units_,
            n_units=[len(groups) for groups in estimator.unit_groups_],
        ).plot(ax=ax)
