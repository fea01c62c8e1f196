"""unsup.stats.gumbel: argmax(logits + Gumbel noise) draws from softmax(logits)."""

import doctest

import numpy as np
import pytest
from scipy import stats

import unsup.stats.gumbel
from unsup.stats import gumbel_max_sample
from unsup.utils.validation import check_seed


def softmax(logits):
    shifted = np.exp(logits - np.max(logits))
    return shifted / shifted.sum()


@pytest.mark.parametrize("logits", [
    [0.0, 1.0, 2.0, -1.0, 0.5],
    [3.0, 3.0, 3.0],
    [1000.0, 1001.0, 999.0],       # would overflow a naive exp
    [-750.0, -751.5, -749.0],      # would underflow a naive exp to all zeros
    [0.0, -4.0],                   # a rare category (1.8 %)
])
def test_frequencies_match_the_softmax(logits):
    n = 20_000
    draws = gumbel_max_sample(logits, n, random_state=0)
    assert draws.shape == (n,) and draws.dtype == np.int64
    observed = np.bincount(draws, minlength=len(logits))
    result = stats.chisquare(observed, n * softmax(np.array(logits)))
    assert result.pvalue > 1e-3


def test_a_wrong_distribution_is_rejected_by_the_same_test():
    # The chi-square test above can fail: uniform draws are far from softmax([0, 1, 2]).
    draws = gumbel_max_sample([0.0, 0.0, 0.0], 20_000, random_state=0)
    observed = np.bincount(draws, minlength=3)
    assert stats.chisquare(observed, 20_000 * softmax(np.array([0.0, 1.0, 2.0]))).pvalue < 1e-10


def test_matches_argmax_of_logits_plus_gumbel_noise_from_the_same_stream():
    logits = np.array([0.3, -1.0, 2.0, 0.0])
    rng = np.random.default_rng(check_seed(5))
    gumbel = -np.log(rng.standard_exponential(size=(1000, 4)))
    np.testing.assert_array_equal(gumbel_max_sample(logits, 1000, random_state=5), np.argmax(logits + gumbel, axis=1))


def test_chunks_continue_one_stream(monkeypatch):
    logits = np.linspace(-1, 1, 7)
    whole = gumbel_max_sample(logits, 500, random_state=3)
    monkeypatch.setattr(unsup.stats.gumbel, "_CHUNK_ELEMENTS", 7 * 13)  # 13 draws per chunk, a ragged last one
    np.testing.assert_array_equal(gumbel_max_sample(logits, 500, random_state=3), whole)


def test_batched_logits_give_independent_distributions_on_the_last_axis():
    logits = np.array([[[0.0, 2.0, 1.0], [0.0, -np.inf, 0.0]],
                       [[5.0, -np.inf, -np.inf], [1.0, 1.0, 3.0]]])
    n = 20_000
    draws = gumbel_max_sample(logits, n, random_state=1)
    assert draws.shape == (2, 2, n) and draws.dtype == np.int64
    for index in np.ndindex(2, 2):
        observed = np.bincount(draws[index], minlength=3)
        expected = n * softmax(logits[index])
        seen = expected > 0
        np.testing.assert_array_equal(observed[~seen], 0)
        if seen.sum() > 1:
            assert stats.chisquare(observed[seen], expected[seen]).pvalue > 1e-3
    np.testing.assert_array_equal(draws[1, 0], 0)


def test_minus_infinity_is_never_drawn():
    logits = np.array([-np.inf, 0.0, -np.inf, -30.0, -np.inf])
    draws = gumbel_max_sample(logits, 50_000, random_state=2)
    assert set(np.unique(draws)) <= {1, 3}
    assert gumbel_max_sample([-np.inf, -np.inf, 7.0], 100, random_state=0).tolist() == [2] * 100


def test_reproducible_with_random_state():
    logits = np.zeros(10)
    first = gumbel_max_sample(logits, 200, random_state=42)
    np.testing.assert_array_equal(first, gumbel_max_sample(logits, 200, random_state=42))
    assert not np.array_equal(first, gumbel_max_sample(logits, 200, random_state=43))
    np.testing.assert_array_equal(gumbel_max_sample(logits, 200, random_state=np.random.default_rng(1)),
                                  gumbel_max_sample(logits, 200, random_state=np.random.default_rng(1)))


def test_one_category_zero_draws_and_integer_logits():
    assert gumbel_max_sample([3.0], 4, random_state=0).tolist() == [0, 0, 0, 0]
    assert gumbel_max_sample(np.zeros((3, 2)), 0, random_state=0).shape == (3, 0)
    assert gumbel_max_sample(np.array([0, 1, 2]), 5, random_state=0).shape == (5,)


@pytest.mark.parametrize("logits, match", [
    ([0.0, np.nan], "NaN"),
    ([0.0, np.inf], r"\+inf"),
    ([-np.inf, -np.inf], "every category"),
    ([[0.0, 1.0], [-np.inf, -np.inf]], "every category"),
    (1.0, "shape"),
    (np.zeros((2, 0)), "shape"),
])
def test_rejects_bad_logits(logits, match):
    with pytest.raises(ValueError, match=f"^logits.*{match}"):
        gumbel_max_sample(logits, 3, random_state=0)


@pytest.mark.parametrize("logits", [np.array([1j, 0]), np.array([True, False]), np.array(["a", "b"])])
def test_rejects_logits_that_are_not_real(logits):
    with pytest.raises(TypeError, match="logits"):
        gumbel_max_sample(logits, 3)


@pytest.mark.parametrize("n", [-1, 2.5, "3", None, True])
def test_rejects_a_bad_n(n):
    with pytest.raises(ValueError, match="n must be"):
        gumbel_max_sample([0.0, 1.0], n)


def test_docstring_examples():
    assert doctest.testmod(unsup.stats.gumbel).failed == 0
