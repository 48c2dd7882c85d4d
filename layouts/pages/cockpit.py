"""总览: the home prefecture at a glance — score, provincial rank and trend, headline indicators
against their targets, tile maps of its counties and of the 14 prefectures, and what needs attention."""

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, callback, ctx, dcc

from indicators import pipeline
from layouts import access, data, ids, kpi_cards, ledger_links
from layouts import cockpit_view as view
from layouts.i18n import lang_of, t
from layouts.plotly_locale import graph_config
from layouts.shell import search_from_state, state_from_search, state_text
from loaders import audit
from loaders import catalogue as catalogue_mod
from loaders import regions as regions_mod

dash.register_page(__name__, path="/", name="总览", order=0, nav="nav_cockpit", min_role="viewer", cache_layout=True)


def layout(period=None, scope=None, lang=None, **_):
    lang = lang_of(lang)
    quarter, month = data.resolve(period)
    if quarter is None:
        return dmc.Alert("库中还没有季度数据", color="yellow")
    regions, cat = regions_mod.default(), catalogue_mod.default()
    home = view.home_prefecture(scope or access.home_scope(access.current(), regions), regions)
    ck = view.collect(quarter, home, month)
    qs = search_from_state({"period": period if period == month else quarter, "scope": scope,
                            "lang": lang if lang != "zh" else None})
    city, months = regions[home].name, view.months_label(ck.period, lang)
    cards = kpi_cards.kpis(ck.growth, ck.levels, ck.progress, home, pipeline.units("prefectures", regions), cat,
                           as_of={c: p for c, p in ck.as_of.items() if p != ck.period})
    rule, found_list = view.attention_block(ck, regions, cat, qs, lang)
    return dmc.Stack(gap="sm", children=[
        dcc.Location(id=ids.COCKPIT_NAV, refresh="callback-nav"),
        dmc.Title(f"{t('nav_cockpit', lang)} · {city} · {view.when_label(quarter, ck.period, lang)}", order=4),
        dmc.Text(f"{ck.prefectures.scheme.name}；{t('quarter_note', lang)}；{state_text(ck.prefectures.data_state, lang)}",
                 size="xs", c="dimmed"),
        dmc.Grid(gutter="sm", children=[
            dmc.GridCol(span={"base": 12, "md": 4}, className="print-span-4", children=dmc.Stack(gap="xs", children=[
                view.score_panel(view.score_summary(ck.prefectures.table, home), lang, home,
                                 search_from_state({"period": period if period == month else quarter,
                                                    "lang": lang if lang != "zh" else None})),
                dcc.Graph(id=ids.COCKPIT_TREND, figure=view.trend_figure(ck.history, home, lang),
                          config=graph_config(lang, f"trend_{home}_{quarter}")),
            ])),
            dmc.GridCol(span={"base": 12, "md": 8}, className="print-span-8", children=dmc.Stack(gap="xs", children=[
                dmc.Title(f"{t('cockpit_kpis', lang)} · {months}", order=5),
                dmc.SimpleGrid(id=ids.COCKPIT_KPIS, cols={"base": 1, "sm": 2, "lg": 3}, spacing="xs", className="print-cols-3",
                               children=[kpi_cards.kpi_card(k, cat, lang) for k in cards]),
            ])),
        ]),
        view.maps(ck, regions, lang),
        *_ledger_card(home, city, lang),
        dmc.Paper(withBorder=True, p="sm", radius="sm", children=dmc.Stack(gap="xs", children=[
            dmc.Title(f"{t('cockpit_attention', lang)} · {city} · {months}", order=5),
            dmc.Text(rule, size="xs", c="dimmed"),
            dmc.Box(id=ids.COCKPIT_ATTENTION, children=found_list),
            dmc.Group(gap="xs", className="no-print", children=[
                dmc.Button(t("export_xlsx", lang), id=ids.COCKPIT_ATTENTION_XLSX, size="xs", variant="light"),
                dmc.Button(t("export_csv", lang), id=ids.COCKPIT_ATTENTION_CSV, size="xs", variant="light"),
                dcc.Download(id=ids.COCKPIT_ATTENTION_DOWNLOAD),
            ]),
        ])),
    ])


def _ledger_card(home, city, lang):
    """重点工作台账: one line per ledger kind with the city's headline figure and a link (layouts/ledger_links.py)."""
    lines = ledger_links.city_lines(home, lang)
    if not lines:
        return []
    # no-print: the 总览 prints on two A4 pages (tests/test_print.py); each ledger page prints itself
    return [dmc.Paper(withBorder=True, p="sm", radius="sm", className="no-print", children=dmc.Stack(gap="xs", children=[
        dmc.Title(f"{t('ledger_card', lang)} · {city}", order=5),
        dmc.Text(t("ledger_card_note", lang), size="xs", c="dimmed"),
        ledger_links.lines_block(lines, ids.COCKPIT_LEDGERS)]))]


@callback(Output(ids.COCKPIT_NAV, "href"), Input(ids.COCKPIT_COUNTY_MAP, "clickData"),
          Input(ids.COCKPIT_PREF_MAP, "clickData"), State(ids.LOCATION, "search"), prevent_initial_call=True)
@access.requires("viewer")
def follow_tile(county_click, pref_click, search):
    """A county tile opens that county's page; a prefecture tile makes it the home prefecture."""
    if dash.ctx.triggered_id == ids.COCKPIT_COUNTY_MAP:
        return view.click_href(county_click, search, "county") or dash.no_update
    regions = regions_mod.default()
    with_counties = {r.code for r in regions.of_level("prefecture") if regions.counties_of(r.code)}
    return view.click_href(pref_click, search, "prefecture", with_counties) or dash.no_update


@callback(Output(ids.COCKPIT_ATTENTION_DOWNLOAD, "data"), Input(ids.COCKPIT_ATTENTION_XLSX, "n_clicks"),
          Input(ids.COCKPIT_ATTENTION_CSV, "n_clicks"), State(ids.LOCATION, "search"), prevent_initial_call=True)
@access.requires("viewer")
def export_attention(_xlsx, _csv, search):
    """The 需要关注 findings for the view in the URL (period re-resolved on the server, never sent by the browser)."""
    st = state_from_search(search)
    lang = lang_of(st["lang"])
    quarter, month = data.resolve(st["period"])
    if quarter is None:
        return dash.no_update
    home = view.home_prefecture(st["scope"] or access.home_scope(access.current(), regions_mod.default()))
    fmt = "csv" if ctx.triggered_id == ids.COCKPIT_ATTENTION_CSV else "xlsx"
    content, name, n = view.attention_file(quarter, month or pipeline.quarter_period(quarter), home, fmt, lang)
    audit.record(data.store(), "export", user=access.current().name, target=name, detail=f"{fmt} {n} 行")
    return dcc.send_bytes(content, name)
