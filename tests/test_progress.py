"""Progress arithmetic: the methodology.md numbers exactly, every boundary, seasonal shares and
quarterly targets on constructed history, and the 2026-09 Longnan table of the demo province."""

import math

import pandas as pd
import pytest

from indicators import progress as pr
from loaders import catalogue as catalogue_mod
from loaders import demo
from loaders import regions as regions_mod
from loaders.store import Store

CAT = catalogue_mod.default()
LONGNAN = "621200"
WUDU, XIHE, LIANGDANG, CHENGXIAN = "621202", "621225", "621228", "621221"


def obs(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["region_code", "period", "indicator", "measure", "value"])
    return df.assign(upload_id=1, src_row=range(2, len(df) + 2))


def targets(rows) -> pd.DataFrame:
    """Targets frame from (region, period, indicator, kind, value), as Store.targets() returns it."""
    df = pd.DataFrame(rows, columns=["region_code", "period", "indicator", "kind", "value"])
    return df.assign(year=df["period"].str[:4].astype(int), upload_id=1)


def history(region, indicator, shares_by_year: dict, december=100.0):
    """cum_level rows whose YTD share of December is given per year and month (in %)."""
    rows = []
    for year, shares in shares_by_year.items():
        for month, share in shares.items():
            rows.append((region, f"{year}-{month:02d}", indicator, "cum_level", december * share / 100))
    return rows


# ---------------------------------------------------------------- methodology.md, exactly

def test_methodology_fai_example():
    assert pr.linear_schedule("2026-05") == pytest.approx(41.6667, abs=5e-5)
    assert pr.completion(45, 120) == 37.5
    gap = pr.gap_pp(pr.completion(45, 120), pr.linear_schedule("2026-05"))
    assert round(gap, 2) == -4.17
    p = pr.pace(45, 120, 5).iloc[0]
    assert p["pace_achieved"] == 9.0
    assert p["pace_required"] == pytest.approx(10.7143, abs=5e-5)
    assert round(p["pace_ratio"], 2) == 0.84
    assert p["pace"] == pr.IMPROVING == "improving"


def test_45_2_percent_at_1_to_5_months_is_3_5_points_ahead():
    gap = pr.gap_pp(45.2, pr.linear_schedule("2026-05"))
    assert round(gap, 1) == 3.5
    assert pr.status(gap) == pr.OK


@pytest.mark.parametrize("completion, month, expected", [
    (50.0, 6, True), (49.99, 6, False), (62.0, 6, True), (60.0, 5, None), (60.0, 7, None), (float("nan"), 6, None),
])
def test_double_half_at_1_to_6_months(completion, month, expected):
    assert pr.double_half(completion, month) is expected


def test_double_half_of_a_growth_target_is_growth_at_or_above_the_target():
    assert pr.double_half_growth(6.5, 6.5, 6) is True
    assert pr.double_half_growth(6.4, 6.5, 6) is False
    assert pr.double_half_growth(8.0, 6.5, 9) is None


# ---------------------------------------------------------------- growth status, statuses, pace

@pytest.mark.parametrize("yoy, expected", [
    (1.2, pr.POSITIVE), (0.05, pr.POSITIVE), (0.15, pr.POSITIVE), (0.0, pr.FLAT), (0.04, pr.FLAT),
    (-0.04, pr.FLAT),  # published as −0.0: 持平, not 负增长
    (-0.05, pr.NEGATIVE), (-16.4, pr.NEGATIVE), (float("nan"), None),
])
def test_growth_status(yoy, expected):
    assert pr.growth_status(yoy) == expected


def test_growth_status_keeps_a_series_index():
    s = pr.growth_status(pd.Series([3.0, -0.04, -2.0], index=["a", "b", "c"]))
    assert s.to_dict() == {"a": pr.POSITIVE, "b": pr.FLAT, "c": pr.NEGATIVE}


def test_round_half_up_is_the_published_rounding():
    assert pr.round_half_up([0.05, 0.15, 0.25, -0.05, 2.449], 1).tolist() == [0.1, 0.2, 0.3, -0.1, 2.4]


@pytest.mark.parametrize("gap, expected", [
    (5.0, pr.OK), (0.0, pr.OK), (-0.004, pr.OK), (-0.01, pr.NEAR), (-3.0, pr.NEAR), (-3.01, pr.BEHIND),
    (-10.0, pr.BEHIND), (-10.01, pr.FAR), (float("nan"), pr.NO_DATA),
])
def test_level_status_boundaries(gap, expected):
    assert pr.status(gap) == expected


