"""Load the simulated demo province through the normal ingest paths, through the latest month closed today.

The committed files in data/demo/ end at demo_data.EXAMPLE_END; on any other day the same generator writes the
files for that day's latest closed month (统计关库, loaders/clock.py) into the instance directory first. Each
manifest entry goes to the ingest function of its kind (statistics, ledgers, units, tasks, reports), marked
simulated, with the same user and note.
"""

import datetime as dt
import tomllib
from pathlib import Path

from loaders import clock, regions, units
from loaders.ingest import IngestReport, Progress, ingest
from loaders.ledger_ingest import ingest_ledger
from loaders.settings import DATA_DIR, instance_dir
from loaders.store import Store

DEMO_DIR = DATA_DIR / "demo"
DEMO_USER = "demo"
DEMO_NOTE = "模拟数据（演示）"
DEMO_PROVINCE = "620000"  # the demo is always Gansu-shaped (loaders/demo_data); other deployments get none
UNIT_INGEST = {"units": units.ingest_units, "unit_tasks": units.ingest_tasks, "unit_reports": units.ingest_reports}


def manifest(demo_dir: Path = DEMO_DIR) -> list[dict]:
    """The demo files in load order: [{path, kind, format, description}, …]."""
    raw = tomllib.loads((demo_dir / "manifest.toml").read_text(encoding="utf-8"))
    return raw["file"]


class DemoRefused(RuntimeError):
    """The deployment is not Gansu's: the demo's Gansu regions would be names of another province there."""


def fits_deployment() -> bool:
    return regions.default().province == DEMO_PROVINCE


def check_deployment() -> None:
    """Raise DemoRefused, saying what to set, when MONITOR_PROVINCE is not the demo's province (620000)."""
    here = regions.default()
    if here.province != DEMO_PROVINCE:
        raise DemoRefused(f"演示数据是甘肃省（620000，陇南市 621200）的模拟数据，不能导入本部署"
                          f"（MONITOR_PROVINCE={here.province}，{here[here.province].name}）；"
                          "要看演示，请用一个新的数据库并去掉 MONITOR_PROVINCE / MONITOR_CITY（或设为 620000 / 621200）")


def end_month(today: dt.date | None = None) -> str:
    """The demo's last month: the latest month closed (统计关库 passed) on `today`."""
    return clock.latest_closed_month(today or clock.today())


def files_for(end: str) -> Path:
    """The folder holding the demo files through `end`: data/demo/ for the committed example, else written once
    into the instance directory (deterministic from the seed and the end month)."""
    from loaders import demo_data

    if end == demo_data.EXAMPLE_END:
        return DEMO_DIR
    folder = instance_dir() / f"demo_{end}"
    if not (folder / "manifest.toml").exists():
        demo_data.write(folder, end=end)
    return folder


def load(store: Store, demo_dir: Path | None = None, progress: Progress | None = None,
         on_file=None, today: dt.date | None = None) -> list[IngestReport]:
    """Ingest every demo file in order, marked simulated. Files already loaded are no-ops. Refused (DemoRefused)
    unless the deployment is Gansu's."""
    check_deployment()
    store.create_schema()
    today = today or clock.today()
    demo_dir = demo_dir or files_for(end_month(today))
    reports = []
    for entry in manifest(demo_dir):
        path = demo_dir / entry["path"]
        if on_file:
            on_file(path)
        report = _ingest_entry(entry, path, store, progress, today)
        reports.append(report)
        if not report.ok:
            raise RuntimeError(f"demo file {path.name} was rejected:\n" +
                               "\n".join(p.message() for p in report.errors[:20]))
    return reports


def _ingest_entry(entry: dict, path: Path, store: Store, progress: Progress | None, today: dt.date) -> IngestReport:
    """One manifest entry through the ingest function of its kind."""
    kind = entry["kind"]
    common = {"user": DEMO_USER, "note": DEMO_NOTE, "today": today}
    if kind == "ledger":
        return ingest_ledger(path, store, kind=entry["format"].removeprefix("ledger_"), simulated=True, **common)
    if kind in UNIT_INGEST:
        return UNIT_INGEST[kind](path, store, simulated=True, **common)
    return ingest(path, store, simulated=True, progress=progress, **common)
