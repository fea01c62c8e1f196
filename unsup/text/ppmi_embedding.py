"""Word vectors from positive PMI and a truncated SVD: windowed counts (C++), PPMI, SVDAutoencoder."""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from itertools import chain, count, islice
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from unsup import _core
from unsup.exceptions import NotFittedError
from unsup.stats import suggest_embedding_dim
from unsup.text.tokenizer import Tokenizer
from unsup.utils.validation import check_n_jobs, check_positive_int, check_real

__all__ = ["PPMIEmbedding", "cooccurrence_matrix", "ppmi_matrix"]

logger = logging.getLogger("unsup")

WEIGHTINGS = ("uniform", "harmonic", "dynamic")
_BREAK = (-1,)
_TOKENIZE_BATCH = 4096  # raw documents tokenized per call of Tokenizer.tokenize_many


def cooccurrence_matrix(tokens: Any, vocabulary_size: int, window: int = 5, *, weighting: str = "uniform",
                        dtype: Any = np.float64, n_jobs: Optional[int] = None) -> sp.csr_array:
    """Windowed co-occurrence counts of a corpus of token ids, counted in C++.

    ``X[a, b]`` sums ``weight(d)`` over every occurrence of ``a`` and every token ``b`` at
    distance ``d = 1 .. window`` on either side of it, within its sentence: each pair of
    positions adds ``weight(d)`` to ``X[a, b]`` and to ``X[b, a]`` (``2 weight(d)`` to
    ``X[a, a]``), so ``X`` is symmetric and its row sums are the context counts of word2vec's
    skip-gram or GloVe.

    Parameters
    ----------
    tokens : array-like of int, shape (n_tokens,)
        Token ids in ``[0, vocabulary_size)``; ``-1`` ends a sentence (no pair spans it).
    vocabulary_size : int
        Rows and columns of the matrix.
    window : int, default=5
        Largest distance counted.
    weighting : {"uniform", "harmonic", "dynamic"}, default="uniform"
        ``weight(d)``: ``"uniform"`` 1 (plain window counts); ``"harmonic"`` ``1 / d`` (GloVe);
        ``"dynamic"`` ``(window - d + 1) / window``, the expected weight under word2vec's dynamic
        window (each position draws its window uniformly from ``1 .. window``).
    dtype : {numpy.float64, numpy.float32}, default=numpy.float64
        Type of the values. Sums are exact (64-bit integer numerators over one denominator), so
        ``X`` is exactly symmetric and does not depend on ``n_jobs``; only the final division
        rounds.
    n_jobs : int, optional
        Threads (``None``: 1, ``-1``: all cores).

    Returns
    -------
    scipy.sparse.csr_array of shape (vocabulary_size, vocabulary_size)
        Sorted column ids, no explicit zeros.

    Examples
    --------
    >>> from unsup.text import cooccurrence_matrix
    >>> X = cooccurrence_matrix([0, 1, 2, -1, 1, 1], 3, window=1)
    >>> X.toarray()
    array([[0., 1., 0.],
           [1., 2., 1.],
           [0., 1., 0.]])
    """
    vocabulary_size = check_positive_int(vocabulary_size, "vocabulary_size", minimum=0, maximum=2**31 - 1)
    window = check_positive_int(window, "window", maximum=1 << 20)
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    n_jobs = check_n_jobs(n_jobs)
    ids = np.asarray(tokens)
    if ids.ndim != 1:
        raise ValueError(f"tokens: expected a 1-d array of token ids, got shape {ids.shape}")
    if ids.size == 0:
        ids = ids.astype(np.int32)
    if ids.dtype.kind not in "iu":
        raise ValueError(f"tokens: expected integer token ids, got dtype {ids.dtype}")
    if ids.dtype != np.int32:  # check the range before a narrowing cast could wrap an id around
        low, high = (int(ids.min()), int(ids.max())) if ids.size else (0, 0)
        if low < -1 or high >= vocabulary_size:
            bad = low if low < -1 else high
            raise ValueError(f"tokens: id {bad} is out of range (ids lie in [0, vocabulary_size = "
                             f"{vocabulary_size}), -1 is a sentence break)")
        ids = ids.astype(np.int32)
    ids = np.ascontiguousarray(ids)
    indptr, indices, data = _core.text.cooccurrence_counts(ids, vocabulary_size, window, weighting, dtype.name,
                                                           n_jobs)
    if len(data) < 2**31:  # scipy's index type for matrices of this size
        indptr = indptr.astype(np.int32)
    else:
        indices = indices.astype(np.int64)
    return sp.csr_array((data, indices, indptr), shape=(vocabulary_size, vocabulary_size))


