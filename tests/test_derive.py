"""Derivations on tiny constructed frames: single periods, quarter ends, ratios from sums, city rows
against their counties, and quarterly values carried forward."""

import math

import pandas as pd
import pytest

from indicators import derive
from loaders import catalogue as catalogue_mod
from loaders import regions as regions_mod

CAT = catalogue_mod.default()
REGIONS = regions_mod.default()
LONGNAN = "621200"
COUNTIES = sorted(r.code for r in REGIONS.counties_of(LONGNAN))  # 9 counties, 621202 first
WUDU, XIHE, LIANGDANG = "621202", "621225", "621228"


def obs(*rows) -> pd.DataFrame:
    """Store-layout frame from (region, period, indicator, measure, value[, upload_id])."""
    full = [(*r, 1) if len(r) == 5 else r for r in rows]
    df = pd.DataFrame(full, columns=["region_code", "period", "indicator", "measure", "value", "upload_id"])
    return df.assign(src_row=range(2, len(df) + 2))


def level(region, indicator, values: dict, upload_id=1):
    return [(region, p, indicator, "cum_level", v, upload_id) for p, v in values.items()]


def one(df: pd.DataFrame, **where) -> pd.Series:
    for k, v in where.items():
        df = df[df[k] == v]
    assert len(df) == 1, df
    return df.iloc[0]


# ---------------------------------------------------------------- single months

def test_single_month_with_a_1_2_month_first_period():
    sm = derive.single_month(obs(*level(WUDU, "RETAIL", {"2026-02": 160.0, "2026-03": 240.0, "2026-04": 330.0})),
                             CAT)
    assert sm["value"].tolist() == [160.0, 80.0, 90.0]
    assert sm["span_months"].tolist() == [2, 1, 1]
    assert sm["first_period"].tolist() == [True, False, False]
    assert sm["prev_period"].isna().iloc[0] and sm["prev_period"].iloc[1:].tolist() == ["2026-02", "2026-03"]
    assert set(sm["measure"]) == {derive.SINGLE}


def test_single_month_with_a_january_series():
    sm = derive.single_month(obs(*level(WUDU, "GPBR", {"2026-01": 10.0, "2026-02": 25.0})), CAT)
    assert sm["value"].tolist() == [10.0, 15.0]
    assert sm["span_months"].tolist() == [1, 1]
    assert sm["first_period"].tolist() == [True, False]


def test_single_quarter_of_a_quarterly_series():
    sm = derive.single_month(obs(*level(WUDU, "GDP", {"2026-03": 100.0, "2026-06": 230.0})), CAT)
    assert sm["value"].tolist() == [100.0, 130.0]
    assert sm["span_months"].tolist() == [3, 3]


def test_missing_previous_month_gives_nan_never_a_guess():
    sm = derive.single_month(obs(*level(WUDU, "RETAIL", {"2026-02": 160.0, "2026-04": 330.0})), CAT)
    row = one(sm, period="2026-04")
    assert math.isnan(row["value"])
    assert row["prev_period"] == "2026-03"
    assert not row["same_vintage"]


def test_a_year_never_borrows_from_the_previous_year():
    sm = derive.single_month(obs(*level(WUDU, "GPBR", {"2025-12": 900.0, "2026-01": 10.0})), CAT)
    assert one(sm, period="2026-01")["value"] == 10.0


def test_cross_vintage_terms_are_flagged_with_both_upload_ids():
    rows = level(WUDU, "RETAIL", {"2026-02": 160.0}, upload_id=1) + level(WUDU, "RETAIL", {"2026-03": 250.0}, 2)
    rows += level(XIHE, "RETAIL", {"2026-02": 50.0, "2026-03": 75.0}, upload_id=2)
    sm = derive.single_month(obs(*rows), CAT)
    across = one(sm, region_code=WUDU, period="2026-03")
    assert (across["value"], across["upload_id"], across["prev_upload_id"]) == (90.0, 2, 1)
    assert not across["same_vintage"]
    assert one(sm, region_code=XIHE, period="2026-03")["same_vintage"]
    assert one(sm, region_code=WUDU, period="2026-02")["same_vintage"]  # a first period has one term


def test_growth_rows_are_not_differenced():
    sm = derive.single_month(obs((WUDU, "2026-03", "RETAIL", "cum_yoy", 5.0)), CAT)
    assert sm.empty


# ---------------------------------------------------------------- quarters

