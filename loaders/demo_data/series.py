"""The shared machinery of every simulated series: annual totals spread over seasonal months, added up from
base units to regions, and turned into published year-on-year growth."""

from dataclasses import dataclass

import numpy as np

from loaders.demo_data.constants import BASE_YEAR
from loaders.demo_data.specs import COMPARABLE_BASE_SD, EPIDEMIC_DIPS, SHAPES, Spec
from loaders.demo_data.world import World


@dataclass
class Series:
    """One indicator's hidden truth for every output region: YTD levels and/or growth and/or ratio."""

    cum_level: np.ndarray | None = None
    cum_yoy: np.ndarray | None = None
    ratio: np.ndarray | None = None


def seasonal_shares(rng: np.random.Generator, shape: str, n: int, sd: np.ndarray, years: np.ndarray) -> np.ndarray:
    """(units, years, 12) single-month shares of each year, noisy around SHAPES[shape], summing to 1."""
    base = np.array(SHAPES[shape]) / 100.0
    noise = np.exp(sd[:, None, None] * rng.standard_normal((n, len(years), 12)))
    shares = base[None, None, :] * noise
    return shares / shares.sum(axis=2, keepdims=True)


def epidemic_dips(strength: float, years: np.ndarray) -> np.ndarray:
    """(years, 12) multipliers of single months: 1 except in the epidemic months."""
    out = np.ones((len(years), 12))
    for (year, month), dip in EPIDEMIC_DIPS.items():
        out[year - BASE_YEAR, month - 1] = max(0.3, 1.0 - strength * dip)
    return out


def ytd_from_annual(rng: np.random.Generator, world: World, annual: np.ndarray, spec: Spec,
                    month_sd: float | None = None, shock: float | None = None) -> np.ndarray:
    """(units, years, 12) year-to-date levels: annual totals spread over the months, dips applied."""
    vol = world.units.vol.to_numpy() if spec.swings else np.ones(len(annual))
    sd = (spec.month if month_sd is None else month_sd) * vol
    shares = seasonal_shares(rng, spec.shape, len(annual), sd, world.years)
    single = annual[:, :, None] * shares * epidemic_dips(spec.shock if shock is None else shock, world.years)[None]
    return np.cumsum(single, axis=2)


def to_regions(world: World, unit_ytd: np.ndarray, gaps: np.ndarray, per_capita: bool) -> np.ndarray:
    """(regions, years, 12): counties as they are, prefectures and province from their units."""
    matrix = world.means if per_capita else world.sums
    return np.einsum("ru,uym->rym", matrix, unit_ytd) * gaps[:, :, None]


def yoy(levels: np.ndarray, rng: np.random.Generator, years: np.ndarray,
        gap: dict[int, float] | None = None) -> np.ndarray:
    """Published YTD growth, %: the level ratio plus a small comparable-base difference."""
    out = np.full(levels.shape, np.nan)
    out[:, 1:] = 100.0 * (levels[:, 1:] / levels[:, :-1] - 1.0)
    out += COMPARABLE_BASE_SD * rng.standard_normal(levels.shape)
    if gap:
        out += np.array([gap.get(int(y), 0.0) for y in years])[None, :, None]
    return out
