"""Statistics that need no neural network: independence tests, samplers and rules of thumb."""

import importlib
from typing import Any

from unsup.stats.embedding_dim import suggest_embedding_dim
from unsup.stats.gumbel import gumbel_max_sample
from unsup.stats.hsic import HSICTestResult, hsic, hsic_test
from unsup.stats.von_mises_fisher import (
    sample_vmf,
    sample_vmf_cosine,
    vmf_angle_quantiles,
    vmf_kl_to_uniform,
    vmf_mean_cosine,
)

__all__ = [
    "HSICTestResult",
    "KDEValleyClustering",
    "gumbel_max_sample",
    "hsic",
    "hsic_test",
    "sample_vmf",
    "sample_vmf_cosine",
    "suggest_embedding_dim",
    "vmf_angle_quantiles",
    "vmf_kl_to_uniform",
    "vmf_mean_cosine",
]

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
