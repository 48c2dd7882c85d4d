"""The app frame and pages as plain functions, then the flows a person clicks in real chromium."""

import datetime as dt
import time
from pathlib import Path

import pandas as pd
import pytest
from selenium.webdriver.common.by import By
from ui_helpers import login_as

from conftest import FILES
from indicators import reading
from layouts import data, figures, ids, shell, status
from layouts import ranking_table as rankings
from layouts.i18n import fmt_change, period_label
from loaders import catalogue
from loaders.ingest import ingest

OUTPUT = Path(__file__).resolve().parent / "output"
LONGNAN = "city:621200"



def test_coverage_counts_counties_reporting_the_latest_period(duck):
    ingest(FILES / "good_long.csv", duck, today=dt.date(2026, 11, 23))
    table = status.coverage(duck.observations(), catalogue.default(), 86)
    retail = table[table["指标"] == "社会消费品零售总额"].iloc[0]
    assert (retail["最新期"], retail["报送县区"]) == ("2026年1-8月", 2)  # 武都, 成县; 全市 is not a county
    iva = table[table["指标"] == "规模以上工业增加值"].iloc[0]
    assert (iva["最新期"], iva["报送县区"]) == ("—", 0)  # only the city row has IVA


@pytest.mark.parametrize("simulated", [True, False])
def test_header_marks_simulated_data_only_when_it_is(duck, simulated):
    ingest(FILES / "good_long.csv", duck, simulated=simulated, today=dt.date(2026, 11, 23))
    data.use_store(duck)
    badge = next(c for c in shell.header().children[0].children[0].children if getattr(c, "id", "") == "hdr-simulated")
    assert (badge.style == {}) is simulated


def test_url_state_round_trips():
    st = {"period": "2026Q3", "scope": LONGNAN, "lang": "en"}
    assert shell.state_from_search(shell.search_from_state(st)) == st
    assert shell.state_from_search("") == {"period": None, "scope": None, "lang": None}


def test_labels():
    assert fmt_change(3) == "↑3" and fmt_change(-2) == "↓2" and fmt_change(0) == "—"
    assert period_label("2026Q3") == "2026年三季度" and period_label("2026-10") == "2026年1-10月"
    assert period_label("2026-10", "en") == "Jan–Oct 2026"


def test_ranking_rows_and_chart(demo_store):
    data.use_store(demo_store)
    card = reading.scorecard(data.snap(), "2026Q3", LONGNAN)
    got = rankings.rows(card.table, reading.history(data.snap(), "2026Q3", LONGNAN), "?scope=city%3A621200", "zh")
    assert [r["rank"] for r in got] == list(range(1, 10))
    assert got[0]["region"].startswith("[") and "/county/" in got[0]["region"]
    assert len(got[0]["trend"]) == 8  # 2024Q4 … 2026Q3 (schemes 2024–2026)
    fig = figures.rank_intervals(card.table)
    assert list(fig.data[1].y) == list(card.table.sort_values("rank")["region_name"])
    assert fig.layout.yaxis.showticklabels and fig.layout.height == max(320, 18 * 9 + 80)  # every county named


def test_a_national_ranking_chart_is_drawn_dense_with_names_on_hover():
    """3,000 units: one row each would be 55,000 px of labels (seconds of drawing in the browser)."""
    n = figures.NAMED_ROWS_MAX + 50
    table = pd.DataFrame({"region_name": ["城关区" if i % 2 else f"县{i}" for i in range(n)], "rank": range(1, n + 1),
                          "score": [100.0 - i / 10 for i in range(n)]}, index=[f"{620000 + i}" for i in range(n)])
    fig = figures.rank_intervals(table)
    assert fig.layout.height == figures.DENSE_HEIGHT and fig.layout.yaxis.showticklabels is False
    assert len(set(fig.data[0].y)) == n and "%{y}" in fig.data[0].hovertemplate  # 城关区 ×150: a row each
    assert fig.data[0].y[1] == "城关区（620001）"


