"""The 台账 pages on small ledgers whose numbers are worked out by hand: each kind's totals against plan and 序时进度
(the month-end gap equal to the targets page's row, by day inside a month), counties ranked, overdue items flagged,
units 未破零 and 未上报 named apart; who may see which county and date (layouts and forged callback payloads); the
export names; the county page's and the cockpit's links."""

import datetime as dt
import json

import pytest
from ui_helpers import TEST_SECRET, add_test_accounts, as_user, component_text, logged_in_client

from app import create_app
from indicators import ledgers, progress, reading
from layouts import ids
from loaders import audit, units
from loaders.ingest import ingest
from loaders.ledger_ingest import ingest_ledger
from loaders.store import Store

TODAY = dt.date(2026, 11, 23)
LIXIAN, WUDU = "621226", "621202"
OCT31, NOV20 = "2026-10-31", "2026-11-20"

ARREARS = """县区,台账编号,拖欠主体,债权企业,拖欠金额（万元）,是否有分歧,已清偿金额（万元）,约定清偿日期,办理状态,线索来源,责任单位
礼县,LX-001,县住建局,甲公司,100,无分歧,60,2026-12-31,交办,国家平台转办,县住建局
礼县,LX-002,县交通局,乙公司,80,有分歧,20,,核实,企业投诉,
礼县,LX-003,县教育局,丁公司,8,无分歧,0,2026-10-01,受理,企业投诉,
武都区,WD-001,区教育局,丙公司,50,无分歧,50,2026-09-30,销号,督查转办,
"""
COMPLAINTS = """县区,线索编号,受理日期,线索来源,是否有分歧,办结日期,办理结果,责任单位
礼县,C1,2026-10-01,企业投诉,无分歧,,,县工信局
礼县,C2,2026-09-01,企业投诉,无分歧,2026-09-05,已支付,县工信局
武都区,C3,2026-10-25,国家平台转办,无分歧,,,区工信局
"""
INVESTMENT = """县区,项目编号,项目名称,责任单位,签约日期,合同金额,到位资金,省外资金,项目进度
礼县,I1,苹果加工,城关镇,2026-03-01,5000,600,是,开工
礼县,I2,中药材仓储,盐官镇,2026-05-01,800,0,是,签约
武都区,W1,茶叶加工,汉王镇,2026-04-01,3000,200,否,落地
"""
INVESTMENT_NOV = INVESTMENT.replace("礼县,I1,苹果加工,城关镇,2026-03-01,5000,600", "礼县,I1,苹果加工,城关镇,2026-03-01,5000,900")
KEY_PROJECTS = """县区,项目编号,项目名称,责任单位,包抓领导,年度计划投资,本年完成投资,开工状态,计划开工日期
礼县,K1,城区供水,县水务局,张三,1000,600,已开工,2026-03-01
礼县,K2,物流园,县商务局,李四,500,0,未开工,2026-06-01
武都区,K3,光伏电站,区发改局,王五,2000,1800,竣工,2026-02-01
"""
SISHANG = """县区,台账编号,企业名称,类别,预计入库月份,培育状态,责任单位
礼县,S1,某食品公司,规上工业,2026-06,已入库,县工信局
礼县,S2,某商贸公司,限上批零住餐,2026-09,培育中,县商务局
"""
TARGETS = """region_code,year,indicator,kind,value
621226,2026,ARREARS_PAID,level,100
621202,2026,ARREARS_PAID,level,80
621226,2026,INVEST_IN,level,1200
621202,2026,INVEST_IN,level,1000
621226,2026,NEW_SISHANG,level,2
"""
UNITS = """单位类别,所属县区,单位名称,别名
乡镇,礼县,城关镇,
乡镇,礼县,盐官镇,
乡镇,礼县,石桥镇,
乡镇,礼县,雷坝镇,
乡镇,武都区,汉王镇,
"""
TASKS = """年度,县区,单位名称,任务指标,任务值
2026,礼县,城关镇,到位资金,1000
2026,礼县,盐官镇,到位资金,500
2026,礼县,石桥镇,到位资金,300
2026,武都区,汉王镇,到位资金,400
"""


