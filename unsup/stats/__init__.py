"""Rules of thumb from information theory for choosing model sizes."""

from unsup.stats.embedding_dim import suggest_embedding_dim
from unsup.stats.von_mises_fisher import (
    sample_vmf,
    sample_vmf_cosine,
    vmf_angle_quantiles,
    vmf_kl_to_uniform,
    vmf_mean_cosine,
)

__all__ = [
    "sample_vmf",
    "sample_vmf_cosine",
    "suggest_embedding_dim",
    "vmf_angle_quantiles",
    "vmf_kl_to_uniform",
    "vmf_mean_cosine",
]
