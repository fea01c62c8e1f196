"""Batched capsule routing against float64 numpy references of the same maths (routing.md)."""

import numpy as np
import pytest

from unsup.cluster import dynamic_routing, em_routing

# ---- float64 references, written from the formulas -------------------------------------------


def softmax(x, axis):
    z = x - x.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)

def squash(s, eps):
    n2 = (s * s).sum(-1, keepdims=True)
    n = np.sqrt(n2)
    f = np.divide(n, eps + n2, out=np.zeros_like(n), where=n > 0)
    return s * f

def ref_dynamic(u, n_iter, variant, eps):
    u = np.asarray(u, dtype=np.float64)
    B, n_in, n_out, D = u.shape
    if variant == "su":
        v = u.sum(axis=1) / n_out
        for _ in range(n_iter):
            n = np.linalg.norm(v, axis=-1, keepdims=True)
            vh = np.divide(v, n, out=np.zeros_like(v), where=n > 0)
            c = softmax(np.einsum("bijd,bjd->bij", u, vh), axis=2)
            v = np.einsum("bij,bijd->bjd", c, u)
        return squash(v, eps), c
    b = np.zeros((B, n_in, n_out))
    for t in range(n_iter):
        c = softmax(b, axis=2)
        v = squash(np.einsum("bij,bijd->bjd", c, u), eps)
        if t + 1 < n_iter:
            b = b + np.einsum("bijd,bjd->bij", u, v)
    return v, c

def log_sigmoid(x):
    return np.where(x >= 0, -np.log1p(np.exp(-np.abs(x))), x - np.log1p(np.exp(-np.abs(x))))

def ref_em(votes, a_in, n_iter, beta_u, beta_a, lam, eps):
    V = np.asarray(votes, dtype=np.float64)
    a = np.asarray(a_in, dtype=np.float64)
    B, n_in, n_out, D = V.shape
    lam = np.broadcast_to(np.asarray(lam, dtype=np.float64), (n_iter,))
    R = np.full((B, n_in, n_out), 1.0 / n_out)
    for t in range(n_iter):
        r = a[:, :, None] * R
        m = r.sum(axis=1)
        has = m > 0
        safe = np.where(has, m, 1.0)[..., None]
        M = np.einsum("bij,bijd->bjd", r, V) / safe
        var = np.einsum("bij,bijd->bjd", r, (V - M[:, None]) ** 2) / safe + eps
        M = np.where(has[..., None], M, 0.0)
        var = np.where(has[..., None], var, 1.0)
        cost = (beta_u + 0.5 * np.log(var).sum(-1)) * m
        x = lam[t] * (beta_a - cost)
        act = np.exp(log_sigmoid(x))
        if t + 1 == n_iter:
            return M, act, R
        logp = -0.5 * (((V - M[:, None]) ** 2 / var[:, None]).sum(-1) + np.log(2 * np.pi * var).sum(-1)[:, None])
        R = softmax(log_sigmoid(x)[:, None, :] + logp, axis=2)


EPS = {"su": 0.5, "sabour": 1.0}
SHAPES = [(3, 37, 5, 16), (2, 20, 3, 7), (2, 9, 4, 1), (1, 40, 1, 33), (2, 17, 10, 8), (1, 1, 2, 16)]


def _u(shape, dtype, seed=0, scale=1.0):
    return (scale * np.random.default_rng(seed).normal(size=shape)).astype(dtype)


def _rel(a, b):
    return np.abs(np.asarray(a, np.float64) - b).max() / max(np.abs(b).max(), 1e-300)


# ---- dynamic routing -------------------------------------------------------------------------

@pytest.mark.parametrize("variant", ["su", "sabour"])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("n_iter", [1, 3])
def test_dynamic_matches_reference_float64(variant, shape, n_iter):
    u = _u(shape, np.float64, seed=sum(shape))
    v, c = dynamic_routing(u, n_iter, variant, return_couplings=True)
    rv, rc = ref_dynamic(u, n_iter, variant, EPS[variant])
    assert v.dtype == np.float64 and c.dtype == np.float64
    assert v.shape == rv.shape and c.shape == rc.shape
    assert _rel(v, rv) < 1e-10
    assert np.abs(c - rc).max() < 1e-10


