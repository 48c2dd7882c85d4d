"""A simulated Gansu province (模拟数据) for the demo: every uploaded indicator for the 86 counties, 14 prefectures
and the province, from 2021-01 to an end month (by default the latest month closed today), plus the targets of the
end month's year and the year before, deterministic from one seed and the end month and shaped after
../shared/reference/statistics.md (no value is a published figure).

data/demo/ is exactly what `write()` produces for EXAMPLE_END: regenerate it with `python -m loaders.demo_data`.
"""

from loaders.demo_data.constants import (
    DEMO_DIR,
    EXAMPLE_END,
    FIRST_YEAR,
    INTEGER_UNITS,
    LEDGER_FIRST_YEAR,
    OBS_COLUMNS,
    SEED,
    TARGET_COLUMNS,
)
from loaders.demo_data.files import write
from loaders.demo_data.frames import generate
from loaders.demo_data.monthly_report import WIDE_CODES, WIDE_QUARTERLY

__all__ = [
    "DEMO_DIR", "EXAMPLE_END", "FIRST_YEAR", "INTEGER_UNITS", "LEDGER_FIRST_YEAR", "OBS_COLUMNS",
    "SEED", "TARGET_COLUMNS", "WIDE_CODES", "WIDE_QUARTERLY", "generate", "write",
]
