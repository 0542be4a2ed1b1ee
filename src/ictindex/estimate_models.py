"""Imputation models behind :func:`ictindex.estimates`: every economy gets a value in every year.

All functions work on ``(economy, year)`` arrays on the logit scale, ``L = log(p / (1 - p))`` for a
percentage ``100 p`` kept ``epsilon`` points away from 0 and 100, with NaN where an economy reports nothing.
The chain (:func:`fill`) and its declared order:

1. ``interpolated`` — linear on the logit scale between the economy's own previous and next values;
2. ``trend`` — the economy's own trend: a least-squares line on the logit scale (a logistic diffusion curve)
   through its last (for years after its data) or first (before) ``window`` values, extended at most
   ``horizon`` years (ITU's "estimation using trends ... from the previous five years", Facts and Figures 2024,
   Methodology), damped by the factor that forecasts the data best (:func:`choose_damping`; 0 carries the value
   flat); with fewer than ``min_points`` values the value is carried flat (:mod:`ictindex.estimate_trend`);
3. ``regression`` — a two-way fixed-effects fit of the reported values: an effect per economy, an effect per year
   and the covariates (log GNI per capita). Year effects come from changes *within* economies, so they do not move
   when economies start or stop reporting; an economy with values of its own keeps its own level (its effect, and
   its residual at its nearest reported year); for one without any, its effect is predicted from its region and its
   mean log GNI per capita (a cross-section regression of the fitted economy effects;
   :mod:`ictindex.estimate_regression`).

Years after (before) an economy's values have two candidate nowcasts: its own trend (step 2) or the regression
(step 3) anchored to its last (first) value, i.e. that value moved by the common year effects and by the change of
its own covariates (mobile-broadband subscriptions move with Internet use from year to year; GNI per capita).
:func:`nowcast_errors` measures both the way they are used — the last values of some economies hidden while the
others keep theirs — and :func:`choose_nowcast` keeps the one with the smaller error (the choice is recorded).
Years after every reported value (a nowcast of the current year) continue the year effects' own damped trend.

Each step's error is measured on the reported data (:func:`errors`): interpolation by leaving each interior value
out, the trend by forecasting every reported value from the data up to ``h`` years before (``h = 1 ... horizon``),
the regression by its residual standard deviation (plus the spread of economy effects within regions for an
economy without any value). These standard deviations (logit scale) become the intervals.

>>> L = np.array([[0.0, np.nan, 1.0, np.nan]])
>>> filled, method, _ = fill(L, np.arange(4), window=5, horizon=5, min_points=2)
>>> filled.round(2).tolist(), method.tolist()
([[0.0, 0.5, 1.0, 1.5]], [['reported', 'interpolated', 'reported', 'trend']])
"""

from __future__ import annotations

import numpy as np

from ictindex.estimate_regression import (  # noqa: F401 - Fit, _two_way: names of this module before the split
    Fit,
    Regression,
    _two_way,
    regression,
)
from ictindex.estimate_trend import _edge_slopes, _next, _previous, _take, _trended, damped, distance

__all__ = [
    "logit",
    "expit",
    "fill",
    "errors",
    "regression",
    "Regression",
    "split_total",
    "distance",
    "damped",
    "choose_damping",
    "nowcast_errors",
    "choose_nowcast",
    "METHODS",
]

METHODS = ("reported", "interpolated", "trend", "regression", "none")
#: Dampings of the trend tried by :func:`choose_damping` (1 = straight line on the logit scale, 0 = flat).
DAMPING_GRID = (0.0, 0.25, 0.5, 0.75, 0.9, 1.0)
_SPLIT_BLOCK = 65536  # cells :func:`split_total` solves at a time


def logit(percent: np.ndarray, epsilon: float = 0.05) -> np.ndarray:
    """Logit of a percentage kept ``epsilon`` points inside (0, 100)."""
    p = np.clip(np.asarray(percent, dtype="float64") / 100.0, epsilon / 100.0, 1.0 - epsilon / 100.0)
    return np.log(p / (1.0 - p))


def expit(x: np.ndarray) -> np.ndarray:
    """Percentage from the logit scale."""
    return 100.0 / (1.0 + np.exp(-np.asarray(x, dtype="float64")))


