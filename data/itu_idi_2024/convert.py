"""Rebuild the bundled IDI 2024 tables from the shared extraction of ITU's report.

Input: ``derived--idi_2024_scores_and_indicators.csv`` (see PROVENANCE.md: Table 1 and Annex 2 of
ITU, *Measuring digital development: The ICT Development Index 2024*, parsed with ``pdftotext -layout``).
Run from a checkout: ``python data/itu_idi_2024/convert.py /path/to/derived--idi_2024_scores_and_indicators.csv``.
Values are copied, never recomputed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SOURCE = "ITU, The ICT Development Index 2024 (ISBN 978-92-61-39191-1)"
# Annex 2 column (``v_*``) -> indicator code of indicators/idi2024.yaml
VALUES = {
    "internet": "internet_users",
    "hh_internet": "hh_internet",
    "mbb_subs": "mbb_subscriptions",
    "cov_3g": "coverage_3g",
    "cov_4g": "coverage_4g",
    "mbb_traffic_gb": "mbb_traffic",
    "fbb_traffic_gb": "fbb_traffic",
    "mobile_basket_gni": "mobile_basket",
    "fbb_basket_gni": "fbb_basket",
    "mobile_owners": "mobile_owners",
}
SCORES = {  # Annex 2 normalised scores (``s_*``) -> node or indicator code; coverage is the combined node
    "internet": "internet_users",
    "hh_internet": "hh_internet",
    "mbb_subs": "mbb_subscriptions",
    "coverage": "coverage",
    "mbb_traffic": "mbb_traffic",
    "fbb_traffic": "fbb_traffic",
    "mobile_basket": "mobile_basket",
    "fbb_basket": "fbb_basket",
    "mobile_owners": "mobile_owners",
}
FLAGS = {"E": "ITU estimate (marked † in Annex 2)", "L": "2021 value used for 2022 (marked ‡ in Annex 2)"}
REGIONS = {
    "AFR": "Africa",
    "AMS": "Americas",
    "ARB": "Arab States",
    "ASP": "Asia-Pacific",
    "CIS": "CIS",
    "EUR": "Europe",
}
INCOME = {"HI": "High-income", "UMI": "Upper-middle-income", "LMI": "Lower-middle-income", "LI": "Low-income"}


def main(derived: Path) -> None:
    table = pd.read_csv(derived, keep_default_na=False, na_values=[""])
    values = []
    for column, code in VALUES.items():
        part = table[["iso3", f"v_{column}", f"v_{column}_flag"]].dropna(subset=[f"v_{column}"])
        values.append(
            pd.DataFrame(
                {
                    "economy": part["iso3"],
                    "year": 2022,
                    "indicator": code,
                    "sex": "total",
                    "value": part[f"v_{column}"],
                    "source": "ITU IDI 2024, Annex 2",
                    "note": part[f"v_{column}_flag"].map(FLAGS).fillna(""),
                }
            )
        )
    panel = pd.concat(values).sort_values(["economy", "indicator"])
    panel.to_csv(HERE / "idi2024_values_2022.csv", index=False)

    published = (
        pd.concat(
            [
                pd.DataFrame(
                    {
                        "economy": table["iso3"],
                        "edition": 2024,
                        "year": 2022,
                        "IDI": table["idi_2024"],
                        "universal": table["universal_2024"],
                        "meaningful": table["meaningful_2024"],
                    }
                ),
                pd.DataFrame({"economy": table["iso3"], "edition": 2023, "year": 2021, "IDI": table["idi_2023"]}),
            ]
        )
        .dropna(subset=["IDI"])
        .sort_values(["edition", "economy"])
    )
    published.to_csv(HERE / "idi2024_published.csv", index=False)

    scores = pd.concat(
        [
            pd.DataFrame(
                {"economy": table["iso3"], "edition": 2024, "year": 2022, "code": code, "score": table[f"s_{column}"]}
            ).dropna(subset=["score"])
            for column, code in SCORES.items()
        ]
    ).sort_values(["economy", "code"])
    scores.to_csv(HERE / "idi2024_published_indicator_scores.csv", index=False)

    economies = pd.DataFrame(
        {
            "economy": table["iso3"],
            "name": table["economy"],
            "itu_region": table["region_itu"].map(REGIONS),
            "income_group": table["income_group"].map(INCOME).fillna("not classified"),
            "source": SOURCE + ", Table 1 (pp. 4-5) and Annex 4 groups (p. 35)",
        }
    ).sort_values("economy")
    economies.to_csv(HERE / "idi2024_economies.csv", index=False)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
