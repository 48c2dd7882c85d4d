"""The 台账 pages' maths: a kind's facts per county (loaders/ledger_rollup.py FACTS) turned into city totals against
the annual plan and 序时进度, the per-county table (rate or completion, rank within the city, gap, overdue counts),
the overdue or stalled items, and the trend over snapshot dates. Pure functions: frames in, frames out.

序时进度 (time progress) of a snapshot dated D:
- D the last day of a month: months elapsed / 12 (progress.linear_schedule), the targets page's 序时进度, so the
  completion and the gap (个百分点, from the printed one-decimal figures: progress.shown_gap) equal that page's row;
- any other day: days elapsed / days in the year (“时间进度按日计算”).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators import progress
from indicators.ranking import rank
from loaders import ledger_kinds
from loaders import ledger_rollup as rollup

ENTERED = "state_已入库"
NOT_STARTED_STAGES = ("洽谈", "签约")  # an investment project signed but not yet landed is not yet in place


@dataclass(frozen=True)
class Plan:
    """What a kind is measured by on its page.

    indicator  the catalogue code whose annual (level) target is the plan (None: no plan)
    value      the fact column holding that indicator's YTD value (ledger_rollup's roll-up of it)
    rate       the fact column of the kind's headline rate (%), if it has one
    rank_by    the column counties are ranked by: "rate" or "completion" (else the value)
    ledger_plan a fact column holding the ledger's own annual plan (used when no target is set)
    """

    indicator: str | None
    value: str | None
    rate: str | None
    rank_by: str
    ledger_plan: str | None = None


PLANS = {
    "arrears": Plan("ARREARS_PAID", "repaid_undisputed", "rate_undisputed", "rate"),
    "complaints": Plan(None, None, "rate", "rate"),
    "investment": Plan("INVEST_IN", "in_place_outside", None, "completion"),
    "key_projects": Plan("KEY_PROJ", "completed", "start_rate", "completion", ledger_plan="planned"),
    "sishang": Plan("NEW_SISHANG", ENTERED, None, "completion"),
}

# What each kind's per-county “overdue” count is (a fact column), shown and summed.
OVERDUE = {"arrears": "overdue_items", "complaints": "overdue_open", "investment": "stalled",
           "key_projects": "start_overdue", "sishang": "late"}

# Rates recomputed from the summed parts (never the mean of county rates): column → (numerator, denominator).
RATES = {
    "arrears": {"rate_undisputed": ("repaid_undisputed", "owed_undisputed")},
    "complaints": {"rate": ("handled", "received")},
    "key_projects": {"start_rate": ("started", "items"), "completion": ("completed", "planned")},
}


# ---------------------------------------------------------------- 序时进度

@dataclass(frozen=True)
class TimeProgress:
    pct: float
    by_day: bool  # True: days elapsed / days in the year; False: a month end, months / 12
    month: str  # YYYY-MM of the snapshot


def is_month_end(day: dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def time_progress(day: dt.date) -> TimeProgress:
    """序时进度 of a snapshot's date: at a month end the targets page's months / 12, else days elapsed (the date
    included) / days in the year."""
    month = f"{day.year}-{day.month:02d}"
    if is_month_end(day):
        return TimeProgress(float(progress.linear_schedule(month)), False, month)
    days = 366 if calendar.isleap(day.year) else 365
    return TimeProgress(day.timetuple().tm_yday / days * 100, True, month)


# ---------------------------------------------------------------- facts, completed per kind

def with_extra_facts(kind: str, facts: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """The facts plus what ledger_rollup does not keep: the count of items (complaints have none), stalled
    investment projects (overdue_reasons) and 四上 enterprises past their expected month not entered."""
    if facts.empty:
        return facts
    if "items" not in facts.columns:
        per = items.groupby(items["region_code"].astype(str)).size()
        facts = facts.assign(items=facts["region_code"].map(per).fillna(0).astype("int64"))
    if kind not in ("investment", "sishang"):
        return facts
    reasons = overdue_reasons(kind, items)
    col = OVERDUE[kind]
    counts = reasons.notna().groupby(items["region_code"].astype(str)).sum().astype("int64")
    return facts.assign(**{col: facts["region_code"].map(counts).fillna(0).astype("int64")})


# Which overdue items a meeting chases first: still open past the deadline, then stalled, then done but late.
REASON_ORDER = {"late_open": 0, "overdue": 0, "not_started": 0, "stalled": 1, "late": 1, "handled_late": 2}


def open_first(items: pd.DataFrame, reasons: pd.Series) -> pd.DataFrame:
    """The items with a reason, those still open first (REASON_ORDER), then by county, in their file order."""
    late = items[reasons.notna().to_numpy()]
    order = reasons[reasons.notna()].map(REASON_ORDER)
    return late.assign(_o=order.to_numpy()).sort_values(["_o", "region_code"], kind="stable").drop(columns="_o")


def overdue_reasons(kind: str, items: pd.DataFrame, kinds=None) -> pd.Series:
    """Per item: why it is overdue or stalled (a key: overdue / late_open / handled_late / stalled / not_started /
    late), None when it is not. Judged at each item's own snapshot date (as_of)."""
    out = pd.Series([None] * len(items), index=items.index, dtype=object)
    if items.empty:
        return out
    day = pd.to_datetime(items["as_of"])
    declared = (kinds or ledger_kinds.default())[kind]
    if kind == "arrears":
        hit = items["due_date"].notna() & (pd.to_datetime(items["due_date"]) < day) & \
            (items["repaid"].fillna(0.0) < items["owed"].fillna(0.0))
        out[hit.to_numpy(dtype=bool)] = "overdue"
    elif kind == "complaints":
        flags = rollup.complaint_flags(declared, items)
        out[flags["handled_late"].to_numpy(dtype=bool)] = "handled_late"
        out[flags["overdue_open"].to_numpy(dtype=bool)] = "late_open"
    elif kind == "investment":
        hit = items["stage"].isin(NOT_STARTED_STAGES) & items["signed"].notna() & \
            (items["in_place"].fillna(0.0) <= 0)
        out[hit.to_numpy(dtype=bool)] = "stalled"
    elif kind == "key_projects":
        hit = items["start_state"].eq("未开工") & items["planned_start"].notna() & \
            (pd.to_datetime(items["planned_start"]) < day)
        out[hit.fillna(False).to_numpy(dtype=bool)] = "not_started"
    elif kind == "sishang":
        month = day.dt.strftime("%Y-%m")
        expected = items["expected_month"].astype(str).str[:7]
        hit = items["state"].ne("已入库") & items["expected_month"].notna() & (expected < month)
        out[hit.fillna(False).to_numpy(dtype=bool)] = "late"
    return out


