"""Gansu division codes (GB/T 2260) and the names met on bureau sheets.

Names resolve through full name, short name, code and the alias table; sheet-relative names
(全市 / 合计 / 总计 / 全州 → the city of the sheet, 全省 → the province) need the sheet's city.
"""

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from loaders.cells import squeeze
from loaders.settings import DATA_DIR

PROVINCE = "620000"
CITY_ROW_NAMES = ("全市", "合计", "总计", "全州", "市合计", "全市合计", "全市总计", "全州合计")
PROVINCE_ROW_NAMES = ("全省", "全省合计")
LEVELS = ("province", "prefecture", "county")


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    short_name: str
    level: str
    parent_code: str
    longitude: float
    latitude: float


class Regions:
    def __init__(self, rows: list[Region], aliases: dict[str, str]):
        self.by_code = {r.code: r for r in rows}
        self._names: dict[str, set[str]] = {}
        for r in rows:
            for name in {r.name, r.short_name, r.code}:
                self._names.setdefault(squeeze(name), set()).add(r.code)
        for alias, code in aliases.items():
            self._names.setdefault(squeeze(alias), set()).add(code)

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

    def __getitem__(self, code: str) -> Region:
        return self.by_code[code]

    def of_level(self, level: str) -> list[Region]:
        return [r for r in self.by_code.values() if r.level == level]

    def counties_of(self, city: str) -> list[Region]:
        return [r for r in self.by_code.values() if r.parent_code == city and r.level == "county"]

    def city_of(self, code: str) -> str | None:
        r = self.by_code.get(code)
        if r is None:
            return None
        return r.code if r.level == "prefecture" else r.parent_code if r.level == "county" else None

    def resolve(self, text: str, city: str | None = None) -> str | None:
        """A region code for a code or name on a sheet, or None when unknown or ambiguous.

        `city` is the prefecture the sheet is about: it gives 全市/合计 a meaning and settles
        names that exist in several prefectures.
        """
        key = squeeze(text)
        if city and key in CITY_ROW_NAMES:
            return city
        if key in PROVINCE_ROW_NAMES:
            return PROVINCE
        codes = self._names.get(key, set())
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
        return "县区全称、简称或6位区划代码（如 武都区 / 武都 / 621202）"

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([r.__dict__ for r in self.by_code.values()])


def load(path: Path | None = None, aliases_path: Path | None = None) -> Regions:
    path = path or DATA_DIR / "regions.csv"
    aliases_path = aliases_path or DATA_DIR / "region_aliases.csv"
    with open(path, encoding="utf-8") as f:
        rows = [Region(code=r["code"], name=r["name"], short_name=r["short_name"], level=r["level"],
                       parent_code=r["parent_code"], longitude=float(r["longitude"]),
                       latitude=float(r["latitude"])) for r in csv.DictReader(f)]
    with open(aliases_path, encoding="utf-8") as f:
        aliases = {r["alias"]: r["code"] for r in csv.DictReader(f)}
    return Regions(rows, aliases)


@lru_cache(maxsize=1)
def default() -> Regions:
    return load()
