"""unsup: unsupervised learning on graphs, text and vectors, with a C++ core.

Subpackages
-----------
graph
    InfoMap (the map equation) community detection on networkx graphs, sparse
    adjacency matrices and kNN graphs of vectors.
text
    N-gram statistics of raw text for word discovery (Chinese and space-delimited languages).
datasets
    Small generated graphs for examples and tests (nothing is downloaded).
"""

from __future__ import annotations

import logging

from unsup._version import __version__
from unsup import datasets, graph, text

logging.getLogger("unsup").addHandler(logging.NullHandler())

__all__ = ["__version__", "datasets", "graph", "text"]
