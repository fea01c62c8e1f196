"""SVD as co-clustering: rows and columns assigned to their dominant factors (Su, "SVD分解(二)")."""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np
import scipy.sparse as sp

from unsup.decomposition.svd_autoencoder import SVDAutoencoder
from unsup.utils.validation import check_positive_int

__all__ = ["svd_coclustering"]


def svd_coclustering(X, n_clusters: int, *, algorithm: str = "randomized", random_state=None,
                     n_jobs: Optional[int] = None) -> Tuple[np.ndarray, np.ndarray]:
    """Cluster the rows and the columns of a non-negative matrix together through its SVD.

    Read as a chain ``P(B|A) = Σ P(B|D) P(D|C) P(C|A)``, the rank-k factorisation ``X ≈ U Σ Vᵀ``
    routes row A to column B through k latent factors; each row (column) belongs to the factor
    that carries most of it: the component with the largest ``|U_ik|`` (``|V_jk|``), loadings of
    unit-norm factors. Components whose singular values (nearly) tie span a subspace with no
    preferred basis, and their assignments are then arbitrary within it.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_rows, n_cols)
        Non-negative co-occurrence counts or weights.
    n_clusters : int
        Factors, hence clusters on each side (at most ``min(X.shape)``).
    algorithm : {"randomized", "exact"}, default="randomized"
        How :class:`SVDAutoencoder` computes the factors.
    random_state, n_jobs
        As for :class:`SVDAutoencoder`.

    Returns
    -------
    row_labels : ndarray of shape (n_rows,)
    col_labels : ndarray of shape (n_cols,)
        Cluster ids in ``[0, n_clusters)``, factor order (descending singular value). An
        all-zero row or column gets label -1.

    Examples
    --------
    >>> import numpy as np
    >>> from unsup.decomposition import svd_coclustering
    >>> X = np.kron(np.diag([3.0, 2.0, 1.0]), np.ones((4, 5)))
    >>> rows, cols = svd_coclustering(X, 3, algorithm="exact")
    >>> rows.tolist(), cols.tolist()[:6]
    ([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2], [0, 0, 0, 0, 0, 1])
    """
    k = check_positive_int(n_clusters, "n_clusters")
    if algorithm not in ("randomized", "exact"):
        raise ValueError(f"algorithm must be 'randomized' or 'exact', got {algorithm!r}")
    if sp.issparse(X):
        values = X.data
    else:
        X = np.asarray(X)
        values = X
    if X.ndim != 2:
        raise ValueError(f"X: expected a 2-d matrix, got shape {X.shape}")
    if values.size and np.nanmin(values) < 0:
        raise ValueError("X: co-clustering needs non-negative values")
    if k > min(X.shape):
        raise ValueError(f"n_clusters={k} must be <= min(X.shape)={min(X.shape)}")
    model = SVDAutoencoder(k, algorithm=algorithm, random_state=random_state, n_jobs=n_jobs).fit(X)
    v = model.components_.T.astype(np.float64)  # n_cols × k, orthonormal columns
    u = np.asarray(model.transform(X), dtype=np.float64)  # n_rows × k = U Σ
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.where(model.singular_values_ > 0, u / model.singular_values_.astype(np.float64), 0.0)
    return _dominant(u), _dominant(v)


def _dominant(loadings: np.ndarray) -> np.ndarray:
    magnitude = np.abs(loadings)
    labels = np.argmax(magnitude, axis=1)
    labels[magnitude.max(axis=1, initial=0.0) == 0] = -1
    return labels.astype(np.int64)
