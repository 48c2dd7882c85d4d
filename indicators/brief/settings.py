"""The bureau's settings for its 通报 (data/brief.toml, or MONITOR_BRIEF_SETTINGS): issuing office, 文号, 主送,
the basis sentence, how negative growth is written, the indicators reported and the default requirements.
Validated on load: every problem at once, each naming the key and the fix."""

import os
import string
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from indicators.brief.wording import NEGATIVE_STYLES
from loaders.settings import DATA_DIR

DEFAULT_PATH = DATA_DIR / "brief.toml"
PLACEHOLDERS = {"city", "city_short", "province", "province_short", "year", "period", "quarter", "scheme"}
HEADER_KEYS = ("office", "number", "title", "addressees", "basis")
SCOPES = ("city", "prefectures")


class BriefSettingsError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("；".join(problems))


@dataclass(frozen=True)
class BriefSettings:
    negative_growth: str
    indicators: tuple[str, ...]
    top_named: int
    target_rank: int
    county_target_rank: int
    requirements: dict  # {"city": (paragraph, …), "prefectures": (…)}: the default 下一步工作要求 of each scope
    headers: dict  # {"city": {office, number, title, addressees, basis}, "prefectures": {...}}

    def header(self, scope_kind: str, **values) -> dict[str, str]:
        return {k: v.format(**values) for k, v in self.headers[scope_kind].items()}


def _positive_int(section: dict, key: str, where: str, problems: list) -> int:
    v = section.get(key)
    if not isinstance(v, int) or isinstance(v, bool) or v < 1:
        problems.append(f"{where}.{key}：应为正整数，现为“{v}”")
        return 1
    return v


def parse(doc: dict, name: str, catalogue_codes) -> BriefSettings:
    problems = []
    numbers, content = doc.get("numbers", {}), doc.get("content", {})
    style = numbers.get("negative_growth")
    if style not in NEGATIVE_STYLES:
        problems.append(f"{name} numbers.negative_growth：“{style}”无法识别，应为 "
                        + " 或 ".join(f"“{s}”" for s in NEGATIVE_STYLES))
    codes = content.get("indicators")
    if not isinstance(codes, list) or not codes:
        problems.append(f"{name} content.indicators：应为指标代码列表，如 [\"GDP\", \"FAI\"]")
        codes = []
    unknown = [c for c in codes if c not in catalogue_codes]
    if unknown:
        problems.append(f"{name} content.indicators：未知指标 {'、'.join(map(str, unknown))}；"
                        "指标代码见 data/indicators.toml")
    ints = {k: _positive_int(content, k, f"{name} content", problems)
            for k in ("top_named", "target_rank", "county_target_rank")}
    headers, requirements = {}, {}
    for kind in SCOPES:
        section = doc.get(kind)
        if not isinstance(section, dict):
            problems.append(f"{name} [{kind}]：缺少这一节（{'、'.join(HEADER_KEYS)}）")
            continue
        headers[kind] = {}
        paragraphs = section.get("requirements", [])
        if not isinstance(paragraphs, list) or not paragraphs or \
                not all(isinstance(r, str) and r.strip() for r in paragraphs):
            problems.append(f"{name} {kind}.requirements：应为非空文字的列表（每条一段“下一步工作要求”）")
            paragraphs = []
        requirements[kind] = tuple(r.strip() for r in paragraphs)
        for key in HEADER_KEYS:
            text = section.get(key)
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{name} {kind}.{key}：缺少文字")
                continue
            fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
            bad = fields - PLACEHOLDERS
            if bad:
                problems.append(f"{name} {kind}.{key}：未知占位符 {'、'.join('{' + b + '}' for b in sorted(bad))}；"
                                f"可用 {'、'.join('{' + p + '}' for p in sorted(PLACEHOLDERS))}")
            headers[kind][key] = text
    if problems:
        raise BriefSettingsError(problems)
    return BriefSettings(style, tuple(codes), ints["top_named"], ints["target_rank"], ints["county_target_rank"],
                         requirements, headers)


def load(path: Path | None = None, catalogue_codes=None) -> BriefSettings:
    from loaders import catalogue as catalogue_mod

    path = Path(path or os.environ.get("MONITOR_BRIEF_SETTINGS") or DEFAULT_PATH)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BriefSettingsError([f"{path}：文件不存在；默认设置在 {DEFAULT_PATH}"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise BriefSettingsError([f"{path.name}：不是有效的 TOML（{exc}）"]) from exc
    return parse(doc, path.name, catalogue_codes if catalogue_codes is not None else catalogue_mod.default().codes)


@lru_cache(maxsize=4)
def _cached(path: str) -> BriefSettings:
    return load(Path(path))


def default() -> BriefSettings:
    return _cached(str(os.environ.get("MONITOR_BRIEF_SETTINGS") or DEFAULT_PATH))
