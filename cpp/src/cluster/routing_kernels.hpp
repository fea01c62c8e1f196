// The per-sample routing kernels, one table per instruction-set build (routing_kernels.inc).
#pragma once

#include <cstdint>

#include "unsup/cluster/isa.hpp"

namespace unsup::cluster {

/// One sample: predictions / votes (n_in, n_out, dim), row-major.
struct RoutingDims {
    std::int64_t n_in = 0;
    std::int64_t n_out = 0;
    std::int64_t dim = 0;
};

/// scratch: at least *_scratch_size(dims) values of T, owned by the calling thread.
template <class T>
using DynamicKernel = void (*)(const RoutingDims& dims, int n_iter, bool sabour, double squash_eps, const T* u_hat,
                               T* v_out, T* c_out, T* scratch);
template <class T>
using EmKernel = void (*)(const RoutingDims& dims, int n_iter, double beta_u, double beta_a, const double* inv_temp,
                          double eps, const T* votes, const T* a_in, T* poses, T* activations, T* assignments,
                          T* scratch);

struct RoutingKernels {
    DynamicKernel<float> dynamic_f32;
    DynamicKernel<double> dynamic_f64;
    EmKernel<float> em_f32;
    EmKernel<double> em_f64;
};

/// Values of scratch one sample needs, `lanes` values per 64-byte vector (16 float, 8 double).
inline std::int64_t padded_dim(std::int64_t dim, int lanes) { return (dim + lanes - 1) / lanes * lanes; }
inline std::int64_t dynamic_scratch_size(const RoutingDims& d, bool sabour, int lanes) {
    const std::int64_t blocks = (d.n_in + lanes - 1) / lanes;
    return 2 * d.n_out * padded_dim(d.dim, lanes) + 2 * d.n_out * lanes + (sabour ? blocks * d.n_out * lanes : 0);
}
inline std::int64_t em_scratch_size(const RoutingDims& d, int lanes) {
    return 5 * d.n_out * padded_dim(d.dim, lanes) + 3 * d.n_out * lanes + d.n_out + 2 * lanes;
}

UNSUP_ISA_DECLARE(const RoutingKernels& routing_kernels())

}  // namespace unsup::cluster
