"""Writing untrusted text safely: spreadsheet cells that are never formulas, file names that stay in
their folder, and output folders that are replaced whole or not at all.

* :func:`safe_text` / :func:`safe_table` neutralise text a spreadsheet would run as a formula. OWASP's
  CSV-injection guidance (https://owasp.org/www-community/attacks/CSV_Injection): a cell that begins with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with a single quote, so the text stays
  visible and is read as text by Excel, LibreOffice and Google Sheets.
* :func:`safe_filename` turns a label from the data (an economy code, a chart name) into one path component.
* :func:`output_folder` writes a run into a fresh temporary folder next to the target and moves it into place
  when every step has succeeded, so a folder never mixes two runs and a failing step leaves nothing behind. A
  non-empty folder is replaced only when it is a previous output of ours (a manifest, :data:`MANIFEST`, lists
  the files we wrote), never when it holds anything else.

>>> safe_text('=HYPERLINK("http://x","y")')
'\\'=HYPERLINK("http://x","y")'
>>> safe_text("Korea (Rep.)"), safe_text(-1.5)
('Korea (Rep.)', -1.5)
>>> safe_filename("profile_X/../../escaped")
'profile_X_.._.._escaped'
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from ictindex._version import __version__
from ictindex.errors import OutputError

try:  # POSIX: serialise the final swap of two runs writing the same folder
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "MANIFEST",
    "FORMULA_STARTS",
    "safe_text",
    "safe_xlsx_value",
    "safe_table",
    "safe_csv",
    "safe_filename",
    "inside",
    "output_folder",
]

#: The file that marks a folder as written by ictindex (JSON: tool, version, files).
MANIFEST = ".ictindex-output.json"
#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
#: Control characters XML 1.0 (so XLSX) cannot hold; openpyxl raises IllegalCharacterError on them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_text(value: object) -> object:
    """``value`` with a ``'`` in front when it is text a spreadsheet would read as a formula.

    Text starting with ``= + - @``, a tab or a carriage return (also after leading spaces, which some
    spreadsheets trim) is prefixed; anything else, and every non-text value, is returned unchanged.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_STARTS) or value.lstrip(" \u00a0").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_xlsx_value(value: object) -> object:
    """:func:`safe_text`, and control characters an XLSX cell cannot hold replaced by U+FFFD.

    >>> safe_xlsx_value("=1+1\x1b")
    "'=1+1\ufffd"
    """
    value = safe_text(value)
    return _XML_ILLEGAL.sub("\ufffd", value) if isinstance(value, str) else value


