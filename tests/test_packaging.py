"""The installed package holds every module of the source tree.

``pyproject.toml`` lists its packages by hand (``kg.cli`` is the ``cli/`` folder, the
ontology and queries are data packages), so a new sub-package left out of the list would
work in the editable install the tests use and be missing from a built wheel.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_python_package_of_the_tree_is_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    folders = {Path(folder): name for name, folder in config["package-dir"].items()}
    found = set()
    for folder, name in folders.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder)
            found.add(".".join([name, *relative.parts]))
    assert sorted(found - listed) == [], "add these to [tool.setuptools] packages"
    assert sorted(listed - found) == [], "these listed packages have no __init__.py"
