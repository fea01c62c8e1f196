"""Parity with the official Infomap (GPL; installed only in test/benchmark environments)."""

import warnings

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from unsup.graph import InfoMap, map_equation

infomap = pytest.importorskip("infomap")


def official_codelength(edges, n, labels, directed, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(two_level=True, silent=True, directed=directed, no_infomap=True, **kwargs)
        for u, v, w in edges:
            im.add_link(int(u), int(v), float(w))
        im.add_nodes(range(n))
        im.run(initial_partition={i: int(labels[i]) for i in range(n)})
        return im.codelength


def official_search(edges, directed, seed, trials=1):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(two_level=True, silent=True, directed=directed, num_trials=trials, seed=seed,
                             num_threads=1)
        for u, v, w in edges:
            im.add_link(int(u), int(v), float(w))
        im.run()
        return im.codelength


def random_edges(rng, n, m, weighted):
    src = rng.integers(0, n, m)
    dst = rng.integers(0, n, m)
    keep = src != dst
    w = rng.random(m) + 0.5 if weighted else np.ones(m)
    return list(zip(src[keep], dst[keep], w[keep]))


def matrix(edges, n):
    u, v, w = (np.array(x) for x in zip(*edges))
    return sp.csr_array(sp.coo_array((w.astype(float), (u.astype(int), v.astype(int))), shape=(n, n)))


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_same_codelength_for_the_same_partition(directed, weighted):
    rng = np.random.default_rng(3)
    for trial in range(5):
        n = 40
        edges = random_edges(rng, n, 160, weighted)
        A = matrix(edges, n)
        if not directed:
            A = sp.csr_array(A + A.T)
        for k in (1, 3, 8):
            labels = rng.integers(0, k, n)
            ours = map_equation(A, labels, directed=directed)
            theirs = official_codelength(edges, n, labels, directed)
            assert ours == pytest.approx(theirs, abs=1e-9)


@pytest.mark.parametrize("to_nodes", [False, True])
def test_recorded_teleportation_parity(to_nodes):
    rng = np.random.default_rng(8)
    n = 30
    edges = random_edges(rng, n, 120, True)
    A = matrix(edges, n)
    labels = rng.integers(0, 4, n)
    ours = map_equation(A, labels, directed=True, recorded_teleportation=True, teleport_to_nodes=to_nodes)
    theirs = official_codelength(edges, n, labels, True, recorded_teleportation=True, to_nodes=to_nodes)
    assert ours == pytest.approx(theirs, abs=1e-9)


@pytest.mark.parametrize("directed", [False, True])
def test_found_partitions_are_no_worse(directed):
    G = nx.LFR_benchmark_graph(300, 3, 1.5, 0.3, average_degree=10, min_community=20, max_community=60, seed=4)
    G.remove_edges_from(nx.selfloop_edges(G))
    rng = np.random.default_rng(0)
    edges = [(u, v, 1.0) if rng.random() < 0.5 or not directed else (v, u, 1.0) for u, v in G.edges()]
    A = matrix(edges, len(G))
    if not directed:
        A = sp.csr_array(A + A.T)
    ours = InfoMap(affinity="precomputed", directed=directed, n_trials=5, random_state=0).fit(A).codelength_
    theirs = official_search(edges, directed, seed=1, trials=5)
    assert ours <= theirs + 1e-9
