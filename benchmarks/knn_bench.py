#!/usr/bin/env python
"""Benchmark the k-nearest-neighbour search (unsup.cluster.knn_search) against its peers.

What it measures
----------------
For each size n (rows of dimension ``--dim`` drawn from a Gaussian mixture: ``--components``
centres N(0, I), every row a centre plus N(0, spread² I)), in one run:

* ``unsup exact`` (blocked exhaustive search) up to ``--exact-max`` rows and ``unsup ivf``
  (inverted file: K-means lists, n_probe nearest lists searched), wall seconds of the call;
* peers, if installed: scikit-learn ``NearestNeighbors`` (brute force, up to ``--sklearn-max``
  rows), faiss ``IndexFlatL2`` (up to ``--exact-max`` rows) and faiss ``IndexIVFFlat`` with the
  same number of lists and probes as ours (training on the same number of sample rows, 10
  iterations), timed from index construction to the end of the search;
* recall@k of every method on ``--queries`` random rows, against float64 brute force (numpy);
  a row's own id is dropped from the peers' answers (they search k + 1 including the row).

The table prints per size and method: seconds, the peer's seconds and the ratio peer/ours for
the matching method (exact vs exact, IVF vs IVF), and recall@k. Every method runs with
``--n-jobs`` threads (faiss through omp_set_num_threads).

With ``--infomap`` it then times the end-to-end clustering at the largest size: the kNN graph
(``knn_graph``, connectivity weights, directed), its symmetrisation ``A + A.T`` and
``InfoMap(affinity="precomputed", n_trials=1)`` on it, each stage reported.

How to run
----------
From the repository root, with the package built::

    python benchmarks/knn_bench.py --sizes 100000 1000000 --n-jobs 2 --infomap
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np


def mixture(n: int, d: int, components: int, spread: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((components, d), dtype=np.float32)
    X = centres[rng.integers(0, components, n)]
    X += spread * rng.standard_normal((n, d), dtype=np.float32)
    return X


def truth(X: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Exact neighbours (self excluded) of the query rows, float64 brute force."""
    X64 = X.astype(np.float64)
    sq = (X64 * X64).sum(1)
    out = np.empty((queries.size, k), dtype=np.int64)
    for s in range(0, queries.size, 100):
        q = queries[s:s + 100]
        D = sq[q][:, None] + sq[None, :] - 2.0 * X64[q] @ X64.T
        D[np.arange(q.size), q] = np.inf
        part = np.argpartition(D, k, axis=1)[:, :k]
        order = np.argsort(np.take_along_axis(D, part, axis=1), axis=1)
        out[s:s + 100] = np.take_along_axis(part, order, axis=1)
    return out


def recall(found: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([np.intersect1d(a, b).size / b.size for a, b in zip(found, exact)]))


