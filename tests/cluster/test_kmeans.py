"""KMeans against float64 numpy references (Lloyd, sequential K-means), its inits, weights,
sparse input, thread independence, the kernel's tile/panel boundaries and degenerate data."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import adjusted_rand_score

from kmeans_reference import relocate_empty

from unsup import _core
from unsup.cluster import KMeans

# ---------------------------------------------------------------------------------------------- references


def sq_distances(X, C):
    """float64 n × k squared Euclidean distances."""
    X = np.asarray(X, dtype=np.float64)
    C = np.asarray(C, dtype=np.float64)
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)


def ref_assign(X, C):
    """Nearest centre (np.argmin: ties to the lowest index) and its squared distance."""
    d2 = sq_distances(X, C)
    labels = np.argmin(d2, axis=1)
    return labels, d2[np.arange(d2.shape[0]), labels]


def ref_lloyd(X, init, n_iter, weights=None, dtype=np.float64):
    """Lloyd in float64 numpy: assign (ties to the lowest index), weighted means; an empty cluster
    takes the row farthest from its centre whose cluster keeps some mass (what the library
    documents), a cluster without mass keeps its centre. Centres are stored in X's dtype between
    iterations, as the library does. Returns (centres, labels at them, inertia at them)."""
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    C = np.asarray(init, dtype=dtype).astype(np.float64)
    k = C.shape[0]
    for _ in range(n_iter):
        labels, dist = ref_assign(X, C)
        mass = np.bincount(labels, weights=w, minlength=k)
        sums = np.zeros_like(C)
        np.add.at(sums, labels, w[:, None] * X)
        relocate_empty(labels=labels, rows=X, dist=dist, sums=sums, mass=mass, w=w)
        new = np.where(mass[:, None] > 0, sums / np.where(mass > 0, mass, 1)[:, None], C)
        C = new.astype(dtype).astype(np.float64)
    labels, dist = ref_assign(X, C)
    return C, labels, float(np.dot(w, dist))


def ref_sequential(chunks, init, dtype=np.float64):
    """Sequential K-means at chunk granularity: each chunk assigned to the current centres, its
    sums and counts added to running float64 totals, centres = running means (a cluster never hit
    keeps its centre)."""
    C = np.asarray(init, dtype=dtype).astype(np.float64)
    k, d = C.shape
    S = np.zeros((k, d))
    M = np.zeros(k)
    for chunk in chunks:
        chunk = np.asarray(chunk, dtype=np.float64)
        labels, _ = ref_assign(chunk, C)
        np.add.at(S, labels, chunk)
        M += np.bincount(labels, minlength=k)
        C = np.where(M[:, None] > 0, S / np.where(M > 0, M, 1)[:, None], C).astype(dtype).astype(np.float64)
    return C


def assert_centres_close(actual, expected, dtype):
    """Relative to the scale of the centres: 1e-5 for float32, 1e-10 for float64."""
    rtol = 1e-5 if dtype == np.float32 else 1e-10
    expected = np.asarray(expected, dtype=np.float64)
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), expected, rtol=rtol, atol=rtol * scale)


def assert_distances_close(actual, expected, X, dtype):
    """Euclidean distances computed as sqrt(‖x‖² − 2<x, c> + ‖c‖²) lose about sqrt(eps)·‖x‖
    near zero: the absolute tolerance is that, the relative one 1e-5 (float32) / 1e-9."""
    eps = np.finfo(dtype).eps
    scale = float(np.max(np.sum(np.asarray(X, dtype=np.float64) ** 2, axis=1)))
    np.testing.assert_allclose(actual, expected, rtol=1e-5 if dtype == np.float32 else 1e-9,
                               atol=np.sqrt(64 * eps * scale))


def blobs(n, d, k, seed=0, spread=1.0, scale=4.0, dtype=np.float64):
    """Overlapping Gaussian blobs (so that Lloyd takes several iterations) and the truth."""
    rng = np.random.default_rng(seed)
    centres = scale * rng.standard_normal((k, d))
    truth = rng.integers(0, k, size=n)
    X = centres[truth] + spread * rng.standard_normal((n, d))
    return X.astype(dtype), truth


def separated_blobs(n=300, d=5, k=4, seed=0, dtype=np.float64):
    """Well-separated blobs: the planted labels are the only sensible answer."""
    rng = np.random.default_rng(seed)
    centres = 20.0 * np.eye(k, d) + rng.standard_normal((k, d))
    truth = np.repeat(np.arange(k), n // k)
    rng.shuffle(truth)
    X = centres[truth] + 0.3 * rng.standard_normal((truth.size, d))
    return X.astype(dtype), truth


def first_rows_init(X, k, seed=1):
    """k distinct rows of X (each is then nearest its own centre: no empty cluster at the start)."""
    rng = np.random.default_rng(seed)
    return X[np.sort(rng.choice(X.shape[0], size=k, replace=False))].copy()


# ---------------------------------------------------------------------------------------------- Lloyd


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("max_iter", [1, 3, 8])
def test_lloyd_matches_numpy_reference(dtype, max_iter):
    X, _ = blobs(600, 6, 5, seed=3, dtype=dtype)
    init = first_rows_init(X, 5)
    km = KMeans(5, init=init, max_iter=max_iter, tol=0).fit(X)
    C, labels, inertia = ref_lloyd(X, init, max_iter, dtype=dtype)
    assert km.cluster_centers_.dtype == dtype
    assert_centres_close(km.cluster_centers_, C, dtype)
    np.testing.assert_array_equal(km.labels_, labels)
    assert km.n_iter_ <= max_iter
    # the inertia is the sum of squared distances at the final centres
    _, own = ref_assign(X, km.cluster_centers_)
    np.testing.assert_allclose(km.inertia_, own.sum(), rtol=1e-4 if dtype == np.float32 else 1e-10)
    np.testing.assert_allclose(km.inertia_, inertia, rtol=1e-4 if dtype == np.float32 else 1e-9)


def test_lloyd_runs_to_convergence_like_the_reference():
    X, _ = blobs(500, 4, 6, seed=7)
    init = first_rows_init(X, 6, seed=2)
    km = KMeans(6, init=init, max_iter=300, tol=0).fit(X)
    C, labels, inertia = ref_lloyd(X, init, 300)
    assert km.n_iter_ < 300  # stopped because no label changed
    assert_centres_close(km.cluster_centers_, C, np.float64)
    np.testing.assert_array_equal(km.labels_, labels)
    np.testing.assert_allclose(km.inertia_, inertia, rtol=1e-10)
    # at convergence every centre is the mean of its members
    for j in range(6):
        np.testing.assert_allclose(km.cluster_centers_[j], X[km.labels_ == j].mean(axis=0), rtol=1e-10, atol=1e-12)


def test_empty_cluster_moves_onto_the_farthest_row():
    # Centre 2 is far from every row, so it gets no member in the first pass: it is moved onto the
    # row farthest from its centre (the outlier at 10), which leaves cluster 0.
    X = np.array([[0.0], [0.1], [0.2], [10.0], [5.0], [5.1]])
    init = np.array([[0.0], [5.0], [100.0]])
    km = KMeans(3, init=init, max_iter=1, tol=0).fit(X)
    # pass 1: labels 0,0,0,1,1,1 (10 is nearer 5 than 100); cluster 2 empty; the farthest row is
    # row 3 (10.0, distance 25 from centre 1)
    np.testing.assert_allclose(km.cluster_centers_.ravel(), [0.1, 5.05, 10.0], rtol=1e-12)
    C, _, _ = ref_lloyd(X, init, 1)
    assert_centres_close(km.cluster_centers_, C, np.float64)
    np.testing.assert_array_equal(km.labels_, [0, 0, 0, 2, 1, 1])
    for max_iter in (2, 5):
        km = KMeans(3, init=init, max_iter=max_iter, tol=0).fit(X)
        C, labels, _ = ref_lloyd(X, init, max_iter)
        assert_centres_close(km.cluster_centers_, C, np.float64)
        np.testing.assert_array_equal(km.labels_, labels)


def test_empty_clusters_on_random_data_match_the_reference():
    # init centres far away from the data: several clusters are empty in the first pass
    X, _ = blobs(200, 3, 4, seed=11)
    init = np.vstack([X[:2], 100.0 + np.arange(9.0).reshape(3, 3)])
    for max_iter in (1, 2, 6):
        km = KMeans(5, init=init, max_iter=max_iter, tol=0).fit(X)
        C, labels, inertia = ref_lloyd(X, init, max_iter)
        assert_centres_close(km.cluster_centers_, C, np.float64)
        np.testing.assert_array_equal(km.labels_, labels)
        np.testing.assert_allclose(km.inertia_, inertia, rtol=1e-10)
    assert len(np.unique(km.labels_)) == 5


def test_ties_go_to_the_lowest_index():
    X = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 0.0], [1.0, 5.0]])
    C = np.array([[0.0, 0.0], [2.0, 0.0]])
    km = KMeans(2, init=C, max_iter=1).fit(X[:2])
    km.cluster_centers_ = C.copy()
    np.testing.assert_array_equal(km.predict(X), [0, 1, 0, 0])
    # the same with the centres swapped: still the lowest index
    km.cluster_centers_ = C[::-1].copy()
    np.testing.assert_array_equal(km.predict(X), [1, 0, 0, 0])


# ---------------------------------------------------------------------------------------------- dtypes


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype):
    X, _ = blobs(200, 4, 3, dtype=dtype)
    km = KMeans(3, random_state=0).fit(X)
    assert km.cluster_centers_.dtype == dtype
    assert km.transform(X).dtype == dtype
    assert km.fit_transform(X).dtype == dtype
    assert km.transform(sp.csr_matrix(X)).dtype == dtype
    assert isinstance(km.inertia_, float)
    assert km.labels_.shape == (200,)
    # other dtypes in predict/transform are converted to the fitted one
    other = X.astype(np.float64 if dtype == np.float32 else np.float32)
    assert km.transform(other).dtype == dtype
    np.testing.assert_array_equal(km.predict(X), km.labels_)


def test_integer_input_is_converted_to_float64():
    X = np.array([[0, 0], [0, 1], [10, 10], [10, 11]])
    km = KMeans(2, random_state=0).fit(X)
    assert km.cluster_centers_.dtype == np.float64
    assert sorted(np.bincount(km.labels_).tolist()) == [2, 2]


# ---------------------------------------------------------------------------------------------- sparse


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_equals_dense(dtype):
    rng = np.random.default_rng(0)
    X, _ = blobs(400, 12, 4, seed=5, dtype=dtype)
    X[rng.random(X.shape) < 0.6] = 0  # a genuinely sparse matrix
    init = first_rows_init(X, 4)
    dense = KMeans(4, init=init, max_iter=10, tol=0).fit(X)
    sparse = KMeans(4, init=init, max_iter=10, tol=0).fit(sp.csr_matrix(X))
    np.testing.assert_array_equal(sparse.labels_, dense.labels_)
    assert_centres_close(sparse.cluster_centers_, dense.cluster_centers_, dtype)
    np.testing.assert_allclose(sparse.inertia_, dense.inertia_, rtol=1e-5 if dtype == np.float32 else 1e-10)
    assert sparse.cluster_centers_.dtype == dtype
    C, labels, _ = ref_lloyd(X, init, 10, dtype=dtype)
    np.testing.assert_array_equal(sparse.labels_, labels)
    assert_centres_close(sparse.cluster_centers_, C, dtype)
    # predict/transform/score on sparse rows
    np.testing.assert_array_equal(dense.predict(sp.csr_matrix(X)), dense.predict(X))
    np.testing.assert_allclose(dense.transform(sp.csr_matrix(X)), dense.transform(X),
                               rtol=1e-4 if dtype == np.float32 else 1e-10, atol=1e-3 if dtype == np.float32 else 1e-6)
    np.testing.assert_allclose(dense.score(sp.csr_matrix(X)), dense.score(X),
                               rtol=1e-5 if dtype == np.float32 else 1e-10)


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_sparse_formats_are_accepted(fmt):
    X, _ = blobs(150, 5, 3, seed=2)
    X[X < 0] = 0
    init = first_rows_init(X, 3)
    dense = KMeans(3, init=init, max_iter=5, tol=0).fit(X)
    other = KMeans(3, init=init, max_iter=5, tol=0).fit(sp.csr_matrix(X).asformat(fmt))
    np.testing.assert_array_equal(other.labels_, dense.labels_)
    assert_centres_close(other.cluster_centers_, dense.cluster_centers_, np.float64)
    np.testing.assert_array_equal(dense.predict(sp.csr_matrix(X).asformat(fmt)), dense.labels_)


def test_sparse_with_unsorted_indices_and_explicit_zeros():
    X, _ = blobs(100, 6, 3, seed=4)
    X[X < 0.5] = 0
    A = sp.csr_matrix(X)
    # reverse the column order inside every row and store explicit zeros
    rows = []
    for r in range(A.shape[0]):
        s, e = A.indptr[r], A.indptr[r + 1]
        rows.append((A.indices[s:e][::-1], A.data[s:e][::-1]))
    indices = np.concatenate([np.r_[ind, 0] for ind, _ in rows]).astype(np.int32)
    data = np.concatenate([np.r_[dat, 0.0] for _, dat in rows])
    indptr = np.r_[0, np.cumsum([len(ind) + 1 for ind, _ in rows])]
    B = sp.csr_matrix((data, indices, indptr), shape=A.shape)
    B.has_sorted_indices = False
    np.testing.assert_array_equal(B.toarray(), X)
    init = first_rows_init(X, 3)
    dense = KMeans(3, init=init, max_iter=5, tol=0).fit(X)
    odd = KMeans(3, init=init, max_iter=5, tol=0).fit(B)
    np.testing.assert_array_equal(odd.labels_, dense.labels_)
    assert_centres_close(odd.cluster_centers_, dense.cluster_centers_, np.float64)


# ---------------------------------------------------------------------------------------------- threads and seeds


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("init", ["k-means||", "k-means++"])
def test_threads_give_bitwise_identical_results(dtype, init):
    # 30_000 × 8: 8160 float32 rows (4080 float64 rows) per chunk, so 4 (8) chunks are reduced
    X, _ = blobs(30_000, 8, 6, seed=9, dtype=dtype)
    runs = [KMeans(6, init=init, max_iter=15, random_state=0, n_jobs=j).fit(X) for j in (1, 2)]
    np.testing.assert_array_equal(runs[0].cluster_centers_, runs[1].cluster_centers_)
    np.testing.assert_array_equal(runs[0].labels_, runs[1].labels_)
    assert runs[0].inertia_ == runs[1].inertia_
    assert runs[0].n_iter_ == runs[1].n_iter_
    np.testing.assert_array_equal(runs[0].transform(X[:500]), runs[1].transform(X[:500]))


def test_threads_give_bitwise_identical_results_sparse_and_weighted():
    X, _ = blobs(30_000, 8, 5, seed=10, dtype=np.float32)
    X[X < 0] = 0
    A = sp.csr_matrix(X)
    w = np.random.default_rng(0).random(X.shape[0]) + 0.5
    runs = [KMeans(5, max_iter=10, random_state=3, n_jobs=j).fit(A, sample_weight=w) for j in (1, 2)]
    np.testing.assert_array_equal(runs[0].cluster_centers_, runs[1].cluster_centers_)
    np.testing.assert_array_equal(runs[0].labels_, runs[1].labels_)
    assert runs[0].inertia_ == runs[1].inertia_


def test_same_seed_same_result_and_seeds_matter():
    X, _ = blobs(500, 4, 8, seed=1)
    for init in ("k-means||", "k-means++", "random"):
        a = KMeans(8, init=init, random_state=5, max_iter=2).fit(X)
        b = KMeans(8, init=init, random_state=5, max_iter=2).fit(X)
        np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
        np.testing.assert_array_equal(a.labels_, b.labels_)
        assert a.inertia_ == b.inertia_
        others = [KMeans(8, init=init, random_state=s, max_iter=2).fit(X).cluster_centers_ for s in (6, 7, 8)]
        assert any(not np.array_equal(o, a.cluster_centers_) for o in others), init


def test_random_state_accepts_generators_and_random_states():
    X, _ = blobs(200, 3, 3, seed=1)
    KMeans(3, random_state=np.random.RandomState(0)).fit(X)
    KMeans(3, random_state=np.random.default_rng(0)).fit(X)
    KMeans(3, random_state=None).fit(X)


# ---------------------------------------------------------------------------------------------- inits


@pytest.mark.parametrize("init", ["k-means||", "k-means++"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_seedings_find_planted_clusters(init, dtype):
    X, truth = separated_blobs(400, 6, 5, seed=2, dtype=dtype)
    for seed in range(3):
        km = KMeans(5, init=init, random_state=seed).fit(X)
        assert adjusted_rand_score(truth, km.labels_) == 1.0
        assert km.cluster_centers_.dtype == dtype


@pytest.mark.parametrize("init", ["k-means||", "k-means++", "random"])
def test_seeding_centres_are_data_rows_or_close(init):
    # max_iter=1 from the seeding: a valid, finite clustering, no empty cluster on distinct rows
    X, _ = blobs(300, 4, 5, seed=3)
    km = KMeans(5, init=init, random_state=0, max_iter=1).fit(X)
    assert np.all(np.isfinite(km.cluster_centers_))
    assert km.cluster_centers_.shape == (5, 4)
    assert set(np.unique(km.labels_)) <= set(range(5))


def test_kmeans_parallel_on_a_sample():
    # init_size smaller than n: k-means|| seeds on a sample and still finds the blobs
    X, truth = separated_blobs(800, 4, 4, seed=6)
    km = KMeans(4, init="k-means||", init_size=100, random_state=0).fit(X)
    assert adjusted_rand_score(truth, km.labels_) == 1.0
    km = KMeans(4, init="k-means||", init_rounds=0, random_state=0).fit(X)  # only the first centre + extras
    assert np.all(np.isfinite(km.cluster_centers_))


def test_array_init_is_used_as_given():
    X, _ = blobs(200, 3, 4, seed=8)
    init = first_rows_init(X, 4)
    km = KMeans(4, init=init, max_iter=1, tol=0).fit(X)
    C, _, _ = ref_lloyd(X, init, 1)
    assert_centres_close(km.cluster_centers_, C, np.float64)
    # n_init is ignored for an array init (all runs would be the same)
    km3 = KMeans(4, init=init, max_iter=1, tol=0, n_init=3).fit(X)
    np.testing.assert_array_equal(km3.cluster_centers_, km.cluster_centers_)
    # the init array is not modified, float32 init works for float64 X and vice versa
    before = init.copy()
    KMeans(4, init=init.astype(np.float32), max_iter=3).fit(X)
    KMeans(4, init=init, max_iter=3).fit(X.astype(np.float32))
    np.testing.assert_array_equal(init, before)


def test_n_init_keeps_the_best_run():
    X, _ = blobs(300, 3, 6, seed=12, spread=1.5)
    single = [KMeans(6, init="random", n_init=1, random_state=s).fit(X).inertia_ for s in range(4)]
    best = KMeans(6, init="random", n_init=6, random_state=0).fit(X)
    assert best.inertia_ <= single[0] + 1e-9
    _, own = ref_assign(X, best.cluster_centers_)
    np.testing.assert_allclose(best.inertia_, own.sum(), rtol=1e-10)


@pytest.mark.parametrize("init", ["kmeans++", "K-means||", "", "auto"])
def test_bad_init_string(init):
    X, _ = blobs(50, 3, 2)
    with pytest.raises(ValueError, match="init"):
        KMeans(2, init=init).fit(X)


def test_bad_init_arrays():
    X, _ = blobs(50, 3, 2)
    with pytest.raises(ValueError, match="init"):
        KMeans(2, init=np.zeros((3, 3))).fit(X)
    with pytest.raises(ValueError, match="init"):
        KMeans(2, init=np.zeros((2, 4))).fit(X)
    with pytest.raises(ValueError, match="init"):
        KMeans(2, init=np.zeros(6)).fit(X)
    bad = np.zeros((2, 3))
    bad[1, 2] = np.nan
    with pytest.raises(ValueError, match="init"):
        KMeans(2, init=bad).fit(X)
    bad[1, 2] = np.inf
    with pytest.raises(ValueError, match="init"):
        KMeans(2, init=bad).fit(X)


# ---------------------------------------------------------------------------------------------- sample weights


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_integer_weights_equal_repeated_rows(dtype):
    X, _ = blobs(200, 4, 4, seed=13, dtype=dtype)
    w = np.random.default_rng(1).integers(1, 4, size=200)
    init = first_rows_init(X, 4)
    weighted = KMeans(4, init=init, max_iter=10, tol=0).fit(X, sample_weight=w)
    repeated = KMeans(4, init=init, max_iter=10, tol=0).fit(np.repeat(X, w, axis=0))
    assert_centres_close(weighted.cluster_centers_, repeated.cluster_centers_, dtype)
    np.testing.assert_array_equal(np.repeat(weighted.labels_, w), repeated.labels_)
    np.testing.assert_allclose(weighted.inertia_, repeated.inertia_, rtol=1e-5 if dtype == np.float32 else 1e-10)
    C, labels, inertia = ref_lloyd(X, init, 10, weights=w, dtype=dtype)
    assert_centres_close(weighted.cluster_centers_, C, dtype)
    np.testing.assert_array_equal(weighted.labels_, labels)
    # sparse and weighted
    sparse = KMeans(4, init=init, max_iter=10, tol=0).fit(sp.csr_matrix(X), sample_weight=w)
    assert_centres_close(sparse.cluster_centers_, weighted.cluster_centers_, dtype)
    # score with weights
    np.testing.assert_allclose(weighted.score(X, sample_weight=w), -weighted.inertia_,
                               rtol=1e-6 if dtype == np.float32 else 1e-12)


def test_zero_weights_remove_rows():
    X, _ = blobs(200, 3, 3, seed=14)
    w = np.ones(200)
    w[::3] = 0
    init = first_rows_init(X[w > 0], 3)
    weighted = KMeans(3, init=init, max_iter=10, tol=0).fit(X, sample_weight=w)
    dropped = KMeans(3, init=init, max_iter=10, tol=0).fit(X[w > 0])
    assert_centres_close(weighted.cluster_centers_, dropped.cluster_centers_, np.float64)
    np.testing.assert_allclose(weighted.inertia_, dropped.inertia_, rtol=1e-10)
    np.testing.assert_array_equal(weighted.labels_[w > 0], dropped.labels_)
    assert weighted.labels_.shape == (200,)  # zero-weight rows still get a label


def test_zero_weight_rows_are_not_used_to_fill_empty_clusters():
    # the zero-weight outlier at 10 is the farthest row; dropping it, the empty cluster takes 0.2
    X = np.array([[0.0], [0.1], [0.2], [10.0], [5.0], [5.1]])
    w = np.array([1.0, 1.0, 1.0, 0.0, 1.0, 1.0])
    init = np.array([[0.0], [5.0], [100.0]])
    for max_iter in (1, 5):
        weighted = KMeans(3, init=init, max_iter=max_iter, tol=0).fit(X, sample_weight=w)
        dropped = KMeans(3, init=init, max_iter=max_iter, tol=0).fit(X[w > 0])
        np.testing.assert_allclose(weighted.cluster_centers_, dropped.cluster_centers_, rtol=1e-12)


def test_uniform_weight_does_not_change_the_centres():
    X, _ = blobs(200, 3, 3, seed=15)
    init = first_rows_init(X, 3)
    plain = KMeans(3, init=init, max_iter=10, tol=0).fit(X)
    scaled = KMeans(3, init=init, max_iter=10, tol=0).fit(X, sample_weight=np.full(200, 2.5))
    scalar = KMeans(3, init=init, max_iter=10, tol=0).fit(X, sample_weight=2.5)
    assert_centres_close(scaled.cluster_centers_, plain.cluster_centers_, np.float64)
    np.testing.assert_array_equal(scalar.cluster_centers_, scaled.cluster_centers_)
    np.testing.assert_allclose(scaled.inertia_, 2.5 * plain.inertia_, rtol=1e-10)


@pytest.mark.parametrize("bad", [-1.0, np.nan, np.inf])
def test_bad_weights(bad):
    X, _ = blobs(50, 3, 2)
    w = np.ones(50)
    w[7] = bad
    with pytest.raises(ValueError, match="sample_weight"):
        KMeans(2, random_state=0).fit(X, sample_weight=w)
    with pytest.raises(ValueError, match="sample_weight"):
        KMeans(2, random_state=0).partial_fit(X, sample_weight=w)


def test_bad_weight_shapes_and_all_zero():
    X, _ = blobs(50, 3, 2)
    with pytest.raises(ValueError, match="sample_weight"):
        KMeans(2, random_state=0).fit(X, sample_weight=np.ones(49))
    with pytest.raises(ValueError, match="sample_weight"):
        KMeans(2, random_state=0).fit(X, sample_weight=np.ones((50, 1)))
    with pytest.raises(ValueError, match="sample_weight"):
        KMeans(2, random_state=0).fit(X, sample_weight=np.zeros(50))



@pytest.mark.parametrize("bad", [-1.0, 0.0, np.nan])
def test_bad_scalar_weight(bad):
    X, _ = blobs(50, 3, 2)
    with pytest.raises(ValueError, match="sample_weight"):
        KMeans(2, random_state=0).fit(X, sample_weight=bad)


@pytest.mark.parametrize("init", ["k-means||", "k-means++", "random"])
def test_weighted_seedings_are_valid(init):
    X, truth = separated_blobs(400, 4, 4, seed=16)
    w = np.random.default_rng(2).random(X.shape[0]) + 0.1
    km = KMeans(4, init=init, random_state=0, n_init=3).fit(X, sample_weight=w)
    assert np.all(np.isfinite(km.cluster_centers_))
    if init != "random":
        assert adjusted_rand_score(truth, km.labels_) == 1.0


# ---------------------------------------------------------------------------------------------- partial_fit


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sparse", [False, True])
def test_one_partial_fit_is_one_lloyd_iteration(dtype, sparse):
    X, _ = blobs(300, 5, 4, seed=17, dtype=dtype)
    init = first_rows_init(X, 4)
    data = sp.csr_matrix(X) if sparse else X
    fitted = KMeans(4, init=init, max_iter=1, tol=0).fit(data)
    partial = KMeans(4, init=init).partial_fit(data)
    np.testing.assert_array_equal(partial.cluster_centers_, fitted.cluster_centers_)
    np.testing.assert_array_equal(partial.labels_, fitted.labels_)
    assert partial.inertia_ == fitted.inertia_
    assert partial.n_iter_ == 1
    assert partial.cluster_centers_.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_partial_fit_over_chunks_is_sequential_kmeans(dtype):
    X, _ = blobs(900, 4, 5, seed=18, dtype=dtype)
    init = first_rows_init(X[:100], 5)
    chunks = np.array_split(X, [100, 250, 260, 600])
    km = KMeans(5, init=init)
    for i, chunk in enumerate(chunks):
        km.partial_fit(chunk)
        C = ref_sequential(chunks[:i + 1], init, dtype=dtype)
        assert_centres_close(km.cluster_centers_, C, dtype)
    assert km.n_iter_ == len(chunks)
    labels, dist = ref_assign(chunks[-1], km.cluster_centers_)
    np.testing.assert_array_equal(km.labels_, labels)  # labels of the last chunk at the new centres
    np.testing.assert_allclose(km.inertia_, dist.sum(), rtol=1e-4 if dtype == np.float32 else 1e-10)
    # sparse chunks: the same
    sparse = KMeans(5, init=init)
    for chunk in chunks:
        sparse.partial_fit(sp.csr_matrix(chunk))
    assert_centres_close(sparse.cluster_centers_, km.cluster_centers_, dtype)


def test_partial_fit_seeds_on_the_first_chunk():
    X, truth = separated_blobs(400, 4, 4, seed=19)
    km = KMeans(4, random_state=0)
    for chunk in np.array_split(X, 4):
        km.partial_fit(chunk)
    assert km.cluster_centers_.shape == (4, 4)
    assert adjusted_rand_score(truth, km.predict(X)) == 1.0
    # same seed, same stream: same centres
    again = KMeans(4, random_state=0)
    for chunk in np.array_split(X, 4):
        again.partial_fit(chunk)
    np.testing.assert_array_equal(again.cluster_centers_, km.cluster_centers_)


def test_partial_fit_checks():
    X, _ = blobs(100, 4, 3, seed=20)
    km = KMeans(3, random_state=0).partial_fit(X[:50])
    with pytest.raises(ValueError, match="features"):
        km.partial_fit(X[:, :3])
    with pytest.raises(ValueError, match="n_clusters"):
        KMeans(5, random_state=0).partial_fit(X[:3])
    # float64 chunks after a float32 start are converted: the centres stay float32
    km32 = KMeans(3, random_state=0).partial_fit(X[:50].astype(np.float32))
    km32.partial_fit(X[50:])
    assert km32.cluster_centers_.dtype == np.float32


def test_partial_fit_with_weights_is_sequential_kmeans():
    X, _ = blobs(400, 3, 3, seed=21)
    w = np.random.default_rng(3).integers(1, 4, size=400)
    init = first_rows_init(X[:100], 3)
    km = KMeans(3, init=init)
    rep = KMeans(3, init=init)
    for part in np.array_split(np.arange(400), 4):
        km.partial_fit(X[part], sample_weight=w[part])
        rep.partial_fit(np.repeat(X[part], w[part], axis=0))
    assert_centres_close(km.cluster_centers_, rep.cluster_centers_, np.float64)


# ---------------------------------------------------------------------------------------------- predict & co


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_predict_transform_score_are_consistent(dtype):
    X, _ = blobs(300, 5, 4, seed=22, dtype=dtype)
    Y, _ = blobs(120, 5, 4, seed=23, dtype=dtype)
    km = KMeans(4, random_state=0).fit(X)
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    labels, dist = ref_assign(Y, km.cluster_centers_)
    np.testing.assert_array_equal(km.predict(Y), labels)
    T = km.transform(Y)
    assert T.shape == (120, 4)
    assert_distances_close(T, np.sqrt(sq_distances(Y, km.cluster_centers_)), Y, dtype)
    np.testing.assert_array_equal(np.argmin(T, axis=1), km.predict(Y))
    np.testing.assert_allclose(km.score(Y), -dist.sum(), rtol=1e-4 if dtype == np.float32 else 1e-10)
    assert km.score(X) == -km.inertia_
    # fit_predict and fit_transform are fit + labels_ / transform
    np.testing.assert_array_equal(KMeans(4, random_state=0).fit_predict(X), km.labels_)
    np.testing.assert_array_equal(KMeans(4, random_state=0).fit_transform(X), km.transform(X))
    np.testing.assert_array_equal(km.get_feature_names_out(), [f"kmeans{j}" for j in range(4)])


def test_unfitted_and_wrong_width():
    from sklearn.exceptions import NotFittedError

    X, _ = blobs(50, 3, 2)
    with pytest.raises(NotFittedError):
        KMeans(2).predict(X)
    km = KMeans(2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="features"):
        km.predict(X[:, :2])
    with pytest.raises(ValueError, match="features"):
        km.transform(np.ones((3, 4)))


def test_tol_stops_early():
    X, _ = blobs(2000, 4, 8, seed=24, spread=2.0)
    init = first_rows_init(X, 8)
    loose = KMeans(8, init=init, tol=1e-1, max_iter=300).fit(X)
    exact = KMeans(8, init=init, tol=0, max_iter=300).fit(X)
    assert loose.n_iter_ < exact.n_iter_
    C, labels, _ = ref_lloyd(X, init, loose.n_iter_)
    assert_centres_close(loose.cluster_centers_, C, np.float64)


def test_verbose_logs(caplog):
    X, _ = blobs(100, 3, 2)
    with caplog.at_level("INFO", logger="unsup"):
        KMeans(2, random_state=0, verbose=1, max_iter=3).fit(X)
    assert "iteration" in caplog.text


# ---------------------------------------------------------------------------------------------- degenerate data


@pytest.mark.parametrize("n_clusters", [0, -1, 1.5, "3", None, True])
def test_bad_n_clusters(n_clusters):
    X, _ = blobs(20, 2, 2)
    with pytest.raises(ValueError, match="n_clusters"):
        KMeans(n_clusters).fit(X)


@pytest.mark.parametrize("name, value", [("n_init", 0), ("max_iter", 0), ("tol", -1.0), ("tol", np.nan),
                                         ("init_rounds", -1), ("init_size", 0), ("oversampling_factor", 0.0),
                                         ("n_jobs", 0), ("n_init", 1.5)])
def test_bad_parameters(name, value):
    X, _ = blobs(20, 2, 2)
    with pytest.raises(ValueError, match=name):
        KMeans(2, **{name: value}).fit(X)


def test_more_clusters_than_rows():
    X = np.arange(6.0).reshape(3, 2)
    with pytest.raises(ValueError, match="n_clusters"):
        KMeans(4).fit(X)
    with pytest.raises(ValueError, match="n_clusters"):
        KMeans(4, init=np.zeros((4, 2))).fit(X)
    with pytest.raises(ValueError, match="n_clusters"):
        KMeans(4).fit(sp.csr_matrix(X))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_input(bad):
    X, _ = blobs(30, 3, 2)
    X[4, 1] = bad
    with pytest.raises(ValueError):
        KMeans(2, random_state=0).fit(X)
    with pytest.raises(ValueError):
        KMeans(2, random_state=0).fit(sp.csr_matrix(X))
    km = KMeans(2, random_state=0).fit(np.nan_to_num(X, posinf=0, neginf=0))
    with pytest.raises(ValueError):
        km.predict(X)
    with pytest.raises(ValueError):
        km.partial_fit(X)


def test_empty_input():
    with pytest.raises(ValueError):
        KMeans(2).fit(np.zeros((0, 3)))
    with pytest.raises(ValueError):
        KMeans(2).fit(np.zeros((5, 0)))
    with pytest.raises(ValueError):
        KMeans(2).fit(np.zeros(5))


@pytest.mark.parametrize("init", ["k-means||", "k-means++", "random"])
@pytest.mark.parametrize("sparse", [False, True])
def test_identical_rows(init, sparse):
    # documented: all centres on the one point, every label 0 (ties to the lowest index), inertia 0
    X = np.tile([[1.0, -2.0, 3.0]], (20, 1))
    data = sp.csr_matrix(X) if sparse else X
    km = KMeans(3, init=init, random_state=0).fit(data)
    assert np.all(np.isfinite(km.cluster_centers_))
    np.testing.assert_allclose(km.cluster_centers_, np.tile(X[:1], (3, 1)), rtol=1e-12)
    np.testing.assert_array_equal(km.labels_, 0)
    assert km.inertia_ == 0.0
    np.testing.assert_array_equal(km.transform(X[:2]), 0.0)


def test_fewer_distinct_rows_than_clusters():
    X = np.repeat(np.array([[0.0, 0.0], [5.0, 5.0]]), 10, axis=0)
    for init in ("k-means||", "k-means++", "random"):
        km = KMeans(3, init=init, random_state=0).fit(X)
        assert np.all(np.isfinite(km.cluster_centers_))
        assert km.inertia_ == pytest.approx(0.0, abs=1e-12)
        assert adjusted_rand_score(np.repeat([0, 1], 10), km.labels_) == 1.0


def test_one_feature():
    X = np.r_[np.linspace(0, 1, 30), np.linspace(10, 11, 30)][:, None]
    km = KMeans(2, random_state=0).fit(X)
    assert adjusted_rand_score(np.repeat([0, 1], 30), km.labels_) == 1.0
    np.testing.assert_allclose(np.sort(km.cluster_centers_.ravel()), [0.5, 10.5], rtol=1e-12)
    np.testing.assert_allclose(km.inertia_, 2 * np.sum((np.linspace(0, 1, 30) - 0.5) ** 2), rtol=1e-10)


@pytest.mark.parametrize("init", ["k-means||", "k-means++", "random"])
def test_as_many_clusters_as_rows(init):
    X, _ = blobs(12, 3, 3, seed=25)
    km = KMeans(12, init=init, random_state=0).fit(X)
    assert sorted(km.labels_.tolist()) == list(range(12))
    np.testing.assert_allclose(km.cluster_centers_[km.labels_], X, rtol=1e-12)
    assert km.inertia_ == pytest.approx(0.0, abs=1e-10)


def test_single_cluster_is_the_mean():
    X, _ = blobs(100, 4, 3, seed=26)
    w = np.random.default_rng(4).random(100)
    km = KMeans(1, random_state=0).fit(X, sample_weight=w)
    np.testing.assert_allclose(km.cluster_centers_[0], np.average(X, axis=0, weights=w), rtol=1e-10)
    np.testing.assert_array_equal(km.labels_, 0)
    np.testing.assert_allclose(km.inertia_, np.dot(w, ((X - km.cluster_centers_[0]) ** 2).sum(1)), rtol=1e-10)


# ---------------------------------------------------------------------------------------------- kernel edges


def check_against_reference(X, k, dtype, sparse):
    init = first_rows_init(X, k, seed=k)
    data = sp.csr_matrix(X) if sparse else X
    km = KMeans(k, init=init, max_iter=2, tol=0).fit(data)
    C, labels, inertia = ref_lloyd(X, init, 2, dtype=dtype)
    assert_centres_close(km.cluster_centers_, C, dtype)
    np.testing.assert_array_equal(km.labels_, labels)
    np.testing.assert_allclose(km.inertia_, inertia, rtol=1e-4 if dtype == np.float32 else 1e-9)
    # predict on the init centres (no update): the plain argmin
    km.cluster_centers_ = init.astype(dtype)
    ref_labels, _ = ref_assign(X, init)
    np.testing.assert_array_equal(km.predict(data), ref_labels)
    assert_distances_close(km.transform(data), np.sqrt(sq_distances(X, init)), X, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", [1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40])
@pytest.mark.parametrize("sparse", [False, True])
def test_panel_widths(k, dtype, sparse):
    X, _ = blobs(101, 7, min(k, 10), seed=k, dtype=dtype)  # 101 rows: not a multiple of any row tile
    check_against_reference(X, k, dtype, sparse)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 5, 11, 13, 23, 25, 47, 49, 97])
def test_row_tiles(n, dtype):
    X, _ = blobs(max(n, 40), 5, 4, seed=n, dtype=dtype)
    k = min(n, 3)
    km = KMeans(k, init=X[:k].copy(), max_iter=3, tol=0).fit(X[:n])
    C, labels, _ = ref_lloyd(X[:n], X[:k], 3, dtype=dtype)
    assert_centres_close(km.cluster_centers_, C, dtype)
    np.testing.assert_array_equal(km.labels_, labels)
    # predict of n rows against 17 centres (two panel widths)
    km.cluster_centers_ = X[:17].copy()
    np.testing.assert_array_equal(km.predict(X[:n]), ref_assign(X[:n], X[:17])[0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("d, k", [(1, 3), (1, 17), (300, 5), (300, 33)])
@pytest.mark.parametrize("sparse", [False, True])
def test_feature_counts(d, k, dtype, sparse):
    if d == 1:
        rng = np.random.default_rng(k)
        X = rng.uniform(-5, 5, size=(101, 1)).astype(dtype)  # no equidistant rows (linspace would tie)
    else:
        X, _ = blobs(101, d, 6, seed=d + k, dtype=dtype, spread=3.0)
    check_against_reference(X, k, dtype, sparse)


def test_many_chunks_match_the_reference():
    # several chunks and rounds: d=64 float64 gives 480 rows per chunk
    X, _ = blobs(5000, 64, 6, seed=27, spread=3.0)
    init = first_rows_init(X, 6)
    km = KMeans(6, init=init, max_iter=4, tol=0, n_jobs=2).fit(X)
    C, labels, inertia = ref_lloyd(X, init, 4)
    assert_centres_close(km.cluster_centers_, C, np.float64)
    np.testing.assert_array_equal(km.labels_, labels)
    np.testing.assert_allclose(km.inertia_, inertia, rtol=1e-9)


def test_non_contiguous_input():
    X, _ = blobs(200, 8, 3, seed=28)
    view = X[:, ::2]  # strided
    fortran = np.asfortranarray(X)
    init = first_rows_init(view, 3)
    a = KMeans(3, init=init, max_iter=4, tol=0).fit(view)
    b = KMeans(3, init=init, max_iter=4, tol=0).fit(np.ascontiguousarray(view))
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    init = first_rows_init(X, 3)
    a = KMeans(3, init=init, max_iter=4, tol=0).fit(fortran)
    b = KMeans(3, init=init, max_iter=4, tol=0).fit(X)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)


# ---------------------------------------------------------------------------------------------- core


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
@pytest.mark.parametrize("sparse", [False, True])
def test_nearest_centres_on_a_row_list(dtype, metric, sparse):
    from unsup.cluster import _lloyd

    X, _ = blobs(9000, 6, 5, seed=29, dtype=dtype)
    C = first_rows_init(X, 17)
    if metric == "cosine":
        C = _lloyd.directions(C)
    rng = np.random.default_rng(5)
    rows = rng.integers(0, X.shape[0], size=12_000)  # unordered, repeated; 2 (float32) or 3 (float64) chunks
    data = _lloyd.core_rows(sp.csr_matrix(X) if sparse else X)
    sub = _lloyd.core_rows(sp.csr_matrix(X[rows]) if sparse else X[rows])
    labels, dist = _core.cluster.nearest_centres(data, rows, C, metric, 2)
    labels_sub, dist_sub = _core.cluster.nearest_centres(sub, None, C, metric, 1)
    np.testing.assert_array_equal(labels, labels_sub)
    np.testing.assert_array_equal(dist, dist_sub)
    assert dist.dtype == dtype
    if metric == "euclidean":
        ref_labels, ref_dist = ref_assign(X[rows], C)
    else:
        cos = (X[rows] / np.linalg.norm(X[rows].astype(np.float64), axis=1, keepdims=True)) @ C.T.astype(np.float64)
        ref_labels = np.argmax(cos, axis=1)
        ref_dist = 1 - cos.max(axis=1)
    np.testing.assert_array_equal(labels, ref_labels)
    np.testing.assert_allclose(dist, ref_dist, rtol=1e-3 if dtype == np.float32 else 1e-8,
                               atol=1e-3 if dtype == np.float32 else 1e-9)
    # the empty row list and bad row ids
    labels, dist = _core.cluster.nearest_centres(data, np.zeros(0, dtype=np.int64), C, metric, 1)
    assert labels.shape == (0,) and dist.shape == (0,)
    with pytest.raises(ValueError, match="rows"):
        _core.cluster.nearest_centres(data, np.array([0, X.shape[0]]), C, metric, 1)
    with pytest.raises(ValueError, match="rows"):
        _core.cluster.nearest_centres(data, np.array([-1]), C, metric, 1)


# ---------------------------------------------------------------------------------------------- dtype objects


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unpickled_input(dtype):
    import pickle

    X, _ = blobs(60, 3, 2, dtype=dtype)
    Y = pickle.loads(pickle.dumps(X))
    assert Y.dtype == dtype
    a = KMeans(2, random_state=0).fit(X)
    b = KMeans(2, random_state=0).fit(Y)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)


def test_pickled_estimator_predicts():
    import pickle

    X, _ = blobs(60, 3, 2)
    km = KMeans(2, random_state=0).fit(X)
    again = pickle.loads(pickle.dumps(km))
    np.testing.assert_array_equal(again.predict(X), km.labels_)
    np.testing.assert_array_equal(again.transform(X), km.transform(X))


def test_memmap_input(tmp_path):
    # np.memmap keeps the canonical dtype object (joblib's memmaps do not: see the sklearn checks)
    X, _ = blobs(60, 3, 2)
    m = np.memmap(tmp_path / "x.dat", dtype=np.float64, mode="w+", shape=X.shape)
    m[:] = X
    m.flush()
    ro = np.memmap(tmp_path / "x.dat", dtype=np.float64, mode="r", shape=X.shape)
    a = KMeans(2, random_state=0).fit(X)
    b = KMeans(2, random_state=0).fit(ro)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)


def test_read_only_input():
    X, _ = blobs(60, 3, 2)
    X.flags.writeable = False
    KMeans(2, random_state=0).fit(X).predict(X)


def test_partial_fit_after_fit_continues_from_the_fitted_clusters():
    X, _ = separated_blobs(400, 4, 3, seed=5)
    km = KMeans(3, random_state=0).fit(X)
    centres, mass = km.cluster_centers_.copy(), np.bincount(km.labels_, minlength=3).astype(float)
    chunk = X[:50] + 0.5
    km.partial_fit(chunk)
    labels, _ = ref_assign(chunk, centres)
    expected = centres * mass[:, None]
    for j in range(3):
        expected[j] += chunk[labels == j].sum(axis=0)
    expected /= (mass + np.bincount(labels, minlength=3))[:, None]
    np.testing.assert_allclose(km.cluster_centers_, expected, rtol=1e-10)


@pytest.mark.parametrize("algorithm", ["lloyd", "hamerly"])
def test_algorithms_give_the_same_fit(algorithm):
    X, _ = blobs(3000, 6, 40, seed=2, spread=2.0, dtype=np.float32)
    init = first_rows_init(X, 40)
    ref = KMeans(40, init=init, max_iter=25, tol=0, algorithm="lloyd").fit(X)
    got = KMeans(40, init=init, max_iter=25, tol=0, algorithm=algorithm).fit(X)
    np.testing.assert_array_equal(got.labels_, ref.labels_)
    np.testing.assert_array_equal(got.cluster_centers_, ref.cluster_centers_)
    assert got.n_iter_ == ref.n_iter_


def test_hamerly_skips_rows_once_centres_settle():
    X, _ = separated_blobs(2000, 4, 40, seed=3)
    X = X.astype(np.float32)
    init = first_rows_init(X, 40)
    km = KMeans(40, init=init, max_iter=30, tol=0, algorithm="lloyd").fit(X)
    from unsup.cluster._lloyd import half_gaps
    labels = km.labels_.copy()
    lower = np.full(X.shape[0], -np.inf, dtype=np.float32)
    C = km.cluster_centers_
    _core.cluster.lloyd_pass(X, None, C, "euclidean", labels, 1, lower, np.zeros(40), half_gaps(C))
    out = _core.cluster.lloyd_pass(X, None, C, "euclidean", labels, 1, lower, np.zeros(40), half_gaps(C))
    assert out[4] < X.shape[0] // 10          # few rows scanned at fixed centres
    ref_labels, _ = _core.cluster.nearest_centres(X, None, C, "euclidean", 1)
    np.testing.assert_array_equal(labels, ref_labels)


def test_bounds_are_refused_for_cosine_and_sparse():
    X = np.random.default_rng(0).random((20, 3))
    C = X[:2].copy()
    labels = np.full(20, -1, dtype=np.int32)
    lower = np.full(20, -np.inf, dtype=np.float32)
    with pytest.raises(ValueError, match="bounds"):
        _core.cluster.lloyd_pass(X, None, C, "cosine", labels, 1, lower, np.zeros(2), np.zeros(2))
