"""Rules of thumb from information theory for choosing model sizes, and tests of independence."""

from unsup.stats.embedding_dim import suggest_embedding_dim
from unsup.stats.hsic import HSICTestResult, hsic, hsic_test

__all__ = ["suggest_embedding_dim", "hsic", "hsic_test", "HSICTestResult"]
