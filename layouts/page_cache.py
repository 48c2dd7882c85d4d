"""Rendered pages kept per data state: a leader's page is built once per (store, data state, day, what the account
may see, the page's URL) and every later visit with the same key gets the same component tree.

Only pages that declare `cache_layout=True` where they register are kept: those whose layout is a function of
nothing else (the read-only pages; not the upload, history, admin or data-status pages, which show jobs, the
account's own uploads or a countdown). The key holds the account's role and scope, never its name, so two
leaders of one prefecture share an entry and a county account never gets a prefecture's page; the access check
(layouts/access.py guard_pages) runs before the cache on every request. The data state is in the key, so a commit
or a rollback is seen by the next request; an entry of an older state is simply never asked for again and leaves
the LRU. A rendering that audited a refused request (a viewer asking for an unreleased period) is not kept: every
such request is audited. Concurrent requests for the same missing key wait for the first one's rendering (right after an upload
fifty leaders must not build the same page fifty times). Per process: gunicorn workers each build a page once.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable

from flask import Flask, g

from layouts import access, data
from loaders import clock, settings, users

MAX_ENTRIES = 128  # pages are 50–300 kB of JSON each; URLs with junk query values must not grow memory
LANDING = "/"  # the page every leader opens first (总览): rendered ahead for a new state (prerender)
PRERENDER_PROFILES = 8  # kinds of account (role, scope) rendered ahead, most accounts first: ~0.3 s each
_lock = threading.Lock()
_entries: OrderedDict[tuple, object] = OrderedDict()
_building: dict[tuple, threading.Event] = {}
_app: dict[str, object] = {"server": None, "registry": None}
stats = {"hits": 0, "renders": 0}
log = logging.getLogger(__name__)


def cache_pages(registry: dict, server: Flask | None = None) -> None:
    """Wrap the layout of every page that declared cache_layout=True (before guard_pages wraps it in the check).
    `server`: the app's Flask server, for prerender() in this process."""
    _app.update(server=server, registry=registry)
    for page in registry.values():
        layout = page["layout"]
        if page.get("cache_layout") and not getattr(layout, "cached", False) and not getattr(layout, "guarded", False):
            page["layout"] = _cached(layout, page["module"])


def clear() -> None:
    with _lock:
        _entries.clear()


def key(module: str, kwargs: dict) -> tuple:
    account = access.current()
    who = (account.role, account.scope) if account else (None, None)
    return (data.store().url, data.state(), clock.today().isoformat(), settings.deployment(), settings.catalogue_extra(),
            data.sees_unreleased(), *who, module,
            tuple(sorted((str(k), repr(v)) for k, v in kwargs.items())))


def _cached(layout: Callable, module: str) -> Callable:
    def cached(**kwargs):
        k = key(module, kwargs)
        while True:
            with _lock:
                if k in _entries:
                    _entries.move_to_end(k)
                    stats["hits"] += 1
                    return _entries[k]
                waiting = _building.get(k)
                if waiting is None:
                    _building[k] = threading.Event()
                    break
            waiting.wait(60)  # another request renders it; then look again (it may have failed: render here)
        try:
            page = layout(**kwargs)
            with _lock:
                stats["renders"] += 1
                if not getattr(g, "monitor_refused_period", None):
                    _entries[k] = page
                    while len(_entries) > MAX_ENTRIES:
                        _entries.popitem(last=False)
            return page
        finally:
            with _lock:
                _building.pop(k).set()
    cached.cached = True
    return cached


class _Ahead:
    """The logged-in user of a rendering ahead (flask_login's current_user): an account kind, no person."""

    is_authenticated = True

    def __init__(self, account: users.Account):
        self.account = account


def prerender(snapshot) -> int:
    """The landing page rendered and kept for a new state before the pages switch to it (layouts/data.py, at the
    end of the warm-up), once for each kind of enabled account (role and scope) that may open it: the first leader
    after an upload gets it at once instead of waiting while it is built. Only in a process that serves pages
    (the embedded app; a server-mode web worker that ran the warm-up itself); returns how many it rendered."""
    server, registry = _app["server"], _app["registry"]
    page = next((p for p in (registry or {}).values() if p.get("path") == LANDING), None)
    if server is None or page is None:
        return 0
    accounts = users.accounts(snapshot.store)
    kinds = Counter((r.role, r.scope or "") for r in accounts.itertuples() if not r.disabled)
    done = 0
    for (role, scope), _ in kinds.most_common(PRERENDER_PROFILES):
        account = users.Account("", "", role, tuple(c for c in scope.split(",") if c))
        with server.test_request_context(LANDING):
            g._login_user = _Ahead(account)
            g.monitor_snapshot, g.monitor_snapshot_of = snapshot, data.store()  # the new state, not the one shown
            if access.refusal(account, access.View(path=LANDING), page=page):
                continue
            try:
                page["layout"]()
                done += 1
            except Exception:  # the first visit renders it instead
                log.exception("rendering the landing page ahead for %s %s failed", role, scope or "全省")
    return done
