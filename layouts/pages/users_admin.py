"""用户管理 (admins): who has an account, with which role and scope; add an account, reset a password (a new
random one, shown once), disable or enable. The same operations as `python -m loaders users`, all audited."""

import dash
import dash_ag_grid as dag
import dash_mantine_components as dmc
import pandas as pd
from dash import Input, Output, State, callback, ctx, html

from layouts import access, data, ids
from layouts.i18n import grid_text, lang_of, local_time, t
from loaders import users

dash.register_page(__name__, path="/users", name="用户管理", order=14, nav="nav_users", min_role="admin")

ROLE_OPTIONS = [{"value": r, "label": users.ROLE_NAMES[r]} for r in users.ROLES]


def user_rows(accounts: pd.DataFrame) -> list[dict]:
    rows = []
    for r in accounts.itertuples():
        locked = r.locked_until is not None and not pd.isna(r.locked_until)
        rows.append({"name": r.name, "display_name": r.display_name, "role": users.ROLE_NAMES[r.role],
                     "scope": access.scope_label(users.Account(r.name, r.display_name, r.role,
                                                               tuple(c for c in r.scope.split(",") if c))), "state": "已停用" if r.disabled else ("锁定中" if locked else "正常"),
                     "last_login": local_time(pd.Timestamp(r.last_login_at)) if not pd.isna(r.last_login_at) else "—"})
    return rows


def _grid():
    defs = [{"field": "name", "headerName": "用户名", "width": 140}, {"field": "display_name", "headerName": "显示名", "width": 180},
            {"field": "role", "headerName": "角色", "width": 140}, {"field": "scope", "headerName": "范围", "width": 160},
            {"field": "state", "headerName": "状态", "width": 100,
             "cellClassRules": {"cell-missing": "params.value !== '正常'"}},
            {"field": "last_login", "headerName": "最近登录（北京）", "flex": 1, "minWidth": 160}]
    return dag.AgGrid(id=ids.USERS_GRID, rowData=user_rows(users.accounts(data.store())), columnDefs=defs,
                      defaultColDef={"resizable": True, "sortable": True},
                      dashGridOptions={**grid_text("zh"), "domLayout": "autoHeight", "animateRows": False,
                                       "rowSelection": {"mode": "singleRow", "enableClickSelection": True}},
                      className="ag-theme-alpine", style={"width": "100%"})


def layout(lang=None, **_):
    lang = lang_of(lang)
    return dmc.Stack(gap="sm", children=[
        dmc.Title(t("users_title", lang), order=4),
        dmc.Text(t("users_note", lang), size="sm", c="dimmed"),
        html.Div(id=ids.USERS_MESSAGE),
        html.Div(id="users-grid-box", children=_grid()),
        dmc.Group(gap="xs", className="no-print", children=[
            dmc.Button(t("users_reset", lang), id=ids.USERS_RESET, variant="light", size="xs"),
            dmc.Button(t("users_disable", lang), id=ids.USERS_DISABLE, variant="light", color="red", size="xs"),
            dmc.Button(t("users_enable", lang), id=ids.USERS_ENABLE, variant="light", size="xs"),
        ]),
        dmc.Title(t("users_add_title", lang), order=5, mt="md"),
        dmc.Group(gap="md", align="end", className="no-print", children=[
            dmc.TextInput(id=ids.USERS_NAME, label=t("users_name", lang), placeholder="wangjz", w=160),
            dmc.TextInput(id=ids.USERS_DISPLAY, label=t("users_display", lang), placeholder="王局长", w=160),
            dmc.Select(id=ids.USERS_ROLE, label=t("users_role", lang), data=ROLE_OPTIONS, value="viewer",
                       allowDeselect=False, w=160),
            dmc.TextInput(id=ids.USERS_SCOPE, label=t("users_scope", lang), placeholder="621200", w=180),
            dmc.Button(t("users_add", lang), id=ids.USERS_ADD),
        ]),
    ])


def _shown_once(name: str, password: str, what: str) -> dmc.Alert:
    return dmc.Alert(f"{what}：用户 {name} 的密码为 {password}（只显示这一次）", color="green", id="users-password")


@callback(Output(ids.USERS_MESSAGE, "children"), Output("users-grid-box", "children"),
          Input(ids.USERS_ADD, "n_clicks"), State(ids.USERS_NAME, "value"), State(ids.USERS_DISPLAY, "value"),
          State(ids.USERS_ROLE, "value"), State(ids.USERS_SCOPE, "value"), prevent_initial_call=True)
@access.requires("admin")
def add(_n, name, display, role, scope_text):
    scope = tuple(c.strip() for c in (scope_text or "").replace("，", ",").split(",") if c.strip())
    password = users.random_password()
    try:
        users.add(data.store(), (name or "").strip(), role, password, display_name=(display or "").strip(), scope=scope,
                  by=access.current().name)
    except users.AccountError as exc:
        return dmc.Alert(str(exc), color="red"), dash.no_update
    return _shown_once(name.strip(), password, "已添加"), _grid()


@callback(Output(ids.USERS_MESSAGE, "children", allow_duplicate=True),
          Output("users-grid-box", "children", allow_duplicate=True),
          Input(ids.USERS_RESET, "n_clicks"), Input(ids.USERS_DISABLE, "n_clicks"), Input(ids.USERS_ENABLE, "n_clicks"),
          State(ids.USERS_GRID, "selectedRows"), prevent_initial_call=True)
@access.requires("admin")
def change(_r, _d, _e, rows):
    if not rows:
        return dmc.Alert("请先在表中选中一个用户", color="yellow"), dash.no_update
    action = {ids.USERS_RESET: "reset", ids.USERS_DISABLE: "disable", ids.USERS_ENABLE: "enable"}[ctx.triggered_id]
    return apply(action, rows[0]["name"], access.current().name)


def apply(action: str, name: str, me: str):
    """reset | disable | enable one account, by the admin `me`: (message, refreshed grid or no_update)."""
    store = data.store()
    try:
        if action == "reset":
            password = users.random_password()
            users.set_password(store, name, password, by=me)
            return _shown_once(name, password, "已重置并解除锁定"), _grid()
        if name == me:
            return dmc.Alert("不能停用或启用自己的账号", color="yellow"), dash.no_update
        users.set_disabled(store, name, action == "disable", by=me)
    except users.AccountError as exc:
        return dmc.Alert(str(exc), color="red"), dash.no_update
    return dmc.Alert(f"用户 {name} 已{'停用' if action == 'disable' else '启用'}", color="green"), _grid()
