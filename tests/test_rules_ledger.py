"""约谈 / 需要关注 rules on ledger facts (indicators/rules.py ledger kinds): computed by hand on small ledgers — an
item overdue by one day against one due on the snapshot's own date, the lowest rate ignoring a disputed debt, 未上报
units never counted as 未破零, a county without a ledger not judged — the validation text of bad ledger rules, and
the same rules read from the store at a month (reading.interviews, reading.ledger_facts_at)."""

import datetime as dt

import pandas as pd
import pytest

from indicators import reading, rules
from indicators import unit_ranking as ur
from loaders import catalogue, ledger_kinds, unit_measures
from loaders import ledger_rollup as rollup

CAT = catalogue.default()
KINDS = ledger_kinds.default()
SRC = "2026.rules.toml"
WUDU, CX, LX, DC = "621202", "621221", "621226", "621223"  # 武都区, 成县, 礼县, 宕昌县
NAMES = {WUDU: "武都区", CX: "成县", LX: "礼县", DC: "宕昌县"}
OCT31 = dt.date(2026, 10, 31)


def items(kind: str, rows: list[dict], as_of=OCT31) -> pd.DataFrame:
    """A typed snapshot from partial rows, dated `as_of` (a row may carry its own)."""
    k = KINDS[kind]
    frame = ledger_kinds.typed_frame(k, [{c.code: r.get(c.code) for c in k.field_columns}
                                         | {"region_code": r["region_code"], "item_id": r["item_id"]} for r in rows])
    return frame.assign(as_of=[pd.Timestamp(r.get("as_of", as_of)) for r in rows])


def facts(kind: str, rows: list[dict]) -> pd.DataFrame:
    """What reading.ledger_facts_at gives the rules: the kind's facts with each county's snapshot date."""
    frame = items(kind, rows)
    out = rollup.facts(KINDS[kind], frame)
    days = frame.groupby("region_code")["as_of"].max().dt.date
    return out.assign(as_of=out["region_code"].map(days))


def parse(*rule_list):
    return rules.parse({"interview": list(rule_list)}, source=SRC, year=2026, catalogue=CAT).interview


def rule(kind, **kw):
    return parse({"id": kind, "kind": kind, "zh": f"{kind} 规则", "en": f"{kind} rule", **kw})


def inputs(ledgers=None, unit_rankings=None, units=(WUDU, CX, LX, DC), place="city"):
    return rules.Inputs(units=list(units), set_units=[WUDU, CX, LX, DC], names=NAMES, place=place, catalogue=CAT,
                        ledgers=ledgers or {}, unit_rankings=unit_rankings or {})


def said(found):
    return [(f.region_name, f.facts_zh) for f in found]


# ---------------------------------------------------------------- overdue: one day past vs on the due date

ARREARS = [
    # 武都区: due the day before the snapshot, 20 of 50 repaid: overdue by one day, 30万元 outstanding
    {"region_code": WUDU, "item_id": "W1", "owed": 50.0, "repaid": 20.0, "disputed": False,
     "due_date": dt.date(2026, 10, 30)},
    # a disputed debt past due counts as overdue too (the ledger chases it), with its own outstanding amount
    {"region_code": WUDU, "item_id": "W2", "owed": 400.0, "repaid": 0.0, "disputed": True,
     "due_date": dt.date(2026, 6, 30)},
    # 成县: due on the snapshot's own date, not cleared: not yet overdue; a cleared debt long past due: not overdue
    {"region_code": CX, "item_id": "C1", "owed": 100.0, "repaid": 70.0, "disputed": False, "due_date": OCT31},
    {"region_code": CX, "item_id": "C2", "owed": 30.0, "repaid": 30.0, "disputed": False,
     "due_date": dt.date(2026, 3, 1)},
    # 礼县: undisputed 100 owed, 90 repaid (90 %); a disputed 400 nothing repaid, no due date
    {"region_code": LX, "item_id": "L1", "owed": 100.0, "repaid": 90.0, "disputed": False},
    {"region_code": LX, "item_id": "L2", "owed": 400.0, "repaid": 0.0, "disputed": True},
]  # 宕昌县 has no arrears ledger


