"""`python -m loaders units …`: templates, ingest and show of the units below the county, their annual tasks and
their reports to a ledger — thin wrappers over loaders/units.py. Rollback and history are the statistics' own
commands. The ranking is `python -m indicators units ranking` (loaders never import the indicator engine)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from loaders import audit, unit_measures, units
from loaders import regions as regions_mod
from loaders.cells import show
from loaders.cli_parts import db_option, subcommand
from loaders.settings import database_url
from loaders.store import Store

EXIT_OK, EXIT_FAILED, EXIT_REJECTED = 0, 1, 2
INGEST = {"ingest": units.ingest_units, "tasks": units.ingest_tasks, "reports": units.ingest_reports}


def cmd_load(args) -> int:
    store = Store(database_url(args.db))
    store.create_schema()
    reports = []
    for path in args.paths:
        report = INGEST[args.action](path, store, user=args.user, dry_run=args.dry_run, note=args.note)
        report.errors = [p.for_cli() for p in report.errors]
        reports.append(report)
        if report.status in ("committed", "rejected"):
            audit.record(store, "upload", user=args.user, outcome=audit.OK if report.ok else audit.FAILED,
                         target=report.upload_id or report.file,
                         detail=f"CLI {units.WHAT[report.kind]} {report.file} {report.status}")
        if not args.json:
            print(units.describe(report))
    if args.json:
        out = [r.as_dict() for r in reports]
        print(json.dumps(out[0] if len(out) == 1 else out, ensure_ascii=False, indent=2, default=str))
    return EXIT_REJECTED if any(r.status == "rejected" for r in reports) else EXIT_OK


HELP = {
    "ingest": ("导入下辖单位名单（单位类别、所属县区、单位名称、别名）；一个县区的名单整体替换上一版",
               "python -m loaders units ingest 成县下辖单位.xlsx --dry-run"),
    "tasks": ("导入单位年度任务（年度、县区、单位名称、任务指标、任务值）；任务指标见 data/unit_measures.toml",
              "python -m loaders units tasks 2026年招商任务.csv"),
    "reports": ("导入单位上报记录（台账、截至日期、县区、单位名称）：本期无事项但已上报的单位",
                "python -m loaders units reports 招商上报_2026-10-31.csv"),
}


TEMPLATES = {"units": units.UNITS, "tasks": units.TASKS, "reports": units.REPORTS}
LOADED_BY = {"units": "ingest", "tasks": "tasks", "reports": "reports"}  # the command that loads a filled template


def cmd_template(args) -> int:
    upload = TEMPLATES[args.which]
    out = Path(args.out or f"{units.WHAT[upload]}模板.csv")
    out.write_bytes(units.template_csv(upload))
    print(f"已生成 {out}（{units.WHAT[upload]}的表头；逐行填写后用 python -m loaders units {LOADED_BY[args.which]} 导入）")
    return EXIT_OK


def cmd_show(args) -> int:
    store = Store(database_url(args.db))
    store.create_schema()
    regions = regions_mod.default()
    codes = None
    if args.county:
        code = regions.resolve(args.county)
        if code is None:
            print(f"错误：--county “{args.county}” 不是县区名称或代码（如 礼县 / 621226）", file=sys.stderr)
            return EXIT_FAILED
        codes = [code]
    listed, tasks = store.units(codes), store.unit_tasks(years=[args.year] if args.year else None, regions=codes)
    if args.json:
        print(json.dumps({"units": listed.to_dict("records"), "tasks": tasks.to_dict("records")},
                         ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    if listed.empty:
        print("没有下辖单位（python -m loaders units ingest 导入单位名单）")
        return EXIT_OK
    by_unit = {(r.region_code, r.unit_name): [] for r in tasks.itertuples(index=False)}
    for r in tasks.itertuples(index=False):
        m = unit_measures.default()[r.measure] if r.measure in unit_measures.default() else None
        by_unit[(r.region_code, r.unit_name)].append(f"{r.year}年{m.name_zh if m else r.measure} {show(r.value)}"
                                                     f"{m.unit if m else ''}")
    for (region, kind), part in listed.groupby(["region_code", "unit_kind"], sort=False):
        print(f"{regions[region].name} · {units.kind_name(kind)}（上传#{part['upload_id'].iloc[0]}）")
        for r in part.itertuples(index=False):
            alias = f"（别名 {r.aliases}）" if r.aliases else ""
            task = "；".join(by_unit.get((region, r.name), [])) or "无任务"
            print(f"  {r.name}{alias}：{task}")
    return EXIT_OK


def register(sub) -> None:
    """Add `units` and its commands to the top-level parser's subparsers."""
    p = sub.add_parser("units", help="下辖单位（乡镇街道、县直部门、市直部门、招商小分队）：名单、年度任务、上报记录",
                       description="下辖单位的名单、年度任务和上报记录；排名见 python -m indicators units ranking",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="例：python -m loaders units ingest 下辖单位.csv\n"
                              "    python -m loaders units tasks 2026年任务.csv\n"
                              "撤销一次上传：python -m loaders rollback 上传编号")
    inner = p.add_subparsers(title="commands")
    for action, (text, example) in HELP.items():
        sp = subcommand(inner, action, cmd_load, text, example, action=action)
        sp.add_argument("paths", nargs="+", metavar="FILE")
        sp.add_argument("--user", default="cli", help="上传人（记入审计记录）")
        sp.add_argument("--dry-run", action="store_true", help="只校验并报告将发生的变化，不写入")
        sp.add_argument("--note", default="", help="说明，记入上传记录")
        sp.add_argument("--json", action="store_true", help="输出 JSON 摘要")
    sp = inner.add_parser("template", help="生成上传用的表头（CSV）：units 单位名单 | tasks 年度任务 | reports 上报记录",
                          description="生成上传用的表头（CSV，Excel 可直接打开）",
                          epilog="例：python -m loaders units template tasks --out 2026年任务.csv",
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    sp.add_argument("which", choices=list(TEMPLATES), metavar="WHICH", help="units | tasks | reports")
    sp.add_argument("--out", help="输出文件（默认 <名称>模板.csv）")
    db_option(sp)
    sp.set_defaults(func=cmd_template)
    sp = inner.add_parser("show", help="列出当前的下辖单位及其年度任务", description="列出当前的下辖单位（别名）及其年度任务",
                          epilog="例：python -m loaders units show --county 成县 --year 2026",
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    sp.add_argument("--county", help="只看一个县区（名称或6位代码）")
    sp.add_argument("--year", type=int, help="任务年度（默认全部）")
    sp.add_argument("--json", action="store_true", help="输出 JSON")
    db_option(sp)
    sp.set_defaults(func=cmd_show)
