"""Generated corpora for the word-discovery tests (nothing is downloaded)."""

from __future__ import annotations

import numpy as np
import pytest


def planted_corpus(n_words: int = 600, n_documents: int = 2000, words_per_document: int = 60, seed: int = 0):
    """A Zipf lexicon of 1-4 character words over 800 ideographs, sampled and concatenated
    without spaces (each document one line). As in real text, shorter words rank higher.
    Returns (documents, lexicon by rank)."""
    rng = np.random.default_rng(seed)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 800)]
    lexicon: list = []
    seen = set()
    while len(lexicon) < n_words:
        length = int(rng.choice([1, 2, 2, 2, 3, 3, 4]))
        word = "".join(rng.choice(alphabet, size=length))
        if word not in seen:
            seen.add(word)
            lexicon.append(word)
    lexicon.sort(key=len)  # stable: random order within a length
    p = 1.0 / np.arange(1, n_words + 1) ** 1.05
    p /= p.sum()
    documents = ["".join(lexicon[i] for i in rng.choice(n_words, size=words_per_document, p=p))
                 for _ in range(n_documents)]
    return documents, lexicon


@pytest.fixture(scope="module")
def planted():
    return planted_corpus()
