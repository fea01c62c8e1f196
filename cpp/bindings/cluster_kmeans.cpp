// Bindings of the K-means passes. X is either a C-contiguous 2-d float32/float64 array or a CSR
// tuple (indptr int64, indices int32, data, n_rows, n_cols); the centres and weights come in X's
// dtype (the Python layer converts them; X itself is never copied here).
#include <string>
#include <tuple>

#include "common.hpp"
#include "unsup/cluster/kmeans.hpp"

namespace unsup::bindings {

namespace {

using cluster::Metric;
using cluster::Rows;

Metric metric_of(const std::string& name) {
    if (name == "euclidean") return Metric::euclidean;
    if (name == "cosine") return Metric::cosine;
    throw std::invalid_argument("metric must be 'euclidean' or 'cosine', got '" + name + "'");
}

const void* c_buffer(const py::array& a, const char* name) {
    require((a.flags() & py::array::c_style) != 0, std::string(name) + " must be C-contiguous");
    return a.data();
}

template <class T>
bool holds(const py::array& a) {
    return has_dtype<T>(a);
}

/// X as Rows<T>; the arrays stay alive in the caller's Python objects.
template <class T>
Rows<T> rows_of(const py::object& x) {
    Rows<T> rows;
    if (py::isinstance<py::array>(x)) {
        const auto a = py::reinterpret_borrow<py::array>(x);
        require(a.ndim() == 2, "X must be 2-d");
        require(holds<T>(a), "X: unexpected dtype");
        rows.n = a.shape(0);
        rows.d = a.shape(1);
        rows.dense = static_cast<const T*>(c_buffer(a, "X"));
        return rows;
    }
    const auto t = x.cast<py::tuple>();
    require(t.size() == 5, "X: expected an array or (indptr, indices, data, n_rows, n_cols)");
    const auto indptr = t[0].cast<py::array>(), indices = t[1].cast<py::array>(), data = t[2].cast<py::array>();
    require(holds<std::int64_t>(indptr) && holds<std::int32_t>(indices) && holds<T>(data),
            "X: CSR buffers must be int64 indptr, int32 indices and data of X's dtype");
    rows.n = t[3].cast<std::int64_t>();
    rows.d = t[4].cast<std::int64_t>();
    require(indptr.ndim() == 1 && indptr.shape(0) == rows.n + 1, "X: indptr must have n_rows + 1 entries");
    require(indices.ndim() == 1 && data.ndim() == 1 && indices.shape(0) == data.shape(0),
            "X: indices and data must be 1-d of equal length");
    rows.indptr = static_cast<const std::int64_t*>(c_buffer(indptr, "indptr"));
    rows.indices = static_cast<const std::int32_t*>(c_buffer(indices, "indices"));
    rows.csr_data = static_cast<const T*>(c_buffer(data, "data"));
    require(rows.indptr[rows.n] <= indices.shape(0), "X: indptr[-1] exceeds the number of stored entries");
    return rows;
}

bool is_single(const py::object& x) {
    if (py::isinstance<py::array>(x)) return holds<float>(py::reinterpret_borrow<py::array>(x));
    return holds<float>(x.cast<py::tuple>()[2].cast<py::array>());
}

template <class T>
const T* centres_of(const py::array& centres, std::int64_t d, std::int64_t& k) {
    require(centres.ndim() == 2 && centres.shape(1) == d, "centres must be (n_clusters, n_features)");
    require(holds<T>(centres), "centres must have X's dtype");
    k = centres.shape(0);
    return static_cast<const T*>(c_buffer(centres, "centres"));
}

template <class T>
const T* weights_of(const py::object& w, std::int64_t n) {
    if (w.is_none()) return nullptr;
    const auto a = w.cast<py::array>();
    require(a.ndim() == 1 && a.shape(0) == n && holds<T>(a), "sample_weight must be 1-d, one per row, in X's dtype");
    return static_cast<const T*>(c_buffer(a, "sample_weight"));
}

template <class T>
py::tuple lloyd(const py::object& x, const py::object& weights, const py::array& centres_arr, const std::string& metric,
                py::array_t<std::int32_t> labels, int n_jobs, const py::object& lower, const py::object& drop,
                const py::object& radius) {
    const Rows<T> rows = rows_of<T>(x);
    std::int64_t k = 0;
    const T* centres = centres_of<T>(centres_arr, rows.d, k);
    const T* w = weights_of<T>(weights, rows.n);
    require(labels.ndim() == 1 && labels.shape(0) == rows.n && (labels.flags() & py::array::c_style),
            "labels must be a C-contiguous int32 array with one entry per row");
    const Metric m = metric_of(metric);
    py::array_t<double> sums({static_cast<py::ssize_t>(k), static_cast<py::ssize_t>(rows.d)});
    py::array_t<double> cluster_weights(static_cast<py::ssize_t>(k));
    std::int32_t* lab = labels.mutable_data();
    double* s = sums.mutable_data();
    double* cw = cluster_weights.mutable_data();
    cluster::HamerlyBounds bounds;
    py::array_t<float> lower_arr;
    py::array_t<double, py::array::c_style | py::array::forcecast> drop_arr, radius_arr;
    const bool bounded = !lower.is_none();
    if (bounded) {
        lower_arr = lower.cast<py::array_t<float>>();
        require(lower_arr.ndim() == 1 && lower_arr.shape(0) == rows.n && (lower_arr.flags() & py::array::c_style),
                "lower must be a C-contiguous float32 array with one entry per row");
        drop_arr = drop.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
        radius_arr = radius.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
        require(drop_arr.ndim() == 1 && drop_arr.shape(0) == k && radius_arr.ndim() == 1 && radius_arr.shape(0) == k,
                "drop and radius must have one entry per centre");
        bounds.lower = lower_arr.mutable_data();
        bounds.drop = drop_arr.data();
        bounds.radius = radius_arr.data();
    }
    const auto pass = without_gil([&](const StopToken& stop) {
        return cluster::lloyd_pass<T>(rows, w, centres, k, m, lab, s, cw, bounded ? &bounds : nullptr, n_jobs, stop);
    });
    return py::make_tuple(sums, cluster_weights, pass.objective, pass.n_changed, pass.n_scanned);
}

template <class T>
py::tuple nearest(const py::object& x, const py::object& rows_obj, const py::array& centres_arr,
                  const std::string& metric, int n_jobs) {
    const Rows<T> rows = rows_of<T>(x);
    std::int64_t k = 0;
    const T* centres = centres_of<T>(centres_arr, rows.d, k);
    const std::int64_t* ids = nullptr;
    std::int64_t n = rows.n;
    py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> id_arr;
    if (!rows_obj.is_none()) {
        id_arr = rows_obj.cast<py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>>();
        require(id_arr.ndim() == 1, "rows must be 1-d");
        ids = id_arr.data();
        n = id_arr.shape(0);
    }
    py::array_t<std::int32_t> labels(static_cast<py::ssize_t>(n));
    py::array_t<T> distances(static_cast<py::ssize_t>(n));
    std::int32_t* lab = labels.mutable_data();
    T* dist = distances.mutable_data();
    const Metric m = metric_of(metric);
    without_gil([&](const StopToken& stop) {
        cluster::nearest_centres<T>(rows, ids, n, centres, k, m, lab, dist, n_jobs, stop);
        return 0;
    });
    return py::make_tuple(labels, distances);
}

template <class T>
py::array_t<T> distances(const py::object& x, const py::array& centres_arr, const std::string& metric, int n_jobs) {
    const Rows<T> rows = rows_of<T>(x);
    std::int64_t k = 0;
    const T* centres = centres_of<T>(centres_arr, rows.d, k);
    py::array_t<T> out({static_cast<py::ssize_t>(rows.n), static_cast<py::ssize_t>(k)});
    T* o = out.mutable_data();
    const Metric m = metric_of(metric);
    without_gil([&](const StopToken& stop) {
        cluster::all_distances<T>(rows, centres, k, m, o, n_jobs, stop);
        return 0;
    });
    return out;
}

template <class T>
py::tuple soft(const py::object& x, const py::object& weights, const py::array& centres_arr, double kappa,
               bool return_responsibilities, int n_jobs) {
    const Rows<T> rows = rows_of<T>(x);
    std::int64_t k = 0;
    const T* centres = centres_of<T>(centres_arr, rows.d, k);
    const T* w = weights_of<T>(weights, rows.n);
    py::array_t<double> sums({static_cast<py::ssize_t>(k), static_cast<py::ssize_t>(rows.d)});
    py::array_t<double> cluster_weights(static_cast<py::ssize_t>(k));
    py::object resp = py::none();
    T* r = nullptr;
    if (return_responsibilities) {
        py::array_t<T> a({static_cast<py::ssize_t>(rows.n), static_cast<py::ssize_t>(k)});
        r = a.mutable_data();
        resp = a;
    }
    double* s = sums.mutable_data();
    double* cw = cluster_weights.mutable_data();
    const double objective = without_gil([&](const StopToken& stop) {
        return cluster::soft_spherical_pass<T>(rows, w, centres, k, kappa, s, cw, r, n_jobs, stop);
    });
    return py::make_tuple(sums, cluster_weights, objective, resp);
}

template <class T>
py::tuple farthest(const py::object& x, const py::array& centres_arr, const std::string& metric,
                   const py::array_t<std::int32_t>& labels, std::int64_t count, int n_jobs) {
    const Rows<T> rows = rows_of<T>(x);
    std::int64_t k = 0;
    const T* centres = centres_of<T>(centres_arr, rows.d, k);
    require(labels.ndim() == 1 && labels.shape(0) == rows.n && (labels.flags() & py::array::c_style),
            "labels must be a C-contiguous int32 array with one entry per row");
    const std::int32_t* lab = labels.data();
    const Metric m = metric_of(metric);
    std::vector<std::int64_t> ids;
    std::vector<double> dist;
    without_gil([&](const StopToken& stop) {
        cluster::farthest_rows<T>(rows, centres, k, m, lab, count, ids, dist, n_jobs, stop);
        return 0;
    });
    return py::make_tuple(to_numpy(ids), to_numpy(dist));
}

}  // namespace

void bind_kmeans(py::module_& m) {
    m.def(
        "lloyd_pass",
        [](const py::object& x, const py::object& sample_weight, const py::array& centres, const std::string& metric,
           py::array_t<std::int32_t> labels, int n_jobs, const py::object& lower, const py::object& drop,
           const py::object& radius) {
            return is_single(x) ? lloyd<float>(x, sample_weight, centres, metric, labels, n_jobs, lower, drop, radius)
                                : lloyd<double>(x, sample_weight, centres, metric, labels, n_jobs, lower, drop, radius);
        },
        py::arg("X"), py::arg("sample_weight"), py::arg("centres"), py::arg("metric"), py::arg("labels"),
        py::arg("n_jobs"), py::arg("lower") = py::none(), py::arg("drop") = py::none(), py::arg("radius") = py::none(),
        "One Lloyd pass: assigns every row (labels, updated in place) and returns (sums, cluster_weights, "
        "objective at the given centres, number of labels changed, rows scanned). With lower (float32, per "
        "row, updated in place), drop and radius (per centre), Hamerly's bounds skip rows that keep their "
        "centre.");
    m.def(
        "nearest_centres",
        [](const py::object& x, const py::object& rows, const py::array& centres, const std::string& metric,
           int n_jobs) {
            return is_single(x) ? nearest<float>(x, rows, centres, metric, n_jobs)
                                : nearest<double>(x, rows, centres, metric, n_jobs);
        },
        py::arg("X"), py::arg("rows"), py::arg("centres"), py::arg("metric"), py::arg("n_jobs"),
        "Nearest centre and squared distance (cosine: 1 - cos) of the given rows (None: all).");
    m.def(
        "farthest_rows",
        [](const py::object& x, const py::array& centres, const std::string& metric,
           const py::array_t<std::int32_t>& labels, std::int64_t count, int n_jobs) {
            return is_single(x) ? farthest<float>(x, centres, metric, labels, count, n_jobs)
                                : farthest<double>(x, centres, metric, labels, count, n_jobs);
        },
        py::arg("X"), py::arg("centres"), py::arg("metric"), py::arg("labels"), py::arg("count"), py::arg("n_jobs"),
        "The count rows farthest from their own centre: (rows, distances), farthest first, ties by row order.");
    m.def(
        "all_distances",
        [](const py::object& x, const py::array& centres, const std::string& metric, int n_jobs) -> py::array {
            if (is_single(x)) return distances<float>(x, centres, metric, n_jobs);
            return distances<double>(x, centres, metric, n_jobs);
        },
        py::arg("X"), py::arg("centres"), py::arg("metric"), py::arg("n_jobs"),
        "All squared distances (cosine: 1 - cos) from the rows to the centres.");
    m.def(
        "soft_spherical_pass",
        [](const py::object& x, const py::object& sample_weight, const py::array& centres, double kappa,
           bool return_responsibilities, int n_jobs) {
            return is_single(x) ? soft<float>(x, sample_weight, centres, kappa, return_responsibilities, n_jobs)
                                : soft<double>(x, sample_weight, centres, kappa, return_responsibilities, n_jobs);
        },
        py::arg("X"), py::arg("sample_weight"), py::arg("centres"), py::arg("kappa"),
        py::arg("return_responsibilities"), py::arg("n_jobs"),
        "One soft spherical K-means pass: (sums, cluster_weights, objective, responsibilities or None).");
}

}  // namespace unsup::bindings
