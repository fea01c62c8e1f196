#include "unsup/graph/infomap.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>

#include "unsup/parallel.hpp"

namespace unsup::graph {

index_t compact_labels(std::vector<index_t>& labels) {
    index_t max_label = -1;
    for (index_t x : labels) max_label = std::max(max_label, x);
    std::vector<index_t> remap(static_cast<std::size_t>(max_label) + 1, -1);
    index_t k = 0;
    for (index_t& x : labels) {
        if (remap[x] < 0) remap[x] = k++;
        x = remap[x];
    }
    return k;
}

namespace {

constexpr int kUnlimitedLevels = INT_MAX;

/// Local moving of nodes between modules on one level of the network.
/// Modules are identified by ids in [0, n); a node may move to a neighbour's module or, when
/// its module has other members, to an empty module. Only nodes whose neighbourhood changed
/// since their last visit are visited again.
class LocalMover {
public:
    LocalMover(const FlowNetwork& g, const InfomapOptions& opt, Rng& rng, const StopToken& stop)
        : g_(g), eq_(g), opt_(opt), rng_(rng), stop_(stop) {
        const std::size_t n = static_cast<std::size_t>(g.n);
        module_.resize(n);
        size_.assign(n, 0);
        mods_.assign(n, ModuleFlow{});
        term_.assign(n, 0.0);
        enter_.assign(n, 0.0);
        acc_out_.assign(n, 0.0);
        if (g.directed) acc_in_.assign(n, 0.0);
        touched_flag_.assign(n, 0);
        queued_.assign(n, 0);
    }

    /// Starts from `init` (ids in [0, n)) or from singletons; `group` (optional) confines every
    /// node to modules of its own group.
    void reset(const index_t* init, const index_t* group) {
        group_ = group;
        for (index_t v = 0; v < g_.n; ++v) module_[v] = init ? init[v] : v;
        std::fill(size_.begin(), size_.end(), 0);
        for (index_t v = 0; v < g_.n; ++v) ++size_[module_[v]];
        mods_ = module_flows(g_, module_.data(), g_.n);
        empty_.clear();
        for (index_t m = g_.n - 1; m >= 0; --m)
            if (size_[m] == 0) empty_.push_back(m);
        refresh_totals();
    }

    /// Runs passes until no node moves or the pass limit is reached; returns the number of moves.
    std::size_t run(int pass_limit) {
        std::size_t total_moves = 0;
        next_.resize(static_cast<std::size_t>(g_.n));
        for (index_t v = 0; v < g_.n; ++v) next_[v] = v;
        std::fill(queued_.begin(), queued_.end(), 1);
        for (int pass = 0; pass < pass_limit && !next_.empty(); ++pass) {
            stop_.check();
            active_.swap(next_);
            next_.clear();
            for (index_t v : active_) queued_[v] = 0;
            shuffle(active_.data(), active_.size(), rng_);
            refresh_totals();
            std::size_t moves = 0, visited = 0;
            for (index_t v : active_) {
                moves += visit(v);
                if ((++visited & 0xFFFF) == 0) stop_.check();
            }
            total_moves += moves;
            if (moves == 0) break;
        }
        return total_moves;
    }

    const std::vector<index_t>& modules() const { return module_; }

private:
    void refresh_totals() {
        enter_total_ = 0.0;
        for (index_t m = 0; m < g_.n; ++m) {
            if (size_[m] == 0) {
                mods_[m] = ModuleFlow{};
                term_[m] = enter_[m] = 0.0;
                continue;
            }
            term_[m] = eq_.term(mods_[m]);
            enter_[m] = eq_.enter_of(mods_[m]);
            enter_total_ += enter_[m];
        }
    }

