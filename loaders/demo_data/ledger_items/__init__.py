"""Item-level ledgers (台账) for Longnan's nine counties, simulated (模拟数据): 清欠, 投诉线索, 招商引资项目, 重点项目 and
“四上”企业培育 as weekly snapshots since September 2026, with the units below the counties, their annual tasks and
their weekly reports.

The items are drawn for whole years and add up, at every month's end, exactly to the values the demo's statistics
files publish for that county, indicator and month (base.published_year), so loading a month-end snapshot changes
no current value; `build` checks it for every month it writes. Between month ends a snapshot shows what had
happened by its date, so the weekly values move monotonically from one month's end to the next within a year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from loaders import ledger_kinds, ledger_rollup
from loaders import regions as regions_mod
from loaders.demo_data.constants import BASE_YEAR
from loaders.demo_data.ledger_items import arrears, complaints, investment, key_projects, sishang, tasks
from loaders.demo_data.ledger_items.base import (
    COUNTY_ABBR,
    CountyYear,
    Item,
    item_years,
    month_end,
    published_year,
    snapshot_dates,
    tenths,
)
from loaders.demo_data.ledger_items.units import CountyUnits, Unit, all_units
from loaders.demo_data.series import Series
from loaders.demo_data.world import World

KINDS = ("arrears", "complaints", "investment", "key_projects", "sishang")
CODES = ("ARREARS_OWED", "ARREARS_PAID", "COMPLAINT_RECV", "COMPLAINT_DONE", "NEW_SISHANG", "KEY_PROJ", "INVEST_IN")
LAGGARDS = 2  # counties with the lowest undisputed repayment rate, which also handle complaints slowest


@dataclass
class LedgerBook:
    dates: list[dt.date]
    items: dict[str, list[Item]] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    tasks: list[tuple[int, tuple[str, str], str, float]] = field(default_factory=list)
    reports: dict[dt.date, list[tuple[str, dt.date, str, str]]] = field(default_factory=dict)
    laggards: list[str] = field(default_factory=list)

    def snapshot(self, kind: str, day: dt.date) -> list[tuple[Item, dict]]:
        """(item, cells as of the day) of every item on the kind's ledger that day, county by county."""
        out = []
        for it in self.items.get(kind, []):
            cells = it.at(day)
            if cells is not None:
                out.append((it, cells))
        return out


def build(seed: int, world: World, series: dict[str, Series], plans: dict, targets: pd.DataFrame,
          observations: pd.DataFrame) -> LedgerBook:
    book = LedgerBook(dates=snapshot_dates(world.end))
    if not book.dates:
        return book
    regions = regions_mod.default()
    years = item_years(world.end)
    counties = list(COUNTY_ABBR)
    published = {c: [published_year(world, series, c, y, CODES) for y in years] for c in counties}
    _check_published(published, observations, world.end)
    book.laggards = _laggards(published, world.end)
    units = all_units(seed, world.names)
    book.units = [u for c in counties for u in units[c].all] + list(units[counties[0]].city.values())
    items: dict[str, list[Item]] = {k: [] for k in KINDS}
    for c in counties:
        cys, cu, short, lag = published[c], units[c], regions[c].short_name, c in book.laggards
        plan = {y: tenths(plans["KEY_PROJ"][world.index(c), y - BASE_YEAR]) for y in years}
        pipeline = {y: int(plans["NEW_SISHANG"][world.index(c), y - BASE_YEAR]) for y in years}
        items["arrears"] += arrears.build(seed, cys, cu, lag)
        items["complaints"] += complaints.build(seed, cys, cu, lag)
        items["investment"] += investment.build(seed, cys, cu, short)
        items["key_projects"] += key_projects.build(seed, cys, plan, cu, short, lag)
        items["sishang"] += sishang.build(seed, cys, pipeline, cu, short)
    book.items = items
    for c in counties:
        own = {k: [it for it in v if it.county == c] for k, v in items.items()}
        for y in years:
            goals = {"NEW_SISHANG": int(plans["NEW_SISHANG"][world.index(c), y - BASE_YEAR]),
                     "INVEST_IN": _invest_target(targets, c, y, published[c][years.index(y)])}
            book.tasks += tasks.county_tasks(y, units[c], own, goals, seed)
    book.tasks = _merge_city(book.tasks)
    book.reports = tasks.reports(book.dates, book.snapshot, book.tasks, seed)
    _check_rollup(book, published, world.end)
    return book


