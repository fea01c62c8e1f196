"""The multilevel map equation (Rosvall & Bergstrom 2011): module trees, their codelength, the search.

A module tree nests modules: the root (the whole network) holds top modules, which hold
sub-modules, and so on; every node sits in one innermost module. A random walk is described
with one codebook per module: the root's codebook has a codeword for entering each top module,
and every module's codebook has one for leaving it, one for entering each of its sub-modules and
one for visiting each node directly in it. The codelength is the sum over codebooks of the rate
at which the codebook is used times its entropy:

    L = q H(Q) + sum over modules m of  (q_m_exit + sum_children q_enter + sum_nodes p) H(P_m)

With one level of modules this is the two-level map equation.

Trees are written as **paths**, one per node: ``path[i] = (m1, m2, ..., md)`` says node ``i``
lies in top module ``m1``, in its sub-module ``m2``, ..., in module ``md`` (integers name modules
among their siblings; any non-negative values). ``()`` puts a node directly under the root.
This is the official Infomap's node path without its last entry (the node's place in its module).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Dict, Hashable, Iterator, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from unsup import _core
from unsup.graph._adjacency import Adjacency, as_adjacency
from unsup.graph.map_equation import _flow_kwargs
from unsup.utils.validation import check_n_jobs, check_positive_int, check_seed

__all__ = ["HierarchyModule", "InfomapTree", "hierarchical_codelength", "infomap_hierarchy"]

Path = Tuple[int, ...]


@dataclass
class HierarchyModule:
    """One module of a module tree (the root too).

    Attributes
    ----------
    path : tuple of int
        Position in the tree: ``()`` for the root, ``(2,)`` for the third top module,
        ``(2, 0)`` for its first sub-module. Siblings are numbered by decreasing flow.
    flow : float
        Visit rate of the module's nodes (1 at the root, for a connected network).
    enter, exit : float
        Rates at which the walker enters and leaves the module (0 at the root).
    codelength : float
        This module's codebook: its use rate times its entropy (bits per step). At the root,
        the index codelength. The tree's codelength is the sum over all modules.
    children : list of HierarchyModule
        Sub-modules, by decreasing flow.
    nodes : list
        Nodes directly in this module (non-empty for innermost modules).
    """

    path: Path
    flow: float
    enter: float
    exit: float
    codelength: float
    children: List["HierarchyModule"] = field(default_factory=list)
    nodes: List[Hashable] = field(default_factory=list)

    @property
    def depth(self) -> int:
        """0 for the root, 1 for top modules, ..."""
        return len(self.path)

    def walk(self) -> Iterator["HierarchyModule"]:
        """This module and all modules below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def all_nodes(self) -> List[Hashable]:
        """Every node at or below this module."""
        return [node for module in self.walk() for node in module.nodes]

    def __repr__(self) -> str:
        return (f"HierarchyModule(path={self.path}, flow={self.flow:.6g}, {len(self.children)} children, "
                f"{len(self.nodes)} nodes, codelength={self.codelength:.6g})")


@dataclass
class InfomapTree:
    """A module tree with its multilevel codelength.

    Attributes
    ----------
    root : HierarchyModule
        The whole network; ``root.children`` are the top modules.
    paths : list of tuple of int
        Path of each node's innermost module (node order as in ``nodes``), siblings numbered
        by decreasing flow.
    nodes : list
        The nodes, in the order of ``paths`` (networkx node objects or ``0..n-1``).
    codelength : float
        Multilevel codelength in bits (sum of every module's ``codelength``).
    index_codelength : float
        The root's codebook (entering top modules).
    """

    root: HierarchyModule
    paths: List[Path]
    nodes: List[Hashable]
    codelength: float
    index_codelength: float
    # From the search: each node's innermost module (-1: the root) and each module's path, so
    # that labels() needs no pass over the nodes' paths in Python.
    _leaf_of: Optional[np.ndarray] = field(default=None, repr=False, compare=False)
    _module_paths: Optional[List[Path]] = field(default=None, repr=False, compare=False)

    @property
    def depth(self) -> int:
        """Number of module levels (1: a two-level partition)."""
        return max((len(p) for p in self.paths), default=0)

    def labels(self, level: int = 1) -> np.ndarray:
        """Module of each node at ``level`` (1: top modules; -1: innermost modules).

        Nodes whose innermost module is shallower than ``level`` keep that module. Labels are
        ``0..k-1`` in order of the modules' paths.
        """
        if not isinstance(level, (int, np.integer)) or level == 0 or level < -1:
            raise ValueError(f"level must be a positive int or -1, got {level!r}")
        if self._leaf_of is not None and self._module_paths is not None:
            # Per module (slot 0: the root), then indexed by each node's innermost module.
            cut = [p if level == -1 else p[:level] for p in [()] + self._module_paths]
            held = np.flatnonzero(np.bincount(self._leaf_of + 1, minlength=len(cut)))  # slots with nodes
            order = {p: i for i, p in enumerate(sorted(set(cut[s] for s in held.tolist())))}
            slot_label = np.array([order.get(p, -1) for p in cut], dtype=np.int64)
            return slot_label[self._leaf_of + 1]
        cut = [p if level == -1 else p[:level] for p in self.paths]
        order = {p: i for i, p in enumerate(sorted(set(cut)))}
        return np.array([order[p] for p in cut], dtype=np.int64)

    def modules(self, level: int = 1) -> List[HierarchyModule]:
        """The modules at ``level`` (1: top modules), in path order."""
        return [m for m in self.root.walk() if m.depth == level]