def _ok(r):
    assert r.status == "committed", [p.message() for p in r.errors]
    return r


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store(f"duckdb:///{tmp_path_factory.mktemp('ledger') / 'ledger.duckdb'}")
    s.create_schema()
    for kind, text in (("arrears", ARREARS), ("complaints", COMPLAINTS), ("investment", INVESTMENT),
                       ("key_projects", KEY_PROJECTS), ("sishang", SISHANG)):
        # 1–10月 is closed by TODAY: a snapshot filling its county values is a correction, with a reason
        _ok(ingest_ledger(text.encode(), s, kind=kind, as_of=OCT31, name=f"{kind}-1031.csv", today=TODAY,
                          note="补报（测试）"))
    _ok(ingest_ledger(INVESTMENT_NOV.encode(), s, kind="investment", as_of=NOV20, name="investment-1120.csv",
                      today=TODAY))
    _ok(ingest(TARGETS.encode(), s, name="targets.csv", today=TODAY))
    _ok(units.ingest_units(UNITS.encode(), s, name="units.csv", today=TODAY))
    _ok(units.ingest_tasks(TASKS.encode(), s, name="tasks.csv", today=TODAY))
    # 雷坝镇 has no task: 无任务; 石桥镇 has a task, no item and no report: 未上报
    add_test_accounts(s)
    yield s
    s.dispose()


@pytest.fixture(scope="module")
def app(store):
    return create_app(store, secret=TEST_SECRET)


def page(app, store, user="leader", **kw):
    from layouts.pages import ledger

    with as_user(app, store, user):
        return ledger.layout(**kw)


def find(component, cid):
    """The component with this id in a tree."""
    if getattr(component, "id", None) == cid:
        return component
    children = getattr(component, "children", None)
    for c in children if isinstance(children, list | tuple) else [children]:
        if c is not None and not isinstance(c, str | int | float):
            hit = find(c, cid)
            if hit is not None:
                return hit
    return None


def county_row(tree, code):
    rows = find(tree, ids.LEDGER_COUNTIES).rowData
    return next(r for r in rows if r["region_code"] == code)


# ---------------------------------------------------------------- each kind, by hand

def test_arrears_rate_ignores_the_disputed_item_and_the_overdue_debt_is_listed(app, store):
    tree = page(app, store, kind="arrears", date=OCT31)
    text = component_text(find(tree, ids.LEDGER_TOTALS))
    # undisputed: 100 + 8 (礼县) + 50 (武都) = 158 owed, 60 + 0 + 50 = 110 repaid → 69.6%; the 80 disputed apart
    assert "无分歧欠款 158.0万元" in text and "已清偿（无分歧） 110.0万元" in text and "清偿率（无分歧） 69.6%" in text
    assert "有分歧欠款（另列） 80.0万元 · 1件" in text
    assert "小额欠款（10万元以下）未清零 1件" in text and "逾期未清偿事项 1件" in text  # LX-003: 8万元, due 10-01
    # the plan: 110 of 100 + 80 = 61.1%, 序时进度 10/12 = 83.3%, gap 61.1 − 83.3 = −22.2
    assert "完成年度目标61.1%（目标180.0万元），序时进度83.3%，慢于序时进度22.2个百分点（目标为各县区目标之和）" in text
    li, wd = county_row(tree, LIXIAN), county_row(tree, WUDU)
    assert (li["rate"], li["rank"], li["overdue"], li["items"]) == (55.6, 2, 1, 3)  # 60 / 108, not 80 / 188
    assert (wd["rate"], wd["rank"]) == (100.0, 1)
    overdue = find(tree, ids.LEDGER_OVERDUE).rowData
    assert [(r["item_id"], r["reason"]) for r in overdue] == [("LX-003", "逾期未清偿")]
    assert overdue[0]["_upload"].startswith("#") and "arrears-1031.csv 第" in overdue[0]["_upload"]


def test_complaints_overdue_open_lead_is_flagged(app, store):
    tree = page(app, store, kind="complaints", date=OCT31)
    text = component_text(find(tree, ids.LEDGER_TOTALS))
    assert "本年受理线索 3件" in text and "本年办结 1件" in text and "办结率 33.3%" in text
    assert "超期未办结 1件" in text  # C1: received 10-01, 10 days allowed, still open on 10-31
    assert county_row(tree, LIXIAN)["rate"] == 50.0 and county_row(tree, WUDU)["rate"] == 0.0
    assert [r["item_id"] for r in find(tree, ids.LEDGER_OVERDUE).rowData] == ["C1"]  # C3 is still within its days


