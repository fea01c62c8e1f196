"""Generated graphs with known community structure."""

from __future__ import annotations

from typing import Tuple

import networkx as nx
import numpy as np

from unsup.utils.validation import check_positive_int, check_seed

__all__ = ["planted_partition", "two_triangles"]


def two_triangles() -> nx.Graph:
    """Two triangles joined by one edge: the map equation's textbook example.

    Codelengths (bits): one module 2.5567, the two triangles 2.3207, singletons 4.5567.
    """
    return nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])


def planted_partition(n_nodes: int = 1000, n_groups: int = 20, mean_degree: float = 12.0, mixing: float = 0.3,
                      seed: int = 0) -> Tuple[nx.Graph, np.ndarray]:
    """A random graph with planted groups of equal size.

    Each edge joins two nodes of the same group with probability ``1 - mixing`` and two
    nodes of different groups otherwise (so ``mixing`` is the expected fraction of edges
    that cross groups, LFR's mu). Edges are drawn without Python loops; duplicates and
    self-loops are dropped.

    Parameters
    ----------
    n_nodes : int, default=1000
    n_groups : int, default=20
    mean_degree : float, default=12.0
    mixing : float, default=0.3
        In [0, 1).
    seed : int, default=0

    Returns
    -------
    G : networkx.Graph
        Nodes ``0 .. n_nodes - 1``; each node's group is stored as attribute ``"group"``.
    groups : ndarray of shape (n_nodes,)
        The planted group of each node.
    """
    n_nodes = check_positive_int(n_nodes, "n_nodes", minimum=2)
    n_groups = check_positive_int(n_groups, "n_groups")
    if n_groups > n_nodes // 2:
        raise ValueError(f"n_groups must be at most n_nodes // 2 = {n_nodes // 2}, got {n_groups}")
    if not 0.0 <= mixing < 1.0:
        raise ValueError(f"mixing must be in [0, 1), got {mixing}")
    if not mean_degree > 0:
        raise ValueError(f"mean_degree must be positive, got {mean_degree}")
    rng = np.random.default_rng(check_seed(seed, "seed"))
    groups = np.arange(n_nodes) % n_groups
    rng.shuffle(groups)
    members = [np.flatnonzero(groups == g) for g in range(n_groups)]
    sizes = np.array([len(m) for m in members])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    by_group = np.concatenate(members)

    n_edges = int(round(n_nodes * mean_degree / 2))
    n_out = rng.binomial(n_edges, mixing) if n_groups > 1 else 0
    n_in = n_edges - n_out
    g_in = rng.integers(0, n_groups, n_in)
    u_in = by_group[starts[g_in] + rng.integers(0, sizes[g_in])]
    v_in = by_group[starts[g_in] + rng.integers(0, sizes[g_in])]
    u_out = rng.integers(0, n_nodes, n_out)
    v_out = rng.integers(0, n_nodes, n_out)
    cross = groups[u_out] != groups[v_out]
    u = np.concatenate([u_in, u_out[cross]])
    v = np.concatenate([v_in, v_out[cross]])
    keep = u != v
    G = nx.Graph()
    G.add_nodes_from((i, {"group": int(groups[i])}) for i in range(n_nodes))
    G.add_edges_from(zip(u[keep].tolist(), v[keep].tolist()))
    return G, groups
