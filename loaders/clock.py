"""The clock is an input: today() is the one place the product learns the date, and "closed" (统计关库)
is defined once here.

MONITOR_TODAY=YYYY-MM-DD sets the date for demos, replays and tests; otherwise it is today's date in
Beijing (Asia/Shanghai), whatever the server's own time zone.
"""

import datetime as dt
import os
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
ENV = "MONITOR_TODAY"
MAX_OPEN_MONTHS = 36  # a closing date set years ahead is a typo, not a plan
CLOSING_DAY = 5  # 统计关库 default: the 5th of the month after the period (DESIGN.md §3, period settings)


class ClockError(ValueError):
    pass


def parse_day(text: str, source: str = ENV) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ClockError(f"{source}=“{text}”不是日期，应为 YYYY-MM-DD，如 2026-11-23") from None


def today() -> dt.date:
    """Today in Beijing, or MONITOR_TODAY when it is set."""
    explicit = os.environ.get(ENV, "").strip()
    if explicit:
        return parse_day(explicit)
    return dt.datetime.now(TZ).date()  # the product's only read of the wall clock for "today"


def default_closing_date(period: str) -> dt.date:
    """统计关库 default for a period 'YYYY-MM': the 5th of the following month."""
    y, m = int(period[:4]), int(period[5:7])
    return dt.date(y + m // 12, m % 12 + 1, CLOSING_DAY)


def closing_date(period: str, closing: dict[str, dt.date] | None = None) -> dt.date:
    """The closing date set for the period, else the default."""
    return (closing or {}).get(period) or default_closing_date(period)


def is_closed(period: str, closing: dict[str, dt.date] | None, on: dt.date) -> bool:
    """A period is closed (released, and locked against silent corrections) once its closing date has
    passed: on the closing day itself the bureau may still change it; from the day after it is closed."""
    return closing_date(period, closing) < on


def days_left(period: str, closing: dict[str, dt.date] | None, on: dt.date) -> int:
    """Days until the closing date (0 on the closing day; negative once closed)."""
    return (closing_date(period, closing) - on).days


def month_before(period: str, n: int = 1) -> str:
    """'2027-01' → '2026-12' (n months earlier)."""
    y, m = int(period[:4]), int(period[5:7])
    k = y * 12 + (m - 1) - n
    return f"{k // 12}-{k % 12 + 1:02d}"


def month_after(period: str, n: int = 1) -> str:
    return month_before(period, -n)


def latest_closed_month(on: dt.date, closing: dict[str, dt.date] | None = None) -> str:
    """The newest period 'YYYY-MM' closed on `on` (with the default dates: last month once the 5th has
    passed, else the month before)."""
    period = month_before(f"{on.year}-{on.month:02d}")
    for _ in range(MAX_OPEN_MONTHS):
        if is_closed(period, closing, on):
            return period
        period = month_before(period)
    raise ClockError(f"{on} 之前 {MAX_OPEN_MONTHS} 个月都未关库：请检查统计关库日期设置")
