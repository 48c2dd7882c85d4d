"""`python -m indicators score` and `gaps`: the store-backed commands (evaluate lives in cli.py)."""

import argparse
import json
import sys

import pandas as pd

from indicators import explain, pipeline, reading
from indicators.scheme import SchemeError, load
from layouts.i18n import label  # the one vocabulary: the CLI says registry keys as the pages do
from loaders import catalogue as catalogue_mod
from loaders import regions as regions_mod
from loaders.settings import database_url
from loaders.store import Store

EXIT_OK, EXIT_FAILED = 0, 1
SCORE_COLUMNS = ["region_code", "region_name", "score", "rank", "rank_change", "rank_median", "rank_p05", "rank_p95"]
SCORE_EXAMPLE = """\
例：
  python -m indicators score --period 2026Q3                      # 全省86个县区
  python -m indicators score --period 2026Q3 --scope city:621200  # 陇南市9个县区
  python -m indicators score --period 2026Q3 --scope prefectures --format json
"""
GAPS_EXAMPLE = """\
例：
  python -m indicators gaps --region 621226 --period 2026Q3 --target-rank 10
  python -m indicators gaps --region 621226 --period 2026Q3 --scope city:621200 --scheme my.toml --format json
"""
SCHEME_HELP = "评价方案 TOML（默认 data/schemes/<年份>.toml）"


