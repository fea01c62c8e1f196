// Two-level InfoMap search: local moves, aggregation, fine- and coarse-tuning, parallel trials.
#pragma once

#include <cstdint>
#include <vector>

#include "unsup/common.hpp"
#include "unsup/graph/flow.hpp"
#include "unsup/graph/map_equation.hpp"

namespace unsup::graph {

struct InfomapOptions {
    int n_trials = 10;
    std::uint64_t seed = 0;
    int n_jobs = 1;
    /// Passes of the local-move loop on one level (each pass visits the nodes whose
    /// neighbourhood changed since they were last visited).
    int core_loop_limit = 10;
    /// Passes of the local-move loop that splits modules into sub-modules for coarse-tuning.
    int sub_core_loop_limit = 2;
    /// Tuning steps (fine-tuning and coarse-tuning alternate); 0 = until a step gains less than the
    /// threshold, -1 = none.
    int tune_iteration_limit = 0;
    /// Each tuning step must shorten the codelength by this fraction for tuning to go on.
    double min_relative_tune_improvement = 1e-4;
    /// A single move must shorten the codelength by more than this (bits).
    double min_move_improvement = 1e-10;
    /// Skip candidate modules whose lower bound on the change cannot win (undirected networks).
    /// The bound is rigorous, so this changes speed only; off, every candidate is scored exactly.
    bool prune_candidates = true;
    /// Optional group of each node: no module holds nodes of two groups (used by the multilevel
    /// search to keep a sub-network's outside node alone; `infomap_trial` only).
    const index_t* group = nullptr;
    /// Tuning runs only when the first partition has at least this many modules and an
    /// objective below this bound.
    index_t tune_min_modules = 2;
    double tune_max_objective = HUGE_VAL;
};

struct TrialResult {
    std::vector<index_t> labels;  // compact module ids in [0, n_modules)
    index_t n_modules = 0;
    Codelength codelength;
    int tune_iterations = 0;
};

struct InfomapResult {
    TrialResult best;
    int best_trial = 0;
    std::vector<double> trial_codelengths;
    double one_level_codelength = 0.0;
};

/// One trial: partition from singletons, then tune while the codelength drops.
TrialResult infomap_trial(const FlowNetwork& g, const InfomapOptions& options, std::uint64_t trial,
                          const StopToken& stop);

/// `n_trials` trials on up to `n_jobs` threads; the shortest codelength wins (ties: lowest trial).
/// Trial t always uses the random stream (seed, t), so the result does not depend on n_jobs.
/// If no partition beats the one-module solution, every node with links goes to one module
/// (nodes without links stay singletons). Networks of 2^18 nodes and more are searched on a copy
/// numbered in locality order (see locality_order); the labels come back in g's numbering.
InfomapResult infomap(const FlowNetwork& g, const InfomapOptions& options, const StopToken& stop);

/// Renumbers labels to 0..k-1 in order of first appearance; returns k.
index_t compact_labels(std::vector<index_t>& labels);

}  // namespace unsup::graph
