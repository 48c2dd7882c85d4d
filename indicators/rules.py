"""约谈 and 需要关注 rules as data (data/schemes/<year>.rules.toml), one engine for both.

A rules file holds two lists, `[[interview]]` (约谈: the units of a comparison set judged against that set) and
`[[attention]]` (需要关注: a prefecture's counties judged against the province's counties). Each rule has an id, a
kind (KINDS), its parameters and its wording in Chinese and English. The file is validated on load (every problem
at once, each naming the file, the rule and the field, with the fix); rules are evaluated on plain frames (no store)
into Findings that carry the facts in a brief's words and the numbers behind them. Order in the file is severity:
the first rule a unit meets sorts it first.
"""

from __future__ import annotations

import hashlib
import math
import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pandas as pd

from indicators import progress, unit_ranking
from indicators.brief import wording
from indicators.ranking import rank
from loaders import unit_measures
from loaders.catalogue import Catalogue
from loaders.settings import DATA_DIR

RULES_DIR = DATA_DIR / "schemes"  # beside the schemes; read at call time so a test can point it elsewhere
SUFFIX = ".rules.toml"
LISTS = ("interview", "attention")
SCHEME = "scheme"  # indicators = "scheme": the year's scheme indicators (those the rule can judge)
# Parameters of each kind; every rule also has id, kind, zh and en.
KINDS: dict[str, tuple[str, ...]] = {
    "composite_bottom": ("places",),
    "composite_bottom_running": ("places", "quarters"),
    "indicator_negative_bottom": ("indicators", "places"),
    "indicator_bottom": ("indicators", "places"),
    "indicator_negative": ("indicators",),
    "behind_schedule": ("indicators", "pp"),
    "indicator_last": ("indicators",),
    # ledger facts (loaders/ledger_rollup.py FACTS) at the brief's month, and the units below the county
    "ledger_overdue": ("ledger", "items"),
    "ledger_rate_last": ("ledger",),
    "ledger_rate_below": ("ledger", "rate"),
    "units_zero": ("measure", "units"),
}
COMMON = ("id", "kind", "zh", "en")
GROWTH_KINDS = ("indicator_negative_bottom", "indicator_negative")  # judge a growth rate: need cum_yoy
RANKED_KINDS = ("indicator_negative_bottom", "indicator_bottom", "indicator_last")  # need a direction
COMPOSITE_KINDS = ("composite_bottom", "composite_bottom_running")
LEDGER_KINDS = ("ledger_overdue", "ledger_rate_last", "ledger_rate_below")  # read Inputs.ledgers
UNIT_KINDS = ("units_zero",)  # read Inputs.unit_rankings
# What a finding's numbers are about: one line of the cockpit keeps one fact per topic (the first rule's).
COMPOSITE, POSITION, SCHEDULE = "composite", "position", "schedule"
# The comparison set in a brief's words: (zh place, zh unit word, en place).
PLACES = {"province": ("全省", "县区", "in the province"), "city": ("全市", "县区", "in the city"),
          "prefectures": ("全省", "市州", "among the prefectures")}


@dataclass(frozen=True)
class LedgerFacts:
    """What the ledger rules read of one ledger kind's facts (loaders/ledger_rollup.py FACTS), in a brief's words.

    overdue: the facts column counting items past their deadline (None: the kind has no deadline), amount: the
    column of the money outstanding on them (万元, or None); rate: the column of the kind's rate (%); indicator:
    the catalogue indicator a finding is about (the cockpit's line and the export's column)."""

    name_zh: str
    name_en: str
    overdue: str | None
    overdue_zh: str  # {n} items, {amount}: '超期未清偿欠款3笔，金额120.0万元'
    overdue_en: str
    amount: str | None
    rate: str | None
    rate_zh: str
    rate_en: str
    indicator: str


