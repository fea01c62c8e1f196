"""N-gram counts, cohesion and neighbour entropy against a brute-force Python reference."""

import math
from collections import Counter, defaultdict

import numpy as np
import pytest

from unsup import _core
from unsup.text import ngram_statistics

TEXTS = [
    "今天天气很好，iPhone12很好用！今天天气不错。",
    "ＡＢＣ１２３测试，测试ABC123。",
    "😀表情符号😀混合表情符号",
    "",
    "\n\n",
    "天气 天气\t天气",
    "数据挖掘和数据分析，数据挖掘很有趣；数据分析也很有趣。",
    "é café naïve Ωμέγα 测试",
]
WORD_TEXTS = [
    "hello world, hello there. Hello world!",
    "the new york times; the new york post and the times",
    "",
]


def _fold(ch):
    cp = ord(ch)
    if 0xFF10 <= cp <= 0xFF19 or 0xFF21 <= cp <= 0xFF3A or 0xFF41 <= cp <= 0xFF5A:
        return chr(cp - 0xFEE0)
    return ch


def _class(ch):
    cp = ord(ch)
    if 0x4E00 <= cp <= 0x9FFF:
        return "ideograph"
    if ch.isascii():
        if ch.isalnum():
            return "alnum"
        return "space" if ch in " \t\n\r\x0b\x0c" else "other"
    if (0xC0 <= cp <= 0x24F and cp not in (0xD7, 0xF7)) or 0x370 <= cp <= 0x3FF:
        return "alnum"
    return "other"


def _runs(text, unit):
    runs, run, token = [], [], ""
    for ch in map(_fold, text):
        kind = _class(ch)
        if kind == "ideograph" and unit == "char":
            if token:
                run.append(token)
                token = ""
            run.append(ch)
        elif kind in ("ideograph", "alnum"):
            token += ch
        else:
            if token:
                run.append(token)
                token = ""
            if (kind == "other" or unit == "char") and run:
                runs.append(run)
                run = []
    if token:
        run.append(token)
    if run:
        runs.append(run)
    return runs


def reference(texts, max_n, unit):
    runs = [r for t in texts for r in _runs(t, unit)]
    count, left, right = Counter(), defaultdict(Counter), defaultdict(Counter)
    for run in runs:
        for n in range(1, max_n + 1):
            for i in range(len(run) - n + 1):
                w = tuple(run[i:i + n])
                count[w] += 1
                left[w][run[i - 1] if i > 0 else None] += 1
                right[w][run[i + n] if i + n < len(run) else None] += 1
    total = sum(c for w, c in count.items() if len(w) == 1)

    def entropy(dist):
        s = sum(dist.values())
        return -sum(c / s * math.log(c / s) for c in dist.values())

    out = {}
    for w, c in count.items():
        coh = math.nan if len(w) == 1 else min(
            math.log(total * c / (count[w[:k]] * count[w[k:]])) for k in range(1, len(w)))
        out[("" if unit == "char" else " ").join(w)] = (c, coh, entropy(left[w]), entropy(right[w]))
    return out, total


def as_dict(stats):
    return {g: (int(c), float(h), float(l), float(r)) for g, c, h, l, r in
            zip(stats.ngrams, stats.count, stats.cohesion, stats.left_entropy, stats.right_entropy)}


def assert_matches(stats, expected):
    got = as_dict(stats)
    assert set(got) == set(expected)
    for g, (c, coh, hl, hr) in expected.items():
        gc, gcoh, ghl, ghr = got[g]
        assert gc == c, g
        assert (math.isnan(coh) and math.isnan(gcoh)) or gcoh == pytest.approx(coh, abs=1e-12), g
        assert ghl == pytest.approx(hl, abs=1e-12) and ghr == pytest.approx(hr, abs=1e-12), g


