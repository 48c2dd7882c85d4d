"""Unit rankings computed by hand on a small ledger: results through names and aliases, completion, ties sharing
the smaller rank, 未破零 vs 未上报 vs 无任务, the reporting rule, the cadence snapshots and the changes."""

import datetime as dt

import pandas as pd
import pytest

from indicators import unit_ranking as ur
from loaders import unit_measures

D = dt.date
CX, LX, CITY = "621221", "621226", "621200"  # 成县, 礼县, 陇南市
MEASURES = unit_measures.default()

UNITS = pd.DataFrame([
    (CX, "township", "抛沙镇", "抛沙"), (CX, "township", "黄渚镇", "黄渚、黄渚 乡"), (CX, "township", "小川镇", ""),
    (CX, "township", "鸡峰镇", ""), (CX, "township", "苏元镇", ""), (CX, "township", "城关镇", ""),
    (CX, "investment_team", "招商一组", "一组"), (LX, "township", "城关镇", ""), (CITY, "city_dept", "市商务局", "市商务"),
], columns=["region_code", "unit_kind", "name", "aliases"])

# What the 成县 and 礼县 investment ledgers hold as of 2026-10-31 (the unit column as the counties wrote it).
ITEMS = pd.DataFrame([
    (CX, "A1", "抛沙镇", 2000.0, D(2026, 3, 1)), (CX, "A2", "抛 沙", 500.0, None),       # 2500 / 5000 = 50 %
    (CX, "A3", "黄渚", 2000.0, D(2026, 4, 1)),                                         # 2000 / 4000 = 50 % (tie)
    (CX, "A4", "小川镇", 0.0, None),                                                   # reported, zero: 未破零
    (CX, "A5", "城关镇", 300.0, D(2026, 6, 1)),                                         # no task: 无任务
    (CX, "A6", "一组", 1200.0, D(2026, 5, 1)),                                          # 1200 / 1000 = 120 %
    (CX, "A7", "某某办", 50.0, None),                                                  # names no unit
    (CX, "A8", "市商务局", 100.0, D(2026, 7, 1)),                                        # the city's department
    (LX, "L1", "城关镇", 700.0, None),                                                  # 礼县's 城关镇, not 成县's
], columns=["region_code", "item_id", "unit", "in_place", "signed"]).assign(
    as_of=pd.Timestamp("2026-10-31"), signed=lambda d: pd.to_datetime(d["signed"]))

TASKS = pd.DataFrame([
    (CX, "抛沙镇", 5000.0), (CX, "黄渚镇", 4000.0), (CX, "小川镇", 1000.0), (CX, "鸡峰镇", 2000.0),
    (CX, "苏元镇", 1000.0), (CX, "招商一组", 1000.0), (LX, "城关镇", 0.0), (CITY, "市商务局", 400.0),
], columns=["region_code", "unit_name", "value"])

# 鸡峰镇 has no item but reported (本期无新增) for the 10-31 snapshot; 苏元镇's only report is older than it.
REPORTS = pd.DataFrame([(CX, "鸡峰镇", D(2026, 10, 31)), (CX, "苏元镇", D(2026, 10, 16))],
                       columns=["region_code", "unit_name", "as_of"])


OCT31 = D(2026, 10, 31)


def ranking(as_of=OCT31, items=ITEMS, reports=REPORTS, tasks=TASKS, measure="in_place"):
    attached = ur.attach_units(items, UNITS)
    reported = ur.reported_units(attached, reports, as_of)
    return ur.rank_units(UNITS, tasks, ur.measure_results(attached, MEASURES[measure]), reported)


def row(table, region, name):
    hit = table[(table["region_code"] == region) & (table["name"] == name)]
    assert len(hit) == 1, (region, name)
    return hit.iloc[0]


@pytest.mark.parametrize("region, name, result, completion, state, rank", [
    (CX, "抛沙镇", 2500.0, 0.5, ur.RANKED, 1),
    (CX, "黄渚镇", 2000.0, 0.5, ur.RANKED, 1),      # tie: shares the smaller rank
    (CX, "小川镇", 0.0, 0.0, ur.ZERO, 3),           # task, reported, zero: 未破零, ranked after the tie
    (CX, "鸡峰镇", 0.0, 0.0, ur.ZERO, 3),           # reported by a unit_reports row, no item: zero, not 未上报
    (CX, "苏元镇", None, None, ur.NOT_REPORTED, None),  # no report for this snapshot: unknown, never zero
    (CX, "城关镇", 300.0, None, ur.NO_TASK, None),   # a result but no task: left out of the ranking
    (CX, "招商一组", 1200.0, 1.2, ur.RANKED, 1),    # ranked among investment teams only
    (LX, "城关镇", 700.0, None, ur.NO_TASK, None),   # a task of 0 is no task; 礼县's own 城关镇 got 礼县's item
    (CITY, "市商务局", 100.0, 0.25, ur.RANKED, 1),   # a 成县 item resolves to the city's department
])
def test_ranking_by_hand(region, name, result, completion, state, rank):
    r = row(ranking(), region, name)
    assert r["state"] == state
    assert (pd.isna(r["result"]) if result is None else r["result"] == pytest.approx(result))
    assert (pd.isna(r["completion"]) if completion is None else r["completion"] == pytest.approx(completion))
    assert (pd.isna(r["rank"]) if rank is None else r["rank"] == rank)