def fill(
    L: np.ndarray,
    years: np.ndarray,
    *,
    window: int,
    horizon: int,
    min_points: int,
    damping: float = 1.0,
    covariates: np.ndarray | None = None,
    group: np.ndarray | None = None,
    interpolate: bool = True,
    nowcast: str = "trend",
) -> tuple[np.ndarray, np.ndarray, Regression | None]:
    """Fill every NaN of ``L`` (economies x years, logit scale) by the chain of the module docstring.

    ``covariates`` (economies x years x k) and ``group`` (economy codes, -1 for none) feed the regression step;
    ``damping`` (phi) bends the trend: ``h`` years on, the line has moved ``phi + phi^2 + ... + phi^h`` years'
    worth of its slope (Gardner and McKenzie's damped trend; 1 = the straight line, 0 = the value carried flat,
    the "latest value" alternative); ``interpolate=False`` and ``horizon=0`` leave everything to the regression
    (the "regression only" alternative). ``nowcast="regression"`` fills the years after (before) an economy's
    values by the regression anchored to its nearest value instead of its own trend: its last value moved by the
    common year effects and by the change of its own covariates (:func:`choose_nowcast` picks the one that
    forecasts the data better); the trend then serves only cells the regression cannot predict.
    Returns the filled array, the method of every cell (:data:`METHODS`) and the fitted regression.
    """
    observed = ~np.isnan(L)
    group = np.full(L.shape[0], -1) if group is None else group
    out = L.copy()
    method = np.where(observed, "reported", "none").astype(object)
    col = np.arange(L.shape[1])[None, :]
    prev, nxt = _previous(observed), _next(observed)
    has_prev, has_next = prev >= 0, nxt < L.shape[1]
    if interpolate:
        inner = ~observed & has_prev & has_next
        lo, hi = _take(L, prev), _take(L, nxt)
        span = np.where(inner, nxt - prev, 1)
        value = lo + (hi - lo) * (col - prev) / span
        out = np.where(inner, value, out)
        method = np.where(inner, "interpolated", method)
    trended, after, before = _trended(L, years, window=window, horizon=horizon, min_points=min_points, damping=damping)
    if nowcast == "trend":
        out = np.where(after | before, trended, out)
        method = np.where(after | before, "trend", method)
    elif nowcast != "regression":
        raise ValueError(f"nowcast must be 'trend' or 'regression', not {nowcast!r}")
    fit = None
    rest = np.isnan(out)
    if rest.any():
        fit = regression(L, years, covariates, group, window=window, damping=damping)
        predicted = fit.predict(covariates, L.shape)
        residual = np.where(observed, L - predicted, np.nan)
        nearest = np.where(has_prev, _take(residual, prev), _take(residual, nxt))
        anchored = predicted + np.where(np.isnan(nearest), 0.0, nearest)
        out = np.where(rest, anchored, out)
        method = np.where(rest & ~np.isnan(anchored), "regression", method)
    unfilled = np.isnan(out) & ~np.isnan(trended)  # nowcast by regression: what it cannot predict keeps the trend
    out = np.where(unfilled, trended, out)
    method = np.where(unfilled, "trend", method)
    return out, method, fit


def errors(
    L: np.ndarray, years: np.ndarray, *, window: int, horizon: int, min_points: int, damping: float = 1.0
) -> dict:
    """Measured errors (root mean square, logit scale) of interpolation and of the trend ``h`` years ahead.

    Interpolation: every reported value with reported neighbours on both sides is predicted from the nearest
    ones (itself left out). Trend: every reported value in year ``c + h`` is forecast from the data up to
    year ``c``, for every cut-off ``c`` and ``h = 1 ... horizon`` (backcasts are taken to err alike).
    Returns ``{"interpolated": rmse, "trend": array of rmse by h (index h-1)}``; NaN where nothing could be tested.
    """
    return {
        "interpolated": _interpolation_error(L),
        "trend": _trend_errors(L, years, (damping,), window=window, horizon=horizon, min_points=min_points)[damping],
    }


def _interpolation_error(L: np.ndarray) -> float:
    """Root mean square error of interpolation: every reported value with reported neighbours on both sides
    predicted from the nearest ones (itself left out); NaN where none has."""
    observed = ~np.isnan(L)
    col = np.arange(L.shape[1])[None, :]
    before = np.concatenate([np.full((L.shape[0], 1), -1), _previous(observed)[:, :-1]], axis=1)
    after = np.concatenate([_next(observed)[:, 1:], np.full((L.shape[0], 1), L.shape[1])], axis=1)
    inner = observed & (before >= 0) & (after < L.shape[1])
    lo, hi = _take(L, before), _take(L, after)
    guess = lo + (hi - lo) * (col - before) / np.where(inner, after - before, 1)
    return float(np.sqrt(np.nanmean((L - guess)[inner] ** 2))) if inner.any() else float("nan")


