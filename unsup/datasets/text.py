"""Generated text with known words (or known synonyms), for examples, tests and the demo (nothing is downloaded)."""

from __future__ import annotations

from typing import List, Tuple

import numpy as np

from unsup.utils.validation import check_positive_int, check_real, check_seed

__all__ = ["planted_domain_corpus", "planted_lexicon_corpus", "synonym_corpus"]


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


def planted_domain_corpus(n_background_documents: int = 3000, n_domain_documents: int = 1500, n_groups: int = 5,
                          terms_per_group: int = 8, n_words: int = 600, words_per_document: int = 40,
                          terms_per_document: int = 5, background_term_rate: float = 0.01,
                          alphabet_size: int = 800, term_alphabet_size: int = 400, zipf_exponent: float = 1.05,
                          seed: int = 0) -> Tuple[List[str], List[str], List[str], List[List[str]]]:
    """A general-language corpus and a domain corpus with planted domain terms in topic groups.

    A general lexicon of ``n_words`` words of 1-4 characters is built as in
    :func:`planted_lexicon_corpus` from the first ``alphabet_size`` CJK ideographs (U+4E00 on),
    with Zipf probabilities; both corpora are written with it. The domain terms are
    ``n_groups * terms_per_group`` strings of 2-4 characters drawn without replacement from the
    next ``term_alphabet_size`` ideographs: disjoint from the lexicon's, so no term is a general
    word or a string of general words, and no two terms share a character (a term's characters
    occur only inside it). They are split into ``n_groups`` topic groups.

    Each domain document picks one group uniformly and writes ``words_per_document`` general
    words with ``terms_per_document`` terms of its group (uniform within the group, with
    repetition) inserted at random positions: the terms are over-represented in the domain and
    co-occur with the terms of their group. Each background document writes
    ``words_per_document`` general words; a share ``background_term_rate`` of them also holds
    one random domain term (general language mentions a domain's terms, rarely). Documents
    hold no spaces or punctuation.

    Parameters
    ----------
    n_background_documents : int, default=3000
        Documents of the general-language corpus (may be 0).
    n_domain_documents : int, default=1500
        Documents of the domain corpus (at least 1).
    n_groups, terms_per_group : int, default=5, 8
        Topic groups, and planted terms per group.
    n_words : int, default=600
        Words of the general lexicon.
    words_per_document, terms_per_document : int, default=40, 5
        General words of every document; terms added to each domain document.
    background_term_rate : float, default=0.01
        Share of the background documents that hold one domain term, in [0, 1].
    alphabet_size : int, default=800
        Ideographs of the general lexicon (4 to 20000).
    term_alphabet_size : int, default=400
        Ideographs the terms are drawn from: at least ``4 * n_groups * terms_per_group``; with
        ``alphabet_size`` at most 20992 (the CJK Unified Ideographs block).
    zipf_exponent : float, default=1.05
        Of the general lexicon's word probabilities.
    seed : int, default=0
        Seed of the generator: the same seed gives the same corpora.

    Returns
    -------
    background_documents : list of str
    domain_documents : list of str
    domain_terms : list of str
        The planted terms, group by group (``sum(term_groups, [])``).
    term_groups : list of list of str
        The terms of each topic group.

    Examples
    --------
    >>> from unsup.datasets import planted_domain_corpus
    >>> background, domain, terms, groups = planted_domain_corpus(n_background_documents=10,
    ...                                                           n_domain_documents=10)
    >>> len(terms) == 5 * 8 and all(2 <= len(t) <= 4 for t in terms)
    True
    """
    n_background_documents = check_positive_int(n_background_documents, "n_background_documents", minimum=0)
    n_domain_documents = check_positive_int(n_domain_documents, "n_domain_documents")
    n_groups = check_positive_int(n_groups, "n_groups")
    terms_per_group = check_positive_int(terms_per_group, "terms_per_group")
    words_per_document = check_positive_int(words_per_document, "words_per_document")
    terms_per_document = check_positive_int(terms_per_document, "terms_per_document")
    background_term_rate = check_real(background_term_rate, "background_term_rate", 0.0, 1.0)
    n_terms = n_groups * terms_per_group
    term_alphabet_size = check_positive_int(term_alphabet_size, "term_alphabet_size", minimum=4 * n_terms)
    rng = np.random.default_rng(check_seed(seed, "seed"))
    # The general lexicon: validated and drawn by planted_lexicon_corpus's own rules.
    _, lexicon = planted_lexicon_corpus(n_words=n_words, n_documents=0, alphabet_size=alphabet_size,
                                        zipf_exponent=zipf_exponent, seed=int(rng.integers(2 ** 31)))
    if alphabet_size + term_alphabet_size > 20992:
        raise ValueError(f"alphabet_size + term_alphabet_size must be at most 20992 (the CJK Unified Ideographs "
                         f"block), got {alphabet_size + term_alphabet_size}")
    p = 1.0 / np.arange(1, len(lexicon) + 1) ** float(zipf_exponent)
    p /= p.sum()
    first = 0x4E00 + alphabet_size
    characters = [chr(first + int(i)) for i in rng.permutation(term_alphabet_size)[:4 * n_terms]]
    lengths = rng.integers(2, 5, size=n_terms).tolist()
    ends = np.cumsum(lengths).tolist()
    terms = ["".join(characters[e - n:e]) for n, e in zip(lengths, ends)]
    groups = [terms[g * terms_per_group:(g + 1) * terms_per_group] for g in range(n_groups)]

    def general(n_documents: int) -> List[List[str]]:
        ids = rng.choice(len(lexicon), size=(n_documents, words_per_document), p=p)
        return [[lexicon[i] for i in row] for row in ids.tolist()]

    domain: List[str] = []
    topics = rng.integers(n_groups, size=n_domain_documents).tolist()
    for words, g in zip(general(n_domain_documents), topics):
        for j in rng.integers(terms_per_group, size=terms_per_document).tolist():
            words.insert(int(rng.integers(len(words) + 1)), groups[g][j])
        domain.append("".join(words))
    background: List[str] = []
    leaks = (rng.random(n_background_documents) < background_term_rate).tolist()
    for words, leak in zip(general(n_background_documents), leaks):
        if leak:
            words.insert(int(rng.integers(len(words) + 1)), terms[int(rng.integers(n_terms))])
        background.append("".join(words))
    return background, domain, terms, groups


