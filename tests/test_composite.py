"""Aggregation, ranking and the composite score against methodology.md, properties, pillars, and pymcdm."""

import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from conftest import FILES, ROOT
from indicators import aggregate as agg
from indicators import scheme as schemes
from indicators.composite import score
from indicators.normalise import minmax_frame
from indicators.ranking import rank, rank_change

NAN = np.nan
SCHEMES = FILES / "schemes"
VECTOR1 = pd.read_csv(FILES / "vector1.csv", index_col=0)
COLUMNS = list(VECTOR1.columns)
MINMAX = schemes.load(SCHEMES / "vector1_entropy_minmax.toml", columns=COLUMNS)
EFFICACY = schemes.load(SCHEMES / "vector1_efficacy.toml", columns=COLUMNS)
DIRECTIONS = pd.Series({"x1": 1, "x2": 1, "x3": 1, "x4": -1})
# methodology.md, vector 1.
ENTROPY_WEIGHTS = pd.Series([0.2480550977, 0.2354666729, 0.2724292567, 0.2440489727], index=COLUMNS)
COMPOSITE = {"A": 66.2336753089, "B": 47.6613165786, "C": 76.4533327061, "D": 16.1883337646, "E": 46.3026437565}
RANKS = {"C": 1, "A": 2, "B": 3, "E": 4, "D": 5}
TOPSIS = {"A": 0.6574325380, "B": 0.4740814023, "C": 0.6523986534, "D": 0.2654238428, "E": 0.4632438206}
# COINr a_gmean on the 1-100 min-max rescale, with the entropy weights above (equal weights give A 65.518,
# C 31.623: not the reference). Given to 4 decimals; C's 33.81167 is printed truncated as 33.8116.
GEOMETRIC = {"A": 65.751, "B": 41.89, "C": 33.8116, "D": 2.7107, "E": 46.4803}


def scheme_for(codes, **head):
    raw = {"scheme": {"name": "test", "year": 2026, **head},
           "indicators": [{"code": c, "weight": 1, "scoring": "minmax"} for c in codes]}
    return schemes.parse(raw, columns=list(codes))


# ------------------------------------------------------------------ aggregate

ROW = pd.DataFrame([[20.0, 50.0, 80.0]], columns=list("abc"))
W121 = pd.Series([1.0, 2.0, 1.0], index=list("abc"))


@pytest.mark.parametrize("fn,expected", [(agg.arithmetic, 50), (agg.geometric, 44.72135955),
                                         (agg.harmonic, 39.02439024)])
def test_weighted_means_of_20_50_80(fn, expected):
    assert fn(ROW, W121).item() == pytest.approx(expected, abs=1e-8)


def test_missing_cell_is_dropped_and_weights_renormalised():
    gap = ROW.assign(b=NAN)
    assert agg.arithmetic(gap, W121).item() == 50
    assert agg.coverage(gap, W121).item() == 0.5
    assert agg.geometric(gap, W121).item() == pytest.approx(40.0)  # √(20·80)
    assert np.isnan(agg.arithmetic(ROW * NAN, W121).item())


def test_geometric_zero_score_and_zero_weight():
    assert agg.geometric(ROW.assign(a=0.0), W121).item() == 0.0
    assert agg.geometric(ROW.assign(a=0.0), W121.replace(1.0, 0.0)).item() == pytest.approx(50.0)


def test_weights_must_cover_the_columns():
    with pytest.raises(ValueError, match="no weight for c"):
        agg.arithmetic(ROW, W121.drop("c"))


def test_topsis_closeness_vector1():
    closeness = agg.topsis(minmax_frame(VECTOR1, DIRECTIONS), ENTROPY_WEIGHTS)
    np.testing.assert_allclose(closeness[list(TOPSIS)], list(TOPSIS.values()), atol=1e-9)
    assert list(rank(closeness).sort_values().index) == ["A", "C", "B", "E", "D"]


# ------------------------------------------------------------------ ranking

