"""The bureau's pages as plain functions and over HTTP: closing dates (admins only, they lock a period), targets
edited in the grid (a new targets version), the upload preview (writes nothing), the session's idle timeout,
and a server error that shows no stack trace."""

import datetime as dt
import importlib
import json

import pytest
from ui_helpers import (
    TEST_SECRET,
    add_test_accounts,
    as_user,
    component_text,
    logged_in_client,
    upload_commit,
    upload_preview,
)

from app import create_app
from layouts import access, data, ids, login
from loaders import audit
from loaders.clock import is_closed
from loaders.demo import DEMO_DIR
from loaders.ingest import ingest


@pytest.fixture
def app(duck):
    add_test_accounts(duck)
    assert ingest(DEMO_DIR / "targets_2026.csv", duck).status == "committed"
    return create_app(duck, secret=TEST_SECRET)


@pytest.fixture
def periods(app):
    return importlib.import_module("layouts.pages.periods")  # pages register themselves once an app exists


@pytest.fixture
def upload(app):
    return importlib.import_module("layouts.pages.upload")


def client(app, name):
    return logged_in_client(app, name)


def test_admin_sets_a_closing_date_and_the_period_locks_or_opens(app, duck, periods):
    with as_user(app, duck, "admin"):
        bad = periods.save_closing(1, "2026年13月", "2026-12-08", "x")[0]
        assert "无法识别" in component_text(bad)
        no_reason = periods.save_closing(1, "2026-11", "2026-12-08", "")[0]
        assert "请填写原因" in component_text(no_reason)
        ok, grid = periods.save_closing(1, "2026-11", "2026-12-08", "省局通知延后关库")
    assert "2026年1-11月 的关库日期已设为 2026-12-08" in component_text(ok)
    assert duck.closing_map()["2026-11"] == dt.date(2026, 12, 8)
    assert not is_closed("2026-11", duck.closing_map(), dt.date(2026, 12, 7))
    assert audit.entries(duck, action="closing_date").iloc[0]["target"] == "2026-11"
    assert "省局通知延后关库" in json.dumps(grid.rowData, ensure_ascii=False)


def test_an_uploader_cannot_move_a_closing_date(app, duck):
    c = client(app, "bureau")
    output = next(k for k in app.callback_map if k.startswith(f"..{ids.PERIODS_MESSAGE}.children"))
    body = {"output": output, "outputs": [{"id": ids.PERIODS_MESSAGE, "property": "children"},
                                          {"id": "periods-grid-box", "property": "children"}],
            "inputs": [{"id": ids.PERIODS_SAVE, "property": "n_clicks", "value": 1}],
            "state": [{"id": ids.PERIODS_PERIOD, "property": "value", "value": "2026-09"},
                      {"id": ids.PERIODS_DATE, "property": "value", "value": "2027-01-01"},
                      {"id": ids.PERIODS_REASON, "property": "value", "value": "重开"}],
            "changedPropIds": [f"{ids.PERIODS_SAVE}.n_clicks"]}
    r = c.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 403 and "需要“管理”权限" in r.get_json()["error"]
    assert "2026-09" not in duck.closing_map()


def test_targets_edited_in_the_grid_become_a_new_version(app, duck, periods):
    with as_user(app, duck, "bureau"):
        rows = periods.show_targets("2026", "FAI")
        lixian = next(r for r in rows if r["code"] == "621226")
        before = lixian["growth"]
        assert periods.changed_targets_csv(rows, rows, 2026, "FAI") is None
        lixian["growth"] = before + 2
        card, fresh = periods.save_targets(1, rows, "2026", "FAI", "市政府调整年度目标")
    assert "已写入" in component_text(card) and "修订 1 个" in component_text(card)
    assert next(r for r in fresh if r["code"] == "621226")["growth"] == before + 2
    latest = duck.uploads(limit=1).iloc[0]
    assert (latest["kind"], latest["file_name"], latest["note"]) == ("targets", "网页修改目标_2026_FAI.csv",
                                                                     "市政府调整年度目标")
    assert audit.entries(duck, action="targets").iloc[0]["user_name"] == "bureau"


def test_preview_writes_nothing_and_shows_what_would_change(app, duck, upload):
    text = (DEMO_DIR / "targets_2026.csv").read_text(encoding="utf-8").replace("621226,礼县,2026,FAI,growth,",
                                                                             "621226,礼县,2026,FAI,growth,1")
    contents = "data:text/csv;base64," + __import__("base64").b64encode(text.encode()).decode()
    state = duck.data_state()
    with as_user(app, duck, "bureau"):
        cards, disabled = upload_preview(upload, [contents], ["..\\targets.csv"])
    shown = component_text(cards)
    assert duck.data_state() == state and not disabled
    assert "可以写入" in shown and "将新增 0 个、修订 1 个" in shown and "targets.csv" in shown and ".." not in shown


def test_idle_session_expires_and_is_logged(app, duck, monkeypatch):
    c = client(app, "leader")
    assert c.get("/_dash-layout").status_code == 200
    later = login.time.time() + (login.IDLE_MINUTES + 1) * 60
    monkeypatch.setattr(login.time, "time", lambda: later)
    r = c.get("/_dash-layout")
    assert r.status_code == 401 and r.get_json() == {"error": "登录已超时，请重新登录"}
    assert audit.entries(duck, action="logout").iloc[0]["detail"] == "idle timeout"
    assert c.get("/rankings").status_code == 302  # the page sends the person to the login form


