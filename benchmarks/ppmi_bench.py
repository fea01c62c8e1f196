"""Benchmark: PPMI + SVD word vectors (``unsup.text.PPMIEmbedding``) against gensim's skip-gram ``Word2Vec``.

Both models are fitted on the same tokenized corpus, one line per document, single-threaded
(BLAS pinned to one thread, ``n_jobs=1``, ``workers=1``):

* ``--corpus zh`` (default): ``benchmarks/results/words/mixed_20mb.txt`` (25.9 MB of Chinese:
  People's Daily 1998-01 and product reviews, the file twice over; written by
  ``benchmarks/words_bench.py``), tokenized by unsup's own ``Tokenizer`` over the lexicon that
  ``WordFinder()`` finds in the same file (punctuation marks stay as tokens);
* ``--corpus en``: ``benchmarks/results/phrases/docstrings_20mb.txt`` (17.5 MB of English:
  the docstring prose of numpy, scipy, scikit-learn, networkx and parts of the standard
  library, twice over; written by ``benchmarks/phrases_bench.py``), lowercased and split on
  whitespace.

Building the lexicon and tokenizing are shared and timed apart, not charged to either model.
Timed: unsup ``PPMIEmbedding(random_state=0, n_jobs=1).fit(documents)`` with its defaults
(window 5, min_count 5, dimension ``ceil(8.33 ln N)``): the vocabulary, the C++ window counts,
PPMI and the randomized SVD, end to end. gensim ``Word2Vec(documents, sg=1, workers=1, seed=0)``
with its other defaults (vector_size 100, window 5, min_count 5, negative 5, sample 1e-3,
**5 epochs**): vocabulary and training.

Agreement: for the ``--n-words`` (1000) most frequent words of the shared vocabulary, the top
10 cosine neighbours of each (itself excluded) in both models; printed is the mean share of
neighbours the two lists have in common. As a ceiling, the same figure between gensim and
gensim with another seed (``--no-ceiling`` skips that second training).

Setup (benchmark environment only; gensim is not a dependency of unsup)::

    pip install gensim
    python benchmarks/words_bench.py      # writes results/words/mixed_20mb.txt (--corpus zh)
    python benchmarks/phrases_bench.py    # writes results/phrases/docstrings_20mb.txt (--corpus en)
    python benchmarks/ppmi_bench.py [--corpus zh|en]
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy loads: every model runs on one thread

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Dict, List, Sequence, Tuple  # noqa: E402

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
CORPORA = {"zh": RESULTS / "words" / "mixed_20mb.txt", "en": RESULTS / "phrases" / "docstrings_20mb.txt"}


def load_documents(corpus: str) -> Tuple[List[List[str]], str]:
    """Token lists of the corpus (one per non-empty line) and a line saying how they were made."""
    path = CORPORA[corpus]
    if not path.exists():
        maker = "words_bench.py" if corpus == "zh" else "phrases_bench.py"
        raise SystemExit(f"{path} is missing: run benchmarks/{maker} first")
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    start = time.perf_counter()
    if corpus == "en":
        documents = [line.lower().split() for line in lines]
        how = f"lowercased, split on whitespace ({time.perf_counter() - start:.1f} s)"
    else:
        from unsup.text import WordFinder

        tokenizer = WordFinder().fit(path).to_tokenizer()
        lexicon_s = time.perf_counter() - start
        documents = tokenizer.tokenize_many(lines)
        how = (f"unsup Tokenizer over the {tokenizer.n_words} words WordFinder() found in it "
               f"({lexicon_s:.1f} s + {time.perf_counter() - start - lexicon_s:.1f} s to tokenize)")
    return [d for d in documents if d], f"{path.name}, {path.stat().st_size / 1e6:.1f} MB; {how}"


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_unsup(documents: Sequence[Sequence[str]]) -> Tuple[float, List[str], np.ndarray, str]:
    from unsup.text import PPMIEmbedding

    capture = _Capture()
    logger = logging.getLogger("unsup")
    logger.addHandler(capture)
    logger.setLevel(logging.INFO)
    try:
        start = time.perf_counter()
        model = PPMIEmbedding(random_state=0, n_jobs=1, verbose=1).fit(documents)
        seconds = time.perf_counter() - start
    finally:
        logger.removeHandler(capture)
    return seconds, model.words_, model.vectors_, capture.messages[-1] if capture.messages else ""


def run_gensim(documents: Sequence[Sequence[str]], seed: int, epochs: int = 5) -> Tuple[float, List[str], np.ndarray]:
    from gensim.models import Word2Vec

    start = time.perf_counter()
    model = Word2Vec(documents, sg=1, workers=1, seed=seed, epochs=epochs)  # 5: gensim's default
    seconds = time.perf_counter() - start
    return seconds, list(model.wv.index_to_key), np.asarray(model.wv.vectors)


def neighbours(words: List[str], vectors: np.ndarray, queries: List[str], k: int) -> Dict[str, set]:
    """Top-k cosine neighbours of each query word (itself excluded)."""
    row = {w: i for i, w in enumerate(words)}
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    out = {}
    for q in queries:
        similarity = unit @ unit[row[q]]
        similarity[row[q]] = -np.inf
        out[q] = {words[j] for j in np.argpartition(-similarity, k)[:k]}
    return out


def overlap(a: Tuple[List[str], np.ndarray], b: Tuple[List[str], np.ndarray], n_words: int, k: int) -> float:
    """Mean share of common top-k neighbours of the n_words most frequent words of a found in b."""
    in_b = set(b[0])
    queries = [w for w in a[0] if w in in_b][:n_words]
    na, nb = neighbours(a[0], a[1], queries, k), neighbours(b[0], b[1], queries, k)
    return float(np.mean([len(na[q] & nb[q]) / k for q in queries]))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="zh", help="zh (default) or en")
    parser.add_argument("--n-words", type=int, default=1000, help="most frequent words compared (default 1000)")
    parser.add_argument("--k", type=int, default=10, help="neighbours per word (default 10)")
    parser.add_argument("--no-ceiling", action="store_true", help="skip the second gensim run (another seed)")
    parser.add_argument("--one-epoch", action="store_true", help="also time gensim with epochs=1")
    args = parser.parse_args(argv)

    import gensim

    import unsup

    print(f"machine: {platform.processor() or platform.machine()} | {os.cpu_count()} logical cores | "
          f"{platform.platform()} | Python {platform.python_version()} | unsup {unsup.__version__} | "
          f"gensim {gensim.__version__} | load average at start {os.getloadavg()[0]:.2f}")
    documents, how = load_documents(args.corpus)
    n_tokens = sum(map(len, documents))
    print(f"corpus: {how}")
    print(f"{len(documents)} documents, {n_tokens} tokens; one thread each (BLAS pinned, n_jobs=1, workers=1)")

    ours_s, ours_words, ours_vectors, stages = run_unsup(documents)
    print(f"unsup stages: {stages}")
    gensim_s, g_words, g_vectors = run_gensim(documents, seed=0)
    ours, theirs = (ours_words, ours_vectors), (g_words, g_vectors)
    agreement = overlap(ours, theirs, args.n_words, args.k)
    ceiling = one_epoch = None
    if args.one_epoch:
        one_s, one_words, one_vectors = run_gensim(documents, seed=0, epochs=1)
        one_epoch = (one_s, len(one_words), overlap(ours, (one_words, one_vectors), args.n_words, args.k),
                     overlap(theirs, (one_words, one_vectors), args.n_words, args.k))
    if not args.no_ceiling:
        _, g2_words, g2_vectors = run_gensim(documents, seed=1)
        ceiling = overlap(theirs, (g2_words, g2_vectors), args.n_words, args.k)

    print()
    print(f"| model | fit s (1 thread) | words | dim | top-{args.k} overlap with gensim, {args.n_words} most frequent |")
    print("|---|---:|---:|---:|---:|")
    print(f"| unsup PPMIEmbedding (defaults) | {ours_s:.2f} | {len(ours_words)} | {ours_vectors.shape[1]} | "
          f"{agreement:.3f} |")
    print(f"| gensim Word2Vec sg=1 (defaults: 5 epochs) | {gensim_s:.2f} | {len(g_words)} | {g_vectors.shape[1]} | "
          f"{'1 (itself)'} |")
    if ceiling is not None:
        print(f"| gensim Word2Vec, seed 1 vs seed 0 | | | | {ceiling:.3f} |")
    if one_epoch is not None:
        print(f"| gensim Word2Vec sg=1, epochs=1 | {one_epoch[0]:.2f} | {one_epoch[1]} | 100 | {one_epoch[3]:.3f} "
              f"(unsup vs it: {one_epoch[2]:.3f}) |")
    print(f"\nspeed ratio gensim / unsup: {gensim_s / ours_s:.1f}x (end to end from token lists; "
          f"{n_tokens / ours_s / 1e6:.2f} vs {n_tokens / gensim_s / 1e6:.3f} M tokens/s)")
    if one_epoch is not None:
        print(f"speed ratio gensim (1 epoch) / unsup: {one_epoch[0] / ours_s:.1f}x")
    print(f"load average at end {os.getloadavg()[0]:.2f}")

    RESULTS.mkdir(exist_ok=True)
    record = {"corpus": how, "documents": len(documents), "tokens": n_tokens, "unsup_s": ours_s,
              "gensim_s": gensim_s, "unsup_words": len(ours_words), "gensim_words": len(g_words),
              "unsup_dim": int(ours_vectors.shape[1]), "overlap": agreement, "gensim_seed_overlap": ceiling,
              "stages": stages, "gensim_one_epoch": one_epoch, "time": time.strftime("%Y%m%d-%H%M%S")}
    out = RESULTS / f"ppmi_{args.corpus}_{record['time']}.json"
    out.write_text(json.dumps(record, indent=1))
    print(f"written {out.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
