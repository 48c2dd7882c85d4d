"""KPI cards of the cockpit: a region's headline indicators with YTD value, growth, target, gap in
个百分点, status colour, pace and rank on growth; and the number formats they use (pure)."""

import dash_mantine_components as dmc
import pandas as pd

from indicators import progress
from layouts import attention
from layouts.figures import STATUS_COLOURS
from layouts.i18n import label, period_label, t

HEADLINE = ("GDP", "IVA", "FAI", "RETAIL", "GPBR", "INVEST_IN")  # issue 4: the cockpit's KPI cards
WAN_PER_YI = 10_000  # 1 亿元 = 10,000 万元: levels from 10,000 万元 up are shown in 亿元
# Worst status first: a card with a growth and a level target takes the colour of the worse one.
STATUS_ORDER = ("far", "behind", "near", "ok", "none")
PACE_ARROWS = {progress.DONE: "✔", progress.ON_TRACK: "↑", progress.IMPROVING: "↗",
               progress.STAGNATING: "→", progress.FALLING: "↓", progress.MISSED: "✘"}


# ---------------------------------------------------------------- formats

def fmt_amount(value, unit: str, lang: str = "zh") -> str:
    """A YTD level: 万元 from 10,000 up as 亿元 (429.86亿元), else 万元; 元 whole; '—' when missing."""
    if value is None or pd.isna(value):
        return "—"
    if unit == "万元":
        if abs(value) >= WAN_PER_YI:
            return f"{value / WAN_PER_YI:,.2f}亿元" if lang != "en" else f"{value / 1e5:,.2f} bn yuan"
        return f"{value:,.1f}万元" if lang != "en" else f"{value / 100:,.1f} m yuan"
    if unit == "元":
        return f"{value:,.0f}元" if lang != "en" else f"{value:,.0f} yuan"
    return f"{value:,.1f}{unit}"


def fmt_growth(yoy) -> str:
    return "—" if yoy is None or pd.isna(yoy) else f"{yoy:.1f}%"


def fmt_gap(gap, lang: str = "zh") -> str:
    if gap is None or pd.isna(gap):
        return "—"
    return f"{gap:+.1f}个百分点" if lang != "en" else f"{gap:+.1f} pp"


def status_label(key: str, lang: str = "zh") -> str:
    return label("status", key, lang)


def pace_text(pace, lang: str = "zh") -> str:
    if pace is None or pd.isna(pace):
        return ""
    return f"{PACE_ARROWS[pace]} {label('pace', pace, lang)}"


# ---------------------------------------------------------------- KPI cards

def kpis(growth: pd.DataFrame, levels: pd.Series, prog: pd.DataFrame, home: str, prefectures: list[str],
         cat, as_of: dict | None = None) -> list[dict]:
    """One dict per headline indicator for the home prefecture: level, growth, its rank on growth
    among the prefectures, the progress rows (level target first), the worst status key, and `as_of`
    where the value is from an earlier period than the page's (a quarterly series at a month)."""
    pref = growth.reindex(prefectures)
    ranks = attention.growth_ranks(pref, {c: cat[c].direction for c in pref.columns})
    out = []
    for code in HEADLINE:
        rows = prog[(prog["region_code"] == home) & (prog["indicator"] == code)]
        rows = rows.sort_values("kind", key=lambda k: k.map({"level": 0, "growth": 1}))
        keys = list(rows["status"]) or ["none"]
        rank = ranks[code].get(home) if code in ranks else None
        out.append({
            "code": code, "unit": cat[code].unit, "level": levels.get(code), "yoy": growth[code].get(home),
            "rank": None if rank is None or pd.isna(rank) else int(rank), "n": int(pref[code].notna().sum()),
            "targets": rows.to_dict("records"), "status_key": min(keys, key=STATUS_ORDER.index),
            "as_of": (as_of or {}).get(code)})
    return out


def kpi_card(k: dict, cat, lang: str = "zh") -> dmc.Paper:
    ind = cat[k["code"]]
    has_level = k["level"] is not None and not pd.isna(k["level"])
    big = fmt_amount(k["level"], k["unit"], lang) if has_level else f"{t('cockpit_growth', lang)} {fmt_growth(k['yoy'])}"
    # a quarterly series shown at a month is its last quarter's value: say so on the card
    name = ind.name(lang) + (f"（{period_label(k['as_of'], lang)}）" if k.get("as_of") else "")
    lines = [dmc.Text(name, fw=600, size="sm"), dmc.Text(big, fw=700, size="xl", className="kpi-value")]
    if has_level:
        lines.append(dmc.Text(f"{t('cockpit_growth', lang)} {fmt_growth(k['yoy'])}", size="sm"))
    for r in k["targets"]:
        lines.append(dmc.Group(gap=6, wrap="wrap", children=[
            dmc.Badge(status_label(r["status"], lang), color=STATUS_COLOURS[r["status"]], variant="filled",
                      size="sm"),
            dmc.Text(_target_text(r, k["unit"], lang), size="xs"),
        ]))
        if r["compare"] == progress.COMPLETION and pace_text(r["pace"], lang):
            lines.append(dmc.Text(pace_text(r["pace"], lang), size="xs", c="dimmed"))
    if not k["targets"]:
        lines.append(dmc.Text(t("cockpit_no_target", lang), size="xs", c="dimmed"))
    rank = "—" if k["rank"] is None else t("cockpit_growth_rank", lang).format(r=k["rank"], n=k["n"])
    lines.append(dmc.Text(rank, size="xs", c="dimmed"))
    return dmc.Paper(dmc.Stack(lines, gap=4), withBorder=True, p="sm", radius="sm", className="kpi-card",
                     style={"borderLeft": f"6px solid {STATUS_COLOURS[k['status_key']]}"},
                     **{"data-indicator": k["code"], "data-status": k["status_key"]})


def _target_text(r: dict, unit: str, lang: str) -> str:
    gap = fmt_gap(r["gap_shown_pp"], lang)  # the difference of the printed figures (progress.shown_gap)
    if r["compare"] == progress.COMPLETION:
        return t("cockpit_completion", lang).format(
            target=fmt_amount(r["target"], unit, lang), c=_pct(r["completion_pct"]), s=_pct(r["schedule_linear_pct"]),
            gap=gap)
    if r["compare"] == progress.GROWTH:
        return t("cockpit_target_growth", lang).format(target=_pct(r["target"]), gap=gap)
    return t("cockpit_target_rate", lang).format(target=_pct(r["target"]), gap=gap)


def _pct(x) -> str:
    return "—" if x is None or pd.isna(x) else f"{x:.1f}"
