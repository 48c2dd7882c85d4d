"""The prefecture page (市州) for 陇南 at 2026Q3: its rank among the 14 prefectures, points, indicators, the gap to
rank K against `python -m indicators gaps --scope prefectures`, its counties, what a scoped account sees, and
prefecture names linking to the page everywhere."""

import contextlib
import importlib
import io
import json
import time
from pathlib import Path

import pytest
from dash import _callback
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from ui_helpers import PHONE_FITS, as_user, component_text, login_as

from app import create_app
from indicators import cli, reading
from layouts import county_view as view
from layouts import data, ids, ranking_table
from layouts import prefecture_view as pview
from loaders import catalogue
from loaders import regions as regions_mod

LONGNAN, LANZHOU, LIXIAN, QUARTER, PERIOD = "621200", "620100", "621226", "2026Q3", "2026-09"
CAT = catalogue.default()
OUTPUT = Path(__file__).resolve().parent / "output"
REGIONS = regions_mod.default()


@pytest.fixture
def keep_callbacks():
    """Leave Dash's global callback registry as found (see tests/test_page_county.py)."""
    saved = list(_callback.GLOBAL_CALLBACK_LIST), dict(_callback.GLOBAL_CALLBACK_MAP)
    yield
    _callback.GLOBAL_CALLBACK_LIST[:] = saved[0]
    _callback.GLOBAL_CALLBACK_MAP.clear()
    _callback.GLOBAL_CALLBACK_MAP.update(saved[1])


@pytest.fixture
def demo(demo_store):
    data.use_store(demo_store)
    return demo_store


def cli_gaps(store, k: int | None = None) -> dict:
    """What `python -m indicators gaps --scope prefectures --region 621200 --period 2026Q3 --format json` prints."""
    out = io.StringIO()
    args = ["gaps", "--scope", "prefectures", "--region", LONGNAN, "--period", QUARTER, "--db", store.url,
            "--format", "json", *(["--target-rank", str(k)] if k else [])]
    with contextlib.redirect_stdout(out):
        assert cli.main(args) == 0
    return json.loads(out.getvalue())


# ---------------------------------------------------------------- builders

def test_rank_line_says_the_comparison_set_the_interval_and_the_change(demo):
    card = reading.scorecard(data.snap(), QUARTER, "prefectures")
    row = card.table.loc[LONGNAN]
    score, change = pview.title_lines(row, 14, "zh")
    assert score.startswith(f"市州间得分 {row['score']:.2f} · 市州间第{int(row['rank'])}名（共14个，5–95%区间 第")
    assert change.startswith("较上季度")
    assert pview.title_lines(row, 14, "en")[0].startswith(f"Score among the prefectures {row['score']:.2f} · rank ")
    assert pview.default_rank(14) == 10 and pview.default_rank(5) == 4


def test_indicator_grid_of_a_prefecture_has_one_rank_column_among_the_prefectures(demo):
    values = reading.values_at(data.snap(), PERIOD)
    ranks = reading.indicator_ranks(data.snap(), PERIOD, "prefectures")
    assert sorted(ranks.index) == sorted(r.code for r in REGIONS.of_level("prefecture"))
    rows = view.indicator_rows(values[values["region_code"] == LONGNAN], reading.progress_rows(data.snap(), PERIOD, LONGNAN),
                               ranks.loc[LONGNAN], None, CAT)
    fai = next(r for r in rows if r["indicator"] == "FAI")
    assert fai["rank_prov"] == int(ranks.loc[LONGNAN, "FAI"]) and fai["rank_city"] is None
    assert fai["growth"] is not None and fai["target"] != "—"
    headers = [c["headerName"] for c in view.column_defs("zh", 14, None, "市州间位次")]
    assert "市州间位次/14" in headers and not any(h.startswith(("全省位次", "全市位次")) for h in headers)


