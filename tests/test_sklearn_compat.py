"""scikit-learn's estimator checks over every numeric estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from unsup.decomposition import SVDAutoencoder
from unsup.graph import InfoMap


@parametrize_with_checks([InfoMap(n_trials=2), SVDAutoencoder(n_components=1, random_state=0),
                          SVDAutoencoder(n_components=1, algorithm="minibatch")])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
