"""排名: the ranking of the chosen comparison set for one quarter, with rank intervals; for the province's counties,
when the scheme has them, a 县域类型 filter (the ranking within one type; group= in the URL) and the honour lists."""

from urllib.parse import parse_qsl

import dash
import dash_ag_grid as dag
import dash_mantine_components as dmc
import pandas as pd
from dash import Input, Output, State, callback, ctx, dcc

from indicators import reading
from layouts import access, data, export_names, figures, ids
from layouts import honours_view as hv
from layouts.export import to_csv, to_xlsx
from layouts.i18n import grid_text, lang_of, period_label, t
from layouts.plotly_locale import graph_config
from layouts.ranking_table import column_defs, export_table, rows
from layouts.shell import quarter_notice, scope_options, search_from_state, state_from_search, state_text
from loaders import audit

dash.register_page(__name__, path="/rankings", name="排名", order=1, nav="nav_rankings", min_role="viewer", cache_layout=True)

HEADER_HEIGHT = {"zh": 52, "en": 72}  # two lines of Chinese header text; four of English ("Score among the …")
ROW_HEIGHT = 34  # 86 counties on five A4 landscape pages (AG Grid's default, 42, takes seven)
# A chart of more units than this is taller than an A4 landscape page and would be cut across pages; on paper the
# grid's 名次区间 column carries the same intervals.
PRINT_CHART_MAX_UNITS = 20
# Every row drawn (autoHeight: the whole ranking prints) up to the largest province (四川 183 county-level units),
# as the chart names every unit; a national comparison set (3,000 units) scrolls in a virtualised grid instead:
# drawing all of it took 13–35 s in chromium (bench/browser.py --scale national).
ALL_ROWS_MAX = figures.NAMED_ROWS_MAX
SCROLL_HEIGHT = "640px"


def layout(period=None, scope=None, lang=None, group=None, **_):
    lang = lang_of(lang)
    quarter, month = data.resolve(period)
    scope = scope or "province"
    if quarter is None:
        return dmc.Alert("库中还没有季度数据", color="yellow")
    card = reading.scorecard(data.snap(), quarter, scope)
    history = reading.history(data.snap(), quarter, scope)
    qs = search_from_state({"period": quarter, "scope": scope, "lang": lang if lang != "zh" else None})
    ranked = card.table["rank"].dropna()
    n = int(ranked.max()) if len(ranked) else 0  # every unit may lack data (a month not yet uploaded)
    scope_label = next((o["label"] for o in scope_options(lang) if o["value"] == scope), scope)
    aq = assessed(quarter, scope)
    group = group if aq is not None and group in hv.type_names(aq.scheme) else hv.ALL
    semi = "; " if lang == "en" else "；"
    rank_field = "rank"  # the last three of the table shown are marked: the province's, or the type's
    if group:
        grid_rows, grid_cols = hv.group_rows(aq, group, qs, lang), hv.group_column_defs(lang)
        rank_field = "group_rank"
        ranked = pd.Series([r["group_rank"] for r in grid_rows], dtype="float").dropna()
        n = int(ranked.max()) if len(ranked) else 0
    else:
        grid_rows = rows(card.table, history, qs, lang, aq)
        grid_cols = column_defs(card.table, card.scheme.pillars, lang, n, scope, aq)
    return dmc.Stack(gap="sm", children=[
        dmc.Title(f"{t('rankings_title', lang)} · {scope_label} · {period_label(quarter, lang)}"
                  + (f" · {hv.type_names(aq.scheme)[group]}" if group else ""), order=4),
        *quarter_notice(quarter, month, lang),
        dmc.Text(f"{card.scheme.name}{semi}{t('quarter_note', lang)}{semi}{state_text(card.data_state, lang)}",
                 size="xs", c="dimmed"),
        *_assessment_parts(aq, group, qs, lang, card.data_state),
        dag.AgGrid(
            id=ids.RANK_GRID, rowData=grid_rows,
            columnDefs=grid_cols,
            # headers wrap (never "全…") in a header two lines high: on paper the columns narrow at once, and a grown
            # header (autoHeaderHeight) would be drawn too late for Chrome's print
            defaultColDef={"sortable": True, "resizable": True, "filter": True, "wrapHeaderText": True},
            dashGridOptions={**grid_text(lang), "domLayout": "autoHeight" if len(grid_rows) <= ALL_ROWS_MAX else "normal",
                             "rowClassRules": {"bottom-three": f"params.data.{rank_field} != null && params.data.{rank_field} > {n - 3}"}
                             if n > 3 else {},
                             "animateRows": False, "suppressColumnVirtualisation": True,
                             "headerHeight": HEADER_HEIGHT[lang], "rowHeight": ROW_HEIGHT},
            columnSize="autoSize", className="ag-theme-alpine",
            style={"width": "100%", **({} if len(grid_rows) <= ALL_ROWS_MAX else {"height": SCROLL_HEIGHT})},
        ),
        dmc.Group(className="no-print", gap="xs", children=[
            dmc.Button(t("export_xlsx", lang), id=ids.RANK_EXPORT_XLSX, size="xs", variant="light"),
            dmc.Button(t("export_csv", lang), id=ids.RANK_EXPORT_CSV, size="xs", variant="light"),
            dcc.Download(id=ids.RANK_DOWNLOAD),
        ]),
        dcc.Graph(id=ids.RANK_CHART, figure=figures.rank_intervals(card.table, lang),
                  config=graph_config(lang, f"ranking_{quarter}"),
                  className="no-print" if n > PRINT_CHART_MAX_UNITS else ""),
    ])


