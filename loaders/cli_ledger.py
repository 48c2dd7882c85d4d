"""`python -m loaders ledger …`: ingest, template, show and kinds of the ledgers (台账) — thin wrappers over
loaders/ledger_ingest.py, loaders/ledger_templates.py and Store.ledger_snapshot. Rollback and history are the
statistics' own commands (`python -m loaders rollback ID`, `history`): a ledger upload is an upload."""

from __future__ import annotations

import argparse
import functools
import json
import sys
from pathlib import Path

import pandas as pd

from loaders import audit, ledger_kinds, ledger_rollup, ledger_templates
from loaders import catalogue as catalogue_mod
from loaders import regions as regions_mod
from loaders.cells import period_label
from loaders.cli_parts import subcommand
from loaders.ledger_ingest import LedgerReport, as_of_day, ingest_ledger
from loaders.settings import database_url
from loaders.store import Store

EXIT_OK, EXIT_FAILED, EXIT_REJECTED = 0, 1, 2
SOURCE_ZH = {"title": "标题", "column": "“截至日期”列", "option": "--as-of"}
MAX_ROLLED_UP_LISTED = 30


def _store(args) -> Store:
    store = Store(database_url(args.db))
    store.create_schema()
    return store


def cmd_ingest(args) -> int:
    store = _store(args)
    reports = []
    for path in args.paths:
        report = ingest_ledger(path, store, kind=args.kind, as_of=args.as_of, user=args.user, dry_run=args.dry_run,
                               note=args.note)
        report.errors = [p.for_cli() for p in report.errors]
        report.warnings = [p.for_cli() for p in report.warnings]
        reports.append(report)
        if report.status in ("committed", "rejected"):
            audit.record(store, "upload", user=args.user, outcome=audit.OK if report.ok else audit.FAILED,
                         target=report.upload_id or report.file,
                         detail=f"CLI 台账 {report.ledger or '?'} {report.file} {report.status}")
        if not args.json:
            print(summary(report))
    if args.json:
        out = [r.as_dict() for r in reports]
        print(json.dumps(out[0] if len(out) == 1 else out, ensure_ascii=False, indent=2, default=str))
    return EXIT_REJECTED if any(r.status == "rejected" for r in reports) else EXIT_OK


def rolled_up_lines(rolled: pd.DataFrame | None) -> list[str]:
    """“= 礼县 拖欠民营中小企业账款已清偿额 2026年1-10月 3,512.0万元”: the county values the snapshot fills."""
    if rolled is None or rolled.empty:
        return []
    regions, cat = regions_mod.default(), catalogue_mod.default()
    lines = ["  汇总到县区指标（以台账汇总为当期值）："]
    for row in rolled.head(MAX_ROLLED_UP_LISTED).itertuples(index=False):
        ind = cat[row.indicator]
        name = regions[row.region_code].name if row.region_code in regions else row.region_code
        lines.append(f"  = {name} {ind.name_zh} {period_label(row.period)} {ledger_rollup.value_text(row.value, ind.unit)}")
    if len(rolled) > MAX_ROLLED_UP_LISTED:
        lines.append(f"  … 另有 {len(rolled) - MAX_ROLLED_UP_LISTED} 个数值（--json 查看全部）")
    return lines


def summary(r: LedgerReport) -> str:
    head = {"committed": "已导入", "dry_run": "试导入（未写入）", "duplicate": "未重复导入", "rejected": "已拒绝"}[r.status]
    name = f"{r.ledger_name}，" if r.ledger_name else ""
    lines = [f"{r.file}：{head}"]
    if r.status == "duplicate":
        lines.append(f"  与第 {r.duplicate_of} 次上传的文件完全相同（sha256 {r.sha256[:12]}…），库中数据不变")
        return "\n".join(lines)
    as_of = f"截至 {r.as_of}" if r.as_of else "截至日期未知"
    source = f"（取自{SOURCE_ZH[r.as_of_source]}）" if r.as_of_source else ""
    lines.append(f"  {name}{as_of}{source}，编码 {r.encoding or '-'}，读取 {r.rows} 项"
                 + (f"，示例行 {r.examples_skipped} 行已忽略" if r.examples_skipped else ""))
    if r.as_of_source == "title":
        lines.append("  请确认：截至日期取自标题；如有误请改正标题或用 --as-of 指定")
    if r.status == "rejected":
        lines.append(f"  发现 {len(r.errors)} 个错误，整份文件未写入（库中数据不变）：")
        lines += [f"  ✗ {p.message()}" for p in r.errors]
    else:
        upload = f"上传编号 {r.upload_id}，" if r.upload_id else ""
        lines.append(f"  {upload}新增 {r.inserted} 项，修改 {r.revised} 项，未变 {r.unchanged} 项"
                     + (f"，上一版有而本次没有 {r.dropped} 项" if r.dropped else ""))
        if r.revisions is not None and len(r.revisions):
            for row in r.revisions.head(20).itertuples(index=False):
                lines.append(f"  ↻ {row.region_code} {row.item_id} {row.column}：{row.old_value or '（空）'} → "
                             f"{row.new_value or '（空）'}")
            if len(r.revisions) > 20:
                lines.append(f"  … 另有 {len(r.revisions) - 20} 处修改（--json 查看全部）")
        lines += rolled_up_lines(r.rolled_up)
    if r.warnings:
        lines.append(f"  {len(r.warnings)} 条提示（不影响导入）：")
        lines += [f"  ! {p.message()}" for p in r.warnings[:50]]
    return "\n".join(lines)


