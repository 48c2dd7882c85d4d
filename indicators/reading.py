"""What pages, exports and the CLI read, computed once per state of their inputs (indicators/results.py).

Every reader takes a Snapshot: the committed uploads and closing dates read once, so a page's numbers all come
from one data state and a request costs two queries before its results are found. Each reader reads only the
slice it shows: one period across the comparison set, or one county over the years its 序时进度 needs.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd

from indicators import assessing, derive, explain, pipeline, progress, results
from indicators import rules as rules_mod
from indicators import unit_ranking as unit_ranking_mod
from indicators.brief import settings as brief_settings
from indicators.ranking import rank
from loaders import catalogue as catalogue_mod
from loaders import ledger_kinds, ledger_rollup, unit_measures
from loaders import regions as regions_mod
from loaders.store import Store

HISTORY_QUARTERS = 8  # the cockpit's trend and the rankings' sparklines
PROVINCE = "province"


@dataclass(frozen=True)
class Snapshot:
    """The state of one store as one request sees it."""

    store: Store
    committed: pd.DataFrame
    closing: dict
    data_state: str = field(default="")
    newer: str = ""  # a newer data state whose results are being computed (loaders/shown.py): shown after that


    def inputs(self, period: str | None) -> str:
        """The state of what a result at `period` reads (None: everything)."""
        return results.inputs_state(self.committed, period)


def snapshot(store: Store) -> Snapshot:
    committed, closing = store.committed_uploads(), store.closing_map()
    return Snapshot(store, committed, closing, store.data_state(committed, closing))


def cached(snap: Snapshot, kind: str, args: tuple, period: str | None, compute, *, persist: bool = False,
            extra: str = ""):
    """compute(), once for its inputs (the uploads a result at `period` can have read; None: all of them)."""
    return results.get(snap.store, kind, args, snap.inputs(period), compute, persist=persist, extra=extra)


# ---------------------------------------------------------------- composite scores

def scorecard(snap: Snapshot, quarter: str, scope: str, *, draws: int = pipeline.robustness.DRAWS,
              with_previous: bool = True) -> pipeline.Scorecard:
    """pipeline.scorecard, computed once for its inputs and kept in the store; it says the snapshot's data
    state (the result is exactly the one computed at that state: nothing it read has changed since)."""
    period = pipeline.quarter_period(quarter)
    cat = catalogue_mod.default()
    sha = pipeline.for_year(int(period[:4]), cat).sha256

    def compute():
        return pipeline.scorecard(snap.store, quarter, scope, draws=draws, with_previous=with_previous,
                                  previous=_previous(snap, quarter, scope) if with_previous else None)
    card = cached(snap, "scorecard", (quarter, scope, draws, with_previous), period, compute, persist=True,
                   extra=sha)
    return replace(card, data_state=snap.data_state, params=card.params | {"data_state": snap.data_state})


def _previous(snap: Snapshot, quarter: str, scope: str) -> pipeline.Scorecard | None:
    """The previous quarter's scorecard for the rank change (usually still valid after an upload), if it has a
    scheme."""
    try:
        return scorecard(snap, pipeline.previous_quarter(quarter), scope, draws=0, with_previous=False)
    except pipeline.SchemeError:
        return None


def assessment(snap: Snapshot, quarter: str, scope: str = PROVINCE) -> assessing.AssessedQuarter | None:
    """The quarter's assessment (peer groups, honour lists, improvement, adjustments, veto) of a comparison set,
    from its scorecard, the year's county types and items, and the same quarter a year earlier scored with the same
    scheme; once per data state, kept in the store. None when the scheme assesses nothing beyond the score."""
    card = scorecard(snap, quarter, scope)
    if not card.scheme.assesses:
        return None
    earlier = assessing.year_earlier(quarter)

    def compute():
        try:
            previous = pipeline.scorecard(snap.store, earlier, scope, scheme=card.scheme, draws=0,
                                          with_previous=False)
        except pipeline.SchemeError:
            previous = None
        return assessing.assessed(snap.store, card, previous)
    out = cached(snap, "assessment", (quarter, scope), card.period, compute, persist=True, extra=card.scheme.sha256)
    return replace(out, params=out.params | {"data_state": snap.data_state})


def history(snap: Snapshot, quarter: str, scope: str, n: int = HISTORY_QUARTERS) -> dict[str, pipeline.Scorecard]:
    """The last n quarters' scorecards, oldest first, stopping at a year without a scheme: the newest is the
    quarter's full scorecard (which the page shows anyway), the earlier ones without rank intervals."""
    out = {}
    q = quarter
    for _ in range(n):
        try:
            out[q] = scorecard(snap, q, scope) if q == quarter else \
                scorecard(snap, q, scope, draws=0, with_previous=False)
        except ValueError:  # a year without a scheme (SchemeError) ends the history
            break
        q = pipeline.previous_quarter(q)
    return dict(reversed(list(out.items())))


