"""Top eigenpairs of a Gram operator by randomized subspace iteration (Halko, Martinsson & Tropp 2011)."""

from __future__ import annotations

from typing import Callable, Optional, Tuple

import numpy as np

from unsup.decomposition._orthonormal import orthonormalize

__all__ = ["top_eigenpairs"]


def top_eigenpairs(apply: Callable[[np.ndarray], np.ndarray], size: int, k: int, width: int, n_passes: int,
                   rng: np.random.Generator, dtype, check: Callable[[], None] = lambda: None,
                   apply_last: Optional[Callable[[np.ndarray], np.ndarray]] = None
                   ) -> Tuple[np.ndarray, np.ndarray]:
    """The k leading eigenvalues (descending) and eigenvectors (size × k) of a PSD operator.

    ``apply(q)`` returns ``S q`` for a (size × width) block. A Gaussian start is pushed through
    S ``n_passes`` times, orthonormalised between passes; the eigenvectors are the leading
    left singular vectors of the last product ``Y = S Q`` and the eigenvalues its singular
    values (exact when Q spans an invariant subspace, so no extra pass is spent on a
    Rayleigh-Ritz step). A wider block converges in fewer passes: the error of the i-th vector
    shrinks like (λ_{width+1} / λ_i)^n_passes. ``apply_last``, if given, makes the last pass
    (a lower-precision ``apply`` only steers the earlier ones: the last pass contracts their
    error by (λ_{width+1} / λ_k) and computes the result in full precision).
    """
    width = min(size, max(k, width))
    q = orthonormalize(rng.standard_normal((size, width)).astype(dtype, copy=False), overwrite=True)
    for p in range(n_passes):
        y = (apply_last if apply_last is not None and p == n_passes - 1 else apply)(q)
        y = y.astype(dtype, copy=False)
        check()
        if p < n_passes - 1:
            del q  # at most three blocks alive: this is the memory of the fit
            q = orthonormalize(y, overwrite=True)
            del y
    del q
    # SVD of the tall block through its orthonormal basis: y = Q R, R = U_r Σ W_rᵀ.
    basis = orthonormalize(y)
    r = basis.T @ y
    del y
    u_r, values, _ = np.linalg.svd(r.astype(np.float64), full_matrices=False)
    vectors = basis @ u_r[:, :k].astype(dtype, copy=False)
    return values[:k], vectors
