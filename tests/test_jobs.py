"""Long work off the request path (loaders/jobs.py): the embedded thread, and server mode's RQ workers — including a
worker killed with kill -9 in the middle of a commit, which loses nothing."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from test_crash import big_file
from test_db_faults import pg_store  # noqa: F401 - a fixture: a PostgreSQL store of the test's own

from conftest import FILES, ROOT
from loaders import jobs, redis_link, regions
from loaders.ingest import CHUNK_ROWS
from loaders.store import Store

gate = threading.Event()


def slow_job(store, *, answer):
    gate.wait(10)
    return answer


def bad_job(store):
    raise ValueError("第3行 期间“2026年13月”无法识别")


@pytest.fixture
def local_jobs(monkeypatch):
    monkeypatch.delenv("MONITOR_REDIS_URL", raising=False)
    redis_link.reset()
    monkeypatch.setitem(jobs.JOBS, "slow", f"{__name__}:slow_job")
    monkeypatch.setitem(jobs.JOBS, "bad", f"{__name__}:bad_job")
    gate.clear()
    yield
    gate.set()


def wait_for(job_id, store, states, seconds=120.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        v = jobs.view(job_id, store)
        if v is not None and v.state in states:
            return v
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} not {states} after {seconds} s: {jobs.view(job_id, store)}")


def test_embedded_jobs_run_beside_the_requests_and_say_their_state(local_jobs, duck):
    start = time.monotonic()
    job = jobs.submit("slow", duck, {"answer": 42}, user="统计局张三", label="月报.xlsx")
    assert time.monotonic() - start < 1  # the request returns at once
    v = wait_for(job, duck, (jobs.RUNNING,))
    assert (v.user, v.label) == ("统计局张三", "月报.xlsx")
    gate.set()
    assert wait_for(job, duck, (jobs.DONE,)).result == 42
    failed = wait_for(jobs.submit("bad", duck, {}, user="x", label="bad.csv"), duck, (jobs.FAILED,))
    assert "2026年13月" in failed.error


def test_a_job_thread_ended_from_outside_says_lost_and_the_next_job_gets_a_new_thread(local_jobs, duck):
    """dash.testing's threaded runner ends every thread it did not start with an asynchronous SystemExit. An idle
    job thread meets it when the next job wakes it: that job is gone with the thread. Before, it and every later job
    of the process stayed 'queued' for ever; now it is reported lost (the page says to send it again) and the next
    job gets a new thread."""
    import ctypes

    gate.set()  # the slow jobs return at once
    assert wait_for(jobs.submit("slow", duck, {"answer": 1}, user="张三", label="a.csv"), duck, (jobs.DONE,))
    thread = next(t for t in threading.enumerate() if t.name.startswith("jobs"))
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(SystemExit))
    woken = jobs.submit("slow", duck, {"answer": 2}, user="张三", label="月报.xlsx")
    thread.join(10)
    assert not thread.is_alive()
    assert wait_for(woken, duck, (jobs.LOST,), seconds=10).error == jobs.LOST_TEXT
    assert wait_for(jobs.submit("slow", duck, {"answer": 3}, user="张三", label="月报.xlsx"), duck,
                    (jobs.DONE,)).result == 3


def test_only_declared_job_names_run(local_jobs, duck):
    with pytest.raises(KeyError):
        jobs.submit("os:system", duck, {}, user="x", label="")
    assert jobs.view("not-a-job", duck) is None


def test_an_upload_job_commits_the_file(local_jobs, duck):
    data = (FILES / "good_long.csv").read_bytes()
    job = jobs.submit("ingest", duck, {"data": data, "name": "good_long.csv"}, user="张三", label="good_long.csv")
    v = wait_for(job, duck, (jobs.DONE, jobs.FAILED))
    assert v.state == jobs.DONE and v.result.status == "committed"
    assert duck.uploads().iloc[0]["file_name"] == "good_long.csv"


# ---------------------------------------------------------------- server mode: RQ workers

def start_worker(store_url: str) -> subprocess.Popen:
    """`python -m loaders worker` for the store, once it listens to the store's queue."""
    from rq import Queue, Worker

    env = os.environ | {"PYTHONPATH": str(ROOT), jobs.HEARTBEAT_ENV: "1"}
    proc = subprocess.Popen([sys.executable, "-m", "loaders", "worker", "--db", store_url], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    q = Queue(jobs.queue_name(store_url), connection=redis_link.client())
    deadline = time.monotonic() + 60
    while not Worker.count(queue=q) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert Worker.count(queue=q), proc.stderr.read() if proc.poll() is not None else "worker did not register"
    return proc


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc: no procps needed)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def stop(proc: subprocess.Popen) -> None:
    """kill -9 the worker and the work horse it forked for the job (RQ puts the horse in a process group of its
    own): what a lost host or the OOM killer does."""
    for pid in children(proc.pid):
        os.kill(pid, signal.SIGKILL)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def writing(store) -> bool:
    """The worker's ingest is in its COPY (rows going in, nothing committed yet)."""
    with store.admin.connect() as conn:
        return bool(conn.execute(sa.text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :a "
                                         "AND query ILIKE 'COPY%'"), {"a": store.app_name}).scalar())


