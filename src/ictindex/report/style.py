"""One publication style for every chart: A4 text width, 8-pt type, a colour-blind-safe palette.

The palette is Okabe and Ito's (2008, "Color Universal Design"), distinguishable under the
common colour-vision deficiencies. Charts are drawn on :class:`matplotlib.figure.Figure`
objects, never through pyplot's global state, so they are safe in scripts and servers and
can be restyled and saved by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["PALETTE", "FEMALE", "MALE", "NEUTRAL", "WIDTH", "HALF_WIDTH", "STYLE", "style", "new_figure",
           "save_figure"]

#: Okabe-Ito colours (black left out of the cycle; it is used for totals and text).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
FEMALE = "#D55E00"  # vermillion
MALE = "#0072B2"  # blue
NEUTRAL = "#7F7F7F"
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
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "svg.hashsalt": "ictindex",  # stable SVG ids: the same chart gives the same file
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


def save_figure(fig: Figure, stem: str | Path, formats: Iterable[str] = ("png", "svg")) -> list[Path]:
    """Write ``fig`` as ``stem.png``, ``stem.svg`` (and/or ``pdf``); returns the paths."""
    paths = []
    for fmt in formats:
        path = Path(f"{stem}.{fmt}")
        path.parent.mkdir(parents=True, exist_ok=True)
        with style():
            fig.savefig(path, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
        paths.append(path)
    return paths
