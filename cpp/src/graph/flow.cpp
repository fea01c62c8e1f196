#include "unsup/graph/flow.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace unsup::graph {

detail::Transposed detail::transpose(const CsrView& a) {
    Transposed t;
    const index_t n = a.n_cols;
    t.indptr.assign(static_cast<std::size_t>(n) + 1, 0);
    const offset_t m = a.nnz();
    for (offset_t e = 0; e < m; ++e) ++t.indptr[a.indices[e] + 1];
    for (index_t i = 0; i < n; ++i) t.indptr[i + 1] += t.indptr[i];
    t.indices.resize(m);
    t.data.resize(m);
    std::vector<offset_t> fill(t.indptr.begin(), t.indptr.end() - 1);
    for (index_t r = 0; r < a.n_rows; ++r) {
        for (offset_t e = a.indptr[r]; e < a.indptr[r + 1]; ++e) {
            const offset_t slot = fill[a.indices[e]]++;
            t.indices[slot] = r;
            t.data[slot] = a.data[e];
        }
    }
    return t;
}

namespace {


double entropy_term(const Buffer<double>& p) {
    double s = 0.0;
    for (double x : p) s += plogp(x);
    return s;
}

FlowNetwork undirected_flow(const CsrView& a) {
    FlowNetwork g;
    g.n = a.n_rows;
    g.directed = false;
    const std::size_t n = static_cast<std::size_t>(g.n);
    double total = 0.0;
    for (offset_t e = 0; e < a.nnz(); ++e) total += a.data[e];
    const double scale = total > 0.0 ? 1.0 / total : 0.0;

    g.indptr.assign(n + 1, 0);
    g.node_flow.assign(n, 0.0);
    g.out_total.assign(n, 0.0);
    offset_t kept = 0;
    for (index_t r = 0; r < g.n; ++r)
        for (offset_t e = a.indptr[r]; e < a.indptr[r + 1]; ++e) kept += (a.indices[e] != r && a.data[e] > 0.0);
    g.neighbor.reserve(kept);
    g.out_flow.reserve(kept);
    for (index_t r = 0; r < g.n; ++r) {
        double strength = 0.0, out = 0.0;
        for (offset_t e = a.indptr[r]; e < a.indptr[r + 1]; ++e) {
            const double f = a.data[e] * scale;
            strength += f;
            if (a.indices[e] == r || f <= 0.0) continue;
            g.neighbor.push_back(a.indices[e]);
            g.out_flow.push_back(f);
            out += f;
        }
        g.node_flow[r] = strength;
        g.out_total[r] = out;
        g.indptr[r + 1] = static_cast<offset_t>(g.neighbor.size());
    }
    g.node_entropy = entropy_term(g.node_flow);
    return g;
}

FlowNetwork directed_flow(const CsrView& a, const FlowOptions& opt, const StopToken& stop) {
    require(opt.teleportation >= 0.0 && opt.teleportation < 1.0,
            "teleportation must be in [0, 1)");
    const index_t n = a.n_rows;
    const std::size_t un = static_cast<std::size_t>(n);
    const double tau = opt.teleportation;

    std::vector<double> out_strength(un, 0.0), in_strength(un, 0.0);
    for (index_t r = 0; r < n; ++r)
        for (offset_t e = a.indptr[r]; e < a.indptr[r + 1]; ++e) {
            out_strength[r] += a.data[e];
            in_strength[a.indices[e]] += a.data[e];
        }

    // Teleportation target distribution u.
    std::vector<double> u(un, 1.0);
    if (!opt.teleport_to_nodes) u = opt.recorded_teleportation ? in_strength : out_strength;
    double u_sum = std::accumulate(u.begin(), u.end(), 0.0);
    if (!(u_sum > 0.0)) {
        std::fill(u.begin(), u.end(), 1.0);
        u_sum = static_cast<double>(n);
    }
    for (double& x : u) x /= u_sum;

    // PageRank by pull-based power iteration over the transposed matrix.
    const detail::Transposed t = detail::transpose(a);
    std::vector<double> p(un, n > 0 ? 1.0 / n : 0.0), next(un, 0.0), share(un, 0.0);
    int iterations = 0;
    for (; iterations < opt.max_iter; ++iterations) {
        if ((iterations & 15) == 15) stop.check();
        double dangling = 0.0, linked = 0.0;
        for (index_t i = 0; i < n; ++i) {
            if (out_strength[i] > 0.0) {
                linked += p[i];
                share[i] = (1.0 - tau) * p[i] / out_strength[i];
            } else {
                dangling += p[i];
                share[i] = 0.0;
            }
        }
        const double teleported = tau * linked + dangling;
        double sum = 0.0;
        for (index_t j = 0; j < n; ++j) {
            double x = teleported * u[j];
            for (offset_t e = t.indptr[j]; e < t.indptr[j + 1]; ++e) x += share[t.indices[e]] * t.data[e];
            next[j] = x;
            sum += x;
        }
        double diff = 0.0;
        for (index_t j = 0; j < n; ++j) {
            next[j] /= sum;
            diff += std::abs(next[j] - p[j]);
        }
        p.swap(next);
        if (diff < opt.tol) {
            ++iterations;
            break;
        }
    }

    FlowNetwork g;
    g.n = n;
    g.directed = true;
    g.recorded = opt.recorded_teleportation;
    g.pagerank_iterations = iterations;

    // Link flow p_i (1 - tau) w_ij / s_i; unrecorded teleportation normalises it to sum 1 and
    // takes node flow as the flow on incoming links (self-links included).
    double link_total = 0.0;
    for (index_t i = 0; i < n; ++i)
        if (out_strength[i] > 0.0) link_total += (1.0 - tau) * p[i];
    const double norm = (!g.recorded && link_total > 0.0) ? 1.0 / link_total : 1.0;
    auto link_flow = [&](index_t i, double w) { return (1.0 - tau) * p[i] * w / out_strength[i] * norm; };

    if (g.recorded) {
        g.node_flow.assign(p.begin(), p.end());
        g.tele_flow.resize(un);
        for (index_t i = 0; i < n; ++i) g.tele_flow[i] = p[i] * (out_strength[i] > 0.0 ? tau : 1.0);
        g.tele_weight.assign(u.begin(), u.end());
        g.tele_total = std::accumulate(g.tele_flow.begin(), g.tele_flow.end(), 0.0);
    } else {
        g.node_flow.assign(un, 0.0);
        for (index_t i = 0; i < n; ++i)
            for (offset_t e = a.indptr[i]; e < a.indptr[i + 1]; ++e)
                if (a.data[e] > 0.0) g.node_flow[a.indices[e]] += link_flow(i, a.data[e]);
    }

    detail::symmetric_links(a, t, g, link_flow);
    g.node_entropy = entropy_term(g.node_flow);
    return g;
}

}  // namespace

