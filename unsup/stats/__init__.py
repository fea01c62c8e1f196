"""Rules of thumb from information theory for choosing model sizes."""

from unsup.stats.embedding_dim import suggest_embedding_dim

__all__ = ["suggest_embedding_dim"]
