"""Why a unit ranks where it does, and what it would take to move up. Everything reads a CompositeResult, so the
explanations use the weights the score used (entropy or CRITIC weights of this comparison set, per unit
renormalised over missing indicators), never the scheme's nominal ones.

- points(): composite points gained (+) or lost (−) on each indicator against a reference, from the result's
  effective weights. Arithmetic: a unit's contribution on indicator j is c_j = w_j·s_j (effective weight ×
  indicator score; 0 where missing) and score = Σ c_j, so the points c_j − c̄_j against the comparison set's
  mean contributions add up to score − mean score, and c_j − c_above,j to score − the score above. A missing
  indicator contributes 0 (it shows as losing the average contribution; its weight went to the unit's other
  indicators, which show that much more). Geometric: ln score = Σ l_j with l_j = w_j·ln s_j; the log gaps
  are turned into points by the logarithmic mean L(a, b) = (a − b)/(ln a − ln b) (the LMDI decomposition),
  so they add up exactly to score − reference, where the mean reference is the geometric mean of the scores
  (the mean the aggregation uses; the arithmetic mean of the scores has no exact decomposition into
  indicator terms under a geometric aggregation).
- strongest_weakest(): the indicators with the most and fewest points against the mean, among those the
  unit has data for.
- gap_to_rank(): for each indicator alone, the smallest improvement, in the indicator's own unit, that lifts
  the unit to rank K with everything else fixed — the whole comparison set is rescored, since a new maximum
  moves everyone's min-max scores, and with data-driven weights (entropy, CRITIC) the weights are recomputed
  on every changed matrix, as the method would — and a cheapest combined path. Every answer is verified by
  composite.rescore, which recomputes the ranking with the same scheme, weights mode and aggregation.
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators import composite as composite_mod
from indicators.aggregate import coverage_values
from indicators.composite import COVERAGE_TOLERANCE, CompositeResult, score_indicator
from indicators.robustness import composite, pillar_matrix, ranks_of
from indicators.scheme import Scheme
from indicators.weights import DATA_DRIVEN, WEIGHTINGS

BISECTION_STEPS = 48
# How far an indicator may be pushed before we call it "not reachable by this indicator alone": up
# to the best value in the comparison set plus half its span. Further than that is not a plan a
# county can act on (it would have to beat the province's best by a wide margin).
REACH_BEYOND_BEST = 0.5
COMBINED_STEP_SD = 0.1  # the combined path moves in steps of 0.1 standard deviation
COMBINED_MAX_STEPS = 400
UNIT_DECIMALS = {"家": 0, "件": 0, "元": 0}  # everything else is published to 0.1
DEFAULT_DECIMALS = 1
# |ln a − ln b| below this: the logarithmic mean is a (it tends to a as b → a).
LOG_MEAN_EPS = 1e-12


@dataclass
class State:
    """Raw values and indicator scores of the comparison set in one what-if trial."""

    raw: pd.DataFrame
    scores: np.ndarray  # units × indicators


@dataclass
class Engine:
    """A fast re-scorer with a result's choices: rescore one indicator column, recompute data-driven weights,
    recombine with numpy."""

    scheme: Scheme
    targets: pd.DataFrame | None
    aggregation: str
    mode: str | None  # a data-driven weights mode to recompute per trial, or None (the result's weights stay)
    weights: np.ndarray  # k, the result's weights
    groups: np.ndarray
    base: State

    @classmethod
    def build(cls, result: CompositeResult) -> "Engine":
        mode = result.params["weights"]
        agg = result.params["aggregation"]
        base = State(result.raw, result.indicator_scores.to_numpy(dtype=float, na_value=np.nan))
        return cls(result.scheme, result.targets, agg, mode if mode in DATA_DRIVEN else None,
                   result.weights.reindex(result.scheme.codes).to_numpy(float), pillar_matrix(result.scheme), base)

    def weights_for(self, state: State) -> np.ndarray:
        if self.mode is None:
            return self.weights
        return WEIGHTINGS[self.mode](state.raw, self.scheme).reindex(self.scheme.codes).to_numpy(float)

    def totals(self, state: State) -> np.ndarray:
        """Composite per unit, NaN for units below the coverage threshold."""
        w = self.weights_for(state)
        total = composite(state.scores, w[:, None], self.groups, self.aggregation)[:, 0]
        ranked = coverage_values(state.scores, w) >= self.scheme.coverage - COVERAGE_TOLERANCE
        return np.where(ranked, total, np.nan)

    def change(self, state: State, pos: int, j: int, value: float) -> State:
        """The state after setting one unit's raw value on indicator j (column j rescored)."""
        ind = self.scheme.indicators[j]
        raw = state.raw.copy()
        raw.iloc[pos, j] = value
        scores = state.scores.copy()
        scores[:, j] = _column(raw[ind.code], ind, self.targets, self.aggregation)
        return State(raw, scores)

    def rank_of(self, pos: int, state: State) -> float:
        return ranks_of(self.totals(state)[:, None])[pos, 0]


