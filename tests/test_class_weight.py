"""class_weight: the weights of compute_sample_weight, multiplied with
sample_weight, in the plain fit and in every fold of a search."""

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_classification
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.utils.class_weight import compute_sample_weight

from skinit import MLPClassifier, MLPClassifierCV

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def imbalanced():
    return make_classification(200, n_features=5, weights=[0.85], random_state=0)


@pytest.mark.parametrize(
    "settings",
    [
        dict(solver="adam"),
        dict(solver="lbfgs"),
        dict(solver="sgd", early_stopping=True, validation_fraction=0.3),
        dict(n_restarts=3, restart_scoring="balanced_accuracy"),
    ],
    ids=["adam", "lbfgs", "sgd-early-stopping", "restart-scoring"],
)
@pytest.mark.parametrize("class_weight", ["balanced", {0: 0.5, 1: 4.0}])
def test_class_weight_is_compute_sample_weight_times_sample_weight(
    imbalanced, settings, class_weight
):
    X, y = imbalanced
    sample_weight = np.random.RandomState(0).uniform(0.5, 2, len(y))
    common = dict(hidden_layer_sizes=(8,), max_iter=20, random_state=0, **settings)
    weighted = MLPClassifier(class_weight=class_weight, **common)
    weighted.fit(X, y, sample_weight=sample_weight)
    expected = sample_weight * compute_sample_weight(class_weight, y)
    if "n_restarts" not in settings:
        # scikit-learn's MLP takes sample weights (>= 1.7): the same model
        sk = SkMLPClassifier(**common)
        try:
            sk.fit(X, y, sample_weight=expected)
        except TypeError:
            pass  # an older scikit-learn: the plain skinit fit below
        else:
            np.testing.assert_allclose(weighted.coefs_[0], sk.coefs_[0], rtol=1e-10)
    plain = MLPClassifier(**common).fit(X, y, sample_weight=expected)
    np.testing.assert_array_equal(weighted.coefs_[0], plain.coefs_[0])
    assert weighted.loss_ == plain.loss_
    unweighted = MLPClassifier(**common).fit(X, y, sample_weight=sample_weight)
    assert not np.array_equal(weighted.coefs_[0], unweighted.coefs_[0])


def test_balanced_on_three_classes_is_n_over_k_counts():
    X, y = load_iris(return_X_y=True)
    keep = np.r_[0:50, 50:70, 100:110]  # 50, 20 and 10 samples
    X, y = X[keep], y[keep]
    common = dict(hidden_layer_sizes=(5,), max_iter=10, random_state=0)
    balanced = MLPClassifier(class_weight="balanced", **common).fit(X, y)
    # n_samples / (n_classes * count), by hand
    by_hand = np.array([80 / (3 * 50), 80 / (3 * 20), 80 / (3 * 10)])[y]
    plain = MLPClassifier(**common).fit(X, y, sample_weight=by_hand)
    np.testing.assert_array_equal(balanced.coefs_[1], plain.coefs_[1])