@pytest.mark.parametrize("period, quarter", [("2026-03", "2026Q1"), ("2026-05", "2026Q2"), ("2026-09", "2026Q3"),
                                             ("2026-12", "2026Q4")])
def test_quarter_of(period, quarter):
    assert derive.quarter_of(period) == quarter


def test_quarter_period_and_its_error():
    assert derive.quarter_period("2026Q3") == "2026-09"
    assert derive.quarter_period("2025-q4") == "2025-12"
    with pytest.raises(ValueError, match="应为 2026Q3"):
        derive.quarter_period("2026Q5")
    with pytest.raises(ValueError, match="应为 2026-09"):
        derive.quarter_of("2026-13")


def test_quarter_end_keeps_quarter_months_with_labels():
    q = derive.quarter_end(obs(*level(WUDU, "RETAIL", {f"2026-{m:02d}": m * 10.0 for m in range(2, 13)})))
    assert q["period"].tolist() == ["2026-03", "2026-06", "2026-09", "2026-12"]
    assert q["quarter"].tolist() == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]


# ---------------------------------------------------------------- ratios from sums

def _margin_obs():
    """Two counties with margins 10 % and 90 %, and the city's own uploaded sums."""
    return obs(*level(WUDU, "IND_PROFIT", {"2026-03": 1.0}), *level(WUDU, "IND_REV", {"2026-03": 10.0}),
               *level(XIHE, "IND_PROFIT", {"2026-03": 90.0}), *level(XIHE, "IND_REV", {"2026-03": 100.0}, 2),
               *level(LONGNAN, "IND_PROFIT", {"2026-03": 100.0}), *level(LONGNAN, "IND_REV", {"2026-03": 125.0}))


def test_ratio_from_sums_is_not_the_mean_of_ratios():
    r = derive.ratio_from_sums(_margin_obs(), CAT, "IND_MARGIN", REGIONS)
    own = r[r["source"] == derive.OWN].set_index("region_code")["value"]
    assert own[WUDU] == pytest.approx(10.0) and own[XIHE] == pytest.approx(90.0)
    assert own[LONGNAN] == 100.0 / 125.0 * 100  # the city's own sums
    city = one(r, source=derive.SUM_OF_COUNTIES)
    assert city["region_code"] == LONGNAN
    assert city["value"] == 91.0 / 110.0 * 100  # Σprofit / Σrevenue × 100, exactly
    assert city["value"] != pytest.approx((own[WUDU] + own[XIHE]) / 2)  # 50: the wrong answer
    assert (city["numerator"], city["denominator"]) == (91.0, 110.0)
    assert (city["n_counties"], city["n_expected"]) == (2, len(COUNTIES))
    assert not city["same_vintage"]  # XIHE's revenue came in upload 2
    assert set(r["measure"]) == {"ratio"} and set(r["indicator"]) == {"IND_MARGIN"}


def test_ratio_with_a_zero_denominator_is_nan():
    r = derive.ratio_from_sums(obs(*level(WUDU, "COMPLAINT_DONE", {"2026-01": 0.0}),
                                   *level(WUDU, "COMPLAINT_RECV", {"2026-01": 0.0})), CAT, "COMPLAINT_RATE")
    assert math.isnan(one(r)["value"])


def test_ratio_from_sums_names_the_derived_indicators_when_asked_for_another():
    with pytest.raises(ValueError, match="IND_MARGIN, ARREARS_RATE, COMPLAINT_RATE"):
        derive.ratio_from_sums(_margin_obs(), CAT, "RETAIL")


def test_derived_returns_only_new_rows_in_the_store_layout():
    base = _margin_obs()
    d = derive.derived(base, CAT)
    assert list(d.columns) == derive.STORE_COLUMNS
    assert set(d["indicator"]) == {"IND_MARGIN"} and len(d) == 3
    assert one(d, region_code=XIHE)["upload_id"] == 2  # the later of the two terms
    once = derive.with_derived(base, CAT)
    assert len(once) == len(base) + 3
    assert len(derive.with_derived(once, CAT)) == len(once)  # idempotent


# ---------------------------------------------------------------- city rows

def _retail_counties(period="2026-03", value=100.0, skip=()):
    return [(c, period, "RETAIL", "cum_level", value, 1) for c in COUNTIES if c not in skip]


@pytest.mark.parametrize("city_value, reason", [(920.0, derive.OK), (1000.0, derive.MISMATCH),
                                                (860.0, derive.OK), (850.0, derive.MISMATCH)])
