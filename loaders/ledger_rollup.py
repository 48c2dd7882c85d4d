"""Ledgers roll up into the county indicators they feed: pure functions from a kind's items (a typed frame, as
Store.ledger_snapshot or a parsed file gives it) to county values and to the facts the ledger pages show.

The indicator values follow the kind's `rolls_up` declaration (data/ledgers.toml): Σ a number column, or a count,
over the items matching `where` (and `in_year`). Each county's items carry their snapshot's date (`as_of`): a value
is the county's YTD level as of that date, written at the period of its month (YYYY-MM). The facts are per kind
(FACTS), things a meeting chases that are not catalogue indicators: disputed debt, small debts not cleared,
overdue items, counts by stage. Layering: loaders may not import indicators, so the maths lives here.
"""

from __future__ import annotations

import pandas as pd

from loaders import catalogue as catalogue_mod
from loaders.ledger_kinds import Kind, Rollup

VALUE_COLUMNS = ["region_code", "as_of", "indicator", "value"]
OBS_COLUMNS = ["region_code", "period", "indicator", "measure", "value", "src_row"]
MEASURE = "cum_level"  # a ledger fills YTD levels; growth rates stay the bureau's (DESIGN: never recomputed)
COUNT_UNITS = ("件", "家", "个")
SRC_ROW = 0  # observations summed from a ledger's items come from no single row of its file


def _as_of(items: pd.DataFrame, as_of=None) -> pd.Series:
    """Each item's snapshot date (datetime64): the frame's as_of column, else the date given."""
    if "as_of" in items.columns:
        return pd.to_datetime(items["as_of"])
    if as_of is None:
        raise ValueError("items without an as_of column need the snapshot's date (as_of=…)")
    return pd.Series(pd.Timestamp(as_of), index=items.index)


def _mask(rollup: Rollup, items: pd.DataFrame, as_of: pd.Series) -> pd.Series:
    keep = pd.Series(True, index=items.index)
    for col, value in rollup.where.items():
        keep &= items[col].eq(value).fillna(False).astype(bool)
    if rollup.in_year:
        day = pd.to_datetime(items[rollup.in_year])
        keep &= day.notna() & (day.dt.year == as_of.dt.year) & (day <= as_of)
    return keep


