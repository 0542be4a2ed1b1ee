"""Framework indicators from a validated panel (end of the load stage).

For each framework indicator, in order of precedence: rows whose ``indicator`` is
the framework code itself; then the source series the framework names (the first
alternative present wins, per economy and year); or the ratio
``numerator / denominator * multiplier`` of two series. The source of every value
is kept, so it can be traced back.

For a sex-specific build (``sex="female"`` or ``"male"``) indicators that can be
split by sex take the female/male rows only — never the total — and the others
(coverage, prices, subscriptions, household indicators) take the total value,
common to both sexes.

>>> from ictindex.framework import load_framework
>>> panel = pd.DataFrame({"economy": ["KOR", "KOR"], "year": [2018, 2018],
...     "indicator": ["IT.NET.USER.ZS", "mobile_subscribers"], "sex": "total",
...     "value": [96.0, 129.7], "source": "test", "note": ""})
>>> values, sources = indicator_values(panel, load_framework("doi"))
>>> values.loc[("KOR", 2018), ["internet_users", "mobile_subscribers"]].tolist()
[96.0, 129.7]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ictindex.framework import Framework

__all__ = ["indicator_values"]

INDEX_NAMES = ["economy", "year"]


def _wide(panel: pd.DataFrame, column: str) -> pd.DataFrame:
    if panel.empty:
        return pd.DataFrame(index=pd.MultiIndex.from_arrays([[], []], names=INDEX_NAMES))
    return panel.pivot(index=INDEX_NAMES, columns="indicator", values=column)


def indicator_values(
    panel: pd.DataFrame,
    framework: Framework,
    *,
    sex: str = "total",
    years: list[int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Wide matrix of framework indicator values and the matching matrix of sources.

    Parameters
    ----------
    panel
        A validated panel (see :func:`ictindex.panel.to_panel`).
    framework
        The framework whose indicators are wanted.
    sex
        ``total``, ``female`` or ``male``.
    years
        Keep only these years (default: all years in the panel).

    Returns
    -------
    values, sources
        Both indexed by ``(economy, year)`` with one column per framework indicator,
        in framework order; ``values`` holds floats (NaN = no data), ``sources`` the
        series code and publisher each value came from.
    """
    if years is not None:
        panel = panel[panel["year"].isin(years)]
    total = panel[panel["sex"] == "total"]
    own = panel[panel["sex"] == sex]
    frames = {
        "total": (_wide(total, "value"), _wide(total, "source")),
        sex: (_wide(own, "value"), _wide(own, "source")),
    }
    # an economy's years come from the framework's own indicators and series only: a row of a series
    # the framework does not use must not create a year to impute and score
    own_rows = panel[panel["indicator"].isin(set(framework.indicator_codes) | framework.series_codes)
                     & panel["sex"].isin(["total", sex])]
    index = pd.MultiIndex.from_frame(
        own_rows[INDEX_NAMES].drop_duplicates().sort_values(INDEX_NAMES)
    ) if not own_rows.empty else pd.MultiIndex.from_arrays([[], []], names=INDEX_NAMES)
    values = pd.DataFrame(np.nan, index=index, columns=framework.indicator_codes, dtype="float64")
    sources = pd.DataFrame("", index=index, columns=framework.indicator_codes, dtype="str")

    for ind in framework.indicators:
        which = sex if ind.sex_disaggregable else "total"
        wide_values, wide_sources = frames[which]

        def take(code: str, wv: pd.DataFrame = wide_values, ws: pd.DataFrame = wide_sources
                 ) -> tuple[pd.Series, pd.Series]:
            if code not in wv.columns:
                return pd.Series(np.nan, index=index), pd.Series("", index=index, dtype="str")
            v = wv[code].reindex(index)
            s = (code + " (" + ws[code].reindex(index).astype("str") + ")").where(v.notna(), "")
            return v.astype("float64"), s

        value, source = take(ind.code)
        rule = ind.source
        if rule is not None and not rule.is_ratio:
            for code in rule.series:
                alt_value, alt_source = take(code)
                fill = value.isna() & alt_value.notna()
                value = value.where(~fill, alt_value)
                source = source.where(~fill, alt_source)
        elif rule is not None:
            num, num_source = take(rule.numerator)  # type: ignore[arg-type]
            den, den_source = take(rule.denominator)  # type: ignore[arg-type]
            ratio = (num / den.where(den > 0)) * rule.multiplier
            fill = value.isna() & ratio.notna()
            value = value.where(~fill, ratio)
            source = source.where(~fill, num_source + " / " + den_source)
        values[ind.code] = value.to_numpy()
        sources[ind.code] = source.to_numpy()
    return values, sources
