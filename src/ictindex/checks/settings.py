"""The checks' settings: the framework's, the build's, the defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ictindex.checks.context import unit_kind
from ictindex.method_table import checks

if TYPE_CHECKING:
    from ictindex.framework import CheckSetting, Framework, Indicator


# -- settings: the framework's, the build's, the defaults -------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """Which checks run with which severity and parameters: the build's ``checks=`` over the framework's
    ``checks:`` section over each check's default for the indicator (``all`` sets every check at once)."""

    framework: Framework
    overrides: Mapping[str, CheckSetting] = field(default_factory=dict)
    units: Any = "economies"

    def _layers(self, name: str) -> list[CheckSetting]:
        found = []
        for source in (self.overrides, self.framework.checks or {}):
            found += [s for s in (source.get(name), source.get("all")) if s is not None]
        return found

    def severity(self, name: str, indicator: Indicator | None = None) -> str:
        for setting in self._layers(name):
            if indicator is not None and setting.indicators and indicator.code in setting.indicators:
                return setting.indicators[indicator.code]
            if setting.severity is not None:
                return setting.severity
        method = checks.get(name)
        return method.default(
            indicator if method.scope == "indicator" else unit_kind(self.units) if method.scope == "units" else None
        )

    def params(self, name: str) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for setting in reversed(self._layers(name)):
            params |= setting.params()
        return params
