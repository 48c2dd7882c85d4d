"""Units below the county on every backend: the units, tasks and reports uploads (good files, one bad file per
failure kind with its message, the store unchanged), revisions and rollback, names resolved with aliases, the
measures file validated, and the ranking read from a real ledger snapshot."""

import datetime as dt
import io

import openpyxl
import pytest

from indicators import unit_ranking
from loaders import unit_measures, units
from loaders.ledger_ingest import ingest_ledger

TODAY = dt.date(2026, 11, 23)
CX, LX, CITY = "621221", "621226", "621200"

UNITS_CSV = """单位类别,所属县区,单位名称,别名
乡镇,成县,抛沙镇,抛沙
街道,成县,城关镇,城关
招商小分队,成县,招商一组,一组、第一小分队
县直部门,礼县,县商务局,商务局
乡镇,礼县,城关镇,
市直部门,陇南市,市商务局,
"""
TASKS_CSV = """年度,县区,单位名称,任务指标,任务值
2026,成县,抛 沙,到位资金,5000
2026,成县,一组,in_place,1000
2026,礼县,城关镇,签约项目数,3
2026,成县,市商务局,in_place,400
"""


def csv(text: str) -> bytes:
    return text.encode("utf-8")


def gbk(text: str) -> bytes:
    return text.encode("gbk")


def xlsx(text: str) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["成县下辖单位名单"])  # a title row above the header
    for line in text.strip().splitlines():
        ws.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def snapshot(store) -> tuple:
    return (len(store.uploads()), len(store.units()), len(store.unit_tasks()), len(store.unit_reports("investment")))


def load_units(store, text=UNITS_CSV, name="units.csv"):
    r = units.ingest_units(csv(text), store, name=name, today=TODAY)
    assert r.status == "committed", [p.message() for p in r.errors]
    return r


@pytest.mark.parametrize("encode", [csv, gbk, xlsx])
def test_units_upload_resolves_names_and_aliases(store, encode):
    r = units.ingest_units(encode(UNITS_CSV), store, name="units", today=TODAY)
    assert (r.status, r.kind, r.inserted, r.rows) == ("committed", "units", 6, 6)
    d = units.directory(store)
    assert d.resolve("抛沙镇", CX) == (CX, "抛沙镇")
    assert d.resolve(" 抛　沙 ", CX) == (CX, "抛沙镇")  # NFKC and spaces
    assert d.resolve("第一小分队", CX) == (CX, "招商一组")
    assert d.resolve("城关镇", LX) == (LX, "城关镇")  # the same name in another county is its own unit
    assert d.resolve("城关", LX) is None  # 成县's alias only
    assert d.resolve("市商务局", CX) == (CITY, "市商务局")  # a county's items may name the city's departments
    assert d.resolve("县商务局", CX) is None


BAD_UNITS = [
    ("乡村,成县,抛沙镇,\n", "unknown_unit_kind", "第2行 “单位类别”列 值“乡村”：单位类别无法识别。处理办法：应为 乡镇街道、县直部门、市直部门、招商小分队 之一"),
    ("乡镇,成都,抛沙镇,\n", "unknown_region", "第2行 “所属县区”列 值“成都”：所属县区无法识别"),
    ("市直部门,成县,市商务局,\n", "wrong_parent", "市直部门应属于市（州），不是县区。处理办法：所属县区请填 陇南市，或把单位类别改为 县直部门"),
    ("乡镇,陇南市,抛沙镇,\n", "wrong_parent", "乡镇街道应属于一个县区"),
    ("乡镇,成县,,\n", "missing_name", "第2行 “单位名称”列 缺少单位名称"),
    ("乡镇,成县,抛沙镇,\n街道,成县,城关镇,抛沙镇\n", "duplicate_unit",
     "第3行 “别名”列 值“抛沙镇”：与第2行的单位“抛沙镇”重名（同一县区内名称和别名不得重复）"),
]


@pytest.mark.parametrize("rows, code, message", BAD_UNITS, ids=[b[1] + str(i) for i, b in enumerate(BAD_UNITS)])
def test_bad_units_file_is_rejected_and_writes_nothing(store, rows, code, message):
    load_units(store)
    before = snapshot(store)
    r = units.ingest_units(csv("单位类别,所属县区,单位名称,别名\n" + rows), store, name="bad.csv", today=TODAY)
    assert r.status == "rejected"
    assert [p.code for p in r.errors] == [code]
    assert message in r.errors[0].message()
    assert snapshot(store) == before


