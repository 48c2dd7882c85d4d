"""目标 (targets page): the gap heatmap, lagging counts and mid-year checks as plain functions on the demo province's
progress table, then the page in real chromium at laptop and phone width."""

from pathlib import Path

import pytest
from selenium.webdriver.support.ui import WebDriverWait
from ui_helpers import PHONE_FITS, login_as

from indicators import pipeline, progress, reading
from layouts import data, ids
from layouts import targets_view as view
from layouts.figures import STATUS_COLOURS
from loaders import catalogue
from loaders import regions as regions_mod

OUTPUT = Path(__file__).resolve().parent / "output"
LONGNAN = "city:621200"
CAT = catalogue.default()
REGIONS = regions_mod.default()
UNITS = pipeline.units(LONGNAN)
NAMES = {u: REGIONS[u].name for u in UNITS}


@pytest.fixture
def june(demo_store):
    data.use_store(demo_store)
    return reading.progress_at(data.snap(), "2026-06", LONGNAN)


@pytest.fixture
def september(demo_store):
    data.use_store(demo_store)
    return reading.progress_at(data.snap(), pipeline.quarter_period("2026Q3"), LONGNAN)


def test_progress_slice_is_the_engines_table_for_the_scopes_counties(june, demo_store):
    obs = demo_store.observations(regions=UNITS, years=[2023, 2024, 2025, 2026])
    expected = progress.progress_table(obs, demo_store.targets(years=[2026], regions=UNITS), CAT, "2026-06",
                                       regions=UNITS)
    assert set(june["region_code"]) == set(UNITS)
    cols = ["region_code", "indicator", "kind", "gap_pp", "status"]
    assert june[cols].equals(expected[cols])


def test_gap_matrix_has_one_row_per_county_and_one_column_per_target(september):
    z = view.gap_matrix(september, UNITS, CAT)
    assert list(z.index) == UNITS
    pairs = september[["indicator", "kind"]].drop_duplicates()
    assert len(z.columns) == len(pairs)  # only targets that exist, no empty indicator × kind combinations
    cols = list(z.columns)
    assert cols[0] == "GDP:growth" and cols.index("GPBR:growth") + 1 == cols.index("GPBR:level")
    row = september[(september["region_code"] == "621225") & (september["indicator"] == "FAI")].iloc[0]
    assert z.loc["621225", "FAI:growth"] == pytest.approx(row["gap_pp"])
    assert row["gap_pp"] == pytest.approx(row["yoy"] - row["target"])  # growth target: 个百分点 against the target


def test_heatmap_is_centred_on_zero_red_behind_green_ahead(september):
    fig = view.heatmap_figure(september, UNITS, NAMES, CAT)
    hm = fig.data[0]
    assert hm.zmid == 0 and hm.zmin == -view.GAP_CAP and hm.zmax == view.GAP_CAP
    assert hm.colorscale[0][1] == STATUS_COLOURS["far"] and hm.colorscale[-1][1] == STATUS_COLOURS["ok"]
    assert list(hm.y) == [NAMES[u] for u in UNITS]
    assert hm.x[0] == "地区生产总值<br>（增速）"
    assert hm.text is not None and hm.text[0][0].startswith(("+", "-"))  # nine rows: values written in the cells
    hover = hm.customdata[list(hm.y).index("西和县")][list(view.gap_matrix(september, UNITS, CAT).columns)
                                                      .index("FAI:growth")]
    assert "增速" in hover and "目标" in hover and "个百分点" in hover


def test_lagging_counts_are_behind_and_far_targets_most_first(september):
    counts = view.lagging_counts(september, UNITS)
    assert set(counts.index) == set(UNITS)
    assert list(counts["total"]) == sorted(counts["total"], reverse=True)
    for code in UNITS:
        mine = september[september["region_code"] == code]
        assert counts.loc[code, "far"] == (mine["status"] == "far").sum()
        assert counts.loc[code, "behind"] == (mine["status"] == "behind").sum()
    fig = view.lagging_figure(counts, NAMES)
    assert [tr.name for tr in fig.data] == ["严重落后", "落后"] and fig.layout.barmode == "stack"
    assert fig.data[0].marker.color == STATUS_COLOURS["far"]
    assert list(fig.data[0].y) == [NAMES[u] for u in counts.index]
    # the heatmap, drawn in the same order, lines its rows up with the bars
    assert fig.layout.height == view.heatmap_figure(september, list(counts.index), NAMES, CAT).layout.height


def test_midyear_checks_only_at_june(june, september):
    assert view.midyear_rows(september, UNITS, NAMES, CAT) == []
    rows = view.midyear_rows(june, UNITS, NAMES, CAT)
    assert [r["region"] for r in rows] == [NAMES[u] for u in UNITS]
    for r in rows:
        mine = june[(june["region_code"] == r["region_code"]) & june["double_half"].notna()]
        assert (r["half_met"], r["half_n"]) == (int(mine["double_half"].astype(bool).sum()), len(mine))
    r = next(r for r in rows if r["not_positive"])
    neg = june[(june["region_code"] == r["region_code"]) & (june["growth_status"] == "negative")]
    for ind in neg["indicator"].unique():
        assert CAT[ind].name_zh in r["not_positive"]
    assert "负增长" in r["not_positive"] or "持平" in r["not_positive"]
    summary = view.midyear_summary(rows, "县区")
    assert summary.startswith("9 个县区中，") and "双过半" in summary and "正增长" in summary


def test_english_labels(september):
    fig = view.heatmap_figure(september, UNITS, NAMES, CAT, "en")
    assert fig.data[0].x[0].endswith("(growth)") and fig.data[0].x[0].startswith("Gross<br>regional")
    assert [tr.name for tr in view.lagging_figure(view.lagging_counts(september, UNITS), NAMES, "en").data] == [
        "Far behind", "Behind"]


@pytest.mark.browser
def test_targets_page_in_chromium(dash_duo, demo_store):
    """Open the 1–6月 targets view for Longnan from a URL: heatmap, lagging bars, 双过半 table; laptop and phone."""
    login_as(dash_duo, demo_store)
    dash_duo.driver.set_window_size(1440, 2000)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/targets?period=2026Q2&scope={LONGNAN}", timeout=30)
    dash_duo.wait_for_element(f"#{ids.TARGETS_HEATMAP} .heatmaplayer", timeout=30)
    dash_duo.wait_for_element(f"#{ids.TARGETS_LAGGING} .barlayer", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.TARGETS_MIDYEAR}", "双过半", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.TARGETS_MIDYEAR_GRID}", "西和县", timeout=20)
    assert "2026年1-6月" in dash_duo.find_element("main").text
    OUTPUT.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(OUTPUT / "targets_longnan_1440.png"))
    dash_duo.driver.set_window_size(390, 2600)
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.execute_script(PHONE_FITS))
    WebDriverWait(dash_duo.driver, 10).until(  # the header still names the comparison set
        lambda d: d.execute_script(f"return document.getElementById('{ids.SCOPE}').value") == "陇南市")
    dash_duo.driver.save_screenshot(str(OUTPUT / "targets_longnan_390.png"))
    assert [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"] == []