def test_overdue_by_one_day_is_met_and_due_on_the_snapshot_date_is_not():
    found = rules.evaluate(rule("ledger_overdue", ledger="arrears", items=1),
                           inputs({"arrears": facts("arrears", ARREARS)}))
    assert said(found) == [("武都区", "截至2026年10月31日，超过约定清偿日期未清偿欠款2笔，金额430.0万元")]
    assert found[0].values == {"ledger": "arrears", "as_of": "2026-10-31", "items": 2, "amount": 430.0}
    assert found[0].indicator == "ARREARS_RATE" and found[0].facts_en == (
        "as of 2026-10-31, 2 debts past their due date not cleared (430.0 万元)")
    # the same ledger a day earlier: W1 is due that day (not overdue), W2 still is
    earlier = [r | {"as_of": dt.date(2026, 10, 30)} for r in ARREARS]
    frame = items("arrears", earlier)
    f = rollup.facts(KINDS["arrears"], frame).assign(as_of=dt.date(2026, 10, 30))
    found = rules.evaluate(rule("ledger_overdue", ledger="arrears", items=1), inputs({"arrears": f}))
    assert said(found) == [("武都区", "截至2026年10月30日，超过约定清偿日期未清偿欠款1笔，金额400.0万元")]
    assert rules.evaluate(rule("ledger_overdue", ledger="arrears", items=3),
                          inputs({"arrears": facts("arrears", ARREARS)})) == []


def test_complaint_leads_open_past_their_allowed_days():
    leads = [
        # undisputed: 10 days allowed — received 10-20, due 10-30, open on 10-31: overdue by one day
        {"region_code": DC, "item_id": "T1", "received": dt.date(2026, 10, 20), "disputed": False},
        # received 10-21: due 10-31, the snapshot's date: not overdue
        {"region_code": DC, "item_id": "T2", "received": dt.date(2026, 10, 21), "disputed": False},
        {"region_code": DC, "item_id": "T3", "received": dt.date(2026, 9, 1), "handled": dt.date(2026, 9, 5)},
        {"region_code": LX, "item_id": "T4", "received": dt.date(2026, 10, 1), "handled": dt.date(2026, 10, 8)},
    ]
    found = rules.evaluate(rule("ledger_overdue", ledger="complaints", items=1),
                           inputs({"complaints": facts("complaints", leads)}))
    assert said(found) == [("宕昌县", "截至2026年10月31日，超过办理时限未办结投诉线索1条")]
    assert found[0].values == {"ledger": "complaints", "as_of": "2026-10-31", "items": 1}
    # 办结率: 宕昌县 1 of 3 received this year (33.3 %), 礼县 1 of 1; the lowest of the two with a ledger
    low = rules.evaluate(rule("ledger_rate_last", ledger="complaints"), inputs({"complaints": facts("complaints", leads)}))
    assert said(low) == [("宕昌县", "截至2026年10月31日，投诉线索办结率33.3%，在有台账的2个县区中最低")]
    below = rules.evaluate(rule("ledger_rate_below", ledger="complaints", rate=90),
                           inputs({"complaints": facts("complaints", leads)}))
    assert said(below) == [("宕昌县", "截至2026年10月31日，投诉线索办结率33.3%，低于90%")]
    assert below[0].values == {"ledger": "complaints", "as_of": "2026-10-31", "rate": 33.3, "threshold": 90.0}


# ---------------------------------------------------------------- the lowest rate, on undisputed debt only

def test_the_lowest_repayment_rate_ignores_the_disputed_debt_and_a_county_without_a_ledger():
    f = facts("arrears", ARREARS).set_index("region_code")
    # by hand: 武都区 20/50 = 40 %, 成县 100/130 = 76.9 %, 礼县 90/100 = 90 % (with its disputed 400: 18 %)
    assert f["rate_undisputed"].round(1).to_dict() == {WUDU: 40.0, CX: 76.9, LX: 90.0}
    found = rules.evaluate(rule("ledger_rate_last", ledger="arrears"), inputs({"arrears": f.reset_index()}))
    assert said(found) == [("武都区", "截至2026年10月31日，无分歧欠款清偿率40.0%，在有台账的3个县区中最低")]
    assert found[0].values["n"] == 3  # 宕昌县 has no ledger: neither judged nor counted
    # without 武都区's ledger the lowest is 成县, not 礼县 (whose rate with the disputed debt would be 18 %)
    rest = f.drop(index=WUDU).reset_index()
    assert [x.region_name for x in rules.evaluate(rule("ledger_rate_last", ledger="arrears"),
                                                  inputs({"arrears": rest}))] == ["成县"]
    # one county alone with a ledger is not "the lowest"; none judged without any ledger
    alone = f.loc[[LX]].reset_index()
    assert rules.evaluate(rule("ledger_rate_last", ledger="arrears"), inputs({"arrears": alone})) == []
    for kind, kw in (("ledger_rate_last", {}), ("ledger_rate_below", {"rate": 99}), ("ledger_overdue", {"items": 1})):
        assert rules.evaluate(rule(kind, ledger="arrears", **kw), inputs()) == []