def test_a_server_error_shows_a_reference_not_a_stack_trace(app, duck):
    c = client(app, "leader")
    body = {"output": "rank-download.data", "outputs": {"id": "rank-download", "property": "data"},
            "inputs": [{"id": ids.RANK_EXPORT_XLSX, "property": "n_clicks", "value": 1},
                       {"id": ids.RANK_EXPORT_CSV, "property": "n_clicks", "value": None}],
            "state": [{"id": ids.LOCATION, "property": "search", "value": 12345}],  # not a query string
            "changedPropIds": [f"{ids.RANK_EXPORT_XLSX}.n_clicks"]}
    r = c.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    text = r.get_data(as_text=True)
    assert r.status_code == 500 and "服务器内部错误（编号" in r.get_json()["error"]
    assert "Traceback" not in text and ".py" not in text


def test_page_roles_cover_every_bureau_page(app):
    assert {p: access.page_role(p) for p in ("/", "/upload", "/history", "/periods", "/audit", "/county/621226")} == {
        "/": "viewer", "/upload": "uploader", "/history": "uploader", "/periods": "uploader", "/audit": "admin",
        "/county/621226": "viewer"}
    assert data.WARM_SCOPES[0] == "province"


def test_a_scoped_uploader_may_send_only_its_own_regions(duck):
    from loaders.users import Account

    longnan = Account("ln", "陇南市统计局", "uploader", ("621200",))
    allowed = access.upload_regions(longnan)
    assert "621226" in allowed and "621200" in allowed and "620102" not in allowed
    r = ingest(DEMO_DIR / "targets_2026.csv", duck, dry_run=True, allowed_regions=allowed)
    assert r.status == "rejected" and r.errors[0].code == "region_out_of_scope" and "兰州市" in r.errors[0].reason
    sheet = ingest(DEMO_DIR / "月报_2026年1-10月_陇南市.csv", duck, dry_run=True, allowed_regions=allowed)
    assert sheet.status == "dry_run"
    assert access.upload_regions(Account("b", "统计局", "uploader")) is None


@pytest.fixture
def users_page(app):
    return importlib.import_module("layouts.pages.users_admin")


def test_admin_adds_an_account_resets_its_password_and_disables_it(app, duck, users_page):
    from loaders import users

    with as_user(app, duck, "admin"):
        bad, _ = users_page.add(1, "x", "", "viewer", "")
        assert "用户名“x”不合规" in component_text(bad)
        shown, grid = users_page.add(1, "wangjz", "王局长", "viewer", "621200，621226")
        password = component_text(shown).split("密码为 ")[1].split("（")[0]
        assert users.authenticate(duck, "wangjz", password)[0].scope == ("621200", "621226")
        row = next(r for r in grid.rowData if r["name"] == "wangjz")
        assert (row["role"], row["scope"], row["state"]) == ("查看（领导）", "陇南市、礼县", "正常")
        reset, _ = users_page.apply("reset", "wangjz", "admin")
        new = component_text(reset).split("密码为 ")[1].split("（")[0]
        assert new != password and users.authenticate(duck, "wangjz", new)[0] is not None
        users_page.apply("disable", "wangjz", "admin")
        own, _ = users_page.apply("disable", "admin", "admin")
        assert "不能停用或启用自己的账号" in component_text(own)
    assert users.get(duck, "wangjz").disabled and not users.get(duck, "admin").disabled
    assert {"user_add", "user_passwd", "user_disable"} <= set(audit.entries(duck, user="admin")["action"])


def test_an_oversized_file_is_refused_before_parsing(app, duck, upload):
    import base64

    big = b"region_code,period,indicator,measure,value\n" + b"621226,2026-09,FAI,cum_yoy,1.0\n" * 700_000  # ~21 MB
    contents = "data:text/csv;base64," + base64.b64encode(big).decode()
    with as_user(app, duck, "bureau"):
        result, _, _ = upload_commit(upload, [contents], ["big.csv"])
    text = component_text(result) + json.dumps(result[1].to_plotly_json(), ensure_ascii=False, default=str)
    assert "超过上限 20 MB" in text and "请按月份或地区拆分" in text and "没有写入任何文件" in text
    assert len(duck.uploads()) == 1 and app.server.config["MAX_CONTENT_LENGTH"] == login.MAX_REQUEST_BYTES


def test_history_downloads_the_original_bytes_under_a_safe_name(app, duck):
    import base64

    history = importlib.import_module("layouts.pages.history")
    upload_id = int(duck.uploads(limit=1)["id"].iloc[0])
    with as_user(app, duck, "bureau"):
        sent, message = history.download(1, [{"id": upload_id}])
        nothing, hint = history.download(1, [])
        shown = history.details([{"id": upload_id}], "?lang=en")
    assert base64.b64decode(sent["content"]) == (DEMO_DIR / "targets_2026.csv").read_bytes()
    assert sent["filename"] == f"{upload_id}_targets_2026.csv" and message is None
    assert "请先在表中选中" in component_text(hint)
    assert f"Upload #{upload_id} (targets_2026.csv) · periods Jan–Dec 2026 · 0 warnings" in component_text(shown)
    assert audit.entries(duck, action="download").iloc[0]["target"] == str(upload_id)
