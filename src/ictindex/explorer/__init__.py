"""An interactive explorer of an index in one offline HTML file.

:func:`write_explorer` writes a page that holds the compiled model of a result (normalised values,
tree, nominal weights, coverage rule) and re-evaluates the whole tree in the browser as the weights
move, with the arithmetic of :meth:`ictindex.model.IndexModel.evaluate`: a weight control for every
edge (rescaled within its node, as the engine does), reset and a link that carries the weights; the
ranking table and chart with each unit's change of rank from the nominal weights; a map coloured by the
current scores; the profile of any unit (score, rank, rank interval of an uncertainty analysis,
strengths and weaknesses against its group's mean, scores beside its group's averages, data flags); the
year among those built; the current weights and ranks as CSV. It needs no server and makes no request.

The charts are small hand-written SVG in the page's own script (:mod:`ictindex.explorer.page`): the
tree must be evaluated by our own code anyway, and a charting library's bundle would be larger than
the data of a typical index (see the closing note of issue 29 for the sizes measured).

For tests and scripts the page exposes ``window.ictindex.evaluate(weights, year)``: ``weights`` in
``model.edges`` order, returning ``{units, scores, ranks, nodes}`` (``null`` for a unit not scored;
ranks as :func:`ictindex.build_index` ranks, ties sharing the lowest rank).

>>> import ictindex, tempfile, pathlib
>>> from ictindex import datasets
>>> result = ictindex.build_index(datasets.load("itu"), "doi_current", years=2023)
>>> with tempfile.TemporaryDirectory() as folder:
...     page = write_explorer(result, pathlib.Path(folder) / "explorer.html")
...     text = page.read_text(encoding="utf-8")
>>> "window.ictindex" in text and "<script src" not in text
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ictindex.errors import CoverageError, OutputError
from ictindex.explorer.page import render_page
from ictindex.explorer.payload import explorer_data, unit_table
from ictindex.explorer.shapes import read_boundaries
from ictindex.model import IndexModel
from ictindex.result import IndexResult

__all__ = ["write_explorer", "explorer_years", "explorer_data", "unit_table", "read_boundaries"]


def write_explorer(
    result: IndexResult | IndexModel,
    path: str | Path,
    uncertainty: Any = None,
    geometry: Any = None,
    *,
    groups: pd.DataFrame | None = None,
    geometry_key: str | None = None,
    title: str | None = None,
) -> Path:
    """Write the explorer of a result (or of a compiled model) to one HTML file.

    Parameters
    ----------
    result
        An :class:`~ictindex.result.IndexResult` (its tree is compiled from its framework and coverage
        rule as :func:`~ictindex.model.compile_model` compiles it, its values are the model's normalised
        values), or an :class:`~ictindex.model.IndexModel` (explained first).
    path
        The HTML file to write (its folder must exist).
    uncertainty
        An :class:`~ictindex.uncertainty.UncertaintyResult` of the same index: each unit's median rank and
        5-95 % rank interval are shown in the table and the profile.
    geometry
        The units' boundaries: a GeoJSON path or mapping (one Polygon/MultiPolygon feature per unit, its
        code in ``geometry_key``, the feature ``id`` or a ``code`` property). Default: the world map for
        economies, no map for other units.
    groups
        Unit -> group columns (and ``name``) for the profiles; economies get their UN SDG region and World
        Bank income group by default.
    title
        The page title (default: the framework's name).

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(
            f"'{path}' is a folder", file=str(path), hint="give the explorer's file name, e.g. explorer.html"
        )
    data = explorer_data(result, uncertainty, groups=groups, geometry=geometry, geometry_key=geometry_key)
    name = data["framework"]["name"] or data["framework"]["code"]
    version = str(data["provenance"].get("library_version") or "")
    text = render_page(data, title=title or f"{name} - explorer", version=version)
    path.write_text(text, encoding="utf-8")
    return path


def explorer_years(
    result: IndexResult, *, span: int = 6, min_reported: float = 0.8, min_scored: float = 0.9
) -> list[int]:
    """The years the data score well: the latest run of at most ``span`` consecutive years in each of
    which at least ``min_scored`` of the largest number of units scored in any year are scored, and at
    least ``min_reported`` of the values the scored units use were reported for that year (not carried
    forward from an earlier one).

    On the bundled data this gives 2018-2023 for ``doi_current`` (2024 uses 46 % values reported for
    2024, the rest carried forward). With no year passing both tests, the latest year with scores.
    """
    scores = result.scores
    scored = scores[scores["rank"].notna()]
    if scored.empty:
        raise CoverageError("the result scores no unit in any year", hint="see result.excluded")
    counts = scored.groupby("year").size()
    keys = pd.MultiIndex.from_frame(scored[["economy", "year"]])
    raw = result._raw.reindex(keys).notna().to_numpy().sum(axis=1)
    used = result._imputed.reindex(keys).notna().to_numpy().sum(axis=1)
    by_year = pd.DataFrame({"year": scored["year"].to_numpy(), "raw": raw, "used": used}).groupby("year").sum()
    reported = by_year["raw"] / by_year["used"].where(by_year["used"] > 0)
    good = (counts >= min_scored * counts.max()) & (reported.reindex(counts.index) >= min_reported)
    good_years = [int(y) for y in counts.index[good.to_numpy()]]
    if not good_years:
        return [int(counts.index.max())]
    years = [good_years[-1]]
    while len(years) < span and years[0] - 1 in good_years:
        years.insert(0, years[0] - 1)
    return years
