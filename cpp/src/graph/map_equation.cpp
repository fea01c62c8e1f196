#include "unsup/graph/map_equation.hpp"

#include <string>

namespace unsup::graph {

std::vector<ModuleFlow> module_flows(const FlowNetwork& g, const index_t* labels, index_t n_modules) {
    std::vector<ModuleFlow> mods(static_cast<std::size_t>(n_modules));
    for (index_t v = 0; v < g.n; ++v) {
        const index_t m = labels[v];
        require(m >= 0 && m < n_modules, "labels must lie in [0, n_modules)");
        ModuleFlow& s = mods[m];
        s.flow += g.node_flow[v];
        if (g.recorded) {
            s.tele_flow += g.tele_flow[v];
            s.tele_weight += g.tele_weight[v];
        }
        for (offset_t e = g.indptr[v]; e < g.indptr[v + 1]; ++e) {
            if (labels[g.neighbor[e]] == m) continue;
            s.exit += g.out_flow[e];
            if (g.directed) s.enter += g.in_flow[e];
        }
    }
    if (!g.directed)
        for (auto& s : mods) s.enter = s.exit;
    return mods;
}

Codelength map_equation(const FlowNetwork& g, const index_t* labels, index_t n_modules) {
    const MapEquation eq(g);
    const auto mods = module_flows(g, labels, n_modules);
    double enter_total = 0.0, enter_terms = 0.0, module_terms = 0.0;
    for (const auto& m : mods) {
        const double enter = eq.enter_of(m), exit = eq.exit_of(m);
        enter_total += enter;
        enter_terms += plogp(enter);
        module_terms += plogp(exit + m.flow) - plogp(exit);
    }
    Codelength c;
    c.index = plogp(enter_total) - enter_terms;
    c.module = module_terms - g.node_entropy;
    c.total = c.index + c.module;
    return c;
}

double one_level_codelength(const FlowNetwork& g) {
    double flow = 0.0;
    for (double p : g.node_flow) flow += p;
    return plogp(flow) - g.node_entropy;
}

double move_delta(const FlowNetwork& g, const index_t* labels, const std::vector<ModuleFlow>& modules,
                  index_t v, index_t target) {
    const index_t k = static_cast<index_t>(modules.size());
    require(v >= 0 && v < g.n, "node out of range");
    require(target >= 0 && target < k, "target module out of range");
    const index_t source = labels[v];
    if (source == target) return 0.0;
    const MapEquation eq(g);
    const MoveLinks l = move_links(g, labels, v, source, target);
    const ModuleFlow node = node_stats(g, v);
    const ModuleFlow& a = modules[source];
    const ModuleFlow& b = modules[target];
    const ModuleFlow a2 = without_node(a, node, l.out_source, l.in_source);
    const ModuleFlow b2 = with_node(b, node, l.out_target, l.in_target);
    double enter_total = 0.0;
    for (const auto& m : modules) enter_total += eq.enter_of(m);
    const double enter_total2 = enter_total - eq.enter_of(a) - eq.enter_of(b) + eq.enter_of(a2) + eq.enter_of(b2);
    return plogp(enter_total2) - plogp(enter_total) + eq.term(a2) - eq.term(a) + eq.term(b2) - eq.term(b);
}

}  // namespace unsup::graph
