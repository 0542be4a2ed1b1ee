"""Former name of :mod:`ictindex.inputs.sdmx` (SDMX in and out).

Issue 25 gathered the input side into one package, :mod:`ictindex.inputs`. ``ictindex.io.sdmx`` and its
modules (``mapping``, ``panel``, ``reading``, ``writing``) keep working: each is the new module itself, so an
import of either name gives the same module object."""

import sys

from ictindex.inputs import sdmx as _new
from ictindex.inputs.sdmx import *  # noqa: F403 - its public names, for type checkers
from ictindex.inputs.sdmx import mapping, panel, reading, writing

sys.modules[__name__] = _new
for _module in (mapping, panel, reading, writing):
    sys.modules[f"{__name__}.{_module.__name__.rpartition('.')[2]}"] = _module
