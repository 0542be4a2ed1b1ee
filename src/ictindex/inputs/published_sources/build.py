"""Build the bundled tidy panel from the raw files in ``data/``: ``python -m ictindex.inputs.published_sources.build``.

Writes ``data/panel/itu_panel.csv.gz`` (the panel), ``data/panel/economies.csv``
(economy metadata), ``data/panel/panel.json`` (version, row count, hash) and
``data/panel/BUILD_LOG.md`` (what each source gave, what was dropped and why, and
which value won where two sources gave the same key).

Precedence where two files give the same economy, year, series and sex (first wins):

* ``i99H`` (Internet use), both sexes: the June 2019 ITU time series, then the June 2019
  by-sex table (same database edition), then the later by-sex table (Dec 2019), then the
  UN SDG database of early 2023 (17.8.1, ``IT_USE_ii99`` = ITU's i99H), which adds 2019-2021.
  The June 2019 edition stays first for the total because the published-index replications
  (DOI 2005-2007, IDI 2017) rest on it.
* ``i99H`` female and male: the newest vintage first, because ITU revises survey figures when
  countries revise them: World Bank WDI 2025 (``IT.NET.USER.FE.ZS``/``.MA.ZS``, ITU upstream),
  then the UN SDG database 2023, then the ITU June 2019 and Dec 2019 tables. A female and a male
  value always come from the same file: a file's female (male) value without its male (female)
  partner is dropped, and the winning file gives both (:data:`BY_SEX_PRECEDENCE`).
* The Dec 2019 table also gives urban and rural values (by sex), as the series ``i99H.urban`` and
  ``i99H.rural``: the panel has no area column, an area is part of the series code (see ``readers.AREAS``).
* ``IT_MOB_OWN`` (SDG 5.b.1): the 2023 release, then the 2020.Q4 release (newest first).
* Every other series comes from one file only. Series that measure the same thing
  under another publisher's code (e.g. WDI ``IT.NET.USER.ZS`` and ITU ``i99H``) are
  kept side by side; each framework says which it prefers.

Where the losing file's value differs from the winner's, the build log lists it as a revision
between vintages (``data/panel/revisions.csv`` holds every one).

Basket prices of 0 (ITU DataHub writes ``0.00`` for 42 economies' fixed-broadband basket in 2022 and
their PPP and USD prices) are not prices: they are set aside, listed in the build log and in
``data/panel/set_aside.csv``, which :func:`ictindex.inputs.bundled_files.load` hands to validation, so that every
build's issue table lists them (problem ``zero_price``, as the check of :mod:`ictindex.checks` that
would set them aside in a panel of one's own).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from ictindex.countries import economy_name
from ictindex.inputs.catalogue import SERIES, series_bounds
from ictindex.inputs.published_sources import readers as r
from ictindex.resources import bundled_dir

PANEL_VERSION = "2026.11.2"
YEARS = (2000, 2025)
SDG_2023 = "2023-03 (DDF build, data as of early 2023)"
#: Files in order of precedence for female and male rows (before every other file, which keep the list order).
BY_SEX_PRECEDENCE = (
    "WDI 2025 Internet use by sex (i99H)",
    "UN SDG 2023 17.8.1 (i99H)",
    "Individuals_using_the_internet_by_gender_Jun2019",
    "Individuals_using_the_Internet_by_gender_and_urban-rural_location",
)
#: A value differing from the kept one by more than this counts as a revision between vintages.
REVISION_TOLERANCE = 0.01
#: Columns of ``data/panel/set_aside.csv``: values the build keeps out of the panel, and why.
SET_ASIDE_COLUMNS = ["economy", "year", "indicator", "sex", "value", "source", "problem", "reason"]


def price_series() -> list[str]:
    """Catalogue series that are basket prices (a value of 0 there means no price, not a free service)."""
    return [s.code for s in SERIES if "basket" in s.name.lower()]


def zero_prices(panel: pd.DataFrame) -> pd.Series:
    """Rows of a basket price at or below 0."""
    return panel["indicator"].isin(price_series()) & (panel["value"] <= 0)


def _sources(data: Path) -> list[tuple[str, r.SourceTable]]:
    """(label, table) in order of precedence."""
    return [
        *_datahub(data),
        *_internet_use(data),
        *_itu_june_2019(data),
        *_sdg_ownership_and_skills(data),
        *_population_and_enrolment(data),
        *_gapminder(data),
        _schooling(data),
    ]


def _datahub(data: Path) -> list[tuple[str, r.SourceTable]]:
    """The ITU DataHub 2025 files, by name."""
    return [(f.name, r.read_datahub_csv(f)) for f in sorted((data / "itu_datahub_2025").glob("*.csv"))]


def _internet_use(data: Path) -> list[tuple[str, r.SourceTable]]:
    """Internet use (i99H): the June 2019 time series, the ITU tables by sex (and area), the UN SDG 2023 database
    and WDI 2025 by sex."""
    sdg_file = data / "un_sdg_2023" / "ddf--datapoints--it_use_ii99--by--age--geo_area--nature--sex--units--year.csv"
    wdi_sex = data / "wdi_gender_internet_2025" / "ddf--datapoints--it_net_user_{}_zs--by--economy--year.csv"
    gender = data / "itu_gender"
    return [
        (
            "Individuals_Internet (i99H)",
            r.read_itu_wide(
                data / "itu_indicators_jun2019" / "Individuals_Internet_2000-2018_Jun2019.xls",
                "Percentage of Individuals using the Internet",
                "i99H",
            ),
        ),
        (
            "Individuals_using_the_internet_by_gender_Jun2019",
            r.read_itu_by_sex(gender / "Individuals_using_the_internet_by_gender_Jun2019.xlsx"),
        ),
        (
            "Individuals_using_the_Internet_by_gender_and_urban-rural_location",
            r.read_itu_by_sex_and_area(
                gender / "Individuals_using_the_Internet_by_gender_and_urban-rural_location.xls"
            ),
        ),
        (
            "UN SDG 2023 17.8.1 (i99H)",
            _recode(r.read_sdg_ddf(sdg_file, "IT_USE_ii99", release=SDG_2023, where={"age": "notspec"}), "i99H"),
        ),
        (
            "WDI 2025 Internet use by sex (i99H)",
            _concat(
                r.read_ddf(
                    Path(str(wdi_sex).format(tag)),
                    "i99H",
                    sex=sex,
                    publisher=f"World Bank WDI 2025, IT.NET.USER.{tag.upper()}.ZS from ITU",
                )
                for tag, sex in (("fe", "female"), ("ma", "male"))
            ),
        ),
    ]


def _itu_june_2019(data: Path) -> list[tuple[str, r.SourceTable]]:
    """The ITU World Telecommunication/ICT Indicators of June 2019: mobile and fixed telephony, households."""
    jun = data / "itu_indicators_jun2019"
    return [
        (
            "Mobile_cellular (i911)",
            r.read_itu_wide(
                jun / "Mobile_cellular_2000-2018_Jun2019.xls",
                "Mobile-cellular telephone subscriptions per 100 inhabitants",
                "i911",
            ),
        ),
        (
            "Fixed_tel (i112)",
            r.read_itu_wide(
                jun / "Fixed_tel_2000-2018_Jun2019_revised_27082019.xls",
                "Fixed-telephone subscriptions per 100 inhabitants",
                "i112",
            ),
        ),
        ("CoreHouseholdIndicators", r.read_itu_household(jun / "CoreHouseholdIndicators_Jun2019.xlsx")),
    ]


def _sdg_ownership_and_skills(data: Path) -> list[tuple[str, r.SourceTable]]:
    """Mobile ownership (SDG 5.b.1: the 2023 release, then 2020.Q4) and ICT skills (SDG 4.4.1)."""
    sdg = data / "un_sdg_2023"
    skills = "se_adt_acts--by--age--geo_area--location--nature--sex--type_of_skill--units--year"
    return [
        (
            "UN SDG 2023 5.b.1 (IT_MOB_OWN)",
            r.read_sdg_ddf(
                sdg / "ddf--datapoints--it_mob_own--by--geo_area--nature--sex--units--year.csv",
                "IT_MOB_OWN",
                release=SDG_2023,
            ),
        ),
        ("sdg_5b1", r.read_sdg_csv(data / "un_sdg" / "sdg_5b1_IT_MOB_OWN_mobile_ownership_by_sex.csv")),
        (
            "UN SDG 2023 4.4.1 (SE_ADT_ACTS_*)",
            r.read_sdg_ddf(
                sdg / f"ddf--datapoints--{skills}.csv",
                "SE_ADT_ACTS",
                release=SDG_2023,
                where={"age": "allage", "location": "allarea"},
                split="type_of_skill",
            ),
        ),
    ]


def _population_and_enrolment(data: Path) -> list[tuple[str, r.SourceTable]]:
    """Population by sex (WDI 2025) and tertiary gross enrolment by sex (UNESCO UIS 2024)."""
    pop = data / "wdi_population_2025" / "ddf--datapoints--sp_pop_totl{}--by--economy--year.csv"
    uis = data / "education_enrolment" / "uis--ddf--datapoints--ger_5t8{}--by--country--year.csv"
    population = (
        r.read_ddf(
            Path(str(pop).format(tag)),
            "SP.POP.TOTL",
            YEARS,
            sex=sex,
            publisher=f"World Bank WDI 2025, SP.POP.TOTL{tag.upper().replace('_', '.')}",
        )
        for tag, sex in (("", "total"), ("_fe_in", "female"), ("_ma_in", "male"))
    )
    enrolment = (
        r.read_ddf(Path(str(uis).format(tag)), "UIS.GER.5T8", YEARS, sex=sex, publisher="UNESCO UIS 2024")
        for tag, sex in (("", "total"), ("_f", "female"), ("_m", "male"))
    )
    return [
        ("WDI 2025 population (SP.POP.TOTL)", _concat(population)),
        ("UIS tertiary gross enrolment ratio (UIS.GER.5T8)", _concat(enrolment)),
    ]


#: Gapminder concepts read from ``data/gapminder_wdi`` and the series code each is filed under.
GAPMINDER = (
    ("internet_users", "IT.NET.USER.ZS"),
    ("cell_phones_per_100_people", "IT.CEL.SETS.P2"),
    ("fixed_line_subscribers_per_100_people", "IT.MLT.MAIN.P2"),
    ("broadband_subscribers_per_100_people", "IT.NET.BBND.P2"),
    ("gnipercapita_atlasmethod_current_us", "NY.GNP.PCAP.CD"),
    ("total_population_with_projections", "POP"),
    ("urban_population_percent_of_total", "SP.URB.TOTL.IN.ZS"),
)


def _gapminder(data: Path) -> list[tuple[str, r.SourceTable]]:
    """The Gapminder copies of WDI series (:data:`GAPMINDER`), one file per concept."""
    names = {"nld_curacao": "CUW", "gbg": "GGY", "gbm": "IMN"}
    ddf = "ddf--datapoints--{}--by--geo--time.csv"
    return [
        (concept, r.read_ddf(data / "gapminder_wdi" / ddf.format(concept), code, YEARS, names))
        for concept, code in GAPMINDER
    ]


def _schooling(data: Path) -> tuple[str, r.SourceTable]:
    """Mean years of schooling (Our World in Data: Lee-Lee, Barro-Lee, UNDP 2018)."""
    return (
        "owid mean years of schooling",
        r.read_owid(
            data / "owid_schooling" / "mean_years_of_schooling_LeeLee_BarroLee_UNDP2018.csv",
            "MYS",
            {"Korea": "KOR"},
            (1991, YEARS[1]),
        ),
    )


def _recode(table: r.SourceTable, code: str) -> r.SourceTable:
    """The same values under the series code the library files them under (e.g. SDG IT_USE_ii99 = ITU i99H)."""
    return r.SourceTable(table.panel.assign(indicator=code), table.dropped.assign(indicator=code))


def _concat(tables: Iterable[r.SourceTable]) -> r.SourceTable:
    """One source from several files (e.g. the female and the male file of a WDI series)."""
    tables = list(tables)
    return r.SourceTable(
        pd.concat([t.panel for t in tables], ignore_index=True),
        pd.concat([t.dropped for t in tables], ignore_index=True),
    )


def _unpaired(panel: pd.DataFrame) -> pd.Series:
    """Female (male) rows without the male (female) row of the same economy, year and series in the same file."""
    sexed = panel["sex"].isin(["female", "male"])
    counts = panel[sexed].groupby(["economy", "year", "indicator"])["sex"].transform("nunique")
    return sexed & counts.reindex(panel.index).fillna(2).lt(2)


def _precedence(labels: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Rank of each file for total rows (list order) and for female/male rows (:data:`BY_SEX_PRECEDENCE` first)."""
    total = {label: rank for rank, label in enumerate(labels)}
    first = [label for label in BY_SEX_PRECEDENCE if label in total]
    by_sex = {label: rank for rank, label in enumerate([*first, *(x for x in labels if x not in first)])}
    return total, by_sex


