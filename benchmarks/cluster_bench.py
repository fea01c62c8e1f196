#!/usr/bin/env python
"""Benchmark of issue 4: K-means, its seeding, Gaussian mixtures and capsule routing against
scikit-learn, faiss-cpu, numpy and torch, with every figure also given as a multiple of this
machine's bound (1-thread sgemm GFLOP/s and read bandwidth, measured in the same run).

What it measures
----------------
* **bounds** (one thread): sgemm GFLOP/s of a square float32 product (the peak) and of the thin
  distance products ``(rows × d) · (d × k)`` of the K-means cases (blocks of 16384 rows), and the
  read bandwidth of a pass over 1 GiB of float32 (the fastest of ``np.add.reduce``, a
  matrix-vector product with ones and ``np.max``; the one used is printed). Bound of one Lloyd
  iteration: compute ``2·n·d·k / peak``, memory ``X.nbytes / bandwidth``; routing: one pass over
  ``û`` at the read bandwidth.
* **kmeans**: ``make_blobs(n, d, centers=100, cluster_std=4, center_box=(-10, 10), random_state=0)``
  float32 for (1e6, 64) and (1e5, 128), k ∈ {16, 256}; every method starts from the same centres
  ``C0`` (k distinct rows of X, seed 0) and runs without early stop (``tol=0``): unsup
  ``KMeans(init=C0, n_init=1, tol=0)``, scikit-learn ``KMeans(init=C0, n_init=1, tol=0,
  algorithm="lloyd")``, faiss ``Kmeans(max_points_per_centroid=10**9)`` (no subsampling) trained with
  ``init_centroids=C0``. Time per iteration = (best fit time with 20 iterations − best fit time with
  1 iteration) / 19, both from C0, so that validation, copies and final label passes cancel
  (faiss's own per-iteration timer is recorded in the JSON as a cross-check). Quality: the inertia
  of each method's centres after 20 iterations, recomputed by ONE float64 evaluator
  (``_cluster_bench_peers.inertia64``: nearest centre in float64, in blocks), relative to a float64
  numpy Lloyd from C0 for 20 iterations (``--skip-reference`` leaves it out).
* **init**: unsup's default seeding ("k-means||") and "k-means++": seeding time = best fit time
  with that init and ``max_iter=1`` − best fit time with ``init=C0`` and ``max_iter=1``, against
  one Lloyd iteration of the kmeans section; and the inertia after 20 iterations from each seeding,
  against scikit-learn's ``kmeans_plusplus`` (timed alone) followed by 20 Lloyd iterations. At
  1M×64, k=256 scikit-learn's k-means++ takes minutes: it runs only with ``--full``;
  ``--skip-sklearn-init`` never runs it. One thread.
* **memory** (extra memory beyond the input): peak resident memory during the first full-size
  call minus the resident memory just before it, with the input loaded and a warm-up call on a
  small slice done. On Linux the peak is ``VmHWM`` of ``/proc/self/status``, restarted by writing
  ``5`` to ``/proc/self/clear_refs`` right before the call. Reported for K-means (the bar:
  ≤ 5% of X), GMM and routing.
* **gmm**: ``make_blobs(100000, 32, centers=16, cluster_std=2, random_state=0)`` float32, 16
  components, diag and full, ``tol=0``, ``reg_covar=1e-6``, from identical initial weights, means and
  precisions (from a 5-iteration float64 Lloyd labelling, computed once and passed to both). Time
  per iteration = (best with 11 iterations − best with 1) / 10. Quality: the mean log-likelihood of
  each method's fitted parameters recomputed by one float64 evaluator (``gmm_mean_loglik64``;
  ``score(X)`` when a model keeps no ``covariances_``), relative to scikit-learn run in float64
  from the same start for the same 11 iterations.
* **routing**: ``û = 0.1·N(0, 1)`` float32 of shape (128, 1152, 10, 16), 3 iterations: dynamic
  routing (Su's variant, ε = 0.5, and Sabour's, ε = 1) against numpy and torch formulations
  (``matmul`` on a once-transposed copy and ``einsum`` on the native layout, both timed; the
  faster is the peer), EM routing (``a_in`` uniform(0, 1), β_u = β_a = 0, fixed inverse
  temperature 1) against numpy. Quality: max |unsup − numpy| over the outputs. The conventions are
  those of ``_cluster_bench_peers.py`` (``--check-peers`` checks the vectorised peers against
  per-sample loops).

Threads: 1 (primary) and 2 (secondary), ``--threads``. unsup ``n_jobs``; numpy/scipy/scikit-learn
``threadpoolctl.threadpool_limits`` plus ``OMP/OPENBLAS/MKL_NUM_THREADS``; faiss
``omp_set_num_threads``; torch ``set_num_threads``. Every (case, method, thread count) runs in its
own child process (this script with ``--child``): the thread variables are in place before any
OpenMP/BLAS runtime starts (libgomp, OpenBLAS and torch's runtime never share a process), a pool
left spinning by one method cannot slow the next, and the peak-memory figure belongs to that
method alone. Times are the best of ``--repeats`` calls (default 3; the host is shared and noisy).
Results computed with 1 and 2 threads are compared bit for bit (SHA-256 of the outputs).

unsup rows read "not available" while ``unsup.cluster`` lacks the estimator or function
(ImportError / AttributeError only; any other error stops the benchmark).

Setup (benchmark environment only; never project dependencies)::

    pip install .                              # unsup itself
    pip install faiss-cpu "torch==2.13.0"      # the peers (scikit-learn is already a dependency)

Run from the repository root::

    python benchmarks/cluster_bench.py --quick                 # small sizes, a smoke test
    python benchmarks/cluster_bench.py                         # the issue's sizes, 1 and 2 threads
    python benchmarks/cluster_bench.py --sections kmeans,memory --threads 1 --kmeans-cases 1000000x64
    python benchmarks/cluster_bench.py --sections init --full  # with scikit-learn's k-means++ at 1M
    python benchmarks/cluster_bench.py --check-peers           # routing peers vs per-sample loops

Data, the float64 references and scratch files are cached under ``benchmarks/results/cluster/``;
the results go to ``benchmarks/results/cluster_bench.json`` (both git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _cluster_bench_peers as peers  # noqa: E402

RESULTS = HERE / "results"
WORK = RESULTS / "cluster"
JSON_OUT = RESULTS / "cluster_bench.json"
MARK = "@@RESULT "
SECTIONS = ("kmeans", "init", "memory", "gmm", "routing")
METHODS = ("unsup", "sklearn", "faiss", "numpy", "torch")
SEED = 0

FULL = {
    "kmeans_cases": [(1_000_000, 64), (100_000, 128)], "ks": [16, 256], "kmeans_iters": 20,
    "gmm": (100_000, 32, 16), "gmm_iters": 11, "routing_batch": 128, "routing_iters": 3,
    "sgemm_n": 4096, "thin_rows": 1 << 20, "bandwidth_bytes": 1 << 30,
    "sklearn_init_max_work": 4e9,  # n·d·k above which scikit-learn's k-means++ needs --full
}
QUICK = {
    "kmeans_cases": [(50_000, 32)], "ks": [16, 64], "kmeans_iters": 20,
    "gmm": (10_000, 8, 4), "gmm_iters": 11, "routing_batch": 8, "routing_iters": 3,
    "sgemm_n": 1024, "thin_rows": 1 << 16, "bandwidth_bytes": 1 << 28,
    "sklearn_init_max_work": 4e9,
}
# The bars (one thread).
BAR_PEER_RATIO = 0.5
BAR_COMPUTE = 1.5
BAR_MEMORY = 2.0
BAR_INERTIA = 1e-4
BAR_INIT_ITERS = 2.0
BAR_EXTRA_MEMORY = 0.05
BAR_GMM_SPEEDUP = {"diag": 10.0, "full": 5.0}
BAR_LOGLIK = 1e-6
BAR_ROUTING_MS = {"su": 12.0, "sabour": 12.0, "em": 30.0}


# =======================================================================================
# Child side: one (task, method, thread count) per process
# =======================================================================================
class Unavailable(Exception):
    """The unsup API needed by a row is missing (ImportError / AttributeError)."""


def _unsup(name):
    import unsup.cluster

    return getattr(unsup.cluster, name)


def _status_kb(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def timed(call):
    """(wall seconds, process CPU seconds, result) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = call()
    return time.perf_counter() - wall, time.process_time() - cpu, out


