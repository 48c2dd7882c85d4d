"""Ledgers roll up into the county indicators: values checked against sums done by hand on small ledgers, the
observations a ledger commit writes (and a rollback takes away), the ledger's precedence over a statistics upload
of the same key with the warning naming both numbers, and the pages' readers showing the ledger's value."""

import datetime as dt

import pandas as pd
import pytest

from indicators import derive, reading
from layouts import county_view
from loaders import catalogue, ledger_kinds
from loaders import ledger_rollup as rollup
from loaders.ingest import ingest
from loaders.ledger_ingest import ingest_ledger

TODAY = dt.date(2026, 11, 23)
WUDU, LIXIAN, DANGCHANG, CHENGXIAN = "621202", "621226", "621223", "621221"
KINDS = ledger_kinds.default()
T = pd.Timestamp


def items(kind: str, rows: list[dict]) -> pd.DataFrame:
    """A typed snapshot from partial rows (columns not given are empty)."""
    k = KINDS[kind]
    return ledger_kinds.typed_frame(k, [{c.code: r.get(c.code) for c in k.field_columns}
                                        | {"region_code": r["region_code"], "item_id": r["item_id"]} for r in rows])


def values(kind, frame, as_of="2026-10-31") -> dict:
    obs = rollup.observations(KINDS[kind], frame, as_of)
    assert set(obs["measure"]) == {"cum_level"} and set(obs["period"]) <= {f"{as_of[:7]}"}
    return {(r.region_code, r.indicator): r.value for r in obs.itertuples()}


# ---------------------------------------------------------------- the maths, by hand

ARREARS = [
    # 武都区: two undisputed debts (100 owed, 60 repaid; 8 owed, nothing repaid, due 1 October) and a disputed one
    {"region_code": WUDU, "item_id": "A1", "owed": 100.0, "repaid": 60.0, "disputed": False,
     "due_date": dt.date(2026, 12, 31)},
    {"region_code": WUDU, "item_id": "A2", "owed": 8.0, "repaid": 0.0, "disputed": False,
     "due_date": dt.date(2026, 10, 1)},
    {"region_code": WUDU, "item_id": "A3", "owed": 500.0, "repaid": 100.0, "disputed": True,
     "due_date": dt.date(2026, 6, 30)},
    # 礼县: one disputed debt only; a small undisputed debt cleared on its due date
    {"region_code": LIXIAN, "item_id": "L1", "owed": 80.0, "repaid": 0.0, "disputed": True},
    {"region_code": LIXIAN, "item_id": "L2", "owed": 6.5, "repaid": 6.5, "disputed": False,
     "due_date": dt.date(2026, 10, 31)},
]


def test_repayment_rate_is_on_undisputed_debt_and_ignores_the_disputed_item():
    frame = items("arrears", ARREARS)
    got = values("arrears", frame)
    assert got == {(WUDU, "ARREARS_OWED"): 108.0, (WUDU, "ARREARS_PAID"): 60.0,
                   (LIXIAN, "ARREARS_OWED"): 6.5, (LIXIAN, "ARREARS_PAID"): 6.5}
    obs = rollup.observations(KINDS["arrears"], frame, "2026-10-31").assign(upload_id=1)
    rate = derive.derived(obs, catalogue.default()).set_index("region_code")["value"]
    assert rate[WUDU] == pytest.approx(60 / 108 * 100)  # 55.6 %: with the disputed debt it would be 160 / 608
    assert rate[LIXIAN] == pytest.approx(100.0)  # 无分歧欠款清偿率 100 % while a disputed item remains


def test_arrears_facts_keep_disputed_debt_small_debts_and_overdue_items_apart():
    f = rollup.facts(KINDS["arrears"], items("arrears", ARREARS), "2026-10-31").set_index("region_code")
    assert f.loc[WUDU, ["owed_disputed", "repaid_disputed", "disputed_items"]].tolist() == [500.0, 100.0, 1.0]
    assert f.loc[WUDU, "rate_undisputed"] == pytest.approx(55.5556, abs=1e-4)
    # A2 (8万元 < 10万元, nothing repaid) is a small debt not cleared; A2 and A3 are past due and not cleared
    assert f.loc[WUDU, ["small_open", "overdue_items", "overdue_outstanding"]].tolist() == [1.0, 2.0, 8.0 + 400.0]
    # L2 is cleared; its due date is the snapshot's own date (not overdue); L1 has no due date
    assert f.loc[LIXIAN, ["small_open", "overdue_items", "owed_disputed"]].tolist() == [0.0, 0.0, 80.0]


