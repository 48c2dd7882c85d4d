"""The tax share of budget revenue (a ratio, %): computed from summed tax and revenue so a prefecture's ratio
weighs its counties."""

import numpy as np

from loaders.demo_data.series import Series, to_regions
from loaders.demo_data.world import World

# Tax share of budget revenue, % (catalogue ratio_band 20–100): county level, higher early in the year.
TAX_SHARE_RANGE = (55.0, 80.0)
TAX_SHARE_EARLY = 4.0  # pp above the year's level in January, fading to 0 by December
TAX_SHARE_CLIP = (30.0, 95.0)
TAX_SHARE_YEAR_SD, TAX_SHARE_MONTH_SD = 2.0, 0.8  # pp


def tax_share_series(rng: np.random.Generator, world: World, gpbr_ytd: np.ndarray, gaps: np.ndarray) -> Series:
    """Tax revenue / budget revenue × 100 from sums, so a prefecture's ratio weighs its counties."""
    n, ny = len(gpbr_ytd), len(world.years)
    level = rng.uniform(*TAX_SHARE_RANGE, n)[:, None] + TAX_SHARE_YEAR_SD * rng.standard_normal((n, ny))
    early = TAX_SHARE_EARLY * (1 - np.arange(12) / 11.0)
    ratio = level[:, :, None] + early[None, None, :] + TAX_SHARE_MONTH_SD * rng.standard_normal((n, ny, 12))
    tax = gpbr_ytd * np.clip(ratio, *TAX_SHARE_CLIP) / 100.0
    share = 100.0 * to_regions(world, tax, gaps, False) / to_regions(world, gpbr_ytd, gaps, False)
    return Series(ratio=share)
