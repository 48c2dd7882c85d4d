"""Login throttle: back-off per (account, address) and per address, never a lock anyone else can trigger.

Each try is claimed before the password is checked, in one transaction (a row lock on PostgreSQL, the store's
process lock on DuckDB), so parallel guesses are counted one by one. From the MAX_TRIES-th try on, that address
waits before its next try for that account, twice as long each time; other addresses are not affected. An address
that fails against many accounts waits too. A login resets its own counter; an admin's password reset or
re-enabling clears an account's counters everywhere.

Where the counts live: in server mode (MONITOR_REDIS_URL) in Redis, shared by every web process on every host, one
Lua script per try so that parallel guesses are still counted one by one and a login costs the database no write;
embedded, or while Redis is not answering, in the store's table login_throttle (the same rules; counts made in
Redis before an outage are not carried over, so an address may get a few more tries while Redis is down).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from loaders import redis_link
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
    shared = redis_link.call(lambda c: _redis_claim(c, store, account, address, at))
    if shared is not None:
        return shared
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
    if redis_link.call(lambda c: _redis_succeeded(c, store, account, address)):
        return
    lt = t.login_throttle
    with store.serial(), store.engine.begin() as conn:
        conn.execute(sa.delete(lt).where(lt.c.account == account, lt.c.address == address))
        conn.execute(sa.update(lt).where(lt.c.account == ANY_ACCOUNT, lt.c.address == address, lt.c.tries > 0)
                     .values(tries=lt.c.tries - 1))


def clear(store: Store, account: str) -> None:
    """An admin's unlock: every address may try this account again at once (in Redis and in the store: the counts
    may be in either)."""
    redis_link.call(lambda c: c.delete(_key(store, account)))
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


# ---------------------------------------------------------------- server mode: the counts in Redis

# One hash per account (ANY_ACCOUNT for the address-wide count): field = address, value = "tries last blocked" in
# milliseconds since the epoch (blocked 0: none). The script takes the pair, then the address as a whole, and writes
# only if neither refuses — the same steps as the store's transaction, atomic in Redis.
_CLAIM = """
local function take(key, field, limit, at, first, cap, forget)
  local v = redis.call('HGET', key, field)
  local tries, last, blocked = 0, at, 0
  if v then
    local a, b, c = string.match(v, '(%S+) (%S+) (%S+)')
    tries, last, blocked = tonumber(a), tonumber(b), tonumber(c)
  end
  if blocked > at then return tries, blocked, nil end
  if last < at - forget then tries = 1 else tries = tries + 1 end
  local until_ = 0
  if tries >= limit then until_ = at + math.min(first * 2 ^ math.min(tries - limit, 16), cap) end
  return tries, 0, string.format('%d %.0f %.0f', tries, at, until_)
end
local at, first, cap, forget, ttl = tonumber(ARGV[1]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]),
  tonumber(ARGV[7])
local tries, blocked, value = take(KEYS[1], ARGV[8], tonumber(ARGV[2]), at, first, cap, forget)
if blocked > 0 then return {tries, string.format('%.0f', blocked)} end
local atries, ablocked, avalue = take(KEYS[2], ARGV[8], tonumber(ARGV[3]), at, first, cap, forget)
if ablocked > 0 then return {atries, string.format('%.0f', ablocked)} end
redis.call('HSET', KEYS[1], ARGV[8], value)
redis.call('HSET', KEYS[2], ARGV[8], avalue)
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
return {tries, '0'}
"""
_SUCCEEDED = """
redis.call('HDEL', KEYS[1], ARGV[1])
local v = redis.call('HGET', KEYS[2], ARGV[1])
if v then
  local a, rest = string.match(v, '(%S+) (.*)')
  if tonumber(a) > 0 then redis.call('HSET', KEYS[2], ARGV[1], string.format('%d %s', tonumber(a) - 1, rest)) end
end
return 1
"""
_EPOCH = dt.datetime(1970, 1, 1)


def _key(store: Store, account: str) -> str:
    return f"{redis_link.namespace(store.url)}:throttle:{account}"


def _redis_claim(conn, store: Store, account: str, address: str, at: dt.datetime):
    tries, blocked = conn.eval(_CLAIM, 2, _key(store, account), _key(store, ANY_ACCOUNT), _ms(at - _EPOCH),
                               MAX_TRIES, MAX_ADDRESS_TRIES, _ms(FIRST_WAIT), _ms(MAX_WAIT), _ms(FORGET),
                               int((FORGET + MAX_WAIT).total_seconds()), address)
    blocked = int(blocked)
    return int(tries), (_EPOCH + dt.timedelta(milliseconds=blocked) if blocked > 0 else None)


def _ms(span: dt.timedelta) -> int:
    return span // dt.timedelta(milliseconds=1)


def _redis_succeeded(conn, store: Store, account: str, address: str) -> bool:
    return bool(conn.eval(_SUCCEEDED, 2, _key(store, account), _key(store, ANY_ACCOUNT), address))