COMPLAINTS = [
    {"region_code": DANGCHANG, "item_id": "C1", "received": dt.date(2025, 12, 20), "handled": dt.date(2026, 1, 5)},
    {"region_code": DANGCHANG, "item_id": "C2", "received": dt.date(2026, 3, 1), "handled": dt.date(2026, 3, 5),
     "disputed": False},
    {"region_code": DANGCHANG, "item_id": "C3", "received": dt.date(2026, 9, 1), "handled": dt.date(2026, 9, 25),
     "disputed": False},  # undisputed: 10 days allowed, handled after 24
    {"region_code": DANGCHANG, "item_id": "C4", "received": dt.date(2026, 10, 20), "disputed": False},  # due 10-30
    {"region_code": DANGCHANG, "item_id": "C5", "received": dt.date(2026, 10, 25)},  # not said: 30 days, due 11-24
]


def test_complaints_count_by_year_and_an_overdue_lead_is_flagged():
    frame = items("complaints", COMPLAINTS)
    # received in 2026 up to 31 October: C2–C5; handled in 2026: C1 (received last year), C2, C3
    assert values("complaints", frame) == {(DANGCHANG, "COMPLAINT_RECV"): 4.0, (DANGCHANG, "COMPLAINT_DONE"): 3.0}
    flags = rollup.complaint_flags(KINDS["complaints"], frame, "2026-10-31").set_index(frame["item_id"])
    assert flags["deadline"].to_dict() == {"C1": T("2026-01-19"), "C2": T("2026-03-11"), "C3": T("2026-09-11"),
                                           "C4": T("2026-10-30"), "C5": T("2026-11-24")}
    assert flags.index[flags["overdue_open"]].tolist() == ["C4"]
    assert flags.index[flags["handled_late"]].tolist() == ["C3"]
    f = rollup.facts(KINDS["complaints"], frame, "2026-10-31").iloc[0]
    assert (f["received"], f["handled"], f["open"], f["overdue_open"], f["handled_late"]) == (4, 3, 2, 1, 1)
    assert f["rate"] == pytest.approx(75.0)
    # the same ledger as of 30 October: C4 is on its last day, not yet overdue
    assert not rollup.complaint_flags(KINDS["complaints"], frame, "2026-10-30")["overdue_open"].any()


def test_allowed_days_are_the_ledger_settings():
    k = KINDS["complaints"]
    assert k.limits == {"handle_days_undisputed": 10.0, "handle_days": 30.0}
    assert KINDS["arrears"].limits == {"small_debt": 10.0}


def test_investment_key_projects_and_sishang_roll_up_by_their_declarations():
    inv = items("investment", [
        {"region_code": CHENGXIAN, "item_id": "I1", "contract": 50000.0, "in_place": 12000.0,
         "outside_province": True, "stage": "开工"},
        {"region_code": CHENGXIAN, "item_id": "I2", "contract": 8000.0, "in_place": 3000.0,
         "outside_province": False, "stage": "签约"},
        {"region_code": WUDU, "item_id": "I3", "contract": 0.0, "in_place": 0.0, "outside_province": True,
         "stage": "洽谈"}])
    # INVEST_IN is 省外到位资金: I2's funds from inside the province are not in it; 武都区 reported zero
    assert values("investment", inv) == {(CHENGXIAN, "INVEST_IN"): 12000.0, (WUDU, "INVEST_IN"): 0.0}
    f = rollup.facts(KINDS["investment"], inv, "2026-10-31").set_index("region_code")
    assert f.loc[CHENGXIAN, ["in_place", "in_place_outside", "contract", "stage_开工", "stage_签约"]].tolist() == \
        [15000.0, 12000.0, 58000.0, 1.0, 1.0]

    kp = items("key_projects", [
        {"region_code": WUDU, "item_id": "K1", "planned": 80000.0, "completed": 52000.0, "start_state": "已开工"},
        {"region_code": WUDU, "item_id": "K2", "planned": 20000.0, "completed": 20000.0, "start_state": "竣工"},
        {"region_code": WUDU, "item_id": "K3", "planned": 30000.0, "completed": 0.0, "start_state": "未开工",
         "planned_start": dt.date(2026, 9, 1)}])
    assert values("key_projects", kp) == {(WUDU, "KEY_PROJ"): 72000.0}
    f = rollup.facts(KINDS["key_projects"], kp, "2026-10-31").iloc[0]
    assert (f["items"], f["started"], f["planned"], f["start_overdue"]) == (3, 2, 130000.0, 1)
    assert f["start_rate"] == pytest.approx(200 / 3) and f["completion"] == pytest.approx(72000 / 1300)
    # KEY_PROJ's first period is 1–2月: a January snapshot fills nothing
    assert rollup.observations(KINDS["key_projects"], kp, "2026-01-31").empty

    ss = items("sishang", [
        {"region_code": WUDU, "item_id": "S1", "type": "规上工业", "state": "已入库", "expected_month": "2026-06"},
        {"region_code": WUDU, "item_id": "S2", "type": "规上工业", "state": "已申报", "expected_month": "2026-11"},
        {"region_code": WUDU, "item_id": "S3", "type": "限上批零住餐", "state": "已入库", "expected_month": "2026-09"}])
    assert values("sishang", ss) == {(WUDU, "NEW_SISHANG"): 2.0}
    facts = rollup.facts(KINDS["sishang"], ss, "2026-10-31")
    f = facts.iloc[0]
    assert (f["state_已入库"], f["state_已申报"], f["entered_规上工业"], f["entered_限上批零住餐"]) == (2, 1, 1, 1)
    assert all(str(facts[c].dtype) == "int64" for c in facts.columns if c != "region_code")  # counts, never "2.0"


