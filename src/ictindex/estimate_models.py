"""Imputation models behind :func:`ictindex.estimates`: every economy gets a value in every year.

All functions work on ``(economy, year)`` arrays on the logit scale, ``L = log(p / (1 - p))`` for a
percentage ``100 p`` kept ``epsilon`` points away from 0 and 100, with NaN where an economy reports nothing.
The chain (:func:`fill`) and its declared order:

1. ``interpolated`` — linear on the logit scale between the economy's own previous and next values;
2. ``trend`` — the economy's own trend: a least-squares line on the logit scale (a logistic diffusion curve)
   through its last (for years after its data) or first (before) ``window`` values, extended at most
   ``horizon`` years (ITU's "estimation using trends ... from the previous five years", Facts and Figures 2024,
   Methodology), damped by the factor that forecasts the data best (:func:`choose_damping`; 0 carries the value
   flat); with fewer than ``min_points`` values the value is carried flat;
3. ``regression`` — a two-way fixed-effects fit of the reported values: an effect per economy, an effect per year
   and the covariates (log GNI per capita). Year effects come from changes *within* economies, so they do not move
   when economies start or stop reporting; an economy with values of its own keeps its own level (its effect, and
   its residual at its nearest reported year); for one without any, its effect is predicted from its region and its
   mean log GNI per capita (a cross-section regression of the fitted economy effects).

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

from dataclasses import dataclass

import numpy as np

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


def logit(percent: np.ndarray, epsilon: float = 0.05) -> np.ndarray:
    """Logit of a percentage kept ``epsilon`` points inside (0, 100)."""
    p = np.clip(np.asarray(percent, dtype="float64") / 100.0, epsilon / 100.0, 1.0 - epsilon / 100.0)
    return np.log(p / (1.0 - p))


def expit(x: np.ndarray) -> np.ndarray:
    """Percentage from the logit scale."""
    return 100.0 / (1.0 + np.exp(-np.asarray(x, dtype="float64")))


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
    """The trend step of :func:`fill` alone: values of the cells up to ``horizon`` columns after each row's last
    (before its first) value, NaN elsewhere, and the masks of those cells after and before the data."""
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


@dataclass(frozen=True)
class Fit:
    """One two-way fixed-effects fit: ``L[i, t] = a[i] + g[t] + x[i, t] @ beta`` on the reported cells."""

    economy: np.ndarray  # a[i]; for economies without a value, the mean of their group's (or of all) a
    year: np.ndarray  # g[t]; a year without a value takes the nearest year's
    beta: np.ndarray
    residual_sd: float
    between_sd: float  # spread of a[i] within groups: the extra error of an economy with no value of its own
    own: np.ndarray  # economies with a value of their own in the fit


@dataclass(frozen=True)
class Regression:
    """Two-way fixed effects (economy and year) with the covariates; economies without any value take the mean
    economy effect of their group (region). Year effects come from changes *within* economies, so they do not move
    when economies start or stop reporting. ``full`` uses the covariates, ``reduced`` does without them (for cells
    lacking one); ``record`` describes both."""

    full: Fit | None
    reduced: Fit | None
    record: list[dict]

    def _predict(self, fit: Fit, covariates: np.ndarray | None) -> np.ndarray:
        out = fit.economy[:, None] + fit.year[None, :]
        if fit.beta.size and covariates is not None:
            out = out + covariates @ fit.beta
        return out

    def predict(self, covariates: np.ndarray | None, shape: tuple[int, int]) -> np.ndarray:
        out = np.full(shape, np.nan)
        if self.reduced is not None:
            out = self._predict(self.reduced, None)
        if self.full is not None and covariates is not None:
            full = self._predict(self.full, covariates)
            out = np.where(np.isnan(full), out, full)
        return out

    def sd(self, shape: tuple[int, int], covariates: np.ndarray | None) -> np.ndarray:
        """Standard error of each cell's prediction: the residual spread, and for an economy without any value
        of its own also the spread of economy effects within its group."""

        def of(fit: Fit) -> np.ndarray:
            extra = np.where(fit.own, 0.0, fit.between_sd**2)
            return np.broadcast_to(np.sqrt(fit.residual_sd**2 + extra)[:, None], shape)

        if self.full is None or covariates is None:
            return of(self.reduced) if self.reduced is not None else np.full(shape, np.nan)
        complete = ~np.isnan(covariates).any(axis=2)
        reduced = of(self.reduced) if self.reduced is not None else np.full(shape, np.nan)
        return np.where(complete, of(self.full), reduced)


def _extend_effects(effects: np.ndarray, present: np.ndarray, *, window: int = 5, damping: float = 0.0) -> np.ndarray:
    """Year effects of years in which no economy reports. Between two years with effects: the nearest one's.
    After the last (before the first): the common trend continued, a least-squares line through the last (first)
    ``window`` effects damped by ``damping`` as in :func:`damped` (0, the default, carries the effect flat).

    >>> _extend_effects(np.array([0.0, 1.0, 2.0, 0.0]), np.array([True, True, True, False]), damping=1.0).tolist()
    [0.0, 1.0, 2.0, 3.0]
    """
    have = np.flatnonzero(present)
    if len(have) == 0:
        return effects
    nearest = have[np.abs(np.arange(len(effects))[:, None] - have[None, :]).argmin(axis=1)]
    out = effects[nearest].astype("float64")
    if damping <= 0.0 or len(have) < 2:
        return out
    t = np.arange(len(effects), dtype="float64")
    for edge, picked, sign in ((have[-1], have[-window:], 1.0), (have[0], have[:window], -1.0)):
        slope = np.polyfit(t[picked], effects[picked], 1)[0]
        beyond = sign * (t - edge) > 0
        out = np.where(beyond, effects[edge] + sign * slope * damped(np.abs(t - edge), damping), out)
    return out


def _two_way(
    L: np.ndarray,
    x: np.ndarray | None,
    group: np.ndarray,
    *,
    pooled: bool = False,
    iterations: int = 300,
    window: int = 5,
    damping: float = 0.0,
) -> tuple[Fit, dict] | None:
    """Alternating least squares for ``L = a[u] + g[t] + x @ beta`` over the cells where ``L`` (and ``x``) exist.

    ``u`` is the economy (two-way fixed effects) or, with ``pooled=True``, its group, without year effects (for
    data with about one value per economy, where neither economy effects nor year effects can be told from which
    economies happened to report in which year)."""
    use = ~np.isnan(L)
    if x is not None:
        use &= ~np.isnan(x).any(axis=2)
    n = int(use.sum())
    own, years_with = use.any(axis=1), use.any(axis=0)
    unit = np.where(group >= 0, group, group.max(initial=-1) + 1) if pooled else np.arange(L.shape[0])
    n_units = int(unit.max()) + 1 if len(unit) else 0
    k = 0 if x is None else x.shape[2]
    fitted_units = len(np.unique(unit[own]))
    if n <= fitted_units + (0 if pooled else years_with.sum()) + k:
        return None
    y = np.where(use, L, 0.0)
    xs = np.where(use[:, :, None], x, 0.0) if x is not None else None
    onehot = np.zeros((L.shape[0], n_units))
    onehot[np.arange(L.shape[0]), unit] = 1.0
    per_unit = np.maximum(onehot.T @ use.sum(axis=1), 1)
    per_year = np.maximum(use.sum(axis=0), 1)
    a, g, beta = np.zeros(n_units), np.zeros(L.shape[1]), np.zeros(k)
    X = xs[use] if xs is not None else None
    xtx = np.einsum("ij,ik->jk", X, X) if X is not None else None
    for _ in range(iterations):
        before = np.concatenate([a, g, beta])
        xb = xs @ beta if xs is not None else 0.0
        a = onehot.T @ np.where(use, y - g[None, :] - xb, 0.0).sum(axis=1) / per_unit
        if not pooled:
            g = np.where(use, y - a[unit][:, None] - xb, 0.0).sum(axis=0) / per_year
        if xs is not None:
            rest = np.where(use, y - a[unit][:, None] - g[None, :], 0.0)
            beta = np.linalg.lstsq(xtx, np.einsum("ij,i->j", X, rest[use]), rcond=None)[0]
        if np.max(np.abs(np.concatenate([a, g, beta]) - before), initial=0.0) < 1e-10:
            break  # converged
    shift = g[years_with].mean() if years_with.any() else 0.0
    g, a = g - shift, a + shift
    effect = a[unit]
    fitted = effect[:, None] + g[None, :] + (xs @ beta if xs is not None else 0.0)
    resid = np.where(use, y - fitted, 0.0)
    dof = max(n - fitted_units - (0 if pooled else int(years_with.sum())) - k, 1)
    residual_sd = float(np.sqrt((resid**2).sum() / dof))
    total = ((y[use] - y[use].mean()) ** 2).sum()
    r2 = float(1.0 - (resid**2).sum() / total) if total > 0 else float("nan")
    fitted_unit = np.zeros(n_units, dtype=bool)
    fitted_unit[unit[own]] = True
    known = fitted_unit[unit]  # the economy's own effect (or its group's) was fitted
    if pooled:
        fill = np.where(known, effect, np.mean(a[fitted_unit]))
        between = 0.0
    else:
        fill, between = _between(effect, own, group, x)
    fit = Fit(fill, _extend_effects(g, years_with, window=window, damping=damping), beta, residual_sd, between, own)
    record = {
        "fit": ("pooled" if pooled else "two-way") + (" with covariates" if k else " without covariates"),
        "observations": n,
        "economies": int(own.sum()),
        "terms": ("region effects" if pooled else "economy and year effects") + (" + covariates" if k else ""),
        "covariate_coefficients": [float(b) for b in beta],
        "r_squared": r2,
        "residual_sd": residual_sd,
        "between_sd": between,
    }
    return fit, record


def _between(effect: np.ndarray, own: np.ndarray, group: np.ndarray, x: np.ndarray | None) -> tuple[np.ndarray, float]:
    """Economy effects of the economies without a value of their own, from a cross-section regression of the
    fitted effects on region and, where known, each economy's mean covariate (its level of GNI per capita):
    ``a[i] = region[i] + mean_t(x[i, t]) @ b``. Returns every economy's effect (its own where fitted) and the
    residual spread of that regression (the extra error of a predicted effect)."""
    codes = np.where(group >= 0, group, group.max(initial=-1) + 1)
    dummies = np.zeros((len(effect), int(codes.max()) + 1))
    dummies[np.arange(len(effect)), codes] = 1.0
    levels = [dummies]
    if x is not None:
        counts = (~np.isnan(x)).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_x = np.where(counts > 0, np.nansum(x, axis=1) / np.maximum(counts, 1), np.nan)
        levels.append(mean_x)
    X = np.concatenate(levels, axis=1)
    known_x = ~np.isnan(X).any(axis=1)
    fit_rows = own & known_x
    keep = X[fit_rows].any(axis=0)  # regions with at least one fitted economy
    out = np.where(own, effect, np.nan)
    if fit_rows.sum() > keep.sum():
        Xf = X[fit_rows][:, keep]
        xtx, xty = np.einsum("ij,ik->jk", Xf, Xf), np.einsum("ij,i->j", Xf, effect[fit_rows])
        coef = np.linalg.lstsq(xtx, xty, rcond=None)[0]
        resid = effect[fit_rows] - Xf @ coef
        spread = float(np.sqrt((resid**2).sum() / max(fit_rows.sum() - keep.sum(), 1)))
        usable = ~own & known_x & ~(X[:, ~keep] != 0).any(axis=1)
        out = np.where(usable, np.where(known_x, np.nan_to_num(X)[:, keep] @ coef, np.nan), out)
    else:
        spread = float(np.std(effect[own])) if own.any() else float("nan")
    # what is still unknown (no covariate, or a region without any fitted economy): the mean of its region, else of all
    for code in np.unique(codes):
        members = (codes == code) & own
        if members.any():
            out = np.where((codes == code) & np.isnan(out), effect[members].mean(), out)
    out = np.where(np.isnan(out), effect[own].mean() if own.any() else 0.0, out)
    return out, spread


def regression(
    L: np.ndarray,
    years: np.ndarray,
    covariates: np.ndarray | None,
    group: np.ndarray | None,
    *,
    window: int = 5,
    damping: float = 0.0,
) -> Regression:
    """Fit :class:`Regression` on the reported cells of ``L``. ``group`` holds codes 0..G-1 (-1 unknown).

    Economy effects need at least two values for most economies; where the reported values are too few for them
    (e.g. one survey per economy), the fit pools economies by region instead (``record`` says which). Years
    after (before) every reported value continue the year effects' own trend (``window``, ``damping``:
    ``_extend_effects``)."""
    group = np.full(L.shape[0], -1) if group is None else group
    observed = ~np.isnan(L)
    repeated = (observed.sum(axis=1) >= 2).sum() >= max(3, 0.5 * observed.any(axis=1).sum())
    fits = []
    for x in (None, covariates) if covariates is not None else (None,):
        found = _two_way(L, x, group, window=window, damping=damping) if repeated else None
        fits.append(found if found is not None else _two_way(L, x, group, pooled=True))
    reduced = fits[0]
    full = fits[1] if len(fits) > 1 else None
    record = [r for _, r in (x for x in (reduced, full) if x is not None)]
    return Regression(full[0] if full else None, reduced[0] if reduced else None, record)


def errors(
    L: np.ndarray, years: np.ndarray, *, window: int, horizon: int, min_points: int, damping: float = 1.0
) -> dict:
    """Measured errors (root mean square, logit scale) of interpolation and of the trend ``h`` years ahead.

    Interpolation: every reported value with reported neighbours on both sides is predicted from the nearest
    ones (itself left out). Trend: every reported value in year ``c + h`` is forecast from the data up to
    year ``c``, for every cut-off ``c`` and ``h = 1 ... horizon`` (backcasts are taken to err alike).
    Returns ``{"interpolated": rmse, "trend": array of rmse by h (index h-1)}``; NaN where nothing could be tested.
    """
    observed = ~np.isnan(L)
    col = np.arange(L.shape[1])[None, :]
    before = np.concatenate([np.full((L.shape[0], 1), -1), _previous(observed)[:, :-1]], axis=1)
    after = np.concatenate([_next(observed)[:, 1:], np.full((L.shape[0], 1), L.shape[1])], axis=1)
    inner = observed & (before >= 0) & (after < L.shape[1])
    lo, hi = _take(L, before), _take(L, after)
    guess = lo + (hi - lo) * (col - before) / np.where(inner, after - before, 1)
    interp = float(np.sqrt(np.nanmean((L - guess)[inner] ** 2))) if inner.any() else float("nan")
    squares = [[] for _ in range(horizon)]
    for cut in range(L.shape[1] - 1):
        past = np.where(col <= cut, L, np.nan)
        if not (~np.isnan(past)).any():
            continue
        last = _previous(~np.isnan(past))[:, cut]
        slope_last = _edge_slopes(past, years, window, min_points)[0] if damping > 0 else np.zeros(L.shape[0])
        for h in range(1, horizon + 1):
            target = cut + h
            if target >= L.shape[1]:
                break
            ok = (last >= 0) & observed[:, target]
            if not ok.any():
                continue
            base = L[ok, last[ok]]
            step = (years[target] - years[last[ok]]).astype("float64")
            squares[h - 1].append((L[ok, target] - (base + slope_last[ok] * damped(step, damping))) ** 2)
    trend = np.array([np.sqrt(np.mean(np.concatenate(s))) if s else np.nan for s in squares])
    return {"interpolated": interp, "trend": trend}


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
    tried = {
        phi: errors(L, years, window=window, horizon=horizon, min_points=min_points, damping=phi)["trend"]
        for phi in grid
    }
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
    p = np.clip(np.asarray(total, dtype="float64") / 100.0, 1e-9, 1 - 1e-9)
    gap = np.asarray(gap, dtype="float64")
    share = np.asarray(share, dtype="float64")
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
