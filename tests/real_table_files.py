"""Workbooks shaped like the tables real bureaus publish (reference/real-tables.md), built in the test."""

import io

import openpyxl


def workbook(rows: list[list], merges: tuple[str, ...] = ()) -> bytes:
    """An .xlsx of one sheet holding `rows` as written (numbers as numbers, texts with their line breaks)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
