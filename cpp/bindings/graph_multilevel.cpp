// Bindings of the multilevel map equation: the codelength of a module tree and the search.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "common.hpp"
#include "graph_options.hpp"
#include "unsup/graph/flow.hpp"
#include "unsup/graph/multilevel.hpp"

namespace unsup::bindings {

using namespace unsup::graph;

namespace {

void put_codelength(py::dict& d, const HierarchicalCodelength& h) {
    d["codelength"] = h.total;
    d["index_codelength"] = h.index;
    d["module_codebook"] = to_numpy(h.codebook);
    d["module_flow"] = to_numpy(h.flow);
    d["module_exit"] = to_numpy(h.exit);
    d["module_enter"] = to_numpy(h.enter);
}

}  // namespace

void bind_graph_multilevel(py::module_& m) {
    m.def(
        "hierarchical_codelength",
        [](const CArray<std::int64_t>& indptr, const CArray<std::int32_t>& indices, const CArray<double>& data,
           std::int64_t n, const CArray<std::int32_t>& parent, const CArray<std::int32_t>& leaf_of, bool directed,
           double teleportation, bool recorded, bool to_nodes) {
            const CsrView a = csr_view(indptr, indices, data, n, n, "adjacency");
            require(parent.ndim() == 1 && leaf_of.ndim() == 1, "tree: parent and leaf_of must be 1-d");
            ModuleTree tree;
            tree.parent.assign(parent.data(), parent.data() + parent.shape(0));
            tree.leaf_of.assign(leaf_of.data(), leaf_of.data() + leaf_of.shape(0));
            struct Out {
                HierarchicalCodelength h;
                double one_level;
                std::vector<double> flow;
            };
            Out out = without_gil([&](const StopToken& stop) {
                const FlowNetwork g =
                    build_flow_network(a, flow_options(directed, teleportation, recorded, to_nodes), stop);
                Out o{hierarchical_codelength(g, tree), one_level_codelength(g), {g.node_flow.begin(), g.node_flow.end()}};
                return o;
            });
            py::dict d;
            put_codelength(d, out.h);
            d["one_level_codelength"] = out.one_level;
            d["flow"] = to_numpy(out.flow);
            return d;
        },
        py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("n"), py::arg("parent"), py::arg("leaf_of"),
        py::arg("directed"), py::arg("teleportation") = 0.15, py::arg("recorded_teleportation") = false,
        py::arg("teleport_to_nodes") = false,
        "Full recomputation of the multilevel codelength of a module tree (parent of each module, -1: top; "
        "innermost module of each node, -1: the root).");

    m.def(
        "infomap_multilevel",
        [](const CArray<std::int64_t>& indptr, const CArray<std::int32_t>& indices, const CArray<double>& data,
           std::int64_t n, bool directed, double teleportation, bool recorded, bool to_nodes, int n_trials,
           std::uint64_t seed, int n_jobs, int sub_trials, int super_trials, int max_sub_depth,
           int max_super_levels, int min_split_size) {
            const CsrView a = csr_view(indptr, indices, data, n, n, "adjacency");
            require(n_trials >= 1, "n_trials must be >= 1");
            require(sub_trials >= 1, "sub_trials must be >= 1");
            require(super_trials >= 1, "super_trials must be >= 1");
            MultilevelOptions opt;
            opt.two_level.n_trials = n_trials;
            opt.two_level.seed = seed;
            opt.two_level.n_jobs = n_jobs;
            opt.sub_trials = sub_trials;
            opt.super_trials = super_trials;
            opt.max_sub_depth = max_sub_depth;
            opt.max_super_levels = max_super_levels;
            opt.min_split_size = min_split_size;
            struct Out {
                MultilevelResult r;
                HierarchicalCodelength h;
                std::vector<double> flow;
            };
            Out out = without_gil([&](const StopToken& stop) {
                const FlowNetwork g =
                    build_flow_network(a, flow_options(directed, teleportation, recorded, to_nodes), stop);
                Out o;
                o.r = infomap_multilevel(g, opt, stop);
                o.h = hierarchical_codelength(g, o.r.tree);
                o.flow.assign(g.node_flow.begin(), g.node_flow.end());
                return o;
            });
            py::dict d;
            put_codelength(d, out.h);
            d["search_codelength"] = out.r.codelength;
            d["parent"] = to_numpy(out.r.tree.parent);
            d["leaf_of"] = to_numpy(out.r.tree.leaf_of);
            d["two_level_labels"] = to_numpy(out.r.two_level.best.labels);
            d["two_level_codelength"] = out.r.two_level.best.codelength.total;
            d["two_level_index_codelength"] = out.r.two_level.best.codelength.index;
            d["two_level_module_codelength"] = out.r.two_level.best.codelength.module;
            d["one_level_codelength"] = out.r.two_level.one_level_codelength;
            d["tune_iterations"] = out.r.two_level.best.tune_iterations;
            d["sub_levels"] = out.r.sub_levels;
            d["super_levels"] = out.r.super_levels;
            d["flow"] = to_numpy(out.flow);
            return d;
        },
        py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("n"), py::arg("directed"),
        py::arg("teleportation") = 0.15, py::arg("recorded_teleportation") = false,
        py::arg("teleport_to_nodes") = false, py::arg("n_trials") = 10, py::arg("seed") = 0, py::arg("n_jobs") = 1,
        py::arg("sub_trials") = MultilevelOptions{}.sub_trials, py::arg("super_trials") = MultilevelOptions{}.super_trials,
        py::arg("max_sub_depth") = MultilevelOptions{}.max_sub_depth,
        py::arg("max_super_levels") = MultilevelOptions{}.max_super_levels,
        py::arg("min_split_size") = static_cast<int>(MultilevelOptions{}.min_split_size),
        "Multilevel InfoMap: the two-level search, then sub-modules and super-modules.");
}

}  // namespace unsup::bindings
