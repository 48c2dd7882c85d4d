"""The benchmarks' pure parts: percentiles, the table code, and the page-load callbacks derived from a layout (also
on the real app: what bench/load.py replays for the county page renders there). Untimed, no thresholds, no browser."""

import argparse
import json

import numpy as np
import pytest
from ui_helpers import TEST_SECRET, add_test_accounts, logged_in_client

from bench import browser, harness, load


@pytest.mark.parametrize("values", [[5.0], [3.0, 1.0], [10, 20, 30, 40, 1000], list(np.linspace(0, 7, 37))])
@pytest.mark.parametrize("q", [0, 50, 95, 99, 100])
def test_percentile_is_numpys_linear_percentile(values, q):
    assert harness.percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_percentile_of_nothing_is_none():
    assert harness.percentile([], 95) is None


def test_multi_output_key_splits_like_dash_renderer_sends_it():
    key = "..a.children...b-c.value@0f3e.."
    assert harness.split_outputs(key) == [{"id": "a", "property": "children"}, {"id": "b-c", "property": "value@0f3e"}]
    assert harness.split_outputs("fig.figure") == [{"id": "fig", "property": "figure"}]


def _cb(output, inputs, state=(), **kw):
    return {"output": output, "inputs": [{"id": i.split(".")[0], "property": i.split(".")[1]} for i in inputs],
            "state": [{"id": s.split(".")[0], "property": s.split(".")[1]} for s in state], **kw}


def _comp(cid, children=None, **props):
    return {"type": "Div", "namespace": "dash_html_components", "props": {"id": cid, "children": children, **props}}


DEPS = [
    _cb(".._pages_content.children..._pages_store.data..", ["_pages_location.pathname", "_pages_location.search"],
        prevent_initial_call=True),
    _cb("hdr.children", ["_pages_location.search", "_pages_location.pathname"]),  # the frame, on the new URL
    _cb("fig.figure", ["vs.value"], ["page-state.data"]),  # fires: its input is on the page
    _cb("other.figure", ["elsewhere.value"]),  # another page's: its input is not here
    _cb("dl.data", ["btn.n_clicks"], prevent_initial_call=True),  # a click: not on load
    _cb("hdr.title", ["btn.n_clicks"], clientside_function={"namespace": "x", "function_name": "y"}),  # in the browser
    _cb('{"index":["ALL"],"type":"cell"}.children', ["vs.value"]),  # pattern-matching: said, not replayed
]
FRAME = _comp("frame", [_comp("hdr"), _comp("_pages_location"), _comp("_pages_content")])
ROUTER_ANSWER = {"multi": True, "response": {"_pages_content": {"children": _comp("page", [
    _comp("vs", value="vs_mean"), _comp("fig"), _comp("btn"), _comp("page-state", data={"county": "621226"})])}}}


def test_a_visit_is_the_router_then_the_callbacks_the_page_fires_on_load_with_its_layout_values():
    visit = harness.page_visit(DEPS, FRAME, ROUTER_ANSWER, "county", "/county/621226", "?period=2026Q3")
    assert [c.label for c in visit.calls] == ["router", "hdr.children", "fig.figure"]
    assert [c.name for c in visit.calls] == ["router", "hdr", "fig"]
    router, hdr, fig = (c.body for c in visit.calls)
    assert [i["value"] for i in router["inputs"]] == ["/county/621226", "?period=2026Q3"]
    assert router["changedPropIds"] == ["_pages_location.pathname"]
    assert [i["value"] for i in hdr["inputs"]] == ["?period=2026Q3", "/county/621226"]
    assert fig["inputs"] == [{"id": "vs", "property": "value", "value": "vs_mean"}]
    assert fig["state"] == [{"id": "page-state", "property": "data", "value": {"county": "621226"}}]
    assert fig["outputs"] == {"id": "fig", "property": "figure"}
    assert len(visit.skipped) == 1 and "pattern-matching" in visit.skipped[0]


def test_a_page_callback_is_not_fired_when_its_output_is_missing():
    answer = json.loads(json.dumps(ROUTER_ANSWER).replace('"fig"', '"not-fig"'))
    visit = harness.page_visit(DEPS, FRAME, answer, "county", "/county/621226", "")
    assert "fig.figure" not in [c.label for c in visit.calls]


def test_the_county_visit_replayed_on_the_real_app_draws_both_figures(demo_store):
    from app import create_app

    add_test_accounts(demo_store)
    app = create_app(demo_store, secret=TEST_SECRET)
    client = logged_in_client(app, "leader")
    deps = client.get("/_dash-dependencies").get_json()
    frame = client.get("/_dash-layout").get_json()
    path, search, marker = harness.page_urls()["county"]
    router = harness.find_router(deps)
    answer = client.post(harness.CALLBACK_PATH, json=harness.router_payload(router, path, search))
    assert answer.status_code == 200 and marker in answer.get_data(as_text=True)
    visit = harness.page_visit(deps, frame, answer.get_json(), "county", path, search)
    labels = [c.label for c in visit.calls]
    assert {"county-waterfall.figure", "county-series.figure"} <= set(labels)
    for call in visit.calls[1:]:
        r = client.post(harness.CALLBACK_PATH, json=call.body)
        assert r.status_code == 200, (call.label, r.get_data(as_text=True)[:300])
        if call.label.endswith(".figure"):
            assert r.get_json()["response"][call.label.split(".")[0]]["figure"]["data"], call.label


