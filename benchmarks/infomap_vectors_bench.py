"""InfoMap on feature rows end to end: ``InfoMap(n_neighbors=k).fit(X)`` on a Gaussian mixture.

The bar of issue 8: 1e6 rows of dimension 64, 10 nearest neighbours, in under 2 minutes on
2 cores. Each configuration runs in this process, one after the other, on the same rows; the
table gives wall and CPU seconds of ``fit`` (kNN graph included), the peak resident memory of
the process so far, the number of top modules and the adjusted Rand index against the
mixture's components (AMI's expected-information term takes minutes at 1e6 rows and 1000
labels). There is no peer: the official Infomap takes graphs only.

    python benchmarks/infomap_vectors_bench.py                       # 1e6 x 64, trials 1 and 10
    python benchmarks/infomap_vectors_bench.py --n 200000 --trials 1
"""

from __future__ import annotations

import argparse
import platform
import resource
import time

import numpy as np
from sklearn.metrics import adjusted_rand_score

from unsup.graph import InfoMap


def mixture(n: int, dim: int, components: int, spread: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows around `components` centres drawn from N(0, I), each with N(0, spread^2 I) noise."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((components, dim), dtype=np.float32)
    y = rng.integers(0, components, n)
    X = centres[y]
    X += spread * rng.standard_normal((n, dim), dtype=np.float32)
    return X, y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--components", type=int, default=1000)
    parser.add_argument("--spread", type=float, default=0.5)
    parser.add_argument("--k", type=int, default=10, help="neighbours per row")
    parser.add_argument("--trials", type=int, nargs="+", default=[1, 10], help="n_trials values to run")
    parser.add_argument("--two-level", action="store_true", help="hierarchical=False (default: the estimator's"
                                                                 " hierarchical search)")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    X, y = mixture(args.n, args.dim, args.components, args.spread, args.seed)
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"rows {args.n:,} x {args.dim}, {args.components} components, spread {args.spread}, k {args.k}, "
          f"n_jobs {args.n_jobs}, hierarchical {not args.two_level}")
    print()
    print("| n_trials | wall s | CPU s | peak RSS GB | top modules | ARI | codelength |")
    print("|---|---|---|---|---|---|---|")
    for trials in args.trials:
        model = InfoMap(n_neighbors=args.k, n_trials=trials, n_jobs=args.n_jobs, random_state=args.seed,
                        hierarchical=not args.two_level)
        wall, cpu = time.perf_counter(), time.process_time()
        model.fit(X)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
        ari = adjusted_rand_score(y, model.labels_)
        print(f"| {trials} | {wall:.1f} | {cpu:.1f} | {peak:.1f} | {model.n_modules_} | {ari:.4f} | "
              f"{model.codelength_:.4f} |", flush=True)


if __name__ == "__main__":
    main()
