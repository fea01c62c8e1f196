"""unsup.stats.hsic: the biased HSIC against a brute-force formula, and its permutation test."""

import doctest
import importlib
import itertools
import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from unsup.stats import HSICTestResult, hsic, hsic_test

# `from unsup.stats import hsic` binds the function, which shadows the submodule attribute.
hsic_module = importlib.import_module("unsup.stats.hsic")


# ---- brute force, written from the formulas -----------------------------------------------------


def brute_median_sigma(samples):
    samples = np.asarray(samples, dtype=np.float64).reshape(len(samples), -1)
    distances = [math.dist(samples[i], samples[j]) for i in range(len(samples)) for j in range(i + 1, len(samples))]
    return float(np.median(distances))


def brute_kernel(samples, sigma):
    samples = np.asarray(samples, dtype=np.float64).reshape(len(samples), -1)
    n = len(samples)
    kernel = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            kernel[i, j] = math.exp(-math.dist(samples[i], samples[j]) ** 2 / (2 * sigma**2))
    return kernel


def brute_hsic(x, y, sigma_x=None, sigma_y=None):
    n = len(x)
    sigma_x = brute_median_sigma(x) if sigma_x is None else sigma_x
    sigma_y = brute_median_sigma(y) if sigma_y is None else sigma_y
    centring = np.eye(n) - np.ones((n, n)) / n
    product = brute_kernel(x, sigma_x) @ centring @ brute_kernel(y, sigma_y) @ centring
    return float(np.trace(product)) / (n - 1) ** 2


# ---- the statistic ------------------------------------------------------------------------------


@pytest.mark.parametrize("shape_x, shape_y, sigmas", [
    ((12,), (12,), (None, None)),
    ((15, 3), (15, 2), (None, None)),
    ((10, 4), (10,), (0.7, 2.5)),
    ((2,), (2, 5), (None, 1.0)),
    ((13, 2), (13, 2), (None, None)),  # odd and even pair counts: 78 vs (n=12) 66
])
def test_agrees_with_brute_force(shape_x, shape_y, sigmas):
    rng = np.random.default_rng(sum(shape_x) + sum(shape_y))
    x = rng.normal(size=shape_x)
    y = rng.normal(size=shape_y)
    y.reshape(len(y), -1)[:, 0] += np.tanh(x.reshape(len(x), -1)[:, 0])  # some dependence
    expected = brute_hsic(x, y, *sigmas)
    assert hsic(x, y, *sigmas) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_median_sigma_is_the_median_distance_over_distinct_pairs():
    rng = np.random.default_rng(3)
    for n in (5, 6):  # 10 and 15 pairs: an even count averages the two middle distances
        x = rng.normal(size=(n, 2))
        assert hsic_module.median_heuristic_sigma(x) == pytest.approx(brute_median_sigma(x), rel=1e-13)
    assert hsic_module.median_heuristic_sigma([0.0, 1.0, 3.0, 7.0]) == pytest.approx(3.5)  # 1 2 3 4 6 7
    # More than half the pairs coincide: the median of the positive distances.
    assert hsic_module.median_heuristic_sigma([0.0, 0.0, 0.0, 0.0, 2.0]) == 2.0  # 6 zeros, 4 twos
    assert hsic_module.median_heuristic_sigma([5.0, 5.0, 5.0]) == 1.0


def test_known_value_for_two_points():
    # n = 2: J K J = (1 - a)/2 [[1, -1], [-1, 1]] with a = exp(-1/2), so HSIC = (1 - a)².
    assert hsic([0.0, 1.0], [0.0, 1.0], sigma_x=1.0, sigma_y=1.0) == pytest.approx((1 - math.exp(-0.5)) ** 2,
                                                                                   rel=1e-14)
    # With the median heuristic σ = ‖x1 - x2‖, so a = exp(-1/2) whatever the two points are.
    assert hsic([3.0, -8.0], [[1.0, 2.0], [4.0, 6.0]]) == pytest.approx((1 - math.exp(-0.5)) ** 2, rel=1e-14)


def test_invariances():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(25, 2))
    y = x[:, 0] ** 2 + 0.3 * rng.normal(size=25)
    value = hsic(x, y)
    order = rng.permutation(25)
    assert hsic(x[order], y[order]) == pytest.approx(value, rel=1e-12)        # joint reordering
    assert hsic(y, x) == pytest.approx(value, rel=1e-12)                      # symmetry
    assert hsic(x + 1e3, y - 50.0) == pytest.approx(value, rel=1e-9)          # translation
    assert hsic(7.0 * x, 0.01 * y) == pytest.approx(value, rel=1e-12)         # scale, median σ
    assert hsic(7.0 * x, y, sigma_x=7.0, sigma_y=0.5) == pytest.approx(hsic(x, y, sigma_x=1.0, sigma_y=0.5),
                                                                       rel=1e-12)
    assert value > 0


def test_independent_near_zero_dependent_not():
    rng = np.random.default_rng(11)
    x = rng.uniform(-1, 1, 400)
    independent = hsic(x, rng.uniform(-1, 1, 400))
    dependent = hsic(x, x**2 + 0.05 * rng.normal(size=400))
    assert 0 <= independent < 0.01 * dependent
    assert hsic(x, np.full(400, 3.0)) == pytest.approx(0.0, abs=1e-15)       # a constant is independent


