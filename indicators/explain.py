"""Why a unit ranks where it does, and what it would take to move up.

- points(): composite points gained or lost on each indicator against a reference (the comparison
  set's mean score, or the unit one place above): the unit's composite minus its composite with
  that one indicator's score replaced by the reference's. For arithmetic aggregation this is
  exactly effective weight × score difference, and the points add up to the total gap.
- gap_to_rank(): for each indicator alone, the smallest improvement, in the indicator's own unit,
  that lifts the unit to rank K with everything else fixed — the whole comparison set is rescored,
  since a new maximum moves everyone's min-max scores — and a cheapest combined path. Every answer
  is verified by recomputing the ranking with composite.score.
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators import composite as composite_mod
from indicators.composite import score_indicator
from indicators.robustness import composite, pillar_matrix, ranks_of
from indicators.scheme import Scheme

BISECTION_STEPS = 48
# How far an indicator may be pushed before we call it "not reachable by this indicator alone": up
# to the best value in the comparison set plus half its span. Further than that is not a plan a
# county can act on (it would have to beat the province's best by a wide margin).
REACH_BEYOND_BEST = 0.5
COMBINED_STEP_SD = 0.1  # the combined path moves in steps of 0.1 standard deviation
COMBINED_MAX_STEPS = 400
UNIT_DECIMALS = {"家": 0, "件": 0, "元": 0}  # everything else is published to 0.1
DEFAULT_DECIMALS = 1


@dataclass
class Engine:
    """A fast re-scorer for one comparison set: rescore one indicator column, recombine with numpy."""

    matrix: pd.DataFrame
    scheme: Scheme
    targets: pd.DataFrame | None
    scores: np.ndarray  # units × indicators, under the scheme's own scorers
    weights: np.ndarray  # k × 1
    groups: np.ndarray

    @classmethod
    def build(cls, matrix: pd.DataFrame, scheme: Scheme, targets: pd.DataFrame | None = None,
              weights: pd.Series | None = None) -> "Engine":
        cols = [_column(matrix[i.code], i, targets, scheme.aggregation) for i in scheme.indicators]
        w = weights.reindex(scheme.codes).to_numpy(float) if weights is not None else \
            np.array([i.weight for i in scheme.indicators], dtype=float)
        return cls(matrix, scheme, targets, np.column_stack(cols), w[:, None], pillar_matrix(scheme))


    def totals(self, scores: np.ndarray | None = None) -> np.ndarray:
        s = self.scores if scores is None else scores
        return composite(s, self.weights, self.groups, self.scheme.aggregation)[:, 0]

    def with_value(self, unit_pos: int, j: int, value: float) -> np.ndarray:
        """Indicator scores after setting one unit's raw value on indicator j (column j rescored)."""
        ind = self.scheme.indicators[j]
        col = self.matrix[ind.code].copy()
        col.iloc[unit_pos] = value
        scores = self.scores.copy()
        scores[:, j] = _column(col, ind, self.targets, self.scheme.aggregation)
        return scores

    def rank_of(self, unit_pos: int, scores: np.ndarray, ranked: np.ndarray) -> float:
        totals = self.totals(scores)
        totals[~ranked] = np.nan
        return ranks_of(totals[:, None])[unit_pos, 0]


def units_of(scheme: Scheme, catalogue) -> dict[str, str]:
    """The unit each scheme indicator's answer is given in: % points for growth and ratios, else the catalogue's."""
    return {i.code: ("%" if i.measure != "cum_level" else catalogue[i.code].unit) for i in scheme.indicators}


def _column(values: pd.Series, ind, targets: pd.DataFrame | None, aggregation: str) -> np.ndarray:
    target = targets[ind.code] if targets is not None and ind.code in targets else None
    return score_indicator(values, ind, target, aggregation)


