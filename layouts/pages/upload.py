"""数据上报 (uploaders): drop files, see exactly what they would change, then write them in one go.

The preview is a dry run of the same ingest that commits (nothing is written); commit validates again
on the server. Files arrive as bytes; their names are labels, never paths.
"""

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, callback, dcc, html

from layouts import access, data, ids
from layouts import upload_view as view
from layouts.i18n import lang_of, t
from loaders import audit, upload_check
from loaders.cells import period as parse_period
from loaders.ingest import ingest
from loaders.problems import ERROR, Problem

dash.register_page(__name__, path="/upload", name="数据上报", order=10, nav="nav_upload", min_role="uploader")

def layout(lang=None, **_):
    lang = lang_of(lang)
    return dmc.Stack(gap="sm", children=[
        dmc.Title(t("upload_title", lang), order=4),
        dmc.Text(t("upload_hint", lang).format(mb=upload_check.MAX_UPLOAD_BYTES // 1048576), size="sm", c="dimmed"),
        dcc.Upload(id=ids.UPLOAD_DROP, multiple=True, max_size=upload_check.MAX_UPLOAD_BYTES,
                   accept=".csv,.xlsx", className="upload-drop no-print",
                   children=html.Div([t("upload_drop", lang), html.A(t("upload_pick", lang))])),
        dmc.Group(gap="md", align="end", className="no-print", children=[
            dmc.TextInput(id=ids.UPLOAD_PERIOD, label=t("upload_period", lang), placeholder=t("upload_period_ph", lang),
                          w=260, debounce=600),
            dmc.TextInput(id=ids.UPLOAD_REASON, label=t("upload_reason", lang), placeholder=t("upload_reason_ph", lang),
                          w=360, debounce=600),
            dmc.Button(t("upload_commit", lang), id=ids.UPLOAD_COMMIT, disabled=True, color="blue"),
        ]),
        dcc.Loading(html.Div(id=ids.UPLOAD_RESULT), type="dot"),
        dcc.Loading(dmc.Stack(id=ids.UPLOAD_PREVIEW, gap="sm"), type="circle"),
    ])


def _override(period_text: str | None) -> tuple[str | None, str | None]:
    """(period, error) from the optional period box."""
    if not (period_text or "").strip():
        return None, None
    p = parse_period(period_text.strip())
    return (p, None) if p else (None, f"期间“{period_text}”无法识别，应为 2026-10 或 2026年1-10月")


def _reports(contents, names, period_text, reason, *, commit: bool):
    account = access.current()
    period, bad_period = _override(period_text)
    out = []
    for contents_i, name in zip(contents or [], names or [], strict=False):
        label, raw, problems = view.decode(contents_i, name)
        if bad_period or problems:
            out.append(view.rejected(label, problems or [Problem(ERROR, "bad_period", bad_period,
                                                                  "请改正期间栏或清空它", label)]))
            continue
        out.append(ingest(raw, data.store(), name=label, user=account.name, period=period,
                          note=(reason or "").strip(), dry_run=not commit,
                          allowed_regions=access.upload_regions(account)))
    return out


@callback(Output(ids.UPLOAD_PREVIEW, "children"), Output(ids.UPLOAD_COMMIT, "disabled"),
          Input(ids.UPLOAD_DROP, "contents"), Input(ids.UPLOAD_PERIOD, "value"), Input(ids.UPLOAD_REASON, "value"),
          State(ids.UPLOAD_DROP, "filename"), prevent_initial_call=True,
          running=[(Output(ids.UPLOAD_COMMIT, "loading"), True, False)])
@access.requires("uploader")
def preview(contents, period_text, reason, names):
    """A dry run of every dropped file: nothing is written."""
    if not contents:
        return [], True
    reports = _reports(contents, names, period_text, reason, commit=False)
    writable = any(r.status == "dry_run" for r in reports)
    return [view.preview_card(r, i) for i, r in enumerate(reports)], not writable


@callback(Output(ids.UPLOAD_RESULT, "children"), Output(ids.UPLOAD_PREVIEW, "children", allow_duplicate=True),
          Output(ids.UPLOAD_COMMIT, "disabled", allow_duplicate=True),
          Input(ids.UPLOAD_COMMIT, "n_clicks"), State(ids.UPLOAD_DROP, "contents"), State(ids.UPLOAD_DROP, "filename"),
          State(ids.UPLOAD_PERIOD, "value"), State(ids.UPLOAD_REASON, "value"), prevent_initial_call=True,
          running=[(Output(ids.UPLOAD_COMMIT, "loading"), True, False)])
@access.requires("uploader")
def commit(n_clicks, contents, names, period_text, reason):
    """Write every valid file (each in its own transaction); files with errors are left out and say why."""
    if not n_clicks or not contents:
        return dash.no_update, dash.no_update, dash.no_update
    account = access.current()
    reports = _reports(contents, names, period_text, reason, commit=True)
    for r in reports:
        if r.status in ("committed", "rejected"):
            audit.record(data.store(), "upload", user=account.name, outcome=audit.OK if r.ok else audit.FAILED,
                         target=r.upload_id or r.file,
                         detail=f"{r.file}：新增 {r.inserted} 修订 {r.revised} 未变 {r.unchanged} 错误 {len(r.errors)}")
    data.changed()
    done = [r for r in reports if r.status == "committed"]
    msg = (f"已写入 {len(done)} 个文件（上传 {'、'.join(f'#{r.upload_id}' for r in done)}）；各页面已按新数据计算。"
           "如有误，可在“上报记录”中撤销。") if done else "没有写入任何文件。"
    alert = dmc.Alert(msg, color="green" if done else "yellow", id="upload-done", title="写入结果")
    return [alert, *[view.preview_card(r, 100 + i) for i, r in enumerate(reports)]], [], True