def test_units_file_without_a_required_column_names_the_header_row(store):
    r = units.ingest_units(csv("类别,单位名称\n乡镇,抛沙镇\n"), store, name="bad.csv", today=TODAY)
    assert r.errors[0].message() == ("bad.csv 下辖单位名单缺少必填列：所属县区。处理办法："
                                     "表头行应为：单位类别、所属县区、单位名称、别名（可选）")
    assert snapshot(store) == (0, 0, 0, 0)


def test_every_problem_at_once(store):
    r = units.ingest_units(csv("单位类别,所属县区,单位名称\n乡村,成县,甲镇\n乡镇,成都,乙镇\n乡镇,成县,\n"), store,
                           name="bad.csv", today=TODAY)
    assert [(p.row, p.code) for p in r.errors] == [(2, "unknown_unit_kind"), (3, "unknown_region"), (4, "missing_name")]


def test_a_new_list_replaces_its_county_only_and_rollback_brings_it_back(store):
    first = load_units(store)
    r = load_units(store, "单位类别,所属县区,单位名称,别名\n乡镇,成县,抛沙镇,抛沙、抛沙乡\n乡镇,成县,黄渚镇,\n",
                   name="cx2.csv")
    assert (r.inserted, r.revised, r.unchanged, r.dropped) == (1, 1, 0, 2)
    assert "上一版单位名单中有、本文件中没有的单位：城关镇、招商一组（共 2 个）" in r.warnings[0].message()
    now = store.units()
    assert set(now.loc[now["region_code"] == CX, "name"]) == {"抛沙镇", "黄渚镇"}
    assert set(now.loc[now["region_code"] == LX, "name"]) == {"城关镇", "县商务局"}  # untouched
    store.rollback(r.upload_id, "test")
    back = store.units()
    assert set(back.loc[back["region_code"] == CX, "name"]) == {"城关镇", "抛沙镇", "招商一组"}
    assert set(back["upload_id"]) == {first.upload_id}
    again = units.ingest_units(csv(UNITS_CSV), store, name="units.csv", today=TODAY)
    assert (again.status, again.duplicate_of) == ("duplicate", first.upload_id)


def test_tasks_upload_revision_and_rollback(store):
    load_units(store)
    r = units.ingest_tasks(csv(TASKS_CSV), store, name="tasks.csv", today=TODAY)
    assert (r.status, r.inserted) == ("committed", 4), [p.message() for p in r.errors]
    tasks = store.unit_tasks(years=[2026])
    assert sorted(zip(tasks["region_code"], tasks["unit_name"], tasks["measure"], tasks["value"], strict=True)) == [
        (CITY, "市商务局", "in_place", 400.0), (CX, "抛沙镇", "in_place", 5000.0), (CX, "招商一组", "in_place", 1000.0),
        (LX, "城关镇", "signed", 3.0)]
    r2 = units.ingest_tasks(csv("年度,县区,单位名称,任务指标,任务值\n2026年,成县,抛沙镇,到位资金,6000\n"), store,
                            name="tasks2.csv", today=TODAY)
    assert (r2.revised, r2.inserted) == (1, 0)
    assert store.unit_tasks(measures=["in_place"], regions=[CX]).set_index("unit_name")["value"]["抛沙镇"] == 6000
    store.rollback(r2.upload_id, "test")
    assert store.unit_tasks(measures=["in_place"], regions=[CX]).set_index("unit_name")["value"]["抛沙镇"] == 5000


BAD_TASKS = [
    ("2026,成县,不存在镇,到位资金,10", "unknown_unit",
     "第2行 “单位名称”列 值“不存在镇”：成县没有名为“不存在镇”的单位。处理办法：成县的单位有：抛沙镇、城关镇、招商一组、"
     "市商务局；新单位请先加入单位名单"),
    ("2026,宕昌县,某镇,到位资金,10", "unknown_unit", "处理办法：宕昌县尚未上传下辖单位名单，请先上传单位名单（或核对县区）"),
    ("2026,成县,抛沙镇,招商金额,10", "unknown_measure",
     "值“招商金额”：任务指标无法识别。处理办法：应为 到位资金（in_place）、签约项目数（signed）"),
    ("2026,成县,抛沙镇,到位资金,-5", "bad_value", "值“-5”：金额不能为负数。处理办法：填写不小于 0 的数字，单位为万元"),
    ("2026,成县,抛沙镇,到位资金,", "bad_value", "缺少任务值，没有任务的单位请不填这一行"),
    ("26,成县,抛沙镇,到位资金,10", "bad_year", "值“26”：年度无法识别。处理办法：填写四位年份，如 2026"),
    ("2026,成县,抛沙镇,到位资金,10\n2026,成县,抛沙,in_place,20", "duplicate_task",
     "第3行 “任务指标”列 值“in_place”：与第2行重复：2026年 抛沙镇 的“到位资金”任务只能填一次"),
]


