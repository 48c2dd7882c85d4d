"""排名 with the 2026 scheme's county types and honour lists on the demo province: the lists the page shows equal
assess() run directly on the same matrix (the scorecard's, the demo's uploaded types read from its file, the same
quarter of 2025 scored with the 2026 scheme), the type filter shows one type's ranking and goes into the URL, the
export carries the new columns, the county page and the method page say the same; a veto on a small matrix."""

import importlib

import pandas as pd
import pytest
from dash import _callback
from ui_helpers import component_text as _text

from app import create_app
from indicators import pipeline, reading
from indicators.assessing import AssessedQuarter, year_earlier
from indicators.assessment import assess
from indicators.scheme import parse
from layouts import data, ids, method_view
from layouts import honours_view as hv
from loaders import catalogue
from loaders.demo import DEMO_DIR
from loaders.regions import default as regions

QUARTER, CITY_DISTRICT = "2026Q3", "620102"  # 城关区
GOLDEN = DEMO_DIR.parent.parent / "tests" / "golden" / "score_2026Q3_province.csv"


@pytest.fixture
def keep_callbacks():
    saved = list(_callback.GLOBAL_CALLBACK_LIST), dict(_callback.GLOBAL_CALLBACK_MAP)
    yield
    _callback.GLOBAL_CALLBACK_LIST[:] = saved[0]
    _callback.GLOBAL_CALLBACK_MAP.clear()
    _callback.GLOBAL_CALLBACK_MAP.update(saved[1])


@pytest.fixture
def aq(demo_store) -> AssessedQuarter:
    data.use_store(demo_store)
    return reading.assessment(data.snap(), QUARTER)


@pytest.fixture
def page(demo_store, keep_callbacks):
    create_app(demo_store)
    return importlib.import_module("layouts.pages.rankings")


def _direct(store):
    """assess() on the scorecard's matrix, the demo file's types (names, as written) and 2025Q3 (2026 scheme)."""
    card = reading.scorecard(reading.snapshot(store), QUARTER, "province")
    before = pipeline.scorecard(store, year_earlier(QUARTER), "province", scheme=card.scheme, draws=0,
                                with_previous=False)
    (path,) = DEMO_DIR.glob("县域类型_2026年_*.csv")
    file = pd.read_csv(path, skiprows=1, dtype=str).fillna("")
    names = regions()
    groups = pd.DataFrame({"unit": [names.resolve(n) for n in file["县区"]], "group": file["类型"],
                           "group2": file["第二类型"]})
    matrix = card.matrix.assign(**{a.code: float("nan") for a in card.scheme.adjustments},
                                **{v.code: float("nan") for v in card.scheme.vetoes})
    prev = before.matrix.assign(**{a.code: float("nan") for a in card.scheme.adjustments},
                                **{v.code: float("nan") for v in card.scheme.vetoes})
    return assess(matrix, card.scheme, groups=groups, previous=prev, targets=card.targets,
                  previous_targets=before.targets)


def test_the_honour_lists_equal_assess_on_the_same_matrix(aq, demo_store):
    direct = _direct(demo_store)
    pd.testing.assert_frame_equal(aq.assessment.honours, direct.honours)
    pd.testing.assert_frame_equal(aq.assessment.table, direct.table)
    assert aq.previous_quarter == "2025Q3"
    lists = aq.assessment.honours.groupby("code")["unit"].count()
    assert lists["strong"] >= 10 and lists["progress"] >= 1
    assert lists["advanced"] >= 2 * len(aq.scheme.groups)  # two per type (more only when tied)


def test_the_strong_list_is_the_golden_top_ten(aq):
    golden = pd.read_csv(GOLDEN, dtype={"region_code": str}).set_index("region_code")
    strong = aq.assessment.honours[aq.assessment.honours["code"] == "strong"]
    assert set(strong["unit"]) == set(golden.index[golden["rank"] <= 10])
    assert list(strong["place"]) == sorted(golden.loc[strong["unit"], "rank"])


def test_the_card_lists_each_honour_with_its_place_and_why(aq):
    text = _text(hv.honours_card(aq, "", "zh")).replace(" ", "")
    rows = hv.honour_rows(aq)
    assert "强县（综合排名前10）" in text and "先进县（每个类型前2）" in text
    assert "进步县（较上年同期进步最多的10个）" in text
    for r in rows:
        assert f"{r['place']}.{r['region']}—{r['why']}" in text
    first = next(r for r in rows if r["code"] == "strong" and r["place"] == 1)
    assert first["why"] == "综合排名第1名"
    progress = [r for r in rows if r["code"] == "progress"]
    units = hv.units_table(aq)
    for r in progress:
        u = units.loc[r["unit"]]
        moved = int(u["previous_rank"]) - int(u["rank"])
        assert r["why"].startswith(f"较上年同期前进{moved}位（第{int(u['previous_rank'])}名→第{int(u['rank'])}名）")
    assert "进步县按全省名次较2025年三季度前进的位数排序" in text
    # the card says what it was computed from: it is cut out and forwarded without the page's title
    stated = _text(hv.honours_card(aq, "", "zh", state="abc123", simulated=True)).replace(" ", "")
    assert "2026年三季度·全省86个县区（同一套得分）·数据状态abc123·模拟数据" in stated
    english = _text(hv.honours_card(aq, "", "en", state="abc123", simulated=True))
    assert "Honour lists" in english and "the province's 86 counties" in english and "Simulated data" in english
    assert "（" not in english.replace("（并列）", "")  # no Chinese brackets around English words


