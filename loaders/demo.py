"""Load the simulated demo province through the normal ingest path, through the latest month closed today.

The committed files in data/demo/ end at demo_data.EXAMPLE_END; on any other day the same generator writes the
files for that day's latest closed month (统计关库, loaders/clock.py) into the instance directory first.
"""

import datetime as dt
import tomllib
from pathlib import Path

from loaders import clock
from loaders.ingest import IngestReport, Progress, ingest
from loaders.settings import DATA_DIR, instance_dir
from loaders.store import Store

DEMO_DIR = DATA_DIR / "demo"
DEMO_USER = "demo"


def manifest(demo_dir: Path = DEMO_DIR) -> list[dict]:
    """The demo files in load order: [{path, kind, format, description}, …]."""
    raw = tomllib.loads((demo_dir / "manifest.toml").read_text(encoding="utf-8"))
    return raw["file"]


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
    """Ingest every demo file in order, marked simulated. Files already loaded are no-ops."""
    store.create_schema()
    today = today or clock.today()
    demo_dir = demo_dir or files_for(end_month(today))
    reports = []
    for entry in manifest(demo_dir):
        path = demo_dir / entry["path"]
        if on_file:
            on_file(path)
        report = ingest(path, store, user=DEMO_USER, simulated=True, note="模拟数据（演示）", progress=progress,
                        today=today)
        reports.append(report)
        if not report.ok:
            raise RuntimeError(f"demo file {path.name} was rejected:\n" +
                               "\n".join(p.message() for p in report.errors[:20]))
    return reports
