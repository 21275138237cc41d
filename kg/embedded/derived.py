"""The derived graph (:mod:`kg.derive`) kept in step with every write of the store.

Facts the saved questions need but no source states live in
:data:`kg.derive.DERIVED_GRAPH`. Every write that can change them marks the graph stale
in its own transaction (:data:`kg.embedded.meta.DERIVED_STALE`), then
:meth:`DerivedUpkeep.refresh_derived` rewrites it (only the difference) and clears the
mark; an additive write (``ckg add``) recomputes only the towns it touches. A crash in
between leaves the mark, and the next query rebuilds the graph first, so an answer never
reads stale derived facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pyoxigraph as ox

from kg.derive import DERIVED_GRAPH
from kg.derive import upkeep as derive
from kg.derive.rules import rules_version
from kg.embedded.base import StoreBase
from kg.embedded.meta import (
    DERIVED,
    DERIVED_STALE,
    KEY_OF,
    META,
    description,
    graph_info,
    lines_digest,
    meta_delete,
    meta_triples,
    new_revision,
    nt,
)
from kg.errors import StoreError
from kg.store import GraphInfo
from kg.terms import CKG_NS, META_GRAPH, META_PREDICATES, STAGING_PREFIX


# Graphs the derivation does not read: the meta graph and its own output.
class _NotDerivedFrom(frozenset[str]):
    """Graphs derived facts are not computed from: meta, derived, and the staging graphs of
    ``ckg extract`` (unreviewed candidates), which a prefix names."""

    def __contains__(self, name: object) -> bool:
        return super().__contains__(name) or str(name).startswith(STAGING_PREFIX)


#: ckg's own bookkeeping graphs: no source of derived facts, nor of an answer's GRAPH ?g.
NOT_DERIVED_FROM = frozenset({str(META_GRAPH), DERIVED})
#: What the derivation skips: :data:`NOT_DERIVED_FROM` and every staging graph.
DERIVE_SKIP = _NotDerivedFrom(NOT_DERIVED_FROM)
#: Meta-graph note of the derived graph: a digest of the lines :meth:`DerivedUpkeep.refresh_derived`
#: wrote (any other write of the graph rewrites its description without it).
DERIVED_DIGEST = CKG_NS + "derivedDigest"
#: Meta-graph note of the derived graph: the version of ckg's rules that wrote it. A graph
#: written by other rules (an older ckg, before a rule was added or fixed) is stale.
DERIVED_RULES = CKG_NS + "derivedRules"


def _description(count: int, digest: str | None = None) -> list[ox.Triple]:
    """The meta graph's description of the derived graph: count, time, the rules' version,
    and the digest of its lines when a full rebuild wrote them."""
    desc = meta_triples(
        DERIVED,
        count,
        datetime.now(UTC).replace(microsecond=0),
        "ckg (derived from the other graphs)",
        "Derived facts",
        new_revision(),
    )
    node = ox.NamedNode(DERIVED)
    desc.append(ox.Triple(node, ox.NamedNode(DERIVED_RULES), ox.Literal(rules_version())))
    if digest is not None:
        desc.append(ox.Triple(node, ox.NamedNode(DERIVED_DIGEST), ox.Literal(digest)))
    return desc


class DerivedUpkeep(StoreBase):
    """The derived graph's upkeep: rebuilt, or patched after an additive write."""

    def derived_info(self) -> GraphInfo:
        """What the meta graph says of the derived graph (brought up to date first)."""
        self.refresh_derived(only_if_stale=True)
        props = {
            KEY_OF[predicate]: value
            for predicate, value in description(self.db, DERIVED).items()
            if predicate in KEY_OF
        }
        return graph_info(DERIVED, props, lambda: self._count(DERIVED))

    def derived_is_fresh(self) -> bool:
        """Whether the derived graph has been computed, by these rules, and no write has changed
        its input since."""
        described = description(self.db, DERIVED)
        return (
            META_PREDICATES["triples"] in described
            and META_PREDICATES["stale"] not in described
            and described.get(DERIVED_RULES) == rules_version()
        )

    def refresh_derived(self, *, only_if_stale: bool = False) -> int:
        """Recompute the whole derived graph from the data; returns its triple count.

        With ``only_if_stale``, does nothing when the graph is fresh (or the store holds no
        data at all). Written as: stale mark (already there), old content removed, new
        content bulk-loaded, description written and mark cleared in one transaction.
        """
        if only_if_stale and self.derived_is_fresh():
            return -1
        if only_if_stale and not any(
            g.value not in DERIVE_SKIP
            for g in self.db.named_graphs()
            if isinstance(g, ox.NamedNode)
        ):
            return 0
        try:
            lines = derive.full_lines(self.db, DERIVE_SKIP)
        except (ValueError, RecursionError) as exc:
            raise StoreError(
                f"the derived facts of {self.location} could not be computed ({exc}); "
                "the store's data is unchanged, and queries refuse to run until they can be"
            ) from exc
        node = ox.NamedNode(DERIVED)
        if not lines and not self.has_graph(DERIVED_GRAPH):
            return 0  # nothing to derive, nothing derived before: the store stays as it is
        # The digest of the content this method wrote last is in the meta graph; any other
        # write of the derived graph rewrites its description without it. Equal digests
        # and the graph still holding as many triples: it holds these lines, and reading
        # it back (most of a rebuild that changes nothing, e.g. a re-import of the same
        # file) is skipped; a count is one query, a read-back decodes every triple.
        new = set(lines)
        digest = lines_digest(new)
        if self._derived_digest() == digest and self._count(DERIVED) == len(new):
            self._write_derived_meta(len(new), digest)
            return len(new)
        # Only the difference is written: removing and loading triples one by one is what
        # costs (a rebuild after a small change touches few of them).
        old = set(
            (self.db.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node) or b"")
            .decode("utf-8")
            .splitlines(keepends=True)
        )
        removed = old - new
        added = new - old
        if removed or added:
            self._update(f"{meta_delete(DERIVED)} ;\nINSERT DATA {{ {DERIVED_STALE} }}")
        try:
            if removed:
                self._update(f"DELETE DATA {{ GRAPH <{DERIVED}> {{ {''.join(removed)} }} }}")
            if added:
                data = "".join(added).encode("utf-8")
                self.db.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=node)
        except SyntaxError as exc:
            raise StoreError(f"internal error: derived facts did not parse: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"writing {self.location} failed: {exc}") from exc
        self._write_derived_meta(len(new), digest)
        return len(new)

    def _derived_digest(self) -> str | None:
        """The digest :meth:`refresh_derived` recorded with the derived graph's content."""
        return description(self.db, DERIVED).get(DERIVED_DIGEST)

    def _write_derived_meta(self, count: int, digest: str | None = None) -> None:
        desc = _description(count, digest)
        self._update(
            f"{meta_delete(DERIVED)} ;\nINSERT DATA {{ GRAPH <{META.value}> {{ {nt(desc)} }} }}"
        )

    def _derive_added(self, added: Sequence[ox.Triple], was_fresh: bool) -> None:
        """After an additive write: recompute the towns it touches, or everything."""
        if not was_fresh:
            self.refresh_derived()
            return
        change = derive.incremental(self.db, added, DERIVE_SKIP, DERIVED)
        if change is None:
            self.refresh_derived()
            return
        removed, new = change
        node = ox.NamedNode(DERIVED)
        new = [t for t in new if ox.Quad(t.subject, t.predicate, t.object, node) not in self.db]
        described = description(self.db, DERIVED)
        count = int(described.get(META_PREDICATES["triples"], "0")) - len(removed) + len(new)
        request = []
        if removed:
            request.append(f"DELETE DATA {{ GRAPH <{DERIVED}> {{ {nt(removed)} }} }}")
        if new:
            request.append(f"INSERT DATA {{ GRAPH <{DERIVED}> {{ {nt(new)} }} }}")
        desc = _description(count)
        request.append(meta_delete(DERIVED))
        request.append(f"INSERT DATA {{ GRAPH <{META.value}> {{ {nt(desc)} }} }}")
        self._update(" ;\n".join(request))
