"""The counties' types (县域类型) and their bonus, deduction and veto items (加减分及否决事项): two small uploads that
feed a scheme's peer groups, adjustments and veto (data/schemes/<year>.toml, [[groups]], [[adjustments]], [[veto]]),
validated with every problem at once and versioned like the statistics.

- **county_types** (uploads.kind): 年度, 县区, 类型, 第二类型 (optional). A county has one or two of the year's
  types, written by the scheme's name (城市服务型) or code. The current type of a (year, county) is the one of the
  latest committed upload that carries it; rolling that upload back brings the previous one back.
- **county_facts**: 年度, 县区, 项目, 分值, 否决原因. 项目 names an adjustment (分值: points, ≥ 0; a deduction is
  written as the points taken off) or a veto item (否决原因: what happened; the item's name when empty) of the
  year's scheme. A file is the full list of the (year, county) pairs it has rows for: their current items are the
  rows of the latest committed facts upload with rows for them, so a new file can remove an item.

Counties resolve within the deployment's province (loaders/regions.py). The types and items a year allows are read
from that year's scheme file (the newest earlier one carried forward, as indicators/scheme.for_year does); the
scheme's own validation stays in indicators/scheme.py.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from loaders import ledger_cells
from loaders import regions as regions_mod
from loaders import tables as t
from loaders.cells import CellError, squeeze
from loaders.problems import ERROR, WARNING, Problem
from loaders.settings import DATA_DIR, deployment
from loaders.store import Store
from loaders.unit_headers import FACTS, TYPES
from loaders.units import UnitsReport, count_changes, ingest_table

SCHEMES_DIR = DATA_DIR / "schemes"
MAX_TYPES = 2  # 甘政办发〔2021〕41号: each county chooses one or two types
YEARS = (2000, 2100)
BONUS, DEDUCTION, VETO = "bonus", "deduction", "veto"
_SPLIT = re.compile(r"[、,，;；/|＋+]+")


# ---------------------------------------------------------------- what a year's scheme declares


@dataclass(frozen=True)
class Item:
    """A type, an adjustment or a veto item of a scheme: code, name, kind (type | bonus | deduction | veto), cap."""

    code: str
    name: str
    kind: str
    cap: float | None = None

    def keys(self) -> set[str]:
        words = {self.code, self.name, self.name.removesuffix("型")}
        return {squeeze(w).casefold() for w in words if w}


@dataclass(frozen=True)
class Declared:
    """The types, adjustments and veto items of one year's scheme file."""

    year: int
    source: str  # the scheme file's name ("" when the year has none)
    types: tuple[Item, ...] = ()
    items: tuple[Item, ...] = ()  # adjustments and veto items

    def type_of(self, text: str) -> Item | None:
        key = squeeze(text).casefold()
        return next((i for i in self.types if key in i.keys()), None)

    def item_of(self, text: str) -> Item | None:
        key = squeeze(text).casefold()
        return next((i for i in self.items if key in i.keys()), None)

    def type_hint(self) -> str:
        return "、".join(i.name for i in self.types)

    def item_hint(self) -> str:
        return "、".join(i.name for i in self.items)


def declared(year: int, folder: Path = SCHEMES_DIR) -> Declared:
    """What `year`'s scheme declares: its own file, else the newest earlier one (a year before every scheme
    declares nothing)."""
    years = sorted(int(p.stem) for p in folder.glob("*.toml") if p.stem.isdigit())
    use = year if year in years else max((y for y in years if y < year), default=None)
    if use is None:
        return Declared(year, "")
    path = folder / f"{use}.toml"
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    types = tuple(Item(str(g["code"]), str(g.get("name", g["code"])), "type") for g in raw.get("groups", []))
    items = tuple(Item(str(a["code"]), str(a.get("name", a["code"])), str(a.get("kind", BONUS)), a.get("cap"))
                  for a in raw.get("adjustments", []))
    items += tuple(Item(str(v["code"]), str(v.get("name", v["code"])), VETO) for v in raw.get("veto", []))
    return Declared(year, path.name, types, items)


# ---------------------------------------------------------------- parsing and validating


def _year(c: dict, row: int, file: str, problems: list[Problem]) -> int | None:
    y = squeeze(c["year"]).removesuffix("年")
    if y.isdigit() and YEARS[0] <= int(y) <= YEARS[1]:
        return int(y)
    problems.append(Problem(ERROR, "bad_year", "年度无法识别" if c["year"] else "缺少年度", "填写四位年份，如 2026",
                            file, row=row, column="年度", value=c["year"]))
    return None


