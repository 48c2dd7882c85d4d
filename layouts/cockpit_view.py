"""总览 builders: what the cockpit reads (cached by data state) and pure builders from its frames
to components: the home prefecture's score, rank and trend, KPI cards, tile maps, 需要关注."""

import dash_mantine_components as dmc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc
from plotly.subplots import make_subplots

from indicators import pipeline, reading
from indicators import rules as rules_mod
from layouts import attention, data, ids, tile_map
from layouts.export import to_csv, to_xlsx
from layouts.figures import TEMPLATE
from layouts.i18n import fmt_change, period_label, score_label, t
from layouts.kpi_cards import HEADLINE
from layouts.plotly_locale import graph_config
from layouts.shell import search_from_state, state_from_search, state_text
from loaders import catalogue as catalogue_mod
from loaders import regions as regions_mod

BOTTOM_THREE = 3  # the rank is shown in red in the bottom three, as on the rankings page


# ---------------------------------------------------------------- reading (cached by data state)

def home_prefecture(scope: str | None, regions=None) -> str:
    """The prefecture the cockpit is about: the one in a city:XXXXXX scope, else the deployment's home city
    (MONITOR_CITY; a municipality is its own)."""
    regions = regions or regions_mod.default()
    code = (scope or "").removeprefix("city:") if (scope or "").startswith("city:") else ""
    ok = code in regions and regions.city_of(code) == code and regions.counties_of(code)
    return code if ok else regions_mod.home()


def collect(quarter: str, home: str, month: str | None = None) -> reading.Cockpit:
    """The score at `quarter`; the headline indicators and targets at `month` (default the quarter's end)."""
    return reading.cockpit(data.snap(), quarter, home, month or pipeline.quarter_period(quarter), HEADLINE)


# ---------------------------------------------------------------- labels, score and trend

def months_label(period: str, lang: str = "zh") -> str:
    """'2026-09' → '1-9月' / 'Jan–Sep 2026' (the quarter's year-to-date span)."""
    label = period_label(period, lang)
    return label.split("年", 1)[1] if lang != "en" else label


def when_label(quarter: str, period: str, lang: str = "zh") -> str:
    """'2026年三季度（1-9月）' / '2026 Q3 (Jan–Sep 2026)'; at a month past the quarter
    '2026年1-10月（综合得分为2026年三季度）' / 'Jan–Oct 2026 (composite score: 2026 Q3)'."""
    q, m = period_label(quarter, lang), months_label(period, lang)
    if period != pipeline.quarter_period(quarter):
        full = period_label(period, lang)
        return f"{full} (composite score: {q})" if lang == "en" else f"{full}（综合得分为{q}）"
    return f"{q} ({m})" if lang == "en" else f"{q}（{m}）"


def score_summary(table: pd.DataFrame, home: str) -> dict:
    """The home prefecture's score, rank, change and the number ranked (from a prefectures scorecard)."""
    r = table.loc[home]
    n = int(table["rank"].notna().sum())
    rank = None if pd.isna(r["rank"]) else int(r["rank"])
    change = r.get("rank_change")
    return {"name": r["region_name"], "score": None if pd.isna(r["score"]) else float(r["score"]), "rank": rank,
            "n": n, "change": None if change is None or pd.isna(change) else int(change)}


