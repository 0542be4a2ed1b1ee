"""Table export: CSV, formatted XLSX (with methodology and provenance sheets), LaTeX, HTML.

Numbers are written at full precision; XLSX number formats, LaTeX and HTML display them at the
framework's published precision (scores) or as whole numbers (ranks, counts), so a reader of
the XLSX file can recompute from the stored values. CSV keeps every float exactly (shortest
round-trip repr; on pandas 2 read it back with ``pd.read_csv(..., float_precision="round_trip")``,
whose default parser can differ in the last place); openpyxl writes 16 significant digits, so an
XLSX value read back agrees with the result to a relative 5e-16 (one or two units in the last
place). CSV headers are codes (for
machines); XLSX, LaTeX and HTML print readable headers when given ``labels``. A value that rounds
to zero is printed "0.00", never "-0.00"; a missing value is an empty cell (CSV, XLSX) or an en
dash (LaTeX, HTML), never "<NA>" or "nan".

LaTeX tables are sized for an A4 text block (16 cm: 2.5 cm margins) in ``\\footnotesize``:
``booktabs`` rules, ``array`` column types, ``longtable`` for tables longer than a page and
``pdflscape`` for tables too wide for a portrait page (all in TeX Live's ``latex-base`` and
``latex-recommended`` sets); :func:`latex_document` writes the master document that inputs them.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ictindex.safety import safe_csv, safe_xlsx_value
from ictindex.weights import weights_table

if TYPE_CHECKING:
    from ictindex.framework import Framework
    from ictindex.result import IndexResult

__all__ = [
    "write_csv",
    "write_xlsx",
    "to_latex",
    "to_html",
    "latex_document",
    "format_number",
    "methodology_table",
    "provenance_table",
    "LATEX_PACKAGES",
]

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
#: Packages the LaTeX tables need (TeX Live latex-base + latex-recommended).
LATEX_PACKAGES = ("booktabs", "array", "longtable", "pdflscape")
#: Width of an A4 text block with 2.5 cm margins, portrait and landscape, in cm.
_TEXT_WIDTH = {"portrait": 15.9, "landscape": 24.6}  # 1 mm to spare
_CHAR_CM = 0.155  # a generous width of a lower-case letter or digit in 8-pt Computer Modern, in cm
_WIDE_CM = 0.25  # capitals and m/w
_NARROW_CM = 0.12  # i, l, t, f, r, punctuation, space
_NARROW = set("iljtfr.,;:'()[]| -")
_PAD_CM = 0.16  # 2 x \tabcolsep (2 pt) and a margin


def _text_cm(text: str) -> float:
    """Estimated width of ``text`` set in 8-pt Computer Modern, in cm (on the generous side)."""
    return 0.05 + 1.04 * sum(
        _WIDE_CM if (ch.isupper() or ch in "mw%") else _NARROW_CM if ch in _NARROW else _CHAR_CM for ch in text
    )


_LATEX_SPECIAL = {
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
}


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
            goalposts = f"{spec.lower:g}-{spec.upper:g}" if spec.method == "goalpost" else ""
            details.append(
                {
                    "unit": ind.unit,
                    "direction": ind.direction,
                    "normalisation": spec.method,
                    "goalposts": goalposts + (f" ({spec.transform})" if spec.transform != "identity" else ""),
                    "sources": ", ".join(ind.source.codes) if ind.source else "",
                    "sex_disaggregable": ind.sex_disaggregable,
                    "citation": ind.citation or "",
                    "note": " ".join((ind.note or "").split()),
                }
            )
        else:
            node = framework.node(code)
            details.append(
                {
                    "unit": "",
                    "direction": "",
                    "normalisation": f"{node.aggregation.method} mean",
                    "goalposts": "",
                    "sources": "",
                    "sex_disaggregable": "",
                    "citation": node.citation or "",
                    "note": "",
                }
            )
    return pd.concat([table, pd.DataFrame(details)], axis=1)


def provenance_table(result: IndexResult, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Key/value rows: the result's provenance, then each data source with its licence."""
    rows = [
        {
            "item": key,
            "value": json.dumps(value)
            if isinstance(value, list | dict)
            else "not set"
            if value is None
            else str(value),
        }
        for key, value in result.provenance.items()
    ]
    rows.append(
        {
            "item": "framework citation",
            "value": " ".join(result.framework.citation.split()) if result.framework.citation else "",
        }
    )
    if sources is not None:
        for row in sources.itertuples(index=False):
            rows.append(
                {
                    "item": f"source {row.code}",
                    "value": f"{row.name}; {row.dataset}; licence: {row.licence}; {row.values_used} values",
                }
            )
    return pd.DataFrame(rows)


