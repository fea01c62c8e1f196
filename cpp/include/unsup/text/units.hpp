// Splitting decoded text into runs of units: the symbols whose n-grams the word statistics count.
#pragma once

#include <cstdint>

namespace unsup::text {

/// Character classes that matter for word discovery.
enum class CharClass : std::uint8_t {
    ideograph,  // CJK ideographs, kana, hangul: one unit per character in "char" mode
    alnum,      // letters and digits of alphabetic scripts: runs of them form one unit
    space,      // whitespace: separates units; ends a run in "char" mode
    other,      // punctuation, symbols, emoji, U+FFFD: ends a run
};

/// How text is cut into units.
enum class UnitMode : std::uint8_t {
    character,  // Chinese-style text: each ideograph is a unit, a run of letters/digits is one unit,
                // whitespace and punctuation end runs
    word,       // space-delimited text: each whitespace-separated token of word characters is a
                // unit, punctuation ends runs
};

/// Full-width ASCII letters and digits (U+FF10..U+FF5A) fold to ASCII, as NFKC would.
inline char32_t fold_width(char32_t cp) noexcept {
    if ((cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A))
        return cp - 0xFEE0;
    return cp;
}

/// Class of a (width-folded) code point.
inline CharClass classify(char32_t cp) noexcept {
    if (cp < 0x80) {
        if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return CharClass::alnum;
        if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D)) return CharClass::space;
        return CharClass::other;
    }
    if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0x20000 && cp <= 0x323AF) || (cp >= 0x3040 && cp <= 0x30FF && cp != 0x30FB) ||
        (cp >= 0x31F0 && cp <= 0x31FF) || (cp >= 0xAC00 && cp <= 0xD7AF) || cp == 0x3005 || cp == 0x3007)
        return CharClass::ideograph;
    if (cp == 0xA0 || cp == 0x3000 || cp == 0x2028 || cp == 0x2029 || cp == 0x85 || (cp >= 0x2000 && cp <= 0x200A) ||
        cp == 0x202F || cp == 0x205F || cp == 0x1680)
        return CharClass::space;
    // Letters of Latin-1, Latin Extended-A/B, IPA, Greek, Cyrillic, Armenian, Hebrew, Arabic and
    // the Latin Extended Additional block (combining marks included, so accented words stay whole).
    if ((cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x250 && cp <= 0x2AF) ||
        (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x370 && cp <= 0x3FF && cp != 0x37E && cp != 0x387) ||
        (cp >= 0x400 && cp <= 0x52F) || (cp >= 0x531 && cp <= 0x587) || (cp >= 0x5D0 && cp <= 0x5EA) ||
        (cp >= 0x620 && cp <= 0x64A) || (cp >= 0x660 && cp <= 0x669) || (cp >= 0x1E00 && cp <= 0x1EFF))
        return CharClass::alnum;
    if (cp == 0xAA || cp == 0xB5 || cp == 0xBA) return CharClass::alnum;
    return CharClass::other;
}

}  // namespace unsup::text
