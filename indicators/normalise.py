"""Scoring one indicator over a comparison set: pure functions Series -> Series, and SCORERS, one per scheme mode.

The index is the unit id; NaN means missing, is ignored in min, max, mean and sd, and stays NaN.
"""

from collections.abc import Callable

import numpy as np
import pandas as pd

from indicators.scheme import RANK_POINTS_STEP, SchemeIndicator

# Scores run 0-100 unless a mode says otherwise (DESIGN.md §4).
TOP = 100.0
# 功效系数法: the worst unit scores 60 and the best 100 (DESIGN.md §4; methodology.md, efficacy 2 / 5.5 / 9).
EFFICACY_LO, EFFICACY_HI = 60.0, 100.0


def _sign(direction: int) -> int:
    if direction not in (1, -1):
        raise ValueError(f"direction must be 1 (higher is better) or -1 (lower is better), got {direction!r}")
    return direction


def _values(x: pd.Series) -> np.ndarray:
    return x.to_numpy(dtype=float, na_value=np.nan)


def _like(x: pd.Series, values: np.ndarray) -> pd.Series:
    """A Series on x's index (pandas arithmetic costs ~50 µs a step; numpy keeps 2,850 units in microseconds)."""
    return pd.Series(values, index=x.index, name=x.name)


def _span(v: np.ndarray) -> tuple[float, float]:
    present = v[~np.isnan(v)]
    return (present.min(), present.max()) if len(present) else (np.nan, np.nan)


def is_constant(x: pd.Series) -> bool:
    """True when the present values are all equal (one present value counts): nothing to tell units apart."""
    lo, hi = _span(_values(x))
    return lo == hi


def _unit(v: np.ndarray, direction: int) -> np.ndarray:
    sign = _sign(direction)
    lo, hi = _span(v)
    if not hi > lo:  # constant (or nothing present): the top of the scale
        return np.where(np.isnan(v), np.nan, 1.0)
    z = (v - lo) / (hi - lo)
    return z if sign == 1 else 1.0 - z


def unit_interval(x: pd.Series, direction: int = 1) -> pd.Series:
    """Direction-aware min-max on [0, 1]: (x - min)/(max - min), or (max - x)/(max - min) for direction -1.
    A constant indicator gives every present unit 1 (the top of the scale)."""
    return _like(x, _unit(_values(x), direction))


def minmax_frame(matrix: pd.DataFrame, directions: pd.Series) -> pd.DataFrame:
    """unit_interval applied to every column at once (directions indexed by column); constant columns give 1."""
    v = matrix.to_numpy(dtype=float, na_value=np.nan)
    d = directions.reindex(matrix.columns).to_numpy(dtype=float)
    present = ~np.isnan(v)
    lo = np.min(v, axis=0, initial=np.inf, where=present)
    hi = np.max(v, axis=0, initial=-np.inf, where=present)
    span = hi - lo
    with np.errstate(invalid="ignore"):
        z = (v - lo) / np.where(span > 0, span, 1.0)
    z = np.where(d == -1, 1.0 - z, z)
    z = np.where(span > 0, z, 1.0)  # constant: the top of the scale whatever the direction
    z[~present] = np.nan
    return pd.DataFrame(z, index=matrix.index, columns=matrix.columns)


def minmax(x: pd.Series, direction: int = 1, lo: float = 0.0, hi: float = TOP) -> pd.Series:
    """Direction-aware min-max scaled to [lo, hi]; constant gives hi."""
    return _like(x, lo + (hi - lo) * _unit(_values(x), direction))


def efficacy(x: pd.Series, direction: int = 1) -> pd.Series:
    """功效系数法: 60 + 40·x' with x' the direction-aware min-max; constant gives 100."""
    return minmax(x, direction, EFFICACY_LO, EFFICACY_HI)


def zscore(x: pd.Series, direction: int = 1) -> pd.Series:
    """(x - mean) / sd with the sample sd (ddof=1, as COINr), negated for direction -1; constant gives 0."""
    sign = _sign(direction)
    v = _values(x)
    present = v[~np.isnan(v)]
    sd = present.std(ddof=1) if len(present) > 1 else 0.0
    if not sd > 0:  # constant, or one present value
        return _like(x, np.where(np.isnan(v), np.nan, 0.0))
    return _like(x, sign * (v - present.mean()) / sd)


