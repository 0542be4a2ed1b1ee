"""ictindex: composite ICT development indices (ITU Digital Opportunity Index, IDI)
with gender-disaggregated sub-indices, from country indicator tables.

>>> import ictindex
>>> fw = ictindex.load_framework("doi")
>>> fw.name
'Digital Opportunity Index'
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from ictindex._version import __version__ as __version__  # the version in one place
from ictindex.errors import (
    CoverageError,
    FrameworkError,
    IctIndexError,
    IctIndexWarning,
    MethodError,
    PanelError,
    SourceFileError,
    SpecError,
)

if TYPE_CHECKING:  # what the names below are, for readers and type checkers; at run time they load when first used
    # issue 27: the package's face reaches every family
    from ictindex.analysis import Coherence, Comparison, MultiComparison, coherence, compare
    from ictindex.build import build_index
    from ictindex.checks import Findings, check_values
    from ictindex.estimates import Estimates, estimates
    from ictindex.findings import compute_findings
    from ictindex.framework import Framework, available_frameworks, load_framework
    from ictindex.geometry import read_geometry
    from ictindex.inputs.coinr import read_coinr, to_coinr
    from ictindex.inputs.sdmx import read_sdmx, to_sdmx
    from ictindex.model import IndexModel, compile_model
    from ictindex.panel import to_panel, validate_panel
    from ictindex.registry import register_check
    from ictindex.report import write_report
    from ictindex.result import IndexResult
    from ictindex.sensitivity import SensitivityResult, sensitivity
    from ictindex.spec import BuildSpec
    from ictindex.stats import describe
    from ictindex.uncertainty import UncertaintyResult, UncertaintySpec, uncertainty
    from ictindex.units import Units, read_units
    from ictindex.weights import Weights, bod_weights, effective_weights, influence, pca_weights, weights_table

#: Public name -> the module defining it. ``import ictindex`` loads none of them (nor scipy, matplotlib, pydantic
#: models...): PEP 562 ``__getattr__`` imports a name's module the first time the name is used (issue 25).
_LAZY = {
    "Comparison": "ictindex.analysis",
    "MultiComparison": "ictindex.analysis",
    "compare": "ictindex.analysis",
    "build_index": "ictindex.build",
    "Findings": "ictindex.checks",
    "check_values": "ictindex.checks",
    "Estimates": "ictindex.estimates",
    "estimates": "ictindex.estimates",
    "Framework": "ictindex.framework",
    "available_frameworks": "ictindex.framework",
    "load_framework": "ictindex.framework",
    "read_geometry": "ictindex.geometry",
    "read_coinr": "ictindex.inputs.coinr",
    "read_sdmx": "ictindex.inputs.sdmx",  # read/to_sdmx: issue 28 (sdmx1 when called)
    "to_coinr": "ictindex.inputs.coinr",
    "to_sdmx": "ictindex.inputs.sdmx",
    "IndexModel": "ictindex.model",
    "compile_model": "ictindex.model",
    "to_panel": "ictindex.panel",
    "validate_panel": "ictindex.panel",
    "register_check": "ictindex.registry",
    "IndexResult": "ictindex.result",
    "SensitivityResult": "ictindex.sensitivity",
    "sensitivity": "ictindex.sensitivity",
    "BuildSpec": "ictindex.spec",
    "describe": "ictindex.stats",
    "UncertaintyResult": "ictindex.uncertainty",
    "UncertaintySpec": "ictindex.uncertainty",
    "uncertainty": "ictindex.uncertainty",
    "Units": "ictindex.units",
    "read_units": "ictindex.units",
    "effective_weights": "ictindex.weights",
    "weights_table": "ictindex.weights",
    # issue 27: the package's face reaches every family (the stages as modules resolve through the submodule
    # fallback of __getattr__: ictindex.analysis, .gender, .registry, .weights, .datasets, .divide, .report)
    "Coherence": "ictindex.analysis",
    "coherence": "ictindex.analysis",
    "Weights": "ictindex.weights",
    "pca_weights": "ictindex.weights",
    "bod_weights": "ictindex.weights",
    "influence": "ictindex.weights",
    "write_report": "ictindex.report",
    "compute_findings": "ictindex.findings",
}

#: Public functions named like the module holding them: ``ictindex.estimates`` stays the function even after
#: ``import ictindex.estimates`` (which binds the module to the package's attribute).
_SHADOWED = frozenset({"estimates", "sensitivity", "uncertainty"})


def __getattr__(name: str) -> Any:
    """A public name's module imported when the name is first used; a submodule (``ictindex.units``) likewise."""
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
    if name.startswith("__"):
        raise AttributeError(f"module 'ictindex' has no attribute '{name}'")
    try:
        return importlib.import_module(f"ictindex.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"ictindex.{name}":
            raise
        raise AttributeError(f"module 'ictindex' has no attribute '{name}'") from None


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            value = getattr(value, name)  # the import system binding a submodule: the public function keeps the name
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "build_index",
    "compile_model",
    "read_coinr",
    "to_coinr",
    "IndexModel",
    "BuildSpec",
    "compare",
    "Comparison",
    "load_framework",
    "available_frameworks",
    "Framework",
    "IndexResult",
    "uncertainty",
    "sensitivity",
    "UncertaintySpec",
    "UncertaintyResult",
    "SensitivityResult",
    "to_panel",
    "validate_panel",
    "effective_weights",
    "weights_table",
    "IctIndexError",
    # issue 28: SDMX in and out
    "read_sdmx",
    "to_sdmx",
    "FrameworkError",
    "PanelError",
    "SourceFileError",
    "CoverageError",
    "MethodError",
    "SpecError",
    # world and group estimates (issue 24)
    "estimates",
    "Estimates",
    "Units",
    "read_units",
    "read_geometry",
    "MultiComparison",
    # data quality (issue 21)
    "describe",
    "register_check",
    "Findings",
    "check_values",
    "IctIndexWarning",
]

# issue 27: the package's face reaches every family
__all__ += [
    "coherence",
    "Coherence",
    "Weights",
    "pca_weights",
    "bod_weights",
    "influence",
    "analysis",
    "gender",
    "registry",
    "weights",
    "datasets",
    "divide",
    "report",
    "write_report",
    "compute_findings",
]
