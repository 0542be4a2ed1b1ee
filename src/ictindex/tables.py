"""Tables in and out: pandas, polars and pyarrow (the Arrow columnar format) at the edges of the library.

The engine works on pandas. A panel given as a **polars** DataFrame (or LazyFrame, collected), a **pyarrow**
Table or RecordBatch, or any object that exports the `Arrow PyCapsule stream interface
<https://arrow.apache.org/docs/format/CDataInterface/PyCapsuleInterface.html>`_ (``__arrow_c_stream__``:
DuckDB relations, nanoarrow, ...) is converted once, at the panel entry point (:func:`as_pandas`), through
Arrow, which every one of these libraries speaks. polars and pyarrow are optional (``pip install
ictindex[polars]`` / ``ictindex[arrow]``); a pandas DataFrame passes through untouched and never imports
them.

The conversion keeps every value as it is: integer columns stay integers, never floats (a column with a
missing value becomes pandas' nullable ``Int64``/``UInt64``..., so 2**60 stays 2**60 and a missing year
stays missing; a complete one is a plain numpy integer column), Arrow
strings stay text, dictionary columns (polars ``Categorical``/``Enum``) stay categoricals, booleans keep
their missing values. A table written by pandas (its Arrow schema carries pandas' own metadata) comes
back with exactly the dtypes it had.

Tables the library returns are pandas DataFrames; :func:`to_backend` gives any of them in another flavour,
and every result's ``tables(backend=...)`` gives all of its tables at once (``"pandas"``, ``"polars"`` or
``"pyarrow"``).

>>> frame = pd.DataFrame({"economy": ["KOR"], "year": [2023], "indicator": ["i99H"], "value": [97.4]})
>>> as_pandas(frame) is frame
True
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ictindex.errors import IctIndexError, PanelError

__all__ = ["BACKENDS", "arrow_to_pandas", "as_pandas", "is_table", "to_backend", "tables_as", "write_parquet"]

#: The flavours a table can be handed out in.
BACKENDS = ("pandas", "polars", "pyarrow")


def _module(data: object) -> str:
    return type(data).__module__.split(".", 1)[0]


def is_table(data: object) -> bool:
    """Whether ``data`` is an in-memory table :func:`as_pandas` converts (pandas, polars, pyarrow, Arrow stream)."""
    return (
        isinstance(data, pd.DataFrame) or _module(data) in ("polars", "pyarrow") or hasattr(data, "__arrow_c_stream__")
    )


def as_pandas(data: Any, *, what: str = "panel") -> Any:
    """The pandas DataFrame of a pandas, polars or pyarrow table; anything else is returned as it is.

    Parameters
    ----------
    data
        A pandas DataFrame (returned as it is, not copied), a polars DataFrame or LazyFrame (collected), a
        pyarrow Table or RecordBatch, or an object with ``__arrow_c_stream__``. Other objects (a path, ...)
        are returned unchanged for the caller to handle.
    what
        What the table is, for error messages (``panel``, ``groups``, ...).
    """
    if isinstance(data, pd.DataFrame):
        return data
    module = _module(data)
    if module == "polars":
        if type(data).__name__ == "LazyFrame":
            data = data.collect()
        if type(data).__name__ != "DataFrame":
            raise PanelError(
                f"the {what} is a polars {type(data).__name__}, not a table",
                hint="give a polars DataFrame (for a Series: series.to_frame())",
            )
        return arrow_to_pandas(_require_arrow(what).table(data.to_arrow()), what=what)
    if module == "pyarrow" or hasattr(data, "__arrow_c_stream__"):
        pa = _require_arrow(what)
        if isinstance(data, pa.RecordBatch):
            data = pa.Table.from_batches([data])
        try:
            table = data if isinstance(data, pa.Table) else pa.table(data)
        except (TypeError, ValueError, pa.ArrowException) as err:
            raise PanelError(
                f"cannot read the {what} ({type(data).__name__}) as an Arrow table: {err}",
                hint="give a pandas, polars or pyarrow table",
            ) from None
        return arrow_to_pandas(table, what=what)
    return data


def _require_arrow(what: str) -> Any:
    try:
        import pyarrow
    except ImportError:  # pragma: no cover - polars without pyarrow
        raise PanelError(
            f"the {what} is an Arrow/polars table and pyarrow is not installed",
            hint="pip install 'ictindex[arrow]' (or give a pandas DataFrame)",
        ) from None
    return pyarrow


#: pandas' nullable integer and boolean dtypes (the mapper's targets for Arrow integers and booleans).
_MASKED = (
    pd.Int8Dtype,
    pd.Int16Dtype,
    pd.Int32Dtype,
    pd.Int64Dtype,
    pd.UInt8Dtype,
    pd.UInt16Dtype,
    pd.UInt32Dtype,
    pd.UInt64Dtype,
    pd.BooleanDtype,
)


def _strings(pa: Any) -> dict[Any, Any]:
    """Arrow text -> pandas' default text dtype (``str`` on pandas 3, as ``pandas.read_parquet`` gives;
    Python objects on pandas 2)."""
    if pd.Series(["text"]).dtype == object:  # pandas 2 (without the future string option)
        return {}
    text = pd.StringDtype(na_value=np.nan)
    return {pa.string(): text, pa.large_string(): text}


def _types_mapper(pa: Any) -> Any:
    """Arrow types -> pandas extension dtypes that keep every value (no integer becomes a float)."""
    integers = {
        **_strings(pa),
        pa.int8(): pd.Int8Dtype(),
        pa.int16(): pd.Int16Dtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.uint8(): pd.UInt8Dtype(),
        pa.uint16(): pd.UInt16Dtype(),
        pa.uint32(): pd.UInt32Dtype(),
        pa.uint64(): pd.UInt64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }
    return integers.get


def arrow_to_pandas(table: Any, *, what: str = "panel") -> pd.DataFrame:
    """A pyarrow Table as a pandas DataFrame with every value kept (see the module's docstring).

    A table that carries pandas' metadata (written from pandas) gets back its pandas dtypes exactly;
    otherwise integer and boolean columns become pandas' nullable dtypes, strings stay text (Python
    ``str``, missing as ``None``) and dictionary columns become categoricals.
    """
    import pyarrow as pa

    table = _plain_strings(table, pa)
    metadata = table.schema.pandas_metadata
    if metadata is not None:
        frame = table.to_pandas(types_mapper=_strings(pa).get)
        was_object = [
            c["name"]
            for c in metadata.get("columns", [])
            if c.get("numpy_type") == "object" and c.get("name") in frame.columns
        ]
        text = [c for c in was_object if isinstance(frame[c].dtype, pd.StringDtype)]
        if text:  # Python-object text columns stay objects (pandas 3 would make them ``str``)
            frame = frame.assign(**{c: frame[c].astype(object).where(frame[c].notna(), None) for c in text})
    else:
        frame = table.to_pandas(types_mapper=_types_mapper(pa))
        complete = {  # integers and booleans without a missing value: plain numpy columns, as pandas reads them
            c: frame[c].dtype.numpy_dtype
            for c in frame.columns
            if isinstance(frame[c].dtype, _MASKED) and not frame[c].hasnans
        }
        if complete:
            frame = frame.astype(complete)
    return frame


def _plain_strings(table: Any, pa: Any) -> Any:
    """Arrow string views (polars' strings) as large strings, which every pyarrow version converts."""
    view = getattr(pa, "string_view", None)
    if view is None:
        return table
    fields = [
        pa.field(f.name, pa.large_string(), f.nullable, f.metadata) if f.type == view() else f for f in table.schema
    ]
    return table.cast(pa.schema(fields, metadata=table.schema.metadata)) if fields != list(table.schema) else table


def to_backend(frame: pd.DataFrame, backend: str = "pandas") -> Any:
    """A pandas DataFrame the library returned, in the flavour asked for.

    ``"pandas"`` returns it as it is; ``"polars"`` a polars DataFrame (categoricals stay categoricals,
    nullable integers stay integers); ``"pyarrow"`` a pyarrow Table (without the pandas index).
    """
    if backend not in BACKENDS:
        raise IctIndexError(
            f"unknown backend {backend!r}", field="backend", hint=f"choose one of {', '.join(BACKENDS)}"
        )
    if backend == "pandas":
        return frame
    pa = _require_arrow("result")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if backend == "pyarrow":
        return table
    try:
        import polars as pl
    except ImportError:
        raise IctIndexError("polars is not installed", field="backend", hint="pip install 'ictindex[polars]'") from None
    return pl.from_arrow(table)


def tables_as(tables: Mapping[str, pd.DataFrame | None], backend: str = "pandas") -> dict[str, Any]:
    """Every table of a mapping in one flavour (tables that are ``None`` are left out)."""
    return {name: to_backend(table, backend) for name, table in tables.items() if table is not None}


#: Schema-metadata key of the provenance a Parquet file written by ictindex carries.
PROVENANCE_KEY = b"ictindex.provenance"


def write_parquet(frame: pd.DataFrame, path: str | Path, *, provenance: Mapping[str, Any] | None = None) -> Path:
    """Write one table as Parquet with pandas' metadata (so it reads back with its dtypes) and, when
    given, the provenance as JSON under the schema-metadata key ``ictindex.provenance``."""
    pa = _require_arrow("result")
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(_writable(frame), preserve_index=None)
    if provenance is not None:
        text = json.dumps(dict(provenance), default=str, sort_keys=True).encode()
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), PROVENANCE_KEY: text})
    pq.write_table(table, path)
    return Path(path)


def _writable(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns that mix types (a year given as text in one row, a number in another) as text, which
    Parquet can store; every other column as it is."""
    mixed = [
        c
        for c in frame.columns
        if frame[c].dtype == object and frame[c].map(type).nunique(dropna=True) > 1  # noqa: E721
    ]
    if not mixed:
        return frame
    return frame.assign(**{c: frame[c].map(lambda v: v if v is None or v is pd.NA else str(v)) for c in mixed})