    /// Moves v to the module that shortens the codelength most; returns 1 if it moved.
    int visit(index_t v) {
        const bool directed = g_.directed;
        const index_t a = module_[v];
        const index_t my_group = group_ ? group_[v] : 0;
        touched_.clear();
        for (offset_t e = g_.indptr[v]; e < g_.indptr[v + 1]; ++e) {
            const index_t u = g_.neighbor[e];
            if (group_ && group_[u] != my_group) continue;
            const index_t m = module_[u];
            if (!touched_flag_[m]) {
                touched_flag_[m] = 1;
                touched_.push_back(m);
                acc_out_[m] = 0.0;
                if (directed) acc_in_[m] = 0.0;
            }
            acc_out_[m] += g_.out_flow[e];
            if (directed) acc_in_[m] += g_.in_flow[e];
        }
        const ModuleFlow node = node_stats(g_, v);
        const double out_a = touched_flag_[a] ? acc_out_[a] : 0.0;
        const double in_a = touched_flag_[a] ? (directed ? acc_in_[a] : out_a) : 0.0;
        const ModuleFlow a_new = without_node(mods_[a], node, out_a, in_a);
        const double a_term_new = eq_.term(a_new);
        const double a_enter_new = eq_.enter_of(a_new);
        const double enter_base = enter_total_ - enter_[a] + a_enter_new;
        const double index_old = plogp(enter_total_);
        const double a_change = a_term_new - term_[a];

        index_t best = a;
        double best_delta = -opt_.min_move_improvement;
        ModuleFlow best_flow;
        double best_term = 0.0, best_enter = 0.0;
        auto consider = [&](index_t m, const ModuleFlow& b_new) {
            const double b_enter_new = eq_.enter_of(b_new);
            const double b_term_new = eq_.term(b_new);
            const double enter_total_new = enter_base - enter_[m] + b_enter_new;
            const double delta = plogp(enter_total_new) - index_old + a_change + b_term_new - term_[m];
            if (delta < best_delta) {
                best_delta = delta;
                best = m;
                best_flow = b_new;
                best_term = b_term_new;
                best_enter = b_enter_new;
            }
        };
        for (index_t m : touched_) {
            touched_flag_[m] = 0;
            if (m == a) continue;
            const double in_m = directed ? acc_in_[m] : acc_out_[m];
            consider(m, with_node(mods_[m], node, acc_out_[m], in_m));
        }
        if (size_[a] > 1 && !empty_.empty()) consider(empty_.back(), with_node(ModuleFlow{}, node, 0.0, 0.0));
        if (best == a) return 0;

        // Apply the move.
        if (size_[best] == 0) empty_.pop_back();  // `best` was the empty module on top of the stack
        enter_total_ += (a_enter_new - enter_[a]) + (best_enter - enter_[best]);
        mods_[a] = a_new;
        term_[a] = a_term_new;
        enter_[a] = a_enter_new;
        mods_[best] = best_flow;
        term_[best] = best_term;
        enter_[best] = best_enter;
        if (--size_[a] == 0) empty_.push_back(a);
        ++size_[best];
        module_[v] = best;
        for (offset_t e = g_.indptr[v]; e < g_.indptr[v + 1]; ++e) {
            const index_t u = g_.neighbor[e];
            if (!queued_[u] && module_[u] != best) {
                queued_[u] = 1;
                next_.push_back(u);
            }
        }
        return 1;
    }

    const FlowNetwork& g_;
    const MapEquation eq_;
    const InfomapOptions& opt_;
    Rng& rng_;
    const StopToken& stop_;
    const index_t* group_ = nullptr;

    std::vector<index_t> module_, size_, empty_;
    std::vector<ModuleFlow> mods_;
    std::vector<double> term_, enter_;
    double enter_total_ = 0.0;

