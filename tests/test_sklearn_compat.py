"""scikit-learn's estimator checks over every numeric estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from unsup.graph import InfoMap


@parametrize_with_checks([InfoMap(n_trials=2)])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
