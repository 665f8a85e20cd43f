# SPDX-License-Identifier: BSD-3-Clause
"""Layer-sequential unit-variance initialization (Mishkin & Matas, 2016)."""

import math
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp

from ..exceptions import InitializationWarning
from ..utils._sklearn import Interval
from ._base import Initializer
from ._basic import Orthogonal


class LSUV(Initializer):
    r"""Orthogonal weights rescaled on data until each layer's output has unit variance.

    Layer-sequential unit-variance initialization: the weights start
    orthogonal (:class:`Orthogonal`); then, from the first layer to the last,
    each layer's weights are divided by :math:`\sqrt{\mathrm{Var}(a W + b)}`,
    the standard deviation of its pre-activation output on a sample of the
    training data (``a`` is the output of the layers below, already
    rescaled), until :math:`|\mathrm{Var}(a W + b) - 1| < \text{tol}` or
    ``max_iter`` rescalings were made. The variance is taken over all
    samples and units of the layer.

    The estimators give it a sample of the ``X`` passed to ``fit``; called on
    its own it only draws the orthogonal start.

    Parameters
    ----------
    tol : float, default=0.1
        Tolerance on the output variance (> 0).
    max_iter : int, default=10
        Cap on the rescalings per layer (0: the orthogonal start as is); an
        :class:`InitializationWarning` says when it was reached without
        meeting ``tol``.
    sample_size : int, default=500
        Number of training samples the variances are measured on (at least
        2). With ``sample_weight``, the estimators draw them among the rows of
        non-zero weight, with probabilities proportional to the weights.

    References
    ----------
    Mishkin and Matas, "All you need is a good init", ICLR 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from skinit.initializers import LSUV
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(scale=5.0, size=(300, 8))
    >>> W = LSUV().rescale(X, LSUV()((8, 4), random_state=0), np.zeros(4))
    >>> bool(abs((X @ W).var() - 1) < 0.1)
    True
    """

    requires_data = True

    _parameter_constraints: dict = {
        "tol": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "sample_size": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(self, tol=0.1, max_iter=10, sample_size=500):
        self.tol = tol
        self.max_iter = max_iter
        self.sample_size = sample_size

    def _sample(self, shape, random_state, layer):
        return Orthogonal()._sample(shape, random_state, layer)

    def rescale(self, inputs, coef, intercept, layer=None):
        """Rescale ``coef`` so that ``inputs @ coef + intercept`` has unit variance.

        Parameters
        ----------
        inputs : {ndarray, sparse matrix} of shape (n_samples, fan_in)
            The layer's input on the data sample.
        coef : ndarray of shape (fan_in, fan_out)
        intercept : ndarray of shape (fan_out,)
        layer : Layer, default=None
            Named in the messages.

        Returns
        -------
        coef : ndarray of shape (fan_in, fan_out)
            A rescaled copy.
        """
        self._validate_params()
        where = "this layer" if layer is None else f"layer {layer.index}"
        spread = inputs.max(axis=0) - inputs.min(axis=0)
        if not np.any(spread.toarray() if sp.issparse(spread) else spread):
            raise ValueError(
                f"LSUV cannot scale {where}: its input is the same for every "
                f"sample of the training data ({inputs.shape[0]} samples), so its "
                "output does not vary with the data and no rescaling of the "
                "weights can give it unit variance. The features are constant, "
                "or every unit of the layer below is dead or saturated. Remove "
                "constant features, standardize X, or initialize this layer "
                "otherwise."
            )
        coef = np.array(coef, dtype=np.float64)
        variance = np.var(inputs @ coef + intercept)
        n_rescalings = 0
        while abs(variance - 1) >= self.tol and n_rescalings < self.max_iter:
            if not np.isfinite(variance) or variance == 0:
                raise ValueError(
                    f"LSUV cannot scale {where}: the variance of its output on the "
                    f"training sample is {variance}."
                )
            coef /= math.sqrt(variance)
            n_rescalings += 1
            variance = np.var(inputs @ coef + intercept)
        if abs(variance - 1) >= self.tol:
            warnings.warn(
                f"LSUV stopped at max_iter={self.max_iter} rescalings of {where} "
                f"with output variance {variance:.4g}, not within tol={self.tol} "
                "of 1 (its biases shift the output).",
                InitializationWarning,
                stacklevel=2,
            )
        return coef