def test_the_page_shows_the_filter_and_the_lists_and_a_type_shows_its_own_ranking(page, aq):
    whole = page.layout(period=QUARTER)
    assert "评优榜单" in _text(whole) and "城市服务型" in str(whole)
    grid = _find(whole, ids.RANK_GRID)
    assert {"types", "honours"} <= {c["field"] for c in grid.columnDefs}
    row = next(r for r in grid.rowData if r["region_code"] == CITY_DISTRICT)
    assert row["types"] == "城市服务型"
    one = page.layout(period=QUARTER, group="industry")
    grid = _find(one, ids.RANK_GRID)
    table = aq.assessment.table
    mine = table[table["group"] == "industry"].sort_values(["group_rank", "unit"])
    assert [r["region_code"] for r in grid.rowData] == list(mine["unit"])
    assert [r["group_rank"] for r in grid.rowData] == [int(x) for x in mine["group_rank"]]
    assert grid.columnDefs[0]["headerName"] == "类型内名次"
    assert "综合评价排名 · 全省 · 2026年三季度 · 工业主导型" in _text(one).replace("全省县区", "全省")
    assert _find(page.layout(period=QUARTER, group="nonsense"), ids.RANK_GROUP).value == ""
    assert _find(page.layout(period=QUARTER, scope="city:621200"), ids.RANK_GROUP) is None


def test_the_type_filter_goes_into_the_url_keeping_the_other_keys():
    assert hv.group_search("industry", "?period=2026Q3") == "?period=2026Q3&group=industry"
    assert hv.group_search("", "?period=2026Q3&group=industry") == "?period=2026Q3"
    assert hv.group_search("industry", "?period=2026Q3&group=industry") is None


def test_exports_carry_the_types_honours_and_a_types_ranking(aq):
    from layouts.ranking_table import export_table

    card = reading.scorecard(data.snap(), QUARTER, "province")
    frame, cols = export_table(card.table, card.scheme.pillars, "zh", "province", aq)
    assert [c.header for c in cols][-3:] == ["县域类型", "荣誉", "说明"]
    top = frame[frame["rank"] == 1].iloc[0]
    assert "强县" in top["honours"]
    frame, cols = hv.group_export(aq, "ecology", "zh")
    assert [c.header for c in cols][:3] == ["类型内名次", "地区", "类型内得分"]
    assert list(frame["group_rank"])[:2] == [1, 2] and "先进县" in frame["honours"].iloc[0]


def test_the_county_line_names_its_types_ranks_and_honours(aq):
    table = aq.assessment.table
    two = table[table["group"] != ""].groupby("unit")["group"].count()
    unit = two[two == 2].index[0]
    line = hv.county_line(aq, unit)
    for g, r in zip(table.loc[table["unit"] == unit, "group"], table.loc[table["unit"] == unit, "group_rank"],
                    strict=True):
        assert f"{hv.type_names(aq.scheme)[g]}第{int(r)}名" in line
    top = aq.assessment.honours.iloc[0]
    assert f"{top['name']}（" in hv.county_line(aq, top["unit"])


def test_the_method_page_explains_types_honours_improvement_adjustments_and_veto(aq):
    lines = method_view.assessment_lines(aq.scheme, catalogue.default())
    text = "\n".join(lines)
    assert "县域类型（5类）" in text and "只与同类型县区比较" in text
    assert "工业主导型：规模以上工业增加值 18（全省10）" in text
    assert "生态功能型：" in text and "全社会用电量 0（全省4）" in text
    assert "强县（综合排名前10）、先进县（每个类型前2）、进步县（较上年同期进步最多的10个）" in text
    assert "上年名次 − 本期名次" in text
    assert "招商引资加分（加分，单项最多3分）、环保督察扣分（扣分，单项最多2分）" in text
    assert "一票否决：发生重大安全生产事故、发生重大环境污染事件" in text
    assert method_view.assessment_lines(parse({"scheme": {"name": "x", "year": 2026},
                                               "indicators": [{"code": "GDP", "weight": 1}]},
                                              catalogue=catalogue.default()), catalogue.default()) == []


def test_a_vetoed_county_is_named_with_its_reason_and_the_next_takes_its_place():
    scheme = parse({"scheme": {"name": "t", "year": 2026},
                    "indicators": [{"code": "X", "weight": 1, "measure": "cum_yoy"}],
                    "honours": [{"code": "strong", "name": "强县", "kind": "overall", "top": 2}],
                    "veto": [{"code": "V", "name": "发生重大安全生产事故"}]}, columns=["X", "V"])
    m = pd.DataFrame({"X": [9.0, 7.0, 5.0, 1.0], "V": [1.0, None, None, None]},
                     index=["621221", "621226", "621227", "621228"])
    result = assess(m, scheme)
    aq = AssessedQuarter(QUARTER, "province", scheme, result, None, veto_notes={"621221": "某煤矿事故"})
    text = _text(hv.honours_card(aq, "", "zh")).replace(" ", "")
    assert "1.礼县—综合排名第2名" in text and "2.徽县—综合排名第3名" in text and "成县—" not in text
    assert "不参与评优：成县（一票否决：发生重大安全生产事故（某煤矿事故），不参与评优）" in text
    assert hv.county_line(aq, "621221") == "一票否决：发生重大安全生产事故（某煤矿事故），不参与评优"


def _find(component, cid):
    if getattr(component, "id", None) == cid:
        return component
    children = getattr(component, "children", None)
    for c in children if isinstance(children, list | tuple) else [children]:
        if c is not None and not isinstance(c, str | int | float):
            hit = _find(c, cid)
            if hit is not None:
                return hit
    return None