def points(matrix: pd.DataFrame, scheme: Scheme, ranks: pd.Series, targets: pd.DataFrame | None = None,
           weights: pd.Series | None = None) -> dict[str, pd.DataFrame]:
    """Points gained (+) or lost (−) per unit and indicator against the mean and the unit above.

    Returns {"vs_mean": units × indicators, "vs_above": units × indicators (NaN for rank 1)}.
    """
    eng = Engine.build(matrix, scheme, targets, weights)
    base = eng.totals()
    mean = np.nanmean(eng.scores, axis=0)
    above = _unit_above(ranks.reindex(matrix.index), eng.totals())
    out = {}
    for name, ref in (("vs_mean", np.broadcast_to(mean, eng.scores.shape)), ("vs_above", _rows(eng.scores, above))):
        cols = {}
        for j, ind in enumerate(scheme.indicators):
            swapped = eng.scores.copy()
            has_ref = ~np.isnan(ref[:, j])
            swapped[has_ref, j] = ref[has_ref, j]
            cols[ind.code] = np.where(has_ref & ~np.isnan(eng.scores[:, j]), base - eng.totals(swapped), np.nan)
        out[name] = pd.DataFrame(cols, index=matrix.index)
    return out


def _unit_above(ranks: pd.Series, totals: np.ndarray) -> np.ndarray:
    """Position of the unit one place above each unit (the lowest-scoring unit that beats it), or -1."""
    order = np.argsort(-np.nan_to_num(totals, nan=-np.inf), kind="stable")
    above = np.full(len(totals), -1)
    for prev, cur in zip(order[:-1], order[1:], strict=True):
        above[cur] = prev if totals[prev] > totals[cur] else above[prev]
    above[ranks.isna().to_numpy()] = -1
    return above


def _rows(scores: np.ndarray, pos: np.ndarray) -> np.ndarray:
    out = np.full(scores.shape, np.nan)
    ok = pos >= 0
    out[ok] = scores[pos[ok]]
    return out


def strongest_weakest(points_vs_mean: pd.DataFrame, unit: str, n: int = 3) -> tuple[list[str], list[str]]:
    row = points_vs_mean.loc[unit].dropna().sort_values(ascending=False)
    return row.index[:n].to_list(), row.index[::-1][:n].to_list()


def gap_to_rank(matrix: pd.DataFrame, scheme: Scheme, unit: str, target_rank: int, *,
                targets: pd.DataFrame | None = None, units_of: dict[str, str] | None = None) -> pd.DataFrame:
    """Per indicator alone: the improvement that lifts `unit` to `target_rank` (or not reachable),
    then one row for the cheapest combined path. Each answer is checked with composite.score."""
    base = composite_mod.score(matrix, scheme, targets=targets)
    ranked = base.table["rank"].reindex(matrix.index).notna().to_numpy()
    pos = matrix.index.get_loc(unit)
    current = base.table.loc[unit, "rank"]
    eng = Engine.build(matrix, scheme, targets)
    rows = []
    for j, ind in enumerate(scheme.indicators):
        x = matrix[ind.code].iloc[pos]
        decimals = UNIT_DECIMALS.get((units_of or {}).get(ind.code, ""), DEFAULT_DECIMALS)
        row = {"indicator": ind.code, "current": x, "current_rank": current, "target_rank": target_rank}
        if pd.isna(current) or pd.isna(x):
            rows.append(row | {"reachable": False, "note": "无数据，无法测算"})
            continue
        if current <= target_rank:
            rows.append(row | {"reachable": True, "improvement": 0.0, "new_value": x, "note": "已达到目标名次"})
            continue
        delta = _smallest_delta(eng, pos, j, ind.direction, x, target_rank, ranked)
        if delta is None:
            rows.append(row | {"reachable": False, "note": "仅靠该指标无法达到"})
            continue
        delta = _round_up(delta, decimals)
        new = x + ind.direction * delta
        verified = _verified_rank(matrix, scheme, targets, unit, {ind.code: new})
        rows.append(row | {"reachable": verified <= target_rank, "improvement": delta, "new_value": new,
                           "verified_rank": verified, "note": ""})
    rows.append(_combined(matrix, scheme, targets, eng, unit, pos, target_rank, ranked, units_of))
    return pd.DataFrame(rows)


