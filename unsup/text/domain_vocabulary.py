"""Mine a domain's vocabulary: new words, contrasted with general language, filtered, clustered."""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np
import scipy.sparse as sp

from unsup.exceptions import NotFittedError
from unsup.text._corpus import Corpus, _documents, _open
from unsup.text.background import Background, _n_units, _units
from unsup.text.tokenizer import Tokenizer
from unsup.text.word_finder import METHODS, WordFinder
from unsup.utils.validation import check_n_jobs, check_positive_int, check_real, check_seed

__all__ = ["DomainVocabulary", "Term", "background_contrast", "context_topicality", "read_documents"]

logger = logging.getLogger("unsup")

# Context words of the topicality: this many of the most frequent and of the best-contrasted words.
_CONTEXTS = 300
# Word vectors for at most this many words (the most frequent): the SVD's cost grows with the
# vocabulary's co-occurrence pairs, and rarer words are poor neighbours anyway.
_MAX_VECTORS = 12000
# What fit sets: a fit that fails removes all of it.
_FITTED = ("terms_", "clusters_", "vocabulary_", "background_", "embedding_", "unit_", "n_documents_",
           "n_units_", "statistics_")


class Term(NamedTuple):
    """One mined term: its text, its score, its counts, and its cluster (-1: none)."""

    term: str
    score: float
    domain_count: int
    background_count: float
    cluster: int


# -- reading ---------------------------------------------------------------------------
def read_documents(corpus: Corpus, documents: str = "lines", *, name: str = "corpus",
                   errors: str = "replace") -> List[str]:
    """The corpus as a list of non-empty documents.

    Parameters
    ----------
    corpus : str, path, or iterable of str and paths
        A text, a file (``pathlib.Path``), or an iterable of both.
    documents : str, default="lines"
        ``"lines"``: every line of every text and file is a document; ``"items"``: every item
        (text or whole file) is one; any other string is a separator that cuts texts and files
        into documents (``"\\n\\n"``: paragraphs).
    name : str
        Argument name for error messages.
    errors : {"replace", "strict"}
        Invalid UTF-8 in files: replaced by U+FFFD, or ``UnicodeDecodeError``.
    """
    if not isinstance(documents, str) or not documents:
        raise ValueError(f"documents must be 'lines', 'items' or a non-empty separator string, got {documents!r}")
    out: List[str] = []
    for item in _documents(corpus, name):
        if isinstance(item, Path):
            with _open(item) as f:
                data = f.read()
            try:
                text = data.decode("utf-8", errors=errors)
            except UnicodeDecodeError as exc:
                raise UnicodeDecodeError(exc.encoding, exc.object, exc.start, exc.end,
                                         f"{name}: {str(item)!r} is not valid UTF-8 ({exc.reason})") from None
        else:
            text = item
        if documents == "items":
            pieces: Iterable[str] = (text,)
        elif documents == "lines":
            pieces = text.splitlines()
        else:
            pieces = text.split(documents)
        out.extend(p for p in pieces if p.strip())
    return out


