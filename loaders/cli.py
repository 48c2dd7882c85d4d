"""`python -m loaders`: ingest, export, history, rollback, demo, users, ledger, units — thin wrappers over the library."""

import argparse
import functools
import json
import os
import sys

from loaders import audit, cli_ledger, cli_units, clock, demo, redis_link, units, users
from loaders.cells import period as parse_period
from loaders.cells import period_label, show
from loaders.cli_parts import subcommand
from loaders.ingest import IngestReport
from loaders.ledger_ingest import LedgerReport
from loaders.settings import database_url
from loaders.store import Store
from loaders.upload_ingest import ingest_upload

EXIT_OK, EXIT_FAILED, EXIT_REJECTED = 0, 1, 2
STAGES = {"read": "读取", "validate": "校验", "stage": "暂存", "write": "写入", "commit": "提交"}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not getattr(args, "func", None):
        _parser().print_help()
        return EXIT_FAILED
    try:
        if getattr(args, "today", None):  # the clock is an input: every clock.today() of this run sees the day
            os.environ[clock.ENV] = f"{clock.parse_day(args.today, '--today')}"
        return args.func(args)
    except (LookupError, ValueError) as exc:  # AccountError and ClockError are ValueErrors
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_FAILED


def _store(args) -> Store:
    store = Store(database_url(args.db))
    store.create_schema()
    return store


# ------------------------------------------------------------------ ingest

def cmd_worker(args) -> int:
    """Run the background jobs of the store's queue (loaders/jobs.py) until stopped."""
    from loaders import jobs

    url = database_url(args.db)
    print(f"后台任务进程已启动：队列 {jobs.queue_name(url)}（{redis_link.safe_url(redis_link.url() or '')}）",
          file=sys.stderr, flush=True)
    jobs.work(url, burst=args.burst)
    return EXIT_OK


def cmd_ingest(args) -> int:
    store = _store(args)
    period = None
    if args.period:
        period = parse_period(args.period)
        if period is None:
            print(f"错误：--period “{args.period}” 无法识别，应为 2026-06 或 2026年1-6月", file=sys.stderr)
            return EXIT_FAILED
    reports = []
    for path in args.paths:
        with _progress(path) as progress:
            report = ingest_upload(path, store, user=args.user, period=period, as_of=args.as_of,
                                   dry_run=args.dry_run, note=args.note, progress=progress)
        report.errors = [p.for_cli() for p in report.errors]  # flags, not the web form's fields
        report.warnings = [p.for_cli() for p in report.warnings]
        reports.append(report)
        if report.status in ("committed", "rejected"):
            audit.record(store, "upload", user=args.user, outcome=audit.OK if report.ok else audit.FAILED,
                         target=report.upload_id or report.file, detail=f"CLI {report.file} {report.status}")
        if not args.json:
            print(describe(report))
    if args.json:
        out = [_json_summary(r) for r in reports]
        print(json.dumps(out[0] if len(out) == 1 else out, ensure_ascii=False, indent=2, default=str))
    return EXIT_REJECTED if any(r.status == "rejected" for r in reports) else EXIT_OK


def describe(r: IngestReport) -> str:
    """A report as the command line prints it: a ledger's and a units upload's in their own words."""
    if isinstance(r, LedgerReport):
        return cli_ledger.summary(r)
    if isinstance(r, units.UnitsReport):
        return units.describe(r)
    return _summary(r)


def _json_summary(r: IngestReport) -> dict:
    d = r.as_dict()
    d["warnings"] = [p.as_dict() for p in r.warnings]
    d["errors"] = [p.as_dict() for p in r.errors]
    return d


HEADLINES = {"committed": "已导入", "dry_run": "试导入（未写入）", "duplicate": "未重复导入", "rejected": "已拒绝"}


def _headline(r: IngestReport) -> str:
    return f"{r.file}：{HEADLINES[r.status]}"


def _summary(r: IngestReport) -> str:
    lines = [_headline(r)]
    if r.status == "duplicate":
        lines.append(f"  与第 {r.duplicate_of} 次上传的文件完全相同（sha256 {r.sha256[:12]}…），库中数据不变")
        return "\n".join(lines)
    lines.append(f"  格式 {r.format}，编码 {r.encoding or '-'}，期间 {_periods(r.periods)}，读取 {r.rows} 个数值")
    if r.period_source == "title":
        lines.append(f"  请确认：期间取自标题 → {_periods(r.periods)}；如有误请用 --period 指定")
    elif r.period_source == "file_name":
        lines.append(f"  请确认：表中没有标题行，期间取自文件名 → {_periods(r.periods)}；如有误请用 --period 指定")
    if r.status == "rejected":
        lines.append(f"  发现 {len(r.errors)} 个错误，整份文件未写入（库中数据不变）：")
        lines += [f"  ✗ {p.message()}" for p in r.errors]
    else:
        upload = f"上传编号 {r.upload_id}，" if r.upload_id else ""
        lines.append(f"  {upload}新增 {r.inserted}，修订 {r.revised}，未变 {r.unchanged}")
        if r.revisions is not None and len(r.revisions):
            key = "measure" if "measure" in r.revisions else "kind"
            for row in r.revisions.head(20).itertuples(index=False):
                lines.append(f"  ↻ {row.region_code} {row.period} {row.indicator} {getattr(row, key)}："
                             f"{show(row.old_value)} → {show(row.new_value)}")
            if len(r.revisions) > 20:
                lines.append(f"  … 另有 {len(r.revisions) - 20} 处修订（--json 查看全部）")
    if r.warnings:
        lines.append(f"  {len(r.warnings)} 条提示（不影响导入）：")
        lines += [f"  ! {p.message()}" for p in r.warnings[:50]]
        if len(r.warnings) > 50:
            lines.append(f"  … 另有 {len(r.warnings) - 50} 条提示（--json 查看全部）")
    return "\n".join(lines)


