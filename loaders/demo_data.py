"""A simulated Gansu province (模拟数据) for the demo: every uploaded indicator of the catalogue for the
86 counties, 14 prefectures and the province, 2021-01 to 2026-10, plus annual targets for 2025 and 2026.

Deterministic: one seed, one numpy Generator per concern. Magnitudes, growth bands and seasonal shapes
follow ../shared/reference/statistics.md; no value is a published figure. The committed files under
data/demo/ are exactly what `write()` produces: regenerate them with `python -m loaders.demo_data`.
"""

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from loaders import catalogue as catalogue_mod
from loaders import regions as regions_mod
from loaders.cells import decode, period_label
from loaders.settings import DATA_DIR

SEED = 20261123
DEMO_DIR = DATA_DIR / "demo"
NOTE = "模拟数据"

# Time span. Today is November 2026: October figures are in and 2026Q3 is the last closed quarter.
FIRST_YEAR, LAST_YEAR, LAST_MONTH = 2021, 2026, 10
BASE_YEAR = FIRST_YEAR - 1  # hidden: the growth of 2021 needs the levels of 2020
YEARS = np.arange(BASE_YEAR, LAST_YEAR + 1)
ANCHOR_YEAR = 2025  # statistics.md's magnitudes are read as the annual values of the last full year
LEDGER_FIRST_YEAR = 2024  # the key-work ledgers (清欠, 投诉, 四上, 重点项目) start in 2024
TARGET_YEARS = (2025, 2026)

PROVINCE = regions_mod.PROVINCE
LONGNAN = "621200"
OBS_COLUMNS = ["region_code", "region_name", "period", "indicator", "measure", "value", "unit", "note"]
TARGET_COLUMNS = ["region_code", "region_name", "year", "indicator", "kind", "value", "unit", "note"]
INTEGER_UNITS = ("元", "家", "件")  # published without decimals; 万元 and 万千瓦时 with one


# ---------------------------------------------------------------- the province's shape


@dataclass(frozen=True)
class Prefecture:
    gdp: float  # annual GDP in 2025, 亿元: a rough relative size (Longnan ≈ 600亿, statistics.md)
    industry: float  # industrial weight relative to an average prefecture (1.0)
    urban: float  # mean urban per-capita disposable income of its counties in 2025, 元
    rural: float  # the same for rural income, 元
    momentum: float  # growth tilt in units of the between-county spread; Longnan last (seed speeches)


# Rough simulation assumptions in the spirit of statistics.md (Lanzhou much larger, 嘉峪关/金昌 heavy
# industry, Longnan/临夏/甘南 poor and slow); not published figures.
PREFECTURES = {
    "620100": Prefecture(gdp=3700, industry=1.0, urban=50000, rural=19500, momentum=0.3),  # 兰州
    "620200": Prefecture(gdp=380, industry=2.5, urban=54000, rural=25000, momentum=0.0),  # 嘉峪关
    "620300": Prefecture(gdp=560, industry=2.5, urban=50000, rural=22000, momentum=0.4),  # 金昌
    "620400": Prefecture(gdp=760, industry=1.4, urban=41000, rural=15000, momentum=-0.1),  # 白银
    "620500": Prefecture(gdp=900, industry=0.9, urban=39000, rural=13000, momentum=0.2),  # 天水
    "620600": Prefecture(gdp=760, industry=0.9, urban=40000, rural=18000, momentum=0.1),  # 武威
    "620700": Prefecture(gdp=660, industry=0.8, urban=39000, rural=20000, momentum=0.2),  # 张掖
    "620800": Prefecture(gdp=680, industry=1.1, urban=40000, rural=14000, momentum=0.0),  # 平凉
    "620900": Prefecture(gdp=950, industry=1.3, urban=47000, rural=24000, momentum=0.6),  # 酒泉
    "621000": Prefecture(gdp=1100, industry=1.5, urban=42000, rural=14500, momentum=0.5),  # 庆阳
    "621100": Prefecture(gdp=640, industry=0.7, urban=36500, rural=12500, momentum=-0.2),  # 定西
    "621200": Prefecture(gdp=600, industry=0.6, urban=34250, rural=12050, momentum=-1.0),  # 陇南
    "622900": Prefecture(gdp=450, industry=0.5, urban=33000, rural=11000, momentum=-0.3),  # 临夏
    "623000": Prefecture(gdp=280, industry=0.4, urban=37000, rural=13000, momentum=-0.5),  # 甘南
}

# Longnan's counties by share of the city's GDP: 武都 the seat, 成县/徽县 mining and industry, 两当
# tiny (it swings hard, statistics.md). Shares are assumptions for the simulation.
LONGNAN_SHARES = {
    "621202": 0.24, "621221": 0.15, "621222": 0.09, "621223": 0.07, "621224": 0.07,
    "621225": 0.10, "621226": 0.11, "621227": 0.13, "621228": 0.04,
}
# Longnan's incomes in 2025, 元: statistics.md gives urban 32,000–36,500 and rural 10,600–13,500.
LONGNAN_URBAN = (32500.0, 36000.0)
LONGNAN_RURAL = (10800.0, 13300.0)
SEAT_WEIGHT = 2.5  # the prefecture seat (first district) is about 2.5 times a typical county
COUNTY_SIZE_SD = 0.35  # log spread of county sizes within a prefecture
INCOME_SPREAD = 0.05
ROUNDNESS_SD = 0.02  # a little noise on every size so no simulated figure comes out round  # county incomes within a prefecture, relative sd


# ---------------------------------------------------------------- seasonal shapes (single months, % of the year)

# statistics.md: retail 1–2月 ≈ 16–17 % of the year then ≈ 8 % a month; FAI 1–2月 only 6–10 % with
# mid-year and Q4 peaks; budget revenue front-loaded (H1 ≈ 50–55 %); income Q1 ≈ 28 %, H1 ≈ 50 %,
# Q1–3 ≈ 74 %. Quarterly series are spread evenly over the quarter's months and published at its end.
# GDP (20/44/70 %), industry, services, electricity and investment attraction are assumptions.
SHAPES = {
    "retail": [8.5, 8.0, 7.8, 7.7, 8.2, 8.3, 7.9, 8.0, 8.4, 8.9, 9.0, 9.3],
    "investment": [2.5, 5.0, 8.0, 8.5, 9.5, 12.0, 7.5, 8.0, 10.0, 9.0, 10.0, 10.0],
    "budget": [11.0, 7.0, 9.0, 10.0, 8.0, 8.0, 8.0, 6.5, 8.0, 8.0, 7.5, 9.0],
    "income": [28 / 3] * 3 + [22 / 3] * 3 + [24 / 3] * 3 + [26 / 3] * 3,
    "gdp": [20 / 3] * 3 + [24 / 3] * 3 + [26 / 3] * 3 + [30 / 3] * 3,
    "industry": [8.0, 6.5, 8.5, 8.5, 8.5, 8.5, 8.5, 8.5, 8.5, 8.5, 8.5, 9.0],
    "electricity": [9.5, 8.0, 8.3, 7.8, 7.8, 7.9, 8.5, 8.5, 7.8, 8.0, 8.6, 9.3],
    "attraction": [4.0, 4.0, 8.0, 8.0, 8.5, 11.0, 7.5, 8.0, 10.0, 9.0, 10.0, 12.0],
}

