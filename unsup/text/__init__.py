"""Text: new-word discovery, n-gram statistics, a unigram tokenizer, PPMI word vectors and domain vocabulary
mining (counted in C++)."""

from __future__ import annotations

import importlib
from typing import Any

from unsup.text.derived_words import derive_new_words
from unsup.text.statistics import NgramStatistics, ngram_statistics
from unsup.text.tokenizer import Tokenizer
from unsup.text.word_finder import WordFinder

__all__ = ["Background", "DomainVocabulary", "NgramStatistics", "PPMIEmbedding", "Term", "Tokenizer", "WordFinder",
           "background_contrast", "context_topicality", "cooccurrence_matrix", "derive_new_words", "ngram_statistics",
           "ppmi_matrix"]

# Word vectors need scikit-learn (the SVD), vocabulary mining scipy: loaded on first use, so word discovery
# imports neither.
_LAZY = {"PPMIEmbedding": "unsup.text.ppmi_embedding", "cooccurrence_matrix": "unsup.text.ppmi_embedding",
         "ppmi_matrix": "unsup.text.ppmi_embedding", "Background": "unsup.text.background",
         "DomainVocabulary": "unsup.text.domain_vocabulary", "Term": "unsup.text.domain_vocabulary",
         "background_contrast": "unsup.text.domain_vocabulary", "context_topicality": "unsup.text.domain_vocabulary"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'unsup.text' has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | set(_LAZY))
