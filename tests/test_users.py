"""Accounts on every backend: hashed passwords, the per-address login throttle, disabling, scope checks, and the audit trail."""

import datetime as dt
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from conftest import ROOT
from loaders import audit, throttle, users
from loaders import tables as t

PW = "correct-horse-battery"


@pytest.fixture(params=["store", "redis"])
def counts_in(request):
    """Where the login throttle counts: the store's table (embedded, or Redis down) or Redis (server mode)."""
    if request.param == "redis":
        request.getfixturevalue("redis_url")
    return request.param


def throttle_rows(store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(t.login_throttle)).scalar_one()


def test_password_is_hashed_and_login_works(store):
    users.add(store, "wang", "viewer", PW, display_name="王局长", scope=("621200",))
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(t.users.c.password_hash)).scalar()
    assert PW not in stored and stored.startswith("scrypt:")
    acct, msg = users.authenticate(store, "wang", PW, ip="10.0.0.1")
    assert (acct.name, acct.role, acct.scope, msg) == ("wang", "viewer", ("621200",), "")
    log = audit.entries(store, action="login")
    assert (log.iloc[0]["user_name"], log.iloc[0]["outcome"], log.iloc[0]["ip"]) == ("wang", "ok", "10.0.0.1")


WAIT = "本机登录失败次数过多，请于 {}（北京时间）后再试；忘记密码请联系管理员重设"


def test_wrong_passwords_make_that_address_wait_never_the_account(store, counts_in):
    users.add(store, "admin", "admin", PW)
    t0 = dt.datetime(2026, 11, 23, 2, 0)  # 10:00 Beijing time
    steps = [  # (minutes after t0, address, password, message)
        (0, "10.6.6.6", "guess1", "用户名或密码错误（本机再错 4 次须等待后再试）"),
        (0, "10.6.6.6", "guess2", "用户名或密码错误（本机再错 3 次须等待后再试）"),
        (0, "10.6.6.6", "guess3", "用户名或密码错误（本机再错 2 次须等待后再试）"),
        (0, "10.6.6.6", "guess4", "用户名或密码错误（本机再错 1 次须等待后再试）"),
        (0, "10.6.6.6", "guess5", WAIT.format("10:01")),
        (0, "10.6.6.6", PW, WAIT.format("10:01")),  # even the right password waits, from that address
        (0, "10.0.0.1", PW, ""),  # the owner, elsewhere, is not locked out
        (2, "10.6.6.6", "guess6", WAIT.format("10:04")),  # each further miss doubles the wait: 2 minutes
        (3, "10.6.6.6", "guess7", WAIT.format("10:04")),
        (5, "10.6.6.6", "guess7", WAIT.format("10:09")),  # 4 minutes
    ]
    for minutes, ip, password, message in steps:
        acct, msg = users.authenticate(store, "admin", password, ip=ip, at=t0 + dt.timedelta(minutes=minutes))
        assert (msg, acct is not None) == (message, message == ""), (minutes, ip, password)
    assert throttle.backoff(40, throttle.MAX_TRIES) == throttle.MAX_WAIT
    assert (throttle_rows(store) == 0) == (counts_in == "redis")  # server mode: no database write per try


def test_a_password_reset_lets_the_waiting_address_in_at_once(store, counts_in):
    users.add(store, "li", "uploader", PW)
    t0 = dt.datetime(2026, 11, 23, 2, 0)
    for _ in range(throttle.MAX_TRIES):
        users.authenticate(store, "li", "wrong", ip="10.0.0.5", at=t0)
    assert users.authenticate(store, "li", PW, ip="10.0.0.5", at=t0)[1] == WAIT.format("10:01")
    users.set_password(store, "li", "another-password-9", by="admin")
    assert users.authenticate(store, "li", "another-password-9", ip="10.0.0.5", at=t0)[1] == ""


@pytest.mark.parametrize("name", ["li", "nobody"])
def test_parallel_guesses_are_counted_one_by_one(store, name, counts_in):
    users.add(store, "li", "uploader", PW)
    at = dt.datetime(2026, 11, 23, 2, 0)
    with ThreadPoolExecutor(8) as pool:
        messages = list(pool.map(lambda i: users.authenticate(store, name, f"guess{i}", ip="10.6.6.6", at=at)[1],
                                 range(16)))
    checked = [d for d in audit.entries(store, action="login")["detail"] if "from this address" in d]
    assert len(checked) == throttle.MAX_TRIES  # exactly 5 passwords were tried, however the requests raced
    assert sum(m == WAIT.format("10:01") for m in messages) == 16 - throttle.MAX_TRIES + 1
    if name == "li":
        assert int(users.accounts(store).set_index("name").loc["li", "failed_logins"]) == throttle.MAX_TRIES