# ---------------------------------------------------------------- city totals

def city_totals(kind: str, facts: pd.DataFrame) -> pd.Series:
    """Σ over the counties of `facts` (counts stay whole numbers), the kind's rates recomputed from the sums."""
    if facts.empty:
        return pd.Series(dtype=object)
    numeric = facts.drop(columns=["region_code"]).select_dtypes("number")
    rates = set(RATES.get(kind, {}))
    total = numeric[[c for c in numeric.columns if c not in rates | {"rate"}]].sum()
    total = total.astype(object)
    for c in total.index:
        if pd.api.types.is_integer_dtype(numeric[c]):
            total[c] = int(total[c])
    for col, (num, den) in RATES.get(kind, {}).items():
        total[col] = float(total[num]) / float(total[den]) * 100 if float(total[den]) > 0 else float("nan")
    return total


def annual_targets(targets: pd.DataFrame, indicator: str | None, year: int) -> dict[str, float]:
    """region_code → the year's annual level target of the indicator (targets as reading.indicator_targets)."""
    if indicator is None or targets.empty:
        return {}
    t = targets[(targets["indicator"] == indicator) & (targets["kind"] == "level")
                & (targets["period"] == f"{year}-12")]
    return {str(r): float(v) for r, v in zip(t["region_code"], t["value"], strict=True)}


def against_plan(value, target, tp: TimeProgress) -> dict:
    """completion (%), the 序时进度 and the gap as shown (个百分点, from the printed one-decimal figures)."""
    if value is None or target is None or pd.isna(value) or pd.isna(target) or float(target) <= 0:
        return {"completion": float("nan"), "schedule": tp.pct, "gap": float("nan")}
    done = float(progress.completion(float(value), float(target)))
    return {"completion": done, "schedule": tp.pct, "gap": float(progress.shown_gap(done, tp.pct))}


