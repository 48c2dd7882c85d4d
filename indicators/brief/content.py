"""The 通报's content for a period (1–N月) and a scope (a city's counties, or the province's prefectures), in the
order real briefs use (reference/briefs.md), from the same shared results the pages show (indicators/reading.py).

build() reads; the section builders below are pure functions of what it read (a Facts), so each sentence can be
tested against the numbers it was made from. The composite score is the latest quarter ending by the period.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field, replace

import pandas as pd

from indicators import explain, pipeline, progress, reading, tiles
from indicators.brief import key_work
from indicators.brief import wording as w
from indicators.brief.doc import Brief, Figure, Interview, Paragraph, Section, Table
from indicators.brief.settings import BriefSettings
from loaders import catalogue as catalogue_mod
from loaders import clock, ledger_kinds, unit_measures
from loaders import regions as regions_mod

BOTTOM = 3  # "后3位": the tail a brief names, and the rows printed in red
EFFICACY_FLOOR = 60  # 功效系数法: 60 + 40·(x − min)/(max − min), the lowest score a unit can get
SHA_SHOWN = 12


@dataclass(frozen=True)
class Facts:
    """Everything a brief says, read once from one snapshot."""

    period: str
    quarter: str
    scope: str
    kind: str  # "city" | "prefectures"
    home: str  # the city (city scope) or the province (prefectures scope)
    units: list[str]
    names: dict[str, str]
    card: object  # pipeline.Scorecard of the units
    prefectures: object  # pipeline.Scorecard of the province's prefectures (city scope) or the same as card
    province: object | None  # pipeline.Scorecard of the province's counties (city scope), for the 全省 rank
    values: pd.DataFrame  # reading.values_at(period): every county's, prefecture's and the province's values
    previous: pd.DataFrame  # reading.values_at of the month before, within the year (empty at the year's first month)
    above: str | None  # the province (city scope): the level the city is compared with
    ranks: pd.DataFrame  # units × indicator: rank among the units
    home_ranks: pd.Series  # indicator → the city's rank among the prefectures (city scope)
    progress: pd.DataFrame  # progress rows of the units and of home
    midyear: pd.DataFrame  # progress rows at 1–6月 of the year (双过半), empty before June
    gaps: dict  # unit → (target rank, gap frame)
    interviews: list  # rules.Finding of the year's 约谈 rules
    settings: BriefSettings
    closed: bool
    closing_date: dt.date
    simulated: bool
    data_state: str
    today: dt.date
    # the ledgers of the month (重点工作推进情况): kind → reading.ledger_facts_at rows of the scope's counties,
    # measure → reading.unit_ranking_at rows; empty for the prefectures scope and when no ledger was uploaded
    ledgers: dict = field(default_factory=dict)
    unit_rankings: dict = field(default_factory=dict)

    @property
    def unit_word(self) -> str:
        return "县区" if self.kind == "city" else "市州"

    @property
    def area(self) -> str:  # 全市 / 全省
        return "全市" if self.kind == "city" else "全省"

    @property
    def n(self) -> int:
        return len(self.units)


def scope_kind(scope: str) -> str:
    if scope == "prefectures":
        return "prefectures"
    if scope.startswith("city:"):
        pipeline.units(scope)  # raises ScopeError naming the scope when it is not a city with counties
        return "city"
    raise pipeline.ScopeError(f"通报范围“{scope}”无法识别：应为 city:621200（一个市州的县区）或 prefectures（全省各市州）")


def read(snap: reading.Snapshot, period: str, scope: str, settings: BriefSettings, today: dt.date | None = None) -> Facts:
    """The facts of a brief at `period` ('2026-10') for `scope` ('city:621200' | 'prefectures')."""
    kind = scope_kind(scope)
    regions = regions_mod.default()
    today = today or clock.today()
    quarter = reading.quarter_of(period)
    card = reading.scorecard(snap, quarter, scope)
    units = list(card.table.index)
    if kind == "city":
        home = scope.removeprefix("city:")
        prefectures = reading.scorecard(snap, quarter, "prefectures")
        province = reading.scorecard(snap, quarter, reading.PROVINCE)
        home_ranks = reading.indicator_ranks(snap, period, "prefectures").loc[home]
    else:
        home = regions[units[0]].parent_code
        prefectures, province, home_ranks = card, None, pd.Series(dtype=float)
    prog = pd.concat([reading.progress_at(snap, period, scope), reading.progress_rows(snap, period, home)],
                     ignore_index=True)
    midyear_month = f"{period[:4]}-{progress.HALF_YEAR_MONTH:02d}"
    midyear = reading.progress_at(snap, midyear_month, scope) if period >= midyear_month else pd.DataFrame()
    gaps = _gaps(snap, card, prefectures, home, kind, quarter, scope, settings)
    before = clock.month_before(period)
    previous = reading.values_at(snap, before) if before[:4] == period[:4] else reading.values_at(snap, period).iloc[:0]
    above = regions[home].parent_code if kind == "city" else None
    return Facts(period, quarter, scope, kind, home, units, {c: regions[c].name for c in [*units, home]}, card,
                 prefectures, province, reading.values_at(snap, period), previous, above,
                 reading.indicator_ranks(snap, period, scope),
                 home_ranks, prog, midyear, gaps, reading.interviews(snap, period, scope), settings,
                 clock.is_closed(period, snap.closing, today), clock.closing_date(period, snap.closing),
                 reading.simulated(snap), snap.data_state, today, *_ledgers(snap, period, units, kind))


def _ledgers(snap: reading.Snapshot, period: str, units: list[str], kind: str) -> tuple[dict, dict]:
    """The month's ledger facts of the scope's counties and their units' rankings (a city's counties only: the
    ledgers are the counties'; a prefecture has no ledger of its own)."""
    if kind != "city":
        return {}, {}
    ledgers = {}
    for k in ledger_kinds.default():
        rows = reading.ledger_facts_at(snap, k.code, period)
        rows = rows[rows["region_code"].isin(units)].reset_index(drop=True)
        if len(rows):
            ledgers[k.code] = rows
    rankings = {m.code: reading.unit_ranking_at(snap, m.code, period) for m in unit_measures.default()
                if m.ledger in ledgers}
    return ledgers, rankings


