"""K-means (Lloyd's algorithm) with a fused C++ distance/argmin kernel and k-means|| seeding."""

from __future__ import annotations

import logging
import numbers
import time
from typing import Optional, Union

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, ClusterMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from unsup import _core
from unsup.cluster import _lloyd
from unsup.utils.validation import check_n_jobs, check_positive_int, check_real, check_seed

__all__ = ["KMeans"]

logger = logging.getLogger("unsup")

_INITS = ("k-means||", "k-means++", "random")


def check_sample_weight(sample_weight, n: int, dtype) -> Optional[np.ndarray]:
    """None, or n finite non-negative weights in X's dtype, not all zero."""
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight)
    if w.ndim == 0:
        w = np.full(n, w, dtype=dtype)
    if w.ndim != 1 or w.shape[0] != n:
        raise ValueError(f"sample_weight must be 1-d with one weight per sample ({n}), got shape {w.shape}")
    w = np.ascontiguousarray(w, dtype=dtype)
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("sample_weight must be finite and non-negative")
    if not w.sum() > 0:
        raise ValueError("sample_weight must not be all zero")
    return w


def check_init(init, k: int, d: int, dtype, name: str = "init"):
    """A seeding name or a (k, d) array of finite initial centres in X's dtype."""
    if isinstance(init, str):
        if init not in _INITS:
            raise ValueError(f"{name} must be one of {_INITS} or an array of shape (n_clusters, n_features), "
                             f"got {init!r}")
        return init
    centres = np.asarray(init)
    if centres.shape != (k, d):
        raise ValueError(f"{name}: expected an array of shape (n_clusters, n_features) = ({k}, {d}), "
                         f"got {centres.shape}")
    if not np.all(np.isfinite(centres)):
        raise ValueError(f"{name} must be finite")
    return np.ascontiguousarray(centres, dtype=dtype)


