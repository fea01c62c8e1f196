"""Truncated SVD as the optimal linear autoencoder: batch, randomized and mini-batch fits."""

from __future__ import annotations

import logging
import math
import time
from typing import Optional, Union

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from unsup.decomposition._gram_operator import GramOperator, csr_product
from unsup.decomposition._subspace_iteration import top_eigenpairs
from unsup.utils.validation import check_n_jobs, check_positive_int, check_seed

__all__ = ["SVDAutoencoder"]

logger = logging.getLogger("unsup")

_ALGORITHMS = ("randomized", "exact", "minibatch")
# Passes over X of the randomized fit when n_iter="auto": with a block of k + max(10, 0.6 k)
# vectors, 3 passes capture at least the energy of scikit-learn's randomized_svd with n_iter=5
# (12 products with k + 10 vectors) on flat PPMI spectra (benchmarks/svd_bench.py).
_AUTO_PASSES = 3
# When XᵀX (or XXᵀ) is formed once, a pass costs size² · width and more of them are cheap;
# the last one goes through X (2 GEMMs) in X's precision.
_AUTO_PASSES_EXPLICIT = 7
# The exact dense SVD is refused beyond this many entries (use "randomized").
_EXACT_MAX_ENTRIES = 10**8


def _check_csr(x: sp.spmatrix) -> sp.csr_matrix:
    """CSR with indptr and indices of one dtype (the C++ kernels take either int32 or int64)."""
    x = x if x.format == "csr" else x.tocsr()
    if x.indptr.dtype != x.indices.dtype:
        x = sp.csr_matrix((x.data, x.indices.astype(np.int64), x.indptr.astype(np.int64)), shape=x.shape)
    return x


def _squared_norm(x) -> float:
    """‖x‖²_F summed in float64, without a float64 copy of x."""
    values = x.data if sp.issparse(x) else x
    if values.dtype == np.float64:
        flat = values.reshape(-1) if values.flags.c_contiguous else np.ravel(values)
        return float(np.dot(flat, flat))
    total = 0.0
    flat = np.ravel(values)
    for start in range(0, flat.size, 1 << 20):
        chunk = flat[start:start + (1 << 20)].astype(np.float64)
        total += float(np.dot(chunk, chunk))
    return total