def _invest_target(targets: pd.DataFrame, county: str, year: int, cy: CountyYear) -> int:
    """The county's INVEST_IN level target (tenths); a year without one asks for 10 % more than it gets."""
    row = targets[(targets.region_code == county) & (targets.year == year) & (targets.indicator == "INVEST_IN")
                  & (targets.kind == "level")]
    return tenths(row.value.iloc[0]) if len(row) else int(cy["INVEST_IN"][-1] * 1.1)


def _merge_city(rows):
    """Tasks of one city department asked by several counties' shares add up to one task per year and measure."""
    merged: dict[tuple, float] = {}
    for year, key, measure, value in rows:
        merged[(year, key, measure)] = merged.get((year, key, measure), 0.0) + value
    return [(y, k, m, round(v, 1)) for (y, k, m), v in merged.items()]


def _check_published(published: dict[str, list[CountyYear]], obs: pd.DataFrame, end: str) -> None:
    """The values the items add up to are the observation files' values, month by month through the end."""
    rows = obs[obs.region_code.isin(published) & obs.indicator.isin(CODES) & (obs.measure == "cum_level")]
    have = rows.set_index(["region_code", "indicator", "period"]).value
    for county, cys in published.items():
        for cy in cys:
            for code in CODES:
                for m in range(1, 13):
                    period = f"{cy.year}-{m:02d}"
                    if period > end or (county, code, period) not in have.index:
                        continue
                    want = have[(county, code, period)]
                    got = cy[code][m - 1] / (1 if code in ("COMPLAINT_RECV", "COMPLAINT_DONE", "NEW_SISHANG") else 10)
                    if abs(got - want) > 1e-9:
                        raise AssertionError(f"{county} {code} {period}: ledger total {got} ≠ published {want}")


def _laggards(published: dict[str, list[CountyYear]], end: str) -> list[str]:
    """The LAGGARDS counties with the lowest undisputed repayment rate at the end month."""
    year, month = int(end[:4]), int(end[5:7])
    rate = {}
    for county, cys in published.items():
        cy = next(c for c in cys if c.year == year)
        rate[county] = cy["ARREARS_PAID"][month - 1] / max(cy["ARREARS_OWED"][month - 1], 1)
    return sorted(rate, key=rate.get)[:LAGGARDS]


def _check_rollup(book: LedgerBook, published: dict[str, list[CountyYear]], end: str) -> None:
    """Every month-end snapshot rolls up (loaders/ledger_rollup.py) to the published values."""
    kinds = ledger_kinds.default()
    for day in book.dates:
        if day != month_end(day.year, day.month):
            continue
        for kind in KINDS:
            frame = snapshot_frame(book, kind, day)
            values = ledger_rollup.indicator_values(kinds[kind], frame, day)
            for r in values.itertuples(index=False):
                cy = next(c for c in published[r.region_code] if c.year == day.year)
                want = cy[r.indicator][day.month - 1]
                got = r.value if r.indicator in ("COMPLAINT_RECV", "COMPLAINT_DONE", "NEW_SISHANG") else tenths(r.value)
                if r.indicator == "KEY_PROJ" and day.month == 1:
                    continue
                if abs(got - want) > 1e-9:
                    raise AssertionError(f"{r.region_code} {r.indicator} {day}: roll-up {got} ≠ published {want}")


def snapshot_frame(book: LedgerBook, kind: str, day: dt.date) -> pd.DataFrame:
    """A kind's snapshot as the typed frame the roll-up reads (amounts in 万元)."""
    declared = ledger_kinds.default()[kind]
    numbers = {c.code for c in declared.field_columns if c.type == "number"}
    records = [{"region_code": it.county, "item_id": it.item_id,
                **{k: (v / 10 if k in numbers else v) for k, v in cells.items()}}
               for it, cells in book.snapshot(kind, day)]
    return ledger_kinds.typed_frame(declared, records)


__all__ = ["KINDS", "LedgerBook", "CountyUnits", "build", "snapshot_frame"]