def indicator_values(kind: Kind, items: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """region_code, as_of, indicator, value: one row per county in `items` and per declared roll-up (a county
    with items but none matching gets 0, never a gap: it reported)."""
    if items.empty:
        return pd.DataFrame(columns=VALUE_COLUMNS)
    day = _as_of(items, as_of)
    counties = (pd.DataFrame({"region_code": items["region_code"].astype(str), "as_of": day})
                .drop_duplicates("region_code").sort_values("region_code"))
    out = []
    for r in kind.rollups:
        keep = _mask(r, items, day)
        picked = items[keep]
        if r.count:
            by = picked.groupby(picked["region_code"].astype(str)).size().astype(float)
        else:
            by = picked.groupby(picked["region_code"].astype(str))[r.sum].sum(min_count=1).astype(float)
        values = by.reindex(counties["region_code"]).fillna(0.0).to_numpy()
        out.append(counties.assign(indicator=r.indicator, value=values))
    return pd.concat(out, ignore_index=True)[VALUE_COLUMNS]


def observations(kind: Kind, items: pd.DataFrame, as_of=None,
                 catalogue: catalogue_mod.Catalogue | None = None) -> pd.DataFrame:
    """The observation rows a committed snapshot writes: region_code, period (the as-of month), indicator,
    measure cum_level, value, src_row 0. A month the indicator does not report (KEY_PROJ's first period is 1–2月,
    so a January snapshot fills nothing) is left out."""
    catalogue = catalogue or catalogue_mod.default()
    v = indicator_values(kind, items, as_of)
    if v.empty:
        return pd.DataFrame(columns=OBS_COLUMNS)
    period = pd.to_datetime(v["as_of"]).dt.strftime("%Y-%m")
    month = pd.to_datetime(v["as_of"]).dt.month
    reports = [m in catalogue[c].months for c, m in zip(v["indicator"], month, strict=True)]
    obs = v.assign(period=period, measure=MEASURE, src_row=SRC_ROW)[reports]
    return obs[OBS_COLUMNS].reset_index(drop=True)


def value_text(value: float, unit: str) -> str:
    """A rolled-up value as a message writes it: 3,512.0万元, 12件 (counts are whole)."""
    if unit in COUNT_UNITS:
        return f"{value:,.0f}{unit}"
    return f"{value:,.1f}{unit}"


# ---------------------------------------------------------------- facts per kind (not catalogue indicators)

def _per_county(items: pd.DataFrame, columns: dict[str, pd.Series | bool | int]) -> pd.DataFrame:
    """Sum each series per county: one row per county of `items`, in code order. Flags (booleans) and the
    constant 1 sum to whole counts (int64, never shown as 9.0); amounts stay floats."""
    def typed(v):
        s = pd.Series(v, index=items.index)
        return s.astype("int64") if s.dtype == bool or pd.api.types.is_integer_dtype(s) else s.astype(float)
    frame = pd.DataFrame({k: typed(v) for k, v in columns.items()})
    frame["region_code"] = items["region_code"].astype(str)
    return frame.groupby("region_code").sum().reset_index()


def arrears_facts(kind: Kind, items: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Per county: undisputed and disputed owed / repaid (万元), the undisputed rate (%; the headline 清偿率, NaN
    when nothing undisputed is owed), small undisputed debts (below `small_debt`) not cleared, and items past
    their due date not cleared (any dispute state) with the amount outstanding on them.

    “Cleared” means repaid ≥ owed; a due date on the snapshot's own date is not yet overdue."""
    day = _as_of(items, as_of)
    disputed = items["disputed"].fillna(False).astype(bool)
    owed, repaid = items["owed"].fillna(0.0), items["repaid"].fillna(0.0)
    open_ = repaid < owed
    overdue = items["due_date"].notna() & (pd.to_datetime(items["due_date"]) < day) & open_
    small = ~disputed & (owed < kind.limits["small_debt"]) & open_
    out = _per_county(items, {
        "items": 1, "owed_undisputed": owed.where(~disputed, 0.0), "repaid_undisputed": repaid.where(~disputed, 0.0),
        "owed_disputed": owed.where(disputed, 0.0), "repaid_disputed": repaid.where(disputed, 0.0),
        "disputed_items": disputed, "small_open": small, "overdue_items": overdue,
        "overdue_outstanding": (owed - repaid).where(overdue, 0.0),
    })
    base = out["owed_undisputed"]
    out["rate_undisputed"] = (out["repaid_undisputed"] / base * 100).where(base > 0)
    return out


def complaint_deadline(kind: Kind, items: pd.DataFrame) -> pd.Series:
    """Each lead's last allowed day: received + handle_days_undisputed (an undisputed lead) or + handle_days
    (disputed, or not said), calendar days."""
    undisputed = items["disputed"].eq(False).fillna(False).astype(bool)
    days = undisputed.map({True: kind.limits["handle_days_undisputed"], False: kind.limits["handle_days"]})
    return pd.to_datetime(items["received"]) + pd.to_timedelta(days.astype(float), unit="D")


def complaint_flags(kind: Kind, items: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Per lead: deadline, overdue_open (not handled and the deadline passed by the snapshot's date) and
    handled_late (handled after the deadline)."""
    day = _as_of(items, as_of)
    deadline = complaint_deadline(kind, items)
    handled = pd.to_datetime(items["handled"])
    return pd.DataFrame({"deadline": deadline, "overdue_open": handled.isna() & (day > deadline),
                         "handled_late": handled.notna() & (handled > deadline)}, index=items.index)


def complaints_facts(kind: Kind, items: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Per county: leads received and handled in the year (the indicator counts), open leads, the 办结率 (%),
    overdue open leads and leads handled late (complaint_flags)."""
    day = _as_of(items, as_of)
    flags = complaint_flags(kind, items, as_of)
    received = pd.to_datetime(items["received"])
    handled = pd.to_datetime(items["handled"])
    in_year = (received.dt.year == day.dt.year) & (received <= day)
    done = handled.notna() & (handled.dt.year == day.dt.year) & (handled <= day)
    out = _per_county(items, {"received": in_year, "handled": done, "open": handled.isna(),
                              "overdue_open": flags["overdue_open"], "handled_late": flags["handled_late"]})
    out["rate"] = (out["handled"] / out["received"] * 100).where(out["received"] > 0)
    return out


def investment_facts(kind: Kind, items: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Per county: projects, Σ contract, Σ in place (all and from outside the province), and the count and
    contract sum of projects at each stage (stage_洽谈 …, contract_洽谈 …)."""
    outside = items["outside_province"].fillna(False).astype(bool)
    cols = {"items": 1, "contract": items["contract"].fillna(0.0), "in_place": items["in_place"].fillna(0.0),
            "in_place_outside": items["in_place"].fillna(0.0).where(outside, 0.0)}
    for stage in kind["stage"].choices:
        at = items["stage"].eq(stage).fillna(False).astype(bool)
        cols[f"stage_{stage}"] = at
        cols[f"contract_{stage}"] = items["contract"].fillna(0.0).where(at, 0.0)
    return _per_county(items, cols)


def key_projects_facts(kind: Kind, items: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Per county: projects, started (已开工 or 竣工), the 开工率 (%), Σ planned and Σ completed (万元), completion
    of the annual plan (%), and projects not started although their planned start date has passed."""
    day = _as_of(items, as_of)
    started = items["start_state"].isin(["已开工", "竣工"])
    late = ~started & items["planned_start"].notna() & (pd.to_datetime(items["planned_start"]) < day)
    out = _per_county(items, {"items": 1, "started": started, "planned": items["planned"].fillna(0.0),
                              "completed": items["completed"].fillna(0.0), "start_overdue": late})
    out["start_rate"] = out["started"] / out["items"] * 100
    out["completion"] = (out["completed"] / out["planned"] * 100).where(out["planned"] > 0)
    return out


def sishang_facts(kind: Kind, items: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Per county: enterprises in the pipeline, the count in each state (state_培育中 …) and, of those 已入库,
    the count per type (entered_规上工业 …)."""
    entered = items["state"].eq("已入库").fillna(False).astype(bool)
    cols = {"items": 1}
    for state in kind["state"].choices:
        cols[f"state_{state}"] = items["state"].eq(state).fillna(False).astype(bool)
    for typ in kind["type"].choices:
        cols[f"entered_{typ}"] = entered & items["type"].eq(typ).fillna(False).astype(bool)
    return _per_county(items, cols)


FACTS = {"arrears": arrears_facts, "complaints": complaints_facts, "investment": investment_facts,
         "key_projects": key_projects_facts, "sishang": sishang_facts}


def facts(kind: Kind, items: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """The kind's per-county facts (FACTS), one row per county of `items`; an empty frame for no items or a kind
    without facts."""
    if items.empty or kind.code not in FACTS:
        return pd.DataFrame(columns=["region_code"])
    return FACTS[kind.code](kind, items, as_of)
