"""`python -m indicators`: evaluate a matrix on a scheme (here); score and gaps from the store (cli_store.py); the
通报 (cli_brief.py)."""

import argparse
import io
import json
import math
import sys
from pathlib import Path

import pandas as pd

from indicators import assessment, cli_brief, cli_store, cli_units, composite, scheme
from indicators.assessment import Assessment, AssessmentError
from indicators.scheme import SchemeError
from indicators.weights import DATA_DRIVEN, WEIGHTINGS
from loaders.cells import MISSING, CellError, decode, numbers

EXIT_OK, EXIT_FAILED, EXIT_REJECTED = 0, 1, 2

EVALUATE_EXAMPLE = """\
example:
  python -m indicators evaluate counties.csv --scheme data/schemes/2026.toml
  python -m indicators evaluate tests/files/vector1.csv --scheme tests/files/schemes/vector1_entropy_minmax.toml \\
      --weights entropy --format json

  python -m indicators evaluate tests/files/schemes/assessment_matrix.csv \\
      --scheme tests/files/schemes/assessment.toml --groups tests/files/schemes/assessment_groups.csv \\
      --previous tests/files/schemes/assessment_previous.csv --targets tests/files/schemes/assessment_targets.csv \\
      --previous-targets tests/files/schemes/assessment_previous_targets.csv

MATRIX.csv: first column the unit id (e.g. county), then one column per indicator code named in the scheme;
empty cells (or —) are missing. Prints unit,score,rank sorted by rank; with entropy or critic weights also the
weights used, as a second block indicator,weight after a blank line. Exit 2 when the scheme or the matrix is
rejected, with every problem on stderr.

Schemes with [[groups]], [[honours]], [[adjustments]] or [[veto]] (or with --groups / --previous) print instead
unit,score,rank,group,group_rank,improvement,improvement_rank,honours,group_score: one row per unit and peer
group, score after bonus points and deductions, honours by name joined with ';'. Adjustment and veto items are
matrix columns named by their codes (points ≥ 0, empty = 0; veto 1 = vetoed). GROUPS.csv: unit,group[,group2]
(the scheme's group codes or names). PREV.csv: the same matrix a year earlier, for improvement.
"""
ASSESSMENT_COLUMNS = ["unit", "score", "rank", "group", "group_rank", "improvement", "improvement_rank", "honours",
                      "group_score"]
HONOURS_SEP = ";"


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
    ev.add_argument("--groups", type=Path, metavar="GROUPS.csv",
                    help="peer groups: unit,group[,group2] (codes or names of the scheme's [[groups]])")
    ev.add_argument("--previous", type=Path, metavar="PREV.csv",
                    help="the same matrix a year earlier: improvement and the 进步 list")
    ev.add_argument("--previous-targets", type=Path, metavar="PREV_TARGETS.csv",
                    help="targets a year earlier, as --targets")
    ev.add_argument("--format", choices=("csv", "json"), default="csv")
    ev.set_defaults(func=cmd_evaluate)
    cli_store.add_commands(sub)
    cli_brief.add_command(sub)
    cli_units.add_commands(sub)
    return parser


def _read_csv(path: Path, shape: str) -> tuple[pd.DataFrame, list[str]]:
    """A CSV of at least two columns as text cells, or the problem (missing, undecodable, no data)."""
    try:
        text, _ = decode(path.read_bytes())
    except FileNotFoundError:
        return pd.DataFrame(), [f"{path}：文件不存在，请检查路径"]
    except CellError as exc:
        return pd.DataFrame(), [f"{path.name}：{exc}"]
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    if frame.shape[1] < 2 or frame.empty:
        return pd.DataFrame(), [f"{path.name}：{shape}"]
    return frame, []


