"""What the K-means estimators share: input conversion for the C++ passes, seeding (k-means++ and
k-means||), empty-cluster relocation and the Lloyd loop."""

from __future__ import annotations

import logging
import math
from typing import Optional, Tuple, Union

import numpy as np
import scipy.sparse as sp

from unsup import _core

logger = logging.getLogger("unsup")

CoreRows = Union[np.ndarray, tuple]


def core_rows(X) -> CoreRows:
    """X as the C++ passes take it: a C-contiguous array, or a CSR tuple (int64 indptr, int32
    indices); dense X is never copied here."""
    if sp.issparse(X):
        X = X.tocsr() if X.format != "csr" else X
        if X.shape[1] >= 2**31:
            raise ValueError("X: at most 2**31 - 1 features are supported")
        indptr = np.ascontiguousarray(X.indptr, dtype=np.int64)
        indices = np.ascontiguousarray(X.indices, dtype=np.int32)
        return (indptr, indices, np.ascontiguousarray(X.data), int(X.shape[0]), int(X.shape[1]))
    return np.ascontiguousarray(X)


def take_rows(X, rows: np.ndarray) -> np.ndarray:
    """Dense copies of the given rows (for sparse X, densified), in X's dtype."""
    part = X[rows]
    return np.asarray(part.toarray() if sp.issparse(part) else part)