def points(snap: Snapshot, quarter: str, scope: str = PROVINCE) -> dict[str, pd.DataFrame]:
    """explain.points of the comparison set's scorecard: {"vs_mean", "vs_above"}, units × scheme indicators."""
    card = scorecard(snap, quarter, scope)
    return cached(snap, "points", (quarter, scope), card.period, lambda: explain.points(card.result))


def gaps(snap: Snapshot, quarter: str, code: str, k: int, scope: str = PROVINCE) -> pd.DataFrame:
    """explain.gap_to_rank for one unit (every answer verified by recomputation; kept in the store)."""
    card = scorecard(snap, quarter, scope)
    units_of = explain.units_of(card.scheme, catalogue_mod.default())
    return cached(snap, "gaps", (quarter, scope, code, int(k)), card.period,
                   lambda: explain.gap_to_rank(card.result, code, int(k), units_of=units_of), persist=True,
                   extra=card.scheme.sha256)


def simulated(snap: Snapshot) -> bool:
    """Whether any committed upload holds simulated (demo) data: the page header's 模拟数据, the brief's footer."""
    def compute():
        up = snap.store.uploads()
        committed = up[up["status"] == "committed"]  # as the snapshot's store sees them (Store.pinned)
        return bool(len(committed)) and bool(committed["simulated"].any())
    return cached(snap, "simulated", (), None, compute)


# ---------------------------------------------------------------- values at a period

def as_of(months_reported, month: str) -> str:
    """The latest period of `month`'s year at or before it in which an indicator reports (quarterly series are
    read at the last quarter end): the month a value on screen really is."""
    y, m = int(month[:4]), int(month[5:7])
    earlier = [k for k in months_reported if k <= m]
    return f"{y}-{max(earlier):02d}" if earlier else month


def province_values(snap: Snapshot, period: str) -> pd.DataFrame:
    """Every county's, prefecture's and the province's current values at one period, derived ratios included."""
    def compute():
        regions = regions_mod.default()
        codes = pipeline.units(PROVINCE) + pipeline.units("prefectures") + [r.code for r in regions.of_level("province")]
        obs = snap.store.observations(periods=[period], regions=codes)
        return pd.concat([obs, derive.derived(obs, catalogue_mod.default())], ignore_index=True)
    return cached(snap, "province_values", (period,), period, compute)


def values_at(snap: Snapshot, month: str) -> pd.DataFrame:
    """Every county's, prefecture's and the province's current values as of a month: each indicator at the latest
    period of that year it reports by then (quarterly series at the last quarter end), with that period in `period`."""
    def compute():
        as_of_ = {i.code: as_of(i.months, month) for i in catalogue_mod.default()}
        obs = pd.concat([province_values(snap, p) for p in sorted(set(as_of_.values()))], ignore_index=True)
        return obs[obs["period"] == obs["indicator"].map(as_of_)].reset_index(drop=True)
    return cached(snap, "values_at", (month,), month, compute)


