"""清欠台账 items for one county: the year-start stock of undisputed debt and the debts confirmed later, whose
amounts add up exactly to the published ARREARS_OWED of every month, repaid along ARREARS_PAID; plus a few
disputed debts (有分歧, outside the rate) that stay open across years.

Repayments go first to ordinary debts; a few "stuck" ones (and in a laggard county more of them, one small debt
among them) are repaid only when nothing else is left, so some items are past their due date and some small
debts (< 10万元) are still open. A year's undisputed items leave the ledger when the next year's list starts."""

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
from loaders.demo_data.ledger_items.names import Namer
from loaders.demo_data.ledger_items.units import CountyUnits, Unit, pick
from loaders.demo_data.randomness import stream

STATUSES = ("投诉", "核实", "受理", "交办", "清偿", "销号")
SOURCES, SOURCE_WEIGHTS = ("国家平台转办", "督查转办", "企业投诉"), (0.5, 0.2, 0.3)
STOCK_ITEM = 2500  # tenths of 万元: the year-start stock is split into items of about 250万元
STOCK_ITEMS = (5, 14)
SMALL = (20, 96)  # tenths: small debts of 2.0–9.5万元 (limits.small_debt is 10万元)
STUCK_SHARE = (0.12, 0.3)  # share of stock items repaid last: ordinary / laggard county
DISPUTED = ((0, 3), (1, 3))  # disputed debts per county: ordinary / laggard (numpy integers' bounds)
DISPUTED_AMOUNT = (400, 9000)  # tenths: 40–900万元
DEBTOR_KEYS = ("zjj", "jtj", "jyj", "wjj", "slj", "nyj", "zrj", "wlj", "fgj")
DEBTOR_WEIGHTS = (6, 4, 3, 2, 2, 2, 1, 1, 1)
DUE_MONTHS = (3, 6, 9, 12)  # commitments fall at quarter ends


def build(seed: int, years: list[CountyYear], units: CountyUnits, laggard: bool) -> list[Item]:
    county = years[0].county
    rng = stream(seed, "ledger_items", "arrears", county)
    namer = Namer(rng)
    debtors = [units.depts[k] for k in DEBTOR_KEYS] + units.towns[:4]
    weights = [*DEBTOR_WEIGHTS, *[1] * len(units.towns[:4])]
    out = _disputed(rng, namer, years[0], debtors, laggard)
    for cy in years:
        out += _year(rng, namer, cy, debtors, weights, laggard)
    return out


def _debtor_text(cy: CountyYear, unit: Unit) -> str:
    return unit.name if unit.kind == "county_dept" else f"{cy.name}{unit.name}人民政府"


def _item(cy: CountyYear, item_id: str, start: dt.date, unit: Unit, namer: Namer, owed: int, disputed: bool,
          due: dt.date | None, status: str, source: str) -> Item:
    return Item(county=cy.county, item_id=item_id, start=start, owner=unit.key, fields={
        "debtor": _debtor_text(cy, unit), "creditor": namer.creditor(), "owed": owed, "disputed": disputed,
        "repaid": 0, "due_date": due, "status": status, "source": source, "unit": unit.ref})


def _disputed(rng, namer, cy: CountyYear, debtors, laggard: bool) -> list[Item]:
    """Disputed debts: on the ledger from some day of the first year, partly repaid or not, never 销号."""
    out = []
    for k in range(int(rng.integers(*DISPUTED[laggard]))):
        start = random_day(rng, cy.year, int(rng.integers(1, 11)))
        owed = int(rng.integers(*DISPUTED_AMOUNT))
        item = _item(cy, f"{COUNTY_ABBR[cy.county]}-QQ-{cy.year}-F{k + 1:02d}", start, pick(rng, debtors), namer,
                     owed, True, None, "核实", str(rng.choice(SOURCES, p=SOURCE_WEIGHTS)))
        if rng.random() < 0.5:
            item.fields["repaid"] = int(owed * rng.uniform(0.1, 0.4))
        item.change(start + dt.timedelta(days=int(rng.integers(10, 40))), status="受理")
        out.append(item)
    return out


