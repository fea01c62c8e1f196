"""Windowed co-occurrence counts (C++) against a plain-Python reference."""

import _thread
import doctest
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import unsup.text.ppmi_embedding
from unsup import _core
from unsup.text import cooccurrence_matrix

WEIGHTS = {
    "uniform": lambda d, w: 1.0,
    "harmonic": lambda d, w: 1.0 / d,
    "dynamic": lambda d, w: (w - d + 1) / w,
}


def reference_counts(tokens, vocabulary_size, window, weighting):
    """Dense counts from the definition: every pair of positions at distance 1..window in one sentence."""
    x = np.zeros((vocabulary_size, vocabulary_size))
    sentences, current = [], []
    for t in tokens:
        if t == -1:
            sentences.append(current)
            current = []
        else:
            current.append(t)
    sentences.append(current)
    weight = WEIGHTS[weighting]
    for s in sentences:
        for i in range(len(s)):
            for d in range(1, window + 1):
                if i + d < len(s):
                    x[s[i], s[i + d]] += weight(d, window)
                    x[s[i + d], s[i]] += weight(d, window)
    return x


def random_tokens(seed, n, vocabulary_size, p_break):
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, vocabulary_size + 1)
    tokens = rng.choice(vocabulary_size, size=n, p=p / p.sum()).astype(np.int32)
    tokens[rng.random(n) < p_break] = -1
    return tokens


@pytest.mark.parametrize("seed, n, vocabulary_size, p_break", [
    (0, 300, 12, 0.1), (1, 500, 40, 0.02), (2, 200, 5, 0.3), (3, 400, 60, 0.0)])
@pytest.mark.parametrize("window", [1, 2, 3, 7])
@pytest.mark.parametrize("weighting", ["uniform", "harmonic", "dynamic"])
def test_counts_equal_the_reference(seed, n, vocabulary_size, p_break, window, weighting):
    tokens = random_tokens(seed, n, vocabulary_size, p_break)
    tokens[0] = -1 if seed % 2 else tokens[0]  # a leading break on some corpora
    expected = reference_counts(tokens.tolist(), vocabulary_size, window, weighting)
    x = cooccurrence_matrix(tokens, vocabulary_size, window, weighting=weighting)
    assert x.shape == (vocabulary_size, vocabulary_size) and x.dtype == np.float64
    assert x.has_sorted_indices and np.all(x.data > 0)
    if weighting == "uniform":
        np.testing.assert_array_equal(x.toarray(), expected)
    else:
        np.testing.assert_allclose(x.toarray(), expected, rtol=1e-13, atol=0)
    np.testing.assert_array_equal(x.toarray(), x.toarray().T)  # exactly symmetric, whatever the weights
    x32 = cooccurrence_matrix(tokens, vocabulary_size, window, weighting=weighting, dtype=np.float32)
    assert x32.dtype == np.float32
    np.testing.assert_allclose(x32.toarray(), expected, rtol=1e-6)


def test_a_long_harmonic_window_rounds_its_weights_finely():
    # lcm(1..30) is past 2^40: 1/d becomes a fixed point of 2^-40.
    tokens = random_tokens(5, 600, 20, 0.01)
    expected = reference_counts(tokens.tolist(), 20, 30, "harmonic")
    x = cooccurrence_matrix(tokens, 20, 30, weighting="harmonic")
    np.testing.assert_allclose(x.toarray(), expected, rtol=1e-10)
    np.testing.assert_array_equal(x.toarray(), x.toarray().T)


