"""Benchmark: the dashboard under load — N logged-in viewers replaying real page visits, and one uploader.

For each mode the app runs in a child process over its own store in a temporary directory (nothing outside it is
written; the PostgreSQL database is created for the run and dropped after it):

  embedded  `python app.py --port P` itself (werkzeug, threaded) with MONITOR_DATABASE_URL pointing at a DuckDB
            file holding the demo province and MONITOR_INSTANCE_DIR in the temporary directory;
  server    `gunicorn -w 4 'app:create_server()'` (sync workers, gunicorn's default 30 s timeout, its log read for
            "WORKER TIMEOUT") on a fresh PostgreSQL database (CREATE DATABASE bench_load_<hex> on the local server,
            --pg), MONITOR_SECRET_KEY shared by the workers, MONITOR_REDIS_URL (--redis) for the shared results,
            sessions, login throttle and job queue, and --bg-workers `python -m loaders worker` processes beside it
            for the long work (the upload's preview and commit, the results after it).

The store is prepared before the app starts (loaders.demo.load, then one uploader and --users max viewers added with
loaders.users.add). Every viewer logs in through the form (CSRF token included) and keeps its HTTP keep-alive
session (requests.Session, one thread per user).

The mix: a visit is one navigation to cockpit (/), rankings, county, indicator, prefecture (/prefecture/621200) or
brief (/brief) — every callback request the page makes when it is opened. By default (--capture browser) they are
recorded, once per mode before timing, from headless chromium (bench/browser.py record_visits: Debian's chromium
logged in as the first viewer opens each page twice and its performance log gives the bodies it posts to
/_dash-update-component the second time): the frame's two header callbacks, the Dash Pages router, the page's
figure callbacks, and what components set on mount (the county and prefecture pages' target-rank box writes
target_rank into the URL, so the header callbacks run again). --capture layout derives the visits without a browser
from /_dash-dependencies and the router's layout (bench/harness.py page_visit; it cannot see what components set
on mount, so it replays fewer requests: 5 instead of 8 on the county page). Each viewer replays the six visits in
turn (starting at a different one), each visit's requests one after the other, then reads the page for a think
time drawn uniformly from 0.5–1.5 × --think seconds (default 3 s: a leader glancing at a page before the next
click; real reading takes longer, so this is the harder case), for --seconds. --think 0 is a closed loop with no
think time: a stress test of capacity, where by Little's law p95 grows with the number of users over what two cores
can serve (N users always waiting ≈ N / throughput), whatever the code does.

Phases per mode: a warm-up (every visit once per viewer session of the largest run, untimed), then each --users
count, then "during commit": --commit-users viewers replay the mix while the uploader drops a generated long CSV of
--commit-rows rows on the upload page (the preview callback — a dry run — then the commit callback, as the page
sends them: through the real upload path in both modes, with a 更正原因 since it corrects closed periods) and until
SHOWN_TAIL_S after the pages show the new state (the header's data state, asked by the uploader every
SHOWN_POLL_S: a serving app keeps showing the previous state while the warm-up computes the new one,
loaders/shown.py), so the phase holds the first visits of the new state too. The file (commit_file): a bureau's history file — the store's current values revised
(levels +0.2 %, growth rates and ratios +0.1), newest periods first, and past the demo's 150k rows its oldest years
again, earlier, as new rows — so the commit changes the periods every page shows.

Figures: requests/s (completed viewer requests / the phase's wall time), p50/p95/p99/max of their round trips,
errors; "×1-user p95" against the same process's 1-user run. Errors: HTTP statuses other than 200/204 are
failures of the app (exit status 1); timeouts (--timeout) and dropped connections are reported as load errors.

Goals (issue #14): server mode at 50 users p95 ≤ 3× its 1-user p95 with no errors; during the commit p99 ≤ 2 s and
no worker killed by its timeout; embedded 10 users p95 ≤ 1 s. A missed goal is a figure, not a failure.

Run: .venv/bin/python bench/load.py [--users 1,10,50] [--seconds 60] [--mode embedded,server]
     [--commit-rows 200000] [--commit-users 10] [--capture browser|layout] [--quick]
--quick: 1 and 5 users, 10 s each, a 20,000-row commit with 5 viewers.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench import harness as h  # noqa: E402
from bench.harness import log  # noqa: E402

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
UPLOADER = "bench-uploader"
POLL_S = 0.7  # how often the upload page asks for its job (layouts/background.py POLL_MS)
OK_STATUSES = (200, 204)  # 204: a callback that prevented its update
SERVER_RATIO_GOAL = 3.0
SERVER_USERS_GOAL = 50
COMMIT_P99_GOAL_MS = 2000.0
SHOWN_POLL_S = 0.5  # how often the uploader asks the header which state the pages show
SHOWN_TAIL_S = 10.0  # the phase goes on this long after the new state is shown: each viewer's first visits of it
EMBEDDED_USERS_GOAL = 10
EMBEDDED_P95_GOAL_MS = 1000.0
GUNICORN_TIMEOUT_S = 30  # gunicorn's default --timeout, which server mode runs with


def viewer_name(i: int) -> str:
    return f"bench-viewer-{i:03d}"


# ------------------------------------------------------------------ recording

@dataclass
class Sample:
    t: float  # start, perf_counter
    ms: float | None  # None when the request failed without an answer
    status: int | None
    label: str
    page: str
    error: str = ""


@dataclass
class Phase:
    name: str
    users: int
    seconds: float
    samples: list[Sample] = field(default_factory=list)

    def summary(self) -> dict:
        return summarize(self.samples, self.seconds)


def summarize(samples: list[Sample], seconds: float) -> dict:
    """requests, requests/s, p50/p95/p99/max (ms) of the answered requests, and errors by kind."""
    ok = [s.ms for s in samples if s.status in OK_STATUSES]
    http = [s for s in samples if s.status is not None and s.status not in OK_STATUSES]
    load = [s for s in samples if s.status is None]
    errors: dict[str, int] = {}
    for s in http:
        errors[f"HTTP {s.status}"] = errors.get(f"HTTP {s.status}", 0) + 1
    for s in load:
        errors[s.error or "no answer"] = errors.get(s.error or "no answer", 0) + 1
    return {"requests": len(samples), "rps": len(ok) / seconds if seconds > 0 else 0.0,
            "p50": h.percentile(ok, 50), "p95": h.percentile(ok, 95), "p99": h.percentile(ok, 99),
            "max": max(ok) if ok else None, "errors": errors, "http_errors": len(http), "load_errors": len(load)}


def post(session, base: str, body: dict, timeout: float, keep: bool = False) -> tuple[float | None, int | None, str]:
    """(round-trip ms, HTTP status, error text — or the whole body with keep) of one callback request; a timeout or
    a dropped connection gives (None, None, what happened)."""
    t0 = time.perf_counter()
    try:
        r = session.post(f"{base}{h.CALLBACK_PATH}", json=body, timeout=timeout)
        text = r.text  # the whole body is part of the round trip
    except requests.Timeout:
        return None, None, f"timeout > {timeout:.0f} s"
    except requests.ConnectionError as e:
        return None, None, f"connection: {type(e).__name__}"
    ms = (time.perf_counter() - t0) * 1000
    return ms, r.status_code, text if keep else ("" if r.status_code in OK_STATUSES else _decoded(text)[:200])


def replay(sessions, base: str, visits: list[h.Visit], seconds: float, timeout: float, stop: threading.Event | None,
           name: str, think: float = 0.0) -> Phase:
    """Every session replays the visits in turn, `think` seconds (0.5–1.5×, seeded per user) after each, until
    `seconds` have passed (or `stop` is set)."""
    import random

    phase = Phase(name, len(sessions), seconds)
    lock = threading.Lock()
    t_start = time.perf_counter()
    deadline = t_start + seconds

    def user(i, session):
        k = i
        mine = []
        rng = random.Random(i)
        ended = stop or threading.Event()

        def going() -> bool:
            return not ended.is_set() if stop is not None else time.perf_counter() < deadline

        if think:  # users do not all start at the same instant
            ended.wait(rng.uniform(0, think)) if stop is not None else time.sleep(rng.uniform(0, think))
        while going():
            visit = visits[k % len(visits)]
            k += 1
            for call in visit.calls:
                t0 = time.perf_counter()
                ms, status, err = post(session, base, call.body, timeout)
                mine.append(Sample(t0, ms, status, call.name, visit.page, err))
            if think:
                pause = rng.uniform(0.5, 1.5) * think
                if stop is not None:
                    ended.wait(pause)
                else:
                    time.sleep(max(0.0, min(pause, deadline - time.perf_counter())))
        with lock:
            phase.samples.extend(mine)

    threads = [threading.Thread(target=user, args=(i, s), daemon=True) for i, s in enumerate(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    phase.seconds = time.perf_counter() - t_start
    return phase


def warm_up(sessions, base: str, visits: list[h.Visit], timeout: float) -> int:
    """Every session opens every visit once, all at the same time (untimed): each worker's caches filled."""
    done = []

    def user(session):
        done.extend(post(session, base, c.body, timeout)[1] for v in visits for c in v.calls)

    threads = [threading.Thread(target=user, args=(s,), daemon=True) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(done)


# ------------------------------------------------------------------ the store and the app

def prepare_store(store, n_viewers: int, commit_path: Path | None = None, commit_rows: int = 0) -> None:
    """The demo province, one uploader and n_viewers viewers; and the file the uploader will commit (written now:
    the app's process holds the embedded store once it runs)."""
    from loaders import demo, users

    t0 = time.perf_counter()
    reports = demo.load(store)
    users.add(store, UPLOADER, "uploader", h.BENCH_PASSWORD, by="bench")
    for i in range(n_viewers):
        users.add(store, viewer_name(i), "viewer", h.BENCH_PASSWORD, by="bench")
    log(f"store: demo province ({sum(r.inserted for r in reports):,} rows), {n_viewers} viewers and an uploader "
        f"in {time.perf_counter() - t0:.1f} s")
    if commit_path and commit_rows:
        n = commit_file(store, commit_path, commit_rows)
        log(f"commit file: {n:,} rows, {commit_path.stat().st_size / 1e6:.1f} MB")


class App:
    """The app in a child process: its base URL, its log, and how it ends."""

    def __init__(self, mode: str, tmp: Path, n_viewers: int, pg_admin: str, commit_rows: int = 0, redis: str = "",
                 bg_workers: int = 1):
        self.mode, self.tmp, self.port = mode, tmp, h.free_port()
        self.workers: list[subprocess.Popen] = []
        self.redis = redis
        self.base = f"http://127.0.0.1:{self.port}"
        self.db_name = None
        self.pg_admin = pg_admin
        self.commit_path = tmp / f"bench_commit_{commit_rows}.csv"
        env = dict(os.environ, MONITOR_INSTANCE_DIR=str(tmp / "instance"), MONITOR_SECRET_KEY=h.BENCH_SECRET,
                   PYTHONUNBUFFERED="1")
        from loaders.store import Store

        if mode == "embedded":
            url = f"duckdb:///{tmp / 'embedded.duckdb'}"
            store = Store(url)
            prepare_store(store, n_viewers, self.commit_path, commit_rows)
            store.dispose()  # one process may hold the DuckDB file: the app's
            cmd = [sys.executable, "app.py", "--port", str(self.port)]
        else:
            url = self.create_database()
            store = Store(url)
            prepare_store(store, n_viewers, self.commit_path, commit_rows)
            store.dispose()
            cmd = [sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{self.port}",
                   "--error-logfile", str(tmp / "gunicorn.log"), "app:create_server()"]
            if self.redis:  # the workers share results (a new database: a namespace of its own in Redis)
                env["MONITOR_REDIS_URL"] = self.redis
        env["MONITOR_DATABASE_URL"] = self.url = url
        self.log_path = tmp / f"{mode}.log"
        self.log_file = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        log(f"{mode}: starting {' '.join(cmd[1:])}")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log_file, stderr=subprocess.STDOUT)
        h.wait_http(self.base, 300, self.proc)
        if mode == "server" and self.redis:  # long work (the upload, the results after it) in its own process
            for _ in range(bg_workers):
                self.workers.append(subprocess.Popen([sys.executable, "-m", "loaders", "worker"], cwd=ROOT, env=env,
                                                     stdout=self.log_file, stderr=subprocess.STDOUT))
            log(f"{mode}: {bg_workers} background worker(s): python -m loaders worker")

    def create_database(self) -> str:
        import psycopg

        self.db_name = f"bench_load_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.pg_admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {self.db_name}")
        host = self.pg_admin.split("://", 1)[1].rsplit("/", 1)[0]
        return f"postgresql+psycopg://{host}/{self.db_name}"

    def worker_timeouts(self) -> int:
        """Workers gunicorn killed for exceeding its timeout (its log says WORKER TIMEOUT)."""
        path = self.tmp / "gunicorn.log"
        return path.read_text(encoding="utf-8", errors="replace").count("WORKER TIMEOUT") if path.exists() else 0

    def traceback_of(self, answer: str) -> str:
        """The log lines of a 500's reference (layouts/login.py logs 'error <ref> on <path>' and the traceback)."""
        m = re.search(r"编号 (\w+)", _decoded(answer))
        if not m:
            return ""
        for path in (self.log_path, self.tmp / "gunicorn.log"):
            if not path.exists():
                continue
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            at = next((i for i, line in enumerate(lines) if f"error {m.group(1)}" in line), None)
            if at is not None:
                tail = []
                for line in lines[at + 1:at + 80]:
                    tail.append(line)
                    if line and not line.startswith((" ", "Traceback", "During", "The above")) and len(tail) > 1:
                        break
                return "\n".join([lines[at], *tail[-12:]])
        return ""

    def stop(self) -> None:
        for w in self.workers:
            w.terminate()
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()
        if self.db_name:
            import psycopg

            with psycopg.connect(self.pg_admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)")


