"""约谈 / 需要关注 rules as data (indicators/rules.py): validation messages, each kind on small frames (ties, missing
values), carry-forward of a year without its own file, and the shipped files."""

import shutil

import pandas as pd
import pytest

from indicators import rules, scheme
from loaders import catalogue, regions

CAT = catalogue.default()
SRC = "2026.rules.toml"
A, B, C, D, E = "621202", "621221", "621222", "621223", "621224"
NAMES = {A: "武都区", B: "成县", C: "文县", D: "宕昌县", E: "康县"}


def _parse(*interview, attention=()):
    return rules.parse({"interview": list(interview), "attention": list(attention)}, source=SRC, year=2026,
                       catalogue=CAT)


def _errors(*interview, **raw) -> list[str]:
    with pytest.raises(rules.RulesError) as exc:
        rules.parse(raw or {"interview": list(interview)}, source=SRC, year=2026, catalogue=CAT)
    return exc.value.messages


OK = {"id": "bottom3", "kind": "composite_bottom", "places": 3, "zh": "综合得分位列后3位", "en": "Bottom 3"}


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize("change, message", [
    ({"kind": "bottm"}, "2026.rules.toml 规则“bottom3”：未知类型“bottm”，可选类型为composite_bottom、"
                        "composite_bottom_running、indicator_negative_bottom、indicator_bottom、indicator_negative、"
                        "behind_schedule、indicator_last、ledger_overdue、ledger_rate_last、ledger_rate_below、units_zero"),
    ({"places": 0}, "2026.rules.toml 规则“bottom3”：places 应为正整数，得到 0；位列后几位，如 places = 3"),
    ({"places": 2.5}, "2026.rules.toml 规则“bottom3”：places 应为正整数，得到 2.5；位列后几位，如 places = 3"),
    ({"places": True}, "2026.rules.toml 规则“bottom3”：places 应为正整数，得到 True；位列后几位，如 places = 3"),
    ({"place": 3}, "2026.rules.toml 规则“bottom3”：类型 composite_bottom 没有参数“place”；可用参数为id、kind、zh、en、places"),
    ({"zh": ""}, "2026.rules.toml 规则“bottom3”：缺少规则表述 zh；请写 zh = \"综合得分连续两个季度位列后3位\"（通报列出的规则原文）"),
    ({"kind": "composite_bottom_running", "quarters": 1},
     "2026.rules.toml 规则“bottom3”：quarters 应为不小于2的整数（连续几个季度），得到 1；如 quarters = 2"),
    ({"kind": "indicator_bottom", "indicators": ["GDP", "FAII"]},
     "2026.rules.toml 规则“bottom3”：未知指标“FAII”；指标目录中的代码有" + "、".join(CAT.codes)),
    ({"kind": "indicator_negative", "places": None, "indicators": ["ARREARS_RATE"]},
     "2026.rules.toml 规则“bottom3”：清欠完成率（ARREARS_RATE）不发布增速，类型 indicator_negative 判断负增长，只能用于有增速的指标"),
    ({"kind": "indicator_last", "places": None, "indicators": ["ARREARS_OWED"]},
     "2026.rules.toml 规则“bottom3”：拖欠民营中小企业账款应清偿额（ARREARS_OWED）方向为0，不参与排名；请改用有方向的指标"),
    ({"kind": "behind_schedule", "places": None, "indicators": ["FAI"], "pp": 10},
     "2026.rules.toml 规则“bottom3”：固定资产投资（FAI）不是累计值指标，没有完成年度目标的序时进度；"
     "请用有年度总量目标的指标（如 ARREARS_PAID）"),
    ({"kind": "behind_schedule", "places": None, "indicators": ["ARREARS_PAID"], "pp": -1},
     "2026.rules.toml 规则“bottom3”：pp 应为不小于0的数（低于序时进度的个百分点），得到 -1；如 pp = 10"),
    ({"kind": "indicator_bottom", "indicators": "GDP"},
     "2026.rules.toml 规则“bottom3”：indicators 应为指标代码的列表（如 indicators = [\"GDP\", \"FAI\"]）或 \"scheme\"（当年方案的指标），"
     "得到 'GDP'"),
])
def test_a_bad_rule_is_named_with_its_field_and_the_fix(change, message):
    rule = {k: v for k, v in (OK | change).items() if v is not None}
    assert _errors(rule) == [message]


