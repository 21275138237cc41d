"""Bulk loads with an atomic switch: very large files, old version or new, never between.

pyoxigraph's bulk loader is several times faster than a transaction, but not
transactional: killed midway, a graph it was replacing would be left half written. So
:meth:`BulkWriting.bulk_replace` loads the new version beside the old one under a
temporary name (:data:`BULK_PENDING_PREFIX`), or in place for a graph that holds nothing
yet (marked pending in the meta graph), and switches in ONE transaction.
:func:`kg.embedded.open_store` drops what an interrupted bulk load left
(:meth:`BulkWriting.drop_bulk_leftovers`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime

import pyoxigraph as ox

from kg.embedded.meta import (
    DERIVED_STALE,
    META,
    check_graph_name,
    meta_delete,
    meta_insert,
    new_revision,
    nt,
    stale_marks,
)
from kg.embedded.reading import Reading
from kg.errors import StoreError
from kg.history import archive
from kg.terms import CKG_NS, META_PREDICATES, STAGING_PREFIX

#: Where :meth:`BulkWriting.bulk_replace` writes a graph's new version until the switch
#: (a staging name: no question, derivation or validation reads it).
BULK_PENDING_PREFIX = STAGING_PREFIX + "bulk-pending/"
#: Meta-graph mark of a graph :meth:`BulkWriting.bulk_replace` is filling in place.
BULK_PENDING = CKG_NS + "bulkPending"


class BulkWriting(Reading):
    """Replacing graphs through pyoxigraph's bulk loader, switched to in one transaction."""

    def bulk_replace(
        self,
        graphs: Sequence[str],
        quads: Callable[[], Iterable[ox.Quad]],
        *,
        meta: Mapping[str, Mapping[str, str | None]] | None = None,
        stale: Sequence[str] = (),
        flags: Sequence[str] = (),
        check: Callable[[Mapping[str, str]], None] | None = None,
        progress: Callable[[str], None] | None = None,
        files: Mapping[str, str] | None = None,
    ) -> dict[str, int]:
        """Replace ``graphs`` with ``quads()`` using pyoxigraph's bulk loader; old or new.

        For files too big for one transaction. Nothing a reader sees changes until the
        new content is complete: it is bulk-loaded beside the old version, under a
        temporary name (:data:`BULK_PENDING_PREFIX`), or in place for a graph that holds
        no triples yet, marked pending in the meta graph. Then ONE transaction switches:
        the replaced graph loses the triples the new version lacks and gains those it
        adds (so reloading an unchanged file writes almost nothing), its description is
        rewritten, and the derived graph, the graphs in ``stale`` (the inferred graph)
        and each graph's ``flags`` (meta predicates set true, e.g. unvalidated) are marked
        in that same transaction. Killed before the switch, the store keeps the old
        version and :func:`open_store` drops the leftovers; killed after, it holds the new.

        ``check``, if given, is called with each graph's name and where its new content
        lies, before the switch; if it raises, the new content is dropped and the store is
        as it was. ``progress`` receives a line as each step starts. ``files`` maps graphs
        to N-Triples files read by pyoxigraph's own file loader (about a quarter faster
        than quads handed over from Python) in addition to ``quads()``. The caller must
        have checked the syntax already. Returns each graph's triple count.
        """
        say = progress or (lambda _line: None)
        for name in graphs:
            check_graph_name(name)
        for name in stale:
            check_graph_name(name)
        archive(self, graphs)  # the version replaced stays answerable with --as-of
        token = new_revision()
        where: dict[str, str] = {}
        for i, name in enumerate(graphs):
            holds = any(
                True for _ in self.db.quads_for_pattern(None, None, None, ox.NamedNode(name))
            )
            where[name] = f"{BULK_PENDING_PREFIX}{token}/{i}" if holds else name
        in_place = [name for name in graphs if where[name] == name]
        if in_place:
            marks = " ".join(f"<{n}> <{BULK_PENDING}> {ox.Literal(token)} ." for n in in_place)
            self._update(f"INSERT DATA {{ GRAPH <{META.value}> {{ {marks} }} }}")
        targets = {name: ox.NamedNode(where[name]) for name in graphs}
        say(
            f"bulk: writing the new version of {len(graphs)} graph(s) beside the old "
            f"({len(graphs) - len(in_place)} replaced, {len(in_place)} new)"
        )

        def renamed() -> Iterator[ox.Quad]:
            for q in quads():
                target = (
                    targets.get(q.graph_name.value)
                    if isinstance(q.graph_name, ox.NamedNode)
                    else None
                )
                yield q if target is None else ox.Quad(q.subject, q.predicate, q.object, target)

        try:
            try:
                # Every graph filled in place: the quads go to the loader untouched.
                self.db.bulk_extend(renamed() if len(in_place) < len(graphs) else quads())
                for name, path in (files or {}).items():
                    self.db.bulk_load(
                        path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=targets[name]
                    )
            except SyntaxError as exc:  # the caller checked, but a file may change under us
                raise StoreError(
                    f"bulk load into {self.location} stopped: {exc}; nothing was replaced"
                ) from exc
            except OSError as exc:
                raise StoreError(
                    f"bulk load into {self.location} failed: {exc}; nothing was replaced"
                ) from exc
            counts = {name: self._count(where[name]) for name in graphs}
            if check is not None:
                say("bulk: checking the new version before switching to it")
                check(dict(where))
        except BaseException:
            self.drop_bulk_leftovers()  # the old versions are untouched: drop the new
            raise
        now = datetime.now(UTC).replace(microsecond=0)
        request: list[str] = []
        for name in graphs:
            tmp = where[name]
            if tmp != name:
                request.append(
                    f"DELETE {{ GRAPH <{name}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{name}> "
                    f"{{ ?s ?p ?o }} MINUS {{ GRAPH <{tmp}> {{ ?s ?p ?o }} }} }}"
                )
                request.append(
                    f"INSERT {{ GRAPH <{name}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{tmp}> "
                    f"{{ ?s ?p ?o }} MINUS {{ GRAPH <{name}> {{ ?s ?p ?o }} }} }}"
                )
            request.append(meta_delete(name))  # also clears its pending mark
        for name in stale:
            request.append(
                f"DELETE WHERE {{ GRAPH <{META.value}> {{ <{name}> <{META_PREDICATES['stale']}> ?o }} }}"
            )
        extra = [
            ox.Triple(ox.NamedNode(name), ox.NamedNode(flag), ox.Literal(True))
            for name in graphs
            for flag in flags
        ]
        request.append(
            "INSERT DATA { "
            + "\n".join(
                meta_insert(
                    name,
                    counts[name],
                    now,
                    (meta or {}).get(name, {}).get("source"),
                    (meta or {}).get(name, {}).get("title"),
                    new_revision(),
                )
                for name in graphs
            )
            + f"\n{DERIVED_STALE}"
            + (f"\nGRAPH <{META.value}> {{ {nt(stale_marks(stale))} }}" if stale else "")
            + (f"\nGRAPH <{META.value}> {{ {nt(extra)} }}" if extra else "")
            + " }"
        )
        say(f"bulk: switching to the new version ({sum(counts.values()):,} triples)")
        self._update(" ;\n".join(request))  # the switch: old or new, never between
        say("bulk: switched; dropping the temporary graphs")
        self.drop_bulk_leftovers()
        say("bulk: updating the derived facts")
        self.refresh_derived()
        return counts

    def drop_bulk_leftovers(self) -> list[str]:
        """Remove what an interrupted :meth:`bulk_replace` wrote; return the graphs concerned.

        The temporary graphs of new versions are removed, and a graph that was being
        filled in place (marked pending) loses its partial content: each keeps its
        previous version. The mark goes last, so a run killed here is finished by the
        next open.
        """
        done: list[str] = []
        for g in list(self.db.named_graphs()):
            if isinstance(g, ox.NamedNode) and g.value.startswith(BULK_PENDING_PREFIX):
                self.db.remove_graph(g)
                done.append(g.value)
        pending = ox.NamedNode(BULK_PENDING)
        for q in list(self.db.quads_for_pattern(None, pending, None, META)):
            if isinstance(q.subject, ox.NamedNode):
                self.db.remove_graph(q.subject)
                self.db.remove(q)
                done.append(q.subject.value)
        return done
