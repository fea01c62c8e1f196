"""Modularity and Louvain: the quality function (full and incremental), brute-force optima on tiny
graphs, quality against networkx's Louvain, inputs and errors."""

import itertools
import random

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from unsup import _core
from unsup.datasets import planted_partition, two_triangles
from unsup.graph import louvain_communities, modularity


def random_weights(n, density, rng, directed, self_loops=True):
    W = (rng.random((n, n)) < density) * (rng.random((n, n)) * 2 + 0.1)
    if not self_loops:
        np.fill_diagonal(W, 0.0)
    if not directed:
        W = np.triu(W)
        W = W + np.triu(W, 1).T
    return W


def reference_modularity(W, labels, directed, resolution=1.0):
    """Dense textbook formula (self-links count twice in undirected degrees)."""
    same = labels[:, None] == labels[None, :]
    if directed:
        m = W.sum()
        return float(((W - resolution * np.outer(W.sum(1), W.sum(0)) / m) * same).sum() / m)
    B = W + np.diag(np.diag(W))
    d = B.sum(1)
    two_m = d.sum()
    return float(((B - resolution * np.outer(d, d) / two_m) * same).sum() / two_m)


def kernel_args(W):
    a = sp.csr_array(W)
    return (a.indptr.astype(np.int64), a.indices.astype(np.int32), a.data.astype(np.float64), a.shape[0])


def communities_of(labels):
    return [set(np.flatnonzero(labels == c).tolist()) for c in np.unique(labels)]


def set_partitions(n):
    """Every partition of range(n) as a label vector (restricted growth strings)."""
    labels = [0] * n

    def rec(i, k):
        if i == n:
            yield np.array(labels)
            return
        for c in range(k + 1):
            labels[i] = c
            yield from rec(i + 1, max(k, c + 1))

    yield from rec(1, 1) if n > 0 else iter(())


