// The hot loops of the Gaussian-mixture pass, one table per instruction-set build
// (gaussian_mixture_kernels.inc). Every kernel works on a float64 tile of `rows` rows (a multiple
// of 8, padding rows zero) and `dp` columns (d rounded up to a multiple of 8, padding zero);
// per-component rows of the tile buffers are `kp` wide (k rounded up to a multiple of 8).
#pragma once

#include <cstdint>

#include "unsup/cluster/isa.hpp"

namespace unsup::cluster {

struct GmmKernels {
    /// Rows [0, valid) of a dense X (rows `row_stride` elements apart, unit column stride; float32
    /// when `single`, else float64) into the row-major tile (rows × dp) and the transposed tile xt
    /// (dp × rows), both zero padded; rows a multiple of 8.
    void (*load_tile)(const void* base, bool single, std::int64_t row_stride, std::int64_t valid, std::int64_t rows,
                      std::int64_t d, std::int64_t dp, double* tile, double* xt);
    /// logp[j * t_stride + i] = cst[j] − ½ Σ_c (x_ic p_jc − μ_jc p_jc)² from the transposed tile xt
    /// (row c of the tile's columns at xt + c * t_stride), rows a multiple of 32; p and mu_p: k × d.
    void (*diag_logp)(const double* xt, std::int64_t t_stride, std::int64_t rows, std::int64_t d, std::int64_t k,
                      const double* mu_p, const double* p, const double* cst, double* logp);
    /// logp[i] = cst − ½ ‖x_i U − μ U‖² for one component, from the transposed tile, rows a
    /// multiple of 32; U upper-triangular dp × dp, mu_u = μ U (dp).
    void (*full_logp)(const double* xt, std::int64_t t_stride, std::int64_t rows, std::int64_t d, std::int64_t dp,
                      const double* u, const double* mu_u, double cst, double* logp);
    /// Transposed log-probabilities (k rows of t_stride) into responsibilities in place, `rows` a
    /// multiple of 8; rows from `valid` on are zeroed. Returns Σ_i log Σ_j e^{logp_ji}.
    double (*normalise_t)(double* logp, std::int64_t t_stride, std::int64_t valid, std::int64_t rows,
                          std::int64_t k);
    /// Diagonal statistics of the first `valid` rows of the row-major tile around `shift` (dp),
    /// responsibilities transposed (rows of t_stride, kp of them, zero beyond k): nk (k), s1 and s2
    /// (kp × dp). xs, x2: scratch of rows × dp; idx, w: of rows.
    void (*diag_accumulate)(const double* tile, std::int64_t valid, std::int64_t dp, std::int64_t k,
                            const double* resp, std::int64_t t_stride, const double* shift, double* xs, double* x2,
                            std::int64_t* idx, double* w, double* nk, double* s1, double* s2);
    /// Full statistics of one component from the row-major tile (rows × dp, zero beyond d) with
    /// responsibilities resp[i] around `shift` (dp, zero beyond d): nk (1), s1 (dp), s2 (dp × dp,
    /// the rows' blocks on or right of the diagonal 8 × 8 blocks). resp is read up to `valid`
    /// rounded up to 8. y: scratch of 64 × dp; w: of 64; sr: of the tile's rows.
    void (*full_accumulate)(const double* tile, std::int64_t valid, std::int64_t d, std::int64_t dp,
                            const double* resp, const double* shift, double* y, double* w, double* sr, double* nk,
                            double* s1, double* s2);
};

UNSUP_ISA_DECLARE(const GmmKernels& gmm_kernels())

}  // namespace unsup::cluster