def test_every_problem_is_reported_at_once():
    msgs = _errors(OK | {"kind": "bottm"}, OK, OK | {"id": "x", "places": -2}, {"kind": "composite_bottom"})
    assert msgs == [
        "2026.rules.toml 规则“bottom3”：未知类型“bottm”，可选类型为" + "、".join(rules.KINDS),
        "2026.rules.toml 规则“bottom3”：id 重复；每条规则的 id 在文件中只能出现一次，请改用另一个 id",
        "2026.rules.toml 规则“x”：places 应为正整数，得到 -2；位列后几位，如 places = 3",
        "2026.rules.toml [[interview]] 第4条规则：缺少 id；请写 id = \"bottom3\" 这样的简短英文标识",
        "2026.rules.toml [[interview]] 第4条规则：缺少规则表述 zh；请写 zh = \"综合得分连续两个季度位列后3位\"（通报列出的规则原文）",
        "2026.rules.toml [[interview]] 第4条规则：缺少规则表述 en；请写 en = \"composite score in the bottom 3 two quarters "
        "running\"（通报列出的规则原文）",
        "2026.rules.toml [[interview]] 第4条规则：places 应为正整数，得到 None；位列后几位，如 places = 3",
    ]
    assert _errors(interviews=[OK]) == ["2026.rules.toml：未知列表“interviews”，可选 [[interview]]（约谈）、"
                                        "[[attention]]（需要关注）"]


def test_ids_are_unique_across_both_lists_and_bad_toml_says_so(tmp_path):
    with pytest.raises(rules.RulesError) as exc:
        _parse(OK, attention=[OK])
    assert exc.value.messages == ["2026.rules.toml 规则“bottom3”：id 重复；每条规则的 id 在文件中只能出现一次，请改用另一个 id"]
    bad = tmp_path / SRC
    bad.write_text("[[interview]\nid = 1", encoding="utf-8")
    with pytest.raises(rules.RulesError, match=r"2026\.rules\.toml：不是有效的 TOML（.*）；请修正该行的写法"):
        rules.load(bad, CAT)


# ---------------------------------------------------------------- files: shipped, carried forward

def test_the_shipped_files_load_for_every_scheme_year():
    assert set(scheme.scheme_years()) <= set(rules.rules_years())
    for year in rules.rules_years():
        r = rules.for_year(year, CAT)
        assert r.year == year and r.carried_from == 0 and r.interview and r.attention and len(r.sha256) == 64
        kinds = {x.kind for x in r.interview}
        assert {"composite_bottom", "composite_bottom_running", "indicator_negative_bottom", "behind_schedule",
                "indicator_last"} <= kinds


def test_a_year_without_its_own_file_carries_the_newest_earlier_one(tmp_path):
    for year in (2024, 2026):
        shutil.copy(rules.RULES_DIR / f"{year}.rules.toml", tmp_path / f"{year}.rules.toml")
    (tmp_path / "2026.toml").write_text("", encoding="utf-8")  # a scheme beside it is not a rules file
    assert rules.rules_years(tmp_path) == [2024, 2026]
    assert (rules.for_year(2025, CAT, tmp_path).carried_from, rules.for_year(2025, CAT, tmp_path).year) == (2024, 2025)
    assert rules.for_year(2027, CAT, tmp_path).carried_from == 2026
    assert rules.for_year(2026, CAT, tmp_path).carried_from == 0
    with pytest.raises(rules.RulesError, match="2023年没有约谈/需要关注规则.*请添加 2023.rules.toml"):
        rules.for_year(2023, CAT, tmp_path)


