// Streamed UTF-8 text cut into runs of units: the reader every counter and the tokenizer share.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "unsup/common.hpp"
#include "unsup/text/units.hpp"
#include "unsup/text/utf8.hpp"

namespace unsup::text {

using unit_t = std::uint32_t;

/// The run boundary, a neighbour symbol of its own: unit id 0.
constexpr unit_t kBoundary = 0;
/// A unit the vocabulary does not hold (lookup-only reading).
constexpr unit_t kUnknownUnit = 0xFFFFFFFFu;

/// Unit texts and their ids; id 0 is the run boundary (text ""). Single characters are found
/// through a direct table for the Basic Multilingual Plane, multi-character tokens through a map.
class UnitVocabulary {
public:
    UnitVocabulary() { texts_.emplace_back(); }

    std::size_t size() const { return texts_.size(); }
    const std::string& text(unit_t id) const { return texts_[id]; }

    /// Id of the one-character unit `cp`: added when absent if `add`, else kUnknownUnit. Lookups
    /// (`add` false) never write, so readers may share a vocabulary across threads.
    unit_t of_char(char32_t cp, bool add) {
        if (cp < kDirect && !direct_.empty() && direct_[cp] != kUnknownUnit) return direct_[cp];
        std::string s;
        append_utf8(s, cp);
        const unit_t id = of_token(s, add);
        if (add && cp < kDirect) {
            if (direct_.empty()) direct_.assign(kDirect, kUnknownUnit);
            direct_[cp] = id;
        }
        return id;
    }

    /// Id of the unit with UTF-8 text `s`: added when absent if `add`, else kUnknownUnit.
    unit_t of_token(const std::string& s, bool add) {
        auto it = ids_.find(s);
        if (it != ids_.end()) return it->second;
        if (!add) return kUnknownUnit;
        require(texts_.size() < kUnknownUnit - 1, "too many distinct units");
        const unit_t id = static_cast<unit_t>(texts_.size());
        texts_.push_back(s);
        ids_.emplace(s, id);
        return id;
    }

    std::size_t memory_bytes() const {
        std::size_t bytes = direct_.capacity() * sizeof(unit_t);
        for (const auto& t : texts_) bytes += sizeof(std::string) + t.capacity() + 48;  // + map node
        return bytes;
    }

private:
    static constexpr char32_t kDirect = 0x10000;
    std::vector<unit_t> direct_;  // BMP code point -> id of its one-character unit
    std::unordered_map<std::string, unit_t> ids_;
    std::vector<std::string> texts_;
};

/// Cuts streamed UTF-8 into runs of units and reports them to a sink:
///   sink.unit(id, begin, end)  a unit and its byte span [begin, end) in the whole input,
///   sink.end_run()             the run ends (punctuation, symbols, or whitespace in "char" mode),
///   sink.other(begin, end)     a character that is neither a word character nor whitespace.
/// In "char" mode each ideograph is a unit and a run of letters/digits is one unit; in "word"
/// mode each whitespace-separated token of word characters is a unit. Full-width letters and
/// digits fold to ASCII. With `add` false, units missing from the vocabulary read as kUnknownUnit.
template <class Sink>
class UnitReader {
public:
    UnitReader(UnitMode mode, DecodeErrors errors, UnitVocabulary& vocabulary, bool add)
        : mode_(mode), errors_(errors), vocabulary_(vocabulary), add_(add) {}

    /// Reads `size` more bytes (a UTF-8 sequence may straddle two calls).
    void feed(const unsigned char* data, std::size_t size, Sink& sink) {
        const unsigned char* begin = data;
        std::size_t length = size;
        if (!tail_.empty()) {
            joined_.assign(tail_.begin(), tail_.end());
            joined_.insert(joined_.end(), data, data + size);
            begin = joined_.data();
            length = joined_.size();
        }
        const std::size_t keep = incomplete_suffix(begin, length);
        const std::uint64_t base = offset_;
        decode_utf8(begin, length - keep, errors_, base, [&](char32_t cp, std::size_t at, std::size_t width) {
            on_char(cp, base + at, base + at + width, sink);
        });
        offset_ += length - keep;
        tail_.assign(begin + (length - keep), begin + length);
    }