def units_of(scheme: Scheme, catalogue) -> dict[str, str]:
    """The unit each scheme indicator's answer is given in: % points for growth and ratios, else the catalogue's."""
    return {i.code: ("%" if i.measure != "cum_level" else catalogue[i.code].unit) for i in scheme.indicators}


def _column(values: pd.Series, ind, targets: pd.DataFrame | None, aggregation: str) -> np.ndarray:
    target = targets[ind.code] if targets is not None and ind.code in targets else None
    return score_indicator(values, ind, target, aggregation)


def points(result: CompositeResult) -> dict[str, pd.DataFrame]:
    """Points gained (+) or lost (−) per unit and indicator against the mean and the unit above, from the
    result's effective weights (module docstring: how they add up).

    Returns {"vs_mean": units × indicators, "vs_above": units × indicators}; NaN for units without a score,
    and against the unit above for rank 1.
    """
    total = result.table["score"].reindex(result.indicator_scores.index).to_numpy(dtype=float)
    geometric = result.params["aggregation"] == "geometric"
    parts = _parts(result, geometric)
    scored = ~np.isnan(total)
    if not scored.any():
        empty = pd.DataFrame(np.nan, index=result.indicator_scores.index, columns=result.indicator_scores.columns)
        return {"vs_mean": empty, "vs_above": empty.copy()}
    mean_parts = np.broadcast_to(parts[scored].mean(axis=0), parts.shape)
    mean_total = np.exp(np.log(total[scored]).mean()) if geometric else total[scored].mean()
    above = _unit_above(result.table["rank"].reindex(result.indicator_scores.index), total)
    vs_mean = _gap(parts, mean_parts, total, np.full(len(total), mean_total), geometric)
    vs_above = _gap(parts, _rows(parts, above), total, _rows(total[:, None], above)[:, 0], geometric)
    frame = {"index": result.indicator_scores.index, "columns": result.indicator_scores.columns}
    return {"vs_mean": pd.DataFrame(vs_mean, **frame), "vs_above": pd.DataFrame(vs_above, **frame)}


def _parts(result: CompositeResult, geometric: bool) -> np.ndarray:
    """Per unit the terms its composite is the sum of: w·s (arithmetic) or w·ln s (geometric), 0 where missing."""
    s = result.indicator_scores.to_numpy(dtype=float, na_value=np.nan)
    w = result.effective_weights.reindex_like(result.indicator_scores).to_numpy(dtype=float)
    present = ~np.isnan(s)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.log(np.where(present, s, 1.0)) if geometric else np.where(present, s, 0.0)
    return np.where(present, w * term, 0.0)


