"""How each economic indicator grows: seasonal shapes, epidemic dips, growth specifications, the recent cycle
and Longnan's 2026 storyline (read from statistics.md and the seed speeches; not published figures)."""

from dataclasses import dataclass

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
