#include "unsup/text/ngram_counter.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

#include "unsup/common.hpp"

namespace unsup::text {
NgramCounter::NgramCounter(int max_n, UnitMode mode, DecodeErrors errors, bool neighbours, std::size_t table_budget)
    : max_n_(max_n),
      mode_(mode),
      neighbours_(neighbours),
      vocabulary_(std::make_shared<UnitVocabulary>()),
      sink_{this},
      reader_(mode, errors, *vocabulary_, /*add=*/true),
      table_budget_(table_budget) {
    require(max_n >= 1 && max_n <= 16, "max_n must be in [1, 16]");
    const int k_max = max_n + (neighbours ? 1 : 0);
    tables_ = make_tables(static_cast<std::size_t>(k_max));
    window_.reserve(static_cast<std::size_t>(k_max) + 1);
}

void NgramCounter::push_unit(unit_t id) {
    const std::size_t width = tables_.size();
    if (!in_run_) {
        window_.assign(1, kBoundary);
        in_run_ = true;
    }
    push_window(id, width);
    // Every k-gram that ends with this unit (the run's opening boundary included).
    const std::size_t w = window_.size();
    for (std::size_t k = 1; k <= w; ++k) tables_[k - 1].add(&window_[w - k], 1);
    ++n_units_;
    if (table_budget_ != 0 && ++units_unchecked_ >= (1u << 16)) {
        units_unchecked_ = 0;
        spill_.spill_if_over(table_budget_, {&tables_});
    }
}

void NgramCounter::end_run() {
    if (!in_run_) return;
    const std::size_t width = tables_.size();
    push_window(kBoundary, width);
    // Every k-gram (k >= 2) that ends with the closing boundary.
    const std::size_t w = window_.size();
    for (std::size_t k = 2; k <= w; ++k) tables_[k - 1].add(&window_[w - k], 1);
    in_run_ = false;
}

std::size_t NgramCounter::memory_bytes() const {
    std::size_t bytes = vocabulary_->memory_bytes();
    for (const auto& t : tables_) bytes += t.memory_bytes();
    return bytes;
}

double ngram_cohesion(const std::vector<NgramTable>& tables, const unit_t* key, int n, std::uint64_t count,
                      std::uint64_t n_units) {
    if (n < 2) return std::numeric_limits<double>::quiet_NaN();
    double cohesion = std::numeric_limits<double>::infinity();
    const double base = std::log(static_cast<double>(n_units)) + std::log(static_cast<double>(count));
    for (int k = 1; k < n; ++k) {
        const double left = static_cast<double>(tables[k - 1].count(key));
        const double right = static_cast<double>(tables[n - k - 1].count(key + k));
        cohesion = std::min(cohesion, base - std::log(left) - std::log(right));
    }
    return cohesion;
}

void NeighbourSums::add(const NgramTable& grams, const NgramTable& longer) {
    const int n = longer.k() - 1;
    for (std::size_t slot = 0; slot < longer.capacity(); ++slot) {
        const std::uint64_t c = longer.count_at(slot);
        if (c == 0) continue;
        const unit_t* key = longer.key_at(slot);
        const double cf = static_cast<double>(c), clogc = cf * std::log(cf);
        if (key[0] != kBoundary && key[n - 1] != kBoundary) {  // w = key[0, n), right neighbour key[n]
            const std::int64_t at = grams.find(key);
            if (at >= 0) {
                right_sum[static_cast<std::size_t>(at)] += cf;
                right_clogc[static_cast<std::size_t>(at)] += clogc;
            }
        }
        if (key[1] != kBoundary && key[n] != kBoundary) {  // w = key[1, n + 1), left neighbour key[0]
            const std::int64_t at = grams.find(key + 1);
            if (at >= 0) {
                left_sum[static_cast<std::size_t>(at)] += cf;
                left_clogc[static_cast<std::size_t>(at)] += clogc;
            }
        }
    }
}

NgramStatistics NgramCounter::statistics(std::uint64_t min_count) {
    if (spill_.used()) return spilled_statistics(min_count);
    std::function<NeighbourSums(int)> sums;
    if (neighbours_)  // one order at a time: the sums take 32 bytes per slot
        sums = [this](int n) {
            NeighbourSums s(tables_[n - 1].capacity());
            s.add(tables_[n - 1], tables_[n]);
            return s;
        };
    return collect_statistics(tables_, max_n_, sums, *vocabulary_, mode_, n_units_, min_count);
}

NgramStatistics NgramCounter::spilled_statistics(std::uint64_t min_count) {
    spill_.spill_all(tables_);  // every count on disk; counting may go on
    const std::size_t k_max = tables_.size();
    auto partition = [&](std::size_t part) {
        std::vector<NgramTable> counts = make_tables(k_max);
        spill_.load(part, counts);
        return counts;
    };
    // The n-grams (no boundary) counted at least min_count times, with their exact counts;
    // their parts are at least as frequent, so the cohesions find them here too.
    std::vector<NgramTable> frequent = make_tables(static_cast<std::size_t>(max_n_));
    for (std::size_t part = 0; part < spill_.parts(); ++part) {
        const std::vector<NgramTable> counts = partition(part);
        for (int k = 1; k <= max_n_; ++k) {
            const NgramTable& t = counts[static_cast<std::size_t>(k) - 1];
            for (std::size_t slot = 0; slot < t.capacity(); ++slot) {
                const std::uint64_t c = t.count_at(slot);
                const unit_t* key = t.key_at(slot);
                if (c == 0 || c < min_count || std::find(key, key + k, kBoundary) != key + k) continue;
                frequent[static_cast<std::size_t>(k) - 1].add(key, c);
            }
        }
    }
    std::vector<NeighbourSums> sums;
    if (neighbours_) {
        for (int n = 1; n <= max_n_; ++n) sums.emplace_back(frequent[n - 1].capacity());
        for (std::size_t part = 0; part < spill_.parts(); ++part) {
            const std::vector<NgramTable> counts = partition(part);
            for (int n = 1; n <= max_n_; ++n) sums[n - 1].add(frequent[n - 1], counts[n]);
        }
    }
    std::function<NeighbourSums(int)> take;
    if (neighbours_) take = [&sums](int n) { return std::move(sums[n - 1]); };
    return collect_statistics(frequent, max_n_, take, *vocabulary_, mode_, n_units_, min_count);
}

NgramStatistics collect_statistics(const std::vector<NgramTable>& tables_, int max_n_,
                                   const std::function<NeighbourSums(int)>& neighbours,
                                   const UnitVocabulary& vocabulary, UnitMode mode_, std::uint64_t n_units,
                                   std::uint64_t min_count) {
    NgramStatistics s;
    s.max_n = max_n_;
    s.n_units = n_units;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::size_t stride = static_cast<std::size_t>(max_n_);

    for (int n = 1; n <= max_n_; ++n) {
        const NgramTable& grams = tables_[n - 1];
        std::optional<NeighbourSums> sums;
        if (neighbours) sums = neighbours(n);
        for (std::size_t slot = 0; slot < grams.capacity(); ++slot) {
            const std::uint64_t c = grams.count_at(slot);
            if (c == 0 || c < min_count) continue;
            const unit_t* key = grams.key_at(slot);
            if (key[0] == kBoundary || key[n - 1] == kBoundary) continue;
            const double cohesion = ngram_cohesion(tables_, key, n, c, s.n_units);
            auto entropy = [](double sum, double clogc) { return sum > 0.0 ? std::log(sum) - clogc / sum : 0.0; };
            const std::size_t base = s.ids.size();
            s.ids.resize(base + stride, 0);
            std::copy(key, key + n, s.ids.begin() + static_cast<std::ptrdiff_t>(base));
            s.length.push_back(static_cast<std::uint8_t>(n));
            s.count.push_back(c);
            s.cohesion.push_back(cohesion);
            s.left_entropy.push_back(sums ? std::max(0.0, entropy(sums->left_sum[slot], sums->left_clogc[slot])) : nan);
            s.right_entropy.push_back(sums ? std::max(0.0, entropy(sums->right_sum[slot], sums->right_clogc[slot])) : nan);
        }
    }

    // A canonical order, independent of hash-table layout: by n, then count (descending), then ids.
    const std::size_t m = s.count.size();
    std::vector<std::size_t> order(m);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (s.length[a] != s.length[b]) return s.length[a] < s.length[b];
        if (s.count[a] != s.count[b]) return s.count[a] > s.count[b];
        return std::lexicographical_compare(s.ids.begin() + a * stride, s.ids.begin() + (a + 1) * stride,
                                            s.ids.begin() + b * stride, s.ids.begin() + (b + 1) * stride);
    });
    NgramStatistics sorted;
    sorted.max_n = s.max_n;
    sorted.n_units = s.n_units;
    sorted.ids.resize(s.ids.size());
    for (std::size_t i = 0; i < m; ++i) {
        const std::size_t j = order[i];
        std::copy(s.ids.begin() + j * stride, s.ids.begin() + (j + 1) * stride, sorted.ids.begin() + i * stride);
        sorted.length.push_back(s.length[j]);
        sorted.count.push_back(s.count[j]);
        sorted.cohesion.push_back(s.cohesion[j]);
        sorted.left_entropy.push_back(s.left_entropy[j]);
        sorted.right_entropy.push_back(s.right_entropy[j]);
    }
    const char* separator = mode_ == UnitMode::character ? "" : " ";
    sorted.ngrams.reserve(m);
    for (std::size_t i = 0; i < m; ++i) {
        std::string text;
        for (std::size_t k = 0; k < sorted.length[i]; ++k) {
            if (k > 0) text += separator;
            text += vocabulary.text(sorted.ids[i * stride + k]);
        }
        sorted.ngrams.push_back(std::move(text));
    }
    return sorted;
}

}  // namespace unsup::text
