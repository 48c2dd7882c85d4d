"""Indicator weights: WEIGHTINGS maps each scheme mode to f(matrix, scheme) -> Series indexed by code, summing to 1.

Data-driven modes (entropy, critic) read the raw matrix through the direction-aware min-max (methodology.md).
"""

from collections.abc import Callable

import numpy as np
import pandas as pd

from indicators.normalise import minmax_frame
from indicators.scheme import Scheme

# Data-driven weights need at least two complete units; ln m is 0 for one (methodology.md, e = −Σ p ln p / ln m).
MIN_COMPLETE_UNITS = 2


def _equal(codes: list[str]) -> pd.Series:
    return pd.Series(1.0 / len(codes), index=pd.Index(codes, name="indicator"))


def _normalised(w: pd.Series) -> pd.Series:
    w = w.astype(float).rename_axis("indicator")
    return w / w.sum()


def complete_minmax(matrix: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """The direction-aware min-max matrix (0-1) of the units with every scheme indicator present."""
    raw = matrix[scheme.codes].dropna(how="any")
    directions = pd.Series({i.code: i.direction for i in scheme.indicators})
    return minmax_frame(raw, directions)


def fixed(matrix: pd.DataFrame, scheme: Scheme) -> pd.Series:
    """The scheme's own weights, normalised to sum 1."""
    w = pd.Series({i.code: i.weight for i in scheme.indicators})
    if not w.sum() > 0:
        raise ValueError(f"{scheme.source}: every indicator has weight 0; give at least one a positive weight")
    return _normalised(w)


def equal(matrix: pd.DataFrame, scheme: Scheme) -> pd.Series:
    """1/k for each of the k indicators."""
    return _equal(scheme.codes)


def entropies(z: pd.DataFrame) -> pd.Series:
    """e_j = −Σ_i p_ij ln p_ij / ln m with p = z / Σz and 0·ln 0 = 0 (methodology.md); an all-zero column, or
    fewer than two units, gives 1 (no information)."""
    v = z.to_numpy(dtype=float)
    if len(v) < MIN_COMPLETE_UNITS:
        return pd.Series(1.0, index=z.columns)
    total = v.sum(axis=0)
    p = v / np.where(total > 0, total, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plogp.sum(axis=0) / np.log(len(v))
    return pd.Series(np.where(total > 0, e, 1.0), index=z.columns)


def entropy_of(z: pd.DataFrame) -> pd.Series:
    """Entropy weights w ∝ 1 − e of an already normalised, non-negative matrix; equal if nothing varies.
    1 − e is clipped at 0: a constant column has e = 1 up to rounding (−3e-16 would be a negative weight)."""
    d = (1.0 - entropies(z)).clip(lower=0.0)
    if len(z) < MIN_COMPLETE_UNITS or not d.sum() > 0:
        return _equal(list(z.columns))
    return _normalised(d)


def entropy(matrix: pd.DataFrame, scheme: Scheme) -> pd.Series:
    """熵权法 on the direction-aware min-max matrix, no shift, 0·ln 0 = 0 (methodology.md). Units (rows) with any
    indicator missing are left out; with fewer than two complete units, or nothing varying, weights are equal.
    A constant indicator has entropy 1 and so weight 0."""
    return entropy_of(complete_minmax(matrix, scheme))


def critic(matrix: pd.DataFrame, scheme: Scheme) -> pd.Series:
    """CRITIC on the direction-aware min-max matrix: C_j = σ_j·Σ_k (1 − r_jk), w ∝ C. σ is the sample sd; the
    population sd gives the same weights (the factor √(m/(m−1)) cancels). Rows with any indicator missing are
    left out; constant indicators get weight 0 and stay out of the correlations; equal weights if nothing varies."""
    z = complete_minmax(matrix, scheme)
    sd = z.std(ddof=1) if len(z) >= MIN_COMPLETE_UNITS else pd.Series(0.0, index=z.columns)
    varying = sd[sd > 0].index
    c = pd.Series(0.0, index=z.columns)
    if len(varying) > 0:
        r = np.corrcoef(z[varying].to_numpy(dtype=float), rowvar=False).reshape(len(varying), len(varying))
        c[varying] = sd[varying].to_numpy() * (1.0 - r).sum(axis=0)
    if not c.sum() > 0:
        return _equal(list(z.columns))
    return _normalised(c)


WEIGHTINGS: dict[str, Callable[[pd.DataFrame, Scheme], pd.Series]] = {
    "fixed": fixed,
    "equal": equal,
    "entropy": entropy,
    "critic": critic,
}
# Modes whose weights come from the data, so they change with the comparison set and are worth showing.
DATA_DRIVEN = ("entropy", "critic")
