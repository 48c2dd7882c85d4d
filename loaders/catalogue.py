"""The indicator catalogue (data/indicators.toml): loaded, validated eagerly, and looked up by name.

Every error names the entry, the field and the fix, and all errors are reported at once.
"""

import hashlib
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from loaders import settings
from loaders.cells import norm
from loaders.settings import DATA_DIR, EXTRA_ENV

MEASURES = ("cum_level", "cum_yoy", "ratio")  # what schemes and the indicator engine read
# A single-month column (当月 / 本月 / 比上年同月) beside the year-to-date one is stored as its own measure: kept as
# published (the engine derives single months from cum_level itself and never reads these).
MONTH_OF = {"cum_level": "month_level", "cum_yoy": "month_yoy"}
MONTH_MEASURES = tuple(MONTH_OF.values())
STORED_MEASURES = MEASURES + MONTH_MEASURES
# Measure names in the bureau's words (the same words as layouts/i18n.py method_measure_*; a test keeps them equal).
MEASURE_ZH = {"cum_level": "累计值", "cum_yoy": "累计增速", "ratio": "比率", "month_level": "当月值",
              "month_yoy": "当月增速"}
VALUE_TYPES = {
    "level_growth": ("cum_level", "cum_yoy"),
    "growth": ("cum_yoy",),
    "level": ("cum_level",),
    "ratio": ("ratio",),
    "derived": (),
}
FREQUENCIES = ("monthly", "quarterly")
DIRECTIONS = (1, -1, 0)
CITY_ROWS = ("sum", "sum_plus_own", "independent")
REQUIRED = ("code", "name_zh", "name_en", "unit", "frequency", "first_month", "value_type",
            "direction", "group", "source", "description")
OPTIONAL = ("aliases", "yoy_band", "ratio_band", "yoy_swing", "numerator", "denominator", "scale", "city_row")
EXTRA_TABLES = ("groups", "indicator", "alias")  # what an instance catalogue (MONITOR_CATALOGUE_EXTRA) may hold
CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,31}$")

# Words around an indicator name on a sheet that do not change which indicator it is.
_QUALIFIERS = re.compile(r"\([^)]*\)|[“”\"'‘’]")
_TRAILING = re.compile(r"(累计)?(同比)?(增长速度|增速|增幅|增长率|增长|完成额|完成值|绝对额|总额|总量|金额|完成情况)$")


class CatalogueError(ValueError):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("indicator catalogue is invalid:\n  " + "\n  ".join(messages))


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    unit: str
    frequency: str
    first_month: int
    value_type: str
    direction: int
    group: str
    source: str
    description: str
    aliases: tuple[str, ...] = ()
    yoy_band: tuple[float, float] | None = None
    ratio_band: tuple[float, float] | None = None
    yoy_swing: float | None = None  # 个百分点 a YTD growth may move in a month (None: loaders/validate.py's default)
    numerator: str | None = None
    denominator: str | None = None
    scale: float = 1.0
    city_row: str = "sum"  # sum | sum_plus_own | independent: how 全市 relates to Σ县区

    @property
    def measures(self) -> tuple[str, ...]:
        """Measures a file may carry for this indicator (none for derived indicators)."""
        return VALUE_TYPES[self.value_type]

    @property
    def stored_measures(self) -> tuple[str, ...]:
        """Measures a file may carry: the year-to-date ones and their single-month counterparts (MONTH_OF)."""
        return self.measures + tuple(MONTH_OF[m] for m in self.measures if m in MONTH_OF)

    @property
    def months(self) -> tuple[int, ...]:
        """Months of the year this indicator reports (YTD up to that month)."""
        if self.frequency == "quarterly":
            return (3, 6, 9, 12)
        return tuple(range(self.first_month, 13))

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang == "en" else self.name_zh


