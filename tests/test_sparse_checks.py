"""The compiled CSR symmetry check against scipy's own transpose."""

import numpy as np
import pytest
import scipy.sparse as sp

from unsup import _core
from unsup.graph._adjacency import _is_symmetric


def _args(a: sp.csr_array):
    return (a.indptr.astype(np.int64), a.indices.astype(np.int32), a.data.astype(np.float64), a.shape[0])


def _reference(a: sp.csr_array) -> bool:
    d = (a - a.T).tocsr()
    return bool(d.nnz == 0 or np.all(np.abs(d.data) <= 1e-12 * abs(a).max()))


@pytest.mark.parametrize("seed", range(40))
def test_matches_transpose_on_random_matrices(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 12))
    dense = rng.random((n, n)) * (rng.random((n, n)) < 0.4)
    if seed % 2 == 0:
        dense = dense + dense.T
    if seed % 4 == 0 and dense.any():  # break one mirror: value or presence
        i, j = np.argwhere(dense)[0]
        dense[i, j] = 0.0 if seed % 8 == 0 else dense[i, j] * 1.5
    a = sp.csr_array(dense)
    a.sort_indices()
    assert _core.sparse.is_symmetric(*_args(a)) == _reference(a) == _is_symmetric(a)


def test_structure_and_values():
    sym = sp.csr_array(np.array([[1.0, 2.0, 0.0], [2.0, 0.0, 3.0], [0.0, 3.0, 0.0]]))
    assert _core.sparse.is_symmetric(*_args(sym))
    one_way = sp.csr_array(np.array([[0.0, 1.0], [0.0, 0.0]]))
    assert not _core.sparse.is_symmetric(*_args(one_way))
    close = sp.csr_array(np.array([[0.0, 1.0], [1.0 + 1e-15, 0.0]]))
    assert _core.sparse.is_symmetric(*_args(close))
    assert not _core.sparse.is_symmetric(*_args(close), rtol=0.0)
    empty = sp.csr_array((0, 0))
    assert _core.sparse.is_symmetric(*_args(empty))


def test_malformed_input_raises():
    a = sp.csr_array(np.eye(3))
    indptr, indices, data, n = _args(a)
    bad = indices.copy()
    bad[0] = 7
    with pytest.raises(ValueError, match="matrix"):
        _core.sparse.is_symmetric(indptr, bad, data, n)
    with pytest.raises(ValueError, match="matrix"):
        _core.sparse.is_symmetric(indptr[:-1], indices, data, n)
    # Unsorted or duplicate column ids would make the answer meaningless: refused.
    unsorted = sp.csr_array(np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 0.0], [2.0, 0.0, 0.0]]))
    u_indices = unsorted.indices.astype(np.int32).copy()
    u_data = unsorted.data.copy()
    u_indices[:2], u_data[:2] = u_indices[1::-1].copy(), u_data[1::-1].copy()
    with pytest.raises(ValueError, match="sorted"):
        _core.sparse.is_symmetric(unsorted.indptr.astype(np.int64), u_indices, u_data, 3)
