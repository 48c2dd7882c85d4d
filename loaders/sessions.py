"""Login sessions on the server: a signed cookie is honoured only while its session row is open.

The cookie holds a random token; the row holds its sha256, the account and the login time. Logout ends that
session; a password reset or disabling the account ends all of the account's sessions, in every browser.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa

from loaders import tables as t
from loaders.store import Store, now

LOGOUT, PASSWORD, DISABLED, EXPIRED = "logout", "password", "disabled", "expired"


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
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(s.c.user_name, s.c.ended_at).where(s.c.id == _id(token))).first()
    return row is not None and row.user_name == user and row.ended_at is None


def end(store: Store, token: str, reason: str = LOGOUT) -> None:
    s = t.sessions
    if token:
        with store.serial(), store.engine.begin() as conn:
            conn.execute(sa.update(s).where(s.c.id == _id(token), s.c.ended_at.is_(None))
                         .values(ended_at=now(), end_reason=reason))


def end_all(store: Store, user: str, reason: str) -> int:
    """End every open session of `user`; returns how many were open."""
    s = t.sessions
    with store.serial(), store.engine.begin() as conn:
        return conn.execute(sa.update(s).where(s.c.user_name == user, s.c.ended_at.is_(None))
                            .values(ended_at=now(), end_reason=reason)).rowcount


def _id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
