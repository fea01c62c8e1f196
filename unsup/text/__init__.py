"""Text: new-word discovery, n-gram statistics and a unigram tokenizer (counted in C++, streamed from files)."""

from unsup.text.statistics import NgramStatistics, ngram_statistics
from unsup.text.tokenizer import Tokenizer
from unsup.text.word_finder import WordFinder

__all__ = ["NgramStatistics", "Tokenizer", "WordFinder", "ngram_statistics"]
