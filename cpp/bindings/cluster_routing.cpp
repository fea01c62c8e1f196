// Bindings of the batched routing kernels. The Python side (unsup/cluster/routing.py) checks the
// values and hands over C-contiguous float32 or float64 arrays; here only shapes and dtypes are
// checked again, the outputs allocated and the GIL released.
#include <string>

#include "common.hpp"
#include "unsup/cluster/routing.hpp"

namespace unsup::bindings {

namespace {

template <class T>
const T* c_buffer(const py::array& a, const char* name) {
    require(has_dtype<T>(a), std::string(name) + ": unexpected dtype");
    require((a.flags() & py::array::c_style) != 0, std::string(name) + " must be C-contiguous");
    return static_cast<const T*>(a.data());
}

cluster::RoutingShape shape_of(const py::array& a, const char* name) {
    require(a.ndim() == 4, std::string(name) + " must be 4-d (batch, n_in, n_out, dim)");
    return cluster::RoutingShape{a.shape(0), a.shape(1), a.shape(2), a.shape(3)};
}

template <class T>
py::tuple dynamic_typed(const py::array& u_hat, int n_iter, cluster::DynamicVariant variant, double squash_eps,
                        bool return_couplings, int n_jobs) {
    const cluster::RoutingShape s = shape_of(u_hat, "u_hat");
    const T* u = c_buffer<T>(u_hat, "u_hat");
    py::array_t<T> v({s.batch, s.n_out, s.dim});
    py::object c = py::none();
    T* c_data = nullptr;
    if (return_couplings) {
        py::array_t<T> couplings({s.batch, s.n_in, s.n_out});
        c_data = couplings.mutable_data();
        c = couplings;
    }
    T* v_data = v.mutable_data();
    without_gil([&](const StopToken& stop) {
        cluster::dynamic_routing<T>(u, s, n_iter, variant, squash_eps, v_data, c_data, n_jobs, stop);
        return 0;
    });
    return py::make_tuple(v, c);
}

template <class T>
py::tuple em_typed(const py::array& votes, const py::array& a_in, int n_iter, double beta_u, double beta_a,
                   const py::array& inv_temp, double eps, bool return_assignments, int n_jobs) {
    const cluster::RoutingShape s = shape_of(votes, "votes");
    require(a_in.ndim() == 2 && a_in.shape(0) == s.batch && a_in.shape(1) == s.n_in,
            "a_in must have shape (batch, n_in) of votes");
    require(inv_temp.ndim() == 1 && inv_temp.shape(0) == n_iter, "inv_temp must hold n_iter values");
    const T* v = c_buffer<T>(votes, "votes");
    const T* a = c_buffer<T>(a_in, "a_in");
    const double* lam = c_buffer<double>(inv_temp, "inv_temp");
    py::array_t<T> poses({s.batch, s.n_out, s.dim});
    py::array_t<T> activations({s.batch, s.n_out});
    py::object r = py::none();
    T* r_data = nullptr;
    if (return_assignments) {
        py::array_t<T> assignments({s.batch, s.n_in, s.n_out});
        r_data = assignments.mutable_data();
        r = assignments;
    }
    T* p_data = poses.mutable_data();
    T* a_data = activations.mutable_data();
    without_gil([&](const StopToken& stop) {
        cluster::em_routing<T>(v, a, s, n_iter, beta_u, beta_a, lam, eps, p_data, a_data, r_data, n_jobs, stop);
        return 0;
    });
    return py::make_tuple(poses, activations, r);
}

}  // namespace

void bind_routing(py::module_& m) {
    m.def(
        "dynamic_routing",
        [](const py::array& u_hat, int n_iter, const std::string& variant, double squash_eps, bool return_couplings,
           int n_jobs) {
            require(variant == "su" || variant == "sabour", "variant must be 'su' or 'sabour'");
            const auto v = variant == "su" ? cluster::DynamicVariant::su : cluster::DynamicVariant::sabour;
            if (has_dtype<float>(u_hat))
                return dynamic_typed<float>(u_hat, n_iter, v, squash_eps, return_couplings, n_jobs);
            require(has_dtype<double>(u_hat), "u_hat must be float32 or float64");
            return dynamic_typed<double>(u_hat, n_iter, v, squash_eps, return_couplings, n_jobs);
        },
        py::arg("u_hat"), py::arg("n_iter"), py::arg("variant"), py::arg("squash_eps"), py::arg("return_couplings"),
        py::arg("n_jobs") = 1,
        "Dynamic routing over u_hat (batch, n_in, n_out, dim), float32 or float64, C-contiguous: "
        "(v (batch, n_out, dim), couplings (batch, n_in, n_out) or None).");
    m.def(
        "em_routing",
        [](const py::array& votes, const py::array& a_in, int n_iter, double beta_u, double beta_a,
           const py::array& inv_temp, double eps, bool return_assignments, int n_jobs) {
            require(same_dtype(a_in, votes), "a_in must have the dtype of votes");
            if (has_dtype<float>(votes))
                return em_typed<float>(votes, a_in, n_iter, beta_u, beta_a, inv_temp, eps, return_assignments,
                                       n_jobs);
            require(has_dtype<double>(votes), "votes must be float32 or float64");
            return em_typed<double>(votes, a_in, n_iter, beta_u, beta_a, inv_temp, eps, return_assignments, n_jobs);
        },
        py::arg("votes"), py::arg("a_in"), py::arg("n_iter"), py::arg("beta_u"), py::arg("beta_a"),
        py::arg("inv_temp"), py::arg("eps"), py::arg("return_assignments"), py::arg("n_jobs") = 1,
        "EM routing over votes (batch, n_in, n_out, dim) and a_in (batch, n_in), one dtype (float32 or "
        "float64), inv_temp float64 (n_iter,): (poses (batch, n_out, dim), activations (batch, n_out), "
        "assignments (batch, n_in, n_out) or None).");
}

}  // namespace unsup::bindings
