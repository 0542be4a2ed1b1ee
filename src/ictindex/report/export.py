"""Table export: CSV, formatted XLSX (with methodology and provenance sheets), LaTeX (booktabs), HTML.

Numbers are written at full precision; XLSX number formats, LaTeX and HTML display them at the
framework's published precision (scores) or as whole numbers (ranks, counts), so a reader of
the XLSX file can recompute from the stored values. CSV keeps every float exactly (shortest
round-trip repr); openpyxl writes 16 significant digits, so an XLSX value read back agrees with
the result to a relative 5e-16 (one or two units in the last place).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ictindex.safety import safe_csv, safe_xlsx_value
from ictindex.weight import weights_table

if TYPE_CHECKING:
    from ictindex.framework import Framework
    from ictindex.result import IndexResult

__all__ = ["write_csv", "write_xlsx", "to_latex", "to_html", "methodology_table", "provenance_table"]

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
                  "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def _is_integer(series: pd.Series) -> bool:
    return pd.api.types.is_integer_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)


def _is_float(series: pd.Series) -> bool:
    return pd.api.types.is_float_dtype(series.dtype)


def write_csv(tables: Mapping[str, pd.DataFrame], folder: str | Path) -> list[Path]:
    """One UTF-8 CSV per table (``<name>.csv``), full precision, empty cells for missing values; text cells
    that a spreadsheet would run as a formula get a leading ``'`` (:func:`~ictindex.safety.safe_text`)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in tables.items():
        path = folder / f"{name}.csv"
        safe_csv(table, path)
        paths.append(path)
    return paths


def methodology_table(framework: Framework) -> pd.DataFrame:
    """The framework as one table: every node and indicator with its parent, weights, and for
    indicators unit, direction, normalisation (goalposts), source series and citation."""
    table = weights_table(framework)
    details = []
    for code in table["code"]:
        if code in framework.indicator_codes:
            ind = framework.indicator(code)
            spec = ind.normalisation
            goalposts = (f"{spec.lower:g}-{spec.upper:g}" if spec.method == "goalpost" else "")
            details.append({
                "unit": ind.unit, "direction": ind.direction, "normalisation": spec.method,
                "goalposts": goalposts + (f" ({spec.transform})" if spec.transform != "identity" else ""),
                "sources": ", ".join(ind.source.codes) if ind.source else "",
                "sex_disaggregable": ind.sex_disaggregable, "citation": ind.citation or "",
                "note": " ".join((ind.note or "").split())})
        else:
            node = framework.node(code)
            details.append({"unit": "", "direction": "", "normalisation": f"{node.aggregation.method} mean",
                             "goalposts": "", "sources": "", "sex_disaggregable": "",
                             "citation": node.citation or "", "note": ""})
    return pd.concat([table, pd.DataFrame(details)], axis=1)


