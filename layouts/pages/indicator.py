"""指标 /indicator/<code>: every unit of the comparison set on one indicator at the selected 1–N月 — ranked bars
with the province median and target, the distribution, selected counties over two years, and the data table."""

import dash
import dash_ag_grid as dag
import dash_mantine_components as dmc
from dash import Input, Output, State, callback, dcc

from indicators import pipeline, reading
from layouts import access, data, export_names, figures, grid_export, ids
from layouts import indicator_view as view
from layouts.i18n import grid_text, lang_of, period_label, t
from layouts.plotly_locale import graph_config
from layouts.shell import scope_options, search_from_state, state_from_search
from loaders import catalogue as catalogue_mod
from loaders import regions as regions_mod

dash.register_page(__name__, path="/indicator", path_template="/indicator/<code>", name="指标", order=3, nav="nav_indicator", min_role="viewer", cache_layout=True)

ROW_HEIGHT = 34  # as the ranking's: 86 counties on five A4 landscape pages rather than seven


def grid_export_subject(pathname, search, lang) -> grid_export.Subject:
    """指标_固定资产投资_全省县区_2026年1-10月: the indicator, the comparison set and the month the grid shows."""
    st = state_from_search(search)
    code = (pathname or "").removeprefix("/indicator").strip("/") or None
    ind, month, *_ = _view(code, st["period"], st["scope"] or "province")
    return grid_export.Subject(zh=ind.name("zh"), text=ind.name(lang), period=month,
                               detail_zh=export_names.scope_subject(st["scope"]),
                               detail=export_names.scope_subject(st["scope"], lang))


grid_export.register(ids.IND_GRID, "指标", subject=grid_export_subject)


def _view(code, period, scope):
    """(indicator, month, units, names, regions) of the view in the URL: the month is the selected 1–N月 (a
    quarter's end month), or for a quarterly series the last quarter end by then; unknown codes fall back to FAI."""
    ind = view.indicator_of(code, catalogue_mod.default())
    _, month = data.resolve(period)
    regions = regions_mod.default()
    units = pipeline.units(scope)
    names = {u: regions[u].name for u in units}
    return ind, (reading.as_of(ind.months, month) if month else None), units, names, regions


def _peers(scope: str) -> list[str]:
    """Units the province median is taken over: the province's prefectures, or its counties."""
    return pipeline.units("prefectures" if scope == "prefectures" else "province")


