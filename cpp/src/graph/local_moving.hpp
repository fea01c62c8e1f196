// The generic partition search shared by every quality function (InfoMap's map equation,
// modularity): local moving of nodes between modules, aggregation of modules into nodes, and
// fine- and coarse-tuning (Blondel et al. 2008; Rosvall & Bergstrom 2008).
//
// The search is parameterised by a quality policy `Terms`, which says how a module's statistics
// combine and what each module contributes to the objective (minimised):
//
//   using Module;                               a module's additive statistics
//   static constexpr bool kDirected;            links carry flow both ways (out_flow and in_flow)
//   static constexpr bool kIndexTerm;           the objective adds plogp(sum of module enter flows)
//   static constexpr bool kBoundedCandidates;   use the undirected map equation's bound to skip
//                                               candidate modules (needs Scored's log fields)
//   static Module node(const FlowNetwork&, index_t v);     node v as a module of its own
//   static Module join(m, x, out, in) / leave(m, x, out, in)
//                                               m after node x joins / leaves it; out = flow from
//                                               x to m's other members, in = flow back
//   static void remove_internal(Module&, out, in)   drop a link inside the module
//   Slot score(const Module&) const;            the module's term (and enter flow, if kIndexTerm),
//                                               as a Scored<Module> or, when the search needs no
//                                               more, a smaller ScoredTerm<Module>
//
// The objective is sum over modules of `term` (+ plogp(sum enter) when kIndexTerm); a full
// recomputation (`evaluate` in `search`) scores the partitions that tuning proposes.
#pragma once

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "unsup/common.hpp"
#include "unsup/graph/flow.hpp"
#include "unsup/graph/infomap.hpp"

namespace unsup::graph::detail {

constexpr int kUnlimitedLevels = INT_MAX;

/// Parameters of the search shared by every quality function.
struct SearchOptions {
    std::uint64_t seed = 0;
    /// Passes of the local-move loop on one level (each pass visits the nodes whose
    /// neighbourhood changed since they were last visited).
    int core_loop_limit = 10;
    /// Passes of the local-move loop that splits modules into sub-modules for coarse-tuning.
    int sub_core_loop_limit = 2;
    /// Tuning steps; 0 = until a step gains less than the threshold, -1 = none.
    int tune_iteration_limit = 0;
    /// Each tuning step must decrease the objective by this fraction for tuning to go on...
    double min_relative_tune_improvement = 1e-4;
    /// ... and by at least this much.
    double min_tune_improvement = 0.0;
    /// A single move must decrease the objective by more than this.
    double min_move_improvement = 1e-10;
    /// Tuning stops only when a fine and a coarse step in a row gain too little (else: when one
    /// step does).
    bool tune_both_ways = false;
    /// Levels of the search that splits modules into sub-modules for coarse-tuning.
    int sub_max_levels = 1;
    /// Coarse-tuning also splits each module as well as it can, and tries the split as it is and
    /// a search from scratch on its parts.
    bool coarse_from_split = false;
    /// Skip candidates by the map equation's bound (Terms::kBoundedCandidates only).
    bool prune_candidates = true;
    /// Levels of the first partition (a level = local moves, then aggregation).
    int max_levels = kUnlimitedLevels;
    /// The first partition stops aggregating after a level that gains no more than this.
    double level_threshold = -HUGE_VAL;
    /// Optional group of each node (the finest level): no module ever holds nodes of two groups
    /// (the multilevel search keeps a sub-network's outside node alone this way).
    const index_t* group = nullptr;
    /// Tuning runs only when the first partition has at least this many modules and an
    /// objective below this bound.
    index_t tune_min_modules = 2;
    double tune_max_objective = HUGE_VAL;
    /// A move queues for the next pass only the neighbours that this pass has already visited
    /// (or will not visit); the others see the move when their turn comes. Fewer visits, and
    /// fewer second looks at nodes whose modules changed without their neighbours moving.
    bool skip_pending_neighbors = false;
};

/// The group of each node of the network aggregated by `labels` (nullptr if `group` is).
inline std::vector<index_t> aggregate_group(const index_t* group, const std::vector<index_t>& labels, index_t k) {
    std::vector<index_t> out;
    if (!group) return out;
    out.resize(static_cast<std::size_t>(k));
    for (std::size_t v = 0; v < labels.size(); ++v) out[labels[v]] = group[v];
    return out;
}

/// A module's statistics with what the search caches about them: its codelength term (less the
/// index term), its effective enter flow and, for undirected modules, log2 of its exit and total
/// flow and 1 / exit, the slopes that bound a move's change without a logarithm.
template <class Module>
struct Scored {
    Module stats;
    double term = 0.0;
    double enter = 0.0;
    double log_exit = 0.0;
    double log_total = 0.0;
    double inv_exit = 0.0;
};

/// A module's statistics with its term only: a smaller slot (fewer cache misses) for objectives
/// without the map equation's index term or candidate bound.
template <class Module>
struct ScoredTerm {
    Module stats;
    double term = 0.0;
    double enter = 0.0;  // always 0: no index term
};

/// Local moving of nodes between modules, on any level of the network. One mover serves a whole
/// trial: its buffers are sized once for the finest level and reused by every `reset`.
/// Modules are identified by ids in [0, n); a node may move to a neighbour's module or, when
/// its module has other members, to an empty module. Only nodes whose neighbourhood changed
/// since their last visit are visited again.
template <class Terms>
class LocalMover {
    using Module = typename Terms::Module;
    static constexpr bool kDirected = Terms::kDirected;
    static constexpr bool kIndexTerm = Terms::kIndexTerm;