# -- scores -----------------------------------------------------------------------------
def background_contrast(domain_counts: Any, background_counts: Any, scale: float = 1.0) -> np.ndarray:
    """Smoothed share of each word's occurrences that falls in the domain (Su's contrast score).

    With background counts rescaled to the domain's size, ``b = scale * background``,
    ``total = domain + b`` and the domain's overall share ``alpha = sum(domain) / sum(total)``,

        score = (domain + mean(total) * alpha) / (total + mean(total)),

    the domain share ``domain / total`` shrunk towards ``alpha`` by ``mean(total)`` pseudo
    occurrences: rare words stay near ``alpha``, frequent words found only in the domain go
    to 1, common words of general language go below ``alpha``.

    Parameters
    ----------
    domain_counts, background_counts : array-like of shape (n_words,)
        Non-negative counts of the same words.
    scale : float, default=1.0
        Factor of the background counts: the domain's size over the background's.

    Returns
    -------
    ndarray of shape (n_words,)
        Scores in [0, 1].
    """
    d = np.asarray(domain_counts, dtype=float)
    b = np.asarray(background_counts, dtype=float) * float(scale)
    if d.shape != b.shape or d.ndim != 1:
        raise ValueError(f"domain_counts and background_counts must be 1-d of one length, got {d.shape} and {b.shape}")
    if not (np.all(np.isfinite(d)) and np.all(np.isfinite(b)) and np.all(d >= 0) and np.all(b >= 0)):
        raise ValueError("counts must be finite and >= 0")
    total = d + b
    if d.size == 0 or total.sum() == 0:
        return np.zeros_like(d)
    alpha = d.sum() / total.sum()
    prior = total.mean()
    return (d + prior * alpha) / (total + prior)


def context_topicality(documents: sp.csr_array, contexts: np.ndarray, smoothing: float = 100.0) -> np.ndarray:
    """How far the documents of each word depart from the corpus in what else they hold.

    For word ``w``, ``p(c | w)`` is the distribution of the context words ``c`` over the
    documents that hold ``w`` (each document counted once per context word), shrunk towards the
    corpus-wide ``p(c)`` by ``smoothing`` pseudo-observations; the score is
    ``KL(p(c | w) || p(c))`` in nats. Function words and general-language words occur in
    documents of every topic (score near 0); terms occur in the documents of their topic.

    Parameters
    ----------
    documents : sparse array of shape (n_documents, n_words)
        Which words each document holds (values are read as presence).
    contexts : array of int
        Columns used as context words.
    smoothing : float, default=100.0
        Pseudo-observations of ``p(c)`` added to each word's context counts.

    Returns
    -------
    ndarray of shape (n_words,)
    """
    present = sp.csr_array(documents, dtype=np.float64, copy=True)
    present.data[:] = 1.0
    ctx = present[:, np.asarray(contexts)]
    prior = np.asarray(ctx.sum(axis=0)).ravel()
    if prior.sum() == 0:
        return np.zeros(present.shape[1])
    prior /= prior.sum()
    joint = sp.coo_array(present.T @ ctx)  # (n_words, n_contexts): documents holding both
    n = np.asarray(joint.sum(axis=1)).ravel()
    beta = float(smoothing)
    p_c = prior[joint.col]
    q = (joint.data + beta * p_c) / (n[joint.row] + beta)
    kl = np.bincount(joint.row, q * np.log(q / p_c), minlength=present.shape[1])
    seen_mass = np.bincount(joint.row, q, minlength=present.shape[1])
    # contexts never seen with w keep q = beta p_c / (n + beta): their part of the sum in closed form
    kl += np.clip(1.0 - seen_mass, 0.0, None) * np.log(beta / (n + beta))
    return np.maximum(kl, 0.0)


