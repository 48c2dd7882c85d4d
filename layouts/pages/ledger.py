"""台账: one ledger kind (清欠, 投诉线索, 招商引资, 重点项目, “四上”培育) as of a snapshot date for the home city's counties —
totals against plan and 序时进度, each county's rate or completion and rank, overdue or stalled items, the weekly
trend and the ranking of the units below the county. State in the URL (/ledger/<kind>?date=…&county=…&lang=…);
maths in indicators/ledgers.py, builders in layouts/ledger_view.py."""

import datetime as dt
from urllib.parse import parse_qsl, urlencode

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from indicators import ledgers, reading
from indicators import unit_ranking as ur
from layouts import access, data, grid_export, ids
from layouts import ledger_view as view
from layouts.cockpit_view import home_prefecture
from layouts.county_view import section, with_query
from layouts.i18n import lang_of, t
from layouts.ledger_links import visible_dates
from layouts.plotly_locale import graph_config
from layouts.shell import state_text
from loaders import audit, ledger_kinds, ledger_templates, unit_measures
from loaders import regions as regions_mod
from loaders import units as units_mod

dash.register_page(__name__, path="/ledger", path_template="/ledger/<kind>", name="台账", order=8, nav="nav_ledger",
                   min_role="viewer")

DEFAULT_CADENCE = "half_monthly"  # 半月一排名: how the units are usually ranked
ALL = "all"


# ---------------------------------------------------------------- what the account may see (server side)

def parse_date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _refused(target: str, reason: str) -> None:
    account = access.current()
    audit.record(data.store(), "refused", user=account.name if account else "", outcome=audit.REFUSED, target=target,
                 detail=reason)


def resolve_date(kind: str, asked, *, record: bool = True) -> tuple[dt.date | None, bool]:
    """(the date shown, whether the asked one was refused): the asked date when the account may see it, else the
    newest it may; asking for a snapshot of an unreleased month is audited."""
    dates = visible_dates(kind)
    day = parse_date(asked)
    if day in dates:
        return day, False
    if asked and record and day in reading.ledger_dates(data.snap(), kind):
        _refused(f"/ledger/{kind}?date={day}", f"台账 {kind} 截至 {day} 所在月份尚未统计关库，只有上报和管理账号可以查看")
    return (dates[0] if dates else None), bool(asked)


def home_of(scope) -> str:
    return home_prefecture(scope or access.home_scope(access.current()))


def county_refusal(county, counties: list[str], lang: str) -> str | None:
    """None when the account may open this county's items, else the reason (audited by the caller)."""
    if county in (None, "", ALL):
        return None
    account = access.current()
    if account is None or not access.may_see_county(account, county):
        return t("ledger_county_refused", lang).format(code=county)
    if county not in counties:
        regions = regions_mod.default()
        city = regions[regions.city_of(counties[0])].name if counties else ""
        return t("ledger_county_other", lang).format(code=county, city=city)
    return None


def seen_counties(counties: list[str]) -> list[str]:
    account = access.current()
    return [c for c in counties if account is not None and access.may_see_county(account, c)]


# ---------------------------------------------------------------- the page

