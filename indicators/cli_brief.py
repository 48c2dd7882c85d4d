"""`python -m indicators brief`: the 通报 for a period and a scope, as DOCX, PDF or JSON."""

import argparse
import sys
from pathlib import Path

from indicators import pipeline, reading
from indicators.brief import content, render
from indicators.brief.settings import BriefSettingsError
from indicators.scheme import SchemeError
from loaders.settings import database_url
from loaders.store import Store

EXIT_OK, EXIT_FAILED = 0, 1
EXAMPLE = """\
例：
  python -m indicators brief --period 2026-10 --scope city:621200 --format docx --out 通报_陇南市_2026年1-10月.docx
  python -m indicators brief --period 2026-10 --scope prefectures --format pdf --out 通报_全省市州_2026年1-10月.pdf
  python -m indicators brief --period 2026-10 --scope city:621200 --format json --out -   # JSON 写到标准输出

综合评价取截至该月最近一个季度（1-10月 → 三季度）；文中每个数都来自页面所用的同一结果，页脚写明数据状态。
发文机关、文号、主送、负增长写法等见 data/brief.toml（或 MONITOR_BRIEF_SETTINGS 指定的文件）。
"""


def add_command(sub) -> None:
    p = sub.add_parser("brief", help="生成通报（DOCX / PDF / JSON）",
                       description="生成某期（1-N月）、某范围（一个市州的县区，或全省各市州）的通报。",
                       epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--period", required=True, help="月份，如 2026-10（即 2026年1-10月）")
    p.add_argument("--scope", required=True, help="city:621200（陇南市各县区）或 prefectures（全省各市州）")
    p.add_argument("--format", choices=render.FORMATS, default="docx")
    p.add_argument("--out", required=True, help="输出文件（- 为标准输出，仅 json）")
    p.add_argument("--db", help="数据库 URL（默认取 MONITOR_DATABASE_URL，否则为 data/monitor.duckdb）")
    p.set_defaults(func=cmd_brief)


def cmd_brief(args) -> int:
    if args.out == "-" and args.format != "json":
        print("错误：只有 --format json 可以写到标准输出（-）；DOCX 和 PDF 请用 --out 文件名", file=sys.stderr)
        return EXIT_FAILED
    store = Store(database_url(args.db))
    try:
        snap = reading.snapshot(store)
        period = args.period.strip()
        periods = store.periods()
        if period not in periods:
            have = "、".join(periods[:3]) if periods else "（库中还没有数据）"
            print(f"错误：库中没有 {period} 的数据；应为 YYYY-MM，如 {have}", file=sys.stderr)
            return EXIT_FAILED
        brief = content.generate(snap, period, args.scope.strip())
        data = render.render(brief, args.format)
    except (pipeline.ScopeError, SchemeError, BriefSettingsError, render.RenderError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        store.dispose()
    if args.out == "-":
        sys.stdout.write(data.decode("utf-8"))
    else:
        Path(args.out).write_bytes(data)
    print(f"{brief.title}；{brief.params['period']}，{brief.params['scope']}；数据状态 {brief.params['data_state']}"
          + (f"；已写入 {args.out}" if args.out != "-" else ""), file=sys.stderr)
    return EXIT_OK