    using Slot = decltype(std::declval<const Terms&>().score(std::declval<const Module&>()));
    /// A neighbouring module of the node being visited, with the flow between them.
    struct Candidate {
        index_t module;
        double out;
        double in;
    };

public:
    LocalMover(const FlowNetwork& finest, const Terms& terms, const SearchOptions& opt, Rng& rng,
               const StopToken& stop)
        : terms_(terms), opt_(opt), rng_(rng), stop_(stop) {
        const std::size_t n = static_cast<std::size_t>(finest.n);
        module_.resize(n);
        size_.resize(n);
        slots_.resize(n);
        slot_of_.assign(n, -1);
        queued_.assign(n, 0);
        empty_.reserve(n);
        active_.reserve(n);
        next_.reserve(n);
    }

    /// Starts on network `g` (at most as many nodes as the finest level) from `init` (ids in
    /// [0, g.n)) or from singletons; `group` (optional) confines every node to modules of its group.
    void reset(const FlowNetwork& g, const index_t* init, const index_t* group) {
        g_ = &g;
        group_ = group;
        const index_t n = g.n;
        for (index_t v = 0; v < n; ++v) module_[v] = init ? init[v] : v;
        std::fill_n(size_.begin(), n, 0);
        std::fill_n(slots_.begin(), n, Slot{});
        for (index_t v = 0; v < n; ++v) {
            const index_t m = module_[v];
            ++size_[m];
            Module& s = slots_[m].stats;
            const Module x = Terms::node(g, v);
            s = Terms::join(s, x, 0.0, 0.0);
            // Links inside the module carry no exit or enter flow (each side removes its own);
            // singletons have none (self-links are not listed).
            if (!init) continue;
            for (offset_t e = g.indptr[v]; e < g.indptr[v + 1]; ++e) {
                if (module_[g.neighbor[e]] != m) continue;
                Terms::remove_internal(s, g.out_flow[e], kDirected ? g.in_flow[e] : 0.0);
            }
        }
        empty_.clear();
        for (index_t m = n - 1; m >= 0; --m)
            if (size_[m] == 0) empty_.push_back(m);
        refresh_totals();
    }

    /// Runs passes until no node moves or the pass limit is reached; returns the number of moves.
    std::size_t run(int pass_limit) {
        const index_t n = g_->n;
        std::size_t total_moves = 0;
        gain_ = 0.0;
        next_.resize(static_cast<std::size_t>(n));
        for (index_t v = 0; v < n; ++v) next_[v] = v;
        std::fill_n(queued_.begin(), n, kNext);
        for (int pass = 0; pass < pass_limit && !next_.empty(); ++pass) {
            stop_.check();
            active_.swap(next_);
            next_.clear();
            const char pending = opt_.skip_pending_neighbors ? kPending : kIdle;
            for (index_t v : active_) queued_[v] = pending;
            shuffle(active_.data(), active_.size(), rng_);
            resum_totals();
            std::size_t moves = 0;
            const std::size_t count = active_.size();
            for (std::size_t i = 0; i < count; ++i) {
                if (i + kPrefetchAhead < count) prefetch_links(active_[i + kPrefetchAhead]);
                if (queued_[active_[i]] == kPending) queued_[active_[i]] = kIdle;
                moves += visit(active_[i]);
                if (((i + 1) & 0xFFFF) == 0) stop_.check();
            }
            total_moves += moves;
            if (moves == 0) break;
        }
        for (index_t v : next_) queued_[v] = kIdle;
        return total_moves;
    }