class SVDAutoencoder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """A linear autoencoder ``X ≈ X Vᵀ V`` fitted as a truncated SVD.

    A three-layer network without activations, ``x -> x C -> x C D``, trained on squared
    reconstruction error, has its optimum at the rank-k truncated SVD (Eckart–Young): the
    encoder spans the top right-singular vectors of ``X``. Hence the fits below, all of the
    same model: an exact SVD, a randomized one, and a streaming (mini-batch) one that sees
    each row once. ``clip_negative=True`` cuts negative reconstructions to zero, the ReLU of
    the decoder (for non-negative data such as counts).

    Parameters
    ----------
    n_components : int, default=2
        Size of the code (rank of the reconstruction).
    algorithm : {"randomized", "exact", "minibatch"}, default="randomized"
        ``"randomized"``: subspace iteration on ``XᵀX`` (or ``XXᵀ``, whichever is smaller)
        from a Gaussian block of ``n_components + n_oversamples`` vectors; sparse X is applied
        by a threaded C++ kernel that never stores ``X V`` (one pass over X per iteration);
        dense X with few columns (or rows) forms ``XᵀX`` once. Float64 input is steered in
        float32 (the formed ``XᵀX``, or a float32 copy of the sparse values: +4 bytes per
        stored value) and only the last pass runs in float64: it contracts the float32 error
        by ``(σ_{ℓ+1} / σ_k)²`` and makes the result in full precision.
        ``"exact"``: LAPACK's SVD of the dense matrix (at most 1e8 entries).
        ``"minibatch"``: rows in batches of ``batch_size`` folded into a running sketch (see
        ``partial_fit``); also what ``partial_fit`` does.
    n_iter : int or "auto", default="auto"
        Passes over X of the randomized fit, each applying ``XᵀX`` once (scikit-learn's
        ``n_iter`` = q costs 2q + 2 products with X, i.e. q + 1 of these passes). ``"auto"``:
        3, or 7 when X is dense and forming ``XᵀX`` once is cheaper than the passes (6 on the
        formed float32 matrix, the last one on X).
    n_oversamples : int or "auto", default="auto"
        Extra vectors of the randomized block (``"auto"``: ``max(10, ceil(0.6 n_components))``)
        and of the mini-batch sketch (``"auto"``: ``max(10, n_components)``).
    batch_size : int or None, default=None
        Rows per batch of ``algorithm="minibatch"`` (``None``: ``max(1000, 5 n_components)``).
    clip_negative : bool, default=False
        Cut negative values of ``inverse_transform`` (and of the reconstruction scored by
        ``score``) to zero.
    random_state : None, int, RandomState or Generator, default=None
        Seed of the randomized block.
    n_jobs : int or None, default=None
        Threads of the sparse products (``-1``: all cores). Results do not depend on it.
    verbose : int, default=0
        Log the passes (logger ``"unsup"``, level INFO).

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        The decoder ``V`` (orthonormal rows, the top right-singular vectors; the encoder is
        ``Vᵀ``). Signs: each row's largest absolute entry is positive.
    singular_values_ : ndarray of shape (n_components,)
        Descending. The randomized and mini-batch fits take them from eigenvalues of ``XᵀX``
        (or ``XXᵀ``): values below about ``sqrt(eps) σ₁`` are not resolved (LAPACK's
        ``algorithm="exact"`` resolves them to ``eps σ₁``).
    explained_variance_ratio_ : ndarray of shape (n_components,)
        ``σ_i² / ‖X‖²_F``: the share of the (uncentred) squared norm each component
        reconstructs — not scikit-learn's centred variance ratio.
    n_samples_seen_ : int
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from unsup.decomposition import SVDAutoencoder
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 3)) @ rng.standard_normal((3, 30))
    >>> ae = SVDAutoencoder(n_components=3, random_state=0).fit(X)
    >>> bool(np.allclose(ae.inverse_transform(ae.transform(X)), X))
    True
    """

    def __init__(self, n_components: int = 2, *, algorithm: str = "randomized",
                 n_iter: Union[int, str] = "auto", n_oversamples: Union[int, str] = "auto",
                 batch_size: Optional[int] = None, clip_negative: bool = False, random_state=None,
                 n_jobs: Optional[int] = None, verbose: int = 0) -> None:
        self.n_components = n_components
        self.algorithm = algorithm
        self.n_iter = n_iter
        self.n_oversamples = n_oversamples
        self.batch_size = batch_size
        self.clip_negative = clip_negative
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    # ------------------------------------------------------------------ validation
    def _validate(self, X, reset: bool):
        X = validate_data(self, X, accept_sparse=["csr", "csc", "coo"], dtype=[np.float64, np.float32],
                          reset=reset)
        if sp.issparse(X):
            X = _check_csr(X)
        if self.algorithm not in _ALGORITHMS:
            raise ValueError(f"algorithm must be one of {_ALGORITHMS}, got {self.algorithm!r}")
        k = check_positive_int(self.n_components, "n_components")
        if not isinstance(self.clip_negative, (bool, np.bool_)):
            raise TypeError(f"clip_negative must be a bool, got {self.clip_negative!r}")
        return X, k

    def _passes(self, explicit: bool) -> int:
        if self.n_iter == "auto":
            return _AUTO_PASSES_EXPLICIT if explicit else _AUTO_PASSES
        return check_positive_int(self.n_iter, "n_iter", maximum=10_000)

    def _oversamples(self, k: int, sketch: bool) -> int:
        if self.n_oversamples == "auto":
            return max(10, k) if sketch else max(10, math.ceil(0.6 * k))
        return check_positive_int(self.n_oversamples, "n_oversamples", minimum=0, maximum=10**6)

    # ------------------------------------------------------------------ fitting
    def fit(self, X, y=None) -> "SVDAutoencoder":
        """Fit the autoencoder to X (dense or sparse, n_samples × n_features).

        Returns
        -------
        self
        """
        X, k = self._validate(X, reset=True)
        n_jobs = check_n_jobs(self.n_jobs)
        if k > min(X.shape):
            raise ValueError(f"n_components={k} must be <= min(n_samples, n_features)={min(X.shape)}")
        started = time.perf_counter()
        if self.algorithm == "minibatch":
            self._reset_sketch()
            batch = self._batch_size(k)
            for start in range(0, X.shape[0], batch):
                self._fold(X[start:start + batch], k, n_jobs)
            self._finish_sketch(k)
        elif self.algorithm == "exact":
            self._fit_exact(X, k)
        else:
            self._fit_randomized(X, k, n_jobs)
        if self.verbose:
            logger.info("SVDAutoencoder(%s): %d × %d, k=%d, %.2f s", self.algorithm, X.shape[0], X.shape[1], k,
                        time.perf_counter() - started)
        return self

    def _set_factors(self, values: np.ndarray, vt: np.ndarray, dtype, total: float, n_samples: int) -> None:
        order = np.argsort(-values, kind="stable")
        values, vt = values[order], vt[order]
        signs = np.sign(vt[np.arange(vt.shape[0]), np.argmax(np.abs(vt), axis=1)])
        signs[signs == 0] = 1
        self.components_ = np.ascontiguousarray(vt * signs[:, None], dtype=dtype)
        self.singular_values_ = np.asarray(values, dtype=dtype)
        ratio = values.astype(np.float64) ** 2 / total if total > 0 else np.zeros_like(values, dtype=np.float64)
        self.explained_variance_ratio_ = ratio.astype(dtype)
        self.n_samples_seen_ = int(n_samples)

    def _fit_exact(self, X, k: int) -> None:
        if X.shape[0] * X.shape[1] > _EXACT_MAX_ENTRIES:
            raise ValueError(f"X: algorithm='exact' densifies X; {X.shape[0]} × {X.shape[1]} is too large "
                             "(use algorithm='randomized')")
        dense = X.toarray() if sp.issparse(X) else X
        _, values, vt = scipy.linalg.svd(dense, full_matrices=False, lapack_driver="gesdd")
        self._set_factors(values[:k], vt[:k], X.dtype, _squared_norm(X), X.shape[0])

    def _fit_randomized(self, X, k: int, n_jobs: int) -> None:
        width = min(min(X.shape), k + self._oversamples(k, sketch=False))
        explicit = not sp.issparse(X) and GramOperator.explicit_pays(X.shape, width, self._passes(explicit=False))
        n_passes = self._passes(explicit)
        op = GramOperator(X, n_jobs, explicit=explicit)
        rng = np.random.default_rng(check_seed(self.random_state))
        pass_no = [0]

        def report() -> None:
            pass_no[0] += 1
            if self.verbose:
                logger.info("SVDAutoencoder: pass %d/%d", pass_no[0], n_passes)

        eigenvalues, vectors = top_eigenpairs(op, op.size, k, width, n_passes, rng, X.dtype, check=report,
                                              apply_last=op.exact if op.mixed else None)
        values = np.sqrt(np.maximum(eigenvalues, 0.0))
        if op.transposed:  # vectors are left singular vectors: V = Xᵀ U Σ⁻¹
            right = op.other_side(vectors).astype(np.float64)
            with np.errstate(divide="ignore", invalid="ignore"):
                right = np.where(values > 0, right / values, 0.0)
            vt = right.T
        else:
            vt = vectors.T
        self._set_factors(values, vt, X.dtype, _squared_norm(X), X.shape[0])

    # ------------------------------------------------------------------ streaming
    def _batch_size(self, k: int) -> int:
        if self.batch_size is None:
            return max(1000, 5 * k)
        return check_positive_int(self.batch_size, "batch_size")

    def _reset_sketch(self) -> None:
        for name in ("_sketch_values", "_sketch_vt", "_sketch_gram", "_sketch_norm", "_sketch_rows", "_sketch_dtype"):
            if hasattr(self, name):
                delattr(self, name)

    def partial_fit(self, X, y=None) -> "SVDAutoencoder":
        """Fold a batch of rows into the model (one pass, each row seen once).

        With few features (``n_features <= 4 (n_components + n_oversamples)``) the exact
        ``XᵀX`` is accumulated and the model after any sequence of batches is the SVD of all
        rows seen. Otherwise a rank-``ℓ`` sketch ``B = Σ Vᵀ`` (``ℓ = n_components +
        n_oversamples``) is kept and each batch replaces it by the top ℓ rows of the SVD of
        ``[B; X_batch]`` (Brand's incremental SVD, as in a mini-batch linear autoencoder whose
        optimum is recomputed after every batch): ``BᵀB`` tracks ``XᵀX`` up to the energy beyond
        rank ℓ, so the top-k subspace converges to the SVD's when the spectrum has a gap.

        Returns
        -------
        self
        """
        first = not hasattr(self, "_sketch_norm")
        X, k = self._validate(X, reset=first)
        if k > X.shape[1]:
            raise ValueError(f"n_components={k} must be <= n_features={X.shape[1]}")
        n_jobs = check_n_jobs(self.n_jobs)
        if first:
            self._reset_sketch()
        self._fold(X, k, n_jobs)
        self._finish_sketch(k)
        return self

    def _fold(self, X, k: int, n_jobs: int) -> None:
        dtype = X.dtype
        n = X.shape[1]
        width = k + self._oversamples(k, sketch=True)
        if not hasattr(self, "_sketch_norm"):
            self._sketch_norm = 0.0
            self._sketch_rows = 0
            self._sketch_dtype = dtype
            if n <= 4 * width:
                self._sketch_gram = np.zeros((n, n), dtype=np.float64)
            else:
                self._sketch_values = np.zeros(0, dtype=np.float64)
                self._sketch_vt = np.zeros((0, n), dtype=dtype)
        self._sketch_norm += _squared_norm(X)
        self._sketch_rows += X.shape[0]
        if hasattr(self, "_sketch_gram"):
            gram = X.T @ X
            self._sketch_gram += gram.toarray() if sp.issparse(gram) else gram
            return
        s, vt = self._sketch_values, self._sketch_vt.astype(dtype, copy=False)
        # Gram of the stacked rows [diag(s) Vt; X] on the small side.
        xv = (csr_product("dense", X, vt.T, n_jobs) if sp.issparse(X) else X @ vt.T).astype(np.float64)
        xx = X @ X.T
        xx = xx.toarray() if sp.issparse(xx) else xx
        m = s.size + X.shape[0]
        small = np.empty((m, m), dtype=np.float64)
        small[: s.size, : s.size] = np.diag(s**2)
        small[: s.size, s.size:] = s[:, None] * xv.T
        small[s.size:, : s.size] = small[: s.size, s.size:].T
        small[s.size:, s.size:] = xx
        lam, u = np.linalg.eigh(small)
        keep = min(width, m, n)
        lam, u = lam[::-1][:keep], u[:, ::-1][:, :keep]
        sigma = np.sqrt(np.maximum(lam, 0.0))
        live = sigma > sigma[0] * np.finfo(np.float64).eps * max(m, n) if keep else sigma > 0
        sigma, u = sigma[live], u[:, live]
        # New rows of Vt: Σ'⁻¹ Uᵀ [diag(s) Vt; X].
        top = (u[: s.size].T * s) @ vt.astype(np.float64) if s.size else 0.0
        low = u[s.size:]
        bottom = (csr_product("transpose", X, low.astype(dtype), n_jobs).T.astype(np.float64)
                  if sp.issparse(X) else low.T @ X.astype(np.float64, copy=False))
        self._sketch_vt = ((top + bottom) / sigma[:, None]).astype(dtype)
        self._sketch_values = sigma

    def _finish_sketch(self, k: int) -> None:
        dtype = self._sketch_dtype
        if hasattr(self, "_sketch_gram"):
            n = self._sketch_gram.shape[0]
            lam, v = scipy.linalg.eigh(self._sketch_gram, subset_by_index=(max(0, n - k), n - 1))
            values, vt = np.sqrt(np.maximum(lam[::-1], 0.0)), v[:, ::-1].T
        else:
            values, vt = self._sketch_values[:k], self._sketch_vt[:k]
            if values.size < k:
                raise ValueError(f"n_components={k}: the rows seen so far span only {values.size} dimensions")
        self._set_factors(values, vt, dtype, self._sketch_norm, self._sketch_rows)

    # ------------------------------------------------------------------ encode / decode
    def transform(self, X) -> np.ndarray:
        """Encode: ``X Vᵀ`` (n_samples × n_components)."""
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc", "coo"], dtype=[np.float64, np.float32],
                          reset=False)
        v = self.components_.T.astype(X.dtype, copy=False)
        if sp.issparse(X):
            return csr_product("dense", _check_csr(X), v, check_n_jobs(self.n_jobs))
        return X @ v

    def inverse_transform(self, X) -> np.ndarray:
        """Decode codes (n_samples × n_components) back to features; negatives cut to zero
        when ``clip_negative``."""
        check_is_fitted(self)
        codes = np.asarray(X)
        if codes.ndim != 2 or codes.shape[1] != self.components_.shape[0]:
            raise ValueError(f"X: expected codes of shape (n_samples, {self.components_.shape[0]}), "
                             f"got {codes.shape}")
        if not np.issubdtype(codes.dtype, np.floating):
            codes = codes.astype(np.float64)
        out = codes @ self.components_.astype(codes.dtype, copy=False)
        if self.clip_negative:
            np.maximum(out, 0, out=out)
        return out

    def score(self, X, y=None) -> float:
        """Negative mean squared reconstruction error per sample, ``-‖X - decode(encode(X))‖²_F / n``
        (higher is better, as scikit-learn's model selection expects)."""
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc", "coo"], dtype=[np.float64, np.float32],
                          reset=False)
        if X.shape[0] == 0:
            raise ValueError("X: no rows to score")
        if sp.issparse(X) and not self.clip_negative:  # V has orthonormal rows: ‖X - X VᵀV‖² = ‖X‖² - ‖X Vᵀ‖²
            code = self.transform(X).astype(np.float64)
            error = max(0.0, _squared_norm(X) - float(np.einsum("ij,ij->", code, code)))
            return -error / X.shape[0]
        error = 0.0
        rows = max(1, (1 << 22) // max(1, X.shape[1]))
        for start in range(0, X.shape[0], rows):
            chunk = X[start:start + rows]
            recon = self.inverse_transform(self.transform(chunk))
            dense = chunk.toarray() if sp.issparse(chunk) else chunk
            error += float(np.sum((dense.astype(np.float64) - recon) ** 2))
        return -error / X.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    @property
    def _n_features_out(self) -> int:
        return self.components_.shape[0]