def synonym_corpus(n_groups: int = 40, group_size: int = 8, n_sentences: int = 20000, sentence_length: int = 12,
                   n_successors: int = 4, seed: int = 0) -> Tuple[List[List[str]], List[List[str]]]:
    """Sentences of made-up words that come in groups of exact synonyms.

    A sentence is a walk on the groups: it starts at a random group, and each group is
    followed by one of its ``n_successors`` successor groups (drawn once, with random
    probabilities). Each position then writes a word of its group, drawn from the group's own
    word frequencies (Dirichlet, so some synonyms are several times rarer than others). The
    words of a group are thus interchangeable in every context and differ only in frequency:
    their context distributions are the same, and word vectors should put them next to each
    other. Sentence lengths are uniform in ``[sentence_length // 2, 3 * sentence_length // 2]``.

    Parameters
    ----------
    n_groups, group_size, n_sentences, sentence_length, n_successors : int
    seed : int

    Returns
    -------
    sentences : list of list of str
    groups : list of list of str
        The words of each group (``n_groups`` lists of ``group_size`` distinct lowercase words).
    """
    n_groups = check_positive_int(n_groups, "n_groups", minimum=2)
    group_size = check_positive_int(group_size, "group_size")
    n_sentences = check_positive_int(n_sentences, "n_sentences", minimum=0)
    sentence_length = check_positive_int(sentence_length, "sentence_length", minimum=2)
    n_successors = check_positive_int(n_successors, "n_successors", maximum=n_groups)
    rng = np.random.default_rng(check_seed(seed, "seed"))
    # Pronounceable distinct words: 2-4 consonant-vowel syllables.
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    words: List[str] = []
    seen = set()
    while len(words) < n_groups * group_size:
        n_syllables = int(rng.integers(2, 5))
        word = "".join(consonants[int(rng.integers(len(consonants)))] + vowels[int(rng.integers(len(vowels)))]
                       for _ in range(n_syllables))
        if word not in seen:
            seen.add(word)
            words.append(word)
    groups = [words[g * group_size:(g + 1) * group_size] for g in range(n_groups)]
    successors = np.stack([rng.choice(n_groups, size=n_successors, replace=False) for _ in range(n_groups)])
    step_cdf = np.cumsum(rng.dirichlet(np.ones(n_successors), size=n_groups), axis=1)
    word_cdf = np.cumsum(rng.dirichlet(np.full(group_size, 2.0), size=n_groups), axis=1)

    def pick(cdf: np.ndarray) -> np.ndarray:  # one index per row of cdf
        return np.minimum((rng.random((cdf.shape[0], 1)) > cdf).sum(axis=1), cdf.shape[1] - 1)

    longest = 3 * sentence_length // 2
    state = rng.integers(n_groups, size=n_sentences)
    word_ids = np.empty((n_sentences, longest), dtype=np.int64)
    for t in range(longest):
        word_ids[:, t] = state * group_size + pick(word_cdf[state])
        state = successors[state, pick(step_cdf[state])]
    lengths = rng.integers(sentence_length // 2, longest + 1, size=n_sentences)
    sentences = [[words[i] for i in row[:n]] for row, n in zip(word_ids.tolist(), lengths.tolist())]
    return sentences, groups
