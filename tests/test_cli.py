"""The unsup command line."""

import json
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


def test_version_and_module_entry_point(tmp_path):
    out = subprocess.run([sys.executable, "-m", "unsup", "--version"], capture_output=True, text=True, check=True,
                         cwd=tmp_path)
    assert out.stdout.startswith("unsup ")
