"""Accounts on every backend: hashed passwords, lock-out, disabling, scope checks, and the audit trail."""

import datetime as dt
import subprocess
import sys

import pytest
import sqlalchemy as sa

from conftest import ROOT
from loaders import audit, users
from loaders import tables as t

PW = "correct-horse-battery"


def test_password_is_hashed_and_login_works(store):
    users.add(store, "wang", "viewer", PW, display_name="王局长", scope=("621200",))
    with store.engine.connect() as conn:
        stored = conn.execute(sa.select(t.users.c.password_hash)).scalar()
    assert PW not in stored and stored.startswith("scrypt:")
    acct, msg = users.authenticate(store, "wang", PW, ip="10.0.0.1")
    assert (acct.name, acct.role, acct.scope, msg) == ("wang", "viewer", ("621200",), "")
    log = audit.entries(store, action="login")
    assert (log.iloc[0]["user_name"], log.iloc[0]["outcome"], log.iloc[0]["ip"]) == ("wang", "ok", "10.0.0.1")


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(store):
    users.add(store, "li", "uploader", PW)
    t0 = dt.datetime(2026, 11, 23, 2, 0)
    for i in range(1, users.MAX_FAILED_LOGINS):
        acct, msg = users.authenticate(store, "li", "wrong", at=t0)
        assert acct is None and f"再错 {users.MAX_FAILED_LOGINS - i} 次" in msg
    acct, msg = users.authenticate(store, "li", "wrong", at=t0)
    assert acct is None and "锁定 15 分钟" in msg
    acct, msg = users.authenticate(store, "li", PW, at=t0 + dt.timedelta(minutes=14))
    assert acct is None and "已锁定至 10:15（北京时间）" in msg  # even the right password waits
    acct, _ = users.authenticate(store, "li", PW, at=t0 + dt.timedelta(minutes=16))
    assert acct is not None
    outcomes = list(audit.entries(store, action="login")["outcome"])
    assert outcomes.count("failed") == 6 and outcomes[0] == "ok"


def test_unknown_user_and_wrong_password_say_the_same(store):
    users.add(store, "li", "uploader", PW)
    _, unknown = users.authenticate(store, "nobody", PW)
    _, wrong = users.authenticate(store, "li", "x")
    assert unknown == "用户名或密码错误" and wrong.startswith("用户名或密码错误")


def test_disabled_account_cannot_log_in_and_enable_restores(store):
    users.add(store, "li", "uploader", PW)
    users.set_disabled(store, "li", True, by="admin")
    assert users.authenticate(store, "li", PW) == (None, "该账号已停用，请联系管理员")
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
