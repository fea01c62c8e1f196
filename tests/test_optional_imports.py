"""`import unsup` never imports torch; `unsup.nn` without torch names the extra to install."""

import subprocess
import sys
import textwrap


def _run(code: str, cwd) -> subprocess.CompletedProcess:
    # Run outside the source tree, so that the installed package (with its core) is imported.
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, cwd=cwd)


def test_core_subpackages_do_not_import_torch(tmp_path):
    result = _run(
        """
        import sys
        import unsup
        from unsup import cluster, datasets, decomposition, graph, linalg, stats, text
        assert "torch" not in sys.modules, sorted(m for m in sys.modules if m.startswith("torch"))
        print("ok")
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_nn_without_torch_names_the_extra(tmp_path):
    # A None entry in sys.modules makes `import torch` raise ImportError, as if it were absent.
    result = _run(
        """
        import sys
        sys.modules["torch"] = None
        try:
            import unsup.nn
        except ImportError as exc:
            print(exc)
        else:
            raise SystemExit("unsup.nn imported without torch")
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "unsup[nn]" in result.stdout and "torch==2.13.0" in result.stdout
