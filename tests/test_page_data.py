"""数据 page: completeness of the latest period, the 统计关库 countdown, recent uploads and warnings."""

import datetime as dt
from pathlib import Path

import pytest
from selenium.webdriver.support.ui import WebDriverWait
from ui_helpers import PHONE_FITS, login_as

from indicators.pipeline import units
from layouts import ids, status
from loaders import catalogue
from loaders import regions as regions_mod

OUTPUT = Path(__file__).resolve().parent / "output"
LONGNAN = "city:621200"


def _longnan_table(store):
    regions = regions_mod.default()
    codes = units(LONGNAN, regions)
    latest = store.periods()[0]
    inds = status.expected_indicators(catalogue.default(), latest)
    obs = store.observations(periods=[latest], regions=codes)
    return status.completeness(obs, inds, latest, {c: regions.by_code[c].short_name for c in codes}), inds


def test_expected_indicators_follow_catalogue_months_and_skip_derived():
    cat = catalogue.default()
    october = {i.code for i in status.expected_indicators(cat, "2026-10")}
    assert "GDP" not in october and "URB_INC" not in october  # quarterly: due in 3, 6, 9, 12 only
    assert "IND_MARGIN" not in october and "ARREARS_RATE" not in october  # derived
    assert {"RETAIL", "ELEC", "FAI"} <= october
    assert "GDP" in {i.code for i in status.expected_indicators(cat, "2026-09")}
    assert "RETAIL" not in {i.code for i in status.expected_indicators(cat, "2026-01")}  # starts in February


def test_completeness_marks_the_missing_cell_and_counts_it(demo_store):
    table, inds = _longnan_table(demo_store)
    assert len(table) == 9 and table["name"].tolist()[0] == "武都"
    lost = table[table["name"] == "两当"].iloc[0]
    assert lost["ELEC"] == status.MISSING and lost["n_ok"] == len(inds) - 1
    assert (table.loc[table["name"] != "两当", "n_ok"] == len(inds)).all()
    counts = status.indicator_counts(table, inds)
    assert counts["ELEC"] == 8 and counts["RETAIL"] == 9


def test_completeness_grid_highlights_missing_and_pins_counts(demo_store):
    table, inds = _longnan_table(demo_store)
    grid = status.completeness_grid(table, inds, "zh", ids.DATA_COMPLETE_GRID)
    bottom = grid.dashGridOptions["pinnedBottomRowData"][0]
    assert bottom["name"] == "已报" and bottom["ELEC"] == "8/9" and bottom["RETAIL"] == "9/9"
    elec = next(c for c in grid.columnDefs if c["field"] == "ELEC")
    assert elec["headerName"] == "全社会用电量" and "—" in elec["cellClassRules"]["cell-missing"]
    en = status.completeness_grid(table, inds, "en", "x")
    assert en.columnDefs[0]["headerName"] == "Unit"


def test_closing_countdown_moves_on_once_the_latest_period_is_closed():
    none = {}
    # before the default 5 November: 2026-10 still open
    assert status.closing_status("2026-10", none, dt.date(2026, 11, 2)) == [
        {"period": "2026-10", "date": dt.date(2026, 11, 5), "days_left": 3, "closed": False}]
    after = status.closing_status("2026-10", none, dt.date(2026, 11, 23))
    assert [(s["period"], s["closed"], s["days_left"]) for s in after] == [("2026-10", True, -18),
                                                                            ("2026-11", False, 12)]
    moved = {"2026-10": dt.date(2026, 11, 30)}
    assert status.closing_status("2026-10", moved, dt.date(2026, 11, 23))[0]["days_left"] == 7
    on_the_day = status.closing_status("2026-10", none, dt.date(2026, 11, 5))
    assert on_the_day == [{"period": "2026-10", "date": dt.date(2026, 11, 5), "days_left": 0, "closed": False}]
    text = str(status.countdown(after, "zh"))
    assert "已关库" in text and "还剩 12 天" in text and "2026年1-11月" in text


def test_uploads_newest_first_with_counts_status_and_warnings(demo_store):
    uploads = demo_store.uploads()  # the demo's statistics uploads (its ledgers, units and reports come after them)
    uploads = uploads[uploads["kind"].isin(["observations", "targets"])].head(10).reset_index(drop=True)
    rows = status.upload_rows(uploads, "zh")
    assert len(rows) == 10 and rows[0]["id"] > rows[-1]["id"]
    rev = next(r for r in rows if r["file"] == "revisions_2026-09.csv")
    assert (rev["inserted"], rev["revised"], rev["unchanged"], rev["status"]) == (0, 20, 0, "有效")
    assert all(r["simulated"] == "模拟数据" for r in rows)
    assert status.upload_rows(uploads.assign(status="rolled_back", simulated=False), "en")[0]["status"] == "Withdrawn"
    warned = status.latest_with_warnings(uploads)
    assert warned == int(uploads.loc[uploads["warnings"] > 0, "id"].max())
    problems = status.problems_grid(demo_store.upload_problems(warned), "zh", "p")
    assert len(problems.rowData) == uploads.loc[uploads["id"] == warned, "warnings"].iloc[0]
    assert all(r["row_no"] > 0 for r in problems.rowData)
    words = ("超出增速常见范围", "统计关库", "一个月变动")  # every stored warning says what is odd about which key
    assert {k for r in problems.rowData for k in words if k in r["reason"]}
    assert status.latest_with_warnings(uploads.assign(warnings=0)) is None


@pytest.mark.browser
def test_data_page_in_chromium(dash_duo, demo_store):
    """Open /data for Longnan from a URL: the grid of 9 counties with 两当's gap, uploads, warnings; laptop and phone."""
    login_as(dash_duo, demo_store)
    dash_duo.driver.set_window_size(1440, 2000)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/data?scope={LONGNAN}", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.DATA_COMPLETE_GRID}", "两当", timeout=30)
    dash_duo.wait_for_element(f"#{ids.DATA_COMPLETE_GRID} .cell-missing", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.DATA_UPLOADS_GRID}", "清欠台账_2026-10-31.csv", timeout=20)  # the newest uploads are the demo's ledgers
    assert "统计关库" in dash_duo.find_element("main").text  # the countdown
    OUTPUT.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(OUTPUT / "data_longnan_1440.png"))
    dash_duo.driver.set_window_size(390, 2600)
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.execute_script(PHONE_FITS))
    dash_duo.driver.save_screenshot(str(OUTPUT / "data_longnan_390.png"))
    assert [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"] == []
