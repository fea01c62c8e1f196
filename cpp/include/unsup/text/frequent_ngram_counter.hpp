// Exact counts of the frequent n-grams only, in two passes and a fraction of the memory.
#pragma once

#include <cstdint>
#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "unsup/text/count_spill.hpp"
#include "unsup/text/ngram_counter.hpp"
#include "unsup/text/ngram_table.hpp"
#include "unsup/text/unit_reader.hpp"
#include "unsup/text/unit_stream.hpp"

namespace unsup::text {

/// Exact counts of every n-gram (n <= max_n) seen at least `min_count` times, where min_count
/// is only known once the corpus has been read (it grows with the corpus size).
///
/// Pass 1 counts units exactly, pairs exactly while their tables stay under 64 MiB (then they
/// join the sketch), and longer n-grams into a count sketch: one saturating byte per cell, the
/// cell a hash of the n-gram (for n >= 3 within the cache line that its first three units pick),
/// so a cell never holds less than the count of any n-gram hashed to it. Pass 2 (after `start_second_pass(min_count)`) reads the same corpus
/// and counts exactly the n-grams whose cell reaches min_count: a superset of the frequent
/// ones, so the statistics of the frequent n-grams are exact and do not depend on the sketch's
/// size, which only trades memory for the number of rare n-grams counted in pass 2.
class FrequentNgramCounter {
public:
    /// `sketch_cells`: cells per n-gram order >= 2 (rounded up to a power of two, at least 2^16).
    /// `keep_stream`: record the units of pass 1 (see `stream`) so later passes can replay them.
    /// `n_jobs`: threads for counting; the results do not depend on it. With several, the calling
    /// thread decodes the next batch of text while they count the last one (pass 1), and each
    /// thread beyond the first holds a sketch of its own.
    /// `pair_budget`: bytes of exact pair tables beyond which pairs join the sketch.
    /// `table_budget`: bytes for the exact tables of pass 2 (0: no limit); past a third of it
    /// (a table doubling when it grows stays within it) they are spilled to temporary files and
    /// added up, partition by partition, when pass 2 ends.
    FrequentNgramCounter(int max_n, UnitMode mode, DecodeErrors errors, std::size_t sketch_cells,
                         bool keep_stream = false, int n_jobs = 1, std::size_t pair_budget = std::size_t{64} << 20,
                         std::size_t table_budget = 0);
    FrequentNgramCounter(const FrequentNgramCounter&) = delete;
    FrequentNgramCounter& operator=(const FrequentNgramCounter&) = delete;
    ~FrequentNgramCounter();

    /// A counter that goes on where `previous` (built with keep_stream, pass 2 started) stopped:
    /// it takes over previous's units and recorded stream and counts them in pass 1, so that
    /// feeding more text counts the concatenation exactly as one counter reading it all would
    /// (same unit ids, same counts). `previous` keeps its counts, not its stream. The other
    /// arguments are the constructor's; the mode and decoding policy are previous's.
    static std::unique_ptr<FrequentNgramCounter> resume(FrequentNgramCounter& previous, std::size_t sketch_cells,
                                                        int n_jobs, std::size_t pair_budget,
                                                        std::size_t table_budget, const StopToken& stop);

    void feed(const unsigned char* data, std::size_t size);
    /// Ends a document (its open run); in pass 1 its units may still wait for their count.
    void finish();
    /// Ends pass 1; the same corpus must then be fed again (or `replay`ed). Thresholds above
    /// 255 act as 255.
    void start_second_pass(std::uint64_t min_count);
    /// Pass 2 from the recorded units (needs `keep_stream`), instead of feeding the corpus again
    /// (with several threads, each counts its share of every block into tables of its own,
    /// added up at the end). Once; not after feeding pass 2.
    void replay(const StopToken& stop);
    /// Ends pass 2 (`replay` does it): adds up the spilled counts (keeping the n-grams counted
    /// at least min_count times) and frees the sketch. Needed after feeding pass 2 when the tables
    /// spilled; idempotent.
    void end_second_pass();
    /// Bytes of counts written to temporary files so far.
    std::uint64_t spilled_bytes() const { return spill_.bytes_written(); }
    /// The units of pass 1 (empty without `keep_stream`).
    const UnitStream& stream() const { return *stream_; }

    int pass() const { return pass_; }
    /// Whether pairs outgrew their budget and went through the sketch.
    bool pairs_in_sketch() const { return pairs_in_sketch_; }
    int max_n() const { return max_n_; }
    UnitMode mode() const { return mode_; }
    std::uint64_t bytes_seen() const { return reader_.bytes_seen(); }
    /// Units read (in pass 1: waits until every batch fed so far is counted).
    std::uint64_t n_units();
    std::size_t memory_bytes();
    const std::shared_ptr<UnitVocabulary>& vocabulary() const { return vocabulary_; }
    /// By unit id (from pass 2 on; ids past the end were never seen): the unit's count, how many
    /// times it begins a run, and how many times it ends one. The boundary statistics of the
    /// words: function units, such as "of" or "the", hardly ever stand next to punctuation.
    const std::vector<std::uint64_t>& unit_counts() const { return unit_counts_; }
    const std::vector<std::uint64_t>& run_starts() const { return run_starts_; }
    const std::vector<std::uint64_t>& run_ends() const { return run_ends_; }

    /// Statistics (entropies NaN) of the n-grams counted at least `min_count` times, which must
    /// be at least the second pass's threshold.
    NgramStatistics statistics(std::uint64_t min_count) const;

