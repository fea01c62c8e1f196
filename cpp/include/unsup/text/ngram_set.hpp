// A set of k-grams that answers "absent" from a bit filter in cache, the table only for the rest.
#pragma once

#include <cstdint>
#include <vector>

#include "unsup/text/ngram_table.hpp"

namespace unsup::text {

/// The k-grams of a set (k fixed), queried far more often than it grows and mostly for absent
/// k-grams: a bit filter (one bit per key hash, 32 bits per member, small enough to stay in
/// cache) rules out about 97% of the absent ones before the table is probed.
class NgramSet {
public:
    explicit NgramSet(int k) : table_(k) { rebuild_filter(); }

    int k() const { return table_.k(); }
    std::size_t size() const { return table_.size(); }

    void insert(const unit_t* ids) {
        if (contains(ids)) return;
        table_.add(ids, 1);
        if (32 * table_.size() > 2 * (filter_mask_ + 1)) rebuild_filter();  // keep >= 16 bits per member
        else set_bit(table_.hash(ids));
    }

    std::uint64_t hash(const unit_t* ids) const { return table_.hash(ids); }

    /// Whether a k-gram of hash `h` may be a member (false: it is not).
    bool may_contain(std::uint64_t h) const {
        const std::uint64_t bit = (h >> 32) & filter_mask_;
        return (filter_[bit >> 6] >> (bit & 63)) & 1u;
    }
    /// Asks the cache for the table slot of hash `h` (after `may_contain` said yes).
    void prefetch(std::uint64_t h) const { table_.prefetch(h); }
    /// Membership of `ids` of hash `h` (= `hash(ids)`).
    bool contains(const unit_t* ids, std::uint64_t h) const { return may_contain(h) && table_.find(ids, h) >= 0; }
    bool contains(const unit_t* ids) const { return contains(ids, hash(ids)); }

    std::size_t memory_bytes() const { return table_.memory_bytes() + filter_.capacity() * sizeof(std::uint64_t); }

private:
    void set_bit(std::uint64_t h) {
        const std::uint64_t bit = (h >> 32) & filter_mask_;
        filter_[bit >> 6] |= std::uint64_t{1} << (bit & 63);
    }
    void rebuild_filter() {
        std::uint64_t bits = std::uint64_t{1} << 12;
        while (bits < 32 * table_.size()) bits <<= 1;
        filter_.assign(bits / 64, 0);
        filter_mask_ = bits - 1;
        for (std::size_t slot = 0; slot < table_.capacity(); ++slot)
            if (table_.count_at(slot) != 0) set_bit(table_.hash(table_.key_at(slot)));
    }

    NgramTable table_;                    // the members (count 1)
    std::vector<std::uint64_t> filter_;   // bit (hash >> 32) & filter_mask_: some member has it
    std::uint64_t filter_mask_ = 0;
};

}  // namespace unsup::text
