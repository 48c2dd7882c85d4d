"""数据上报 (uploaders): drop files, see exactly what they would change, then write them in one go.

The preview is a dry run of the same ingest that commits (nothing is written); commit validates again
on the server. Files arrive as bytes; their names are labels, never paths. What each file is — statistics, a
ledger of one kind, units, their tasks or reports — is decided from its headers (loaders/upload_kind.py).
Templates of the ledgers and of the units uploads download from here.
"""

from dataclasses import replace

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, callback, dcc, html

from layouts import access, data, ids
from layouts import ledger_upload_view as cards
from layouts import upload_view as view
from layouts.i18n import lang_of, t
from layouts.shell import state_from_search
from loaders import audit, ledger_kinds, ledger_templates, units, upload_check
from loaders.cells import period as parse_period
from loaders.problems import ERROR, Problem
from loaders.upload_ingest import ingest_upload
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


def _reports(contents, names, period_text, as_of_text, reason, *, commit: bool, lang: str = "zh"):
    account = access.current()
    period, bad_period = _override(period_text)
    as_of, bad_as_of = _as_of(as_of_text, lang)
    out = []
    for contents_i, name in zip(contents or [], names or [], strict=False):
        label, raw, problems = view.decode(contents_i, name)
        if bad_period or bad_as_of or problems:
            bad = [Problem(ERROR, "bad_period", bad_period, "请改正期间栏或清空它", label)] if bad_period else []
            bad += [replace(bad_as_of, file=label)] if bad_as_of else []
            out.append(view.rejected(label, problems or bad))
            continue
        out.append(ingest_upload(raw, data.store(), name=label, user=account.name, period=period, as_of=as_of,
                                 note=(reason or "").strip(), dry_run=not commit,
                                 allowed_regions=access.upload_regions(account)))
    return out


def _lang(search) -> str:
    return lang_of(state_from_search(search)["lang"]) if isinstance(search, str) else "zh"


@callback(Output(ids.UPLOAD_PREVIEW, "children"), Output(ids.UPLOAD_COMMIT, "disabled"),
          Input(ids.UPLOAD_DROP, "contents"), Input(ids.UPLOAD_PERIOD, "value"), Input(ids.UPLOAD_AS_OF, "value"),
          Input(ids.UPLOAD_REASON, "value"), State(ids.UPLOAD_DROP, "filename"), State(ids.LOCATION, "search"),
          prevent_initial_call=True, running=[(Output(ids.UPLOAD_COMMIT, "loading"), True, False)])
@access.requires("uploader")
def preview(contents, period_text, as_of_text, reason, names, search=None):
    """A dry run of every dropped file: nothing is written."""
    if not contents:
        return [], True
    lang = _lang(search)
    reports = _reports(contents, names, period_text, as_of_text, reason, commit=False, lang=lang)
    writable = any(r.status == "dry_run" for r in reports)
    return [cards.card(r, i, lang) for i, r in enumerate(reports)], not writable


@callback(Output(ids.UPLOAD_RESULT, "children"), Output(ids.UPLOAD_PREVIEW, "children", allow_duplicate=True),
          Output(ids.UPLOAD_COMMIT, "disabled", allow_duplicate=True),
          Input(ids.UPLOAD_COMMIT, "n_clicks"), State(ids.UPLOAD_DROP, "contents"), State(ids.UPLOAD_DROP, "filename"),
          State(ids.UPLOAD_PERIOD, "value"), State(ids.UPLOAD_AS_OF, "value"), State(ids.UPLOAD_REASON, "value"),
          State(ids.LOCATION, "search"), prevent_initial_call=True,
          running=[(Output(ids.UPLOAD_COMMIT, "loading"), True, False)])
@access.requires("uploader")
def commit(n_clicks, contents, names, period_text, as_of_text, reason, search=None):
    """Write every valid file (each in its own transaction, with its audit record); files with errors are left out
    and say why."""
    if not n_clicks or not contents:
        return dash.no_update, dash.no_update, dash.no_update
    account = access.current()
    lang = _lang(search)
    reports = _reports(contents, names, period_text, as_of_text, reason, commit=True, lang=lang)
    for r in reports:
        if r.status in ("committed", "rejected"):
            audit.record(data.store(), "upload", user=account.name, outcome=audit.OK if r.ok else audit.FAILED,
                         target=r.upload_id or r.file,
                         detail=f"{r.file}（{cards.what_label(r)}）：新增 {r.inserted} 修订 {r.revised} "
                                f"未变 {r.unchanged} 错误 {len(r.errors)}")
    data.changed()
    done = [r for r in reports if r.status == "committed"]
    which = "；".join(t("upload_written_one", lang).format(id=r.upload_id, file=r.file, what=cards.what_label(r, lang))
                     for r in done)
    msg = t("upload_written", lang).format(n=len(done), which=which) if done else t("upload_nothing", lang)
    alert = dmc.Alert(msg, color="green" if done else "yellow", id="upload-done", title=t("upload_result", lang))
    return [alert, *[cards.card(r, 100 + i, lang) for i, r in enumerate(reports)]], [], True