    /// The n-grams (2 <= n <= max_n) counted at least `min_count` times whose cohesion reaches
    /// `thresholds[n - 1]` (the last value repeats): their ids, max_n per row (zero-padded), and
    /// lengths. Nothing is materialised for the others.
    void cohesive(std::uint64_t min_count, const std::vector<double>& thresholds, std::vector<unit_t>& ids,
                  std::vector<std::uint8_t>& length) const;
    /// Count and cohesion of the n-gram `ids[0, n)` (0 and NaN when it was not counted; below
    /// the threshold, n-grams are counted only as the sketch let them, and not at all after a spill).
    std::uint64_t count(const unit_t* ids, int n) const;
    double cohesion(const unit_t* ids, int n) const;

private:
    struct Sink {
        FrequentNgramCounter* self;
        void unit(unit_t id, std::uint64_t, std::uint64_t) { self->batch_.push_back(id); }
        void end_run() {
            self->batch_.push_back(kBoundary);
            if (self->batch_.size() >= self->batch_limit_) self->flush_batch();
        }
        void other(std::uint64_t, std::uint64_t) {}
    };
    /// Counts the n-grams of the runs read so far (each run ends with kBoundary), in batches so
    /// that the memory each n-gram needs is requested well before it is used.
    /// Pass 1 counters of one thread (the first thread's sketch is the counter's own).
    struct FirstPassShard {
        NgramTable pairs{2};               // while pairs are counted exactly
        std::vector<std::uint64_t> units;  // count per unit id
        std::vector<std::uint64_t> run_starts, run_ends;  // per unit id: times it begins, ends a run
        std::uint64_t n_units = 0;
        std::vector<std::uint8_t> sketch;  // threads other than the first
    };
    /// Pass 1 over `u[0, n)` (whole runs) into `shard` and `sketch`.
    void count_first(const unit_t* u, std::size_t n, FirstPassShard& shard, std::vector<std::uint8_t>& sketch);
    /// Pass 2: the k-grams (k >= 2) of `u[0, n)` (whole runs) whose cell reaches the threshold.
    void count_frequent(const unit_t* u, std::size_t n, std::vector<NgramTable>& exact) const;
    void sketch_cells(const unit_t* u, std::size_t len, std::size_t* cells) const;
    void flush_batch();
    /// Counts every unit fed so far, and waits for it.
    void sync();
    /// Counts the batch being counted in the background with the other threads, waits for it,
    /// and re-throws its error.
    void wait_counting();
    /// Pass 1, several threads: counts pieces of the pending batch into shard `worker`.
    void count_pieces(std::size_t worker);
    /// Pairs are counted exactly while their tables are small (pass 2 then skips them); past
    /// the budget they move into the sketch, which bounds the memory of large corpora.
    void check_pair_budget();
    /// Pass 1 over `u[0, n)` (whole runs) on every thread; pairs join the sketch past their budget.
    void count_first_batch(const unit_t* u, std::size_t n);
    FrequentNgramCounter(int max_n, UnitMode mode, DecodeErrors errors, std::shared_ptr<UnitVocabulary> vocabulary,
                         std::size_t sketch_cells, bool keep_stream, int n_jobs, std::size_t pair_budget,
                         std::size_t table_budget);
    /// The first order that pass 2 counts (pairs were exact in pass 1 unless in the sketch).
    int first_counted() const { return pairs_in_sketch_ ? 2 : 3; }
    /// Queries need every count of pass 2 in the tables.
    void require_counts() const;
    static constexpr std::uint64_t kSketchSeed = 0x2545F4914F6CDD1DULL;
    static constexpr std::size_t kLine = 64;  // sketch bytes that one position's n-grams share

    int max_n_;
    UnitMode mode_;
    DecodeErrors errors_;
    std::shared_ptr<UnitVocabulary> vocabulary_;
    Sink sink_;
    UnitReader<Sink> reader_;
    int pass_ = 1;
    std::uint8_t threshold_ = 0;
    std::uint64_t min_count_ = 0;
    std::uint64_t n_units_ = 0;            // from pass 2 on
    std::vector<std::uint64_t> unit_counts_, run_starts_, run_ends_;  // from pass 2 on, by unit id
    bool replayed_ = false, fed_second_pass_ = false;  // pass 2 reads the units once, one way
    bool incomplete_ = false;              // a replay was interrupted
    bool pairs_in_sketch_ = false;         // pairs outgrew pair_budget_ in pass 1
    std::size_t pair_budget_;
    std::size_t table_budget_;
    bool ended_ = false;                   // pass 2 ended: tables final, sketch freed
    CountSpill spill_;                     // pass 2 counts past table_budget_
    std::size_t pair_cells_ = 0;          // the sketch's first cells: pairs
    std::size_t n_lines_ = 0, band_ = 0;  // then lines for longer n-grams; cells per order in a line
    std::vector<FirstPassShard> shards_;   // one per thread
    std::size_t batch_limit_ = 0;
    std::vector<std::uint8_t> sketch_;     // n_lines_ lines of kLine saturating counts
    std::vector<NgramTable> tables_;    // tables_[k - 1]: exact k-gram counts (units: pass 1; k >= 2: pass 2)
    std::vector<unit_t> batch_;          // units of whole runs, each followed by kBoundary
    // Pass 1 with several threads: the batch counted while the next one is decoded.
    std::vector<unit_t> counting_;
    std::vector<std::size_t> counting_cut_;    // its pieces (whole runs)
    std::atomic<std::size_t> counting_next_{0};  // the next piece to count
    std::vector<std::thread> counting_threads_;
    std::mutex counting_mutex_;
    std::exception_ptr counting_error_;
    bool keep_stream_ = false;
    std::unique_ptr<UnitStream> stream_;
};

}  // namespace unsup::text