# ---------------------------------------------------------------- in the store

HEAD = "序号,县区,台账编号,拖欠主体,债权企业,拖欠金额（万元）,是否有分歧,已清偿金额（万元）,约定清偿日期,办理状态,线索来源,责任单位"


def arrears_file(paid_li: float, as_of: str = "2026年10月31日", owed_li: float = 3900.5) -> bytes:
    """礼县: one undisputed debt (owed_li, paid_li repaid) and a disputed one; 武都区: one undisputed debt."""
    rows = [f"1,礼县,LX-001,县住建局,甲公司,{owed_li},无分歧,{paid_li},2026-12-31,交办,国家平台转办,",
            "2,礼县,LX-002,县交通局,乙公司,80,有分歧,20,,核实,企业投诉,",
            "3,武都区,WD-001,区教育局,丙公司,50,无分歧,50,2026-09-30,销号,督查转办,"]
    return "\n".join([f"清欠台账（截至{as_of}）", HEAD, *rows, ""]).encode("utf-8")


def statistics_file(paid_li: float, owed_li: float = 3900.5) -> bytes:
    """A long statistics file; 礼县's ARREARS_PAID for 1–10月 is on row 5."""
    return ("region_code,region_name,period,indicator,measure,value,unit,note\n"
            f"621226,礼县,2026-10,ARREARS_OWED,cum_level,{owed_li},万元,\n"
            "621202,武都区,2026-10,ARREARS_OWED,cum_level,50,万元,\n"
            "621202,武都区,2026-10,ARREARS_PAID,cum_level,50,万元,\n"
            f"621226,礼县,2026-10,ARREARS_PAID,cum_level,{paid_li},万元,\n").encode()


def ledger(store, data, name="qq.csv"):
    # uploaded after 1-10月 closed: changing its county values is a correction, with a reason (test_ledger_ingest)
    r = ingest_ledger(data, store, name=name, today=TODAY, note="补报更正（测试）")
    assert r.status == "committed", [p.message() for p in r.errors]
    return r


def stats(store, data, name="tj.csv"):
    r = ingest(data, store, name=name, today=TODAY)
    assert r.status == "committed", [p.message() for p in r.errors]
    return r


def current(store, region=LIXIAN, indicator="ARREARS_PAID", period="2026-10"):
    obs = store.observations(periods=[period], regions=[region], indicators=[indicator], measures=["cum_level"])
    assert len(obs) <= 1
    return (float(obs["value"].iloc[0]), int(obs["upload_id"].iloc[0])) if len(obs) else None


def test_a_ledger_commit_writes_its_county_values_and_rollback_takes_them_away(store):
    empty = store.data_state()
    r = ledger(store, arrears_file(3512.0))
    obs = store.observations(indicators=["ARREARS_OWED", "ARREARS_PAID"])
    assert sorted(zip(obs["region_code"], obs["period"], obs["indicator"], obs["value"], obs["upload_id"],
                      strict=True)) == [(WUDU, "2026-10", "ARREARS_OWED", 50.0, r.upload_id),
                                        (WUDU, "2026-10", "ARREARS_PAID", 50.0, r.upload_id),
                                        (LIXIAN, "2026-10", "ARREARS_OWED", 3900.5, r.upload_id),  # not the 80 disputed
                                        (LIXIAN, "2026-10", "ARREARS_PAID", 3512.0, r.upload_id)]
    assert set(obs["measure"]) == {"cum_level"}
    assert r.rolled_up.set_index(["region_code", "indicator"])["value"].to_dict() == {
        (WUDU, "ARREARS_OWED"): 50.0, (LIXIAN, "ARREARS_OWED"): 3900.5, (WUDU, "ARREARS_PAID"): 50.0,
        (LIXIAN, "ARREARS_PAID"): 3512.0}
    assert r.facts.set_index("region_code").loc[LIXIAN, "owed_disputed"] == 80.0
    assert store.data_state() != empty
    store.rollback(r.upload_id, user="李四")
    assert store.observations(indicators=["ARREARS_OWED", "ARREARS_PAID"]).empty
    assert store.data_state() == empty


