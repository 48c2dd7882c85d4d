"""The CLI as a bureau statistician uses it: exit codes, messages naming file/row/value/fix, export round trip."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from conftest import FILES, ROOT
from loaders.settings import DATA_DIR

DEMO = DATA_DIR / "demo"


def run(*args, db):
    return subprocess.run([sys.executable, "-m", "loaders", *args, "--db", db], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def db(tmp_path):
    return f"duckdb:///{tmp_path / 'cli.duckdb'}"


def test_ingest_json_summary_and_export_round_trip(db):
    r = run("ingest", str(FILES / "good_long.csv"), "--json", "--user", "张三", db=db)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert {k: summary[k] for k in ("status", "rows", "inserted", "revised", "unchanged")} == \
        {"status": "committed", "rows": 12, "inserted": 12, "revised": 0, "unchanged": 0}
    assert summary["upload_id"] == 1 and summary["warnings"] == [] and summary["errors"] == []
    out = run("export", db=db)
    exported = pd.read_csv(pd.io.common.StringIO(out.stdout), dtype={"region_code": str})
    assert list(exported.columns) == ["region_code", "period", "indicator", "measure", "value"]
    assert len(exported) == 12
    row = exported[(exported.region_code == "621202") & (exported.indicator == "RETAIL") &
                   (exported.measure == "cum_level")]
    assert row.value.item() == 402000.5


def test_rejected_file_exits_2_with_every_error_named(db):
    r = run("ingest", str(FILES / "bad" / "duplicate_key.csv"), str(FILES / "bad" / "bad_number.csv"), db=db)
    assert r.returncode == 2
    assert "duplicate_key.csv 第4行" in r.stdout and "与第2行重复" in r.stdout
    assert "bad_number.csv 第3行" in r.stdout and "“12..5”" in r.stdout and "处理办法" in r.stdout
    assert "整份文件未写入" in r.stdout
    assert run("export", db=db).stdout.strip() == "region_code,period,indicator,measure,value"


def test_history_and_rollback(db):
    run("ingest", str(FILES / "good_long.csv"), db=db)
    text = (FILES / "good_long.csv").read_text(encoding="utf-8").replace("402000.5", "402100.0")
    revised = FILES.parent / "output" / "revised_for_cli.csv"
    revised.parent.mkdir(exist_ok=True)
    revised.write_text(text, encoding="utf-8")
    refused = run("ingest", str(revised), db=db)  # 2026-08 is closed: a correction needs its reason
    assert refused.returncode == 2 and "统计关库" in refused.stdout and "--note" in refused.stdout
    r = run("ingest", str(revised), "--note", "企业更正", db=db)
    assert "修订 1" in r.stdout and "402000.5 → 402100" in r.stdout
    again = run("ingest", str(revised), "--note", "企业更正", db=db)
    assert again.returncode == 0 and "完全相同" in again.stdout
    h = json.loads(run("history", "--json", db=db).stdout)
    assert [u["id"] for u in h] == [2, 1]
    rb = run("rollback", "2", "--user", "李四", db=db)
    assert rb.returncode == 0 and "已撤销上传 #2" in rb.stdout
    assert "402000.5" in run("export", "--region", "621202", "--indicator", "RETAIL", db=db).stdout
    assert "已撤销" in run("history", db=db).stdout
    assert run("rollback", "2", db=db).returncode == 1


def test_every_subcommand_has_help_with_an_example():
    for cmd in ("ingest", "export", "history", "rollback", "demo"):
        r = subprocess.run([sys.executable, "-m", "loaders", cmd, "--help"], cwd=ROOT, capture_output=True, text=True)
        assert r.returncode == 0 and "例：python -m loaders" in r.stdout and "--db" in r.stdout


@pytest.mark.slow
def test_demo_loads_and_each_example_file_is_accepted(db, tmp_path):
    r = run("demo", db=db)
    assert r.returncode == 0, r.stderr
    assert "演示数据（模拟数据）已就绪" in r.stdout
    h = json.loads(run("history", "--json", db=db).stdout)
    assert all(u["status"] == "committed" and u["simulated"] for u in h)
    # the wide sheets restate values already loaded from the long files: nothing changes
    by_file = {u["file_name"]: u for u in h}
    for name in ("月报_2026年1-10月_陇南市.csv", "月报_2026年1-9月_陇南市.xlsx", "分月_2026年_陇南市.xlsx"):
        assert by_file[name]["inserted"] == 0 and by_file[name]["revised"] == 0, by_file[name]
    # each example file, into a fresh store, is accepted by `ingest`
    fresh = f"duckdb:///{tmp_path / 'fresh.duckdb'}"
    for name in ("observations_2026.csv", "月报_2026年1-10月_陇南市.csv", "月报_2026年1-9月_陇南市.xlsx",
                 "分月_2026年_陇南市.xlsx", "targets_2026.csv"):
        assert run("ingest", str(DEMO / name), "--note", "演示", db=fresh).returncode == 0, name


@pytest.mark.slow
def test_export_returns_the_values_the_long_file_holds(db):
    run("ingest", str(DEMO / "observations_2025.csv"), db=db)
    out = run("export", db=db).stdout
    exported = pd.read_csv(pd.io.common.StringIO(out), dtype={"region_code": str})
    source = pd.read_csv(DEMO / "observations_2025.csv", dtype={"region_code": str})
    key = ["region_code", "period", "indicator", "measure"]
    merged = source.merge(exported, on=key, suffixes=("_file", "_store"), how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["value_file"] - merged["value_store"]).abs().max() < 1e-9
