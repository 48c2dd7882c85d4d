"""Issue #13 acceptance: under a deployment for Hunan (MONITOR_PROVINCE=430000, MONITOR_CITY=430100, and an instance
catalogue naming 规模工业增加值 as IVA plus Hunan's own indicators) a province → prefecture table shaped like Hunan's
published ones — line breaks in the headers, a blank top-left cell, "全 省" and padded names, units in a row of
their own, footnotes, no title row — loads with the period from the argument and stores exactly its values."""

import datetime as dt

import pytest
from real_table_files import workbook

from loaders import catalogue, regions
from loaders.ingest import ingest

TODAY = dt.date(2026, 11, 23)
HUNAN_CATALOGUE = """
[[alias]]
code = "IVA"
aliases = ["规模工业增加值"]

[[indicator]]
code = "HIGH_PROC_IVA"
name_zh = "高加工度工业增加值"
name_en = "Value added of highly processed industry"
unit = "%"
frequency = "monthly"
first_month = 2
value_type = "growth"
direction = 1
group = "industry"
source = "统计局"
description = "湖南省发布的高加工度工业增加值累计增速（可比价）。"

[[indicator]]
code = "IND_PROFIT_TAX"
name_zh = "规模工业利税总额"
name_en = "Profits and taxes of industry above designated size"
unit = "万元"
frequency = "monthly"
first_month = 2
value_type = "level_growth"
direction = 1
group = "industry"
source = "统计局"
description = "规模以上工业企业利润总额与税金之和，年内累计。"

[[indicator]]
code = "IND_FAI"
name_zh = "工业固定资产投资"
name_en = "Industrial fixed-asset investment"
unit = "%"
frequency = "monthly"
first_month = 2
value_type = "growth"
direction = 1
group = "investment"
source = "统计局"
description = "工业投资累计增速。"
"""

ROWS = [
    ["", "", "", "", "", "", "单位：亿元、%"],
    ["", "规模工业增加值\n增长速度", "", "高加工度工业增加值\n增长速度", "规模工业利税总额", "", "工业固定资产投资\n增速"],
    ["", "当月", "累计", "累计", "绝对额", "比上年同期\n增长", ""],
    ["全 省", 7.2, 7.6, 9.1, 2345.67, 5.3, 10.2],
    ["长 沙", 8.1, 8.4, 10.5, 812.3, 6.1, 12.0],
    ["株 洲", 6.9, 7.3, 8.8, 201.45, 4.4, 9.6],
    ["湘 潭", 7.0, 7.5, 9.0, 150.0, "持平", 8.1],
    ["衡 阳", 7.8, 8.0, 9.9, 176.2, 5.0, 11.3],
    ["邵 阳", 6.5, 6.9, 7.7, 98.76, 3.2, -2.4],
    ["岳 阳", 7.4, 7.7, 8.5, 230.1, 6.6, 10.0],
    ["常 德", 7.1, 7.4, 8.2, 160.5, 4.9, 9.2],
    ["张家界", "——", 5.1, 6.0, 12.34, -3.5, 4.0],
    ["益 阳", 7.6, 7.9, 9.3, 88.8, 5.5, 10.8],
    ["郴 州", 7.9, 8.2, 10.1, 140.2, 6.0, 13.5],
    ["永 州", 7.3, 7.6, 8.9, 90.5, 4.7, 9.9],
    ["怀 化", 6.8, 7.0, 8.0, 70.25, 3.9, 7.7],
    ["娄 底", 6.6, 7.1, 7.9, 110.0, 4.1, 8.4],
    ["湘西州", 5.9, 6.2, "-", 20.8, 2.2, 6.6],
    ["注：1.规模工业增加值增速按可比价计算；2.“——”表示不适用，“-”表示无此项数据。"],
    ["*衡阳含松木经开区，规模工业增加值增速为", 8.4],  # another version of a number: never read
]
FILE = workbook(ROWS)

