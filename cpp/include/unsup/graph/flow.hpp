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

    /// A network of `n` nodes, no links yet, with this one's network-wide fields (direction,
    /// teleportation, node entropy): the start of every network derived from this one.
    FlowNetwork derived(index_t nodes) const {
        FlowNetwork h;
        h.n = nodes;
        h.directed = directed;
        h.recorded = recorded;
        h.tele_total = tele_total;
        h.node_entropy = node_entropy;
        return h;
    }
};

namespace detail {

/// Transpose of a CSR matrix by counting sort (O(nnz)).
struct Transposed {
    std::vector<offset_t> indptr;
    std::vector<index_t> indices;
    std::vector<double> data;
};

Transposed transpose(const CsrView& a);

/// The neighbour lists of directed links `a` (with `t` its transpose), as the partition search
/// reads them: each neighbour of node i once, out- and in-links merged, with the flow
/// `link_flow(i, w)` of link i -> j of weight w in `out_flow` and that of j -> i in `in_flow`.
/// Self-links and links of weight <= 0 are left out. Fills indptr, neighbor, out_flow, in_flow,
/// out_total and in_total of `g` (whose `n` must be set).
template <class LinkFlow>
void symmetric_links(const CsrView& a, const Transposed& t, FlowNetwork& g, LinkFlow&& link_flow) {
    const index_t n = g.n;
    const std::size_t un = static_cast<std::size_t>(n);
    g.indptr.assign(un + 1, 0);
    const std::size_t bound = static_cast<std::size_t>(a.nnz()) * 2;
    g.neighbor.resize(bound);
    g.out_flow.assign(bound, 0.0);
    g.in_flow.assign(bound, 0.0);
    g.out_total.assign(un, 0.0);
    g.in_total.assign(un, 0.0);
    std::vector<offset_t> slot_of(un, -1);
    offset_t pos = 0;
    for (index_t i = 0; i < n; ++i) {
        const offset_t row_start = pos;
        for (offset_t e = a.indptr[i]; e < a.indptr[i + 1]; ++e) {
            const index_t j = a.indices[e];
            if (j == i || !(a.data[e] > 0.0)) continue;
            const double f = link_flow(i, a.data[e]);
            if (slot_of[j] < row_start) {
                slot_of[j] = pos;
                g.neighbor[pos++] = j;
            }
            g.out_flow[slot_of[j]] += f;
            g.out_total[i] += f;
        }
        for (offset_t e = t.indptr[i]; e < t.indptr[i + 1]; ++e) {
            const index_t k = t.indices[e];
            if (k == i || !(t.data[e] > 0.0)) continue;
            const double f = link_flow(k, t.data[e]);
            if (slot_of[k] < row_start) {
                slot_of[k] = pos;
                g.neighbor[pos++] = k;
            }
            g.in_flow[slot_of[k]] += f;
            g.in_total[i] += f;
        }
        g.indptr[i + 1] = pos;
    }
    g.neighbor.resize(pos);
    g.out_flow.resize(pos);
    g.in_flow.resize(pos);
    g.neighbor.shrink_to_fit();
    g.out_flow.shrink_to_fit();
    g.in_flow.shrink_to_fit();
}

}  // namespace detail

/// An order of g's nodes (position -> node) that keeps linked nodes near each other: breadth
/// first over each connected part, the parts in order of their lowest node. The search reads
/// each neighbour's module and that module's statistics at random; in this order most of those
/// reads hit cache lines that the previous visits loaded.
std::vector<index_t> locality_order(const FlowNetwork& g);

/// g with its nodes renumbered: node i of the result is node order[i] of g (order must be a
/// permutation of 0..n-1).
FlowNetwork permute(const FlowNetwork& g, const std::vector<index_t>& order);

/// Builds the flow network of adjacency matrix `adjacency` (entry (i, j) = weight of link i -> j).
/// Undirected: `adjacency` must be symmetric; the flow is proportional to strength, a self-link
/// counted once. Directed: PageRank power iteration with teleportation, as in the official
/// Infomap: unrecorded teleportation (default) teleports proportionally to out-strength and
/// takes node flow as the flow on incoming links; recorded teleportation teleports proportionally
/// to in-strength (or uniformly with `teleport_to_nodes`) and encodes the teleportation steps.
FlowNetwork build_flow_network(const CsrView& adjacency, const FlowOptions& options,
                               const StopToken& stop = StopToken());

}  // namespace unsup::graph
