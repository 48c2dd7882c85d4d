"""Every grid exports what is displayed: its visible columns and headers, Excel number formats taken from the
screen's d3 formats, links as text, formulas as text; and the export callback is audited."""

import base64
import io
import json

import openpyxl
import pandas as pd
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


def post_export(client, grid: str, rows, defs, search: str, pathname: str, fmt: str = "xlsx") -> dict:
    """What the browser sends when a grid's export button is clicked; the file the server sends back."""
    body = {"output": f"{grid}-download.data", "outputs": {"id": f"{grid}-download", "property": "data"},
            "inputs": [{"id": f"{grid}-xlsx", "property": "n_clicks", "value": 1 if fmt == "xlsx" else None},
                       {"id": f"{grid}-csv", "property": "n_clicks", "value": 1 if fmt == "csv" else None}],
            "state": [{"id": grid, "property": "virtualRowData", "value": rows},
                      {"id": grid, "property": "columnDefs", "value": defs},
                      {"id": ids.LOCATION, "property": "search", "value": search},
                      {"id": ids.LOCATION, "property": "pathname", "value": pathname}],
            "changedPropIds": [f"{grid}-{fmt}.n_clicks"]}
    r = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()["response"][f"{grid}-download"]["data"]


def test_export_callback_returns_a_formula_safe_workbook_and_is_audited(demo_store):
    add_test_accounts(demo_store)
    app = create_app(demo_store, secret=TEST_SECRET)
    c = logged_in_client(app, "leader")
    sent = post_export(c, ids.COUNTY_GRID, ROWS, DEFS, "?period=2026Q3", "/county/621226")
    state = demo_store.data_state()  # the export says the data state it was made at, in its name and title
    assert sent["filename"] == f"县区指标_礼县_2026年1-9月_{state}_模拟数据.xlsx"
    ws = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sent["content"]))).active
    assert ws["A1"].value == f"县区指标 · 礼县 · 2026年1-9月（数据状态 {state}；模拟数据）"
    assert [ws.cell(2, j).value for j in (1, 2, 3)] == ["地区", "增速(%)", "差距"]
    assert ws["A3"].value == "武都区" and ws["B3"].value == 6.9 and ws["B3"].number_format == "0.0"  # as shown
    assert ws["C3"].value == -1.23
    assert ws["A4"].value == '=HYPERLINK("http://x")' and ws["A4"].data_type == "s"  # text, not a formula
    assert ws.freeze_panes == "A3"
    last = audit.entries(demo_store, action="export", limit=1).iloc[0]
    assert (last["user_name"], last["target"]) == ("leader", f"县区指标_礼县_2026年1-9月_{state}_模拟数据")


def test_gap_export_holds_the_cheapest_combination_as_on_screen(demo_store):
    """The 进位所需 grid's rows as the page builds them, exported: every indicator alone, then the combination."""
    from indicators import reading
    from layouts import county_view, data
    from loaders import catalogue

    add_test_accounts(demo_store)
    app = create_app(demo_store, secret=TEST_SECRET)
    data.use_store(demo_store)
    card = reading.scorecard(data.snap(), "2026Q3", "province")
    rows, combined = county_view.gap_rows(reading.gaps(data.snap(), "2026Q3", "621226", 10), card.scheme,
                                          catalogue.default())
    grid = county_view.gap_grid(rows, "zh", "county-gaps-grid")
    c = logged_in_client(app, "leader")
    sent = post_export(c, grid.id, grid.rowData, grid.columnDefs, "?period=2026Q3&target_rank=10", "/county/621226")
    assert sent["filename"].startswith("进位所需_礼县_前10名_2026年三季度_")
    ws = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sent["content"]))).active
    assert ws["A1"].value.startswith("进位所需 · 礼县 · 前10名 · 2026年三季度（数据状态 ")
    table = [[cell.value for cell in row] for row in ws.iter_rows(min_row=3)]
    assert table[-1][0] == "最省力的组合" and f"最省力的组合：{table[-1][1]}" == combined
    assert isinstance(table[-1][2], int) and table[-1][2] <= 10  # the verified rank, a whole place
    assert len(table) == len(card.scheme.indicators) + 1
    csv = post_export(c, grid.id, grid.rowData, grid.columnDefs, "?period=2026Q3&target_rank=10", "/county/621226",
                      "csv")
    back = pd.read_csv(io.BytesIO(base64.b64decode(csv["content"])), encoding="utf-8-sig")
    assert back.iloc[-1, 0] == "最省力的组合" and sent["filename"][:-5] == csv["filename"][:-4]
    ranks = [line.rsplit(",", 1)[1] for line in base64.b64decode(csv["content"]).decode("utf-8-sig").splitlines()[1:]]
    assert all(r == "" or r.isdigit() for r in ranks) and any(r.isdigit() for r in ranks)  # 10, never 10.0