def ledger_sources(snap: Snapshot, month: str) -> pd.DataFrame:
    """The current values at the periods values_at(month) reads that a ledger snapshot filled (README “台账汇总”):
    region_code, period, indicator, measure, value, upload_id, ledger, as_of — what says “由台账汇总，截至…”."""
    def compute():
        periods = sorted({as_of(i.months, month) for i in catalogue_mod.default()})
        return snap.store.ledger_sources(periods=periods)
    return cached(snap, "ledger_sources", (month,), month, compute)


def rank_measure(ind) -> str:
    """The measure an indicator is ranked on: its growth, else its level or ratio."""
    if "cum_yoy" in ind.measures:
        return "cum_yoy"
    return "cum_level" if ind.value_type == "level" else "ratio"


def rank_table(values: pd.DataFrame, catalogue, units: list[str]) -> pd.DataFrame:
    """units × indicator codes: the rank on each indicator (growth, else level or ratio) among `units`, best
    first by the indicator's direction; neutral indicators (direction 0) are not ranked."""
    groups = dict(iter(values[values["region_code"].isin(units)].groupby(["indicator", "measure"])))
    cols = {}
    for ind in catalogue:
        rows = groups.get((ind.code, rank_measure(ind)))
        if ind.direction == 0 or rows is None:
            continue
        v = rows.drop_duplicates("region_code").set_index("region_code")["value"].astype(float).reindex(units)
        cols[ind.code] = rank(v * ind.direction)
    return pd.DataFrame(cols, index=pd.Index(units, name="region_code"))


def indicator_ranks(snap: Snapshot, month: str, scope: str) -> pd.DataFrame:
    """rank_table over a comparison set's units (counties, or the prefectures) as of a month (values_at)."""
    return cached(snap, "indicator_ranks", (month, scope), month,
                   lambda: rank_table(values_at(snap, month), catalogue_mod.default(), pipeline.units(scope)))


# ---------------------------------------------------------------- one county over the years

def city_scope(code: str) -> str:
    return f"city:{regions_mod.default().city_of(code)}"


def county_obs(snap: Snapshot, code: str, year: int) -> pd.DataFrame:
    """One county's values for `year` and the years seasonal 序时进度 needs, derived ratios included."""
    def compute():
        years = list(range(year - progress.SEASONAL_YEARS, year + 1))
        return derive.with_derived(snap.store.observations(regions=[code], years=years), catalogue_mod.default())
    return cached(snap, "county_obs", (code, year), f"{year}-12", compute)


def county_targets(snap: Snapshot, code: str, year: int) -> pd.DataFrame:
    return cached(snap, "county_targets", (code, year), f"{year}-12",
                   lambda: snap.store.targets(years=[year], regions=[code]))


def progress_rows(snap: Snapshot, period: str, code: str) -> pd.DataFrame:
    """The progress rows of one county or prefecture at a month: its rows of the level's progress table (the one
    the targets page, the cockpit and `python -m indicators gaps` read too)."""
    level = "prefectures" if regions_mod.default()[code].level == "prefecture" else PROVINCE
    table = progress_at(snap, period, level)
    return table[table["region_code"] == code].reset_index(drop=True)


def value_history(snap: Snapshot, code: str, indicator: str) -> pd.DataFrame:
    """Every version of one county's values of one indicator (all uploads)."""
    return cached(snap, "value_history", (code, indicator), None,
                   lambda: snap.store.value_history(code, indicator))


# ---------------------------------------------------------------- a comparison set's progress, one indicator

def progress_at(snap: Snapshot, period: str, scope: str) -> pd.DataFrame:
    """progress.progress_table for the comparison set's units at `period` ('2026-06'): the rows of one table
    computed for every county (or every prefecture) of the province, so a county's 序时进度 is the same number
    whichever page or set shows it."""
    level = "prefectures" if scope == "prefectures" else PROVINCE
    table = cached(snap, "progress", (period, level), period, lambda: _progress_table(snap, period, level))
    if scope == level:
        return table
    return table[table["region_code"].isin(set(pipeline.units(scope)))].reset_index(drop=True)


