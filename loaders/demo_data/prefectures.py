"""The assumed profile of each prefecture (size, industry, incomes, momentum) and the county sizes drawn from it."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from loaders import regions as regions_mod
from loaders.demo_data.constants import LONGNAN


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
INCOME_SPREAD = 0.05  # county incomes within a prefecture, relative sd
ROUNDNESS_SD = 0.02  # a little noise on every size so no simulated figure comes out round
SMALL_COUNTY_SWING = (0.5, 0.7, 2.5)  # vol = (median size / size) ** 0.5, clipped to [0.7, 2.5]


def county_sizes(rng: np.random.Generator, regs: regions_mod.Regions) -> pd.DataFrame:
    """Base units with their 2025 GDP (万元), population weight, incomes and small-county swing."""
    out = []
    for pref in regs.of_level("prefecture"):
        prof = PREFECTURES[pref.code]
        counties = regs.counties_of(pref.code) or [pref]
        if pref.code == LONGNAN:
            shares = np.array([LONGNAN_SHARES[c.code] for c in counties])
            urban = rng.uniform(*LONGNAN_URBAN, len(counties))
            rural = rng.uniform(*LONGNAN_RURAL, len(counties))
        else:
            shares = np.exp(COUNTY_SIZE_SD * rng.standard_normal(len(counties)))
            shares[0] *= SEAT_WEIGHT
            shares /= shares.sum()
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