# ------------------------------------------------------------------ the upload

def commit_file(store, path: Path, n_rows: int) -> int:
    """A bureau's history file of n_rows: the store's current values revised (levels +0.2 %, growth rates and ratios
    +0.1), newest periods first, and, past what the store holds, its oldest years again as many years earlier as the
    store spans (levels scaled down by 10 % a year) as new rows. Written as a long CSV; returns the rows written."""
    import pandas as pd

    cur = store.export().sort_values("period", ascending=False, kind="stable")
    level = cur["measure"] == "cum_level"
    cur["value"] = (cur["value"] * 1.002).where(level, cur["value"] + 0.1).round(2)
    parts, have, back = [cur.head(n_rows)], min(n_rows, len(cur)), 0
    oldest = cur.sort_values("period", kind="stable")
    years = cur["period"].str[:4].astype(int)
    span = int(years.max() - years.min() + 1)  # shifted by whole spans: never a key twice
    while have < n_rows:
        back += span
        older = oldest.head(n_rows - have).copy()
        older["period"] = (older["period"].str[:4].astype(int) - back).astype(str) + older["period"].str[4:]
        older["value"] = (older["value"] / 1.1 ** back).where(older["measure"] == "cum_level", older["value"]).round(2)
        parts.append(older)
        have += len(older)
    out = pd.concat(parts, ignore_index=True)
    out.to_csv(path, index=False, encoding="utf-8")
    return len(out)