class Clock:
    """Wall and process-CPU seconds of repeated calls; the best (minimum) of each is kept.

    The CPU figure is what a one-thread call would take on an unloaded core: on a busy shared host
    (compilers beside the benchmark) the wall time of a one-thread call grows, its CPU time hardly.
    ``--clock cpu`` reports it for the one-thread rows."""

    def __init__(self):
        self.wall, self.cpu = [], []

    def __call__(self, call):
        wall, cpu, out = timed(call)
        self.wall.append(wall)
        self.cpu.append(cpu)
        return out

    def measured(self, call):
        """The call, timed, plus the extra bytes of its peak RSS beyond the RSS before it."""
        with open("/proc/self/clear_refs", "w") as fh:  # restart VmHWM from the current RSS
            fh.write("5")
        base = _status_kb("VmRSS")
        out = self(call)
        return max(0, _status_kb("VmHWM") - base) * 1024, out

    @property
    def best(self):
        return min(self.wall)

    @property
    def best_cpu(self):
        return min(self.cpu)

    def cpu_share(self):
        """CPU / wall of the fastest call (≈ threads on an idle host; well below 1 on a busy one)."""
        i = self.wall.index(min(self.wall))
        return self.cpu[i] / self.wall[i]


def per_iteration(full, one, iters):
    """{ms_per_iter, ms_per_iter_cpu}: (best full fit − best 1-iteration fit) / (iters − 1), with
    ``iters`` the iterations the full fit really ran (faiss and scikit-learn stop at an exact fixed
    point even with tol=0; the iterations left would change nothing)."""
    if iters < 2:
        return {"ms_per_iter": None, "ms_per_iter_cpu": None, "cpu_share": full.cpu_share()}
    return {"ms_per_iter": (full.best - one.best) / (iters - 1) * 1e3,
            "ms_per_iter_cpu": (full.best_cpu - one.best_cpu) / (iters - 1) * 1e3,
            "cpu_share": full.cpu_share()}


def digest(*arrays):
    h = hashlib.sha256()
    for a in arrays:
        if a is not None:
            a = np.ascontiguousarray(a)
            h.update(str((a.dtype.str, a.shape)).encode())
            h.update(a.tobytes())
    return h.hexdigest()[:16]


def _set_threads(method, threads):
    if method == "faiss":
        import faiss

        faiss.omp_set_num_threads(threads)
    elif method == "torch":
        import torch

        torch.set_num_threads(threads)


def _kmeans_fitter(method, d, k, threads):
    """fit(X, init, max_iter) -> (centres, labels or None, n_iter, extra info)."""
    if method == "unsup":
        KMeans = _unsup("KMeans")

        def fit(X, init, max_iter):
            m = KMeans(k, init=init, n_init=1, max_iter=max_iter, tol=0.0, random_state=SEED,
                       n_jobs=threads).fit(X)
            return m.cluster_centers_, m.labels_, int(m.n_iter_), {}
    elif method == "sklearn":
        from sklearn.cluster import KMeans

        def fit(X, init, max_iter):
            m = KMeans(k, init=init, n_init=1, max_iter=max_iter, tol=0.0, algorithm="lloyd",
                       random_state=SEED).fit(X)
            return m.cluster_centers_, m.labels_, int(m.n_iter_), {}
    elif method == "faiss":
        import faiss

        def fit(X, init, max_iter):
            km = faiss.Kmeans(d, k, niter=max_iter, max_points_per_centroid=10**9, seed=SEED, verbose=False)
            km.train(X, init_centroids=init)
            stats = km.iteration_stats
            own = ((stats[-1]["time"] - stats[0]["time"]) / (len(stats) - 1) * 1e3 if len(stats) > 1 else None)
            return km.centroids, None, len(stats), {"own_ms_per_iter": own}
    else:
        raise ValueError(method)
    return fit


def child_kmeans(spec):
    X = np.load(spec["data"])
    k, iters, threads = spec["k"], spec["iters"], spec["threads"]
    C0 = peers.initial_centres(X, k, SEED)
    fit = _kmeans_fitter(spec["method"], X.shape[1], k, threads)
    fit(X[:min(X.shape[0], 50 * k)], C0, 2)  # warm-up: code, thread pools, BLAS buffers
    full, one = Clock(), Clock()
    extra, (C, labels, n_iter, info) = full.measured(lambda: fit(X, C0, iters))
    for r in range(spec["repeats"]):  # interleaved, so that a slow spell falls on both
        one(lambda: fit(X, C0, 1))
        if r:
            full(lambda: fit(X, C0, iters))
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # the evaluator's arithmetic is the same in every child
        inertia = peers.inertia64(X, C)
    return {"available": True, **per_iteration(full, one, n_iter), "fit_s": full.best, "fit1_s": one.best,
            "n_iter": n_iter, "inertia": inertia, "extra_bytes": extra, "x_bytes": X.nbytes,
            "digest": digest(C, labels), **info}


def child_init(spec):
    X = np.load(spec["data"])
    k, iters, threads, repeats = spec["k"], spec["iters"], spec["threads"], spec["repeats"]
    from threadpoolctl import threadpool_limits

    out = {"available": True}
    if spec["method"] == "sklearn":
        from sklearn.cluster import KMeans, kmeans_plusplus

        kmeans_plusplus(X[:min(X.shape[0], 50 * k)], k, random_state=SEED)  # warm-up
        wall, cpu, (centres, _) = timed(lambda: kmeans_plusplus(X, k, random_state=SEED))
        m = KMeans(k, init=centres, n_init=1, max_iter=iters, tol=0.0, algorithm="lloyd").fit(X)
        with threadpool_limits(1):
            out["k-means++"] = {"init_s": wall, "init_s_cpu": cpu, "inertia": peers.inertia64(X, m.cluster_centers_),
                                "seed_inertia": peers.inertia64(X, centres)}
        return out
    fit = _kmeans_fitter("unsup", X.shape[1], k, threads)
    C0 = peers.initial_centres(X, k, SEED)
    small = X[:min(X.shape[0], 50 * k)]
    for init in (C0, "k-means||", "k-means++"):
        fit(small, init, 2)  # warm-up
    base, full = Clock(), Clock()
    for _ in range(repeats):  # one Lloyd iteration, measured here as in the kmeans section
        base(lambda: fit(X, C0, 1))
        n_iter = full(lambda: fit(X, C0, iters))[2]
    out.update(per_iteration(full, base, n_iter))
    for init in ("k-means||", "k-means++"):
        one = Clock()
        for _ in range(repeats):
            one(lambda: fit(X, init, 1))
        C = fit(X, init, iters)[0]
        with threadpool_limits(1):
            out[init] = {"init_s": one.best - base.best, "init_s_cpu": one.best_cpu - base.best_cpu,
                         "fit1_s": one.best, "fit1_array_s": base.best, "inertia": peers.inertia64(X, C)}
    return out


