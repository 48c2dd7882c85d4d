"""Login sessions on the server: a signed cookie is honoured only while its session row is open.

The cookie holds a random token; the row holds its sha256, the account and the login time. Logout ends that
session; a password reset or disabling the account ends all of the account's sessions, in every browser.

Every request checks its session. In server mode (MONITOR_REDIS_URL) an open session is remembered in Redis for
CACHE_S, so most requests do not ask the database; ending a session forgets it there in the same call, so a logout
or a password reset still takes effect at once (with Redis down the database answers every request, as embedded).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa

from loaders import redis_link
from loaders import tables as t
from loaders.store import Store, now

LOGOUT, PASSWORD, DISABLED, EXPIRED = "logout", "password", "disabled", "expired"
CACHE_S = 5  # how long Redis vouches for an open session; ending one deletes its entry, so this bounds only a miss


def start(store: Store, user: str, *, at: dt.datetime | None = None) -> str:
    """Open a session for `user`; returns the token the cookie carries."""
    token = secrets.token_urlsafe(32)
    with store.serial(), store.engine.begin() as conn:
        conn.execute(sa.insert(t.sessions).values(id=_id(token), user_name=user, created_at=at or now(),
                                                  end_reason=""))
    return token


def is_open(store: Store, token: str, user: str) -> bool:
    s = t.sessions
    if not token:
        return False
    key = _key(store, _id(token))
    if redis_link.call(lambda c: c.get(key), default=None) == user.encode():
        return True
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(s.c.user_name, s.c.ended_at).where(s.c.id == _id(token))).first()
    if row is None or row.user_name != user or row.ended_at is not None:
        return False
    redis_link.call(lambda c: c.set(key, user, ex=CACHE_S))
    return True


def end(store: Store, token: str, reason: str = LOGOUT) -> None:
    s = t.sessions
    if token:
        with store.serial(), store.engine.begin() as conn:
            conn.execute(sa.update(s).where(s.c.id == _id(token), s.c.ended_at.is_(None))
                         .values(ended_at=now(), end_reason=reason))
        _forget(store, [_id(token)])


def end_all(store: Store, user: str, reason: str) -> int:
    """End every open session of `user`; returns how many were open."""
    s = t.sessions
    with store.serial(), store.engine.begin() as conn:
        ids = list(conn.execute(sa.select(s.c.id).where(s.c.user_name == user, s.c.ended_at.is_(None))).scalars())
        n = conn.execute(sa.update(s).where(s.c.user_name == user, s.c.ended_at.is_(None))
                         .values(ended_at=now(), end_reason=reason)).rowcount
    _forget(store, ids)
    return n


def _key(store: Store, session_id: str) -> str:
    return f"{redis_link.namespace(store.url)}:session:{session_id}"


def _forget(store: Store, ids: list[str]) -> None:
    if ids:
        redis_link.call(lambda c: c.delete(*[_key(store, i) for i in ids]))


def _id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
