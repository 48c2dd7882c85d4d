"""Industrial profit (a level_growth series), derived from industrial revenue through a year-to-year margin."""

import numpy as np

from loaders.demo_data.constants import ANCHOR_YEAR, BASE_YEAR
from loaders.demo_data.series import Series, to_regions, yoy, ytd_from_annual
from loaders.demo_data.specs import SPECS
from loaders.demo_data.world import World, region_gaps

# Industrial profit: margin = profit / revenue, 3–9 % (statistics.md), mean-reverting year to year.
MARGIN_RANGE = (3.0, 9.0)
MARGIN_AR = 0.6  # persistence of a county's margin deviation
MARGIN_SD = 0.15  # log sd of the yearly margin shock (× small-county swing)
PROFIT_MONTH_SD = 0.15
PROFIT_SHOCK = 2.0  # profits fell hardest in 2020 Q1


def profit_series(rng: np.random.Generator, world: World, revenue: np.ndarray) -> Series:
    """Profit = revenue × a mean-reverting margin, with noisier months than revenue."""
    n = len(revenue)
    vol = world.units.vol.to_numpy()
    base = rng.uniform(*MARGIN_RANGE, n) / 100.0
    deviation = np.zeros((n, len(world.years)))
    for y in range(1, len(world.years)):
        deviation[:, y] = MARGIN_AR * deviation[:, y - 1] + MARGIN_SD * vol * rng.standard_normal(n)
    deviation -= deviation[:, [ANCHOR_YEAR - BASE_YEAR]]  # the 2025 margin is the base margin
    annual = revenue * base[:, None] * np.exp(deviation)
    spec = SPECS["IND_REV"]
    ytd = ytd_from_annual(rng, world, annual, spec, month_sd=PROFIT_MONTH_SD, shock=PROFIT_SHOCK)
    levels = to_regions(world, ytd, region_gaps(rng, world), per_capita=False)
    return Series(cum_level=levels, cum_yoy=yoy(levels, rng, world.years))
