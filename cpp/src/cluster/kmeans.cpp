// K-means passes: the rows are cut into chunks, chunks run on the threads, and each chunk's sums
// are reduced in chunk order (see kmeans.hpp for why that makes the results thread-independent).
#include "unsup/cluster/kmeans.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "kmeans_kernels.hpp"
#include "unsup/parallel.hpp"

namespace unsup::cluster {

template <class T>
void Rows<T>::validate(const char* name) const {
    const std::string arg(name);
    require(n >= 0 && d >= 1, arg + ": expected at least one feature");
    require(d < (std::int64_t{1} << 31), arg + ": at most 2**31 - 1 features are supported");
    if (!sparse()) return;
    require(indptr != nullptr && (n == 0 || (indices != nullptr && csr_data != nullptr)),
            arg + ": CSR buffers missing");
    require(indptr[0] == 0, arg + ": indptr[0] must be 0");
    for (std::int64_t r = 0; r < n; ++r) require(indptr[r] <= indptr[r + 1], arg + ": indptr must be non-decreasing");
    const std::int64_t nnz = indptr[n];
    for (std::int64_t e = 0; e < nnz; ++e)
        require(indices[e] >= 0 && indices[e] < d, arg + ": column index out of range");
}

template <class T>
std::int64_t chunk_rows(std::int64_t d) {
    // About 256 KB of dense rows (they stay in L2 between the assignment and the sums), a
    // multiple of 48 (every micro-kernel's row tile divides it).
    const std::int64_t bytes = std::max<std::int64_t>(1, d) * static_cast<std::int64_t>(sizeof(T));
    return std::max<std::int64_t>(48, (std::int64_t{256} * 1024 / bytes) / 48 * 48);
}

namespace {

/// Chunks reduced per round: each of them needs a k × d buffer of sums, so the count is capped
/// at about 2% of the data's size (and between 2 and 16). It depends on the data only, never on
/// n_jobs, so the order of the additions is the same for every thread count.
std::int64_t chunks_per_round(std::int64_t n, std::int64_t d, std::int64_t k, std::size_t value_size) {
    const double data_bytes = static_cast<double>(n) * static_cast<double>(d) * static_cast<double>(value_size);
    const double buffer_bytes = static_cast<double>(k) * static_cast<double>(d + 1) * 8.0;
    const double fit = std::floor(0.02 * data_bytes / buffer_bytes);
    return static_cast<std::int64_t>(std::clamp(fit, 2.0, 16.0));
}

/// The chunked sums of a pass: calls fn(slot, r0, r1, chunk_sums, chunk_weights) for every chunk
/// of `rows_per_chunk` rows, in rounds of `per_round` chunks run on the threads, each chunk filling
/// buffers of its own (k × d sums then k weights, zeroed); after a round the buffers are added
/// into `sums` and `cluster_weights` (overwritten) in chunk order, and done(slot) folds the
/// caller's per-slot figures in the same order. Polls `stop` between rounds.
template <class Fn, class Done>
void sums_in_rounds(std::int64_t n, std::int64_t d, std::int64_t k, std::int64_t rows_per_chunk, std::int64_t per_round,
                    double* sums, double* cluster_weights, int n_jobs, const StopToken& stop, Fn&& fn, Done&& done) {
    const std::int64_t stride = k * (d + 1);
    std::vector<double> buffers(static_cast<std::size_t>(per_round * stride));
    std::fill(sums, sums + k * d, 0.0);
    std::fill(cluster_weights, cluster_weights + k, 0.0);
    const std::int64_t n_chunks = (n + rows_per_chunk - 1) / rows_per_chunk;
    for (std::int64_t first = 0; first < n_chunks; first += per_round) {
        stop.check();
        const std::int64_t count = std::min(per_round, n_chunks - first);
        parallel_for(static_cast<std::size_t>(count), n_jobs, [&](std::size_t slot) {
            const std::int64_t r0 = (first + static_cast<std::int64_t>(slot)) * rows_per_chunk;
            double* chunk_sums = buffers.data() + static_cast<std::int64_t>(slot) * stride;
            std::fill(chunk_sums, chunk_sums + stride, 0.0);
            fn(static_cast<std::int64_t>(slot), r0, std::min(n, r0 + rows_per_chunk), chunk_sums, chunk_sums + k * d);
        });
        for (std::int64_t slot = 0; slot < count; ++slot) {
            const double* chunk_sums = buffers.data() + slot * stride;
            for (std::int64_t i = 0; i < k * d; ++i) sums[i] += chunk_sums[i];
            for (std::int64_t j = 0; j < k; ++j) cluster_weights[j] += chunk_sums[k * d + j];
            done(slot);
        }
    }
    stop.check();
}

/// Best centres of rows [r0, r1) of x (dense or CSR).
template <class T>
void best_of(const KMeansKernels<T>& kk, const Rows<T>& x, std::int64_t r0, std::int64_t r1,
             const PackedCentres<T>& packed, std::int32_t* labels, T* scores) {
    if (x.sparse())
        kk.best_csr(x.indptr, x.indices, x.csr_data, r0, r1, packed, labels, scores);
    else
        kk.best(x.dense + r0 * x.d, r1 - r0, packed, labels, scores, nullptr);
}

template <class T>
void scores_of(const KMeansKernels<T>& kk, const Rows<T>& x, std::int64_t r0, std::int64_t r1,
               const PackedCentres<T>& packed, T* out, std::int64_t ld) {
    if (x.sparse())
        kk.scores_csr(x.indptr, x.indices, x.csr_data, r0, r1, packed, out, ld);
    else
        kk.scores(x.dense + r0 * x.d, r1 - r0, packed, out, ld);
}

/// Row norms of rows [r0, r1): squared (Euclidean) or plain (cosine).
template <class T>
void norms_of(const Rows<T>& x, std::int64_t r0, std::int64_t r1, bool cosine, double* out) {
    if (!x.sparse()) {
        kernels_of<T>(kmeans_kernels_for_cpu()).squared_norms(x.dense + r0 * x.d, r1 - r0, x.d, out);
    } else {
        for (std::int64_t r = r0; r < r1; ++r) {
            double sq = 0.0;
            for (std::int64_t e = x.indptr[r]; e < x.indptr[r + 1]; ++e)
                sq += static_cast<double>(x.csr_data[e]) * x.csr_data[e];
            out[r - r0] = sq;
        }
    }
    if (cosine)
        for (std::int64_t r = r0; r < r1; ++r) out[r - r0] = std::sqrt(out[r - r0]);
}

/// The distance of a row from its score: ‖x‖² − 2s (Euclidean, never below 0) or 1 − s/‖x‖.
inline double distance_from_score(double norm, double score, bool cosine) {
    if (cosine) return norm > 0.0 ? std::max(0.0, 1.0 - score / norm) : 1.0;
    return std::max(0.0, norm - 2.0 * score);
}

/// Rows [r0, r1) under Hamerly's bounds: a row whose exact distance to its previous centre is
/// within its bound keeps that centre (own[i] = the squared distance); the others are gathered and
/// scanned in full, and their bound reset from the second-best score (own[i] = −1, score[i] its
/// best score). Returns the number of rows scanned.
template <class T>
std::int64_t bounded_assign(const KMeansKernels<T>& kk, const Rows<T>& x, std::int64_t r0, std::int64_t r1,
                            const T* centres, const PackedCentres<T>& packed, const HamerlyBounds& bounds,
                            const std::int32_t* previous, double rounding, double max_centre_sq,
                            std::int32_t* best, T* score, std::vector<double>& own) {
    const std::int64_t m = r1 - r0, d = x.d;
    const T* rows = x.dense + r0 * d;
    own.assign(static_cast<std::size_t>(m), -1.0);
    std::vector<std::int32_t> kept(static_cast<std::size_t>(m));
    for (std::int64_t i = 0; i < m; ++i) kept[i] = std::max(previous[r0 + i], 0);
    std::vector<double> exact(static_cast<std::size_t>(m));
    kk.own_distances(rows, m, d, centres, kept.data(), exact.data());
    std::vector<std::int64_t> scan;
    for (std::int64_t i = 0; i < m; ++i) {
        const std::int32_t a = previous[r0 + i];
        float& lower = bounds.lower[r0 + i];
        if (a >= 0) {
            lower = static_cast<float>(static_cast<double>(lower) - bounds.drop[a]);
            const double bound = std::max(bounds.radius[a], static_cast<double>(lower));
            // ‖x − c_a‖² in T has a relative error of a few d·ε: keep a margin of the same size.
            if (std::sqrt(exact[i] * (1.0 + rounding)) < bound) {
                best[i] = a;
                own[i] = exact[i];
                continue;
            }
        }
        scan.push_back(i);
    }
    if (scan.empty()) return 0;
    const std::int64_t s = static_cast<std::int64_t>(scan.size());
    std::vector<T> block(static_cast<std::size_t>(s * d)), top(static_cast<std::size_t>(s)), second(static_cast<std::size_t>(s));
    std::vector<std::int32_t> label(static_cast<std::size_t>(s));
    for (std::int64_t q = 0; q < s; ++q) std::copy(rows + scan[q] * d, rows + scan[q] * d + d, block.begin() + q * d);
    kk.best(block.data(), s, packed, label.data(), top.data(), second.data());
    std::vector<double> norms(static_cast<std::size_t>(s));
    kk.squared_norms(block.data(), s, d, norms.data());
    for (std::int64_t q = 0; q < s; ++q) {
        const std::int64_t i = scan[q];
        const double sq = norms[q];
        best[i] = label[q];
        score[i] = top[q];
        // Second-nearest squared distance ‖x‖² − 2 s₂, less its rounding margin (−∞ when k = 1).
        const double second_sq = sq - 2.0 * static_cast<double>(second[q]) - rounding * (sq + max_centre_sq);
        bounds.lower[r0 + i] = static_cast<float>(second_sq > 0.0 ? std::sqrt(second_sq) * (1.0 - 1e-6) : 0.0);
    }
    return s;
}

template <class T>
void check_centres(const T* centres, std::int64_t k, std::int64_t d) {
    require(k >= 1, "n_clusters must be at least 1");
    require(k < (std::int64_t{1} << 31), "n_clusters must be below 2**31");
    for (std::int64_t i = 0; i < k * d; ++i) require(std::isfinite(centres[i]), "centres must be finite");
}

}  // namespace

template <class T>
LloydPass lloyd_pass(const Rows<T>& x, const T* weights, const T* centres, std::int64_t k, Metric metric,
                     std::int32_t* labels, double* sums, double* cluster_weights, const HamerlyBounds* bounds,
                     int n_jobs, const StopToken& stop) {
    x.validate("X");
    check_centres(centres, k, x.d);
    const bool cosine = metric == Metric::cosine;
    require(bounds == nullptr || (!cosine && !x.sparse() && bounds->lower && bounds->drop && bounds->radius),
            "bounds: only for dense rows and the Euclidean metric, with lower, drop and radius");
    if (bounds)
        for (std::int64_t i = 0; i < x.n; ++i)
            require(labels[i] >= -1 && labels[i] < k, "labels: a previous label is out of range");
    // Scores come from float dot products: a bound keeps a margin of a few roundings of ‖x‖² + ‖c‖².
    double max_centre_sq = 0.0;
    for (std::int64_t j = 0; j < k; ++j) {
        double sq = 0.0;
        for (std::int64_t t = 0; t < x.d; ++t) sq += static_cast<double>(centres[j * x.d + t]) * centres[j * x.d + t];
        max_centre_sq = std::max(max_centre_sq, sq);
    }
    const double rounding = 8.0 * static_cast<double>(x.d) * std::numeric_limits<T>::epsilon();
    const auto& kk = kernels_of<T>(kmeans_kernels_for_cpu());
    PackedCentres<T> packed;
    kk.pack(centres, k, x.d, !cosine, packed);
    const std::int64_t d = x.d, per_round = chunks_per_round(x.n, d, k, sizeof(T));
    std::vector<double> objective(static_cast<std::size_t>(per_round));
    std::vector<std::int64_t> changed(static_cast<std::size_t>(per_round)), scanned(static_cast<std::size_t>(per_round));
    LloydPass out;
    sums_in_rounds(
        x.n, d, k, chunk_rows<T>(d), per_round, sums, cluster_weights, n_jobs, stop,
        [&](std::int64_t slot, std::int64_t r0, std::int64_t r1, double* chunk_sums, double* chunk_weights) {
            const std::int64_t m = r1 - r0;
            std::vector<std::int32_t> best(static_cast<std::size_t>(m));
            std::vector<T> score(static_cast<std::size_t>(m));
            std::vector<double> norm(static_cast<std::size_t>(m));
            std::vector<double> own;  // with bounds: exact squared distance of kept rows, else −1
            if (bounds)
                scanned[static_cast<std::size_t>(slot)] =
                    bounded_assign(kk, x, r0, r1, centres, packed, *bounds, labels, rounding, max_centre_sq,
                                   best.data(), score.data(), own);
            else
                best_of(kk, x, r0, r1, packed, best.data(), score.data());
            const T* w = weights ? weights + r0 : nullptr;
            if (cosine) {  // a row of zero norm has no direction: no cluster
                norms_of(x, r0, r1, true, norm.data());
                for (std::int64_t i = 0; i < m; ++i)
                    if (!(norm[i] > 0.0)) best[i] = -1;
            }
            if (x.sparse())
                kk.accumulate_csr(x.indptr, x.indices, x.csr_data, r0, r1, d, best.data(), w, cosine, chunk_sums,
                                  chunk_weights, norm.data());
            else
                kk.accumulate(x.dense + r0 * d, m, d, best.data(), w, cosine, chunk_sums, chunk_weights, norm.data());
            double obj = 0.0;
            std::int64_t moved = 0;
            for (std::int64_t i = 0; i < m; ++i) {
                const double dist = !own.empty() && own[i] >= 0.0 ? own[i] : distance_from_score(norm[i], score[i], cosine);
                if (best[i] >= 0) obj += (w ? static_cast<double>(w[i]) : 1.0) * dist;
                moved += labels[r0 + i] != best[i];
                labels[r0 + i] = best[i];
            }
            objective[static_cast<std::size_t>(slot)] = obj;
            changed[static_cast<std::size_t>(slot)] = moved;
        },
        [&](std::int64_t slot) {
            out.objective += objective[static_cast<std::size_t>(slot)];
            out.n_changed += changed[static_cast<std::size_t>(slot)];
            out.n_scanned += bounds ? scanned[static_cast<std::size_t>(slot)] : 0;
        });
    if (!bounds) out.n_scanned = x.n;
    return out;
}

template <class T>
void nearest_centres(const Rows<T>& x, const std::int64_t* rows, std::int64_t n_rows, const T* centres,
                     std::int64_t k, Metric metric, std::int32_t* labels, T* distances, int n_jobs,
                     const StopToken& stop) {
    x.validate("X");
    check_centres(centres, k, x.d);
    if (rows)
        for (std::int64_t i = 0; i < n_rows; ++i) require(rows[i] >= 0 && rows[i] < x.n, "rows: index out of range");
    else
        require(n_rows == x.n, "n_rows must equal the number of rows of X");
    const bool cosine = metric == Metric::cosine;
    const auto& kk = kernels_of<T>(kmeans_kernels_for_cpu());
    PackedCentres<T> packed;
    kk.pack(centres, k, x.d, !cosine, packed);
    const std::int64_t d = x.d, per_chunk = chunk_rows<T>(d);
    const std::int64_t n_chunks = (n_rows + per_chunk - 1) / per_chunk;
    // Each row's answer depends on that row alone: any schedule gives the same output.
    parallel_for(static_cast<std::size_t>(n_chunks), n_jobs, [&](std::size_t chunk) {
        if (chunk % 16 == 0) stop.check();
        const std::int64_t i0 = static_cast<std::int64_t>(chunk) * per_chunk, i1 = std::min(n_rows, i0 + per_chunk);
        const std::int64_t m = i1 - i0;
        std::vector<T> score(static_cast<std::size_t>(m));
        std::vector<double> norm(static_cast<std::size_t>(m));
        if (!rows) {
            best_of(kk, x, i0, i1, packed, labels + i0, score.data());
            norms_of(x, i0, i1, cosine, norm.data());
        } else if (!x.sparse()) {  // gathered into a contiguous block for the tiled kernel
            std::vector<T> block(static_cast<std::size_t>(m * d));
            for (std::int64_t i = 0; i < m; ++i)
                std::copy(x.dense + rows[i0 + i] * d, x.dense + rows[i0 + i] * d + d, block.begin() + i * d);
            const Rows<T> gathered{m, d, block.data()};
            kk.best(block.data(), m, packed, labels + i0, score.data(), nullptr);
            norms_of(gathered, 0, m, cosine, norm.data());
        } else {
            for (std::int64_t i = i0; i < i1; ++i) {
                best_of(kk, x, rows[i], rows[i] + 1, packed, labels + i, score.data() + (i - i0));
                norms_of(x, rows[i], rows[i] + 1, cosine, norm.data() + (i - i0));
            }
        }
        for (std::int64_t i = 0; i < m; ++i) {
            distances[i0 + i] = static_cast<T>(distance_from_score(norm[i], score[i], cosine));
            if (cosine && !(norm[i] > 0.0)) labels[i0 + i] = -1;
        }
    });
    stop.check();
}

template <class T>
void all_distances(const Rows<T>& x, const T* centres, std::int64_t k, Metric metric, T* out, int n_jobs,
                   const StopToken& stop) {
    x.validate("X");
    check_centres(centres, k, x.d);
    const bool cosine = metric == Metric::cosine;
    const auto& kk = kernels_of<T>(kmeans_kernels_for_cpu());
    PackedCentres<T> packed;
    kk.pack(centres, k, x.d, !cosine, packed);
    const std::int64_t per_chunk = chunk_rows<T>(x.d), n_chunks = (x.n + per_chunk - 1) / per_chunk;
    parallel_for(static_cast<std::size_t>(n_chunks), n_jobs, [&](std::size_t chunk) {
        if (chunk % 16 == 0) stop.check();
        const std::int64_t r0 = static_cast<std::int64_t>(chunk) * per_chunk, r1 = std::min(x.n, r0 + per_chunk);
        scores_of(kk, x, r0, r1, packed, out + r0 * k, k);
        std::vector<double> norm(static_cast<std::size_t>(r1 - r0));
        norms_of(x, r0, r1, cosine, norm.data());
        for (std::int64_t r = r0; r < r1; ++r)
            for (std::int64_t j = 0; j < k; ++j)
                out[r * k + j] = static_cast<T>(distance_from_score(norm[r - r0], out[r * k + j], cosine));
    });
    stop.check();
}

template <class T>
double soft_spherical_pass(const Rows<T>& x, const T* weights, const T* centres, std::int64_t k, double kappa,
                           double* sums, double* cluster_weights, T* responsibilities, int n_jobs,
                           const StopToken& stop) {
    x.validate("X");
    check_centres(centres, k, x.d);
    require(std::isfinite(kappa) && kappa > 0.0, "kappa (1 / temperature) must be positive and finite");
    const auto& kk = kernels_of<T>(kmeans_kernels_for_cpu());
    PackedCentres<T> packed;
    kk.pack(centres, k, x.d, false, packed);
    const std::int64_t d = x.d, per_round = chunks_per_round(x.n, d, k, sizeof(T));
    std::vector<double> objective(static_cast<std::size_t>(per_round));
    double total = 0.0;
    sums_in_rounds(
        x.n, d, k, chunk_rows<T>(d), per_round, sums, cluster_weights, n_jobs, stop,
        [&](std::int64_t slot, std::int64_t r0, std::int64_t r1, double* chunk_sums, double* chunk_weights) {
            const std::int64_t m = r1 - r0;
            std::vector<T> score(static_cast<std::size_t>(m * k));
            std::vector<double> norm(static_cast<std::size_t>(m)), c(static_cast<std::size_t>(k));
            scores_of(kk, x, r0, r1, packed, score.data(), k);
            norms_of(x, r0, r1, true, norm.data());
            double obj = 0.0;
            for (std::int64_t i = 0; i < m; ++i) {
                const double w = weights ? static_cast<double>(weights[r0 + i]) : 1.0;
                const double nrm = norm[i];
                if (!(nrm > 0.0)) {  // no direction: no responsibility anywhere
                    if (responsibilities) std::fill(responsibilities + (r0 + i) * k, responsibilities + (r0 + i + 1) * k, T(0));
                    continue;
                }
                double top = -HUGE_VAL;
                for (std::int64_t j = 0; j < k; ++j) {
                    c[j] = kappa * static_cast<double>(score[i * k + j]) / nrm;
                    top = std::max(top, c[j]);
                }
                double z = 0.0;
                for (std::int64_t j = 0; j < k; ++j) z += (c[j] = std::exp(c[j] - top));
                obj += w * (top + std::log(z)) / kappa;
                const double scale = w / (z * nrm);
                for (std::int64_t j = 0; j < k; ++j) {
                    const double cij = c[j] / z;
                    if (responsibilities) responsibilities[(r0 + i) * k + j] = static_cast<T>(cij);
                    chunk_weights[j] += w * cij;
                    const double s = scale * c[j];
                    double* sum = chunk_sums + j * d;
                    const std::int64_t r = r0 + i;
                    if (x.sparse()) {
                        for (std::int64_t e = x.indptr[r]; e < x.indptr[r + 1]; ++e)
                            sum[x.indices[e]] += s * static_cast<double>(x.csr_data[e]);
                    } else {
                        const T* row = x.dense + r * d;
                        for (std::int64_t t = 0; t < d; ++t) sum[t] += s * static_cast<double>(row[t]);
                    }
                }
            }
            objective[static_cast<std::size_t>(slot)] = obj;
        },
        [&](std::int64_t slot) {
            total += objective[static_cast<std::size_t>(slot)];
        });
    return total;
}

template <class T>
void farthest_rows(const Rows<T>& x, const T* centres, std::int64_t k, Metric metric, const std::int32_t* labels,
                   std::int64_t count, std::vector<std::int64_t>& rows, std::vector<double>& distances, int n_jobs,
                   const StopToken& stop) {
    x.validate("X");
    check_centres(centres, k, x.d);
    for (std::int64_t i = 0; i < x.n; ++i) require(labels[i] >= -1 && labels[i] < k, "labels: out of range");
    count = std::clamp<std::int64_t>(count, 0, x.n);
    const bool cosine = metric == Metric::cosine;
    const auto& kk = kernels_of<T>(kmeans_kernels_for_cpu());
    const std::int64_t d = x.d, per_chunk = chunk_rows<T>(d), n_chunks = (x.n + per_chunk - 1) / per_chunk;
    using Entry = std::pair<double, std::int64_t>;
    // Larger distance first, then the smaller row index.
    const auto before = [](const Entry& a, const Entry& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); };
    std::vector<std::vector<Entry>> tops(static_cast<std::size_t>(n_chunks));
    parallel_for(static_cast<std::size_t>(n_chunks), n_jobs, [&](std::size_t chunk) {
        if (chunk % 16 == 0) stop.check();
        const std::int64_t r0 = static_cast<std::int64_t>(chunk) * per_chunk, r1 = std::min(x.n, r0 + per_chunk);
        const std::int64_t m = r1 - r0;
        std::vector<double> dist(static_cast<std::size_t>(m));
        if (!x.sparse() && !cosine) {
            std::vector<std::int32_t> own(labels + r0, labels + r1);
            for (auto& l : own) l = std::max(l, 0);
            kk.own_distances(x.dense + r0 * d, m, d, centres, own.data(), dist.data());
        } else {
            std::vector<double> norm(static_cast<std::size_t>(m));
            norms_of(x, r0, r1, cosine, norm.data());
            for (std::int64_t r = r0; r < r1; ++r) {
                const T* c = centres + static_cast<std::int64_t>(std::max(labels[r], 0)) * d;
                double dot = 0.0, cc = 0.0;
                if (x.sparse()) {
                    for (std::int64_t e = x.indptr[r]; e < x.indptr[r + 1]; ++e)
                        dot += static_cast<double>(x.csr_data[e]) * c[x.indices[e]];
                } else {
                    for (std::int64_t t = 0; t < d; ++t) dot += static_cast<double>(x.dense[r * d + t]) * c[t];
                }
                for (std::int64_t t = 0; t < d; ++t) cc += static_cast<double>(c[t]) * c[t];
                const double nrm = norm[r - r0];
                dist[r - r0] = cosine ? (nrm > 0.0 ? 1.0 - dot / (nrm * std::sqrt(cc)) : 0.0)
                                      : std::max(0.0, nrm - 2.0 * dot + cc);
            }
        }
        std::vector<Entry> entries;
        entries.reserve(static_cast<std::size_t>(m));
        for (std::int64_t i = 0; i < m; ++i)
            if (labels[r0 + i] >= 0) entries.emplace_back(dist[i], r0 + i);
        const std::size_t keep = std::min<std::size_t>(entries.size(), static_cast<std::size_t>(count));
        std::partial_sort(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(keep), entries.end(), before);
        entries.resize(keep);
        tops[chunk] = std::move(entries);
    });
    stop.check();
    std::vector<Entry> all;
    for (auto& t : tops) all.insert(all.end(), t.begin(), t.end());
    const std::size_t keep = std::min<std::size_t>(all.size(), static_cast<std::size_t>(count));
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(), before);
    rows.resize(keep);
    distances.resize(keep);
    for (std::size_t i = 0; i < keep; ++i) {
        distances[i] = all[i].first;
        rows[i] = all[i].second;
    }
}

