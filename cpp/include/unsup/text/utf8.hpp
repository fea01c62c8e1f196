// Streaming UTF-8 decoding with an explicit policy for invalid bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace unsup::text {

/// What to do with bytes that are not valid UTF-8 (as Python's `errors=`).
enum class DecodeErrors { replace, strict };

/// Invalid UTF-8 under the strict policy; `offset` is the byte position in the whole input and
/// `byte` the first byte of the invalid sequence.
struct DecodeError : std::runtime_error {
    std::uint64_t offset;
    unsigned char byte;
    DecodeError(std::uint64_t at, unsigned char value)
        : std::runtime_error("invalid UTF-8 at byte offset " + std::to_string(at) + " of the input"),
          offset(at),
          byte(value) {}
};

constexpr char32_t kReplacementCharacter = 0xFFFD;

/// Decodes `size` bytes and calls `emit(code_point, at, width)` for each character, which
/// takes bytes [at, at + width) of `data`. Invalid sequences
/// (stray continuation bytes, overlong forms, surrogates, values past U+10FFFF, truncation) are
/// replaced by U+FFFD one maximal invalid subpart at a time, as Python does, or raise
/// DecodeError (strict). `base_offset` is the position of `data[0]` in the whole input.
template <class Emit>
void decode_utf8(const unsigned char* data, std::size_t size, DecodeErrors errors, std::uint64_t base_offset,
                 Emit&& emit) {
    std::size_t i = 0;
    auto invalid = [&](std::size_t at) {
        if (errors == DecodeErrors::strict) throw DecodeError(base_offset + at, data[at]);
    };
    while (i < size) {
        const unsigned char b = data[i];
        if (b < 0x80) {
            emit(static_cast<char32_t>(b), i, std::size_t{1});
            ++i;
            continue;
        }
        int length;
        char32_t cp;
        unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the first continuation byte
        if (b >= 0xC2 && b <= 0xDF) {
            length = 2;
            cp = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
            length = 3;
            cp = b & 0x0F;
            if (b == 0xE0) lo = 0xA0;  // no overlong forms
            if (b == 0xED) hi = 0x9F;  // no surrogates
        } else if (b >= 0xF0 && b <= 0xF4) {
            length = 4;
            cp = b & 0x07;
            if (b == 0xF0) lo = 0x90;  // no overlong forms
            if (b == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
        } else {
            invalid(i);
            emit(kReplacementCharacter, i, std::size_t{1});
            ++i;
            continue;
        }
        std::size_t j = 1;
        for (; j < static_cast<std::size_t>(length); ++j) {
            if (i + j >= size) break;
            const unsigned char c = data[i + j];
            const unsigned char low = j == 1 ? lo : 0x80, high = j == 1 ? hi : 0xBF;
            if (c < low || c > high) break;
            cp = (cp << 6) | (c & 0x3F);
        }
        if (j < static_cast<std::size_t>(length)) {  // the valid prefix [i, i + j) is one error
            invalid(i);
            emit(kReplacementCharacter, i, j);
            i += j;
            continue;
        }
        emit(cp, i, static_cast<std::size_t>(length));
        i += static_cast<std::size_t>(length);
    }
}

/// Appends the UTF-8 encoding of `cp` to `out`.
inline void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

}  // namespace unsup::text
