// Batched routing: checks, the per-thread scratch, the batch spread over threads, the ISA build.
#include "unsup/cluster/routing.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "routing_kernels.hpp"
#include "unsup/parallel.hpp"

namespace unsup::cluster {

namespace {

const RoutingKernels& kernels() {
    static const RoutingKernels& table = UNSUP_ISA_PICK(routing_kernels());
    return table;
}

// Sizes up to 2^40 values per array and 2^31 per axis: offsets stay far from int64 overflow and
// the per-thread scratch (a few values per output capsule and input) stays addressable.
constexpr std::int64_t kMaxAxis = (std::int64_t{1} << 31) - 1;
constexpr std::int64_t kMaxValues = std::int64_t{1} << 40;

template <class T>
constexpr int kLanesOf = static_cast<int>(64 / sizeof(T));  // values per 64-byte vector of the kernels

void check_shape(const RoutingShape& s, const char* name, int n_iter) {
    const std::string arg(name);
    require(s.batch >= 0 && s.n_in >= 1 && s.n_out >= 1 && s.dim >= 1,
            arg + ": n_in, n_out and dim must be at least 1 (batch at least 0)");
    require(s.batch <= kMaxAxis && s.n_in <= kMaxAxis && s.n_out <= kMaxAxis && s.dim <= kMaxAxis,
            arg + ": every axis must be below 2**31");
    // Each axis is below 2^31, so products of two cannot overflow; the rest by division.
    const std::int64_t capsule = s.n_out * s.dim;
    require(capsule <= kMaxValues && s.n_in <= kMaxValues / capsule &&
                (s.batch == 0 || s.batch <= kMaxValues / (s.n_in * capsule)),
            arg + ": too many values (at most 2**40)");
    require(n_iter >= 1, "n_iter must be at least 1");
}

template <class T>
DynamicKernel<T> dynamic_kernel();
template <>
DynamicKernel<float> dynamic_kernel<float>() { return kernels().dynamic_f32; }
template <>
DynamicKernel<double> dynamic_kernel<double>() { return kernels().dynamic_f64; }
template <class T>
EmKernel<T> em_kernel();
template <>
EmKernel<float> em_kernel<float>() { return kernels().em_f32; }
template <>
EmKernel<double> em_kernel<double>() { return kernels().em_f64; }

}  // namespace

template <class T>
void dynamic_routing(const T* u_hat, const RoutingShape& shape, int n_iter, DynamicVariant variant,
                     double squash_eps, T* v_out, T* c_out, int n_jobs, const StopToken& stop) {
    check_shape(shape, "u_hat", n_iter);
    require(std::isfinite(squash_eps) && squash_eps >= 0, "squash_eps must be a finite number >= 0");
    if (shape.batch == 0) return;
    require(u_hat != nullptr && v_out != nullptr, "u_hat: no buffer");
    const RoutingDims dims{shape.n_in, shape.n_out, shape.dim};
    const bool sabour = variant == DynamicVariant::sabour;
    const auto scratch_size = static_cast<std::size_t>(dynamic_scratch_size(dims, sabour, kLanesOf<T>));
    const DynamicKernel<T> kernel = dynamic_kernel<T>();
    const std::int64_t in_stride = shape.n_in * shape.n_out * shape.dim;
    const std::int64_t out_stride = shape.n_out * shape.dim;
    const std::int64_t c_stride = shape.n_in * shape.n_out;
    std::vector<std::vector<T>> scratch(static_cast<std::size_t>(resolve_n_jobs(n_jobs)));
    parallel_for_workers(static_cast<std::size_t>(shape.batch), n_jobs, [&](std::size_t item, std::size_t worker) {
        stop.check();
        std::vector<T>& buf = scratch[worker];
        if (buf.size() < scratch_size) buf.resize(scratch_size);
        const auto b = static_cast<std::int64_t>(item);
        kernel(dims, n_iter, sabour, squash_eps, u_hat + b * in_stride, v_out + b * out_stride,
               c_out != nullptr ? c_out + b * c_stride : nullptr, buf.data());
    });
}

template <class T>
void em_routing(const T* votes, const T* a_in, const RoutingShape& shape, int n_iter, double beta_u, double beta_a,
                const double* inv_temp, double eps, T* poses, T* activations, T* assignments, int n_jobs,
                const StopToken& stop) {
    check_shape(shape, "votes", n_iter);
    require(std::isfinite(beta_u), "beta_u must be finite");
    require(std::isfinite(beta_a), "beta_a must be finite");
    require(std::isfinite(eps) && eps > 0, "eps must be a finite number > 0");
    require(inv_temp != nullptr, "inv_temp: one value per iteration is needed");
    for (int t = 0; t < n_iter; ++t)
        require(std::isfinite(inv_temp[t]) && inv_temp[t] > 0, "inv_temp: every value must be finite and > 0");
    if (shape.batch == 0) return;
    require(votes != nullptr && a_in != nullptr && poses != nullptr && activations != nullptr, "votes: no buffer");
    const RoutingDims dims{shape.n_in, shape.n_out, shape.dim};
    const auto scratch_size = static_cast<std::size_t>(em_scratch_size(dims, kLanesOf<T>));
    const EmKernel<T> kernel = em_kernel<T>();
    const std::int64_t in_stride = shape.n_in * shape.n_out * shape.dim;
    std::vector<std::vector<T>> scratch(static_cast<std::size_t>(resolve_n_jobs(n_jobs)));
    parallel_for_workers(static_cast<std::size_t>(shape.batch), n_jobs, [&](std::size_t item, std::size_t worker) {
        stop.check();
        std::vector<T>& buf = scratch[worker];
        if (buf.size() < scratch_size) buf.resize(scratch_size);
        const auto b = static_cast<std::int64_t>(item);
        kernel(dims, n_iter, beta_u, beta_a, inv_temp, eps, votes + b * in_stride, a_in + b * shape.n_in,
               poses + b * shape.n_out * shape.dim, activations + b * shape.n_out,
               assignments != nullptr ? assignments + b * shape.n_in * shape.n_out : nullptr, buf.data());
    });
}

template void dynamic_routing<float>(const float*, const RoutingShape&, int, DynamicVariant, double, float*, float*,
                                     int, const StopToken&);
template void dynamic_routing<double>(const double*, const RoutingShape&, int, DynamicVariant, double, double*,
                                      double*, int, const StopToken&);
template void em_routing<float>(const float*, const float*, const RoutingShape&, int, double, double, const double*,
                                double, float*, float*, float*, int, const StopToken&);
template void em_routing<double>(const double*, const double*, const RoutingShape&, int, double, double,
                                 const double*, double, double*, double*, double*, int, const StopToken&);

}  // namespace unsup::cluster