    /// Decrease of the objective by the moves of the last `run` (the sum of their changes).
    double gain() const { return gain_; }

    /// Module ids of the current level's nodes, in [0, n) (not compact).
    const index_t* modules() const { return module_.data(); }

private:
    /// Scores every module from its statistics (after `reset`).
    void refresh_totals() {
        for (index_t m = 0; m < g_->n; ++m)
            if (size_[m] != 0) slots_[m] = terms_.score(slots_[m].stats);
        resum_totals();
    }

    /// Re-sums the total enter flow, the one figure that moves update by differences, and clears
    /// the slots of modules emptied since. Rescoring is not needed: a move stores in each slot
    /// the score of the slot's own statistics, so the cached terms cannot drift.
    void resum_totals() {
        double enter_total = 0.0;
        for (index_t m = 0; m < g_->n; ++m) {
            if (size_[m] == 0)
                slots_[m] = Slot{};
            else
                enter_total += slots_[m].enter;
        }
        if constexpr (kIndexTerm) set_enter_total(enter_total);
    }

    /// The index codelength plogp(sum of enter flows) and its series for the moves around it.
    void set_enter_total(double enter_total) {
        enter_total_ = enter_total;
        index_ = PlogpAround(enter_total);
        index_old_ = index_.at_zero();
    }

    /// Visits are in random order, so each one starts on links far from the last one's: asking
    /// for a node's links a few visits ahead hides most of that cache miss.
    static constexpr std::size_t kPrefetchAhead = 4;
    void prefetch_links(index_t v) const {
        const FlowNetwork& g = *g_;
        const offset_t begin = g.indptr[v];
        __builtin_prefetch(g.neighbor.data() + begin);
        __builtin_prefetch(g.out_flow.data() + begin);
        if (g.indptr[v + 1] - begin > 8) __builtin_prefetch(g.out_flow.data() + begin + 8);
        if constexpr (kDirected) __builtin_prefetch(g.in_flow.data() + begin);
    }

