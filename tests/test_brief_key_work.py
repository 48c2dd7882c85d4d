"""The 通报's 重点工作推进情况 from the ledgers, on a copy of the demo province with small ledgers uploaded: the JSON
section's numbers equal reading.ledger_facts (the ledger pages' facts), the 截至 dates and the counties without
a ledger said, 未破零 units named apart from 未上报 ones, the 约谈 table listing a ledger rule with its numbers,
sections and tables numbered without gaps, and the DOCX read back with python-docx."""

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
from docx import Document

from indicators import reading
from indicators.brief import content, render
from indicators.brief import wording as w
from loaders import units
from loaders.ledger_ingest import ingest_ledger
from loaders.store import LEDGER, Store
from loaders.unit_headers import REPORTS, TASKS
from loaders.unit_headers import UNITS as UNITS_KIND

UNIT_UPLOADS = (UNITS_KIND, TASKS, REPORTS)

PERIOD, CITY = "2026-10", "city:621200"
OCT31 = dt.date(2026, 10, 31)
TODAY = dt.date(2026, 11, 23)
WUDU, CX, DC, XH, LX, HX = "621202", "621221", "621223", "621225", "621226", "621227"

ARREARS = """清欠台账（截至2026年10月31日）
县区,台账编号,拖欠主体,债权企业,拖欠金额（万元）,是否有分歧,已清偿金额（万元）,约定清偿日期,办理状态,线索来源,责任单位
礼县,LX-1,县住建局,甲公司,3900.5,无分歧,3512,2026-12-31,交办,国家平台转办,
礼县,LX-2,县交通局,乙公司,120,无分歧,20,2026-10-30,交办,企业投诉,
礼县,LX-3,县教育局,丙公司,80,有分歧,0,,核实,企业投诉,
礼县,LX-4,县卫健局,丁公司,6.5,无分歧,0,2026-10-31,受理,企业投诉,
武都区,WD-1,区教育局,戊公司,500,无分歧,480,2026-10-31,交办,督查转办,
"""
COMPLAINTS = """县区,线索编号,受理日期,线索来源,是否有分歧,办结日期,办理结果,责任单位
宕昌县,DC-1,2026-10-10,企业投诉,无分歧,,,
宕昌县,DC-2,2026-09-01,企业投诉,无分歧,2026-09-05,已协调支付,
礼县,LX-1,2026-10-25,企业投诉,无分歧,2026-10-28,已协调支付,
"""
INVESTMENT = """县区,项目编号,项目名称,责任单位,签约日期,合同金额,到位资金,省外资金,项目进度
成县,CX-1,甲项目,抛沙镇,2026-03-01,50000,12000,是,开工
成县,CX-2,乙项目,黄渚镇,,800,0,是,洽谈
"""
UNITS = "单位类别,所属县区,单位名称,别名\n乡镇,成县,抛沙镇,\n乡镇,成县,黄渚镇,\n乡镇,成县,苏元镇,\n"
TASKS = "年度,县区,单位名称,任务指标,任务值\n2026,成县,抛沙镇,到位资金,20000\n2026,成县,黄渚镇,到位资金,3000\n" \
        "2026,成县,苏元镇,到位资金,1000\n"


def _upload(store, text, kind, as_of, name):
    r = ingest_ledger(text.encode("utf-8"), store, name=name, kind=kind, as_of=as_of, today=TODAY,
                      note="补报更正（测试）")
    assert r.status == "committed", [p.message() for p in r.errors]


@pytest.fixture(scope="module")
def ledger_demo(demo_store, tmp_path_factory):
    """A copy of the demo province with the ledgers above instead of the demo's own (rolled back in the copy; the
    session's demo store keeps them)."""
    demo_store.engine.dispose()  # DuckDB writes everything to the file when its connections close
    path = tmp_path_factory.mktemp("ledger_demo") / "demo.duckdb"
    shutil.copy(Path(demo_store.url.removeprefix("duckdb:///")), path)
    store = Store(f"duckdb:///{path}")
    ups = store.uploads()
    for uid in ups.loc[ups["kind"].isin([LEDGER, *UNIT_UPLOADS]) & (ups["status"] == "committed"), "id"]:
        store.rollback(int(uid), user="test", note="换成测试台账")
    _upload(store, ARREARS, "arrears", None, "qq.csv")
    _upload(store, COMPLAINTS, "complaints", "2026-10-31", "ts.csv")
    _upload(store, INVESTMENT, "investment", "2026-10-30", "zs.csv")
    for fn, text in ((units.ingest_units, UNITS), (units.ingest_tasks, TASKS)):
        r = fn(text.encode("utf-8"), store, name="u.csv", today=TODAY)
        assert r.status == "committed", [p.message() for p in r.errors]
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def brief(ledger_demo):
    return content.generate(reading.snapshot(ledger_demo), PERIOD, CITY, today=TODAY)


