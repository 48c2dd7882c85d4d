"""目标 page builders (pure): the counties × targets heatmap of the gap to 序时进度 or to the growth target, the count
of lagging indicators per county, and the mid-year 双过半 / 正增长 checks, from indicators.progress.progress_table."""

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from indicators import progress
from layouts.figures import STATUS_COLOURS, TEMPLATE
from layouts.i18n import fmt_number, label, t
from layouts.method_view import wrap_label
from layouts.shell import unit_path

# The colour scale saturates at ±10 个百分点: 严重落后 starts at −10 pp on completion targets and at −3 pp on growth
# targets (indicators.progress.Thresholds), so both stay visible while one outlier does not wash out the rest.
GAP_CAP = 10.0
GAP_SCALE = [[0.0, STATUS_COLOURS["far"]], [0.35, "#ffa8a8"], [0.5, "#ffffff"], [0.65, "#b2f2bb"],
             [1.0, STATUS_COLOURS["ok"]]]
LAGGING = (progress.BEHIND, progress.FAR)
# Cell labels fit up to this many rows (a prefecture's counties, the 14 prefectures); 86 rows show colours only.
LABEL_ROWS = 30
NAME_WRAP = 6  # CJK characters per line in column headers
EN_WRAP = 12  # Latin characters per line
# Below this width the heatmap's column labels collide; on a phone the chart scrolls sideways instead.
MIN_WIDTH_PX = 960
# The heatmap and the lagging bars share row height and margins, so side by side their rows line up.
ROW_PX, HEADER_PX, FOOTER_PX = 17, 100, 40
WRAPPED = {"lineHeight": "20px", "paddingTop": "8px", "paddingBottom": "8px"}  # wrapped grid cells: normal lines


def column_key(indicator: str, kind: str) -> str:
    return f"{indicator}:{kind}"


def column_label(name: str, kind: str, lang: str = "zh", wrap: int = NAME_WRAP) -> str:
    """'固定资产投资' + growth → '固定资产投资<br>（增速）'; a long Chinese name is cut into balanced lines of at most
    `wrap` characters (English names break at spaces)."""
    if lang == "zh":
        name = wrap_label(name, wrap)
    else:
        name = "<br>".join(textwrap.wrap(name, EN_WRAP))
    return f"{name}<br>{t('targets_kind_' + kind, lang)}"


def gap_matrix(prog: pd.DataFrame, units: list[str], catalogue) -> pd.DataFrame:
    """units (rows, in the given order) × indicator:kind columns (catalogue order, growth before level): gap_pp."""
    if prog.empty:
        return pd.DataFrame(index=pd.Index(units, name="region_code"))
    wide = prog.pivot(index="region_code", columns=["indicator", "kind"], values="gap_pp")
    order = {c: n for n, c in enumerate(catalogue.codes)}
    pairs = prog[["indicator", "kind"]].drop_duplicates().itertuples(index=False, name=None)
    cols = sorted(pairs, key=lambda ik: (order.get(ik[0], 99), ik[1] != "growth"))
    out = wide.reindex(columns=pd.MultiIndex.from_tuples(cols)).astype(float)
    out.columns = [column_key(i, k) for i, k in cols]
    return out.reindex(units).rename_axis("region_code")


def _hover(prog: pd.DataFrame, lang: str) -> dict[tuple[str, str], str]:
    out = {}
    for r in prog.itertuples():
        if r.compare == progress.COMPLETION:
            detail = t("targets_hover_completion", lang).format(done=fmt_number(r.completion_pct, 1),
                                                        sched=fmt_number(r.schedule_linear_pct, 1))
        elif r.compare == progress.GROWTH:
            detail = t("targets_hover_growth", lang).format(yoy=fmt_number(r.yoy, 1), target=fmt_number(r.target, 1))
        else:
            detail = t("targets_hover_rate", lang).format(value=fmt_number(r.ytd_level, 1), target=fmt_number(r.target, 1))
        gap = "—" if pd.isna(r.gap_shown_pp) else f"{r.gap_shown_pp:+.1f}"
        out[(r.region_code, column_key(r.indicator, r.kind))] = (
            f"{detail}<br>{t('targets_gap_pp', lang)} {gap}<br>{label('status', r.status, lang)}")
    return out


