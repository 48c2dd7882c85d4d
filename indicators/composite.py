"""Composite score over a scheme: score each indicator, weigh, aggregate (pillars first when declared), apply the
coverage rule and rank. Every step and parameter is kept in a CompositeResult so any score can be regenerated."""

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from indicators.aggregate import AGGREGATORS, KERNELS, coverage
from indicators.normalise import RELATIVE_SCORINGS, SCORERS, is_constant, minmax
from indicators.ranking import rank
from indicators.scheme import TARGET_SCORINGS, Scheme, SchemeIndicator
from indicators.weights import DATA_DRIVEN, MIN_COMPLETE_UNITS, WEIGHTINGS

# A unit with exactly the threshold share (2/3 of the weight against coverage = 2/3) is ranked despite rounding.
COVERAGE_TOLERANCE = 1e-9
# Geometric mean: COINr rescales min-max to [1, 100] before a_gmean (methodology.md, vector 1), so one minimum
# does not zero the composite. Other modes are floored at the same 1: a 0 (last on goalposts, a missed target,
# rank points used up) would otherwise erase every other indicator of the unit.
GEOMETRIC_FLOOR = 1.0
LIST_SEP = "、"


@dataclass
class CompositeResult:
    table: pd.DataFrame  # per unit: score, rank, coverage, reason, missing, pillar_<name>…
    indicator_scores: pd.DataFrame  # per unit × indicator: the scores that entered the aggregation
    weights: pd.Series  # per indicator, summing to 1
    warnings: list[str] = field(default_factory=list)
    params: dict = field(default_factory=dict)  # everything needed to regenerate the result
    # per unit × indicator: the weight each score carried in that unit's composite (renormalised over what the
    # unit has, within pillars then across them; 0 where missing; each row sums to 1). Arithmetic: score =
    # Σ weight·indicator score; geometric: ln score = Σ weight·ln indicator score.
    effective_weights: pd.DataFrame | None = None
    scheme: Scheme | None = None  # the scheme as scored (after a scoring override)
    raw: pd.DataFrame | None = None  # the raw values scored (units × scheme codes)
    targets: pd.DataFrame | None = None


def score(matrix: pd.DataFrame, scheme: Scheme, *, targets: pd.DataFrame | None = None,
          weights: str | pd.Series | None = None, aggregation: str | None = None, scoring: str | None = None,
          labels: dict[str, str] | None = None) -> CompositeResult:
    """Score the units (rows of matrix, raw values, NaN missing) on the scheme's indicators (columns).

    targets: same shape, for target / achievement indicators. weights: a mode overriding the scheme's, or
    explicit weights by code (every scheme code; others are ignored). aggregation / scoring override the scheme's (scoring for every indicator).
    labels: display names by code for warnings and reasons (default: the codes)."""
    if scoring is not None:
        _check_choice("scoring", scoring, SCORERS)
        unbounded = [i.code for i in scheme.indicators if i.lower is None or i.upper is None]
        if scoring == "goalposts" and unbounded:
            raise ValueError(f"scoring goalposts needs lower and upper for {', '.join(unbounded)}; "
                             "give them in the scheme or choose another scoring")
        scheme = scheme.with_scoring(scoring)
    agg = aggregation or scheme.aggregation
    _check_choice("aggregation", agg, AGGREGATORS)
    raw = _raw(matrix, scheme)
    names = {c: (labels or {}).get(c, c) for c in scheme.codes}
    warnings: list[str] = []
    scores = _indicator_scores(raw, scheme, targets, agg, names, warnings)
    w, mode = _weights(raw, scheme, weights, warnings)
    cover = coverage(scores, w)
    groups = _groups(scheme)
    pillars, total = _aggregate(scores, w, groups, agg)
    ranked = cover >= scheme.coverage - COVERAGE_TOLERANCE
    total = total.where(ranked)
    missing = _missing(scores, names)
    table = pd.DataFrame({"score": total, "rank": rank(total), "coverage": cover,
                          "reason": _reasons(cover, ranked, missing, scheme.coverage), "missing": missing})
    for p in pillars.columns:
        table[f"pillar_{p}"] = pillars[p]
    params = {"scheme": scheme.name, "year": scheme.year, "source": scheme.source, "weights": mode,
              "weights_used": {c: float(v) for c, v in w.items()}, "aggregation": agg, "scoring": scoring,
              "coverage": scheme.coverage, "geometric_floor": GEOMETRIC_FLOOR if agg == "geometric" else None,
              "pillars": groups, "indicators": [asdict(i) for i in scheme.indicators], "units": len(raw),
              "targets": targets is not None}
    return CompositeResult(table, scores, w, warnings, params, effective_weights(scores, w, groups), scheme, raw,
                           targets)


