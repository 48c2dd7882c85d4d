"""Revisions: about 20 values of 2026-08/09 re-stated by firms' corrections (loaded after the main files),
and the picture once they replace the values they re-state."""

import numpy as np
import pandas as pd

from loaders import catalogue as catalogue_mod
from loaders import clock
from loaders.demo_data.constants import LONGNAN
from loaders.demo_data.observations import OBS_ORDER, finish, published_unit
from loaders.demo_data.randomness import sample_rows
from loaders.demo_data.world import World

N_REVISED_LEVELS = 8  # level+growth pairs re-stated by firms' corrections
N_REVISED_GROWTHS = 4  # growth-only series re-stated
# (county, indicator, which revised month: 1 the later, 0 the earlier) re-stated whatever the draw.
SCRIPTED_REVISIONS = (("621221", "IND_REV", 1), ("621227", "IVA", 0))
REVISION_SIZE = (0.003, 0.02)  # relative change of a revised level
REVISION_PP = (0.2, 1.0)  # change of a revised growth-only value, pp


def revision_periods(end: str) -> tuple[str, str]:
    """The two months before the end month that the monthly series report (none has January alone),
    earlier first: ('2026-08', '2026-09') for an end of 2026-10."""
    months = [clock.month_before(end, n) for n in (1, 2, 3)]
    earlier, later = [p for p in months if not p.endswith("-01")][1::-1]
    return earlier, later


def make_revisions(obs: pd.DataFrame, rng: np.random.Generator, world: World) -> pd.DataFrame:
    """About 20 values of the two months before the end re-stated by firms' corrections, still rising within
    the year."""
    cat = catalogue_mod.default()
    periods = revision_periods(world.end)
    monthly = [i.code for i in cat if i.frequency == "monthly" and i.value_type in ("level_growth", "growth")]
    keys = obs[obs.region_code.isin(world.counties_outside(LONGNAN)) & obs.period.isin(periods)
               & obs.indicator.isin(monthly)][["region_code", "indicator", "period"]].drop_duplicates()
    scripted = [(region, code, periods[which]) for region, code, which in SCRIPTED_REVISIONS]
    rest = keys[~keys.apply(tuple, axis=1).isin(set(scripted))]
    chosen = list(scripted)
    for want_level, n in ((True, N_REVISED_LEVELS), (False, N_REVISED_GROWTHS)):
        pool = rest[rest.indicator.map(lambda c: cat[c].value_type == "level_growth") == want_level]
        have = sum(1 for k in chosen if (cat[k[1]].value_type == "level_growth") == want_level)
        chosen += [tuple(r) for r in sample_rows(rng, pool, n - have).to_numpy()]
    index = obs.set_index(["region_code", "indicator", "period", "measure"]).value
    rows = []
    for region, code, period in chosen:
        new = revise(index, region, code, period, rng, cat[code].value_type == "level_growth")
        for row in new:  # a later revision of the next month must stay above this one
            index[(region, code, period, row["measure"])] = row["value"]
        rows += new
    frame = pd.DataFrame(rows)
    frame["unit"] = [published_unit(cat[c].unit, m) for c, m in zip(frame.indicator, frame.measure, strict=True)]
    return finish(frame, world)


def revise(index: pd.Series, region: str, code: str, period: str, rng: np.random.Generator,
           has_level: bool) -> list[dict]:
    """New values for one key: a level moved by 0.3–2 % but kept between its neighbours, the growth
    moved with it; or a growth-only value moved by 0.2–1 pp."""
    key = {"region_code": region, "indicator": code, "period": period}
    growth = index[(region, code, period, "cum_yoy")]
    sign = rng.choice([-1.0, 1.0])
    if not has_level:
        return [key | {"measure": "cum_yoy", "value": round(growth + sign * rng.uniform(*REVISION_PP), 1) + 0.0}]
    level = index[(region, code, period, "cum_level")]
    year, month = int(period[:4]), int(period[5:])
    before = index.get((region, code, f"{year}-{month - 1:02d}", "cum_level"), 0.0)
    after = index.get((region, code, f"{year}-{month + 1:02d}", "cum_level"), np.inf)
    new_level = round(float(np.clip(level * (1 + sign * rng.uniform(*REVISION_SIZE)), before, after)), 1)
    if new_level == level:
        new_level = round(level + 0.1, 1) if level + 0.1 <= after else round(level - 0.1, 1)
    new_growth = round(((1 + growth / 100.0) * new_level / level - 1) * 100.0, 1) + 0.0
    return [key | {"measure": "cum_level", "value": new_level}, key | {"measure": "cum_yoy", "value": new_growth}]


def current(obs: pd.DataFrame, revisions: pd.DataFrame) -> pd.DataFrame:
    """The picture after every file is loaded: revisions replace the values they re-state."""
    key = ["region_code", "period", "indicator", "measure"]
    merged = pd.concat([obs, revisions]).drop_duplicates(key, keep="last")
    return merged.sort_values(OBS_ORDER, kind="stable").reset_index(drop=True)
