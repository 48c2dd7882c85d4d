"""Assessment schemes (data/schemes/<year>.toml): which indicators enter the composite score, how.

Validated on load; every error names the entry and the fix, and all are reported at once. The same
format serves `python -m indicators evaluate`, where `code` names a column of any matrix.
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
SCHEME_KEYS = ("name", "year", "weights", "aggregation", "coverage")
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

    @property
    def codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    def indicator(self, code: str) -> SchemeIndicator:
        return next(i for i in self.indicators if i.code == code)

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
    if msgs:
        raise SchemeError(msgs)
    return Scheme(name=name, year=year, indicators=tuple(out), weights=weights, aggregation=aggregation,
                  coverage=float(coverage), pillars=pillars, source=source)


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