def test_rank_ties_share_the_smallest_and_missing_stays_na():
    r = rank(pd.Series([90.0, 80.0, 80.0, 70.0, NAN], index=list("abcde")))
    assert r.dtype == "Int64" and r.tolist()[:4] == [1, 2, 2, 4] and r.isna().tolist() == [False] * 4 + [True]
    assert rank(pd.Series([1 / 3 + 1 / 3 + 1 / 3, 1.0])).tolist() == [1, 1]  # rounding noise is no ranking


def test_rank_change_positive_means_moved_up():
    now = pd.Series([1, 3, pd.NA, 2], index=list("abcd"), dtype="Int64")
    before = pd.Series([2, 1, 1], index=list("abc"), dtype="Int64")
    change = rank_change(now, before)
    assert change.dtype == "Int64" and change.tolist()[:2] == [1, -2] and change.isna().tolist()[2:] == [True, True]


# ------------------------------------------------------------------ composite, methodology.md

def test_vector1_entropy_minmax_composite_and_ranks():
    result = score(VECTOR1, MINMAX)
    np.testing.assert_allclose(result.weights, ENTROPY_WEIGHTS, atol=1e-10)
    np.testing.assert_allclose(result.table.score[list(COMPOSITE)], list(COMPOSITE.values()), atol=1e-9)
    assert result.table["rank"].to_dict() == {u: RANKS[u] for u in VECTOR1.index}
    assert result.table.coverage.eq(1).all() and result.table.reason.eq("").all() and result.warnings == []


def test_vector1_geometric_on_the_coinr_1_100_rescale_with_entropy_weights():
    result = score(VECTOR1, MINMAX, aggregation="geometric")
    np.testing.assert_allclose(result.table.score[list(GEOMETRIC)], list(GEOMETRIC.values()), atol=1e-4)
    assert result.table["rank"]["C"] == 4  # C falls from 1st: its FAI growth is the minimum
    assert result.indicator_scores.min().min() == 1.0 and result.params["geometric_floor"] == 1.0


def test_vector1_efficacy_is_60_plus_0_4_times_minmax():
    result = score(VECTOR1, EFFICACY)
    expected = {u: 60 + 0.4 * v for u, v in COMPOSITE.items()}
    np.testing.assert_allclose(result.table.score[list(expected)], list(expected.values()), atol=1e-9)


def test_coverage_two_thirds_case():
    sch = schemes.load(SCHEMES / "coverage.toml", columns=["a", "b", "c"])
    matrix = pd.DataFrame({"a": [1, 2, 3], "b": [3, NAN, NAN], "c": [1, NAN, 1]}, index=["u1", "u2", "u3"])
    t = score(matrix, sch, labels={"b": "固定资产投资", "c": "社会消费品零售总额"}).table
    assert t.score["u1"] == pytest.approx(1.6667, abs=1e-4) and np.isnan(t.score["u2"]) and t.score["u3"] == 2
    assert t["rank"].tolist()[0] == 2 and pd.isna(t["rank"]["u2"]) and t["rank"]["u3"] == 1
    np.testing.assert_allclose(t.coverage, [1, 1 / 3, 2 / 3])
    assert t.reason["u2"] == ("数据覆盖不足：有数据的指标权重占 33%，低于方案要求的 67%（缺：固定资产投资、社会消费品零售总额）")
    assert t.reason["u3"] == "" and t.missing.to_dict() == {"u1": "", "u2": "固定资产投资、社会消费品零售总额",
                                                            "u3": "固定资产投资"}


def test_reason_shows_enough_decimals_to_differ():
    sch = scheme_for(["a", "b", "c"], coverage=0.67)
    matrix = pd.DataFrame({"a": [1.0, 2.0], "b": [2.0, NAN], "c": [3.0, 1.0]})
    assert "占 66.7%，低于方案要求的 67.0%（缺：b）" in score(matrix, sch).table.reason[1]


# ------------------------------------------------------------------ composite, behaviour