def layout(kind=None, date=None, county=None, lang=None, scope=None, **_):
    lang = lang_of(lang)
    kinds = ledger_kinds.default()
    kind = kind or kinds.codes[0]
    if kind not in kinds:
        return dmc.Alert(color="yellow", children=[t("ledger_not_found", lang).format(kind=kind), *_kind_links(None, lang)])
    k = kinds[kind]
    regions = regions_mod.default()
    home = home_of(scope)
    counties = [r.code for r in regions.counties_of(home)]
    names = {c: regions[c].name for c in [*counties, home]}
    reason = county_refusal(county, counties, lang)
    if reason:
        _refused(f"/ledger/{kind}?county={county}", reason)
        return dmc.Alert(reason, title="无权访问" if lang == "zh" else "Refused", color="red", id="access-refused")
    county = county or None
    day, refused = resolve_date(kind, date)
    if day is None:
        return dmc.Stack(gap="sm", children=[
            *_kind_links(kind, lang), dmc.Title(k.name(lang), order=3),
            dmc.Alert(t("ledger_none", lang).format(kind=k.name(lang)), color="yellow"), _template_button(lang)])
    state = {"kind": kind, "date": f"{day}", "county": county, "scope": f"city:{home}", "lang": lang}
    snap = data.snap()
    items = reading.ledger_items(snap, kind, day)
    items = items[items["region_code"].isin(counties)]
    facts = reading.ledger_page_facts(snap, kind, day)
    facts = facts[facts["region_code"].isin(counties)].reset_index(drop=True) if not facts.empty else facts
    uploads = reading.ledger_uploads(snap, kind)
    used = uploads[uploads["id"].isin(set(items["upload_id"].astype(int)))] if len(items) else uploads.iloc[:0]
    tp = ledgers.time_progress(day)
    indicator = ledgers.PLANS[kind].indicator
    targets = ledgers.annual_targets(reading.indicator_targets(snap, indicator, day.year), indicator, day.year) \
        if indicator else {}
    seen = seen_counties(counties)

    def link(c):
        return f"/ledger/{kind}{_qs(day, c, lang)}"
    return dmc.Stack(gap="md", children=[
        dcc.Store(id=ids.LEDGER_STATE, data=state),
        *_kind_links(kind, lang),
        _title(k, day, home, counties, names, used, lang, county),
        *([dmc.Alert(t("ledger_date_refused", lang).format(asked=date, shown=day), color="yellow",
                     id="ledger-date-notice")] if refused else []),
        section(f"{t('ledger_totals', lang)} · {names[home]} · {view.as_of(day, lang)}",
                _totals(k, facts, targets, home, counties, names, tp, lang)),
        section(f"{t('ledger_by_county', lang)} · {view.as_of(day, lang)}",
                dmc.Text(t("ledger_county_hint", lang), size="xs", c="dimmed", className="no-print"),
                _counties(k, facts, targets, counties, names, {c: link(c) for c in seen}, tp, lang),
                grid_export.buttons(ids.LEDGER_COUNTIES, lang)),
        section(f"{t('ledger_trend', lang)} · {names[county] if county else names[home]}",
                _trend(kind, day, counties, names[home], county, names.get(county), lang)),
        *_item_sections(k, items, day, county, seen, names, uploads, lang),
        section(f"{t('ledger_units', lang)} · {view.as_of(day, lang)}",
                *_units_panel(kind, day, county, home, seen, names, lang)),
    ])


def _qs(day, county, lang) -> str:
    """?date=…&county=…&lang=… (empty keys left out)."""
    q = [(k, v) for k, v in (("date", f"{day}" if day else None), ("county", county),
                             ("lang", lang if lang != "zh" else None)) if v]
    return "?" + urlencode(q) if q else ""


def _kind_links(current, lang) -> list:
    lang_q = "?lang=en" if lang == "en" else ""
    return [dmc.Group(gap="xs", className="no-print", id="ledger-kinds", children=[
        dmc.Anchor(k.name(lang), href=f"/ledger/{k.code}{lang_q}", size="sm", fw=700 if k.code == current else 400,
                   underline="never" if k.code == current else "hover") for k in ledger_kinds.default()])]


def _template_button(lang):
    return dmc.Group(gap="xs", className="no-print", children=[
        dmc.Button(t("ledger_template", lang), id=ids.LEDGER_TEMPLATE, size="xs", variant="light"),
        dcc.Download(id=ids.LEDGER_TEMPLATE_DOWNLOAD)])


def _title(k, day, home, counties, names, used, lang, county):
    """Kind, 截至 date (the dates the account may see), comparison set, data state, 模拟数据, the uploads."""
    dates = visible_dates(k.code)
    options = [{"value": f"{d}", "label": f"{d}" + ("" if data.released(f"{d:%Y-%m}") else t("period_unreleased", lang))}
               for d in dates]
    simulated = bool(len(used)) and bool(used["simulated"].any())
    sources = "；".join(t("ledger_source_item", lang).format(id=int(u.id), file=u.file_name, as_of=f"{u.as_of}")
                       for u in used.itertuples())
    set_text = t("ledger_set", lang).format(city=names[home], n=len(counties))
    return dmc.Stack(gap=4, id=ids.LEDGER_TITLE, children=[
        dmc.Group(gap="sm", align="center", children=[
            dmc.Title(k.name(lang) + (f" · {names[county]}" if county else ""), order=2),
            dmc.Text(t("ledger_as_of", lang), c="dimmed"),
            dmc.Select(id=ids.LEDGER_DATE, data=options, value=f"{day}", allowDeselect=False, w=170, size="sm",
                       className="no-print"),
            dmc.Text(f"{day}", fw=600, className="ledger-print-only"),  # the select is not printed
            *([dmc.Badge(t("simulated", lang), color="orange", variant="filled", id="ledger-simulated")]
              if simulated else []),
        ]),
        dmc.Text(f"{set_text}；{state_text(data.state(), lang)}" if lang == "zh"
                 else f"{set_text}; {state_text(data.state(), lang)}", size="sm"),
        dmc.Text(f"{t('ledger_sources', lang)}：{sources}" if lang == "zh" else f"{t('ledger_sources', lang)}: {sources}",
                 size="xs", c="dimmed", id="ledger-sources"),
        *([dcc.Link(t("ledger_all_counties", lang), href=f"/ledger/{k.code}" + _qs(day, None, lang))]
          if county else []),
        _template_button(lang),
    ])