def provenance_table(result: IndexResult, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Key/value rows: the result's provenance, then each data source with its licence."""
    rows = [{"item": key, "value": json.dumps(value) if isinstance(value, list | dict) else str(value)}
            for key, value in result.provenance.items()]
    rows.append({"item": "framework citation", "value": " ".join(result.framework.citation.split())
                 if result.framework.citation else ""})
    if sources is not None:
        for row in sources.itertuples(index=False):
            rows.append({"item": f"source {row.code}", "value": f"{row.name}; {row.dataset}; licence: {row.licence}; "
                         f"{row.values_used} values"})
    return pd.DataFrame(rows)


def write_xlsx(tables: Mapping[str, pd.DataFrame], path: str | Path, *, framework: Framework | None = None,
               provenance: pd.DataFrame | None = None, decimals: int = 2) -> Path:
    """A workbook with one formatted sheet per table, plus ``methodology`` (the framework) and
    ``provenance`` sheets when given: bold shaded header, frozen header row, number formats
    (``decimals`` for scores, whole numbers for ranks and counts), fitted column widths. Text cells pass
    through :func:`~ictindex.safety.safe_xlsx_value`, so no cell is a formula."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    sheets = dict(tables)
    if framework is not None:
        sheets["methodology"] = methodology_table(framework)
    if provenance is not None:
        sheets["provenance"] = provenance
    score_format = "0." + "0" * decimals if decimals > 0 else "0"
    for name, table in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append([safe_xlsx_value(str(c)) for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        columns = list(table.columns)
        values = table.astype("object").where(table.notna(), None).to_numpy().tolist()
        for row in values:
            sheet.append([safe_xlsx_value(v.item() if isinstance(v, np.generic) else v) for v in row])
        for j, column in enumerate(columns, start=1):
            series = table[column]
            letter = get_column_letter(j)
            fmt = score_format if _is_float(series) else "0" if _is_integer(series) else None
            if fmt:
                for cell in sheet[letter][1:]:
                    cell.number_format = fmt
            longest = max([len(str(column))] + [len(str(v)) for v in series.head(500).tolist()])
            sheet.column_dimensions[letter].width = min(60, max(8, (8 if fmt else longest) + 2))
        sheet.freeze_panes = "A2"
    book.save(path)
    return path


def _latex_escape(text: object) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def _cell(value: object, decimals: int) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "--"
    if isinstance(value, float | np.floating):
        return f"{value:.{decimals}f}"
    return _latex_escape(value)


def to_latex(table: pd.DataFrame, *, caption: str = "", label: str = "", decimals: int = 2,
             longtable_rows: int = 45) -> str:
    """A ``booktabs`` table (``\\toprule``/``\\midrule``/``\\bottomrule``; needs
    ``\\usepackage{booktabs}``): numbers right-aligned, text left-aligned, missing as ``--``.
    Tables longer than ``longtable_rows`` use ``longtable`` (``\\usepackage{longtable}``), which
    breaks across pages and repeats the header.

    >>> print(to_latex(pd.DataFrame({"economy": ["KOR"], "DOI": [0.8012]})))
    \\begin{table}[htbp]
    \\centering
    \\begin{tabular}{lr}
    \\toprule
    economy & DOI \\\\
    \\midrule
    KOR & 0.80 \\\\
    \\bottomrule
    \\end{tabular}
    \\end{table}
    """
    align = "".join("r" if pd.api.types.is_numeric_dtype(table[c].dtype) else "l" for c in table.columns)
    header = " & ".join(_latex_escape(c) for c in table.columns) + " \\\\"
    body = [" & ".join(_cell(v, decimals) for v in row) + " \\\\"
            for row in table.astype("object").to_numpy().tolist()]
    titles = ([f"\\caption{{{_latex_escape(caption)}}}"] if caption else []) + (
        [f"\\label{{{label}}}"] if label else [])
    if len(table) > longtable_rows:
        lines = [f"\\begin{{longtable}}{{{align}}}"]
        lines += [t + " \\\\" for t in titles[:1]] + titles[1:]
        lines += ["\\toprule", header, "\\midrule", "\\endfirsthead", "\\toprule", header, "\\midrule",
                  "\\endhead", "\\bottomrule", "\\endlastfoot", *body, "\\end{longtable}"]
        return "\n".join(lines)
    lines = ["\\begin{table}[htbp]", "\\centering", *titles,
             f"\\begin{{tabular}}{{{align}}}", "\\toprule", header, "\\midrule", *body,
             "\\bottomrule", "\\end{tabular}", "\\end{table}"]
    return "\n".join(lines)


def to_html(table: pd.DataFrame, *, decimals: int = 2, table_id: str | None = None) -> str:
    """An HTML ``<table>`` (class ``data``), scores at ``decimals`` places, missing as an en dash."""
    shown = table.copy()
    for column in shown.columns:
        if _is_float(shown[column]):
            shown[column] = shown[column].map(lambda v: "–" if pd.isna(v) else f"{v:.{decimals}f}")
    return shown.to_html(index=False, na_rep="–", classes="data", table_id=table_id, border=0, escape=True)
