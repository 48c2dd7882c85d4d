"""Login throttle: back-off per (account, address) and per address, never a lock anyone else can trigger.

Each try is claimed before the password is checked, in one transaction (a row lock on PostgreSQL, the store's
process lock on DuckDB), so parallel guesses are counted one by one. From the MAX_TRIES-th try on, that address
waits before its next try for that account, twice as long each time; other addresses are not affected. An address
that fails against many accounts waits too. A login resets its own counter; an admin's password reset or
re-enabling clears an account's counters everywhere.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from loaders import tables as t
from loaders.store import Store

MAX_TRIES = 5  # per account from one address: the old lock-out threshold, now only a back-off for that address
MAX_ADDRESS_TRIES = 30  # per address over all accounts: a bureau office behind one NAT may mistype a few times
FIRST_WAIT = dt.timedelta(minutes=1)  # then 2, 4, 8 … minutes
MAX_WAIT = dt.timedelta(minutes=15)  # the old lock-out time: an address never waits longer than that
FORGET = dt.timedelta(hours=1)  # tries older than this are forgotten
ANY_ACCOUNT = ""


def backoff(tries: int, limit: int) -> dt.timedelta | None:
    """How long an address waits after its `tries`-th try, None below `limit`."""
    if tries < limit:
        return None
    return min(FIRST_WAIT * 2 ** min(tries - limit, 16), MAX_WAIT)


def claim(store: Store, account: str, address: str, at: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Count one try of `account` from `address`: (tries so far, None), or (tries, the time to wait for) when the
    address must wait (the try is then not counted and the password must not be checked)."""
    with store.serial(), store.engine.connect() as conn:
        pair = _take(conn, store, account, address, at, MAX_TRIES)
        anywhere = _take(conn, store, ANY_ACCOUNT, address, at, MAX_ADDRESS_TRIES) if pair[1] is None else pair
        if anywhere[1] is not None and pair[1] is None:
            conn.rollback()  # refused for the address as a whole: the pair's try is not counted either
            return anywhere
        conn.commit()
        return pair


def succeeded(store: Store, account: str, address: str) -> None:
    """A right password: this address's tries for the account are forgotten; the address-wide count is given one
    back (a login is not a guess)."""
    lt = t.login_throttle
    with store.serial(), store.engine.begin() as conn:
        conn.execute(sa.delete(lt).where(lt.c.account == account, lt.c.address == address))
        conn.execute(sa.update(lt).where(lt.c.account == ANY_ACCOUNT, lt.c.address == address, lt.c.tries > 0)
                     .values(tries=lt.c.tries - 1))


def clear(store: Store, account: str) -> None:
    """An admin's unlock: every address may try this account again at once."""
    lt = t.login_throttle
    with store.serial(), store.engine.begin() as conn:
        conn.execute(sa.delete(lt).where(lt.c.account == account))


def _take(conn, store: Store, account: str, address: str, at: dt.datetime, limit: int):
    lt = t.login_throttle
    conn.execute(insert(lt).values(account=account, address=address, tries=0, last_try_at=at)
                 .on_conflict_do_nothing())
    q = sa.select(lt.c.tries, lt.c.last_try_at, lt.c.blocked_until).where(lt.c.account == account,
                                                                          lt.c.address == address)
    if store.dialect == "postgresql":
        q = q.with_for_update()  # parallel tries of the same pair wait here, one at a time
    row = conn.execute(q).one()
    if row.blocked_until is not None and row.blocked_until > at:
        return int(row.tries), row.blocked_until
    tries = 1 if row.last_try_at < at - FORGET else int(row.tries) + 1
    wait = backoff(tries, limit)
    conn.execute(sa.update(lt).where(lt.c.account == account, lt.c.address == address)
                 .values(tries=tries, last_try_at=at, blocked_until=at + wait if wait else None))
    return tries, None