def test_investment_funds_from_outside_the_province_against_the_target(app, store):
    tree = page(app, store, kind="investment", date=OCT31)
    text = component_text(find(tree, ids.LEDGER_TOTALS))
    assert "洽谈 0个 · 签约 1个 · 落地 1个 · 开工 1个 · 投产 0个" in text
    assert "到位资金 800.0万元" in text and "省外到位资金 600.0万元" in text  # 武都's 200 is from inside
    assert "签约未到位项目 1个" in text
    li = county_row(tree, LIXIAN)
    assert (li["value"], li["target"], li["completion"], li["gap"]) == (600.0, 1200.0, 50.0, -33.3)
    assert county_row(tree, WUDU)["completion"] == 0.0


def test_key_projects_start_rate_and_completion_of_the_ledger_plan(app, store):
    tree = page(app, store, kind="key_projects", date=OCT31)
    text = component_text(find(tree, ids.LEDGER_TOTALS))
    assert "已开工 2个" in text and "开工率 66.7%" in text and "逾期未开工 1个" in text  # K2 planned for 06-01
    assert "年度计划投资 3,500.0万元" in text and "本年完成投资 2,400.0万元" in text
    assert "按台账年度计划投资" in text  # no KEY_PROJ target: 2400 / 3500 = 68.6%
    assert "完成年度目标68.6%" in text
    li = county_row(tree, LIXIAN)
    assert (li["rate"], li["completion"], li["overdue"]) == (50.0, 40.0, 1)


def test_sishang_counts_are_whole_and_counties_with_none_are_named(app, store):
    tree = page(app, store, kind="sishang", date=OCT31)
    text = component_text(find(tree, ids.LEDGER_TOTALS))
    assert "已入库 1家" in text and "逾期未入库 1家" in text and "1.0家" not in text
    assert "尚无入库企业的县区：" in text and "武都区" in text and "礼县" not in text.split("尚无入库企业的县区：")[1]
    li = county_row(tree, LIXIAN)
    assert (li["value"], li["target"], li["completion"], li["items"]) == (1.0, 2.0, 50.0, 2)
    assert isinstance(li["items"], int) and isinstance(li["rank"], int)


# ---------------------------------------------------------------- 序时进度

def test_month_end_gap_equals_the_targets_page_row(app, store):
    tree = page(app, store, kind="investment", date=OCT31)
    with as_user(app, store, "leader"):
        row = reading.progress_rows(reading.snapshot(store), "2026-10", LIXIAN)
    row = row[(row["indicator"] == "INVEST_IN") & (row["kind"] == "level")].iloc[0]
    li = county_row(tree, LIXIAN)
    assert li["completion"] == round(float(row["completion_pct"]), 1)
    assert li["gap"] == float(row["gap_shown_pp"])
    arrears = county_row(page(app, store, kind="arrears", date=OCT31), LIXIAN)
    with as_user(app, store, "leader"):
        prow = reading.progress_rows(reading.snapshot(store), "2026-10", LIXIAN)
    prow = prow[prow["indicator"] == "ARREARS_PAID"].iloc[0]
    assert arrears["gap"] == float(prow["gap_shown_pp"]) == -23.3  # 60.0 − 83.3


def test_inside_a_month_time_progress_is_by_day():
    tp = ledgers.time_progress(dt.date(2026, 11, 20))
    assert tp.by_day and tp.pct == pytest.approx(324 / 365 * 100)
    assert ledgers.time_progress(dt.date(2026, 10, 31)).pct == pytest.approx(float(progress.linear_schedule("2026-10")))
    assert ledgers.time_progress(dt.date(2028, 2, 29)) == ledgers.TimeProgress(pytest.approx(2 / 12 * 100), False,
                                                                               "2028-02")


def test_the_bureau_sees_the_unreleased_snapshot_with_time_progress_by_day(app, store):
    tree = page(app, store, "bureau", kind="investment", date=NOV20)
    text = component_text(find(tree, ids.LEDGER_TOTALS))
    # 900 of 1,200 (礼县 only has a target … the city's is the counties' 2,200): 900 / 2200 = 40.9%, by day 88.8%
    assert "完成年度目标40.9%（目标2,200.0万元），序时进度88.8%，慢于序时进度47.9个百分点" in text
    assert "时间进度按日计算" in text
    options = [o["value"] for o in find(tree, ids.LEDGER_DATE).data]
    assert options == [NOV20, OCT31]