def test_counties_list_links_only_counties_the_account_may_open(demo):
    city = reading.scorecard(data.snap(), QUARTER, f"city:{LONGNAN}").table
    prov = reading.scorecard(data.snap(), QUARTER, "province").table
    counties = [r.code for r in REGIONS.counties_of(LONGNAN)]
    names = {c: REGIONS[c].name for c in counties}
    rows = pview.county_rows(counties, names, city, prov, {LIXIAN}, "?period=2026Q3")
    assert [r["rank_city"] for r in rows] == sorted(int(city.loc[c, "rank"]) for c in counties)
    lixian = next(r for r in rows if r["region_code"] == LIXIAN)
    assert lixian["region"] == "[礼县](/county/621226?period=2026Q3)"
    assert lixian["rank_prov"] == int(prov.loc[LIXIAN, "rank"]) and lixian["score_city"] == round(city.loc[LIXIAN, "score"], 2)
    assert all(r["region"] == names[r["region_code"]] for r in rows if r["region_code"] != LIXIAN)
    no_city = pview.county_rows(counties, names, None, prov, set(), "")
    assert all("score_city" not in r and "rank_city" not in r for r in no_city)  # not even as blanks
    assert [r["rank_prov"] for r in no_city] == sorted(int(prov.loc[c, "rank"]) for c in counties)


def test_the_fourteen_prefectures_ranking_links_to_prefecture_pages(demo):
    card = reading.scorecard(data.snap(), QUARTER, "prefectures")
    rows = ranking_table.rows(card.table, {}, "?period=2026Q3", "zh")
    assert len(rows) == 14 and all(r["region"].endswith(f"(/prefecture/{r['region_code']}?period=2026Q3)") for r in rows)
    counties = ranking_table.rows(reading.scorecard(data.snap(), QUARTER, "province").table, {}, "", "zh")
    assert all(f"(/county/{r['region_code']})" in r["region"] for r in counties)


def test_prefecture_names_link_to_their_page_on_the_indicator_targets_cockpit_and_county_pages(demo):
    from layouts import cockpit_view, indicator_view, targets_view

    prefs = sorted(r.code for r in REGIONS.of_level("prefecture"))
    obs = reading.indicator_obs(data.snap(), "FAI", 2026)
    frame = indicator_view.values_at(obs, CAT["FAI"], PERIOD, prefs, {p: REGIONS[p].name for p in prefs})
    rows = indicator_view.grid_rows(frame, {}, "?period=2026-09&scope=prefectures")
    assert {r["region"] for r in rows if r["region_code"] == LONGNAN} == \
        {"[陇南市](/prefecture/621200?period=2026-09&scope=prefectures)"}
    june = reading.progress_at(data.snap(), "2026-06", "prefectures")
    mid = targets_view.midyear_rows(june, prefs, {p: REGIONS[p].name for p in prefs}, CAT, qs="?period=2026-06")
    assert mid and all(r["region"] == f"[{REGIONS[r['region_code']].name}](/prefecture/{r['region_code']}?period=2026-06)"
                       for r in mid)
    assert targets_view.midyear_columns()[0]["cellRenderer"] == "markdown"
    card = reading.scorecard(data.snap(), QUARTER, "prefectures")
    panel = cockpit_view.score_panel(cockpit_view.score_summary(card.table, LONGNAN), "zh", LONGNAN, "?period=2026Q3")
    link = next(c for c in _walk(panel) if getattr(c, "id", None) == f"{ids.COCKPIT_SCORE}-link")
    assert link.href == "/prefecture/621200?period=2026Q3" and link.children == "陇南市"


# ---------------------------------------------------------------- the page and its access

@pytest.fixture
def page(demo_store, keep_callbacks):
    app = create_app(demo_store)
    data.use_store(demo_store)
    return app, importlib.import_module("layouts.pages.prefecture")


