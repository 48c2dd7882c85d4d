"""Targets and progress: completion, 序时进度 (linear and seasonal), the gap in 个百分点, status,
pace arrow, 双过半 and growth status, for one value (scalar in, scalar out; Series in, Series out)
or for a whole table. Percentages are 0–100 (37.5 means 37.5 %); gaps are percentage points.
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from indicators.derive import QUARTER_END_MONTHS, carry_forward, derived, parse_period, year_month
from loaders.catalogue import MEASURES, Catalogue

MONTHS_IN_YEAR = 12
# Seasonal 序时进度 averages the shares of the previous three years: enough to smooth one odd year,
# recent enough to follow a changing pattern (DESIGN.md §4 leaves the number open).
SEASONAL_YEARS = 3
# 双过半 (DESIGN.md §4, methodology.md): at 1–6月 completion ≥ 50 % of the annual target.
HALF_YEAR_MONTH = 6
DOUBLE_HALF_PCT = 50.0
# Growth is published to one decimal (statistics.md); 正增长 / 持平 / 负增长 is judged on that figure.
GROWTH_DECIMALS = 1
# Gaps are shown to 0.01 个百分点 (methodology.md: −4.17); statuses are judged on the shown value
# so that float noise never moves a value across a boundary.
GAP_DECIMALS = 2
# The pace ratio is rounded only to remove float noise at its category boundaries.
PACE_DECIMALS = 6
# Half-up rounding (四舍五入) needs a nudge: 0.15 is stored as 0.1499999….
_ROUND_NUDGE = 1e-9

# The engine returns keys; the UI says them in a language (layouts/i18n.py, label("status", key, lang)).
# Statuses 达标 / 接近 / 落后 / 严重落后 / 无数据; the key is also what the UI maps to a colour.
OK, NEAR, BEHIND, FAR, NO_DATA = "ok", "near", "behind", "far", "none"
STATUSES = (OK, NEAR, BEHIND, FAR)
STATUS_KEYS = (*STATUSES, NO_DATA)  # every value status() returns

# Growth status 正增长 / 持平 / 负增长 (DESIGN.md §4: 正增长 = growth > 0; 0.0 is 持平).
POSITIVE, FLAT, NEGATIVE = "positive", "flat", "negative"
GROWTH_STATUSES = (POSITIVE, FLAT, NEGATIVE)

# Pace arrow (DESIGN.md §4): achieved pace / required pace.
# 已完成 / 进度正常 / 追赶中 / 进展缓慢 / 持续落后 / 未完成
DONE, ON_TRACK, IMPROVING, STAGNATING, FALLING, MISSED = (
    "done", "on_track", "improving", "stagnating", "falling", "missed")
PACES = (DONE, ON_TRACK, IMPROVING, STAGNATING, FALLING, MISSED)
PACE_ON_TRACK = 1.0  # ≥ 100 % of the required pace
PACE_IMPROVING = 0.5  # 50–100 %
PACE_STAGNATING = 0.0  # 0–50 %; below 0 (the year to date shrinks) falling behind

# How a row compares with its target.
COMPLETION = "completion"  # cumulative level target: completion % against 序时进度
GROWTH = "growth"  # growth target: YTD growth against the target growth, in pp
RATE = "rate"  # level target of a ratio indicator: the ratio against the target, in pp
# Where a seasonal share or a period target comes from.
OWN_HISTORY, PROVINCE_MEDIAN, LINEAR, UPLOADED, ANNUAL = (
    "own_history", "province_median", "linear", "uploaded", "annual")
SCHEDULES = (LINEAR, "seasonal")


@dataclass(frozen=True)
class Thresholds:
    """Gap thresholds in 个百分点; a gap exactly at a threshold gets the better status."""

    # Completion − 序时进度. One month of the linear schedule is 100/12 = 8.33 pp: within 3 pp is
    # about a third of a month (接近), within 10 pp about 1.2 months (落后), beyond that 严重落后.
    level_ok: float = 0.0
    level_near: float = -3.0
    level_behind: float = -10.0
    # YTD growth − target growth. County growth targets are mostly 4–8 % (statistics.md), so a
    # 1 pp miss is close and a 3 pp miss is about half the target.
    growth_ok: float = 0.0
    growth_near: float = -1.0
    growth_behind: float = -3.0

    def __post_init__(self):
        for part in ("level", "growth"):
            ok, near, behind = (getattr(self, f"{part}_{k}") for k in ("ok", "near", "behind"))
            if not ok >= near >= behind:
                raise ValueError(f"Thresholds: need {part}_ok ≥ {part}_near ≥ {part}_behind, "
                                 f"got {ok}, {near}, {behind}")

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


THRESHOLDS = Thresholds()


# ---------------------------------------------------------------- small helpers

def _arr(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _like(values: np.ndarray, *inputs):
    """Shape the result like the first Series among the inputs, a scalar for scalars, else an array."""
    for x in inputs:
        if isinstance(x, pd.Series):
            return pd.Series(values, index=x.index)
    if all(np.ndim(x) == 0 for x in inputs):
        v = np.asarray(values).reshape(-1)[0]
        return v.item() if isinstance(v, np.generic) else v
    return values


def round_half_up(x, decimals: int = GROWTH_DECIMALS):
    """四舍五入 to `decimals` (half away from zero, as published); NaN stays NaN."""
    a = _arr(x)
    f = 10.0 ** decimals
    return _like(np.sign(a) * np.floor(np.abs(a) * f + 0.5 + _ROUND_NUDGE) / f, x)


def months_elapsed(period: str) -> int:
    """Months of the year covered by a year-to-date period ('2026-05' → 5)."""
    return parse_period(period)[1]


# ---------------------------------------------------------------- 序时进度

def linear_schedule(period):
    """Linear 序时进度 in %: months elapsed / 12 ('2026-05' → 41.6667). Takes a period or a month."""
    month = months_elapsed(period) if isinstance(period, str) else period
    return _like(_arr(month) / MONTHS_IN_YEAR * 100, month)


def _history(obs: pd.DataFrame, code: str) -> pd.DataFrame:
    """YTD cum_level of one indicator as shares (%) of the same year's December value (> 0)."""
    lv = obs[(obs["indicator"] == code) & (obs["measure"] == "cum_level")]
    year, month = year_month(lv["period"])
    lv = pd.DataFrame({"region_code": lv["region_code"].to_numpy(), "year": year, "month": month,
                       "value": lv["value"].to_numpy()})
    dec = lv[(lv["month"] == MONTHS_IN_YEAR) & (lv["value"] > 0)][["region_code", "year", "value"]]
    sh = lv.merge(dec.rename(columns={"value": "december"}), on=["region_code", "year"])
    return sh.assign(share_pct=sh["value"] / sh["december"] * 100)


