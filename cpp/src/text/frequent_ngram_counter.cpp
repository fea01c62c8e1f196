#include "unsup/text/frequent_ngram_counter.hpp"

#include <algorithm>
#include <limits>

#include "unsup/common.hpp"
#include "unsup/parallel.hpp"
#include "unsup/text/position_blocks.hpp"

namespace unsup::text {

FrequentNgramCounter::FrequentNgramCounter(int max_n, UnitMode mode, DecodeErrors errors, std::size_t sketch_cells,
                                           bool keep_stream, int n_jobs, std::size_t pair_budget,
                                           std::size_t table_budget)
    : FrequentNgramCounter(max_n, mode, errors, std::make_shared<UnitVocabulary>(), sketch_cells, keep_stream, n_jobs,
                           pair_budget, table_budget) {}

FrequentNgramCounter::FrequentNgramCounter(int max_n, UnitMode mode, DecodeErrors errors,
                                           std::shared_ptr<UnitVocabulary> vocabulary, std::size_t sketch_cells,
                                           bool keep_stream, int n_jobs, std::size_t pair_budget,
                                           std::size_t table_budget)
    : max_n_(max_n),
      mode_(mode),
      errors_(errors),
      vocabulary_(std::move(vocabulary)),
      sink_{this},
      reader_(mode, errors, *vocabulary_, /*add=*/true),
      keep_stream_(keep_stream),
      stream_(std::make_unique<UnitStream>()),
      pair_budget_(pair_budget),
      table_budget_(table_budget) {
    require(max_n >= 1 && max_n <= 16, "max_n must be in [1, 16]");
    require(sketch_cells <= (std::size_t{1} << 34), "sketch_cells too large");
    std::size_t cells = std::size_t{1} << 16;
    while (cells < sketch_cells) cells <<= 1;
    if (max_n >= 2) pair_cells_ = cells;  // pairs: cells [0, pair_cells_)
    if (max_n >= 3) {                     // longer n-grams: lines after the pairs' cells
        const std::size_t orders = static_cast<std::size_t>(max_n - 2);  // n = 3 .. max_n
        band_ = kLine / orders;
        n_lines_ = 1;  // a power of two, so a hash picks any line with a mask
        while (n_lines_ * kLine < cells * orders) n_lines_ <<= 1;
    }
    sketch_.assign(pair_cells_ + n_lines_ * kLine, 0);
    tables_ = make_tables(static_cast<std::size_t>(max_n));
    shards_.resize(static_cast<std::size_t>(resolve_n_jobs(n_jobs)));
    batch_limit_ = shards_.size() > 1 ? std::size_t{1} << 16 : std::size_t{1} << 12;  // amortise the threads
}

std::unique_ptr<FrequentNgramCounter> FrequentNgramCounter::resume(FrequentNgramCounter& previous,
                                                                   std::size_t sketch_cells, int n_jobs,
                                                                   std::size_t pair_budget, std::size_t table_budget,
                                                                   const StopToken& stop) {
    require(previous.keep_stream_, "resume: the previous counter did not keep its stream");
    require(previous.pass_ == 2, "resume: the previous counter is still in its first pass");
    std::unique_ptr<FrequentNgramCounter> next(new FrequentNgramCounter(previous.max_n_, previous.mode_,
                                                                        previous.errors_, previous.vocabulary_,
                                                                        sketch_cells, true, n_jobs, pair_budget,
                                                                        table_budget));
    // Counted before it is taken over: an interrupted resume leaves `previous` as it was.
    previous.stream_->replay([&](const unit_t* u, std::size_t n) { next->count_first_batch(u, n); }, stop);
    next->stream_ = std::move(previous.stream_);
    previous.stream_ = std::make_unique<UnitStream>();
    previous.keep_stream_ = false;
    return next;
}

FrequentNgramCounter::~FrequentNgramCounter() {
    counting_next_ = counting_cut_.size();  // no more pieces: the background threads end
    for (std::thread& t : counting_threads_) t.join();
}

void FrequentNgramCounter::feed(const unsigned char* data, std::size_t size) {
    if (pass_ == 2) {
        require(!replayed_, "feed: pass 2 was replayed from the recorded units");
        require(!ended_, "feed: pass 2 has ended");
        fed_second_pass_ = true;
    }
    reader_.feed(data, size, sink_);
}

void FrequentNgramCounter::finish() {
    reader_.finish(sink_);  // ends the open run
    if (pass_ == 2) flush_batch();  // pass 1 counts in whole batches (queries wait for them)
}

void FrequentNgramCounter::sync() {
    flush_batch();
    wait_counting();
}

void FrequentNgramCounter::count_pieces(std::size_t worker) {
    FirstPassShard& shard = shards_[worker];
    std::vector<std::uint8_t>& sketch = worker == 0 ? sketch_ : shard.sketch;
    const std::size_t pieces = counting_cut_.size() - 1;
    try {
        for (std::size_t p; (p = counting_next_.fetch_add(1)) < pieces;)
            count_first(counting_.data() + counting_cut_[p], counting_cut_[p + 1] - counting_cut_[p], shard, sketch);
    } catch (...) {
        std::lock_guard<std::mutex> lock(counting_mutex_);
        if (!counting_error_) counting_error_ = std::current_exception();
        counting_next_ = pieces;
    }
}

void FrequentNgramCounter::wait_counting() {
    if (counting_threads_.empty()) return;
    count_pieces(shards_.size() - 1);  // the decoding thread helps with what is left
    for (std::thread& t : counting_threads_) t.join();
    counting_threads_.clear();
    if (counting_error_) {
        const std::exception_ptr error = counting_error_;
        counting_error_ = nullptr;
        std::rethrow_exception(error);
    }
    check_pair_budget();
}

void FrequentNgramCounter::flush_batch() {
    std::size_t whole = batch_.size();  // the units of whole runs; an open run stays in the batch
    while (whole > 0 && batch_[whole - 1] != kBoundary) --whole;
    if (whole == 0) return;
    if (pass_ == 1) {
        if (keep_stream_) stream_->append(batch_.data(), whole);
        const std::size_t jobs = shards_.size();
        if (jobs > 1) {
            // Threads 0 .. jobs - 2 count this batch, piece by piece, while the calling thread
            // decodes the next one and then counts the pieces still left (with shard jobs - 1).
            wait_counting();
            std::swap(batch_, counting_);
            batch_.assign(counting_.begin() + static_cast<std::ptrdiff_t>(whole), counting_.end());
            counting_.resize(whole);
            counting_cut_ = UnitStream::split_runs(counting_.data(), whole, UnitStream::kPiecesPerThread * jobs);
            counting_next_ = 0;
            for (std::size_t w = 0; w + 1 < jobs; ++w) counting_threads_.emplace_back([this, w] { count_pieces(w); });
            return;
        }
        count_first(batch_.data(), whole, shards_[0], sketch_);
        check_pair_budget();
    } else {
        count_frequent(batch_.data(), whole, tables_);
        spill_.spill_if_over(table_budget_, {&tables_}, first_counted());
    }
    batch_.erase(batch_.begin(), batch_.begin() + static_cast<std::ptrdiff_t>(whole));
}

void FrequentNgramCounter::count_first_batch(const unit_t* u, std::size_t n) {
    // Each thread counts pieces of the batch (whole runs) into counters of its own, added up
    // when pass 1 ends: the sums do not depend on which thread counted which piece.
    const std::size_t jobs = shards_.size();
    const std::vector<std::size_t> cut = UnitStream::split_runs(u, n, UnitStream::kPiecesPerThread * jobs);
    parallel_for_workers(cut.size() - 1, static_cast<int>(jobs), [&](std::size_t p, std::size_t w) {
        count_first(u + cut[p], cut[p + 1] - cut[p], shards_[w], w == 0 ? sketch_ : shards_[w].sketch);
    });
    check_pair_budget();
}

void FrequentNgramCounter::check_pair_budget() {
    if (!pairs_in_sketch_) {
        std::size_t bytes = 0;
        for (const FirstPassShard& shard : shards_) bytes += shard.pairs.memory_bytes();
        if (bytes > pair_budget_) {
            for (std::size_t s = 0; s < shards_.size(); ++s) {
                std::vector<std::uint8_t>& sketch = s == 0 ? sketch_ : shards_[s].sketch;
                const NgramTable& pairs = shards_[s].pairs;
                std::size_t cells[17];
                for (std::size_t slot = 0; slot < pairs.capacity(); ++slot) {
                    const std::uint64_t c = pairs.count_at(slot);
                    if (c == 0) continue;
                    sketch_cells(pairs.key_at(slot), 2, cells);
                    sketch[cells[2]] = static_cast<std::uint8_t>(std::min<std::uint64_t>(255, sketch[cells[2]] + c));
                }
                shards_[s].pairs = NgramTable(2);
            }
            pairs_in_sketch_ = true;
        }
    }
}

void FrequentNgramCounter::replay(const StopToken& stop) {
    require(pass_ == 2, "replay is pass 2: call start_second_pass first");
    require(keep_stream_, "replay needs a counter built with keep_stream");
    require(!replayed_ && !fed_second_pass_, "replay: pass 2 has already read the units");
    replayed_ = true;
    // Thread 0 counts into the tables, the others into tables of their own, added up below.
    const std::size_t jobs = shards_.size();
    std::vector<std::vector<NgramTable>> own(jobs - 1);
    std::vector<std::vector<NgramTable>*> all{&tables_};
    for (auto& tables : own) {
        tables = make_tables(static_cast<std::size_t>(max_n_));
        all.push_back(&tables);
    }
    try {
        replay_in_pieces(
            *stream_, jobs, [&](std::size_t w, const unit_t* u, std::size_t n) { count_frequent(u, n, *all[w]); },
            [&] { spill_.spill_if_over(table_budget_, all, first_counted()); }, stop);
    } catch (...) {
        incomplete_ = true;  // interrupted: the counts cannot be read
        throw;
    }
    // The orders are added up side by side (each in thread order: the same tables for any jobs).
    parallel_for(static_cast<std::size_t>(max_n_ - 1), static_cast<int>(jobs), [&](std::size_t i) {
        for (auto& tables : own) tables_[i + 1].absorb(tables[i + 1]);
    });
    end_second_pass();
}

void FrequentNgramCounter::end_second_pass() {
    require(pass_ == 2, "end_second_pass: the second pass has not started");
    if (ended_) return;
    finish();  // the run a fed pass 2 left open
    ended_ = true;
    // Spilled counts are added up partition by partition, keeping the n-grams that reach
    // min_count (pruned after the merge); tables that stayed in memory are left as counted.
    if (spill_.used()) keep_frequent(tables_, 2, min_count_, &spill_);
    std::vector<std::uint8_t>().swap(sketch_);
}

void FrequentNgramCounter::require_counts() const {
    require(pass_ == 2, "the counts need the second pass");
    require(!incomplete_, "pass 2 was interrupted: its counts are incomplete");
    require(batch_.empty(), "pass 2 has text not counted yet: call end_document before reading the counts");
    require(!spill_.used(), "pass 2 spilled counts to disk: call end_second_pass before reading them");
}

void FrequentNgramCounter::start_second_pass(std::uint64_t min_count) {
    require(pass_ == 1, "the second pass has already started");
    require(min_count >= 1, "min_count must be >= 1");
    finish();
    sync();
    batch_.shrink_to_fit();
    std::vector<unit_t>().swap(counting_);
    pass_ = 2;
    min_count_ = min_count;
    threshold_ = static_cast<std::uint8_t>(std::min<std::uint64_t>(min_count, 255));
    for (FirstPassShard& shard : shards_) {  // units, and pairs while exact: counted in pass 1
        n_units_ += shard.n_units;
        if (max_n_ >= 2 && !pairs_in_sketch_) tables_[1].absorb(shard.pairs);
        if (!shard.sketch.empty()) {  // saturating sum of the sketches, slices of it on every thread
            constexpr std::size_t kSlice = std::size_t{1} << 20;
            parallel_for((sketch_.size() + kSlice - 1) / kSlice, static_cast<int>(shards_.size()), [&](std::size_t i) {
                const std::size_t end = std::min(sketch_.size(), (i + 1) * kSlice);
                for (std::size_t c = i * kSlice; c < end; ++c)
                    sketch_[c] = static_cast<std::uint8_t>(std::min(255, sketch_[c] + shard.sketch[c]));
            });
        }
        for (std::size_t id = 0; id < shard.units.size(); ++id) {
            const unit_t u = static_cast<unit_t>(id);
            if (shard.units[id] > 0) tables_[0].add(&u, shard.units[id]);
        }
        if (unit_counts_.size() < shard.units.size()) {
            unit_counts_.resize(shard.units.size(), 0);
            run_starts_.resize(shard.units.size(), 0);
            run_ends_.resize(shard.units.size(), 0);
        }
        for (std::size_t id = 0; id < shard.units.size(); ++id) {
            unit_counts_[id] += shard.units[id];
            run_starts_[id] += shard.run_starts[id];
            run_ends_[id] += shard.run_ends[id];
        }
        shard = FirstPassShard{};
    }
}

/// Cells of the k-grams starting at u[i] (2 <= k <= len), one hash round per unit. A pair has a
/// cell of its own; the 3-gram picks a cache line and each longer k-gram a cell in that line's
/// band for k: two cache misses per position. The k-grams sharing a 3-gram prefix share a band,
/// which can only raise cells (more n-grams counted in pass 2, never fewer).
void FrequentNgramCounter::sketch_cells(const unit_t* u, std::size_t len, std::size_t* cells) const {
    std::uint64_t h = kSketchSeed;
    std::size_t line = 0;
    for (std::size_t k = 1; k <= len; ++k) {
        h = (h ^ u[k - 1]) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 29;
        if (k >= 2) {
            std::uint64_t x = (h + k * 0x9E3779B97F4A7C15ULL) * 0x94D049BB133111EBULL;
            x ^= x >> 32;
            if (k == 2) {
                cells[2] = x & (pair_cells_ - 1);
                continue;
            }
            if (k == 3) line = pair_cells_ + (x & (n_lines_ - 1)) * kLine;
            cells[k] = line + (k - 3) * band_ + static_cast<std::size_t>(((x >> 32) * band_) >> 32);
        }
    }
}

namespace {

/// A position of a block (see for_position_blocks): the n-grams that start there (k = 2 .. len).
struct BlockPosition {
    const unit_t* at;
    std::size_t len;
    std::size_t cells[17];      // sketch cells by k
    std::uint64_t hashes[17];   // table hashes by k
};

}  // namespace

void FrequentNgramCounter::count_first(const unit_t* u, std::size_t n, FirstPassShard& shard,
                                       std::vector<std::uint8_t>& sketch) {
    if (sketch.size() != sketch_.size()) sketch.assign(sketch_.size(), 0);
    const bool exact_pairs = !pairs_in_sketch_;
    const std::size_t first = exact_pairs ? 3 : 2;  // first order in the sketch
    BlockPosition block[kPrefetchBlock];
    for_position_blocks(
        u, n, static_cast<std::size_t>(max_n_),
        [&](std::size_t i, std::size_t len, std::size_t slot) {  // n-grams starting at i: k = 1 .. len
            ++shard.n_units;
            if (u[i] >= shard.units.size()) {
                const std::size_t size = std::max<std::size_t>(2 * shard.units.size(), u[i] + 1);
                shard.units.resize(size, 0);
                shard.run_starts.resize(size, 0);
                shard.run_ends.resize(size, 0);
            }
            ++shard.units[u[i]];
            shard.run_starts[u[i]] += i == 0 || u[i - 1] == kBoundary;  // pieces hold whole runs
            shard.run_ends[u[i]] += i + 1 == n || u[i + 1] == kBoundary;
            if (len < 2) return false;
            BlockPosition& p = block[slot];
            p.at = u + i;
            p.len = len;
            sketch_cells(p.at, len, p.cells);
            if (exact_pairs) {
                p.hashes[2] = shard.pairs.hash(p.at);
                shard.pairs.prefetch(p.hashes[2]);
            } else {
                __builtin_prefetch(&sketch[p.cells[2]], 1);
            }
            if (len >= 3) __builtin_prefetch(&sketch[p.cells[3]], 1);  // the line of every k >= 3
            return true;
        },
        [&](std::size_t m) {
            for (std::size_t j = 0; j < m; ++j) {
                const BlockPosition& p = block[j];
                if (exact_pairs) shard.pairs.add(p.at, 1, p.hashes[2]);
                for (std::size_t k = first; k <= p.len; ++k) {
                    std::uint8_t& c = sketch[p.cells[k]];
                    c = static_cast<std::uint8_t>(c + (c < 255));
                }
            }
        });
}

void FrequentNgramCounter::count_frequent(const unit_t* u, std::size_t n, std::vector<NgramTable>& exact) const {
    const std::size_t first = pairs_in_sketch_ ? 2 : 3;  // exact pairs were counted in pass 1
    BlockPosition block[kPrefetchBlock];
    for_position_blocks(
        u, n, static_cast<std::size_t>(max_n_),
        [&](std::size_t i, std::size_t len, std::size_t slot) {
            if (len < first) return false;
            BlockPosition& p = block[slot];
            p.at = u + i;
            p.len = len;
            sketch_cells(p.at, len, p.cells);
            __builtin_prefetch(&sketch_[p.cells[first]]);
            return true;
        },
        [&](std::size_t m) {
            // A cell below the threshold proves the k-gram rarer than min_count, and so every
            // longer n-gram that starts with it: the position's counting stops there.
            for (std::size_t j = 0; j < m; ++j) {
                BlockPosition& p = block[j];
                std::size_t k = first;
                for (; k <= p.len && sketch_[p.cells[k]] >= threshold_; ++k) {
                    p.hashes[k] = exact[k - 1].hash(p.at);
                    exact[k - 1].prefetch(p.hashes[k]);
                }
                p.len = k - 1;  // the n-grams to count: k = first .. len
            }
            for (std::size_t j = 0; j < m; ++j) {
                const BlockPosition& p = block[j];
                for (std::size_t k = first; k <= p.len; ++k) exact[k - 1].add(p.at, 1, p.hashes[k]);
            }
        });
}

std::uint64_t FrequentNgramCounter::n_units() {
    if (pass_ == 2) return n_units_;
    sync();
    std::uint64_t n = 0;
    for (const FirstPassShard& shard : shards_) n += shard.n_units;
    return n;
}

std::size_t FrequentNgramCounter::memory_bytes() {
    if (pass_ == 1) wait_counting();
    std::size_t bytes = sketch_.capacity() + vocabulary_->memory_bytes() +
                        (batch_.capacity() + counting_.capacity()) * sizeof(unit_t);
    for (const FirstPassShard& shard : shards_)
        bytes += (shard.units.capacity() + shard.run_starts.capacity() + shard.run_ends.capacity()) *
                     sizeof(std::uint64_t) +
                 shard.sketch.capacity() + shard.pairs.memory_bytes();
    bytes += (unit_counts_.capacity() + run_starts_.capacity() + run_ends_.capacity()) * sizeof(std::uint64_t);
    for (const auto& t : tables_) bytes += t.memory_bytes();
    return bytes;
}

NgramStatistics FrequentNgramCounter::statistics(std::uint64_t min_count) const {
    require_counts();
    require(min_count >= min_count_, "min_count below the second pass's threshold");
    return collect_statistics(tables_, max_n_, /*neighbours=*/{}, *vocabulary_, mode_, n_units_, min_count);
}

void FrequentNgramCounter::cohesive(std::uint64_t min_count, const std::vector<double>& thresholds,
                                    std::vector<unit_t>& ids, std::vector<std::uint8_t>& length) const {
    require_counts();
    require(min_count >= min_count_, "min_count below the second pass's threshold");
    require(!thresholds.empty(), "thresholds must hold at least one value");
    ids.clear();
    length.clear();
    const std::size_t stride = static_cast<std::size_t>(max_n_);
    const std::uint64_t total = n_units_;
    // Slices of each table are scored on the counting threads, each into lists of its own,
    // joined in slice order: the same result for any number of threads.
    constexpr std::size_t kSlice = std::size_t{1} << 16;
    struct Slice {
        int n;
        std::size_t begin, end;
        std::vector<unit_t> ids;
        std::vector<std::uint8_t> length;
    };
    std::vector<Slice> slices;
    for (int n = 2; n <= max_n_; ++n)
        for (std::size_t begin = 0; begin < tables_[n - 1].capacity(); begin += kSlice)
            slices.push_back({n, begin, std::min(begin + kSlice, tables_[n - 1].capacity()), {}, {}});
    parallel_for(slices.size(), static_cast<int>(shards_.size()), [&](std::size_t i) {
        Slice& slice = slices[i];
        const int n = slice.n;
        const double theta = thresholds[std::min<std::size_t>(static_cast<std::size_t>(n - 1), thresholds.size() - 1)];
        const NgramTable& t = tables_[n - 1];
        for (std::size_t slot = slice.begin; slot < slice.end; ++slot) {
            const std::uint64_t c = t.count_at(slot);
            if (c == 0 || c < min_count) continue;
            const unit_t* key = t.key_at(slot);
            if (!(ngram_cohesion(tables_, key, n, c, total) >= theta)) continue;
            slice.ids.insert(slice.ids.end(), key, key + n);
            slice.ids.resize(slice.ids.size() + stride - static_cast<std::size_t>(n), 0);
            slice.length.push_back(static_cast<std::uint8_t>(n));
        }
    });
    for (const Slice& slice : slices) {
        ids.insert(ids.end(), slice.ids.begin(), slice.ids.end());
        length.insert(length.end(), slice.length.begin(), slice.length.end());
    }
}

std::uint64_t FrequentNgramCounter::count(const unit_t* ids, int n) const {
    require_counts();
    if (n < 1 || n > max_n_) return 0;
    for (int i = 0; i < n; ++i)
        if (ids[i] == kBoundary || ids[i] == kUnknownUnit) return 0;
    return tables_[n - 1].count(ids);
}

double FrequentNgramCounter::cohesion(const unit_t* ids, int n) const {
    const std::uint64_t c = count(ids, n);
    if (c == 0 || n < 2) return std::numeric_limits<double>::quiet_NaN();
    for (int k = 1; k < n; ++k)  // parts below the second pass's threshold were not counted
        if (count(ids, k) == 0 || count(ids + k, n - k) == 0) return std::numeric_limits<double>::quiet_NaN();
    return ngram_cohesion(tables_, ids, n, c, n_units_);
}

}  // namespace unsup::text
