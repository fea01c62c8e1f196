// A lexicon of words (unit-id sequences) in a trie, and unigram segmentation over it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "unsup/common.hpp"
#include "unsup/text/unit_reader.hpp"

namespace unsup::text {

/// Words as paths in a trie over unit ids; a node that ends a word carries the word's score
/// (log probability under the unigram model). Children live in one open-addressing table keyed
/// by (node, unit), so a walk costs one probe per unit.
class Lexicon {
public:
    static constexpr std::int32_t kNone = -1;
    static constexpr double kNotWord = std::numeric_limits<double>::quiet_NaN();

    /// A step of a walk: the node reached (kNone: no such path) and its score (NaN: not a word).
    struct Step {
        std::int32_t node;
        float score;
    };

    Lexicon() {
        score_.push_back(kNotWord);
        edge_.push_back(0);
        rehash(1024);
    }

    std::size_t n_words() const { return n_words_; }
    std::size_t max_length() const { return max_length_; }

    /// Child of `node` along `unit` with its score, one probe (the root's children: an array).
    Step step(std::int32_t node, unit_t unit) const {
        if (node == 0) return unit < root_.size() ? root_[unit] : Step{kNone, 0.0f};
        const std::uint64_t key = pack(node, unit);
        std::size_t slot = hash(key) & mask_;
        while (true) {
            const Entry& e = table_[slot];
            if (e.child == kNone || e.key == key) return {e.child, e.score};
            slot = (slot + 1) & mask_;
        }
    }
    std::int32_t child(std::int32_t node, unit_t unit) const { return step(node, unit).node; }

    /// Node of the word `ids[0, n)`, created with its prefixes when absent.
    std::int32_t insert(const unit_t* ids, std::size_t n) {
        std::int32_t node = 0;
        for (std::size_t i = 0; i < n; ++i) {
            std::int32_t next = child(node, ids[i]);
            if (next == kNone) {
                require(score_.size() < static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()),
                        "lexicon too large");
                require(ids[i] != kUnknownUnit, "lexicon: unknown unit");
                next = static_cast<std::int32_t>(score_.size());
                score_.push_back(kNotWord);
                edge_.push_back(pack(node, ids[i]));
                link(node, ids[i], next);
            }
            node = next;
        }
        if (n > max_length_) max_length_ = n;
        return node;
    }

    /// Node of the word `ids[0, n)`, or kNone (the path may exist without being a word).
    std::int32_t find(const unit_t* ids, std::size_t n) const {
        std::int32_t node = 0;
        for (std::size_t i = 0; i < n && node != kNone; ++i) node = child(node, ids[i]);
        return node;
    }

    bool is_word(std::int32_t node) const { return node != kNone && !std::isnan(score_[node]); }
    double score(std::int32_t node) const { return score_[node]; }
    /// Makes `node` (not the root) a word with `score` (NaN: not a word).
    void set_score(std::int32_t node, double score) {
        const bool was = !std::isnan(score_[node]), is = !std::isnan(score);
        n_words_ += static_cast<std::size_t>(is) - static_cast<std::size_t>(was);
        score_[node] = score;
        const std::int32_t parent = static_cast<std::int32_t>(edge_[node] >> 32);
        const unit_t unit = static_cast<unit_t>(edge_[node]);
        if (parent == 0) {
            root_[unit].score = static_cast<float>(score);
            return;
        }
        std::size_t slot = hash(edge_[node]) & mask_;
        while (table_[slot].key != edge_[node] || table_[slot].child != node) slot = (slot + 1) & mask_;
        table_[slot].score = static_cast<float>(score);
    }

    std::size_t memory_bytes() const {
        return table_.capacity() * sizeof(Entry) + root_.capacity() * sizeof(Step) +
               score_.capacity() * sizeof(double) + edge_.capacity() * sizeof(std::uint64_t);
    }

private:
    struct Entry {
        std::uint64_t key = 0;
        std::int32_t child = kNone;
        float score = 0.0f;  // the child's score, so a walk touches one cache line per step
    };
    static std::uint64_t pack(std::int32_t node, unit_t unit) {
        return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(node)) << 32) | unit;
    }
    static std::uint64_t hash(std::uint64_t key) {
        key ^= key >> 31;
        key *= 0x9E3779B97F4A7C15ULL;
        return key ^ (key >> 29);
    }
    void link(std::int32_t node, unit_t unit, std::int32_t child) {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        if (node == 0) {
            if (unit >= root_.size()) root_.resize(static_cast<std::size_t>(unit) + 1, Step{kNone, nan});
            root_[unit] = {child, nan};
            return;
        }
        if (2 * (used_ + 1) > table_.size()) rehash(2 * table_.size());
        put({pack(node, unit), child, nan});
        ++used_;
    }
    void put(const Entry& entry) {
        std::size_t slot = hash(entry.key) & mask_;
        while (table_[slot].child != kNone) slot = (slot + 1) & mask_;
        table_[slot] = entry;
    }
    void rehash(std::size_t capacity) {
        std::vector<Entry> old;
        old.swap(table_);
        table_.assign(capacity, Entry{});
        mask_ = capacity - 1;
        for (const Entry& e : old)
            if (e.child != kNone) put(e);
    }

    std::vector<Step> root_;     // the root's child along each unit id
    std::vector<Entry> table_;   // (node, unit) -> child, for nodes other than the root
    std::size_t mask_ = 0, used_ = 0, n_words_ = 0, max_length_ = 0;
    std::vector<double> score_;         // per node; NaN unless the node ends a word
    std::vector<std::uint64_t> edge_;   // per node: pack(parent, unit)
};

/// Unigram segmentation: the split of `units[0, n)` into lexicon words that maximises the sum of
/// their scores, a unit outside the lexicon counting as a one-unit word scored `unknown_score`.
/// Fills `cut` with the word boundaries 0 = b_0 < b_1 < ... < b_k = n (k + 1 entries); ties go
/// to the earliest-found split. `best` and `back` are workspace.
inline void segment(const Lexicon& lexicon, const unit_t* units, std::size_t n, double unknown_score,
                    std::vector<std::size_t>& cut, std::vector<double>& best, std::vector<std::size_t>& back) {
    best.assign(n + 1, -std::numeric_limits<double>::infinity());
    back.assign(n + 1, 0);
    best[0] = 0.0;
    for (std::size_t s = 0; s < n; ++s) {
        const double base = best[s];
        std::int32_t node = 0;
        bool single = false;
        for (std::size_t e = s; e < n; ++e) {
            const Lexicon::Step step = lexicon.step(node, units[e]);
            node = step.node;
            if (node == Lexicon::kNone) break;
            if (std::isnan(step.score)) continue;
            single |= e == s;
            const double value = base + step.score;
            if (value > best[e + 1]) {
                best[e + 1] = value;
                back[e + 1] = s;
            }
        }
        if (!single && base + unknown_score > best[s + 1]) {
            best[s + 1] = base + unknown_score;
            back[s + 1] = s;
        }
    }
    cut.clear();
    for (std::size_t e = n; e > 0; e = back[e]) cut.push_back(e);
    cut.push_back(0);
    std::reverse(cut.begin(), cut.end());
}

}  // namespace unsup::text
