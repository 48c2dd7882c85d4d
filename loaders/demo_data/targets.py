"""Annual targets for 2025 and 2026 per county and prefecture: growth targets pulled towards each region's last
result, level targets from growth, and the key-work plans."""

import numpy as np
import pandas as pd

from loaders import catalogue as catalogue_mod
from loaders.demo_data.constants import BASE_YEAR, NOTE, TARGET_COLUMNS
from loaders.demo_data.ledgers import Ledgers
from loaders.demo_data.world import World

# Growth targets (%): the province's centre for the year, moved towards each region's last result,
# rounded to 0.5 like real work reports. Centres are ambitious, as targets are.
TARGET_GROWTH = {  # code: (centre 2025, centre 2026, max distance from the centre)
    "GDP": (6.0, 5.5, 1.0), "IVA": (8.0, 7.5, 3.0), "FAI": (8.0, 7.0, 5.0), "RETAIL": (6.5, 6.0, 1.0),
    "GPBR": (6.0, 5.5, 3.0), "URB_INC": (6.0, 5.5, 0.5), "RUR_INC": (7.5, 7.0, 0.5),
    "INVEST_IN": (20.0, 18.0, 8.0),
}
TARGET_PULL = 0.3  # weight of a region's last result relative to its peers
TARGET_LEVEL_FROM_GROWTH = ("GPBR", "INVEST_IN")  # level = last year × (1 + growth target)


def target_years(world: World) -> tuple[int, int]:
    """Last year's and the end month's year: the targets the dashboard compares with."""
    return world.last_year - 1, world.last_year


def make_targets(obs: pd.DataFrame, ledgers: Ledgers, world: World) -> pd.DataFrame:
    """Annual targets per county and prefecture: growth (%) and levels (annual amount)."""
    cat = catalogue_mod.default()
    ranked = [c for c, lv in zip(world.codes, world.level, strict=True) if lv != "province"]
    rows = []
    for year in target_years(world):
        last = obs[obs.period == f"{year - 1}-12"].set_index(["region_code", "indicator", "measure"]).value
        for code, (c25, c26, spread) in TARGET_GROWTH.items():
            centre = c25 if year <= 2025 else c26
            for level in ("county", "prefecture"):
                codes = world.of_level(level)
                result = pd.Series([last.get((c, code, "cum_yoy"), np.nan) for c in codes], index=codes)
                pulled = centre + TARGET_PULL * (result - result.median())
                growth = np.clip(np.round(pulled.fillna(centre) * 2) / 2, centre - spread, centre + spread)
                for region, g in growth.items():
                    rows.append((region, year, code, "growth", float(g) + 0.0, "%"))
                    if code in TARGET_LEVEL_FROM_GROWTH:
                        amount = round(last[(region, code, "cum_level")] * (1 + g / 100.0), 1)
                        rows.append((region, year, code, "level", amount, cat[code].unit))
        y = year - BASE_YEAR
        for region in ranked:
            i = world.index(region)
            rows.append((region, year, "KEY_PROJ", "level", round(ledgers.plans["KEY_PROJ"][i, y], 1), "万元"))
            rows.append((region, year, "NEW_SISHANG", "level", float(ledgers.plans["NEW_SISHANG"][i, y]), "家"))
            # 清偿 target: the undisputed stock on the ledger on 1 January (January's ARREARS_OWED), all of which is
            # to be cleared within the year — never more than is owed at any month (debts found later add to it)
            stock = ledgers.series["ARREARS_OWED"].cum_level[i, y, 0]
            rows.append((region, year, "ARREARS_PAID", "level", float(np.round(stock, 1)), "万元"))
    frame = pd.DataFrame(rows, columns=["region_code", "year", "indicator", "kind", "value", "unit"])
    frame = frame.assign(region_name=frame.region_code.map(world.names), note=NOTE)
    order = {c: k for k, c in enumerate(cat.codes)}
    frame = frame.sort_values(["year", "indicator", "kind", "region_code"],
                              key=lambda s: s.map(order) if s.name == "indicator" else s, kind="stable")
    return frame[TARGET_COLUMNS].reset_index(drop=True)
