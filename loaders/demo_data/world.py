"""The province's fixed structure: output regions, the base units they add up from, and how far a city's own
total sits from the sum of its units."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from loaders.demo_data.constants import EXAMPLE_END, PROVINCE, gansu, hidden_years
from loaders.demo_data.prefectures import county_sizes
from loaders.demo_data.randomness import stream

# City totals are not the sum of counties (city-level units, unified accounting): 1–4 % for a
# prefecture, 0.5–2 % for the province (statistics.md); drifting a little from year to year.
PREFECTURE_GAP = (0.01, 0.04)
PROVINCE_GAP = (0.005, 0.02)
GAP_DRIFT = 0.001


@dataclass(frozen=True)
class World:
    """The province's fixed structure: output regions, base units, and how units add up to regions."""

    codes: list[str]  # output regions in regions.csv order: province, prefectures, counties
    names: dict[str, str]
    units: pd.DataFrame  # base units: the 86 counties and 嘉峪关 (a prefecture without counties)
    sums: np.ndarray  # (regions, units): 1 where a unit belongs to a region
    means: np.ndarray  # (regions, units): population weights, rows summing to 1 (per-capita series)
    level: np.ndarray  # (regions,) province / prefecture / county
    years: np.ndarray  # the hidden series' years, BASE_YEAR first
    end: str  # the last published month, 'YYYY-MM'

    @property
    def last_year(self) -> int:
        return int(self.end[:4])

    @property
    def last_month(self) -> int:
        return int(self.end[5:7])

    def index(self, code: str) -> int:
        return self.codes.index(code)

    def of_level(self, level: str) -> list[str]:
        """Output regions of one level, in regions.csv order."""
        return [c for c, lv in zip(self.codes, self.level, strict=True) if lv == level]

    def units_in(self, prefecture: str) -> pd.Series:
        """(units,) True where a base unit belongs to the prefecture."""
        return self.units.prefecture == prefecture

    def counties_outside(self, prefecture: str) -> set[str]:
        """The counties of every other prefecture."""
        return set(self.of_level("county")) - set(self.units.code[self.units_in(prefecture)])


def build_world(seed: int, end: str = EXAMPLE_END) -> World:
    regs = gansu()
    rows = regs.rows()
    codes = [r.code for r in rows]
    units = county_sizes(stream(seed, "sizes"), regs)
    sums = np.zeros((len(codes), len(units)))
    for j, (code, pref) in enumerate(zip(units.code, units.prefecture, strict=True)):
        sums[codes.index(code), j] = 1.0  # a county (or 嘉峪关) is its own unit
        sums[codes.index(PROVINCE), j] = 1.0
        if code != pref:
            sums[codes.index(pref), j] = 1.0
    weighted = sums * units.population.to_numpy()[None, :]
    return World(codes=codes, names={r.code: r.name for r in rows}, units=units, sums=sums,
                 means=weighted / weighted.sum(axis=1, keepdims=True),
                 level=np.array([r.level for r in rows]), years=hidden_years(end), end=end)


def region_gaps(rng: np.random.Generator, world: World) -> np.ndarray:
    """(regions, years) factor of a region's own figure over its units' sum or mean: 1 for counties and
    嘉峪关, 1 ± 1–4 % for the other prefectures, 1 ± 0.5–2 % for the province."""
    gaps = np.zeros((len(world.codes), len(world.years)))
    units = set(world.units.code)
    for i, code in enumerate(world.codes):
        if code in units:
            continue
        low, high = PROVINCE_GAP if code == PROVINCE else PREFECTURE_GAP
        base = rng.choice([-1.0, 1.0]) * rng.uniform(low, high)
        drift = GAP_DRIFT * rng.standard_normal(len(world.years))
        gaps[i] = np.sign(base) * np.clip(abs(base) + drift, low, high)
    return 1.0 + gaps
