"""Killing the process in the middle of an ingest leaves the store exactly as it was."""

import os
import signal
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from conftest import FILES, ROOT
from loaders import catalogue, regions
from loaders.ingest import CHUNK_ROWS
from loaders.store import Store


def big_file(path, min_rows):
    """A valid long CSV for every Gansu region and series, year after year until min_rows."""
    codes = [r.code for lvl in ("county", "prefecture") for r in regions.default().of_level(lvl)]
    series = [(i.code, m, i.months) for i in catalogue.default() if i.value_type != "derived" for m in i.measures]
    rng = np.random.default_rng(7)
    blocks, n, year = [], 0, 2010
    while n < min_rows:
        for code, measure, months in series:
            for month in months:
                v = np.round(rng.uniform(1, 9, len(codes)), 1) if measure != "cum_level" else \
                    np.round(1000.0 * month + rng.uniform(0, 50, len(codes)), 1)
                blocks.append(pd.DataFrame({"region_code": codes, "period": f"{year}-{month:02d}", "indicator": code,
                                            "measure": measure, "value": v}))
                n += len(codes)
        year += 1
    pd.concat(blocks).to_csv(path, index=False)


@pytest.mark.slow
def test_kill_during_write_leaves_store_unchanged(tmp_path):
    db = tmp_path / "crash.duckdb"
    url = f"duckdb:///{db}"
    store = Store(url)
    store.create_schema()
    from loaders.ingest import ingest

    assert ingest(FILES / "good_long.csv", store).status == "committed"
    before = store.export()
    store.dispose()

    path = tmp_path / "big.csv"
    big_file(path, 2 * CHUNK_ROWS + 50_000)
    proc = subprocess.Popen([sys.executable, "-m", "loaders", "ingest", str(path), "--db", url],
                            cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env=os.environ | {"PYTHONUNBUFFERED": "1"})
    seen = []
    for line in proc.stderr:
        seen.append(line.strip())
        if f"写入 {CHUNK_ROWS}/" in line:  # the first chunk is in, more are coming, nothing committed
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, seen

    store = Store(url)
    pd.testing.assert_frame_equal(store.export(), before)
    assert len(store.uploads()) == 1
    # and the store still works: the same file loads completely afterwards
    report = ingest(path, store)
    assert report.status == "committed" and report.inserted == report.rows
    store.dispose()
