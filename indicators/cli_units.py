"""`python -m indicators units ranking`: units below the county ranked by completion of their annual task, with
the 未破零 / 未上报 / 无任务 lists — a thin wrapper over indicators/unit_ranking.py."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from indicators import reading, unit_ranking
from loaders import regions as regions_mod
from loaders import unit_measures, units
from loaders.cells import show
from loaders.settings import database_url
from loaders.store import Store

EXIT_OK, EXIT_FAILED = 0, 1
EXAMPLE = """\
例：
  python -m indicators units ranking --kind investment_team --measure in_place --as-of 2026-10-31
  python -m indicators units ranking --kind township --measure in_place --as-of 2026-10-31 --county 621226 --json
  python -m indicators units ranking --measure completed --as-of 2026-10-31 --cadence half_monthly
"""


def add_commands(sub) -> None:
    p = sub.add_parser("units", help="下辖单位按年度任务完成率排名（未破零、未上报、无任务分列）",
                       description="下辖单位（乡镇街道、县直部门、市直部门、招商小分队）的任务完成情况")
    inner = p.add_subparsers(title="commands", metavar="COMMAND")
    r = inner.add_parser("ranking", help="按任务完成率排名（同类单位、同一县区内）", epilog=EXAMPLE,
                         description="按年度任务完成率排名：同一类单位、同一县区（市直部门在市内）比较，并列取小名次；"
                                     "未破零（有任务、已上报、结果为零）、未上报（不当作零）、无任务分列。",
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("--measure", required=True, choices=unit_measures.default().codes, help="任务指标")
    r.add_argument("--as-of", required=True, help="截至日期，如 2026-10-31")
    r.add_argument("--kind", choices=list(units.UNIT_KINDS), help="单位类别（默认全部）")
    r.add_argument("--county", help="县区（名称或6位代码）；市直部门随其所属市一并列出")
    r.add_argument("--cadence", choices=list(unit_ranking.CADENCES),
                   help="按周/半月/月取该期最新快照，并列出较上期的变化")
    r.add_argument("--json", action="store_true", help="输出 JSON")
    r.add_argument("--db", help="数据库 URL（默认取 MONITOR_DATABASE_URL，否则为 data/monitor.duckdb）")
    r.set_defaults(func=cmd_ranking)


def cmd_ranking(args) -> int:
    try:
        as_of = dt.date.fromisoformat(args.as_of)
    except ValueError:
        print(f"错误：--as-of “{args.as_of}” 应为如 2026-10-31 的日期", file=sys.stderr)
        return EXIT_FAILED
    regions = regions_mod.default()
    region = None
    if args.county:
        region = regions.resolve(args.county)
        if region is None:
            print(f"错误：--county “{args.county}” 不是县区名称或代码（如 礼县 / 621226）", file=sys.stderr)
            return EXIT_FAILED
    store = Store(database_url(args.db))
    store.create_schema()
    table, missing, dates = reading.unit_ranking(reading.snapshot(store), args.measure, as_of, cadence=args.cadence,
                                                 unit_kind=args.kind, region=region)
    measure = unit_measures.default()[args.measure]
    if args.json:
        print(json.dumps(_as_json(table, missing, measure, dates, args.cadence), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(_text(table, missing, measure, dates, args.cadence, regions))
    return EXIT_OK


def _clean(v):
    try:
        if v is None or v != v:  # NaN and pd.NA
            return None
    except TypeError:
        return None
    return v.item() if hasattr(v, "item") else v


def _as_json(table, missing, measure, dates, cadence) -> dict:
    rows = [{k: _clean(v) for k, v in r.items()} | {"state_zh": unit_ranking.STATE_ZH[r["state"]]}
            for r in table.to_dict("records")]
    return {"measure": measure.code, "measure_name": measure.name_zh, "unit": measure.unit, "cadence": cadence,
            "as_of": str(dates.get("as_of")) if dates.get("as_of") else None,
            "previous": str(dates["previous"]) if dates.get("previous") else None,
            "units": rows, "unresolved": missing.to_dict("records")}


def _pct(x) -> str:
    return "—" if _clean(x) is None else f"{x * 100:.1f}%"


def _amount(x) -> str:
    return "—" if _clean(x) is None else show(float(x))


def _text(table, missing, measure, dates, cadence, regions) -> str:
    when = f"截至 {dates['as_of']}" if dates.get("as_of") else "无快照"
    head = f"{measure.name_zh}（{measure.unit}）任务完成排名，{when}"
    if cadence:
        prev = f"，较 {dates['previous']}" if dates.get("previous") else "，无上期可比"
        head += f"（{unit_ranking.CADENCES[cadence]}{prev}）"
    lines = [head]
    if table.empty:
        lines.append("  没有下辖单位（请先 python -m loaders units ingest 导入单位名单）")
    for (region, kind), part in table.groupby(["region_code", "unit_kind"], sort=False):
        lines.append(f"{regions[region].name} · {units.kind_name(kind)}")
        ranked = part[part["state"].isin([unit_ranking.RANKED, unit_ranking.ZERO])]
        for r in ranked.itertuples(index=False):
            change = ""
            if cadence and _clean(r.rank_change) is not None:
                change = f"  名次{'↑' if r.rank_change > 0 else '↓' if r.rank_change < 0 else '→'}{abs(r.rank_change)}"
                change += f" 完成{'+' if r.result_change >= 0 else ''}{_amount(r.result_change)}"
            lines.append(f"  {r.rank:>3} {r.name}  完成 {_amount(r.result)} / 任务 {_amount(r.task)}  "
                         f"{_pct(r.completion)}{change}")
        for state in (unit_ranking.ZERO, unit_ranking.NOT_REPORTED, unit_ranking.NO_TASK):
            names = part.loc[part["state"] == state, "name"].tolist()
            if names:
                lines.append(f"  {unit_ranking.STATE_ZH[state]}：{'、'.join(names)}")
    if len(missing):
        lines.append("未识别的责任单位（请加入单位名单或改正台账）：" + "；".join(
            f"{regions[r.region_code].name}“{r.unit}”{r.items}项" for r in missing.itertuples(index=False)))
    return "\n".join(lines)