# ---------------------------------------------------------------- units below the county

def test_units_zero_and_not_reported_are_named_apart(app, store):
    tree = page(app, store, kind="investment", date=OCT31, county=LIXIAN)
    rows = find(tree, ids.LEDGER_UNITS_GRID).rowData
    got = {r["name"]: (r["rank"], r["result"], r["completion"], r["state"]) for r in rows}
    assert got == {"城关镇": (1, 600.0, 60.0, ""), "盐官镇": (2, 0.0, 0.0, "未破零")}
    assert "石桥镇" not in got  # 未上报: never shown as a zero
    zero, missing = component_text(find(tree, ids.LEDGER_ZERO)), component_text(find(tree, ids.LEDGER_NOT_REPORTED))
    assert "盐官镇（礼县）" in zero and "石桥镇" not in zero
    assert "石桥镇（礼县）" in missing and "盐官镇" not in missing
    assert "雷坝镇（礼县）" in component_text(find(tree, "ledger-no-task"))


def test_a_kind_without_unit_measures_says_so(app, store):
    assert "本台账没有下辖单位考核指标" in component_text(page(app, store, kind="complaints", date=OCT31))


# ---------------------------------------------------------------- who sees what

def test_a_county_scoped_account_sees_its_county_items_only(app, store):
    tree = page(app, store, "lixian", kind="arrears", date=OCT31)
    assert county_row(tree, LIXIAN)["county"].startswith("[礼县](/ledger/arrears?")  # a drill-down link
    assert county_row(tree, WUDU)["county"] == "武都区"  # the city's comparison, no link to another county
    refused = page(app, store, "lixian", kind="arrears", date=OCT31, county=WUDU)
    assert refused.id == "access-refused" and "621202" in component_text(refused)
    assert audit.entries(store, action="refused", limit=1).iloc[0]["user_name"] == "lixian"


def test_drill_down_lists_the_county_items(app, store):
    tree = page(app, store, kind="arrears", date=OCT31, county=LIXIAN)
    assert sorted(r["item_id"] for r in find(tree, ids.LEDGER_ITEMS).rowData) == ["LX-001", "LX-002", "LX-003"]
    disputed = next(r for r in find(tree, ids.LEDGER_ITEMS).rowData if r["item_id"] == "LX-002")
    assert disputed["disputed"] == "有分歧" and disputed["owed"] == 80.0


def test_a_viewer_asking_for_an_unreleased_snapshot_gets_the_latest_released(app, store):
    tree = page(app, store, "leader", kind="investment", date=NOV20)
    assert find(tree, ids.LEDGER_DATE).value == OCT31
    assert [o["value"] for o in find(tree, ids.LEDGER_DATE).data] == [OCT31]
    assert find(tree, "ledger-date-notice") is not None
    assert "600.0万元" in component_text(find(tree, ids.LEDGER_TOTALS))  # not November's 900
    last = audit.entries(store, action="refused", limit=1).iloc[0]
    assert last["user_name"] == "leader" and NOV20 in last["target"]


def _text(response) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)


def _units_post(client, state, region="all"):
    body = {"output": f"{ids.LEDGER_UNITS}.children", "outputs": {"id": ids.LEDGER_UNITS, "property": "children"},
            "inputs": [{"id": ids.LEDGER_UNIT_MEASURE, "property": "value", "value": "in_place"},
                       {"id": ids.LEDGER_CADENCE, "property": "value", "value": "weekly"},
                       {"id": ids.LEDGER_UNIT_KIND, "property": "value", "value": "all"},
                       {"id": ids.LEDGER_UNIT_COUNTY, "property": "value", "value": region}],
            "state": [{"id": ids.LEDGER_STATE, "property": "data", "value": state}],
            "changedPropIds": [f"{ids.LEDGER_CADENCE}.value"]}
    return client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")


