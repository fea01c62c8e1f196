"""Memory caps: counts spilled to temporary files give the same statistics and words."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from unsup import _core
from unsup.datasets import planted_lexicon_corpus
from unsup.text import WordFinder, ngram_statistics
from unsup.utils.memory import parse_bytes

METHODS = ["ngram_linkage", "pmi_cut", "entropy"]


@pytest.fixture(scope="module")
def text():
    # Over 2^18 units: replays read it in more than one block, so spills happen between blocks.
    documents, _ = planted_lexicon_corpus(n_documents=4000, seed=3)
    return "\n".join(documents).encode()


def assert_same(a, b):
    assert a.keys() == b.keys()
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, np.ndarray) and x.dtype.kind == "f":
            np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12, err_msg=key)  # sums in another order
        elif isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=key)
        else:
            assert x == y, key


def feed_in_pieces(counter, data, piece=5000):
    for start in range(0, len(data), piece):
        counter.feed(data[start:start + piece])
    counter.end_document()


@pytest.mark.parametrize("neighbours", [True, False])
def test_ngram_counter_spilled_statistics_are_exact(text, neighbours):
    whole = _core.text.NgramCounter(4, "char", "replace", neighbours)
    feed_in_pieces(whole, text)
    spilled = _core.text.NgramCounter(4, "char", "replace", neighbours, table_budget=1 << 16)
    feed_in_pieces(spilled, text)
    assert whole.spilled_bytes == 0
    assert spilled.spilled_bytes > 4 * len(text)  # spilled many times over
    for min_count in (1, 5):
        assert_same(whole.statistics(min_count), spilled.statistics(min_count))
    # Counting goes on after reading the statistics, the spilled counts included.
    feed_in_pieces(whole, text[:50000])
    feed_in_pieces(spilled, text[:50000])
    assert_same(whole.statistics(3), spilled.statistics(3))


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_frequent_and_fragment_counters_spill_to_the_same_counts(text, n_jobs):
    def run(budget):
        counter = _core.text.FrequentNgramCounter(4, "char", "replace", 1 << 16, keep_stream=True, n_jobs=n_jobs,
                                                  pair_budget=1 << 12, table_budget=budget)
        feed_in_pieces(counter, text)
        counter.start_second_pass(3)
        counter.replay()
        ids, length = counter.cohesive(3, [0, 2, 4, 6])
        fragments = _core.text.FragmentCounter(counter, 8)
        fragments.keep(ids, length)
        fragments.limit_memory(budget, 3)
        fragments.replay(counter, n_jobs)
        return counter, fragments, counter.statistics(3), fragments.fragments(3)

    plain = run(0)
    capped = run(1 << 14)
    with pytest.raises(ValueError, match="floor"):
        capped[1].fragments(2)  # counts below the floor may have been dropped
    assert plain[0].spilled_bytes == plain[1].spilled_bytes == 0
    assert capped[0].spilled_bytes > 0 and capped[1].spilled_bytes > 0
    assert_same(plain[2], capped[2])
    assert_same(plain[3], capped[3])


def test_fed_second_pass_spills_and_needs_its_end(text):
    def run(budget):
        counter = _core.text.FrequentNgramCounter(4, "char", "replace", 1 << 16, pair_budget=1 << 12,
                                                  table_budget=budget)
        feed_in_pieces(counter, text)
        counter.start_second_pass(4)
        feed_in_pieces(counter, text)
        return counter

    plain, capped = run(0), run(1 << 14)
    assert capped.spilled_bytes > 0
    with pytest.raises(ValueError, match="end_second_pass"):
        capped.statistics(4)
    capped.end_second_pass()
    plain.end_second_pass()
    assert_same(plain.statistics(4), capped.statistics(4))
    with pytest.raises(ValueError, match="ended"):
        feed_in_pieces(capped, text[:100])


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_word_finder_under_a_tiny_cap_finds_the_same_words(text, method, n_jobs, caplog):
    corpus = text.decode().split("\n")
    free = WordFinder(method, n_jobs=n_jobs).fit(corpus)
    with caplog.at_level(logging.INFO, logger="unsup"):
        capped = WordFinder(method, n_jobs=n_jobs, max_memory="1MB").fit(corpus)
    assert "spilled to temporary files" in caplog.text
    assert capped.vocabulary_ == free.vocabulary_
    assert capped.words_ == free.words_
    for key in free.statistics_:
        np.testing.assert_allclose(capped.statistics_[key], free.statistics_[key], rtol=1e-12)


def test_ngram_statistics_under_a_cap(text):
    corpus = text.decode()[:200000]
    a = ngram_statistics(corpus, 3, min_count=2)
    b = ngram_statistics(corpus, 3, min_count=2, max_memory=1 << 15)
    assert a.ngrams == b.ngrams
    np.testing.assert_array_equal(a.count, b.count)
    np.testing.assert_allclose(a.left_entropy, b.left_entropy, rtol=1e-12)


def test_spill_files_follow_tmpdir(text, tmp_path, monkeypatch):
    missing = tmp_path / "missing"
    monkeypatch.setenv("TMPDIR", str(missing))
    counter = _core.text.NgramCounter(2, "char", "replace", True, table_budget=1 << 12)
    with pytest.raises(RuntimeError, match="missing"):
        feed_in_pieces(counter, text)


@pytest.mark.parametrize("value, expected", [
    (1024, 1024), ("1GB", 10 ** 9), ("512MiB", 512 << 20), ("1.5G", 1_500_000_000), (" 64 kb ", 64000), ("7", 7)])
def test_parse_bytes(value, expected):
    assert parse_bytes(value, "max_memory") == expected


@pytest.mark.parametrize("value", [0, -5, "", "1XB", "GB", "-1GB", True, 1.5, None])
def test_parse_bytes_rejects(value):
    with pytest.raises(ValueError, match="max_memory"):
        parse_bytes(value, "max_memory")
    if value is not None:
        with pytest.raises(ValueError, match="max_memory"):
            WordFinder(max_memory=value).fit(["一二三"])


def test_resume_needs_a_recorded_first_pass():
    plain = _core.text.FrequentNgramCounter(2, "char", "replace", 1 << 16)
    plain.feed("一二三".encode())
    plain.start_second_pass(1)
    with pytest.raises(ValueError, match="keep its stream"):
        _core.text.FrequentNgramCounter.resume(plain)
    recording = _core.text.FrequentNgramCounter(2, "char", "replace", 1 << 16, keep_stream=True)
    with pytest.raises(ValueError, match="first pass"):
        _core.text.FrequentNgramCounter.resume(recording)
