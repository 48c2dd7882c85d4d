"""总览 (cockpit): the builders as plain functions on the demo province, then the page in real chromium."""

import base64
import io
import itertools
import re
from pathlib import Path

import dash
import numpy as np
import openpyxl
import pandas as pd
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support.ui import WebDriverWait
from ui_helpers import TEST_SECRET, add_test_accounts, as_user, logged_in_client, login_as
from ui_helpers import component_text as _text

from app import create_app
from indicators import pipeline, progress, reading, rules
from layouts import attention, data, ids, kpi_cards, tile_map
from layouts import cockpit_view as view
from layouts.figures import STATUS_COLOURS
from loaders import audit, catalogue
from loaders import regions as regions_mod

OUTPUT = Path(__file__).resolve().parent / "output"
LONGNAN = "621200"
REGIONS = regions_mod.default()
CAT = catalogue.default()
# reference/statistics.md, row 0 = north.
LONGNAN_TILES = {"宕昌县": (0, 0), "礼县": (0, 1), "西和县": (0, 2), "两当县": (0, 3), "武都区": (1, 1),
                 "成县": (1, 2), "徽县": (1, 3), "文县": (2, 0), "康县": (2, 2)}



@pytest.fixture
def cockpit(demo_store):
    data.use_store(demo_store)
    return view.collect("2026Q3", LONGNAN)


# ---------------------------------------------------------------- which prefecture, formats

@pytest.mark.parametrize("scope, home", [
    ("city:620800", "620800"), ("province", LONGNAN), ("prefectures", LONGNAN), (None, LONGNAN),
    ("city:620200", LONGNAN),  # 嘉峪关 has no counties: nothing to show on the county map
    ("city:621202", LONGNAN),  # a county code is not a prefecture
    ("city:999999", LONGNAN),
])
def test_home_prefecture_comes_from_a_city_scope(scope, home):
    assert view.home_prefecture(scope) == home


@pytest.mark.parametrize("value, unit, lang, text", [
    (4298602.4, "万元", "zh", "429.86亿元"), (10000.0, "万元", "zh", "1.00亿元"), (9876.54, "万元", "zh", "9,876.5万元"),
    (4298602.4, "万元", "en", "42.99 bn yuan"), (9876.54, "万元", "en", "98.8 m yuan"),
    (34512.0, "元", "zh", "34,512元"), (np.nan, "万元", "zh", "—"), (None, "万元", "en", "—"),
])
def test_levels_in_yi_yuan_from_ten_thousand_wan(value, unit, lang, text):
    assert kpi_cards.fmt_amount(value, unit, lang) == text


def test_period_and_gap_labels():
    assert view.months_label("2026-09") == "1-9月" and view.months_label("2026-09", "en") == "Jan–Sep 2026"
    assert view.when_label("2026Q3", "2026-09") == "2026年三季度（1-9月）"
    assert kpi_cards.fmt_gap(-0.3) == "-0.3个百分点" and kpi_cards.fmt_gap(1.4, "en") == "+1.4 pp"  # as printed
    assert kpi_cards.status_label("far") == "严重落后" and kpi_cards.status_label("far", "en") == "Far behind"
    assert kpi_cards.pace_text(progress.IMPROVING) == "↗ 追赶中" and kpi_cards.pace_text(None) == ""


# ---------------------------------------------------------------- tile maps

def test_longnan_tiles_are_the_bureau_layout():
    cells = tile_map.positions(REGIONS.counties_of(LONGNAN), LONGNAN)
    assert {REGIONS[c].name: rc for c, rc in cells.items()} == LONGNAN_TILES
    # snapping the coordinates alone gives the same picture
    snapped = tile_map.snap_to_grid({r.code: (r.longitude, r.latitude) for r in REGIONS.counties_of(LONGNAN)})
    assert snapped == cells


@pytest.mark.parametrize("city", [None] + sorted(r.code for r in REGIONS.of_level("prefecture")
                                                  if REGIONS.counties_of(r.code)))
def test_snapped_tiles_take_one_cell_each_and_keep_north_and_west(city):
    units = REGIONS.of_level("prefecture") if city is None else REGIONS.counties_of(city)
    cells = tile_map.positions(units)
    assert len(set(cells.values())) == len(units)
    assert min(r for r, _ in cells.values()) == 0 and min(c for _, c in cells.values()) == 0
    for a, b in itertools.combinations(units, 2):  # clearly further north is never drawn further south
        if a.latitude - b.latitude > 1.0:
            assert cells[a.code][0] <= cells[b.code][0], (a.name, b.name)
        if a.longitude - b.longitude > 1.0:
            assert cells[a.code][1] >= cells[b.code][1], (a.name, b.name)


