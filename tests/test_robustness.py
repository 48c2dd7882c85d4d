"""Rank intervals: consistent with the nominal score, deterministic, and honest about near-ties."""

import numpy as np
import pandas as pd
import pytest

from indicators import composite, robustness
from indicators.scheme import parse


def scheme(pillars=True, aggregation="arithmetic"):
    raw = {
        "scheme": {"name": "t", "year": 2026, "aggregation": aggregation, "coverage": 0.5},
        "indicators": [
            {"code": "a", "weight": 3, "scoring": "efficacy", "pillar": "p1" if pillars else ""},
            {"code": "b", "weight": 2, "scoring": "minmax", "pillar": "p1" if pillars else ""},
            {"code": "c", "weight": 5, "scoring": "goalposts", "lower": 0.0, "upper": 10.0,
             "pillar": "p2" if pillars else ""},
            {"code": "d", "weight": 1, "scoring": "efficacy", "direction": -1, "pillar": "p2" if pillars else ""},
        ],
    }
    if not pillars:
        for e in raw["indicators"]:
            e.pop("pillar")
    return parse(raw, columns=["a", "b", "c", "d"])


def random_matrix(n=40, seed=3):
    rng = np.random.default_rng(seed)
    m = pd.DataFrame(rng.normal(5, 3, (n, 4)), columns=list("abcd"), index=[f"u{i}" for i in range(n)])
    m.iloc[2, 1] = np.nan
    return m


@pytest.mark.parametrize("pillars", [True, False])
@pytest.mark.parametrize("aggregation", ["arithmetic", "geometric"])
def test_vectorised_composite_matches_the_reference_engine(pillars, aggregation):
    s = scheme(pillars, aggregation)
    m = random_matrix()
    ref = composite.score(m, s)
    modes = {}
    for ind in s.indicators:
        modes[ind.code] = ref.indicator_scores[ind.code].to_numpy()
    scores = np.column_stack([modes[c] for c in s.codes])
    w = np.array([i.weight for i in s.indicators])[:, None]
    fast = robustness.composite(scores, w, robustness.pillar_matrix(s), aggregation)[:, 0]
    np.testing.assert_allclose(fast, ref.table["score"].to_numpy(), rtol=1e-9)


def test_ranks_of_ties_share_the_smallest_rank():
    r = robustness.ranks_of(np.array([[50.0], [80.0], [80.0], [np.nan], [20.0]]))
    assert r[:, 0].tolist()[:3] == [3.0, 1.0, 1.0] and np.isnan(r[3, 0]) and r[4, 0] == 4.0


def test_a_unit_best_on_everything_is_first_in_every_draw_and_results_are_seeded():
    s = scheme()
    m = random_matrix()
    m.loc["u0"] = [99.0, 99.0, 99.0, -99.0]
    nominal = composite.score(m, s).table["rank"]
    one = robustness.run(m, s, nominal_rank=nominal, draws=200)
    two = robustness.run(m, s, nominal_rank=nominal, draws=200)
    assert one.table.loc["u0", ["rank_p05", "rank_median", "rank_p95"]].tolist() == [1, 1, 1]
    pd.testing.assert_frame_equal(one.table, two.table)
    t = one.table.dropna(subset=["rank"])
    assert (t["rank_p05"] <= t["rank_median"]).all() and (t["rank_median"] <= t["rank_p95"]).all()


def test_near_ties_are_flagged_not_distinct_and_clear_gaps_are_not():
    s = parse({"scheme": {"name": "t", "year": 2026},
               "indicators": [{"code": "a", "weight": 5}, {"code": "c", "weight": 5}]}, columns=["a", "c"])
    m = pd.DataFrame({"a": [9.0, 7.0, 1.0], "c": [7.0, 9.2, 1.0]}, index=["x", "y", "z"])
    nominal = composite.score(m, s).table["rank"]
    table = robustness.run(m, s, nominal_rank=nominal, draws=300).table
    assert "y" in table.loc["x", "not_distinct_from"] and "x" in table.loc["y", "not_distinct_from"]
    assert table.loc["z", "not_distinct_from"] == []
    assert table.loc["z", ["rank_p05", "rank_p95"]].tolist() == [3, 3]


def test_units_without_a_nominal_rank_stay_unranked():
    s = scheme()
    m = random_matrix()
    nominal = composite.score(m, s).table["rank"].copy()
    nominal.loc["u5"] = pd.NA
    table = robustness.run(m, s, nominal_rank=nominal, draws=50).table
    assert table.loc["u5", ["rank_p05", "rank_median", "rank_p95"]].isna().all()