def ppmi_matrix(counts: Any, *, shift: float = 1.0, context_smoothing: float = 1.0,
                dtype: Any = np.float32) -> sp.csr_array:
    """Positive (shifted) pointwise mutual information of a symmetric co-occurrence matrix.

    With ``c_ij`` the counts, ``c_i = sum_j c_ij`` and ``D = sum_ij c_ij``::

        PPMI_ij = max(0, ln(c_ij D / (c_i c_j)) - ln(shift))

    ``shift = k`` is the shift of Levy & Goldberg (2014): skip-gram with ``k`` negative samples
    implicitly factorises ``PMI - ln k``. ``context_smoothing = α < 1`` is the context
    distribution smoothing of Levy, Goldberg & Dagan (2015), which raises the context counts to
    the power α (as word2vec draws its negative samples from unigrams^0.75) so that rare
    contexts no longer get inflated PMI. Their PMI_α(i, j) smooths only the context ``j`` and
    is not symmetric; this function returns its symmetric part, the mean of PMI_α(i, j) and
    PMI_α(j, i)::

        PMI_α(i, j) = ln c_ij + ln D - (ln c_i + ln ĉ_i) / 2 - (ln c_j + ln ĉ_j) / 2,
        ĉ_i = D c_i^α / sum_k c_k^α

    (α = 1 gives the plain PMI above).

    Parameters
    ----------
    counts : sparse matrix of shape (n, n)
        Non-negative co-occurrence counts (symmetric, e.g. from :func:`cooccurrence_matrix`).
    shift : float, default=1.0
        ``k > 0``; ``ln k`` is subtracted before clipping.
    context_smoothing : float, default=1.0
        ``α`` in ``(0, 1]``.
    dtype : {numpy.float32, numpy.float64}, default=numpy.float32
        Type of the values (computed in float64).

    Returns
    -------
    scipy.sparse.csr_array of shape (n, n)
        The positive entries only.
    """
    shift = check_real(shift, "shift")
    if shift <= 0:
        raise ValueError(f"shift must be > 0, got {shift!r}")
    alpha = check_real(context_smoothing, "context_smoothing", 0.0, 1.0)
    if alpha <= 0:
        raise ValueError(f"context_smoothing must be in (0, 1], got {context_smoothing!r}")
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    if not sp.issparse(counts):
        raise TypeError(f"counts: expected a scipy sparse matrix, got {type(counts).__name__}")
    x = sp.csr_array(counts)
    if x.shape[0] != x.shape[1]:
        raise ValueError(f"counts: expected a square matrix, got shape {x.shape}")
    x.sum_duplicates()
    data = np.asarray(x.data, dtype=np.float64)
    if data.size and not (np.all(np.isfinite(data)) and data.min() >= 0):
        raise ValueError("counts: values must be finite and non-negative")
    if data.size and data.min() == 0:  # explicit zeros: no pair, no PMI
        x = sp.csr_array(x, copy=True)
        x.eliminate_zeros()
        data = np.asarray(x.data, dtype=np.float64)
    n = x.shape[0]
    row_sums = np.bincount(np.repeat(np.arange(n), np.diff(x.indptr)), weights=data, minlength=n)
    total = float(row_sums.sum())
    if total <= 0:
        return sp.csr_array((n, n), dtype=dtype)
    with np.errstate(divide="ignore"):
        log_rows = np.log(row_sums)  # -inf on empty rows, never read (they hold no entry)
        if alpha != 1.0:
            smoothed = row_sums ** alpha
            log_smoothed = math.log(total) + np.log(smoothed) - math.log(float(smoothed.sum()))
            log_rows = 0.5 * (log_rows + log_smoothed)
    rows = np.repeat(np.arange(n, dtype=np.int32), np.diff(x.indptr))
    values = np.log(data)
    values += math.log(total) - math.log(shift)
    # (i, j) and (j, i) subtract the same rounded sum (addition commutes): exactly symmetric.
    margins = log_rows[rows]
    margins += log_rows[x.indices]
    values -= margins
    del margins
    keep = values > 0
    kept_rows = rows[keep]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(kept_rows, minlength=n), out=indptr[1:])
    index_dtype = np.int32 if indptr[-1] < 2**31 else np.int64
    return sp.csr_array((values[keep].astype(dtype), x.indices[keep].astype(index_dtype, copy=False),
                         indptr.astype(index_dtype, copy=False)), shape=(n, n))


