"""Faults in a running server mode (issue #14): a real `gunicorn -w 2 'app:create_server()'` on a PostgreSQL schema
of the test's own and a Redis of its own. A web worker killed with kill -9 in the middle of a commit leaves nothing
half-written, gunicorn replaces it, and the same file goes through when sent again; Redis stopped → the pages keep
answering, the log says so once per process, and again when it is back.

They need PostgreSQL (MONITOR_TEST_PG_URL) and redis-server, and fail instead of skipping under MONITOR_REQUIRE_PG /
MONITOR_REQUIRE_REDIS (conftest)."""

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest
import requests
import sqlalchemy as sa
from test_crash import big_file
from test_jobs import children
from test_shared_results import REQUIRE_REDIS, free_port, start_redis
from ui_helpers import TEST_PASSWORD, add_test_accounts, post_upload

from conftest import FILES, PG_URL, REQUIRE_PG, ROOT
from loaders import jobs
from loaders.ingest import ingest
from loaders.store import Store, make_engine

pytestmark = [pytest.mark.pg, pytest.mark.slow]
SECRET = "server-faults-secret-key"
START_S = 90  # gunicorn's two workers import the app (pandas, dash) on a busy 2-core machine
RETRIES = 3  # a request cut by the killed worker is sent again (the page's next interval)
RETRY_S = 1  # MONITOR_REDIS_RETRY_S: how soon a worker tries a stopped Redis again (10 s in production)


class Http:
    """requests against the running server, answering like the Flask test client the helpers expect."""

    def __init__(self, base: str):
        self.base, self.session = base, requests.Session()

    def get(self, path: str):
        return self._wrap(self.session.get(self.base + path, timeout=60))

    def post(self, path: str, data=None, content_type: str | None = None):
        """A request that meets the worker being killed fails like the browser's does; the page's interval asks
        again a moment later, and so does this (up to RETRIES times)."""
        headers = {"Content-Type": content_type} if content_type else {}
        for attempt in range(RETRIES + 1):
            try:
                return self._wrap(self.session.post(self.base + path, data=data, headers=headers, timeout=60,
                                                    allow_redirects=False))
            except requests.ConnectionError:
                if attempt == RETRIES:
                    raise
                time.sleep(0.7)

    @staticmethod
    def _wrap(r):
        r.shown = lambda: json.dumps(r.json(), ensure_ascii=False) if r.status_code == 200 else r.text
        r.get_json = r.json
        r.get_data = lambda as_text=False: r.text if as_text else r.content
        return r


class Deps:
    """What ui_helpers.callback_key reads of an app: the callbacks' keys, as the server lists them."""

    def __init__(self, http: Http):
        self.callback_map = {cb["output"]: cb for cb in http.get("/_dash-dependencies").json()}


@pytest.fixture(scope="module")
def server_store():
    """A PostgreSQL schema of this module's own, its connections named (so the test sees the server's COPY)."""
    if not PG_URL:
        if REQUIRE_PG:
            raise RuntimeError("MONITOR_REQUIRE_PG=1 but MONITOR_TEST_PG_URL is not set")
        pytest.skip("MONITOR_TEST_PG_URL not set")
    schema, app_name = f"t_{uuid.uuid4().hex[:12]}", f"monitor_gunicorn_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}&application_name={app_name}"
    store = Store(url, engine=make_engine(url))
    store.create_schema()
    store.app_name, store.admin = app_name, admin
    yield store
    store.dispose()
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


@pytest.fixture(scope="module")
def redis_server():
    if shutil.which("redis-server") is None:
        if REQUIRE_REDIS:
            raise RuntimeError("redis-server is not installed (make system installs it)")
        pytest.skip("redis-server is not installed")
    port = free_port()
    server = {"proc": start_redis(port), "port": port}
    yield server
    server["proc"].kill()
    server["proc"].wait()


