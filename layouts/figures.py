"""Pure figure builders: DataFrame in, plotly Figure out (tested without a browser)."""

import plotly.graph_objects as go
import plotly.io as pio

from layouts.i18n import t

# plotly_white's layout without its per-trace-type defaults: the look is the same, and building a figure no longer
# deep-copies the whole template (about a third of the indicator page's server time). create_app makes it the default.
TEMPLATE = "monitor"
pio.templates[TEMPLATE] = go.layout.Template(layout=pio.templates["plotly_white"].layout)

STATUS_COLOURS = {"ok": "#2f9e44", "near": "#f59f00", "behind": "#e8590c", "far": "#c92a2a", "none": "#adb5bd"}
INTERVAL_COLOUR = "#4263eb"
BOTTOM_COLOUR = "#c92a2a"
# A ranking chart names every unit (18 px a row) up to the largest province; a national comparison set (3,000
# units, 55,000 px of labels that plotly measures one by one) is drawn dense, names on hover only.
NAMED_ROWS_MAX = 250
DENSE_HEIGHT = 900


def rank_intervals(table, lang: str = "zh", bottom: int = 3) -> go.Figure:
    """One row per unit, best first: the 5–95 % rank interval as a bar, the nominal rank as a dot."""
    ranked = table.dropna(subset=["rank"]).sort_values("rank")
    n = len(ranked)
    colours = [BOTTOM_COLOUR if r > n - bottom else INTERVAL_COLOUR for r in ranked["rank"]]
    named = n <= NAMED_ROWS_MAX
    # one row per unit: across the country names repeat (城关区, 新城区), so the dense chart's rows carry the code
    y = ranked["region_name"] if named else ranked["region_name"] + "（" + ranked.index.astype(str) + "）"
    fig = go.Figure()
    if "rank_p05" in ranked:
        fig.add_trace(go.Bar(
            y=y, x=(ranked["rank_p95"] - ranked["rank_p05"] + 1).astype(float),
            base=(ranked["rank_p05"] - 0.5).astype(float), orientation="h", marker_color=colours, opacity=0.35,
            name=t("interval", lang), hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        y=y, x=ranked["rank"].astype(float), mode="markers", marker={"color": colours, "size": 8},
        name=t("rank", lang),
        customdata=ranked[["score", "rank_p05", "rank_p95"]].astype(float).to_numpy() if "rank_p05" in ranked
        else ranked[["score"]].astype(float).to_numpy(),
        hovertemplate=("%{y}<br>" + t("rank", lang) + " %{x}<br>" + t("score", lang) + " %{customdata[0]:.2f}"
                       + ("<br>" + t("interval", lang) + " %{customdata[1]}–%{customdata[2]}"
                          if "rank_p05" in ranked else "") + "<extra></extra>")))
    fig.update_layout(
        height=max(320, 18 * n + 80) if named else DENSE_HEIGHT, margin={"l": 10, "r": 10, "t": 30, "b": 30},
        showlegend=False,
        xaxis={"title": t("rank", lang), "range": [n + 1, 0], "dtick": (5 if n > 20 else 1) if named else None},
        yaxis={"autorange": "reversed", "automargin": True, "showticklabels": named}, template=TEMPLATE,
        title={"text": t("rankings_chart", lang), "font": {"size": 14}})
    return fig
