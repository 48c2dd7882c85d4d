"""Numbers as official documents write them (reference/briefs.md): 增长3.3% / 下降8.9% (or 增长-8.9%, a bureau
setting), differences of rates in 个百分点, ranks 第N位, 万元 for counties and 亿元 for cities, 较上季度前移3位.

Pure functions of numbers to strings; every rounding is the one the pages use (progress.round_half_up, one decimal
for rates, two for scores), so a number in the brief reads as it does on screen.
"""

import math

import pandas as pd

from indicators.progress import round_half_up

DECLINE, MINUS = "下降", "增长-"  # the two ways briefs write negative growth (settings: numbers.negative_growth)
NEGATIVE_STYLES = (DECLINE, MINUS)
WAN_PER_YI = 10_000  # 1 亿元 = 10,000 万元
CN_DIGITS = "零一二三四五六七八九"
QUARTER_WORDS = {1: "一季度", 2: "二季度", 3: "三季度", 4: "四季度"}


def missing(x) -> bool:
    """None, NaN or pandas' NA (a rank change in the first quarter of a scheme's data)."""
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def one(x) -> float:
    """A rate as published: one decimal, half up (8.25 → 8.3, as the pages round)."""
    return float(round_half_up(float(x), 1))


def gap(a, b) -> float:
    """The difference of two published rates (completion − 序时进度, growth − target), from their one-decimal
    figures, so a reader who subtracts the printed numbers gets the printed gap (84.7 − 83.3 = 1.4)."""
    return one(one(a) - one(b))


def num(x, decimals: int = 1) -> str:
    """8.0 → '8.0'; -0.04 → '0.0' (never '-0.0')."""
    v = float(round_half_up(float(x), decimals))
    return f"{0.0 if v == 0 else v:.{decimals}f}"


def growth(x, style: str = DECLINE) -> str:
    """增长3.3% / 下降8.9% (or 增长-8.9%) / 与上年持平 (0.0 is 持平, as progress.growth_status says)."""
    if missing(x):
        return "无数据"
    v = one(x)
    if v == 0:
        return "与上年持平"
    if v > 0:
        return f"增长{num(v)}%"
    return f"下降{num(-v)}%" if style == DECLINE else f"增长-{num(-v)}%"


def pp_diff(x, than: str) -> str:
    """'高于全市平均水平1.2个百分点' / '低于…' / '与全市平均水平持平' (x: a difference of rates, one decimal)."""
    if missing(x):
        return ""
    v = one(x)
    if v == 0:
        return f"与{than}持平"
    return f"{'高于' if v > 0 else '低于'}{than}{num(abs(v))}个百分点"


def improvement(delta, unit: str) -> str:
    """An improvement as explain.gap_to_rank gives it: 2.0个百分点 for growth and ratios ('%'), 6家, 2.5万元."""
    if unit == "%":
        return f"{num(delta)}个百分点"
    return f"{delta:.0f}{unit}" if float(delta).is_integer() else f"{delta:g}{unit}"


def rank(n) -> str:
    return "—" if missing(n) else f"第{int(n)}位"


def rank_change(change) -> str:
    """rank_change > 0 moved up: 较上季度前移3位 / 后退2位 / 与上季度持平; None when there is no previous quarter."""
    if missing(change):
        return ""
    c = int(change)
    return "与上季度持平" if c == 0 else (f"较上季度前移{c}位" if c > 0 else f"较上季度后退{-c}位")


def rank_change_cell(change) -> str:
    """The form for a table cell: 前移3位 / 后退2位 / 持平 / —."""
    if missing(change):
        return "—"
    c = int(change)
    return "持平" if c == 0 else (f"前移{c}位" if c > 0 else f"后退{-c}位")


def score(x) -> str:
    return "—" if missing(x) else f"{float(x):.2f}"


def level(x, unit: str, *, city: bool = False) -> str:
    """A level in the document's unit: 亿元 (two decimals) for a city's money, 万元 (one decimal) for a county's;
    元 without decimals; counts as integers."""
    if missing(x):
        return "无数据"
    v = float(x)
    if unit == "万元":  # 公文 write numbers without thousands separators
        return f"{v / WAN_PER_YI:.2f}亿元" if city else f"{v:.1f}万元"
    if unit in ("元", "家", "件", "个"):
        return f"{v:.0f}{unit}"
    if unit == "%":
        return f"{num(v)}%"
    return f"{v:.1f}{unit}"


def wan(x) -> str:
    """An amount in 万元 as a document writes it, one decimal, no thousands separators: 3512.0万元."""
    return "无数据" if missing(x) else f"{float(x):.1f}万元"


def count(n, unit: str) -> str:
    """A count as a whole number with its measure word: 3笔, 12条 (never 3.0)."""
    return f"{int(n)}{unit}"


def names(items: list[str], limit: int = 0) -> str:
    """'A、B、C' ('A、B、C等5个' when limit cuts the list: the caller adds the noun)."""
    if limit and len(items) > limit:
        return "、".join(items[:limit]) + f"等{len(items)}个"
    return "、".join(items)


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 34 → 三十四 (1–99, as documents number their points)."""
    tens, ones = divmod(int(n), 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[ones] if ones else "") if n >= 10 else CN_DIGITS[n]


def ordinal_lead(i: int) -> str:
    """0 → '一是', 10 → '十一是' (the run-in heads of a problems list)."""
    return f"{cn_number(i + 1)}是"


def section_number(i: int) -> str:
    """0 → '一', 9 → '十' (level-1 headings 一、二、…; level-2 （一）…)."""
    return cn_number(i + 1)


def months(period: str) -> str:
    """'2026-10' → '2026年1-10月' ('2026年1月' for January)."""
    y, m = int(period[:4]), int(period[5:7])
    return f"{y}年1月" if m == 1 else f"{y}年1-{m}月"


def months_short(period: str) -> str:
    """'2026-09' → '1-9月'."""
    return months(period).split("年", 1)[1]


def quarter(q: str) -> str:
    """'2026Q3' → '2026年三季度'."""
    return f"{q[:4]}年{QUARTER_WORDS[int(q[-1])]}"


def date(d) -> str:
    """A date as a document's signature writes it: 2026年12月1日."""
    return f"{d.year}年{d.month}月{d.day}日"
