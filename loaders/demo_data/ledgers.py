"""The key-work ledgers (清欠, 投诉线索, 新增四上, 重点项目; level series from 2024) and their annual plans,
kept by the base units and each prefecture's own city-level departments."""

from dataclasses import dataclass

import numpy as np

from loaders.demo_data.constants import LEDGER_FIRST_YEAR, LONGNAN, PROVINCE
from loaders.demo_data.randomness import stream
from loaders.demo_data.series import Series, seasonal_shares
from loaders.demo_data.world import World

# Assumptions of a plausible order of magnitude; not published figures.
ARREARS_PER_GDP = 0.004  # arrears confirmed in a year, 万元 per 万元 of GDP
ARREARS_SD = 0.5  # log spread of that amount across counties and years
ARREARS_FIRST_MONTH = 0.6  # share of the year's arrears already on the ledger in January
ARREARS_YEARLY_DECLINE = 0.85  # each year less is owed as clearing proceeds
ARREARS_END_RATE = (0.92, 1.0)  # share repaid by December
ARREARS_PACE = (0.8, 1.4)  # repaid share by month m = end rate · (m/12) ** pace: > 1 is back-loaded
COMPLAINTS_PER_MONTH = (0.5, 4.0)  # λ = a + b · sqrt(size / median size)
COMPLAINT_PENDING = (0.35, 0.08)  # share of this month's / last month's complaints still open
SISHANG_PER_YEAR = (1.0, 6.0)  # a + b · (size / median size) ** 0.7 new 四上 enterprises a year
SISHANG_MONTHS = [0.14, 0.12, 0.10, 0.07, 0.07, 0.09, 0.06, 0.06, 0.09, 0.06, 0.06, 0.08]  # 年度入库 early
SISHANG_TARGET_UPLIFT = 1.15  # the target asks for 15 % more than the expected count
SISHANG_ACHIEVEMENT = (0.7, 1.2)  # a county's year: from well behind to ahead of expectations
KEY_PROJ_PER_GDP = 0.2  # key-project plan, 万元 per 万元 of GDP (a third of FAI)
KEY_PROJ_SD = 0.3  # log spread of plans across counties and years
KEY_PROJ_COMPLETION = (0.85, 1.1)  # share of the plan completed by December
KEY_PROJ_LONGNAN_LAG = 0.08  # Longnan completes 8 points less of its plan (seed speeches: behind)
KEY_PROJ_MONTH_SD = 0.1  # log sd of single months around the FAI shape
CITY_LEDGER_SHARE = 0.08  # city-level departments' own ledger relative to their counties


@dataclass
class Ledgers:
    series: dict[str, Series]  # region-level YTD levels (NaN before LEDGER_FIRST_YEAR and for the province)
    plans: dict[str, np.ndarray]  # (regions, years) annual plans: KEY_PROJ and NEW_SISHANG


def ledger_units(world: World) -> tuple[np.ndarray, np.ndarray]:
    """Ledger keepers: the base units plus each prefecture's own city-level departments.

    Returns (sizes in GDP 万元, sum matrix regions × keepers); the province keeps no ledger here.
    """
    units = world.units
    prefs_with_counties = [p for p in world.of_level("prefecture") if p not in set(units.code)]
    city_sizes = [CITY_LEDGER_SHARE * units.gdp[world.units_in(p)].sum() for p in prefs_with_counties]
    sizes = np.concatenate([units.gdp.to_numpy(), city_sizes])
    sums = np.zeros((len(world.codes), len(sizes)))
    sums[:, : len(units)] = world.sums
    for k, p in enumerate(prefs_with_counties):
        sums[world.index(p), len(units) + k] = 1.0
    sums[world.index(PROVINCE)] = np.nan  # no province row for ledgers
    return sizes, sums


