#include "unsup/text/fragment_counter.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "unsup/common.hpp"
#include "unsup/parallel.hpp"

namespace unsup::text {

FragmentCounter::FragmentCounter(std::shared_ptr<UnitVocabulary> vocabulary, UnitMode mode, DecodeErrors errors,
                                 int max_length)
    : vocabulary_(std::move(vocabulary)),
      mode_(mode),
      max_length_(max_length),
      sink_{this},
      reader_(mode, errors, *vocabulary_, /*add=*/false) {
    require(max_length >= 1 && max_length <= 255, "max_length must be in [1, 255]");
    for (int k = 1; k <= max_length; ++k) main_.counts.emplace_back(k);
}

void FragmentCounter::keep(const unit_t* ids, int n) {
    require(n >= 2 && n <= 16, "kept n-grams need 2 <= n <= 16");
    for (int i = 0; i < n; ++i)
        require(ids[i] != kBoundary && ids[i] < vocabulary_->size(), "kept n-grams: unit id out of range");
    kept_.set_score(kept_.insert(ids, static_cast<std::size_t>(n)), 0.0);
}

bool FragmentCounter::kept(const unit_t* ids, int n) const {
    return n >= 2 && kept_.is_word(kept_.find(ids, static_cast<std::size_t>(n)));
}

bool FragmentCounter::windows_kept(const unit_t* ids, int n, int window) const {
    require(window >= 1, "window must be >= 1");
    if (n <= 1) return true;
    if (n <= window) return kept(ids, n);
    for (int s = 0; s + window <= n; ++s)
        if (!kept(ids + s, window)) return false;
    return true;
}

void FragmentCounter::cut_runs(Shard& shard, const unit_t* u, std::size_t n) const {
    std::size_t start = 0;
    for (std::size_t i = 0; i < n; ++i)
        if (u[i] == kBoundary) {
            if (i > start) cut_run(shard, u + start, i - start);
            start = i + 1;
        }
    if (n > start) cut_run(shard, u + start, n - start);
}

void FragmentCounter::replay(const UnitStream& stream, const UnitVocabulary& units, const StopToken& stop,
                             int n_jobs) {
    require(&units == vocabulary_.get(), "replay: the stream holds another counter's units");
    require(!replayed_, "replay: this counter has already read the stream");
    replayed_ = true;
    const std::size_t jobs = static_cast<std::size_t>(resolve_n_jobs(n_jobs));
    if (jobs <= 1) {
        stream.replay(
            [&](const unit_t* u, std::size_t n) {
                cut_runs(main_, u, n);
                spill_.spill_if_over(table_budget_, {&main_.counts});
            },
            stop);
        return;
    }
    std::vector<Shard> shards(jobs);
    std::vector<std::vector<NgramTable>*> all;
    for (Shard& shard : shards) {
        for (int k = 1; k <= max_length_; ++k) shard.counts.emplace_back(k);
        all.push_back(&shard.counts);
    }
    stream.replay(
        [&](const unit_t* u, std::size_t n) {
            const std::vector<std::size_t> cut = UnitStream::split_runs(u, n, jobs);
            parallel_for(cut.size() - 1, static_cast<int>(jobs),
                         [&](std::size_t s) { cut_runs(shards[s], u + cut[s], cut[s + 1] - cut[s]); });
            spill_.spill_if_over(table_budget_, all);
        },
        stop);
    for (Shard& shard : shards)
        for (int k = 1; k <= max_length_; ++k) {
            main_.counts[k - 1].add_all(shard.counts[k - 1]);
            shard.counts[k - 1].clear();
        }
}

void FragmentCounter::cut_run(Shard& shard, const unit_t* run, std::size_t n) const {
    std::vector<char>& link = shard.link;  // link[t]: units t and t + 1 stay together
    link.assign(n, 0);
    const std::size_t longest = kept_.max_length();
    for (std::size_t s = 0; s + 1 < n; ++s) {
        // Walk the kept n-grams that start at s; the longest one found links its units.
        std::int32_t node = 0;
        std::size_t reach = 0;
        for (std::size_t e = s; e < n && e < s + longest; ++e) {
            const Lexicon::Step step = kept_.step(node, run[e]);
            if (step.node == Lexicon::kNone) break;
            node = step.node;
            if (!std::isnan(step.score)) reach = e;
        }
        for (std::size_t t = s; t < reach; ++t) link[t] = 1;
    }
    std::size_t start = 0;
    for (std::size_t t = 0; t < n; ++t) {
        if (t + 1 < n && link[t]) continue;
        const std::size_t length = t + 1 - start;
        if (length <= static_cast<std::size_t>(max_length_) &&
            std::find(run + start, run + t + 1, kUnknownUnit) == run + t + 1 &&
            (filter_window_ == 0 || windows_kept(run + start, static_cast<int>(length), filter_window_)))
            shard.counts[length - 1].add(run + start, 1);
        start = t + 1;
    }
}

std::size_t FragmentCounter::memory_bytes() const {
    std::size_t bytes = 0;
    bytes += kept_.memory_bytes();
    for (const auto& t : main_.counts) bytes += t.memory_bytes();
    return bytes;
}

Fragments FragmentCounter::fragments(std::uint64_t min_count) {
    require(min_count >= floor_, "fragments: min_count below the floor of limit_memory");
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
