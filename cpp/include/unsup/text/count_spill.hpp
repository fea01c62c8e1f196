// k-gram counts that outgrew their memory budget, hash-partitioned into temporary files.
#pragma once

#include <cstdint>
#include <cstdio>
#include <vector>

#include "unsup/text/ngram_table.hpp"

namespace unsup::text {

/// Counts written out of memory: each k-gram goes to one of `parts` temporary files picked by
/// its hash, so that reading one partition back brings every count of its k-grams (spilled
/// several times, they add up) while holding about 1/parts of them. Records are
/// (k, count, ids); a spilled table is emptied, and counting goes on in it.
class CountSpill {
public:
    explicit CountSpill(std::size_t parts = 64);
    ~CountSpill();
    CountSpill(const CountSpill&) = delete;
    CountSpill& operator=(const CountSpill&) = delete;

    std::size_t parts() const { return files_.size(); }
    /// Whether anything has been spilled.
    bool used() const { return bytes_ > 0; }
    /// Bytes held in the files now, and written since construction (clearing keeps counting).
    std::uint64_t bytes() const { return bytes_; }
    std::uint64_t bytes_written() const { return written_; }
    /// Partition of the k-gram `ids[0, k)`: high hash bits, independent of a table's slot bits.
    std::size_t part_of(const unit_t* ids, int k) const {
        return static_cast<std::size_t>(((hash_ngram(ids, k) >> 32) * files_.size()) >> 32);
    }

    /// Writes every k-gram of `table` with its count to its partition and empties the table.
    void spill(NgramTable& table);
    /// Spills `tables[k - 1]` for every k >= first_k.
    void spill_all(std::vector<NgramTable>& tables, int first_k = 1);
    /// Spills the tables of `groups` (each indexed by k - 1; orders k >= first_k) when together
    /// they hold more than a third of `budget` bytes (0: no limit), so that a table doubling as
    /// it grows stays within the budget. Returns whether it spilled.
    bool spill_if_over(std::size_t budget, const std::vector<std::vector<NgramTable>*>& groups, int first_k = 1);
    /// Adds the spilled counts of partition `part` to `tables[k - 1]` (k-grams with k beyond
    /// `tables.size()` are skipped).
    void load(std::size_t part, std::vector<NgramTable>& tables) const;
    /// Forgets every spilled count (closes the files).
    void clear();

private:
    void write(std::size_t part, std::vector<unit_t>& buffer);

    std::vector<std::FILE*> files_;  // opened on first use
    std::uint64_t bytes_ = 0, written_ = 0;
};

/// Keeps in `tables[k - 1]` (k >= first_k) only the k-grams counted at least `min_count` times
/// in all, adding what `spill` holds (when used) partition by partition, so that memory never
/// holds more than one partition of the rare ones. The spill is cleared (its counts are now in
/// the tables).
void keep_frequent(std::vector<NgramTable>& tables, int first_k, std::uint64_t min_count, CountSpill* spill);

/// Bytes held by `tables[k - 1]` for k >= first_k.
std::size_t tables_memory(const std::vector<NgramTable>& tables, int first_k = 1);

}  // namespace unsup::text
