"""Build ``itu_regions.csv``: the ITU (BDT) region of every economy of the bundled metadata.

Run from a checkout: ``python data/itu_regions/make_table.py``. Inputs, all bundled:

* ``data/itu_idi_2024/idi2024_economies.csv``: the region ITU itself gives each of the 170 economies of the
  IDI 2024 (Table 1 and Annex 4, p. 35). These are copied, never overridden.
* ``data/itu_members/itu_member_states.csv``: the 194 ITU Member States.
* ``data/itu_datahub_2025/*.csv``: the economies ITU reports in its DataHub (194 Member States and 42 other
  territories, listed by ``entityIso``; DataHub codes AAA, GBJ and KSO are Guernsey, Jersey and Kosovo).
* ``data/panel/economies.csv``: UN M49 region of every economy (UNSD M49 overview).

Every other economy gets its region from the rule that reproduces all 170 of ITU's own assignments (checked
here and in ``tests/test_datasets.py``): the League of Arab States' 22 members are the Arab States; the nine
CIS economies are Armenia, Azerbaijan, Belarus, Kazakhstan, Kyrgyzstan, the Russian Federation, Tajikistan,
Turkmenistan and Uzbekistan; Cyprus, Georgia, Israel, Türkiye and Kosovo are in Europe; otherwise the UN M49
region decides (Africa -> Africa, Americas -> Americas, Europe -> Europe, Asia and Oceania -> Asia-Pacific).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
IDI_SOURCE = "ITU, The ICT Development Index 2024 (ISBN 978-92-61-39191-1), Table 1 and Annex 4 (p. 35)"
RULE_SOURCE = "ictindex rule reproducing ITU's IDI 2024 regions (see PROVENANCE.md)"
ARAB_STATES = frozenset(
    [
        "DZA",
        "BHR",
        "COM",
        "DJI",
        "EGY",
        "IRQ",
        "JOR",
        "KWT",
        "LBN",
        "LBY",
        "MRT",
        "MAR",
        "OMN",
        "PSE",
        "QAT",
        "SAU",
        "SOM",
        "SDN",
        "SYR",
        "TUN",
        "ARE",
        "YEM",
    ]
)
CIS = frozenset(["ARM", "AZE", "BLR", "KAZ", "KGZ", "RUS", "TJK", "TKM", "UZB"])
EUROPE_IN_ASIA = frozenset(["CYP", "GEO", "ISR", "TUR", "XKX"])
M49 = {
    "Africa": "Africa",
    "Americas": "Americas",
    "Europe": "Europe",
    "Asia": "Asia-Pacific",
    "Oceania": "Asia-Pacific",
}
DATAHUB_CODES = {"AAA": "GGY", "GBJ": "JEY", "KSO": "XKX"}
#: Economies without a UN M49 region in economies.csv: former Netherlands Antilles (Caribbean), Ascension
#: (South Atlantic, with Saint Helena), Antarctica (no region), Kosovo (Europe).
NO_M49 = {"ANT": "Americas", "ASC": "Africa", "XKX": "Europe"}


def rule(codes: pd.Index, un_region: pd.Series) -> pd.Series:
    region = un_region.reindex(codes).map(M49)
    region = region.fillna(pd.Series(NO_M49).reindex(codes))
    region = region.where(~codes.isin(EUROPE_IN_ASIA), "Europe")
    region = region.where(~codes.isin(CIS), "CIS")
    region = region.where(~codes.isin(ARAB_STATES), "Arab States")
    return region.fillna("not assigned")


def main() -> None:
    idi = pd.read_csv(DATA / "itu_idi_2024" / "idi2024_economies.csv", dtype="str").set_index("economy")
    members = set(pd.read_csv(DATA / "itu_members" / "itu_member_states.csv", dtype="str")["iso3"])
    hub = set()
    for path in sorted((DATA / "itu_datahub_2025").glob("*.csv")):
        hub |= set(pd.read_csv(path, usecols=["entityIso"], dtype="str")["entityIso"])
    hub = {DATAHUB_CODES.get(code, code) for code in hub}
    meta = pd.read_csv(DATA / "panel" / "economies.csv", dtype="str").set_index("iso3")
    codes = pd.Index(sorted(set(meta.index) | members | hub | set(idi.index)), name="economy")
    by_rule = rule(codes, meta["un_region"])
    in_idi = codes.isin(idi.index)
    disagree = [c for c in idi.index if by_rule[c] != idi.loc[c, "itu_region"]]
    if disagree:
        raise SystemExit(f"the rule disagrees with ITU's IDI 2024 regions for {disagree}")
    status = pd.Series("other economy (not in ITU DataHub)", index=codes)
    status[codes.isin(hub)] = "territory reported by ITU"
    status[codes.isin(members)] = "ITU Member State"
    table = pd.DataFrame(
        {
            "economy": codes,
            "itu_region": by_rule.where(~in_idi, idi["itu_region"].reindex(codes)).to_numpy(),
            "status": status.to_numpy(),
            "source": [IDI_SOURCE if x else RULE_SOURCE for x in in_idi],
        }
    )
    table.to_csv(HERE / "itu_regions.csv", index=False, lineterminator="\n")
    print(table.groupby(["status", "itu_region"]).size().unstack(fill_value=0).to_string())


if __name__ == "__main__":
    main()
