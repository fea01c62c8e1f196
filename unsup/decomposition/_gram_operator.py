"""The Gram operator of a matrix on its smaller side: ``XᵀX`` or ``XXᵀ``, applied to blocks."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from unsup import _core

__all__ = ["GramOperator"]


def csr_product(kind: str, x: sp.csr_matrix, block: np.ndarray, n_jobs: int) -> np.ndarray:
    """``x @ block`` (``"dense"``), ``x.T @ block`` (``"transpose"``) or ``x.T @ (x @ block)``
    (``"gram"``) with the threaded C++ kernels; ``block`` is converted to x's dtype."""
    block = np.ascontiguousarray(block, dtype=x.dtype)
    if block.shape[1] == 0:
        return np.zeros((x.shape[0] if kind == "dense" else x.shape[1], 0), dtype=x.dtype)
    fn = {"dense": _core.linalg.csr_times_dense, "transpose": _core.linalg.csr_transpose_times_dense,
          "gram": _core.linalg.csr_gram_times_dense}[kind]
    return fn(x.indptr, x.indices, x.data, x.shape[0], x.shape[1], block, n_jobs)


class GramOperator:
    """``S = XᵀX`` when X has at least as many rows as columns, else ``S = XXᵀ``.

    ``size`` is the order of S and ``transposed`` tells which side it is (True: rows).
    Sparse X is applied with the fused C++ kernel (one pass over X per block, the n_rows × b
    product never stored). Dense X is applied through BLAS, either implicitly (two GEMMs per
    block) or, when ``explicit`` is set, after forming S once (one SYRK), which pays off when
    S is small compared with the work of the blocks it will meet.

    Calling the operator steers a search: it runs in float32 where that is cheaper — the formed
    S is float32 (half the SYRK time for float64 X), and float64 sparse X is applied through a
    float32 copy of its values (half the cache lines per random row, so half the time of a
    pass) — while :meth:`exact` applies S in X's own precision, for the search's last pass
    (``mixed`` tells whether the two differ).
    """

    def __init__(self, x, n_jobs: int, explicit: bool = False) -> None:
        self.x = x
        self.n_jobs = n_jobs
        self.sparse = sp.issparse(x)
        n_rows, n_cols = x.shape
        self.transposed = n_rows < n_cols
        self.size = min(n_rows, n_cols)
        self.dtype = x.dtype
        self.gram = None
        self.x_steer = None
        if explicit and not self.sparse:
            x32 = x.astype(np.float32, copy=False)
            self.gram = x32 @ x32.T if self.transposed else x32.T @ x32
        elif self.sparse and x.dtype == np.float64:
            self.x_steer = sp.csr_matrix((x.data.astype(np.float32), x.indices, x.indptr), shape=x.shape)

    @property
    def mixed(self) -> bool:
        return self.gram is not None or self.x_steer is not None

    @staticmethod
    def explicit_pays(shape, width: int, n_passes: int) -> bool:
        """Whether forming S beats applying it implicitly to ``n_passes`` blocks of ``width``.

        Forming S costs about ``big · size² / 2`` multiply-adds (at SYRK's speed, about 1.5 times
        that of the skinny GEMMs), applying it implicitly ``2 · big · size · width`` per pass.
        """
        size, big = min(shape), max(shape)
        return big * size * size / 3.0 < 2.0 * big * size * width * n_passes

    def __call__(self, block: np.ndarray) -> np.ndarray:
        if self.gram is not None:
            return self.gram @ block.astype(np.float32, copy=False)
        if self.x_steer is not None:
            return self._apply(self.x_steer, block.astype(np.float32, copy=False))
        return self.exact(block)

    def exact(self, block: np.ndarray) -> np.ndarray:
        """``S block`` in X's precision, never through the float32 steering."""
        return self._apply(self.x, block.astype(self.dtype, copy=False))

    def _apply(self, x, block: np.ndarray) -> np.ndarray:
        if self.sparse:
            if not self.transposed:
                return csr_product("gram", x, block, self.n_jobs)
            return csr_product("dense", x, csr_product("transpose", x, block, self.n_jobs), self.n_jobs)
        if self.transposed:
            return x @ (x.T @ block)
        return x.T @ (x @ block)

    def other_side(self, block: np.ndarray) -> np.ndarray:
        """``Xᵀ block`` (rows side) or ``X block`` (columns side): vectors of S's side mapped
        to the other side."""
        x = self.x
        if self.sparse:
            return csr_product("transpose" if self.transposed else "dense", x, block, self.n_jobs)
        return x.T @ block if self.transposed else x @ block
