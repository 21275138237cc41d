"""What the engine does to a shape's SPARQL text before Oxigraph runs it.

* ``$this`` becomes ``?this`` (:func:`dollar`): the same variable in SPARQL;
* ``$this`` is pre-bound with a ``VALUES`` block in every WHERE group that uses it
  (:func:`prebind`), as SHACL's pre-binding says;
* each WHERE group's parts run as sub-selects joined whole (:func:`join_order`), which
  Oxigraph scans once and hash-joins instead of looking a triple up per row.

None of these changes an answer; ``tests/test_validate_scale.py`` compares the rows.

>>> dollar("SELECT $this WHERE { $this a ?c }")
'SELECT ?this WHERE { ?this a ?c }'
>>> prebind("SELECT ?this WHERE { ?this a ?c }", "VALUES ?this { <urn:x> }")
'SELECT ?this WHERE { VALUES ?this { <urn:x> }  ?this a ?c }'
"""

from __future__ import annotations

import re

from kg.validation.sparql.findings import Unsupported


def as_subquery(select: str) -> str:
    """A target's SELECT as a sub-select: ``?this``, joins in Oxigraph's fast order."""
    # A target's SELECT may carry no PREFIX lines of its own (they come from sh:prefixes);
    # as a sub-select it needs none.
    return join_order(dollar(select).strip())


def dollar(text: str) -> str:
    """``text`` with every ``$var`` written ``?var``."""
    # $this and ?this are the same variable in SPARQL; ?this reads the same everywhere.
    return re.sub(r"\$(\w+)", r"?\1", text)


def prebind(select: str, values: str) -> str:
    """``select`` with ``values`` (binding ?this) at the top of every WHERE group using ?this.

    This is SHACL's pre-binding of $this: the spec requires every sub-select that mentions
    $this to project it, so restricting the sub-select too changes no answer, and Oxigraph
    then starts each sub-select from the focus nodes instead of the whole store.
    """
    spots = []
    for m in re.finditer(r"\bWHERE\s*\{", select, flags=re.IGNORECASE):
        end = _closing_brace(select, m.end() - 1)
        if re.search(r"[?$]this\b", select[m.end() : end]):
            spots.append(m.end())
    if not spots:
        raise Unsupported("an sh:select whose WHERE group does not use $this")
    for pos in reversed(spots):
        select = select[:pos] + " " + values + " " + select[pos:]
    return select


def _closing_brace(text: str, start: int) -> int:
    """The index of the brace closing the one at ``start`` (strings and comments skipped)."""
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c == "#":
            nl = text.find("\n", i)
            i = len(text) if nl < 0 else nl
        elif c in "\"'":
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise Unsupported("an sh:select with unbalanced braces")


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<blank>_:|\[)
  | (?P<number>[+-]?(?:[0-9]+\.[0-9]+|[0-9]+|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[A-Za-z_][\w\-]*(?::(?:[\w\-:%]|\.(?=[\w\-:%]))*)?|:(?:[\w\-:%]|\.(?=[\w\-:%]))*)
  | (?P<punct>[{}().;,])
  | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)

#: Keywords that start a group element other than triples (order matters around them).
_BARRIERS = {"OPTIONAL", "MINUS", "GRAPH", "SERVICE", "BIND", "VALUES"}


class _NoRewrite(Exception):
    """The text uses syntax the join-order rewrite does not handle: keep it as written."""


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        if kind == "blank":
            raise _NoRewrite("blank nodes in the query")
        out.append((kind, m.group(), m.start()))
    return out


def _match(tokens: list[tuple[str, str, int]], i: int) -> int:
    """Index of the token closing the bracket at ``tokens[i]``."""
    pairs = {"{": "}", "(": ")"}
    opening = tokens[i][1]
    depth = 0
    for j in range(i, len(tokens)):
        t = tokens[j][1]
        if tokens[j][0] != "punct":
            continue
        if t == opening:
            depth += 1
        elif t == pairs[opening]:
            depth -= 1
            if depth == 0:
                return j
    raise _NoRewrite("unbalanced brackets")


def join_order(select: str) -> str:
    """``select`` with each WHERE group's parts run as sub-selects and joined whole.

    Oxigraph evaluates a group of triple patterns as index nested loops, one RocksDB
    lookup per row; from a pattern with 200,000 rows (every role of every actor) that is
    seconds to minutes. The same group written as sub-selects — each connected set of
    triple patterns, each ``{…} UNION {…}`` — is scanned once per part and hash-joined:
    37.6 s against 1.2 s for ``ckgsh:BeforeFoundingShape``'s target on 100k events.
    The answer is the same: a group is the join of its parts, a part's sub-select
    projects all its variables (``SELECT *``) and keeps duplicates, FILTERs still apply
    to the whole group, and OPTIONAL, MINUS, BIND and VALUES stay where they were (what
    precedes them is unchanged as a join). Text with blank nodes, or syntax this reader
    does not know, is returned as written.
    """
    try:
        return _rewrite_selects(select)
    except _NoRewrite:
        return select


