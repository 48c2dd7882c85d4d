"""Explanations add up, and every "what would it take" answer is the smallest that works."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from indicators import composite, explain
from indicators.scheme import parse

MODES = ["fixed", "equal", "entropy", "critic"]
AGGREGATIONS = ["arithmetic", "geometric"]


def scheme():
    return parse({
        "scheme": {"name": "t", "year": 2026, "coverage": 0.5},
        "indicators": [
            {"code": "gdp", "weight": 4, "scoring": "efficacy", "pillar": "growth"},
            {"code": "fai", "weight": 3, "scoring": "efficacy", "pillar": "growth"},
            {"code": "retail", "weight": 2, "scoring": "minmax", "pillar": "demand"},
            {"code": "energy", "weight": 1, "scoring": "efficacy", "direction": -1, "pillar": "demand"},
        ],
    }, columns=["gdp", "fai", "retail", "energy"])


@pytest.fixture
def m():
    rng = np.random.default_rng(11)
    return pd.DataFrame({"gdp": rng.normal(5, 1.5, 30), "fai": rng.normal(3, 8, 30),
                         "retail": rng.normal(5, 2, 30), "energy": rng.normal(0.6, 0.1, 30)},
                        index=[f"c{i:02d}" for i in range(30)]).round(1)


def test_points_against_the_mean_add_up_to_the_gap_to_the_mean_score(m):
    s = scheme()
    res = composite.score(m, s)
    pts = explain.points(res)["vs_mean"]
    mean_scores = res.indicator_scores.mean()
    w = pd.Series({i.code: i.weight for i in s.indicators}) / sum(i.weight for i in s.indicators)
    expected = res.table["score"] - (mean_scores * w).sum()
    np.testing.assert_allclose(pts.sum(axis=1), expected, atol=1e-9)


def test_points_against_the_unit_above_add_up_to_the_score_gap(m):
    s = scheme()
    res = composite.score(m, s)
    pts = explain.points(res)["vs_above"]
    order = res.table.sort_values("score", ascending=False)
    top, second = order.index[0], order.index[1]
    assert pts.loc[top].isna().all()
    np.testing.assert_allclose(pts.loc[second].sum(), order.loc[second, "score"] - order.loc[top, "score"])


def test_strongest_and_weakest(m):
    s = scheme()
    res = composite.score(m, s)
    pts = explain.points(res)["vs_mean"]
    unit = res.table["rank"].idxmax()
    strong, weak = explain.strongest_weakest(res, unit)
    assert len(strong) == 3 and len(weak) == 3 and pts.loc[unit, strong[0]] >= pts.loc[unit, weak[0]]


def test_gap_to_rank_answers_are_verified_and_minimal(m):
    s = scheme()
    res = composite.score(m, s)
    unit = res.table.sort_values("rank").index[20]
    gaps = explain.gap_to_rank(res, unit, 10)
    single = gaps[gaps["indicator"] != "组合"]
    assert set(single["indicator"]) == set(s.codes)
    reachable = single[single["reachable"]]
    assert len(reachable) >= 1
    for row in reachable.itertuples():
        ind = s.indicator(row.indicator)
        improved = m.copy()
        improved.loc[unit, row.indicator] = row.current + ind.direction * row.improvement
        assert composite.score(improved, s).table.loc[unit, "rank"] <= 10
        less = m.copy()
        less.loc[unit, row.indicator] = row.current + ind.direction * (row.improvement - 0.1)
        assert composite.score(less, s).table.loc[unit, "rank"] > 10  # 0.1 less is not enough
    combined = gaps[gaps["indicator"] == "组合"].iloc[0]
    assert combined["reachable"] and combined["verified_rank"] <= 10


def test_an_indicator_with_too_little_weight_cannot_do_it_alone(m):
    s = scheme()
    res = composite.score(m, s)
    last = res.table["rank"].idxmax()
    gaps = explain.gap_to_rank(res, last, 1).set_index("indicator")
    assert not gaps.loc["energy", "reachable"] and gaps.loc["energy", "note"] == "仅靠该指标无法达到"



def test_a_unit_without_data_gets_every_answer_column_and_no_answer(m):
    """A prefecture or county that reported nothing: every row says 无数据, and the columns the 通报 and the county
    page read are there (empty), not missing."""
    m.loc["c05"] = np.nan
    res = composite.score(m, scheme())
    gaps = explain.gap_to_rank(res, "c05", 10)
    assert list(gaps.columns) == explain.GAP_COLUMNS
    alone = gaps[gaps["indicator"] != "组合"]
    assert (alone["note"] == "无数据，无法测算").all() and gaps["improvement"].isna().all()

# ---------------------------------------------------------------- effective weights, every mode

def random_scheme(k: int, weights: list[int], scorings: list[str], pillars: list[str], coverage: float = 0.5):
    codes = [f"c{j}" for j in range(k)]
    return parse({"scheme": {"name": "p", "year": 2026, "coverage": coverage},
                  "indicators": [{"code": c, "weight": w, "scoring": sc, "direction": 1 if j % 3 else -1,
                                  **({"pillar": p} if p else {})}
                                 for j, (c, w, sc, p) in enumerate(zip(codes, weights, scorings, pillars, strict=True))]},
                 columns=codes)


@st.composite
def cases(draw, missing: bool = True):
    """(matrix, scheme): 3–12 units × 2–5 indicators, integer weights, mixed scorings and pillars, some cells
    missing when `missing`."""
    n, k = draw(st.integers(3, 12)), draw(st.integers(2, 5))
    values = draw(arrays(np.float64, (n, k), elements=st.integers(-500, 500).map(lambda v: v / 10)))
    if missing and draw(st.booleans()):
        values = np.where(draw(arrays(np.bool_, (n, k))), np.nan, values)
    weights = draw(st.lists(st.integers(1, 20), min_size=k, max_size=k))
    scorings = draw(st.lists(st.sampled_from(["efficacy", "minmax", "zscore"]), min_size=k, max_size=k))
    pillars = draw(st.lists(st.sampled_from(["", "a", "b"]), min_size=k, max_size=k))
    m = pd.DataFrame(values, index=[f"u{i:02d}" for i in range(n)], columns=[f"c{j}" for j in range(k)])
    return m, random_scheme(k, weights, scorings, pillars)


@settings(max_examples=40, deadline=None)
@given(cases(), st.sampled_from(MODES), st.sampled_from(AGGREGATIONS))
def test_effective_weights_rebuild_every_score(case, mode, aggregation):
    m, s = case
    res = composite.score(m, s, weights=mode, aggregation=aggregation)
    scored = res.table["score"].notna()
    eff, scores = res.effective_weights[scored], res.indicator_scores[scored]
    np.testing.assert_allclose(eff.sum(axis=1), 1.0, atol=1e-12)
    assert (eff[scores.isna()].fillna(0) == 0).all().all()  # a missing score carries no weight
    if aggregation == "arithmetic":
        rebuilt = (eff * scores.fillna(0)).sum(axis=1)
    else:
        rebuilt = np.exp((eff * np.log(scores.fillna(1))).sum(axis=1))
    np.testing.assert_allclose(rebuilt, res.table.loc[scored, "score"], rtol=1e-10)


@settings(max_examples=40, deadline=None)
@given(cases(missing=False), st.sampled_from(MODES))
def test_with_every_value_present_the_effective_weights_are_the_weights_used(case, mode):
    m, s = case
    res = composite.score(m, s, weights=mode)
    for unit in res.effective_weights.index:
        np.testing.assert_allclose(res.effective_weights.loc[unit], res.weights, atol=1e-12)


def _mean_score(res) -> float:
    scores = res.table["score"].dropna()
    return float(np.exp(np.log(scores).mean())) if res.params["aggregation"] == "geometric" else float(scores.mean())


@settings(max_examples=60, deadline=None)
@given(cases(), st.sampled_from(MODES), st.sampled_from(AGGREGATIONS))
def test_points_against_the_mean_add_up_to_the_score_minus_the_mean_score(case, mode, aggregation):
    """Arithmetic: the arithmetic mean of the scores; geometric: their geometric mean (the LMDI decomposition
    of explain's docstring). Units without a score get no points."""
    m, s = case
    res = composite.score(m, s, weights=mode, aggregation=aggregation)
    pts = explain.points(res)["vs_mean"]
    scored = res.table["score"].notna()
    assert pts[~scored].isna().all().all()
    if scored.any():
        want = res.table.loc[scored, "score"] - _mean_score(res)
        np.testing.assert_allclose(pts[scored].sum(axis=1), want, atol=1e-8)


@settings(max_examples=60, deadline=None)
@given(cases(), st.sampled_from(MODES), st.sampled_from(AGGREGATIONS))
def test_points_against_the_unit_above_add_up_to_the_score_gap_in_every_mode(case, mode, aggregation):
    m, s = case
    res = composite.score(m, s, weights=mode, aggregation=aggregation)
    pts = explain.points(res)["vs_above"]
    scores = res.table["score"].dropna()
    for unit, x in scores.items():
        better = scores[scores > x]  # the unit one place above: the lowest score that beats it
        if better.empty:
            assert pts.loc[unit].isna().all()
        else:
            np.testing.assert_allclose(pts.loc[unit].sum(), x - better.min(), atol=1e-8)


@settings(max_examples=40, deadline=None)
@given(cases(missing=False), st.sampled_from(MODES))
def test_arithmetic_points_are_the_weight_used_times_the_score_gap(case, mode):
    """Not the scheme's nominal weights: under equal, entropy or CRITIC weights the points follow those."""
    m, s = case
    res = composite.score(m, s, weights=mode)
    pts = explain.points(res)["vs_mean"]
    scored = res.table["score"].notna()
    gap = res.indicator_scores[scored] - res.indicator_scores[scored].mean()
    np.testing.assert_allclose(pts[scored], gap * res.weights, atol=1e-8)


# ---------------------------------------------------------------- strongest and weakest follow the weights

def _two_shapes() -> pd.DataFrame:
    """u0 is the best on both: on 'spread' everyone else is spread evenly (high entropy, low weight), on
    'peak' they are all at the bottom (low entropy, high weight). 'flat' is 0.5 weight-free noise."""
    return pd.DataFrame({"spread": [10, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9.0],
                         "peak": [10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.0],
                         "flat": [1, 5, 4, 6, 5, 4, 6, 5, 4, 6, 5.0]},
                        index=[f"u{i}" for i in range(11)])


def _shapes_scheme():
    return parse({"scheme": {"name": "s", "year": 2026},
                  "indicators": [{"code": "spread", "weight": 10, "scoring": "minmax"},
                                 {"code": "peak", "weight": 1, "scoring": "minmax"},
                                 {"code": "flat", "weight": 1, "scoring": "minmax"}]},
                 columns=["spread", "peak", "flat"])


@pytest.mark.parametrize("mode, strongest", [("fixed", "spread"), ("entropy", "peak")])
def test_strongest_follows_the_weights_the_score_used(mode, strongest):
    res = composite.score(_two_shapes(), _shapes_scheme(), weights=mode)
    assert (res.weights["peak"] > res.weights["spread"]) == (mode == "entropy")
    strong, weak = explain.strongest_weakest(res, "u0", n=1)
    assert strong == [strongest] and weak == ["flat"]


def test_explicit_weights_turn_strongest_and_weakest_round():
    m, s = _two_shapes(), _shapes_scheme()
    for w, strongest in (({"spread": 1, "peak": 5, "flat": 1}, "peak"), ({"spread": 5, "peak": 1, "flat": 1}, "spread")):
        res = composite.score(m, s, weights=pd.Series(w))
        assert explain.strongest_weakest(res, "u0", n=1)[0] == [strongest]


def test_an_indicator_without_data_is_neither_strongest_nor_weakest():
    m = _two_shapes()
    m.loc["u0", "flat"] = np.nan
    res = composite.score(m, _shapes_scheme(), weights="equal")
    pts = explain.points(res)["vs_mean"].loc["u0"]
    assert pts["flat"] < 0  # it contributes nothing, the mean unit contributes its average
    strong, weak = explain.strongest_weakest(res, "u0", n=3)
    assert "flat" not in strong + weak and set(strong) == {"spread", "peak"}
    assert pts.sum() == pytest.approx(res.table.loc["u0", "score"] - res.table["score"].mean())


# ---------------------------------------------------------------- gap to rank under data-driven weights

def test_rescore_reproduces_the_result_in_every_mode(m):
    for mode in MODES:
        for aggregation in AGGREGATIONS:
            res = composite.score(m, scheme(), weights=mode, aggregation=aggregation)
            again = composite.rescore(res)
            pd.testing.assert_frame_equal(again.table, res.table)
            assert again.params["weights"] == mode and again.params["aggregation"] == aggregation


def test_rescore_recomputes_entropy_weights_on_the_changed_values(m):
    res = composite.score(m, scheme(), weights="entropy")
    changed = composite.rescore(res, {"c00": {"fai": 60.0}})
    assert not np.allclose(changed.weights, res.weights)
    direct = composite.score(m.assign(fai=m["fai"].where(m.index != "c00", 60.0)), scheme(), weights="entropy")
    pd.testing.assert_series_equal(changed.weights, direct.weights)


@pytest.mark.parametrize("mode", ["entropy", "critic", "equal"])
def test_gap_to_rank_searches_with_the_weights_mode_it_verifies_with(m, mode):
    """Every improvement the search finds is confirmed by composite.rescore (same mode, entropy and CRITIC
    weights recomputed), is minimal to the published decimal, and the combined path reaches the rank."""
    s = scheme()
    res = composite.score(m, s, weights=mode)
    unit = res.table.sort_values("rank").index[20]
    gaps = explain.gap_to_rank(res, unit, 10)
    single = gaps[gaps["indicator"] != "组合"]
    found = single[single["improvement"].notna()]
    assert len(found) >= 1 and found["reachable"].all() and (found["verified_rank"] <= 10).all()
    for row in found.itertuples():
        direction = s.indicator(row.indicator).direction
        less = composite.rescore(res, {unit: {row.indicator: row.current + direction * (row.improvement - 0.1)}})
        assert less.table.loc[unit, "rank"] > 10
    combined = gaps[gaps["indicator"] == "组合"].iloc[0]
    assert combined["reachable"] and combined["verified_rank"] <= 10
    changes = {c: m.loc[unit, c] + s.indicator(c).direction * d for c, d in combined["changes"].items()}
    assert composite.rescore(res, {unit: changes}).table.loc[unit, "rank"] <= 10


@pytest.mark.parametrize("aggregation", AGGREGATIONS)
def test_gap_to_rank_keeps_the_aggregation_of_the_result(m, aggregation):
    res = composite.score(m, scheme(), aggregation=aggregation)
    unit = res.table.sort_values("rank").index[15]
    gaps = explain.gap_to_rank(res, unit, 5)
    found = gaps[(gaps["indicator"] != "组合") & gaps["improvement"].notna()]
    assert len(found) >= 1 and found["reachable"].all()
