"""Build the bundled tidy panel from the raw files in ``data/``: ``python -m ictindex.sources.build``.

Writes ``data/panel/itu_panel.csv.gz`` (the panel), ``data/panel/economies.csv``
(economy metadata), ``data/panel/panel.json`` (version, row count, hash) and
``data/panel/BUILD_LOG.md`` (what each source gave, what was dropped and why, and
which value won where two sources gave the same key).

Precedence where two files give the same economy, year, series and sex (first wins):

* ``i99H`` (Internet use): the June 2019 ITU time series, then the June 2019 by-sex
  table (same database edition, so female, male and total agree), then the later
  by-sex table (Dec 2019), used only where the June 2019 edition has no value. That table also
  gives urban and rural values (by sex), as the series ``i99H.urban`` and ``i99H.rural``: the
  panel has no area column, an area is part of the series code (see ``readers.AREAS``).
* Every other series comes from one file only. Series that measure the same thing
  under another publisher's code (e.g. WDI ``IT.NET.USER.ZS`` and ITU ``i99H``) are
  kept side by side; each framework says which it prefers.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

from ictindex.catalogue import series_bounds
from ictindex.countries import economy_name
from ictindex.resources import bundled_dir
from ictindex.sources import readers as r

PANEL_VERSION = "2026.11.1"
YEARS = (2000, 2025)


def _sources(data: Path) -> list[tuple[str, r.SourceTable]]:
    """(label, table) in order of precedence."""
    hub = data / "itu_datahub_2025"
    jun = data / "itu_indicators_jun2019"
    gap = data / "gapminder_wdi"
    ddf = "ddf--datapoints--{}--by--geo--time.csv"
    gapminder_names = {"nld_curacao": "CUW", "gbg": "GGY", "gbm": "IMN"}
    out = [(f.name, r.read_datahub_csv(f)) for f in sorted(hub.glob("*.csv"))]
    out += [
        ("Individuals_Internet (i99H)", r.read_itu_wide(jun / "Individuals_Internet_2000-2018_Jun2019.xls",
                                                        "Percentage of Individuals using the Internet", "i99H")),
        ("Individuals_using_the_internet_by_gender_Jun2019", r.read_itu_by_sex(
            data / "itu_gender" / "Individuals_using_the_internet_by_gender_Jun2019.xlsx")),
        ("Individuals_using_the_Internet_by_gender_and_urban-rural_location", r.read_itu_by_sex_and_area(
            data / "itu_gender" / "Individuals_using_the_Internet_by_gender_and_urban-rural_location.xls")),
        ("Mobile_cellular (i911)", r.read_itu_wide(jun / "Mobile_cellular_2000-2018_Jun2019.xls",
                                                   "Mobile-cellular telephone subscriptions per 100 inhabitants",
                                                   "i911")),
        ("Fixed_tel (i112)", r.read_itu_wide(jun / "Fixed_tel_2000-2018_Jun2019_revised_27082019.xls",
                                             "Fixed-telephone subscriptions per 100 inhabitants", "i112")),
        ("CoreHouseholdIndicators", r.read_itu_household(jun / "CoreHouseholdIndicators_Jun2019.xlsx")),
        ("sdg_5b1", r.read_sdg_csv(data / "un_sdg" / "sdg_5b1_IT_MOB_OWN_mobile_ownership_by_sex.csv")),
    ]
    for concept, code in (("internet_users", "IT.NET.USER.ZS"), ("cell_phones_per_100_people", "IT.CEL.SETS.P2"),
                          ("fixed_line_subscribers_per_100_people", "IT.MLT.MAIN.P2"),
                          ("broadband_subscribers_per_100_people", "IT.NET.BBND.P2"),
                          ("gnipercapita_atlasmethod_current_us", "NY.GNP.PCAP.CD"),
                          ("total_population_with_projections", "POP")):
        out.append((concept, r.read_ddf(gap / ddf.format(concept), code, YEARS, gapminder_names)))
    out.append(("owid mean years of schooling", r.read_owid(
        data / "owid_schooling" / "mean_years_of_schooling_LeeLee_BarroLee_UNDP2018.csv", "MYS",
        {"Korea": "KOR"}, (1991, YEARS[1]))))
    return out


def build_panel(data: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (panel, dropped, conflicts, per-source counts)."""
    tables = _sources(data)
    parts = []
    for rank, (label, table) in enumerate(tables):
        part = table.panel[table.panel["year"].between(*YEARS)]
        parts.append(part.assign(_rank=rank, _label=label))
    stacked = pd.concat(parts, ignore_index=True).sort_values("_rank", kind="stable")
    key = ["economy", "year", "indicator", "sex"]
    first = ~stacked.duplicated(key, keep="first")
    losers = stacked[~first]
    winners = stacked[first].set_index(key)["_label"]
    conflicts = losers.assign(kept_from=losers.set_index(key).index.map(winners))[
        [*key, "value", "_label", "kept_from"]].rename(columns={"_label": "dropped_from"})
    panel = (stacked[first].drop(columns=["_rank", "_label"])
             .sort_values(key).reset_index(drop=True))
    bounds = series_bounds()
    low = panel["indicator"].map({k: v[0] for k, v in bounds.items()}).astype("float64")
    high = panel["indicator"].map({k: v[1] for k, v in bounds.items()}).astype("float64")
    outside = (panel["value"] < low) | (panel["value"] > high)
    unknown = ~panel["indicator"].isin(bounds)
    if unknown.any():
        raise SystemExit(f"series missing from the catalogue: {sorted(panel.loc[unknown, 'indicator'].unique())}")
    bad = panel[outside]
    out_of_range = pd.DataFrame({
        "file": bad["source"], "label": bad["economy"], "year": bad["year"], "indicator": bad["indicator"],
        "reason": "value " + bad["value"].astype("str") + " outside the series' valid range",
    })
    panel = panel[~outside].reset_index(drop=True)
    dropped = pd.concat([*(t.dropped for _, t in tables), out_of_range], ignore_index=True)
    counts = pd.DataFrame([{"source": label, "rows": len(t.panel), "dropped": len(t.dropped)}
                           for label, t in tables])
    return panel, dropped, conflicts, counts


