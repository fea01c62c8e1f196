"""Discover the words of raw text without a dictionary: three methods over C++ counts."""

from __future__ import annotations

import logging
import math
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from unsup import _core
from unsup.text._corpus import Corpus, CorpusReader
from unsup.text.statistics import resolve_unit
from unsup.text.tokenizer import Tokenizer
from unsup.utils.memory import parse_bytes, resident_bytes
from unsup.utils.validation import check_n_jobs, check_positive_int, check_real

__all__ = ["WordFinder", "auto_min_count", "auto_min_entropy"]

logger = logging.getLogger("unsup")

METHODS = ("pmi_cut", "ngram_linkage", "entropy")
_PMI_CUT_MAX_LENGTH = 8
# Cohesion thresholds (nats) by n: characters bind at 2 nats (the minimum-entropy criterion,
# with margin); words of a sentence already bind at 3 to 4 nats by syntax alone ("does not",
# "number of"), so a phrase needs the pair association of a lexicalised term.
_THRESHOLDS = {"char": (0.0, 2.0, 4.0, 6.0), "word": (0.0, 5.0, 7.0)}
_MIN_BOUNDARY = {"char": 0.0, "word": 0.3}
# What fit sets: a fit that fails removes all of it.
_FITTED = ("words_", "vocabulary_", "statistics_", "unit_", "n_units_", "min_count_", "n_bytes_", "_counter",
           "_counter_settings")


def auto_min_count(n_units: int) -> int:
    """Default frequency floor for a corpus of ``n_units`` units: ``max(3, round(3 sqrt(N / 1e6)))``.

    A fixed floor returns almost nothing on a few megabytes and noise on a gigabyte; words'
    counts grow with the corpus while chance fragments grow more slowly, so the floor grows
    with its square root: 4 for People's Daily 1998-01 (1.8 M characters), 8 for 7 M, 54 for
    330 M (about 1 GB of Chinese).
    """
    return max(3, int(round(3.0 * math.sqrt(max(n_units, 0) / 1e6))))


def auto_min_entropy(n_units: int) -> float:
    """Default neighbour-entropy floor of ``"entropy"``: ``1 + log10(N / 1e6) / 2`` nats, within [1, 3].

    Neighbour distributions fill out as the corpus grows: 1.1 nats on 1.8 M characters, 2 on
    100 M, 3 from 10 G on (the value used on very large corpora).
    """
    return min(3.0, max(1.0, 1.0 + 0.5 * math.log10(max(n_units, 1) / 1e6)))


def _at_run_boundaries(unit_counts: np.ndarray, run_starts: np.ndarray, run_ends: np.ndarray, ids: np.ndarray,
                      length: np.ndarray, min_boundary: float) -> np.ndarray:
    """Which words can stand between punctuation marks (boundary statistics).

    A word of two or more units is kept when its first unit begins a run (after punctuation,
    a line start) and its last unit ends one at least ``min_boundary`` times as often as the
    average unit does (runs / units). Function units hardly ever stand at a boundary ("the",
    "of", "to", "than", "been"): an expression that starts or ends with one is a piece of free
    syntax ("number of", "is not", "has been"), not a term. Single units are always kept.

    Parameters
    ----------
    unit_counts, run_starts, run_ends : ndarray of shape (n_unit_ids,)
        Per unit id: its count, and how many times it begins and ends a run.
    ids : ndarray of shape (n_words, width)
        Unit ids of each word, zero-padded past its length.
    length : ndarray of shape (n_words,)
        Units per word (1 .. width).
    min_boundary : float
        Least ratio of a unit's boundary rate to the average; 0 keeps every word.

    Returns
    -------
    ndarray of bool, shape (n_words,)
    """
    length = np.asarray(length, dtype=np.int64)
    keep = np.ones(len(length), dtype=bool)
    total = float(np.sum(unit_counts))
    if min_boundary <= 0 or len(length) == 0 or total == 0:
        return keep
    floor = min_boundary * float(np.sum(run_starts)) / total
    counts = np.maximum(np.asarray(unit_counts, dtype=float), 1.0)
    starts_often = np.asarray(run_starts) / counts >= floor
    ends_often = np.asarray(run_ends) / counts >= floor
    multi = np.flatnonzero(length >= 2)
    first = ids[multi, 0]
    last = ids[multi, length[multi] - 1]
    keep[multi] = starts_often[first] & ends_often[last]
    return keep


