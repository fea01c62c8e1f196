"""The Nyström approximation of softmax attention (the Nyströmformer)."""

from __future__ import annotations

from typing import Optional

import numpy as np

from unsup.linalg.pseudo_inverse import as_real_matrix, iterative_pinv
from unsup.utils.validation import check_positive_int, check_seed

__all__ = ["NystromApproximation", "softmax_attention"]

_LANDMARKS = ("segment_means", "uniform")
_PINVS = ("iterative", "exact")


def _row_softmax(logits: np.ndarray) -> np.ndarray:
    """softmax along the last axis, computed after subtracting the row maximum (no overflow)."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    np.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=-1, keepdims=True)
    return shifted


def _check_queries_and_keys(Q, K) -> tuple:
    queries = as_real_matrix(Q, "Q").astype(np.float64, copy=False)
    keys = as_real_matrix(K, "K").astype(np.float64, copy=False)
    if queries.shape[1] != keys.shape[1]:
        raise ValueError(f"Q and K must have the same number of columns, got Q of shape {queries.shape} "
                         f"and K of shape {keys.shape}")
    return queries, keys


def _check_values(V, n_keys: int) -> np.ndarray:
    values = np.asarray(V)
    if values.dtype == object or not (np.issubdtype(values.dtype, np.floating)
                                      or np.issubdtype(values.dtype, np.integer)):
        raise TypeError(f"V must be an array of real numbers, got dtype {values.dtype}")
    if values.ndim not in (1, 2) or values.shape[0] != n_keys:
        raise ValueError(f"V must have shape ({n_keys},) or ({n_keys}, d_v), one row per key, got {values.shape}")
    values = values.astype(np.float64, copy=False)
    if not np.all(np.isfinite(values)):
        raise ValueError("V must be finite (no NaN or infinity)")
    return values


def softmax_attention(Q, K, V=None) -> np.ndarray:
    """Exact softmax attention ``S = softmax(Q Kᵀ / √d)`` (row-wise), or ``S V``.

    The ``n × n'`` reference that :class:`NystromApproximation` approximates; it costs
    ``n n'`` memory.

    Parameters
    ----------
    Q : array-like of shape (n, d)
        Queries.
    K : array-like of shape (n', d)
        Keys.
    V : array-like of shape (n',) or (n', d_v), optional
        Values.

    Returns
    -------
    ndarray, float64
        ``S`` of shape (n, n') when ``V`` is None, else ``S V`` of shape (n,) or (n, d_v).

    Examples
    --------
    >>> import numpy as np
    >>> from unsup.linalg import softmax_attention
    >>> S = softmax_attention(np.zeros((2, 4)), np.ones((3, 4)))
    >>> S.round(4)
    array([[0.3333, 0.3333, 0.3333],
           [0.3333, 0.3333, 0.3333]])
    """
    queries, keys = _check_queries_and_keys(Q, K)
    weights = _row_softmax(queries @ keys.T / np.sqrt(queries.shape[1]))
    if V is None:
        return weights
    return weights @ _check_values(V, keys.shape[0])


def _segment_means(rows: np.ndarray, n_segments: int) -> np.ndarray:
    """Means of n_segments contiguous segments whose sizes differ by at most one (n/m rows each
    when m divides n, as in the Nyströmformer)."""
    n = rows.shape[0]
    starts = (np.arange(n_segments) * n) // n_segments
    sizes = np.diff(np.append(starts, n))
    return np.add.reduceat(rows, starts, axis=0) / sizes[:, None]


class NystromApproximation:
    """Nyström approximation of softmax attention in ``O(n m)`` memory (Xiong et al. 2021).

    With ``m`` landmark queries ``Q̃`` and keys ``K̃``, the Nyströmformer replaces the
    ``n × n'`` matrix ``S = softmax(Q Kᵀ / √d)`` by three factors::

        S ≈ softmax(Q K̃ᵀ / √d) · A⁺ · softmax(Q̃ Kᵀ / √d),   A = softmax(Q̃ K̃ᵀ / √d)

    (softmax row-wise), the Nyström form ``C W⁺ R`` of a matrix from ``m`` of its columns
    ``C``, rows ``R`` and their intersection ``W``, where each block is the softmax of its own
    logits (Su Jianlin's kexue.fm article on the Nyströmformer). ``S V`` is then
    computed right to left in ``O((n + n') m d_v)`` time without forming ``S``.

    When the landmarks are ``Q`` and ``K`` themselves (``n_landmarks = n = n'``) and ``A⁺`` is
    exact, the product is ``S S⁺ S = S``: exact. It is also exact whenever ``Q`` and ``K`` are
    constant on the ``m`` segments that give the segment means.

    Parameters
    ----------
    n_landmarks : int, default=64
        Number ``m`` of landmarks, at most the number of rows of ``Q`` and of ``K``.
    landmarks : {"segment_means", "uniform"}, default="segment_means"
        ``"segment_means"``: the means of ``m`` contiguous segments of rows (sizes differing
        by at most one), as in the Nyströmformer; suited to sequences whose neighbouring rows
        are alike. ``"uniform"``: ``m`` distinct rows drawn uniformly without replacement
        (the same row numbers for ``Q`` and ``K`` when they have as many rows, as in Nyström's
        column sampling).
    pinv : {"iterative", "exact"}, default="iterative"
        ``"iterative"``: :func:`iterative_pinv` with ``n_iter`` steps, which damps the small
        singular values of ``A`` (often more accurate than the exact pseudo-inverse, which
        amplifies them: ``A`` is usually ill-conditioned). ``"exact"``: ``numpy.linalg.pinv``.
    n_iter : int, default=6
        Steps of the iterative pseudo-inverse.
    random_state : None, int, RandomState or Generator, default=None
        Seed of the uniform landmark draw (unused with segment means).

    Attributes
    ----------
    landmark_queries_ : ndarray of shape (m, d)
        ``Q̃``.
    landmark_keys_ : ndarray of shape (m, d)
        ``K̃``.
    query_landmark_rows_, key_landmark_rows_ : ndarray of shape (m,) or None
        Row numbers of the uniformly drawn landmarks (None for segment means).
    query_landmark_softmax_ : ndarray of shape (n, m)
        ``softmax(Q K̃ᵀ / √d)``.
    landmark_softmax_ : ndarray of shape (m, m)
        ``A = softmax(Q̃ K̃ᵀ / √d)``.
    landmark_softmax_pinv_ : ndarray of shape (m, m)
        The (iterative or exact) pseudo-inverse of ``A``.
    landmark_key_softmax_ : ndarray of shape (m, n')
        ``softmax(Q̃ Kᵀ / √d)``.

    Examples
    --------
    >>> import numpy as np
    >>> from unsup.linalg import NystromApproximation, softmax_attention
    >>> rng = np.random.default_rng(0)
    >>> Q, K, V = rng.normal(size=(3, 128, 8))
    >>> approx = NystromApproximation(n_landmarks=128, pinv="exact").fit(Q, K)
    >>> np.allclose(approx.matmul(V), softmax_attention(Q, K, V))
    True
    >>> NystromApproximation(n_landmarks=16).fit(Q, K).to_dense().shape
    (128, 128)
    """

    def __init__(self, n_landmarks: int = 64, *, landmarks: str = "segment_means", pinv: str = "iterative",
                 n_iter: int = 6, random_state=None) -> None:
        self.n_landmarks = n_landmarks
        self.landmarks = landmarks
        self.pinv = pinv
        self.n_iter = n_iter
        self.random_state = random_state

    def _check_params(self, n_queries: int, n_keys: int) -> int:
        m = check_positive_int(self.n_landmarks, "n_landmarks")
        if m > min(n_queries, n_keys):
            raise ValueError(f"n_landmarks={m} must not exceed the number of rows of Q ({n_queries}) "
                             f"and of K ({n_keys})")
        if self.landmarks not in _LANDMARKS:
            raise ValueError(f"landmarks must be one of {_LANDMARKS}, got {self.landmarks!r}")
        if self.pinv not in _PINVS:
            raise ValueError(f"pinv must be one of {_PINVS}, got {self.pinv!r}")
        check_positive_int(self.n_iter, "n_iter", minimum=0)
        return m

    def fit(self, Q, K) -> "NystromApproximation":
        """Choose the landmarks and compute the three factors.

        Parameters
        ----------
        Q : array-like of shape (n, d)
            Queries (finite; computed in float64).
        K : array-like of shape (n', d)
            Keys.

        Returns
        -------
        self
        """
        queries, keys = _check_queries_and_keys(Q, K)
        m = self._check_params(queries.shape[0], keys.shape[0])
        query_rows: Optional[np.ndarray] = None
        key_rows: Optional[np.ndarray] = None
        if self.landmarks == "segment_means":
            landmark_queries = _segment_means(queries, m)
            landmark_keys = _segment_means(keys, m)
        else:
            rng = np.random.default_rng(check_seed(self.random_state))
            query_rows = np.sort(rng.choice(queries.shape[0], size=m, replace=False))
            key_rows = (query_rows if keys.shape[0] == queries.shape[0]
                        else np.sort(rng.choice(keys.shape[0], size=m, replace=False)))
            landmark_queries = queries[query_rows]
            landmark_keys = keys[key_rows]
        scale = 1.0 / np.sqrt(queries.shape[1])
        landmark_softmax = _row_softmax(landmark_queries @ landmark_keys.T * scale)
        self.landmark_queries_ = landmark_queries
        self.landmark_keys_ = landmark_keys
        self.query_landmark_rows_ = query_rows
        self.key_landmark_rows_ = key_rows
        self.query_landmark_softmax_ = _row_softmax(queries @ landmark_keys.T * scale)
        self.landmark_softmax_ = landmark_softmax
        self.landmark_softmax_pinv_ = (iterative_pinv(landmark_softmax, self.n_iter) if self.pinv == "iterative"
                                       else np.linalg.pinv(landmark_softmax))
        self.landmark_key_softmax_ = _row_softmax(landmark_queries @ keys.T * scale)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "landmark_softmax_pinv_"):
            from unsup.exceptions import NotFittedError  # scikit-learn only on this path

            raise NotFittedError("This NystromApproximation is not fitted yet; call fit(Q, K) first")

    def matmul(self, V) -> np.ndarray:
        """The approximation of ``S V``, computed right to left without forming ``S``.

        Parameters
        ----------
        V : array-like of shape (n',) or (n', d_v)
            Values, one row per key.

        Returns
        -------
        ndarray of shape (n,) or (n, d_v), float64
        """
        self._check_fitted()
        values = _check_values(V, self.landmark_key_softmax_.shape[1])
        return self.query_landmark_softmax_ @ (self.landmark_softmax_pinv_ @ (self.landmark_key_softmax_ @ values))

    def to_dense(self) -> np.ndarray:
        """The approximation of ``S`` as an ``n × n'`` array (for inspection; ``n n'`` memory).

        Returns
        -------
        ndarray of shape (n, n'), float64
        """
        self._check_fitted()
        return (self.query_landmark_softmax_ @ self.landmark_softmax_pinv_) @ self.landmark_key_softmax_
