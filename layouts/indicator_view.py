"""指标 page builders (pure): one indicator across the comparison set at a period — values and ranks, the ranked
bar chart with the province median and the target line, the distribution, selected counties over two years, the grid."""

import pandas as pd
import plotly.graph_objects as go

from indicators.ranking import rank
from indicators.reading import rank_measure
from layouts import tile_map
from layouts.figures import BOTTOM_COLOUR, DENSE_HEIGHT, INTERVAL_COLOUR, NAMED_ROWS_MAX, STATUS_COLOURS, TEMPLATE
from layouts.i18n import fmt_number, label, period_label, t
from layouts.ranking_table import RANKS_LAST
from layouts.shell import unit_path
from loaders import regions as regions_mod

DEFAULT_CODE = "FAI"
MAX_SERIES = 5
MEDIAN_COLOUR = "#495057"
TARGET_COLOUR = STATUS_COLOURS["ok"]
SERIES_COLOURS = ("#4263eb", "#e8590c", "#2f9e44", "#ae3ec9", "#1098ad")
# The catalogue's units are Chinese; the English page shows these instead (values are never rescaled).
EN_UNITS = {"万元": "10k yuan", "元": "yuan", "家": "firms", "件": "cases", "万千瓦时": "10k kWh"}


def indicator_of(code: str | None, catalogue):
    """The catalogue entry for a code from the URL (any case); an unknown or missing code gives DEFAULT_CODE."""
    code = (code or "").upper()
    return catalogue[code] if code in catalogue else catalogue[DEFAULT_CODE]


def main_measure(ind) -> str:
    """What the page ranks on: the measure every page ranks the indicator on (reading.rank_measure)."""
    return rank_measure(ind)


def level_measure(ind) -> str | None:
    """The measure holding the indicator's amount (cum_level or ratio), None for growth-only indicators."""
    if ind.value_type in ("ratio", "derived"):
        return "ratio"
    return "cum_level" if "cum_level" in ind.measures else None


def unit_of(ind, measure: str, lang: str = "zh") -> str:
    if measure in ("cum_yoy", "ratio"):
        return "%"
    return EN_UNITS.get(ind.unit, ind.unit) if lang == "en" else ind.unit


def values_at(obs: pd.DataFrame, ind, period: str, units: list[str], names: dict[str, str]) -> pd.DataFrame:
    """Per unit (given order): region_name, level, growth, value (the main measure) and rank on it (1 = best; for
    direction −1 the lowest value; units without a value have no rank)."""
    at = obs[(obs["period"] == period) & (obs["indicator"] == ind.code) & obs["region_code"].isin(units)]
    by = {m: at[at["measure"] == m].set_index("region_code")["value"].astype(float) for m in ("cum_level", "ratio",
                                                                                                 "cum_yoy")}
    level_m = level_measure(ind)
    out = pd.DataFrame(index=pd.Index(units, name="region_code"))
    out["region_name"] = [names.get(u, u) for u in units]
    out["level"] = by[level_m].reindex(units) if level_m else float("nan")
    out["growth"] = by["cum_yoy"].reindex(units)
    out["value"] = by[main_measure(ind)].reindex(units)
    # a neutral indicator (direction 0) is not ranked, as on the county page
    out["rank"] = rank(out["value"] * ind.direction) if ind.direction else pd.array([pd.NA] * len(out), dtype="Int64")
    return out


MAX_TILES = 300  # a province has at most ~120 county-level units; beyond that tiles are too small to read


def tile_map_figure(frame: pd.DataFrame, ind, scope: str, title: str, lang: str = "zh") -> go.Figure | None:
    """The comparison set's units as tiles coloured by the indicator (green = better, whatever its direction);
    None for a comparison set too large to draw as tiles."""
    if len(frame) > MAX_TILES:
        return None
    regions = regions_mod.default()
    units = [regions[c] for c in frame.index]
    table = pd.DataFrame({"score": frame["value"], "rank": frame["rank"]}, index=frame.index)
    tiles = tile_map.tiles(units, table, layout_key=scope.removeprefix("city:") if scope.startswith("city:") else None)
    small = len(units) > 20
    measure = main_measure(ind)
    return tile_map.tile_figure(tiles, title=title, colour_title=unit_of(ind, measure, lang),
                                rank_word=t("indicator_rank_word", lang), reverse=ind.direction == -1,
                                detail=not small, tile_px=34 if small else 84, font_size=9 if small else 12,
                                value_format="{:.1f}" if measure != "cum_level" else "{:,.0f}")


