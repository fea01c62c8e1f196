// Streaming n-gram counts of units with their left and right neighbours.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "unsup/text/ngram_table.hpp"
#include "unsup/text/units.hpp"
#include "unsup/text/utf8.hpp"

namespace unsup::text {

/// The run boundary, a neighbour symbol of its own: unit id 0.
constexpr unit_t kBoundary = 0;

/// Statistics of every n-gram (1 <= n <= max_n) seen at least `min_count` times.
struct NgramStatistics {
    int max_n = 0;
    std::uint64_t n_units = 0;           // N: units in the corpus
    std::vector<std::string> units;      // unit id -> text (id 0, the boundary, is "")
    std::vector<std::string> ngrams;     // n-gram i as text: units joined ("" for characters, " " for words)
    std::vector<unit_t> ids;             // n-gram i: ids[i * max_n .. + length[i]), rest 0
    std::vector<std::uint8_t> length;    // n
    std::vector<std::uint64_t> count;    // c(w)
    std::vector<double> cohesion;        // min over splits of ln(N c(w) / (c(left) c(right))); NaN for n = 1
    std::vector<double> left_entropy;    // entropy (nats) of the unit before w (boundary included)
    std::vector<double> right_entropy;   // same after w
};

/// Counts the k-grams (k = 1 .. max_n + 1) of the units of streamed UTF-8 text. The run boundary
/// may appear as the first or last symbol of a k-gram, so the (n + 1)-grams give the neighbour
/// distributions of the n-grams. Results do not depend on how the input is cut into `feed` calls.
class NgramCounter {
public:
    NgramCounter(int max_n, UnitMode mode, DecodeErrors errors);

    /// Decodes and counts `size` more bytes (a UTF-8 sequence may straddle two calls).
    void feed(const unsigned char* data, std::size_t size);
    /// Ends the input: flushes the pending unit and run (a truncated UTF-8 tail is invalid).
    void finish();

    std::uint64_t bytes_seen() const { return offset_; }
    /// Hash-table bytes held by the counts.
    std::size_t memory_bytes() const;

    /// Statistics of the n-grams (no boundary inside) counted at least `min_count` times.
    NgramStatistics statistics(std::uint64_t min_count) const;

private:
    void on_char(char32_t cp);
    void end_token();
    void end_run();
    void push_unit(unit_t id);
    unit_t unit_id(const std::string& text);

    int max_n_;
    UnitMode mode_;
    DecodeErrors errors_;
    std::uint64_t offset_ = 0;        // bytes decoded so far (for error offsets)
    std::vector<unsigned char> tail_; // incomplete UTF-8 sequence carried to the next feed

    std::string token_;               // letters/digits (or word characters) of the pending unit
    std::vector<unit_t> window_;      // the run so far, last max_n + 1 symbols (first may be the boundary)
    bool in_run_ = false;

    std::unordered_map<std::string, unit_t> unit_ids_;
    std::vector<std::string> units_;
    std::vector<NgramTable> tables_;  // tables_[k - 1]: k-grams
};

}  // namespace unsup::text