def _trend_errors(
    L: np.ndarray, years: np.ndarray, dampings: tuple[float, ...], *, window: int, horizon: int, min_points: int
) -> dict[float, np.ndarray]:
    """Root mean square error of the trend by horizon (index h-1) for each damping in ``dampings``: every reported
    value in year ``c + h`` forecast from the data up to year ``c`` (:func:`errors`). The data up to each cut-off
    and their slopes are the same for every damping: taken once per cut-off, not once per damping."""
    observed = ~np.isnan(L)
    col = np.arange(L.shape[1])[None, :]
    squares: dict[float, list[list[np.ndarray]]] = {
        phi: [[] for _ in range(horizon)] for phi in dict.fromkeys(dampings)
    }
    for cut in range(L.shape[1] - 1):
        past = np.where(col <= cut, L, np.nan)
        if not (~np.isnan(past)).any():
            continue
        last = _previous(~np.isnan(past))[:, cut]
        slope = _edge_slopes(past, years, window, min_points)[0] if any(phi > 0 for phi in squares) else None
        for h in range(1, horizon + 1):
            target = cut + h
            if target >= L.shape[1]:
                break
            ok = (last >= 0) & observed[:, target]
            if not ok.any():
                continue
            base = L[ok, last[ok]]
            step = (years[target] - years[last[ok]]).astype("float64")
            for phi, by_horizon in squares.items():
                slope_last = slope if slope is not None and phi > 0 else np.zeros(L.shape[0])
                by_horizon[h - 1].append((L[ok, target] - (base + slope_last[ok] * damped(step, phi))) ** 2)
    return {
        phi: np.array([np.sqrt(np.mean(np.concatenate(s))) if s else np.nan for s in by_horizon])
        for phi, by_horizon in squares.items()
    }


def choose_damping(
    L: np.ndarray,
    years: np.ndarray,
    *,
    window: int,
    horizon: int,
    min_points: int,
    grid: tuple[float, ...] = DAMPING_GRID,
) -> tuple[float, dict[float, np.ndarray]]:
    """The damping of the trend with the smallest forecast error on the data (root mean square over horizons
    ``1 ... horizon``, each horizon counted once), and every candidate's errors by horizon."""
    tried = _trend_errors(L, years, tuple(grid), window=window, horizon=horizon, min_points=min_points)
    score = {phi: float(np.sqrt(np.nanmean(e**2))) if np.isfinite(e).any() else np.inf for phi, e in tried.items()}
    best = min(grid, key=lambda phi: (score[phi], -phi))
    return best, tried


def nowcast_errors(
    L: np.ndarray,
    years: np.ndarray,
    *,
    window: int,
    horizon: int,
    min_points: int,
    damping: float,
    covariates: np.ndarray | None = None,
    group: np.ndarray | None = None,
    folds: int = 3,
) -> dict[str, np.ndarray]:
    """Forecast errors (root mean square, logit scale) of the two nowcasts of :func:`fill` by years ahead.

    The situation both must handle is an economy that stops reporting while others go on. So, for
    ``h = 1 ... horizon`` and each of ``folds`` sets of economies (every ``folds``-th economy), the last ``h``
    values of the economies of the set (those keeping at least ``min_points``) are hidden, the rest of the data
    kept, and each hidden value is forecast by the economy's own trend and by the anchored regression from the
    values left; the squared errors are pooled by the years between the hidden value and the economy's last value
    kept. Returns ``{"trend": rmse, "regression": rmse}``, arrays by years ahead (index ``years - 1``), NaN where
    nothing could be tested.
    """
    observed = ~np.isnan(L)
    from_end = np.cumsum(observed[:, ::-1], axis=1)[:, ::-1]
    count = observed.sum(axis=1)
    rows = np.arange(L.shape[0])
    squares: dict[str, list[list[np.ndarray]]] = {m: [[] for _ in range(horizon)] for m in ("trend", "regression")}
    for h in range(1, horizon + 1):
        for fold in range(folds):
            hide = observed & (from_end <= h) & ((count > h + min_points - 1) & (rows % folds == fold))[:, None]
            if not hide.any():
                continue
            past = np.where(hide, np.nan, L)
            kept_last = _previous(~np.isnan(past))
            ahead = years[None, :] - years[np.clip(kept_last, 0, None)]
            trend, *_ = _trended(past, years, window=window, horizon=horizon, min_points=min_points, damping=damping)
            regressed, *_ = fill(
                past,
                years,
                window=window,
                horizon=horizon,
                min_points=min_points,
                damping=damping,
                covariates=covariates,
                group=group,
                nowcast="regression",
            )
            for name, guess in (("trend", trend), ("regression", regressed)):
                error = (guess - L)[hide]
                for d in range(1, horizon + 1):
                    pick = (ahead[hide] == d) & ~np.isnan(error)
                    if pick.any():
                        squares[name][d - 1].append(error[pick] ** 2)
    return {
        name: np.array([np.sqrt(np.mean(np.concatenate(s))) if s else np.nan for s in by_year])
        for name, by_year in squares.items()
    }


