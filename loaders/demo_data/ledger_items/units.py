"""Longnan's units below the county (模拟): per county its 乡镇街道, 县直部门 and 招商小分队, and the city's 市直部门 —
what the units upload lists and what ledger items name as their 责任单位."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from loaders.demo_data.ledger_items import names
from loaders.demo_data.ledger_items.base import COUNTY_ABBR
from loaders.demo_data.randomness import stream

TOWNSHIPS = (9, 13)  # simulated townships per county, 城关镇 included
TEAMS = (2, 3)  # investment teams per county


@dataclass(frozen=True)
class Unit:
    parent: str  # the county (or the city for 市直部门)
    kind: str  # township | county_dept | city_dept | investment_team (loaders/units.py UNIT_KINDS)
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        """What a ledger writes in 责任单位: the short name when there is one (“县住建局”), else the name."""
        return self.aliases[0] if self.aliases else self.name

    @property
    def key(self) -> tuple[str, str]:
        return self.parent, self.name


@dataclass
class CountyUnits:
    county: str
    towns: list[Unit]
    depts: dict[str, Unit]  # key of names.DEPTS → unit
    teams: list[Unit]
    city: dict[str, Unit] = field(default_factory=dict)  # the city's departments, which county items may name

    @property
    def all(self) -> list[Unit]:
        return [*self.towns, *self.depts.values(), *self.teams]


def city_units() -> dict[str, Unit]:
    return {k: Unit(names.CITY, "city_dept", full, (short,)) for k, full, short in names.CITY_DEPTS}


def county_units(seed: int, county: str, county_name: str) -> CountyUnits:
    rng = stream(seed, "ledger_items", "units", county)
    towns = [Unit(county, "township", n) for n in names.townships(rng, county, int(rng.integers(*TOWNSHIPS) + 1))]
    depts = {k: Unit(county, "county_dept", names.dept_name(county_name, full),
                     (names.dept_alias(county, short), short) if short != full else (names.dept_alias(county, short),))
             for k, full, short in names.DEPTS}
    teams = [Unit(county, "investment_team", n, (a,)) for n, a in names.teams(rng, int(rng.integers(*TEAMS) + 1))]
    return CountyUnits(county=county, towns=towns, depts=depts, teams=teams, city=city_units())


def all_units(seed: int, counties: dict[str, str]) -> dict[str, CountyUnits]:
    """county code → its units, for the counties of COUNTY_ABBR (name by code in `counties`)."""
    return {c: county_units(seed, c, counties[c]) for c in COUNTY_ABBR}


def pick(rng: np.random.Generator, options: list[Unit], weights=None) -> Unit:
    w = None if weights is None else np.asarray(weights, float) / np.sum(weights)
    return options[int(rng.choice(len(options), p=w))]
