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

    /// Number of words given to the constructor (skipped ones included): the range of word ids.
    std::size_t n_inputs() const { return n_inputs_; }
    const Lexicon& lexicon() const { return lexicon_; }
    /// Id of the word that ends at `node` (its first position in the constructor's list), or -1.
    std::int32_t word_of(std::int32_t node) const {
        return node >= 0 && static_cast<std::size_t>(node) < node_word_.size() ? node_word_[node] : -1;
    }
    /// Reads UTF-8 `text` as one document into `sink` (see UnitReader); invalid bytes read as U+FFFD.
    template <class Sink>
    void read(const unsigned char* text, std::size_t size, Sink& sink) const {
        UnitReader<Sink> reader(mode_, DecodeErrors::replace, vocabulary_, /*add=*/false);
        reader.feed(text, size, sink);
        reader.finish(sink);
    }

private:
    UnitMode mode_;
    mutable UnitVocabulary vocabulary_;  // only read (add = false) after construction
    Lexicon lexicon_;
    double unknown_score_ = 0.0;
    std::size_t n_skipped_ = 0;
    std::size_t n_inputs_ = 0;
    std::vector<std::int32_t> node_word_;  // lexicon node -> word id, -1 where no word ends
};

}  // namespace unsup::text
