#include "unsup/graph/modularity.hpp"

#include <algorithm>
#include <cmath>

#include "local_moving.hpp"
#include "unsup/graph/infomap.hpp"
#include "unsup/parallel.hpp"

namespace unsup::graph {
namespace {

using detail::ScoredTerm;

/// Modularity of an undirected network as terms of the partition search: a module is its cut
/// share x (links leaving it) and degree share k, and adds x + gamma k^2 to 1 - Q, which the
/// search minimises.
struct ModularityTerms {
    struct Module {
        double exit = 0.0;
        double flow = 0.0;
    };
    static constexpr bool kDirected = false;
    static constexpr bool kIndexTerm = false;
    static constexpr bool kBoundedCandidates = false;
    double resolution = 1.0;

    static Module node(const FlowNetwork& g, index_t v) { return {g.out_total[v], g.node_flow[v]}; }
    /// Module m after node v (statistics `x`) joins it; `out` = weight between v and m's members.
    static Module join(const Module& m, const Module& x, double out, double) {
        return {m.exit + x.exit - 2.0 * out, m.flow + x.flow};
    }
    static Module leave(const Module& m, const Module& x, double out, double) {
        return {m.exit - x.exit + 2.0 * out, m.flow - x.flow};
    }
    static void remove_internal(Module& m, double out, double) { m.exit -= out; }
    ScoredTerm<Module> score(const Module& m) const {
        ScoredTerm<Module> s;
        s.stats = m;
        s.term = m.exit + resolution * m.flow * m.flow;
        return s;
    }
};

/// Directed modularity (Leicht & Newman): a module is its out-link share x (links from it to
/// other modules) and its out- and in-degree shares, and adds x + gamma k_out k_in to 1 - Q.
struct DirectedModularityTerms {
    struct Module {
        double exit = 0.0;
        double out = 0.0;
        double in = 0.0;
    };
    static constexpr bool kDirected = true;
    static constexpr bool kIndexTerm = false;
    static constexpr bool kBoundedCandidates = false;
    double resolution = 1.0;

