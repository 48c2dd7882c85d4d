"""Statistics are confidential until released: after the bureau loads 1–11月 (before its 统计关库) with a canary
value, every callback of the app, walked as a viewer and as a county-scoped viewer with period-, quarter-,
scope- and county-shaped guesses, never returns it (figures' binary arrays decoded, downloaded files opened);
the bureau itself does see it."""

import base64
import io
import json
import re

import numpy as np
import openpyxl
import pytest
from ui_helpers import TEST_SECRET, add_test_accounts, logged_in_client

from app import create_app
from layouts import access
from loaders import audit, clock, demo
from loaders.ingest import ingest
from loaders.store import Store

DAY = "2026-12-03"  # 1–11月 has ended, its closing date (5 December) has not passed
CANARY = 9876543.2  # 礼县's 1–11月 retail sales, 万元: ten times any county's, so every rendering of it is unique
CANARY_TEXT = re.compile(r"9,?876,?543|987\.65|98\.77 bn")
PATHS = ("/", "/rankings", "/county/621226", "/indicator/RETAIL", "/targets", "/method", "/data")
SEARCHES = ("?period=2026-11", "?period=2026Q4", "?period=2026-11&scope=city%3A621200",
            "?period=2026-11&scope=prefectures", "?period=2026-11&lang=en")
STATE = {"county": "621226", "quarter": "2026Q4", "month": "2026-11", "period": "2026-11", "code": "RETAIL",
         "scope": "city:621200", "lang": "zh"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(clock.ENV, DAY)
        store = Store(f"duckdb:///{tmp_path_factory.mktemp('release') / 'demo.duckdb'}")
        demo.load(store)
        text = ("region_code,region_name,period,indicator,measure,value,unit,note\n"
                f"621226,礼县,2026-11,RETAIL,cum_level,{CANARY},万元,\n621226,礼县,2026-11,RETAIL,cum_yoy,5.1,%,\n")
        assert ingest(text.encode(), store, name="1-11月.csv", user="bureau").status == "committed"
        add_test_accounts(store)
        yield create_app(store, secret=TEST_SECRET), store
        store.dispose()


@pytest.fixture(autouse=True)
def on_the_day(monkeypatch):
    monkeypatch.setenv(clock.ENV, DAY)


def leaks(value) -> bool:
    """Whether the canary is anywhere in a callback's answer: text, numbers, plotly's binary arrays, files."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            return bool(np.isclose(arr.astype(float), CANARY, rtol=0, atol=0.5).any())
        if value.get("base64") and "content" in value:
            return file_leaks(base64.b64decode(value["content"]), value.get("filename", ""))
        return any(leaks(v) for v in value.values())
    if isinstance(value, list):
        return any(leaks(v) for v in value)
    if isinstance(value, str):
        return bool(CANARY_TEXT.search(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return abs(value - CANARY) < 0.5 or abs(value - CANARY / 10_000) < 0.01
    return False


def file_leaks(content: bytes, name: str) -> bool:
    if name.endswith(".xlsx"):
        wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return any(leaks(cell) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for cell in row
                   if cell is not None)
    return bool(CANARY_TEXT.search(content.decode("utf-8-sig", errors="replace")))


def guess(dep_id: str, prop: str, search: str, path: str):
    if dep_id == access.LOCATION_ID:
        return {"pathname": path, "search": search, "href": f"http://localhost{path}{search}"}.get(prop)
    if prop == "data":
        return STATE
    if prop == "n_clicks":
        return 1
    if prop == "value":
        return "2026-11" if "period" in dep_id else ("RETAIL" if "indicator" in dep_id or "select" in dep_id else "2026-11")
    if prop == "clickData":
        return {"points": [{"customdata": "621226"}]}
    if prop == "search":
        return search
    return None


def requests_for(dep: dict):
    """Every payload the walk sends to one callback: the router over page × period guesses, the others over the
    period guesses."""
    paths = PATHS if dep["output"] == access.ROUTER_OUTPUT else ("/county/621226",)
    for path in paths:
        for search in SEARCHES:
            def items(group, search=search, path=path):
                return [{"id": i["id"], "property": i["property"], "value": guess(i["id"], i["property"], search, path)}
                        for i in dep.get(group, [])]
            inputs = items("inputs")
            outputs = [{"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]}
                       for o in dep["output"].strip(".").split("...")]
            yield {"output": dep["output"], "outputs": outputs if dep["output"].startswith("..") else outputs[0],
                   "inputs": inputs, "state": items("state"),
                   "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"] if inputs else []}


def walk(app, name: str) -> tuple[int, list[str]]:
    """(requests answered 200, outputs whose answer held the canary) for every callback as one account."""
    client = logged_in_client(app, name)
    deps = client.get("/_dash-dependencies").get_json()
    ok, leaked = 0, []
    for dep in deps:
        if dep.get("clientside_function") or any(isinstance(i["id"], dict) for i in dep.get("inputs", [])):
            continue  # clientside callbacks never reach the server; the app has no pattern-matching ones
        for body in requests_for(dep):
            r = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
            if r.status_code == 200:
                ok += 1
                if leaks(r.get_json()):
                    leaked.append(f"{dep['output']} {body['inputs'][:2]}")
    return ok, leaked


@pytest.mark.parametrize("account", ["leader", "lixian"])
def test_an_unreleased_month_never_reaches_a_viewer(app, account):
    web, store = app
    ok, leaked = walk(web, account)
    assert ok > 50 and leaked == []
    refused = audit.entries(store, action="refused", user=account)
    assert refused["detail"].str.contains("期间 2026-11 尚未发布（统计关库 2026-12-05）").any()


def test_the_bureau_sees_the_month_before_it_is_released(app):
    """The same walk as the bureau finds the canary: the check above can fail."""
    web, _ = app
    _, leaked = walk(web, "bureau")
    assert any("_pages_content" in out for out in leaked)