def _gmm_fitter(method, k, cov_type, start, threads):
    weights, means, precisions = start["weights"], start["means"], start["precisions"]
    if method == "unsup":
        GaussianMixture = _unsup("GaussianMixture")

        def fit(X, max_iter):
            return GaussianMixture(k, covariance_type=cov_type, tol=0.0, reg_covar=1e-6, max_iter=max_iter,
                                   weights_init=weights, means_init=means, precisions_init=precisions,
                                   random_state=SEED, n_jobs=threads).fit(X)
    elif method == "sklearn":
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.mixture import GaussianMixture

        def fit(X, max_iter):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                return GaussianMixture(k, covariance_type=cov_type, tol=0.0, reg_covar=1e-6, max_iter=max_iter,
                                       n_init=1, weights_init=weights, means_init=means,
                                       precisions_init=precisions, init_params="random_from_data",
                                       random_state=SEED).fit(X)
    else:
        raise ValueError(method)
    return fit


def _gmm_quality(model, X, cov_type):
    cov = peers.gmm_covariances_from(model, cov_type)
    if cov is not None and hasattr(model, "weights_") and hasattr(model, "means_"):
        return peers.gmm_mean_loglik64(X, model.weights_, model.means_, cov, cov_type), "evaluator"
    return float(model.score(X)), "score(X)"


def child_gmm(spec):
    X = np.load(spec["data"])
    start = dict(np.load(spec["start"]))
    cov_type, iters, threads, k = spec["cov"], spec["iters"], spec["threads"], spec["k"]
    fit = _gmm_fitter(spec["method"], k, cov_type, start, threads)
    fit(X[:min(X.shape[0], 2000)], 2)  # warm-up
    full, one = Clock(), Clock()
    extra, model = full.measured(lambda: fit(X, iters))
    for r in range(spec["repeats"]):
        one(lambda: fit(X, 1))
        if r:
            full(lambda: fit(X, iters))
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        loglik, how = _gmm_quality(model, X, cov_type)
        out = {"available": True, **per_iteration(full, one, int(model.n_iter_)), "fit_s": full.best,
               "fit1_s": one.best,
               "n_iter": int(model.n_iter_), "loglik": loglik,
               "loglik_by": how, "score": float(model.score(X)), "lower_bound": float(model.lower_bound_),
               "extra_bytes": extra, "x_bytes": X.nbytes,
               "digest": digest(getattr(model, "weights_", None), getattr(model, "means_", None),
                                getattr(model, "covariances_", None), getattr(model, "precisions_", None))}
        if spec["method"] == "sklearn" and spec.get("reference"):
            ref = fit(X.astype(np.float64), iters)  # the float64 reference: same start, same iterations
            out["reference_loglik"], _ = _gmm_quality(ref, X, cov_type)
            out["reference_n_iter"] = int(ref.n_iter_)
    return out


def _routing_calls(method, threads, n_iter):
    """{(variant, form): call(u_hat, a_in) -> tuple of numpy arrays}."""
    calls = {}
    if method == "unsup":
        dynamic_routing, em_routing = _unsup("dynamic_routing"), _unsup("em_routing")
        for variant in ("su", "sabour"):
            calls[(variant, "unsup")] = (lambda v: lambda u, a: (
                np.asarray(dynamic_routing(u, n_iter=n_iter, variant=v, n_jobs=threads)),))(variant)
        calls[("em", "unsup")] = lambda u, a: tuple(map(np.asarray, em_routing(
            u, a, n_iter=n_iter, beta_u=0.0, beta_a=0.0, inv_temp=1.0, n_jobs=threads)))
    elif method == "numpy":
        for variant in ("su", "sabour"):
            calls[(variant, "matmul")] = (lambda v: lambda u, a: (
                peers.dynamic_routing_numpy_matmul(u, n_iter, v),))(variant)
            calls[(variant, "einsum")] = (lambda v: lambda u, a: (
                peers.dynamic_routing_numpy_einsum(u, n_iter, v),))(variant)
        calls[("em", "numpy")] = lambda u, a: peers.em_routing_numpy(u, a, n_iter, 0.0, 0.0, 1.0)
    elif method == "torch":
        import torch

        for variant in ("su", "sabour"):
            for form, f in (("matmul", peers.dynamic_routing_torch_matmul),
                            ("einsum", peers.dynamic_routing_torch_einsum)):
                calls[(variant, form)] = (lambda v, f: lambda u, a: (
                    f(torch.from_numpy(u), n_iter, v).numpy(),))(variant, f)
    else:
        raise ValueError(method)
    return calls


def child_routing(spec):
    u_hat, a_in = peers.routing_inputs(spec["batch"], seed=SEED)
    calls = _routing_calls(spec["method"], spec["threads"], spec["iters"])
    out = {"available": True, "x_bytes": u_hat.nbytes, "rows": {}}
    outdir = Path(spec["outdir"])
    for (variant, form), call in calls.items():
        if variant != spec["variant"]:
            continue
        call(u_hat[:2], a_in[:2])  # warm-up
        clock = Clock()
        extra, res = clock.measured(lambda: call(u_hat, a_in))
        for _ in range(spec["repeats"] - 1):
            clock(lambda: call(u_hat, a_in))
        path = outdir / f"{spec['method']}_{form}_{variant}_t{spec['threads']}.npz"
        np.savez(path, *res)
        out["rows"][f"{variant}/{form}"] = {"variant": variant, "form": form, "ms": clock.best * 1e3,
                                            "ms_cpu": clock.best_cpu * 1e3, "cpu_share": clock.cpu_share(),
                                            "extra_bytes": extra, "digest": digest(*res), "output": str(path)}
    return out


def _best(call, repeats, clock_name):
    """Best seconds of a one-thread call by the chosen clock (``--clock``)."""
    clock = Clock()
    for _ in range(repeats):
        clock(call)
    return clock.best_cpu if clock_name == "cpu" else clock.best


def _sgemm_gflops(n, repeats, rng, clock):
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    c = a @ b  # warm-up
    return 2.0 * n ** 3 / _best(lambda: np.matmul(a, b, out=c), repeats, clock) / 1e9


def _thin_gflops(rows, d, k, repeats, rng, clock, block=16384):
    X = rng.standard_normal((rows, d), dtype=np.float32)
    C = np.ascontiguousarray(X[:k])
    buf = np.empty((block, k), np.float32)

    def thin():
        for s in range(0, rows, block):
            np.matmul(X[s:s + block], C.T, out=buf[:min(block, rows - s)])
    thin()
    return 2.0 * rows * d * k / _best(thin, repeats, clock) / 1e9