def assessed(quarter: str, scope: str):
    """The quarter's assessment of the province's counties (types, honours), or None: other comparison sets and
    schemes without groups or honours have none."""
    if scope != "province":
        return None
    aq = reading.assessment(data.snap(), quarter, scope)
    return aq if aq is not None and (aq.scheme.groups or aq.scheme.honours) else None


def _assessment_parts(aq, group: str, qs: str, lang: str, state: str) -> list:
    """The type filter (labelled; its segments wrap on a phone), a note on the chosen type, and the honour lists
    card."""
    if aq is None:
        return []
    out = []
    if aq.scheme.groups:
        out.append(dmc.Group(gap="xs", className="no-print rank-type-filter", children=[
            dmc.Text(t("honour_filter", lang), size="sm", fw=600),
            dmc.SegmentedControl(id=ids.RANK_GROUP, data=hv.type_options(aq.scheme, lang), value=group, size="sm",
                                 color="blue")]))
    if group:
        n = int((aq.assessment.table["group"] == group).sum())
        out.append(dmc.Text(t("honour_group_note", lang).format(type=hv.type_names(aq.scheme)[group], n=n),
                            size="sm", c="dimmed"))
    if aq.scheme.honours:
        out.append(hv.honours_card(aq, qs, lang, ids.RANK_HONOURS, state=state,
                                   simulated=data.uploads_summary()["simulated"]))
    return out


@callback(Output(ids.LOCATION, "search", allow_duplicate=True), Input(ids.RANK_GROUP, "value"),
          State(ids.LOCATION, "search"), prevent_initial_call=True)
@access.requires("viewer")
def group_to_url(group, search):
    """The type filter goes into the URL (group=; 全部 removes it); the page re-renders from it."""
    return hv.group_search(group, search) or dash.no_update


@callback(Output(ids.RANK_DOWNLOAD, "data"), Input(ids.RANK_EXPORT_XLSX, "n_clicks"),
          Input(ids.RANK_EXPORT_CSV, "n_clicks"), State(ids.LOCATION, "search"), prevent_initial_call=True)
@access.requires("viewer")
def export(_xlsx, _csv, search):
    """The ranking as displayed, for the view in the URL (recomputed on the server, never sent by the browser)."""
    st = state_from_search(search)
    lang = lang_of(st["lang"])
    quarter, _ = data.resolve(st["period"])
    scope = st["scope"] or "province"
    card = reading.scorecard(data.snap(), quarter, scope)
    aq = assessed(quarter, scope)
    group = dict(parse_qsl((search or "").lstrip("?"))).get("group", "")
    if aq is not None and group in hv.type_names(aq.scheme):
        frame, cols = hv.group_export(aq, group, lang)
    else:
        frame, cols = export_table(card.table, card.scheme.pillars, lang, scope, aq)
        group = ""
    csv = ctx.triggered_id == ids.RANK_EXPORT_CSV
    about = {"period": quarter, "state": card.data_state, "simulated": data.uploads_summary()["simulated"]}
    detail = hv.type_names(aq.scheme)[group] if group else ""
    name = export_names.file_name(t("rankings_file", "zh"), "csv" if csv else "xlsx",
                                  subject=export_names.scope_subject(scope), detail=detail, **about)
    audit.record(data.store(), "export", user=access.current().name, target=name.rsplit(".", 1)[0],
                 detail="csv" if csv else "xlsx")
    if csv:
        return dcc.send_bytes(to_csv(frame, cols), name)
    title = export_names.title(t("rankings_file", lang), lang, subject=export_names.scope_subject(scope, lang),
                               detail=detail, note=card.scheme.name, **about)
    return dcc.send_bytes(to_xlsx(frame, cols, title=title), name)
