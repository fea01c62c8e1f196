// k-nearest-neighbour search on the K-means score kernels (see unsup/cluster/knn.hpp): candidates
// packed in blocks like K-means centres, query sub-blocks scored against a block into a tile that
// stays in cache, a running top-k per query.
#include "unsup/cluster/knn.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kmeans_kernels.hpp"
#include "unsup/cluster/simd.hpp"
#include "unsup/parallel.hpp"

namespace unsup::cluster {

namespace {

/// Queries scored together against one packed block: a multiple of every micro-kernel's row tile
/// (3, 6, 12, 24), so that only the last sub-block of a run is partial.
constexpr std::int64_t kSubBlock = 48;
/// Queries handled by one work item (the unit of parallel work).
constexpr std::int64_t kGroup = 240;

/// Candidates in packed blocks: block b holds the candidate ids ids[start[b] .. start[b+1]).
template <class T>
struct Blocks {
    std::vector<std::int64_t> ids;
    std::vector<std::int64_t> start;
    std::vector<PackedCentres<T>> packed;
    std::int64_t size(std::int64_t b) const { return start[b + 1] - start[b]; }
};

/// Candidates per block: about 128 KB of rows (the packed block is re-read from L2 by every row
/// tile of the micro-kernel), between 64 and 4096.
template <class T>
std::int64_t block_rows(std::int64_t d) {
    const std::int64_t bytes = d * static_cast<std::int64_t>(sizeof(T));
    return std::clamp<std::int64_t>(std::int64_t{128} * 1024 / bytes, 64, 4096) / 32 * 32;
}

/// Packs the rows `ids` of x, cut into lists by `list_start` (n_lists + 1 offsets into ids), each
/// list into blocks of at most block_rows rows; list l covers blocks [list_blocks[l], list_blocks[l+1]).
template <class T>
Blocks<T> make_blocks(const KMeansKernels<T>& kk, const T* x, std::int64_t d, std::vector<std::int64_t> ids,
                      const std::vector<std::int64_t>& list_start, bool euclidean,
                      std::vector<std::int64_t>& list_blocks, int n_jobs, const StopToken& stop) {
    const std::int64_t rows_per_block = block_rows<T>(d);
    Blocks<T> b;
    b.ids = std::move(ids);
    const std::int64_t n_lists = static_cast<std::int64_t>(list_start.size()) - 1;
    list_blocks.assign(static_cast<std::size_t>(n_lists + 1), 0);
    b.start.push_back(0);
    for (std::int64_t l = 0; l < n_lists; ++l) {
        list_blocks[l] = static_cast<std::int64_t>(b.start.size()) - 1;
        for (std::int64_t s = list_start[l]; s < list_start[l + 1]; s += rows_per_block)
            b.start.push_back(std::min(list_start[l + 1], s + rows_per_block));
    }
    const std::int64_t n_blocks = static_cast<std::int64_t>(b.start.size()) - 1;
    list_blocks[n_lists] = n_blocks;
    b.packed.resize(static_cast<std::size_t>(n_blocks));
    parallel_for(static_cast<std::size_t>(n_blocks), n_jobs, [&](std::size_t i) {
        const auto blk = static_cast<std::int64_t>(i);
        if (blk % 64 == 0) stop.check();
        const std::int64_t m = b.size(blk);
        std::vector<T> rows(static_cast<std::size_t>(m * d));
        for (std::int64_t j = 0; j < m; ++j) {
            const T* src = x + b.ids[b.start[blk] + j] * d;
            std::copy(src, src + d, rows.begin() + j * d);
        }
        kk.pack(rows.data(), m, d, euclidean, b.packed[i]);
    });
    return b;
}

/// Whether one of the kLanes values at p is >= t (NaN never is). This file is built for the
/// baseline ISA, where GCC lowers a 64-byte vector compare lane by lane through the stack; SSE2
/// (part of x86-64) compares four floats or two doubles per instruction.
inline bool any_at_least(const float* p, float t) {
#if defined(__SSE2__)
    const __m128 tt = _mm_set1_ps(t);
    __m128 ge = _mm_cmpge_ps(_mm_loadu_ps(p), tt);
    for (int i = 4; i < kLanes<float>; i += 4) ge = _mm_or_ps(ge, _mm_cmpge_ps(_mm_loadu_ps(p + i), tt));
    return _mm_movemask_ps(ge) != 0;
#else
    bool any = false;
    for (int i = 0; i < kLanes<float>; ++i) any |= p[i] >= t;
    return any;
#endif
}

inline bool any_at_least(const double* p, double t) {
#if defined(__SSE2__)
    const __m128d tt = _mm_set1_pd(t);
    __m128d ge = _mm_cmpge_pd(_mm_loadu_pd(p), tt);
    for (int i = 2; i < kLanes<double>; i += 2) ge = _mm_or_pd(ge, _mm_cmpge_pd(_mm_loadu_pd(p + i), tt));
    return _mm_movemask_pd(ge) != 0;
#else
    bool any = false;
    for (int i = 0; i < kLanes<double>; ++i) any |= p[i] >= t;
    return any;
#endif
}

/// (score, id) strictly before (score2, id2): larger score, then smaller id.
template <class T>
inline bool before(T s, std::int64_t id, T s2, std::int64_t id2) {
    return s > s2 || (s == s2 && id < id2);
}

/// Offers candidate (s, id) to a top-k list sorted best first (scores `ts`, ids `ti`).
template <class T>
inline void offer(T* ts, std::int64_t* ti, std::int64_t k, T s, std::int64_t id) {
    if (!before(s, id, ts[k - 1], ti[k - 1])) return;
    std::int64_t p = k - 1;
    while (p > 0 && before(s, id, ts[p - 1], ti[p - 1])) {
        ts[p] = ts[p - 1];
        ti[p] = ti[p - 1];
        --p;
    }
    ts[p] = s;
    ti[p] = id;
}

/// Offers the m scores of a tile row (candidates ids[0 .. m)) to the top-k of query q. Most
/// scores lose to the threshold: a vector of them is tested at once.
template <class T>
inline void scan_row(const T* row, std::int64_t m, const std::int64_t* ids, std::int64_t q, bool exclude_self, T* ts,
                     std::int64_t* ti, std::int64_t k) {
    T threshold = ts[k - 1];
    for (std::int64_t j = 0; j < m; j += kLanes<T>) {
        if (j + kLanes<T> <= m && !any_at_least(row + j, threshold)) continue;
        const std::int64_t end = std::min<std::int64_t>(m, j + kLanes<T>);
        for (std::int64_t c = j; c < end; ++c) {
            if (!(row[c] >= threshold)) continue;  // NaN never enters
            if (exclude_self && ids[c] == q) continue;
            offer(ts, ti, k, row[c], ids[c]);
            threshold = ts[k - 1];
        }
    }
}

/// The k best-scoring candidates of every query: queries qids[0 .. nq), in groups of kGroup (the
/// work items); visits(qpos, out) appends the blocks query qpos scans. Results go to the rows
/// qids[qpos] of top_s / top_id (k values each, best first); `exclude_self` skips candidate ==
/// query id. Candidates never offered (fewer than k in the blocks) stay (−∞, INT64_MAX).
template <class T, class Visits>
void search(const KMeansKernels<T>& kk, const T* x, std::int64_t d, const std::int64_t* qids, std::int64_t nq,
            const Blocks<T>& b, std::int64_t k, bool exclude_self, Visits&& visits, T* top_s, std::int64_t* top_id,
            int n_jobs, const StopToken& stop) {
    std::int64_t max_block = 0;
    for (std::size_t i = 0; i + 1 < b.start.size(); ++i) max_block = std::max(max_block, b.size(static_cast<std::int64_t>(i)));
    const std::int64_t n_groups = (nq + kGroup - 1) / kGroup;
    parallel_for(static_cast<std::size_t>(n_groups), n_jobs, [&](std::size_t g) {
        stop.check();
        const std::int64_t q0 = static_cast<std::int64_t>(g) * kGroup, q1 = std::min(nq, q0 + kGroup);
        for (std::int64_t q = q0; q < q1; ++q) {
            std::fill(top_s + qids[q] * k, top_s + qids[q] * k + k, -std::numeric_limits<T>::infinity());
            std::fill(top_id + qids[q] * k, top_id + qids[q] * k + k, std::numeric_limits<std::int64_t>::max());
        }
        // (block, query) pairs, by block: each block is scored once per sub-block of its queries.
        std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
        std::vector<std::int64_t> blocks;
        for (std::int64_t q = q0; q < q1; ++q) {
            blocks.clear();
            visits(q, blocks);
            for (const std::int64_t blk : blocks) pairs.emplace_back(blk, q);
        }
        std::sort(pairs.begin(), pairs.end());
        std::vector<T> rows(static_cast<std::size_t>(kSubBlock * d));
        std::vector<T> tile(static_cast<std::size_t>(kSubBlock * max_block));
        std::int64_t queries[kSubBlock];
        for (std::size_t p = 0; p < pairs.size();) {
            const std::int64_t blk = pairs[p].first;
            const std::int64_t m = b.size(blk);
            const std::int64_t* ids = b.ids.data() + b.start[blk];
            std::int64_t count = 0;
            while (p < pairs.size() && pairs[p].first == blk && count < kSubBlock) {
                const std::int64_t q = qids[pairs[p].second];
                queries[count] = q;
                std::copy(x + q * d, x + q * d + d, rows.begin() + count * d);
                ++count;
                ++p;
            }
            if (m == 0) continue;
            kk.scores(rows.data(), count, b.packed[static_cast<std::size_t>(blk)], tile.data(), m);
            for (std::int64_t r = 0; r < count; ++r) {
                const std::int64_t q = queries[r];
                T* ts = top_s + q * k;
                std::int64_t* ti = top_id + q * k;
                scan_row(tile.data() + r * m, m, ids, q, exclude_self, ts, ti, k);
            }
        }
    });
    stop.check();
}

/// Candidates kept per query beyond k: the float scores order near-ties by their rounding, so a
/// few more are kept and the float64 distances decide (ties of those by the smaller index).
inline std::int64_t kept_for(std::int64_t k, std::int64_t n) { return std::min(n - 1, k + 2 + k / 8); }

/// The k best of the `kept` candidates of every row (ids found[i * kept ..]), by distance
/// recomputed in float64 from the rows (Euclidean: ‖q − c‖; cosine: 1 − <q, c>), then index.
template <class T>
void finish(const T* x, std::int64_t n, std::int64_t d, std::int64_t kept, const std::int64_t* candidates,
            std::int64_t k, bool cosine, std::int64_t* indices, T* distances, int n_jobs, const StopToken& stop) {
    const std::int64_t per_item = 4096;
    const std::int64_t n_items = (n + per_item - 1) / per_item;
    parallel_for(static_cast<std::size_t>(n_items), n_jobs, [&](std::size_t item) {
        stop.check();
        std::vector<std::pair<double, std::int64_t>> found(static_cast<std::size_t>(kept));
        const std::int64_t r0 = static_cast<std::int64_t>(item) * per_item, r1 = std::min(n, r0 + per_item);
        for (std::int64_t i = r0; i < r1; ++i) {
            const T* q = x + i * d;
            for (std::int64_t j = 0; j < kept; ++j) {
                const std::int64_t id = candidates[i * kept + j];
                const T* c = x + id * d;
                double value = 0.0;
                if (cosine) {
                    for (std::int64_t t = 0; t < d; ++t) value += static_cast<double>(q[t]) * static_cast<double>(c[t]);
                    value = 1.0 - value;
                } else {
                    for (std::int64_t t = 0; t < d; ++t) {
                        const double diff = static_cast<double>(q[t]) - static_cast<double>(c[t]);
                        value += diff * diff;
                    }
                    value = std::sqrt(value);
                }
                found[j] = {value, id};
            }
            std::sort(found.begin(), found.end());
            for (std::int64_t j = 0; j < k; ++j) {
                indices[i * k + j] = found[j].second;
                distances[i * k + j] = static_cast<T>(found[j].first);
            }
        }
    });
}

template <class T>
void check_problem(const T* x, std::int64_t n, std::int64_t d, std::int64_t k) {
    require(x != nullptr || n == 0, "X: no data");
    require(d >= 1, "X: expected at least one feature");
    require(n >= 2, "X: at least 2 rows are needed to have a neighbour");
    require(k >= 1 && k < n, "n_neighbors must be in [1, n_samples - 1], got " + std::to_string(k));
}

}  // namespace

template <class T>
void knn_exact(const T* x, std::int64_t n, std::int64_t d, std::int64_t k, Metric metric, std::int64_t* indices,
               T* distances, int n_jobs, const StopToken& stop) {
    check_problem(x, n, d, k);
    const auto& kk = kernels_of<T>(kmeans_kernels_for_cpu());
    const bool cosine = metric == Metric::cosine;
    std::vector<std::int64_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), std::int64_t{0});
    std::vector<std::int64_t> list_blocks;
    const Blocks<T> b = make_blocks(kk, x, d, order, {0, n}, !cosine, list_blocks, n_jobs, stop);
    const std::int64_t n_blocks = list_blocks[1];
    const std::int64_t kept = kept_for(k, n);
    std::vector<T> scores(static_cast<std::size_t>(n * kept));
    std::vector<std::int64_t> candidates(static_cast<std::size_t>(n * kept));
    search(kk, x, d, order.data(), n, b, kept, true,
           [&](std::int64_t, std::vector<std::int64_t>& out) {
               for (std::int64_t blk = 0; blk < n_blocks; ++blk) out.push_back(blk);
           },
           scores.data(), candidates.data(), n_jobs, stop);
    finish(x, n, d, kept, candidates.data(), k, cosine, indices, distances, n_jobs, stop);
}