def _own_shares(history: pd.DataFrame, years: Iterable[int], k: int) -> pd.DataFrame:
    """Mean share per region, target year and month over years Y−k … Y−1 that have a December value."""
    parts = []
    for y in years:
        h = history[(history["year"] >= y - k) & (history["year"] < y)]
        g = h.groupby(["region_code", "month"], observed=True)["share_pct"].agg(["mean", "size"]).reset_index()
        parts.append(g.rename(columns={"mean": "share_pct", "size": "n_years"}).assign(year=int(y)))
    cols = ["region_code", "year", "month", "share_pct", "n_years"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def seasonal_share(obs: pd.DataFrame, code: str, region: str, year: int, k: int = SEASONAL_YEARS) -> pd.Series:
    """Seasonal 序时进度 of one region in %, by month: the mean over years year−k … year−1 (those
    with a December value) of YTD[m] / YTD[12] × 100. Empty when the region has no such history."""
    own = _own_shares(_history(obs[obs["region_code"] == region], code), [year], k)
    return own.set_index("month")["share_pct"].rename("share_pct").sort_index()


def seasonal_shares(obs: pd.DataFrame, code: str, years: Iterable[int], k: int = SEASONAL_YEARS, *,
                    regions: Iterable[str] | None = None, months: Iterable[int] | None = None) -> pd.DataFrame:
    """Seasonal 序时进度 for every region × year × month: region_code, year, month, share_pct,
    n_years, basis. The basis is own_history when the region has one, else province_median (the
    median of the own shares of every region in `obs` for that year and month), else linear.

    Regions default to those with values of `code` in `obs`; months to the months observed.
    """
    years = [int(y) for y in years]
    history = _history(obs, code)
    own = _own_shares(history, years, k)
    region_list = sorted(set(regions) if regions is not None else set(history["region_code"]) |
                         set(obs.loc[obs["indicator"] == code, "region_code"]))
    month_list = sorted(set(months) if months is not None else set(history["month"]) or range(1, 13))
    grid = pd.MultiIndex.from_product([region_list, years, month_list], names=["region_code", "year", "month"])
    out = grid.to_frame(index=False).merge(own, on=["region_code", "year", "month"], how="left")
    median = own.groupby(["year", "month"])["share_pct"].median().rename("median_pct").reset_index()
    out = out.merge(median, on=["year", "month"], how="left")
    linear = out["month"] / MONTHS_IN_YEAR * 100
    has_own, has_median = out["share_pct"].notna(), out["median_pct"].notna()
    out["basis"] = np.select([has_own, has_median], [OWN_HISTORY, PROVINCE_MEDIAN], LINEAR)
    out["share_pct"] = out["share_pct"].fillna(out["median_pct"]).fillna(linear)
    out["n_years"] = out["n_years"].fillna(0).astype(int)
    return out[["region_code", "year", "month", "share_pct", "n_years", "basis"]]


# ---------------------------------------------------------------- completion, gaps, statuses

def completion(actual_ytd_level, annual_target):
    """Completion of the annual target in % (45 of 120 → 37.5); NaN when the target is not positive."""
    a, t = _arr(actual_ytd_level), _arr(annual_target)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _like(np.where(t > 0, a / t * 100, np.nan), actual_ytd_level, annual_target)


def gap_pp(completion_pct, schedule_pct):
    """Completion − 序时进度 in 个百分点 (37.5 − 41.6667 = −4.17): negative is behind schedule."""
    return _like(_arr(completion_pct) - _arr(schedule_pct), completion_pct, schedule_pct)


def growth_gap_pp(yoy, target_growth):
    """YTD growth − target growth in 个百分点."""
    return _like(_arr(yoy) - _arr(target_growth), yoy, target_growth)


def shown_gap(value, reference):
    """The gap as published: the difference of the two figures as printed to one decimal (45.2% − 41.7% = 3.5
    个百分点, reference/methodology.md), so a reader who subtracts the printed numbers gets the printed gap. Pages,
    the brief and the 约谈 rules say this; gap_pp (unrounded) sets the status."""
    return round_half_up(round_half_up(value, GROWTH_DECIMALS) - round_half_up(reference, GROWTH_DECIMALS),
                         GROWTH_DECIMALS)


def growth_status(yoy):
    """positive / flat / negative (正增长 / 持平 / 负增长) of a YTD growth rate, judged on the published one-decimal figure:
    0.04 and −0.04 round to 0.0 and are flat; 0.05 rounds to 0.1 and is positive. None when missing."""
    r = _arr(round_half_up(yoy, GROWTH_DECIMALS))
    out = np.select([r > 0, r < 0, r == 0], [POSITIVE, NEGATIVE, FLAT], None).astype(object)
    return _like(out, yoy)


def status(gap, mode: str = COMPLETION, thresholds: Thresholds = THRESHOLDS):
    """ok / near / behind / far (达标 / 接近 / 落后 / 严重落后) from a gap in 个百分点 (none when missing). `mode` completion
    uses the level thresholds, growth and rate the growth thresholds."""
    part = "level" if mode == COMPLETION else "growth"
    ok, near, behind = (getattr(thresholds, f"{part}_{k}") for k in ("ok", "near", "behind"))
    g = np.round(_arr(gap), GAP_DECIMALS)
    out = np.select([np.isnan(g), g >= ok, g >= near, g >= behind], [NO_DATA, OK, NEAR, BEHIND], FAR)
    return _like(out.astype(object), gap)


# ---------------------------------------------------------------- pace

def pace(ytd, target, months) -> pd.DataFrame:
    """Pace arrow: achieved = ytd / months elapsed, required = (target − ytd) / months remaining,
    ratio = achieved / required; ≥ 1 on_track, 0.5–1 improving, 0–0.5 stagnating, < 0 falling.
    done when the target is already met, missed at 1–12月 when it is not. One row per input."""
    y, t, m = np.broadcast_arrays(*(np.atleast_1d(_arr(x)) for x in (ytd, target, months)))
    valid = ~np.isnan(y) & (t > 0) & (m >= 1) & (m <= MONTHS_IN_YEAR)
    remaining = MONTHS_IN_YEAR - m
    with np.errstate(divide="ignore", invalid="ignore"):
        achieved = np.where(valid, y / m, np.nan)
        required = np.where(valid & (remaining > 0), (t - y) / remaining, np.nan)
        done = valid & (y >= t)
        ratio = np.where(valid & ~done & (remaining > 0), achieved / required, np.nan)
    r = np.round(ratio, PACE_DECIMALS)
    key = np.select(
        [~valid, done, remaining == 0, r >= PACE_ON_TRACK, r >= PACE_IMPROVING, r >= PACE_STAGNATING, r < 0],
        [None, DONE, MISSED, ON_TRACK, IMPROVING, STAGNATING, FALLING], None).astype(object)
    index = next((x.index for x in (ytd, target, months) if isinstance(x, pd.Series)), None)
    return pd.DataFrame({"pace_achieved": achieved, "pace_required": required, "pace_ratio": ratio,
                         "pace": key}, index=index)


# ---------------------------------------------------------------- 双过半

def double_half(completion_pct, month):
    """双过半 of a level target: at 1–6月, completion ≥ 50 %; None at any other month or when missing."""
    return _half(_arr(completion_pct) >= DOUBLE_HALF_PCT, _arr(completion_pct), month, completion_pct)


def double_half_growth(yoy, target_growth, month):
    """双过半 of a growth target: at 1–6月, YTD growth ≥ the target growth (half the year gone, the
    growth already at the year's target); None at any other month or when missing."""
    value = _arr(yoy) - _arr(target_growth)
    return _half(np.round(value, GAP_DECIMALS) >= 0, value, month, yoy)


def _half(met: np.ndarray, value: np.ndarray, month, like):
    met, known = np.broadcast_arrays(np.atleast_1d(met), np.atleast_1d((_arr(month) == HALF_YEAR_MONTH) & ~np.isnan(value)))
    out = np.array([bool(m) if k else None for m, k in zip(met, known, strict=True)], dtype=object)
    return _like(out, like, month)


# ---------------------------------------------------------------- period and quarterly targets

def _annual(targets: pd.DataFrame, year: int) -> pd.DataFrame:
    t = targets[(targets["year"].astype(int) == year) & (targets["period"] == f"{year}-12")]
    return t[["region_code", "indicator", "kind", "value"]].rename(columns={"value": "annual_target"})


TARGET_COLUMNS = ["region_code", "indicator", "kind", "period", "value", "annual_target", "share_pct", "basis"]


def period_target_frame(targets: pd.DataFrame, obs: pd.DataFrame, catalogue: Catalogue, period: str,
                        k: int = SEASONAL_YEARS) -> pd.DataFrame:
    """The target that applies to a year-to-date period, per region × indicator × kind: an uploaded
    target for that period when there is one; else for a level target the annual target × the
    seasonal share of the year reached by that month (own history, province median, then linear);
    for a growth target the annual growth target. Columns: TARGET_COLUMNS."""
    year, month = parse_period(period)
    if targets.empty:  # no targets uploaded for that year: nothing to compare with
        return pd.DataFrame(columns=TARGET_COLUMNS)
    return _targets_at(targets, obs, catalogue, year, [month], k)


def quarterly_targets(targets: pd.DataFrame, obs: pd.DataFrame, catalogue: Catalogue, year: int,
                      k: int = SEASONAL_YEARS) -> pd.DataFrame:
    """period_target_frame() at each quarter end of `year` (03/06/09/12), with a `quarter` label."""
    out = _targets_at(targets, obs, catalogue, int(year), list(QUARTER_END_MONTHS), k)
    return out.assign(quarter=out["period"].str[:4] + "Q" + (out["period"].str[5:7].astype(int) // 3).astype(str))


def _targets_at(targets: pd.DataFrame, obs: pd.DataFrame, catalogue: Catalogue, year: int, months: list[int],
                k: int) -> pd.DataFrame:
    annual = _annual(targets, year)
    history = _history_window(obs, annual.loc[annual["kind"] == "level", "indicator"], year, k)
    grid = annual.merge(pd.DataFrame({"month": months}), how="cross")
    parts = []
    for (code, kind), rows in grid.groupby(["indicator", "kind"], sort=True):
        if kind != "level":
            parts.append(rows.assign(value=rows["annual_target"], share_pct=np.nan, basis=ANNUAL))
            continue
        ind = catalogue[code] if code in catalogue else None
        rows = rows.assign(reported=[_reported_month(ind, m) for m in rows["month"]])
        sh = seasonal_shares(history, code, [year], k, regions=set(rows["region_code"]), months=set(rows["reported"]))
        rows = rows.merge(sh.rename(columns={"month": "reported"})[["region_code", "reported", "share_pct", "basis"]],
                          on=["region_code", "reported"], how="left")
        december = rows["month"] == MONTHS_IN_YEAR  # the whole year: the annual target itself
        rows["share_pct"] = rows["share_pct"].where(~december, 100.0)
        rows["basis"] = rows["basis"].where(~december, ANNUAL)
        parts.append(rows.assign(value=rows["annual_target"] * rows["share_pct"] / 100))
    out = pd.concat(parts, ignore_index=True) if parts else grid.assign(value=np.nan, share_pct=np.nan, basis=None)
    out["period"] = [f"{year}-{m:02d}" for m in out["month"]]
    return _with_uploaded(out[TARGET_COLUMNS], targets, year)


def _reported_month(ind, month: int) -> int:
    """The last month at or before `month` in which the indicator reports (quarter end for GDP)."""
    earlier = [m for m in ind.months if m <= month] if ind is not None else []
    return earlier[-1] if earlier else month


def _history_window(obs: pd.DataFrame, codes: Iterable[str], year: int, k: int) -> pd.DataFrame:
    """The cum_level rows seasonal shares of `year` can use: these indicators, years year−k … year−1."""
    lv = obs[obs["indicator"].isin(set(codes)) & (obs["measure"] == "cum_level")]
    return lv[lv["period"].str[:4].astype(int).between(year - k, year - 1)]


def _with_uploaded(out: pd.DataFrame, targets: pd.DataFrame, year: int) -> pd.DataFrame:
    """Uploaded targets for a month before December replace the defaults for that period."""
    periods = set(out["period"]) - {f"{year}-12"}
    up = targets[targets["period"].isin(periods)][["region_code", "indicator", "kind", "period", "value"]]
    key = ["region_code", "indicator", "kind", "period"]
    m = out.merge(up.rename(columns={"value": "uploaded"}), on=key, how="outer")
    has = m["uploaded"].notna()
    m["value"] = m["uploaded"].where(has, m["value"])
    m["basis"] = m["basis"].where(~has, UPLOADED)
    return m[TARGET_COLUMNS].sort_values(["period", "indicator", "kind", "region_code"],
                                         kind="stable").reset_index(drop=True)


def period_targets(targets: pd.DataFrame, obs: pd.DataFrame, catalogue: Catalogue, period: str,
                   k: int = SEASONAL_YEARS) -> pd.Series:
    """period_target_frame() for one indicator and kind, as a Series indexed by region_code."""
    f = period_target_frame(targets, obs, catalogue, period, k)
    pairs = f[["indicator", "kind"]].drop_duplicates()
    if len(pairs) > 1:
        raise ValueError("period_targets() takes the targets of one indicator and kind; got "
                         + ", ".join(f"{i}/{k}" for i, k in pairs.itertuples(index=False)))
    return f.set_index("region_code")["value"].astype(float).rename("target")


# ---------------------------------------------------------------- the progress table

TABLE_COLUMNS = [
    "region_code", "indicator", "kind", "period", "as_of", "compare", "target", "ytd_level", "yoy",
    "completion_pct", "schedule_linear_pct", "schedule_seasonal_pct", "seasonal_basis", "gap_pp", "gap_shown_pp",
    "gap_linear_pp", "gap_seasonal_pp", "ahead", "status", "pace_achieved", "pace_required",
    "pace_ratio", "pace", "double_half", "growth_status",
]


def progress_table(obs: pd.DataFrame, targets: pd.DataFrame, catalogue: Catalogue, period: str,
                   regions: Iterable[str] | None = None, *, thresholds: Thresholds = THRESHOLDS,
                   schedule: str = LINEAR, k: int = SEASONAL_YEARS) -> pd.DataFrame:
    """One row per region × indicator × target kind with an annual target for the period's year.

    `regions` keeps only those region codes. `schedule` (linear | seasonal) picks the 序时进度 that
    gap_pp and the status use; both gaps are always shown. Quarterly indicators use the latest
    quarter end at or before the period (`as_of`). See TABLE_COLUMNS for the columns.
    """
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule '{schedule}' is unknown; use one of {', '.join(SCHEDULES)}")
    year, month = parse_period(period)
    t = _annual(targets, year).rename(columns={"annual_target": "target"})
    t = t[t["indicator"].isin(catalogue.codes)]
    if regions is not None:
        t = t[t["region_code"].isin(set(regions))]
    codes = sorted(set(t["indicator"]))
    obs = obs[obs["indicator"].isin(codes + _terms_of(catalogue, codes))]
    obs = obs[obs["period"].str[:4].astype(int).between(year - k, year)]
    df = t.merge(_values_at(obs, catalogue, period, codes), on=["region_code", "indicator"], how="left")
    df["period"] = period
    df["compare"] = _compare_mode(df, catalogue)
    df = _schedules(df, obs, year, month, k)
    df = _gaps(df, schedule, thresholds)
    df = _pace_and_half(df, month)
    return df[TABLE_COLUMNS].sort_values(["indicator", "kind", "region_code"], kind="stable").reset_index(drop=True)


def _terms_of(catalogue: Catalogue, codes: list[str]) -> list[str]:
    """Numerator and denominator codes of the derived indicators among `codes`."""
    return [c for code in codes if catalogue[code].value_type == "derived"
            for c in (catalogue[code].numerator, catalogue[code].denominator)]


def _values_at(obs: pd.DataFrame, catalogue: Catalogue, period: str, codes: list[str]) -> pd.DataFrame:
    """region_code, indicator, level (cum_level or ratio), yoy, and the periods they come from."""
    quarterly = [c for c in codes if catalogue[c].frequency == "quarterly"]
    at = obs[(obs["period"] == period) & ~obs["indicator"].isin(quarterly)]
    if any(catalogue[c].value_type == "derived" for c in codes):
        at = pd.concat([at, derived(at, catalogue)], ignore_index=True)
    at = at.assign(as_of=at["period"])
    q = carry_forward(obs[obs["indicator"].isin(quarterly)], catalogue, [period])
    rows = pd.concat([at, q], ignore_index=True)
    # single-month measures (当月, loaders/catalogue.py MONTH_MEASURES) are kept as published and never read here
    rows = rows[rows["indicator"].isin(codes) & rows["measure"].isin(MEASURES)]
    rows = rows.assign(slot=np.where(rows["measure"] == "cum_yoy", "yoy", "level"))
    key = ["region_code", "indicator"]
    wide = rows.pivot_table(index=key, columns="slot", values=["value", "as_of"], aggfunc="first")
    out = pd.DataFrame(index=wide.index)
    for slot in ("level", "yoy"):
        out[slot] = wide[("value", slot)].astype(float) if ("value", slot) in wide else np.nan
        out[f"{slot}_as_of"] = wide[("as_of", slot)] if ("as_of", slot) in wide else None
    out = out.reset_index()
    if out.empty:
        return pd.DataFrame(columns=key + ["level", "level_as_of", "yoy", "yoy_as_of"])
    return out


def _compare_mode(df: pd.DataFrame, catalogue: Catalogue) -> np.ndarray:
    rate = df["indicator"].map(lambda c: catalogue[c].value_type in ("ratio", "derived")).astype(bool)
    return np.select([df["kind"] == "growth", rate], [GROWTH, RATE], COMPLETION)


def _schedules(df: pd.DataFrame, obs: pd.DataFrame, year: int, month: int, k: int) -> pd.DataFrame:
    """Months elapsed (from as_of), linear and seasonal 序时进度 for completion rows."""
    comp = df["compare"] == COMPLETION
    df["as_of"] = np.where(df["compare"] == GROWTH, df["yoy_as_of"], df["level_as_of"])
    df["as_of"] = df["as_of"].where(df["as_of"].notna(), None)
    as_of_month = pd.Series(df["as_of"]).str[5:7].astype(float).fillna(month)
    df["months"] = as_of_month.astype(int)
    df["schedule_linear_pct"] = np.where(comp, df["months"] / MONTHS_IN_YEAR * 100, np.nan)
    df["schedule_seasonal_pct"], df["seasonal_basis"] = np.nan, None
    for code, rows in df[comp].groupby("indicator"):
        sh = seasonal_shares(obs, code, [year], k, regions=rows["region_code"], months=sorted(set(rows["months"])))
        m = rows[["region_code", "months"]].merge(
            sh.rename(columns={"month": "months"}), on=["region_code", "months"], how="left")
        df.loc[rows.index, "schedule_seasonal_pct"] = m["share_pct"].to_numpy()
        df.loc[rows.index, "seasonal_basis"] = m["basis"].to_numpy()
    return df


def _gaps(df: pd.DataFrame, schedule: str, thresholds: Thresholds) -> pd.DataFrame:
    comp, growth = df["compare"] == COMPLETION, df["compare"] == GROWTH
    df["ytd_level"] = df["level"]
    df["completion_pct"] = completion(df["level"].where(comp), df["target"])
    df["gap_linear_pp"] = df["completion_pct"] - df["schedule_linear_pct"]
    df["gap_seasonal_pp"] = df["completion_pct"] - df["schedule_seasonal_pct"]
    chosen = df["gap_seasonal_pp"] if schedule == "seasonal" else df["gap_linear_pp"]
    vs_target = np.where(growth, df["yoy"] - df["target"], df["level"] - df["target"])
    df["gap_pp"] = np.where(comp, chosen, vs_target)
    chosen_schedule = df["schedule_seasonal_pct"] if schedule == "seasonal" else df["schedule_linear_pct"]
    df["gap_shown_pp"] = np.where(comp, shown_gap(df["completion_pct"], chosen_schedule),
                                  shown_gap(np.where(growth, df["yoy"], df["level"]), df["target"]))
    df["status"] = np.where(comp, status(df["gap_pp"], COMPLETION, thresholds),
                            status(df["gap_pp"], GROWTH, thresholds))
    rounded = df["gap_pp"].round(GAP_DECIMALS)
    df["ahead"] = pd.array(np.where(rounded.isna(), None, rounded >= 0), dtype="boolean")
    df["growth_status"] = growth_status(df["yoy"])
    return df


def _pace_and_half(df: pd.DataFrame, month: int) -> pd.DataFrame:
    comp = df["compare"] == COMPLETION
    p = pace(df["level"].where(comp), df["target"].where(comp), df["months"])
    df[p.columns] = p
    met = np.where(comp, df["completion_pct"] >= DOUBLE_HALF_PCT, df["gap_pp"].round(GAP_DECIMALS) >= 0)
    known = (month == HALF_YEAR_MONTH) & df["gap_pp"].notna() & df["months"].eq(HALF_YEAR_MONTH)
    df["double_half"] = pd.array(np.where(known, met, None), dtype="boolean")
    return df