def find_callback(deps: list[dict], input_key: str) -> dict:
    for cb in deps:
        if input_key in {f"{i['id']}.{i['property']}" for i in cb["inputs"]}:
            return cb
    raise SystemExit(f"no callback with input {input_key} in /_dash-dependencies")


def upload(session, base: str, path: Path, timeout: float) -> dict:
    """Drop the file on the upload page (its preview callback), then press 写入 (the commit callback); each submits
    a background job, which the page's interval then asks for until it is done: a step's time runs to its answer."""
    deps = session.get(f"{base}/_dash-dependencies", timeout=60).json()
    contents = "data:text/csv;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    names = [path.name]
    values = {("upload-drop", "contents"): [contents], ("upload-drop", "filename"): names,
              ("upload-period", "value"): None, ("upload-reason", "value"): "基准测试（bench/load.py）"}
    poll = find_callback(deps, "upload-poll.n_intervals")
    out = {}
    for step, key in (("preview", "upload-drop.contents"), ("commit", "upload-commit.n_clicks")):
        cb = find_callback(deps, key)
        if step == "commit":
            values[("upload-commit", "n_clicks")] = 1
        t0 = time.perf_counter()
        ms, status, text = post(session, base, h.callback_payload(cb, values, [key]), timeout, keep=True)
        if status == 200:
            status, text = _until_done(session, base, poll, values, json.loads(text), timeout)
            ms = (time.perf_counter() - t0) * 1000
        out[step] = {"ms": ms, "status": status, "error": "" if status == 200 else _decoded(text)[:300], "at": t0}
        if step == "commit" and status == 200:
            out[step]["committed"] = "已写入 1 个文件" in _decoded(text)  # the page's answer (layouts/pages/upload.py)
        log(f"  upload {step}: " + (f"HTTP {status} in {ms / 1000:.1f} s" if ms is not None else text)
            + ("" if out[step].get("committed", True) else f" but nothing was written: {text[:300]}"))
        if status != 200:
            break
    return out