MAX_REQUIREMENT_CHARS = 2000  # one paragraph of 下一步工作要求 as an uploader may write it


def generate(snap: reading.Snapshot, period: str, scope: str, *, settings: BriefSettings | None = None,
             today: dt.date | None = None, requirements: list[str] | None = None) -> Brief:
    """The brief of a period and scope; `requirements` replaces the settings' 下一步工作要求 (an uploader's text,
    one paragraph each)."""
    from indicators.brief import settings as settings_mod

    settings = settings or settings_mod.default()
    if requirements:  # an uploader's own text: made for that download only, never shared
        kind = scope_kind(scope)
        mine = tuple(r.strip()[:MAX_REQUIREMENT_CHARS] for r in requirements if r.strip())
        settings = replace(settings, requirements={**settings.requirements, kind: mine})
        return build(read(snap, period, scope, settings, today))
    # Once per data state (which holds the closing dates), day and settings, like the results it reads: the page
    # right after an upload, its downloads and the warm-up share one document.
    today = today or clock.today()
    digest = hashlib.sha256(repr(settings).encode("utf-8")).hexdigest()
    return reading.cached(snap, "brief", (period, scope, today.isoformat(), snap.data_state), None,
                          lambda: build(read(snap, period, scope, settings, today)), extra=digest)


def _gaps(snap, card, prefectures, home, kind, quarter, scope, settings) -> dict:
    """What it takes: the city to the top K of the prefectures (city scope); the last three units to the top K of
    their set (the county target rank within a city)."""
    out = {}
    if kind == "city":
        k = min(settings.target_rank, len(prefectures.table) - 1)
        if k >= 1:
            out[home] = (k, reading.gaps(snap, quarter, home, k, "prefectures"))
    k_units = settings.county_target_rank if kind == "city" else settings.target_rank
    ranked = card.table["rank"].dropna().sort_values(kind="stable")
    for code in ranked.index[-BOTTOM:]:
        if k_units < ranked[code]:
            out[code] = (k_units, reading.gaps(snap, quarter, code, k_units, scope))
    return out


# ---------------------------------------------------------------- the document

def build(facts: Facts) -> Brief:
    f = facts
    regions = regions_mod.default()
    home = regions[f.home]
    province = regions[home.parent_code] if f.kind == "city" else home
    header = f.settings.header(f.kind, city=home.name, city_short=home.short_name.removesuffix("市"),
                               province=province.name, province_short=province.short_name.removesuffix("省"),
                               year=f.period[:4], period=w.months(f.period), quarter=w.quarter(f.quarter),
                               scheme=f.card.scheme.name)
    builders = [composite_section, indicators_section, targets_section, key_work_section, problems_section,
                gaps_section, interviews_section, requirements_section]
    parts = [s for s in (b(f) for b in builders) if s is not None]
    return Brief(header["office"], header["number"], header["title"], header["addressees"], header["basis"],
                 tuple(_flatten(parts)), f"{header['office']}\n{w.date(f.today)}", footer(f),
                 tuple(interviews(f)), params(f))


@dataclass(frozen=True)
class Part:
    """A level-1 section and its (（一）…) subsections, numbered 一、二、… and flattened by build()."""

    heading: str
    blocks: tuple = ()
    subsections: tuple = ()


