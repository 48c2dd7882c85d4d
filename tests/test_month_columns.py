"""The months-as-columns parser (one sheet per indicator), on fixture files read through sheets.read."""

from pathlib import Path

import pytest

from loaders import catalogue, month_columns, regions, sheets, wide_sheet
from loaders.parsed import OBS_COLUMNS
from loaders.problems import ERROR
from loaders.sheets import Sheet

FILES = Path(__file__).resolve().parent / "files"
CAT = catalogue.default()
REG = regions.default()
KEY = ["region_code", "period", "indicator", "measure", "value"]


def load(name: str) -> tuple[Sheet, str]:
    book, encoding = sheets.read(name, (FILES / name).read_bytes())
    return book[0], encoding


def parse(name: str, period: str | None = None, sheet: Sheet | None = None):
    loaded, encoding = load(name)
    return month_columns.parse(sheet or loaded, file=name, catalogue=CAT, regions=REG, period=period,
                               encoding=encoding)


def long_rows(parsed) -> list[tuple]:
    return sorted(tuple(r) for r in parsed.frame[KEY].itertuples(index=False))


def errors(parsed):
    return [p for p in parsed.problems if p.severity == ERROR]


IVA_ROWS = sorted([
    ("621200", "2024-02", "IVA", "cum_yoy", 5.1), ("621200", "2024-03", "IVA", "cum_yoy", 5.8),
    ("621200", "2024-04", "IVA", "cum_yoy", 6.0), ("621200", "2024-06", "IVA", "cum_yoy", 6.1),
    ("621202", "2024-02", "IVA", "cum_yoy", 7.0), ("621202", "2024-03", "IVA", "cum_yoy", 7.3),
    ("621202", "2024-04", "IVA", "cum_yoy", 7.1), ("621202", "2024-05", "IVA", "cum_yoy", 7.2),
    ("621202", "2024-06", "IVA", "cum_yoy", 7.2),
    ("621225", "2024-02", "IVA", "cum_yoy", 3.1), ("621225", "2024-03", "IVA", "cum_yoy", 3.3),
    ("621225", "2024-05", "IVA", "cum_yoy", 4.0), ("621225", "2024-06", "IVA", "cum_yoy", 4.2),
])


def test_indicator_from_title_and_months_from_header():
    p = parse("months_iva_2024.csv")
    assert (p.kind, p.format, p.encoding) == ("observations", "month_columns", "gb18030")
    assert list(p.frame.columns) == OBS_COLUMNS
    assert long_rows(p) == IVA_ROWS  # "—" (全市 1-5月) and "" (西和 1-4月) give no row
    assert p.problems == []  # the 位次 column is not data and is dropped silently
    assert p.period_source == "title"  # the year came from the title
    assert p.simulated
    wudu = p.frame[(p.frame.region_code == "621202") & (p.frame.period == "2024-05")].iloc[0]
    assert (wudu["row"], wudu["column"]) == (5, "1-5月")


def test_indicator_and_unit_from_sheet_name_with_quarters_and_sub_header():
    p = parse("months_retail.xlsx")
    assert long_rows(p) == sorted([
        ("621200", "2024-03", "RETAIL", "cum_level", 451000.0), ("621200", "2024-03", "RETAIL", "cum_yoy", 5.0),
        ("621200", "2024-06", "RETAIL", "cum_level", 983000.0), ("621200", "2024-06", "RETAIL", "cum_yoy", 5.4),
        ("621224", "2024-03", "RETAIL", "cum_level", 32000.0), ("621224", "2024-03", "RETAIL", "cum_yoy", 4.4),
        ("621224", "2024-06", "RETAIL", "cum_level", 70000.0), ("621224", "2024-06", "RETAIL", "cum_yoy", 4.9),
    ])  # sheet "社零(亿元)": 亿元 -> 万元 × 10000; 一季度 / 上半年 under merged header cells
    assert set(p.frame.column) == {"一季度/绝对额", "一季度/增速(%)", "上半年/绝对额", "上半年/增速(%)"}


def test_year_from_the_period_option():
    p = parse("months_no_year.csv", period="2024-06")
    assert errors(p) == []
    assert long_rows(p) == IVA_ROWS
    assert p.period_source == "option"


# (file, code, row, column, value, words the message must contain)
BAD = [
    ("months_no_year.csv", "period_missing", 1, "", "陇南市各县区规模以上工业增加值增速", "2024年"),
    ("months_bad_indicator.csv", "unknown_indicator", 1, "", "2024年陇南市各县区营商环境满意度", "规模以上工业增加值"),
    ("months_bad_period.csv", "bad_period", 3, "1-13月", "1-13月", "1-6月"),
]


@pytest.mark.parametrize(("name", "code", "row", "column", "value", "fix"), BAD, ids=[b[1] for b in BAD])
def test_bad_file_reports_the_problem_with_its_fix(name, code, row, column, value, fix):
    p = parse(name)
    [e] = errors(p)
    assert (e.code, e.row, e.column, e.value) == (code, row, column, value)
    assert fix in e.message()


def test_unknown_county_and_bad_number_in_the_body():
    sheet, _ = load("months_iva_2024.csv")
    rows = [list(r) for r in sheet.rows]
    rows[4][0] = "武都县区"  # row 5
    rows[5][2] = "12..5"  # row 6, 1-3月
    p = parse("months_iva_2024.csv", sheet=Sheet(sheet.name, rows))
    got = sorted((e.code, e.row, e.column, e.value) for e in errors(p))
    assert got == [("bad_number", 6, "1-3月", "12..5"), ("unknown_region", 5, "县区", "武都县区")]
    assert "武都、成县" in next(e for e in errors(p) if e.code == "unknown_region").message()
    assert "621202" not in set(p.frame.region_code)


def test_period_option_year_that_contradicts_the_title():
    [e] = errors(parse("months_iva_2024.csv", period="2023-06"))
    assert (e.code, e.row) == ("period_mismatch", 1)


def test_derived_indicator_sheet_is_skipped():
    rows = [["2024年陇南市各县区规模以上工业营业收入利润率"], ["县区", "1-2月", "1-3月"], ["全市", "5.1", "5.3"]]
    p = month_columns.parse(Sheet("x.csv", rows), file="x.csv", catalogue=CAT, regions=REG)
    assert p.frame.empty
    assert [q.code for q in p.problems] == ["derived_skipped"]


@pytest.mark.parametrize("name", ["wide_2024_06.csv", "wide_variants.csv", "targets_2026.csv"])
def test_other_layouts_are_not_month_columns(name):
    assert parse(name) is None


def test_the_wide_parser_leaves_month_columns_alone():
    sheet, _ = load("months_iva_2024.csv")
    assert wide_sheet.parse(sheet, file="m.csv", catalogue=CAT, regions=REG) is None