def test_small_cases_by_hand():
    # 0 1 2 | 1 1 0, window 2: pairs (0,1) (0,2) (1,2) and (1,1) (1,0)x2.
    x = cooccurrence_matrix([0, 1, 2, -1, 1, 1, 0], 3, window=2).toarray()
    np.testing.assert_array_equal(x, [[0, 3, 1], [3, 2, 1], [1, 1, 0]])
    # Nothing crosses a break, leading, trailing and repeated breaks are harmless.
    assert cooccurrence_matrix([-1, 0, -1, -1, 1, -1], 2, window=5).nnz == 0
    assert cooccurrence_matrix(np.array([], dtype=np.int32), 4).shape == (4, 4)
    assert cooccurrence_matrix([-1, -1], 0).shape == (0, 0)
    # A window longer than the sentence.
    np.testing.assert_array_equal(cooccurrence_matrix([0, 1], 2, window=100).toarray(), [[0, 1], [1, 0]])
    # Weights by distance: (0 at d=1, 2 at d=2) from 1's neighbours.
    np.testing.assert_allclose(cooccurrence_matrix([0, 1, 2], 3, window=2, weighting="harmonic").toarray(),
                               [[0, 1, 0.5], [1, 0, 1], [0.5, 1, 0]])
    np.testing.assert_allclose(cooccurrence_matrix([0, 1, 2], 3, window=2, weighting="dynamic").toarray(),
                               [[0, 1, 0.5], [1, 0, 1], [0.5, 1, 0]])
    np.testing.assert_allclose(cooccurrence_matrix([0, 1, 2, 3], 4, window=3, weighting="dynamic").toarray()[0],
                               [0, 1, 2 / 3, 1 / 3])


@pytest.mark.parametrize("weighting", ["uniform", "harmonic", "dynamic"])
def test_threads_do_not_change_the_result(weighting):
    # Enough occurrences for many groups of rows, and a vocabulary past one 4096-column bitmap block.
    tokens = random_tokens(7, 400_000, 9000, 0.03)
    one = cooccurrence_matrix(tokens, 9000, 4, weighting=weighting, n_jobs=1)
    two = cooccurrence_matrix(tokens, 9000, 4, weighting=weighting, n_jobs=2)
    for a, b in [(one.indptr, two.indptr), (one.indices, two.indices), (one.data, two.data)]:
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    assert (one != one.T).nnz == 0
    # Row sums: each token is a context of its neighbours, 2 weights per pair in all.
    uniform = cooccurrence_matrix(tokens, 9000, 1, n_jobs=2)
    runs = np.split(tokens, np.flatnonzero(tokens == -1))
    pairs = sum(max(0, int(np.count_nonzero(r >= 0)) - 1) for r in runs)
    assert uniform.sum() == 2 * pairs


def test_ids_of_other_integer_types():
    tokens = [0, 1, 2, -1, 2, 0]
    expected = cooccurrence_matrix(np.array(tokens, dtype=np.int32), 3).toarray()
    for dtype in (np.int64, np.int16, np.int8):
        np.testing.assert_array_equal(cooccurrence_matrix(np.array(tokens, dtype=dtype), 3).toarray(), expected)
    np.testing.assert_array_equal(cooccurrence_matrix(np.array([0, 1, 2], dtype=np.uint8), 3).toarray(),
                                  cooccurrence_matrix([0, 1, 2], 3).toarray())
    strided = np.arange(6, dtype=np.int32)[::2] // 2  # not contiguous: [0, 1, 2]
    np.testing.assert_array_equal(cooccurrence_matrix(strided, 3).toarray(),
                                  cooccurrence_matrix([0, 1, 2], 3).toarray())