LEDGERS = {
    "arrears": LedgerFacts("清欠台账", "arrears ledger", "overdue_items", "超过约定清偿日期未清偿欠款{n}笔，金额{amount}",
                           "{n} debts past their due date not cleared ({amount})", "overdue_outstanding",
                           "rate_undisputed", "无分歧欠款清偿率", "undisputed arrears repayment rate", "ARREARS_RATE"),
    "complaints": LedgerFacts("投诉线索台账", "complaint leads ledger", "overdue_open", "超过办理时限未办结投诉线索{n}条",
                              "{n} complaint leads open past their allowed days", None, "rate", "投诉线索办结率",
                              "complaint leads handling rate", "COMPLAINT_RATE"),
    "key_projects": LedgerFacts("重点项目台账", "key projects ledger", "start_overdue", "超过计划开工日期仍未开工的重点项目{n}个",
                                "{n} key projects not started past their planned start date", None, "start_rate",
                                "重点项目开工率", "key projects start rate", "KEY_PROJ"),
}
UNIT_INDICATOR = {"investment": "INVEST_IN", "key_projects": "KEY_PROJ", "sishang": "NEW_SISHANG",
                  "arrears": "ARREARS_PAID", "complaints": "COMPLAINT_DONE"}  # a measure's ledger → its indicator


class RulesError(ValueError):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("约谈/需要关注规则有误：\n  " + "\n  ".join(messages))


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    zh: str
    en: str
    order: int  # position in its list: the first rule is the most severe
    indicators: tuple[str, ...] = ()  # catalogue codes, or ("scheme",)
    places: int = 0
    quarters: int = 0
    pp: float = 0.0
    ledger: str = ""  # ledger kinds: a key of LEDGERS
    items: int = 0  # ledger_overdue: at least this many overdue items
    rate: float = 0.0  # ledger_rate_below: a rate below this (%)
    measure: str = ""  # units_zero: a measure of data/unit_measures.toml
    units: int = 0  # units_zero: at least this many units 未破零

    def codes(self, scheme_codes: list[str] | tuple[str, ...] = ()) -> tuple[str, ...]:
        return tuple(scheme_codes) if self.indicators == (SCHEME,) else self.indicators


@dataclass(frozen=True)
class Rules:
    year: int
    interview: tuple[Rule, ...]
    attention: tuple[Rule, ...]
    source: str = ""
    sha256: str = ""
    carried_from: int = 0  # a year without its own file uses the newest earlier one (labelled)


@dataclass(frozen=True)
class Finding:
    """One rule met by one unit: the rule's wording, the facts sentence (without the unit's name, as a brief
    writes it after the name) and the numbers behind it."""

    region_code: str
    region_name: str
    rule_id: str
    kind: str
    rule_zh: str
    rule_en: str
    facts_zh: str
    facts_en: str
    values: dict = field(default_factory=dict)
    indicator: str | None = None
    sort_key: tuple = ()
    topic: str = POSITION

    def as_dict(self) -> dict:
        return asdict(self) | {"sort_key": list(self.sort_key)}


# ---------------------------------------------------------------- loading and validation

