"""数据上报 (uploaders): drop files, see exactly what they would change, then write them in one go.

The preview is a dry run of the same ingest that commits (nothing is written); commit validates again
on the server. Both run as background jobs (loaders/upload_ingest.py upload_job, layouts/background.py): the
request stages the files' bytes in the store and returns; the page asks until the job is done. Files arrive as bytes; their names are labels, never paths. What each file is — statistics, a
ledger of one kind, units, their tasks or reports — is decided from its headers (loaders/upload_kind.py).
Templates of the ledgers and of the units uploads download from here.
"""

from dataclasses import replace

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, callback, dcc, html

from layouts import access, background, data, ids
from layouts import ledger_upload_view as cards
from layouts import upload_view as view
from layouts.i18n import lang_of, t
from layouts.shell import state_from_search
from loaders import jobs, ledger_kinds, ledger_templates, units, upload_check
from loaders.cells import period as parse_period
from loaders.problems import ERROR, Problem
from loaders.upload_kind import UNIT_UPLOADS

dash.register_page(__name__, path="/upload", name="数据上报", order=10, nav="nav_upload", min_role="uploader")

def layout(lang=None, **_):
    lang = lang_of(lang)
    return dmc.Stack(gap="sm", children=[
        dmc.Title(t("upload_title", lang), order=4),
        dmc.Text(t("upload_hint", lang).format(mb=upload_check.MAX_UPLOAD_BYTES // 1048576), size="sm", c="dimmed"),
        dcc.Upload(id=ids.UPLOAD_DROP, multiple=True, max_size=upload_check.MAX_UPLOAD_BYTES,
                   accept=".csv,.xlsx", className="upload-drop no-print",
                   children=html.Div([t("upload_drop", lang), html.A(t("upload_pick", lang))])),
        templates(lang),
        dmc.Group(gap="md", align="end", className="no-print", children=[
            dmc.TextInput(id=ids.UPLOAD_PERIOD, label=t("upload_period", lang), placeholder=t("upload_period_ph", lang),
                          w=260, debounce=600),
            dmc.TextInput(id=ids.UPLOAD_AS_OF, label=t("upload_as_of", lang), placeholder=t("upload_as_of_ph", lang),
                          w=300, debounce=600),
            dmc.TextInput(id=ids.UPLOAD_REASON, label=t("upload_reason", lang), placeholder=t("upload_reason_ph", lang),
                          w=360, debounce=600),
            dmc.Button(t("upload_commit", lang), id=ids.UPLOAD_COMMIT, disabled=True, color="blue"),
        ]),
        *background.holders(ids.UPLOAD_JOB, ids.UPLOAD_POLL),
        dcc.Loading(html.Div(id=ids.UPLOAD_RESULT), type="dot"),
        dcc.Loading(dmc.Stack(id=ids.UPLOAD_PREVIEW, gap="sm"), type="circle"),
    ])


def _template_keys() -> list[tuple[str, str]]:
    """(key, button text) of every template: each ledger kind, then units, tasks, reports."""
    return [(k.code, k.name_zh) for k in ledger_kinds.default()] + [(u, units.WHAT[u]) for u in UNIT_UPLOADS]


def templates(lang: str):
    return dmc.Stack(gap=2, className="no-print", children=[
        dmc.Group(gap="xs", children=[
            dmc.Text(t("upload_templates", lang), size="sm"),
            *[dmc.Button(text, id=ids.upload_template(key), variant="subtle", size="compact-sm")
              for key, text in _template_keys()],
            *[dcc.Download(id=ids.upload_template_download(key)) for key, _ in _template_keys()]]),
        dmc.Text(t("upload_templates_note", lang), size="xs", c="dimmed")])


def template_file(key: str) -> dict:
    """dcc.Download data of a template: a ledger kind's .xlsx, or the CSV header of a units upload."""
    if key in UNIT_UPLOADS:
        return dcc.send_bytes(units.template_csv(key), f"{units.WHAT[key]}模板.csv")
    return dcc.send_bytes(ledger_templates.template_xlsx(key), f"{ledger_kinds.default()[key].name_zh}模板.xlsx")


def _template_callback(key: str) -> None:
    @callback(Output(ids.upload_template_download(key), "data"), Input(ids.upload_template(key), "n_clicks"),
              prevent_initial_call=True)
    @access.requires("uploader")
    def send(n_clicks):
        if not n_clicks:
            return dash.no_update
        return template_file(key)


for _key, _ in _template_keys():
    _template_callback(_key)


def _override(period_text: str | None) -> tuple[str | None, str | None]:
    """(period, error) from the optional period box."""
    if not (period_text or "").strip():
        return None, None
    p = parse_period(period_text.strip())
    return (p, None) if p else (None, f"期间“{period_text}”无法识别，应为 2026-10 或 2026年1-10月")


def _as_of(text: str | None, lang: str) -> tuple[str | None, Problem | None]:
    """(the 截至日期 typed, or None; the error when it is no date). Parsed here, on the server; like a bad 期间, a bad
    date rejects every dropped file (the box is the uploader's statement about them), saying which box to fix."""
    from loaders.ledger_ingest import as_of_day

    value = (text or "").strip()
    if not value:
        return None, None
    try:
        as_of_day(value)
    except ValueError:
        return None, Problem(ERROR, "bad_as_of", t("upload_bad_as_of", lang).format(value=value),
                             t("upload_bad_as_of_fix", lang), column="截至日期", value=value)
    return value, None


def _job_files(contents, names, period_text, as_of_text, lang: str):
    """(files for loaders.upload_ingest.upload_job, period, as_of): each file's bytes staged in the store, or the
    problems that refuse it here (unreadable, failed the upload check, or a bad 期间 / 截至日期 box)."""
    account = access.current()
    period, bad_period = _override(period_text)
    as_of, bad_as_of = _as_of(as_of_text, lang)
    files = []
    for contents_i, name in zip(contents or [], names or [], strict=False):
        label, raw, problems = view.decode(contents_i, name)
        if bad_period or bad_as_of or problems:
            bad = [Problem(ERROR, "bad_period", bad_period, "请改正期间栏或清空它", label)] if bad_period else []
            bad += [replace(bad_as_of, file=label)] if bad_as_of else []
            files.append({"name": label, "problems": problems or bad})
            continue
        files.append({"name": label, "key": data.store().stage_file(raw, account.name)})
    return files, period, as_of


def _submit(contents, names, period_text, as_of_text, reason, *, commit: bool, lang: str) -> dict:
    """The preview (dry run) or the commit of the dropped files as one background job; what the page keeps."""
    files, period, as_of = _job_files(contents, names, period_text, as_of_text, lang)
    account = access.current()
    return background.submit("upload", {"files": files, "dry_run": not commit, "user": account.name,
                                        "period": period, "as_of": as_of, "note": (reason or "").strip(),
                                        "allowed_regions": access.upload_regions(account)},
                             label="、".join(f["name"] for f in files))


def _waiting(key: str, names, lang: str):
    files = "、".join(upload_check.safe_name(n) for n in names or [])
    return dmc.Text(t(key, lang).format(files=files), size="sm", c="blue")


def _lang(search) -> str:
    return lang_of(state_from_search(search)["lang"]) if isinstance(search, str) else "zh"


@callback(Output(ids.UPLOAD_PREVIEW, "children"), Output(ids.UPLOAD_COMMIT, "disabled"),
          Output(ids.UPLOAD_JOB, "data"), Output(ids.UPLOAD_POLL, "disabled"),
          Input(ids.UPLOAD_DROP, "contents"), Input(ids.UPLOAD_PERIOD, "value"), Input(ids.UPLOAD_AS_OF, "value"),
          Input(ids.UPLOAD_REASON, "value"), State(ids.UPLOAD_DROP, "filename"), State(ids.LOCATION, "search"),
          prevent_initial_call=True)
@access.requires("uploader")
def preview(contents, period_text, as_of_text, reason, names, search=None):
    """A dry run of every dropped file (nothing is written), as a background job: the page says 正在解析… and asks
    (show) until it is done."""
    if not contents:
        return [], True, None, True
    lang = _lang(search)
    held = _submit(contents, names, period_text, as_of_text, reason, commit=False, lang=lang)
    return [_waiting("upload_parsing", names, lang)], True, held, False


@callback(Output(ids.UPLOAD_RESULT, "children"), Output(ids.UPLOAD_PREVIEW, "children", allow_duplicate=True),
          Output(ids.UPLOAD_COMMIT, "disabled", allow_duplicate=True),
          Output(ids.UPLOAD_JOB, "data", allow_duplicate=True), Output(ids.UPLOAD_POLL, "disabled", allow_duplicate=True),
          Input(ids.UPLOAD_COMMIT, "n_clicks"), State(ids.UPLOAD_DROP, "contents"), State(ids.UPLOAD_DROP, "filename"),
          State(ids.UPLOAD_PERIOD, "value"), State(ids.UPLOAD_AS_OF, "value"), State(ids.UPLOAD_REASON, "value"),
          State(ids.LOCATION, "search"), prevent_initial_call=True)
@access.requires("uploader")
def commit(n_clicks, contents, names, period_text, as_of_text, reason, search=None):
    """Write every valid file (each in its own transaction, with its audit record), as a background job; files
    with errors are left out and say why. The page says 正在入库… until show() has the result."""
    if not n_clicks or not contents:
        return dash.no_update, dash.no_update, dash.no_update, dash.no_update, dash.no_update
    lang = _lang(search)
    held = _submit(contents, names, period_text, as_of_text, reason, commit=True, lang=lang)
    return _waiting("upload_writing", names, lang), dash.no_update, True, held, False


@callback(Output(ids.UPLOAD_PREVIEW, "children", allow_duplicate=True),
          Output(ids.UPLOAD_COMMIT, "disabled", allow_duplicate=True),
          Output(ids.UPLOAD_RESULT, "children", allow_duplicate=True),
          Output(ids.UPLOAD_JOB, "data", allow_duplicate=True), Output(ids.UPLOAD_POLL, "disabled", allow_duplicate=True),
          Input(ids.UPLOAD_POLL, "n_intervals"), State(ids.UPLOAD_JOB, "data"), State(ids.LOCATION, "search"),
          prevent_initial_call=True)
@access.requires("uploader")
def show(_n, held, search=None):
    """The preview's cards, or the commit's result, once the job the page holds is done — only to the account that
    submitted it (background.ask); whether it was a commit is the job's own record, never the page's word."""
    v = background.ask(held)
    keep = dash.no_update
    if background.waiting(v):
        return keep, keep, keep, keep, False
    lang = _lang(search)
    if v is None or v.state != jobs.DONE:
        text = t("upload_job_gone", lang) if v is None else background.error_text(v)
        return keep, False, dmc.Alert(text, color="red", id="upload-failed", title=t("upload_result", lang)), None, True
    reports = v.result["reports"]
    if v.result["dry_run"]:
        writable = any(r.status == "dry_run" for r in reports)
        return [cards.card(r, i, lang) for i, r in enumerate(reports)], not writable, [], None, True
    data.changed()  # the commit's job wrote the audit records (and a page closed before this is warmed by the next)
    done = [r for r in reports if r.status == "committed"]
    which = "；".join(t("upload_written_one", lang).format(id=r.upload_id, file=r.file, what=cards.what_label(r, lang))
                     for r in done)
    msg = t("upload_written", lang).format(n=len(done), which=which) if done else t("upload_nothing", lang)
    alert = dmc.Alert(msg, color="green" if done else "yellow", id="upload-done", title=t("upload_result", lang))
    return [], True, [alert, *[cards.card(r, 100 + i, lang) for i, r in enumerate(reports)]], None, True
