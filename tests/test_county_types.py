"""The counties' types (县域类型) and their bonus, deduction and veto items (loaders/county_types.py) on every
backend: uploaded through the one door of 数据上报 (loaders/upload_ingest.py), recognised from their headers, one bad
file per failure kind with its message and the store unchanged, revisions and rollback, and the results' inputs."""

import io

import openpyxl
import pytest

from indicators import results
from loaders import county_types, upload_kind
from loaders.demo import DEMO_DIR, manifest
from loaders.demo_data import county_types as demo_types
from loaders.regions import default as regions
from loaders.units import template_csv
from loaders.upload_ingest import ingest_upload

CX, HX, WD = "621221", "621227", "621202"
TYPES_CSV = """2026年县域类型
年度,县区,类型,第二类型
2026,成县,工业主导型,文旅赋能型
2026,徽县,industry,
2026,武都,城市服务,农业优先型
"""
FACTS_CSV = """年度,县区,项目,分值,否决原因
2026,成县,招商引资加分,4,
2026,成县,发生重大安全生产事故,,某煤矿“9·12”事故
2026,徽县,DED_ENV,1.5,
"""


def up(store, text: str, name: str = "types.csv", **kw):
    return ingest_upload(text.encode("utf-8"), store, name=name, user="test", **kw)


def xlsx(text: str) -> bytes:
    wb = openpyxl.Workbook()
    for line in text.strip().splitlines():
        wb.active.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def types_of(store) -> dict[str, tuple[str, str]]:
    cur = store.county_types([2026])
    return {r.region_code: (r.type1, r.type2) for r in cur.itertuples()}


@pytest.mark.parametrize("encode", ["csv", "xlsx"])
def test_types_upload_resolves_names_codes_and_short_names(store, encode):
    data = TYPES_CSV.encode("utf-8") if encode == "csv" else xlsx(TYPES_CSV)
    r = ingest_upload(data, store, name=f"types.{encode}", user="test")
    assert (r.status, r.kind, r.inserted) == ("committed", county_types.TYPES, 3), [p.message() for p in r.errors]
    assert types_of(store) == {CX: ("industry", "tourism"), HX: ("industry", ""), WD: ("city", "agriculture")}
    assert store.upload(r.upload_id)["periods"] == "2026-12"


def test_each_template_is_recognised_and_loads_when_filled():
    for upload in (county_types.TYPES, county_types.FACTS):
        book = [upload_kind.sheets.Sheet("t", [template_csv(upload).decode("utf-8-sig").strip().split(",")])]
        assert upload_kind.of_book(book, upload_kind.kinds_mod.default()) == upload_kind.Recognised(
            upload_kind.UNITS, upload)
    assert template_csv(county_types.TYPES).decode("utf-8-sig").strip() == "年度,县区,类型,第二类型"
    assert template_csv(county_types.FACTS).decode("utf-8-sig").strip() == "年度,县区,项目,分值,否决原因"


BAD_TYPES = [
    ("2026,成县,工业型,", "unknown_type",
     "第2行 “类型”列 值“工业型”：“工业型”不是2026年评价方案的县域类型。处理办法：应为 城市服务型、工业主导型、农业优先型、"
     "文旅赋能型、生态功能型 之一（2026.toml）"),
    ("2026,成县,城市服务型、农业优先型,文旅赋能型", "too_many_types",
     "第2行 “类型”列 值“城市服务型、农业优先型、文旅赋能型”：一个县区最多2个类型，这里有3个"),
    ("2026,成县,industry,工业主导型", "repeated_type", "第2行 “第二类型”列 值“工业主导型”：同一县区的两个类型相同（工业主导型）"),
    ("2026,北京,城市服务型,", "unknown_region",
     "第2行 “县区”列 值“北京”：甘肃省没有这个县区。处理办法：填写甘肃省县区的全称、简称或6位区划代码（如 武都 / 621202）"),
    ("2026,陇南市,城市服务型,", "unknown_region", "值“陇南市”：“陇南市”不是县区（县域类型按县区填写）"),
    ("2026,成县,,", "missing_type", "第2行 “类型”列 缺少类型"),
    ("二〇二六,成县,城市服务型,", "bad_year", "“年度”列 值“二〇二六”：年度无法识别。处理办法：填写四位年份，如 2026"),
    ("2019,成县,城市服务型,", "no_types", "2019年没有评价方案，没有声明县域类型（[[groups]]）"),
    ("2026,成县,城市服务型,\n2026,成县,农业优先型,", "duplicate_county",
     "第3行 “县区”列 值“成县”：与第2行重复：成县的2026年类型只能填一行"),
]


