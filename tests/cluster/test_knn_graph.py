"""k-nearest-neighbour search and graphs (unsup.cluster.knn_search / knn_graph)."""

import numpy as np
import pytest
import scipy.sparse as sp

from unsup.cluster import knn_graph, knn_search


def brute_force(X, k, metric):
    """Indices and distances by float64 numpy, ties by smaller index (stable sort)."""
    X = np.asarray(X, dtype=np.float64)
    if metric == "cosine":
        X = X / np.linalg.norm(X, axis=1, keepdims=True)
        D = 1.0 - X @ X.T
    else:
        sq = (X * X).sum(1)
        D = np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2 * X @ X.T, 0))
    np.fill_diagonal(D, np.inf)
    idx = np.argsort(D, axis=1, kind="stable")[:, :k]
    return idx, np.take_along_axis(D, idx, axis=1)


def mixture(n, d, n_centres, seed, spread=0.15):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_centres, d))
    return centres[rng.integers(0, n_centres, n)] + spread * rng.normal(size=(n, d))


def recall(found, truth):
    return np.mean([len(np.intersect1d(a, b)) / len(b) for a, b in zip(found, truth)])


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_exact_matches_brute_force(metric, dtype):
    # 1500 rows span several candidate blocks and query groups.
    X = mixture(1500, 24, 10, 0, spread=0.5).astype(dtype)
    idx, dist = knn_search(X, 7, metric=metric, algorithm="exact")
    ref_idx, ref_dist = brute_force(X, 7, metric)
    assert idx.dtype == np.int64 and dist.dtype == dtype and idx.shape == (1500, 7)
    tol = 1e-4 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(dist, ref_dist, rtol=tol, atol=tol)
    # Same neighbours except at float near-ties of the k-th distance.
    assert recall(idx, ref_idx) > 0.999
    assert not (idx == np.arange(1500)[:, None]).any()


def test_exact_ties_go_to_the_smaller_index():
    # Points of a 1-d integer grid: equal distances are exact in float, so ties are real.
    X = np.repeat(np.arange(40, dtype=np.float64)[:, None], 2, axis=1)
    X = np.vstack([X, X[:5]])  # duplicates: distance 0
    idx, dist = knn_search(X, 4, algorithm="exact")
    ref_idx, ref_dist = brute_force(X, 4, "euclidean")
    np.testing.assert_array_equal(idx, ref_idx)
    np.testing.assert_allclose(dist, ref_dist, atol=1e-12)
    assert idx[0, 0] == 40 and dist[0, 0] == 0  # row 0's duplicate first
    # Row 10 (no duplicate): rows 9 and 11 tie; 9 first.
    assert list(idx[10, :2]) == [9, 11]


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
def test_ivf_recall_on_clustered_data(metric):
    X = mixture(30_000, 32, 50, 1, spread=0.3).astype(np.float32)
    idx, dist = knn_search(X, 10, metric=metric, algorithm="ivf", random_state=0, n_jobs=2)
    sub = np.random.default_rng(0).choice(30_000, 300, replace=False)
    Xs = np.asarray(X, dtype=np.float64)
    if metric == "cosine":
        Xs = Xs / np.linalg.norm(Xs, axis=1, keepdims=True)
        D = 1 - Xs[sub] @ Xs.T
    else:
        D = (Xs[sub] ** 2).sum(1)[:, None] + (Xs ** 2).sum(1)[None] - 2 * Xs[sub] @ Xs.T
    D[np.arange(300), sub] = np.inf
    truth = np.argsort(D, axis=1)[:, :10]
    assert recall(idx[sub], truth) >= 0.95
    assert not (idx == np.arange(30_000)[:, None]).any()
    assert (np.diff(dist, axis=1) >= 0).all()


@pytest.mark.parametrize("algorithm", ["exact", "ivf"])
def test_n_jobs_do_not_change_results(algorithm):
    X = mixture(6000, 16, 20, 2).astype(np.float32)
    one = knn_search(X, 5, algorithm=algorithm, n_lists=40, n_probe=3, random_state=3, n_jobs=1)
    two = knn_search(X, 5, algorithm=algorithm, n_lists=40, n_probe=3, random_state=3, n_jobs=2)
    np.testing.assert_array_equal(one[0], two[0])
    assert one[1].tobytes() == two[1].tobytes()


def test_ivf_with_all_lists_probed_is_exact():
    X = mixture(3000, 8, 5, 4, spread=1.0)
    exact = knn_search(X, 6, algorithm="exact")
    ivf = knn_search(X, 6, algorithm="ivf", n_lists=12, n_probe=12, random_state=0)
    np.testing.assert_array_equal(exact[0], ivf[0])
    np.testing.assert_allclose(exact[1], ivf[1], rtol=1e-12)


