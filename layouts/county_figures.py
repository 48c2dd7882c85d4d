"""Figures of the county page: the points waterfall and one indicator over the year with its target
path and last year (pure: DataFrames in, plotly Figures out)."""

import pandas as pd
import plotly.graph_objects as go

from indicators import progress
from layouts.county_view import YI, unit_above
from layouts.figures import INTERVAL_COLOUR, STATUS_COLOURS, TEMPLATE
from layouts.i18n import t

MONTHS_EN = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
LABEL_WRAP = 9  # characters per line of an indicator name on the waterfall's axis (phones are narrow)
PREVIOUS_COLOUR = "#868e96"
REVISION_COLOUR = "#f76707"
SERIES_HEIGHT = 440


def month_label(m: int, lang: str = "zh") -> str:
    """1-9月 / Jan–Sep (year to date), 1月 / Jan."""
    if lang == "en":
        return MONTHS_EN[0] if m == 1 else f"Jan–{MONTHS_EN[m - 1]}"
    return "1月" if m == 1 else f"1-{m}月"


def _wrap(name: str, n: int = LABEL_WRAP) -> str:
    if " " in name or len(name) <= n:  # English names are left whole: plotly does not break words
        return name
    return "<br>".join(name[i:i + n] for i in range(0, len(name), n))


def _points_text(v: float) -> str:
    return "0.00" if abs(v) < 0.005 else f"{v:+.2f}"  # never "-0.00"


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(template=TEMPLATE, height=height, margin={"l": 10, "r": 20, "t": 70, "b": 30},
                      title={"text": title, "font": {"size": 14}, "x": 0.01, "xanchor": "left", "y": 0.97,
                             "yanchor": "top"}, separators=".,")
    return fig


# ---------------------------------------------------------------- waterfall

def waterfall_height(n_indicators: int) -> int:
    """Pixels for n bars and the total: the page sizes the graph's box with it (responsive graphs)."""
    return max(320, 30 * (n_indicators + 1) + 110)


def points_figure(card, pts: pd.Series, code: str, vs: str, region_names: dict[str, str], catalogue,
                  lang: str = "zh", prefix: str = "county") -> go.Figure:
    """The waterfall of one unit's points (`pts`, a row of explain.points[vs]) with its title: against the mean of
    the comparison set or the unit one place above (texts `{prefix}_vs_mean` …: county_ for the province's counties,
    pref_ for the prefectures)."""
    names = {c: catalogue[c].name(lang) for c in card.scheme.codes}
    score = card.table.loc[code, "score"]
    if vs == "vs_mean":
        ref, ref_score = t(f"{prefix}_ref_mean", lang), score - pts.sum()
    else:
        above = unit_above(card.table, code)
        ref = region_names.get(above, above or "")
        ref_score = card.table.loc[above, "score"] if above else float("nan")
    title = t(f"{prefix}_vs_mean" if vs == "vs_mean" else f"{prefix}_vs_above", lang)
    if ref_score == ref_score and score == score:
        sub = t("county_points_sub", lang).format(name=region_names.get(code, code), score=f"{score:.2f}",
                                                  ref=ref, ref_score=f"{ref_score:.2f}", diff=f"{score - ref_score:+.2f}")
        title = f"{title}<br><span style='font-size:12px;color:#495057'>{sub}</span>"
    return points_waterfall(pts, names, title, lang, empty_note=t(f"{prefix}_first_place", lang))