def _knn_cosine_graph(vectors: np.ndarray, n_neighbors: int, min_similarity: float) -> sp.csr_array:
    """Each row linked to its ``n_neighbors`` most cosine-similar rows with similarity >= the floor."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.where(norms > 0, norms, 1.0)
    n = unit.shape[0]
    k = min(n_neighbors, n - 1)
    rows, cols, vals = [], [], []
    for start in range(0, n, 1024):
        sim = unit[start:start + 1024] @ unit.T
        block = np.arange(start, min(n, start + 1024))
        sim[block - start, block] = -np.inf
        if k <= 0:
            break
        top = np.argpartition(-sim, k - 1, axis=1)[:, :k]  # k <= n - 1
        s = np.take_along_axis(sim, top, axis=1)
        keep = s >= min_similarity
        rows.append(np.repeat(block, k).reshape(-1, k)[keep])
        cols.append(top[keep])
        vals.append(s[keep])
    if not rows:
        return sp.csr_array((n, n))
    graph = sp.csr_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
    return graph.maximum(graph.T).tocsr()


class DomainVocabulary:
    """Mine the vocabulary of a domain from raw text: ranked, filtered and grouped terms.

    Su's recipe ("分享一次专业领域词汇的无监督挖掘"), with statistical filters in place of
    hand-written rules:

    1. **Candidates**: the words of the domain corpus found by :class:`WordFinder` (no
       dictionary); the corpus is then segmented with them (unigram model) and each word's
       tokens, substring occurrences and documents are counted (C++).
    2. **Background contrast** (:func:`background_contrast`): occurrences in general language,
       rescaled to the domain's size, against the domain's tokens; a smoothed domain share.
    3. **Filters** learned from the data: *boundary* — a term does not begin or end with a
       unit that mostly stands alone in the background (the units of function words: 的, 了,
       和, 在); *dispersion* — a term recurs in at least ``min_documents`` documents (exact
       duplicate documents, such as page templates, count once); *nesting* — a fragment whose
       occurrences mostly lie inside longer words (二维 in 二维码) is not a term of its own;
       *topicality* (:func:`context_topicality`) — general words occur in documents of every
       topic of the corpus, terms in those of theirs: words below ``topicality_ratio`` times
       the topicality of the corpus's most frequent words are dropped.
    4. **Semantics**: word vectors from the PPMI matrix of the segmented corpus and a truncated
       SVD (:class:`PPMIEmbedding`); the top terms are linked to their ``n_neighbors`` nearest
       terms with cosine >= ``min_similarity`` and the graph is clustered with InfoMap;
       :meth:`expand` grows a term set from seeds breadth-first.

    Parameters
    ----------
    background : "builtin", str, path, iterable, WordFinder, mapping or Background, default="builtin"
        General language to contrast with. ``"builtin"``: People's Daily 1998-01 n-gram counts
        shipped with unsup (Chinese). A text, a path or an iterable of them: a general corpus
        (counted exactly). A fitted :class:`WordFinder` or a mapping of words to counts: those
        counts. A :class:`Background`.
    method : {"ngram_linkage", "pmi_cut", "entropy"}, default="ngram_linkage"
        Word discovery method (see :class:`WordFinder`).
    expand_from : sequence of str, optional
        Seed terms: when given, ``terms_`` keeps only the terms that :meth:`expand` reaches
        from them.
    n_clusters : "auto", int or None, default="auto"
        ``"auto"``: every InfoMap cluster of the top terms; an int ``k``: the ``k`` clusters
        that hold the best-scored terms (the others' terms get cluster -1); ``None``: no word
        vectors and no clustering (fastest).
    documents : str, default="lines"
        How texts and files are cut into documents (see :func:`read_documents`).
    max_terms : int, default=2000
        Terms kept in ``terms_`` (the best scored) and clustered.
    min_count : int, optional
        Least tokens of a term in the domain corpus; default the word finder's floor.
    min_documents : int, default=3
        Least documents a term occurs in.
    min_length : int, optional
        Least units of a term: default 2 for characters (a single character is not a term), 1
        for words.
    nested_ratio : float, default=0.3
        Least share of a word's occurrences in which the segmentation cuts it out as a word of
        its own (the rest lie inside longer words).
    function_rate : float, default=0.7
        A unit standing alone at least this share of its background occurrences is a function
        unit: a term neither begins nor ends with one.
    topicality_ratio : float, default=1.5
        Least topicality of a term, as a multiple of the median topicality of the 100 most
        frequent tokens of the corpus (0: off).
    n_neighbors, min_similarity : int, float, default=40, 0.5
        kNN graph of the clustering: each term linked to at most ``n_neighbors`` terms with
        cosine similarity at least ``min_similarity``.
    window, n_components : int, int or "auto", default=5, "auto"
        Of the word vectors (see :class:`PPMIEmbedding`).
    random_state : None, int, RandomState or Generator, default=None
        Seed of the SVD and of InfoMap.
    n_jobs : int, optional
        Threads (``None``: 1, ``-1``: all cores). Results do not depend on it.
    verbose : int, default=0
        Log the stages (logger ``"unsup"``) and show progress bars (tqdm).

    Attributes
    ----------
    terms_ : list of Term
        ``(term, score, domain_count, background_count, cluster)``, best first.
    clusters_ : list of list of str
        Term clusters, each best-scored term first, clusters by their best term (empty when
        ``n_clusters=None``).
    vocabulary_ : dict of str to int
        Every word found in the domain corpus with its token count (what
        :meth:`to_tokenizer` uses).
    background_ : Background
    embedding_ : PPMIEmbedding or None
        The word vectors (``None`` when ``n_clusters=None`` and no ``expand_from``).
    statistics_ : dict of str to ndarray
        Per candidate (``statistics_["term"]``): ``"tokens"``, ``"occurrences"``,
        ``"documents"``, ``"background"`` (rescaled), ``"contrast"``, ``"topicality"``, and
        ``"kept"`` (passed every filter).
    unit_ : {"char", "word"}
    n_documents_, n_units_ : int
        Distinct documents and units of the domain corpus.

    Examples
    --------
    >>> from unsup.text import DomainVocabulary
    >>> vocab = DomainVocabulary().fit(Path("reviews.txt"))  # doctest: +SKIP
    >>> vocab.terms_[:3]  # doctest: +SKIP
    [Term(term='酒店', score=0.99, ...), ...]
    """

    def __init__(self, background: Any = "builtin", method: str = "ngram_linkage",
                 expand_from: Optional[Sequence[str]] = None, n_clusters: Union[str, int, None] = "auto", *,
                 documents: str = "lines", max_terms: int = 2000, min_count: Optional[int] = None,
                 min_documents: int = 3, min_length: Optional[int] = None, nested_ratio: float = 0.3,
                 function_rate: float = 0.7, topicality_ratio: float = 1.5, n_neighbors: int = 40,
                 min_similarity: float = 0.5, window: int = 5, n_components: Union[int, str] = "auto",
                 random_state: Any = None, n_jobs: Optional[int] = None, verbose: int = 0) -> None:
        self.background = background
        self.method = method
        self.expand_from = expand_from
        self.n_clusters = n_clusters
        self.documents = documents
        self.max_terms = max_terms
        self.min_count = min_count
        self.min_documents = min_documents
        self.min_length = min_length
        self.nested_ratio = nested_ratio
        self.function_rate = function_rate
        self.topicality_ratio = topicality_ratio
        self.n_neighbors = n_neighbors
        self.min_similarity = min_similarity
        self.window = window
        self.n_components = n_components
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    # -- parameters -----------------------------------------------------------------------
    def _check_params(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        if not (self.n_clusters is None or self.n_clusters == "auto"):
            check_positive_int(self.n_clusters, "n_clusters")
        check_positive_int(self.max_terms, "max_terms")
        if self.min_count is not None:
            check_positive_int(self.min_count, "min_count")
        check_positive_int(self.min_documents, "min_documents")
        if self.min_length is not None:
            check_positive_int(self.min_length, "min_length")
        check_real(self.nested_ratio, "nested_ratio", 0.0, 1.0)
        check_real(self.function_rate, "function_rate", 0.0, 1.0)
        check_real(self.topicality_ratio, "topicality_ratio", 0.0)
        check_positive_int(self.n_neighbors, "n_neighbors")
        check_real(self.min_similarity, "min_similarity", -1.0, 1.0)
        check_positive_int(self.window, "window", maximum=1 << 20)
        if self.expand_from is not None:
            _check_seeds(self.expand_from, "expand_from")

    def _resolve_background(self, n_jobs: int) -> Background:
        bg = self.background
        if isinstance(bg, Background):
            return bg
        if isinstance(bg, str) and bg == "builtin":
            return Background.builtin()
        if isinstance(bg, str) and len(bg) < 64 and "\n" not in bg:  # a typo of "builtin", or a file name as str
            raise ValueError(f"background={bg!r}: pass 'builtin', a general corpus (its text, a pathlib.Path or a "
                             f"list of them), a fitted WordFinder, word counts or a Background")
        if isinstance(bg, WordFinder):
            if not hasattr(bg, "vocabulary_"):
                raise NotFittedError("background: the WordFinder is not fitted; call fit(general_corpus) first")
            return Background.from_counts(bg.vocabulary_, unit=bg.unit_, n_units=bg.n_units_, source="WordFinder")
        if isinstance(bg, dict) or (hasattr(bg, "items") and hasattr(bg, "keys") and not isinstance(bg, str)):
            return Background.from_counts(bg)
        if bg is None:
            raise ValueError("background: None; pass 'builtin', a general corpus, a WordFinder or word counts")
        return Background.from_corpus(bg, documents=self.documents, n_jobs=n_jobs, verbose=self.verbose)

    # -- fitting ----------------------------------------------------------------------------
    def fit(self, corpus: Corpus, y: Any = None) -> "DomainVocabulary":
        """Mine the terms of the domain corpus ``corpus``.

        Parameters
        ----------
        corpus : str, path, or iterable of str and paths
            The domain's text (a ``str`` is text; files as ``pathlib.Path``).
        y : None
            Ignored.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            On bad parameters, an empty corpus, or a background in another script than the
            corpus (Chinese against English, say).
        OSError
            When a file cannot be read.
        """
        self._check_params()
        for name in _FITTED:
            self.__dict__.pop(name, None)
        try:
            return self._fit(corpus)
        except BaseException:
            for name in _FITTED:  # a fit that fails leaves the model unfitted
                self.__dict__.pop(name, None)
            raise

    def _fit(self, corpus: Corpus) -> "DomainVocabulary":
        n_jobs = check_n_jobs(self.n_jobs)
        started = time.perf_counter()
        docs = read_documents(corpus, self.documents, name="corpus")
        docs = list(dict.fromkeys(docs))  # exact duplicates (templates, reposts) count once
        if not docs:
            raise ValueError("corpus: no text (the domain corpus is empty)")
        background = self._resolve_background(n_jobs)
        finder = WordFinder(self.method, min_count=self.min_count, n_jobs=self.n_jobs, verbose=self.verbose)
        finder.fit(docs)
        unit = finder.unit_
        vocabulary = finder.vocabulary_
        if not vocabulary:
            raise ValueError("corpus: no word reaches the frequency floor; give more text or a lower min_count")
        script = "cjk" if unit == "char" else "other"
        if background.script != script:
            raise ValueError(f"background: its text is {'Chinese/Japanese' if background.script == 'cjk' else 'not CJK'}"
                             f" but the domain corpus is {'Chinese/Japanese' if script == 'cjk' else 'not CJK'}; "
                             f"give a background in the corpus's language")
        t_words = time.perf_counter()

        words = list(vocabulary)
        tokenizer = Tokenizer(vocabulary, unit=unit)
        counts = tokenizer._core.count(docs, True, n_jobs)
        tokens = counts["tokens"].astype(float)
        occurrences = counts["occurrences"].astype(float)
        in_documents = counts["documents"].astype(float)
        ids = counts["ids"]
        n_units = int(counts["n_units"])
        t_count = time.perf_counter()

        min_length = self.min_length or (2 if unit == "char" else 1)
        min_count = self.min_count or finder.min_count_
        length = np.array([_n_units(w, unit) for w in words])
        candidate = np.flatnonzero((length >= min_length) & (tokens >= min_count))
        cand_words = [words[i] for i in candidate]
        bg = background.count(cand_words, n_jobs=n_jobs) if cand_words else np.zeros(0)
        scale = n_units / max(background.n_units, 1)
        contrast = background_contrast(tokens[candidate], bg, scale)
        t_background = time.perf_counter()

        # Filters.
        kept = np.ones(len(candidate), dtype=bool)
        kept &= in_documents[candidate] >= self.min_documents
        kept &= tokens[candidate] >= self.nested_ratio * occurrences[candidate]
        rate = background.standalone_rate
        edges = np.zeros(len(candidate))
        for j, w in enumerate(cand_words):
            units = _units(w, unit)
            if len(units) > 1:  # a one-unit term has no edge to judge
                edges[j] = max(rate(units[0]), rate(units[-1]))
        kept &= edges < self.function_rate
        topicality = np.zeros(len(candidate))
        if self.topicality_ratio > 0 and len(candidate):
            presence = _document_matrix(ids, len(words))
            by_count = np.argsort(-tokens, kind="stable")
            ranked = candidate[np.argsort(-contrast, kind="stable")]
            contexts = np.unique(np.concatenate([by_count[:_CONTEXTS], ranked[:_CONTEXTS]]))
            topical_all = context_topicality(presence, contexts)
            floor = self.topicality_ratio * float(np.median(topical_all[by_count[:100]]))
            topicality = topical_all[candidate]
            kept &= topicality >= floor
        t_filters = time.perf_counter()

        order = np.argsort(-contrast, kind="stable")
        order = order[kept[order]][: self.max_terms]
        self.unit_ = unit
        self.n_documents_ = len(docs)
        self.n_units_ = n_units
        self.background_ = background
        self.vocabulary_ = {w: int(t) for w, t in zip(words, tokens) if t > 0}
        self.statistics_ = {"term": np.array(cand_words, dtype=object), "tokens": tokens[candidate],
                            "occurrences": occurrences[candidate], "documents": in_documents[candidate],
                            "background": bg * scale, "contrast": contrast, "topicality": topicality,
                            "kept": kept}

        term_words = [cand_words[i] for i in order]
        labels = np.full(len(order), -1, dtype=np.int64)
        self.embedding_ = None
        self.clusters_ = []
        if (self.n_clusters is not None or self.expand_from is not None) and len(order) >= 2:
            self.embedding_ = self._embed(ids, words, tokens, min_count)
            if self.n_clusters is not None:
                labels = self._cluster(term_words)
        t_semantic = time.perf_counter()

        terms = [Term(w, float(contrast[i]), int(tokens[candidate[i]]), float(bg[i] * scale), int(labels[j]))
                 for j, (w, i) in enumerate(zip(term_words, order))]
        self.terms_ = terms
        if self.expand_from is not None:
            reached = {t for t, _, _ in self._expand(self.expand_from, "expand_from")}
            self.terms_ = [t for t in terms if t.term in reached]
        if self.verbose:
            logger.info("DomainVocabulary: %d documents, %d units; words %.2f s, counts %.2f s, background %.2f s, "
                        "filters %.2f s, vectors and clusters %.2f s; %d of %d candidates kept, %d clusters",
                        len(docs), n_units, t_words - started, t_count - t_words, t_background - t_count,
                        t_filters - t_background, t_semantic - t_filters, int(kept.sum()), len(candidate),
                        len(self.clusters_))
        return self

    def _embed(self, ids: np.ndarray, words: List[str], tokens: np.ndarray, min_count: int) -> Any:
        from unsup.text.ppmi_embedding import PPMIEmbedding

        keep = np.flatnonzero(tokens >= min_count)
        order = keep[np.argsort(-tokens[keep], kind="stable")][:_MAX_VECTORS]
        remap = np.full(len(words) + 1, -2, dtype=np.int32)
        remap[order] = np.arange(len(order), dtype=np.int32)
        remap[-1] = -1
        encoded = remap[ids]
        encoded = encoded[encoded != -2]
        model = PPMIEmbedding(window=self.window, min_count=1, n_components=self.n_components,
                              random_state=self.random_state, n_jobs=self.n_jobs, verbose=self.verbose)
        model._check_params()
        return model._fit_ids(encoded, [words[i] for i in order], tokens[order].astype(np.int64),
                              int(np.count_nonzero(ids >= 0)), time.perf_counter())

    def _cluster(self, term_words: List[str]) -> np.ndarray:
        from unsup.graph import InfoMap

        emb = self.embedding_
        rows = np.array([emb.vocabulary_.get(w, -1) for w in term_words])
        has = np.flatnonzero(rows >= 0)
        labels = np.full(len(term_words), -1, dtype=np.int64)
        if len(has) < 2:
            return labels
        graph = _knn_cosine_graph(emb.vectors_[rows[has]].astype(np.float64), self.n_neighbors, self.min_similarity)
        linked = np.flatnonzero(np.diff(graph.indptr) > 0)
        if len(linked) < 2:
            return labels
        sub = graph[linked][:, linked]
        model = InfoMap(affinity="precomputed", directed=False, random_state=check_seed(self.random_state),
                        n_jobs=self.n_jobs).fit(sub)
        raw = np.full(len(term_words), -1, dtype=np.int64)
        raw[has[linked]] = model.labels_
        # Clusters by their best-scored term (terms are in score order), singletons left out.
        sizes = np.bincount(model.labels_)
        order: Dict[int, int] = {}
        for j in range(len(term_words)):
            r = raw[j]
            if r >= 0 and sizes[r] >= 2 and r not in order:
                order[r] = len(order)
        limit = len(order) if self.n_clusters == "auto" else int(self.n_clusters)
        for j in range(len(term_words)):
            r = raw[j]
            if r >= 0 and r in order and order[r] < limit:
                labels[j] = order[r]
        self.clusters_ = [[] for _ in range(min(limit, len(order)))]
        for j, w in enumerate(term_words):
            if labels[j] >= 0:
                self.clusters_[labels[j]].append(w)
        return labels

    # -- results ----------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "terms_"):
            raise NotFittedError("this DomainVocabulary is not fitted yet: call fit(corpus) first")

    def top(self, k: int = 100) -> List[Term]:
        """The ``k`` best terms."""
        self._check_fitted()
        return self.terms_[: check_positive_int(k, "k")]

    def expand(self, seeds: Sequence[str], *, min_similarity: float = 0.6, max_similarity: float = 0.9,
               alpha: float = 0.35, max_depth: int = 10, n_neighbors: int = 40,
               centroid: bool = False) -> List[Tuple[str, float, int]]:
        """Grow a term set from seed terms, breadth first, through the word vectors.

        At depth ``k`` (the seeds' neighbours are depth 1) a neighbour ``w`` of a term of depth
        ``k - 1`` joins when its cosine similarity reaches

            min_similarity + (max_similarity - min_similarity) * (1 - exp(-alpha * k)),

        a threshold that rises with the distance from the seeds, so the set stops drifting
        away from them (Su's expansion). With ``centroid=True`` a candidate's similarity is
        measured to the centroid of the set found so far instead of to its parent.

        Parameters
        ----------
        seeds : sequence of str
            Terms to start from; at least one must have a vector.
        min_similarity, max_similarity, alpha : float, default=0.6, 0.9, 0.35
            Threshold at depth ``k`` (see above).
        max_depth : int, default=10
            Stop after this many steps.
        n_neighbors : int, default=40
            Neighbours of each term that are examined.
        centroid : bool, default=False
            Compare to the set's centroid instead of the parent term.

        Returns
        -------
        list of (term, similarity, depth)
            The seeds (similarity 1, depth 0) and the terms reached, in the order found. Only
            words of the domain's vector vocabulary are reached; they need not be in
            ``terms_``.
        """
        self._check_fitted()
        return self._expand(seeds, "seeds", min_similarity=min_similarity, max_similarity=max_similarity,
                            alpha=alpha, max_depth=max_depth, n_neighbors=n_neighbors, centroid=centroid)

    def _expand(self, seeds: Sequence[str], name: str, *, min_similarity: float = 0.6, max_similarity: float = 0.9,
                alpha: float = 0.35, max_depth: int = 10, n_neighbors: int = 40,
                centroid: bool = False) -> List[Tuple[str, float, int]]:
        _check_seeds(seeds, name)
        lo = check_real(min_similarity, "min_similarity", -1.0, 1.0)
        hi = check_real(max_similarity, "max_similarity", -1.0, 1.0)
        a = check_real(alpha, "alpha", 0.0)
        max_depth = check_positive_int(max_depth, "max_depth")
        k = check_positive_int(n_neighbors, "n_neighbors")
        emb = self.embedding_
        if emb is None:
            raise ValueError("expand needs word vectors: fit with n_clusters other than None, or with expand_from")
        unit = emb._unit()
        known = [s for s in seeds if s in emb.vocabulary_]
        if not known:
            raise ValueError(f"{name}: none of {list(seeds)[:5]} is in the domain's vocabulary (words seen at least "
                             f"min_count times)")
        found: Dict[str, Tuple[float, int]] = {s: (1.0, 0) for s in known}
        frontier = [emb.vocabulary_[s] for s in known]
        members = list(frontier)
        for depth in range(1, max_depth + 1):
            threshold = lo + (hi - lo) * (1.0 - math.exp(-a * depth))
            reference = unit[members].mean(axis=0) if centroid else None
            if reference is not None:
                reference /= max(np.linalg.norm(reference), 1e-12)
            new: List[int] = []
            for row in frontier:
                sims = unit @ unit[row]
                top = np.argpartition(-sims, min(k, len(sims) - 1))[: k + 1]
                for j in top[np.argsort(-sims[top], kind="stable")]:
                    word = emb.words_[j]
                    if word in found:
                        continue
                    sim = float(unit[j] @ reference) if reference is not None else float(sims[j])
                    if sim >= threshold:
                        found[word] = (sim, depth)
                        new.append(int(j))
            if not new:
                break
            frontier = new
            members.extend(new)
        return [(w, s, d) for w, (s, d) in found.items()]

    def to_tokenizer(self, **kwargs: Any) -> Tokenizer:
        """A unigram tokenizer over the domain's words (``vocabulary_``), terms included."""
        self._check_fitted()
        return Tokenizer(self.vocabulary_, unit=self.unit_, **kwargs)

    def __repr__(self) -> str:
        params = {"method": self.method, "n_clusters": self.n_clusters}
        bg = self.background if isinstance(self.background, str) else type(self.background).__name__
        return f"DomainVocabulary(background={bg!r}, " + ", ".join(f"{k}={v!r}" for k, v in params.items()) + ")"


def _check_seeds(seeds: Any, name: str) -> None:
    if isinstance(seeds, str) or not isinstance(seeds, Iterable):
        raise TypeError(f"{name} must be a sequence of str (e.g. ['酒店', '房间']), got {type(seeds).__name__}")
    seeds = list(seeds)
    if not seeds or not all(isinstance(s, str) and s for s in seeds):
        raise ValueError(f"{name} must hold at least one non-empty str")


def _document_matrix(ids: np.ndarray, n_words: int) -> sp.csr_array:
    """(documents x words) token counts from an id stream with -1 after each document."""
    ends = np.flatnonzero(ids < 0)
    doc = np.cumsum(np.concatenate([[0], (ids[:-1] < 0).astype(np.int64)])) if len(ids) else np.zeros(0, np.int64)
    keep = ids >= 0
    return sp.csr_array((np.ones(int(keep.sum())), (doc[keep], ids[keep])), shape=(len(ends), n_words))
