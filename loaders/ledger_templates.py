"""Upload templates of the ledger kinds, built from data/ledgers.toml: an .xlsx and a CSV per kind.

Layout (what loaders/ledger_sheet.py reads back): row 1 the title with a blank 截至日期 to fill in
(“清欠台账（截至    年  月  日）”), row 2 the headers (required ones marked *, amounts with their unit), row 3 an
example row whose 序号 is 示例 — skipped on upload, so it may be left in — and the items from row 4. The .xlsx
adds drop-down lists for choice and 是/否 columns, date formats, and a 填表说明 sheet listing every column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from loaders import ledger_cells
from loaders.ledger_kinds import Column, Kind, Kinds, default, read_cell
from loaders.ledger_sheet import EXAMPLE_MARK

TITLE_BLANK = "（截至    年  月  日）"
REQUIRED_MARK = "*"
ROW_NUMBER_HEADER = "序号"
TEMPLATE_ROWS = 2000  # rows the drop-downs and formats cover: a county's ledger has tens to hundreds of items
NOTES_SHEET = "填表说明"
TYPE_ZH = {"text": "文字", "number": "数字", "date": "日期", "month": "月份", "choice": "选项", "bool": "是/否",
           "region": "县区"}


def title(kind: Kind) -> str:
    return f"{kind.name_zh}{TITLE_BLANK}"


def header(col: Column) -> str:
    """The template's header: *拖欠金额（万元） for a required amount."""
    return f"{REQUIRED_MARK if col.required else ''}{col.title}"


def example_row(kind: Kind) -> list:
    """The example row's typed cells (序号 first)."""
    out: list = [EXAMPLE_MARK]
    for col in kind.columns:
        value = col.example if col.type == "region" else read_cell(col, col.example)
        if col.type == "month" and value:
            value = dt.date(int(value[:4]), int(value[5:7]), 1)
        elif col.type == "bool":
            value = ledger_cells.bool_words(col.yes, col.no)[0 if value else 1]
        out.append(value)
    return out


def template_csv(kind_code: str, kinds: Kinds | None = None) -> bytes:
    """The CSV template (UTF-8 with BOM, which Excel opens without garbling the Chinese)."""
    kind = (kinds or default())[kind_code]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([title(kind)])
    w.writerow([ROW_NUMBER_HEADER, *(header(c) for c in kind.columns)])
    w.writerow([_csv_cell(v, c) for v, c in zip(example_row(kind), (None, *kind.columns), strict=True)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _csv_cell(value, col: Column | None) -> str:
    if isinstance(value, dt.date):
        return f"{value:%Y-%m}" if col is not None and col.type == "month" else value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)


def template_xlsx(kind_code: str, kinds: Kinds | None = None) -> bytes:
    """The .xlsx template of a kind: headers, the example row, drop-downs, date formats, and the notes sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    kind = (kinds or default())[kind_code]
    wb = Workbook()
    ws = wb.active
    ws.title = kind.name_zh.replace("“", "").replace("”", "")[:31]
    n = len(kind.columns) + 1
    ws.cell(1, 1, title(kind)).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for j, text in enumerate([ROW_NUMBER_HEADER, *(header(c) for c in kind.columns)], start=1):
        cell = ws.cell(2, j, text)
        cell.font, cell.fill = Font(bold=True), fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = max(10, min(28, 2.2 * len(text) + 2))
    grey = Font(color="808080", italic=True)
    for j, value in enumerate(example_row(kind), start=1):
        ws.cell(3, j, value).font = grey
    last = 3 + TEMPLATE_ROWS
    for j, col in enumerate(kind.columns, start=2):
        letter = get_column_letter(j)
        cells = f"{letter}3:{letter}{last}"
        if col.type in ("date", "month"):
            fmt = "yyyy-mm-dd" if col.type == "date" else "yyyy-mm"
            for r in range(3, last + 1):
                ws.cell(r, j).number_format = fmt
            dv = DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)",
                                formula2="DATE(2099,12,31)", allow_blank=True, showErrorMessage=True,
                                errorTitle=col.header, error=f"请填写日期，如 {col.example}")
            dv.add(cells)
            ws.add_data_validation(dv)
        elif col.allowed():
            dv = DataValidation(type="list", formula1='"' + ",".join(col.allowed()) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle=col.header,
                                error=f"请从下拉列表中选择：{'、'.join(col.allowed())}")
            dv.add(cells)
            ws.add_data_validation(dv)
        elif col.type == "number":
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=f"{col.min:g}",
                                allow_blank=True, showErrorMessage=True, errorTitle=col.header,
                                error=f"请填写不小于 {col.min:g} 的数字（单位{col.unit}）")
            dv.add(cells)
            ws.add_data_validation(dv)
    ws.freeze_panes = "A3"
    _notes(wb.create_sheet(NOTES_SHEET), kind)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _notes(ws, kind: Kind) -> None:
    from openpyxl.styles import Font

    lines = [
        [f"{kind.name_zh}：{kind.description}"],
        [f"截至日期：{kind.as_of}。请在第1行标题中填写，如“{kind.name_zh}（截至2026年10月31日）”，"
         "或在上传时填写截至日期。"],
        [f"第3行（序号为“{EXAMPLE_MARK}”）是示例，上传时自动忽略，可保留或删除；事项从第4行起逐行填写。"],
        [f"带 {REQUIRED_MARK} 的列为必填；同一县区内{'、'.join(kind[k].header for k in kind.key)}不得重复。"],
        [],
        ["列名", "必填", "类型", "可填写的值 / 说明", "示例"],
    ]
    for col in kind.columns:
        allowed = "、".join(col.allowed())
        what = {"number": f"单位{col.unit}，不小于 {col.min:g}", "date": "如 2026-10-31",
                "month": "如 2026-12", "region": "县区全称、简称或6位区划代码"}.get(col.type, allowed)
        lines.append([col.title, "是" if col.required else "否", TYPE_ZH[col.type],
                      "；".join(x for x in (what, col.note) if x), col.example])
    for row in lines:
        ws.append(row)
    ws.cell(6, 1).font = ws.cell(6, 2).font = ws.cell(6, 3).font = ws.cell(6, 4).font = ws.cell(6, 5).font = \
        Font(bold=True)
    for letter, width in zip("ABCDE", (22, 6, 8, 48, 22), strict=True):
        ws.column_dimensions[letter].width = width
