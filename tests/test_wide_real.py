"""Real published tables (reference/real-tables.md) under the Gansu deployment: a province → prefecture table with
line breaks in its headers, a blank top-left cell, "全 省", units in labels and cells, 持平 / —— / - / 没有上报报表,
当月 columns beside the cumulative ones, footnotes, and no title row. Every stored value is asserted exactly."""

import datetime as dt

import pytest
from real_table_files import workbook

from loaders import catalogue, detect, regions
from loaders.ingest import ingest

TODAY = dt.date(2026, 11, 23)
CAT = catalogue.default()
REG = regions.default()
KEY = ["region_code", "period", "indicator", "measure", "value"]

HEADER = [
    ["", "", "", "", "", "", "", "单位：%"],
    ["", "规模以上工业增加值\n增长速度", "", "社会消费品零售总额\n（亿元）", "", "固定资产投资\n增速",
     "一般公共预算收入\n(万元)", ""],
    ["", "当月", "1-本月累计", "绝对额", "比上年同期\n增长", "", "当月", "累计"],
]
BODY = [
    ["全 省", 5.8, 6.1, 3456.78, "持平", -2.5, 12345.6, 98765.4],
    ["兰州市", "6.4%", 7.2, 1234.5, 4.3, 8.8, 2345.6, 34567.8],
    ["嘉峪关市", "——", 3.3, 210.05, 2.1, "-", "—", 4321.0],
    ["金 昌 市", "没有上报报表", "没有上报报表", 150.2, 3.9, -12.4, 800.0, 5600.0],
    ["天水市", 4.1, 5.0, 402.3, "持平", 0.0, "", 6789.0],
    ["陇南市", -1.2, "未上报", 300.0, 5.5, 3.0, 500.5, 4000.0],
]
FOOTER = [
    ["注：嘉峪关市规上工业增加值当月增速不适用；“-”表示未下达目标。"],
    ["*含兰州新区", 6.4, 7.0],  # another version of a number: never read
    ["数据来源：甘肃省统计局"],
]
FILE = workbook(HEADER + BODY + FOOTER)
NAME = "分市州主要指标.xlsx"

# Computed by hand from BODY: 亿元 × 10000 → 万元; 持平 → 0.0; "6.4%" → 6.4; ——, -, —, empty, 没有上报报表 → no value.
STORED = sorted([
    ("620000", "IVA", "month_yoy", 5.8), ("620000", "IVA", "cum_yoy", 6.1),
    ("620000", "RETAIL", "cum_level", 34567800.0), ("620000", "RETAIL", "cum_yoy", 0.0),
    ("620000", "FAI", "cum_yoy", -2.5), ("620000", "GPBR", "month_level", 12345.6),
    ("620000", "GPBR", "cum_level", 98765.4),
    ("620100", "IVA", "month_yoy", 6.4), ("620100", "IVA", "cum_yoy", 7.2),
    ("620100", "RETAIL", "cum_level", 12345000.0), ("620100", "RETAIL", "cum_yoy", 4.3),
    ("620100", "FAI", "cum_yoy", 8.8), ("620100", "GPBR", "month_level", 2345.6),
    ("620100", "GPBR", "cum_level", 34567.8),
    ("620200", "IVA", "cum_yoy", 3.3), ("620200", "RETAIL", "cum_level", 2100500.0),
    ("620200", "RETAIL", "cum_yoy", 2.1), ("620200", "GPBR", "cum_level", 4321.0),
    ("620300", "RETAIL", "cum_level", 1502000.0), ("620300", "RETAIL", "cum_yoy", 3.9),
    ("620300", "FAI", "cum_yoy", -12.4), ("620300", "GPBR", "month_level", 800.0),
    ("620300", "GPBR", "cum_level", 5600.0),
    ("620500", "IVA", "month_yoy", 4.1), ("620500", "IVA", "cum_yoy", 5.0),
    ("620500", "RETAIL", "cum_level", 4023000.0), ("620500", "RETAIL", "cum_yoy", 0.0),
    ("620500", "FAI", "cum_yoy", 0.0), ("620500", "GPBR", "cum_level", 6789.0),
    ("621200", "IVA", "month_yoy", -1.2), ("621200", "RETAIL", "cum_level", 3000000.0),
    ("621200", "RETAIL", "cum_yoy", 5.5), ("621200", "FAI", "cum_yoy", 3.0),
    ("621200", "GPBR", "month_level", 500.5), ("621200", "GPBR", "cum_level", 4000.0),
])
MARKS = sorted([
    ("620000", "RETAIL", "cum_yoy", "flat"), ("620500", "RETAIL", "cum_yoy", "flat"),
    ("620300", "IVA", "month_yoy", "not_reported"), ("620300", "IVA", "cum_yoy", "not_reported"),
    ("621200", "IVA", "cum_yoy", "not_reported"),
])


