"""Benchmark: in headless chromium, the time from navigation to a page filled — warm, and right after an upload —
at province and at national scale.

For each scale a child process builds its store in a temporary directory (bench/pages.py: the demo province, or
the national region list with 2,850 synthetic counties), starts the app (create_app, werkzeug threaded on a free
port, the background warm-up of `python app.py` finished first) and drives Debian's /usr/bin/chromium through
/usr/bin/chromedriver (selenium; nothing is downloaded), logged in through the form as a viewer.

Pages: cockpit (/), rankings, county (/county/621226), indicator (/indicator/FAI), prefecture (/prefecture/621200)
and brief (/brief), at the latest closed quarter (bench/harness.py page_urls).

Filled (FILLED_JS), checked in the page on every animation frame from the moment the new document runs scripts:
the document is complete; dash-renderer's store exists, is not loading and has no callback requested, prioritized,
blocked, executing, watched or executed-but-not-applied; the title is not Dash's "Updating..."; the page's own
component (its grid, or the cockpit's cards, the brief's preview) is in the DOM; no dash loading spinner is shown
([data-dash-is-loading=true], .dash-spinner); every .js-plotly-plot with traces in its data has had them drawn
by plotly (its SVG exists and its computed traces, _fullData, are as many as the data's: a heatmap of missing
values legitimately draws no image); a figure without traces (the pages' blank placeholders while their callback
runs — then a callback is pending — or a figure with nothing to show) is listed beside the time; every ag-grid (.ag-root-wrapper) has rendered rows or shows its "no rows"
overlay (then it is listed beside the time too). The time is the
browser's performance.now() (ms since navigation start) at the first frame where all of it holds, provided it
still holds 300 ms later (else the wait goes on).

Each page is opened once untimed (browser cache and server caches warm), then --runs times (warm: the median is
reported). Then, per page: a correction of the quarter's month is committed as the upload page commits (ingest,
then layouts.data.changed() — bench/harness.py commit_correction; the quarter's scorecards are computed again) and
the page is opened once: "after upload". Goal (issue #14): after upload ≤ 2× warm.

--check-capture also records, from chromium's performance log, the callback requests the browser posts for each
page and compares them with what `bench/load.py --capture layout` replays for it (harness.page_visit).

Run: .venv/bin/python bench/browser.py [--scale province|national|both] [--runs 3] [--check-capture]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness as h  # noqa: E402
from bench.harness import log  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
RATIO_GOAL = 2.0
HOLD_MS = 300  # "filled" must still hold this long after (a late callback would undo it)

# Why a page is not filled yet ('' when it is); arguments[0]: the page's own component id.
FILLED_JS = r"""
const marker = arguments[0];
if (document.readyState !== 'complete') return 'document loading';
if (!window.store) return 'dash-renderer not started';
const st = window.store.getState();
if (st.isLoading) return 'dash isLoading';
const cbs = Object.assign({}, st.callbacks || {});
delete cbs.stored; delete cbs.completed;
const pending = Object.values(cbs).reduce((n, v) => n + (Array.isArray(v) ? v.length : 0), 0);
if (pending) return pending + ' callbacks pending';
if (document.title === 'Updating...') return 'title Updating...';
if (!document.getElementById(marker)) return 'no #' + marker;
if (document.querySelector('[data-dash-is-loading="true"], .dash-spinner')) return 'loading spinner';
for (const p of document.querySelectorAll('.js-plotly-plot')) {
  const name = (p.closest('[id]') || {}).id || 'a figure';
  if (!p.data || !p.data.length) continue;  // empty: listed apart (EMPTY_JS); a placeholder awaiting its callback
  if (!p._fullLayout || !p.querySelector('.main-svg') || !p._fullData || p._fullData.length !== p.data.length)
    return 'figure ' + name + ' not drawn';
}
for (const g of document.querySelectorAll('.ag-root-wrapper')) {
  if (!g.querySelector('.ag-center-cols-container .ag-row') && !g.querySelector('.ag-overlay-no-rows-center'))
    return 'grid ' + ((g.closest('[id]') || {}).id || '') + ' has no rows';  // "no rows" overlay: empty, listed apart
}
return '';
"""

# The figures shown without any trace when the page is filled (a blank placeholder whose callback drew nothing, or a
# figure with nothing to show): reported beside the time.
EMPTY_JS = """return Array.from(document.querySelectorAll('.js-plotly-plot')).filter(p => !p.data || !p.data.length)
    .map(p => (p.closest('[id]') || {}).id || '?').concat(Array.from(document.querySelectorAll('.ag-root-wrapper'))
    .filter(g => !g.querySelector('.ag-center-cols-container .ag-row'))
    .map(g => 'grid ' + ((g.closest('[id]') || {}).id || '?')));"""

# Resolves with [ms since navigation start when filled, '' ] or [null, why not] after the timeout.
WAIT_JS = """
const done = arguments[arguments.length - 1];
const marker = arguments[0], timeout = arguments[1], hold = arguments[2];
const check = new Function(arguments[3]);
let since = null;
function tick() {
  const why = check(marker);
  const now = performance.now();
  if (why === '') {
    if (since === null) since = now;
    if (now - since >= hold) return done([since, '']);
  } else since = null;
  if (now > timeout) return done([null, why]);
  requestAnimationFrame(tick);
}
tick();
"""


def driver(check_capture: bool):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--lang=zh-CN"):
        opts.add_argument(arg)
    if check_capture:
        opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def browser_login(drv, base: str, user: str = "bench") -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    drv.get(f"{base}/login?next=/_favicon.ico")
    drv.find_element(By.ID, "username").send_keys(user)
    drv.find_element(By.ID, "password").send_keys(h.BENCH_PASSWORD)
    drv.find_element(By.ID, "login-submit").click()
    WebDriverWait(drv, 30).until(lambda d: "/login" not in d.current_url)


def open_page(drv, base: str, url: str, marker: str, timeout_s: float) -> float:
    """ms from navigation start to filled (FILLED_JS); SystemExit naming what was missing after the timeout."""
    drv.set_script_timeout(timeout_s + 10)
    drv.get(base + url)
    ms, why = drv.execute_async_script(WAIT_JS, marker, timeout_s * 1000, HOLD_MS, FILLED_JS)
    if ms is None:
        raise PageNotFilled(f"{url} not filled after {timeout_s:.0f} s: {why}")
    EMPTY[url] = drv.execute_script(EMPTY_JS)
    return float(ms)


EMPTY: dict[str, list[str]] = {}  # url → the figures without traces and grids without rows at its last open


class PageNotFilled(RuntimeError):
    pass


def posted_callbacks(drv) -> list[dict]:
    """The callback requests chromium posted since the last call (its performance log)."""
    out = []
    for entry in drv.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") != "Network.requestWillBeSent":
            continue
        req = msg["params"]["request"]
        if urlsplit(req["url"]).path == h.CALLBACK_PATH and req.get("postData"):  # dash adds a ?cacheKey
            out.append(json.loads(req["postData"]))
    return out


def record_visits(base: str, user: str, pages: dict[str, tuple[str, str, str]], timeout_s: float = 300.0):
    """What chromium posts when it opens each page (logged in as `user`), as harness.Visit: the requests
    bench/load.py replays. Each page is opened once first (caches warm), then once recorded."""
    drv = driver(True)
    visits = []
    try:
        browser_login(drv, base, user)
        for page, (path, search, marker) in pages.items():
            open_page(drv, base, path + search, marker, timeout_s)
            drv.get_log("performance")  # drop what came before
            open_page(drv, base, path + search, marker, timeout_s)
            calls = [h.Call("router" if h.ROUTER_INPUT in b.get("changedPropIds", []) and "_pages_content" in b["output"]
                            else b["output"], b) for b in posted_callbacks(drv)]
            visits.append(h.Visit(page, path + search, calls))
    finally:
        drv.quit()
    return visits


def compare(derived: h.Visit, posted: list[dict]) -> dict:
    """Which requests load.py replays for the page against which ones chromium sent (by output and input values)."""
    mine = {h.callback_signature(c.body) for c in derived.calls}
    theirs = {h.callback_signature(b) for b in posted}
    short = lambda sig: sig[0].strip(".").split(".")[0]  # noqa: E731
    return {"same": len(mine & theirs), "only_replayed": sorted(short(s) for s in mine - theirs),
            "only_browser": sorted(short(s) + " " + s[1][:120] for s in theirs - mine)}


# ------------------------------------------------------------------ one scale (child process)

def run_scale(scale: str, runs: int, county: str, check_capture: bool, timeout_s: float) -> dict:
    from werkzeug.serving import make_server

    from bench.pages import national_store, province_store
    from indicators.pipeline import quarter_period

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix=f"bench_browser_{scale}_") as tmp:
        t0 = time.perf_counter()
        store, inserted = (national_store if scale == "national" else province_store)(Path(tmp))
        log(f"{scale}: store built in {time.perf_counter() - t0:.1f} s ({inserted:,} rows)")
        from app import create_app
        from layouts import data
        from loaders import users

        users.add(store, "bench", "viewer", h.BENCH_PASSWORD, by="bench")
        app = create_app(store, secret=h.BENCH_SECRET)
        t0 = time.perf_counter()
        data.enable_warming()  # as `python app.py` does; changed() then computes after every commit
        data._warm["thread"].join()
        log(f"{scale}: background warm-up {time.perf_counter() - t0:.1f} s")
        server = make_server("127.0.0.1", 0, app.server, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        pages = h.page_urls(county)
        drv = driver(check_capture)
        out: dict = {"scale": scale, "pages": {}, "capture": {}}
        try:
            browser_login(drv, base)
            derived = {}
            if check_capture:
                import requests

                session = requests.Session()
                h.login(session, base)
                derived = {v.page: v for v in h.capture_visits(session, base, pages, failed={})[0]}
            for page, (path, search, marker) in pages.items():
                url = path + search
                try:
                    open_page(drv, base, url, marker, timeout_s)  # untimed: caches warm
                    if check_capture:
                        drv.get_log("performance")  # drop what came before
                    warm = [open_page(drv, base, url, marker, timeout_s) for _ in range(runs)]
                    if check_capture and page in derived:
                        out["capture"][page] = compare(derived[page], posted_callbacks(drv))
                except PageNotFilled as e:
                    out["pages"][page] = {"url": url, "error": str(e)}
                    log(f"{scale}: {page} FAILED {e}")
                    continue
                out["pages"][page] = {"url": url, "warm": warm, "warm_median": statistics.median(warm),
                                      "empty": EMPTY.get(url, [])}
                log(f"{scale}: {page:10s} warm {' '.join(f'{x:.0f}' for x in warm)} ms")
            for page, (path, search, marker) in pages.items():
                v = out["pages"][page]
                if "error" in v:
                    continue
                done = h.commit_correction(store, county, quarter_period(h.bench_quarter()))
                try:
                    v["after"] = open_page(drv, base, path + search, marker, timeout_s)
                except PageNotFilled as e:
                    v["after_error"] = str(e)
                    continue
                v["commit_ms"], v["refresh_ms"] = done or (None, None)
                log(f"{scale}: {page:10s} after upload {v['after']:.0f} ms (commit {v['commit_ms']:.0f} ms, "
                    f"changed() {v['refresh_ms']:.0f} ms)")
        finally:
            drv.quit()
            server.shutdown()
            thread.join(timeout=10)
            store.dispose()
    return out


# ------------------------------------------------------------------ parent

def child(scale: str, args) -> dict:
    cmd = [sys.executable, __file__, "--_child", scale, "--runs", str(args.runs), "--county", args.county,
           "--timeout", str(args.timeout)] + (["--check-capture"] if args.check_capture else [])
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{scale} run failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report_lines(results: list[dict], runs: int) -> list[str]:
    lines = [f"\nheadless chromium: navigation start → page filled (grids with rows, figures drawn, no callback "
             f"pending), ms; warm = median of {runs}; after upload = the first open after a correction of the "
             "quarter's month committed as the upload page does",
             f"{'scale':9s} {'page':11s} {'warm ms':>8s} {'(min–max)':>13s} {'after ms':>9s} {'ratio':>6s}  "
             f"goal after/warm ≤ {RATIO_GOAL:.0f}×"]
    for res in results:
        for page, v in res["pages"].items():
            if "error" in v:
                lines.append(f"{res['scale']:9s} {page:11s} FAILED  {v['error']}")
                continue
            spread = f"({min(v['warm']):.0f}–{max(v['warm']):.0f})"
            if "after" not in v:
                lines.append(f"{res['scale']:9s} {page:11s} {v['warm_median']:8.0f} {spread:>13s} "
                             f"{'-':>9s}  after upload: {v.get('after_error', 'not measured')}")
                continue
            ratio = v["after"] / v["warm_median"]
            lines.append(f"{res['scale']:9s} {page:11s} {v['warm_median']:8.0f} {spread:>13s} {v['after']:9.0f} "
                         f"{ratio:5.1f}×  {'met' if ratio <= RATIO_GOAL else 'MISSED'}"
                         + (f"  (empty: {', '.join(v['empty'])})" if v.get("empty") else ""))
    for res in results:
        for page, c in res.get("capture", {}).items():
            verdict = "the same" if not c["only_replayed"] and not c["only_browser"] else "DIFFERENT"
            lines.append(f"capture {res['scale']} {page}: {c['same']} requests {verdict}"
                         + (f"; replayed only: {c['only_replayed']}" if c["only_replayed"] else "")
                         + (f"; chromium only: {c['only_browser']}" if c["only_browser"] else ""))
    return lines


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", choices=("province", "national", "both"), default="both")
    ap.add_argument("--runs", type=int, default=3, help="warm opens per page (after one untimed)")
    ap.add_argument("--county", default="621226", help="county of the county page (in both region lists)")
    ap.add_argument("--timeout", type=float, default=120.0, help="a page not filled after this many seconds fails")
    ap.add_argument("--check-capture", action="store_true",
                    help="compare the callbacks chromium posts with what bench/load.py replays")
    ap.add_argument("--_child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._child:
        print(json.dumps(run_scale(args._child, args.runs, args.county, args.check_capture, args.timeout)))
        return
    scales = ("province", "national") if args.scale == "both" else (args.scale,)
    results = [child(s, args) for s in scales]
    print("\n".join(report_lines(results, args.runs)))
    if any("error" in v or "after_error" in v for r in results for v in r["pages"].values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
