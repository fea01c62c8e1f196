"""Small graphs and texts generated on the fly, for examples, the demo and tests (nothing is downloaded)."""

from unsup.datasets.graphs import planted_partition, two_triangles
from unsup.datasets.text import planted_domain_corpus, planted_lexicon_corpus, synonym_corpus

__all__ = ["planted_domain_corpus", "planted_lexicon_corpus", "planted_partition", "synonym_corpus", "two_triangles"]
