"""Gaussian mixture models fitted by EM, one fused C++ pass over X per iteration."""

from __future__ import annotations

import logging
import math
import warnings
from typing import Optional, Tuple

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from unsup import _core
from unsup.utils.validation import check_n_jobs, check_positive_int, check_real, check_seed

__all__ = ["GaussianMixture"]

logger = logging.getLogger("unsup")

_COVARIANCE_TYPES = ("full", "diag")
_INIT_PARAMS = ("kmeans", "k-means++", "random", "random_from_data")
# Added to every component's responsibility mass so that an empty component divides 0 by a
# positive number instead of by zero.
_MASS_FLOOR = 10 * np.finfo(np.float64).eps
# Rows per block of the NumPy work of the initialisation (seeding distances, data mean).
_BLOCK_ROWS = 8192


# ---------------------------------------------------------------------- data helpers
def _as_csr(x: sp.spmatrix) -> sp.csr_matrix:
    """CSR whose indptr and indices share one dtype (the C++ pass reads either int32 or int64)."""
    x = x if x.format == "csr" else x.tocsr()
    if x.indptr.dtype != x.indices.dtype:
        x = sp.csr_matrix((x.data, x.indices.astype(np.int64), x.indptr.astype(np.int64)), shape=x.shape)
    return x


def _core_args(X) -> tuple:
    """(values, indices, indptr, n_cols) for the C++ pass: dense X as it is, or the CSR arrays."""
    if sp.issparse(X):
        return X.data, X.indices, X.indptr, X.shape[1]
    return X, None, None, X.shape[1]


def _blocks(X):
    """Row blocks of X as float64 arrays (dense) or CSR slices, never all of X at once."""
    for start in range(0, X.shape[0], _BLOCK_ROWS):
        block = X[start:start + _BLOCK_ROWS]
        yield start, (block if sp.issparse(block) else block.astype(np.float64, copy=False))


def _squared_norms(X) -> np.ndarray:
    out = np.empty(X.shape[0])
    for start, block in _blocks(X):
        if sp.issparse(block):
            block = block.astype(np.float64)
            out[start:start + block.shape[0]] = np.asarray(block.multiply(block).sum(axis=1)).ravel()
        else:
            out[start:start + block.shape[0]] = np.einsum("ij,ij->i", block, block)
    return out