    static Module node(const FlowNetwork& g, index_t v) { return {g.out_total[v], g.node_flow[v], g.node_in[v]}; }
    /// `out` = weight from v to m's members, `in` = weight from them to v.
    static Module join(const Module& m, const Module& x, double out, double in) {
        return {m.exit + (x.exit - out) - in, m.out + x.out, m.in + x.in};
    }
    static Module leave(const Module& m, const Module& x, double out, double in) {
        return {m.exit - (x.exit - out) + in, m.out - x.out, m.in - x.in};
    }
    static void remove_internal(Module& m, double out, double) { m.exit -= out; }
    ScoredTerm<Module> score(const Module& m) const {
        ScoredTerm<Module> s;
        s.stats = m;
        s.term = m.exit + resolution * m.out * m.in;
        return s;
    }
};

/// A partition's modularity, minimised as `total` = -Q by the search.
struct ModularityObjective {
    double total = 0.0;
    double modularity = 0.0;
};

FlowNetwork undirected_network(const CsrView& a) {
    FlowNetwork g;
    g.n = a.n_rows;
    const std::size_t n = static_cast<std::size_t>(g.n);
    double degrees = 0.0;  // 2m: a self-link adds its weight twice
    for (index_t r = 0; r < g.n; ++r)
        for (offset_t e = a.indptr[r]; e < a.indptr[r + 1]; ++e) degrees += (a.indices[e] == r ? 2.0 : 1.0) * a.data[e];
    const double scale = degrees > 0.0 ? 1.0 / degrees : 0.0;
    g.indptr.assign(n + 1, 0);
    g.node_flow.assign(n, 0.0);
    g.out_total.assign(n, 0.0);
    g.neighbor.reserve(static_cast<std::size_t>(a.nnz()));
    g.out_flow.reserve(static_cast<std::size_t>(a.nnz()));
    for (index_t r = 0; r < g.n; ++r) {
        double degree = 0.0, out = 0.0;
        for (offset_t e = a.indptr[r]; e < a.indptr[r + 1]; ++e) {
            const double w = a.data[e] * scale;
            if (a.indices[e] == r) {
                degree += 2.0 * w;
                continue;
            }
            degree += w;
            if (!(w > 0.0)) continue;
            g.neighbor.push_back(a.indices[e]);
            g.out_flow.push_back(w);
            out += w;
        }
        g.node_flow[r] = degree;
        g.out_total[r] = out;
        g.indptr[r + 1] = static_cast<offset_t>(g.neighbor.size());
    }
    return g;
}

FlowNetwork directed_network(const CsrView& a) {
    FlowNetwork g;
    g.n = a.n_rows;
    g.directed = true;
    const index_t n = g.n;
    const std::size_t un = static_cast<std::size_t>(n);
    double total = 0.0;
    for (offset_t e = 0; e < a.nnz(); ++e) total += a.data[e];
    const double scale = total > 0.0 ? 1.0 / total : 0.0;
    g.node_flow.assign(un, 0.0);
    g.node_in.assign(un, 0.0);
    for (index_t r = 0; r < n; ++r)
        for (offset_t e = a.indptr[r]; e < a.indptr[r + 1]; ++e) {
            g.node_flow[r] += a.data[e] * scale;
            g.node_in[a.indices[e]] += a.data[e] * scale;
        }
    // Symmetric neighbour lists: each neighbour once, with the weight towards it and back.
    detail::symmetric_links(a, detail::transpose(a), g, [scale](index_t, double w) { return w * scale; });
    return g;
}

/// Module statistics of a partition with ids in [0, k).
template <class Terms>
std::vector<typename Terms::Module> module_stats(const FlowNetwork& g, const index_t* labels, index_t k) {
    std::vector<typename Terms::Module> mods(static_cast<std::size_t>(k));
    for (index_t v = 0; v < g.n; ++v) {
        const index_t m = labels[v];
        require(m >= 0 && m < k, "labels must lie in [0, n_modules)");
        auto& s = mods[m];
        s = Terms::join(s, Terms::node(g, v), 0.0, 0.0);
        for (offset_t e = g.indptr[v]; e < g.indptr[v + 1]; ++e)
            if (labels[g.neighbor[e]] == m) Terms::remove_internal(s, g.out_flow[e], 0.0);
    }
    return mods;
}

template <class Terms>
double move_delta(const FlowNetwork& g, const Terms& terms, const index_t* labels, index_t v, index_t target) {
    require(v >= 0 && v < g.n, "node out of range");
    require(target >= 0 && target < g.n, "target module out of range");
    const index_t source = labels[v];
    if (source == target) return 0.0;
    const auto mods = module_stats<Terms>(g, labels, g.n);
    const MoveLinks l = move_links(g, labels, v, source, target);
    const auto x = Terms::node(g, v);
    const auto& a = mods[source];
    const auto& b = mods[target];
    const double change = terms.score(Terms::leave(a, x, l.out_source, l.in_source)).term - terms.score(a).term +
                          terms.score(Terms::join(b, x, l.out_target, l.in_target)).term - terms.score(b).term;
    return -change;  // the terms add up to 1 - Q
}

template <class Terms>
LouvainResult run(const FlowNetwork& g, const LouvainOptions& opt, const StopToken& stop) {
    detail::SearchOptions s;
    s.seed = opt.seed;
    s.core_loop_limit = opt.pass_limit;
    s.sub_core_loop_limit = 2;
    s.coarse_from_split = true;
    const bool levels_limited = opt.max_levels != INT_MAX;
    s.tune_iteration_limit = opt.refine && !levels_limited ? 0 : -1;
    s.min_relative_tune_improvement = opt.min_relative_tune_improvement;
    s.min_tune_improvement = opt.threshold;  // tuning, too, stops after a step that gains no more
    s.min_move_improvement = opt.min_move_improvement;
    s.prune_candidates = false;
    s.tune_both_ways = true;
    s.max_levels = opt.max_levels;
    s.level_threshold = opt.threshold;
    Terms terms;
    terms.resolution = opt.resolution;
    auto evaluate = [&](const index_t* labels, index_t k) {
        ModularityObjective o;
        o.modularity = modularity(g, labels, k, opt.resolution);
        o.total = -o.modularity;
        return o;
    };
    using Found = detail::SearchResult<ModularityObjective>;
    std::vector<Found> trials(static_cast<std::size_t>(opt.n_trials));
    parallel_for(trials.size(), opt.n_jobs,
                 [&](std::size_t t) { trials[t] = detail::search(g, terms, s, t, stop, evaluate); });
    LouvainResult r;
    std::size_t best = 0;
    for (std::size_t t = 0; t < trials.size(); ++t) {
        r.trial_modularities.push_back(trials[t].objective.modularity);
        if (trials[t].objective.modularity > trials[best].objective.modularity) best = t;
    }
    r.best_trial = static_cast<int>(best);
    r.labels = std::move(trials[best].labels);
    r.n_modules = trials[best].n_modules;
    r.modularity = trials[best].objective.modularity;
    r.tune_iterations = trials[best].tune_iterations;
    return r;
}

}  // namespace

FlowNetwork build_modularity_network(const CsrView& adjacency, bool directed) {
    require(adjacency.n_rows == adjacency.n_cols, "adjacency must be square");
    adjacency.validate("adjacency", /*nonnegative=*/true);
    return directed ? directed_network(adjacency) : undirected_network(adjacency);
}

double modularity(const FlowNetwork& g, const index_t* labels, index_t n_modules, double resolution) {
    const std::size_t k = static_cast<std::size_t>(n_modules);
    std::vector<double> exit(k, 0.0), out(k, 0.0), in(k, 0.0);
    for (index_t v = 0; v < g.n; ++v) {
        const index_t m = labels[v];
        require(m >= 0 && m < n_modules, "labels must lie in [0, n_modules)");
        out[m] += g.node_flow[v];
        in[m] += g.directed ? g.node_in[v] : g.node_flow[v];
        for (offset_t e = g.indptr[v]; e < g.indptr[v + 1]; ++e)
            if (labels[g.neighbor[e]] != m) exit[m] += g.out_flow[e];
    }
    double q = 0.0;
    for (std::size_t c = 0; c < k; ++c) q += out[c] - exit[c] - resolution * out[c] * in[c];
    return q;
}

double modularity_move_delta(const FlowNetwork& g, const index_t* labels, index_t v, index_t target,
                             double resolution) {
    if (g.directed) {
        DirectedModularityTerms t;
        t.resolution = resolution;
        return move_delta(g, t, labels, v, target);
    }
    ModularityTerms t;
    t.resolution = resolution;
    return move_delta(g, t, labels, v, target);
}

LouvainResult louvain(const FlowNetwork& g, const LouvainOptions& opt, const StopToken& stop) {
    require(std::isfinite(opt.resolution) && opt.resolution >= 0.0, "resolution must be finite and non-negative");
    require(std::isfinite(opt.threshold), "threshold must be finite");
    require(opt.n_trials >= 1, "n_trials must be >= 1");
    require(opt.max_levels >= 1, "max_level must be a positive integer");
    require(opt.pass_limit >= 1, "pass_limit must be >= 1");
    if (g.n == 0) {
        LouvainResult r;
        r.trial_modularities.assign(static_cast<std::size_t>(opt.n_trials), 0.0);
        return r;
    }
    return g.directed ? run<DirectedModularityTerms>(g, opt, stop) : run<ModularityTerms>(g, opt, stop);
}

}  // namespace unsup::graph
