// Bindings of the CSR utilities.
#include "common.hpp"

namespace unsup::bindings {

void bind_sparse(py::module_& m) {
    m.def(
        "is_symmetric",
        [](const CArray<std::int64_t>& indptr, const CArray<std::int32_t>& indices, const CArray<double>& data,
           std::int64_t n, double rtol) {
            const CsrView a = csr_view(indptr, indices, data, n, n, "matrix");
            a.validate("matrix", /*nonnegative=*/false);
            py::gil_scoped_release release;
            return is_symmetric(a, rtol);
        },
        py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("n"), py::arg("rtol") = 1e-12,
        "Whether a canonical square CSR matrix (sorted indices, no duplicates) equals its transpose.");
}

}  // namespace unsup::bindings
