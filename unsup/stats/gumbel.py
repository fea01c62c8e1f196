"""Sampling from a softmax by the Gumbel-max trick."""

from __future__ import annotations

import numpy as np

from unsup.utils.validation import check_positive_int, check_seed

__all__ = ["gumbel_max_sample"]

# Noise values drawn at once (8 MiB of float64): n is split into chunks of whole draws.
_CHUNK_ELEMENTS = 1 << 20


def _check_logits(logits) -> np.ndarray:
    values = np.asarray(logits)
    if values.dtype == object or not (np.issubdtype(values.dtype, np.floating)
                                      or np.issubdtype(values.dtype, np.integer)):
        raise TypeError(f"logits must be an array of real numbers, got dtype {values.dtype}")
    if values.ndim == 0 or values.shape[-1] == 0:
        raise ValueError(f"logits must have shape (..., k) with k >= 1 categories on the last axis, "
                         f"got shape {values.shape}")
    values = values.astype(np.float64, copy=False)
    if np.isnan(values).any() or np.isposinf(values).any():
        raise ValueError("logits must not contain NaN or +inf (-inf is allowed: a category of probability zero)")
    if values.size and np.isneginf(values).all(axis=-1).any():
        raise ValueError("logits: every category of some distribution is -inf, which leaves nothing to draw")
    return values


def gumbel_max_sample(logits, n: int, random_state=None) -> np.ndarray:
    """Draw ``n`` categories from ``softmax(logits)`` by the Gumbel-max trick.

    Each draw is ``argmax_i (logits_i + G_i)`` with ``G_i`` independent standard Gumbel
    noise; ``P(argmax = i) = exp(logits_i) / Σ_j exp(logits_j)`` exactly, so no softmax (and
    no normaliser, which could overflow) is ever computed. The noise is drawn as
    ``G = −log E`` with ``E`` standard exponential (the same law: ``P(−log E ≤ x) =
    exp(−e^{−x})``). Categories whose logit is ``-inf`` have probability zero and are never
    drawn. Memory is bounded: the ``n`` draws are made in chunks of about 2²⁰ noise values.

    Parameters
    ----------
    logits : array-like of shape (k,) or (..., k)
        Unnormalised log-probabilities over the last axis; leading axes are independent
        distributions. ``-inf`` is allowed, NaN and ``+inf`` are not, and every distribution
        needs at least one finite logit.
    n : int
        Number of draws per distribution (``0`` gives an empty result).
    random_state : None, int, RandomState or Generator, default=None
        Seed; the same int always gives the same draws.

    Returns
    -------
    ndarray of int64, shape (n,) or (..., n)
        Category indices in ``[0, k)``.

    Raises
    ------
    ValueError
        For NaN or ``+inf`` logits, a distribution whose logits are all ``-inf``, a 0-d or
        empty last axis, or ``n`` that is not a non-negative int.
    TypeError
        For logits that are not real numbers.

    Examples
    --------
    >>> import numpy as np
    >>> from unsup.stats import gumbel_max_sample
    >>> draws = gumbel_max_sample([0.0, -np.inf, np.log(4.0)], 10_000, random_state=0)
    >>> np.bincount(draws, minlength=3).tolist()  # about 2000, none, 8000
    [2054, 0, 7946]
    >>> gumbel_max_sample(np.zeros((4, 3)), 5, random_state=0).shape
    (4, 5)
    """
    values = _check_logits(logits)
    draws = check_positive_int(n, "n", minimum=0)
    rng = np.random.default_rng(check_seed(random_state))
    impossible = np.isneginf(values)
    has_impossible = bool(impossible.any())
    # Draws lead the noise array, so the chunks continue one stream: the result does not
    # depend on the chunk size.
    samples = np.empty((draws,) + values.shape[:-1], dtype=np.int64)
    rows_per_chunk = max(1, _CHUNK_ELEMENTS // values.size)
    for start in range(0, draws, rows_per_chunk):
        stop = min(draws, start + rows_per_chunk)
        noise = rng.standard_exponential(size=(stop - start,) + values.shape)
        with np.errstate(divide="ignore"):  # E = 0 (probability ~2^-53) gives noise +inf: a sure winner
            np.log(noise, out=noise)
        perturbed = np.subtract(values, noise, out=noise)  # logits + Gumbel noise
        if has_impossible:
            # -inf - log(0) would be NaN, which argmax would pick: keep these at -inf.
            np.copyto(perturbed, -np.inf, where=impossible)
        samples[start:stop] = perturbed.argmax(axis=-1)
    return np.ascontiguousarray(np.moveaxis(samples, 0, -1))