    std::vector<double> acc_out_, acc_in_;
    std::vector<index_t> touched_;
    std::vector<char> touched_flag_, queued_;
    std::vector<index_t> active_, next_;
};

/// The network whose nodes are the modules of `labels` (compact, k modules).
FlowNetwork aggregate(const FlowNetwork& g, const std::vector<index_t>& labels, index_t k) {
    FlowNetwork c;
    c.n = k;
    c.directed = g.directed;
    c.recorded = g.recorded;
    c.tele_total = g.tele_total;
    c.node_entropy = g.node_entropy;
    const std::size_t uk = static_cast<std::size_t>(k);
    c.node_flow.assign(uk, 0.0);
    c.out_total.assign(uk, 0.0);
    if (g.directed) c.in_total.assign(uk, 0.0);
    if (g.recorded) {
        c.tele_flow.assign(uk, 0.0);
        c.tele_weight.assign(uk, 0.0);
    }
    // Members of each module, by counting sort.
    std::vector<index_t> start(uk + 1, 0), members(static_cast<std::size_t>(g.n));
    for (index_t v = 0; v < g.n; ++v) ++start[labels[v] + 1];
    for (index_t m = 0; m < k; ++m) start[m + 1] += start[m];
    {
        std::vector<index_t> fill(start.begin(), start.end() - 1);
        for (index_t v = 0; v < g.n; ++v) members[fill[labels[v]]++] = v;
    }
    std::vector<double> acc_out(uk, 0.0), acc_in(g.directed ? uk : 0, 0.0);
    std::vector<char> seen(uk, 0);
    std::vector<index_t> touched;
    c.indptr.assign(uk + 1, 0);
    for (index_t m = 0; m < k; ++m) {
        touched.clear();
        for (index_t i = start[m]; i < start[m + 1]; ++i) {
            const index_t v = members[i];
            c.node_flow[m] += g.node_flow[v];
            if (g.recorded) {
                c.tele_flow[m] += g.tele_flow[v];
                c.tele_weight[m] += g.tele_weight[v];
            }
            for (offset_t e = g.indptr[v]; e < g.indptr[v + 1]; ++e) {
                const index_t mu = labels[g.neighbor[e]];
                if (mu == m) continue;
                if (!seen[mu]) {
                    seen[mu] = 1;
                    touched.push_back(mu);
                    acc_out[mu] = 0.0;
                    if (g.directed) acc_in[mu] = 0.0;
                }
                acc_out[mu] += g.out_flow[e];
                if (g.directed) acc_in[mu] += g.in_flow[e];
            }
        }
        for (index_t mu : touched) {
            seen[mu] = 0;
            c.neighbor.push_back(mu);
            c.out_flow.push_back(acc_out[mu]);
            c.out_total[m] += acc_out[mu];
            if (g.directed) {
                c.in_flow.push_back(acc_in[mu]);
                c.in_total[m] += acc_in[mu];
            }
        }
        c.indptr[m + 1] = static_cast<offset_t>(c.neighbor.size());
    }
    return c;
}

/// Local moves followed by repeated aggregation while modules merge.
/// Returns compact labels of g's nodes; `group` (optional) confines modules within groups.
std::vector<index_t> partition(const FlowNetwork& g, const index_t* init, const index_t* group, int max_levels,
                               int pass_limit, const InfomapOptions& opt, Rng& rng, const StopToken& stop) {
    std::vector<index_t> labels;
    index_t k;
    {
        LocalMover mover(g, opt, rng, stop);
        mover.reset(init, group);
        mover.run(pass_limit);
        labels = mover.modules();
        k = compact_labels(labels);
    }
    std::vector<index_t> level_group;
    if (group) {
        level_group.resize(static_cast<std::size_t>(k));
        for (index_t v = 0; v < g.n; ++v) level_group[labels[v]] = group[v];
    }
    FlowNetwork level;
    const FlowNetwork* current = &g;
    index_t current_n = g.n;
    std::vector<index_t> level_labels = labels;  // labels of current's nodes
    for (int depth = 1; depth < max_levels && k < current_n; ++depth) {
        level = aggregate(*current, level_labels, k);
        current = &level;
        current_n = k;
        LocalMover mover(level, opt, rng, stop);
        mover.reset(nullptr, group ? level_group.data() : nullptr);
        if (mover.run(pass_limit) == 0) break;
        std::vector<index_t> coarse_labels = mover.modules();
        const index_t k2 = compact_labels(coarse_labels);
        for (auto& x : labels) x = coarse_labels[x];
        if (group) {
            std::vector<index_t> g2(static_cast<std::size_t>(k2));
            for (index_t m = 0; m < current_n; ++m) g2[coarse_labels[m]] = level_group[m];
            level_group.swap(g2);
        }
        level_labels.swap(coarse_labels);
        k = k2;
    }
    return labels;
}

}  // namespace

TrialResult infomap_trial(const FlowNetwork& g, const InfomapOptions& opt, std::uint64_t trial,
                          const StopToken& stop) {
    Rng rng(opt.seed, trial);
    TrialResult r;
    r.labels = partition(g, nullptr, nullptr, kUnlimitedLevels, opt.core_loop_limit, opt, rng, stop);
    r.n_modules = compact_labels(r.labels);
    r.codelength = map_equation(g, r.labels.data(), r.n_modules);

    auto consider = [&](std::vector<index_t>& labels) {
        const index_t k = compact_labels(labels);
        const Codelength c = map_equation(g, labels.data(), k);
        if (c.total < r.codelength.total - 1e-12) {
            r.labels.swap(labels);
            r.n_modules = k;
            r.codelength = c;
        }
    };

    // Tuning alternates fine-tuning (single nodes move, starting from the current modules) and
    // coarse-tuning (each module is split into sub-modules, which then move as units), and
    // stops once a fine + coarse pair gains less than the relative threshold.
    bool fine = true;
    double round_start = r.codelength.total;
    while (r.n_modules > 1 && opt.tune_iteration_limit >= 0 &&
           (opt.tune_iteration_limit == 0 || r.tune_iterations < opt.tune_iteration_limit)) {
        ++r.tune_iterations;
        if (fine) {
            std::vector<index_t> tuned = partition(g, r.labels.data(), nullptr, kUnlimitedLevels, opt.core_loop_limit,
                                                   opt, rng, stop);
            consider(tuned);
        } else {
            std::vector<index_t> sub = partition(g, nullptr, r.labels.data(), 1, opt.sub_core_loop_limit, opt, rng, stop);
            const index_t n_sub = compact_labels(sub);
            if (n_sub < g.n && n_sub > r.n_modules) {
                const FlowNetwork coarse = aggregate(g, sub, n_sub);
                std::vector<index_t> parent(static_cast<std::size_t>(n_sub));
                for (index_t v = 0; v < g.n; ++v) parent[sub[v]] = r.labels[v];
                const std::vector<index_t> moved =
                    partition(coarse, parent.data(), nullptr, kUnlimitedLevels, opt.core_loop_limit, opt, rng, stop);
                std::vector<index_t> tuned(static_cast<std::size_t>(g.n));
                for (index_t v = 0; v < g.n; ++v) tuned[v] = moved[sub[v]];
                consider(tuned);
            }
            if (!(round_start - r.codelength.total > opt.min_relative_tune_improvement * std::abs(round_start))) break;
            round_start = r.codelength.total;
        }
        fine = !fine;
    }
    return r;
}

InfomapResult infomap(const FlowNetwork& g, const InfomapOptions& opt, const StopToken& stop) {
    require(opt.n_trials >= 1, "n_trials must be >= 1");
    InfomapResult result;
    result.one_level_codelength = one_level_codelength(g);
    if (g.n == 0) return result;
    std::vector<TrialResult> trials(static_cast<std::size_t>(opt.n_trials));
    parallel_for(trials.size(), opt.n_jobs, [&](std::size_t t) { trials[t] = infomap_trial(g, opt, t, stop); });
    result.trial_codelengths.reserve(trials.size());
    std::size_t best = 0;
    for (std::size_t t = 0; t < trials.size(); ++t) {
        result.trial_codelengths.push_back(trials[t].codelength.total);
        if (trials[t].codelength.total < trials[best].codelength.total) best = t;
    }
    result.best_trial = static_cast<int>(best);
    result.best = std::move(trials[best]);
    // When nothing beats one module, the map equation's answer is one module for all linked
    // nodes; nodes without links stay singletons.
    index_t isolated = 0;
    for (index_t v = 0; v < g.n; ++v) isolated += g.indptr[v] == g.indptr[v + 1];
    const double tolerance = 1e-12 * std::max(1.0, std::abs(result.one_level_codelength));
    if (result.best.codelength.total >= result.one_level_codelength - tolerance &&
        result.best.n_modules > isolated + 1) {
        index_t next = isolated < g.n ? 1 : 0;
        for (index_t v = 0; v < g.n; ++v)
            result.best.labels[v] = g.indptr[v] == g.indptr[v + 1] ? next++ : 0;
        result.best.n_modules = compact_labels(result.best.labels);
        result.best.codelength = map_equation(g, result.best.labels.data(), result.best.n_modules);
    }
    return result;
}

}  // namespace unsup::graph
