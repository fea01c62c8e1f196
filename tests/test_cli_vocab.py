"""The ``unsup vocab`` command: terms of a domain corpus against a background, as TSV or JSON."""

from __future__ import annotations

import json

import pytest

from unsup.cli import main
from unsup.datasets import planted_domain_corpus

HEADER = "term\tscore\tdomain_count\tbackground_count\tcluster"


def run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    background, domain, terms, groups = planted_domain_corpus(n_background_documents=1500, n_domain_documents=800,
                                                              seed=2)
    folder = tmp_path_factory.mktemp("vocab")
    (folder / "domain.txt").write_text("\n".join(domain) + "\n", encoding="utf-8")
    (folder / "bg.txt").write_text("\n".join(background) + "\n", encoding="utf-8")
    return folder, domain, terms, groups


def rows_of(out):
    lines = out.splitlines()
    assert lines[0].startswith("# ") and lines[1] == HEADER
    return [line.split("\t") for line in lines[2:] if not line.startswith("#")]


def test_vocab_tsv(corpus, capsys):
    folder, domain, terms, _ = corpus
    code, out, err = run(["vocab", str(folder / "domain.txt"), "--background", str(folder / "bg.txt"), "--top", "10"],
                         capsys)
    assert code == 0, err
    assert out.splitlines()[0].startswith(f"# {len(domain)} documents")
    rows = rows_of(out)
    assert len(rows) == 10 and all(len(r) == 5 for r in rows)
    assert sum(r[0] in terms for r in rows) >= 9
    scores = [float(r[1]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(r[4] == "-1" for r in rows) and "cluster 0" not in out  # no --clusters


def test_vocab_json(corpus, capsys):
    folder, domain, terms, _ = corpus
    code, out, _ = run(["vocab", str(folder / "domain.txt"), "--background", str(folder / "bg.txt"), "--top", "5",
                        "--format", "json", "--jobs", "2"], capsys)
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"documents", "units", "unit", "background", "seconds", "terms", "clusters"}
    assert data["documents"] == len(domain) and data["unit"] == "char" and data["clusters"] is None
    assert data["units"] == sum(map(len, domain)) and data["background"] == "corpus"
    assert len(data["terms"]) == 5
    assert all(set(t) == {"term", "score", "domain_count", "background_count", "cluster"} for t in data["terms"])
    assert all(t["term"] in terms for t in data["terms"])


def test_vocab_clusters(corpus, capsys):
    folder, _, terms, groups = corpus
    argv = ["vocab", str(folder / "domain.txt"), "--background", str(folder / "bg.txt"), "--top", "40", "--clusters"]
    code, out, _ = run(argv, capsys)
    assert code == 0
    lines = out.splitlines()
    summary = [line for line in lines if line.startswith("# ") and "clusters (InfoMap over the kNN" in line]
    clusters = [line.split(": ", 1)[1].split() for line in lines if line.startswith("# cluster ")]
    assert len(summary) == 1 and int(summary[0].split()[1]) == len(clusters) >= 5
    group = {w: i for i, g in enumerate(groups) for w in g}
    # The clusters that hold planted terms hold the terms of one group.
    for members in clusters:
        planted = {group[w] for w in members if w in group}
        assert len(planted) <= 1, members
    code, out, _ = run(argv + ["--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0 and [c[:20] for c in data["clusters"]] == clusters


def test_vocab_seeds(corpus, capsys):
    folder, _, _, groups = corpus
    seed = groups[3][0]
    code, out, _ = run(["vocab", str(folder / "domain.txt"), "--background", str(folder / "bg.txt"),
                        "--seeds", f" {seed} ,不在词表", "--format", "json"], capsys)
    assert code == 0
    found = [t["term"] for t in json.loads(out)["terms"]]
    assert seed in found and set(found) <= set(groups[3])


@pytest.mark.parametrize("joiner,separator", [("\n\n", "\\n\\n"), ("。", "。")])
def test_vocab_separator(corpus, tmp_path, capsys, joiner, separator):
    # An escaped line break on the command line, and a non-ASCII separator taken as it is.
    folder, domain, _, _ = corpus
    path = tmp_path / "documents.txt"
    path.write_text(joiner.join(domain), encoding="utf-8")
    code, out, _ = run(["vocab", str(path), "--background", str(folder / "bg.txt"), "--documents", separator,
                        "--format", "json", "--top", "3"], capsys)
    assert code == 0 and json.loads(out)["documents"] == len(domain)


def test_vocab_builtin_background(corpus, capsys):
    folder, _, _, _ = corpus
    code, out, _ = run(["vocab", str(folder / "domain.txt"), "--top", "3", "--format", "json"], capsys)
    assert code == 0 and "People's Daily" in json.loads(out)["background"]


def test_vocab_errors(corpus, tmp_path, capsys):
    folder, _, _, _ = corpus
    domain, background = str(folder / "domain.txt"), str(folder / "bg.txt")
    code, out, err = run(["vocab", str(tmp_path / "missing.txt"), "--background", background], capsys)
    assert code == 2 and "no such file" in err and "missing.txt" in err and out == ""
    code, _, err = run(["vocab", domain, "--background", str(tmp_path / "nobg.txt")], capsys)
    assert code == 2 and "nobg.txt" in err
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    code, _, err = run(["vocab", str(empty), "--background", background], capsys)
    assert code == 2 and "no text" in err
    english = tmp_path / "english.txt"
    english.write_text("the cat sat on the mat\nthe dog sat on the log\n" * 30, encoding="utf-8")
    code, _, err = run(["vocab", domain, "--background", str(english)], capsys)
    assert code == 2 and "background" in err
    code, _, err = run(["vocab", domain, "--background", background, "--top", "0"], capsys)
    assert code == 2 and "--top" in err
    code, _, err = run(["vocab", domain, "--background", background, "--seeds", " , "], capsys)
    assert code == 2 and "--seeds" in err
    code, _, err = run(["vocab", "-", "--background", background], capsys)
    assert code == 2 and "standard input" in err
    code, _, err = run(["vocab", str(tmp_path), "--background", background], capsys)
    assert code == 2 and "cannot read" in err
