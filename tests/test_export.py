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
    assert ws["B3"].value == 83.41 and ws["B3"].number_format == "0.00"  # as displayed, not 83.4132
    assert ws["B5"].value is None  # missing stays empty, never 0
    assert [ws[c].data_type for c in ("A4", "A5", "A6")] == ["s", "s", "s"]  # text, not formulas
    assert ws["A4"].value == "=HYPERLINK(\"http://x\")" and ws["A4"].data_type == "s"


def test_csv_has_a_bom_and_neutralised_formulas():
    data = to_csv(frame(), COLS)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "县区,综合得分（分）,名次"
    assert "'=HYPERLINK" in text and "'@SUM" in text and "'-1+2" in text


def test_numbers_are_written_as_displayed_ranks_whole_and_scores_to_two_decimals():
    """Ranks with a gap (an unranked unit) stay whole numbers, never 1.0; scores carry the two decimals shown; a
    General column of whole numbers (a rank sent by a grid as 1, 2, None) is whole too."""
    df = pd.DataFrame({"name": ["甲", "乙", "丙"], "score": [83.41321234567, 80.1, None], "rank": [1.0, None, 3.0],
                       "place": [2, None, 1], "growth": [6.912, -1.06, 0.0]})
    cols = [Column("name", "县区"), Column("score", "综合得分", "", "0.00"), Column("rank", "名次", "", "0"),
            Column("place", "全省位次"), Column("growth", "增速", "%", "0.0")]
    back = pd.read_csv(io.BytesIO(to_csv(df, cols)), encoding="utf-8-sig")
    assert list(back.columns) == ["县区", "综合得分", "名次", "全省位次", "增速（%）"]  # units in the headers
    assert back["名次"].dropna().tolist() == [1, 3] and ",1.0," not in to_csv(df, cols).decode("utf-8-sig")
    text = to_csv(df, cols).decode("utf-8-sig").splitlines()
    assert text[1] == "甲,83.41,1,2,6.9" and text[2] == "乙,80.1,,,-1.1" and text[3] == "丙,,3,1,0.0"
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx(df, cols, title="t"))).active
    assert ws["C3"].value == 1 and isinstance(ws["C3"].value, int) and ws["C4"].value is None
    assert isinstance(ws["D3"].value, int) and ws["B3"].value == 83.41


def test_decimals_follow_the_number_format():
    from layouts.export import decimals_of

    assert [decimals_of(f) for f in ("General", "0", "#,##0", "0.00", "+0.0;-0.0;0.0", "0.0%", "#,##0.00")] == \
        [None, 0, 0, 2, 1, 3, 2]