    /// Moves v to the module that shortens the codelength most; returns 1 if it moved.
    int visit(index_t v) {
        const FlowNetwork& g = *g_;
        const offset_t begin = g.indptr[v], end = g.indptr[v + 1];
        const index_t* const neighbor = g.neighbor.data();
        const double* const out_flow = g.out_flow.data();
        const double* const in_flow = kDirected ? g.in_flow.data() : nullptr;
        const index_t* const module = module_.data();
        const index_t* const group = group_;
        index_t* const slot_of = slot_of_.data();
        const index_t a = module[v];
        const index_t my_group = group ? group[v] : 0;

        // Flow between v and each neighbouring module; v's own module goes first.
        std::size_t n_cand = 1;
        if (candidates_.size() < static_cast<std::size_t>(end - begin) + 1)
            candidates_.resize(static_cast<std::size_t>(end - begin) + 1);
        Candidate* const cand = candidates_.data();
        cand[0] = {a, 0.0, 0.0};
        slot_of[a] = 0;
        for (offset_t e = begin; e < end; ++e) {
            const index_t u = neighbor[e];
            if (group && group[u] != my_group) continue;
            const index_t m = module[u];
            index_t p = slot_of[m];
            if (p < 0) {
                p = static_cast<index_t>(n_cand++);
                slot_of[m] = p;
                cand[p] = {m, 0.0, 0.0};
            }
            cand[p].out += out_flow[e];
            if constexpr (kDirected) cand[p].in += in_flow[e];
        }
        for (std::size_t i = 0; i < n_cand; ++i) slot_of[cand[i].module] = -1;

        const Module x = Terms::node(g, v);
        const double in_a = kDirected ? cand[0].in : cand[0].out;
        const Slot a_new = terms_.score(Terms::leave(slots_[a].stats, x, cand[0].out, in_a));
        const double a_enter_change = a_new.enter - slots_[a].enter;
        const double a_change = a_new.term - slots_[a].term;

        index_t best = a;
        double best_delta = -opt_.min_move_improvement;
        Slot best_slot;
        // Inlined: it runs for most candidates, and a call would pass the module through memory.
        auto consider = [&](index_t m, const Module& b_new) __attribute__((always_inline)) {
            const Slot& b = slots_[m];
            const Slot scored_b = terms_.score(b_new);
            double delta;
            if constexpr (kIndexTerm)
                delta = index_(a_enter_change + scored_b.enter - b.enter) - index_old_ + a_change + scored_b.term -
                        b.term;
            else
                delta = a_change + scored_b.term - b.term;
            if (delta < best_delta) {
                best_delta = delta;
                best = m;
                best_slot = scored_b;
            }
        };
        if constexpr (kDirected || !Terms::kBoundedCandidates) {
            for (std::size_t i = 1; i < n_cand; ++i) {
                const Candidate& c = cand[i];
                consider(c.module, Terms::join(slots_[c.module].stats, x, c.out, c.in));
            }
        } else {
            // The module v is most linked to usually wins: score it first, then skip every module
            // that gains flow from v's arrival (d = x - 2w >= 0, the change of its exit flow)
            // when a lower bound on its change cannot beat the best so far. By convexity of
            // p log p and concavity of log (c = 1 / ln 2, E the total enter flow, e and f b's):
            //   index change     >= (a's change of exit + d) (log2 E + c)
            //   term(b') - term(b) >= (d + p)(log2(e + f) + c) - 2 d (log2 e + c) - 2 c d^2 / e
            // exact to second order in d / e, so modules much larger than v are ruled out with a
            // few multiplications instead of two logarithms.
            std::size_t first = 0;
            for (std::size_t i = 1; i < n_cand; ++i)
                if (first == 0 || cand[i].out > cand[first].out) first = i;
            if (first != 0)
                consider(cand[first].module, Terms::join(slots_[cand[first].module].stats, x, cand[first].out, 0.0));
            constexpr double c = kInvLn2;
            const double index_slope = index_.slope();
            const double base = a_change + a_enter_change * index_slope;
            const bool prune = opt_.prune_candidates;
            for (std::size_t i = 1; i < n_cand; ++i) {
                if (i == first) continue;
                const Candidate& cd = cand[i];
                const Slot& b = slots_[cd.module];
                const double d = x.exit - 2.0 * cd.out;
                if (prune && d >= 0.0) {
                    const double base_d = base + d * index_slope;  // a's change plus the index term's lower bound
                    const double bound = base_d + (d + x.flow) * (b.log_total + c) -
                                         2.0 * d * (b.log_exit + c + c * d * b.inv_exit);
                    if (bound > best_delta + 1e-13) continue;  // NaN (e = 0, d = 0) falls through
                    // A module about as large as v (aggregated levels, early passes) needs more
                    // than second order: the rational bounds 2u / (2 + u) <= ln(1 + u) <=
                    // u (6 + u) / (6 + 4u) (u >= 0) stay within 4% up to u = 1, for two divisions.
                    const double e = b.stats.exit;
                    if (e > 0.0) {
                        const double t_old = e + b.stats.flow, s = d + x.flow;
                        const double grow_total = s * b.log_total + 2.0 * c * s * (t_old + s) / (2.0 * t_old + s);
                        const double grow_exit =
                            d * b.log_exit + c * d * (e + d) * (6.0 * e + d) / (e * (6.0 * e + 4.0 * d));
                        const double tight = base_d + grow_total - 2.0 * grow_exit;
                        if (tight > best_delta + 1e-13) continue;
                    }
                }
                consider(cd.module, Terms::join(b.stats, x, cd.out, 0.0));
            }
        }
        if (size_[a] > 1 && !empty_.empty()) consider(empty_.back(), Terms::join(Module{}, x, 0.0, 0.0));
        if (best == a) return 0;

        // Apply the move.
        if (size_[best] == 0) empty_.pop_back();  // `best` was the empty module on top of the stack
        Slot& sa = slots_[a];
        Slot& sb = slots_[best];
        if constexpr (kIndexTerm) set_enter_total(enter_total_ + (a_new.enter - sa.enter) + (best_slot.enter - sb.enter));
        gain_ -= best_delta;
        sa = a_new;
        sb = best_slot;
        if (--size_[a] == 0) empty_.push_back(a);
        ++size_[best];
        module_[v] = best;
        for (offset_t e = begin; e < end; ++e) {
            const index_t u = neighbor[e];
            if (queued_[u] == kIdle && module[u] != best) {
                queued_[u] = kNext;
                next_.push_back(u);
            }
        }
        return 1;
    }

