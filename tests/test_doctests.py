"""The Examples sections of unsup.nn, unsup.stats and unsup.linalg run and print what they show."""

import doctest
import importlib
import importlib.util
import pkgutil

import pytest

_PACKAGES = ["unsup.linalg", "unsup.stats"]
if importlib.util.find_spec("torch") is not None:
    _PACKAGES.append("unsup.nn")


def _modules():
    for name in _PACKAGES:
        package = importlib.import_module(name)
        yield name
        for info in pkgutil.iter_modules(package.__path__, prefix=name + "."):
            yield info.name


@pytest.mark.parametrize("name", sorted(_modules()))
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