def sex_coverage(panel: pd.DataFrame, first_year: int = 2013) -> pd.DataFrame:
    """Economies with both a female and a male value, per series and year (SDG 4.4.1 skills: any skill type)."""
    sexed = panel[panel["sex"].isin(["female", "male"]) & (panel["year"] >= first_year)]
    series = sexed["indicator"].where(~sexed["indicator"].str.startswith("SE_ADT_ACTS_"), "SE_ADT_ACTS (any skill)")
    pairs = sexed.assign(series=series).groupby(["series", "year", "economy"])["sex"].nunique()
    return pairs[pairs == 2].groupby(["series", "year"]).size().unstack(fill_value=0)


def _sex_coverage(panel: pd.DataFrame) -> str:
    return sex_coverage(panel).to_string()


def revisions(conflicts: pd.DataFrame, tolerance: float = REVISION_TOLERANCE) -> pd.DataFrame:
    """Same-key values that differ between two files by more than ``tolerance``: revisions between vintages."""
    diff = conflicts["value"] - conflicts["kept_value"]
    table = conflicts[diff.abs() > tolerance].assign(difference=diff)
    return table.sort_values(["indicator", "economy", "year", "sex"]).reset_index(drop=True)


def build_panel(data: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (panel, dropped, conflicts, per-source counts, set aside: :data:`SET_ASIDE_COLUMNS`)."""
    tables = _sources(data)
    stacked, unpaired = _ranked(tables)
    panel, conflicts = _first_wins(stacked)
    panel, out_of_range = _within_bounds(panel)
    zero = zero_prices(panel)
    reason = "a basket price of 0 is not a price (ITU DataHub gives 0.00 where no price was collected)"
    set_aside = panel[zero].assign(problem="zero_price", reason=reason)[SET_ASIDE_COLUMNS].reset_index(drop=True)
    zero_rows = _dropped_rows(set_aside, "basket price 0: not a price, set aside")
    panel = panel[~zero].reset_index(drop=True)
    dropped = pd.concat([*(t.dropped for _, t in tables), *unpaired, out_of_range, zero_rows], ignore_index=True)
    counts = pd.DataFrame([{"source": label, "rows": len(t.panel), "dropped": len(t.dropped)} for label, t in tables])
    return panel, dropped, conflicts, counts, set_aside


def _dropped_rows(rows: pd.DataFrame, reason: str | pd.Series) -> pd.DataFrame:
    """Rows of the build's dropped table (file, label, year, indicator, reason) for panel ``rows``."""
    return pd.DataFrame(
        {
            "file": rows["source"],
            "label": rows["economy"],
            "year": rows["year"],
            "indicator": rows["indicator"],
            "reason": reason,
        }
    )


def _ranked(tables: list[tuple[str, r.SourceTable]]) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Every file's rows within :data:`YEARS`, stacked in order of precedence (a total by the files' order, a female
    or male value by :data:`BY_SEX_PRECEDENCE`), and per file the female (male) values dropped for want of their
    partner in the same file."""
    total_rank, sex_rank = _precedence([label for label, _ in tables])
    parts, unpaired = [], []
    for label, table in tables:
        part = table.panel[table.panel["year"].between(*YEARS)]
        alone = _unpaired(part)
        sex = part.loc[alone, "sex"]
        partner = sex + " value without its " + sex.map({"female": "male", "male": "female"})
        unpaired.append(_dropped_rows(part[alone], partner + " partner in the same file"))
        part = part[~alone]
        rank = part["sex"].map(lambda s, lab=label: total_rank[lab] if s == "total" else sex_rank[lab])
        parts.append(part.assign(_rank=rank, _label=label))
    return pd.concat(parts, ignore_index=True).sort_values("_rank", kind="stable"), unpaired


def _first_wins(stacked: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The panel (the first row of each economy, year, series and sex) and the conflicts (every later row, with
    the file and value that won)."""
    key = ["economy", "year", "indicator", "sex"]
    first = ~stacked.duplicated(key, keep="first")
    losers = stacked[~first]
    kept = stacked[first].set_index(key)
    at = losers.set_index(key).index
    conflicts = losers.assign(kept_from=at.map(kept["_label"]), kept_value=at.map(kept["value"]))[
        [*key, "value", "_label", "kept_from", "kept_value"]
    ].rename(columns={"_label": "dropped_from"})
    return stacked[first].drop(columns=["_rank", "_label"]).sort_values(key).reset_index(drop=True), conflicts


