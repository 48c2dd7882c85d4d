"""Authorisation: the rules as plain functions, then requests straight to Dash's callback endpoint as an
anonymous user, a viewer, a county-scoped viewer and an uploader — each gets only what it may have."""

import json

import dash
import pytest
from ui_helpers import (
    TEST_PASSWORD,
    TEST_SECRET,
    add_test_accounts,
    as_user,
    component_text,
    form_token,
    logged_in_client,
)

from app import create_app
from layouts import access, ids
from loaders import audit
from loaders.users import Account

LEADER = Account("leader", "市领导", "viewer")
BUREAU = Account("bureau", "统计局", "uploader")
ADMIN = Account("admin", "管理员", "admin")
LIXIAN = Account("lixian", "礼县", "viewer", ("621226",))
LONGNAN_STAFF = Account("ln", "陇南市", "viewer", ("621200",))


@pytest.mark.parametrize(("account", "view", "allowed"), [
    (LEADER, access.View("/rankings", "city:620100"), True),
    (LEADER, access.View("/upload"), False),
    (BUREAU, access.View("/upload"), True),
    (BUREAU, access.View("/audit"), False),
    (ADMIN, access.View("/audit"), True),
    (LIXIAN, access.View("/rankings", "province"), True),  # the comparison that includes 礼县
    (LIXIAN, access.View("/", "prefectures"), True),  # its prefecture is one of the 14
    (LIXIAN, access.View("/rankings", "city:621200"), True),
    (LIXIAN, access.View("/rankings", "city:620100"), False),  # 兰州's internal comparison does not include it
    (LIXIAN, access.View("/county/621226", county="621226"), True),
    (LIXIAN, access.View("/county/621202", county="621202"), False),  # 武都's own page
    (LONGNAN_STAFF, access.View("/county/621202", county="621202"), True),
    (LONGNAN_STAFF, access.View("/county/620102", county="620102"), False),
    (LIXIAN, access.View("/prefecture/620100", prefecture="620100"), True),  # any prefecture's own numbers
    (LIXIAN, access.View("/prefecture/621202", prefecture="621202"), False),  # a county's code is no prefecture
    (LIXIAN, access.View("/prefecture/620100", "city:620100", prefecture="620100"), False),
    (LEADER, access.View("/prefecture/621200", prefecture="621200"), True),
    (None, access.View("/"), False),
])
def test_rules(app, account, view, allowed):  # app: the pages' declared roles are in dash.page_registry
    assert (access.refusal(account, view) is None) is allowed


def test_refusals_say_why(app):
    assert access.refusal(LEADER, access.View("/upload")) == "此页面需要“上报”权限，当前账号为“查看”"
    assert "礼县" in access.refusal(LIXIAN, access.View("/county/621202", county="621202"))
    assert access.home_scope(LIXIAN) == "city:621200" and access.home_scope(LEADER) is None


def test_views_are_read_from_the_values_dash_passes_by_position():
    entry = {"inputs": [{"id": "county-waterfall-vs", "property": "value"}],
             "state": [{"id": ids.COUNTY_STATE, "property": "data"}, {"id": ids.LOCATION, "property": "search"}]}
    body = {"inputs": [{"id": "county-waterfall-vs", "property": "value", "value": "vs_mean"}],
            "state": [{"id": ids.COUNTY_STATE, "property": "data", "value": {"county": "621202", "quarter": "2026Q3"}},
                      {"id": ids.LOCATION, "property": "search", "value": "?scope=city%3A620100"}]}
    views = access.views_in_payload(access.declared_values(entry, body))
    assert {v.scope for v in views} == {"city:620100", None} and {v.county for v in views} == {None, "621202"}
    renamed = body | {"state": [body["state"][0], {"id": "x", "property": "search", "value": "?scope=city%3A620100"}]}
    swapped = body | {"state": body["state"][::-1]}
    extra = body | {"state": [*body["state"], {"id": ids.LOCATION, "property": "search", "value": ""}]}
    assert [access.declared_values(entry, b) for b in (renamed, swapped, extra)] == [None, None, None]