# Epidemic dips as a share of a normal month's activity (2020 Q1, Lanzhou's autumn 2022), scaled per
# indicator by Spec.shock. They give 2021's early-month rebound (1–2月 retail ≈ +30 %) and 2023's
# late-year base effect; shape only, not published figures.
EPIDEMIC_DIPS = {(2020, 1): 0.15, (2020, 2): 0.25, (2020, 3): 0.12, (2020, 4): 0.04,
                 (2022, 10): 0.04, (2022, 11): 0.10, (2022, 12): 0.06}


# ---------------------------------------------------------------- growth specifications


@dataclass(frozen=True)
class Spec:
    shape: str  # key of SHAPES
    mean: float  # typical annual growth, % (centre of statistics.md's typical band)
    between: float  # sd of persistent differences between counties, percentage points
    year: float  # sd of a county's year-to-year noise, pp
    month: float  # log sd of single-month noise: early YTD growth swings, December settles
    ratio: float = 1.0  # 2025 annual level per 万元 of GDP (catalogue unit) in an average prefecture
    industry_power: float = 0.0  # how strongly the prefecture's industrial weight applies
    anchor_sd: float = 0.0  # log spread of that ratio across counties
    shock: float = 0.0  # strength of EPIDEMIC_DIPS
    tail: float = 0.0  # probability of a tail year (a big project starts, a plant closes)
    tail_pp: float = 0.0  # typical size of a tail year, pp
    swings: bool = False  # small counties swing harder (industrial series, statistics.md)
    per_capita: str = ""  # "urban" / "rural": a per-capita level, averaged (not summed) upwards


# Typical YTD growth (statistics.md): GDP 4–7 %, IVA 3–12 % (tails −20…+30), FAI −10…+15 (tails
# −35…+60), retail 4–7 %, budget revenue 0–10 %, investment attraction 10–30 % (tails −20…+80),
# urban income 4.5–6 %, rural 6.5–8 %. Ratios: Longnan GDP 600亿, retail 200亿 (0.34), county budget
# revenue 0.8–7亿 (≈ 4.5 % of GDP); the others are assumptions of a plausible order of magnitude.
SPECS = {
    "GDP": Spec("gdp", mean=5.5, between=0.8, year=0.7, month=0.01, shock=0.5),
    "IVA": Spec("industry", mean=6.5, between=2.5, year=3.0, month=0.06, ratio=0.22, industry_power=1.0,
                anchor_sd=0.3, shock=0.8, tail=0.03, tail_pp=18.0, swings=True),
    "FAI": Spec("investment", mean=3.0, between=4.0, year=7.0, month=0.12, ratio=0.55, industry_power=0.3,
                anchor_sd=0.3, shock=1.2, tail=0.04, tail_pp=30.0, swings=True),
    "RETAIL": Spec("retail", mean=5.5, between=0.7, year=0.6, month=0.015, ratio=0.34, anchor_sd=0.15,
                   shock=1.0),
    "INVEST_IN": Spec("attraction", mean=18.0, between=5.0, year=8.0, month=0.15, ratio=0.45,
                      industry_power=0.3, anchor_sd=0.35, shock=1.0, tail=0.04, tail_pp=35.0, swings=True),
    "GPBR": Spec("budget", mean=5.0, between=2.0, year=3.0, month=0.05, ratio=0.045, industry_power=0.3,
                 anchor_sd=0.15, shock=0.5, tail=0.02, tail_pp=15.0),
    "URB_INC": Spec("income", mean=5.3, between=0.3, year=0.3, month=0.01, shock=0.3, per_capita="urban"),
    "RUR_INC": Spec("income", mean=7.2, between=0.35, year=0.35, month=0.01, shock=0.2, per_capita="rural"),
    "IND_REV": Spec("industry", mean=6.0, between=4.0, year=6.0, month=0.06, ratio=0.55, industry_power=1.0,
                    anchor_sd=0.35, shock=0.8, tail=0.03, tail_pp=25.0, swings=True),
    "SVC_REV": Spec("industry", mean=7.0, between=3.0, year=5.0, month=0.06, ratio=0.07, anchor_sd=0.3,
                    shock=0.8, tail=0.02, tail_pp=20.0, swings=True),
    "ELEC": Spec("electricity", mean=5.0, between=2.5, year=4.0, month=0.04, ratio=0.09, industry_power=1.2,
                 anchor_sd=0.3, shock=0.4, tail=0.02, tail_pp=18.0, swings=True),
}

# The recent cycle, added to every county's annual growth (pp): 2021 rebound, 2022 epidemic, 2025
# investment slowdown. Rough shape only.
YEAR_EFFECTS = {
    "GDP": {2021: 1.5, 2022: -1.5, 2023: 0.5, 2026: -0.3},
    "IVA": {2021: 2.0, 2023: 0.5, 2024: 1.0, 2025: 0.5},
    "FAI": {2021: 4.0, 2022: 6.0, 2023: 2.0, 2025: -2.0, 2026: 3.0},
    "RETAIL": {2021: 3.0, 2022: -4.0, 2023: 1.5, 2024: -0.5},
    "URB_INC": {2021: 2.0, 2022: -0.8},
    "RUR_INC": {2021: 2.5, 2022: -0.8},
}

# GDP growth is real (comparable prices), the level current prices: real minus nominal growth, pp,
# roughly the sign and size of the GDP deflator in those years. Other series: the comparable base only.
GDP_REAL_MINUS_NOMINAL = {2021: -3.0, 2022: -1.5, 2023: 0.5, 2024: 0.8, 2025: 1.0, 2026: 0.6}
COMPARABLE_BASE_SD = 0.2  # pp: published growth vs the ratio of published levels (statistics.md)
SMALL_COUNTY_SWING = (0.5, 0.7, 2.5)  # vol = (median size / size) ** 0.5, clipped to [0.7, 2.5]
MOMENTUM_WEIGHT = 0.6  # how much of the between-county spread the prefecture tilt explains
COUNTY_WEIGHT = 0.8  # and how much is the county's own (together about one spread)
GROWTH_FLOOR = -50.0  # a county's annual level never falls by more than half
PREFECTURE_NOISE = 0.3  # per-indicator prefecture tilt on top of the momentum, in spread units

# The seed speeches' storyline for Longnan in 2026 (annual growth, %): counties in the bottom half on
# FAI, investment attraction and retail; 西和 with falling FAI and 两当 with falling industry.
LONGNAN_2026 = {
    #          FAI   IVA  RETAIL INVEST_IN
    "621202": (3.0, 6.5, 4.4, 12.0),  # 武都
    "621221": (10.0, 8.0, 4.6, 15.0),  # 成县: Longnan's industrial county
    "621222": (2.0, 5.0, 3.8, 8.0),  # 文县
    "621223": (1.5, 4.5, 3.5, 6.0),  # 宕昌
    "621224": (2.5, 5.5, 4.0, 10.0),  # 康县
    "621225": (-16.0, 3.0, 3.4, 4.0),  # 西和: a large project finished last year
    "621226": (1.0, 4.0, 3.6, 7.0),  # 礼县
    "621227": (4.0, 7.0, 4.3, 13.0),  # 徽县
    "621228": (2.0, -14.0, 3.3, 5.0),  # 两当: its main plant under maintenance
}
LONGNAN_2026_CODES = ("FAI", "IVA", "RETAIL", "INVEST_IN")

