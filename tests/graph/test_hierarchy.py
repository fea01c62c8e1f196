"""The multilevel map equation: codelength of module trees, the recursive search, the API."""

import warnings

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import adjusted_mutual_info_score

from unsup import _core
from unsup.graph import (InfoMap, InfomapTree, hierarchical_codelength, infomap_communities, infomap_hierarchy,
                         map_equation)
from unsup.graph._adjacency import as_adjacency
from unsup.graph.hierarchy import _tree_arrays


def plogp(x):
    x = np.asarray(x, dtype=float)
    return float(np.sum(np.where(x > 0, x * np.log2(np.where(x > 0, x, 1)), 0.0)))


def random_graph(rng, n, m, directed=False, weighted=True):
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    w = rng.random(m) + 0.5 if weighted else np.ones(m)
    A = sp.csr_array(sp.coo_array((w, (src, dst)), shape=(n, n)))
    A.setdiag(0)
    A.eliminate_zeros()
    return A if directed else sp.csr_array(A + A.T)


def random_paths(rng, n, max_depth):
    """A random tree: each node's path is a prefix chain of random branches."""
    paths = []
    for _ in range(n):
        depth = int(rng.integers(0, max_depth + 1))
        paths.append(tuple(int(x) for x in rng.integers(0, 2, depth)))
    return paths


def brute_force(A, paths):
    """Multilevel codelength of an undirected graph straight from the definition."""
    A = sp.csr_array(A)
    total = A.sum()
    p = np.asarray(A.sum(axis=1)).ravel() / total
    coo = A.tocoo()
    modules = sorted({path[:d] for path in paths for d in range(1, len(path) + 1)})

    def inside(path, module):
        return path[:len(module)] == module

    exit_ = {}
    for module in modules:
        members = np.array([inside(path, module) for path in paths])
        crossing = members[coo.row] & ~members[coo.col]
        exit_[module] = coo.data[crossing].sum() / total
    L = 0.0
    for book in [()] + modules:
        rate_terms = [] if book == () else [exit_[book]]
        rate_terms += [exit_[m] for m in modules if len(m) == len(book) + 1 and m[:len(book)] == book]
        rate_terms += [p[v] for v, path in enumerate(paths) if path == book]
        L += plogp(sum(rate_terms)) - plogp(rate_terms)
    return L


def nested_sbm(seed, groups=4, blocks=4, size=16, p_in=0.5, p_mid=0.06, p_out=0.003, directed=False):
    rng = np.random.default_rng(seed)
    n = groups * blocks * size
    block = np.arange(n) // size
    group = block // blocks
    P = np.where(block[:, None] == block[None, :], p_in, np.where(group[:, None] == group[None, :], p_mid, p_out))
    A = rng.random((n, n)) < P
    np.fill_diagonal(A, False)
    if not directed:
        A = np.triu(A, 1)
        A = A | A.T
    return sp.csr_array(A.astype(float)), block, group


def triangles_of_triangles():
    """Three groups of three triangles: triangles linked in a triangle, groups by single links."""
    G = nx.Graph()
    for g in range(3):
        for t in range(3):
            base = 9 * g + 3 * t
            G.add_edges_from([(base, base + 1), (base + 1, base + 2), (base, base + 2)])
        G.add_edges_from([(9 * g, 9 * g + 3), (9 * g + 4, 9 * g + 6), (9 * g + 7, 9 * g + 1)])
    G.add_edges_from([(2, 11), (14, 20), (23, 5)])
    return G


# ---------------------------------------------------------------- codelength of a given tree

@pytest.mark.parametrize("directed,recorded", [(False, False), (True, False), (True, True)])
def test_two_level_tree_is_the_map_equation(directed, recorded):
    rng = np.random.default_rng(0)
    for _ in range(5):
        A = random_graph(rng, 40, 150, directed)
        labels = rng.integers(0, 5, 40)
        ours = hierarchical_codelength(A, [(int(x),) for x in labels], directed=directed,
                                       recorded_teleportation=recorded)
        assert ours == pytest.approx(map_equation(A, labels, directed=directed, recorded_teleportation=recorded),
                                     abs=1e-12)
        # a 1-d array means the same two-level tree
        assert hierarchical_codelength(A, labels, directed=directed, recorded_teleportation=recorded) == ours


