// Windowed co-occurrence counts of token ids: the vocab × vocab matrix behind PPMI word vectors.
//
// X[a][b] = Σ over every occurrence of a at position p and every position q = p ± d, d = 1..window,
// in the same sentence (no break, id -1, between p and q), of weight(d). Each unordered pair of
// positions therefore adds weight(d) to X[a][b] and to X[b][a] (2 weight(d) to X[a][a] when both
// tokens are a): the matrix is symmetric, its row sums are the context counts of word2vec/GloVe.
//
// How it is counted: positions are grouped by id (a counting sort of the corpus), and each row a
// is summed alone by one thread, from the windows around a's occurrences, into a dense
// accumulator of the vocabulary's size (in cache for vocabularies up to some 10^5 words); a
// two-level bitmap of the touched columns hands them back in order, so no row is sorted and no
// (a, b) pair list is ever stored. Weights are integer numerators over one common denominator,
// summed in 64-bit integers: every sum is exact, so X[a][b] and X[b][a] are equal to the last
// bit and nothing depends on the order of the additions (nor on the number of threads). Only the
// final division rounds. Memory: 4 bytes per token (positions) besides the output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "unsup/common.hpp"

namespace unsup::text {

/// How a pair at distance d (1..window) is weighted.
enum class DistanceWeighting {
    uniform,   ///< 1: plain window counts
    harmonic,  ///< 1 / d (GloVe)
    dynamic,   ///< (window - d + 1) / window: the expectation of word2vec's dynamic window
};

/// "uniform", "harmonic" or "dynamic"; std::invalid_argument naming `weighting` otherwise.
DistanceWeighting distance_weighting(const std::string& name);

/// An owned array that is not zeroed on allocation (the counts fill it once).
template <class T>
struct Buffer {
    std::unique_ptr<T[]> values;
    std::size_t size = 0;
    void allocate(std::size_t n) {
        values.reset(new T[n > 0 ? n : 1]);  // default-initialised: no pass over the memory
        size = n;
    }
    T* data() { return values.get(); }
};

/// A square CSR matrix (scipy layout): column ids sorted within each row, no explicit zeros.
template <class T>
struct CooccurrenceCsr {
    std::int64_t n = 0;
    Buffer<std::int64_t> indptr;  // n + 1
    Buffer<std::int32_t> indices;
    Buffer<T> data;
};

/// The integer numerators of weight(d), d = 1..window (index d - 1), and their common
/// denominator, such that no row sum can pass 2^64 - 1 when one id occurs `max_occurrences`
/// times. Harmonic weights use lcm(1..window) when that keeps the sums exact (windows up to 22
/// whenever the most common id occurs fewer than 10^10 times); otherwise 1 / d is rounded to a
/// multiple of 2^-k, with the largest k <= 40 that keeps them exact (relative error <= 2^-k d).
struct WindowWeights {
    std::vector<std::uint64_t> numerator;
    std::uint64_t denominator = 1;
};
WindowWeights window_weights(int window, DistanceWeighting weighting, std::uint64_t max_occurrences);

/// Counts the windowed co-occurrences of `tokens` (ids in [0, vocabulary_size), -1 a sentence
/// break) into a vocabulary_size × vocabulary_size symmetric CSR matrix. `window` >= 1.
/// Rows are shared out to `n_jobs` threads; the result does not depend on n_jobs. `stop` is
/// polled between groups of rows. std::invalid_argument (naming the argument) on a bad id,
/// window or vocabulary size.
template <class T>
CooccurrenceCsr<T> count_cooccurrences(const std::int32_t* tokens, std::size_t n_tokens,
                                       std::int64_t vocabulary_size, int window, DistanceWeighting weighting,
                                       int n_jobs, const StopToken& stop);

}  // namespace unsup::text
