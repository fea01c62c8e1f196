"""InfoMap: communities that minimise the map equation (Rosvall & Bergstrom 2008)."""

from __future__ import annotations

import logging
import time
from typing import Any, Hashable, List, Optional, Set

import networkx as nx
import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.neighbors import kneighbors_graph
from sklearn.utils.validation import validate_data

from unsup import _core
from unsup.graph._adjacency import Adjacency, as_adjacency, as_csr_matrix
from unsup.graph.hierarchy import InfomapTree, _build_tree, _run_multilevel
from unsup.graph.map_equation import _flow_kwargs
from unsup.utils.validation import check_n_jobs, check_positive_int, check_seed

__all__ = ["InfoMap", "infomap_communities"]

logger = logging.getLogger("unsup")


def _run(adj: Adjacency, flow: dict, n_trials: Any, seed: int, n_jobs: Any) -> dict:
    n_trials = check_positive_int(n_trials, "n_trials")
    n_jobs = check_n_jobs(n_jobs)
    start = time.perf_counter()
    out = _core.graph.infomap(*adj.kernel_args(), adj.directed, n_trials=n_trials, seed=seed, n_jobs=n_jobs, **flow)
    logger.info(
        "InfoMap: %d nodes, %d stored links, %s; %d modules, codelength %.6f bits "
        "(one module: %.6f) in %.3f s",
        adj.n_nodes, adj.matrix.nnz, "directed" if adj.directed else "undirected", out["n_modules"],
        out["codelength"], out["one_level_codelength"], time.perf_counter() - start,
    )
    return out


def _ordered_modules(labels: np.ndarray, flow: np.ndarray, n_modules: int) -> np.ndarray:
    """Relabel modules by decreasing flow (ties: first appearance), as Infomap reports them."""
    if n_modules == 0:
        return labels
    module_flow = np.bincount(labels, weights=flow, minlength=n_modules)
    order = np.lexsort((np.arange(n_modules), -module_flow))
    rank = np.empty(n_modules, dtype=np.int64)
    rank[order] = np.arange(n_modules)
    return rank[labels]


def infomap_communities(G: Any, *, weight: Optional[str] = "weight", directed: Optional[bool] = None,
                        teleportation: float = 0.15, recorded_teleportation: bool = False,
                        teleport_to_nodes: bool = False, n_trials: int = 10, seed: Any = None,
                        n_jobs: Optional[int] = None, hierarchical: bool = False) -> List[Set[Hashable]]:
    """Find the communities of ``G`` that minimise the two-level (or multilevel) map equation.

    Like :func:`networkx.community.louvain_communities`, but the objective is the
    description length of a random walk (InfoMap).

    Parameters
    ----------
    G : networkx graph, scipy sparse matrix, square array or edge array
        ``Graph``, ``DiGraph``, ``MultiGraph`` or ``MultiDiGraph`` with any hashable nodes
        (parallel edges add up); for matrices entry ``(i, j)`` weighs the link ``i -> j``.
        Self-links are allowed; isolated nodes come back as singletons.
    weight : str or None, default="weight"
        Edge attribute with the weight (missing -> 1); ``None`` weighs every edge 1.
        Weights must be finite and non-negative.
    directed : bool or None, default=None
        ``None``: ``G.is_directed()`` for networkx graphs, asymmetric matrices are directed.
    teleportation : float, default=0.15
        Probability that the directed walker teleports (dangling nodes always teleport).
    recorded_teleportation : bool, default=False
        Encode the teleportation steps. The default, as in the official Infomap, encodes
        only the flow along links.
    teleport_to_nodes : bool, default=False
        Teleport to nodes uniformly instead of to links.
    n_trials : int, default=10
        Independent searches; the shortest codelength wins.
    seed : None, int, RandomState or Generator, default=None
        Randomness of the search. The result for a given int does not depend on ``n_jobs``.
    n_jobs : int or None, default=None
        Threads running trials in parallel (``-1``: all cores).
    hierarchical : bool, default=False
        Minimise the multilevel map equation instead and return the top level of the module
        tree (see :func:`unsup.graph.infomap_hierarchy` for the whole tree). The default keeps
        the two-level communities.

    Returns
    -------
    list of set
        The communities, by decreasing flow.

    Examples
    --------
    >>> import networkx as nx
    >>> from unsup.graph import infomap_communities
    >>> G = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    >>> sorted(sorted(c) for c in infomap_communities(G, seed=1))
    [[0, 1, 2], [3, 4, 5]]
    """
    adj = as_adjacency(G, weight=weight, directed=directed)
    flow = _flow_kwargs(teleportation, recorded_teleportation, teleport_to_nodes)
    if hierarchical:
        out = _run_multilevel(adj, flow, n_trials, check_seed(seed, "seed"), n_jobs)
        labels = _build_tree(adj, np.asarray(out["parent"]), np.asarray(out["leaf_of"]), out).labels(1)
        n_modules = int(labels.max()) + 1 if labels.size else 0
    else:
        out = _run(adj, flow, n_trials, check_seed(seed, "seed"), n_jobs)
        labels = _ordered_modules(out["labels"], out["flow"], out["n_modules"])
        n_modules = out["n_modules"]
    nodes = adj.nodes if adj.nodes is not None else range(adj.n_nodes)
    communities: List[Set[Hashable]] = [set() for _ in range(n_modules)]
    for node, label in zip(nodes, labels.tolist()):
        communities[label].add(node)
    return communities