def test_city_aggregate_flags_a_sum_indicator_beyond_the_tolerance(city_value, reason):
    rows = _retail_counties() + [(LONGNAN, "2026-03", "RETAIL", "cum_level", city_value, 1)]
    row = one(derive.city_aggregate(obs(*rows), CAT, REGIONS), indicator="RETAIL")
    assert (row["county_sum"], row["city_value"], row["diff"]) == (900.0, city_value, city_value - 900.0)
    assert row["diff_pct"] == pytest.approx((city_value - 900.0) / city_value * 100)
    assert (row["reason"], row["flag"]) == (reason, reason != derive.OK)
    assert row["missing_counties"] == ""


def test_city_aggregate_names_missing_counties_and_a_missing_city_row():
    rows = _retail_counties(skip=(XIHE, LIANGDANG)) + [(LONGNAN, "2026-03", "RETAIL", "cum_level", 720.0, 1)]
    rows += _retail_counties("2026-04")
    ca = derive.city_aggregate(obs(*rows), CAT, REGIONS)
    partial = one(ca, period="2026-03")
    assert (partial["reason"], partial["missing_counties"]) == (derive.COUNTIES_MISSING, f"{XIHE},{LIANGDANG}")
    assert (partial["n_counties"], partial["n_expected"]) == (7, 9)
    orphan = one(ca, period="2026-04")
    assert orphan["reason"] == derive.NO_CITY_ROW and math.isnan(orphan["city_value"])


def test_city_aggregate_sum_plus_own_flags_only_a_city_below_its_counties():
    rows = [(c, "2026-03", "KEY_PROJ", "cum_level", 100.0, 1) for c in COUNTIES]
    rows += [(LONGNAN, "2026-03", "KEY_PROJ", "cum_level", 1500.0, 1),  # city's own projects: fine
             (LONGNAN, "2026-04", "KEY_PROJ", "cum_level", 850.0, 1)]
    rows += [(c, "2026-04", "KEY_PROJ", "cum_level", 100.0, 1) for c in COUNTIES]
    ca = derive.city_aggregate(obs(*rows), CAT, REGIONS).set_index("period")
    assert ca.loc["2026-03", "reason"] == derive.OK
    assert ca.loc["2026-04", "reason"] == derive.BELOW_COUNTIES


def test_city_aggregate_leaves_growth_and_per_capita_indicators_alone():
    rows = [(c, "2026-03", "FAI", "cum_yoy", 5.0, 1) for c in COUNTIES]
    rows += [(c, "2026-03", "URB_INC", "cum_level", 9000.0, 1) for c in COUNTIES]
    rows += [(LONGNAN, "2026-03", "FAI", "cum_yoy", -3.0, 1), (LONGNAN, "2026-03", "URB_INC", "cum_level", 9100.0, 1)]
    assert derive.city_aggregate(obs(*rows), CAT, REGIONS).empty


# ---------------------------------------------------------------- carry forward

def test_carry_forward_labels_the_quarter_it_comes_from():
    rows = level(WUDU, "GDP", {"2025-12": 400.0, "2026-03": 100.0, "2026-06": 230.0})
    rows += [(WUDU, "2026-06", "GDP", "cum_yoy", 5.5, 1)]
    rows += level(WUDU, "RETAIL", {"2026-05": 9.0})
    cf = derive.carry_forward(obs(*rows), CAT, ["2026-02", "2026-03", "2026-05", "2026-08", "2026-12"])
    lv = cf[cf["measure"] == "cum_level"].set_index("period")
    assert "2026-02" not in lv.index  # nothing before the first quarter end, and never last year's
    assert lv.loc["2026-03", ["value", "as_of", "quarter", "carried"]].tolist() == [100.0, "2026-03", "2026Q1", False]
    assert lv.loc["2026-05", ["value", "as_of", "quarter", "carried"]].tolist() == [100.0, "2026-03", "2026Q1", True]
    assert lv.loc["2026-08", ["value", "as_of", "quarter"]].tolist() == [230.0, "2026-06", "2026Q2"]
    assert lv.loc["2026-12", "as_of"] == "2026-06"  # Q3 and Q4 missing: the latest one there is
    assert set(cf["indicator"]) == {"GDP"}
    assert one(cf, measure="cum_yoy", period="2026-08")["value"] == 5.5
