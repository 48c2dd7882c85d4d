"""县区: one county at one quarter — every indicator, points won and lost, strongest and weakest,
what it takes to reach a target rank (kept in the URL as target_rank), and each indicator over the year."""


import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, callback, dcc

from indicators import explain, pipeline, reading
from layouts import access, data, grid_export, ids, ledger_links
from layouts import county_figures as figs
from layouts import county_view as view
from layouts import honours_view as hv
from layouts.cockpit_view import when_label
from layouts.i18n import lang_of, period_label, t
from layouts.plotly_locale import graph_config
from layouts.shell import quarter_notice, search_from_state, unit_path
from loaders import catalogue as catalogue_mod
from loaders import regions as regions_mod

dash.register_page(__name__, path_template="/county/<code>", name="县区", order=2, min_role="viewer", cache_layout=True)

GAP_GRID = f"{ids.COUNTY_GAPS}-grid"
DEFAULT_TARGET_RANK = data.WARM_TARGET_RANK  # "进入全省前十" is how leaders put the question
PROVINCE = reading.PROVINCE


grid_export.register(ids.COUNTY_GRID, "县区指标", subject=grid_export.unit_month_subject)
grid_export.register(GAP_GRID, "进位所需", subject=grid_export.gaps_subject(PROVINCE, DEFAULT_TARGET_RANK))
DEFAULT_SERIES = "FAI"
# Figures are drawn by their callbacks, which run when the page appears (and restore a persisted choice).
BLANK = {"layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}


def layout(code=None, period=None, scope=None, lang=None, target_rank=None, **_):
    lang = lang_of(lang)
    quarter, month = data.resolve(period)
    regions = regions_mod.default()
    if quarter is None:
        return dmc.Alert(t("county_no_quarter", lang), color="yellow")
    if code in regions and regions[code].level == "prefecture":  # a prefecture has its own page
        qs = search_from_state({"period": period, "lang": lang if lang != "zh" else None})
        return dmc.Alert(color="yellow", children=[
            t("county_not_found", lang).format(code=code), " ",
            dcc.Link(t("county_is_prefecture", lang).format(name=regions[code].name),
                     href=f"{unit_path(code, regions)}{qs}", id="county-prefecture-link")])
    if code not in regions or regions[code].level != "county":
        return dmc.Alert(t("county_not_found", lang).format(code=code), color="yellow")
    cat = catalogue_mod.default()
    prov = reading.scorecard(data.snap(), quarter, PROVINCE)
    city = reading.scorecard(data.snap(), quarter, reading.city_scope(code))
    n_prov, n_city = len(prov.table), len(city.table)
    k = view.parse_rank(target_rank, n_prov, DEFAULT_TARGET_RANK)
    month = month or pipeline.quarter_period(quarter)
    state = {"county": code, "quarter": quarter, "month": month, "lang": lang}  # access.py reads "county"
    return dmc.Stack(gap="md", children=[
        dcc.Store(id=ids.COUNTY_STATE, data=state),
        _title(code, quarter, month, prov, city, regions, lang,
               search_from_state({"period": period, "lang": lang if lang != "zh" else None})),
        *quarter_notice(quarter, month, lang),
        *_ledgers(code, lang),
        _section(f"{t('county_indicators', lang)} · {period_label(month, lang)}",
                 _grid(code, month, cat, lang, n_prov, n_city),
                 grid_export.buttons(ids.COUNTY_GRID, lang)),
        dmc.Grid(gutter="md", children=[
            dmc.GridCol(_section(f"{t('county_points_title', lang)} · {period_label(quarter, lang)}",
                                 *_points(code, quarter, lang)),
                        span={"base": 12, "md": 7}, className="print-span-7"),
            dmc.GridCol(_section(f"{t('county_strongest', lang)} · {t('county_weakest', lang)} · "
                                 f"{period_label(quarter, lang)}",
                                 _strengths(code, quarter, prov, cat, lang)), span={"base": 12, "md": 5},
                        className="print-span-5"),
        ]),
        _section(f"{t('county_gap_title', lang)} · {period_label(quarter, lang)}",
                 *_gap_panel(code, quarter, k, n_prov, prov, cat, lang)),
        _section(t("county_series_title", lang), *_series(code, month, cat, lang)),
    ])


def released_view(state: dict) -> tuple[str, str]:
    """(quarter, month) of the page state, re-resolved against the released periods (data.released_view)."""
    return data.released_view(state)


_section = view.section


def _title(code, quarter, month, prov, city, regions, lang, qs=""):
    """The county's two composite scores, each with its comparison set and rank (全省 and 市内), and the period;
    the city's name opens the prefecture's page."""
    city_code = regions.city_of(code)
    city_name = regions[city_code].name
    ranks = [view.score_line(prov.table.loc[code], prov.scope, len(prov.table), lang),
             view.score_line(city.table.loc[code], city.scope, len(city.table), lang, city=city_name)]
    aq = reading.assessment(data.snap(), quarter, PROVINCE)
    honours = hv.county_line(aq, code, lang) if aq is not None else None
    when = when_label(quarter, month, lang)
    note = t("county_note", lang).format(scheme=prov.scheme.name, state=prov.data_state, m=int(month[5:7]),
                                         month=figs.MONTHS_EN[int(month[5:7]) - 1])
    return dmc.Stack(gap=2, id=ids.COUNTY_TITLE, children=[
        dmc.Group(gap="sm", align="baseline", children=[
            dmc.Title(regions[code].name, order=2),
            dmc.Text(c="dimmed", children=[dcc.Link(city_name, href=f"{unit_path(city_code, regions)}{qs}",
                                                    id="county-city-link"), f" · {when}"])]),
        dmc.Stack(gap=0, children=[dmc.Text(r, fw=600) for r in ranks]),
        *([dmc.Text(honours, size="sm", id=ids.COUNTY_HONOURS)] if honours else []),
        dmc.Text(note, size="xs", c="dimmed"),
    ])


def _ledgers(code, lang):
    """台账: one line per ledger kind with the county's headline fact, linking to its items (layouts/ledger_links.py)."""
    lines = ledger_links.county_lines(code, lang)
    return [_section(t("ledger_county_section", lang), ledger_links.lines_block(lines, ids.COUNTY_LEDGERS))] if lines else []


def _grid(code, month, cat, lang, n_prov, n_city):
    values = reading.values_at(data.snap(), month)
    mine = values[values["region_code"] == code]
    rows = view.indicator_rows(mine, reading.progress_rows(data.snap(), month, code),
                               reading.indicator_ranks(data.snap(), month, PROVINCE).loc[code],
                               reading.indicator_ranks(data.snap(), month, reading.city_scope(code)).loc[code], cat, lang,
                               month=month,
                               sources=view.ledger_source_lines(reading.ledger_sources(data.snap(), month), mine, lang))
    return view.indicator_grid(rows, lang, n_prov, n_city, ids.COUNTY_GRID)


# ---------------------------------------------------------------- points and strengths

def _points(code, quarter, lang):
    control = dmc.SegmentedControl(
        id=ids.COUNTY_WATERFALL_VS, value="vs_mean", persistence=True, persistence_type="session", size="sm",
        data=[{"value": "vs_mean", "label": t("county_vs_mean", lang)},
              {"value": "vs_above", "label": t("county_vs_above", lang)}], className="no-print")
    height = figs.waterfall_height(len(reading.scorecard(data.snap(), quarter, PROVINCE).scheme.indicators))
    graph = dcc.Graph(id=ids.COUNTY_WATERFALL, figure=BLANK, config=graph_config(lang, f"points_{code}_{quarter}"),
                      responsive=True, style={"height": f"{height}px"})
    return control, graph


def waterfall(code: str, quarter: str, vs: str, lang: str):
    card = reading.scorecard(data.snap(), quarter, PROVINCE)
    pts = reading.points(data.snap(), quarter)[vs].loc[code]
    regions = regions_mod.default()
    names = {c: regions[c].name for c in card.table.index}
    return figs.points_figure(card, pts, code, vs, names, catalogue_mod.default(), lang)


def _strengths(code, quarter, card, cat, lang):
    vs_mean = reading.points(data.snap(), quarter)["vs_mean"]
    if vs_mean.loc[code].dropna().empty:
        return dmc.Text(t("unranked", lang), id=ids.COUNTY_STRENGTHS)
    strong, weak = explain.strongest_weakest(card.result, code)
    ranks = view.scheme_ranks(card.matrix, card.scheme).loc[code]
    row = card.matrix.loc[code]

    def say(codes):
        return view.strength_sentences(codes, vs_mean.loc[code], row, ranks, card.scheme, cat, lang)
    return view.strengths_block(say(strong), say(weak), lang, ids.COUNTY_STRENGTHS)


@callback(Output(ids.COUNTY_WATERFALL, "figure"), Input(ids.COUNTY_WATERFALL_VS, "value"),
          State(ids.COUNTY_STATE, "data"))
@access.requires("viewer")
def switch_points(vs, state):
    """Against the province mean or the county one place above (explain.points)."""
    quarter, _ = released_view(state)
    return waterfall(state["county"], quarter, vs or "vs_mean", state["lang"])


# ---------------------------------------------------------------- gap to rank

def _gap_panel(code, quarter, k, n, card, cat, lang):
    gaps = reading.gaps(data.snap(), quarter, code, k)
    return view.gap_panel(gaps, k, n, card.scheme, cat, lang, rank_input=ids.COUNTY_TARGET_RANK, head_id=ids.COUNTY_GAPS,
                          grid_id=GAP_GRID, label=t("county_target_rank", lang))


@callback(Output(ids.LOCATION, "search", allow_duplicate=True), Input(ids.COUNTY_TARGET_RANK, "value"),
          State(ids.LOCATION, "search"), prevent_initial_call=True)
@access.requires("viewer")
def target_rank_to_url(k, search):
    """The target rank goes into the URL (a copied link reproduces it); the page re-renders from it."""
    return view.target_rank_search(k, search, DEFAULT_TARGET_RANK) or dash.no_update


# ---------------------------------------------------------------- one indicator over the year

def _series(code, month, cat, lang):
    values = reading.values_at(data.snap(), month)
    present = set(values.loc[values["region_code"] == code, "indicator"])
    options = [{"value": i.code, "label": i.name(lang)} for i in cat if i.code in present]
    value = DEFAULT_SERIES if DEFAULT_SERIES in present else (options[0]["value"] if options else None)
    select = dmc.Select(id=ids.COUNTY_SERIES_INDICATOR, data=options, value=value, allowDeselect=False,
                        searchable=True, persistence=True, persistence_type="session", maw=360, className="no-print")
    graph = dcc.Graph(id=ids.COUNTY_SERIES, figure=BLANK, config=graph_config(lang, f"series_{code}_{month}"),
                      responsive=True, style={"height": f"{figs.SERIES_HEIGHT}px"})
    return select, graph


def series(code: str, period: str, indicator: str, lang: str):
    """One indicator of the county over the year up to the month (`period`, '2026-10'), and the year before."""
    cat = catalogue_mod.default()
    ind = cat[indicator]
    year, month = int(period[:4]), int(period[5:7])
    tg = reading.county_targets(data.snap(), code, year)
    annual = tg[(tg["indicator"] == indicator) & (tg["period"] == f"{year}-12")].set_index("kind")["value"]
    level_target = float(annual["level"]) if "level" in annual else None
    growth_target = float(annual["growth"]) if "growth" in annual else None
    measure = figs.series_measure(ind, level_target is not None)
    frame = figs.series_frame(reading.county_obs(data.snap(), code, year), ind, measure, year, month, code, level_target)
    revised = figs.revisions(reading.value_history(data.snap(), code, indicator), measure, [year - 1, year])
    revised = revised[(revised["year"] < year) | (revised["month"] <= month)]
    return figs.series_figure(frame, ind, measure, year, lang, growth_target, revised)


@callback(Output(ids.COUNTY_SERIES, "figure"), Input(ids.COUNTY_SERIES_INDICATOR, "value"),
          State(ids.COUNTY_STATE, "data"))
@access.requires("viewer")
def switch_series(indicator, state):
    if not indicator:
        return dash.no_update
    _, month = released_view(state)
    return series(state["county"], month, indicator, state["lang"])