# ---------------------------------------------------------------- over HTTP

@pytest.fixture(scope="module")
def app(demo_store):
    add_test_accounts(demo_store)
    return create_app(demo_store, secret=TEST_SECRET)


def client(app, name=None):
    if name:
        return logged_in_client(app, name, next_path="/rankings")
    c = app.server.test_client()
    c.get("/login")
    return c


def post(c, output, inputs, state=(), changed=None):
    body = {"output": output, "outputs": _outputs(output), "inputs": list(inputs), "state": list(state),
            "changedPropIds": changed or [f"{inputs[0]['id']}.{inputs[0]['property']}"]}
    return c.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")


def _outputs(output):
    parts = [p for p in output.strip(".").split("...")] if output.startswith("..") else [output]
    outs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]
    return outs if output.startswith("..") else outs[0]


def page(c, path, search=""):
    """What the page router renders for a path (as the browser asks for it)."""
    r = post(c, access.ROUTER_OUTPUT, [{"id": ids.LOCATION, "property": "pathname", "value": path},
                                       {"id": ids.LOCATION, "property": "search", "value": search}])
    return r.status_code, text(r)


def text(r):
    return json.dumps(r.get_json(), ensure_ascii=False)


def export(c, search):
    return post(c, "rank-download.data", [{"id": ids.RANK_EXPORT_XLSX, "property": "n_clicks", "value": 1},
                                          {"id": ids.RANK_EXPORT_CSV, "property": "n_clicks", "value": None}],
                [{"id": ids.LOCATION, "property": "search", "value": search}])


def waterfall(c, county):
    return post(c, "county-waterfall.figure", [{"id": ids.COUNTY_WATERFALL_VS, "property": "value", "value": "vs_mean"}],
                [{"id": ids.COUNTY_STATE, "property": "data",
                  "value": {"county": county, "quarter": "2026Q3", "lang": "zh"}}])


def test_anonymous_gets_nothing_but_a_refusal(app, demo_store):
    c = client(app)
    assert c.get("/rankings?scope=city:621200").status_code == 302
    for r in (export(c, ""), waterfall(c, "621226"), post(c, access.ROUTER_OUTPUT, [
            {"id": ids.LOCATION, "property": "pathname", "value": "/"},
            {"id": ids.LOCATION, "property": "search", "value": ""}]), c.get("/_dash-layout"),
              c.get("/_dash-dependencies")):
        assert r.status_code == 401 and r.get_json() == {"error": "请先登录"}
    assert "两当" not in c.get("/_dash-layout").get_data(as_text=True)
    refused = audit.entries(demo_store, action="refused", user="")
    # five refusals from one address for one reason: the first is written, the rest counted (loaders/audit.py)
    assert len(refused) >= 1 and set(refused["detail"]) == {"请先登录"}


def test_viewer_reads_pages_but_cannot_reach_bureau_pages(app, demo_store):
    c = client(app, "leader")
    r = export(c, "?scope=city%3A621200")
    assert r.status_code == 200 and f"排名_陇南市各县区_2026年三季度_{demo_store.data_state()}_模拟数据.xlsx" in text(r)
    status, body = page(c, "/rankings", "?scope=city%3A621200")
    assert status == 200 and "两当县" in body
    for path in ("/upload", "/history", "/periods", "/audit", "/users"):
        status, body = page(c, path)
        assert status == 200 and "无权访问" in body and "需要“" in body and "rank-grid" not in body
    nav = post(c, "..hdr-nav.children...hdr-title.children...hdr-simulated.children...hdr-vintage.children..."
                  "hdr-period.data...hdr-scope.data...hdr-user.children...hdr-print.children...hdr-shown.data..."
                  "hdr-updated.children..",
               [{"id": ids.LOCATION, "property": "search", "value": ""},
                {"id": ids.LOCATION, "property": "pathname", "value": "/"}])
    nav = text(nav)
    assert "排名" in nav and "/upload" not in nav and "/audit" not in nav and "/users" not in nav and "退出" in nav
    unknown = post(c, "made-up.children", [{"id": "x", "property": "n_clicks", "value": 1}])
    assert unknown.status_code == 403 and "未登记权限" in unknown.get_json()["error"]
    assert audit.entries(demo_store, action="refused", user="leader")["target"].str.contains("/upload").any()