def _read_gbs(nbytes, repeats, clock):
    big = np.ones(nbytes // 4, np.float32)  # written: every page is resident
    ones = np.ones(4096, np.float32)
    candidates = {"np.add.reduce": lambda: np.add.reduce(big),
                  "matvec with ones": lambda: big.reshape(-1, 4096) @ ones,
                  "np.max": lambda: big.max()}
    bw = {}
    for name, f in candidates.items():
        f()
        bw[name] = big.nbytes / _best(f, repeats, clock) / 1e9
    return bw, big.nbytes


def child_bounds(spec):
    """One-thread machine bound: sgemm peak, thin distance GEMMs (blocks of 16384 rows), read bandwidth."""
    repeats = max(3, spec["repeats"])
    rng = np.random.default_rng(SEED)
    n = spec["sgemm_n"]
    clock = spec["clock"]
    out = {"sgemm_gflops": _sgemm_gflops(n, 3 * repeats, rng, clock), "sgemm_shape": f"{n}x{n}x{n}",
           "thin_gflops": {f"{d}x{k}": _thin_gflops(spec["thin_rows"], d, k, repeats, rng, clock)
                           for d, k in spec["thin"]}}
    bw, nbytes = _read_gbs(spec["bandwidth_bytes"], repeats, clock)
    out.update(read_gbs_all=bw, read_by=max(bw, key=bw.get), read_bytes=nbytes)
    out["read_gbs"] = bw[out["read_by"]]
    return out


CHILD_TASKS = {"kmeans": child_kmeans, "init": child_init, "gmm": child_gmm, "routing": child_routing,
               "bounds": child_bounds, "reference": None}


def child_reference(spec):
    """Float64 Lloyd from C0 (untimed; all cores) and its inertia by the one evaluator."""
    X = np.load(spec["data"])
    C0 = peers.initial_centres(X, spec["k"], SEED)
    start = time.perf_counter()
    C, empties = peers.lloyd64(X, C0, spec["iters"])
    return {"inertia": peers.inertia64(X, C), "empty_events": empties, "seconds": time.perf_counter() - start,
            "c0_inertia": peers.inertia64(X, C0)}


CHILD_TASKS["reference"] = child_reference


def child_main(spec_json):
    spec = json.loads(spec_json)
    threads = spec.get("threads")
    if threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(threads)  # numpy/scipy BLAS and scikit-learn's OpenMP
        _set_threads(spec.get("method"), threads)
    task = CHILD_TASKS[spec["task"]]
    if spec.get("method") == "unsup":
        try:
            result = task(spec)
        except (ImportError, AttributeError) as exc:  # the API is not there (yet): the row says so
            result = {"available": False, "reason": f"{type(exc).__name__}: {exc}"}
    else:
        result = task(spec)
    print(MARK + json.dumps(result), flush=True)


# =======================================================================================
# Parent side
# =======================================================================================
CLOCK = {"name": "wall"}  # set by main from --clock


def adopt_clock(result, threads):
    """With ``--clock cpu``, one-thread figures become their CPU-time twins (``x`` ← ``x_cpu``, the
    wall figure kept as ``x_wall``)."""
    if isinstance(result, dict):
        if CLOCK["name"] == "cpu" and threads == 1:
            for key in [k for k in result if k.endswith("_cpu") and k[:-4] in result]:
                result[key[:-4] + "_wall"] = result[key[:-4]]
                result[key[:-4]] = result[key]
        for value in result.values():
            adopt_clock(value, threads)
    return result


def _shares(result):
    if isinstance(result, dict):
        own = [result["cpu_share"]] if "cpu_share" in result else []
        return own + [s for v in result.values() for s in _shares(v)]
    return []


def run_child(spec, threads=None, label=""):
    env = dict(os.environ)
    if threads:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(threads)
        spec = dict(spec, threads=threads)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)],
                          env=env, capture_output=True, text=True)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(MARK)]
    if proc.returncode != 0 or not lines:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-8000:])
        raise SystemExit(f"child failed ({label or spec}), exit status {proc.returncode}")
    result = adopt_clock(json.loads(lines[-1][len(MARK):]), threads)
    result["loadavg"] = os.getloadavg()[0]
    note = "" if result.get("available", True) else "  unsup: not available"
    if result.get("ms_per_iter") is not None:
        note += f"  {result['ms_per_iter']:.1f} ms/iteration"
    for key, row in result.get("rows", {}).items():
        note += f"  {key} {row['ms']:.1f} ms"
    shares = _shares(result)
    if shares and threads == 1:
        note += f"  (cpu/wall {min(shares):.2f}" + (", host busy" if min(shares) < 0.9 else "") + ")"
    print(f"  {label}: {time.perf_counter() - started:.1f} s, load {result['loadavg']:.1f}{note}", flush=True)
    return result


def cached_array(path, make):
    if not path.exists():
        started = time.perf_counter()
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, make())
        tmp.replace(path)
        print(f"  built {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return str(path)


def kmeans_data(n, d):
    return cached_array(WORK / f"blobs_{n}x{d}_c100_std4.npy",
                        lambda: peers.blobs(n, d, centers=100, cluster_std=4.0, center_box=(-10.0, 10.0)))


def gmm_data(n, d, centers):
    return cached_array(WORK / f"gmm_blobs_{n}x{d}_c{centers}_std2.npy",
                        lambda: peers.blobs(n, d, centers=centers, cluster_std=2.0))


def gmm_start(data, k, cov_type):
    path = WORK / f"gmm_start_{Path(data).stem}_k{k}_{cov_type}.npz"
    if not path.exists():
        w, m, p = peers.gmm_initial_parameters(np.load(data), k, cov_type)
        np.savez(path, weights=w, means=m, precisions=p)
    return str(path)


def reference(data, n, d, k, iters):
    path = WORK / f"reference_relocating_{n}x{d}_k{k}_it{iters}_seed{SEED}.json"
    if path.exists():
        return json.loads(path.read_text())
    res = run_child({"task": "reference", "data": data, "k": k, "iters": iters},
                    label=f"float64 reference Lloyd {n}x{d} k={k}")
    path.write_text(json.dumps(res))
    return res


def available(module):
    return importlib.util.find_spec(module) is not None


def machine_description():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            mem = f", {int(fh.readline().split()[1]) / 2**20:.0f} GiB"
    except OSError:
        pass
    from importlib import metadata

    versions = {}
    for name, dist in (("unsup", "unsup"), ("numpy", "numpy"), ("scipy", "scipy"), ("sklearn", "scikit-learn"),
                       ("faiss", "faiss-cpu"), ("torch", "torch"), ("threadpoolctl", "threadpoolctl")):
        try:
            versions[name] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    blas = ""
    try:
        from threadpoolctl import threadpool_info

        # numpy's BLAS (only numpy is loaded in this process: faiss and torch bring their own)
        info = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        if info:
            blas = f"{info[0].get('internal_api')} {info[0].get('version')} ({info[0].get('architecture')})"
    except ImportError:
        pass
    commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem.lstrip(", "), "platform": platform.platform(),
            "python": platform.python_version(), "versions": versions, "blas": blas, "commit": commit,
            "date": _dt.datetime.now().isoformat(timespec="seconds"),
            "text": f"{cpu}, {os.cpu_count()} logical cores{mem}, {platform.platform()}, Python "
                    f"{platform.python_version()}"}


# ---------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------
def md_table(rows, columns):
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---:" for _ in columns) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(r.get(c, "-")) for c in columns) + " |")
    return "\n".join(lines)


def f_ms(v):
    return "-" if v is None else (f"{v:.1f}" if v >= 1 else f"{v:.3f}")


def f_x(v, digits=2):
    return "-" if v is None else f"{v:.{digits}f}"


def f_rel(v):
    return "-" if v is None else f"{v:+.1e}"


def f_mb(nbytes, of=None):
    if nbytes is None:
        return "-"
    s = f"{nbytes / 2**20:.1f}"
    return s + (f" ({100.0 * nbytes / of:.1f}%)" if of else "")


def cell(res, key="ms_per_iter"):
    if res is None:
        return "-"
    if not res.get("available", True):
        return "n/a"
    return f_ms(res.get(key))


def ok(res):
    return res is not None and res.get("available", True)


def pass_fail(cond):
    return "PASS" if cond else "FAIL"


