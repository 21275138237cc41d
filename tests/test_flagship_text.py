"""The flagship question reads like its definition (issue 17.2).

What it would compute by arithmetic or long paths lives in the derived graph
(kg/derive/rules.py); the saved text only reads it. These checks hold the text to that:
they fail if date arithmetic, a property path of unbounded length or an engine-specific
keyword comes back, or if the SPARQL outgrows the 60 lines the issue allows.
"""

from __future__ import annotations

import re

from kg.catalogue import get_question
from kg.sparql import code_mask


def _sparql_lines(text: str) -> list[str]:
    """The lines of SPARQL, headers (#+) and comments aside."""
    code = code_mask(text)
    return [line for line in code.splitlines() if line.strip()]


def test_the_flagship_is_at_most_60_lines_of_sparql():
    lines = _sparql_lines(get_question("towns_attacked_twice").text)
    assert 20 < len(lines) <= 60, len(lines)


def test_the_flagship_computes_no_dates_and_walks_no_paths():
    code = code_mask(get_question("towns_attacked_twice").text)
    # No day numbers computed from dates, no durations, no casts.
    upper = code.upper()
    for function in ("YEAR(", "MONTH(", "DAY(", "NOW(", "XSD:INTEGER(", "XSD:DATE("):
        assert function not in upper, function
    # No path of unbounded length (ckg:locatedIn+, ckg:factionOf*, subClassOf*).
    assert not re.search(r"[>\w)]\s*[*+]\s*[?<(]", code)
    # No engine-specific syntax: LATERAL, SERVICE, or a marker for a rewriting backend.
    for keyword in ("LATERAL", "SERVICE", "ckg:core"):
        assert keyword not in code