def stored(store, period="2026-10"):
    df = store.export()
    assert set(df["period"]) == {period}
    return sorted((r.region_code, r.indicator, r.measure, r.value) for r in df.itertuples(index=False))


def marks(store):
    m = store.marks()
    return sorted((r.region_code, r.indicator, r.measure, r.mark) for r in m.itertuples(index=False))


def test_province_to_prefecture_table_stores_exactly_its_values(store):
    r = ingest(FILE, store, name=NAME, period="2026-10", today=TODAY)
    assert r.status == "committed", [p.message() for p in r.errors]
    assert r.period_source == "option"
    assert stored(store) == STORED
    assert marks(store) == MARKS
    assert (r.flat, r.not_reported) == (2, 3)
    assert r.inserted == len(STORED)


def test_not_reported_is_a_warning_with_row_and_column_never_zero_and_never_an_error(store):
    r = ingest(FILE, store, name=NAME, period="2026-10", today=TODAY)
    assert r.errors == []
    said = sorted((p.code, p.row, p.column, p.value) for p in r.warnings)
    assert said == [
        ("not_reported", 7, "规模以上工业增加值 增长速度/1-本月累计", "没有上报报表"),
        ("not_reported", 7, "规模以上工业增加值 增长速度/当月", "没有上报报表"),
        ("not_reported", 9, "规模以上工业增加值 增长速度/1-本月累计", "没有上报报表"),
    ]
    assert "记为“未上报”（不记为0，也不算漏填）" in r.warnings[0].message()
    kept = store.upload_problems(r.upload_id)
    assert sorted(kept["code"]) == ["not_reported"] * 3
    jinchang = store.export().query("region_code == '620300' and indicator == 'IVA'")
    assert jinchang.empty  # no value at all, so never a zero


def test_a_later_value_outranks_an_earlier_not_reported_mark(store):
    ingest(FILE, store, name=NAME, period="2026-10", today=TODAY)
    later = workbook(HEADER[:3] + [["金昌市", 2.2, 3.1, "", "", "", "", ""]])
    r = ingest(later, store, name="补报.xlsx", period="2026-10", today=TODAY)
    assert r.status == "committed", [p.message() for p in r.errors]
    assert [m for m in marks(store) if m[0] == "620300"] == []
    df = store.export().query("region_code == '620300' and indicator == 'IVA'")
    assert sorted(zip(df.measure, df.value, strict=True)) == [("cum_yoy", 3.1), ("month_yoy", 2.2)]
    store.rollback(r.upload_id, "admin")
    assert [m for m in marks(store) if m[0] == "620300"] == [
        ("620300", "IVA", "cum_yoy", "not_reported"), ("620300", "IVA", "month_yoy", "not_reported")]


def test_a_flat_mark_goes_with_its_value_when_a_revision_replaces_it(store):
    ingest(FILE, store, name=NAME, period="2026-10", today=TODAY)
    revised = workbook(HEADER[:3] + [["天水市", "", "", "", 0.3, "", "", ""]])
    r = ingest(revised, store, name="更正.xlsx", period="2026-10", today=TODAY, note="企业更正")
    assert (r.status, r.revised) == ("committed", 1), [p.message() for p in r.errors]
    assert ("620500", "RETAIL", "cum_yoy", "flat") not in marks(store)
    assert ("620000", "RETAIL", "cum_yoy", "flat") in marks(store)