def _until_done(session, base: str, poll: dict, values: dict, first: dict, timeout: float) -> tuple[int | None, str]:
    """Ask for the job the step's answer holds, as the page's interval does, until it stops asking: (status, the
    last answer's body)."""
    values[("upload-job", "data")] = first.get("response", {}).get("upload-job", {}).get("data")
    deadline = time.perf_counter() + timeout
    for n in range(1, 1_000_000):
        values[("upload-poll", "n_intervals")] = n
        _, status, text = post(session, base, h.callback_payload(poll, values, ["upload-poll.n_intervals"]), timeout,
                               keep=True)
        if status != 200 or json.loads(text)["response"].get("upload-poll", {}).get("disabled") is True:
            return status, text
        if time.perf_counter() > deadline:
            return None, f"the upload job did not finish in {timeout:.0f} s"
        time.sleep(POLL_S)
    return None, "unreachable"


# ------------------------------------------------------------------ one mode

def logged_in(base: str, names: list[str]) -> list:
    out = []
    for name in names:
        s = requests.Session()
        h.login(s, base, name)
        out.append(s)
    return out


def run_mode(mode: str, args, tmp: Path) -> dict:
    users_max = max(max(args.users), args.commit_users)
    app = App(mode, tmp, users_max, args.pg, args.commit_rows, args.redis, args.bg_workers)
    try:
        t0 = time.perf_counter()
        viewers = logged_in(app.base, [viewer_name(i) for i in range(users_max)])
        log(f"{mode}: {users_max} viewers logged in through the form in {time.perf_counter() - t0:.1f} s")
        if args.capture == "browser":
            from bench.browser import record_visits

            visits = record_visits(app.base, viewer_name(0), h.page_urls())
        else:
            visits, _ = h.capture_visits(viewers[0], app.base, h.page_urls())
        for v in visits:
            log(f"  visit {v.page:10s} {v.url:40s} {len(v.calls)} requests: "
                + ", ".join(c.name for c in v.calls)
                + (f"; not replayed: {v.skipped}" if v.skipped else ""))
        t0 = time.perf_counter()
        warm = warm_up(viewers, app.base, visits, args.timeout)
        log(f"{mode}: warm-up ({warm} requests, every visit once per viewer) {time.perf_counter() - t0:.1f} s")
        phases = []
        for n in args.users:
            phase = replay(viewers[:n], app.base, visits, args.seconds, args.timeout, None, f"{n} users", args.think)
            s = phase.summary()
            log(f"{mode}: {n:3d} users  {s['rps']:6.1f} req/s  p50 {_ms(s['p50'])}  p95 {_ms(s['p95'])}  "
                f"p99 {_ms(s['p99'])}  errors {sum(s['errors'].values())}")
            phases.append(phase)
        commit = None
        if args.commit_rows:
            commit = during_commit(app, viewers[:args.commit_users], visits, args, tmp)
        failed = [s.error for p in phases + ([commit["phase"]] if commit else []) for s in p.samples
                  if s.status == 500]
        failed += [v["error"] for v in (commit or {}).get("upload", {}).values() if v["status"] == 500]
        tracebacks = list(dict.fromkeys(t for t in (app.traceback_of(e) for e in failed[:20]) if t))
        return {"mode": mode, "redis": app.redis if mode == "server" else "", "bg_workers": len(app.workers),
                "phases": phases, "commit": commit,
                "timeouts": app.worker_timeouts(),
                "visits": visits, "tracebacks": tracebacks}
    finally:
        app.stop()


