# SPDX-License-Identifier: BSD-3-Clause
"""skinit's estimators against scikit-learn's, configuration by configuration."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from packaging.version import Version
from sklearn import neural_network
from sklearn.datasets import load_digits, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from skinit import MLPClassifier, MLPRegressor
from skinit._kernels import kernels

RTOL = 1e-6

# scikit-learn's MLPs take sample_weight and loss="poisson" from 1.7 on; skinit
# has them on every supported version, but they can only be compared from 1.7
needs_sklearn_1_7 = pytest.mark.skipif(
    Version(sklearn.__version__) < Version("1.7"),
    reason="the reference, scikit-learn < 1.7, has no MLP sample_weight or loss",
)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X[:300]), y[:300]


@pytest.fixture(scope="module")
def binary(digits):
    X, y = digits
    return X, (y % 2 == 0).astype(int)


@pytest.fixture(scope="module")
def regression(digits):
    X, y = digits
    targets = np.column_stack([y / 3.0, np.sin(X[:, 10]) + 2.0])
    return X, targets


def _pair(est_class, **params):
    """The same configuration, in skinit and in scikit-learn."""
    sk_class = getattr(neural_network, est_class.__name__)
    return est_class(**params), sk_class(**params)


def _fit_both(ours, theirs, *args, method="fit", **kwargs):
    with warnings.catch_warnings(record=True) as ours_warned:
        warnings.simplefilter("always")
        getattr(ours, method)(*args, **kwargs)
    with warnings.catch_warnings(record=True) as theirs_warned:
        warnings.simplefilter("always")
        getattr(theirs, method)(*args, **kwargs)
    assert [w.category for w in ours_warned] == [w.category for w in theirs_warned]


def assert_same_model(ours, theirs, X, rtol=RTOL):
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.t_ == theirs.t_
    assert ours.n_layers_ == theirs.n_layers_
    assert ours.n_outputs_ == theirs.n_outputs_
    assert ours.out_activation_ == theirs.out_activation_
    assert ours.n_features_in_ == theirs.n_features_in_
    for name in ("coefs_", "intercepts_"):
        for a, b in zip(getattr(ours, name), getattr(theirs, name)):
            assert a.shape == b.shape
            assert_allclose(a, b, rtol=rtol, atol=rtol * np.abs(b).max())
    assert_allclose(ours.loss_, theirs.loss_, rtol=rtol)
    for name in ("loss_curve_", "validation_scores_"):
        if getattr(theirs, name, None) is not None:
            assert_allclose(getattr(ours, name), getattr(theirs, name), rtol=rtol)
    for name in ("best_loss_", "best_validation_score_"):
        if getattr(theirs, name, None) is not None:
            assert_allclose(getattr(ours, name), getattr(theirs, name), rtol=rtol)
        else:
            assert getattr(ours, name, None) is None
    if hasattr(theirs, "predict_proba"):
        assert_array_equal(ours.predict(X), theirs.predict(X))
    else:
        assert_allclose(ours.predict(X), theirs.predict(X), rtol=rtol)
    if hasattr(theirs, "predict_proba"):
        assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-5)
        assert_array_equal(ours.classes_, theirs.classes_)


SOLVER_CONFIGS = [
    dict(solver="adam"),
    dict(solver="adam", beta_1=0.5, beta_2=0.9, epsilon=1e-6, batch_size=64),
    dict(solver="sgd", learning_rate="constant", learning_rate_init=0.05),
    dict(solver="sgd", learning_rate="invscaling", learning_rate_init=0.5),
    dict(solver="sgd", learning_rate="adaptive", tol=0.5, n_iter_no_change=2),
    dict(solver="sgd", nesterovs_momentum=False, momentum=0.5),
    dict(solver="sgd", momentum=0.0, batch_size=37),
    dict(solver="adam", shuffle=False),
    dict(solver="adam", tol=1e-2, n_iter_no_change=2),  # converges early
    dict(solver="lbfgs"),
    dict(solver="lbfgs", max_fun=20),
]


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
@pytest.mark.parametrize("config", SOLVER_CONFIGS, ids=str)
def test_classifier_equals_sklearn(digits, activation, config):
    X, y = digits
    ours, theirs = _pair(
        MLPClassifier,
        hidden_layer_sizes=(15, 7),
        activation=activation,
        max_iter=15,
        random_state=0,
        **config,
    )
    _fit_both(ours, theirs, X, y)
    assert_same_model(ours, theirs, X)


@pytest.mark.parametrize(
    "config",
    [
        dict(early_stopping=True, n_iter_no_change=3),
        dict(early_stopping=True, solver="sgd", learning_rate="adaptive"),
        # 32 of the 300 rows held out (ceil(31.5)): the batch of 269 is
        # clipped to the 268 left, with a warning
        dict(early_stopping=True, validation_fraction=0.105, batch_size=269),
        dict(alpha=1.0, batch_size=1000),
        dict(hidden_layer_sizes=5),
        dict(hidden_layer_sizes=()),
    ],
    ids=str,
)
@pytest.mark.parametrize("task", ["multiclass", "binary"])
def test_classifier_options_equal_sklearn(digits, binary, task, config):
    X, y = digits if task == "multiclass" else binary
    params = dict(hidden_layer_sizes=(10,), max_iter=20, random_state=1) | config
    ours, theirs = _pair(MLPClassifier, **params)
    _fit_both(ours, theirs, X, y)
    assert_same_model(ours, theirs, X)


@needs_sklearn_1_7
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_sample_weight_equals_sklearn(digits, solver, early_stopping):
    X, y = digits
    sample_weight = np.random.RandomState(0).uniform(0.1, 3, size=len(y))
    ours, theirs = _pair(
        MLPClassifier,
        hidden_layer_sizes=(12,),
        solver=solver,
        early_stopping=early_stopping,
        max_iter=10,
        random_state=3,
        learning_rate_init=0.01,
    )
    _fit_both(ours, theirs, X, y, sample_weight=sample_weight)
    assert_same_model(ours, theirs, X)


def test_multilabel_equals_sklearn():
    X, Y = make_multilabel_classification(n_samples=120, n_classes=4, random_state=0)
    X = StandardScaler().fit_transform(X)
    for solver in ("adam", "lbfgs"):
        ours, theirs = _pair(
            MLPClassifier,
            solver=solver,
            max_iter=20,
            random_state=0,
            hidden_layer_sizes=(8,),
        )
        _fit_both(ours, theirs, X, Y)
        assert_same_model(ours, theirs, X)
        assert ours.predict(X).shape == Y.shape


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("n_targets", [1, 2])
def test_regressor_equals_sklearn(regression, loss, solver, n_targets):
    X, Y = regression
    y = Y[:, 0] if n_targets == 1 else Y
    if loss == "poisson" and Version(sklearn.__version__) < Version("1.7"):
        pytest.skip("scikit-learn < 1.7 has no loss='poisson' to compare with")
    # the default loss, not passed, so that scikit-learn < 1.7 compares too
    ours, theirs = _pair(
        MLPRegressor,
        **({} if loss == "squared_error" else {"loss": loss}),
        solver=solver,
        hidden_layer_sizes=(10,),
        activation="tanh",
        max_iter=15,
        learning_rate_init=0.01 if solver == "sgd" else 0.001,
        random_state=0,
    )
    _fit_both(ours, theirs, X, y)
    assert_same_model(ours, theirs, X)


def test_regressor_early_stopping_equals_sklearn(regression):
    X, Y = regression
    ours, theirs = _pair(
        MLPRegressor,
        early_stopping=True,
        max_iter=30,
        random_state=0,
        n_iter_no_change=2,
    )
    _fit_both(ours, theirs, X, Y)
    assert_same_model(ours, theirs, X)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_equals_sklearn(digits, solver, fmt):
    X, y = digits
    X = MinMaxScaler().fit_transform(X)
    X[X < 0.5] = 0
    X_sparse = sp.csr_matrix(X).asformat(fmt)
    ours, theirs = _pair(
        MLPClassifier,
        solver=solver,
        hidden_layer_sizes=(10,),
        max_iter=10,
        random_state=0,
    )
    _fit_both(ours, theirs, X_sparse, y)
    assert_same_model(ours, theirs, X_sparse)
    assert_allclose(ours.predict_proba(X), ours.predict_proba(X_sparse), rtol=1e-10)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_float32_kept_float32(digits, solver):
    X, y = digits
    X32 = X.astype(np.float32)
    ours, theirs = _pair(
        MLPClassifier,
        solver=solver,
        hidden_layer_sizes=(10,),
        max_iter=10,
        random_state=0,
    )
    _fit_both(ours, theirs, X32, y)
    assert all(c.dtype == np.float32 for c in ours.coefs_ + ours.intercepts_)
    assert ours.predict_proba(X32).dtype == np.float32
    # scikit-learn computes part of adam's update and all of lbfgs in float64:
    # the models agree to float32 precision, not to rounding.
    for a, b in zip(ours.coefs_, theirs.coefs_):
        assert_allclose(a, b, rtol=1e-3, atol=1e-3)
    assert ours.n_iter_ == theirs.n_iter_


@needs_sklearn_1_7  # scikit-learn 1.6 calls isnan on the predicted labels
def test_string_labels_with_early_stopping_equal_sklearn(digits):
    # the validation scores compare string labels
    X, y = digits
    labels = np.array([f"digit {k}" for k in y])
    ours, theirs = _pair(
        MLPClassifier,
        hidden_layer_sizes=(10,),
        early_stopping=True,
        max_iter=10,
        random_state=0,
    )
    _fit_both(ours, theirs, X, labels)
    assert_same_model(ours, theirs, X)


def test_float32_input_to_a_float64_model_predicts_in_float64(digits):
    # as scikit-learn: float32 rows times float64 weights are float64
    X, y = digits
    ours, theirs = _pair(
        MLPClassifier, hidden_layer_sizes=(10,), max_iter=10, random_state=0
    )
    _fit_both(ours, theirs, X, y)
    X32 = X.astype(np.float32)
    assert ours.predict_proba(X32).dtype == theirs.predict_proba(X32).dtype
    assert_allclose(ours.predict_proba(X32), theirs.predict_proba(X32), rtol=1e-12)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_partial_fit_equals_sklearn(digits, solver):
    X, y = digits
    classes = np.unique(y)
    ours, theirs = _pair(
        MLPClassifier, solver=solver, hidden_layer_sizes=(10,), random_state=0
    )
    for start in range(0, 300, 100):
        chunk = slice(start, start + 100)
        for est in (ours, theirs):
            est.partial_fit(X[chunk], y[chunk], classes=classes)
    assert_same_model(ours, theirs, X)


def test_partial_fit_carries_the_no_improvement_count_as_sklearn(digits):
    # every call counts an epoch that did not improve by tol: after more than
    # n_iter_no_change of them, the adaptive rate is divided by 5
    X, y = digits
    ours, theirs = _pair(
        MLPClassifier,
        solver="sgd",
        learning_rate="adaptive",
        tol=10.0,
        n_iter_no_change=2,
        hidden_layer_sizes=(10,),
        random_state=0,
    )
    for _ in range(5):
        for est in (ours, theirs):
            est.partial_fit(X, y, classes=np.unique(y))
        assert ours._no_improvement_count == theirs._no_improvement_count
    assert_same_model(ours, theirs, X)


def test_partial_fit_regressor_equals_sklearn(regression):
    X, Y = regression
    ours, theirs = _pair(MLPRegressor, solver="sgd", random_state=0, max_iter=5)
    for _ in range(3):
        ours.partial_fit(X, Y)
        theirs.partial_fit(X, Y)
    assert_same_model(ours, theirs, X)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_warm_start_equals_sklearn(digits, solver, early_stopping):
    X, y = digits
    ours, theirs = _pair(
        MLPClassifier,
        solver=solver,
        hidden_layer_sizes=(10,),
        max_iter=5,
        warm_start=True,
        random_state=0,
        early_stopping=early_stopping,
    )
    for _ in range(3):
        _fit_both(ours, theirs, X, y)
    assert_same_model(ours, theirs, X)


def test_random_state_instance_is_consumed_like_sklearn(digits):
    X, y = digits
    params = dict(hidden_layer_sizes=(5,), max_iter=3)
    ours = MLPClassifier(random_state=np.random.RandomState(7), **params)
    theirs = neural_network.MLPClassifier(
        random_state=np.random.RandomState(7), **params
    )
    for _ in range(2):  # the second fit continues the same stream
        _fit_both(ours, theirs, X, y)
    assert_same_model(ours, theirs, X)


@pytest.mark.parametrize(
    "config, last_line",
    [
        (dict(max_iter=3), "Validation score: "),
        # the validation score never improves by 10: stopped after 2 epochs
        (dict(max_iter=20, tol=10.0, n_iter_no_change=1), "epochs. Stopping."),
    ],
    ids=["max_iter", "stopped"],
)
def test_verbose_output_matches_sklearn(digits, capsys, config, last_line):
    X, y = digits
    outputs = []
    for est in _pair(
        MLPClassifier,
        hidden_layer_sizes=(5,),
        verbose=True,
        random_state=0,
        early_stopping=True,
        **config,
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, y)
        outputs.append(capsys.readouterr().out)
    assert "Iteration 2, loss" in outputs[0]
    assert last_line in outputs[0].splitlines()[-1]
    assert outputs[0] == outputs[1]


def test_convergence_warning(digits):
    X, y = digits
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(2\)"):
        MLPClassifier(max_iter=2, random_state=0).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        MLPClassifier(solver="lbfgs", max_iter=2, random_state=0).fit(X, y)


def test_pickle_round_trip(digits):
    X, y = digits
    clf = MLPClassifier(max_iter=5, random_state=0).fit(X, y)
    clone = pickle.loads(pickle.dumps(clf))
    assert_array_equal(clone.predict_proba(X), clf.predict_proba(X))
    clone.partial_fit(X, y)  # the optimizer state survives the round trip


def test_long_lbfgs_run_equals_sklearn(digits):
    # near convergence L-BFGS's line search amplifies the last bits of the loss
    X, y = digits
    ours, theirs = _pair(
        MLPClassifier,
        solver="lbfgs",
        hidden_layer_sizes=(30,),
        max_iter=150,
        tol=0.0,
        random_state=0,
    )
    _fit_both(ours, theirs, X, y)
    assert_same_model(ours, theirs, X)


@pytest.fixture
def numpy_kernels():
    """The numpy fallback of the compiled kernels (``SKINIT_NUMBA=0``)."""
    previous = kernels.use("numpy")
    yield
    kernels.use(previous)


@pytest.mark.parametrize(
    "estimator, config",
    [
        (MLPClassifier, dict(solver="adam", activation="relu")),
        (MLPClassifier, dict(solver="sgd", activation="tanh", learning_rate_init=0.05)),
        (
            MLPClassifier,
            dict(solver="adam", activation="logistic", early_stopping=True),
        ),
        (MLPRegressor, dict(solver="adam", activation="relu")),
        pytest.param(
            MLPRegressor,
            dict(solver="sgd", loss="poisson", learning_rate_init=0.01),
            marks=needs_sklearn_1_7,
        ),
    ],
    ids=str,
)
def test_numpy_fallback_equals_sklearn(
    digits, regression, estimator, config, numpy_kernels
):
    X, y = regression if estimator is MLPRegressor else digits
    ours, theirs = _pair(
        estimator, hidden_layer_sizes=(15, 7), max_iter=15, random_state=0, **config
    )
    _fit_both(ours, theirs, X, y)
    assert_same_model(ours, theirs, X)


@pytest.mark.parametrize("tol", [1e-2, 1e-3, 1e-4])
def test_lbfgs_stops_on_tol_as_sklearn(digits, tol):
    # scipy's gtol is tol: the run stops before max_iter, at sklearn's iteration
    X, y = digits
    ours, theirs = _pair(
        MLPClassifier,
        solver="lbfgs",
        hidden_layer_sizes=(8,),
        tol=tol,
        max_iter=500,
        random_state=0,
    )
    _fit_both(ours, theirs, X, y)
    assert ours.n_iter_ == theirs.n_iter_ < 500
    assert bool(ours.restart_results_["converged"][0])
    assert_allclose(ours.loss_, theirs.loss_, rtol=1e-6)


@pytest.mark.parametrize("n_restarts", [1, 3])
def test_long_shuffled_fit_equals_sklearn(binary, n_restarts):
    # from 30 epochs on, the engine shuffles every network's rows with its
    # own copy of the generators' states (one compiled call an epoch); each
    # restart must still see scikit-learn's batches, epoch after epoch, and
    # leave its RandomState where scikit-learn's fit leaves it
    X, y = binary
    params = dict(
        hidden_layer_sizes=(8,), solver="sgd", batch_size=32, max_iter=40, tol=0.0
    )
    ours = MLPClassifier(n_restarts=n_restarts, random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, y)
        seed = ours.restart_seeds_[ours.best_restart_]
        theirs = neural_network.MLPClassifier(random_state=seed, **params).fit(X, y)
    assert_same_model(ours, theirs, X)
    random_state = np.random.RandomState(0)
    MLPClassifier(random_state=random_state, **params).fit(X, y)
    reference = np.random.RandomState(0)
    neural_network.MLPClassifier(random_state=reference, **params).fit(X, y)
    assert_array_equal(random_state.get_state()[1], reference.get_state()[1])
    assert random_state.get_state()[2] == reference.get_state()[2]