class WordFinder:
    """Find the words of a corpus without a dictionary (new-word discovery).

    Parameters
    ----------
    method : {"ngram_linkage", "pmi_cut", "entropy"}, default="ngram_linkage"
        ``"ngram_linkage"`` (the default, most precise): keep the n-grams whose cohesion
        reaches ``thresholds[n - 1]``, cut where no kept n-gram links two units, keep the
        pieces whose every ``max_n``-window is a kept n-gram. Only the n-grams that can reach
        ``min_count`` are counted exactly (the others go through a count sketch).
        ``"pmi_cut"`` (fastest): cut the text between adjacent units whose pair is rare
        (``p_ab < min_proba``) or weakly bound (``ln(p_ab / (p_a p_b)) < min_pmi``), count the
        pieces, then drop the words that their parts explain (minimum-entropy criterion).
        ``"entropy"`` (counts every n-gram and its neighbours: the most memory): n-grams with
        ``exp(cohesion) >= min_support`` and left and right neighbour entropy
        ``>= min_entropy``.
    max_n : int, optional
        Longest word in units (2 to 16): default 8 for ``"pmi_cut"``, 4 (characters) or 3
        (words) for the others, which count n-grams up to this length.
    min_count : int, optional
        Words (and counted n-grams) seen fewer times are dropped, after counting the whole
        corpus; default :func:`auto_min_count` of the corpus size.
    min_pmi, min_proba : float, default=1.0, 1e-7
        Pair cut of ``"pmi_cut"`` (nats; probability of the pair).
    thresholds : sequence of float, optional
        Cohesion (nats) an n-gram needs for ``"ngram_linkage"``, by n (the last value repeats).
        Default (0, 2, 4, 6) for characters; (0, 5, 7) for words, which bind by syntax alone
        up to 3 or 4 nats ("does not", "number of").
    min_support : float, default=30
        ``"entropy"``: least ``exp(cohesion)``.
    min_entropy : float, optional
        ``"entropy"``: least left and right neighbour entropy (nats); default grows with the
        corpus (:func:`auto_min_entropy`).
    min_boundary : float, optional
        ``"ngram_linkage"`` and ``"pmi_cut"``: a word of two or more units must begin with a
        unit that begins a run (follows punctuation or a line start) and end with one that ends
        a run, each at least ``min_boundary`` times as often as the average unit. Function words
        hardly ever stand next to punctuation ("the", "of", "than", "been"), so this drops the
        pieces of free syntax ("number of", "is not") and keeps the terms. Default 0.3 for
        words, 0 (off) for characters.
    unit : {"auto", "char", "word"}, default="auto"
        Units of the text (see :func:`unsup.text.ngram_statistics`).
    errors : {"replace", "strict"}, default="replace"
        Invalid UTF-8 in files: replaced (a run boundary), or ``UnicodeDecodeError``.
    n_jobs : int, optional
        Threads that count (``None``: 1, ``-1``: all cores) for ``"ngram_linkage"`` and
        ``"pmi_cut"``; decoding stays on one thread (it overlaps the counting), and each further
        thread holds a count sketch of its own (about corpus bytes / 8 per n-gram order). The
        result does not depend on it.
    max_memory : int or str, optional
        Memory cap of the process while fitting, in bytes or as ``"1GB"``, ``"512MiB"``: what the
        process already holds is set aside and the rest shared by the count sketch and the count
        tables; past their share, tables are written to temporary files (in ``$TMPDIR``),
        partitioned by hash, and added up one partition at a time, the rare entries dropped after
        the merge. The result does not depend on it. ``None``: no cap (sketch of corpus bytes / 8
        cells per order, tables in memory).
    verbose : int, default=0
        Show a progress bar (bytes read, MB/s; needs tqdm) and log each pass.

    Attributes
    ----------
    words_ : list of str
        The words of two or more units, most frequent first (ties: text order).
    vocabulary_ : dict of str to int
        Every word found with its count, single units included (what a tokenizer needs).
    statistics_ : dict of str to ndarray
        Aligned with ``words_``: ``"frequency"``; ``"cohesion"`` (nats) for ``"ngram_linkage"``
        (words up to ``max_n`` units), ``"entropy"`` and the two-unit words of ``"pmi_cut"``;
        ``"left_entropy"``, ``"right_entropy"`` (nats) for ``"entropy"``. NaN where the
        method does not compute the figure.
    unit_ : {"char", "word"}
    n_units_ : int
        Units in the corpus.
    min_count_ : int
        The frequency floor used.
    n_bytes_ : int
        Bytes read (all ``partial_fit`` calls together).

    Examples
    --------
    >>> from unsup.text import WordFinder
    >>> finder = WordFinder().fit(["..."])  # doctest: +SKIP
    >>> finder.top(10)  # doctest: +SKIP
    """

    def __init__(self, method: str = "ngram_linkage", *, max_n: Optional[int] = None, min_count: Optional[int] = None,
                 min_pmi: float = 1.0, min_proba: float = 1e-7,
                 thresholds: Optional[Sequence[float]] = None, min_support: float = 30.0,
                 min_entropy: Optional[float] = None, min_boundary: Optional[float] = None,
                 unit: str = "auto", errors: str = "replace",
                 n_jobs: Optional[int] = None, max_memory: Optional[Union[int, str]] = None,
                 verbose: int = 0) -> None:
        self.method = method
        self.max_n = max_n
        self.min_count = min_count
        self.min_pmi = min_pmi
        self.min_proba = min_proba
        self.thresholds = thresholds
        self.min_support = min_support
        self.min_entropy = min_entropy
        self.min_boundary = min_boundary
        self.unit = unit
        self.errors = errors
        self.n_jobs = n_jobs
        self.max_memory = max_memory
        self.verbose = verbose

    # -- fitting -------------------------------------------------------------------------
    def fit(self, corpus: Corpus) -> "WordFinder":
        """Discover the words of ``corpus``.

        Parameters
        ----------
        corpus : str, path, or iterable of str and paths
            A text, a file (``pathlib.Path``), or an iterable of them (each a document).
            The corpus is read once, files in 1 MiB chunks; the passes after the first replay
            its units from a temporary file (4 bytes per unit).

        Returns
        -------
        self

        Raises
        ------
        ValueError, TypeError, OSError, UnicodeDecodeError
            On bad parameters or corpus; a fit that fails while reading leaves the finder unfitted.
        """
        self.__dict__.pop("_counter", None)  # fit starts over
        return self._fit(corpus, keep=False)

    def partial_fit(self, corpus: Corpus) -> "WordFinder":
        """Add ``corpus`` to the text of the earlier ``partial_fit`` calls and rediscover the words.

        The result is the one :meth:`fit` gives on all the texts together, in order (same
        counts, same words). Each call reads only its new text, but counts again what the
        earlier calls recorded (replayed from a temporary file of 4 bytes per unit, kept while
        the finder lives; ``"entropy"`` keeps its counts instead), so a call costs time in
        proportion to the whole corpus so far. :meth:`fit` starts over.

        Parameters
        ----------
        corpus : str, path, or iterable of str and paths
            More text, as for :meth:`fit`.

        Returns
        -------
        self
        """
        return self._fit(corpus, keep=True)

    def _fit(self, corpus: Corpus, keep: bool) -> "WordFinder":
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        if self.max_n is not None:  # a word has 2 units or more
            check_positive_int(self.max_n, "max_n", minimum=2, maximum=16)
        if self.min_count is not None:
            check_positive_int(self.min_count, "min_count")
        check_real(self.min_pmi, "min_pmi")
        check_real(self.min_proba, "min_proba", 0.0, 1.0)
        check_real(self.min_support, "min_support", 0.0)
        if self.min_entropy is not None:
            check_real(self.min_entropy, "min_entropy", 0.0)
        if self.min_boundary is not None:
            check_real(self.min_boundary, "min_boundary", 0.0)
        thresholds = None
        if self.thresholds is not None:
            if isinstance(self.thresholds, (str, bytes)) or not hasattr(self.thresholds, "__iter__"):
                raise ValueError(f"thresholds must be a sequence of numbers, got {self.thresholds!r}")
            thresholds = [check_real(t, "thresholds") for t in self.thresholds]
            if not thresholds:
                raise ValueError("thresholds must hold at least one value")
        n_jobs = check_n_jobs(self.n_jobs)
        budget = self._table_budget()
        previous = self.__dict__.get("_counter")
        if previous is not None:
            settings = (self.method, self.max_n, self.unit, self.errors)
            if settings != self._counter_settings:
                raise ValueError("partial_fit: method, max_n, unit and errors must stay those of the first "
                                 f"call {self._counter_settings}, got {settings}; call fit to start over")
        # Every method reads the corpus once; later passes replay the recorded units.
        try:
            with CorpusReader(corpus, errors=self.errors, verbose=self.verbose) as reader:
                if previous is None:
                    self.unit_ = resolve_unit(self.unit, reader.sample())
                    self.n_bytes_ = 0
                max_n = self.max_n or (_PMI_CUT_MAX_LENGTH if self.method == "pmi_cut"
                                       else 4 if self.unit_ == "char" else 3)
                thresholds = thresholds or list(_THRESHOLDS[self.unit_])
                min_boundary = self.min_boundary if self.min_boundary is not None else _MIN_BOUNDARY[self.unit_]
                if self.method == "pmi_cut":
                    words, counter = self._pmi_cut(reader, max_n, min_boundary, n_jobs, budget, previous)
                elif self.method == "ngram_linkage":
                    words, counter = self._ngram_linkage(reader, max_n, thresholds, min_boundary, n_jobs, budget,
                                                            previous)
                else:
                    words, counter = self._entropy(reader, max_n, budget, previous)
        except BaseException:
            # Half-read text: the finder is left unfitted (the earlier calls' counts are gone too).
            for name in _FITTED:
                self.__dict__.pop(name, None)
            raise
        if keep:
            self._counter = counter
            self._counter_settings = (self.method, self.max_n, self.unit, self.errors)
        self._store(*words)
        return self

    def _table_budget(self) -> Optional[int]:
        """Bytes the count tables and sketch may take under ``max_memory`` (None: no cap)."""
        if self.max_memory is None:
            return None
        cap = parse_bytes(self.max_memory, "max_memory")
        held = resident_bytes()
        reserve = (held if held is not None else 64 << 20) + (32 << 20)  # the process, and the results
        if cap - reserve < 4 << 20:
            logger.warning("max_memory %d is below what the process already holds (%d bytes): the counts "
                           "get 4 MiB and spill to disk", cap, reserve)
        return max(cap - reserve, 4 << 20)

    @staticmethod
    def _sketch_cells(reader: CorpusReader, orders: int, n_jobs: int, budget: Optional[int],
                      previous_bytes: int = 0) -> int:
        """Count-sketch cells per n-gram order: one per 8 bytes of corpus (4 Mi when unknown),
        within half the budget for all orders and threads."""
        hint = reader.size_hint()
        cells = (hint + previous_bytes) // 8 if hint is not None else max(1 << 22, previous_bytes // 8)
        if budget is not None:
            cells = min(cells, budget // (2 * max(orders, 1) * n_jobs))
        return min(max(cells, 1 << 16), 1 << 30)

    def _frequent_counter(self, reader: CorpusReader, max_n: int, n_jobs: int, budget: Optional[int],
                          previous: Any) -> Any:
        """Pass 1 (units exactly, n-grams into the sketch; the units recorded), going on from
        ``previous`` when given; sets the corpus figures and the frequency floor."""
        cells = self._sketch_cells(reader, max_n - 1, n_jobs, budget, self.n_bytes_)
        limits = {"pair_budget": 64 << 20, "table_budget": 0}
        if budget is not None:
            limits = {"pair_budget": min(64 << 20, budget // 8), "table_budget": budget // 2}
        if previous is None:
            counter = _core.text.FrequentNgramCounter(max_n, self.unit_, self.errors, cells, keep_stream=True,
                                                      n_jobs=n_jobs, **limits)
        else:
            counter = _core.text.FrequentNgramCounter.resume(previous, cells, n_jobs, **limits)
        self._read(reader, counter)
        return counter

    def _read(self, reader: CorpusReader, counter: Any) -> None:
        self.n_bytes_ += reader.feed(counter, "counting")
        self.n_units_ = int(counter.n_units)
        self.min_count_ = self.min_count or auto_min_count(self.n_units_)

    def _fragment_counter(self, counter: Any, max_length: int, budget: Optional[int]) -> Any:
        fragments = _core.text.FragmentCounter(counter, max_length, self.errors)
        if budget is not None:
            fragments.limit_memory(budget // 2, self.min_count_)
        return fragments

    def _log_spill(self, *counters: Any) -> None:
        spilled = sum(int(c.spilled_bytes) for c in counters)
        if spilled:
            logger.info("WordFinder: %.1f MB of counts spilled to temporary files (max_memory %s)",
                        spilled / 1e6, self.max_memory)

    @staticmethod
    def _at_boundaries(counter: Any, found: Dict[str, Any], min_boundary: float) -> Dict[str, Any]:
        """The fragments of ``found`` that can stand between punctuation (:func:`_at_run_boundaries`)."""
        keep = _at_run_boundaries(counter.unit_counts, counter.run_starts, counter.run_ends, found["ids"],
                                  found["length"], min_boundary)
        if keep.all():
            return found
        texts = found["texts"]
        return {"texts": [t for t, k in zip(texts, keep) if k], "ids": np.ascontiguousarray(found["ids"][keep]),
                "length": found["length"][keep], "count": found["count"][keep]}

    def _pmi_cut(self, reader: CorpusReader, max_n: int, min_boundary: float, n_jobs: int, budget: Optional[int],
                 previous: Any) -> Tuple:
        # Pass 1: units exactly, pairs into the count sketch; the units are recorded.
        counter = self._frequent_counter(reader, 2, n_jobs, budget, previous)
        # Pass 2 (replayed): exact counts of the pairs that can reach p_ab >= min_proba; those
        # with PMI (the pair's cohesion) >= min_pmi hold together.
        pair_floor = max(1, math.ceil(self.min_proba * max(self.n_units_, 1) - 1e-9))
        counter.start_second_pass(pair_floor)
        counter.replay()
        pairs, pair_length = counter.cohesive(pair_floor, [0.0, float(self.min_pmi)])
        fragments = self._fragment_counter(counter, max_n, budget)
        fragments.keep(pairs, pair_length)
        del pairs, pair_length
        fragments.replay(counter, n_jobs)
        found = self._at_boundaries(counter, fragments.fragments(self.min_count_), min_boundary)
        self._log_spill(counter, fragments)
        counts, new_units, new_counts = _core.text.remove_redundant_words(
            found["ids"], found["length"], found["count"], 1.0)
        texts = list(found["texts"])
        lengths = found["length"].astype(np.int64)
        if len(new_units):
            texts += counter.unit_texts(new_units)
            counts = np.concatenate([counts, new_counts])
            lengths = np.concatenate([lengths, np.ones(len(new_units), dtype=np.int64)])
        # Cohesion of the two-unit words (their pairs are counted exactly); NaN for longer ones.
        pair_ids = np.zeros((len(lengths), 2), dtype=np.uint32)
        pair_ids[:len(found["ids"])] = found["ids"][:, :2]
        cohesion = counter.cohesion(pair_ids, np.minimum(lengths, 2).astype(np.uint8))
        cohesion[lengths != 2] = np.nan
        keep = counts > 0
        texts = [t for t, k in zip(texts, keep) if k]
        nan = np.full(int(keep.sum()), np.nan)
        return (texts, lengths[keep], counts[keep].astype(np.int64), cohesion[keep], nan, nan), counter

    def _ngram_linkage(self, reader: CorpusReader, max_n: int, thresholds: List[float], min_boundary: float,
                       n_jobs: int, budget: Optional[int], previous: Any) -> Tuple:
        # Exact counts of the n-grams that reach min_count, without holding every rare one.
        # Pass 1 records the units in a temporary file: passes 2 and 3 replay them, no decoding.
        counter = self._frequent_counter(reader, max_n, n_jobs, budget, previous)
        counter.start_second_pass(self.min_count_)
        counter.replay()
        kept_ids, kept_length = counter.cohesive(self.min_count_, thresholds)
        fragments = self._fragment_counter(counter, 2 * max_n, budget)
        fragments.keep(kept_ids, kept_length)
        fragments.count_only_kept_windows(max_n)  # the other pieces cannot be words
        del kept_ids, kept_length
        fragments.replay(counter, n_jobs)
        found = self._at_boundaries(counter, fragments.fragments(self.min_count_), min_boundary)
        self._log_spill(counter, fragments)
        texts = found["texts"]
        ids, length = found["ids"], found["length"]
        width = ids.shape[1]
        coh = counter.cohesion(np.ascontiguousarray(ids[:, :max_n]) if width > max_n else ids,
                               np.minimum(length, max_n).astype(np.uint8))
        coh[length > max_n] = np.nan
        nan = np.full(len(texts), np.nan)
        return (texts, length.astype(np.int64), found["count"].astype(np.int64), coh, nan, nan), counter

    def _entropy(self, reader: CorpusReader, max_n: int, budget: Optional[int], previous: Any) -> Tuple:
        # Every n-gram and its neighbours, counted exactly (past the budget, on disk).
        counter = previous
        if counter is None:
            counter = _core.text.NgramCounter(max_n, self.unit_, self.errors, True, table_budget=budget or 0)
        self._read(reader, counter)
        stats = counter.statistics(self.min_count_)
        self._log_spill(counter)
        min_entropy = self.min_entropy if self.min_entropy is not None else auto_min_entropy(self.n_units_)
        length = stats["length"]
        with np.errstate(invalid="ignore"):
            keep = (length == 1) | (
                (stats["cohesion"] >= math.log(max(self.min_support, 1e-300)))
                & (np.minimum(stats["left_entropy"], stats["right_entropy"]) >= min_entropy))
        texts = [t for t, k in zip(stats["ngrams"], keep) if k]
        return (texts, length[keep].astype(np.int64), stats["count"][keep].astype(np.int64), stats["cohesion"][keep],
                stats["left_entropy"][keep], stats["right_entropy"][keep]), counter

    def _store(self, texts: List[str], length: np.ndarray, count: np.ndarray, cohesion: np.ndarray,
               left: np.ndarray, right: np.ndarray) -> None:
        self.vocabulary_: Dict[str, int] = {t: int(c) for t, c in zip(texts, count)}
        multi = np.flatnonzero(length >= 2)
        order = multi[np.lexsort((multi, -count[multi]))] if len(multi) else multi
        self.words_ = [texts[i] for i in order]
        self.statistics_ = {"frequency": count[order], "cohesion": np.asarray(cohesion, dtype=float)[order],
                            "left_entropy": np.asarray(left, dtype=float)[order],
                            "right_entropy": np.asarray(right, dtype=float)[order]}
        logger.info("WordFinder(%s): %d units read, min_count %d, %d words of 2+ units, %d in the vocabulary",
                    self.method, self.n_units_, self.min_count_, len(self.words_), len(self.vocabulary_))

    # -- results -------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "vocabulary_"):
            raise AttributeError("this WordFinder is not fitted yet: call fit(corpus) first")

    def top(self, k: int = 100) -> List[Tuple[str, int]]:
        """The ``k`` most frequent words of two or more units, with their counts."""
        self._check_fitted()
        k = check_positive_int(k, "k")
        return [(w, int(c)) for w, c in zip(self.words_[:k], self.statistics_["frequency"][:k])]

    def to_tokenizer(self, **kwargs: Any) -> Tokenizer:
        """A :class:`Tokenizer` over the discovered vocabulary (keyword arguments go to it)."""
        self._check_fitted()
        kwargs.setdefault("unit", self.unit_)
        return Tokenizer(self.vocabulary_, **kwargs)

    def __repr__(self) -> str:
        return f"WordFinder(method={self.method!r})"
