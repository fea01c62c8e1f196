// unsup._core: the compiled kernels. One submodule per Python subpackage.
#include <pybind11/pybind11.h>

namespace py = pybind11;

namespace unsup::bindings {
void bind_graph(py::module_& m);
void bind_graph_multilevel(py::module_& m);
void bind_linalg(py::module_& m);
void bind_sparse(py::module_& m);
void bind_text(py::module_& m);
void bind_cluster(py::module_& m);
}

PYBIND11_MODULE(_core, m) {
    m.doc() = "Compiled kernels of unsup (private: use the public Python API).";
    auto graph = m.def_submodule("graph", "Map equation and InfoMap kernels.");
    unsup::bindings::bind_graph(graph);
    unsup::bindings::bind_graph_multilevel(graph);
    auto linalg = m.def_submodule("linalg", "Products of CSR matrices with dense blocks.");
    unsup::bindings::bind_linalg(linalg);
    auto sparse = m.def_submodule("sparse", "Checks on CSR matrices.");
    unsup::bindings::bind_sparse(sparse);
    auto text = m.def_submodule("text", "N-gram statistics of text.");
    unsup::bindings::bind_text(text);
    auto cluster = m.def_submodule("cluster", "K-means, Gaussian mixtures and capsule routing kernels.");
    unsup::bindings::bind_cluster(cluster);
}
