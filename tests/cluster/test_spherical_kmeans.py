"""SphericalKMeans against float64 numpy references of hard and soft spherical K-means (mean and
sum centres), its memberships, scale invariance, sparse input, threads and zero rows."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import adjusted_rand_score

from kmeans_reference import relocate_empty

from unsup.cluster import KMeans, SphericalKMeans

# ---------------------------------------------------------------------------------------------- references


def unit(A):
    A = np.asarray(A, dtype=np.float64)
    return A / np.linalg.norm(A, axis=1, keepdims=True)


def cosines(X, C):
    """float64 n × k cosines between rows and centres."""
    return unit(X) @ unit(C).T


def ref_hard(X, init, n_iter, center="mean", weights=None, dtype=np.float64):
    """Hard spherical K-means in float64 numpy: label = argmax cosine (ties to the lowest index),
    centre = normalised sum (center="mean") or plain sum (center="sum") of the members' unit
    vectors; an empty cluster takes the row of largest 1 − cos whose cluster keeps some mass.
    Centres are stored in X's dtype between iterations. Returns (centres, labels, inertia)."""
    U = unit(X)
    n = U.shape[0]
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    C = np.asarray(init, dtype=dtype).astype(np.float64)
    k = C.shape[0]
    for _ in range(n_iter):
        cos = U @ unit(C).T
        labels = np.argmax(cos, axis=1)
        dist = 1 - cos[np.arange(n), labels]
        mass = np.bincount(labels, weights=w, minlength=k)
        sums = np.zeros_like(C)
        np.add.at(sums, labels, w[:, None] * U)
        relocate_empty(labels=labels, rows=U, dist=dist, sums=sums, mass=mass, w=w)
        new = sums / np.linalg.norm(sums, axis=1, keepdims=True) if center == "mean" else sums
        C = np.where(mass[:, None] > 0, new, C).astype(dtype).astype(np.float64)
    cos = U @ unit(C).T
    labels = np.argmax(cos, axis=1)
    return C, labels, float(np.dot(w, 1 - cos.max(axis=1)))


def softmax_rows(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def ref_soft(X, init, n_iter, temperature, center="mean", weights=None, dtype=np.float64):
    """Soft spherical K-means in float64 numpy: c_ij = softmax over centres j of cos(x_i, v_j)/T,
    v_j = Σ_i w_i c_ij x_i/‖x_i‖ (center="sum"), normalised for center="mean"."""
    U = unit(X)
    w = np.ones(U.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    C = np.asarray(init, dtype=dtype).astype(np.float64)
    for _ in range(n_iter):
        resp = softmax_rows((U @ unit(C).T) / temperature)
        sums = resp.T @ (w[:, None] * U)
        new = sums / np.linalg.norm(sums, axis=1, keepdims=True) if center == "mean" else sums
        C = new.astype(dtype).astype(np.float64)
    cos = U @ unit(C).T
    return C, np.argmax(cos, axis=1), float(np.dot(w, 1 - cos.max(axis=1)))


def assert_centres_close(actual, expected, dtype):
    rtol = 1e-5 if dtype == np.float32 else 1e-10
    expected = np.asarray(expected, dtype=np.float64)
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), expected, rtol=rtol, atol=rtol * scale)


def directional(n=400, d=8, k=4, seed=0, noise=0.35, dtype=np.float64):
    """Rows around k random directions, with random positive lengths (so that the Euclidean
    clustering would differ), and the truth."""
    rng = np.random.default_rng(seed)
    axes = unit(rng.standard_normal((k, d)))
    truth = rng.integers(0, k, size=n)
    X = axes[truth] + noise * rng.standard_normal((n, d)) / np.sqrt(d)
    X *= rng.uniform(0.1, 20.0, size=(n, 1))
    return X.astype(dtype), truth


