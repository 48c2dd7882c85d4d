"""The audit log under attack (issue 10, point 7): a flood of anonymous requests writes a handful of rows and a
counted summary, real events stay on the admin page's first page, the page pages and filters through everything
on both backends, exports hold the filtered set, and nothing updates or deletes a row of the log."""

import base64
import datetime as dt
import io
import json
import re

import pandas as pd
import pytest
import sqlalchemy as sa
from ui_helpers import TEST_SECRET, add_test_accounts, as_user, component_text, logged_in_client

from app import create_app
from layouts import ids
from loaders import audit
from loaders import tables as t

FLOOD = 2000
MULTI = f"..{ids.AUDIT_GRID}.rowData...{ids.AUDIT_TOTAL}.children...{ids.AUDIT_PAGE}.total...{ids.AUDIT_PAGE}.value.."


class FakeClock:
    """The throttle's monotonic clock, moved by the test (a window is a minute; no test waits one)."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def app(store):
    add_test_accounts(store)
    return create_app(store, secret=TEST_SECRET)


@pytest.fixture
def clock(store):
    c = FakeClock()
    audit.throttle(store).clock = c
    return c


@pytest.fixture
def page_module(app):
    import importlib

    return importlib.import_module("layouts.pages.audit_log")  # pages register themselves once an app exists


def post(c, output, outputs, inputs, state=(), changed=None):
    body = {"output": output, "outputs": outputs, "inputs": list(inputs), "state": list(state),
            "changedPropIds": changed or [f"{inputs[0]['id']}.{inputs[0]['property']}"]}
    return c.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")


def filters(user=None, action=None, outcome=None, dates=None, text=None):
    return [{"id": ids.AUDIT_USER, "property": "value", "value": user},
            {"id": ids.AUDIT_ACTION, "property": "value", "value": action},
            {"id": ids.AUDIT_OUTCOME, "property": "value", "value": outcome},
            {"id": ids.AUDIT_DATES, "property": "value", "value": dates},
            {"id": ids.AUDIT_TEXT, "property": "value", "value": text}]


def show(c, number=1, changed=None, **f):
    outputs = [{"id": ids.AUDIT_GRID, "property": "rowData"}, {"id": ids.AUDIT_TOTAL, "property": "children"},
               {"id": ids.AUDIT_PAGE, "property": "total"}, {"id": ids.AUDIT_PAGE, "property": "value"}]
    r = post(c, MULTI, outputs, [*filters(**f), {"id": ids.AUDIT_PAGE, "property": "value", "value": number}],
             [{"id": ids.AUDIT_LANG, "property": "data", "value": "zh"}], changed=changed or [f"{ids.AUDIT_PAGE}.value"])
    assert r.status_code == 200, r.get_data(as_text=True)
    got = r.get_json()["response"]
    return (got[ids.AUDIT_GRID]["rowData"], got[ids.AUDIT_TOTAL]["children"], got[ids.AUDIT_PAGE]["total"],
            got[ids.AUDIT_PAGE]["value"])


def anonymous_flood(app, n=FLOOD):
    c = app.server.test_client()
    for i in range(n):
        r = c.get("/_dash-layout") if i % 2 else c.post("/_dash-update-component", data="{}",
                                                          content_type="application/json")
        assert r.status_code == 401 and r.get_json() == {"error": "请先登录"}


def test_a_flood_of_anonymous_requests_writes_a_handful_of_rows_and_real_events_stay_first(app, store, clock):
    anonymous_flood(app)
    refused = audit.entries(store, action="refused", user="")
    assert len(refused) == 1 and refused.iloc[0]["detail"] == "请先登录"  # the first; the rest are being counted
    clock.now += audit.REFUSAL_WINDOW_SECONDS  # the window closes; the next refusal writes the summary, then itself
    anonymous_flood(app, 1)
    refused = audit.entries(store, action="refused", user="")
    assert len(refused) == 3
    assert list(refused["detail"]) == ["请先登录", f"请先登录（另有 {FLOOD - 1} 次相同拒绝已合并：同一地址、同一原因，60 秒内）",
                                       "请先登录"]
    assert set(refused["ip"]) == {"127.0.0.1"} and set(refused["outcome"]) == {"refused"}

    c = logged_in_client(app, "admin")  # a real event right after the flood
    rows, total, pages, number = show(c)
    assert rows[0]["user"] == "admin" and (rows[0]["action"], rows[0]["outcome"]) == ("登录", "成功")
    assert rows[2]["user"] == "（未登录）" and (rows[2]["action"], rows[2]["outcome"]) == ("拒绝访问", "拒绝")
    assert "另有 1999 次相同拒绝已合并" in rows[2]["detail"]
    n = audit.count(store)
    assert n < 20 and total == f"共 {n} 条，第 1 / 1 页" and (pages, number) == (1, 1)


def test_refusals_of_logged_in_accounts_are_each_written(app, store, clock):
    c = logged_in_client(app, "leader")
    for _ in range(3):  # a viewer asking for the admin's export: refused (403), and every time on record
        r = post(c, f"{ids.AUDIT_DOWNLOAD}.data", {"id": ids.AUDIT_DOWNLOAD, "property": "data"},
                 [{"id": ids.AUDIT_EXPORT_CSV, "property": "n_clicks", "value": 1},
                  {"id": ids.AUDIT_EXPORT_XLSX, "property": "n_clicks", "value": None}], filters())
        assert r.status_code == 403 and r.get_json() == {"error": "此操作需要“管理”权限，当前账号为“查看”"}
    refused = audit.entries(store, action="refused", user="leader")
    assert len(refused) == 3 and set(refused["target"]) == {f"{ids.AUDIT_DOWNLOAD}.data"}


def test_rotating_addresses_are_bounded_too(store, clock):
    for i in range(500):
        audit.record_refusal(store, target="/_dash-layout", reason="请先登录", ip=f"10.0.{i // 250}.{i % 250}")
    assert audit.count(store) == audit.REFUSAL_KEYS_PER_WINDOW + 1  # 20 addresses, then the first of all the others
    clock.now += audit.REFUSAL_WINDOW_SECONDS
    audit.throttle(store).flush(store)
    summary = audit.entries(store, limit=1).iloc[0]
    assert summary["ip"] == "（其他地址）"
    assert summary["detail"] == f"请先登录（另有 {500 - audit.REFUSAL_KEYS_PER_WINDOW - 1} 次相同拒绝已合并：同一地址、同一原因，60 秒内）"


def test_paging_reaches_the_oldest_row_and_a_filter_starts_again_at_page_one(app, store, page_module):
    with store.engine.begin() as conn:
        conn.execute(sa.insert(t.audit_log), [
            {"logged_at": dt.datetime(2026, 11, 1) + dt.timedelta(minutes=i), "user_name": "bureau",
             "action": "upload" if i % 3 else "export", "outcome": "ok", "target": f"文件{i}.xlsx", "detail": "",
             "ip": "10.0.0.1"} for i in range(450)])
    c = logged_in_client(app, "admin")
    log = audit.entries(store)  # the 450, the test accounts' creation before them and the admin's login after
    n, oldest = len(log), int(log["id"].min())
    assert 450 < n <= 600
    rows, total, pages, number = show(c, 3)
    assert total == f"共 {n} 条，第 3 / 3 页" and (pages, number, len(rows)) == (3, 3, n - 400)
    assert rows[-1]["id"] == oldest and rows[-1]["action"] == "添加用户"
    first = next(r for r in rows if r["target"] == "文件0.xlsx")
    assert (first["time"], first["user"], first["action"]) == ("2026-11-01 08:00", "bureau", "导出")
    assert show(c, 99)[1] == f"共 {n} 条，第 3 / 3 页"  # past the end: the last page
    rows, total, pages, number = show(c, 3, changed=[f"{ids.AUDIT_ACTION}.value"], action="export")
    assert total == "共 150 条，第 1 / 1 页" and number == 1 and {r["action"] for r in rows} == {"导出"}
    with as_user(app, store, "admin"):
        text = component_text(page_module.layout())
    assert f"共 {n} 条，第 1 / 3 页" in text and "每页 200 条" in text


def _seed(store):
    day = dt.datetime(2026, 11, 20, 16, 30)  # UTC: 00:30 on 21 November in Beijing
    rows = [("admin", "login", "ok", "", "", "10.0.0.1", day - dt.timedelta(days=1)),
            ("bureau", "upload", "failed", "月报.xlsx", "第3行 增速 100% 超出范围", "10.0.0.2", day),
            ("", "refused", "refused", "/_dash-layout", "请先登录", "10.9.9.9", day + dt.timedelta(days=1)),
            ("Bureau", "export", "ok", "rank_x.csv", "1_000 条", "10.0.0.3", day + dt.timedelta(days=2))]
    with store.engine.begin() as conn:
        conn.execute(sa.insert(t.audit_log), [dict(zip(("user_name", "action", "outcome", "target", "detail", "ip",
                                                        "logged_at"), r, strict=True)) for r in rows])


@pytest.mark.parametrize(("f", "targets"), [
    (audit.Filter(), ["rank_x.csv", "/_dash-layout", "月报.xlsx", ""]),
    (audit.Filter(user="bureau"), ["月报.xlsx"]),
    (audit.Filter(user=""), ["/_dash-layout"]),
    (audit.Filter(action="login"), [""]),
    (audit.Filter(outcome="failed"), ["月报.xlsx"]),
    (audit.Filter(since=dt.date(2026, 11, 21), until=dt.date(2026, 11, 21)), ["月报.xlsx"]),  # Beijing days
    (audit.Filter(until=dt.date(2026, 11, 20)), [""]),
    (audit.Filter(since=dt.date(2026, 11, 22)), ["rank_x.csv", "/_dash-layout"]),
    (audit.Filter(text="0%"), ["月报.xlsx"]),  # % and _ are literal, not wildcards
    (audit.Filter(text="1_0"), ["rank_x.csv"]),
    (audit.Filter(text="BUREAU"), ["rank_x.csv", "月报.xlsx"]),  # in the user name, any case
    (audit.Filter(text="10.9.9"), ["/_dash-layout"]),
    (audit.Filter(text="增速"), ["月报.xlsx"]),
    (audit.Filter(action="upload", outcome="ok"), []),
])
def test_filters_on_both_backends(store, f, targets):
    _seed(store)
    assert list(audit.page(store, f, size=2)["target"]) == targets[:2]
    assert list(audit.matching(store, f)["target"]) == targets
    assert audit.count(store, f) == len(targets)


def test_the_page_reads_its_controls_without_trusting_them(page_module):
    f = page_module.filter_of("-", "drop table", "ok", ["2026-11-01", None], " 月报 ")
    assert f == audit.Filter(user="", action=None, outcome="ok", since=dt.date(2026, 11, 1), until=None, text=" 月报 ")
    assert page_module.filter_of(None, None, None, ["不是日期", "2026-11-30T00:00:00"]).until == dt.date(2026, 11, 30)


def test_export_holds_the_whole_filtered_set_from_the_server(app, store):
    with store.engine.begin() as conn:
        conn.execute(sa.insert(t.audit_log), [
            {"logged_at": dt.datetime(2026, 11, 1) + dt.timedelta(seconds=i), "user_name": "bureau",
             "action": "upload" if i < 250 else "export", "outcome": "ok", "target": f"f{i}", "detail": "=1+1",
             "ip": ""} for i in range(300)])
    c = logged_in_client(app, "admin")
    r = post(c, f"{ids.AUDIT_DOWNLOAD}.data", {"id": ids.AUDIT_DOWNLOAD, "property": "data"},
             [{"id": ids.AUDIT_EXPORT_XLSX, "property": "n_clicks", "value": None},
              {"id": ids.AUDIT_EXPORT_CSV, "property": "n_clicks", "value": 1}], filters(action="upload"),
             changed=[f"{ids.AUDIT_EXPORT_CSV}.n_clicks"])
    assert r.status_code == 200
    sent = r.get_json()["response"][ids.AUDIT_DOWNLOAD]["data"]
    assert sent["filename"] == "审计日志_2026-11-23.csv"  # the day it was taken (MONITOR_TODAY)
    frame = pd.read_csv(io.BytesIO(base64.b64decode(sent["content"])), encoding="utf-8-sig")
    assert len(frame) == 250 and set(frame["操作"]) == {"上传"}  # more than a page, and only what the filter selects
    assert frame["对象"].iloc[-1] == "f0" and frame["详情"].iloc[0] == "'=1+1"
    assert audit.entries(store, action="export", user="admin").iloc[0]["detail"] == "250 条"


WRITES_TO_LOG = re.compile(r"\b(UPDATE|DELETE\s+FROM|TRUNCATE|DROP\s+TABLE|ALTER\s+TABLE)\b[^;]*\baudit_log\b",
                           re.IGNORECASE | re.DOTALL)


def test_the_log_is_only_ever_appended_to(app, store, clock):
    seen = []

    def watch(conn, cursor, sql, *args):
        seen.append(sql)

    sa.event.listen(store.engine, "before_cursor_execute", watch)
    try:
        anonymous_flood(app, 300)
        clock.now += audit.REFUSAL_WINDOW_SECONDS
        anonymous_flood(app, 2)
        c = logged_in_client(app, "admin")
        show(c, 1, user="-", text="登录")
        post(c, f"{ids.AUDIT_DOWNLOAD}.data", {"id": ids.AUDIT_DOWNLOAD, "property": "data"},
             [{"id": ids.AUDIT_EXPORT_XLSX, "property": "n_clicks", "value": 1},
              {"id": ids.AUDIT_EXPORT_CSV, "property": "n_clicks", "value": None}], filters())
        c.get("/logout")
        audit.throttle(store).flush(store)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", watch)
    inserts = [s for s in seen if re.search(r"INSERT\s+INTO\s+\S*audit_log", s, re.IGNORECASE)]
    assert len(inserts) >= 5  # refusals, their summary, the login, the export, the logout: the paths ran
    assert [s for s in seen if WRITES_TO_LOG.search(s)] == []
    assert WRITES_TO_LOG.search("UPDATE audit_log SET detail='x'")  # the check itself can fail


@pytest.mark.browser
def test_admin_pages_and_searches_the_log_in_the_browser(dash_duo, duck):
    """The page control and the search box work on the server: page 2 of 3, then the one row a search finds."""
    from ui_helpers import login_as

    with duck.engine.begin() as conn:
        conn.execute(sa.insert(t.audit_log), [
            {"logged_at": dt.datetime(2026, 11, 1) + dt.timedelta(minutes=i), "user_name": "bureau", "action": "upload",
             "outcome": "ok", "target": f"文件{i}.xlsx", "detail": "", "ip": "10.0.0.1"} for i in range(450)])
    login_as(dash_duo, duck, "admin")
    dash_duo.wait_for_page(f"{dash_duo.server_url}/audit")
    dash_duo.wait_for_contains_text(f"#{ids.AUDIT_TOTAL}", "第 1 / 3 页", timeout=30)
    dash_duo.find_elements(f"#{ids.AUDIT_PAGE} button")[-2].click()  # "next"
    dash_duo.wait_for_contains_text(f"#{ids.AUDIT_TOTAL}", "第 2 / 3 页", timeout=10)
    box = dash_duo.find_element(f"#{ids.AUDIT_TEXT}")
    box.send_keys("文件7.xlsx")
    dash_duo.wait_for_contains_text(f"#{ids.AUDIT_TOTAL}", "共 1 条，第 1 / 1 页", timeout=10)
    dash_duo.wait_for_contains_text(f"#{ids.AUDIT_GRID}", "文件7.xlsx", timeout=10)
    assert [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"] == []