def _year(rng, namer, cy: CountyYear, debtors, weights, laggard: bool) -> list[Item]:
    y, abbr = cy.year, COUNTY_ABBR[cy.county]
    owed, paid = cy["ARREARS_OWED"], cy["ARREARS_PAID"]
    items: list[Item] = []
    stuck: set[int] = set()

    def add(amount: int, start: dt.date, stock: bool) -> Item:
        source = str(rng.choice(SOURCES, p=SOURCE_WEIGHTS))
        if stock:
            due = month_end(y, int(rng.choice(DUE_MONTHS)))
            status = "交办" if rng.random() < 0.8 else "受理"
        else:
            due = start + dt.timedelta(days=int(rng.integers(90, 240)))
            status = "投诉" if source == "企业投诉" else "核实"
        item = _item(cy, f"{abbr}-QQ-{y}-{len(items) + 1:03d}", start, pick(rng, debtors, weights), namer, amount,
                     False, due, status, source)
        item.end = dt.date(y + 1, 1, 1)
        items.append(item)
        return item

    # the stock on the ledger on 1 January: a couple of small debts, the rest in items of about STOCK_ITEM
    stock = int(owed[0])
    n_small = 2 if stock > 4 * SMALL[1] else (1 if stock > 2 * SMALL[1] else 0)
    smalls = [int(rng.integers(*SMALL)) for _ in range(n_small)]
    n = int(np.clip(round(stock / STOCK_ITEM), *STOCK_ITEMS))
    big = split_exact(stock - sum(smalls), rng.lognormal(0.0, 0.7, n), minimum=100)
    for k, amount in enumerate([*smalls, *big]):
        it = add(amount, dt.date(y, 1, 1), True)
        if (k == 0 and laggard) or (k >= n_small and rng.random() < STUCK_SHARE[laggard]):
            stuck.add(id(it))  # a laggard county leaves one small debt open
    # debts confirmed during the year: each month's increase of ARREARS_OWED in one to three items
    for m, amount in enumerate(increments(owed)[1:], start=2):
        if amount <= 0:
            continue
        k = 1 if amount < 500 else int(rng.integers(1, 4))
        days = sorted(random_day(rng, y, m) for _ in range(k))
        for part, day in zip(split_exact(int(amount), rng.lognormal(0.0, 0.5, k), minimum=1), days, strict=True):
            if part > 0:
                add(part, day, False)
    _repay(rng, items, stuck, increments(paid), y)
    for it in items:
        _statuses(rng, it)
    return items


def _repay(rng, items: list[Item], stuck: set[int], monthly: np.ndarray, y: int) -> None:
    """Each month's increase of ARREARS_PAID over the items on the ledger by the month's end: ordinary items first
    (a part or all of what is left), the stuck ones only if needed; one payment per item and month."""
    repaid = {id(it): 0 for it in items}
    prio = {id(it): rng.random() + (10.0 if id(it) in stuck else 0.0) for it in items}
    for m, need in enumerate(monthly, start=1):
        need = int(need)
        last = month_end(y, m)
        open_ = sorted((it for it in items if it.start <= last and repaid[id(it)] < it.fields["owed"]),
                       key=lambda it: prio[id(it)])
        pay: dict[int, int] = {}
        for full in (False, True):
            for it in open_:
                if need == 0:
                    break
                if not full and id(it) in stuck:
                    continue
                left = it.fields["owed"] - repaid[id(it)] - pay.get(id(it), 0)
                x = min(left, need) if full else min(left, need, max(1, int(left * rng.uniform(0.25, 1.0))))
                if x > 0:
                    pay[id(it)] = pay.get(id(it), 0) + x
                    need -= x
        if need:
            raise RuntimeError(f"arrears of {items[0].county} {y}-{m:02d}: repaid exceeds owed by {need}")
        for it in open_:
            if id(it) in pay:
                repaid[id(it)] += pay[id(it)]
                low = it.start.day if (it.start.year, it.start.month) == (y, m) else 1
                it.change(random_day(rng, y, m, low), repaid=repaid[id(it)])


def _statuses(rng, it: Item) -> None:
    """Forward along 投诉→核实→受理→交办→清偿→销号: by age while unpaid, 清偿 from the first payment, 销号 a
    while after the debt is fully repaid."""
    steps: list[tuple[dt.date, str]] = []
    day = it.start
    for status in STATUSES[STATUSES.index(it.fields["status"]) + 1:4]:
        day += dt.timedelta(days=int(rng.integers(3, 11)))
        steps.append((day, status))
    payments = sorted(it.events, key=lambda e: e[0])
    if payments:
        steps.append((payments[0][0], "清偿"))
        if payments[-1][1]["repaid"] >= it.fields["owed"]:
            steps.append((payments[-1][0] + dt.timedelta(days=int(rng.integers(5, 21))), "销号"))
    now = STATUSES.index(it.fields["status"])
    for day, status in sorted(steps, key=lambda s: s[0]):
        if STATUSES.index(status) > now:
            now = STATUSES.index(status)
            it.change(day, status=status)