@pytest.mark.parametrize(("rows", "code", "message"), BAD_TYPES, ids=[b[1] + str(i) for i, b in enumerate(BAD_TYPES)])
def test_bad_types_file_is_rejected_and_writes_nothing(store, rows, code, message):
    r = up(store, "年度,县区,类型,第二类型\n" + rows + "\n", name="bad.csv")
    assert r.status == "rejected"
    assert [p.code for p in r.errors] == [code]
    assert message in r.errors[0].message()
    assert len(store.uploads()) == 0 and len(store.county_types()) == 0


def test_a_new_assignment_revises_one_county_and_rollback_brings_the_old_one_back(store):
    first = up(store, TYPES_CSV)
    state = store.data_state()
    second = up(store, "年度,县区,类型\n2026,徽县,生态功能型\n", name="hx.csv")
    assert (second.status, second.inserted, second.revised, second.unchanged) == ("committed", 0, 1, 0)
    assert types_of(store)[HX] == ("ecology", "")
    assert types_of(store)[CX] == ("industry", "tourism")  # untouched
    assert store.data_state() != state
    store.rollback(second.upload_id, "test")
    assert types_of(store)[HX] == ("industry", "")
    assert set(store.county_types()["upload_id"]) == {first.upload_id}
    assert store.data_state() == state
    again = up(store, TYPES_CSV)
    assert (again.status, again.duplicate_of) == ("duplicate", first.upload_id)


def test_a_types_upload_is_read_by_the_results_of_its_year_only(store):
    r = up(store, TYPES_CSV)
    committed = store.committed_uploads()
    with_types = results.inputs_state(committed, "2026-09")
    assert with_types != results.inputs_state(committed[committed["id"] != r.upload_id], "2026-09")
    assert results.inputs_state(committed, "2025-12") == results.inputs_state(
        committed[committed["id"] != r.upload_id], "2025-12")


def test_facts_upload_points_veto_and_the_cap_warning(store):
    r = up(store, FACTS_CSV, name="facts.csv")
    assert (r.status, r.kind, r.inserted) == ("committed", county_types.FACTS, 3), [p.message() for p in r.errors]
    assert [p.message() for p in r.warnings] == [
        "facts.csv 第2行 “分值”列 值“4”：“招商引资加分”单项最多3分。处理办法：计分时按3分计；如填错请改正后重新上传"]
    facts = store.county_facts([2026])
    got = {(x.region_code, x.item): (x.kind, x.value, x.note) for x in facts.itertuples()}
    assert got[(CX, "BONUS_INVEST")][:2] == ("bonus", 4.0)
    assert got[(CX, "VETO_SAFETY")][0] == "veto" and got[(CX, "VETO_SAFETY")][2] == "某煤矿“9·12”事故"
    assert got[(HX, "DED_ENV")][:2] == ("deduction", 1.5)
    # a new file for 成县 replaces 成县's items (the veto is withdrawn) and leaves 徽县's
    second = up(store, "年度,县区,项目,分值\n2026,成县,招商引资加分,2\n", name="cx.csv")
    assert (second.revised, second.dropped) == (1, 1)
    now = {(x.region_code, x.item) for x in store.county_facts([2026]).itertuples()}
    assert now == {(CX, "BONUS_INVEST"), (HX, "DED_ENV")}
    store.rollback(second.upload_id, "test")
    assert {(x.region_code, x.item) for x in store.county_facts([2026]).itertuples()} == set(got)


BAD_FACTS = [
    ("2026,徽县,DED_ENV,-1,", "bad_points", "值“-1”：分值不能为负数。处理办法：扣分也填正数（如 2 表示扣2分）"),
    ("2026,徽县,招商引资加分,,", "bad_points", "“分值”列 缺少分值。处理办法：填写不小于 0 的分数，如 1.5"),
    ("2026,徽县,乱填,1,", "unknown_item",
     "值“乱填”：“乱填”不是2026年评价方案的加减分或否决事项。处理办法：应为 招商引资加分、环保督察扣分、发生重大安全生产事故、"
     "发生重大环境污染事件 之一（2026.toml）"),
    ("2026,徽县,DED_ENV,1,\n2026,徽县,环保督察扣分,1,", "duplicate_item", "与第2行重复：徽县2026年的“环保督察扣分”只能填一行"),
]


