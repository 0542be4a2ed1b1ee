"""An economy's own trend, the second step of the imputation chain of :mod:`ictindex.estimate_models`: where each
cell's nearest reported values lie, the damped trend (:func:`damped`), and the values of the years after (before)
an economy's data from a least-squares line through its last (first) values on the logit scale.

>>> L = np.array([[np.nan, 0.0, 1.0, np.nan]])
>>> distance(~np.isnan(L)).tolist()
[[1, 0, 0, 1]]
"""

from __future__ import annotations

import numpy as np

__all__ = ["damped", "distance"]


def _previous(observed: np.ndarray) -> np.ndarray:
    """Column of the latest observed value at or before each column (-1 where none)."""
    cols = np.where(observed, np.arange(observed.shape[1]), -1)
    return np.maximum.accumulate(cols, axis=1)


def _next(observed: np.ndarray) -> np.ndarray:
    """Column of the earliest observed value at or after each column (n where none)."""
    n = observed.shape[1]
    cols = np.where(observed, np.arange(n), n)
    return np.minimum.accumulate(cols[:, ::-1], axis=1)[:, ::-1]


def _take(values: np.ndarray, cols: np.ndarray) -> np.ndarray:
    safe = np.clip(cols, 0, values.shape[1] - 1)
    return np.take_along_axis(values, safe, axis=1)


def damped(steps: np.ndarray, damping: float) -> np.ndarray:
    """Years' worth of slope after ``steps`` years of a damped trend: ``phi + phi^2 + ... + phi^steps``.

    >>> damped(np.array([1.0, 2.0, 3.0]), 1.0).tolist(), damped(np.array([1.0, 2.0]), 0.5).tolist()
    ([1.0, 2.0, 3.0], [0.5, 0.75])
    """
    steps = np.asarray(steps, dtype="float64")
    if damping >= 1.0:
        return steps
    if damping <= 0.0:
        return np.zeros_like(steps)
    return damping * (1.0 - damping**steps) / (1.0 - damping)


def distance(observed: np.ndarray) -> np.ndarray:
    """Columns from each cell to the nearest observed cell of its row (0 where observed, a large number if none)."""
    col = np.arange(observed.shape[1])[None, :]
    prev, nxt = _previous(observed), _next(observed)
    back = np.where(prev >= 0, col - prev, 10**6)
    ahead = np.where(nxt < observed.shape[1], nxt - col, 10**6)
    return np.minimum(back, ahead)


def _edge_slopes(L: np.ndarray, years: np.ndarray, window: int, min_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares slope through each row's last ``window`` and first ``window`` observed values."""
    observed = ~np.isnan(L)
    t = np.broadcast_to(years.astype("float64"), L.shape)
    y = np.where(observed, L, 0.0)
    slopes = []
    for order in (np.cumsum(observed[:, ::-1], axis=1)[:, ::-1], np.cumsum(observed, axis=1)):
        pick = observed & (order <= window)
        n = pick.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            tm = (pick * t).sum(axis=1) / n
            ym = (pick * y).sum(axis=1) / n
            sxx = (pick * (t - tm[:, None]) ** 2).sum(axis=1)
            sxy = (pick * (t - tm[:, None]) * (y - ym[:, None])).sum(axis=1)
            slope = sxy / sxx
        slopes.append(np.where((n >= min_points) & (sxx > 0), slope, 0.0))
    return slopes[0], slopes[1]


def _trended(
    L: np.ndarray, years: np.ndarray, *, window: int, horizon: int, min_points: int, damping: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The trend step of :func:`~ictindex.estimate_models.fill` alone: values of the cells up to ``horizon``
    columns after each row's last (before its first) value, NaN elsewhere, and the masks of those cells after and
    before the data."""
    observed = ~np.isnan(L)
    col = np.arange(L.shape[1])[None, :]
    prev, nxt = _previous(observed), _next(observed)
    has_prev, has_next = prev >= 0, nxt < L.shape[1]
    last_slope, first_slope = _edge_slopes(L, years, window, min_points) if damping > 0 else (0.0, 0.0)
    last_slope = np.broadcast_to(np.asarray(last_slope, dtype="float64"), (L.shape[0],))[:, None]
    first_slope = np.broadcast_to(np.asarray(first_slope, dtype="float64"), (L.shape[0],))[:, None]
    gap_after = col - prev
    after = ~observed & has_prev & ~has_next & (gap_after <= horizon)
    step = (years[col] - years[np.clip(prev, 0, None)]).astype("float64")
    trended = np.where(after, _take(L, prev) + last_slope * damped(step, damping), np.nan)
    gap_before = nxt - col
    before = ~observed & has_next & ~has_prev & (gap_before <= horizon)
    back = (years[col] - years[np.clip(nxt, 0, L.shape[1] - 1)]).astype("float64")
    trended = np.where(before, _take(L, nxt) - first_slope * damped(-back, damping), trended)
    return trended, after, before