# ---------------------------------------------------------------- each kind on small frames

def _inputs(place="city", values=None, cards=None, prog=None, units=(A, B, C, D, E)):
    return rules.Inputs(units=list(units), set_units=[A, B, C, D, E], names=NAMES, place=place, catalogue=CAT,
                        cards=cards or {}, values=pd.DataFrame(values or {}, index=[A, B, C, D, E], dtype=float),
                        progress=prog if prog is not None else pd.DataFrame(), scheme_codes=("GDP", "TAX_SHARE"))


def _card(scores):
    s = pd.Series(scores, index=[A, B, C, D, E], dtype=float)
    return pd.DataFrame({"region_name": [NAMES[c] for c in s.index], "score": s,
                         "rank": s.rank(ascending=False, method="min").astype("Int64")})


def _rule(kind, **kw):
    return _parse({"id": kind, "kind": kind, "zh": f"{kind} 规则", "en": f"{kind} rule", **kw}).interview


def _facts(found):
    return [(f.region_name, f.facts_zh) for f in found]


def test_composite_bottom_ties_and_a_unit_without_a_score():
    cards = {"2026Q3": _card([80.0, 70.0, 60.0, 60.0, None])}  # 宕昌 and 文县 tie last; 康县 has no score
    found = rules.evaluate(_rule("composite_bottom", places=1), _inputs(cards=cards))
    assert _facts(found) == [("文县", "综合得分60.00分，列全市第3位（共4个县区）"),
                             ("宕昌县", "综合得分60.00分，列全市第3位（共4个县区）")]
    assert found[0].values == {"quarter": "2026Q3", "score": 60.0, "rank": 3, "n": 4, "place_from_bottom": 1}
    two = rules.evaluate(_rule("composite_bottom", places=2), _inputs(place="prefectures", cards=cards))
    assert [f.region_name for f in two] == ["文县", "宕昌县"]  # 成县 is third from the bottom (two share last)
    assert two[0].facts_zh == "综合得分60.00分，列全省第3位（共4个市州）"
    assert rules.evaluate(_rule("composite_bottom", places=4), _inputs(cards=cards)) == []  # all 4 ranked: no tail


def test_composite_bottom_running_needs_every_quarter():
    cards = {"2025Q4": _card([60.0, 90.0, 50.0, 80.0, 85.0]), "2026Q1": _card([55.0, 90.0, 85.0, 80.0, None])}
    found = rules.evaluate(_rule("composite_bottom_running", places=2, quarters=2), _inputs(cards=cards))
    assert _facts(found) == [("武都区", "2025年四季度、2026年一季度综合得分分别列全市第4位、第4位（共4个县区）")]
    assert found[0].facts_en == "composite rank 4th (2025 Q4), 4th (2026 Q1) of 4 counties in the city"
    assert found[0].values["ranks"] == [4, 4] and found[0].values["quarters"] == ["2025Q4", "2026Q1"]
    three = rules.evaluate(_rule("composite_bottom_running", places=2, quarters=3), _inputs(cards=cards))
    assert three == []  # only two quarters have a score


