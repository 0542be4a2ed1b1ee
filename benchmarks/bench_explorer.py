"""The explorer page (issue 29): file size and the time to re-rank after a weight moves, for 200
economies x 50 indicators x 10 years (acceptance: < 10 MB, < 100 ms in headless Chromium), and the same
for ``doi_current`` 2018-2023 on the bundled data.

A weight move is timed inside the page: from the new weight to the table, chart, map and profile
redrawn and laid out (``window.ictindex.setWeight`` returns the milliseconds of that update); the
re-evaluation alone (``window.ictindex.evaluate``) is timed too. Medians over 50 moves, after 5 to warm up.

Run: ``python benchmarks/bench_explorer.py`` (add ``--screenshots DIR`` to also write the explorers of
doi_current 2018-2023 with an uncertainty analysis and of a provincial panel with its own boundaries,
and PNG screenshots of them).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from timing import median_time

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser import chromium, missing  # noqa: E402

from ictindex import Framework, compile_model, datasets  # noqa: E402
from ictindex.build import explain  # noqa: E402
from ictindex.economies import economy_groups  # noqa: E402
from ictindex.explorer import write_explorer  # noqa: E402

UNITS, INDICATORS, YEARS = 200, 50, 10


def large_framework() -> Framework:
    """50 indicators in 10 sub-pillars of 5, in 5 pillars of 2; geometric pillars (zero floor), arithmetic
    elsewhere; goalposts 0-100."""
    indicators = [f"x{i:02d}" for i in range(INDICATORS)]
    subs = [f"S{k}" for k in range(10)]
    pillars = [f"P{k}" for k in range(5)]
    nodes = [{"code": "I", "name": "Index", "children": [{"code": p} for p in pillars]}]
    for k, p in enumerate(pillars):
        nodes.append(
            {
                "code": p,
                "name": f"Pillar {k}",
                "aggregation": {"method": "geometric", "zero_floor": 0.01},
                "children": [{"code": s} for s in subs[2 * k : 2 * k + 2]],
            }
        )
    for k, s in enumerate(subs):
        nodes.append(
            {"code": s, "name": f"Sub-pillar {k}", "children": [{"code": c} for c in indicators[5 * k : 5 * k + 5]]}
        )
    return Framework.model_validate(
        {
            "code": "bench",
            "name": "Benchmark index",
            "index": "I",
            "scale": 100,
            "min_coverage": 0.6,
            "nodes": nodes,
            "indicators": [
                {
                    "code": c,
                    "name": f"Indicator {c}",
                    "unit": "%",
                    "normalisation": {"method": "goalpost", "lower": 0, "upper": 100},
                }
                for c in indicators
            ],
        }
    )


def large_panel(seed: int = 0) -> pd.DataFrame:
    """200 economies (ISO3, so the page carries the world map and groups) x 50 indicators x 10 years, 5 % missing."""
    rng = np.random.default_rng(seed)
    codes = sorted(economy_groups().index)[:UNITS]
    level = rng.uniform(5, 95, size=(UNITS, 1, 1))
    values = np.clip(level + rng.normal(0, 12, size=(UNITS, YEARS, INDICATORS)), 0, 100)
    values[rng.uniform(size=values.shape) < 0.05] = np.nan
    u, y, i = np.meshgrid(np.arange(UNITS), np.arange(YEARS), np.arange(INDICATORS), indexing="ij")
    table = pd.DataFrame(
        {
            "economy": np.asarray(codes)[u.ravel()],
            "year": 2014 + y.ravel(),
            "indicator": [f"x{k:02d}" for k in i.ravel()],
            "value": values.ravel(),
        }
    )
    return table.dropna().reset_index(drop=True)


def time_in_browser(driver, path: Path, n_edges: int, year: int, moves: int = 50) -> dict[str, float]:
    started = time.perf_counter()
    driver.get(path.resolve().as_uri())
    assert driver.execute_script("return typeof window.ictindex") == "object"
    load = time.perf_counter() - started
    rng = np.random.default_rng(1)
    updates = []
    for k in range(moves + 5):
        ms = driver.execute_script(
            "return window.ictindex.setWeight(arguments[0], arguments[1])",
            int(rng.integers(n_edges)),
            float(rng.uniform(0, 1)),
        )
        if k >= 5:
            updates.append(ms)
    evaluate = driver.execute_script(
        "var w = window.ictindex.nominal, t = [];"
        "for (var k = 0; k < 55; k++) { var s = performance.now(); window.ictindex.evaluate(w, arguments[0]);"
        " t.push(performance.now() - s); } t = t.slice(5).sort(function (a, b) { return a - b; });"
        "return t[Math.floor(t.length / 2)];",
        year,
    )
    return {
        "load_s": load,
        "update_median_ms": statistics.median(updates),
        "update_max_ms": max(updates),
        "evaluate_median_ms": evaluate,
    }


def screenshots(folder: Path, driver) -> list[Path]:
    """The explorers of doi_current 2018-2023 (with rank intervals) and of the provincial panel, and PNGs."""
    from grid_provinces import provincial_geojson, provincial_groups, provincial_panel

    from ictindex.uncertainty import uncertainty

    folder.mkdir(parents=True, exist_ok=True)
    panel = datasets.load("itu")
    years = list(range(2018, 2024))
    model = compile_model(panel, "doi_current", years=years)
    spec = {"weights": {"noise": 0.25}, "exclude_indicator": True}
    analysis = uncertainty(panel, "doi_current", spec, n=1000, years=years)
    doi = write_explorer(explain(model), folder / "explorer_doi_current.html", uncertainty=analysis)
    provinces = write_explorer(
        compile_model(provincial_panel(), "doi_current", units="any"),
        folder / "explorer_provinces.html",
        geometry=provincial_geojson(),
        groups=provincial_groups(),
    )
    shots = []
    driver.get(doi.resolve().as_uri())
    driver.save_screenshot(str(folder / "doi_current_nominal.png"))
    weights = model.weights
    weights[model.edge_index("DOI", "utilization")] = 2 / 3  # Utilization counts double
    driver.execute_script("window.ictindex.setWeights(arguments[0]); window.ictindex.select('KOR')", weights.tolist())
    driver.save_screenshot(str(folder / "doi_current_utilization_double_KOR.png"))
    driver.execute_script("document.getElementById('chart').scrollIntoView()")
    driver.save_screenshot(str(folder / "doi_current_chart.png"))
    driver.get(provinces.resolve().as_uri())
    driver.execute_script("window.ictindex.select('PR06')")
    driver.save_screenshot(str(folder / "provinces_PR06.png"))
    shots += sorted(folder.glob("*.png"))
    for page in (doi, provinces):
        print(f"{page.name}: {page.stat().st_size / 1e6:.2f} MB")
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshots", type=Path, help="also write the demo explorers and screenshots here")
    args = parser.parse_args()
    why = missing()
    if why:
        sys.exit(f"no browser to time the page in: {why}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        driver = chromium(tmp / "profile")
        try:
            rows = []
            large = compile_model(large_panel(), large_framework(), units="economies", imputation="none")
            large_result = explain(large)
            path = tmp / "large.html"
            write = median_time(lambda: write_explorer(large_result, path), 3)
            rows.append(
                ("200 x 50 x 10 (world map)", path, write, time_in_browser(driver, path, len(large.edges), 2023))
            )
            doi = explain(compile_model(datasets.load("itu"), "doi_current", years=range(2018, 2024)))
            path = tmp / "doi.html"
            write = median_time(lambda: write_explorer(doi, path), 3)
            rows.append(("doi_current 2018-2023", path, write, time_in_browser(driver, path, 13, 2023)))
            print(
                f"{'page':<28}{'size MB':>9}{'write s':>9}{'load s':>8}{'move ms (median/max)':>23}{'evaluate ms':>13}"
            )
            for name, page, seconds, t in rows:
                print(
                    f"{name:<28}{page.stat().st_size / 1e6:>9.2f}{seconds:>9.2f}{t['load_s']:>8.2f}"
                    f"{t['update_median_ms']:>14.1f} / {t['update_max_ms']:<6.1f}{t['evaluate_median_ms']:>13.2f}"
                )
            if args.screenshots:
                for shot in screenshots(args.screenshots, driver):
                    print(f"screenshot: {shot}")
        finally:
            driver.quit()


if __name__ == "__main__":
    main()
