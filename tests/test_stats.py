"""unsup.stats: the embedding dimension rule n = ceil(8.33 ln N)."""

import doctest
import math

import numpy as np
import pytest

import unsup.stats.embedding_dim
from unsup.stats import suggest_embedding_dim


@pytest.mark.parametrize("n, expected", [
    (100_000, 96),       # 8.33 ln 1e5 = 95.90
    (5_000_000, 129),    # 8.33 ln 5e6 = 128.49: the article's "about 128" rounds down
    (2, 6),              # 8.33 ln 2 = 5.77
    (1_000, 58),         # 8.33 ln 1e3 = 57.54
    (10**9, 173),        # 8.33 ln 1e9 = 172.62
])
def test_values(n, expected):
    assert suggest_embedding_dim(n) == expected


def test_is_the_ceiling_of_the_bound_and_grows_with_n():
    ns = np.unique(np.logspace(0.31, 12, 300).astype(np.int64))
    dims = [suggest_embedding_dim(int(n)) for n in ns]
    for n, d in zip(ns, dims):
        bound = 8.33 * math.log(int(n))
        assert d - 1 < bound <= d
    assert all(a <= b for a, b in zip(dims, dims[1:]))
    assert isinstance(suggest_embedding_dim(np.int64(100_000)), int)


@pytest.mark.parametrize("bad", [1, 0, -5, 2.5, 1e5, "100", None, True])
def test_rejects_what_is_not_an_int_of_at_least_two(bad):
    with pytest.raises(ValueError, match="vocabulary_size"):
        suggest_embedding_dim(bad)


def test_docstring_examples():
    assert doctest.testmod(unsup.stats.embedding_dim).failed == 0