def test_prefecture_tiles_read_like_a_map():
    cells = {REGIONS[c].short_name: rc for c, rc in tile_map.positions(REGIONS.of_level("prefecture")).items()}
    assert cells["酒泉"][0] < cells["兰州"][0] < cells["陇南"][0]  # north to south
    assert cells["酒泉"][1] < cells["兰州"][1] < cells["庆阳"][1]  # west to east
    assert tile_map.tile_label(REGIONS["622900"]) == "临夏" and tile_map.tile_label(REGIONS["620400"]) == "白银"


def test_county_map_colours_each_tile_by_its_score(cockpit):
    tiles = view.county_tiles(cockpit.city, LONGNAN)
    fig = tile_map.tile_figure(tiles, title="t", colour_title="综合得分", rank_word="市内第{}名")
    heat = fig.data[0]
    z, text, hover, codes = (np.array(a, dtype=object) for a in (heat.z, heat.text, heat.hovertext, heat.customdata))
    table = cockpit.city.table
    for name, (r, c) in LONGNAN_TILES.items():
        code = next(k for k in table.index if table.at[k, "region_name"] == name)
        assert codes[r, c] == code
        assert z[r, c] == pytest.approx(table.at[code, "score"])
        assert f"市内第{int(table.at[code, 'rank'])}名" in text[r, c] and name in hover[r, c]
    assert z[1, 0] is None or np.isnan(z[1, 0])  # an empty cell stays blank
    worst = table["score"].idxmin()
    assert heat.zmin == pytest.approx(table.at[worst, "score"]) and heat.colorbar.title.text == "综合得分"
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]  # row 0 (north) at the top


def test_prefecture_map_outlines_the_home_prefecture(cockpit):
    tiles = view.prefecture_tiles(cockpit.prefectures)
    fig = tile_map.tile_figure(tiles, title="t", colour_title="s", rank_word="第{}名", highlight=LONGNAN)
    home = tiles.set_index("code").loc[LONGNAN]
    (shape,) = fig.layout.shapes
    assert (shape.x0 + 0.5, shape.y0 + 0.5) == (home["col"], home["row"])
    assert len(tiles) == 14 and tiles["score"].notna().all()


# ---------------------------------------------------------------- score, trend, KPI cards

def test_score_and_rank_among_the_fourteen_prefectures(cockpit):
    s = view.score_summary(cockpit.prefectures.table, LONGNAN)
    table = cockpit.prefectures.table
    assert s["n"] == 14 and s["name"] == "陇南市"
    assert s["rank"] == 1 + int((table["score"] > table.at[LONGNAN, "score"]).sum())
    fig = view.trend_figure(cockpit.history, LONGNAN)
    ranks = list(fig.data[0].y)
    assert len(ranks) == 8 and ranks[-1] == s["rank"]
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]  # rank 1 at the top
    assert list(fig.data[0].x)[-1] == "26年<br>三季度"


def test_kpis_show_value_growth_target_gap_status_and_rank(cockpit):
    ks = {k["code"]: k for k in kpi_cards.kpis(cockpit.growth, cockpit.levels, cockpit.progress, LONGNAN,
                                          pipeline.units("prefectures"), CAT)}
    assert list(ks) == list(kpi_cards.HEADLINE)
    gdp = ks["GDP"]
    assert kpi_cards.fmt_amount(gdp["level"], "万元") == "429.86亿元" and gdp["yoy"] == pytest.approx(5.2)
    (target,) = gdp["targets"]
    assert (target["target"], round(target["gap_pp"], 2), gdp["status_key"]) == (5.5, -0.3, "near")
    prefs = cockpit.growth.loc[pipeline.units("prefectures"), "GDP"]
    assert gdp["rank"] == 1 + int((prefs > prefs[LONGNAN]).sum()) and gdp["n"] == 14
    # two targets: the level target first (it has a pace), the card takes the worse status
    inv = ks["INVEST_IN"]
    assert [r["kind"] for r in inv["targets"]] == ["level", "growth"]
    assert [r["status"] for r in inv["targets"]] == ["behind", "far"] and inv["status_key"] == "far"
    card = kpi_cards.kpi_card(inv, CAT)
    assert card.style["borderLeft"].endswith(STATUS_COLOURS["far"])
    words = _text(card)
    assert "176.58亿元" in words and "增速 10.0%" in words and "严重落后" in words and "↗ 追赶中" in words
    assert f"增速全省第{inv['rank']}位（14个市州）" in words
    iva = _text(kpi_cards.kpi_card(ks["IVA"], CAT, "en"))  # growth only: the growth is the headline number
    assert "Growth 4.8%" in iva and "Above-scale industrial value added" in iva and "Behind" in iva