TABLE_NUMBER = re.compile(r"^表\d*　")


def _flatten(parts: list[Part]) -> list[Section]:
    """Sections numbered 一、二、… in order, and the tables 表1, 表2, … in order (a section present in one brief and
    not in another, such as 重点工作推进情况, never leaves a gap in either numbering)."""
    out = []
    for i, p in enumerate(parts):
        out.append(Section(f"{w.section_number(i)}、{p.heading}", p.blocks, 1))
        out += list(p.subsections)
    n = 0

    def numbered_table(b):
        nonlocal n
        if not isinstance(b, Table) or not TABLE_NUMBER.match(b.title):
            return b
        n += 1
        return replace(b, title=TABLE_NUMBER.sub(f"表{n}　", b.title))
    return [replace(s, blocks=tuple(numbered_table(b) for b in s.blocks)) for s in out]


def params(f: Facts) -> dict:
    card = f.card
    return {"period": f.period, "quarter": f.quarter, "scope": f.scope, "data_state": f.data_state,
            "scheme": card.scheme.name, "scheme_sha256": card.params.get("scheme_sha256"),
            "catalogue_sha256": card.params.get("catalogue_sha256"), "simulated": f.simulated,
            "released": f.closed, "closing_date": f.closing_date.isoformat(), "generated": f.today.isoformat()}


def footer(f: Facts) -> tuple[str, ...]:
    closed = (f"{w.months(f.period)}数据已于{w.date(f.closing_date)}统计关库" if f.closed else
              f"{w.months(f.period)}数据尚未统计关库（关库日期{w.date(f.closing_date)}），为初步数，可能更正")
    lines = [f"数据状态 {f.data_state}；{closed}。",
             f"综合评价：{f.card.scheme.name}（方案 sha256 {str(f.card.params.get('scheme_sha256', ''))[:SHA_SHOWN]}），"
             f"{w.quarter(f.quarter)}，{'市内' if f.kind == 'city' else '市州间'}比较，共{f.n}个{f.unit_word}。",
             f"“{f.area}平均水平”指{f.area}增速；增速为累计同比，差距以个百分点计；序时进度按月份线性计算。"]
    if f.simulated:
        lines.append("本通报数据为模拟数据（演示用），不是统计部门发布的数据。")
    return tuple(lines)


# ---------------------------------------------------------------- 一、综合评价

def composite_section(f: Facts) -> Part:
    table = f.card.table
    ranked = table.dropna(subset=["rank"]).sort_values(["rank", "region_name"], kind="stable")
    paras = []
    when = w.quarter(f.quarter)
    if f.period != pipeline.quarter_period(f.quarter):
        paras.append(Paragraph(f"综合评价按季度开展，本期采用截至{w.months_short(f.period)}最近一个季度即{when}的结果。",
                               style="note"))
    if f.kind == "city":
        p = f.prefectures.table.loc[f.home]
        n_pref = int(f.prefectures.table["rank"].notna().sum())
        if pd.notna(p["rank"]):
            change = w.rank_change(p.get("rank_change"))
            paras.append(Paragraph(f"{when}，{f.names[f.home]}高质量发展综合得分{w.score(p['score'])}分，在全省{n_pref}个"
                                   f"市州中列{w.rank(p['rank'])}" + (f"，{change}" if change else "") + "。"))
        else:
            paras.append(Paragraph(f"{when}，{f.names[f.home]}综合得分未排名：{p.get('reason') or '数据不足'}。"))
    top = ranked.head(f.settings.top_named)["region_name"].tolist()
    if top:
        paras.append(Paragraph(f"{f.area}{f.n}个{f.unit_word}中，综合得分居前{len(top)}位的是{w.names(top)}。"))
    unranked = table[table["rank"].isna()]
    if len(unranked):
        paras.append(Paragraph("未排名：" + "；".join(f"{r.region_name}（{r.reason or '数据不足'}）"
                                                     for r in unranked.itertuples()) + "。"))
    blocks = [*paras, ranking_table(f), ranking_figure(f), tile_figure(f)]
    return Part("综合评价情况", tuple(blocks))


def score_word(f: Facts) -> str:
    return "市内得分" if f.kind == "city" else "市州间得分"


