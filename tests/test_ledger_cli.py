"""`python -m loaders ledger …` as a bureau clerk uses it: template, dry run, ingest, show, rollback; exit codes and
messages naming row, value and fix."""

import json
import subprocess
import sys

import openpyxl

from conftest import ROOT
from loaders import audit
from loaders.store import Store


def run(*args, db, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "loaders", *args, "--db", db], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_template_fill_dry_run_ingest_show_and_rollback(tmp_path):
    db = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    out = tmp_path / "清欠台账.xlsx"
    r = run("ledger", "template", "arrears", "--out", str(out), db=db)
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    for j, v in enumerate([1, "礼县", "LX-001", "县交通局", "乙公司", 3900.5, "无分歧", 1200, None, "交办", "国家平台转办"], 1):
        ws.cell(4, j, v)
    wb.save(out)

    r = run("ledger", "ingest", str(out), "--dry-run", db=db)
    assert r.returncode == 2  # the title still says （截至    年  月  日）
    assert "未注明台账的截至日期。处理办法：请在标题行写明截至日期（如“截至2026年10月31日”），或用 --as-of 2026-10-31 指定" in r.stdout

    r = run("ledger", "ingest", str(out), "--as-of", "2026-10-31", "--dry-run", "--json", db=db)
    assert r.returncode == 0, r.stdout + r.stderr
    preview = json.loads(r.stdout)
    assert {k: preview[k] for k in ("status", "ledger", "as_of", "as_of_source", "rows", "inserted")} == \
        {"status": "dry_run", "ledger": "arrears", "as_of": "2026-10-31", "as_of_source": "option", "rows": 1,
         "inserted": 1}
    assert sorted((v["region_code"], v["period"], v["indicator"], v["value"]) for v in preview["rolled_up"]) == [
        ("621226", "2026-10", "ARREARS_OWED", 3900.5), ("621226", "2026-10", "ARREARS_PAID", 1200.0)]

    r = run("ledger", "ingest", str(out), "--as-of", "2026-10-31", "--user", "张三", db=db)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "清欠台账，截至 2026-10-31（取自--as-of）" in r.stdout and "上传编号 1，新增 1 项" in r.stdout
    assert "  = 礼县 拖欠民营中小企业账款已清偿额 2026年1-10月 1,200.0万元" in r.stdout.splitlines()

    r = run("ledger", "show", "arrears", "--json", db=db)
    items = json.loads(r.stdout)
    assert [(i["region_code"], i["item_id"], i["owed"], i["repaid"], i["disputed"]) for i in items] == \
        [("621226", "LX-001", 3900.5, 1200.0, False)]
    r = run("ledger", "show", "arrears", "--region", "礼县", db=db)
    assert "清欠台账（最新）：1 项，来自 621226 截至2026-10-31 上传#1 1项" in r.stdout and "乙公司" in r.stdout
    r = run("ledger", "show", "arrears", "--as-of", "2026-10-30", db=db)
    assert "没有已导入的事项" in r.stdout

    store = Store(db)
    logged = audit.entries(store, action="upload")
    assert [(e.user_name, e.outcome, e.target) for e in logged.itertuples()] == [
        ("张三", "ok", "1"), ("cli", "failed", "清欠台账.xlsx")]  # the rejected try is audited too; dry runs are not
    assert "台账 arrears" in logged.detail[0]
    store.dispose()

    r = run("history", "--json", db=db)
    assert [(u["kind"], u["format"]) for u in json.loads(r.stdout)] == [("ledger", "ledger_arrears")]
    r = run("rollback", "1", "--user", "张三", db=db)
    assert r.returncode == 0, r.stderr
    assert json.loads(run("ledger", "show", "arrears", "--json", db=db).stdout) == []


def test_a_bad_file_exits_2_naming_row_value_and_fix(tmp_path):
    db = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    bad = tmp_path / "清欠.csv"
    bad.write_text("清欠台账（截至2026年10月31日）\n县区,台账编号,拖欠主体,债权企业,拖欠金额（万元）,是否有分歧,已清偿金额（万元）,"
                   "办理状态,线索来源\n礼县,LX-1,县交通局,乙公司,\"3,900.5\",无分歧,\"5,200.0\",交办,企业投诉\n",
                   encoding="gbk")
    r = run("ledger", "ingest", str(bad), db=db)
    assert r.returncode == 2
    assert "第3行 “已清偿金额(万元)”列 值“5,200.0”：大于拖欠金额“3,900.5”，已清偿不能超过拖欠金额" in r.stdout
    assert "整份文件未写入（库中数据不变）" in r.stdout


def test_every_ledger_subcommand_has_help_with_an_example():
    for cmd in ("ingest", "template", "show", "kinds"):
        r = subprocess.run([sys.executable, "-m", "loaders", "ledger", cmd, "--help"], cwd=ROOT, capture_output=True,
                           text=True)
        assert r.returncode == 0 and f"例：python -m loaders ledger {cmd}" in r.stdout and "--db" in r.stdout
