// k nearest neighbours of every row among the rows (self excluded): exact blocked search and an
// inverted-file (IVF) approximation, both on the K-means score kernels.
//
// Scores. For a query q and a candidate c the search maximises s = <q, c> − ½‖c‖² (Euclidean:
// ‖q − c‖² = ‖q‖² − 2s, so the order is the distance's) or s = <q, c> on unit rows (cosine:
// 1 − cos = 1 − s). The dot products of a block of queries with a block of candidates are one thin
// GEMM (the K-means micro-kernel, candidates packed like centres) into a tile that stays in cache;
// a running top-k per query reads the tile.
//
// Exact: candidates are cut into fixed blocks; every query block scans every candidate block
// (O(n²d)). IVF: the caller gives `n_lists` centres (K-means on a sample); every row goes to the list
// of its nearest centre and is compared with the members of its `n_probe` nearest lists. A query
// whose probed lists hold fewer than k other rows probes more lists, in order of centre distance,
// until they do.
//
// Results. The search keeps k + 2 + k/8 candidates per row by float score (ties: smaller index);
// their distances are recomputed in float64 from the rows (Euclidean: ‖q − c‖; cosine: 1 − <q, c>,
// the rows being unit) and the k nearest kept, ties going to the smaller row index. So rounding
// of the scores cannot reorder ties unless more than 2 + k/8 candidates tie at the k-th distance. Every query's top-k depends on that
// query alone and the order is total, so the results are bitwise identical for every n_jobs.
#pragma once

#include <cstdint>

#include "unsup/cluster/kmeans.hpp"
#include "unsup/common.hpp"

namespace unsup::cluster {

/// Exact k nearest neighbours of the n rows of x (row-major n × d; cosine: unit rows, the caller
/// normalises). `indices` (int64) and `distances` are n × k, row-major. Requires 1 <= k < n.
template <class T>
void knn_exact(const T* x, std::int64_t n, std::int64_t d, std::int64_t k, Metric metric, std::int64_t* indices,
               T* distances, int n_jobs, const StopToken& stop);

/// Approximate k nearest neighbours through an inverted file over `centres` (n_lists × d; cosine:
/// unit centres), probing the `n_probe` nearest lists of every row. Same output as knn_exact.
/// `list_of` (n values, or null) receives each row's list (its nearest centre).
template <class T>
void knn_ivf(const T* x, std::int64_t n, std::int64_t d, std::int64_t k, Metric metric, const T* centres,
             std::int64_t n_lists, std::int64_t n_probe, std::int64_t* indices, T* distances, std::int32_t* list_of,
             int n_jobs, const StopToken& stop);

}  // namespace unsup::cluster
