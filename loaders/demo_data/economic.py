"""The economic indicators (level_growth and growth-only, from SPECS) for every region: county growth paths
anchored on 2025 levels, then profit and the tax share derived from the revenue series."""

import numpy as np

from loaders import catalogue as catalogue_mod
from loaders.demo_data.constants import ANCHOR_YEAR, BASE_YEAR, STORY_YEAR
from loaders.demo_data.profit import profit_series
from loaders.demo_data.randomness import stream
from loaders.demo_data.series import Series, to_regions, yoy, ytd_from_annual
from loaders.demo_data.specs import (
    COUNTY_WEIGHT,
    GDP_REAL_MINUS_NOMINAL,
    GROWTH_FLOOR,
    LONGNAN_2026,
    LONGNAN_2026_CODES,
    MOMENTUM_WEIGHT,
    PREFECTURE_NOISE,
    SPECS,
    YEAR_EFFECTS,
    Spec,
)
from loaders.demo_data.tax_share import tax_share_series
from loaders.demo_data.world import World, region_gaps


def annual_growth(rng: np.random.Generator, world: World, code: str, spec: Spec) -> np.ndarray:
    """(units, years) annual growth in %, column 0 (the base year) unused."""
    units = world.units
    n, ny = len(units), len(world.years)
    prefs = sorted(set(units.prefecture))
    tilt = dict(zip(prefs, PREFECTURE_NOISE * rng.standard_normal(len(prefs)), strict=True))
    momentum = units.momentum.to_numpy() + units.prefecture.map(tilt).to_numpy()
    persistent = spec.between * (MOMENTUM_WEIGHT * momentum + COUNTY_WEIGHT * rng.standard_normal(n))
    vol = units.vol.to_numpy() if spec.swings else np.ones(n)
    noise = spec.year * vol[:, None] * rng.standard_normal((n, ny))
    tails = (rng.random((n, ny)) < spec.tail) * rng.choice([-1.0, 1.0], (n, ny)) \
        * spec.tail_pp * rng.uniform(0.7, 1.5, (n, ny))
    effects = np.array([YEAR_EFFECTS.get(code, {}).get(int(y), 0.0) for y in world.years])
    growth = spec.mean + effects[None, :] + persistent[:, None] + noise + tails
    if code in LONGNAN_2026_CODES:
        k = LONGNAN_2026_CODES.index(code)
        for unit, values in LONGNAN_2026.items():
            growth[units.index[units.code == unit][0], STORY_YEAR - BASE_YEAR] = values[k]
    return np.maximum(growth, GROWTH_FLOOR)


def anchors(rng: np.random.Generator, world: World, spec: Spec) -> np.ndarray:
    """(units,) the 2025 annual level in the catalogue unit."""
    units = world.units
    if spec.per_capita:
        return units[spec.per_capita].to_numpy()
    gdp = units.gdp.to_numpy()
    spread = np.exp(spec.anchor_sd * rng.standard_normal(len(units)))
    spread /= (units.assign(w=gdp * spread).groupby("prefecture").w.transform("sum")
               / units.groupby("prefecture").gdp.transform("sum")).to_numpy()  # prefecture totals keep the ratio
    return gdp * spec.ratio * units.industry.to_numpy() ** spec.industry_power * spread


def annual_levels(anchor: np.ndarray, growth: np.ndarray) -> np.ndarray:
    """(units, years) annual levels from growth rates, equal to the anchor in ANCHOR_YEAR."""
    index = np.cumprod(np.column_stack([np.ones(len(anchor)), 1 + growth[:, 1:] / 100.0]), axis=1)
    return anchor[:, None] * index / index[:, [ANCHOR_YEAR - BASE_YEAR]]


def economic_series(seed: int, world: World) -> dict[str, Series]:
    """Every indicator except the key-work ledgers; profit and tax share derive from revenue series."""
    cat = catalogue_mod.default()
    out: dict[str, Series] = {}
    unit_ytd: dict[str, np.ndarray] = {}
    unit_annual: dict[str, np.ndarray] = {}
    gaps: dict[str, np.ndarray] = {}
    for code, spec in SPECS.items():
        rng = stream(seed, "series", code)
        unit_annual[code] = annual_levels(anchors(rng, world, spec), annual_growth(rng, world, code, spec))
        unit_ytd[code] = ytd_from_annual(rng, world, unit_annual[code], spec)
        gaps[code] = region_gaps(rng, world)
        levels = to_regions(world, unit_ytd[code], gaps[code], bool(spec.per_capita))
        growth = yoy(levels, rng, world.years, GDP_REAL_MINUS_NOMINAL if code == "GDP" else None)
        keep_level = "cum_level" in cat[code].measures
        out[code] = Series(cum_level=levels if keep_level else None, cum_yoy=growth)
    out["IND_PROFIT"] = profit_series(stream(seed, "series", "IND_PROFIT"), world, unit_annual["IND_REV"])
    out["TAX_SHARE"] = tax_share_series(stream(seed, "series", "TAX_SHARE"), world, unit_ytd["GPBR"],
                                        gaps["GPBR"])
    return out