def sample_rows(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """`size` distinct row ids in increasing order (all rows when size >= n)."""
    if size >= n:
        return np.arange(n, dtype=np.int64)
    return np.sort(rng.choice(n, size=size, replace=False)).astype(np.int64)


def _draw(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """`size` indices drawn with probability proportional to weights (uniform when all are 0)."""
    cumulative = np.cumsum(weights, dtype=np.float64)
    total = cumulative[-1]
    if not total > 0:
        return rng.integers(0, weights.size, size=size)
    picks = np.searchsorted(cumulative, rng.random(size) * total, side="right")
    return np.minimum(picks, weights.size - 1)


def kmeans_plusplus(X, k: int, weights: Optional[np.ndarray], rng: np.random.Generator, metric: str, n_jobs: int,
                    n_local_trials: Optional[int] = None) -> np.ndarray:
    """Greedy k-means++ (Arthur & Vassilvitskii 2007, with 2 + ln k local trials per centre):
    each new centre is the best of several candidates drawn with probability ∝ w·D²."""
    n = X.shape[0]
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    trials = n_local_trials or 2 + int(math.log(k))
    data = core_rows(X)
    dtype = X.dtype
    first = int(_draw(rng, w, 1)[0])
    centres = [take_rows(X, np.array([first]))[0].astype(dtype)]
    if metric == "cosine":
        centres[0] = directions(centres[0][None])[0]
    _, dist = _core.cluster.nearest_centres(data, None, np.stack(centres), metric, n_jobs)
    dist = dist.astype(np.float64)
    block = max(1, (1 << 22) // max(1, trials))  # rows per block of the n × trials distances
    for _ in range(1, k):
        picks = np.unique(_draw(rng, w * dist, trials))
        cand = take_rows(X, picks).astype(dtype)
        if metric == "cosine":
            cand = directions(cand)
        cand = np.ascontiguousarray(cand)
        potential = np.zeros(cand.shape[0])
        for start in range(0, n, block):
            part = core_rows(X[start:start + block])
            d_c = _core.cluster.all_distances(part, cand, metric, n_jobs).astype(np.float64)
            potential += w[start:start + block] @ np.minimum(d_c, dist[start:start + block, None])
        best = int(np.argmin(potential))
        centres.append(cand[best])
        _, d_best = _core.cluster.nearest_centres(data, None, cand[best:best + 1], metric, n_jobs)
        np.minimum(dist, d_best, out=dist)
    return np.ascontiguousarray(np.stack(centres), dtype=dtype)


def kmeans_parallel(X, k: int, weights: Optional[np.ndarray], rng: np.random.Generator, metric: str, n_jobs: int,
                    init_size: int, oversampling: float, rounds: int) -> np.ndarray:
    """k-means|| (Bahmani et al. 2012) on a uniform sample of `init_size` rows.

    One centre drawn at random; then `rounds` rounds, each adding every sampled row independently
    with probability min(1, l·w·D²/φ) (l = oversampling·k, φ = Σ w·D²) — each round needs only the
    distances to the centres it adds. The candidates, weighted by the sample weight they are
    nearest to, are reduced to k centres by greedy k-means++ and weighted Lloyd iterations.
    """
    n = X.shape[0]
    rows = sample_rows(rng, n, init_size)
    w_all = None if weights is None else np.asarray(weights, dtype=np.float64)
    w = np.ones(rows.size) if w_all is None else w_all[rows]
    data = core_rows(X)
    dtype = X.dtype
    first = rows[int(_draw(rng, w, 1)[0])]
    candidates = take_rows(X, np.array([first])).astype(dtype)
    if metric == "cosine":
        candidates = directions(candidates)
    owner, dist = _core.cluster.nearest_centres(data, rows, candidates, metric, n_jobs)
    dist = dist.astype(np.float64)
    owner = owner.astype(np.int64)
    target = oversampling * k
    for _ in range(rounds):
        phi = float(np.dot(w, dist))
        if not phi > 0:
            break
        chosen = rows[rng.random(rows.size) < target * w * dist / phi]
        if chosen.size == 0:
            continue
        new = take_rows(X, chosen).astype(dtype)
        if metric == "cosine":
            new = directions(new)
        near, d_new = _core.cluster.nearest_centres(data, rows, np.ascontiguousarray(new), metric, n_jobs)
        closer = d_new < dist
        dist[closer] = d_new[closer]
        owner[closer] = near[closer] + candidates.shape[0]
        candidates = np.vstack([candidates, new])
    mass = np.bincount(owner, weights=w, minlength=candidates.shape[0])
    keep = mass > 0
    candidates, mass = np.ascontiguousarray(candidates[keep]), mass[keep]
    if candidates.shape[0] <= k:
        # Fewer distinct candidates than clusters (few distinct rows): all of them, then sample rows.
        extra = rows[rng.choice(rows.size, size=k - candidates.shape[0], replace=rows.size < k)]
        more = take_rows(X, extra).astype(dtype)
        if metric == "cosine":
            more = directions(more)
        return np.ascontiguousarray(np.vstack([candidates, more]), dtype=dtype)
    centres = kmeans_plusplus(candidates, k, mass, rng, metric, 1)
    small_weight = mass.astype(dtype)
    centres, _, _, _ = lloyd(candidates, centres, small_weight, metric, n_jobs=1, max_iter=30, tol=0.0,
                             center="mean", verbose=0, name="k-means|| reclustering", algorithm="lloyd")
    return centres


def relocate_empty(X, data: CoreRows, centres: np.ndarray, sums: np.ndarray, mass: np.ndarray, labels: np.ndarray,
                   weights: Optional[np.ndarray], metric: str, n_jobs: int) -> list:
    """Moves every empty cluster onto one of the rows farthest from their centres (largest
    first, ties by row order), taking that row out of its cluster's sums (in place); returns the
    rows moved."""
    moved: list = []
    empty = np.flatnonzero(mass <= 0)
    if empty.size == 0:
        return moved
    # The farthest rows, a few more than the empty clusters (some may not be movable); all rows
    # only if those run out. Never an n-long array (the extra memory stays a few % of X).
    count = min(labels.size, 4 * empty.size + 16)
    order, _ = _core.cluster.farthest_rows(data, centres, metric, labels, count, n_jobs)
    if count < labels.size and _movable(order, labels, mass, weights) < empty.size:
        order, _ = _core.cluster.farthest_rows(data, centres, metric, labels, labels.size, n_jobs)
    taken = 0
    for e in empty:
        while taken < order.size:
            row = int(order[taken])
            taken += 1
            old = int(labels[row])
            w_row = 1.0 if weights is None else float(weights[row])
            if old >= 0 and w_row > 0 and mass[old] > w_row:  # a zero-weight row would leave it empty
                break
        else:
            return moved  # fewer movable rows than empty clusters: they stay where they are
        x = take_rows(X, np.array([row]))[0].astype(np.float64)
        w = 1.0 if weights is None else float(weights[row])
        if metric == "cosine":
            norm = float(np.linalg.norm(x))
            x = x / norm if norm > 0 else x
        sums[old] -= w * x
        mass[old] -= w
        sums[e] = w * x
        mass[e] = w
        labels[row] = e
        moved.append(row)
    return moved


def _movable(rows: np.ndarray, labels: np.ndarray, mass: np.ndarray, weights: Optional[np.ndarray]) -> int:
    """How many of `rows` relocate_empty could take (a lower bound: masses shrink as it goes)."""
    w = np.ones(rows.size) if weights is None else weights[rows].astype(np.float64)
    old = labels[rows]
    return int(np.sum((old >= 0) & (w > 0) & (mass[np.maximum(old, 0)] > w)))


def centres_from_sums(sums: np.ndarray, mass: np.ndarray, previous: np.ndarray, metric: str, center: str,
                      dtype) -> np.ndarray:
    """New centres: means (Euclidean), unit mean directions (cosine, center="mean") or the plain
    sums (cosine, center="sum"); a cluster with no mass keeps its previous centre."""
    safe = np.where(mass > 0, mass, 1.0)[:, None]
    if metric == "euclidean":
        new = sums / safe
    elif center == "sum":
        new = sums.copy()
    else:
        new = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), np.finfo(np.float64).tiny)
    new[mass <= 0] = previous[mass <= 0]
    return np.ascontiguousarray(new, dtype=dtype)


def directions(centres: np.ndarray) -> np.ndarray:
    """Unit rows (zero rows stay zero): what the cosine passes score against."""
    norms = np.linalg.norm(centres.astype(np.float64), axis=1, keepdims=True)
    return np.ascontiguousarray(np.where(norms > 0, centres / np.where(norms > 0, norms, 1), 0.0),
                                dtype=centres.dtype)


def half_gaps(centres: np.ndarray) -> np.ndarray:
    """Half the distance from every centre to its nearest other centre (∞ when k = 1)."""
    c = centres.astype(np.float64)
    k = c.shape[0]
    sq = np.einsum("ij,ij->i", c, c)
    out = np.full(k, np.inf)
    step = max(1, (1 << 20) // max(1, k))
    for start in range(0, k, step):
        block = sq[start:start + step, None] + sq[None, :] - 2.0 * (c[start:start + step] @ c.T)
        block[np.arange(block.shape[0]), np.arange(start, start + block.shape[0])] = np.inf
        out[start:start + step] = block.min(axis=1) if k > 1 else np.inf
    return 0.5 * np.sqrt(np.maximum(out, 0.0))


def use_bounds(X, metric: str, k: int, algorithm: str) -> bool:
    """Hamerly's bounds for dense Euclidean data (they cost a float per row and a k × k pass over
    the centres per iteration; "auto" takes them from 32 centres on, where scans dominate)."""
    if algorithm == "lloyd" or metric != "euclidean" or sp.issparse(X) or k < 2:
        return False
    return algorithm == "hamerly" or k >= 32


def lloyd(X, centres: np.ndarray, weights: Optional[np.ndarray], metric: str, n_jobs: int, max_iter: int, tol: float,
          center: str, verbose: int, name: str = "KMeans",
          algorithm: str = "auto") -> Tuple[np.ndarray, np.ndarray, float, int]:
    """Lloyd iterations from `centres` until no label changes, the squared centre shift is at
    most `tol` (already scaled by the caller), or max_iter; returns (centres, labels, objective
    at the returned centres, iterations). Cosine: centres are scored by direction. With Hamerly's
    bounds (see use_bounds) rows that provably keep their centre are not scanned: same labels."""
    data = core_rows(X)
    n, k = X.shape[0], centres.shape[0]
    dtype = centres.dtype
    labels = np.full(n, -1, dtype=np.int32)
    bounded = use_bounds(X, metric, k, algorithm)
    lower = np.full(n, -np.inf, dtype=np.float32) if bounded else None
    drop = np.zeros(k)
    iterations = 0
    for iteration in range(1, max_iter + 1):
        scored = directions(centres) if metric == "cosine" else centres
        if bounded:
            sums, mass, objective, changed, scanned = _core.cluster.lloyd_pass(
                data, weights, scored, metric, labels, n_jobs, lower, drop, half_gaps(centres))
        else:
            sums, mass, objective, changed, scanned = _core.cluster.lloyd_pass(data, weights, scored, metric, labels,
                                                                               n_jobs)
        moved = relocate_empty(X, data, scored, sums, mass, labels, weights, metric, n_jobs)
        new = centres_from_sums(sums, mass, centres, metric, center, dtype)
        step = np.sqrt(np.sum((new.astype(np.float64) - centres) ** 2, axis=1))
        shift = float(np.sum(step**2))
        if bounded:
            if moved:
                lower[np.asarray(moved)] = -np.inf
            # drop[j]: the largest step of any other centre
            order = np.argsort(-step, kind="stable")
            drop = np.full(k, step[order[0]])
            if k > 1:
                drop[order[0]] = step[order[1]]
        centres = new
        iterations = iteration
        if verbose:
            logger.info("%s iteration %d: objective %.6g, %d labels changed, %d rows scanned, centre shift %.3g",
                        name, iteration, objective, changed, scanned, shift)
        if changed == 0 and iteration > 1:
            break
        if shift <= tol:
            break
    scored = directions(centres) if metric == "cosine" else centres
    del lower
    # The final labels and objective by one more pass into the same label array (no n-long
    # distances); its sums are not needed.
    _, _, objective, _, _ = _core.cluster.lloyd_pass(data, weights, scored, metric, labels, n_jobs)
    return centres, labels, objective, iterations


def assign(data: CoreRows, weights: Optional[np.ndarray], scored: np.ndarray, metric: str, n: int,
           n_jobs: int) -> Tuple[np.ndarray, float]:
    """Labels at the given centres and the (weighted) objective there, by one pass (the same
    arithmetic as the fit's own objective)."""
    labels = np.full(n, -1, dtype=np.int32)
    _, _, objective, _, _ = _core.cluster.lloyd_pass(data, weights, scored, metric, labels, n_jobs)
    return labels, objective



def mean_variance(X) -> float:
    """Mean over features of the per-feature variance, in float64 and in row blocks (no copy of X)."""
    n, d = X.shape
    total = np.zeros(d)
    squares = np.zeros(d)
    step = max(1, (1 << 19) // max(1, d))
    for start in range(0, n, step):
        block = X[start:start + step]
        if sp.issparse(block):
            block = block.tocsr()
            total += np.asarray(block.sum(axis=0), dtype=np.float64).ravel()
            squares += np.asarray(block.multiply(block).sum(axis=0), dtype=np.float64).ravel()
        else:
            b = block.astype(np.float64)
            total += b.sum(axis=0)
            squares += np.einsum("ij,ij->j", b, b)
    mean = total / n
    return float(np.mean(np.maximum(squares / n - mean**2, 0.0)))
