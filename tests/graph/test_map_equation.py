"""The map equation: published values, an independent oracle, and delta == full recomputation."""

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from unsup import _core
from unsup.datasets import two_triangles
from unsup.graph import codelength, map_equation
from unsup.graph._adjacency import as_adjacency

import map_equation_reference as reference


def random_weights(n, density, rng, directed, self_loops=True, weighted=True):
    W = (rng.random((n, n)) < density) * (rng.random((n, n)) * 2 + 0.1 if weighted else 1.0)
    if not self_loops:
        np.fill_diagonal(W, 0.0)
    if not directed:
        W = np.triu(W)
        W = W + np.triu(W, 1).T
    return W


def test_two_triangles_published_values():
    G = two_triangles()
    assert codelength(G, [set(G)]) == pytest.approx(2.5567, abs=5e-5)
    assert codelength(G, [{0, 1, 2}, {3, 4, 5}]) == pytest.approx(2.3207, abs=5e-5)
    assert codelength(G, [{v} for v in G]) == pytest.approx(4.5567, abs=5e-5)
    detail = codelength(G, [{0, 1, 2}, {3, 4, 5}], detail=True)
    assert detail.index == pytest.approx(1 / 7)
    assert detail.total == pytest.approx(detail.index + detail.module)
    assert detail.one_level == pytest.approx(2.5567, abs=5e-5)


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("recorded,to_nodes", [(False, False), (True, False), (True, True), (False, True)])
def test_full_recomputation_matches_dense_oracle(directed, recorded, to_nodes):
    if not directed and (recorded or to_nodes):
        pytest.skip("teleportation options only apply to directed flow")
    rng = np.random.default_rng(7)
    for trial in range(6):
        n = int(rng.integers(3, 12))
        W = random_weights(n, 0.4, rng, directed)
        if W.sum() == 0:
            continue
        labels = rng.integers(0, 4, n)
        ours = map_equation(sp.csr_array(W), labels, directed=directed, recorded_teleportation=recorded,
                            teleport_to_nodes=to_nodes)
        oracle = reference.codelength(W, labels, directed, recorded=recorded, to_nodes=to_nodes)
        assert ours == pytest.approx(oracle, abs=1e-10)


@pytest.mark.parametrize("directed,recorded", [(False, False), (True, False), (True, True)])
@pytest.mark.parametrize("weighted", [False, True])
def test_delta_equals_full_recomputation_after_random_moves(directed, recorded, weighted):
    rng = np.random.default_rng(11)
    n = 25
    W = random_weights(n, 0.2, rng, directed, self_loops=True, weighted=weighted)
    A = sp.csr_array(W)
    adj = as_adjacency(A, directed=directed)
    labels = rng.integers(0, 6, n).astype(np.int32)
    nodes = rng.integers(0, n, 60).astype(np.int32)
    targets = rng.integers(0, n, 60).astype(np.int32)  # includes empty modules
    deltas = _core.graph.move_deltas(*adj.kernel_args(), labels, nodes, targets, directed,
                                     recorded_teleportation=recorded)
    cur = labels.copy()
    before = map_equation(A, cur, directed=directed, recorded_teleportation=recorded)
    for node, target, delta in zip(nodes, targets, deltas):
        cur[node] = target
        after = map_equation(A, cur, directed=directed, recorded_teleportation=recorded)
        assert delta == pytest.approx(after - before, abs=1e-12)
        before = after


def test_self_loop_counts_once_in_undirected_flow():
    G = nx.Graph([(0, 1), (1, 2), (0, 2)])
    G.add_edge(0, 0, weight=2.0)
    W = nx.to_numpy_array(G, nodelist=[0, 1, 2])
    assert W[0, 0] == 2.0
    for labels in ([0, 0, 0], [0, 1, 1], [0, 1, 2]):
        assert map_equation(W, labels) == pytest.approx(reference.codelength(W, labels, False))


def test_scoring_other_algorithms_partitions():
    G = nx.karate_club_graph()
    louvain = nx.community.louvain_communities(G, seed=1)
    assert codelength(G, louvain) < codelength(G, [set(G)])


def test_bad_partitions_are_rejected():
    G = two_triangles()
    with pytest.raises(ValueError, match="in no community"):
        codelength(G, [{0, 1, 2}, {3, 4}])
    with pytest.raises(ValueError, match="more than one community"):
        codelength(G, [{0, 1, 2, 3}, {3, 4, 5}])
    with pytest.raises(ValueError, match="not in the graph"):
        codelength(G, [{0, 1, 2}, {3, 4, 5, 99}])
    with pytest.raises(ValueError, match="labels"):
        map_equation(nx.to_scipy_sparse_array(G), [0, 1])
    with pytest.raises(ValueError, match="teleportation"):
        map_equation(nx.to_scipy_sparse_array(G), [0] * 6, teleportation=1.5)