@pytest.mark.parametrize("max_n", [1, 2, 4])
def test_characters_match_brute_force(max_n):
    stats = ngram_statistics(TEXTS, max_n=max_n, unit="char")
    expected, total = reference(TEXTS, max_n, "char")
    assert stats.n_units == total
    assert_matches(stats, expected)


def test_words_match_brute_force():
    stats = ngram_statistics(WORD_TEXTS, max_n=3, unit="word")
    expected, total = reference(WORD_TEXTS, 3, "word")
    assert stats.n_units == total
    assert_matches(stats, expected)
    assert "new york" in stats.ngrams


def test_order_and_min_count():
    stats = ngram_statistics(TEXTS, max_n=3, unit="char", min_count=2)
    assert np.all(stats.count >= 2)
    keys = list(zip(stats.length, -stats.count))
    assert keys == sorted(keys)
    assert set(stats.ngrams) == {g for g, v in reference(TEXTS, 3, "char")[0].items() if v[0] >= 2}


def test_auto_unit():
    assert ngram_statistics(TEXTS[0]).unit == "char"
    assert ngram_statistics(WORD_TEXTS[0]).unit == "word"


def test_results_do_not_depend_on_chunking():
    data = "".join(TEXTS).encode("utf-8")
    whole = _core.text.NgramCounter(3, "char", "strict")
    whole.feed(data)
    whole.end_document()
    rng = np.random.default_rng(0)
    cuts = np.sort(rng.choice(np.arange(1, len(data)), size=40, replace=False))
    pieces = _core.text.NgramCounter(3, "char", "strict")
    for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(data)]):  # many cuts fall inside characters
        pieces.feed(data[a:b])
    pieces.end_document()
    x, y = whole.statistics(1), pieces.statistics(1)
    assert x["ngrams"] == y["ngrams"]
    assert x["ngrams"][0] == "".join(whole.unit_texts(x["ids"][0][: x["length"][0]]))
    for key in ("ids", "count", "cohesion", "left_entropy", "right_entropy"):
        np.testing.assert_array_equal(x[key], y[key])


def test_files_are_streamed_like_text(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(TEXTS), encoding="utf-8")
    from_file, from_text = ngram_statistics(path, max_n=3), ngram_statistics("\n".join(TEXTS), max_n=3)
    assert from_file.ngrams == from_text.ngrams
    for key in ("count", "cohesion", "left_entropy", "right_entropy"):
        np.testing.assert_array_equal(getattr(from_file, key), getattr(from_text, key))
    with pytest.raises(FileNotFoundError, match="corpus"):
        ngram_statistics([tmp_path / "missing.txt"])


def test_invalid_utf8():
    counter = _core.text.NgramCounter(2, "char", "replace")
    counter.feed(b"ab\xffcd\xe4\xb8")  # a stray byte, then a truncated character at the end
    counter.end_document()
    stats = counter.statistics(1)
    units = set(counter.unit_texts(np.ascontiguousarray(stats["ids"][stats["length"] == 1][:, 0])))
    assert units == {"ab", "cd"}  # U+FFFD ends runs
    strict = _core.text.NgramCounter(2, "char", "strict")
    with pytest.raises(UnicodeDecodeError) as info:
        strict.feed("天气".encode() + b"\x80abc")
    assert info.value.offset == 6 and "offset 6" in str(info.value)


def test_empty_corpus_and_bad_arguments():
    for corpus in ([], "", ["", "。。"]):
        stats = ngram_statistics(corpus)
        assert len(stats) == 0 and stats.n_units == 0
    with pytest.raises(ValueError, match="max_n"):
        ngram_statistics("abc", max_n=0)
    with pytest.raises(ValueError, match="unit"):
        ngram_statistics("abc", unit="bytes")
    with pytest.raises(ValueError, match="errors"):
        ngram_statistics("abc", errors="ignore")
    with pytest.raises(TypeError, match="corpus"):
        ngram_statistics(b"abc")
    with pytest.raises(TypeError, match="corpus"):
        ngram_statistics([1, 2])
