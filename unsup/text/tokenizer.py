"""A unigram tokenizer over a lexicon: the most probable split of each run of text (Viterbi, in C++)."""

from __future__ import annotations

import gc
import math
from typing import Iterable, List, Mapping, Optional, Union

from unsup import _core
from unsup.text.statistics import _is_ideograph, resolve_unit
from unsup.utils.validation import check_n_jobs, check_real

__all__ = ["Tokenizer"]


class Tokenizer:
    """Split text into words of a lexicon by the unigram model.

    Each run of word characters is cut into the sequence of lexicon words with the largest
    ``sum(ln p(w))``, ``p(w) = count(w) / total`` (a DAG of dictionary matches searched by
    Viterbi); a unit outside the lexicon becomes a one-unit token with a fixed low score.
    Punctuation and symbols come out as one-character tokens; whitespace is dropped.

    Parameters
    ----------
    vocabulary : mapping of str to count, or iterable of str
        The words and their counts (an iterable gives every word the count 1). Words must be
        one run of units (no punctuation; in ``"char"`` mode no whitespace); others are
        skipped and counted in ``n_skipped``.
    unit : {"auto", "char", "word"}, default="auto"
        How text is cut into units (see :func:`unsup.text.ngram_statistics`); ``"auto"``:
        ``"char"`` when at least 30% of the words hold a CJK character.
    unknown_score : float, optional
        Score (natural log, <= 0) of a unit outside the lexicon; default ``ln(0.5 / total)``.

    Examples
    --------
    >>> from unsup.text import Tokenizer
    >>> tok = Tokenizer({"北京": 10, "大学": 8, "北京大学": 1, "大学生": 3, "生": 3})
    >>> tok.tokenize("北京大学生，你好")
    ['北京', '大学生', '，', '你', '好']
    """

    def __init__(self, vocabulary: Union[Mapping[str, float], Iterable[str]], *, unit: str = "auto",
                 unknown_score: Optional[float] = None) -> None:
        if isinstance(vocabulary, str):
            raise TypeError("vocabulary: expected a mapping of words to counts or an iterable of words, got str")
        if isinstance(vocabulary, Mapping):
            words = list(vocabulary.keys())
            try:
                counts = [float(c) for c in vocabulary.values()]
            except (TypeError, ValueError):
                raise ValueError("vocabulary: counts must be numbers") from None
        else:
            words = list(vocabulary)
            counts = [1.0] * len(words)
        for w in words:
            if not isinstance(w, str):
                raise TypeError(f"vocabulary: words must be str, got {type(w).__name__}")
            try:
                w.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError(f"vocabulary: word {w!r} is not valid Unicode (a lone surrogate)") from None
        for c in counts:
            if not (math.isfinite(c) and c > 0):
                raise ValueError("vocabulary: counts must be finite and positive")
        if unknown_score is not None:  # a log-probability
            check_real(unknown_score, "unknown_score", high=0.0)
        if unit == "auto":
            sample = words[:5000]
            cjk = sum(1 for w in sample if any(_is_ideograph(ch) for ch in w))
            unit = "char" if sample and cjk >= 0.3 * len(sample) else "word"
        self.unit = resolve_unit(unit, "")
        self._core = _core.text.Tokenizer(words, counts, self.unit,
                                          math.nan if unknown_score is None else float(unknown_score))

    @property
    def n_words(self) -> int:
        """Distinct words in the lexicon."""
        return int(self._core.n_words)

    @property
    def n_skipped(self) -> int:
        """Words left out because they are not one run of units."""
        return int(self._core.n_skipped)

    @property
    def unknown_score(self) -> float:
        return float(self._core.unknown_score)

    def tokenize(self, text: str) -> List[str]:
        """Tokens of ``text``."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, got {type(text).__name__}")
        return self._core.tokenize(text)

    def tokenize_many(self, texts: Iterable[str], n_jobs: Optional[int] = None) -> List[List[str]]:
        """Tokens of each text, on ``n_jobs`` threads (the result does not depend on it)."""
        if isinstance(texts, str):
            raise TypeError("texts: expected an iterable of str, got one str (use tokenize)")
        texts = list(texts)
        for t in texts:
            if not isinstance(t, str):
                raise TypeError(f"texts must be str, got {type(t).__name__}")
        n_jobs = check_n_jobs(n_jobs)
        # Millions of new lists would trigger the cyclic collector over and over; none of them
        # can form a cycle, so it stays off while they are built.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._core.tokenize_many(texts, n_jobs)
        finally:
            if enabled:
                gc.enable()

    def __repr__(self) -> str:
        return f"Tokenizer(<{self.n_words} words>, unit={self.unit!r})"
