"""指标 (indicator page): one indicator across the comparison set as plain functions on the demo province, then the
page in real chromium: open /indicator/FAI from a URL, switch indicator, laptop and phone width."""

import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from ui_helpers import PHONE_FITS, login_as

from indicators import pipeline, reading
from layouts import data, ids
from layouts import indicator_view as view
from layouts.figures import BOTTOM_COLOUR
from loaders import catalogue
from loaders import regions as regions_mod

OUTPUT = Path(__file__).resolve().parent / "output"
LONGNAN = "city:621200"
CAT = catalogue.default()
REGIONS = regions_mod.default()
UNITS = pipeline.units(LONGNAN)
NAMES = {u: REGIONS[u].name for u in UNITS}
PERIOD = "2026-09"


@pytest.fixture
def fai(demo_store):
    data.use_store(demo_store)
    obs = reading.indicator_obs(data.snap(), "FAI", 2026)
    return obs, view.values_at(obs, CAT["FAI"], PERIOD, UNITS, NAMES)


def test_values_and_ranks_are_the_stores_growth_best_first(fai, demo_store):
    obs, frame = fai
    stored = demo_store.observations(periods=[PERIOD], regions=UNITS, indicators=["FAI"], measures=["cum_yoy"])
    assert frame["growth"].to_dict() == stored.set_index("region_code")["value"].to_dict()
    assert frame["value"].equals(frame["growth"]) and frame["level"].isna().all()  # FAI publishes growth only
    best = frame["growth"].idxmax()
    assert frame.loc[best, "rank"] == 1 and frame.loc[frame["growth"].idxmin(), "rank"] == len(UNITS)
    ranked = frame.sort_values("rank")
    assert view.default_selection(frame) == [ranked.index[0], ranked.index[-1], ranked.index[4]]


def test_median_is_over_the_provinces_counties(fai, demo_store):
    obs, _ = fai
    province = demo_store.observations(periods=[PERIOD], regions=pipeline.units("province"), indicators=["FAI"],
                                       measures=["cum_yoy"])
    assert view.median_of(obs, CAT["FAI"], PERIOD, pipeline.units("province")) == pytest.approx(
        province["value"].median())


def test_level_and_derived_indicators(demo_store):
    data.use_store(demo_store)
    gpbr = view.values_at(reading.indicator_obs(data.snap(), "GPBR", 2026), CAT["GPBR"], PERIOD, UNITS, NAMES)
    assert gpbr["level"].notna().all() and gpbr["value"].equals(gpbr["growth"])  # ranked on growth, level shown
    margin = view.values_at(reading.indicator_obs(data.snap(), "IND_MARGIN", 2026), CAT["IND_MARGIN"], PERIOD, UNITS, NAMES)
    assert view.main_measure(CAT["IND_MARGIN"]) == "ratio" and margin["value"].notna().all()
    assert margin["value"].between(-50, 50).all()  # a margin in %, Σprofit / Σrevenue
    sishang = view.values_at(reading.indicator_obs(data.snap(), "NEW_SISHANG", 2026), CAT["NEW_SISHANG"], PERIOD, UNITS, NAMES)
    assert view.main_measure(CAT["NEW_SISHANG"]) == "cum_level" and sishang["rank"].notna().any()


def test_target_line_only_when_every_county_shares_the_growth_target(demo_store):
    data.use_store(demo_store)
    assert view.common_target(reading.indicator_targets(data.snap(), "URB_INC", 2026), CAT["URB_INC"], UNITS) == 5.5
    assert view.common_target(reading.indicator_targets(data.snap(), "FAI", 2026), CAT["FAI"], UNITS) is None  # 3 % … 12 %
    assert view.common_target(reading.indicator_targets(data.snap(), "NEW_SISHANG", 2026), CAT["NEW_SISHANG"], UNITS) is None


def test_ranked_bar_best_at_top_negative_in_red_with_median_and_target(fai):
    _, frame = fai
    fig = view.ranked_bar(frame, CAT["FAI"], 5.2, 6.0)
    ranked = frame.sort_values("rank")
    assert list(fig.data[0].y) == [NAMES[c] for c in ranked.index]
    colours = dict(zip(fig.data[0].y, fig.data[0].marker.color, strict=True))
    for code, r in frame.iterrows():
        assert (colours[NAMES[code]] == BOTTOM_COLOUR) is (r["growth"] < 0)
    assert [s.x0 for s in fig.layout.shapes] == [5.2, 6.0]
    labels = [a.text for a in fig.layout.annotations]
    assert labels == ["全省中位数 5.2", "目标 6.0"]
    assert len(view.ranked_bar(frame, CAT["FAI"], 5.2, None).layout.shapes) == 1



