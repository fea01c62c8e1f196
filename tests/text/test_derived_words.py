"""Derived words: held-out pairs of a planted low-rank pattern come back first."""

import numpy as np
import pytest

from unsup.text.derived_words import derive_new_words


def test_held_out_pairs_rank_first():
    rng = np.random.default_rng(0)
    groups = [("甲乙丙丁戊", "天地人和春"), ("子丑寅卯", "日月星辰"), ("金木水火土", "东南西北")]
    seen, held_out = {}, set()
    for firsts, seconds in groups:
        for a in firsts:
            for b in seconds:
                if rng.random() < 0.1:
                    held_out.add(a + b)
                else:
                    seen[a + b] = float(rng.integers(20, 40))
    seen["甲日"] = 1.0  # noise across groups
    proposed = derive_new_words(seen, 3, n_words=len(held_out))
    assert {w for w, _ in proposed} == held_out
    assert all(score > 5 for _, score in proposed)
    assert proposed == sorted(proposed, key=lambda p: -p[1])


def test_bad_input():
    with pytest.raises(ValueError, match="two-character"):
        derive_new_words({"abc": 1, "ab": 2}, 1)
    with pytest.raises(ValueError, match="non-negative"):
        derive_new_words({"ab": -1, "cd": 2, "ef": 1}, 1)
    with pytest.raises(ValueError, match="n_components"):
        derive_new_words({"ab": 1, "cd": 2}, 2)