@pytest.mark.parametrize("variant", ["su", "sabour"])
@pytest.mark.parametrize("shape", SHAPES)
def test_dynamic_float32_stays_float32_and_matches(variant, shape):
    u = _u(shape, np.float32, seed=7 + sum(shape))
    v, c = dynamic_routing(u, 3, variant, return_couplings=True)
    assert v.dtype == np.float32 and c.dtype == np.float32
    rv, rc = ref_dynamic(u, 3, variant, EPS[variant])
    assert _rel(v, rv) < 1e-5
    assert np.abs(c - rc).max() < 1e-5


def test_dynamic_capsnet_shape_float32():
    # The CapsNet digit layer (1152 inputs, 10 outputs, 16-d), two samples.
    u = _u((2, 1152, 10, 16), np.float32, seed=3, scale=0.1)
    for variant in ("su", "sabour"):
        v, c = dynamic_routing(u, 3, variant, return_couplings=True)
        rv, rc = ref_dynamic(u, 3, variant, EPS[variant])
        assert _rel(v, rv) < 1e-5
        assert np.abs(c - rc).max() < 1e-5


def test_softmax_runs_over_output_capsules():
    # One input whose prediction for output 0 points along the centre: its coupling to 0 is the
    # largest of its row, and every row (input i) sums to 1 over the outputs j (axis 2).
    rng = np.random.default_rng(5)
    u = rng.normal(size=(2, 30, 4, 6))
    v, c = dynamic_routing(u, 3, return_couplings=True)
    np.testing.assert_allclose(c.sum(axis=2), 1.0, atol=1e-12)
    assert not np.allclose(c.sum(axis=1), 1.0)  # not a softmax over the inputs
    _, rc = ref_dynamic(u, 3, "su", 0.5)
    np.testing.assert_allclose(c, rc, atol=1e-12)
    # A softmax taken over the wrong axis gives a different answer: the reference must notice.
    wrong = softmax(np.log(rc), axis=1)
    assert np.abs(wrong - c).max() > 1e-3


def test_squash_of_zero_is_zero():
    u = np.zeros((2, 5, 3, 4))
    for variant in ("su", "sabour"):
        v, c = dynamic_routing(u, 3, variant, return_couplings=True)
        assert np.isfinite(v).all() and not v.any()
        np.testing.assert_allclose(c, 1.0 / 3)
    # squash_eps = 0 turns the squash into normalisation, still 0 for a zero vector.
    v = dynamic_routing(u, 2, "sabour", squash_eps=0.0)
    assert not v.any()


def test_squash_eps_is_used():
    u = _u((2, 11, 3, 5), np.float64, seed=9)
    for variant in ("su", "sabour"):
        for eps in (0.0, 0.25, 2.0):
            v = dynamic_routing(u, 2, variant, squash_eps=eps)
            rv, _ = ref_dynamic(u, 2, variant, eps)
            assert _rel(v, rv) < 1e-10
    a = dynamic_routing(u, 2, "su")
    b = dynamic_routing(u, 2, "su", squash_eps=1.0)
    assert np.abs(a - b).max() > 1e-3


def test_squashed_norms_below_one():
    v = dynamic_routing(_u((4, 50, 6, 8), np.float32, seed=1), 3, "sabour")
    assert (np.linalg.norm(v, axis=-1) < 1).all()


def test_dynamic_batch_one_n_out_one_dim_one():
    u = _u((1, 13, 1, 1), np.float64, seed=2)
    v, c = dynamic_routing(u, 3, return_couplings=True)
    rv, rc = ref_dynamic(u, 3, "su", 0.5)
    assert _rel(v, rv) < 1e-10
    np.testing.assert_array_equal(c, 1.0)


def test_dynamic_empty_batch():
    v, c = dynamic_routing(np.zeros((0, 4, 3, 2), np.float32), return_couplings=True)
    assert v.shape == (0, 3, 2) and c.shape == (0, 4, 3) and v.dtype == np.float32


