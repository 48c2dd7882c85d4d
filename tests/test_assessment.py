"""Schemes as provinces write them (indicators/assessment.py): group scores and ranks, improvement by rank and by
score, the three honour lists, veto, bonus points and deductions with caps, ties at a cut-off, a unit without a
target, weight 0 in a group — on a small matrix whose numbers are worked out by hand below — and the refusals."""

from dataclasses import replace

import pandas as pd
import pytest

from conftest import FILES
from indicators import scheme as schemes
from indicators.assessment import AssessmentError, assess, read_groups
from indicators.composite import score
from indicators.scheme import SchemeError

SCHEMES = FILES / "schemes"
MATRIX = pd.read_csv(SCHEMES / "assessment_matrix.csv", index_col=0)
TARGETS = pd.read_csv(SCHEMES / "assessment_targets.csv", index_col=0)
PREVIOUS = pd.read_csv(SCHEMES / "assessment_previous.csv", index_col=0)
PREVIOUS_TARGETS = pd.read_csv(SCHEMES / "assessment_previous_targets.csv", index_col=0)
GROUPS = pd.read_csv(SCHEMES / "assessment_groups.csv", dtype=str)
SCHEME = schemes.load(SCHEMES / "assessment.toml", columns=list(MATRIX.columns))

# The scheme: x minmax weight 2, y goalposts 0-100 (scores the value itself) weight 1, t achievement
# (100·min(actual/target, 1)) weight 1; coverage 0.6.
#
# Overall, x spans 10 (A, F) … 110 (G), so x' = A 0, B 20, C 40, D 80, E 60, F 0, G 100; t' = A 10/10 → 100,
# B 5/10 → 50, C 80, D 12/10 → 100 (capped), E no target → missing, F 60, G 90.
#   A (0 + 80 + 100)/4 = 45    B (40 + 60 + 50)/4 = 37.5   C (80 + 40 + 80)/4 = 50   D (160 + 50 + 100)/4 = 77.5
#   E (120 + 30)/3 = 50 (no target: t drops out, the weights renormalise over x and y; coverage 3/4 ≥ 0.6)
#   F (0 + 70 + 60)/4 = 32.5   G (200 + 40 + 90)/4 = 82.5   H only y: coverage 1/4 < 0.6, no score
BASE = {"A": 45.0, "B": 37.5, "C": 50.0, "D": 77.5, "E": 50.0, "F": 32.5, "G": 82.5}
# Adjustments: A BONUS_INVEST 5 → its cap 3, BONUS_TECH 2 (cap 2), Σ 5 → bonus_cap 4: both caps bind, A +4.
# B DED_ENV 1 → −1; F DED_ENV 3 → its cap 2 → −2.
FINAL = {"G": 82.5, "D": 77.5, "C": 50.0, "E": 50.0, "A": 49.0, "B": 36.5, "F": 30.5}
RANKS = {"G": 1, "D": 2, "C": 3, "E": 3, "A": 5, "B": 6, "F": 7}  # C and E tie: both 3rd, A is 5th
# 工业主导型 (A, B, C, D), weights x 3, y 1 (the scheme's: not named), t 0: x normalised within the group spans
# 10 … 90, so x' = A 0, B 25, C 50, D 100; score = (3x' + y)/4 plus the unit's adjustments:
#   A 80/4 = 20 + 4 = 24   B (75 + 60)/4 = 33.75 − 1 = 32.75   C (150 + 40)/4 = 47.5   D (300 + 50)/4 = 87.5
INDUSTRY = {"D": (87.5, 1), "C": (47.5, 2), "B": (32.75, 3), "A": (24.0, 4)}
# 农业优先型 (D, E, F, G), the scheme's weights: x spans 10 … 110 here too, so the scores are the overall ones.
AGRI = {"G": (82.5, 1), "D": (77.5, 2), "E": (50.0, 3), "F": (30.5, 4)}
# A year earlier (no B; no adjustment columns, so 0): y 50 and t met for all, x 110, 90, 60, 50, 30, 10 →
# x' A 100, C 80, D 50, E 40, F 20, G 0; score (2x' + 50 + 100)/4:
PREVIOUS_SCORES = {"A": 87.5, "C": 77.5, "D": 62.5, "E": 57.5, "F": 47.5, "G": 37.5}  # ranks A1 C2 D3 E4 F5 G6
# improvement = "rank": previous rank − rank: G 6−1 = 5, D 3−2 = 1, E 4−3 = 1, C 2−3 = −1, F 5−7 = −2, A 1−5 = −4
BY_RANK = {"G": (5, 1), "D": (1, 2), "E": (1, 2), "C": (-1, 4), "F": (-2, 5), "A": (-4, 6)}
# improvement = "score": G 82.5−37.5 = 45, D 77.5−62.5 = 15, E 50−57.5 = −7.5, F 30.5−47.5 = −17,
# C 50−77.5 = −27.5, A 49−87.5 = −38.5
BY_SCORE = {"G": (45.0, 1), "D": (15.0, 2), "E": (-7.5, 3), "F": (-17.0, 4), "C": (-27.5, 5), "A": (-38.5, 6)}