@pytest.mark.parametrize("gap, expected", [
    (0.0, pr.OK), (-1.0, pr.NEAR), (-1.01, pr.BEHIND), (-3.0, pr.BEHIND), (-3.01, pr.FAR),
])
def test_growth_status_thresholds_boundaries(gap, expected):
    assert pr.status(gap, pr.GROWTH) == expected


def test_status_keys_and_custom_thresholds():
    assert pr.STATUSES == ("ok", "near", "behind", "far") and pr.STATUS_KEYS == (*pr.STATUSES, "none")
    assert pr.status(-4.17) == "behind" and pr.status(float("nan")) == "none"
    loose = pr.Thresholds(level_near=-5.0)
    assert pr.status(-4.17, thresholds=loose) == pr.NEAR
    with pytest.raises(ValueError, match="level_ok ≥ level_near ≥ level_behind"):
        pr.Thresholds(level_near=-12.0)


@pytest.mark.parametrize("ytd, target, months, expected", [
    (60.0, 120.0, 6, pr.ON_TRACK),  # ratio exactly 1
    (40.0, 120.0, 6, pr.IMPROVING),  # ratio exactly 0.5
    (39.9, 120.0, 6, pr.STAGNATING),
    (0.0, 120.0, 6, pr.STAGNATING),  # ratio exactly 0
    (-10.0, 120.0, 6, pr.FALLING),
    (120.0, 120.0, 6, pr.DONE),
    (130.0, 120.0, 5, pr.DONE),
    (100.0, 120.0, 12, pr.MISSED),
    (50.0, 0.0, 6, None),
    (float("nan"), 120.0, 6, None),
])
def test_pace_categories_at_their_boundaries(ytd, target, months, expected):
    assert pr.pace(ytd, target, months).iloc[0]["pace"] == expected


def test_pace_of_series_keeps_the_index():
    p = pr.pace(pd.Series([45.0, 60.0], index=["a", "b"]), 120.0, 5)
    assert list(p.index) == ["a", "b"] and p.loc["b", "pace"] == pr.ON_TRACK


# ---------------------------------------------------------------- seasonal shares

def _seasonal_history():
    rows = history(WUDU, "GPBR", {
        2022: {6: 90, 12: 100},  # outside the three-year window of 2026
        2023: {3: 20, 6: 40, 12: 100},
        2024: {3: 35, 6: 55},  # no December: not used
        2025: {3: 30, 6: 60, 12: 100},
    })
    rows += history(XIHE, "GPBR", {2025: {3: 40, 6: 70, 12: 100}})
    rows += history(CHENGXIAN, "GPBR", {2025: {3: 10, 6: 30, 12: 100}})
    return obs(rows)


def test_seasonal_share_is_the_mean_share_of_the_previous_years_with_a_december():
    s = pr.seasonal_share(_seasonal_history(), "GPBR", WUDU, 2026)
    assert s[3] == 25.0 and s[6] == 50.0 and s[12] == 100.0


def test_seasonal_shares_fall_back_to_the_median_then_linear():
    sh = pr.seasonal_shares(_seasonal_history(), "GPBR", [2026], regions=[WUDU, LIANGDANG], months=[3, 6, 9])
    sh = sh.set_index(["region_code", "month"])
    assert sh.loc[(WUDU, 6), ["share_pct", "n_years", "basis"]].tolist() == [50.0, 2, pr.OWN_HISTORY]
    # 两当 has no history: the median over regions (50, 70, 30 at June) → 50
    assert sh.loc[(LIANGDANG, 6), ["share_pct", "basis"]].tolist() == [50.0, pr.PROVINCE_MEDIAN]
    assert sh.loc[(LIANGDANG, 3), "share_pct"] == 25.0  # median of 25, 40, 10
    assert sh.loc[(LIANGDANG, 9), ["share_pct", "basis"]].tolist() == [75.0, pr.LINEAR]  # nobody has September


# ---------------------------------------------------------------- quarterly targets