@pytest.mark.parametrize("tokens, vocabulary_size, kwargs, match", [
    ([0, 3], 3, {}, "tokens: id 3"),
    ([0, -2], 3, {}, "tokens: id -2"),
    (np.array([0, 2**40]), 3, {}, "tokens: id 1099511627776"),
    ([[0, 1]], 3, {}, "tokens: expected a 1-d"),
    ([0.0, 1.0], 3, {}, "tokens: expected integer"),
    ([0, 1], 3, {"window": 0}, "window"),
    ([0, 1], 3, {"window": 2.5}, "window"),
    ([0, 1], 3, {"weighting": "gaussian"}, "weighting"),
    ([0, 1], 3, {"dtype": np.int32}, "dtype"),
    ([0, 1], -1, {}, "vocabulary_size"),
    ([0, 1], 3, {"n_jobs": 0}, "n_jobs"),
])
def test_bad_input_is_named(tokens, vocabulary_size, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cooccurrence_matrix(tokens, vocabulary_size, **kwargs)


def test_the_kernel_checks_its_own_input():
    ids = np.array([0, 1, 5], dtype=np.int32)
    with pytest.raises(ValueError, match=r"tokens: id 5 at position 2 is out of range"):
        _core.text.cooccurrence_counts(ids, 3, 2)
    with pytest.raises(ValueError, match="tokens: must be an int32 array"):
        _core.text.cooccurrence_counts(ids.astype(np.int64), 3, 2)
    with pytest.raises(ValueError, match="tokens: must be C-contiguous"):
        _core.text.cooccurrence_counts(np.zeros(10, dtype=np.int32)[::2], 3, 2)
    with pytest.raises(ValueError, match="window must be an int in"):
        _core.text.cooccurrence_counts(ids[:2], 3, 0)
    with pytest.raises(ValueError, match="vocabulary_size must be an int in"):
        _core.text.cooccurrence_counts(ids[:2], -3, 2)
    with pytest.raises(ValueError, match="weighting must be"):
        _core.text.cooccurrence_counts(ids[:2], 3, 2, "triangular")
    with pytest.raises(ValueError, match="dtype must be"):
        _core.text.cooccurrence_counts(ids[:2], 3, 2, "uniform", "float16")


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_keyboard_interrupt_stops_the_counting(n_jobs):
    # 2.4e9 window positions (half a minute of work) into at most 1e6 entries (little memory).
    tokens = np.random.default_rng(0).integers(0, 1000, size=30_000_000, dtype=np.int32)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    start = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            _core.text.cooccurrence_counts(tokens, 1000, 40, "uniform", "float32", n_jobs)
    finally:
        timer.cancel()
    assert time.perf_counter() - start < 1.5


def test_gil_is_released_while_counting():
    tokens = np.random.default_rng(1).integers(0, 50_000, size=4_000_000, dtype=np.int32)
    ticks = []
    done = threading.Event()

    def count():
        _core.text.cooccurrence_counts(tokens, 50_000, 10, "uniform", "float32", 1)
        done.set()

    worker = threading.Thread(target=count)
    worker.start()
    while not done.is_set():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    worker.join()
    assert len(ticks) > 20  # the main thread ran while the kernel counted


_MALLOC_DEBUG = [p for p in ("/lib/x86_64-linux-gnu/libc_malloc_debug.so.0", "/usr/lib64/libc_malloc_debug.so.0",
                              "/lib64/libc_malloc_debug.so.0") if Path(p).exists()]
_HEAP_SCRIPT = """
import numpy as np
from unsup import _core
rng = np.random.default_rng(0)
for V in [1, 2, 3, 40, 63, 64, 65, 100, 127, 128, 129, 200, 2697, 4095, 4096, 4097]:
    for w in [1, 5, 50]:
        t = rng.integers(0, V, size=5000, dtype=np.int32)
        for dtype in ("float32", "float64"):
            _core.text.cooccurrence_counts(t, V, w, "dynamic", dtype, 2)
print("heap intact")
"""


@pytest.mark.skipif(not _MALLOC_DEBUG, reason="glibc's malloc checker (libc_malloc_debug) is not installed")
def test_no_write_past_a_buffer_under_the_malloc_checker():
    # glibc's checker guards each block's end and aborts on free if it was written past: dense rows of
    # small vocabularies fill every bookkeeping buffer to its last slot.
    env = dict(os.environ, LD_PRELOAD=_MALLOC_DEBUG[0], GLIBC_TUNABLES="glibc.malloc.check=3")
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    done = subprocess.run([sys.executable, "-c", _HEAP_SCRIPT], env=env, capture_output=True, text=True,
                          timeout=120, cwd="/")
    assert done.returncode == 0 and "heap intact" in done.stdout, done.stderr[-2000:]


def test_docstring_examples():
    finder = doctest.DocTestFinder()
    examples = [t for t in finder.find(unsup.text.ppmi_embedding) if t.name.endswith("cooccurrence_matrix")]
    runner = doctest.DocTestRunner()
    for test in examples:
        runner.run(test)
    assert examples and runner.failures == 0


def test_reference_counts_one_pair_both_ways():
    np.testing.assert_array_equal(reference_counts([0, 1], 2, 1, "uniform"), [[0, 1], [1, 0]])
