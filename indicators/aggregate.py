"""Weighted means of indicator scores per unit (rows), dropping missing cells and renormalising the weights over
what is present; coverage; and entropy-TOPSIS closeness as a diagnostic. AGGREGATORS holds the scheme's modes."""

from collections.abc import Callable

import numpy as np
import pandas as pd


def _weights_for(scores: pd.DataFrame, weights: pd.Series) -> np.ndarray:
    w = weights.reindex(scores.columns)
    if w.isna().any():
        raise ValueError(f"no weight for {', '.join(map(str, w[w.isna()].index))}; give one per column")
    return w.to_numpy(dtype=float)


def _present(v: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(present mask, weight per cell where present else 0)."""
    present = ~np.isnan(v)
    return present, np.where(present, w, 0.0)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def arithmetic_values(v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """arithmetic on arrays: v units × indicators (NaN missing), w one weight per column."""
    present, wp = _present(v, w)
    return _ratio((np.where(present, v, 0.0) * wp).sum(axis=1), wp.sum(axis=1))


def geometric_values(v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """geometric on arrays, as arithmetic_values."""
    present, wp = _present(v, w)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(wp > 0, wp * np.log(np.where(present, v, 1.0)), 0.0)
        return np.exp(_ratio(logs.sum(axis=1), wp.sum(axis=1)))


def harmonic_values(v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """harmonic on arrays, as arithmetic_values."""
    present, wp = _present(v, w)
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = np.where(wp > 0, wp / np.where(present, v, 1.0), 0.0)
        return _ratio(wp.sum(axis=1), inverse.sum(axis=1))


def _frame(kernel, scores: pd.DataFrame, weights: pd.Series) -> pd.Series:
    v = scores.to_numpy(dtype=float, na_value=np.nan)
    return pd.Series(kernel(v, _weights_for(scores, weights)), index=scores.index)


def arithmetic(scores: pd.DataFrame, weights: pd.Series) -> pd.Series:
    """Σ w·s / Σ w over the present cells: (20, missing, 80) with weights (1, 2, 1) gives 50."""
    return _frame(arithmetic_values, scores, weights)


def geometric(scores: pd.DataFrame, weights: pd.Series) -> pd.Series:
    """exp(Σ w·ln s / Σ w) over the present cells; a zero score makes it 0, a negative one NaN (scores must be
    ≥ 0: composite rescales min-max to 1-100 and floors other modes at 1 before calling it)."""
    return _frame(geometric_values, scores, weights)


def harmonic(scores: pd.DataFrame, weights: pd.Series) -> pd.Series:
    """Σ w / Σ (w / s) over the present cells, a diagnostic (it punishes one weak score hardest)."""
    return _frame(harmonic_values, scores, weights)


def coverage_values(v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """coverage on arrays, as arithmetic_values."""
    total = w.sum()
    return _present(v, w)[1].sum(axis=1) / total if total > 0 else np.full(len(v), np.nan)


def coverage(scores: pd.DataFrame, weights: pd.Series) -> pd.Series:
    """Share of the total weight whose score is present, per unit."""
    return _frame(coverage_values, scores, weights)


def topsis(matrix_minmax: pd.DataFrame, weights: pd.Series) -> pd.Series:
    """Entropy-TOPSIS closeness D⁻/(D⁺ + D⁻) on the weighted direction-aware min-max matrix (the ideal is the
    column max, the anti-ideal the min; pymcdm's TOPSIS default). Missing cells add no distance. A diagnostic."""
    v = matrix_minmax.to_numpy(dtype=float, na_value=np.nan)
    present = ~np.isnan(v)
    weighted = v * _weights_for(matrix_minmax, weights)
    best = np.nanmax(np.where(present, weighted, -np.inf), axis=0)
    worst = np.nanmin(np.where(present, weighted, np.inf), axis=0)
    d_best = np.sqrt(np.where(present, (weighted - best) ** 2, 0.0).sum(axis=1))
    d_worst = np.sqrt(np.where(present, (weighted - worst) ** 2, 0.0).sum(axis=1))
    closeness = np.where(present.any(axis=1), _ratio(d_worst, d_best + d_worst), np.nan)
    return pd.Series(closeness, index=matrix_minmax.index)


AGGREGATORS: dict[str, Callable[[pd.DataFrame, pd.Series], pd.Series]] = {
    "arithmetic": arithmetic,
    "geometric": geometric,
}
# The same on arrays (units × indicators, one weight per column), for callers that loop many times.
KERNELS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "arithmetic": arithmetic_values,
    "geometric": geometric_values,
}
