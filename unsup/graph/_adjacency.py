"""Turn the graph inputs unsup accepts into one CSR adjacency matrix.

Accepted: networkx ``Graph``/``DiGraph``/``MultiGraph``/``MultiDiGraph`` (any hashable nodes),
scipy sparse matrices and arrays, dense square numpy arrays, and numpy edge arrays of shape
``(m, 2)`` or ``(m, 3)`` (source, target[, weight]) with integer node ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Hashable, Optional, Sequence

import networkx as nx
import numpy as np
import scipy.sparse as sp

from unsup import _core
from unsup.utils.validation import check_weights

__all__ = ["Adjacency", "as_adjacency", "as_csr_matrix", "symmetrize"]

_MAX_NODES = 2**31 - 1


@dataclass(frozen=True)
class Adjacency:
    """A validated adjacency: entry ``(i, j)`` is the weight of the link ``i -> j``.

    For undirected graphs the matrix is symmetric and a self-link's weight sits once on
    the diagonal.
    """

    matrix: sp.csr_array
    nodes: Optional[Sequence[Hashable]]  # node objects of a networkx graph, else None (ids 0..n-1)
    directed: bool

    @property
    def n_nodes(self) -> int:
        return int(self.matrix.shape[0])

    def kernel_args(self) -> tuple:
        """(indptr int64, indices int32, data float64, n) for the C++ kernels."""
        return _csr_kernel_args(self.matrix)


def _csr_kernel_args(a: sp.csr_array) -> tuple:
    """(indptr int64, indices int32, data float64, n) of a square CSR array, copied only if needed."""
    return (
        np.ascontiguousarray(a.indptr, dtype=np.int64),
        np.ascontiguousarray(a.indices, dtype=np.int32),
        np.ascontiguousarray(a.data, dtype=np.float64),
        a.shape[0],
    )


def _is_symmetric(a: sp.csr_array) -> bool:
    """Symmetry of a canonical CSR array (values equal to 1e-12 relative), in O(nnz) without copies."""
    if a.shape[0] != a.shape[1]:
        return False
    return bool(_core.sparse.is_symmetric(*_csr_kernel_args(a), 1e-12))


def symmetrize(a: sp.csr_array) -> sp.csr_array:
    """Undirected view of a directed adjacency: w(u, v) = a[u, v] + a[v, u], self-links once."""
    diag = a.diagonal()
    sym = (a + a.T).tocsr()
    sym.setdiag(diag)
    sym.eliminate_zeros()
    return sp.csr_array(sym)


def as_csr_matrix(x: Any, name: str = "adjacency") -> sp.csr_array:
    """A square float64 CSR array with summed duplicates, sorted indices and checked weights."""
    if sp.issparse(x):
        a = sp.csr_array(x, dtype=np.float64)
    else:
        arr = np.asarray(x)
        if arr.dtype == object:
            raise TypeError(f"{name}: expected a numeric matrix, got an object array")
        if arr.ndim != 2:
            raise ValueError(f"{name}: expected a square 2-d matrix, got shape {arr.shape}")
        if not np.issubdtype(arr.dtype, np.number) and arr.dtype != bool:
            raise TypeError(f"{name}: expected a numeric matrix, got dtype {arr.dtype}")
        a = sp.csr_array(arr.astype(np.float64, copy=False))
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"{name}: expected a square matrix, got shape {a.shape}")
    if a.shape[0] > _MAX_NODES:
        raise ValueError(f"{name}: at most {_MAX_NODES} nodes are supported, got {a.shape[0]}")
    # csr_array(x) may share any of the caller's buffers (indices and indptr survive a dtype
    # change): copy before changing anything in place.
    canonical = a.has_canonical_format
    if canonical:  # duplicates could cancel; only canonical data can be checked before summing
        check_weights(a.data, name)
    # Explicit zeros (weights are non-negative here, so "any zero" is "min == 0").
    needs_cleanup = not canonical or bool(a.nnz and a.data.min() == 0)
    if needs_cleanup and sp.issparse(x):
        a = a.copy()
    if not canonical:
        a.sum_duplicates()
        check_weights(a.data, name)
    if needs_cleanup:
        a.eliminate_zeros()
        a.sort_indices()
    return a


def _edges_to_csr(edges: np.ndarray, name: str) -> sp.csr_array:
    if edges.ndim != 2 or edges.shape[1] not in (2, 3):
        raise ValueError(f"{name}: an edge array must have shape (m, 2) or (m, 3), got {edges.shape}")
    if not np.issubdtype(edges.dtype, np.number):
        raise TypeError(f"{name}: an edge array must be numeric, got dtype {edges.dtype}")
    if edges.shape[0] == 0:
        return sp.csr_array((0, 0), dtype=np.float64)
    ends = edges[:, :2]
    if not np.all(np.isfinite(ends)) or np.any(ends != np.round(ends)) or ends.min() < 0:
        raise ValueError(f"{name}: node ids in an edge array must be non-negative integers")
    src = ends[:, 0].astype(np.int64)
    dst = ends[:, 1].astype(np.int64)
    n = int(max(src.max(), dst.max())) + 1
    if n > _MAX_NODES:
        raise ValueError(f"{name}: at most {_MAX_NODES} nodes are supported, got ids up to {n - 1}")
    w = edges[:, 2].astype(np.float64) if edges.shape[1] == 3 else np.ones(len(src))
    check_weights(w, "weight")
    return sp.csr_array(sp.coo_array((w, (src, dst)), shape=(n, n)))


def as_adjacency(graph: Any, *, weight: Optional[str] = "weight", directed: Optional[bool] = None,
                 name: str = "G") -> Adjacency:
    """Validate ``graph`` and return its :class:`Adjacency`.

    Parameters
    ----------
    graph : networkx graph, sparse matrix, dense square array or edge array
        The network.
    weight : str or None, default="weight"
        Edge attribute holding the weight of networkx edges (missing -> 1); ``None``: all 1.
    directed : bool or None, default=None
        ``None`` follows the input: networkx graphs by ``is_directed()``; matrices are
        undirected when symmetric; edge arrays are undirected. ``False`` on a directed
        input merges the two directions (weights add up).
    name : str
        The argument's name, for error messages.
    """
    if directed is not None and not isinstance(directed, (bool, np.bool_)):
        raise TypeError(f"directed must be None or a bool, got {directed!r}")
    nodes: Optional[list] = None
    if isinstance(graph, nx.Graph):
        nodes = list(graph)
        if weight is not None and not isinstance(weight, str):
            raise TypeError(f"weight must be an edge attribute name or None, got {weight!r}")
        if len(nodes) > _MAX_NODES:
            raise ValueError(f"{name}: at most {_MAX_NODES} nodes are supported")
        if not nodes:
            return Adjacency(matrix=sp.csr_array((0, 0), dtype=np.float64), nodes=nodes,
                             directed=graph.is_directed() if directed is None else bool(directed))
        try:
            a = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=weight, dtype=np.float64, format="csr")
        except (TypeError, ValueError) as exc:
            raise ValueError(f"weight: edge attribute {weight!r} must hold numbers ({exc})") from exc
        a = as_csr_matrix(a, "weight")
        input_directed = graph.is_directed()
    elif isinstance(graph, np.ndarray) and graph.ndim == 2 and graph.shape[1] in (2, 3) and graph.shape[0] != graph.shape[1]:
        a = as_csr_matrix(_edges_to_csr(graph, name), name)
        input_directed = bool(directed)
        if not input_directed:
            a = symmetrize(a)
    else:
        if not (sp.issparse(graph) or isinstance(graph, np.ndarray)):
            raise TypeError(
                f"{name}: expected a networkx graph, a scipy sparse matrix, a square numpy array "
                f"or an (m, 2)/(m, 3) edge array, got {type(graph).__name__}"
            )
        a = as_csr_matrix(graph, name)
        input_directed = not _is_symmetric(a)
    is_directed = input_directed if directed is None else bool(directed)
    if input_directed and not is_directed:
        a = symmetrize(a)
    return Adjacency(matrix=a, nodes=nodes, directed=is_directed)
