"""Statistics that need no neural network: independence tests, samplers and rules of thumb."""

import importlib
from typing import Any

from unsup.stats.embedding_dim import suggest_embedding_dim
from unsup.stats.gumbel import gumbel_max_sample
from unsup.stats.hsic import HSICTestResult, hsic, hsic_test

__all__ = ["HSICTestResult", "KDEValleyClustering", "gumbel_max_sample", "hsic", "hsic_test",
           "suggest_embedding_dim"]

# Estimators that live elsewhere and are also listed here; they import scikit-learn, so they
# load on first use and `import unsup.stats` stays light.
_LAZY = {"KDEValleyClustering": "unsup.cluster.kde_valley"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'unsup.stats' has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | set(_LAZY))