def test_an_export_of_a_county_the_account_may_not_see_is_refused(demo_store):
    """The export names its page (pathname): a county-scoped account cannot export another county's grid."""
    add_test_accounts(demo_store)
    app = create_app(demo_store, secret=TEST_SECRET)
    c = logged_in_client(app, "lixian")
    grid = ids.COUNTY_GRID
    body = {"output": f"{grid}-download.data", "outputs": {"id": f"{grid}-download", "property": "data"},
            "inputs": [{"id": f"{grid}-xlsx", "property": "n_clicks", "value": 1},
                       {"id": f"{grid}-csv", "property": "n_clicks", "value": None}],
            "state": [{"id": grid, "property": "virtualRowData", "value": ROWS},
                      {"id": grid, "property": "columnDefs", "value": DEFS},
                      {"id": ids.LOCATION, "property": "search", "value": "?period=2026Q3"},
                      {"id": ids.LOCATION, "property": "pathname", "value": "/county/621202"}],
            "changedPropIds": [f"{grid}-xlsx.n_clicks"]}
    r = c.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert r.status_code in (401, 403)
    own = post_export(c, grid, ROWS, DEFS, "?period=2026Q3", "/county/621226")  # its own county: allowed
    assert own["filename"].startswith("县区指标_礼县_")


def test_ranking_export_reads_back_as_numbers_and_says_what_it_is(demo_store):
    """The 排名 export through its callback: the name carries page, scope and quarter; in the CSV the ranks are
    integers and the scores have the two decimals shown; the .xlsx title row says the scheme and the data state."""
    add_test_accounts(demo_store)
    app = create_app(demo_store, secret=TEST_SECRET)
    c = logged_in_client(app, "leader")
    state = demo_store.data_state()
    for scope, subject, n in (("province", "全省县区", 86), ("prefectures", "14个市州", 14)):
        sent = {}
        for fmt, xlsx, csv in (("xlsx", 1, None), ("csv", None, 1)):
            body = {"output": "rank-download.data", "outputs": {"id": "rank-download", "property": "data"},
                    "inputs": [{"id": ids.RANK_EXPORT_XLSX, "property": "n_clicks", "value": xlsx},
                               {"id": ids.RANK_EXPORT_CSV, "property": "n_clicks", "value": csv}],
                    "state": [{"id": ids.LOCATION, "property": "search", "value": f"?period=2026Q3&scope={scope}"}],
                    "changedPropIds": [f"{ids.RANK_EXPORT_XLSX if xlsx else ids.RANK_EXPORT_CSV}.n_clicks"]}
            r = c.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
            assert r.status_code == 200
            sent[fmt] = r.get_json()["response"]["rank-download"]["data"]
        assert sent["csv"]["filename"] == f"排名_{subject}_2026年三季度_{state}_模拟数据.csv"
        raw = base64.b64decode(sent["csv"]["content"])
        back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
        assert str(back["名次"].dtype) == "int64" and len(back) == n  # every unit ranked, whole places
        assert list(back["名次"]) == sorted(back["名次"]) and back["名次"].iloc[0] == 1 and back["名次"].max() <= n
        score = next(col for col in back.columns if col.endswith("得分"))
        assert all(len(f"{v}".split(".")[-1]) <= 2 for v in back[score])
        assert b"1.0," not in raw.split(b"\r\n")[1]
        ws = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sent["xlsx"]["content"]))).active
        assert ws["A1"].value == (f"排名 · {subject} · 2026年三季度（2026年县域高质量发展综合评价；数据状态 {state}；"
                                  "模拟数据）")
        assert ws["A3"].value == 1 and isinstance(ws["A3"].value, int)
        assert ws["D3" if scope == "province" else "C3"].value == round(ws["D3" if scope == "province" else "C3"].value, 2)


def test_indicator_and_scope_grids_name_what_they_hold(demo_store):
    add_test_accounts(demo_store)
    app = create_app(demo_store, secret=TEST_SECRET)
    c = logged_in_client(app, "leader")
    state = demo_store.data_state()
    sent = post_export(c, ids.IND_GRID, ROWS, DEFS, "?period=2026-10&scope=city%3A621200", "/indicator/FAI", "csv")
    assert sent["filename"] == f"指标_固定资产投资_陇南市各县区_2026年1-10月_{state}_模拟数据.csv"
    sent = post_export(c, ids.TARGETS_MIDYEAR_GRID, ROWS, DEFS, "?period=2026Q2&scope=prefectures", "/targets")
    assert sent["filename"] == f"双过半与正增长_14个市州_2026年1-6月_{state}_模拟数据.xlsx"
    ws = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sent["content"]))).active
    assert ws["A1"].value == f"双过半与正增长 · 14个市州 · 2026年1-6月（数据状态 {state}；模拟数据）"
