"""Score any partition with the two-level map equation."""

from __future__ import annotations

from typing import Any, Hashable, Iterable, NamedTuple, Optional

import numpy as np

from unsup import _core
from unsup.graph._adjacency import Adjacency, as_adjacency

__all__ = ["Codelength", "codelength", "map_equation", "labels_from_communities"]


class Codelength(NamedTuple):
    """A two-level codelength in bits: ``total = index + module``."""

    total: float
    index: float
    module: float
    one_level: float


def _flow_kwargs(teleportation: float, recorded_teleportation: bool, teleport_to_nodes: bool) -> dict:
    if not (isinstance(teleportation, (int, float, np.floating)) and 0.0 <= float(teleportation) < 1.0):
        raise ValueError(f"teleportation must be a number in [0, 1), got {teleportation!r}")
    return dict(
        teleportation=float(teleportation),
        recorded_teleportation=bool(recorded_teleportation),
        teleport_to_nodes=bool(teleport_to_nodes),
    )


def _score(adj: Adjacency, labels: np.ndarray, flow: dict) -> Codelength:
    out = _core.graph.map_equation(*adj.kernel_args(), labels, adj.directed, **flow)
    return Codelength(out["codelength"], out["index_codelength"], out["module_codelength"],
                      out["one_level_codelength"])


def _check_labels(labels: Any, n: int) -> np.ndarray:
    arr = np.asarray(labels)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"labels: expected one label per node ({n}), got shape {arr.shape}")
    if n == 0:
        return np.zeros(0, dtype=np.int32)
    _, compact = np.unique(arr, return_inverse=True)
    return compact.astype(np.int32).ravel()


def map_equation(adjacency: Any, labels: Any, *, directed: Optional[bool] = None, teleportation: float = 0.15,
                 recorded_teleportation: bool = False, teleport_to_nodes: bool = False,
                 detail: bool = False) -> Any:
    """Two-level codelength (bits) of the partition ``labels`` of a graph given as a matrix.

    Parameters
    ----------
    adjacency : sparse matrix, square array, edge array or networkx graph
        Entry ``(i, j)`` is the weight of the link ``i -> j``.
    labels : array-like of shape (n_nodes,)
        Module of each node; any hashable values (they are only compared for equality).
    directed : bool or None, default=None
        ``None``: directed unless the matrix is symmetric.
    teleportation : float, default=0.15
        Teleportation probability of the directed walker (PageRank's 1 - damping).
    recorded_teleportation : bool, default=False
        Encode teleportation steps (Infomap's ``--recorded-teleportation``).
    teleport_to_nodes : bool, default=False
        Teleport to nodes uniformly rather than to links (Infomap's ``--to-nodes``).
    detail : bool, default=False
        Return a :class:`Codelength` (total, index, module, one_level) instead of a float.

    Returns
    -------
    float or Codelength
        ``L = q H(Q) + sum_i p_i H(P_i)``, with flows computed as the official Infomap does.
    """
    adj = as_adjacency(adjacency, directed=directed, name="adjacency")
    result = _score(adj, _check_labels(labels, adj.n_nodes), _flow_kwargs(teleportation, recorded_teleportation,
                                                                         teleport_to_nodes))
    return result if detail else result.total


def labels_from_communities(nodes: Iterable[Hashable], communities: Iterable[Iterable[Hashable]],
                            name: str = "communities") -> np.ndarray:
    """Module index of each node of ``nodes``; every node must be in exactly one community."""
    index = {node: i for i, node in enumerate(nodes)}
    labels = np.full(len(index), -1, dtype=np.int32)
    for c, community in enumerate(communities):
        for node in community:
            i = index.get(node)
            if i is None:
                raise ValueError(f"{name}: node {node!r} is not in the graph")
            if labels[i] >= 0:
                raise ValueError(f"{name}: node {node!r} is in more than one community")
            labels[i] = c
    missing = np.flatnonzero(labels < 0)
    if missing.size:
        node = list(index)[missing[0]]
        raise ValueError(f"{name}: node {node!r} is in no community ({missing.size} node(s) missing)")
    return labels


def codelength(G: Any, communities: Iterable[Iterable[Hashable]], *, weight: Optional[str] = "weight",
               directed: Optional[bool] = None, teleportation: float = 0.15,
               recorded_teleportation: bool = False, teleport_to_nodes: bool = False,
               detail: bool = False) -> Any:
    """Two-level codelength (bits) of ``communities`` (a partition of the nodes of ``G``).

    Scores any partition, such as one from ``networkx.community.louvain_communities``.

    Parameters
    ----------
    G : networkx graph, sparse matrix or edge array
    communities : iterable of sets of nodes
        Every node in exactly one set.
    weight, directed, teleportation, recorded_teleportation, teleport_to_nodes
        As in :func:`unsup.graph.infomap_communities`.
    detail : bool, default=False
        Return a :class:`Codelength` instead of a float.

    Examples
    --------
    >>> import networkx as nx
    >>> from unsup.graph import codelength
    >>> G = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    >>> round(codelength(G, [{0, 1, 2}, {3, 4, 5}]), 4)
    2.3207
    """
    adj = as_adjacency(G, weight=weight, directed=directed)
    nodes = adj.nodes if adj.nodes is not None else range(adj.n_nodes)
    labels = labels_from_communities(nodes, communities)
    result = _score(adj, labels, _flow_kwargs(teleportation, recorded_teleportation, teleport_to_nodes))
    return result if detail else result.total