def test_page_for_longnan_against_the_gaps_command(page, demo_store):
    app, mod = page
    cli_doc = cli_gaps(demo_store)
    card = reading.scorecard(data.snap(), QUARTER, "prefectures")
    rank = int(card.table.loc[LONGNAN, "rank"])
    with as_user(app, demo_store, "leader"):
        text = component_text(mod.layout(code=LONGNAN, period=QUARTER))
    assert "陇南市" in text and f"市州间第{rank}名（共14个" in text and "较上季度" in text
    assert f"数据状态 {card.data_state}" in text and card.scheme.name in text
    assert f"进入前 10 名需要什么（当前第 {int(cli_doc['gaps'][0]['current_rank'])} 名" in text
    combined = next(g for g in cli_doc["gaps"] if g["indicator"] == "组合")
    assert combined["reachable"] and "最省力的组合" in text
    with as_user(app, demo_store, "leader"):
        out = mod.layout(code=LONGNAN, period=QUARTER)
        grid = next(c for c in _walk(out) if getattr(c, "id", None) == ids.PREF_COUNTIES)
        assert len(grid.rowData) == 9 and all(r["region"].startswith("[") for r in grid.rowData)  # the leader opens all
        assert {"score_city", "rank_city", "score_prov", "rank_prov"} <= {c["field"] for c in grid.columnDefs}
        out = mod.layout(code=LONGNAN, period="2026-10")
        assert "quarter-notice" in str(out) and "2026年三季度" in component_text(out)
        assert "没有代码为 999999 的市州" in component_text(mod.layout(code="999999", period=QUARTER))
        jiayuguan = component_text(mod.layout(code="620200", period=QUARTER))  # no counties: its own numbers only
        assert "嘉峪关市在库中没有下辖县区" in jiayuguan and "市州间第" in jiayuguan
        assert "进入前 5 名需要什么" in component_text(mod.layout(code=LONGNAN, period=QUARTER, target_rank="5"))
        en = component_text(mod.layout(code=LONGNAN, period=QUARTER, lang="en"))
        assert "Score among the prefectures" in en and "rank 14 of 14 prefectures" in en and "What it takes" in en
        county = mod.layout(code=LIXIAN, period=QUARTER)
        assert "没有代码为 621226 的市州" in component_text(county) and "/county/621226" in str(county)


def test_county_page_with_a_prefecture_code_points_to_the_prefecture_page(page, demo_store):
    app, _ = page
    county = importlib.import_module("layouts.pages.county")
    with as_user(app, demo_store, "leader"):
        out = county.layout(code=LONGNAN, period=QUARTER)
        assert "陇南市是市州" in component_text(out) and "/prefecture/621200?period=2026Q3" in str(out)
        title = county.layout(code=LIXIAN, period=QUARTER, lang="en")
        assert "/prefecture/621200?period=2026Q3&lang=en" in str(title)


def test_a_scoped_viewer_sees_any_prefecture_but_not_other_counties_scores_within_their_city(page, demo_store):
    from layouts import access
    from loaders.users import Account

    lixian = Account("lixian", "礼县", "viewer", ("621226",))
    assert access.refusal(lixian, access.View(f"/prefecture/{LANZHOU}", prefecture=LANZHOU)) is None
    assert access.refusal(lixian, access.View("/prefecture/621202", prefecture="621202")) is not None
    assert access.prefecture_counties(lixian, LONGNAN) == {"city": True, "links": {LIXIAN}}
    assert access.prefecture_counties(lixian, LANZHOU) == {"city": False, "links": set()}
    app, mod = page
    with as_user(app, demo_store, "lixian"):
        lanzhou = mod.layout(code=LANZHOU, period=QUARTER)
    grid = next(c for c in _walk(lanzhou) if getattr(c, "id", None) == ids.PREF_COUNTIES)
    assert [c["field"] for c in grid.columnDefs] == ["region", "score_prov", "rank_prov"]
    assert all("/county/" not in r["region"] and "score_city" not in r for r in grid.rowData)
    assert "只列出各县区的全省得分" in component_text(lanzhou)


def _walk(component):
    yield component
    kids = getattr(component, "children", None)
    for k in kids if isinstance(kids, list | tuple) else [kids] if kids is not None else []:
        if not isinstance(k, str | int | float):
            yield from _walk(k)


def _waterfall(c, state):
    body = {"output": f"{ids.PREF_WATERFALL}.figure", "outputs": {"id": ids.PREF_WATERFALL, "property": "figure"},
            "inputs": [{"id": ids.PREF_WATERFALL_VS, "property": "value", "value": "vs_mean"}],
            "state": [{"id": ids.PREF_STATE, "property": "data", "value": state}],
            "changedPropIds": [f"{ids.PREF_WATERFALL_VS}.value"]}
    return c.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")


