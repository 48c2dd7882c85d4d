"""市州: one prefecture at one quarter among the province's prefectures — its score and rank with their trend,
points won and lost, every indicator, what it takes to reach a target rank (target_rank in the URL), and its
counties. Builders from county_view, county_figures, cockpit_view and prefecture_view; access in access.py."""

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, callback, dcc

from indicators import pipeline, reading
from layouts import access, data, grid_export, ids
from layouts import county_figures as figs
from layouts import county_view as view
from layouts import prefecture_view as pview
from layouts.cockpit_view import trend_figure, when_label
from layouts.i18n import lang_of, period_label, t
from layouts.plotly_locale import graph_config
from layouts.shell import quarter_notice, search_from_state, state_text, unit_path
from loaders import catalogue as catalogue_mod
from loaders import regions as regions_mod

dash.register_page(__name__, path_template="/prefecture/<code>", name="市州", order=3, min_role="viewer", cache_layout=True)

SCOPE = "prefectures"
GAP_GRID = f"{ids.PREF_GAPS}-grid"
grid_export.register(ids.PREF_GRID, "市州指标", subject=grid_export.unit_month_subject)
grid_export.register(GAP_GRID, "市州进位所需", subject=grid_export.gaps_subject(SCOPE, data.WARM_TARGET_RANK))
grid_export.register(ids.PREF_COUNTIES, "市州下辖县区", subject=grid_export.unit_quarter_subject)


def layout(code=None, period=None, scope=None, lang=None, target_rank=None, **_):
    lang = lang_of(lang)
    quarter, month = data.resolve(period)
    regions = regions_mod.default()
    qs = search_from_state({"period": period, "lang": lang if lang != "zh" else None})
    if quarter is None:
        return dmc.Alert(t("county_no_quarter", lang), color="yellow")
    if code in regions and regions[code].level == "county":  # a county has its own page
        return dmc.Alert(color="yellow", children=[t("pref_not_found", lang).format(code=code), " ",
                                                   dcc.Link(regions[code].name, href=f"{unit_path(code, regions)}{qs}")])
    if code not in regions or regions[code].level != "prefecture":
        return dmc.Alert(t("pref_not_found", lang).format(code=code), color="yellow")
    card = reading.scorecard(data.snap(), quarter, SCOPE)
    if code not in card.table.index:
        return dmc.Alert(t("pref_no_score", lang).format(name=regions[code].name), color="yellow")
    cat = catalogue_mod.default()
    n = len(card.table)
    k = view.parse_rank(target_rank, n, pview.default_rank(n))
    month = month or pipeline.quarter_period(quarter)
    state = {"prefecture": code, "quarter": quarter, "month": month, "lang": lang}  # access.py reads "prefecture"
    return dmc.Stack(gap="md", children=[
        dcc.Store(id=ids.PREF_STATE, data=state),
        _title(code, quarter, month, card, regions, lang),
        *quarter_notice(quarter, month, lang),
        dmc.Grid(gutter="md", children=[
            dmc.GridCol(view.section(f"{t('cockpit_trend', lang)} · {period_label(quarter, lang)}",
                                     dcc.Graph(id=ids.PREF_TREND, config=graph_config(lang, f"trend_{code}_{quarter}"),
                                               figure=trend_figure(reading.history(data.snap(), quarter, SCOPE),
                                                                   code, lang))),
                        span={"base": 12, "md": 5}),
            dmc.GridCol(view.section(f"{t('county_points_title', lang)} · {period_label(quarter, lang)}",
                                     *_points(code, quarter, lang)), span={"base": 12, "md": 7}),
        ]),
        view.section(f"{t('pref_gap_title', lang)} · {period_label(quarter, lang)}",
                     *_gap_panel(code, quarter, k, n, card, cat, lang)),
        view.section(f"{t('county_indicators', lang)} · {period_label(month, lang)}",
                     _grid(code, month, cat, lang), grid_export.buttons(ids.PREF_GRID, lang)),
        view.section(f"{t('pref_counties', lang).format(name=regions[code].name)} · {period_label(quarter, lang)}",
                     *_counties(code, quarter, regions, qs, lang)),
    ])


def _title(code, quarter, month, card, regions, lang):
    """The prefecture's score among the prefectures (市州间), its rank with the 5–95% interval and its change."""
    score, change = pview.title_lines(card.table.loc[code], len(card.table), lang)
    note = f"{card.scheme.name}；{t('quarter_note', lang)}；{state_text(card.data_state, lang)}"
    return dmc.Stack(gap=2, id=ids.PREF_TITLE, children=[
        dmc.Group(gap="sm", align="baseline", children=[
            dmc.Title(regions[code].name, order=2), dmc.Text(when_label(quarter, month, lang), c="dimmed")]),
        dmc.Stack(gap=0, children=[dmc.Text(score, fw=600), dmc.Text(change, size="sm")]),
        dmc.Text(note, size="xs", c="dimmed"),
    ])


