"""Sessions and the login form over HTTP (DuckDB): a copied cookie dies with logout, a password reset or disabling;
12 hours after login means a new login however busy; a guesser waits only at its own address; concurrent logins
all succeed; `next` never leaves the site."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from ui_helpers import TEST_PASSWORD, TEST_SECRET, add_test_accounts, form_token, logged_in_client

from app import create_app
from layouts import login
from loaders import users

COOKIE = "monitor_session"
ENDED = {"error": "登录已失效（已退出、密码已重设或账号已停用），请重新登录"}


@pytest.fixture
def app(duck):
    add_test_accounts(duck)
    return create_app(duck, secret=TEST_SECRET)


def replay(app, cookie: str):
    """Another browser holding a copy of the cookie."""
    other = app.server.test_client()
    other.set_cookie(COOKIE, cookie)
    return other.get("/_dash-layout")


ENDINGS = pytest.mark.parametrize("end", [
    lambda c, store: c.get("/logout"),
    lambda c, store: users.set_password(store, "leader", "a-new-password-1", by="admin"),
    lambda c, store: users.set_disabled(store, "leader", True, by="admin"),
], ids=["logout", "password reset", "disabled"])


@ENDINGS
def test_a_saved_cookie_is_worthless_once_the_session_ends(app, duck, end):
    c = logged_in_client(app, "leader")
    saved = c.get_cookie(COOKIE).value
    assert replay(app, saved).status_code == 200
    end(c, duck)
    r = replay(app, saved)
    assert r.status_code == 401
    assert r.get_json() in (ENDED, {"error": "请先登录"})  # a disabled account is not even loaded


@ENDINGS
def test_with_redis_an_open_session_is_vouched_for_there_and_ending_it_takes_effect_at_once(redis_url, app, duck,
                                                                                          end):
    from loaders import redis_link, sessions

    c = logged_in_client(app, "leader")
    saved = c.get_cookie(COOKIE).value
    assert replay(app, saved).status_code == 200
    keys = list(redis_link.client().scan_iter(f"{redis_link.namespace(duck.url)}:session:*"))
    assert len(keys) == 1 and 0 < redis_link.client().ttl(keys[0]) <= sessions.CACHE_S
    end(c, duck)
    assert redis_link.client().get(keys[0]) is None  # forgotten with the row, not CACHE_S later
    r = replay(app, saved)
    assert r.status_code == 401 and r.get_json() in (ENDED, {"error": "请先登录"})


def test_twelve_hours_after_login_means_a_new_login_however_busy(app, monkeypatch):
    c = logged_in_client(app, "leader")
    start = login.time.time()
    for minutes in range(20, 12 * 60, 20):  # a request every 20 minutes: never idle
        monkeypatch.setattr(login.time, "time", lambda m=minutes: start + m * 60)
        assert c.get("/_dash-layout").status_code == 200, minutes
    monkeypatch.setattr(login.time, "time", lambda: start + 12 * 3600 + 60)
    r = c.get("/_dash-layout")
    assert r.status_code == 401 and r.get_json() == {"error": "登录已超过 12 小时，请重新登录"}


def _login(c, name, password, ip="127.0.0.1", nxt="/"):
    env = {"REMOTE_ADDR": ip}
    token = form_token(c) if ip == "127.0.0.1" else _token(c, env)
    return c.post("/login", data={"csrf": token, "username": name, "password": password, "next": nxt},
                  environ_overrides=env)


def _token(c, env):
    return re.search(r'name="csrf" value="([^"]+)"', c.get("/login", environ_overrides=env).get_data(as_text=True))[1]


def test_guessing_admin_slows_the_guesser_not_the_admin(app):
    attacker = app.server.test_client()
    for i in range(6):
        r = _login(attacker, "admin", f"guess{i}", ip="10.6.6.6")
        assert r.status_code == 401
    assert "本机登录失败次数过多，请于" in r.get_data(as_text=True)
    assert "本机登录失败次数过多" in _login(attacker, "admin", TEST_PASSWORD, ip="10.6.6.6").get_data(as_text=True)
    r = _login(app.server.test_client(), "admin", TEST_PASSWORD, ip="10.0.0.1")
    assert r.status_code == 302 and r.headers["Location"] == "/"


def test_eight_concurrent_logins_all_succeed(app):
    clients = [app.server.test_client() for _ in range(8)]
    tokens = [form_token(c) for c in clients]

    def post(i):
        return clients[i].post("/login", data={"csrf": tokens[i], "username": ("leader", "bureau")[i % 2],
                                               "password": TEST_PASSWORD, "next": "/"}).status_code
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(post, range(8))) == [302] * 8
    assert all(c.get("/_dash-layout").status_code == 200 for c in clients)


@pytest.mark.parametrize(("nxt", "lands"), [
    ("/rankings?period=2026-10", "/rankings?period=2026-10"),
    ("/county/621226", "/county/621226"),
    ("//evil.example/x", "/"),
    ("/%09/evil.example", "/"),
    ("/\t/evil.example", "/"),
    ("/\\evil.example", "/"),
    ("/%5Cevil.example", "/"),
    ("/%2F/evil.example", "/"),
    ("/%252F%252Fevil.example", "/"),
    ("https://evil.example/", "/"),
    ("evil.example", "/"),
    ("", "/"),
])
def test_next_stays_on_this_site(app, nxt, lands):
    r = _login(app.server.test_client(), "leader", TEST_PASSWORD, nxt=nxt)
    assert r.status_code == 302 and r.headers["Location"] == lands