def ranking_table(f: Facts) -> Table:
    table = f.card.table.sort_values(["rank", "region_name"], na_position="last", kind="stable")
    n = int(table["rank"].notna().sum())
    header = ["位次", f.unit_word, score_word(f), "较上季度", "名次区间（5%–95%）"]
    if f.province is not None:
        header.append(f"全省位次（{len(f.province.table)}个县区）")
    rows, values, emphasis = [], [], []
    for i, (code, r) in enumerate(table.iterrows()):
        rank = None if pd.isna(r["rank"]) else int(r["rank"])
        lo, hi = r.get("rank_p05"), r.get("rank_p95")
        interval = "—" if w.missing(lo) or pd.isna(lo) else f"{int(lo)}–{int(hi)}"
        row = [str(rank) if rank else "—", r["region_name"], w.score(r["score"]), w.rank_change_cell(r.get("rank_change")),
               interval]
        vals = [rank, None, None if pd.isna(r["score"]) else float(r["score"]),
                None if pd.isna(r.get("rank_change")) else int(r["rank_change"]), None]
        if f.province is not None:
            pr = f.province.table["rank"].get(code)
            row.append("—" if pd.isna(pr) else str(int(pr)))
            vals.append(None if pd.isna(pr) else int(pr))
        rows.append(tuple(row))
        values.append(tuple(vals))
        if rank and n > BOTTOM and rank > n - BOTTOM:
            emphasis.append(i)
    note = (f"{score_word(f)}：{f.card.scheme.name}，{w.quarter(f.quarter)}，在{f.area}{f.n}个{f.unit_word}中比较；"
            "名次区间为权重±25%、加权方式和标准化方法变动下名次的5%–95%区间；后3位以红色标出。"
            + (f"全省位次为在全省{len(f.province.table)}个县区中另行计算的综合得分位次（标准化范围不同），"
               "与市内位次不一定一致。" if f.province is not None else ""))
    return Table(f"表1　{w.quarter(f.quarter)}{f.area}{f.unit_word}综合评价排名", tuple(header), tuple(rows),
                 tuple(values), tuple(emphasis), note)


def ranking_figure(f: Facts) -> Figure:
    table = f.card.table.dropna(subset=["score"]).sort_values(["rank", "region_name"], kind="stable")
    n = len(table)
    low = float(table["score"].min()) if n else 0.0
    return Figure("ranking_bars", f"图1　{w.quarter(f.quarter)}{f.area}{f.unit_word}{score_word(f)}",
                  {"labels": table["region_name"].tolist(), "values": [round(float(x), 2) for x in table["score"]],
                   "ranks": [int(x) for x in table["rank"]],
                   "highlight": [], "axis": f"{score_word(f)}（{f.area}{n}个{f.unit_word}）",
                   # 功效系数法 scores run from 60: an axis from 0 would hide every difference
                   "axis_min": EFFICACY_FLOOR if low >= EFFICACY_FLOOR else 0})


def tile_figure(f: Facts) -> Figure:
    regions = regions_mod.default()
    t = f.card.table
    return Figure("tile_map", f"图2　{f.area}{f.unit_word}{score_word(f)}分布（方块大致按地理位置排列）",
                  {"layout_key": f.home if f.kind == "city" else None,
                   "units": [{"code": c, "label": tiles.tile_label(regions[c]), "longitude": regions[c].longitude,
                              "latitude": regions[c].latitude,
                              "value": None if pd.isna(t.at[c, "score"]) else round(float(t.at[c, "score"]), 2),
                              "rank": None if pd.isna(t.at[c, "rank"]) else int(t.at[c, "rank"])} for c in f.units],
                   "colour_title": score_word(f)})


# ---------------------------------------------------------------- 二、主要指标

def _value(f: Facts, code: str, indicator: str, measure: str, frame: pd.DataFrame | None = None):
    frame = f.values if frame is None else frame
    v = frame[(frame["region_code"] == code) & (frame["indicator"] == indicator) & (frame["measure"] == measure)]["value"]
    return float(v.iloc[0]) if len(v) else None


def _as_of(f: Facts, indicator: str, frame: pd.DataFrame | None = None) -> str | None:
    frame = f.values if frame is None else frame
    p = frame.loc[frame["indicator"] == indicator, "period"]
    return p.iloc[0] if len(p) else None


def months_of(f: Facts, indicator: str) -> str:
    """The span an indicator's value covers by the period: 1-10月, or 1-9月 for a quarterly series."""
    return w.months_short(_as_of(f, indicator) or f.period)


def schedule_gap(row) -> float:
    """A completion row's gap to 序时进度 as published (84.7% against 83.3% → +1.4: progress.shown_gap)."""
    return float(row["gap_shown_pp"])


def _progress(f: Facts, code: str, indicator: str, kind: str):
    p = f.progress[(f.progress["region_code"] == code) & (f.progress["indicator"] == indicator)
                   & (f.progress["kind"] == kind)]
    return p.iloc[0] if len(p) else None


def unit_growth(f: Facts, indicator: str) -> dict[str, float]:
    """unit → YTD growth (one decimal, as published) of one indicator."""
    out = {}
    for code in f.units:
        v = _value(f, code, indicator, "cum_yoy")
        if v is not None:
            out[code] = w.one(v)
    return out


