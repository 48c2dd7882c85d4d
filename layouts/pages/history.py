"""上报记录 (uploaders): every upload with who, when, file, counts and warnings; download the original
file; roll an upload back (after confirmation), which restores the previous values and is recorded."""

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, callback, dcc, html

from layouts import access, data, grid_export, ids, status
from layouts import ledger_upload_view as cards
from layouts.i18n import lang_of, local_time, period_label, t
from layouts.shell import state_from_search
from loaders import audit, upload_check
from loaders.store import LEDGER
from loaders.upload_kind import UNIT_UPLOADS

dash.register_page(__name__, path="/history", name="上报记录", order=11, nav="nav_history", min_role="uploader")

grid_export.register(ids.HISTORY_GRID, "上报记录", role="uploader", subject=grid_export.no_subject)

SHOWN = 500


def grid(lang: str = "zh"):
    """The latest uploads the account may handle: a scoped uploader sees only those within its regions."""
    uploads = data.store().uploads(limit=SHOWN)
    account = access.current()
    if account is not None and account.scope:
        sets = data.store().upload_region_sets()
        uploads = uploads[[access.upload_refusal(account, sets.get(int(i), set()), int(i)) is None
                           for i in uploads["id"]]]
    table = status.uploads_grid(uploads, lang, ids.HISTORY_GRID)
    table.dashGridOptions = {**table.dashGridOptions,
                             "rowSelection": {"mode": "singleRow", "enableClickSelection": True}}
    return table


def layout(lang=None, **_):
    lang = lang_of(lang)
    return dmc.Stack(gap="sm", children=[
        dmc.Title(t("history_title", lang), order=4),
        dmc.Text(t("history_note", lang), size="sm", c="dimmed"),
        html.Div(id=ids.HISTORY_MESSAGE),
        dmc.Group(gap="xs", className="no-print", children=[
            dmc.Button(t("history_download", lang), id=ids.HISTORY_DOWNLOAD_BTN, variant="light", size="xs"),
            dmc.Button(t("history_rollback", lang), id=ids.HISTORY_ROLLBACK_BTN, color="red", variant="light", size="xs"),
            dcc.Download(id=ids.HISTORY_DOWNLOAD),
        ]),
        html.Div(id="history-grid-box", children=grid(lang)),
        grid_export.buttons(ids.HISTORY_GRID, lang),
        html.Div(id=ids.HISTORY_DETAILS),
        dmc.Modal(id=ids.HISTORY_CONFIRM, title=t("history_confirm", lang), opened=False,
                  children=dmc.Stack(gap="sm", children=[
                      dmc.Text(id="history-confirm-text"),
                      dmc.TextInput(id=ids.HISTORY_NOTE, label=t("history_reason", lang),
                                    placeholder=t("history_reason_ph", lang)),
                      dmc.Group(justify="flex-end", children=[
                          dmc.Button(t("history_confirm_ok", lang), id=ids.HISTORY_CONFIRM_OK, color="red")]),
                  ])),
    ])


@callback(Output(ids.HISTORY_DETAILS, "children"), Input(ids.HISTORY_GRID, "selectedRows"),
          State(ids.LOCATION, "search"), prevent_initial_call=True)
@access.requires("uploader")
def details(rows, search):
    """The selected upload's periods and every warning stored with it (row, column, value, reason, fix)."""
    upload_id = _selected(rows)
    row = data.store().upload(upload_id) if upload_id is not None else None
    if row is None:
        return None
    refused = _refused(upload_id, "查看")
    if refused is not None:
        return refused
    lang = lang_of(state_from_search(search)["lang"])
    problems = data.store().upload_problems(upload_id)
    periods = [p for p in row["periods"].split(",") if p]
    span = period_label(periods[0], lang) + (f"～{period_label(periods[-1], lang)}" if len(periods) > 1 else "") \
        if periods else "—"
    head = t("history_details", lang).format(id=upload_id, file=row["file_name"], periods=span, n=len(problems))
    return dmc.Stack(gap=4, children=[dmc.Title(head, order=5, mt="sm"), *_contents(upload_id, row, lang),
                                      status.problems_grid(problems, lang, ids.HISTORY_PROBLEMS) if len(problems) else None])


def _contents(upload_id: int, row: dict, lang: str) -> list:
    """What a ledger or units upload held (its kind, date, items per county, the county values it filled; or its
    rows); nothing more for a statistics upload, whose values the grid's counts describe."""
    store = data.store()
    if row["kind"] == LEDGER:
        meta = store.ledger_upload(upload_id)
        if meta is None:
            return []
        return cards.ledger_history(meta, store.upload_rows(upload_id, "ledger_items"),
                                    store.upload_rows(upload_id, "observations"), row["status"], lang)
    if row["kind"] in UNIT_UPLOADS:
        return cards.units_history(row["kind"], store.upload_rows(upload_id, row["kind"]), lang)
    return []


