// Bindings of the CSR × dense products. Arrays are taken as they are (no silent copy of a large
// matrix): the Python side hands over C-contiguous buffers of one value dtype (float32 or
// float64) and one index dtype (int32 or int64).
#include <string>

#include "common.hpp"
#include "unsup/linalg/csr_products.hpp"

namespace unsup::bindings {

namespace {

template <class T>
bool holds(const py::array& a) {
    return has_dtype<T>(a);
}

const void* contiguous(const py::array& a, const char* name) {
    require((a.flags() & py::array::c_style) != 0, std::string(name) + " must be C-contiguous");
    return a.data();
}

enum class Product { dense, transpose, gram };

template <class T, class I>
py::array_t<T> product(Product kind, const py::array& indptr, const py::array& indices, const py::array& data,
                       std::int64_t n_rows, std::int64_t n_cols, const py::array& block, int n_jobs) {
    linalg::CsrMatrix<T, I> a;
    a.n_rows = n_rows;
    a.n_cols = n_cols;
    require(indptr.ndim() == 1 && indptr.shape(0) == n_rows + 1, "X: indptr must have n_rows + 1 entries");
    require(indices.ndim() == 1 && data.ndim() == 1 && indices.shape(0) == data.shape(0),
            "X: indices and data must be 1-d of equal length");
    a.indptr = static_cast<const I*>(contiguous(indptr, "indptr"));
    a.indices = static_cast<const I*>(contiguous(indices, "indices"));
    a.data = static_cast<const T*>(contiguous(data, "data"));
    // Before validate(), which reads indices[0, indptr[-1]).
    require(n_rows == 0 || static_cast<std::int64_t>(a.indptr[n_rows]) <= indices.shape(0),
            "X: indptr[-1] exceeds the number of stored entries");
    a.validate("X");
    const std::int64_t in_rows = kind == Product::transpose ? n_rows : n_cols;
    const std::int64_t out_rows = kind == Product::dense ? n_rows : n_cols;
    require(block.ndim() == 2 && block.shape(0) == in_rows,
            "block: expected " + std::to_string(in_rows) + " rows to multiply");
    require(holds<T>(block), "block: must have the dtype of X's values");
    const std::int64_t width = block.shape(1);
    const T* x = static_cast<const T*>(contiguous(block, "block"));
    py::array_t<T> out({static_cast<py::ssize_t>(out_rows), static_cast<py::ssize_t>(width)});
    T* y = out.mutable_data();
    without_gil([&](const StopToken& stop) {
        switch (kind) {
            case Product::dense: linalg::csr_times_dense(a, x, width, y, n_jobs, stop); break;
            case Product::transpose: linalg::csr_transpose_times_dense(a, x, width, y, n_jobs, stop); break;
            case Product::gram: linalg::csr_gram_times_dense(a, x, width, y, n_jobs, stop); break;
        }
        return 0;
    });
    return out;
}

py::array dispatch(Product kind, const py::array& indptr, const py::array& indices, const py::array& data,
                   std::int64_t n_rows, std::int64_t n_cols, const py::array& block, int n_jobs) {
    require(same_dtype(indptr, indices), "X: indptr and indices must share one integer dtype");
    const bool wide = holds<std::int64_t>(indices);
    require(wide || holds<std::int32_t>(indices), "X: indices must be int32 or int64");
    if (holds<float>(data))
        return wide ? product<float, std::int64_t>(kind, indptr, indices, data, n_rows, n_cols, block, n_jobs)
                    : product<float, std::int32_t>(kind, indptr, indices, data, n_rows, n_cols, block, n_jobs);
    require(holds<double>(data), "X: values must be float32 or float64");
    return wide ? product<double, std::int64_t>(kind, indptr, indices, data, n_rows, n_cols, block, n_jobs)
                : product<double, std::int32_t>(kind, indptr, indices, data, n_rows, n_cols, block, n_jobs);
}

}  // namespace

void bind_linalg(py::module_& m) {
    const auto bind = [&m](const char* name, Product kind, const char* doc) {
        m.def(
            name,
            [kind](const py::array& indptr, const py::array& indices, const py::array& data, std::int64_t n_rows,
                   std::int64_t n_cols, const py::array& block, int n_jobs) {
                return dispatch(kind, indptr, indices, data, n_rows, n_cols, block, n_jobs);
            },
            py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("n_rows"), py::arg("n_cols"),
            py::arg("block"), py::arg("n_jobs") = 1, doc);
    };
    bind("csr_times_dense", Product::dense, "A @ block for CSR A (n_rows × n_cols) and block (n_cols × k).");
    bind("csr_transpose_times_dense", Product::transpose,
         "A.T @ block for CSR A (n_rows × n_cols) and block (n_rows × k).");
    bind("csr_gram_times_dense", Product::gram,
         "A.T @ (A @ block) in one pass over A, without storing A @ block; block is (n_cols × k).");
}

}  // namespace unsup::bindings
