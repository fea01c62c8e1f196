// Non-owning view of a square or rectangular CSR matrix (scipy layout).
#pragma once

#include <cmath>
#include <string>

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

}  // namespace unsup