def _gap(parts: np.ndarray, ref_parts: np.ndarray, total: np.ndarray, ref_total: np.ndarray,
         geometric: bool) -> np.ndarray:
    """Points per indicator against a reference: the difference of the terms, in log terms times the
    logarithmic mean of the two scores for a geometric aggregation. NaN where either score is missing."""
    diff = parts - ref_parts
    if geometric:
        with np.errstate(divide="ignore", invalid="ignore"):
            dlog = np.log(total) - np.log(ref_total)
            scale = np.where(np.abs(dlog) < LOG_MEAN_EPS, total, (total - ref_total) / dlog)
        diff = diff * scale[:, None]
    return np.where((np.isnan(total) | np.isnan(ref_total))[:, None], np.nan, diff)


def _unit_above(ranks: pd.Series, totals: np.ndarray) -> np.ndarray:
    """Position of the unit one place above each unit (the lowest-scoring unit that beats it), or -1."""
    order = np.argsort(-np.nan_to_num(totals, nan=-np.inf), kind="stable")
    above = np.full(len(totals), -1)
    for prev, cur in zip(order[:-1], order[1:], strict=True):
        above[cur] = prev if totals[prev] > totals[cur] else above[prev]
    above[ranks.isna().to_numpy()] = -1
    return above


def _rows(values: np.ndarray, pos: np.ndarray) -> np.ndarray:
    out = np.full(values.shape, np.nan)
    ok = pos >= 0
    out[ok] = values[pos[ok]]
    return out


def strongest_weakest(result: CompositeResult, unit: str, n: int = 3) -> tuple[list[str], list[str]]:
    """(the n indicators with the most points against the mean, best first; the n with the fewest, worst
    first), among the indicators the unit has data for; empty for a unit without a score."""
    pts = points(result)["vs_mean"].loc[unit]
    has = result.effective_weights.loc[unit] > 0
    row = pts[has.reindex(pts.index, fill_value=False)].dropna().sort_values(ascending=False, kind="stable")
    return row.index[:n].to_list(), row.index[::-1][:n].to_list()


# What gap_to_rank answers, one row per indicator and one for the combined path (a unit without data: every row
# 无数据, the value columns empty).
GAP_COLUMNS = ["indicator", "current", "current_rank", "target_rank", "reachable", "improvement", "new_value",
               "verified_rank", "note", "changes"]


def gap_to_rank(result: CompositeResult, unit: str, target_rank: int, *,
                units_of: dict[str, str] | None = None) -> pd.DataFrame:
    """Per indicator alone: the improvement that lifts `unit` to `target_rank` (or not reachable), then one
    row for the cheapest combined path. The search rescores with the result's choices (data-driven weights
    recomputed on each changed matrix) and each answer is checked with composite.rescore."""
    raw, scheme = result.raw, result.scheme
    pos = raw.index.get_loc(unit)
    current = result.table.loc[unit, "rank"]
    eng = Engine.build(result)
    rows = []
    for j, ind in enumerate(scheme.indicators):
        x = raw[ind.code].iloc[pos]
        row = {"indicator": ind.code, "current": x, "current_rank": current, "target_rank": target_rank}
        if pd.isna(current) or pd.isna(x):
            rows.append(row | {"reachable": False, "note": "无数据，无法测算"})
        elif current <= target_rank:
            rows.append(row | {"reachable": True, "improvement": 0.0, "new_value": x, "note": "已达到目标名次"})
        else:
            rows.append(row | _alone(result, eng, unit, pos, j, target_rank, _decimals(units_of, ind.code)))
    rows.append(_combined(result, eng, unit, pos, target_rank, units_of))
    return pd.DataFrame(rows).reindex(columns=GAP_COLUMNS)  # every column, even when no answer has a value


def _decimals(units_of: dict[str, str] | None, code: str) -> int:
    return UNIT_DECIMALS.get((units_of or {}).get(code, ""), DEFAULT_DECIMALS)


def _alone(result: CompositeResult, eng: Engine, unit: str, pos: int, j: int, k: int, decimals: int) -> dict:
    ind = eng.scheme.indicators[j]
    x = result.raw[ind.code].iloc[pos]
    delta = _smallest_delta(eng, pos, j, ind.direction, x, k)
    if delta is None:
        return {"reachable": False, "note": "仅靠该指标无法达到"}
    delta = _round_up(delta, decimals)
    new = x + ind.direction * delta
    verified = _verified_rank(result, unit, {ind.code: new})
    return {"reachable": verified <= k, "improvement": delta, "new_value": new, "verified_rank": verified,
            "note": ""}


