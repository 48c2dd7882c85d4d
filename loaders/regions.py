"""China's division codes (GB/T 2260) and the names met on bureau sheets, seen from one deployment's province.

Codes resolve anywhere in the country; names (full name, short name, the alias table) resolve within the
deployment's province (MONITOR_PROVINCE), so a name of another province resolves only by its code. Sheet-relative
names need the sheet's city: 全市 / 全州 / 全盟 / 全地区 / 合计 / 总计 → the city of the sheet, 全省 → the
province, 全区 → the province of an autonomous region (广西, 内蒙古, 西藏, 宁夏, 新疆), else the sheet's city
(never in a municipality, where a 区 is a county-level district: there it does not resolve).
"""

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from loaders import settings
from loaders.cells import squeeze
from loaders.region_names import stem
from loaders.settings import DATA_DIR

CITY_ROW_NAMES = ("全市", "合计", "总计", "全州", "全盟", "全地区", "市合计", "全市合计", "全市总计", "全州合计",
                  "全盟合计", "全地区合计")
PROVINCE_ROW_NAMES = ("全省", "全省合计")
REGION_ROW_NAMES = ("全区", "全区合计")
AUTONOMOUS_REGIONS = ("150000", "450000", "540000", "640000", "650000")
MUNICIPALITIES = ("110000", "120000", "310000", "500000")
LEVELS = ("province", "prefecture", "county")


class DeploymentError(ValueError):
    """MONITOR_PROVINCE / MONITOR_CITY name no region, or a city outside the province; the message has an example."""


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    short_name: str
    level: str
    parent_code: str
    longitude: float
    latitude: float
    province_code: str = ""

    def __post_init__(self):
        if not self.province_code:
            object.__setattr__(self, "province_code", self.code[:2] + "0000")


class Regions:
    """Every region by code; levels, counties and names within `province` (None: the whole country)."""

    def __init__(self, rows: list[Region], aliases: dict[str, str], province: str | None = None,
                 home: str | None = None):
        self.by_code = {r.code: r for r in rows}
        self.province = province
        self.home = home  # the deployment's home city (MONITOR_CITY), for examples in messages
        self._local = [r for r in rows if province is None or r.province_code == province]
        local = {r.code for r in self._local}
        self._names: dict[str, set[str]] = {}
        self._stems: dict[str, set[str]] = {}
        for r in self._local:
            for name in {r.name, r.short_name}:
                self._names.setdefault(squeeze(name), set()).add(r.code)
            if r.level != "province":
                self._stems.setdefault(squeeze(stem(r.name)), set()).add(r.code)
        for alias, code in aliases.items():
            if code in local or alias.isdigit():
                self._names.setdefault(squeeze(alias), set()).add(code)

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

    def __getitem__(self, code: str) -> Region:
        return self.by_code[code]

    def rows(self) -> list[Region]:
        """The province's regions (the whole country's without a province), in file (code) order."""
        return list(self._local)

    def of_level(self, level: str) -> list[Region]:
        return [r for r in self._local if r.level == level]

    def counties_of(self, city: str) -> list[Region]:
        return [r for r in self._local if r.parent_code == city and r.level == "county"]

    def city_of(self, code: str) -> str | None:
        """The prefecture-level unit a region is part of: itself for a prefecture or a municipality, the parent
        prefecture (or municipality) of a county, None for a province or a 省直辖 county (429004 仙桃市)."""
        r = self.by_code.get(code)
        if r is None:
            return None
        if r.level == "prefecture" or (r.level == "province" and r.code in MUNICIPALITIES):
            return r.code
        parent = self.by_code.get(r.parent_code)
        if r.level == "county" and parent is not None and (parent.level == "prefecture" or parent.code in MUNICIPALITIES):
            return parent.code
        return None

    def resolve(self, text: str, city: str | None = None, level: str | None = None) -> str | None:
        """A region code for a code or name on a sheet, or None when unknown or ambiguous.

        `city` is the prefecture the sheet is about: it gives 全市/合计 a meaning and settles names that exist
        in several prefectures. `level` is the level of the sheet's rows, when known ("prefecture" on a
        province → prefecture table): it settles a stem shared by a city and its county (长沙 → 长沙市, not 长沙县).
        """
        key = squeeze(text)
        sheet_relative = self._sheet_relative(key, city)
        if sheet_relative is not False:
            return sheet_relative
        if key.isdigit():
            return key if key in self.by_code else self._one(self._names.get(key, set()), city, level)
        return self._one(self._names.get(key, set()), city, level) or \
            (None if key in self._names else self._one(self._stems.get(key, set()), city, level))

    def _sheet_relative(self, key: str, city: str | None) -> str | None | bool:
        """The code a sheet-relative name stands for, None when it stands for nothing here, False if not one."""
        if key in PROVINCE_ROW_NAMES:
            return self.province
        if key in CITY_ROW_NAMES:
            return city or None
        if key in REGION_ROW_NAMES:
            if self.province in AUTONOMOUS_REGIONS:
                return self.province
            return None if self.province in MUNICIPALITIES else city or None
        return False

    def _one(self, codes: set[str], city: str | None, level: str | None) -> str | None:
        if len(codes) == 1:
            return next(iter(codes))
        if level and len(codes) > 1:
            codes = {c for c in codes if self.by_code[c].level == level}
            if len(codes) == 1:
                return next(iter(codes))
        if city and len(codes) > 1:
            local = [c for c in codes if c == city or self.city_of(c) == city]
            if len(local) == 1:
                return local[0]
        return None

    def expected_names(self, city: str | None) -> str:
        """The names a sheet about `city` may use, for an error message."""
        if city:
            return "、".join(["全市", self.by_code[city].short_name] + [r.short_name for r in self.counties_of(city)])
        return f"县区全称、简称或6位区划代码（如 {self.example()}）"

    def example_county(self) -> Region | None:
        """A county for messages: the home city's first (else the province's) that has a short name (武都区)."""
        counties = sorted(self.of_level("county"), key=lambda r: (r.parent_code != self.home, r.short_name == r.name,
                                                                  r.code))
        return counties[0] if counties else None

    def example(self) -> str:
        """'武都区 / 武都 / 621202': the example county's names and code."""
        r = self.example_county()
        return " / ".join(dict.fromkeys([r.name, r.short_name, r.code])) if r else "武都区 / 武都 / 621202"

    def frame(self) -> pd.DataFrame:
        """The province's regions (the whole country's without a province), one row each."""
        return pd.DataFrame([r.__dict__ for r in self._local])