@pytest.mark.parametrize("rows, code, message", BAD_TASKS, ids=[b[1] + str(i) for i, b in enumerate(BAD_TASKS)])
def test_bad_tasks_file_is_rejected_and_writes_nothing(store, rows, code, message):
    load_units(store)
    before = snapshot(store)
    r = units.ingest_tasks(csv("年度,县区,单位名称,任务指标,任务值\n" + rows + "\n"), store, name="bad.csv", today=TODAY)
    assert r.status == "rejected"
    assert [p.code for p in r.errors] == [code]
    assert message in r.errors[0].message()
    assert snapshot(store) == before


BAD_REPORTS = [
    ("合同台账,2026-10-31,成县,抛沙镇", "unknown_ledger", "台账类型无法识别"),
    ("招商引资项目台账,2026-13-01,成县,抛沙镇", "bad_as_of", "“截至日期”列 值“2026-13-01”"),
    ("招商引资项目台账,2026-12-31,成县,抛沙镇", "bad_as_of", "截至日期晚于今天（2026-11-23）"),
    ("招商引资项目,2026-10-31,成县,黄渚镇", "unknown_unit", "成县没有名为“黄渚镇”的单位"),
]


@pytest.mark.parametrize("rows, code, message", BAD_REPORTS, ids=[b[1] + str(i) for i, b in enumerate(BAD_REPORTS)])
def test_bad_reports_file_is_rejected_and_writes_nothing(store, rows, code, message):
    load_units(store)
    before = snapshot(store)
    r = units.ingest_reports(csv("台账,截至日期,县区,单位名称\n" + rows + "\n"), store, name="bad.csv", today=TODAY)
    assert r.status == "rejected"
    assert [p.code for p in r.errors] == [code]
    assert message in r.errors[0].message()
    assert snapshot(store) == before


LEDGER_HEAD = "县区,项目编号,项目名称,责任单位,签约日期,合同金额,到位资金,省外资金,项目进度\n"


def test_ranking_from_a_ledger_snapshot_and_its_change_since_last_week(store):
    load_units(store)
    units.ingest_tasks(csv(TASKS_CSV + "2026,成县,城关镇,到位资金,800\n"), store, name="tasks.csv", today=TODAY)
    week1 = LEDGER_HEAD + "成县,A1,甲,抛沙,2026-03-01,9000,1000,是,开工\n成县,A2,乙,一组,,100,0,否,洽谈\n"
    week2 = LEDGER_HEAD + "成县,A1,甲,抛沙,2026-03-01,9000,2500,是,开工\n成县,A2,乙,一组,,100,0,否,洽谈\n" \
        "成县,A3,丙,县商务局,,100,30,否,洽谈\n"
    for text, day in ((week1, "2026-10-23"), (week2, "2026-10-30")):
        r = ingest_ledger(csv(text), store, name=f"inv-{day}.csv", kind="investment", as_of=day, today=TODAY,
                          note="补报更正（测试）")  # weekly snapshots of a month closed by TODAY
        assert r.status == "committed", [p.message() for p in r.errors]
    r = units.ingest_reports(csv("台账,截至日期,县区,单位名称\ninvestment,2026-10-30,成县,城关\n"), store,
                             name="rep.csv", today=TODAY)
    assert r.status == "committed"
    assert store.unit_snapshot_dates("investment") == [dt.date(2026, 10, 23), dt.date(2026, 10, 30)]

    table, missing = unit_ranking.read(store, "in_place", dt.date(2026, 10, 31), region=CX)
    got = {n: (s, res, rk) for n, s, res, rk in zip(table["name"], table["state"], table["result"], table["rank"],
                                                    strict=True)}
    assert got["抛沙镇"] == (unit_ranking.RANKED, 2500.0, 1)    # 50 %
    assert got["城关镇"] == (unit_ranking.ZERO, 0.0, 2)          # reported, no item: 未破零
    assert got["招商一组"] == (unit_ranking.ZERO, 0.0, 1)        # an item with nothing in place: 未破零
    assert got["市商务局"][0] == unit_ranking.NOT_REPORTED       # no item, no report
    assert missing.to_dict("records") == [{"region_code": CX, "unit": "县商务局", "items": 1}]  # 礼县's unit

    weekly, dates = unit_ranking.read_cadence(store, "in_place", dt.date(2026, 10, 31), "weekly", region=CX)
    assert (dates["as_of"], dates["previous"]) == (dt.date(2026, 10, 30), dt.date(2026, 10, 23))
    pao = weekly[weekly["name"] == "抛沙镇"].iloc[0]
    assert (pao["prev_result"], pao["result_change"], pao["rank_change"]) == (1000.0, 1500.0, 0)
    chengguan = weekly[weekly["name"] == "城关镇"].iloc[0]
    assert chengguan["prev_result"] != chengguan["prev_result"]  # 未上报 a week before: no change to show
    monthly, dates = unit_ranking.read_cadence(store, "in_place", dt.date(2026, 10, 31), "monthly", region=CX)
    assert (dates["as_of"], dates["previous"]) == (dt.date(2026, 10, 30), None)
    trend = unit_ranking.read_series(store, "in_place", dt.date(2026, 10, 31), "weekly", region=CX)
    pao = trend[trend["name"] == "抛沙镇"]
    assert list(zip(pao["period_end"], pao["result"], pao["completion"], strict=True)) == [
        (dt.date(2026, 10, 25), 1000.0, 0.2), (dt.date(2026, 11, 1), 2500.0, 0.5)]
    assert trend[trend["name"] == "城关镇"]["state"].tolist() == [unit_ranking.NOT_REPORTED, unit_ranking.ZERO]