def test_a_national_ranked_bar_is_drawn_dense_with_names_and_codes_on_hover():
    """3,000 bars named one by one would be 50,000 px of labels: the page took 7 s to draw (bench/browser.py)."""
    from layouts.figures import DENSE_HEIGHT, NAMED_ROWS_MAX

    n = NAMED_ROWS_MAX + 50
    frame = pd.DataFrame({"region_name": ["城关区" if i % 2 else f"县{i}" for i in range(n)],
                          "value": [10.0 - i / 10 for i in range(n)], "rank": range(1, n + 1)},
                         index=[f"{620000 + i}" for i in range(n)])
    fig = view.ranked_bar(frame, CAT["FAI"], 5.2, None)
    assert fig.layout.height == DENSE_HEIGHT and fig.layout.yaxis.showticklabels is False
    assert len(set(fig.data[0].y)) == n and fig.data[0].y[1] == "城关区（620001）"  # one bar per unit
    assert "%{y}" in fig.data[0].hovertemplate

def test_histogram_and_series(fai):
    obs, frame = fai
    hist = view.histogram(frame, CAT["FAI"], 5.2)
    assert sorted(hist.data[0].x) == sorted(frame["value"].dropna())
    picked = view.default_selection(frame)
    fig = view.series_figure(obs, CAT["FAI"], picked, NAMES, PERIOD)
    assert [tr.name for tr in fig.data] == [NAMES[c] for c in picked]
    x = list(fig.data[0].x)
    assert x[0] == "2025-02-01" and x[-1] == "2026-09-01" and None in x  # two years, broken at the new year
    assert x.index(None) == x.index("2025-12-01") + 1
    assert len(view.series_figure(obs, CAT["FAI"], UNITS, NAMES, PERIOD).data) == view.MAX_SERIES


def test_grid_rows_link_to_the_county_page(fai):
    _, frame = fai
    rows = view.grid_rows(frame, {u: "陇南市" for u in UNITS}, "?scope=city%3A621200")
    assert [r["rank"] for r in rows] == list(range(1, 10))
    assert rows[0]["region"] == f"[{NAMES[rows[0]['region_code']]}](/county/{rows[0]['region_code']}?scope=city%3A621200)"
    heads = [c["headerName"] for c in view.grid_columns(CAT["GPBR"])]
    assert heads == ["名次", "地区", "所属市州", "累计值（万元）", "累计增速（%）"]


@pytest.mark.parametrize("code, expected", [("FAI", "FAI"), ("retail", "RETAIL"), ("NOPE", "FAI"), (None, "FAI")])
def test_the_code_in_the_url_picks_the_indicator(code, expected):
    assert view.indicator_of(code, CAT).code == expected


