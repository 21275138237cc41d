"""A tiny drawing model with two painters: SVG text, and PNG through matplotlib.

Maps and timelines are laid out once, in pixels, as a :class:`Scene` of shapes; the same
scene becomes an SVG file (written directly, so it is small, text-searchable and needs
nothing) or a PNG (painted with matplotlib's Agg backend, no display needed). Shapes may
carry ``cls``/``data`` attributes, which only the SVG painter writes: the HTML pages use
them to find markers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Literal, TypedDict, Unpack

Anchor = Literal["start", "middle", "end"]

#: What :meth:`Scene.write` writes, by file extension.
PICTURE_SUFFIXES = (".svg", ".png")


@dataclass
class Shape:
    """One drawable: ``kind`` is path, circle, line, polyline, rect or text."""

    kind: str
    points: list[tuple[float, float]] = field(default_factory=list)
    r: float = 0.0
    w: float = 0.0
    h: float = 0.0
    text: str = ""
    fill: str | None = None
    stroke: str | None = None
    stroke_width: float = 1.0
    opacity: float = 1.0
    dash: str | None = None
    size: float = 12.0
    anchor: Anchor = "start"
    weight: str = "normal"
    cls: str | None = None
    data: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    closed_rings: list[list[tuple[float, float]]] = field(default_factory=list)
    halo: bool = False  # text: a white outline so it stays legible over lines


class Style(TypedDict, total=False):
    """How a shape is painted: the keywords :class:`Scene`'s drawing methods take."""

    fill: str | None
    stroke: str | None
    stroke_width: float
    opacity: float
    dash: str | None
    size: float
    anchor: Anchor
    weight: str
    cls: str | None
    data: dict[str, str]
    title: str | None
    halo: bool


@dataclass
class Scene:
    """Shapes on a canvas of ``width`` × ``height`` pixels, painted in order."""

    width: int
    height: int
    background: str = "#ffffff"
    shapes: list[Shape] = field(default_factory=list)
    title: str = ""

    def add(self, shape: Shape) -> Shape:
        """Append a shape and return it."""
        self.shapes.append(shape)
        return shape

    def rings(self, rings: list[list[tuple[float, float]]], **kw: Unpack[Style]) -> Shape:
        """A filled outline made of closed rings (a country)."""
        return self.add(Shape("path", closed_rings=rings, **kw))

    def circle(self, x: float, y: float, r: float, **kw: Unpack[Style]) -> Shape:
        """A circle centred at (x, y)."""
        return self.add(Shape("circle", points=[(x, y)], r=r, **kw))

    def line(self, points: list[tuple[float, float]], **kw: Unpack[Style]) -> Shape:
        """An open polyline."""
        return self.add(Shape("polyline", points=points, **kw))

    def rect(self, x: float, y: float, w: float, h: float, **kw: Unpack[Style]) -> Shape:
        """An axis-aligned rectangle with its top-left corner at (x, y)."""
        return self.add(Shape("rect", points=[(x, y)], w=w, h=h, **kw))

    def label(self, x: float, y: float, text: str, **kw: Unpack[Style]) -> Shape:
        """Text whose baseline starts (or centres, or ends) at (x, y)."""
        return self.add(Shape("text", points=[(x, y)], text=text, **kw))

    def write(self, path: Path) -> None:
        """Write the scene to ``path``: SVG or PNG, by its extension.

        Raises ValueError for any other extension (see :data:`PICTURE_SUFFIXES`).
        """
        suffix = path.suffix.lower()
        if suffix == ".svg":
            path.write_text(to_svg(self), encoding="utf-8")
        elif suffix == ".png":
            to_png(self, path)
        else:
            raise ValueError(
                f"{path}: a picture is written as .svg or .png, not {suffix or '(none)'}"
            )


def _f(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))


def _style(s: Shape) -> str:
    parts = []
    parts.append(f'fill="{s.fill}"' if s.fill else 'fill="none"')
    if s.stroke:
        parts.append(f'stroke="{s.stroke}" stroke-width="{_f(s.stroke_width)}"')
    if s.opacity != 1.0:
        parts.append(f'opacity="{s.opacity:.2f}"')
    if s.dash:
        parts.append(f'stroke-dasharray="{s.dash}"')
    if s.cls:
        parts.append(f'class="{escape(s.cls)}"')
    for k, v in s.data.items():
        parts.append(f'data-{k}="{escape(v)}"')
    return " ".join(parts)