# Industrial profit: margin = profit / revenue, 3–9 % (statistics.md), mean-reverting year to year.
MARGIN_RANGE = (3.0, 9.0)
MARGIN_AR = 0.6  # persistence of a county's margin deviation
MARGIN_SD = 0.15  # log sd of the yearly margin shock (× small-county swing)
PROFIT_MONTH_SD = 0.15
PROFIT_SHOCK = 2.0  # profits fell hardest in 2020 Q1

# Tax share of budget revenue, % (catalogue ratio_band 20–100): county level, higher early in the year.
TAX_SHARE_RANGE = (55.0, 80.0)
TAX_SHARE_EARLY = 4.0  # pp above the year's level in January, fading to 0 by December
TAX_SHARE_CLIP = (30.0, 95.0)
TAX_SHARE_YEAR_SD, TAX_SHARE_MONTH_SD = 2.0, 0.8  # pp

# City totals are not the sum of counties (city-level units, unified accounting): 1–4 % for a
# prefecture, 0.5–2 % for the province (statistics.md); drifting a little from year to year.
PREFECTURE_GAP = (0.01, 0.04)
PROVINCE_GAP = (0.005, 0.02)
GAP_DRIFT = 0.001


# ---------------------------------------------------------------- key-work ledgers (assumptions)

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

# ---------------------------------------------------------------- targets

# Growth targets (%): the province's centre for the year, moved towards each region's last result,
# rounded to 0.5 like real work reports. Centres are ambitious, as targets are.
TARGET_GROWTH = {  # code: (centre 2025, centre 2026, max distance from the centre)
    "GDP": (6.0, 5.5, 1.0), "IVA": (8.0, 7.5, 3.0), "FAI": (8.0, 7.0, 5.0), "RETAIL": (6.5, 6.0, 1.0),
    "GPBR": (6.0, 5.5, 3.0), "URB_INC": (6.0, 5.5, 0.5), "RUR_INC": (7.5, 7.0, 0.5),
    "INVEST_IN": (20.0, 18.0, 8.0),
}
TARGET_PULL = 0.3  # weight of a region's last result relative to its peers
TARGET_LEVEL_FROM_GROWTH = ("GPBR", "INVEST_IN")  # level = last year × (1 + growth target)

# ---------------------------------------------------------------- missing values and revisions

N_MISSING = 8  # county-months simply absent (statistics.md: missing is missing, never zero)
SCRIPTED_MISSING = (("621228", "ELEC", "2026-10"),)  # 两当's electricity late: a "—" on the 月报
REVISION_PERIODS = ("2026-08", "2026-09")
N_REVISED_LEVELS = 8  # level+growth pairs re-stated by firms' corrections
N_REVISED_GROWTHS = 4  # growth-only series re-stated
SCRIPTED_REVISIONS = (("621221", "IND_REV", "2026-09"), ("621227", "IVA", "2026-08"))
REVISION_SIZE = (0.003, 0.02)  # relative change of a revised level
REVISION_PP = (0.2, 1.0)  # change of a revised growth-only value, pp

# ---------------------------------------------------------------- the bureau-style sheets

WIDE_CODES = ("IVA", "FAI", "RETAIL", "INVEST_IN", "GPBR", "IND_REV", "IND_PROFIT", "SVC_REV", "ELEC")
WIDE_QUARTERLY = ("GDP", "URB_INC", "RUR_INC")
MONTH_SHEETS = (("IVA", "cum_yoy"), ("FAI", "cum_yoy"), ("RETAIL", "cum_level"), ("RETAIL", "cum_yoy"))
HEADER_UNITS = {"元": "(元)", "万千瓦时": "(万千瓦时)"}  # non-万元 levels carry their unit in the header
MISSING_MARK = "—"
FOOTNOTE = "注：本表为模拟数据，仅供演示。位次为全市排位。"
FIXED_TIME = datetime(2026, 11, 23, 9, 0, 0)  # xlsx timestamps, so the bytes are reproducible


# ================================================================ structure


@dataclass(frozen=True)
class World:
    """The province's fixed structure: output regions, base units, and how units add up to regions."""

    codes: list[str]  # output regions in regions.csv order: province, prefectures, counties
    names: dict[str, str]
    units: pd.DataFrame  # base units: the 86 counties and 嘉峪关 (a prefecture without counties)
    sums: np.ndarray  # (regions, units): 1 where a unit belongs to a region
    means: np.ndarray  # (regions, units): population weights, rows summing to 1 (per-capita series)
    level: np.ndarray  # (regions,) province / prefecture / county

    def index(self, code: str) -> int:
        return self.codes.index(code)


def stream(seed: int, *keys: str) -> np.random.Generator:
    """An independent Generator per concern, so changing one indicator never reshuffles another."""
    return np.random.default_rng([seed, *(zlib.crc32(k.encode()) for k in keys)])


def build_world(seed: int) -> World:
    regs = regions_mod.default()
    rows = list(regs.by_code.values())
    codes = [r.code for r in rows]
    units = county_sizes(stream(seed, "sizes"), regs)
    sums = np.zeros((len(codes), len(units)))
    for j, (code, pref) in enumerate(zip(units.code, units.prefecture, strict=True)):
        sums[codes.index(code), j] = 1.0  # a county (or 嘉峪关) is its own unit
        sums[codes.index(PROVINCE), j] = 1.0
        if code != pref:
            sums[codes.index(pref), j] = 1.0
    weighted = sums * units.population.to_numpy()[None, :]
    return World(codes=codes, names={r.code: r.name for r in rows}, units=units, sums=sums,
                 means=weighted / weighted.sum(axis=1, keepdims=True),
                 level=np.array([r.level for r in rows]))


def county_sizes(rng: np.random.Generator, regs: regions_mod.Regions) -> pd.DataFrame:
    """Base units with their 2025 GDP (万元), population weight, incomes and small-county swing."""
    out = []
    for pref in regs.of_level("prefecture"):
        prof = PREFECTURES[pref.code]
        counties = regs.counties_of(pref.code) or [pref]
        if pref.code == LONGNAN:
            shares = np.array([LONGNAN_SHARES[c.code] for c in counties])
        else:
            shares = np.exp(COUNTY_SIZE_SD * rng.standard_normal(len(counties)))
            shares[0] *= SEAT_WEIGHT
            shares /= shares.sum()
        if pref.code == LONGNAN:
            urban = rng.uniform(*LONGNAN_URBAN, len(counties))
            rural = rng.uniform(*LONGNAN_RURAL, len(counties))
        else:
            urban = prof.urban * (1 + INCOME_SPREAD * rng.standard_normal(len(counties)))
            rural = prof.rural * (1 + INCOME_SPREAD * rng.standard_normal(len(counties)))
        for c, share, u, r in zip(counties, shares, urban, rural, strict=True):
            gdp = prof.gdp * 1e4 * share * np.exp(ROUNDNESS_SD * rng.standard_normal())
            out.append({"code": c.code, "prefecture": pref.code, "gdp": gdp,
                        "industry": prof.industry, "momentum": prof.momentum, "urban": u, "rural": r})
    units = pd.DataFrame(out)
    units["population"] = units.gdp ** 0.6  # poorer places have more people per 万元 of GDP
    power, low, high = SMALL_COUNTY_SWING
    units["vol"] = np.clip((units.gdp.median() / units.gdp) ** power, low, high)
    return units


