"""k-nearest-neighbour search and graphs of vectors, exact or through an inverted file.

The search runs in C++ on the K-means distance kernels (see ``cpp/include/unsup/cluster/knn.hpp``):

* ``algorithm="exact"``: every row is scored against every other row in cache-sized blocks,
  a running top-k per row; O(n² d).
* ``algorithm="ivf"``: an inverted file. K-means (random seeding, 8 Lloyd iterations on a sample
  of 32 rows per list) cuts the rows into ``n_lists`` ≈ 2√n lists; every row is compared with the
  members of its ``n_probe`` nearest lists only, about ``n_probe · n / n_lists`` rows.
* ``algorithm="auto"``: exact up to 20,000 rows, IVF above.

Measured recall@10 of the IVF against the exact search: see the ``knn_search`` docstring; the
defaults aim at recall >= 0.95 on clustered data.

Neighbours come sorted by distance, recomputed in float64 from the (centred or normalised) rows;
ties go to the smaller row index. Results do not depend on ``n_jobs``.
"""

from __future__ import annotations

import math
from typing import Any, Optional, Tuple

import numpy as np
import scipy.sparse as sp

from unsup import _core
from unsup.utils.validation import check_n_jobs, check_positive_int, check_real, check_seed

__all__ = ["knn_graph", "knn_search"]

_METRICS = ("euclidean", "cosine")
_ALGORITHMS = ("auto", "exact", "ivf")
_MODES = ("distance", "similarity", "connectivity")
#: Up to this many rows, algorithm="auto" runs the exact search.
EXACT_MAX_ROWS = 20_000
#: Lloyd iterations and sample rows per list of the IVF's K-means.
_IVF_ITERATIONS = 8
_IVF_SAMPLE_PER_LIST = 32


def _choice(value: Any, name: str, options: Tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}, got {value!r}")
    return value


