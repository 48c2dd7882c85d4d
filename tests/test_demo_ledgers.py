"""The demo's simulated Longnan ledgers (data/demo/台账/): the item files read back with plain pandas (not
loaders/ledger_rollup.py) add up at every month's end to the statistics files' values; items persist and move
forward; targets make sense against the items; and the demo store ranks the units with 未破零 and 未上报 apart."""

import datetime as dt
import re
import tomllib

import pandas as pd
import pytest

from loaders import demo_data, regions
from loaders.ledger_ingest import statistics_values

REGS = regions.default()
LONGNAN = sorted(r.code for r in REGS.counties_of("621200"))
NAMES = {REGS[c].name: c for c in LONGNAN}
FOLDER = demo_data.DEMO_DIR / "台账"
FILE = re.compile(r"(.+)_(\d{4}-\d{2}-\d{2})\.csv")
KIND_OF = {"清欠台账": "arrears", "投诉线索台账": "complaints", "招商引资项目台账": "investment",
           "重点项目台账": "key_projects", "四上企业培育台账": "sishang"}
STATUS = {"arrears": ("办理状态", ["投诉", "核实", "受理", "交办", "清偿", "销号"]),
          "investment": ("项目进度", ["洽谈", "签约", "落地", "开工", "投产"]),
          "key_projects": ("开工状态", ["未开工", "已开工", "竣工"]),
          "sishang": ("培育状态", ["培育中", "已申报", "已入库"])}
COUNTS = ("COMPLAINT_RECV", "COMPLAINT_DONE", "NEW_SISHANG")


def read(path) -> pd.DataFrame:
    """A ledger file as its staff wrote it: title row, headers (required mark and unit stripped), items."""
    text = path.read_text(encoding="utf-8-sig").splitlines()
    assert "模拟数据" in text[0] and "截至" in text[0]
    frame = pd.read_csv(path, skiprows=1, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [re.sub(r"（.*?）", "", c).lstrip("*") for c in frame.columns]
    frame["region_code"] = frame["县区"].map(NAMES)
    return frame


@pytest.fixture(scope="module")
def ledgers() -> dict[tuple[str, dt.date], pd.DataFrame]:
    out = {}
    for path in sorted(FOLDER.glob("*.csv")):
        m = FILE.fullmatch(path.name)
        if m and m.group(1) in KIND_OF:
            out[(KIND_OF[m.group(1)], dt.date.fromisoformat(m.group(2)))] = read(path)
    return out


def num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s).fillna(0.0)


def rollup(kind: str, items: pd.DataFrame, day: dt.date) -> dict[str, pd.Series]:
    """The county values a snapshot stands for, by hand."""
    by = items.groupby("region_code")
    if kind == "arrears":
        undisputed = items[items["是否有分歧"] == "无分歧"].groupby("region_code")
        return {"ARREARS_OWED": undisputed["拖欠金额"].apply(lambda s: num(s).sum()),
                "ARREARS_PAID": undisputed["已清偿金额"].apply(lambda s: num(s).sum())}
    if kind == "complaints":
        def in_year(col):
            d = pd.to_datetime(items[col].replace("", None))
            return ((d.dt.year == day.year) & (d <= pd.Timestamp(day))).groupby(items["region_code"]).sum()
        return {"COMPLAINT_RECV": in_year("受理日期"), "COMPLAINT_DONE": in_year("办结日期")}
    if kind == "investment":
        outside = items[items["省外资金"] == "是"].groupby("region_code")
        return {"INVEST_IN": outside["到位资金"].apply(lambda s: num(s).sum())}
    if kind == "key_projects":
        return {} if day.month == 1 else {"KEY_PROJ": by["本年完成投资"].apply(lambda s: num(s).sum())}
    return {"NEW_SISHANG": (items["培育状态"] == "已入库").groupby(items["region_code"]).sum()}