def area_sentence(f: Facts, indicator: str) -> str:
    """'1-10月，全市固定资产投资完成…，增长0.8%，低于年度目标（7.0%）6.2个百分点，增速列全省14个市州第12位。'"""
    cat = catalogue_mod.default()
    ind = cat[indicator]
    parts = []
    lv = _value(f, f.home, indicator, "cum_level")
    if lv is not None:
        parts.append(f"完成{w.level(lv, ind.unit, city=True)}")
    yoy = _value(f, f.home, indicator, "cum_yoy")
    if yoy is not None:
        parts.append(w.growth(yoy, f.settings.negative_growth))
    if yoy is not None and f.above:
        above = _value(f, f.above, indicator, "cum_yoy")
        if above is not None:
            parts.append(w.pp_diff(w.gap(yoy, above), "全省"))
    if yoy is not None and _as_of(f, indicator, f.previous) not in (None, _as_of(f, indicator)):
        before = _value(f, f.home, indicator, "cum_yoy", f.previous)
        if before is not None:
            change = w.gap(yoy, before)
            words = "持平" if change == 0 else f"{'提高' if change > 0 else '回落'}{w.num(abs(change))}个百分点"
            parts.append(f"增速较{w.months_short(_as_of(f, indicator, f.previous))}{words}")
    target = _progress(f, f.home, indicator, "growth")
    if target is not None and pd.notna(target["gap_shown_pp"]):
        parts.append(w.pp_diff(target["gap_shown_pp"], f"年度目标（{w.num(target['target'])}%）"))
    level = _progress(f, f.home, indicator, "level")
    if level is not None and pd.notna(level["completion_pct"]):
        parts.append(f"完成年度目标的{w.num(level['completion_pct'])}%，"
                     + w.pp_diff(schedule_gap(level), f"序时进度（{w.num(level['schedule_linear_pct'])}%）"))
    rank = f.home_ranks.get(indicator) if f.kind == "city" else None
    if rank is not None and pd.notna(rank):
        parts.append(f"增速列全省{int(f.prefectures.table['rank'].notna().sum())}个市州{w.rank(rank)}")
    if not parts:
        return ""
    return f"{months_of(f, indicator)}，{f.area}{ind.name_zh}" + "，".join(parts) + "。"


def unit_lines(f: Facts, indicator: str) -> str:
    """'分县区看，武都区增长8.2%，列全市第1位，高于全市平均水平2.1个百分点；…。' best first."""
    growth = unit_growth(f, indicator)
    if not growth:
        return ""
    ranks = f.ranks[indicator] if indicator in f.ranks else pd.Series(dtype=float)
    area = _value(f, f.home, indicator, "cum_yoy")
    order = sorted(growth, key=lambda c: (ranks.get(c, float("inf")), f.names[c]))
    lines = []
    for code in order:
        text = f"{f.names[code]}{w.growth(growth[code], f.settings.negative_growth)}"
        if pd.notna(ranks.get(code)):
            text += f"，列{f.area}{w.rank(ranks[code])}"
        if area is not None:
            text += "，" + w.pp_diff(growth[code] - w.one(area), f"{f.area}平均水平")
        lines.append(text)
    return f"分{f.unit_word}看，" + "；".join(lines) + "。"


def indicators_section(f: Facts) -> Part:
    cat = catalogue_mod.default()
    subs = []
    for code in f.settings.indicators:
        paras = [p for p in (area_sentence(f, code), unit_lines(f, code)) if p]
        if paras:
            subs.append((cat[code].name_zh, tuple(Paragraph(p) for p in paras)))
    return Part("主要指标完成情况", (growth_table(f),), numbered(subs))


def numbered(subs: list[tuple[str, tuple]]) -> tuple[Section, ...]:
    """Level-2 sections （一）…（二）… in order."""
    return tuple(Section(f"（{w.cn_number(i + 1)}）{heading}", blocks, 2) for i, (heading, blocks) in enumerate(subs))


