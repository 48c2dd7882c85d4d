"""Per-indicator scoring against methodology.md's exact cases, plus properties of min-max and the SCORERS registry."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import FILES
from indicators import normalise as nz
from indicators.scheme import SCORINGS, SchemeIndicator

NAN = np.nan
VECTOR1 = pd.read_csv(FILES / "vector1.csv", index_col=0)
DIRECTIONS = pd.Series({"x1": 1, "x2": 1, "x3": 1, "x4": -1})
# methodology.md, vector 1: direction-aware min-max rows.
VECTOR1_MINMAX = pd.DataFrame(
    [[.763158, .493056, .665193, .72], [.315789, 1, .275138, .36], [1, 0, 1, 1], [0, .6875, 0, 0],
     [.552632, .395833, .424309, .48]], index=list("ABCDE"), columns=["x1", "x2", "x3", "x4"])


def s(*values) -> pd.Series:
    return pd.Series(values, index=[f"u{i}" for i in range(len(values))], dtype=float)


def test_vector1_minmax_rows_whole_matrix_and_per_column():
    np.testing.assert_allclose(nz.minmax_frame(VECTOR1, DIRECTIONS), VECTOR1_MINMAX, atol=5e-7)
    for code, direction in DIRECTIONS.items():
        np.testing.assert_allclose(nz.minmax(VECTOR1[code], direction), 100 * VECTOR1_MINMAX[code], atol=5e-5)


# (function, arguments, input, expected): methodology.md "Small exact cases" and "Progress arithmetic".
EXACT = [
    ("minmax", {}, (2, 4, 6, 10), (0, 25, 50, 100)),
    ("minmax", {"direction": -1}, (2, 4, 6, 10), (100, 75, 50, 0)),
    ("minmax", {"lo": 1, "hi": 100}, (2, 4, 6, 10), (1, 25.75, 50.5, 100)),
    ("zscore", {}, (2, 4, 6, 10), (-1.024695077, -0.4391550328, 0.1463850109, 1.317465098)),
    ("zscore", {"direction": -1}, (2, 4, 6, 10), (1.024695077, 0.4391550328, -0.1463850109, -1.317465098)),
    ("goalposts", {"lower": 0, "upper": 72.6, "direction": -1}, (0.5, 2, 13, 40, 80),
     (99.31129477, 97.24517906, 82.09366391, 44.90358127, 0)),
    ("goalposts", {"lower": 10, "upper": 100}, (5, 50, 120), (0, 44.44444444, 100)),
    ("efficacy", {}, (2, 5.5, 9), (60, 80, 100)),
    ("efficacy", {"direction": -1}, (2, 5.5, 9), (100, 80, 60)),
    ("rank_points", {"full_marks": 10}, (50, 40, 30, 20, 10), (10, 9.5, 9.0, 8.5, 8.0)),
    ("rank_points", {"full_marks": 10, "direction": -1}, (50, 40, 30, 20, 10), (8.0, 8.5, 9.0, 9.5, 10)),
    ("rank_points", {"full_marks": 10}, (9, 7, 7, 5), (10, 9.5, 9.5, 8.5)),  # ties share the better place
    ("rank_points", {"step": 0.4}, (4, 3, 2, 1), (100, 60, 20, 0)),  # floored at 0
    ("minmax", {}, (2, NAN, 10), (0, NAN, 100)),  # missing ignored and kept
    ("zscore", {}, (2, NAN, 4), (-0.7071067812, NAN, 0.7071067812)),
    ("rank_points", {"full_marks": 10}, (NAN, 3, 5), (NAN, 9.5, 10)),
]


@pytest.mark.parametrize("name,kwargs,values,expected", EXACT, ids=[f"{c[0]}-{i}" for i, c in enumerate(EXACT)])
def test_exact_cases(name, kwargs, values, expected):
    out = getattr(nz, name)(s(*values), **kwargs)
    assert list(out.index) == list(s(*values).index)
    np.testing.assert_allclose(out.to_numpy(), expected, atol=1e-8)


@pytest.mark.parametrize("name,top", [("minmax", 100), ("efficacy", 100), ("zscore", 0), ("rank_points", 100)])
@pytest.mark.parametrize("direction", [1, -1])
def test_constant_indicator_scores_every_present_unit_the_top(name, top, direction):
    out = getattr(nz, name)(s(3.5, NAN, 3.5, 3.5), direction=direction)
    np.testing.assert_array_equal(out.to_numpy(), [top, NAN, top, top])
    assert nz.is_constant(s(3.5, NAN, 3.5)) and nz.is_constant(s(NAN, 1)) and not nz.is_constant(s(NAN, NAN))
    assert not nz.is_constant(s(1, 2))


TARGETS = [
    # (function, kwargs, actual, target, expected)
    ("target", {}, (5, 6, 7, NAN, 6), (6, 6, 6, 6, NAN), (0, 100, 100, NAN, NAN)),
    ("target", {"partial": True}, (3, 6, 9, -1), (6, 6, 6, 6), (50, 100, 100, 0)),
    ("target", {"partial": True}, (-1, -3), (-2, -2), (100, 0)),  # target ≤ 0: met or not
    ("target", {"direction": -1}, (0.5, 0.6, 0.7), (0.6, 0.6, 0.6), (100, 100, 0)),
    ("achievement", {}, (30, 120, 150, 0, -5), (120, 120, 120, 120, 120), (25, 100, 100, 0, 0)),
    ("achievement", {}, (1, -3), (0, -2), (100, 0)),
    ("achievement", {"direction": -1}, (0.5, 0.8), (0.6, 0.6), (100, 75)),
]


@pytest.mark.parametrize("name,kwargs,actual,target,expected", TARGETS)
def test_target_and_achievement(name, kwargs, actual, target, expected):
    out = getattr(nz, name)(s(*actual), s(*target), **kwargs)
    np.testing.assert_allclose(out.to_numpy(), expected, atol=1e-12)


def test_targets_align_on_the_index():
    actual = pd.Series([30.0, 60.0], index=["甲县", "乙县"])
    target = pd.Series([120.0, 60.0], index=["乙县", "甲县"])
    assert nz.achievement(actual, target).to_dict() == {"甲县": 50.0, "乙县": 50.0}


def test_bad_arguments_say_what_to_do():
    with pytest.raises(ValueError, match="direction must be 1"):
        nz.minmax(s(1, 2), direction=0)
    with pytest.raises(ValueError, match="lower < upper"):
        nz.goalposts(s(1, 2), lower=5, upper=5)


def test_scorers_cover_every_scheme_mode_with_one_signature():
    assert set(nz.SCORERS) == set(SCORINGS)
    x, t = s(1, 5, 9), s(5, 5, 5)
    for mode, scorer in nz.SCORERS.items():
        ind = SchemeIndicator(code="x", weight=1, scoring=mode, lower=0.0, upper=10.0)
        out = scorer(x, ind, t)
        assert list(out.index) == list(x.index), mode
    ind = SchemeIndicator(code="x", weight=1, scoring="achievement")
    assert nz.SCORERS["achievement"](x, ind, None).isna().all()  # no target: missing, not zero
    assert nz.SCORERS["achievement"](x, ind, s(10, 10)).tolist()[:2] == [10, 50]
    with pytest.raises(ValueError, match="indicator 'x': goalposts scoring needs lower and upper"):
        nz.SCORERS["goalposts"](x, SchemeIndicator(code="x", weight=1, scoring="goalposts"), None)


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_subnormal=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(finite, min_size=2, max_size=30), st.sampled_from([1, -1]))
def test_minmax_spans_exactly_0_to_100(values, direction):
    assume(max(values) > min(values))
    out = nz.minmax(s(*values), direction)
    assert out.min() == 0.0 and out.max() == 100.0
    eff = nz.efficacy(s(*values), direction)
    assert eff.min() == 60.0 and eff.max() == 100.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-10**6, 10**6), min_size=2, max_size=30, unique=True), st.sampled_from([1, 10, 100]))
def test_flipping_direction_mirrors_ranks(values, per_unit):
    x = s(*values) / per_unit  # distinct at published precision (values 1e-45 apart collapse in any float maths)
    up = nz.minmax(x, 1).rank(ascending=False)
    down = nz.minmax(x, -1).rank(ascending=False)
    assert (up + down == len(x) + 1).all()
    np.testing.assert_allclose(nz.minmax(x, -1), 100 - nz.minmax(x, 1), atol=1e-9)
    step = 1 / len(x)  # small enough that no place reaches the floor of 0 (which would tie the last ones)
    points_up, points_down = nz.rank_points(x, 1, 10, step), nz.rank_points(x, -1, 10, step)
    assert sorted(points_up) == sorted(points_down)
    assert (points_up.rank() + points_down.rank() == len(x) + 1).all()
