"""The C++ CSR × dense products against scipy, for every dtype, width and thread count."""

import numpy as np
import pytest
import scipy.sparse as sp

from unsup import _core
from unsup.decomposition._gram_operator import csr_product

L = _core.linalg


def _matrix(dtype, index_dtype, shape=(300, 170), density=0.05, seed=0):
    a = sp.random(*shape, density=density, format="csr", random_state=seed, dtype=dtype)
    a.indptr = a.indptr.astype(index_dtype)
    a.indices = a.indices.astype(index_dtype)
    return a


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("width", [1, 7, 8, 16, 17, 40])
def test_products_match_scipy(dtype, index_dtype, width):
    a = _matrix(dtype, index_dtype)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((a.shape[1], width)).astype(dtype)
    z = rng.standard_normal((a.shape[0], width)).astype(dtype)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    for n_jobs in (1, 2, 3):
        np.testing.assert_allclose(csr_product("dense", a, x, n_jobs), a @ x, **tol)
        np.testing.assert_allclose(csr_product("transpose", a, z, n_jobs), a.T @ z, **tol)
        gram = csr_product("gram", a, x, n_jobs)
        np.testing.assert_allclose(gram, a.T @ (a @ x), **tol)
        assert gram.dtype == dtype


def test_products_do_not_depend_on_threads():
    a = _matrix(np.float64, np.int32, shape=(2000, 500), density=0.02)
    x = np.random.default_rng(2).standard_normal((500, 37))
    one = csr_product("gram", a, x, 1)
    for n_jobs in (2, 4):
        assert np.array_equal(one, csr_product("gram", a, x, n_jobs))
        assert np.array_equal(csr_product("transpose", a, a @ x, 1), csr_product("transpose", a, a @ x, n_jobs))


def test_empty_rows_and_unsorted_duplicates():
    a = sp.csr_matrix((np.array([1.0, 2.0, 3.0]), np.array([2, 0, 2]), np.array([0, 0, 3, 3])), shape=(3, 4))
    x = np.arange(8, dtype=np.float64).reshape(4, 2)
    np.testing.assert_allclose(csr_product("gram", a, x, 1), a.T @ (a @ x))
    assert csr_product("dense", a, np.zeros((4, 0)), 1).shape == (3, 0)


def test_bad_buffers_raise_value_error():
    a = _matrix(np.float64, np.int32, shape=(5, 4), density=0.5)
    x = np.ones((4, 2))
    bad = a.indices.copy()
    bad[0] = 4
    with pytest.raises(ValueError, match="out of range"):
        L.csr_gram_times_dense(a.indptr, bad, a.data, 5, 4, x, 1)
    with pytest.raises(ValueError, match="indptr"):
        L.csr_times_dense(a.indptr[:-1], a.indices, a.data, 5, 4, x, 1)
    past_end = a.indptr.copy()
    past_end[-1] = 10**8  # would read far beyond indices if the buffers were trusted
    with pytest.raises(ValueError, match="exceeds the number of stored entries"):
        L.csr_gram_times_dense(past_end, a.indices, a.data, 5, 4, x, 1)
    with pytest.raises(ValueError, match="rows"):
        L.csr_times_dense(a.indptr, a.indices, a.data, 5, 4, np.ones((3, 2)), 1)
    with pytest.raises(ValueError, match="dtype"):
        L.csr_times_dense(a.indptr, a.indices, a.data, 5, 4, np.ones((4, 2), np.float32), 1)
    with pytest.raises(ValueError, match="one integer dtype"):
        L.csr_times_dense(a.indptr.astype(np.int64), a.indices, a.data, 5, 4, x, 1)
    with pytest.raises(ValueError, match="C-contiguous"):
        L.csr_times_dense(a.indptr, a.indices, a.data, 5, 4, np.ones((2, 4)).T, 1)