class KMeans(ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator):
    """K-means clustering by Lloyd's algorithm.

    Each iteration assigns every row to its nearest centre with one C++ pass that fuses the
    distance GEMM (a register-blocked AVX-512/AVX2 micro-kernel) with the argmin and the float64
    sums of the new centres, so neither the distance matrix nor a copy of X is ever formed: the
    extra memory is the labels and a few k × d buffers. Chunks of rows are reduced in a fixed
    order, so the result for a given ``random_state`` is bitwise the same for every ``n_jobs``.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters k.
    init : {"k-means||", "k-means++", "random"} or array of shape (n_clusters, n_features), \
default="k-means||"
        Seeding. ``"k-means||"`` (Bahmani et al. 2012) runs ``init_rounds`` rounds of
        oversampled D² sampling on a uniform sample of ``init_size`` rows, then reduces the
        weighted candidates to k centres with k-means++ and Lloyd: it costs about one Lloyd
        iteration on a million rows. ``"k-means++"`` is greedy k-means++ (2 + ln k trials per
        centre) over all rows: better-founded on small data, k passes over X. ``"random"``: k
        distinct rows drawn uniformly.
    n_init : int, default=1
        Number of seedings; the run with the lowest inertia is kept.
    max_iter : int, default=300
        Maximum number of Lloyd iterations per run.
    tol : float, default=1e-4
        Convergence when the squared shift of the centres (Frobenius) is at most ``tol`` times
        the mean per-feature variance of X; 0 disables it (iterations stop only when no label
        changes or at ``max_iter``).
    algorithm : {"auto", "lloyd", "hamerly"}, default="auto"
        ``"lloyd"`` scans every centre for every row in every iteration. ``"hamerly"`` keeps
        Hamerly's bounds (a float per row): a row whose distance to its centre is below half the
        gap to the nearest other centre, or below its lower bound on the second-nearest distance,
        keeps its centre without a scan — the same labels as Lloyd (up to the rounding of
        near-ties), in a fraction of the time once the centres settle. ``"auto"``: Hamerly for
        dense rows and k >= 32, Lloyd otherwise (sparse rows always use Lloyd).
    init_size : int, optional
        Rows sampled for k-means|| (default ``max(100_000, 100 * n_clusters)``, all rows when
        fewer).
    oversampling_factor : float, default=2.0
        k-means||'s ℓ / k: expected candidates added per round.
    init_rounds : int, default=5
        Rounds of k-means||.
    random_state : int, RandomState, Generator or None
        Seed of the seeding.
    n_jobs : int, optional
        Threads (``None``: 1, ``-1``: all cores). Results do not depend on it.
    verbose : int, default=0
        Log the objective of every iteration (logger ``"unsup"``).

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        Centres, in X's dtype (float32 stays float32).
    labels_ : ndarray of shape (n_samples,)
        Label of every training row (at the final centres).
    inertia_ : float
        Sum of (weighted) squared distances of the rows to their nearest centre.
    n_iter_ : int
        Lloyd iterations of the kept run.
    n_features_in_ : int
        Number of features seen in fit.

    Notes
    -----
    ``partial_fit`` is sequential (MacQueen) K-means at chunk granularity: each chunk is assigned
    to the current centres, its sums are added to running float64 sums over everything seen, and
    the centres become the running means. One ``partial_fit`` on all of X from an array ``init``
    is exactly one Lloyd iteration from that init. After ``fit``, ``partial_fit`` continues from
    the fitted centres, weighted by the masses of their clusters.
    Empty clusters are moved onto the rows farthest from their centres.

    Examples
    --------
    >>> import numpy as np
    >>> from unsup.cluster import KMeans
    >>> X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    >>> km = KMeans(n_clusters=2, random_state=0).fit(X)
    >>> sorted(np.bincount(km.labels_).tolist())
    [2, 2]
    """

    def __init__(self, n_clusters: int = 8, *, init: Union[str, np.ndarray] = "k-means||", n_init: int = 1,
                 max_iter: int = 300, tol: float = 1e-4, algorithm: str = "auto", init_size: Optional[int] = None,
                 oversampling_factor: float = 2.0, init_rounds: int = 5, random_state=None,
                 n_jobs: Optional[int] = None, verbose: int = 0):
        self.n_clusters = n_clusters
        self.algorithm = algorithm
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.init_size = init_size
        self.oversampling_factor = oversampling_factor
        self.init_rounds = init_rounds
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    # Cosine subclasses override these.
    _metric = "euclidean"
    _center = "mean"

    # ------------------------------------------------------------------ validation
    def _validate(self, X, reset: bool):
        X = validate_data(self, X, accept_sparse=["csr", "csc", "coo"], dtype=[np.float64, np.float32], reset=reset)
        if sp.issparse(X) and X.format != "csr":
            X = X.tocsr()
        return X

    def _check_params(self, n: int):
        k = check_positive_int(self.n_clusters, "n_clusters")
        if n < k:
            raise ValueError(f"n_samples={n} should be >= n_clusters={k}")
        check_positive_int(self.n_init, "n_init")
        check_positive_int(self.max_iter, "max_iter")
        check_real(self.tol, "tol", low=0.0)
        check_real(self.oversampling_factor, "oversampling_factor", low=1e-3)
        check_positive_int(self.init_rounds, "init_rounds", minimum=0)
        if getattr(self, "algorithm", "lloyd") not in ("auto", "lloyd", "hamerly"):
            raise ValueError(f"algorithm must be 'auto', 'lloyd' or 'hamerly', got {self.algorithm!r}")
        if self.init_size is not None:
            check_positive_int(self.init_size, "init_size")
        if not isinstance(self.verbose, (numbers.Integral, bool)):
            raise ValueError(f"verbose must be an int, got {self.verbose!r}")
        return k

    def _check_rows(self, X) -> None:
        """Cosine K-means refuses rows of zero norm (they have no direction)."""

    # ------------------------------------------------------------------ seeding
    def _seed(self, X, k: int, weights, rng: np.random.Generator, n_jobs: int):
        init = check_init(self.init, k, X.shape[1], X.dtype)
        if not isinstance(init, str):
            return init
        if init == "random":
            rows = np.sort(rng.choice(X.shape[0], size=k, replace=False))
            centres = _lloyd.take_rows(X, rows).astype(X.dtype)
        elif init == "k-means++":
            centres = _lloyd.kmeans_plusplus(X, k, weights, rng, self._metric, n_jobs)
        else:
            size = self.init_size if self.init_size is not None else max(100_000, 100 * k)
            centres = _lloyd.kmeans_parallel(X, k, weights, rng, self._metric, n_jobs, size,
                                             float(self.oversampling_factor), int(self.init_rounds))
        return np.ascontiguousarray(centres, dtype=X.dtype)

    # ------------------------------------------------------------------ fitting
    def fit(self, X, y=None, sample_weight=None) -> "KMeans":
        """Compute the clustering.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows to cluster; float32 input is kept in float32.
        y : ignored
        sample_weight : array-like of shape (n_samples,), optional
            Weight of every row.

        Returns
        -------
        self
        """
        X = self._validate(X, reset=True)
        k = self._check_params(X.shape[0])
        self._check_rows(X)
        weights = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        n_jobs = check_n_jobs(self.n_jobs)
        rng = np.random.default_rng(check_seed(self.random_state))
        tol = float(self.tol) * _lloyd.mean_variance(X) if self.tol > 0 else 0.0
        if not isinstance(self.init, str) and self.n_init != 1:
            logger.info("KMeans: init is an array, so n_init=%d runs would all be the same; running one",
                        self.n_init)
        runs = 1 if not isinstance(self.init, str) else int(self.n_init)
        best = None
        for run in range(runs):
            started = time.perf_counter()
            centres = self._seed(X, k, weights, rng, n_jobs)
            seeded = time.perf_counter()
            result = _lloyd.lloyd(X, centres, weights, self._metric, n_jobs, int(self.max_iter), tol, self._center,
                                  self.verbose, type(self).__name__, getattr(self, "algorithm", "lloyd"))
            if self.verbose:
                logger.info("%s run %d: seeding %.3f s, %d iterations %.3f s, objective %.6g", type(self).__name__,
                            run, seeded - started, result[3], time.perf_counter() - seeded, result[2])
            if best is None or result[2] < best[2]:
                best = result
        centres, labels, objective, iterations = best
        self.cluster_centers_ = centres
        self.labels_ = labels
        self.inertia_ = objective
        self.n_iter_ = iterations
        self._start_running(labels, weights)
        return self

    def _start_running(self, labels: np.ndarray, weights: Optional[np.ndarray]) -> None:
        """Running sums for partial_fit after fit: the fitted centres weighted by the masses of
        their clusters (so partial_fit continues the fit instead of starting over)."""
        k = self.cluster_centers_.shape[0]
        ok = labels >= 0
        mass = np.bincount(labels[ok], weights=None if weights is None else weights[ok].astype(np.float64),
                           minlength=k).astype(np.float64)
        centres = self.cluster_centers_.astype(np.float64)
        self._running_mass = mass
        self._running_sums = centres.copy() if self._center == "sum" else centres * mass[:, None]

    def _chunk_statistics(self, data, weights, scored: np.ndarray, n: int, n_jobs: int):
        """Sums and masses of one chunk at the current centres (hard assignment)."""
        labels = np.full(n, -1, dtype=np.int32)
        sums, mass, _, _, _ = _core.cluster.lloyd_pass(data, weights, scored, self._metric, labels, n_jobs)
        return sums, mass

    def partial_fit(self, X, y=None, sample_weight=None) -> "KMeans":
        """Update the centres with one chunk of rows (sequential K-means; see Notes).

        The first call seeds the centres on this chunk (``init``) unless the estimator is fitted.

        Returns
        -------
        self
        """
        first = not hasattr(self, "cluster_centers_")
        X = self._validate(X, reset=first)
        n_jobs = check_n_jobs(self.n_jobs)
        self._check_rows(X)
        weights = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        if first:
            k = self._check_params(X.shape[0])
            rng = np.random.default_rng(check_seed(self.random_state))
            self.cluster_centers_ = self._seed(X, k, weights, rng, n_jobs)
            self.n_iter_ = 0
        elif X.dtype != self.cluster_centers_.dtype:
            X = X.astype(self.cluster_centers_.dtype)
        k = self.cluster_centers_.shape[0]
        if not hasattr(self, "_running_sums"):
            self._running_sums = np.zeros((k, X.shape[1]))
            self._running_mass = np.zeros(k)
        data = _lloyd.core_rows(X)
        centres = self.cluster_centers_
        scored = _lloyd.directions(centres) if self._metric == "cosine" else centres
        sums, mass = self._chunk_statistics(data, weights, scored, X.shape[0], n_jobs)
        self._running_sums += sums
        self._running_mass += mass
        self.cluster_centers_ = _lloyd.centres_from_sums(self._running_sums, self._running_mass, centres,
                                                         self._metric, self._center, centres.dtype)
        self.n_iter_ += 1
        scored = _lloyd.directions(self.cluster_centers_) if self._metric == "cosine" else self.cluster_centers_
        self.labels_, self.inertia_ = _lloyd.assign(data, weights, scored, self._metric, X.shape[0], n_jobs)
        return self

    # ------------------------------------------------------------------ using the fit
    def _prepared(self, X):
        check_is_fitted(self, "cluster_centers_")
        X = self._validate(X, reset=False)
        if X.dtype != self.cluster_centers_.dtype:
            X = X.astype(self.cluster_centers_.dtype)
        self._check_rows(X)
        centres = self.cluster_centers_
        scored = _lloyd.directions(centres) if self._metric == "cosine" else centres
        return _lloyd.core_rows(X), scored, X

    def predict(self, X, sample_weight=None) -> np.ndarray:
        """Index of the nearest centre of every row.

        Returns
        -------
        labels : ndarray of shape (n_samples,), int32
        """
        data, scored, _ = self._prepared(X)
        labels, _ = _core.cluster.nearest_centres(data, None, scored, self._metric, check_n_jobs(self.n_jobs))
        return labels

    def transform(self, X) -> np.ndarray:
        """Distances from every row to every centre (Euclidean; cosine: 1 − cos).

        Returns
        -------
        distances : ndarray of shape (n_samples, n_clusters), X's dtype
        """
        data, scored, _ = self._prepared(X)
        d = _core.cluster.all_distances(data, scored, self._metric, check_n_jobs(self.n_jobs))
        return np.sqrt(d, out=d) if self._metric == "euclidean" else d

    def fit_transform(self, X, y=None, sample_weight=None) -> np.ndarray:
        """Fit, then the distances of the training rows to the centres."""
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def score(self, X, y=None, sample_weight=None) -> float:
        """Minus the (weighted) sum of squared distances to the nearest centre (cosine: of 1 − cos)."""
        data, scored, X = self._prepared(X)
        weights = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        _, objective = _lloyd.assign(data, weights, scored, self._metric, X.shape[0], check_n_jobs(self.n_jobs))
        return -objective

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    @property
    def _n_features_out(self) -> int:
        return self.cluster_centers_.shape[0]
