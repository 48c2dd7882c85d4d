"""The machinery every simulated item ledger shares: an item with its timeline, the snapshot dates, exact integer
splits (amounts in tenths of 万元, so sums of one-decimal values are exact) and the published month-end values of
a county's year that the items must add up to."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from loaders import catalogue as catalogue_mod
from loaders.demo_data.constants import BASE_YEAR, INTEGER_UNITS
from loaders.demo_data.series import Series
from loaders.demo_data.world import World

ITEMS_FROM = dt.date(2026, 9, 1)  # the first weekly snapshot is the first Friday on or after this day
FRIDAY = 4
# Weekly snapshots cover the end month and the two before (earlier months keep their month-end snapshot): each
# ledger file takes a few tenths of a second to ingest, so a demo ending in 2027-04 stays near 130 files, not 260.
WEEKLY_MONTHS = 3
# Short codes of Longnan's counties for 台账编号 (pinyin initials), and their own word for the county level.
COUNTY_ABBR = {"621202": "WD", "621221": "CX", "621222": "WX", "621223": "DC", "621224": "KX", "621225": "XH",
               "621226": "LX", "621227": "HX", "621228": "LD"}


def level_word(county: str) -> str:
    """区 for 武都区, 县 for the others: “区住建局”, “县住建局”."""
    return "区" if county == "621202" else "县"


@dataclass
class Item:
    """One ledger item: on the ledger from `start` until `end` (exclusive, None: still there), its cells at the
    start (`fields`, column code → value; amounts in tenths of 万元) and later changes (date, {column: value})."""

    county: str
    item_id: str
    start: dt.date
    fields: dict
    events: list[tuple[dt.date, dict]] = field(default_factory=list)
    end: dt.date | None = None
    owner: tuple[str, str] | None = None  # (parent region, unit name) its 责任单位 resolves to: tasks follow it
    meta: dict = field(default_factory=dict)  # what the generator knows and the ledger does not show

    def change(self, day: dt.date, **values) -> None:
        self.events.append((day, values))

    def at(self, day: dt.date) -> dict | None:
        """The item's cells as of `day`, or None when it is not on the ledger that day."""
        if day < self.start or (self.end is not None and day >= self.end):
            return None
        out = dict(self.fields)
        for when, values in sorted(self.events, key=lambda e: e[0]):
            if when > day:
                break
            out.update(values)
        return out


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def snapshot_dates(end: str) -> list[dt.date]:
    """Every Friday of the last WEEKLY_MONTHS months through the end month (never before ITEMS_FROM), plus the last
    day of each month from ITEMS_FROM's: for the committed example (2026-10) every Friday since 2026-09-04."""
    last = month_end(int(end[:4]), int(end[5:7]))
    if last < ITEMS_FROM:
        return []
    y, m = last.year, last.month - (WEEKLY_MONTHS - 1)
    while m < 1:
        y, m = y - 1, m + 12
    weekly_from = max(ITEMS_FROM, dt.date(y, m, 1))
    first_friday = weekly_from + dt.timedelta(days=(FRIDAY - weekly_from.weekday()) % 7)
    days = {first_friday + dt.timedelta(weeks=k) for k in range((last - first_friday).days // 7 + 1)}
    y, m = ITEMS_FROM.year, ITEMS_FROM.month
    while (y, m) <= (last.year, last.month):
        days.add(month_end(y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return sorted(days)


def item_years(end: str) -> list[int]:
    """The years whose items the snapshots show: ITEMS_FROM's year through the end month's."""
    return list(range(ITEMS_FROM.year, int(end[:4]) + 1))


def random_day(rng: np.random.Generator, year: int, month: int, low: int = 1) -> dt.date:
    """A day of the month, uniformly from day `low` to the month's end."""
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, int(rng.integers(min(low, last), last + 1)))


def clip_day(day: dt.date, low: dt.date, high: dt.date) -> dt.date:
    return min(max(day, low), high)


def split_exact(total: int, weights, minimum: int = 0, step: int = 1) -> list[int]:
    """`total` split in proportion to `weights` into whole multiples of `step`, each at least `minimum` when the
    total allows it, summing exactly to `total` (largest remainders; `total` must be a multiple of `step`)."""
    w = np.asarray(weights, dtype=float)
    n = len(w)
    if n == 0:
        return []
    units, floor = total // step, minimum // step
    if units < floor * n:
        floor = 0
    rest = units - floor * n
    share = rest * w / w.sum()
    base = np.floor(share).astype(int)
    left = rest - int(base.sum())
    order = np.argsort(-(share - base), kind="stable")
    base[order[:left]] += 1
    return [int((b + floor) * step) for b in base]


def tenths(value: float) -> int:
    return int(round(float(value) * 10))


@dataclass
class CountyYear:
    """The published month-end values (index 0 = January) a county's items must add up to in one year: amounts
    in tenths of 万元, counts whole, rounded exactly as the observation files publish them."""

    county: str
    name: str
    year: int
    values: dict[str, np.ndarray]  # indicator → (12,) ints

    def __getitem__(self, code: str) -> np.ndarray:
        return self.values[code]


def published_year(world: World, series: dict[str, Series], county: str, year: int,
                   codes: tuple[str, ...]) -> CountyYear:
    """The county's year of each indicator as published (one decimal for 万元, whole for 家 / 件), from the hidden
    series, all twelve months (months after the demo's end are drawn too: items are planned for the year)."""
    cat = catalogue_mod.default()
    i, y = world.index(county), year - BASE_YEAR
    values = {}
    for code in codes:
        raw = series[code].cum_level[i, y, :]
        if cat[code].unit in INTEGER_UNITS:
            values[code] = np.round(raw).astype(int)
        else:
            values[code] = np.array([tenths(np.round(v, 1)) for v in raw])
    return CountyYear(county=county, name=world.names[county], year=year, values=values)


def increments(cumulative: np.ndarray) -> np.ndarray:
    """Single-month amounts of a year-to-date series (January's is its own level)."""
    return np.diff(np.concatenate([[0], cumulative]))