def read_matrix(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """(units × columns of floats indexed by the first column, problems); every problem at once, with the fix."""
    raw, problems = _read_csv(path, "应有表头行和数据行，第一列为单位，其余每列一个指标代码")
    if problems:
        return raw, problems
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


def read_groups(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """The groups file as text cells (unit, group[, group2]); its rows are checked against the scheme later."""
    return _read_csv(path, "应有表头行 unit,group[,group2] 和数据行，每个单位一行")


def _inputs(args) -> tuple[dict, list[str]]:
    """Every file the command reads, parsed; problems from all of them at once."""
    files = {"matrix": args.matrix, "targets": args.targets, "previous": args.previous,
             "previous_targets": args.previous_targets}
    out, problems = {}, []
    for key, path in files.items():
        out[key] = None
        if path is not None:
            out[key], found = read_matrix(path)
            problems += found
    if args.groups is not None:
        out["groups"], found = read_groups(args.groups)
        problems += found
    else:
        out["groups"] = None
    return out, problems


def cmd_evaluate(args) -> int:
    inputs, problems = _inputs(args)
    if problems:
        print("\n".join(f"错误：{p}" for p in problems), file=sys.stderr)
        return EXIT_REJECTED
    matrix, targets = inputs["matrix"], inputs["targets"]
    try:
        sch = scheme.load(args.scheme, columns=[str(c) for c in matrix.columns])
    except SchemeError as exc:
        print(f"错误：{args.scheme.name}: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    if sch.assesses or args.groups is not None or args.previous is not None:
        return _assess(args, sch, inputs)
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


def _assess(args, sch: scheme.Scheme, inputs: dict) -> int:
    previous, problems = inputs["previous"], []
    absent = [c for c in sch.codes if previous is not None and c not in previous.columns]
    if absent:
        problems.append(f"{args.previous.name}：缺少方案指标列 {', '.join(absent)}；上年矩阵应与本年矩阵有相同的指标列")
        previous = None  # the other files are still checked, so every problem is reported at once
    try:
        result = assessment.assess(inputs["matrix"], sch, groups=inputs["groups"], previous=previous,
                                   targets=inputs["targets"], previous_targets=inputs["previous_targets"],
                                   weights=args.weights)
    except AssessmentError as exc:
        names = {"matrix": args.matrix, "previous": args.previous, "groups": args.groups}
        problems += [p.text(names[p.source].name) for p in exc.problems]
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_FAILED
    if problems:
        print("\n".join(f"错误：{p}" for p in problems), file=sys.stderr)
        return EXIT_REJECTED
    for w in result.warnings:
        print(f"提示：{w}", file=sys.stderr)
    for row in result.table.drop_duplicates("unit").itertuples():
        if row.reason:
            print(f"{'不参与评优' if row.veto else '未排名'} {row.unit}：{row.reason}", file=sys.stderr)
    print(_assessment_json(result) if args.format == "json" else _assessment_csv(result), end="")
    return EXIT_OK


def _assessment_csv(result: Assessment) -> str:
    """One row per unit and group; the group by name, honours by name joined with ';'."""
    table = result.table.assign(group=result.table.group_name,
                                honours=result.table.honours.map(HONOURS_SEP.join))
    out = table[ASSESSMENT_COLUMNS].to_csv(index=False, lineterminator="\n")
    if result.overall.params["weights"] in DATA_DRIVEN:
        out += "\n" + result.overall.weights.rename_axis("indicator").to_csv(header=["weight"], lineterminator="\n")
    return out


def _cell(x):
    x = _number(x)
    if isinstance(x, tuple):
        return list(x)
    return x.item() if hasattr(x, "item") else x


def _assessment_json(result: Assessment) -> str:
    rows = [{k: _cell(v) for k, v in row.items()} for row in result.table.to_dict("records")]
    honours = [{k: _cell(v) for k, v in row.items()} for row in result.honours.to_dict("records")]
    doc = {"scores": rows, "honours": honours, "weights": {k: float(v) for k, v in result.overall.weights.items()},
           "warnings": result.warnings, "params": result.params}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
