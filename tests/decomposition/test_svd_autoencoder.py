"""SVDAutoencoder against LAPACK's SVD, its streaming fit, encoding/decoding and bad input."""

import numpy as np
import pytest
import scipy.linalg
import scipy.sparse as sp

from unsup.decomposition import SVDAutoencoder
from unsup.decomposition._orthonormal import orthonormalize


def low_rank(n_rows, n_cols, rank, noise, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    left = np.linalg.qr(rng.standard_normal((n_rows, rank)))[0]
    right = np.linalg.qr(rng.standard_normal((n_cols, rank)))[0]
    values = np.geomspace(100, 10, rank)
    return ((left * values) @ right.T + noise * rng.standard_normal((n_rows, n_cols))).astype(dtype)


def max_angle(a, b):
    """Largest principal angle (radians) between the row spaces of a and b."""
    return float(np.max(scipy.linalg.subspace_angles(a.T.astype(np.float64), b.T.astype(np.float64))))


@pytest.mark.parametrize("shape", [(400, 120), (120, 400)])
@pytest.mark.parametrize("sparse", [False, True])
def test_randomized_matches_exact_svd(shape, sparse):
    x = low_rank(*shape, rank=8, noise=0.01)
    _, s, vt = scipy.linalg.svd(x, full_matrices=False)
    data = sp.csr_matrix(x) if sparse else x
    model = SVDAutoencoder(6, random_state=0).fit(data)
    np.testing.assert_allclose(model.singular_values_, s[:6], rtol=1e-8)
    assert max_angle(model.components_, vt[:6]) < 1e-6
    exact = SVDAutoencoder(6, algorithm="exact").fit(data)
    np.testing.assert_allclose(exact.singular_values_, s[:6], rtol=1e-12)
    np.testing.assert_allclose(exact.components_, model.components_, atol=1e-6)  # same signs
    np.testing.assert_allclose(exact.explained_variance_ratio_, s[:6] ** 2 / np.sum(x * x), rtol=1e-10)


def test_csr_equals_dense_and_threads_do_not_matter():
    x = low_rank(300, 500, rank=10, noise=0.1, seed=3)
    x[np.abs(x) < 0.05] = 0.0
    dense = SVDAutoencoder(7, n_iter=6, random_state=5).fit(x)
    sparse = SVDAutoencoder(7, n_iter=6, random_state=5, n_jobs=1).fit(sp.csr_matrix(x))
    np.testing.assert_allclose(sparse.singular_values_, dense.singular_values_, rtol=1e-10)
    np.testing.assert_allclose(sparse.components_, dense.components_, atol=1e-8)
    threaded = SVDAutoencoder(7, n_iter=6, random_state=5, n_jobs=2).fit(sp.csr_matrix(x))
    assert np.array_equal(threaded.components_, sparse.components_)
    np.testing.assert_allclose(sparse.transform(sp.csr_matrix(x)), dense.transform(x), atol=1e-8)


def test_float32_is_preserved():
    x = low_rank(200, 60, rank=5, noise=0.01, dtype=np.float32)
    for data in (x, sp.csr_matrix(x)):
        for algorithm in ("randomized", "exact", "minibatch"):
            model = SVDAutoencoder(4, algorithm=algorithm, random_state=0, batch_size=50).fit(data)
            assert model.components_.dtype == np.float32
            assert model.singular_values_.dtype == np.float32
            assert model.transform(data).dtype == np.float32


@pytest.mark.parametrize("n_features", [40, 400])  # the exact XᵀX path and the rank-ℓ sketch path
@pytest.mark.parametrize("sparse", [False, True])
def test_partial_fit_converges_to_the_svd_subspace(n_features, sparse):
    x = low_rank(3000, n_features, rank=6, noise=0.05, seed=1)
    _, s, vt = scipy.linalg.svd(x, full_matrices=False)
    model = SVDAutoencoder(6, n_oversamples=10)
    for start in range(0, x.shape[0], 150):
        batch = x[start:start + 150]
        model.partial_fit(sp.csr_matrix(batch) if sparse else batch)
    assert model.n_samples_seen_ == 3000
    assert max_angle(model.components_, vt[:6]) < 1e-2
    np.testing.assert_allclose(model.singular_values_, s[:6], rtol=1e-3)
    batch_fit = SVDAutoencoder(6, n_oversamples=10, algorithm="minibatch", batch_size=150).fit(x)
    np.testing.assert_allclose(batch_fit.components_, model.components_, atol=1e-8)


def test_encode_decode_and_score():
    x = np.abs(low_rank(150, 40, rank=4, noise=0.2, seed=2))
    model = SVDAutoencoder(4, random_state=0).fit(x)
    code = model.transform(x)
    recon = model.inverse_transform(code)
    np.testing.assert_allclose(recon, code @ model.components_)
    assert model.score(x) == pytest.approx(-np.sum((x - recon) ** 2) / x.shape[0], rel=1e-9)
    assert model.score(sp.csr_matrix(x)) == pytest.approx(model.score(x), rel=1e-9)
    clipped = SVDAutoencoder(4, clip_negative=True, random_state=0).fit(x)
    recon_clipped = clipped.inverse_transform(clipped.transform(x))
    assert recon_clipped.min() >= 0
    np.testing.assert_allclose(recon_clipped, np.maximum(recon, 0), atol=1e-8)
    assert clipped.score(x) == pytest.approx(-np.sum((x - recon_clipped) ** 2) / x.shape[0], rel=1e-9)
    assert clipped.score(x) >= model.score(x)  # cutting negatives of non-negative data only helps
    assert model.get_feature_names_out().tolist() == [f"svdautoencoder{i}" for i in range(4)]


def test_orthonormalize_falls_back_on_rank_deficient_blocks():
    rng = np.random.default_rng(0)
    y = rng.standard_normal((100, 3)) @ rng.standard_normal((3, 6))  # rank 3, 6 columns
    q = orthonormalize(y)
    np.testing.assert_allclose(q.T @ q, np.eye(6), atol=1e-10)
    assert np.linalg.norm(y - q @ (q.T @ y)) < 1e-10
    q = orthonormalize(rng.standard_normal((500, 20)))
    np.testing.assert_allclose(q.T @ q, np.eye(20), atol=1e-12)


def test_zero_matrix_and_exact_rank():
    model = SVDAutoencoder(2, random_state=0).fit(np.zeros((10, 5)))
    np.testing.assert_array_equal(model.singular_values_, 0)
    x = low_rank(50, 20, rank=3, noise=0.0)
    model = SVDAutoencoder(5, random_state=0).fit(x)  # asks for more than the rank
    # Values come from the eigenvalues of XᵀX: zeros are resolved to sqrt(eps) σ₁, not eps σ₁.
    assert model.singular_values_[3:].max() < 3 * np.sqrt(np.finfo(float).eps) * model.singular_values_[0]
    assert model.singular_values_[2] > 0.5 * 10


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_components=0), "n_components"),
    (dict(n_components=50), "n_components"),
    (dict(algorithm="lanczos"), "algorithm"),
    (dict(n_iter=0), "n_iter"),
    (dict(n_oversamples=-1), "n_oversamples"),
    (dict(batch_size=0), "batch_size"),
])
def test_bad_parameters(kwargs, match):
    params = dict(n_components=2, algorithm="randomized")
    params.update(kwargs)
    if "batch_size" in kwargs:
        params["algorithm"] = "minibatch"
    with pytest.raises(ValueError, match=match):
        SVDAutoencoder(**params).fit(np.ones((20, 10)))


def test_bad_input():
    x = np.ones((20, 10))
    x[3, 4] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SVDAutoencoder(2).fit(x)
    model = SVDAutoencoder(2, random_state=0).fit(np.random.default_rng(0).random((20, 10)))
    with pytest.raises(ValueError, match="features"):
        model.transform(np.ones((3, 11)))
    with pytest.raises(ValueError, match="codes"):
        model.inverse_transform(np.ones((3, 3)))
    with pytest.raises(ValueError, match="n_components=5"):  # a rank the features cannot give
        SVDAutoencoder(5).partial_fit(np.random.default_rng(0).random((10, 3)))
    with pytest.raises(ValueError, match="n_components=5"):
        SVDAutoencoder(5, algorithm="minibatch").fit(np.random.default_rng(0).random((4, 30)))
    with pytest.raises(ValueError, match="too large"):
        SVDAutoencoder(2, algorithm="exact").fit(sp.random(20000, 10000, density=1e-6, format="csr"))
