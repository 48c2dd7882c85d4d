"""重点项目台账 items for one county: the year's projects, whose annual planned investment adds up exactly to the
county's plan (the KEY_PROJ target) and whose investment completed this year (本年完成投资) adds up exactly to the
published KEY_PROJ of every month. Continuing projects (续建) are under way on 1 January; new ones (新建) start
around their planned start date, except a few that have not started long after it (more in a laggard county).
A project that is finished (竣工) leaves next year's list; the others continue with next year's plan."""

from __future__ import annotations

import datetime as dt

import numpy as np

from loaders.demo_data.ledger_items.base import (
    COUNTY_ABBR,
    CountyYear,
    Item,
    increments,
    month_end,
    random_day,
    split_exact,
)
from loaders.demo_data.ledger_items.names import KEY_PROJECTS, Namer
from loaders.demo_data.ledger_items.units import CountyUnits
from loaders.demo_data.randomness import stream

PROJECT_PLAN = 150000  # tenths of 万元: about one project per 1.5亿元 of the plan, plus
PROJECTS = (6, 18)  # … three, within these bounds
CONTINUING = 0.5
MIN_PLAN = 10000  # tenths: no key project plans less than 1,000万元 a year
PLAN_STEP = 1000  # plans are whole 100万元
LATE = ((1, 2), (2, 4))  # new projects far behind their planned start: ordinary / laggard county
START_LAG = (0, 30)  # days from the planned to the actual start
LATE_LAG = (100, 260)


def build(seed: int, years: list[CountyYear], plans: dict[int, int], units: CountyUnits, short: str,
          laggard: bool) -> list[Item]:
    county = years[0].county
    rng = stream(seed, "ledger_items", "key_projects", county)
    namer = Namer(rng, [u.name for u in units.towns])
    owners: dict = {**units.depts, "towns": units.towns[:3]}  # a project's lead department, or a township
    projects: list[Item] = []
    carried: list[Item] = []
    for cy in years:
        y = cy.year
        first = dt.date(y, 1, 1)
        plan = plans[y]
        n = int(np.clip(round(plan / PROJECT_PLAN) + 3, *PROJECTS))
        this_year = list(carried)
        for _ in range(max(2, int(round(n * CONTINUING))) - len(this_year)):  # under way before this year
            this_year.append(_new(rng, namer, projects, county, short, owners, first,
                                  dt.date(y - 1, int(rng.integers(3, 11)), 1), started=first))
        n_late = int(rng.integers(*LATE[laggard]))
        new = max(n - len(this_year), n_late + 1)
        for k in range(new):
            planned_start = random_day(rng, y, int(rng.integers(2, 9)))
            lag = LATE_LAG if k < n_late else START_LAG
            started = planned_start + dt.timedelta(days=int(rng.integers(*lag)))
            this_year.append(_new(rng, namer, projects, county, short, owners, first, planned_start, started))
        shares = split_exact(plan, rng.lognormal(0.0, 0.6, len(this_year)), minimum=MIN_PLAN, step=PLAN_STEP)
        again = {id(p) for p in carried}
        for p, planned in zip(this_year, shares, strict=True):
            if id(p) in again:
                p.change(first, planned=planned, completed=0)
            else:
                p.fields["planned"] = planned
            if first < p.meta["started"] <= month_end(y, 12):
                p.change(p.meta["started"], start_state="已开工")
        finishing = [p for p in this_year if p.meta["started"] <= first]
        finish = {id(finishing[0]): int(rng.integers(5, 11))} if finishing and rng.random() < 0.7 else {}
        _complete(rng, this_year, increments(cy["KEY_PROJ"]), y, finish)
        carried = []
        for p in this_year:
            if p.meta.get("finished"):
                p.end = dt.date(y + 1, 1, 1)
                continue
            if p.meta["started"] > month_end(y, 12):  # not started this year: planned again for next year
                start = random_day(rng, y + 1, int(rng.integers(2, 7)))
                p.meta["started"] = start + dt.timedelta(days=int(rng.integers(*START_LAG)))
                p.change(dt.date(y + 1, 1, 1), planned_start=start)
            carried.append(p)
    return projects


def _new(rng, namer, projects, county, short, owners, first: dt.date, planned_start: dt.date,
         started: dt.date) -> Item:
    what, dept = KEY_PROJECTS[int(rng.integers(len(KEY_PROJECTS)))]
    unit = owners[dept] if rng.random() < 0.8 else owners["towns"][int(rng.integers(len(owners["towns"])))]
    item = Item(county=county, item_id=f"{COUNTY_ABBR[county]}-ZD-{len(projects) + 1:03d}", start=first,
                owner=unit.key, fields={"project": namer.project(short, (), what), "unit": unit.ref,
                                        "leader": namer.leader(county), "planned": 0, "completed": 0,
                                        "start_state": "已开工" if started <= first else "未开工",
                                        "planned_start": planned_start})
    item.meta["started"] = started
    projects.append(item)
    return item


def _complete(rng, projects: list[Item], monthly, y: int, finish: dict[int, int]) -> None:
    """Each month's investment over the projects started by the month's end and not finished, in proportion to
    their plans; a finishing project stops after its month and is 竣工 some days after its last payment."""
    running = {id(p): 0 for p in projects}
    last_paid: dict[int, dt.date] = {}
    for m, amount in enumerate(monthly, start=1):
        amount = int(amount)
        last = month_end(y, m)
        ready = [p for p in projects if p.meta["started"] <= last and finish.get(id(p), 13) >= m]
        if amount <= 0:
            continue
        if not ready:
            raise RuntimeError(f"key projects of {projects[0].county} {y}-{m:02d}: investment but no project started")
        for p, part in zip(ready, split_exact(amount, [p.fields["planned"] or 1 for p in ready]), strict=True):
            if part <= 0:
                continue
            running[id(p)] += part
            s = p.meta["started"]
            day = random_day(rng, y, m, s.day if (s.year, s.month) == (y, m) else 1)
            p.change(day, completed=running[id(p)])
            last_paid[id(p)] = max(day, last_paid.get(id(p), day))
    for p in projects:
        if id(p) in finish and id(p) in last_paid:
            p.change(last_paid[id(p)] + dt.timedelta(days=int(rng.integers(3, 21))), start_state="竣工")
            p.meta["finished"] = True