def test_the_ledger_wins_over_statistics_either_way_round_and_both_numbers_are_named(store):
    first = stats(store, statistics_file(3900.5))
    assert current(store) == (3900.5, first.upload_id)
    state = store.data_state()
    led = ledger(store, arrears_file(3512.0))
    assert store.data_state() != state
    assert [p.message() for p in led.warnings] == [
        "qq.csv 礼县 拖欠民营中小企业账款已清偿额 2026年1-10月：台账汇总 3,512.0万元，已上报统计数 3,900.5万元"
        f"（上传 #{first.upload_id}）。处理办法：该期间以本台账汇总数为准；如统计数正确，请核对清欠台账中该县区的事项"]
    assert current(store) == (3512.0, led.upload_id)

    later = stats(store, statistics_file(3950.0), name="tj2.csv")  # a statistics file after the ledger
    assert [p.message() for p in later.warnings] == [
        "tj2.csv 第5行 礼县 拖欠民营中小企业账款已清偿额 2026年1-10月：上报 3,950.0万元，台账汇总 3,512.0万元"
        f"（清欠台账截至2026-10-31，上传 #{led.upload_id}）。处理办法：该期间以台账汇总数为准，上报数已保存但不作为当前值；"
        "如台账有误，请更正后重新上传台账"]
    # stored, not current: no revision is listed, the values the ledger fills are unchanged
    assert (later.inserted, later.revised, later.unchanged) == (0, 0, 4) and later.revisions.empty
    assert current(store) == (3512.0, led.upload_id)
    assert current(store, indicator="ARREARS_OWED") == (3900.5, led.upload_id)
    assert list(store.value_history(LIXIAN, "ARREARS_PAID", "2026-10")["value"]) == [3950.0, 3512.0, 3900.5]

    store.rollback(led.upload_id, user="李四")  # the latest statistics value comes back
    assert current(store) == (3950.0, later.upload_id)


def test_the_latest_snapshot_of_the_month_wins_even_when_uploaded_first(store):
    oct31 = ledger(store, arrears_file(3512.0), name="oct31.csv")
    oct15 = ledger(store, arrears_file(3000.0, as_of="2026年10月15日"), name="oct15.csv")
    assert oct15.upload_id > oct31.upload_id
    assert current(store) == (3512.0, oct31.upload_id)  # the older snapshot, uploaded later, is not current
    revised = ledger(store, arrears_file(3600.0), name="oct31b.csv")  # a revision of 31 October
    assert current(store) == (3600.0, revised.upload_id)
    nov = ledger(store, arrears_file(3700.0, as_of="2026年11月10日"), name="nov.csv")
    assert current(store, period="2026-11") == (3700.0, nov.upload_id)
    assert current(store) == (3600.0, revised.upload_id)  # November's snapshot leaves 1–10月 alone
    store.rollback(revised.upload_id, user="李四")
    assert current(store) == (3512.0, oct31.upload_id)
    store.rollback(oct31.upload_id, user="李四")
    assert current(store) == (3000.0, oct15.upload_id)


