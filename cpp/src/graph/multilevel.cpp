#include "unsup/graph/multilevel.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "local_moving.hpp"
#include "unsup/parallel.hpp"

namespace unsup::graph {

namespace {

/// Depth of every module (top modules: 1); throws on a cycle.
std::vector<index_t> module_depths(const ModuleTree& t) {
    const index_t M = t.n_modules();
    std::vector<index_t> depth(static_cast<std::size_t>(M), 0), chain;
    for (index_t m = 0; m < M; ++m) {
        chain.clear();
        index_t x = m;
        while (x >= 0 && depth[x] == 0) {
            chain.push_back(x);
            require(static_cast<index_t>(chain.size()) <= M, "tree: the module parents form a cycle");
            x = t.parent[x];
        }
        index_t d = x >= 0 ? depth[x] : 0;
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) depth[*it] = ++d;
    }
    return depth;
}

std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t key) {
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (key + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

}  // namespace

void validate_tree(const ModuleTree& t, index_t n) {
    require(static_cast<index_t>(t.leaf_of.size()) == n, "tree: need one leaf module per node");
    const index_t M = t.n_modules();
    for (index_t m = 0; m < M; ++m)
        require(t.parent[m] >= -1 && t.parent[m] < M && t.parent[m] != m, "tree: module parent out of range");
    for (index_t v = 0; v < n; ++v) require(t.leaf_of[v] >= -1 && t.leaf_of[v] < M, "tree: leaf module out of range");
    (void)module_depths(t);
    std::vector<char> used(static_cast<std::size_t>(M), 0);
    for (index_t v = 0; v < n; ++v)
        for (index_t m = t.leaf_of[v]; m >= 0 && !used[m]; m = t.parent[m]) used[m] = 1;
    for (index_t m = 0; m < M; ++m) require(used[m] != 0, "tree: every module must hold a node");
}

HierarchicalCodelength hierarchical_codelength(const FlowNetwork& g, const ModuleTree& t) {
    validate_tree(t, g.n);
    const index_t M = t.n_modules();
    const std::size_t uM = static_cast<std::size_t>(M);
    const std::vector<index_t> depth = module_depths(t);
    auto depth_of = [&](index_t m) { return m < 0 ? 0 : depth[m]; };

    std::vector<ModuleFlow> s(uM);
    for (index_t v = 0; v < g.n; ++v)
        for (index_t m = t.leaf_of[v]; m >= 0; m = t.parent[m]) {
            s[m].flow += g.node_flow[v];
            if (g.recorded) {
                s[m].tele_flow += g.tele_flow[v];
                s[m].tele_weight += g.tele_weight[v];
            }
        }
    // A link v -> u leaves every module that holds v but not u: those below their lowest common
    // ancestor on v's side.
    for (index_t v = 0; v < g.n; ++v) {
        const index_t a0 = t.leaf_of[v];
        for (offset_t e = g.indptr[v]; e < g.indptr[v + 1]; ++e) {
            index_t a = a0, b = t.leaf_of[g.neighbor[e]];
            while (a != b) {
                if (depth_of(a) >= depth_of(b)) {
                    s[a].exit += g.out_flow[e];
                    if (g.directed) s[a].enter += g.in_flow[e];
                    a = t.parent[a];
                } else {
                    b = t.parent[b];
                }
            }
        }
    }
    if (!g.directed)
        for (auto& x : s) x.enter = x.exit;

    const MapEquation eq(g);
    HierarchicalCodelength h;
    h.flow.resize(uM);
    h.exit.resize(uM);
    h.enter.resize(uM);
    // Codebook c = module c - 1 (c = 0: the root): its rate and the sum of plogp of its codewords.
    std::vector<double> rate(uM + 1, 0.0), codewords(uM + 1, 0.0);
    for (index_t m = 0; m < M; ++m) {
        h.flow[m] = s[m].flow;
        h.exit[m] = eq.exit_of(s[m]);
        h.enter[m] = eq.enter_of(s[m]);
        rate[m + 1] += h.exit[m];
        codewords[m + 1] += plogp(h.exit[m]);
        rate[t.parent[m] + 1] += h.enter[m];
        codewords[t.parent[m] + 1] += plogp(h.enter[m]);
    }
    for (index_t v = 0; v < g.n; ++v) {
        const double p = g.node_flow[v];
        rate[t.leaf_of[v] + 1] += p;
        codewords[t.leaf_of[v] + 1] += plogp(p);
    }
    h.codebook.resize(uM);
    h.index = plogp(rate[0]) - codewords[0];
    h.total = h.index;
    for (index_t m = 0; m < M; ++m) {
        h.codebook[m] = plogp(rate[m + 1]) - codewords[m + 1];
        h.total += h.codebook[m];
    }
    return h;
}

namespace {

/// One module's sub-network: its nodes (0..k-1, in the order of `nodes`) and one outside node
/// (k) that stands for the rest of the network, linked to each node by the flow between that
/// node and the outside. Each node keeps its own flow and its total link flow, so a sub-module's
/// exit counts flow to anywhere outside it; the outside node keeps the module's exit and enter
/// flow (and the teleportation of the rest of the network), so its own module's terms are the
/// module's exit codeword: the two-level codelength of {outside} + sub-modules is the module's
/// share of the multilevel code with those sub-modules as leaves.
struct SubNetwork {
    FlowNetwork net;
    std::vector<index_t> group;  // 0: the module's nodes, 1: the outside node
    double leaf_codelength = 0.0;  // the module's share when it is a leaf
};

/// A module node's links to the outside, summed.
struct External {
    index_t node;
    double out, in;
};

/// The links of the sub-network `f` of the module's `nodes` (k of them, `local_of` their local
/// numbers, -1 elsewhere): links inside the module as they are, each node's links to the rest
/// of the network summed into one link to the outside node k (listed in `external`), and k's
/// links back; the module's exit and enter flow go to `module`.
template <bool kDirected>
void sub_network_links(const FlowNetwork& g, const std::vector<index_t>& nodes, const std::vector<index_t>& local_of,
                       FlowNetwork& f, std::vector<External>& external, ModuleFlow& module) {
    const index_t k = static_cast<index_t>(nodes.size());
    {
        // An upper bound on the sub-network's links: each node's own, one to the outside node
        // per node, and as many back.
        offset_t links = 0;
        for (index_t v : nodes) links += g.indptr[v + 1] - g.indptr[v];
        const std::size_t cap = static_cast<std::size_t>(links) + 2 * static_cast<std::size_t>(k);
        f.neighbor.resize(cap);
        f.out_flow.resize(cap);
        if (kDirected) f.in_flow.resize(cap);
    }
    index_t* const neighbor = f.neighbor.data();
    double* const out_flow = f.out_flow.data();
    double* const in_flow = kDirected ? f.in_flow.data() : nullptr;
    const index_t* const g_neighbor = g.neighbor.data();
    const double* const g_out = g.out_flow.data();
    const double* const g_in = kDirected ? g.in_flow.data() : nullptr;
    std::size_t pos = 0;
    for (index_t i = 0; i < k; ++i) {
        const index_t v = nodes[i];
        double ext_out = 0.0, ext_in = 0.0;
        // Without branches: every link is written, and the position moves on for inside links
        // only (at high mixing most links leave the module, and a branch per link mispredicts).
        for (offset_t e = g.indptr[v]; e < g.indptr[v + 1]; ++e) {
            const index_t u = local_of[g_neighbor[e]];
            const bool inside = u >= 0;
            const double out = g_out[e];
            neighbor[pos] = u;
            out_flow[pos] = out;
            ext_out += inside ? 0.0 : out;
            if constexpr (kDirected) {
                in_flow[pos] = g_in[e];
                ext_in += inside ? 0.0 : g_in[e];
            }
            pos += inside;
        }
        if constexpr (!kDirected) ext_in = ext_out;
        if (ext_out > 0.0 || ext_in > 0.0) {
            neighbor[pos] = k;
            out_flow[pos] = ext_out;
            if constexpr (kDirected) in_flow[pos] = ext_in;
            ++pos;
            external.push_back({i, ext_out, ext_in});
        }
        f.indptr[i + 1] = static_cast<offset_t>(pos);
        module.exit += ext_out;
        module.enter += ext_in;
    }
    for (const External& x : external) {
        neighbor[pos] = x.node;
        out_flow[pos] = x.in;
        if constexpr (kDirected) in_flow[pos] = x.out;
        ++pos;
    }
    f.indptr[k + 1] = static_cast<offset_t>(pos);
    f.neighbor.resize(pos);
    f.out_flow.resize(pos);
    if (kDirected) f.in_flow.resize(pos);
}

SubNetwork sub_network(const FlowNetwork& g, const std::vector<index_t>& nodes, std::vector<index_t>& local_of) {
    const index_t k = static_cast<index_t>(nodes.size());
    for (index_t i = 0; i < k; ++i) local_of[nodes[i]] = i;
    SubNetwork s;
    s.net = g.derived(k + 1);  // node_entropy: set below, to the module's nodes'
    FlowNetwork& f = s.net;
    const std::size_t n1 = static_cast<std::size_t>(k) + 1;
    f.indptr.assign(n1 + 1, 0);
    f.node_flow.assign(n1, 0.0);
    f.out_total.assign(n1, 0.0);
    if (g.directed) f.in_total.assign(n1, 0.0);
    if (g.recorded) {
        f.tele_flow.assign(n1, 0.0);
        f.tele_weight.assign(n1, 0.0);
    }
    ModuleFlow module;
    std::vector<External> external;
    if (g.directed)
        sub_network_links<true>(g, nodes, local_of, f, external, module);
    else
        sub_network_links<false>(g, nodes, local_of, f, external, module);
    double entropy = 0.0;
    for (index_t i = 0; i < k; ++i) {
        const index_t v = nodes[i];
        entropy += plogp(g.node_flow[v]);
        f.node_flow[i] = g.node_flow[v];
        f.out_total[i] = g.out_total[v];
        if (g.directed) f.in_total[i] = g.in_total[v];
        if (g.recorded) {
            f.tele_flow[i] = g.tele_flow[v];
            f.tele_weight[i] = g.tele_weight[v];
            module.tele_flow += g.tele_flow[v];
            module.tele_weight += g.tele_weight[v];
        }
        module.flow += g.node_flow[v];
    }
    f.out_total[k] = module.enter;
    if (g.directed) f.in_total[k] = module.exit;
    if (g.recorded) {
        f.tele_flow[k] = g.tele_total - module.tele_flow;
        f.tele_weight[k] = 1.0 - module.tele_weight;
    }
    f.node_entropy = entropy;
    s.group.assign(n1, 0);
    s.group[k] = 1;
    const MapEquation eq(g);
    const double exit = eq.exit_of(module);
    s.leaf_codelength = plogp(exit + module.flow) - plogp(exit) - entropy;
    for (index_t i = 0; i < k; ++i) local_of[nodes[i]] = -1;
    return s;
}

/// A sub-module search whose partition lies this many times above the module's leaf codelength
/// cannot end below it: neither tuning it nor the search's other trials are run. Measured on
/// LFR graphs (mu 0.1-0.7), digits and nested SBMs: tuning shortened first partitions by at most
/// 2% of the leaf codelength, and over 2424 searches of 5 trials the first trial was at most
/// 2.2% (99%: 0.5%) of it above the best; of the 1692 first trials above this margin, no later
/// trial ended below the leaf.
constexpr double kSplitMargin = 1.1;

/// The best split of one module into sub-modules, if it shortens the module's share.
struct Split {
    bool accepted = false;
    std::vector<index_t> labels;  // sub-module of each of the module's nodes, compact
    index_t n_parts = 0;
    double gain = 0.0;            // change of the codelength (negative)
};

Split split_module(const FlowNetwork& g, const std::vector<index_t>& nodes, const MultilevelOptions& opt,
                   std::uint64_t key, std::vector<index_t>& local_of, const StopToken& stop) {
    const SubNetwork sub = sub_network(g, nodes, local_of);
    InfomapOptions o = opt.two_level;
    o.group = sub.group.data();
    o.seed = mix_seed(opt.two_level.seed, key);
    // Tuning refines a split; it is skipped when the first partition cannot lead to one: it has
    // no split (the outside node's module and one more) or lies above the margin (the accepted
    // splits of the measurements started at most 1.6% above the leaf, the rejected ones of LFR
    // at 12.6% and more).
    o.tune_min_modules = 3;
    o.tune_max_objective = kSplitMargin * sub.leaf_codelength;
    TrialResult best;
    for (int t = 0; t < opt.sub_trials; ++t) {
        TrialResult r = infomap_trial(sub.net, o, static_cast<std::uint64_t>(t), stop);
        if (t == 0 || r.codelength.total < best.codelength.total) best = std::move(r);
        // A trial this far above the leaf: the others will not end below it either.
        if (best.codelength.total >= kSplitMargin * sub.leaf_codelength) break;
    }
    Split s;
    const index_t k = static_cast<index_t>(nodes.size());
    // The outside node's module and at least two sub-modules.
    if (best.n_modules < 3) return s;
    const double tolerance = 1e-10 * std::max(1.0, std::abs(sub.leaf_codelength));
    if (!(best.codelength.total < sub.leaf_codelength - tolerance)) return s;
    s.accepted = true;
    s.gain = best.codelength.total - sub.leaf_codelength;
    s.labels.assign(best.labels.begin(), best.labels.begin() + k);
    s.n_parts = compact_labels(s.labels);
    return s;
}

/// The network whose nodes are `labels`' modules, each weighted by its enter flow: the
/// two-level codelength of a partition of it, less its one-level codelength, is the change of
/// the multilevel code when its modules are grouped into super-modules by that partition.
FlowNetwork module_network(const FlowNetwork& g, const std::vector<index_t>& labels, index_t k) {
    FlowNetwork c = detail::aggregate(g, labels, k);
    const MapEquation eq(c);
    double entropy = 0.0;
    for (index_t m = 0; m < k; ++m) {
        const double enter = eq.enter_of(node_stats(c, m));
        c.node_flow[m] = enter;
        entropy += plogp(enter);
    }
    c.node_entropy = entropy;
    return c;
}

/// Clusters the modules `labels` (the top modules of `tree`, numbered as in the tree) into
/// super-modules while that shortens the index code; adds the levels to `tree` and the gains
/// to `codelength`; returns the number of levels added.
int super_modules(const FlowNetwork& g, const std::vector<index_t>& labels, index_t k, const MultilevelOptions& opt,
                  const StopToken& stop, ModuleTree& tree, double& codelength) {
    std::vector<index_t> top(static_cast<std::size_t>(k));  // tree module of each module-network node
    for (index_t m = 0; m < k; ++m) top[m] = m;
    FlowNetwork net = module_network(g, labels, k);
    int levels = 0;
    for (int level = 0; level < opt.max_super_levels && net.n >= 3; ++level) {
        InfomapOptions o = opt.two_level;
        o.n_trials = opt.super_trials;
        o.seed = mix_seed(opt.two_level.seed, ~static_cast<std::uint64_t>(level));
        const InfomapResult s = infomap(net, o, stop);
        const double one = one_level_codelength(net);
        const double tolerance = 1e-10 * std::max(1.0, std::abs(one));
        if (s.best.n_modules < 2 || s.best.n_modules >= net.n || !(s.best.codelength.total < one - tolerance)) break;
        codelength += s.best.codelength.total - one;
        ++levels;
        const index_t first = tree.n_modules();
        tree.parent.resize(tree.parent.size() + static_cast<std::size_t>(s.best.n_modules), -1);
        for (index_t m = 0; m < net.n; ++m) tree.parent[top[m]] = first + s.best.labels[m];
        top.resize(static_cast<std::size_t>(s.best.n_modules));
        for (index_t p = 0; p < s.best.n_modules; ++p) top[p] = first + p;
        net = module_network(net, s.best.labels, s.best.n_modules);
    }
    return levels;
}

}  // namespace

MultilevelResult infomap_multilevel(const FlowNetwork& g, const MultilevelOptions& opt, const StopToken& stop) {
    require(opt.sub_trials >= 1, "sub_trials must be >= 1");
    require(opt.super_trials >= 1, "super_trials must be >= 1");
    require(opt.max_sub_depth >= 0 && opt.max_super_levels >= 0, "level limits must be >= 0");
    MultilevelResult r;
    r.two_level = infomap(g, opt.two_level, stop);
    if (g.n == 0) return r;
    const std::vector<index_t>& labels = r.two_level.best.labels;
    const index_t k = r.two_level.best.n_modules;
    r.codelength = r.two_level.best.codelength.total;
    r.tree.parent.assign(static_cast<std::size_t>(k), -1);
    r.tree.leaf_of = labels;

    // (a) Sub-modules, one level of the tree at a time; modules of a level are independent.
    struct Item {
        index_t module;
        std::vector<index_t> nodes;
    };
    std::vector<Item> queue(static_cast<std::size_t>(k));
    for (index_t m = 0; m < k; ++m) queue[m].module = m;
    for (index_t v = 0; v < g.n; ++v) queue[labels[v]].nodes.push_back(v);
    auto keep_splittable = [&](std::vector<Item>& items) {
        items.erase(std::remove_if(items.begin(), items.end(),
                                   [&](const Item& it) {
                                       return static_cast<index_t>(it.nodes.size()) <
                                              std::max<index_t>(opt.min_split_size, 2);
                                   }),
                    items.end());
    };
    keep_splittable(queue);
    const int workers = resolve_n_jobs(opt.two_level.n_jobs);
    std::vector<std::vector<index_t>> local_of(static_cast<std::size_t>(workers));
    for (int depth = 0; depth < opt.max_sub_depth && !queue.empty(); ++depth) {
        std::vector<Split> splits(queue.size());
        parallel_for_workers(queue.size(), workers, [&](std::size_t i, std::size_t w) {
            if (local_of[w].empty()) local_of[w].assign(static_cast<std::size_t>(g.n), -1);
            splits[i] = split_module(g, queue[i].nodes, opt, static_cast<std::uint64_t>(queue[i].module),
                                     local_of[w], stop);
        });
        std::vector<Item> next;
        bool any = false;
        for (std::size_t i = 0; i < queue.size(); ++i) {
            const Split& s = splits[i];
            if (!s.accepted) continue;
            any = true;
            r.codelength += s.gain;
            const index_t first = r.tree.n_modules();
            for (index_t p = 0; p < s.n_parts; ++p) {
                r.tree.parent.push_back(queue[i].module);
                next.push_back({first + p, {}});
            }
            Item* children = &next[next.size() - static_cast<std::size_t>(s.n_parts)];
            for (std::size_t j = 0; j < queue[i].nodes.size(); ++j) {
                const index_t v = queue[i].nodes[j];
                r.tree.leaf_of[v] = first + s.labels[j];
                children[s.labels[j]].nodes.push_back(v);
            }
        }
        if (any) ++r.sub_levels;
        keep_splittable(next);
        queue.swap(next);
    }

    // (b) Super-modules, from two starts; the shorter tree wins:
    //  A. over the top modules (the sub-modules found above stay below them);
    //  B. over the innermost modules, when sub-modules were found (the two-level optimum can mix
    //     levels of a hierarchy, such as whole groups next to single blocks of other groups).
    MultilevelResult a = r;
    a.super_levels = super_modules(g, labels, k, opt, stop, a.tree, a.codelength);
    if (r.sub_levels == 0) return a;
    MultilevelResult b = r;
    std::vector<index_t> leaves = r.tree.leaf_of;
    const index_t n_leaves = compact_labels(leaves);
    b.tree.parent.assign(static_cast<std::size_t>(n_leaves), -1);
    b.tree.leaf_of = leaves;
    b.codelength = map_equation(g, leaves.data(), n_leaves).total;
    b.sub_levels = 0;
    b.super_levels = super_modules(g, leaves, n_leaves, opt, stop, b.tree, b.codelength);
    if (b.codelength < a.codelength - 1e-12 * std::max(1.0, std::abs(a.codelength))) return b;
    return a;
}

}  // namespace unsup::graph