# =======================================================================================
# Sections
# =======================================================================================
def section_kmeans(cfg, args, out, bounds, bars, rows_memory):
    iters = cfg["kmeans_iters"]
    want_times = "kmeans" in args.sections
    repeats = args.repeats if want_times else 1
    print("\n== K-means ==", flush=True)
    table = []
    for n, d in cfg["kmeans_cases"]:
        data = kmeans_data(n, d)
        for k in cfg["ks"]:
            case = f"{n}x{d} k={k}"
            ref = None if args.skip_reference or not want_times else reference(data, n, d, k, iters)
            entry = {"case": case, "n": n, "d": d, "k": k, "reference": ref, "runs": {}}
            out["kmeans"].append(entry)
            for threads in args.threads:
                for method in ("unsup", "sklearn", "faiss"):
                    if method not in args.methods or (method == "faiss" and not available("faiss")):
                        continue
                    spec = {"task": "kmeans", "method": method, "data": data, "k": k, "iters": iters,
                            "repeats": repeats}
                    entry["runs"][f"{method}/t{threads}"] = run_child(spec, threads, f"{case} {method} t={threads}")
            x_bytes = n * d * 4
            compute_ms = 2.0 * n * d * k / (bounds["sgemm_gflops"] * 1e9) * 1e3
            memory_ms = x_bytes / (bounds["read_gbs"] * 1e9) * 1e3
            entry.update(compute_bound_ms=compute_ms, memory_bound_ms=memory_ms)
            bound_ms = max(compute_ms, memory_ms)
            for threads in args.threads:
                r = {m: entry["runs"].get(f"{m}/t{threads}") for m in ("unsup", "sklearn", "faiss")}
                rows_memory.append({"case": f"K-means {case}", "thr": threads, "X MB": f_mb(x_bytes),
                                    **{f"{m} MB (%X)": f_mb(r[m]["extra_bytes"], x_bytes) if ok(r[m]) else cell(r[m])
                                       for m in ("unsup", "sklearn", "faiss")}})
                peers_ms = {m: r[m]["ms_per_iter"] for m in ("sklearn", "faiss")
                            if ok(r[m]) and r[m]["ms_per_iter"] is not None}
                best_peer = min(peers_ms, key=peers_ms.get) if peers_ms else None
                ours = r["unsup"]["ms_per_iter"] if ok(r["unsup"]) else None
                rel = {m: (r[m]["inertia"] / ref["inertia"] - 1.0 if ok(r[m]) and ref else None)
                       for m in ("unsup", "sklearn", "faiss")}
                short = [m for m in r if ok(r[m]) and r[m]["n_iter"] != iters]
                table.append({
                    "case": case, "thr": threads, "unsup ms": cell(r["unsup"]), "sklearn ms": cell(r["sklearn"]),
                    "faiss ms": cell(r["faiss"]), "best peer": best_peer or "-",
                    "unsup/best": f_x(ours / peers_ms[best_peer]) if ours and best_peer else "-",
                    "bound ms (C/M)": f"{compute_ms:.1f} / {memory_ms:.1f}",
                    "unsup ×bound": f_x(ours / bound_ms) if ours and threads == 1 else "-",
                    "peer ×bound": f_x(peers_ms[best_peer] / bound_ms) if best_peer and threads == 1 else "-",
                    "Δinertia unsup": f_rel(rel["unsup"]), "Δinertia sklearn": f_rel(rel["sklearn"]),
                    "Δinertia faiss": f_rel(rel["faiss"]),
                    "note": ("exact fixed point, iterations run: " + ", ".join(f"{m} {r[m]['n_iter']}" for m in short))
                    if short else ""})
                if threads != 1 or not want_times:
                    continue
                tag = f"K-means {case}, 1 thread"
                if ours is None:
                    bars.append((tag, "≤ 0.5× best peer", None,
                                 "unsup not available" if r["unsup"] is not None else "unsup not run (--methods)"))
                    continue
                if best_peer:
                    bars.append((tag, f"≤ {BAR_PEER_RATIO}× best peer", ours <= BAR_PEER_RATIO * peers_ms[best_peer],
                                 f"{ours:.1f} ms vs {best_peer} {peers_ms[best_peer]:.1f} ms "
                                 f"({ours / peers_ms[best_peer]:.2f}×)"))
                if k == max(cfg["ks"]):
                    bars.append((tag, f"≤ {BAR_COMPUTE}× compute bound", ours <= BAR_COMPUTE * compute_ms,
                                 f"{ours:.1f} ms vs {compute_ms:.1f} ms ({ours / compute_ms:.2f}×)"))
                if k == min(cfg["ks"]):
                    bars.append((tag, f"≤ {BAR_MEMORY}× memory bound", ours <= BAR_MEMORY * memory_ms,
                                 f"{ours:.1f} ms vs {memory_ms:.1f} ms ({ours / memory_ms:.2f}×)"))
                if rel["unsup"] is not None:
                    bars.append((tag, f"inertia within {BAR_INERTIA:g} of float64 reference",
                                 abs(rel["unsup"]) <= BAR_INERTIA, f"relative difference {rel['unsup']:+.2e}"))
            for threads in args.threads:
                extra = entry["runs"].get(f"unsup/t{threads}")
                if ok(extra):
                    bars.append((f"K-means {case}, {threads} thread(s)", f"extra memory ≤ {BAR_EXTRA_MEMORY:.0%} of X",
                                 extra["extra_bytes"] <= BAR_EXTRA_MEMORY * x_bytes,
                                 f"{extra['extra_bytes'] / 2**20:.1f} MB = {100.0 * extra['extra_bytes'] / x_bytes:.1f}% "
                                 f"of X ({f_mb(x_bytes)} MB)"))
            determinism(bars, f"K-means {case}", entry["runs"], args.threads)
    missing = {r["reason"] for e in out["kmeans"] for r in e["runs"].values() if not r.get("available", True)}
    for reason in sorted(missing):
        print(f"unsup: not available ({reason})")
    if want_times:
        print(f"\nK-means: ms per Lloyd iteration = (best fit with {iters} iterations - best with 1) / {iters - 1} "
              f"(/ (n - 1) where a method reached an exact fixed point after n < {iters} iterations), "
              f"from the same C0, best of {repeats}; bound = max(compute 2ndk/peak, memory |X|/bandwidth); "
              "Δinertia = inertia (float64 evaluator) / float64-reference inertia - 1\n")
        print(md_table(table, list(table[0]) if table else []))
        for e in out["kmeans"]:
            if e["reference"]:
                print(f"  reference {e['case']}: inertia {e['reference']['inertia']:.6e}, "
                      f"empty-cluster events {e['reference']['empty_events']}, C0 inertia {e['reference']['c0_inertia']:.6e}")


def determinism(bars, tag, runs, threads):
    if len(threads) < 2:
        return
    first = runs.get(f"unsup/t{threads[0]}")
    if not ok(first):
        return
    for t in threads[1:]:
        other = runs.get(f"unsup/t{t}")
        if ok(other):
            bars.append((tag, f"bitwise identical n_jobs {threads[0]} and {t}", first["digest"] == other["digest"],
                         f"{first['digest']} vs {other['digest']}"))


