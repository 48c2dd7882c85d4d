"""What pages read through: the store the app was built with, one snapshot of its state per request
(indicators/reading.py computes every result from it), the released periods the selector offers, and the
warm-up after each change (a background job, registered here as "warm").
"""

import datetime as dt
import logging
import re
import threading
from dataclasses import replace

from flask import g, has_request_context

from indicators import pipeline, reading
from indicators.scheme import has_scheme
from layouts import access
from loaders import audit, clock, jobs, ledger_kinds, regions, shown
from loaders.store import Store

_STORE: Store | None = None
# What leaders open first: the province's counties (排名), the prefectures and the home city (总览, MONITOR_CITY).
WARM_SCOPES = ("province", "prefectures")
UNRELEASED_ROLE = "uploader"  # the least role that sees a period before its closing date has passed
WARM_TARGET_RANK = 10  # the county page's default question: "进入全省前十"
PERIODS_KEPT = 8
_PERIODS: dict[tuple[str, str], list[str]] = {}
_warm = {"enabled": False, "lock": threading.Lock(), "lock_submit": threading.Lock()}
WARM_USER = "system"  # whose the warm-up job is (no page shows it)
log = logging.getLogger(__name__)
jobs.register("warm", "layouts.data:warm_job")


def use_store(store: Store) -> None:
    global _STORE
    _STORE = store
    _PERIODS.clear()


def store() -> Store:
    if _STORE is None:
        raise RuntimeError("create_app() has not set a store")
    return _STORE


def snap() -> reading.Snapshot:
    """This request's snapshot of the store (read once per request: every number on a page shares one data
    state): while a serving app computes a newer state, the last one computed (loaders/shown.py); outside a
    request (jobs, the CLI, tests), the current state."""
    if not has_request_context():
        return reading.snapshot(store())
    if getattr(g, "monitor_snapshot_of", None) is not store():
        g.monitor_snapshot, g.monitor_snapshot_of = _shown(reading.snapshot(store())), store()
    return g.monitor_snapshot


def _shown(current: reading.Snapshot) -> reading.Snapshot:
    if not _warm["enabled"]:
        return current
    ids = shown.shown_ids(current.store, current.data_state, claim=changed)  # an upload whose page was closed
    if ids is None:
        return current
    held = reading.snapshot(current.store.pinned(ids))  # with today's closing dates: what is released is current
    return current if held.data_state == current.data_state else replace(held, newer=current.data_state)


def state() -> str:
    """The data state this request sees (loaders.store.Store.data_state)."""
    return snap().data_state


# ---------------------------------------------------------------- released periods (the selector)

def sees_unreleased() -> bool:
    """Statistics are confidential until released (统计关库 passed): uploaders and admins see a period before, to
    check it; viewers never, whatever the browser asks."""
    account = access.current() if has_request_context() else None
    return bool(account and account.at_least(UNRELEASED_ROLE))


def months(today: dt.date | None = None, released_only: bool = False) -> list[str]:
    """Year-to-date periods (1–N月) with data the account may see, newest first: those whose closing date has
    passed (and, for uploaders and admins, those not yet released); only years that have an assessment scheme
    (every page shows the composite score of the period's quarter)."""
    today = today or clock.today()
    s = snap()
    early = sees_unreleased() and not released_only
    return [p for p in _periods(s)
            if (early or clock.is_closed(p, s.closing, today)) and has_scheme(int(p[:4]))]


def released(period: str, today: dt.date | None = None) -> bool:
    """Whether a month 'YYYY-MM' or a quarter '2026Q3' is released (its closing date has passed)."""
    month = pipeline.quarter_period(period) if "Q" in period else period
    return clock.is_closed(month, snap().closing, today or clock.today())


def quarters(today: dt.date | None = None, released_only: bool = False) -> list[str]:
    """Quarters with data the account may see (as months()), newest first."""
    return [f"{p[:4]}Q{int(p[5:7]) // 3}" for p in months(today, released_only) if int(p[5:7]) % 3 == 0]


def default_quarter() -> str | None:
    q = quarters(released_only=True)
    return q[0] if q else None


