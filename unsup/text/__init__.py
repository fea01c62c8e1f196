"""Text: new-word discovery, n-gram statistics, a unigram tokenizer and PPMI word vectors (counted in C++)."""

from __future__ import annotations

import importlib
from typing import Any

from unsup.text.derived_words import derive_new_words
from unsup.text.statistics import NgramStatistics, ngram_statistics
from unsup.text.tokenizer import Tokenizer
from unsup.text.word_finder import WordFinder

__all__ = ["NgramStatistics", "PPMIEmbedding", "Tokenizer", "WordFinder", "cooccurrence_matrix", "derive_new_words",
           "ngram_statistics", "ppmi_matrix"]

# Word vectors need scikit-learn (the SVD): loaded on first use, so word discovery never imports it.
_LAZY = {"PPMIEmbedding": "unsup.text.ppmi_embedding", "cooccurrence_matrix": "unsup.text.ppmi_embedding",
         "ppmi_matrix": "unsup.text.ppmi_embedding"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'unsup.text' has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | set(_LAZY))
