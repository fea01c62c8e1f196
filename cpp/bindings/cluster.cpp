// unsup._core.cluster: one binding file per kernel family.
#include "common.hpp"
#include "unsup/cluster/isa.hpp"

namespace unsup::bindings {

void bind_kmeans(py::module_& m);
void bind_routing(py::module_& m);
void bind_gaussian_mixture(py::module_& m);
void bind_knn(py::module_& m);

void bind_cluster(py::module_& m) {
    m.def("isa", [] { return std::string(cluster::isa_name(cluster::running_isa())); },
          "The instruction set the clustering kernels run with on this CPU.");
    bind_kmeans(m);
    bind_routing(m);
    bind_gaussian_mixture(m);
    bind_knn(m);
}

}  // namespace unsup::bindings
