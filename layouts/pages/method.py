"""方法: the year's assessment scheme, the weights used beside entropy / CRITIC diagnostics, and the ranking's
sensitivity to the method, for the quarter and comparison set in the URL."""

import dash
import dash_ag_grid as dag
import dash_mantine_components as dmc
from dash import dcc

from indicators import reading
from indicators.rules import RulesError
from indicators.scheme import SchemeError
from layouts import data, grid_export, ids
from layouts import method_view as view
from layouts.i18n import grid_text, lang_of, period_label, t
from layouts.plotly_locale import graph_config
from layouts.shell import quarter_notice, scope_options
from loaders import catalogue as catalogue_mod

dash.register_page(__name__, path="/method", name="方法", order=6, nav="nav_method", min_role="viewer", cache_layout=True)

grid_export.register(ids.METHOD_SCHEME_GRID, "评价方案")


def layout(period=None, scope=None, lang=None, **_):
    lang = lang_of(lang)
    quarter, month = data.resolve(period)
    scope = scope or "province"
    if quarter is None:
        return dmc.Alert(t("method_no_quarter", lang), color="yellow")
    try:
        card = reading.scorecard(data.snap(), quarter, scope)
    except SchemeError:
        return dmc.Alert(t("method_no_scheme", lang).format(year=quarter[:4]), color="yellow")
    cat = catalogue_mod.default()
    names = {c: cat[c].name(lang) for c in card.scheme.codes}
    stats = view.sensitivity(card.table)
    unit_word = t("method_unit_prefectures" if scope == "prefectures" else "method_unit_counties", lang)
    scope_label = next((o["label"] for o in scope_options(lang) if o["value"] == scope), scope)
    grid_opts = {"domLayout": "autoHeight", "animateRows": False, **grid_text(lang)}
    return dmc.Stack(gap="sm", children=[
        dmc.Title(f"{t('method_title', lang)} · {card.scheme.name} · {scope_label} · {period_label(quarter, lang)}",
                  order=4),
        *quarter_notice(quarter, month, lang),
        dmc.List([dmc.ListItem(line) for line in view.method_facts(card.scheme, card.params, lang)], size="sm"),
        *_assessment_section(card.scheme, cat, lang),
        dmc.Title(t("method_scheme", lang), order=5, mt="sm"),
        dag.AgGrid(id=ids.METHOD_SCHEME_GRID, rowData=view.scheme_rows(card.scheme, card.result.weights, cat, lang),
                   columnDefs=view.scheme_columns(lang), defaultColDef={"resizable": True, "sortable": True},
                   dashGridOptions=grid_opts, style={"width": "100%"}, className="ag-theme-alpine"),
        grid_export.buttons(ids.METHOD_SCHEME_GRID, lang),
        dmc.Title(t("method_weights", lang), order=5, mt="sm"),
        dmc.Text(t("method_weights_note", lang), size="sm", c="dimmed"),
        dcc.Graph(id=ids.METHOD_WEIGHTS_CHART,
                  figure=view.weights_figure(view.weight_table(card.matrix, card.scheme, card.result.weights), names,
                                             lang),
                  config=graph_config(lang, f"weights_{quarter}")),
        dmc.Title(t("method_sensitivity", lang), order=5, mt="sm"),
        dmc.Alert(view.sensitivity_sentence(stats, unit_word, lang), id=ids.METHOD_SENTENCE, color="blue",
                  variant="light"),
        dmc.SimpleGrid(cols={"base": 1, "sm": 3}, spacing="sm", children=[
            _stat(t("method_sens_share", lang), f"{100 * stats['share']:.0f}%" if stats["n"] else "—"),
            _stat(t("method_sens_mean", lang), f"{stats['mean_width']:.1f}" if stats["n"] else "—"),
            _stat(t("method_sens_pairs", lang), str(len(stats["pairs"]))),
        ]),
        dmc.Text(t("method_pairs", lang), size="sm", fw=600),
        dag.AgGrid(id=ids.METHOD_PAIRS_GRID, rowData=stats["pairs"].to_dict("records"),
                   columnDefs=view.pair_columns(lang), defaultColDef={"resizable": True, "sortable": True},
                   dashGridOptions=grid_opts if len(stats["pairs"]) <= view.GRID_ROWS_IN_PAGE
                   else {"animateRows": False},
                   style={"width": "100%"} if len(stats["pairs"]) <= view.GRID_ROWS_IN_PAGE
                   else {"width": "100%", "height": "480px"},
                   className="ag-theme-alpine"),
        *_rules_section(int(quarter[:4]), cat, lang),
    ])


def _assessment_section(scheme, cat, lang: str) -> list:
    """County types, honour lists, improvement, adjustments and veto items, as the scheme file declares them."""
    lines = view.assessment_lines(scheme, cat, lang)
    if not lines:
        return []
    return [dmc.Title(t("method_assessment", lang), order=5, mt="sm"),
            dmc.List([dmc.ListItem(x) for x in lines], size="sm", id=ids.METHOD_ASSESSMENT)]


def _rules_section(year: int, cat, lang: str) -> list:
    """The year's 约谈 and 需要关注 rules (data/schemes/<year>.rules.toml), as the brief and the overview apply them."""
    try:
        rules = reading.rules_for(year)
    except RulesError as exc:
        return [dmc.Alert("；".join(exc.messages), color="yellow")]
    out = [dmc.Title(t("method_rules", lang).format(file=rules.source), order=5, mt="sm", id=ids.METHOD_RULES)]
    if rules.carried_from:
        out.append(dmc.Text(t("method_rules_carried", lang).format(year=rules.carried_from), size="sm", c="dimmed"))
    for title, lines in view.rule_lines(rules, cat, lang):
        out += [dmc.Text(title, size="sm", fw=600), dmc.List([dmc.ListItem(x) for x in lines], size="sm")]
    return out


def _stat(label: str, value: str) -> dmc.Paper:
    return dmc.Paper(withBorder=True, p="sm", radius="sm", children=[
        dmc.Text(label, size="xs", c="dimmed"), dmc.Text(value, size="xl", fw=700)])