def median_of(obs: pd.DataFrame, ind, period: str, peers: list[str]) -> float:
    """The median of the main measure over `peers` (the province's counties, or its prefectures)."""
    at = obs[(obs["period"] == period) & (obs["indicator"] == ind.code) & (obs["measure"] == main_measure(ind))
             & obs["region_code"].isin(peers)]
    return float(at["value"].median()) if len(at) else float("nan")


def common_target(targets: pd.DataFrame, ind, units: list[str]) -> float | None:
    """The growth target when every unit of the set that has one shares the same value (a line can stand for all)."""
    if main_measure(ind) != "cum_yoy":
        return None
    tg = targets[(targets["indicator"] == ind.code) & (targets["kind"] == "growth") & targets["region_code"].isin(units)]
    values = tg["value"].dropna().round(6).unique()
    return float(values[0]) if len(values) == 1 else None


def default_selection(frame: pd.DataFrame) -> list[str]:
    """The best, the worst and the median unit of the set (by rank), without repeats."""
    ranked = frame.dropna(subset=["rank"]).sort_values(["rank", "region_name"], kind="stable")
    if ranked.empty:
        return []
    picks = [ranked.index[0], ranked.index[-1], ranked.index[(len(ranked) - 1) // 2]]
    return list(dict.fromkeys(picks))


def _axis_title(ind, measure: str, lang: str) -> str:
    return f"{label('measure', measure, lang)}（{unit_of(ind, measure)}）" if lang == "zh" \
        else f"{label('measure', measure, lang)} ({unit_of(ind, measure, lang)})"


def _vline(fig: go.Figure, x: float, colour: str, label: str, dash: str, values: pd.Series, *, below: bool = False,
           shift: int = 0) -> None:
    """A vertical reference line labelled below the plot (`below`, `shift` pixels further down) or inside its top
    edge (above it sits the chart's toolbar); the label extends towards the middle of `values` so it stays on screen."""
    fig.add_vline(x=x, line={"color": colour, "dash": dash, "width": 1.5})
    right_half = len(values) and x > (values.min() + values.max()) / 2
    fig.add_annotation(x=x, y=0 if below else 1, xref="x", yref="paper", text=label, showarrow=False,
                       font={"color": colour, "size": 11}, bgcolor="rgba(255,255,255,0.85)",
                       xanchor="right" if right_half else "left", yanchor="top", yshift=-shift)


def ranked_bar(frame: pd.DataFrame, ind, median: float, target: float | None, lang: str = "zh") -> go.Figure:
    """Horizontal bars, best at the top; negative growth in red; the province median (grey dashed) and the common
    growth target (green dashed) as vertical lines."""
    measure = main_measure(ind)
    ranked = frame.dropna(subset=["value"]).sort_values(["rank", "region_name"], kind="stable")
    colours = [BOTTOM_COLOUR if measure == "cum_yoy" and v < 0 else INTERVAL_COLOUR for v in ranked["value"]]
    unit = unit_of(ind, measure)
    decimals = 0 if unit in ("家", "件", "元") else 1
    named = len(ranked) <= NAMED_ROWS_MAX  # as the rankings chart: a national set is drawn dense, names on hover
    y = ranked["region_name"] if named else ranked["region_name"] + "（" + ranked.index.astype(str) + "）"
    fig = go.Figure(go.Bar(
        y=y, x=ranked["value"], orientation="h", marker_color=colours,
        customdata=ranked[["rank"]].astype(float).to_numpy(),
        hovertemplate="%{y}<br>" + _axis_title(ind, measure, lang) + " %{x:,." + str(decimals) + "f}<br>"
                      + t("rank", lang) + " %{customdata[0]:.0f}<extra></extra>"))
    if median == median:
        _vline(fig, median, MEDIAN_COLOUR, f"{t('indicator_median', lang)} {fmt_number(median, decimals)}", "dash",
               ranked["value"], below=True)
    if target is not None:
        _vline(fig, target, TARGET_COLOUR, f"{t('indicator_target', lang)} {fmt_number(target, 1)}", "dot",
               ranked["value"], below=True, shift=18)
    fig.update_layout(
        template=TEMPLATE, height=max(320, 17 * len(ranked) + 120) if named else DENSE_HEIGHT, showlegend=False,
        margin={"l": 10, "r": 10, "t": 60, "b": 56},
        xaxis={"title": {"text": _axis_title(ind, measure, lang), "standoff": 4}, "side": "top", "zeroline": True,
               "zerolinecolor": "#adb5bd"},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 11}, "dtick": 1 if named else None,
               "showticklabels": named})
    return fig


