"""Missing values: a handful of county-months simply absent from the long files (statistics.md: missing is
missing, never zero)."""

import numpy as np
import pandas as pd

from loaders import catalogue as catalogue_mod
from loaders.demo_data.constants import LONGNAN
from loaders.demo_data.randomness import sample_rows
from loaders.demo_data.specs import SPECS
from loaders.demo_data.world import World

N_MISSING = 8  # county-months simply absent (statistics.md: missing is missing, never zero)
SCRIPTED_MISSING = (("621228", "ELEC"),)  # 两当's electricity of the end month is late: a "—" on the 月报


def drop_missing(obs: pd.DataFrame, rng: np.random.Generator, world: World) -> pd.DataFrame:
    """Remove a handful of county-months (every measure of them): missing is absent, never zero.

    Never a December (targets read it), never a Longnan county except the scripted one.
    """
    monthly = [i.code for i in catalogue_mod.default() if i.frequency == "monthly" and i.code in SPECS]
    candidates = obs[obs.region_code.isin(world.counties_outside(LONGNAN)) & obs.indicator.isin(monthly)
                     & ~obs.period.str.endswith("-12")][["region_code", "indicator", "period"]].drop_duplicates()
    picked = sample_rows(rng, candidates, N_MISSING)
    keys = set(map(tuple, picked.to_numpy())) | {(region, code, world.end) for region, code in SCRIPTED_MISSING}
    mask = pd.Series(list(zip(obs.region_code, obs.indicator, obs.period, strict=True)), index=obs.index).isin(keys)
    return obs[~mask].reset_index(drop=True)