@pytest.mark.browser
def test_rankings_flow_in_chromium(dash_duo, demo_store):
    """Open the ranking for Longnan, switch to English, and open a copied URL."""
    login_as(dash_duo, demo_store)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/rankings?scope={LONGNAN}", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.RANK_GRID}", "两当县", timeout=30)
    assert "模拟数据" in dash_duo.find_element("header").text
    OUTPUT.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(OUTPUT / "rankings_longnan_zh.png"))
    dash_duo.driver.find_element(By.XPATH, f"//*[@id='{ids.LANG}']//label[normalize-space()='EN']").click()
    dash_duo.wait_for_contains_text(f"#{ids.TITLE}", "County Economic Monitoring Dashboard", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.RANK_GRID}", "Score within the city", timeout=20)
    url = dash_duo.driver.current_url
    assert "lang=en" in url and "scope=city" in url
    dash_duo.driver.save_screenshot(str(OUTPUT / "rankings_longnan_en.png"))
    dash_duo.driver.get(url)  # a copied link opens the same view
    dash_duo.wait_for_contains_text(f"#{ids.RANK_GRID}", "Score within the city", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.RANK_GRID}", "两当县", timeout=30)
    assert [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"] == []


def test_ranking_export_matches_the_grid(demo_store):
    import io

    import openpyxl

    from layouts.export import to_xlsx

    data.use_store(demo_store)
    card = reading.scorecard(data.snap(), "2026Q3", LONGNAN)
    frame, cols = rankings.export_table(card.table, card.scheme.pillars, "zh", card.scope)
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame, cols, title="t"))).active
    assert [c.value for c in ws[2]][:4] == ["名次", "地区", "市内得分", "较上季"]  # the score says its set
    names = [ws.cell(row=r, column=2).value for r in range(3, 12)]
    assert names == list(card.table.sort_values("rank")["region_name"])
    province = reading.scorecard(data.snap(), "2026Q3", "province")
    frame, cols = rankings.export_table(province.table, province.scheme.pillars, "zh", "province")
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame, cols, title="t"))).active
    assert [c.value for c in ws[2]][:4] == ["名次", "地区", "所属市州", "全省得分"]
    lixian = next(r for r in range(3, 89) if ws.cell(row=r, column=2).value == "礼县")
    assert ws.cell(row=lixian, column=3).value == "陇南市"


def test_ranking_rows_survive_unranked_units(demo_store):
    """A county without enough data has no rank and no rank change (<NA>): it is listed last, not a crash."""
    data.use_store(demo_store)
    card = reading.scorecard(data.snap(), "2026Q3", LONGNAN)
    table = card.table.copy()
    table.loc["621228", ["score", "rank", "rank_change", "rank_p05", "rank_p95"]] = pd.NA
    got = rankings.rows(table, {}, "", "zh")
    assert got[-1]["region_code"] == "621228" and got[-1]["rank"] is None and got[-1]["change"] == "—"



def _rank_cells(driver) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(\"#g .ag-cell[col-id='rank']\")).sort((a, b) =>"
        " a.getBoundingClientRect().top - b.getBoundingClientRect().top).map(e => e.innerText.trim())")


