"""unsup: unsupervised learning on graphs, text and vectors, with a C++ core.

Subpackages
-----------
cluster
    K-means, spherical K-means, Gaussian mixtures and batched capsule routing.
graph
    InfoMap (the map equation) community detection on networkx graphs, sparse
    adjacency matrices and kNN graphs of vectors.
text
    New-word discovery, n-gram statistics and a unigram tokenizer for raw text (Chinese and
    space-delimited languages).
datasets
    Small generated graphs for examples and tests (nothing is downloaded).
linalg
    Householder maps and Nyström approximations (numpy only).
stats
    Statistics that need no neural network: HSIC tests, von Mises–Fisher sampling, Gumbel-max
    sampling and model-size rules of thumb.
nn
    Capsule layers, autoencoders, a von Mises–Fisher VAE and contrastive losses on PyTorch (the
    ``nn`` extra; only importing ``unsup.nn`` imports torch).
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from unsup._version import __version__

logging.getLogger("unsup").addHandler(logging.NullHandler())

__all__ = ["__version__", "cluster", "datasets", "decomposition", "graph", "linalg", "nn", "stats", "text"]

_SUBPACKAGES = ("cluster", "datasets", "decomposition", "graph", "linalg", "nn", "stats", "text")


def __getattr__(name: str) -> Any:
    # Subpackages load on first use: text mining never pays for networkx and scikit-learn.
    if name in _SUBPACKAGES:
        module = importlib.import_module(f"unsup.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'unsup' has no attribute {name!r}")


def __dir__() -> list:
    return sorted(list(globals()) + [n for n in _SUBPACKAGES if n not in globals()])