def rescore(result: CompositeResult, changes: dict[str, dict[str, float]] | None = None) -> CompositeResult:
    """Score again with every choice the result was made with (scheme, weights mode — data-driven weights are
    recomputed on the changed values —, aggregation), after setting changes {unit: {code: raw value}}."""
    raw = result.raw.copy()
    for unit, values in (changes or {}).items():
        for code, value in values.items():
            raw.loc[unit, code] = value
    mode = result.params["weights"]
    return score(raw, result.scheme, targets=result.targets, aggregation=result.params["aggregation"],
                 weights=result.weights if mode == "explicit" else mode)


def effective_weights(scores: pd.DataFrame, w: pd.Series, groups: dict[str, list[str]]) -> pd.DataFrame:
    """Per unit, the weight each indicator score carries in the composite _aggregate computes: within a pillar
    its weight over the pillar's present weight, times the pillar's weight (Σ of its indicators' weights) over
    the present top-level weight. 0 where the score is missing; rows sum to 1 (0 for a unit with no data)."""
    present = scores.notna().to_numpy()
    wv = w.reindex(scores.columns).to_numpy(dtype=float)
    cell = np.where(present, wv, 0.0)
    top = cell.copy()  # loose indicators stand at the top level with their own weight
    position = {c: j for j, c in enumerate(scores.columns)}
    for codes in groups.values():
        m = np.array([position[c] for c in codes])
        inside = cell[:, m].sum(axis=1, keepdims=True)
        share = np.divide(cell[:, m], inside, out=np.zeros_like(cell[:, m]), where=inside > 0)
        top[:, m] = share * np.where(inside > 0, wv[m].sum(), 0.0)
    total = top.sum(axis=1, keepdims=True)
    out = np.divide(top, total, out=np.zeros_like(top), where=total > 0)
    return pd.DataFrame(out, index=scores.index, columns=scores.columns)


def _check_choice(what: str, value: str, choices: dict) -> None:
    if value not in choices:
        raise ValueError(f"unknown {what} '{value}'; use one of {', '.join(choices)}")


