"""Unit screening by data availability (OECD/JRC Handbook 2008, step 3; COINr ``Screen()``).

A unit (an economy in one year) with too few indicator values is left out of the index rather than
scored on imputed values: it is kept when ``present / indicators >= min_share`` (COINr
``unit_screen = "byNA"``, ``Dat_Avail >= dat_thresh``). Counting happens on the observed values
(before imputation) or on the imputed ones (COINr's example screens the imputed data set, where a
group-mean imputation has filled nearly everything). Every unit screened out is listed with its
reason.

>>> idx = pd.MultiIndex.from_tuples([("KOR", 2023), ("NER", 2023)], names=["economy", "year"])
>>> values = pd.DataFrame({"a": [1.0, 2.0], "b": [1.0, np.nan], "c": [3.0, np.nan]}, index=idx)
>>> keep, table = screen_units(values, 0.9)
>>> keep.tolist(), table.loc[1, "reason"]
([True, False], 'screened out: 1 of 3 indicators observed (33.3 %), fewer than 90 %')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ictindex.errors import SpecError

__all__ = ["screen_units", "SCREENING_COLUMNS"]

SCREENING_COLUMNS = ["economy", "year", "present", "expected", "share", "kept", "reason"]


def screen_units(
    values: pd.DataFrame, min_share: float, *, counted: str = "observed"
) -> tuple[np.ndarray, pd.DataFrame]:
    """Which rows of the wide ``(economy, year) x indicator`` matrix have at least ``min_share`` values.

    Returns a boolean mask over the rows and a table with one row per unit
    (:data:`SCREENING_COLUMNS`); ``reason`` is empty for the units kept. ``counted`` only words the
    reason (``observed`` or ``imputed`` values).
    """
    if not 0 <= min_share <= 1:
        raise SpecError(
            f"min_share must be a share between 0 and 1, got {min_share}",
            field="screening.min_share",
            hint="write screening={'min_share': 0.9}",
        )
    present = values.notna().sum(axis=1).to_numpy()
    expected = values.shape[1]
    share = present / expected if expected else np.zeros(len(values))
    # COINr compares the share itself (1 - NAs / n >= threshold); a tolerance keeps 0.9 of 10 at 0.9
    keep = share >= min_share - 1e-12
    reason = [
        ""
        if k
        else f"screened out: {p} of {expected} indicators {counted} ({s * 100:.1f} %), fewer than {min_share * 100:g} %"
        for k, p, s in zip(keep, present, share, strict=True)
    ]
    table = pd.DataFrame(
        {
            "economy": values.index.get_level_values("economy"),
            "year": values.index.get_level_values("year"),
            "present": present,
            "expected": expected,
            "share": share,
            "kept": keep,
            "reason": reason,
        }
    )
    return keep, table