@pytest.mark.parametrize("kind, kw, values, expected", [
    ("indicator_bottom", {"indicators": ["FAI"], "places": 2}, {"FAI": [-16.4, 5.0, 3.0, -20.0, None]},
     [("宕昌县", "固定资产投资下降20.0%，全市倒数第1"), ("武都区", "固定资产投资下降16.4%，全市倒数第2")]),
    ("indicator_bottom", {"indicators": ["FAI"], "places": 1}, {"FAI": [-5.0, 5.0, -5.0, 2.0, 9.0]},  # a tie
     [("武都区", "固定资产投资下降5.0%，全市倒数第1"), ("文县", "固定资产投资下降5.0%，全市倒数第1")]),
    ("indicator_bottom", {"indicators": ["FAI"], "places": 2}, {"FAI": [-5.0, 5.0, None, None, None]}, []),
    ("indicator_negative_bottom", {"indicators": ["FAI", "IVA"], "places": 2},
     {"FAI": [1.0, 5.0, 3.0, 2.0, 9.0], "IVA": [-1.0, -3.0, 2.0, 4.0, 6.0]},  # FAI's bottom two grew
     [("成县", "规模以上工业增加值下降3.0%，全市倒数第1"), ("武都区", "规模以上工业增加值下降1.0%，全市倒数第2")]),
    ("indicator_negative", {"indicators": ["FAI"]}, {"FAI": [-0.04, -0.05, 3.0, None, -2.0]},  # -0.04 is 持平
     [("康县", "固定资产投资下降2.0%，负增长"), ("成县", "固定资产投资下降0.1%，负增长")]),
    ("indicator_last", {"indicators": ["ARREARS_RATE"]}, {"ARREARS_RATE": [41.0, 88.0, 76.5, 90.0, None]},
     [("武都区", "清欠完成率41.0%，全市倒数第1")]),
    ("indicator_bottom", {"indicators": "scheme", "places": 1}, {"GDP": [5.0, 6.0, 7.0, 8.0, 9.0]},
     [("武都区", "地区生产总值增长5.0%，全市倒数第1")]),
])
def test_indicator_kinds(kind, kw, values, expected):
    assert _facts(rules.evaluate(_rule(kind, **kw), _inputs(values=values))) == expected


def test_place_words_of_each_set_in_both_languages():
    values = {"FAI": [-16.4, 5.0, 3.0, -20.0, 1.0]}
    words = {}
    for place in ("province", "city", "prefectures"):
        (last, second) = rules.evaluate(_rule("indicator_bottom", indicators=["FAI"], places=2),
                                        _inputs(place=place, values=values))
        words[place] = (second.facts_zh, second.facts_en, last.facts_en)
    assert words["province"] == ("固定资产投资下降16.4%，全省倒数第2",
                                 "Fixed-asset investment (excl. rural households) growth -16.4%, 2nd lowest in the province",
                                 "Fixed-asset investment (excl. rural households) growth -20.0%, lowest in the province")
    assert words["city"][0] == "固定资产投资下降16.4%，全市倒数第2"
    assert words["prefectures"][0] == "固定资产投资下降16.4%，5个市州中倒数第2"
    assert words["prefectures"][2].endswith("lowest of the 5 prefectures")


def test_behind_schedule_at_and_within_the_threshold():
    prog = pd.DataFrame([
        {"region_code": A, "indicator": "ARREARS_PAID", "compare": "completion", "completion_pct": 41.0,
         "schedule_linear_pct": 83.33, "gap_linear_pp": -42.33, "gap_shown_pp": -42.3, "target": 100.0, "ytd_level": 41.0},
        {"region_code": B, "indicator": "ARREARS_PAID", "compare": "completion", "completion_pct": 73.33,
         "schedule_linear_pct": 83.33, "gap_linear_pp": -10.0, "gap_shown_pp": -10.0, "target": 100.0, "ytd_level": 73.33},  # exactly 10
        {"region_code": C, "indicator": "ARREARS_PAID", "compare": "completion", "completion_pct": 73.36,
         "schedule_linear_pct": 83.33, "gap_linear_pp": -9.97, "gap_shown_pp": -9.9, "target": 100.0, "ytd_level": 73.36},  # 83.3 − 73.4
        {"region_code": D, "indicator": "ARREARS_PAID", "compare": "completion", "completion_pct": None,
         "schedule_linear_pct": 83.33, "gap_linear_pp": None, "gap_shown_pp": None, "target": 100.0, "ytd_level": None},
        {"region_code": E, "indicator": "GDP", "compare": "growth", "completion_pct": None,
         "schedule_linear_pct": None, "gap_linear_pp": -30.0, "gap_shown_pp": -30.0, "target": 6.0, "ytd_level": None},
    ])
    found = rules.evaluate(_rule("behind_schedule", indicators=["ARREARS_PAID", "GDP"], pp=10), _inputs(prog=prog))
    assert _facts(found) == [("武都区", "拖欠民营中小企业账款已清偿额完成年度目标的41.0%，低于序时进度42.3个百分点"),
                             ("成县", "拖欠民营中小企业账款已清偿额完成年度目标的73.3%，低于序时进度10.0个百分点")]
    assert found[0].values["gap_pp"] == -42.3 and found[0].indicator == "ARREARS_PAID"  # from the printed figures


