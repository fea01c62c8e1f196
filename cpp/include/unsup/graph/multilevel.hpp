// The multilevel (hierarchical) map equation (Rosvall & Bergstrom 2011): its full recomputation
// for any module tree, and the recursive search that builds a tree from the two-level partition.
#pragma once

#include <cstdint>
#include <vector>

#include "unsup/common.hpp"
#include "unsup/graph/flow.hpp"
#include "unsup/graph/infomap.hpp"
#include "unsup/graph/map_equation.hpp"

namespace unsup::graph {

/// A tree of nested modules over the nodes of a network. Modules are numbered 0..n_modules-1;
/// the root (the whole network) has no number.
///  - `parent[m]`: the module that holds module m, -1 when m is a top module;
///  - `leaf_of[v]`: the innermost module that holds node v, -1 when v hangs off the root.
/// A module's codebook has one codeword for leaving it (none at the root), one per child module
/// (entering it) and one per node directly in it (visiting it). Each module must hold a node.
struct ModuleTree {
    std::vector<index_t> parent;
    std::vector<index_t> leaf_of;

    index_t n_modules() const { return static_cast<index_t>(parent.size()); }
};

/// The multilevel codelength of a tree and its parts:
///   L = sum over codebooks c (root and modules) of  rate_c * H(codebook c)
/// where a module's rate is exit + sum of children's enter + sum of its own nodes' visits.
struct HierarchicalCodelength {
    double total = 0.0;
    double index = 0.0;              // the root's codebook
    std::vector<double> codebook;    // each module's rate * entropy
    std::vector<double> flow;        // each module's visit rate (sum over its nodes)
    std::vector<double> exit;        // effective exit flow (teleportation included when recorded)
    std::vector<double> enter;       // effective enter flow
};

/// Full recomputation, O(links * depth). Throws std::invalid_argument for a malformed tree.
HierarchicalCodelength hierarchical_codelength(const FlowNetwork& g, const ModuleTree& tree);

/// Checks the tree's shape (sizes, ranges, no cycle, no empty module); throws std::invalid_argument.
void validate_tree(const ModuleTree& tree, index_t n_nodes);

struct MultilevelOptions {
    /// The two-level search that finds the modules the tree starts from (its n_trials, seed and
    /// n_jobs also drive the searches below).
    InfomapOptions two_level;
    /// Trials of each sub-module search (on one module's sub-network).
    int sub_trials = 5;
    /// Trials of each super-module search (on the network of top modules).
    int super_trials = 10;
    /// Modules with fewer nodes are not split.
    index_t min_split_size = 3;
    /// Deepest level of sub-modules below the two-level modules (0: none).
    int max_sub_depth = 64;
    /// Levels of super-modules above them (0: none).
    int max_super_levels = 64;
};

struct MultilevelResult {
    InfomapResult two_level;
    ModuleTree tree;
    /// The codelength the search kept track of (two-level codelength plus every accepted change);
    /// equals hierarchical_codelength(g, tree).total up to rounding.
    double codelength = 0.0;
    int sub_levels = 0;    // levels of sub-modules added below the two-level modules
    int super_levels = 0;  // levels of super-modules added above them
};

/// Two-level InfoMap, then (a) every module is split recursively into sub-modules while that
/// shortens its part of the code (a two-level search on the module's sub-network, the rest of
/// the network folded into one outside node that keeps the module's exit and enter flow), and
/// (b) the top modules are clustered into super-modules while that shortens the index code
/// (a two-level search on the module network, each module weighted by its enter flow).
/// Sub-networks are searched in parallel; the result does not depend on n_jobs.
MultilevelResult infomap_multilevel(const FlowNetwork& g, const MultilevelOptions& options, const StopToken& stop);

}  // namespace unsup::graph
