"""Former name of :mod:`ictindex.inputs.user_files` (reading a panel file of one's own).

Issue 25 gathered the input side into one package, :mod:`ictindex.inputs`. ``ictindex.read`` keeps working: it is
that module itself, so an import of either name gives the same module object."""

import sys

from ictindex.inputs import user_files as _new
from ictindex.inputs.user_files import *  # noqa: F403 - its public names, for type checkers

sys.modules[__name__] = _new
