"""``result.plot``: every chart of :mod:`ictindex.report` with the result filled in (the one lazy hop into the
report stage).

A chart that draws an analysis (Lorenz curves, sigma-convergence) is handed the analysis, computed here by the
library function that owns it (:func:`ictindex.divide.lorenz`, :func:`ictindex.divide.convergence`), so chart
code only draws. Keyword arguments the computation takes (``year``, ``column``, ``population``) go to it, the
others to the chart.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

__all__ = ["PlotAccessor", "report_chart"]


def report_chart(name: str) -> Callable[..., Any]:
    """The report's chart function ``name``: a chart of :data:`ictindex.report.CHARTS` or of
    :mod:`ictindex.report.uncertainty_charts`. Every result type (``IndexResult.plot``, ``UncertaintyResult.plot``,
    ``SensitivityResult.plot``) reaches the report stage through here, the one upward hop."""
    from ictindex.report import CHARTS, uncertainty_charts

    found = CHARTS.get(name) or getattr(uncertainty_charts, name, None)
    if found is None:
        raise AttributeError(f"no chart '{name}'; charts: {', '.join(sorted(CHARTS))}")
    return found


def _prepared() -> dict[str, Callable[..., Any]]:
    """Chart name -> the library function computing what it draws from a result."""
    from ictindex import divide

    return {"lorenz_curve": divide.lorenz, "sigma_convergence_chart": divide.convergence}


class PlotAccessor:
    """``result.plot.<chart>(*args, **kwargs)``: each chart of :data:`ictindex.report.CHARTS` with the result
    filled in (``result.plot.map(geometry="provinces.geojson")``, ``result.plot.ranking_chart()``...)."""

    def __init__(self, result: object) -> None:
        self._result = result

    def __getattr__(self, name: str) -> Callable[..., Any]:
        from ictindex.report import CHARTS

        if name not in CHARTS:
            raise AttributeError(f"no chart '{name}'; charts: {', '.join(sorted(CHARTS))}")
        chart = report_chart(name)
        prepare = _prepared().get(name)
        result = self._result

        def draw(*args: Any, **kwargs: Any) -> Any:
            if prepare is None:
                return chart(result, *args, **kwargs)
            from ictindex.report.charts import source_line

            takes = set(inspect.signature(prepare).parameters)
            computed = prepare(result, **{k: kwargs.pop(k) for k in list(kwargs) if k in takes})
            kwargs.setdefault("source", source_line(result))  # type: ignore[arg-type]
            if name == "sigma_convergence_chart":
                kwargs.setdefault("label", result.framework.name)  # type: ignore[attr-defined]
            return chart(computed, *args, **kwargs)

        draw.__doc__ = chart.__doc__
        draw.__name__ = name
        return draw

    def __dir__(self) -> list[str]:
        from ictindex.report import CHARTS

        return sorted(CHARTS)
