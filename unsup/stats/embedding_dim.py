"""How many dimensions a word-vector model needs for a vocabulary: n > 8.33 ln N (minimum entropy)."""

from __future__ import annotations

import math

from unsup.utils.validation import check_positive_int

__all__ = ["suggest_embedding_dim"]

# The coefficient of Su's bound n > 8.33 ln N (see suggest_embedding_dim).
_NATS_COEFFICIENT = 8.33


def suggest_embedding_dim(vocabulary_size: int) -> int:
    """Dimension of word vectors for a vocabulary of N words: ``ceil(8.33 ln N)``.

    Su (苏剑林, 《最小熵原理（六）：词向量的维度应该怎么选择？》, kexue.fm) models the word pairs
    of a skip-gram-like model as ``p(w_i, w_j) = exp(<u_i, v_j>) / Z`` over ``N`` words with
    vectors in ``n`` dimensions and estimates the entropy of that model, the vectors spread at
    random: where the estimate turns negative, ``N`` samples can no longer fill the space, i.e.
    ``n`` dimensions have room to spare for ``N`` words. The boundary is ``n ≈ 8.33 ln N``
    (more dimensions only add the risk of over-fitting); it is logarithmic in ``N``, like the
    Johnson–Lindenstrauss lemma. It gives an order of magnitude, not an optimum.

    Parameters
    ----------
    vocabulary_size : int
        N, the number of words (at least 2).

    Returns
    -------
    int
        ``ceil(8.33 ln N)``: 96 for N = 10^5, 129 for N = 5 × 10^6 (the article rounds the
        latter to "about 128").

    Examples
    --------
    >>> from unsup.stats import suggest_embedding_dim
    >>> suggest_embedding_dim(100_000)
    96
    >>> suggest_embedding_dim(5_000_000)
    129
    """
    n = check_positive_int(vocabulary_size, "vocabulary_size", minimum=2)
    return int(math.ceil(_NATS_COEFFICIENT * math.log(n)))
