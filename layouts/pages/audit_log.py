"""审计日志 (admins): logins, uploads, rollbacks, downloads, exports, target and closing-date changes, account
changes and refused requests — newest first, filterable, exportable. The log itself is append-only."""

import dash
import dash_ag_grid as dag
import dash_mantine_components as dmc
import pandas as pd
from dash import Input, Output, callback, ctx, dcc

from layouts import access, data, ids
from layouts.export import Column, to_csv, to_xlsx
from layouts.i18n import grid_text, lang_of, local_time, t
from loaders import audit

dash.register_page(__name__, path="/audit", name="审计日志", order=13, nav="nav_audit", min_role="admin")

SHOWN = 2000
ACTIONS = {"login": "登录", "logout": "退出", "upload": "上传", "rollback": "撤销上传", "download": "下载原文件",
           "export": "导出", "refused": "拒绝访问", "closing_date": "关库日期", "targets": "修改目标",
           "user_add": "添加用户", "user_passwd": "改密码", "user_disable": "停用用户", "user_enable": "启用用户"}
OUTCOMES = {"ok": "成功", "failed": "失败", "refused": "拒绝"}
COLUMNS = [Column("id", "序号", width=8), Column("time", "时间（北京）", width=18), Column("user", "用户", width=12),
           Column("action", "操作", width=12), Column("outcome", "结果", width=8), Column("target", "对象", width=30),
           Column("detail", "详情", width=50), Column("ip", "IP", width=16)]


def audit_rows(log: pd.DataFrame) -> list[dict]:
    return [{"id": int(r.id), "time": local_time(pd.Timestamp(r.logged_at)), "user": r.user_name or "（未登录）",
             "action": ACTIONS.get(r.action, r.action), "outcome": OUTCOMES.get(r.outcome, r.outcome),
             "target": r.target, "detail": r.detail, "ip": r.ip} for r in log.itertuples()]


def layout(lang=None, **_):
    lang = lang_of(lang)
    rows = audit_rows(audit.entries(data.store(), limit=SHOWN))
    defs = [{"field": c.field, "headerName": c.header, "width": c.width * 8, "filter": True} for c in COLUMNS]
    defs[4]["cellClassRules"] = {"cell-missing": "params.value !== '成功'"}
    return dmc.Stack(gap="sm", children=[
        dmc.Title(t("audit_title", lang), order=4),
        dmc.Text(t("audit_note", lang).format(n=SHOWN), size="sm", c="dimmed"),
        dmc.Group(gap="xs", className="no-print", children=[
            dmc.Button(t("export_xlsx", lang), id=ids.AUDIT_EXPORT_XLSX, size="xs", variant="light"),
            dmc.Button(t("export_csv", lang), id=ids.AUDIT_EXPORT_CSV, size="xs", variant="light"),
            dcc.Download(id=ids.AUDIT_DOWNLOAD),
        ]),
        dag.AgGrid(id=ids.AUDIT_GRID, rowData=rows, columnDefs=defs, defaultColDef={"resizable": True, "sortable": True},
                   dashGridOptions={**grid_text(lang), "animateRows": False, "pagination": True, "paginationPageSize": 50},
                   className="ag-theme-alpine", style={"width": "100%", "height": "640px"}),
    ])


@callback(Output(ids.AUDIT_DOWNLOAD, "data"), Input(ids.AUDIT_EXPORT_XLSX, "n_clicks"),
          Input(ids.AUDIT_EXPORT_CSV, "n_clicks"), prevent_initial_call=True)
@access.requires("admin")
def export(_x, _c):
    store = data.store()
    frame = pd.DataFrame(audit_rows(audit.entries(store)))
    csv = ctx.triggered_id == ids.AUDIT_EXPORT_CSV
    audit.record(store, "export", user=access.current().name, target="audit_log", detail=f"{len(frame)} 条")
    if csv:
        return dcc.send_bytes(to_csv(frame, COLUMNS), "audit_log.csv")
    return dcc.send_bytes(to_xlsx(frame, COLUMNS, title="审计日志"), "audit_log.xlsx")
