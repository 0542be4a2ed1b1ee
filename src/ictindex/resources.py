"""Where the bundled framework files (``indicators/``) and data (``data/``) live.

In a wheel they are shipped inside the package as ``ictindex/_bundled/<name>``
(hatch force-include) and found with :mod:`importlib.resources`; in a source
checkout (editable install, or tests run from the repository) they are the
top-level ``indicators/`` and ``data/`` folders.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["bundled_dir"]

_SOURCE_ROOT = Path(__file__).resolve().parents[2]


def bundled_dir(name: str) -> Path:
    """Return the folder of bundled ``indicators`` or ``data``.

    >>> bundled_dir("indicators").joinpath("doi.yaml").is_file()
    True
    """
    packaged = resources.files("ictindex").joinpath("_bundled", name)
    if packaged.is_dir():
        return Path(str(packaged))
    return _SOURCE_ROOT / name
