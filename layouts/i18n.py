"""Interface text in Chinese (default) and English, and number formats for each language.

Indicator and region names come from the catalogue and the region list, not from here.
"""

import math

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

TEXT = {
    "app_title": ("县域经济高质量发展监测平台", "County Economic Monitoring Dashboard"),
    "simulated": ("模拟数据", "Simulated data"),
    "period": ("期间", "Period"),
    "scope": ("比较范围", "Comparison set"),
    "scope_province": ("全省县区", "All counties"),
    "scope_prefectures": ("14个市州", "14 prefectures"),
    "vintage": ("数据版本", "Data version"),
    "nav_cockpit": ("总览", "Overview"),
    "nav_rankings": ("排名", "Rankings"),
    "nav_data": ("数据", "Data"),
    "rank": ("名次", "Rank"),
    "region": ("地区", "Region"),
    "score": ("综合得分", "Composite score"),
    "change": ("较上季", "vs last quarter"),
    "interval": ("名次区间(5–95%)", "Rank interval (5–95%)"),
    "median_rank": ("名次中位数", "Median rank"),
    "not_distinct": ("与相邻名次无实质差别", "Not really different from"),
    "rankings_title": ("综合评价排名", "Composite ranking"),
    "rankings_chart": ("综合得分与名次区间", "Scores with rank intervals"),
    "bottom_three": ("后三位", "Bottom three"),
    "quarter_note": ("季度评价按季末数据计算", "Quarterly scores use quarter-end data"),
    "unranked": ("未排名", "Not ranked"),
    "export_xlsx": ("导出 Excel", "Export Excel"),
    "export_csv": ("导出 CSV", "Export CSV"),
}
PILLAR_PREFIX = "pillar_"


def t(key: str, lang: str = DEFAULT_LANG) -> str:
    zh, en = TEXT[key]
    return en if lang == "en" else zh


def lang_of(value: str | None) -> str:
    return value if value in LANGS else DEFAULT_LANG


def fmt_number(x, decimals: int = 1, lang: str = DEFAULT_LANG) -> str:
    """Thousands separators, fixed decimals; missing as — (the Chinese statistical convention)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:,.{decimals}f}"


def fmt_change(change) -> str:
    """Rank change with an arrow: ↑3 moved up three places, ↓2 down, — unchanged or unknown."""
    if change is None or change != change:  # NA
        return "—"
    change = int(change)
    return f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "—"


def quarter_label(quarter: str, lang: str = DEFAULT_LANG) -> str:
    """'2026Q3' -> '2026年三季度' / '2026 Q3'."""
    y, q = quarter[:4], int(quarter[-1])
    if lang == "en":
        return f"{y} Q{q}"
    return f"{y}年{'一二三四'[q - 1]}季度"


def period_label(period: str, lang: str = DEFAULT_LANG) -> str:
    """'2026-10' -> '2026年1-10月' / 'Jan–Oct 2026'; quarters via quarter_label."""
    if "Q" in period:
        return quarter_label(period, lang)
    y, m = int(period[:4]), int(period[5:7])
    if lang == "en":
        months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
        return f"{months[0]} {y}" if m == 1 else f"Jan–{months[m - 1]} {y}"
    return f"{y}年1月" if m == 1 else f"{y}年1-{m}月"
