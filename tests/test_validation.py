# SPDX-License-Identifier: BSD-3-Clause
"""Bad input gets a clear error, and a failed fit leaves no half-written state."""

import re
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import neural_network
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from skinit import MLPClassifier, MLPRegressor


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_X_rejected(iris, bad):
    X, y = iris
    X = X.copy()
    X[3, 1] = bad
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        MLPClassifier().fit(X, y)
    with pytest.raises(ValueError, match="Input y contains NaN"):
        MLPRegressor().fit(iris[0], np.where(y == 1, np.nan, y))


def test_wrong_shapes_rejected(iris):
    X, y = iris
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        MLPClassifier().fit(X, y[:-1])
    with pytest.raises(ValueError, match="Expected 2D array"):
        MLPClassifier().fit(X[:, 0], y)
    clf = MLPClassifier(max_iter=5).fit(X, y)
    with pytest.raises(
        ValueError, match="X has 3 features, but MLPClassifier is expecting 4 features"
    ):
        clf.predict(X[:, :3])


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(activation="softplus"), "'activation' parameter of MLPClassifier"),
        (dict(solver="newton"), "'solver' parameter .* a str among .*Got 'newton'"),
        (dict(learning_rate_init=0), "'learning_rate_init' parameter"),
        (dict(momentum=1.5), "'momentum' parameter"),
        (dict(batch_size=0), "'batch_size' parameter"),
    ],
)
def test_unknown_parameter_values_list_allowed(iris, params, match):
    with pytest.raises(InvalidParameterError, match=match):
        MLPClassifier(**params).fit(*iris)


def test_hidden_layer_sizes_must_be_positive(iris):
    with pytest.raises(
        ValueError, match=r"hidden_layer_sizes must be > 0, got \[5, 0\]"
    ):
        MLPClassifier(hidden_layer_sizes=(5, 0)).fit(*iris)


def test_partial_fit_errors(iris):
    X, y = iris
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        MLPClassifier().partial_fit(X, y)
    clf = MLPClassifier().partial_fit(X[y < 2], y[y < 2], classes=[0, 1])
    with pytest.raises(ValueError, match="`y` has classes not in `self.classes_`"):
        clf.partial_fit(X, y)
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        MLPClassifier(early_stopping=True).partial_fit(X, y, classes=[0, 1, 2])
    for est in (MLPClassifier(solver="lbfgs"), MLPRegressor(solver="lbfgs")):
        with pytest.raises(
            AttributeError, match="has no attribute 'partial_fit'"
        ) as err:
            getattr(est, "partial_fit")  # noqa: B009
        assert "lbfgs is not stochastic" in str(err.value.__cause__)
        assert not hasattr(est, "partial_fit")