def test_forged_prefecture_page_requests_are_refused_on_the_server(demo_store, keep_callbacks):
    from ui_helpers import TEST_SECRET, add_test_accounts, logged_in_client

    add_test_accounts(demo_store)
    app = create_app(demo_store, secret=TEST_SECRET)
    c = logged_in_client(app, "lixian", next_path="/rankings")
    ok = _waterfall(c, {"prefecture": LANZHOU, "quarter": QUARTER, "month": PERIOD, "lang": "zh"})
    assert ok.status_code == 200 and "兰州市" in json.dumps(ok.get_json(), ensure_ascii=False)  # any prefecture's numbers
    for forged in ({"prefecture": "621202", "quarter": QUARTER},  # a county's code, as if it were a prefecture
                   {"prefecture": LANZHOU, "quarter": QUARTER, "scope": f"city:{LANZHOU}"},
                   {"prefecture": LONGNAN, "county": "621202", "quarter": QUARTER}):
        r = _waterfall(c, forged)
        assert r.status_code == 403 and "不含" in r.get_json()["error"], forged


# ---------------------------------------------------------------- in chromium

@pytest.mark.browser
def test_prefecture_page_in_chromium_agrees_with_the_gaps_command(keep_callbacks, dash_duo, demo_store):
    """陇南 among the 14 prefectures at 2026Q3: the rank and each answer as `indicators gaps --scope prefectures`."""
    cli_doc = cli_gaps(demo_store)
    login_as(dash_duo, demo_store)
    driver = dash_duo.driver
    driver.set_window_size(1440, 1000)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/prefecture/{LONGNAN}?period={QUARTER}", timeout=30)
    current = int(cli_doc["gaps"][0]["current_rank"])
    dash_duo.wait_for_contains_text(f"#{ids.PREF_TITLE}", f"市州间第{current}名（共14个", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.PREF_GAPS}", f"进入前 10 名需要什么（当前第 {current} 名", timeout=30)
    grid = f"#{ids.PREF_GAPS}-grid"
    dash_duo.wait_for_element(f"{grid} .ag-row", timeout=30)
    shown = {e.find_element(By.CSS_SELECTOR, '[col-id="name"]').text: e.find_element(By.CSS_SELECTOR, '[col-id="answer"]').text
             for e in driver.find_elements(By.CSS_SELECTOR, f"{grid} .ag-center-cols-container .ag-row, {grid} .ag-row")
             if e.find_elements(By.CSS_SELECTOR, '[col-id="answer"]')}
    alone = [g for g in cli_doc["gaps"] if g["indicator"] != "组合"]
    reachable = [g for g in alone if g["reachable"] and g.get("improvement")]
    assert reachable, "the demo's 陇南 can move up on some indicator alone"
    for g in reachable:
        answer = shown[CAT[g["indicator"]].name("zh")]
        assert answer.startswith(f"需提高 {g['improvement']:g} ") and f"验证后第 {int(g['verified_rank'])} 名" in answer
    combined = next(g for g in cli_doc["gaps"] if g["indicator"] == "组合")
    main = driver.find_element(By.CSS_SELECTOR, "main").text
    assert f"验证后第 {int(combined['verified_rank'])} 名" in main and "最省力的组合" in main
    dash_duo.wait_for_element(f"#{ids.PREF_WATERFALL} .waterfalllayer .trace", timeout=30)
    link = driver.find_element(By.CSS_SELECTOR, f"#{ids.PREF_COUNTIES} a[href^='/county/621226']")
    assert "period=2026Q3" in link.get_attribute("href")
    box = driver.find_element(By.CSS_SELECTOR, f"#{ids.PREF_TARGET_RANK}")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("12")
    dash_duo.wait_for_contains_text(f"#{ids.PREF_GAPS}", "进入前 12 名需要什么", timeout=30)
    assert "target_rank=12" in driver.current_url and "period=2026Q3" in driver.current_url
    OUTPUT.mkdir(exist_ok=True)
    for width in (1440, 390):  # screenshots to look at; on a phone the page is one column
        driver.set_window_size(width, 1000)
        time.sleep(1)
        driver.set_window_size(width, driver.execute_script("return document.documentElement.scrollHeight") + 20)
        time.sleep(1)
        driver.save_screenshot(str(OUTPUT / f"prefecture_longnan_{width}.png"))
    assert driver.execute_script(PHONE_FITS)
    assert [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"] == []
