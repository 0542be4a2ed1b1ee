"""One publication style for every chart: A4 text width, 8-pt type, a colour-blind-safe palette,
text a graphics desk can edit (SVG text stays text, PDF fonts are embedded TrueType), 300 dpi PNG,
and a source line under every chart.

The palette is Okabe and Ito's (2008, "Color Universal Design"), distinguishable under the
common colour-vision deficiencies. Charts are drawn on :class:`matplotlib.figure.Figure`
objects, never through pyplot's global state, so they are safe in scripts and servers and
can be restyled and saved by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
from cycler import cycler
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

#: Control characters other than line ends (which chart texts use to wrap lines): invalid in SVG's XML.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_HAS_ROOT = tuple(int(p) for p in mpl.__version__.split(".")[:2]) >= (3, 10)  # Axes.get_figure(root=)

__all__ = [
    "PALETTE",
    "FEMALE",
    "MALE",
    "NEUTRAL",
    "NO_DATA",
    "WIDTH",
    "HALF_WIDTH",
    "STYLE",
    "style",
    "new_figure",
    "figure_for",
    "plain_text",
    "legend_below",
    "add_source",
    "save_figure",
    "SOURCE_GID",
]

#: Okabe-Ito colours (black left out of the cycle; it is used for totals and text).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
FEMALE = "#D55E00"  # vermillion
MALE = "#0072B2"  # blue
NEUTRAL = "#7F7F7F"
NO_DATA = "#F2F2F2"  # fill of "no data" areas, always drawn with a hatch
#: ``gid`` of the source line, so a caller (or a test) can find it among a figure's texts.
SOURCE_GID = "ictindex-source"
#: A4 text width with 2.5 cm margins (16 cm) and half of it, in inches.
WIDTH = 6.3
HALF_WIDTH = 3.1

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 8,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.axisbelow": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "svg.fonttype": "none",  # SVG text stays text (editable), not outlines
    "pdf.fonttype": 42,  # embedded TrueType in PDF, not Type 3
    "ps.fonttype": 42,
    "savefig.bbox": "tight",
    "svg.hashsalt": "ictindex",  # stable SVG ids: the same chart gives the same file
    # names are text, never markup: a "$" in a unit code or a node name ("US$ per $100") started matplotlib's
    # math mode (typeset as math, or a parse error at draw time); TeX would run any markup in them
    "text.parse_math": False,
    "text.usetex": False,
}


@contextmanager
def style() -> Iterator[None]:
    """Apply :data:`STYLE` while a chart is drawn."""
    with mpl.rc_context(STYLE):
        yield


def new_figure(height: float, width: float = WIDTH, **subplot_kw: object) -> tuple[Figure, Axes]:
    """A figure with one Axes, in the publication style (call inside :func:`style`)."""
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot(**subplot_kw)


def figure_for(ax: Axes | None, height: float, width: float = WIDTH) -> tuple[Figure, Axes]:
    """The caller's ``ax`` and its figure, or a new publication-style figure of ``width`` x ``height`` inches."""
    if ax is not None:
        plain_text(ax)  # its title, axis labels and ticks were made before the chart's style applied
        return ax.get_figure(root=True) if _HAS_ROOT else ax.figure, ax  # type: ignore[return-value]
    return new_figure(height=height, width=width)


def plain_text(artist: Artist) -> None:
    """Every text of ``artist`` (a figure or an axes: titles, labels, tick labels, annotations) set literally:
    no math mode for ``$...$`` and no TeX, whatever the caller's ``rcParams``, and control characters as
    spaces (a bell or an escape in a name made every SVG file invalid XML). The one place chart text meets
    matplotlib's parsers and writers: charts call it on a caller's axes, :func:`add_source` and
    :func:`save_figure` on the figure; the chart style (:data:`STYLE`) turns math off for every text made
    while it applies."""
    for text in artist.findobj(Text):
        text.set_parse_math(False)
        text.set_usetex(False)
        content = text.get_text()
        if not content.isprintable() and _CONTROL.search(content):
            text.set_text(_CONTROL.sub(" ", content))


