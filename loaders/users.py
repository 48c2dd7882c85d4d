"""Accounts: hashed passwords, roles, region scope, and the login check (throttled per address, loaders/throttle.py).

Passwords are hashed with werkzeug's scrypt; a plain password is never stored or logged. Every
change is written to the audit log. A password reset or disabling ends the account's sessions.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from loaders import audit, sessions, throttle
from loaders import regions as regions_mod
from loaders import tables as t
from loaders.store import Store, now

ROLES = ("viewer", "uploader", "admin")  # each role can do what the ones before it can
ROLE_NAMES = {"viewer": "查看（领导）", "uploader": "上报（统计局）", "admin": "管理员"}
WRONG = "用户名或密码错误"  # the same for an unknown user and a wrong password
MIN_PASSWORD_LENGTH = 10
NAME_RE = re.compile(r"^[\w.\-]{2,32}$")


@dataclass(frozen=True)
class Account:
    name: str
    display_name: str
    role: str
    scope: tuple[str, ...] = ()  # region codes (counties or prefectures); empty = the whole province
    disabled: bool = False

    def at_least(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


class AccountError(ValueError):
    """A request about an account that cannot be done; the message says why and what to do."""


def random_password() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, ~96 bits


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"密码至少 {MIN_PASSWORD_LENGTH} 位（现为 {len(password)} 位）；可不填，由系统生成随机密码")


def check_scope(scope: tuple[str, ...], regions: regions_mod.Regions | None = None) -> tuple[str, ...]:
    """The scope if every code is a prefecture or county of the deployment's province, else AccountError."""
    regions = regions or regions_mod.default()
    for code in scope:
        r = regions.by_code.get(code)
        if r is None or r.level not in ("county", "prefecture") or r.province_code != regions.province:
            home = regions[regions.home]
            county = min(regions.counties_of(home.code), key=lambda c: c.code)
            raise AccountError(f"范围“{code}”不是本省的市州或县区代码（本省：{regions[regions.province].name}）；"
                               f"例：{home.code}（{home.name}）或 {county.code}（{county.name}）")
    return tuple(scope)


def add(store: Store, name: str, role: str, password: str, *, display_name: str = "", scope=(),
        by: str = "cli") -> Account:
    if not NAME_RE.match(name or ""):
        raise AccountError(f"用户名“{name}”不合规：2–32 位字母、数字、汉字、下划线、点或横线")
    if role not in ROLES:
        raise AccountError(f"角色“{role}”不存在；可选 {', '.join(ROLES)}")
    check_password(password)
    scope = check_scope(tuple(scope))
    if get(store, name) is not None:
        raise AccountError(f"用户“{name}”已存在；请换一个用户名，或重设该用户的密码")
    with store.engine.begin() as conn:
        conn.execute(sa.insert(t.users).values(
            name=name, display_name=display_name or name, role=role, scope=",".join(scope),
            password_hash=generate_password_hash(password), disabled=False, failed_logins=0, created_at=now()))
    audit.record(store, "user_add", user=by, target=name, detail=f"role={role} scope={','.join(scope) or '全省'}")
    return get(store, name)


def get(store: Store, name: str) -> Account | None:
    row = _row(store, name)
    return _account(row) if row else None


def accounts(store: Store) -> pd.DataFrame:
    u = t.users
    cols = [c for c in u.c if c.name != "password_hash"]
    return store._frame(sa.select(*cols).order_by(u.c.name))


def set_password(store: Store, name: str, password: str, *, by: str = "cli") -> None:
    """New password, the account's login waits lifted, and every session of the old password ended."""
    check_password(password)
    _update(store, name, password_hash=generate_password_hash(password), failed_logins=0, locked_until=None)
    ended = sessions.end_all(store, name, sessions.PASSWORD)
    throttle.clear(store, name)
    audit.record(store, "user_passwd", user=by, target=name, detail=f"{ended} session(s) ended")


def set_disabled(store: Store, name: str, disabled: bool, *, by: str = "cli") -> None:
    _update(store, name, disabled=disabled, failed_logins=0, locked_until=None)
    ended = sessions.end_all(store, name, sessions.DISABLED) if disabled else 0
    throttle.clear(store, name)
    audit.record(store, "user_disable" if disabled else "user_enable", user=by, target=name,
                 detail=f"{ended} session(s) ended" if disabled else "")


def authenticate(store: Store, name: str, password: str, *, ip: str = "",
                 at: dt.datetime | None = None) -> tuple[Account | None, str]:
    """(account, "") on success, else (None, a message for the login page). Audited either way.

    An unknown user and a wrong password take the same time (the hash is checked against a dummy) and get the
    same message; a disabled account is named only to someone who knows its password. Tries are throttled per
    address (loaders/throttle.py): a guesser slows itself down, never the account's owner elsewhere.
    """
    at = at or now()
    name = (name or "")[:64]
    tries, wait_until = throttle.claim(store, name, ip, at)
    if wait_until is not None:
        audit.record(store, "login", user=name, outcome=audit.FAILED, ip=ip, detail="throttled (this address)")
        return None, waiting(wait_until)
    row = _row(store, name)
    right = check_password_hash(row["password_hash"] if row else _dummy_hash(), password or "") and row is not None
    if not right:
        if row is not None:
            _count_failure(store, name)
        audit.record(store, "login", user=name, outcome=audit.FAILED, ip=ip,
                     detail=f"{'wrong password' if row else 'no such user'} ({tries} from this address)")
        wait = throttle.backoff(tries, throttle.MAX_TRIES)
        if wait:
            return None, waiting(at + wait)
        return None, f"{WRONG}（本机再错 {throttle.MAX_TRIES - tries} 次须等待后再试）"
    if row["disabled"]:
        audit.record(store, "login", user=name, outcome=audit.FAILED, detail="disabled", ip=ip)
        return None, "该账号已停用，请联系管理员"
    throttle.succeeded(store, name, ip)
    _update(store, name, failed_logins=0, locked_until=None, last_login_at=at)
    audit.record(store, "login", user=name, ip=ip)
    return _account(row), ""


def waiting(until: dt.datetime) -> str:
    """The message for an address that must wait (times are stored in UTC; the bureau reads Beijing time)."""
    return (f"本机登录失败次数过多，请于 {until + dt.timedelta(hours=8):%H:%M}（北京时间）后再试；"
            "忘记密码请联系管理员重设")


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    """A hash to check an unknown user's password against, so that it takes as long as a known user's."""
    if not _DUMMY:
        _DUMMY.append(generate_password_hash(secrets.token_urlsafe(16)))
    return _DUMMY[0]


def _count_failure(store: Store, name: str) -> None:
    u = t.users
    with store.serial(), store.engine.begin() as conn:
        conn.execute(sa.update(u).where(u.c.name == name).values(failed_logins=u.c.failed_logins + 1))


def _row(store: Store, name: str) -> dict | None:
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(t.users).where(t.users.c.name == name)).mappings().first()
    return dict(row) if row else None


def _update(store: Store, name: str, **values) -> None:
    with store.serial(), store.engine.begin() as conn:
        n = conn.execute(sa.update(t.users).where(t.users.c.name == name).values(**values)).rowcount
    if not n:
        raise AccountError(f"没有用户“{name}”；请在用户列表中核对用户名")


def _account(row: dict) -> Account:
    scope = tuple(c for c in (row["scope"] or "").split(",") if c)
    return Account(row["name"], row["display_name"], row["role"], scope, bool(row["disabled"]))
