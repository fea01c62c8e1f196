"""unsup/_core.pyi must describe the compiled module: same functions, parameters and defaults."""

import ast
import inspect
import re
from pathlib import Path

import unsup
from unsup import _core

STUB = Path(unsup.__file__).with_name("_core.pyi")


def _parse_signature(doc):
    """[(name, default)] from the first line of a pybind11 docstring: ``f(a: int, b: float = 1.0) -> T``."""
    signature = doc.splitlines()[0]
    params = signature[signature.index("(") + 1: signature.rindex(") ->")]
    parsed = []
    if not params.strip():
        return parsed
    for part in re.split(r",\s(?=\w+:)", params):
        pname, _, rest = part.partition(":")
        default = rest.rpartition("=")[2].strip() if "=" in rest else None
        parsed.append((pname.strip(), None if default is None else ast.literal_eval(default)))
    return parsed


def stub_functions():
    tree = ast.parse(STUB.read_text())
    out = {}

    def walk(node, prefix):
        for item in node.body:
            if isinstance(item, ast.ClassDef):
                walk(item, f"{prefix}{item.name}.")
            elif isinstance(item, ast.FunctionDef):
                if any(isinstance(d, ast.Name) and d.id == "property" for d in item.decorator_list):
                    out[prefix + item.name] = "property"
                    continue
                args = item.args.args
                defaults = [None] * (len(args) - len(item.args.defaults)) + [
                    ast.literal_eval(d) for d in item.args.defaults]
                out[prefix + item.name] = [(a.arg, d) for a, d in zip(args, defaults)]

    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):  # one class per submodule
        walk(cls, f"{cls.name}.")
    return out


def runtime_functions():
    out = {}
    for sub_name, sub in inspect.getmembers(_core, inspect.ismodule):
        for name, obj in inspect.getmembers(sub):
            if name.startswith("_"):
                continue
            if inspect.isclass(obj):
                for member, value in vars(obj).items():
                    if member.startswith("_") and member != "__init__":
                        continue
                    key = f"{sub_name}.{name}.{member}"
                    if isinstance(value, staticmethod):
                        value = value.__func__
                    if isinstance(value, property):
                        out[key] = "property"
                    elif callable(value):
                        out[key] = _parse_signature(value.__doc__)
            elif callable(obj):
                out[f"{sub_name}.{name}"] = _parse_signature(obj.__doc__)
    return out


def test_stub_matches_compiled_module():
    assert stub_functions() == runtime_functions()


def test_package_is_typed():
    assert Path(unsup.__file__).with_name("py.typed").exists()
