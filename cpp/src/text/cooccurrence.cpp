#include "unsup/text/cooccurrence.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <vector>

#include "unsup/parallel.hpp"

namespace unsup::text {

namespace {

constexpr std::uint64_t kMaxU64 = ~std::uint64_t{0};
constexpr int kMaxWindow = 1 << 20;
constexpr int kMaxFixedPointBits = 40;
// Token ids read between two polls of the stop token in the serial passes (the scatter of the
// counting sort can miss the cache on every id: about 50 ms).
constexpr std::size_t kTokensBetweenPolls = std::size_t{1} << 20;
// A group of rows (one work item) holds about this many window positions (2 window per
// occurrence; some 10 ms of work), or 1/4096 of the corpus's: small enough to balance threads
// and answer Ctrl-C promptly, large enough that handing it out is free.
constexpr std::uint64_t kMinPositionsPerItem = std::uint64_t{1} << 21;
constexpr std::uint64_t kItemsPerCorpus = 4096;
// Occurrences of one row between two polls (a very common word can be a long row).
constexpr std::int64_t kOccurrencesBetweenPolls = std::int64_t{1} << 16;

/// Whether max_occurrences * 2 * sum(numerator) <= 2^64 - 1: the largest possible row sum
/// (every occurrence of one id with full windows on both sides) cannot overflow.
bool sums_fit(std::uint64_t max_occurrences, const std::vector<std::uint64_t>& numerator) {
    std::uint64_t sum = 0;
    for (const std::uint64_t v : numerator) {
        if (v > kMaxU64 - sum) return false;
        sum += v;
    }
    if (sum > kMaxU64 / 2) return false;
    sum *= 2;
    return max_occurrences <= kMaxU64 / sum;
}

inline void prefetch(const void* p) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

/// One thread's accumulator for a row: the sums over the whole vocabulary (zero between rows),
/// a bitmap of the columns touched (level 1) and a bitmap of its non-zero 64-bit words (level 2).
/// Reading level 2, then the level-1 words it points at, gives the touched columns in order at a
/// cost of O(columns + vocabulary / 4096): no sort. A row that touched only a few words sorts
/// their list instead (O(words log words) beats the level-2 scan of a huge vocabulary).
struct RowAccumulator {
    std::vector<std::uint64_t> sum;
    std::vector<std::uint64_t> level1, level2;
    std::vector<std::uint32_t> touched_words;
    explicit RowAccumulator(std::size_t vocabulary_size)
        : sum(vocabulary_size, 0),
          level1(vocabulary_size / 64 + 1, 0),
          level2(level1.size() / 64 + 1, 0),
          touched_words(level1.size() + 1) {}  // + 1: the branch-free append writes a slot past a full list
};

/// The entries of one group of rows, in row order (columns sorted within a row).
template <class T>
struct RowGroup {
    std::int64_t first_row = 0, end_row = 0;
    std::vector<std::int32_t> indices;
    std::vector<T> data;
};

template <class T, class P>
CooccurrenceCsr<T> count_with_positions(const std::int32_t* tokens, std::size_t n_tokens,
                                        std::int64_t vocabulary_size, int window, DistanceWeighting weighting,
                                        int n_jobs, const StopToken& stop) {
    const auto n_rows = static_cast<std::size_t>(vocabulary_size);
    // 1. Occurrences of each id (offset[a + 1]), checking every id.
    std::vector<std::int64_t> offset(n_rows + 1, 0);
    for (std::size_t begin = 0; begin < n_tokens; begin += kTokensBetweenPolls) {
        const std::size_t end = std::min(n_tokens, begin + kTokensBetweenPolls);
        for (std::size_t i = begin; i < end; ++i) {
            const std::int32_t t = tokens[i];
            if (t < -1 || t >= vocabulary_size)
                throw std::invalid_argument("tokens: id " + std::to_string(t) + " at position " + std::to_string(i) +
                                            " is out of range (ids lie in [0, vocabulary_size = " +
                                            std::to_string(vocabulary_size) + "), -1 is a sentence break)");
            if (t >= 0) ++offset[static_cast<std::size_t>(t) + 1];
        }
        stop.check();
    }
    std::uint64_t max_occurrences = 0;
    for (std::size_t a = 0; a < n_rows; ++a) max_occurrences = std::max<std::uint64_t>(max_occurrences, offset[a + 1]);
    const WindowWeights weights = window_weights(window, weighting, max_occurrences);
    std::partial_sum(offset.begin(), offset.end(), offset.begin());

    // 2. Positions grouped by id, ascending within an id (a counting sort of the corpus).
    std::vector<P> position(static_cast<std::size_t>(offset[n_rows]));
    {
        std::vector<std::int64_t> cursor(offset.begin(), offset.end() - 1);
        for (std::size_t begin = 0; begin < n_tokens; begin += kTokensBetweenPolls) {
            const std::size_t end = std::min(n_tokens, begin + kTokensBetweenPolls);
            for (std::size_t i = begin; i < end; ++i) {
                const std::int32_t t = tokens[i];
                if (t >= 0) position[static_cast<std::size_t>(cursor[static_cast<std::size_t>(t)]++)] = static_cast<P>(i);
            }
            stop.check();
        }
    }

    // 3. Groups of consecutive rows of about equal work; each is summed by one thread.
    const std::uint64_t total = static_cast<std::uint64_t>(offset[n_rows]);
    const std::uint64_t per_item =
        std::max(kMinPositionsPerItem / (2 * static_cast<std::uint64_t>(window)), total / kItemsPerCorpus);
    std::vector<RowGroup<T>> groups;
    for (std::size_t a = 0; a < n_rows;) {
        RowGroup<T> g;
        g.first_row = static_cast<std::int64_t>(a);
        std::uint64_t work = 0;
        while (a < n_rows && work < per_item) {
            work += static_cast<std::uint64_t>(offset[a + 1] - offset[a]) + 1;
            ++a;
        }
        g.end_row = static_cast<std::int64_t>(a);
        groups.push_back(std::move(g));
    }

    std::vector<std::int64_t> row_nnz(n_rows, 0);
    const int threads = resolve_n_jobs(n_jobs);
    std::vector<std::unique_ptr<RowAccumulator>> accumulators(static_cast<std::size_t>(threads));
    const std::uint64_t* numerator = weights.numerator.data();
    const double denominator = static_cast<double>(weights.denominator);
    const std::size_t w = static_cast<std::size_t>(window);
    parallel_for_workers(groups.size(), n_jobs, [&](std::size_t item, std::size_t worker) {
        stop.check();
        auto& slot = accumulators[worker];
        if (!slot) slot = std::make_unique<RowAccumulator>(n_rows);
        std::uint64_t* __restrict sum = slot->sum.data();
        std::uint64_t* __restrict level1 = slot->level1.data();
        std::uint64_t* __restrict level2 = slot->level2.data();
        std::uint32_t* __restrict touched = slot->touched_words.data();
        const std::size_t n_level2 = slot->level2.size();
        RowGroup<T>& g = groups[item];
        for (std::int64_t a = g.first_row; a < g.end_row; ++a) {
            std::size_t n_touched = 0;
            auto add = [&](std::int32_t t, std::uint64_t weight) {  // branch-free bookkeeping
                sum[t] += weight;
                const std::uint32_t word = static_cast<std::uint32_t>(t) >> 6;
                const std::uint64_t was = level1[word];
                touched[n_touched] = word;  // kept only if the word was empty
                n_touched += was == 0;
                level1[word] = was | (std::uint64_t{1} << (t & 63));
                level2[word >> 6] |= static_cast<std::uint64_t>(was == 0) << (word & 63);
            };
            const std::int64_t k_begin = offset[static_cast<std::size_t>(a)];
            const std::int64_t k_end = offset[static_cast<std::size_t>(a) + 1];
            for (std::int64_t k = k_begin; k < k_end; ++k) {
                if (((k - k_begin + 1) & (kOccurrencesBetweenPolls - 1)) == 0) stop.check();
                if (k + 8 < k_end) {
                    const std::size_t ahead = static_cast<std::size_t>(position[static_cast<std::size_t>(k + 8)]);
                    prefetch(tokens + (ahead >= w ? ahead - w : 0));
                    prefetch(tokens + std::min(ahead + w, n_tokens - 1));
                }
                const std::size_t p = static_cast<std::size_t>(position[static_cast<std::size_t>(k)]);
                const std::size_t left = std::min(w, p);
                for (std::size_t d = 1; d <= left; ++d) {
                    const std::int32_t t = tokens[p - d];
                    if (t < 0) break;
                    add(t, numerator[d - 1]);
                }
                const std::size_t right = std::min(w, n_tokens - 1 - p);
                for (std::size_t d = 1; d <= right; ++d) {
                    const std::int32_t t = tokens[p + d];
                    if (t < 0) break;
                    add(t, numerator[d - 1]);
                }
            }
            // The touched words in increasing order, written over the list.
            if (n_touched * 16 < n_level2) {
                std::sort(touched, touched + n_touched);
            } else {
                std::size_t i = 0;
                for (std::size_t l = 0; l < n_level2; ++l) {
                    std::uint64_t set = level2[l];
                    while (set != 0) {
                        touched[i++] = static_cast<std::uint32_t>((l << 6) | static_cast<std::size_t>(__builtin_ctzll(set)));
                        set &= set - 1;
                    }
                }
            }
            std::size_t nnz = 0;
            for (std::size_t i = 0; i < n_touched; ++i) {
                nnz += static_cast<std::size_t>(__builtin_popcountll(level1[touched[i]]));
                level2[touched[i] >> 6] = 0;
            }
            row_nnz[static_cast<std::size_t>(a)] = static_cast<std::int64_t>(nnz);
            std::size_t at = g.indices.size();
            g.indices.resize(at + nnz);
            g.data.resize(at + nnz);
            std::int32_t* __restrict indices = g.indices.data();
            T* __restrict data = g.data.data();
            for (std::size_t i = 0; i < n_touched; ++i) {
                const std::uint32_t word = touched[i];
                std::uint64_t set = level1[word];
                level1[word] = 0;
                while (set != 0) {
                    const auto b = static_cast<std::int32_t>((word << 6) | static_cast<std::uint32_t>(__builtin_ctzll(set)));
                    set &= set - 1;
                    indices[at] = b;
                    data[at] = static_cast<T>(static_cast<double>(sum[b]) / denominator);
                    sum[b] = 0;
                    ++at;
                }
            }
        }
    });

    // 4. The groups laid end to end.
    CooccurrenceCsr<T> out;
    out.n = vocabulary_size;
    out.indptr.allocate(n_rows + 1);
    std::int64_t* indptr = out.indptr.data();
    indptr[0] = 0;
    for (std::size_t a = 0; a < n_rows; ++a) indptr[a + 1] = indptr[a] + row_nnz[a];
    const auto nnz = static_cast<std::size_t>(indptr[n_rows]);
    out.indices.allocate(nnz);
    out.data.allocate(nnz);
    parallel_for(groups.size(), n_jobs, [&](std::size_t item) {
        RowGroup<T>& g = groups[item];
        const std::int64_t at = indptr[g.first_row];
        if (!g.indices.empty()) {
            std::memcpy(out.indices.data() + at, g.indices.data(), g.indices.size() * sizeof(std::int32_t));
            std::memcpy(out.data.data() + at, g.data.data(), g.data.size() * sizeof(T));
        }
        g = RowGroup<T>{};  // give the memory back as we go
    });
    return out;
}

}  // namespace

DistanceWeighting distance_weighting(const std::string& name) {
    if (name == "uniform") return DistanceWeighting::uniform;
    if (name == "harmonic") return DistanceWeighting::harmonic;
    if (name == "dynamic") return DistanceWeighting::dynamic;
    throw std::invalid_argument("weighting must be 'uniform', 'harmonic' or 'dynamic', got '" + name + "'");
}

WindowWeights window_weights(int window, DistanceWeighting weighting, std::uint64_t max_occurrences) {
    require(window >= 1 && window <= kMaxWindow,
            "window must be an int in [1, " + std::to_string(kMaxWindow) + "], got " + std::to_string(window));
    WindowWeights out;
    const auto w = static_cast<std::uint64_t>(window);
    out.numerator.assign(w, 1);
    switch (weighting) {
        case DistanceWeighting::uniform:
            out.denominator = 1;
            break;
        case DistanceWeighting::dynamic:
            for (std::uint64_t d = 1; d <= w; ++d) out.numerator[d - 1] = w - d + 1;
            out.denominator = w;
            break;
        case DistanceWeighting::harmonic: {
            std::uint64_t lcm = 1;
            bool exact = true;
            for (std::uint64_t d = 2; d <= w && exact; ++d) {
                const std::uint64_t step = d / std::gcd(lcm, d);
                if (lcm > (std::uint64_t{1} << kMaxFixedPointBits) / step) exact = false;
                else lcm *= step;
            }
            if (exact) {
                for (std::uint64_t d = 1; d <= w; ++d) out.numerator[d - 1] = lcm / d;
                out.denominator = lcm;
                if (sums_fit(max_occurrences, out.numerator)) return out;
            }
            for (int k = kMaxFixedPointBits; k >= 0; --k) {
                const std::uint64_t scale = std::uint64_t{1} << k;
                for (std::uint64_t d = 1; d <= w; ++d)
                    out.numerator[d - 1] = std::max<std::uint64_t>(1, (scale + d / 2) / d);
                out.denominator = scale;
                if (sums_fit(max_occurrences, out.numerator)) return out;
            }
            break;
        }
    }
    require(sums_fit(max_occurrences, out.numerator),
            "tokens: one id occurs too often (" + std::to_string(max_occurrences) +
                " times) for exact 64-bit sums with this window");
    return out;
}

template <class T>
CooccurrenceCsr<T> count_cooccurrences(const std::int32_t* tokens, std::size_t n_tokens,
                                       std::int64_t vocabulary_size, int window, DistanceWeighting weighting,
                                       int n_jobs, const StopToken& stop) {
    require(vocabulary_size >= 0 && vocabulary_size <= std::int64_t{0x7FFFFFFF},
            "vocabulary_size must be an int in [0, 2147483647], got " + std::to_string(vocabulary_size));
    require(window >= 1 && window <= kMaxWindow,
            "window must be an int in [1, " + std::to_string(kMaxWindow) + "], got " + std::to_string(window));
    if (n_tokens <= std::size_t{0xFFFFFFFF})
        return count_with_positions<T, std::uint32_t>(tokens, n_tokens, vocabulary_size, window, weighting, n_jobs,
                                                      stop);
    return count_with_positions<T, std::uint64_t>(tokens, n_tokens, vocabulary_size, window, weighting, n_jobs, stop);
}

template CooccurrenceCsr<float> count_cooccurrences<float>(const std::int32_t*, std::size_t, std::int64_t, int,
                                                           DistanceWeighting, int, const StopToken&);
template CooccurrenceCsr<double> count_cooccurrences<double>(const std::int32_t*, std::size_t, std::int64_t, int,
                                                             DistanceWeighting, int, const StopToken&);

}  // namespace unsup::text