def during_commit(app: App, viewers, visits, args, tmp: Path) -> dict:
    path = app.commit_path
    n = sum(1 for _ in path.open(encoding="utf-8")) - 1
    log(f"{app.mode}: committing {n:,} rows while {len(viewers)} viewers replay the mix")
    uploader = logged_in(app.base, [UPLOADER])[0]
    header = vintage_call(visits)
    before = shown_state(uploader, app.base, header, args.timeout)[0]
    stop = threading.Event()
    result: dict = {}
    killed_before = app.worker_timeouts()

    def run_upload():
        time.sleep(2.0)  # viewers are busy first
        result.update(upload(uploader, app.base, path, args.commit_timeout))
        answered = time.perf_counter()
        result["answered"] = answered
        deadline = answered + args.commit_timeout
        while time.perf_counter() < deadline:  # until the pages show the new state: the commit's end for leaders
            state, computing = shown_state(uploader, app.base, header, args.timeout)
            if state and state != before and not computing:
                result["shown_s"] = time.perf_counter() - answered
                break
            time.sleep(SHOWN_POLL_S)
        log(f"  new data shown {result.get('shown_s', math.inf):.1f} s after the commit answered")
        time.sleep(SHOWN_TAIL_S)  # the first visits of every viewer at the new state
        stop.set()

    t = threading.Thread(target=run_upload, daemon=True)
    t.start()
    phase = replay(viewers, app.base, visits, 0.0, args.timeout, stop, f"during a {n:,}-row commit", args.think)
    t.join()
    written = None
    if app.mode == "server":  # whatever the answer said: is the upload in the store? (DuckDB is the app's alone)
        from loaders.store import Store

        store = Store(app.url)
        try:
            up = store.uploads(limit=1)
            written = bool(len(up)) and up.iloc[0]["file_name"] == path.name and up.iloc[0]["status"] == "committed"
        finally:
            store.dispose()
    return {"rows": n, "phase": phase, "upload": {k: v for k, v in result.items() if isinstance(v, dict)},
            "answered": result.get("answered"), "shown_s": result.get("shown_s"),
            "timeouts": app.worker_timeouts() - killed_before, "written": written}


