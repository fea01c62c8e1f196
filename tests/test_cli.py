"""The unsup command line."""

import json
import logging
import subprocess
import sys

import pytest

from unsup.cli import main


def run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def edge_file(tmp_path):
    path = tmp_path / "edges.tsv"
    path.write_text("# two triangles\na\tb\nb\tc\na\tc\nc\td\t1.0\nd\te\ne\tf\nd\tf\n\n")
    return path


def test_communities_tsv(edge_file, capsys):
    code, out, _ = run(["communities", str(edge_file), "--seed", "1"], capsys)
    assert code == 0
    rows = [line.split("\t") for line in out.splitlines() if line and not line.startswith(("#", "node"))]
    modules = {}
    for name, module, _ in rows:
        modules.setdefault(module, set()).add(name)
    assert sorted(map(sorted, modules.values())) == [["a", "b", "c"], ["d", "e", "f"]]
    assert "codelength 2.3207" in out


@pytest.fixture
def nested_edge_file(tmp_path):
    # Three groups of three triangles (nodes "g<group>t<triangle>n<i>"): the triangles of a group
    # linked in a ring by single links, the groups likewise. The multilevel code nests them.
    name = lambda k: f"g{k // 9}t{k // 3 % 3}n{k % 3}"  # noqa: E731
    edges = []
    for g in range(3):
        for t in range(3):
            base = 9 * g + 3 * t
            edges += [(base, base + 1), (base + 1, base + 2), (base, base + 2)]
        edges += [(9 * g, 9 * g + 3), (9 * g + 4, 9 * g + 6), (9 * g + 7, 9 * g + 1)]
    edges += [(2, 11), (14, 20), (23, 5)]
    path = tmp_path / "nested.tsv"
    path.write_text("".join(f"{name(u)}\t{name(v)}\n" for u, v in edges))
    return path


def test_communities_hierarchical(nested_edge_file, capsys):
    code, out, _ = run(["communities", str(nested_edge_file), "--hierarchical", "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["depth"] == 2 and data["codelength"] < data["two_level_codelength"]
    # Top modules are the groups; paths name a triangle inside its group.
    tops = {name: path.split(":")[0] for name, path in data["paths"].items()}
    for g in range(3):
        assert len({tops[f"g{g}t{t}n{i}"] for t in range(3) for i in range(3)}) == 1
    assert len({data["paths"][f"g0t{t}n0"] for t in range(3)}) == 3
    code, out, _ = run(["communities", str(nested_edge_file), "--hierarchical"], capsys)
    assert code == 0 and "2-level tree" in out and out.splitlines()[1] == "node\tmodule\tpath\tflow"


def test_communities_json_directed(edge_file, capsys):
    code, out, _ = run(["communities", str(edge_file), "--format", "json", "--directed", "--trials", "2"], capsys)
    assert code == 0
    data = json.loads(out)
    assert sorted(sum(data["communities"], [])) == list("abcdef")
    assert data["codelength"] <= data["one_level_codelength"]


def test_missing_file(capsys, tmp_path):
    code, _, err = run(["communities", str(tmp_path / "nope.tsv")], capsys)
    assert code == 2 and "no such file" in err


@pytest.mark.parametrize("content,message", [
    ("a b\nc\n", ":2: expected"),
    ("a b\nb c x\n", ":2: weight 'x' is not a number"),
    ("a b -1\n", ":1: weight '-1' must be finite"),
])
def test_malformed_lines_name_the_line(tmp_path, capsys, content, message):
    path = tmp_path / "bad.tsv"
    path.write_text(content)
    code, _, err = run(["communities", str(path)], capsys)
    assert code == 2 and message in err


def test_invalid_utf8(tmp_path, capsys):
    path = tmp_path / "bad.tsv"
    path.write_bytes(b"a b\n\xff\xfe c\n")
    code, _, err = run(["communities", str(path)], capsys)
    assert code == 2 and "UTF-8" in err


def test_demo_runs(capsys):
    code, out, _ = run(["demo", "--nodes", "400", "--groups", "8", "--trials", "2"], capsys)
    assert code == 0
    assert "2.3207" in out and "AMI" in out
    assert "100 of the top 100 are planted words" in out and "tokenized:" in out


@pytest.fixture
def corpus_file(tmp_path):
    from unsup.datasets import planted_lexicon_corpus

    documents, lexicon = planted_lexicon_corpus(n_documents=800)
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(documents), encoding="utf-8")
    return path, lexicon


@pytest.mark.parametrize("method", ["ngram_linkage", "pmi_cut", "entropy"])
def test_words_tsv(corpus_file, capsys, method):
    path, lexicon = corpus_file
    code, out, _ = run(["words", str(path), "--top", "20", "--method", method], capsys)
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith(f"# {method}") and lines[1].startswith("word\tcount")
    words = [line.split("\t")[0] for line in lines[2:]]
    assert len(words) == 20 and set(words) <= set(lexicon)


def test_words_json_and_stdin(corpus_file, capsys, monkeypatch):
    import io

    path, lexicon = corpus_file
    code, out, _ = run(["words", str(path), "--top", "5", "--format", "json", "--min-count", "3"], capsys)
    result = json.loads(out)
    assert code == 0 and result["min_count"] == 3 and len(result["words"]) == 5
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(path.read_bytes())))
    code, out2, _ = run(["words", "-", "--top", "5", "--format", "json", "--min-count", "3", "--jobs", "2"], capsys)
    assert code == 0 and json.loads(out2)["words"] == result["words"]


def test_words_errors(tmp_path, capsys, monkeypatch):
    import io

    code, _, err = run(["words", str(tmp_path / "missing.txt")], capsys)
    assert code == 2 and "missing.txt" in err
    bad = tmp_path / "bad.txt"
    bad.write_bytes("甲乙丙".encode() + b"\xff")
    code, _, err = run(["words", str(bad), "--errors", "strict"], capsys)
    assert code == 2 and "byte offset 9" in err and "bad.txt" in err
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("甲乙\n丙".encode() + b"\xff")))
    code, _, err = run(["words", "-", "--errors", "strict"], capsys)
    assert code == 2 and "byte offset 10 of standard input" in err  # the unfinished last line
    code, _, err = run(["words", str(bad), "--top", "0"], capsys)
    assert code == 2 and "--top" in err
    code, _, err = run(["words", str(bad), "--max-memory", "lots"], capsys)
    assert code == 2 and "max_memory" in err


def test_words_under_a_memory_cap(corpus_file, capsys, caplog):
    path, _ = corpus_file
    code, free, _ = run(["words", str(path), "--top", "50", "--format", "json"], capsys)
    with caplog.at_level(logging.INFO, logger="unsup"):
        code2, capped, _ = run(["words", str(path), "--top", "50", "--format", "json", "--max-memory", "2MB"],
                               capsys)
    assert code == code2 == 0
    assert "spilled to temporary files" in caplog.text  # the cap took effect
    assert json.loads(capped)["words"] == json.loads(free)["words"]


def test_words_refuses_a_directory(tmp_path, capsys):
    code, _, err = run(["words", str(tmp_path)], capsys)
    assert code == 2 and "cannot read" in err


def test_version_and_module_entry_point(tmp_path):
    out = subprocess.run([sys.executable, "-m", "unsup", "--version"], capture_output=True, text=True, check=True,
                         cwd=tmp_path)
    assert out.stdout.startswith("unsup ")