def _tree_arrays(paths: Sequence[Any], n: int, name: str = "tree") -> Tuple[np.ndarray, np.ndarray]:
    """(parent of each module, innermost module of each node) from one path per node."""
    if len(paths) != n:
        raise ValueError(f"{name}: expected one path per node ({n}), got {len(paths)}")
    ids: Dict[Path, int] = {}
    parent: List[int] = []
    leaf = np.full(n, -1, dtype=np.int32)
    for v, raw in enumerate(paths):
        if isinstance(raw, (int, np.integer)):
            path: Path = (int(raw),)
        else:
            try:
                path = tuple(int(x) for x in raw)
            except (TypeError, ValueError):
                raise ValueError(f"{name}: path of node {v} must be a sequence of ints, got {raw!r}") from None
            if any(x != y for x, y in zip(path, raw)):
                raise ValueError(f"{name}: path of node {v} must hold integers, got {raw!r}")
        if any(x < 0 for x in path):
            raise ValueError(f"{name}: path of node {v} has a negative module index: {path}")
        prev = -1
        for d in range(1, len(path) + 1):
            key = path[:d]
            m = ids.get(key)
            if m is None:
                m = ids[key] = len(parent)
                parent.append(prev)
            prev = m
        leaf[v] = prev
    return np.asarray(parent, dtype=np.int32), leaf


def _as_paths(tree: Any, adj: Adjacency) -> List[Any]:
    """One path per node of ``adj`` from the accepted tree inputs."""
    if isinstance(tree, InfomapTree):
        return list(tree.paths)
    nodes = adj.nodes
    if isinstance(tree, Mapping):
        keys = nodes if nodes is not None else range(adj.n_nodes)
        missing = [node for node in keys if node not in tree]
        if missing:
            raise ValueError(f"tree: node {missing[0]!r} has no path ({len(missing)} node(s) missing)")
        return [tree[node] for node in keys]
    if isinstance(tree, np.ndarray):
        if tree.ndim == 1:
            return [(int(x),) for x in tree]
        if tree.ndim == 2:
            return [tuple(row) for row in tree.tolist()]
        raise ValueError(f"tree: an array must be 1-d (labels) or 2-d (one path per row), got {tree.ndim}-d")
    try:
        return list(tree)
    except TypeError:
        raise ValueError(f"tree: expected paths (one per node), a mapping node -> path, an array or an "
                         f"InfomapTree, got {type(tree).__name__}") from None


def _build_tree(adj: Adjacency, parent: np.ndarray, leaf_of: np.ndarray, out: dict) -> InfomapTree:
    """An InfomapTree from the kernels' arrays, siblings numbered by decreasing flow."""
    n_modules = parent.shape[0]
    flow, enter, exit_, book = (np.asarray(out[k]) for k in ("module_flow", "module_enter", "module_exit",
                                                               "module_codebook"))
    node_list = list(adj.nodes) if adj.nodes is not None else list(range(adj.n_nodes))
    children: List[List[int]] = [[] for _ in range(n_modules + 1)]  # slot 0: the root
    for m, up in enumerate(np.asarray(parent, dtype=np.int64).tolist()):
        children[up + 1].append(m)
    # The nodes of each slot (module m in slot m + 1), grouped by one stable sort.
    leaf = np.asarray(leaf_of, dtype=np.int64)
    by_slot = np.argsort(leaf, kind="stable")
    bounds = np.searchsorted(leaf[by_slot], np.arange(-1, n_modules + 1)).tolist()

    def own_nodes(slot: int) -> List[Hashable]:
        members = by_slot[bounds[slot]:bounds[slot + 1]].tolist()
        return members if adj.nodes is None else [node_list[v] for v in members]
    total_flow = float(np.sum(out["flow"]))
    root = HierarchyModule((), total_flow, 0.0, 0.0, float(out["index_codelength"]))
    module_path: List[Path] = [()] * n_modules
    stack = [(root, 0)]
    while stack:
        node, slot = stack.pop()
        node.nodes = own_nodes(slot)
        kids = sorted(children[slot], key=lambda m: (-flow[m], m))
        for i, m in enumerate(kids):
            child = HierarchyModule(node.path + (i,), float(flow[m]), float(enter[m]), float(exit_[m]),
                                    float(book[m]))
            module_path[m] = child.path
            node.children.append(child)
            stack.append((child, m + 1))
    slot_path = np.empty(n_modules + 1, dtype=object)  # slot 0: the root
    slot_path[0] = ()
    for m, path in enumerate(module_path):  # one by one: numpy would unpack equal-length tuples
        slot_path[m + 1] = path
    paths = slot_path[leaf + 1].tolist()
    return InfomapTree(root, paths, node_list, float(out["codelength"]), float(out["index_codelength"]),
                       leaf, module_path)