def month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def test_snapshots_are_every_friday_since_september_and_each_month_end(ledgers):
    dates = sorted({d for _, d in ledgers})
    fridays = [dt.date(2026, 9, 4) + dt.timedelta(weeks=k) for k in range(9)]  # 2026-09-04 … 2026-10-30
    assert dates == sorted(fridays + [dt.date(2026, 9, 30), dt.date(2026, 10, 31)])
    assert {k for k, _ in ledgers} == set(KIND_OF.values())
    assert all(set(f["region_code"]) == set(LONGNAN) for f in ledgers.values())  # nine counties in every file


def test_month_end_rollups_equal_the_statistics_files(ledgers):
    """Σ of the items at every month's end = the long observation file's value, county by county, to the 0.1万元."""
    obs = pd.read_csv(demo_data.DEMO_DIR / "observations_2026.csv", dtype={"region_code": str})
    stats = obs[obs.measure == "cum_level"].set_index(["region_code", "indicator", "period"]).value
    checked = 0
    for (kind, day), items in ledgers.items():
        if not month_end(day):
            continue
        for indicator, values in rollup(kind, items, day).items():
            for county in LONGNAN:
                want = stats[(county, indicator, f"{day:%Y-%m}")]
                got = float(values.get(county, 0.0))
                assert round(got, 1) == want, (kind, day, county, indicator, got, want)
                checked += 1
    assert checked == 2 * 9 * 7  # two month ends × nine counties × seven indicators


def test_loading_the_ledgers_changed_no_month_end_value_and_raised_no_disagreement(demo_store, ledgers):
    """The store's current month-end values are the statistics uploads' values, and no month-end snapshot upload
    warned that the statistics disagree."""
    uploads = demo_store.uploads()
    ledger_uploads = uploads[uploads["kind"] == "ledger"]
    assert len(ledger_uploads) == len(ledgers) and ledger_uploads["status"].eq("committed").all()
    periods = ["2026-09", "2026-10"]
    current = demo_store.observations(periods=periods, regions=LONGNAN, measures=["cum_level"],
                                      indicators=["ARREARS_OWED", "ARREARS_PAID", "COMPLAINT_RECV", "COMPLAINT_DONE",
                                                  "INVEST_IN", "KEY_PROJ", "NEW_SISHANG"])
    with demo_store.engine.connect() as conn:
        stats = statistics_values(conn, current)
    both = current.merge(stats, on=["region_code", "period", "indicator", "measure"], suffixes=("", "_stat"))
    assert len(both) == len(current) == 2 * 9 * 7
    assert (both["value"] - both["value_stat"]).abs().max() < 1e-9
    assert set(both["upload_id"]) <= set(ledger_uploads["id"])  # the ledger is the source shown
    for r in ledger_uploads.itertuples():
        day = dt.date.fromisoformat(re.search(r"\d{4}-\d{2}-\d{2}", r.file_name).group())
        codes = set(demo_store.upload_problems(int(r.id))["code"])
        if month_end(day):
            assert "statistics_differ" not in codes, r.file_name


def test_every_demo_ledger_and_units_upload_is_simulated(demo_store):
    uploads = demo_store.uploads()
    ours = uploads[uploads["kind"].isin(["ledger", "units", "unit_tasks", "unit_reports"])]
    assert set(ours["kind"]) == {"ledger", "units", "unit_tasks", "unit_reports"}
    assert ours["simulated"].astype(bool).all()


def test_repaid_never_exceeds_owed_and_closed_debts_are_fully_repaid(ledgers):
    for (kind, day), items in ledgers.items():
        if kind != "arrears":
            continue
        owed, repaid = num(items["拖欠金额"]), num(items["已清偿金额"])
        assert (repaid <= owed + 1e-9).all(), day
        closed = items["办理状态"] == "销号"
        assert (repaid[closed] == owed[closed]).all() and (items.loc[closed, "是否有分歧"] == "无分歧").all()