@pytest.mark.parametrize(
    "settings",
    [
        dict(search="exhaustive"),
        dict(search="exhaustive", early_stopping=True, n_restarts=2),
        dict(search="halving", min_epochs=5),
    ],
    ids=["exhaustive", "early-stopping-restarts", "halving"],
)
def test_search_with_class_weight_is_grid_search(imbalanced, settings):
    # each fold's "balanced" weights are computed on its own training rows
    X, y = imbalanced
    grid = {"alpha": [1e-4, 1.0], "learning_rate_init": [1e-3, 1e-2]}
    cv = StratifiedKFold(3, shuffle=True, random_state=1)
    common = dict(hidden_layer_sizes=(6,), max_iter=15, random_state=0)
    search = MLPClassifierCV(
        param_grid=grid,
        cv=cv,
        scoring="balanced_accuracy",
        class_weight="balanced",
        **common,
        **settings,
    ).fit(X, y)
    plain = MLPClassifier(
        class_weight="balanced",
        **common,
        **{k: v for k, v in settings.items() if k not in ("search", "min_epochs")},
    )
    reference = GridSearchCV(plain, grid, cv=cv, scoring="balanced_accuracy").fit(X, y)
    results = search.cv_results_
    # halving: the survivors of the last round trained to the end, as the
    # exhaustive search's fits
    rounds = np.asarray(results.get("iter", np.zeros(len(results["params"]))))
    rows = np.flatnonzero(rounds == rounds.max())
    candidates = [
        list(reference.cv_results_["params"]).index(results["params"][r]) for r in rows
    ]
    for k in range(3):
        key = f"split{k}_test_score"
        np.testing.assert_array_equal(
            results[key][rows], reference.cv_results_[key][candidates]
        )
    if settings["search"] == "exhaustive":
        assert search.best_params_ == reference.best_params_
    best = MLPClassifier(**plain.get_params()).set_params(**search.best_params_)
    np.testing.assert_array_equal(
        search.predict_proba(X), best.fit(X, y).predict_proba(X)
    )
    unweighted = MLPClassifierCV(
        param_grid=grid, cv=cv, scoring="balanced_accuracy", **common, **settings
    ).fit(X, y)
    assert not np.array_equal(
        unweighted.cv_results_["mean_test_score"], search.cv_results_["mean_test_score"]
    )


def test_class_weight_refusals():
    X, y = load_iris(return_X_y=True)
    Y = np.column_stack([y == 0, y == 1])
    with pytest.raises(ValueError, match="class_weight is not supported for multil"):
        MLPClassifier(class_weight="balanced", max_iter=2).fit(X, Y)
    with pytest.raises(ValueError, match="'balanced' is not supported for partial"):
        MLPClassifier(class_weight="balanced").partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="class_weight"):
        MLPClassifier(class_weight="equal").fit(X, y)
    # a dict's weights in partial_fit, as in fit
    common = dict(hidden_layer_sizes=(4,), random_state=0)
    weights = {0: 1.0, 1: 2.0, 2: 3.0}
    partial = MLPClassifier(class_weight=weights, **common).partial_fit(
        X, y, classes=[0, 1, 2]
    )
    by_hand = MLPClassifier(**common).partial_fit(
        X, y, classes=[0, 1, 2], sample_weight=np.array([1.0, 2.0, 3.0])[y]
    )
    np.testing.assert_array_equal(partial.coefs_[0], by_hand.coefs_[0])


def test_class_weight_in_param_grid_is_grid_search(imbalanced):
    X, y = imbalanced
    grid = {"class_weight": [None, "balanced", {0: 1.0, 1: 3.0}], "alpha": [1e-4, 1.0]}
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    common = dict(
        hidden_layer_sizes=(6,), max_iter=30, learning_rate_init=0.01, random_state=0
    )
    search = MLPClassifierCV(
        param_grid=grid, cv=cv, scoring="balanced_accuracy", **common
    ).fit(X, y)
    reference = GridSearchCV(
        MLPClassifier(**common), grid, cv=cv, scoring="balanced_accuracy"
    ).fit(X, y)
    for k in range(3):
        key = f"split{k}_test_score"
        np.testing.assert_array_equal(
            search.cv_results_[key], reference.cv_results_[key]
        )
    assert search.best_params_ == reference.best_params_
    # the weights change the candidates' scores
    assert len(set(search.cv_results_["mean_test_score"])) > 2


def test_regressor_cannot_search_class_weight():
    from skinit import MLPRegressorCV

    X, y = load_iris(return_X_y=True)
    search = MLPRegressorCV(param_grid={"class_weight": [None]}, max_iter=2)
    with pytest.raises(ValueError, match="'class_weight' cannot vary.*'alpha'"):
        search.fit(X, y.astype(float))