def hierarchical_codelength(G: Any, tree: Any, *, weight: Optional[str] = "weight", directed: Optional[bool] = None,
                            teleportation: float = 0.15, recorded_teleportation: bool = False,
                            teleport_to_nodes: bool = False, detail: bool = False) -> Any:
    """Multilevel codelength (bits) of a module tree of ``G``.

    Parameters
    ----------
    G : networkx graph, sparse matrix, square array or edge array
        As in :func:`unsup.graph.infomap_communities`.
    tree : sequence of paths, mapping node -> path, ndarray or InfomapTree
        One path per node (see the module docstring): ``tree[i] = (m1, ..., md)``, the chain of
        modules from the top that holds node ``i`` (``()``: directly under the root; an int
        ``m`` means ``(m,)``). Networkx graphs take paths in ``G``'s node order or a mapping
        from nodes. A 1-d array holds two-level labels, a 2-d array one path per row.
    weight, directed, teleportation, recorded_teleportation, teleport_to_nodes
        As in :func:`unsup.graph.infomap_communities`.
    detail : bool, default=False
        Return the scored :class:`InfomapTree` (flows and codebook of every module) instead of
        a float.

    Returns
    -------
    float or InfomapTree

    Examples
    --------
    >>> import networkx as nx
    >>> from unsup.graph import hierarchical_codelength
    >>> G = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    >>> round(hierarchical_codelength(G, [(0,), (0,), (0,), (1,), (1,), (1,)]), 4)
    2.3207
    >>> round(hierarchical_codelength(G, [()] * 6), 4)  # one level: the entropy of the visits
    2.5567
    """
    adj = as_adjacency(G, weight=weight, directed=directed)
    parent, leaf_of = _tree_arrays(_as_paths(tree, adj), adj.n_nodes)
    out = _core.graph.hierarchical_codelength(*adj.kernel_args(), parent, leaf_of, adj.directed,
                                              **_flow_kwargs(teleportation, recorded_teleportation,
                                                             teleport_to_nodes))
    if not detail:
        return float(out["codelength"])
    return _build_tree(adj, parent, leaf_of, out)


# Trials of each sub-module search and of each super-module search at most: they grow with the
# user's n_trials (its knob for effort) up to these, so that n_trials=1 stays a quick search.
_SUB_TRIALS, _SUPER_TRIALS = 5, 10


def _run_multilevel(adj: Adjacency, flow: dict, n_trials: Any, seed: int, n_jobs: Any, **search: Any) -> dict:
    n_trials = check_positive_int(n_trials, "n_trials")
    n_jobs = check_n_jobs(n_jobs)
    search.setdefault("sub_trials", min(_SUB_TRIALS, n_trials))
    search.setdefault("super_trials", min(_SUPER_TRIALS, n_trials))
    start = time.perf_counter()
    out = _core.graph.infomap_multilevel(*adj.kernel_args(), adj.directed, n_trials=n_trials, seed=seed,
                                         n_jobs=n_jobs, **flow, **search)
    import logging

    logging.getLogger("unsup").info(
        "InfoMap (multilevel): %d nodes; %d modules in %d sub- and %d super-levels, codelength %.6f bits "
        "(two-level %.6f, one module %.6f) in %.3f s",
        adj.n_nodes, len(out["parent"]), out["sub_levels"], out["super_levels"], out["codelength"],
        out["two_level_codelength"], out["one_level_codelength"], time.perf_counter() - start,
    )
    return out


def infomap_hierarchy(G: Any, *, weight: Optional[str] = "weight", directed: Optional[bool] = None,
                      teleportation: float = 0.15, recorded_teleportation: bool = False,
                      teleport_to_nodes: bool = False, n_trials: int = 10, seed: Any = None,
                      n_jobs: Optional[int] = None) -> InfomapTree:
    """Find the module tree of ``G`` that minimises the multilevel map equation.

    The two-level InfoMap partition is refined recursively: each module is split into
    sub-modules while that shortens its part of the code, and modules are grouped into
    super-modules while that shortens the index code.

    Parameters
    ----------
    G, weight, directed, teleportation, recorded_teleportation, teleport_to_nodes, n_trials, seed, n_jobs
        As in :func:`unsup.graph.infomap_communities`. Sub-networks are searched on ``n_jobs``
        threads; the result for a given int ``seed`` does not depend on ``n_jobs``.

    Returns
    -------
    InfomapTree

    Examples
    --------
    >>> import networkx as nx
    >>> from unsup.graph import infomap_hierarchy
    >>> G = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    >>> tree = infomap_hierarchy(G, seed=1)
    >>> sorted(sorted(m.all_nodes()) for m in tree.root.children)
    [[0, 1, 2], [3, 4, 5]]
    """
    adj = as_adjacency(G, weight=weight, directed=directed)
    flow = _flow_kwargs(teleportation, recorded_teleportation, teleport_to_nodes)
    out = _run_multilevel(adj, flow, n_trials, check_seed(seed, "seed"), n_jobs)
    return _build_tree(adj, np.asarray(out["parent"]), np.asarray(out["leaf_of"]), out)