def test_no_title_and_no_period_says_how_to_give_it(store):
    r = ingest(FILE, store, name=NAME, today=TODAY)
    assert r.status == "rejected" and store.export().empty
    [p] = [p for p in r.errors if p.code == "period_missing"]
    assert "上传表单的“期间”中填写 2024-06" in p.fix
    assert "导入时用 --period 2024-06 指定" in p.for_cli().fix


def test_the_period_in_the_file_name_is_used_and_said(store):
    r = ingest(FILE, store, name="2026年1-10月全省分市州主要指标.xlsx", today=TODAY)
    assert r.status == "committed", [p.message() for p in r.errors]
    assert r.period_source == "file_name" and r.periods == ["2026-10"]
    assert stored(store) == STORED
    from layouts.upload_view import summary_line
    assert "期间取自文件名，请核对" in summary_line(r)


def test_a_period_option_that_contradicts_the_file_name_is_an_error(store):
    r = ingest(FILE, store, name="2026年1-10月全省分市州主要指标.xlsx", period="2026-09", today=TODAY)
    [p] = [p for p in r.errors if p.code == "period_mismatch"]
    assert "文件名中的期间“2026年1-10月”与另行指定的“2026年1-9月”不一致" in p.reason


def test_footnotes_are_not_rows_and_never_overwrite_a_value():
    parsed = detect.parse_file(NAME, FILE, catalogue=CAT, regions=REG, period="2026-10")
    assert max(parsed.frame["row"]) == 9  # the last prefecture; 注：, *含… and 数据来源 are not read
    lanzhou = parsed.frame.query("region_code == '620100' and indicator == 'IVA' and measure == 'month_yoy'")
    assert list(lanzhou["value"]) == [6.4]


def test_every_problem_at_once_and_nothing_written(store):
    bad = [r[:] for r in BODY]
    bad[1][3] = "12..5"  # 兰州市 社零 绝对额
    bad[2][0] = "兰州新区"  # not a prefecture
    bad[4][6] = "持平"  # 天水市 一般公共预算收入 当月: 持平 cannot be a level
    r = ingest(workbook(HEADER + bad + FOOTER), store, name=NAME, period="2026-10", today=TODAY)
    assert r.status == "rejected" and store.export().empty and store.marks().empty
    found = sorted((p.code, p.row, p.column, p.value) for p in r.errors)
    assert found == [
        ("bad_number", 5, "社会消费品零售总额 (亿元)/绝对额", "12..5"),
        ("flat_not_growth", 8, "一般公共预算收入 (万元)/当月", "持平"),
        ("unknown_region", 6, "地区", "兰州新区"),
    ]
    by_code = {p.code: p for p in r.errors}
    assert "缺失请留空或填“—”" in by_code["bad_number"].fix
    assert "“持平”只用于增速" in by_code["flat_not_growth"].reason
    assert by_code["unknown_region"].fix.startswith("本表各行应为全省和各市州：全省、兰州市、嘉峪关市、金昌市")


def test_single_month_measures_are_named_in_chinese_and_the_engine_ignores_them(store):
    from indicators.progress import _values_at
    from layouts.upload_view import indicator_label

    assert indicator_label("IVA", "month_yoy") == "规模以上工业增加值 · 当月增速"
    assert indicator_label("GPBR", "month_level") == "一般公共预算收入 · 当月值"
    ingest(FILE, store, name=NAME, period="2026-10", today=TODAY)
    at = _values_at(store.observations(), CAT, "2026-10", ["IVA", "GPBR"])
    lanzhou = at.set_index(["region_code", "indicator"]).loc[("620100", "GPBR")]
    assert (lanzhou["level"], lanzhou["yoy"] != lanzhou["yoy"]) == (34567.8, True)  # cum_level, not the 当月 2345.6
    assert at.set_index(["region_code", "indicator"]).loc[("620100", "IVA"), "yoy"] == 7.2


