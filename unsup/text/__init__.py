"""Text: n-gram statistics for word discovery (counted in C++, streamed from files)."""

from unsup.text.statistics import NgramStatistics, ngram_statistics

__all__ = ["NgramStatistics", "ngram_statistics"]
