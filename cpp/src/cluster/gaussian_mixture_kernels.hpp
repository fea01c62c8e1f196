// The hot loops of the Gaussian-mixture pass, one table per instruction-set build
// (gaussian_mixture_kernels.inc). Every kernel works on a float64 tile of `rows` rows (a multiple
// of 8, padding rows zero) and `dp` columns (d rounded up to a multiple of 8, padding zero);
// per-component rows of the tile buffers are `kp` wide (k rounded up to a multiple of 8).
#pragma once

#include <cstdint>

#include "unsup/cluster/isa.hpp"

namespace unsup::cluster {

struct GmmKernels {
    /// logp[i * kp + j] = cst[j] − ½ Σ_c (x_ic p_t[c * kp + j] − b_t[c * kp + j])², all kp lanes
    /// (b = μ p). Row-major tile, rows a multiple of 8.
    void (*diag_logp)(const double* tile, std::int64_t rows, std::int64_t d, std::int64_t dp, std::int64_t kp,
                      const double* b_t, const double* p_t, const double* cst, double* logp);
    /// logp[i] = cst − ½ ‖x_i U − μ U‖² for one component, from the transposed tile xt (row c of
    /// the tile's columns at xt + c * t_stride), rows a multiple of 32; U upper-triangular dp × dp,
    /// mu_u = μ U (dp).
    void (*full_logp)(const double* xt, std::int64_t t_stride, std::int64_t rows, std::int64_t d, std::int64_t dp,
                      const double* u, const double* mu_u, double cst, double* logp);
    /// Row-major log-probabilities (rows × kp, padding lanes −inf) into responsibilities in place;
    /// rows from `valid` on are zeroed. Returns Σ_i log Σ_j e^{logp_ij}.
    double (*normalise)(double* logp, std::int64_t valid, std::int64_t rows, std::int64_t kp);
    /// The same for transposed log-probabilities (k rows of t_stride), rows a multiple of 8.
    double (*normalise_t)(double* logp, std::int64_t t_stride, std::int64_t valid, std::int64_t rows,
                          std::int64_t k);
    /// Diagonal statistics of the first `valid` rows around `shift` (dp): nk (kp), s1 and s2
    /// (kp × dp; the responsibilities of padding components are 0). xs, x2: scratch of rows × dp.
    void (*diag_accumulate)(const double* tile, std::int64_t valid, std::int64_t dp, std::int64_t k,
                            std::int64_t kp, const double* resp, const double* shift, double* xs, double* x2,
                            double* nk, double* s1, double* s2);
    /// Full statistics of one component from the row-major tile (rows × dp, zero beyond d) with
    /// responsibilities resp[i] around `shift` (dp, zero beyond d): nk (1), s1 (dp), s2 (dp × dp,
    /// the rows' blocks on or right of the diagonal 8 × 8 blocks). y: scratch of 64 × dp.
    void (*full_accumulate)(const double* tile, std::int64_t valid, std::int64_t d, std::int64_t dp,
                            const double* resp, const double* shift, double* y, double* nk, double* s1,
                            double* s2);
};

UNSUP_ISA_DECLARE(const GmmKernels& gmm_kernels())

}  // namespace unsup::cluster
