"""Virtuoso 7.2.5 cannot compile a ``VALUES`` block of a few thousand rows.

docs/servers.md, "Dialects":

| a `VALUES` block of a few thousand rows | `SQ199: Maximum size (32767) of a code vector
exceeded` (about 90 bytes a row) | no saved question sends such a block: parameters are a
handful of values |
"""

from __future__ import annotations

import pytest

from engine_defects.engines import Engines, QueryError


def block(n: int) -> str:
    values = " ".join(f'"value number {i:05d}"' for i in range(n))
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?v {{ {values} }} }}"


def test_values_block_code_vector(engines: Engines) -> None:
    assert engines.right(block(3000)) == [("3000",)]
    # A handful of parameters, as kg.sparql sends them, compiles.
    assert engines.virtuoso(block(5)) == [("5",)]
    with pytest.raises(QueryError, match="SQ199"):
        engines.virtuoso(block(3000))
        pytest.fail(
            "Virtuoso fixed this: parameters in kg.sparql need not stay a handful of values"
        )