def histogram(frame: pd.DataFrame, ind, median: float, lang: str = "zh") -> go.Figure:
    """The distribution of the main measure over the set, with the province median."""
    measure = main_measure(ind)
    values = frame["value"].dropna()
    fig = go.Figure(go.Histogram(x=values, nbinsx=min(20, max(5, len(values) // 3)), marker_color=INTERVAL_COLOUR,
                                 opacity=0.8, hovertemplate="%{x}<br>" + t("indicator_count", lang) + " %{y}<extra></extra>"))
    if median == median:
        _vline(fig, median, MEDIAN_COLOUR, f"{t('indicator_median', lang)} {fmt_number(median, 1)}", "dash", values)
    fig.update_layout(template=TEMPLATE, height=300, margin={"l": 10, "r": 10, "t": 30, "b": 40},
                      bargap=0.05, xaxis={"title": _axis_title(ind, measure, lang)},
                      yaxis={"title": t("indicator_count", lang), "dtick": 1 if len(values) <= 20 else None})
    return fig


def series_figure(obs: pd.DataFrame, ind, selected: list[str], names: dict[str, str], period: str,
                  lang: str = "zh") -> go.Figure:
    """The main measure of up to MAX_SERIES units over the previous and the current year, up to `period`; the line
    breaks at the new year (year-to-date figures restart)."""
    measure = main_measure(ind)
    year = int(period[:4])
    mine = obs[(obs["indicator"] == ind.code) & (obs["measure"] == measure) & (obs["period"] <= period)
               & (obs["period"] >= f"{year - 1}-01")]
    fig = go.Figure()
    for n, code in enumerate(selected[:MAX_SERIES]):
        rows = mine[mine["region_code"] == code].sort_values("period")
        x, y, labels = [], [], []
        for y_ in (year - 1, year):
            part = rows[rows["period"].str[:4] == str(y_)]
            if x and len(part):
                x.append(None)
                y.append(None)
                labels.append("")
            x += [f"{p}-01" for p in part["period"]]
            y += part["value"].tolist()
            labels += [period_label(p, lang) for p in part["period"]]
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines+markers", name=names.get(code, code), customdata=labels,
                                 line={"color": SERIES_COLOURS[n % len(SERIES_COLOURS)], "width": 2},
                                 marker={"size": 5}, connectgaps=False,
                                 hovertemplate="%{fullData.name}<br>%{customdata}<br>%{y:,.1f}<extra></extra>"))
    fig.update_layout(
        template=TEMPLATE, height=340, margin={"l": 10, "r": 10, "t": 30, "b": 40},
        legend={"orientation": "h", "y": -0.18, "x": 0},
        xaxis={"type": "date", "tickformat": "%Y-%m", "dtick": "M3"},
        yaxis={"title": _axis_title(ind, measure, lang), "zeroline": True, "zerolinecolor": "#adb5bd"})
    return fig


def grid_rows(frame: pd.DataFrame, city_names: dict[str, str], qs: str) -> list[dict]:
    """Grid rows, best first: region (a link to its county or prefecture page), its prefecture, level, growth,
    rank."""
    regions = regions_mod.default()
    out = []
    for code, r in frame.sort_values(["rank", "region_name"], na_position="last", kind="stable").iterrows():
        out.append({"region_code": code, "region": f"[{r['region_name']}]({unit_path(code, regions)}{qs})",
                    "city": city_names.get(code, ""), "level": _f(r["level"]), "growth": _f(r["growth"]),
                    "rank": None if pd.isna(r["rank"]) else int(r["rank"])})
    return out


def _f(x):
    return None if x is None or x != x else round(float(x), 2)


def grid_columns(ind, lang: str = "zh", with_city: bool = True) -> list[dict]:
    level_m = level_measure(ind)
    num = {"function": "params.value == null ? '—' : d3.format(',.1f')(params.value)"}
    cols = [{"field": "rank", "headerName": t("rank", lang), "width": 90, "sort": "asc", "filter": False,
             "comparator": RANKS_LAST},
            {"field": "region", "headerName": t("region", lang), "cellRenderer": "markdown", "minWidth": 160, "flex": 2,
             "filter": "agTextColumnFilter"}]
    if with_city:
        cols.append({"field": "city", "headerName": t("indicator_prefecture", lang), "minWidth": 120, "flex": 1,
                     "filter": True})
    if level_m:
        cols.append({"field": "level", "headerName": _axis_title(ind, level_m, lang), "minWidth": 150,
                     "flex": 1, "valueFormatter": num, "type": "rightAligned"})
    if "cum_yoy" in ind.measures:
        cols.append({"field": "growth", "headerName": _axis_title(ind, "cum_yoy", lang), "minWidth": 130,
                     "flex": 1, "valueFormatter": num, "type": "rightAligned",
                     "cellClassRules": {"cell-lagging": "params.value != null && params.value < 0"}})
    return cols