def vintage_call(visits) -> h.Call:
    """A captured request of the frame's header callback (its outputs hold the data state the pages show)."""
    from layouts import ids

    for v in visits:
        for c in v.calls:
            if ids.VINTAGE in c.body["output"]:
                return c
    raise SystemExit(f"no captured request writes {ids.VINTAGE}: the header changed?")


def shown_state(session, base: str, call: h.Call, timeout: float) -> tuple[str, bool]:
    """(the data state the header says the pages show, whether it says newer data is being computed)."""
    from layouts import ids
    from layouts.i18n import t

    _, status, text = post(session, base, call.body, timeout, keep=True)
    if status != 200:
        return "", False
    vintage = str(json.loads(text)["response"].get(ids.VINTAGE, {}).get("children", ""))
    m = re.search(rf"{t('data_state', 'zh')} (\w+)", vintage)
    return (m[1] if m else ""), t("newer_computing", "zh").split("{")[0] in vintage


# ------------------------------------------------------------------ report

def _decoded(text: str) -> str:
    """A JSON error answer with its Chinese readable."""
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return text


def _ms(x: float | None) -> str:
    return f"{x:8.0f}" if x is not None else f"{'-':>8s}"


def _errors(errors: dict) -> str:
    return ", ".join(f"{k} ×{v}" for k, v in errors.items()) or "0"


def goal_for(mode: str, users: int, s: dict, base_p95: float | None) -> str:
    if mode == "server" and users == SERVER_USERS_GOAL:
        ratio = s["p95"] / base_p95 if s["p95"] and base_p95 else math.inf
        met = ratio <= SERVER_RATIO_GOAL and not s["errors"]
        return f"p95 ≤ {SERVER_RATIO_GOAL:.0f}× 1-user, no errors: {'met' if met else 'MISSED'}"
    if mode == "embedded" and users == EMBEDDED_USERS_GOAL:
        met = s["p95"] is not None and s["p95"] <= EMBEDDED_P95_GOAL_MS
        return f"p95 ≤ {EMBEDDED_P95_GOAL_MS / 1000:.0f} s: {'met' if met else 'MISSED'}"
    return ""


