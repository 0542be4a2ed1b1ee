"""Former name of :mod:`ictindex.inputs.published_sources.readers` (readers of the files publishers release).

Issue 25 gathered the input side into one package, :mod:`ictindex.inputs`. ``ictindex.sources.readers`` keeps
working: it is that module itself, so an import of either name gives the same module object."""

import sys

from ictindex.inputs.published_sources import readers as _new
from ictindex.inputs.published_sources.readers import *  # noqa: F403 - its public names, for type checkers

sys.modules[__name__] = _new
