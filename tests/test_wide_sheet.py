"""The wide 统计月报 sheet parser, on fixture files read through the real reader (sheets.read)."""

import importlib.util
from pathlib import Path

import openpyxl
import pytest

from loaders import catalogue, regions, sheets, wide_sheet
from loaders.parsed import OBS_COLUMNS
from loaders.problems import ERROR, WARNING
from loaders.sheets import Sheet

FILES = Path(__file__).resolve().parent / "files"
CAT = catalogue.default()
REG = regions.default()
KEY = ["region_code", "period", "indicator", "measure", "value"]

# wide_2024_06.csv (GBK) and .xlsx: every value present in the sheet, in the catalogue's unit.
WIDE_ROWS = [
    ("621200", "RETAIL", "cum_level", 1005200.0), ("621200", "RETAIL", "cum_yoy", 5.2),
    ("621200", "IVA", "cum_yoy", 6.1),
    ("621200", "GPBR", "cum_level", 123456.0), ("621200", "GPBR", "cum_yoy", 3.5),
    ("621200", "URB_INC", "cum_level", 16850.0), ("621200", "URB_INC", "cum_yoy", 5.3),
    ("621202", "RETAIL", "cum_level", 352000.0), ("621202", "RETAIL", "cum_yoy", 5.5),
    ("621202", "IVA", "cum_yoy", 7.2),
    ("621202", "GPBR", "cum_level", 40211.0), ("621202", "GPBR", "cum_yoy", 4.1),
    ("621202", "URB_INC", "cum_level", 17500.0), ("621202", "URB_INC", "cum_yoy", 5.1),
    ("621221", "RETAIL", "cum_level", 125000.0), ("621221", "RETAIL", "cum_yoy", 6.1),
    ("621221", "IVA", "cum_yoy", 5.4),
    ("621221", "GPBR", "cum_level", 18302.0), ("621221", "GPBR", "cum_yoy", 2.9),
    ("621221", "URB_INC", "cum_level", 17820.0), ("621221", "URB_INC", "cum_yoy", 5.6),
    ("621223", "RETAIL", "cum_level", 68000.0), ("621223", "RETAIL", "cum_yoy", 4.2),
    ("621223", "GPBR", "cum_level", 6120.0),
    ("621223", "URB_INC", "cum_level", 15210.0), ("621223", "URB_INC", "cum_yoy", 5.2),
    ("621228", "RETAIL", "cum_level", 31000.0), ("621228", "RETAIL", "cum_yoy", 4.9),
    ("621228", "IVA", "cum_yoy", 6.8),
    ("621228", "GPBR", "cum_level", 3320.0), ("621228", "GPBR", "cum_yoy", -1.5),
    ("621228", "URB_INC", "cum_level", 16950.0), ("621228", "URB_INC", "cum_yoy", 5.0),
]


def load(name: str, sheet: int = 0) -> tuple[Sheet, str]:
    book, encoding = sheets.read(name, (FILES / name).read_bytes())
    return book[sheet], encoding


def parse(name: str, period: str | None = None):
    sheet, encoding = load(name)
    return wide_sheet.parse(sheet, file=name, catalogue=CAT, regions=REG, period=period, encoding=encoding)


def long_rows(parsed) -> list[tuple]:
    return sorted(tuple(r) for r in parsed.frame[KEY].itertuples(index=False))


def expected(rows: list[tuple], period: str) -> list[tuple]:
    return sorted((region, period, ind, measure, value) for region, ind, measure, value in rows)


def errors(parsed):
    return [p for p in parsed.problems if p.severity == ERROR]


def test_gbk_csv_gives_exact_long_rows():
    p = parse("wide_2024_06.csv")
    assert (p.kind, p.format, p.encoding) == ("observations", "wide_sheet", "gb18030")
    assert list(p.frame.columns) == OBS_COLUMNS
    assert long_rows(p) == expected(WIDE_ROWS, "2024-06")
    assert p.period_source == "title"  # the UI asks the user to confirm it
    assert p.simulated  # the footnote says 模拟数据
    assert errors(p) == []


def test_xlsx_with_merged_header_gives_the_same_rows():
    ws = openpyxl.load_workbook(FILES / "wide_2024_06.xlsx").active
    assert "B3:D3" in {str(r) for r in ws.merged_cells.ranges}  # a real merged header cell
    p = parse("wide_2024_06.xlsx")
    assert p.encoding == "xlsx"
    assert long_rows(p) == expected(WIDE_ROWS, "2024-06")
    assert p.frame[["row", "column"]].values.tolist() == parse("wide_2024_06.csv").frame[["row", "column"]].values.tolist()