@pytest.mark.parametrize(("cell", "value", "mark"), [
    ("持平", 0.0, "flat"), ("没有上报报表", None, "not_reported"), ("未上报", None, "not_reported"),
    ("——", None, "not_applicable"), ("—", None, "not_applicable"), ("-", None, "no_target"),
    ("6.4%", 6.4, None), ("1.54个百分点", 1.54, None), ("下降0.3个百分点", -0.3, None), ("", None, None),
    (12.5, 12.5, None), ("-3.2", -3.2, None),
])
def test_read_cell_gives_each_word_its_meaning(cell, value, mark):
    from loaders.cells import read_cell
    assert read_cell(cell) == (value, mark)


def test_the_data_page_says_not_reported_apart_from_missing(store):
    from layouts import status

    ingest(FILE, store, name=NAME, period="2026-10", today=TODAY)
    inds = [CAT["IVA"], CAT["FAI"]]
    units = {"620300": "金昌", "620200": "嘉峪关"}
    table = status.completeness(store.observations(periods=["2026-10"]), inds, "2026-10", units,
                                store.marks(periods=["2026-10"]))
    rows = table.set_index("name")
    assert (rows.loc["金昌", "IVA"], rows.loc["金昌", "FAI"]) == (status.NOT_REPORTED, status.OK)
    assert (rows.loc["嘉峪关", "IVA"], rows.loc["嘉峪关", "FAI"]) == (status.OK, status.MISSING)  # "-": nothing
    assert list(rows["n_ok"]) == [1, 1]  # 未报 is not counted as reported
    grid = status.completeness_grid(table, inds, "zh", "grid")
    iva = next(c for c in grid.columnDefs if c["field"] == "IVA")
    assert "未报" in iva["cellClassRules"]["cell-missing"]


def test_cli_asks_for_period_and_loads_with_it(tmp_path, capsys):
    from loaders import cli
    from loaders.store import Store

    path = tmp_path / NAME
    path.write_bytes(FILE)
    db = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    assert cli.main(["ingest", str(path), "--db", db]) != 0
    said = capsys.readouterr()
    assert "没有找到数据期间" in said.out + said.err and "导入时用 --period 2024-06 指定" in said.out + said.err
    assert cli.main(["ingest", str(path), "--period", "2026-10", "--db", db]) == 0
    assert stored(Store(db)) == STORED


def test_a_dash_in_a_targets_sheet_is_no_target_and_flat_is_refused():
    title = [["2026年陇南市各县区主要经济指标目标任务"], ["县区", "社会消费品零售总额增长目标(%)", "固定资产投资增长目标(%)"]]
    good = workbook(title + [["武都", 6.5, "-"], ["成县", "-", 8.0]])
    parsed = detect.parse_file("目标.xlsx", good, catalogue=CAT, regions=REG)
    assert parsed.kind == "targets" and parsed.problems == []
    got = sorted((r.region_code, r.indicator, r.kind, r.value) for r in parsed.frame.itertuples(index=False))
    assert got == [("621202", "RETAIL", "growth", 6.5), ("621221", "FAI", "growth", 8.0)]
    bad = detect.parse_file("目标.xlsx", workbook(title + [["武都", "持平", 7.0]]), catalogue=CAT, regions=REG)
    [p] = bad.problems
    assert (p.code, p.row, p.value) == ("bad_number", 3, "持平") and "未设目标请留空或填“-”" in p.fix


def test_the_export_with_single_month_measures_loads_back_unchanged(store):
    ingest(FILE, store, name=NAME, period="2026-10", today=TODAY)
    text = store.export().to_csv(index=False)
    assert "month_yoy" in text and "month_level" in text
    r = ingest(text.encode("utf-8"), store, name="导出.csv", today=TODAY)
    assert r.status == "committed", [p.message() for p in r.errors]
    assert (r.inserted, r.revised, r.unchanged) == (0, 0, len(STORED))
