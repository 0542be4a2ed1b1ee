"""Shared fixtures: paths to the shared replication tables and small frameworks built in code."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ictindex import read_coinr

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REPLICATION = Path(__file__).resolve().parent / "replication"  # copied from shared/replication
COINR = ROOT / "data" / "coinr_asem"


def coinr_framework(variant: str) -> dict:
    """The COINr ASEM example as a framework dict (``ictindex.read_coinr``), for one of COINr's variants.

    a: min-max 0-100 + arithmetic; b: min-max 1-100 + geometric; c: z-score + arithmetic;
    d: rank + arithmetic. COINr drops missing children and rescales weights (no coverage rule).
    """
    norm = {
        "a": {"method": "minmax", "target": [0, 100]},
        "b": {"method": "minmax", "target": [1, 100]},
        "c": {"method": "zscore"},
        "d": {"method": "rank"},
    }[variant]
    method = "geometric" if variant == "b" else "arithmetic"
    _, framework = read_coinr(
        COINR / "ASEM_iData.csv",
        COINR / "ASEM_iMeta.csv",
        normalisation=norm,
        aggregation=method,
        code=f"asem_{variant}",
        name="ASEM",
    )
    return framework.model_dump(exclude_none=True)


def coinr_panel() -> pd.DataFrame:
    """ASEM iData as a wide panel, raw (not denominated), as in the COINr reference run."""
    return read_coinr(COINR / "ASEM_iData.csv", COINR / "ASEM_iMeta.csv")[0]


@pytest.fixture
def doi_panel() -> pd.DataFrame:
    """A small complete DOI panel for three economies (values in indicator units)."""
    rows = {
        "KOR": [100, 1.0, 2.0, 80, 85, 99, 120, 110, 97, 100, 90],
        "ARG": [99, 3.0, 4.0, 40, 60, 80, 130, 90, 88, 98, 70],
        "NER": [70, 40.0, 30.0, 1, 4, 10, 45, 30, 20, 50, 40],
    }
    codes = [
        "mobile_coverage",
        "internet_tariff",
        "mobile_tariff",
        "hh_fixed_line",
        "hh_computer",
        "hh_internet",
        "mobile_subscribers",
        "mobile_internet_subscribers",
        "internet_users",
        "fixed_broadband_ratio",
        "mobile_broadband_ratio",
    ]
    records = [
        {"economy": e, "year": 2023, "indicator": c, "value": float(v)}
        for e, vals in rows.items()
        for c, v in zip(codes, vals, strict=True)
    ]
    return pd.DataFrame(records)
