"""What the county page reads, cached by data state: the province's values at one period, the
county's recent years and targets, points and gap-to-rank answers (the engine does every sum)."""

from functools import lru_cache

import pandas as pd

from indicators import derive, explain, pipeline, progress
from layouts import data
from loaders import catalogue as catalogue_mod
from loaders import regions as regions_mod

PROVINCE = "province"


def _data_key() -> tuple[int, int]:
    """The cache key of the data: which store (tests switch stores) and its data state."""
    return id(data.store()), data.state()


def city_scope(code: str) -> str:
    return f"city:{regions_mod.default().city_of(code)}"


def province_values(period: str) -> pd.DataFrame:
    """Every county's current values at one period, derived ratios included (for indicator ranks)."""
    return _province_values(period, _data_key())


@lru_cache(maxsize=8)
def _province_values(period: str, _key: tuple) -> pd.DataFrame:
    obs = data.store().observations(periods=[period], regions=pipeline.units(PROVINCE))
    return pd.concat([obs, derive.derived(obs, catalogue_mod.default())], ignore_index=True)


def values_at(month: str) -> pd.DataFrame:
    """Every county's current values as of a month ('2026-10'): each indicator at the latest period of that year
    it reports by then (quarterly series at the last quarter end), with that period in `period`."""
    return _values_at(month, _data_key())


@lru_cache(maxsize=8)
def _values_at(month: str, _key: tuple) -> pd.DataFrame:
    cat = catalogue_mod.default()
    as_of = {i.code: data.as_of(i.months, month) for i in cat}
    frames = [province_values(p) for p in sorted(set(as_of.values()))]
    obs = pd.concat(frames, ignore_index=True)
    return obs[obs["period"] == obs["indicator"].map(as_of)].reset_index(drop=True)


def county_obs(code: str, year: int) -> pd.DataFrame:
    """One county's values for `year` and the years seasonal 序时进度 needs, derived ratios included."""
    return _county_obs(code, year, _data_key())


@lru_cache(maxsize=32)
def _county_obs(code: str, year: int, _key: tuple) -> pd.DataFrame:
    years = list(range(year - progress.SEASONAL_YEARS, year + 1))
    obs = data.store().observations(regions=[code], years=years)
    return derive.with_derived(obs, catalogue_mod.default())


def county_targets(code: str, year: int) -> pd.DataFrame:
    return _county_targets(code, year, _data_key())


@lru_cache(maxsize=32)
def _county_targets(code: str, year: int, _key: tuple) -> pd.DataFrame:
    return data.store().targets(years=[year], regions=[code])


def progress_rows(period: str, code: str) -> pd.DataFrame:
    """progress.progress_table for one county at a month, as `python -m indicators gaps` computes it."""
    return _progress_rows(period, code, _data_key())


@lru_cache(maxsize=32)
def _progress_rows(period: str, code: str, _key: tuple) -> pd.DataFrame:
    year = int(period[:4])
    return progress.progress_table(county_obs(code, year), county_targets(code, year), catalogue_mod.default(),
                                   period, regions=[code])


def points(quarter: str) -> dict[str, pd.DataFrame]:
    """explain.points over the province: {"vs_mean", "vs_above"}, units × scheme indicators."""
    return _points(quarter, _data_key())


@lru_cache(maxsize=8)
def _points(quarter: str, _key: tuple) -> dict[str, pd.DataFrame]:
    card = data.scorecard(quarter, PROVINCE)
    return explain.points(card.result)


def gaps(quarter: str, code: str, k: int) -> pd.DataFrame:
    """explain.gap_to_rank for the province comparison set (~0.3 s, hence the cache)."""
    return _gaps(quarter, code, int(k), _data_key())


@lru_cache(maxsize=64)
def _gaps(quarter: str, code: str, k: int, _key: tuple) -> pd.DataFrame:
    card = data.scorecard(quarter, PROVINCE)
    cat = catalogue_mod.default()
    return explain.gap_to_rank(card.result, code, k, units_of=explain.units_of(card.scheme, cat))


def value_history(code: str, indicator: str) -> pd.DataFrame:
    return _value_history(code, indicator, _data_key())


@lru_cache(maxsize=64)
def _value_history(code: str, indicator: str, _key: tuple) -> pd.DataFrame:
    return data.store().value_history(code, indicator)


def indicator_ranks(month: str, scope: str) -> pd.DataFrame:
    """county_view.indicator_ranks over a comparison set's counties as of a month (values_at)."""
    return _indicator_ranks(month, scope, _data_key())


@lru_cache(maxsize=32)
def _indicator_ranks(month: str, scope: str, _key: tuple) -> pd.DataFrame:
    from layouts.county_view import indicator_ranks

    return indicator_ranks(values_at(month), catalogue_mod.default(), pipeline.units(scope))
