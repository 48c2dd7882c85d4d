"""The 通报's 重点工作推进情况 as pure functions (indicators/brief/key_work.py) on small ledgers computed by hand — 重点项目
and “四上”企业 (the kinds the demo-copy test in test_brief_key_work.py does not upload), dates that differ between
counties, every county reporting (then the total is 全市's) — and the cockpit's lines for ledger findings."""

import datetime as dt

import pandas as pd

from indicators import rules
from indicators.brief import key_work
from indicators.brief.doc import Section
from layouts import attention
from loaders import catalogue, ledger_kinds
from loaders import ledger_rollup as rollup

KINDS = ledger_kinds.default()
WUDU, CX, HX = "621202", "621221", "621227"
NAMES = {WUDU: "武都区", CX: "成县", HX: "徽县"}
OCT31, OCT24 = dt.date(2026, 10, 31), dt.date(2026, 10, 24)


def facts(kind: str, rows: list[dict]) -> pd.DataFrame:
    k = KINDS[kind]
    frame = ledger_kinds.typed_frame(k, [{c.code: r.get(c.code) for c in k.field_columns}
                                         | {"region_code": r["region_code"], "item_id": r["item_id"]} for r in rows])
    frame = frame.assign(as_of=[pd.Timestamp(r.get("as_of", OCT31)) for r in rows])
    out = rollup.facts(k, frame)
    return out.assign(as_of=out["region_code"].map(frame.groupby("region_code")["as_of"].max().dt.date))


def numbered(subs):
    return tuple(Section(h, b, 2) for h, b in subs)


def work(**ledgers) -> key_work.KeyWork:
    return key_work.KeyWork([WUDU, CX, HX], NAMES, "全市", "2026-10", ledgers)


PROJECTS = [
    {"region_code": HX, "item_id": "P1", "planned": 80000.0, "completed": 52000.0, "start_state": "已开工"},
    {"region_code": HX, "item_id": "P2", "planned": 20000.0, "completed": 0.0, "start_state": "未开工",
     "planned_start": dt.date(2026, 10, 30)},  # a day past its planned start
    {"region_code": CX, "item_id": "P3", "planned": 10000.0, "completed": 9000.0, "start_state": "竣工",
     "as_of": OCT24},
    {"region_code": WUDU, "item_id": "P4", "planned": 5000.0, "completed": 0.0, "start_state": "未开工",
     "planned_start": OCT31},  # planned for the snapshot's own date: not yet late
]


def test_key_projects_by_hand_with_a_county_reporting_on_another_day():
    kw = work(key_projects=facts("key_projects", PROJECTS))
    blocks, subs = key_work.sections(kw, numbered)
    (sub,) = subs
    assert sub.heading == "重点项目建设"
    text = [p.text for p in sub.blocks]
    # 4 projects, 2 started (已开工, 竣工): 50.0 %; 115000 planned, 61000 done: 53.0 %
    assert text[0] == ("截至2026年10月31日（成县截至10月24日），全市重点项目台账共有项目4个，已开工（含竣工）2个，开工率50.0%；"
                       "年度计划投资11.50亿元，本年完成投资6.10亿元，完成年度计划的53.0%。")
    # 武都区 0 of 1, 徽县 1 of 2, 成县 1 of 1: the two lowest named
    assert text[1] == "开工率较低的是武都区（0.0%）、徽县（50.0%）。超过计划开工日期仍未开工的项目1个：徽县1个。"
    assert len(text) == 2  # every county reported: nobody named as missing
    table = blocks[1]
    assert table.header == ("县区", "重点项目开工率（%）")
    assert dict(zip((r[0] for r in table.rows), (v[1] for v in table.values), strict=True)) == {
        "合计": 50.0, "武都区": 0.0, "成县": 100.0, "徽县": 50.0}


def test_sishang_names_counties_with_no_entry_yet_and_the_one_without_a_ledger():
    kw = work(sishang=facts("sishang", [
        {"region_code": CX, "item_id": "S1", "type": "规上工业", "state": "已入库"},
        {"region_code": CX, "item_id": "S2", "type": "限上批零住餐", "state": "已申报"},
        {"region_code": HX, "item_id": "S3", "type": "规上服务业", "state": "培育中"}]))
    _, (sub,) = key_work.sections(kw, numbered)
    assert [p.text for p in sub.blocks] == [
        "截至2026年10月31日，成县、徽县2个县区报送的“四上”企业培育库共有企业3家，已入库1家（规上工业1家），已申报1家，培育中1家。",
        "徽县1个县区本年尚无新入库企业。",
        "武都区未报送10月“四上”企业培育台账，未计入。"]


def test_no_ledger_in_the_month_means_no_section():
    assert key_work.sections(work(), numbered) is None
    assert key_work.sections(work(arrears=pd.DataFrame(columns=["region_code", "as_of"])), numbered) is None


def test_the_cockpit_keeps_each_ledger_fact_on_its_own_line():
    f = facts("arrears", [{"region_code": CX, "item_id": "A1", "owed": 50.0, "repaid": 0.0, "disputed": False,
                           "due_date": dt.date(2026, 10, 1)}])
    c = facts("complaints", [{"region_code": CX, "item_id": "T1", "received": dt.date(2026, 10, 1), "disputed": False}])
    rule_list = rules.parse({"attention": [
        {"id": "qq", "kind": "ledger_overdue", "ledger": "arrears", "items": 1, "zh": "超期欠款", "en": "Overdue"},
        {"id": "ts", "kind": "ledger_overdue", "ledger": "complaints", "items": 1, "zh": "超期线索", "en": "Overdue"}]},
        source="2026.rules.toml", year=2026, catalogue=catalogue.default()).attention
    found = rules.evaluate(rule_list, rules.Inputs(units=[CX], set_units=[WUDU, CX, HX], names=NAMES,
                                                   place="province", catalogue=catalogue.default(),
                                                   ledgers={"arrears": f, "complaints": c}))
    lines = attention.lines(found, catalogue.default())
    assert [(x["zh"], x["cls"]) for x in lines] == [
        ("成县截至2026年10月31日，超过约定清偿日期未清偿欠款1笔，金额50.0万元", "behind"),
        ("成县截至2026年10月31日，超过办理时限未办结投诉线索1条", "behind")]
    frame, _ = attention.export_table(found, catalogue.default())
    assert frame["indicator"].tolist() == ["清欠完成率", "投诉线索办结率"]