def test_forged_dates_and_counties_in_callbacks_are_refused(app, store):
    state = {"kind": "investment", "date": OCT31, "county": None, "scope": "city:621200", "lang": "zh"}
    leader = logged_in_client(app, "leader")
    ok = _units_post(leader, state)
    assert ok.status_code == 200 and "城关镇" in _text(ok)
    assert _units_post(leader, state | {"date": NOV20}).status_code == 204  # unreleased: nothing sent
    assert _units_post(logged_in_client(app, "bureau"), state | {"date": NOV20}).status_code == 200
    lixian = logged_in_client(app, "lixian")
    assert _units_post(lixian, state | {"county": LIXIAN}).status_code == 200
    forged = _units_post(lixian, state | {"county": WUDU})
    assert forged.status_code == 403 and "汉王镇" not in forged.get_data(as_text=True)
    assert _units_post(lixian, state, region=WUDU).status_code == 204  # another county in the filter
    own = _text(_units_post(lixian, state))
    assert "城关镇" in own and "汉王镇" not in own  # the city-wide ranking shows its own county's units only


def test_the_date_select_refuses_an_unreleased_date(app, store):
    state = {"kind": "investment", "date": OCT31, "county": None, "scope": "city:621200", "lang": "zh"}
    output = next(k for k, v in app.callback_map.items()
                  if [i["id"] for i in v["inputs"]] == [ids.LEDGER_DATE])  # allow_duplicate: a hashed output key
    body = {"output": output, "outputs": {"id": "_pages_location", "property": output.split(".", 1)[1]},
            "inputs": [{"id": ids.LEDGER_DATE, "property": "value", "value": NOV20}],
            "state": [{"id": ids.LOCATION, "property": "search", "value": f"?date={OCT31}"},
                      {"id": ids.LEDGER_STATE, "property": "data", "value": state}],
            "changedPropIds": [f"{ids.LEDGER_DATE}.value"]}
    post = lambda c: c.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")  # noqa: E731
    assert post(logged_in_client(app, "leader")).status_code == 204
    r = post(logged_in_client(app, "bureau"))
    assert r.status_code == 200 and f"date={NOV20}" in r.get_data(as_text=True)


def test_export_names_say_the_kind_county_and_date(app, store):
    from test_grid_export import post_export

    c = logged_in_client(app, "leader")
    rows = [{"county": "[礼县](/ledger/investment?county=621226)", "items": 2}]
    defs = [{"field": "county", "headerName": "县区"}, {"field": "items", "headerName": "事项数"}]
    sent = post_export(c, ids.LEDGER_COUNTIES, rows, defs, f"?date={OCT31}", "/ledger/investment")
    assert sent["filename"] == f"台账各县区_招商引资项目台账_截至{OCT31}_{store.data_state()}.xlsx"
    sent = post_export(c, ids.LEDGER_ITEMS, rows, defs, f"?date={NOV20}&county={LIXIAN}", "/ledger/investment", "csv")
    # a viewer's forged unreleased date is not what the file is named after
    assert sent["filename"] == f"台账事项_招商引资项目台账_礼县_截至{OCT31}_{store.data_state()}.csv"


def test_english_page_has_no_chinese_interface_words(app, store):
    text = component_text(page(app, store, kind="arrears", date=OCT31, lang="en"))
    for word in ("全市合计", "截至", "清偿率", "下辖单位", "逾期", "导出"):
        assert word not in text, word
    assert "Repayment rate (undisputed) 69.6%" in text


# ---------------------------------------------------------------- links from the county page and the cockpit

def test_county_page_lines_link_to_the_county_items(app, store):
    from layouts.pages import county

    with as_user(app, store, "leader"):
        block = find(county._ledgers(LIXIAN, "zh")[0], ids.COUNTY_LEDGERS)
    text = component_text(block)
    assert "清欠台账 截至2026-10-31：清偿率（无分歧） 55.6%，逾期未清偿事项 1件" in text
    assert "“四上”企业培育台账 截至2026-10-31：已入库 1家" in text
    links = [g.children[0].href for g in block.children]
    assert f"/ledger/arrears?date={OCT31}&county={LIXIAN}" in links


