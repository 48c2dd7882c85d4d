"""Explanations add up, and every "what would it take" answer is the smallest that works."""

import numpy as np
import pandas as pd
import pytest

from indicators import composite, explain
from indicators.scheme import parse


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
