"""Reading an ACLED file: its layout (from the header), its dates, its graph and lines.

Four layouts are told apart by the header; see :mod:`kg.importers.acled`.
"""

from __future__ import annotations

import calendar
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from kg.resolve import slug
from kg.terms import GRAPH

_COLUMN_SYNONYMS = {
    "ally_actor_1": "assoc_actor_1",
    "ally_actor_2": "assoc_actor_2",
    # actor-based (monadic) exports name their one actor column without a number
    "actor": "actor1",
    "assoc_actor": "assoc_actor_1",
    "inter": "inter1",
}
REQUIRED_COLUMNS = ("event_id_cnty", "event_date", "event_type", "actor1", "country", "location")
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WORD_DATE = re.compile(r"^(\d{1,2})[ -]([A-Za-z]+)\.?[ -](\d{4})$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class Layout:
    """The columns of one ACLED file and which layout they are."""

    name: str
    columns: dict[str, int]
    hxl_row: bool
    legacy: bool = False  # legacy event types, no sub_event_type
    actor_based: bool = False  # one row per actor of an event, no actor2 columns


def detect_layout(header: Sequence[str], second: Sequence[str] | None) -> Layout:
    """Tell the layout from the header and the second line (HXL hashtags or data)."""
    columns: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff").lower()
        name = _COLUMN_SYNONYMS.get(name, name)
        columns.setdefault(name, i)
    hxl = (
        bool(second)
        and all(cell.strip() == "" or cell.strip().startswith("#") for cell in second or ())
        and any(cell.strip().startswith("#") for cell in second or ())
    )
    legacy = "sub_event_type" not in columns
    actor_based = "actor2" not in columns
    if legacy:
        name = "legacy"
    elif {"disorder_type", "civilian_targeting", "tags"} & columns.keys():
        name = "current"
    elif hxl:
        name = "hdx"
    else:
        name = "standard"
    if actor_based:
        name = "actor-based" + (" (legacy types)" if legacy else f" ({name})")
    return Layout(name, columns, hxl, legacy, actor_based)


def parse_date(text: str, cache: dict[str, date | None]) -> date | None:
    """ACLED's event date in any of the accepted spellings; None when it is not a date."""
    found = cache.get(text, False)
    if found is not False:
        return found  # type: ignore[return-value]
    value: date | None = None
    stripped = text.strip()
    try:
        if len(stripped) == 10 and stripped[4] == "-" and stripped[7] == "-":
            value = date.fromisoformat(stripped)
        elif (m := _WORD_DATE.match(stripped)) is not None:
            month = _MONTHS.get(m.group(2).lower())
            value = date(int(m.group(3)), month, int(m.group(1))) if month else None
        elif (m := _SLASH_DATE.match(stripped)) is not None:
            value = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        value = None
    cache[text] = value
    return value


def date_interval(day: date, precision: str) -> tuple[date, date]:
    """The inclusive interval a date of ACLED ``time_precision`` 1, 2 or 3 stands for."""
    if precision == "2":
        return day - timedelta(days=3), day + timedelta(days=3)
    if precision == "3":
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    return day, day


class CountingReader(io.RawIOBase):
    """A binary reader that counts the bytes read, for progress and ETA."""

    def __init__(self, raw: io.BufferedReader) -> None:
        self.raw = raw
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = self.raw.readinto(buffer)
        self.done += n or 0
        return n or 0

    def close(self) -> None:
        self.raw.close()
        super().close()


def dataset_slug_for(path: Path) -> str:
    """The slug of a file's dataset node, ``acled-<file-stem>`` (``acled`` not repeated)."""
    stem = slug(path.stem)
    return stem if stem.startswith("acled") else "acled-" + stem


def graph_for(path: Path) -> str:
    """The named graph an ACLED file goes into: ``graph/import/acled/<file-stem>``."""
    return str(GRAPH[f"import/acled/{slug(path.stem)}"])


def swallowed_lines(
    row: list[str], header: list[str], width: int, line: int, last_line: int
) -> str | None:
    """Why a record that spans lines is a quote left open, or None when it is not one.

    A quoted field may hold line breaks (ACLED notes sometimes do), but when the record
    then has the wrong number of fields, or a line inside the field looks like a row of
    its own, a quote was opened and not closed: the lines after it were read into one
    field. The message names the line where the quote opened and the lines it swallowed.
    """
    at = next((i for i, value in enumerate(row) if "\n" in value or "\r" in value), None)
    if at is None:
        return None
    inside = row[at].splitlines()[1:]
    looks_like_rows = any(part.count(",") >= width // 2 for part in inside)
    if len(row) == width and not looks_like_rows:
        return None
    column = header[at].strip() if at < len(header) else f"field {at + 1}"
    if last_line <= line:
        return (
            f"a quote opened on this line (in {column}) is not closed before the end of the "
            "file: the rest of the line was read into that one field; close the quote"
        )
    return (
        f"a quote opened on this line (in {column}) is not closed until line {last_line}: "
        f"lines {line + 1}-{last_line} were read into that one field and not imported; "
        'close the quote (a quote inside a quoted field is written "")'
    )