@pytest.fixture
def server_jobs(redis_url, monkeypatch):
    monkeypatch.setenv(jobs.HEARTBEAT_ENV, "1")


def test_a_worker_process_runs_the_upload_and_the_page_reads_its_result(server_jobs, pg_store):  # noqa: F811
    worker = start_worker(pg_store.url)
    try:
        data = (FILES / "good_long.csv").read_bytes()
        job = jobs.submit("ingest", pg_store, {"data": data, "name": "good_long.csv"}, user="张三",
                          label="good_long.csv")
        assert job not in jobs._local  # queued in Redis, not run here
        v = wait_for(job, pg_store, (jobs.DONE, jobs.FAILED))
        assert v.state == jobs.DONE and v.result.status == "committed", v.error
        assert (v.user, v.label) == ("张三", "good_long.csv")
        assert Store(pg_store.url, engine=pg_store.engine).uploads().iloc[0]["file_name"] == "good_long.csv"
    finally:
        stop(worker)


def test_a_worker_killed_mid_commit_loses_nothing_and_the_job_can_be_sent_again(server_jobs, pg_store,  # noqa: F811
                                                                               tmp_path):
    from loaders.ingest import ingest

    assert ingest(FILES / "good_long.csv", pg_store).status == "committed"
    before, state = pg_store.export(), pg_store.data_state()
    path = tmp_path / "big.csv"
    big_file(path, CHUNK_ROWS + 20_000)
    data = path.read_bytes()
    worker = start_worker(pg_store.url)
    try:
        job = jobs.submit("ingest", pg_store, {"data": data, "name": "big.csv"}, user="张三", label="big.csv")
        wait_for(job, pg_store, (jobs.RUNNING,))
        deadline = time.monotonic() + 120
        while not writing(pg_store) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert writing(pg_store), "the worker never started writing"
    finally:
        stop(worker)  # kill -9 the worker and its work horse in the middle of the COPY
    lost = wait_for(job, pg_store, (jobs.LOST, jobs.FAILED, jobs.DONE), seconds=30)
    assert lost.state == jobs.LOST and "重新提交" in lost.error
    time.sleep(2)  # and nothing arrives later either: the transaction died with the process
    pd.testing.assert_frame_equal(pg_store.export(), before)
    assert pg_store.data_state() == state and len(pg_store.uploads()) == 1
    worker = start_worker(pg_store.url)
    try:
        again = jobs.submit("ingest", pg_store, {"data": data, "name": "big.csv"}, user="张三", label="big.csv")
        v = wait_for(again, pg_store, (jobs.DONE, jobs.FAILED))
        assert v.state == jobs.DONE and v.result.status == "committed" and v.result.inserted == v.result.rows
    finally:
        stop(worker)


def test_without_a_worker_listening_a_server_mode_job_runs_in_the_web_process(server_jobs, pg_store):  # noqa: F811
    data = (FILES / "good_long.csv").read_bytes()
    job = jobs.submit("ingest", pg_store, {"data": data, "name": "good_long.csv"}, user="张三", label="good_long.csv")
    assert job in jobs._local  # nobody would have run it from the queue
    assert wait_for(job, pg_store, (jobs.DONE, jobs.FAILED)).result.status == "committed"


