"""Annual tasks of the units below the county (data/unit_measures.toml) and their weekly reports to the ledgers.

Tasks follow the ledgers: 清偿拖欠账款 (repaid) is each debtor's undisputed stock on 1 January, so the county's tasks
add up to its ARREARS_PAID target; 重点项目完成投资 (completed) is Σ 年度计划投资 of the unit's projects (the KEY_PROJ
target); 新增入库“四上”企业 shares the NEW_SISHANG target over the pipeline's units; 到位资金 (in_place) shares the
INVEST_IN target over the units in proportion to what their projects bring in this year; 签约项目数 (signed) for the
investment teams and townships with projects. Two townships per county are given an 到位资金 and a 四上 task with
no project at all.

Reports (上报记录): a unit with a task and no item in a ledger's snapshot reports “本期无新增” — or does not. Each week
most do; at every month's end and in the last week the first such unit of a county does not (未上报) and the second
does (未破零), so both lists are there now and before, and the change since last week shows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from loaders.demo_data.ledger_items.base import Item, month_end, split_exact
from loaders.demo_data.ledger_items.units import CountyUnits, Unit
from loaders.demo_data.randomness import stream

REPORT_CHANCE = 0.7  # a silent unit's chance to report in an ordinary week
SILENT_TOWNS = 2  # townships per county with tasks and no project
SILENT_IN_PLACE = 0.03  # share of the county's 到位资金 target each of them is given
TASK_STEP = 1000  # tenths: 到位资金 tasks are whole 100万元
SIGNED_TASK = {"investment_team": (2, 5), "township": (1, 2)}
MEASURE_LEDGER = {"in_place": "investment", "signed": "investment", "completed": "key_projects",
                  "new_sishang": "sishang", "repaid": "arrears"}


def owners_in(items: list[Item], year: int) -> dict[tuple[str, str], list[Item]]:
    """unit key → its items on the ledger at some time of the year."""
    out: dict[tuple[str, str], list[Item]] = defaultdict(list)
    first, last = dt.date(year, 1, 1), month_end(year, 12)
    for it in items:
        if it.owner and it.start <= last and (it.end is None or it.end > first):
            out[it.owner].append(it)
    return out


def silent_towns(units: CountyUnits, investment: list[Item]) -> list[Unit]:
    busy = {it.owner for it in investment}
    return [u for u in units.towns if u.key not in busy][-SILENT_TOWNS:]


def county_tasks(year: int, units: CountyUnits, items: dict[str, list[Item]], targets: dict[str, int],
                 seed: int) -> list[tuple[int, tuple[str, str], str, float]]:
    """(year, unit key, measure, value) of one county's year; `targets` in tenths (万元) or counts."""
    rng = stream(seed, "ledger_items", "tasks", units.county, str(year))
    rows = []
    first, last = dt.date(year, 1, 1), month_end(year, 12)
    arrears = owners_in(items["arrears"], year)
    for key, its in sorted(arrears.items()):
        stock = sum(it.fields["owed"] for it in its if not it.fields["disputed"] and it.start == first)
        if stock:
            rows.append((year, key, "repaid", stock / 10))
    for key, its in sorted(owners_in(items["key_projects"], year).items()):
        planned = sum(it.at(last)["planned"] for it in its)
        rows.append((year, key, "completed", planned / 10))
    silent = silent_towns(units, items["investment"])
    pipeline = owners_in(items["sishang"], year)
    keys = sorted(pipeline) + [u.key for u in silent]
    weights = [len(pipeline[k]) for k in sorted(pipeline)] + [1] * len(silent)
    for key, n in zip(keys, split_exact(targets["NEW_SISHANG"], weights), strict=True):
        if n:
            rows.append((year, key, "new_sishang", float(n)))
    invest = owners_in(items["investment"], year)
    got = {k: sum((it.at(last) or {}).get("in_place", 0) for it in its) for k, its in invest.items()}
    total = max(sum(got.values()), 1)
    floor = SILENT_IN_PLACE * total
    keys = sorted(got) + [u.key for u in silent]
    weights = [max(got[k], floor) for k in sorted(got)] + [floor] * len(silent)
    goal = int(round(targets["INVEST_IN"] / TASK_STEP)) * TASK_STEP
    for key, value in zip(keys, split_exact(goal, weights, step=TASK_STEP), strict=True):
        if value:
            rows.append((year, key, "in_place", value / 10))
    kinds = {u.key: u.kind for u in [*units.all, *units.city.values()]}
    for key in sorted(invest):
        if kinds[key] in SIGNED_TASK:
            rows.append((year, key, "signed", float(rng.integers(*SIGNED_TASK[kinds[key]]))))
    return rows


def reports(dates: list[dt.date], snapshot, tasks: list[tuple[int, tuple[str, str], str, float]],
            seed: int) -> dict[dt.date, list[tuple[str, dt.date, str, str]]]:
    """date → (ledger code, date, parent region, unit name) of the silent units that reported that day.
    `snapshot(kind, day)` gives the (item, cells) of a kind's snapshot."""
    rng = stream(seed, "ledger_items", "reports")
    tasked: dict[tuple[int, str], set[tuple[str, str]]] = defaultdict(set)  # (year, ledger) → units with a task
    for year, key, measure, value in tasks:
        if value > 0:
            tasked[(year, MEASURE_LEDGER[measure])].add(key)
    out = {}
    for day in dates:
        forced = day == dates[-1] or day == month_end(day.year, day.month)
        rows = []
        for ledger in sorted({led for _, led in tasked}):
            present = {it.owner for it, _ in snapshot(ledger, day)}
            silent = sorted(tasked.get((day.year, ledger), set()) - present)
            by_parent: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for key in silent:
                by_parent[key[0]].append(key)
            for _parent, keys in sorted(by_parent.items()):
                for k, key in enumerate(keys):
                    said = (k != 0) if forced and len(keys) > 1 else rng.random() < REPORT_CHANCE
                    if said:
                        rows.append((ledger, day, *key))
        out[day] = rows
    return out

