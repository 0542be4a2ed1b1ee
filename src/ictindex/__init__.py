"""ictindex: composite ICT development indices (ITU Digital Opportunity Index, IDI)
with gender-disaggregated sub-indices, from country indicator tables.

>>> import ictindex
>>> fw = ictindex.load_framework("doi")
>>> fw.name
'Digital Opportunity Index'
"""

from ictindex.analysis import Comparison, compare
from ictindex.build import build_index
from ictindex.errors import (
    CoverageError,
    FrameworkError,
    IctIndexError,
    MethodError,
    PanelError,
    SourceFileError,
    SpecError,
)
from ictindex.estimates import Estimates, estimates
from ictindex.framework import Framework, available_frameworks, load_framework
from ictindex.io import read_coinr, read_sdmx, to_coinr, to_sdmx  # read/to_sdmx: issue 28 (sdmx1 when called)
from ictindex.model import IndexModel, compile_model
from ictindex.panel import to_panel, validate_panel
from ictindex.result import IndexResult
from ictindex.sensitivity import SensitivityResult, sensitivity
from ictindex.spec import BuildSpec
from ictindex.uncertainty import UncertaintyResult, UncertaintySpec, uncertainty
from ictindex.weights import effective_weights, weights_table

# isort: split
# -- issue 22: units tables, boundaries, several results compared ----------------------------------------------------
from ictindex import datasets as _datasets
from ictindex.analysis import MultiComparison
from ictindex.geometry import read_geometry
from ictindex.units import Units, read_units
from ictindex.units import economies as _economies

_datasets.economies = _economies  # the former datasets.economies (now in ictindex.units: datasets imports none of it)

__version__ = "0.1.0"

# data quality (issue 21): describe a panel, the checks registry, the warning a kept finding emits
from ictindex.checks import Findings, check_values  # noqa: E402
from ictindex.errors import IctIndexWarning  # noqa: E402
from ictindex.registry import register_check  # noqa: E402
from ictindex.stats import describe  # noqa: E402

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