def test_warm_start_checks_classes_and_architecture(iris):
    X, y = iris
    # seeded: some random starts of these tiny fits end with a diagnostic warning
    clf = MLPClassifier(warm_start=True, max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(
        ValueError, match="warm_start can only be used where `y` has the same classes"
    ):
        clf.fit(X[y < 2], y[y < 2])
    clf.set_params(hidden_layer_sizes=(7,))
    with pytest.raises(ValueError, match="hidden_layer_sizes=.*Set warm_start=False"):
        clf.fit(X, y)
    # a change in a later layer too, the model left as it was
    deep = MLPClassifier((5, 3), warm_start=True, max_iter=5, random_state=0)
    deep.fit(X, y)
    coefs = [c.copy() for c in deep.coefs_]
    deep.set_params(hidden_layer_sizes=(5, 4))
    with pytest.raises(
        ValueError,
        match=r"layers of shapes \[\(4, 5\), \(5, 3\), \(3, 3\)\]; with "
        r"hidden_layer_sizes=\(5, 4\) .* \[\(4, 5\), \(5, 4\), \(4, 3\)\]",
    ):
        deep.fit(X, y)
    for before, after in zip(coefs, deep.coefs_):
        assert_array_equal(before, after)


def test_poisson_rejects_negative_targets(iris):
    X, _ = iris
    with pytest.raises(ValueError, match="requires non-negative targets"):
        MLPRegressor(loss="poisson").fit(X, X[:, 0])


def test_validation_set_too_small(iris):
    X, y = iris
    with pytest.raises(ValueError, match="The validation set is too small"):
        MLPRegressor(early_stopping=True, validation_fraction=0.005).fit(X, y)


def test_batch_size_larger_than_data_warns(iris):
    with pytest.warns(UserWarning, match="It is going to be clipped"):
        MLPClassifier(batch_size=1000, max_iter=2).fit(*iris)


# numpy's warnings on the way to the non-finite parameters of a fit that is
# meant to diverge (scikit-learn's fit's too)
DIVERGES = pytest.mark.filterwarnings(
    "ignore:overflow encountered in:RuntimeWarning",
    "ignore:invalid value encountered in:RuntimeWarning",
)


def _diverging(**params):
    defaults = dict(
        solver="sgd",
        learning_rate_init=0.1,
        hidden_layer_sizes=(20,),
        random_state=0,
        max_iter=30,
    )
    return MLPRegressor(**{**defaults, **params})


# (x scale, y scale, early_stopping): the loss overflows in every case
DIVERGING = [
    (1e30, 1e30, False),
    (1.0, 1e150, False),
    (1.0, 1e150, True),
    (1e30, 1e30, True),
    (1e50, 1e100, True),
]


@DIVERGES
@pytest.mark.parametrize("x_scale, y_scale, early_stopping", DIVERGING)
def test_divergence_as_sklearn(iris, x_scale, y_scale, early_stopping):
    """Training goes on through a non-finite loss; only non-finite final
    parameters raise, with scikit-learn's message first."""
    X, _ = iris
    X, y = X * x_scale, X[:, 0] * y_scale
    lr = 1.0 if x_scale == 1e30 else 0.1
    ours = _diverging(early_stopping=early_stopping, learning_rate_init=lr)
    theirs = neural_network.MLPRegressor()
    # the settings both have (scikit-learn < 1.7 has no ``loss``)
    theirs.set_params(
        **{k: v for k, v in ours.get_params().items() if k in theirs.get_params()}
    )
    try:
        theirs.fit(X, y)
    except ValueError as exc:
        assert str(exc).startswith("Solver produced non-finite parameter weights")
        with pytest.raises(ValueError, match="^" + re.escape(str(exc))):
            ours.fit(X, y)
        assert not hasattr(ours, "coefs_")
        return
    ours.fit(X, y)
    assert not np.isfinite(theirs.loss_curve_).all()  # it did diverge
    # the restart is recorded as diverged when its final loss is not finite
    assert ours.restart_results_["diverged"][0] == (not np.isfinite(theirs.loss_))
    assert ours.n_iter_ == theirs.n_iter_
    assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-6)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        assert_allclose(a, b, rtol=1e-6)


@DIVERGES
def test_divergence_names_the_iteration_and_leaves_no_state(iris):
    X, _ = iris
    reg = _diverging()
    with pytest.raises(
        ValueError,
        match=r"^Solver produced non-finite parameter weights.*skinit: the loss "
        r"first became non-finite at iteration \d+; scale the input data \(for "
        r"example with StandardScaler\) or lower learning_rate_init \(=0\.1\)\.$",
    ):
        reg.fit(X, X[:, 0] * 1e150)
    with pytest.raises(NotFittedError):
        reg.predict(X)
    assert not hasattr(reg, "n_features_in_")


@DIVERGES
def test_failed_warm_start_keeps_previous_model(iris):
    X, _ = iris
    reg = _diverging(warm_start=True, max_iter=3).fit(X, X[:, 0])
    coefs = [c.copy() for c in reg.coefs_]
    curve = list(reg.loss_curve_)
    with pytest.raises(ValueError, match="non-finite"):
        reg.fit(X, X[:, 0] * 1e150)
    for before, after in zip(coefs, reg.coefs_):
        assert_array_equal(before, after)
    assert reg.loss_curve_ == curve


# -- messages name scikit-learn's facts the same way --------------------------------


