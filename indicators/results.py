"""One computation per state of its inputs: results shared by every page, export, CLI run and server process.

A result is keyed by what it computes (kind and arguments), the scheme and catalogue it used, and the state of
the uploads it can have read: the committed uploads holding a period at or before the result's period (and up to
four years earlier, what seasonal 序时进度 and the previous quarter need). A new month therefore leaves every
earlier quarter's result valid, so the first leader after an upload of 1–10月 finds the 2026Q3 ranking ready,
while a correction or rollback of anything it read makes a new key. Results live in memory (per process), in
Redis when server mode has one (every process: computed by one of them while the others wait) and, for the heavy
kinds, in the store's `results` table (every process, across restarts). Concurrent requests for the same key in
one process wait for one computation.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

import pandas as pd

from loaders import catalogue as catalogue_mod
from loaders import redis_link
from loaders.store import Store, state_digest

T = TypeVar("T")
log = logging.getLogger("monitor.results")
# Bump when the shape of a stored result changes (a stored pickle of the old shape is then never read).
FORMAT = 1
YEARS_READ = 4  # a period's results read at most this many earlier years (seasonal shares, previous quarter)
# Uploads that hold whole years (their periods are each year's December): targets, the counties' types and their
# bonus/deduction/veto items (loaders/county_types.py); a result of a year depends on them.
YEAR_KINDS = ("targets", "county_types", "county_facts")
MEMORY_ITEMS = 256  # per process; a province scorecard with 1,000 robustness draws is about 1 MB
# Server mode (MONITOR_REDIS_URL): results are shared through Redis for a day (keys change with the data, so an
# entry is never stale, only unused); a process computing one holds its lock at most LOCK_S (the others wait).
SHARED_TTL_S = 24 * 3600
LOCK_S = 30.0
WAIT_STEP_S = 0.05
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
_memory: OrderedDict[str, object] = OrderedDict()
_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def inputs_state(committed: pd.DataFrame, period: str | None) -> str:
    """The digest of the committed uploads a result at `period` ('2026-09') can have read: observations holding a
    period from January YEARS_READ years before up to `period`, and targets of those years. None: every upload."""
    if period is None:
        return state_digest(list(committed["id"]))
    first, year = f"{int(period[:4]) - YEARS_READ}-01", period[:4]
    ids = []
    for uid, kind, periods in zip(committed["id"], committed["kind"], committed["periods"], strict=True):
        held = [p for p in periods.split(",") if p]
        if kind in YEAR_KINDS:
            hit = any(first[:4] <= p[:4] <= year for p in held)
        else:
            hit = any(first <= p <= period for p in held)
        if hit:
            ids.append(int(uid))
    return state_digest(ids)


def key_of(kind: str, args: tuple, inputs: str, extra: str = "") -> str:
    text = json.dumps([FORMAT, kind, [str(a) for a in args], inputs, extra, catalogue_mod.sha256()])
    return hashlib.sha256(text.encode()).hexdigest()


def get(store: Store, kind: str, args: tuple, inputs: str, compute: Callable[[], T], *, persist: bool = False,
        extra: str = "") -> T:
    """The result of `compute()` for this key: from memory, else from Redis (server mode: every process), else
    from the store (persist), else computed once (other threads asking for the same key wait for it, other
    processes for the one holding the Redis lock) and kept."""
    key = key_of(kind, args, inputs, extra)
    mem = f"{store.url}|{key}"  # one process may hold several stores (tests): memory is per store
    if mem in _memory:
        return _touch(mem)
    with _guard:
        lock = _locks.setdefault(mem, threading.Lock())
    with lock:
        if mem in _memory:
            return _touch(mem)
        value = _shared(store, key, kind, inputs, compute, persist)
        _remember(mem, value)
    with _guard:
        _locks.pop(mem, None)
    return value


def _shared(store: Store, key: str, kind: str, inputs: str, compute: Callable[[], T], persist: bool) -> T:
    """Redis first; on a miss, one process (the one that takes the key's lock) computes and publishes while the
    others wait for it, up to LOCK_S: a process killed mid-computation leaves a lock that expires, never a hang.
    Without Redis (not configured, or down: loaders/redis_link.py) every process computes for itself."""
    name = f"{redis_link.namespace(store.url)}:result:{key}"
    payload = redis_link.call(lambda r: r.get(name))
    if payload is not None:
        return pickle.loads(payload)  # our own pickles: Redis is trusted like the store (redis_link docstring)
    token = secrets.token_hex(8)
    held = redis_link.call(lambda r: bool(r.set(f"{name}:lock", token, nx=True, px=int(LOCK_S * 1000))),
                           default=None)
    if held is False:
        payload = _wait(name)
        if payload is not None:
            return pickle.loads(payload)
    try:
        value = None
        if persist:
            payload = store.result(key)
            value = pickle.loads(payload) if payload is not None else None  # our own rows, written below
        if value is None:
            value = compute()
            if persist:
                store.put_result(key, kind, inputs, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        if held is not None:
            _publish(name, value)
    finally:
        if held:
            redis_link.call(lambda r: r.eval(_RELEASE, 1, f"{name}:lock", token))
    return value


def _publish(name: str, value) -> None:
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:  # a result holding a live object: per process
        log.debug("result %s not shared: %s", name, exc)
        return
    redis_link.call(lambda r: r.set(name, data, ex=SHARED_TTL_S))


def _wait(name: str) -> bytes | None:
    """The value another process is computing, once it is published; None when its lock goes (it died, or Redis
    did) without one, or after LOCK_S."""
    deadline = time.monotonic() + LOCK_S
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP_S)
        payload, locked = redis_link.call(lambda r: r.pipeline().get(name).exists(f"{name}:lock").execute(),
                                          default=(None, 0))
        if payload is not None or not locked:
            return payload
    return None


def _touch(key: str):
    with _guard:
        _memory.move_to_end(key)
        return _memory[key]


def _remember(key: str, value) -> None:
    with _guard:
        _memory[key] = value
        while len(_memory) > MEMORY_ITEMS:
            _memory.popitem(last=False)
