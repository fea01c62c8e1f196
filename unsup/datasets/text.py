"""Generated text with known words, for examples, tests and the demo (nothing is downloaded)."""

from __future__ import annotations

from typing import List, Tuple

import numpy as np

from unsup.utils.validation import check_positive_int, check_real, check_seed

__all__ = ["planted_lexicon_corpus"]


def planted_lexicon_corpus(n_words: int = 600, n_documents: int = 2000, words_per_document: int = 60,
                           alphabet_size: int = 800, zipf_exponent: float = 1.05,
                           seed: int = 0) -> Tuple[List[str], List[str]]:
    """Documents written without spaces from a known lexicon of 1-4 character words.

    The lexicon draws its words from the first ``alphabet_size`` CJK ideographs (U+4E00 on);
    word ``r`` (by rank, shorter words first, as in real text) has probability proportional
    to ``1 / r ** zipf_exponent``. Each document concatenates ``words_per_document`` words
    drawn independently. A word finder run on these documents should rank planted words
    first.

    Parameters
    ----------
    n_words, n_documents, words_per_document, alphabet_size : int
    zipf_exponent : float
    seed : int

    Returns
    -------
    documents : list of str
    lexicon : list of str
        The planted words by rank (most probable first).
    """
    alphabet_size = check_positive_int(alphabet_size, "alphabet_size", minimum=4, maximum=20000)
    n_words = check_positive_int(n_words, "n_words", maximum=alphabet_size ** 2)
    n_documents = check_positive_int(n_documents, "n_documents", minimum=0)
    words_per_document = check_positive_int(words_per_document, "words_per_document")
    zipf_exponent = check_real(zipf_exponent, "zipf_exponent", 0.0)
    rng = np.random.default_rng(check_seed(seed, "seed"))
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + alphabet_size)]
    lexicon: List[str] = []
    seen = set()
    while len(lexicon) < n_words:
        length = int(rng.choice([1, 2, 2, 2, 3, 3, 4]))
        word = "".join(alphabet[i] for i in rng.choice(alphabet_size, size=length))
        if word not in seen:
            seen.add(word)
            lexicon.append(word)
    lexicon.sort(key=len)  # stable: random order within a length
    p = 1.0 / np.arange(1, n_words + 1) ** zipf_exponent
    p /= p.sum()
    documents = ["".join(lexicon[i] for i in rng.choice(n_words, size=words_per_document, p=p))
                 for _ in range(n_documents)]
    return documents, lexicon