def _county(c: dict, row: int, file: str, regions: regions_mod.Regions, problems: list[Problem]) -> str | None:
    """The county a row is for: a county-level region of the deployment's province."""
    province = regions[regions.province]
    code = regions.resolve(c["county"]) if c["county"] else None
    inside = code is not None and regions[code].province_code == province.code
    if inside and regions[code].level == "county":
        return code
    if inside:
        reason = f"“{regions[code].name}”不是县区（县域类型按县区填写）"
    else:
        reason = f"{province.name}没有这个县区" if c["county"] else "缺少县区"
    home = regions.counties_of(deployment()[1]) or regions.of_level("county")
    example = min(home, key=lambda r: r.code)
    problems.append(Problem(ERROR, "unknown_region", reason,
                            f"填写{province.name}县区的全称、简称或6位区划代码（如 {example.short_name} / {example.code}）", file, row=row,
                            column="县区", value=c["county"]))
    return None


def _declared_for(year: int, cache: dict, folder: Path) -> Declared:
    if year not in cache:
        cache[year] = declared(year, folder)
    return cache[year]


def parse_types(rows, file: str, regions: regions_mod.Regions,
                folder: Path = SCHEMES_DIR) -> tuple[pd.DataFrame, list[Problem]]:
    """The types of a file (year, region_code, type1, type2 ("" for one type), src_row) and every problem."""
    problems, out, seen, schemes = [], [], {}, {}

    def bad(row, code, column, value, reason, fix):
        problems.append(Problem(ERROR, code, reason, fix, file, row=row, column=column, value=value))

    for row, c in rows:
        year = _year(c, row, file, problems)
        county = _county(c, row, file, regions, problems)
        if year is None:
            continue
        scheme = _declared_for(year, schemes, folder)
        if not scheme.types:
            where = f"{year}年的评价方案（{scheme.source}）" if scheme.source else f"{year}年没有评价方案，"
            bad(row, "no_types", "类型", c["type"], f"{where}没有声明县域类型（[[groups]]）",
                f"请在 {folder / f'{year}.toml'} 中用 [[groups]] 声明各类型（code、name、weights）后再上传")
            continue
        words = [(col, w.strip()) for col in ("type", "type2") for w in _SPLIT.split(c.get(col, "")) if w.strip()]
        column = {"type": "类型", "type2": "第二类型"}
        if not words:
            bad(row, "missing_type", "类型", "", "缺少类型", f"填写 {scheme.type_hint()} 之一")
            continue
        found, ok = [], True
        for col, word in words:
            item = scheme.type_of(word)
            if item is None:
                bad(row, "unknown_type", column[col], word, f"“{word}”不是{year}年评价方案的县域类型",
                    f"应为 {scheme.type_hint()} 之一（{scheme.source}）")
                ok = False
            elif item.code in found:
                bad(row, "repeated_type", column[col], word, f"同一县区的两个类型相同（{item.name}）",
                    "只有一个类型的，第二类型请留空")
                ok = False
            else:
                found.append(item.code)
        if len(words) > MAX_TYPES:
            bad(row, "too_many_types", "类型", "、".join(w for _, w in words),
                f"一个县区最多{MAX_TYPES}个类型，这里有{len(words)}个", "保留主要的一个或两个类型：第一个填“类型”，第二个填“第二类型”")
            ok = False
        if county is None or not ok:
            continue
        key = (year, county)
        if key in seen:
            bad(row, "duplicate_county", "县区", c["county"], f"与第{seen[key]}行重复：{regions[county].name}的"
                f"{year}年类型只能填一行", "删除重复的行；两个类型请分别填在“类型”和“第二类型”两列")
            continue
        seen[key] = row
        out.append({"year": year, "region_code": county, "type1": found[0], "type2": found[1] if len(found) > 1 else "",
                    "src_row": row})
    return pd.DataFrame(out, columns=["year", "region_code", "type1", "type2", "src_row"]), problems


