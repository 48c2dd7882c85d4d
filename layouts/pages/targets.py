"""目标: how far each county of the comparison set is from its targets at the selected 1–N月 — heatmap of the
gap to 序时进度 or to the growth target, lagging indicators per county, and at 1–6月 the 双过半 / 正增长 checks."""

import dash
import dash_ag_grid as dag
import dash_mantine_components as dmc
from dash import dcc, html

from indicators import pipeline, reading
from layouts import data, figures, grid_export, ids
from layouts import targets_view as view
from layouts.i18n import grid_text, lang_of, period_label, t
from layouts.plotly_locale import graph_config
from layouts.shell import scope_options, search_from_state
from loaders import catalogue as catalogue_mod
from loaders import regions as regions_mod

dash.register_page(__name__, path="/targets", name="目标", order=5, nav="nav_targets", min_role="viewer", cache_layout=True)

grid_export.register(ids.TARGETS_MIDYEAR_GRID, "双过半与正增长", subject=grid_export.scope_subject)


def layout(period=None, scope=None, lang=None, **_):
    lang = lang_of(lang)
    _, month_period = data.resolve(period)
    scope = scope or "province"
    if month_period is None:
        return dmc.Alert(t("targets_no_quarter", lang), color="yellow")
    units = pipeline.units(scope)
    regions = regions_mod.default()
    names = {u: regions[u].name for u in units}
    cat = catalogue_mod.default()
    prog = reading.progress_at(data.snap(), month_period, scope)
    scope_label = next((o["label"] for o in scope_options(lang) if o["value"] == scope), scope)
    unit_word = t("method_unit_prefectures" if scope == "prefectures" else "method_unit_counties", lang)
    title = f"{t('targets_title', lang)} · {scope_label} · {period_label(month_period, lang)}"
    if prog.empty:
        return dmc.Stack([dmc.Title(title, order=4),
                          dmc.Alert(t("targets_no_targets", lang).format(year=month_period[:4]), color="yellow")])
    counts = view.lagging_counts(prog, units)
    return dmc.Stack(gap="sm", children=[
        dmc.Title(title, order=4),
        dmc.Text(t("targets_note", lang), size="xs", c="dimmed"),
        dmc.Grid(gutter="md", overflow="hidden", children=[
            dmc.GridCol(span={"base": 12, "md": 9}, style={"minWidth": 0}, children=[
                dmc.Text(t("targets_heatmap", lang).format(units=unit_word), fw=600, size="sm"),
                html.Div(className="scroll-x", style={"overflowX": "auto"}, children=dcc.Graph(
                    id=ids.TARGETS_HEATMAP, figure=view.heatmap_figure(prog, list(counts.index), names, cat, lang),
                    config=graph_config(lang, f"targets_gap_{month_period}"), style={"minWidth": f"{view.MIN_WIDTH_PX}px"})),
            ]),
            dmc.GridCol(span={"base": 12, "md": 3}, style={"minWidth": 0}, children=[
                dmc.Text(t("targets_lagging", lang).format(units=unit_word), fw=600, size="sm"),
                dcc.Graph(id=ids.TARGETS_LAGGING, figure=view.lagging_figure(counts, names, lang),
                          config=graph_config(lang, f"targets_lagging_{month_period}")),
            ]),
        ]),
        _midyear(prog, list(counts.index), names, cat, month_period, scope, unit_word, lang),
    ])


def _midyear(prog, units, names, cat, month_period, scope, unit_word, lang):
    """The 双过半 / 正增长 table at 1–6月; at other quarters a link to that year's 1–6月 view."""
    rows = view.midyear_rows(prog, units, names, cat, lang,
                             qs=search_from_state({"period": month_period, "lang": lang if lang != "zh" else None}))
    if not rows:
        q2 = f"{month_period[:4]}Q2"
        if q2 not in data.quarters():
            return dmc.Text(t("targets_midyear_only", lang), size="sm", c="dimmed", id=ids.TARGETS_MIDYEAR)
        qs = search_from_state({"period": q2, "scope": scope, "lang": lang if lang != "zh" else None})
        return dmc.Text(id=ids.TARGETS_MIDYEAR, size="sm", c="dimmed", children=[
            t("targets_midyear_only", lang) + " ", dcc.Link(period_label(f"{month_period[:4]}-06", lang), href="/targets" + qs)])
    return dmc.Stack(gap="xs", id=ids.TARGETS_MIDYEAR, children=[
        dmc.Title(t("targets_midyear_title", lang), order=5, mt="sm"),
        dmc.Text(view.midyear_summary(rows, unit_word, lang), size="sm"),
        dag.AgGrid(id=ids.TARGETS_MIDYEAR_GRID, rowData=rows, columnDefs=view.midyear_columns(lang),
                   defaultColDef={"resizable": True, "sortable": True},
                   dashGridOptions={**grid_text(lang), "animateRows": False, **({"domLayout": "autoHeight"} if len(rows) <= 20 else {}),
                                   # every row on paper (app.css @media print) up to the largest province
                                   "suppressRowVirtualisation": len(rows) <= figures.NAMED_ROWS_MAX},
                   style={"width": "100%", **({} if len(rows) <= 20 else {"height": "560px"})},
                   className="ag-theme-alpine"),
        grid_export.buttons(ids.TARGETS_MIDYEAR_GRID, lang),
    ])