def test_rows_and_columns_are_named_as_a_person_sees_them():
    f = parse("wide_2024_06.csv").frame
    chengxian = f[(f.region_code == "621221") & (f.indicator == "RETAIL")].set_index("measure")
    # "成  县" on row 7; the header joins the merged indicator cell and its sub-header
    assert chengxian.loc["cum_level", "row"] == 7
    assert chengxian.loc["cum_level", "column"] == "社会消费品零售总额(亿元)/绝对额"
    assert chengxian.loc["cum_yoy", "column"] == "社会消费品零售总额(亿元)/增速(%)"
    assert f[f.region_code == "621200"]["row"].unique().tolist() == [5]  # 全市
    assert f["row"].max() == 9  # the footnote on row 10 ends the table


def test_rank_columns_are_dropped():
    f = parse("wide_2024_06.csv").frame
    assert not f["column"].str.contains("位次").any()
    assert set(f["measure"]) == {"cum_level", "cum_yoy"}


def test_yiyuan_becomes_wanyuan_times_10000():
    f = parse("wide_2024_06.csv").frame
    level = f[(f.indicator == "RETAIL") & (f.measure == "cum_level")].set_index("region_code")["value"]
    assert level["621221"] == 125000.0  # "１２.５" 亿元, full-width digits
    assert level["621200"] == 1005200.0  # 100.52 亿元, no float noise
    income = f[(f.indicator == "URB_INC") & (f.measure == "cum_level")].set_index("region_code")["value"]
    assert income["621200"] == 16850.0  # (元) is the catalogue's unit: unchanged


def test_missing_cell_gives_no_row_and_no_problem():
    p = parse("wide_2024_06.csv")
    tanchang = p.frame[p.frame.region_code == "621223"]
    assert "IVA" not in set(tanchang.indicator)  # "—"
    assert not ((tanchang.indicator == "GPBR") & (tanchang.measure == "cum_yoy")).any()
    assert not any(p.row == 8 for p in p.problems)


def test_padded_short_and_full_names_resolve():
    codes = set(parse("wide_2024_06.csv").frame.region_code)
    assert codes == {"621200", "621202", "621221", "621223", "621228"}  # 全市 武都区 "成  县" "宕　昌" 两当县


def test_derived_indicator_is_skipped_with_a_warning():
    p = parse("wide_2024_06.csv")
    assert "IND_MARGIN" not in set(p.frame.indicator)
    [w] = [q for q in p.problems if q.severity == WARNING]
    assert (w.code, w.row, w.column) == ("derived_skipped", 3, "规模以上工业营业收入利润率/本年累计(%)")


def test_month_pairs_prior_year_and_plan_columns():
    p = parse("wide_variants.csv")
    assert p.encoding == "utf-8-sig"
    assert long_rows(p) == expected([
        ("621200", "RETAIL", "month_level", 50000.0), ("621202", "RETAIL", "month_level", 20000.0),
        ("621200", "RETAIL", "cum_level", 150000.0), ("621200", "FAI", "cum_yoy", 8.5),
        ("621200", "GPBR", "cum_level", 60000.0), ("621200", "GPBR", "cum_yoy", 4.2),
        ("621202", "RETAIL", "cum_level", 60000.0), ("621202", "FAI", "cum_yoy", 10.2),
        ("621202", "GPBR", "cum_level", 20000.0), ("621202", "GPBR", "cum_yoy", 5.0),
    ], "2024-03")
    # 本月 beside 1-本月 is kept as its own measure; 上年同期, 完成年计划%, 序时进度 are dropped without a word
    assert p.problems == []


def test_single_row_header_period_option_and_units_row():
    p = parse("wide_single_header.csv", period="2024-06")
    assert long_rows(p) == expected([
        ("621200", "RETAIL", "cum_level", 1005000.0), ("621200", "RETAIL", "cum_yoy", 5.2),
        ("621200", "IVA", "cum_yoy", 6.1), ("621200", "TAX_SHARE", "ratio", 75.3),
        ("621222", "RETAIL", "cum_level", 82000.0), ("621222", "RETAIL", "cum_yoy", 4.8),
        ("621222", "IVA", "cum_yoy", -3.2), ("621222", "TAX_SHARE", "ratio", 68.0),
    ], "2024-06")  # "单位：亿元、%" converts the level column; the title has no period
    assert p.period_source == "option"
    assert not p.simulated


