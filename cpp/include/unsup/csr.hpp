// Non-owning view of a square or rectangular CSR matrix (scipy layout).
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "unsup/common.hpp"

namespace unsup {

struct CsrView {
    index_t n_rows = 0;
    index_t n_cols = 0;
    const offset_t* indptr = nullptr;  // n_rows + 1 entries
    const index_t* indices = nullptr;  // indptr[n_rows] entries
    const double* data = nullptr;      // indptr[n_rows] entries

    offset_t nnz() const { return n_rows > 0 ? indptr[n_rows] : 0; }

    /// Checks what would otherwise crash a kernel: monotone indptr, column ids in range,
    /// and (when `nonnegative`) finite, non-negative values. `name` is the argument's name.
    void validate(const std::string& name, bool nonnegative) const {
        require(n_rows >= 0 && n_cols >= 0, name + ": negative shape");
        require(indptr != nullptr || n_rows == 0, name + ": missing indptr");
        if (n_rows == 0) return;
        require(indptr[0] == 0, name + ": indptr must start at 0");
        for (index_t r = 0; r < n_rows; ++r)
            if (indptr[r] > indptr[r + 1]) throw std::invalid_argument(name + ": indptr must be non-decreasing");
        const offset_t m = nnz();
        for (offset_t e = 0; e < m; ++e) {
            if (indices[e] < 0 || indices[e] >= n_cols)
                throw std::invalid_argument(name + ": column index " + std::to_string(indices[e]) + " out of range");
            if (nonnegative && !(std::isfinite(data[e]) && data[e] >= 0.0))
                throw std::invalid_argument(name + ": weights must be finite and non-negative");
        }
    }
};

/// Whether a canonical CSR matrix (sorted column ids, no duplicates) equals its transpose, with
/// values equal up to `rtol` relative difference. O(nnz) time and one offset per row, no copy.
/// Each pair is checked once, from its upper entry (i, j), j > i: rows are read in order, so the
/// lower entries (j, i) of row j are met in increasing i, and a cursor per row tells where the
/// mirror must sit. At the end every cursor must have consumed its row's whole lower part, or a
/// lower entry has no upper mirror. A row that is not strictly increasing throws
/// std::invalid_argument (the answer would be meaningless).
inline bool is_symmetric(const CsrView& a, double rtol) {
    if (a.n_rows != a.n_cols) return false;
    const index_t n = a.n_rows;
    if (n == 0) return true;
    std::vector<offset_t> cursor(a.indptr, a.indptr + n);  // next unmatched lower entry of each row
    std::vector<offset_t> diagonal(static_cast<std::size_t>(n));  // first entry with column >= row
    for (index_t i = 0; i < n; ++i) {
        const offset_t begin = a.indptr[i], end = a.indptr[i + 1];
        for (offset_t e = begin + 1; e < end; ++e)
            require(a.indices[e - 1] < a.indices[e], "matrix: column ids must be sorted and unique within each row");
        offset_t e = begin;
        while (e < end && a.indices[e] < i) ++e;
        diagonal[i] = e;
        if (e < end && a.indices[e] == i) ++e;  // a self-link mirrors itself
        for (; e < end; ++e) {
            const index_t j = a.indices[e];
            offset_t& c = cursor[j];
            if (c >= a.indptr[j + 1] || a.indices[c] != i) return false;
            const double x = a.data[e], y = a.data[c];
            if (std::abs(x - y) > rtol * std::max(std::abs(x), std::abs(y))) return false;
            ++c;
        }
        if (cursor[i] != diagonal[i]) return false;  // rows j < i are done: all of i's lower part matched
    }
    return true;
}

}  // namespace unsup
