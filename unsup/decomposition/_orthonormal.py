"""Orthonormal bases of tall skinny blocks: Cholesky-QR, twice, with a Householder fallback."""

from __future__ import annotations

import numpy as np
import scipy.linalg
from scipy.linalg import blas, lapack

__all__ = ["orthonormalize"]


def orthonormalize(y: np.ndarray, overwrite: bool = False) -> np.ndarray:
    """An orthonormal basis of the columns of ``y`` (n × b, n >= b), in ``y``'s dtype.

    Cholesky-QR (``R = chol(yᵀy)``, ``q = y R⁻¹``) is BLAS-3 throughout and, with
    ``overwrite=True``, works in y's own memory (``q = y R⁻¹`` by an in-place TRMM on the
    transposed view), several times faster than Householder QR on blocks of 10⁵ × 10² and
    more. It loses orthogonality in proportion to cond(y)²; the second pass restores it as long
    as cond(y) < 1/sqrt(eps) (Yamamoto et al., "Roundoff error analysis of the CholeskyQR2
    algorithm", 2015). Blocks beyond that (rank deficient, or nearly) go to Householder QR.
    The second pass is skipped when the first R is so well conditioned (cond(R) <= 10, loss of
    orthogonality ~ cond² eps <= 100 eps) that it could not improve anything, which is the
    usual case inside subspace iterations.
    """
    eps = np.finfo(y.dtype).eps
    q = np.ascontiguousarray(y) if overwrite else np.array(y, order="C", copy=True)
    trmm = blas.get_blas_funcs("trmm", (q,))
    trtri = lapack.get_lapack_funcs("trtri", (q,))
    for _ in range(2):
        gram = q.T @ q
        try:
            r = scipy.linalg.cholesky(gram, lower=False, check_finite=False)
        except np.linalg.LinAlgError:
            return np.ascontiguousarray(np.linalg.qr(q)[0])
        diag = np.abs(np.diag(r))
        if not np.all(np.isfinite(diag)) or diag.min() <= np.sqrt(eps) * diag.max():
            return np.ascontiguousarray(np.linalg.qr(q)[0])
        r_inv, info = trtri(r, lower=0)
        if info != 0:
            return np.ascontiguousarray(np.linalg.qr(q)[0])
        # qᵀ (b × n, Fortran order: the same memory) := R⁻ᵀ qᵀ, i.e. q := q R⁻¹.
        trmm(1.0, r_inv, q.T, side=0, lower=0, trans_a=1, overwrite_b=1)
        if np.linalg.cond(r) <= 10.0:
            break
    return q
