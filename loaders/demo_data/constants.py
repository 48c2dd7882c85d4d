"""The demo's fixed frame: seed, output folder, time span, the regions it centres on and the published columns."""

from functools import lru_cache

import numpy as np

from loaders import regions as regions_mod
from loaders.settings import DATA_DIR

SEED = 20261123
DEMO_DIR = DATA_DIR / "demo"
NOTE = "模拟数据"

# Time span: from 2021 to an end month, by default the latest month closed (统计关库) today (loaders/clock.py).
# The committed files in data/demo/ end at EXAMPLE_END (written on 23 November 2026, when 1–10月 was closed).
FIRST_YEAR = 2021
EXAMPLE_END = "2026-10"
BASE_YEAR = FIRST_YEAR - 1  # hidden: the growth of 2021 needs the levels of 2020
STORY_YEAR = 2026  # Longnan's storyline year (specs.LONGNAN_2026); the hidden series run at least through it
ANCHOR_YEAR = 2025  # statistics.md's magnitudes are read as the annual values of the last full year
LEDGER_FIRST_YEAR = 2024  # the key-work ledgers (清欠, 投诉, 四上, 重点项目) start in 2024


def hidden_years(end: str) -> np.ndarray:
    """The years the hidden series are drawn for: BASE_YEAR through the end month's year (at least STORY_YEAR).
    Every end month within those years gives the same values for the months both hold."""
    return np.arange(BASE_YEAR, max(STORY_YEAR, int(end[:4])) + 1)

PROVINCE = "620000"  # the demo is Gansu-shaped whatever the deployment (loaders/demo.py refuses others)
LONGNAN = "621200"


@lru_cache(maxsize=1)
def gansu() -> regions_mod.Regions:
    """The demo's regions: Gansu's, with Longnan as home city, whatever MONITOR_PROVINCE says."""
    return regions_mod.load(province=PROVINCE, home=LONGNAN)
OBS_COLUMNS = ["region_code", "region_name", "period", "indicator", "measure", "value", "unit", "note"]
TARGET_COLUMNS = ["region_code", "region_name", "year", "indicator", "kind", "value", "unit", "note"]
INTEGER_UNITS = ("元", "家", "件")  # published without decimals; 万元 and 万千瓦时 with one