# ---------------------------------------------------------------- 需要关注

UNITS = ["621225", "621228", "621202", "620102", "620103"]
NAMES = {"621225": "西和县", "621228": "两当县", "621202": "武都区", "620102": "城关区", "620103": "七里河区"}
ATTENTION = rules.for_year(2026, CAT).attention  # the shipped 需要关注 rules


def _prog(*rows):
    """Completion rows against a 75% 序时进度; the printed gap (progress.shown_gap) from the one-decimal figures."""
    return pd.DataFrame([{"compare": "completion", "schedule_linear_pct": 75.0, "target": 100.0,
                          "ytd_level": r["completion_pct"], "gap_shown_pp": round(round(r["completion_pct"], 1) - 75.0, 1),
                          **r} for r in rows])


def _lines(values: dict, prog: pd.DataFrame, units=("621225", "621228", "621202"), limit=attention.MAX_ITEMS):
    inputs = rules.Inputs(units=list(units), set_units=UNITS, names=NAMES, place="province", catalogue=CAT,
                          values=pd.DataFrame(values, index=UNITS, dtype=float), progress=prog)
    return attention.lines(rules.evaluate(ATTENTION, inputs), CAT, limit=limit)


def test_attention_lines_worst_first():
    values = {"FAI": [-16.4, 5.0, 3.0, -20.0, 1.0], "IVA": [4.0, -17.1, 6.0, 2.0, 8.0]}
    prog = _prog({"region_code": "621202", "indicator": "INVEST_IN", "gap_linear_pp": -12.34, "completion_pct": 62.66},
                 {"region_code": "621228", "indicator": "INVEST_IN", "gap_linear_pp": -9.94,
                  "completion_pct": 65.06})  # 75.0 − 65.1 = 9.9, within the 10 pp of the rule: not named
    got = _lines(values, prog)
    assert [i["zh"] for i in got] == [
        "两当县规模以上工业增加值下降17.1%，全省倒数第1",  # last and negative: the place says it, 负增长 is not repeated
        "西和县固定资产投资下降16.4%，全省倒数第2",
        "武都区招商引资到位资金完成年度目标的62.7%，低于序时进度12.3个百分点",
    ]
    assert [i["cls"] for i in got] == ["last", "second", "behind"]
    assert got[0]["rules"] == ["headline_bottom2", "headline_negative"]
    assert got[1]["en"] == "西和县: Fixed-asset investment (excl. rural households) growth -16.4%, 2nd lowest in the province"
    assert _lines(values, prog, limit=1)[0]["code"] == "621228"


def test_attention_negative_growth_and_schedule_in_one_line():
    prog = _prog({"region_code": "621225", "indicator": "INVEST_IN", "gap_linear_pp": -22.7, "completion_pct": 52.3})
    (item,) = _lines({"INVEST_IN": [-1.0, 5.0, 3.0, -20.0, -30.0]}, prog)
    assert item["zh"] == "西和县招商引资到位资金下降1.0%，负增长；完成年度目标的52.3%，低于序时进度22.7个百分点"
    assert item["en"].endswith("negative; at 52.3% of the annual target, 22.7 pp behind schedule")
    assert item["cls"] == "negative"
    # -0.04 rounds to 0.0: 持平, not 负增长
    assert _lines({"INVEST_IN": [-0.04, 5.0, 3.0, -20.0, -30.0]}, prog.iloc[:0], units=["621225"]) == []


def test_attention_on_the_demo_province(cockpit):
    province = [c for c in cockpit.growth.index if REGIONS[c].level == "county"]
    counties = [r.code for r in REGIONS.counties_of(LONGNAN)]
    got, n = view.needs_attention(cockpit, REGIONS, CAT)
    assert n == 86 and 0 < len(got) <= attention.MAX_ITEMS and {i["code"] for i in got} <= set(counties)
    assert [i["key"] for i in got] == sorted(i["key"] for i in got)
    texts = [i["zh"] for i in got]
    assert "两当县规模以上工业增加值下降17.1%，负增长" in texts
    assert "西和县固定资产投资下降16.4%，负增长" in texts
    for i in got:  # a 倒数第k is the county's place from the bottom among the 86 counties
        if "倒数第" in i["zh"]:
            col = cockpit.growth.loc[province, i["indicator"]]
            k = _place(i["zh"])
            assert k == 1 + int((col < col[i["code"]]).sum()) and len(col.dropna()) == 86
    links = view.attention_list(got, "?period=2026Q3", "zh").children
    assert links[0].href == f"/county/{got[0]['code']}?period=2026Q3" and links[0].children.startswith("1. ")