def ledger_series(seed: int, world: World) -> Ledgers:
    """Every ledger's region-level YTD levels (from LEDGER_FIRST_YEAR) and the annual plans behind the targets."""
    sizes, sums = ledger_units(world)
    relative = sizes / np.median(world.units.gdp)
    years = world.years
    active = (years >= LEDGER_FIRST_YEAR)[None, :, None]

    def regions_of(keeper_ytd: np.ndarray) -> np.ndarray:
        out = np.einsum("rk,kym->rym", sums, keeper_ytd)
        return np.where(active, out, np.nan)

    owed, paid = arrears(stream(seed, "ledger", "arrears"), sizes, years)
    received, done = complaints(stream(seed, "ledger", "complaints"), relative, years)
    sishang, sishang_plan = new_sishang(stream(seed, "ledger", "sishang"), relative, years)
    key_proj, key_plan = key_projects(stream(seed, "ledger", "key_proj"), world, sizes)
    series = {
        "ARREARS_OWED": Series(cum_level=regions_of(owed)),
        "ARREARS_PAID": Series(cum_level=regions_of(paid)),
        "COMPLAINT_RECV": Series(cum_level=regions_of(received)),
        "COMPLAINT_DONE": Series(cum_level=regions_of(done)),
        "NEW_SISHANG": Series(cum_level=regions_of(sishang)),
        "KEY_PROJ": Series(cum_level=regions_of(key_proj)),
    }
    plans = {"NEW_SISHANG": np.einsum("rk,ky->ry", sums, sishang_plan),
             "KEY_PROJ": np.einsum("rk,ky->ry", sums, key_plan)}
    return Ledgers(series=series, plans=plans)


def arrears(rng: np.random.Generator, sizes: np.ndarray, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Owed: most of the year's arrears are on the ledger in January, the rest confirmed later.
    Paid: a rising share of what is owed, so paid ≤ owed and both only rise within a year."""
    n, ny = len(sizes), len(years)
    decline = ARREARS_YEARLY_DECLINE ** (years - LEDGER_FIRST_YEAR)
    stock = sizes[:, None] * ARREARS_PER_GDP * decline[None, :] * np.exp(ARREARS_SD * rng.standard_normal((n, ny)))
    later = rng.gamma(1.0, size=(n, ny, 12))
    later[:, :, 0] = 0.0
    later = (1 - ARREARS_FIRST_MONTH) * later / later.sum(axis=2, keepdims=True)
    later[:, :, 0] = ARREARS_FIRST_MONTH
    owed = stock[:, :, None] * np.cumsum(later, axis=2)
    end = rng.uniform(*ARREARS_END_RATE, (n, ny, 1))
    pace = rng.uniform(*ARREARS_PACE, (n, ny, 1))
    rate = end * (np.arange(1, 13) / 12.0)[None, None, :] ** pace
    return owed, owed * rate


def complaints(rng: np.random.Generator, relative: np.ndarray, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Received: Poisson a month. Done: all but the still-open recent ones, never more than received."""
    a, b = COMPLAINTS_PER_MONTH
    lam = a + b * np.sqrt(relative)
    monthly = rng.poisson(lam[:, None, None] * np.ones((1, len(years), 12)))
    pending_now, pending_last = COMPLAINT_PENDING
    open_now = rng.binomial(monthly, pending_now)
    open_last = rng.binomial(np.concatenate([np.zeros_like(monthly[:, :, :1]), monthly[:, :, :-1]], axis=2),
                             pending_last)
    received = np.cumsum(monthly, axis=2)
    done = np.maximum.accumulate(np.maximum(received - open_now - open_last, 0), axis=2)
    return received.astype(float), done.astype(float)


def new_sishang(rng: np.random.Generator, relative: np.ndarray, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """New 四上 enterprises: small Poisson counts, more early in the year; plan = expected × uplift."""
    a, b = SISHANG_PER_YEAR
    expected = a + b * relative ** 0.7
    achievement = rng.uniform(*SISHANG_ACHIEVEMENT, (len(relative), len(years)))
    lam = expected[:, None, None] * achievement[:, :, None] * np.array(SISHANG_MONTHS)[None, None, :]
    counts = np.cumsum(rng.poisson(lam), axis=2).astype(float)
    plan = np.repeat(np.maximum(1.0, np.round(expected * SISHANG_TARGET_UPLIFT))[:, None], len(years), axis=1)
    return counts, plan


def key_projects(rng: np.random.Generator, world: World, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Key-project investment: an annual plan completed along the FAI shape (Longnan a little behind)."""
    n = len(sizes)
    ny = len(world.years)
    spread = np.exp(KEY_PROJ_SD * rng.standard_normal((n, ny)))
    plan = np.round(sizes[:, None] * KEY_PROJ_PER_GDP * spread, -2)  # plans are round hundreds of 万元
    low, high = KEY_PROJ_COMPLETION
    in_longnan = np.zeros(n, dtype=bool)
    in_longnan[: len(world.units)] = world.units_in(LONGNAN).to_numpy()
    completion = rng.uniform(low, high, (n, ny)) - KEY_PROJ_LONGNAN_LAG * in_longnan[:, None]
    shares = seasonal_shares(rng, "investment", n, np.full(n, KEY_PROJ_MONTH_SD), world.years)
    return np.cumsum(shares, axis=2) * (plan * completion)[:, :, None], plan