def _grid(code, month, cat, lang):
    values = reading.values_at(data.snap(), month)
    rows = view.indicator_rows(values[values["region_code"] == code], reading.progress_rows(data.snap(), month, code),
                               reading.indicator_ranks(data.snap(), month, SCOPE).loc[code], None, cat, lang,
                               month=month)
    return view.indicator_grid(rows, lang, len(pipeline.units(SCOPE)), None, ids.PREF_GRID,
                               prov_header=t("pref_col_rank", lang))


def _counties(code, quarter, regions, qs, lang):
    """The counties with their scores within the city and in the province; what a scoped account may see of them
    is decided in access.prefecture_counties."""
    counties = [r.code for r in regions.counties_of(code)]
    if not counties:  # 嘉峪关: a prefecture-level city without counties
        return (dmc.Alert(t("pref_no_counties", lang).format(name=regions[code].name), color="yellow",
                          id=ids.PREF_COUNTIES),)
    account = access.current()
    allowed = access.prefecture_counties(account, code, regions) if account else {"city": False, "links": set()}
    city = reading.scorecard(data.snap(), quarter, f"city:{code}") if allowed["city"] else None
    prov = reading.scorecard(data.snap(), quarter, reading.PROVINCE)
    rows = pview.county_rows(counties, {c: regions[c].name for c in counties}, city.table if city else None,
                             prov.table, allowed["links"], qs)
    grid = pview.county_grid(rows, lang, len(counties) if city else None, len(prov.table), ids.PREF_COUNTIES)
    hint = [] if city else [dmc.Text(t("pref_counties_province_only", lang).format(name=regions[code].name),
                                     size="xs", c="dimmed")]
    return (*hint, grid, grid_export.buttons(ids.PREF_COUNTIES, lang))


# ---------------------------------------------------------------- points

def _points(code, quarter, lang):
    control = dmc.SegmentedControl(
        id=ids.PREF_WATERFALL_VS, value="vs_mean", size="sm", className="no-print",
        data=[{"value": "vs_mean", "label": t("pref_vs_mean", lang)},
              {"value": "vs_above", "label": t("pref_vs_above", lang)}])
    height = figs.waterfall_height(len(reading.scorecard(data.snap(), quarter, SCOPE).scheme.indicators))
    graph = dcc.Graph(id=ids.PREF_WATERFALL, figure=waterfall(code, quarter, "vs_mean", lang),
                      config=graph_config(lang, f"points_{code}_{quarter}"), responsive=True,
                      style={"height": f"{height}px"})
    return control, graph


def waterfall(code: str, quarter: str, vs: str, lang: str):
    """Points per indicator against the prefectures' mean or the prefecture one place above (reading.points)."""
    card = reading.scorecard(data.snap(), quarter, SCOPE)
    pts = reading.points(data.snap(), quarter, SCOPE)[vs].loc[code]
    return figs.points_figure(card, pts, code, vs, card.table["region_name"].to_dict(), catalogue_mod.default(), lang,
                              prefix="pref")


@callback(Output(ids.PREF_WATERFALL, "figure"), Input(ids.PREF_WATERFALL_VS, "value"), State(ids.PREF_STATE, "data"),
          prevent_initial_call=True)
@access.requires("viewer")
def switch_points(vs, state):
    quarter, _ = data.released_view(state)
    code = state.get("prefecture")
    if code not in reading.scorecard(data.snap(), quarter, SCOPE).table.index:
        return dash.no_update
    return waterfall(code, quarter, vs if vs in ("vs_mean", "vs_above") else "vs_mean", lang_of(state.get("lang")))


# ---------------------------------------------------------------- gap to rank among the prefectures

def _gap_panel(code, quarter, k, n, card, cat, lang):
    gaps = reading.gaps(data.snap(), quarter, code, k, SCOPE)
    return view.gap_panel(gaps, k, n, card.scheme, cat, lang, rank_input=ids.PREF_TARGET_RANK, head_id=ids.PREF_GAPS,
                          grid_id=GAP_GRID, label=t("pref_target_rank", lang))


@callback(Output(ids.LOCATION, "search", allow_duplicate=True), Input(ids.PREF_TARGET_RANK, "value"),
          State(ids.LOCATION, "search"), prevent_initial_call=True)
@access.requires("viewer")
def target_rank_to_url(k, search):
    """The target rank goes into the URL (a copied link reproduces it); the page re-renders from it."""
    return view.target_rank_search(k, search, pview.default_rank(len(pipeline.units(SCOPE)))) or dash.no_update
