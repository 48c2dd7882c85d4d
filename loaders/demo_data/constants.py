"""The demo's fixed frame: seed, output folder, time span, the regions it centres on and the published columns."""

import numpy as np

from loaders import regions as regions_mod
from loaders.settings import DATA_DIR

SEED = 20261123
DEMO_DIR = DATA_DIR / "demo"
NOTE = "模拟数据"

# Time span. Today is November 2026: October figures are in and 2026Q3 is the last closed quarter.
FIRST_YEAR, LAST_YEAR, LAST_MONTH = 2021, 2026, 10
BASE_YEAR = FIRST_YEAR - 1  # hidden: the growth of 2021 needs the levels of 2020
YEARS = np.arange(BASE_YEAR, LAST_YEAR + 1)
ANCHOR_YEAR = 2025  # statistics.md's magnitudes are read as the annual values of the last full year
LEDGER_FIRST_YEAR = 2024  # the key-work ledgers (清欠, 投诉, 四上, 重点项目) start in 2024
TARGET_YEARS = (2025, 2026)

PROVINCE = regions_mod.PROVINCE
LONGNAN = "621200"
OBS_COLUMNS = ["region_code", "region_name", "period", "indicator", "measure", "value", "unit", "note"]
TARGET_COLUMNS = ["region_code", "region_name", "year", "indicator", "kind", "value", "unit", "note"]
INTEGER_UNITS = ("元", "家", "件")  # published without decimals; 万元 and 万千瓦时 with one
