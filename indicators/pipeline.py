"""The thin layer between the store and the maths: read one quarter's slice, build the matrix the
scheme asks for, score, rank, compare with the previous quarter and measure robustness.

Results carry the scheme, the method parameters and the data vintage (the latest upload among the
values used), so any score can be regenerated and traced.
"""

import re
from dataclasses import dataclass, field

import pandas as pd

from indicators import composite, derive, progress, robustness
from indicators.ranking import rank_change
from indicators.scheme import Scheme, SchemeError, for_year
from indicators.scheme import load as load_scheme
from loaders import catalogue as catalogue_mod
from loaders import regions as regions_mod
from loaders.store import Store

# The kinds of comparison set: all counties, the prefectures, one prefecture's counties ("city:621200").
SCOPE_KINDS = ("province", "prefectures", "city")
CITY_PREFIX = "city:"
_QUARTER = re.compile(r"^(\d{4})[-\s]?Q([1-4])$", re.I)


STATE_TRIES = 3  # reads of one slice while uploads keep landing, before giving up


class ScopeError(ValueError):
    pass


def quarter_period(quarter: str) -> str:
    """'2026Q3' -> '2026-09' (year to date up to the quarter end)."""
    m = _QUARTER.match(quarter.strip())
    if not m:
        raise ValueError(f"季度“{quarter}”无法识别，应为 2026Q3 这样的格式")
    return f"{m.group(1)}-{3 * int(m.group(2)):02d}"


def previous_quarter(quarter: str) -> str:
    y, q = int(quarter[:4]), int(quarter[-1])
    return f"{y - 1}Q4" if q == 1 else f"{y}Q{q - 1}"


def scope_help(regions: regions_mod.Regions | None = None) -> str:
    """'province（全省86个县区）| city:621200（一个市州的县区）| prefectures（14个市州）' for the deployment."""
    regions = regions or regions_mod.default()
    return (f"province（全省{len(regions.of_level('county'))}个县区）| {CITY_PREFIX}{regions.home}（一个市州的县区）"
            f"| prefectures（{len(regions.of_level('prefecture'))}个市州）")


def units(scope: str, regions: regions_mod.Regions | None = None) -> list[str]:
    """Region codes of a comparison set."""
    regions = regions or regions_mod.default()
    if scope == "province":
        return sorted(r.code for r in regions.of_level("county"))
    if scope == "prefectures":
        return sorted(r.code for r in regions.of_level("prefecture"))
    if scope.startswith("city:"):
        city = scope.removeprefix("city:")
        counties = regions.counties_of(city)
        if not counties:
            raise ScopeError(f"“{city}”不是有下辖县区的市州代码；范围可选：{scope_help(regions)}")
        return sorted(r.code for r in counties)
    raise ScopeError(f"范围“{scope}”无法识别；可选：{scope_help(regions)}")


def matrix(obs: pd.DataFrame, scheme: Scheme, unit_codes: list[str], period: str) -> pd.DataFrame:
    """units × scheme indicators: each indicator's value in its scheme measure at `period`."""
    at = obs[(obs["period"] == period) & obs["region_code"].isin(unit_codes)]
    cols = {}
    for ind in scheme.indicators:
        rows = at[(at["indicator"] == ind.code) & (at["measure"] == ind.measure)]
        cols[ind.code] = rows.set_index("region_code")["value"]
    return pd.DataFrame(cols).reindex(unit_codes).astype(float)


def target_matrix(store: Store, obs: pd.DataFrame, scheme: Scheme, unit_codes: list[str], period: str,
                  cat) -> pd.DataFrame | None:
    """Targets for the scheme's target/achievement indicators, as of `period` (quarterly share of
    the annual level target by seasonal history, or the growth target)."""
    wanted = [i for i in scheme.indicators if i.scoring in ("target", "achievement")]
    if not wanted:
        return None
    year = int(period[:4])
    tg = store.targets(years=[year], regions=unit_codes, indicators=[i.code for i in wanted])
    out = {}
    for ind in wanted:
        mine = tg[(tg["indicator"] == ind.code) & (tg["kind"] == ind.target_kind)]
        if ind.target_kind == "level":
            out[ind.code] = progress.period_targets(mine, obs, cat, period).reindex(unit_codes)
        else:
            out[ind.code] = mine[mine["period"] == f"{year}-12"].set_index("region_code")["value"].reindex(unit_codes)
    return pd.DataFrame(out).reindex(unit_codes)


@dataclass
class Scorecard:
    quarter: str
    period: str
    scope: str
    scheme: Scheme
    matrix: pd.DataFrame
    targets: pd.DataFrame | None
    result: composite.CompositeResult
    table: pd.DataFrame
    intervals: robustness.RobustnessResult | None = None
    data_state: str = ""  # Store.data_state() the values were read in
    latest_upload: int = 0  # the newest upload among the values used (for tracing)
    params: dict = field(default_factory=dict)