# ----------------------------------------------------------------------------- quality function
@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("resolution", [0.5, 1.0, 1.7])
def test_full_modularity_matches_networkx_and_dense_formula(directed, resolution):
    rng = np.random.default_rng(3 + directed)
    for trial in range(6):
        n = int(rng.integers(5, 40))
        W = random_weights(n, 0.2, rng, directed)
        if W.sum() == 0:
            continue
        labels = rng.integers(0, max(1, n // 4), n)
        G = nx.from_numpy_array(W, create_using=nx.DiGraph if directed else nx.Graph)
        ours = modularity(G, communities_of(labels), resolution=resolution)
        theirs = nx.community.modularity(G, communities_of(labels), resolution=resolution)
        assert ours == pytest.approx(theirs, abs=1e-12)
        assert ours == pytest.approx(reference_modularity(W, labels, directed, resolution), abs=1e-12)


def test_modularity_of_multigraph_and_unweighted():
    G = nx.MultiGraph(nx.karate_club_graph())
    G.add_edge(0, 1, weight=5.0)  # a parallel edge adds its weight
    parts = nx.community.louvain_communities(nx.karate_club_graph(), seed=1)
    assert modularity(G, parts) == pytest.approx(nx.community.modularity(G, parts), abs=1e-12)
    assert modularity(G, parts, weight=None) == pytest.approx(
        nx.community.modularity(G, parts, weight=None), abs=1e-12)


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("resolution", [0.6, 1.0, 2.0])
def test_delta_matches_full_recomputation(directed, resolution):
    rng = np.random.default_rng(11 + directed)
    for trial in range(5):
        n = int(rng.integers(4, 25))
        W = random_weights(n, 0.3, rng, directed)
        if W.sum() == 0:
            continue
        args = kernel_args(W)
        labels = rng.integers(0, n, n).astype(np.int32)  # ids in [0, n): some modules empty
        nodes = rng.integers(0, n, 30).astype(np.int32)
        targets = rng.integers(0, n, 30).astype(np.int32)
        deltas = _core.graph.modularity_move_deltas(*args, labels, nodes, targets, directed, resolution)
        current = labels.copy()
        for v, t, delta in zip(nodes, targets, deltas):
            before = _core.graph.modularity(*args, current, directed, resolution)
            current[v] = t
            after = _core.graph.modularity(*args, current, directed, resolution)
            assert delta == pytest.approx(after - before, abs=1e-12)


@pytest.mark.parametrize("directed", [False, True])
def test_brute_force_optimum_on_tiny_graphs(directed):
    rng = np.random.default_rng(21 + directed)
    exact = checked = 0
    gaps = []
    for trial in range(12):
        n = int(rng.integers(4, 9))  # up to 8 nodes: 4140 partitions
        W = random_weights(n, 0.45, rng, directed, self_loops=False)
        if W.sum() == 0:
            continue
        best = max(reference_modularity(W, labels, directed) for labels in set_partitions(n))
        G = nx.from_numpy_array(W, create_using=nx.DiGraph if directed else nx.Graph)
        q = modularity(G, louvain_communities(G, seed=trial, n_trials=3))
        assert q <= best + 1e-12
        gaps.append(best - q)
        exact += q >= best - 1e-12
        checked += 1
    assert checked >= 8
    # Louvain is a heuristic: the optimum nearly always, near misses (these dense tiny directed
    # graphs have weak structure, Q ~ 0.05) by little. networkx's Louvain misses the same ones.
    assert exact >= checked - 2, gaps
    assert max(gaps) < 0.015 and np.mean(gaps) < 0.002, gaps


# ----------------------------------------------------------------------------- quality vs networkx
def _graphs():
    lfr = nx.LFR_benchmark_graph(250, 3, 1.5, 0.009, average_degree=5, min_community=20, seed=10)
    lfr2 = nx.LFR_benchmark_graph(1000, 3, 1.5, 0.4, average_degree=12, min_community=20, seed=10)
    pp, _ = planted_partition(n_nodes=600, n_groups=12, mean_degree=14, mixing=0.4, seed=2)
    weighted = nx.gnm_random_graph(300, 1500, seed=4)
    r = random.Random(5)
    for u, v in weighted.edges():
        weighted[u][v]["weight"] = r.uniform(0.1, 5.0)
    directed = nx.DiGraph(nx.planted_partition_graph(8, 25, 0.25, 0.02, seed=6, directed=True))
    return {
        "karate": nx.karate_club_graph(),
        "karate_unweighted": nx.Graph(nx.karate_club_graph().edges()),
        "lfr250": lfr,
        "lfr1000": lfr2,
        "planted": pp,
        "weighted": weighted,
        "les_miserables": nx.les_miserables_graph(),
        "gn_directed": nx.gn_graph(300, seed=1234),
        "planted_directed": directed,
    }


@pytest.mark.parametrize("name", list(_graphs()))
def test_modularity_at_least_networkx(name):
    G = _graphs()[name]
    seeds = range(20)  # both are randomised heuristics: compare their means over the same seeds
    ours = [nx.community.modularity(G, louvain_communities(G, seed=s)) for s in seeds]
    theirs = [nx.community.modularity(G, nx.community.louvain_communities(G, seed=s)) for s in seeds]
    assert np.mean(ours) >= np.mean(theirs) - 1e-9, (np.mean(ours), np.mean(theirs))
    # With a few trials, at least networkx's best.
    best = nx.community.modularity(G, louvain_communities(G, seed=0, n_trials=4))
    assert best >= max(theirs) - 1e-9


def test_planted_partition_recovered():
    from sklearn.metrics import adjusted_mutual_info_score

    G, groups = planted_partition(n_nodes=600, n_groups=12, mean_degree=14, mixing=0.2, seed=2)
    found = louvain_communities(G, seed=0)
    labels = np.empty(len(G), dtype=int)
    for c, members in enumerate(found):
        labels[list(members)] = c
    assert adjusted_mutual_info_score(groups, labels) > 0.97


# ----------------------------------------------------------------------------- behaviour
def test_two_triangles_and_determinism():
    G = two_triangles()
    assert sorted(sorted(c) for c in louvain_communities(G, seed=3)) == [[0, 1, 2], [3, 4, 5]]
    G2 = nx.LFR_benchmark_graph(1000, 3, 1.5, 0.4, average_degree=12, min_community=20, seed=10)
    a = louvain_communities(G2, seed=7, n_trials=4, n_jobs=1)
    b = louvain_communities(G2, seed=7, n_trials=4, n_jobs=3)
    assert a == b == louvain_communities(G2, seed=7, n_trials=4)
    assert louvain_communities(G2, seed=np.random.RandomState(1)) == louvain_communities(
        G2, seed=np.random.RandomState(1))
    assert louvain_communities(G2, seed=random.Random(2)) == louvain_communities(G2, seed=random.Random(2))


def test_inputs_nodes_and_matrices():
    G = nx.relabel_nodes(two_triangles(), {i: f"node-{i}" for i in range(6)})
    G.add_node("alone")
    found = louvain_communities(G, seed=1)
    assert sorted(sorted(c) for c in found) == [["alone"], ["node-0", "node-1", "node-2"],
                                               ["node-3", "node-4", "node-5"]]
    A = nx.to_scipy_sparse_array(two_triangles())
    assert sorted(sorted(c) for c in louvain_communities(A, seed=1)) == [[0, 1, 2], [3, 4, 5]]
    assert sorted(sorted(c) for c in louvain_communities(A.toarray(), seed=1)) == [[0, 1, 2], [3, 4, 5]]
    empty = nx.empty_graph(5)
    assert louvain_communities(empty) == [{0}, {1}, {2}, {3}, {4}]
    assert louvain_communities(nx.Graph()) == []


def test_multigraph_equals_summed_weights():
    G = nx.karate_club_graph()
    M = nx.MultiGraph(G)
    M.add_edge(0, 1, weight=9)
    G[0][1]["weight"] += 9
    assert louvain_communities(G, seed=5) == louvain_communities(M, seed=5)


def test_directed_uses_directed_modularity():
    G = nx.gn_graph(300, seed=1234)
    found = louvain_communities(G, seed=1)
    q_directed = nx.community.modularity(G, found)
    assert q_directed > 0.8
    merged = louvain_communities(G, seed=1, directed=False)
    assert nx.community.modularity(G.to_undirected(), merged) > 0.8


def test_resolution_threshold_and_max_level():
    G = nx.LFR_benchmark_graph(250, 3, 1.5, 0.009, average_degree=5, min_community=20, seed=10)
    sizes = [len(louvain_communities(G, resolution=r, seed=12)) for r in (0.2, 1.0, 5.0)]
    assert sizes[0] <= sizes[1] <= sizes[2] and sizes[0] < sizes[2]
    assert len(louvain_communities(G, resolution=0, seed=1)) == nx.number_connected_components(G)
    full = modularity(G, louvain_communities(G, seed=2))
    first_level = louvain_communities(G, max_level=1, seed=2)
    assert modularity(G, first_level) <= full + 1e-12
    assert len(first_level) >= len(louvain_communities(G, max_level=3, seed=2))
    # A huge threshold stops after the first level.
    assert louvain_communities(G, threshold=10.0, seed=2, refine=False) == first_level
    assert modularity(G, louvain_communities(G, seed=2, refine=False)) <= full + 1e-12


def test_bad_inputs():
    G = two_triangles()
    with pytest.raises(ValueError, match="resolution"):
        louvain_communities(G, resolution=-1)
    with pytest.raises(ValueError, match="resolution"):
        louvain_communities(G, resolution=float("nan"))
    with pytest.raises(TypeError, match="resolution"):
        louvain_communities(G, resolution="high")
    with pytest.raises(ValueError, match="resolution"):
        modularity(G, [set(G)], resolution=float("inf"))
    with pytest.raises(ValueError, match="threshold"):
        louvain_communities(G, threshold=float("nan"))
    with pytest.raises(ValueError, match="max_level"):
        louvain_communities(G, max_level=0)
    with pytest.raises(ValueError, match="n_trials"):
        louvain_communities(G, n_trials=0)
    bad = two_triangles()
    bad[0][1]["weight"] = -1.0
    with pytest.raises(ValueError, match="weight"):
        louvain_communities(bad)
    bad[0][1]["weight"] = float("nan")
    with pytest.raises(ValueError, match="weight"):
        louvain_communities(bad)
    with pytest.raises(ValueError, match="more than one community"):
        modularity(G, [{0, 1, 2}, {2, 3, 4, 5}])
    with pytest.raises(ValueError, match="in no community"):
        modularity(G, [{0, 1, 2}])
    with pytest.raises(ValueError, match="without"):
        modularity(nx.empty_graph(3), [{0, 1, 2}])


def test_kernel_rejects_bad_arguments():
    args = kernel_args(nx.to_numpy_array(two_triangles()))
    with pytest.raises(ValueError, match="resolution"):
        _core.graph.louvain(*args, False, resolution=-0.5)
    with pytest.raises(ValueError, match="max_level"):
        _core.graph.louvain(*args, False, max_levels=0)
    indptr, indices, data, n = args
    with pytest.raises(ValueError, match="non-negative"):
        _core.graph.louvain(indptr, indices, -data, n, False)


def test_itertools_helper_counts_bell_numbers():
    assert [sum(1 for _ in set_partitions(n)) for n in range(1, 7)] == [1, 2, 5, 15, 52, 203]
    assert list(itertools.islice(set_partitions(3), 1))[0].tolist() == [0, 0, 0]
