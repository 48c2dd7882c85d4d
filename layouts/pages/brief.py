"""通报: the dispatch meeting's brief for the period and scope in the URL — previewed as the document, downloaded
as DOCX or PDF (made as a background job, audited when delivered); an uploader may rewrite 下一步工作要求 before
downloading."""

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, callback, ctx, dcc

from indicators import pipeline
from indicators.brief import content, render
from indicators.brief import job as brief_job
from layouts import access, background, brief_view, data, ids
from layouts.cockpit_view import home_prefecture
from layouts.i18n import lang_of, period_label, t
from layouts.shell import state_from_search, state_text
from loaders import audit
from loaders import regions as regions_mod

dash.register_page(__name__, path="/brief", name="通报", order=7, nav="nav_brief", min_role="viewer", cache_layout=True)

EDIT_ROLE = "uploader"


def brief_scope(scope: str | None) -> str:
    """The brief's scope: the province's prefectures, or a city's counties (the province's counties have no brief
    of their own: a city's is the document its leaders get)."""
    if scope == "prefectures":
        return scope
    return f"city:{home_prefecture(scope or access.home_scope(access.current()))}"


def scope_name(scope: str) -> str:
    if scope == "prefectures":
        return "全省各市州"
    return f"{regions_mod.default()[scope.removeprefix('city:')].name}各县区"


def _view(search: str | None):
    """(month, scope) of the URL, re-resolved against what the account may see (never the browser's word)."""
    st = state_from_search(search)
    quarter, month = data.resolve(st["period"])
    return (month or (pipeline.quarter_period(quarter) if quarter else None)), brief_scope(st["scope"])


def layout(period=None, scope=None, lang=None, **_):
    lang = lang_of(lang)
    quarter, month = data.resolve(period)
    if quarter is None:
        return dmc.Alert(t("brief_no_data", lang), color="yellow")
    month = month or pipeline.quarter_period(quarter)
    asked, scope = scope, brief_scope(scope)
    brief = content.generate(data.snap(), month, scope)
    may_edit = access.current().at_least(EDIT_ROLE)
    return dmc.Stack(gap="sm", children=[
        dmc.Title(f"{t('nav_brief', lang)} · {scope_name(scope)} · {period_label(month, lang)}", order=4),
        dmc.Text(f"{brief.params['scheme']}；{t('brief_quarter', lang).format(q=period_label(brief.params['quarter'], lang))}"
                 f"；{state_text(brief.params['data_state'], lang)}", size="xs", c="dimmed"),
        *([dmc.Text(t("brief_scope_note", lang).format(name=scope_name(scope)), size="sm", c="blue")]
          if asked != scope else []),
        dmc.Group(className="no-print", gap="xs", children=[
            dmc.Button(t("brief_docx", lang), id=ids.BRIEF_DOCX, size="xs"),
            dmc.Button(t("brief_pdf", lang), id=ids.BRIEF_PDF, size="xs", variant="light"),
            dcc.Download(id=ids.BRIEF_DOWNLOAD),
            *background.holders(ids.BRIEF_JOB, ids.BRIEF_POLL),
            dmc.Text(id=ids.BRIEF_MESSAGE, size="xs", c="red"),
        ]),
        dmc.Textarea(id=ids.BRIEF_REQUIREMENTS, label=t("brief_requirements", lang),
                     description=t("brief_requirements_help" if may_edit else "brief_requirements_readonly", lang),
                     value=brief_view.requirements_text(brief), autosize=True, minRows=3, maxRows=12,
                     readOnly=not may_edit, className="no-print"),
        dmc.Box(id=ids.BRIEF_PREVIEW, children=brief_view.preview(brief)),
    ])


@callback(Output(ids.BRIEF_JOB, "data"), Output(ids.BRIEF_POLL, "disabled"), Output(ids.BRIEF_MESSAGE, "children"),
          Input(ids.BRIEF_DOCX, "n_clicks"), Input(ids.BRIEF_PDF, "n_clicks"),
          State(ids.BRIEF_REQUIREMENTS, "value"), State(ids.LOCATION, "search"), prevent_initial_call=True,
          running=[(Output(ids.BRIEF_DOCX, "loading"), True, False), (Output(ids.BRIEF_PDF, "loading"), True, False)])
@access.requires("viewer")
def download(_docx, _pdf, requirements, search):
    """Make the brief of the URL's view as a file, as a background job; the edited requirements only from an
    uploader (the server decides)."""
    fmt = "pdf" if ctx.triggered_id == ids.BRIEF_PDF else "docx"
    month, scope = _view(search)
    if month is None:
        return dash.no_update, True, t("brief_no_data", "zh")
    edited = brief_view.parse_requirements(requirements) if access.current().at_least(EDIT_ROLE) else None
    pin = data.snap().store.pin  # the state this page shows (while a newer one is computed: loaders/shown.py)
    held = background.submit("brief", {"month": month, "scope": scope, "fmt": fmt, "requirements": edited,
                                       "upload_ids": list(pin) if pin is not None else None},
                             label=f"通报 {scope} {month} {fmt}")
    return held, False, t("brief_making", "zh")


@callback(Output(ids.BRIEF_DOWNLOAD, "data"), Output(ids.BRIEF_POLL, "disabled", allow_duplicate=True),
          Output(ids.BRIEF_MESSAGE, "children", allow_duplicate=True),
          Input(ids.BRIEF_POLL, "n_intervals"), State(ids.BRIEF_JOB, "data"), prevent_initial_call=True)
@access.requires("viewer")
def deliver(_n, held):
    """The file once its job is done (audited now, under its data state), or what went wrong."""
    v = background.ask(held)
    if background.waiting(v):
        return dash.no_update, False, dash.no_update
    if v is None:
        return dash.no_update, True, t("brief_job_gone", "zh")
    if v.state != brief_job.jobs.DONE:
        return dash.no_update, True, background.error_text(v)
    r = v.result  # the job's own record of what it made (never the page's word)
    name = f"通报_{scope_name(r['scope'])}_{period_label(r['month'], 'zh')}_{r['data_state']}{render.suffix(r['fmt'])}"
    audit.record(data.store(), "export", user=access.current().name, target=name,
                 detail=f"通报 {r['fmt']}" + ("（下一步工作要求已修改）" if r["edited"] else ""))
    return dcc.send_bytes(r["payload"], name), True, ""