def legend_below(ax: Axes, ncols: int, clearance: float = 3.4, **kwargs: object) -> None:
    """A legend centred under ``ax``, ``clearance`` font sizes below it (clear of tick labels and the
    axis label whatever the axes' height); the constrained layout keeps room for it."""
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0), borderaxespad=clearance, ncols=ncols, **kwargs)


def bottom_centre_axes(fig: Figure) -> Axes | None:
    """The axes of the bottom row nearest the figure's centre (a legend under it stays within the figure)."""
    shown = [a for a in fig.axes if a.get_visible() and a.get_subplotspec() is not None]
    if not shown:
        return fig.axes[-1] if fig.axes else None
    last = max(a.get_subplotspec().rowspan.stop for a in shown)
    row = [a for a in shown if a.get_subplotspec().rowspan.stop == last]
    columns = row[0].get_subplotspec().get_gridspec().ncols

    def distance(a: Axes) -> float:
        span = a.get_subplotspec().colspan
        return abs((span.start + span.stop) / 2 / columns - 0.5)

    return min(row, key=distance)


def _legends_below_axes(fig: Figure) -> None:
    """Move figure-level legends (placed "outside" at the figure's edge, where the source line goes)
    under the bottom row's centre axes (:func:`bottom_centre_axes`), when that axes has no legend of its own."""
    axes = bottom_centre_axes(fig)
    for legend in list(fig.legends):
        if axes is None or axes.get_legend() is not None:
            return
        labels = [t.get_text() for t in legend.get_texts()]
        handles = list(legend.legend_handles)
        legend.remove()
        with style():
            legend_below(axes, ncols=min(len(labels), 4 if len(fig.axes) == 1 else 2), handles=handles, labels=labels)


def add_source(fig: Figure, text: str | None, width: int | None = None) -> None:
    """Write ``text`` as the source line at the foot of ``fig`` (left-aligned, 6 pt, wrapped at word
    boundaries within the figure's width, or at ``width`` characters). The figure grows by the line's height
    and a constrained layout keeps that strip free, so the line never overlaps axes or legends. A second call
    replaces the text; ``None`` or "" adds none.
    """
    plain_text(fig)
    if not text:
        return
    import textwrap

    from matplotlib.layout_engine import ConstrainedLayoutEngine

    if width is None:  # 6-pt DejaVu Sans: about 3.6 pt a character on average, with a margin
        width = max(40, int(fig.get_size_inches()[0] * 72 / 3.6))
    wrapped = "\n".join(textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False))
    for old in fig.texts:
        if old.get_gid() == SOURCE_GID:
            old.set_text(wrapped)
            return
    _legends_below_axes(fig)
    strip = ((wrapped.count("\n") + 1) * 6 * 1.3 + 6) / 72  # inches: lines of 6-pt type and a gap
    fig_width, fig_height = fig.get_size_inches()
    fig.set_size_inches(fig_width, fig_height + strip)
    share = strip / (fig_height + strip)
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0, share, 1, 1 - share))
    fig.text(0.005, 0.01 * share, wrapped, ha="left", va="bottom", fontsize=6, color="#444444", gid=SOURCE_GID)


