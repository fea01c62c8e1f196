"""InfoMap on feature rows: the kNN graph comes from the C++ search (unsup.cluster.knn_graph)."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits
from sklearn.neighbors import kneighbors_graph

from unsup.graph import InfoMap


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
def test_native_knn_graph_is_scikit_learns(metric):
    # Digits' integer pixels tie many distances; a little noise makes the neighbours unique.
    X = load_digits().data[:600] + np.random.default_rng(0).uniform(0, 0.01, size=(600, 64))
    model = InfoMap(n_neighbors=10, metric=metric, directed=True, n_trials=1, random_state=0).fit(X)
    expected = kneighbors_graph(X, 10, metric=metric, include_self=False)
    assert abs(sp.csr_array(expected) - model.affinity_matrix_).sum() == 0


def test_digits_modules_follow_the_digits():
    from sklearn.metrics import adjusted_mutual_info_score

    # The bar: top-level AMI >= 0.845 (the official multilevel Infomap's) on a 10-NN cosine
    # graph, with the default 10 trials. With fewer trials the search sometimes ends on a tree
    # whose top level holds two nearly unlinked groups of digits (3 trials: 1 seed in 40); that
    # tree is a shorter code than the same tree without its top level, so it is no search error.
    X, y = load_digits(return_X_y=True)
    model = InfoMap(n_neighbors=10, metric="cosine", random_state=0).fit(X)
    assert adjusted_mutual_info_score(y, model.labels_) >= 0.845


def test_su_word_clustering_recipe():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(5, 16))
    X = np.repeat(centres, 60, axis=0) + 0.3 * rng.normal(size=(300, 16))
    model = InfoMap(n_neighbors=40, metric="cosine", min_similarity=0.5, link_weights="similarity",
                    directed=True, n_trials=2, random_state=0).fit(X)
    A = model.affinity_matrix_
    assert (np.diff(A.indptr) <= 40).all()
    assert A.data.min() >= 0.5 and A.data.max() <= 1.0 + 1e-12
    assert abs(A - A.T).sum() > 0          # directed: links are not mirrored
    assert model.n_modules_ == 5


def test_similarity_weights_drop_negative_cosines():
    X = np.random.default_rng(1).normal(size=(60, 3))
    model = InfoMap(n_neighbors=50, metric="cosine", link_weights="similarity", n_trials=1, random_state=0).fit(X)
    assert model.affinity_matrix_.data.min() >= 0


@pytest.mark.parametrize("params, match", [
    (dict(min_similarity=0.5), "cosine"),
    (dict(link_weights="similarity"), "cosine"),
    (dict(metric="cosine", link_weights="distance"), "link_weights"),
    (dict(metric="cosine", link_weights="similarity", min_similarity=-0.2), "min_similarity"),
])
def test_bad_parameters(params, match):
    X = np.random.default_rng(0).normal(size=(30, 4))
    with pytest.raises(ValueError, match=match):
        InfoMap(n_trials=1, **params).fit(X)


def test_other_metrics_and_sparse_rows_use_scikit_learn():
    X = np.random.default_rng(2).random((80, 5))
    manhattan = InfoMap(n_neighbors=5, metric="manhattan", directed=True, n_trials=1, random_state=0).fit(X)
    expected = kneighbors_graph(X, 5, metric="manhattan", include_self=False)
    assert abs(sp.csr_array(expected) - manhattan.affinity_matrix_).sum() == 0
    sparse = InfoMap(n_neighbors=5, directed=True, n_trials=1, random_state=0).fit(sp.csr_matrix(X))
    assert abs(sp.csr_array(kneighbors_graph(X, 5, include_self=False)) - sparse.affinity_matrix_).sum() == 0
