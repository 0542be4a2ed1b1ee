"""The regression step of the imputation chain of :mod:`ictindex.estimate_models`: two-way fixed effects (an
effect per economy, an effect per year, the covariates) fitted by alternating least squares on the reported values,
pooled by region where economies report too rarely for effects of their own, and the effects of economies without
any value predicted from their region and mean covariate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ictindex.estimate_trend import damped

__all__ = ["regression", "Regression", "Fit"]


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
    use = _usable_cells(L, x)
    unit = _fit_units(group, pooled=pooled)
    own, years_with = np.any(use, axis=1), np.any(use, axis=0)  # economies, years with a value in the fit
    n, k = int(use.sum()), 0 if x is None else x.shape[2]
    dof = n - len(np.unique(unit[own])) - (0 if pooled else int(years_with.sum())) - k
    if dof <= 0:
        return None  # no more values than effects and coefficients: nothing to fit
    y = np.where(use, L, 0.0)
    xs = np.where(use[:, :, None], x, 0.0) if x is not None else None
    a, g, beta = _alternating_least_squares(y, xs, use, unit, pooled=pooled, iterations=iterations)
    shift = g[years_with].mean() if years_with.any() else 0.0
    g, a = g - shift, a + shift  # year effects centred on the years with values
    residual_sd, r2 = _residual_spread(y, xs, use, a[unit], g, beta, dof)
    economy, between = _economy_effects(a, unit, own, group, x, pooled=pooled)
    year = _extend_effects(g, years_with, window=window, damping=damping)
    record = _fit_record(pooled, beta, observations=n, economies=int(own.sum()), r2=r2, spread=(residual_sd, between))
    return Fit(economy, year, beta, residual_sd, between, own), record


def _usable_cells(L: np.ndarray, x: np.ndarray | None) -> np.ndarray:
    """The cells the fit uses: a reported value and, with covariates, every covariate known."""
    use = ~np.isnan(L)
    if x is not None:
        use &= ~np.isnan(x).any(axis=2)
    return use


def _fit_units(group: np.ndarray, *, pooled: bool) -> np.ndarray:
    """The unit of each economy's effect: the economy itself, or (pooled) its group, -1 becoming a group of its own."""
    return np.where(group >= 0, group, group.max(initial=-1) + 1) if pooled else np.arange(len(group))


def _alternating_least_squares(
    y: np.ndarray, xs: np.ndarray | None, use: np.ndarray, unit: np.ndarray, *, pooled: bool, iterations: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The unit effects ``a``, year effects ``g`` (zero when pooled) and coefficients ``beta`` minimising the squared
    residuals of ``y = a[u] + g[t] + xs @ beta`` over the used cells (``y``, ``xs`` zero elsewhere)."""
    n_units = int(unit.max()) + 1 if len(unit) else 0
    # Every update below needs only sums over the used cells, taken once: per unit and year (cells, y, x), and
    # X'X, X'y; an iteration then costs (units x years) multiply-adds, not passes over the cells.
    cells = _unit_sums(use.astype("float64"), unit, n_units)  # (units, years): used cells of each unit in each year
    per_unit, per_year = np.maximum(cells.sum(axis=1), 1), np.maximum(cells.sum(axis=0), 1)
    y_unit, y_year = _unit_sums(y.sum(axis=1), unit, n_units), y.sum(axis=0)
    a, g, beta = np.zeros(n_units), np.zeros(y.shape[1]), np.zeros(0 if xs is None else xs.shape[2])
    if xs is not None:
        x_unit, x_year = _unit_sums(xs.sum(axis=1), unit, n_units), xs.sum(axis=0)  # (units, k), (years, k)
        X = xs[use]
        xty = np.einsum("ij,i->j", X, y[use])
        solve_beta = np.linalg.pinv(np.einsum("ij,ik->jk", X, X))  # lstsq(X'X, .)'s minimum-norm solution
    for _ in range(iterations):
        before = np.concatenate([a, g, beta])
        a = (y_unit - cells @ g - (x_unit @ beta if xs is not None else 0.0)) / per_unit
        if not pooled:
            g = (y_year - cells.T @ a - (x_year @ beta if xs is not None else 0.0)) / per_year
        if xs is not None:
            beta = solve_beta @ (xty - x_unit.T @ a - x_year.T @ g)
        if np.abs(np.concatenate([a, g, beta]) - before).max(initial=0.0) < 1e-10:
            break  # converged
    return a, g, beta


def _unit_sums(values: np.ndarray, unit: np.ndarray, n_units: int) -> np.ndarray:
    """Sums of ``values`` (one row per economy) over the economies of each unit, as the one-hot product
    ``onehot.T @ values``. When each economy is its own unit (two-way fits) that product is the rows themselves,
    taken as they are: the product is a units x economies BLAS call that OpenBLAS spreads over threads, at a cost
    far above the sums (C order kept, so that the iterations run the same BLAS kernels: bitwise the same fit)."""
    if n_units == len(unit) and np.array_equal(unit, np.arange(n_units)):
        return np.array(values, dtype="float64", order="C")
    onehot = np.zeros((len(unit), n_units))
    onehot[np.arange(len(unit)), unit] = 1.0
    return onehot.T @ values


def _residual_spread(
    y: np.ndarray, xs: np.ndarray | None, use: np.ndarray, effect: np.ndarray, g: np.ndarray, beta: np.ndarray, dof: int
) -> tuple[float, float]:
    """The residual standard deviation (``dof`` degrees of freedom) and R2 of the fit over the used cells."""
    fitted = effect[:, None] + g[None, :] + (xs @ beta if xs is not None else 0.0)
    resid = np.where(use, y - fitted, 0.0)
    residual_sd = float(np.sqrt((resid**2).sum() / dof))
    total = ((y[use] - y[use].mean()) ** 2).sum()
    r2 = float(1.0 - (resid**2).sum() / total) if total > 0 else float("nan")
    return residual_sd, r2


def _economy_effects(
    a: np.ndarray, unit: np.ndarray, own: np.ndarray, group: np.ndarray, x: np.ndarray | None, *, pooled: bool
) -> tuple[np.ndarray, float]:
    """Every economy's effect and the spread of the predicted ones: its unit's where fitted; otherwise, pooled,
    the mean fitted effect (no spread), else predicted from its region and mean covariate (:func:`_between`)."""
    effect = a[unit]
    if not pooled:
        return _between(effect, own, group, x)
    fitted_unit = np.zeros(len(a), dtype=bool)
    fitted_unit[unit[own]] = True
    return np.where(fitted_unit[unit], effect, np.mean(a[fitted_unit])), 0.0


def _fit_record(
    pooled: bool, beta: np.ndarray, *, observations: int, economies: int, r2: float, spread: tuple[float, float]
) -> dict:
    """The record of one fit: what was fitted, in words, its coefficients, R2, residual and between spreads."""
    k = len(beta)
    return {
        "fit": ("pooled" if pooled else "two-way") + (" with covariates" if k else " without covariates"),
        "observations": observations,
        "economies": economies,
        "terms": ("region effects" if pooled else "economy and year effects") + (" + covariates" if k else ""),
        "covariate_coefficients": [float(b) for b in beta],
        "r_squared": r2,
        "residual_sd": spread[0],
        "between_sd": spread[1],
    }


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
