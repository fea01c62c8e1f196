// Bindings of the k-nearest-neighbour search: X a C-contiguous 2-d float32/float64 array (the
// Python layer centres it, or normalises its rows for cosine); the centres of the IVF come in X's
// dtype. Returns (indices int64 (n, k), distances in X's dtype (n, k)).
#include <string>

#include "common.hpp"
#include "unsup/cluster/knn.hpp"

namespace unsup::bindings {

namespace {

using cluster::Metric;

Metric knn_metric(const std::string& name) {
    if (name == "euclidean") return Metric::euclidean;
    if (name == "cosine") return Metric::cosine;
    throw std::invalid_argument("metric must be 'euclidean' or 'cosine', got '" + name + "'");
}

const void* knn_rows(const py::array& a, const char* name, std::int64_t& n, std::int64_t& d) {
    require(a.ndim() == 2, std::string(name) + " must be 2-d");
    require((a.flags() & py::array::c_style) != 0, std::string(name) + " must be C-contiguous");
    n = a.shape(0);
    d = a.shape(1);
    return a.data();
}

template <class T>
py::tuple exact(const py::array& x, std::int64_t k, const std::string& metric, int n_jobs) {
    std::int64_t n = 0, d = 0;
    const T* rows = static_cast<const T*>(knn_rows(x, "X", n, d));
    const Metric m = knn_metric(metric);
    require(k >= 1 && k < n, "n_neighbors must be in [1, n_samples - 1]");
    py::array_t<std::int64_t> indices({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(k)});
    py::array_t<T> distances({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(k)});
    std::int64_t* idx = indices.mutable_data();
    T* dist = distances.mutable_data();
    without_gil([&](const StopToken& stop) { cluster::knn_exact<T>(rows, n, d, k, m, idx, dist, n_jobs, stop); });
    return py::make_tuple(indices, distances);
}

template <class T>
py::tuple ivf(const py::array& x, std::int64_t k, const std::string& metric, const py::array& centres,
              std::int64_t n_probe, int n_jobs) {
    std::int64_t n = 0, d = 0, n_lists = 0, dc = 0;
    const T* rows = static_cast<const T*>(knn_rows(x, "X", n, d));
    const T* c = static_cast<const T*>(knn_rows(centres, "centres", n_lists, dc));
    require(dc == d, "centres must have X's number of features");
    require(has_dtype<T>(centres), "centres must have X's dtype");
    const Metric m = knn_metric(metric);
    require(k >= 1 && k < n, "n_neighbors must be in [1, n_samples - 1]");
    py::array_t<std::int64_t> indices({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(k)});
    py::array_t<T> distances({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(k)});
    py::array_t<std::int32_t> lists(static_cast<py::ssize_t>(n));
    std::int64_t* idx = indices.mutable_data();
    T* dist = distances.mutable_data();
    std::int32_t* list_of = lists.mutable_data();
    without_gil([&](const StopToken& stop) {
        cluster::knn_ivf<T>(rows, n, d, k, m, c, n_lists, n_probe, idx, dist, list_of, n_jobs, stop);
    });
    return py::make_tuple(indices, distances, lists);
}

}  // namespace

void bind_knn(py::module_& m) {
    m.def(
        "knn_exact",
        [](const py::array& x, std::int64_t k, const std::string& metric, int n_jobs) {
            if (has_dtype<float>(x)) return exact<float>(x, k, metric, n_jobs);
            require(has_dtype<double>(x), "X must be float32 or float64");
            return exact<double>(x, k, metric, n_jobs);
        },
        py::arg("X"), py::arg("k"), py::arg("metric"), py::arg("n_jobs"),
        "Exact k nearest neighbours of every row among the rows (self excluded), blocked search: "
        "(indices (n, k) int64, distances (n, k)). Euclidean distances, or 1 - cos on unit rows.");
    m.def(
        "knn_ivf",
        [](const py::array& x, std::int64_t k, const std::string& metric, const py::array& centres,
           std::int64_t n_probe, int n_jobs) {
            if (has_dtype<float>(x)) return ivf<float>(x, k, metric, centres, n_probe, n_jobs);
            require(has_dtype<double>(x), "X must be float32 or float64");
            return ivf<double>(x, k, metric, centres, n_probe, n_jobs);
        },
        py::arg("X"), py::arg("k"), py::arg("metric"), py::arg("centres"), py::arg("n_probe"), py::arg("n_jobs"),
        "Approximate k nearest neighbours through an inverted file over `centres`, probing the "
        "n_probe nearest lists of every row: (indices, distances, list of every row).");
}

}  // namespace unsup::bindings
