#include "unsup/text/frequent_ngram_counter.hpp"

#include <algorithm>
#include <limits>

#include "unsup/common.hpp"

namespace unsup::text {

FrequentNgramCounter::FrequentNgramCounter(int max_n, UnitMode mode, DecodeErrors errors, std::size_t sketch_cells,
                                           bool keep_stream)
    : max_n_(max_n),
      mode_(mode),
      vocabulary_(std::make_shared<UnitVocabulary>()),
      sink_{this},
      reader_(mode, errors, *vocabulary_, /*add=*/true),
      keep_stream_(keep_stream),
      stream_(std::make_unique<UnitStream>()) {
    require(max_n >= 1 && max_n <= 16, "max_n must be in [1, 16]");
    require(sketch_cells <= (std::size_t{1} << 34), "sketch_cells too large");
    std::size_t cells = std::size_t{1} << 16;
    while (cells < sketch_cells) cells <<= 1;
    if (max_n >= 3) {
        const std::size_t orders = static_cast<std::size_t>(max_n - 2);  // n = 3 .. max_n
        band_ = kLine / orders;
        n_lines_ = cells * orders / kLine;
        sketch_.assign(n_lines_ * kLine, 0);
    }
    for (int k = 1; k <= max_n; ++k) tables_.emplace_back(k);
}

void FrequentNgramCounter::feed(const unsigned char* data, std::size_t size) { reader_.feed(data, size, sink_); }

void FrequentNgramCounter::finish() {
    reader_.finish(sink_);  // ends the open run
    flush_batch();
}

void FrequentNgramCounter::flush_batch() {
    if (pass_ == 1 && keep_stream_) stream_->append(batch_.data(), batch_.size());
    count_batch(batch_.data(), batch_.size());
    batch_.clear();
}

void FrequentNgramCounter::replay(const StopToken& stop) {
    require(pass_ == 2, "replay is pass 2: call start_second_pass first");
    require(keep_stream_, "replay needs a counter built with keep_stream");
    stream_->replay([&](const unit_t* u, std::size_t n) { count_batch(u, n); }, stop);
}

void FrequentNgramCounter::start_second_pass(std::uint64_t min_count) {
    require(pass_ == 1, "the second pass has already started");
    require(min_count >= 1, "min_count must be >= 1");
    finish();
    batch_.shrink_to_fit();
    pass_ = 2;
    min_count_ = min_count;
    threshold_ = static_cast<std::uint8_t>(std::min<std::uint64_t>(min_count, 255));
    for (std::size_t id = 0; id < unit_counts_.size(); ++id) {  // units: counted exactly in pass 1
        const unit_t u = static_cast<unit_t>(id);
        if (unit_counts_[id] > 0) tables_[0].add(&u, unit_counts_[id]);
    }
    unit_counts_ = {};
    second_pass_bytes_start_ = reader_.bytes_seen();
    // A unit can now be read as new only if the second pass's text differs from the first's.
}

void FrequentNgramCounter::count_batch(const unit_t* u, std::size_t n) {
    const std::size_t top = static_cast<std::size_t>(max_n_);
    std::size_t cells[17];
    std::size_t end = 0;  // the boundary that closes the run holding position i
    for (std::size_t i = 0; i < n; ++i) {
        if (u[i] == kBoundary) continue;
        if (end <= i) end = static_cast<std::size_t>(std::find(u + i, u + n, kBoundary) - u);
        const std::size_t len = std::min(end - i, top);  // n-grams starting at i: k = 1 .. len
        if (pass_ == 1) {
            ++n_units_;
            if (u[i] >= unit_counts_.size()) unit_counts_.resize(std::max<std::size_t>(2 * unit_counts_.size(), u[i] + 1), 0);
            ++unit_counts_[u[i]];
        }
        // Cells of the k-grams at i (k >= 3), one hash round per unit. The 3-gram at i picks a
        // cache line and each k-gram a cell in that line's band for k: one cache miss per
        // position. The k-grams sharing a 3-gram prefix share a band, which can only raise
        // cells (more n-grams counted in pass 2, never fewer).
        std::uint64_t h = kSketchSeed;
        std::size_t line = 0;
        for (std::size_t k = 1; k <= len; ++k) {
            h = (h ^ u[i + k - 1]) * 0xBF58476D1CE4E5B9ULL;
            h ^= h >> 29;
            if (k >= 3) {
                std::uint64_t x = (h + k * 0x9E3779B97F4A7C15ULL) * 0x94D049BB133111EBULL;
                x ^= x >> 32;
                if (k == 3) line = (x & (n_lines_ - 1)) * kLine;
                cells[k] = line + (k - 3) * band_ + static_cast<std::size_t>(((x >> 32) * band_) >> 32);
            }
        }
        if (pass_ == 1) {
            if (len >= 2) tables_[1].add(u + i, 1);  // pairs: exactly, in pass 1
            for (std::size_t k = 3; k <= len; ++k) {
                std::uint8_t& c = sketch_[cells[k]];
                c = static_cast<std::uint8_t>(c + (c < 255));
            }
            continue;
        }
        // Pass 2: count the k-grams starting at i whose cell reaches the threshold. A cell below
        // the threshold proves the k-gram rarer than min_count, and so every longer n-gram that
        // starts with it: stop there.
        for (std::size_t k = 3; k <= len; ++k) {
            if (sketch_[cells[k]] < threshold_) break;
            tables_[k - 1].add(u + i, 1);
        }
    }
}

std::size_t FrequentNgramCounter::memory_bytes() const {
    std::size_t bytes = sketch_.capacity() + vocabulary_->memory_bytes() + batch_.capacity() * sizeof(unit_t) +
                        unit_counts_.capacity() * sizeof(std::uint64_t);
    for (const auto& t : tables_) bytes += t.memory_bytes();
    return bytes;
}

NgramStatistics FrequentNgramCounter::statistics(std::uint64_t min_count) const {
    require(pass_ == 2, "statistics need the second pass");
    require(min_count >= min_count_, "min_count below the second pass's threshold");
    return collect_statistics(tables_, max_n_, /*neighbours=*/false, *vocabulary_, mode_, n_units_, min_count);
}

void FrequentNgramCounter::cohesive(std::uint64_t min_count, const std::vector<double>& thresholds,
                                    std::vector<unit_t>& ids, std::vector<std::uint8_t>& length) const {
    require(pass_ == 2, "cohesive n-grams need the second pass");
    require(min_count >= min_count_, "min_count below the second pass's threshold");
    require(!thresholds.empty(), "thresholds must hold at least one value");
    ids.clear();
    length.clear();
    const std::size_t stride = static_cast<std::size_t>(max_n_);
    for (int n = 2; n <= max_n_; ++n) {
        const double theta = thresholds[std::min<std::size_t>(static_cast<std::size_t>(n - 1), thresholds.size() - 1)];
        const NgramTable& t = tables_[n - 1];
        for (std::size_t slot = 0; slot < t.capacity(); ++slot) {
            const std::uint64_t c = t.count_at(slot);
            if (c == 0 || c < min_count) continue;
            const unit_t* key = t.key_at(slot);
            if (!(ngram_cohesion(tables_, key, n, c, n_units_) >= theta)) continue;
            const std::size_t base = ids.size();
            ids.resize(base + stride, 0);
            std::copy(key, key + n, ids.begin() + static_cast<std::ptrdiff_t>(base));
            length.push_back(static_cast<std::uint8_t>(n));
        }
    }
}

std::uint64_t FrequentNgramCounter::count(const unit_t* ids, int n) const {
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