@pytest.mark.browser
def test_indicator_page_in_chromium(dash_duo, demo_store):
    """Open /indicator/FAI for Longnan from a URL, see the charts and the table, switch to retail sales."""
    login_as(dash_duo, demo_store)
    dash_duo.driver.set_window_size(1440, 2000)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/indicator/FAI?period=2026Q3&scope={LONGNAN}", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.IND_TITLE}", "固定资产投资", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.IND_GRID}", "武都区", timeout=20)
    for graph in (ids.IND_BAR, ids.IND_HIST):
        dash_duo.wait_for_element(f"#{graph} .barlayer", timeout=20)
    dash_duo.wait_for_element(f"#{ids.IND_SERIES} .scatterlayer", timeout=20)
    assert "全省中位数" in dash_duo.find_element(f"#{ids.IND_BAR}").text
    OUTPUT.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(OUTPUT / "indicator_fai_longnan_1440.png"))
    dash_duo.driver.set_window_size(390, 2800)
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.execute_script(PHONE_FITS))
    WebDriverWait(dash_duo.driver, 10).until(  # the header still names the comparison set
        lambda d: d.execute_script(f"return document.getElementById('{ids.SCOPE}').value") == "陇南市")
    dash_duo.driver.save_screenshot(str(OUTPUT / "indicator_fai_longnan_390.png"))
    dash_duo.driver.set_window_size(1440, 2000)
    dash_duo.find_element(f"#{ids.IND_SELECT}").click()
    dash_duo.driver.find_element(By.XPATH, "//*[@role='option'][normalize-space()='社会消费品零售总额']").click()
    dash_duo.wait_for_contains_text(f"#{ids.IND_TITLE}", "社会消费品零售总额", timeout=20)
    url = dash_duo.driver.current_url
    assert "/indicator/RETAIL" in url and "scope=city" in url  # the view stays in the URL
    dash_duo.wait_for_contains_text(f"#{ids.IND_GRID}", "累计值（万元）", timeout=20)
    dash_duo.driver.get(f"{dash_duo.server_url}/indicator?scope={LONGNAN}&lang=en")  # the nav link: no code
    dash_duo.wait_for_contains_text(f"#{ids.IND_TITLE}", "Fixed-asset investment", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.IND_GRID}", "Rank", timeout=20)
    assert [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"] == []


ROW_COUNT = "return document.querySelectorAll('#{grid} .ag-center-cols-container .ag-row').length"


@pytest.mark.browser
def test_indicator_page_prints_every_row_without_navigation(dash_duo, demo_store):
    """86 counties scroll inside the grid on screen; on paper (Chrome's own print, as Ctrl+P) all 86 rows appear,
    the controls do not, and the period and data version stay in the header."""
    import base64
    import time

    login_as(dash_duo, demo_store)
    driver = dash_duo.driver
    driver.set_window_size(1440, 1000)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/indicator/FAI?period=2026Q3", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.IND_GRID}", "所属市州", timeout=30)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script(ROW_COUNT.format(grid=ids.IND_GRID)) == 86)
    scrolls = "const v = document.querySelector('#' + arguments[0] + ' .ag-body-viewport'); " \
              "return v.scrollHeight > v.clientHeight + 100"
    assert driver.execute_script(scrolls, ids.IND_GRID)  # on screen the rows scroll inside the grid
    driver.execute_script("window.monitorPreparePrint()")  # what beforeprint runs (the 打印 button, Ctrl+P)
    time.sleep(0.5)
    right = "const g = document.getElementById(arguments[0]).getBoundingClientRect(); return Math.max(...Array.from(" \
            "document.querySelectorAll('#' + arguments[0] + ' .ag-header-cell')).map(c => c.getBoundingClientRect().right))" \
            " <= g.right + 1"
    assert driver.execute_script(right, ids.IND_GRID)  # the last column ends inside the grid: nothing cut
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not any(dash_duo.find_element(f"#{i}").is_displayed() for i in (ids.NAV, ids.PERIOD, ids.PRINT))
    assert "数据状态" in dash_duo.find_element(f"#{ids.VINTAGE}").text
    assert "2026年1-9月" in dash_duo.find_element(f"#{ids.IND_TITLE}").text
    OUTPUT.mkdir(exist_ok=True)
    driver.save_screenshot(str(OUTPUT / "indicator_fai_print_media.png"))
    driver.execute_script("window.monitorRestorePrint()")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {
        "landscape": True, "paperWidth": 11.69, "paperHeight": 8.27, "preferCSSPageSize": True})["data"])
    (OUTPUT / "indicator_fai_print.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 3
    import subprocess
    text = subprocess.run(["pdftotext", "-layout", str(OUTPUT / "indicator_fai_print.pdf"), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    names = [r["region"] for r in driver.execute_script(
        "return window.dash_ag_grid.getApi(arguments[0]).getGridOption('rowData')", ids.IND_GRID)]
    assert len(names) == 86
    rows = {m[1] for line in text.splitlines() if (m := re.match(r"^\s*\d+\s+(\S+)\s+\S+[市州]\s", line))}
    assert rows == {re.sub(r"^\[(.*)\]\(.*\)$", r"\1", str(n)) for n in names}  # every row: rank, county, city


def test_tile_map_colours_better_green_whatever_the_direction(fai):
    frame = fai[1]
    heat = view.tile_map_figure(frame, CAT["FAI"], LONGNAN, "t").data[0]
    texts = [x for row in heat.text for x in row if x]
    assert len(texts) == 9 and any("两当" in x and "第1名" in x for x in texts)
    flipped = view.tile_map_figure(frame, dataclasses.replace(CAT["FAI"], direction=-1), LONGNAN, "t")
    assert [c for _, c in flipped.data[0].colorscale] == [c for _, c in reversed(heat.colorscale)]