def growth_table(f: Facts) -> Table:
    """Units (best composite first) and the area × the brief's indicators: growth (%) and rank among the units."""
    cat = catalogue_mod.default()
    codes = list(f.settings.indicators)
    order = f.card.table.sort_values(["rank", "region_name"], na_position="last", kind="stable").index.tolist()
    rows, values = [], []
    for code in [f.home, *order]:
        row, vals = [f.area if code == f.home else f.names[code]], [None]
        for ind in codes:
            yoy = _value(f, code, ind, "cum_yoy")
            rank = None if code == f.home else f.ranks[ind].get(code) if ind in f.ranks else None
            if yoy is None:
                row.append("—")
                vals.append(None)
                continue
            cell = w.num(yoy)
            if rank is not None and pd.notna(rank):
                cell += f"（{int(rank)}）"
            row.append(cell)
            vals.append(w.one(yoy))
        rows.append(tuple(row))
        values.append(tuple(vals))
    head = [f"{cat[c].name_zh}（%）" if months_of(f, c) == w.months_short(f.period)
            else f"{cat[c].name_zh}（{months_of(f, c)}，%）" for c in codes]
    return Table(f"表2　{w.months(f.period)}主要指标增速及{f.area}位次", (f.unit_word, *head), tuple(rows),
                 tuple(values), (), f"增速为累计同比（%），括号内为在{f.area}{f.n}个{f.unit_word}中的位次；"
                 "季度指标为最近一个季度的数据；“—”为无数据。")


# ---------------------------------------------------------------- 三、目标任务

def targets_section(f: Facts) -> Part:
    subs = [schedule_section(f), double_half_section(f), positive_section(f)]
    return Part("目标任务推进情况", (), numbered([s for s in subs if s is not None]))


FAR_BEHIND = -progress.THRESHOLDS.level_behind  # 10个百分点: "明显滞后", the 落后 threshold of the targets page


def schedule_section(f: Facts) -> tuple[str, tuple] | None:
    """Level targets: the area's completion against 序时进度; how many units are behind, naming those far behind."""
    cat = catalogue_mod.default()
    rows = f.progress[(f.progress["compare"] == progress.COMPLETION) & f.progress["completion_pct"].notna()]
    paras = []
    for indicator in [c for c in cat.codes if c in set(rows["indicator"])]:
        ind_rows = rows[rows["indicator"] == indicator]
        area = ind_rows[ind_rows["region_code"] == f.home]
        units = ind_rows[ind_rows["region_code"].isin(f.units)].assign(
            shown_gap=lambda d: [schedule_gap(r) for _, r in d.iterrows()]).sort_values("shown_gap", kind="stable")
        schedule = w.num(ind_rows["schedule_linear_pct"].iloc[0])
        text = f"{cat[indicator].name_zh}："
        if len(area):
            a = area.iloc[0]
            text += f"{f.area}完成年度目标的{w.num(a['completion_pct'])}%，{w.pp_diff(schedule_gap(a), '序时进度')}；"
        behind = units[units["shown_gap"] < 0]
        far = behind[behind["shown_gap"] <= -FAR_BEHIND]
        if behind.empty:
            text += f"各{f.unit_word}均达到序时进度（{schedule}%）"
        else:
            text += (f"{len(behind)}个{f.unit_word}均低于序时进度（{schedule}%）" if len(behind) == len(units) else
                     f"{w.names([f.names[c] for c in behind['region_code']])}{len(behind)}个{f.unit_word}"
                     f"低于序时进度（{schedule}%）")
            if len(far):
                items = [f"{f.names[r.region_code]}（完成{w.num(r.completion_pct)}%，低于{w.num(-r.shown_gap)}个百分点）"
                         for r in far.itertuples()]
                text += f"，其中{w.names(items)}低于{FAR_BEHIND:g}个百分点以上"
        paras.append(Paragraph(text + "。"))
    return ("序时进度", tuple(paras)) if paras else None


def double_half_section(f: Facts) -> tuple[str, tuple] | None:
    """双过半 is the 1–6月 test (总量过半, 增速达到年度目标): the half-year brief says who made it and what each of the
    others missed; a later brief of the year recalls the half-year result in one sentence; an earlier one nothing."""
    if f.midyear.empty:
        return None
    cat = catalogue_mod.default()
    half = f.midyear[f.midyear["double_half"].notna() & f.midyear["region_code"].isin(f.units)
                     & f.midyear["indicator"].isin(f.settings.indicators)]
    if half.empty:
        return None
    missed = half[~half["double_half"].astype(bool)]
    made = [c for c in f.units if c in set(half["region_code"]) and c not in set(missed["region_code"])]
    rule = "（总量完成年度目标过半、增速达到年度目标）"
    when = "" if f.period.endswith(f"-{progress.HALF_YEAR_MONTH:02d}") else f"{f.period[:4]}年1-6月，"
    head = (f"{when}{w.names([f.names[c] for c in made])}{len(made)}个{f.unit_word}主要指标全部实现“双过半”{rule}" if made
            else f"{when}没有{f.unit_word}主要指标全部实现“双过半”{rule}")
    if when:
        rest = len(set(missed["region_code"]))
        return ("双过半", (Paragraph(head + (f"，其余{rest}个{f.unit_word}未全部实现。" if made and rest else "。")),))
    paras = [Paragraph(head + "。")]
    for code in sorted(set(missed["region_code"]), key=lambda c: (-(missed["region_code"] == c).sum(), f.names[c])):
        rows = missed[missed["region_code"] == code]
        totals = [cat[r.indicator].name_zh for r in rows.itertuples() if r.kind == "level"]
        growth = [cat[r.indicator].name_zh for r in rows.itertuples() if r.kind == "growth"]
        said = ([f"{'、'.join(totals)}总量未过半"] if totals else []) + ([f"{'、'.join(growth)}增速未达到年度目标"]
                                                                       if growth else [])
        paras.append(Paragraph(f"{f.names[code]}：{'；'.join(said)}。"))
    return ("双过半", tuple(paras))