def _selected(rows) -> int | None:
    return int(rows[0]["id"]) if rows else None


def _refused(upload_id: int, action: str) -> dmc.Alert | None:
    """The refusal (audited) when the account may not handle this upload — the id comes from the browser."""
    account = access.current()
    if not account.scope:
        return None
    store = data.store()
    reason = access.upload_refusal(account, store.upload_region_sets().get(upload_id, set()), upload_id)
    if reason is None:
        return None
    audit.record(store, "refused", user=account.name, outcome=audit.REFUSED, target=upload_id,
                 detail=f"{action}：{reason}")
    return dmc.Alert(reason, color="red", id="history-refused")


@callback(Output(ids.HISTORY_DOWNLOAD, "data"), Output(ids.HISTORY_MESSAGE, "children", allow_duplicate=True),
          Input(ids.HISTORY_DOWNLOAD_BTN, "n_clicks"), State(ids.HISTORY_GRID, "selectedRows"),
          prevent_initial_call=True)
@access.requires("uploader")
def download(_n, rows):
    """The bytes exactly as uploaded, under the upload's (sanitised) name."""
    upload_id = _selected(rows)
    if upload_id is None:
        return dash.no_update, dmc.Alert("请先在表中选中一次上传", color="yellow")
    refused = _refused(upload_id, "下载")
    if refused is not None:
        return dash.no_update, refused
    store = data.store()
    row, content = store.upload(upload_id), store.original_file(upload_id)
    if row is None or content is None:
        return dash.no_update, dmc.Alert(f"上传 #{upload_id} 没有保存原文件（早于本功能的导入）", color="yellow")
    audit.record(store, "download", user=access.current().name, target=upload_id, detail=row["file_name"])
    return dcc.send_bytes(content, f"{upload_id}_{upload_check.safe_name(row['file_name'])}"), None


@callback(Output(ids.HISTORY_CONFIRM, "opened"), Output("history-confirm-text", "children"),
          Output(ids.HISTORY_MESSAGE, "children", allow_duplicate=True),
          Input(ids.HISTORY_ROLLBACK_BTN, "n_clicks"), State(ids.HISTORY_GRID, "selectedRows"),
          prevent_initial_call=True)
@access.requires("uploader")
def ask(_n, rows):
    upload_id = _selected(rows)
    if upload_id is None:
        return False, "", dmc.Alert("请先在表中选中要撤销的上传", color="yellow")
    row = data.store().upload(upload_id)
    if row is None:
        return False, "", dmc.Alert(f"没有上传 #{upload_id}", color="yellow")
    refused = _refused(upload_id, "撤销")
    if refused is not None:
        return False, "", refused
    text = (f"撤销上传 #{upload_id}：{row['file_name']}（{row['user_name']}，{local_time(row['created_at'])}，"
            f"新增 {row['inserted']}、修订 {row['revised']}）？其数值将不再有效，之前的版本恢复。")
    return True, text, None


@callback(Output(ids.HISTORY_CONFIRM, "opened", allow_duplicate=True),
          Output(ids.HISTORY_MESSAGE, "children", allow_duplicate=True), Output("history-grid-box", "children"),
          Input(ids.HISTORY_CONFIRM_OK, "n_clicks"), State(ids.HISTORY_GRID, "selectedRows"),
          State(ids.HISTORY_NOTE, "value"), State(ids.LOCATION, "search"), prevent_initial_call=True)
@access.requires("uploader")
def rollback(_n, rows, note, search):
    upload_id = _selected(rows)
    if upload_id is None:
        return False, dmc.Alert("请先在表中选中要撤销的上传", color="yellow"), dash.no_update
    refused = _refused(upload_id, "撤销")
    if refused is not None:
        return False, refused, dash.no_update
    store, user = data.store(), access.current().name
    data.changing()
    try:
        row = store.rollback(upload_id, user=user, note=(note or "").strip())
    except (LookupError, ValueError) as exc:
        audit.record(store, "rollback", user=user, outcome=audit.FAILED, target=upload_id, detail=str(exc))
        return False, dmc.Alert(str(exc), color="yellow"), dash.no_update
    data.changed()
    audit.record(store, "rollback", user=user, target=upload_id, detail=f"{row['file_name']} {note or ''}".strip())
    msg = dmc.Alert(f"已撤销上传 #{upload_id}（{row['file_name']}）；之前的版本已恢复，各页面已按恢复后的数据计算。",
                    color="green", id="history-done")
    return False, msg, grid(lang_of(state_from_search(search)["lang"]))
