"""The C++ lexicon counter (``Tokenizer._core.count``) against a brute-force Python reference.

``count(documents, emit_ids, n_jobs)`` returns, per word of the tokenizer's lexicon (in the
order given to it): ``occurrences`` (substring matches inside runs of units, overlapping and
nested ones included), ``tokens`` (times the unigram segmentation cuts the word out),
``documents`` (documents holding at least one such token), the token-id stream ``ids`` (-1
after every document) and ``n_units``. The reference computes each from ``str`` operations and
``Tokenizer.tokenize``.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from unsup.text import Tokenizer

ALPHABET = "甲乙丙丁戊己"
BREAKS = "， "  # punctuation and whitespace end a run of units in "char" mode


def random_lexicon(rng, n_words=14):
    words = {}
    while len(words) < n_words:
        word = "".join(rng.choice(list(ALPHABET), size=int(rng.integers(1, 4))))
        words[word] = int(rng.integers(1, 30))
    return words


def random_documents(rng, n_documents, max_length=30):
    symbols = list(ALPHABET) * 4 + list(BREAKS)
    return ["".join(rng.choice(symbols, size=int(rng.integers(0, max_length + 1)))) for _ in range(n_documents)]


def overlapping(run, word):
    return sum(run.startswith(word, i) for i in range(len(run)))


def reference(vocabulary, documents):
    """The counts by brute force: runs cut at punctuation/whitespace, tokens from tokenize()."""
    words = list(vocabulary)
    index = {w: i for i, w in enumerate(words)}
    tokenizer = Tokenizer(vocabulary, unit="char")
    occurrences = np.zeros(len(words), dtype=np.int64)
    tokens = np.zeros(len(words), dtype=np.int64)
    in_documents = np.zeros(len(words), dtype=np.int64)
    ids = []
    n_units = 0
    for doc in documents:
        runs = [r for r in re.split(f"[{BREAKS}]", doc) if r]
        n_units += sum(map(len, runs))
        for i, w in enumerate(words):
            occurrences[i] += sum(overlapping(r, w) for r in runs)
        cut = [t for t in tokenizer.tokenize(doc) if t in index]
        for t in cut:
            tokens[index[t]] += 1
        for t in set(cut):
            in_documents[index[t]] += 1
        ids.extend(index[t] for t in cut)
        ids.append(-1)
    return {"occurrences": occurrences, "tokens": tokens, "documents": in_documents,
            "ids": np.array(ids, dtype=np.int32), "n_units": n_units}


def assert_same_counts(got, expected, keys=("occurrences", "tokens", "documents", "ids", "n_units")):
    for key in keys:
        np.testing.assert_array_equal(np.asarray(got[key]), np.asarray(expected[key]), err_msg=key)


@pytest.mark.parametrize("seed", range(6))
def test_counts_match_the_reference(seed):
    rng = np.random.default_rng(seed)
    vocabulary = random_lexicon(rng)
    documents = random_documents(rng, 60)
    got = Tokenizer(vocabulary, unit="char")._core.count(documents, True, 1)
    assert set(got) == {"occurrences", "tokens", "documents", "ids", "n_units"}
    assert got["ids"].dtype == np.int32 and got["occurrences"].shape == (len(vocabulary),)
    assert_same_counts(got, reference(vocabulary, documents))


def test_a_small_case_by_hand():
    vocabulary = {"甲乙": 5, "乙丙": 2, "甲": 1, "丙丁戊": 1}
    got = Tokenizer(vocabulary, unit="char")._core.count(["甲乙丙，丁戊甲乙", "乙丙丁戊", "", "甲乙 甲"], True, 1)
    # 甲乙 three times, 乙丙 twice (once inside 甲乙丙); 丙丁戊 once: "丙，丁戊" does not match across the comma.
    np.testing.assert_array_equal(got["occurrences"], [3, 2, 4, 1])
    # Segmentations: 甲乙|丙 ， 丁|戊|甲乙 / 乙|丙丁戊 / (empty) / 甲乙 甲.
    np.testing.assert_array_equal(got["tokens"], [3, 0, 1, 1])
    np.testing.assert_array_equal(got["documents"], [2, 0, 1, 1])
    np.testing.assert_array_equal(got["ids"], [0, 0, -1, 3, -1, -1, 0, 2, -1])
    assert got["n_units"] == 3 + 4 + 4 + 0 + 3


def test_threads_and_blocks_do_not_change_the_counts():
    # Blocks hold 512 documents: 1300 documents are three blocks, spread over up to three workers.
    rng = np.random.default_rng(7)
    vocabulary = random_lexicon(rng, 20)
    documents = random_documents(rng, 1300, max_length=12)
    tokenizer = Tokenizer(vocabulary, unit="char")
    expected = reference(vocabulary, documents)
    for n_jobs in (1, 2, 3):
        got = tokenizer._core.count(documents, True, n_jobs)
        assert_same_counts(got, expected)
        assert int(np.count_nonzero(got["ids"] == -1)) == len(documents)


def test_documents_count_a_word_once_per_document_across_blocks():
    # The same document repeated over block boundaries: every copy is a document of its own.
    documents = ["甲乙甲乙丙"] * 1030
    got = Tokenizer({"甲乙": 3, "丙": 1}, unit="char")._core.count(documents, False, 2)
    np.testing.assert_array_equal(got["tokens"], [2060, 1030])
    np.testing.assert_array_equal(got["documents"], [1030, 1030])
    assert got["ids"].size == 0  # emit_ids=False: no stream


def test_duplicate_and_skipped_words_keep_their_positions():
    # A duplicate's later position and a word that is not one run of units stay at zero.
    tokenizer = Tokenizer(["甲乙", "甲，乙", "丙", "甲乙"], unit="char")
    assert tokenizer.n_skipped == 1
    got = tokenizer._core.count(["甲乙丙，甲乙"], True, 1)
    np.testing.assert_array_equal(got["occurrences"], [2, 0, 1, 0])
    np.testing.assert_array_equal(got["tokens"], [2, 0, 1, 0])
    np.testing.assert_array_equal(got["ids"], [0, 2, 0, -1])


def test_letters_and_digits_are_one_unit():
    tokenizer = Tokenizer({"甲乙": 2, "abc": 1}, unit="char")
    got = tokenizer._core.count(["甲乙abc甲", "ABC 12"], True, 1)
    assert tokenizer.tokenize("甲乙abc甲") == ["甲乙", "abc", "甲"]
    assert got["n_units"] == 4 + 2  # 甲 乙 abc 甲 / ABC 12
    np.testing.assert_array_equal(got["ids"], [0, 1, -1, -1])  # "ABC" is not "abc"


def test_no_documents():
    got = Tokenizer({"甲乙": 1}, unit="char")._core.count([], True, 2)
    assert got["n_units"] == 0 and got["ids"].size == 0
    np.testing.assert_array_equal(got["tokens"], [0])


def test_lone_surrogates_and_non_str_raise():
    tokenizer = Tokenizer({"甲乙": 1}, unit="char")
    with pytest.raises(UnicodeEncodeError, match="surrogates not allowed"):
        tokenizer._core.count(["甲乙", "甲\ud800乙"], True, 1)
    with pytest.raises(TypeError, match="str"):
        tokenizer._core.count(["甲乙", b"\xe7\x94\xb2"], True, 1)
    with pytest.raises(ValueError, match="surrogate"):
        Tokenizer({"甲\udc00": 1})
