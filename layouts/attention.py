"""需要关注: the counties of a prefecture that a leader should ask about, in the sentences a leader
uses ("西和县固定资产投资增速-16.4%，全省倒数第2"), worst first (pure: frames in, sentences out)."""

import pandas as pd

from indicators import progress, ranking

# "Last or second-to-last in the province" (issue 4): the places a dispatch meeting names.
BOTTOM_PLACES = 2
MAX_ITEMS = 12
# Worst first: last in the province, second-to-last, negative growth, far behind 序时进度.
LAST, SECOND_LAST, NEGATIVE, BEHIND = 0, 1, 2, 3


def growth_ranks(growth: pd.DataFrame, directions: dict[str, int], worst_first: bool = False) -> pd.DataFrame:
    """Rank of each unit (rows) on each indicator's growth (columns) among the units with a value:
    1 = best, or with worst_first 1 = worst (倒数第1). Ties share the smaller rank."""
    out = {}
    for code in growth.columns:
        sign = directions.get(code, 1) or 1
        out[code] = ranking.rank(growth[code] * (-sign if worst_first else sign))
    return pd.DataFrame(out, index=growth.index)


def items(growth: pd.DataFrame, prog: pd.DataFrame, counties: list[str], names: dict[str, str], cat,
          limit: int = MAX_ITEMS) -> list[dict]:
    """One item per county × indicator with something to say: negative growth, last or second-to-last
    among the province's counties (the rows of `growth`), or below 序时进度 by more than the 落后
    threshold (completion rows of the progress table). Each: code, indicator, key, zh, en."""
    bottom = growth_ranks(growth, {c: cat[c].direction for c in growth.columns}, worst_first=True)
    facts: dict[tuple, dict] = {}
    for code in counties:
        if code not in growth.index:
            continue
        for ind in growth.columns:
            yoy = growth.at[code, ind]
            if pd.isna(yoy):
                continue
            place = bottom.at[code, ind]
            if pd.notna(place) and int(place) <= BOTTOM_PLACES and growth[ind].notna().sum() > BOTTOM_PLACES:
                facts[(code, ind)] = {"growth": (LAST if int(place) == 1 else SECOND_LAST, yoy, int(place))}
            elif progress.growth_status(yoy) == progress.NEGATIVE:
                facts[(code, ind)] = {"growth": (NEGATIVE, yoy, None)}
    behind = prog[(prog["compare"] == progress.COMPLETION) & prog["region_code"].isin(counties)
                  & prog["indicator"].isin(growth.columns)
                  & (prog["gap_pp"].round(progress.GAP_DECIMALS) < progress.THRESHOLDS.level_behind)]
    for r in behind.itertuples():
        facts.setdefault((r.region_code, r.indicator), {})["behind"] = (BEHIND, r.gap_pp, r.completion_pct)
    out = []
    for (code, ind), f in facts.items():
        worst = min(f.values())
        zh, en = _sentences(names[code], cat[ind], f)
        out.append({"code": code, "indicator": ind, "key": (worst[0], worst[1], code, ind), "zh": zh, "en": en})
    return sorted(out, key=lambda i: i["key"])[:limit]


def _sentences(name: str, ind, f: dict) -> tuple[str, str]:
    zh, en = [], []
    if "growth" in f:
        kind, yoy, place = f["growth"]
        zh.append(f"{name}{ind.name_zh}增速{yoy:.1f}%，" + (f"全省倒数第{place}" if place else "负增长"))
        en.append(f"{name}: {ind.name_en} growth {yoy:.1f}%, "
                  + (("lowest" if place == 1 else f"{_ordinal(place)} lowest") + " in the province" if place
                     else "negative"))
    if "behind" in f:
        _, gap, done = f["behind"]
        head_zh, head_en = ("", "") if zh else (f"{name}{ind.name_zh}", f"{name}: {ind.name_en} ")
        zh.append(f"{head_zh}完成年度目标的{done:.1f}%，低于序时进度{-gap:.1f}个百分点")
        en.append(f"{head_en}at {done:.1f}% of the annual target, {-gap:.1f} pp behind schedule")
    return "；".join(zh), "; ".join(en)


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