def test_a_worker_process_previews_and_commits_an_upload_staged_in_the_store(server_jobs, pg_store):  # noqa: F811
    """The upload page's job: the bytes wait in the shared store (not in Redis), any worker reads them; the staged
    rows are gone once the job has run."""
    data = (FILES / "good_long.csv").read_bytes()
    worker = start_worker(pg_store.url)
    try:
        for dry_run, status in ((True, "dry_run"), (False, "committed")):
            files = [{"name": "good_long.csv", "key": pg_store.stage_file(data, "张三")},
                     {"name": "坏.csv", "problems": []}]
            job = jobs.submit("upload", pg_store, {"files": files, "dry_run": dry_run, "user": "张三"}, user="张三",
                              label="good_long.csv")
            assert job not in jobs._local
            v = wait_for(job, pg_store, (jobs.DONE, jobs.FAILED))
            assert v.state == jobs.DONE, v.error
            assert v.result["dry_run"] is dry_run
            assert [r.status for r in v.result["reports"]] == [status, "rejected"]
            assert v.result["reports"][1].errors[0].reason == "文件内容未能完整上传"
            assert pg_store.staged_file(files[0]["key"]) is None
        assert pg_store.uploads().iloc[0]["file_name"] == "good_long.csv" and len(pg_store.uploads()) == 1
    finally:
        stop(worker)


def test_the_warm_up_after_a_commit_is_one_job_whose_results_every_process_finds(local_jobs, demo_store,
                                                                                 monkeypatch):
    """layouts.data.changed(): a job (not the committing request) computes the leaders' first views into the
    store, where any other process reads them instead of computing."""
    from indicators import results
    from layouts import data
    from loaders import tables as t

    data.use_store(demo_store)
    monkeypatch.setitem(data._warm, "enabled", True)
    with demo_store.engine.begin() as conn:  # a derived cache: rows may go at any time (what earlier tests computed)
        conn.execute(sa.delete(t.results))
    monkeypatch.setattr(results, "_memory", type(results._memory)())
    job = data.changed()
    assert job in jobs._local and jobs.view(job, demo_store).user == data.WARM_USER
    v = wait_for(job, demo_store, (jobs.DONE, jobs.FAILED), seconds=300)
    assert v.state == jobs.DONE and v.result == demo_store.data_state(), v.error
    with demo_store.engine.connect() as conn:
        kinds = set(conn.execute(sa.select(t.results.c.kind)).scalars())
    assert "scorecard" in kinds, kinds
    from indicators import explain, pipeline, reading
    from indicators.brief import content

    def not_again(*a, **k):
        raise AssertionError("the 通报 computed a gap-to-rank the warm-up should have left ready")
    monkeypatch.setattr(explain, "gap_to_rank", not_again)  # the home city's 通报 now only reads what is ready
    quarter, month = data.resolve(None)
    brief = content.generate(reading.snapshot(demo_store), month or pipeline.quarter_period(quarter),
                             f"city:{regions.home()}")
    assert any("争先进位测算" in sec.heading for sec in brief.sections)  # its gaps were there, read not computed


warm_runs = []


def counting_warm(store):
    warm_runs.append(store.url)
    return len(warm_runs)


def test_changes_in_a_row_while_the_job_thread_is_busy_share_one_warm_up(local_jobs, duck, monkeypatch):
    """Three rollbacks while an upload commits: one warm-up waits (it reads the latest state when it starts), not
    three that would each recompute the leaders' first views; once it has started, the next change gets its own."""
    from layouts import data

    data.use_store(duck)
    monkeypatch.setitem(data._warm, "enabled", True)
    monkeypatch.setitem(data._warm, "pending", None)
    monkeypatch.setitem(jobs.JOBS, "warm", f"{__name__}:counting_warm")
    warm_runs.clear()
    busy = jobs.submit("slow", duck, {"answer": 1}, user="统计局张三", label="月报.xlsx")
    wait_for(busy, duck, (jobs.RUNNING,))
    first = data.changed()
    assert data.changed() == first and data.changed() == first
    gate.set()
    assert wait_for(first, duck, (jobs.DONE,)).result == 1 and len(warm_runs) == 1
    later = data.changed()
    assert later != first and wait_for(later, duck, (jobs.DONE,)).result == 2
