"""排名: the ranking of the chosen comparison set for one quarter, with rank intervals."""

import dash
import dash_ag_grid as dag
import dash_mantine_components as dmc
from dash import dcc, html

from layouts import data, figures, ids
from layouts.i18n import lang_of, period_label, t
from layouts.ranking_table import column_defs, rows
from layouts.shell import scope_options, search_from_state

dash.register_page(__name__, path="/rankings", name="排名", order=1)


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
