"""Shared fixtures: a fresh store per test on DuckDB, and on PostgreSQL when MONITOR_TEST_PG_URL is set.

CI sets MONITOR_REQUIRE_PG=1: then an unreachable PostgreSQL fails the run instead of skipping. Likewise Redis
(server mode's shared cache): MONITOR_TEST_REDIS_URL, required when MONITOR_REQUIRE_REDIS=1.
"""

import contextlib
import os
import tempfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from loaders.store import Store

ROOT = Path(__file__).resolve().parent.parent
FILES = Path(__file__).resolve().parent / "files"
PG_URL = os.environ.get("MONITOR_TEST_PG_URL", "")
REQUIRE_PG = os.environ.get("MONITOR_REQUIRE_PG") == "1"
REDIS_URL = os.environ.get("MONITOR_TEST_REDIS_URL", "")
REQUIRE_REDIS = os.environ.get("MONITOR_REQUIRE_REDIS") == "1"
JOB_END_S = 60  # the longest a test's own job (a warm-up of the demo: ~5–10 s) may take to end after it
os.environ.pop("MONITOR_REDIS_URL", None)  # only the tests that ask for Redis (fixture redis_url) use one
# Secrets an app creates on first start go to a throw-away directory, never the developer's home.
os.environ["MONITOR_INSTANCE_DIR"] = tempfile.mkdtemp(prefix="monitor-instance-")
# The clock is an input (loaders/clock.py): the suite runs on a fixed day, whatever the machine's date.
# 23 November 2026: 1–10月 is closed and released, 1–11月 not yet. Tests of other days set it themselves.
TODAY = "2026-11-23"
os.environ["MONITOR_TODAY"] = TODAY


def _pg_params():
    if PG_URL:
        return ["duckdb", pytest.param("postgresql", marks=pytest.mark.pg)]
    if REQUIRE_PG:
        raise RuntimeError("MONITOR_REQUIRE_PG=1 but MONITOR_TEST_PG_URL is not set")
    return ["duckdb"]


def make_store(backend: str, tmp_path: Path):
    """(store, cleanup) for a new empty store with the schema created."""
    if backend == "duckdb":
        store = Store(f"duckdb:///{tmp_path / 'test.duckdb'}")
        store.create_schema()
        return store, store.dispose
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except sa.exc.OperationalError as exc:
        admin.dispose()
        if REQUIRE_PG:
            raise
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc}")
    # The schema is in the URL: results are cached per store URL (indicators/results.py), so each test's store
    # must have its own (upload #1 of one schema is not upload #1 of another).
    url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    engine = sa.create_engine(url)
    store = Store(url, engine=engine)
    store.create_schema()

    def cleanup():
        engine.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()

    return store, cleanup


@pytest.fixture(params=_pg_params())
def store(request, tmp_path):
    """An empty store on every configured backend."""
    s, cleanup = make_store(request.param, tmp_path)
    yield s
    cleanup()


@pytest.fixture
def duck(tmp_path):
    """An empty embedded store (for tests that are about files, not backends)."""
    s, cleanup = make_store("duckdb", tmp_path)
    yield s
    cleanup()


@pytest.fixture(autouse=True)
def _job_thread_survives_dash_testing(request):
    """dash.testing's threaded runner ends, when its test ends, every thread started during it — the embedded job
    thread too (loaders/jobs.py), and the job that next woke it would be lost. Let that thread go first."""
    yield
    if "dash_duo" in request.fixturenames:
        from loaders import jobs

        jobs.stop_local()


@pytest.fixture(autouse=True)
def _jobs_end_with_their_test():
    """A job a test started (the warm-up after its upload) ends before the next test begins: it reads the pages'
    store (layouts/data.py), which the next test's create_app replaces, and would otherwise record a state of that
    test's store as computed (loaders/shown.py) in the middle of it."""
    yield
    from loaders import jobs

    for future, _user, _label, pool in list(jobs._local.values()):  # noqa: SLF001
        if jobs._alive(pool):  # noqa: SLF001  (a thread dash.testing ended runs nothing more)
            with contextlib.suppress(Exception):
                future.result(timeout=JOB_END_S)


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory):
    """The demo province loaded once per test run (read-only for the tests that use it).

    Under xdist the first worker to ask loads it under a file lock and the others copy the file: a DuckDB file is
    held by one process, and loading the demo is the suite's single most expensive step."""
    from loaders import demo

    mine = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    if os.environ.get("PYTEST_XDIST_WORKER"):
        _shared_demo(tmp_path_factory.getbasetemp().parent, mine, demo.load)
        s = Store(f"duckdb:///{mine}")
    else:
        s = Store(f"duckdb:///{mine}")
        demo.load(s)
    yield s
    s.dispose()


def _shared_demo(run_dir: Path, target: Path, load) -> None:
    """Copy this run's demo file to `target`, loading it first if no worker has yet."""
    import fcntl
    import shutil

    shared = run_dir / "shared-demo.duckdb"
    with open(run_dir / "shared-demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not shared.exists():
            partial = run_dir / "shared-demo.partial.duckdb"
            partial.unlink(missing_ok=True)
            s = Store(f"duckdb:///{partial}")
            load(s)
            s.dispose()
            if partial.with_name(partial.name + ".wal").exists():
                raise RuntimeError(f"{partial} kept a write-ahead log after closing; copying it would lose data")
            partial.rename(shared)
        shutil.copyfile(shared, target)


@pytest.fixture
def app_store(demo_store, tmp_path):
    """(an app, its store): a writable copy of the demo province with the test accounts and a second viewer."""
    import shutil

    from ui_helpers import TEST_SECRET, add_test_accounts

    from app import create_app
    from loaders import users

    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_store.url.removeprefix("duckdb:///"), path)
    store = Store(f"duckdb:///{path}")
    add_test_accounts(store)
    users.add(store, "leader2", "viewer", "test-password-1", by="tests")
    yield create_app(store, secret=TEST_SECRET), store
    store.dispose()


@pytest.fixture
def redis_url(monkeypatch):
    """Server mode's Redis for one test: MONITOR_REDIS_URL set to MONITOR_TEST_REDIS_URL (skipped without it,
    failed when MONITOR_REQUIRE_REDIS=1), the client reset before and after."""
    import redis

    from loaders import redis_link

    if not REDIS_URL:
        if REQUIRE_REDIS:
            raise RuntimeError("MONITOR_REQUIRE_REDIS=1 but MONITOR_TEST_REDIS_URL is not set")
        pytest.skip("MONITOR_TEST_REDIS_URL not set")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.exceptions.ConnectionError as exc:
        if REQUIRE_REDIS:
            raise
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    monkeypatch.setenv("MONITOR_REDIS_URL", REDIS_URL)
    redis_link.reset()
    yield REDIS_URL
    redis_link.reset()
