"""Server mode shares results through Redis (indicators/results.py, loaders/redis_link.py): computed once for every
process, a killed process never makes the others hang, and a Redis that stops only makes the app slower."""

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
import redis

from indicators import results
from loaders import redis_link

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_REDIS = os.environ.get("MONITOR_REQUIRE_REDIS") == "1"


@pytest.fixture
def store():
    """A stand-in for the store with a URL of its own: results.get only needs `url` for a result not kept in the
    store (persist=False), and a fresh URL is a fresh namespace in Redis."""
    s = SimpleNamespace(url=f"test://{uuid.uuid4().hex}")
    yield s
    client = redis_link.client()
    if client is not None:
        for k in client.scan_iter(f"{redis_link.namespace(s.url)}:*"):
            client.delete(k)
    for k in [k for k in results._memory if k.startswith(s.url)]:
        results._memory.pop(k, None)


def forget_memory(store):
    """What another process sees: nothing of this one's memory."""
    for k in [k for k in results._memory if k.startswith(store.url)]:
        del results._memory[k]


def counter():
    calls = []

    def compute():
        calls.append(1)
        return {"score": 87.5, "rank": 3}
    return calls, compute


def test_a_result_computed_by_one_process_is_read_by_another_without_computing(redis_url, store):
    calls, compute = counter()
    assert results.get(store, "scorecard", ("2026Q3", "province"), "state-a", compute) == {"score": 87.5, "rank": 3}
    forget_memory(store)
    assert results.get(store, "scorecard", ("2026Q3", "province"), "state-a", compute) == {"score": 87.5, "rank": 3}
    assert len(calls) == 1
    # a new data state is a new key: computed again, the old entry untouched
    results.get(store, "scorecard", ("2026Q3", "province"), "state-b", compute)
    assert len(calls) == 2


def test_without_redis_each_process_computes_for_itself(store, monkeypatch):
    monkeypatch.delenv("MONITOR_REDIS_URL", raising=False)
    redis_link.reset()
    calls, compute = counter()
    results.get(store, "scorecard", ("2026Q3",), "s", compute)
    forget_memory(store)
    results.get(store, "scorecard", ("2026Q3",), "s", compute)
    assert len(calls) == 2


CHILD = textwrap.dedent("""
    import sys, time
    from types import SimpleNamespace
    import redis
    from indicators import results
    url, key_counter, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])
    r = redis.Redis.from_url(__import__("os").environ["MONITOR_REDIS_URL"])
    def compute():
        r.incr(key_counter)
        time.sleep(pause)
        return "county ranking"
    print(results.get(SimpleNamespace(url=url), "ranking", ("2026Q3",), "state", compute), flush=True)
""")


def child(store, counter_key, pause):
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", CHILD, store.url, counter_key, str(pause)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_processes_asking_at_once_compute_once_and_both_get_the_value(redis_url, store):
    key = f"{redis_link.namespace(store.url)}:calls"
    procs = [child(store, key, 1.5) for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [o.strip() for o, _ in outs] == ["county ranking", "county ranking"], [e for _, e in outs]
    assert int(redis.Redis.from_url(redis_url).get(key)) == 1


def test_a_process_killed_while_computing_does_not_make_the_others_hang(redis_url, store, monkeypatch):
    key = f"{redis_link.namespace(store.url)}:calls"
    r = redis.Redis.from_url(redis_url)
    proc = child(store, key, 120)
    deadline = time.monotonic() + 30
    while r.get(key) is None and time.monotonic() < deadline:  # it holds the lock and is computing
        time.sleep(0.05)
    assert r.get(key) is not None, proc.stderr.read() if proc.poll() is not None else "child did not start"
    proc.send_signal(signal.SIGKILL)  # kill -9 mid-computation: its lock stays until it expires
    proc.wait()
    monkeypatch.setattr(results, "LOCK_S", 1.0)
    calls, compute = counter()
    start = time.monotonic()
    value = results.get(store, "ranking", ("2026Q3",), "state", compute)
    assert value == {"score": 87.5, "rank": 3} and len(calls) == 1
    assert time.monotonic() - start < 5  # waited at most LOCK_S for the dead process, then computed itself


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port, socket_timeout=0.5)
    for _ in range(100):
        try:
            client.ping()
            return proc
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("redis-server did not start")


@pytest.fixture
def own_redis(monkeypatch):
    """A Redis of this test's own (redis-server on a free port), so it can be stopped and started again."""
    if shutil.which("redis-server") is None:
        if REQUIRE_REDIS:
            raise RuntimeError("redis-server is not installed (make system installs it)")
        pytest.skip("redis-server is not installed")
    port = free_port()
    server = {"proc": start_redis(port)}
    monkeypatch.setenv("MONITOR_REDIS_URL", f"redis://127.0.0.1:{port}/0")
    monkeypatch.setattr(redis_link, "RETRY_AFTER_S", 0.3)
    redis_link.reset()
    yield port, server
    server["proc"].kill()
    server["proc"].wait()
    redis_link.reset()


def test_redis_stopping_slows_the_app_down_says_so_once_and_loses_nothing(own_redis, store, caplog):
    port, server = own_redis
    calls, compute = counter()
    results.get(store, "ranking", ("2026Q2",), "s", compute)
    server["proc"].send_signal(signal.SIGKILL)  # Redis stops
    server["proc"].wait()
    caplog.set_level(logging.WARNING, logger="monitor.redis")
    for quarter in ("2026Q3", "2026Q4"):  # requests keep being answered, computed here
        assert results.get(store, "ranking", (quarter,), "s", compute) == {"score": 87.5, "rank": 3}
    assert len(calls) == 3
    down = [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(down) == 1 and f"127.0.0.1:{port}" in down[0] and "slower" in down[0]
    server["proc"] = start_redis(port)  # Redis is back (empty: it kept nothing on disk)
    time.sleep(0.4)
    results.get(store, "ranking", ("2027Q1",), "s", compute)
    assert any("reachable again" in r.getMessage() for r in caplog.records)
    forget_memory(store)
    results.get(store, "ranking", ("2027Q1",), "s", compute)
    assert len(calls) == 4  # published again once Redis was back


def test_the_log_never_shows_the_redis_password():
    assert redis_link.safe_url("redis://:s3cret@10.0.0.5:6379/0") == "redis://***@10.0.0.5:6379/0"
    assert redis_link.safe_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