def _rewrite_selects(text: str) -> str:
    tokens = _tokens(text)
    # Every "WHERE {" at any depth; rewrite the innermost first (from the end).
    spots = [
        i + 1
        for i, (kind, value, _pos) in enumerate(tokens[:-1])
        if kind == "word" and value.upper() == "WHERE" and tokens[i + 1][1] == "{"
    ]
    if not spots:
        raise _NoRewrite("no WHERE group")
    # Rewriting the outermost group rewrites the sub-selects inside it (recursively).
    outer = spots[0]
    end = _match(tokens, outer)
    start_pos, end_pos = tokens[outer][2], tokens[end][2]
    body = text[start_pos + 1 : end_pos]
    rewritten = _rewrite_group(body)
    if rewritten == body:
        return text
    return text[: start_pos + 1] + " " + rewritten + " " + text[end_pos:]


def _rewrite_group(body: str) -> str:
    tokens = _tokens(body)
    # Elements: ("join", text, vars) for joinable parts, ("keep", text, None) otherwise.
    elements: list[tuple[str, str, set[str] | None]] = []
    statements: list[tuple[str, set[str], bool]] = []

    def flush() -> None:
        # A part made only of paths that may have length zero (p*, p?) is left in place:
        # alone it would bind every node of the graph to itself.
        if statements:
            for text, variables, anchored in _components(statements):
                elements.append(("join" if anchored else "keep", text, variables))
            statements.clear()

    def span(a: int, b: int) -> str:
        return body[tokens[a][2] : tokens[b][2] + len(tokens[b][1])]

    nested_change = False
    i = 0
    while i < len(tokens):
        kind, value, _pos = tokens[i]
        upper = value.upper() if kind == "word" else value
        if value == "{":
            flush()
            j = _match(tokens, i)
            originals = [body[tokens[i][2] + 1 : tokens[j][2]]]
            while j + 2 < len(tokens) and tokens[j + 1][1].upper() == "UNION":
                k = _match(tokens, j + 2)
                originals.append(body[tokens[j + 2][2] + 1 : tokens[k][2]])
                j = k
            parts = [_rewrite_branch(p) for p in originals]
            sub = len(parts) == 1 and re.match(r"\s*SELECT\b", parts[0], re.IGNORECASE)
            text = " UNION ".join("{" + p + "}" for p in parts)
            nested_change = nested_change or parts != originals
            elements.append(("keep" if sub else "join", text, None))
            i = j + 1
        elif kind == "word" and upper == "FILTER":
            flush()
            j = i + 1
            while j < len(tokens) and tokens[j][1] not in ("(", "{"):
                j += 1  # FILTER NOT EXISTS {…}, FILTER regex(…)
            if j >= len(tokens):
                raise _NoRewrite("a FILTER without its expression")
            j = _match(tokens, j)
            elements.append(("keep", span(i, j), None))
            i = j + 1
        elif kind == "word" and upper in _BARRIERS:
            flush()
            j = i + 1
            while j < len(tokens) and tokens[j][1] not in ("(", "{"):
                j += 1
            if j >= len(tokens):
                raise _NoRewrite(f"{upper} without its group")
            j = _match(tokens, j)
            if upper == "VALUES" and tokens[j][1] == ")":  # VALUES (?a ?b) { … }
                j = _match(tokens, j + 1)
            elements.append(("keep", span(i, j), None))
            i = j + 1
        elif value == ".":
            i += 1
        elif kind == "punct" and value in "})":
            raise _NoRewrite("unbalanced brackets")
        else:
            # One triples statement: up to a '.' (or the next element) outside brackets.
            j = i
            while j < len(tokens):
                v = tokens[j][1]
                if v in ("(", "{") and tokens[j][0] == "punct":
                    if v == "{":
                        break
                    j = _match(tokens, j) + 1
                    continue
                if v == "." or (tokens[j][0] == "word" and v.upper() in (_BARRIERS | {"FILTER"})):
                    break
                j += 1
            variables = {v[1:] for k, v, _p in tokens[i:j] if k == "var"}
            anchored = not any(k == "other" and v in "*?" for k, v, _p in tokens[i:j])
            statements.append((span(i, j - 1), variables, anchored))
            i = j
    flush()
    joinable = sum(1 for kind, _t, _v in elements if kind == "join")
    if joinable < 2:
        return "\n".join(text for _kind, text, _v in elements) if nested_change else body
    out = []
    for kind, text, _vars in elements:
        if kind == "join":
            out.append(f"{{ SELECT * WHERE {{ {text} }} }}")
        else:
            out.append(text)
    return "\n".join(out)


def _rewrite_branch(body: str) -> str:
    """A braced group's body: a sub-select is rewritten inside, a group in place."""
    if re.match(r"\s*SELECT\b", body, re.IGNORECASE):
        return _rewrite_selects(body)
    return _rewrite_group(body)


def _components(
    statements: list[tuple[str, set[str], bool]],
) -> list[tuple[str, set[str], bool]]:
    """Triples statements grouped by shared variables, in order of first appearance; a
    group is anchored when one of its statements has no path of possible length zero."""
    groups: list[tuple[list[str], set[str], list[bool]]] = []
    for text, variables, anchored in statements:
        joined = [g for g in groups if g[1] & variables]
        if not joined:
            groups.append(([text], set(variables), [anchored]))
            continue
        first = joined[0]
        first[0].append(text)
        first[1].update(variables)
        first[2].append(anchored)
        for other in joined[1:]:
            first[0].extend(other[0])
            first[1].update(other[1])
            first[2].extend(other[2])
            groups.remove(other)
    return [(" . ".join(texts) + " .", variables, any(a)) for texts, variables, a in groups]
