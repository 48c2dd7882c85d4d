"""The audit log: who did what, when, from where, and whether it was allowed. Append-only.

Logins (success and failure), uploads, rollbacks, exports, target, closing-date and account
changes, and every refused request are recorded. There is no update or delete here by design.
Refusals of anonymous requests go through `record_refusal`, which writes the first of each
(address, reason) per window and one "refused ×N" summary row for the rest, so a flood of
anonymous requests cannot bury the real events.
"""

import datetime as dt
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from loaders import tables as t
from loaders.clock import TZ
from loaders.store import Store, now

OK, FAILED, REFUSED = "ok", "failed", "refused"
SUMMARY_DETAIL = "（另有 {n} 次相同拒绝已合并：同一地址、同一原因，{seconds} 秒内）"

# Anonymous refusals: one row per (address, reason) per window, the rest counted into one summary row. A minute
# keeps a real attack visible to the minute while a flood (measured: ~500 refusals a second) writes ~2 rows a minute.
REFUSAL_WINDOW_SECONDS = 60
# At most this many distinct (address, reason) pairs are written individually per window; past it (an attacker
# rotating addresses) every further pair counts into one shared "other addresses" bucket. Bounds a window's rows
# at about twice this number per server process.
REFUSAL_KEYS_PER_WINDOW = 20
OTHER_ADDRESSES = "（其他地址）"


def record(store: Store, action: str, *, user: str = "", outcome: str = OK, target: str = "", detail: str = "",
           ip: str = "") -> None:
    """Append one entry (texts are cut to the column sizes, never rejected: the log must not fail)."""
    with store.engine.begin() as conn:
        conn.execute(sa.insert(t.audit_log).values(
            logged_at=now(), user_name=(user or "")[:64], action=action[:32], outcome=outcome[:16],
            target=str(target)[:2000], detail=str(detail)[:4000], ip=(ip or "")[:64]))


# ---------------------------------------------------------------------------------------------- refusals


@dataclass
class _Window:
    started: float
    target: str
    suppressed: int = 0


class RefusalThrottle:
    """Per-process aggregation of anonymous refusals for one store. Only inserts: the first refusal of a window is
    written as it comes; the count of the others is written as one summary row when the window has passed (at the
    next refusal, of any key, after it)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.lock = threading.Lock()
        self.windows: dict[tuple[str, str], _Window] = {}

    def refuse(self, store: Store, *, target: str, reason: str, ip: str) -> None:
        moment = self.clock()
        with self.lock:
            due = self._close_expired(moment)
            key = (ip, reason)
            if key not in self.windows and len(self.windows) >= REFUSAL_KEYS_PER_WINDOW:
                key = (OTHER_ADDRESSES, reason)
            window = self.windows.get(key)
            if window is None:
                self.windows[key] = _Window(moment, target)
                write = True
            else:
                window.suppressed += 1
                write = False
        for (addr, why), w in due:
            record(store, "refused", outcome=REFUSED, target=w.target, ip=addr,
                   detail=f"{why}{SUMMARY_DETAIL.format(n=w.suppressed, seconds=REFUSAL_WINDOW_SECONDS)}")
        if write:
            record(store, "refused", outcome=REFUSED, target=target, detail=reason, ip=ip)

    def flush(self, store: Store) -> None:
        """Write the summaries of every open window now (for a clean shutdown)."""
        with self.lock:
            due = self._close_expired(float("inf"))
        for (addr, why), w in due:
            record(store, "refused", outcome=REFUSED, target=w.target, ip=addr,
                   detail=f"{why}{SUMMARY_DETAIL.format(n=w.suppressed, seconds=REFUSAL_WINDOW_SECONDS)}")

    def _close_expired(self, moment: float) -> list:
        expired = [k for k, w in self.windows.items() if moment - w.started >= REFUSAL_WINDOW_SECONDS]
        closed = [(k, self.windows.pop(k)) for k in expired]
        return [(k, w) for k, w in closed if w.suppressed]


_throttles: "weakref.WeakKeyDictionary[Store, RefusalThrottle]" = weakref.WeakKeyDictionary()
_throttles_lock = threading.Lock()


def throttle(store: Store) -> RefusalThrottle:
    """This process's throttle for a store."""
    with _throttles_lock:
        found = _throttles.get(store)
        if found is None:
            found = _throttles[store] = RefusalThrottle()
        return found


def record_refusal(store: Store, *, user: str = "", target: str = "", reason: str = "", ip: str = "") -> None:
    """A refused request: a logged-in account's refusal is always its own row; anonymous ones are aggregated."""
    if user:
        record(store, "refused", user=user, outcome=REFUSED, target=target, detail=reason, ip=ip)
    else:
        throttle(store).refuse(store, target=target, reason=reason, ip=ip)


# ---------------------------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Filter:
    """What the admin page asks for. Dates are Beijing calendar days, both ends included; None means any."""
    user: str | None = None  # "" = anonymous requests
    action: str | None = None
    outcome: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    text: str = ""  # in the target, detail, user name or address


def _utc(day: dt.date) -> dt.datetime:
    """Midnight of a Beijing day as the stored naive UTC time."""
    return dt.datetime.combine(day, dt.time(), TZ).astimezone(dt.UTC).replace(tzinfo=None)


def _where(f: Filter) -> list:
    a = t.audit_log
    conds = []
    if f.user is not None:
        conds.append(a.c.user_name == f.user)
    if f.action:
        conds.append(a.c.action == f.action)
    if f.outcome:
        conds.append(a.c.outcome == f.outcome)
    if f.since:
        conds.append(a.c.logged_at >= _utc(f.since))
    if f.until:
        conds.append(a.c.logged_at < _utc(f.until + dt.timedelta(days=1)))
    text = (f.text or "").strip().lower()
    if text:
        conds.append(sa.or_(*(sa.func.lower(c).contains(text, autoescape=True)
                              for c in (a.c.target, a.c.detail, a.c.user_name, a.c.ip))))
    return conds


def count(store: Store, f: Filter = Filter()) -> int:
    """How many entries match."""
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(t.audit_log).where(*_where(f))).scalar_one())


def page(store: Store, f: Filter = Filter(), *, number: int = 1, size: int = 200) -> pd.DataFrame:
    """Entries matching the filter, newest first, page `number` (from 1) of `size` rows."""
    a = t.audit_log
    q = sa.select(a).where(*_where(f)).order_by(a.c.id.desc()).limit(size).offset((max(number, 1) - 1) * size)
    return store._frame(q)


def matching(store: Store, f: Filter = Filter()) -> pd.DataFrame:
    """Every entry matching the filter, newest first (for exports)."""
    a = t.audit_log
    return store._frame(sa.select(a).where(*_where(f)).order_by(a.c.id.desc()))


def user_names(store: Store) -> list[str]:
    """The user names that appear in the log ("" for anonymous requests), sorted."""
    a = t.audit_log
    with store.engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.select(a.c.user_name).distinct().order_by(a.c.user_name))]


def entries(store: Store, *, limit: int | None = None, action: str | None = None, user: str | None = None) -> pd.DataFrame:
    """Newest first."""
    a = t.audit_log
    q = sa.select(a).where(*_where(Filter(user=user, action=action))).order_by(a.c.id.desc())
    if limit:
        q = q.limit(limit)
    return store._frame(q)