def test_renaming_reordering_or_duplicating_ids_changes_nothing(app, demo_store):
    """The attack: as 礼县, the ranking export with the location's id renamed returned Lanzhou's ranking. Dash passes
    values by position, so the gate reads them by position: any other shape is refused and audited."""
    c = client(app, "lixian")
    assert export(c, "?scope=city%3A620100").status_code == 403
    tricks = [
        [{"id": "x", "property": "search", "value": "?scope=city%3A620100"}],  # renamed
        [{"id": ids.LOCATION, "property": "search", "value": "?scope=city%3A621200"},  # duplicated: the second wins?
         {"id": ids.LOCATION, "property": "search", "value": "?scope=city%3A620100"}],
        [],  # left out
    ]
    for state in tricks:
        r = post(c, "rank-download.data", [{"id": ids.RANK_EXPORT_XLSX, "property": "n_clicks", "value": 1},
                                           {"id": ids.RANK_EXPORT_CSV, "property": "n_clicks", "value": None}], state)
        assert r.status_code == 403 and "兰州" not in text(r), state
    swapped = post(c, "rank-download.data", [{"id": ids.RANK_EXPORT_CSV, "property": "n_clicks", "value": None},
                                             {"id": ids.RANK_EXPORT_XLSX, "property": "n_clicks", "value": 1}],
                   [{"id": ids.LOCATION, "property": "search", "value": "?scope=city%3A620100"}])
    assert swapped.status_code == 403 and "不符" in swapped.get_json()["error"]
    refused = audit.entries(demo_store, action="refused", user="lixian")
    assert refused["detail"].str.contains("请求的输入与该操作的定义不符").any()


def test_county_scoped_viewer_sees_its_county_and_its_comparisons_only(app):
    c = client(app, "lixian")
    assert waterfall(c, "621226").status_code == 200
    other = waterfall(c, "621202")
    assert other.status_code == 403 and "不含县区 621202" in other.get_json()["error"]
    assert export(c, "?scope=province").status_code == 200
    assert export(c, "?scope=city%3A621200").status_code == 200
    assert export(c, "?scope=city%3A620100").status_code == 403
    status, body = page(c, "/county/621202")
    assert status == 200 and "无权访问" in body and "薄弱指标" not in body
    status, body = page(c, "/county/621226", "?period=2026Q3")
    assert "礼县" in body and "无权访问" not in body
    status, body = page(c, "/rankings", "?scope=city%3A620100")
    assert "无权访问" in body and "城关区" not in body
    status, body = page(c, "/prefecture/620100", "?period=2026Q3")  # 兰州's page: its own numbers, its counties'
    assert "兰州市" in body and "市州间第" in body and "只列出各县区的全省得分" in body  # province scores only
    assert "score_city" not in body and "/county/620102" not in body
    status, body = page(c, "/prefecture/621200", "?period=2026Q3")  # its own prefecture: the city scores too
    assert "score_city" in body and "/county/621226" in body and "/county/621202" not in body
    status, body = page(c, "/prefecture/621202")
    assert "无权访问" in body and "不含市州 621202" in body


def test_every_server_callback_declares_a_role(app):
    client(app, "leader").get("/_dash-dependencies")  # the router is registered on the first request
    for output, entry in app.callback_map.items():
        if "callback" not in entry or output == access.ROUTER_OUTPUT:
            continue
        assert getattr(entry["callback"], "required_role", None) in ("viewer", "uploader", "admin"), output


