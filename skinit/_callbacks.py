# SPDX-License-Identifier: BSD-3-Clause
"""scikit-learn callbacks (``sklearn.callback``) on the restarts' epochs.

The task tree of a fit: the fit, one subtask per restart, one subtask per
epoch (or L-BFGS iteration) of each restart. A callback that asks to stop at
the end of an epoch stops that restart; the others go on.
"""


class TrainingMonitor:
    """Reports each restart's epochs to the callbacks and passes on stops.

    Parameters
    ----------
    estimator : estimator
    restart_contexts : list of CallbackContext
        One per restart, each with the restart's epochs as subtasks.
    layout : Layout
        To rebuild ``coefs_`` and ``intercepts_`` for callbacks that look at a
        fitted estimator.
    X, y : the training data, as the callbacks receive it.
    """

    def __init__(self, estimator, restart_contexts, layout, X, y):
        self.estimator = estimator
        self.restart_contexts = restart_contexts
        self.layout = layout
        self.X = X
        self.y = y
        self._epochs = {}

    def _fitted(self, params):
        coefs, intercepts = self.layout.unpack(params)
        return {"coefs_": coefs, "intercepts_": intercepts}

    def begin(self, k, params):
        """Restart ``k`` starts an epoch from ``params`` (one packed row)."""
        context = self.restart_contexts[k].subcontext(task_name="epoch")
        context.call_on_fit_task_begin(
            estimator=self.estimator,
            X=self.X,
            y=self.y,
            reconstruction_attributes=lambda: self._fitted(params),
        )
        self._epochs[k] = context

    def close(self, k, params):
        """End the epoch restart ``k`` began, if it has not ended it yet.

        scipy's L-BFGS begins an iteration it may never run.
        """
        if k in self._epochs:
            self.end(k, params)

    def end(self, k, params):
        """Restart ``k`` ended an epoch at ``params``; whether it must stop."""
        return self._epochs.pop(k).call_on_fit_task_end(
            estimator=self.estimator,
            X=self.X,
            y=self.y,
            reconstruction_attributes=lambda: self._fitted(params),
        )
