"""Every grid exports what is displayed: its visible columns and headers, Excel number formats taken from the
screen's d3 formats, links as text, formulas as text; and the export callback is audited."""

import base64
import io
import json

import openpyxl
from ui_helpers import TEST_SECRET, add_test_accounts, logged_in_client

from app import create_app
from layouts import grid_export, ids
from loaders import audit

DEFS = [
    {"field": "name", "headerName": "地区", "width": 120},
    {"headerName": "增速", "children": [
        {"field": "growth", "headerName": "增速(%)", "valueFormatter": {"function": "d3.format('.1f')(params.value)"}},
        {"field": "gap", "headerName": "差距", "valueFormatter": {"function": "d3.format('+.2f')(params.value)"}},
    ]},
    {"field": "trend", "headerName": "走势", "cellRenderer": "Sparkline"},
    {"field": "secret", "hide": True},
]
ROWS = [{"name": "[武都区](/county/621202)", "growth": 6.91, "gap": -1.234, "trend": [1, 2], "secret": "x"},
        {"name": "=HYPERLINK(\"http://x\")", "growth": None, "gap": 0.5, "trend": [], "secret": "y"}]


def test_columns_follow_the_screen():
    cols = grid_export.columns_of(DEFS)
    assert [(c.field, c.header, c.number_format) for c in cols] == [
        ("name", "地区", "General"), ("growth", "增速(%)", "0.0"), ("gap", "差距", "+0.00;-0.00;0.00")]
    frame = grid_export.frame_of(ROWS, cols)
    assert list(frame["name"]) == ["武都区", "=HYPERLINK(\"http://x\")"] and list(frame.columns) == ["name", "growth", "gap"]


def test_export_callback_returns_a_formula_safe_workbook_and_is_audited(demo_store):
    add_test_accounts(demo_store)
    app = create_app(demo_store, secret=TEST_SECRET)
    c = logged_in_client(app, "leader")
    grid = ids.COUNTY_GRID
    body = {"output": f"{grid}-download.data", "outputs": {"id": f"{grid}-download", "property": "data"},
            "inputs": [{"id": f"{grid}-xlsx", "property": "n_clicks", "value": 1},
                       {"id": f"{grid}-csv", "property": "n_clicks", "value": None}],
            "state": [{"id": grid, "property": "virtualRowData", "value": ROWS},
                      {"id": grid, "property": "columnDefs", "value": DEFS},
                      {"id": ids.LOCATION, "property": "search", "value": "?period=2026Q3"}],
            "changedPropIds": [f"{grid}-xlsx.n_clicks"]}
    r = c.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 200
    sent = r.get_json()["response"][f"{grid}-download"]["data"]
    state = demo_store.data_state()  # the export says the data state it was made at, in its name and title
    assert sent["filename"] == f"县区指标_2026Q3_{state}.xlsx"
    ws = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sent["content"]))).active
    assert ws["A1"].value == f"县区指标 2026年三季度（数据状态 {state}）"
    assert [ws.cell(2, j).value for j in (1, 2, 3)] == ["地区", "增速(%)", "差距"]
    assert ws["A3"].value == "武都区" and ws["B3"].value == 6.91 and ws["B3"].number_format == "0.0"
    assert ws["A4"].value == '=HYPERLINK("http://x")' and ws["A4"].data_type == "s"  # text, not a formula
    assert ws.freeze_panes == "A3"
    last = audit.entries(demo_store, action="export", limit=1).iloc[0]
    assert (last["user_name"], last["target"]) == ("leader", f"县区指标_2026Q3_{state}")
