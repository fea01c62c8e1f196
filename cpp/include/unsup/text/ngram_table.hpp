// Open-addressing hash table of fixed-length unit-id sequences (k-grams) with counts.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "unsup/common.hpp"

namespace unsup::text {

using unit_t = std::uint32_t;

/// Hash of the k-gram `ids[0, k)` (mixes k in, so k-grams of different k differ).
inline std::uint64_t hash_ngram(const unit_t* ids, int k) {
    std::uint64_t h = 0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(k);
    for (int i = 0; i < k; ++i) {
        h = (h ^ ids[i]) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 29;
    }
    h *= 0x94D049BB133111EBULL;
    return h ^ (h >> 32);
}

/// Counts of k-grams (k fixed per table). Each slot holds its count (two 32-bit words) and its
/// k ids side by side, so a probe reads one cache line; a slot is empty while its count is 0.
/// Linear probing, load factor at most 3/4.
class NgramTable {
public:
    explicit NgramTable(int k) : k_(k), stride_(static_cast<std::size_t>(k) + 2) { rehash(64); }

    int k() const { return k_; }
    std::size_t size() const { return size_; }
    std::size_t capacity() const { return mask_ + 1; }

    /// Hash of a k-gram, for `prefetch` and `add(ids, count, hash)`.
    std::uint64_t hash(const unit_t* ids) const { return hash_ngram(ids, k_); }

    /// Asks the cache for the slot where a k-gram of hash `h` would go: issued a few dozen
    /// additions ahead, it hides the memory latency that dominates counting into large tables.
    void prefetch(std::uint64_t h) const {
        const unit_t* s = &data_[(h & mask_) * stride_];
        __builtin_prefetch(s, 1);
        __builtin_prefetch(s + stride_ - 1, 1);  // a slot may straddle two cache lines
    }

    /// Adds `count` (> 0) to the k-gram `ids`.
    void add(const unit_t* ids, std::uint64_t count) { add(ids, count, hash(ids)); }

    /// Adds `count` (> 0) to the k-gram `ids` of hash `h` (= `hash(ids)`).
    void add(const unit_t* ids, std::uint64_t count, std::uint64_t h) {
        if (4 * (size_ + 1) > 3 * capacity()) rehash(2 * capacity());
        std::size_t slot = h & mask_;
        while (true) {
            unit_t* s = &data_[slot * stride_];
            const std::uint64_t c = load_count(s);
            if (c == 0) {
                std::memcpy(s + 2, ids, sizeof(unit_t) * static_cast<std::size_t>(k_));
                store_count(s, count);
                ++size_;
                return;
            }
            if (same(s + 2, ids)) {
                store_count(s, c + count);
                return;
            }
            slot = (slot + 1) & mask_;
        }
    }

    /// Empties the table and gives its memory back.
    void clear() {
        std::vector<unit_t>().swap(data_);
        rehash(64);
    }

    /// Adds every count of `other` (same k) and empties it: a table of its own when this one is
    /// empty, else added in blocks whose slots are prefetched, after growing once to fit both.
    void absorb(NgramTable& other) {
        if (size_ == 0) {
            std::swap(data_, other.data_);
            std::swap(mask_, other.mask_);
            std::swap(size_, other.size_);
            other.clear();
            return;
        }
        std::size_t capacity = this->capacity();
        while (4 * (size_ + other.size_) > 3 * capacity) capacity <<= 1;
        if (capacity != this->capacity()) rehash(capacity);
        constexpr std::size_t kBlock = 32;
        std::size_t slots[kBlock];
        std::uint64_t hashes[kBlock];
        std::size_t m = 0;
        for (std::size_t slot = 0;; ++slot) {
            const bool done = slot == other.capacity();
            if (!done && other.count_at(slot) != 0) {
                slots[m] = slot;
                hashes[m] = hash(other.key_at(slot));
                prefetch(hashes[m++]);
            }
            if (m == kBlock || (done && m > 0)) {
                for (std::size_t j = 0; j < m; ++j) add(other.key_at(slots[j]), other.count_at(slots[j]), hashes[j]);
                m = 0;
            }
            if (done) break;
        }
        other.clear();
    }

    /// Slot of `ids`, or -1 when absent.
    std::int64_t find(const unit_t* ids) const { return find(ids, hash(ids)); }

    /// Slot of `ids` of hash `h` (= `hash(ids)`), or -1 when absent.
    std::int64_t find(const unit_t* ids, std::uint64_t h) const {
        std::size_t slot = h & mask_;
        while (true) {
            const unit_t* s = &data_[slot * stride_];
            if (load_count(s) == 0) return -1;
            if (same(s + 2, ids)) return static_cast<std::int64_t>(slot);
            slot = (slot + 1) & mask_;
        }
    }

    std::uint64_t count(const unit_t* ids) const {
        const std::int64_t slot = find(ids);
        return slot < 0 ? 0 : count_at(static_cast<std::size_t>(slot));
    }

    /// Slot access for iteration: slots with count 0 are empty.
    std::uint64_t count_at(std::size_t slot) const { return load_count(&data_[slot * stride_]); }
    const unit_t* key_at(std::size_t slot) const { return &data_[slot * stride_ + 2]; }

    std::size_t memory_bytes() const { return data_.capacity() * sizeof(unit_t); }

private:
    static std::uint64_t load_count(const unit_t* s) { return s[0] | (static_cast<std::uint64_t>(s[1]) << 32); }
    static void store_count(unit_t* s, std::uint64_t c) {
        s[0] = static_cast<unit_t>(c);
        s[1] = static_cast<unit_t>(c >> 32);
    }
    bool same(const unit_t* a, const unit_t* b) const {
        for (int i = 0; i < k_; ++i)
            if (a[i] != b[i]) return false;
        return true;
    }
    void rehash(std::size_t capacity) {
        std::vector<unit_t> old;
        old.swap(data_);
        const std::size_t old_capacity = old.size() / stride_;
        data_.assign(capacity * stride_, 0);
        mask_ = capacity - 1;
        size_ = 0;
        for (std::size_t s = 0; s < old_capacity; ++s) {
            const std::uint64_t c = load_count(&old[s * stride_]);
            if (c != 0) add(&old[s * stride_ + 2], c);
        }
    }

    int k_;
    std::size_t stride_;
    std::size_t mask_ = 0, size_ = 0;
    std::vector<unit_t> data_;  // per slot: count (low, high), then k ids
};

/// One empty table per order k = 1 .. max_k (tables[k - 1] holds the k-grams).
inline std::vector<NgramTable> make_tables(std::size_t max_k) {
    std::vector<NgramTable> tables;
    tables.reserve(max_k);
    for (std::size_t k = 1; k <= max_k; ++k) tables.emplace_back(static_cast<int>(k));
    return tables;
}

}  // namespace unsup::text
