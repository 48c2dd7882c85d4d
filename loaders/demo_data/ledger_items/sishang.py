"""“四上”企业培育台账 items for one county: the year's pipeline. Enterprises entering the statistics (已入库) add up
exactly to the published NEW_SISHANG of every month; the others (培育中, 已申报) keep the pipeline at least as
large as the year's target, some past their expected month. Next January the entered ones leave the ledger and
the others stay in the new year's pipeline, where some of them enter first."""

from __future__ import annotations

import datetime as dt

from loaders.demo_data.ledger_items.base import COUNTY_ABBR, CountyYear, Item, increments, random_day
from loaders.demo_data.ledger_items.names import Namer
from loaders.demo_data.ledger_items.units import CountyUnits
from loaders.demo_data.randomness import stream

TYPES = ("规上工业", "限上批零住餐", "规上服务业", "资质内建筑业", "房地产开发")
TYPE_WEIGHTS = (0.3, 0.35, 0.15, 0.12, 0.08)
TYPE_UNIT = {"规上工业": "gxj", "限上批零住餐": "swj", "规上服务业": "fgj", "资质内建筑业": "zjj", "房地产开发": "zjj"}
EXTRA = (1, 5)  # candidates beyond max(target, entries) that do not enter this year
DECLARE_BEFORE = (10, 45)  # days from 已申报 to 已入库
ON_LEDGER_BEFORE = (40, 200)  # days a candidate is on the ledger before it is declared
CARRIED_FIRST = 0.6  # chance that a month's entry is a candidate carried from last year


def build(seed: int, years: list[CountyYear], targets: dict[int, int], units: CountyUnits, short: str) -> list[Item]:
    county = years[0].county
    rng = stream(seed, "ledger_items", "sishang", county)
    namer = Namer(rng)
    items: list[Item] = []
    waiting: list[Item] = []  # candidates not yet entered, carried into the next year

    def new(start: dt.date) -> Item:
        kind = str(rng.choice(TYPES, p=TYPE_WEIGHTS))
        unit = units.depts[TYPE_UNIT[kind]] if rng.random() < 0.8 else units.towns[int(rng.integers(len(units.towns)))]
        item = Item(county=county, item_id=f"{COUNTY_ABBR[county]}-SS-{len(items) + 1:03d}", start=start,
                    owner=unit.key, fields={"enterprise": namer.enterprise(short, kind), "type": kind,
                                            "expected_month": f"{start.year}-12", "state": "培育中",
                                            "unit": unit.ref})
        items.append(item)
        return item

    for cy in years:
        y = cy.year
        first = dt.date(y, 1, 1)
        entered = 0
        for m, count in enumerate(increments(cy["NEW_SISHANG"]), start=1):
            for _ in range(int(count)):
                day = random_day(rng, y, m, 5)
                carried = [w for w in waiting if w.start < first]
                if carried and rng.random() < CARRIED_FIRST:
                    item = carried[int(rng.integers(len(carried)))]
                    waiting.remove(item)
                else:
                    item = new(max(first, day - dt.timedelta(days=int(rng.integers(*ON_LEDGER_BEFORE)))))
                declared = max(item.start, day - dt.timedelta(days=int(rng.integers(*DECLARE_BEFORE))))
                item.change(first if item.start < first else item.start, expected_month=f"{y}-{m:02d}")
                if declared > item.start:
                    item.change(declared, state="已申报")
                item.change(day, state="已入库")
                item.end = dt.date(y + 1, 1, 1)
                entered += 1
        extra = max(targets[y], entered) - entered + int(rng.integers(*EXTRA))
        for _ in range(max(extra - len(waiting), 0)):
            waiting.append(new(first if rng.random() < 0.5 else random_day(rng, y, int(rng.integers(1, 10)))))
        for item in waiting:  # expected this year (some already past) or next; a few already declared
            month = int(rng.integers(6, 13))
            when = f"{y}-{month:02d}" if rng.random() < 0.7 else f"{y + 1}-{int(rng.integers(1, 7)):02d}"
            item.change(max(first, item.start), expected_month=when)
            if rng.random() < 0.3:
                item.change(max(item.start, random_day(rng, y, int(rng.integers(7, 11)))), state="已申报")
    return items

