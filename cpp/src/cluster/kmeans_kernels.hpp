// The per-ISA inner loops of K-means (kmeans_kernels.inc), as a table of functions per value type.
// Private to cpp/src/cluster: kmeans.cpp cuts the work into chunks and calls these on each chunk.
#pragma once

#include <cstdint>
#include <vector>

#include "unsup/cluster/isa.hpp"

namespace unsup::cluster {

/// Centres laid out for the micro-kernel of one ISA: panels of `width` centres, each panel d rows
/// of `width` values (the j-th centre of the panel in column j), and per centre an offset added to
/// the dot product: −½‖c‖² (Euclidean), 0 (cosine), −∞ for the padding after the k-th centre.
/// Also the transposed layout for CSR rows: d rows of `k_padded` values.
template <class T>
struct PackedCentres {
    std::int64_t k = 0;
    std::int64_t d = 0;
    std::int64_t width = 0;
    std::int64_t n_panels = 0;
    std::vector<T> panels;
    std::vector<T> offsets;  // n_panels * width
};

template <class T>
struct KMeansKernels {
    /// Packs k × d centres (row-major) for the micro-kernel.
    void (*pack)(const T* centres, std::int64_t k, std::int64_t d, bool euclidean, PackedCentres<T>& out);
    /// For n contiguous rows (d values apart): the best centre and its score <x, c> + offset, and
    /// the second-best score when `second` is not null.
    void (*best)(const T* x, std::int64_t n, const PackedCentres<T>& c, std::int32_t* labels, T* scores, T* second);
    /// For n contiguous rows: all k scores into out (row i at out + i * ld).
    void (*scores)(const T* x, std::int64_t n, const PackedCentres<T>& c, T* out, std::int64_t ld);
    /// The same two for CSR rows [r0, r1) (64-bit row pointers, 32-bit columns).
    void (*best_csr)(const std::int64_t* indptr, const std::int32_t* indices, const T* data, std::int64_t r0,
                     std::int64_t r1, const PackedCentres<T>& c, std::int32_t* labels, T* scores);
    void (*scores_csr)(const std::int64_t* indptr, const std::int32_t* indices, const T* data, std::int64_t r0,
                       std::int64_t r1, const PackedCentres<T>& c, T* out, std::int64_t ld);
    /// sums[label_i] += w_i x_i (cosine: w_i x_i / ‖x_i‖), cluster_weights[label_i] += w_i for n
    /// contiguous rows (labels < 0 skipped); returns Σ w_i ‖x_i‖² (cosine: Σ w_i ‖x_i‖), the norms
    /// of the rows also written to `norms` (squared for Euclidean) when not null.
    double (*accumulate)(const T* x, std::int64_t n, std::int64_t d, const std::int32_t* labels, const T* w,
                         bool cosine, double* sums, double* cluster_weights, double* norms);
    /// out[i] = ‖x_i − centres[labels[i]]‖² for n contiguous rows (centres row-major k × d).
    void (*own_distances)(const T* x, std::int64_t n, std::int64_t d, const T* centres, const std::int32_t* labels,
                          double* out);
    /// out[i] = ‖x_i‖² for n contiguous rows.
    void (*squared_norms)(const T* x, std::int64_t n, std::int64_t d, double* out);
    double (*accumulate_csr)(const std::int64_t* indptr, const std::int32_t* indices, const T* data,
                             std::int64_t r0, std::int64_t r1, std::int64_t d, const std::int32_t* labels,
                             const T* w, bool cosine, double* sums, double* cluster_weights, double* norms);
};

struct KMeansKernelTable {
    KMeansKernels<float> f32;
    KMeansKernels<double> f64;
};

UNSUP_ISA_DECLARE(const KMeansKernelTable& kmeans_kernels())

/// The table of the running CPU.
inline const KMeansKernelTable& kmeans_kernels_for_cpu() {
    static const KMeansKernelTable& table = UNSUP_ISA_PICK(kmeans_kernels());
    return table;
}

template <class T>
const KMeansKernels<T>& kernels_of(const KMeansKernelTable& t);
template <>
inline const KMeansKernels<float>& kernels_of<float>(const KMeansKernelTable& t) {
    return t.f32;
}
template <>
inline const KMeansKernels<double>& kernels_of<double>(const KMeansKernelTable& t) {
    return t.f64;
}

}  // namespace unsup::cluster
