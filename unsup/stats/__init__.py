"""Statistics that need no neural network: Gumbel-max sampling and model-size rules of thumb."""

from unsup.stats.embedding_dim import suggest_embedding_dim
from unsup.stats.gumbel import gumbel_max_sample

__all__ = ["gumbel_max_sample", "suggest_embedding_dim"]
