"""InfoMap search: brute-force optimum on tiny graphs, planted partitions, inputs and errors."""

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import adjusted_mutual_info_score

from unsup.datasets import planted_partition, two_triangles
from unsup.graph import InfoMap, codelength, infomap_communities, map_equation

import map_equation_reference as reference


def labels_of(communities, nodes):
    index = {}
    for i, c in enumerate(communities):
        for v in c:
            index[v] = i
    return np.array([index[v] for v in nodes])


def test_two_triangles():
    found = infomap_communities(two_triangles(), seed=3)
    assert sorted(sorted(c) for c in found) == [[0, 1, 2], [3, 4, 5]]


@pytest.mark.parametrize("directed", [False, True])
def test_brute_force_optimum_on_tiny_graphs(directed):
    rng = np.random.default_rng(5 + directed)
    checked = 0
    for trial in range(12):
        n = int(rng.integers(4, 9))  # up to 8 nodes: 4140 partitions
        W = (rng.random((n, n)) < 0.45) * (rng.random((n, n)) + 0.2)
        np.fill_diagonal(W, 0.0)
        if not directed:
            W = np.triu(W)
            W = W + W.T
        if W.sum() == 0:
            continue
        best, _ = reference.brute_force_minimum(W, directed)
        est = InfoMap(affinity="precomputed", directed=directed, n_trials=5, random_state=trial).fit(sp.csr_array(W))
        assert est.codelength_ == pytest.approx(reference.codelength(W, est.labels_, directed), abs=1e-10)
        assert est.codelength_ <= best + 1e-9, (trial, est.codelength_, best)
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("mixing,min_ami", [(0.1, 0.99), (0.3, 0.97), (0.5, 0.9)])
def test_planted_partition_recovered(mixing, min_ami):
    G, groups = planted_partition(n_nodes=600, n_groups=12, mean_degree=14, mixing=mixing, seed=2)
    found = infomap_communities(G, seed=0, n_trials=3)
    ami = adjusted_mutual_info_score(groups, labels_of(found, range(len(G))))
    assert ami > min_ami
    planted = [set(np.flatnonzero(groups == g)) for g in range(12)]
    assert codelength(G, found) <= codelength(G, planted) + 1e-9


def test_string_nodes_and_weights():
    G = nx.relabel_nodes(two_triangles(), {i: f"node-{i}" for i in range(6)})
    nx.set_edge_attributes(G, 2.5, "w")
    found = infomap_communities(G, weight="w", seed=1)
    assert sorted(sorted(c) for c in found) == [["node-0", "node-1", "node-2"], ["node-3", "node-4", "node-5"]]


def test_isolated_nodes_become_singletons_and_self_loops_are_allowed():
    G = two_triangles()
    G.add_nodes_from(["lonely", "alone"])
    G.add_edge(0, 0, weight=3.0)
    found = infomap_communities(G, seed=1)
    assert {"lonely"} in found and {"alone"} in found
    assert sum(len(c) for c in found) == 8


def test_multigraph_parallel_edges_add_up():
    M = nx.MultiGraph(two_triangles())
    M.add_edge(2, 3)
    G = two_triangles()
    G[2][3]["weight"] = 2.0
    parts = [{0, 1, 2}, {3, 4, 5}]
    assert codelength(M, parts) == pytest.approx(codelength(G, parts))


def test_matrix_and_edge_array_inputs_agree():
    G = two_triangles()
    A = nx.to_scipy_sparse_array(G, nodelist=range(6))
    edges = np.array(list(G.edges()))
    for X in (A, A.toarray(), edges, sp.coo_matrix(A)):
        found = infomap_communities(X, seed=1)
        assert sorted(sorted(c) for c in found) == [[0, 1, 2], [3, 4, 5]]


def test_results_do_not_depend_on_n_jobs():
    G, _ = planted_partition(n_nodes=500, n_groups=10, mean_degree=10, mixing=0.5, seed=4)
    one = InfoMap(affinity="precomputed", n_trials=6, random_state=42, n_jobs=1).fit(G)
    two = InfoMap(affinity="precomputed", n_trials=6, random_state=42, n_jobs=2).fit(G)
    np.testing.assert_array_equal(one.labels_, two.labels_)
    assert one.codelength_ == two.codelength_


@pytest.mark.parametrize("directed", [False, True])
def test_large_networks_are_searched_in_locality_order_and_numbered_back(directed):
    """From 2**18 nodes the search runs on a copy numbered by breadth-first order; the labels
    must come back in the caller's numbering. Disjoint 6-cliques under shuffled node ids: every
    clique is one module, and the codelength is that of the labels as returned."""
    from unsup import _core

    size, n_cliques = 6, 44_000
    n = size * n_cliques
    assert n >= 2**18
    rng = np.random.default_rng(3)
    ids = rng.permutation(n).reshape(n_cliques, size)
    i, j = np.triu_indices(size, 1)
    src, dst = ids[:, i].ravel(), ids[:, j].ravel()
    a = sp.csr_array((np.ones(2 * src.size), (np.concatenate([src, dst]), np.concatenate([dst, src]))),
                     shape=(n, n))
    a.sort_indices()
    out = _core.graph.infomap(a.indptr.astype(np.int64), a.indices.astype(np.int32), a.data, n, directed,
                              n_trials=1, seed=0)
    labels = np.asarray(out["labels"])
    assert out["n_modules"] == n_cliques
    clique_labels = labels[ids]
    assert (clique_labels == clique_labels[:, :1]).all()
    assert np.unique(clique_labels[:, 0]).size == n_cliques
    assert map_equation(a, labels, directed=directed) == pytest.approx(out["codelength"], rel=1e-9)