def to_svg(scene: Scene, *, standalone: bool = True, font: str | None = None) -> str:
    """The scene as SVG markup (a full document, or an inline ``<svg>`` element).

    ``font`` defaults to the fallback chain of :mod:`kg.viz.fonts`, so that a viewer
    draws Arabic or Tifinagh names with a font that has them.
    """
    from kg.viz.fonts import CSS_STACK

    font = font or CSS_STACK
    out = []
    if standalone:
        out.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{scene.width}" height="{scene.height}" '
        f'viewBox="0 0 {scene.width} {scene.height}" font-family="{escape(font, quote=False)}" role="img">'
    )
    if scene.title:
        out.append(f"<title>{escape(scene.title)}</title>")
    out.append(f'<rect width="{scene.width}" height="{scene.height}" fill="{scene.background}"/>')
    for s in scene.shapes:
        tip = f"<title>{escape(s.title)}</title>" if s.title else ""
        if s.kind == "path":
            d = "".join(
                "M" + "L".join(f"{_f(x)},{_f(y)}" for x, y in ring) + "Z" for ring in s.closed_rings
            )
            out.append(f'<path d="{d}" {_style(s)} stroke-linejoin="round">{tip}</path>')
        elif s.kind == "circle":
            ((x, y),) = s.points
            out.append(
                f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(s.r)}" {_style(s)}>{tip}</circle>'
            )
        elif s.kind == "polyline":
            pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in s.points)
            out.append(
                f'<polyline points="{pts}" {_style(s)} stroke-linecap="round">{tip}</polyline>'
            )
        elif s.kind == "rect":
            ((x, y),) = s.points
            out.append(
                f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(s.w)}" height="{_f(s.h)}" {_style(s)}>{tip}</rect>'
            )
        elif s.kind == "text":
            ((x, y),) = s.points
            weight = f' font-weight="{s.weight}"' if s.weight != "normal" else ""
            fill = s.fill or "#222"
            extra = f' class="{escape(s.cls)}"' if s.cls else ""
            if s.halo:
                extra += ' stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
            out.append(
                f'<text x="{_f(x)}" y="{_f(y)}" font-size="{_f(s.size)}" text-anchor="{s.anchor}"'
                f' fill="{fill}"{weight}{extra}>{escape(s.text)}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def to_png(scene: Scene, path: Path, *, dpi: int = 100) -> None:
    """Paint the scene into a PNG of exactly ``width`` × ``height`` pixels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path as MplPath
    from matplotlib.patheffects import withStroke

    from kg.viz.fonts import matplotlib_families

    # Every text asks for the whole chain: Agg takes each glyph from the first family
    # that has it, and libraqm shapes Arabic (joined letters, right to left).
    families = list(matplotlib_families())
    # Some fallbacks have no bold face: matplotlib uses their regular one and says so
    # once per text on stderr; that is expected, not news for the user.
    import logging

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    # A Figure on an Agg canvas (not pyplot): no display, no global state between calls.
    fig = Figure(figsize=(scene.width / dpi, scene.height / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    fig.patch.set_facecolor(scene.background)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, scene.width)
    ax.set_ylim(scene.height, 0)
    ax.set_axis_off()
    pt = 72.0 / dpi  # one pixel in points
    move, line, close = int(MplPath.MOVETO), int(MplPath.LINETO), int(MplPath.CLOSEPOLY)
    shapes = scene.shapes
    i = 0
    while i < len(shapes):
        s = shapes[i]
        z = i
        if s.kind == "circle":
            # A run of circles is one scatter call: thousands of markers paint in
            # milliseconds instead of one patch each.
            run = [s]
            while i + len(run) < len(shapes) and shapes[i + len(run)].kind == "circle":
                run.append(shapes[i + len(run)])
            rgba = [_rgba(c.fill, c.opacity) for c in run]
            edges = [_rgba(c.stroke, c.opacity) for c in run]
            ax.scatter(
                [c.points[0][0] for c in run],
                [c.points[0][1] for c in run],
                s=[(2 * c.r * pt) ** 2 for c in run],
                c=rgba,
                edgecolors=edges,
                linewidths=[c.stroke_width * pt if c.stroke else 0 for c in run],
                zorder=z,
            )
            i += len(run)
            continue
        i += 1
        if s.kind == "path":
            verts: list[tuple[float, float]] = []
            codes: list[int] = []
            for ring in s.closed_rings:
                if len(ring) < 3:
                    continue
                verts.extend(ring + [ring[0]])
                codes.extend([move] + [line] * (len(ring) - 1) + [close])
            if verts:
                ax.add_patch(
                    PathPatch(
                        MplPath(verts, codes),
                        facecolor=s.fill or "none",
                        edgecolor=s.stroke or "none",
                        linewidth=s.stroke_width * pt,
                        alpha=s.opacity,
                        zorder=z,
                    )
                )
        elif s.kind == "polyline":
            ls = (0, tuple(float(v) for v in s.dash.split(","))) if s.dash else "solid"
            ax.plot(
                [p[0] for p in s.points],
                [p[1] for p in s.points],
                color=s.stroke or "#000",
                linewidth=s.stroke_width * pt,
                linestyle=ls,
                solid_capstyle="round",
                alpha=s.opacity,
                zorder=z,
            )
        elif s.kind == "rect":
            ((x, y),) = s.points
            ax.add_patch(
                Rectangle(
                    (x, y),
                    s.w,
                    s.h,
                    facecolor=s.fill or "none",
                    edgecolor=s.stroke or "none",
                    linewidth=s.stroke_width * pt,
                    alpha=s.opacity,
                    zorder=z,
                )
            )
        elif s.kind == "text":
            ((x, y),) = s.points
            ha = {"start": "left", "middle": "center", "end": "right"}[s.anchor]
            effects = [withStroke(linewidth=3 * pt, foreground="#ffffff")] if s.halo else None
            ax.text(
                x,
                y,
                s.text,
                fontsize=s.size * pt,
                ha=ha,
                va="baseline",
                color=s.fill or "#222",
                fontweight=s.weight,
                fontfamily=families,
                path_effects=effects,
                alpha=s.opacity,
                zorder=z,
            )
    fig.savefig(str(path), dpi=dpi, facecolor=scene.background)


def _rgba(colour: str | None, alpha: float) -> tuple[float, float, float, float]:
    if not colour or colour == "none":
        return (0.0, 0.0, 0.0, 0.0)
    from matplotlib.colors import to_rgba

    r, g, b, a = to_rgba(colour)
    return (r, g, b, a * alpha)
