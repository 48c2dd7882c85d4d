"""`python -m loaders units …` and `python -m indicators units ranking` as a bureau clerk uses them: a rejected
file's exit code and message, the uploads, and the ranking printed with its 未破零 / 未上报 / 无任务 lists."""

import json
import subprocess
import sys

from conftest import ROOT


def run(module, *args, db):
    return subprocess.run([sys.executable, "-m", module, *args, "--db", db], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_units_tasks_ledger_and_ranking(tmp_path):
    db = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    files = {
        "units.csv": "单位类别,所属县区,单位名称,别名\n招商小分队,礼县,招商一组,一组\n招商小分队,礼县,招商二组,二组\n"
                     "招商小分队,礼县,招商三组,\n招商小分队,礼县,招商四组,\n",
        "bad_tasks.csv": "年度,县区,单位名称,任务指标,任务值\n2026,礼县,招商五组,到位资金,100\n",
        "tasks.csv": "年度,县区,单位名称,任务指标,任务值\n2026,礼县,一组,到位资金,1000\n2026,礼县,二组,到位资金,2000\n"
                     "2026,礼县,招商三组,到位资金,500\n",
        "inv.csv": "县区,项目编号,项目名称,责任单位,签约日期,合同金额,到位资金,省外资金,项目进度\n"
                   "礼县,L1,甲,一组,2026-03-01,9000,500,是,开工\n礼县,L2,乙,二组,2026-04-01,9000,1000,否,签约\n"
                   "礼县,L3,丙,招商四组,,100,20,否,洽谈\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    template = tmp_path / "units.csv"  # the template's header row, filled in below it
    assert run("loaders", "units", "template", "units", "--out", str(template), db=db).returncode == 0
    head, rows = template.read_bytes(), files["units.csv"].split("\n", 1)[1]
    assert head.decode("utf-8-sig").strip() == "单位类别,所属县区,单位名称,别名"
    template.write_bytes(head + rows.encode("utf-8"))
    r = run("loaders", "units", "ingest", str(template), db=db)
    assert r.returncode == 0 and "新增 4" in r.stdout, r.stdout + r.stderr
    r = run("loaders", "units", "tasks", str(tmp_path / "bad_tasks.csv"), db=db)
    assert r.returncode == 2
    assert "值“招商五组”：礼县没有名为“招商五组”的单位。处理办法：礼县的单位有：招商一组、招商二组、招商三组、招商四组" in r.stdout
    assert run("loaders", "units", "tasks", str(tmp_path / "tasks.csv"), db=db).returncode == 0
    r = run("loaders", "units", "show", "--county", "礼县", db=db)
    assert r.stdout.splitlines()[1:] == ["  招商一组（别名 一组）：2026年到位资金 1000万元", "  招商二组（别名 二组）：2026年到位资金 2000万元",
                                         "  招商三组：2026年到位资金 500万元", "  招商四组：无任务"], r.stdout
    r = run("loaders", "ledger", "ingest", str(tmp_path / "inv.csv"), "--kind", "investment", "--as-of", "2026-10-31",
            db=db)
    assert r.returncode == 0, r.stdout + r.stderr

    r = run("indicators", "units", "ranking", "--kind", "investment_team", "--measure", "in_place",
            "--as-of", "2026-10-31", "--county", "礼县", db=db)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "到位资金（万元）任务完成排名，截至 2026-10-31",
        "礼县 · 招商小分队",
        "    1 招商一组  完成 500 / 任务 1000  50.0%",
        "    1 招商二组  完成 1000 / 任务 2000  50.0%",
        "  未上报：招商三组",
        "  无任务：招商四组",
    ]
    r = run("indicators", "units", "ranking", "--measure", "in_place", "--as-of", "2026-10-31", "--json", db=db)
    out = json.loads(r.stdout)
    assert [(u["name"], u["state_zh"], u["rank"]) for u in out["units"]] == [
        ("招商一组", "已排名", 1), ("招商二组", "已排名", 1), ("招商三组", "未上报", None), ("招商四组", "无任务", None)]
