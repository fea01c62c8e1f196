#include "unsup/text/fragment_counter.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "unsup/common.hpp"
#include "unsup/parallel.hpp"
#include "unsup/text/position_blocks.hpp"

namespace unsup::text {

FragmentCounter::FragmentCounter(std::shared_ptr<UnitVocabulary> vocabulary, UnitMode mode, DecodeErrors errors,
                                 int max_length)
    : vocabulary_(std::move(vocabulary)),
      mode_(mode),
      max_length_(max_length),
      sink_{this},
      reader_(mode, errors, *vocabulary_, /*add=*/false) {
    require(max_length >= 1 && max_length <= 255, "max_length must be in [1, 255]");
    main_.counts = make_tables(static_cast<std::size_t>(max_length));
}

void FragmentCounter::keep(const unit_t* ids, int n) {
    require(n >= 2 && n <= 16, "kept n-grams need 2 <= n <= 16");
    for (int i = 0; i < n; ++i)
        require(ids[i] != kBoundary && ids[i] < vocabulary_->size(), "kept n-grams: unit id out of range");
    while (kept_.size() <= static_cast<std::size_t>(n)) kept_.emplace_back(static_cast<int>(kept_.size()));
    kept_[n].insert(ids);
    longest_ = std::max(longest_, n);
}

bool FragmentCounter::kept(const unit_t* ids, int n) const {
    return n >= 2 && n <= longest_ && kept_[n].contains(ids);
}

bool FragmentCounter::windows_kept(const unit_t* ids, int n, int window) const {
    require(window >= 1, "window must be >= 1");
    if (n <= 1) return true;
    if (n <= window) return kept(ids, n);
    for (int s = 0; s + window <= n; ++s)
        if (!kept(ids + s, window)) return false;
    return true;
}

void FragmentCounter::find_kept(Shard& shard, const unit_t* u, std::size_t n) const {
    shard.kept.assign(n, 0);
    if (longest_ < 2) return;
    std::size_t at[kPrefetchBlock];
    std::uint32_t candidates[kPrefetchBlock];  // bit k: the k-gram at at[j] passed the filter
    std::uint64_t hashes[kPrefetchBlock][17];
    for_position_blocks(
        u, n, static_cast<std::size_t>(longest_),
        [&](std::size_t i, std::size_t len, std::size_t slot) {
            std::uint32_t maybe = 0;  // the k-grams the filters let through
            for (std::size_t k = 2; k <= len; ++k) {
                const std::uint64_t h = kept_[k].hash(u + i);
                if (!kept_[k].may_contain(h)) continue;
                hashes[slot][k] = h;
                kept_[k].prefetch(h);
                maybe |= std::uint32_t{1} << k;
            }
            at[slot] = i;
            candidates[slot] = maybe;
            return maybe != 0;
        },
        [&](std::size_t m) {
            for (std::size_t j = 0; j < m; ++j) {
                std::uint32_t bits = 0;
                for (std::uint32_t maybe = candidates[j]; maybe != 0; maybe &= maybe - 1) {
                    const int k = __builtin_ctz(maybe);
                    if (kept_[k].contains(u + at[j], hashes[j][k])) bits |= std::uint32_t{1} << k;
                }
                shard.kept[at[j]] = bits;
            }
        });
}

void FragmentCounter::add_pieces(Shard& shard) {
    for (const Piece& p : shard.pieces) shard.counts[p.length - 1].add(p.at, 1, p.hash);
    shard.pieces.clear();
}

void FragmentCounter::cut_runs(Shard& shard, const unit_t* u, std::size_t n) const {
    // Two adjacent units stay linked when a kept n-gram covers both; the longest kept n-gram
    // starting at each position says how far its links reach.
    find_kept(shard, u, n);
    const std::uint32_t window_bit = filter_window_ > 0 && filter_window_ <= 31 ? std::uint32_t{1} << filter_window_ : 0;
    std::size_t i = 0;
    while (i < n) {
        if (u[i] == kBoundary) {
            ++i;
            continue;
        }
        const std::size_t end = static_cast<std::size_t>(std::find(u + i, u + n, kBoundary) - u);
        std::size_t start = i, reach = i;  // reach: the last unit linked to the ones before it
        for (std::size_t t = i; t < end; ++t) {
            const std::uint32_t bits = shard.kept[t];
            if (bits != 0) reach = std::max<std::size_t>(reach, t + (31 - static_cast<std::size_t>(__builtin_clz(bits))) - 1);
            if (t + 1 < end && reach > t) continue;  // t and t + 1 stay together
            const std::size_t length = t + 1 - start;
            bool count = length <= static_cast<std::size_t>(max_length_) &&
                         std::find(u + start, u + t + 1, kUnknownUnit) == u + t + 1;
            if (count && filter_window_ > 0 && length >= 2) {  // every window kept (the piece itself when shorter)
                const std::size_t window = static_cast<std::size_t>(filter_window_);
                if (length <= window)
                    count = length <= 16 && ((shard.kept[start] >> length) & 1u) != 0;
                else
                    for (std::size_t s = start; count && s + window <= t + 1; ++s) count = (shard.kept[s] & window_bit) != 0;
            }
            if (count) {
                NgramTable& table = shard.counts[length - 1];
                shard.pieces.push_back({u + start, length, table.hash(u + start)});
                table.prefetch(shard.pieces.back().hash);
                if (shard.pieces.size() >= kPrefetchBlock) add_pieces(shard);
            }
            start = t + 1;
            reach = start;
        }
        i = end;
    }
    add_pieces(shard);
}

void FragmentCounter::replay(const UnitStream& stream, const UnitVocabulary& units, const StopToken& stop,
                             int n_jobs) {
    require(&units == vocabulary_.get(), "replay: the stream holds another counter's units");
    require(!replayed_, "replay: this counter has already read the stream");
    replayed_ = true;
    // Thread 0 counts into the main tables, the others into shards of their own, added up below.
    const std::size_t jobs = static_cast<std::size_t>(resolve_n_jobs(n_jobs));
    std::vector<Shard> own(jobs - 1);
    std::vector<Shard*> shards{&main_};
    std::vector<std::vector<NgramTable>*> all{&main_.counts};
    for (Shard& shard : own) {
        shard.counts = make_tables(static_cast<std::size_t>(max_length_));
        shards.push_back(&shard);
        all.push_back(&shard.counts);
    }
    try {
        replay_in_pieces(
            stream, jobs, [&](std::size_t w, const unit_t* u, std::size_t n) { cut_runs(*shards[w], u, n); },
            [&] { spill_.spill_if_over(table_budget_, all); }, stop);
    } catch (...) {
        incomplete_ = true;  // interrupted: the counts cannot be read
        throw;
    }
    // The lengths are added up side by side (each in thread order: the same tables for any jobs).
    parallel_for(static_cast<std::size_t>(max_length_), static_cast<int>(jobs), [&](std::size_t i) {
        for (Shard& shard : own) main_.counts[i].absorb(shard.counts[i]);
    });
}

std::size_t FragmentCounter::memory_bytes() const {
    std::size_t bytes = 0;
    for (const auto& t : kept_) bytes += t.memory_bytes();
    for (const auto& t : main_.counts) bytes += t.memory_bytes();
    return bytes;
}

Fragments FragmentCounter::fragments(std::uint64_t min_count) {
    require(min_count >= floor_, "fragments: min_count below the floor of limit_memory");
    require(!incomplete_, "fragments: the replay was interrupted, the counts are incomplete");
    if (spill_.used()) keep_frequent(main_.counts, 1, floor_, &spill_);
    Fragments f;
    f.max_length = max_length_;
    const std::size_t stride = static_cast<std::size_t>(max_length_);
    struct Row {
        int k;
        std::size_t slot;
        std::uint64_t count;
    };
    std::vector<Row> rows;
    for (int k = 1; k <= max_length_; ++k) {
        const NgramTable& t = main_.counts[k - 1];
        for (std::size_t slot = 0; slot < t.capacity(); ++slot) {
            const std::uint64_t c = t.count_at(slot);
            if (c > 0 && c >= min_count) rows.push_back({k, slot, c});
        }
    }
    std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
        if (a.k != b.k) return a.k < b.k;
        if (a.count != b.count) return a.count > b.count;
        const unit_t* x = main_.counts[a.k - 1].key_at(a.slot);
        const unit_t* y = main_.counts[b.k - 1].key_at(b.slot);
        return std::lexicographical_compare(x, x + a.k, y, y + b.k);
    });
    f.ids.assign(rows.size() * stride, 0);
    const char* separator = mode_ == UnitMode::character ? "" : " ";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const unit_t* key = main_.counts[rows[i].k - 1].key_at(rows[i].slot);
        std::copy(key, key + rows[i].k, f.ids.begin() + static_cast<std::ptrdiff_t>(i * stride));
        f.length.push_back(static_cast<std::uint8_t>(rows[i].k));
        f.count.push_back(rows[i].count);
        std::string text;
        for (int j = 0; j < rows[i].k; ++j) {
            if (j > 0) text += separator;
            text += vocabulary_->text(key[j]);
        }
        f.texts.push_back(std::move(text));
    }
    return f;
}

}  // namespace unsup::text