def region_gaps(rng: np.random.Generator, world: World) -> np.ndarray:
    """(regions, years) factor of a region's own figure over its units' sum or mean: 1 for counties and
    嘉峪关, 1 ± 1–4 % for the other prefectures, 1 ± 0.5–2 % for the province."""
    gaps = np.zeros((len(world.codes), len(YEARS)))
    units = set(world.units.code)
    for i, code in enumerate(world.codes):
        if code in units:
            continue
        low, high = PROVINCE_GAP if code == PROVINCE else PREFECTURE_GAP
        base = rng.choice([-1.0, 1.0]) * rng.uniform(low, high)
        drift = GAP_DRIFT * rng.standard_normal(len(YEARS))
        gaps[i] = np.sign(base) * np.clip(abs(base) + drift, low, high)
    return 1.0 + gaps


# ================================================================ series generation


def seasonal_shares(rng: np.random.Generator, shape: str, n: int, sd: np.ndarray) -> np.ndarray:
    """(units, years, 12) single-month shares of each year, noisy around SHAPES[shape], summing to 1."""
    base = np.array(SHAPES[shape]) / 100.0
    noise = np.exp(sd[:, None, None] * rng.standard_normal((n, len(YEARS), 12)))
    shares = base[None, None, :] * noise
    return shares / shares.sum(axis=2, keepdims=True)


def epidemic_dips(strength: float) -> np.ndarray:
    """(years, 12) multipliers of single months: 1 except in the epidemic months."""
    out = np.ones((len(YEARS), 12))
    for (year, month), dip in EPIDEMIC_DIPS.items():
        out[year - BASE_YEAR, month - 1] = max(0.3, 1.0 - strength * dip)
    return out


def annual_growth(rng: np.random.Generator, world: World, code: str, spec: Spec) -> np.ndarray:
    """(units, years) annual growth in %, column 0 (the base year) unused."""
    units = world.units
    n, ny = len(units), len(YEARS)
    prefs = sorted(set(units.prefecture))
    tilt = dict(zip(prefs, PREFECTURE_NOISE * rng.standard_normal(len(prefs)), strict=True))
    momentum = units.momentum.to_numpy() + units.prefecture.map(tilt).to_numpy()
    persistent = spec.between * (MOMENTUM_WEIGHT * momentum + COUNTY_WEIGHT * rng.standard_normal(n))
    vol = units.vol.to_numpy() if spec.swings else np.ones(n)
    noise = spec.year * vol[:, None] * rng.standard_normal((n, ny))
    tails = (rng.random((n, ny)) < spec.tail) * rng.choice([-1.0, 1.0], (n, ny)) \
        * spec.tail_pp * rng.uniform(0.7, 1.5, (n, ny))
    effects = np.array([YEAR_EFFECTS.get(code, {}).get(int(y), 0.0) for y in YEARS])
    growth = spec.mean + effects[None, :] + persistent[:, None] + noise + tails
    if code in LONGNAN_2026_CODES:
        k = LONGNAN_2026_CODES.index(code)
        for unit, values in LONGNAN_2026.items():
            growth[units.index[units.code == unit][0], -1] = values[k]
    return np.maximum(growth, GROWTH_FLOOR)


def anchors(rng: np.random.Generator, world: World, spec: Spec) -> np.ndarray:
    """(units,) the 2025 annual level in the catalogue unit."""
    units = world.units
    if spec.per_capita:
        return units[spec.per_capita].to_numpy()
    gdp = units.gdp.to_numpy()
    spread = np.exp(spec.anchor_sd * rng.standard_normal(len(units)))
    spread /= (units.assign(w=gdp * spread).groupby("prefecture").w.transform("sum")
               / units.groupby("prefecture").gdp.transform("sum")).to_numpy()  # prefecture totals keep the ratio
    return gdp * spec.ratio * units.industry.to_numpy() ** spec.industry_power * spread


def annual_levels(anchor: np.ndarray, growth: np.ndarray) -> np.ndarray:
    """(units, years) annual levels from growth rates, equal to the anchor in ANCHOR_YEAR."""
    index = np.cumprod(np.column_stack([np.ones(len(anchor)), 1 + growth[:, 1:] / 100.0]), axis=1)
    return anchor[:, None] * index / index[:, [ANCHOR_YEAR - BASE_YEAR]]


def ytd_from_annual(rng: np.random.Generator, world: World, annual: np.ndarray, spec: Spec,
                    shape: str | None = None, month_sd: float | None = None,
                    shock: float | None = None) -> np.ndarray:
    """(units, years, 12) year-to-date levels: annual totals spread over the months, dips applied."""
    vol = world.units.vol.to_numpy() if spec.swings else np.ones(len(annual))
    sd = (spec.month if month_sd is None else month_sd) * vol
    shares = seasonal_shares(rng, shape or spec.shape, len(annual), sd)
    single = annual[:, :, None] * shares * epidemic_dips(spec.shock if shock is None else shock)[None]
    return np.cumsum(single, axis=2)


def to_regions(world: World, unit_ytd: np.ndarray, gaps: np.ndarray, per_capita: bool) -> np.ndarray:
    """(regions, years, 12): counties as they are, prefectures and province from their units."""
    matrix = world.means if per_capita else world.sums
    return np.einsum("ru,uym->rym", matrix, unit_ytd) * gaps[:, :, None]


def yoy(levels: np.ndarray, rng: np.random.Generator, gap: dict[int, float] | None = None) -> np.ndarray:
    """Published YTD growth, %: the level ratio plus a small comparable-base difference."""
    out = np.full(levels.shape, np.nan)
    out[:, 1:] = 100.0 * (levels[:, 1:] / levels[:, :-1] - 1.0)
    out += COMPARABLE_BASE_SD * rng.standard_normal(levels.shape)
    if gap:
        out += np.array([gap.get(int(y), 0.0) for y in YEARS])[None, :, None]
    return out


@dataclass
class Series:
    """One indicator's hidden truth for every output region: YTD levels and/or growth and/or ratio."""

    cum_level: np.ndarray | None = None
    cum_yoy: np.ndarray | None = None
    ratio: np.ndarray | None = None


def economic_series(seed: int, world: World) -> dict[str, Series]:
    """Every indicator except the key-work ledgers; profit and tax share derive from revenue series."""
    cat = catalogue_mod.default()
    out: dict[str, Series] = {}
    unit_ytd: dict[str, np.ndarray] = {}
    unit_annual: dict[str, np.ndarray] = {}
    gaps: dict[str, np.ndarray] = {}
    for code, spec in SPECS.items():
        rng = stream(seed, "series", code)
        unit_annual[code] = annual_levels(anchors(rng, world, spec), annual_growth(rng, world, code, spec))
        unit_ytd[code] = ytd_from_annual(rng, world, unit_annual[code], spec)
        gaps[code] = region_gaps(rng, world)
        levels = to_regions(world, unit_ytd[code], gaps[code], bool(spec.per_capita))
        growth = yoy(levels, rng, GDP_REAL_MINUS_NOMINAL if code == "GDP" else None)
        keep_level = "cum_level" in cat[code].measures
        out[code] = Series(cum_level=levels if keep_level else None, cum_yoy=growth)
    out["IND_PROFIT"] = profit_series(stream(seed, "series", "IND_PROFIT"), world, unit_annual["IND_REV"])
    out["TAX_SHARE"] = tax_share_series(stream(seed, "series", "TAX_SHARE"), world, unit_ytd["GPBR"],
                                        gaps["GPBR"])
    return out


