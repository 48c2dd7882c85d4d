"""One computation per state of its inputs: results shared by every page, export, CLI run and server process.

A result is keyed by what it computes (kind and arguments), the scheme and catalogue it used, and the state of
the uploads it can have read: the committed uploads holding a period at or before the result's period (and up to
four years earlier, what seasonal 序时进度 and the previous quarter need). A new month therefore leaves every
earlier quarter's result valid, so the first leader after an upload of 1–10月 finds the 2026Q3 ranking ready,
while a correction or rollback of anything it read makes a new key. Results live in memory (per process) and,
for the heavy kinds, in the store's `results` table (every process, across restarts). Concurrent requests for
the same key in one process wait for one computation.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

import pandas as pd

from loaders import catalogue as catalogue_mod
from loaders.store import Store, state_digest

T = TypeVar("T")
# Bump when the shape of a stored result changes (a stored pickle of the old shape is then never read).
FORMAT = 1
YEARS_READ = 4  # a period's results read at most this many earlier years (seasonal shares, previous quarter)
MEMORY_ITEMS = 256  # per process; a province scorecard with 1,000 robustness draws is about 1 MB
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
        if kind == "targets":
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
    """The result of `compute()` for this key: from memory, else from the store (persist), else computed once
    (other threads asking for the same key wait for it) and kept."""
    key = key_of(kind, args, inputs, extra)
    mem = f"{store.url}|{key}"  # one process may hold several stores (tests): memory is per store
    if mem in _memory:
        return _touch(mem)
    with _guard:
        lock = _locks.setdefault(mem, threading.Lock())
    with lock:
        if mem in _memory:
            return _touch(mem)
        value = None
        if persist:
            payload = store.result(key)
            value = pickle.loads(payload) if payload is not None else None  # our own rows, written below
        if value is None:
            value = compute()
            if persist:
                store.put_result(key, kind, inputs, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        _remember(mem, value)
    with _guard:
        _locks.pop(mem, None)
    return value


def _touch(key: str):
    with _guard:
        _memory.move_to_end(key)
        return _memory[key]


def _remember(key: str, value) -> None:
    with _guard:
        _memory[key] = value
        while len(_memory) > MEMORY_ITEMS:
            _memory.popitem(last=False)
