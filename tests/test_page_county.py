"""The county page (县区) for 礼县 at 2026Q3: builders as plain functions, the gap-to-rank answers
against `python -m indicators gaps`, and the page in real chromium (target rank kept in the URL)."""

import importlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from dash import _callback
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from ui_helpers import component_text as _text
from ui_helpers import login_as

from app import create_app
from conftest import ROOT
from indicators import explain, pipeline, ranking, reading
from layouts import county_figures as figs
from layouts import county_view as view
from layouts import data, ids
from layouts.figures import STATUS_COLOURS
from loaders import catalogue

OUTPUT = Path(__file__).resolve().parent / "output"
LIXIAN, HUIXIAN, QUARTER, PERIOD = "621226", "621227", "2026Q3", "2026-09"
LONGNAN = ["621202", "621221", "621222", "621223", "621224", "621225", "621226", "621227", "621228"]
CAT = catalogue.default()


@pytest.fixture
def keep_callbacks():
    """Leave Dash's global callback registry as found: the first app that serves a request takes every
    callback registered with dash.callback, so an app built here must not take the header's from the
    next test's app (or leave it duplicated page callbacks)."""
    saved = list(_callback.GLOBAL_CALLBACK_LIST), dict(_callback.GLOBAL_CALLBACK_MAP)
    yield
    _callback.GLOBAL_CALLBACK_LIST[:] = saved[0]
    _callback.GLOBAL_CALLBACK_MAP.clear()
    _callback.GLOBAL_CALLBACK_MAP.update(saved[1])


@pytest.fixture
def demo(demo_store):
    data.use_store(demo_store)
    return demo_store



# ---------------------------------------------------------------- formats

@pytest.mark.parametrize("value, unit, lang, want", [
    (207196.3, "万元", "zh", "20.72亿元"),  # ≥ 10,000 万元 is shown in 亿元
    (9999.9, "万元", "zh", "9,999.9万元"),
    (26339.0, "元", "zh", "26,339元"),
    (3.0, "家", "zh", "3家"),
    (79.26, "%", "zh", "79.3%"),
    (33759.5, "万千瓦时", "zh", "3.38亿千瓦时"),
    (207196.3, "万元", "en", "CNY 2.07 bn"),
    (2662.9, "万元", "en", "CNY 26.6 m"),
    (33759.5, "万千瓦时", "en", "337.6 GWh"),
    (None, "万元", "zh", "—"),
])
def test_levels_in_chinese_conventions(value, unit, lang, want):
    assert view.fmt_level(value, unit, lang) == want


def test_growth_words():
    assert view.fmt_growth(3.3) == "增长3.3%" and view.fmt_growth(-2.14) == "下降2.1%"
    assert view.fmt_growth(3.3, "en") == "+3.3%" and view.fmt_growth(None) == "—"


def test_target_rank_goes_into_the_query_keeping_the_other_keys():
    assert view.with_query("?period=2026Q3&lang=en&target_rank=10", "target_rank", 5) == \
        "?period=2026Q3&lang=en&target_rank=5"
    assert view.with_query("", "target_rank", 3) == "?target_rank=3"
    assert view.parse_rank("5", 86, 10) == 5 and view.parse_rank(None, 86, 10) == 10
    assert view.parse_rank("x", 86, 10) == 10 and view.parse_rank("500", 86, 10) == 86 and view.parse_rank("0", 86, 10) == 1


# ---------------------------------------------------------------- title and indicator grid

def test_title_states_the_composite_rank_in_province_and_city_with_the_interval(demo):
    prov = reading.scorecard(data.snap(), QUARTER, "province")
    city = reading.scorecard(data.snap(), QUARTER, reading.city_scope(LIXIAN))
    assert sorted(city.table.index) == LONGNAN
    row = prov.table.loc[LIXIAN]
    text = view.rank_text(row, 86, "zh")
    assert text == f"全省第{int(row['rank'])}名（共86个，5–95%区间 第{int(row['rank_p05'])}–{int(row['rank_p95'])}名）"
    crow = city.table.loc[LIXIAN]
    assert view.rank_text(crow, 9, "zh", city="陇南市").startswith(f"陇南市第{int(crow['rank'])}名（共9个，")
    assert view.rank_text(row, 86, "en").startswith(f"rank {int(row['rank'])} of 86 in the province")