def test_login_needs_the_form_token_and_never_redirects_off_site(app):
    c = app.server.test_client()
    c.get("/login")
    r = c.post("/login", data={"username": "leader", "password": TEST_PASSWORD})
    assert r.status_code == 400 and "页面已过期" in r.get_data(as_text=True)
    token = form_token(c, "/login?next=//evil.example/x")
    r = c.post("/login", data={"csrf": token, "username": "leader", "password": TEST_PASSWORD,
                               "next": "//evil.example/x"})
    assert r.status_code == 302 and r.headers["Location"] == "/"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_wrong_password_shows_the_count_in_chinese(app):
    c = app.server.test_client()
    r = c.post("/login", data={"csrf": form_token(c), "username": "admin", "password": "nope"})
    assert r.status_code == 401 and "用户名或密码错误" in r.get_data(as_text=True)


def test_layouts_called_as_functions_follow_the_same_rules(app, demo_store):
    layout = next(p for p in dash.page_registry.values() if p["path_template"] == "/county/<code>")["layout"]
    assert "请先登录" in component_text(layout(code="621226"))
    with as_user(app, demo_store, "lixian"):
        assert "无权访问" not in component_text(layout(code="621226", period="2026Q3"))
        assert "不含县区 621202" in component_text(layout(code="621202", period="2026Q3"))


def test_a_prefecture_account_starts_from_its_own_prefecture(app, demo_store):
    from loaders import users

    if users.get(demo_store, "lanzhou") is None:
        users.add(demo_store, "lanzhou", "viewer", TEST_PASSWORD, scope=("620100",), by="tests")
    layout = next(p for p in dash.page_registry.values() if p["path"] == "/")["layout"]
    with as_user(app, demo_store, "lanzhou"):
        text = component_text(layout(period="2026Q3"))
    assert "总览 · 兰州市" in text


# ---------------------------------------------------------------- roles declared where pages register

def test_every_page_declares_a_known_role_and_its_navigation_text(app):
    from layouts.i18n import TEXT

    for page in dash.page_registry.values():
        assert page.get(access.ROLE_KEY) in ("viewer", "uploader", "admin"), page["module"]
        assert page.get("nav") is None or page["nav"] in TEXT, page["module"]
    assert access.page_role("/county/621226") == "viewer" and access.page_role("/indicator/GDP") == "viewer"
    assert access.page_role("/users") == "admin" and access.page_role("/history/3") == "uploader"


@pytest.fixture
def unroled(app, demo_store):
    """A page that registers without min_role (as a new page might), in an app built with it."""
    dash.register_page("layouts.pages.unroled", path="/unroled", name="未登记", order=99, nav="nav_data",
                       layout=lambda **_: dash.html.Div("机密内容", id="unroled-secret"))
    try:
        yield create_app(demo_store, secret=TEST_SECRET)
    finally:
        dash.page_registry.pop("layouts.pages.unroled", None)


def test_a_page_that_declares_no_role_is_refused_to_every_role(unroled, demo_store):
    from layouts import shell

    entry = dash.page_registry["layouts.pages.unroled"]
    for account in (LEADER, BUREAU, ADMIN, LIXIAN):
        reason = access.refusal(account, access.View("/unroled"))
        assert reason == "此页面未登记访问权限（/unroled），已拒绝", account.role
        assert entry not in shell.nav_pages(account)
    for name in ("leader", "bureau", "admin"):
        status, body = page(client(unroled, name), "/unroled")
        assert status == 200 and "无权访问" in body and "未登记访问权限" in body and "机密内容" not in body
        refused = audit.entries(demo_store, action="refused", user=name)
        assert (refused["target"] == "/unroled").any(), name
    assert "/rankings" in [p["path"] for p in shell.nav_pages(ADMIN)]
