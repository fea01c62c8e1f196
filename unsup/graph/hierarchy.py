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


class InfomapTree:
    """A module tree with its multilevel codelength.

    Attributes
    ----------
    root : HierarchyModule
        The whole network; ``root.children`` are the top modules (built on first access).
    paths : list of tuple of int
        Path of each node's innermost module (node order as in ``nodes``), siblings numbered
        by decreasing flow.
    nodes : list
        The nodes, in the order of ``paths`` (networkx node objects or ``0..n-1``).
    codelength : float
        Multilevel codelength in bits (sum of every module's ``codelength``).
    index_codelength : float
        The root's codebook (entering top modules).
    n_top_modules : int
        Number of modules directly under the root.
    """

    def __init__(self, paths: List[Path], nodes: List[Hashable], codelength: float, index_codelength: float,
                 leaf_of: np.ndarray, module_paths: List[Path], parent: np.ndarray,
                 module_stats: Mapping[str, np.ndarray], total_flow: float, index_nodes: bool = False) -> None:
        self.paths = paths
        self.nodes = nodes
        self.codelength = codelength
        self.index_codelength = index_codelength
        # From the search: each node's innermost module (-1: the root), each module's path and
        # parent, and each module's flow, enter, exit and codebook, so that labels() needs no
        # pass over the nodes' paths in Python and `root` is built only when asked for.
        self._leaf_of = leaf_of
        self._module_paths = module_paths
        self._parent = parent
        self._module_stats = module_stats
        self._total_flow = total_flow
        self._index_nodes = index_nodes  # nodes are 0..n-1
        self._root: Optional[HierarchyModule] = None

    def __repr__(self) -> str:
        return (f"InfomapTree({len(self.paths)} nodes, {len(self._module_paths)} modules, depth {self.depth}, "
                f"codelength={self.codelength:.6g})")

    @property
    def n_top_modules(self) -> int:
        """Number of modules directly under the root."""
        return int(np.count_nonzero(self._parent < 0))

    @property
    def root(self) -> HierarchyModule:
        """The whole network as a :class:`HierarchyModule`; ``root.children`` are the top modules."""
        if self._root is None:
            self._root = self._build_root()
        return self._root

    def _build_root(self) -> HierarchyModule:
        flow, enter, exit_, book = (self._module_stats[k] for k in ("flow", "enter", "exit", "codebook"))
        n_modules = len(self._module_paths)
        root = HierarchyModule((), self._total_flow, 0.0, 0.0, self.index_codelength)
        modules = [HierarchyModule(path, float(flow[m]), float(enter[m]), float(exit_[m]), float(book[m]))
                   for m, path in enumerate(self._module_paths)]
        # Children in sibling order (the last entry of their paths), nodes in node order.
        by_path = sorted(range(n_modules), key=lambda m: self._module_paths[m])
        for m in by_path:
            up = int(self._parent[m])
            (root if up < 0 else modules[up]).children.append(modules[m])
        leaf = self._leaf_of
        by_slot = np.argsort(leaf, kind="stable")
        bounds = np.searchsorted(leaf[by_slot], np.arange(-1, n_modules + 1)).tolist()
        for slot, module in enumerate([root] + modules):
            members = by_slot[bounds[slot]:bounds[slot + 1]].tolist()
            module.nodes = members if self._index_nodes else [self.nodes[v] for v in members]
        return root

    @property
    def depth(self) -> int:
        """Number of module levels (1: a two-level partition)."""
        return max((len(p) for p in self._module_paths), default=0)

    def labels(self, level: int = 1) -> np.ndarray:
        """Module of each node at ``level`` (1: top modules; -1: innermost modules).

        Nodes whose innermost module is shallower than ``level`` keep that module. Labels are
        ``0..k-1`` in order of the modules' paths.
        """
        if not isinstance(level, (int, np.integer)) or level == 0 or level < -1:
            raise ValueError(f"level must be a positive int or -1, got {level!r}")
        # Per module (slot 0: the root), then indexed by each node's innermost module.
        cut = [p if level == -1 else p[:level] for p in [()] + self._module_paths]
        held = np.flatnonzero(np.bincount(self._leaf_of + 1, minlength=len(cut)))  # slots with nodes
        order = {p: i for i, p in enumerate(sorted(set(cut[s] for s in held.tolist())))}
        slot_label = np.array([order.get(p, -1) for p in cut], dtype=np.int64)
        return slot_label[self._leaf_of + 1]

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
    parent = np.asarray(parent, dtype=np.int64)
    leaf = np.asarray(leaf_of, dtype=np.int64)
    n_modules = parent.shape[0]
    stats = {k: np.asarray(out["module_" + k]) for k in ("flow", "enter", "exit", "codebook")}
    # Rank of each module among its siblings: by decreasing flow, ties by module number.
    order = np.lexsort((np.arange(n_modules), -stats["flow"], parent))
    sorted_parent = parent[order]
    first = np.searchsorted(sorted_parent, sorted_parent)  # where each one's sibling group starts
    rank = np.empty(n_modules, dtype=np.int64)
    rank[order] = np.arange(n_modules) - first
    # Paths top-down: parents come before their children in order of depth.
    module_path: List[Path] = [()] * n_modules
    parent_list, rank_list = parent.tolist(), rank.tolist()
    pending = [m for m in range(n_modules) if parent_list[m] < 0]
    for m in pending:
        module_path[m] = (rank_list[m],)
    children: List[List[int]] = [[] for _ in range(n_modules)]
    for m, up in enumerate(parent_list):
        if up >= 0:
            children[up].append(m)
    while pending:
        nxt = []
        for up in pending:
            for m in children[up]:
                module_path[m] = module_path[up] + (rank_list[m],)
                nxt.append(m)
        pending = nxt
    slot_path = np.empty(n_modules + 1, dtype=object)  # slot 0: the root
    slot_path[0] = ()
    for m, path in enumerate(module_path):  # one by one: numpy would unpack equal-length tuples
        slot_path[m + 1] = path
    paths = slot_path[leaf + 1].tolist()
    nodes = list(adj.nodes) if adj.nodes is not None else list(range(adj.n_nodes))
    return InfomapTree(paths, nodes, float(out["codelength"]), float(out["index_codelength"]), leaf,
                       module_path, parent, stats, float(np.sum(out["flow"])), index_nodes=adj.nodes is None)


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