@pytest.fixture
def lixian_rows(demo):
    values = reading.province_values(data.snap(), PERIOD)  # the counties' and the prefectures' values
    values = values[values["region_code"].isin(pipeline.units("province"))]
    rows = view.indicator_rows(values[values["region_code"] == LIXIAN], reading.progress_rows(data.snap(), PERIOD, LIXIAN),
                               reading.indicator_ranks(data.snap(), PERIOD, "province").loc[LIXIAN],
                               reading.indicator_ranks(data.snap(), PERIOD, "city:621200").loc[LIXIAN], CAT)
    return values, rows


def test_every_indicator_with_data_in_catalogue_order_with_value_growth_target_and_status(lixian_rows):
    values, rows = lixian_rows
    codes = list(dict.fromkeys(r["indicator"] for r in rows))
    present = set(values.loc[values["region_code"] == LIXIAN, "indicator"])
    assert codes == [c for c in CAT.codes if c in present]
    by = {}
    for r in rows:
        by.setdefault(r["indicator"], []).append(r)
    fai = by["FAI"][0]  # growth only: no level, a growth target of 12 % missed by 8.7 pp
    assert (fai["name"], fai["value"], fai["growth"], fai["target"]) == ("固定资产投资", "—", 3.3, "增长12.0%")
    assert (fai["gap"], fai["status"], fai["status_key"]) == (-8.7, "严重落后", "far")
    assert by["RETAIL"][0]["value"] == "20.72亿元" and by["URB_INC"][0]["value"] == "26,339元"
    gpbr = by["GPBR"]  # a growth target and a level target: one row each
    assert [r["target"] for r in gpbr] == ["增长5.5%", "3.26亿元"]
    assert [r["name"] for r in gpbr] == ["一般公共预算收入（增速目标）", "一般公共预算收入（总量目标）"]
    assert gpbr[1]["completion"] == "78.4%（序时75.0%）" and gpbr[1]["pace"] == "进度正常"
    assert by["NEW_SISHANG"][0]["status"] == "严重落后" and by["NEW_SISHANG"][0]["value"] == "3家"
    assert by["IND_REV"][0]["target"] == "—" and by["IND_REV"][0]["status_key"] == "none"


def test_indicator_ranks_are_on_growth_in_province_and_city(lixian_rows):
    values, rows = lixian_rows
    fai = values[(values["indicator"] == "FAI") & (values["measure"] == "cum_yoy")].set_index("region_code")["value"]
    row = next(r for r in rows if r["indicator"] == "FAI")
    assert row["rank_prov"] == int((fai > fai[LIXIAN]).sum()) + 1
    assert row["rank_city"] == int((fai[LONGNAN] > fai[LIXIAN]).sum()) + 1
    owed = next(r for r in rows if r["indicator"] == "ARREARS_OWED")
    assert owed["rank_prov"] is None  # a neutral indicator (direction 0) is not ranked
    share = next(r for r in rows if r["indicator"] == "TAX_SHARE")  # no growth: ranked on the ratio
    tax = values[(values["indicator"] == "TAX_SHARE")].set_index("region_code")["value"]
    assert share["rank_prov"] == int((tax > tax[LIXIAN]).sum()) + 1


def test_status_cells_take_the_status_colours():
    conds = {c["condition"]: c["style"]["backgroundColor"] for c in view.status_style()["styleConditions"]}
    assert conds["params.data.status_key == 'far'"] == STATUS_COLOURS["far"]
    assert conds["params.data.status_key == 'ok'"] == STATUS_COLOURS["ok"]
    headers = [c["headerName"] for c in view.column_defs("zh", 86, 9)]
    assert headers[:4] == ["指标", "状态", "累计值", "增速（%）"] and "全省位次/86" in headers and "全市位次/9" in headers
    assert [c["headerName"] for c in view.column_defs("en", 86, 9)][:2] == ["Indicator", "Status"]


# ---------------------------------------------------------------- points, strongest and weakest

