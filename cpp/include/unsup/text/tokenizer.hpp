// Unigram tokenizer: a lexicon with word probabilities, Viterbi over each run of units.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "unsup/text/lexicon.hpp"
#include "unsup/text/unit_reader.hpp"

namespace unsup::text {

/// Splits text into the most probable sequence of lexicon words (sum of ln p(w), p(w) = count /
/// total count), run by run; a unit outside the lexicon is a one-unit token scored
/// `unknown_score`. Punctuation and symbols come out as one-character tokens; whitespace is
/// dropped. Thread-safe once built.
class Tokenizer {
public:
    /// `unknown_score` NaN: ln(0.5 / total), half a count below the rarest possible word.
    Tokenizer(const std::vector<std::string>& words, const std::vector<double>& counts, UnitMode mode,
              double unknown_score);

    /// Byte spans [begin, end) of the tokens of the UTF-8 `text` (invalid bytes read as U+FFFD).
    void tokenize(const unsigned char* text, std::size_t size,
                  std::vector<std::pair<std::uint64_t, std::uint64_t>>& spans) const;

    std::size_t n_words() const { return lexicon_.n_words(); }
    /// Words of the input that are not one run of units (punctuation or, in "char" mode,
    /// whitespace inside): they can never match and were left out.
    std::size_t n_skipped() const { return n_skipped_; }
    double unknown_score() const { return unknown_score_; }
    UnitMode mode() const { return mode_; }
    std::size_t memory_bytes() const { return lexicon_.memory_bytes() + vocabulary_.memory_bytes(); }

private:
    UnitMode mode_;
    mutable UnitVocabulary vocabulary_;  // only read (add = false) after construction
    Lexicon lexicon_;
    double unknown_score_ = 0.0;
    std::size_t n_skipped_ = 0;
};

}  // namespace unsup::text
