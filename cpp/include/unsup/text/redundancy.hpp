// Minimum-entropy clean-up of a discovered lexicon: drop words their parts already explain.
#pragma once

#include <cstdint>
#include <vector>

#include "unsup/text/unit_reader.hpp"

namespace unsup::text {

/// Longest words first, each word w of two or more units is taken out of the lexicon and
/// segmented by the unigram model over what remains (p = count / total, total fixed); when
///   ln p(w) - sum_i ln p(s_i) < nats_per_unit * (len(w) - 1)
/// w stays out and its count goes to each part s_i (the text is then coded with the parts at
/// a cost of less than `nats_per_unit` per extra unit), else w comes back. Word i is
/// ids[i * stride, + length[i]); returns the new counts, 0 for the words taken out. A part that
/// was not a word (a unit never seen alone) is counted as a new one-unit word, reported in
/// `new_units` / `new_counts`.
std::vector<std::uint64_t> remove_redundant_words(const unit_t* ids, std::size_t stride, const std::uint8_t* length,
                                                  const std::uint64_t* count, std::size_t n_words,
                                                  double nats_per_unit, std::vector<unit_t>& new_units,
                                                  std::vector<std::uint64_t>& new_counts);

}  // namespace unsup::text
