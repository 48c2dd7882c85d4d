"""The clock is an input: one today() (MONITOR_TODAY overrides it), one definition of 统计关库, and a demo that
ends at the latest month closed on whatever day it is started."""

import datetime as dt
import subprocess
import sys

import pytest

from conftest import ROOT, TODAY
from indicators import reading
from indicators import scheme as scheme_mod
from loaders import catalogue, clock, demo, demo_data


def test_today_is_the_pinned_day_and_a_bad_override_says_how_to_write_it(monkeypatch):
    assert clock.today() == dt.date.fromisoformat(TODAY)
    monkeypatch.setenv(clock.ENV, "2027-06-01")
    assert clock.today() == dt.date(2027, 6, 1)
    monkeypatch.setenv(clock.ENV, "2027年6月1日")
    with pytest.raises(clock.ClockError, match="应为 YYYY-MM-DD"):
        clock.today()


@pytest.mark.parametrize(("day", "closed"), [
    ("2026-11-04", False), ("2026-11-05", False),  # on the closing day the bureau may still change 1–10月
    ("2026-11-06", True)])
def test_a_period_is_closed_from_the_day_after_its_closing_date(day, closed):
    on = dt.date.fromisoformat(day)
    assert clock.is_closed("2026-10", {}, on) is closed
    assert clock.days_left("2026-10", {}, on) == (dt.date(2026, 11, 5) - on).days


@pytest.mark.parametrize(("day", "latest"), [
    ("2026-11-05", "2026-09"), ("2026-11-06", "2026-10"), ("2026-12-01", "2026-10"), ("2027-01-06", "2026-12"),
    ("2027-06-01", "2027-04")])
def test_the_latest_closed_month_of_a_day(day, latest):
    assert clock.latest_closed_month(dt.date.fromisoformat(day)) == latest


def test_a_closing_date_moved_later_keeps_the_month_open():
    moved = {"2026-10": dt.date(2026, 11, 20)}
    assert clock.latest_closed_month(dt.date(2026, 11, 10), moved) == "2026-09"
    assert clock.latest_closed_month(dt.date(2026, 11, 21), moved) == "2026-10"


def test_schemes_carry_forward_to_a_year_not_yet_published_and_never_backwards():
    cat = catalogue.default()
    carried = scheme_mod.for_year(2027, cat)
    own = scheme_mod.for_year(2026, cat)
    assert carried.carried_from == 2026 and carried.year == 2027 and "暂按2026年方案计算" in carried.name
    assert carried.sha256 == own.sha256 and carried.codes == own.codes
    with pytest.raises(scheme_mod.SchemeError, match="2023年没有综合评价方案"):
        scheme_mod.for_year(2023, cat)
    assert scheme_mod.has_scheme(2031) and not scheme_mod.has_scheme(2023)


@pytest.mark.parametrize("end", ["2026-12", "2027-01", "2027-04"])
def test_the_demo_generator_ends_at_any_month(end):
    frames = demo_data.generate(end=end)
    periods = frames["observations"]["period"]
    assert periods.max() == end and set(frames["targets"]["year"]) == {int(end[:4]) - 1, int(end[:4])}
    assert (frames["revisions"]["period"] < end).all()


def test_a_later_end_in_the_same_years_keeps_the_months_both_hold():
    example = demo_data.generate()["current"]
    later = demo_data.generate(end="2026-12")["current"]
    key = ["region_code", "period", "indicator", "measure"]
    june = [f.query("period == '2026-06'").set_index(key)["value"].sort_index() for f in (example, later)]
    assert june[0].equals(june[1])


def test_the_demo_started_six_months_ahead_shows_that_days_latest_closed_month(tmp_path, monkeypatch):
    """`make run` on 2027-06-01: the demo holds 1–4月 of 2027, the selector starts there, the composite score is
    for 2027Q1 under the 2026 scheme carried forward, and nothing was refused as lying in the future."""
    monkeypatch.setenv(clock.ENV, "2027-06-01")
    monkeypatch.setenv("MONITOR_INSTANCE_DIR", str(tmp_path / "instance"))
    from app import create_app
    from layouts import data
    from loaders.store import Store

    store = Store(f"duckdb:///{tmp_path / 'demo.duckdb'}")
    reports = demo.load(store)
    assert all(r.status == "committed" for r in reports)
    assert store.periods()[0] == "2027-04"
    create_app(store, secret="x" * 32)
    try:
        assert data.months()[0] == "2027-04" and data.quarters()[0] == "2027Q1"
        assert data.resolve(None) == ("2027Q1", "2027-04")
        card = reading.scorecard(data.snap(), "2027Q1", "prefectures")
        assert card.scheme.carried_from == 2026 and card.table["rank"].notna().sum() == 14
        assert not any(m.startswith("2023") for m in data.months())  # no scheme for 2023: not offered
    finally:
        store.dispose()


def test_cli_ingest_takes_today(tmp_path):
    """A 1–11月 value is refused on 23 November (the month has not ended) and accepted with --today after it."""
    path = tmp_path / "nov.csv"
    path.write_text("region_code,region_name,period,indicator,measure,value,unit,note\n"
                    "621202,武都区,2026-11,GPBR,cum_level,52000.0,万元,\n", encoding="utf-8")
    db = f"duckdb:///{tmp_path / 'cli.duckdb'}"

    def run(*extra):
        return subprocess.run([sys.executable, "-m", "loaders", "ingest", str(path), "--db", db, *extra], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
    refused = run()
    assert refused.returncode == 2 and "期间尚未结束：今天是 2026-11-23" in refused.stdout + refused.stderr
    assert run("--today", "2026-12-02").returncode == 0
