// unsup._core.cluster: the Gaussian-mixture pass and log-densities. X is taken as it is (dense of
// any strides, or the three CSR arrays; float32 or float64 values): never copied.
#include <string>

#include "common.hpp"
#include "unsup/cluster/gaussian_mixture.hpp"

namespace unsup::bindings {

namespace {

using cluster::GmmCovariance;

/// Whether `a` holds native T values (by equivalence: an equal dtype need not be the same object,
/// e.g. for arrays read from a memmap).
template <class T>
bool holds(const py::array& a) {
    return py::isinstance<py::array_t<T>>(a);
}

/// A view of X: `x` is the dense matrix, or the CSR values when indptr is given.
cluster::GmmData data_view(const py::array& x, const py::object& indices, const py::object& indptr,
                           std::int64_t n_cols) {
    cluster::GmmData v;
    v.single = holds<float>(x);
    require(v.single || holds<double>(x), "X: values must be float32 or float64");
    v.values = x.data();
    if (indptr.is_none()) {
        require(x.ndim() == 2, "X: a dense X must be 2-d");
        require(x.shape(1) == n_cols, "X: n_cols does not match the number of columns");
        v.n_rows = x.shape(0);
        v.n_cols = x.shape(1);
        v.row_stride = x.strides(0) / static_cast<std::int64_t>(x.itemsize());
        v.col_stride = x.strides(1) / static_cast<std::int64_t>(x.itemsize());
        require(x.strides(0) % x.itemsize() == 0 && x.strides(1) % x.itemsize() == 0,
                "X: strides must be multiples of the item size");
    } else {
        const auto ptr = py::cast<py::array>(indptr);
        const auto ind = py::cast<py::array>(indices);
        require(x.ndim() == 1 && (x.flags() & py::array::c_style) != 0, "X: CSR values must be 1-d and contiguous");
        require(ptr.ndim() == 1 && ptr.shape(0) >= 1 && (ptr.flags() & py::array::c_style) != 0,
                "X: indptr must be 1-d, contiguous and non-empty");
        require(ind.ndim() == 1 && ind.shape(0) == x.shape(0) && (ind.flags() & py::array::c_style) != 0,
                "X: indices must be 1-d, contiguous, as long as the values");
        require((holds<std::int64_t>(ptr) && holds<std::int64_t>(ind)) ||
                    (holds<std::int32_t>(ptr) && holds<std::int32_t>(ind)),
                "X: indptr and indices must share one integer dtype (int32 or int64)");
        v.wide_index = holds<std::int64_t>(ind);
        require(v.wide_index || holds<std::int32_t>(ind), "X: indices must be int32 or int64");
        v.sparse = true;
        v.n_rows = ptr.shape(0) - 1;
        v.n_cols = n_cols;
        v.indptr = ptr.data();
        v.indices = ind.data();
        const std::int64_t last = v.wide_index ? static_cast<const std::int64_t*>(v.indptr)[v.n_rows]
                                               : static_cast<const std::int32_t*>(v.indptr)[v.n_rows];
        require(last == x.shape(0), "X: indptr[-1] must equal the number of stored values");
    }
    v.validate("X");
    return v;
}

GmmCovariance covariance_of(const std::string& name) {
    if (name == "full") return GmmCovariance::full;
    require(name == "diag", "covariance_type: must be 'full' or 'diag', got '" + name + "'");
    return GmmCovariance::diag;
}

/// A float64 C-contiguous array of `size` values (a view when it already is one).
CArray<double> params(const py::object& a, std::int64_t size, const char* name) {
    CArray<double> out = CArray<double>::ensure(a);
    require(out && out.size() == size, std::string(name) + ": expected " + std::to_string(size) + " values");
    return out;
}

/// A writable float64 C-contiguous array of `size` values, updated in place.
double* inout(const py::array& a, std::int64_t size, const char* name) {
    require(holds<double>(a) && (a.flags() & py::array::c_style) != 0 && a.writeable() && a.size() == size,
            std::string(name) + ": must be a writable C-contiguous float64 array of " + std::to_string(size) +
                " values");
    return static_cast<double*>(const_cast<void*>(a.data()));
}

}  // namespace

void bind_gaussian_mixture(py::module_& m) {
    // Rows per chunk of the fixed grid on which the Gaussian-mixture statistics are reduced.
    m.attr("GMM_CHUNK_ROWS") = cluster::gmm_chunk_rows();
    m.def(
        "gmm_accumulate",
        [](const py::array& x, const py::object& indices, const py::object& indptr, std::int64_t n_cols,
           const std::string& covariance_type, std::int64_t n_components, const py::object& log_weights,
           const py::object& means, const py::object& precisions_cholesky, const py::object& shift,
           const py::array& nk, const py::array& s1, const py::array& s2, const py::array& log_likelihood,
           const py::object& responsibilities, const py::object& labels, int n_jobs) {
            const cluster::GmmData data = data_view(x, indices, indptr, n_cols);
            const std::int64_t k = n_components, d = n_cols;
            require(k >= 1, "n_components: must be at least 1");
            cluster::GmmModelView model;
            model.covariance = covariance_of(covariance_type);
            model.k = k;
            model.d = d;
            const bool diag = model.covariance == GmmCovariance::diag;
            cluster::GmmResponsibilities resp;
            CArray<double> lw, mu, pc, dense;
            py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> lab;
            if (!responsibilities.is_none()) {
                resp.source = cluster::GmmResponsibilities::Source::dense;
                dense = params(responsibilities, data.n_rows * k, "responsibilities");
                resp.dense = dense.data();
            } else if (!labels.is_none()) {
                resp.source = cluster::GmmResponsibilities::Source::labels;
                lab = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(labels);
                require(lab && lab.size() == data.n_rows, "labels: expected one label per row");
                resp.labels = lab.data();
            } else {
                lw = params(log_weights, k, "log_weights");
                mu = params(means, k * d, "means");
                pc = params(precisions_cholesky, diag ? k * d : k * d * d, "precisions_cholesky");
                model.log_weights = lw.data();
                model.means = mu.data();
                model.prec_chol = pc.data();
            }
            const CArray<double> sh = params(shift, diag ? d : k * d, "shift");
            cluster::GmmStatsView stats;
            stats.shift = sh.data();
            stats.nk = inout(nk, k, "nk");
            stats.s1 = inout(s1, k * d, "s1");
            stats.s2 = inout(s2, diag ? k * d : k * d * d, "s2");
            stats.log_likelihood = inout(log_likelihood, 1, "log_likelihood");
            without_gil([&](const StopToken& stop) {
                cluster::gmm_accumulate(data, model, resp, stats, n_jobs, stop);
                return 0;
            });
        },
        py::arg("x"), py::arg("indices"), py::arg("indptr"), py::arg("n_cols"), py::arg("covariance_type"),
        py::arg("n_components"), py::arg("log_weights"), py::arg("means"), py::arg("precisions_cholesky"),
        py::arg("shift"), py::arg("nk"), py::arg("s1"), py::arg("s2"), py::arg("log_likelihood"),
        py::arg("responsibilities") = py::none(), py::arg("labels") = py::none(), py::arg("n_jobs") = 1,
        "One pass over X: responsibilities (the E-step of the given parameters, or the given\n"
        "responsibilities / labels), their float64 statistics added in place into nk, s1, s2 (around\n"
        "`shift`) and, for the E-step, Σ log p(x) into log_likelihood[0]. Chunks are reduced in row order.");
    m.def(
        "gmm_weighted_log_prob",
        [](const py::array& x, const py::object& indices, const py::object& indptr, std::int64_t n_cols,
           const std::string& covariance_type, const py::object& log_weights, const py::object& means,
           const py::object& precisions_cholesky, int n_jobs) {
            const cluster::GmmData data = data_view(x, indices, indptr, n_cols);
            cluster::GmmModelView model;
            model.covariance = covariance_of(covariance_type);
            const CArray<double> lw = CArray<double>::ensure(log_weights);
            require(lw && lw.ndim() == 1 && lw.size() >= 1, "log_weights: must be 1-d and non-empty");
            const std::int64_t k = lw.size(), d = n_cols;
            model.k = k;
            model.d = d;
            const CArray<double> mu = params(means, k * d, "means");
            const CArray<double> pc = params(precisions_cholesky,
                                             model.covariance == GmmCovariance::diag ? k * d : k * d * d,
                                             "precisions_cholesky");
            model.log_weights = lw.data();
            model.means = mu.data();
            model.prec_chol = pc.data();
            py::array_t<double> out({static_cast<py::ssize_t>(data.n_rows), static_cast<py::ssize_t>(k)});
            double* o = out.mutable_data();
            without_gil([&](const StopToken& stop) {
                cluster::gmm_weighted_log_prob(data, model, o, n_jobs, stop);
                return 0;
            });
            return out;
        },
        py::arg("x"), py::arg("indices"), py::arg("indptr"), py::arg("n_cols"), py::arg("covariance_type"),
        py::arg("log_weights"), py::arg("means"), py::arg("precisions_cholesky"), py::arg("n_jobs") = 1,
        "log π_j + log N(x_i; μ_j, Σ_j) for every row and component, (n_samples, n_components) float64.");
}

}  // namespace unsup::bindings
