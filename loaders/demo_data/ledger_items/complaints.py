"""投诉线索台账 items for one county: each month's leads (the increase of COMPLAINT_RECV) with received dates in the
month, and each month's handled leads (the increase of COMPLAINT_DONE, which counts leads handled in the year,
also those received the December before), oldest first except the hard ones (有分歧) — so some leads stay open
beyond their 10 / 30 days. A laggard county takes longer over each lead. Leads stay on the ledger."""

from __future__ import annotations

import datetime as dt

from loaders.demo_data.ledger_items.base import (
    COUNTY_ABBR,
    CountyYear,
    Item,
    clip_day,
    increments,
    month_end,
    random_day,
)
from loaders.demo_data.ledger_items.units import CountyUnits, pick
from loaders.demo_data.randomness import stream

SOURCES, SOURCE_WEIGHTS = ("国家平台转办", "督查转办", "企业投诉"), (0.35, 0.15, 0.5)
DISPUTED = ((False, 0.6), (True, 0.15), (None, 0.25))  # undisputed arrears, disputed, not about arrears
DELAY = ((2, 9), (6, 24))  # days from receipt to handling: ordinary / laggard county
HARD_DELAY = (5, 25)  # extra days for a disputed lead
HARD_PRIORITY = 45.0  # a disputed lead waits behind leads this many days younger
UNIT_KEYS, UNIT_WEIGHTS = ("gxj", "zjj", "jtj", "swj", "fgj"), (6, 3, 2, 1, 1)
RESULTS = {False: ("已协调支付", "已督促拖欠单位支付并回访企业"), True: ("已引导双方协商", "已告知企业可通过司法途径解决"),
           None: ("已答复企业", "已转相关部门办理并回复企业")}


def build(seed: int, years: list[CountyYear], units: CountyUnits, laggard: bool) -> list[Item]:
    county = years[0].county
    rng = stream(seed, "ledger_items", "complaints", county)
    options = [units.depts[k] for k in UNIT_KEYS]
    items: list[Item] = []
    for cy in years:
        y, abbr = cy.year, COUNTY_ABBR[county]
        fresh = []
        for m, count in enumerate(increments(cy["COMPLAINT_RECV"]), start=1):
            for day in sorted(random_day(rng, y, m) for _ in range(int(count))):
                k = int(rng.choice(len(DISPUTED), p=[p for _, p in DISPUTED]))
                unit = pick(rng, options, UNIT_WEIGHTS)
                fresh.append(Item(county=county, item_id=f"{abbr}-TS-{y}-{len(fresh) + 1:03d}", start=day,
                                  owner=unit.key, fields={
                                      "received": day, "source": str(rng.choice(SOURCES, p=SOURCE_WEIGHTS)),
                                      "disputed": DISPUTED[k][0], "handled": None, "result": None,
                                      "unit": unit.ref}))
        items += fresh
        _handle(rng, items, increments(cy["COMPLAINT_DONE"]), y, laggard)
    return items


def _handled_on(it: Item) -> dt.date | None:
    return next((v["handled"] for _, v in it.events if "handled" in v), None)


def _handle(rng, items: list[Item], monthly, y: int, laggard: bool) -> None:
    """Each month's handled count over the leads open by the month's end (any year's), oldest first with the
    disputed ones pushed back; the handling day follows the county's delay, kept within the month."""
    for m, need in enumerate(monthly, start=1):
        first, last = dt.date(y, m, 1), month_end(y, m)
        open_ = [it for it in items if it.start <= last and _handled_on(it) is None]
        if need > len(open_):
            raise RuntimeError(f"complaints of {items[0].county} {y}-{m:02d}: {need} handled, {len(open_)} open")

        def priority(it: Item) -> float:
            return it.start.toordinal() + (HARD_PRIORITY if it.fields["disputed"] else 0.0) + rng.uniform(0, 6)
        for it in sorted(open_, key=priority)[:int(need)]:
            delay = int(rng.integers(*DELAY[laggard])) + (int(rng.integers(*HARD_DELAY)) if it.fields["disputed"] else 0)
            day = clip_day(it.start + dt.timedelta(days=delay), max(first, it.start), last)
            it.change(day, handled=day, result=str(rng.choice(RESULTS[it.fields["disputed"]])))