def test_a_county_without_a_ledger_is_not_judged_even_when_the_threshold_would_catch_zero():
    f = facts("arrears", ARREARS)
    found = rules.evaluate(rule("ledger_rate_below", ledger="arrears", rate=100), inputs({"arrears": f}))
    assert [x.region_name for x in found] == ["武都区", "成县", "礼县"]  # lowest first; 宕昌县 (no ledger) absent


# ---------------------------------------------------------------- 未破零 vs 未上报

UNITS = pd.DataFrame([(CX, "township", "抛沙镇", ""), (CX, "township", "黄渚镇", ""), (CX, "township", "小川镇", ""),
                      (CX, "township", "苏元镇", ""), (LX, "township", "城关镇", ""), (LX, "township", "盐官镇", "")],
                     columns=["region_code", "unit_kind", "name", "aliases"])
TASKS = pd.DataFrame([(CX, "抛沙镇", 5000.0), (CX, "黄渚镇", 4000.0), (CX, "小川镇", 1000.0), (CX, "苏元镇", 1000.0),
                      (LX, "城关镇", 800.0), (LX, "盐官镇", 800.0)], columns=["region_code", "unit_name", "value"])
INVEST = [  # 成县: 抛沙镇 has funds, 黄渚镇 and 小川镇 reported items with none; 苏元镇 did not report
    {"region_code": CX, "item_id": "I1", "unit": "抛沙镇", "contract": 9000.0, "in_place": 2500.0,
     "outside_province": True, "stage": "开工"},
    {"region_code": CX, "item_id": "I2", "unit": "黄渚镇", "contract": 500.0, "in_place": 0.0,
     "outside_province": True, "stage": "洽谈"},
    {"region_code": CX, "item_id": "I3", "unit": "小川镇", "contract": 300.0, "in_place": 0.0,
     "outside_province": False, "stage": "签约"},
    # 礼县: 城关镇 has funds; 盐官镇 did not report (no item, no report): 未上报, not 未破零
    {"region_code": LX, "item_id": "I4", "unit": "城关镇", "contract": 900.0, "in_place": 100.0,
     "outside_province": True, "stage": "落地"},
]


def unit_table():
    frame = ur.attach_units(items("investment", INVEST), UNITS)
    reported = ur.reported_units(frame, pd.DataFrame(columns=["region_code", "unit_name", "as_of"]), OCT31)
    return ur.rank_units(UNITS, TASKS, ur.measure_results(frame, unit_measures.default()["in_place"]), reported)


def test_units_zero_counts_zero_results_and_says_the_units_that_did_not_report_apart():
    ledgers = {"investment": facts("investment", INVEST)}
    found = rules.evaluate(rule("units_zero", measure="in_place", units=1),
                           inputs(ledgers, {"in_place": unit_table()}))
    assert said(found) == [("成县", "截至2026年10月31日，2个单位到位资金未破零（小川镇、黄渚镇），另有1个单位未上报（苏元镇）")]
    assert found[0].values == {"measure": "in_place", "as_of": "2026-10-31", "zero": 2, "zero_units": ["小川镇", "黄渚镇"],
                               "not_reported": 1, "not_reported_units": ["苏元镇"], "with_task": 4}
    assert found[0].indicator == "INVEST_IN"
    # 礼县's 盐官镇 did not report: never counted as zero, so 礼县 does not meet the rule
    assert "礼县" not in [x.region_name for x in found]
    # three needed: 成县 has two (苏元镇 未上报 is not the third)
    assert rules.evaluate(rule("units_zero", measure="in_place", units=3),
                          inputs(ledgers, {"in_place": unit_table()})) == []
    # no investment ledger in the month for 成县: its units are not judged
    only_lx = {"investment": ledgers["investment"][lambda d: d["region_code"] == LX]}
    assert rules.evaluate(rule("units_zero", measure="in_place", units=1),
                          inputs(only_lx, {"in_place": unit_table()})) == []


