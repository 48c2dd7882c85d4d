"""Units below the county ranked by completion of their annual task, from a ledger snapshot: pure functions (frames
in, frames out), and `read` that takes the frames from the store.

- A unit's **result** for a measure (data/unit_measures.toml) is computed from the snapshot's items whose 责任单位
  resolves to the unit (loaders/units.py); **completion** = result / task.
- A unit **reported** for the snapshot when it has an item in it, or a unit_reports row for the ledger dated no
  earlier than its county's snapshot and no later than the ranking's date (a report, like a snapshot, stands
  until a newer one). A unit that did not report is **未上报**: its result is unknown, never zero.
- **未破零**: a task > 0, reported, and a result of zero; such a unit is ranked (completion 0) and named.
- Units without a task (none, or 0) are **无任务**: left out of the ranking and listed apart.
- Ranks are within each (unit kind, parent region), by completion, ties sharing the smaller rank
  (indicators/ranking.py).
- Cadences (一周一通报、半月一排名、一月一调度): of the snapshot dates, the latest in each week (Monday–Sunday),
  half month (1–15, 16–end) or month is that period's snapshot; changes are against the previous period's.
"""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd

from indicators import ranking as ranking_mod
from loaders import regions as regions_mod
from loaders import unit_measures as measures_mod
from loaders import units as units_mod

RANKED, ZERO, NOT_REPORTED, NO_TASK = "ranked", "zero", "not_reported", "no_task"
STATE_ZH = {RANKED: "已排名", ZERO: "未破零", NOT_REPORTED: "未上报", NO_TASK: "无任务"}
CADENCES = {"weekly": "一周一通报", "half_monthly": "半月一排名", "monthly": "一月一调度"}
KEY = ["region_code", "unit_kind", "name"]
COLUMNS = [*KEY, "task", "result", "completion", "reported", "state", "rank"]


def attach_units(items: pd.DataFrame, units: pd.DataFrame, regions: regions_mod.Regions | None = None) -> pd.DataFrame:
    """The items with `parent` and `unit_name`: the unit their 责任单位 resolves to within their county (None when
    it does not)."""
    d = units_mod.UnitDirectory(units, regions)
    hits = [d.resolve(u, r) if isinstance(u, str) else None for u, r in zip(items["unit"], items["region_code"],
                                                                             strict=True)]
    return items.assign(parent=[h[0] if h else None for h in hits], unit_name=[h[1] if h else None for h in hits])


def unresolved(items: pd.DataFrame) -> pd.DataFrame:
    """责任单位 texts (attach_units'ed items) that name no known unit: region_code, unit, items."""
    bad = items[items["unit_name"].isna() & items["unit"].notna() & (items["unit"].astype(str).str.strip() != "")]
    return (bad.groupby(["region_code", "unit"]).size().reset_index(name="items")
            if len(bad) else pd.DataFrame(columns=["region_code", "unit", "items"]))


def measure_results(items: pd.DataFrame, measure: measures_mod.Measure) -> pd.DataFrame:
    """Each unit's result for the measure from attach_units'ed items: parent, unit_name, result (units with items
    only; a unit with items none of which count has 0)."""
    own = items[items["unit_name"].notna()]
    if measure.compute == "sum":
        values = own[measure.column].astype(float).fillna(0.0)
    elif measure.where_in:
        values = own[measure.where_column].isin(measure.where_in).astype(float)
    elif measure.where_present:
        values = own[measure.where_column].notna().astype(float)
    else:
        values = pd.Series(1.0, index=own.index)
    out = own[["parent", "unit_name"]].assign(result=values).groupby(["parent", "unit_name"], as_index=False)["result"]
    return out.sum()


def reported_units(items: pd.DataFrame, reports: pd.DataFrame, as_of: dt.date,
                   regions: regions_mod.Regions | None = None) -> pd.DataFrame:
    """parent, unit_name of the units that reported (see the module docstring) for a ranking as of `as_of`."""
    regions = regions or regions_mod.default()
    with_items = items.loc[items["unit_name"].notna(), ["parent", "unit_name"]]
    snap: dict[str, dt.date] = {}  # parent region → date of the newest snapshot its units' items come from
    for code, day in items.groupby("region_code")["as_of"].max().items():
        day = pd.Timestamp(day).date()
        for parent in {code, regions.city_of(code)} - {None}:
            snap[parent] = max(snap.get(parent, day), day)
    if len(reports):
        days = pd.to_datetime(reports["as_of"]).dt.date
        floor = reports["region_code"].map(lambda p: snap.get(p, dt.date.min))
        keep = (days <= as_of) & (days >= floor)
        by_report = reports.loc[keep, ["region_code", "unit_name"]].rename(columns={"region_code": "parent"})
    else:
        by_report = pd.DataFrame(columns=["parent", "unit_name"])
    return pd.concat([with_items, by_report]).drop_duplicates().reset_index(drop=True)


