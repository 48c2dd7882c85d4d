"""Cells shared by the bureau-style sheets: a city's counties in order, and a number as a sheet shows it."""

import pandas as pd

from loaders.demo_data.constants import gansu
from loaders.demo_data.observations import decimals

MISSING_MARK = "—"


def county_codes(city: str) -> list[str]:
    return [r.code for r in gansu().counties_of(city)]


def sheet_value(value: float, unit: str) -> int | float | str:
    """A number as the sheet shows it (int for 元 levels, else one decimal), or the missing mark."""
    if pd.isna(value):
        return MISSING_MARK
    return int(round(value)) if decimals(unit) == 0 else round(float(value), 1) + 0.0