@pytest.mark.parametrize("variant", ["su", "sabour"])
def test_large_values_stay_finite(variant):
    # Logits of order +-1e4: exp must not overflow, the couplings become (nearly) one-hot.
    rng = np.random.default_rng(4)
    u = 1e4 * np.sign(rng.normal(size=(2, 20, 4, 16))).astype(np.float32) / 4
    v, c = dynamic_routing(u, 3, variant, return_couplings=True)
    assert np.isfinite(v).all() and np.isfinite(c).all()
    np.testing.assert_allclose(c.sum(axis=2), 1.0, rtol=1e-5)
    rv, rc = ref_dynamic(u, 3, variant, EPS[variant])
    assert _rel(v, rv) < 1e-4


def test_other_dtypes_become_float64_and_non_contiguous_is_accepted():
    u = np.random.default_rng(0).integers(-3, 4, size=(2, 6, 3, 5))
    v = dynamic_routing(u)
    assert v.dtype == np.float64
    rv, _ = ref_dynamic(u.astype(np.float64), 3, "su", 0.5)
    assert _rel(v, rv) < 1e-10
    big = _u((2, 6, 3, 10), np.float64)
    view = big[..., ::2]
    assert not view.flags.c_contiguous
    assert _rel(dynamic_routing(view), ref_dynamic(np.ascontiguousarray(view), 3, "su", 0.5)[0]) < 1e-10


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dynamic_threads_bitwise_equal(dtype):
    u = _u((9, 70, 6, 16), dtype, seed=11)
    for variant in ("su", "sabour"):
        v1, c1 = dynamic_routing(u, 3, variant, return_couplings=True, n_jobs=1)
        v2, c2 = dynamic_routing(u, 3, variant, return_couplings=True, n_jobs=2)
        assert v1.tobytes() == v2.tobytes() and c1.tobytes() == c2.tobytes()


def test_dynamic_bad_inputs():
    u = np.zeros((2, 3, 4, 5))
    with pytest.raises(ValueError, match="u_hat"):
        dynamic_routing(np.zeros((3, 4, 5)))
    with pytest.raises(ValueError, match="u_hat"):
        dynamic_routing(np.zeros((2, 0, 4, 5)))
    with pytest.raises(ValueError, match="u_hat"):
        dynamic_routing(np.zeros((2, 3, 4, 0)))
    bad = u.copy()
    bad[1, 2, 3, 4] = np.nan
    with pytest.raises(ValueError, match="u_hat"):
        dynamic_routing(bad)
    bad[1, 2, 3, 4] = np.inf
    with pytest.raises(ValueError, match="u_hat"):
        dynamic_routing(bad.astype(np.float32))
    with pytest.raises(ValueError, match="u_hat"):
        dynamic_routing(np.array([[[["a"]]]]))
    with pytest.raises(ValueError, match="variant"):
        dynamic_routing(u, variant="hinton")
    with pytest.raises(ValueError, match="n_iter"):
        dynamic_routing(u, n_iter=0)
    with pytest.raises(ValueError, match="n_iter"):
        dynamic_routing(u, n_iter=2.5)
    with pytest.raises(ValueError, match="squash_eps"):
        dynamic_routing(u, squash_eps=-1.0)
    with pytest.raises(ValueError, match="squash_eps"):
        dynamic_routing(u, squash_eps=float("nan"))
    with pytest.raises(ValueError, match="n_jobs"):
        dynamic_routing(u, n_jobs=0)
    with pytest.raises(ValueError, match="u_hat"):
        dynamic_routing(np.broadcast_to(np.zeros(1, np.float32), (1, 2**20, 2**20, 2)))


# ---- EM routing ------------------------------------------------------------------------------

EM_CASES = [
    # shape, beta_u, beta_a, inv_temp
    ((3, 37, 5, 16), -1.0, 0.5, 0.01),
    ((2, 20, 3, 7), 0.3, -0.2, [0.05, 0.2, 1.0]),
    ((2, 9, 4, 1), 0.0, 0.0, None),
    ((1, 40, 1, 33), -2.0, 1.0, 0.02),
    ((2, 17, 10, 8), 0.5, 2.0, 0.1),
]