def drop_self(indices: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """The first k ids of every row other than the row itself."""
    out = np.empty((queries.size, k), dtype=np.int64)
    for r, (row, q) in enumerate(zip(indices, queries)):
        out[r] = [i for i in row if i != q][:k]
    return out


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--components", type=int, default=1000)
    parser.add_argument("--spread", type=float, default=0.5)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--n-probe", type=int, default=None, help="IVF probes (default: knn_search's)")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--exact-max", type=int, default=100_000)
    parser.add_argument("--sklearn-max", type=int, default=100_000)
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--infomap", action="store_true", help="end-to-end kNN graph + InfoMap at the largest size")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from unsup import _core
    from unsup.cluster import knn_graph, knn_search

    try:
        import faiss
        faiss.omp_set_num_threads(args.n_jobs)
    except ImportError:
        faiss = None
    print(f"# kNN benchmark: dim {args.dim}, k {args.k}, {args.components} components, spread {args.spread}, "
          f"n_jobs {args.n_jobs}, isa {_core.cluster.isa()}, faiss {'yes' if faiss else 'no'}")
    rows = []
    for n in args.sizes:
        X = mixture(n, args.dim, args.components, args.spread, args.seed)
        rng = np.random.default_rng(args.seed + 1)
        queries = np.sort(rng.choice(n, size=min(args.queries, n), replace=False))
        exact_ids = truth(X, queries, args.k)
        n_lists = max(1, int(round(2 * math.sqrt(n))))
        n_probe = args.n_probe if args.n_probe is not None else 8
        ours = {}
        if n <= args.exact_max:
            t, (idx, _) = timed(lambda: knn_search(X, args.k, algorithm="exact", n_jobs=args.n_jobs))
            ours["exact"] = (t, recall(idx[queries], exact_ids))
        t, (idx, _) = timed(lambda: knn_search(X, args.k, algorithm="ivf", n_lists=n_lists, n_probe=n_probe,
                                               random_state=args.seed, n_jobs=args.n_jobs))
        ours["ivf"] = (t, recall(idx[queries], exact_ids))
        peers = {}
        if not args.no_peers and n <= args.sklearn_max:
            from sklearn.neighbors import NearestNeighbors

            def sk():
                nn = NearestNeighbors(n_neighbors=args.k + 1, algorithm="brute", n_jobs=args.n_jobs).fit(X)
                return nn.kneighbors(X, return_distance=False)
            t, idx = timed(sk)
            peers["sklearn brute"] = ("exact", t, recall(drop_self(idx[queries], queries, args.k), exact_ids))
        if faiss is not None and not args.no_peers:
            if n <= args.exact_max:
                def flat():
                    index = faiss.IndexFlatL2(args.dim)
                    index.add(X)
                    return index.search(X, args.k + 1)[1]
                t, idx = timed(flat)
                peers["faiss IndexFlatL2"] = ("exact", t, recall(drop_self(idx[queries], queries, args.k), exact_ids))

            def ivf():
                quantizer = faiss.IndexFlatL2(args.dim)
                index = faiss.IndexIVFFlat(quantizer, args.dim, n_lists)
                index.cp.niter = 8
                sample = np.random.default_rng(args.seed).choice(n, size=min(n, max(32 * n_lists, 10_000)),
                                                                 replace=False)
                index.train(X[sample])
                index.add(X)
                index.nprobe = n_probe
                return index.search(X, args.k + 1)[1]
            t, idx = timed(ivf)
            peers["faiss IndexIVFFlat"] = ("ivf", t, recall(drop_self(idx[queries], queries, args.k), exact_ids))
        for method, (t, r) in ours.items():
            rows.append((n, f"unsup {method}" + (f" (lists {n_lists}, probe {n_probe})" if method == "ivf" else ""),
                         t, "", "", "", r))
        for name, (kind, t, r) in peers.items():
            mine = ours.get(kind)
            rows.append((n, name, t, "", f"{t:.2f}", f"{t / mine[0]:.2f}" if mine else "", r))
        print(f"n={n}: done", flush=True)

    print()
    print(f"| n | method | seconds | peer/unsup ({'same kind'}) | recall@{args.k} |")
    print("|---|---|---|---|---|")
    for n, name, t, _, _, ratio, r in rows:
        print(f"| {n:,} | {name} | {t:.2f} | {ratio} | {r:.4f} |")

    if args.infomap:
        from unsup.graph import InfoMap

        n = max(args.sizes)
        X = mixture(n, args.dim, args.components, args.spread, args.seed)
        t_knn, A = timed(lambda: knn_graph(X, args.k, mode="connectivity", n_probe=args.n_probe,
                                           random_state=args.seed, n_jobs=args.n_jobs))
        t_sym, S = timed(lambda: (A + A.T).tocsr())
        model = InfoMap(affinity="precomputed", n_trials=1, random_state=args.seed, n_jobs=args.n_jobs)
        t_info, _ = timed(lambda: model.fit(S))
        print()
        print(f"End-to-end at n={n:,}, dim {args.dim}, k {args.k}, n_jobs {args.n_jobs}:")
        print(f"| stage | seconds |\n|---|---|\n| knn_graph (auto) | {t_knn:.2f} |\n| A + A.T | {t_sym:.2f} |")
        print(f"| InfoMap(n_trials=1) | {t_info:.2f} |\n| total | {t_knn + t_sym + t_info:.2f} |")
        print(f"modules: {model.n_modules_}, codelength {model.codelength_:.4f} bits")


if __name__ == "__main__":
    main()
