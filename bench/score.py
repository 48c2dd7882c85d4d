"""Benchmark: a national-scale quarter (2,850 counties × 14 indicators) through the score engine.

Times (1) scores and ranks, (2) robustness with 1,000 Monte Carlo draws, (3) gap-to-rank for one
county, against a straightforward pandas implementation of (2) that loops per draw and per county
(written here as the baseline). Prints both times, the ratio and peak memory.
Goal: (2) under 2 s on 2 cores, ≥ 20× faster than the baseline, peak memory under 1 GB.

Run: .venv/bin/python bench/score.py [--draws 1000] [--baseline-draws 10]
The baseline is timed on --baseline-draws draws and scaled linearly to --draws (the output says so).
"""

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from indicators import composite, explain, normalise, robustness  # noqa: E402
from indicators.scheme import for_year  # noqa: E402
from loaders import catalogue, clock  # noqa: E402

N_UNITS = 2850


def national_matrix(scheme, n: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Growth rates, ratios and counts in realistic bands, a few missing cells, and targets."""
    rng = np.random.default_rng(seed)
    units = [f"U{i:04d}" for i in range(n)]
    cols, targets = {}, {}
    for ind in scheme.indicators:
        if ind.measure == "cum_level":
            cols[ind.code] = rng.poisson(4, n).astype(float)
            targets[ind.code] = np.maximum(1.0, rng.poisson(5, n)).astype(float)
        elif ind.measure == "ratio":
            cols[ind.code] = rng.uniform(30, 95, n)
        else:
            cols[ind.code] = rng.normal(5, 4, n)
    m = pd.DataFrame(cols, index=units)
    m = m.mask(rng.random(m.shape) < 0.01)
    return m, pd.DataFrame(targets, index=units)


def baseline(m: pd.DataFrame, scheme, targets, draws: int, seed: int = 7) -> pd.DataFrame:
    """What one would write first: per draw, score each indicator, then loop over counties."""
    rng = np.random.default_rng(seed)
    ranks = {}
    for d in range(draws):
        mode = robustness.SCORINGS[rng.integers(3)]
        agg = robustness.AGGREGATIONS[rng.integers(2)]
        w = {i.code: i.weight * rng.uniform(0.75, 1.25) for i in scheme.indicators}
        scored = {}
        for ind in scheme.indicators:
            spec = ind if ind.scoring in robustness.FIXED_SCORINGS else robustness._as_mode(ind, mode, m[ind.code])
            t = targets[ind.code] if ind.code in targets else None
            scored[ind.code] = normalise.SCORERS[spec.scoring](m[ind.code], spec, t)
        scored = pd.DataFrame(scored)
        totals = {}
        for unit in m.index:
            pillars = {}
            for ind in scheme.indicators:
                s = scored.at[unit, ind.code]
                if pd.isna(s):
                    continue
                p = pillars.setdefault(ind.pillar, [0.0, 0.0])
                p[0] += w[ind.code] * (np.log(max(s, 1.0)) if agg == "geometric" else s)
                p[1] += w[ind.code]
            num = den = 0.0
            for name, (p_num, p_den) in pillars.items():
                pw = sum(w[i.code] for i in scheme.indicators if i.pillar == name)
                num += pw * p_num / p_den
                den += pw
            totals[unit] = np.exp(num / den) if agg == "geometric" else num / den
        ranks[d] = pd.Series(totals).rank(ascending=False, method="min")
    return pd.DataFrame(ranks)


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=robustness.DRAWS)
    ap.add_argument("--baseline-draws", type=int, default=10)
    args = ap.parse_args()
    scheme = for_year(clock.today().year, catalogue.default())
    m, targets = national_matrix(scheme, N_UNITS)
    t_score, result = timed(lambda: composite.score(m, scheme, targets=targets))
    t_rob, rob = timed(lambda: robustness.run(m, scheme, nominal_rank=result.table["rank"], targets=targets,
                                              draws=args.draws))
    unit = result.table["rank"].sort_values().index[N_UNITS // 2]
    t_gap, gaps = timed(lambda: explain.gap_to_rank(result, unit, 100))
    t_base_raw, _ = timed(lambda: baseline(m, scheme, targets, args.baseline_draws))
    t_base = t_base_raw * args.draws / args.baseline_draws
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reachable = int(gaps["reachable"].fillna(False).sum())
    print(f"matrix: {N_UNITS:,} units × {len(scheme.indicators)} indicators, scheme {scheme.name}")
    print(f"(1) scores and ranks               {t_score:8.3f} s")
    print(f"(2) robustness, {args.draws} draws         {t_rob:8.3f} s   (goal < 2 s)")
    print(f"(3) gap to rank 100 for one unit   {t_gap:8.3f} s   ({reachable} of {len(gaps)} answers reachable, "
          "each verified by recomputation)")
    print(f"baseline robustness (pandas loops) {t_base:8.1f} s   (timed on {args.baseline_draws} draws, "
          f"scaled ×{args.draws / args.baseline_draws:.0f})")
    print(f"speed-up of (2) over the baseline: {t_base / t_rob:.0f}×   (goal ≥ 20×)")
    print(f"peak memory: {peak:.0f} MB   (goal < 1024 MB)")


if __name__ == "__main__":
    main()