def heatmap_figure(prog: pd.DataFrame, units: list[str], names: dict[str, str], catalogue,
                   lang: str = "zh") -> go.Figure:
    """Diverging heatmap centred on 0 (red behind, green ahead), rows = units top down, columns on top."""
    z = gap_matrix(prog, units, catalogue)
    hover = _hover(prog, lang)
    cols = list(z.columns)
    labels = [column_label(catalogue[c.split(":")[0]].name(lang), c.split(":")[1], lang) for c in cols]
    rows = [names.get(u, u) for u in z.index]
    text = [[hover.get((u, c), t("targets_no_target", lang)) for c in cols] for u in z.index]
    shown = [["" if np.isnan(v) else f"{v:+.1f}" for v in row] for row in z.to_numpy()] if len(rows) <= LABEL_ROWS \
        else None
    fig = go.Figure(go.Heatmap(
        z=z.to_numpy(), x=labels, y=rows, zmid=0, zmin=-GAP_CAP, zmax=GAP_CAP, colorscale=GAP_SCALE,
        xgap=1, ygap=1, customdata=text, text=shown, texttemplate="%{text}" if shown else None,
        textfont={"size": 11}, hovertemplate="%{y} · %{x}<br>%{customdata}<extra></extra>",
        colorbar={"title": {"text": t("targets_pp", lang), "side": "right"}, "thickness": 12, "len": 0.5, "y": 1,
                  "yanchor": "top"}))
    fig.update_layout(
        template=TEMPLATE, height=rows_height(len(rows)),
        margin={"l": 10, "r": 10, "t": HEADER_PX, "b": FOOTER_PX},
        xaxis={"side": "top", "tickangle": 0, "tickfont": {"size": 10}, "automargin": False},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 11}, "dtick": 1})
    return fig


def rows_height(n: int) -> int:
    """Figure height for n rows: the same for the heatmap and the lagging bars (their rows line up)."""
    return max(ROW_PX * n, 200) + HEADER_PX + FOOTER_PX


def lagging_counts(prog: pd.DataFrame, units: list[str]) -> pd.DataFrame:
    """Per unit: targets 落后 (behind), 严重落后 (far) and their total, most lagging first (ties by code order)."""
    lag = prog[prog["status"].isin(LAGGING)]
    counts = lag.groupby(["region_code", "status"]).size().unstack(fill_value=0)
    out = pd.DataFrame({"behind": counts.get(progress.BEHIND, 0), "far": counts.get(progress.FAR, 0)})
    out = out.reindex(units).fillna(0).astype(int)
    out["total"] = out["behind"] + out["far"]
    out["order"] = range(len(out))
    out = out.sort_values(["total", "far", "order"], ascending=[False, False, True], kind="stable")
    return out.drop(columns="order").rename_axis("region_code")


def lagging_figure(counts: pd.DataFrame, names: dict[str, str], lang: str = "zh") -> go.Figure:
    """Stacked horizontal bars, most lagging at the top: 严重落后 (dark red) then 落后 (orange)."""
    rows = [names.get(u, u) for u in counts.index]
    fig = go.Figure()
    for col, key in (("far", "far"), ("behind", "behind")):
        fig.add_trace(go.Bar(y=rows, x=counts[col], orientation="h", name=label("status", key, lang),
                             marker_color=STATUS_COLOURS[key],
                             hovertemplate="%{y}<br>" + label("status", key, lang) + " %{x}<extra></extra>"))
    fig.update_layout(
        barmode="stack", template=TEMPLATE, height=rows_height(len(rows)),
        margin={"l": 10, "r": 10, "t": HEADER_PX, "b": FOOTER_PX},
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        xaxis={"title": {"text": t("targets_lagging_axis", lang), "standoff": 2}, "side": "top",
               "dtick": 1 if counts["total"].max() <= 15 else None},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 11}, "dtick": 1})
    return fig