def choose_nowcast(measured: dict[str, np.ndarray]) -> str:
    """The nowcast (``trend`` or ``regression``) with the smaller forecast error measured by
    :func:`nowcast_errors` over the years ahead both could be tested on (each counted once); the trend when
    they tie or nothing could be compared."""
    trend, regressed = measured["trend"], measured["regression"]
    both = np.isfinite(trend) & np.isfinite(regressed)
    if not both.any():
        return "trend"
    score = {name: float(np.sqrt(np.mean(e[both] ** 2))) for name, e in measured.items()}
    return "regression" if score["regression"] < score["trend"] else "trend"


def split_total(
    total: np.ndarray, gap: np.ndarray, share: np.ndarray, iterations: int = 8
) -> tuple[np.ndarray, np.ndarray]:
    """The two parts A, B (percentages) with ``logit(A) - logit(B) = gap`` and ``s A + (1 - s) B = total``.

    ``share`` is A's population share (women for a female/male split, the urban population for urban/rural).
    The left side grows with ``x = logit(B)``, so Newton's method from ``x = logit(total) - s gap`` (exact when
    the gap is 0) finds the unique solution, cell by cell; steps are bounded so that it cannot overshoot far.

    >>> a, b = split_total(np.array([60.0]), np.array([0.0]), np.array([0.5]))
    >>> round(float(a[0]), 6), round(float(b[0]), 6)
    (60.0, 60.0)
    >>> a, b = split_total(np.array([50.0]), np.array([-0.5]), np.array([0.5]))
    >>> gap = np.log(a[0] / (100 - a[0])) - np.log(b[0] / (100 - b[0]))
    >>> round(float(0.5 * a[0] + 0.5 * b[0]), 9), round(float(gap), 9)
    (50.0, -0.5)
    """
    total, gap, share = (np.asarray(v, dtype="float64") for v in (total, gap, share))
    shape = np.broadcast_shapes(total.shape, gap.shape, share.shape)
    cells = [np.broadcast_to(v, shape).reshape(-1) for v in (total, gap, share)]
    a, b = np.empty(cells[0].size), np.empty(cells[0].size)
    # The steps are cell by cell: blocks of cells small enough to stay in the processor's cache through all the
    # steps run faster than whole arrays (Monte Carlo draws: millions of cells), with the same results.
    for start in range(0, a.size, _SPLIT_BLOCK):
        block = slice(start, start + _SPLIT_BLOCK)
        a[block], b[block] = _newton_split(*(v[block] for v in cells), iterations)
    return a.reshape(shape), b.reshape(shape)


def _newton_split(
    total: np.ndarray, gap: np.ndarray, share: np.ndarray, iterations: int
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`split_total` of cells (1-D arrays of the same length)."""
    p = np.clip(total / 100.0, 1e-9, 1 - 1e-9)
    x = np.log(p / (1.0 - p)) - share * gap
    with np.errstate(invalid="ignore", over="ignore"):
        for _ in range(iterations):
            b = 1.0 / (1.0 + np.exp(-x))
            a = 1.0 / (1.0 + np.exp(-(x + gap)))
            excess = share * a + (1.0 - share) * b - p
            slope = share * a * (1.0 - a) + (1.0 - share) * b * (1.0 - b)
            x = np.clip(x - np.clip(excess / np.maximum(slope, 1e-12), -2.0, 2.0), -30.0, 30.0)
    a, b = expit(x + gap), expit(x)
    bad = np.isnan(p) | np.isnan(gap) | np.isnan(share)
    return np.where(bad, np.nan, a), np.where(bad, np.nan, b)
