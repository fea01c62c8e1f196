"""GaussianMixture against a float64 NumPy EM written here, against scikit-learn from identical
starting parameters, and its determinism, sparse input, degenerate data and partial_fit."""

import logging
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import logsumexp
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture as SkGaussianMixture

from unsup import _core
from unsup.cluster import GaussianMixture
from unsup.cluster.gaussian_mixture import _m_step, _Stats

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

EPS_MASS = 10 * np.finfo(np.float64).eps


def blobs(n=600, d=5, k=3, seed=0, spread=4.0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0.0, spread, (k, d))
    scales = rng.uniform(0.5, 2.0, (k, d))
    labels = rng.integers(0, k, n)
    x = centres[labels] + rng.standard_normal((n, d)) * scales[labels]
    return x.astype(dtype)


def start(x, k, covariance_type, seed=1):
    """Deterministic starting parameters: rows as means, the data covariance for every component."""
    rng = np.random.default_rng(seed)
    means = x[rng.choice(x.shape[0], k, replace=False)].astype(np.float64)
    weights = rng.uniform(0.5, 1.5, k)
    weights /= weights.sum()
    cov = np.cov(x.astype(np.float64).T) + 0.1 * np.eye(x.shape[1])
    if covariance_type == "diag":
        precisions = np.tile(1.0 / np.diag(cov), (k, 1)) * rng.uniform(0.8, 1.2, (k, x.shape[1]))
    else:
        precisions = np.array([np.linalg.inv(cov * s) for s in rng.uniform(0.8, 1.2, k)])
    return dict(weights_init=weights, means_init=means, precisions_init=precisions)


# ---------------------------------------------------------------------- a NumPy reference
def ref_log_prob(x, weights, means, precisions, covariance_type):
    """log π_j + log N(x_i; μ_j, P_j⁻¹), straight from the density (float64)."""
    x = x.astype(np.float64)
    n, d = x.shape
    out = np.empty((n, len(weights)))
    for j in range(len(weights)):
        diff = x - means[j]
        if covariance_type == "diag":
            quad = np.sum(diff * diff * precisions[j], axis=1)
            logdet = np.sum(np.log(precisions[j]))
        else:
            quad = np.einsum("ij,jk,ik->i", diff, precisions[j], diff)
            logdet = np.linalg.slogdet(precisions[j])[1]
        out[:, j] = np.log(weights[j]) - 0.5 * quad + 0.5 * logdet - 0.5 * d * np.log(2 * np.pi)
    return out


def ref_statistics(x, weights, means, precisions, covariance_type):
    """E-step: (responsibilities, Σ log p(x))."""
    lp = ref_log_prob(x, weights, means, precisions, covariance_type)
    norm = logsumexp(lp, axis=1)
    return np.exp(lp - norm[:, None]), float(norm.sum())


def ref_m_step(x, resp, covariance_type, reg_covar):
    """Two-pass M-step: weights, means, covariances, precisions (float64)."""
    x = x.astype(np.float64)
    nk = resp.sum(axis=0) + EPS_MASS
    means = resp.T @ x / nk[:, None]
    if covariance_type == "diag":
        cov = np.array([resp[:, j] @ (x - means[j]) ** 2 for j in range(len(nk))]) / nk[:, None] + reg_covar
        prec = 1.0 / cov
    else:
        cov = np.array([(resp[:, j, None] * (x - means[j])).T @ (x - means[j]) / nk[j] for j in range(len(nk))])
        cov += reg_covar * np.eye(x.shape[1])
        prec = np.linalg.inv(cov)
    return nk / nk.sum(), means, cov, prec


def ref_em(x, init, covariance_type, n_iter, reg_covar=1e-6):
    weights, means = init["weights_init"], init["means_init"]
    precisions = np.asarray(init["precisions_init"], dtype=np.float64)
    bound = None
    for _ in range(n_iter):
        resp, total = ref_statistics(x, weights, means, precisions, covariance_type)
        bound = total / x.shape[0]
        weights, means, cov, precisions = ref_m_step(x, resp, covariance_type, reg_covar)
    return weights, means, cov, precisions, bound