def goalposts(x: pd.Series, lower: float, upper: float, direction: int = 1) -> pd.Series:
    """100·(x - lower)/(upper - lower) clipped to [0, 100]; direction -1 scores upper 0 and lower 100."""
    sign = _sign(direction)
    if not lower < upper:
        raise ValueError(f"goalposts need lower < upper, got lower = {lower}, upper = {upper}")
    z = (_values(x) - lower) / (upper - lower)
    return _like(x, TOP * np.clip(z if sign == 1 else 1.0 - z, 0.0, 1.0))


def rank_points(x: pd.Series, direction: int = 1, full_marks: float = TOP, step: float = RANK_POINTS_STEP) -> pd.Series:
    """争先进位: full_marks·(1 - step·(rank - 1)), competition ranks (ties share the smallest), floored at 0."""
    place = (_sign(direction) * x.astype(float)).rank(method="min", ascending=False).to_numpy()
    return _like(x, np.maximum(full_marks * (1.0 - step * (place - 1.0)), 0.0))


def target(actual: pd.Series, target: pd.Series, partial: bool = False, direction: int = 1) -> pd.Series:
    """目标完成: 100 where the target is met (actual ≥ target; ≤ for direction -1), else 0. With partial,
    the achievement ratio instead (see achievement). Missing actual or target gives NaN."""
    if partial:
        return achievement(actual, target, direction)
    a, t = _values(actual), _values(target.reindex(actual.index))
    met = (a >= t) if _sign(direction) == 1 else (a <= t)
    return _like(actual, np.where(np.isnan(a) | np.isnan(t), np.nan, met * TOP))


def achievement(actual: pd.Series, target: pd.Series, direction: int = 1) -> pd.Series:
    """实现程度: 100·clip(actual/target, 0, 1) (target/actual for direction -1). A ratio means nothing when the
    target (or, for -1, the actual) is ≤ 0, e.g. a growth target of -2 %: then 100 if met, else 0."""
    a, t = _values(actual), _values(target.reindex(actual.index))
    sign = _sign(direction)
    num, den = (a, t) if sign == 1 else (t, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.clip(num / den, 0.0, 1.0) * TOP
        met = ((a >= t) if sign == 1 else (a <= t)) * TOP
        usable = (den > 0) & (num >= 0) if sign == -1 else den > 0
    return _like(actual, np.where(np.isnan(a) | np.isnan(t), np.nan, np.where(usable, ratio, met)))


Scorer = Callable[[pd.Series, SchemeIndicator, pd.Series | None], pd.Series]


def _targets_for(x: pd.Series, targets: pd.Series | None) -> pd.Series:
    return pd.Series(np.nan, index=x.index) if targets is None else targets.reindex(x.index).astype(float)


def _goalposts(x: pd.Series, ind: SchemeIndicator, _t) -> pd.Series:
    if ind.lower is None or ind.upper is None:
        raise ValueError(f"indicator '{ind.code}': goalposts scoring needs lower and upper in the scheme")
    return goalposts(x, ind.lower, ind.upper, ind.direction)


# One uniform adapter per scheme scoring mode (scheme.SCORINGS); the third argument is the unit's target
# for target / achievement (aligned on the index; a missing target gives NaN), ignored by the others.
SCORERS: dict[str, Scorer] = {
    "efficacy": lambda x, ind, _t: efficacy(x, ind.direction),
    "minmax": lambda x, ind, _t: minmax(x, ind.direction),
    "zscore": lambda x, ind, _t: zscore(x, ind.direction),
    "goalposts": _goalposts,
    "rank_points": lambda x, ind, _t: rank_points(x, ind.direction, ind.full_marks, ind.step),
    "target": lambda x, ind, t: target(x, _targets_for(x, t), ind.partial, ind.direction),
    "achievement": lambda x, ind, t: achievement(x, _targets_for(x, t), ind.direction),
}
# Modes that compare units with each other, so a constant indicator cannot separate them.
RELATIVE_SCORINGS = ("efficacy", "minmax", "zscore", "rank_points")