def full(sch=SCHEME, **kw):
    args = {"groups": GROUPS, "previous": PREVIOUS, "targets": TARGETS, "previous_targets": PREVIOUS_TARGETS} | kw
    return assess(MATRIX, sch, **args)


def by_unit(result, column, group=None):
    t = result.table if group is None else result.table[result.table.group == group]
    return t.drop_duplicates("unit").set_index("unit")[column]


def test_scores_are_the_composite_plus_capped_adjustments():
    a = full()
    assert by_unit(a, "base_score").dropna().to_dict() == BASE
    assert by_unit(a, "score").dropna().to_dict() == FINAL
    assert by_unit(a, "rank").dropna().to_dict() == RANKS
    assert by_unit(a, "bonus")["A"] == 4.0 and by_unit(a, "deduction")[["B", "F"]].tolist() == [1.0, 2.0]
    h = a.table.set_index("unit").loc["H"]
    assert pd.isna(h.score) and pd.isna(h["rank"]) and h.group == "" and "低于方案要求的 60%" in h.reason


def test_without_a_total_cap_a_unit_keeps_every_capped_item():
    a = full(replace(SCHEME, bonus_cap=None))
    assert by_unit(a, "score")["A"] == 45 + 3 + 2  # each item at its own cap, no total cap


def test_group_scores_are_normalised_within_the_group_with_its_weights():
    a = full()
    for code, expected in (("industry", INDUSTRY), ("agri", AGRI)):
        t = a.table[a.table.group == code].set_index("unit")
        assert {u: (r.group_score, r.group_rank) for u, r in t.iterrows()} == expected
    # weight 0: t did not enter 工业主导型's score, and the group weights are the scheme's where not named
    assert a.groups["industry"].weights.to_dict() == {"x": 0.75, "y": 0.25, "t": 0.0}
    assert a.table[a.table.unit == "D"].group_name.tolist() == ["工业主导型", "农业优先型"]  # two rows for D
    assert "未分组的单位不参加组内排名：H" in a.warnings


def test_improvement_by_rank_and_by_score():
    a = full()
    got = {u: (r.improvement, r.improvement_rank) for u, r in a.table.drop_duplicates("unit").set_index("unit")
           .iterrows() if not pd.isna(r.improvement)}
    assert got == BY_RANK and pd.isna(by_unit(a, "improvement")["B"])  # B has no previous score
    s = full(replace(SCHEME, improvement="score"))
    got = {u: (r.improvement, r.improvement_rank) for u, r in s.table.drop_duplicates("unit").set_index("unit")
           .iterrows() if not pd.isna(r.improvement)}
    assert got == BY_SCORE
    assert s.previous.score.to_dict() == PREVIOUS_SCORES
    assert sum("上年矩阵没有" in w and "按 0 计" in w for w in a.warnings) == 3


def honour_rows(result):
    return [(r.code, r.group, r.unit, r.place, r.why) for r in result.honours.itertuples()]


def test_the_three_honour_lists_with_veto_and_ties():
    a = full()
    assert honour_rows(a) == [
        # 强县 top 2: G (1st) is vetoed, D takes the first place; C and E tie for the second place: both listed
        ("strong", "", "D", 1, "综合排名第2名"),
        ("strong", "", "C", 2, "综合排名第3名（并列）"),
        ("strong", "", "E", 2, "综合排名第3名（并列）"),
        # 先进县 top 2 in each type; in 农业优先型 vetoed G is skipped, D (in both types) is named in both
        ("advanced", "industry", "D", 1, "工业主导型第1名"),
        ("advanced", "industry", "C", 2, "工业主导型第2名"),
        ("advanced", "agri", "D", 1, "农业优先型第2名"),
        ("advanced", "agri", "E", 2, "农业优先型第3名"),
        # 进步县 top 2 by places gained: G (+5) vetoed; D and E both +1
        ("progress", "", "D", 1, "较上年前进1位（第3名→第2名）（并列）"),
        ("progress", "", "E", 1, "较上年前进1位（第4名→第3名）（并列）"),
    ]
    assert "强县：名额 2 个，第2名有 2 个单位并列，均列入（共 3 个）" in a.warnings
    g = a.table.set_index("unit").loc["G"]
    assert (g.score, g["rank"], g.group_rank, g.improvement, g.veto) == (82.5, 1, 1, 5, True)  # keeps everything
    assert g.reason == "一票否决：发生重大安全生产事故，不参与评优" and g.honours == ()
    rows = a.table.set_index(["unit", "group"]).honours
    assert rows["D", "industry"] == rows["D", "agri"] == ("强县", "先进县", "进步县")
    assert rows["C", "industry"] == ("强县", "先进县") and rows["A", "industry"] == ()


