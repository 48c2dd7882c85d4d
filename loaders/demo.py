"""Load the simulated demo province (data/demo, listed in manifest.toml) through the normal ingest path."""

import tomllib
from pathlib import Path

from loaders.ingest import IngestReport, Progress, ingest
from loaders.settings import DATA_DIR
from loaders.store import Store

DEMO_DIR = DATA_DIR / "demo"
DEMO_USER = "demo"


def manifest(demo_dir: Path = DEMO_DIR) -> list[dict]:
    """The demo files in load order: [{path, kind, format, description}, …]."""
    raw = tomllib.loads((demo_dir / "manifest.toml").read_text(encoding="utf-8"))
    return raw["file"]


def load(store: Store, demo_dir: Path = DEMO_DIR, progress: Progress | None = None,
         on_file=None) -> list[IngestReport]:
    """Ingest every demo file in order, marked simulated. Files already loaded are no-ops."""
    store.create_schema()
    reports = []
    for entry in manifest(demo_dir):
        path = demo_dir / entry["path"]
        if on_file:
            on_file(path)
        report = ingest(path, store, user=DEMO_USER, simulated=True, note="模拟数据（演示）", progress=progress)
        reports.append(report)
        if not report.ok:
            raise RuntimeError(f"demo file {path.name} was rejected:\n" +
                               "\n".join(p.message() for p in report.errors[:20]))
    return reports
