"""WordFinder: planted-lexicon recovery, exact counting shortcuts, corpus forms, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from unsup import _core
from unsup.text import WordFinder
from unsup.text.word_finder import auto_min_count, auto_min_entropy

METHODS = ["ngram_linkage", "pmi_cut", "entropy"]


@pytest.mark.parametrize("method", METHODS)
def test_planted_lexicon_is_recovered(planted, method):
    documents, lexicon = planted
    finder = WordFinder(method).fit(documents)
    planted_words = set(lexicon)
    top = [w for w, _ in finder.top(100)]
    precision = np.mean([w in planted_words for w in top])
    # The 100 most frequent multi-character finds are planted words.
    assert precision >= 0.98, [w for w in top if w not in planted_words]
    frequent = [w for w in lexicon[:300] if len(w) > 1]
    found = set(finder.words_)
    assert np.mean([w in found for w in frequent]) >= 0.95


def test_default_method_tokenizes_the_planted_corpus(planted):
    documents, lexicon = planted
    finder = WordFinder().fit(documents[:1000])
    tokens = finder.to_tokenizer().tokenize_many(documents[1000:1100])
    planted_words = set(lexicon)
    assert np.mean([t in planted_words for doc in tokens for t in doc]) >= 0.95


def test_fitted_attributes_are_aligned(planted):
    documents, _ = planted
    finder = WordFinder().fit(documents)
    m = len(finder.words_)
    assert m > 0 and all(len(v) == m for v in finder.statistics_.values())
    freq = finder.statistics_["frequency"]
    assert np.all(np.diff(freq) <= 0)
    assert all(finder.vocabulary_[w] == f for w, f in zip(finder.words_, freq))
    assert np.isfinite(finder.statistics_["cohesion"]).mean() > 0.9  # words up to max_n units
    assert finder.top(3) == list(zip(finder.words_[:3], freq[:3].tolist()))
    assert finder.unit_ == "char" and finder.min_count_ == auto_min_count(finder.n_units_)


def test_pmi_cut_scores_its_two_unit_words(planted):
    documents, _ = planted
    finder = WordFinder("pmi_cut").fit(documents)
    two = np.array([len(w) == 2 for w in finder.words_])
    cohesion = finder.statistics_["cohesion"]
    assert two.any() and np.isfinite(cohesion[two]).all() and np.isnan(cohesion[~two]).all()
    assert (cohesion[two] >= finder.min_pmi).all()  # they held together: PMI >= min_pmi


def test_corpus_forms_give_the_same_words(planted, tmp_path):
    documents, _ = planted
    documents = documents[:400]
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(documents), encoding="utf-8")
    for method in METHODS:
        reference = WordFinder(method, min_count=3).fit(documents).vocabulary_
        assert WordFinder(method, min_count=3).fit(iter(documents)).vocabulary_ == reference  # one-shot
        assert WordFinder(method, min_count=3).fit(path).vocabulary_ == reference
        assert WordFinder(method, min_count=3).fit([path]).vocabulary_ == reference
        assert WordFinder(method, min_count=3).fit(iter([path])).vocabulary_ == reference


@pytest.mark.parametrize("method", ["ngram_linkage", "pmi_cut"])
def test_threads_do_not_change_the_result(planted, method):
    documents, _ = planted
    one = WordFinder(method, n_jobs=1).fit(documents)
    two = WordFinder(method, n_jobs=2).fit(documents)
    assert one.words_ == two.words_ and one.vocabulary_ == two.vocabulary_
    np.testing.assert_array_equal(one.statistics_["cohesion"], two.statistics_["cohesion"])


def test_empty_corpus():
    for corpus in ([], "", ["", "  ", "，。"]):
        finder = WordFinder().fit(corpus)
        assert finder.words_ == [] and finder.vocabulary_ == {} and finder.top(5) == []


def _planted_text_and_exact_statistics(planted, n_documents, min_count):
    """The first documents of the planted corpus as UTF-8, and their statistics counted by the
    plain (every n-gram) counter: the reference of the sketch counter."""
    documents, _ = planted
    text = "\n".join(documents[:n_documents]).encode()
    exact = _core.text.NgramCounter(4, "char", "replace", False)
    exact.feed(text)
    exact.end_document()
    return text, exact.statistics(min_count)


def test_frequent_counter_is_exact(planted):
    """Pass 2 of the sketch counter gives the exact statistics of every n-gram >= min_count,
    whatever the sketch size (collisions only cost memory) and the number of threads."""
    text, reference = _planted_text_and_exact_statistics(planted, 300, 5)
    for cells, n_jobs, pair_budget in ((1 << 16, 1, 1 << 26), (1 << 22, 1, 1 << 26), (1 << 16, 2, 1 << 26),
                                       (1 << 16, 1, 0), (1 << 16, 2, 0)):  # budget 0: pairs in the sketch
        counter = _core.text.FrequentNgramCounter(4, "char", "replace", cells, n_jobs=n_jobs, pair_budget=pair_budget)
        for start in range(0, len(text), 777):  # chunks cut through characters
            counter.feed(text[start:start + 777])
        counter.end_document()
        counter.start_second_pass(5)
        for start in range(0, len(text), 1 << 20):
            counter.feed(text[start:start + (1 << 20)])
        counter.end_document()
        stats = counter.statistics(5)
        assert counter.pairs_in_sketch == (pair_budget == 0)
        assert stats["ngrams"] == reference["ngrams"]
        np.testing.assert_array_equal(stats["count"], reference["count"])
        np.testing.assert_allclose(stats["cohesion"], reference["cohesion"], equal_nan=True)
        ids, length = counter.cohesive(5, [0.0, 2.0, 4.0, 6.0])
        theta = np.array([0.0, 2.0, 4.0, 6.0])
        expected = (reference["length"] >= 2) & (reference["cohesion"] >= theta[reference["length"] - 1])
        kept = {"".join(counter.unit_texts(row[:n])) for row, n in zip(ids, length)}
        assert len(kept) == len(length) and kept == {reference["ngrams"][i] for i in np.flatnonzero(expected)}
    with pytest.raises(ValueError, match="below"):
        counter.statistics(4)


def test_fragments_match_a_python_cut():
    counter = _core.text.NgramCounter(2, "char", "replace", False)
    text = "甲乙丙甲乙丁，甲乙丙"
    counter.feed(text.encode())
    counter.end_document()
    stats = counter.statistics(1)
    fragments = _core.text.FragmentCounter(counter, 8)
    keep = [i for i, w in enumerate(stats["ngrams"]) if w in ("甲乙", "乙丙")]
    fragments.keep(stats["ids"][keep], stats["length"][keep])
    fragments.feed(text.encode())
    fragments.end_document()
    found = fragments.fragments(1)
    assert dict(zip(found["texts"], found["count"].tolist())) == {"甲乙丙": 2, "甲乙": 1, "丁": 1}


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_queries_in_the_middle_of_a_run_do_not_cut_it(planted, n_jobs):
    """Pass 1 counts whole runs in batches (in the background with several threads): asking for
    the unit count between two pieces of one run must neither cut the run nor lose units."""
    text, reference = _planted_text_and_exact_statistics(planted, 200, 3)
    counter = _core.text.FrequentNgramCounter(4, "char", "replace", 1 << 16, n_jobs=n_jobs)
    seen = 0
    for start in range(0, len(text), 301):  # pieces end inside runs and inside characters
        counter.feed(text[start:start + 301])
        assert counter.n_units >= seen
        seen = counter.n_units
    counter.end_document()
    assert counter.n_units == reference["n_units"]
    counter.start_second_pass(3)
    counter.feed(text)
    counter.end_document()
    stats = counter.statistics(3)
    assert stats["ngrams"] == reference["ngrams"]
    np.testing.assert_array_equal(stats["count"], reference["count"])


def _python_linkage_cut(runs, kept, max_length, window):
    """Reference: t and t + 1 stay linked when a kept n-gram covers both; count the pieces
    of at most max_length units whose every window-unit window is kept (the piece itself when
    shorter; window 0: every piece)."""
    counts = {}
    for run in runs:
        n = len(run)
        link = [False] * n
        for s in range(n):
            for e in range(s + 2, n + 1):
                if run[s:e] in kept:
                    for t in range(s, e - 1):
                        link[t] = True
        start = 0
        for t in range(n):
            if t + 1 < n and link[t]:
                continue
            piece = run[start:t + 1]
            start = t + 1
            if len(piece) > max_length:
                continue
            if window and len(piece) >= 2:
                if len(piece) <= window:
                    if piece not in kept:
                        continue
                elif any(piece[i:i + window] not in kept for i in range(len(piece) - window + 1)):
                    continue
            counts[piece] = counts.get(piece, 0) + 1
    return counts


@pytest.mark.parametrize("window", [0, 2, 3])
def test_linkage_cut_matches_a_python_reference(window):
    rng = np.random.default_rng(window)
    alphabet = "甲乙丙丁戊己"
    runs = ["".join(rng.choice(list(alphabet), size=rng.integers(1, 40))) for _ in range(300)]
    text = "\n".join(runs)
    counter = _core.text.FrequentNgramCounter(4, "char", "replace", 1 << 16, keep_stream=True)
    counter.feed(text.encode())
    counter.start_second_pass(1)
    counter.replay()
    stats = counter.statistics(1)
    grams = [w for w in stats["ngrams"] if len(w) >= 2]
    kept = set(rng.choice(grams, size=len(grams) // 6, replace=False).tolist())
    rows = [i for i, w in enumerate(stats["ngrams"]) if w in kept]
    expected = _python_linkage_cut(runs, kept, 8, window)
    for how in ("feed", "replay1", "replay2"):
        fragments = _core.text.FragmentCounter(counter, 8)
        fragments.keep(stats["ids"][rows], stats["length"][rows])
        fragments.count_only_kept_windows(window)
        if how == "feed":
            fragments.feed(text.encode())
            fragments.end_document()
        else:
            fragments.replay(counter, int(how[-1]))
        found = fragments.fragments(1)
        assert dict(zip(found["texts"], found["count"].tolist())) == expected, how


def test_redundancy_removal_follows_the_minimum_entropy_rule():
    # Units 1, 2 (counts 10, 10) and the pair "12" (count 2): total 22.
    # ln p(12) - ln p(1) - ln p(2) = ln(2/22) - 2 ln(10/22) = -0.82 < 1 nat: "12" is redundant.
    ids = np.array([[1, 0], [2, 0], [1, 2]], dtype=np.uint32)
    length = np.array([1, 1, 2], dtype=np.uint8)
    counts, new_units, new_counts = _core.text.remove_redundant_words(ids, length, np.array([10, 10, 2], np.uint64))
    assert counts.tolist() == [12, 12, 0] and len(new_units) == 0
    # A frequent pair of rare units stays: ln(8/10) - 2 ln(1/10) = 4.4 >= 1.
    counts, _, _ = _core.text.remove_redundant_words(ids, length, np.array([1, 1, 8], np.uint64))
    assert counts.tolist() == [1, 1, 8]
    # "123" (once) against "23" (1000 times) and unit 1, never seen alone (costs ln(1 / T)):
    # ln(1/T) - ln(1/T) - ln(1000/T) = ln(1001/1000) < 2 nats, so "123" goes and unit 1 becomes a word.
    counts, new_units, new_counts = _core.text.remove_redundant_words(
        np.array([[1, 2, 3], [2, 3, 0]], np.uint32), np.array([3, 2], np.uint8), np.array([1, 1000], np.uint64))
    assert counts.tolist() == [0, 1001] and new_units.tolist() == [1] and new_counts.tolist() == [1]


def test_space_delimited_text_finds_phrases():
    # Each phrase is about 1 token in 300, as terms are in real text: its pair binds by
    # ln(300) = 5.7 nats, past the 5 nats that syntax alone does not reach.
    rng = np.random.default_rng(3)
    filler = [f"w{i}" for i in range(300)]
    phrases = ["new york", "machine learning", "san francisco", "united states"]
    documents = []
    for _ in range(3000):
        words = list(rng.choice(filler, size=20))
        if rng.random() < 0.3:  # anywhere, the ends of the sentence included
            words.insert(int(rng.integers(0, len(words) + 1)), phrases[int(rng.integers(0, 4))])
        documents.append(" ".join(words) + ".")
    finder = WordFinder().fit(documents)
    assert finder.unit_ == "word"
    assert set(phrases) <= set(finder.words_[:10])


def _python_run_boundaries(runs):
    """Reference: per unit, its count and how many runs it begins and ends."""
    counts, starts, ends = {}, {}, {}
    for run in runs:
        for u in run:
            counts[u] = counts.get(u, 0) + 1
        starts[run[0]] = starts.get(run[0], 0) + 1
        ends[run[-1]] = ends.get(run[-1], 0) + 1
    return counts, starts, ends


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_run_boundary_counts_match_a_python_reference(n_jobs):
    rng = np.random.default_rng(n_jobs)
    words = ["of", "the", "sparse", "matrix", "graph", "is", "a", "node"]
    runs = [list(rng.choice(words, size=rng.integers(1, 9))) for _ in range(2000)]
    text = "".join(" ".join(run) + (".\n" if i % 3 == 0 else ", ") for i, run in enumerate(runs))
    counter = _core.text.FrequentNgramCounter(3, "word", "replace", 1 << 16, keep_stream=True, n_jobs=n_jobs)
    for start in range(0, len(text), 997):
        counter.feed(text[start:start + 997].encode())
    counter.end_document()
    counter.start_second_pass(1)
    counts, starts, ends = _python_run_boundaries(runs)
    seen = np.flatnonzero(counter.unit_counts)
    texts = counter.unit_texts(seen.astype(np.uint32))
    assert sorted(texts) == sorted(counts)
    for name, got, expected in (("count", counter.unit_counts, counts), ("start", counter.run_starts, starts),
                                ("end", counter.run_ends, ends)):
        assert {t: int(got[i]) for t, i in zip(texts, seen)} == {t: expected.get(t, 0) for t in texts}, name


def test_at_run_boundaries_keeps_words_with_boundary_units():
    from unsup.text.word_finder import _at_run_boundaries

    # Units 0..3, 10 each; 10 runs in 40 units: average boundary rate 1/4, floor 0.5 * 1/4.
    counts = np.array([10, 10, 10, 10])
    starts = np.array([5, 0, 4, 1])
    ends = np.array([1, 0, 5, 4])
    ids = np.array([[0, 2, 0], [0, 1, 0], [1, 2, 0], [0, 3, 2], [1, 0, 0], [3, 2, 0]], dtype=np.uint32)
    length = np.array([2, 2, 2, 3, 1, 2])
    keep = _at_run_boundaries(counts, starts, ends, ids, length, 0.5)
    # Begins with a unit that starts >= 1.25 of its 10 occurrences, ends with one that ends >= 1.25.
    assert keep.tolist() == [True, False, False, True, True, False]
    assert _at_run_boundaries(counts, starts, ends, ids, length, 0.0).all()


def _function_word_documents():
    """Runs of filler words, a term at the edge of some ("sparse matrix") and a piece of free
    syntax inside others ("number of" + anything, never next to punctuation)."""
    rng = np.random.default_rng(5)
    filler = [f"w{i}" for i in range(400)]
    documents = []
    for _ in range(4000):  # each phrase about 1 token in 200: bound by 5.3 nats
        runs = []
        for _ in range(4):
            words = list(rng.choice(filler, size=int(rng.integers(2, 6))))
            draw = rng.random()
            if draw < 0.02:  # a term, at the edge of its run as often as not
                words.insert(0 if rng.random() < 0.5 else len(words), "sparse matrix")
            elif draw < 0.04:  # "number of" + anything: inside the run, never next to punctuation
                words.insert(int(rng.integers(1, len(words))), "number of")
            runs.append(" ".join(words))
        documents.append(", ".join(runs) + ".")
    return documents


def test_word_mode_drops_phrases_that_begin_or_end_with_a_function_word():
    documents = _function_word_documents()
    every = WordFinder(unit="word", min_boundary=0.0).fit(documents)
    assert {"sparse matrix", "number of"} <= set(every.words_)
    default = WordFinder(unit="word").fit(documents)
    assert "sparse matrix" in default.words_ and "number of" not in default.words_
    assert not any(w.startswith("of ") or w.endswith(" number") for w in default.words_)
    assert set(default.words_) <= set(every.words_)


def test_word_mode_result_does_not_depend_on_threads_or_calls():
    documents = _function_word_documents()
    reference = WordFinder(unit="word").fit(documents)
    threads = WordFinder(unit="word", n_jobs=2).fit(documents)
    calls = WordFinder(unit="word")
    for part in (documents[:1000], documents[1000:2500], documents[2500:]):
        calls.partial_fit(part)
    for other in (threads, calls):
        assert other.words_ == reference.words_ and other.vocabulary_ == reference.vocabulary_


def test_defaults_scale_with_the_corpus():
    assert auto_min_count(0) == 3 and auto_min_count(1_841_657) == 4 and auto_min_count(330_000_000) == 54
    assert auto_min_entropy(1_000) == 1.0 and auto_min_entropy(10**8) == pytest.approx(2.0)
    assert auto_min_entropy(10**12) == 3.0


def test_invalid_utf8_policies(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes("甲乙丙".encode() + b"\xff" + "甲乙丙".encode())
    assert WordFinder(min_count=1).fit(path).vocabulary_  # replaced: a run boundary
    with pytest.raises(UnicodeDecodeError) as info:
        WordFinder(min_count=1, errors="strict").fit(path)
    assert info.value.offset == 9


@pytest.mark.parametrize("kwargs, match", [
    ({"method": "bpe"}, "method"), ({"max_n": 0}, "max_n"), ({"max_n": 17}, "max_n"),
    ({"min_count": 0}, "min_count"), ({"min_pmi": math.nan}, "min_pmi"), ({"min_proba": -1.0}, "min_proba"),
    ({"thresholds": []}, "thresholds"), ({"min_entropy": -1.0}, "min_entropy"), ({"unit": "byte"}, "unit"),
    ({"errors": "ignore"}, "errors"), ({"n_jobs": 0}, "n_jobs"), ({"min_boundary": -0.5}, "min_boundary"),
    ({"thresholds": 2.0}, "thresholds"), ({"thresholds": [0.0, math.inf]}, "thresholds"),
    ({"max_n": 1}, "max_n"), ({"min_proba": 2.0}, "min_proba"), ({"n_jobs": 2**40}, "n_jobs"),
    ({"max_memory": 10**30}, "max_memory"),
])
def test_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        WordFinder(**kwargs).fit(["甲乙丙"])


def test_bad_corpus():
    with pytest.raises(TypeError, match="corpus"):
        WordFinder().fit(b"bytes")
    with pytest.raises(TypeError, match="corpus"):
        WordFinder().fit([1, 2])
    with pytest.raises(FileNotFoundError, match="corpus"):
        from pathlib import Path
        WordFinder().fit(Path("/nonexistent/corpus.txt"))
    with pytest.raises(IsADirectoryError, match="corpus"):
        WordFinder().fit(Path(__file__).parent)
    with pytest.raises(AttributeError, match="fit"):
        WordFinder().top(3)


def test_replay_equals_reading_again_even_for_runs_longer_than_a_block():
    rng = np.random.default_rng(0)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 50)]
    text = "".join(rng.choice(alphabet, size=600_000)).encode()  # one run of 600k units (> 256k)
    results = []
    for replay in (False, True):
        counter = _core.text.FrequentNgramCounter(4, "char", "replace", 1 << 16, keep_stream=replay)
        counter.feed(text)
        counter.end_document()
        counter.start_second_pass(5)
        if replay:
            assert counter.stream_units == 600_001  # the units and the closing boundary
            counter.replay()
        else:
            counter.feed(text)
            counter.end_document()
        stats = counter.statistics(5)
        results.append((stats["ngrams"], stats["count"].tolist()))
    assert results[0] == results[1] and len(results[0][0]) > 1000
    with pytest.raises(ValueError, match="keep_stream"):
        plain = _core.text.FrequentNgramCounter(2, "char", "replace", 1 << 16)
        plain.start_second_pass(1)
        plain.replay()


def test_core_guards_against_misuse():
    text = "甲乙丙甲乙丁，甲乙丙".encode()

    def counted(**kwargs):
        counter = _core.text.FrequentNgramCounter(2, "char", "replace", 1 << 16, keep_stream=True, **kwargs)
        counter.feed(text)
        counter.end_document()
        return counter

    counter, other = counted(), counted()
    fragments = _core.text.FragmentCounter(counter, 4)
    with pytest.raises(ValueError, match="second pass"):
        fragments.replay(counter)
    counter.start_second_pass(1)
    counter.replay()
    with pytest.raises(ValueError, match="already"):
        counter.replay()  # counting twice would double pass 2
    other.start_second_pass(1)
    with pytest.raises(ValueError, match="another counter"):
        fragments.replay(other)
    fragments.replay(counter)
    with pytest.raises(ValueError, match="already"):
        fragments.replay(counter)
    with pytest.raises(ValueError, match="out of range"):
        fragments.keep(np.array([[1, 0xFFFFFFF0]], np.uint32), np.array([2], np.uint8))
    with pytest.raises(ValueError, match="window"):
        fragments.windows_kept(np.array([[1, 2]], np.uint32), np.array([2], np.uint8), 0)
    with pytest.raises(ValueError, match="out of range"):
        _core.text.remove_redundant_words(np.array([[1, 0xFFFFFFF0]], np.uint32), np.array([2], np.uint8),
                                          np.array([3], np.uint64))
    with pytest.raises(ValueError, match="nats_per_unit"):
        _core.text.remove_redundant_words(np.array([[1, 2]], np.uint32), np.array([2], np.uint8),
                                          np.array([3], np.uint64), math.nan)
    with pytest.raises(ValueError, match="unknown_score"):
        _core.text.Tokenizer(["甲乙"], [1.0], "char", -math.inf)
    fed = counted()
    fed.start_second_pass(1)
    fed.feed(text)  # pass 2 fed, its last batch not counted yet
    with pytest.raises(ValueError, match="end_document"):
        fed.statistics(1)
    fed.end_document()
    assert "甲乙" in fed.statistics(1)["ngrams"]


def test_replays_of_one_stream_from_several_threads():
    import threading

    text = "\n".join(["甲乙丙丁" * 50, "乙丙甲" * 70] * 400).encode()
    counter = _core.text.FrequentNgramCounter(3, "char", "replace", 1 << 16, keep_stream=True)
    counter.feed(text)
    counter.end_document()
    counter.start_second_pass(1)
    counter.replay()
    results = [None] * 4

    def replay(i):
        fragments = _core.text.FragmentCounter(counter, 6)
        fragments.replay(counter)
        found = fragments.fragments(1)
        results[i] = dict(zip(found["texts"], found["count"].tolist()))

    threads = [threading.Thread(target=replay, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results[0] and all(r == results[0] for r in results)


def test_failed_fit_leaves_the_finder_unfitted(tmp_path):
    finder = WordFinder(min_count=1).fit(["甲乙丙甲乙丙"])
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"hello world \xff")
    finder.errors = "strict"
    with pytest.raises(UnicodeDecodeError):
        finder.fit(bad)
    for name in ("words_", "vocabulary_", "statistics_", "unit_", "n_units_", "n_bytes_"):
        assert not hasattr(finder, name), name
    with pytest.raises(AttributeError, match="fit"):
        finder.top(3)


@pytest.mark.parametrize("max_n", [3, 5, 7])
def test_frequent_counter_exact_for_other_orders_and_high_thresholds(planted, max_n):
    documents, _ = planted
    text = "\n".join(documents[:400]).encode()
    exact = _core.text.NgramCounter(max_n, "char", "replace", False)
    exact.feed(text)
    exact.end_document()
    for min_count in (5, 300):  # 300: above the sketch's saturation at 255
        counter = _core.text.FrequentNgramCounter(max_n, "char", "replace", 1 << 16, keep_stream=True, n_jobs=3)
        counter.feed(text)
        counter.end_document()
        counter.start_second_pass(min_count)
        counter.replay()
        assert counter.statistics(min_count)["ngrams"] == exact.statistics(min_count)["ngrams"]


@pytest.mark.parametrize("method", METHODS)
def test_partial_fit_equals_fit_on_the_whole_corpus(planted, tmp_path, method):
    documents, _ = planted
    whole = WordFinder(method).fit(documents)
    path = tmp_path / "middle.txt"
    path.write_text("\n".join(documents[700:1500]), encoding="utf-8")
    finder = WordFinder(method, n_jobs=2)
    finder.partial_fit(documents[:700])
    first_words = list(finder.words_)
    finder.partial_fit(path).partial_fit(documents[1500:])
    assert finder.n_units_ == whole.n_units_  # the file's line breaks are bytes, not units
    assert finder.n_bytes_ == whole.n_bytes_ + 799
    assert finder.vocabulary_ == whole.vocabulary_
    assert finder.words_ == whole.words_
    for key in whole.statistics_:
        np.testing.assert_allclose(finder.statistics_[key], whole.statistics_[key], rtol=1e-12)
    # fit starts over: the earlier calls' text is gone.
    again = finder.fit(documents[:700])
    assert again.words_ == first_words


def test_partial_fit_keeps_its_settings(planted):
    documents, _ = planted
    finder = WordFinder().partial_fit(documents[:100])
    finder.max_n = 3
    with pytest.raises(ValueError, match="partial_fit"):
        finder.partial_fit(documents[100:200])


def test_failed_partial_fit_starts_over(tmp_path, planted):
    documents, _ = planted
    bad = tmp_path / "bad.txt"
    bad.write_bytes("一二".encode() + b"\xff")
    finder = WordFinder(errors="strict").partial_fit(documents[:300])
    with pytest.raises(UnicodeDecodeError):
        finder.partial_fit(bad)
    finder.partial_fit(documents[300:600])  # the half-read call left nothing behind
    assert finder.words_ == WordFinder(errors="strict").fit(documents[300:600]).words_


def test_planted_corpus_checks_its_arguments():
    from unsup.datasets import planted_lexicon_corpus

    for kwargs, name in (({"n_documents": -1}, "n_documents"), ({"alphabet_size": 10.5}, "alphabet_size"),
                         ({"zipf_exponent": math.nan}, "zipf_exponent"), ({"n_words": 0}, "n_words")):
        with pytest.raises(ValueError, match=name):
            planted_lexicon_corpus(**kwargs)
    documents, lexicon = planted_lexicon_corpus(n_words=50, n_documents=3, words_per_document=5, seed=1)
    assert len(documents) == 3 and len(lexicon) == 50
    assert all(any(d.startswith(w) for w in lexicon) for d in documents)