def _place(text: str) -> int:
    return int(re.search(r"倒数第(\d+)", text).group(1))


def _rules_dir(tmp_path, edit):
    for year in rules.rules_years():
        text = (rules.RULES_DIR / f"{year}.rules.toml").read_text(encoding="utf-8")
        (tmp_path / f"{year}.rules.toml").write_text(edit(text) if year == 2026 else text, encoding="utf-8")
    return tmp_path


def test_the_attention_list_follows_the_rules_file(cockpit, tmp_path, monkeypatch):
    shipped, _ = view.needs_attention(cockpit, REGIONS, CAT)
    shipped_tail = [i for i in shipped if "全省倒数第" in i["zh"]]
    wider = _rules_dir(tmp_path, lambda s: s.replace('places = 2\nzh = "主要指标累计增速居全省县区后两位"',
                                                     'places = 30\nzh = "主要指标累计增速居全省县区后30位"'))
    monkeypatch.setattr(rules, "RULES_DIR", wider)
    got, _ = view.needs_attention(cockpit, REGIONS, CAT)
    tail = [i for i in got if "全省倒数第" in i["zh"]]
    places = [_place(i["zh"]) for i in tail]
    assert len(tail) > len(shipped_tail) and max(places) <= 30
    assert max(places) > 2  # places the shipped rule (bottom 2) leaves out  # places the shipped rule (bottom 2) leaves out
    assert got[:len(tail)] == tail  # the first rule of the file sorts first
    text = attention.rule_text(reading.rules_for(2026), 86)
    assert text.startswith("判断规则（对照全省86个县区）：主要指标累计增速居全省县区后30位；主要指标累计增速为负")


def test_a_bad_rules_file_is_named_on_the_page(demo_store, tmp_path, monkeypatch):
    app = create_app(demo_store, secret=TEST_SECRET)
    layout = next(p for p in dash.page_registry.values() if p["path"] == "/")["layout"]
    monkeypatch.setattr(rules, "RULES_DIR", _rules_dir(tmp_path, lambda s: s.replace('kind = "indicator_bottom"',
                                                                                      'kind = "indicator_botom"')))
    with as_user(app, demo_store):
        text = _text(layout(period="2026Q3", scope="city:621200"))
    assert "2026.rules.toml 规则“headline_bottom2”：未知类型“indicator_botom”，可选类型为composite_bottom" in text
    assert "地区生产总值" in text  # the rest of the page is there


def test_the_attention_export_has_every_finding(demo_store):
    from test_access import post

    app = create_app(demo_store, secret=TEST_SECRET)
    add_test_accounts(demo_store)
    client = logged_in_client(app, "leader")
    inputs = [{"id": ids.COCKPIT_ATTENTION_XLSX, "property": "n_clicks", "value": None},
              {"id": ids.COCKPIT_ATTENTION_CSV, "property": "n_clicks", "value": 1}]
    search = [{"id": ids.LOCATION, "property": "search", "value": "?period=2026Q3&scope=city:621200"}]
    r = post(client, f"{ids.COCKPIT_ATTENTION_DOWNLOAD}.data", inputs, search,
             changed=[f"{ids.COCKPIT_ATTENTION_CSV}.n_clicks"])
    assert r.status_code == 200, r.get_data(as_text=True)
    sent = r.get_json()["response"][ids.COCKPIT_ATTENTION_DOWNLOAD]["data"]
    rows = pd.read_csv(io.BytesIO(base64.b64decode(sent["content"])), encoding="utf-8-sig", dtype=str)
    data.use_store(demo_store)
    found = reading.attention(data.snap(), "2026-09", "2026Q3", LONGNAN)
    assert sent["filename"].startswith("attention_621200_2026-09_") and len(rows) == len(found) > 0
    assert list(rows.columns) == ["代码", "县区", "指标", "规则代码", "规则", "情况", "数值"]
    assert "两当县" in set(rows["县区"]) and "规模以上工业增加值下降17.1%，负增长" in set(rows["情况"])
    assert "value=-17.1; measure=cum_yoy" in set(rows["数值"])
    exports = audit.entries(demo_store, action="export", user="leader")
    assert sent["filename"] in set(exports["target"])
    inputs[0]["value"], inputs[1]["value"] = 1, None  # .xlsx: a title row with the period and the data state
    r = post(client, f"{ids.COCKPIT_ATTENTION_DOWNLOAD}.data", inputs, search,
             changed=[f"{ids.COCKPIT_ATTENTION_XLSX}.n_clicks"])
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(r.get_json()["response"][ids.COCKPIT_ATTENTION_DOWNLOAD]
                                                             ["data"]["content"])))
    sheet = book.active
    assert sheet["A1"].value == f"需要关注 · 陇南市 · 2026年三季度（1-9月）（数据状态 {data.state()}）"
    assert sheet.max_row == len(found) + 2 and sheet["F2"].value == "情况"
    # a viewer scoped to 礼县 gets no other prefecture's list
    scoped = logged_in_client(app, "lixian")
    other = [{"id": ids.LOCATION, "property": "search", "value": "?period=2026Q3&scope=city:620100"}]
    assert post(scoped, f"{ids.COCKPIT_ATTENTION_DOWNLOAD}.data", inputs, other,
                changed=[f"{ids.COCKPIT_ATTENTION_XLSX}.n_clicks"]).status_code == 403


