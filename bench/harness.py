"""What the benchmarks share: the pages they open, logging in through the form, the Dash Pages router request,
the callbacks a page fires when it appears (derived from /_dash-dependencies and the page's layout), starting the
app on a free port, and percentiles.

Capturing a page's callbacks (page_visit): the router callback (input _pages_location.pathname) renders the page;
then dash-renderer fires, as it does when a layout chunk is inserted, every server callback that is not
prevent_initial_call, has an input or an output among the new components (or, for the frame's callbacks, an input
on _pages_location, whose search and pathname change on every navigation) and whose inputs all exist in the frame
plus the page. Each is sent with the values the layouts give its inputs and states (the URL's pathname and search
for _pages_location). One round: a callback fired by another one's output is not followed (none of the six pages
has such a chain on load), and what a component sets on mount is not seen (dmc's NumberInput writes its value, so the
county page's target_rank_to_url runs in a browser): bench/browser.py --check-capture lists the difference, and
bench/load.py replays what chromium posts unless told --capture layout.
"""

from __future__ import annotations

import json
import re
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ROUTER_INPUT = "_pages_location.pathname"
LOCATION = "_pages_location"
ROUTER_CONTENT = "_pages_content"
BENCH_PASSWORD = "bench-password-1"
BENCH_SECRET = "bench-secret-key-shared-by-every-worker"
CALLBACK_PATH = "/_dash-update-component"


def bench_quarter() -> str:
    """The latest quarter closed (统计关库) today (loaders/clock.py): what the pages open at."""
    from loaders import clock

    month = clock.latest_closed_month(clock.today())
    y, m = int(month[:4]), int(month[5:7])
    return f"{y}Q{m // 3}" if m >= 3 else f"{y - 1}Q4"


def page_urls(county: str = "621226", prefecture: str = "621200") -> dict[str, tuple[str, str, str]]:
    """{page: (pathname, search, a component id the rendered page must contain)} at the latest closed quarter."""
    q = bench_quarter()
    return {
        "cockpit": ("/", "", "cockpit-kpis"),
        "rankings": ("/rankings", f"?period={q}&scope=province", "rank-grid"),
        "county": (f"/county/{county}", f"?period={q}", "county-grid"),
        "indicator": ("/indicator/FAI", f"?period={q}", "ind-grid"),
        "prefecture": (f"/prefecture/{prefecture}", f"?period={q}", "pref-grid"),
        "brief": ("/brief", "", "brief-preview"),
    }


# ------------------------------------------------------------------ logging in

