"""Small graphs generated on the fly, for examples, the demo and tests (nothing is downloaded)."""

from unsup.datasets.graphs import planted_partition, two_triangles

__all__ = ["planted_partition", "two_triangles"]
