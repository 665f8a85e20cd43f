# SPDX-License-Identifier: BSD-3-Clause
"""The only module that imports scikit-learn's private helpers.

When scikit-learn moves one of them, only this file changes.
"""

from sklearn.base import _fit_context
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
)
from sklearn.utils.fixes import _get_additional_lbfgs_options_dict
from sklearn.utils.multiclass import _check_partial_fit_first_call
from sklearn.utils.optimize import _check_optimize_result
from sklearn.utils.validation import _check_sample_weight

__all__ = [
    "CallbackSupportMixin",
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
    "with_callbacks",
]

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
