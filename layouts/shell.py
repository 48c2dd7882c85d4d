"""The frame around every page: header (title, period, scope, language, data state, 模拟数据) and
navigation. The URL's query string is the single source of state; the header controls and the URL
are kept in step by one callback, and Dash Pages re-renders the page from the URL."""

from urllib.parse import parse_qs, urlencode

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, ctx, dcc, html

from indicators.pipeline import quarter_period
from layouts import access, data, ids
from layouts.i18n import DEFAULT_LANG, label, lang_of, local_time, period_label, t
from loaders import regions as regions_mod

NAV_KEY = "nav"  # the register_page keyword a page names its navigation text with (a layouts/i18n.py key)
STATE_KEYS = ("period", "scope", "lang")


def state_from_search(search: str | None) -> dict:
    q = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items() if v}
    return {k: q.get(k) for k in STATE_KEYS}


def search_from_state(state: dict) -> str:
    kept = {k: v for k, v in state.items() if v}
    return "?" + urlencode(kept) if kept else ""


def unit_path(code: str, regions=None) -> str:
    """The page of a region: /prefecture/<code> for a prefecture, /county/<code> for a county."""
    regions = regions or regions_mod.default()
    level = regions[code].level if code in regions else "county"
    return f"/prefecture/{code}" if level == "prefecture" else f"/county/{code}"


def scope_options(lang: str) -> list[dict]:
    """The comparison sets the logged-in account may open."""
    regions = regions_mod.default()
    opts = [{"value": "province", "label": label("scope", "province", lang)},
            {"value": "prefectures", "label": label("scope", "prefectures", lang)}]
    for r in sorted(regions.of_level("prefecture"), key=lambda r: r.code):
        if regions.counties_of(r.code):
            opts.append({"value": f"city:{r.code}", "label": r.name})
    account = access.current()
    return [o for o in opts if account is None or access.allowed_scope(account, o["value"], regions)]


def period_options(lang: str) -> list[dict]:
    """Closed year-to-date months (1–N月, what indicators and targets are read at) and closed quarters (the
    composite score); grouped so both read naturally in the select."""
    def option(p):  # a period not yet released (only the bureau sees it) says so
        return {"value": p, "label": period_label(p, lang) + ("" if data.released(p) else t("period_unreleased", lang))}
    return [{"group": t("period_months", lang), "items": [option(m) for m in data.months()]},
            {"group": t("period_quarters", lang), "items": [option(q) for q in data.quarters()]}]


def state_text(state: str, lang: str) -> str:
    """'数据状态 3f9a1c2e4b5d': the data state a page's numbers were computed from (Store.data_state)."""
    return f"{t('data_state', lang)} {state}"


def quarter_notice(quarter: str | None, month: str | None, lang: str) -> list:
    """On a quarterly page opened at a month (1–10月): say which quarter is shown, and why."""
    if not quarter or not month or month == quarter_period(quarter):
        return []
    return [dmc.Alert(t("quarter_of_month", lang).format(month=period_label(month, lang),
                                                         quarter=period_label(quarter, lang)),
                      color="blue", variant="light", id="quarter-notice")]


# An open page asks this often whether the data it was drawn from is still the data shown (a commit, a rollback or
# a closing date may have replaced it since): a leader reading a page learns within a minute that it is out of date.
WATCH_MS = 60_000


def header() -> html.Header:
    summary = data.uploads_summary()
    return html.Header(className="app-header", children=[
        dmc.Group(justify="space-between", wrap="wrap", gap="xs", children=[
            dmc.Group(gap="sm", children=[
                dmc.Title(t("app_title", DEFAULT_LANG), order=3, id=ids.TITLE),
                dmc.Badge(t("simulated", DEFAULT_LANG), color="orange", variant="filled", id="hdr-simulated",
                          style={} if summary["simulated"] else {"display": "none"}),
            ]),
            dmc.Group(gap="xs", className="no-print", children=[
                dmc.Select(id=ids.PERIOD, data=period_options(DEFAULT_LANG), value=data.default_period(),
                           allowDeselect=False, w=150, size="sm", label=None),
                dmc.Select(id=ids.SCOPE, data=scope_options(DEFAULT_LANG), value="province", allowDeselect=False,
                           w=170, size="sm", searchable=True),
                dmc.SegmentedControl(id=ids.LANG, value=DEFAULT_LANG, size="sm",
                                     data=[{"value": "zh", "label": "中文"}, {"value": "en", "label": "EN"}]),
                dmc.Button(t("print", DEFAULT_LANG), id=ids.PRINT, size="sm", variant="default"),
            ]),
        ]),
        dmc.Group(justify="space-between", wrap="wrap", children=[
            html.Nav(id=ids.NAV, className="app-nav no-print"),
            dmc.Group(gap="sm", children=[
                dmc.Text(id=ids.VINTAGE, size="xs", c="dimmed"),
                html.Span(id=ids.USER, className="app-user no-print"),
            ]),
        ]),
        html.Div(id=ids.UPDATED, className="no-print"),
        dcc.Store(id=ids.SHOWN), dcc.Interval(id=ids.WATCH, interval=WATCH_MS),
    ])


