"""方法 (method page): the scheme table, weights beside entropy / CRITIC, and the ranking's sensitivity as plain
functions on the demo province, then the page in real chromium at laptop and phone width."""

from pathlib import Path

import pandas as pd
import pytest
from selenium.webdriver.support.ui import WebDriverWait
from ui_helpers import PHONE_FITS, login_as

from indicators import reading, rules
from indicators.scheme import SchemeIndicator
from indicators.weights import WEIGHTINGS
from layouts import data, ids
from layouts import method_view as view
from loaders import catalogue

OUTPUT = Path(__file__).resolve().parent / "output"
LONGNAN = "city:621200"
CAT = catalogue.default()


@pytest.fixture
def card(demo_store):
    data.use_store(demo_store)
    return reading.scorecard(data.snap(), "2026Q3", LONGNAN)


def test_scheme_rows_list_every_indicator_with_its_weight_mode_and_rule(card):
    rows = view.scheme_rows(card.scheme, card.result.weights, CAT)
    assert [r["indicator"] for r in rows] == [CAT[c].name_zh for c in card.scheme.codes]
    by = {r["code"]: r for r in rows}
    assert (by["GDP"]["pillar"], by["GDP"]["weight"], by["GDP"]["effective_pct"]) == ("经济增长", 12.0, 12.0)
    assert sum(r["effective_pct"] for r in rows) == pytest.approx(100.0)
    assert by["GDP"]["scoring"] == "功效系数法" and by["GDP"]["how"].startswith("60 + 40·x′")
    assert by["TAX_SHARE"]["scoring"] == "门槛法" and "40" in by["TAX_SHARE"]["how"] and "85" in by["TAX_SHARE"]["how"]
    assert by["NEW_SISHANG"]["scoring"] == "实现程度" and by["NEW_SISHANG"]["measure"] == "累计值"
    english = {r["code"]: r for r in view.scheme_rows(card.scheme, card.result.weights, CAT, "en")}
    assert english["TAX_SHARE"]["scoring"] == "Goalposts" and english["GDP"]["indicator"] == CAT["GDP"].name_en


@pytest.mark.parametrize("ind, text", [
    (SchemeIndicator("X", 1, scoring="goalposts", lower=40.0, upper=85.0),
     "100·(x − 40)/(85 − 40)，40 以下 0 分、85 以上 100 分"),
    (SchemeIndicator("X", 1, direction=-1, scoring="goalposts", lower=1.5, upper=4.0),
     "越低越好：1.5 以下 100 分、4 以上 0 分，其间按比例"),
    (SchemeIndicator("X", 1, scoring="rank_points", full_marks=100.0, step=0.05), "第一名 100 分，每后退一位少 5%"),
    (SchemeIndicator("X", 1, scoring="target", partial=True), "完成目标得满分，未完成按 实际/目标 计分"),
    (SchemeIndicator("X", 1, scoring="minmax"), "100·(x − 最小值)/(最大值 − 最小值)：最差 0 分、最好 100 分"),
])
def test_each_scoring_mode_has_a_one_line_explanation(ind, text):
    assert view.scoring_how(ind) == text


def test_weights_used_sit_beside_the_engines_entropy_and_critic(card):
    w = view.weight_table(card.matrix, card.scheme, card.result.weights)
    assert list(w.index) == card.scheme.codes and list(w.columns) == ["used", "entropy", "critic"]
    assert w.sum().round(9).tolist() == [1.0, 1.0, 1.0]
    pd.testing.assert_series_equal(w["entropy"], WEIGHTINGS["entropy"](card.matrix, card.scheme)
                                   .reindex(card.scheme.codes), check_names=False)
    fig = view.weights_figure(w, {c: CAT[c].name_zh for c in w.index})
    assert [tr.name for tr in fig.data] == ["实际权重", "熵权法", "CRITIC 法"]
    assert fig.layout.barmode == "group" and list(fig.data[0].y)[0] == "地区生产总值"
    assert list(fig.data[0].x)[0] == 12.0  # GDP: 12 of 100 points, in %


def _table(rows):
    t = pd.DataFrame(rows, columns=["code", "region_name", "rank", "rank_p05", "rank_p95", "not_distinct_from"])
    return t.set_index("code")


