#include "unsup/linalg/csr_products.hpp"

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "unsup/linalg/csr_slice_kernels.hpp"
#include "unsup/memory.hpp"
#include "unsup/parallel.hpp"

namespace unsup::linalg {

namespace {

constexpr std::int64_t kRowsBetweenPolls = 1 << 14;

/// [begin, end) column ranges of a width-wide block: slices of kSliceValues<T> columns (the
/// fixed-width kernels) and a narrower last one if the width is not a multiple. Each is one work
/// item, a whole pass over A; slices never share a cache line of the output, and every output value
/// is summed in row order within its slice, whatever the number of threads.
template <class T>
std::vector<std::pair<std::int64_t, std::int64_t>> column_slices(std::int64_t width) {
    std::vector<std::pair<std::int64_t, std::int64_t>> slices;
    for (std::int64_t c0 = 0; c0 < width; c0 += kSliceValues<T>)
        slices.emplace_back(c0, std::min(width, c0 + kSliceValues<T>));
    return slices;
}

/// The columns [c0, c1) of a row-major block, held contiguously (rows × kSliceValues<T>, zero
/// padded). Rows start on cache-line boundaries, so a row is one line, not two halves (which
/// doubled the lines each random access touched), and large buffers get huge pages (fewer TLB
/// misses on the random rows).
template <class T>
class SliceBuffer {
public:
    explicit SliceBuffer(std::int64_t rows)
        : rows_(rows), storage_(static_cast<std::size_t>(rows * kSliceValues<T> + kSliceValues<T>), T(0)) {
        const auto address = reinterpret_cast<std::uintptr_t>(storage_.data());
        values_ = storage_.data() + ((64 - address % 64) % 64) / sizeof(T);
    }
    T* data() { return values_; }
    void load(const T* block, std::int64_t width, std::int64_t c0, std::int64_t c1) {
        for (std::int64_t r = 0; r < rows_; ++r)
            std::copy(block + r * width + c0, block + r * width + c1, values_ + r * kSliceValues<T>);
    }
    void store(T* block, std::int64_t width, std::int64_t c0, std::int64_t c1) const {
        for (std::int64_t r = 0; r < rows_; ++r) {
            const T* from = values_ + r * kSliceValues<T>;
            std::copy(from, from + (c1 - c0), block + r * width + c0);
        }
    }

private:
    std::int64_t rows_;
    Buffer<T> storage_;
    T* values_ = nullptr;
};

/// The one of four kernels (float/double values × int32/int64 indices) that takes <T, I>.
template <class T, class I>
SliceKernel<T, I> select(SliceKernel<float, std::int32_t> f32_i32, SliceKernel<float, std::int64_t> f32_i64,
                         SliceKernel<double, std::int32_t> f64_i32, SliceKernel<double, std::int64_t> f64_i64) {
    if constexpr (std::is_same_v<T, float>) {
        if constexpr (std::is_same_v<I, std::int32_t>) return f32_i32;
        else return f32_i64;
    } else {
        if constexpr (std::is_same_v<I, std::int32_t>) return f64_i32;
        else return f64_i64;
    }
}

template <class T, class I>
SliceKernel<T, I> gram_kernel() {
    const SliceKernels& k = slice_kernels();
    return select<T, I>(k.gram_f32_i32, k.gram_f32_i64, k.gram_f64_i32, k.gram_f64_i64);
}

template <class T, class I>
SliceKernel<T, I> scatter_kernel() {
    const SliceKernels& k = slice_kernels();
    return select<T, I>(k.scatter_f32_i32, k.scatter_f32_i64, k.scatter_f64_i32, k.scatter_f64_i64);
}

/// acc[0..w) += v * row[0..w)
template <class T>
inline void axpy(std::int64_t w, T v, const T* __restrict row, T* __restrict acc) {
    for (std::int64_t c = 0; c < w; ++c) acc[c] += v * row[c];
}

/// z (width values) = a_r X, X with rows of `width` values.
template <class T, class I>
inline void row_times_dense(const CsrMatrix<T, I>& a, std::int64_t r, const T* x, std::int64_t width,
                            T* __restrict z) {
    std::fill(z, z + width, T(0));
    for (std::int64_t e = a.indptr[r], end = a.indptr[r + 1]; e < end; ++e)
        axpy<T>(width, a.data[e], x + static_cast<std::int64_t>(a.indices[e]) * width, z);
}

/// out[j, 0:w) += a_rj z for the stored j of row r, out with rows of `stride` values.
template <class T, class I>
inline void scatter_row(const CsrMatrix<T, I>& a, std::int64_t r, const T* __restrict z, std::int64_t w,
                        T* out, std::int64_t stride) {
    for (std::int64_t e = a.indptr[r], end = a.indptr[r + 1]; e < end; ++e)
        axpy<T>(w, a.data[e], z, out + static_cast<std::int64_t>(a.indices[e]) * stride);
}

/// fn(r0, r1) over the rows of A in chunks, polling for interruption between chunks.
template <class Fn>
void over_row_chunks(std::int64_t n_rows, const StopToken& stop, Fn&& fn) {
    for (std::int64_t r0 = 0; r0 < n_rows; r0 += kRowsBetweenPolls) {
        stop.check();
        fn(r0, std::min(n_rows, r0 + kRowsBetweenPolls));
    }
}

void require_width(std::int64_t width) { require(width >= 1, "the dense block must have at least one column"); }

}  // namespace

template <class T, class I>
void CsrMatrix<T, I>::validate(const std::string& name) const {
    require(n_rows >= 0 && n_cols >= 0, name + ": negative shape");
    require(indptr != nullptr, name + ": missing indptr");
    require(indptr[0] == 0, name + ": indptr must start at 0");
    for (std::int64_t r = 0; r < n_rows; ++r)
        if (indptr[r] > indptr[r + 1]) throw std::invalid_argument(name + ": indptr must be non-decreasing");
    const std::int64_t m = nnz();
    for (std::int64_t e = 0; e < m; ++e)
        if (indices[e] < 0 || static_cast<std::int64_t>(indices[e]) >= n_cols)
            throw std::invalid_argument(name + ": column index " + std::to_string(indices[e]) + " out of range");
}

template <class T, class I>
void csr_times_dense(const CsrMatrix<T, I>& a, const T* x, std::int64_t width, T* out, int n_jobs,
                     const StopToken& stop) {
    require_width(width);
    // Chunks of rows with about the same number of stored values, handed out dynamically.
    const std::int64_t per_chunk = std::max<std::int64_t>(1 << 16, a.nnz() / (64 * resolve_n_jobs(n_jobs)) + 1);
    std::vector<std::int64_t> bounds{0};
    for (std::int64_t r = 0; r < a.n_rows;) {
        const std::int64_t target = static_cast<std::int64_t>(a.indptr[r]) + per_chunk;
        std::int64_t hi = r + 1;
        while (hi < a.n_rows && hi - r < kRowsBetweenPolls && static_cast<std::int64_t>(a.indptr[hi]) < target) ++hi;
        bounds.push_back(hi);
        r = hi;
    }
    parallel_for(bounds.size() - 1, n_jobs, [&](std::size_t chunk) {
        stop.check();
        for (std::int64_t r = bounds[chunk]; r < bounds[chunk + 1]; ++r)
            row_times_dense(a, r, x, width, out + r * width);
    });
}

template <class T, class I>
void csr_transpose_times_dense(const CsrMatrix<T, I>& a, const T* z, std::int64_t width, T* out, int n_jobs,
                               const StopToken& stop) {
    require_width(width);
    const auto slices = column_slices<T>(width);
    const SliceKernel<T, I> fixed = scatter_kernel<T, I>();
    parallel_for(slices.size(), n_jobs, [&](std::size_t s) {
        const auto [c0, c1] = slices[s];
        SliceBuffer<T> sums(a.n_cols);
        over_row_chunks(a.n_rows, stop, [&](std::int64_t r0, std::int64_t r1) {
            if (c1 - c0 == kSliceValues<T>) {  // the fixed kernel reads a whole slice row of z
                fixed(a, z + c0, width, sums.data(), kSliceValues<T>, r0, r1);
                return;
            }
            for (std::int64_t r = r0; r < r1; ++r)
                scatter_row(a, r, z + r * width + c0, c1 - c0, sums.data(), kSliceValues<T>);
        });
        sums.store(out, width, c0, c1);
    });
}

template <class T, class I>
void csr_gram_times_dense(const CsrMatrix<T, I>& a, const T* x, std::int64_t width, T* out, int n_jobs,
                          const StopToken& stop) {
    require_width(width);
    const auto slices = column_slices<T>(width);
    const SliceKernel<T, I> fixed = gram_kernel<T, I>();
    parallel_for(slices.size(), n_jobs, [&](std::size_t s) {
        const auto [c0, c1] = slices[s];
        SliceBuffer<T> input(a.n_cols), sums(a.n_cols);
        input.load(x, width, c0, c1);  // a narrower last slice is padded with zeros
        over_row_chunks(a.n_rows, stop, [&](std::int64_t r0, std::int64_t r1) {
            fixed(a, input.data(), kSliceValues<T>, sums.data(), kSliceValues<T>, r0, r1);
        });
        sums.store(out, width, c0, c1);
    });
}

#define UNSUP_INSTANTIATE(T, I)                                                                              \
    template struct CsrMatrix<T, I>;                                                                         \
    template void csr_times_dense<T, I>(const CsrMatrix<T, I>&, const T*, std::int64_t, T*, int, const StopToken&); \
    template void csr_transpose_times_dense<T, I>(const CsrMatrix<T, I>&, const T*, std::int64_t, T*, int,   \
                                                  const StopToken&);                                         \
    template void csr_gram_times_dense<T, I>(const CsrMatrix<T, I>&, const T*, std::int64_t, T*, int, const StopToken&);
UNSUP_INSTANTIATE(float, std::int32_t)
UNSUP_INSTANTIATE(float, std::int64_t)
UNSUP_INSTANTIATE(double, std::int32_t)
UNSUP_INSTANTIATE(double, std::int64_t)
#undef UNSUP_INSTANTIATE

}  // namespace unsup::linalg