def read_slice(store: Store, period: str, unit_codes: list[str], cat, scheme: Scheme) -> pd.DataFrame:
    """What the scheme reads: its indicators (and the terms of derived ones) at the period, plus, for indicators
    scored against a level target, the same month and December of the earlier years (seasonal 序时进度: the
    share of the year reached by that month)."""
    codes = set(scheme.codes)
    terms = {t for c in codes if c in cat and cat[c].value_type == "derived" for t in (cat[c].numerator, cat[c].denominator)}
    now = store.observations(periods=[period], regions=unit_codes, indicators=sorted(codes | terms))
    seasonal = sorted({i.code for i in scheme.indicators if i.scoring in ("target", "achievement")
                       and i.target_kind == "level"})
    year, month = int(period[:4]), int(period[5:7])
    months = {max([m for m in cat[c].months if m <= month], default=month) for c in seasonal} | {12}
    earlier = [f"{y}-{m:02d}" for y in range(year - progress.SEASONAL_YEARS, year) for m in sorted(months)]
    past = store.observations(regions=unit_codes, indicators=seasonal, periods=earlier) if seasonal else now[:0]
    obs = pd.concat([now, past[past["period"] != period]], ignore_index=True)
    return pd.concat([obs, derive.derived(now, cat)], ignore_index=True)


def scorecard(store: Store, quarter: str, scope: str = "province", *, scheme: Scheme | None = None,
              draws: int = robustness.DRAWS, with_previous: bool = True, previous: Scorecard | None = None) -> Scorecard:
    """Composite score and rank of every unit in the comparison set for one quarter, with the data state it was
    computed from (read again after the values: a commit in between means reading them again)."""
    cat = catalogue_mod.default()
    regions = regions_mod.default()
    period = quarter_period(quarter)
    scheme = scheme or for_year(int(period[:4]), cat)
    unit_codes = units(scope, regions)
    for _ in range(STATE_TRIES):
        state = store.data_state()
        obs = read_slice(store, period, unit_codes, cat, scheme)
        if store.data_state() == state:
            break
    else:
        raise RuntimeError("数据在计算期间不断变化，请稍后再试")
    m = matrix(obs, scheme, unit_codes, period)
    targets = target_matrix(store, obs, scheme, unit_codes, period, cat)
    result = composite.score(m, scheme, targets=targets)
    table = result.table.copy()
    table.insert(0, "region_name", [regions[c].name for c in table.index])
    table["rank_change"] = pd.array([pd.NA] * len(table), dtype="Int64")
    if with_previous:
        prev_q = previous_quarter(quarter)
        try:  # `previous`: the previous quarter's scorecard when the caller has it already
            prev = previous or scorecard(store, prev_q, scope, draws=0, with_previous=False)
            table["rank_change"] = rank_change(table["rank"], prev.table["rank"].reindex(table.index))
        except SchemeError:  # no scheme for the previous year: no rank change to show
            pass
    rob = None
    if draws:
        rob = robustness.run(m, scheme, nominal_rank=table["rank"], targets=targets, draws=draws)
        table = table.join(rob.table[["rank_median", "rank_p05", "rank_p95", "not_distinct_from"]])
    used = obs[(obs["period"] == period) & obs["indicator"].isin(scheme.codes)]
    latest = int(used["upload_id"].max()) if used["upload_id"].notna().any() else 0
    params = result.params | {"quarter": quarter, "period": period, "scope": scope, "data_state": state,
                              "scheme_year": scheme.year, "scheme_sha256": scheme.sha256,
                              "catalogue_sha256": catalogue_mod.sha256(), "latest_upload": latest,
                              "with_previous": with_previous, "robustness": rob.params if rob else None}
    return Scorecard(quarter, period, scope, scheme, m, targets, result, table, rob, state, latest, params)


def regenerate(store: Store, params: dict, scheme_path: str | None = None) -> Scorecard:
    """The scorecard that `params` (a result's params) describe, computed again: the same data state, scheme file
    and catalogue, quarter, scope and robustness draws give exactly the same scores, ranks and intervals.
    Raises ValueError naming what differs when the store or the files have moved on."""
    cat = catalogue_mod.default()
    scheme = (load_scheme(scheme_path, catalogue=cat) if scheme_path
              else for_year(int(params["period"][:4]), cat))
    differs = [f"{what}：结果为 {want}，现在为 {now}" for what, want, now in (
        ("数据状态", params["data_state"], store.data_state()),
        ("评价方案 sha256", params["scheme_sha256"], scheme.sha256),
        ("指标目录 sha256", params["catalogue_sha256"], catalogue_mod.sha256())) if want != now]
    if differs:
        raise ValueError("无法重现：" + "；".join(differs))
    rob = params.get("robustness") or {}
    return scorecard(store, params["quarter"], params["scope"], scheme=scheme, draws=rob.get("draws", 0),
                     with_previous=params.get("with_previous", True))
