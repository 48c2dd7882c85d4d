"""排名: the ranking of the chosen comparison set for one quarter, with rank intervals."""

import dash
import dash_ag_grid as dag
import dash_mantine_components as dmc
from dash import dcc, html

from layouts import data, figures, ids
from layouts.i18n import fmt_change, lang_of, period_label, t
from layouts.shell import scope_options, search_from_state

dash.register_page(__name__, path="/rankings", name="排名", order=1)


def rows(table, history: dict, qs: str, lang: str) -> list[dict]:
    """Grid rows: one per unit, best first; the sparkline holds the last quarters' ranks."""
    ranked = table.sort_values(["rank", "region_name"], na_position="last")
    out = []
    for code, r in ranked.iterrows():
        row = {"region_code": code, "region": f"[{r['region_name']}](/county/{code}{qs})",
               "score": _f(r["score"]), "rank": _i(r["rank"]), "change": fmt_change(r.get("rank_change")),
               "rank_p05": _i(r.get("rank_p05")), "rank_p95": _i(r.get("rank_p95")),
               "trend": [_i(card.table["rank"].get(code)) for card in history.values()],
               "reason": r.get("reason", "")}
        for col in table.columns:
            if col.startswith("pillar_"):
                row[col] = _f(r[col])
        out.append(row)
    return out


def _f(x):
    return None if x is None or x != x else round(float(x), 2)


def _i(x):
    return None if x is None or x != x else int(x)


def column_defs(table, pillars: dict, lang: str, n: int) -> list[dict]:
    cols = [
        {"field": "rank", "headerName": t("rank", lang), "width": 80, "pinned": "left", "sort": "asc"},
        {"field": "region", "headerName": t("region", lang), "cellRenderer": "markdown", "pinned": "left",
         "filter": "agTextColumnFilter", "minWidth": 140},
        {"field": "score", "headerName": t("score", lang), "width": 110, "valueFormatter": {"function": "d3.format('.2f')(params.value)"}},
        {"field": "change", "headerName": t("change", lang), "width": 100},
        {"field": "rank_p05", "headerName": t("interval", lang), "cellRenderer": "RankInterval",
         "cellRendererParams": {"n": n}, "minWidth": 180, "sortable": False},
        {"field": "trend", "headerName": "↗", "cellRenderer": "Sparkline", "cellRendererParams": {"n": n},
         "width": 110, "sortable": False},
    ]
    for col in table.columns:
        if col.startswith("pillar_"):
            key = col.removeprefix("pillar_")
            names = pillars.get(key, {})
            cols.append({"field": col, "headerName": names.get(lang, names.get("zh", key)), "width": 110})
    return cols


def layout(period=None, scope=None, lang=None, **_):
    lang = lang_of(lang)
    quarter = period if period in data.quarters() else data.default_quarter()
    scope = scope or "province"
    if quarter is None:
        return dmc.Alert("库中还没有季度数据", color="yellow")
    card = data.scorecard(quarter, scope)
    history = data.history(quarter, scope)
    qs = search_from_state({"period": quarter, "scope": scope, "lang": lang if lang != "zh" else None})
    n = int(card.table["rank"].max() or 1)
    scope_label = next((o["label"] for o in scope_options(lang) if o["value"] == scope), scope)
    return dmc.Stack(gap="sm", children=[
        dmc.Title(f"{t('rankings_title', lang)} · {scope_label} · {period_label(quarter, lang)}", order=4),
        dmc.Text(f"{card.scheme.name}；{t('quarter_note', lang)}；{t('vintage', lang)} #{card.data_version}",
                 size="xs", c="dimmed"),
        dag.AgGrid(
            id=ids.RANK_GRID, rowData=rows(card.table, history, qs, lang),
            columnDefs=column_defs(card.table, card.scheme.pillars, lang, n),
            defaultColDef={"sortable": True, "resizable": True, "filter": True},
            dashGridOptions={"domLayout": "autoHeight", "rowClassRules": {"bottom-three": f"params.data.rank > {n - 3}"},
                             "animateRows": False},
            columnSize="autoSize", style={"width": "100%"}, className="ag-theme-alpine",
        ),
        dcc.Graph(id=ids.RANK_CHART, figure=figures.rank_intervals(card.table, lang),
                  config={"displaylogo": False, "locale": "zh-CN" if lang == "zh" else "en",
                          "toImageButtonOptions": {"filename": f"ranking_{quarter}"}}),
        html.Div(className="print-only"),
    ])