def test_waterfall_against_the_mean_adds_up_and_uses_catalogue_names(demo):
    card = reading.scorecard(data.snap(), QUARTER, "province")
    pts = reading.points(data.snap(), QUARTER)["vs_mean"].loc[LIXIAN]
    names = {c: CAT[c].name("zh") for c in card.scheme.codes}
    fig = figs.points_waterfall(pts, names, "t")
    bar = fig.data[0]
    assert len(bar.y) == len(card.scheme.codes) + 1 and bar.y[-1] == "合计" and bar.measure[-1] == "total"
    shown = list(bar.x[:-1])
    assert shown == sorted(shown, reverse=True)  # largest gain on top
    assert bar.customdata[0] == names[pts.idxmax()] and bar.customdata[-2] == names[pts.idxmin()]
    assert bar.x[-1] == pytest.approx(pts.sum())
    assert pts.sum() == pytest.approx(card.table.loc[LIXIAN, "score"] - card.table["score"].mean())
    assert bar.increasing.marker.color == STATUS_COLOURS["ok"] and bar.decreasing.marker.color == STATUS_COLOURS["far"]


def test_points_against_the_county_above_add_up_to_the_score_gap(demo):
    card = reading.scorecard(data.snap(), QUARTER, "province")
    above = view.unit_above(card.table, LIXIAN)
    assert card.table.loc[above, "rank"] == card.table.loc[LIXIAN, "rank"] - 1
    pts = reading.points(data.snap(), QUARTER)["vs_above"].loc[LIXIAN]
    assert pts.sum() == pytest.approx(card.table.loc[LIXIAN, "score"] - card.table.loc[above, "score"])
    first = card.table["rank"].idxmin()
    assert view.unit_above(card.table, first) is None
    empty = figs.points_waterfall(reading.points(data.snap(), QUARTER)["vs_above"].loc[first], {}, "t", empty_note="已居第一")
    assert not empty.data and empty.layout.annotations[0].text == "已居第一"


def test_three_strongest_and_three_weakest_as_sentences(demo):
    card = reading.scorecard(data.snap(), QUARTER, "province")
    vs_mean = reading.points(data.snap(), QUARTER)["vs_mean"]
    strong, weak = explain.strongest_weakest(card.result, LIXIAN)
    ranks = view.scheme_ranks(card.matrix, card.scheme).loc[LIXIAN]
    said = view.strength_sentences(weak, vs_mean.loc[LIXIAN], card.matrix.loc[LIXIAN], ranks, card.scheme, CAT)
    assert len(said) == 3 and said[0].startswith(CAT[weak[0]].name_zh)
    assert all("比全省平均少得" in s for s in said)
    worst = weak[0]
    want_rank = int(ranking.rank(card.matrix[worst] * 1).loc[LIXIAN])
    assert f"全省第{want_rank}名" in said[0] and f"{abs(vs_mean.loc[LIXIAN, worst]):.2f} 分" in said[0]
    good = view.strength_sentences(strong, vs_mean.loc[LIXIAN], card.matrix.loc[LIXIAN], ranks, card.scheme, CAT)
    assert all("比全省平均多得" in s for s in good)


# ---------------------------------------------------------------- gap to rank, against the CLI

