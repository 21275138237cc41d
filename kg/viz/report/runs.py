"""Which saved questions a briefing asks, the flagship first, and what became of each.

With no names given, every question that runs without input is asked. On a big store
(:data:`FLAGSHIP_ONLY_FROM` attacks or more) only the flagship runs: one saved question
can take minutes on 100k events, and a running query cannot be stopped half-way; the
others are listed with the command that answers each. A question that fails is reported,
and does not stop the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.errors import CkgError
from kg.store import QueryResult, Store
from kg.viz import questions

#: From this many attacks on, a briefing with no questions named runs only the flagship
#: and lists the others with the command that answers each.
FLAGSHIP_ONLY_FROM = 10_000

RECURRENCE_QUESTION = "towns_attacked_twice"
FLAGSHIP_TAG = "flagship"


@dataclass
class Runs:
    """The saved questions of one briefing and their answers, failures and skips."""

    #: The questions asked, in the caller's order.
    names: list[str]
    catalogue: dict[str, questions.Question]
    #: Whether the caller named the questions (they then always run).
    named: bool
    flagship: str | None = None
    answers: dict[str, QueryResult] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def in_order(self) -> list[str]:
        """The questions, the flagship first."""
        return sorted(self.names, key=lambda n: n != self.flagship)

    def heading(self, name: str) -> str:
        """A question's summary as a heading, with the defaults it ran with."""
        q = self.catalogue.get(name)
        return questions.title(q.summary, q.defaults) if q else name

    def run(self, store: Store, events: int) -> None:
        """Ask every question, flagship first; ``events`` is the store's number of attacks."""
        for name in self.in_order():
            if not self.named and name != self.flagship and events >= FLAGSHIP_ONLY_FROM:
                self.skipped.append(name)
                continue
            try:
                self.answers[name] = questions.run(store, name)
            except CkgError as exc:
                self.failed[name] = str(exc)

    def answered(self) -> list[str]:
        """The questions that have an answer, in the caller's order."""
        return [n for n in self.names if n in self.answers]


def choose(names: list[str] | None) -> Runs:
    """The questions to ask: ``names`` (each checked to exist) or every runnable one."""
    catalogue = {q.name: q for q in questions.available()}
    named = names is not None
    if names is None:
        names = [q.name for q in catalogue.values() if q.runnable_without_input()]
    else:
        for name in names:
            questions.check(name)
    flagship = next(
        (n for n in names if FLAGSHIP_TAG in catalogue.get(n, questions.Question(n)).tags),
        RECURRENCE_QUESTION if RECURRENCE_QUESTION in catalogue else None,
    )
    return Runs(list(names), catalogue, named, flagship)