def section_init(cfg, args, out, bars):
    print("\n== Seeding (init), one thread ==", flush=True)
    iters = cfg["kmeans_iters"]
    rows = []
    for n, d in cfg["kmeans_cases"]:
        data = kmeans_data(n, d)
        for k in cfg["ks"]:
            case = f"{n}x{d} k={k}"
            entry = {"case": case, "runs": {}}
            out["init"].append(entry)
            iter_ms = None
            if "unsup" in args.methods:
                entry["runs"]["unsup"] = run_child({"task": "init", "method": "unsup", "data": data, "k": k,
                                                    "iters": iters, "repeats": args.repeats}, 1, f"{case} unsup seeding")
                iter_ms = entry["runs"]["unsup"].get("ms_per_iter")
            sk_note = ""
            if "sklearn" in args.methods:
                big = n * d * k > cfg["sklearn_init_max_work"]
                if args.skip_sklearn_init:
                    sk_note = "skipped (--skip-sklearn-init)"
                elif big and not args.full:
                    sk_note = "skipped (needs --full: minutes at this size)"
                else:
                    entry["runs"]["sklearn"] = run_child({"task": "init", "method": "sklearn", "data": data, "k": k,
                                                          "iters": iters, "repeats": 1}, 1, f"{case} sklearn k-means++")
            ref = next((e["reference"] for e in out["kmeans"] if e["case"] == case and e.get("reference")), None)
            sk = entry["runs"].get("sklearn", {}).get("k-means++")
            us = entry["runs"].get("unsup")
            candidates = []
            if ref:
                candidates.append(("C0 (random rows), float64 Lloyd", None, ref["inertia"]))
            if ok(us):
                for init in ("k-means||", "k-means++"):
                    candidates.append((f"unsup {init}", us[init]["init_s"], us[init]["inertia"]))
            elif us is not None:
                rows.append({"case": case, "seeding": "unsup", "init s": "n/a", "note": us.get("reason", "")})
            if sk:
                candidates.append(("sklearn k-means++", sk["init_s"], sk["inertia"]))
            elif sk_note:
                rows.append({"case": case, "seeding": "sklearn k-means++", "init s": "-", "note": sk_note})
            for name, seconds, inertia in candidates:
                rows.append({"case": case, "seeding": name, "init s": f_x(seconds, 3) if seconds is not None else "-",
                             "init / Lloyd iter": f_x(seconds * 1e3 / iter_ms) if seconds is not None and iter_ms else "-",
                             f"inertia after {iters} it": f"{inertia:.6e}",
                             "vs sklearn k-means++": f_rel(inertia / sk["inertia"] - 1.0) if sk else "-"})
            if ok(us) and (n, d, k) == (cfg["kmeans_cases"][0][0], cfg["kmeans_cases"][0][1], max(cfg["ks"])):
                tag = f"Seeding {case}, 1 thread"
                init_s = us["k-means||"]["init_s"]
                if iter_ms:
                    bars.append((tag, f"default init ≤ {BAR_INIT_ITERS:g} Lloyd iterations",
                                 init_s * 1e3 <= BAR_INIT_ITERS * iter_ms,
                                 f"{init_s * 1e3:.1f} ms vs iteration {iter_ms:.1f} ms "
                                 f"({init_s * 1e3 / iter_ms:.2f} iterations)"))
                against, label = (sk["inertia"], "sklearn k-means++") if sk else (us["k-means++"]["inertia"],
                                                                                  "unsup k-means++")
                bars.append((tag, f"final inertia (default init) ≤ {label}'s", us["k-means||"]["inertia"] <= against,
                             f"{us['k-means||']['inertia']:.6e} vs {against:.6e}"))
    print(f"\nSeeding time = best fit(init, max_iter=1) - best fit(init=C0, max_iter=1) (unsup); scikit-learn: "
          f"kmeans_plusplus alone. Inertia: float64 evaluator after {iters} Lloyd iterations from that seeding.\n")
    print(md_table(rows, ["case", "seeding", "init s", "init / Lloyd iter", f"inertia after {iters} it",
                          "vs sklearn k-means++", "note"]))


def section_gmm(cfg, args, out, bounds, bars, rows_memory):
    print("\n== Gaussian mixture (EM) ==", flush=True)
    n, d, k = cfg["gmm"]
    iters = cfg["gmm_iters"]
    data = gmm_data(n, d, k)
    rows = []
    for cov_type in ("diag", "full"):
        start = gmm_start(data, k, cov_type)
        entry = {"cov": cov_type, "n": n, "d": d, "k": k, "runs": {}}
        out["gmm"].append(entry)
        for threads in args.threads:
            for method in ("unsup", "sklearn"):
                if method in args.methods:
                    spec = {"task": "gmm", "method": method, "data": data, "start": start, "cov": cov_type, "k": k,
                            "iters": iters, "repeats": args.repeats, "reference": threads == args.threads[0]}
                    entry["runs"][f"{method}/t{threads}"] = run_child(spec, threads, f"GMM {cov_type} {method} t={threads}")
        ref_ll = next((r.get("reference_loglik") for r in entry["runs"].values() if r.get("reference_loglik")), None)
        entry["reference_loglik"] = ref_ll
        # Bound of one EM iteration written as GEMMs: diag 8ndk flops (E: X²·(1/σ²)ᵀ and X·(μ/σ²)ᵀ;
        # M: rᵀX and rᵀX²), full 4nd²k (E: (X-μ)·L⁻ᵀ per component; M: (r_j∘X)ᵀX), or one read of X.
        flops = 8.0 * n * d * k if cov_type == "diag" else 4.0 * n * d * d * k
        bound_ms = max(flops / (bounds["sgemm_gflops"] * 1e9), n * d * 4 / (bounds["read_gbs"] * 1e9)) * 1e3
        entry["bound_ms"] = bound_ms
        for threads in args.threads:
            us, sk = entry["runs"].get(f"unsup/t{threads}"), entry["runs"].get(f"sklearn/t{threads}")
            speedup = (sk["ms_per_iter"] / us["ms_per_iter"] if ok(us) and ok(sk) and us["ms_per_iter"]
                       and sk["ms_per_iter"] else None)
            rel_us = us["loglik"] / ref_ll - 1.0 if ok(us) and ref_ll else None
            rel_sk = sk["loglik"] / ref_ll - 1.0 if ok(sk) and ref_ll else None
            rows.append({"cov": cov_type, "thr": threads, "unsup ms": cell(us), "sklearn ms": cell(sk),
                         "sklearn/unsup": f_x(speedup), "bound ms": f_ms(bound_ms),
                         "unsup ×bound": f_x(us["ms_per_iter"] / bound_ms) if ok(us) and us["ms_per_iter"]
                         and threads == 1 else "-",
                         "sklearn ×bound": f_x(sk["ms_per_iter"] / bound_ms) if ok(sk) and sk["ms_per_iter"]
                         and threads == 1 else "-",
                         "loglik unsup": f"{us['loglik']:.8f}" if ok(us) else cell(us),
                         "loglik sklearn": f"{sk['loglik']:.8f}" if ok(sk) else cell(sk),
                         "loglik f64 ref": f"{ref_ll:.8f}" if ref_ll else "-",
                         "Δ unsup": f_rel(rel_us), "Δ sklearn": f_rel(rel_sk),
                         "n_iter u/s": f"{us['n_iter'] if ok(us) else '-'}/{sk['n_iter'] if ok(sk) else '-'}"})
            rows_memory.append({"case": f"GMM {cov_type} {n}x{d} k={k}", "thr": threads, "X MB": f_mb(n * d * 4),
                                "unsup MB (%X)": f_mb(us["extra_bytes"], n * d * 4) if ok(us) else cell(us),
                                "sklearn MB (%X)": f_mb(sk["extra_bytes"], n * d * 4) if ok(sk) else cell(sk)})
            if threads == 1:
                tag = f"GMM {cov_type}, 1 thread"
                if speedup is None:
                    bars.append((tag, f"≥ {BAR_GMM_SPEEDUP[cov_type]:g}× faster than scikit-learn", None,
                                 "no scikit-learn run" if not ok(sk) else
                                 "unsup not available" if us is not None else "unsup not run (--methods)"))
                else:
                    bars.append((tag, f"≥ {BAR_GMM_SPEEDUP[cov_type]:g}× faster than scikit-learn",
                                 speedup >= BAR_GMM_SPEEDUP[cov_type],
                                 f"{us['ms_per_iter']:.1f} ms vs {sk['ms_per_iter']:.1f} ms ({speedup:.2f}×)"))
                if rel_us is not None:
                    bars.append((tag, f"log-likelihood within {BAR_LOGLIK:g} of the float64 EM (same start)",
                                 abs(rel_us) <= BAR_LOGLIK,
                                 f"relative {rel_us:+.2e} (scikit-learn float32: {f_rel(rel_sk)})"))
        determinism(bars, f"GMM {cov_type}", entry["runs"], args.threads)
    print(f"\nGMM {n}x{d}, {k} components: ms per EM iteration = (best fit with {iters} iterations - best with 1) / "
          f"{iters - 1}, best of {args.repeats}; loglik = mean log-likelihood of the fitted parameters (float64 "
          f"evaluator); f64 ref = scikit-learn on float64 X from the same start, {iters} iterations; Δ = relative; "
          "bound = GEMM flops (diag 8ndk, full 4nd²k) at the sgemm peak, or one read of X\n")
    print(md_table(rows, list(rows[0]) if rows else []))
    for reason in sorted({r["reason"] for e in out["gmm"] for r in e["runs"].values() if not r.get("available", True)}):
        print(f"unsup: not available ({reason})")