def safe_table(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` whose text cells and column names pass through :func:`safe_text`.

    Numeric columns are left as they are (a negative number is a number, not a formula).

    >>> safe_table(pd.DataFrame({"economy": ["@SUM(A1)", "KOR"], "score": [-1.0, 2.0]})).to_dict("list")
    {'economy': ["'@SUM(A1)", 'KOR'], 'score': [-1.0, 2.0]}
    """
    out = table.copy()
    for position in range(out.shape[1]):
        series = out.iloc[:, position]
        if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
            out.isetitem(position, series.map(safe_text, na_action="ignore"))
    out.columns = [safe_text(str(c)) for c in out.columns]
    return out


def safe_csv(table: pd.DataFrame, path: str | Path) -> Path:
    r"""Write ``table`` as a UTF-8 CSV with :func:`safe_table`'s cells, full precision, no index.

    Lines end with CRLF (RFC 4180), so a cell holding a bare carriage return is quoted: unquoted, a
    spreadsheet would start a new row there, and the text after it (``x\r=1+1``) would be a formula.
    """
    safe_table(table).to_csv(path, index=False, lineterminator="\r\n")
    return Path(path)


def safe_filename(label: object, *, max_length: int = 100) -> str:
    """One safe path component from a label: letters, digits, ``. _ -`` kept, anything else (``/``,
    ``\\``, spaces, control characters) replaced by ``_``; never empty, never ``.``/``..``, no leading dot."""
    name = _UNSAFE_NAME.sub("_", str(label)).lstrip(".")[:max_length]
    return name if name.strip("._") else "_"


def inside(folder: str | Path, path: str | Path) -> Path:
    """``path`` if it lies inside ``folder`` (symlinks resolved), else :class:`~ictindex.errors.OutputError`."""
    root = Path(folder).resolve()
    resolved = Path(path).resolve()
    if resolved != root and root not in resolved.parents:
        raise OutputError(
            f"refusing to write '{path}': it lies outside the output folder",
            file=str(folder),
            hint="report this: file names are built from the data and must stay in the folder",
        )
    return Path(path)


def _ours(folder: Path) -> dict | None:
    """The manifest of a folder written by ictindex, or ``None``."""
    marker = folder / MANIFEST
    if marker.is_symlink() or not marker.is_file():
        return None
    try:
        manifest = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("tool") == "ictindex" else None


def _check_target(target: Path) -> None:
    """Refuse a target that is not a folder we may replace."""
    if target.is_symlink():
        raise OutputError(
            "the output folder is a symbolic link", file=str(target), hint="give the real folder, or a new folder name"
        )
    if not target.exists():
        return
    here = Path.cwd().resolve()
    if target.resolve() == here or target.resolve() in here.parents:
        raise OutputError(
            "the output folder is the current folder or contains it",
            file=str(target),
            hint="give a new subfolder (e.g. --out report): the output folder is replaced as a whole",
        )
    if not target.is_dir():
        raise OutputError(
            "the output path exists and is not a folder",
            file=str(target),
            hint="give a folder name (it is created if needed)",
        )
    content = sorted(p.name for p in target.iterdir())
    if not content:
        return
    manifest = _ours(target)
    if manifest is None:
        shown = ", ".join(content[:5]) + (" ..." if len(content) > 5 else "")
        raise OutputError(
            f"the output folder is not empty and was not written by ictindex (it holds {shown})",
            file=str(target),
            hint=f"choose a new or empty folder; ictindex replaces only its own earlier output (marked by {MANIFEST})",
        )
    ours = set(manifest.get("files", [])) | {MANIFEST}
    foreign = [
        str(p.relative_to(target))
        for p in target.rglob("*")
        if (p.is_file() or p.is_symlink()) and str(p.relative_to(target).as_posix()) not in ours
    ]
    if foreign:
        raise OutputError(
            f"the output folder holds files ictindex did not write: {', '.join(sorted(foreign)[:5])}",
            file=str(target),
            hint="move those files elsewhere, or choose another folder",
        )


def _write_manifest(folder: Path) -> None:
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    for path in folder.rglob("*"):
        if path.is_symlink():
            raise OutputError(
                f"a symbolic link was written into the output ({path.name})",
                file=str(folder),
                hint="report this: ictindex writes only regular files",
            )
    (folder / MANIFEST).write_text(
        json.dumps({"tool": "ictindex", "version": __version__, "files": files}, indent=1) + "\n", encoding="utf-8"
    )


@contextlib.contextmanager
def _lock(target: Path) -> Iterator[None]:
    if fcntl is None:  # pragma: no cover
        yield
        return
    lock = target.parent / f".{target.name}.lock"
    handle = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        os.close(handle)
        with contextlib.suppress(OSError):
            lock.unlink()


@contextlib.contextmanager
def output_folder(target: str | Path) -> Iterator[Path]:
    """Yield a fresh empty folder to write a run into; on success it replaces ``target`` whole.

    ``target`` must be missing, empty, or a previous output of ictindex holding only the files its
    manifest lists (otherwise :class:`~ictindex.errors.OutputError`, before anything is written). The
    run is written to a temporary folder created next to ``target`` (same file system, so the final move
    is a rename); on an exception it is deleted and ``target`` is left as it was. Two runs finishing at
    once swap one after the other: the folder always holds one complete run.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with output_folder(Path(tmp) / "out") as work:
    ...         _ = (work / "scores.csv").write_text("economy\\n")
    ...     sorted(p.name for p in (Path(tmp) / "out").iterdir())
    ['.ictindex-output.json', 'scores.csv']
    """
    target = Path(target)
    target = target.parent.resolve() / target.name if target.name else target.resolve()
    _check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    try:
        yield work
        _write_manifest(work)
        with _lock(target):
            _check_target(target)  # again: another run may have written it meanwhile
            old = None
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
                os.rename(target, old / "previous")
            os.rename(work, target)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