@pytest.mark.parametrize("shape,beta_u,beta_a,inv_temp", EM_CASES)
def test_em_matches_reference_float64(shape, beta_u, beta_a, inv_temp):
    rng = np.random.default_rng(sum(shape))
    votes = rng.normal(size=shape)
    a_in = rng.uniform(size=shape[:2])
    n_iter = 3
    lam = (np.arange(1, n_iter + 1) / n_iter) if inv_temp is None else inv_temp
    p, act, r = em_routing(votes, a_in, n_iter, beta_u, beta_a, inv_temp, return_assignments=True)
    rp, ra, rr = ref_em(votes, a_in, n_iter, beta_u, beta_a, lam, 1e-8)
    assert p.dtype == act.dtype == r.dtype == np.float64
    assert _rel(p, rp) < 1e-10
    assert np.abs(act - ra).max() < 1e-10
    assert np.abs(r - rr).max() < 1e-10
    np.testing.assert_allclose(r.sum(axis=2), 1.0, atol=1e-12)
    # The activations are not saturated in these cases: the comparison means something.
    assert ((ra > 1e-3) & (ra < 1 - 1e-3)).any()


@pytest.mark.parametrize("shape,beta_u,beta_a,inv_temp", EM_CASES)
def test_em_float32_matches_reference(shape, beta_u, beta_a, inv_temp):
    rng = np.random.default_rng(100 + sum(shape))
    votes = rng.normal(size=shape).astype(np.float32)
    a_in = rng.uniform(size=shape[:2]).astype(np.float32)
    lam = (np.arange(1, 4) / 3) if inv_temp is None else inv_temp
    p, act, r = em_routing(votes, a_in, 3, beta_u, beta_a, inv_temp, return_assignments=True)
    assert p.dtype == act.dtype == r.dtype == np.float32
    rp, ra, rr = ref_em(votes, a_in, 3, beta_u, beta_a, lam, 1e-8)
    # float32 log-likelihoods of 16 terms carry ~1e-6 relative error into R; 1e-5 holds.
    assert _rel(p, rp) < 1e-5
    assert np.abs(act - ra).max() < 1e-5
    assert np.abs(r - rr).max() < 1e-5


def test_em_capsnet_shape_float32():
    rng = np.random.default_rng(8)
    votes = (0.1 * rng.normal(size=(2, 1152, 10, 16))).astype(np.float32)
    a_in = rng.uniform(size=(2, 1152)).astype(np.float32)
    p, act, r = em_routing(votes, a_in, 3, beta_u=-30.0, beta_a=0.0, inv_temp=1e-3, return_assignments=True)
    rp, ra, rr = ref_em(votes, a_in, 3, -30.0, 0.0, 1e-3, 1e-8)
    assert _rel(p, rp) < 1e-5
    assert np.abs(act - ra).max() < 1e-5
    assert np.abs(r - rr).max() < 1e-5


def test_em_one_iteration_uniform_assignments():
    rng = np.random.default_rng(1)
    votes = rng.normal(size=(2, 6, 3, 4))
    a_in = rng.uniform(size=(2, 6))
    p, act, r = em_routing(votes, a_in, 1, return_assignments=True)
    np.testing.assert_array_equal(r, 1.0 / 3)
    w = a_in / a_in.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(p, np.einsum("bi,bijd->bjd", w, votes), rtol=1e-12)
    rp, ra, _ = ref_em(votes, a_in, 1, 0.0, 0.0, [1.0], 1e-8)
    np.testing.assert_allclose(act, ra, rtol=1e-12)


def test_em_zero_activations_and_n_out_one():
    votes = np.random.default_rng(2).normal(size=(1, 5, 1, 3))
    p, act = em_routing(votes, np.zeros((1, 5)), 3)
    # No mass: pose 0, cost 0, activation sigmoid(lambda * beta_a) = 1/2.
    assert not p.any()
    np.testing.assert_allclose(act, 0.5)
    p, act, r = em_routing(votes, np.ones((1, 5)), 3, return_assignments=True)
    np.testing.assert_allclose(p[0, 0], votes[0, :, 0].mean(axis=0), rtol=1e-12)
    np.testing.assert_array_equal(r, 1.0)