def parse_facts(rows, file: str, regions: regions_mod.Regions,
                folder: Path = SCHEMES_DIR) -> tuple[pd.DataFrame, list[Problem]]:
    """The items of a file (year, region_code, item, kind, value (NaN for a veto), note, src_row), every problem
    and the warnings (points above an item's cap)."""
    problems, out, seen, schemes = [], [], {}, {}

    def bad(row, code, column, value, reason, fix, severity=ERROR):
        problems.append(Problem(severity, code, reason, fix, file, row=row, column=column, value=value))

    for row, c in rows:
        year = _year(c, row, file, problems)
        county = _county(c, row, file, regions, problems)
        if year is None:
            continue
        scheme = _declared_for(year, schemes, folder)
        item = scheme.item_of(c["item"]) if c["item"] else None
        if item is None:
            if not scheme.items:
                bad(row, "no_items", "项目", c["item"], f"{year}年的评价方案{f'（{scheme.source}）' if scheme.source else ''}"
                    "没有加减分或否决事项（[[adjustments]]、[[veto]]）",
                    f"请先在 {folder / f'{year}.toml'} 中声明后再上传")
            else:
                bad(row, "unknown_item", "项目", c["item"],
                    f"“{c['item']}”不是{year}年评价方案的加减分或否决事项" if c["item"] else "缺少项目",
                    f"应为 {scheme.item_hint()} 之一（{scheme.source}）")
            continue
        value, note = float("nan"), c.get("reason", "")
        if item.kind != VETO:
            try:
                value = ledger_cells.amount(c.get("value", ""))
                if value is None:
                    raise CellError("缺少分值")
            except CellError as exc:
                reason = str(exc).replace("金额", "分值")
                fix = "扣分也填正数（如 2 表示扣2分）" if item.kind == DEDUCTION else "填写不小于 0 的分数，如 1.5"
                bad(row, "bad_points", "分值", c.get("value", ""), reason, fix)
                continue
            if item.cap is not None and value > float(item.cap):
                bad(row, "above_cap", "分值", c.get("value", ""), f"“{item.name}”单项最多{float(item.cap):g}分",
                    f"计分时按{float(item.cap):g}分计；如填错请改正后重新上传", WARNING)
        if county is None:
            continue
        key = (year, county, item.code)
        if key in seen:
            bad(row, "duplicate_item", "项目", c["item"], f"与第{seen[key]}行重复：{regions[county].name}{year}年的"
                f"“{item.name}”只能填一行", "合并为一行（分值相加）后重新上传")
            continue
        seen[key] = row
        out.append({"year": year, "region_code": county, "item": item.code, "kind": item.kind, "value": value,
                    "note": note or (item.name if item.kind == VETO else ""), "src_row": row})
    return pd.DataFrame(out, columns=["year", "region_code", "item", "kind", "value", "note", "src_row"]), problems


# ---------------------------------------------------------------- ingest

PARSERS = {TYPES: parse_types, FACTS: parse_facts}
TABLES = {TYPES: t.county_types, FACTS: t.county_facts}


def ingest_types(source, store: Store, **kw) -> UnitsReport:
    """Load the counties' types (CSV or .xlsx): every problem at once; nothing written unless the file is good."""
    return _ingest(TYPES, source, store, **kw)


def ingest_facts(source, store: Store, **kw) -> UnitsReport:
    """Load the counties' bonus, deduction and veto items for a year."""
    return _ingest(FACTS, source, store, **kw)


def _ingest(upload: str, source: str | Path | bytes, store: Store, *, today: dt.date | None = None,
            regions: regions_mod.Regions | None = None, schemes: Path = SCHEMES_DIR, **kw) -> UnitsReport:
    """`today` is accepted like the other loaders' (these rows carry no dates)."""
    regions = regions or regions_mod.default()
    # uploads.periods: December of each year the file is for, so results of those years depend on it
    # (indicators/results.inputs_state reads these uploads by year, like targets)
    return ingest_table(upload, source, store, lambda rows, name: PARSERS[upload](rows, name, regions, schemes),
                        table=TABLES[upload], regions=regions,
                        compare=lambda frame, report, conn: _compare(store, upload, frame, report, conn),
                        periods=lambda frame: sorted({f"{int(y)}-12" for y in frame["year"]}),
                        scope_fix="只上报本账号范围内的县区；其他县区请由市级部门上传", **kw)


def _compare(store: Store, upload: str, frame: pd.DataFrame, report: UnitsReport, conn) -> None:
    """New, revised and unchanged rows against the current ones of the same years (and counties)."""
    years = sorted({int(y) for y in frame["year"]})
    if upload == TYPES:
        before, key, value = store.county_types(years, conn=conn), ["year", "region_code"], ["type1", "type2"]
    else:
        before = store.county_facts(years, report.regions, conn=conn)
        key, value = ["year", "region_code", "item"], ["value", "note"]
    old = count_changes(report, before, frame, key, value)
    if upload == FACTS:
        covered = {(int(y), c) for y, c in zip(frame["year"], frame["region_code"], strict=True)}
        report.dropped = sum((k[0], k[1]) in covered for k in old)
