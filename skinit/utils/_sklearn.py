# SPDX-License-Identifier: BSD-3-Clause
"""The only module that imports scikit-learn's private helpers.

When scikit-learn moves one of them, only this file changes.
"""

from numbers import Integral

import numpy as np
from sklearn.base import _fit_context
from sklearn.model_selection._search import BaseSearchCV
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.multiclass import _check_partial_fit_first_call
from sklearn.utils.optimize import _check_optimize_result
from sklearn.utils.validation import _check_sample_weight

__all__ = [
    "CallbackSupportMixin",
    "Count",
    "check_matplotlib",
    "Interval",
    "InvalidParameterError",
    "Options",
    "StrOptions",
    "_check_optimize_result",
    "_check_partial_fit_first_call",
    "_check_sample_weight",
    "_fit_context",
    "_get_additional_lbfgs_options_dict",
    "_has_callbacks",
    "validate_parameter_constraints",
    "with_callbacks",
]


class Count(Interval):
    """An interval of ints that refuses booleans (``n_restarts=True``).

    Parameters
    ----------
    left, right : int or None
        Bounds of the interval, as in ``Interval(Integral, left, right)``.
    closed : {"left", "right", "both", "neither"}, default="left"
    """

    def __init__(self, left, right=None, *, closed="left"):
        super().__init__(Integral, left, right, closed=closed)

    def is_satisfied_by(self, val):
        return not isinstance(val, (bool, np.bool_)) and super().is_satisfied_by(val)


try:  # scikit-learn >= 1.7.1
    from sklearn.utils.fixes import _get_additional_lbfgs_options_dict
except ImportError:  # scikit-learn 1.6.0 to 1.7.0
    import scipy
    from sklearn.utils.fixes import parse_version

    def _get_additional_lbfgs_options_dict(key, value):
        """``{key: value}`` for scipy < 1.15, which still takes ``iprint``."""
        scipy_version = parse_version(parse_version(scipy.__version__).base_version)
        return {} if scipy_version >= parse_version("1.15") else {key: value}


#: GridSearchCV weights the held-out scores by ``sample_weight`` from
#: scikit-learn 1.7 on (scikit-learn PR 30743); before, it scores unweighted
GRID_SEARCH_WEIGHTS_SCORES = hasattr(
    BaseSearchCV, "_check_scorers_accept_sample_weight"
)


try:  # scikit-learn >= 1.9
    from sklearn.callback import CallbackSupportMixin, with_callbacks
except ImportError:  # callbacks are then simply not offered

    class CallbackSupportMixin:
        pass

    def with_callbacks(method):
        return method


def _has_callbacks(context):
    """Whether any callback listens to this callback context."""
    return bool(getattr(context, "_callbacks", None))


def check_matplotlib(caller_name):
    """Raise a clear ImportError when matplotlib, an optional extra, is missing."""
    try:
        check_matplotlib_support(caller_name)
    except ImportError as exc:
        raise ImportError(
            f"{caller_name} requires matplotlib, which skinit installs as an "
            "optional extra: pip install 'skinit[plot]' (or pip install matplotlib)."
        ) from exc