def _totals(k, facts, targets, home, counties, names, tp, lang):
    totals = ledgers.city_totals(k.code, facts)
    plan = ledgers.PLANS[k.code]
    line = None
    if plan.indicator:
        p = ledgers.city_plan(k.code, totals, targets, counties, tp)
        name = t(f"ledger_f_{plan.value if plan.value != ledgers.ENTERED else 'entered'}", lang)
        line = f"{name}：{view.plan_line(p, view.value_unit(k.code), tp, lang)}" if lang == "zh" else \
            f"{name}: {view.plan_line(p, view.value_unit(k.code), tp, lang)}"
    extra = []
    if k.code == "sishang":
        table = ledgers.county_table(k.code, facts, targets, counties, tp)
        none = ledgers.none_entered(k.code, table)
        extra.append(t("ledger_none_entered", lang).format(names="、".join(names[c] for c in none)) if none
                     else t("ledger_all_entered", lang))
    return view.totals_block(view.total_lines(k, totals, lang), line, extra, ids.LEDGER_TOTALS)


def _counties(k, facts, targets, counties, names, links, tp, lang):
    table = ledgers.county_table(k.code, facts, targets, counties, tp)
    rows = view.county_rows(table, names, links, lang)
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0))
    return view.grid(ids.LEDGER_COUNTIES, rows, view.county_columns(k.code, len(counties), lang), lang)


def _trend(kind, day, counties, city, county, county_name, lang):
    snap = data.snap()
    by_date = {}
    for d in visible_dates(kind):
        if d <= day:
            f = reading.ledger_page_facts(snap, kind, d)
            by_date[d] = f[f["region_code"].isin(counties)] if not f.empty else f
    series = ledgers.trend(kind, by_date, county)
    return dcc.Graph(id=ids.LEDGER_TREND, figure=view.trend_figure(series, kind, city, county_name, lang),
                     config=graph_config(lang, f"ledger_{kind}_{day}"), responsive=True, style={"height": "300px"})


def _item_sections(k, items, day, county, seen, names, uploads, lang):
    """The overdue or stalled items (the chosen county's, else every county the account may see) and the chosen
    county's full list, each item with its upload."""
    files = {int(u.id): u.file_name for u in uploads.itertuples()}
    mine = items[items["region_code"].isin([county] if county else seen)]
    reasons = ledgers.overdue_reasons(k.code, mine)
    late = ledgers.open_first(mine, reasons)
    overdue_rows = view.item_rows(k, late, reasons, names, files, lang)
    where = names[county] if county else t("ledger_all_counties", lang)
    out = [section(f"{t('ledger_overdue_title', lang)} · {where} · {view.as_of(day, lang)}",
                   *([view.grid(ids.LEDGER_OVERDUE, overdue_rows, view.item_columns(k, lang), lang,
                                pagination=len(overdue_rows) > 50, paginationPageSize=50),
                      grid_export.buttons(ids.LEDGER_OVERDUE, lang)] if overdue_rows else
                     [dmc.Text(t("ledger_overdue_none", lang), size="sm", id=ids.LEDGER_OVERDUE)]))]
    if county:
        rows = view.item_rows(k, mine, reasons, names, files, lang)
        out.append(section(f"{t('ledger_items_title', lang).format(county=names[county])} · "
                           f"{view.as_of(day, lang)}",
                           view.grid(ids.LEDGER_ITEMS, rows, view.item_columns(k, lang), lang,
                                     pagination=len(rows) > 50, paginationPageSize=50),
                           grid_export.buttons(ids.LEDGER_ITEMS, lang)))
    return out


# ---------------------------------------------------------------- units below the county

def measures_of(kind: str) -> list:
    return [m for m in unit_measures.default().measures.values() if m.ledger == kind]