def test_an_address_guessing_many_accounts_waits_and_a_login_gives_one_try_back(store, counts_in):
    users.add(store, "li", "uploader", PW)
    t0 = dt.datetime(2026, 11, 23, 2, 0)
    for i in range(throttle.MAX_ADDRESS_TRIES - 2):  # a few tries each at many accounts, none waiting on its own
        users.authenticate(store, f"user{i // 2}", "guess", ip="10.6.6.6", at=t0)
    assert users.authenticate(store, "li", PW, ip="10.6.6.6", at=t0)[1] == ""  # given back: 28 tries counted
    for name in ("user99", "user98"):  # the 29th and the 30th try are still checked
        assert users.authenticate(store, name, "guess", ip="10.6.6.6", at=t0)[1].startswith("用户名或密码错误")
    assert users.authenticate(store, "li", PW, ip="10.6.6.6", at=t0)[1] == WAIT.format("10:01")  # the address waits
    assert users.authenticate(store, "li", PW, ip="10.0.0.1", at=t0)[1] == ""  # another address does not
    assert users.authenticate(store, "li", PW, ip="10.6.6.6", at=t0 + dt.timedelta(minutes=1))[1] == ""


def test_with_redis_stopped_the_store_counts_and_logins_go_on(store, redis_url, monkeypatch, caplog):
    from loaders import redis_link

    users.add(store, "li", "uploader", PW)
    t0 = dt.datetime(2026, 11, 23, 2, 0)
    users.authenticate(store, "li", "wrong", ip="10.6.6.6", at=t0)
    assert throttle_rows(store) == 0
    monkeypatch.setenv("MONITOR_REDIS_URL", "redis://127.0.0.1:9/0")  # nothing listens there: Redis "stopped"
    redis_link.reset()
    for left in (4, 3, 2, 1):  # the store starts counting afresh
        assert users.authenticate(store, "li", "wrong", ip="10.6.6.6", at=t0)[1] == f"用户名或密码错误（本机再错 {left} 次须等待后再试）"
    assert users.authenticate(store, "li", "wrong", ip="10.6.6.6", at=t0)[1] == WAIT.format("10:01")
    assert throttle_rows(store) == 2  # the pair and the address
    assert users.authenticate(store, "li", PW, ip="10.0.0.1", at=t0)[1] == ""
    assert "unreachable" in caplog.text


def test_unknown_user_and_wrong_password_say_the_same_in_the_same_time(store):
    users.add(store, "li", "uploader", PW)

    def answer(name, i):
        start = time.perf_counter()
        msg = users.authenticate(store, name, "x", ip=f"10.1.{i}.{name == 'li'}")[1]
        return msg, time.perf_counter() - start
    unknown = [answer("nobody", i) for i in range(4)]
    wrong = [answer("li", i) for i in range(4)]
    assert {m for m, _ in unknown} == {m for m, _ in wrong} == {"用户名或密码错误（本机再错 4 次须等待后再试）"}
    t_unknown, t_wrong = (statistics.median(s for _, s in xs) for xs in (unknown, wrong))
    assert max(t_unknown, t_wrong) / min(t_unknown, t_wrong) < 3, (t_unknown, t_wrong)


def test_disabled_account_cannot_log_in_and_enable_restores(store):
    users.add(store, "li", "uploader", PW)
    users.set_disabled(store, "li", True, by="admin")
    assert users.authenticate(store, "li", PW) == (None, "该账号已停用，请联系管理员")
    assert users.authenticate(store, "li", "wrong")[1].startswith("用户名或密码错误")  # named only to its owner
    users.set_disabled(store, "li", False, by="admin")
    assert users.authenticate(store, "li", PW)[0] is not None
    assert list(audit.entries(store, user="admin")["action"]) == ["user_enable", "user_disable"]


@pytest.mark.parametrize(("kw", "message"), [
    ({"name": "a"}, "用户名“a”不合规"),
    ({"role": "boss"}, "角色“boss”不存在"),
    ({"password": "short"}, "密码至少 10 位"),
    ({"scope": ("999999",)}, "范围“999999”不是本省的市州或县区代码"),
    ({"scope": ("620000",)}, "范围“620000”不是本省的市州或县区代码"),
])
def test_bad_account_requests_say_what_to_do(duck, kw, message):
    args = {"name": "zhang", "role": "viewer", "password": PW} | kw
    with pytest.raises(users.AccountError, match=message):
        users.add(duck, args.pop("name"), args.pop("role"), args.pop("password"), **args)


def test_roles_are_ordered():
    admin = users.Account("a", "a", "admin")
    viewer = users.Account("v", "v", "viewer")
    assert admin.at_least("uploader") and admin.at_least("viewer") and not viewer.at_least("uploader")


def test_cli_users_add_list_passwd_disable(tmp_path):
    db = f"duckdb:///{tmp_path / 'u.duckdb'}"

    def run(*args, stdin=None):
        return subprocess.run([sys.executable, "-m", "loaders", "users", *args, "--db", db], cwd=ROOT, input=stdin,
                              capture_output=True, text=True)
    r = run("add", "王局长", "--role", "viewer", "--scope", "621200")
    assert r.returncode == 0 and "初始密码（只显示这一次" in r.stdout
    generated = r.stdout.strip().rsplit("：", 1)[1]
    assert len(generated) >= users.MIN_PASSWORD_LENGTH
    assert "王局长（王局长）查看（领导） 范围：621200 [正常]" in run("list").stdout
    assert run("passwd", "王局长", "--password-stdin", stdin="new-password-123\n").returncode == 0
    assert run("disable", "王局长").returncode == 0 and "[已停用]" in run("list").stdout
    bad = run("add", "王局长")
    assert bad.returncode == 1 and "已存在" in bad.stderr
