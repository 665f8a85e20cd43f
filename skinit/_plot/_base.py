# SPDX-License-Identifier: BSD-3-Clause
"""What every Display shares: matplotlib on demand, and the axes to draw on."""

from ..utils._sklearn import check_matplotlib


class _Display:
    """A Display draws precomputed data with ``plot``; subclasses ``_draw``."""

    def plot(self, ax=None):
        """Draw the display.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; those of a new figure when None.

        Returns
        -------
        display : object
            The display, with the axes and figure drawn on as ``ax_`` and
            ``figure_``.
        """
        check_matplotlib(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        self._draw(ax)
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self


def _fitted(estimator, attribute, caller_name):
    if not hasattr(estimator, attribute):
        raise ValueError(
            f"{caller_name} needs the fitted attribute {attribute!r}: fit the "
            "estimator first, with diagnostics=True (the default)."
        )
    return getattr(estimator, attribute)