def _within_bounds(panel: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The panel without values outside their series' valid range (:func:`ictindex.inputs.catalogue.series_bounds`),
    and those values as dropped rows; a series missing from the catalogue stops the build."""
    bounds = series_bounds()
    unknown = ~panel["indicator"].isin(bounds)
    low = panel["indicator"].map({k: v[0] for k, v in bounds.items()}).astype("float64")
    high = panel["indicator"].map({k: v[1] for k, v in bounds.items()}).astype("float64")
    outside = (panel["value"] < low) | (panel["value"] > high)
    if unknown.any():
        raise SystemExit(f"series missing from the catalogue: {sorted(panel.loc[unknown, 'indicator'].unique())}")
    bad = panel[outside]
    out_of_range = _dropped_rows(bad, "value " + bad["value"].astype("str") + " outside the series' valid range")
    return panel[~outside].reset_index(drop=True), out_of_range


#: The eight UN SDG regional groups (UN SDG Global Database GeoArea tree) and their report labels.
SDG_REGIONS = {
    202: "Sub-Saharan Africa",
    747: "Northern Africa and Western Asia",
    62: "Central and Southern Asia",
    753: "Eastern and South-Eastern Asia",
    419: "Latin America and the Caribbean",
    53: "Australia and New Zealand",
    543: "Oceania (excl. Australia and New Zealand)",
    513: "Europe and Northern America",
}


def build_economies(data: Path, panel: pd.DataFrame) -> pd.DataFrame:
    """Economy metadata for every M49 economy and every panel economy: ISO3, name, UN SDG region, UN M49
    region and sub-region, World Bank income group code (FY2026), and LDC/LLDC/SIDS in the September 2024
    (``*_2024``, UNSD M49 overview) and August 2026 (``*_2026``, country-classification-commons) snapshots."""
    m49 = data / "country_groups_m49"
    overview = pd.read_csv(m49 / "UNSD-m49-overview-en.csv", encoding="utf-8-sig", dtype="str")
    overview = overview.dropna(subset=["ISO-alpha3 Code"]).set_index("ISO-alpha3 Code")
    master = pd.read_csv(m49 / "cccommons--countries_master.csv", dtype="str").set_index("iso3")
    member = pd.read_csv(m49 / "cccommons--country_group_membership.csv", dtype="str")
    code = pd.to_numeric(member["group_code"], errors="coerce")
    sdg = member[(member["source"] == "un_sdg") & code.isin(list(SDG_REGIONS))]
    region = sdg.drop_duplicates("iso3").set_index("iso3")["group_code"].astype(int).map(SDG_REGIONS)
    codes = sorted(set(overview.index) | set(master.index) | set(panel["economy"]))
    # economies outside M49 (Taiwan, Kosovo): SDG region and income group from the Gapminder entity table
    geo = pd.read_csv(data / "gapminder_wdi" / "ddf--entities--geo--country.csv", dtype="str")
    geo["iso3"] = geo["iso3166_1_alpha3"].fillna(geo["country"].map({"kos": "XKX"}))
    geo = geo.dropna(subset=["iso3"]).drop_duplicates("iso3").set_index("iso3")
    outside = [c for c in codes if c not in master.index and c in geo.index]
    gap_region = geo.loc[outside, "un_sdg_region"].map(
        {f"un_{k.lower().replace(' ', '_').replace('-', '_')}": k for k in SDG_REGIONS.values()}
    )
    gap_income = geo.loc[outside, "income_groups"].map(
        {"high_income": "HIC", "upper_middle_income": "UMC", "lower_middle_income": "LMC", "low_income": "LIC"}
    )
    region = pd.concat([region, gap_region])
    income = pd.concat([master["wb_income_code"], gap_income])
    flag_2024 = {
        kind: overview[column].reindex(codes).eq("x").to_numpy()
        for kind, column in (
            ("ldc", "Least Developed Countries (LDC)"),
            ("lldc", "Land Locked Developing Countries (LLDC)"),
            ("sids", "Small Island Developing States (SIDS)"),
        )
    }
    flag_2026 = {kind: master[f"is_{kind}"].reindex(codes).eq("True").to_numpy() for kind in ("ldc", "lldc", "sids")}
    return pd.DataFrame(
        {
            "iso3": codes,
            "name": [economy_name(c) for c in codes],
            "region": region.reindex(codes).to_numpy(),
            "un_region": master["region_name_en"]
            .reindex(codes)
            .fillna(overview["Region Name"].reindex(codes))
            .to_numpy(),
            "un_sub_region": master["sub_region_name_en"]
            .reindex(codes)
            .fillna(overview["Sub-region Name"].reindex(codes))
            .to_numpy(),
            "income_code": income.reindex(codes).to_numpy(),
            "groups_source": [
                "Gapminder entity table (not in UN M49)"
                if c in outside
                else ("UN M49 / World Bank" if c in master.index or c in overview.index else "")
                for c in codes
            ],
            **{f"{kind}_2024": flag for kind, flag in flag_2024.items()},
            **{f"{kind}_2026": flag for kind, flag in flag_2026.items()},
        }
    )


def main(data: Path | None = None) -> Path:
    """Build the panel from ``data`` (default: the bundled folder) and write it with its economies, metadata, set-aside
    values, revisions and build log into ``data/panel``; returns the panel's path."""
    data = data or bundled_dir("data")
    out = data / "panel"
    out.mkdir(exist_ok=True)
    panel, dropped, conflicts, counts, set_aside = build_panel(data)
    target = out / "itu_panel.csv.gz"
    panel.to_csv(target, index=False, compression={"method": "gzip", "mtime": 0})
    build_economies(data, panel).to_csv(out / "economies.csv", index=False)
    meta = _panel_meta(panel, target)
    (out / "panel.json").write_text(json.dumps(meta, indent=2))
    set_aside.to_csv(out / "set_aside.csv", index=False)
    revised = revisions(conflicts)
    revised.to_csv(out / "revisions.csv", index=False)
    log = [
        f"# Build log of the bundled panel {PANEL_VERSION}",
        "",
        "Made by `python -m ictindex.sources.build` from the raw files in `data/`.",
        "",
        "## Rows per source file",
        "",
        counts.to_string(index=False),
        "",
        *_dropped_log(dropped),
        *_set_aside_log(set_aside),
        *_conflicts_log(conflicts),
        *_revisions_log(revised),
        "",
        "## Economies with a female and a male value, per series and year",
        "",
        _sex_coverage(panel),
    ]
    (out / "BUILD_LOG.md").write_text("\n".join(log) + "\n")
    print(f"wrote {target} ({len(panel)} rows, {meta['economies']} economies, {len(meta['series'])} series)")
    return target


def _panel_meta(panel: pd.DataFrame, target: Path) -> dict[str, Any]:
    """``panel.json``: version, build date, rows, economies, series, years and the file's SHA-256."""
    return {
        "version": PANEL_VERSION,
        "built": _dt.date.today().isoformat(),
        "rows": len(panel),
        "economies": int(panel["economy"].nunique()),
        "series": sorted(panel["indicator"].unique()),
        "years": [int(panel["year"].min()), int(panel["year"].max())],
        "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
    }


def _dropped_log(dropped: pd.DataFrame) -> list[str]:
    """The build log's section on dropped rows: counts by file and reason, then the out-of-range values."""
    summary = dropped.assign(reason=dropped["reason"].str.replace(r"^value \S+ ", "value ", regex=True))
    summary = summary.groupby(["file", "reason"]).agg(
        rows=("label", "size"), labels=("label", lambda s: ", ".join(sorted(set(map(str, s)))[:8]))
    )
    return [
        f"## Dropped rows ({len(dropped)})",
        "",
        summary.reset_index().to_string(index=False),
        "",
        "Out-of-range values:",
        "",
        dropped[dropped["reason"].str.contains("valid range")].to_string(index=False),
        "",
    ]


def _set_aside_log(set_aside: pd.DataFrame) -> list[str]:
    """The build log's section on zero prices set aside, by indicator and year."""
    return [
        f"## Zero prices set aside ({len(set_aside)} rows; every one is in `panel/set_aside.csv`)",
        "",
        "A basket price of 0 is not a price: ITU DataHub gives 0.00 where no price was collected. These rows are "
        "kept out of the panel; `ictindex.datasets.load` lists them in every build's issue table (problem "
        "zero_price).",
        "",
        set_aside.groupby(["indicator", "year"])
        .agg(rows=("economy", "size"), economies=("economy", lambda s: ", ".join(sorted(s))))
        .reset_index()
        .to_string(index=False)
        if not set_aside.empty
        else "(none)",
        "",
    ]


def _conflicts_log(conflicts: pd.DataFrame) -> list[str]:
    """The build log's section on keys two files gave, by series, kind and files."""
    log = [f"## Same key from two files ({len(conflicts)} rows; the first file in precedence order wins)", ""]
    if not conflicts.empty:
        log.append(
            conflicts.assign(kind=conflicts["sex"].where(conflicts["sex"] == "total", "female/male"))
            .groupby(["indicator", "kind", "kept_from", "dropped_from"])
            .size()
            .rename("rows")
            .reset_index()
            .to_string(index=False)
        )
    return log


def _revisions_log(revised: pd.DataFrame) -> list[str]:
    """The build log's section on revisions between vintages: counts by series and files, then those over 1 point."""
    log = [
        "",
        f"## Revisions between vintages ({len(revised)} values differ by more than {REVISION_TOLERANCE})",
        "",
        "Every one is in `panel/revisions.csv` (value = the losing file's, kept_value = the winner's).",
        "",
    ]
    if revised.empty:
        return log
    stats = revised.assign(
        kind=revised["sex"].where(revised["sex"] == "total", "female/male"), size=revised["difference"].abs()
    )
    log.append(
        stats.groupby(["indicator", "kind", "kept_from", "dropped_from"])
        .agg(values=("size", "size"), over_1_point=("size", lambda d: int((d > 1).sum())), largest=("size", "max"))
        .round(2)
        .reset_index()
        .to_string(index=False)
    )
    large = stats[stats["size"] > 1].sort_values(
        ["size", "indicator", "economy", "year", "sex"], ascending=[False, True, True, True, True], kind="stable"
    )
    return [
        *log,
        "",
        f"Revisions of more than 1 point ({len(large)}):",
        "",
        large[["indicator", "economy", "year", "sex", "kept_value", "value", "kept_from", "dropped_from"]]
        .round(2)
        .to_string(index=False),
    ]


if __name__ == "__main__":  # pragma: no cover
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