def test_cockpit_card_has_the_city_headline_per_kind(app, store):
    from layouts.pages import cockpit

    with as_user(app, store, "leader"):
        card = cockpit._ledger_card("621200", "陇南市", "zh")[0]
    text = component_text(card)
    assert "重点工作台账 · 陇南市" in text
    assert "清偿率（无分歧） 69.6%" in text and "办结率 33.3%" in text and "开工率 66.7%" in text
    assert "招商引资项目台账 截至2026-10-31：省外到位资金 600.0万元，完成率 27.3%" in text  # 600 / (1200 + 1000)
    with as_user(app, store, "bureau"):  # the bureau sees November's snapshot: 900 / 2200
        assert "截至2026-11-20：省外到位资金 900.0万元，完成率 40.9%" in component_text(
            cockpit._ledger_card("621200", "陇南市", "zh")[0])


# ---------------------------------------------------------------- the pure maths (indicators/ledgers.py)

def test_city_rates_come_from_the_sums_and_ties_share_a_rank():
    import pandas as pd

    facts = pd.DataFrame({"region_code": ["A", "B", "C"], "items": [1, 1, 1], "received": [1, 3, 4],
                          "handled": [1, 1, 2], "open": [0, 2, 2], "overdue_open": [0, 1, 0],
                          "handled_late": [0, 0, 1], "rate": [100.0, 100 / 3, 50.0]})
    totals = ledgers.city_totals("complaints", facts)
    assert totals["rate"] == pytest.approx(4 / 8 * 100)  # not the mean of the county rates (61.1)
    assert totals["overdue_open"] == 1 and isinstance(totals["overdue_open"], int)
    tp = ledgers.time_progress(dt.date(2026, 10, 31))
    table = ledgers.county_table("complaints", facts.assign(rate=[50.0, 50.0, 40.0]), {}, ["A", "B", "C", "D"], tp)
    assert table["rank"].tolist()[:3] == [1, 1, 3] and pd.isna(table["rank"].iloc[3])  # D has no ledger: unranked
    assert table["reported"].tolist() == [True, True, True, False]


def test_a_city_without_ledgers_and_unknown_kinds_render_plainly(app, store):
    lanzhou = component_text(page(app, store, kind="arrears", date=OCT31, scope="city:620100"))
    assert "兰州市" in lanzhou and "清偿率（无分歧） —" in lanzhou
    assert "没有“bogus”这种台账" in component_text(page(app, store, kind="bogus"))
    assert "清欠台账" in component_text(page(app, store))  # /ledger opens the first kind


def test_the_template_download_is_the_kinds_workbook(app, store):
    import base64
    import io

    import openpyxl

    body = {"output": f"{ids.LEDGER_TEMPLATE_DOWNLOAD}.data",
            "outputs": {"id": ids.LEDGER_TEMPLATE_DOWNLOAD, "property": "data"},
            "inputs": [{"id": ids.LEDGER_TEMPLATE, "property": "n_clicks", "value": 1}],
            "state": [{"id": ids.LOCATION, "property": "pathname", "value": "/ledger/key_projects"}],
            "changedPropIds": [f"{ids.LEDGER_TEMPLATE}.n_clicks"]}
    r = logged_in_client(app, "lixian").post("/_dash-update-component", data=json.dumps(body),
                                             content_type="application/json")
    sent = r.get_json()["response"][ids.LEDGER_TEMPLATE_DOWNLOAD]["data"]
    assert sent["filename"] == "重点项目台账_模板.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sent["content"])))
    headers = [c.value for row in book.worksheets[0].iter_rows(max_row=4) for c in row if c.value]
    assert any("包抓领导" in str(h) for h in headers)


def test_open_overdue_items_come_first_and_the_kinds_own_source_column_stays_its_own():
    import pandas as pd

    from indicators import ledgers as ledgers_mod
    from layouts import ledger_view
    from loaders import ledger_kinds

    items = pd.DataFrame({"region_code": ["621202", "621226", "621202"], "item_id": ["A", "B", "C"],
                          "source": ["企业投诉", "国家平台转办", "督查转办"], "upload_id": [7, 7, 7], "src_row": [3, 4, 5]})
    reasons = pd.Series(["handled_late", "late_open", "late_open"], index=items.index)
    assert list(ledgers_mod.open_first(items, reasons)["item_id"]) == ["C", "B", "A"]  # still open, by county
    kind = ledger_kinds.default()["complaints"]
    rows = ledger_view.item_rows(kind, items, reasons, {"621202": "武都区"}, {7: "ts.csv"})
    assert rows[0]["source"] == "企业投诉" and rows[0]["_upload"] == "#7 ts.csv 第3行"
