"""A simulated Gansu province (模拟数据) for the demo: every uploaded indicator for the 86 counties, 14 prefectures
and the province, 2021-01 to 2026-10, plus 2025 and 2026 targets, deterministic from one seed and shaped after
../shared/reference/statistics.md (no value is a published figure).

data/demo/ is exactly what `write()` produces: regenerate it with `python -m loaders.demo_data`.
"""

from loaders.demo_data.constants import (
    DEMO_DIR,
    FIRST_YEAR,
    INTEGER_UNITS,
    LAST_MONTH,
    LAST_YEAR,
    LEDGER_FIRST_YEAR,
    OBS_COLUMNS,
    SEED,
    TARGET_COLUMNS,
    TARGET_YEARS,
)
from loaders.demo_data.files import write
from loaders.demo_data.frames import generate
from loaders.demo_data.monthly_report import WIDE_CODES, WIDE_QUARTERLY

__all__ = [
    "DEMO_DIR", "FIRST_YEAR", "INTEGER_UNITS", "LAST_MONTH", "LAST_YEAR", "LEDGER_FIRST_YEAR", "OBS_COLUMNS",
    "SEED", "TARGET_COLUMNS", "TARGET_YEARS", "WIDE_CODES", "WIDE_QUARTERLY", "generate", "write",
]