@pytest.mark.parametrize(
    "y",
    [np.r_[[True], [False] * 39], np.r_[["b"], ["a"] * 39]],
    ids=["bool", "str"],
)
def test_early_stopping_split_messages_equal_sklearn(y):
    # a class with one member cannot be stratified: both name it as the
    # binarized label True, not as the float '1.0' the engine trains on
    from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier

    X = np.random.RandomState(0).normal(size=(40, 3))
    messages = []
    for Estimator in (MLPClassifier, SklearnMLPClassifier):
        with pytest.raises(ValueError) as err:
            Estimator(early_stopping=True, max_iter=3, random_state=0).fit(X, y)
        messages.append(str(err.value))
    assert messages[0] == messages[1]
    assert "1.0" not in messages[0]
    if "Classes with too few members" in messages[1]:  # scikit-learn >= 1.7
        assert messages[0].endswith("Classes with too few members are: ['True']")


# -- settings checked before any training -------------------------------------------


@pytest.fixture
def no_training(monkeypatch):
    """Make any training fail loudly: errors must come before it."""

    def train(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr("skinit._mlp.train", train)


def test_restart_scoring_that_does_not_fit_the_task(iris, no_training):
    X, _ = iris
    with pytest.raises(
        ValueError,
        match="restart_scoring='accuracy' cannot score the restarts of MLPRegressor "
        "on the held-out rows: ValueError: continuous is not supported",
    ):
        MLPRegressor(n_restarts=3, restart_scoring="accuracy").fit(X, X[:, 0])
    with pytest.raises(
        ValueError, match="restart_scoring='neg_log_loss' cannot score .*predict_proba"
    ):
        MLPRegressor(restart_scoring="neg_log_loss").fit(X, X[:, 0])


@pytest.mark.parametrize(
    "params, rows, match",
    [
        (
            dict(validation_fraction=0.0),
            slice(None),
            "restart_scoring='accuracy' scores the restarts on "
            "validation_fraction=0.0 of the 150 rows, .* cannot be drawn: test_size=0",
        ),
        (
            dict(),
            slice(45, 55),  # 5 + 5 rows of two classes: 1 held out, 2 classes
            "validation_fraction=0.1 of the 10 rows.*The test_size = 1 should be "
            "greater or equal to the number of classes = 2",
        ),
        (
            dict(validation_fraction=0.5),
            slice(49, 60),  # one row of class 0
            "least populated class.*Use restart_scoring=None",
        ),
    ],
)
def test_restart_scoring_split_that_cannot_be_made(
    iris, no_training, params, rows, match
):
    X, y = iris
    clf = MLPClassifier(n_restarts=2, restart_scoring="accuracy", **params)
    with pytest.raises(ValueError, match=match):
        clf.fit(X[rows], y[rows])


def test_restart_scoring_returning_nan_before_training(iris, no_training):
    with pytest.raises(
        ValueError,
        match="restart_scoring=.* must return a number, higher for better models; "
        "on the held-out rows, before training, it returned nan",
    ):
        MLPClassifier(n_restarts=2, restart_scoring=lambda est, X, y: float("nan")).fit(
            *iris
        )


def test_restart_scoring_callable_without_sample_weight(iris, no_training):
    with pytest.raises(ValueError, match="unexpected keyword argument 'sample_weight'"):
        MLPClassifier(restart_scoring=lambda est, X, y: 1.0).fit(
            *iris, sample_weight=np.ones(150)
        )


@pytest.mark.parametrize("flag", [True, np.True_], ids=["bool", "numpy-bool"])
def test_n_restarts_must_be_an_int_not_a_bool(iris, flag):
    with pytest.raises(
        InvalidParameterError,
        match=r"'n_restarts' parameter of MLPClassifier must be an int in the range "
        r"\[1, inf\)\. Got (np\.)?True_? instead",
    ):
        MLPClassifier(n_restarts=flag).fit(*iris)


@pytest.mark.parametrize("sizes", [(10.5,), ("a",), (4, 2.0), (True,)])
def test_non_integer_hidden_sizes_blame_hidden_layer_sizes(iris, sizes):
    with pytest.raises(
        ValueError,
        match=r"hidden_layer_sizes must hold the number of units of each hidden "
        r"layer, positive integers; got \[",
    ):
        MLPClassifier(hidden_layer_sizes=sizes).fit(*iris)
    # numpy integers are integers, and one int is one hidden layer (seeded:
    # some random starts of these tiny fits end with a diagnostic warning)
    params = dict(max_iter=2, random_state=0)
    clf = MLPClassifier(hidden_layer_sizes=np.array([3, 2]), **params).fit(*iris)
    assert [c.shape[1] for c in clf.coefs_] == [3, 2, 3]
    clf = MLPClassifier(hidden_layer_sizes=np.int64(5), **params).fit(*iris)
    assert [c.shape for c in clf.coefs_] == [(4, 5), (5, 3)]


@DIVERGES
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_failed_partial_fit_keeps_the_optimizer_state(iris, solver):
    # a partial_fit that diverges raises and leaves the model as it was,
    # optimizer state included: going on equals never having tried
    X, _ = iris
    y = X[:, 0]
    tried, untouched = (
        _diverging(solver=solver, max_iter=3).partial_fit(X, y) for _ in range(2)
    )
    with pytest.raises(ValueError, match="non-finite"):
        tried.partial_fit(X * 1e300, y * 1e300)
    tried.partial_fit(X, y)
    untouched.partial_fit(X, y)
    for a, b in zip(
        tried.coefs_ + tried.intercepts_, untouched.coefs_ + untouched.intercepts_
    ):
        assert_array_equal(a, b)
    assert tried.loss_curve_ == untouched.loss_curve_


@pytest.mark.parametrize(
    "params, match",
    [
        (
            dict(restart_min_epochs=0),
            r"'restart_min_epochs' parameter .* range \[1, inf\)",
        ),
        # lbfgs: an accepted factor of 1 is refused, not halved for ever
        (
            dict(restart_halving=1, solver="lbfgs"),
            r"'restart_halving' parameter .* range \(1.0, inf\)",
        ),
        (dict(validation_fraction=1.0), r"'validation_fraction' .* range \[0.0, 1.0\)"),
        (dict(beta_1=1.0), r"'beta_1' parameter .* range \[0.0, 1.0\)"),
        (dict(beta_2=1.0), r"'beta_2' parameter .* range \[0.0, 1.0\)"),
        (
            dict(n_jobs=1.5),
            "'n_jobs' parameter .* None or an instance of 'int'. Got 1.5",
        ),
        (dict(n_iter_no_change=0), "'n_iter_no_change' parameter"),
        (dict(bias_init="he"), "'bias_init' parameter .*'auto'"),
    ],
)
def test_parameter_ranges_at_their_bounds(iris, no_training, params, match):
    with pytest.raises(InvalidParameterError, match=match):
        MLPClassifier(**params).fit(*iris)


def test_n_iter_no_change_may_be_infinite(iris):
    # scikit-learn's way to never stop on tol: every epoch runs
    X, y = iris
    params = dict(hidden_layer_sizes=(3,), max_iter=4, tol=10.0, random_state=0)
    clf = MLPClassifier(n_iter_no_change=np.inf, **params).fit(X, y)
    assert clf.n_iter_ == 4


def test_messages_quote_the_values(iris, no_training):
    X, y = iris
    # the restart_scoring split of weighted rows says so
    sample_weight = np.tile([0.0, 1.0], 75)
    with pytest.raises(
        ValueError,
        match="validation_fraction=0.0 of the 75 rows of non-zero sample_weight, "
        "held out from training",
    ):
        MLPClassifier(restart_scoring="accuracy", validation_fraction=0.0).fit(
            X, y, sample_weight=sample_weight
        )
    # a scorer that returns something else than a number
    with pytest.raises(
        ValueError,
        match="must return a number, higher for better models; on the held-out "
        "rows, before training, it returned 'good'.",
    ):
        MLPClassifier(restart_scoring=lambda est, X, y: "good").fit(X, y)
    with pytest.raises(
        ValueError, match=re.escape(f"got a minimum of {X[:, 0].min()}.")
    ):
        MLPRegressor(loss="poisson").fit(X, X[:, 0])


def test_warm_start_classes_message_names_both(iris):
    X, y = iris
    clf = MLPClassifier(warm_start=True, max_iter=2).fit(X, y)
    with pytest.raises(
        ValueError, match=re.escape("Previously got [0 1 2], `y` has [0 1]")
    ):
        clf.fit(X[y < 2], y[y < 2])


def test_early_stopping_batches_and_smallest_validation_set(iris):
    # scikit-learn holds out ceil(0.13 * 150) = 20 rows: batches of at most
    # 130 rows, and batch_size=131 is clipped to 130 with a warning
    X, y = iris
    params = dict(
        hidden_layer_sizes=(4,), early_stopping=True, max_iter=3, random_state=0
    )
    for extra in (
        dict(validation_fraction=0.13),
        dict(validation_fraction=0.13, batch_size=131),
        dict(validation_fraction=0.13, batch_size=130),  # all of them: no warning
    ):
        ours = MLPClassifier(**params, **extra)
        theirs = neural_network.MLPClassifier(**params, **extra)
        with warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always")
            ours.fit(X, y)
            theirs.fit(X, y)
        assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
        # each fit warns once, scikit-learn's and ours alike
        clipped = [str(w.message) for w in warned if w.category is UserWarning]
        message = (
            "Got `batch_size` less than 1 or larger than sample size. It is going "
            "to be clipped"
        )
        assert clipped == ([message] * 2 if extra.get("batch_size") == 131 else [])
    # 20 rows and validation_fraction=0.1: a validation set of 2 rows is enough
    ours = MLPRegressor(**params).fit(X[:20], X[:20, 0])
    theirs = neural_network.MLPRegressor(**params).fit(X[:20], X[:20, 0])
    assert_allclose(ours.validation_scores_, theirs.validation_scores_, rtol=1e-10)


def test_halving_messages_quote_the_factor(iris, no_training):
    with pytest.raises(
        ValueError, match=r"^restart_halving=3 drops the worse restarts"
    ):
        MLPClassifier(solver="lbfgs", n_restarts=5, restart_halving=3).fit(*iris)


def test_warning_classes():
    from sklearn.exceptions import ConvergenceWarning

    from skinit import exceptions

    for name in ("SymmetryWarning", "VanishingGradientWarning", "DeadUnitsWarning"):
        assert issubclass(getattr(exceptions, name), exceptions.DiagnosticWarning)
    assert issubclass(exceptions.RankCollapseWarning, exceptions.DiagnosticWarning)
    assert exceptions.DiagnosticWarning.__mro__[1] is UserWarning
    assert exceptions.InitializationWarning.__mro__[1] is UserWarning
    assert not issubclass(exceptions.InitializationWarning, ConvergenceWarning)


def test_public_names_are_listed_and_unknown_ones_refused():
    import skinit

    assert set(skinit.__all__) <= set(dir(skinit))
    for name in skinit.__all__:
        assert getattr(skinit, name) is not None
    with pytest.raises(
        AttributeError, match="^module 'skinit' has no attribute 'MLPClassifierX'$"
    ):
        skinit.MLPClassifierX  # noqa: B018


@DIVERGES
def test_every_restart_diverging_with_finite_parameters_still_fits(iris):
    # early stopping keeps each restart's best validated (finite) parameters
    # though its loss overflowed: as scikit-learn's fit, this one does not
    # raise, restart_scoring or not; no restart was scored, restart 0 is kept
    X, _ = iris
    reg = _diverging(
        early_stopping=True, n_restarts=2, restart_scoring="r2", max_iter=10
    ).fit(X, X[:, 0] * 1e150)
    results = reg.restart_results_
    assert_array_equal(results["diverged"], [True, True])
    assert np.isnan(results["validation_score"]).all()
    assert reg.best_restart_ == 0
    assert_array_equal(results["rank"], [1, 2])