std::vector<index_t> locality_order(const FlowNetwork& g) {
    const std::size_t n = static_cast<std::size_t>(g.n);
    std::vector<index_t> order;
    order.reserve(n);
    std::vector<char> seen(n, 0);
    for (index_t start = 0; start < g.n; ++start) {
        if (seen[start]) continue;
        seen[start] = 1;
        // `order` itself is the queue: the nodes from `head` on are waiting for their visit.
        std::size_t head = order.size();
        order.push_back(start);
        for (; head < order.size(); ++head) {
            const index_t v = order[head];
            for (offset_t e = g.indptr[v]; e < g.indptr[v + 1]; ++e) {
                const index_t u = g.neighbor[e];
                if (!seen[u]) {
                    seen[u] = 1;
                    order.push_back(u);
                }
            }
        }
    }
    return order;
}

FlowNetwork permute(const FlowNetwork& g, const std::vector<index_t>& order) {
    require(static_cast<index_t>(order.size()) == g.n, "permute: need one position per node");
    const std::size_t n = static_cast<std::size_t>(g.n);
    std::vector<index_t> rank(n, -1);
    for (std::size_t i = 0; i < n; ++i) {
        require(order[i] >= 0 && order[i] < g.n && rank[order[i]] < 0, "permute: order must be a permutation");
        rank[order[i]] = static_cast<index_t>(i);
    }
    FlowNetwork h = g.derived(g.n);
    h.pagerank_iterations = g.pagerank_iterations;
    auto gather = [&](const Buffer<double>& from, Buffer<double>& to) {
        if (from.empty()) return;
        to.resize(n);
        for (std::size_t i = 0; i < n; ++i) to[i] = from[order[i]];
    };
    gather(g.node_flow, h.node_flow);
    gather(g.out_total, h.out_total);
    gather(g.in_total, h.in_total);
    gather(g.tele_flow, h.tele_flow);
    gather(g.tele_weight, h.tele_weight);
    gather(g.node_in, h.node_in);
    h.indptr.resize(n + 1);
    h.indptr[0] = 0;
    for (std::size_t i = 0; i < n; ++i)
        h.indptr[i + 1] = h.indptr[i] + (g.indptr[order[i] + 1] - g.indptr[order[i]]);
    const std::size_t m = static_cast<std::size_t>(g.n_links());
    h.neighbor.resize(m);
    h.out_flow.resize(m);
    if (g.directed) h.in_flow.resize(m);
    for (std::size_t i = 0; i < n; ++i) {
        offset_t to = h.indptr[i];
        for (offset_t e = g.indptr[order[i]]; e < g.indptr[order[i] + 1]; ++e, ++to) {
            h.neighbor[to] = rank[g.neighbor[e]];
            h.out_flow[to] = g.out_flow[e];
            if (g.directed) h.in_flow[to] = g.in_flow[e];
        }
    }
    return h;
}

FlowNetwork build_flow_network(const CsrView& adjacency, const FlowOptions& options, const StopToken& stop) {
    require(adjacency.n_rows == adjacency.n_cols, "adjacency must be square");
    adjacency.validate("adjacency", /*nonnegative=*/true);
    return options.directed ? directed_flow(adjacency, options, stop) : undirected_flow(adjacency);
}

}  // namespace unsup::graph