class InfoMap(ClusterMixin, BaseEstimator):
    """Cluster the nodes of a graph, or the rows of a feature matrix, with InfoMap.

    InfoMap finds the partition that minimises the map equation: the expected number of
    bits per step needed to describe a random walk with a two-level code (an index
    codebook for the modules, one codebook per module). By default the code is multilevel
    (Rosvall & Bergstrom 2011): modules nest into a tree, with one codebook per module of
    the tree, and ``labels_`` holds the top level.

    Parameters
    ----------
    affinity : {"nearest_neighbors", "precomputed"}, default="nearest_neighbors"
        ``"nearest_neighbors"``: ``X`` holds feature rows, linked into a kNN graph.
        ``"precomputed"``: ``X`` is an adjacency matrix (entry ``(i, j)`` weighs ``i -> j``).
        A networkx graph passed to ``fit`` is always used as the graph.
    n_neighbors : int, default=10
        Neighbours per row for ``"nearest_neighbors"``.
    metric : str, default="euclidean"
        Distance for ``"nearest_neighbors"``. ``"euclidean"`` and ``"cosine"`` on dense rows are
        searched in C++ (:func:`unsup.cluster.knn_graph`: exact up to 20 000 rows, an inverted
        file of K-means lists above); other metrics, and sparse rows, go through
        ``sklearn.neighbors``.
    min_similarity : float or None, default=None
        With ``metric="cosine"``: drop the links of cosine below this. Su's word-clustering
        recipe is ``n_neighbors=40, metric="cosine", min_similarity=0.5,
        link_weights="similarity", directed=True``.
    link_weights : {"connectivity", "similarity"}, default="connectivity"
        Weight of a kNN link: 1, or the cosine similarity (``metric="cosine"`` only; links of
        negative cosine are then dropped, as weights cannot be negative).
    directed : bool or None, default=None
        ``None``: kNN graphs are made undirected (symmetrised); precomputed matrices are
        directed unless symmetric; networkx graphs follow ``is_directed()``.
    teleportation : float, default=0.15
        Teleportation probability of the directed walker.
    recorded_teleportation : bool, default=False
        Encode teleportation steps.
    n_trials : int, default=10
        Independent searches; the shortest codelength wins. With ``hierarchical=True`` every
        sub-module search runs ``min(5, n_trials)`` trials and every super-module search
        ``min(10, n_trials)``.
    random_state : None, int, RandomState or Generator, default=None
        Randomness of the search.
    n_jobs : int or None, default=None
        Threads for trials, sub-network searches (and the kNN search). Results for an int
        ``random_state`` do not depend on it.
    hierarchical : bool, default=True
        Minimise the multilevel map equation (a tree of nested modules). ``False``: the
        two-level map equation (one level of modules).

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Module of each node, by decreasing module flow; with ``hierarchical=True`` the top
        level of the tree.
    leaf_labels_ : ndarray of shape (n_samples,)
        Innermost module of each node (``labels_`` when two-level), in tree order.
    tree_ : InfomapTree or None
        The module tree (``hierarchical=True``): nested :class:`HierarchyModule` objects with
        their flows and codebook lengths, and each node's path. ``None`` when two-level.
    codelength_ : float
        Codelength in bits: multilevel of ``tree_`` (hierarchical) or two-level of ``labels_``.
    two_level_codelength_ : float
        Two-level codelength of the best two-level partition found (the tree's starting point).
    index_codelength_ : float
        The part spent on the index (root) codebook: entering top modules.
    module_codelength_ : float
        The part spent in the modules' codebooks.
    one_level_codelength_ : float
        Codelength with all nodes in one module. When nothing beats it, ``labels_`` is all
        zeros: the graph has no modular structure under the map equation.
    flow_ : ndarray of shape (n_samples,)
        Stationary visit rate of each node.
    n_modules_ : int
        Number of modules (top-level modules when hierarchical).
    n_iter_ : int
        Tuning steps (fine- and coarse-tuning) of the best trial.
    affinity_matrix_ : sparse array of shape (n_samples, n_samples)
        The graph that was clustered.
    n_features_in_ : int
        Features seen in ``fit`` (feature input only).

    Examples
    --------
    >>> import numpy as np
    >>> from unsup.graph import InfoMap
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 0.1, (20, 2)), rng.normal(5, 0.1, (20, 2))])
    >>> InfoMap(n_neighbors=5, random_state=0).fit(X).n_modules_
    2
    """

    def __init__(self, *, affinity: str = "nearest_neighbors", n_neighbors: int = 10, metric: str = "euclidean",
                 min_similarity: Optional[float] = None, link_weights: str = "connectivity",
                 directed: Optional[bool] = None, teleportation: float = 0.15,
                 recorded_teleportation: bool = False, n_trials: int = 10, random_state: Any = None,
                 n_jobs: Optional[int] = None, hierarchical: bool = True) -> None:
        self.affinity = affinity
        self.n_neighbors = n_neighbors
        self.metric = metric
        self.min_similarity = min_similarity
        self.link_weights = link_weights
        self.directed = directed
        self.teleportation = teleportation
        self.recorded_teleportation = recorded_teleportation
        self.n_trials = n_trials
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.hierarchical = hierarchical

    def _adjacency(self, X: Any, seed: int) -> Adjacency:
        if isinstance(X, nx.Graph):
            return as_adjacency(X, directed=self.directed, name="X")
        if self.affinity == "precomputed":
            if not sp.issparse(X):
                X = as_csr_matrix(validate_data(self, X, ensure_min_samples=1, reset=True), "X")
            return as_adjacency(X, directed=self.directed, name="X")  # validates sparse input once
        if self.affinity != "nearest_neighbors":
            raise ValueError(f"affinity must be 'nearest_neighbors' or 'precomputed', got {self.affinity!r}")
        X = validate_data(self, X, accept_sparse="csr", ensure_min_samples=1, reset=True)
        k = check_positive_int(self.n_neighbors, "n_neighbors")
        k = min(k, X.shape[0] - 1)
        if self.link_weights not in ("connectivity", "similarity"):
            raise ValueError(f"link_weights must be 'connectivity' or 'similarity', got {self.link_weights!r}")
        native = self.metric in ("euclidean", "cosine") and not sp.issparse(X)
        if (self.min_similarity is not None or self.link_weights == "similarity") and not (
                native and self.metric == "cosine"):
            raise ValueError("min_similarity and link_weights='similarity' need metric='cosine' on dense rows")
        min_similarity = self.min_similarity
        if self.link_weights == "similarity":
            min_similarity = 0.0 if min_similarity is None else min_similarity
            if not min_similarity >= 0:
                raise ValueError(f"link_weights='similarity' needs min_similarity >= 0 (weights cannot be "
                                 f"negative), got {self.min_similarity!r}")
        if k == 0:
            knn = sp.csr_array((X.shape[0], X.shape[0]), dtype=np.float64)
        elif native:
            from unsup.cluster import knn_graph

            knn = knn_graph(X, k, metric=self.metric, min_similarity=min_similarity, mode=self.link_weights,
                            random_state=seed, n_jobs=self.n_jobs)
        else:
            knn = sp.csr_array(kneighbors_graph(X, k, mode="connectivity", metric=self.metric,
                                                include_self=False, n_jobs=self.n_jobs))
        directed = False if self.directed is None else self.directed
        return as_adjacency(knn, directed=directed, name="X")

    def fit(self, X: Any, y: Any = None) -> "InfoMap":
        """Cluster ``X``.

        Parameters
        ----------
        X : array-like, sparse matrix or networkx graph
            Feature rows (``affinity="nearest_neighbors"``), an adjacency matrix
            (``"precomputed"``) or a networkx graph.
        y : ignored

        Returns
        -------
        self : InfoMap
        """
        seed = check_seed(self.random_state)
        adj = self._adjacency(X, seed)
        flow = _flow_kwargs(self.teleportation, self.recorded_teleportation, False)
        self.affinity_matrix_ = adj.matrix
        if self.hierarchical:
            out = _run_multilevel(adj, flow, self.n_trials, seed, self.n_jobs)
            tree = _build_tree(adj, np.asarray(out["parent"]), np.asarray(out["leaf_of"]), out)
            self.tree_: Optional[InfomapTree] = tree
            self.labels_ = tree.labels(1)
            self.leaf_labels_ = tree.labels(-1)
            self.n_modules_ = tree.n_top_modules
            self.two_level_codelength_ = float(out["two_level_codelength"])
            self.index_codelength_ = float(out["index_codelength"])
            self.module_codelength_ = float(out["codelength"]) - self.index_codelength_
        else:
            out = _run(adj, flow, self.n_trials, seed, self.n_jobs)
            self.tree_ = None
            self.labels_ = _ordered_modules(out["labels"], out["flow"], out["n_modules"])
            self.leaf_labels_ = self.labels_
            self.n_modules_ = int(out["n_modules"])
            self.two_level_codelength_ = float(out["codelength"])
            self.index_codelength_ = float(out["index_codelength"])
            self.module_codelength_ = float(out["module_codelength"])
        self.codelength_ = float(out["codelength"])
        self.one_level_codelength_ = float(out["one_level_codelength"])
        self.flow_ = out["flow"]
        self.n_iter_ = int(out["tune_iterations"])
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.pairwise = self.affinity == "precomputed"
        return tags