def _smallest_delta(eng: Engine, pos: int, j: int, direction: int, x: float, k: int,
                    ranked: np.ndarray) -> float | None:
    code = eng.scheme.indicators[j].code
    col = eng.matrix[code]
    span = float(col.max() - col.min()) or max(abs(x), 1.0)
    best = col.max() if direction > 0 else col.min()
    target = eng.targets[code].iloc[pos] if eng.targets is not None and code in eng.targets else np.nan
    hi = max(direction * (best - x), 0.0) + REACH_BEYOND_BEST * span
    if not math.isnan(target):
        hi = max(hi, direction * (target - x))
    if eng.rank_of(pos, eng.with_value(pos, j, x + direction * hi), ranked) > k:
        return None
    lo = 0.0
    for _ in range(BISECTION_STEPS):
        mid = (lo + hi) / 2
        if eng.rank_of(pos, eng.with_value(pos, j, x + direction * mid), ranked) <= k:
            hi = mid
        else:
            lo = mid
    return hi


def _round_up(delta: float, decimals: int) -> float:
    f = 10 ** decimals
    return math.ceil(delta * f - 1e-9) / f


def _verified_rank(matrix, scheme, targets, unit, changes: dict[str, float]) -> int:
    m = matrix.copy()
    for code, value in changes.items():
        m.loc[unit, code] = value
    return int(composite_mod.score(m, scheme, targets=targets).table.loc[unit, "rank"])


def _combined(matrix, scheme, targets, eng: Engine, unit, pos, k, ranked, units_of) -> dict:
    """Greedy cheapest path: repeatedly take the 0.1-sd step that raises the unit's score most,
    until it reaches rank k. Cost = total improvement in standard deviations of each indicator."""
    sd = matrix[scheme.codes].std().replace(0, np.nan).to_numpy()
    values = matrix[scheme.codes].iloc[pos].to_numpy(float).copy()
    steps = np.zeros(len(sd))
    scores = eng.scores.copy()
    row = {"indicator": "组合", "target_rank": k, "current_rank": eng.rank_of(pos, scores, ranked)}
    for _ in range(COMBINED_MAX_STEPS):
        if eng.rank_of(pos, scores, ranked) <= k:
            break
        best, best_gain, best_scores = None, 0.0, None
        base_total = eng.totals(scores)[pos]
        for j, ind in enumerate(scheme.indicators):
            if np.isnan(sd[j]) or np.isnan(values[j]):
                continue
            trial = _with_values(eng, scores, pos, j, values[j] + ind.direction * COMBINED_STEP_SD * sd[j])
            gain = eng.totals(trial)[pos] - base_total
            if gain > best_gain:
                best, best_gain, best_scores = j, gain, trial
        if best is None:
            return row | {"reachable": False, "note": "各指标同时提高也无法达到"}
        values[best] += scheme.indicators[best].direction * COMBINED_STEP_SD * sd[best]
        steps[best] += 1
        scores = best_scores
    else:
        return row | {"reachable": False, "note": "各指标同时提高也无法达到"}
    changes, deltas = {}, {}
    for j, ind in enumerate(scheme.indicators):
        if steps[j]:
            decimals = UNIT_DECIMALS.get((units_of or {}).get(ind.code, ""), DEFAULT_DECIMALS)
            deltas[ind.code] = _round_up(steps[j] * COMBINED_STEP_SD * sd[j], decimals)
            changes[ind.code] = matrix[ind.code].iloc[pos] + ind.direction * deltas[ind.code]
    verified = _verified_rank(matrix, scheme, targets, unit, changes)
    return row | {"reachable": verified <= k, "improvement": float(steps.sum() * COMBINED_STEP_SD),
                  "verified_rank": verified, "note": "", "changes": deltas}


def _with_values(eng: Engine, scores: np.ndarray, pos: int, j: int, value: float) -> np.ndarray:
    ind = eng.scheme.indicators[j]
    col = eng.matrix[ind.code].copy()
    col.iloc[pos] = value
    out = scores.copy()
    out[:, j] = _column(col, ind, eng.targets, eng.scheme.aggregation)
    return out