def city_plan(kind: str, totals: pd.Series, targets: dict[str, float], counties: list[str],
              tp: TimeProgress) -> dict:
    """The counties' total against their plan: the sum of the counties' targets, else (key projects) the ledger's
    Σ annual planned investment. basis says which (counties / ledger / none). Never the city's own target: that is
    for the city's statistic, which also holds the city-level units no county ledger lists (the 总览 shows it)."""
    plan = PLANS[kind]
    value = float(totals[plan.value]) if plan.value and plan.value in totals else float("nan")
    if any(c in targets for c in counties):
        target, basis = sum(targets[c] for c in counties if c in targets), "counties"
    elif plan.ledger_plan and plan.ledger_plan in totals and float(totals[plan.ledger_plan]) > 0:
        target, basis = float(totals[plan.ledger_plan]), "ledger"
    else:
        target, basis = float("nan"), "none"
    return {"value": value, "target": target, "basis": basis, **against_plan(value, target, tp)}


# ---------------------------------------------------------------- per county

COUNTY_COLUMNS = ["region_code", "reported", "items", "value", "target", "basis", "completion", "schedule", "gap",
                  "rate", "rank", "overdue"]


def county_table(kind: str, facts: pd.DataFrame, targets: dict[str, float], counties: list[str],
                 tp: TimeProgress) -> pd.DataFrame:
    """One row per county of the comparison set (in its order): whether its ledger has items (reported), items,
    the plan's value, target (the county's, else the ledger's plan for key projects), completion, 序时进度, gap
    (shown), the headline rate, the rank within the set by the kind's rank_by (ties share; counties without a
    ledger unranked) and the overdue count."""
    plan = PLANS[kind]
    f = facts.set_index("region_code") if not facts.empty else pd.DataFrame()
    rows = []
    for c in counties:
        has = c in f.index
        r = f.loc[c] if has else None
        value = float(r[plan.value]) if has and plan.value else float("nan")
        target, basis = (targets[c], "target") if c in targets else (float("nan"), "none")
        if basis == "none" and has and plan.ledger_plan and float(r[plan.ledger_plan]) > 0:
            target, basis = float(r[plan.ledger_plan]), "ledger"
        vs = against_plan(value, target, tp) if has else {"completion": float("nan"), "schedule": tp.pct,
                                                           "gap": float("nan")}
        rate = float(r[plan.rate]) if has and plan.rate and pd.notna(r[plan.rate]) else float("nan")
        overdue = int(r[OVERDUE[kind]]) if has and OVERDUE[kind] in f.columns else (0 if has else None)
        rows.append({"region_code": c, "reported": has, "items": int(r["items"]) if has else 0, "value": value,
                     "target": target, "basis": basis, **vs, "rate": rate, "overdue": overdue})
    out = pd.DataFrame(rows, columns=[c for c in COUNTY_COLUMNS if c != "rank"])
    out["overdue"] = out["overdue"].astype("Int64")
    key = out[plan.rank_by] if plan.rank_by in out and out[plan.rank_by].notna().any() else out["value"]
    out["rank"] = rank(key.where(out["reported"]))
    return out[COUNTY_COLUMNS]


def none_entered(kind: str, table: pd.DataFrame) -> list[str]:
    """四上: the counties of the set with no enterprise entered (those without a ledger too: none is known)."""
    if kind != "sishang":
        return []
    return [c for c, v in zip(table["region_code"], table["value"], strict=True) if not (v > 0)]


# ---------------------------------------------------------------- trend

def trend_value(kind: str, facts: pd.DataFrame, region: str | None = None) -> float:
    """The kind's headline figure from one date's facts: the rate where the kind has one, else the plan's value;
    the city's (from the sums) or one county's."""
    plan = PLANS[kind]
    if facts.empty:
        return float("nan")
    if region is not None:
        f = facts[facts["region_code"] == region]
        if f.empty:
            return float("nan")
        col = plan.rate or plan.value
        return float(f[col].iloc[0]) if pd.notna(f[col].iloc[0]) else float("nan")
    totals = city_totals(kind, facts)
    col = plan.rate or plan.value
    return float(totals[col]) if col in totals and pd.notna(totals[col]) else float("nan")


def trend(kind: str, facts_by_date: dict, county: str | None = None) -> pd.DataFrame:
    """as_of, city, county (NaN when none chosen or it had no items) over the snapshot dates, oldest first;
    facts_by_date: date → the facts of the set's counties as of that date."""
    rows = [{"as_of": d, "city": trend_value(kind, f), "county": trend_value(kind, f, county) if county else np.nan}
            for d, f in sorted(facts_by_date.items())]
    return pd.DataFrame(rows, columns=["as_of", "city", "county"])