def table(result: dict) -> list[str]:
    mode = result["mode"]
    what = ("embedded: python app.py (werkzeug threaded, DuckDB file)" if mode == "embedded"
            else "server: gunicorn -w 4 'app:create_server()' (sync workers, timeout 30 s) on PostgreSQL"
                 + (f", results shared through Redis ({result['redis']}), {result['bg_workers']} background worker(s)"
                    if result.get("redis") else ", no Redis, jobs in the web workers' threads"))
    lines = [f"\n{what}",
             f"{'phase':28s} {'requests':>8s} {'req/s':>7s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} "
             f"{'max ms':>8s} {'×1-user p95':>12s}  errors / goal"]
    base = next((p.summary()["p95"] for p in result["phases"] if p.users == 1), None)
    for p in result["phases"]:
        s = p.summary()
        ratio = f"×{s['p95'] / base:.1f}" if base and s["p95"] else "-"
        goal = goal_for(mode, p.users, s, base)
        lines.append(f"{p.name:28s} {s['requests']:8d} {s['rps']:7.1f} {_ms(s['p50'])} {_ms(s['p95'])} "
                     f"{_ms(s['p99'])} {_ms(s['max'])} {ratio:>12s}  errors {_errors(s['errors'])}"
                     + (f"; {goal}" if goal else ""))
    c = result["commit"]
    if c:
        s = c["phase"].summary()
        ratio = f"×{s['p95'] / base:.1f}" if base and s["p95"] else "-"
        killed = c["timeouts"] if mode == "server" else None
        met = s["p99"] is not None and s["p99"] <= COMMIT_P99_GOAL_MS and not killed
        lines.append(f"{c['phase'].name[:28]:28s} {s['requests']:8d} {s['rps']:7.1f} {_ms(s['p50'])} "
                     f"{_ms(s['p95'])} {_ms(s['p99'])} {_ms(s['max'])} {ratio:>12s}  errors {_errors(s['errors'])}"
                     f"; p99 ≤ {COMMIT_P99_GOAL_MS / 1000:.0f} s"
                     + (f", no worker killed (WORKER TIMEOUT ×{killed})" if killed is not None else "")
                     + f": {'met' if met else 'MISSED'}")
        up = c["upload"]
        steps = [f"{k} " + (f"HTTP {v['status']} {v['ms'] / 1000:.1f} s" if v["ms"] is not None else v["error"])
                 + ("" if v.get("committed", True) else " (NOT written)")
                 + (" (its worker killed by gunicorn's timeout)" if killed_by_timeout(c, v) else "")
                 for k, v in up.items()]
        if c.get("written") is not None:
            steps.append(f"the file is {'' if c['written'] else 'NOT '}among the committed uploads in the store")
        lines.append(f"  the uploader ({c['phase'].users} viewers meanwhile): " + "; ".join(steps))
        lines.append("  the pages showed the new data " + (f"{c['shown_s']:.1f} s after the commit answered"
                                                          if c.get("shown_s") is not None else "NEVER in the phase"))
    if mode == "server":
        lines.append(f"  gunicorn log: WORKER TIMEOUT ×{result['timeouts']} over the whole run")
    slow = slowest(result)
    if slow:
        lines.append("  p95 by request at the largest run: " + "; ".join(slow))
    if c:
        lines.append("  slowest during the commit (start, seconds after the commit answered): "
                     + "; ".join(commit_slowest(c)))
    return lines


def commit_slowest(commit: dict, n: int = 8) -> list[str]:
    """The n slowest answered requests of the commit phase, each with when it started relative to the commit's
    answer (negative: while the preview or the commit ran): which pages the first leaders after an upload wait for."""
    step = commit["upload"].get("commit") or commit["upload"].get("preview") or {}
    if step.get("ms") is None or step.get("at") is None:
        return []
    answered = step["at"] + step["ms"] / 1000
    done = [s for s in commit["phase"].samples if s.ms is not None and s.status in OK_STATUSES]
    return [f"{s.page}:{s.label} {s.ms:.0f} ms at {s.t - answered:+.1f} s"
            for s in sorted(done, key=lambda s: -s.ms)[:n]]


def slowest(result: dict) -> list[str]:
    if not result["phases"]:
        return []
    p = result["phases"][-1]
    by: dict[str, list[float]] = {}
    for s in p.samples:
        if s.ms is not None and s.status in OK_STATUSES:
            key = f"{s.page}:{s.label}"
            by.setdefault(key, []).append(s.ms)
    ranked = sorted(((k, h.percentile(v, 95)) for k, v in by.items()), key=lambda kv: -kv[1])
    return [f"{k} {v:.0f} ms" for k, v in ranked[:6]]


def killed_by_timeout(commit: dict, answer: dict) -> bool:
    """A 500 for a request that outlived gunicorn's worker timeout while the log says WORKER TIMEOUT: the worker was
    killed (gunicorn answers with its own page, or the app's error handler catches the SystemExit of the abort)."""
    return (commit["timeouts"] > 0 and answer["status"] == 500 and answer["ms"] is not None
            and answer["ms"] >= GUNICORN_TIMEOUT_S * 1000 * 0.98)