def _progress_table(snap: Snapshot, period: str, scope: str) -> pd.DataFrame:
    cat = catalogue_mod.default()
    units = pipeline.units(scope)
    year = int(period[:4])
    tg = snap.store.targets(years=[year], regions=units)
    codes = sorted(set(tg["indicator"]) & set(cat.codes))
    if not codes:
        return pd.DataFrame(columns=progress.TABLE_COLUMNS)
    terms = [c for code in codes if cat[code].value_type == "derived" for c in (cat[code].numerator, cat[code].denominator)]
    obs = snap.store.observations(regions=units, indicators=codes + terms,
                                  years=list(range(year - progress.SEASONAL_YEARS, year + 1)))
    return progress.progress_table(obs, tg, cat, period, regions=units)


def indicator_obs(snap: Snapshot, code: str, year: int) -> pd.DataFrame:
    """Every region's current values of one indicator in `year` − 1 and `year` (derived ratios from sums)."""
    def compute():
        cat = catalogue_mod.default()
        ind = cat[code]
        wanted = [code] if ind.value_type != "derived" else [ind.numerator, ind.denominator]
        obs = snap.store.observations(indicators=wanted, years=[year - 1, year])
        if ind.value_type == "derived":
            obs = derive.derived(obs, cat)
            obs = obs[obs["indicator"] == code]
        return obs.reset_index(drop=True)
    return cached(snap, "indicator_obs", (code, year), f"{year}-12", compute)


def indicator_targets(snap: Snapshot, code: str, year: int) -> pd.DataFrame:
    """The year's annual targets of one indicator (every region, both kinds)."""
    def compute():
        tg = snap.store.targets(years=[year], indicators=[code])
        return tg[tg["period"] == f"{year}-12"].reset_index(drop=True)
    return cached(snap, "indicator_targets", (code, year), f"{year}-12", compute)


# ---------------------------------------------------------------- the home prefecture (总览)

@dataclass
class Cockpit:
    quarter: str
    period: str
    home: str
    prefectures: pipeline.Scorecard
    history: dict
    city: pipeline.Scorecard
    growth: pd.DataFrame  # every county and prefecture × headline indicators: YTD growth at the period
    levels: pd.Series  # the home prefecture's YTD levels at the period, by indicator
    progress: pd.DataFrame  # progress_table of the home prefecture and its counties
    as_of: dict  # indicator → the period its value is at (a quarterly series at a month: the last quarter end)


def growth_matrix(obs: pd.DataFrame, units: list[str], codes: list[str], period: str) -> pd.DataFrame:
    """units × indicators: YTD growth (cum_yoy) at the period."""
    at = obs[(obs["period"] == period) & (obs["measure"] == "cum_yoy") & obs["indicator"].isin(codes)]
    wide = at.pivot_table(index="region_code", columns="indicator", values="value", aggfunc="first")
    return wide.reindex(index=units, columns=codes).astype(float)


