"""The examples in docstrings run (issue 20.4: "doctests run").

Every module of the ``kg`` package whose source holds a ``>>>`` example is found by
walking the package, so a new example is tested without being listed here.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil
from pathlib import Path

import pytest

import kg


def _modules_with_examples() -> list[str]:
    found = []
    for info in pkgutil.walk_packages(kg.__path__, "kg."):
        spec = importlib.util.find_spec(info.name)
        origin = spec.origin if spec else None
        if origin and origin.endswith(".py") and ">>> " in Path(origin).read_text("utf-8"):
            found.append(info.name)
    return sorted(found)


MODULES = _modules_with_examples()


def test_the_package_has_examples_to_run():
    # kg.resolve.names's normalise examples are the ones issue 20 found never ran.
    assert "kg.resolve.names" in MODULES and len(MODULES) >= 5


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an example that writes, writes here
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted > 0, f"{name}: no example found"
    assert result.failed == 0, f"{name}: {result.failed} example(s) failed (run pytest -s to see)"
