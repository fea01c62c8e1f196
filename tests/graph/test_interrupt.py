"""Ctrl-C stops a long InfoMap or Louvain search promptly, from one thread or several."""

import _thread
import signal
import threading
import time

import numpy as np
import pytest
import scipy.sparse as sp

from unsup.graph import InfoMap

# A process started in the background without job control ignores SIGINT, and then
# interrupt_main() does nothing: the search would run to its end and the test fail after minutes.
pytestmark = pytest.mark.skipif(signal.getsignal(signal.SIGINT) is signal.SIG_IGN,
                                reason="SIGINT is ignored in this process (started in the background)")


def _random_graph(n: int, m: int) -> sp.csr_array:
    rng = np.random.default_rng(0)
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    a = sp.csr_array(sp.coo_array((np.ones(m), (src, dst)), shape=(n, n)))
    return sp.csr_array(a + a.T)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_keyboard_interrupt_stops_the_search(n_jobs):
    graph = _random_graph(100_000, 600_000)  # no structure: each trial takes a while
    est = InfoMap(affinity="precomputed", n_trials=64, random_state=0, n_jobs=n_jobs)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    start = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            est.fit(graph)
    finally:
        timer.cancel()
    assert time.perf_counter() - start < 10.0
    assert not hasattr(est, "labels_")


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_keyboard_interrupt_stops_louvain(n_jobs):
    from unsup.graph import louvain_communities

    graph = _random_graph(100_000, 600_000)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    start = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            louvain_communities(graph, n_trials=64, seed=0, n_jobs=n_jobs)
    finally:
        timer.cancel()
    assert time.perf_counter() - start < 10.0
