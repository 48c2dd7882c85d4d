"""The wide targets sheet parser, on fixture files read through sheets.read."""

from pathlib import Path

import pytest

from loaders import catalogue, month_columns, regions, sheets, targets_sheet, wide_sheet
from loaders.parsed import TARGET_COLUMNS
from loaders.problems import ERROR
from loaders.sheets import Sheet

FILES = Path(__file__).resolve().parent / "files"
CAT = catalogue.default()
REG = regions.default()
KEY = ["region_code", "period", "indicator", "kind", "value"]


def load(name: str) -> tuple[Sheet, str]:
    book, encoding = sheets.read(name, (FILES / name).read_bytes())
    return book[0], encoding


def parse(name: str, period: str | None = None, sheet: Sheet | None = None):
    loaded, encoding = load(name)
    return targets_sheet.parse(sheet or loaded, file=name, catalogue=CAT, regions=REG, period=period,
                               encoding=encoding)


def long_rows(parsed) -> list[tuple]:
    return sorted(tuple(r) for r in parsed.frame[KEY].itertuples(index=False))


def errors(parsed):
    return [p for p in parsed.problems if p.severity == ERROR]


TARGET_ROWS = sorted([
    ("621200", "2026-12", "GDP", "growth", 6.0), ("621200", "2026-12", "GDP", "level", 6500000.0),
    ("621200", "2026-12", "RETAIL", "growth", 6.5), ("621200", "2026-12", "RETAIL", "level", 2100000.0),
    ("621200", "2026-12", "IVA", "growth", 7.0),
    ("621226", "2026-12", "GDP", "growth", 6.5), ("621226", "2026-12", "GDP", "level", 620000.0),
    ("621226", "2026-12", "RETAIL", "growth", 7.0), ("621226", "2026-12", "RETAIL", "level", 185000.0),
    ("621226", "2026-12", "IVA", "growth", 8.0),
    ("621227", "2026-12", "GDP", "growth", 6.0), ("621227", "2026-12", "GDP", "level", 700000.0),
    ("621227", "2026-12", "RETAIL", "level", 220000.0),  # its growth target is "—"
    ("621227", "2026-12", "IVA", "growth", 7.5),
])


def test_two_row_header_gives_exact_target_rows():
    p = parse("targets_2026.csv")
    assert (p.kind, p.format, p.encoding) == ("targets", "wide_targets", "gb18030")
    assert list(p.frame.columns) == TARGET_COLUMNS
    assert long_rows(p) == TARGET_ROWS  # 亿元 -> 万元 × 10000; 上年完成 dropped; footnote not read
    assert set(p.frame.year) == {2026}
    assert p.problems == []
    assert p.period_source == "title"
    assert p.simulated  # the footnote says 模拟数据
    li = p.frame[(p.frame.region_code == "621226") & (p.frame.indicator == "RETAIL") & (p.frame.kind == "level")]
    assert li[["row", "column"]].values.tolist() == [[5, "社会消费品零售总额(亿元)/年度目标"]]


def test_single_row_header():
    p = parse("targets_single.csv")
    assert long_rows(p) == sorted([
        ("621200", "2026-12", "RETAIL", "growth", 6.5), ("621200", "2026-12", "GPBR", "level", 260000.0),
        ("621221", "2026-12", "RETAIL", "growth", 7.0), ("621221", "2026-12", "GPBR", "level", 30000.0),
    ])
    assert p.problems == []


def test_year_from_the_option():
    p = parse("targets_no_year.csv", period="2026")
    assert errors(p) == []
    assert long_rows(p) == TARGET_ROWS
    assert p.period_source == "option"


def test_no_year():
    [e] = errors(parse("targets_no_year.csv"))
    assert (e.code, e.row, e.value) == ("period_missing", 1, "陇南市各县区主要经济指标目标任务")
    assert "在上传表单的“期间”中填写 2026" in e.message() and "--period" not in e.message()
    assert "导入时用 --period 2026 指定" in e.for_cli().message()  # the command line names its flag


def test_option_year_that_contradicts_the_title():
    [e] = errors(parse("targets_2026.csv", period="2025"))
    assert (e.code, e.row) == ("period_mismatch", 1)
    assert "2025" in e.message()


def test_unknown_county_unknown_indicator_and_bad_number():
    sheet, _ = load("targets_2026.csv")
    rows = [list(r) for r in sheet.rows]
    rows[1][5] = "营商环境满意度目标"  # row 2
    rows[3][0] = "武都县区"  # row 4
    rows[4][1] = "12..5"  # row 5
    p = parse("targets_2026.csv", sheet=Sheet(sheet.name, rows))
    got = sorted((e.code, e.row, e.value) for e in errors(p))
    assert got == [("bad_number", 5, "12..5"), ("unknown_indicator", 2, "营商环境满意度目标"),
                   ("unknown_region", 4, "武都县区")]


@pytest.mark.parametrize("name", ["wide_2024_06.csv", "wide_variants.csv", "months_iva_2024.csv"])
def test_other_layouts_are_not_targets(name):
    assert parse(name) is None


@pytest.mark.parametrize("parser", [wide_sheet.parse, month_columns.parse])
def test_observation_parsers_leave_targets_alone(parser):
    for name in ("targets_2026.csv", "targets_single.csv"):
        sheet, _ = load(name)
        assert parser(sheet, file=name, catalogue=CAT, regions=REG) is None