def test_items_persist_and_move_forward(ledgers):
    """Between consecutive snapshots an item keeps its 编号, its state only moves forward, repaid / funds in place /
    investment completed never fall, and every county's rolled-up values rise weekly."""
    key = {"arrears": "台账编号", "complaints": "线索编号", "investment": "项目编号", "key_projects": "项目编号",
           "sishang": "台账编号"}
    for kind in KIND_OF.values():
        days = sorted(d for k, d in ledgers if k == kind)
        for before, after in zip(days, days[1:], strict=False):
            a = ledgers[(kind, before)].set_index(["region_code", key[kind]])
            b = ledgers[(kind, after)].set_index(["region_code", key[kind]])
            assert set(a.index) <= set(b.index), (kind, after)
            both = a.merge(b, left_index=True, right_index=True, suffixes=("", "_after"))
            if kind in STATUS:
                col, order = STATUS[kind]
                assert (both[f"{col}_after"].map(order.index) >= both[col].map(order.index)).all(), (kind, after)
            for col in {"arrears": ["已清偿金额"], "investment": ["到位资金"], "key_projects": ["本年完成投资"]}.get(kind, []):
                assert (num(both[f"{col}_after"]) >= num(both[col]) - 1e-9).all(), (kind, col, after)
            for indicator, values in rollup(kind, ledgers[(kind, before)], before).items():
                later = rollup(kind, ledgers[(kind, after)], after)[indicator]
                assert (later.reindex(values.index) >= values - 1e-9).all(), (indicator, after)


def test_the_ledgers_hold_what_a_dispatch_meeting_chases(ledgers):
    """Disputed debts, small debts still open, overdue debts and complaints, key projects late to start, and the
    two counties with the lowest undisputed repayment rate handle complaints slowest."""
    day = dt.date(2026, 10, 31)
    arrears = ledgers[("arrears", day)]
    owed, repaid = num(arrears["拖欠金额"]), num(arrears["已清偿金额"])
    disputed = arrears["是否有分歧"] == "有分歧"
    assert disputed.sum() >= 3
    assert ((owed < 10) & (repaid < owed) & ~disputed).any()  # a small debt not cleared
    due = pd.to_datetime(arrears["约定清偿日期"].replace("", None))
    assert ((due < pd.Timestamp(day)) & (repaid < owed)).sum() >= 5
    rate = (repaid.where(~disputed, 0).groupby(arrears["region_code"]).sum()
            / owed.where(~disputed, 0).groupby(arrears["region_code"]).sum())
    complaints = ledgers[("complaints", day)]
    received = pd.to_datetime(complaints["受理日期"])
    handled = pd.to_datetime(complaints["办结日期"].replace("", None))
    limit = complaints["是否有分歧"].eq("无分歧").map({True: 10, False: 30})
    open_late = handled.isna() & ((pd.Timestamp(day) - received).dt.days > limit)
    assert open_late.any() and ((handled - received).dt.days > limit).any()
    days_taken = (handled - received).dt.days.groupby(complaints["region_code"]).mean()
    assert set(rate.nsmallest(2).index) == set(days_taken.nlargest(2).index)
    key = ledgers[("key_projects", day)]
    planned_start = pd.to_datetime(key["计划开工日期"].replace("", None))
    assert ((key["开工状态"] == "未开工") & (planned_start < pd.Timestamp(day))).sum() >= 3
    assert (ledgers[("investment", day)]["项目进度"] == "洽谈").any()