def test_em_identical_votes_use_the_floor():
    votes = np.ones((1, 4, 2, 3))
    p, act = em_routing(votes, np.ones((1, 4)), 3, eps=1e-6)
    np.testing.assert_allclose(p, 1.0)
    assert np.isfinite(act).all()
    rp, ra, _ = ref_em(votes, np.ones((1, 4)), 3, 0.0, 0.0, np.arange(1, 4) / 3, 1e-6)
    np.testing.assert_allclose(act, ra, rtol=1e-12)


def test_em_large_values_finite():
    rng = np.random.default_rng(6)
    votes = (1e4 * rng.normal(size=(2, 30, 4, 16))).astype(np.float32)
    p, act, r = em_routing(votes, rng.uniform(size=(2, 30)), 3, inv_temp=1.0, return_assignments=True)
    assert np.isfinite(p).all() and np.isfinite(act).all() and np.isfinite(r).all()
    np.testing.assert_allclose(r.sum(axis=2), 1.0, rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_em_threads_bitwise_equal(dtype):
    rng = np.random.default_rng(12)
    votes = rng.normal(size=(9, 70, 6, 16)).astype(dtype)
    a_in = rng.uniform(size=(9, 70)).astype(dtype)
    out1 = em_routing(votes, a_in, 3, beta_u=-1.0, inv_temp=0.05, return_assignments=True, n_jobs=1)
    out2 = em_routing(votes, a_in, 3, beta_u=-1.0, inv_temp=0.05, return_assignments=True, n_jobs=2)
    for x, y in zip(out1, out2):
        assert x.tobytes() == y.tobytes()


def test_em_default_schedule_is_linear_to_one():
    rng = np.random.default_rng(13)
    votes = rng.normal(size=(2, 12, 3, 4))
    a_in = rng.uniform(size=(2, 12))
    default = em_routing(votes, a_in, 4, beta_u=0.2)
    explicit = em_routing(votes, a_in, 4, beta_u=0.2, inv_temp=[0.25, 0.5, 0.75, 1.0])
    for x, y in zip(default, explicit):
        np.testing.assert_array_equal(x, y)
    constant = em_routing(votes, a_in, 4, beta_u=0.2, inv_temp=1.0)
    assert np.abs(constant[1] - default[1]).max() > 1e-6


def test_em_bad_inputs():
    votes = np.zeros((2, 3, 4, 5))
    a_in = np.full((2, 3), 0.5)
    with pytest.raises(ValueError, match="votes"):
        em_routing(np.zeros((3, 4, 5)), a_in)
    with pytest.raises(ValueError, match="votes"):
        em_routing(np.zeros((2, 3, 0, 5)), a_in)
    bad = votes.copy()
    bad[0, 1, 2, 3] = np.nan
    with pytest.raises(ValueError, match="votes"):
        em_routing(bad, a_in)
    with pytest.raises(ValueError, match="a_in"):
        em_routing(votes, np.full((2, 4), 0.5))
    with pytest.raises(ValueError, match="a_in"):
        em_routing(votes, np.full((2, 3), 1.5))
    with pytest.raises(ValueError, match="a_in"):
        em_routing(votes, np.full((2, 3), -0.1))
    with pytest.raises(ValueError, match="a_in"):
        em_routing(votes, np.full((2, 3), np.nan))
    with pytest.raises(ValueError, match="n_iter"):
        em_routing(votes, a_in, n_iter=0)
    with pytest.raises(ValueError, match="inv_temp"):
        em_routing(votes, a_in, 3, inv_temp=[1.0, 2.0])
    with pytest.raises(ValueError, match="inv_temp"):
        em_routing(votes, a_in, 2, inv_temp=[1.0, -2.0])
    with pytest.raises(ValueError, match="inv_temp"):
        em_routing(votes, a_in, 2, inv_temp=0.0)
    with pytest.raises(ValueError, match="eps"):
        em_routing(votes, a_in, eps=0.0)
    with pytest.raises(ValueError, match="beta_u"):
        em_routing(votes, a_in, beta_u=float("inf"))
    with pytest.raises(ValueError, match="beta_a"):
        em_routing(votes, a_in, beta_a="x")