template <class T>
void knn_ivf(const T* x, std::int64_t n, std::int64_t d, std::int64_t k, Metric metric, const T* centres,
             std::int64_t n_lists, std::int64_t n_probe, std::int64_t* indices, T* distances, std::int32_t* list_of,
             int n_jobs, const StopToken& stop) {
    check_problem(x, n, d, k);
    require(centres != nullptr && n_lists >= 1 && n_lists < (std::int64_t{1} << 31),
            "n_lists must be in [1, 2**31 - 1]");
    require(n_probe >= 1 && n_probe <= n_lists, "n_probe must be in [1, n_lists], got " + std::to_string(n_probe));
    for (std::int64_t i = 0; i < n_lists * d; ++i) require(std::isfinite(centres[i]), "centres must be finite");
    const auto& kk = kernels_of<T>(kmeans_kernels_for_cpu());
    const bool cosine = metric == Metric::cosine;

    // 1. The nearest lists of every row, nearest first: the same search over the centres.
    const std::int64_t n_ranked = std::min(n_lists, 2 * n_probe);
    std::vector<std::int64_t> rows(static_cast<std::size_t>(n));
    std::iota(rows.begin(), rows.end(), std::int64_t{0});
    std::vector<std::int64_t> ranked(static_cast<std::size_t>(n * n_ranked));
    {
        std::vector<std::int64_t> centre_ids(static_cast<std::size_t>(n_lists)), list_blocks;
        std::iota(centre_ids.begin(), centre_ids.end(), std::int64_t{0});
        const Blocks<T> cb = make_blocks(kk, centres, d, centre_ids, {0, n_lists}, !cosine, list_blocks, n_jobs, stop);
        const std::int64_t n_blocks = list_blocks[1];
        std::vector<T> scores(static_cast<std::size_t>(n * n_ranked));
        // The queries are rows of x, the candidates rows of the centres: search reads queries from
        // x and candidates only through the packed blocks.
        search(kk, x, d, rows.data(), n, cb, n_ranked, false,
               [&](std::int64_t, std::vector<std::int64_t>& out) {
                   for (std::int64_t blk = 0; blk < n_blocks; ++blk) out.push_back(blk);
               },
               scores.data(), ranked.data(), n_jobs, stop);
    }

    // 2. Rows by list (counting sort, rows in order within a list), packed in blocks.
    std::vector<std::int64_t> list_start(static_cast<std::size_t>(n_lists + 1), 0);
    for (std::int64_t i = 0; i < n; ++i) ++list_start[ranked[i * n_ranked] + 1];
    for (std::int64_t l = 0; l < n_lists; ++l) list_start[l + 1] += list_start[l];
    std::vector<std::int64_t> order(static_cast<std::size_t>(n));
    {
        std::vector<std::int64_t> fill(list_start.begin(), list_start.end() - 1);
        for (std::int64_t i = 0; i < n; ++i) order[fill[ranked[i * n_ranked]]++] = i;
    }
    if (list_of)
        for (std::int64_t i = 0; i < n; ++i) list_of[i] = static_cast<std::int32_t>(ranked[i * n_ranked]);
    std::vector<std::int64_t> list_blocks;
    const Blocks<T> b = make_blocks(kk, x, d, order, list_start, !cosine, list_blocks, n_jobs, stop);
    const std::int64_t n_blocks = list_blocks[n_lists];

    // 3. The lists each row probes: its n_probe nearest, more while they hold fewer than `kept`
    // other rows, all lists if the ranked ones do not suffice. Inverted: the rows probing each list.
    const std::int64_t kept = kept_for(k, n);
    std::vector<std::int64_t> n_probed(static_cast<std::size_t>(n));
    for (std::int64_t q = 0; q < n; ++q) {
        std::int64_t found = -1;  // the row's own list holds the row
        std::int64_t p = 0;
        for (; p < n_ranked && (p < n_probe || found < kept); ++p) {
            const std::int64_t l = ranked[q * n_ranked + p];
            found += list_start[l + 1] - list_start[l];
        }
        n_probed[q] = found >= kept ? p : -1;  // -1: every list
    }
    // Every row's own (nearest) list is searched first, by the list's members (step 4a); the
    // inverted index below holds the other probes only (step 4b).
    std::vector<std::int64_t> probe_start(static_cast<std::size_t>(n_lists + 1), 0);
    for (std::int64_t q = 0; q < n; ++q) {
        const std::int64_t own = ranked[q * n_ranked];
        if (n_probed[q] < 0) {
            for (std::int64_t l = 0; l < n_lists; ++l)
                if (l != own) ++probe_start[l + 1];
        } else {
            for (std::int64_t p = 1; p < n_probed[q]; ++p) ++probe_start[ranked[q * n_ranked + p] + 1];
        }
    }
    for (std::int64_t l = 0; l < n_lists; ++l) probe_start[l + 1] += probe_start[l];
    std::vector<std::int64_t> probers(static_cast<std::size_t>(probe_start[n_lists]));
    {
        std::vector<std::int64_t> fill(probe_start.begin(), probe_start.end() - 1);
        for (std::int64_t q = 0; q < n; ++q) {
            const std::int64_t own = ranked[q * n_ranked];
            if (n_probed[q] < 0) {
                for (std::int64_t l = 0; l < n_lists; ++l)
                    if (l != own) probers[fill[l]++] = q;
            } else {
                for (std::int64_t p = 1; p < n_probed[q]; ++p) probers[fill[ranked[q * n_ranked + p]]++] = q;
            }
        }
    }
    std::vector<std::int64_t>().swap(ranked);

    // 4. List by list (the work items): the rows probing the list against its blocks, which stay
    // in cache while every prober passes; each row's top of the list is then merged into its
    // global top under a lock. The top-k of a total order does not depend on the order of the
    // merges, so the result is the same for every n_jobs and schedule.
    std::vector<T> scores(static_cast<std::size_t>(n * kept), -std::numeric_limits<T>::infinity());
    std::vector<std::int64_t> candidates(static_cast<std::size_t>(n * kept), std::numeric_limits<std::int64_t>::max());
    constexpr std::size_t kLocks = 4096;
    std::unique_ptr<std::mutex[]> locks(new std::mutex[kLocks]);
    std::int64_t max_block = 0;
    for (std::int64_t blk = 0; blk < n_blocks; ++blk) max_block = std::max(max_block, b.size(blk));
    // One list against the rows qs[0 .. nq) that probe it.
    auto search_list = [&](std::int64_t l, const std::int64_t* qs, std::int64_t nq) {
        if (nq == 0 || list_start[l + 1] == list_start[l]) return;
        // Each prober's local top starts as `kept` copies of its global k-th candidate so far (read
        // under the lock): what ranks below it cannot reach the final top, so it is never offered.
        // Any such bound gives the same final top, so the result still does not depend on the
        // schedule; the copies themselves stop the merge below (they are not before the global).
        std::vector<T> local_s(static_cast<std::size_t>(nq * kept));
        std::vector<std::int64_t> local_id(static_cast<std::size_t>(nq * kept));
        for (std::int64_t r = 0; r < nq; ++r) {
            const std::int64_t q = qs[r];
            T bound_s;
            std::int64_t bound_id;
            {
                std::lock_guard<std::mutex> guard(locks[static_cast<std::size_t>(q) % kLocks]);
                bound_s = scores[static_cast<std::size_t>(q * kept + kept - 1)];
                bound_id = candidates[static_cast<std::size_t>(q * kept + kept - 1)];
            }
            std::fill(local_s.begin() + r * kept, local_s.begin() + (r + 1) * kept, bound_s);
            std::fill(local_id.begin() + r * kept, local_id.begin() + (r + 1) * kept, bound_id);
        }
        std::vector<T> rows(static_cast<std::size_t>(kSubBlock * d));
        std::vector<T> tile(static_cast<std::size_t>(kSubBlock * max_block));
        for (std::int64_t blk = list_blocks[l]; blk < list_blocks[l + 1]; ++blk) {
            const std::int64_t m = b.size(blk);
            const std::int64_t* ids = b.ids.data() + b.start[blk];
            for (std::int64_t s0 = 0; s0 < nq; s0 += kSubBlock) {
                const std::int64_t count = std::min(kSubBlock, nq - s0);
                for (std::int64_t r = 0; r < count; ++r)
                    std::copy(x + qs[s0 + r] * d, x + qs[s0 + r] * d + d, rows.begin() + r * d);
                kk.scores(rows.data(), count, b.packed[static_cast<std::size_t>(blk)], tile.data(), m);
                for (std::int64_t r = 0; r < count; ++r)
                    scan_row(tile.data() + r * m, m, ids, qs[s0 + r], true, local_s.data() + (s0 + r) * kept,
                             local_id.data() + (s0 + r) * kept, kept);
            }
        }
        for (std::int64_t r = 0; r < nq; ++r) {
            const std::int64_t q = qs[r];
            std::lock_guard<std::mutex> guard(locks[static_cast<std::size_t>(q) % kLocks]);
            T* ts = scores.data() + q * kept;
            std::int64_t* ti = candidates.data() + q * kept;
            for (std::int64_t j = 0; j < kept; ++j) {
                const T sc = local_s[r * kept + j];
                const std::int64_t id = local_id[r * kept + j];
                if (!before(sc, id, ts[kept - 1], ti[kept - 1])) break;  // the rest of the local top is worse
                offer(ts, ti, kept, sc, id);
            }
        }
    };
    // Work items by decreasing work, so that the long ones do not come last.
    auto by_work = [&](auto&& probes_of) {
        std::vector<std::int64_t> items(static_cast<std::size_t>(n_lists));
        std::iota(items.begin(), items.end(), std::int64_t{0});
        std::stable_sort(items.begin(), items.end(), [&](std::int64_t a, std::int64_t c) {
            return (list_start[a + 1] - list_start[a]) * probes_of(a) > (list_start[c + 1] - list_start[c]) * probes_of(c);
        });
        return items;
    };
    // 4a. Every list against its own members: most of a row's neighbours are there, so its top
    // is nearly final before 4b, whose lists then mostly fail the bound at the vector test.
    const auto own_items = by_work([&](std::int64_t l) { return list_start[l + 1] - list_start[l]; });
    parallel_for(static_cast<std::size_t>(n_lists), n_jobs, [&](std::size_t item) {
        stop.check();
        const std::int64_t l = own_items[item];
        search_list(l, order.data() + list_start[l], list_start[l + 1] - list_start[l]);
    });
    stop.check();
    // 4b. The other probed lists.
    const auto other_items = by_work([&](std::int64_t l) { return probe_start[l + 1] - probe_start[l]; });
    parallel_for(static_cast<std::size_t>(n_lists), n_jobs, [&](std::size_t item) {
        stop.check();
        const std::int64_t l = other_items[item];
        search_list(l, probers.data() + probe_start[l], probe_start[l + 1] - probe_start[l]);
    });
    stop.check();
    finish(x, n, d, kept, candidates.data(), k, cosine, indices, distances, n_jobs, stop);
}

#define UNSUP_KNN_INSTANTIATE(T)                                                                                  \
    template void knn_exact<T>(const T*, std::int64_t, std::int64_t, std::int64_t, Metric, std::int64_t*, T*, int, \
                               const StopToken&);                                                                 \
    template void knn_ivf<T>(const T*, std::int64_t, std::int64_t, std::int64_t, Metric, const T*, std::int64_t,   \
                             std::int64_t, std::int64_t*, T*, std::int32_t*, int, const StopToken&);
UNSUP_KNN_INSTANTIATE(float)
UNSUP_KNN_INSTANTIATE(double)
#undef UNSUP_KNN_INSTANTIATE

}  // namespace unsup::cluster
