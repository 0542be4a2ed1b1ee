"""Reading an SDMX message (SDMX-ML 2.1/3.0, SDMX-JSON, SDMX-CSV 1.0/2.0) into its observations."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ictindex.errors import IctIndexError, PanelError
from ictindex.inputs.sdmx.mapping import DEFAULT_MAPPING, SdmxMapping, _sdmx
from ictindex.inputs.sdmx.panel import _text, _to_panel


# -- reading ------------------------------------------------------------------------------------------
def read_sdmx(
    path_or_message: str | Path | Any,
    mapping: SdmxMapping | Mapping[str, Any] | None = None,
    *,
    structure: str | Path | Any = None,
) -> pd.DataFrame:
    """A panel (``economy, year, indicator, sex, value, source, note``) from an SDMX data message.

    Parameters
    ----------
    path_or_message
        An SDMX-ML (``.xml``) or SDMX-CSV (``.csv``) file, or an ``sdmx1`` data message.
    mapping
        An :class:`~ictindex.inputs.sdmx.SdmxMapping`, or a dict of the fields to change in :data:`DEFAULT_MAPPING`
        (the UN SDG and World Bank structures):
        ``read_sdmx(path, {"economy": "GEO_PICT", "select": {"AGE": "Y15T24"}})``.
    structure
        The data structure (a structure message file, or an ``sdmx1`` DataStructureDefinition / Dataflow)
        of a structure-specific SDMX-ML or an SDMX-CSV message. SDMX-CSV without one is read with a
        structure derived from its header (columns before ``OBS_VALUE`` are dimensions, after it attributes).

    The frame's ``attrs`` hold ``file``, ``structure`` (the message's structure id), ``dropped_dimensions``
    (dimensions with one code, left out) and ``aggregates`` (regional codes set aside, with
    ``aggregates="drop"``). Build with it as with any panel: ``build_index(read_sdmx(path), ...)``.
    """
    sdmx = _sdmx()
    mapping = mapping if isinstance(mapping, SdmxMapping) else DEFAULT_MAPPING.with_(mapping)
    file = str(path_or_message) if isinstance(path_or_message, str | Path) else None
    message = _message(sdmx, path_or_message, structure) if file else path_or_message
    if not hasattr(message, "data"):
        raise PanelError(
            f"expected an SDMX data message or file, got {type(message).__name__}",
            hint="give the path of an SDMX-ML or SDMX-CSV file, or an sdmx1 DataMessage",
        )
    if not message.data:
        raise PanelError("the SDMX message holds no data set", file=file, hint="check the query or the file")
    frames = [_observations(ds) for ds in message.data]
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    table.attrs["dimensions"] = sorted({d for f in frames for d in f.attrs["dimensions"]})
    if table.empty:
        raise PanelError("the SDMX message holds no observation", file=file, hint="check the query or the file")
    structure_id = _structure_id(message)
    panel, attrs = _to_panel(table, mapping, file, structure_id)
    panel.attrs.update(attrs)
    if file:
        panel.attrs["file"] = file
    return panel


def _message(sdmx: Any, path: str | Path, structure: Any) -> Any:
    path = Path(path)
    if not path.is_file():
        raise PanelError("file not found", file=str(path), hint="check the path")
    structure = _structure(sdmx, structure)
    data = path.read_bytes()
    # what sdmx1 raises on a message it cannot read: its parse errors, lxml's XMLSyntaxError (a SyntaxError), and
    # the ValueError/KeyError/TypeError/AttributeError/NotImplementedError of a message outside what it supports
    unreadable = (
        sdmx.exceptions.ParseError,
        sdmx.exceptions.XMLParseError,
        SyntaxError,
        ValueError,
        LookupError,
        TypeError,
        AttributeError,
        NotImplementedError,
    )
    is_csv = path.suffix.lower() in (".csv", ".txt") or data.lstrip()[:1] != b"<"
    try:
        if is_csv:
            data, structure = _csv_2(sdmx, data, structure, path)
            return sdmx.read_sdmx(io.BytesIO(data), format="CSV", structure=structure)
        return sdmx.read_sdmx(path, **({"structure": structure} if structure is not None else {}))
    except IctIndexError:
        raise
    except unreadable as err:
        hint = (
            "a structure-specific message needs its data structure: pass structure= (a structure file)"
            if "structure" in str(err).lower() or "dsd" in str(err).lower()
            else "check that the file is SDMX-ML 2.1/3.0 or SDMX-CSV"
        )
        raise PanelError(f"cannot read the SDMX message: {err}", file=str(path), hint=hint) from None


def _structure(sdmx: Any, structure: Any) -> Any:
    """A DSD or dataflow from a structure file, or as given."""
    if structure is None or not isinstance(structure, str | Path):
        return structure
    message = sdmx.read_sdmx(Path(structure))
    flows = list(getattr(message, "dataflow", {}).values())
    dsds = list(getattr(message, "structure", {}).values())
    if len(flows) == 1:
        return flows[0]
    if len(dsds) == 1:
        return dsds[0]
    raise PanelError(
        f"the structure file holds {len(flows)} dataflows and {len(dsds)} data structures; one is needed",
        file=str(structure),
        field="structure",
        hint="pass the sdmx1 DataStructureDefinition itself (message.structure['ID'])",
    )


def _csv_2(sdmx: Any, data: bytes, structure: Any, path: Path) -> tuple[bytes, Any]:
    """SDMX-CSV 2.0 bytes and a structure: 1.0 (``DATAFLOW`` first) is rewritten to 2.0's first columns, and
    a structure is derived from the header when none is given."""
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not rows[0]:
        raise PanelError("the file is empty", file=str(path), hint="give an SDMX-CSV file with a header row")
    header = rows[0]
    if header[0] == "DATAFLOW":  # SDMX-CSV 1.0
        header = ["STRUCTURE", "STRUCTURE_ID", *header[1:]]
        rows = [header] + [["dataflow", *row] for row in rows[1:] if row]
    elif not header[0].startswith("STRUCTURE"):
        raise PanelError(
            f"not SDMX-CSV: the first column is {header[0]!r} (SDMX-CSV starts with DATAFLOW or STRUCTURE)",
            file=str(path),
            hint="give an SDMX-CSV file, or read a plain CSV panel with read_table",
        )
    if "OBS_VALUE" not in header:
        raise PanelError("no OBS_VALUE column", file=str(path), field="OBS_VALUE", hint="give SDMX-CSV data")
    if "ACTION" not in header[2:4]:  # sdmx1 files observations by action: "I" (information) when absent
        at = 3 if header[2] == "STRUCTURE_NAME" else 2
        header = [*header[:at], "ACTION", *header[at:]]
        rows = [header] + [[*row[:at], "I", *row[at:]] for row in rows[1:] if row]
    if structure is None:
        structure = _structure_from_header(sdmx, header, rows[1][1] if len(rows) > 1 else "X:X(1.0)")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode(), structure


def _structure_from_header(sdmx: Any, header: list[str], structure_id: str) -> Any:
    """A data structure from an SDMX-CSV header: dimensions before ``OBS_VALUE``, attributes after."""
    from sdmx.model import common
    from sdmx.model import v30 as model

    agency, _, rest = structure_id.partition(":")
    flow_id, _, version = rest.partition("(")
    maintainer = common.Agency(id=agency or "UNKNOWN")
    dsd = model.DataStructureDefinition(id=flow_id or "DERIVED", maintainer=maintainer, version="1.0")
    start = 2 + sum(1 for h in header[2:4] if h in ("ACTION", "STRUCTURE_NAME"))
    value = header.index("OBS_VALUE")
    for name in header[start:value]:
        cls = model.TimeDimension if name == "TIME_PERIOD" else model.Dimension
        dsd.dimensions.getdefault(name, cls=cls)
    dsd.measures.getdefault("OBS_VALUE")
    for name in header[value + 1 :]:
        dsd.attributes.getdefault(name)
    return model.Dataflow(
        id=flow_id or "DERIVED", maintainer=maintainer, version=version.rstrip(")") or "1.0", structure=dsd
    )


def _structure_id(message: Any) -> str:
    for candidate in (getattr(message, "dataflow", None), getattr(message.data[0], "described_by", None)):
        urn = getattr(candidate, "id", None)
        if urn:
            agency = getattr(getattr(candidate, "maintainer", None), "id", "")
            return f"{agency}:{urn}({getattr(candidate, 'version', '') or ''})".replace("()", "")
    dsd = getattr(message.data[0], "structured_by", None)
    return str(getattr(dsd, "id", "")) if dsd is not None else ""


def _observations(dataset: Any) -> pd.DataFrame:
    """One row per observation: its dimensions, ``value`` (as written) and attributes; ``attrs["dimensions"]``
    names the dimensions."""
    rows = []
    dimensions: set[str] = set()
    for obs in dataset.obs:
        row = {k: str(v.value) for k, v in obs.key.values.items()}
        dimensions.update(row)
        row["value"] = obs.value
        for k, v in obs.attrib.items():
            row[k] = _text(v.value)
        for k, v in getattr(dataset, "attrib", {}).items():
            row.setdefault(k, _text(v.value))
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs["dimensions"] = sorted(dimensions)
    return frame
