"""Former name of :mod:`ictindex.inputs.published_scores` (published score tables as numbers).

Issue 25 gathered the input side into one package, :mod:`ictindex.inputs`. ``ictindex.published`` keeps working: it is
that module itself, so an import of either name gives the same module object."""

import sys

from ictindex.inputs import published_scores as _new
from ictindex.inputs.published_scores import *  # noqa: F403 - its public names, for type checkers

sys.modules[__name__] = _new