def _sample(ms, status=200, error=""):
    return load.Sample(0.0, ms, status, "router", "county", error)


def test_summary_counts_http_failures_apart_from_load_errors():
    samples = [_sample(float(i)) for i in range(1, 101)] + [_sample(5.0, 500, "boom"), _sample(None, None, "timeout")]
    s = load.summarize(samples, 10.0)
    assert s["requests"] == 102 and s["rps"] == pytest.approx(10.0)
    assert s["p50"] == pytest.approx(50.5) and s["max"] == 100.0
    assert s["errors"] == {"HTTP 500": 1, "timeout": 1} and s["http_errors"] == 1 and s["load_errors"] == 1


def test_goals_are_judged_where_the_issue_sets_them():
    s = {"p95": 900.0, "errors": {}}
    assert load.goal_for("embedded", 10, s, 100.0).endswith("met")
    assert load.goal_for("server", 50, s, 100.0).endswith("MISSED")  # ×9 its 1-user p95
    assert load.goal_for("server", 50, s, 400.0).endswith("met")
    assert load.goal_for("server", 50, {"p95": 500.0, "errors": {"HTTP 500": 1}}, 400.0).endswith("MISSED")
    assert load.goal_for("server", 10, s, 100.0) == ""


def test_the_load_table_gives_the_ratio_to_the_one_user_run():
    one = load.Phase("1 users", 1, 10.0, [_sample(100.0)] * 20)
    many = load.Phase("10 users", 10, 10.0, [_sample(300.0)] * 20 + [_sample(None, None, "timeout > 120 s")])
    lines = load.table({"mode": "embedded", "phases": [one, many], "commit": None, "timeouts": 0})
    row = next(line for line in lines if line.startswith("10 users"))
    assert "×3.0" in row and "timeout > 120 s ×1" in row and "p95 ≤ 1 s: met" in row


def test_users_option():
    assert load.parse_users("1,10, 50") == [1, 10, 50]
    with pytest.raises(argparse.ArgumentTypeError):
        load.parse_users("0")


def test_browser_table_ratio_and_goal():
    res = [{"scale": "province", "pages": {
        "county": {"url": "/county/621226", "warm": [100.0, 120.0, 110.0], "warm_median": 110.0, "after": 330.0},
        "brief": {"url": "/brief", "warm": [50.0], "warm_median": 50.0, "after": 60.0}}, "capture": {}}]
    lines = browser.report_lines(res, 3)
    county = next(line for line in lines if " county " in line)
    assert "(100–120)" in county and "3.0×" in county and "MISSED" in county
    assert next(line for line in lines if " brief " in line).endswith("met")


def test_capture_comparison_names_what_differs():
    visit = harness.page_visit(DEPS, FRAME, ROUTER_ANSWER, "county", "/county/621226", "")
    posted = [c.body for c in visit.calls[:2]]
    c = browser.compare(visit, posted)
    assert c["same"] == 2 and c["only_replayed"] == ["fig"] and c["only_browser"] == []


def test_an_upload_killed_by_gunicorns_timeout_is_a_load_failure_not_an_app_error():
    page = "<html><head><title>Internal Server Error</title></head></html>"
    commit = {"phase": load.Phase("during commit", 1, 1.0, [_sample(10.0)]), "timeouts": 1, "written": False,
              "upload": {"preview": {"ms": 900.0, "status": 200, "error": ""},
                         "commit": {"ms": 30100.0, "status": 500, "error": page}}}
    result = {"mode": "server", "phases": [], "commit": commit, "timeouts": 1}
    assert load.http_failures([result]) == []
    assert any("killed by gunicorn's timeout" in line and "NOT among the committed" in line for line in load.table(result))
    commit["upload"]["commit"]["error"] = '{"error": "服务器内部错误（编号 2a307f4e）"}'  # the app caught the abort
    assert load.http_failures([result]) == []
    commit["timeouts"] = 0  # the same 500 without a killed worker is the app's
    assert len(load.http_failures([result])) == 1
    commit["timeouts"], commit["upload"]["commit"]["ms"] = 1, 2000.0  # a quick 500 is the app's too
    assert len(load.http_failures([result])) == 1


def test_the_commit_report_names_the_slowest_requests_and_when_they_started():
    """Which pages the first leaders after an upload wait for: the slowest requests of the commit phase, each
    timed from the commit's answer (here at t = 10 s + 2 s)."""
    samples = [load.Sample(11.5, 90.0, 200, "router", "cockpit"), load.Sample(12.5, 3100.0, 200, "router", "brief"),
               load.Sample(13.0, 5000.0, 500, "router", "county", "boom")]
    commit = {"phase": load.Phase("during commit", 1, 5.0, samples), "timeouts": 0, "written": True,
              "upload": {"preview": {"ms": 900.0, "status": 200, "error": "", "at": 8.0},
                         "commit": {"ms": 2000.0, "status": 200, "error": "", "at": 10.0}}}
    assert load.commit_slowest(commit) == ["brief:router 3100 ms at +0.5 s", "cockpit:router 90 ms at -0.5 s"]
    lines = load.table({"mode": "embedded", "phases": [], "commit": commit, "timeouts": 0})
    assert any(line.startswith("  slowest during the commit") and "brief:router 3100 ms" in line for line in lines)
