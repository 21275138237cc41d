"""Where text and marks go on a static map: labels that never overlap, markers that do not
hide each other, a scale bar and coordinate ticks, reference towns.

All of it works in pixels of the final picture. Label boxes are estimated from the font
size (DejaVu Sans averages ~0.6 em per character), so a label is given a little more room
than it needs; the browser tests measure the real boxes.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

Box = tuple[float, float, float, float]  # x0, y0, x1, y1

#: Average advance of a character, in em, for the sans-serif the pictures use.
EM_PER_CHAR = 0.62


def text_width(text: str, size: float) -> float:
    """Estimated width in pixels of ``text`` at ``size`` px."""
    return EM_PER_CHAR * size * len(text) + 2


def overlaps(a: Box, b: Box) -> bool:
    """Whether two boxes share any area."""
    return not (a[2] <= b[0] or a[0] >= b[2] or a[3] <= b[1] or a[1] >= b[3])


@dataclass
class Placed:
    """A label the placer accepted: its box and the baseline of its first line."""

    box: Box
    x: float
    y: float
    anchor: str


class LabelPlacer:
    """Places labels around points so that no two labels overlap.

    Labels are hard obstacles for each other; markers and lines are soft ones: of the
    candidate spots around a point, the first that covers no mark wins, else (when
    ``allow_cover``) the one that covers the least, else the label is dropped.
    """

    #: Side of the grid cells marks are filed in, in pixels: a label's candidate spot is
    #: checked against the marks of the cells it touches, not all of them (a timeline of
    #: 10k events has thousands of marks).
    CELL = 32.0

    def __init__(self, bounds: Box):
        self.bounds = bounds
        self.labels: list[Box] = []
        self.marks: list[Box] = []
        self._grid: dict[tuple[int, int], list[int]] = {}

    def _cells(self, box: Box) -> list[tuple[int, int]]:
        c = self.CELL
        return [
            (i, j)
            for i in range(math.floor(box[0] / c), math.floor(box[2] / c) + 1)
            for j in range(math.floor(box[1] / c), math.floor(box[3] / c) + 1)
        ]

    def add_mark(self, box: Box) -> None:
        """A marker or symbol labels should avoid."""
        self.marks.append(box)
        k = len(self.marks) - 1
        for cell in self._cells(box):
            self._grid.setdefault(cell, []).append(k)

    def _covered(self, box: Box) -> int:
        """How many marks ``box`` overlaps."""
        near = {k for cell in self._cells(box) for k in self._grid.get(cell, ())}
        return sum(1 for k in near if overlaps(box, self.marks[k]))

    def add_segment(self, a: tuple[float, float], b: tuple[float, float], width: float = 3) -> None:
        """A line labels should avoid (kept as small boxes along it)."""
        n = max(1, int(math.dist(a, b) // 6))
        for k in range(n + 1):
            x = a[0] + (b[0] - a[0]) * k / n
            y = a[1] + (b[1] - a[1]) * k / n
            self.add_mark((x - width, y - width, x + width, y + width))

    def add_label_box(self, box: Box) -> None:
        """Text drawn elsewhere (a title, a legend) that no label may cover."""
        self.labels.append(box)

    def _inside(self, box: Box) -> bool:
        b = self.bounds
        return box[0] >= b[0] and box[1] >= b[1] and box[2] <= b[2] and box[3] <= b[3]

    def place(
        self,
        x: float,
        y: float,
        r: float,
        lines: list[str],
        size: float,
        *,
        allow_cover: bool = False,
        above_first: bool = False,
    ) -> Placed | None:
        """A spot for ``lines`` next to a mark of radius ``r`` at (x, y), or ``None``."""
        w = max(text_width(t, size) for t in lines)
        h = size * 1.2 * len(lines)
        gap = r + 3
        candidates = [
            (x + gap, y - h / 2, "start"),  # right
            (x - gap - w, y - h / 2, "start"),  # left
            (x - w / 2, y - gap - h, "start"),  # above
            (x - w / 2, y + gap, "start"),  # below
            (x + gap * 0.7, y - gap * 0.7 - h, "start"),  # above right
            (x + gap * 0.7, y + gap * 0.7, "start"),  # below right
            (x - gap * 0.7 - w, y - gap * 0.7 - h, "start"),  # above left
            (x - gap * 0.7 - w, y + gap * 0.7, "start"),  # below left
        ]
        if above_first:
            candidates.insert(0, candidates.pop(2))
        best: tuple[int, Box] | None = None
        for bx, by, _anchor in candidates:
            box = (bx, by, bx + w, by + h)
            if not self._inside(box) or any(overlaps(box, o) for o in self.labels):
                continue
            covered = self._covered(box)
            if covered == 0:
                best = (0, box)
                break
            if allow_cover and (best is None or covered < best[0]):
                best = (covered, box)
        if best is None:
            return None
        box = best[1]
        self.labels.append(box)
        return Placed(box, box[0], box[1] + size * 0.95, "start")


def dodge(
    points: list[tuple[float, float]], radii: list[float], *, rounds: int = 60
) -> list[tuple[float, float]]:
    """Pixel offsets that push apart markers whose discs overlap, so none hides another.

    A few rounds of pairwise repulsion; a marker moves at most about its own radius, so it
    stays next to its place (Niono and Molodo, 4 km apart, end up side by side).
    """
    n = len(points)
    off = [[0.0, 0.0] for _ in range(n)]
    if n < 2 or n > 400:
        return [(0.0, 0.0)] * n
    for _ in range(rounds):
        moved = False
        for i in range(n):
            for j in range(i + 1, n):
                xi, yi = points[i][0] + off[i][0], points[i][1] + off[i][1]
                xj, yj = points[j][0] + off[j][0], points[j][1] + off[j][1]
                need = radii[i] + radii[j] + 1.5
                d = math.hypot(xj - xi, yj - yi)
                if d >= need:
                    continue
                if d < 1e-6:  # same spot: split along a fixed direction per pair
                    a = (i * 7 + j * 13) % 12 * math.pi / 6
                    ux, uy = math.cos(a), math.sin(a)
                else:
                    ux, uy = (xj - xi) / d, (yj - yi) / d
                push = (need - d) / 2
                off[i][0] -= ux * push
                off[i][1] -= uy * push
                off[j][0] += ux * push
                off[j][1] += uy * push
                moved = True
        if not moved:
            break
    return [(round(x, 1), round(y, 1)) for x, y in off]


def nice_length(max_km: float) -> float:
    """The largest of 1, 2, 5 × 10ⁿ km not above ``max_km``."""
    if max_km <= 0:
        return 0.0
    exp = math.floor(math.log10(max_km))
    for m in (5, 2, 1):
        if m * 10**exp <= max_km:
            return float(m * 10**exp)
    return float(10**exp)


def tick_step(span_deg: float) -> float:
    """Degrees between coordinate ticks for a map spanning ``span_deg``."""
    for step in (0.5, 1, 2, 5, 10):
        if span_deg / step <= 8:
            return float(step)
    return 20.0


def degrees(value: float, pos: str, neg: str) -> str:
    """``-1.5, "E", "W"`` → "1.5°W"."""
    text = f"{abs(value):g}°"
    return text + (pos if value > 0 else neg if value < 0 else "")


@dataclass(frozen=True)
class Town:
    """A reference town drawn for orientation (not an event place)."""

    name: str
    country: str
    lon: float
    lat: float
    capital: bool


@lru_cache(maxsize=1)
def reference_towns() -> tuple[Town, ...]:
    """Capitals and regional capitals of the Sahel (``kg/viz/data/towns.csv``)."""
    text = files("kg.viz").joinpath("data/towns.csv").read_text("utf-8")
    return tuple(
        Town(r["name"], r["country"], float(r["lon"]), float(r["lat"]), r["kind"] == "capital")
        for r in csv.DictReader(text.splitlines())
    )