def cockpit(snap: Snapshot, quarter: str, home: str, month: str, headline: tuple[str, ...]) -> Cockpit:
    """The score at `quarter` among the prefectures and within the home city; headline indicators and targets
    at `month`."""
    def compute():
        regions, cat, store = regions_mod.default(), catalogue_mod.default(), snap.store
        units = pipeline.units(PROVINCE, regions) + pipeline.units("prefectures", regions)
        as_of_ = {c: as_of(cat[c].months, month) for c in headline}
        obs = store.observations(periods=sorted(set(as_of_.values())), indicators=list(headline))
        obs = obs[[as_of_[i] == p for i, p in zip(obs["indicator"], obs["period"], strict=True)]].assign(period=month)
        prog = pd.concat([progress_rows(snap, month, home), progress_at(snap, month, f"city:{home}")],
                          ignore_index=True)
        lv = obs[(obs["region_code"] == home) & (obs["measure"] == "cum_level")]
        return Cockpit(quarter, month, home, scorecard(snap, quarter, "prefectures"),
                       history(snap, quarter, "prefectures"), scorecard(snap, quarter, f"city:{home}"),
                       growth_matrix(obs, units, list(headline), month),
                       lv.set_index("indicator")["value"].astype(float), prog, as_of_)
    ck = cached(snap, "cockpit", (quarter, home, month, headline), month, compute)
    return replace(ck, prefectures=scorecard(snap, quarter, "prefectures"),  # saying this snapshot's data state
                   city=scorecard(snap, quarter, f"city:{home}"))


# ---------------------------------------------------------------- 约谈 and 需要关注 (indicators/rules.py)

def rules_for(year: int) -> rules_mod.Rules:
    """The year's rules file (data/schemes/<year>.rules.toml, or the newest earlier one carried forward)."""
    return rules_mod.for_year(year, catalogue_mod.default())


def quarter_of(month: str) -> str:
    """The latest quarter ending at or before a month: '2026-10' → '2026Q3', '2027-02' → '2026Q4'."""
    y, m = int(month[:4]), int(month[5:7])
    return f"{y - 1}Q4" if m < 3 else f"{y}Q{m // 3}"


def value_matrix(values: pd.DataFrame, catalogue, units: list[str]) -> pd.DataFrame:
    """units × indicator codes: each indicator on the measure it is ranked on (rank_measure: growth where published)."""
    cols = {}
    for ind in catalogue:
        rows = values[(values["indicator"] == ind.code) & (values["measure"] == rank_measure(ind))
                      & values["region_code"].isin(units)]
        if len(rows):
            cols[ind.code] = rows.drop_duplicates("region_code").set_index("region_code")["value"].astype(float)
    return pd.DataFrame(cols).reindex(units)


def _rule_inputs(snap: Snapshot, month: str, quarter: str, scope: str, units: list[str],
                 rule_list: tuple[rules_mod.Rule, ...]) -> rules_mod.Inputs:
    """What the rules read for the comparison set `scope` ('province', 'city:621200' or 'prefectures')."""
    regions, cat = regions_mod.default(), catalogue_mod.default()
    set_units = pipeline.units(scope, regions)
    running = [r.quarters for r in rule_list if r.kind == "composite_bottom_running"]
    cards = {}
    if any(r.kind in rules_mod.COMPOSITE_KINDS for r in rule_list):
        cards = {q: card.table for q, card in history(snap, quarter, scope, max(running, default=1)).items()}
    try:
        scheme_codes = tuple(pipeline.for_year(int(quarter[:4]), cat).codes)
    except pipeline.SchemeError:
        scheme_codes = ()
    level = "prefectures" if scope == "prefectures" else PROVINCE
    values = values_at(snap, month)
    prog = progress_at(snap, month, level)
    ledgers, unit_tables = rule_ledgers(snap, month, rule_list)
    return rules_mod.Inputs(
        units=units, set_units=set_units, names={c: regions[c].name for c in set_units},
        place=scope.split(":")[0], catalogue=cat, cards=cards, values=value_matrix(values, cat, set_units),
        progress=prog[prog["region_code"].isin(set(units))].reset_index(drop=True), scheme_codes=scheme_codes,
        negative_growth=brief_settings.default().negative_growth, ledgers=ledgers, unit_rankings=unit_tables)


