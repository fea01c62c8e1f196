"""Modularity and its maximisation by the Louvain method (Blondel et al. 2008).

The search is the one InfoMap uses (local moves of nodes, aggregation of modules into nodes,
then fine- and coarse-tuning), with modularity as the quality function:

    Q = sum_c [ L_c / m - resolution * (d_c / 2m)^2 ]

(``L_c`` the weight inside community ``c``, ``d_c`` its total degree, ``m`` the total weight;
for directed graphs Leicht & Newman's ``sum_c [L_c / m - resolution * d_c^out d_c^in / m^2]``).
"""

from __future__ import annotations

import logging
import math
import numbers
import random
import time
from typing import Any, Hashable, Iterable, List, Optional, Set

import numpy as np

from unsup import _core
from unsup.graph._adjacency import Adjacency, as_adjacency
from unsup.graph.map_equation import labels_from_communities
from unsup.utils.validation import check_n_jobs, check_positive_int, check_seed

__all__ = ["louvain_communities", "modularity"]

logger = logging.getLogger("unsup")

_UNLIMITED_LEVELS = 2**31 - 1


def _check_resolution(resolution: Any) -> float:
    if isinstance(resolution, (bool, np.bool_)) or not isinstance(resolution, numbers.Real):
        raise TypeError(f"resolution must be a real number, got {resolution!r}")
    value = float(resolution)
    if not (math.isfinite(value) and value >= 0.0):
        raise ValueError(f"resolution must be finite and non-negative, got {resolution!r}")
    return value


def _check_threshold(threshold: Any) -> float:
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, numbers.Real):
        raise TypeError(f"threshold must be a real number, got {threshold!r}")
    value = float(threshold)
    if not math.isfinite(value):
        raise ValueError(f"threshold must be finite, got {threshold!r}")
    return value


def _check_max_level(max_level: Any) -> int:
    if max_level is None:
        return _UNLIMITED_LEVELS
    if isinstance(max_level, (bool, np.bool_)) or not isinstance(max_level, numbers.Integral) or max_level <= 0:
        raise ValueError(f"max_level argument must be a positive integer or None, got {max_level!r}")
    return int(min(max_level, _UNLIMITED_LEVELS))


def _seed(seed: Any) -> int:
    """A 62-bit seed from None, an int, numpy's RandomState/Generator or a ``random.Random``.

    networkx hands its backends a ``random.Random`` or, for a numpy seed, a wrapper with the
    methods of one (``getrandbits`` or at least ``randint``).
    """
    if seed is None or isinstance(seed, (numbers.Integral, np.random.RandomState, np.random.Generator)):
        return check_seed(seed, "seed")
    if isinstance(seed, random.Random) or hasattr(seed, "getrandbits"):
        return int(seed.getrandbits(62))
    if hasattr(seed, "randint") and hasattr(seed, "random"):
        return int(seed.randint(0, 2**62 - 1))
    return check_seed(seed, "seed")


def _communities(adj: Adjacency, labels: np.ndarray, n_modules: int) -> List[Set[Hashable]]:
    nodes = adj.nodes if adj.nodes is not None else range(adj.n_nodes)
    communities: List[Set[Hashable]] = [set() for _ in range(n_modules)]
    for node, label in zip(nodes, labels.tolist()):
        communities[label].add(node)
    return communities


def _louvain(adj: Adjacency, *, resolution: Any, threshold: Any, max_level: Any, seed: Any, n_trials: Any = 1,
             refine: bool = True, n_jobs: Any = None) -> dict:
    """Run the C++ search on a validated adjacency; returns the kernel's dict."""
    kwargs = dict(
        resolution=_check_resolution(resolution),
        threshold=_check_threshold(threshold),
        max_levels=_check_max_level(max_level),
        n_trials=check_positive_int(n_trials, "n_trials"),
        seed=_seed(seed),
        n_jobs=check_n_jobs(n_jobs),
        refine=bool(refine),
    )
    start = time.perf_counter()
    out = _core.graph.louvain(*adj.kernel_args(), adj.directed, **kwargs)
    logger.info(
        "Louvain: %d nodes, %d stored links, %s; %d communities, modularity %.6f in %.3f s",
        adj.n_nodes, adj.matrix.nnz, "directed" if adj.directed else "undirected", out["n_modules"],
        out["modularity"], time.perf_counter() - start,
    )
    return out