def test_overrides_scoring_weights_aggregation_and_explicit_weights():
    by_override = score(VECTOR1, EFFICACY, scoring="minmax")
    pd.testing.assert_frame_equal(by_override.table, score(VECTOR1, MINMAX).table)
    assert by_override.params["scoring"] == "minmax"
    equal = score(VECTOR1, MINMAX, weights="equal")
    np.testing.assert_allclose(equal.table.score, equal.indicator_scores.mean(axis=1))
    explicit = score(VECTOR1, MINMAX, weights=ENTROPY_WEIGHTS * 7)
    np.testing.assert_allclose(explicit.table.score[list(COMPOSITE)], list(COMPOSITE.values()), atol=1e-8)
    assert explicit.params["weights"] == "explicit"


@pytest.mark.parametrize("kwargs,message", [
    ({"aggregation": "median"}, "unknown aggregation 'median'; use one of arithmetic, geometric"),
    ({"scoring": "minimax"}, "unknown scoring 'minimax'"),
    ({"scoring": "goalposts"}, "scoring goalposts needs lower and upper for x1, x2, x3, x4"),
    ({"weights": "entropie"}, "unknown weights 'entropie'"),
    ({"weights": pd.Series({"x1": 1.0})}, "explicit weights lack x2, x3, x4"),
    ({"weights": pd.Series({"x1": -1.0, "x2": 1, "x3": 1, "x4": 1})}, "negative weights for x1"),
])
def test_bad_arguments_are_rejected_with_the_fix(kwargs, message):
    with pytest.raises(ValueError, match=message):
        score(VECTOR1, MINMAX, **kwargs)


def test_bad_matrices_are_rejected_naming_the_column_or_unit():
    with pytest.raises(ValueError, match="the matrix has no column for x4; its columns are x1, x2, x3"):
        score(VECTOR1.drop(columns="x4"), MINMAX)
    with pytest.raises(ValueError, match="units listed twice: A"):
        score(pd.concat([VECTOR1, VECTOR1.loc[["A"]]]), MINMAX)


def test_params_regenerate_the_result():
    result = score(VECTOR1, MINMAX, aggregation="geometric")
    p = result.params
    assert {k: p[k] for k in ("scheme", "year", "weights", "aggregation", "scoring", "coverage")} == {
        "scheme": "vector 1", "year": 2026, "weights": "entropy", "aggregation": "geometric", "scoring": None,
        "coverage": 0.67}
    assert [i["code"] for i in p["indicators"]] == COLUMNS and p["indicators"][3]["direction"] == -1
    again = score(VECTOR1, MINMAX, weights=pd.Series(p["weights_used"]), aggregation=p["aggregation"])
    pd.testing.assert_series_equal(again.table.score, result.table.score)
    total = agg.AGGREGATORS["geometric"](result.indicator_scores, result.weights)
    pd.testing.assert_series_equal(total, result.table.score, check_names=False)


def test_constant_indicator_warns_by_name_and_keeps_ranks():
    flat = VECTOR1.assign(x5=3.0)
    sch = schemes.parse({"scheme": {"name": "t", "year": 2026, "weights": "equal"}, "indicators": [
        *({"code": c, "weight": 1, "direction": int(d), "scoring": "minmax"} for c, d in DIRECTIONS.items()),
        {"code": "x5", "weight": 1, "scoring": "efficacy"}]}, columns=[*COLUMNS, "x5"])
    result = score(flat, sch, labels={"x5": "规上工业企业数"})
    assert any("规上工业企业数" in w and "取值相同" in w for w in result.warnings)
    assert result.indicator_scores.x5.eq(100).all()
    assert result.table["rank"].equals(score(VECTOR1, MINMAX, weights="equal").table["rank"])