# By hand from ROWS: (region, IVA 当月, IVA 累计, 高加工度 累计, 利税 亿元 → 万元, 利税 增速, 工业投资 增速);
# None where the table prints —— / - (nothing stored), 0.0 for 持平.
EXPECTED = [
    ("430000", 7.2, 7.6, 9.1, 23456700.0, 5.3, 10.2),
    ("430100", 8.1, 8.4, 10.5, 8123000.0, 6.1, 12.0),
    ("430200", 6.9, 7.3, 8.8, 2014500.0, 4.4, 9.6),
    ("430300", 7.0, 7.5, 9.0, 1500000.0, 0.0, 8.1),
    ("430400", 7.8, 8.0, 9.9, 1762000.0, 5.0, 11.3),
    ("430500", 6.5, 6.9, 7.7, 987600.0, 3.2, -2.4),
    ("430600", 7.4, 7.7, 8.5, 2301000.0, 6.6, 10.0),
    ("430700", 7.1, 7.4, 8.2, 1605000.0, 4.9, 9.2),
    ("430800", None, 5.1, 6.0, 123400.0, -3.5, 4.0),
    ("430900", 7.6, 7.9, 9.3, 888000.0, 5.5, 10.8),
    ("431000", 7.9, 8.2, 10.1, 1402000.0, 6.0, 13.5),
    ("431100", 7.3, 7.6, 8.9, 905000.0, 4.7, 9.9),
    ("431200", 6.8, 7.0, 8.0, 702500.0, 3.9, 7.7),
    ("431300", 6.6, 7.1, 7.9, 1100000.0, 4.1, 8.4),
    ("433100", 5.9, 6.2, None, 208000.0, 2.2, 6.6),
]
KEYS = [("IVA", "month_yoy"), ("IVA", "cum_yoy"), ("HIGH_PROC_IVA", "cum_yoy"), ("IND_PROFIT_TAX", "cum_level"),
        ("IND_PROFIT_TAX", "cum_yoy"), ("IND_FAI", "cum_yoy")]
STORED = sorted((code, "2026-10", ind, measure, v) for code, *values in EXPECTED
                for (ind, measure), v in zip(KEYS, values, strict=True) if v is not None)


@pytest.fixture
def hunan(monkeypatch, tmp_path):
    path = tmp_path / "湖南指标.toml"
    path.write_text(HUNAN_CATALOGUE, encoding="utf-8")
    monkeypatch.setenv("MONITOR_PROVINCE", "430000")
    monkeypatch.setenv("MONITOR_CITY", "430100")
    monkeypatch.setenv("MONITOR_CATALOGUE_EXTRA", str(path))
    return catalogue.default(), regions.default()


def test_the_expectation_is_the_whole_table():
    assert len(STORED) == 15 * 6 - 2 and len({s[0] for s in STORED}) == 15


def test_hunan_province_to_prefecture_table_stores_exactly_its_values(hunan, store):
    cat, reg = hunan
    r = ingest(FILE, store, name="分市州规模工业主要指标.xlsx", period="2026-10", today=TODAY, catalogue=cat,
               regions=reg)
    assert r.status == "committed", [p.message() for p in r.errors]
    assert r.warnings == [] and r.period_source == "option"
    df = store.export()
    assert sorted(tuple(x) for x in df[["region_code", "period", "indicator", "measure", "value"]]
                  .itertuples(index=False)) == STORED
    marks = store.marks()
    assert [tuple(m) for m in marks[["region_code", "indicator", "measure", "mark"]].itertuples(index=False)] == [
        ("430300", "IND_PROFIT_TAX", "cum_yoy", "flat")]


def test_hunan_table_without_the_period_argument_is_refused_saying_how(hunan, store):
    cat, reg = hunan
    r = ingest(FILE, store, name="分市州规模工业主要指标.xlsx", today=TODAY, catalogue=cat, regions=reg)
    assert r.status == "rejected" and store.export().empty
    assert [p.code for p in r.errors] == ["period_missing"]
    assert "--period" in r.errors[0].for_cli().fix and "“期间”" in r.errors[0].fix


def test_hunan_prefecture_names_as_the_table_writes_them(hunan):
    _, reg = hunan
    assert reg.resolve("长沙") is None  # 长沙市 and 长沙县 share the stem: the table's level settles it
    from loaders import detect
    cat, reg = hunan
    parsed = detect.parse_file("x.xlsx", FILE, catalogue=cat, regions=reg, period="2026-10")
    rows = parsed.frame.drop_duplicates("row").set_index("row")["region_code"].to_dict()
    assert rows[5] == "430100" and rows[18] == "433100" and rows[4] == "430000"
    assert max(rows) == 18  # the footnotes are not read