def save_figure(fig: Figure, stem: str | Path, formats: Iterable[str] = ("png", "svg")) -> list[Path]:
    """Write ``fig`` as ``stem.png``, ``stem.svg`` (and/or ``pdf``); returns the paths.

    The figure is laid out and drawn once, on an Agg canvas at ``savefig.dpi``: the PNG is that canvas cropped
    to the tight bounding box (what ``savefig(bbox_inches="tight")`` writes, which draws twice); the layout is
    then frozen, so the vector formats are drawn once each at exactly the PNG's positions."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    plain_text(fig)
    paths = []
    formats = list(dict.fromkeys(formats))
    with style():
        dpi = mpl.rcParams["savefig.dpi"]
        pad = mpl.rcParams["savefig.pad_inches"]
        fig.set_dpi(dpi)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()  # lays out (constrained layout) and renders, once
        renderer = canvas.get_renderer()
        tight = fig.get_tightbbox(renderer)
        box = tight.padded(pad)
        if fig.get_layout_engine() is not None:
            fig.set_layout_engine("none")  # positions as drawn: every other format matches the PNG
        with _without_layout_engine(fig):
            for fmt in formats:
                path = Path(f"{stem}.{fmt}")
                path.parent.mkdir(parents=True, exist_ok=True)
                if fmt == "png" and _inside(tight, fig):
                    _write_png(canvas, box, dpi, path, fig.get_facecolor())
                elif fmt == "png":  # text beyond the figure's edge: draw the PNG on the larger box
                    fig.savefig(path, format="png", bbox_inches=box)
                else:
                    fig.savefig(path, format=fmt, bbox_inches=box, metadata={"Date": None} if fmt == "svg" else None)
                paths.append(path)
    return paths


@contextmanager
def _without_layout_engine(fig: Figure) -> Iterator[None]:
    """No layout engine on ``fig`` while it is written, then the one it had back. ``savefig`` draws a figure
    that has any layout engine twice, the first time (drawing nothing) only to let the engine lay it out; a
    frozen layout ("none", which matplotlib keeps as a placeholder engine) needs no such pass, and without an
    engine the figure is drawn once per file (one pass instead of two for each SVG or PDF)."""
    frozen = fig.get_layout_engine()
    with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)  # None, not "none": no engine at all (the rc settings could name one)
    try:
        yield
    finally:
        if frozen is not None:
            fig.set_layout_engine(frozen)


def _inside(box: object, fig: Figure) -> bool:
    """Whether ``box`` (inches) lies within the figure, so that the drawn canvas holds all of it."""
    width, height = fig.get_size_inches()
    return box.x0 >= 0 and box.y0 >= 0 and box.x1 <= width and box.y1 <= height  # type: ignore[attr-defined]


def _write_png(canvas: object, box: object, dpi: float, path: Path, face: object) -> None:
    """The drawn Agg canvas cropped to ``box`` (inches, from the figure's lower left; the part of it beyond the
    canvas, the padding, in the figure's ``face`` colour) as a PNG at ``dpi``."""
    import numpy as np
    from matplotlib.colors import to_rgba
    from PIL import Image

    size = canvas.get_width_height()  # type: ignore[attr-defined]
    drawn = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1)  # type: ignore[attr-defined]
    width, height = drawn.size
    left, right = round(box.x0 * dpi), round(box.x1 * dpi)  # type: ignore[attr-defined]
    top, bottom = round(height - box.y1 * dpi), round(height - box.y0 * dpi)  # type: ignore[attr-defined]
    inner = drawn.crop((max(0, left), max(0, top), min(width, right), min(height, bottom)))
    fill = tuple(int(v) for v in np.round(np.array(to_rgba(face)) * 255).astype(np.uint8))
    # An opaque chart (every chart on its white face) is written without its alpha channel, at zlib level 3:
    # the same pixels, in about 45 % of the time of RGBA at PIL's default level 6, and a smaller file. The crop
    # and the padding are PIL operations on the canvas's buffer (no numpy copies of the whole picture).
    padded = inner.size != (right - left, bottom - top)  # the box reaches beyond the canvas: face-coloured strips
    opaque = (fill[3] == 255 or not padded) and inner.getextrema()[3] == (255, 255)
    image = Image.new("RGB" if opaque else "RGBA", (right - left, bottom - top), fill[:3] if opaque else fill)
    image.paste(inner.convert("RGB") if opaque else inner, (max(0, left) - left, max(0, top) - top))
    image.save(path, format="png", dpi=(dpi, dpi), compress_level=3)
