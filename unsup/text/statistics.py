"""N-gram statistics of raw text: counts, cohesion and neighbour entropy (counted in C++)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Literal, Optional, Union

import numpy as np

from unsup import _core
from unsup.text._corpus import Corpus, CorpusReader
from unsup.utils.memory import parse_bytes
from unsup.utils.validation import check_positive_int

__all__ = ["NgramStatistics", "ngram_statistics", "resolve_unit"]


@dataclass(frozen=True)
class NgramStatistics:
    """Statistics of every n-gram counted at least ``min_count`` times.

    Attributes
    ----------
    ngrams : list of str
        The n-grams; units are joined without a separator for ``unit="char"`` and with one
        space for ``unit="word"``. Ordered by length, then decreasing count.
    length : ndarray of shape (m,)
        Number of units of each n-gram.
    count : ndarray of shape (m,)
        Occurrences ``c(w)``.
    cohesion : ndarray of shape (m,)
        ``min_k ln(N c(w) / (c(w[:k]) c(w[k:])))`` over the splits of ``w`` (nats); NaN for
        single units.
    left_entropy, right_entropy : ndarray of shape (m,)
        Entropy (nats) of the unit just before / after ``w``; a run boundary counts as one symbol.
    n_units : int
        ``N``, the number of units in the corpus.
    unit : {"char", "word"}
        How the text was cut into units.
    """

    ngrams: List[str]
    length: np.ndarray
    count: np.ndarray
    cohesion: np.ndarray
    left_entropy: np.ndarray
    right_entropy: np.ndarray
    n_units: int
    unit: str

    def __len__(self) -> int:
        return len(self.ngrams)


_IDEOGRAPHS = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
                         "\U00020000-\U000323af]")
_WORD_CHARS = re.compile(r"[^\W_]")


def _is_ideograph(ch: str) -> bool:
    return _IDEOGRAPHS.match(ch) is not None


def resolve_unit(unit: str, sample: str) -> Literal["char", "word"]:
    """``"auto"``: characters when ideographs make up at least 30% of the sample's word characters."""
    if unit in ("char", "word"):
        return unit  # type: ignore[return-value]
    if unit != "auto":
        raise ValueError(f"unit must be 'auto', 'char' or 'word', got {unit!r}")
    ideographs = len(_IDEOGRAPHS.findall(sample))
    word_chars = len(_WORD_CHARS.findall(sample))
    return "char" if word_chars and ideographs >= 0.3 * word_chars else "word"


def ngram_statistics(corpus: Corpus, max_n: int = 4, *, unit: str = "auto", errors: str = "replace",
                     min_count: int = 1, max_memory: Optional[Union[int, str]] = None) -> NgramStatistics:
    """Count the n-grams of a corpus and score them (frequency, cohesion, neighbour entropy).

    Parameters
    ----------
    corpus : str, path, or iterable of str and paths
        A text (``str``), a file (``pathlib.Path`` or any ``os.PathLike``), or an iterable of
        them, each one document. Files are read as UTF-8 in 1 MiB chunks, never whole.
    max_n : int, default=4
        Longest n-gram counted (its neighbours are counted too).
    unit : {"auto", "char", "word"}, default="auto"
        ``"char"``: each CJK character is a unit and a run of letters/digits is one unit;
        whitespace and punctuation end runs. ``"word"``: whitespace-separated tokens are units
        and punctuation ends runs. ``"auto"`` picks ``"char"`` when ideographs make up at least
        30% of the word characters of the first document.
    errors : {"replace", "strict"}, default="replace"
        Invalid UTF-8 becomes U+FFFD (a run boundary), or raises ``UnicodeDecodeError`` whose
        message and ``offset`` attribute give the byte offset.
    min_count : int, default=1
        Keep n-grams counted at least this often (pruned after counting the whole corpus).
    max_memory : int or str, optional
        Bytes (or ``"1GB"``, ``"512MiB"``) the count tables may take; past a third of it they
        are written to temporary files (in ``$TMPDIR``), partitioned by hash, and added up one
        partition at a time at the end. The statistics do not depend on it. ``None``: no cap.

    Returns
    -------
    NgramStatistics
    """
    max_n = check_positive_int(max_n, "max_n", maximum=16)
    min_count = check_positive_int(min_count, "min_count")
    budget = 0 if max_memory is None else parse_bytes(max_memory, "max_memory")
    with CorpusReader(corpus, errors=errors) as reader:
        resolved = resolve_unit(unit, reader.sample())
        counter = _core.text.NgramCounter(max_n, resolved, errors, table_budget=budget)
        reader.feed(counter, "counting n-grams")
    raw = counter.statistics(min_count)
    return NgramStatistics(ngrams=raw["ngrams"], length=raw["length"].astype(np.int64),
                           count=raw["count"].astype(np.int64),
                           cohesion=raw["cohesion"], left_entropy=raw["left_entropy"],
                           right_entropy=raw["right_entropy"], n_units=int(raw["n_units"]), unit=resolved)

