"""Householder reflections that map one vector onto another of the same length."""

from __future__ import annotations

from typing import Optional

import numpy as np

from unsup.utils.validation import check_real

__all__ = ["householder_map", "householder_reflect"]

# Directions closer than this (the distance of the unit vectors) give the identity: the rounding
# error of a reflection grows like eps / ||a/|a| - b/|b|||, the error of the identity is that
# distance itself, and the two meet at sqrt(eps).
_SAME_DIRECTION = float(np.sqrt(np.finfo(np.float64).eps))


def _as_real_vector(value, name: str) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.floating)
                                     or np.issubdtype(array.dtype, np.integer)):
        raise TypeError(f"{name} must be an array of real numbers, got dtype {array.dtype}")
    if array.ndim != 1 or array.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty 1-d vector, got shape {array.shape}")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite (no NaN or infinity)")
    return array


def _norm(vector: np.ndarray) -> float:
    """The Euclidean norm without underflow or overflow of the squares (1e-300 and 1e300 entries)."""
    largest = float(np.max(np.abs(vector)))
    if largest == 0.0:
        return 0.0
    return largest * float(np.linalg.norm(vector / largest))


def _householder_vector(a, b, rtol: float) -> Optional[np.ndarray]:
    """The unit normal v of the mirror mapping a onto b, or None when the map is the identity."""
    a = _as_real_vector(a, "a")
    b = _as_real_vector(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same length, got shapes {a.shape} and {b.shape}")
    rtol = check_real(rtol, "rtol", low=0.0)
    norm_a = _norm(a)
    norm_b = _norm(b)
    if abs(norm_a - norm_b) > rtol * max(norm_a, norm_b):
        raise ValueError(f"a reflection keeps lengths, so a and b must have the same norm (within rtol={rtol:g}); "
                         f"got |a| = {norm_a:.17g} and |b| = {norm_b:.17g}")
    if norm_a == 0.0 and norm_b == 0.0:
        return None
    if norm_a == 0.0 or norm_b == 0.0:
        raise ValueError("a or b is the zero vector but the other is not: no reflection maps one onto the other")
    difference = a / norm_a - b / norm_b
    distance = _norm(difference)
    if distance <= _SAME_DIRECTION:
        return None
    return difference / distance


def householder_map(a, b, *, rtol: float = 1e-8) -> np.ndarray:
    """The Householder reflection ``T = I - 2 v vᵀ`` with ``T a = b``.

    ``v`` is the unit vector along ``a - b``: ``T`` mirrors space in the hyperplane through the
    origin that bisects ``a`` and ``b``. ``T`` is symmetric and orthogonal (``T² = TᵀT = I``),
    so it keeps lengths: it can map ``a`` onto ``b`` only when ``‖a‖ = ‖b‖``. The norms must
    agree to the relative tolerance ``rtol``; within it, ``v`` is taken along
    ``a/‖a‖ - b/‖b‖`` (the same direction as ``a - b`` when the norms are equal), so ``T``
    maps ``a`` exactly onto ``‖a‖ b/‖b‖``, within ``rtol ‖b‖`` of ``b``.

    When ``a`` and ``b`` point the same way (their unit vectors closer than ``√ε ≈ 1.5e-8``,
    which includes ``a == b`` and ``a = b = 0``), ``T`` is the identity.

    Forming ``T`` costs ``d²`` memory; :func:`householder_reflect` applies the same map to
    vectors in ``O(n d)`` without it.

    Parameters
    ----------
    a, b : array-like of shape (d,)
        Finite real vectors of equal norm.
    rtol : float, default=1e-8
        Relative tolerance on ``|‖a‖ - ‖b‖|`` (relative to the larger norm).

    Returns
    -------
    ndarray of shape (d, d), float64
        The reflection ``T``.

    Raises
    ------
    ValueError
        If ``a`` or ``b`` is not a finite 1-d vector, their lengths differ, their norms differ
        by more than ``rtol``, or exactly one of them is zero.
    TypeError
        If ``a`` or ``b`` is not real (complex, bool, object).

    Examples
    --------
    >>> import numpy as np
    >>> from unsup.linalg import householder_map
    >>> T = householder_map([3.0, 4.0], [5.0, 0.0])
    >>> np.allclose(T @ [3.0, 4.0], [5.0, 0.0]), np.allclose(T @ T, np.eye(2))
    (True, True)
    """
    v = _householder_vector(a, b, rtol)
    d = np.shape(a)[0]
    identity = np.eye(d)
    if v is None:
        return identity
    return identity - 2.0 * np.outer(v, v)


def householder_reflect(x, a, b, *, rtol: float = 1e-8) -> np.ndarray:
    """Apply the reflection of :func:`householder_map` to vectors without forming the d × d matrix.

    Computes ``x - 2 (x · v) v`` for every row of ``x`` (``O(n d)`` time, no ``d × d``
    memory), which equals ``x @ T`` and, ``T`` being symmetric, ``(T @ x.T).T``.

    Parameters
    ----------
    x : array-like of shape (d,) or (n, d)
        Vector or rows to reflect; float32 stays float32, other real input becomes float64.
    a, b : array-like of shape (d,)
        The pair that defines the reflection (see :func:`householder_map`).
    rtol : float, default=1e-8
        Relative tolerance on ``|‖a‖ - ‖b‖|``.

    Returns
    -------
    ndarray of the shape of ``x``
        The reflected vectors, always a new array (a copy of ``x`` when the map is the
        identity).

    Examples
    --------
    >>> import numpy as np
    >>> from unsup.linalg import householder_reflect
    >>> rows = np.array([[3.0, 4.0], [1.0, 0.0]])
    >>> np.round(householder_reflect(rows, [3.0, 4.0], [5.0, 0.0]), 12) + 0.0
    array([[5. , 0. ],
           [0.6, 0.8]])
    """
    v = _householder_vector(a, b, rtol)
    rows = np.asarray(x)
    if rows.dtype == object or not (np.issubdtype(rows.dtype, np.floating) or np.issubdtype(rows.dtype, np.integer)):
        raise TypeError(f"x must be an array of real numbers, got dtype {rows.dtype}")
    d = np.shape(a)[0]
    if rows.ndim not in (1, 2) or rows.shape[-1] != d:
        raise ValueError(f"x must have shape ({d},) or (n, {d}) to match a and b, got {rows.shape}")
    dtype = np.float32 if rows.dtype == np.float32 else np.float64
    rows = rows.astype(dtype)  # a copy: the caller's array is never changed
    if not np.all(np.isfinite(rows)):
        raise ValueError("x must be finite (no NaN or infinity)")
    if v is None:
        return rows
    v = v.astype(dtype)
    projections = rows @ v
    rows -= 2.0 * np.multiply.outer(projections, v).astype(dtype, copy=False)
    return rows