def test_improvement_honour_by_score_names_only_units_that_improved():
    a = full(replace(SCHEME, improvement="score"))
    # eligible and improved: D (+15) only; E fell 7.5 points, G is vetoed
    assert [r for r in honour_rows(a) if r[0] == "progress"] == [
        ("progress", "", "D", 1, "较上年提高15.00分（62.50→77.50）")]


def test_unranked_units_are_never_honoured():
    # H has the only bonus of the unranked and the best y, but no score: it is in no list, even with top 8
    wide = replace(SCHEME, honours=tuple(replace(h, top=8) for h in SCHEME.honours))
    a = full(wide)
    assert "H" not in set(a.honours.unit) and "G" not in set(a.honours.unit)
    assert set(a.honours[a.honours.code == "strong"].unit) == {"D", "C", "E", "A", "B", "F"}


def test_a_unit_without_a_target_is_scored_on_the_rest():
    plain = score(MATRIX, SCHEME, targets=TARGETS)
    e = plain.effective_weights.loc["E"]
    assert e.to_dict() == {"x": pytest.approx(2 / 3), "y": pytest.approx(1 / 3), "t": 0.0}
    assert plain.table.score["E"] == 50.0 and plain.table.coverage["E"] == 0.75


def test_without_extras_the_result_is_the_composite_exactly():
    vector1 = pd.read_csv(FILES / "vector1.csv", index_col=0)
    sch = schemes.load(SCHEMES / "vector1_entropy_minmax.toml", columns=list(vector1.columns))
    a = assess(vector1, sch)
    t = a.table.set_index("unit")
    plain = score(vector1, sch).table.rename_axis("unit").reindex(t.index)  # the table comes by rank
    pd.testing.assert_series_equal(t.score, plain.score, check_exact=True)
    pd.testing.assert_series_equal(t["rank"], plain["rank"], check_exact=True)
    assert a.honours.empty and a.warnings == [] and list(t.index) == ["C", "A", "B", "E", "D"]
    assert a.params["composite"] == score(vector1, sch).params


def test_params_record_the_assignment_and_the_choices():
    p = full().params
    assert p["assignment"]["D"] == ["industry", "agri"] and p["assignment"]["B"] == ["industry"]
    assert p["improvement"] == "rank" and p["bonus_cap"] == 4.0 and p["previous"]["units"] == 6
    assert p["groups"]["industry"]["weights_used"] == {"x": 0.75, "y": 0.25, "t": 0.0}
    assert [h["code"] for h in p["honours"]] == ["strong", "advanced", "progress"]


# ------------------------------------------------------------------ refusals


def test_bad_groups_are_all_named_by_row():
    bad = pd.read_csv(SCHEMES / "bad_groups.csv", dtype=str)
    with pytest.raises(AssessmentError) as exc:
        assess(MATRIX, SCHEME, groups=bad, targets=TARGETS)
    assert exc.value.messages == [
        "分组表 第2行 单位“A” 列 group2：“industry”与前一列的类型相同，请删去重复的一列",
        "分组表 第3行 单位“Z” 列 unit：“Z”不在矩阵中：请检查单位名称，应与矩阵第一列一致",
        "分组表 第4行 单位“C” 列 group：“mining”不是方案中的类型；可选：industry（工业主导型）、agri（农业优先型）",
        "分组表 第5行 单位“D” 列 group3：“industry”与前一列的类型相同，请删去重复的一列",
        "分组表 第5行 单位“D” 列 group3：“industry”每个单位最多属于 2 个类型，请删去多余的类型",
        "分组表 第6行 单位“C” 列 unit：“C”重复出现：每个单位一行，两个类型写在 group 和 group2 两列",
        "分组表 第7行 单位“E” 列 group：“”没有类型；请填写：industry（工业主导型）、agri（农业优先型）",
    ]