def http_failures(results: list[dict]) -> list[str]:
    """Errors that are not load: an HTTP status other than 200/204 (a 500, a refused request)."""
    out = []
    for r in results:
        phases = r["phases"] + ([r["commit"]["phase"]] if r["commit"] else [])
        for p in phases:
            for s in p.samples:
                if s.status is not None and s.status not in OK_STATUSES:
                    out.append(f"{r['mode']} {p.name} {s.page} {s.label[:60]}: HTTP {s.status} {s.error[:120]}")
        if r["commit"]:
            for step, v in r["commit"]["upload"].items():
                if killed_by_timeout(r["commit"], v):
                    continue  # the table says so (WORKER TIMEOUT): a failure under load, judged by the goal
                if v["status"] is not None and v["status"] != 200:
                    out.append(f"{r['mode']} upload {step}: HTTP {v['status']} {v['error'][:200]}")
                elif not v.get("committed", True):
                    out.append(f"{r['mode']} upload {step}: answered 200 but wrote nothing")
    return out


def parse_users(text: str) -> list[int]:
    users = [int(x) for x in re.split(r"[,\s]+", text.strip()) if x]
    if not users or any(u < 1 for u in users):
        raise argparse.ArgumentTypeError("--users takes positive counts, e.g. 1,10,50")
    return users


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=parse_users, default=[1, 10, 50], help="concurrent viewers per run (1,10,50)")
    ap.add_argument("--seconds", type=float, default=60.0, help="length of each run")
    ap.add_argument("--think", type=float, default=3.0,
                    help="mean seconds a viewer reads a page before the next (0: closed loop, a capacity stress test)")
    ap.add_argument("--mode", default="embedded,server", help="embedded, server or both (embedded,server)")
    ap.add_argument("--commit-rows", type=int, default=200_000, help="rows of the upload committed under load (0: none)")
    ap.add_argument("--commit-users", type=int, default=10, help="viewers replaying the mix during the commit")
    ap.add_argument("--timeout", type=float, default=120.0, help="a viewer request unanswered after this is an error")
    ap.add_argument("--commit-timeout", type=float, default=900.0, help="the uploader's preview and commit requests")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0",
                    help="server mode's Redis (MONITOR_REDIS_URL); '' for none")
    ap.add_argument("--bg-workers", type=int, default=1,
                    help="server mode: background worker processes (python -m loaders worker) beside gunicorn")
    ap.add_argument("--pg", default=PG_ADMIN_URL, help="PostgreSQL to create the server mode's database on")
    ap.add_argument("--capture", choices=("browser", "layout"), default="browser",
                    help="the visits: what headless chromium posts on each page (default), or derived from "
                         "/_dash-dependencies and the layouts without a browser (harness.page_visit)")
    ap.add_argument("--quick", action="store_true", help="a smoke run: 1 and 5 users, 10 s, a 20,000-row commit")
    args = ap.parse_args(argv)
    if args.quick:
        args.users, args.seconds, args.commit_rows, args.commit_users = [1, 5], 10.0, 20_000, 5
    modes = [m.strip() for m in args.mode.split(",") if m.strip()]
    if not set(modes) <= {"embedded", "server"}:
        ap.error("--mode takes embedded, server or embedded,server")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench_load_") as tmp:
        for mode in modes:
            (Path(tmp) / mode).mkdir()
            results.append(run_mode(mode, args, Path(tmp) / mode))
    how = "as chromium posts them" if args.capture == "browser" else "derived from the layouts"
    pace = (f"think time {args.think:g} s (0.5–1.5×) after each page" if args.think
            else "closed loop, no think time (capacity stress)")
    print(f"\nLoad: {pace}; {args.seconds:.0f} s per run; each viewer replays the visits "
          f"(every callback request of opening the page, {how}) of cockpit, rankings, county, indicator, prefecture, "
          "brief")
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end")
    for r in results:
        print("\n".join(table(r)))
    failures = http_failures(results)
    if failures:
        print(f"\n{len(failures)} requests failed with an HTTP error (not load):")
        for f in failures[:20]:
            print("  " + f)
        for r in results:
            for tb in r["tracebacks"][:5]:
                print(f"\n{r['mode']}: from the app's log:\n{tb}")
        sys.exit(1)


if __name__ == "__main__":
    main()