def test_sensitivity_counts_intervals_wider_than_three_places_and_lists_each_pair_once():
    table = _table([
        ("a", "甲县", 1, 1, 1, []),
        ("b", "乙县", 2, 2, 6, ["c"]),  # 4 places wide
        ("c", "丙县", 3, 2, 5, ["b", "d"]),  # 3 places: not wider than three
        ("d", "丁县", 4, 3, 10, ["c"]),  # 7
        ("e", "戊县", None, None, None, []),  # not ranked
    ])
    stats = view.sensitivity(table)
    assert (stats["n"], stats["wide"], stats["share"], stats["mean_width"]) == (4, 2, 0.5, 3.5)
    assert stats["pairs"][["rank_a", "name_a", "rank_b", "name_b", "interval_b"]].values.tolist() == [
        [2, "乙县", 3, "丙县", "2–5"], [3, "丙县", 4, "丁县", "3–10"]]
    sentence = view.sensitivity_sentence(stats, "县区")
    assert sentence.startswith("在 4 个县区中，有 2 个的名次区间超过 3 位（占 50%），名次区间平均跨 3.5 位")
    assert "有 2 对区间重叠" in sentence
    assert view.sensitivity_sentence(stats, "counties", "en").startswith(
        "Of the 4 counties, 2 (50%) have a rank interval wider than 3 places")


def test_sensitivity_of_the_demo_ranking_agrees_with_the_scorecard(card):
    stats = view.sensitivity(card.table)
    width = card.table["rank_p95"] - card.table["rank_p05"]
    assert stats["n"] == 9 and stats["wide"] == int((width > 3).sum())
    assert len(stats["pairs"]) == sum(len(x) for x in card.table["not_distinct_from"]) // 2
    assert (stats["pairs"]["rank_b"] == stats["pairs"]["rank_a"] + 1).all()  # neighbours only


@pytest.mark.browser
def test_the_years_rules_are_listed_in_the_files_words(tmp_path, monkeypatch):
    (interview, ilines), (attention, alines) = view.rule_lines(reading.rules_for(2026), CAT)
    assert interview.startswith("约谈") and attention.startswith("需要关注")
    assert ilines[0] == "综合得分连续两个季度位列后3位 · 综合得分连续2个季度位列后3位"
    assert ilines[2] == ("核心指标负增长且位列后3位 · 负增长且位列后3位 · 指标：地区生产总值、规模以上工业增加值、"
                         "固定资产投资、社会消费品零售总额、一般公共预算收入")
    assert alines[2].startswith("主要指标完成年度目标低于序时进度10个百分点及以上 · 完成年度目标低于序时进度10个百分点及以上")
    (_, en), _ = view.rule_lines(reading.rules_for(2026), CAT, "en")
    assert en[1] == "Composite score in the bottom 3 · composite score in the bottom 3"
    # a year without its own file says whose rules apply
    for year in (2024, 2025):
        (tmp_path / f"{year}.rules.toml").write_bytes((rules.RULES_DIR / f"{year}.rules.toml").read_bytes())
    monkeypatch.setattr(rules, "RULES_DIR", tmp_path)
    assert reading.rules_for(2026).carried_from == 2025


def test_method_page_in_chromium(dash_duo, demo_store):
    """Open the method page for Longnan from a URL: scheme, weights chart and the sentence, laptop and phone."""
    login_as(dash_duo, demo_store)
    dash_duo.driver.set_window_size(1440, 2200)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/method?period=2026Q3&scope={LONGNAN}", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.METHOD_SENTENCE}", "在 9 个县区中", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.METHOD_SCHEME_GRID}", "新增入统“四上”企业", timeout=20)
    dash_duo.wait_for_element(f"#{ids.METHOD_WEIGHTS_CHART} .barlayer", timeout=20)
    assert "熵权法" in dash_duo.find_element(f"#{ids.METHOD_WEIGHTS_CHART}").text
    dash_duo.wait_for_contains_text(f"#{ids.METHOD_RULES}", "2026.rules.toml", timeout=10)
    assert "综合得分连续两个季度位列后3位" in dash_duo.find_element("body").text
    OUTPUT.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(OUTPUT / "method_longnan_1440.png"))
    dash_duo.driver.set_window_size(390, 3000)
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.execute_script(PHONE_FITS))
    WebDriverWait(dash_duo.driver, 10).until(  # the header still names the comparison set
        lambda d: d.execute_script(f"return document.getElementById('{ids.SCOPE}').value") == "陇南市")
    dash_duo.driver.save_screenshot(str(OUTPUT / "method_longnan_390.png"))
    assert [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"] == []
