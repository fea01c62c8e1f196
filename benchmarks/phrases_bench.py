"""Benchmark: phrase discovery in English (space-delimited text) against gensim ``Phrases``.

The corpus is built in the benchmark environment from installed packages (never committed):
the English prose of the docstrings of numpy, scipy, scikit-learn, networkx and the standard
library (doctest and code lines dropped), one paragraph per line, in sorted file order,
repeated up to ``--corpus-mb``.

Both sides see the same text. unsup: ``WordFinder(unit="word")`` with its defaults, timed on
the raw file (reading, splitting into tokens and runs, counting, discovering); its phrases are
``words_`` (two or more tokens) by count. gensim: ``Phrases(sentences)`` with its defaults
(``min_count=5, threshold=10``) and ``export_phrases()`` (where it scores), timed on sentences
already split into tokens (the split, with unsup's rule: runs of letters and digits,
punctuation ends a sentence and a line break does not, is timed apart and not charged to it);
its phrases are the bigrams it exports, by count. Both are single-threaded.

Printed: MB/s, and for the top 200 phrases of each the number judged real multi-word
expressions (fixed phrases, compound terms, names; not free combinations such as "of the" or
"is not"). The judgements are kept in ``benchmarks/judged/phrases.tsv`` (phrase, verdict y/n);
phrases not judged yet are listed so they can be added, and counted apart.

Setup (benchmark environment only; gensim is not a dependency of unsup)::

    pip install gensim
    python benchmarks/phrases_bench.py
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import os
import platform
import re
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

HERE = Path(__file__).resolve().parent
WORK = HERE / "results" / "phrases"
JUDGED = HERE / "judged" / "phrases.tsv"
PACKAGES = ("numpy", "scipy", "sklearn", "networkx", "email", "json", "logging", "asyncio", "unittest",
            "argparse", "collections", "concurrent", "importlib", "multiprocessing", "xml", "http", "urllib")
TOKEN = re.compile(r"[A-Za-z0-9]+")
SENTENCE_END = re.compile(r"[^A-Za-z0-9\s]+")  # punctuation ends a run on both sides


def _package_files(name: str) -> List[Path]:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return []
    origin = Path(spec.origin)
    return sorted(origin.parent.rglob("*.py")) if origin.name == "__init__.py" else [origin]


def _prose(docstring: str) -> List[str]:
    """Paragraphs of a docstring, without doctest, code, tables and section rulers."""
    paragraphs, current = [], []
    for line in docstring.splitlines():
        text = line.strip()
        code = text.startswith((">>>", "...", "..", ":", "|", "+", "=", "-", "*", "$")) or "::" in text
        if not text or code or sum(ch.isalpha() for ch in text) < 0.6 * len(text):
            if current:
                paragraphs.append(" ".join(current))
            current = []
            continue
        current.append(text)
    if current:
        paragraphs.append(" ".join(current))
    return [p for p in paragraphs if len(p.split()) >= 6]


def build_corpus(corpus_mb: float) -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"docstrings_{corpus_mb:g}mb.txt"
    if path.exists():
        return path
    paragraphs: List[str] = []
    for name in PACKAGES:
        for file in _package_files(name):
            try:
                tree = ast.parse(file.read_text(encoding="utf-8"))
            except (SyntaxError, UnicodeDecodeError, ValueError):
                continue
            for node in ast.walk(tree):
                if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                    doc = ast.get_docstring(node)
                    if doc:
                        paragraphs.extend(_prose(doc))
    block = ("\n".join(paragraphs) + "\n").encode()
    copies = max(1, int(corpus_mb * 1e6 // len(block)))
    with open(path, "wb") as fh:
        for _ in range(copies):
            fh.write(block)
    return path


def sentences_of(path: Path) -> List[List[str]]:
    """The runs unsup's word mode reads: punctuation ends one, a line break does not."""
    out = []
    for piece in SENTENCE_END.split(path.read_text(encoding="utf-8")):
        tokens = TOKEN.findall(piece)
        if tokens:
            out.append(tokens)
    return out


def run_unsup(path: Path) -> Tuple[float, List[Tuple[str, int]]]:
    from unsup.text import WordFinder

    start = time.perf_counter()
    finder = WordFinder(unit="word").fit(path)
    return time.perf_counter() - start, finder.top(200)


def run_gensim(sentences: List[List[str]]) -> Tuple[float, List[Tuple[str, int]]]:
    from gensim.models.phrases import Phrases

    start = time.perf_counter()
    phrases = Phrases(sentences)
    found = phrases.export_phrases()  # "a_b" -> score: the scoring happens here, so it is timed
    elapsed = time.perf_counter() - start
    counts = [(p.replace(phrases.delimiter, " "), int(phrases.vocab.get(p, 0))) for p in found]
    counts.sort(key=lambda pc: (-pc[1], pc[0]))
    return elapsed, counts[:200]


def load_judged() -> Dict[str, bool]:
    judged = {}
    if JUDGED.exists():
        for line in JUDGED.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                phrase, verdict = line.rsplit("\t", 1)
                judged[phrase] = verdict.strip() == "y"
    return judged


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus-mb", type=float, default=20.0, help="corpus size (default 20)")
    parser.add_argument("--show", action="store_true", help="print both top-200 lists")
    args = parser.parse_args(argv)
    path = build_corpus(args.corpus_mb)
    mb = path.stat().st_size / 1e6
    print(f"machine: {platform.processor() or platform.machine()} | {os.cpu_count()} logical cores | "
          f"{platform.platform()} | Python {platform.python_version()}")
    print(f"corpus: {path.name}, {mb:.2f} MB")
    ours_s, ours = run_unsup(path)
    start = time.perf_counter()
    sentences = sentences_of(path)
    split_s = time.perf_counter() - start
    gensim_s, theirs = run_gensim(sentences)
    judged = load_judged()
    rows = []
    for name, seconds, top in (("unsup WordFinder(unit='word')", ours_s, ours),
                               ("gensim Phrases (tokens given)", gensim_s, theirs)):
        verdicts = [judged.get(p) for p, _ in top]
        rows.append((name, seconds, mb / seconds, len(top), sum(v is True for v in verdicts),
                     sum(v is None for v in verdicts)))
    print(f"(splitting the text into token lists for gensim took {split_s:.2f} s, not counted)")
    print()
    print("| method | wall s | MB/s | phrases in top 200 | judged real | not judged |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, seconds, speed, n, real, unknown in rows:
        print(f"| {name} | {seconds:.2f} | {speed:.2f} | {n} | {real} | {unknown} |")
    print(f"\nspeed ratio unsup / gensim: {rows[0][2] / rows[1][2]:.2f}")
    missing = sorted({p for p, _ in ours + theirs if p not in judged})
    if missing:
        print(f"\n{len(missing)} phrases not judged yet (add them to {JUDGED.relative_to(HERE.parent)}):")
        for p in missing:
            print(f"{p}\t?")
    if args.show:
        for name, top in (("unsup", ours), ("gensim", theirs)):
            print(f"\n{name} top 200:")
            print(", ".join(f"{p} ({c})" for p, c in top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