def test_goalposts_and_targets_in_one_scheme():
    sch = schemes.parse({"scheme": {"name": "t", "year": 2026, "weights": "equal"}, "indicators": [
        {"code": "share", "weight": 1, "scoring": "goalposts", "lower": 40.0, "upper": 85.0},
        {"code": "new", "weight": 1, "scoring": "achievement"},
        {"code": "fai", "weight": 1, "scoring": "target", "partial": False}]}, columns=["share", "new", "fai"])
    matrix = pd.DataFrame({"share": [40.0, 62.5, 90.0], "new": [3.0, 6.0, 12.0], "fai": [5.0, 7.0, 9.0]},
                          index=["甲", "乙", "丙"])
    targets = pd.DataFrame({"new": [6.0, 6.0, 6.0], "fai": [6.0, 6.0, 6.0]}, index=["丙", "乙", "甲"])
    result = score(matrix, sch, targets=targets)
    assert result.indicator_scores.to_dict("list") == {"share": [0, 50, 100], "new": [50, 100, 100],
                                                        "fai": [0, 100, 100]}
    no_targets = score(matrix, sch)
    assert no_targets.indicator_scores.new.isna().all() and no_targets.table.score.isna().all()
    assert sum("没有提供目标值" in w for w in no_targets.warnings) == 2


def test_geometric_floors_zero_scores_at_one():
    sch = schemes.parse({"scheme": {"name": "t", "year": 2026, "weights": "equal", "aggregation": "geometric"},
                         "indicators": [{"code": c, "weight": 1, "scoring": "goalposts", "lower": 0.0,
                                         "upper": 100.0} for c in "ab"]}, columns=["a", "b"])
    result = score(pd.DataFrame({"a": [0.0, 50.0], "b": [100.0, 50.0]}), sch)
    assert result.table.score.tolist() == [pytest.approx(10.0), pytest.approx(50.0)]  # √(1·100), not 0


# ------------------------------------------------------------------ pillars

PILLARED = schemes.parse({
    "scheme": {"name": "pillars", "year": 2026, "weights": "fixed", "coverage": 0.5},
    "pillars": {"growth": {"zh": "经济增长"}, "demand": {"zh": "消费"}},
    "indicators": [{"code": "x1", "weight": 3, "pillar": "growth", "scoring": "goalposts", "lower": 0.0, "upper": 100.0},
                   {"code": "x2", "weight": 1, "pillar": "growth", "scoring": "goalposts", "lower": 0.0, "upper": 100.0},
                   {"code": "x3", "weight": 2, "pillar": "demand", "scoring": "goalposts", "lower": 0.0, "upper": 100.0},
                   {"code": "x4", "weight": 2, "scoring": "goalposts", "lower": 0.0, "upper": 100.0}]},
    columns=COLUMNS)


def test_pillars_first_then_the_total():
    matrix = pd.DataFrame({"x1": [40.0, NAN], "x2": [80.0, 80.0], "x3": [10.0, 10.0], "x4": [30.0, 30.0]},
                          index=["u1", "u2"])
    t = score(matrix, PILLARED).table
    assert list(t.columns) == ["score", "rank", "coverage", "reason", "missing", "pillar_growth", "pillar_demand"]
    assert t.pillar_growth.tolist() == [50.0, 80.0] and t.pillar_demand.tolist() == [10.0, 10.0]
    assert t.score["u1"] == pytest.approx((4 * 50 + 2 * 10 + 2 * 30) / 8)  # = one-stage mean when complete
    # u2 lacks x1: growth is x2 alone but keeps its weight 4 of 8 (one-stage would give 2/6·… instead)
    assert t.score["u2"] == pytest.approx((4 * 80 + 2 * 10 + 2 * 30) / 8) and t.coverage["u2"] == 5 / 8


