"""Cached slices for the targets and indicator pages: a comparison set's progress table at one period, and one
indicator's values (with derived ratios) over two years. Keyed by data state, as layouts/data.py does."""

from functools import lru_cache

import pandas as pd

from indicators import derive, pipeline, progress
from layouts import data
from loaders import catalogue as catalogue_mod


def progress_at(period: str, scope: str) -> pd.DataFrame:
    """indicators.progress.progress_table for the comparison set's units at `period` ('2026-06')."""
    return _progress(period, scope, data.state())


@lru_cache(maxsize=16)
def _progress(period: str, scope: str, _state: str) -> pd.DataFrame:
    cat = catalogue_mod.default()
    units = pipeline.units(scope)
    year = int(period[:4])
    tg = data.store().targets(years=[year], regions=units)
    codes = sorted(set(tg["indicator"]) & set(cat.codes))
    terms = [c for code in codes if cat[code].value_type == "derived"
             for c in (cat[code].numerator, cat[code].denominator)]
    if not codes:
        return pd.DataFrame(columns=progress.TABLE_COLUMNS)
    obs = data.store().observations(regions=units, indicators=codes + terms,
                                    years=list(range(year - progress.SEASONAL_YEARS, year + 1)))
    return progress.progress_table(obs, tg, cat, period, regions=units)


def indicator_obs(code: str, year: int) -> pd.DataFrame:
    """Every region's current values of one indicator in `year` − 1 and `year` (derived ratios computed from sums)."""
    return _indicator_obs(code, year, data.state())


@lru_cache(maxsize=32)
def _indicator_obs(code: str, year: int, _state: str) -> pd.DataFrame:
    cat = catalogue_mod.default()
    ind = cat[code]
    wanted = [code] if ind.value_type != "derived" else [ind.numerator, ind.denominator]
    obs = data.store().observations(indicators=wanted, years=[year - 1, year])
    if ind.value_type == "derived":
        obs = derive.derived(obs, cat)
        obs = obs[obs["indicator"] == code]
    return obs.reset_index(drop=True)


def indicator_targets(code: str, year: int) -> pd.DataFrame:
    """The year's annual targets of one indicator (every region, both kinds)."""
    return _indicator_targets(code, year, data.state())


@lru_cache(maxsize=32)
def _indicator_targets(code: str, year: int, _state: str) -> pd.DataFrame:
    tg = data.store().targets(years=[year], indicators=[code])
    return tg[tg["period"] == f"{year}-12"].reset_index(drop=True)