def _periods(periods: list[str]) -> str:
    if not periods:
        return "-"
    return periods[0] if len(periods) == 1 else f"{periods[0]}～{periods[-1]}（{len(periods)} 期）"


class _progress:
    """A tqdm bar on a terminal; plain stage lines on stderr otherwise (logs, pipes, tests)."""

    def __init__(self, path: str):
        self.path, self.bar, self.last = path, None, None

    def __enter__(self):
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        if sys.stderr.isatty():
            if stage == "write" and total >= 50_000:
                from tqdm import tqdm

                if self.bar is None:
                    self.bar = tqdm(total=total, desc="写入", unit="行", file=sys.stderr, leave=False)
                self.bar.update(done - self.bar.n)
            return
        line = f"{STAGES.get(stage, stage)} {done}/{total}" if total > 1 else STAGES.get(stage, stage)
        if line != self.last:
            print(f"[{self.path}] {line}", file=sys.stderr, flush=True)
            self.last = line

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()


# ------------------------------------------------------------------ export, history, rollback, demo

def cmd_export(args) -> int:
    store = _store(args)
    df = store.export(period=args.period and parse_period(args.period), region=args.region, indicator=args.indicator)
    df.to_csv(sys.stdout, index=False, lineterminator="\n", float_format="%.10g")
    return EXIT_OK


def cmd_history(args) -> int:
    store = _store(args)
    df = store.uploads(limit=args.limit)
    if args.json:
        print(df.to_json(orient="records", force_ascii=False, date_format="iso", indent=2))
        return EXIT_OK
    if df.empty:
        print("还没有任何上传记录")
        return EXIT_OK
    for r in df.itertuples(index=False):
        status = "已撤销" if r.status == "rolled_back" else "有效"
        sim = "，模拟数据" if r.simulated else ""
        print(f"#{r.id} {r.created_at:%Y-%m-%d %H:%M} {r.user_name} {r.file_name}（{r.format}{sim}）"
              f" 新增{r.inserted} 修订{r.revised} 未变{r.unchanged} 提示{r.warnings} [{status}]")
    return EXIT_OK


def cmd_rollback(args) -> int:
    store = _store(args)
    row = store.rollback(args.upload_id, user=args.user, note=args.note or "")
    audit.record(store, "rollback", user=args.user, target=args.upload_id, detail=f"CLI {args.note or ''}")
    print(f"已撤销上传 #{row['id']}（{row['file_name']}）；其数值不再有效，之前的版本已恢复。历史记录保留。")
    return EXIT_OK


def cmd_demo(args) -> int:
    try:
        demo.check_deployment()
    except demo.DemoRefused as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_FAILED
    store = _store(args)
    print(f"演示数据截至 {period_label(demo.end_month())}（{clock.today()} 已统计关库的最近月份）", file=sys.stderr)
    reports = demo.load(store, on_file=lambda p: print(f"导入 {p.name} …", file=sys.stderr, flush=True))
    for r in reports:  # one line each: statistics, ledgers and units reports alike
        print(_headline(r) + (f"（上传编号 {r.upload_id}）" if r.upload_id else ""))
    print("演示数据（模拟数据）已就绪。")
    return EXIT_OK


# ------------------------------------------------------------------ users

