"""unsup/_core.pyi must describe the compiled module: same functions, parameters and defaults."""

import ast
import inspect
import re
from pathlib import Path

import unsup
from unsup import _core

STUB = Path(unsup.__file__).with_name("_core.pyi")


def stub_functions():
    tree = ast.parse(STUB.read_text())
    out = {}
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        for fn in (n for n in cls.body if isinstance(n, ast.FunctionDef)):
            args = fn.args.args
            defaults = [None] * (len(args) - len(fn.args.defaults)) + [ast.literal_eval(d) for d in fn.args.defaults]
            out[f"{cls.name}.{fn.name}"] = [(a.arg, d) for a, d in zip(args, defaults)]
    return out


def runtime_functions():
    out = {}
    for sub_name, sub in inspect.getmembers(_core, inspect.ismodule):
        for name, fn in inspect.getmembers(sub, callable):
            if name.startswith("_"):
                continue
            signature = fn.__doc__.splitlines()[0]
            params = signature[signature.index("(") + 1: signature.rindex(") ->")]
            parsed = []
            for part in re.split(r",\s(?=\w+:)", params):
                pname, _, rest = part.partition(":")
                default = rest.rpartition("=")[2].strip() if "=" in rest else None
                parsed.append((pname.strip(), None if default is None else ast.literal_eval(default)))
            out[f"{sub_name}.{name}"] = parsed
    return out


def test_stub_matches_compiled_module():
    assert stub_functions() == runtime_functions()


def test_package_is_typed():
    assert Path(unsup.__file__).with_name("py.typed").exists()
