"""Timing of the batched routing kernels (1 thread, float32, min of N runs).

The design target (routing.md): û of shape (128, 1152, 10, 16), 3 iterations. The numpy
matmul formulations time the same maths for scale. The machine may be shared: min-of-N.

    python benchmarks/routing_timing.py [--repeat 15] [--numpy]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from unsup import _core
from unsup.cluster import dynamic_routing, em_routing


def best(fn, repeat):
    """(min wall, median wall, min CPU time of this thread) in ms. With n_jobs=1 the kernel runs in
    the calling thread, so its thread CPU time is what a quiet machine would show as wall time."""
    fn()  # warm: pages, thread start
    times, cpu = [], []
    for _ in range(repeat):
        c0 = time.thread_time()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
    return min(times) * 1e3, float(np.median(times)) * 1e3, min(cpu) * 1e3


def numpy_su(u, n_iter=3, eps=0.5):
    n_out = u.shape[2]
    v = u.sum(axis=1) / n_out
    for _ in range(n_iter):
        vh = v / np.linalg.norm(v, axis=-1, keepdims=True)
        logits = np.matmul(u.transpose(0, 2, 1, 3), vh[..., None])[..., 0]  # (b, j, i)
        logits -= logits.max(axis=1, keepdims=True)
        c = np.exp(logits)
        c /= c.sum(axis=1, keepdims=True)
        v = np.matmul(c[:, :, None, :], u.transpose(0, 2, 1, 3))[:, :, 0]
    n2 = (v * v).sum(-1, keepdims=True)
    return v * np.sqrt(n2) / (eps + n2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--numpy", action="store_true", help="also time the numpy formulation of Su's routing")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    u = (0.1 * rng.standard_normal((128, 1152, 10, 16))).astype(np.float32)
    a = rng.uniform(size=(128, 1152)).astype(np.float32)
    print(f"isa {_core.cluster.isa()}, u_hat {u.shape} float32, 3 iterations, n_jobs=1; "
          f"ms: wall min / wall median / thread CPU min, {args.repeat} runs")
    for variant in ("su", "sabour"):
        lo, med, cpu = best(lambda: dynamic_routing(u, 3, variant, n_jobs=1), args.repeat)
        print(f"dynamic_routing {variant:7s} {lo:7.2f} / {med:7.2f} / {cpu:7.2f}")
    lo, med, cpu = best(lambda: em_routing(u, a, 3, n_jobs=1), args.repeat)
    print(f"em_routing              {lo:7.2f} / {med:7.2f} / {cpu:7.2f}")
    if args.numpy:
        lo, med, cpu = best(lambda: numpy_su(u), 3)
        print(f"numpy su (matmul)       {lo:7.2f} / {med:7.2f} / {cpu:7.2f}")


if __name__ == "__main__":
    main()
