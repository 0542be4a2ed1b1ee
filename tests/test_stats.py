"""describe(): statistics of every framework indicator before imputation, with the checks that fired."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import ictindex
from ictindex import datasets
from ictindex.stats import DESCRIBE_COLUMNS, describe


def _panel() -> pd.DataFrame:
    rows = [
        ("KOR", 2022, "internet_users", 97.0),
        ("ARG", 2022, "internet_users", 88.0),
        ("NER", 2022, "internet_users", 0.0),
        ("KOR", 2023, "internet_users", 97.0),
        ("ARG", 2023, "internet_users", 89.0),
        ("BRA", 2023, "internet_users", 81.0),
        ("NER", 2023, "internet_users", 17.0),
        ("KOR", 2023, "mobile_coverage", 100.0),
        ("ARG", 2023, "internet_tariff", 0.0),  # a price of zero
    ]
    return pd.DataFrame(rows, columns=["economy", "year", "indicator", "value"])


def test_statistics_by_hand():
    table = describe(_panel(), "doi").set_index("indicator")
    assert list(table.reset_index().columns) == DESCRIBE_COLUMNS
    users = table.loc["internet_users"]
    x = np.array([97.0, 88.0, 0.0, 97.0, 89.0, 81.0, 17.0])
    # 7 economy-years have a value of the framework (KOR, ARG, NER in 2022; KOR, ARG, BRA, NER in 2023)
    assert users["units"] == 7 and users["count"] == 7 and users["missing_share"] == 0
    assert (users["min"], users["max"], users["zeros"], users["distinct"]) == (0.0, 97.0, 1, 6)
    assert users["mean"] == pytest.approx(x.mean()) and users["sd"] == pytest.approx(x.std(ddof=1))
    assert users["skew"] == pytest.approx(stats.skew(x, bias=False))  # the treatment rule's estimators
    assert users["kurtosis"] == pytest.approx(stats.kurtosis(x, bias=False))
    assert (users["unit"], users["direction"], users["lower"], users["upper"]) == ("%", "higher", 0.0, 100.0)
    coverage = table.loc["mobile_coverage"]
    assert coverage["count"] == 1 and coverage["missing_share"] == pytest.approx(6 / 7) and np.isnan(coverage["sd"])
    assert table.loc["internet_tariff", "checks"] == "zero_price 1"
    assert table.loc["internet_tariff", ["count", "zeros"]].tolist() == [1, 1]  # described as given, not set aside
    assert table.loc["hh_computer", "count"] == 0 and np.isnan(table.loc["hh_computer", "min"])


def test_by_year_and_years():
    table = describe(_panel(), "doi", by_year=True).set_index(["indicator", "year"])
    assert table.loc[("internet_users", 2022), "count"] == 3 and table.loc[("internet_users", 2023), "count"] == 4
    assert table.loc[("internet_users", 2022), "units"] == 3 and table.loc[("internet_tariff", 2023), "checks"] == (
        "zero_price 1"
    )
    only = describe(_panel(), "doi", years=2022).set_index("indicator")
    assert only.loc["internet_users", "count"] == 3 and only.loc["internet_tariff", "checks"] == ""


def test_bundled_doi_current_has_a_row_for_every_indicator_with_skew_and_kurtosis():
    table = ictindex.describe(datasets.load("itu"), "doi_current")
    codes = ictindex.load_framework("doi_current").indicator_codes
    assert table["indicator"].tolist() == codes
    assert table[["skew", "kurtosis"]].notna().all().all()
    tariff = table.set_index("indicator").loc["internet_tariff"]
    assert "zero_price 42" in tariff["checks"]  # the ITU zero prices the panel build set aside
    assert tariff["zeros"] == 0 and tariff["min"] > 0