def default_period() -> str | None:
    """The latest released period: 1–10月 in late November, before 1–9月's quarter (also for the bureau, which
    may choose a period not yet released)."""
    m, q = months(released_only=True), quarters(released_only=True)
    return m[0] if m else (q[0] if q else None)


def resolve(period: str | None) -> tuple[str | None, str | None]:
    """(quarter, month) of a view, from the periods the server lets this account see — never from what the
    browser sends: a quarter gives its end month; a month gives itself and the latest quarter ending by then;
    anything else (a bad period in a URL, or one not yet released asked for by a viewer, which is audited) falls
    back to the latest released period."""
    qs, ms = quarters(), months()
    if period in qs:
        return period, pipeline.quarter_period(period)
    if period not in ms:
        _audit_unreleased(period)
        period = default_period()
    if period is None:
        return default_quarter(), None
    return next((q for q in qs if pipeline.quarter_period(q) <= period), None), period


def released_view(state: dict) -> tuple[str, str]:
    """(quarter, month) of a page state (a county's or a prefecture's), re-resolved against the periods the server
    has released: a period the browser sends that is not released (a forged request) falls back to the latest
    released one."""
    asked = state.get("month") or state.get("quarter")
    quarter, month = resolve(asked)
    return quarter, month or pipeline.quarter_period(quarter)


def _audit_unreleased(period) -> None:
    """A request for a period that holds data but is not released, from an account that may not see it."""
    if not isinstance(period, str) or not has_request_context() or getattr(g, "monitor_refused_period", None):
        return
    month = pipeline.quarter_period(period) if re.fullmatch(r"\d{4}Q[1-4]", period) else period
    s = snap()
    if month in _periods(s) and not clock.is_closed(month, s.closing, clock.today()):
        g.monitor_refused_period = period
        account = access.current()
        audit.record(s.store, "refused", user=account.name if account else "", outcome=audit.REFUSED,
                     target=period, detail=f"期间 {period} 尚未发布（统计关库 {clock.closing_date(month, s.closing)}），"
                                           "只有上报和管理账号可以查看")


def _periods(s: reading.Snapshot) -> list[str]:
    """The periods holding data in the snapshot's state (cached per state: one query per change, not per request)."""
    key = (s.store.url, s.data_state)
    if key not in _PERIODS:
        while len(_PERIODS) >= PERIODS_KEPT:
            _PERIODS.pop(next(iter(_PERIODS)), None)
        _PERIODS[key] = s.store.periods()
    return _PERIODS[key]


def uploads_summary() -> dict:
    """The latest upload, whether the values shown are simulated, the data state shown, and a newer one being
    computed ("" if none) — for the header."""
    up = store().uploads(limit=1)
    return {"latest": up.iloc[0].to_dict() if len(up) else None, "simulated": reading.simulated(snap()),
            "state": state(), "newer": snap().newer}


# ---------------------------------------------------------------- warming the caches

def enable_warming() -> None:
    """Serve mode: compute what leaders open first now, in a background thread (start-up), and after every
    change as a background job (changed())."""
    _warm["enabled"] = True
    _warm["thread"] = threading.Thread(target=_warm_logged, name="warm-results", daemon=True)
    _warm["thread"].start()


def changing() -> None:
    """Call before a page writes a change itself (a rollback, a targets edit), as an upload's commit job does: the
    pages keep what they show until changed() has recorded the new state and submitted its warm-up."""
    if _warm["enabled"]:
        s = store()
        shown.committing(s, s.data_state(), s.committed_uploads()["id"])


def changed() -> str | None:
    """Call after a commit, rollback, targets or closing-date change: the views leaders open first are computed for
    the new state by one background job (loaders/jobs.py: server mode's worker, once for every web process, which
    find its results in Redis and the store; the embedded app's worker thread), so the first leader after an upload
    does not wait and no page request waits behind it either. Results still valid for the new state (a new month
    leaves earlier quarters as they were) are found, not recomputed; a warm-up still queued (not started) serves the
    next change too. Returns the job's id (None: not serving)."""
    if not _warm["enabled"]:
        return None
    with _warm["lock_submit"]:  # several commits in a row: one queued warm-up reads the latest state when it starts
        pending = _warm.get("pending")
        view = jobs.view(pending, store()) if pending else None
        if view is None or view.state != jobs.QUEUED:
            _warm["pending"] = jobs.submit("warm", store(), {}, user=WARM_USER, label="刷新常用结果")
        now = reading.snapshot(store())
        shown.computing(store(), now.data_state, now.committed["id"], _warm["pending"])  # pages hold the last state
        return _warm["pending"]