def positive_section(f: Facts) -> tuple[str, tuple]:
    """正增长 at the period: per indicator the units with negative growth or 持平; the units with all positive."""
    cat = catalogue_mod.default()
    paras, not_all = [], set()
    for code in f.settings.indicators:
        growth = unit_growth(f, code)
        down = sorted([c for c, v in growth.items() if v <= 0], key=lambda c: growth[c])
        not_all |= set(down)
        if down:
            items = [f"{f.names[c]}{w.growth(growth[c], f.settings.negative_growth)}" for c in down]
            paras.append(Paragraph(f"{cat[code].name_zh}：{w.names(items)}，{len(down)}个{f.unit_word}未实现正增长。"))
    all_up = [f.names[c] for c in f.units if c not in not_all]
    head = (f"{w.months_short(f.period)}，{w.names(all_up)}{len(all_up)}个{f.unit_word}主要指标全部实现正增长。" if all_up
            else f"{w.months_short(f.period)}，没有{f.unit_word}主要指标全部实现正增长。")
    return ("正增长", (Paragraph(head), *paras))


# ---------------------------------------------------------------- 重点工作推进情况 (the ledgers: indicators/brief/key_work.py)

def key_work_section(f: Facts) -> Part | None:
    if not f.ledgers:
        return None
    kw = key_work.KeyWork(sorted(f.units), f.names, f.area, f.period, f.ledgers, f.unit_rankings)
    made = key_work.sections(kw, numbered)
    if made is None:
        return None
    blocks, subs = made
    return Part("重点工作推进情况", blocks, subs)


# ---------------------------------------------------------------- 四、存在的问题

def ranked_low(f: Facts, code: str) -> tuple[list[str], list[str]]:
    """(indicators on which the unit is last, those among the last three) of the brief's indicators."""
    cat = catalogue_mod.default()
    last, low = [], []
    for ind in f.settings.indicators:
        if ind not in f.ranks or pd.isna(f.ranks[ind].get(code)):
            continue
        rank, n = int(f.ranks[ind][code]), int(f.ranks[ind].notna().sum())
        if n > BOTTOM and rank == n:
            last.append(cat[ind].name_zh)
        elif n > BOTTOM and rank > n - BOTTOM:
            low.append(cat[ind].name_zh)
    return last, low


def problems_section(f: Facts) -> Part:
    """The usual tests, one point each, naming the units: places at the bottom, 序时进度 far behind (negative
    growth is named under 正增长)."""
    cat = catalogue_mod.default()
    order = f.card.table.sort_values(["rank", "region_name"], ascending=[False, True], na_position="first",
                                     kind="stable").index.tolist()
    points = []
    places = []
    for code in order:
        last, low = ranked_low(f, code)
        said = ([f"{'、'.join(last)}增速位列{f.area}末位"] if last else []) + \
               ([f"{'、'.join(low)}增速列{f.area}后{BOTTOM}位"] if low else [])
        if said:
            places.append(f"{f.names[code]}{'，'.join(said)}")
    if places:
        points.append(f"部分{f.unit_word}主要指标位次靠后。" + "；".join(places) + "。")
    far = f.progress[(f.progress["compare"] == progress.COMPLETION) & f.progress["region_code"].isin(f.units)
                     & f.progress["completion_pct"].notna()]
    lines = []
    for indicator in [c for c in cat.codes if c in set(far["indicator"])]:
        rows = far[far["indicator"] == indicator]
        rows = rows.assign(shown_gap=[schedule_gap(r) for _, r in rows.iterrows()])
        rows = rows[rows["shown_gap"] <= -FAR_BEHIND].sort_values("shown_gap", kind="stable")
        if len(rows):
            items = [f"{f.names[r.region_code]}低于{w.num(-r.shown_gap)}个百分点" for r in rows.itertuples()]
            lines.append(f"{cat[indicator].name_zh}{w.names(items)}")
    if lines:
        points.append(f"部分目标任务进度明显滞后，低于序时进度{FAR_BEHIND:g}个百分点以上。" + "；".join(lines) + "。")
    if f.ledgers:
        ledger_point = key_work.problems(key_work.KeyWork(sorted(f.units), f.names, f.area, f.period, f.ledgers,
                                                          f.unit_rankings))
        if ledger_point:
            points.append(ledger_point)
    paras = [Paragraph(f"{w.ordinal_lead(i)}{text}", style="lead") for i, text in enumerate(points)]
    if not paras:
        paras = [Paragraph(f"本期各{f.unit_word}主要指标均未出现负增长、末位或明显低于序时进度的情况。")]
    return Part("存在的问题", tuple(paras))


