// The inner loops of Aᵀ Z and Aᵀ(A X) over one fixed-width column slice, compiled twice: once for
// the baseline instruction set and once for AVX2 + FMA (csr_slice_kernels_avx2.cpp), chosen at run
// time. The slice width is a compile-time constant so that the accumulator of a row stays in
// registers, and the rows of the dense blocks that the next stored entries touch are prefetched:
// these gathers and scatters, not the arithmetic, bound the products.
#pragma once

#include <cstdint>

#include "unsup/linalg/csr_products.hpp"

namespace unsup::linalg {

/// Values per slice for the fixed-width kernels: one cache line.
template <class T>
constexpr std::int64_t kSliceValues = 64 / sizeof(T);

/// Rows [r0, r1) of one slice of kSliceValues<T> columns: out += Aᵀ(A x) (gram) or out += Aᵀ z
/// (scatter). `out` (and gram's `x`) are the slice alone, n_cols × kSliceValues<T> contiguous,
/// so that a slice's random accesses stay within a few MB; scatter's `z` is read row by row with
/// the given stride. Arguments: matrix, input, input stride, output, output stride, r0, r1.
template <class T, class I>
using SliceKernel = void (*)(const CsrMatrix<T, I>&, const T*, std::int64_t, T*, std::int64_t, std::int64_t,
                             std::int64_t);

struct SliceKernels {
    SliceKernel<float, std::int32_t> gram_f32_i32;
    SliceKernel<float, std::int64_t> gram_f32_i64;
    SliceKernel<double, std::int32_t> gram_f64_i32;
    SliceKernel<double, std::int64_t> gram_f64_i64;
    SliceKernel<float, std::int32_t> scatter_f32_i32;
    SliceKernel<float, std::int64_t> scatter_f32_i64;
    SliceKernel<double, std::int32_t> scatter_f64_i32;
    SliceKernel<double, std::int64_t> scatter_f64_i64;
};

/// The kernels for the running CPU (AVX2 + FMA where available).
const SliceKernels& slice_kernels();

}  // namespace unsup::linalg