def test_targets_against_the_items(ledgers):
    """礼县's complaint: the 清偿 target is never above what is owed (any month, any county); KEY_PROJ's target is
    Σ 年度计划投资 of the county's key projects; NEW_SISHANG's is within the pipeline."""
    targets = pd.read_csv(demo_data.DEMO_DIR / "targets_2026.csv", dtype={"region_code": str})
    level = targets[targets.kind == "level"].set_index(["region_code", "indicator"]).value
    obs = pd.read_csv(demo_data.DEMO_DIR / "observations_2026.csv", dtype={"region_code": str})
    owed = obs[obs.indicator == "ARREARS_OWED"]
    paid_target = owed.region_code.map(lambda c: level.get((c, "ARREARS_PAID")))
    assert paid_target.notna().all() and (paid_target <= owed.value + 1e-9).all()
    assert level[("621226", "ARREARS_PAID")] <= owed[(owed.region_code == "621226") & (owed.period == "2026-10")].value.iloc[0]
    day = dt.date(2026, 10, 31)
    planned = ledgers[("key_projects", day)].groupby("region_code")["年度计划投资"].apply(lambda s: num(s).sum())
    pipeline = ledgers[("sishang", day)].groupby("region_code").size()
    for county in LONGNAN:
        assert round(planned[county], 1) == level[(county, "KEY_PROJ")]
        assert level[(county, "NEW_SISHANG")] <= pipeline[county]


def test_unit_tasks_follow_the_targets():
    tasks = pd.read_csv(FOLDER / "单位任务_2026年_陇南市.csv", encoding="utf-8-sig")
    targets = pd.read_csv(demo_data.DEMO_DIR / "targets_2026.csv", dtype={"region_code": str})
    level = targets[targets.kind == "level"].set_index(["region_name", "indicator"]).value
    per = tasks.groupby(["县区", "任务指标"])["任务值"].sum()
    for name in NAMES:
        assert round(per[(name, "清偿拖欠账款")], 1) == level[(name, "ARREARS_PAID")]
        assert round(per[(name, "重点项目完成投资")], 1) == level[(name, "KEY_PROJ")]
        assert per[(name, "新增入库“四上”企业")] == level[(name, "NEW_SISHANG")]
        assert abs(per[(name, "到位资金")] - level[(name, "INVEST_IN")]) / level[(name, "INVEST_IN")] < 0.2


def test_unit_ranking_at_the_latest_date_names_zero_and_not_reported_units_apart(demo_store):
    from indicators import unit_ranking

    latest = dt.date(2026, 10, 31)
    table, unresolved = unit_ranking.read(demo_store, "in_place", latest)
    assert unresolved.empty  # every 责任单位 is a listed unit
    zero = set(map(tuple, table.loc[table["state"] == unit_ranking.ZERO, ["region_code", "name"]].to_numpy()))
    missing = set(map(tuple, table.loc[table["state"] == unit_ranking.NOT_REPORTED, ["region_code", "name"]].to_numpy()))
    assert zero and missing and not zero & missing
    assert table.loc[table["state"] == unit_ranking.NOT_REPORTED, "result"].isna().all()  # never zero
    assert {"township", "county_dept", "investment_team", "city_dept"} <= set(table["unit_kind"])
    weekly, dates = unit_ranking.read_cadence(demo_store, "in_place", latest, "weekly")
    assert dates["as_of"] == latest and dates["previous"] == dt.date(2026, 10, 23)
    assert weekly["rank_change"].notna().any() and weekly["result_change"].dropna().gt(0).any()
    earlier, _ = unit_ranking.read(demo_store, "in_place", dt.date(2026, 9, 30))
    assert (earlier["state"] == unit_ranking.ZERO).any() and (earlier["state"] == unit_ranking.NOT_REPORTED).any()


def test_manifest_lists_the_ledger_files_after_the_statistics():
    manifest = tomllib.loads((demo_data.DEMO_DIR / "manifest.toml").read_text(encoding="utf-8"))["file"]
    ledger = [f for f in manifest if f["kind"] == "ledger"]
    assert len(ledger) == 5 * 11 and all(f["path"].startswith("台账/") for f in ledger)
    assert {f["format"] for f in ledger} == {f"ledger_{k}" for k in KIND_OF.values()}
    kinds = [f["kind"] for f in manifest]
    assert kinds.index("units") < kinds.index("unit_tasks") < kinds.index("ledger") < kinds.index("unit_reports")