def test_findings_group_per_unit_worst_first_and_are_json_friendly():
    import json

    cards = {"2026Q3": _card([80.0, 70.0, 60.0, 50.0, 90.0])}
    rs = _parse(OK | {"places": 2}, {"id": "neg", "kind": "indicator_negative", "indicators": ["FAI"], "zh": "负增长",
                                     "en": "Negative"}).interview
    found = rules.evaluate(rs, _inputs(cards=cards, values={"FAI": [-1.0, 2.0, -3.0, 1.0, 1.0]}))
    units = rules.by_unit(found)
    assert [u["region_name"] for u in units] == ["宕昌县", "文县", "武都区"]
    assert [r["rule"] for r in units[1]["rules"]] == ["bottom3", "neg"]
    assert units[1]["rules"][1] == {"rule": "neg", "text": "负增长", "facts": "固定资产投资下降3.0%，负增长",
                                    "values": {"value": -3.0, "measure": "cum_yoy"}, "indicator": "FAI"}
    assert json.loads(json.dumps([f.as_dict() for f in found]))[0]["rule_id"] == "bottom3"


# ---------------------------------------------------------------- from the store (the brief's 约谈 list)

def test_interviews_on_the_demo_province_agree_with_the_scorecards_and_progress(demo_store):
    from indicators import reading

    snap = reading.snapshot(demo_store)
    found = reading.interviews(snap, "2026-10", "city:621200")  # composite at 2026Q3, values at 1–10月
    q3, q2 = (reading.scorecard(snap, q, "city:621200", draws=0, with_previous=False).table for q in ("2026Q3", "2026Q2"))
    tail3 = set(q3["score"].nsmallest(3).index)
    bottom3 = {f.region_code: f for f in found if f.rule_id == "bottom3"}
    assert set(bottom3) == tail3
    for code, f in bottom3.items():
        assert f.facts_zh == f"综合得分{q3.at[code, 'score']:.2f}分，列全市第{int(q3.at[code, 'rank'])}位（共9个县区）"
    running = {f.region_code for f in found if f.rule_id == "bottom3_running"}
    assert running == tail3 & set(q2["score"].nsmallest(3).index)
    prog = reading.progress_at(snap, "2026-10", "city:621200")
    paid = prog[prog["indicator"] == "ARREARS_PAID"]
    # the gap of the printed figures: one decimal each, then their difference
    shown = {r.region_code: round(round(r.completion_pct, 1) - round(r.schedule_linear_pct, 1), 1)
             for r in paid.itertuples()}
    behind = {f.region_code: f.values["gap_pp"] for f in found if f.rule_id == "arrears_behind"}
    assert behind == {code: gap for code, gap in shown.items() if gap <= -10}
    units = rules.by_unit(found)
    last = q3["score"].idxmin()
    assert last in running and units[0]["region_code"] == last and units[0]["rules"][0]["rule"] == "bottom3_running"
    prefectures = reading.interviews(snap, "2026-10", "prefectures")
    assert any("14个市州中倒数第1" in f.facts_zh for f in prefectures)
    assert {f.region_code for f in prefectures} <= {r.code for r in regions.default().of_level("prefecture")}
