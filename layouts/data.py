"""What pages read: the store the app was built with, and indicator results cached by data state.

Every result is keyed by the store's data state (it changes on each commit, rollback or closing-date change), so a
page never shows stale numbers and never recomputes unchanged ones.
"""

import datetime as dt
import logging
import threading
from functools import lru_cache

from indicators import pipeline
from indicators.scheme import has_scheme
from loaders import clock
from loaders.store import Store

_STORE: Store | None = None
HISTORY_QUARTERS = 8  # the cockpit's trend and the rankings' sparklines
# What leaders open first: the province's counties (排名), the 14 prefectures and Longnan (总览).
WARM_SCOPES = ("province", "prefectures", "city:621200")
_warm = {"enabled": False, "lock": threading.Lock()}
log = logging.getLogger(__name__)


def use_store(store: Store) -> None:
    global _STORE
    _STORE = store
    for cached in (_scorecard, _history_card, _periods, _closing):
        cached.cache_clear()


def store() -> Store:
    if _STORE is None:
        raise RuntimeError("create_app() has not set a store")
    return _STORE


def state() -> str:
    """The store's data state (loaders.store.Store.data_state): every cached result is keyed by it."""
    return store().data_state()


def quarters(today: dt.date | None = None) -> list[str]:
    """Quarters with data whose closing date (统计关库) has passed, newest first."""
    return [f"{p[:4]}Q{int(p[5:7]) // 3}" for p in months(today) if int(p[5:7]) % 3 == 0]


def default_quarter() -> str | None:
    q = quarters()
    return q[0] if q else None


def months(today: dt.date | None = None) -> list[str]:
    """Year-to-date periods (1–N月) with data whose closing date has passed, newest first; only years that have
    an assessment scheme (every page shows the composite score of the period's quarter)."""
    today = today or clock.today()
    closing = _closing(state())
    return [p for p in _periods(state()) if clock.is_closed(p, closing, today) and has_scheme(int(p[:4]))]


def default_period() -> str | None:
    """The latest closed period: 1–10月 in late November, before 1–9月's quarter."""
    m, q = months(), quarters()
    return m[0] if m else (q[0] if q else None)


def resolve(period: str | None) -> tuple[str | None, str | None]:
    """(quarter, month) of a view. The composite score is quarterly and indicators are year to date by month:
    a quarter gives its end month; a month gives itself and the latest closed quarter ending by then;
    anything else (a bad or unreleased period in a URL) falls back to the latest closed period."""
    qs, ms = quarters(), months()
    if period in qs:
        return period, pipeline.quarter_period(period)
    if period not in ms:
        period = ms[0] if ms else None
    if period is None:
        return (qs[0] if qs else None), None
    return next((q for q in qs if pipeline.quarter_period(q) <= period), None), period


def as_of(months_reported, month: str) -> str:
    """The latest period of `month`'s year at or before it in which an indicator reports (quarterly series
    are read at the last quarter end): the month a value on screen really is."""
    y, m = int(month[:4]), int(month[5:7])
    earlier = [k for k in months_reported if k <= m]
    return f"{y}-{max(earlier):02d}" if earlier else month


@lru_cache(maxsize=4)
def _periods(_state: str) -> list[str]:
    return store().periods()


@lru_cache(maxsize=4)
def _closing(_state: str) -> dict:
    cd = store().closing_dates()
    return dict(zip(cd["period"], cd["closing_date"], strict=True)) if len(cd) else {}


def scorecard(quarter: str, scope: str) -> pipeline.Scorecard:
    return _scorecard(quarter, scope, state())


@lru_cache(maxsize=64)
def _scorecard(quarter: str, scope: str, _state: str) -> pipeline.Scorecard:
    return pipeline.scorecard(store(), quarter, scope)


def history(quarter: str, scope: str, n: int = HISTORY_QUARTERS) -> dict[str, pipeline.Scorecard]:
    """The last n quarters' scorecards (without rank intervals), oldest first, skipping years without data."""
    out = {}
    q = quarter
    for _ in range(n):
        try:
            out[q] = _history_card(q, scope, state())
        except ValueError:  # a year without a scheme (SchemeError) ends the history
            break
        q = pipeline.previous_quarter(q)
    return dict(reversed(list(out.items())))


@lru_cache(maxsize=128)
def _history_card(quarter: str, scope: str, _state: str) -> pipeline.Scorecard:
    return pipeline.scorecard(store(), quarter, scope, draws=0, with_previous=False)


def uploads_summary() -> dict:
    up = store().uploads(limit=1)
    committed = store().uploads()
    simulated = bool(len(committed)) and bool(committed.loc[committed["status"] == "committed", "simulated"].any())
    latest = up.iloc[0].to_dict() if len(up) else None
    return {"latest": latest, "simulated": simulated, "state": state()}


# ---------------------------------------------------------------- warming the caches

def enable_warming() -> None:
    """Serve mode: after start and after every change, compute what leaders open first in a background thread."""
    _warm["enabled"] = True
    changed()


def changed() -> None:
    """Call after a commit, rollback or closing-date change (the caches are keyed by data state already)."""
    if not _warm["enabled"] or not _warm["lock"].acquire(blocking=False):
        return

    def run():
        try:
            warm()
        except Exception:  # a failed warm-up only means the first request computes it
            log.exception("warming the caches failed")
        finally:
            _warm["lock"].release()
    threading.Thread(target=run, name="warm-caches", daemon=True).start()


def warm(quarter: str | None = None, scopes=WARM_SCOPES) -> None:
    """The default quarter's scorecards and their eight-quarter history for the scopes pages open first."""
    quarter = quarter or default_quarter()
    if quarter is None:
        return
    for scope in scopes:
        scorecard(quarter, scope)
        history(quarter, scope)