def trend_figure(history: dict, home: str, lang: str = "zh") -> go.Figure:
    """Rank (top panel, 1 at the top) and score (bottom panel) of the home prefecture, oldest quarter first."""
    x = [_short_quarter(q, lang) for q in history]
    ranks = [_int(card.table["rank"].get(home)) for card in history.values()]
    scores = [_num(card.table["score"].get(home)) for card in history.values()]
    n = max((int(card.table["rank"].max()) for card in history.values() if card.table["rank"].notna().any()),
            default=14)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.55, 0.45])
    fig.add_trace(go.Scatter(x=x, y=ranks, name=t("rank", lang), mode="lines+markers+text", text=ranks,
                             textposition="top center", textfont={"size": 11}, line={"color": "#1c7ed6", "width": 2},
                             hovertemplate="%{x}<br>" + t("rank", lang) + " %{y}<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(x=x, y=scores, name=t("score", lang), mode="lines+markers",
                             line={"color": "#495057", "width": 1.5},
                             hovertemplate="%{x}<br>" + t("score", lang) + " %{y:.2f}<extra></extra>"), row=2, col=1)
    fig.update_layout(template=TEMPLATE, height=300, margin={"l": 44, "r": 10, "t": 30, "b": 40},
                      title={"text": t("cockpit_trend", lang), "font": {"size": 13}}, showlegend=False)
    fig.update_xaxes(tickfont={"size": 10}, fixedrange=True, tickangle=0)
    fig.update_yaxes(title={"text": t("rank", lang), "font": {"size": 11}}, range=[n + 1.5, -0.5],
                     tickvals=[1, (n + 1) // 2, n], fixedrange=True, row=1, col=1)
    fig.update_yaxes(title={"text": t("score", lang), "font": {"size": 11}}, tickformat=".0f", nticks=4,
                     fixedrange=True, row=2, col=1)
    return fig


def score_panel(s: dict, lang: str = "zh", home: str | None = None, qs: str = "") -> dmc.Paper:
    """The big number: score, rank among the prefectures (red in the bottom three) and the change; the
    prefecture's name opens its page (/prefecture/<home>, keeping the query string)."""
    name = dcc.Link(s["name"], href=f"/prefecture/{home}{qs}", id=f"{ids.COCKPIT_SCORE}-link") if home else s["name"]
    rank = t("cockpit_rank_of", lang).format(r=s["rank"], n=s["n"]) if s["rank"] else t("cockpit_no_score", lang)
    red = {"c": "red"} if s["rank"] and s["rank"] > s["n"] - BOTTOM_THREE else {}
    return dmc.Paper(id=ids.COCKPIT_SCORE, withBorder=True, p="sm", radius="sm", children=dmc.Stack(gap=2, children=[
        dmc.Text([name, f" · {score_label('prefectures', lang)}"], size="sm", c="dimmed"),
        dmc.Group(gap="md", align="baseline", children=[
            dmc.Text("—" if s["score"] is None else f"{s['score']:.2f}", fw=700, fz=34),
            dmc.Text(rank, fw=600, size="lg", **red),
        ]),
        dmc.Text(f"{t('change', lang)} {fmt_change(s['change'])}", size="sm"),
    ]))


def _short_quarter(quarter: str, lang: str) -> str:
    """'2026Q3' → '26年<br>三季度' / '26<br>Q3': eight of them fit a phone's width."""
    y, q = quarter[2:4], int(quarter[-1])
    return f"{y}<br>Q{q}" if lang == "en" else f"{y}年<br>{'一二三四'[q - 1]}季度"


def _int(x):
    return None if x is None or pd.isna(x) else int(x)


def _num(x):
    return None if x is None or pd.isna(x) else float(x)


# ---------------------------------------------------------------- tile maps, attention, clicks

def county_tiles(card: pipeline.Scorecard, home: str, regions=None) -> pd.DataFrame:
    regions = regions or regions_mod.default()
    return tile_map.tiles(regions.counties_of(home), card.table, layout_key=home)


def prefecture_tiles(card: pipeline.Scorecard, regions=None) -> pd.DataFrame:
    regions = regions or regions_mod.default()
    return tile_map.tiles(regions.of_level("prefecture"), card.table)


def maps(ck: reading.Cockpit, regions, lang: str = "zh") -> dmc.SimpleGrid:
    """The county tile map (clicks open a county) beside the 14 prefectures with the home one outlined."""
    city, when = regions[ck.home].name, period_label(ck.quarter, lang)
    county = tile_map.tile_figure(county_tiles(ck.city, ck.home, regions), colour_title=score_label("city", lang),
                                  title=f"{t('cockpit_county_map', lang).format(city=city)} · {when}",
                                  rank_word=t("cockpit_rank_in_city", lang))
    pref = tile_map.tile_figure(prefecture_tiles(ck.prefectures, regions), colour_title=score_label("prefectures", lang),
                                title=f"{t('cockpit_pref_map', lang)} · {when}", highlight=ck.home,
                                rank_word=t("cockpit_rank_in_province", lang), tile_px=64, font_size=11)
    return dmc.SimpleGrid(cols={"base": 1, "md": 2}, spacing="sm", className="print-cols-2 print-page-break", children=[
        dmc.Stack(gap=2, children=[
            dcc.Graph(id=ids.COCKPIT_COUNTY_MAP, figure=county, className="print-keep-aspect", config=graph_config(lang, f"counties_{ck.home}_{ck.quarter}")),
            dmc.Text(t("cockpit_map_hint", lang), size="xs", c="dimmed", className="no-print")]),
        dmc.Stack(gap=2, children=[
            dcc.Graph(id=ids.COCKPIT_PREF_MAP, figure=pref, className="print-keep-aspect", config=graph_config(lang, f"prefectures_{ck.quarter}")),
            dmc.Text(t("cockpit_pref_hint", lang), size="xs", c="dimmed", className="no-print")]),
    ])


def needs_attention(ck: reading.Cockpit, regions, cat) -> tuple[list[dict], int]:
    """The 需要关注 lines for the home prefecture's counties (the year's attention rules, indicators/rules.py), and
    how many counties the province has (the set they are judged against)."""
    found = reading.attention(data.snap(), ck.period, ck.quarter, ck.home)
    return attention.lines(found, cat), len(regions.of_level("county"))


def attention_block(ck: reading.Cockpit, regions, cat, qs: str, lang: str = "zh") -> tuple[str, object]:
    """(the rule line under the heading, the list) of 需要关注; a rules file that does not load shows its problems
    (each names the file, the rule and the fix) instead of a list."""
    try:
        found, n_counties = needs_attention(ck, regions, cat)
        rule = attention.rule_text(reading.rules_for(int(ck.period[:4])), n_counties, lang)
    except rules_mod.RulesError as exc:
        return "", dmc.Alert(dmc.List([dmc.ListItem(m) for m in exc.messages], size="sm"), color="red",
                             title=t("cockpit_attention_rules_error", lang))
    return rule, attention_list(found, qs, lang)


def attention_list(found: list[dict], qs: str, lang: str = "zh") -> dmc.Stack:
    """The lines as links to each county's page, worst first; a calm line when there are none."""
    if not found:
        return dmc.Stack([dmc.Text(t("cockpit_attention_none", lang), size="sm", c="dimmed")])
    return dmc.Stack(gap=4, className="attention-list", children=[
        dcc.Link(f"{n}. {item['en' if lang == 'en' else 'zh']}", href=f"/county/{item['code']}{qs}",
                 className=f"attention-item attention-{item['cls']}")
        for n, item in enumerate(found, start=1)])


def attention_file(quarter: str, month: str, home: str, fmt: str, lang: str = "zh") -> tuple[bytes, str, int]:
    """Every finding of the attention rules for the home prefecture's counties (not only the lines shown) as an
    .xlsx (title row: the list, the prefecture, the period and the data state) or a .csv: (bytes, file name, rows)."""
    snap = data.snap()
    frame, cols = attention.export_table(reading.attention(snap, month, quarter, home), catalogue_mod.default(), lang)
    stem = f"attention_{home}_{month}_{snap.data_state}"
    if fmt == "csv":
        return to_csv(frame, cols), f"{stem}.csv", len(frame)
    title = (f"{t('cockpit_attention', lang)} · {regions_mod.default()[home].name} · {when_label(quarter, month, lang)}"
             f"（{state_text(snap.data_state, lang)}）")
    return to_xlsx(frame, cols, title=title, sheet=t("cockpit_attention", lang)), f"{stem}.xlsx", len(frame)


def click_href(click: dict | None, search: str | None, kind: str, with_counties: set[str] | None = None) -> str | None:
    """Where a click on a tile goes: a county tile to /county/<code>, a prefecture tile to the cockpit of
    that prefecture (scope=city:<code>, only prefectures with counties); the query string is kept."""
    points = (click or {}).get("points") or []
    code = points[0].get("customdata") if points else None
    if not code:
        return None
    state = state_from_search(search)
    if kind == "county":
        return f"/county/{code}{search_from_state(state)}"
    if with_counties is not None and code not in with_counties:
        return None
    return "/" + search_from_state(state | {"scope": f"city:{code}"})
