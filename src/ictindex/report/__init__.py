"""Report stage: publication charts, tables and the report folder.

Charts are functions returning a matplotlib Figure; they are also reachable from a result as
``result.plot.<name>(...)``.
"""

from ictindex.report.gender_charts import gender_dumbbell, parity_chart

__all__ = ["gender_dumbbell", "parity_chart", "PlotAccessor"]


class PlotAccessor:
    """``result.plot.<chart>(**kwargs)``: each chart function with the result filled in."""

    _charts = {"gender_dumbbell": gender_dumbbell, "parity_chart": parity_chart}

    def __init__(self, result: object) -> None:
        self._result = result

    def __getattr__(self, name: str):  # noqa: ANN204
        try:
            chart = self._charts[name]
        except KeyError:
            raise AttributeError(f"no chart '{name}'; charts: {', '.join(sorted(self._charts))}") from None

        def draw(**kwargs: object):  # noqa: ANN202
            return chart(self._result, **kwargs)

        draw.__doc__ = chart.__doc__
        draw.__name__ = name
        return draw

    def __dir__(self) -> list[str]:
        return sorted(self._charts)