def rank_units(units: pd.DataFrame, tasks: pd.DataFrame, results: pd.DataFrame,
               reported: pd.DataFrame) -> pd.DataFrame:
    """One row per unit (COLUMNS): task (NaN: none), result (NaN: 未上报), completion, reported, state and rank
    within (unit_kind, region_code); `tasks` holds one measure and year (region_code, unit_name, value)."""
    df = units[["region_code", "unit_kind", "name"]].copy()
    t = tasks.rename(columns={"unit_name": "name", "value": "task"})[["region_code", "name", "task"]]
    r = results.rename(columns={"parent": "region_code", "unit_name": "name"})
    rep = reported.rename(columns={"parent": "region_code", "unit_name": "name"}).assign(reported=True)
    df = df.merge(t, on=["region_code", "name"], how="left").merge(r, on=["region_code", "name"], how="left")
    df = df.merge(rep.drop_duplicates(), on=["region_code", "name"], how="left")
    df["reported"] = df["reported"].fillna(False).astype(bool)
    df["task"] = df["task"].astype(float)
    df["result"] = df["result"].astype(float)
    df.loc[df["reported"] & df["result"].isna(), "result"] = 0.0  # reported, no item counts: a real zero
    df.loc[~df["reported"], "result"] = float("nan")  # 未上报: unknown, never zero
    has_task = df["task"].fillna(0.0) > 0
    df["completion"] = (df["result"] / df["task"]).where(has_task)
    df["state"] = NO_TASK
    df.loc[has_task & ~df["reported"], "state"] = NOT_REPORTED
    df.loc[has_task & df["reported"], "state"] = RANKED
    df.loc[has_task & df["reported"] & (df["result"] == 0), "state"] = ZERO
    ranked = df["state"].isin([RANKED, ZERO])
    df["rank"] = pd.Series(pd.NA, index=df.index, dtype="Int64")
    for _, idx in df[ranked].groupby(["unit_kind", "region_code"]).groups.items():
        df.loc[idx, "rank"] = ranking_mod.rank(df.loc[idx, "completion"])
    order = df["state"].map({RANKED: 0, ZERO: 0, NOT_REPORTED: 1, NO_TASK: 2})
    df = df.assign(_o=order).sort_values(["region_code", "unit_kind", "_o", "rank", "name"], kind="stable")
    return df.drop(columns="_o")[COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------- cadences


def period_end(day: dt.date, cadence: str) -> dt.date:
    """The last day of the cadence's period holding `day`: the Sunday of its week, the 15th or the month's end."""
    last = dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    if cadence == "weekly":
        return day + dt.timedelta(days=6 - day.weekday())
    if cadence == "half_monthly":
        return dt.date(day.year, day.month, 15) if day.day <= 15 else last
    if cadence == "monthly":
        return last
    raise ValueError(f"unknown cadence '{cadence}'; cadences are {', '.join(CADENCES)}")


def cadence_dates(dates, cadence: str) -> pd.DataFrame:
    """period_end, as_of: for each period of the cadence that has a snapshot, its latest snapshot; oldest first."""
    rows = {}
    for d in sorted(set(dates)):
        rows[period_end(d, cadence)] = d  # later dates of the same period overwrite earlier ones
    return pd.DataFrame({"period_end": list(rows), "as_of": list(rows.values())})


def with_changes(current: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """The current ranking plus prev_result, result_change, prev_rank and rank_change (places up, positive =
    better) against the previous one; NaN / NA where either side has none (a unit 未上报 then has no change)."""
    out = current.copy()
    if previous is None or previous.empty:
        out["prev_result"], out["prev_rank"] = float("nan"), pd.Series(pd.NA, index=out.index, dtype="Int64")
    else:
        prev = previous[KEY + ["result", "rank"]].rename(columns={"result": "prev_result", "rank": "prev_rank"})
        out = out.merge(prev, on=KEY, how="left")
    out["result_change"] = out["result"] - out["prev_result"]
    out["rank_change"] = ranking_mod.rank_change(out["rank"], out["prev_rank"].astype("Int64"))
    return out


# ---------------------------------------------------------------- from the store


def read(store, measure: str, as_of: dt.date, *, unit_kind: str | None = None, region: str | None = None,
         measures: measures_mod.Measures | None = None,
         regions: regions_mod.Regions | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ranking, unresolved 责任单位) of `measure` as of a date, from the store: the ledger's snapshot, the current
    units and the tasks of as_of's year. `unit_kind` and `region` (the parent; a county also brings its city's
    市直部门) narrow the units shown."""
    m = (measures or measures_mod.default())[measure]
    regions = regions or regions_mod.default()
    units = store.units()
    items = attach_units(store.ledger_snapshot(m.ledger, as_of), units, regions)
    tasks = store.unit_tasks(years=[as_of.year], measures=[m.code])
    reported = reported_units(items, store.unit_reports(m.ledger, as_of), as_of, regions)
    table = rank_units(units, tasks, measure_results(items, m), reported)
    if unit_kind is not None:
        table = table[table["unit_kind"] == unit_kind]
    missing = unresolved(items)
    if region is not None:
        table = table[table["region_code"].isin({region, regions.city_of(region)} - {None})]
        missing = missing[missing["region_code"] == region]
    return table.reset_index(drop=True), missing.reset_index(drop=True)


def ranking_at(store, measure: str, as_of: dt.date, cadence: str | None = None,
               **kw) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(ranking, unresolved 责任单位, dates): `read` as of the date (cadence None; dates {"as_of"}), or
    `read_cadence` with its changes, the unresolved names being those of the snapshot it picked."""
    if cadence is None:
        table, missing = read(store, measure, as_of, **kw)
        return table, missing, {"as_of": as_of, "previous": None, "period_end": None}
    table, dates = read_cadence(store, measure, as_of, cadence, **kw)
    return table, read(store, measure, dates["as_of"] or as_of, **kw)[1], dates


def read_cadence(store, measure: str, as_of: dt.date, cadence: str, **kw) -> tuple[pd.DataFrame, dict]:
    """The ranking at the cadence's latest snapshot on or before `as_of`, with changes against the previous
    period's snapshot; and {"as_of", "previous", "period_end"} (dates, None when there is none)."""
    m = (kw.get("measures") or measures_mod.default())[measure]
    dates = [d for d in store.unit_snapshot_dates(m.ledger) if d <= as_of]
    picked = cadence_dates(dates, cadence)
    if picked.empty:
        table, _ = read(store, measure, as_of, **kw)
        return with_changes(table, None), {"as_of": None, "previous": None, "period_end": None}
    now_, prev_ = picked.iloc[-1], (picked.iloc[-2] if len(picked) > 1 else None)
    table, _ = read(store, measure, now_["as_of"], **kw)
    previous = read(store, measure, prev_["as_of"], **kw)[0] if prev_ is not None else None
    return with_changes(table, previous), {"as_of": now_["as_of"], "period_end": now_["period_end"],
                                           "previous": prev_["as_of"] if prev_ is not None else None}


def read_series(store, measure: str, as_of: dt.date, cadence: str, **kw) -> pd.DataFrame:
    """Every period's ranking of the cadence up to `as_of` (the trend), each with its changes against the period
    before: period_end, as_of, then with_changes' columns; oldest first, empty when the ledger has no snapshot."""
    m = (kw.get("measures") or measures_mod.default())[measure]
    picked = cadence_dates([d for d in store.unit_snapshot_dates(m.ledger) if d <= as_of], cadence)
    parts, previous = [], None
    for p in picked.itertuples(index=False):
        table = read(store, measure, p.as_of, **kw)[0]
        parts.append(with_changes(table, previous).assign(period_end=p.period_end, as_of=p.as_of))
        previous = table
    if not parts:
        return pd.DataFrame(columns=["period_end", "as_of", *COLUMNS, "prev_result", "prev_rank", "result_change",
                                     "rank_change"])
    out = pd.concat(parts, ignore_index=True)
    return out[["period_end", "as_of", *[c for c in out.columns if c not in ("period_end", "as_of")]]]
