"""Saved questions as the pictures need them: run one by name, list the runnable ones.

The catalogue (:mod:`kg.catalogue`) owns saved questions — headers, typed parameters,
bound values, close-name suggestions; this module only adapts it to what maps, timelines
and the briefing ask.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kg import catalogue
from kg.store import QueryResult, Store


@dataclass
class Question:
    """A saved question's name, summary and parameters (name → required?)."""

    name: str
    summary: str = ""
    params: dict[str, bool] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)

    def runnable_without_input(self) -> bool:
        """Whether every required parameter has a default."""
        return all(not req or p in self.defaults for p, req in self.params.items())


def run(store: Store, name: str, params: Mapping[str, str] | None = None) -> QueryResult:
    """The answer of saved question ``name`` (or of an ``.rq`` file) with ``params`` bound."""
    return catalogue.run_question(store, name, dict(params or {}))


def available() -> list[Question]:
    """Every saved question, with its summary and parameters."""
    out = []
    for q in catalogue.load_catalogue().values():
        out.append(
            Question(
                q.name,
                q.summary,
                {p.name: p.required for p in q.params},
                {p.name: p.default for p in q.params if p.default is not None},
                list(q.tags),
            )
        )
    return out


def check(name: str) -> None:
    """Raise QueryError (with close names) unless ``name`` is a saved question."""
    catalogue.get_question(name)


def exists(name: str) -> bool:
    """Whether a saved question of that name ships with the package."""
    return name in catalogue.load_catalogue()


def title(summary: str, params: Mapping[str, str] | None = None) -> str:
    """A question's summary as a picture's title, with the parameters it ran with.

    "Towns attacked twice within a window of days (default 365), one row per town" with
    window 365 becomes "Towns attacked twice within a window of days (window: 365)".
    """
    import re

    text = re.sub(r"\s*\(default[^)]*\)", "", summary).strip()
    text = re.split(r",\s*one row per\b", text)[0].strip().rstrip(".")
    rest = {}
    for k, v in (params or {}).items():
        if f"a {k} of days" in text:  # "within a window of days" → "within 365 days"
            text = text.replace(f"a {k} of days", f"{v} day{'' if str(v) == '1' else 's'}")
        else:
            rest[k] = v
    if rest:
        text += " (" + ", ".join(f"{k}: {v}" for k, v in rest.items()) + ")"
    return text or "Answer"


def title_of(name: str, params: Mapping[str, str] | None = None) -> str:
    """The title a picture of saved question (or ``.rq`` file) ``name`` gets: its summary
    with the parameters it ran with (defaults included), never its file name alone."""
    q = catalogue.resolve_question(name)
    bound = {p.name: p.default for p in q.params if p.default is not None}
    bound.update(params or {})
    return title(q.summary, bound) if q.summary else name