def test_lists_apart_and_unresolved_names():
    table = ranking()
    township = table[(table["region_code"] == CX) & (table["unit_kind"] == "township")]
    assert township["name"].tolist() == ["抛沙镇", "黄渚镇", "小川镇", "鸡峰镇", "苏元镇", "城关镇"]  # ranked first
    assert township.loc[township["state"] == ur.ZERO, "name"].tolist() == ["小川镇", "鸡峰镇"]
    assert ur.unresolved(ur.attach_units(ITEMS, UNITS)).to_dict("records") == \
        [{"region_code": CX, "unit": "某某办", "items": 1}]


def test_count_measure_counts_items_with_the_condition():
    table = ranking(measure="signed", tasks=TASKS.assign(value=2.0))
    assert row(table, CX, "抛沙镇")["result"] == 1  # one of its two items is signed
    assert row(table, CX, "小川镇")["state"] == ur.ZERO
    assert row(table, CX, "招商一组")["completion"] == 0.5


def test_a_report_counts_until_a_newer_snapshot_and_not_after_the_date():
    older = ITEMS.assign(as_of=pd.Timestamp("2026-10-16"))
    # The county's snapshot is of 10-16: 苏元镇's report of that date stands; 鸡峰镇's of 10-31 is after 10-20.
    table = ranking(as_of=D(2026, 10, 20), items=older)
    assert row(table, CX, "苏元镇")["state"] == ur.ZERO
    assert row(table, CX, "鸡峰镇")["state"] == ur.NOT_REPORTED


def test_no_reports_at_all_means_every_unit_without_items_is_not_reported():
    table = ranking(reports=REPORTS.iloc[0:0])
    assert set(table.loc[table["state"] == ur.NOT_REPORTED, "name"]) == {"鸡峰镇", "苏元镇"}


DATES = [D(2026, 9, 30), D(2026, 10, 2), D(2026, 10, 9), D(2026, 10, 15), D(2026, 10, 16), D(2026, 10, 23),
         D(2026, 10, 31)]


@pytest.mark.parametrize("cadence, expected", [
    ("weekly", [(D(2026, 10, 4), D(2026, 10, 2)), (D(2026, 10, 11), D(2026, 10, 9)),
                (D(2026, 10, 18), D(2026, 10, 16)), (D(2026, 10, 25), D(2026, 10, 23)),
                (D(2026, 11, 1), D(2026, 10, 31))]),
    ("half_monthly", [(D(2026, 9, 30), D(2026, 9, 30)), (D(2026, 10, 15), D(2026, 10, 15)),
                      (D(2026, 10, 31), D(2026, 10, 31))]),
    ("monthly", [(D(2026, 9, 30), D(2026, 9, 30)), (D(2026, 10, 31), D(2026, 10, 31))]),
])
def test_cadence_picks_the_latest_snapshot_of_each_period(cadence, expected):
    picked = ur.cadence_dates(DATES, cadence)
    assert list(zip(picked["period_end"], picked["as_of"], strict=True)) == expected


def test_changes_since_the_previous_snapshot():
    before = ITEMS.assign(as_of=pd.Timestamp("2026-10-15"))
    before.loc[before["item_id"] == "A1", "in_place"] = 1000.0  # 抛沙镇 1500 / 5000 = 30 %, behind 黄渚镇
    previous = ranking(as_of=D(2026, 10, 15), items=before, reports=REPORTS.iloc[0:0])
    changed = ur.with_changes(ranking(), previous)
    pao, huang, ji = (row(changed, CX, n) for n in ("抛沙镇", "黄渚镇", "鸡峰镇"))
    assert (pao["prev_rank"], pao["rank"], pao["rank_change"]) == (2, 1, 1)
    assert pao["result_change"] == pytest.approx(1000.0)
    assert (huang["rank_change"], huang["result_change"]) == (0, 0.0)
    assert pd.isna(ji["rank_change"]) and pd.isna(ji["result_change"])  # 未上报 before: no change, not "+0"


def test_unknown_cadence_says_the_known_ones():
    with pytest.raises(ValueError, match="weekly, half_monthly, monthly"):
        ur.period_end(D(2026, 10, 1), "daily")


MEASURE_CASES = [
    ("in_place", "in_place", [1200.0, 300.5, None], 1500.5),          # sum; an empty cell adds nothing
    ("completed", "completed", [52000.25, 0.0, 100.0], 52100.25),
    ("repaid", "repaid", [6.5, 10.0, 0.0], 16.5),
    ("new_sishang", "state", ["已入库", "培育中", "已入库"], 2.0),        # count of items in 已入库
    ("signed", "signed", [pd.Timestamp("2026-03-18"), None, pd.Timestamp("2026-05-01")], 2.0),  # count of signed
]


def test_the_cases_cover_every_declared_measure():
    assert sorted(c[0] for c in MEASURE_CASES) == sorted(MEASURES.codes)


@pytest.mark.parametrize("measure, column, values, expected", MEASURE_CASES)
def test_every_declared_measure_computes_from_its_ledger_column(measure, column, values, expected):
    m = MEASURES[measure]
    assert column in {m.column, m.where_column}
    items = pd.DataFrame({"region_code": CX, "unit": ["抛沙镇", "抛沙", "抛沙镇"], column: values,
                          "as_of": pd.Timestamp("2026-10-31")})
    got = ur.measure_results(ur.attach_units(items, UNITS), m)
    assert got.to_dict("records") == [{"parent": CX, "unit_name": "抛沙镇", "result": pytest.approx(expected)}]