@pytest.mark.parametrize(("rows", "code", "message"), BAD_FACTS, ids=[b[1] + str(i) for i, b in enumerate(BAD_FACTS)])
def test_bad_facts_file_is_rejected_and_writes_nothing(store, rows, code, message):
    r = up(store, "年度,县区,项目,分值,否决原因\n" + rows + "\n", name="bad.csv")
    assert r.status == "rejected"
    assert [p.code for p in r.errors] == [code]
    assert message in r.errors[0].message()
    assert len(store.uploads()) == 0 and len(store.county_facts()) == 0


def test_a_scoped_uploader_cannot_load_another_countys_types(store):
    r = up(store, TYPES_CSV, allowed_regions={CX})
    assert r.status == "rejected"
    assert "文件含本账号上报范围以外的地区：武都区、徽县" in r.errors[-1].message()


def test_the_demo_assignment_gives_each_of_the_86_counties_one_or_two_types_and_is_marked_simulated():
    entry = next(e for e in manifest() if e["kind"] == "county_types")
    path = DEMO_DIR / entry["path"]
    assert "模拟" in path.name and "模拟" in path.read_text(encoding="utf-8").splitlines()[0]
    assert "模拟" in entry["description"]
    counties = {r.code for r in regions().of_level("county")}
    assert len(counties) == 86 and set(demo_types.ASSIGNMENT) == counties
    rows = path.read_text(encoding="utf-8").splitlines()[2:]
    assert len(rows) == 86 and all(1 <= sum(bool(c) for c in row.split(",")[2:]) <= 2 for row in rows)


def test_the_demo_store_has_the_types_of_every_county(demo_store):
    cur = demo_store.county_types([2026])
    assert len(cur) == 86 and cur["region_code"].is_unique
    assert set(cur["type1"]) == {"city", "industry", "agriculture", "tourism", "ecology"}
    assert cur.loc[cur["region_code"] == "620102", "type1"].item() == "city"  # 城关区, a city district
    assert set(cur["type2"]) - {""} <= set(cur["type1"])


def test_loaders_ingest_loads_a_types_file_and_says_what_it_is(tmp_path, capsys):
    from loaders.cli import main

    path = tmp_path / "县域类型.csv"
    path.write_text(TYPES_CSV, encoding="utf-8")
    db = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    assert main(["ingest", str(path), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "县域类型.csv：已导入（县域类型）" in out and "读取 3 行：新增 3" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("年度,县区,类型\n2026,成县,工业型\n", encoding="utf-8")
    assert main(["ingest", str(bad), "--db", db]) == 2
    assert "“工业型”不是2026年评价方案的县域类型" in capsys.readouterr().out


def test_the_stored_types_and_items_become_the_assessments_groups_and_columns(store):
    """indicators/assessing.py: the store's rows as assess() reads them — a groups frame of the set's units, one
    column per adjustment (points, empty = 0) and per veto item (1 = vetoed)."""
    import pandas as pd

    from indicators import assessing
    from indicators.scheme import for_year
    from loaders.catalogue import default as catalogue

    up(store, TYPES_CSV)
    up(store, FACTS_CSV, name="facts.csv")
    scheme = for_year(2026, catalogue())
    groups = assessing.groups_frame(store.county_types([2026]), [CX, WD])
    assert groups.to_dict("records") == [{"unit": WD, "group": "city", "group2": "agriculture"},
                                         {"unit": CX, "group": "industry", "group2": "tourism"}]
    assert assessing.groups_frame(store.county_types([2026]), ["621228"]) is None
    matrix = pd.DataFrame({"GDP": [1.0, 2.0, 3.0]}, index=[CX, HX, WD])
    got = assessing.with_facts(matrix, store.county_facts([2026]), scheme)
    assert got.loc[CX, "BONUS_INVEST"] == 4.0 and got.loc[HX, "DED_ENV"] == 1.5
    assert got.loc[CX, "VETO_SAFETY"] == 1.0 and pd.isna(got.loc[HX, "VETO_SAFETY"])
    assert pd.isna(got.loc[WD, "BONUS_INVEST"]) and list(got.columns) == [
        "GDP", "BONUS_INVEST", "DED_ENV", "VETO_SAFETY", "VETO_ENV"]