@pytest.mark.parametrize("mixing", [0.2, 0.5, 0.7])
def test_candidate_pruning_changes_nothing_but_speed(mixing):
    """The lower bound that skips candidate modules is rigorous: the search takes the same path."""
    from unsup import _core

    G, _ = planted_partition(n_nodes=800, n_groups=16, mean_degree=12, mixing=mixing, seed=7)
    a = nx.to_scipy_sparse_array(G, format="csr", dtype=np.float64)
    rng = np.random.default_rng(1)
    a.data = rng.random(a.nnz) + 0.1  # unequal weights, kept symmetric below
    a = sp.csr_array((a + a.T) / 2)
    args = (a.indptr.astype(np.int64), a.indices.astype(np.int32), a.data, a.shape[0], False)
    for seed in range(3):
        pruned = _core.graph.infomap(*args, n_trials=2, seed=seed)
        exact = _core.graph.infomap(*args, n_trials=2, seed=seed, prune_candidates=False)
        np.testing.assert_array_equal(pruned["labels"], exact["labels"])
        assert pruned["codelength"] == exact["codelength"]


def test_estimator_attributes_are_consistent():
    G, _ = planted_partition(n_nodes=300, n_groups=6, mean_degree=10, mixing=0.2, seed=1)
    est = InfoMap(n_trials=2, random_state=0).fit(G)
    assert est.codelength_ == pytest.approx(est.index_codelength_ + est.module_codelength_)
    assert est.codelength_ < est.one_level_codelength_
    assert est.n_modules_ == len(np.unique(est.labels_)) == est.labels_.max() + 1
    assert est.flow_.sum() == pytest.approx(1.0)
    assert est.codelength_ == pytest.approx(map_equation(est.affinity_matrix_, est.labels_))
    module_flow = np.bincount(est.labels_, weights=est.flow_)
    assert np.all(np.diff(module_flow) <= 1e-12)  # modules ordered by decreasing flow


def test_no_structure_gives_one_module():
    G = nx.complete_graph(12)
    est = InfoMap(n_trials=3, random_state=0).fit(G)
    assert est.n_modules_ == 1
    assert est.codelength_ == pytest.approx(est.one_level_codelength_)


def test_directed_cycles_are_found():
    G = nx.DiGraph()
    for block in range(3):
        ring = [block * 5 + i for i in range(5)]
        nx.add_cycle(G, ring)
    G.add_edges_from([(0, 5), (5, 10), (10, 0)])
    found = infomap_communities(G, seed=0)
    assert sorted(sorted(c) for c in found) == [list(range(0, 5)), list(range(5, 10)), list(range(10, 15))]


def test_feature_rows_through_knn_graph():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(c, 0.2, (40, 3)) for c in (0, 5, 10)])
    truth = np.repeat([0, 1, 2], 40)
    est = InfoMap(n_neighbors=8, random_state=0).fit(X)
    # Sparse kNN graphs of Gaussian blobs have sub-structure that the map equation may split off.
    assert est.codelength_ <= map_equation(est.affinity_matrix_, truth) + 1e-9
    est = InfoMap(n_neighbors=15, random_state=0).fit(X)
    assert est.n_modules_ == 3
    assert adjusted_mutual_info_score(truth, est.labels_) == pytest.approx(1.0)


@pytest.mark.parametrize("bad", [-1.0, np.nan, np.inf])
def test_bad_weights_raise_value_error_naming_the_argument(bad):
    G = two_triangles()
    G[0][1]["weight"] = bad
    with pytest.raises(ValueError, match="weight"):
        infomap_communities(G)
    A = nx.to_scipy_sparse_array(G, nodelist=range(6))
    with pytest.raises(ValueError, match="adjacency|weight"):
        map_equation(A, np.zeros(6))
    with pytest.raises(ValueError, match="weight"):
        infomap_communities(np.array([[0, 1, bad], [1, 2, 1.0], [2, 0, 1.0]]))


def test_other_bad_inputs():
    with pytest.raises(ValueError, match="square"):
        InfoMap(affinity="precomputed").fit(sp.csr_array(np.ones((3, 4))))
    with pytest.raises(TypeError, match="networkx graph"):
        infomap_communities("not a graph")
    with pytest.raises(ValueError, match="n_trials"):
        infomap_communities(two_triangles(), n_trials=0)
    with pytest.raises(ValueError, match="n_jobs"):
        infomap_communities(two_triangles(), n_jobs=0)
    with pytest.raises(ValueError, match="affinity"):
        InfoMap(affinity="rbf").fit(np.ones((5, 2)))
    with pytest.raises(ValueError, match="edge array"):
        infomap_communities(np.array([[0, -1], [1, 2], [2, 3]]))
    with pytest.raises(ValueError, match="teleportation"):
        infomap_communities(nx.DiGraph([(0, 1)]), teleportation=-0.1)


def test_empty_and_edgeless_graphs():
    assert infomap_communities(nx.Graph()) == []
    G = nx.empty_graph(4)
    found = infomap_communities(G, seed=0)
    assert sorted(sorted(c) for c in found) == [[0], [1], [2], [3]]


@pytest.mark.parametrize("data", [[1.0, 0.0, 2.0, 1.0], [1, 1, 2, 1]], ids=["float-with-zero", "int"])
def test_caller_matrix_is_not_modified(data):
    # Unsorted indices force a clean-up; integer weights share indices with the float copy.
    A = sp.csr_array((np.array(data), np.array([1, 0, 0, 0]), np.array([0, 2, 3, 4])), shape=(3, 3))
    A.has_sorted_indices = False
    before = (A.data.copy(), A.indices.copy(), A.indptr.copy())
    infomap_communities(A, seed=0)
    for old, new in zip(before, (A.data, A.indices, A.indptr)):
        np.testing.assert_array_equal(old, new)