def test_quarterly_targets_from_seasonal_shares_unless_uploaded():
    tg = targets([(WUDU, "2026-12", "GPBR", "level", 200.0), (XIHE, "2026-12", "GPBR", "level", 300.0),
                  (WUDU, "2026-12", "GPBR", "growth", 6.0), (XIHE, "2026-06", "GPBR", "level", 150.0)])
    q = pr.quarterly_targets(tg, _seasonal_history(), CAT, 2026).set_index(["region_code", "kind", "period"])
    assert q.loc[(WUDU, "level", "2026-03"), ["value", "basis", "quarter"]].tolist() == [50.0, pr.OWN_HISTORY, "2026Q1"]
    assert q.loc[(WUDU, "level", "2026-06"), "value"] == 100.0
    assert q.loc[(WUDU, "level", "2026-09"), ["value", "basis"]].tolist() == [150.0, pr.LINEAR]
    assert q.loc[(WUDU, "level", "2026-12"), ["value", "basis"]].tolist() == [200.0, pr.ANNUAL]
    assert q.loc[(XIHE, "level", "2026-03"), "value"] == pytest.approx(120.0)  # 40 % of 300
    assert q.loc[(XIHE, "level", "2026-06"), ["value", "basis"]].tolist() == [150.0, pr.UPLOADED]
    assert q.loc[(WUDU, "growth", "2026-06"), ["value", "basis"]].tolist() == [6.0, pr.ANNUAL]


def test_period_targets_is_a_series_for_one_indicator_and_kind():
    tg = targets([(WUDU, "2026-12", "GPBR", "level", 200.0), (XIHE, "2026-12", "GPBR", "level", 300.0)])
    s = pr.period_targets(tg, _seasonal_history(), CAT, "2026-06")
    assert s.to_dict() == {WUDU: 100.0, XIHE: pytest.approx(210.0)}
    with pytest.raises(ValueError, match="one indicator and kind"):
        pr.period_targets(pd.concat([tg, targets([(WUDU, "2026-12", "FAI", "growth", 6.0)])]),
                          _seasonal_history(), CAT, "2026-06")


# ---------------------------------------------------------------- the progress table

def _table_data():
    rows = [(WUDU, "2026-05", "GPBR", "cum_level", 45.0), (WUDU, "2026-05", "GPBR", "cum_yoy", -0.04),
            (WUDU, "2026-06", "GPBR", "cum_level", 61.0), (WUDU, "2026-06", "GPBR", "cum_yoy", 2.0),
            (WUDU, "2026-05", "FAI", "cum_yoy", -3.2), (WUDU, "2026-06", "FAI", "cum_yoy", 6.5),
            (WUDU, "2026-03", "GDP", "cum_yoy", 5.1), (WUDU, "2026-06", "GDP", "cum_yoy", 5.8)]
    tg = targets([(WUDU, "2026-12", "GPBR", "level", 120.0), (WUDU, "2026-12", "FAI", "growth", 6.5),
                  (WUDU, "2026-12", "GDP", "growth", 6.0), (XIHE, "2025-12", "GPBR", "level", 99.0)])
    return obs(rows), tg


def test_progress_table_reproduces_the_methodology_row():
    o, tg = _table_data()
    t = pr.progress_table(o, tg, CAT, "2026-05")
    assert list(t.columns) == pr.TABLE_COLUMNS
    assert len(t) == 3  # 2025 targets are not this year's
    g = t.set_index(["indicator", "kind"]).loc[("GPBR", "level")]
    assert (g["completion_pct"], round(g["gap_pp"], 2), g["status"]) == (37.5, -4.17, "behind")
    assert g["schedule_linear_pct"] == pytest.approx(41.6667, abs=5e-5)
    assert g["seasonal_basis"] == pr.LINEAR and g["schedule_seasonal_pct"] == g["schedule_linear_pct"]  # no history
    assert (g["pace"], round(g["pace_ratio"], 2)) == (pr.IMPROVING, 0.84)
    assert g["growth_status"] == pr.FLAT and not g["ahead"] and pd.isna(g["double_half"])
    f = t.set_index("indicator").loc["FAI"]
    assert (f["compare"], f["gap_pp"], f["status"], f["growth_status"]) == (pr.GROWTH, pytest.approx(-9.7), pr.FAR,
                                                                            pr.NEGATIVE)
    assert math.isnan(f["completion_pct"]) and pd.isna(f["pace"])


def test_progress_table_double_half_and_carried_quarters():
    o, tg = _table_data()
    t = pr.progress_table(o, tg, CAT, "2026-06").set_index("indicator")
    assert bool(t.loc["GPBR", "double_half"]) is True  # 61 of 120 = 50.8 %
    assert bool(t.loc["FAI", "double_half"]) is True  # 6.5 ≥ 6.5
    assert bool(t.loc["GDP", "double_half"]) is False  # 5.8 < 6.0
    later = pr.progress_table(o, tg, CAT, "2026-08").set_index("indicator")
    assert later.loc["GDP", ["as_of", "yoy"]].tolist() == ["2026-06", 5.8]  # carried: 上半年数据
    assert later.loc["GPBR", "status"] == pr.NO_DATA  # no 1–8月 value: never last month's