# ---------------------------------------------------------------- validation

OK = {"id": "arrears_overdue", "kind": "ledger_overdue", "ledger": "arrears", "items": 1, "zh": "超期", "en": "Overdue"}


@pytest.mark.parametrize("change, message", [
    ({"ledger": "investment"},
     "2026.rules.toml 规则“arrears_overdue”：ledger 应为arrears、complaints、key_projects之一（data/ledgers.toml 中的台账代码，"
     "类型 ledger_overdue 只能用于这些台账），得到 'investment'；如 ledger = \"arrears\""),
    ({"ledger": None},
     "2026.rules.toml 规则“arrears_overdue”：ledger 应为arrears、complaints、key_projects之一（data/ledgers.toml 中的台账代码，"
     "类型 ledger_overdue 只能用于这些台账），得到 None；如 ledger = \"arrears\""),
    ({"items": 0}, "2026.rules.toml 规则“arrears_overdue”：items 应为正整数，得到 0；超期事项达到几项即符合，如 items = 1"),
    ({"kind": "ledger_rate_below", "items": None, "rate": 120},
     "2026.rules.toml 规则“arrears_overdue”：rate 应为大于0、不大于100的数（百分比），得到 120；如 rate = 90"),
    ({"kind": "ledger_rate_last", "items": None, "rate": 90},
     "2026.rules.toml 规则“arrears_overdue”：类型 ledger_rate_last 没有参数“rate”；可用参数为id、kind、zh、en、ledger"),
    ({"kind": "units_zero", "ledger": None, "items": None, "measure": "inplace", "units": 2},
     "2026.rules.toml 规则“arrears_overdue”：未知单位任务指标“inplace”；data/unit_measures.toml 中的指标有"
     + "、".join(m.code for m in unit_measures.default())),
    ({"kind": "units_zero", "ledger": None, "items": None, "measure": "in_place", "units": -1},
     "2026.rules.toml 规则“arrears_overdue”：units 应为正整数，得到 -1；未破零的单位达到几个即符合，如 units = 1"),
])
def test_a_bad_ledger_rule_is_named_with_its_field_and_the_fix(change, message):
    raw = {k: v for k, v in (OK | change).items() if v is not None}
    with pytest.raises(rules.RulesError) as exc:
        rules.parse({"interview": [raw]}, source=SRC, year=2026, catalogue=CAT)
    assert exc.value.messages == [message]


def test_the_rate_kinds_take_only_ledgers_with_a_rate():
    with pytest.raises(rules.RulesError) as exc:
        rules.parse({"interview": [OK | {"kind": "ledger_rate_last", "ledger": "sishang", "items": None}]},
                    source=SRC, year=2026, catalogue=CAT)
    assert "ledger 应为arrears、complaints、key_projects之一" in exc.value.messages[-1]
    assert "得到 'sishang'" in exc.value.messages[-1]


# ---------------------------------------------------------------- from the store, at a month

TODAY = dt.date(2026, 11, 23)
ARREARS_HEAD = "县区,台账编号,拖欠主体,债权企业,拖欠金额（万元）,是否有分歧,已清偿金额（万元）,约定清偿日期,办理状态,线索来源,责任单位"
INVEST_HEAD = "县区,项目编号,项目名称,责任单位,签约日期,合同金额,到位资金,省外资金,项目进度"
LEDGER_RULES = '''
[[interview]]
id = "arrears_overdue"
kind = "ledger_overdue"
ledger = "arrears"
items = 1
zh = "有超过约定清偿日期仍未清偿的拖欠账款"
en = "Arrears past due"

[[interview]]
id = "arrears_rate_last"
kind = "ledger_rate_last"
ledger = "arrears"
zh = "无分歧欠款清偿率位列末位"
en = "Lowest repayment rate"

[[interview]]
id = "invest_units_zero"
kind = "units_zero"
measure = "in_place"
units = 1
zh = "下辖单位到位资金未破零"
en = "Units at zero"
'''


def upload(store, text: str, kind: str, as_of: str, name: str):
    from loaders.ledger_ingest import ingest_ledger

    r = ingest_ledger(text.encode("utf-8"), store, name=name, kind=kind, as_of=as_of, today=TODAY,
                      note="补报更正（测试）")  # 1–10月 is closed by TODAY: a ledger changing it needs a reason
    assert r.status == "committed", [p.message() for p in r.errors]
    return r