@dataclass(frozen=True)
class Catalogue:
    indicators: dict[str, Indicator]
    groups: dict[str, dict[str, str]]
    _names: dict[str, str] = field(default_factory=dict, repr=False)

    def __getitem__(self, code: str) -> Indicator:
        return self.indicators[code]

    def __contains__(self, code: object) -> bool:
        return code in self.indicators

    def __iter__(self):
        return iter(self.indicators.values())

    @property
    def codes(self) -> list[str]:
        return list(self.indicators)

    def resolve(self, text: str) -> str | None:
        """An indicator code from a code or a name as written on a sheet, or None."""
        t = norm(text)
        if t.upper() in self.indicators:
            return t.upper()
        return self._names.get(name_key(t))

    def names_hint(self, limit: int = 12) -> str:
        return "、".join(i.name_zh for i in list(self)[:limit])


def name_key(text: str) -> str:
    """Normalise an indicator name for matching: NFKC, no spaces, no brackets, no measure words."""
    t = norm(text).replace(" ", "")
    t = _QUALIFIERS.sub("", t)
    prev = None
    while prev != t:
        prev, t = t, _TRAILING.sub("", t)
    return t


def parse(raw: dict, source: str = "indicators.toml", extra: dict | None = None,
          extra_source: str = EXTRA_ENV) -> Catalogue:
    """Build a Catalogue from parsed TOML (and an instance catalogue `extra`: more [groups], [[indicator]] and
    [[alias]] entries), collecting every problem before raising. Problems of `extra` name its file."""
    msgs: list[str] = []
    groups = raw.get("groups") or {}
    if not isinstance(groups, dict) or not groups:
        msgs.append(f"{source}: no [groups] table; declare groups such as growth = {{ zh = \"经济增长\", en = \"Growth\" }}")
        groups = {}
    groups = dict(groups)
    for key in sorted(set(extra or {}) - set(EXTRA_TABLES)):
        msgs.append(f"{extra_source}: unknown table '{key}'; an instance catalogue has "
                    f"{', '.join(EXTRA_TABLES)} (e.g. [[alias]] code = \"IVA\" aliases = [\"规模工业增加值\"])")
    for g, names in (extra or {}).get("groups", {}).items():
        if g in groups:
            msgs.append(f"{extra_source}: group '{g}' is already declared in {source}; use it without redeclaring")
        groups[g] = names
    for g, names in groups.items():
        if not isinstance(names, dict) or not {"zh", "en"} <= set(names):
            msgs.append(f"group '{g}': needs zh and en names, e.g. {g} = {{ zh = \"…\", en = \"…\" }}")
    entries = [("", e) for e in raw.get("indicator") or []]
    if not entries:
        msgs.append(f"{source}: no [[indicator]] entries")
    entries += [(f"{extra_source}: ", e) for e in (extra or {}).get("indicator", [])]
    out: dict[str, Indicator] = {}
    for n, (where, e) in enumerate(entries, start=1):
        label = f"{where}indicator '{e.get('code', f'#{n}')}'"
        entry_msgs = _check_entry(e, label, groups)
        msgs += entry_msgs
        if entry_msgs:
            continue
        if e["code"] in out:
            msgs.append(f"{label}: code declared twice; each code must be unique" + (
                f" (it is in {source}; to give it more names use [[alias]] code = \"{e['code']}\" "
                f"aliases = [\"…\"] instead)" if where else ""))
            continue
        out[e["code"]] = Indicator(
            **{k: e[k] for k in REQUIRED},
            aliases=tuple(e.get("aliases", ())),
            yoy_band=tuple(e["yoy_band"]) if "yoy_band" in e else None,
            ratio_band=tuple(e["ratio_band"]) if "ratio_band" in e else None,
            yoy_swing=float(e["yoy_swing"]) if "yoy_swing" in e else None,
            numerator=e.get("numerator"),
            denominator=e.get("denominator"),
            scale=float(e.get("scale", 1.0)),
            city_row=e.get("city_row", "sum"),
        )
    for ind in out.values():
        if ind.value_type != "derived":
            continue
        for part in ("numerator", "denominator"):
            ref = getattr(ind, part)
            if ref not in out:
                msgs.append(f"indicator '{ind.code}': {part} '{ref}' is not in the catalogue; "
                            f"use one of {', '.join(c for c, i in out.items() if i.value_type != 'derived')}")
            elif out[ref].value_type == "derived":
                msgs.append(f"indicator '{ind.code}': {part} '{ref}' is itself derived; use an uploaded indicator")
    names: dict[str, str] = {}
    for ind in out.values():
        for alias in (ind.name_zh, ind.code, *ind.aliases):
            key = name_key(alias)
            if names.get(key, ind.code) != ind.code:
                msgs.append(f"indicator '{ind.code}': name or alias '{alias}' is also used by "
                            f"'{names[key]}'; remove it from one of them")
            names[key] = ind.code
    for n, a in enumerate((extra or {}).get("alias", []), start=1):
        label = f"{extra_source}: alias '{a.get('code', f'#{n}')}'"
        a_msgs = _check_alias(a, label, out)
        for alias in a["aliases"] if not a_msgs else ():
            other = names.setdefault(name_key(alias), a["code"])
            if other != a["code"]:
                a_msgs.append(f"{label}: '{alias}' is already a name of '{other}' ({out[other].name_zh}); "
                              f"remove it here, or use another name")
        msgs += a_msgs
        if not a_msgs:
            out[a["code"]] = replace(out[a["code"]], aliases=(*out[a["code"]].aliases, *a["aliases"]))
    if msgs:
        raise CatalogueError(msgs)
    return Catalogue(indicators=out, groups=groups, _names=names)