def format_number(value: object, decimals: int) -> str:
    """``value`` at ``decimals`` places, "" when missing; a value that rounds to zero has no minus sign.

    >>> format_number(-0.0004, 2), format_number(float("nan"), 2), format_number(3, 2)
    ('0.00', '', '3')
    """
    if value is None or value is pd.NA or (isinstance(value, float | np.floating) and np.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        text = f"{float(value):.{decimals}f}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text
    return str(value)


def places(decimals: int | Mapping[str, int], column: object) -> int:
    """Decimal places of ``column``: ``decimals`` itself, or its entry for the column (``"*"`` for the others:
    e.g. ``{"*": 2, "value": 1}`` prints percentages at ITU's one decimal and parity scores at two)."""
    if isinstance(decimals, Mapping):
        return int(decimals.get(str(column), decimals.get("*", 2)))
    return int(decimals)


def _kinds(table: pd.DataFrame) -> dict[str, str]:
    """Per column: "float", "int" or "text" (how it is formatted and aligned)."""
    return {c: "float" if _is_float(table[c]) else "int" if _is_integer(table[c]) else "text" for c in table.columns}


def write_xlsx(
    tables: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    framework: Framework | None = None,
    provenance: pd.DataFrame | None = None,
    decimals: int = 2,
    labels: Mapping[str, Mapping[str, str]] | None = None,
    titles: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
    source: str | None = None,
    sheet_decimals: Mapping[str, int | Mapping[str, int]] | None = None,
) -> Path:
    """A workbook with one formatted sheet per table, plus ``methodology`` (the framework) and
    ``provenance`` sheets when given.

    Each sheet: a title row (``titles``), a notes row (``notes``), a source row (``source``), a blank
    row, then the table with a bold shaded header (readable ``labels`` per sheet, else the codes),
    an autofilter, the header frozen, number formats (``decimals`` for scores, or the sheet's entry of
    ``sheet_decimals``, a number or a mapping by column with ``"*"`` for the others; whole numbers for ranks and counts:
    numbers stored as numbers) and fitted column widths. Text cells pass through
    :func:`~ictindex.safety.safe_xlsx_value`, so no cell is a formula. Read a sheet back with
    ``pd.read_excel(path, sheet_name=name, skiprows=HEADER_ROW - 1)``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    sheets = dict(tables)
    if framework is not None:
        sheets["methodology"] = methodology_table(framework)
    if provenance is not None:
        sheets["provenance"] = provenance
    for name, table in sheets.items():
        digits = (sheet_decimals or {}).get(name, decimals)
        sheet = book.create_sheet(title=name[:31])
        sheet.append([safe_xlsx_value((titles or {}).get(name, name))])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append([safe_xlsx_value((notes or {}).get(name, ""))])
        sheet.append([safe_xlsx_value(source or "")])
        for row in (2, 3):
            sheet.cell(row=row, column=1).font = Font(italic=True, size=9)
        sheet.append([])
        names = (labels or {}).get(name, {})
        sheet.append([safe_xlsx_value(str(names.get(c, c))) for c in table.columns])
        for cell in sheet[HEADER_ROW]:
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
            fmt = _number_format(places(digits, column)) if _is_float(series) else "0" if _is_integer(series) else None
            if fmt:
                for cell in sheet[letter][HEADER_ROW:]:
                    cell.number_format = fmt
            longest = max(
                [min(len(str(names.get(column, column))), 24)] + [len(str(v)) for v in series.head(500).tolist()]
            )
            sheet.column_dimensions[letter].width = min(60, max(9, (10 if fmt else longest) + 2))
        last = get_column_letter(max(1, len(columns)))
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(1, len(table))}"
        sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    book.save(path)
    return path


def _number_format(decimals: int) -> str:
    """The XLSX number format of ``decimals`` places ("0.00"; "0" for none)."""
    return "0." + "0" * decimals if decimals > 0 else "0"


NUM_CLASS = ' class="num"'
#: Row of the table header in every XLSX sheet (after title, notes, source and a blank row).
HEADER_ROW = 5


#: A word longer than this many characters may break every ``_PIECE`` characters: a long unbreakable name widened
#: its column past the page, and past TeX's largest dimension (16384 pt, an error that stopped the compile).
_LONG_WORD = 20
_PIECE = 12
_BREAK = "\x00"  # where a long word may break, until it is written as \allowbreak{} (control characters are gone)
#: What pdflatex (utf8 inputenc, T1 fontenc; TeX Live 2022) cannot set among Latin-1, Latin Extended-A and the
#: General Punctuation block; every character beyond these needs lualatex (see :func:`latex_document`).
_PDFTEX_MISSING = frozenset(
    chr(c)
    for c in (0x126, 0x127, 0x138, 0x13F, 0x140, 0x149, 0x166, 0x167, 0x17F, 0x2017, 0x201B, 0x201F)
    + (*range(0x2023, 0x2026), *range(0x2027, 0x2030), *range(0x2032, 0x2039), 0x203C, *range(0x203E, 0x2044))
    + (*range(0x2045, 0x204E), 0x204F)
)
#: Stops pdflatex with a clear message at a table (or document) with text it cannot set.
_PDFTEX_GUARD = (
    "\\ifdefined\\directlua\\else\\ifdefined\\XeTeXversion\\else\\PackageError{ictindex}{This text is in a script "
    "pdflatex cannot set (Cyrillic, CJK, ...): compile with lualatex}{The tables hold text outside the Latin "
    "script.}\\fi\\fi"
)


def _pdflatex_sets(text: object) -> bool:
    """Whether pdflatex can set every character of ``text`` as :func:`_latex_escape` writes it."""
    text = str(text)
    if text.isascii() and text.isprintable():  # " " to "~" only: the common case, without the character test
        return True
    return all(
        " " <= ch <= "~"
        or ("\u00a0" <= ch <= "\u017f" or "\u2010" <= ch <= "\u204f" or ch in "\u20ac\u2122")
        and ch not in _PDFTEX_MISSING
        for ch in _cleaned(text).replace(_BREAK, "")
    )


def _cleaned(text: object) -> str:
    """Text as TeX may read it: control characters (category Cc: a bell, an escape, a form feed, which TeX
    refuses as invalid) as spaces, unpaired surrogates (which cannot be written as UTF-8) as "?", and a break
    point every ``_PIECE`` characters in a word longer than ``_LONG_WORD``."""
    text = str(text)
    if not (text.isascii() and text.isprintable()):
        categories = [unicodedata.category(ch) for ch in text]
        text = "".join(
            " " if kind == "Cc" else "?" if kind == "Cs" else ch for ch, kind in zip(text, categories, strict=True)
        )
    return re.sub(  # a word between the places a cell may break anyway (spaces, "_", "/", "-")
        rf"[^\s_/\-]{{{_LONG_WORD + 1},}}",
        lambda word: _BREAK.join(word[0][i : i + _PIECE] for i in range(0, len(word[0]), _PIECE)),
        text,
    )


def _latex_escape(text: object) -> str:
    escaped = "".join(_LATEX_SPECIAL.get(ch, ch) for ch in _cleaned(text))
    return escaped.replace(_BREAK, "\\allowbreak{}")


def _pieces(text: str, breaks: str) -> list[str]:
    """The pieces a text may break into in a column: at spaces, after each character of ``breaks`` and
    inside long words (as :func:`_cleaned` allows), for sizing the column."""
    for ch in breaks:
        text = text.replace(ch, ch + " ")
    return _cleaned(text).replace(_BREAK, " ").split()


def _latex_cell(text: str) -> str:
    """A cell's text (:func:`format_number`) as LaTeX: "--" when empty, escaped, with break points."""
    if text == "":
        return "--"
    # long file names and codes may break after "_" and "/" instead of running into the next column
    return _latex_escape(text).replace("\\_", "\\_\\allowbreak{}").replace("/", "/\\allowbreak{}")


def _column_specs(
    table: pd.DataFrame, headers: list[str], decimals: int | Mapping[str, int]
) -> tuple[list[str], str, str]:
    """Column types sized to an A4 text block, the orientation ("portrait" or "landscape") and the
    type size.

    Numbers and short text keep their natural width (right- or left-aligned ``p`` columns, so a long
    header wraps between words instead of widening the column); long text gets ragged-right ``p``
    columns sharing what is left of the text width, each at least as wide as its longest word. The
    first of portrait/footnotesize, portrait/scriptsize, landscape/footnotesize, landscape/scriptsize,
    landscape/tiny in which the table fits is used."""
    kinds = _kinds(table)
    text_cm = functools.cache(_text_cm)  # cells repeat (numbers, names, flags): each text is measured once
    natural, full, word = {}, {}, {}
    for column, header in zip(table.columns, headers, strict=True):
        cells = [format_number(v, places(decimals, column)) for v in table[column].head(2000).tolist()] or [""]
        distinct = list(dict.fromkeys(cells))  # the widest of the distinct cells is the widest of all
        longest_cell = max(text_cm(c) for c in distinct)
        # a header wraps between words and after hyphens, a file name or code after "_" and "/"
        header_word = max((text_cm(w) for w in _pieces(header, "-")), default=0.3)
        cell_word = max((text_cm(w) for c in distinct for w in _pieces(c, "_/")), default=0.3)
        natural[column] = max(longest_cell, header_word, 0.4)
        full[column] = max(longest_cell, header_word)
        word[column] = max(header_word, cell_word, 0.4)
    long_text = [c for c in table.columns if kinds[c] == "text" and full[c] > 4.0]
    fixed = sum(natural[c] for c in table.columns if c not in long_text)
    minimum_long = {c: max(2.0, word[c]) for c in long_text}
    options = [
        ("portrait", "\\footnotesize", 1.0),
        ("portrait", "\\scriptsize", 0.94),  # a smaller type before a page turned sideways
        ("landscape", "\\footnotesize", 1.0),
        ("landscape", "\\scriptsize", 0.94),
        ("landscape", "\\tiny", 0.8),
    ]
    for orientation, size, factor in options:  # noqa: B007 - the last option is kept when none fits
        needed = factor * (fixed + sum(minimum_long.values())) + len(table.columns) * _PAD_CM
        if needed <= _TEXT_WIDTH[orientation]:
            break
    spare = (_TEXT_WIDTH[orientation] - needed) / factor  # in footnotesize cm, beyond each long column's minimum
    wants = {c: max(0.0, min(full[c], 15.0) - minimum_long[c]) for c in long_text}
    total_want = sum(wants.values()) or 1.0
    specs = []
    for column in table.columns:
        if column in long_text:
            cm = minimum_long[column] + min(wants[column], max(0.0, spare) * wants[column] / total_want)
        else:
            cm = natural[column]
        align = "\\raggedleft" if kinds[column] != "text" else "\\raggedright"
        specs.append(f">{{{align}\\arraybackslash}}p{{{math.floor(cm * factor * 100) / 100:.2f}cm}}")
    return specs, orientation, size


def to_latex(
    table: pd.DataFrame,
    *,
    caption: str = "",
    label: str = "",
    decimals: int | Mapping[str, int] = 2,
    longtable_rows: int = 40,
    labels: Mapping[str, str] | None = None,
    note: str = "",
) -> str:
    """A ``booktabs`` table sized to an A4 text block, in ``\\footnotesize``: numbers right-aligned,
    text left-aligned and wrapped, missing values as ``--``, readable headers from ``labels``.
    Tables longer than ``longtable_rows`` are ``longtable``\\ s (break across pages and repeat the
    header); tables too wide for a portrait page are set in ``landscape`` (``pdflscape``). ``note``
    is printed under the table. Needs :data:`LATEX_PACKAGES`.

    >>> print(to_latex(pd.DataFrame({"economy": ["KOR"], "DOI": [0.8012]})))
    \\begin{table}[htbp]
    \\centering\\footnotesize\\setlength{\\tabcolsep}{2pt}
    \\begin{tabular}{>{\\raggedright\\arraybackslash}p{1.27cm}>{\\raggedleft\\arraybackslash}p{0.83cm}}
    \\toprule
    economy & DOI \\\\
    \\midrule
    KOR & 0.80 \\\\
    \\bottomrule
    \\end{tabular}
    \\end{table}
    """
    headers = [str((labels or {}).get(c, c)) for c in table.columns]
    specs, orientation, type_size = _column_specs(table, headers, decimals)
    align = "".join(specs)
    header = " & ".join(_latex_escape(h) for h in headers) + " \\\\"
    digits = [places(decimals, c) for c in table.columns]
    cells = [
        [format_number(v, d) for v, d in zip(row, digits, strict=True)]
        for row in table.astype("object").to_numpy().tolist()
    ]
    latex_cell = functools.cache(_latex_cell)  # cells repeat: each text is escaped once
    body = [" & ".join(latex_cell(text) for text in row) + " \\\\" for row in cells]
    caption_line = (f"\\caption{{{_latex_escape(caption)}}}" if caption else "") + (
        f"\\label{{{label}}}" if label else ""
    )
    note_lines = [f"\\par\\smallskip\\parbox{{\\linewidth}}{{\\raggedright {_latex_escape(note)}}}"] if note else []
    size = type_size + "\\setlength{\\tabcolsep}{2pt}"
    if len(table) > longtable_rows:
        columns = len(table.columns)
        lines = ["\\begingroup" + size, f"\\begin{{longtable}}{{{align}}}"]
        if caption_line:
            lines.append(caption_line + " \\\\")  # the label sits on the caption's row (no \\noalign error)
        foot = (
            [
                f"\\multicolumn{{{columns}}}{{@{{}}p{{0.95\\linewidth}}@{{}}}}{{\\raggedright "
                f"{_latex_escape(note)}}} \\\\"
            ]
            if note
            else []
        )
        lines += [
            "\\toprule",
            header,
            "\\midrule",
            "\\endfirsthead",
            f"\\multicolumn{{{columns}}}{{@{{}}l}}{{\\emph{{(continued)}}}} \\\\",
            "\\toprule",
            header,
            "\\midrule",
            "\\endhead",
            "\\bottomrule",
            *foot,
            "\\endlastfoot",
            *body,
        ]
        lines += ["\\end{longtable}", "\\endgroup"]
    else:
        lines = [
            "\\begin{table}[htbp]",
            "\\centering" + size,
            *([caption_line] if caption_line else []),
            f"\\begin{{tabular}}{{{align}}}",
            "\\toprule",
            header,
            "\\midrule",
            *body,
            "\\bottomrule",
            "\\end{tabular}",
            *note_lines,
            "\\end{table}",
        ]
    if orientation == "landscape":
        lines = ["\\begin{landscape}", *lines, "\\end{landscape}"]
    texts = dict.fromkeys([*headers, caption, note, *(text for row in cells for text in row)])
    if not all(_pdflatex_sets(t) for t in texts):
        lines = [_PDFTEX_GUARD, *lines]
    return "\n".join(lines)


#: Fonts for the scripts Latin Modern lacks, in order, each used by lualatex when it is installed (Debian:
#: ``fonts-dejavu-core``, ``fonts-noto-cjk``): Cyrillic and Greek, Chinese, Japanese and Korean, then Arabic and
#: Hebrew. A character no installed font has is a missing-glyph warning, not an error.
FALLBACK_FONTS = ("DejaVu Serif", "Noto Serif CJK SC", "DejaVu Sans")


def _unicode_preamble() -> list[str]:
    """pdflatex: utf8 input and T1 fonts (Latin scripts); lualatex: fontspec with Latin Modern and the
    :data:`FALLBACK_FONTS` that are installed (luaotfload's fallback), so names in any script are set."""
    fonts = "".join(f"\\ictindexfont{{{font}}}" for font in FALLBACK_FONTS)
    return [
        "\\usepackage{iftex}",
        "\\ifPDFTeX",
        "  \\usepackage[utf8]{inputenc}",
        "  \\usepackage[T1]{fontenc}",
        "  \\IfFileExists{lmodern.sty}{\\usepackage{lmodern}}{}",
        "\\else",
        "  \\usepackage{fontspec}",
        "  \\ifLuaTeX",
        "    \\def\\ictindexfallback{}",
        "    \\def\\ictindexfont#1{\\IfFontExistsTF{#1}%",
        '      {\\edef\\ictindexfallback{\\ictindexfallback"#1:mode=harf;",}}{}}',
        f"    {fonts}",
        '    \\directlua{luaotfload.add_fallback("ictindex", {\\ictindexfallback})}',
        "    \\setmainfont{Latin Modern Roman}[RawFeature={fallback=ictindex}]",
        "  \\fi",
        "\\fi",
    ]


def latex_document(inputs: Mapping[str, str], *, title: str = "Tables") -> str:
    """A master document (A4, 2.5 cm margins) that ``\\input``\\ s every table file; compiles as it is
    with ``lualatex`` (names in any script: Cyrillic, Chinese, Arabic ... with the :data:`FALLBACK_FONTS`) and,
    when every text is in a Latin script, with ``pdflatex`` (a table with other text stops pdflatex with a
    message saying to use lualatex). ``inputs`` maps file names (relative to the document) to their captions."""
    lines = [
        "\\documentclass[a4paper,10pt]{article}",
        "\\usepackage[a4paper,margin=2.5cm]{geometry}",
        *_unicode_preamble(),
        *[f"\\usepackage{{{p}}}" for p in LATEX_PACKAGES],
        "\\setlength{\\LTcapwidth}{\\linewidth}",
        "\\begin{document}",
        *([] if _pdflatex_sets(title) else [_PDFTEX_GUARD]),
        f"\\section*{{{_latex_escape(title)}}}",
    ]
    captions = [str(c) for c in inputs.values() if str(c).strip()]
    if captions:  # page 1: what the tables are, in order (a title page, not one line above a page break)
        lines += ["\\subsection*{Contents}", "\\begin{itemize}\\setlength{\\itemsep}{0pt}"]
        lines += [f"\\item {_latex_escape(c)}" for c in captions] + ["\\end{itemize}", "\\clearpage"]
    for k, path in enumerate(inputs):  # each table's caption says what it is
        lines += ([] if k == 0 else ["\\clearpage"]) + [f"\\input{{{path}}}"]
    lines.append("\\end{document}")
    return "\n".join(lines) + "\n"


def _header(column: object, labels: Mapping[str, str] | None) -> str:
    """A column's header: its label, else the column name in words ("data_years" -> "Data years")."""
    if labels and column in labels:
        return str(labels[column])
    text = str(column)
    return text.replace("_", " ").capitalize() if "_" in text else text


def to_html(
    table: pd.DataFrame,
    *,
    decimals: int | Mapping[str, int] = 2,
    table_id: str | None = None,
    labels: Mapping[str, str] | None = None,
    caption: str = "",
) -> str:
    """An HTML ``<table>`` (class ``data``): readable headers from ``labels``, numbers right-aligned
    (class ``num``) at ``decimals`` places, missing values as an en dash, every text escaped."""
    kinds = _kinds(table)
    esc = html.escape
    head = "".join(
        f'<th scope="col"{NUM_CLASS if kinds[c] != "text" else ""}>{esc(_header(c, labels))}</th>'
        for c in table.columns
    )
    digits = {c: places(decimals, c) for c in table.columns}
    rows = []
    for row in table.astype("object").to_numpy().tolist():
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            text = format_number(value, digits[column]) or "–"
            cells.append(f'<td class="num">{esc(text)}</td>' if kinds[column] != "text" else f"<td>{esc(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    ident = f' id="{esc(table_id)}"' if table_id else ""
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f'<table class="data"{ident}>{cap}<thead><tr>{head}</tr></thead><tbody>\n'
        + "\n".join(rows)
        + "\n</tbody></table>"
    )