    const FlowNetwork* g_ = nullptr;
    const Terms terms_;
    const SearchOptions& opt_;
    Rng& rng_;
    const StopToken& stop_;
    const index_t* group_ = nullptr;

    Buffer<index_t> module_, size_, empty_;
    Buffer<Slot> slots_;
    double gain_ = 0.0;
    double enter_total_ = 0.0;
    PlogpAround index_;       // plogp(enter_total_ + d) for a move's change d of the total
    double index_old_ = 0.0;  // plogp(enter_total_)

    Buffer<index_t> slot_of_;  // module -> position in candidates_, -1 when not a candidate
    Buffer<Candidate> candidates_;
    /// Each node's place in the passes: a move queues the neighbours whose neighbourhood it
    /// changed for the next pass, except (skip_pending_neighbors) those still to be visited in
    /// this one.
    static constexpr char kIdle = 0, kNext = 1, kPending = 2;
    Buffer<char> queued_;
    Buffer<index_t> active_, next_;
};


/// The links between modules of `labels` (compact, k modules), module by module.
template <bool kDirected>
void aggregate_links(const FlowNetwork& g, const index_t* labels, index_t k, FlowNetwork& c) {
    const std::size_t uk = static_cast<std::size_t>(k);
    // Members of each module, by counting sort.
    std::vector<index_t> start(uk + 1, 0), members(static_cast<std::size_t>(g.n));
    for (index_t v = 0; v < g.n; ++v) ++start[labels[v] + 1];
    for (index_t m = 0; m < k; ++m) start[m + 1] += start[m];
    {
        std::vector<index_t> fill(start.begin(), start.end() - 1);
        for (index_t v = 0; v < g.n; ++v) members[fill[labels[v]]++] = v;
    }
    const offset_t* const indptr = g.indptr.data();
    const index_t* const neighbor = g.neighbor.data();
    const double* const out_flow = g.out_flow.data();
    const double* const in_flow = kDirected ? g.in_flow.data() : nullptr;
    // slot[mu] = position of module mu among the current module's neighbours, -1 if not one.
    std::vector<index_t> slot(uk, -1), touched;
    std::vector<double> acc_out, acc_in;
    c.indptr.assign(uk + 1, 0);
    for (index_t m = 0; m < k; ++m) {
        // m itself takes slot 0 and collects the links inside it (no test per link; dropped below).
        touched.assign(1, m);
        acc_out.assign(1, 0.0);
        if constexpr (kDirected) acc_in.assign(1, 0.0);
        slot[m] = 0;
        for (index_t i = start[m]; i < start[m + 1]; ++i) {
            const index_t v = members[i];
            for (offset_t e = indptr[v]; e < indptr[v + 1]; ++e) {
                const index_t mu = labels[neighbor[e]];
                index_t p = slot[mu];
                if (p < 0) {
                    p = static_cast<index_t>(touched.size());
                    slot[mu] = p;
                    touched.push_back(mu);
                    acc_out.push_back(0.0);
                    if constexpr (kDirected) acc_in.push_back(0.0);
                }
                acc_out[p] += out_flow[e];
                if constexpr (kDirected) acc_in[p] += in_flow[e];
            }
        }
        slot[m] = -1;
        double out_total = 0.0, in_total = 0.0;
        for (std::size_t p = 1; p < touched.size(); ++p) {
            slot[touched[p]] = -1;
            out_total += acc_out[p];
            if constexpr (kDirected) in_total += acc_in[p];
        }
        c.neighbor.insert(c.neighbor.end(), touched.begin() + 1, touched.end());
        c.out_flow.insert(c.out_flow.end(), acc_out.begin() + 1, acc_out.end());
        c.out_total[m] = out_total;
        if constexpr (kDirected) {
            c.in_flow.insert(c.in_flow.end(), acc_in.begin() + 1, acc_in.end());
            c.in_total[m] = in_total;
        }
        c.indptr[m + 1] = static_cast<offset_t>(c.neighbor.size());
    }
}

/// The network whose nodes are the modules of `labels` (compact, k modules).
inline FlowNetwork aggregate(const FlowNetwork& g, const std::vector<index_t>& labels, index_t k) {
    FlowNetwork c = g.derived(k);
    const std::size_t uk = static_cast<std::size_t>(k);
    c.node_flow.assign(uk, 0.0);
    c.out_total.assign(uk, 0.0);
    if (g.directed) c.in_total.assign(uk, 0.0);
    for (index_t v = 0; v < g.n; ++v) c.node_flow[labels[v]] += g.node_flow[v];
    if (!g.node_in.empty()) {
        c.node_in.assign(uk, 0.0);
        for (index_t v = 0; v < g.n; ++v) c.node_in[labels[v]] += g.node_in[v];
    }
    if (g.recorded) {
        c.tele_flow.assign(uk, 0.0);
        c.tele_weight.assign(uk, 0.0);
        for (index_t v = 0; v < g.n; ++v) {
            c.tele_flow[labels[v]] += g.tele_flow[v];
            c.tele_weight[labels[v]] += g.tele_weight[v];
        }
    }
    // The links between modules are at most g's: reserving that much (address space, not memory
    // until written) spares the copies, and the doubled peak, of a growing vector.
    c.neighbor.reserve(g.neighbor.size());
    c.out_flow.reserve(g.out_flow.size());
    if (g.directed) c.in_flow.reserve(g.in_flow.size());
    if (g.directed)
        aggregate_links<true>(g, labels.data(), k, c);
    else
        aggregate_links<false>(g, labels.data(), k, c);
    return c;
}


/// Local moves followed by repeated aggregation while modules merge.
/// Returns compact labels of g's nodes; `group` (optional) confines modules within groups.
/// `init` (optional) must be a settled partition, one that `partition` returned (directly or
/// through sub-modules): no two of its modules gain by merging, so when no node leaves its
/// module the search is over. Aggregation also stops after a level whose moves decrease the
/// objective by no more than `level_threshold` (that level's partition is kept).
template <class Terms>
std::vector<index_t> partition(LocalMover<Terms>& mover, const FlowNetwork& g, const index_t* init,
                               const index_t* group, int max_levels, int pass_limit,
                               double level_threshold = -HUGE_VAL) {
    mover.reset(g, init, group);
    const std::size_t moves = mover.run(pass_limit);
    std::vector<index_t> labels(mover.modules(), mover.modules() + g.n);
    index_t k = compact_labels(labels);
    if (init && moves == 0) return labels;
    if (mover.gain() <= level_threshold) return labels;
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
        mover.reset(level, nullptr, group ? level_group.data() : nullptr);
        if (mover.run(pass_limit) == 0) break;
        std::vector<index_t> coarse_labels(mover.modules(), mover.modules() + current_n);
        const index_t k2 = compact_labels(coarse_labels);
        for (auto& x : labels) x = coarse_labels[x];
        if (group) {
            std::vector<index_t> g2(static_cast<std::size_t>(k2));
            for (index_t m = 0; m < current_n; ++m) g2[coarse_labels[m]] = level_group[m];
            level_group.swap(g2);
        }
        level_labels.swap(coarse_labels);
        k = k2;
        if (mover.gain() <= level_threshold) break;
    }
    return labels;
}


