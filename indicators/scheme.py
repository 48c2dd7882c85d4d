"""Assessment schemes (data/schemes/<year>.toml): which indicators enter the composite score, how.

Validated on load; every error names the entry and the fix, and all are reported at once. The same
format serves `python -m indicators evaluate`, where `code` names a column of any matrix.

Schemes as provinces write them (issue #13) add, all optional, none renamed (semantics: indicators/assessment.py):

    [scheme]
    improvement = "rank"     # rank | score: 进步 = places moved up (previous rank − rank) or score_final gained
                             # against the same period a year earlier; needed by an improvement honour
    bonus_cap = 5.0          # total bonus points a unit can get (after each item's own cap); default no cap
    deduction_cap = 5.0      # total points a unit can lose, likewise

    [[groups]]               # peer groups (县域类型); which units belong to which (one or two) is data
    code = "industry"
    name = "工业主导型"
    weights = { IVA = 20, FAI = 0 }   # this type's weights (0 allowed); an indicator not named keeps the
                                      # scheme's weight, so a type writes only where it differs

    [[honours]]              # lists published from one score set
    code = "strong"          # kind: overall (top by rank) | group (top within each group) | improvement
    name = "强县"
    kind = "overall"
    top = 10                 # a whole number > 0

    [[adjustments]]          # bonus points / deductions: a matrix column of the same code (not an indicator)
    code = "BONUS_INVEST"
    name = "招商引资加分"
    kind = "bonus"           # bonus | deduction
    cap = 3                  # optional: the most this item counts

    [[veto]]                 # 一票否决: a matrix column of the same code, 1 = vetoed (empty or 0 = not)
    code = "VETO_SAFETY"
    name = "发生重大安全生产事故"
"""

import hashlib
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from loaders.catalogue import Catalogue
from loaders.settings import DATA_DIR

SCHEMES_DIR = DATA_DIR / "schemes"
WEIGHTINGS = ("fixed", "equal", "entropy", "critic")
AGGREGATIONS = ("arithmetic", "geometric")
SCORINGS = ("efficacy", "minmax", "zscore", "goalposts", "rank_points", "target", "achievement")
TARGET_SCORINGS = ("target", "achievement")
MEASURES = ("cum_level", "cum_yoy", "ratio")
SCHEME_KEYS = ("name", "year", "weights", "aggregation", "coverage", "improvement", "bonus_cap", "deduction_cap")
TABLES = ("scheme", "pillars", "indicators", "groups", "honours", "adjustments", "veto")
IMPROVEMENTS = ("rank", "score")  # 进步: places moved up, or points gained
GROUP_KEYS = ("code", "name", "weights")
HONOUR_KEYS = ("code", "name", "kind", "top")
HONOUR_KINDS = ("overall", "group", "improvement")
ADJUSTMENT_KEYS = ("code", "name", "kind", "cap")
ADJUSTMENT_KINDS = ("bonus", "deduction")
VETO_KEYS = ("code", "name")
INDICATOR_KEYS = ("code", "measure", "weight", "direction", "pillar", "scoring", "lower", "upper",
                  "target_kind", "partial", "full_marks", "step")
# Rank points (争先进位): full marks for first place, 5 % less per place (methodology.md).
RANK_POINTS_STEP = 0.05


class SchemeError(ValueError):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("assessment scheme is invalid:\n  " + "\n  ".join(messages))


@dataclass(frozen=True)
class SchemeIndicator:
    code: str
    weight: float
    direction: int = 1
    measure: str = "cum_yoy"
    pillar: str = ""
    scoring: str = "efficacy"
    lower: float | None = None  # goalposts: numeric bounds, lower < upper; with direction 1 lower scores 0
    upper: float | None = None  # and upper 100, with direction -1 the reverse; values outside are clipped
    target_kind: str = "growth"  # target / achievement: compare with the growth or the level target
    partial: bool = False  # target: partial credit (actual / target) instead of all or nothing
    full_marks: float = 100.0  # rank_points: the first place's score
    step: float = RANK_POINTS_STEP  # rank_points: share of full marks lost per place


@dataclass(frozen=True)
class Group:
    """A peer group (县域类型) with its own weights: by indicator code, only where they differ from the scheme's."""
    code: str
    name: str
    weights: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Honour:
    code: str
    name: str
    kind: str  # HONOUR_KINDS
    top: int