    /// Ends the input (a document): flushes the pending unit and run; a truncated UTF-8 tail is invalid.
    void finish(Sink& sink) {
        if (!tail_.empty()) {
            const std::uint64_t base = offset_;
            decode_utf8(tail_.data(), tail_.size(), errors_, base, [&](char32_t cp, std::size_t at, std::size_t width) {
                on_char(cp, base + at, base + at + width, sink);
            });
            offset_ += tail_.size();
            tail_.clear();
        }
        end_token(sink);
        if (in_run_) {
            in_run_ = false;
            sink.end_run();
        }
    }

    /// Bytes decoded so far (positions of later units continue from here).
    std::uint64_t bytes_seen() const { return offset_; }

private:
    /// Bytes at the end of `data` that start a UTF-8 sequence the chunk does not complete.
    static std::size_t incomplete_suffix(const unsigned char* data, std::size_t size) {
        const std::size_t lookback = size < 3 ? size : 3;
        for (std::size_t back = 1; back <= lookback; ++back) {
            const unsigned char b = data[size - back];
            if (b < 0x80) return 0;
            if (b >= 0xC0) {
                const std::size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                return back < need ? back : 0;
            }
        }
        return 0;
    }

    void on_char(char32_t cp, std::uint64_t begin, std::uint64_t end, Sink& sink) {
        cp = fold_width(cp);
        switch (classify(cp)) {
            case CharClass::ideograph:
                if (mode_ == UnitMode::character) {
                    end_token(sink);
                    emit(vocabulary_.of_char(cp, add_), begin, end, sink);
                    break;
                }
                [[fallthrough]];
            case CharClass::alnum:
                if (token_.empty()) token_begin_ = begin;
                append_utf8(token_, cp);
                token_end_ = end;
                break;
            case CharClass::space:
                end_token(sink);
                if (mode_ == UnitMode::character && in_run_) {
                    in_run_ = false;
                    sink.end_run();
                }
                break;
            case CharClass::other:
                end_token(sink);
                if (in_run_) {
                    in_run_ = false;
                    sink.end_run();
                }
                sink.other(begin, end);
                break;
        }
    }

    void end_token(Sink& sink) {
        if (token_.empty()) return;
        const unit_t id = token_.size() <= 4 && utf8_length(token_) == 1
                              ? vocabulary_.of_char(first_code_point(), add_)
                              : vocabulary_.of_token(token_, add_);
        emit(id, token_begin_, token_end_, sink);
        token_.clear();
    }

    void emit(unit_t id, std::uint64_t begin, std::uint64_t end, Sink& sink) {
        in_run_ = true;
        sink.unit(id, begin, end);
    }

    static std::size_t utf8_length(const std::string& s) {
        std::size_t n = 0;
        for (unsigned char c : s) n += (c & 0xC0) != 0x80;
        return n;
    }

    char32_t first_code_point() const {
        char32_t cp = 0;
        decode_utf8(reinterpret_cast<const unsigned char*>(token_.data()), token_.size(), DecodeErrors::replace, 0,
                    [&](char32_t c, std::size_t, std::size_t) { cp = c; });
        return cp;
    }

    UnitMode mode_;
    DecodeErrors errors_;
    UnitVocabulary& vocabulary_;
    bool add_;
    std::uint64_t offset_ = 0;           // bytes decoded so far
    std::vector<unsigned char> tail_;    // incomplete UTF-8 sequence carried to the next feed
    std::vector<unsigned char> joined_;  // tail + next chunk
    std::string token_;                  // letters/digits (or word characters) of the pending unit
    std::uint64_t token_begin_ = 0, token_end_ = 0;
    bool in_run_ = false;
};

}  // namespace unsup::text