#define UNSUP_KMEANS_INSTANTIATE(T)                                                                                 \
    template void Rows<T>::validate(const char*) const;                                                             \
    template std::int64_t chunk_rows<T>(std::int64_t);                                                              \
    template LloydPass lloyd_pass<T>(const Rows<T>&, const T*, const T*, std::int64_t, Metric, std::int32_t*,       \
                                     double*, double*, const HamerlyBounds*, int, const StopToken&);               \
    template void nearest_centres<T>(const Rows<T>&, const std::int64_t*, std::int64_t, const T*, std::int64_t,     \
                                     Metric, std::int32_t*, T*, int, const StopToken&);                             \
    template void all_distances<T>(const Rows<T>&, const T*, std::int64_t, Metric, T*, int, const StopToken&);      \
    template double soft_spherical_pass<T>(const Rows<T>&, const T*, const T*, std::int64_t, double, double*,       \
                                           double*, T*, int, const StopToken&);                                      \
    template void farthest_rows<T>(const Rows<T>&, const T*, std::int64_t, Metric, const std::int32_t*,             \
                                   std::int64_t, std::vector<std::int64_t>&, std::vector<double>&, int,            \
                                   const StopToken&);
UNSUP_KMEANS_INSTANTIATE(float)
UNSUP_KMEANS_INSTANTIATE(double)
#undef UNSUP_KMEANS_INSTANTIATE

}  // namespace unsup::cluster