@pytest.mark.parametrize("entry, message", [
    ({"compute": "mean"}, "measure 'mm': unknown compute 'mean'; use sum or count"),
    ({"column": "inplace"}, "measure 'mm': column 'inplace' is not a number column of ledger 'investment'; "
                            "number columns are contract, in_place"),
    ({"ledger": "loans"}, "measure 'mm': ledger 'loans' is not declared in data/ledgers.toml"),
    ({"compute": "count", "column": None, "where": {"column": "stage", "in": ["完工"]}},
     "measure 'mm': where in ['完工'] must be among column 'stage' choices 洽谈, 签约, 落地, 开工, 投产"),
])
def test_measures_file_is_validated_naming_the_fix(entry, message):
    base = {"code": "mm", "name_zh": "某", "name_en": "M", "ledger": "investment", "compute": "sum",
            "column": "in_place", "unit": "万元"}
    raw = {k: v for k, v in (base | entry).items() if v is not None}
    with pytest.raises(unit_measures.MeasuresError) as exc:
        unit_measures.parse({"measure": [raw]})
    assert any(m.startswith(message) for m in exc.value.messages), exc.value.messages


def test_declared_measures_load_and_each_names_a_ledger_column():
    ms = unit_measures.default()
    assert ms.codes == ["in_place", "signed", "completed", "new_sishang", "repaid"]
    assert ms.resolve("新增“四上”企业").code == "new_sishang"
    assert ms.resolve(" 到位 资金 ").code == "in_place"


def test_the_shared_ranking_follows_every_upload(duck):
    """reading.unit_ranking is computed once per data state: a new task or a rollback is seen at once."""
    from indicators import reading

    load_units(duck)
    units.ingest_tasks(csv(TASKS_CSV), duck, name="tasks.csv", today=TODAY)
    ingest_ledger(csv(LEDGER_HEAD + "成县,A1,甲,抛沙,2026-03-01,9000,2500,是,开工\n"), duck, name="inv.csv",
                  kind="investment", as_of="2026-10-31", today=TODAY)

    def completion():
        table = reading.unit_ranking(reading.snapshot(duck), "in_place", dt.date(2026, 10, 31), region=CX)[0]
        return table.set_index("name")["completion"]["抛沙镇"]

    assert completion() == 0.5
    r = units.ingest_tasks(csv("年度,县区,单位名称,任务指标,任务值\n2026,成县,抛沙镇,到位资金,10000\n"), duck,
                           name="tasks2.csv", today=TODAY)
    assert completion() == 0.25
    duck.rollback(r.upload_id, "test")
    assert completion() == 0.5


def test_a_scoped_uploader_cannot_load_another_countys_units(store):
    r = units.ingest_units(csv(UNITS_CSV), store, name="units.csv", today=TODAY, allowed_regions={CX})
    assert r.status == "rejected"
    assert r.errors[-1].message() == ("units.csv 文件含本账号上报范围以外的地区：陇南市、礼县。处理办法："
                                      "只上报本账号范围内的单位；其他地区请由市级部门上传")
    assert snapshot(store) == (0, 0, 0, 0)


def test_a_city_department_may_say_quan_shi_in_a_file_of_the_citys_counties(store):
    load_units(store, "单位类别,所属县区,单位名称,别名\n乡镇,成县,抛沙镇,\n市直部门,全市,市发展改革委,市发改委\n")
    assert units.directory(store).resolve("市发改委", CX) == (CITY, "市发展改革委")
