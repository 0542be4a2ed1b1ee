"""Former name of :mod:`ictindex.inputs.bundled` (the bundled data).

Issue 25 gathered the input side into one package, :mod:`ictindex.inputs`. ``ictindex.datasets`` keeps working: it is
that module itself, so an import of either name gives the same module object."""

import sys

from ictindex.inputs import bundled as _new
from ictindex.inputs.bundled import *  # noqa: F403 - its public names, for type checkers

sys.modules[__name__] = _new
