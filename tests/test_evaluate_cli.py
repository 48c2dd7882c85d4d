"""`python -m indicators evaluate`: vector 1 end to end, output formats, and rejected schemes and matrices."""

import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from conftest import FILES, ROOT
from indicators.cli import main

SCHEMES = FILES / "schemes"
VECTOR1 = str(FILES / "vector1.csv")
# methodology.md, vector 1: entropy weights and the weighted min-max composite, in rank order.
WEIGHTS = {"x1": 0.2480550977, "x2": 0.2354666729, "x3": 0.2724292567, "x4": 0.2440489727}
SCORES = {"C": 76.4533327061, "A": 66.2336753089, "B": 47.6613165786, "E": 46.3026437565, "D": 16.1883337646}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "indicators", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def blocks(stdout: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    scores, weights = stdout.split("\n\n")
    return (pd.read_csv(io.StringIO(scores), dtype={"unit": str}),
            pd.read_csv(io.StringIO(weights), index_col="indicator"))


@pytest.mark.parametrize("scheme,offset,factor", [("vector1_entropy_minmax.toml", 0, 1),
                                                  ("vector1_efficacy.toml", 60, 0.4)])
def test_vector1_with_entropy_weights(scheme, offset, factor):
    r = run("evaluate", VECTOR1, "--scheme", str(SCHEMES / scheme), "--weights", "entropy")
    assert r.returncode == 0, r.stderr
    scores, weights = blocks(r.stdout)
    assert list(scores.columns) == ["unit", "score", "rank"]
    assert scores.unit.tolist() == ["C", "A", "B", "E", "D"] and scores["rank"].tolist() == [1, 2, 3, 4, 5]
    for unit, expected in SCORES.items():
        assert round(scores.set_index("unit").score[unit], 6) == round(offset + factor * expected, 6)
    assert {k: round(v, 6) for k, v in weights.weight.items()} == {k: round(v, 6) for k, v in WEIGHTS.items()}


def test_json_lists_scores_weights_and_parameters(capsys):
    code = main(["evaluate", VECTOR1, "--scheme", str(SCHEMES / "vector1_entropy_minmax.toml"), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and [r["unit"] for r in doc["scores"]] == ["C", "A", "B", "E", "D"]
    assert doc["scores"][0] == {"unit": "C", "score": pytest.approx(SCORES["C"], abs=1e-9), "rank": 1,
                                "coverage": 1.0, "reason": ""}
    assert doc["weights"] == pytest.approx(WEIGHTS, abs=1e-10)
    assert doc["params"]["weights"] == "entropy" and doc["warnings"] == []


def test_fixed_weights_print_no_weights_block(capsys):
    main(["evaluate", VECTOR1, "--scheme", str(SCHEMES / "vector1_entropy_minmax.toml"), "--weights", "equal"])
    out = capsys.readouterr().out
    assert "\n\n" not in out and out.startswith("unit,score,rank\n") and len(out.splitlines()) == 6


def test_unranked_units_come_last_with_the_reason_on_stderr(tmp_path, capsys):
    matrix = tmp_path / "m.csv"
    matrix.write_text("县区,a,b,c\n甲县,1,3,1\n乙县,2,,—\n丙县,3,,1\n", encoding="utf-8")
    code = main(["evaluate", str(matrix), "--scheme", str(SCHEMES / "coverage.toml")])
    out, err = capsys.readouterr()
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == ["unit,score,rank", "丙县,2.0,1"] and lines[3] == "乙县,,"
    unit, value, place = lines[2].split(",")
    assert (unit, place) == ("甲县", "2") and float(value) == pytest.approx(5 / 3, abs=1e-15) and len(value) > 15
    assert "未排名 乙县：数据覆盖不足：有数据的指标权重占 33%，低于方案要求的 67%（缺：b、c）" in err


BAD_SCHEMES = [
    ("bad_unknown_indicator.toml", ["indicator 'x9': not a column of the matrix; its columns are x1, x2, x3, x4"]),
    ("bad_negative_weight.toml", ["indicator 'x2': negative weight -3; weights must be ≥ 0 (use direction = -1"]),
    ("bad_unknown_mode.toml", ["[scheme]: unknown weights 'entropie'; use one of fixed, equal, entropy, critic",
                               "indicator 'x1': unknown scoring mode 'minimax'; use one of efficacy, minmax"]),
    ("bad_missing_goalposts.toml", ["indicator 'x1': goalposts scoring needs lower and upper, e.g. lower = 0.0"]),
    ("bad_several.toml", ["[scheme]: unknown aggregation 'median'; use arithmetic or geometric",
                          "indicator 'x1': negative weight -1", "indicator 'nope': not a column of the matrix"]),
]


@pytest.mark.parametrize("scheme,messages", BAD_SCHEMES, ids=[b[0] for b in BAD_SCHEMES])
def test_bad_schemes_exit_2_with_every_message(scheme, messages, capsys):
    assert main(["evaluate", VECTOR1, "--scheme", str(SCHEMES / scheme)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and all(m in err for m in messages), err


def test_bad_scheme_through_the_module_exits_2():
    r = run("evaluate", VECTOR1, "--scheme", str(SCHEMES / "bad_several.toml"))
    assert r.returncode == 2 and r.stdout == "" and r.stderr.count("\n  ") == 3


def test_missing_scheme_file_names_the_place(capsys):
    assert main(["evaluate", VECTOR1, "--scheme", str(SCHEMES / "nope.toml")]) == 2
    assert "nope.toml: no such scheme file" in capsys.readouterr().err


def test_bad_matrix_cells_and_units_all_reported(tmp_path, capsys):
    matrix = tmp_path / "bad.csv"
    matrix.write_text("county,x1,x2,x3,x4\nA,8.2,abc,120.5,0.52\nA,6.5,12.3,85.2,0.61\n,1,2,3,x.5\n",
                      encoding="utf-8")
    assert main(["evaluate", str(matrix), "--scheme", str(SCHEMES / "vector1_entropy_minmax.toml")]) == 2
    err = capsys.readouterr().err
    assert "bad.csv 第2行 单位“A” 列 x2：“abc”不是数字，应为如 8.2、-2.1 的数值，缺失请留空" in err
    assert "bad.csv 第3行：单位“A”重复出现" in err and "bad.csv 第4行：缺少单位名称" in err
    assert "第4行 单位“” 列 x4：“x.5”不是数字" in err


def test_help_shows_an_example():
    r = run("evaluate", "--help")
    assert r.returncode == 0 and "example:" in r.stdout and "--weights entropy" in r.stdout


# ------------------------------------------------------------------ schemes with groups, honours, adjustments, veto
# The numbers are worked out by hand in tests/test_assessment.py (same files).

ASSESS = [str(SCHEMES / "assessment_matrix.csv"), "--scheme", str(SCHEMES / "assessment.toml"),
          "--targets", str(SCHEMES / "assessment_targets.csv")]
WITH_GROUPS_AND_PREVIOUS = [*ASSESS, "--groups", str(SCHEMES / "assessment_groups.csv"),
                            "--previous", str(SCHEMES / "assessment_previous.csv"),
                            "--previous-targets", str(SCHEMES / "assessment_previous_targets.csv")]


def test_assessment_prints_one_row_per_unit_and_group_with_honours(capsys):
    assert main(["evaluate", *WITH_GROUPS_AND_PREVIOUS]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "unit,score,rank,group,group_rank,improvement,improvement_rank,honours,group_score",
        "G,82.5,1,农业优先型,1,5,1,,82.5",  # vetoed: keeps score and ranks, in no list
        "D,77.5,2,工业主导型,1,1,2,强县;先进县;进步县,87.5",
        "D,77.5,2,农业优先型,2,1,2,强县;先进县;进步县,77.5",
        "C,50.0,3,工业主导型,2,-1,4,强县;先进县,47.5",
        "E,50.0,3,农业优先型,3,1,2,强县;先进县;进步县,50.0",
        "A,49.0,5,工业主导型,4,-4,6,,24.0",
        "B,36.5,6,工业主导型,3,,,,32.75",
        "F,30.5,7,农业优先型,4,-2,5,,30.5",
        "H,,,,,,,,",
    ]
    assert "不参与评优 G：一票否决：发生重大安全生产事故，不参与评优" in err
    assert "提示：强县：名额 2 个，第2名有 2 个单位并列，均列入（共 3 个）" in err
    assert "未排名 H：数据覆盖不足" in err


def test_assessment_json_lists_rows_and_honours_with_why(capsys):
    assert main(["evaluate", *WITH_GROUPS_AND_PREVIOUS, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    d = [r for r in doc["scores"] if r["unit"] == "D"]
    assert [(r["group"], r["group_rank"], r["honours"]) for r in d] == [
        ("industry", 1, ["强县", "先进县", "进步县"]), ("agri", 2, ["强县", "先进县", "进步县"])]
    assert doc["honours"][0] == {"code": "strong", "name": "强县", "kind": "overall", "group": "", "unit": "D",
                                 "place": 1, "why": "综合排名第2名"}
    assert doc["params"]["assignment"]["D"] == ["industry", "agri"] and doc["params"]["improvement"] == "rank"


def test_assessment_without_groups_or_previous_still_applies_adjustments_and_veto(capsys):
    assert main(["evaluate", *ASSESS]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[1] == "G,82.5,1,,,,,,"  # vetoed G: no 强县; D is first of the list
    assert lines[2] == "D,77.5,2,,,,,强县," and lines[5] == "A,49.0,5,,,,,,"
    assert "方案设有分组（县域类型），但没有提供分组表" in err


def test_bad_groups_previous_and_adjustments_are_all_reported(tmp_path, capsys):
    matrix = tmp_path / "m.csv"
    text = (SCHEMES / "assessment_matrix.csv").read_text(encoding="utf-8")
    matrix.write_text(text.replace("B,30,60,5,,,1,", "B,30,60,5,,,-1,"), encoding="utf-8")
    code = main(["evaluate", str(matrix), "--scheme", str(SCHEMES / "assessment.toml"),
                 "--groups", str(SCHEMES / "bad_groups.csv"), "--previous", VECTOR1])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "错误：vector1.csv：缺少方案指标列 x, y, t；上年矩阵应与本年矩阵有相同的指标列" in err
    assert "错误：m.csv 第3行 单位“B” 列 DED_ENV：“-1.0”不是有效的扣分（环保督察扣分）" in err
    assert "错误：bad_groups.csv 第3行 单位“Z” 列 unit：“Z”不在矩阵中" in err
    assert "错误：bad_groups.csv 第5行 单位“D” 列 group3：“industry”每个单位最多属于 2 个类型" in err
    assert err.count("错误：") == 9


def test_groups_for_a_plain_scheme_are_refused(tmp_path, capsys):
    groups = tmp_path / "g.csv"
    groups.write_text("unit,group\nA,industry\n", encoding="utf-8")
    assert main(["evaluate", VECTOR1, "--scheme", str(SCHEMES / "vector1_efficacy.toml"), "--groups", str(groups)]) == 2
    assert "g.csv：方案没有 [[groups]]（县域类型）" in capsys.readouterr().err


def test_a_scheme_naming_adjustment_columns_the_matrix_lacks_is_refused(capsys):
    assert main(["evaluate", str(SCHEMES / "assessment_previous.csv"), "--scheme", str(SCHEMES / "assessment.toml")]) == 2
    err = capsys.readouterr().err
    assert "adjustment 'BONUS_INVEST': not a column of the matrix; add a column BONUS_INVEST (points, empty = 0)" in err
    assert "veto 'VETO_SAFETY': not a column of the matrix; add a column VETO_SAFETY (1 = vetoed, empty = not)" in err


def test_help_shows_the_assessment_example():
    r = run("evaluate", "--help")
    assert "--groups tests/files/schemes/assessment_groups.csv" in r.stdout and "GROUPS.csv: unit,group[,group2]" in r.stdout