def test_2026_scheme_scores_a_province_sized_matrix_fast():
    from loaders.catalogue import default

    sch = schemes.for_year(2026, default())
    rng = np.random.default_rng(2026)
    matrix = pd.DataFrame(rng.normal(6, 4, size=(2850, len(sch.codes))), columns=sch.codes,
                          index=[f"{i:06d}" for i in range(2850)])
    matrix[matrix > 13] = NAN
    targets = matrix * 0 + 6.0
    score(matrix, sch, targets=targets)
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        result = score(matrix, sch, targets=targets)
        runs.append(time.perf_counter() - start)
    assert [c for c in result.table.columns if c.startswith("pillar_")] == [
        "pillar_growth", "pillar_investment", "pillar_demand", "pillar_quality", "pillar_key_work"]
    assert result.table.score.notna().sum() > 2000
    assert min(runs) < 0.25  # ~7 ms on a laptop; this only catches a fall back to per-unit Python loops


# ------------------------------------------------------------------ properties

def units(values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(values, index=[f"u{i}" for i in range(len(values))],
                        columns=[f"c{j}" for j in range(values.shape[1])])


matrices = arrays(np.float64, st.tuples(st.integers(2, 15), st.integers(1, 6)),
                  elements=st.integers(-1000, 1000).map(lambda v: v / 10))


@settings(max_examples=50, deadline=None)
@given(matrices)
def test_equal_weights_reproduce_the_plain_row_mean(values):
    m = units(values)
    result = score(m, scheme_for(m.columns, weights="equal"))
    np.testing.assert_allclose(result.table.score, result.indicator_scores.mean(axis=1), atol=1e-9)


@settings(max_examples=50, deadline=None)
@given(matrices, st.sampled_from(["fixed", "entropy", "critic"]), st.sampled_from(["arithmetic", "geometric"]))
def test_adding_a_constant_indicator_does_not_change_ranks(values, weights, aggregation):
    m = units(values)
    before = score(m, scheme_for(m.columns), weights=weights, aggregation=aggregation).table["rank"]
    flat = m.assign(flat=4.2)
    after = score(flat, scheme_for(flat.columns), weights=weights, aggregation=aggregation).table["rank"]
    pd.testing.assert_series_equal(before, after)


@settings(max_examples=50, deadline=None)
@given(matrices)
def test_identical_units_share_a_rank(values):
    m = units(np.vstack([values, values[:1]]))
    r = score(m, scheme_for(m.columns)).table["rank"]
    assert r.iloc[0] == r.iloc[-1]


# ------------------------------------------------------------------ pymcdm cross-checks (dev only)

def random_case(seed: int):
    rng = np.random.default_rng(seed)
    values = rng.normal(5, 4, size=(10, 5))
    types = np.array([1, 1, -1, 1, -1])
    w = rng.uniform(0.5, 2, size=5)
    return pd.DataFrame(values, columns=[f"c{j}" for j in range(5)]), types, w / w.sum()


@pytest.mark.parametrize("seed", range(8))
def test_wsm_and_topsis_match_pymcdm(seed):
    pytest.importorskip("pymcdm")
    from pymcdm.methods import TOPSIS, WSM
    from pymcdm.normalizations import minmax_normalization

    matrix, types, w = random_case(seed)
    sch = schemes.parse({"scheme": {"name": "t", "year": 2026}, "indicators": [
        {"code": c, "weight": 1, "direction": int(d), "scoring": "minmax"} for c, d in zip(matrix.columns, types, strict=True)]},
        columns=list(matrix.columns))
    ours = score(matrix, sch, weights=pd.Series(w, index=matrix.columns)).table.score
    np.testing.assert_allclose(ours, 100 * WSM(minmax_normalization)(matrix.to_numpy(), w, types), atol=1e-9)
    closeness = agg.topsis(minmax_frame(matrix, pd.Series(types, index=matrix.columns)), pd.Series(w, matrix.columns))
    np.testing.assert_allclose(closeness, TOPSIS()(matrix.to_numpy(), w, types), atol=1e-12)


def test_the_product_does_not_import_pymcdm():
    modules = ", ".join(f"indicators.{m}" for m in ("normalise", "weights", "aggregate", "ranking", "composite", "cli"))
    code = f"import sys, {modules}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'pymcdm'))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