def _json(brief) -> dict:
    """The brief as its JSON file holds it."""
    return json.loads(json.dumps(brief.to_json(), ensure_ascii=False))


def _section(doc: dict, heading: str) -> list[dict]:
    """The level-1 section whose heading ends with `heading` and its level-2 subsections."""
    out, inside = [], False
    for s in doc["sections"]:
        if s["level"] == 1:
            inside = s["heading"].endswith(heading)
        if inside:
            out.append(s)
    return out


def test_the_section_numbers_equal_the_ledger_facts(ledger_demo, brief):
    doc = _json(brief)
    part = _section(doc, "重点工作推进情况")
    assert part, [s["heading"] for s in doc["sections"]]
    (tbl,) = part[0]["tables"]
    assert tbl["header"] == ["县区", "无分歧欠款清偿率（%）", "超期未清偿欠款（笔）", "投诉线索办结率（%）", "超期未办结线索（条）",
                             "省外到位资金（万元）"]
    snap = reading.snapshot(ledger_demo)
    names = {r[0]: v for r, v in zip(tbl["rows"], tbl["values"], strict=True)}
    arrears = reading.ledger_facts(snap, "arrears", OCT31).set_index("region_code")
    complaints = reading.ledger_facts(snap, "complaints", OCT31).set_index("region_code")
    investment = reading.ledger_facts(snap, "investment", OCT31).set_index("region_code")
    for code, name in ((LX, "礼县"), (WUDU, "武都区")):
        _, rate, overdue, *_ = names[name]
        assert rate == w.one(arrears.at[code, "rate_undisputed"]) and overdue == int(arrears.at[code, "overdue_items"])
    # by hand: 礼县 (3512 + 20 + 0) / (3900.5 + 120 + 6.5) on undisputed debt = 87.7 %; LX-2 a day overdue, LX-4 due
    # on the snapshot's date is not; the disputed 80万元 is in neither
    assert names["礼县"][1:3] == [87.7, 1] and names["武都区"][1:3] == [96.0, 0]
    assert names["宕昌县"][3:5] == [w.one(complaints.at[DC, "rate"]), int(complaints.at[DC, "overdue_open"])] == [50.0, 1]
    assert names["成县"][5] == investment.at[CX, "in_place_outside"] == 12000.0
    assert names["成县"][1:5] == [None, None, None, None]  # no arrears or complaints ledger: "—", never 0
    assert tbl["rows"][[r[0] for r in tbl["rows"]].index("成县")][1] == "—"
    # the area's rate from the sums
    city = names["合计"]  # of the counties that reported
    assert city[1] == w.one((3512 + 20 + 480) / (3900.5 + 120 + 6.5 + 500) * 100) and city[2] == 1


def test_the_words_say_dates_overdue_items_zero_units_and_who_did_not_report(brief):
    doc = _json(brief)
    text = {s["heading"].split("）", 1)[-1]: " ".join(s["paragraphs"]) for s in _section(doc, "重点工作推进情况")[1:]}
    assert list(text) == ["清理拖欠企业账款", "投诉线索办理", "招商引资"]  # only the kinds with a ledger in October
    qq = text["清理拖欠企业账款"]
    assert ("截至2026年10月31日，武都区、礼县2个县区报送的清欠台账共有拖欠账款5笔，其中无分歧欠款4527.0万元，已清偿4012.0万元，"
            "无分歧欠款清偿率88.6%") in qq
    assert "有分歧欠款1笔、80.0万元，尚未清偿（清偿率按无分歧欠款计算）" in qq
    assert "无分歧欠款清偿率最低的是礼县（87.7%）。" in qq
    assert "超过约定清偿日期仍未清偿的欠款1笔、金额100.0万元：礼县1笔（100.0万元）。" in qq
    assert "10万元以下小额欠款尚未清零的1笔：礼县1笔。" in qq
    assert "成县、文县、宕昌县、康县、西和县、徽县、两当县未报送10月清欠台账，未计入。" in qq
    ts = text["投诉线索办理"]
    assert "截至2026年10月31日，宕昌县、礼县2个县区报送的投诉线索台账本年受理线索3条，办结2条，办结率66.7%；尚未办结1条。" in ts
    assert "超过办理时限仍未办结的线索1条：宕昌县1条。" in ts
    zs = text["招商引资"]
    assert ("截至2026年10月30日，成县报送的招商引资项目台账共有项目2个，合同金额5.08亿元，本年到位资金1.20亿元，"
            "其中省外到位资金1.20亿元。") in zs
    # 黄渚镇 reported an item with nothing in place: 未破零; 苏元镇 reported nothing: 未上报, not counted as zero
    assert "有到位资金任务的3个单位中，仍有1个未破零：成县黄渚镇；另有1个单位未上报：成县苏元镇。" in zs