def test_groups_for_a_scheme_without_groups_are_refused():
    vector1 = pd.read_csv(FILES / "vector1.csv", index_col=0)
    sch = schemes.load(SCHEMES / "vector1_efficacy.toml", columns=list(vector1.columns))
    problems, _ = read_groups(pd.DataFrame({"unit": ["A"], "group": ["industry"]}), sch, list(vector1.index))
    assert [p.text("g.csv") for p in problems] == [
        "g.csv：方案没有 [[groups]]（县域类型）：请在方案中声明类型，或不提供分组表"]


def test_negative_or_non_numeric_adjustments_and_bad_veto_marks_are_refused():
    bad = MATRIX.astype(object).copy()
    bad.loc["B", "DED_ENV"] = -1.0
    bad.loc["C", "BONUS_TECH"] = "两分"
    bad.loc["D", "VETO_SAFETY"] = 2.0
    with pytest.raises(AssessmentError) as exc:
        assess(bad, SCHEME, targets=TARGETS)
    assert exc.value.messages == [
        "矩阵 第4行 单位“C” 列 BONUS_TECH：“两分”不是有效的加分（科技创新加分）：应为 ≥ 0 的分值，如 1.5，没有加分请留空或填 0",
        "矩阵 第3行 单位“B” 列 DED_ENV：“-1.0”不是有效的扣分（环保督察扣分）：应为 ≥ 0 的分值，如 1.5，没有扣分请留空或填 0",
        "矩阵 第5行 单位“D” 列 VETO_SAFETY：“2.0”不是有效的一票否决标记（发生重大安全生产事故）：发生填 1，未发生留空或填 0",
    ]


def raw_scheme(**tables):
    raw = {"scheme": {"name": "t", "year": 2026},
           "indicators": [{"code": "x", "weight": 2}, {"code": "y", "weight": 1}]}
    for k, v in tables.items():
        if k == "head":
            raw["scheme"].update(v)
        else:
            raw[k] = v
    return raw


BAD_EXTRAS = [
    ({"groups": [{"code": "g", "name": "G", "weights": {"z": 1}}]},
     "group 'g': weights name 'z', not an indicator of the scheme; its indicators are x, y"),
    ({"groups": [{"code": "g", "name": "G", "weights": {"x": -1}}]},
     "group 'g': weight of x must be a number ≥ 0 (0 leaves it out of this group's score), got -1"),
    ({"groups": [{"code": "g", "name": "G", "weights": {"x": 0, "y": 0}}]},
     "group 'g': every indicator has weight 0 in this group; give at least one a positive weight"),
    ({"groups": [{"code": "g", "name": "G"}, {"code": "g", "name": "H"}]},
     "group 'g': listed twice; give each group its own code"),
    ({"groups": [{"code": "g", "name": "G", "weight": {"x": 1}}]},
     "group 'g': unknown key 'weight'; known keys are code, name, weights"),
    ({"honours": [{"code": "h", "name": "强县", "kind": "best", "top": 10}]},
     "honour 'h': kind must be overall (top by rank), group (top within each group) or improvement"),
    ({"honours": [{"code": "h", "name": "强县", "kind": "overall", "top": 0}]},
     "honour 'h': top must be a whole number > 0 (how many units the list names), got 0"),
    ({"honours": [{"code": "h", "name": "先进县", "kind": "group", "top": 2}]},
     "honour 'h': kind group needs peer groups; add [[groups]] entries (code, name) or use kind = \"overall\""),
    ({"honours": [{"code": "h", "name": "进步县", "kind": "improvement", "top": 10}]},
     "honour 'h': kind improvement needs [scheme] improvement = \"rank\" or \"score\""),
    ({"honours": [{"code": "h", "kind": "overall", "top": 10}]},
     "honour 'h': missing name; give the name shown to readers, e.g. name = \"强县\""),
    ({"adjustments": [{"code": "b", "name": "加分", "kind": "plus"}]},
     "adjustment 'b': kind must be bonus (加分) or deduction (扣分), got 'plus'"),
    ({"adjustments": [{"code": "b", "name": "加分", "kind": "bonus", "cap": -2}]},
     "adjustment 'b': cap must be a number ≥ 0 (the most this item counts), got -2"),
    ({"adjustments": [{"code": "x", "name": "加分", "kind": "bonus"}]},
     "adjustment 'x': the code is also an indicator's; give the adjustment a code of its own"),
    ({"veto": [{"code": "v"}]}, "veto 'v': missing name; give the name shown to readers"),
    ({"head": {"improvement": "places"}},
     "[scheme]: improvement must be rank (places moved up) or score (points gained), got 'places'"),
    ({"head": {"bonus_cap": -1}}, "[scheme]: bonus_cap must be a number ≥ 0, e.g. bonus_cap = 5.0, got -1"),
    ({"honour": [{"code": "h"}]}, "scheme: unknown table 'honour'; known tables are scheme, pillars, indicators"),
]