def test_one_level_and_single_child_trees():
    G = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    assert hierarchical_codelength(G, [()] * 6) == pytest.approx(2.5567, abs=1e-4)
    assert hierarchical_codelength(G, [(0,), (0,), (0,), (1,), (1,), (1,)]) == pytest.approx(2.3207, abs=1e-4)
    # one top module holding everything: its codebook never exits, the root's never enters
    assert hierarchical_codelength(G, [(0,)] * 6) == pytest.approx(2.5567, abs=1e-4)
    # a module with a single sub-module pays for entering it
    single = hierarchical_codelength(G, {n: (n // 3, 0) for n in G})
    assert single > hierarchical_codelength(G, [(0,), (0,), (0,), (1,), (1,), (1,)])
    assert single == pytest.approx(brute_force(nx.to_scipy_sparse_array(G), [(n // 3, 0) for n in G]), abs=1e-12)


def test_matches_brute_force_on_tiny_trees():
    rng = np.random.default_rng(1)
    for _ in range(30):
        n = int(rng.integers(4, 12))
        A = random_graph(rng, n, 3 * n)
        paths = random_paths(rng, n, 3)
        assert hierarchical_codelength(A, paths) == pytest.approx(brute_force(A, paths), abs=1e-12)


def test_detail_tree_adds_up():
    A, block, group = nested_sbm(0, groups=3, blocks=2, size=8)
    paths = [(int(g), int(b)) for g, b in zip(group, block)]
    tree = hierarchical_codelength(A, paths, detail=True)
    assert isinstance(tree, InfomapTree)
    assert sum(m.codelength for m in tree.root.walk()) == pytest.approx(tree.codelength, abs=1e-12)
    assert tree.depth == 2 and len(tree.root.children) == 3
    for m in tree.root.walk():
        if m.children:
            assert sum(c.flow for c in m.children) == pytest.approx(m.flow)
    assert hierarchical_codelength(A, tree) == pytest.approx(tree.codelength, abs=1e-12)


@pytest.mark.parametrize("tree,match", [
    ([(0,)] * 3, "one path per node"),
    ([(0,), (-1,), (0,), (1,)], "negative"),
    ([(0,), ("a",), (0,), (1,)], "sequence of ints"),
    ([(0,), (0.5,), (0,), (1,)], "integers"),
    ({0: (0,)}, "no path"),
    (np.zeros((2, 2, 2)), "1-d"),
])
def test_bad_trees(tree, match):
    G = nx.path_graph(4)
    with pytest.raises(ValueError, match=match):
        hierarchical_codelength(G, tree)


def test_kernel_rejects_malformed_trees():
    adj = as_adjacency(nx.path_graph(3))
    with pytest.raises(ValueError, match="cycle"):
        _core.graph.hierarchical_codelength(*adj.kernel_args(), np.array([1, 0], np.int32),
                                            np.array([0, 0, 1], np.int32), False)
    with pytest.raises(ValueError, match="hold a node"):
        _core.graph.hierarchical_codelength(*adj.kernel_args(), np.array([-1, -1], np.int32),
                                            np.array([0, 0, 0], np.int32), False)


def test_tree_arrays():
    parent, leaf = _tree_arrays([(1, 0), (1, 0), (1, 2), (), (3,)], 5)
    assert parent.tolist() == [-1, 0, 0, -1]
    assert leaf.tolist() == [1, 1, 2, -1, 3]


# ---------------------------------------------------------------- parity with the official Infomap

def official_tree(A, directed, **kwargs):
    infomap = pytest.importorskip("infomap")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        im = infomap.Infomap(silent=True, directed=directed, num_trials=3, seed=2, num_threads=1, **kwargs)
        coo = sp.coo_array(A)
        for u, v, w in zip(coo.row, coo.col, coo.data):
            if directed or u <= v:
                im.add_link(int(u), int(v), float(w))
        im.add_nodes(range(A.shape[0]))
        im.run()
        paths = {node.node_id: tuple(node.path[:-1]) for node in im.get_tree(depth_level=-1) if node.is_leaf}
        return [paths[v] for v in range(A.shape[0])], im.codelength


@pytest.mark.parametrize("directed,recorded", [(False, False), (True, False), (True, True)])
def test_official_parity_on_its_own_tree(directed, recorded):
    depths = []
    for seed in range(3):
        A, _, _ = nested_sbm(seed, directed=directed)
        kwargs = dict(recorded_teleportation=True) if recorded else {}
        paths, theirs = official_tree(A, directed, **kwargs)
        depths.append(max(len(p) for p in paths))
        ours = hierarchical_codelength(A, paths, directed=directed, recorded_teleportation=recorded)
        assert ours == pytest.approx(theirs, rel=1e-9)
    assert max(depths) >= 2  # the official trees are multilevel


# ---------------------------------------------------------------- the search

def top_and_leaf(tree):
    return tree.labels(1), tree.labels(-1)


def test_triangles_of_triangles():
    G = triangles_of_triangles()
    tree = infomap_hierarchy(G, seed=0)
    top, leaf = top_and_leaf(tree)
    nodes = np.array(tree.nodes)
    assert adjusted_mutual_info_score(nodes // 9, top) == pytest.approx(1.0)
    assert adjusted_mutual_info_score(nodes // 3, leaf) == pytest.approx(1.0)
    assert tree.depth == 2
    two = InfoMap(affinity="precomputed", hierarchical=False, random_state=0).fit(nx.to_scipy_sparse_array(G))
    assert tree.codelength < two.codelength_


@pytest.mark.parametrize("directed", [False, True])
def test_nested_sbm_recovered(directed):
    for seed in range(3):
        A, block, group = nested_sbm(seed, directed=directed)
        est = InfoMap(affinity="precomputed", directed=directed, random_state=seed).fit(A)
        assert adjusted_mutual_info_score(group, est.labels_) == pytest.approx(1.0)
        assert adjusted_mutual_info_score(block, est.leaf_labels_) > 0.95
        assert est.codelength_ < est.two_level_codelength_
        # the search's running value is the full recomputation of its tree
        assert hierarchical_codelength(A, est.tree_, directed=directed) == pytest.approx(est.codelength_, abs=1e-9)


def test_running_value_matches_full_recomputation():
    rng = np.random.default_rng(5)
    for directed in (False, True):
        for seed in range(4):
            A, _, _ = nested_sbm(seed, groups=3, blocks=3, size=10, p_mid=0.1, directed=directed)
            A = sp.csr_array(A.multiply(rng.random(A.shape) + 0.5)) if directed else A
            out = _core.graph.infomap_multilevel(*as_adjacency(A, directed=directed).kernel_args(), directed,
                                                 n_trials=3, seed=seed)
            assert out["search_codelength"] == pytest.approx(out["codelength"], abs=1e-9)
            assert out["codelength"] <= out["two_level_codelength"] + 1e-12


def test_n_jobs_invariance():
    A, _, _ = nested_sbm(3, groups=4, blocks=3, size=12)
    trees = [infomap_hierarchy(A, seed=7, n_trials=4, n_jobs=j) for j in (1, 2, 4)]
    for t in trees[1:]:
        assert t.paths == trees[0].paths
        assert t.codelength == trees[0].codelength


def test_api():
    A, block, group = nested_sbm(1)
    communities = infomap_communities(A, hierarchical=True, seed=0)
    labels = np.empty(A.shape[0], dtype=int)
    for c, members in enumerate(communities):
        labels[list(members)] = c
    assert adjusted_mutual_info_score(group, labels) == pytest.approx(1.0)
    # the default stays two-level
    two = infomap_communities(A, seed=0)
    est2 = InfoMap(affinity="precomputed", hierarchical=False, random_state=0).fit(A)
    assert len(two) == est2.n_modules_ and est2.tree_ is None
    assert est2.codelength_ == pytest.approx(map_equation(A, est2.labels_))
    est = InfoMap(affinity="precomputed", random_state=0).fit(A)
    assert est.n_modules_ == len(est.tree_.root.children) == len(set(est.labels_))
    assert est.index_codelength_ + est.module_codelength_ == pytest.approx(est.codelength_)
    assert [len(m.all_nodes()) for m in est.tree_.modules(1)] == np.bincount(est.labels_).tolist()
    flows = [m.flow for m in est.tree_.root.children]
    assert flows == sorted(flows, reverse=True)