def add_commands(sub) -> None:
    sc = sub.add_parser("score", help="一个季度的综合得分、排名、名次变化和名次区间",
                        description="一个季度的综合得分、排名、较上季度名次变化和 5–95% 名次区间（蒙特卡洛）。",
                        epilog=SCORE_EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(sc)
    sc.add_argument("--scope", default="province", help=pipeline.scope_help())
    sc.add_argument("--scheme", help=SCHEME_HELP)
    sc.add_argument("--draws", type=int, default=1000, help="蒙特卡洛次数（0 = 不计算名次区间）")
    sc.add_argument("--format", choices=("csv", "json"), default="csv")
    sc.set_defaults(func=cmd_score)

    gp = sub.add_parser("gaps", help="一个县区的目标进度表和“进入前 K 名需要什么”",
                        description="一个县区的目标进度（序时进度、差距、状态、节奏）和达到目标名次所需的改进。",
                        epilog=GAPS_EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(gp)
    gp.add_argument("--region", required=True, help="县区代码，如 621226")
    gp.add_argument("--target-rank", type=int, default=10, help="目标名次（默认 10）")
    gp.add_argument("--scope", default="province", help=pipeline.scope_help())
    gp.add_argument("--scheme", help=SCHEME_HELP)
    gp.add_argument("--format", choices=("text", "json"), default="text")
    gp.set_defaults(func=cmd_gaps)


def _common(p) -> None:
    p.add_argument("--period", required=True, help="季度，如 2026Q3")
    p.add_argument("--db", help="数据库 URL（默认取 MONITOR_DATABASE_URL，否则为 data/monitor.duckdb）")


def _scorecard(args, draws: int = pipeline.robustness.DRAWS):
    """(snapshot, scorecard): the shared result the pages show (indicators/reading.py), or with --scheme one
    computed for that scheme alone."""
    store = Store(database_url(args.db))
    try:
        snap = reading.snapshot(store)
        if getattr(args, "scheme", None):
            scheme = load(args.scheme, catalogue=catalogue_mod.default())
            return snap, pipeline.scorecard(snap.store, args.period, args.scope, scheme=scheme, draws=draws)
        return snap, reading.scorecard(snap, args.period.strip().upper(), args.scope, draws=draws)
    except BaseException:
        store.dispose()  # DuckDB: never keep the file locked after a refused command
        raise


def cmd_score(args) -> int:
    try:
        snap, card = _scorecard(args, args.draws)
    except (SchemeError, ValueError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_FAILED
    snap.store.dispose()  # DuckDB: release the file (a CLI called in-process must not keep it locked)
    table = card.table.rename_axis("region_code").reset_index()
    for col in SCORE_COLUMNS:
        if col not in table:
            table[col] = pd.NA
    pillars = [c for c in table.columns if c.startswith("pillar_")]
    out = table.sort_values(["rank", "region_code"], na_position="last")[SCORE_COLUMNS + pillars]
    for w in card.result.warnings:
        print(f"提示：{w}", file=sys.stderr)
    print(f"{card.scheme.name}；{card.quarter}（截至 {card.period}）；数据状态 {card.data_state}；"
          f"范围 {card.scope}，{len(out)} 个单位", file=sys.stderr)
    if args.format == "json":
        doc = {"rows": json.loads(out.to_json(orient="records", force_ascii=False)), "params": card.params}
        print(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
    else:
        print(out.to_csv(index=False, lineterminator="\n", float_format="%.4f"), end="")
    return EXIT_OK


def cmd_gaps(args) -> int:
    regions = regions_mod.default()
    if args.region not in regions:
        print(f"错误：没有代码为 {args.region} 的地区；县区代码如 621226（礼县）", file=sys.stderr)
        return EXIT_FAILED
    try:
        snap, card = _scorecard(args)
    except (SchemeError, ValueError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        return _gaps_answer(args, regions, snap, card)
    finally:
        snap.store.dispose()  # DuckDB: release the file (a CLI called in-process must not keep it locked)


def _gaps_answer(args, regions, snap, card) -> int:
    if args.region not in card.matrix.index:
        print(f"错误：{regions[args.region].name} 不在比较范围 {args.scope} 内", file=sys.stderr)
        return EXIT_FAILED
    cat = catalogue_mod.default()
    prog = reading.progress_rows(snap, card.period, args.region)
    units = {i.code: ("个百分点" if i.measure != "cum_level" else cat[i.code].unit) for i in card.scheme.indicators}
    if getattr(args, "scheme", None):
        gaps = explain.gap_to_rank(card.result, args.region, args.target_rank,
                                   units_of=explain.units_of(card.scheme, cat))
        points = explain.points(card.result)
    else:
        gaps = reading.gaps(snap, card.quarter, args.region, args.target_rank, args.scope)
        points = reading.points(snap, card.quarter, args.scope)
    if args.format == "json":
        pts = points["vs_mean"].loc[args.region]
        doc = {"region": args.region, "period": card.period, "progress": json.loads(prog.to_json(orient="records")),
               "gaps": json.loads(gaps.to_json(orient="records", force_ascii=False)),
               "points_vs_mean": {c: (None if pd.isna(v) else float(v)) for c, v in pts.items()}, "params": card.params}
        print(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    print(_gaps_text(regions[args.region].name, card, prog, gaps, units, cat, args.target_rank))
    return EXIT_OK


def _gaps_text(name, card, prog, gaps, units, cat, k) -> str:
    lines = [f"{name}　{card.quarter}（{card.period}）　{card.scheme.name}", "", "一、目标进度"]
    order = {code: n for n, code in enumerate(cat.codes)}
    prog = prog.sort_values(by="indicator", key=lambda s: s.map(order), kind="stable")
    for r in prog.itertuples():
        name_zh = cat[r.indicator].name_zh
        pace = label("pace", r.pace) if isinstance(r.pace, str) else "—"
        if r.compare == "completion":
            lines.append(f"  {name_zh}：完成 {r.completion_pct:.1f}%（序时 {r.schedule_linear_pct:.1f}%），"
                         f"差 {r.gap_shown_pp:+.1f} 个百分点，{label('status', r.status)}，{pace}")
        else:
            lines.append(f"  {name_zh}：增速 {r.yoy:.1f}%（目标 {r.target:.1f}%），差 {r.gap_shown_pp:+.1f} 个百分点，"
                         f"{label('status', r.status)}，{label('growth', r.growth_status)}")
    current = gaps["current_rank"].iloc[0]
    lines += ["", f"二、进入前 {k} 名需要什么（当前第 {int(current) if pd.notna(current) else '—'} 名，全部经重算验证）"]
    for r in gaps.itertuples():
        if r.indicator == "组合":
            if r.reachable:
                steps = "，".join(f"{cat[c].name_zh}提高 {d:g} {units[c]}" for c, d in r.changes.items())
                text = f"{steps}（验证后第 {int(r.verified_rank)} 名）"
            else:
                text = r.note
            lines.append(f"  最省力的组合：{text}")
            continue
        name_zh = cat[r.indicator].name_zh
        if r.reachable and r.improvement:
            lines.append(f"  {name_zh}：需提高 {r.improvement:g} {units[r.indicator]}（{r.current:g} → {r.new_value:g}），"
                         f"验证后第 {int(r.verified_rank)} 名")
        else:
            lines.append(f"  {name_zh}：{r.note}")
    return "\n".join(lines)