def profit_series(rng: np.random.Generator, world: World, revenue: np.ndarray) -> Series:
    """Profit = revenue × a mean-reverting margin, with noisier months than revenue."""
    n = len(revenue)
    vol = world.units.vol.to_numpy()
    base = rng.uniform(*MARGIN_RANGE, n) / 100.0
    deviation = np.zeros((n, len(YEARS)))
    for y in range(1, len(YEARS)):
        deviation[:, y] = MARGIN_AR * deviation[:, y - 1] + MARGIN_SD * vol * rng.standard_normal(n)
    deviation -= deviation[:, [ANCHOR_YEAR - BASE_YEAR]]  # the 2025 margin is the base margin
    annual = revenue * base[:, None] * np.exp(deviation)
    spec = SPECS["IND_REV"]
    ytd = ytd_from_annual(rng, world, annual, spec, month_sd=PROFIT_MONTH_SD, shock=PROFIT_SHOCK)
    levels = to_regions(world, ytd, region_gaps(rng, world), per_capita=False)
    return Series(cum_level=levels, cum_yoy=yoy(levels, rng))


def tax_share_series(rng: np.random.Generator, world: World, gpbr_ytd: np.ndarray, gaps: np.ndarray) -> Series:
    """Tax revenue / budget revenue × 100 from sums, so a prefecture's ratio weighs its counties."""
    n = len(gpbr_ytd)
    level = rng.uniform(*TAX_SHARE_RANGE, n)[:, None] + TAX_SHARE_YEAR_SD * rng.standard_normal((n, len(YEARS)))
    early = TAX_SHARE_EARLY * (1 - np.arange(12) / 11.0)
    ratio = level[:, :, None] + early[None, None, :] + TAX_SHARE_MONTH_SD * rng.standard_normal((n, len(YEARS), 12))
    tax = gpbr_ytd * np.clip(ratio, *TAX_SHARE_CLIP) / 100.0
    share = 100.0 * to_regions(world, tax, gaps, False) / to_regions(world, gpbr_ytd, gaps, False)
    return Series(ratio=share)


# ================================================================ key-work ledgers


@dataclass
class Ledgers:
    series: dict[str, Series]  # region-level YTD levels (NaN before LEDGER_FIRST_YEAR and for the province)
    plans: dict[str, np.ndarray]  # (regions, years) annual plans: KEY_PROJ and NEW_SISHANG


def ledger_units(world: World) -> tuple[np.ndarray, np.ndarray]:
    """Ledger keepers: the base units plus each prefecture's own city-level departments.

    Returns (sizes in GDP 万元, sum matrix regions × keepers); the province keeps no ledger here.
    """
    units = world.units
    prefs_with_counties = [c for c, lv in zip(world.codes, world.level, strict=True)
                           if lv == "prefecture" and c not in set(units.code)]
    city_sizes = [CITY_LEDGER_SHARE * units.gdp[units.prefecture == p].sum() for p in prefs_with_counties]
    sizes = np.concatenate([units.gdp.to_numpy(), city_sizes])
    sums = np.zeros((len(world.codes), len(sizes)))
    sums[:, : len(units)] = world.sums
    for k, p in enumerate(prefs_with_counties):
        sums[world.index(p), len(units) + k] = 1.0
    sums[world.index(PROVINCE)] = np.nan  # no province row for ledgers
    return sizes, sums


def ledger_series(seed: int, world: World) -> Ledgers:
    sizes, sums = ledger_units(world)
    relative = sizes / np.median(world.units.gdp)
    active = (YEARS >= LEDGER_FIRST_YEAR)[None, :, None]

    def regions_of(keeper_ytd: np.ndarray) -> np.ndarray:
        out = np.einsum("rk,kym->rym", sums, keeper_ytd)
        return np.where(active, out, np.nan)

    owed, paid = arrears(stream(seed, "ledger", "arrears"), sizes)
    received, done = complaints(stream(seed, "ledger", "complaints"), relative)
    sishang, sishang_plan = new_sishang(stream(seed, "ledger", "sishang"), relative)
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


