"""Weights against methodology.md (entropy, CRITIC on vector 1), their edge cases, and pymcdm on random matrices."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from conftest import FILES
from indicators import scheme as schemes
from indicators import weights as wt
from indicators.normalise import minmax_frame

VECTOR1 = pd.read_csv(FILES / "vector1.csv", index_col=0)
SCHEME = schemes.load(FILES / "schemes" / "vector1_entropy_minmax.toml", columns=list(VECTOR1.columns))
# methodology.md, vector 1.
ENTROPIES = [0.8132237563, 0.8227023710, 0.7948709229, 0.8162402191]
ENTROPY_WEIGHTS = [0.2480550977, 0.2354666729, 0.2724292567, 0.2440489727]
CRITIC_WEIGHTS = [0.1736697504, 0.4893585715, 0.1720297903, 0.1649418878]



def scheme_for(codes, directions=None, weights=None):
    directions = directions or [1] * len(codes)
    weights = weights or [1] * len(codes)
    raw = {"scheme": {"name": "test", "year": 2026},
           "indicators": [{"code": c, "weight": w, "direction": d} for c, w, d in zip(codes, weights, directions, strict=True)]}
    return schemes.parse(raw, columns=list(codes))


def test_registry_matches_the_scheme_modes():
    assert set(wt.WEIGHTINGS) == set(schemes.WEIGHTINGS)


def test_vector1_entropies_and_entropy_weights():
    z = wt.complete_minmax(VECTOR1, SCHEME)
    np.testing.assert_allclose(wt.entropies(z), ENTROPIES, atol=1e-10)
    w = wt.entropy(VECTOR1, SCHEME)
    np.testing.assert_allclose(w, ENTROPY_WEIGHTS, atol=1e-10)
    assert list(w.index) == ["x1", "x2", "x3", "x4"]


def test_vector1_critic_weights_sample_or_population_sd_alike():
    np.testing.assert_allclose(wt.critic(VECTOR1, SCHEME), CRITIC_WEIGHTS, atol=1e-10)


def test_fixed_and_equal():
    sch = scheme_for(["x1", "x2", "x3", "x4"], weights=[12, 10, 5, 3])
    np.testing.assert_allclose(wt.fixed(VECTOR1, sch), [0.4, 1 / 3, 1 / 6, 0.1])
    np.testing.assert_allclose(wt.equal(VECTOR1, sch), [0.25] * 4)
    zero = scheme_for(["x1", "x2"], weights=[0, 0])
    with pytest.raises(ValueError, match="every indicator has weight 0"):
        wt.fixed(VECTOR1, zero)


@pytest.mark.parametrize("mode", ["entropy", "critic"])
def test_rows_with_a_gap_are_left_out(mode):
    padded = pd.concat([VECTOR1, pd.DataFrame({"x1": [9.9], "x2": [np.nan], "x3": [1.0], "x4": [0.1]}, index=["F"])])
    pd.testing.assert_series_equal(wt.WEIGHTINGS[mode](padded, SCHEME), wt.WEIGHTINGS[mode](VECTOR1, SCHEME))


@pytest.mark.parametrize("mode", ["entropy", "critic"])
def test_constant_indicator_gets_weight_zero_and_leaves_the_others(mode):
    flat = VECTOR1.assign(x5=7.0)
    w = wt.WEIGHTINGS[mode](flat, scheme_for(["x1", "x2", "x3", "x4", "x5"], [1, 1, 1, -1, 1]))
    assert w["x5"] == 0
    np.testing.assert_allclose(w[["x1", "x2", "x3", "x4"]], wt.WEIGHTINGS[mode](VECTOR1, SCHEME), atol=1e-12)


@pytest.mark.parametrize("mode", ["entropy", "critic"])
def test_degenerate_data_falls_back_to_equal(mode):
    one_complete = VECTOR1.copy()
    one_complete.iloc[1:, 1] = np.nan
    np.testing.assert_allclose(wt.WEIGHTINGS[mode](one_complete, SCHEME), [0.25] * 4)
    flat = pd.DataFrame({"x1": [1.0, 1.0], "x2": [2.0, 2.0], "x3": [3.0, 3.0], "x4": [4.0, 4.0]})
    np.testing.assert_allclose(wt.WEIGHTINGS[mode](flat, SCHEME), [0.25] * 4)


matrices = arrays(np.float64, st.tuples(st.integers(3, 12), st.integers(2, 6)),
                  elements=st.floats(-100, 100, allow_nan=False, allow_subnormal=False))


@settings(max_examples=40, deadline=None)
@given(matrices, st.sampled_from(list(wt.WEIGHTINGS)))
def test_weights_are_non_negative_and_sum_to_one(values, mode):
    codes = [f"c{j}" for j in range(values.shape[1])]
    sch = scheme_for(codes, [(-1) ** j for j in range(len(codes))])
    w = wt.WEIGHTINGS[mode](pd.DataFrame(values, columns=codes), sch)
    assert list(w.index) == codes and (w >= 0).all() and w.sum() == pytest.approx(1.0)


def random_matrix(seed: int, units: int = 12, criteria: int = 5) -> tuple[pd.DataFrame, list[int]]:
    rng = np.random.default_rng(seed)
    values = rng.normal(5, 4, size=(units, criteria))  # growth rates: some negative, as in vector 1
    types = [1 if j % 3 else -1 for j in range(criteria)]
    return pd.DataFrame(values, columns=[f"c{j}" for j in range(criteria)]), types


@pytest.mark.parametrize("seed", range(8))
def test_entropy_matches_pymcdm(seed):
    pytest.importorskip("pymcdm")  # dev-only cross-check; the product never imports it
    from pymcdm.helpers import normalize_matrix
    from pymcdm.normalizations import minmax_normalization
    from pymcdm.weights import entropy_weights

    matrix, types = random_matrix(seed)
    sch = scheme_for(list(matrix.columns), types)
    # pymcdm sets the entropy of any column holding a 0 to 0, and min-max always makes one: shift by 1e-12,
    # which moves p·ln p by ~1e-11 (methodology.md: a shift of 1e-4 moves the weights by ~1e-5).
    z = normalize_matrix(matrix.to_numpy(), minmax_normalization, types)
    np.testing.assert_allclose(wt.entropy(matrix, sch), entropy_weights(z + 1e-12), atol=1e-8)
    positive = np.abs(matrix.to_numpy()) + 0.5  # where pymcdm applies unshifted: no zeros
    np.testing.assert_allclose(wt.entropy_of(pd.DataFrame(positive)), entropy_weights(positive), atol=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_critic_matches_pymcdm(seed):
    pytest.importorskip("pymcdm")  # dev-only cross-check; the product never imports it
    from pymcdm.weights import critic_weights

    matrix, types = random_matrix(seed)
    sch = scheme_for(list(matrix.columns), types)
    # pymcdm's critic_weights takes no criteria types: negating the cost columns makes its min-max direction-aware.
    np.testing.assert_allclose(wt.critic(matrix, sch), critic_weights(matrix.to_numpy() * types), atol=1e-10)


def test_minmax_matrix_used_by_the_weights_is_the_direction_aware_one():
    z = wt.complete_minmax(VECTOR1, SCHEME)
    pd.testing.assert_frame_equal(z, minmax_frame(VECTOR1, pd.Series({"x1": 1, "x2": 1, "x3": 1, "x4": -1})))
