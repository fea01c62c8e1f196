"""Derived words: unseen two-character words that a low-rank model of the seen ones predicts (Su, "SVD分解(一)")."""

from __future__ import annotations

from typing import Iterable, List, Mapping, Tuple, Union

import numpy as np
import scipy.sparse as sp

from unsup.utils.validation import check_positive_int

__all__ = ["derive_new_words"]


def derive_new_words(pairs_counts: Union[Mapping[str, float], Iterable[Tuple[str, float]]], n_components: int,
                     *, n_words: int = 100, min_score: float = 0.0, algorithm: str = "exact",
                     random_state=None) -> List[Tuple[str, float]]:
    """Propose unseen two-character words from the rank-k structure of the seen ones.

    The counts of two-character words form a first-character × second-character matrix.
    Its rank-``n_components`` reconstruction with negatives cut to zero (a linear autoencoder
    with a ReLU decoder, :class:`unsup.decomposition.SVDAutoencoder` with
    ``clip_negative=True``) smooths the counts along shared patterns: characters that combine
    with the same partners get similar rows. Pairs never seen but reconstructed with a high
    count are the candidates, the experiment of Su's article.

    Parameters
    ----------
    pairs_counts : mapping of str to count, or iterable of (str, count)
        Two-character words and their counts (other lengths raise ValueError; counts must
        be finite and non-negative; repeated words add up).
    n_components : int
        Rank of the reconstruction (less than both the number of distinct first and second
        characters).
    n_words : int, default=100
        How many candidates to return at most.
    min_score : float, default=0.0
        Only candidates reconstructed above this count.
    algorithm : {"exact", "randomized"}, default="exact"
        SVD of the (usually small) matrix.
    random_state : None, int, RandomState or Generator
        For ``algorithm="randomized"``.

    Returns
    -------
    list of (str, float)
        Unseen words and their reconstructed counts, highest first.

    Examples
    --------
    >>> from unsup.text import derive_new_words
    >>> seen = {a + b: 10 for a in "甲乙丙" for b in "天地人" if a + b != "丙人"}
    >>> seen.update({a + b: 10 for a in "子丑" for b in "日月"})
    >>> derive_new_words(seen, 2, n_words=1)[0][0]
    '丙人'
    """
    k = check_positive_int(n_components, "n_components")
    n_words = check_positive_int(n_words, "n_words")
    items = pairs_counts.items() if isinstance(pairs_counts, Mapping) else pairs_counts
    firsts: dict = {}
    seconds: dict = {}
    rows, cols, counts = [], [], []
    for entry in items:
        try:
            word, count = entry
        except (TypeError, ValueError):
            raise TypeError("pairs_counts: expected a mapping or (word, count) pairs") from None
        if not isinstance(word, str) or len(word) != 2:
            raise ValueError(f"pairs_counts: {word!r} is not a two-character word")
        count = float(count)
        if not np.isfinite(count) or count < 0:
            raise ValueError(f"pairs_counts: the count of {word!r} must be finite and non-negative, got {count}")
        rows.append(firsts.setdefault(word[0], len(firsts)))
        cols.append(seconds.setdefault(word[1], len(seconds)))
        counts.append(count)
    if k >= min(len(firsts), len(seconds)) or not counts:
        raise ValueError(f"n_components={k} must be below the number of distinct first ({len(firsts)}) and "
                         f"second ({len(seconds)}) characters")
    matrix = sp.csr_matrix((np.asarray(counts), (rows, cols)), shape=(len(firsts), len(seconds)))
    matrix.sum_duplicates()
    from unsup.decomposition import SVDAutoencoder

    model = SVDAutoencoder(k, algorithm=algorithm, clip_negative=True, random_state=random_state)
    seen = matrix.toarray() > 0
    if algorithm == "exact":
        model.fit(matrix.toarray())
    else:
        model.fit(matrix)
    scores = model.inverse_transform(model.transform(matrix))
    scores[seen] = -np.inf
    scores[scores <= min_score] = -np.inf
    flat = np.argsort(-scores, axis=None, kind="stable")[:n_words]
    first_chars = np.array(list(firsts), dtype=object)
    second_chars = np.array(list(seconds), dtype=object)
    out = []
    for index in flat:
        i, j = divmod(int(index), scores.shape[1])
        if not np.isfinite(scores[i, j]):
            break
        out.append((first_chars[i] + second_chars[j], float(scores[i, j])))
    return out
