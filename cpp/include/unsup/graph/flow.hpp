// Flow of a random walker on a graph: what the map equation encodes.
#pragma once

#include <vector>

#include "unsup/common.hpp"
#include "unsup/csr.hpp"
#include "unsup/memory.hpp"

namespace unsup::graph {

/// How a directed walker teleports (ignored for undirected graphs).
struct FlowOptions {
    bool directed = false;
    /// Probability tau of teleporting from a node that has out-links (dangling nodes always teleport).
    double teleportation = 0.15;
    /// Recorded teleportation: teleport steps are part of the encoded walk.
    bool recorded_teleportation = false;
    /// Teleport to nodes uniformly instead of "to links" (proportional to link weight).
    bool teleport_to_nodes = false;
    int max_iter = 1000;
    double tol = 1e-15;
};

/// A graph with its stationary flow, in the symmetric neighbour-list form the optimiser walks.
/// Every node lists each neighbour once with the flow on the link towards it (`out_flow`) and,
/// for directed graphs, the flow on the link coming back (`in_flow`). Self-links never cross a
/// module boundary, so they are kept only through the node flow.
struct FlowNetwork {
    index_t n = 0;
    bool directed = false;
    bool recorded = false;            // teleportation flow is encoded
    Buffer<offset_t> indptr;          // n + 1
    Buffer<index_t> neighbor;         // indptr[n]
    Buffer<double> out_flow;          // flow node -> neighbour
    Buffer<double> in_flow;           // flow neighbour -> node (directed only, else empty)
    Buffer<double> node_flow;         // visit rate p
    Buffer<double> out_total;         // sum of out_flow (no self-links)
    Buffer<double> in_total;          // sum of in_flow (directed only)
    Buffer<double> tele_flow;         // recorded only: flow leaving by teleportation
    Buffer<double> tele_weight;       // recorded only: teleportation target probability
    Buffer<double> node_in;           // directed modularity only: in-strength share (else empty)
    double tele_total = 0.0;          // recorded only: sum of tele_flow
    double node_entropy = 0.0;        // sum of plogp(p) over the leaf nodes (kept when aggregated)
    int pagerank_iterations = 0;

    offset_t n_links() const { return indptr.empty() ? 0 : indptr.back(); }
};

/// Builds the flow network of adjacency matrix `adjacency` (entry (i, j) = weight of link i -> j).
/// Undirected: `adjacency` must be symmetric; the flow is proportional to strength, a self-link
/// counted once. Directed: PageRank power iteration with teleportation, as in the official
/// Infomap: unrecorded teleportation (default) teleports proportionally to out-strength and
/// takes node flow as the flow on incoming links; recorded teleportation teleports proportionally
/// to in-strength (or uniformly with `teleport_to_nodes`) and encodes the teleportation steps.
FlowNetwork build_flow_network(const CsrView& adjacency, const FlowOptions& options,
                               const StopToken& stop = StopToken());

}  // namespace unsup::graph
