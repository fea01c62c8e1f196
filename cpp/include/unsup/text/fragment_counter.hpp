// Second pass of word discovery: cut each run where no kept n-gram links two units, count the pieces.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "unsup/text/count_spill.hpp"
#include "unsup/text/ngram_set.hpp"
#include "unsup/text/ngram_table.hpp"
#include "unsup/text/unit_reader.hpp"
#include "unsup/text/unit_stream.hpp"

namespace unsup::text {

/// Fragments (pieces of runs between cuts) with their counts, by length, then count (descending),
/// then ids.
struct Fragments {
    int max_length = 0;
    std::vector<unit_t> ids;            // fragment i: ids[i * max_length .. + length[i]), rest 0
    std::vector<std::uint8_t> length;
    std::vector<std::uint64_t> count;
    std::vector<std::string> texts;     // units joined ("" for characters, " " for words)
};

/// Reads the corpus again with the first pass's units and counts its fragments: two adjacent
/// units stay linked when some kept n-gram (n >= 2) covers both, and a run is cut at every
/// other position. With only pairs kept this is the pair-PMI cut; with kept n-grams of several
/// orders, the n-gram linkage cut. Fragments longer than `max_length` units are not counted.
class FragmentCounter {
public:
    FragmentCounter(std::shared_ptr<UnitVocabulary> vocabulary, UnitMode mode, DecodeErrors errors, int max_length);

    /// Keeps the n-gram `ids[0, n)` (2 <= n <= 16): links inside it hold.
    void keep(const unit_t* ids, int n);
    /// From now on, count only the fragments that pass `windows_kept(..., window)` (0: all):
    /// the others cannot become words, so their table never grows with the corpus.
    void count_only_kept_windows(int window) {
        require(window >= 0, "window must be >= 0");
        filter_window_ = window;
    }

    /// Bounds the memory of the counts: past a third of `table_budget` bytes (0: no limit) they
    /// are spilled to temporary files, and `fragments` adds them up partition by partition,
    /// keeping only the fragments counted at least `min_count` times (its floor from then on).
    void limit_memory(std::size_t table_budget, std::uint64_t min_count) {
        require(min_count >= 1, "min_count must be >= 1");
        table_budget_ = table_budget;
        floor_ = min_count;
    }
    /// Bytes of counts written to temporary files so far.
    std::uint64_t spilled_bytes() const { return spill_.bytes_written(); }

    void feed(const unsigned char* data, std::size_t size) { reader_.feed(data, size, sink_); }
    /// Reads the recorded units of the first pass instead of the text, on `n_jobs` threads (each
    /// counts its share of every block into tables of its own, added up at the end). The stream
    /// must hold this counter's units (the same vocabulary); a counter replays once.
    void replay(const UnitStream& stream, const UnitVocabulary& units, const StopToken& stop, int n_jobs = 1);
    void finish() { reader_.finish(sink_); }
    std::uint64_t bytes_seen() const { return reader_.bytes_seen(); }
    std::size_t memory_bytes() const;

    /// Fragments counted at least `min_count` times (at least `limit_memory`'s floor), by length
    /// then count (descending) then ids. Adds up the spilled counts first.
    Fragments fragments(std::uint64_t min_count);

    /// Whether every `window`-unit window of `ids[0, n)` is a kept n-gram (n <= window: the
    /// fragment itself must be kept; single units always pass). `window` must be >= 1.
    bool windows_kept(const unit_t* ids, int n, int window) const;

private:
    /// A piece to count, its slot requested from the cache ahead of the addition.
    struct Piece {
        const unit_t* at;
        std::size_t length;
        std::uint64_t hash;
    };
    /// Where pieces are counted: the counter's own tables, or a thread's while replaying.
    struct Shard {
        std::vector<NgramTable> counts;  // counts[k - 1]: pieces of k units
        std::vector<std::uint32_t> kept;  // workspace: bit k of kept[i], the k-gram at i is kept
        std::vector<Piece> pieces;        // workspace: pieces waiting for their addition
    };
    struct Sink {
        FragmentCounter* self;
        void unit(unit_t id, std::uint64_t, std::uint64_t) { self->run_.push_back(id); }
        void end_run() {
            self->cut_runs(self->main_, self->run_.data(), self->run_.size());
            self->run_.clear();
            if (++self->runs_unchecked_ >= 4096) {
                self->runs_unchecked_ = 0;
                self->spill_.spill_if_over(self->table_budget_, {&self->main_.counts});
            }
        }
        void other(std::uint64_t, std::uint64_t) {}
    };
    /// Cuts the runs of `u[0, n)` (separated by kBoundary) and counts their pieces.
    void cut_runs(Shard& shard, const unit_t* u, std::size_t n) const;
    /// shard.kept[i] for every position of `u[0, n)`: which kept n-grams start there.
    void find_kept(Shard& shard, const unit_t* u, std::size_t n) const;
    /// Counts the pieces waiting in the shard.
    static void add_pieces(Shard& shard);
    bool kept(const unit_t* ids, int n) const;

    std::shared_ptr<UnitVocabulary> vocabulary_;
    UnitMode mode_;
    int max_length_;
    int filter_window_ = 0;
    bool replayed_ = false;
    bool incomplete_ = false;  // a replay was interrupted
    Sink sink_;
    UnitReader<Sink> reader_;
    std::vector<NgramSet> kept_;      // kept_[k]: the kept k-grams, 2 <= k <= 16
    int longest_ = 0;                 // longest kept n-gram
    Shard main_;                      // the counts
    std::vector<unit_t> run_;
    std::size_t table_budget_ = 0;    // 0: no limit
    std::uint64_t floor_ = 1;         // fragments rarer than this may be dropped
    std::size_t runs_unchecked_ = 0;  // runs fed since the last look at the memory
    CountSpill spill_;
};

}  // namespace unsup::text