def _units_panel(kind, day, county, home, seen, names, lang):
    ms = measures_of(kind)
    if not ms:
        return [dmc.Text(t("ledger_units_none", lang), size="sm", id=ids.LEDGER_UNITS)]
    controls = dmc.Group(gap="xs", className="no-print", wrap="wrap", children=[
        dmc.Select(id=ids.LEDGER_UNIT_MEASURE, data=[{"value": m.code, "label": m.name_en if lang == "en" else m.name_zh}
                                                     for m in ms], value=ms[0].code, allowDeselect=False, w=190,
                   size="sm"),
        dmc.SegmentedControl(id=ids.LEDGER_CADENCE, value=DEFAULT_CADENCE, size="sm",
                             data=[{"value": c, "label": t(f"ledger_cadence_{c}", lang)} for c in ur.CADENCES]),
        dmc.Select(id=ids.LEDGER_UNIT_KIND, value=ALL, allowDeselect=False, w=140, size="sm",
                   data=[{"value": ALL, "label": t("ledger_unit_kind_all", lang)}]
                   + [{"value": u, "label": view.unit_kind_label(u, lang)} for u in units_mod.UNIT_KINDS]),
        dmc.Select(id=ids.LEDGER_UNIT_COUNTY, value=county or ALL, allowDeselect=False, w=140, size="sm",
                   data=[{"value": ALL, "label": t("ledger_unit_county_all", lang)}]
                   + [{"value": c, "label": names[c]} for c in seen]),
    ])
    box = dmc.Box(id=ids.LEDGER_UNITS, children=units_content(kind, ms[0].code, day, DEFAULT_CADENCE, ALL,
                                                               county or ALL, home, seen, lang))
    return [controls, box]


def units_content(kind, measure, day, cadence, unit_kind, region, home, seen, lang):
    """The ranking of the units the account may see (those of the counties it may open, and the city's
    departments) with 未破零 and 未上报 named in two lists, 无任务 apart."""
    regions = regions_mod.default()
    table, _missing, dates = reading.unit_ranking(data.snap(), measure, day, cadence=cadence,
                                                  unit_kind=None if unit_kind == ALL else unit_kind,
                                                  region=None if region == ALL else region)
    allowed = set(seen) | {home}
    table = table[table["region_code"].isin(allowed)]
    names = {c: regions[c].name for c in allowed if c in regions}
    if table.empty:
        return [dmc.Text(t("ledger_units_empty", lang), size="sm")]
    previous = dates.get("previous")
    at = dates.get("as_of") or day
    head = t("ledger_units_at", lang).format(
        as_of=f"{at}", previous=t("ledger_units_prev", lang).format(d=f"{previous}") if previous
        else t("ledger_units_no_prev", lang))
    rows = view.unit_rows(table, names, lang)
    no_task = view.named(table, ur.NO_TASK, names)
    ranked = [view.grid(ids.LEDGER_UNITS_GRID, rows, view.unit_columns(lang), lang),
              grid_export.buttons(ids.LEDGER_UNITS_GRID, lang)] if rows else \
        [dmc.Text(t("ledger_units_unranked", lang), size="sm", id=ids.LEDGER_UNITS_GRID)]
    return [
        dmc.Text(head, size="xs", c="dimmed"),
        *ranked,
        dmc.SimpleGrid(cols={"base": 1, "sm": 2}, spacing="xs", children=[
            view.name_list(t("ledger_zero", lang), view.named(table, ur.ZERO, names), ids.LEDGER_ZERO, lang, "red"),
            view.name_list(t("ledger_not_reported", lang), view.named(table, ur.NOT_REPORTED, names),
                           ids.LEDGER_NOT_REPORTED, lang, "orange")]),
        _no_task(no_task, lang),
    ]


def _no_task(no_task: list[str], lang: str):
    """Units without a task: their number, the names folded away (a city has a hundred of them)."""
    sep = "、" if lang == "zh" else ", "
    head = f"{t('ledger_no_task', lang)}{'：' if lang == 'zh' else ': '}" + \
        (t("ledger_units_n", lang).format(n=len(no_task)) if no_task else t("ledger_none_named", lang))
    if not no_task:
        return dmc.Text(head, size="xs", c="dimmed", id="ledger-no-task")
    return html.Details(id="ledger-no-task", className="ledger-no-task", children=[
        html.Summary(head), dmc.Text(sep.join(no_task), size="xs", c="dimmed")])


# ---------------------------------------------------------------- callbacks (each re-checks on the server)

