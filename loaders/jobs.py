"""Long work off the request path (uploads' preview and commit, results after a commit, briefs): a request submits
a job and returns at once; the page asks for its state until it is done.

Two runners behind one interface (`submit`, `view`):
- server mode (MONITOR_REDIS_URL): an RQ queue per store, run by `python -m loaders worker` — any number of worker
  processes on any host. A worker killed in the middle of a job (kill -9, a host lost) stops its heartbeat: the
  job is then `lost`; what it was writing was one transaction never committed, so nothing is half-written and the
  same job can be sent again (an upload sent twice is recognised by its sha256).
- embedded default (no Redis, or Redis down): one worker thread in this process, so a page request never waits
  behind an upload; jobs are kept in memory (the embedded app is one process).
- server mode with no worker listening, or Redis down: the same thread, but the job's state, heartbeat and result
  are kept in the store, so the page's next question may reach any web process (gunicorn spreads them); a web
  process killed while it runs one stops its heartbeat and the job is `lost`, as with a worker.

A job runs a function registered in JOBS (never a name taken from a request) as fn(store, **kwargs) and its result
is kept for RESULT_TTL_S. loaders registers its own; a higher layer registers its jobs where it defines them
(`register("brief", "indicators.brief.job:brief_file")`), so this module imports nothing above it. Whose job it is travels with it (`user`): a page shows a job only to the account that
submitted it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import pickle
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from loaders import redis_link
from loaders.store import Store, now

log = logging.getLogger("monitor.jobs")

# The functions a job may run: name → "module:function", each called as fn(store, **kwargs).
JOBS = {
    "ingest": "loaders.ingest:ingest_job",
    "upload": "loaders.upload_ingest:upload_job",  # the upload page's preview and commit (files staged in the store)
}
QUEUED, RUNNING, DONE, FAILED, LOST = "queued", "running", "done", "failed", "lost"
# What a page says of a lost job. Honest either way: a worker that died before its commit wrote nothing; one that only
# lost contact may still finish — and a file sent twice is recognised by its sha256, never written twice.
LOST_TEXT = ("后台处理进程已失去联系（进程退出或主机故障）：提交前中断的写入已全部撤回，不会留下半份数据。"
             "请在“上报记录”中确认后重新提交；同一文件重复提交会被识别，不会重复写入")
RESULT_TTL_S = 3600  # a finished job's result stays this long for the page that waits for it
JOB_TIMEOUT_S = 1800  # a 200k-row history file commits in about a minute here; an hour-long job is a fault
HEARTBEAT_ENV = "MONITOR_JOB_HEARTBEAT_S"
HEARTBEAT_S = 5  # how often a worker says it is alive while a job runs; silent for 3× this: the job is lost


@dataclass(frozen=True)
class JobView:
    id: str
    state: str  # QUEUED | RUNNING | DONE | FAILED | LOST
    user: str
    label: str
    result: object = None  # the function's return value (DONE)
    error: str = ""  # what went wrong (FAILED, LOST)


def heartbeat_s() -> float:
    return float(os.environ.get(HEARTBEAT_ENV) or HEARTBEAT_S)


def register(name: str, path: str) -> None:
    """Declare a job: `path` is "module:function", called as fn(store, **kwargs)."""
    JOBS[name] = path


def function(path: str):
    module, func = path.split(":")
    return getattr(importlib.import_module(module), func)


def queue_name(store_url: str) -> str:
    return redis_link.namespace(store_url).replace(":", "-")


def submit(name: str, store: Store, kwargs: dict, *, user: str, label: str) -> str:
    """Run job `name` as fn(store, **kwargs) off the request path; returns the job's id. Server mode puts it on
    the store's queue; without a reachable Redis it runs in this process's worker thread. `user` owns it (the
    page shows it to that account only), `label` names it for people (the file's name)."""
    path = JOBS[name]  # an unknown name fails here, in the request (KeyError), not later in a worker
    job_id = uuid.uuid4().hex
    where = redis_link.call(lambda c: _enqueue(c, path, store.url, kwargs, job_id, user, label), default=None)
    if where != job_id:
        _local_submit(job_id, path, store, user, label, kwargs)
        if redis_link.url() is not None:  # server mode: another web process may be asked about it
            _publish(store, job_id, user, label, _local[job_id][0])
    return job_id


def view(job_id: str, store: Store) -> JobView | None:
    """The job's state (None: no such job, or its result has expired)."""
    with _local_lock:
        local = _local.get(job_id)
    if local is not None:
        return _local_view(job_id, *local)
    if not isinstance(job_id, str) or not job_id.isalnum():
        return None
    if redis_link.url() is None:
        return None
    return redis_link.call(lambda c: _rq_view(c, job_id), default=None) or _store_view(store, job_id)


# ---------------------------------------------------------------- server mode: RQ

HERE = "here"  # _enqueue's answer when no worker listens: run it in this process, its state kept in the store


def _enqueue(conn, path: str, url: str, kwargs: dict, job_id: str, user: str, label: str) -> str:
    """On the store's queue (its id); HERE (run it in this process) when no worker listens to it: a job nobody
    runs would keep the page waiting for ever."""
    from rq import Queue, Worker

    q = Queue(queue_name(url), connection=conn)
    if not Worker.count(queue=q):
        log.warning("no background worker for queue %s (start `python -m loaders worker`): running %s in this "
                    "process", q.name, path)
        return HERE
    q.enqueue_call(run, args=(path, url, kwargs), job_id=job_id, timeout=JOB_TIMEOUT_S, result_ttl=RESULT_TTL_S,
                   failure_ttl=RESULT_TTL_S, meta={"user": user, "label": label}, description=f"{path} {label}")
    return job_id


_stores: dict[str, Store] = {}


def run(path: str, url: str, kwargs: dict):
    """What a worker runs: the job's function (its path as submit() put it on the queue) on the worker's own Store
    for the URL, opened once per process."""
    store = _stores.get(url)
    if store is None:
        store = _stores[url] = Store(url)
    return function(path)(store, **kwargs)


def _rq_view(conn, job_id: str) -> JobView | None:
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    try:
        job = Job.fetch(job_id, connection=conn)
    except NoSuchJobError:
        return None
    status = job.get_status(refresh=True)
    meta = job.get_meta(refresh=False) or {}
    base = {"id": job_id, "user": meta.get("user", ""), "label": meta.get("label", "")}
    if status == JobStatus.FINISHED:
        return JobView(state=DONE, result=job.return_value(), **base)
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
        info = job.latest_result()
        text = (info.exc_string or "") if info is not None else ""
        return JobView(state=FAILED, error=text.strip().splitlines()[-1] if text.strip() else str(status), **base)
    if status == JobStatus.STARTED:
        if _worker_gone(conn, job.worker_name):
            return JobView(state=LOST, error=LOST_TEXT, **base)
        return JobView(state=RUNNING, **base)
    return JobView(state=QUEUED, **base)


def _worker_gone(conn, worker_name: str | None) -> bool:
    """No heartbeat from the job's worker for 3 × heartbeat_s(): killed, or its host lost."""
    from rq.utils import utcparse

    if not worker_name:
        return False
    beat = conn.hget(f"rq:worker:{worker_name}", "last_heartbeat")
    if beat is None:
        return True
    age = now() - utcparse(beat.decode()).replace(tzinfo=None)  # both naive UTC (loaders.store.now)
    return age.total_seconds() > 3 * heartbeat_s()


def work(store_url: str, *, burst: bool = False) -> None:
    """Run the store's queue in this process (`python -m loaders worker`) until stopped (or, burst, until empty)."""
    from rq import Queue, Worker

    conn = redis_link.client()
    if conn is None:
        raise ValueError(f"后台任务需要 Redis：请设置 {redis_link.ENV}（如 redis://127.0.0.1:6379/0），且 Redis 可连接")
    q = Queue(queue_name(store_url), connection=conn)
    Worker([q], connection=conn, job_monitoring_interval=max(1, int(heartbeat_s()))).work(
        burst=burst, with_scheduler=False)


# ---------------------------------------------------------------- embedded: a thread of this process

LOCAL_KEEP = 200  # finished jobs this process remembers (the oldest finished ones are forgotten first)
_local: dict[str, tuple[Future, str, str, ThreadPoolExecutor]] = {}
_local_lock = threading.Lock()
_executor: dict[str, ThreadPoolExecutor] = {}


def _alive(pool: ThreadPoolExecutor) -> bool:
    """Whether the pool's thread still runs. A thread can be ended from outside (an embedding that kills the
    threads it did not start, e.g. dash.testing's threaded runner): the pool would then never run another job."""
    threads = pool._threads  # noqa: SLF001  (ThreadPoolExecutor keeps no public view of its threads)
    return not threads or any(t.is_alive() for t in threads)


def _local_submit(job_id: str, path: str, store: Store, user: str, label: str, kwargs: dict) -> None:
    with _local_lock:
        pool = _executor.get("pool")
        if pool is None or not _alive(pool):  # one worker: writes to one embedded store queue up, pages are served
            pool = _executor["pool"] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobs")
        _local[job_id] = (pool.submit(function(path), store, **kwargs), user, label, pool)
        done = [k for k, (f, *_) in _local.items() if f.done()]
        for k in done[: max(0, len(_local) - LOCAL_KEEP)]:
            del _local[k]


def stop_local() -> None:
    """End this process's job thread once it is idle (the next job starts a new one). Tests call it before
    dash.testing's runner ends the threads it did not start, which would take the next job down with the thread."""
    with _local_lock:
        pool = _executor.pop("pool", None)
    if pool is not None:
        pool.shutdown(wait=False)


def _local_view(job_id: str, future: Future, user: str, label: str, pool: ThreadPoolExecutor) -> JobView:
    base = {"id": job_id, "user": user, "label": label}
    if not future.done() and not _alive(pool):
        return JobView(state=LOST, error=LOST_TEXT, **base)
    if future.running():
        return JobView(state=RUNNING, **base)
    if not future.done():
        return JobView(state=QUEUED, **base)
    exc = future.exception()
    if exc is not None:
        return JobView(state=FAILED, error=f"{type(exc).__name__}: {exc}", **base)
    return JobView(state=DONE, result=future.result(), **base)


# ---------------------------------------------------------------- server mode, run here: published in the store

def _publish(store: Store, job_id: str, user: str, label: str, future: Future) -> None:
    """The job's owner and state in the store for the other web processes (Redis may be the reason it runs here);
    a heartbeat while this process runs it; its result (pickled: the store is trusted, like its results table) or
    error when it ends."""
    beat = heartbeat_s()
    store.put_job(job_id, user, label, keep=dt.timedelta(seconds=RESULT_TTL_S))

    def heartbeat() -> None:
        while not future.done():
            time.sleep(beat)
            if not future.done():
                store.beat_job(job_id)

    def finished(f: Future) -> None:
        exc = f.exception()
        if exc is not None:
            store.finish_job(job_id, FAILED, error=f"{type(exc).__name__}: {exc}")
        else:
            store.finish_job(job_id, DONE, result=pickle.dumps(f.result(), protocol=pickle.HIGHEST_PROTOCOL))

    threading.Thread(target=heartbeat, name=f"job-heartbeat-{job_id[:8]}", daemon=True).start()
    future.add_done_callback(finished)


def _store_view(store: Store, job_id: str) -> JobView | None:
    row = store.job(job_id)
    if row is None:
        return None
    base = {"id": job_id, "user": row["user_name"], "label": row["label"]}
    if row["state"] == DONE:
        return JobView(state=DONE, result=pickle.loads(row["result"]), **base)
    if row["state"] == FAILED:
        return JobView(state=FAILED, error=row["error"], **base)
    if (now() - row["beat_at"]).total_seconds() > 3 * heartbeat_s():  # the process running it was killed
        return JobView(state=LOST, error=LOST_TEXT, **base)
    return JobView(state=RUNNING, **base)