def _check_X(X: Any, metric: str) -> np.ndarray:
    """X as a C-contiguous float32/float64 array: centred on its mean (Euclidean: the scores
    <q, c> − ½‖c‖² then cancel less in float) or with unit rows (cosine)."""
    if sp.issparse(X):
        raise ValueError("X: sparse input is not supported; pass a dense array")
    X = np.asarray(X)
    if X.dtype not in (np.float32, np.float64):
        if X.dtype.kind not in "biuf":
            raise ValueError(f"X: expected real numbers, got dtype {X.dtype}")
        X = X.astype(np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-d (n_samples, n_features), got shape {X.shape}")
    if X.shape[1] == 0:
        raise ValueError("X: expected at least one feature, got 0")
    if X.shape[0] < 2:
        raise ValueError(f"X: at least 2 rows are needed to have neighbours, got {X.shape[0]}")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinity")
    if metric == "cosine":
        norms = np.sqrt(np.einsum("ij,ij->i", X, X, dtype=np.float64))
        if not (norms > 0).all():
            raise ValueError(f"X: {int((norms <= 0).sum())} row(s) of zero norm have no cosine neighbours "
                             "(metric='cosine')")
        out = X / norms.astype(X.dtype)[:, None]
    else:
        out = X - X.mean(axis=0, dtype=np.float64).astype(X.dtype)
    return np.ascontiguousarray(out)


def _ivf_centres(X: np.ndarray, n_lists: int, metric: str, seed: int, n_jobs: int) -> np.ndarray:
    """K-means centres of a sample of X (unit centres for cosine)."""
    from unsup.cluster.kmeans import KMeans

    n = X.shape[0]
    rng = np.random.default_rng(seed)
    size = min(n, max(_IVF_SAMPLE_PER_LIST * n_lists, 10_000))
    rows = np.sort(rng.choice(n, size=size, replace=False)) if size < n else np.arange(n)
    km = KMeans(n_clusters=n_lists, init="random", n_init=1, max_iter=_IVF_ITERATIONS, tol=0.0,
                random_state=seed, n_jobs=n_jobs).fit(X[rows])
    centres = np.asarray(km.cluster_centers_, dtype=X.dtype)
    if metric == "cosine":
        norms = np.linalg.norm(centres, axis=1)
        centres = centres / np.where(norms > 0, norms, 1.0).astype(X.dtype)[:, None]
    return np.ascontiguousarray(centres)


def knn_search(X: Any, n_neighbors: int = 10, *, metric: str = "euclidean", algorithm: str = "auto",
               n_lists: Optional[int] = None, n_probe: Optional[int] = None, random_state: Any = None,
               n_jobs: Optional[int] = None) -> Tuple[np.ndarray, np.ndarray]:
    """The k nearest neighbours of every row of X among the other rows.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Dense rows; float32 stays float32, other real dtypes become float64.
    n_neighbors : int, default=10
        Neighbours per row, in ``[1, n_samples - 1]``. A row is never its own neighbour, but its
        duplicates are (at distance 0).
    metric : {"euclidean", "cosine"}, default="euclidean"
        Euclidean distance, or cosine distance ``1 - cos`` (rows of zero norm are rejected).
    algorithm : {"auto", "exact", "ivf"}, default="auto"
        ``"exact"``: blocked exhaustive search. ``"ivf"``: inverted file over K-means lists
        (approximate). ``"auto"``: exact up to 20,000 rows, IVF above.
    n_lists : int, optional
        IVF lists (K-means clusters); default ``round(2 * sqrt(n_samples))``: the cost is
        about ``n d (n_lists + n_probe n / n_lists)``.
    n_probe : int, optional
        Lists searched per row (IVF), nearest first; default 8, capped at ``n_lists``. A row whose probed lists hold fewer than ``n_neighbors`` other
        rows probes more. Larger is slower and closer to exact.
    random_state : int, Generator, RandomState or None
        Seeds the IVF's K-means (sample and seeding).
    n_jobs : int, optional
        Threads (``None``: 1, ``-1``: all cores). Results are identical for every value.

    Returns
    -------
    indices : ndarray of shape (n_samples, n_neighbors), int64
        Neighbours of every row, nearest first; ties (equal float64 distances) by smaller index.
    distances : ndarray of shape (n_samples, n_neighbors), X's dtype
        Euclidean distances, or ``1 - cos``, recomputed in float64 from the chosen rows.

    Notes
    -----
    Recall@10 of the IVF against the exact search (``benchmarks/knn_bench.py``): 0.997 at 1e5 x 64
    (316 lists, 8 probes) and 1.0 at 1e6 x 64 (2000 lists, 4 probes) on a well-separated Gaussian
    mixture; 0.88 with 4 probes on the harder mixture of the tests (3e4 x 32, 346 lists), hence
    the default of 8. Data without cluster structure needs more probes for the same recall.
    """
    metric = _choice(metric, "metric", _METRICS)
    algorithm = _choice(algorithm, "algorithm", _ALGORITHMS)
    n_jobs = check_n_jobs(n_jobs)
    X = _check_X(X, metric)
    n = X.shape[0]
    k = check_positive_int(n_neighbors, "n_neighbors", 1, n - 1)
    if n_lists is not None:
        n_lists = check_positive_int(n_lists, "n_lists", 1, n)
    if n_probe is not None:
        n_probe = check_positive_int(n_probe, "n_probe", 1)
    if algorithm == "auto":
        algorithm = "exact" if n <= EXACT_MAX_ROWS else "ivf"
    if algorithm == "exact":
        indices, distances = _core.cluster.knn_exact(X, k, metric, n_jobs)
        return indices, distances
    lists = n_lists if n_lists is not None else max(1, min(n, int(round(2 * math.sqrt(n)))))
    probe = n_probe if n_probe is not None else 8
    probe = min(probe, lists)
    centres = _ivf_centres(X, lists, metric, check_seed(random_state), n_jobs)
    indices, distances, _ = _core.cluster.knn_ivf(X, k, metric, centres, probe, n_jobs)
    return indices, distances


def knn_graph(X: Any, n_neighbors: int = 10, *, metric: str = "euclidean", min_similarity: Optional[float] = None,
              mode: str = "distance", algorithm: str = "auto", n_lists: Optional[int] = None,
              n_probe: Optional[int] = None, random_state: Any = None, n_jobs: Optional[int] = None) -> sp.csr_array:
    """Directed k-nearest-neighbour graph of the rows of X.

    Row i links to its ``n_neighbors`` nearest rows (see :func:`knn_search`), nearest first in
    the stored order. Su's word-clustering recipe is ``knn_graph(vectors, 40, metric="cosine",
    min_similarity=0.5, mode="similarity")``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Dense rows.
    n_neighbors : int, default=10
        Links per row before the ``min_similarity`` cut, in ``[1, n_samples - 1]``.
    metric : {"euclidean", "cosine"}, default="euclidean"
        Distance of the search.
    min_similarity : float, optional
        Cosine only: links with ``cos < min_similarity`` are dropped (rows may keep fewer links,
        or none).
    mode : {"distance", "similarity", "connectivity"}, default="distance"
        Stored values: the distance (Euclidean, or ``1 - cos``; duplicates give explicit zeros),
        the cosine similarity (cosine only; may be negative unless ``min_similarity >= 0``), or
        1.0.
    algorithm, n_lists, n_probe, random_state, n_jobs
        As in :func:`knn_search`.

    Returns
    -------
    scipy.sparse.csr_array of shape (n_samples, n_samples)
        Directed: not symmetric in general (symmetrise with ``A + A.T`` or ``A.maximum(A.T)``).
        float32 for float32 X, else float64.
    """
    metric = _choice(metric, "metric", _METRICS)
    mode = _choice(mode, "mode", _MODES)
    if min_similarity is not None:
        if metric != "cosine":
            raise ValueError("min_similarity applies to metric='cosine' only")
        min_similarity = check_real(min_similarity, "min_similarity", -1.0, 1.0)
    if mode == "similarity" and metric != "cosine":
        raise ValueError("mode='similarity' applies to metric='cosine' only; use 'distance' or 'connectivity'")
    indices, distances = knn_search(X, n_neighbors, metric=metric, algorithm=algorithm, n_lists=n_lists,
                                    n_probe=n_probe, random_state=random_state, n_jobs=n_jobs)
    n, k = indices.shape
    if mode == "distance":
        data = distances
    elif mode == "similarity":
        data = (1 - distances).astype(distances.dtype, copy=False)
    else:
        data = np.ones_like(distances)
    if min_similarity is None:
        indptr = np.arange(0, n * k + 1, k, dtype=np.int64)
        return sp.csr_array((data.ravel(), indices.ravel(), indptr), shape=(n, n))
    # Distances are 1 - cos in float64 rounded to X's dtype: compare in float64.
    keep = (1.0 - distances.astype(np.float64)) >= min_similarity
    counts = keep.sum(axis=1)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return sp.csr_array((data[keep], indices[keep], indptr), shape=(n, n))

