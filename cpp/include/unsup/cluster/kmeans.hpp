// K-means kernels over dense rows and CSR rows: Lloyd passes (assignment fused with the centre
// sums), nearest-centre queries and score matrices. Euclidean or cosine.
//
// Scores. For centres c_j the assignment maximises s_ij = <x_i, c_j> - ½‖c_j‖² (Euclidean:
// ‖x_i − c_j‖² = ‖x_i‖² − 2 s_ij) or s_ij = <x_i, c_j> with unit centres (cosine). The dot products
// are one thin GEMM, computed by a register-blocked micro-kernel fused with the running argmax, so
// the score matrix never reaches memory; the rows of a chunk, still in cache, are then added to the
// centre sums in float64.
//
// Determinism. Rows are cut into chunks whose size depends only on d and the value type; each
// chunk's sums go to a buffer of its own and the buffers are added in chunk order, in rounds of a
// fixed number of chunks (independent of n_jobs) to bound the memory. Labels, sums and the inertia
// are therefore bitwise identical for every n_jobs. Ties go to the smallest centre index.
#pragma once

#include <cstdint>
#include <vector>

#include "unsup/common.hpp"

namespace unsup::cluster {

enum class Metric { euclidean, cosine };

/// Rows of a dense row-major matrix (n × d, rows `d` values apart) or of a CSR matrix (n × d,
/// 64-bit row pointers, 32-bit column indices). Exactly one of `dense` and `csr_data` is set.
template <class T>
struct Rows {
    std::int64_t n = 0;
    std::int64_t d = 0;
    const T* dense = nullptr;
    const std::int64_t* indptr = nullptr;
    const std::int32_t* indices = nullptr;
    const T* csr_data = nullptr;
    bool sparse() const { return dense == nullptr; }
    /// Throws std::invalid_argument naming `name` when the shapes or the CSR structure are wrong.
    void validate(const char* name) const;
};

/// The result of one Lloyd pass: per-cluster sums of w·x (cosine: of w·x/‖x‖) and of w, the
/// objective at the centres given (Euclidean: Σ w‖x − c‖²; cosine: Σ w(1 − cos)), and the number of
/// rows whose label changed.
struct LloydPass {
    double objective = 0.0;
    std::int64_t n_changed = 0;
    std::int64_t n_scanned = 0;
};

/// Hamerly's bounds (Hamerly 2010), which let a Lloyd pass skip the scan over all centres for rows
/// that provably keep their centre; the labels are the same as a full scan's (up to the rounding of
/// near-ties). Dense rows, Euclidean only.
/// - `lower[i]`: a lower bound on row i's distance to its second-nearest centre at the previous
///   pass's centres (updated in place; set −∞ to force a scan);
/// - `drop[j]`: how far the centres other than j moved at most since then (Euclidean distance);
/// - `radius[j]`: half the distance from centre j to its nearest other centre.
/// A row of centre a keeps it when ‖x − c_a‖ ≤ max(radius[a], lower[i] − drop[a]).
struct HamerlyBounds {
    float* lower = nullptr;
    const double* drop = nullptr;
    const double* radius = nullptr;
};

/// One Lloyd pass. `centres` is k × d (cosine: unit rows, the caller normalises); `weights` n
/// values or null (all 1); `labels` n values, read (the previous labels, for n_changed; -1 for
/// none) and overwritten; `sums` k × d and `cluster_weights` k values are overwritten.
/// Cosine: rows of zero norm are skipped (label -1, no contribution) — the Python layer rejects
/// them before calling. With `bounds` (null: scan every row), rows that the bounds clear are not
/// scanned; LloydPass::n_scanned counts the others.
template <class T>
LloydPass lloyd_pass(const Rows<T>& x, const T* weights, const T* centres, std::int64_t k, Metric metric,
                     std::int32_t* labels, double* sums, double* cluster_weights, const HamerlyBounds* bounds,
                     int n_jobs, const StopToken& stop);

/// Nearest centre of the rows `rows` (n_rows ids into x; null: all rows in order): labels and
/// the squared Euclidean distance (cosine: 1 − cos), both n_rows long.
template <class T>
void nearest_centres(const Rows<T>& x, const std::int64_t* rows, std::int64_t n_rows, const T* centres,
                     std::int64_t k, Metric metric, std::int32_t* labels, T* distances, int n_jobs,
                     const StopToken& stop);

/// All n × k squared Euclidean distances (cosine: 1 − cos) into `out` (row-major, n × k).
template <class T>
void all_distances(const Rows<T>& x, const T* centres, std::int64_t k, Metric metric, T* out, int n_jobs,
                   const StopToken& stop);

/// Soft spherical assignment: c_ij = softmax_j(κ cos(x_i, c_j)) with c_j unit rows; the sums of
/// w·c_ij·x_i/‖x_i‖ (k × d) and of w·c_ij (k) are overwritten; returns Σ_i w ln Σ_j e^{κ cos} / κ
/// (the soft objective, larger is better). `responsibilities` (n × k) is written if not null.
template <class T>
double soft_spherical_pass(const Rows<T>& x, const T* weights, const T* centres, std::int64_t k, double kappa,
                           double* sums, double* cluster_weights, T* responsibilities, int n_jobs,
                           const StopToken& stop);

/// The `count` rows farthest from their own centre (labels[i]; rows with label -1 skipped):
/// distances (squared Euclidean, or 1 − cos) in decreasing order, ties by row order. Memory is
/// O(count × chunks), never O(n): this is what the relocation of empty clusters reads.
template <class T>
void farthest_rows(const Rows<T>& x, const T* centres, std::int64_t k, Metric metric, const std::int32_t* labels,
                   std::int64_t count, std::vector<std::int64_t>& rows, std::vector<double>& distances, int n_jobs,
                   const StopToken& stop);

/// Rows of a chunk: chunks are the unit of parallel work and of the ordered reduction.
template <class T>
std::int64_t chunk_rows(std::int64_t d);

}  // namespace unsup::cluster