def load(path: Path | None = None, aliases_path: Path | None = None, province: str | None = None,
         home: str | None = None) -> Regions:
    rows, aliases = _read(path or DATA_DIR / "regions.csv", aliases_path or DATA_DIR / "region_aliases.csv")
    return Regions(rows, aliases, province, home)


@lru_cache(maxsize=4)
def _read(path: Path, aliases_path: Path) -> tuple[list[Region], dict[str, str]]:
    with open(path, encoding="utf-8") as f:
        rows = [Region(code=r["code"], name=r["name"], short_name=r["short_name"], level=r["level"],
                       parent_code=r["parent_code"], longitude=float(r["longitude"]),
                       latitude=float(r["latitude"]), province_code=r["province_code"]) for r in csv.DictReader(f)]
    with open(aliases_path, encoding="utf-8") as f:
        aliases = {r["alias"]: r["code"] for r in csv.DictReader(f)}
    return rows, aliases


def default() -> Regions:
    """The deployment's view: MONITOR_PROVINCE's names and levels, every code of the country. Raises
    DeploymentError when MONITOR_PROVINCE / MONITOR_CITY are not a province and one of its cities."""
    return _deployment(*settings.deployment())


@lru_cache(maxsize=8)
def _deployment(province: str, city: str) -> Regions:
    regions = load(province=province, home=city)
    check_deployment(regions, province, city)
    return regions


def check_deployment(regions: Regions, province: str, city: str) -> None:
    p = regions.by_code.get(province)
    if p is None or p.level != "province":
        raise DeploymentError(f"MONITOR_PROVINCE={province!r} 不是省级区划代码（6位，如 430000 湖南省、620000 甘肃省）；"
                              "请改为本省代码，例：MONITOR_PROVINCE=430000 MONITOR_CITY=430100")
    c = regions.by_code.get(city)
    in_province = c is not None and c.province_code == province and (
        c.level == "prefecture" or (c.code == province and province in MUNICIPALITIES))
    if not in_province:
        cities = sorted(regions.of_level("prefecture"), key=lambda r: r.code) or [p]
        what = f"（{c.name}）" if c is not None else ""
        raise DeploymentError(f"MONITOR_CITY={city!r}{what} 不是{p.name}的市州（地级）代码；请改为本省的一个市州，"
                              f"例：MONITOR_CITY={cities[0].code}（{cities[0].name}）")


def home() -> str:
    """The deployment's home city (MONITOR_CITY, checked against the province)."""
    return default().home
