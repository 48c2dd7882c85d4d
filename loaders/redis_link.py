"""The link to Redis, what server-mode processes share (README “Server mode”): one client per process, and what
happens when Redis is away.

Redis is optional: without MONITOR_REDIS_URL (the embedded default) `client()` is None and callers keep their
per-process behaviour. With it, a Redis that stops answering never fails a request: the call that met the error
gets None (callers then do the work themselves, slower), the outage is logged once, and Redis is tried again after
RETRY_AFTER; its return is logged too. Redis is trusted like the database (it holds computed results): bind it to
the servers' network and give it a password in the URL (redis://:password@host:6379/0).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time

import redis

log = logging.getLogger("monitor.redis")
ENV = "MONITOR_REDIS_URL"
TIMEOUT_S = 0.5  # a stopped or unreachable Redis costs a request at most this per call, then RETRY_AFTER without
RETRY_AFTER_S = float(os.environ.get("MONITOR_REDIS_RETRY_S") or 10.0)  # the tests of a running gunicorn shorten it
ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)

_lock = threading.Lock()
_state: dict = {"pid": None, "url": None, "client": None, "down_until": 0.0, "down": False}


def url() -> str | None:
    return os.environ.get(ENV) or None


def safe_url(text: str) -> str:
    """The URL without its password, for the log."""
    if "@" not in text:
        return text
    scheme, rest = text.split("://", 1) if "://" in text else ("redis", text)
    return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"


def client() -> redis.Redis | None:
    """This process's client (created after a fork, never shared across one), or None: no Redis configured, or
    Redis down and not yet due for a retry."""
    target = url()
    if target is None:
        return None
    with _lock:
        if _state["pid"] != os.getpid() or _state["url"] != target:
            _state.update(pid=os.getpid(), url=target, down_until=0.0, down=False,
                          client=redis.Redis.from_url(target, socket_timeout=TIMEOUT_S,
                                                      socket_connect_timeout=TIMEOUT_S, health_check_interval=30))
        if _state["down"] and time.monotonic() < _state["down_until"]:
            return None
        return _state["client"]


def failed(exc: BaseException) -> None:
    """A call met `exc`: no Redis for RETRY_AFTER_S (logged once per outage)."""
    with _lock:
        first = not _state["down"]
        _state.update(down=True, down_until=time.monotonic() + RETRY_AFTER_S)
    if first:
        log.warning("Redis at %s unreachable (%s): serving without the shared cache (slower: each process computes "
                    "for itself); retrying every %g s", safe_url(url() or ""), exc, RETRY_AFTER_S)


def succeeded() -> None:
    """A call went through: if Redis was down, say it is back."""
    if _state["down"]:
        with _lock:
            was = _state["down"]
            _state.update(down=False, down_until=0.0)
        if was:
            log.warning("Redis at %s reachable again: the shared cache is back", safe_url(url() or ""))


def call(fn, default=None):
    """fn(client) with the outage rule: its value, or `default` when Redis is not configured or not answering."""
    c = client()
    if c is None:
        return default
    try:
        value = fn(c)
    except ERRORS as exc:
        failed(exc)
        return default
    succeeded()
    return value


def announce() -> None:
    """Say at start-up whether this process shares results through Redis (and where), or why not."""
    target = url()
    if target is None:
        log.warning("MONITOR_REDIS_URL not set: results are shared through the store only (no Redis)")
        return
    if call(lambda c: c.ping(), default=False):
        log.info("results shared through Redis at %s", safe_url(target))


def namespace(store_url: str) -> str:
    """Key prefix of one store's entries (several stores may share a Redis; the URL may hold a password)."""
    return "monitor:" + hashlib.sha256(store_url.encode()).hexdigest()[:16]


def reset() -> None:
    """Forget the client and the outage state (tests that switch MONITOR_REDIS_URL)."""
    with _lock:
        _state.update(pid=None, url=None, client=None, down_until=0.0, down=False)