def interviews(snap: Snapshot, month: str, scope: str) -> list[rules_mod.Finding]:
    """The 约谈 rules met by the units of a comparison set ('city:621200': a city's counties; 'prefectures'),
    judged against that set: composite ranks at the latest quarter ending by `month`, values and progress at
    `month`. Worst first."""
    rules = rules_for(int(month[:4]))
    quarter = quarter_of(month)

    def compute():
        inputs = _rule_inputs(snap, month, quarter, scope, pipeline.units(scope), rules.interview)
        return rules_mod.evaluate(rules.interview, inputs)
    # ledger, units and tasks uploads hold no statistics period: rules reading them depend on every upload
    period = None if rules_mod.uses_ledgers(rules.interview) else month
    return cached(snap, "interviews", (month, scope, rules.year), period, compute,
                   extra=_rules_extra(rules, quarter))


def attention(snap: Snapshot, month: str, quarter: str, home: str) -> list[rules_mod.Finding]:
    """The 需要关注 rules met by the home prefecture's counties, judged against the province's counties (values and
    progress at `month`, composite ranks at `quarter`). Worst first."""
    rules = rules_for(int(month[:4]))

    def compute():
        inputs = _rule_inputs(snap, month, quarter, PROVINCE, pipeline.units(f"city:{home}"), rules.attention)
        return rules_mod.evaluate(rules.attention, inputs)
    period = None if rules_mod.uses_ledgers(rules.attention) else month
    return cached(snap, "attention", (month, quarter, home, rules.year), period, compute,
                   extra=_rules_extra(rules, quarter))


def _rules_extra(rules: rules_mod.Rules, quarter: str) -> str:
    """The rules file's and the quarter's scheme's sha256: a change of either is a new result."""
    try:
        return rules.sha256 + pipeline.for_year(int(quarter[:4]), catalogue_mod.default()).sha256
    except pipeline.SchemeError:
        return rules.sha256


# ---------------------------------------------------------------- units below the county