# ---- the permutation test -----------------------------------------------------------------------


def test_result_is_a_named_pair_with_the_statistic():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=20), rng.normal(size=20)
    result = hsic_test(x, y, n_permutations=50, random_state=1)
    assert isinstance(result, HSICTestResult)
    statistic, p_value = result
    assert statistic == result.statistic == pytest.approx(hsic(x, y), rel=1e-13)
    assert result.p_value == p_value
    assert p_value * 51 == pytest.approx(round(p_value * 51))          # (1 + count) / (1 + B)
    assert hsic_test(x, y, n_permutations=50, random_state=1) == result  # reproducible


def test_p_value_matches_the_exact_permutation_distribution():
    # n = 4: all 24 permutations enumerate the null exactly; 20000 random ones estimate the same
    # fraction to a binomial standard error below 0.0035.
    x = np.array([0.0, 1.0, 2.5, 4.0])
    y = np.array([0.3, 1.1, 2.0, 4.2])
    observed = brute_hsic(x, y)
    exact = np.mean([brute_hsic(x, y[list(p)]) >= observed - 1e-12 for p in itertools.permutations(range(4))])
    result = hsic_test(x, y, n_permutations=20000, random_state=5)
    assert result.p_value == pytest.approx(exact, abs=0.02)
    assert exact < 0.5  # the test sees a trend here: it is not the trivial p = 1


def test_chunking_does_not_change_the_result(monkeypatch):
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=30), rng.normal(size=30)
    whole = hsic_test(x, y, n_permutations=777, random_state=3)
    monkeypatch.setattr(hsic_module, "_CHUNK_ENTRIES", 30 * 30 * 5)  # chunks of 5, remainder 2
    assert hsic_test(x, y, n_permutations=777, random_state=3) == whole
    monkeypatch.setattr(hsic_module, "_CHUNK_ENTRIES", 1)            # one permutation at a time
    assert hsic_test(x, y, n_permutations=777, random_state=3) == whole


def test_p_values_are_uniform_under_independence():
    rng = np.random.default_rng(2024)
    p_values = []
    for repetition in range(200):
        n = 30 + repetition % 21                     # n from 30 to 50
        x = rng.normal(size=(n, 2))
        y = rng.standard_t(df=3, size=n)
        p_values.append(hsic_test(x, y, n_permutations=200, random_state=rng).p_value)
    ks = scipy_stats.kstest(p_values, "uniform")
    assert ks.pvalue > 0.01, ks


def test_p_value_small_under_nonlinear_dependence():
    rng = np.random.default_rng(8)
    x = rng.uniform(-1, 1, 50)
    y = x**2 + 0.1 * rng.normal(size=50)
    assert abs(np.corrcoef(x, y)[0, 1]) < 0.3      # nearly uncorrelated: the dependence is not linear
    result = hsic_test(x, y, n_permutations=500, random_state=0)
    assert result.p_value < 0.01
    assert result.p_value == 1 / 501


def test_constant_sample_gives_p_one():
    # Every permuted statistic ties the observed (all are 0 up to rounding).
    assert hsic_test(np.arange(10.0), np.ones(10), n_permutations=99, random_state=0).p_value == 1.0


# ---- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("x, y, match", [
    (np.zeros((3, 2, 2)), np.zeros(3), "X must have shape"),
    (np.zeros(3), np.zeros((3, 1, 1)), "Y must have shape"),
    (np.zeros(4), np.zeros(5), "same number of samples"),
    (np.zeros(1), np.zeros(1), "at least 2 samples"),
    (np.zeros((3, 0)), np.zeros(3), "at least 1 feature"),
    (np.array([0.0, np.nan, 1.0]), np.zeros(3), "X contains NaN"),
    (np.zeros(3), np.array([0.0, np.inf, 1.0]), "Y contains NaN or infinite"),
    (5.0, np.zeros(3), "X must have shape"),
])
def test_bad_samples(x, y, match):
    with pytest.raises(ValueError, match=match):
        hsic(x, y)
    with pytest.raises(ValueError, match=match):
        hsic_test(x, y, n_permutations=5)


def test_non_numeric_samples():
    with pytest.raises(TypeError, match="X must be a numeric array"):
        hsic(["a", "b"], [1.0, 2.0])


@pytest.mark.parametrize("kwargs, match", [
    ({"sigma_x": 0.0}, "sigma_x"),
    ({"sigma_x": -1.0}, "sigma_x"),
    ({"sigma_y": float("nan")}, "sigma_y"),
    ({"sigma_y": True}, "sigma_y"),
    ({"sigma_y": "1"}, "sigma_y"),
])
def test_bad_sigma(kwargs, match):
    with pytest.raises(ValueError, match=match):
        hsic(np.arange(4.0), np.arange(4.0), **kwargs)


@pytest.mark.parametrize("n_permutations", [0, -3, 2.5, True, None])
def test_bad_n_permutations(n_permutations):
    with pytest.raises(ValueError, match="n_permutations"):
        hsic_test(np.arange(4.0), np.arange(4.0), n_permutations=n_permutations)


def test_bad_random_state():
    with pytest.raises(TypeError, match="random_state"):
        hsic_test(np.arange(4.0), np.arange(4.0), n_permutations=3, random_state="seed")


def test_docstring_examples():
    assert doctest.testmod(hsic_module).failed == 0
