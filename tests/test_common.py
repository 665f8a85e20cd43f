# SPDX-License-Identifier: BSD-3-Clause
"""scikit-learn's estimator checks, run on every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skinit import MLPClassifier, MLPClassifierCV, MLPRegressor, MLPRegressorCV


@parametrize_with_checks(
    [
        MLPClassifier(max_iter=100),
        MLPRegressor(max_iter=100),
        MLPClassifierCV(max_iter=100),
        MLPRegressorCV(max_iter=100),
        MLPClassifier(max_iter=100, n_restarts=2, restart_ensemble=True),
        MLPRegressor(max_iter=100, n_restarts=2, restart_ensemble=True),
    ]
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
