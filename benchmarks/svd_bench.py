"""Benchmark: truncated SVD (rank 100) against scikit-learn and ARPACK, one thread.

Two matrices, built in the benchmark environment (never committed; cached under
``benchmarks/results/svd/``):

* dense: ``make_low_rank_matrix(20000, 2000, effective_rank=100, tail_strength=0.5,
  random_state=0)`` (float64);
* sparse: a PPMI-like 1e6 × 1e5 matrix, float64, about 19M non-zeros — 43M co-occurrence events
  between Zipf-distributed rows and columns (rank + 2.7)^-1, 60% of them drawn within one of 200
  latent topics (a row's home topic, a log-uniform rank among that topic's columns), then
  ``PMI = ln(c_ij N / (c_i c_j))`` with only the positive values kept.

Methods, each in its own process (``--child``) so that the extra memory (peak RSS minus the RSS
with the matrix loaded) is its own: ``unsup`` (``SVDAutoencoder(100).fit``, randomized, defaults),
``sklearn`` (``randomized_svd``, the routine under ``TruncatedSVD(algorithm="randomized")``, with
n_iter 2 and 5) and ``arpack`` (``scipy.sparse.linalg.svds``, the optimum). Printed: time, ratio
to scikit-learn n_iter=5, the residual ``‖A − A V Vᵀ‖_F / ‖A‖_F``, the captured energy
``‖A V‖²_F`` as a share of the optimum's (ARPACK's top-100 singular values), and the extra
memory. BLAS and unsup run on one thread (``OPENBLAS_NUM_THREADS=1``, ``n_jobs=1``).

The PPMI word vectors against gensim's Word2Vec: ``benchmarks/ppmi_bench.py``.

Setup (benchmark environment)::

    pip install .
    python benchmarks/svd_bench.py                 # both matrices, all methods
    python benchmarks/svd_bench.py --matrices dense --skip-arpack
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "results" / "svd"
RANK = 100
SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


# ---------------------------------------------------------------------------------------
# Matrices
# ---------------------------------------------------------------------------------------
def ppmi_like(n_rows=1_000_000, n_cols=100_000, n_events=43_000_000, n_topics=200, topical=0.6, seed=0):
    """The sparse benchmark matrix (see the module docstring)."""
    import numpy as np
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)

    def zipf_cdf(n):
        p = 1.0 / (np.arange(n) + 2.7)
        return np.cumsum(p / p.sum())

    row_topic = rng.integers(0, n_topics, n_rows)
    col_topic = rng.integers(0, n_topics, n_cols)
    order = np.argsort(col_topic, kind="stable")
    starts = np.searchsorted(col_topic[order], np.arange(n_topics + 1))
    rows = np.searchsorted(zipf_cdf(n_rows), rng.random(n_events)).astype(np.int32)
    cols = np.searchsorted(zipf_cdf(n_cols), rng.random(n_events)).astype(np.int32)
    topical_mask = rng.random(n_events) < topical
    t = row_topic[rows[topical_mask]]
    size = starts[t + 1] - starts[t]
    r = np.floor(size.astype(np.float64) ** rng.random(t.size)).astype(np.int64) - 1
    cols[topical_mask] = order[starts[t] + np.minimum(r, size - 1)]
    counts = sp.csr_matrix((np.ones(n_events, np.float32), (rows, cols)), shape=(n_rows, n_cols))
    counts.sum_duplicates()
    total = counts.data.sum(dtype=np.float64)
    row_sum = np.asarray(counts.sum(axis=1)).ravel()
    col_sum = np.asarray(counts.sum(axis=0)).ravel()
    row_of = np.repeat(np.arange(n_rows), np.diff(counts.indptr))
    pmi = np.log(counts.data.astype(np.float64) * total / (row_sum[row_of] * col_sum[counts.indices]))
    keep = pmi > 0
    indptr = np.r_[0, np.cumsum(np.bincount(row_of[keep], minlength=n_rows))]
    return sp.csr_matrix((pmi[keep], counts.indices[keep], indptr), shape=(n_rows, n_cols))


def matrix_path(name: str) -> Path:
    return WORK / f"{name}.npz" if name == "sparse" else WORK / f"{name}.npy"


def build(name: str) -> None:
    import numpy as np
    import scipy.sparse as sp

    path = matrix_path(name)
    if path.exists():
        return
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if name == "dense":
        from sklearn.datasets import make_low_rank_matrix

        np.save(path, make_low_rank_matrix(20000, 2000, effective_rank=100, tail_strength=0.5, random_state=0))
    else:
        sp.save_npz(path, ppmi_like(), compressed=False)
    print(f"built {path.name} in {time.perf_counter() - started:.1f} s", flush=True)


def load(name: str):
    import numpy as np
    import scipy.sparse as sp

    return np.load(matrix_path(name)) if name == "dense" else sp.load_npz(matrix_path(name))


# ---------------------------------------------------------------------------------------
# One method in a child process
# ---------------------------------------------------------------------------------------
def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def child(name: str, method: str) -> None:
    import numpy as np

    # Imports first: the time is that of the call alone.
    if method == "unsup":
        from unsup.decomposition import SVDAutoencoder

        def run(a):
            model = SVDAutoencoder(RANK, random_state=0, n_jobs=1).fit(a)
            return model.components_, model.singular_values_
    elif method.startswith("sklearn"):
        from sklearn.utils.extmath import randomized_svd

        def run(a):
            _, s, vt = randomized_svd(a, RANK, n_iter=int(method.split("-")[1]), random_state=0)
            return vt, s
    elif method == "arpack":
        from scipy.sparse.linalg import svds

        def run(a):
            _, s, vt = svds(a, k=RANK, random_state=0)
            return vt, s
    else:
        raise SystemExit(f"unknown method {method}")
    a = load(name)
    with open("/proc/self/clear_refs", "w") as fh:  # restart the peak RSS from here
        fh.write("5")
    base_kb = _status_kb("VmRSS")
    started = time.perf_counter()
    vt, s = run(a)
    seconds = time.perf_counter() - started
    extra_mb = (_status_kb("VmHWM") - base_kb) / 1024
    av = a @ vt.T
    energy = float(np.sum(np.asarray(av, dtype=np.float64) ** 2))
    total = float(np.sum(a.data.astype(np.float64) ** 2)) if hasattr(a, "nnz") else float(np.sum(a * a))
    print(json.dumps({"seconds": seconds, "energy": energy, "total": total, "extra_mb": extra_mb,
                      "singular_values": sorted(map(float, s), reverse=True)}))


def run_child(name: str, method: str) -> dict:
    env = dict(os.environ, **SINGLE_THREAD_ENV)
    out = subprocess.run([sys.executable, __file__, "--child", name, method], env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--matrices", nargs="+", default=["dense", "sparse"], choices=["dense", "sparse"])
    parser.add_argument("--skip-arpack", action="store_true", help="no ARPACK run (the optimum is then unknown)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; one thread")
    for name in args.matrices:
        build(name)
        methods = ["unsup", "sklearn-2", "sklearn-5"] + ([] if args.skip_arpack else ["arpack"])
        results = {m: run_child(name, m) for m in methods}
        optimum = (sum(v * v for v in results["arpack"]["singular_values"]) if "arpack" in results else None)
        reference = results["sklearn-5"]["seconds"]
        print(f"\n{name}: rank {RANK}")
        print(f"{'method':<12}{'time s':>9}{'vs sk-5':>9}{'residual':>11}{'energy/opt':>12}{'extra MB':>10}")
        for method, r in results.items():
            residual = max(0.0, 1.0 - r["energy"] / r["total"]) ** 0.5
            share = f"{r['energy'] / optimum:.5f}" if optimum else "-"
            print(f"{method:<12}{r['seconds']:>9.2f}{r['seconds'] / reference:>9.3f}{residual:>11.6f}{share:>12}"
                  f"{r['extra_mb']:>10.0f}")


if __name__ == "__main__":
    main()