def _documents(corpus: Any, tokenizer: Any, n_jobs: int) -> Iterator[Sequence[Any]]:
    """The corpus as token lists: lists (and tuples) pass through, strings go to the tokenizer."""
    if isinstance(corpus, (str, bytes)):
        raise TypeError("corpus: expected an iterable of documents (token lists, or strings with a tokenizer), "
                        "got one string")
    try:
        items = iter(corpus)
    except TypeError:
        raise TypeError(f"corpus: expected an iterable of documents, got {type(corpus).__name__}") from None
    if tokenizer is None:
        tokenize_one = None
    elif isinstance(tokenizer, Tokenizer):
        tokenize_one = tokenizer.tokenize
    elif callable(tokenizer):
        tokenize_one = tokenizer
    else:
        raise TypeError(f"tokenizer must be None, a unsup.text.Tokenizer or a callable, got {type(tokenizer).__name__}")
    while True:
        block = list(islice(items, _TOKENIZE_BATCH))
        if not block:
            return
        if isinstance(tokenizer, Tokenizer) and all(isinstance(d, str) for d in block):
            yield from tokenizer.tokenize_many(block, n_jobs=n_jobs)
            continue
        for document in block:
            if isinstance(document, str):
                if tokenize_one is None:
                    raise TypeError("corpus: documents are strings; pass tokenizer= (a unsup.text.Tokenizer or a "
                                    "callable) or give token lists")
                document = tokenize_one(document)
                if isinstance(document, str) or not isinstance(document, (list, tuple)):
                    raise TypeError(f"tokenizer must return a list of tokens, got {type(document).__name__}")
            elif not isinstance(document, (list, tuple)):
                raise TypeError(f"corpus: documents must be lists of tokens (or strings with a tokenizer), got "
                                f"{type(document).__name__}")
            yield document


def _encode(documents: Iterable[Sequence[Any]], min_count: int,
            max_vocab: Optional[int]) -> Tuple[np.ndarray, List[str], np.ndarray, int]:
    """(token ids with -1 between documents, words by count, their counts, tokens read).

    One pass: every distinct token gets a provisional id on first sight (a dict whose missing
    keys take the next integer, all in C), the ids go straight into an int32 array; counts,
    the vocabulary and the final ids follow in numpy. Tokens outside the vocabulary are
    dropped, so a window reaches past them (as in word2vec).
    """
    first_seen: Dict[Any, int] = defaultdict(count().__next__)
    lookup = first_seen.__getitem__
    stream = chain.from_iterable(chain(map(lookup, doc), _BREAK) for doc in documents)
    try:
        provisional = np.fromiter(stream, dtype=np.int32)
    except TypeError as exc:
        if str(exc).startswith("unhashable"):
            raise TypeError(f"corpus: tokens must be str ({exc})") from None
        raise
    keys = list(first_seen)
    for key in keys:
        if not isinstance(key, str):
            raise TypeError(f"corpus: tokens must be str, got {key!r} ({type(key).__name__})")
    n_read = int(provisional.size - np.count_nonzero(provisional < 0))
    counts = np.bincount(provisional[provisional >= 0], minlength=len(keys))
    order = np.argsort(-counts, kind="stable")  # by count, then by first appearance
    n_kept = int(np.count_nonzero(counts >= min_count))
    if max_vocab is not None:
        n_kept = min(n_kept, max_vocab)
    order = order[:n_kept]
    remap = np.full(len(keys) + 1, -2, dtype=np.int32)
    remap[order] = np.arange(n_kept, dtype=np.int32)
    remap[-1] = -1  # provisional -1 (a break) indexes the last entry
    ids = remap[provisional]
    del provisional
    ids = ids[ids != -2]
    return ids, [keys[i] for i in order], counts[order].astype(np.int64), n_read


