"""招商引资项目台账 items for one county: projects financed from outside the province whose funds in place this year
(到位资金, 本年累计) add up exactly to the published INVEST_IN of every month, a few in-province projects (not in
INVEST_IN) and projects still being negotiated (洽谈: no contract yet, nothing in place). Projects stay on the
ledger across years; their 到位资金 starts again from zero each January.

Stages move forward 洽谈 → 签约 → 落地 → 开工 → 投产; funds arrive only once a project is signed. The contract is
fixed at signing, above everything the project receives."""

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
from loaders.demo_data.ledger_items.names import INVESTMENT_PROJECTS, Namer
from loaders.demo_data.ledger_items.units import CountyUnits, Unit
from loaders.demo_data.randomness import stream

STAGES = ("洽谈", "签约", "落地", "开工", "投产")
PROJECT_SIZE = 250000  # tenths of 万元: about one outside project per 2.5亿元 of the year's funds, plus
PROJECTS = (6, 20)  # … four, within these bounds
CONTINUING = 0.55  # share of a year's outside projects signed in an earlier year
INSIDE_SHARE = (0.08, 0.25)  # in-province projects' funds relative to INVEST_IN
INSIDE_PROJECTS = (2, 5)
TALKS = (1, 4)  # projects only negotiated this year
CONTRACT_OVER = (1.5, 3.5)  # contract / everything the project receives over the demo's years
STAGE_DAYS = ((20, 60), (40, 120), (150, 320))  # 签约→落地, 落地→开工, 开工→投产


def build(seed: int, years: list[CountyYear], units: CountyUnits, short: str) -> list[Item]:
    county = years[0].county
    rng = stream(seed, "ledger_items", "investment", county)
    namer = Namer(rng, [u.name for u in units.towns])
    owners = _owners(units)
    projects: list[Item] = []
    received: dict[int, int] = {}  # id(item) → tenths received over every year (for the contract)

    def new(start: dt.date, signed: dt.date | None, outside: bool, stage: str) -> Item:
        unit = owners[int(rng.integers(len(owners)))]
        item = Item(county=county, item_id=f"{COUNTY_ABBR[county]}-ZS-{len(projects) + 1:03d}", start=start,
                    owner=unit.key, fields={"project": namer.project(short, INVESTMENT_PROJECTS), "unit": unit.ref,
                                            "signed": None, "contract": 0, "in_place": 0,
                                            "outside_province": outside, "stage": "洽谈"})
        item.meta["signed"] = signed
        if signed is not None and signed <= start:
            item.fields.update(signed=signed, stage=stage)
        elif signed is not None:
            item.change(signed, signed=signed, stage="签约")
        projects.append(item)
        received[id(item)] = 0
        return item

    for cy in years:
        y = cy.year
        funds = cy["INVEST_IN"]
        n = int(np.clip(round(funds[-1] / PROJECT_SIZE) + 4, *PROJECTS))
        first = dt.date(y, 1, 1)
        active = [p for p in projects if p.fields["outside_province"] and p.meta["signed"] is not None]
        n_cont = max(2, int(round(n * CONTINUING))) - len(active)
        for _ in range(max(n_cont, 0)):  # signed before this year: already under way on 1 January
            signed = dt.date(y - 1, int(rng.integers(1, 13)), 1)
            active.append(new(first, signed, True, str(rng.choice(STAGES[2:], p=(0.3, 0.5, 0.2)))))
        for _ in range(max(n - len(active), 2)):  # signed this year, negotiated for a while before
            signed = random_day(rng, y, int(rng.choice(np.arange(1, 11), p=_early(10))))
            talks = max(first, signed - dt.timedelta(days=int(rng.integers(30, 150))))
            active.append(new(talks, signed, True, "签约"))
        weights = {id(p): rng.lognormal(0.0, 0.8) for p in active}
        _allocate(rng, active, weights, increments(funds), y, received)
        inside = [new(first if rng.random() < 0.5 else random_day(rng, y, int(rng.integers(1, 7))),
                      first - dt.timedelta(days=int(rng.integers(30, 400))), False, "开工")
                  for _ in range(int(rng.integers(*INSIDE_PROJECTS)))]
        inside_total = (funds * rng.uniform(*INSIDE_SHARE)).astype(int)
        inside_total = np.maximum.accumulate(inside_total)
        _allocate(rng, inside, {id(p): rng.lognormal(0.0, 0.6) for p in inside}, increments(inside_total), y,
                  received)
        for _ in range(int(rng.integers(*TALKS))):
            new(random_day(rng, y, int(rng.integers(1, 11))), None, True, "洽谈")
    for p in projects:
        _contract_and_stages(rng, p, received[id(p)])
    return projects


def _early(n: int) -> np.ndarray:
    w = np.linspace(1.6, 0.6, n)
    return w / w.sum()


def _owners(units: CountyUnits) -> list[Unit]:
    """Who is responsible for a project, in proportion: the investment teams most, then townships and the
    investment-related departments, now and then a city department."""
    return ([*units.teams] * 4 + units.towns[:6] * 1 + [units.depts[k] for k in ("tcj", "swj", "gxj", "fgj")] * 2
            + [units.city["tcj"]])


def _allocate(rng, projects: list[Item], weights: dict[int, float], monthly, y: int, received: dict[int, int]) -> None:
    """Each month's funds over the projects signed by the month's end (in proportion to their weights), paid on a
    day after signing; 到位资金 is the year's running total."""
    running = {id(p): 0 for p in projects}
    for m, amount in enumerate(monthly, start=1):
        amount = int(amount)
        if amount <= 0:
            continue
        last = month_end(y, m)
        ready = [p for p in projects if p.meta["signed"] <= last]
        if not ready:
            raise RuntimeError(f"investment of {projects[0].county} {y}-{m:02d}: funds but no signed project")
        for p, part in zip(ready, split_exact(amount, [weights[id(p)] for p in ready]), strict=True):
            if part <= 0:
                continue
            running[id(p)] += part
            received[id(p)] += part
            s = p.meta["signed"]
            low = s.day if (s.year, s.month) == (y, m) else 1
            p.change(random_day(rng, y, m, low), in_place=running[id(p)])
    for p in projects:  # 到位资金 is 本年累计: back to zero on 1 January of the next year
        if running[id(p)]:
            p.change(dt.date(y + 1, 1, 1), in_place=0)


def _contract_and_stages(rng, p: Item, total: int) -> None:
    """The contract, written when the project is signed, and the later stages (落地 with the first funds or
    some weeks after signing, then 开工 and 投产)."""
    signed = p.meta["signed"]
    if signed is None:
        return
    contract = int(np.ceil(max(total, 1000) * rng.uniform(*CONTRACT_OVER) / 1000.0)) * 1000  # whole 100万元
    if p.fields["signed"] is not None:
        p.fields["contract"] = contract
    else:
        p.events = [(d, v | ({"contract": contract} if "signed" in v else {})) for d, v in p.events]
    stage = STAGES.index(p.fields["stage"]) if p.fields["signed"] is not None else 1
    day = max(signed, p.start)
    for k in range(stage + 1, len(STAGES)):
        day += dt.timedelta(days=int(rng.integers(*STAGE_DAYS[k - 2])))
        p.change(day, stage=STAGES[k])
