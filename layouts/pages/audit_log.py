"""审计日志 (admins): logins, uploads, rollbacks, downloads, exports, target and closing-date changes, account
changes and refused requests — newest first, paged and filtered on the server (user, action, outcome, dates,
text), exported as the whole filtered set. The log itself is append-only."""

import datetime as dt
import math

import dash
import dash_ag_grid as dag
import dash_mantine_components as dmc
import pandas as pd
from dash import Input, Output, State, callback, ctx, dcc

from layouts import access, data, export_names, ids
from layouts.export import Column, to_csv, to_xlsx
from layouts.i18n import grid_text, lang_of, local_time, t
from loaders import audit, clock

dash.register_page(__name__, path="/audit", name="审计日志", order=13, nav="nav_audit", min_role="admin")

PAGE_SIZE = 200  # rows a page: a screenful to scan, small enough to send in one callback
ANONYMOUS = "（未登录）"
ANONYMOUS_VALUE = "-"  # the user filter's value for anonymous requests (a select cannot hold "")
ACTIONS = {"login": "登录", "logout": "退出", "upload": "上传", "rollback": "撤销上传", "download": "下载原文件",
           "export": "导出", "refused": "拒绝访问", "closing_date": "关库日期", "targets": "修改目标",
           "user_add": "添加用户", "user_passwd": "改密码", "user_disable": "停用用户", "user_enable": "启用用户"}
OUTCOMES = {"ok": "成功", "failed": "失败", "refused": "拒绝"}
COLUMNS = [Column("id", "序号", width=8), Column("time", "时间（北京）", width=18), Column("user", "用户", width=12),
           Column("action", "操作", width=12), Column("outcome", "结果", width=8), Column("target", "对象", width=30),
           Column("detail", "详情", width=50), Column("ip", "IP", width=16)]


def audit_rows(log: pd.DataFrame) -> list[dict]:
    return [{"id": int(r.id), "time": local_time(pd.Timestamp(r.logged_at)), "user": r.user_name or ANONYMOUS,
             "action": ACTIONS.get(r.action, r.action), "outcome": OUTCOMES.get(r.outcome, r.outcome),
             "target": r.target, "detail": r.detail, "ip": r.ip} for r in log.itertuples()]


def _day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def filter_of(user=None, action=None, outcome=None, dates=None, text=None) -> audit.Filter:
    """The page's filter controls as a store filter; unknown actions and outcomes are ignored, not trusted."""
    since, until = ((list(dates or []) + [None, None])[:2]) if isinstance(dates, (list, tuple)) else (None, None)
    return audit.Filter(user=None if not user else ("" if user == ANONYMOUS_VALUE else str(user)[:64]),
                        action=action if action in ACTIONS else None, outcome=outcome if outcome in OUTCOMES else None,
                        since=_day(since), until=_day(until), text=str(text or "")[:200])


def view(store, f: audit.Filter, number: int, lang: str = "zh") -> tuple[list[dict], str, int, int]:
    """(rows of the page, the total line, pages, the page shown) for a filter and a page number."""
    total = audit.count(store, f)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    number = min(max(int(number or 1), 1), pages)
    rows = audit_rows(audit.page(store, f, number=number, size=PAGE_SIZE))
    return rows, t("audit_total", lang).format(n=f"{total:,}", page=number, pages=pages), pages, number


def _user_options(store, lang: str) -> list[dict]:
    names = audit.user_names(store)
    return [{"value": ANONYMOUS_VALUE if n == "" else n, "label": ANONYMOUS if n == "" else n} for n in names]