def warm_job(job_store: Store) -> str:
    """warm() as a background job, in whichever process runs it (a worker has no app: it uses the job's store);
    returns the data state it computed for."""
    if _STORE is None:
        use_store(job_store)
    _warm_logged()
    return reading.snapshot(store()).data_state


def _warm_logged() -> None:
    """warm() the current state and render the landing page ahead, then let the pages show it (whether or not
    warming succeeded: a failed warm-up only means the first request computes)."""
    from layouts import page_cache  # it reads this module

    with _warm["lock"]:
        s = reading.snapshot(store())
        try:
            warm(s)
            page_cache.prerender(s)  # the landing page for the new state, before the pages switch to it
        except Exception:
            log.exception("computing the results leaders open first failed")
        finally:
            shown.ready(store(), s.data_state, s.committed["id"])


def warm(s: reading.Snapshot | None = None, quarter: str | None = None, scopes=None, home: str | None = None,
         target_rank: int = WARM_TARGET_RANK) -> None:
    """For the latest released period: the scorecards and eight-quarter histories of the scopes pages open
    first (and the province's assessment: types, honour lists), the home prefecture's 总览 (with its 需要关注) and 约谈 findings, its counties' (and its own, among the
    prefectures) answers to "what would it take to reach rank K", the tables a county or prefecture page reads at
    the month and at the quarter's end, and what the home city's 通报 reads (its last counties' gaps to the city's
    top K)."""
    from indicators.brief import content as brief
    from layouts.kpi_cards import HEADLINE  # the cockpit's cards (a page module; imported when warming)

    home = home or regions.home()
    scopes = scopes or (*WARM_SCOPES, f"city:{home}")
    s = s or snap()
    quarter, month = resolve(None) if quarter is None else (quarter, pipeline.quarter_period(quarter))
    if quarter is None:
        return
    for scope in scopes:
        reading.scorecard(s, quarter, scope)
        reading.history(s, quarter, scope)
    reading.assessment(s, quarter, "province")  # types and honour lists: the rankings and county pages
    reading.cockpit(s, quarter, home, month, HEADLINE)
    reading.attention(s, month, quarter, home)
    for scope in (f"city:{home}", "prefectures"):
        reading.interviews(s, month, scope)
    for code in pipeline.units(f"city:{home}"):
        reading.gaps(s, quarter, code, target_rank)
    reading.gaps(s, quarter, home, target_rank, "prefectures")  # the prefecture page's question among the 14
    for period in dict.fromkeys((month, pipeline.quarter_period(quarter))):
        reading.progress_at(s, period, "province")
        reading.progress_at(s, period, "prefectures")
        for scope in ("province", "prefectures", f"city:{home}"):
            reading.indicator_ranks(s, period, scope)
    brief.generate(s, month or pipeline.quarter_period(quarter), f"city:{home}")  # the 通报's own results (its K)
    _warm_ledgers(s)


def _warm_ledgers(s: reading.Snapshot) -> None:
    """What the cockpit's 重点工作台账 card and a county page's ledger lines read (every upload is a new state for
    them): each kind's dates, the facts of its latest snapshot and of its latest released one (what viewers see),
    and the annual targets of the indicator its plan feeds."""
    from indicators import ledgers

    today = clock.today()
    for kind in ledger_kinds.default():
        dates = reading.ledger_dates(s, kind.code)
        shown_to_viewers = next((d for d in dates if clock.is_closed(f"{d:%Y-%m}", s.closing, today)), None)
        for day in dict.fromkeys(d for d in (*dates[:1], shown_to_viewers) if d):
            reading.ledger_page_facts(s, kind.code, day)
            if code := ledgers.PLANS[kind.code].indicator:
                reading.indicator_targets(s, code, day.year)
