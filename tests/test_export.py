"""Exports open in Excel as displayed and never carry a formula."""

import io

import openpyxl
import pandas as pd

from layouts.export import Column, to_csv, to_xlsx

COLS = [Column("name", "县区"), Column("score", "综合得分", "分", "0.00"), Column("rank", "名次", "", "0")]


def frame():
    return pd.DataFrame({"name": ["武都区", "=HYPERLINK(\"http://x\")", "@SUM(A1)", "-1+2"],
                         "score": [83.4132, 80.1, None, 70.0], "rank": [1, 2, 3, 4]})


def test_xlsx_has_title_units_formats_frozen_header_and_no_formulas():
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame(), COLS, title="2026年三季度排名")))
    ws = wb.active
    assert ws["A1"].value == "2026年三季度排名"
    assert [c.value for c in ws[2]] == ["县区", "综合得分（分）", "名次"]
    assert ws.freeze_panes == "A3"
    assert ws["B3"].value == 83.4132 and ws["B3"].number_format == "0.00"
    assert ws["B5"].value is None  # missing stays empty, never 0
    assert [ws[c].data_type for c in ("A4", "A5", "A6")] == ["s", "s", "s"]  # text, not formulas
    assert ws["A4"].value == "=HYPERLINK(\"http://x\")" and ws["A4"].data_type == "s"


def test_csv_has_a_bom_and_neutralised_formulas():
    data = to_csv(frame(), COLS)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "县区,综合得分（分）,名次"
    assert "'=HYPERLINK" in text and "'@SUM" in text and "'-1+2" in text