def cmd_template(args) -> int:
    out = Path(args.out or f"{ledger_kinds.default()[args.kind].name_zh}模板.xlsx")
    data = (ledger_templates.template_csv(args.kind) if out.suffix.lower() == ".csv"
            else ledger_templates.template_xlsx(args.kind))
    out.write_bytes(data)
    print(f"已生成 {out}（{ledger_kinds.default()[args.kind].name_zh}模板；第1行标题请填写截至日期，示例行上传时自动忽略）")
    return EXIT_OK


def cmd_show(args) -> int:
    store = _store(args)
    kind = ledger_kinds.default()[args.kind]
    as_of = None
    if args.as_of:
        as_of = as_of_day(args.as_of)
    regions = None
    if args.region:
        code = regions_mod.default().resolve(args.region)
        if code is None:
            print(f"错误：--region “{args.region}” 不是县区名称或代码（如 礼县 / 621226）", file=sys.stderr)
            return EXIT_FAILED
        regions = [code]
    df = store.ledger_snapshot(kind.code, as_of, regions)
    if args.json:
        print(df.to_json(orient="records", force_ascii=False, date_format="iso", indent=2))
        return EXIT_OK
    when = f"截至 {as_of}" if as_of else "最新"
    if df.empty:
        print(f"{kind.name_zh}（{when}）：没有已导入的事项")
        return EXIT_OK
    parts = df.groupby(["region_code", "as_of", "upload_id"]).size().reset_index(name="n")
    print(f"{kind.name_zh}（{when}）：{len(df)} 项，来自 " + "；".join(
        f"{r.region_code} 截至{r.as_of:%Y-%m-%d} 上传#{r.upload_id} {r.n}项" for r in parts.itertuples()))
    titles = {"region_code": "县区代码", "item_id": kind["item_id"].header,
              **{c.code: c.title for c in kind.field_columns}}
    shown = df[list(titles)].rename(columns=titles)
    with pd.option_context("display.max_rows", 500, "display.max_columns", 50, "display.width", 200):
        print(shown.to_string(index=False))
    return EXIT_OK


def cmd_kinds(args) -> int:
    for k in ledger_kinds.default():
        cols = "、".join(("*" if c.required else "") + c.title for c in k.columns)
        print(f"{k.code}  {k.name_zh}（汇总到 {', '.join(k.rolls_up)}）\n    {cols}")
    return EXIT_OK


def register(sub) -> None:
    """Add `ledger` and its commands to the top-level parser's subparsers."""
    codes = ledger_kinds.default().codes
    p = sub.add_parser("ledger", help="台账：导入、模板、查看（清欠、投诉线索、招商引资、重点项目、“四上”培育）",
                       description="台账（逐项事项的清单）：导入、下载模板、查看某日的快照",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="例：python -m loaders ledger template arrears --out 清欠台账.xlsx\n"
                              "    python -m loaders ledger ingest 清欠台账.xlsx --dry-run\n"
                              "撤销一次台账上传：python -m loaders rollback 上传编号")
    inner = p.add_subparsers(title="commands")

    add = functools.partial(subcommand, inner)

    sp = add("ingest", cmd_ingest, "校验并导入台账文件（CSV/GBK/xlsx）；截至日期取自标题、“截至日期”列或 --as-of",
             "python -m loaders ledger ingest 清欠台账_截至2026-10-31.xlsx --kind arrears --dry-run")
    sp.add_argument("paths", nargs="+", metavar="FILE")
    sp.add_argument("--kind", choices=codes, help="台账类型（默认按表头识别）")
    sp.add_argument("--as-of", help="截至日期，如 2026-10-31（文件未写明时必填）")
    sp.add_argument("--user", default="cli", help="上传人（记入审计记录）")
    sp.add_argument("--dry-run", action="store_true", help="只校验并报告将发生的变化，不写入")
    sp.add_argument("--note", default="", help="说明，记入上传记录；改变已关库期间的数值时须写明更正原因")
    sp.add_argument("--json", action="store_true", help="输出 JSON 摘要")

    sp = add("template", cmd_template, "生成台账的上传模板（.xlsx，或 --out 以 .csv 结尾时为 CSV）",
             "python -m loaders ledger template arrears --out 清欠台账.xlsx")
    sp.add_argument("kind", choices=codes, metavar="KIND", help=f"台账类型：{'、'.join(codes)}")
    sp.add_argument("--out", help="输出文件（默认 <台账名>模板.xlsx）")

    sp = add("show", cmd_show, "显示台账某日的快照（各县区截至该日最新的一次上传）",
             "python -m loaders ledger show arrears --as-of 2026-10-31")
    sp.add_argument("kind", choices=codes, metavar="KIND", help=f"台账类型：{'、'.join(codes)}")
    sp.add_argument("--as-of", help="截至日期，如 2026-10-31（默认最新）")
    sp.add_argument("--region", help="只看一个县区（名称或6位代码，如 礼县 / 621226）")
    sp.add_argument("--json", action="store_true", help="输出 JSON")

    add("kinds", cmd_kinds, "列出台账类型及其列（data/ledgers.toml）", "python -m loaders ledger kinds")