def frame() -> dmc.MantineProvider:
    return dmc.MantineProvider(html.Div(className="app", children=[header(), html.Main(dash.page_container)]))


def register(app: dash.Dash) -> None:
    """Attach the frame's callbacks to one app (not at import: a second app in the process needs them too)."""
    app.callback(
        Output(ids.LOCATION, "search"), Output(ids.PERIOD, "value"), Output(ids.SCOPE, "value"),
        Output(ids.LANG, "value"),
        Input(ids.LOCATION, "search"), Input(ids.PERIOD, "value"), Input(ids.SCOPE, "value"), Input(ids.LANG, "value"),
    )(sync_url)
    app.callback(
        Output(ids.NAV, "children"), Output(ids.TITLE, "children"), Output("hdr-simulated", "children"),
        Output(ids.VINTAGE, "children"), Output(ids.PERIOD, "data"), Output(ids.SCOPE, "data"),
        Output(ids.USER, "children"), Output(ids.PRINT, "children"), Output(ids.SHOWN, "data"),
        Output(ids.UPDATED, "children"),
        # the path too: moving to another page keeps the query string, and the page drawn is of the state shown now
        Input(ids.LOCATION, "search"), Input(ids.LOCATION, "pathname"),
    )(relabel)
    app.callback(Output(ids.UPDATED, "children", allow_duplicate=True), Input(ids.WATCH, "n_intervals"),
                 State(ids.SHOWN, "data"), State(ids.LOCATION, "search"), prevent_initial_call=True)(watch)
    # in the browser only (assets/print.js): every grid row onto the paper, then the print dialog
    app.clientside_callback("function(n) { if (n) { window.monitorPrint(); } return ''; }",
                            Output(ids.PRINT, "title"), Input(ids.PRINT, "n_clicks"), prevent_initial_call=True)


def user_box(account, lang: str) -> list:
    if account is None:
        return []
    role = label("role", account.role, lang)
    where = f" · {access.scope_label(account)}" if account.scope else ""
    return [html.Span(f"{account.display_name} · {role}{where}", className="app-user-name"),
            html.A(t("logout", lang), href="/logout", id=ids.LOGOUT)]


@access.requires("viewer")
def sync_url(search, period, scope, lang):
    """URL → controls on load (a copied link opens the same view); controls → URL on change."""
    if ctx.triggered_id in (None, ids.LOCATION):
        st = state_from_search(search)
        return (dash.no_update, st["period"] or period or data.default_period(), st["scope"] or scope or "province",
                lang_of(st["lang"] or lang))
    query = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items() if v}  # keeps page keys too
    query.update({"period": period, "scope": scope, "lang": lang})
    new = search_from_state(query)
    return (new if new != (search or "") else dash.no_update), dash.no_update, dash.no_update, dash.no_update


def nav_pages(account, registry: dict | None = None) -> list[dict]:
    """The pages that declared a navigation entry where they registered, in their registered order, that the
    account may open (a page without a declared role is never offered)."""
    pages = (registry if registry is not None else dash.page_registry).values()
    return [p for p in pages if p.get(NAV_KEY) and account is not None and access.role_refusal(account, p) is None]


def _active(path: str, pathname: str | None) -> bool:
    return path == pathname or (path != "/" and (pathname or "").startswith(path + "/"))


@access.requires("viewer")
def relabel(search, pathname):
    """Texts of the frame in the URL's language; navigation links keep the query string."""
    st = state_from_search(search)
    lang = lang_of(st["lang"])
    qs = search_from_state(st)
    account = access.current()
    nav = [dcc.Link(t(p[NAV_KEY], lang), href=p["path"] + qs, className="active" if _active(p["path"], pathname) else "")
           for p in nav_pages(account)]
    summary = data.uploads_summary()
    latest = summary["latest"]
    vintage = state_text(summary["state"], lang)
    if latest:
        when = local_time(latest["created_at"])
        vintage += (f"；{t('vintage', lang)}：#{latest['id']} {latest['file_name']}（{when}）" if lang == "zh"
                    else f"; {t('vintage', lang)}: #{latest['id']} {latest['file_name']} ({when} UTC)")
    if summary["newer"]:
        vintage += t("newer_computing", lang).format(state=summary["newer"])
    return (nav, t("app_title", lang), t("simulated", lang), vintage, period_options(lang), scope_options(lang),
            user_box(account, lang), t("print", lang), summary["state"], None)


@access.requires("viewer")
def watch(_n, drawn, search):
    """While a page stays open: say so once the data state shown is no longer the one it was drawn from."""
    now = data.state()
    if not drawn or now == drawn:
        return dash.no_update
    lang = lang_of(state_from_search(search)["lang"])
    return dmc.Alert(color="yellow", variant="light", id="data-updated", py=6, children=[
        t("data_updated", lang).format(state=now), html.A(t("data_updated_reload", lang), href="")])