def _cli_gaps(store, k: int) -> tuple[dict, str]:
    store.dispose()  # DuckDB: one process holds the file; let the CLI open it
    args = [sys.executable, "-m", "indicators", "gaps", "--region", LIXIAN, "--period", QUARTER, "--db", store.url,
            "--target-rank", str(k)]
    doc = subprocess.run([*args, "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True)
    text = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300, check=True)
    return json.loads(doc.stdout), text.stdout


@pytest.mark.parametrize("k", [10, 40])
def test_gap_answers_agree_with_the_gaps_command(demo, k):
    cli, cli_text = _cli_gaps(demo, k)
    card = reading.scorecard(data.snap(), QUARTER, "province")
    gaps = reading.gaps(data.snap(), QUARTER, LIXIAN, k)
    rows, combined = view.gap_rows(gaps, card.scheme, CAT)
    *rows, last = rows  # the cheapest combination is the grid's last row, worded as the sentence (and the CLI)
    assert (last["indicator"], last["name"]) == ("组合", "最省力的组合") and f"最省力的组合：{last['answer']}" == combined
    assert last["reachable"] and last["verified_rank"] <= k
    alone = [g for g in cli["gaps"] if g["indicator"] != "组合"]
    want = {g["indicator"]: g["improvement"] for g in alone if g["reachable"] and g.get("improvement")}
    got = {r["indicator"]: gaps.set_index("indicator").loc[r["indicator"], "improvement"] for r in rows if r["reachable"]}
    assert set(got) == set(want) and got == pytest.approx(want)
    for r in rows:
        if r["reachable"]:
            assert r["answer"].startswith(f"需提高 {want[r['indicator']]:g} ") and f"验证后第 {r['verified_rank']} 名" in r["answer"]
            assert r["verified_rank"] <= k
        else:
            assert r["answer"] == "仅靠该指标无法达到"
    cli_combined = next(line.strip() for line in cli_text.splitlines() if "最省力的组合" in line)
    assert combined == cli_combined
    assert view.gap_head(gaps, k) in cli_text
    if k == 40:  # this many places up, every single indicator but one can do it alone
        fai = next(r for r in rows if r["indicator"] == "FAI")
        assert fai["answer"].startswith("需提高 18.3 个百分点（3.3 → 21.6）")


def test_gap_answers_in_english(demo):
    card = reading.scorecard(data.snap(), QUARTER, "province")
    rows, combined = view.gap_rows(reading.gaps(data.snap(), QUARTER, LIXIAN, 40), card.scheme, CAT, "en")
    fai = next(r for r in rows if r["indicator"] == "FAI")
    assert fai["name"] == CAT["FAI"].name_en and fai["answer"].startswith("+18.3 pp (3.3 → 21.6), rank ")
    assert combined.startswith("Cheapest combination: ")


# ---------------------------------------------------------------- one indicator over the year

def test_level_series_has_linear_and_seasonal_target_paths_ending_at_the_annual_target(demo):
    ind = CAT["GPBR"]
    assert figs.series_measure(ind, has_level_target=True) == "cum_level"
    assert figs.series_measure(ind, has_level_target=False) == "cum_yoy"
    assert figs.series_measure(CAT["FAI"], has_level_target=False) == "cum_yoy"
    target = 32581.0  # 礼县's 2026 budget revenue target (targets_2026.csv)
    obs = reading.county_obs(data.snap(), LIXIAN, 2026)
    frame = figs.series_frame(obs, ind, "cum_level", 2026, 9, LIXIAN, target)
    assert frame.loc[12, "linear"] == pytest.approx(target) and frame.loc[6, "linear"] == pytest.approx(target / 2)
    assert frame.loc[12, "seasonal"] == pytest.approx(target)
    assert frame["current"].notna().sum() == 9 and frame["previous"].notna().sum() == 12  # up to 1-9月; all of 2025
    fig = figs.series_figure(frame, ind, "cum_level", 2026)
    assert [tr.name for tr in fig.data] == ["2025年", "序时目标（线性）", "序时目标（季节）", "2026年"]
    assert fig.layout.yaxis.title.text == "亿元" and fig.data[3].y[8] == pytest.approx(frame.loc[9, "current"] / 1e4)
    assert list(fig.layout.xaxis.ticktext)[:2] == ["1月", "1-2月"]


def test_revised_values_are_marked_with_old_and_new(demo):
    hist = reading.value_history(data.snap(), HUIXIAN, "IVA")  # revisions_2026-09.csv corrects 徽县 IVA for 1-8月
    rev = figs.revisions(hist, "cum_yoy", [2025, 2026])
    assert list(rev["period"]) == ["2026-08"]
    assert rev["chain"].iloc[0].endswith("→ 11.1") and rev["value"].iloc[0] == 11.1
    obs = reading.county_obs(data.snap(), HUIXIAN, 2026)
    frame = figs.series_frame(obs, CAT["IVA"], "cum_yoy", 2026, 9, HUIXIAN)
    fig = figs.series_figure(frame, CAT["IVA"], "cum_yoy", 2026, growth_target=8.0, revised=rev)
    marker = next(tr for tr in fig.data if tr.name == "数据修订")
    assert list(marker.x) == [8] and "修订：" in marker.text[0] and "→ 11.1" in marker.text[0]
    assert any(tr.name == "目标增速 8%" for tr in fig.data)
    same = pd.DataFrame({"period": ["2026-09"] * 2, "measure": ["cum_yoy"] * 2, "value": [4.2, 4.2],
                         "upload_id": [6, 8], "status": ["committed"] * 2})
    assert figs.revisions(same, "cum_yoy", [2026]).empty  # the same figure sent again is not a revision


# ---------------------------------------------------------------- the page

@pytest.fixture
def page(demo_store, keep_callbacks):
    create_app(demo_store)  # registers the pages
    return importlib.import_module("layouts.pages.county")


def test_page_layout_for_lixian_and_for_an_unknown_code(page):
    out = page.layout(code=LIXIAN, period=QUARTER, target_rank="40")
    text = _text(out)
    assert "礼县" in text and "陇南市" in text and "进入前 40 名需要什么" in text
    assert "薄弱指标" in text and "比全省平均少得" in text
    assert "没有代码为 999999 的县区" in _text(page.layout(code="999999", period=QUARTER))
    assert "No county with code 621200" in _text(page.layout(code="621200", period=QUARTER, lang="en"))


@pytest.mark.browser
def test_county_page_in_chromium(keep_callbacks, dash_duo, demo_store):
    """Open 礼县 from a URL, see the waterfall, set the target rank to 5: the URL and the answers follow."""
    login_as(dash_duo, demo_store)
    driver = dash_duo.driver
    driver.set_window_size(1440, 1000)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/county/{LIXIAN}?period={QUARTER}", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.COUNTY_TITLE}", "礼县", timeout=30)
    dash_duo.wait_for_element(f"#{ids.COUNTY_WATERFALL} .waterfalllayer .trace", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.COUNTY_WATERFALL}", "合计", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.COUNTY_GRID}", "固定资产投资", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.COUNTY_GAPS}", "进入前 10 名需要什么", timeout=30)
    box = driver.find_element(By.CSS_SELECTOR, f"#{ids.COUNTY_TARGET_RANK}")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("5")
    dash_duo.wait_for_contains_text(f"#{ids.COUNTY_GAPS}", "进入前 5 名需要什么", timeout=30)
    assert "target_rank=5" in driver.current_url and "period=2026Q3" in driver.current_url
    assert "验证后第 5 名" in driver.find_element(By.CSS_SELECTOR, "main").text
    dash_duo.wait_for_element(f"#{ids.COUNTY_SERIES} .scatterlayer .trace", timeout=30)
    OUTPUT.mkdir(exist_ok=True)
    for width in (1440, 390):
        driver.set_window_size(width, 1000)
        time.sleep(1)
        driver.set_window_size(width, driver.execute_script("return document.documentElement.scrollHeight") + 20)
        driver.execute_script("window.scrollTo(0, 0)")
        time.sleep(1)
        driver.save_screenshot(str(OUTPUT / f"county_lixian_{width}.png"))
    driver.get(driver.current_url)  # a copied link keeps the target rank
    dash_duo.wait_for_contains_text(f"#{ids.COUNTY_GAPS}", "进入前 5 名需要什么", timeout=30)
    assert [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"] == []


def test_county_callbacks_show_only_released_periods_whatever_the_browser_sends(page):
    """A forged page state asking for 1–11月 (not released on 23 November) gets the latest released month."""
    forged = {"county": LIXIAN, "quarter": "2026Q4", "month": "2026-11", "lang": "zh"}
    assert page.released_view(forged) == ("2026Q3", "2026-10")
    assert page.released_view({"county": LIXIAN, "quarter": "2026Q2", "month": "2026-06"}) == ("2026Q2", "2026-06")


def test_the_target_rank_box_mounting_at_the_default_leaves_the_url_alone():
    """The box reports its value when it mounts: at the page's default and with no target_rank in the URL nothing
    changes (no second render of the page); any other rank, or a rank already in the URL, is written."""
    from layouts import county_view

    assert county_view.target_rank_search(10, "?period=2026Q3", 10) is None
    assert county_view.target_rank_search(5, "?period=2026Q3", 10) == "?period=2026Q3&target_rank=5"
    assert county_view.target_rank_search(10, "?period=2026Q3&target_rank=5", 10) == "?period=2026Q3&target_rank=10"
    assert county_view.target_rank_search("", "?period=2026Q3", 10) is None