def test_ivf_small_lists_probe_more():
    # 200 lists of ~5 rows and one probe: too few candidates for k=10, so more lists are probed.
    X = mixture(1000, 4, 3, 5, spread=1.0)
    idx, _ = knn_search(X, 10, algorithm="ivf", n_lists=200, n_probe=1, random_state=0)
    assert (idx >= 0).all() and (idx < 1000).all()
    assert all(len(set(row)) == 10 for row in idx)


def test_graph_modes_and_min_similarity():
    X = mixture(2000, 12, 8, 6, spread=0.8)
    A = knn_graph(X, 8, metric="cosine", mode="similarity", algorithm="exact")
    assert sp.issparse(A) and A.format == "csr" and A.shape == (2000, 2000)
    assert (np.diff(A.indptr) == 8).all()
    idx, dist = knn_search(X, 8, metric="cosine", algorithm="exact")
    np.testing.assert_array_equal(A.indices.reshape(2000, 8), idx)
    np.testing.assert_allclose(A.data.reshape(2000, 8), 1 - dist)
    threshold = float(np.median(1 - dist))
    cut = knn_graph(X, 8, metric="cosine", mode="similarity", min_similarity=threshold, algorithm="exact")
    keep = (1 - dist) >= threshold
    assert 0 < cut.nnz == keep.sum() < A.nnz
    assert (cut.data >= threshold).all()
    np.testing.assert_array_equal(np.diff(cut.indptr), keep.sum(1))
    conn = knn_graph(X, 3, mode="connectivity", algorithm="exact")
    assert (conn.data == 1).all() and conn.nnz == 6000
    dist_graph = knn_graph(X.astype(np.float32), 3, algorithm="exact")
    assert dist_graph.dtype == np.float32


@pytest.mark.parametrize("X, kwargs, match", [
    (np.array([[0.0, np.nan], [1.0, 2.0], [3.0, 4.0]]), {}, "NaN"),
    (np.array([[0.0, np.inf], [1.0, 2.0], [3.0, 4.0]]), {}, "NaN or infinity"),
    (np.zeros((0, 3)), {}, "at least 2 rows"),
    (np.zeros((1, 3)), {}, "at least 2 rows"),
    (np.zeros((5, 0)), {}, "at least one feature"),
    (np.zeros(5), {}, "2-d"),
    (np.eye(4), {"n_neighbors": 4}, "n_neighbors"),
    (np.eye(4), {"n_neighbors": 0}, "n_neighbors"),
    (np.vstack([np.eye(3), np.zeros(3)]), {"metric": "cosine"}, "zero norm"),
    (np.eye(4), {"metric": "manhattan"}, "metric"),
    (np.eye(4), {"algorithm": "hnsw"}, "algorithm"),
    (np.eye(4), {"mode": "weights"}, "mode"),
    (np.eye(4), {"min_similarity": 0.5}, "min_similarity"),
    (np.eye(4), {"metric": "cosine", "min_similarity": 2.0}, "min_similarity"),
    (np.eye(4), {"mode": "similarity"}, "similarity"),
    (np.eye(4), {"algorithm": "ivf", "n_lists": 0}, "n_lists"),
    (np.eye(4), {"algorithm": "ivf", "n_probe": 0}, "n_probe"),
    (np.eye(4), {"n_jobs": 0}, "n_jobs"),
    (sp.eye(4, format="csr"), {}, "sparse"),
    (np.array([["a", "b"], ["c", "d"]]), {}, "real numbers"),
])
def test_bad_input(X, kwargs, match):
    with pytest.raises(ValueError, match=match):
        knn_graph(X, **kwargs) if "n_neighbors" in kwargs else knn_graph(X, 2, **kwargs)


def test_core_rejects_bad_arguments():
    from unsup import _core
    X = np.eye(5, dtype=np.float32)
    with pytest.raises(ValueError, match="n_neighbors"):
        _core.cluster.knn_exact(X, 5, "euclidean", 1)
    with pytest.raises(ValueError, match="n_probe"):
        _core.cluster.knn_ivf(X, 2, "euclidean", X[:2].copy(), 3, 1)
    with pytest.raises(ValueError, match="dtype"):
        _core.cluster.knn_ivf(X, 2, "euclidean", X[:2].astype(np.float64), 1, 1)
    with pytest.raises(ValueError, match="metric"):
        _core.cluster.knn_exact(X, 2, "l1", 1)
