// Products of a CSR matrix with tall dense blocks: A X, Aᵀ Z and the Gram operator Aᵀ(A X),
// the hot loops of the randomized and block-Krylov SVDs.
//
// Dense blocks are row-major (rows × width). Threads never add into a shared value:
// - A X splits the rows of A (each output row is one thread's);
// - Aᵀ Z and Aᵀ(A X) split the block's columns into slices (each thread reads all of A and owns
//   its slice of the output), so every output value is summed in the same order whatever the
//   number of threads: results do not depend on n_jobs.
// Aᵀ(A X) is fused row by row (z = a_i X, then out += a_iᵀ z): the (n_rows × width) product A X is
// never stored, which is what keeps a million-row factorisation within a few hundred MB.
#pragma once

#include <cstdint>
#include <string>

#include "unsup/common.hpp"

namespace unsup::linalg {

/// A read-only CSR matrix over caller-owned buffers. `I` is the type of indptr and indices
/// (scipy uses int32, or int64 for large matrices); `T` float or double.
template <class T, class I>
struct CsrMatrix {
    std::int64_t n_rows = 0;
    std::int64_t n_cols = 0;
    const I* indptr = nullptr;   // n_rows + 1 entries
    const I* indices = nullptr;  // indptr[n_rows] entries
    const T* data = nullptr;     // indptr[n_rows] entries

    std::int64_t nnz() const { return n_rows > 0 ? static_cast<std::int64_t>(indptr[n_rows]) : 0; }

    /// Throws std::invalid_argument (naming `name`) unless indptr starts at 0, never decreases
    /// and every column index lies in [0, n_cols): what a product would otherwise read out of bounds.
    void validate(const std::string& name) const;
};

/// out (n_rows × width) = A X, X (n_cols × width).
template <class T, class I>
void csr_times_dense(const CsrMatrix<T, I>& a, const T* x, std::int64_t width, T* out, int n_jobs,
                     const StopToken& stop);

/// out (n_cols × width) = Aᵀ Z, Z (n_rows × width).
template <class T, class I>
void csr_transpose_times_dense(const CsrMatrix<T, I>& a, const T* z, std::int64_t width, T* out, int n_jobs,
                               const StopToken& stop);

/// out (n_cols × width) = Aᵀ (A X), X (n_cols × width), in one pass over A.
template <class T, class I>
void csr_gram_times_dense(const CsrMatrix<T, I>& a, const T* x, std::int64_t width, T* out, int n_jobs,
                          const StopToken& stop);

}  // namespace unsup::linalg