def louvain_communities(G: Any, weight: Optional[str] = "weight", resolution: float = 1, threshold: float = 1e-07,
                        max_level: Optional[int] = None, seed: Any = None, *, directed: Optional[bool] = None,
                        n_trials: int = 1, refine: bool = True, n_jobs: Optional[int] = None) -> List[Set[Hashable]]:
    """Find the communities of ``G`` that maximise modularity, by the Louvain method.

    The signature and the result are those of
    :func:`networkx.community.louvain_communities`; the search is Blondel et al.'s
    (local moves of nodes, then of aggregated communities, level by level), followed by
    fine-tuning (single nodes move again) and coarse-tuning (communities split into
    sub-communities that move as units) while modularity rises, which usually ends a
    little higher than the levels alone.

    Parameters
    ----------
    G : networkx graph, scipy sparse matrix, square array or edge array
        ``Graph``, ``DiGraph``, ``MultiGraph`` or ``MultiDiGraph`` with any hashable nodes
        (parallel edges add up); for matrices entry ``(i, j)`` weighs the link ``i -> j``.
        Directed graphs use Leicht & Newman's directed modularity.
    weight : str or None, default="weight"
        Edge attribute with the weight (missing -> 1); ``None`` weighs every edge 1.
        Weights must be finite and non-negative.
    resolution : float, default=1
        Resolution ``gamma`` of modularity: below 1 favours larger communities, above 1
        smaller ones. Must be finite and non-negative.
    threshold : float, default=1e-07
        Stop aggregating after a level that raises modularity by no more than this (and stop
        tuning after a step that does).
    max_level : int or None, default=None
        At most this many levels (each: local moves, then aggregation). When given, the
        result is that of the levels alone, without tuning.
    seed : None, int, RandomState, Generator or random.Random, default=None
        Randomness of the search (the order in which nodes are visited).
    directed : bool or None, default=None
        ``None``: ``G.is_directed()`` for networkx graphs, asymmetric matrices are directed;
        ``False`` on a directed input merges the two directions (weights add up).
    n_trials : int, default=1
        Independent searches (streams ``(seed, t)``); the highest modularity wins.
    refine : bool, default=True
        Tune the partition after the levels (ignored when ``max_level`` is given).
    n_jobs : int or None, default=None
        Threads running trials in parallel (``-1``: all cores). The result for an int seed
        does not depend on ``n_jobs``.

    Returns
    -------
    list of set
        The communities, in order of their first node in ``G``.

    Examples
    --------
    >>> import networkx as nx
    >>> from unsup.graph import louvain_communities
    >>> G = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    >>> louvain_communities(G, seed=1)
    [{0, 1, 2}, {3, 4, 5}]
    """
    adj = as_adjacency(G, weight=weight, directed=directed)
    out = _louvain(adj, resolution=resolution, threshold=threshold, max_level=max_level, seed=seed,
                   n_trials=n_trials, refine=refine, n_jobs=n_jobs)
    return _communities(adj, out["labels"], int(out["n_modules"]))


def _modularity(adj: Adjacency, labels: np.ndarray, resolution: Any) -> float:
    resolution = _check_resolution(resolution)
    if adj.matrix.nnz == 0 or not adj.matrix.data.sum() > 0:
        raise ValueError("G: modularity is undefined for a graph without (weighted) edges")
    return float(_core.graph.modularity(*adj.kernel_args(), labels, adj.directed, resolution))


def modularity(G: Any, communities: Iterable[Iterable[Hashable]], weight: Optional[str] = "weight",
               resolution: float = 1, *, directed: Optional[bool] = None) -> float:
    """Modularity of ``communities`` (a partition of the nodes of ``G``).

    The same value as :func:`networkx.community.modularity`, computed in C++.

    Parameters
    ----------
    G : networkx graph, sparse matrix or edge array
    communities : iterable of sets of nodes
        Every node in exactly one set.
    weight : str or None, default="weight"
        Edge attribute with the weight (missing -> 1); ``None`` weighs every edge 1.
    resolution : float, default=1
        Resolution ``gamma`` (finite, non-negative).
    directed : bool or None, default=None
        As in :func:`louvain_communities`.

    Returns
    -------
    float
        ``sum_c [L_c / m - resolution (d_c / 2m)^2]`` (undirected) or
        ``sum_c [L_c / m - resolution d_c^out d_c^in / m^2]`` (directed).

    Examples
    --------
    >>> import networkx as nx
    >>> from unsup.graph import modularity
    >>> G = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    >>> round(modularity(G, [{0, 1, 2}, {3, 4, 5}]), 6)
    0.357143
    """
    adj = as_adjacency(G, weight=weight, directed=directed)
    nodes = adj.nodes if adj.nodes is not None else range(adj.n_nodes)
    labels = labels_from_communities(nodes, communities)
    return _modularity(adj, labels, resolution)