@pytest.mark.parametrize("tables,message", BAD_EXTRAS, ids=[b[1][:40] for b in BAD_EXTRAS])
def test_bad_extras_are_named_with_the_fix(tables, message):
    with pytest.raises(SchemeError) as exc:
        schemes.parse(raw_scheme(**tables), columns=["x", "y", "b", "v"])
    assert any(m.startswith(message) for m in exc.value.messages), exc.value.messages


def test_every_problem_at_once_and_matrix_columns_for_evaluate():
    raw = raw_scheme(head={"improvement": "x"}, honours=[{"code": "h", "name": "n", "kind": "k", "top": -1}],
                     adjustments=[{"code": "BONUS", "name": "加分", "kind": "bonus"}],
                     veto=[{"code": "VETO", "name": "否决"}])
    with pytest.raises(SchemeError) as exc:
        schemes.parse(raw, columns=["x", "y"])
    assert exc.value.messages == [
        "[scheme]: improvement must be rank (places moved up) or score (points gained), got 'x'",
        "honour 'h': kind must be overall (top by rank), group (top within each group) or improvement "
        "(top by improvement), got 'k'",
        "honour 'h': top must be a whole number > 0 (how many units the list names), got -1",
        "adjustment 'BONUS': not a column of the matrix; add a column BONUS (points, empty = 0)",
        "veto 'VETO': not a column of the matrix; add a column VETO (1 = vetoed, empty = not)",
    ]


def test_the_scheme_file_reads_every_new_key():
    assert SCHEME.improvement == "rank" and (SCHEME.bonus_cap, SCHEME.deduction_cap) == (4.0, 5.0)
    assert [(g.code, g.name, g.weights) for g in SCHEME.groups] == [
        ("industry", "工业主导型", {"x": 3.0, "t": 0.0}), ("agri", "农业优先型", {})]
    assert [(h.code, h.kind, h.top) for h in SCHEME.honours] == [
        ("strong", "overall", 2), ("advanced", "group", 2), ("progress", "improvement", 2)]
    assert [(a.code, a.kind, a.cap) for a in SCHEME.adjustments] == [
        ("BONUS_INVEST", "bonus", 3.0), ("BONUS_TECH", "bonus", 2.0), ("DED_ENV", "deduction", 2.0)]
    assert [v.name for v in SCHEME.vetoes] == ["发生重大安全生产事故"] and SCHEME.assesses
    assert [i.weight for i in SCHEME.for_group("industry").indicators] == [3.0, 1.0, 0.0]


def test_a_matrix_without_an_item_column_counts_it_as_zero_and_says_so():
    a = assess(MATRIX.drop(columns=["BONUS_TECH", "VETO_SAFETY"]), SCHEME, targets=TARGETS)
    assert by_unit(a, "score")["A"] == 45 + 3  # BONUS_INVEST at its cap, no BONUS_TECH
    assert "矩阵没有“科技创新加分”列（BONUS_TECH），按 0 计" in a.warnings
    assert "进步县：没有上年同期的得分，无法计算进步，不评选" in a.warnings
    # no veto column, no veto: G heads 强县, and with D alone second there is no tie at the cut-off
    assert honour_rows(a) == [("strong", "", "G", 1, "综合排名第1名"), ("strong", "", "D", 2, "综合排名第2名")]


def test_a_group_of_every_unit_with_the_scheme_weights_scores_as_the_whole():
    everyone = replace(SCHEME, groups=(schemes.Group("all", "全部"),),
                       honours=tuple(h for h in SCHEME.honours if h.kind != "group"))
    a = assess(MATRIX, everyone, groups=pd.DataFrame({"unit": list(MATRIX.index), "group": "all"}), targets=TARGETS)
    t = a.table.set_index("unit")
    pd.testing.assert_series_equal(t.group_score, t.score, check_names=False)
    assert t.group_rank.equals(t["rank"].rename("group_rank"))


def test_numeric_unit_codes_stay_numbers_and_groups_name_them_as_text():
    coded = MATRIX.set_axis([620100 + i for i in range(len(MATRIX))])  # A → 620100 … H → 620107
    groups = pd.DataFrame({"unit": [str(u) for u in coded.index[:7]], "group": "industry"})
    a = assess(coded, SCHEME, groups=groups, targets=TARGETS.set_axis(coded.index))
    assert a.table.unit.tolist()[:2] == [620106, 620103] and a.table.unit.dtype == coded.index.dtype
    assert a.params["assignment"]["620103"] == ["industry"] and set(a.honours.unit) <= set(coded.index)
