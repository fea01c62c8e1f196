#include "unsup/text/ngram_counter.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "unsup/common.hpp"

namespace unsup::text {
NgramCounter::NgramCounter(int max_n, UnitMode mode, DecodeErrors errors, bool neighbours)
    : max_n_(max_n),
      mode_(mode),
      neighbours_(neighbours),
      vocabulary_(std::make_shared<UnitVocabulary>()),
      sink_{this},
      reader_(mode, errors, *vocabulary_, /*add=*/true) {
    require(max_n >= 1 && max_n <= 16, "max_n must be in [1, 16]");
    const int k_max = max_n + (neighbours ? 1 : 0);
    for (int k = 1; k <= k_max; ++k) tables_.emplace_back(k);
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

std::uint64_t NgramCounter::n_units() const {
    std::uint64_t n = 0;
    const NgramTable& unigrams = tables_[0];
    for (std::size_t slot = 0; slot < unigrams.capacity(); ++slot) n += unigrams.count_at(slot);
    return n;
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

NgramStatistics NgramCounter::statistics(std::uint64_t min_count) const {
    return collect_statistics(tables_, max_n_, neighbours_, *vocabulary_, mode_, n_units(), min_count);
}

NgramStatistics collect_statistics(const std::vector<NgramTable>& tables_, int max_n_, bool neighbours_,
                                   const UnitVocabulary& vocabulary, UnitMode mode_, std::uint64_t n_units,
                                   std::uint64_t min_count) {
    NgramStatistics s;
    s.max_n = max_n_;
    s.units.reserve(vocabulary.size());
    for (std::size_t id = 0; id < vocabulary.size(); ++id) s.units.push_back(vocabulary.text(static_cast<unit_t>(id)));
    s.n_units = n_units;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::size_t stride = static_cast<std::size_t>(max_n_);

    for (int n = 1; n <= max_n_; ++n) {
        const NgramTable& grams = tables_[n - 1];
        // Neighbour distributions from the (n + 1)-grams: sum of counts and of c ln c per n-gram.
        std::vector<double> left_sum, left_clogc, right_sum, right_clogc;
        if (neighbours_) {
            left_sum.assign(grams.capacity(), 0.0);
            left_clogc.assign(grams.capacity(), 0.0);
            right_sum.assign(grams.capacity(), 0.0);
            right_clogc.assign(grams.capacity(), 0.0);
        }
        const NgramTable& longer = tables_[neighbours_ ? n : n - 1];
        for (std::size_t slot = 0; neighbours_ && slot < longer.capacity(); ++slot) {
            const std::uint64_t c = longer.count_at(slot);
            if (c == 0) continue;
            const unit_t* key = longer.key_at(slot);
            const double cf = static_cast<double>(c), clogc = cf * std::log(cf);
            if (key[0] != kBoundary && key[n - 1] != kBoundary) {  // w = key[0, n), right neighbour key[n]
                const std::int64_t at = grams.find(key);  // always present: counted with its extension
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
            s.left_entropy.push_back(neighbours_ ? std::max(0.0, entropy(left_sum[slot], left_clogc[slot])) : nan);
            s.right_entropy.push_back(neighbours_ ? std::max(0.0, entropy(right_sum[slot], right_clogc[slot])) : nan);
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
    sorted.units = std::move(s.units);
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
            text += sorted.units[sorted.ids[i * stride + k]];
        }
        sorted.ngrams.push_back(std::move(text));
    }
    return sorted;
}

}  // namespace unsup::text