def test_tile_clicks_keep_the_query_string():
    click = {"points": [{"customdata": "621225"}]}
    assert view.click_href(click, "?period=2026Q3&lang=en", "county") == "/county/621225?period=2026Q3&lang=en"
    with_counties = {"620800", LONGNAN}
    assert view.click_href({"points": [{"customdata": "620800"}]}, "?period=2026Q3", "prefecture",
                           with_counties) == "/?period=2026Q3&scope=city%3A620800"
    assert view.click_href({"points": [{"customdata": "620200"}]}, "", "prefecture", with_counties) is None
    assert view.click_href(None, "", "county") is None and view.click_href({"points": [{}]}, "", "county") is None


def test_layout_in_both_languages(demo_store):
    app = create_app(demo_store, secret=TEST_SECRET)
    layout = next(p for p in dash.page_registry.values() if p["path"] == "/")["layout"]
    with as_user(app, demo_store):
        zh = _text(layout(period="2026Q3", scope="city:621200"))
        en = _text(layout(period="2026Q3", scope="city:622900", lang="en"))
    assert "总览 · 陇南市 · 2026年三季度（1-9月）" in zh and "需要关注" in zh and "地区生产总值" in zh
    assert "数据状态 " in zh and "市州间得分" in zh and "全省14个市州第" in zh
    assert "Overview · 临夏回族自治州 · 2026 Q3 (Jan–Sep 2026)" in en and "Needs attention" in en
    assert "需要关注" not in en and "增速" not in en


# ---------------------------------------------------------------- in chromium

@pytest.mark.browser
def test_cockpit_in_chromium(dash_duo, demo_store):
    """Open the cockpit from a URL, see Longnan's KPIs, maps and attention list, on a laptop and a phone."""
    login_as(dash_duo, demo_store)
    dash_duo.driver.set_window_size(1440, 2000)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/?period=2026Q3", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.COCKPIT_ATTENTION}", "西和县", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.COCKPIT_KPIS}", "地区生产总值", timeout=20)
    dash_duo.wait_for_contains_text(f"#{ids.COCKPIT_SCORE}", "全省14个市州", timeout=20)
    dash_duo.wait_for_element(f"#{ids.COCKPIT_COUNTY_MAP} .heatmaplayer", timeout=20)
    dash_duo.wait_for_element(f"#{ids.COCKPIT_PREF_MAP} .heatmaplayer", timeout=20)
    assert "宕昌" in dash_duo.find_element(f"#{ids.COCKPIT_COUNTY_MAP}").text
    OUTPUT.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(OUTPUT / "cockpit_longnan_1440.png"))
    dash_duo.driver.set_window_size(390, 3400)
    dash_duo.wait_for_contains_text(f"#{ids.COCKPIT_ATTENTION}", "西和县", timeout=10)
    # one column, nothing wider than the phone (plotly resizes its graphs a moment after the window)
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: d.execute_script("return document.documentElement.scrollWidth") <= 390)
    dash_duo.driver.save_screenshot(str(OUTPUT / "cockpit_longnan_390.png"))
    assert [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"] == []
    # a click on 武都's tile (row 1, column 1 of Longnan's 3 × 4 grid) opens its county page, same period
    drag = dash_duo.find_element(f"#{ids.COCKPIT_COUNTY_MAP} .nsewdrag")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", drag)
    w, h = drag.rect["width"], drag.rect["height"]
    ActionChains(dash_duo.driver).move_to_element(drag).pause(0.3).move_by_offset(
        int(w * (1.5 / 4 - 0.5)), int(h * (1.5 / 3 - 0.5))).pause(0.3).click().perform()
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "/county/621202?period=2026Q3" in d.current_url)