def points_waterfall(pts: pd.Series, names: dict[str, str], title: str, lang: str = "zh",
                     empty_note: str = "") -> go.Figure:
    """Points gained (green) or lost (red) per indicator, largest gain on top, and their total (blue)."""
    pts = pts.dropna().astype(float)
    fig = go.Figure()
    if pts.empty:
        fig.add_annotation(text=empty_note, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return _layout(fig, title, 200)
    order = pts.sort_values(ascending=False)
    labels = [_wrap(names.get(c, c)) for c in order.index] + [t("county_total", lang)]
    values = list(order.to_numpy()) + [float(order.sum())]
    fig.add_trace(go.Waterfall(
        orientation="h", y=labels, x=values, measure=["relative"] * len(order) + ["total"],
        text=[_points_text(v) for v in values], textposition="outside", cliponaxis=False,
        increasing={"marker": {"color": STATUS_COLOURS["ok"]}},
        decreasing={"marker": {"color": STATUS_COLOURS["far"]}},
        totals={"marker": {"color": INTERVAL_COLOUR}}, connector={"line": {"color": "#ced4da", "width": 1}},
        customdata=[names.get(c, c) for c in order.index] + [t("county_total", lang)],
        hovertemplate="%{customdata}: %{text}<extra></extra>"))
    steps = order.cumsum()
    lo, hi = min(0.0, float(steps.min())), max(0.0, float(steps.max()))
    pad = 0.25 * max(hi - lo, 0.1)  # room for the +0.00 labels outside the bars
    fig.update_xaxes(range=[lo - pad, hi + pad], zeroline=True, zerolinecolor="#495057", title=t("score", lang))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(showlegend=False)
    return _layout(fig, title, waterfall_height(len(order)))


# ---------------------------------------------------------------- one indicator over the year

def series_measure(ind, has_level_target: bool) -> str:
    """What the chart shows: levels when there is a level target to compare them with (or no growth),
    otherwise year-to-date growth, which is what leaders track."""
    if ind.value_type in ("ratio", "derived"):
        return "ratio"
    if ind.value_type == "growth":
        return "cum_yoy"
    if ind.value_type == "level":
        return "cum_level"
    return "cum_level" if has_level_target else "cum_yoy"


def series_frame(obs: pd.DataFrame, ind, measure: str, year: int, last_month: int, region: str,
                 level_target: float | None = None) -> pd.DataFrame:
    """By month of the indicator: this year's values up to `last_month`, last year's, and for a level
    target the linear and seasonal 序时 paths (annual target × share of the year, from progress)."""
    months = list(ind.months)
    mine = obs[(obs["indicator"] == ind.code) & (obs["measure"] == measure)]
    per = mine.assign(year=mine["period"].str[:4].astype(int), month=mine["period"].str[5:7].astype(int))
    out = pd.DataFrame(index=pd.Index(months, name="month"))
    cur = per[(per["year"] == year) & (per["month"] <= last_month)].set_index("month")["value"]
    out["current"] = cur.reindex(months).astype(float)
    out["previous"] = per[per["year"] == year - 1].set_index("month")["value"].reindex(months).astype(float)
    if level_target is not None and measure == "cum_level":
        out["linear"] = level_target * progress.linear_schedule(pd.Series(months, index=months)) / 100
        sh = progress.seasonal_shares(obs, ind.code, [year], regions=[region], months=months)
        out["seasonal"] = level_target * sh.set_index("month")["share_pct"].reindex(months).astype(float) / 100
    return out


def revisions(history: pd.DataFrame, measure: str, years: list[int]) -> pd.DataFrame:
    """Periods whose committed value changed between uploads: period, year, month, value (the current
    one: the version Store.value_history marks current, else the newest) and chain ('4.1 → 3.7', oldest first).
    Re-sending the same figure is not a revision."""
    h = history[(history["measure"] == measure) & (history["status"] == "committed")]
    h = h[h["period"].str[:4].astype(int).isin(years)].sort_values(["period", "upload_id"])
    rows = []
    for period, g in h.groupby("period", sort=True):
        values = g["value"].astype(float).round(6).tolist()
        distinct = [v for n, v in enumerate(values) if n == 0 or v != values[n - 1]]
        if len(set(distinct)) > 1:
            now = g[g["current"]] if "current" in g else g.iloc[0:0]
            rows.append({"period": period, "year": int(period[:4]), "month": int(period[5:7]),
                         "value": float(now["value"].iloc[-1]) if len(now) else values[-1], "chain": " → ".join(f"{v:g}" for v in distinct)})
    return pd.DataFrame(rows, columns=["period", "year", "month", "value", "chain"])


def _scale(frame: pd.DataFrame, unit: str, measure: str, lang: str) -> tuple[float, str]:
    if measure == "cum_yoy":
        return 1.0, t("county_series_growth", lang)
    if measure == "ratio":
        return 1.0, "%"
    if unit == "万元" and frame.abs().max().max() >= YI:
        return YI, "亿元" if lang == "zh" else "100m yuan"
    return 1.0, unit if lang == "zh" else {"万元": "10k yuan", "元": "yuan"}.get(unit, unit)


def series_figure(frame: pd.DataFrame, ind, measure: str, year: int, lang: str = "zh",
                  growth_target: float | None = None, revised: pd.DataFrame | None = None) -> go.Figure:
    """This year (solid), last year (grey, dashed), the target path(s) and revised values (orange)."""
    div, unit = _scale(frame, ind.unit, measure, lang)
    x = list(frame.index)
    ticks = [month_label(m, lang) for m in x]
    fmt = ",.1f" if div == 1 and measure == "cum_level" and ind.unit in ("元", "家", "件") else ",.2f"
    hover = "%{text}<br>%{fullData.name}: %{y:" + fmt + "}<extra></extra>"
    fig = go.Figure()
    year_name = t("county_year", lang)
    traces = [("previous", year_name.format(y=year - 1), {"color": PREVIOUS_COLOUR, "dash": "dash", "width": 2}),
              ("linear", t("county_path_linear", lang), {"color": STATUS_COLOURS["ok"], "dash": "dot", "width": 2}),
              ("seasonal", t("county_path_seasonal", lang), {"color": STATUS_COLOURS["near"], "dash": "dashdot",
                                                              "width": 2}),
              ("current", year_name.format(y=year), {"color": INTERVAL_COLOUR, "width": 3})]
    for col, name, line in traces:
        if col in frame and frame[col].notna().any():
            fig.add_trace(go.Scatter(x=x, y=frame[col] / div, name=name, mode="lines+markers", line=line,
                                     marker={"size": 6 if col == "current" else 4}, text=ticks,
                                     hovertemplate=hover, connectgaps=False))
    if growth_target is not None and measure == "cum_yoy":
        fig.add_trace(go.Scatter(x=[x[0], x[-1]], y=[growth_target, growth_target], mode="lines",
                                 name=f"{t('county_growth_target', lang)} {growth_target:g}%",
                                 line={"color": STATUS_COLOURS["ok"], "dash": "dot", "width": 2}, hoverinfo="name"))
    if revised is not None and len(revised):
        label = {y: year_name.format(y=y) for y in revised["year"]}
        fig.add_trace(go.Scatter(
            x=revised["month"], y=revised["value"].astype(float) / div, mode="markers", name=t("county_revised", lang),
            marker={"symbol": "circle-open", "size": 14, "line": {"width": 3}, "color": REVISION_COLOUR},
            text=[f"{label[y]} {month_label(m, lang)}<br>{t('county_revision_hover', lang).format(chain=c)}"
                  for y, m, c in zip(revised["year"], revised["month"], revised["chain"], strict=True)],
            hovertemplate="%{text}<extra></extra>"))
    fig.update_xaxes(tickvals=x, ticktext=ticks, range=[min(x) - 0.5, max(x) + 0.5])
    fig.update_yaxes(title=unit, zeroline=measure == "cum_yoy", zerolinecolor="#adb5bd")
    fig.update_layout(legend={"orientation": "h", "y": -0.15, "x": 0}, hovermode="closest")
    return _layout(fig, f"{ind.name(lang)} · {unit}", SERIES_HEIGHT)