def ledger_store(store):
    """礼县 and 武都区 arrears as of 31 October (礼县 one debt a day overdue), 成县's only arrears snapshot from
    September; 成县's investment ledger and units (黄渚镇 reported zero, 苏元镇 did not report)."""
    from loaders import units

    upload(store, "\n".join([ARREARS_HEAD,
                             "礼县,LX-1,县住建局,甲公司,100,无分歧,40,2026-10-30,交办,国家平台转办,",
                             "礼县,LX-2,县交通局,乙公司,400,有分歧,0,,核实,企业投诉,",
                             "武都区,WD-1,区教育局,丙公司,50,无分歧,45,2026-10-31,交办,督查转办,", ""]),
           "arrears", "2026-10-31", "qq-oct.csv")
    upload(store, "\n".join([ARREARS_HEAD, "成县,CX-1,县水务局,丁公司,80,无分歧,0,2026-08-01,交办,企业投诉,", ""]),
           "arrears", "2026-09-30", "qq-sep.csv")
    upload(store, "\n".join([INVEST_HEAD, "成县,I1,甲,抛沙镇,2026-03-01,9000,2500,是,开工",
                             "成县,I2,乙,黄渚镇,,500,0,是,洽谈", ""]), "investment", "2026-10-30", "zs.csv")
    for fn, text in ((units.ingest_units, "单位类别,所属县区,单位名称,别名\n乡镇,成县,抛沙镇,\n乡镇,成县,黄渚镇,\n"
                                          "乡镇,成县,苏元镇,\n"),
                     (units.ingest_tasks, "年度,县区,单位名称,任务指标,任务值\n2026,成县,抛沙镇,到位资金,5000\n"
                                          "2026,成县,黄渚镇,到位资金,3000\n2026,成县,苏元镇,到位资金,1000\n")):
        r = fn(text.encode("utf-8"), store, name="u.csv", today=TODAY)
        assert r.status == "committed", [p.message() for p in r.errors]


def test_the_rules_read_the_snapshot_that_filled_the_month(store, tmp_path, monkeypatch):
    (tmp_path / "2026.rules.toml").write_text(LEDGER_RULES, encoding="utf-8")
    monkeypatch.setattr(rules, "RULES_DIR", tmp_path)
    ledger_store(store)
    snap = reading.snapshot(store)
    at = reading.ledger_facts_at(snap, "arrears", "2026-10").set_index("region_code")
    # 成县's latest snapshot by 31 October is September's: it did not fill 1–10月, so it is not read for October
    assert sorted(at.index) == [WUDU, LX] and set(at["as_of"]) == {OCT31}
    whole = reading.ledger_facts(snap, "arrears", OCT31).set_index("region_code")
    assert at.drop(columns="as_of").equals(whole.loc[at.index])  # the same facts the ledger pages read
    found = reading.interviews(snap, "2026-10", "city:621200")
    got = {(f.region_name, f.rule_id): f for f in found}
    assert set(got) == {("礼县", "arrears_overdue"), ("礼县", "arrears_rate_last"), ("成县", "invest_units_zero")}
    assert got["礼县", "arrears_overdue"].facts_zh == "截至2026年10月31日，超过约定清偿日期未清偿欠款1笔，金额60.0万元"
    # 40 of 100 undisputed (the disputed 400 left out) against 武都区's 45 of 50; 成县's September ledger not counted
    assert got["礼县", "arrears_rate_last"].facts_zh == "截至2026年10月31日，无分歧欠款清偿率40.0%，在有台账的2个县区中最低"
    assert got["成县", "invest_units_zero"].facts_zh == \
        "截至2026年10月30日，1个单位到位资金未破零（黄渚镇），另有1个单位未上报（苏元镇）"
    # September's brief reads 成县's September snapshot: 80万元 a month past due
    sep = {(f.region_name, f.rule_id): f for f in reading.interviews(snap, "2026-09", "city:621200")}
    assert sep["成县", "arrears_overdue"].facts_zh == "截至2026年9月30日，超过约定清偿日期未清偿欠款1笔，金额80.0万元"
    assert not any(name == "礼县" for name, _ in sep)  # no 礼县 ledger by September: not judged, not "zero"
    # the cockpit reads the same facts against the province's counties
    assert reading.attention(snap, "2026-10", "2026Q3", "621200") == []  # the file has no [[attention]] rules