def test_the_problems_name_the_overdue_items_and_the_units_at_zero(brief):
    doc = _json(brief)
    (problems,) = _section(doc, "存在的问题")
    point = next(p for p in problems["paragraphs"] if "重点工作" in p)
    assert point.endswith("部分重点工作推进滞后。礼县超过约定清偿日期仍未清偿欠款1笔（100.0万元）；"
                          "宕昌县超过办理时限仍未办结投诉线索1条；成县黄渚镇到位资金未破零。")
    assert "苏元镇" not in point  # 未上报 is not 未破零
    assert point[:2] in ("一是", "二是", "三是")


def test_sections_and_tables_are_numbered_without_gaps(brief):
    doc = _json(brief)
    level1 = [s["heading"] for s in doc["sections"] if s["level"] == 1]
    assert level1 == ["一、综合评价情况", "二、主要指标完成情况", "三、目标任务推进情况", "四、重点工作推进情况", "五、存在的问题",
                      "六、争先进位测算", "七、约谈情形", "八、下一步工作要求"]
    titles = [t["title"] for s in doc["sections"] for t in s["tables"]]
    assert [t.split("　")[0] for t in titles] == ["表1", "表2", "表3", "表4"]
    assert titles[2] == "表3　2026年1-10月重点工作台账情况" and titles[3].endswith("约谈名单")


def test_the_interview_table_lists_a_ledger_rule_with_its_numbers(brief):
    doc = _json(brief)
    listed = next(t for s in doc["sections"] for t in s["tables"] if "约谈名单" in t["title"])
    rows = {r[0]: r for r in listed["rows"]}
    assert "有超过约定清偿日期仍未清偿的拖欠账款" in rows["礼县"][1]
    assert "截至2026年10月31日，超过约定清偿日期未清偿欠款1笔，金额100.0万元" in rows["礼县"][2]
    assert "有超过办理时限仍未办结的投诉线索" in rows["宕昌县"][1]
    assert "截至2026年10月31日，超过办理时限未办结投诉线索1条" in rows["宕昌县"][2]
    lx = next(i for i in doc["interviews"] if i["region_name"] == "礼县")
    rule = next(r for r in lx["rules"] if r["rule"] == "arrears_overdue")
    assert rule["values"] == {"ledger": "arrears", "as_of": "2026-10-31", "items": 1, "amount": 100.0}
    # 成县 has one unit 未破零, fewer than the three the 约谈 rule asks: not listed for it
    assert not any(r["rule"] == "invest_units_zero" for i in doc["interviews"] for r in i["rules"])


def test_the_docx_carries_the_section(brief):
    docx = Document(io.BytesIO(render.render(brief, "docx")))
    texts = [p.text for p in docx.paragraphs]
    assert "四、重点工作推进情况" in texts and "（一）清理拖欠企业账款" in texts
    assert any(t.startswith("截至2026年10月31日，武都区、礼县2个县区报送的清欠台账共有拖欠账款5笔") for t in texts)
    table = next(t for t in docx.tables if t.rows[0].cells[1].text == "无分歧欠款清偿率（%）")
    cells = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert cells["礼县"][1:3] == ["87.7", "1"] and cells["成县"][1] == "—" and cells["成县"][5] == "12000.0"


def test_a_brief_without_ledgers_has_no_such_section(demo_store):
    # the demo's ledgers are Longnan's: 兰州市's counties keep none
    doc = content.generate(reading.snapshot(demo_store), PERIOD, "city:620100", today=TODAY).to_json()
    assert not any("重点工作" in s["heading"] for s in doc["sections"])
    assert [t["title"].split("　")[0] for s in doc["sections"] for t in s["tables"]] == ["表1", "表2", "表3"]
