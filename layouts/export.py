"""Tables as files a bureau opens in Excel: .xlsx as displayed, and CSV with a BOM for Chinese Excel.

Numbers are written as displayed: rounded to the decimals of the column's number format ("0.00" → 2), and a
whole-number column (a rank, a count; format "0" or every value whole) as integers, never 1.0. Units go in the
headers (增速（%）). What a file is (page, scope, period, data state) is said by layouts/export_names.py.

Text that starts with = + - @ (or a tab / carriage return) is written as text, never as a formula:
an uploaded county name must not be able to run anything on a leader's machine (CSV/formula injection).
"""

import io
import numbers
import re
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="E7F0FA")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    unit: str = ""
    number_format: str = "General"  # Excel format, e.g. "0.0", "#,##0.0", "0"
    width: int = 12


def _safe_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def decimals_of(number_format: str) -> int | None:
    """Decimals an Excel number format shows: '0.00' → 2, '#,##0' → 0, '+0.0;-0.0;0.0' → 1, '0.0%' → 3 (of the
    fraction); None for General."""
    m = re.search(r"0(?:\.(0+))?(%?)", number_format.split(";")[0])
    if number_format == "General" or not m:
        return None
    return len(m.group(1) or "") + (2 if m.group(2) else 0)


def as_displayed(values: pd.Series, number_format: str = "General") -> pd.Series:
    """A column's numbers as the screen shows them (see the module docstring); text columns unchanged."""
    if values.dtype == object:
        present = values.dropna()
        if len(present) == 0 or not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in present):
            return values
        values = pd.to_numeric(values)
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return values
    d = decimals_of(number_format)
    if d is not None and d > 0:
        return values.astype(float).round(d)
    present = values.dropna()
    if d == 0 or (len(present) and bool((present == present.round()).all())):
        return values.astype(float).round().astype("Int64")
    return values


def to_xlsx(df: pd.DataFrame, columns: list[Column], *, title: str = "", sheet: str = "数据") -> bytes:
    """One sheet: an optional title row, a header row with units, the rows; header frozen."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    row = 1
    if title:
        ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=12)
        row = 2
    for j, col in enumerate(columns, start=1):
        head = f"{col.header}（{col.unit}）" if col.unit else col.header
        cell = ws.cell(row=row, column=j, value=head)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(j)].width = col.width
    ws.freeze_panes = ws.cell(row=row + 1, column=1)
    shown = pd.DataFrame({c.field: as_displayed(df[c.field], c.number_format) for c in columns}, index=df.index)
    for i, rec in enumerate(shown.itertuples(index=False), start=row + 1):
        for j, (col, value) in enumerate(zip(columns, rec, strict=True), start=1):
            if value is None or value is pd.NA or (isinstance(value, float) and value != value):
                continue
            cell = ws.cell(row=i, column=j)
            if isinstance(value, str):
                cell.value = value
                cell.data_type = "s"  # never a formula, whatever it starts with
            else:
                cell.value = value.item() if hasattr(value, "item") else value
                cell.number_format = col.number_format
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_csv(df: pd.DataFrame, columns: list[Column]) -> bytes:
    """UTF-8 with BOM (Chinese Excel opens it correctly), headers with units, formula-safe text."""
    out = pd.DataFrame({(f"{c.header}（{c.unit}）" if c.unit else c.header):
                        as_displayed(df[c.field], c.number_format).map(_safe_text) for c in columns})
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
