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

import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import g

from layouts import access, data
from loaders import clock, settings

MAX_ENTRIES = 128  # pages are 50–300 kB of JSON each; URLs with junk query values must not grow memory
_lock = threading.Lock()
_entries: OrderedDict[tuple, object] = OrderedDict()
_building: dict[tuple, threading.Event] = {}
stats = {"hits": 0, "renders": 0}


def cache_pages(registry: dict) -> None:
    """Wrap the layout of every page that declared cache_layout=True (before guard_pages wraps it in the check)."""
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
