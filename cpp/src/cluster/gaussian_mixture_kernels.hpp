// The hot loops of the Gaussian-mixture pass, one table per instruction-set build
// (gaussian_mixture_kernels.inc). Every kernel works on a float64 tile of `rows` rows (a multiple
// of 8, padding rows zero) and `dp` columns (d rounded up to a multiple of 8, padding zero);
// per-component rows of the tile buffers are `kp` wide (k rounded up to a multiple of 8).
#pragma once

#include <cstdint>

#include "unsup/cluster/isa.hpp"

namespace unsup::cluster {

struct GmmKernels {
    /// logp[i * kp + j] = cst[j] − ½ Σ_c ((x_ic − mu_t[c * kp + j]) p_t[c * kp + j])², all kp lanes.
    void (*diag_logp)(const double* tile, std::int64_t rows, std::int64_t d, std::int64_t dp, std::int64_t kp,
                      const double* mu_t, const double* p_t, const double* cst, double* logp);
    /// logp[i * kp] = cst − ½ ‖(x_i − mu) U‖² for one component (U upper-triangular, dp × dp);
    /// z: scratch of rows × dp.
    void (*full_logp)(const double* tile, std::int64_t rows, std::int64_t d, std::int64_t dp, const double* mu,
                      const double* u, double cst, double* z, double* logp, std::int64_t kp);
    /// Rows of log-probabilities into responsibilities in place (softmax over the kp lanes; padding
    /// lanes hold −inf); rows from `valid` on are zeroed. Returns Σ_i log Σ_j e^{logp_ij}.
    double (*normalise)(double* logp, std::int64_t valid, std::int64_t rows, std::int64_t kp);
    /// Diagonal statistics of the first `valid` rows around `shift` (dp): nk (k), s1 and s2 (k × dp).
    /// xs, x2: scratch of rows × dp; idx, w: scratch of rows.
    void (*diag_accumulate)(const double* tile, std::int64_t valid, std::int64_t dp, std::int64_t k,
                            std::int64_t kp, const double* resp, const double* shift, double* xs, double* x2,
                            std::int64_t* idx, double* w, double* nk, double* s1, double* s2);
    /// Full statistics of one component (responsibilities resp[i * kp]) around `shift` (dp): nk (1),
    /// s1 (dp), the upper block triangle of s2 (dp × dp). z: scratch of rows × dp; w: of rows.
    void (*full_accumulate)(const double* tile, std::int64_t valid, std::int64_t d, std::int64_t dp,
                            const double* resp, std::int64_t kp, const double* shift, double* z, double* w,
                            double* nk, double* s1, double* s2);
};

UNSUP_ISA_DECLARE(const GmmKernels& gmm_kernels())

}  // namespace unsup::cluster
