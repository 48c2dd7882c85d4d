"""A page's long work as a background job (loaders/jobs.py): the button's callback submits it and keeps only its
id in the page; an interval asks for it until it is done. A job is shown to the account that submitted it only."""

from __future__ import annotations

from dash import dcc

from layouts import access, data
from loaders import jobs

POLL_MS = 700  # how often a waiting page asks


def holders(store_id: str, interval_id: str) -> list:
    """The page's job id and the interval that asks for it (disabled until a job is submitted)."""
    return [dcc.Store(id=store_id), dcc.Interval(id=interval_id, interval=POLL_MS, disabled=True)]


def submit(name: str, kwargs: dict, label: str) -> dict:
    """Submit for the current account; what the page keeps (its dcc.Store's data)."""
    return {"id": jobs.submit(name, data.store(), kwargs, user=access.current().name, label=label)}


def ask(held: dict | None) -> jobs.JobView | None:
    """The job the page holds, if it is this account's (None otherwise, or when it has expired)."""
    job_id = (held or {}).get("id")
    if not isinstance(job_id, str):
        return None
    v = jobs.view(job_id, data.store())
    account = access.current()
    if v is None or account is None or v.user != account.name:
        return None
    return v


def waiting(v: jobs.JobView | None) -> bool:
    return v is not None and v.state in (jobs.QUEUED, jobs.RUNNING)


def error_text(v: jobs.JobView) -> str:
    """What went wrong, in the words the job raised (not the exception's class)."""
    return v.error.split(": ", 1)[-1] if v.state == jobs.FAILED else v.error
