"""Generated text with known words (or known synonyms), for examples, tests and the demo (nothing is downloaded)."""

from __future__ import annotations

from typing import List, Tuple

import numpy as np

from unsup.utils.validation import check_positive_int, check_real, check_seed

__all__ = ["planted_lexicon_corpus", "synonym_corpus"]


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
