"""`python -m indicators`: evaluate a matrix on a scheme (here); score and gaps from the store (cli_store.py); the
通报 (cli_brief.py)."""

import argparse
import io
import json
import math
import sys
from pathlib import Path

import pandas as pd

from indicators import cli_brief, cli_store, cli_units, composite, scheme
from indicators.scheme import SchemeError
from indicators.weights import DATA_DRIVEN, WEIGHTINGS
from loaders.cells import MISSING, CellError, decode, numbers

EXIT_OK, EXIT_FAILED, EXIT_REJECTED = 0, 1, 2

EVALUATE_EXAMPLE = """\
example:
  python -m indicators evaluate counties.csv --scheme data/schemes/2026.toml
  python -m indicators evaluate tests/files/vector1.csv --scheme tests/files/schemes/vector1_entropy_minmax.toml \\
      --weights entropy --format json

MATRIX.csv: first column the unit id (e.g. county), then one column per indicator code named in the scheme;
empty cells (or —) are missing. Prints unit,score,rank sorted by rank; with entropy or critic weights also the
weights used, as a second block indicator,weight after a blank line. Exit 2 when the scheme or the matrix is
rejected, with every problem on stderr.
"""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_FAILED
    return args.func(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m indicators", description="Composite scores of units.")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    ev = sub.add_parser("evaluate", help="score a units × indicators CSV on an assessment scheme",
                        description="Score a units × indicators CSV on an assessment scheme (TOML).",
                        epilog=EVALUATE_EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    ev.add_argument("matrix", type=Path, metavar="MATRIX.csv", help="unit id, then one column per indicator")
    ev.add_argument("--scheme", type=Path, required=True, metavar="SCHEME.toml", help="assessment scheme")
    ev.add_argument("--weights", choices=list(WEIGHTINGS), help="override the scheme's weights mode")
    ev.add_argument("--targets", type=Path, metavar="TARGETS.csv",
                    help="same layout as MATRIX.csv: target values for target / achievement indicators")
    ev.add_argument("--format", choices=("csv", "json"), default="csv")
    ev.set_defaults(func=cmd_evaluate)
    cli_store.add_commands(sub)
    cli_brief.add_command(sub)
    cli_units.add_commands(sub)
    return parser


def read_matrix(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """(units × columns of floats indexed by the first column, problems); every problem at once, with the fix."""
    try:
        text, _ = decode(path.read_bytes())
    except FileNotFoundError:
        return pd.DataFrame(), [f"{path}：文件不存在，请检查路径"]
    except CellError as exc:
        return pd.DataFrame(), [f"{path.name}：{exc}"]
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    if raw.shape[1] < 2 or raw.empty:
        return pd.DataFrame(), [f"{path.name}：应有表头行和数据行，第一列为单位，其余每列一个指标代码"]
    unit = raw.columns[0]
    ids = raw[unit].str.strip()
    problems = [f"{path.name} 第{i + 2}行：单位“{ids.iloc[i]}”重复出现，每个单位只能一行"
                for i in ids.duplicated().to_numpy().nonzero()[0]]
    problems += [f"{path.name} 第{i + 2}行：缺少单位名称（第一列 {unit}）" for i in range(len(ids)) if not ids.iloc[i]]
    values = {}
    for col in raw.columns[1:]:
        # Blank the missing markers (—, -, N/A …) first: loaders.cells.numbers fails on a column holding one.
        cells = raw[col].str.strip()
        values[col], bad = numbers(cells.where(~cells.isin(MISSING), ""))
        problems += [f"{path.name} 第{i + 2}行 单位“{ids.iloc[i]}” 列 {col}：“{raw[col].iloc[i]}”不是数字，"
                     "应为如 8.2、-2.1 的数值，缺失请留空" for i in bad.to_numpy().nonzero()[0]]
    return pd.DataFrame(values).set_index(ids.rename("unit")), problems


def cmd_evaluate(args) -> int:
    matrix, problems = read_matrix(args.matrix)
    targets = None
    if args.targets is not None:
        targets, target_problems = read_matrix(args.targets)
        problems += target_problems
    if problems:
        print("\n".join(f"错误：{p}" for p in problems), file=sys.stderr)
        return EXIT_REJECTED
    try:
        sch = scheme.load(args.scheme, columns=[str(c) for c in matrix.columns])
    except SchemeError as exc:
        print(f"错误：{args.scheme.name}: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    try:
        result = composite.score(matrix, sch, targets=targets, weights=args.weights)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_FAILED
    for w in result.warnings:
        print(f"提示：{w}", file=sys.stderr)
    for unit, reason in result.table.reason[result.table.reason != ""].items():
        print(f"未排名 {unit}：{reason}", file=sys.stderr)
    print(_json(result) if args.format == "json" else _csv(result), end="")
    return EXIT_OK


def _ranked(result: composite.CompositeResult) -> pd.DataFrame:
    table = result.table.sort_values("rank", na_position="last", kind="stable")
    return table.rename_axis("unit").reset_index()


def _csv(result: composite.CompositeResult) -> str:
    """Floats as repr (shortest exact round trip), so a 6-decimal check never meets a rounded number."""
    out = _ranked(result)[["unit", "score", "rank"]].to_csv(index=False, lineterminator="\n")
    if result.params["weights"] in DATA_DRIVEN:
        out += "\n" + result.weights.rename_axis("indicator").to_csv(header=["weight"], lineterminator="\n")
    return out


def _number(x) -> float | int | None:
    if x is pd.NA or x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return x


def _json(result: composite.CompositeResult) -> str:
    rows = [{"unit": r.unit, "score": _number(r.score), "rank": _number(r.rank), "coverage": _number(r.coverage),
             "reason": r.reason} for r in _ranked(result).itertuples()]
    rows = [{k: (int(v) if k == "rank" and v is not None else v) for k, v in row.items()} for row in rows]
    doc = {"scores": rows, "weights": {k: float(v) for k, v in result.weights.items()},
           "warnings": result.warnings, "params": result.params}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