/// A partition found by `search`, with its objective as `evaluate` reports it.
template <class Objective>
struct SearchResult {
    std::vector<index_t> labels;  // compact module ids in [0, n_modules)
    index_t n_modules = 0;
    Objective objective{};
    int tune_iterations = 0;
};

/// One trial: partition from singletons, then tune while the objective drops.
/// `evaluate(labels, k)` recomputes the objective of a compact partition in full and returns
/// a value with a `total` member (smaller is better).
template <class Terms, class Evaluate>
auto search(const FlowNetwork& g, const Terms& terms, const SearchOptions& opt, std::uint64_t trial,
            const StopToken& stop, Evaluate evaluate) {
    using Objective = decltype(evaluate(static_cast<const index_t*>(nullptr), index_t{0}));
    Rng rng(opt.seed, trial);
    LocalMover<Terms> mover(g, terms, opt, rng, stop);
    SearchResult<Objective> r;
    r.labels = partition(mover, g, nullptr, opt.group, opt.max_levels, opt.core_loop_limit, opt.level_threshold);
    r.n_modules = compact_labels(r.labels);
    r.objective = evaluate(r.labels.data(), r.n_modules);

    auto consider = [&](std::vector<index_t>& labels) {
        const index_t k = compact_labels(labels);
        const Objective c = evaluate(labels.data(), k);
        if (c.total < r.objective.total - 1e-12) {
            r.labels.swap(labels);
            r.n_modules = k;
            r.objective = c;
        }
    };
    // Tuning alternates fine-tuning (single nodes move, starting from the current modules) and
    // coarse-tuning (each module is split into sub-modules, which then move as units), as long as
    // each step shortens the codelength by the relative threshold: a step that gains less means
    // the search has settled, and the next step (splitting every module again, or revisiting
    // every node) would rarely pay for itself.
    bool fine = true;
    int failed = 0;  // consecutive steps that gained too little
    const bool tune = r.n_modules >= opt.tune_min_modules && r.objective.total < opt.tune_max_objective;
    while (tune && r.n_modules > 1 && opt.tune_iteration_limit >= 0 &&
           (opt.tune_iteration_limit == 0 || r.tune_iterations < opt.tune_iteration_limit)) {
        ++r.tune_iterations;
        const double before = r.objective.total;
        if (fine) {
            std::vector<index_t> tuned =
                partition(mover, g, r.labels.data(), opt.group, kUnlimitedLevels, opt.core_loop_limit);
            consider(tuned);
        } else {
            std::vector<index_t> sub =
                partition(mover, g, nullptr, r.labels.data(), opt.sub_max_levels, opt.sub_core_loop_limit);
            const index_t n_sub = compact_labels(sub);
            if (n_sub < g.n && n_sub > r.n_modules) {
                const FlowNetwork coarse = aggregate(g, sub, n_sub);
                std::vector<index_t> parent(static_cast<std::size_t>(n_sub));
                for (index_t v = 0; v < g.n; ++v) parent[sub[v]] = r.labels[v];
                auto lift = [&](const std::vector<index_t>& moved) {
                    std::vector<index_t> tuned(static_cast<std::size_t>(g.n));
                    for (index_t v = 0; v < g.n; ++v) tuned[v] = moved[sub[v]];
                    consider(tuned);
                };
                const std::vector<index_t> coarse_group = aggregate_group(opt.group, sub, n_sub);
                lift(partition(mover, coarse, parent.data(), opt.group ? coarse_group.data() : nullptr,
                               kUnlimitedLevels, opt.core_loop_limit));
            }
            if (opt.coarse_from_split) {
                // Each module's own best split, and the search from scratch on its parts: a module
                // that should split in two, each half joining others, is out of reach of moves
                // that start from the modules.
                std::vector<index_t> split =
                    partition(mover, g, nullptr, r.labels.data(), kUnlimitedLevels, opt.core_loop_limit);
                const index_t n_split = compact_labels(split);
                if (n_split < g.n && n_split > r.n_modules) {
                    const FlowNetwork parts = aggregate(g, split, n_split);
                    const std::vector<index_t> parts_group = aggregate_group(opt.group, split, n_split);
                    const std::vector<index_t> merged = partition(
                        mover, parts, nullptr, opt.group ? parts_group.data() : nullptr, kUnlimitedLevels,
                        opt.core_loop_limit);
                    std::vector<index_t> tuned(static_cast<std::size_t>(g.n));
                    for (index_t v = 0; v < g.n; ++v) tuned[v] = merged[split[v]];
                    consider(split);
                    consider(tuned);
                }
            }
        }
        if (before - r.objective.total >
            std::max(opt.min_relative_tune_improvement * std::abs(before), opt.min_tune_improvement)) {
            failed = 0;
        } else if (++failed >= (opt.tune_both_ways ? 2 : 1)) {
            break;
        }
        fine = !fine;
    }
    return r;
}


}  // namespace unsup::graph::detail