def _squared_distances(X, x_norms: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """‖x_i − c_j‖² (n × m, clipped at 0), block by block."""
    c_norms = np.einsum("ij,ij->i", centres, centres)
    out = np.empty((X.shape[0], centres.shape[0]))
    for start, block in _blocks(X):
        stop = start + block.shape[0]
        out[start:stop] = x_norms[start:stop, None] - 2.0 * np.asarray(block @ centres.T) + c_norms
    np.maximum(out, 0.0, out=out)
    return out


def _nearest(X, x_norms: np.ndarray, centres: np.ndarray) -> np.ndarray:
    labels = np.empty(X.shape[0], dtype=np.int64)
    for start, block in _blocks(X):
        stop = start + block.shape[0]
        labels[start:stop] = np.argmin(_squared_distances(block, x_norms[start:stop], centres), axis=1)
    return labels


def _row(X, i: int) -> np.ndarray:
    row = X[i]
    return (row.toarray() if sp.issparse(row) else np.asarray(row)).astype(np.float64).ravel()


def _kmeans_plus_plus(X, k: int, rng: np.random.Generator) -> np.ndarray:
    """D² seeding (Arthur & Vassilvitskii): each new centre is a row drawn with probability
    proportional to its squared distance to the nearest centre so far."""
    n = X.shape[0]
    norms = _squared_norms(X)
    centres = np.empty((k, X.shape[1]))
    centres[0] = _row(X, int(rng.integers(n)))
    closest = _squared_distances(X, norms, centres[:1])[:, 0]
    for j in range(1, k):
        total = float(closest.sum())
        if total > 0.0:
            cumulative = np.cumsum(closest)
            index = int(min(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"), n - 1))
        else:  # every row sits on a centre already (duplicates): any row will do
            index = int(rng.integers(n))
        centres[j] = _row(X, index)
        np.minimum(closest, _squared_distances(X, norms, centres[j:j + 1])[:, 0], out=closest)
    return centres


def _column_mean(X) -> np.ndarray:
    if sp.issparse(X):
        return np.asarray(X.sum(axis=0, dtype=np.float64)).ravel() / X.shape[0]
    return X.mean(axis=0, dtype=np.float64)


# ---------------------------------------------------------------------- parameter maths
def _upper_factor_of_precision(precision: np.ndarray) -> np.ndarray:
    """The upper-triangular U with precision = U Uᵀ (Cholesky of the index-reversed matrix)."""
    flipped = precision[::-1, ::-1]
    lower = np.linalg.cholesky(flipped)
    return np.ascontiguousarray(lower[::-1, ::-1])


def _precision_cholesky(covariances: np.ndarray, covariance_type: str) -> np.ndarray:
    """U with Σ⁻¹ = U Uᵀ: 1/σ (diag) or L⁻ᵀ for Σ = L Lᵀ (full, upper-triangular)."""
    message = ("Fitting the mixture model failed because some components have an ill-defined empirical "
               "covariance (for instance caused by singleton or collapsed samples). Try to decrease the number "
               "of components, increase reg_covar, or scale the input data.")
    if covariance_type == "diag":
        if np.any(covariances <= 0.0):
            raise ValueError(message)
        return 1.0 / np.sqrt(covariances)
    k, d, _ = covariances.shape
    out = np.empty_like(covariances)
    identity = np.eye(d)
    for j in range(k):
        try:
            lower = scipy.linalg.cholesky(covariances[j], lower=True)
        except np.linalg.LinAlgError:
            raise ValueError(message) from None
        out[j] = scipy.linalg.solve_triangular(lower, identity, lower=True).T
    return out


class _Stats:
    """Float64 sufficient statistics around a shift: the running totals of one or more passes."""

    def __init__(self, covariance_type: str, k: int, d: int, shift: np.ndarray) -> None:
        diag = covariance_type == "diag"
        self.shift = np.ascontiguousarray(shift, dtype=np.float64)
        self.nk = np.zeros(k)
        self.s1 = np.zeros((k, d))
        self.s2 = np.zeros((k, d) if diag else (k, d, d))
        self.log_likelihood = np.zeros(1)
        self.n_samples = 0


class _Params:
    """float64 parameters: weights, means, covariances and the precision's Cholesky factor U."""

    def __init__(self, weights, means, covariances, prec_chol) -> None:
        self.weights = weights
        self.means = means
        self.covariances = covariances
        self.prec_chol = prec_chol

    def shift(self, covariance_type: str) -> np.ndarray:
        """Where the next pass centres its statistics: the means (full), their weighted mean (diag)."""
        return self.means.copy() if covariance_type == "full" else self.weights @ self.means


def _m_step(stats: _Stats, covariance_type: str, reg_covar: float) -> _Params:
    """Weights, means and covariances from the statistics: with N_j the mass and c the shift,
    μ_j = c + S1_j / N_j and Σ_j = S2_j / N_j − (μ_j − c)(μ_j − c)ᵀ + reg_covar I."""
    nk = stats.nk + _MASS_FLOOR
    offset = stats.s1 / nk[:, None]
    means = stats.shift + offset
    if covariance_type == "diag":
        covariances = np.maximum(stats.s2 / nk[:, None] - offset * offset, 0.0) + reg_covar
    else:
        covariances = stats.s2 / nk[:, None, None] - offset[:, :, None] * offset[:, None, :]
        covariances = 0.5 * (covariances + covariances.transpose(0, 2, 1))
        covariances[:, np.arange(means.shape[1]), np.arange(means.shape[1])] += reg_covar
    weights = nk / nk.sum()
    return _Params(weights, means, covariances, _precision_cholesky(covariances, covariance_type))


class GaussianMixture(DensityMixin, BaseEstimator):
    """Gaussian mixture model fitted by expectation-maximisation (Dempster, Laird & Rubin).

    The density is ``p(x) = Σ_j π_j N(x; μ_j, Σ_j)``. Each EM iteration makes one pass over X in
    C++: for each tile of rows the E-step (log-densities of every component through the
    Cholesky factor ``U_j`` of the precision, ``log N = −½‖(x − μ_j) U_j‖² + Σ log diag U_j −
    (d/2) log 2π``, log-sum-exp, responsibilities) is followed at once by the M-step's sufficient
    statistics, accumulated in float64 around a shift (the previous means) so that the
    covariances ``S2/N − (μ − c)(μ − c)ᵀ`` do not cancel. Float32 X is read as it is (no copy);
    CSR X is expanded tile by tile. Rows are reduced chunk by chunk on a fixed grid, so results are
    bitwise the same for any ``n_jobs``.

    Same parameterisation as scikit-learn's ``GaussianMixture`` for ``"full"`` and ``"diag"``,
    so the two can be started from identical ``weights_init``, ``means_init`` and
    ``precisions_init``.

    Parameters
    ----------
    n_components : int, default=1
        Number of mixture components.
    covariance_type : {"full", "diag"}, default="full"
        One general covariance matrix per component, or one diagonal one.
    tol : float, default=1e-3
        EM stops when the mean log-likelihood per sample improves by less than ``tol``.
    reg_covar : float, default=1e-6
        Added to the diagonal of every covariance (a variance floor).
    max_iter : int, default=100
        EM iterations per initialisation (0: initialise only).
    n_init : int, default=1
        Initialisations; the one with the largest final lower bound is kept.
    init_params : {"kmeans", "k-means++", "random", "random_from_data"}, default="k-means++"
        Starting responsibilities. ``"kmeans"``: the centres of :class:`unsup.cluster.KMeans`
        (k-means|| seeding and Lloyd to convergence), every row assigned to its nearest centre.
        ``"k-means++"``: D²-seeded centres, every row assigned to its
        nearest centre (hard responsibilities). ``"random_from_data"``: centres drawn uniformly
        among the rows, then the same hard assignment. ``"random"``: responsibilities drawn
        uniformly at random and normalised per row. The initial parameters are the M-step of
        these responsibilities, then overridden by whichever of ``weights_init``, ``means_init``
        and ``precisions_init`` are given.
    weights_init : array-like of shape (n_components,), default=None
        Initial weights (non-negative, summing to 1).
    means_init : array-like of shape (n_components, n_features), default=None
        Initial means.
    precisions_init : array-like, default=None
        Initial precisions (inverse covariances): shape (n_components, n_features) for
        ``"diag"``, (n_components, n_features, n_features) for ``"full"``.
    random_state : None, int, RandomState or Generator, default=None
        Seed of the initialisation and of ``sample``.
    warm_start : bool, default=False
        ``fit`` starts from the current parameters (one initialisation, no new draw).
    verbose : int, default=0
        Log the lower bound of every iteration (logger ``"unsup"``, level INFO).
    n_jobs : int or None, default=None
        Threads of the passes over X (``-1``: all cores). Results do not depend on it.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
    means_ : ndarray of shape (n_components, n_features)
    covariances_ : ndarray
        (n_components, n_features) for ``"diag"``, (n_components, n_features, n_features) for
        ``"full"``.
    precisions_ : ndarray
        The inverse covariances, same shape.
    precisions_cholesky_ : ndarray
        ``U`` with ``precisions_ = U Uᵀ``: ``1/σ`` for ``"diag"``; for ``"full"`` always the
        upper-triangular factor ``L⁻ᵀ`` of ``covariances_ = L Lᵀ`` (scikit-learn keeps a lower
        factor after initialising from ``precisions_init``; the product is the same).
    converged_ : bool
    n_iter_ : int
        EM iterations of the kept initialisation (``partial_fit``: calls so far).
    lower_bound_ : float
        Mean log-likelihood per sample of the kept run, computed in the E-step of its last
        iteration (that is, of the parameters before the last M-step), as in scikit-learn.
    lower_bounds_ : list of float
        ``lower_bound_`` of every iteration of the kept run.
    n_features_in_ : int
    n_samples_seen_ : int
        Rows summarised by the ``partial_fit`` running totals (``fit``: rows of X).

    Notes
    -----
    Responsibilities below ``2**-200`` (about 6e-61) are set to 0 and skipped by the M-step: fewer
    than ``2**100`` of them change a component's mass by less than ``2**-100``, far below the
    float64 resolution of the ``10 ε`` floor added to every mass, and a row's log-sum-exp (a sum
    of at least 1) not at all. On well-separated data most responsibilities are such, and the
    M-step then costs a fraction of the E-step.

    Memory: besides X (never copied), one float64 tile per thread and the statistics of at most
    ``max(4 MiB, 3% of X)`` worth of chunks at a time.

    Examples
    --------
    >>> import numpy as np
    >>> from unsup.cluster import GaussianMixture
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(-5, 1, (200, 2)), rng.normal(5, 1, (200, 2))])
    >>> gm = GaussianMixture(2, random_state=0).fit(X)
    >>> np.sort(np.round(gm.means_[:, 0]))
    array([-5.,  5.])
    """

    def __init__(self, n_components: int = 1, *, covariance_type: str = "full", tol: float = 1e-3,
                 reg_covar: float = 1e-6, max_iter: int = 100, n_init: int = 1, init_params: str = "k-means++",
                 weights_init=None, means_init=None, precisions_init=None, random_state=None,
                 warm_start: bool = False, verbose: int = 0, n_jobs: Optional[int] = None) -> None:
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ validation
    def _check_params(self) -> None:
        check_positive_int(self.n_components, "n_components")
        if self.covariance_type not in _COVARIANCE_TYPES:
            raise ValueError(f"covariance_type must be one of {_COVARIANCE_TYPES}, got {self.covariance_type!r}")
        check_real(self.tol, "tol", low=0.0)
        check_real(self.reg_covar, "reg_covar", low=0.0)
        check_positive_int(self.max_iter, "max_iter", minimum=0)
        check_positive_int(self.n_init, "n_init")
        if self.init_params not in _INIT_PARAMS:
            raise ValueError(f"init_params must be one of {_INIT_PARAMS}, got {self.init_params!r}")
        check_n_jobs(self.n_jobs)

    def _validate_data(self, X, reset: bool):
        X = validate_data(self, X, accept_sparse=["csr", "csc", "coo"], dtype=[np.float64, np.float32], reset=reset)
        return _as_csr(X) if sp.issparse(X) else X

    def _check_initial(self, d: int) -> Tuple[Optional[np.ndarray], Optional[np.ndarray], Optional[np.ndarray]]:
        k = self.n_components
        weights = means = prec_chol = None
        if self.weights_init is not None:
            weights = np.array(self.weights_init, dtype=np.float64)
            if weights.shape != (k,):
                raise ValueError(f"weights_init must have shape ({k},), got {weights.shape}")
            if not np.all(np.isfinite(weights)) or np.any(weights < 0) or abs(weights.sum() - 1.0) > 1e-6:
                raise ValueError("weights_init must be finite, non-negative and sum to 1")
        if self.means_init is not None:
            means = np.array(self.means_init, dtype=np.float64)
            if means.shape != (k, d):
                raise ValueError(f"means_init must have shape ({k}, {d}), got {means.shape}")
            if not np.all(np.isfinite(means)):
                raise ValueError("means_init must be finite")
        if self.precisions_init is not None:
            prec = np.array(self.precisions_init, dtype=np.float64)
            if self.covariance_type == "diag":
                if prec.shape != (k, d):
                    raise ValueError(f"precisions_init must have shape ({k}, {d}) for 'diag', got {prec.shape}")
                if not np.all(np.isfinite(prec)) or np.any(prec <= 0):
                    raise ValueError("precisions_init must be finite and positive")
                prec_chol = np.sqrt(prec)
            else:
                if prec.shape != (k, d, d):
                    raise ValueError(f"precisions_init must have shape ({k}, {d}, {d}) for 'full', got {prec.shape}")
                if not np.all(np.isfinite(prec)) or not np.allclose(prec, prec.transpose(0, 2, 1)):
                    raise ValueError("precisions_init must be finite and symmetric")
                try:
                    prec_chol = np.array([_upper_factor_of_precision(p) for p in prec])
                except np.linalg.LinAlgError:
                    raise ValueError("precisions_init must be positive definite") from None
        return weights, means, prec_chol

    # ------------------------------------------------------------------ the C++ pass
    def _pass(self, X, params: Optional[_Params], stats: _Stats, n_jobs: int, responsibilities=None,
              labels=None) -> None:
        values, indices, indptr, d = _core_args(X)
        k = stats.nk.shape[0]
        if params is None:
            log_weights = means = prec_chol = None
        else:
            with np.errstate(divide="ignore"):
                log_weights = np.log(params.weights)
            means, prec_chol = params.means, params.prec_chol
        _core.cluster.gmm_accumulate(values, indices, indptr, d, self.covariance_type, k, log_weights, means,
                                     prec_chol, stats.shift, stats.nk, stats.s1, stats.s2, stats.log_likelihood,
                                     responsibilities, labels, n_jobs)
        stats.n_samples += X.shape[0]

    def _initial_params(self, X, rng: np.random.Generator, n_jobs: int) -> _Params:
        n, d = X.shape
        k = self.n_components
        weights, means, prec_chol = self._check_initial(d)
        if weights is None or means is None or prec_chol is None:
            if self.init_params == "random":
                centre = _column_mean(X)
                stats = _Stats(self.covariance_type, k, d, centre if self.covariance_type == "diag"
                               else np.tile(centre, (k, 1)))
                resp = rng.uniform(size=(n, k))
                resp /= resp.sum(axis=1, keepdims=True)
                self._pass(X, None, stats, n_jobs, responsibilities=resp)
            else:
                if self.init_params == "kmeans":
                    from unsup.cluster.kmeans import KMeans

                    seed = int(rng.integers(0, 2**31 - 1))
                    km = KMeans(k, n_init=1, random_state=seed, n_jobs=n_jobs).fit(X)
                    centres = km.cluster_centers_.astype(np.float64)
                elif self.init_params == "k-means++":
                    centres = _kmeans_plus_plus(X, k, rng)
                else:
                    centres = np.array([_row(X, int(i)) for i in rng.choice(n, size=k, replace=False)])
                labels = _nearest(X, _squared_norms(X), centres)
                stats = _Stats(self.covariance_type, k, d, centres.mean(axis=0) if self.covariance_type == "diag"
                               else centres)
                self._pass(X, None, stats, n_jobs, labels=labels)
            start = _m_step(stats, self.covariance_type, self.reg_covar)
        else:
            start = _Params(None, None, None, None)
        if weights is not None:
            start.weights = weights
        if means is not None:
            start.means = means
        if prec_chol is not None:
            start.prec_chol = prec_chol
            if self.covariance_type == "diag":
                start.covariances = 1.0 / (prec_chol * prec_chol)
            else:
                start.covariances = np.array([np.linalg.inv(u @ u.T) for u in prec_chol])
        return start

    def _current_params(self) -> _Params:
        return _Params(np.asarray(self.weights_, dtype=np.float64), np.asarray(self.means_, dtype=np.float64),
                       np.asarray(self.covariances_, dtype=np.float64),
                       np.asarray(self.precisions_cholesky_, dtype=np.float64))

    def _set_params_out(self, params: _Params, dtype) -> None:
        self.weights_ = params.weights.astype(dtype)
        self.means_ = params.means.astype(dtype)
        self.covariances_ = params.covariances.astype(dtype)
        self.precisions_cholesky_ = params.prec_chol.astype(dtype)
        u = params.prec_chol
        self.precisions_ = (u * u if self.covariance_type == "diag" else u @ u.transpose(0, 2, 1)).astype(dtype)

    # ------------------------------------------------------------------ fitting
    def fit(self, X, y=None) -> "GaussianMixture":
        """Fit the mixture by EM (``n_init`` initialisations, ``max_iter`` iterations each).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Dense float32/float64 (read as it is) or sparse (CSR; expanded tile by tile).
        y : ignored

        Returns
        -------
        self
        """
        self._check_params()
        warm = bool(self.warm_start) and hasattr(self, "converged_")
        X = self._validate_data(X, reset=not warm)
        n = X.shape[0]
        if n < self.n_components:
            raise ValueError(f"Expected n_samples >= n_components, got n_components={self.n_components}, "
                             f"n_samples={n}")
        n_jobs = check_n_jobs(self.n_jobs)
        rng = None if warm else np.random.default_rng(check_seed(self.random_state))
        best = None
        for init in range(1 if warm else self.n_init):
            params = self._current_params() if warm else self._initial_params(X, rng, n_jobs)
            lower_bound = self.lower_bound_ if warm else -np.inf
            bounds = []
            converged = False
            n_iter = 0
            for n_iter in range(1, self.max_iter + 1):
                previous = lower_bound
                stats = _Stats(self.covariance_type, self.n_components, X.shape[1],
                               params.shift(self.covariance_type))
                self._pass(X, params, stats, n_jobs)
                params = _m_step(stats, self.covariance_type, self.reg_covar)
                lower_bound = float(stats.log_likelihood[0]) / n
                bounds.append(lower_bound)
                if self.verbose:
                    logger.info("GaussianMixture init %d iteration %d: lower bound %.10g (change %.3g)", init + 1,
                                n_iter, lower_bound, lower_bound - previous)
                if abs(lower_bound - previous) < self.tol:
                    converged = True
                    break
            if best is None or lower_bound > best[1] or best[1] == -np.inf:
                best = (params, lower_bound, bounds, converged, n_iter)
        params, lower_bound, bounds, converged, n_iter = best
        if not converged and self.max_iter > 0:
            warnings.warn("GaussianMixture did not converge; try a larger max_iter or tol, or check the data.",
                          ConvergenceWarning)
        self._set_params_out(params, X.dtype)
        self.converged_ = converged
        self.n_iter_ = n_iter
        self.lower_bound_ = lower_bound
        self.lower_bounds_ = bounds
        self.n_samples_seen_ = n
        self._totals = None  # partial_fit starts new running totals after a fit
        return self

    def partial_fit(self, X, y=None) -> "GaussianMixture":
        """One step of cumulative online EM on a chunk of rows.

        Each call runs the E-step on X with the current parameters, adds X's float64 sufficient
        statistics (responsibility masses, first and second moments) into running totals of all
        the rows seen so far, and sets the parameters to the M-step of those totals. The first
        call initialises from X like ``fit`` (or starts from the parameters of an earlier ``fit``);
        ``fit`` discards the totals. One call on all of X from given initial parameters equals
        ``fit`` with ``max_iter=1``; the statistics of several calls add up to those of one call on
        their concatenation (bitwise when the chunks are multiples of 1024 rows). The totals keep
        the shift of the first call (the initial means), so the covariances stay free of
        cancellation as long as the means do not wander far from where they started.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self
        """
        self._check_params()
        totals = getattr(self, "_totals", None)
        fitted = hasattr(self, "means_")
        X = self._validate_data(X, reset=not fitted)
        n_jobs = check_n_jobs(self.n_jobs)
        if totals is None:
            if fitted:
                params = self._current_params()
            else:
                if X.shape[0] < self.n_components:
                    raise ValueError(f"Expected n_samples >= n_components in the first partial_fit, got "
                                     f"n_components={self.n_components}, n_samples={X.shape[0]}")
                params = self._initial_params(X, np.random.default_rng(check_seed(self.random_state)), n_jobs)
                self.n_iter_ = 0
                self.lower_bounds_ = []
            totals = _Stats(self.covariance_type, self.n_components, X.shape[1], params.shift(self.covariance_type))
            self._params64 = params
        else:
            params = self._params64
        before = float(totals.log_likelihood[0])
        self._pass(X, params, totals, n_jobs)
        params = _m_step(totals, self.covariance_type, self.reg_covar)
        self._totals = totals
        self._params64 = params
        self._set_params_out(params, X.dtype)
        self.lower_bound_ = (float(totals.log_likelihood[0]) - before) / max(X.shape[0], 1)
        self.lower_bounds_ = list(getattr(self, "lower_bounds_", [])) + [self.lower_bound_]
        self.n_iter_ = getattr(self, "n_iter_", 0) + 1
        self.converged_ = False
        self.n_samples_seen_ = totals.n_samples
        return self

    # ------------------------------------------------------------------ inference
    def _weighted_log_prob(self, X) -> Tuple[np.ndarray, np.dtype]:
        """(log π_j + log N(x_i; μ_j, Σ_j) as float64 (n × k), X's dtype)."""
        check_is_fitted(self)
        X = self._validate_data(X, reset=False)
        values, indices, indptr, d = _core_args(X)
        with np.errstate(divide="ignore"):
            log_weights = np.log(np.asarray(self.weights_, dtype=np.float64))
        return _core.cluster.gmm_weighted_log_prob(values, indices, indptr, d, self.covariance_type, log_weights,
                                                   np.asarray(self.means_, dtype=np.float64),
                                                   np.asarray(self.precisions_cholesky_, dtype=np.float64),
                                                   check_n_jobs(self.n_jobs)), X.dtype

    def score_samples(self, X) -> np.ndarray:
        """Log-density ``log p(x)`` of every row (in X's float dtype)."""
        lp, dtype = self._weighted_log_prob(X)
        return logsumexp(lp, axis=1).astype(dtype, copy=False)

    def score(self, X, y=None) -> float:
        """Mean log-density of the rows of X."""
        lp, _ = self._weighted_log_prob(X)
        return float(np.mean(logsumexp(lp, axis=1)))

    def predict(self, X) -> np.ndarray:
        """The most responsible component of every row."""
        lp, _ = self._weighted_log_prob(X)
        return np.argmax(lp, axis=1)

    def predict_proba(self, X) -> np.ndarray:
        """Responsibilities ``p(j | x)`` (n_samples × n_components, in X's float dtype)."""
        lp, dtype = self._weighted_log_prob(X)
        return np.exp(lp - logsumexp(lp, axis=1)[:, None]).astype(dtype, copy=False)

    def fit_predict(self, X, y=None) -> np.ndarray:
        """``fit(X)`` then the labels of X under the fitted parameters."""
        return self.fit(X).predict(X)

    def _n_parameters(self) -> int:
        k, d = self.means_.shape
        covariance = k * d * (d + 1) // 2 if self.covariance_type == "full" else k * d
        return int(covariance + k * d + k - 1)

    def bic(self, X) -> float:
        """Bayesian information criterion on X (lower is better)."""
        n = X.shape[0]
        return -2.0 * self.score(X) * n + self._n_parameters() * math.log(n)

    def aic(self, X) -> float:
        """Akaike information criterion on X (lower is better)."""
        return -2.0 * self.score(X) * X.shape[0] + 2.0 * self._n_parameters()

    def sample(self, n_samples: int = 1) -> Tuple[np.ndarray, np.ndarray]:
        """Draw rows from the fitted mixture.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features), float64
        y : ndarray of shape (n_samples,)
            The component of each row (rows grouped by component).
        """
        check_is_fitted(self)
        n_samples = check_positive_int(n_samples, "n_samples")
        rng = np.random.default_rng(check_seed(self.random_state))
        weights = np.asarray(self.weights_, dtype=np.float64)
        counts = rng.multinomial(n_samples, weights / weights.sum())
        means = np.asarray(self.means_, dtype=np.float64)
        covariances = np.asarray(self.covariances_, dtype=np.float64)
        parts = []
        for j, count in enumerate(counts):
            z = rng.standard_normal((count, means.shape[1]))
            if self.covariance_type == "diag":
                parts.append(means[j] + z * np.sqrt(covariances[j]))
            else:
                parts.append(means[j] + z @ np.linalg.cholesky(covariances[j]).T)
        return np.vstack(parts), np.repeat(np.arange(len(counts)), counts)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
