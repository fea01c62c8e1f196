// Streaming n-gram counts of units with their left and right neighbours.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "unsup/text/count_spill.hpp"
#include "unsup/text/ngram_table.hpp"
#include "unsup/text/unit_reader.hpp"

namespace unsup::text {

/// Statistics of every n-gram (1 <= n <= max_n) seen at least `min_count` times.
struct NgramStatistics {
    int max_n = 0;
    std::uint64_t n_units = 0;           // N: units in the corpus
    std::vector<std::string> ngrams;     // n-gram i as text: units joined ("" for characters, " " for words)
    std::vector<unit_t> ids;             // n-gram i: ids[i * max_n .. + length[i]), rest 0
    std::vector<std::uint8_t> length;    // n
    std::vector<std::uint64_t> count;    // c(w)
    std::vector<double> cohesion;        // min over splits of ln(N c(w) / (c(left) c(right))); NaN for n = 1
    std::vector<double> left_entropy;    // entropy (nats) of the unit before w (boundary included)
    std::vector<double> right_entropy;   // same after w
};

/// Cohesion (nats) of the n-gram `key[0, n)` counted `count` times among `n_units` units:
/// min over its splits of ln(N c(w) / (c(left) c(right))), the parts' counts taken from the exact
/// k-gram tables (`tables[k - 1]`, which must hold them); NaN for n = 1.
double ngram_cohesion(const std::vector<NgramTable>& tables, const unit_t* key, int n, std::uint64_t count,
                      std::uint64_t n_units);

/// Neighbour distributions of the n-grams of one table, aligned with its slots: the sums of the
/// counts and of c ln c of the (n + 1)-grams that extend each n-gram on either side.
struct NeighbourSums {
    std::vector<double> left_sum, left_clogc, right_sum, right_clogc;
    explicit NeighbourSums(std::size_t slots)
        : left_sum(slots, 0.0), left_clogc(slots, 0.0), right_sum(slots, 0.0), right_clogc(slots, 0.0) {}
    /// Adds each (n + 1)-gram of `longer` to the n-grams of `grams` (n = longer.k() - 1) that it
    /// extends, those present in `grams` (which must not change afterwards: slots are kept).
    void add(const NgramTable& grams, const NgramTable& longer);
};

/// Statistics from exact k-gram tables (`tables[k - 1]`, k = 1 .. max_n): the n-grams counted
/// at least `min_count` times whose sub-n-grams are all in the tables (always true of complete
/// tables; true of frequent n-grams in filtered ones). `neighbours(n)`, when given, returns the
/// neighbour sums of `tables[n - 1]` (asked once per n, in turn); without it the entropies are NaN.
NgramStatistics collect_statistics(const std::vector<NgramTable>& tables, int max_n,
                                   const std::function<NeighbourSums(int)>& neighbours,
                                   const UnitVocabulary& vocabulary, UnitMode mode, std::uint64_t n_units,
                                   std::uint64_t min_count);

/// Counts the k-grams (k = 1 .. max_n, and max_n + 1 when `neighbours`) of the units of
/// streamed UTF-8 text. The run boundary may appear as the first or last symbol of a k-gram, so
/// the (n + 1)-grams give the neighbour distributions of the n-grams. Results do not depend on
/// how the input is cut into `feed` calls.
class NgramCounter {
public:
    /// `table_budget`: bytes for the count tables (0: no limit); past a third of it (a table
    /// doubling as it grows stays within it) they are spilled to temporary files, hash
    /// partitioned, and `statistics` adds them up one partition at a time.
    NgramCounter(int max_n, UnitMode mode, DecodeErrors errors, bool neighbours = true, std::size_t table_budget = 0);

    /// Decodes and counts `size` more bytes (a UTF-8 sequence may straddle two calls).
    void feed(const unsigned char* data, std::size_t size) { reader_.feed(data, size, sink_); }
    /// Ends a document: flushes the pending unit and run (a truncated UTF-8 tail is invalid).
    void finish() { reader_.finish(sink_); }

    std::uint64_t bytes_seen() const { return reader_.bytes_seen(); }
    /// Bytes held by the counts and the unit vocabulary.
    std::size_t memory_bytes() const;
    int max_n() const { return max_n_; }
    UnitMode mode() const { return mode_; }
    /// The units seen so far (shared with the passes that read the corpus again).
    const std::shared_ptr<UnitVocabulary>& vocabulary() const { return vocabulary_; }
    /// Units counted (N).
    std::uint64_t n_units() const { return n_units_; }
    /// Bytes of counts written to temporary files so far.
    std::uint64_t spilled_bytes() const { return spill_.bytes_written(); }

    /// Statistics of the n-grams (no boundary inside) counted at least `min_count` times;
    /// without `neighbours` the entropies are NaN. Counting may go on afterwards.
    NgramStatistics statistics(std::uint64_t min_count);

private:
    struct Sink {
        NgramCounter* self;
        void unit(unit_t id, std::uint64_t, std::uint64_t) { self->push_unit(id); }
        void end_run() { self->end_run(); }
        void other(std::uint64_t, std::uint64_t) {}
    };
    void push_unit(unit_t id);
    void end_run();
    /// Statistics from the spilled counts, two reads of each partition: the frequent n-grams,
    /// then their neighbours.
    NgramStatistics spilled_statistics(std::uint64_t min_count);
    /// Appends to the window, dropping its oldest symbol beyond `width`.
    void push_window(unit_t id, std::size_t width) {
        if (window_.size() < width) {
            window_.push_back(id);
            return;
        }
        for (std::size_t i = 1; i < width; ++i) window_[i - 1] = window_[i];
        window_[width - 1] = id;
    }

    int max_n_;
    UnitMode mode_;
    bool neighbours_;
    std::shared_ptr<UnitVocabulary> vocabulary_;
    Sink sink_;
    UnitReader<Sink> reader_;
    std::vector<unit_t> window_;      // the run so far, last k_max symbols (first may be the boundary)
    bool in_run_ = false;
    std::vector<NgramTable> tables_;  // tables_[k - 1]: k-grams
    std::uint64_t n_units_ = 0;
    std::size_t table_budget_;
    std::uint32_t units_unchecked_ = 0;  // units since the last look at the memory
    CountSpill spill_;
};

}  // namespace unsup::text
