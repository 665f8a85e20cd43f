# SPDX-License-Identifier: BSD-3-Clause
"""scikit-learn callbacks: the task tree of a fit, and stopping on request."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from skinit import MLPClassifier

pytest.importorskip("sklearn.callback")


class Recorder:
    """Records the tasks that end; asks to stop epochs after ``stop_after``."""

    def __init__(self, stop_after=None):
        self.stop_after = stop_after
        self.ended = []
        self.restart_subtasks = []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, *, fitted_estimator=None):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        self.ended.append((context.task_name, fitted_estimator))
        if context.task_name == "restart":
            self.restart_subtasks.append(context.max_subtasks)
        if context.task_name == "epoch" and self.stop_after is not None:
            return context.task_id + 1 >= self.stop_after
        return False


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_task_tree_has_restarts_and_epochs(iris, solver):
    recorder = Recorder()
    clf = MLPClassifier(
        hidden_layer_sizes=(5,), max_iter=7, n_restarts=3, solver=solver, random_state=0
    )
    clf.set_callbacks(recorder).fit(*iris)
    names = [name for name, _ in recorder.ended]
    assert names.count("fit") == 1 and names[-1] == "fit"
    assert names.count("restart") == 3
    n_epochs = clf.restart_results_["n_iter"].sum()
    extra = 3 if solver == "lbfgs" else 0  # the iteration L-BFGS begins last
    assert names.count("epoch") == n_epochs + extra
    # a restart announces the epochs it may begin: max_iter, and for L-BFGS
    # the iteration it begins last and never runs
    assert recorder.restart_subtasks == [7 + (solver == "lbfgs")] * 3
    # callbacks that look at the model get a fitted estimator: a restart's
    # parameters at the end of an epoch; the selected restart's last ones are
    # the fitted model (for L-BFGS twice: its last iteration, and the one it
    # begins and never runs)
    finals = [
        est
        for name, est in recorder.ended
        if name == "epoch"
        and all(np.array_equal(a, b) for a, b in zip(est.coefs_, clf.coefs_))
    ]
    assert len(finals) == (2 if solver == "lbfgs" else 1)
    assert_array_equal(finals[-1].predict_proba(iris[0]), clf.predict_proba(iris[0]))


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_callback_asking_to_stop_ends_training_cleanly(iris, solver):
    clf = MLPClassifier(
        hidden_layer_sizes=(5,),
        max_iter=50,
        n_restarts=2,
        solver=solver,
        random_state=0,
    )
    recorder = Recorder(stop_after=4)
    clf.set_callbacks(recorder).fit(*iris)
    assert list(clf.restart_results_["n_iter"]) == [4, 4]
    # each epoch ended once: the one that asked to stop is not ended again
    names = [name for name, _ in recorder.ended]
    assert names.count("epoch") == 2 * 4
    # the selected restart is the fit of its seed stopped by max_iter=4
    stopped = MLPClassifier(
        hidden_layer_sizes=(5,),
        max_iter=4,
        solver=solver,
        random_state=clf.restart_seeds_[clf.best_restart_],
    )
    with pytest.warns(ConvergenceWarning):
        stopped.fit(*iris)
    for a, b in zip(clf.coefs_ + clf.intercepts_, stopped.coefs_ + stopped.intercepts_):
        assert_array_equal(a, b)
    assert clf.loss_ == stopped.loss_


def test_callbacks_reach_the_estimators_inside_grid_search(iris):
    recorder = Recorder()
    clf = MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    clf.set_callbacks(recorder)
    grid = GridSearchCV(clf, {"n_restarts": [1, 2]}, cv=2).fit(*iris)
    names = [name for name, _ in recorder.ended]
    assert names.count("fit") == 5  # 2 candidates x 2 folds, and the refit
    refit = grid.best_params_["n_restarts"]
    assert names.count("restart") == 2 * (1 + 2) + refit


def test_no_callbacks_no_monitor(iris):
    clf = MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    assert clf._start_callbacks(1, None, *iris) is None


def test_progress_bar_leaves_the_model_unchanged(iris):
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    params = dict(hidden_layer_sizes=(5,), max_iter=10, n_restarts=3, random_state=0)
    plain = MLPClassifier(**params).fit(*iris)
    shown = MLPClassifier(n_jobs=2, **params).set_callbacks(ProgressBar()).fit(*iris)
    for a, b in zip(plain.coefs_, shown.coefs_):
        np.testing.assert_array_equal(a, b)
    assert not hasattr(shown, "_callback_fit_ctx")  # torn down after fit


def test_partial_fit_does_not_report(iris):
    recorder = Recorder()
    clf = MLPClassifier(hidden_layer_sizes=(5,), random_state=0)
    clf.set_callbacks(recorder).partial_fit(*iris, classes=[0, 1, 2])
    assert recorder.ended == []