def csrf_token(login_page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', login_page).group(1)


def login(session, base: str, user: str = "bench", password: str = BENCH_PASSWORD) -> None:
    """Every request needs a session: log in through the form like a person (CSRF token included)."""
    token = csrf_token(session.get(f"{base}/login", timeout=60).text)
    r = session.post(f"{base}/login", data={"csrf": token, "username": user, "password": password},
                     allow_redirects=False, timeout=60)
    if r.status_code != 302:
        raise SystemExit(f"login of {user} failed: HTTP {r.status_code}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(base: str, seconds: float = 120.0, proc=None) -> None:
    """Until the app answers /login (or the child exits, or time runs out)."""
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"the app exited (status {proc.returncode}) before answering")
        try:
            if requests.get(f"{base}/login", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the app did not answer at {base} within {seconds:.0f} s")


# ------------------------------------------------------------------ timing inside the server

class ServerTimer:
    """WSGI wrapper: adds `Server-Timing: wsgi;dur=<ms>` (time inside the app until the response starts;
    Flask builds the whole body before that)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        t0 = time.perf_counter()

        def timed_start(status, headers, exc_info=None):
            headers.append(("Server-Timing", f"wsgi;dur={(time.perf_counter() - t0) * 1000:.2f}"))
            return start_response(status, headers, exc_info)

        return self.app(environ, timed_start)


def server_ms(headers) -> float | None:
    """The wsgi entry of Server-Timing (else Dash's __dash_server), in ms."""
    found = {}
    for part in headers.get("Server-Timing", "").split(","):
        name, *params = [p.strip() for p in part.split(";")]
        for p in params:
            if p.startswith("dur="):
                found[name] = float(p[4:])
    return found.get("wsgi", found.get("__dash_server"))


# ------------------------------------------------------------------ callbacks

def _is_router(cb: dict) -> bool:
    """Dash Pages' own callback: it draws the page (the header's callback reads the path too)."""
    return any(o["id"] == ROUTER_CONTENT for o in split_outputs(cb["output"]))


def find_router(deps: list[dict]) -> dict:
    for cb in deps:
        if _is_router(cb):
            return cb
    raise RuntimeError(f"no callback with output {ROUTER_CONTENT} in /_dash-dependencies")


def split_outputs(output: str) -> list[dict]:
    """'a.b...c.d' (Dash's multi-output key) → [{id, property}]; '@hash' suffixes of allow_duplicate stay on the
    property, as dash-renderer sends them."""
    out = []
    for part in output.strip(".").split("..."):
        cid, _, prop = part.rpartition(".")
        out.append({"id": cid, "property": prop})
    return out


def callback_payload(cb: dict, values: dict[tuple[str, str], object], changed: list[str]) -> dict:
    """The body dash-renderer posts for callback `cb`, its inputs and states taken from `values`
    {(id, property): value} (missing → None)."""
    outputs = split_outputs(cb["output"])
    return {"output": cb["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": [{"id": i["id"], "property": i["property"], "value": values.get((i["id"], i["property"]))}
                       for i in cb["inputs"]],
            "changedPropIds": changed,
            "state": [{"id": s["id"], "property": s["property"], "value": values.get((s["id"], s["property"]))}
                      for s in cb.get("state", [])]}


def router_payload(router: dict, pathname: str, search: str) -> dict:
    """The body dash-renderer posts when the URL changes."""
    return callback_payload(router, {(LOCATION, "pathname"): pathname, (LOCATION, "search"): search},
                            [ROUTER_INPUT])


def layout_props(tree) -> dict[str, dict]:
    """{component id: props} of every component with a string id in a Dash layout (JSON as the server sends it)."""
    found: dict[str, dict] = {}

    def walk(node):
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and "type" in node:
                if isinstance(props.get("id"), str):
                    found[props["id"]] = props
                for v in props.values():
                    walk(v)
            else:
                for v in node.values():
                    walk(v)

    walk(tree)
    return found


def router_content(response: dict):
    """The page layout inside the router callback's response."""
    return response.get("response", {}).get(ROUTER_CONTENT, {}).get("children")


@dataclass
class Call:
    """One request of a page visit: a label ('router' or the callback's output key) and its body."""
    label: str
    body: dict

    @property
    def name(self) -> str:
        """Short, for tables: 'router', the first output's component, or 'url←<input>' for a callback writing the
        URL (the header's sync, a target-rank box, the indicator select)."""
        if self.label == "router":
            return "router"
        first = split_outputs(self.body["output"])[0]["id"]
        return f"url←{self.body['inputs'][0]['id']}" if first == LOCATION and self.body.get("inputs") else first


@dataclass
class Visit:
    page: str
    url: str
    calls: list[Call] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # callbacks left out and why (pattern-matching ids)


def _is_wildcard(cid: str) -> bool:
    return cid.startswith("{")


def initial_callbacks(deps: list[dict], frame: dict[str, dict], page: dict[str, dict]) -> tuple[list[dict], list[str]]:
    """(callbacks dash-renderer fires when `page`'s components appear inside `frame` after a navigation, those left
    out with the reason). `frame` and `page` are layout_props() of the frame and of the router's page content."""
    present = set(frame) | set(page)
    fired, skipped = [], []
    for cb in deps:
        if cb.get("clientside_function") or cb.get("prevent_initial_call"):
            continue
        if _is_router(cb):
            continue  # sent first, by the visit
        ids_in = [i["id"] for i in cb["inputs"]] + [s["id"] for s in cb.get("state", [])]
        outs = [o["id"] for o in split_outputs(cb["output"])]
        if any(_is_wildcard(c) for c in ids_in + outs):  # pattern-matching: not replayed, and said so
            skipped.append(f"{cb['output']} (pattern-matching ids are not replayed)")
            continue
        on_page = any(c in page for c in [i["id"] for i in cb["inputs"]] + outs)
        on_location = any(i["id"] == LOCATION for i in cb["inputs"])
        if not (on_page or on_location):
            continue
        if not all(i["id"] in present or i["id"] == LOCATION for i in cb["inputs"]):
            continue
        if not all(o in present for o in outs):
            continue
        fired.append(cb)
    return fired, skipped


def page_visit(deps: list[dict], frame_layout, router_response: dict, page: str, pathname: str,
               search: str) -> Visit:
    """The requests of one navigation to `pathname?search`: the router callback, then the callbacks the page (and
    the frame, on the new URL) fire with the values their layouts give them."""
    router = find_router(deps)
    frame, content = layout_props(frame_layout), layout_props(router_content(router_response))
    values = {}
    for props in (frame, content):
        for cid, p in props.items():
            for prop, v in p.items():
                values[(cid, prop)] = v
    values[(LOCATION, "pathname")], values[(LOCATION, "search")] = pathname, search
    visit = Visit(page, pathname + search, [Call("router", router_payload(router, pathname, search))])
    fired, visit.skipped = initial_callbacks(deps, frame, content)
    for cb in fired:
        visit.calls.append(Call(cb["output"], callback_payload(cb, values, [])))
    return visit


def capture_visits(session, base: str, pages: dict[str, tuple[str, str, str]],
                   failed: dict | None = None) -> tuple[list[Visit], dict]:
    """Open every page once as a logged-in session and derive its visit; also returns the router callback. A page
    that does not render ends the run (SystemExit), or, given `failed`, is left out and noted there."""
    frame = session.get(f"{base}/_dash-layout", timeout=600)
    frame.raise_for_status()
    deps = session.get(f"{base}/_dash-dependencies", timeout=60)
    deps.raise_for_status()
    deps = deps.json()
    router = find_router(deps)
    visits = []
    for page, (path, search, marker) in pages.items():
        r = session.post(f"{base}{CALLBACK_PATH}", json=router_payload(router, path, search), timeout=600)
        if r.status_code != 200 or f'"{marker}"' not in r.text:
            why = f"{page} ({path}{search}) did not render: HTTP {r.status_code} {r.text[:300]}"
            if failed is None:
                raise SystemExit(why)
            failed[page] = why
            continue
        visits.append(page_visit(deps, frame.json(), r.json(), page, path, search))
    return visits, router


def callback_signature(body: dict) -> tuple:
    """What identifies one callback request for comparing captures: its output key and its input values."""
    return body["output"], json.dumps([(i["id"], i["property"], i.get("value")) for i in body.get("inputs", [])],
                                      sort_keys=True, ensure_ascii=False, default=str)


# ------------------------------------------------------------------ figures

def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0–100) by linear interpolation between closest ranks (numpy's default); None when
    there are no values."""
    if not values:
        return None
    xs = sorted(values)
    k = (len(xs) - 1) * q / 100.0
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ a correction, as the upload page commits it

def commit_correction(store, county: str, period: str, indicator: str = "FAI") -> tuple[float, float] | None:
    """Commit a one-row correction (+0.1 on the county's current cum_yoy of `indicator` at `period`) the way the upload
    page does — ingest, then layouts.data.changed(), whose job computes the views leaders open first for the new state
    (waited for here). (commit ms, changed() ms), or None when there is no such value to correct."""
    from layouts import data
    from loaders import jobs
    from loaders.ingest import ingest

    row = store.export(period=period, region=county, indicator=indicator)
    row = row[row["measure"] == "cum_yoy"]
    if row.empty:
        return None
    text = ("region_code,region_name,period,indicator,measure,value,unit,note\n"
            f"{county},,{period},{indicator},cum_yoy,{float(row['value'].iloc[0]) + 0.1:.1f},%,\n")
    t0 = time.perf_counter()
    report = ingest(text.encode("utf-8"), store, name=f"更正_{period}.csv", user="bench", note="企业更正（基准测试）")
    commit_ms = (time.perf_counter() - t0) * 1000
    if report.status != "committed":
        raise SystemExit(f"bench commit of {period} failed: {[p.message() for p in report.errors]}")
    t0 = time.perf_counter()
    job = data.changed()  # as the upload page does once the commit's job is done: the warm-up, itself a job
    while job is not None and (v := jobs.view(job, store)) is not None and v.state in (jobs.QUEUED, jobs.RUNNING):
        time.sleep(0.05)  # timed to its end, as before (when changed() computed in the request)
    return commit_ms, (time.perf_counter() - t0) * 1000
