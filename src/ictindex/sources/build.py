"""Former name of :mod:`ictindex.inputs.published_sources.build` (the build of the bundled panel).

Issue 25 gathered the input side into one package, :mod:`ictindex.inputs`. ``ictindex.sources.build`` keeps
working: imported, it is the new module itself; run (``python -m ictindex.sources.build [data folder]``, the
command the build log names), it builds the bundled panel as ``python -m ictindex.inputs.published_sources.build``
does."""

import sys
from pathlib import Path

from ictindex.inputs.published_sources import build as _new

if __name__ == "__main__":  # pragma: no cover
    _new.main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
else:
    sys.modules[__name__] = _new
