// Batched capsule routing over raw row-major buffers: dynamic routing (Su's and Sabour's forms)
// and EM routing (matrix capsules, Hinton et al. 2018). The maths is in the design note
// routing.md; unsup/cluster/routing.py documents every choice made here.
//
// Every sample of the batch is routed by one thread from start to end (its slab of
// n_in * n_out * dim values stays in cache across the iterations, one pass per iteration), so the
// results do not depend on n_jobs.
#pragma once

#include <cstdint>

#include "unsup/common.hpp"

namespace unsup::cluster {

/// The shape of a routing problem: predictions / votes are (batch, n_in, n_out, dim), row-major.
struct RoutingShape {
    std::int64_t batch = 0;
    std::int64_t n_in = 0;
    std::int64_t n_out = 0;
    std::int64_t dim = 0;
};

enum class DynamicVariant {
    su,      ///< v = mean of the predictions; repeat: c = softmax_j(<u, v/|v|>), v = sum_i c u; squash at the end
    sabour,  ///< b = 0; repeat: c = softmax_j(b), v = squash(sum_i c u), b += <u, v>
};

/// Dynamic routing. u_hat: (batch, n_in, n_out, dim); v_out: (batch, n_out, dim); c_out:
/// (batch, n_in, n_out) couplings of the last iteration, or nullptr. squash(v) = |v|^2 / (eps +
/// |v|^2) * v / |v| with squash_eps >= 0 (0 for v = 0). Throws std::invalid_argument naming the
/// argument for a bad shape, n_iter < 1 or a bad squash_eps.
template <class T>
void dynamic_routing(const T* u_hat, const RoutingShape& shape, int n_iter, DynamicVariant variant,
                     double squash_eps, T* v_out, T* c_out, int n_jobs, const StopToken& stop = StopToken());

/// EM routing. votes: (batch, n_in, n_out, dim); a_in: (batch, n_in) in [0, 1]; inv_temp: n_iter
/// values of lambda, one per iteration; eps: variance floor added to every sigma^2 (> 0).
/// poses: (batch, n_out, dim); activations: (batch, n_out); assignments: (batch, n_in, n_out),
/// the R used by the last M-step, or nullptr.
template <class T>
void em_routing(const T* votes, const T* a_in, const RoutingShape& shape, int n_iter, double beta_u,
                double beta_a, const double* inv_temp, double eps, T* poses, T* activations, T* assignments,
                int n_jobs, const StopToken& stop = StopToken());

}  // namespace unsup::cluster
