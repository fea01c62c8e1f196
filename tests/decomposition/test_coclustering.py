"""SVD co-clustering on planted blocks."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import adjusted_rand_score

from unsup.decomposition import svd_coclustering


def planted_blocks(seed=0):
    rng = np.random.default_rng(seed)
    row_sizes, col_sizes, weights = [30, 20, 40, 25], [15, 35, 20, 30], [5.0, 4.0, 3.0, 2.0]
    rows = np.repeat(np.arange(4), row_sizes)
    cols = np.repeat(np.arange(4), col_sizes)
    x = rng.poisson(0.05, size=(rows.size, cols.size)).astype(float)
    for b, w in enumerate(weights):
        block = np.ix_(rows == b, cols == b)
        x[block] += rng.poisson(w, size=x[block].shape)
    perm_r, perm_c = rng.permutation(rows.size), rng.permutation(cols.size)
    return x[perm_r][:, perm_c], rows[perm_r], cols[perm_c]


@pytest.mark.parametrize("sparse", [False, True])
def test_planted_blocks_are_recovered(sparse):
    x, rows, cols = planted_blocks()
    row_labels, col_labels = svd_coclustering(sp.csr_matrix(x) if sparse else x, 4, random_state=0)
    assert adjusted_rand_score(rows, row_labels) == 1.0
    assert adjusted_rand_score(cols, col_labels) == 1.0


def test_empty_rows_get_minus_one_and_bad_input():
    x, _, _ = planted_blocks()
    x[0] = 0
    row_labels, _ = svd_coclustering(x, 4, algorithm="exact")
    assert row_labels[0] == -1
    with pytest.raises(ValueError, match="non-negative"):
        svd_coclustering(-x, 2)
    with pytest.raises(ValueError, match="n_clusters"):
        svd_coclustering(x, 1000)