def separated_directions(n=400, d=8, k=4, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    axes = np.eye(k, d)
    truth = np.repeat(np.arange(k), n // k)
    rng.shuffle(truth)
    X = (axes[truth] + 0.05 * rng.standard_normal((truth.size, d))) * rng.uniform(0.1, 50.0, size=(truth.size, 1))
    return X.astype(dtype), truth


def rows_init(X, k, seed=1):
    rng = np.random.default_rng(seed)
    return X[np.sort(rng.choice(X.shape[0], size=k, replace=False))].copy()


# ---------------------------------------------------------------------------------------------- hard


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("center", ["mean", "sum"])
@pytest.mark.parametrize("max_iter", [1, 4])
def test_hard_matches_numpy_reference(dtype, center, max_iter):
    X, _ = directional(500, 6, 5, seed=1, dtype=dtype)
    init = rows_init(X, 5)
    skm = SphericalKMeans(5, init=init, center=center, max_iter=max_iter, tol=0).fit(X)
    C, labels, inertia = ref_hard(X, init, max_iter, center=center, dtype=dtype)
    assert skm.cluster_centers_.dtype == dtype
    assert_centres_close(skm.cluster_centers_, C, dtype)
    np.testing.assert_array_equal(skm.labels_, labels)
    np.testing.assert_allclose(skm.inertia_, inertia, rtol=1e-4 if dtype == np.float32 else 1e-9)
    # labels are the argmax of the cosine at the fitted centres
    np.testing.assert_array_equal(skm.labels_, np.argmax(cosines(X, skm.cluster_centers_), axis=1))


def test_mean_centres_are_unit_and_sum_centres_are_member_sums():
    X, _ = directional(400, 5, 4, seed=2)
    init = rows_init(X, 4)
    mean = SphericalKMeans(4, init=init, center="mean", max_iter=300, tol=0).fit(X)
    total = SphericalKMeans(4, init=init, center="sum", max_iter=300, tol=0).fit(X)
    np.testing.assert_allclose(np.linalg.norm(mean.cluster_centers_, axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(total.labels_, mean.labels_)
    np.testing.assert_allclose(unit(total.cluster_centers_), mean.cluster_centers_, rtol=1e-10, atol=1e-12)
    U = unit(X)
    counts = np.bincount(total.labels_, minlength=4)
    for j in range(4):
        # converged: the sum centre is the sum of its members' unit vectors ...
        np.testing.assert_allclose(total.cluster_centers_[j], U[total.labels_ == j].sum(axis=0), rtol=1e-10,
                                   atol=1e-10)
        # ... so its length grows with the membership (at most the count, close to it for tight clusters)
        assert np.linalg.norm(total.cluster_centers_[j]) <= counts[j] + 1e-9
        assert np.linalg.norm(total.cluster_centers_[j]) > 0.5 * counts[j]
    # the mean centre is the normalised sum
    np.testing.assert_allclose(mean.cluster_centers_, unit(total.cluster_centers_), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(total.inertia_, mean.inertia_, rtol=1e-10)


def test_labels_are_not_euclidean():
    # two rows in the same direction but far apart in length belong together
    X = np.array([[1.0, 0.0], [100.0, 1.0], [0.0, 1.0], [1.0, 90.0]])
    skm = SphericalKMeans(2, init=np.array([[1.0, 0.0], [0.0, 1.0]]), max_iter=5).fit(X)
    np.testing.assert_array_equal(skm.labels_, [0, 0, 1, 1])
    km = KMeans(2, init=np.array([[1.0, 0.0], [0.0, 1.0]]), max_iter=5).fit(X)
    assert not np.array_equal(km.labels_, skm.labels_)


def test_transform_score_predict_are_cosine():
    X, _ = directional(300, 6, 4, seed=3)
    Y, _ = directional(80, 6, 4, seed=4)
    skm = SphericalKMeans(4, random_state=0).fit(X)
    cos = cosines(Y, skm.cluster_centers_)
    np.testing.assert_allclose(skm.transform(Y), 1 - cos, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(skm.predict(Y), np.argmax(cos, axis=1))
    np.testing.assert_allclose(skm.score(Y), -np.sum(1 - cos.max(axis=1)), rtol=1e-10)
    assert skm.score(X) == -skm.inertia_
    np.testing.assert_array_equal(skm.predict(X), skm.labels_)
    np.testing.assert_array_equal(SphericalKMeans(4, random_state=0).fit_predict(X), skm.labels_)


@pytest.mark.parametrize("assignment", ["hard", "soft"])
@pytest.mark.parametrize("center", ["mean", "sum"])
def test_scale_invariance(assignment, center):
    X, _ = directional(300, 5, 3, seed=5)
    scale = np.random.default_rng(0).uniform(1e-3, 1e3, size=(300, 1))
    init = rows_init(X, 3)
    kw = dict(init=init, assignment=assignment, center=center, max_iter=20, tol=0)
    a = SphericalKMeans(3, **kw).fit(X)
    b = SphericalKMeans(3, **kw).fit(X * scale)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_allclose(b.cluster_centers_, a.cluster_centers_, rtol=1e-8, atol=1e-9)
    np.testing.assert_array_equal(a.predict(X * 7.0), a.labels_)


@pytest.mark.parametrize("init", ["k-means||", "k-means++"])
@pytest.mark.parametrize("assignment", ["hard", "soft"])
def test_seedings_find_planted_directions(init, assignment):
    X, truth = separated_directions(400, 6, 4, seed=6)
    for seed in range(3):
        skm = SphericalKMeans(4, init=init, assignment=assignment, random_state=seed).fit(X)
        assert adjusted_rand_score(truth, skm.labels_) == 1.0


# ---------------------------------------------------------------------------------------------- soft


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("center", ["mean", "sum"])
@pytest.mark.parametrize("temperature", [0.05, 0.5])
def test_soft_matches_numpy_reference(dtype, center, temperature):
    X, _ = directional(400, 6, 4, seed=7, noise=0.8, dtype=dtype)
    init = rows_init(X, 4)
    n_iter = 6
    skm = SphericalKMeans(4, assignment="soft", center=center, temperature=temperature, init=init, max_iter=n_iter,
                          tol=0).fit(X)
    C, labels, inertia = ref_soft(X, init, n_iter, temperature, center=center, dtype=dtype)
    assert skm.n_iter_ == n_iter
    assert skm.cluster_centers_.dtype == dtype
    assert_centres_close(skm.cluster_centers_, C, dtype)
    np.testing.assert_array_equal(skm.labels_, labels)
    np.testing.assert_allclose(skm.inertia_, inertia, rtol=1e-4 if dtype == np.float32 else 1e-9)
    if center == "sum":
        # the centres' total length is the number of rows' worth of membership, spread over centres
        resp = softmax_rows(cosines(X, C) / temperature)
        assert resp.shape == (400, 4)
        assert np.all(np.linalg.norm(skm.cluster_centers_, axis=1) <= resp.sum(axis=0) * (1 + 1e-5))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_soft_with_weights_matches_reference_and_repeats(dtype):
    X, _ = directional(200, 5, 3, seed=8, noise=0.8, dtype=dtype)
    w = np.random.default_rng(1).integers(1, 4, size=200)
    init = rows_init(X, 3)
    kw = dict(assignment="soft", center="sum", temperature=0.2, init=init, max_iter=5, tol=0)
    weighted = SphericalKMeans(3, **kw).fit(X, sample_weight=w)
    repeated = SphericalKMeans(3, **kw).fit(np.repeat(X, w, axis=0))
    C, _, _ = ref_soft(X, init, 5, 0.2, center="sum", weights=w, dtype=dtype)
    assert_centres_close(weighted.cluster_centers_, C, dtype)
    assert_centres_close(repeated.cluster_centers_, C, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_predict_proba_is_a_softmax_over_centres(dtype):
    X, _ = directional(300, 6, 5, seed=9, noise=0.8, dtype=dtype)
    skm = SphericalKMeans(5, assignment="soft", temperature=0.3, random_state=0).fit(X)
    P = skm.predict_proba(X[:57])
    assert P.shape == (57, 5)
    assert P.dtype == dtype
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-5 if dtype == np.float32 else 1e-12)
    ref = softmax_rows(cosines(X[:57], skm.cluster_centers_) / 0.3)
    np.testing.assert_allclose(P, ref, rtol=1e-4 if dtype == np.float32 else 1e-9, atol=1e-6)
    np.testing.assert_array_equal(np.argmax(P, axis=1), skm.predict(X[:57]))
    # not normalised over the rows (the wrong axis)
    assert not np.allclose(P.sum(axis=0), 1.0)
    # hard estimators have memberships too
    hard = SphericalKMeans(5, random_state=0).fit(X)
    np.testing.assert_allclose(hard.predict_proba(X).sum(axis=1), 1.0, rtol=1e-5)
    # sparse rows
    np.testing.assert_allclose(skm.predict_proba(sp.csr_matrix(X[:57])), P, rtol=1e-5, atol=1e-6)


def test_small_temperature_is_hard_assignment():
    X, _ = directional(300, 5, 4, seed=10)
    init = rows_init(X, 4)
    hard = SphericalKMeans(4, init=init, max_iter=10, tol=0).fit(X)
    soft = SphericalKMeans(4, init=init, assignment="soft", temperature=1e-5, max_iter=10, tol=0).fit(X)
    np.testing.assert_array_equal(soft.labels_, hard.labels_)
    np.testing.assert_allclose(soft.cluster_centers_, hard.cluster_centers_, atol=1e-6)
    P = soft.predict_proba(X)
    np.testing.assert_array_equal(np.argmax(P, axis=1), hard.labels_)
    assert np.mean(P.max(axis=1) > 0.999) > 0.95


def test_large_temperature_pulls_centres_together():
    X, _ = directional(300, 5, 4, seed=11)
    init = rows_init(X, 4)
    warm = SphericalKMeans(4, init=init, assignment="soft", temperature=100.0, max_iter=3, tol=0).fit(X)
    mean_dir = unit(unit(X).sum(axis=0, keepdims=True))[0]
    assert np.all(warm.cluster_centers_ @ mean_dir > 0.99)


def test_soft_tol_stops_early():
    X, _ = directional(300, 5, 4, seed=12)
    init = rows_init(X, 4)
    loose = SphericalKMeans(4, init=init, assignment="soft", tol=1e-2, max_iter=200).fit(X)
    assert loose.n_iter_ < 200
    C, _, _ = ref_soft(X, init, loose.n_iter_, 0.1)
    assert_centres_close(loose.cluster_centers_, C, np.float64)


# ---------------------------------------------------------------------------------------------- sparse, threads


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("assignment", ["hard", "soft"])
def test_sparse_equals_dense(dtype, assignment):
    X, _ = directional(300, 10, 4, seed=13, noise=0.9, dtype=dtype)
    X[np.abs(X) < 0.6] = 0
    X = X[np.abs(X).sum(axis=1) > 0]
    init = rows_init(X, 4)
    kw = dict(init=init, assignment=assignment, max_iter=6, tol=0)
    dense = SphericalKMeans(4, **kw).fit(X)
    sparse = SphericalKMeans(4, **kw).fit(sp.csr_matrix(X))
    np.testing.assert_array_equal(sparse.labels_, dense.labels_)
    assert_centres_close(sparse.cluster_centers_, dense.cluster_centers_, dtype)
    np.testing.assert_allclose(sparse.inertia_, dense.inertia_, rtol=1e-5 if dtype == np.float32 else 1e-10)
    for fmt in ("csc", "coo"):
        other = SphericalKMeans(4, **kw).fit(sp.csr_matrix(X).asformat(fmt))
        np.testing.assert_array_equal(other.labels_, dense.labels_)
    np.testing.assert_allclose(dense.transform(sp.csr_matrix(X)), dense.transform(X), atol=1e-5)


@pytest.mark.parametrize("assignment", ["hard", "soft"])
@pytest.mark.parametrize("sparse", [False, True])
def test_threads_give_bitwise_identical_results(assignment, sparse):
    X, _ = directional(30_000, 8, 5, seed=14, noise=0.8, dtype=np.float32)
    data = sp.csr_matrix(X) if sparse else X
    runs = [SphericalKMeans(5, assignment=assignment, max_iter=8, random_state=0, n_jobs=j).fit(data)
            for j in (1, 2)]
    np.testing.assert_array_equal(runs[0].cluster_centers_, runs[1].cluster_centers_)
    np.testing.assert_array_equal(runs[0].labels_, runs[1].labels_)
    assert runs[0].inertia_ == runs[1].inertia_
    if assignment == "soft":
        np.testing.assert_array_equal(runs[0].predict_proba(X[:300]), runs[1].predict_proba(X[:300]))


def test_same_seed_same_result():
    X, _ = directional(300, 5, 4, seed=15)
    for assignment in ("hard", "soft"):
        a = SphericalKMeans(4, assignment=assignment, random_state=3).fit(X)
        b = SphericalKMeans(4, assignment=assignment, random_state=3).fit(X)
        np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)


# ---------------------------------------------------------------------------------------------- partial_fit


@pytest.mark.parametrize("center", ["mean", "sum"])
def test_partial_fit_is_sequential_spherical_kmeans(center):
    X, _ = directional(600, 5, 4, seed=16)
    init = rows_init(X[:100], 4)
    chunks = np.array_split(X, [100, 220, 400])
    skm = SphericalKMeans(4, init=init, center=center)
    C = init.astype(np.float64)
    S = np.zeros_like(C)
    M = np.zeros(4)
    for chunk in chunks:
        skm.partial_fit(chunk)
        U = unit(chunk)
        labels = np.argmax(U @ unit(C).T, axis=1)
        np.add.at(S, labels, U)
        M += np.bincount(labels, minlength=4)
        new = unit(S) if center == "mean" else S.copy()
        C = np.where(M[:, None] > 0, new, C)
        assert_centres_close(skm.cluster_centers_, C, np.float64)
    # one partial_fit on everything is one hard iteration
    one = SphericalKMeans(4, init=init, center=center).partial_fit(X)
    fitted = SphericalKMeans(4, init=init, center=center, max_iter=1, tol=0).fit(X)
    np.testing.assert_array_equal(one.cluster_centers_, fitted.cluster_centers_)


def test_soft_partial_fit_is_one_soft_iteration():
    X, _ = directional(300, 5, 3, seed=17, noise=0.8)
    init = rows_init(X, 3)
    one = SphericalKMeans(3, init=init, assignment="soft", temperature=0.5).partial_fit(X)
    fitted = SphericalKMeans(3, init=init, assignment="soft", temperature=0.5, max_iter=1, tol=0).fit(X)
    assert_centres_close(one.cluster_centers_, fitted.cluster_centers_, np.float64)


# ---------------------------------------------------------------------------------------------- bad input


def test_zero_rows_are_rejected():
    X, _ = directional(50, 4, 2, seed=18)
    X[7] = 0
    with pytest.raises(ValueError, match="zero norm"):
        SphericalKMeans(2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="zero norm"):
        SphericalKMeans(2, random_state=0, assignment="soft").fit(X)
    with pytest.raises(ValueError, match="zero norm"):
        SphericalKMeans(2, random_state=0).partial_fit(X)
    with pytest.raises(ValueError, match="zero norm"):
        SphericalKMeans(2, random_state=0).fit(sp.csr_matrix(X))
    # a CSR row with explicitly stored zeros has no direction either
    A = sp.csr_matrix(X)
    A.data[A.indptr[3]:A.indptr[4]] = 0.0
    with pytest.raises(ValueError, match="zero norm"):
        SphericalKMeans(2, random_state=0).fit(A)
    good = np.delete(X, 7, axis=0)
    skm = SphericalKMeans(2, random_state=0, assignment="soft").fit(good)
    for method in (skm.predict, skm.transform, skm.predict_proba, skm.score, skm.partial_fit):
        with pytest.raises(ValueError, match="zero norm"):
            method(X)


@pytest.mark.parametrize("name, value", [("assignment", "fuzzy"), ("center", "median"), ("temperature", 0.0),
                                         ("temperature", -1.0), ("temperature", np.inf)])
def test_bad_parameters(name, value):
    X, _ = directional(50, 4, 2, seed=19)
    kw = {name: value}
    if name == "temperature":
        kw["assignment"] = "soft"
    with pytest.raises(ValueError, match=name):
        SphericalKMeans(2, random_state=0, **kw).fit(X)


def test_degenerate_data():
    # identical directions (different lengths): no crash, finite unit centres on that direction
    X = np.outer(np.arange(1.0, 21.0), [1.0, 2.0, 2.0])
    for assignment in ("hard", "soft"):
        skm = SphericalKMeans(3, assignment=assignment, random_state=0).fit(X)
        assert np.all(np.isfinite(skm.cluster_centers_))
        np.testing.assert_allclose(unit(skm.cluster_centers_), np.tile([[1 / 3, 2 / 3, 2 / 3]], (3, 1)), rtol=1e-7)
        assert skm.inertia_ == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="n_clusters"):
        SphericalKMeans(4).fit(X[:3])
    with pytest.raises(ValueError, match="n_clusters"):
        SphericalKMeans(0).fit(X)
    X[2, 1] = np.nan
    with pytest.raises(ValueError):
        SphericalKMeans(2).fit(X)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", [1, 15, 16, 17, 31, 32, 33])
@pytest.mark.parametrize("d", [1, 7, 300])
def test_panel_widths_and_feature_counts(dtype, k, d):
    rng = np.random.default_rng(k + d)
    if d == 1:
        X = rng.choice([-1.0, 1.0], size=(101, 1)) * rng.uniform(0.5, 2, size=(101, 1))
        k = min(k, 2)
        init = np.array([[1.0], [-1.0]])[:k]
    else:
        X = rng.standard_normal((101, d))
        init = X[:k].copy()
    X = X.astype(dtype)
    for sparse in (False, True):
        data = sp.csr_matrix(X) if sparse else X
        skm = SphericalKMeans(k, init=init, max_iter=2, tol=0).fit(data)
        C, labels, _ = ref_hard(X, init, 2, dtype=dtype)
        assert_centres_close(skm.cluster_centers_, C, dtype)
        np.testing.assert_array_equal(skm.labels_, labels)
        soft = SphericalKMeans(k, init=init, assignment="soft", temperature=0.2, max_iter=2, tol=0).fit(data)
        C, labels, _ = ref_soft(X, init, 2, 0.2, dtype=dtype)
        assert_centres_close(soft.cluster_centers_, C, dtype)
        np.testing.assert_allclose(soft.predict_proba(data), softmax_rows(cosines(X, soft.cluster_centers_) / 0.2),
                                   rtol=1e-4, atol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("assignment", ["hard", "soft"])
def test_unpickled_input(assignment):
    import pickle

    X, _ = directional(60, 3, 2)
    a = SphericalKMeans(2, assignment=assignment, random_state=0).fit(X)
    b = SphericalKMeans(2, assignment=assignment, random_state=0).fit(pickle.loads(pickle.dumps(X)))
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
