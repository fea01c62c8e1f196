"""Statistics that need no neural network: Gumbel-max sampling and model-size rules of thumb.

``KDEValleyClustering`` (1-D clustering at the valleys of a kernel density estimate) lives in
:mod:`unsup.cluster` and is also importable from here; it loads scikit-learn, so it is only
imported on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from unsup.stats.embedding_dim import suggest_embedding_dim
from unsup.stats.gumbel import gumbel_max_sample

__all__ = ["KDEValleyClustering", "gumbel_max_sample", "suggest_embedding_dim"]

_LAZY = {"KDEValleyClustering": "unsup.cluster.kde_valley"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'unsup.stats' has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | set(_LAZY))