# ---------------------------------------------------------------------- EM against the references
@pytest.mark.parametrize("covariance_type", ["diag", "full"])
@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-8), (np.float32, 1e-5)])
def test_em_matches_numpy_reference(covariance_type, dtype, rtol):
    x = blobs(2500, 6, 4, seed=3, dtype=dtype)  # several 1024-row chunks
    init = start(x, 4, covariance_type)
    gm = GaussianMixture(4, covariance_type=covariance_type, max_iter=6, tol=0.0, **init).fit(x)
    weights, means, cov, prec, bound = ref_em(x, init, covariance_type, 6)
    assert gm.means_.dtype == dtype and gm.covariances_.dtype == dtype
    np.testing.assert_allclose(gm.weights_, weights, rtol=rtol)
    np.testing.assert_allclose(gm.means_, means, rtol=rtol, atol=rtol * np.abs(means).max())
    np.testing.assert_allclose(gm.covariances_, cov, rtol=rtol, atol=rtol * np.abs(cov).max())
    np.testing.assert_allclose(gm.precisions_, prec, rtol=10 * rtol, atol=10 * rtol * np.abs(prec).max())
    np.testing.assert_allclose(gm.lower_bound_, bound, rtol=rtol)
    assert gm.n_iter_ == 6 and not gm.converged_
    u = gm.precisions_cholesky_.astype(np.float64)
    if covariance_type == "full":
        np.testing.assert_allclose(u @ u.transpose(0, 2, 1), gm.precisions_, rtol=1e-4 if dtype == np.float32 else 1e-9)
        assert np.allclose(np.tril(u, -1), 0.0)  # the upper-triangular factor


@pytest.mark.parametrize("covariance_type", ["diag", "full"])
def test_scores_match_the_density(covariance_type):
    x = blobs(400, 4, 3, seed=5)
    gm = GaussianMixture(3, covariance_type=covariance_type, random_state=0).fit(x)
    lp = ref_log_prob(x, gm.weights_, gm.means_, gm.precisions_, covariance_type)
    np.testing.assert_allclose(gm.score_samples(x), logsumexp(lp, axis=1), rtol=1e-10)
    proba = gm.predict_proba(x)
    np.testing.assert_allclose(proba, np.exp(lp - logsumexp(lp, axis=1)[:, None]), atol=1e-10)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(gm.predict(x), np.argmax(lp, axis=1))
    np.testing.assert_array_equal(gm.fit_predict(x), gm.predict(x))
    assert gm.score(x) == pytest.approx(np.mean(logsumexp(lp, axis=1)), rel=1e-12)