@pytest.fixture(scope="module")
def gunicorn(server_store, redis_server, tmp_path_factory):
    """The server (one for the module: its start costs most of a test's time), its workers' log (stderr) and a
    logged-in uploader. Each test leaves it as it found it (Redis running, two workers)."""
    add_test_accounts(server_store)
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    port, log = free_port(), tmp_path / "gunicorn.log"
    env = os.environ | {"MONITOR_DATABASE_URL": server_store.url, "MONITOR_SECRET_KEY": SECRET,
                        "MONITOR_REDIS_URL": f"redis://127.0.0.1:{redis_server['port']}/0",
                        "MONITOR_REDIS_RETRY_S": str(RETRY_S), jobs.HEARTBEAT_ENV: "1",
                        "MONITOR_INSTANCE_DIR": str(tmp_path / "instance"),
                        "PYTHONPATH": str(ROOT)}
    with log.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                                 "--timeout", "60", "app:create_server()"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    http = Http(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + START_S
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                if http.get("/login").status_code == 200 and len(children(proc.pid)) == 2:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, f"gunicorn did not start in {START_S} s: {log.read_text()}"
            time.sleep(0.2)
        token = re.search(r'name="csrf" value="([^"]+)"', http.get("/login").text)[1]
        r = http.post("/login", data={"csrf": token, "username": "bureau", "password": TEST_PASSWORD, "next": "/"})
        assert r.status_code == 302, r.text
        yield proc, http, log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def data_url(data: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(data).decode()


def copying_port(store) -> int | None:
    """The client port of the server's connection that is in its COPY (rows going in, nothing committed)."""
    with store.admin.connect() as conn:
        return conn.execute(sa.text("SELECT client_port FROM pg_stat_activity WHERE application_name = :a "
                                    "AND query ILIKE 'COPY%' AND state = 'active'"), {"a": store.app_name}).scalar()


def owner_of(port: int, pids: list[int]) -> int | None:
    """Which of the processes holds the TCP socket bound to local `port` (from /proc: no lsof needed)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd).removeprefix("socket:[").removesuffix("]") in inodes:
                    return pid
            except OSError:
                continue
    return None


def test_a_web_worker_killed_mid_commit_writes_nothing_is_replaced_and_the_file_goes_in_when_sent_again(
        gunicorn, server_store, tmp_path):
    proc, http, log = gunicorn
    store = server_store
    if store.is_empty():
        assert ingest(FILES / "good_long.csv", store).status == "committed"
    before, state, uploads = store.export(), store.data_state(), len(store.uploads())
    path = tmp_path / "history.csv"
    big_file(path, 60_000)
    data = path.read_bytes()
    deps = Deps(http)
    workers = children(proc.pid)
    # No `python -m loaders worker` listens: the commit's job runs in a thread of the web worker that took the click,
    # its state in Redis for the other worker, which may answer the page's next question.
    answers, killed = {}, None

    def press():
        answers["r"] = post_upload(http, deps, "commit", [data_url(data)], ["history.csv"], timeout=60)

    th = threading.Thread(target=press, daemon=True)
    th.start()
    deadline = time.monotonic() + 60
    while killed is None and time.monotonic() < deadline:
        port = copying_port(store)
        pid = owner_of(port, workers) if port else None
        if pid:
            os.kill(pid, signal.SIGKILL)  # the web worker serving the commit, in the middle of its COPY
            killed = pid
        time.sleep(0.02)
    assert killed, f"no web worker was seen writing: {log.read_text()[-2000:]}"
    th.join(90)
    text = answers["r"].shown()
    assert answers["r"].status_code == 200 and "失去联系" in text and "重新提交" in text, text[:500]  # not a hang
    time.sleep(1)  # and nothing arrives later: the transaction died with the process
    pd.testing.assert_frame_equal(store.export(), before)
    assert store.data_state() == state and len(store.uploads()) == uploads
    deadline = time.monotonic() + START_S
    while not (len(now := children(proc.pid)) == 2 and killed not in now):
        assert time.monotonic() < deadline, "gunicorn did not replace the killed worker"
        time.sleep(0.2)
    again = post_upload(http, deps, "commit", [data_url(data)], ["history.csv"], timeout=120)
    assert again.status_code == 200 and "已写入 1 个文件" in again.shown(), again.text[:500]
    assert len(store.uploads()) == uploads + 1 and store.data_state() != state
    store.rollback(int(store.uploads(limit=1)["id"].iloc[0]), user="tests")  # as it was, for the other test
    assert "WORKER TIMEOUT" not in log.read_text()


def test_redis_stopped_under_gunicorn_keeps_pages_answering_and_the_log_says_so_once(gunicorn, redis_server):
    proc, http, log = gunicorn
    seen = len(log.read_text().splitlines())  # what the other test logged is not this test's
    deps = Deps(http)
    csv = (FILES / "months_iva_2024.csv").read_bytes()  # never committed here: its preview says 可以写入

    def preview_answers() -> str:
        r = post_upload(http, deps, "preview", [data_url(csv)], ["months_iva_2024.csv"], timeout=60)
        assert r.status_code == 200, r.text[:500]
        return r.shown()

    assert "可以写入" in preview_answers()
    redis_server["proc"].send_signal(signal.SIGKILL)  # Redis stops
    redis_server["proc"].wait()
    for _ in range(4):  # both workers meet the outage (the requests spread over them)
        start = time.monotonic()
        assert "可以写入" in preview_answers()
        assert http.get("/_dash-layout").status_code == 200
        assert time.monotonic() - start < 15
    down = [line for line in log.read_text().splitlines()[seen:] if "unreachable" in line]
    pids = [re.search(r"\[(\d+)\] \[WARNING\]", line)[1] for line in down]
    assert down and len(pids) == len(set(pids)), down  # once per process, not once per request
    assert f"127.0.0.1:{redis_server['port']}" in down[0] and "slower" in down[0]
    redis_server["proc"] = start_redis(redis_server["port"])  # Redis is back
    time.sleep(RETRY_S + 0.5)
    for _ in range(4):
        assert "可以写入" in preview_answers()
    assert any("reachable again" in line for line in log.read_text().splitlines()[seen:]), log.read_text()[-2000:]