class PPMIEmbedding(BaseEstimator):
    """Word vectors from the positive PMI matrix of windowed co-occurrences and a truncated SVD.

    Skip-gram with negative sampling implicitly factorises the shifted PMI matrix of words
    and their contexts (Levy & Goldberg, 2014), so factorising that matrix explicitly gives
    word vectors of the same kind, in one pass over the text and without training (Su,
    "SVD分解(三)"; Levy, Goldberg & Dagan, 2015):

    1. the vocabulary: tokens seen at least ``min_count`` times (at most ``max_vocab``, the
       most frequent), ordered by count; other tokens are dropped from the text;
    2. windowed co-occurrence counts ``c_ij`` (C++, :func:`cooccurrence_matrix`), symmetric;
    3. ``PPMI_ij = max(0, ln(c_ij D / (c_i c_j)) - ln(shift))``, optionally with context
       distribution smoothing (:func:`ppmi_matrix`);
    4. a truncated SVD of the PPMI matrix by :class:`unsup.decomposition.SVDAutoencoder`
       (randomized). The matrix is symmetric, so its right singular vectors ``V`` serve as
       word vectors: ``vectors_ = V S^power`` (its left ones differ only in the sign of the
       components with a negative eigenvalue).

    Parameters
    ----------
    window : int, default=5
        Largest distance between a word and a context word.
    min_count : int, default=5
        Least number of occurrences of a vocabulary word.
    n_components : int or "auto", default="auto"
        Dimension of the vectors; ``"auto"``: :func:`unsup.stats.suggest_embedding_dim` of the
        vocabulary size (``ceil(8.33 ln N)``), at most the vocabulary size minus one.
    shift : float, default=1.0
        ``k`` of the shifted PPMI (``ln k`` is subtracted; 1: plain PPMI).
    power : float, default=0.5
        Exponent ``p >= 0`` of the singular values in ``V S^p`` (0: ``V`` alone, 1: ``V S``).
        Levy, Goldberg & Dagan (2015) found ``p = 0.5`` or 0 better than 1 on similarity tasks.
    max_vocab : int, optional
        Keep at most this many words (the most frequent).
    tokenizer : unsup.text.Tokenizer or callable, optional
        Splits documents given as strings (a callable takes one string and returns a list of
        tokens). A :class:`~unsup.text.Tokenizer` tokenizes them in batches on ``n_jobs``
        threads; its punctuation tokens stay in the text and may become vocabulary words.
    random_state : None, int, RandomState or Generator, default=None
        Seed of the randomized SVD, the only randomness.
    n_jobs : int, optional
        Threads of the tokenizer, the counting and the SVD (``None``: 1, ``-1``: all cores).
        The result does not depend on it.
    verbose : int, default=0
        Log the stages and their times (logger ``"unsup"``, level INFO).
    weighting : {"dynamic", "uniform", "harmonic"}, default="dynamic"
        Weight of a pair at distance ``d``: ``"dynamic"`` ``(window - d + 1) / window``, the
        expectation of word2vec's dynamic window; ``"uniform"`` 1; ``"harmonic"`` ``1 / d``
        (GloVe). The default and ``context_smoothing=0.75`` are word2vec's own choices (its
        window and its unigram^0.75 negative sampling); on the benchmark corpora they give the
        neighbours closest to gensim's skip-gram (``benchmarks/ppmi_bench.py``).
    context_smoothing : float, default=0.75
        Context distribution smoothing exponent ``α`` in ``(0, 1]`` (1: none); see
        :func:`ppmi_matrix` for the symmetric form used.

    Attributes
    ----------
    vectors_ : ndarray of shape (n_words, n_components_), float32
        Row ``i``: the vector of ``words_[i]``.
    vocabulary_ : dict of str to int
        Word -> row of ``vectors_``.
    words_ : list of str
        The vocabulary, most frequent first.
    counts_ : ndarray of shape (n_words,), int64
        Occurrences of each word in the corpus.
    n_components_ : int
        Dimension of the vectors.
    singular_values_ : ndarray of shape (n_components_,)
        Of the PPMI matrix, descending.
    n_tokens_ : int
        Tokens read (before the vocabulary cut).

    Examples
    --------
    >>> from unsup.datasets import synonym_corpus
    >>> from unsup.text import PPMIEmbedding
    >>> sentences, groups = synonym_corpus(seed=0)
    >>> model = PPMIEmbedding(random_state=0).fit(sentences)
    >>> word = groups[0][0]
    >>> sum(w in groups[0] for w, _ in model.most_similar(word, k=5))
    5
    """

    def __init__(self, window: int = 5, min_count: int = 5, n_components: Union[int, str] = "auto",
                 shift: float = 1.0, power: float = 0.5, max_vocab: Optional[int] = None,
                 tokenizer: Union[None, Tokenizer, Callable[[str], List[str]]] = None, random_state: Any = None,
                 n_jobs: Optional[int] = None, verbose: int = 0, *, weighting: str = "dynamic",
                 context_smoothing: float = 0.75) -> None:
        self.window = window
        self.min_count = min_count
        self.n_components = n_components
        self.shift = shift
        self.power = power
        self.max_vocab = max_vocab
        self.tokenizer = tokenizer
        self.weighting = weighting
        self.context_smoothing = context_smoothing
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    # -- fitting -------------------------------------------------------------------------
    def _check_params(self) -> None:
        check_positive_int(self.window, "window", maximum=1 << 20)
        check_positive_int(self.min_count, "min_count")
        if self.max_vocab is not None:
            check_positive_int(self.max_vocab, "max_vocab", minimum=2)
        if not (isinstance(self.n_components, str) and self.n_components == "auto"):
            check_positive_int(self.n_components, "n_components")
        check_real(self.shift, "shift")
        if self.shift <= 0:
            raise ValueError(f"shift must be > 0, got {self.shift!r}")
        check_real(self.power, "power", 0.0)
        if self.weighting not in WEIGHTINGS:
            raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {self.weighting!r}")
        alpha = check_real(self.context_smoothing, "context_smoothing", 0.0, 1.0)
        if alpha <= 0:
            raise ValueError(f"context_smoothing must be in (0, 1], got {self.context_smoothing!r}")

    def fit(self, corpus: Iterable[Union[Sequence[str], str]], y: Any = None) -> "PPMIEmbedding":
        """Learn the vocabulary and the word vectors of ``corpus``.

        Parameters
        ----------
        corpus : iterable of list of str, or of str
            Documents (or sentences): lists of tokens, or strings split by ``tokenizer``.
            No window spans two documents. Read once.
        y : None
            Ignored.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            On bad parameters, an empty corpus, or fewer than two words reaching ``min_count``.
        TypeError
            On documents or tokens of the wrong type.
        """
        self._check_params()
        n_jobs = check_n_jobs(self.n_jobs)
        started = time.perf_counter()
        for name in ("vectors_", "vocabulary_", "words_", "counts_", "n_components_", "singular_values_",
                     "n_tokens_", "_unit_vectors"):
            self.__dict__.pop(name, None)  # a failed fit leaves the model unfitted

        ids, words, counts, n_read = _encode(_documents(corpus, self.tokenizer, n_jobs), self.min_count,
                                             self.max_vocab)
        return self._fit_ids(ids, words, counts, n_read, started)

    def _fit_ids(self, ids: np.ndarray, words: List[str], counts: np.ndarray, n_read: int,
                 started: float) -> "PPMIEmbedding":
        """Fit on an encoded corpus: int32 ``ids`` into ``words`` (by count), -1 between documents."""
        n_jobs = check_n_jobs(self.n_jobs)
        if n_read == 0:
            raise ValueError("corpus: no tokens")
        n_words = len(words)
        if n_words < 2:
            raise ValueError(f"corpus: {n_words} word(s) occur at least min_count={self.min_count} times; "
                             f"need at least 2 (lower min_count or give more text)")
        t_vocab = time.perf_counter()
        if self.n_components == "auto":
            k = min(suggest_embedding_dim(n_words), n_words - 1)
        else:
            k = int(self.n_components)
            if k >= n_words:
                raise ValueError(f"n_components={k} must be smaller than the vocabulary size ({n_words} words)")

        counts_matrix = cooccurrence_matrix(ids, n_words, self.window, weighting=self.weighting,
                                            dtype=np.float64, n_jobs=n_jobs)
        del ids
        n_pairs = counts_matrix.nnz
        t_count = time.perf_counter()
        ppmi = ppmi_matrix(counts_matrix, shift=self.shift, context_smoothing=self.context_smoothing,
                           dtype=np.float32)
        del counts_matrix
        if ppmi.nnz == 0:
            raise ValueError("corpus: no pair of vocabulary words co-occurs more often than chance (every PPMI "
                             "value is 0); give more text, or a smaller shift")
        t_ppmi = time.perf_counter()

        from unsup.decomposition import SVDAutoencoder  # scikit-learn only when fitting

        svd = SVDAutoencoder(n_components=k, random_state=self.random_state, n_jobs=n_jobs).fit(ppmi)
        singular = np.asarray(svd.singular_values_, dtype=np.float64)
        vectors = np.asarray(svd.components_, dtype=np.float64).T * singular ** float(self.power)
        t_svd = time.perf_counter()

        self.vectors_ = np.ascontiguousarray(vectors, dtype=np.float32)
        self.words_ = words
        self.vocabulary_ = {w: i for i, w in enumerate(words)}
        self.counts_ = counts
        self.n_components_ = k
        self.singular_values_ = singular
        self.n_tokens_ = n_read
        if self.verbose:
            logger.info("PPMIEmbedding: %d tokens, %d words (%.2f s); co-occurrences (window %d, %s): %d pairs "
                        "(%.2f s); PPMI: %d positive (%.2f s); SVD, k = %d (%.2f s); total %.2f s",
                        n_read, n_words, t_vocab - started, self.window, self.weighting, n_pairs, t_count - t_vocab,
                        ppmi.nnz, t_ppmi - t_count, k, t_svd - t_ppmi, t_svd - started)
        return self

    # -- results -------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "vectors_"):
            raise NotFittedError("this PPMIEmbedding is not fitted yet: call fit(corpus) first")

    def _row(self, word: Any) -> int:
        try:
            return self.vocabulary_[word]
        except (KeyError, TypeError):
            raise KeyError(f"word {word!r} is not in the vocabulary") from None

    def _unit(self) -> np.ndarray:
        unit = self.__dict__.get("_unit_vectors")
        if unit is None:
            norms = np.linalg.norm(self.vectors_, axis=1, keepdims=True)
            unit = np.divide(self.vectors_, norms, out=np.zeros_like(self.vectors_), where=norms > 0)
            self._unit_vectors = unit
        return unit

    def __getitem__(self, word: str) -> np.ndarray:
        """The vector of ``word`` (KeyError if it is not in the vocabulary)."""
        self._check_fitted()
        return self.vectors_[self._row(word)]

    def __contains__(self, word: Any) -> bool:
        return hasattr(self, "vocabulary_") and isinstance(word, str) and word in self.vocabulary_

    def transform(self, words: Iterable[str]) -> np.ndarray:
        """Vectors of ``words``, shape (len(words), n_components_) (KeyError on an unknown word)."""
        self._check_fitted()
        if isinstance(words, str):
            raise TypeError("words: expected a list of words, got one string (use model[word])")
        rows = [self._row(w) for w in words]
        return self.vectors_[np.asarray(rows, dtype=np.int64)]

    def most_similar(self, word: str, k: int = 10) -> List[Tuple[str, float]]:
        """The ``k`` words with the largest cosine similarity to ``word`` (itself excluded).

        Returns
        -------
        list of (str, float)
            Most similar first.
        """
        self._check_fitted()
        row = self._row(word)
        k = check_positive_int(k, "k")
        unit = self._unit()
        similarity = unit @ unit[row]
        similarity[row] = -np.inf
        k = min(k, len(self.words_) - 1)
        top = np.argpartition(-similarity, k - 1)[:k] if k < len(similarity) else np.arange(len(similarity))
        top = top[np.lexsort((top, -similarity[top]))]  # by similarity, ties by rank
        return [(self.words_[i], float(similarity[i])) for i in top]