def unit_ranking(snap: Snapshot, measure: str, as_of, *, cadence: str | None = None, unit_kind: str | None = None,
                 region: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """indicators/unit_ranking.ranking_at, once per data state (ledgers, units, tasks and reports are uploads):
    (ranking, unresolved 责任单位, dates). Shared: callers must not modify the frames."""
    def compute():
        return unit_ranking_mod.ranking_at(snap.store, measure, as_of, cadence, unit_kind=unit_kind, region=region)
    return cached(snap, "unit_ranking", (measure, as_of, cadence, unit_kind, region), None, compute,
                   extra=ledger_kinds.sha256() + unit_measures.sha256())


# ---------------------------------------------------------------- ledgers (台账)

def ledger_dates(snap: Snapshot, kind: str) -> list:
    """The as-of dates (datetime.date) of a ledger kind's committed snapshots, newest first. Whether an account may
    see a date is the page's decision (layouts/data.py), not this reader's."""
    return cached(snap, "ledger_dates", (kind,), None, lambda: snap.store.ledger_dates(kind),
                   extra=ledger_kinds.sha256())


def ledger_items(snap: Snapshot, kind: str, as_of=None) -> pd.DataFrame:
    """The kind's items as of a date (None: the latest snapshot of every county): Store.ledger_snapshot, typed by
    the kind's declaration, each county's items from its latest snapshot on or before the date. Shared: callers
    must not modify the frame."""
    return cached(snap, "ledger_items", (kind, as_of), None, lambda: snap.store.ledger_snapshot(kind, as_of),
                   extra=ledger_kinds.sha256())


def ledger_facts(snap: Snapshot, kind: str, as_of=None) -> pd.DataFrame:
    """loaders.ledger_rollup.facts of ledger_items (one row per county with items): what the ledger pages, the
    brief and the 约谈 rules say about a kind at a date, from one computation."""
    def compute():
        items = ledger_items(snap, kind, as_of)
        return ledger_rollup.facts(ledger_kinds.default()[kind], items)
    return cached(snap, "ledger_facts", (kind, as_of), None, compute, extra=ledger_kinds.sha256())


# ---------------------------------------------------------------- ledger facts at a month (约谈 rules, the 通报)
# Added for the 约谈 rules and the brief's 重点工作推进情况 (issue #12): the facts of the snapshot that filled a
# month's county values, and the units below those counties.

def month_end(month: str) -> dt.date:
    """'2026-10' → 2026-10-31: the day a month's ledger facts are read as of."""
    y, m = int(month[:4]), int(month[5:7])
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def ledger_facts_at(snap: Snapshot, kind: str, month: str) -> pd.DataFrame:
    """ledger_facts as of the month's last day, of the counties whose latest snapshot on or before it is dated
    within the month (the one that filled that month's county values), with that date in `as_of` (datetime.date).
    A county without such a snapshot has no row: it is not judged on the kind (no snapshot is not zero)."""
    def compute():
        end = month_end(month)
        items = ledger_items(snap, kind, end)
        facts = ledger_facts(snap, kind, end)
        if items.empty or facts.empty:
            return pd.DataFrame(columns=["region_code", "as_of"])
        days = pd.to_datetime(items["as_of"]).groupby(items["region_code"].astype(str)).max().dt.date
        out = facts.assign(as_of=facts["region_code"].map(days))
        return out[out["as_of"] >= end.replace(day=1)].reset_index(drop=True)
    return cached(snap, "ledger_facts_at", (kind, month), None, compute, extra=ledger_kinds.sha256())


def unit_ranking_at(snap: Snapshot, measure: str, month: str) -> pd.DataFrame:
    """unit_ranking as of the month's last day, the units of the counties that have the measure's ledger in the
    month (ledger_facts_at): region_code is the unit's county."""
    m = unit_measures.default()[measure]
    counties = set(ledger_facts_at(snap, m.ledger, month)["region_code"])
    if not counties:  # nothing to rank (unit_ranking.read also fails on a store without units or items)
        return pd.DataFrame(columns=unit_ranking_mod.COLUMNS)
    table = unit_ranking(snap, measure, month_end(month))[0]
    return table[table["region_code"].isin(counties)].reset_index(drop=True)


def rule_ledgers(snap: Snapshot, month: str, rule_list) -> tuple[dict, dict]:
    """({kind: ledger_facts_at}, {measure: unit_ranking_at}) of the ledgers and measures the rules read."""
    kinds = {r.ledger for r in rule_list if r.kind in rules_mod.LEDGER_KINDS}
    measures = {r.measure for r in rule_list if r.kind in rules_mod.UNIT_KINDS}
    kinds |= {unit_measures.default()[m].ledger for m in measures}
    return ({k: ledger_facts_at(snap, k, month) for k in sorted(kinds)},
            {m: unit_ranking_at(snap, m, month) for m in sorted(measures)})

# ---------------------------------------------------------------- 台账 pages (layouts/pages/ledger.py; h-pages)

def ledger_uploads(snap: Snapshot, kind: str) -> pd.DataFrame:
    """The kind's committed ledger uploads (Store.ledger_uploads): id, as_of, file_name, simulated, … newest first:
    what makes each item on the ledger page traceable to its file."""
    def compute():
        up = snap.store.ledger_uploads(kind)
        return up[up["status"] == "committed"].reset_index(drop=True)
    return cached(snap, "ledger_uploads", (kind,), None, compute, extra=ledger_kinds.sha256())


def ledger_page_facts(snap: Snapshot, kind: str, as_of=None) -> pd.DataFrame:
    """ledger_facts plus the page's overdue counts for the kinds ledger_rollup keeps none of (indicators/ledgers.py
    with_extra_facts): stalled investment projects, 四上 enterprises past their expected month."""
    from indicators import ledgers as ledgers_mod

    return cached(snap, "ledger_page_facts", (kind, as_of), None,
                   lambda: ledgers_mod.with_extra_facts(kind, ledger_facts(snap, kind, as_of),
                                                        ledger_items(snap, kind, as_of)),
                   extra=ledger_kinds.sha256())