def layout(lang=None, **_):
    lang = lang_of(lang)
    store = data.store()
    rows, total, pages, _n = view(store, audit.Filter(), 1, lang)
    defs = [{"field": c.field, "headerName": c.header, "width": c.width * 8} for c in COLUMNS]
    defs[4]["cellClassRules"] = {"cell-missing": "params.value !== '成功'"}
    return dmc.Stack(gap="sm", children=[
        dmc.Title(t("audit_title", lang), order=4),
        dmc.Text(t("audit_note", lang).format(n=PAGE_SIZE), size="sm", c="dimmed"),
        dcc.Store(id=ids.AUDIT_LANG, data=lang),
        dmc.Group(gap="xs", className="no-print", align="flex-end", children=[
            dmc.Select(id=ids.AUDIT_USER, label=t("audit_user", lang), data=_user_options(store, lang),
                       placeholder=t("audit_any", lang), clearable=True, searchable=True, size="xs", w=160),
            dmc.Select(id=ids.AUDIT_ACTION, label=t("audit_action", lang), placeholder=t("audit_any", lang),
                       data=[{"value": k, "label": v} for k, v in ACTIONS.items()], clearable=True, size="xs", w=130),
            dmc.Select(id=ids.AUDIT_OUTCOME, label=t("audit_outcome", lang), placeholder=t("audit_any", lang),
                       data=[{"value": k, "label": v} for k, v in OUTCOMES.items()], clearable=True, size="xs", w=100),
            dmc.DatePickerInput(id=ids.AUDIT_DATES, label=t("audit_dates", lang), type="range", clearable=True,
                                valueFormat="YYYY-MM-DD", size="xs", w=230),
            dmc.TextInput(id=ids.AUDIT_TEXT, label=t("audit_text", lang), debounce=400, size="xs", w=200),
            dmc.Button(t("export_xlsx", lang), id=ids.AUDIT_EXPORT_XLSX, size="xs", variant="light"),
            dmc.Button(t("export_csv", lang), id=ids.AUDIT_EXPORT_CSV, size="xs", variant="light"),
            dcc.Download(id=ids.AUDIT_DOWNLOAD),
        ]),
        dmc.Group(gap="sm", children=[
            dmc.Pagination(id=ids.AUDIT_PAGE, total=pages, value=1, size="sm", withEdges=True),
            dmc.Text(total, id=ids.AUDIT_TOTAL, size="sm"),
        ]),
        dag.AgGrid(id=ids.AUDIT_GRID, rowData=rows, columnDefs=defs, defaultColDef={"resizable": True},
                   dashGridOptions={**grid_text(lang), "animateRows": False},
                   className="ag-theme-alpine", style={"width": "100%", "height": "640px"}),
    ])


FILTERS = [Input(ids.AUDIT_USER, "value"), Input(ids.AUDIT_ACTION, "value"), Input(ids.AUDIT_OUTCOME, "value"),
           Input(ids.AUDIT_DATES, "value"), Input(ids.AUDIT_TEXT, "value")]


@callback(Output(ids.AUDIT_GRID, "rowData"), Output(ids.AUDIT_TOTAL, "children"), Output(ids.AUDIT_PAGE, "total"),
          Output(ids.AUDIT_PAGE, "value"), *FILTERS, Input(ids.AUDIT_PAGE, "value"), State(ids.AUDIT_LANG, "data"),
          prevent_initial_call=True)
@access.requires("admin")
def show(user, action, outcome, dates, text, number, lang):
    """A new filter starts again at page 1; the page control moves within the filtered set."""
    if ctx.triggered_id != ids.AUDIT_PAGE:
        number = 1
    return view(data.store(), filter_of(user, action, outcome, dates, text), number, lang_of(lang))


@callback(Output(ids.AUDIT_DOWNLOAD, "data"), Input(ids.AUDIT_EXPORT_XLSX, "n_clicks"),
          Input(ids.AUDIT_EXPORT_CSV, "n_clicks"), *(State(i.component_id, i.component_property) for i in FILTERS),
          prevent_initial_call=True)
@access.requires("admin")
def export(_x, _c, user=None, action=None, outcome=None, dates=None, text=None):
    """Every entry the filter selects, read from the store (not the page shown)."""
    store = data.store()
    f = filter_of(user, action, outcome, dates, text)
    frame = pd.DataFrame(audit_rows(audit.matching(store, f)), columns=[c.field for c in COLUMNS])
    csv = ctx.triggered_id == ids.AUDIT_EXPORT_CSV
    audit.record(store, "export", user=access.current().name, target="audit_log", detail=f"{len(frame)} 条")
    day = clock.today().isoformat()  # the log is about no period or data state: the day it was taken says what it is
    name = export_names.file_name("审计日志", "csv" if csv else "xlsx", detail=day)
    if csv:
        return dcc.send_bytes(to_csv(frame, COLUMNS), name)
    return dcc.send_bytes(to_xlsx(frame, COLUMNS, title=export_names.title("审计日志", "zh", detail=day)), name)
