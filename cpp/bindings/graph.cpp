// Bindings of the graph kernels: flow, map equation, InfoMap, modularity and Louvain.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>

#include "common.hpp"
#include "graph_options.hpp"
#include "unsup/graph/flow.hpp"
#include "unsup/graph/infomap.hpp"
#include "unsup/graph/map_equation.hpp"
#include "unsup/graph/modularity.hpp"

namespace unsup::bindings {

using namespace unsup::graph;

namespace {

std::vector<index_t> checked_labels(const CArray<std::int32_t>& labels, index_t n, index_t& n_modules) {
    require(labels.ndim() == 1 && labels.shape(0) == n, "labels: need one label per node");
    std::vector<index_t> v(labels.data(), labels.data() + n);
    for (index_t x : v) require(x >= 0, "labels: must be non-negative");
    n_modules = n > 0 ? compact_labels(v) : 0;
    return v;
}

py::dict codelength_dict(const Codelength& c) {
    py::dict d;
    d["codelength"] = c.total;
    d["index_codelength"] = c.index;
    d["module_codelength"] = c.module;
    return d;
}

}  // namespace

void bind_graph(py::module_& m) {
    m.def(
        "infomap",
        [](const CArray<std::int64_t>& indptr, const CArray<std::int32_t>& indices, const CArray<double>& data,
           std::int64_t n, bool directed, double teleportation, bool recorded, bool to_nodes, int n_trials,
           std::uint64_t seed, int n_jobs, int core_loop_limit, int tune_iteration_limit,
           double min_relative_tune_improvement, bool prune_candidates) {
            const CsrView a = csr_view(indptr, indices, data, n, n, "adjacency");
            InfomapOptions opt;
            opt.n_trials = n_trials;
            opt.seed = seed;
            opt.n_jobs = n_jobs;
            opt.core_loop_limit = core_loop_limit;
            opt.tune_iteration_limit = tune_iteration_limit;
            opt.min_relative_tune_improvement = min_relative_tune_improvement;
            opt.prune_candidates = prune_candidates;
            require(n_trials >= 1, "n_trials must be >= 1");
            require(core_loop_limit >= 1, "core_loop_limit must be >= 1");
            struct Out {
                InfomapResult result;
                std::vector<double> node_flow;
            };
            Out out = without_gil([&](const StopToken& stop) {
                const FlowNetwork g = build_flow_network(a, flow_options(directed, teleportation, recorded, to_nodes), stop);
                Out o{infomap(g, opt, stop), {g.node_flow.begin(), g.node_flow.end()}};
                return o;
            });
            py::dict d = codelength_dict(out.result.best.codelength);
            d["labels"] = to_numpy(out.result.best.labels);
            d["n_modules"] = out.result.best.n_modules;
            d["one_level_codelength"] = out.result.one_level_codelength;
            d["flow"] = to_numpy(out.node_flow);
            d["tune_iterations"] = out.result.best.tune_iterations;
            d["trial_codelengths"] = to_numpy(out.result.trial_codelengths);
            d["best_trial"] = out.result.best_trial;
            return d;
        },
        py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("n"), py::arg("directed"),
        py::arg("teleportation") = 0.15, py::arg("recorded_teleportation") = false,
        py::arg("teleport_to_nodes") = false, py::arg("n_trials") = 10, py::arg("seed") = 0, py::arg("n_jobs") = 1,
        py::arg("core_loop_limit") = InfomapOptions{}.core_loop_limit,
        py::arg("tune_iteration_limit") = InfomapOptions{}.tune_iteration_limit,
        py::arg("min_relative_tune_improvement") = InfomapOptions{}.min_relative_tune_improvement,
        py::arg("prune_candidates") = InfomapOptions{}.prune_candidates,
        "Two-level InfoMap on the CSR adjacency (entry (i, j) = weight of link i -> j).");

    m.def(
        "map_equation",
        [](const CArray<std::int64_t>& indptr, const CArray<std::int32_t>& indices, const CArray<double>& data,
           std::int64_t n, const CArray<std::int32_t>& labels, bool directed, double teleportation, bool recorded,
           bool to_nodes) {
            const CsrView a = csr_view(indptr, indices, data, n, n, "adjacency");
            index_t k = 0;
            const std::vector<index_t> lab = checked_labels(labels, a.n_rows, k);
            struct Out {
                Codelength c;
                double one_level;
                std::vector<double> flow;
            };
            Out out = without_gil([&](const StopToken& stop) {
                const FlowNetwork g = build_flow_network(a, flow_options(directed, teleportation, recorded, to_nodes), stop);
                Out o{map_equation(g, lab.data(), k), one_level_codelength(g), {g.node_flow.begin(), g.node_flow.end()}};
                return o;
            });
            py::dict d = codelength_dict(out.c);
            d["one_level_codelength"] = out.one_level;
            d["flow"] = to_numpy(out.flow);
            d["n_modules"] = k;
            return d;
        },
        py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("n"), py::arg("labels"), py::arg("directed"),
        py::arg("teleportation") = 0.15, py::arg("recorded_teleportation") = false,
        py::arg("teleport_to_nodes") = false, "Full two-level codelength of a partition.");

    m.def(
        "move_deltas",
        [](const CArray<std::int64_t>& indptr, const CArray<std::int32_t>& indices, const CArray<double>& data,
           std::int64_t n, const CArray<std::int32_t>& labels, const CArray<std::int32_t>& nodes,
           const CArray<std::int32_t>& targets, bool directed, double teleportation, bool recorded, bool to_nodes) {
            const CsrView a = csr_view(indptr, indices, data, n, n, "adjacency");
            index_t k = 0;
            require(labels.ndim() == 1 && labels.shape(0) == n, "labels: need one label per node");
            std::vector<index_t> lab(labels.data(), labels.data() + n);
            for (index_t x : lab) require(x >= 0 && x < n, "labels: must lie in [0, n)");
            k = static_cast<index_t>(n);
            require(nodes.ndim() == 1 && targets.ndim() == 1 && nodes.shape(0) == targets.shape(0),
                    "nodes and targets must be 1-d of equal length");
            const std::vector<index_t> node_v(nodes.data(), nodes.data() + nodes.shape(0));
            const std::vector<index_t> target_v(targets.data(), targets.data() + targets.shape(0));
            std::vector<double> deltas = without_gil([&](const StopToken& stop) {
                const FlowNetwork g = build_flow_network(a, flow_options(directed, teleportation, recorded, to_nodes), stop);
                std::vector<double> out;
                std::vector<index_t> cur = lab;
                for (std::size_t i = 0; i < node_v.size(); ++i) {
                    const auto mods = module_flows(g, cur.data(), k);
                    out.push_back(move_delta(g, cur.data(), mods, node_v[i], target_v[i]));
                    cur[node_v[i]] = target_v[i];
                }
                return out;
            });
            return to_numpy(deltas);
        },
        py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("n"), py::arg("labels"), py::arg("nodes"),
        py::arg("targets"), py::arg("directed"), py::arg("teleportation") = 0.15,
        py::arg("recorded_teleportation") = false, py::arg("teleport_to_nodes") = false,
        "Incremental codelength changes of a sequence of single-node moves (labels in [0, n)), "
        "applied one after the other; used to test the delta form against full recomputation.");
    m.def(
        "louvain",
        [](const CArray<std::int64_t>& indptr, const CArray<std::int32_t>& indices, const CArray<double>& data,
           std::int64_t n, bool directed, double resolution, double threshold, int max_levels, int n_trials,
           std::uint64_t seed, int n_jobs, bool refine, double min_relative_tune_improvement, int pass_limit) {
            const CsrView a = csr_view(indptr, indices, data, n, n, "adjacency");
            LouvainOptions opt;
            opt.resolution = resolution;
            opt.threshold = threshold;
            opt.max_levels = max_levels;
            opt.n_trials = n_trials;
            opt.seed = seed;
            opt.n_jobs = n_jobs;
            opt.refine = refine;
            opt.min_relative_tune_improvement = min_relative_tune_improvement;
            opt.pass_limit = pass_limit;
            LouvainResult r = without_gil([&](const StopToken& stop) {
                const FlowNetwork g = build_modularity_network(a, directed);
                return louvain(g, opt, stop);
            });
            py::dict d;
            d["labels"] = to_numpy(r.labels);
            d["n_modules"] = r.n_modules;
            d["modularity"] = r.modularity;
            d["best_trial"] = r.best_trial;
            d["tune_iterations"] = r.tune_iterations;
            d["trial_modularities"] = to_numpy(r.trial_modularities);
            return d;
        },
        py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("n"), py::arg("directed"),
        py::arg("resolution") = 1.0, py::arg("threshold") = LouvainOptions{}.threshold,
        py::arg("max_levels") = LouvainOptions{}.max_levels, py::arg("n_trials") = 1, py::arg("seed") = 0,
        py::arg("n_jobs") = 1, py::arg("refine") = LouvainOptions{}.refine,
        py::arg("min_relative_tune_improvement") = LouvainOptions{}.min_relative_tune_improvement,
        py::arg("pass_limit") = LouvainOptions{}.pass_limit,
        "Louvain modularity maximisation on the CSR adjacency (entry (i, j) = weight of link i -> j).");

    m.def(
        "modularity",
        [](const CArray<std::int64_t>& indptr, const CArray<std::int32_t>& indices, const CArray<double>& data,
           std::int64_t n, const CArray<std::int32_t>& labels, bool directed, double resolution) {
            const CsrView a = csr_view(indptr, indices, data, n, n, "adjacency");
            require(std::isfinite(resolution), "resolution must be finite");
            index_t k = 0;
            const std::vector<index_t> lab = checked_labels(labels, a.n_rows, k);
            return without_gil([&](const StopToken&) {
                const FlowNetwork g = build_modularity_network(a, directed);
                return modularity(g, lab.data(), k, resolution);
            });
        },
        py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("n"), py::arg("labels"), py::arg("directed"),
        py::arg("resolution") = 1.0, "Full recomputation of the modularity of a partition.");

    m.def(
        "modularity_move_deltas",
        [](const CArray<std::int64_t>& indptr, const CArray<std::int32_t>& indices, const CArray<double>& data,
           std::int64_t n, const CArray<std::int32_t>& labels, const CArray<std::int32_t>& nodes,
           const CArray<std::int32_t>& targets, bool directed, double resolution) {
            const CsrView a = csr_view(indptr, indices, data, n, n, "adjacency");
            require(labels.ndim() == 1 && labels.shape(0) == n, "labels: need one label per node");
            std::vector<index_t> lab(labels.data(), labels.data() + n);
            for (index_t x : lab) require(x >= 0 && x < n, "labels: must lie in [0, n)");
            require(nodes.ndim() == 1 && targets.ndim() == 1 && nodes.shape(0) == targets.shape(0),
                    "nodes and targets must be 1-d of equal length");
            const std::vector<index_t> node_v(nodes.data(), nodes.data() + nodes.shape(0));
            const std::vector<index_t> target_v(targets.data(), targets.data() + targets.shape(0));
            std::vector<double> deltas = without_gil([&](const StopToken&) {
                const FlowNetwork g = build_modularity_network(a, directed);
                std::vector<double> out;
                std::vector<index_t> cur = lab;
                for (std::size_t i = 0; i < node_v.size(); ++i) {
                    out.push_back(modularity_move_delta(g, cur.data(), node_v[i], target_v[i], resolution));
                    cur[node_v[i]] = target_v[i];
                }
                return out;
            });
            return to_numpy(deltas);
        },
        py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("n"), py::arg("labels"), py::arg("nodes"),
        py::arg("targets"), py::arg("directed"), py::arg("resolution") = 1.0,
        "Incremental modularity changes of a sequence of single-node moves (labels in [0, n)), applied one "
        "after the other; used to test the delta form against full recomputation.");
}

}  // namespace unsup::bindings