# One bad file per problem: (file, code, row, column, value, words the message must contain).
BAD = [
    ("wide_bad_region.csv", "unknown_region", 6, "县区", "武都县区", "武都、成县、文县"),
    ("wide_bad_indicator.csv", "unknown_indicator", 3, "营商环境满意度/绝对额", "营商环境满意度", "社会消费品零售总额"),
    ("wide_bad_number.csv", "bad_number", 6, "一般公共预算收入/绝对额", "12..5", "缺失请留空或填“—”"),
    ("wide_no_period.csv", "period_missing", 1, "", "陇南市各县区主要经济指标完成情况", "2024年1-6月"),
    ("wide_bad_unit.csv", "bad_unit", 3, "社会消费品零售总额(千瓦时)/绝对额", "千瓦时", "万元"),
    ("wide_no_city.csv", "unknown_region", 5, "县区", "全市", "在标题中写明市州"),
]


@pytest.mark.parametrize(("name", "code", "row", "column", "value", "fix"), BAD, ids=[b[1] + ":" + b[0] for b in BAD])
def test_bad_file_reports_the_problem_with_its_fix(name, code, row, column, value, fix):
    p = parse(name)
    [e] = errors(p)
    assert (e.code, e.row, e.column, e.value) == (code, row, column, value)
    assert e.file == name
    assert fix in e.message() and "处理办法" in e.message()


def test_a_bad_cell_does_not_stop_the_rest():
    p = parse("wide_bad_region.csv")
    assert "621202" not in set(p.frame.region_code)
    assert len(p.frame) == len(WIDE_ROWS) - 7  # only 武都's seven values are lost
    p = parse("wide_bad_number.csv")
    assert len(p.frame) == len(WIDE_ROWS) - 1


def test_every_problem_is_reported_at_once():
    sheet, _ = load("wide_2024_06.csv")
    rows = [list(r) for r in sheet.rows]
    rows[5][0] = "武都县区"  # row 6
    rows[6][2] = "12..5"  # row 7
    rows[8][7] = "abc"  # row 9
    p = wide_sheet.parse(Sheet("x.csv", rows), file="x.csv", catalogue=CAT, regions=REG)
    assert sorted((e.code, e.row) for e in errors(p)) == [("bad_number", 7), ("bad_number", 9), ("unknown_region", 6)]


def test_period_option_that_contradicts_the_title():
    p = parse("wide_2024_06.csv", period="2024-05")
    [e] = errors(p)
    assert (e.code, e.row, e.value) == ("period_mismatch", 1, "2024年1-6月陇南市各县区主要经济指标完成情况")
    assert "“2024年1-6月”与另行指定的“2024年1-5月”不一致" in e.message()
    assert "修改标题或上传表单的“期间”" in e.message() and "--period" not in e.message()
    assert "修改标题或 --period" in e.for_cli().message()


def test_unreadable_period_option():
    [e] = errors(parse("wide_2024_06.csv", period="2024-13"))
    assert e.code == "bad_period"


@pytest.mark.parametrize("name", ["months_iva_2024.csv", "months_retail.xlsx", "targets_2026.csv", "targets_single.csv"])
def test_other_layouts_are_not_a_wide_sheet(name):
    assert parse(name) is None


def test_long_csv_and_blank_sheets_are_not_a_wide_sheet():
    long = [["region_code", "period", "indicator", "measure", "value"], ["621202", "2024-06", "IVA", "cum_yoy", "6.1"]]
    chinese_long = [["地区", "期间", "指标", "口径", "数值"], ["武都区", "2024-06", "规上工业增加值", "增速", "6.1"]]
    for rows in (long, chinese_long, [], [["2024年1-6月"]]):
        assert wide_sheet.parse(Sheet("x.csv", rows), file="x.csv", catalogue=CAT, regions=REG) is None


def test_fixtures_match_their_generator():
    """make_files.py is the source of the binary fixtures: rerunning it must give the same bytes."""
    spec = importlib.util.spec_from_file_location("make_files", FILES / "make_files.py")
    mk = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mk)
    for name, (rows, encoding) in mk.CSV.items():
        assert (FILES / name).read_bytes() == mk.csv_bytes(rows, encoding), name
    for name, book in mk.XLSX.items():
        assert (FILES / name).read_bytes() == mk.xlsx_bytes(book), name