def parse(raw: dict, *, source: str, year: int, catalogue: Catalogue) -> Rules:
    """Rules from parsed TOML; every problem is reported at once (RulesError.messages)."""
    msgs = [f"{source}：未知列表“{k}”，可选 [[interview]]（约谈）、[[attention]]（需要关注）"
            for k in sorted(set(raw) - set(LISTS))]
    out: dict[str, list[Rule]] = {name: [] for name in LISTS}
    seen: set[str] = set()
    for name in LISTS:
        entries = raw.get(name, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            msgs.append(f"{source}：{name} 应写作 [[{name}]] 表的列表")
            continue
        for n, e in enumerate(entries, start=1):
            rid = e.get("id")
            label = f"{source} 规则“{rid}”" if isinstance(rid, str) and rid else f"{source} [[{name}]] 第{n}条规则"
            rule_msgs = _check(e, label, catalogue)
            if isinstance(rid, str) and rid in seen:
                rule_msgs.append(f"{label}：id 重复；每条规则的 id 在文件中只能出现一次，请改用另一个 id")
            seen.add(rid)
            msgs += rule_msgs
            if not rule_msgs:
                out[name].append(_rule(e, len(out[name])))
    if msgs:
        raise RulesError(msgs)
    return Rules(year=year, interview=tuple(out["interview"]), attention=tuple(out["attention"]), source=source)


def _check(e: dict, label: str, cat: Catalogue) -> list[str]:
    msgs = []
    rid = e.get("id")
    if not isinstance(rid, str) or not rid.strip():
        msgs.append(f"{label}：缺少 id；请写 id = \"bottom3\" 这样的简短英文标识")
    kind = e.get("kind")
    if kind not in KINDS:
        got = "缺少 kind" if kind is None else f"未知类型“{kind}”"
        return msgs + [f"{label}：{got}，可选类型为{'、'.join(KINDS)}"]
    params = KINDS[kind]
    for k in sorted(set(e) - set(COMMON) - set(params)):
        msgs.append(f"{label}：类型 {kind} 没有参数“{k}”；可用参数为{'、'.join(COMMON + params)}")
    for lang, example in (("zh", "综合得分连续两个季度位列后3位"), ("en", "composite score in the bottom 3 two quarters running")):
        if not isinstance(e.get(lang), str) or not e[lang].strip():
            msgs.append(f"{label}：缺少规则表述 {lang}；请写 {lang} = \"{example}\"（通报列出的规则原文）")
    if "places" in params:
        msgs += _positive_int(e, "places", label, "位列后几位，如 places = 3")
    if "quarters" in params:
        q = e.get("quarters")
        if not _is_int(q) or q < 2:
            msgs.append(f"{label}：quarters 应为不小于2的整数（连续几个季度），得到 {q!r}；如 quarters = 2")
    if "pp" in params:
        pp = e.get("pp")
        if not isinstance(pp, int | float) or isinstance(pp, bool) or pp < 0 or math.isnan(pp):
            msgs.append(f"{label}：pp 应为不小于0的数（低于序时进度的个百分点），得到 {pp!r}；如 pp = 10")
    if "indicators" in params:
        msgs += _check_indicators(e.get("indicators"), kind, label, cat)
    if "ledger" in params:
        allowed = [k for k, v in LEDGERS.items() if (v.overdue if kind == "ledger_overdue" else v.rate)]
        if e.get("ledger") not in allowed:
            msgs.append(f"{label}：ledger 应为{'、'.join(allowed)}之一（data/ledgers.toml 中的台账代码，"
                        f"类型 {kind} 只能用于这些台账），得到 {e.get('ledger')!r}；如 ledger = \"{allowed[0]}\"")
    if "items" in params:
        msgs += _positive_int(e, "items", label, "超期事项达到几项即符合，如 items = 1")
    if "units" in params:
        msgs += _positive_int(e, "units", label, "未破零的单位达到几个即符合，如 units = 1")
    if "rate" in params:
        rate = e.get("rate")
        if not isinstance(rate, int | float) or isinstance(rate, bool) or not 0 < rate <= 100:
            msgs.append(f"{label}：rate 应为大于0、不大于100的数（百分比），得到 {rate!r}；如 rate = 90")
    if "measure" in params:
        known = unit_measures.default()
        if e.get("measure") not in known:
            msgs.append(f"{label}：未知单位任务指标“{e.get('measure')}”；data/unit_measures.toml 中的指标有"
                        f"{'、'.join(m.code for m in known)}")
    return msgs


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _positive_int(e: dict, key: str, label: str, example: str) -> list[str]:
    v = e.get(key)
    if not _is_int(v) or v < 1:
        return [f"{label}：{key} 应为正整数，得到 {v!r}；{example}"]
    return []


def _check_indicators(codes, kind: str, label: str, cat: Catalogue) -> list[str]:
    if codes == SCHEME:
        return []
    if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
        return [f"{label}：indicators 应为指标代码的列表（如 indicators = [\"GDP\", \"FAI\"]）或 \"scheme\"（当年方案的指标），"
                f"得到 {codes!r}"]
    msgs = []
    for code in codes:
        if code not in cat:
            msgs.append(f"{label}：未知指标“{code}”；指标目录中的代码有{'、'.join(cat.codes)}")
            continue
        ind = cat[code]
        if kind in GROWTH_KINDS and "cum_yoy" not in ind.measures:
            msgs.append(f"{label}：{ind.name_zh}（{code}）不发布增速，类型 {kind} 判断负增长，只能用于有增速的指标")
        elif kind in RANKED_KINDS and ind.direction == 0:
            msgs.append(f"{label}：{ind.name_zh}（{code}）方向为0，不参与排名；请改用有方向的指标")
        elif kind == "behind_schedule" and "cum_level" not in ind.measures:
            msgs.append(f"{label}：{ind.name_zh}（{code}）不是累计值指标，没有完成年度目标的序时进度；"
                        "请用有年度总量目标的指标（如 ARREARS_PAID）")
    return msgs


def _rule(e: dict, order: int) -> Rule:
    codes = e.get("indicators", ())
    return Rule(id=e["id"], kind=e["kind"], zh=e["zh"].strip(), en=e["en"].strip(), order=order,
                indicators=(SCHEME,) if codes == SCHEME else tuple(codes), places=int(e.get("places", 0)),
                quarters=int(e.get("quarters", 0)), pp=float(e.get("pp", 0.0)), ledger=e.get("ledger", ""),
                items=int(e.get("items", 0)), rate=float(e.get("rate", 0.0)), measure=e.get("measure", ""),
                units=int(e.get("units", 0)))


def load(path: Path | str, catalogue: Catalogue) -> Rules:
    path = Path(path)
    try:
        data = path.read_bytes()
        raw = tomllib.loads(data.decode("utf-8"))
    except FileNotFoundError as exc:
        raise RulesError([f"{path}：没有这个规则文件；规则文件放在 {RULES_DIR}，名为 <年份>{SUFFIX}"]) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RulesError([f"{path.name}：不是有效的 TOML（{exc}）；请修正该行的写法"]) from exc
    year = int(path.name.removesuffix(SUFFIX)) if path.name.removesuffix(SUFFIX).isdigit() else 0
    rules = parse(raw, source=path.name, year=year, catalogue=catalogue)
    return replace(rules, sha256=hashlib.sha256(data).hexdigest())


def rules_years(folder: Path | None = None) -> list[int]:
    """Years with a rules file of their own, oldest first."""
    folder = folder or RULES_DIR
    return sorted(int(s) for p in folder.glob(f"*{SUFFIX}") if (s := p.name.removesuffix(SUFFIX)).isdigit())


def for_year(year: int, catalogue: Catalogue, folder: Path | None = None) -> Rules:
    """The rules of a year: its own file, else the newest earlier one carried forward (as schemes are: the
    province has not yet published the new rules); a year before the oldest file has none."""
    folder = folder or RULES_DIR
    years = rules_years(folder)
    if year in years:
        return load(folder / f"{year}{SUFFIX}", catalogue)
    if not years or year < years[0]:
        raise RulesError([f"{year}年没有约谈/需要关注规则（{folder} 中有 {'、'.join(map(str, years)) or '无'}）；"
                          f"请添加 {year}{SUFFIX}"])
    base = max(y for y in years if y < year)
    return replace(load(folder / f"{base}{SUFFIX}", catalogue), year=year, carried_from=base)


# ---------------------------------------------------------------- evaluation on plain frames

@dataclass
class Inputs:
    """What the rules read, for one comparison set.

    units: the units findings are reported for (a prefecture's counties for 需要关注; the set itself for 约谈);
    set_units: the comparison set ranks are taken in; place: province | city | prefectures (the words);
    cards: quarter → scorecard table (region_name, score, rank) of the set, oldest first, the last the current one;
    values: set units × indicator codes, each on its ranked measure (YTD growth where published, else ratio or
    level; reading.rank_measure); progress: progress_table rows of the set's units; negative_growth: how a
    negative growth is written (indicators/brief/wording.py)."""

    units: list[str]
    set_units: list[str]
    names: dict[str, str]
    place: str
    catalogue: Catalogue
    cards: dict[str, pd.DataFrame] = field(default_factory=dict)
    values: pd.DataFrame = field(default_factory=pd.DataFrame)
    progress: pd.DataFrame = field(default_factory=pd.DataFrame)
    scheme_codes: tuple[str, ...] = ()
    negative_growth: str = wording.DECLINE  # 下降8.9% or 增长-8.9%: the bureau's setting (data/brief.toml)
    # ledger kind → its facts at the month: one row per county whose snapshot is dated within the month (the one
    # that filled the month's county values), with its date in `as_of`; a county without one has no row
    ledgers: dict[str, pd.DataFrame] = field(default_factory=dict)
    # measure → the units' ranking (indicators/unit_ranking.py COLUMNS) of those counties
    unit_rankings: dict[str, pd.DataFrame] = field(default_factory=dict)


def uses_ledgers(rules: tuple[Rule, ...] | list[Rule]) -> bool:
    """Whether any rule reads ledger facts or unit rankings (their uploads hold no statistics period)."""
    return any(r.kind in LEDGER_KINDS + UNIT_KINDS for r in rules)


def evaluate(rules: tuple[Rule, ...] | list[Rule], inputs: Inputs) -> list[Finding]:
    """Every rule met by every unit of inputs.units, worst first (rule order, then how far down, then the value)."""
    out = []
    for r in rules:
        out += EVALUATORS[r.kind](r, inputs)
    return sorted(out, key=lambda f: f.sort_key)


def by_unit(findings: list[Finding], lang: str = "zh") -> list[dict]:
    """Findings grouped per unit, worst unit first: {region_code, region_name, rules: [{rule, text, facts, values,
    indicator}]} (what a brief lists as 约谈 with the rules met)."""
    groups: dict[str, dict] = {}
    for f in sorted(findings, key=lambda f: f.sort_key):
        g = groups.setdefault(f.region_code, {"region_code": f.region_code, "region_name": f.region_name, "rules": []})
        g["rules"].append({"rule": f.rule_id, "text": f.rule_en if lang == "en" else f.rule_zh,
                           "facts": f.facts_en if lang == "en" else f.facts_zh, "values": f.values,
                           "indicator": f.indicator})
    return list(groups.values())


def quarter_words(quarter: str, lang: str = "zh") -> str:
    y, q = quarter[:4], int(quarter[-1])
    return f"{y} Q{q}" if lang == "en" else f"{y}年{'一二三四'[q - 1]}季度"


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def bottom_words(place: int, n: int, where: str, lang: str = "zh") -> str:
    """全省倒数第2 / 全市倒数第1 / 14个市州中倒数第1; 2nd lowest in the province / lowest of the 14 prefectures."""
    zh_place, _, en_place = PLACES[where]
    if lang == "en":
        head = "lowest" if place == 1 else f"{ordinal(place)} lowest"
        return f"{head} of the {n} prefectures" if where == "prefectures" else f"{head} {en_place}"
    return f"{n}个市州中倒数第{place}" if where == "prefectures" else f"{zh_place}倒数第{place}"


def _rank_words(rk: int, n: int, where: str, lang: str = "zh") -> str:
    zh_place, unit, en_place = PLACES[where]
    if lang == "en":
        return f"{ordinal(rk)} of {n} {'prefectures' if where == 'prefectures' else 'counties'}" + (
            "" if where == "prefectures" else f" {en_place}")
    return f"列{zh_place}第{rk}位（共{n}个{unit}）"


def _finding(r: Rule, inputs: Inputs, code: str, facts_zh: str, facts_en: str, values: dict, key: tuple,
             indicator: str | None = None, topic: str = POSITION) -> Finding:
    return Finding(code, inputs.names.get(code, code), r.id, r.kind, r.zh, r.en, facts_zh, facts_en,
                   {k: _plain(v) for k, v in values.items()}, indicator, (r.order, *key, code, indicator or ""), topic)


def _plain(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def _ranked(table: pd.DataFrame, units: list[str]) -> pd.DataFrame:
    """The ranked units of a scorecard table with their place from the bottom (1 = last; ties share the place, so
    two units tied at the bottom are both last; a unit without a score is not ranked, so never last)."""
    t = table.reindex(units)
    t = t[t["rank"].notna() & t["score"].notna()]
    return t.assign(from_bottom=rank(-t["score"].astype(float)))


def _in_bottom(t: pd.DataFrame, code: str, places: int) -> bool:
    return code in t.index and len(t) > places and int(t.at[code, "from_bottom"]) <= places


def _composite_bottom(r: Rule, inputs: Inputs) -> list[Finding]:
    if not inputs.cards:
        return []
    quarter, table = list(inputs.cards.items())[-1]
    ranked = _ranked(table, inputs.set_units)
    n = len(ranked)
    out = []
    for code in inputs.units:
        if not _in_bottom(ranked, code, r.places):
            continue
        rk, score, p = int(ranked.at[code, "rank"]), float(ranked.at[code, "score"]), int(ranked.at[code, "from_bottom"])
        out.append(_finding(r, inputs, code, f"综合得分{score:.2f}分，{_rank_words(rk, n, inputs.place)}",
                            f"composite score {score:.2f}, {_rank_words(rk, n, inputs.place, 'en')}",
                            {"quarter": quarter, "score": round(score, 2), "rank": rk, "n": n,
                             "place_from_bottom": p}, (p, score), topic=COMPOSITE))
    return out


def _composite_running(r: Rule, inputs: Inputs) -> list[Finding]:
    cards = list(inputs.cards.items())[-r.quarters:]
    if len(cards) < r.quarters:
        return []
    ranked = [(q, _ranked(t, inputs.set_units)) for q, t in cards]
    zh_place, unit, en_place = PLACES[inputs.place]
    out = []
    for code in inputs.units:
        if not all(_in_bottom(t, code, r.places) for _, t in ranked):
            continue
        ranks = [(q, int(t.at[code, "rank"]), len(t)) for q, t in ranked]
        qs_zh = "、".join(quarter_words(q) if i == 0 or q[:4] != ranks[i - 1][0][:4] else quarter_words(q)[5:]
                         for i, (q, _, _) in enumerate(ranks))
        n_last = ranks[-1][2]
        zh = (f"{qs_zh}综合得分分别列{zh_place}第{'位、第'.join(str(k) for _, k, _ in ranks)}位"
              f"（共{n_last}个{unit}）")
        en = ("composite rank " + ", ".join(f"{ordinal(k)} ({quarter_words(q, 'en')})" for q, k, _ in ranks)
              + f" of {n_last} " + ("prefectures" if inputs.place == "prefectures" else f"counties {en_place}"))
        p = int(ranked[-1][1].at[code, "from_bottom"])
        out.append(_finding(r, inputs, code, zh, en, {"quarters": [q for q, _, _ in ranks],
                                                      "ranks": [k for _, k, _ in ranks], "n": n_last,
                                                      "place_from_bottom": p},
                            (p, 0.0), topic=COMPOSITE))
    return out


def _value_words(cat: Catalogue, code: str, v: float, growth: bool, lang: str, style: str = wording.DECLINE) -> str:
    ind = cat[code]
    if growth:
        return f"{ind.name_en} growth {v:.1f}%" if lang == "en" else f"{ind.name_zh}{wording.growth(v, style)}"
    whole = ind.value_type == "level" and float(v).is_integer()  # counts (个, 家) print whole; rates to 0.1
    num = f"{v:,.0f}" if whole else f"{v:,.1f}"
    return f"{ind.name_en} {num}{' ' if ind.unit != '%' else ''}{ind.unit}" if lang == "en" else f"{ind.name_zh}{num}{ind.unit}"


def _column(frame: pd.DataFrame, code: str, units: list[str]) -> pd.Series:
    if code not in frame.columns:
        return pd.Series(float("nan"), index=units)
    return frame[code].reindex(units).astype(float)


def _positions(r: Rule, inputs: Inputs, *, negative: bool, bottom: int) -> list[Finding]:
    """Units with negative growth (negative) and/or among the last `bottom` places of the set (bottom > 0)."""
    cat = inputs.catalogue
    out = []
    for code in r.codes(inputs.scheme_codes):
        if code not in cat or (negative and "cum_yoy" not in cat[code].measures) or \
                (bottom and cat[code].direction == 0):
            continue  # "scheme" names indicators this kind cannot judge: skip them
        growth = "cum_yoy" in cat[code].measures
        col = _column(inputs.values, code, inputs.set_units)
        worst = rank(col * -(cat[code].direction or 1))  # 1 = worst; ties share the smaller place
        n = int(col.notna().sum())
        for unit in inputs.units:
            if unit not in col.index or pd.isna(col[unit]):
                continue
            place = worst[unit]
            if negative and progress.growth_status(col[unit]) != progress.NEGATIVE:
                continue
            if bottom and (pd.isna(place) or int(place) > bottom or n <= bottom):
                continue
            v = float(col[unit])
            value_zh = _value_words(cat, code, v, growth, "zh", inputs.negative_growth)
            value_en = _value_words(cat, code, v, growth, "en")
            values = {"value": round(v, 2), "measure": "cum_yoy" if growth else cat[code].value_type}
            if bottom:
                p = int(place)
                zh = f"{value_zh}，{bottom_words(p, n, inputs.place)}"
                en = f"{value_en}, {bottom_words(p, n, inputs.place, 'en')}"
                values |= {"place_from_bottom": p, "n": n}
                key = (p, v * (cat[code].direction or 1))
            else:
                zh, en, key = f"{value_zh}，负增长", f"{value_en}, negative", (0, v)
            out.append(_finding(r, inputs, unit, zh, en, values, key, indicator=code))
    return out


def _behind(r: Rule, inputs: Inputs) -> list[Finding]:
    cat, prog = inputs.catalogue, inputs.progress
    if prog.empty:
        return []
    codes = set(r.codes(inputs.scheme_codes))
    rows = prog[(prog["compare"] == progress.COMPLETION) & prog["region_code"].isin(inputs.units)
                & prog["indicator"].isin(codes) & prog["gap_shown_pp"].notna()]
    out = []
    for row in rows.itertuples():
        # the gap a reader gets from the printed figures (66.5% against 83.3%: 16.8), which the rule tests too
        gap = float(row.gap_shown_pp)
        if gap > -r.pp:
            continue
        ind = cat[row.indicator]
        done, behind = float(row.completion_pct), -gap
        zh = f"{ind.name_zh}完成年度目标的{done:.1f}%，低于序时进度{behind:.1f}个百分点"
        en = f"{ind.name_en} at {done:.1f}% of the annual target, {behind:.1f} pp behind schedule"
        out.append(_finding(r, inputs, row.region_code, zh, en,
                            {"completion_pct": round(done, 2), "schedule_pct": round(float(row.schedule_linear_pct), 2),
                             "gap_pp": gap, "target": _plain(row.target), "ytd_level": _plain(row.ytd_level)},
                            (0, gap), indicator=row.indicator, topic=SCHEDULE))
    return out


# ---------------------------------------------------------------- ledger facts (台账) and the units below the county

def as_of_words(day, lang: str = "zh") -> str:
    """截至2026年10月31日 / as of 2026-10-31."""
    day = pd.Timestamp(day).date()
    return f"as of {day.isoformat()}" if lang == "en" else f"截至{wording.date(day)}"


def _ledger_rows(r: Rule, inputs: Inputs, column: str) -> pd.DataFrame:
    """The kind's facts of the set's units that have a snapshot in the month and a value in `column`."""
    facts = inputs.ledgers.get(r.ledger)
    if facts is None or facts.empty or column not in facts.columns:
        return pd.DataFrame(columns=["region_code", "as_of", column])
    rows = facts[facts["region_code"].isin(inputs.set_units) & facts[column].notna()]
    return rows.set_index("region_code", drop=False)


def _ledger_overdue(r: Rule, inputs: Inputs) -> list[Finding]:
    spec = LEDGERS[r.ledger]
    rows = _ledger_rows(r, inputs, spec.overdue)
    out = []
    for code in inputs.units:
        if code not in rows.index or int(rows.at[code, spec.overdue]) < r.items:
            continue
        n, day = int(rows.at[code, spec.overdue]), rows.at[code, "as_of"]
        amount = float(rows.at[code, spec.amount]) if spec.amount else None
        zh = as_of_words(day) + "，" + spec.overdue_zh.format(n=n, amount=wording.wan(amount) if spec.amount else "")
        en = as_of_words(day, "en") + ", " + spec.overdue_en.format(n=n, amount=f"{amount:,.1f} 万元" if spec.amount
                                                                     else "")
        values = {"ledger": r.ledger, "as_of": pd.Timestamp(day).date().isoformat(), "items": n}
        if spec.amount:
            values["amount"] = round(amount, 2)
        out.append(_finding(r, inputs, code, zh, en, values, (-n,), indicator=spec.indicator, topic=r.kind))
    return out


def _ledger_rate(r: Rule, inputs: Inputs, *, last: bool) -> list[Finding]:
    """The lowest rate among the set's units with a ledger (ties share it; one unit alone is not 'lowest'), or a
    rate below the rule's threshold (judged on the printed one-decimal figure)."""
    spec = LEDGERS[r.ledger]
    rows = _ledger_rows(r, inputs, spec.rate)
    rates = rows[spec.rate].astype(float).map(wording.one) if len(rows) else pd.Series(dtype=float)
    n = len(rates)
    unit_word = PLACES[inputs.place][1]
    out = []
    for code in inputs.units:
        if code not in rates.index:
            continue
        v, day = float(rates[code]), rows.at[code, "as_of"]
        head_zh = f"{as_of_words(day)}，{spec.rate_zh}{wording.num(v)}%"
        head_en = f"{as_of_words(day, 'en')}, {spec.rate_en} {v:.1f}%"
        values = {"ledger": r.ledger, "as_of": pd.Timestamp(day).date().isoformat(), "rate": v}
        if last:
            if n < 2 or v > float(rates.min()):
                continue
            zh, en = f"{head_zh}，在有台账的{n}个{unit_word}中最低", f"{head_en}, the lowest of the {n} with a ledger"
            values |= {"n": n, "place_from_bottom": 1}
        else:
            if v >= r.rate:
                continue
            zh, en = f"{head_zh}，低于{r.rate:g}%", f"{head_en}, below {r.rate:g}%"
            values |= {"threshold": r.rate}
        out.append(_finding(r, inputs, code, zh, en, values, (v,), indicator=spec.indicator, topic=r.kind))
    return out


def _units_zero(r: Rule, inputs: Inputs) -> list[Finding]:
    """A county with at least `units` units below it 未破零 on the measure (a task, a report, a zero result);
    units 未上报 are said apart, never counted as zero. Only counties with the measure's ledger in the month."""
    m = unit_measures.default()[r.measure]
    table = inputs.unit_rankings.get(r.measure)
    facts = inputs.ledgers.get(m.ledger)
    if table is None or table.empty or facts is None or facts.empty:
        return []
    days = facts.set_index("region_code")["as_of"]
    out = []
    for code in inputs.units:
        if code not in days.index:
            continue
        mine = table[table["region_code"] == code]
        zero = mine.loc[mine["state"] == unit_ranking.ZERO, "name"].tolist()
        silent = mine.loc[mine["state"] == unit_ranking.NOT_REPORTED, "name"].tolist()
        if len(zero) < r.units:
            continue
        day = days[code]
        zh = f"{as_of_words(day)}，{len(zero)}个单位{m.name_zh}未破零（{'、'.join(zero)}）"
        en = f"{as_of_words(day, 'en')}, {len(zero)} units at zero on {m.name_en} ({', '.join(zero)})"
        if silent:
            zh += f"，另有{len(silent)}个单位未上报（{'、'.join(silent)}）"
            en += f"; {len(silent)} more did not report ({', '.join(silent)})"
        values = {"measure": r.measure, "as_of": pd.Timestamp(day).date().isoformat(), "zero": len(zero),
                  "zero_units": zero, "not_reported": len(silent), "not_reported_units": silent,
                  "with_task": int(mine["state"].isin([unit_ranking.RANKED, unit_ranking.ZERO,
                                                       unit_ranking.NOT_REPORTED]).sum())}
        out.append(_finding(r, inputs, code, zh, en, values, (-len(zero),),
                            indicator=UNIT_INDICATOR.get(m.ledger), topic=r.kind))
    return out


EVALUATORS = {
    "composite_bottom": _composite_bottom,
    "composite_bottom_running": _composite_running,
    "indicator_negative_bottom": lambda r, i: _positions(r, i, negative=True, bottom=r.places),
    "indicator_bottom": lambda r, i: _positions(r, i, negative=False, bottom=r.places),
    "indicator_negative": lambda r, i: _positions(r, i, negative=True, bottom=0),
    "behind_schedule": _behind,
    "indicator_last": lambda r, i: _positions(r, i, negative=False, bottom=1),
    "ledger_overdue": _ledger_overdue,
    "ledger_rate_last": lambda r, i: _ledger_rate(r, i, last=True),
    "ledger_rate_below": lambda r, i: _ledger_rate(r, i, last=False),
    "units_zero": _units_zero,
}
assert set(EVALUATORS) == set(KINDS)
