"""Which data state the pages show while a new one is computed.

After a change (an upload's commit, a rollback, a targets or closing-date edit) a serving app computes what leaders
open first for the new state in one background job (layouts/data.py, the warm-up). Until that job ends the pages
keep showing the last state whose warm-up ended, read as it was (Store.pinned), and say that newer data is being
computed; then they all switch at once. So no leader waits for a new state's first computations (a history file
that revises every period makes all of them new: tens of seconds of work), and every number on a page still comes
from one named state.

A change is held only while its warm-up can end it. An upload's commit job records, before it writes, the state the
pages show ("committing"): from the moment its transaction lands until it records the new state, the pages keep
that one. Recorded before the warm-up is submitted (the commit job records it as it finishes, before the upload page
submits the warm-up), a new state holds for SUBMIT_S; with its job, while the job is queued or running; never longer
than HOLD_MAX_S, and never a state whose warm-up ended before (a rollback back to it). A state whose warm-up nobody
submitted within SUBMIT_S (the uploader's page was closed before its commit's job ended) is claimed by the next page
request, which submits it (`shown_ids(claim=…)`). The CLI, an app that does not warm, and a warm-up whose worker
died show the new state at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from loaders import jobs
from loaders.store import Store, now

COMMITTING, COMPUTING, READY = "committing", "computing", "ready"
# The upload page asks for its commit's job every 0.7 s (layouts/background.py POLL_MS), then submits the warm-up.
SUBMIT_S = 15.0
# A 200,000-row history file's warm-up took 34 s in server mode and 110 s in the embedded app (one interpreter shared
# with ten viewers) on two cores here (bench/load.py); a warm-up still running after this is a fault, not a state.
HOLD_MAX_S = 300.0
# A commit job that recorded "committing" and then nothing (killed after its transaction, before its next record).
COMMIT_MAX_S = 120.0


def shown_instead(data_state: str, own: list[dict], ready: dict | None, latest: dict | None, at: dt.datetime,
                  alive: Callable[[str], bool]) -> dict | None:
    """The record of the state the pages show instead of the current `data_state` (whose records, newest first, are
    `own`; `ready` the latest ready record, `latest` the latest of all), or None: show the current state."""
    if any(r["status"] == READY for r in own):
        return None
    if not own:  # a commit whose job has not yet said what it wrote: what the pages showed when it began
        landing = (latest is not None and latest["status"] == COMMITTING and latest["data_state"] != data_state
                   and _age(latest, at) <= COMMIT_MAX_S)
        return latest if landing else None
    if ready is None or _age(own[0], at) > HOLD_MAX_S:
        return None
    job = own[0]["job_id"]
    return ready if (alive(job) if job else _age(own[0], at) <= SUBMIT_S) else None


def unclaimed(own: list[dict], at: dt.datetime) -> bool:
    """A new state whose warm-up nobody submitted: its newest record says computing, without a job, for longer than
    the upload page takes to submit one, and no warm-up of it ever ended."""
    return (bool(own) and own[0]["status"] == COMPUTING and not own[0]["job_id"] and _age(own[0], at) > SUBMIT_S
            and not any(r["status"] == READY for r in own))


def shown_ids(store: Store, data_state: str, claim: Callable[[], object] | None = None) -> tuple[int, ...] | None:
    """The committed uploads of the state the pages show instead of `data_state`, or None: show `data_state`.
    `claim` submits the warm-up of a state nobody submitted one for (and records it, with its job)."""
    records, at = store.shown_records(data_state), now()
    if claim is not None and unclaimed(records[0], at):
        claim()
        records = store.shown_records(data_state)
    instead = shown_instead(data_state, *records, at, lambda job: _alive(job, store))
    return None if instead is None else ids_of(instead)


def ids_of(record: dict) -> tuple[int, ...]:
    return tuple(int(i) for i in record["upload_ids"].split(",") if i)


def committing(store: Store, current_state: str, current_ids) -> None:
    """Before a commit writes: keep what the pages show now (itself held, or the current state) until it says more."""
    held = shown_ids(store, current_state)
    store.record_shown(current_state if held is None else store.pinned(held).data_state(),
                       current_ids if held is None else held, COMMITTING)


def computing(store: Store, data_state: str, upload_ids, job_id: str = "") -> None:
    store.record_shown(data_state, upload_ids, COMPUTING, job_id)


def ready(store: Store, data_state: str, upload_ids) -> None:
    store.record_shown(data_state, upload_ids, READY)


def _age(record: dict, at: dt.datetime) -> float:
    return (at - record["recorded_at"]).total_seconds()


def _alive(job_id: str, store: Store) -> bool:
    v = jobs.view(job_id, store)
    return v is not None and v.state in (jobs.QUEUED, jobs.RUNNING)
