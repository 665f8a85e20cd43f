# SPDX-License-Identifier: BSD-3-Clause
"""What every Display shares: matplotlib on demand, and the axes to draw on."""

from ..utils._sklearn import check_matplotlib


def _axes(ax, caller_name):
    """The axes to draw on: ``ax``, or those of a new figure."""
    check_matplotlib(caller_name)
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax


def _fitted(estimator, attribute, caller_name):
    if not hasattr(estimator, attribute):
        raise ValueError(
            f"{caller_name} needs the fitted attribute {attribute!r}: fit the "
            "estimator first, with diagnostics=True (the default)."
        )
    return getattr(estimator, attribute)