def _raw(matrix: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    absent = [c for c in scheme.codes if c not in matrix.columns]
    if absent:
        raise ValueError(f"the matrix has no column for {', '.join(absent)}; its columns are "
                         f"{', '.join(map(str, matrix.columns))}")
    if not matrix.index.is_unique:
        raise ValueError(f"units listed twice: {', '.join(map(str, matrix.index[matrix.index.duplicated()]))}")
    return matrix[scheme.codes].astype(float)


def score_indicator(x: pd.Series, ind: SchemeIndicator, target: pd.Series | None, aggregation: str) -> np.ndarray:
    """One indicator's scores over the comparison set, as they enter the aggregation.

    Geometric means use min-max on 1–100 (as COINr does in methodology.md) so one minimum does not
    zero the composite; other scores below 1 are floored at 1 by the caller.
    """
    if aggregation == "geometric" and ind.scoring == "minmax":
        s = minmax(x, ind.direction, lo=GEOMETRIC_FLOOR)
    else:
        s = SCORERS[ind.scoring](x, ind, target)
    return s.to_numpy(dtype=float, na_value=np.nan)


def _indicator_scores(raw: pd.DataFrame, scheme: Scheme, targets: pd.DataFrame | None, agg: str,
                      names: dict[str, str], warnings: list[str]) -> pd.DataFrame:
    geometric = agg == "geometric"
    out = np.empty(raw.shape)
    for j, ind in enumerate(scheme.indicators):
        x, name = raw[ind.code], names[ind.code]
        t = targets[ind.code] if targets is not None and ind.code in targets.columns else None
        out[:, j] = score_indicator(x, ind, t, agg)
        if x.isna().all():
            warnings.append(f"指标“{name}”在比较范围内全部缺失，不参与评分")
        elif ind.scoring in RELATIVE_SCORINGS and is_constant(x):
            warnings.append(f"指标“{name}”在比较范围内各单位取值相同（{x.dropna().iloc[0]:g}），该项各单位得分相同，"
                            "不区分高低")
        if ind.scoring in TARGET_SCORINGS and (t is None or t.isna().all()):
            warnings.append(f"指标“{name}”按目标评分，但没有提供目标值，该项按缺失处理")
    if geometric:
        out = np.maximum(out, GEOMETRIC_FLOOR)  # NaN (missing) stays NaN
    if geometric and any(i.scoring == "zscore" for i in scheme.indicators):
        warnings.append("z-score 得分有负值，几何平均把低于 1 的得分按 1 计，结果意义有限；建议改用算术平均")
    return pd.DataFrame(out, index=raw.index, columns=scheme.codes)


def _weights(raw: pd.DataFrame, scheme: Scheme, weights: str | pd.Series | None,
             warnings: list[str]) -> tuple[pd.Series, str]:
    if weights is None or isinstance(weights, str):
        mode = weights or scheme.weights
        _check_choice("weights", mode, WEIGHTINGS)
        complete = int(raw.notna().all(axis=1).sum())
        if mode in DATA_DRIVEN and complete < MIN_COMPLETE_UNITS:
            warnings.append(f"{mode} 权重需要至少 {MIN_COMPLETE_UNITS} 个数据完整的单位，现有 {complete} 个，改用等权")
        elif mode in DATA_DRIVEN and complete < len(raw):
            warnings.append(f"{mode} 权重仅依据数据完整的 {complete} 个单位（共 {len(raw)} 个）计算")
        w = WEIGHTINGS[mode](raw, scheme)
    else:
        mode, w = "explicit", _explicit(weights, scheme)
    return w.reindex(scheme.codes).rename_axis("indicator").rename("weight"), mode


def _explicit(weights: pd.Series, scheme: Scheme) -> pd.Series:
    w = weights.reindex(scheme.codes).astype(float)
    if w.isna().any():
        raise ValueError(f"explicit weights lack {', '.join(w[w.isna()].index)}; give one per scheme indicator")
    if (w < 0).any():
        raise ValueError(f"negative weights for {', '.join(w[w < 0].index)}; weights must be ≥ 0")
    if not w.sum() > 0:
        raise ValueError("explicit weights sum to 0; give at least one indicator a positive weight")
    return w / w.sum()


def _groups(scheme: Scheme) -> dict[str, list[str]]:
    """Pillar -> its indicator codes, declared pillars first; empty when no indicator names a pillar."""
    groups: dict[str, list[str]] = {}
    for ind in scheme.indicators:
        if ind.pillar:
            groups.setdefault(ind.pillar, []).append(ind.code)
    order = [p for p in scheme.pillars if p in groups] + [p for p in groups if p not in scheme.pillars]
    return {p: groups[p] for p in order}


def _aggregate(scores: pd.DataFrame, w: pd.Series, groups: dict[str, list[str]],
               agg: str) -> tuple[pd.DataFrame, pd.Series]:
    """(pillar scores, total). A pillar weighs the sum of its indicators' weights; an indicator without a pillar
    in a pillared scheme stands alone at the top level. Works on arrays: pandas indexing costs ~0.5 ms a step."""
    kernel = KERNELS[agg]
    v, wv = scores.to_numpy(dtype=float, na_value=np.nan), w.to_numpy(dtype=float)
    if not groups:
        return pd.DataFrame(index=scores.index), pd.Series(kernel(v, wv), index=scores.index)
    position = {c: j for j, c in enumerate(scores.columns)}
    members = [np.array([position[c] for c in codes]) for codes in groups.values()]
    pillars = np.column_stack([kernel(v[:, m], wv[m]) for m in members])
    loose = np.array(sorted(set(range(v.shape[1])) - {j for m in members for j in m}), dtype=int)
    top = np.column_stack([pillars, v[:, loose]])
    top_w = np.concatenate([[wv[m].sum() for m in members], wv[loose]])
    return (pd.DataFrame(pillars, index=scores.index, columns=list(groups)),
            pd.Series(kernel(top, top_w), index=scores.index))


def _missing(scores: pd.DataFrame, names: dict[str, str]) -> pd.Series:
    """Per unit, the names of the indicators without a score, joined by 、 (column by column, not unit by unit)."""
    absent = scores.isna().to_numpy()
    out = np.full(len(scores), "", dtype=object)
    for j, code in enumerate(scores.columns):
        rows = absent[:, j]
        if rows.any():
            out[rows] = out[rows] + (names[code] + LIST_SEP)
    gaps = absent.any(axis=1)
    out[gaps] = [text[:-len(LIST_SEP)] for text in out[gaps]]
    return pd.Series(out, index=scores.index, dtype=object)


def _percents(share: float, threshold: float) -> tuple[str, str]:
    """Both as percentages, with as many decimals as it takes to tell them apart (66.7 % vs 67 %)."""
    for digits in (0, 1, 2):
        a, b = f"{share:.{digits}%}", f"{threshold:.{digits}%}"
        if a != b:
            break
    return a, b


def _reasons(cover: pd.Series, ranked: pd.Series, missing: pd.Series, threshold: float) -> pd.Series:
    reason = pd.Series("", index=cover.index, dtype=object)
    for unit in cover.index[~ranked.to_numpy()]:
        share, required = _percents(cover[unit], threshold)
        reason[unit] = (f"数据覆盖不足：有数据的指标权重占 {share}，低于方案要求的 {required}"
                        f"（缺：{missing[unit]}）")
    return reason
