"""Which data state the pages show while a new one is computed.

After a change (an upload's commit, a rollback, a targets or closing-date edit) a serving app computes what leaders
open first for the new state in one background job (layouts/data.py, the warm-up). Until that job ends the pages
keep showing the last state whose warm-up ended, read as it was (Store.pinned), and say that newer data is being
computed; then they all switch at once. So no leader waits for a new state's first computations (a history file
that revises every period makes all of them new: tens of seconds of work), and every number on a page still comes
from one named state.

A change is held only while its warm-up can end it: recorded before the warm-up is submitted (the commit's own job
records it as it finishes, before the upload page submits the warm-up), it holds for SUBMIT_S; with its job, while
the job is queued or running; never longer than HOLD_MAX_S, and never for a state whose warm-up ended before (a
rollback back to it). The CLI, an app that does not warm, and a warm-up whose worker died show the new state at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from loaders import jobs
from loaders.store import Store, now

COMPUTING, READY = "computing", "ready"
# The upload page asks for its commit's job every 0.7 s (layouts/background.py POLL_MS), then submits the warm-up.
SUBMIT_S = 15.0
# A 200,000-row history file's warm-up takes about 30 s here on two cores busy with viewers; beyond this it is a fault.
HOLD_MAX_S = 180.0


def holds(own: list[dict], ready: dict | None, at: dt.datetime, alive: Callable[[str], bool]) -> bool:
    """Whether the pages keep showing `ready` instead of the current state, whose records (newest first) are `own`."""
    if not own or ready is None or any(r["status"] == READY for r in own):
        return False
    latest = own[0]
    age = (at - latest["recorded_at"]).total_seconds()
    if age > HOLD_MAX_S:
        return False
    return alive(latest["job_id"]) if latest["job_id"] else age <= SUBMIT_S


def shown_ids(store: Store, data_state: str) -> tuple[int, ...] | None:
    """The committed uploads of the state the pages show instead of `data_state`, or None: show `data_state`."""
    own, ready = store.shown_records(data_state)
    if not holds(own, ready, now(), lambda job: _alive(job, store)):
        return None
    return tuple(int(i) for i in ready["upload_ids"].split(",") if i)


def computing(store: Store, data_state: str, upload_ids, job_id: str = "") -> None:
    store.record_shown(data_state, upload_ids, COMPUTING, job_id)


def ready(store: Store, data_state: str, upload_ids) -> None:
    store.record_shown(data_state, upload_ids, READY)


def _alive(job_id: str, store: Store) -> bool:
    v = jobs.view(job_id, store)
    return v is not None and v.state in (jobs.QUEUED, jobs.RUNNING)