def section_routing(cfg, args, out, bounds, bars, rows_memory):
    print("\n== Capsule routing ==", flush=True)
    batch, iters = cfg["routing_batch"], cfg["routing_iters"]
    outdir = WORK / "routing_out"
    outdir.mkdir(parents=True, exist_ok=True)
    entry = {"shape": [batch, 1152, 10, 16], "iters": iters, "runs": {}}
    out["routing"] = entry
    for threads in args.threads:
        for method in ("unsup", "numpy", "torch"):
            if method not in args.methods or (method == "torch" and not available("torch")):
                continue
            merged = None
            for variant in ("su", "sabour", "em") if method != "torch" else ("su", "sabour"):
                # One process per variant: the peak memory of a call is not hidden by what an earlier
                # call left in the allocator.
                spec = {"task": "routing", "method": method, "variant": variant, "batch": batch, "iters": iters,
                        "repeats": max(5, args.repeats), "outdir": str(outdir)}
                res = run_child(spec, threads, f"routing {variant} {method} t={threads}")
                if merged is None or not res.get("available", True):
                    merged = res
                    if not res.get("available", True):
                        break
                else:
                    merged["rows"].update(res["rows"])
            entry["runs"][f"{method}/t{threads}"] = merged
    x_bytes = batch * 1152 * 10 * 16 * 4
    bound_ms = x_bytes / (bounds["read_gbs"] * 1e9) * 1e3
    entry["bound_ms"] = bound_ms
    rows = []
    for threads in args.threads:
        runs = {m: entry["runs"].get(f"{m}/t{threads}") for m in ("unsup", "numpy", "torch")}
        for variant in ("su", "sabour", "em"):
            best = {}
            for m in ("numpy", "torch"):
                if ok(runs[m]):
                    cands = [r for r in runs[m]["rows"].values() if r["variant"] == variant]
                    if cands:
                        best[m] = min(cands, key=lambda r: r["ms"])
            us = runs["unsup"]["rows"].get(f"{variant}/unsup") if ok(runs["unsup"]) else None
            peer = min(best.values(), key=lambda r: r["ms"]) if best else None
            diff = None
            if us and "numpy" in best:
                a = [np.asarray(x, np.float64) for x in np.load(us["output"]).values()]
                ref = next(r for r in runs["numpy"]["rows"].values() if r["variant"] == variant)
                b = [np.asarray(x, np.float64) for x in np.load(ref["output"]).values()]
                same = len(a) == len(b) and all(x.size == y.size for x, y in zip(a, b))
                diff = max(float(np.abs(x.ravel() - y.ravel()).max()) for x, y in zip(a, b)) if same else float("nan")
            rows.append({"routing": {"su": "dynamic (Su)", "sabour": "dynamic (Sabour)", "em": "EM"}[variant],
                         "thr": threads, "unsup ms": f_ms(us["ms"]) if us else cell(runs["unsup"]),
                         "numpy ms (form)": f"{best['numpy']['ms']:.1f} ({best['numpy']['form']})" if "numpy" in best else "-",
                         "torch ms (form)": f"{best['torch']['ms']:.1f} ({best['torch']['form']})" if "torch" in best else "-",
                         "unsup/best": f_x(us["ms"] / peer["ms"]) if us and peer else "-",
                         "bound ms": f_ms(bound_ms), "unsup ×bound": f_x(us["ms"] / bound_ms) if us and threads == 1 else "-",
                         "peer ×bound": f_x(peer["ms"] / bound_ms) if peer and threads == 1 else "-",
                         "max |unsup-numpy|": "-" if diff is None else f"{diff:.1e}"})
            mem = {m: (runs[m]["rows"].get(f"{variant}/unsup") if m == "unsup" else best.get(m)) if ok(runs[m]) else None
                   for m in runs}
            rows_memory.append({"case": f"routing {variant} ({batch},1152,10,16)", "thr": threads, "X MB": f_mb(x_bytes),
                                **{f"{m} MB (%X)": f_mb(mem[m]["extra_bytes"], x_bytes) if mem[m] else cell(runs[m])
                                   for m in ("unsup", "numpy", "torch")}})
            if threads == 1:
                tag = f"Routing {variant} ({batch},1152,10,16), 3 iterations, 1 thread"
                bars.append((tag, f"≤ {BAR_ROUTING_MS[variant]:g} ms", (us["ms"] <= BAR_ROUTING_MS[variant]) if us else None,
                             f"{us['ms']:.1f} ms" + (f" (best peer {peer['ms']:.1f} ms)" if peer else "")
                             if us else "unsup not available" if runs["unsup"] is not None else "unsup not run (--methods)"))
        if threads != args.threads[0] and ok(runs["unsup"]):
            first = entry["runs"].get(f"unsup/t{args.threads[0]}")
            if ok(first):
                for key, r in runs["unsup"]["rows"].items():
                    bars.append((f"Routing {key.split('/')[0]}", f"bitwise identical n_jobs {args.threads[0]} and {threads}",
                                 first["rows"][key]["digest"] == r["digest"],
                                 f"{first['rows'][key]['digest']} vs {r['digest']}"))
    print(f"\nRouting ({batch},1152,10,16) float32, {iters} iterations: best of {max(5, args.repeats)} calls; peers "
          f"= the faster of their matmul / einsum forms; bound = one read of û ({x_bytes / 2**20:.0f} MB) at "
          f"{bounds['read_gbs']:.1f} GB/s\n")
    print(md_table(rows, list(rows[0]) if rows else []))
    for reason in sorted({r["reason"] for r in entry["runs"].values() if not r.get("available", True)}):
        print(f"unsup: not available ({reason})")


