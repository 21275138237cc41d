"""The briefing: one self-contained HTML file an analyst can mail, print or open on a phone.

It leads with findings — what the store holds and what the saved questions found, the
flagship question first with its towns, dates, gap and the sentence behind each attack —
then the map and the timeline, then validation, then the details: the sources, every
question as a readable table (labels, not variable names; evidence links), and the claims
grouped by document, reports before reference data. Its size is bounded whatever the
store holds: tables show their first rows and say how many more (with a CSV link or the
command that writes them all), claims are capped per document.

Its parts, each one idea:

* :mod:`~kg.viz.report.briefing` — :func:`build_briefing`: look up once, write the page;
* :mod:`~kg.viz.report.runs` — which saved questions are asked, the flagship first;
* :mod:`~kg.viz.report.findings` — the first screen: the store in a sentence, findings;
* :mod:`~kg.viz.report.tables` — answers as tables with links to their evidence;
* :mod:`~kg.viz.report.claims` — claims by document, their passages and anchors;
* :mod:`~kg.viz.report.conformance` — whether the store conforms to the shapes;
* :mod:`~kg.viz.report.text` — escaping, right-to-left isolation, plurals, sentences.
"""

from __future__ import annotations

from kg.viz.report.briefing import Briefing, build_briefing
from kg.viz.report.claims import claim_counts
from kg.viz.report.conformance import Validation, validation_status
from kg.viz.report.runs import FLAGSHIP_TAG, RECURRENCE_QUESTION
from kg.viz.report.tables import answer_csv, columns, header_text
from kg.viz.report.text import text_html

__all__ = [
    "FLAGSHIP_TAG",
    "RECURRENCE_QUESTION",
    "Briefing",
    "Validation",
    "answer_csv",
    "build_briefing",
    "claim_counts",
    "columns",
    "header_text",
    "text_html",
    "validation_status",
]