def midyear_rows(prog: pd.DataFrame, units: list[str], names: dict[str, str], catalogue,
                 lang: str = "zh", qs: str | None = None) -> list[dict]:
    """At 1–6月, per unit: 双过半 met / judged and the targets not met; 正增长 count / indicators with growth and
    those with 负增长 or 持平. Empty at any other month (progress_table leaves double_half unknown). With `qs`
    (the query string to keep) each unit's name links to its county or prefecture page."""
    half = prog[prog["double_half"].notna()]
    if half.empty:
        return []
    half = half.assign(met=half["double_half"].astype(bool),
                       label=[f"{catalogue[c].name(lang)}{t('targets_kind_' + k, lang)}"
                              for c, k in zip(half["indicator"], half["kind"], strict=True)])
    growth = prog.dropna(subset=["growth_status"]).drop_duplicates(["region_code", "indicator"])
    growth = growth.assign(up=growth["growth_status"] == progress.POSITIVE,
                           label=[f"{catalogue[c].name(lang)}（{label('growth', g, lang)} "
                                  f"{fmt_number(y, 1)}%）" for c, g, y in
                                  zip(growth["indicator"], growth["growth_status"], growth["yoy"], strict=True)])
    h, g = half.groupby("region_code"), growth.groupby("region_code")
    half_met, half_n = h["met"].sum(), h.size()
    missed = half[~half["met"]].groupby("region_code")["label"].agg("、".join)
    up, growth_n = g["up"].sum(), g.size()
    not_up = growth[~growth["up"]].groupby("region_code")["label"].agg("、".join)
    def region(u):
        return names.get(u, u) if qs is None else f"[{names.get(u, u)}]({unit_path(u)}{qs})"
    return [{"region_code": u, "region": region(u),
             "half_met": int(half_met.get(u, 0)), "half_n": int(half_n.get(u, 0)), "half_missed": missed.get(u, ""),
             "positive": int(up.get(u, 0)), "growth_n": int(growth_n.get(u, 0)), "not_positive": not_up.get(u, "")}
            for u in units]


def midyear_summary(rows: list[dict], unit_word: str, lang: str = "zh") -> str:
    """'86 个县区中，23 个全部目标实现双过半，51 个全部指标正增长。'"""
    all_half = sum(1 for r in rows if r["half_n"] and r["half_met"] == r["half_n"])
    all_up = sum(1 for r in rows if r["growth_n"] and r["positive"] == r["growth_n"])
    return t("targets_midyear_summary", lang).format(n=len(rows), units=unit_word, half=all_half, up=all_up)


def midyear_columns(lang: str = "zh") -> list[dict]:
    return [
        {"field": "region", "headerName": t("region", lang), "pinned": "left", "width": 150,
         "filter": "agTextColumnFilter", "cellRenderer": "markdown"},
        {"field": "half_met", "headerName": t("targets_half_met", lang), "width": 120,
         "valueFormatter": {"function": "params.value + ' / ' + params.data.half_n"},
         "cellClassRules": {"cell-lagging": "params.value < params.data.half_n"}},
        {"field": "half_missed", "headerName": t("targets_half_missed", lang), "width": 460, "wrapText": True,
         "autoHeight": True, "cellStyle": WRAPPED},
        {"field": "positive", "headerName": t("targets_positive_n", lang), "width": 120,
         "valueFormatter": {"function": "params.value + ' / ' + params.data.growth_n"},
         "cellClassRules": {"cell-lagging": "params.value < params.data.growth_n"}},
        {"field": "not_positive", "headerName": t("targets_not_positive", lang), "width": 400,
         "wrapText": True, "autoHeight": True, "cellStyle": WRAPPED},
    ]