@pytest.mark.browser
def test_units_without_a_rank_stay_last_whichever_way_the_grid_is_sorted(dash_duo, demo_store):
    """The grid sorts by 名次 itself, and AG Grid's own order puts empty ranks first: the national ranking opened
    on 198 units without data. The page's columns and assets, in chromium."""
    import dash_ag_grid as dag
    from dash import Dash

    data.use_store(demo_store)
    card = reading.scorecard(data.snap(), "2026Q3", LONGNAN)
    table = card.table.copy()
    table.loc["621228", ["score", "rank", "rank_change", "rank_p05", "rank_p95"]] = pd.NA
    app = Dash(__name__, assets_folder=str(Path(__file__).resolve().parents[1] / "assets"))
    app.layout = dag.AgGrid(id="g", rowData=rankings.rows(table, {}, "", "zh"),
                            columnDefs=rankings.column_defs(table, card.scheme.pillars, "zh", 8, LONGNAN),
                            dashGridOptions={"domLayout": "autoHeight", "animateRows": False})
    dash_duo.start_server(app)
    dash_duo.wait_for_contains_text("#g", "两当县", timeout=30)
    assert _rank_cells(dash_duo.driver) == [*map(str, range(1, 9)), ""]
    dash_duo.find_element("#g .ag-header-cell[col-id='rank'] .ag-header-cell-label").click()  # → descending
    deadline = time.time() + 10
    while _rank_cells(dash_duo.driver)[0] != "8" and time.time() < deadline:
        time.sleep(0.2)
    assert _rank_cells(dash_duo.driver) == [*map(str, range(8, 0, -1)), ""]

def test_grids_speak_the_page_language():
    from layouts.i18n import grid_text

    zh = grid_text("zh")["localeText"]
    assert zh["noRowsToShow"] == "无显示行" or "无" in zh["noRowsToShow"]
    assert {"page", "of", "contains", "equals", "applyFilter"} <= zh.keys() and grid_text("en") == {}


def test_a_month_selects_its_indicators_and_the_latest_quarter_for_the_score(demo_store):
    import dash
    from ui_helpers import TEST_SECRET, as_user, component_text

    from app import create_app

    app = create_app(demo_store, secret=TEST_SECRET)
    assert data.resolve("2026Q2") == ("2026Q2", "2026-06")
    assert data.resolve("2026-10") == ("2026Q3", "2026-10")
    assert data.resolve("2026-08") == ("2026Q2", "2026-08")
    assert data.resolve("2099-01") == data.resolve(None) == ("2026Q3", data.default_period())
    assert reading.as_of((3, 6, 9, 12), "2026-10") == "2026-09" and reading.as_of(range(2, 13), "2026-10") == "2026-10"
    groups = shell.period_options("zh")
    assert [g["group"] for g in groups] == ["月度累计（1–N月）", "季度（综合评价）"]
    assert groups[0]["items"][0] == {"value": "2026-10", "label": "2026年1-10月"}
    page = {p["path"]: p["layout"] for p in dash.page_registry.values()}
    with as_user(app, demo_store):
        ranking = component_text(page["/rankings"](period="2026-10", scope="city:621200"))
        cockpit = component_text(page["/"](period="2026-10"))
        gdp = component_text(page["/indicator"](code="GDP", period="2026-10"))
    assert "2026年三季度" in ranking and "所选 2026年1-10月 对应最近一个已关库季度 2026年三季度" in ranking
    assert "总览 · 陇南市 · 2026年1-10月（综合得分为2026年三季度）" in cockpit and "地区生产总值（2026年1-9月）" in cockpit
    assert "地区生产总值 · 全省县区 · 2026年1-9月" in gdp  # a quarterly series at its last quarter end


@pytest.mark.browser
def test_moving_through_the_nav_moves_the_header_with_the_page(dash_duo, demo_store):
    """The nav links keep the query string: the header follows the path as well (it stayed on 排名, with that
    page's data state, after moving to 指标)."""
    login_as(dash_duo, demo_store)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/rankings?period=2026Q3", timeout=30)
    dash_duo.wait_for_text_to_equal(f"#{ids.NAV} a.active", "排名", timeout=30)
    next(a for a in dash_duo.find_elements(f"#{ids.NAV} a") if a.text == "指标").click()
    dash_duo.wait_for_contains_text(f"#{ids.IND_GRID}", "礼县", timeout=30)
    dash_duo.wait_for_text_to_equal(f"#{ids.NAV} a.active", "指标", timeout=30)