# ---------------------------------------------------------------- 五、进位赶超

def gap_sentence(f: Facts, code: str, k: int, gaps: pd.DataFrame, among: str) -> str:
    cat = catalogue_mod.default()
    units = explain.units_of(f.card.scheme, cat)
    name = f.names.get(code) or regions_mod.default()[code].name
    current = gaps["current_rank"].iloc[0] if len(gaps) else None
    head = f"{name}综合得分列{among}{w.rank(current)}，要进入前{k}位，"
    combined = gaps[gaps["indicator"] == "组合"]
    alone = gaps[(gaps["indicator"] != "组合") & gaps["reachable"].astype(bool) & gaps["improvement"].notna()
                 & (gaps["improvement"] > 0)].sort_values("improvement", kind="stable")
    parts = []
    if len(combined) and bool(combined.iloc[0]["reachable"]):
        c = combined.iloc[0]
        steps = "、".join(f"{cat[i].name_zh}提高{w.improvement(d, units[i])}" for i, d in c["changes"].items())
        parts.append(f"最省力的组合是{steps}（经重算验证，可列第{int(c['verified_rank'])}位）")
    elif len(combined):
        parts.append(str(combined.iloc[0]["note"]) or "各指标同时提高也无法达到")
    if len(alone):
        items = [f"{cat[r.indicator].name_zh}提高{w.improvement(r.improvement, units[r.indicator])}"
                 for r in alone.itertuples()]
        parts.append(f"单项看，{w.names(items)}，任一项即可达到")
    else:
        parts.append("没有单项指标能独自达到")
    return head + "；".join(parts) + "。"


def gaps_section(f: Facts) -> Part | None:
    paras = []
    n_pref = int(f.prefectures.table["rank"].notna().sum())
    for code, (k, gaps) in f.gaps.items():
        if gaps.empty or gaps["current_rank"].isna().all():  # no score (no data): nothing to climb from
            continue
        among = f"全省{n_pref}个市州" if code == f.home or f.kind == "prefectures" else f"{f.area}{f.n}个{f.unit_word}"
        if bool((gaps["note"] == "已达到目标名次").all()):
            continue
        paras.append(Paragraph(gap_sentence(f, code, k, gaps, among)))
    if not paras:
        return None
    paras.append(Paragraph("以上测算按本期评价方案和各单位实际数据，每个答案都经重新计算综合得分验证；"
                           "“个百分点”为增速或比率的提高幅度。", style="note"))
    return Part("争先进位测算", tuple(paras))


# ---------------------------------------------------------------- 六、约谈

def interviews(f: Facts) -> list[Interview]:
    from indicators import rules

    out = []
    for g in rules.by_unit(f.interviews):
        met = {r["rule"] for r in g["rules"]}
        kinds = {f_.rule_id: f_.kind for f_ in f.interviews}
        # "two quarters running in the bottom three" already says "in the bottom three": the brief names it once
        running = any(kinds.get(r) == "composite_bottom_running" for r in met)
        kept = tuple(r for r in g["rules"] if not (running and kinds.get(r["rule"]) == "composite_bottom"))
        out.append(Interview(g["region_code"], g["region_name"], kept))
    return out


def interviews_section(f: Facts) -> Part:
    items = interviews(f)
    if not items:
        return Part("约谈情形", (Paragraph(f"本期没有{f.unit_word}符合约谈情形。"),))
    rows = [(i.region_name, "；".join(r["text"] for r in i.rules), "；".join(r["facts"] for r in i.rules))
            for i in items]
    lead = Paragraph(f"根据{f.period[:4]}年约谈规则，{w.names([i.region_name for i in items])}{len(items)}个{f.unit_word}"
                     "符合约谈情形，名单及依据如下：")
    return Part("约谈情形", (lead, Table(f"表3　{w.months(f.period)}约谈名单", (f.unit_word, "约谈情形", "依据"),
                                       tuple(rows), tuple((None, None, None) for _ in rows))))


# ---------------------------------------------------------------- 七、下一步工作要求

def requirements_section(f: Facts) -> Part:
    return Part("下一步工作要求", tuple(Paragraph(text, editable="requirements")
                                   for text in f.settings.requirements[f.kind]))