def arrears(rng: np.random.Generator, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Owed: most of the year's arrears are on the ledger in January, the rest confirmed later.
    Paid: a rising share of what is owed, so paid ≤ owed and both only rise within a year."""
    n, ny = len(sizes), len(YEARS)
    decline = ARREARS_YEARLY_DECLINE ** (YEARS - LEDGER_FIRST_YEAR)
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


def complaints(rng: np.random.Generator, relative: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Received: Poisson a month. Done: all but the still-open recent ones, never more than received."""
    a, b = COMPLAINTS_PER_MONTH
    lam = a + b * np.sqrt(relative)
    monthly = rng.poisson(lam[:, None, None] * np.ones((1, len(YEARS), 12)))
    pending_now, pending_last = COMPLAINT_PENDING
    open_now = rng.binomial(monthly, pending_now)
    open_last = rng.binomial(np.concatenate([np.zeros_like(monthly[:, :, :1]), monthly[:, :, :-1]], axis=2),
                             pending_last)
    received = np.cumsum(monthly, axis=2)
    done = np.maximum.accumulate(np.maximum(received - open_now - open_last, 0), axis=2)
    return received.astype(float), done.astype(float)


def new_sishang(rng: np.random.Generator, relative: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """New 四上 enterprises: small Poisson counts, more early in the year; plan = expected × uplift."""
    a, b = SISHANG_PER_YEAR
    expected = a + b * relative ** 0.7
    achievement = rng.uniform(*SISHANG_ACHIEVEMENT, (len(relative), len(YEARS)))
    lam = expected[:, None, None] * achievement[:, :, None] * np.array(SISHANG_MONTHS)[None, None, :]
    counts = np.cumsum(rng.poisson(lam), axis=2).astype(float)
    plan = np.repeat(np.maximum(1.0, np.round(expected * SISHANG_TARGET_UPLIFT))[:, None], len(YEARS), axis=1)
    return counts, plan


def key_projects(rng: np.random.Generator, world: World, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Key-project investment: an annual plan completed along the FAI shape (Longnan a little behind)."""
    n = len(sizes)
    spread = np.exp(KEY_PROJ_SD * rng.standard_normal((n, len(YEARS))))
    plan = np.round(sizes[:, None] * KEY_PROJ_PER_GDP * spread, -2)  # plans are round hundreds of 万元
    low, high = KEY_PROJ_COMPLETION
    in_longnan = np.zeros(n, dtype=bool)
    in_longnan[: len(world.units)] = (world.units.prefecture == LONGNAN).to_numpy()
    completion = rng.uniform(low, high, (n, len(YEARS))) - KEY_PROJ_LONGNAN_LAG * in_longnan[:, None]
    shares = seasonal_shares(rng, "investment", n, np.full(n, KEY_PROJ_MONTH_SD))
    return np.cumsum(shares, axis=2) * (plan * completion)[:, :, None], plan


# ================================================================ long frames


def periods_of(code: str) -> list[tuple[int, int]]:
    """(year, month) pairs the catalogue says this indicator reports, within the demo's span."""
    ind = catalogue_mod.default()[code]
    return [(int(y), m) for y in range(FIRST_YEAR, LAST_YEAR + 1) for m in ind.months
            if (y, m) <= (LAST_YEAR, LAST_MONTH)]


def decimals(unit: str, measure: str) -> int:
    return 0 if measure == "cum_level" and unit in INTEGER_UNITS else 1


def long_rows(world: World, code: str, series: Series) -> pd.DataFrame:
    """One indicator's published rows: every region with a value, rounded as published."""
    ind = catalogue_mod.default()[code]
    pairs = periods_of(code)
    y_idx = np.array([y - BASE_YEAR for y, _ in pairs])
    m_idx = np.array([m - 1 for _, m in pairs])
    labels = np.array([f"{y}-{m:02d}" for y, m in pairs])
    frames = []
    for measure in ind.measures:
        values = getattr(series, measure)[:, y_idx, m_idx]  # (regions, periods)
        region, period = np.nonzero(~np.isnan(values))
        digits = decimals(ind.unit, measure)
        frames.append(pd.DataFrame({
            "region_code": np.array(world.codes)[region],
            "period": labels[period],
            "indicator": code,
            "measure": measure,
            "value": np.round(values[region, period], digits) + 0.0,
            "unit": "%" if measure != "cum_level" else ind.unit,
        }))
    return pd.concat(frames, ignore_index=True)


def finish(frame: pd.DataFrame, world: World) -> pd.DataFrame:
    frame = frame.assign(region_name=frame.region_code.map(world.names), note=NOTE)
    frame = frame.sort_values(["period", "indicator", "measure", "region_code"], kind="stable")
    return frame[OBS_COLUMNS].reset_index(drop=True)


def drop_missing(obs: pd.DataFrame, rng: np.random.Generator, world: World) -> pd.DataFrame:
    """Remove a handful of county-months (every measure of them): missing is absent, never zero.

    Never a December (targets read it), never a Longnan county except the scripted one.
    """
    counties = set(world.units.code) - {"620200"}
    longnan = set(world.units.code[world.units.prefecture == LONGNAN])
    monthly = [i.code for i in catalogue_mod.default() if i.frequency == "monthly" and i.code in SPECS]
    candidates = obs[obs.region_code.isin(counties - longnan) & obs.indicator.isin(monthly)
                     & ~obs.period.str.endswith("-12")][["region_code", "indicator", "period"]].drop_duplicates()
    picked = candidates.iloc[np.sort(rng.choice(len(candidates), N_MISSING, replace=False))]
    keys = set(map(tuple, picked.to_numpy())) | set(SCRIPTED_MISSING)
    mask = pd.Series(list(zip(obs.region_code, obs.indicator, obs.period, strict=True)), index=obs.index).isin(keys)
    return obs[~mask].reset_index(drop=True)


# ================================================================ revisions


def make_revisions(obs: pd.DataFrame, rng: np.random.Generator, world: World) -> pd.DataFrame:
    """About 20 values of 2026-08/09 re-stated by firms' corrections, still rising within the year."""
    cat = catalogue_mod.default()
    counties = [c for c, lv in zip(world.codes, world.level, strict=True) if lv == "county"]
    longnan = set(world.units.code[world.units.prefecture == LONGNAN])
    monthly = [i.code for i in cat if i.frequency == "monthly" and i.value_type in ("level_growth", "growth")]
    keys = obs[obs.region_code.isin(set(counties) - longnan) & obs.period.isin(REVISION_PERIODS)
               & obs.indicator.isin(monthly)][["region_code", "indicator", "period"]].drop_duplicates()
    rest = keys[~keys.apply(tuple, axis=1).isin(set(SCRIPTED_REVISIONS))]
    chosen = list(SCRIPTED_REVISIONS)
    for want_level, n in ((True, N_REVISED_LEVELS), (False, N_REVISED_GROWTHS)):
        pool = rest[rest.indicator.map(lambda c: cat[c].value_type == "level_growth") == want_level]
        have = sum(1 for k in chosen if (cat[k[1]].value_type == "level_growth") == want_level)
        take = pool.iloc[np.sort(rng.choice(len(pool), n - have, replace=False))]
        chosen += [tuple(r) for r in take.to_numpy()]
    index = obs.set_index(["region_code", "indicator", "period", "measure"]).value
    rows = []
    for region, code, period in chosen:
        new = revise(index, region, code, period, rng, cat[code].value_type == "level_growth")
        for row in new:  # a later revision of the next month must stay above this one
            index[(region, code, period, row["measure"])] = row["value"]
        rows += new
    frame = pd.DataFrame(rows)
    frame["unit"] = [cat[c].unit if m == "cum_level" else "%" for c, m in zip(frame.indicator, frame.measure,
                                                                               strict=True)]
    return finish(frame, world)


def revise(index: pd.Series, region: str, code: str, period: str, rng: np.random.Generator,
           has_level: bool) -> list[dict]:
    """New values for one key: a level moved by 0.3–2 % but kept between its neighbours, the growth
    moved with it; or a growth-only value moved by 0.2–1 pp."""
    key = {"region_code": region, "indicator": code, "period": period}
    growth = index[(region, code, period, "cum_yoy")]
    sign = rng.choice([-1.0, 1.0])
    if not has_level:
        return [key | {"measure": "cum_yoy", "value": round(growth + sign * rng.uniform(*REVISION_PP), 1) + 0.0}]
    level = index[(region, code, period, "cum_level")]
    year, month = int(period[:4]), int(period[5:])
    before = index.get((region, code, f"{year}-{month - 1:02d}", "cum_level"), 0.0)
    after = index.get((region, code, f"{year}-{month + 1:02d}", "cum_level"), np.inf)
    new_level = round(float(np.clip(level * (1 + sign * rng.uniform(*REVISION_SIZE)), before, after)), 1)
    if new_level == level:
        new_level = round(level + 0.1, 1) if level + 0.1 <= after else round(level - 0.1, 1)
    new_growth = round(((1 + growth / 100.0) * new_level / level - 1) * 100.0, 1) + 0.0
    return [key | {"measure": "cum_level", "value": new_level}, key | {"measure": "cum_yoy", "value": new_growth}]


def current(obs: pd.DataFrame, revisions: pd.DataFrame) -> pd.DataFrame:
    """The picture after every file is loaded: revisions replace the values they re-state."""
    key = ["region_code", "period", "indicator", "measure"]
    merged = pd.concat([obs, revisions]).drop_duplicates(key, keep="last")
    return merged.sort_values(["period", "indicator", "measure", "region_code"], kind="stable").reset_index(drop=True)


# ================================================================ targets


def make_targets(obs: pd.DataFrame, ledgers: Ledgers, world: World) -> pd.DataFrame:
    """Annual targets per county and prefecture: growth (%) and levels (annual amount)."""
    cat = catalogue_mod.default()
    ranked = [c for c, lv in zip(world.codes, world.level, strict=True) if lv != "province"]
    rows = []
    for year in TARGET_YEARS:
        last = obs[obs.period == f"{year - 1}-12"].set_index(["region_code", "indicator", "measure"]).value
        for code, (c25, c26, spread) in TARGET_GROWTH.items():
            centre = c25 if year == 2025 else c26
            for level in ("county", "prefecture"):
                codes = [c for c in ranked if world.level[world.index(c)] == level]
                result = pd.Series([last.get((c, code, "cum_yoy"), np.nan) for c in codes], index=codes)
                pulled = centre + TARGET_PULL * (result - result.median())
                growth = np.clip(np.round(pulled.fillna(centre) * 2) / 2, centre - spread, centre + spread)
                for region, g in growth.items():
                    rows.append((region, year, code, "growth", float(g) + 0.0, "%"))
                    if code in TARGET_LEVEL_FROM_GROWTH:
                        amount = round(last[(region, code, "cum_level")] * (1 + g / 100.0), 1)
                        rows.append((region, year, code, "level", amount, cat[code].unit))
        y = year - BASE_YEAR
        for region in ranked:
            i = world.index(region)
            rows.append((region, year, "KEY_PROJ", "level", round(ledgers.plans["KEY_PROJ"][i, y], 1), "万元"))
            rows.append((region, year, "NEW_SISHANG", "level", float(ledgers.plans["NEW_SISHANG"][i, y]), "家"))
            owed = ledgers.series["ARREARS_OWED"].cum_level[i, y, 11]
            rows.append((region, year, "ARREARS_PAID", "level", round(owed, 1), "万元"))
    frame = pd.DataFrame(rows, columns=["region_code", "year", "indicator", "kind", "value", "unit"])
    frame = frame.assign(region_name=frame.region_code.map(world.names), note=NOTE)
    order = {c: k for k, c in enumerate(cat.codes)}
    frame = frame.sort_values(["year", "indicator", "kind", "region_code"],
                              key=lambda s: s.map(order) if s.name == "indicator" else s, kind="stable")
    return frame[TARGET_COLUMNS].reset_index(drop=True)


# ================================================================ generate


def generate(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """The simulated province as frames.

    observations: the main long files' rows (all years, before revisions);
    revisions: the re-stated 2026-08/09 values (loaded after the main files);
    current: observations with the revisions applied (what the bureau-style sheets show);
    targets: annual targets for 2025 and 2026.
    """
    world = build_world(seed)
    series = economic_series(seed, world)
    ledgers = ledger_series(seed, world)
    series |= ledgers.series
    frames = [long_rows(world, code, s) for code, s in series.items()]
    obs = finish(pd.concat(frames, ignore_index=True), world)
    obs = drop_missing(obs, stream(seed, "missing"), world)
    revisions = make_revisions(obs, stream(seed, "revisions"), world)
    return {"observations": obs, "revisions": revisions, "current": current(obs, revisions),
            "targets": make_targets(obs, ledgers, world)}


# ================================================================ writers: long files


def value_text(values: pd.Series, units: pd.Series, measures: pd.Series) -> pd.Series:
    """Values as published: one decimal, or none for 元 / 家 / 件 levels; no float noise."""
    integer = measures.eq("cum_level") & units.isin(INTEGER_UNITS)
    return pd.Series(np.where(integer, values.map("{:.0f}".format), values.map("{:.1f}".format)),
                     index=values.index)


def write_long(frame: pd.DataFrame, path: Path) -> Path:
    out = frame.assign(value=value_text(frame.value, frame.unit, frame.measure))
    out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


def write_targets(frame: pd.DataFrame, path: Path) -> Path:
    out = frame.assign(value=value_text(frame.value, frame.unit, pd.Series("cum_level", index=frame.index)))
    out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


# ================================================================ writers: the bureau-style sheets


def county_codes(city: str = LONGNAN) -> list[str]:
    return [r.code for r in regions_mod.default().counties_of(city)]


def sheet_value(value: float, unit: str, measure: str):
    """A number as the sheet shows it (int for 元 levels), or the missing mark."""
    if value is None or np.isnan(value):
        return MISSING_MARK
    return int(round(value)) if decimals(unit, measure) == 0 else round(float(value), 1) + 0.0


def ranks(values: list[float]) -> list[int | None]:
    """位次 among the counties: descending, ties share the smallest rank, missing has none."""
    s = pd.Series(values, dtype=float)
    r = s.rank(ascending=False, method="min")
    return [None if np.isnan(v) else int(v) for v in r]


def monthly_report(cur: pd.DataFrame, period: str, codes: list[str], city: str = LONGNAN):
    """The 统计月报 layout: (rows of cells, header spans [(first column, width)]) for one period."""
    cat = catalogue_mod.default()
    regs = regions_mod.default()
    city_name = regs[city].name
    values = cur[cur.period == period].set_index(["region_code", "indicator", "measure"]).value
    units = sorted({cat[c].unit for c in codes if "cum_level" in cat[c].measures} - {"万千瓦时"},
                   key=["万元", "元"].index)
    header1, header2, spans = ["县区"], [""], []
    for code in codes:
        ind = cat[code]
        name = ind.name_zh + HEADER_UNITS.get(ind.unit, "")
        subs = (["绝对额"] if "cum_level" in ind.measures else []) + ["增速(%)", "位次"]
        spans.append((len(header1), len(subs)))
        header1 += [name] * len(subs)
        header2 += subs
    width = len(header1)
    rows = [[f"{period_label(period)}{city_name}各县区主要经济指标完成情况（模拟数据）"],
            ["单位：" + "、".join(units + ["%"])], header1, header2]
    counties = county_codes(city)
    body = {city: ["全市"]} | {c: [regs[c].short_name] for c in counties}
    for code in codes:
        ind = cat[code]
        growth = [values.get((c, code, "cum_yoy"), np.nan) for c in counties]
        rank = dict(zip(counties, ranks(growth), strict=True))
        for region in [city, *counties]:
            if "cum_level" in ind.measures:
                body[region].append(sheet_value(values.get((region, code, "cum_level"), np.nan), ind.unit,
                                                "cum_level"))
            body[region].append(sheet_value(values.get((region, code, "cum_yoy"), np.nan), "%", "cum_yoy"))
            body[region].append(rank.get(region) if region != city else None)
    rows += list(body.values())
    rows.append([FOOTNOTE])
    return [r + [None] * (width - len(r)) for r in rows], spans


def csv_cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.1f}"
    return str(v)


def write_report_csv(cur: pd.DataFrame, period: str, path: Path) -> Path:
    """The 月报 as Chinese Excel exports it: GBK, CRLF, every row padded to the full width."""
    rows, _ = monthly_report(cur, period, list(WIDE_CODES))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([[csv_cell(v) for v in row] for row in rows])
    path.write_bytes(buf.getvalue().encode("gbk"))
    return path


def write_report_xlsx(cur: pd.DataFrame, period: str, path: Path) -> Path:
    """The 月报 as a workbook with real merged cells (title, units, indicator names, 县区)."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    rows, spans = monthly_report(cur, period, list(WIDE_CODES + WIDE_QUARTERLY))
    width = len(rows[0])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "主要指标"
    for row in rows:
        ws.append(row)  # merging below keeps only the top-left value of each merged range
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    for first, w in spans:
        ws.merge_cells(start_row=3, start_column=first + 1, end_row=3, end_column=first + w)
    ws.merge_cells(start_row=len(rows), start_column=1, end_row=len(rows), end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    for row in ws.iter_rows(min_row=3, max_row=4):
        for cell in row:
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 10
    save_workbook(wb, path)
    return path


def write_month_columns(cur: pd.DataFrame, year: int, path: Path, city: str = LONGNAN) -> Path:
    """One sheet per indicator, months as columns (1-2月 … 1-10月), 全市 and the counties as rows."""
    import openpyxl
    from openpyxl.styles import Font

    cat = catalogue_mod.default()
    regs = regions_mod.default()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for code, measure in MONTH_SHEETS:
        ind = cat[code]
        name = ind.name_zh + ("增速" if measure == "cum_yoy" else "")
        months = [m for y, m in periods_of(code) if y == year]
        periods = [f"{year}-{m:02d}" for m in months]
        values = cur[(cur.indicator == code) & (cur.measure == measure)].set_index(["region_code", "period"]).value
        unit = "%" if measure == "cum_yoy" else ind.unit
        ws = wb.create_sheet(name)
        ws.append([f"{year}年{regs[city].name}各县区{name}（模拟数据）"])
        ws.append([f"单位：{unit}"])
        ws.append(["县区"] + [period_label(p).split("年", 1)[1] for p in periods])
        for region in [city, *county_codes(city)]:
            label = "全市" if region == city else regs[region].short_name
            ws.append([label] + [sheet_value(values.get((region, p), np.nan), unit, measure) for p in periods])
        ws["A1"].font = Font(bold=True)
    save_workbook(wb, path)
    return path


def save_workbook(wb, path: Path) -> None:
    """Save with fixed timestamps (document properties and zip entries) so the bytes are reproducible.

    openpyxl stamps the save time into docProps/core.xml whatever the properties say, so the archive
    is rewritten with that stamp and every entry's date fixed.
    """
    wb.properties.creator = "loaders.demo_data"
    wb.properties.created = FIXED_TIME
    raw = io.BytesIO()
    wb.save(raw)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>",
                              data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, data)
    path.write_bytes(out.getvalue())


# ================================================================ writers: manifest, README, all


def report_name(period: str, city: str = LONGNAN, ext: str = "csv") -> str:
    return f"月报_{period_label(period)}_{regions_mod.default()[city].name}.{ext}"


def manifest_text(entries: list[tuple[str, str, str, str]], seed: int) -> str:
    lines = [
        "# Load order of the demo province for `python -m loaders demo` (first to last).",
        "# Every value is simulated (模拟数据). Written by loaders/demo_data.py; do not edit by hand:",
        "# regenerate with `.venv/bin/python -m loaders.demo_data`.",
        "# kind: observations | targets; format: how the file is laid out (a hint, the parser decides).",
        f"seed = {seed}",
        "simulated = true",
        "",
    ]
    for name, kind, fmt, description in entries:
        lines += ["[[file]]", f'path = "{name}"', f'kind = "{kind}"', f'format = "{fmt}"',
                  f'description = "{description}"', ""]
    return "\n".join(lines)


README = """# 演示数据（模拟数据）

本目录是一个**模拟**的甘肃省：真实的行政区划代码和名称（14个市州、86个县市区），但**所有数值均为模拟数据，
不是任何已发布的统计数字**，仅供演示和测试使用。

- 时间范围：2021年1月至2026年10月（2026年三季度为最近的完整季度），逐月累计（1—N月）口径；
- 指标：`data/indicators.toml` 中除计算类指标（利润率、清欠完成率、办结率）外的全部指标，
  重点工作台账（清欠、投诉线索、新增“四上”企业、重点项目）自2024年起；
- `observations_2021.csv` … `observations_2026.csv`：长表（UTF-8），每行备注“模拟数据”；
- `revisions_2026-09.csv`：企业更正后重报的2026年8、9月部分数值，在主文件之后导入；
- `月报_2026年1-9月_陇南市.xlsx`、`月报_2026年1-10月_陇南市.csv`（GBK）：统计月报宽表样式，
  与长表数值完全一致；`分月_2026年_陇南市.xlsx`：每个指标一页、各月为列；
- `targets_2025.csv`、`targets_2026.csv`：各县区和市州的年度目标（增速目标和总量目标）；
- `manifest.toml`：`python -m loaders demo` 的导入顺序。

数据特点（供看板开发参考）：

- 全省（620000）行包含除重点工作台账外的全部指标；嘉峪关市只有市级行（无下辖县区）；
- 市州行与所辖县区之和相差1%—4%（市级单位、统一核算），增速按市州自身总量计算；居民收入为加权平均；
- 陇南市按调度会讲话设定：各县区固定资产投资、招商引资、社零增速多在全省后半段，全市排名靠后；
  2026年西和县固定资产投资、两当县规上工业增加值为负增长；
- 少量县区月份数据缺失（不是0），如两当县2026年1-10月全社会用电量；少数增速超出合理区间（尾部值）。

随机种子：{seed}。重新生成（结果逐字节一致）：

```
.venv/bin/python -m loaders.demo_data
```

English: a SIMULATED Gansu province (real division codes, synthetic values, not published figures),
generated by `loaders/demo_data.py` with seed {seed}; regenerate with `.venv/bin/python -m loaders.demo_data`.
"""


def write(out_dir: Path = DEMO_DIR, seed: int = SEED) -> list[Path]:
    """Write every demo file and the manifest into out_dir; returns the paths in load order (then README)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = generate(seed)
    obs, cur, targets = frames["observations"], frames["current"], frames["targets"]
    entries: list[tuple[str, str, str, str]] = []
    paths: list[Path] = []

    def add(path: Path, kind: str, fmt: str, description: str) -> None:
        paths.append(path)
        entries.append((path.name, kind, fmt, description))

    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        part = obs[obs.period.str.startswith(f"{year}-")]
        add(write_long(part, out_dir / f"observations_{year}.csv"), "observations", "long_csv",
            f"{year}年全省、市州、县区各指标累计值（长表）")
    add(write_long(frames["revisions"], out_dir / "revisions_2026-09.csv"), "observations", "long_csv",
        "2026年8—9月部分数值的更正重报（企业更正）")
    add(write_report_xlsx(cur, "2026-09", out_dir / report_name("2026-09", ext="xlsx")), "observations",
        "wide_sheet", "陇南市统计月报2026年1-9月（宽表，合并单元格，含季度GDP和居民收入）")
    add(write_report_csv(cur, "2026-10", out_dir / report_name("2026-10")), "observations", "wide_sheet",
        "陇南市统计月报2026年1-10月（宽表，GBK编码CSV）")
    add(write_month_columns(cur, LAST_YEAR, out_dir / f"分月_{LAST_YEAR}年_陇南市.xlsx"), "observations",
        "month_columns", "陇南市2026年分月表（每个指标一页，各月为列）")
    for year in TARGET_YEARS:
        add(write_targets(targets[targets.year == year], out_dir / f"targets_{year}.csv"), "targets",
            "long_targets", f"{year}年各县区、市州年度目标")
    manifest = out_dir / "manifest.toml"
    manifest.write_text(manifest_text(entries, seed), encoding="utf-8")
    readme = out_dir / "README.md"
    readme.write_text(README.format(seed=seed), encoding="utf-8")
    return [*paths, manifest, readme]


def row_count(path: Path) -> int:
    """Rows of a written file: data rows of a long CSV (after its header), else every line or sheet row."""
    if path.suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            return sum(ws.max_row for ws in wb.worksheets)
        finally:
            wb.close()
    lines = decode(path.read_bytes())[0].splitlines()
    return len(lines) - 1 if lines and lines[0].startswith("region_code,") else len(lines)


if __name__ == "__main__":
    import time

    start = time.perf_counter()
    written = write(DEMO_DIR)
    print(f"wrote {len(written)} files to {DEMO_DIR} in {time.perf_counter() - start:.1f} s (seed {SEED}):")
    for p in written:
        print(f"  {p.name:40s} {row_count(p):>7d} rows {p.stat().st_size / 1024:>9.1f} KiB")
