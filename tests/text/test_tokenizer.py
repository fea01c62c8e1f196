"""Tokenizer: Viterbi against brute force, units, punctuation, threads, bad input."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from unsup.text import Tokenizer


def _segmentations(text: str):
    """Every split of `text` into non-empty pieces."""
    n = len(text)
    for cuts in itertools.product((False, True), repeat=n - 1):
        pieces, start = [], 0
        for i, cut in enumerate(cuts, start=1):
            if cut:
                pieces.append(text[start:i])
                start = i
        pieces.append(text[start:])
        yield pieces


def _score(pieces, logp, unknown):
    total = 0.0
    for piece in pieces:
        if piece in logp:
            total += logp[piece]
        elif len(piece) == 1:
            total += unknown
        else:
            return -math.inf
    return total


@pytest.mark.parametrize("seed", range(12))
def test_viterbi_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    alphabet = "甲乙丙丁戊"
    words = {"".join(rng.choice(list(alphabet), size=int(rng.integers(1, 4)))) for _ in range(10)}
    counts = {w: float(rng.integers(1, 50)) for w in words}
    tok = Tokenizer(counts)
    total = sum(counts.values())
    logp = {w: math.log(c / total) for w, c in counts.items()}
    for _ in range(5):
        text = "".join(rng.choice(list(alphabet), size=int(rng.integers(1, 11))))
        unknown = math.log(0.5 / total)  # the documented default, not the tokenizer's own figure
        best = max(_score(p, logp, unknown) for p in _segmentations(text))
        ours = tok.tokenize(text)
        assert "".join(ours) == text
        assert _score(ours, logp, unknown) == pytest.approx(best, rel=1e-6, abs=1e-6)


def test_example_and_unknown_characters():
    tok = Tokenizer({"北京": 10, "大学": 8, "北京大学": 1, "大学生": 3, "生": 3})
    assert tok.tokenize("北京大学生") == ["北京", "大学生"]  # 0.4 * 0.12 beats 0.04 * 0.12 and 0.4 * 0.32 * 0.12
    assert tok.tokenize("北京大学") == ["北京", "大学"]
    assert Tokenizer({"北京": 1, "大学": 1, "北京大学": 5}).tokenize("北京大学") == ["北京大学"]
    assert tok.tokenize("南京") == ["南", "京"]  # unknown characters: one token each
    assert tok.unknown_score == pytest.approx(math.log(0.5 / 25))
    assert tok.n_words == 5 and tok.unit == "char"


def test_runs_punctuation_latin_fullwidth_and_emoji():
    tok = Tokenizer({"手机": 5, "iPhone": 3, "2024年": 2})
    text = "我的iPhone手机，２０２４年 买的😀好"
    tokens = tok.tokenize(text)
    assert tokens == ["我", "的", "iPhone", "手机", "，", "２０２４年", "买", "的", "😀", "好"]
    assert tok.tokenize("") == [] and tok.tokenize("   \n") == []


def test_word_mode_phrases():
    tok = Tokenizer({"new york": 5, "new": 3, "york": 1, "city": 4}, unit="word")
    # Units are case-sensitive: "New" is unknown, "new  york" matches across the double space.
    assert tok.tokenize("New york city, new  york!") == ["New", "york", "city", ",", "new  york", "!"]


def test_words_that_cannot_match_are_skipped():
    tok = Tokenizer({"好的": 2, "好，的": 1, "a b": 1})
    assert tok.n_words == 1 and tok.n_skipped == 2


def test_tokenize_many_independent_of_threads():
    rng = np.random.default_rng(1)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 50)]
    vocab = {"".join(rng.choice(alphabet, size=2)): float(rng.integers(1, 9)) for _ in range(200)}
    texts = ["".join(rng.choice(alphabet, size=int(rng.integers(0, 80)))) for _ in range(700)]
    tok = Tokenizer(vocab)
    one = tok.tokenize_many(texts, n_jobs=1)
    assert one == tok.tokenize_many(texts, n_jobs=2) == [tok.tokenize(t) for t in texts]


def test_bad_input():
    with pytest.raises(TypeError, match="vocabulary"):
        Tokenizer("北京")
    with pytest.raises(ValueError, match="counts"):
        Tokenizer({"北京": 0})
    with pytest.raises(ValueError, match="counts"):
        Tokenizer({"北京": float("nan")})
    with pytest.raises(TypeError, match="words"):
        Tokenizer([1, 2])
    tok = Tokenizer(["北京"])
    with pytest.raises(TypeError, match="text"):
        tok.tokenize(b"bytes")
    with pytest.raises(TypeError, match="texts"):
        tok.tokenize_many(["ok", 3])
    with pytest.raises(ValueError, match="unit"):
        Tokenizer(["北京"], unit="syllable")
    with pytest.raises(UnicodeEncodeError):
        tok.tokenize("\ud800")
    with pytest.raises(ValueError, match="surrogate"):
        Tokenizer({"a\ud800b": 1})
    with pytest.raises(TypeError, match="texts"):
        tok.tokenize_many("北京大学")  # one str is not an iterable of texts
    with pytest.raises(ValueError, match="vocabulary"):
        Tokenizer({"北京": "many"})
    for score in (0.5, "x", math.inf):  # a log-probability: finite and <= 0
        with pytest.raises(ValueError, match="unknown_score"):
            Tokenizer(["北京"], unknown_score=score)
    with pytest.raises(ValueError, match="n_jobs"):
        tok.tokenize_many(["北京"], n_jobs=2**40)
