"""Former name of :mod:`ictindex.inputs.catalogue` (the catalogue of source series).

Issue 25 gathered the input side into one package, :mod:`ictindex.inputs`. ``ictindex.catalogue`` keeps working: it is
that module itself, so an import of either name gives the same module object."""

import sys

from ictindex.inputs import catalogue as _new
from ictindex.inputs.catalogue import *  # noqa: F403 - its public names, for type checkers

sys.modules[__name__] = _new
