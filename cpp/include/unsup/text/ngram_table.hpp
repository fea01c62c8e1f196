// Open-addressing hash table of fixed-length unit-id sequences (k-grams) with counts.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "unsup/common.hpp"

namespace unsup::text {

using unit_t = std::uint32_t;

/// Counts of k-grams (k fixed per table). Keys live in one flat array, k ids per slot; a slot is
/// empty while its count is 0. Linear probing, load factor at most 1/2.
class NgramTable {
public:
    explicit NgramTable(int k) : k_(k) { rehash(64); }

    int k() const { return k_; }
    std::size_t size() const { return size_; }
    std::size_t capacity() const { return counts_.size(); }

    /// Adds `count` to the k-gram `ids`.
    void add(const unit_t* ids, std::uint64_t count) {
        if (2 * (size_ + 1) > counts_.size()) rehash(2 * counts_.size());
        std::size_t slot = hash(ids) & mask_;
        while (counts_[slot] != 0) {
            if (std::memcmp(&keys_[slot * k_], ids, sizeof(unit_t) * k_) == 0) {
                counts_[slot] += count;
                return;
            }
            slot = (slot + 1) & mask_;
        }
        std::memcpy(&keys_[slot * k_], ids, sizeof(unit_t) * k_);
        counts_[slot] = count;
        ++size_;
    }

    /// Slot of `ids`, or -1 when absent.
    std::int64_t find(const unit_t* ids) const {
        std::size_t slot = hash(ids) & mask_;
        while (counts_[slot] != 0) {
            if (std::memcmp(&keys_[slot * k_], ids, sizeof(unit_t) * k_) == 0) return static_cast<std::int64_t>(slot);
            slot = (slot + 1) & mask_;
        }
        return -1;
    }

    std::uint64_t count(const unit_t* ids) const {
        const std::int64_t slot = find(ids);
        return slot < 0 ? 0 : counts_[static_cast<std::size_t>(slot)];
    }

    /// Slot access for iteration: slots with count 0 are empty.
    std::uint64_t count_at(std::size_t slot) const { return counts_[slot]; }
    const unit_t* key_at(std::size_t slot) const { return &keys_[slot * k_]; }

    std::size_t memory_bytes() const { return keys_.capacity() * sizeof(unit_t) + counts_.capacity() * 8; }

private:
    std::uint64_t hash(const unit_t* ids) const {
        std::uint64_t h = 0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(k_);
        for (int i = 0; i < k_; ++i) {
            h = (h ^ ids[i]) * 0xBF58476D1CE4E5B9ULL;
            h ^= h >> 29;
        }
        h *= 0x94D049BB133111EBULL;
        return h ^ (h >> 32);
    }

    void rehash(std::size_t capacity) {
        std::vector<unit_t> old_keys;
        std::vector<std::uint64_t> old_counts;
        old_keys.swap(keys_);
        old_counts.swap(counts_);
        keys_.assign(capacity * static_cast<std::size_t>(k_), 0);
        counts_.assign(capacity, 0);
        mask_ = capacity - 1;
        size_ = 0;
        for (std::size_t s = 0; s < old_counts.size(); ++s)
            if (old_counts[s] != 0) add(&old_keys[s * k_], old_counts[s]);
    }

    int k_;
    std::size_t mask_ = 0, size_ = 0;
    std::vector<unit_t> keys_;
    std::vector<std::uint64_t> counts_;
};

}  // namespace unsup::text
