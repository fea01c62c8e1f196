// The two-level map equation: full recomputation and the O(1) change of one node move.
#pragma once

#include <vector>

#include "unsup/common.hpp"
#include "unsup/graph/flow.hpp"

namespace unsup::graph {

/// Codelength in bits, split as in the official Infomap.
struct Codelength {
    double total = 0.0;
    double index = 0.0;   // plogp(sum enter) - sum plogp(enter_i)
    double module = 0.0;  // sum [plogp(exit_i + flow_i) - plogp(exit_i)] - sum_alpha plogp(p_alpha)
};

/// Flow statistics of one module (or one node seen as a candidate mover).
/// exit/enter hold link flow only; teleportation is added by `effective_exit/enter`.
struct ModuleFlow {
    double exit = 0.0;
    double enter = 0.0;
    double flow = 0.0;
    double tele_flow = 0.0;
    double tele_weight = 0.0;
};

/// The map equation's per-module terms for a fixed network.
struct MapEquation {
    bool directed = false;
    bool recorded = false;
    double tele_total = 0.0;

    explicit MapEquation(const FlowNetwork& g)
        : directed(g.directed), recorded(g.recorded), tele_total(g.tele_total) {}

    double exit_of(const ModuleFlow& m) const {
        return recorded ? m.exit + m.tele_flow * (1.0 - m.tele_weight) : m.exit;
    }
    double enter_of(const ModuleFlow& m) const {
        if (!directed) return m.exit;
        return recorded ? m.enter + (tele_total - m.tele_flow) * m.tele_weight : m.enter;
    }
    /// The module's share of the codelength, less the index term plogp(sum enter).
    double term(const ModuleFlow& m) const {
        const double x = exit_of(m);
        if (!directed) return plogp(x + m.flow) - 2.0 * plogp(x);
        return plogp(x + m.flow) - plogp(x) - plogp(enter_of(m));
    }
};

/// Link flow between node `v` and two modules of `labels` (v's own links, v excluded): into and
/// out of its own module `source`, and into and out of `target`; what the delta forms of the
/// quality functions need for one move.
struct MoveLinks {
    double out_source = 0.0, in_source = 0.0, out_target = 0.0, in_target = 0.0;
};

inline MoveLinks move_links(const FlowNetwork& g, const index_t* labels, index_t v, index_t source, index_t target) {
    MoveLinks r;
    for (offset_t e = g.indptr[v]; e < g.indptr[v + 1]; ++e) {
        const index_t m = labels[g.neighbor[e]];
        const double out = g.out_flow[e];
        const double in = g.directed ? g.in_flow[e] : out;
        if (m == source) {
            r.out_source += out;
            r.in_source += in;
        } else if (m == target) {
            r.out_target += out;
            r.in_target += in;
        }
    }
    return r;
}

/// Node `v`'s flow against the modules: out/in = link flow from v into module m (v excluded)
/// and back; `node` holds v's own totals (exit = out_total, enter = in_total).
/// Returns module m's statistics once v has left it.
inline ModuleFlow without_node(const ModuleFlow& m, const ModuleFlow& node, double out_m, double in_m) {
    ModuleFlow r;
    r.exit = m.exit - (node.exit - out_m) + in_m;
    r.enter = m.enter - (node.enter - in_m) + out_m;
    r.flow = m.flow - node.flow;
    r.tele_flow = m.tele_flow - node.tele_flow;
    r.tele_weight = m.tele_weight - node.tele_weight;
    return r;
}

/// Module m's statistics once v has joined it.
inline ModuleFlow with_node(const ModuleFlow& m, const ModuleFlow& node, double out_m, double in_m) {
    ModuleFlow r;
    r.exit = m.exit + (node.exit - out_m) - in_m;
    r.enter = m.enter + (node.enter - in_m) - out_m;
    r.flow = m.flow + node.flow;
    r.tele_flow = m.tele_flow + node.tele_flow;
    r.tele_weight = m.tele_weight + node.tele_weight;
    return r;
}

/// v's own statistics as a candidate mover.
inline ModuleFlow node_stats(const FlowNetwork& g, index_t v) {
    ModuleFlow s;
    s.exit = g.out_total[v];
    s.enter = g.directed ? g.in_total[v] : s.exit;
    s.flow = g.node_flow[v];
    if (g.recorded) {
        s.tele_flow = g.tele_flow[v];
        s.tele_weight = g.tele_weight[v];
    }
    return s;
}

/// Per-module statistics of a partition (labels in [0, n_modules)).
std::vector<ModuleFlow> module_flows(const FlowNetwork& g, const index_t* labels, index_t n_modules);

/// Full recomputation of the two-level codelength of a partition.
Codelength map_equation(const FlowNetwork& g, const index_t* labels, index_t n_modules);

/// Codelength with every node in one module.
double one_level_codelength(const FlowNetwork& g);

/// Incremental form: change of codelength when node v moves to module `target`
/// (which may be empty), given the module statistics of the current partition.
double move_delta(const FlowNetwork& g, const index_t* labels, const std::vector<ModuleFlow>& modules,
                  index_t v, index_t target);

}  // namespace unsup::graph
