// Gaussian mixtures by EM: the fused pass over X (E-step, then the M-step's sufficient statistics)
// and the weighted log-densities for prediction.
//
// Parameterisation (the Cholesky factor of the precision): component j has log weight log π_j,
// mean μ_j and a factor U_j with Σ_j⁻¹ = U_j U_jᵀ — for "diag" the vector 1/σ_j, for "full" an
// upper-triangular d × d matrix. Then with y = (x − μ_j) U_j
//     log N(x; μ_j, Σ_j) = −½ ‖y‖² + Σ log diag U_j − (d/2) log 2π.
// The pass computes, for each row, the responsibilities r_ij = softmax_j(log π_j + log N_ij)
// (log-sum-exp in float64) and adds, per component, the float64 statistics
//     N_j = Σ_i r_ij,  S1_j = Σ_i r_ij (x_i − c_j),  S2_j = Σ_i r_ij (x_i − c_j)² (diag, per coordinate)
//                                                     or Σ_i r_ij (x_i − c_j)(x_i − c_j)ᵀ (full)
// around a shift c (one vector shared by all components for "diag", one per component for
// "full"; the previous means keep S2 free of cancellation), and Σ_i log p(x_i).
//
// Determinism: rows are cut into chunks of gmm_chunk_rows() rows (a fixed grid, whatever the
// number of threads); each chunk's statistics are computed on their own and added into the
// totals one chunk after the other in row order. A call on rows [0, n) therefore adds exactly
// the same terms in the same order as successive calls on [0, a), [a, n) when a is a multiple of
// the chunk size, and the result does not depend on n_jobs.
#pragma once

#include <cstdint>

#include "unsup/common.hpp"

namespace unsup::cluster {

enum class GmmCovariance { full, diag };

/// Rows per chunk of the fixed chunk grid (statistics are reduced chunk by chunk).
std::int64_t gmm_chunk_rows();

/// The data: a dense matrix of any strides, or CSR (scipy layout), values float32 or float64,
/// CSR indices and indptr both int32 or both int64. Not copied.
struct GmmData {
    std::int64_t n_rows = 0;
    std::int64_t n_cols = 0;
    bool single = false;  // float32 values (else float64)
    bool sparse = false;
    // dense: element (i, j) at values[i * row_stride + j * col_stride] (strides in elements)
    std::int64_t row_stride = 0;
    std::int64_t col_stride = 0;
    const void* values = nullptr;
    // CSR
    bool wide_index = false;  // int64 indices and indptr (else int32)
    const void* indptr = nullptr;
    const void* indices = nullptr;

    /// Throws std::invalid_argument naming `name` for a malformed CSR structure.
    void validate(const char* name) const;
};

/// The parameters (float64, row-major): log_weights (k), means (k × d), prec_chol (diag: k × d,
/// full: k × d × d upper-triangular).
struct GmmModelView {
    GmmCovariance covariance = GmmCovariance::diag;
    std::int64_t k = 0;
    std::int64_t d = 0;
    const double* log_weights = nullptr;
    const double* means = nullptr;
    const double* prec_chol = nullptr;
};

/// Where responsibilities come from: the E-step of a model, a dense (n × k) array, or hard labels.
struct GmmResponsibilities {
    enum class Source { estep, dense, labels };
    Source source = Source::estep;
    const double* dense = nullptr;         // n × k, rows summing to 1
    const std::int64_t* labels = nullptr;  // n, in [0, k)
};

/// Running float64 statistics, added into (never reset): nk (k), s1 (k × d), s2 (diag: k × d;
/// full: k × d × d, symmetric), shift (diag: d; full: k × d), log_likelihood (Σ log p(x_i), only
/// with Source::estep).
struct GmmStatsView {
    double* nk = nullptr;
    double* s1 = nullptr;
    double* s2 = nullptr;
    double* log_likelihood = nullptr;
    const double* shift = nullptr;
};

/// One pass over X: responsibilities (from `resp`), then their statistics added into `stats`
/// chunk by chunk in row order. `model` must hold k, d and the covariance type even when the
/// responsibilities are given (its parameters are then not read).
void gmm_accumulate(const GmmData& x, const GmmModelView& model, const GmmResponsibilities& resp,
                    const GmmStatsView& stats, int n_jobs, const StopToken& stop);

/// out (n × k, row-major): log π_j + log N(x_i; μ_j, Σ_j).
void gmm_weighted_log_prob(const GmmData& x, const GmmModelView& model, double* out, int n_jobs,
                           const StopToken& stop);

}  // namespace unsup::cluster