# =======================================================================================
def check_peers():
    """The vectorised routing peers against per-sample loops on a tiny input."""
    rng = np.random.default_rng(1)
    u = rng.standard_normal((2, 12, 4, 3)).astype(np.float32)
    a = rng.random((2, 12)).astype(np.float32)
    worst = 0.0
    for variant in ("su", "sabour"):
        ref = peers.dynamic_routing_naive(u, 3, variant)
        outs = {"numpy matmul": peers.dynamic_routing_numpy_matmul(u, 3, variant),
                "numpy einsum": peers.dynamic_routing_numpy_einsum(u, 3, variant)}
        if available("torch"):
            import torch

            outs["torch matmul"] = peers.dynamic_routing_torch_matmul(torch.from_numpy(u), 3, variant).numpy()
            outs["torch einsum"] = peers.dynamic_routing_torch_einsum(torch.from_numpy(u), 3, variant).numpy()
        for name, o in outs.items():
            err = float(np.abs(o - ref).max())
            worst = max(worst, err)
            print(f"dynamic routing {variant:6s} {name:12s} max |Δ| vs loops {err:.1e}")
    for beta_u, beta_a, lam in ((0.0, 0.0, 1.0), (0.5, 2.0, 0.01)):
        pr, ar = peers.em_routing_naive(u, a, 3, beta_u, beta_a, lam)
        pn, an = peers.em_routing_numpy(u, a, 3, beta_u, beta_a, lam)
        err = max(float(np.abs(pr - pn).max()), float(np.abs(ar - an).max()))
        worst = max(worst, err)
        print(f"EM routing β_u={beta_u} β_a={beta_a} λ={lam}: max |Δ| vs loops {err:.1e}")
    print("peers agree with the loops" if worst < 1e-5 else "PEERS DISAGREE WITH THE LOOPS")
    return 0 if worst < 1e-5 else 1


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small sizes (a smoke test in seconds); bars indicative only")
    p.add_argument("--full", action="store_true", help="also scikit-learn's k-means++ at the largest size (minutes)")
    p.add_argument("--threads", default="1,2", help="thread counts, the first is primary (default 1,2)")
    p.add_argument("--sections", default=",".join(SECTIONS), help=f"comma-separated subset of {','.join(SECTIONS)}")
    p.add_argument("--methods", default=",".join(METHODS), help=f"comma-separated subset of {','.join(METHODS)}")
    p.add_argument("--kmeans-cases", default=None, help="e.g. 1000000x64,100000x128 (default: the issue's)")
    p.add_argument("--ks", default=None, help="e.g. 16,256 (default: the issue's)")
    p.add_argument("--repeats", type=int, default=3, help="timing repeats; the best is kept (default 3)")
    p.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                   help="wall: wall-clock seconds (default); cpu: process CPU seconds for the one-thread rows "
                        "and the bound (steadier on a busy shared host; two-thread rows stay wall-clock)")
    p.add_argument("--skip-reference", action="store_true", help="no float64 reference Lloyd (slow at 1M x 64)")
    p.add_argument("--skip-sklearn-init", action="store_true", help="never run scikit-learn's k-means++")
    p.add_argument("--json", default=str(JSON_OUT), help=f"where the results go (default {JSON_OUT})")
    p.add_argument("--check-peers", action="store_true", help="check the routing peers against loops and exit")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.threads = [int(t) for t in args.threads.split(",")]
    args.sections = [s for s in args.sections.split(",") if s]
    args.methods = [m for m in args.methods.split(",") if m]
    for s in args.sections:
        if s not in SECTIONS:
            p.error(f"unknown section {s!r}")
    for m in args.methods:
        if m not in METHODS:
            p.error(f"unknown method {m!r}")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.child:
        child_main(args.child)
        return 0
    if args.check_peers:
        return check_peers()
    CLOCK["name"] = args.clock
    cfg = dict(QUICK if args.quick else FULL)
    if args.kmeans_cases:
        cfg["kmeans_cases"] = [tuple(int(v) for v in c.split("x")) for c in args.kmeans_cases.split(",")]
    if args.ks:
        cfg["ks"] = [int(k) for k in args.ks.split(",")]
    WORK.mkdir(parents=True, exist_ok=True)
    machine = machine_description()
    print(f"machine: {machine['text']}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in machine["versions"].items()) + f"; BLAS {machine['blas']}")
    print(f"commit {machine['commit']}, {machine['date']}; threads {args.threads} (first = primary); "
          f"{'--quick sizes' if args.quick else 'issue sizes'}; clock: {args.clock}"
          + (" (process CPU seconds for one-thread rows and the bound)" if args.clock == "cpu" else "")
          + f"; load average {os.getloadavg()[0]:.1f}")
    for mod, hint in (("faiss", "pip install faiss-cpu"), ("torch", 'pip install "torch==2.13.0"')):
        if not available(mod):
            print(f"{mod}: not installed ({hint}); its rows are skipped")
    out = {"machine": machine, "config": {**cfg, "threads": args.threads, "repeats": args.repeats,
                                          "sections": args.sections, "methods": args.methods},
           "kmeans": [], "init": [], "gmm": [], "routing": None}
    print("\n== Machine bound (1 thread) ==", flush=True)
    thin = sorted({(d, k) for _, d in cfg["kmeans_cases"] for k in cfg["ks"]})
    bounds = run_child({"task": "bounds", "sgemm_n": cfg["sgemm_n"], "thin": thin, "thin_rows": cfg["thin_rows"],
                        "bandwidth_bytes": cfg["bandwidth_bytes"], "repeats": args.repeats, "clock": args.clock},
                       1, "bounds")
    out["bounds"] = bounds
    print(f"sgemm peak ({bounds['sgemm_shape']}): {bounds['sgemm_gflops']:.1f} GFLOP/s; thin distance GEMMs "
          + ", ".join(f"{s}: {g:.1f}" for s, g in bounds["thin_gflops"].items())
          + f" GFLOP/s ({cfg['thin_rows']} rows, blocks of 16384)")
    print(f"read bandwidth ({bounds['read_bytes'] / 2**30:.2f} GiB float32): {bounds['read_gbs']:.2f} GB/s by "
          f"{bounds['read_by']} (" + ", ".join(f"{k} {v:.2f}" for k, v in bounds["read_gbs_all"].items()) + ")")
    bars, rows_memory = [], []
    if "kmeans" in args.sections or "memory" in args.sections or "init" in args.sections:
        if "kmeans" in args.sections or "memory" in args.sections:
            section_kmeans(cfg, args, out, bounds, bars, rows_memory)
        if "init" in args.sections:
            section_init(cfg, args, out, bars)
    if "gmm" in args.sections:
        section_gmm(cfg, args, out, bounds, bars, rows_memory)
    if "routing" in args.sections:
        section_routing(cfg, args, out, bounds, bars, rows_memory)
    if "memory" in args.sections and rows_memory:
        print("\n== Extra memory beyond the input (peak RSS during the first full-size call - RSS before it) ==\n")
        cols = ["case", "thr", "X MB"] + [c for c in ("unsup MB (%X)", "sklearn MB (%X)", "faiss MB (%X)",
                                                      "numpy MB (%X)", "torch MB (%X)")
                                          if any(c in r for r in rows_memory)]
        print(md_table(rows_memory, cols))
    print("\n== Bars" + (" (--quick sizes: indicative only)" if args.quick else "") + " ==")
    for tag, what, result, figures in bars:
        verdict = "n/a " if result is None else pass_fail(result)
        print(f"{verdict} {tag}: {what} — {figures}")
    if not bars:
        print("(none evaluated)")
    out["bars"] = [{"case": t, "bar": w, "pass": r, "figures": f} for t, w, r, f in bars]
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(out, indent=1))
    print(f"\nresults: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
