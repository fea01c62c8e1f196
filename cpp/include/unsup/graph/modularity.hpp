// Modularity (Newman & Girvan 2004; Leicht & Newman 2008 for directed graphs) and its
// optimisation by the Louvain method (Blondel et al. 2008) through the generic partition search
// that InfoMap uses: local moves, aggregation, then fine- and coarse-tuning.
#pragma once

#include <climits>
#include <cstdint>
#include <vector>

#include "unsup/common.hpp"
#include "unsup/csr.hpp"
#include "unsup/graph/flow.hpp"

namespace unsup::graph {

/// The network of adjacency matrix `adjacency` (entry (i, j) = weight of link i -> j) in the
/// optimiser's neighbour-list form, with weights as shares of the total:
///  - undirected (`adjacency` symmetric, a self-link once on the diagonal): with 2m the sum of
///    degrees (a self-link counts twice), out_flow = w / 2m, node_flow = degree / 2m;
///  - directed: with m the sum of all weights, out_flow/in_flow = w / m, node_flow = out-degree
///    / m and node_in = in-degree / m (self-links included in degrees, never listed as links).
/// Then, for a partition into modules c with cut share x_c (links leaving c) and degree shares
/// k_c (undirected) or k_c^out, k_c^in (directed), modularity at resolution gamma is
///   Q = sum_c [k_c - x_c - gamma k_c^2]   or   Q = sum_c [k_c^out - x_c - gamma k_c^out k_c^in].
FlowNetwork build_modularity_network(const CsrView& adjacency, bool directed);

/// Full recomputation of the modularity of a partition (labels in [0, n_modules)).
double modularity(const FlowNetwork& g, const index_t* labels, index_t n_modules, double resolution);

/// Incremental form: change of modularity when node v moves to module `target` (in [0, g.n),
/// possibly empty) from the partition `labels` (ids in [0, g.n)), computed from the module
/// statistics as the optimiser does.
double modularity_move_delta(const FlowNetwork& g, const index_t* labels, index_t v, index_t target,
                             double resolution);

struct LouvainOptions {
    double resolution = 1.0;
    int n_trials = 1;
    std::uint64_t seed = 0;
    int n_jobs = 1;
    /// Levels (local moves + aggregation) of Blondel et al.'s method; INT_MAX = until no change.
    int max_levels = INT_MAX;
    /// Stop aggregating after a level that raises modularity by no more than this (and stop
    /// tuning after such a step).
    double threshold = 1e-7;
    /// Tuning after the levels (fine: nodes move again; coarse: modules split into sub-modules
    /// that move as units), while a step raises modularity by `min_relative_tune_improvement`
    /// of |Q|. Off when max_levels is limited (the levels are then what was asked for).
    bool refine = true;
    double min_relative_tune_improvement = 1e-4;
    /// Passes of the local-move loop on one level.
    int pass_limit = 100;
    /// A single move must raise modularity by more than this.
    double min_move_improvement = 1e-13;
};

struct LouvainResult {
    std::vector<index_t> labels;  // compact, in order of first appearance
    index_t n_modules = 0;
    double modularity = 0.0;
    int best_trial = 0;
    int tune_iterations = 0;
    std::vector<double> trial_modularities;
};

/// `n_trials` searches on up to `n_jobs` threads; the highest modularity wins (ties: lowest
/// trial). Trial t uses the random stream (seed, t), so the result does not depend on n_jobs.
LouvainResult louvain(const FlowNetwork& g, const LouvainOptions& options, const StopToken& stop);

}  // namespace unsup::graph
