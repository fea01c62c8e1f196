// How often each word of a lexicon occurs in a corpus: as a substring, as a token of the unigram
// segmentation, and in how many documents; optionally the token-id stream of the segmentation.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "unsup/common.hpp"
#include "unsup/text/tokenizer.hpp"

namespace unsup::text {

/// Per word id of the tokenizer (its position in the constructor's list; a duplicate's later
/// ids stay zero):
///   occurrences  positions where the word matches the text inside a run of units (overlaps
///                and nested matches all count: "二维" inside "二维码" is an occurrence of both),
///   tokens       times the unigram segmentation cuts the word out,
///   documents    documents in which it is cut out at least once.
/// `ids` (when asked for) holds the word id of every token in text order, -1 after each
/// document; units outside the lexicon and punctuation are left out.
struct LexiconCounts {
    std::vector<std::int64_t> occurrences, tokens, documents;
    std::vector<std::int32_t> ids;
    std::int64_t n_units = 0;  // units read (all documents)
};

/// Counts the lexicon of `tokenizer` over `documents` (UTF-8; invalid bytes read as U+FFFD) on
/// up to `n_jobs` threads; the result does not depend on `n_jobs`. `stop` is polled between
/// blocks of documents.
LexiconCounts count_lexicon(const Tokenizer& tokenizer, const std::vector<std::string_view>& documents,
                            bool emit_ids, int n_jobs, const StopToken& stop);

}  // namespace unsup::text
