"""Validation at the API edge: every check names the argument it rejects."""

from __future__ import annotations

import math
import numbers
import os
from typing import Any, Optional

import numpy as np

__all__ = ["check_n_jobs", "check_seed", "check_weights", "check_positive_int", "check_real"]

_SEED_BOUND = 2**63 - 1


def check_seed(random_state: Any, name: str = "random_state") -> int:
    """Turn ``None``, an int, a ``RandomState`` or a ``Generator`` into a 63-bit seed.

    An int is used as it is, so the same int always gives the same result; ``None``
    draws a fresh seed from numpy's global generator.
    """
    if random_state is None:
        return int(np.random.randint(0, 2**31 - 1)) * 2**31 + int(np.random.randint(0, 2**31 - 1))
    if isinstance(random_state, (bool, np.bool_)):
        raise TypeError(f"{name} must be None, an int, a RandomState or a Generator, got a bool")
    if isinstance(random_state, numbers.Integral):
        if random_state < 0:
            raise ValueError(f"{name} must be non-negative, got {random_state}")
        return int(random_state) % _SEED_BOUND
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, _SEED_BOUND))
    from sklearn.utils import check_random_state  # only here: text mining never imports scikit-learn

    try:
        rs = check_random_state(random_state)
    except ValueError as exc:
        raise TypeError(f"{name} must be None, an int, a RandomState or a Generator, got {random_state!r}") from exc
    return int(rs.randint(0, 2**31 - 1)) * 2**31 + int(rs.randint(0, 2**31 - 1))


_MAX_THREADS = 1024


def check_n_jobs(n_jobs: Any, name: str = "n_jobs") -> int:
    """The number of threads for ``n_jobs`` (scikit-learn's convention: ``None`` means 1, ``-1``
    all cores, ``-2`` all but one, never fewer than 1); at most 1024."""
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, (bool, np.bool_)) or not isinstance(n_jobs, numbers.Integral) or n_jobs == 0:
        raise ValueError(f"{name} must be None or a non-zero int, got {n_jobs!r}")
    if abs(n_jobs) > _MAX_THREADS:
        raise ValueError(f"{name} must be between -{_MAX_THREADS} and {_MAX_THREADS}, got {n_jobs!r}")
    if n_jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + int(n_jobs))
    return int(n_jobs)


def check_positive_int(value: Any, name: str, minimum: int = 1, maximum: Optional[int] = None) -> int:
    """An int in ``[minimum, maximum]`` (bools rejected)."""
    if (isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < minimum
            or (maximum is not None and value > maximum)):
        bounds = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise ValueError(f"{name} must be an int {bounds}, got {value!r}")
    return int(value)


def check_real(value: Any, name: str, low: float = -math.inf, high: float = math.inf) -> float:
    """A finite real number in ``[low, high]`` (bools rejected)."""
    if (isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not math.isfinite(value)
            or not low <= value <= high):
        bounds = f">= {low}" if high == math.inf else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be a finite number {bounds}, got {value!r}")
    return float(value)


def check_weights(data: np.ndarray, name: str = "weight") -> None:
    """Reject NaN, infinite and negative weights with a message that names the argument."""
    data = np.asarray(data)
    if data.size == 0:
        return
    # Two reductions and no temporary arrays in the common case (NaN fails both comparisons).
    if data.min() >= 0 and data.max() < np.inf:
        return
    bad = ~np.isfinite(data) | (data < 0)
    if bad.any():
        first = data[np.flatnonzero(bad)[0]]
        raise ValueError(
            f"{name}: weights must be finite and non-negative; found {first!r} "
            f"({int(bad.sum())} bad value(s))"
        )
