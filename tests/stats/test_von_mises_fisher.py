"""unsup.stats.von_mises_fisher: the inverse-CDF sampler against exact laws, A_d(κ) and scipy."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
import scipy.stats

import unsup.stats.von_mises_fisher as vmf_module
from unsup.stats import (
    sample_vmf,
    sample_vmf_cosine,
    vmf_angle_quantiles,
    vmf_kl_to_uniform,
    vmf_mean_cosine,
)


def _cosine_variance(kappa: float, dim: int) -> float:
    # Var w = 1 - A² - (d-1) A / κ (differentiate log I_{d/2-1} twice).
    a = vmf_mean_cosine(kappa, dim)
    return 1.0 - a * a - (dim - 1) * a / kappa


def test_docstring_examples():
    assert doctest.testmod(vmf_module).failed == 0


@pytest.mark.parametrize("kappa, dim", [
    (1.0, 2),            # circle, diffuse: A = I1/I0 = 0.446
    (2.0, 3),            # A = coth 2 - 1/2
    (20.0, 10),
    (100.0, 100),
    (1000.0, 1000),      # A = 0.618: mass far from both ends
    (1e5, 3),            # very concentrated, low dimension
    (1e5, 1000),
])
def test_mean_cosine_of_samples_matches_bessel_ratio(kappa, dim):
    a = vmf_mean_cosine(kappa, dim)
    # Enough draws that 1% of A is 5.5 standard errors of the sample mean: the test has power.
    n = max(20_000, math.ceil(_cosine_variance(kappa, dim) * (5.5 / (0.01 * a)) ** 2))
    assert 5 * math.sqrt(_cosine_variance(kappa, dim) / n) <= 0.01 * a
    w = sample_vmf_cosine(kappa, dim, n, random_state=1)
    assert abs(w.mean() - a) <= 0.01 * a


@pytest.mark.parametrize("kappa, dim", [(1e5, 3), (1e5, 1000), (1e8, 2)])
def test_concentrated_cases_resolve_one_minus_cosine(kappa, dim):
    # Where A ≈ 1 the test above is trivial: compare E[1 - w] = 1 - A within 1% (≥ 5σ).
    # κ(1 - w) is nearly Gamma((d-1)/2): relative sd √(2/(d-1)); 5.5σ ≤ 1% needs n ≥ 6e5/(d-1).
    gap = 1.0 - vmf_mean_cosine(kappa, dim)
    w = sample_vmf_cosine(kappa, dim, 20_000 + 610_000 // (dim - 1), random_state=2)
    assert abs(np.mean(1.0 - w) - gap) <= 0.01 * gap
    assert 5 * np.std(1.0 - w) / math.sqrt(w.size) <= 0.01 * gap


def test_mean_cosine_closed_forms_and_limits():
    for kappa in (1e-3, 0.5, 2.0, 30.0):  # S²: coth κ - 1/κ
        assert vmf_mean_cosine(kappa, 3) == pytest.approx(1 / math.tanh(kappa) - 1 / kappa, rel=1e-9)
    assert vmf_mean_cosine(0.0, 2) == 0.0 and vmf_mean_cosine(0.0, 1000) == 0.0
    # Small κ: A ≈ κ/d. Large κ: A ≈ 1 - (d-1)/(2κ). Both ends where ive underflows or saturates.
    assert vmf_mean_cosine(1e-3, 1000) == pytest.approx(1e-6, rel=1e-6)
    assert vmf_mean_cosine(1.0, 5000) == pytest.approx(1 / 5000, rel=1e-3)
    assert 1 - vmf_mean_cosine(1e9, 11) == pytest.approx(10 / 2e9, rel=1e-3)
    values = [vmf_mean_cosine(k, 50) for k in np.logspace(-3, 6, 40)]
    assert all(0 < a < b < 1 for a, b in zip(values, values[1:]))


@pytest.mark.parametrize("kappa", [1e-3, 0.5, 5.0, 100.0, 1e5])
def test_angle_quantiles_match_the_exact_law_on_s2(kappa):
    # On S² the cosine has density ∝ e^{κw}: P(w ≥ c) = (1 - e^{-κ(1-c)}) … exactly.
    levels = np.linspace(0.0, 1.0, 2001)
    w = np.cos(vmf_angle_quantiles(kappa, 3, levels))
    upper = -np.expm1(-kappa * (1.0 - w)) / -np.expm1(-2.0 * kappa)
    assert np.max(np.abs(upper - levels)) < 1e-5


def test_kolmogorov_smirnov_against_the_exact_law_on_s2():
    kappa = 7.0
    w = sample_vmf([1.0, -2.0, 0.5], kappa, 20_000, random_state=3) @ (np.array([1.0, -2.0, 0.5]) / math.sqrt(5.25))
    cdf = lambda c: np.expm1(kappa * (c + 1.0)) / np.expm1(2.0 * kappa)  # noqa: E731
    assert scipy.stats.kstest(w, cdf).pvalue > 0.01


@pytest.mark.skipif(not hasattr(scipy.stats, "vonmises_fisher"), reason="scipy < 1.11 has no vonmises_fisher")
@pytest.mark.parametrize("kappa, dim", [(2.0, 2), (5.0, 3), (30.0, 10), (10.0, 50)])
def test_kolmogorov_smirnov_against_scipy(kappa, dim):
    mu = np.zeros(dim)
    mu[-1] = 1.0
    ours = sample_vmf(mu, kappa, 8000, random_state=4) @ mu
    theirs = scipy.stats.vonmises_fisher(mu, kappa).rvs(8000, random_state=np.random.default_rng(5)) @ mu
    assert scipy.stats.ks_2samp(ours, theirs).pvalue > 0.01


@pytest.mark.skipif(not hasattr(scipy.stats, "vonmises_fisher"), reason="scipy < 1.11 has no vonmises_fisher")
@pytest.mark.parametrize("kappa, dim", [(0.5, 2), (3.0, 3), (100.0, 100), (1e5, 1000)])
def test_kl_matches_scipy_entropy(kappa, dim):
    # KL(vMF ‖ uniform) = log |S^{d-1}| - H(vMF).
    log_area = math.log(2) + dim / 2 * math.log(math.pi) - math.lgamma(dim / 2)
    entropy = scipy.stats.vonmises_fisher(np.eye(dim)[0], kappa).entropy()
    assert vmf_kl_to_uniform(kappa, dim) == pytest.approx(log_area - entropy, rel=1e-8, abs=1e-10)


def test_kl_closed_form_limits_and_underflow():
    for kappa in (0.1, 3.0, 50.0):  # S²: κ coth κ - 1 + log(κ / sinh κ)
        expected = kappa / math.tanh(kappa) - 1 + math.log(kappa / math.sinh(kappa))
        assert vmf_kl_to_uniform(kappa, 3) == pytest.approx(expected, rel=1e-9)
    assert vmf_kl_to_uniform(0.0, 7) == 0.0
    # κ small next to d (I_{d/2-1}(κ) e^{-κ} underflows): KL ≈ κ²/(2d), the series branch.
    assert vmf_kl_to_uniform(1.0, 2000) == pytest.approx(1 / 4000, rel=1e-3)
    assert vmf_kl_to_uniform(2000.0, 10_000) > 0
    values = [vmf_kl_to_uniform(k, 20) for k in np.logspace(-2, 5, 30)]
    assert all(0 < a < b for a, b in zip(values, values[1:]))


def test_samples_are_unit_vectors_with_the_mean_direction():
    mu = np.array([3.0, 0.0, -4.0, 0.0, 1.0])
    z = sample_vmf(mu, 40.0, 50_000, random_state=6)
    assert z.shape == (50_000, 5) and z.dtype == np.float64
    np.testing.assert_allclose(np.linalg.norm(z, axis=1), 1.0, atol=1e-12)
    unit = mu / np.linalg.norm(mu)
    mean = z.mean(axis=0)
    # E z = A_d(κ) μ: the orthogonal part vanishes, the parallel one is A.
    assert np.linalg.norm(mean - (mean @ unit) * unit) < 0.01
    assert mean @ unit == pytest.approx(vmf_mean_cosine(40.0, 5), rel=0.01)


def test_kappa_zero_is_uniform_on_the_sphere():
    # On S² the uniform law makes every coordinate uniform on [-1, 1] (Archimedes).
    z = sample_vmf([0.3, 0.4, 1.2], 0.0, 20_000, random_state=7)
    for column in z.T:
        assert scipy.stats.kstest(column, scipy.stats.uniform(-1, 2).cdf).pvalue > 0.01
    # On the circle, the angle is uniform.
    z2 = sample_vmf([1.0, 1.0], 0.0, 20_000, random_state=8)
    angles = np.arctan2(z2[:, 1], z2[:, 0])
    assert scipy.stats.kstest(angles, scipy.stats.uniform(-math.pi, 2 * math.pi).cdf).pvalue > 0.01


def test_high_dimension_and_large_kappa_keep_unit_norm():
    z = sample_vmf(np.ones(1000), 1e5, 500, random_state=9)
    np.testing.assert_allclose(np.linalg.norm(z, axis=1), 1.0, atol=1e-12)
    cosines = z @ (np.ones(1000) / math.sqrt(1000))
    assert abs(cosines.mean() - vmf_mean_cosine(1e5, 1000)) < 1e-3


def test_reproducible_with_random_state():
    a = sample_vmf([1.0, 2.0, 3.0], 5.0, 100, random_state=42)
    b = sample_vmf([1.0, 2.0, 3.0], 5.0, 100, random_state=42)
    c = sample_vmf([1.0, 2.0, 3.0], 5.0, 100, random_state=43)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    np.testing.assert_array_equal(sample_vmf_cosine(5.0, 3, 10, random_state=np.random.default_rng(1)),
                                  sample_vmf_cosine(5.0, 3, 10, random_state=np.random.default_rng(1)))
    assert sample_vmf([1.0, 0.0], 1.0, 0, random_state=0).shape == (0, 2)


@pytest.mark.parametrize("call, match", [
    (lambda: sample_vmf([1.0], 1.0, 5), "mu"),
    (lambda: sample_vmf([[1.0, 0.0]], 1.0, 5), "mu"),
    (lambda: sample_vmf([0.0, 0.0], 1.0, 5), "mu"),
    (lambda: sample_vmf([np.nan, 1.0], 1.0, 5), "mu"),
    (lambda: sample_vmf([1.0, 0.0], -1.0, 5), "kappa"),
    (lambda: sample_vmf([1.0, 0.0], np.inf, 5), "kappa"),
    (lambda: sample_vmf([1.0, 0.0], 1.0, -1), "n"),
    (lambda: sample_vmf([1.0, 0.0], 1.0, 2.5), "n"),
    (lambda: sample_vmf_cosine(1.0, 1, 5), "dim"),
    (lambda: sample_vmf_cosine(1.0, 3, -5), "size"),
    (lambda: vmf_mean_cosine(-0.1, 3), "kappa"),
    (lambda: vmf_kl_to_uniform(1.0, 1), "dim"),
    (lambda: vmf_angle_quantiles(1.0, 3, [0.5, 1.5]), "levels"),
    (lambda: vmf_angle_quantiles(1.0, 3, [np.nan]), "levels"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_types():
    with pytest.raises(TypeError, match="mu"):
        sample_vmf(["a", "b"], 1.0, 5)
    with pytest.raises(ValueError, match="kappa"):
        sample_vmf([1.0, 0.0], True, 5)
    with pytest.raises(TypeError, match="random_state"):
        sample_vmf([1.0, 0.0], 1.0, 5, random_state="seed")