def test_progress_table_seasonal_schedule_moves_the_gap_and_status():
    o = pd.concat([_seasonal_history(), obs([(XIHE, "2026-06", "GPBR", "cum_level", 61.0)])], ignore_index=True)
    tg = targets([(XIHE, "2026-12", "GPBR", "level", 120.0)])
    linear = pr.progress_table(o, tg, CAT, "2026-06").iloc[0]
    seasonal = pr.progress_table(o, tg, CAT, "2026-06", schedule="seasonal").iloc[0]
    assert (linear["schedule_seasonal_pct"], linear["seasonal_basis"]) == (70.0, pr.OWN_HISTORY)
    assert (round(linear["gap_pp"], 2), linear["status"]) == (0.83, pr.OK)  # 50.83 − 50
    assert (round(seasonal["gap_pp"], 2), seasonal["status"]) == (-19.17, pr.FAR)  # 50.83 − 70
    assert seasonal["gap_linear_pp"] == linear["gap_pp"]


def test_progress_table_compares_ratio_targets_in_points():
    o = obs([(WUDU, "2026-05", "TAX_SHARE", "ratio", 70.0), (WUDU, "2026-05", "IND_PROFIT", "cum_level", 5.0),
             (WUDU, "2026-05", "IND_REV", "cum_level", 100.0)])
    tg = targets([(WUDU, "2026-12", "TAX_SHARE", "level", 75.0), (WUDU, "2026-12", "IND_MARGIN", "level", 6.0)])
    t = pr.progress_table(o, tg, CAT, "2026-05").set_index("indicator")
    assert set(t["compare"]) == {pr.RATE}
    assert t.loc["TAX_SHARE", ["ytd_level", "gap_pp", "status"]].tolist() == [70.0, -5.0, pr.FAR]
    assert t.loc["IND_MARGIN", "ytd_level"] == pytest.approx(5.0)  # Σprofit / Σrevenue × 100
    assert t.loc["IND_MARGIN", "status"] == pr.NEAR  # 1 point below the target margin
    assert t["pace"].isna().all() and t["completion_pct"].isna().all()


def test_progress_table_keeps_only_the_asked_regions_and_checks_schedule():
    o, tg = _table_data()
    assert pr.progress_table(o, tg, CAT, "2026-05", regions=[XIHE]).empty
    with pytest.raises(ValueError, match="linear, seasonal"):
        pr.progress_table(o, tg, CAT, "2026-05", schedule="monthly")


# ---------------------------------------------------------------- the demo province

@pytest.fixture(scope="module")
def demo_frames(tmp_path_factory):
    store = Store(f"duckdb:///{tmp_path_factory.mktemp('demo') / 'demo.duckdb'}")
    demo.load(store)
    frames = store.observations(), store.targets()
    store.dispose()
    return frames


def test_demo_longnan_2026_09_progress(demo_frames):
    o, tg = demo_frames
    counties = sorted(r.code for r in regions_mod.default().counties_of(LONGNAN))
    t = pr.progress_table(o, tg, CAT, "2026-09", regions=counties)
    for indicator, kind in (("FAI", "growth"), ("GPBR", "level")):
        rows = t[(t["indicator"] == indicator) & (t["kind"] == kind)]
        assert sorted(rows["region_code"]) == counties
    assert set(t["status"]) <= set(pr.STATUSES)
    assert set(t["status"]) <= {"ok", "near", "behind", "far"}
    negative = t[(t["region_code"].isin([XIHE, LIANGDANG])) & t["indicator"].isin(["FAI", "IVA"])
                 & (t["growth_status"] == pr.NEGATIVE)]
    assert not negative.empty and (negative["yoy"] < 0).all()
    gpbr = t[(t["indicator"] == "GPBR") & (t["kind"] == "level")]
    assert (gpbr["schedule_linear_pct"] == 75.0).all() and set(gpbr["seasonal_basis"]) == {pr.OWN_HISTORY}
    assert t["double_half"].isna().all()  # only meaningful at 1–6月


def test_the_printed_gap_is_the_difference_of_the_printed_figures():
    """reference/methodology.md: 45.2 % completion at 1–5月 is 3.5 percentage points ahead of 序时 (45.2 − 41.7);
    84.66 % against 83.33 % prints as 84.7 and 83.3, so its gap is 1.4 (not 1.33 → 1.3)."""
    assert pr.shown_gap(45.2, 5 / 12 * 100) == 3.5
    assert pr.shown_gap(84.66, 83.33) == 1.4 and pr.shown_gap(37.5, 41.6667) == -4.2
    assert pr.shown_gap(5.2, 5.5) == -0.3
