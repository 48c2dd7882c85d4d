"""generate(): the whole simulated province as DataFrames, wiring structure, series, ledgers, missing values,
revisions and targets together."""

import pandas as pd

from loaders.demo_data import ledger_items
from loaders.demo_data.constants import EXAMPLE_END, SEED
from loaders.demo_data.economic import economic_series
from loaders.demo_data.ledgers import ledger_series
from loaders.demo_data.missing import drop_missing
from loaders.demo_data.observations import finish, long_rows
from loaders.demo_data.randomness import stream
from loaders.demo_data.revisions import current, make_revisions
from loaders.demo_data.targets import make_targets
from loaders.demo_data.world import build_world


def generate(seed: int = SEED, end: str = EXAMPLE_END) -> dict[str, pd.DataFrame]:
    """The simulated province through the end month 'YYYY-MM', as frames.

    observations: the main long files' rows (all years, before revisions);
    revisions: the re-stated values of the two months before the end (loaded after the main files);
    current: observations with the revisions applied (what the bureau-style sheets show);
    targets: annual targets for 2025 and 2026;
    ledger_items: Longnan's item-level ledgers, units, tasks and reports (ledger_items.LedgerBook), weekly since
    September 2026, adding up to the observations at every month's end.
    """
    world = build_world(seed, end)
    series = economic_series(seed, world)
    ledgers = ledger_series(seed, world)
    series |= ledgers.series
    frames = [long_rows(world, code, s) for code, s in series.items()]
    obs = finish(pd.concat(frames, ignore_index=True), world)
    obs = drop_missing(obs, stream(seed, "missing"), world)
    revisions = make_revisions(obs, stream(seed, "revisions"), world)
    targets = make_targets(obs, ledgers, world)
    book = ledger_items.build(seed, world, series, ledgers.plans, targets, obs)
    return {"observations": obs, "revisions": revisions, "current": current(obs, revisions),
            "targets": targets, "world": world, "ledger_items": book}