def cmd_users(args) -> int:
    store = _store(args)
    if args.action == "list":
        df = users.accounts(store)
        if df.empty:
            print("还没有用户；添加：python -m loaders users add 张三 --role viewer")
        for r in df.itertuples(index=False):
            state = "已停用" if r.disabled else ("已锁定" if r.locked_until else "正常")
            print(f"{r.name}（{r.display_name}）{users.ROLE_NAMES[r.role]} 范围：{r.scope or '全省'} [{state}]")
        return EXIT_OK
    if not args.name:
        print(f"错误：users {args.action} 需要用户名，例：python -m loaders users {args.action} 张三", file=sys.stderr)
        return EXIT_FAILED
    if args.action in ("disable", "enable"):
        users.set_disabled(store, args.name, args.action == "disable", by=args.by)
        print(f"用户 {args.name} 已{'停用' if args.action == 'disable' else '启用'}")
        return EXIT_OK
    password, generated = _new_password(args)
    if args.action == "add":
        scope = tuple(c.strip() for c in (args.scope or "").split(",") if c.strip())
        users.add(store, args.name, args.role, password, display_name=args.display_name or "", scope=scope, by=args.by)
        print(f"已添加用户 {args.name}（{users.ROLE_NAMES[args.role]}，范围：{','.join(scope) or '全省'}）")
    else:
        users.set_password(store, args.name, password, by=args.by)
        print(f"用户 {args.name} 的密码已更改，锁定已解除")
    if generated:
        print(f"初始密码（只显示这一次，请转交本人）：{password}")
    return EXIT_OK


def _new_password(args) -> tuple[str, bool]:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return users.random_password(), True


# ------------------------------------------------------------------ argument parsing

def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m loaders", description="县域经济监测平台：数据导入与管理",
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="例：python -m loaders ingest data/demo/月报_2026年1-10月_陇南市.csv")
    sub = p.add_subparsers(title="commands")

    add = functools.partial(subcommand, sub)

    sp = add("ingest", cmd_ingest, "校验并导入文件（CSV/GBK/xlsx，长表、月报宽表、分月表、目标表；台账和下辖单位文件按表头识别）",
             "python -m loaders ingest 月报.csv --user 张三 --dry-run")
    sp.add_argument("paths", nargs="+", metavar="PATH")
    sp.add_argument("--period", help="文件没有期间时指定，如 2026-10 或 2026年1-10月")
    sp.add_argument("--as-of", help="台账文件没有截至日期时指定，如 2026-10-31")
    sp.add_argument("--user", default="cli", help="上传人（记入审计记录）")
    sp.add_argument("--dry-run", action="store_true", help="只校验并报告将发生的变化，不写入")
    sp.add_argument("--note", default="", help="更正原因：更正已统计关库的期间时必填，记入上传记录")
    sp.add_argument("--json", action="store_true", help="输出 JSON 摘要")
    _today_option(sp)

    sp = add("export", cmd_export, "把当前有效数值导出为标准长表 CSV（输出到标准输出）",
             "python -m loaders export --period 2026-09 --indicator FAI > fai.csv")
    sp.add_argument("--period")
    sp.add_argument("--region")
    sp.add_argument("--indicator")

    sp = add("history", cmd_history, "列出上传记录（最新在前）", "python -m loaders history --limit 20")
    sp.add_argument("--limit", type=int)
    sp.add_argument("--json", action="store_true")

    sp = add("rollback", cmd_rollback, "撤销一次上传：其数值不再有效，恢复之前的版本（历史保留）",
             "python -m loaders rollback 12 --user 张三 --note 误传")
    sp.add_argument("upload_id", type=int, metavar="UPLOAD_ID")
    sp.add_argument("--user", default="cli")
    sp.add_argument("--note", default="")

    sp = add("users", cmd_users, "用户管理：add 添加 | list 列出 | passwd 改密码（并解锁）| disable 停用 | enable 启用",
             "python -m loaders users add 王局长 --role viewer --scope 621200")
    sp.add_argument("action", choices=("add", "list", "passwd", "disable", "enable"))
    sp.add_argument("name", nargs="?")
    sp.add_argument("--role", choices=users.ROLES, default="viewer",
                    help="viewer 查看（领导）；uploader 上报（统计局）；admin 管理员")
    sp.add_argument("--scope", help="可见范围：市州或县区代码，逗号分隔；不填为全省")
    sp.add_argument("--display-name", help="显示名，如 王局长")
    sp.add_argument("--password-stdin", action="store_true", help="从标准输入读密码；不加则生成随机密码并显示一次")
    sp.add_argument("--by", default="cli", help="操作人（记入审计日志）")

    cli_ledger.register(sub)
    cli_units.register(sub)

    sp = add("worker", cmd_worker, "服务器模式的后台任务进程：处理大文件上传等耗时任务（需 MONITOR_REDIS_URL）",
             "MONITOR_REDIS_URL=redis://127.0.0.1:6379/0 python -m loaders worker --db postgresql+psycopg://…")
    sp.add_argument("--burst", action="store_true", help="处理完队列中的任务即退出")

    sp = add("demo", cmd_demo, "导入（或补齐）演示用模拟数据：甘肃省 86 个县区、14 个市州，截至当天已统计关库的最近月份",
             "python -m loaders demo --today 2027-06-01")
    _today_option(sp)
    return p


def _today_option(sp) -> None:
    sp.add_argument("--today", metavar="YYYY-MM-DD",
                    help="按这一天运行（决定哪些期间已统计关库、哪些尚未结束；默认取 MONITOR_TODAY，否则为北京时间今天）")