def checked_state(state) -> tuple[str, dt.date, str, list[str]]:
    """(kind, date, home, counties) of a page state, re-checked: a kind that exists, a date this account may see,
    a county it may open; anything else is refused (audited) and nothing is sent."""
    state = state if isinstance(state, dict) else {}
    kind = state.get("kind")
    if kind not in ledger_kinds.default():
        raise PreventUpdate
    day = parse_date(state.get("date"))
    if day not in visible_dates(kind):
        _refused(f"/ledger/{kind}?date={state.get('date')}", f"台账 {kind} 截至 {state.get('date')} 不能查看（无此快照或尚未发布）")
        raise PreventUpdate
    home = home_of(state.get("scope"))
    counties = [r.code for r in regions_mod.default().counties_of(home)]
    reason = county_refusal(state.get("county"), counties, "zh")
    if reason:
        _refused(f"/ledger/{kind}?county={state.get('county')}", reason)
        raise PreventUpdate
    return kind, day, home, counties


@callback(Output(ids.LOCATION, "search", allow_duplicate=True), Input(ids.LEDGER_DATE, "value"),
          State(ids.LOCATION, "search"), State(ids.LEDGER_STATE, "data"), prevent_initial_call=True)
@access.requires("viewer")
def date_to_url(value, search, state):
    """The chosen 截至 date goes into the URL (a copied link reproduces it) — only a date the account may see."""
    kind = (state or {}).get("kind")
    if kind not in ledger_kinds.default():
        raise PreventUpdate
    if parse_date(value) not in visible_dates(kind):
        _refused(f"/ledger/{kind}?date={value}", f"台账 {kind} 截至 {value} 不能查看（无此快照或尚未发布）")
        raise PreventUpdate
    new = with_query(search, "date", value)
    return new if new != (search or "") else dash.no_update


@callback(Output(ids.LEDGER_UNITS, "children"), Input(ids.LEDGER_UNIT_MEASURE, "value"),
          Input(ids.LEDGER_CADENCE, "value"), Input(ids.LEDGER_UNIT_KIND, "value"), Input(ids.LEDGER_UNIT_COUNTY, "value"),
          State(ids.LEDGER_STATE, "data"), prevent_initial_call=True)
@access.requires("viewer")
def switch_units(measure, cadence, unit_kind, region, state):
    kind, day, home, counties = checked_state(state)
    lang = lang_of((state or {}).get("lang"))
    if measure not in {m.code for m in measures_of(kind)} or cadence not in ur.CADENCES \
            or unit_kind not in (ALL, *units_mod.UNIT_KINDS):
        raise PreventUpdate
    region = region or ALL
    reason = county_refusal(region, counties, "zh")
    if reason:
        _refused(f"/ledger/{kind}?unit_county={region}", reason)
        raise PreventUpdate
    return units_content(kind, measure, day, cadence, unit_kind, region, home, seen_counties(counties), lang)


@callback(Output(ids.LEDGER_TEMPLATE_DOWNLOAD, "data"), Input(ids.LEDGER_TEMPLATE, "n_clicks"),
          State(ids.LOCATION, "pathname"), prevent_initial_call=True)
@access.requires("viewer")
def template(_n, pathname):
    """The kind's template workbook (loaders/ledger_templates.py), as the upload page accepts it."""
    kinds = ledger_kinds.default()
    kind = (pathname or "").rstrip("/").rsplit("/", 1)[-1]
    kind = kind if kind in kinds else kinds.codes[0]
    return dcc.send_bytes(ledger_templates.template_xlsx(kind), f"{kinds[kind].name_zh}_模板.xlsx")


# ---------------------------------------------------------------- exports

def ledger_subject(pathname, search, lang) -> grid_export.Subject:
    """清欠台账[_礼县]_截至2026-10-31: the kind, the chosen county and the date (re-resolved on the server)."""
    kinds = ledger_kinds.default()
    kind = (pathname or "").rstrip("/").rsplit("/", 1)[-1]
    kind = kind if kind in kinds else kinds.codes[0]
    q = dict(parse_qsl((search or "").lstrip("?")))
    day, _ = resolve_date(kind, q.get("date"), record=False)
    regions = regions_mod.default()
    county = q.get("county")
    name = regions[county].name if county in regions else ""
    k = kinds[kind]
    return grid_export.Subject(zh="_".join(p for p in (k.name_zh, name) if p),
                               text=" · ".join(p for p in (k.name(lang), name) if p),
                               detail_zh=f"截至{day}" if day else "",
                               detail=f"{t('ledger_as_of', lang)} {day}" if day else "")


for _grid, _name in ((ids.LEDGER_COUNTIES, "台账各县区"), (ids.LEDGER_OVERDUE, "台账逾期事项"),
                     (ids.LEDGER_ITEMS, "台账事项"), (ids.LEDGER_UNITS_GRID, "台账下辖单位排名")):
    grid_export.register(_grid, _name, subject=ledger_subject)