def layout(code=None, period=None, scope=None, lang=None, **_):
    lang = lang_of(lang)
    scope = scope or "province"
    ind, month, units, names, regions = _view(code, period, scope)
    if month is None:
        return dmc.Alert(t("indicator_no_quarter", lang), color="yellow")
    obs = reading.indicator_obs(data.snap(), ind.code, int(month[:4]))
    frame = view.values_at(obs, ind, month, units, names)
    median = view.median_of(obs, ind, month, _peers(scope))
    target = view.common_target(reading.indicator_targets(data.snap(), ind.code, int(month[:4])), ind, units)
    selected = view.default_selection(frame)
    qs = search_from_state({"period": period or month, "scope": scope, "lang": lang if lang != "zh" else None})
    scope_label = next((o["label"] for o in scope_options(lang) if o["value"] == scope), scope)
    cat = catalogue_mod.default()
    city_names = {u: regions[regions[u].parent_code].name for u in units
                  if regions[u].level == "county" and regions[u].parent_code in regions}
    n_with = int(frame["value"].notna().sum())
    return dmc.Stack(gap="sm", children=[
        dcc.Store(id=ids.IND_STATE, data={"code": ind.code, "period": period or month, "scope": scope, "lang": lang}),
        dmc.Group(justify="space-between", wrap="wrap", children=[
            dmc.Title(f"{ind.name(lang)} · {scope_label} · {period_label(month, lang)}", order=4, id=ids.IND_TITLE),
            dmc.Select(id=ids.IND_SELECT, value=ind.code, allowDeselect=False, searchable=True, w=280, size="sm",
                       className="no-print", data=[{"value": i.code, "label": i.name(lang)} for i in cat]),
        ]),
        dmc.Text(t("indicator_note", lang).format(source=ind.source, n=n_with, total=len(units),
                                                  desc=ind.description if lang == "zh" else ""), size="xs", c="dimmed"),
        dmc.Grid(gutter="md", overflow="hidden", children=[
            dmc.GridCol(span={"base": 12, "md": 6}, style={"minWidth": 0}, children=[
                dmc.Text(t("indicator_ranked", lang), fw=600, size="sm"),
                dcc.Graph(id=ids.IND_BAR, figure=view.ranked_bar(frame, ind, median, target, lang),
                          config=graph_config(lang, f"{ind.code}_{month}_ranked")),
            ]),
            dmc.GridCol(span={"base": 12, "md": 6}, style={"minWidth": 0}, children=[
                *_tiles(view.tile_map_figure(frame, ind, scope, "", lang), f"{ind.code}_{month}_tiles", lang),
                dmc.Text(t("indicator_distribution", lang), fw=600, size="sm"),
                dcc.Graph(id=ids.IND_HIST, figure=view.histogram(frame, ind, median, lang),
                          config=graph_config(lang, f"{ind.code}_{month}_distribution")),
                dmc.Text(t("indicator_series", lang), fw=600, size="sm", mt="sm"),
                dmc.MultiSelect(id=ids.IND_COUNTIES, value=selected, maxValues=view.MAX_SERIES, searchable=True,
                                clearable=True, size="sm", className="no-print",
                                data=[{"value": u, "label": names[u]} for u in units]),
                dcc.Graph(id=ids.IND_SERIES, figure=view.series_figure(obs, ind, selected, names, month, lang),
                          config=graph_config(lang, f"{ind.code}_{month}_series")),
            ]),
        ]),
        dmc.Title(t("indicator_table", lang), order=5, mt="sm"),
        dag.AgGrid(id=ids.IND_GRID, rowData=view.grid_rows(frame, city_names, qs),
                   columnDefs=view.grid_columns(ind, lang, with_city=bool(city_names) and scope == "province"),
                   defaultColDef={"sortable": True, "resizable": True, "filter": True},
                   dashGridOptions={**grid_text(lang), "animateRows": False, **({"domLayout": "autoHeight"} if len(units) <= 20 else {}),
                                   # every row on paper (app.css @media print) up to the largest province; a
                                   # national set (3,000 rows) scrolls virtualised: drawing all of it took 6 s
                                   "suppressRowVirtualisation": len(units) <= figures.NAMED_ROWS_MAX,
                                   "rowHeight": ROW_HEIGHT},
                   style={"width": "100%", **({} if len(units) <= 20 else {"height": "520px"})},
                   className="ag-theme-alpine"),
        grid_export.buttons(ids.IND_GRID, lang),
    ])


def _tiles(figure, name: str, lang: str) -> list:
    if figure is None:
        return []
    return [dmc.Text(t("indicator_tiles", lang), fw=600, size="sm"),
            dcc.Graph(id=ids.IND_TILES, figure=figure, config=graph_config(lang, name))]


@callback(Output(ids.IND_SERIES, "figure"), Input(ids.IND_COUNTIES, "value"), State(ids.IND_STATE, "data"),
          prevent_initial_call=True)
@access.requires("viewer")
def update_series(selected, state):
    """Redraw the time series for the counties picked (values read on the server for the view's indicator)."""
    ind, month, units, names, _ = _view(state["code"], state["period"], state["scope"])
    picked = [u for u in (selected or []) if u in names][:view.MAX_SERIES]
    return view.series_figure(reading.indicator_obs(data.snap(), ind.code, int(month[:4])), ind, picked, names, month,
                              lang_of(state.get("lang")))


@callback(Output(ids.LOCATION, "pathname", allow_duplicate=True), Input(ids.IND_SELECT, "value"),
          State(ids.LOCATION, "pathname"), prevent_initial_call=True)
@access.requires("viewer")
def choose_indicator(code, pathname):
    """Another indicator: the same view under /indicator/<code> (the query string is kept)."""
    target = f"/indicator/{code}"
    return dash.no_update if not code or pathname == target else target