@pytest.mark.parametrize("covariance_type", ["diag", "full"])
def test_matches_scikit_learn_from_identical_parameters(covariance_type):
    x = blobs(3000, 8, 5, seed=7)
    init = start(x, 5, covariance_type, seed=2)
    ours = GaussianMixture(5, covariance_type=covariance_type, max_iter=8, tol=0.0, **init).fit(x)
    ref = SkGaussianMixture(5, covariance_type=covariance_type, max_iter=8, tol=0.0, **init).fit(x)
    assert ours.lower_bound_ == pytest.approx(ref.lower_bound_, rel=1e-10)
    np.testing.assert_allclose(ours.weights_, ref.weights_, rtol=1e-8)
    np.testing.assert_allclose(ours.means_, ref.means_, rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(ours.covariances_, ref.covariances_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ours.precisions_, ref.precisions_, rtol=1e-6, atol=1e-9)
    assert ours.score(x) == pytest.approx(ref.score(x), rel=1e-10)
    np.testing.assert_allclose(ours.score_samples(x), ref.score_samples(x), rtol=1e-9)
    assert ours.bic(x) == pytest.approx(ref.bic(x), rel=1e-10)
    assert ours.aic(x) == pytest.approx(ref.aic(x), rel=1e-10)
    # Converged fits from the same start agree too.
    ours = GaussianMixture(5, covariance_type=covariance_type, tol=1e-8, max_iter=500, **init).fit(x)
    ref = SkGaussianMixture(5, covariance_type=covariance_type, tol=1e-8, max_iter=500, **init).fit(x)
    assert ours.converged_ and ref.converged_ and ours.n_iter_ == ref.n_iter_
    assert ours.lower_bound_ == pytest.approx(ref.lower_bound_, rel=1e-9)


# ---------------------------------------------------------------------- determinism and input forms
@pytest.mark.parametrize("covariance_type", ["diag", "full"])
def test_threads_do_not_change_a_bit(covariance_type):
    x = blobs(9000, 7, 4, seed=11)  # 9 chunks
    a = GaussianMixture(4, covariance_type=covariance_type, max_iter=5, tol=0, random_state=3, n_jobs=1).fit(x)
    b = GaussianMixture(4, covariance_type=covariance_type, max_iter=5, tol=0, random_state=3, n_jobs=2).fit(x)
    for name in ("weights_", "means_", "covariances_", "precisions_cholesky_"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert a.lower_bound_ == b.lower_bound_
    np.testing.assert_array_equal(a.score_samples(x), b.score_samples(x))


@pytest.mark.parametrize("init_params", ["k-means++", "random", "random_from_data"])
def test_same_seed_same_result_and_inits_work(init_params):
    x = blobs(800, 3, 3, seed=13, spread=8.0)
    a = GaussianMixture(3, init_params=init_params, random_state=5, n_init=2).fit(x)
    b = GaussianMixture(3, init_params=init_params, random_state=5, n_init=2).fit(x)
    np.testing.assert_array_equal(a.means_, b.means_)
    assert a.lower_bound_ == b.lower_bound_
    if init_params == "random":  # symmetric start: EM may stop early, but never below one Gaussian
        assert a.lower_bound_ >= GaussianMixture(1).fit(x).lower_bound_
    else:  # the seeded starts find the separated clusters
        assert a.lower_bound_ > SkGaussianMixture(3, random_state=0, n_init=3).fit(x).lower_bound_ - 0.05


@pytest.mark.parametrize("covariance_type", ["diag", "full"])
def test_sparse_equals_dense(covariance_type):
    rng = np.random.default_rng(17)
    x = blobs(1500, 10, 3, seed=17)
    x[rng.random(x.shape) < 0.4] = 0.0
    init = start(x, 3, covariance_type)
    x32 = x.astype(np.float32)
    for array, matrix in ((x, sp.csr_matrix(x)), (x, sp.csc_matrix(x)), (x32, sp.csr_matrix(x32))):
        dense = GaussianMixture(3, covariance_type=covariance_type, max_iter=4, tol=0, **init).fit(array)
        sparse = GaussianMixture(3, covariance_type=covariance_type, max_iter=4, tol=0, **init).fit(matrix)
        assert sparse.means_.dtype == array.dtype
        np.testing.assert_array_equal(sparse.means_, dense.means_)
        np.testing.assert_array_equal(sparse.covariances_, dense.covariances_)
        np.testing.assert_array_equal(sparse.score_samples(matrix), dense.score_samples(array))
    dense = GaussianMixture(3, covariance_type=covariance_type, max_iter=4, tol=0, **init).fit(x)
    wide = sp.csr_matrix(x)
    wide.indices = wide.indices.astype(np.int64)
    wide.indptr = wide.indptr.astype(np.int64)
    np.testing.assert_array_equal(dense.predict_proba(x), dense.predict_proba(wide))


def test_strided_and_fortran_input():
    x = blobs(500, 4, 2, seed=19)
    gm = GaussianMixture(2, random_state=0, max_iter=3, tol=0).fit(x)
    np.testing.assert_array_equal(gm.score_samples(np.asfortranarray(x)), gm.score_samples(x))
    wide = np.zeros((500, 8))
    wide[:, ::2] = x
    np.testing.assert_array_equal(gm.score_samples(wide[:, ::2]), gm.score_samples(x))


def test_float32_outputs_and_no_copy():
    x = blobs(700, 4, 3, seed=23, dtype=np.float32)
    gm = GaussianMixture(3, covariance_type="diag", random_state=0).fit(x)
    for name in ("weights_", "means_", "covariances_", "precisions_", "precisions_cholesky_"):
        assert getattr(gm, name).dtype == np.float32, name
    assert gm.score_samples(x).dtype == np.float32 and gm.predict_proba(x).dtype == np.float32
    ref = SkGaussianMixture(3, covariance_type="diag", random_state=0).fit(x)
    assert ref.means_.dtype == np.float32  # the convention followed


# ---------------------------------------------------------------------- degenerate data and bad input
@pytest.mark.parametrize("covariance_type", ["diag", "full"])
def test_duplicate_points_stay_finite(covariance_type):
    x = np.repeat(np.array([[1.0, 2.0, 3.0], [4.0, 4.0, 4.0]]), 50, axis=0)
    gm = GaussianMixture(2, covariance_type=covariance_type, random_state=0).fit(x)
    assert np.all(np.isfinite(gm.covariances_)) and np.all(np.isfinite(gm.score_samples(x)))
    variances = gm.covariances_ if covariance_type == "diag" else np.diagonal(gm.covariances_, axis1=1, axis2=2)
    np.testing.assert_allclose(variances, 1e-6, rtol=1e-6)  # reg_covar is the floor
    np.testing.assert_allclose(np.sort(gm.means_[:, 0]), [1.0, 4.0])


def test_constant_feature():
    x = blobs(400, 3, 2, seed=29)
    x[:, 1] = 7.0
    for covariance_type in ("diag", "full"):
        gm = GaussianMixture(2, covariance_type=covariance_type, random_state=0).fit(x)
        variances = gm.covariances_ if covariance_type == "diag" else np.diagonal(gm.covariances_, axis1=1, axis2=2)
        np.testing.assert_allclose(variances[:, 1], 1e-6, rtol=1e-6)
        assert np.all(np.isfinite(gm.score_samples(x)))


def test_bad_input_is_refused():
    x = blobs(50, 3, 2)
    with pytest.raises(ValueError, match="n_components"):
        GaussianMixture(60).fit(x)
    for bad in (np.nan, np.inf):
        y = x.copy()
        y[3, 1] = bad
        with pytest.raises(ValueError):
            GaussianMixture(2).fit(y)
    with pytest.raises(ValueError, match="init_params"):
        GaussianMixture(2, init_params="k-medoids").fit(x)
    with pytest.raises(ValueError, match="covariance_type"):
        GaussianMixture(2, covariance_type="tied").fit(x)
    with pytest.raises(ValueError, match="weights_init"):
        GaussianMixture(2, weights_init=[0.5, 0.6]).fit(x)
    with pytest.raises(ValueError, match="means_init"):
        GaussianMixture(2, means_init=np.zeros((3, 3))).fit(x)
    with pytest.raises(ValueError, match="precisions_init"):
        GaussianMixture(2, precisions_init=-np.ones((2, 3)), covariance_type="diag").fit(x)
    with pytest.raises(ValueError, match="precisions_init"):
        GaussianMixture(2, precisions_init=np.tile(-np.eye(3), (2, 1, 1))).fit(x)
    with pytest.raises(ValueError, match="reg_covar"):
        GaussianMixture(2, reg_covar=-1.0).fit(x)
    gm = GaussianMixture(2, random_state=0).fit(x)
    with pytest.raises(ValueError, match="features"):
        gm.predict(x[:, :2])


def test_core_checks_name_their_argument():
    x = blobs(20, 3, 2)
    args = (x, None, None, 3, "diag", 2, np.zeros(2), np.zeros((2, 3)), np.ones((2, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="nk"):
        _core.cluster.gmm_accumulate(*args, np.zeros(3), np.zeros((2, 3)), np.zeros((2, 3)), np.zeros(1))
    with pytest.raises(ValueError, match="labels"):
        _core.cluster.gmm_accumulate(*args, np.zeros(2), np.zeros((2, 3)), np.zeros((2, 3)), np.zeros(1),
                                     labels=np.full(20, 5))
    with pytest.raises(ValueError, match="precisions_cholesky"):
        _core.cluster.gmm_weighted_log_prob(x, None, None, 3, "diag", np.zeros(2), np.zeros((2, 3)), -np.ones((2, 3)))
    bad = sp.csr_matrix(x)
    bad.indices[0] = 7
    with pytest.raises(ValueError, match="column index"):
        _core.cluster.gmm_weighted_log_prob(bad.data, bad.indices, bad.indptr, 3, "diag", np.zeros(2),
                                            np.zeros((2, 3)), np.ones((2, 3)))


def test_verbose_logs_the_lower_bound(caplog):
    x = blobs(300, 3, 2)
    with caplog.at_level(logging.INFO, logger="unsup"):
        GaussianMixture(2, random_state=0, max_iter=3, tol=0, verbose=1).fit(x)
    assert sum("lower bound" in r.getMessage() for r in caplog.records) == 3


def test_convergence_warning_and_warm_start():
    x = blobs(600, 4, 3, seed=31)
    init = start(x, 3, "full")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        with pytest.raises(ConvergenceWarning):
            GaussianMixture(3, max_iter=2, tol=0, **init).fit(x)
    five = GaussianMixture(3, max_iter=5, tol=0, **init).fit(x)
    warm = GaussianMixture(3, max_iter=2, tol=0, warm_start=True, **init).fit(x)
    warm.set_params(max_iter=3).fit(x)
    np.testing.assert_array_equal(warm.means_, five.means_)
    np.testing.assert_array_equal(warm.covariances_, five.covariances_)


def test_sample():
    x = blobs(2000, 2, 2, seed=37, spread=10.0)
    for covariance_type in ("diag", "full"):
        gm = GaussianMixture(2, covariance_type=covariance_type, random_state=0).fit(x)
        draws, labels = gm.sample(20000)
        assert draws.shape == (20000, 2) and labels.shape == (20000,)
        for j in range(2):
            np.testing.assert_allclose(draws[labels == j].mean(axis=0), gm.means_[j], atol=0.1)
        np.testing.assert_allclose(np.bincount(labels) / 20000, gm.weights_, atol=0.02)


# ---------------------------------------------------------------------- partial_fit
def statistics(x, params, covariance_type, shift, into=None):
    k, d = params.means.shape
    stats = into if into is not None else _Stats(covariance_type, k, d, shift)
    data = (x.data, x.indices, x.indptr) if sp.issparse(x) else (x, None, None)
    _core.cluster.gmm_accumulate(*data, d, covariance_type, k, np.log(params.weights), params.means,
                                 params.prec_chol, stats.shift, stats.nk, stats.s1, stats.s2, stats.log_likelihood)
    return stats


@pytest.mark.parametrize("covariance_type", ["diag", "full"])
def test_statistics_merge_over_chunks(covariance_type):
    x = blobs(5000, 6, 3, seed=41)
    gm = GaussianMixture(3, covariance_type=covariance_type, random_state=0, max_iter=2, tol=0).fit(x)
    params = gm._current_params()
    shift = params.shift(covariance_type)
    whole = statistics(x, params, covariance_type, shift)
    grid = _core.cluster.GMM_CHUNK_ROWS
    aligned = None
    for lo, hi in ((0, grid), (grid, 3 * grid), (3 * grid, 5000)):
        aligned = statistics(x[lo:hi], params, covariance_type, shift, into=aligned)
    for name in ("nk", "s1", "s2", "log_likelihood"):
        np.testing.assert_array_equal(getattr(aligned, name), getattr(whole, name))
    merged = None
    for lo, hi in ((0, 777), (777, 2900), (2900, 5000)):
        merged = statistics(x[lo:hi], params, covariance_type, shift, into=merged)
    for name in ("nk", "s1", "s2", "log_likelihood"):
        np.testing.assert_allclose(getattr(merged, name), getattr(whole, name), rtol=1e-12, atol=1e-9)
    # The statistics are those of the definition.
    resp, total = ref_statistics(x, gm.weights_, gm.means_, gm.precisions_, covariance_type)
    z = x[:, None, :] - shift if covariance_type == "full" else (x - shift)[:, None, :]
    np.testing.assert_allclose(whole.nk, resp.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(whole.s1, np.einsum("ij,ijc->jc", resp, np.broadcast_to(z, (5000, 3, 6))),
                               rtol=1e-10, atol=1e-8)
    second = (np.einsum("ij,ijc->jc", resp, np.broadcast_to(z, (5000, 3, 6)) ** 2) if covariance_type == "diag"
              else np.einsum("ij,ija,ijb->jab", resp, np.broadcast_to(z, (5000, 3, 6)),
                             np.broadcast_to(z, (5000, 3, 6))))
    np.testing.assert_allclose(whole.s2, second, rtol=1e-10, atol=1e-8)
    assert whole.log_likelihood[0] == pytest.approx(total, rel=1e-12)


@pytest.mark.parametrize("covariance_type", ["diag", "full"])
def test_one_partial_fit_is_one_em_iteration(covariance_type):
    x = blobs(3000, 5, 3, seed=43)
    init = start(x, 3, covariance_type)
    fit = GaussianMixture(3, covariance_type=covariance_type, max_iter=1, tol=0, **init).fit(x)
    online = GaussianMixture(3, covariance_type=covariance_type, **init).partial_fit(x)
    for name in ("weights_", "means_", "covariances_", "precisions_cholesky_"):
        np.testing.assert_array_equal(getattr(online, name), getattr(fit, name))
    assert online.lower_bound_ == fit.lower_bound_ and online.n_samples_seen_ == 3000


@pytest.mark.parametrize("covariance_type", ["diag", "full"])
def test_partial_fit_sequence_matches_cumulative_reference(covariance_type):
    x = blobs(4000, 5, 3, seed=47)
    init = start(x, 3, covariance_type)
    bounds = [0, 700, 1500, 2600, 4000]
    online = GaussianMixture(3, covariance_type=covariance_type, **init)
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        online.partial_fit(x[lo:hi])
    # Cumulative online EM in float64: E-step of each chunk with the current parameters, the
    # chunk's statistics added to the running sums, parameters = M-step of the sums.
    weights, means = init["weights_init"], init["means_init"]
    precisions = init["precisions_init"]
    nk = np.zeros(3)
    sx = np.zeros((3, 5))
    sxx = np.zeros((3, 5)) if covariance_type == "diag" else np.zeros((3, 5, 5))
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        chunk = x[lo:hi]
        resp, _ = ref_statistics(chunk, weights, means, precisions, covariance_type)
        nk += resp.sum(axis=0)
        sx += resp.T @ chunk
        if covariance_type == "diag":
            sxx += resp.T @ chunk ** 2
        else:
            sxx += np.einsum("ij,ia,ib->jab", resp, chunk, chunk)
        mass = nk + EPS_MASS
        means = sx / mass[:, None]
        if covariance_type == "diag":
            cov = sxx / mass[:, None] - means ** 2 + 1e-6
            precisions = 1.0 / cov
        else:
            cov = sxx / mass[:, None, None] - np.einsum("ja,jb->jab", means, means) + 1e-6 * np.eye(5)
            precisions = np.linalg.inv(cov)
        weights = mass / mass.sum()
    np.testing.assert_allclose(online.weights_, weights, rtol=1e-9)
    np.testing.assert_allclose(online.means_, means, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(online.covariances_, cov, rtol=1e-8, atol=1e-10)
    assert online.n_samples_seen_ == 4000 and online.n_iter_ == 4


def test_partial_fit_after_fit_and_feature_check():
    x = blobs(1000, 4, 2, seed=53)
    gm = GaussianMixture(2, random_state=0).fit(x)
    before = gm.means_.copy()
    gm.partial_fit(x[:500])
    assert gm.n_samples_seen_ == 500 and not np.array_equal(gm.means_, before)
    with pytest.raises(ValueError, match="features"):
        gm.partial_fit(x[:, :3])


def test_m_step_from_statistics_avoids_cancellation():
    # Far from the origin with a small spread: one-pass moments around the origin lose every digit.
    rng = np.random.default_rng(59)
    x = 1e8 + rng.standard_normal((4000, 2))
    resp = np.ones((4000, 1))
    stats = _Stats("full", 1, 2, np.array([[1e8 + 0.3, 1e8 - 0.2]]))
    _core.cluster.gmm_accumulate(x, None, None, 2, "full", 1, None, None, None, stats.shift, stats.nk, stats.s1,
                                 stats.s2, stats.log_likelihood, responsibilities=resp)
    params = _m_step(stats, "full", 0.0)
    np.testing.assert_allclose(params.covariances[0], np.cov(x.T, bias=True), rtol=1e-9)


@pytest.mark.parametrize("covariance_type", ["diag", "full"])
def test_kmeans_start_finds_planted_components(covariance_type):
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(4)
    centres = rng.normal(scale=10.0, size=(3, 4))
    truth = np.repeat(np.arange(3), 100)
    x = centres[truth] + rng.normal(size=(300, 4))
    gm = GaussianMixture(3, covariance_type=covariance_type, init_params="kmeans", random_state=0).fit(x)
    assert adjusted_rand_score(truth, gm.predict(x)) == 1.0
    assert gm.converged_
