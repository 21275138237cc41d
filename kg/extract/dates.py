"""Reading dates in report text, relative to the document's date, each with its precision.

One compiled regular expression finds the forms reports and news notes use: "on July 1",
"1 August 2020", "September 17, 2024", "January 6-7", "June 1 and 5", "July 2025",
"in 2012", "2012-2013", "from 2005 to 2011", "last year", "2020-08-01", "13/02/2014". A day and month
without a year take the year of the reference (the document's date): the latest such day
on or before it when the reference has a day, else the reference's year. A regex reader is
used rather than dateparser because batch mode reads hundreds of notes per second.

>>> ref = Reference(2025, 7, 10)
>>> [(str(m.spans[0][0]), str(m.spans[0][1]), m.precision) for m in find_dates("On July 1, JNIM attacked", ref)]
[('2025-07-01', '2025-07-01', 'day')]
>>> [(str(a), str(b)) for m in find_dates("The January 6-7 attack", ref) for a, b in m.spans]
[('2025-01-06', '2025-01-07')]
>>> [str(m.spans[0][0]) for m in find_dates("a sit-in from 13/02/2014 to 17/02/2014", ref)]
['2014-02-13', '2014-02-17']
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

#: The months' English names, January first.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ABBREVIATIONS = {"September": ("sep", "sept")}
#: Month names and abbreviations (lower case) → month number.
MONTHS = {
    name: number
    for number, month in enumerate(MONTH_NAMES, start=1)
    for name in (month.lower(), *_ABBREVIATIONS.get(month, (month[:3].lower(),)))
}

_M = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_D = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_Y = r"(?:1[89]\d\d|20\d\d)"
_DASH = r"\s*[-–—]\s*"

_PATTERN = re.compile(
    r"\b(?:"
    rf"(?P<iso>{_Y})-(?P<iso_m>[01]\d)-(?P<iso_d>[0-3]\d)"
    # 13/02/2014, 5/12/00, 13.02.2014: day first, as French-language sources write it
    r"|(?P<num_a>[0-3]?\d)(?P<num_sep>[/.])(?P<num_b>[01]?\d)(?P=num_sep)"
    r"(?P<num_y>(?:19|20)\d\d|\d\d)(?![\d/.]\d)"
    # 6-7 January 2025 / 1 and 5 June / 1 August 2020
    rf"|(?P<dm_d1>{_D})(?:(?P<dm_sep>{_DASH}|\s+(?:and|&)\s+)(?P<dm_d2>{_D}))?\s+(?P<dm_m>{_M})(?:,?\s+(?P<dm_y>{_Y}))?"
    # January 6-7, 2025 / June 1 and 5 / September 17, 2024
    # (an abbreviation's dot may stand for the space: "Mar.28")
    rf"|(?P<md_m>{_M})(?:\s+|(?<=\.))(?P<md_d1>{_D})(?:(?P<md_sep>{_DASH}|\s+(?:and|&)\s+)(?P<md_d2>{_D}))?(?!\d)(?:,?\s+(?P<md_y>{_Y}))?"
    # July 2025
    rf"|(?P<my_m>{_M})\s+(?:of\s+)?(?P<my_y>{_Y})"
    # 2012-2013 / 2005 to 2011
    rf"|(?P<yy_1>{_Y})(?:{_DASH}|\s+to\s+|\s+and\s+)(?P<yy_2>{_Y}|\d\d)(?!\d)"
    rf"|(?P<y>{_Y})(?![\d-])"
    r"|(?P<rel>last\s+year|this\s+year|last\s+month|this\s+month|yesterday|today)"
    r")\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Reference:
    """The document's date: a year, and a month and day when known."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        """``day``, ``month`` or ``year``."""
        return "day" if self.day else "month" if self.month else "year"

    def __str__(self) -> str:
        if self.day and self.month:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @classmethod
    def parse(cls, text: str) -> Reference:
        """``2025-07-10``, ``2025-07`` or ``2025``; raises ValueError otherwise."""
        m = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*", text)
        if not m:
            raise ValueError(f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(3) else None
        date(year, month or 1, day or 1)  # raises ValueError on 2025-13 or 2025-02-30
        return cls(year, month, day)


@dataclass(frozen=True)
class DateMention:
    """A date expression: where it is, the interval(s) it names, and their precision."""

    start: int
    end: int
    text: str
    spans: tuple[tuple[date, date], ...]
    precision: str  # day, month or year
    #: "explicit" when the text gave the year, "relative" when it came from the reference.
    basis: str = "explicit"


def find_dates(text: str, ref: Reference | None) -> list[DateMention]:
    """Every date expression in ``text``, read relative to ``ref`` (None: only full dates)."""
    found = []
    for m in _PATTERN.finditer(text):
        mention = _read(m, ref)
        if mention is not None:
            found.append(mention)
    return found


def _read(m: re.Match[str], ref: Reference | None) -> DateMention | None:
    g = m.group
    try:
        if g("iso"):
            d = date(int(g("iso")), int(g("iso_m")), int(g("iso_d")))
            return _mention(m, ((d, d),), "day")
        if g("num_a"):
            return _numeric(m)
        for prefix in ("dm", "md"):
            if g(f"{prefix}_m"):
                month = MONTHS[g(f"{prefix}_m").lower().rstrip(".")]
                d1 = _day(g(f"{prefix}_d1"))
                d2 = _day(g(f"{prefix}_d2")) if g(f"{prefix}_d2") else None
                year_text = g(f"{prefix}_y")
                if year_text:
                    year, basis = int(year_text), "explicit"
                elif ref is not None:
                    year, basis = _year_for(month, d2 or d1, ref), "relative"
                else:
                    return None
                sep = g(f"{prefix}_sep") or ""
                spans: tuple[tuple[date, date], ...]
                if d2 is None:
                    spans = ((date(year, month, d1), date(year, month, d1)),)
                elif re.search(r"and|&", sep):
                    spans = tuple((date(year, month, d), date(year, month, d)) for d in (d1, d2))
                else:
                    spans = ((date(year, month, d1), date(year, month, d2)),)
                return _mention(m, spans, "day", basis)
        if g("my_m"):
            month = MONTHS[g("my_m").lower().rstrip(".")]
            return _mention(m, (_month_span(int(g("my_y")), month),), "month")
        if g("yy_1"):
            y1 = int(g("yy_1"))
            y2_text = g("yy_2")
            y2 = int(y2_text) if len(y2_text) == 4 else (y1 // 100) * 100 + int(y2_text)
            if y2 < y1:
                return None
            return _mention(m, ((date(y1, 1, 1), date(y2, 12, 31)),), "year")
        if g("y"):
            y = int(g("y"))
            return _mention(m, ((date(y, 1, 1), date(y, 12, 31)),), "year")
        if g("rel") and ref is not None:
            return _relative(m, ref)
    except ValueError:
        return None  # "February 30": not a date
    return None


def _numeric(m: re.Match[str]) -> DateMention:
    """ "13/02/2014": day first unless the first number cannot be a month's day order
    ("02/13/2014" is read month first); a two-digit year is 19xx from 50 on, else 20xx."""
    a, b, y = int(m.group("num_a")), int(m.group("num_b")), m.group("num_y")
    year = int(y) if len(y) == 4 else (1900 if int(y) >= 50 else 2000) + int(y)
    day, month = (b, a) if b > 12 and a <= 12 else (a, b)
    d = date(year, month, day)  # ValueError on 31/02: not a date
    return _mention(m, ((d, d),), "day")


def _mention(
    m: re.Match[str], spans: tuple[tuple[date, date], ...], precision: str, basis: str = "explicit"
) -> DateMention:
    return DateMention(m.start(), m.end(), m.group(0), spans, precision, basis)


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group(0))  # type: ignore[union-attr]


def _year_for(month: int, day: int, ref: Reference) -> int:
    # The latest such day on or before the reference; with a year-only reference, its year.
    if ref.month is None:
        return ref.year
    if (month, day) > (ref.month, ref.day or 31):
        return ref.year - 1
    return ref.year


def _month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _relative(m: re.Match[str], ref: Reference) -> DateMention | None:
    word = " ".join(m.group("rel").lower().split())
    if word == "last year":
        y = ref.year - 1
        return _mention(m, ((date(y, 1, 1), date(y, 12, 31)),), "year", "relative")
    if word == "this year":
        y = ref.year
        return _mention(m, ((date(y, 1, 1), date(y, 12, 31)),), "year", "relative")
    if ref.month is None:
        return None
    if word in ("last month", "this month"):
        y, mo = ref.year, ref.month
        if word == "last month":
            y, mo = (y - 1, 12) if mo == 1 else (y, mo - 1)
        return _mention(m, (_month_span(y, mo),), "month", "relative")
    if ref.day is None:
        return None
    from datetime import timedelta

    d = date(ref.year, ref.month, ref.day) - timedelta(days=1 if word == "yesterday" else 0)
    return _mention(m, ((d, d),), "day", "relative")


def document_reference(text: str) -> Reference | None:
    """The document's date as far as its text tells: the latest full date or year it names.

    A full date (day, month and year) gives a day reference; a later year named without a
    day ("now, in 2025") gives a year reference for that year. None when neither occurs.
    """
    latest_day: date | None = None
    latest_year: int | None = None
    for mention in find_dates(text, None):
        for _begin, end in mention.spans:
            if mention.precision == "day":
                latest_day = end if latest_day is None or end > latest_day else latest_day
            if latest_year is None or end.year > latest_year:
                latest_year = end.year
    if latest_day is not None and (latest_year is None or latest_year <= latest_day.year):
        return Reference(latest_day.year, latest_day.month, latest_day.day)
    if latest_year is not None:
        return Reference(latest_year)
    return None