@dataclass(frozen=True)
class Adjustment:
    code: str  # the matrix column holding the points (≥ 0; empty = 0)
    name: str
    kind: str  # ADJUSTMENT_KINDS
    cap: float | None = None


@dataclass(frozen=True)
class Veto:
    code: str  # the matrix column: 1 = vetoed
    name: str  # the reason shown


@dataclass(frozen=True)
class Scheme:
    name: str
    year: int
    indicators: tuple[SchemeIndicator, ...]
    weights: str = "fixed"
    aggregation: str = "arithmetic"
    coverage: float = 2 / 3
    pillars: dict[str, dict[str, str]] = field(default_factory=dict)
    source: str = ""
    sha256: str = ""  # of the scheme file's bytes: results record it so they can be regenerated
    carried_from: int = 0  # a year without its own scheme yet scores with the newest earlier one (labelled)
    improvement: str = ""  # IMPROVEMENTS, or "" when the scheme measures no improvement
    bonus_cap: float | None = None
    deduction_cap: float | None = None
    groups: tuple[Group, ...] = ()
    honours: tuple[Honour, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    vetoes: tuple[Veto, ...] = ()

    @property
    def codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    def indicator(self, code: str) -> SchemeIndicator:
        return next(i for i in self.indicators if i.code == code)

    @property
    def assesses(self) -> bool:
        """Whether the scheme goes beyond one composite score (groups, honours, adjustments or veto items)."""
        return bool(self.groups or self.honours or self.adjustments or self.vetoes)

    def group(self, code: str) -> Group:
        return next(g for g in self.groups if g.code == code)

    def for_group(self, code: str) -> "Scheme":
        """The scheme as a peer group scores: the group's weights where it names them, the scheme's elsewhere."""
        w = self.group(code).weights
        return replace(self, indicators=tuple(replace(i, weight=float(w.get(i.code, i.weight)))
                                              for i in self.indicators))

    def with_scoring(self, scoring: str) -> "Scheme":
        """The same scheme with every indicator scored one way (for sensitivity analysis)."""
        return replace(self, indicators=tuple(replace(i, scoring=scoring) for i in self.indicators))


def parse(raw: dict, *, source: str = "scheme", catalogue: Catalogue | None = None,
          columns: list[str] | None = None) -> Scheme:
    """A Scheme from parsed TOML. Indicator codes are checked against the catalogue (scores from the
    store) or against the matrix columns (`evaluate`); pass one of them."""
    msgs: list[str] = []
    head = raw.get("scheme")
    if not isinstance(head, dict):
        raise SchemeError([f"{source}: no [scheme] table; start the file with [scheme] name = \"…\" year = 2026"])
    for k in sorted(set(raw) - set(TABLES)):
        msgs.append(f"{source}: unknown table '{k}'; known tables are {', '.join(TABLES)}")
    for k in sorted(set(head) - set(SCHEME_KEYS)):
        msgs.append(f"[scheme]: unknown key '{k}'; known keys are {', '.join(SCHEME_KEYS)}")
    name = head.get("name", source)
    year = head.get("year")
    if not isinstance(year, int):
        msgs.append(f"[scheme]: year must be a number such as 2026, got {year!r}")
    weights = head.get("weights", "fixed")
    if weights not in WEIGHTINGS:
        msgs.append(f"[scheme]: unknown weights '{weights}'; use one of {', '.join(WEIGHTINGS)}")
    aggregation = head.get("aggregation", "arithmetic")
    if aggregation not in AGGREGATIONS:
        msgs.append(f"[scheme]: unknown aggregation '{aggregation}'; use arithmetic or geometric")
    coverage = head.get("coverage", 2 / 3)
    if not isinstance(coverage, int | float) or not 0 < coverage <= 1:
        msgs.append(f"[scheme]: coverage must be a share in (0, 1], e.g. 0.67, got {coverage!r}")
    pillars = raw.get("pillars", {})
    entries = raw.get("indicators") or []
    if not entries:
        msgs.append(f"{source}: no [[indicators]] entries; add at least one with code and weight")
    out, seen = [], set()
    for n, e in enumerate(entries, start=1):
        label = f"indicator '{e.get('code', f'#{n}')}'"
        entry_msgs = _check_indicator(e, label, catalogue, columns, pillars)
        if e.get("code") in seen:
            entry_msgs.append(f"{label}: listed twice; each indicator enters the score once")
        seen.add(e.get("code"))
        msgs += entry_msgs
        if not entry_msgs:
            out.append(_indicator(e, catalogue))
    improvement = head.get("improvement", "")
    if "improvement" in head and improvement not in IMPROVEMENTS:
        msgs.append(f"[scheme]: improvement must be rank (places moved up) or score (points gained), "
                    f"got {improvement!r}")
    caps = {}
    for k in ("bonus_cap", "deduction_cap"):
        caps[k] = head.get(k)
        if k in head and not _non_negative(caps[k]):
            msgs.append(f"[scheme]: {k} must be a number ≥ 0, e.g. {k} = 5.0, got {caps[k]!r}")
    extra = _Extras(raw, [e.get("code") for e in entries], columns)
    msgs += extra.msgs
    if not extra.msgs:
        msgs += _check_honour_needs(extra.honours, extra.groups, improvement)
        msgs += [f"group '{g.code}': every indicator has weight 0 in this group; give at least one a positive "
                 "weight" for g in extra.groups if out and not sum(g.weights.get(i.code, i.weight) for i in out) > 0]
    if msgs:
        raise SchemeError(msgs)
    return Scheme(name=name, year=year, indicators=tuple(out), weights=weights, aggregation=aggregation,
                  coverage=float(coverage), pillars=pillars, source=source, improvement=improvement,
                  bonus_cap=_float(caps["bonus_cap"]), deduction_cap=_float(caps["deduction_cap"]),
                  groups=extra.groups, honours=extra.honours, adjustments=extra.adjustments, vetoes=extra.vetoes)


def _non_negative(x) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and x >= 0


def _float(x) -> float | None:
    return None if x is None else float(x)


class _Extras:
    """[[groups]], [[honours]], [[adjustments]] and [[veto]]: checked entry by entry, all problems kept in msgs."""

    def __init__(self, raw: dict, indicator_codes: list, columns: list[str] | None):
        self.msgs: list[str] = []
        self.indicator_codes = [c for c in indicator_codes if isinstance(c, str)]
        self.columns = columns
        self.groups = tuple(self._entries(raw, "groups", "group", GROUP_KEYS, self._group))
        self.honours = tuple(self._entries(raw, "honours", "honour", HONOUR_KEYS, self._honour))
        self.adjustments = tuple(self._entries(raw, "adjustments", "adjustment", ADJUSTMENT_KEYS, self._adjustment))
        self.vetoes = tuple(self._entries(raw, "veto", "veto", VETO_KEYS, self._veto))
        self._matrix_columns()

    def _entries(self, raw: dict, table: str, what: str, keys: tuple[str, ...], build) -> list:
        entries = raw.get(table, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            self.msgs.append(f"[[{table}]]: write each entry as its own [[{table}]] table with code and name")
            return []
        out, seen = [], set()
        for n, e in enumerate(entries, start=1):
            label = f"{what} '{e.get('code', f'#{n}')}'"
            msgs = [f"{label}: unknown key '{k}'; known keys are {', '.join(keys)}" for k in sorted(set(e) - set(keys))]
            code, name = e.get("code"), e.get("name")
            if not isinstance(code, str) or not code:
                msgs.append(f"{label}: missing code; give a short code, e.g. code = \"{_EXAMPLE_CODES[table]}\"")
            elif code in seen:
                msgs.append(f"{label}: listed twice; give each {what} its own code")
            seen.add(code)
            if not isinstance(name, str) or not name:
                msgs.append(f"{label}: missing name; give the name shown to readers, e.g. name = "
                            f"\"{_EXAMPLE_NAMES[table]}\"")
            msgs += build(e, label)
            self.msgs += msgs
            if not msgs:
                out.append(self._make(table, e))
        return out

    @staticmethod
    def _make(table: str, e: dict):
        if table == "groups":
            return Group(e["code"], e["name"], {k: float(v) for k, v in e.get("weights", {}).items()})
        if table == "honours":
            return Honour(e["code"], e["name"], e["kind"], int(e["top"]))
        if table == "adjustments":
            return Adjustment(e["code"], e["name"], e["kind"], _float(e.get("cap")))
        return Veto(e["code"], e["name"])

    def _group(self, e: dict, label: str) -> list[str]:
        w = e.get("weights", {})
        if not isinstance(w, dict):
            return [f"{label}: weights must be a table by indicator code, e.g. weights = {{ IVA = 20, FAI = 0 }}"]
        msgs = [f"{label}: weights name '{k}', not an indicator of the scheme; its indicators are "
                f"{', '.join(self.indicator_codes)}" for k in w if k not in self.indicator_codes]
        msgs += [f"{label}: weight of {k} must be a number ≥ 0 (0 leaves it out of this group's score), got {v!r}"
                 for k, v in w.items() if not _non_negative(v)]
        return msgs

    @staticmethod
    def _honour(e: dict, label: str) -> list[str]:
        msgs = []
        if e.get("kind") not in HONOUR_KINDS:
            msgs.append(f"{label}: kind must be overall (top by rank), group (top within each group) or "
                        f"improvement (top by improvement), got {e.get('kind')!r}")
        top = e.get("top")
        if not isinstance(top, int) or isinstance(top, bool) or top <= 0:
            msgs.append(f"{label}: top must be a whole number > 0 (how many units the list names), got {top!r}")
        return msgs

    @staticmethod
    def _adjustment(e: dict, label: str) -> list[str]:
        msgs = []
        if e.get("kind") not in ADJUSTMENT_KINDS:
            msgs.append(f"{label}: kind must be bonus (加分) or deduction (扣分), got {e.get('kind')!r}")
        if "cap" in e and not _non_negative(e["cap"]):
            msgs.append(f"{label}: cap must be a number ≥ 0 (the most this item counts), got {e['cap']!r}")
        return msgs

    @staticmethod
    def _veto(e: dict, label: str) -> list[str]:
        return []

    def _matrix_columns(self) -> None:
        """Adjustment and veto codes name matrix columns of their own: not an indicator's, not each other's, and
        (for `evaluate`) present in the matrix."""
        owners: dict[str, str] = {c: "indicator" for c in self.indicator_codes}
        for what, items in (("adjustment", self.adjustments), ("veto", self.vetoes)):
            for item in items:
                label = f"{what} '{item.code}'"
                if item.code in owners:
                    self.msgs.append(f"{label}: the code is also an {owners[item.code]}'s; give the {what} a code "
                                     "of its own (it names its own matrix column)")
                owners.setdefault(item.code, what)
                if self.columns is not None and item.code not in self.columns:
                    fill = "points, empty = 0" if what == "adjustment" else "1 = vetoed, empty = not"
                    self.msgs.append(f"{label}: not a column of the matrix; add a column {item.code} ({fill})")


_EXAMPLE_CODES = {"groups": "industry", "honours": "strong", "adjustments": "BONUS_INVEST", "veto": "VETO_SAFETY"}
_EXAMPLE_NAMES = {"groups": "工业主导型", "honours": "强县", "adjustments": "招商引资加分",
                  "veto": "发生重大安全生产事故"}


def _check_honour_needs(honours: tuple[Honour, ...], groups: tuple[Group, ...], improvement: str) -> list[str]:
    msgs = []
    for h in honours:
        if h.kind == "group" and not groups:
            msgs.append(f"honour '{h.code}': kind group needs peer groups; add [[groups]] entries (code, name) "
                        "or use kind = \"overall\"")
        if h.kind == "improvement" and not improvement:
            msgs.append(f"honour '{h.code}': kind improvement needs [scheme] improvement = \"rank\" or \"score\"")
    return msgs


def _indicator(e: dict, catalogue: Catalogue | None) -> SchemeIndicator:
    default_dir = catalogue[e["code"]].direction if catalogue and e["code"] in catalogue else 1
    kw = {k: e[k] for k in INDICATOR_KEYS if k in e}
    kw["weight"] = float(e["weight"])
    kw["direction"] = int(e.get("direction", default_dir))
    for k in ("lower", "upper", "full_marks", "step"):
        if k in kw:
            kw[k] = float(kw[k])
    return SchemeIndicator(**kw)


def _check_indicator(e: dict, label: str, catalogue: Catalogue | None, columns: list[str] | None,
                     pillars: dict) -> list[str]:
    msgs = [f"{label}: unknown key '{k}'; known keys are {', '.join(INDICATOR_KEYS)}"
            for k in sorted(set(e) - set(INDICATOR_KEYS))]
    code = e.get("code")
    if not isinstance(code, str) or not code:
        return msgs + [f"{label}: missing code; give the catalogue code, e.g. code = \"FAI\""]
    if columns is not None and code not in columns:
        msgs.append(f"{label}: not a column of the matrix; its columns are {', '.join(columns)}")
    if catalogue is not None and columns is None:
        if code not in catalogue:
            msgs.append(f"{label}: not in the indicator catalogue; use one of {', '.join(catalogue.codes)}")
        else:
            info = catalogue[code]
            measure = e.get("measure", "cum_yoy")
            allowed = ("ratio",) if info.value_type == "derived" else info.measures
            if measure not in allowed:
                msgs.append(f"{label}: measure '{measure}' is not published for {info.name_zh}; "
                            f"use {' or '.join(allowed)}")
    if "measure" in e and e["measure"] not in MEASURES:
        msgs.append(f"{label}: unknown measure '{e['measure']}'; use one of {', '.join(MEASURES)}")
    w = e.get("weight")
    if not isinstance(w, int | float) or isinstance(w, bool):
        msgs.append(f"{label}: missing or non-numeric weight; give a number ≥ 0, e.g. weight = 10")
    elif w < 0:
        msgs.append(f"{label}: negative weight {w}; weights must be ≥ 0 (use direction = -1 for lower-is-better)")
    if e.get("direction", 1) not in (1, -1):
        msgs.append(f"{label}: direction must be 1 (higher is better) or -1 (lower is better), got {e['direction']!r}")
    scoring = e.get("scoring", "efficacy")
    if scoring not in SCORINGS:
        msgs.append(f"{label}: unknown scoring mode '{scoring}'; use one of {', '.join(SCORINGS)}")
    if scoring == "goalposts":
        lo, hi = e.get("lower"), e.get("upper")
        if not all(isinstance(x, int | float) for x in (lo, hi)):
            msgs.append(f"{label}: goalposts scoring needs lower and upper, e.g. lower = 0.0, upper = 10.0 "
                        "(with direction 1 lower scores 0 and upper 100; direction -1 reverses them)")
        elif lo >= hi:
            msgs.append(f"{label}: goalposts need lower < upper, got lower = {lo}, upper = {hi}; "
                        "use direction = -1 when lower values are better")
    if scoring in TARGET_SCORINGS and e.get("target_kind", "growth") not in ("growth", "level"):
        msgs.append(f"{label}: target_kind must be growth or level, got {e['target_kind']!r}")
    pillar = e.get("pillar", "")
    if pillar and pillars and pillar not in pillars:
        msgs.append(f"{label}: unknown pillar '{pillar}'; declared pillars are {', '.join(pillars)}")
    return msgs


def load(path: Path | str, *, catalogue: Catalogue | None = None, columns: list[str] | None = None) -> Scheme:
    path = Path(path)
    try:
        data = path.read_bytes()
        raw = tomllib.loads(data.decode("utf-8"))
    except FileNotFoundError as exc:
        raise SchemeError([f"{path}: no such scheme file; schemes live in {SCHEMES_DIR}"]) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SchemeError([f"{path.name}: not valid TOML ({exc}); fix the syntax at that line"]) from exc
    scheme = parse(raw, source=path.name, catalogue=catalogue, columns=columns)
    return replace(scheme, sha256=hashlib.sha256(data).hexdigest())


def scheme_years(folder: Path = SCHEMES_DIR) -> list[int]:
    """Years with a scheme file of their own, oldest first."""
    return sorted(int(p.stem) for p in folder.glob("*.toml") if p.stem.isdigit())


def for_year(year: int, catalogue: Catalogue, folder: Path = SCHEMES_DIR) -> Scheme:
    """The scheme that applies to a year (weights frozen for the year, as provinces publish them).

    A year after the newest scheme (the province has not yet published the new one) is scored with the newest,
    and says so in its name; a year before the oldest has no composite score."""
    years = scheme_years(folder)
    if year in years:
        return load(folder / f"{year}.toml", catalogue=catalogue)
    if not years or year < years[-1]:
        raise SchemeError([f"{year}年没有综合评价方案（{folder} 中有 {'、'.join(map(str, years)) or '无'}）；"
                           f"如需计算，请添加 {year}.toml"])
    base = load(folder / f"{years[-1]}.toml", catalogue=catalogue)
    return replace(base, year=year, carried_from=base.year,
                   name=f"{base.name}（{year}年方案未发布，暂按{base.year}年方案计算）")


def has_scheme(year: int, folder: Path = SCHEMES_DIR) -> bool:
    """Whether for_year gives a scheme: its own, or the newest carried forward."""
    years = scheme_years(folder)
    return bool(years) and (year in years or year > years[-1])