def build_economies(data: Path, panel: pd.DataFrame) -> pd.DataFrame:
    """ISO3, name, UN region, World Bank income group (Gapminder entity table) for every panel economy."""
    geo = pd.read_csv(data / "gapminder_wdi" / "ddf--entities--geo--country.csv")
    geo = geo[geo["iso3166_1_alpha3"].notna()].drop_duplicates("iso3166_1_alpha3").set_index("iso3166_1_alpha3")
    tidy = lambda s: s.astype("str").str.replace("un_", "").str.replace("_", " ")  # noqa: E731
    codes = sorted(panel["economy"].unique())
    return pd.DataFrame({
        "iso3": codes,
        "name": [economy_name(c) for c in codes],
        "un_region": tidy(geo["un_sdg_region"].reindex(codes)).where(geo["un_sdg_region"].reindex(codes).notna())
        .to_numpy(),
        "income_group": tidy(geo["income_groups"].reindex(codes)).where(geo["income_groups"].reindex(codes).notna())
        .to_numpy(),
        "world_region": geo["world_4region"].reindex(codes).to_numpy(),
    })


def main(data: Path | None = None) -> Path:
    data = data or bundled_dir("data")
    out = data / "panel"
    out.mkdir(exist_ok=True)
    panel, dropped, conflicts, counts = build_panel(data)
    target = out / "itu_panel.csv.gz"
    panel.to_csv(target, index=False, compression={"method": "gzip", "mtime": 0})
    build_economies(data, panel).to_csv(out / "economies.csv", index=False)
    meta = {
        "version": PANEL_VERSION,
        "built": _dt.date.today().isoformat(),
        "rows": len(panel),
        "economies": int(panel["economy"].nunique()),
        "series": sorted(panel["indicator"].unique()),
        "years": [int(panel["year"].min()), int(panel["year"].max())],
        "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
    }
    (out / "panel.json").write_text(json.dumps(meta, indent=2))
    log = [f"# Build log of the bundled panel {PANEL_VERSION}", "",
           "Made by `python -m ictindex.sources.build` from the raw files in `data/`.", "",
           "## Rows per source file", "", counts.to_string(index=False),
           "", f"## Dropped rows ({len(dropped)})", ""]
    summary = dropped.assign(reason=dropped["reason"].str.replace(r"^value \S+ ", "value ", regex=True))
    summary = summary.groupby(["file", "reason"]).agg(
        rows=("label", "size"), labels=("label", lambda s: ", ".join(sorted(set(map(str, s)))[:8])))
    log += [summary.reset_index().to_string(index=False), "",
            "Out-of-range values:", "", dropped[dropped["reason"].str.contains("valid range")].to_string(index=False),
            "",
            f"## Same key from two files ({len(conflicts)} rows; the first file in precedence order wins)", ""]
    if not conflicts.empty:
        log.append(conflicts.groupby(["indicator", "kept_from", "dropped_from"]).size()
                   .rename("rows").reset_index().to_string(index=False))
    (out / "BUILD_LOG.md").write_text("\n".join(log) + "\n")
    print(f"wrote {target} ({len(panel)} rows, {meta['economies']} economies, {len(meta['series'])} series)")
    return target


if __name__ == "__main__":  # pragma: no cover
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