def test_pages_read_the_ledger_value_and_say_where_it_comes_from(store):
    stats(store, statistics_file(3900.5))
    targets = ("region_code,region_name,year,indicator,kind,value,unit,note\n"
               "621226,礼县,2026,ARREARS_PAID,level,3900.5,万元,\n")
    stats(store, targets.encode("utf-8"), name="targets.csv")
    led = ledger(store, arrears_file(3512.0))
    snap = reading.snapshot(store)
    at = reading.values_at(snap, "2026-10")
    mine = at[at["region_code"] == LIXIAN]
    row = mine[(mine["indicator"] == "ARREARS_PAID") & (mine["measure"] == "cum_level")].iloc[0]
    assert (row["value"], row["upload_id"]) == (3512.0, led.upload_id)
    rate = mine[mine["indicator"] == "ARREARS_RATE"]["value"].iloc[0]
    assert rate == pytest.approx(3512.0 / 3900.5 * 100)  # on undisputed debt: the disputed 80 is not in it
    prog = reading.progress_rows(snap, "2026-10", LIXIAN)
    paid = prog[prog["indicator"] == "ARREARS_PAID"].iloc[0]
    assert paid["ytd_level"] == 3512.0 and paid["completion_pct"] == pytest.approx(3512.0 / 3900.5 * 100)
    lines = county_view.ledger_source_lines(reading.ledger_sources(snap, "2026-10"), mine)
    assert lines == {"ARREARS_OWED": f"由台账汇总，截至2026-10-31（上传 #{led.upload_id}）",
                     "ARREARS_PAID": f"由台账汇总，截至2026-10-31（上传 #{led.upload_id}）"}
    assert county_view.ledger_source_lines(reading.ledger_sources(snap, "2026-10"), mine, "en")["ARREARS_PAID"] == \
        f"Rolled up from the ledger as of 2026-10-31 (upload #{led.upload_id})"
    rows = county_view.indicator_rows(mine, prog, pd.Series(dtype=float), None, catalogue.default(), sources=lines)
    by = {r["indicator"]: r for r in rows}
    assert by["ARREARS_PAID"]["source"] == lines["ARREARS_PAID"] and by["ARREARS_PAID"]["value"].startswith("3,512")
    assert by["ARREARS_RATE"]["source"] is None


def test_a_rejected_statistics_file_also_names_the_ledger_disagreement(duck):
    led = ledger(duck, arrears_file(3512.0))
    bad = statistics_file(3950.0) + "999999,某县,2026-10,ARREARS_PAID,cum_level,1,万元,\n".encode()
    r = ingest(bad, duck, name="bad.csv", today=TODAY)
    assert r.status == "rejected" and [p.code for p in r.errors] == ["unknown_region"]
    assert [(p.code, p.row) for p in r.warnings] == [("ledger_differs", 5)]
    assert f"台账汇总 3,512.0万元（清欠台账截至2026-10-31，上传 #{led.upload_id}）" in r.warnings[0].message()
    assert current(duck) == (3512.0, led.upload_id)


def test_the_revision_history_marks_the_ledger_value_as_current(store):
    from layouts import county_figures

    stats(store, statistics_file(3900.5))
    led = ledger(store, arrears_file(3512.0))
    later = stats(store, statistics_file(3950.0), name="tj2.csv")
    hist = store.value_history(LIXIAN, "ARREARS_PAID", "2026-10")
    assert list(zip(hist["upload_id"], hist["kind"], hist["current"], strict=True)) == [
        (later.upload_id, "observations", False), (led.upload_id, "ledger", True), (1, "observations", False)]
    rev = county_figures.revisions(hist, "cum_level", [2026])
    assert rev[["period", "value", "chain"]].to_dict("records") == [
        {"period": "2026-10", "value": 3512.0, "chain": "3900.5 → 3512 → 3950"}]


def test_the_readers_give_the_snapshot_and_its_facts_and_follow_a_rollback(store):
    first = ledger(store, arrears_file(3000.0), name="qq1.csv")
    snap = reading.snapshot(store)
    assert reading.ledger_dates(snap, "arrears") == [first.as_of]
    items = reading.ledger_items(snap, "arrears")
    assert set(items["region_code"]) == {WUDU, LIXIAN} and set(items["upload_id"]) == {first.upload_id}
    facts = reading.ledger_facts(snap, "arrears").set_index("region_code")
    assert facts.loc[LIXIAN, "repaid_undisputed"] == 3000.0 and facts.loc[LIXIAN, "owed_disputed"] == 80.0
    second = ledger(store, arrears_file(3512.0), name="qq2.csv")
    snap = reading.snapshot(store)
    assert reading.ledger_facts(snap, "arrears").set_index("region_code").loc[LIXIAN, "repaid_undisputed"] == 3512.0
    store.rollback(second.upload_id, user="李四")
    snap = reading.snapshot(store)
    assert reading.ledger_facts(snap, "arrears").set_index("region_code").loc[LIXIAN, "repaid_undisputed"] == 3000.0
    assert reading.ledger_items(snap, "arrears", first.as_of.replace(day=1)).empty  # before the snapshot's date


def test_a_snapshot_inside_the_month_is_not_compared_with_the_month_end_statistics(store):
    stats(store, statistics_file(3900.5))
    mid = ledger(store, arrears_file(3000.0, as_of="2026年10月23日"), name="qq-1023.csv")
    assert "statistics_differ" not in {p.code for p in mid.warnings}  # 10月23日 is not 1–10月's end: no warning
    end = ledger(store, arrears_file(3512.0), name="qq-1031.csv")
    assert any(p.code == "statistics_differ" and "3,512.0万元" in p.message() for p in end.warnings)
