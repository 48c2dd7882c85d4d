"""Rank intervals: how far each unit's rank moves when the method's defensible choices change.

Monte Carlo over weights (each ±25 % uniform noise), aggregation (arithmetic / geometric) and
scoring of the continuous indicators (efficacy / goalposts / min-max), 1,000 draws with a fixed seed
by default. Each indicator is scored once per scoring mode; a draw is then a matrix product, so the
whole run is vectorised over draws.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from indicators.composite import score_indicator
from indicators.scheme import Scheme, SchemeIndicator

DRAWS = 1000
SEED = 20261123
WEIGHT_NOISE = 0.25  # each weight × U(0.75, 1.25): the ±25 % of DESIGN.md §4
SCORINGS = ("efficacy", "goalposts", "minmax")
AGGREGATIONS = ("arithmetic", "geometric")
# Scoring modes that compare with a target or with ranks keep their own scorer in every draw: the
# alternatives above only make sense for continuous indicators.
FIXED_SCORINGS = ("target", "achievement", "rank_points")
# Goalposts for an indicator whose scheme gives none: the comparison set's 5th and 95th
# percentiles, so that one outlier does not set the scale.
DATA_GOALPOSTS = (0.05, 0.95)
GEOMETRIC_FLOOR = 1.0  # scores below 1 count as 1 in a geometric mean (one zero would zero the unit)
PERCENTILES = (5, 50, 95)


@dataclass
class RobustnessResult:
    table: pd.DataFrame  # per unit: rank, rank_median, rank_p05, rank_p95, not_distinct_from
    ranks: np.ndarray = field(repr=False)  # units × draws, NaN for unranked units
    params: dict = field(default_factory=dict)


def score_modes(matrix: pd.DataFrame, scheme: Scheme, targets: pd.DataFrame | None = None,
                aggregation: str = "arithmetic") -> dict[str, np.ndarray]:
    """Indicator scores (units × indicators) under each scoring alternative, NaN where missing,
    scored as composite.score scores them for that aggregation."""
    out = {}
    for mode in SCORINGS:
        cols = []
        for ind in scheme.indicators:
            spec = ind if ind.scoring in FIXED_SCORINGS else _as_mode(ind, mode, matrix[ind.code])
            target = targets[ind.code] if targets is not None and ind.code in targets else None
            cols.append(score_indicator(matrix[ind.code], spec, target, aggregation))
        out[mode] = np.column_stack(cols)
    return out


def _as_mode(ind: SchemeIndicator, mode: str, values: pd.Series) -> SchemeIndicator:
    from dataclasses import replace

    if mode != "goalposts" or (ind.lower is not None and ind.upper is not None):
        return replace(ind, scoring=mode)
    lo, hi = values.quantile(list(DATA_GOALPOSTS))
    if not hi > lo:
        return replace(ind, scoring="minmax")
    return replace(ind, scoring="goalposts", lower=float(lo), upper=float(hi))


def pillar_matrix(scheme: Scheme) -> np.ndarray:
    """indicators × groups 0/1 matrix: one group per pillar, and one per indicator without a pillar
    (it stands alone at the top level, as in composite.score); one group for a scheme without pillars."""
    if not any(i.pillar for i in scheme.indicators):
        return np.ones((len(scheme.indicators), 1))
    names = list(dict.fromkeys(i.pillar or f"_{i.code}" for i in scheme.indicators))
    return np.array([[1.0 if (i.pillar or f"_{i.code}") == p else 0.0 for p in names] for i in scheme.indicators])


def composite(scores: np.ndarray, weights: np.ndarray, groups: np.ndarray, aggregation: str) -> np.ndarray:
    """Composite for many weight vectors at once: scores units×k, weights k×D → units×D.

    Pillars first (weighted mean over the indicators present), then the total over the pillars
    present with pillar weight = Σ of its indicators' nominal weights — as composite.score does.
    """
    present = ~np.isnan(scores)
    geo = aggregation == "geometric"
    vals = np.log(np.maximum(np.nan_to_num(scores, nan=GEOMETRIC_FLOOR), GEOMETRIC_FLOOR)) if geo \
        else np.nan_to_num(scores)
    vals = np.where(present, vals, 0.0)
    k, d = weights.shape
    n_groups = groups.shape[1]
    wg = (weights[:, None, :] * groups[:, :, None]).reshape(k, n_groups * d)  # k × (groups·draws)
    num = (vals @ wg).reshape(-1, n_groups, d)
    den = (present.astype(float) @ wg).reshape(-1, n_groups, d)
    with np.errstate(invalid="ignore", divide="ignore"):
        pillar = num / den  # units × groups × draws, NaN where a pillar has no data
    pillar_w = (groups.T @ weights)[None, :, :]  # 1 × groups × draws
    has = den > 0
    total_num = np.where(has, np.nan_to_num(pillar) * pillar_w, 0.0).sum(axis=1)
    total_den = np.where(has, pillar_w, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = total_num / total_den
    return np.exp(total) if geo else total


def ranks_of(scores: np.ndarray) -> np.ndarray:
    """Competition ranks per column (1 = highest, ties share the smallest), NaN stays NaN."""
    out = np.full(scores.shape, np.nan)
    for j in range(scores.shape[1]):
        col = scores[:, j]
        ok = ~np.isnan(col)
        neg_sorted = np.sort(-col[ok])
        out[ok, j] = np.searchsorted(neg_sorted, -col[ok], side="left") + 1
    return out


def run(matrix: pd.DataFrame, scheme: Scheme, *, nominal_rank: pd.Series, targets: pd.DataFrame | None = None,
        draws: int = DRAWS, seed: int = SEED) -> RobustnessResult:
    """Rank distribution of every unit over `draws` random method choices; units without a nominal
    rank (below the coverage threshold) stay unranked in every draw."""
    rng = np.random.default_rng(seed)
    base = np.array([i.weight for i in scheme.indicators], dtype=float)
    weights = base[:, None] * rng.uniform(1 - WEIGHT_NOISE, 1 + WEIGHT_NOISE, size=(len(base), draws))
    scoring = rng.integers(len(SCORINGS), size=draws)
    aggregation = rng.integers(len(AGGREGATIONS), size=draws)
    modes = {agg: score_modes(matrix, scheme, targets, agg) for agg in AGGREGATIONS}
    groups = pillar_matrix(scheme)
    ranked = nominal_rank.reindex(matrix.index).notna().to_numpy()
    scores = np.full((len(matrix), draws), np.nan)
    for s, mode in enumerate(SCORINGS):
        for a, agg in enumerate(AGGREGATIONS):
            pick = np.flatnonzero((scoring == s) & (aggregation == a))
            if pick.size:
                scores[:, pick] = composite(modes[agg][mode], weights[:, pick], groups, agg)
    scores[~ranked, :] = np.nan
    ranks = ranks_of(scores)
    table = summarise(ranks, nominal_rank.reindex(matrix.index), matrix.index)
    params = {"draws": draws, "seed": seed, "weight_noise": WEIGHT_NOISE, "scorings": SCORINGS,
              "aggregations": AGGREGATIONS, "data_goalposts": DATA_GOALPOSTS}
    return RobustnessResult(table=table, ranks=ranks, params=params)


def summarise(ranks: np.ndarray, nominal: pd.Series, index: pd.Index) -> pd.DataFrame:
    """Median and 5–95 % interval of each unit's rank, and the neighbours it is not distinct from."""
    ok = ~np.isnan(ranks).all(axis=1)
    pct = np.full((len(index), len(PERCENTILES)), np.nan)
    if ok.any():
        pct[ok] = np.nanpercentile(ranks[ok], PERCENTILES, axis=1, method="nearest").T
    table = pd.DataFrame({"rank": nominal.astype("Int64").to_numpy()}, index=index)
    table["rank_p05"], table["rank_median"], table["rank_p95"] = (pd.array(pct[:, i].round(), dtype="Int64")
                                                                  for i in range(3))
    table["not_distinct_from"] = _overlaps(table)
    return table


def _overlaps(table: pd.DataFrame) -> pd.Series:
    """For each ranked unit, the units ranked next to it (one place above or below) whose 5–95 %
    intervals overlap its own: "rank 12 and 13 are not really different"."""
    ranked = table[table["rank"].notna()].sort_values("rank")
    out = pd.Series([[] for _ in range(len(table))], index=table.index, dtype=object)
    codes = ranked.index.to_list()
    lo, hi = ranked["rank_p05"].to_numpy(), ranked["rank_p95"].to_numpy()
    for i in range(len(codes) - 1):
        if lo[i + 1] <= hi[i]:
            out[codes[i]].append(codes[i + 1])
            out[codes[i + 1]].append(codes[i])
    return out
