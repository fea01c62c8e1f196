"""Clustering of vectors and capsule routing, one family of C++ kernels.

Dynamic routing between capsules is soft spherical K-means and EM routing is a Gaussian
mixture fitted by EM (see the design note ``routing.md``), so the same kernels serve the
estimators and the batched routing functions.

Estimators
----------
KMeans
    Lloyd's algorithm with a fused distance/argmin kernel; k-means|| and k-means++ seeding.
SphericalKMeans
    Cosine K-means, hard or soft (routing semantics with ``center="sum"``).
GaussianMixture
    EM for diagonal and full covariances; BIC/AIC; mergeable ``partial_fit``.
KDEValleyClustering
    1-D clusters between the valleys of a Gaussian kernel density estimate.

Functions
---------
dynamic_routing
    Batched dynamic routing over ``(batch, n_in, n_out, dim)`` predictions.
em_routing
    Batched EM routing (matrix capsules) over votes and input activations.
knn_search, knn_graph
    k nearest neighbours of every row (exact blocked search or an inverted file), as arrays or
    as a directed sparse graph.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["GaussianMixture", "KDEValleyClustering", "KMeans", "SphericalKMeans", "dynamic_routing", "em_routing",
           "knn_graph", "knn_search"]

_HOMES = {
    "KMeans": "unsup.cluster.kmeans",
    "SphericalKMeans": "unsup.cluster.spherical_kmeans",
    "GaussianMixture": "unsup.cluster.gaussian_mixture",
    "KDEValleyClustering": "unsup.cluster.kde_valley",
    "dynamic_routing": "unsup.cluster.routing",
    "em_routing": "unsup.cluster.routing",
    "knn_graph": "unsup.cluster.knn_graph",
    "knn_search": "unsup.cluster.knn_graph",
}


def __getattr__(name: str) -> Any:
    # Each estimator loads on first use.
    if name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'unsup.cluster' has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | set(_HOMES))
