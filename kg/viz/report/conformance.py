"""Whether the store conforms to the ontology's shapes, as the briefing states it.

The briefing never fails on validation: an error is reported as such, and a store too
big to check here (:data:`VALIDATE_UP_TO_TRIPLES`) is said to be unchecked, with the
command that checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from kg.store import Store

#: Above this many triples the briefing does not run the full validation itself: the
#: whole-store check would double a large briefing's time (about 40 s at 100k events,
#: docs/validation.md); ``ckg validate`` does it on demand.
VALIDATE_UP_TO_TRIPLES = 50_000


@dataclass
class Validation:
    """The store's validation status as the briefing states it."""

    status: str  # "conforms", "violations", "not validated", "error"
    detail: str = ""
    violations: int | None = None

    def phrase(self) -> str:
        """What the first screen says: "conforms to the ontology's shapes", …"""
        return {
            "conforms": "conforms to the ontology's shapes",
            "violations": f"does not conform ({self._count()} violations)",
            "error": "could not be validated",
            "not validated": "was not validated here",
        }[self.status]

    def section(self) -> str:
        """The briefing's validation section."""
        badge = {"conforms": "ok", "violations": "bad", "error": "bad"}.get(self.status, "unknown")
        text = {
            "conforms": "The store conforms to the ontology's shapes"
            + (f" ({escape(self.detail)})." if self.detail else "."),
            "violations": f"The store does not conform: {self._count()} "
            "violation(s). Run <code>ckg validate</code> for the full report.",
            "error": escape(self.detail),
            "not validated": "Not validated"
            + (f": {escape(self.detail)}." if self.detail else "."),
        }[self.status]
        return (
            f'<section id="validation"><h2>Validation</h2><p class="status {badge}">'
            f"<strong>{escape(self.status)}</strong> — {text}</p></section>"
        )

    def _count(self) -> str:
        return str(self.violations) if self.violations is not None else "some"


def validation_status(
    store: Store, *, max_triples: int | None = VALIDATE_UP_TO_TRIPLES
) -> Validation:
    """Validate the store with the bundled shapes and say how it went, never failing.

    A store bigger than ``max_triples`` is not validated here — the full check reads the
    whole store into memory and takes minutes at 100k events — and the briefing says so
    and names the command that does it.
    """
    from kg import validation

    if max_triples is not None:
        try:
            total = sum(g.triples for g in store.graphs())
        except Exception:  # noqa: BLE001 - a count we cannot read is no reason to fail
            total = 0
        if total > max_triples:
            return Validation(
                "not validated",
                f"the store holds {total:,} triples; the briefing validates stores of up to "
                f"{max_triples:,} — run ckg validate for the full check",
            )
    try:
        report = validation.validate_store(store)
    except Exception as exc:  # noqa: BLE001 - the briefing says so instead of failing
        return Validation("error", f"validation could not run: {type(exc).__name__}: {exc}")
    conforms = bool(getattr(report, "conforms", False))
    count = None
    counts = getattr(report, "counts", None)
    if callable(counts):
        count = counts().get("violation")
    if count is None:
        for attr in ("violations", "results"):
            value = getattr(report, attr, None)
            if value is not None and hasattr(value, "__len__"):
                count = len(value)
                break
    text = ""
    seconds = getattr(report, "seconds", None)
    if isinstance(seconds, (int, float)):
        text = f"checked in {seconds:.1f} s"
    if conforms:
        return Validation("conforms", text, 0)
    return Validation("violations", text, count)
