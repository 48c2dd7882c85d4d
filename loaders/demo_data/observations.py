"""Hidden series to published long rows: the periods the catalogue reports, the unit and rounding each
measure is published with, and the column order and sort of the long files."""

import numpy as np
import pandas as pd

from loaders import catalogue as catalogue_mod
from loaders.demo_data.constants import BASE_YEAR, FIRST_YEAR, INTEGER_UNITS, NOTE, OBS_COLUMNS
from loaders.demo_data.series import Series
from loaders.demo_data.world import World

OBS_ORDER = ["period", "indicator", "measure", "region_code"]  # the sort of every long observations file


def periods_of(code: str, end: str) -> list[tuple[int, int]]:
    """(year, month) pairs the catalogue says this indicator reports, from FIRST_YEAR to the end month 'YYYY-MM'."""
    ind = catalogue_mod.default()[code]
    last = (int(end[:4]), int(end[5:7]))
    return [(y, m) for y in range(FIRST_YEAR, last[0] + 1) for m in ind.months if (y, m) <= last]


def published_unit(unit: str, measure: str) -> str:
    """The unit a measure is published in: the catalogue unit for levels, % for growth and ratios."""
    return unit if measure == "cum_level" else "%"


def decimals(unit: str) -> int:
    """Decimals of a published value by its published unit: none for 元 / 家 / 件, one otherwise."""
    return 0 if unit in INTEGER_UNITS else 1


def long_rows(world: World, code: str, series: Series) -> pd.DataFrame:
    """One indicator's published rows: every region with a value, rounded as published."""
    ind = catalogue_mod.default()[code]
    pairs = periods_of(code, world.end)
    y_idx = np.array([y - BASE_YEAR for y, _ in pairs])
    m_idx = np.array([m - 1 for _, m in pairs])
    labels = np.array([f"{y}-{m:02d}" for y, m in pairs])
    frames = []
    for measure in ind.measures:
        values = getattr(series, measure)[:, y_idx, m_idx]  # (regions, periods)
        region, period = np.nonzero(~np.isnan(values))
        unit = published_unit(ind.unit, measure)
        frames.append(pd.DataFrame({
            "region_code": np.array(world.codes)[region],
            "period": labels[period],
            "indicator": code,
            "measure": measure,
            "value": np.round(values[region, period], decimals(unit)) + 0.0,
            "unit": unit,
        }))
    return pd.concat(frames, ignore_index=True)


def finish(frame: pd.DataFrame, world: World) -> pd.DataFrame:
    """Long rows with region names and the 模拟数据 note, in the published column order and sort."""
    frame = frame.assign(region_name=frame.region_code.map(world.names), note=NOTE)
    frame = frame.sort_values(OBS_ORDER, kind="stable")
    return frame[OBS_COLUMNS].reset_index(drop=True)