def _smallest_delta(eng: Engine, pos: int, j: int, direction: int, x: float, k: int) -> float | None:
    code = eng.scheme.indicators[j].code
    col = eng.base.raw[code]
    span = float(col.max() - col.min()) or max(abs(x), 1.0)
    best = col.max() if direction > 0 else col.min()
    target = eng.targets[code].iloc[pos] if eng.targets is not None and code in eng.targets else np.nan
    hi = max(direction * (best - x), 0.0) + REACH_BEYOND_BEST * span
    if not math.isnan(target):
        hi = max(hi, direction * (target - x))
    if eng.rank_of(pos, eng.change(eng.base, pos, j, x + direction * hi)) > k:
        return None
    lo = 0.0
    for _ in range(BISECTION_STEPS):
        mid = (lo + hi) / 2
        if eng.rank_of(pos, eng.change(eng.base, pos, j, x + direction * mid)) <= k:
            hi = mid
        else:
            lo = mid
    return hi


def _round_up(delta: float, decimals: int) -> float:
    f = 10 ** decimals
    return math.ceil(delta * f - 1e-9) / f


def _verified_rank(result: CompositeResult, unit: str, changes: dict[str, float]) -> float:
    """The unit's rank recomputed by composite.rescore after the changes (NaN if it would lose its rank)."""
    r = composite_mod.rescore(result, {unit: changes}).table.loc[unit, "rank"]
    return int(r) if pd.notna(r) else math.nan


def _combined(result: CompositeResult, eng: Engine, unit: str, pos: int, k: int, units_of) -> dict:
    """Greedy cheapest path: repeatedly take the 0.1-sd step that raises the unit's score most,
    until it reaches rank k. Cost = total improvement in standard deviations of each indicator."""
    scheme, raw = eng.scheme, result.raw
    sd = raw[scheme.codes].std().replace(0, np.nan).to_numpy()
    steps = np.zeros(len(sd))
    state = eng.base
    row = {"indicator": "组合", "target_rank": k, "current_rank": eng.rank_of(pos, state)}
    for _ in range(COMBINED_MAX_STEPS):
        if eng.rank_of(pos, state) <= k:
            break
        state = _best_step(eng, state, pos, sd, steps)
        if state is None:
            return row | {"reachable": False, "note": "各指标同时提高也无法达到"}
    else:
        return row | {"reachable": False, "note": "各指标同时提高也无法达到"}
    changes, deltas = {}, {}
    for j, ind in enumerate(scheme.indicators):
        if steps[j]:
            deltas[ind.code] = _round_up(steps[j] * COMBINED_STEP_SD * sd[j], _decimals(units_of, ind.code))
            changes[ind.code] = raw[ind.code].iloc[pos] + ind.direction * deltas[ind.code]
    verified = _verified_rank(result, unit, changes)
    return row | {"reachable": verified <= k, "improvement": float(steps.sum() * COMBINED_STEP_SD),
                  "verified_rank": verified, "note": "", "changes": deltas}


def _best_step(eng: Engine, state: State, pos: int, sd: np.ndarray, steps: np.ndarray) -> State | None:
    """The state after the 0.1-sd step that raises the unit's composite most (counted in steps), or None."""
    best, best_gain, best_state = None, 0.0, None
    base_total = eng.totals(state)[pos]
    values = state.raw.iloc[pos].to_numpy(float)
    for j, ind in enumerate(eng.scheme.indicators):
        if np.isnan(sd[j]) or np.isnan(values[j]):
            continue
        trial = eng.change(state, pos, j, values[j] + ind.direction * COMBINED_STEP_SD * sd[j])
        gain = eng.totals(trial)[pos] - base_total
        if gain > best_gain:
            best, best_gain, best_state = j, gain, trial
    if best is not None:
        steps[best] += 1
    return best_state