def _check_entry(e: dict, label: str, groups: dict) -> list[str]:
    msgs = [f"{label}: missing field '{k}'; see the field list at the top of indicators.toml"
            for k in REQUIRED if k not in e]
    unknown = sorted(set(e) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        msgs.append(f"{label}: unknown field(s) {', '.join(unknown)}; known fields are "
                    f"{', '.join(REQUIRED + OPTIONAL)}")
    if msgs:
        return msgs
    if not isinstance(e["code"], str) or not CODE.match(e["code"]):
        msgs.append(f"{label}: code must be upper-case letters, digits and _ (e.g. 'FAI'), got {e['code']!r}")
    if e["group"] not in groups:
        msgs.append(f"{label}: unknown group '{e['group']}'; declared groups are {', '.join(groups)}")
    if e["value_type"] not in VALUE_TYPES:
        msgs.append(f"{label}: unknown value_type '{e['value_type']}'; use one of {', '.join(VALUE_TYPES)}")
    if e["frequency"] not in FREQUENCIES:
        msgs.append(f"{label}: unknown frequency '{e['frequency']}'; use monthly or quarterly")
    if e["direction"] not in DIRECTIONS:
        msgs.append(f"{label}: direction must be 1 (higher is better), -1 (lower is better) or 0 (neutral), "
                    f"got {e['direction']!r}")
    fm = e["first_month"]
    if e["frequency"] == "quarterly" and fm != 3:
        msgs.append(f"{label}: a quarterly indicator's first_month must be 3, got {fm!r}")
    elif fm not in (1, 2, 3):
        msgs.append(f"{label}: first_month must be 1 (January), 2 (1–2月) or 3 (first quarter), got {fm!r}")
    for band in ("yoy_band", "ratio_band"):
        if band in e:
            b = e[band]
            if not (isinstance(b, list) and len(b) == 2 and all(isinstance(x, int | float) for x in b) and b[0] < b[1]):
                msgs.append(f"{label}: {band} must be [low, high] with low < high, got {b!r}")
    swing = e.get("yoy_swing", 1)
    if isinstance(swing, bool) or not isinstance(swing, int | float) or swing <= 0:
        msgs.append(f"{label}: yoy_swing must be a positive number of percentage points (e.g. 30), got {swing!r}")
    elif "yoy_swing" in e and "cum_yoy" not in VALUE_TYPES.get(e["value_type"], ()):
        msgs.append(f"{label}: yoy_swing is only for indicators with a growth rate (value_type growth or level_growth)")
    if e.get("city_row", "sum") not in CITY_ROWS:
        msgs.append(f"{label}: unknown city_row '{e['city_row']}'; use one of {', '.join(CITY_ROWS)}")
    derived = e["value_type"] == "derived"
    has_formula = "numerator" in e and "denominator" in e
    if derived and not has_formula:
        msgs.append(f"{label}: a derived indicator needs numerator and denominator codes "
                    f"(e.g. numerator = \"IND_PROFIT\", denominator = \"IND_REV\", scale = 100.0)")
    if not derived and ("numerator" in e or "denominator" in e):
        msgs.append(f"{label}: numerator/denominator are only for value_type = \"derived\"")
    for k in ("name_zh", "name_en", "unit", "source"):
        if not isinstance(e[k], str) or not e[k].strip():
            msgs.append(f"{label}: field '{k}' must be a non-empty text")
    return msgs


def _check_alias(a: dict, label: str, out: dict[str, Indicator]) -> list[str]:
    if set(a) != {"code", "aliases"}:
        return [f"{label}: an [[alias]] entry has exactly code and aliases, e.g. [[alias]] code = \"IVA\" "
                f"aliases = [\"规模工业增加值\"]; got {', '.join(sorted(a)) or 'nothing'}"]
    if a["code"] not in out:
        return [f"{label}: no indicator has code '{a['code']}'; use one of {', '.join(out)}, "
                f"or declare a new [[indicator]]"]
    if not (isinstance(a["aliases"], list) and a["aliases"] and all(isinstance(x, str) and x.strip()
                                                                      for x in a["aliases"])):
        return [f"{label}: aliases must be a list of names, e.g. aliases = [\"规模工业增加值\"], got {a['aliases']!r}"]
    return []


def _read(path: Path, fix: str = "restore data/indicators.toml") -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CatalogueError([f"{path}: no such file; {fix}"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError([f"{path.name}: not valid TOML ({exc}); fix the syntax at that line"]) from exc


def load(path: Path | str | None = None, extra: Path | str | None = None) -> Catalogue:
    """data/indicators.toml (or `path`), with the instance catalogue `extra` when given."""
    path = Path(path or DATA_DIR / "indicators.toml")
    raw = _read(path)
    if extra is None:
        return parse(raw, path.name)
    return parse(raw, path.name, _read(Path(extra), f"check {EXTRA_ENV} (or unset it)"), str(extra))


def sha256() -> str:
    """The sha256 of the project's catalogue file, and of the instance catalogue with it when one is set: every
    result records it."""
    return _sha256(settings.catalogue_extra())


@lru_cache(maxsize=4)
def _sha256(extra: Path | None) -> str:
    main = hashlib.sha256((DATA_DIR / "indicators.toml").read_bytes()).hexdigest()
    if extra is None:
        return main
    return hashlib.sha256((main + hashlib.sha256(extra.read_bytes()).hexdigest()).encode()).hexdigest()


def default() -> Catalogue:
    """The project's catalogue with the instance catalogue (MONITOR_CATALOGUE_EXTRA), loaded once per process."""
    return _default(settings.catalogue_extra())


@lru_cache(maxsize=4)
def _default(extra: Path | None) -> Catalogue:
    return load(extra=extra)


def how_to_add(name: str) -> str:
    """The fix for a name no indicator has: where the instance catalogue is, or how to make one."""
    extra = settings.catalogue_extra()
    example = f"[[alias]] code = \"IVA\" aliases = [\"{name or '规模工业增加值'}\"]"
    if extra is not None:
        return (f"若是已有指标的另一种写法或本省自有指标，请加入实例指标目录 {extra}（{EXTRA_ENV}）："
                f"别名写 {example}，新指标写 [[indicator]]（字段同 data/indicators.toml），然后重启平台")
    return (f"若是已有指标的另一种写法或本省自有指标，请加入指标目录：{EXTRA_ENV} 未设置，新建一个 TOML 文件"
            f"（别名写 {example}，新指标写 [[indicator]]，字段同 data/indicators.toml），"
            f"把环境变量 {EXTRA_ENV} 设为该文件的路径后重启平台")
