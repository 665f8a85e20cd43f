# SPDX-License-Identifier: BSD-3-Clause
"""SignalPropagationDisplay: per-layer gains and Jacobian spectra, side by side."""

import numpy as np

from .._signal import signal_propagation
from ..utils._sklearn import check_matplotlib
from ._base import _Display

_PANELS = ("chi", "forward_gain", "spectrum")


class SignalPropagationDisplay(_Display):
    """Gains per hidden layer and the Jacobian's spectrum of several networks.

    Three panels, one line per network: ``chi`` per hidden layer (the
    gradient's gain; 1 is the edge of chaos), the forward variance gain per
    hidden layer, both the median over restarts with their range shaded, and
    the distribution of the singular values of the input-output Jacobian
    over samples and restarts (a cumulative distribution on a log scale:
    dynamical isometry is a vertical step at 1).

    Parameters
    ----------
    results : dict of str to SignalPropagation
        What :func:`skinit.diagnostics.signal_propagation` returned, by name.

    Attributes
    ----------
    lines_ : dict of str to dict
        For each name, the Line2D of its ``"chi"``, ``"forward_gain"`` and
        ``"spectrum"``.
    ax_ : ndarray of 3 matplotlib Axes
        The panels, in that order.
    figure_ : matplotlib Figure

    See Also
    --------
    skinit.diagnostics.signal_propagation : The measures drawn.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skinit import MLPRegressor, SignalPropagationDisplay
    >>> X = np.random.RandomState(0).normal(size=(100, 8))
    >>> display = SignalPropagationDisplay.from_estimators(
    ...     {init: MLPRegressor(hidden_layer_sizes=(8,) * 5, activation="tanh",
    ...                         init=init, random_state=0)
    ...      for init in ["orthogonal", "he_normal"]},
    ...     X,
    ... )
    >>> sorted(display.lines_)
    ['he_normal', 'orthogonal']
    >>> display.lines_["orthogonal"]["chi"].get_ydata().shape
    (5,)
    """

    def __init__(self, *, results):
        self.results = results

    def plot(self, ax=None):
        """Draw the display.

        Parameters
        ----------
        ax : array-like of 3 matplotlib Axes, default=None
            Axes for the panels ``chi``, forward gain and spectrum; those of
            a new figure when None.

        Returns
        -------
        display : SignalPropagationDisplay
            With the axes and figure drawn on as ``ax_`` and ``figure_``.
        """
        check_matplotlib("SignalPropagationDisplay.plot")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(1, 3, figsize=(14, 4))
        ax = np.asarray(ax, dtype=object).ravel()
        if len(ax) != len(_PANELS):
            raise ValueError(
                f"SignalPropagationDisplay draws {len(_PANELS)} panels "
                f"({', '.join(_PANELS)}); ax has {len(ax)} axes."
            )
        self.lines_ = {}
        for i, (name, result) in enumerate(self.results.items()):
            color = f"C{i % 10}"
            lines = {}
            for panel, key in zip(ax[:2], ("chi", "forward_gain")):
                values = np.asarray(result[key], dtype=float)
                layers = np.arange(values.shape[1])
                (lines[key],) = panel.plot(
                    layers, np.median(values, axis=0), "o-", color=color, label=name
                )
                if len(values) > 1:
                    panel.fill_between(
                        layers,
                        values.min(axis=0),
                        values.max(axis=0),
                        color=color,
                        alpha=0.2,
                    )
            spectrum = np.sort(np.ravel(result.jacobian_singular_values))
            positive = spectrum[spectrum > 0]  # zeros have no place on a log axis
            fraction = np.arange(len(spectrum) - len(positive) + 1, len(spectrum) + 1)
            (lines["spectrum"],) = ax[2].step(
                positive,
                fraction / len(spectrum),
                where="post",
                color=color,
                label=name,
            )
            self.lines_[name] = lines
        for panel, ylabel, reference in [
            (ax[0], "chi: gradient gain per layer", "edge of chaos"),
            (ax[1], "forward variance gain", "variance kept"),
        ]:
            panel.axhline(1, color="k", linestyle=":", label=reference)
            panel.set_xlabel("hidden layer")
            panel.set_ylabel(ylabel)
        ax[2].axvline(1, color="k", linestyle=":", label="isometry")
        ax[2].set_xscale("log")
        ax[2].set_xlabel("singular value of d(last hidden layer) / d(input)")
        ax[2].set_ylabel("fraction of singular values below")
        ax[0].legend(fontsize="small")
        self.ax_, self.figure_ = ax, ax[0].figure
        return self

    @classmethod
    def from_estimator(
        cls, estimator, X, y=None, *, name=None, ax=None, **signal_kwargs
    ):
        """Plot one estimator's signal propagation, fitted or not.

        Parameters
        ----------
        estimator : MLPClassifier or MLPRegressor
            See :func:`~skinit.diagnostics.signal_propagation`.
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like, default=None
        name : str, default=None
            Legend label; the estimator's ``init`` when None.
        ax : array-like of 3 matplotlib Axes, default=None
        **signal_kwargs
            Passed to :func:`~skinit.diagnostics.signal_propagation`
            (``n_samples``, ``jacobian_samples``).

        Returns
        -------
        display : SignalPropagationDisplay
        """
        name = _name(estimator) if name is None else name
        return cls.from_estimators({name: estimator}, X, y, ax=ax, **signal_kwargs)

    @classmethod
    def from_estimators(cls, estimators, X, y=None, *, ax=None, **signal_kwargs):
        """Plot several estimators side by side: typically one per ``init``.

        Parameters
        ----------
        estimators : dict of str to estimator, or list of estimators
            The legend labels are the keys, or each estimator's ``init``.
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like, default=None
        ax : array-like of 3 matplotlib Axes, default=None
        **signal_kwargs
            Passed to :func:`~skinit.diagnostics.signal_propagation`.

        Returns
        -------
        display : SignalPropagationDisplay
        """
        if not isinstance(estimators, dict):
            names = [_name(est) for est in estimators]
            if len(set(names)) < len(names):
                names = [f"{name} ({i})" for i, name in enumerate(names)]
            estimators = dict(zip(names, estimators))
        results = {
            name: signal_propagation(est, X, y, **signal_kwargs)
            for name, est in estimators.items()
        }
        return cls(results=results).plot(ax=ax)


def _name(estimator):
    init = getattr(estimator, "init", "sklearn")
    return init if isinstance(init, str) else repr(init)
