"""Assessments as provinces publish them (issue #13): one composite score set, then bonus points and deductions,
peer-group scores, improvement against a year earlier, veto items and honour lists. Pure: frames in, frames out.

Semantics (tests/test_assessment.py fixes them with numbers computed by hand):
- score: composite.score over all units, unchanged, then score = base + min(Σ bonus, bonus_cap) −
  min(Σ deduction, deduction_cap), each item first capped at its own cap (an empty cell is 0; negative or
  non-numeric points are refused). A unit without a base score (coverage) gets none. rank = ranking.rank(score):
  descending, ties share the smallest rank.
- group score: for each peer group, composite.score over the group's units only (so normalised within the
  group) with the group's weights (an indicator the group does not name keeps the scheme's weight; 0 leaves it
  out), the same aggregation and coverage rule, plus the same adjustments; group_rank within the group. The table
  has one row per unit and group: a unit in two groups has two rows, a unit in none one row with group "".
- improvement (needs the same matrix a year earlier, scored with the same scheme and its own adjustments):
  improvement = "rank" gives previous rank − rank (positive = moved up), "score" (or a scheme without the key)
  score − previous score; improvement_rank = ranking.rank(improvement). A unit without a previous score has none.
- honours: overall → the top N by rank; group → the top k by group_rank within each group; improvement → the top
  M by improvement_rank among units that improved (> 0: a unit that fell is no 进步县 even if few rose). Vetoed
  units (一票否决) and units without a rank are skipped and the next eligible unit takes the place; they keep
  their score and ranks, and the table says why. Ties at the cut-off: every tied unit is listed (a warning says
  so). place = 1 + the eligible units ahead in that list.
- no target for a target / achievement indicator: that score is missing and the weights renormalise over the
  unit's other indicators (composite does it); the missing score counts against coverage like any missing value.
- Without groups, previous, honours, adjustments or veto items the scores and ranks are composite.score's exactly.
"""

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from indicators import composite
from indicators.composite import CompositeResult
from indicators.ranking import rank, rank_change
from indicators.scheme import Honour, Scheme

TABLE_COLUMNS = ["unit", "score", "rank", "group", "group_name", "group_score", "group_rank", "improvement",
                 "improvement_rank", "honours", "veto", "reason", "base_score", "bonus", "deduction", "coverage",
                 "previous_score", "previous_rank"]
HONOUR_COLUMNS = ["code", "name", "kind", "group", "unit", "place", "why"]
# Matrix and groups rows are numbered as in a CSV file with one header line: the first data row is 第2行.
FIRST_ROW = 2
VETOED = 1.0  # a veto column holds 1 (vetoed) or 0 / empty (not)
MAX_GROUPS = 2  # Gansu's 强县域 scheme: each county chooses one or two types
SOURCES = {"matrix": "矩阵", "previous": "上年矩阵", "groups": "分组表"}


@dataclass(frozen=True)
class Problem:
    """One refused input cell: where (source, 0-based row, unit, column), the value, and what to do."""
    source: str  # matrix | previous | groups
    row: int | None  # None: the whole file
    unit: str
    column: str
    value: object
    reason: str

    def text(self, file: str | None = None) -> str:
        where = file or SOURCES.get(self.source, self.source)
        if self.row is None:
            return f"{where}：{self.reason}"
        unit = f" 单位“{self.unit}”" if self.unit else ""
        return f"{where} 第{self.row + FIRST_ROW}行{unit} 列 {self.column}：“{self.value}”{self.reason}"


class AssessmentError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        self.messages = [p.text() for p in problems]
        super().__init__("assessment input is invalid:\n  " + "\n  ".join(self.messages))


@dataclass
class Assessment:
    table: pd.DataFrame  # TABLE_COLUMNS, one row per unit and group, by rank
    honours: pd.DataFrame  # HONOUR_COLUMNS, by honour (scheme order), group, place
    warnings: list[str] = field(default_factory=list)
    params: dict = field(default_factory=dict)  # everything needed to regenerate the result
    overall: CompositeResult | None = None  # the composite over all units, before adjustments
    groups: dict[str, CompositeResult] = field(default_factory=dict)  # per group code, before adjustments
    previous: pd.DataFrame | None = None  # a year earlier: score (after its adjustments) and rank per unit


def assess(matrix: pd.DataFrame, scheme: Scheme, *, groups: pd.DataFrame | None = None,
           previous: pd.DataFrame | None = None, targets: pd.DataFrame | None = None,
           previous_targets: pd.DataFrame | None = None, weights: str | pd.Series | None = None,
           labels: dict[str, str] | None = None) -> Assessment:
    """Assess the units (rows of matrix: the scheme's indicator columns, plus one column per adjustment and veto
    code) on the scheme. groups: a frame unit, group[, group2] by position (group codes or names of the scheme's
    groups). previous: the same matrix a year earlier. weights / labels as composite.score (a weights mode or
    explicit weights apply in every group too; the default, the scheme's fixed weights, uses the group's). Raises
    AssessmentError with every refused cell of the matrix, previous and groups at once."""
    problems = check_adjustments(matrix, scheme, "matrix")
    members: dict[str, tuple[str, ...]] = {}
    if groups is not None:
        group_problems, members = read_groups(groups, scheme, [str(u) for u in matrix.index])
        problems += group_problems
    if previous is not None:
        problems += check_adjustments(previous, scheme, "previous")
    if problems:
        raise AssessmentError(problems)
    warnings: list[str] = []
    if scheme.groups and groups is None:
        warnings.append("方案设有分组（县域类型），但没有提供分组表：不计算组内得分和排名")
    overall = composite.score(matrix, scheme, targets=targets, weights=weights, labels=labels)
    warnings += overall.warnings
    bonus, deduction = adjustments(matrix, scheme, warnings, "矩阵")
    units = pd.DataFrame({"base_score": overall.table.score, "bonus": bonus, "deduction": deduction,
                          "coverage": overall.table.coverage})
    units["score"] = units.base_score + bonus - deduction
    units["rank"] = rank(units.score)
    veto_reason = vetoes(matrix, scheme)
    units["veto"] = veto_reason != ""
    units["reason"] = _join(veto_reason, overall.table.reason)

    prev = None
    if previous is not None:
        prev = composite.score(previous, scheme, targets=previous_targets, weights=weights, labels=labels)
        warnings += [f"上年：{w}" for w in prev.warnings]
    prev_table = _improvement(units, prev, previous, scheme, warnings)
    group_results: dict[str, CompositeResult] = {}
    rows = []
    for g in scheme.groups if groups is not None else ():
        inside = [u for u in matrix.index if g.code in members.get(str(u), ())]
        if not inside:
            warnings.append(f"类型“{g.name}”没有单位，不计算组内排名")
            continue
        res = composite.score(matrix.loc[inside], scheme.for_group(g.code), targets=targets, weights=weights,
                              labels=labels)
        group_results[g.code] = res
        warnings += [f"{g.name}：{w}" for w in res.warnings]
        gscore = res.table.score + bonus[inside] - deduction[inside]
        rows.append(pd.DataFrame({"unit": inside, "group": g.code, "group_name": g.name,
                                  "group_score": gscore.to_numpy(), "group_rank": rank(gscore).to_numpy()}))
    ungrouped = [u for u in matrix.index if groups is None or not members.get(str(u))]
    if groups is not None and ungrouped:
        warnings.append(f"未分组的单位不参加组内排名：{'、'.join(map(str, ungrouped))}")
    rows.append(pd.DataFrame({"unit": pd.Series(ungrouped, dtype=matrix.index.dtype),  # keeps int codes int
                              "group": "", "group_name": "", "group_score": np.nan,
                              "group_rank": pd.array([pd.NA] * len(ungrouped), dtype="Int64")}))
    table = _by_rank(pd.concat(rows, ignore_index=True).join(units, on="unit"), matrix, scheme)
    honours = honour_lists(table, scheme, warnings)
    table["honours"] = _row_honours(table, honours)
    table = table[TABLE_COLUMNS]
    params = {"composite": overall.params, "groups": {c: r.params for c, r in group_results.items()},
              "assignment": {u: list(gs) for u, gs in members.items()}, "improvement": scheme.improvement,
              "previous": prev.params if prev is not None else None,
              "bonus_cap": scheme.bonus_cap, "deduction_cap": scheme.deduction_cap,
              "adjustments": [asdict(a) for a in scheme.adjustments], "vetoes": [asdict(v) for v in scheme.vetoes],
              "honours": [asdict(h) for h in scheme.honours], "previous_targets": previous_targets is not None}
    return Assessment(table, honours, warnings, params, overall, group_results, prev_table)


def _improvement(units: pd.DataFrame, prev: CompositeResult | None, previous: pd.DataFrame | None, scheme: Scheme,
                 warnings: list[str]) -> pd.DataFrame | None:
    """Set previous_score, previous_rank, improvement and improvement_rank on units; the previous year's table."""
    if prev is None:
        units["previous_score"] = units["improvement"] = np.nan
        units["previous_rank"] = units["improvement_rank"] = pd.array([pd.NA] * len(units), dtype="Int64")
        return None
    bonus, deduction = adjustments(previous, scheme, warnings, "上年矩阵")
    prev_score = prev.table.score + bonus - deduction
    prev_table = pd.DataFrame({"score": prev_score, "rank": rank(prev_score)})
    units["previous_score"] = prev_score.reindex(units.index)
    units["previous_rank"] = prev_table["rank"].reindex(units.index)
    if scheme.improvement == "rank":
        units["improvement"] = rank_change(units["rank"], prev_table["rank"])
    else:  # score (and, without the key, points gained are still worth showing)
        units["improvement"] = units.score - units.previous_score
    units["improvement_rank"] = rank(units.improvement.astype(float))
    return prev_table


def _by_rank(table: pd.DataFrame, matrix: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """Rows by rank (unranked last), then in the matrix's unit order, then in the scheme's group order."""
    table["group_rank"] = table.group_rank.astype("Int64")
    order = {u: i for i, u in enumerate(matrix.index)}
    group_order = {g.code: i for i, g in enumerate(scheme.groups)}
    table["_unit"], table["_group"] = table.unit.map(order), table.group.map(group_order).fillna(-1)
    table = table.sort_values(["rank", "_unit", "_group"], na_position="last", kind="stable")
    return table.drop(columns=["_unit", "_group"]).reset_index(drop=True)


# ------------------------------------------------------------------ inputs


def check_adjustments(matrix: pd.DataFrame, scheme: Scheme, source: str = "matrix") -> list[Problem]:
    """Every refused adjustment or veto cell: points must be numbers ≥ 0 (empty = 0), a veto 1 or 0 (empty = 0).
    A column the matrix lacks is the scheme check's business (evaluate) or reads as 0 (a previous year)."""
    out = []
    position = {u: i for i, u in enumerate(matrix.index)}
    for a in scheme.adjustments:
        if a.code not in matrix.columns:
            continue
        raw = matrix[a.code]
        values = pd.to_numeric(raw, errors="coerce")
        kind = "加分" if a.kind == "bonus" else "扣分"
        for unit in raw.index[(values.isna() & _present(raw)) | (values < 0)]:
            out.append(Problem(source, position[unit], str(unit), a.code, raw[unit],
                               f"不是有效的{kind}（{a.name}）：应为 ≥ 0 的分值，如 1.5，没有{kind}请留空或填 0"))
    for v in scheme.vetoes:
        if v.code not in matrix.columns:
            continue
        raw = matrix[v.code]
        values = pd.to_numeric(raw, errors="coerce")
        bad = (values.isna() & _present(raw)) | (values.notna() & ~values.isin([0.0, VETOED]))
        for unit in raw.index[bad]:
            out.append(Problem(source, position[unit], str(unit), v.code, raw[unit],
                               f"不是有效的一票否决标记（{v.name}）：发生填 1，未发生留空或填 0"))
    return out


def _present(raw: pd.Series) -> pd.Series:
    return raw.notna() & (raw.astype(str).str.strip() != "")


def read_groups(frame: pd.DataFrame, scheme: Scheme, units: list[str]) -> tuple[list[Problem], dict[str, tuple]]:
    """(problems, unit -> its group codes) from a frame unit, group[, group2] (by position; cells are group codes
    or names). Refused: a unit not in the matrix, listed twice or unnamed, an unknown group, the same group
    twice, no group, and more than two."""
    if not scheme.groups:
        return [Problem("groups", None, "", "", "", "方案没有 [[groups]]（县域类型）：请在方案中声明类型，"
                        "或不提供分组表")], {}
    by_name = {g.code: g.code for g in scheme.groups} | {g.name: g.code for g in scheme.groups}
    known = "、".join(f"{g.code}（{g.name}）" for g in scheme.groups)
    problems, members = [], {}
    columns = list(frame.columns)
    if len(columns) < 2:
        return [Problem("groups", None, "", "", "", "应有两列或三列：unit,group[,group2]")], {}
    seen = set()
    for i, row in enumerate(frame.astype(object).itertuples(index=False)):
        cells = ["" if pd.isna(c) else str(c).strip() for c in row]
        unit = cells[0]
        if not unit:
            problems.append(Problem("groups", i, "", columns[0], "", "缺少单位名称"))
            continue
        if unit not in units:
            problems.append(Problem("groups", i, unit, columns[0], unit,
                                    "不在矩阵中：请检查单位名称，应与矩阵第一列一致"))
        if unit in seen:
            problems.append(Problem("groups", i, unit, columns[0], unit,
                                    "重复出现：每个单位一行，两个类型写在 group 和 group2 两列"))
        seen.add(unit)
        given = [(columns[j], c) for j, c in enumerate(cells[1:], start=1) if c]
        codes = []
        for col, cell in given:
            if cell not in by_name:
                problems.append(Problem("groups", i, unit, col, cell, f"不是方案中的类型；可选：{known}"))
            elif by_name[cell] in codes:
                problems.append(Problem("groups", i, unit, col, cell, "与前一列的类型相同，请删去重复的一列"))
            else:
                codes.append(by_name[cell])
        if len(given) > MAX_GROUPS:
            problems.append(Problem("groups", i, unit, columns[MAX_GROUPS + 1], given[MAX_GROUPS][1],
                                    f"每个单位最多属于 {MAX_GROUPS} 个类型，请删去多余的类型"))
        if not given:
            problems.append(Problem("groups", i, unit, columns[1], "", f"没有类型；请填写：{known}"))
        members[unit] = tuple(codes)
    return problems, members


def adjustments(matrix: pd.DataFrame, scheme: Scheme, warnings: list[str] | None = None,
                source: str = "矩阵") -> tuple[pd.Series, pd.Series]:
    """(bonus, deduction) per unit: each item capped at its own cap, their sum at the scheme's total cap; an empty
    cell is 0, and so is a missing column (with a warning: `evaluate` refuses one in the matrix beforehand, a
    previous year may predate the item)."""
    totals = {"bonus": pd.Series(0.0, index=matrix.index), "deduction": pd.Series(0.0, index=matrix.index)}
    for a in scheme.adjustments:
        if a.code not in matrix.columns:
            if warnings is not None:
                warnings.append(f"{source}没有“{a.name}”列（{a.code}），按 0 计")
            continue
        points = pd.to_numeric(matrix[a.code], errors="coerce").fillna(0.0).astype(float)
        totals[a.kind] = totals[a.kind] + (points if a.cap is None else points.clip(upper=a.cap))
    for kind, cap in (("bonus", scheme.bonus_cap), ("deduction", scheme.deduction_cap)):
        if cap is not None:
            totals[kind] = totals[kind].clip(upper=cap)
    return totals["bonus"], totals["deduction"]


def vetoes(matrix: pd.DataFrame, scheme: Scheme) -> pd.Series:
    """Per unit, why it may not be honoured ("一票否决：…，不参与评优"), "" when no veto item applies (a missing
    column vetoes no one)."""
    hit = pd.Series("", index=matrix.index, dtype=object)
    for v in scheme.vetoes:
        if v.code in matrix.columns:
            on = (pd.to_numeric(matrix[v.code], errors="coerce") == VETOED).to_numpy()
            hit[on] = [f"{h}、{v.name}" if h else v.name for h in hit[on]]
    return hit.where(hit == "", "一票否决：" + hit + "，不参与评优")


def _join(a: pd.Series, b: pd.Series) -> pd.Series:
    both = (a != "") & (b != "")
    return (a + np.where(both, "；", "") + b).astype(object)


# ------------------------------------------------------------------ honours


def honour_lists(table: pd.DataFrame, scheme: Scheme, warnings: list[str]) -> pd.DataFrame:
    """The scheme's honour lists from the assessed table (one row per unit and group)."""
    units = table.drop_duplicates("unit").set_index("unit")
    eligible = ~units.veto & units["rank"].notna()
    rows = []
    for h in scheme.honours:
        if h.kind == "overall":
            rows += _list(h, units["rank"][eligible], "", lambda u, r: f"综合排名第{r}名", warnings)
        elif h.kind == "group":
            for g in scheme.groups:
                part = table[(table.group == g.code) & table.unit.map(eligible)].set_index("unit")
                rows += _list(h, part.group_rank, g.code, lambda u, r, g=g: f"{g.name}第{r}名", warnings, g.name)
        elif units.improvement.isna().all():
            warnings.append(f"{h.name}：没有上年同期的得分，无法计算进步，不评选")
        else:
            improved = eligible & (units.improvement.astype(float) > 0)
            rows += _list(h, units.improvement_rank[improved], "", lambda u, r: _improved(units.loc[u], scheme),
                          warnings)
    return pd.DataFrame(rows, columns=HONOUR_COLUMNS)


def _list(h: Honour, keys: pd.Series, group: str, why, warnings: list[str], label: str = "") -> list[dict]:
    """The top h.top units by keys (a rank: smaller is better), with every unit tied at the cut-off."""
    keys = keys.dropna().astype(int).sort_values(kind="stable")
    if keys.empty:
        return []
    cutoff = keys.iloc[min(h.top, len(keys)) - 1]
    chosen = keys[keys <= cutoff]
    places = {u: 1 + int((keys < k).sum()) for u, k in chosen.items()}
    if len(chosen) > h.top:
        tied = int((chosen == cutoff).sum())
        where = f"（{label}）" if label else ""
        warnings.append(f"{h.name}{where}：名额 {h.top} 个，第{places[chosen.index[-1]]}名有 {tied} 个单位并列，"
                        f"均列入（共 {len(chosen)} 个）")
    counts = pd.Series(places).value_counts()
    return [{"code": h.code, "name": h.name, "kind": h.kind, "group": group, "unit": u, "place": places[u],
             "why": why(u, int(k)) + ("（并列）" if counts[places[u]] > 1 else "")} for u, k in chosen.items()]


def _improved(row: pd.Series, scheme: Scheme) -> str:
    if scheme.improvement == "rank":
        return f"较上年前进{int(row.improvement)}位（第{int(row.previous_rank)}名→第{int(row['rank'])}名）"
    return f"较上年提高{row.improvement:.2f}分（{row.previous_score:.2f}→{row.score:.2f}）"


def _row_honours(table: pd.DataFrame, honours: pd.DataFrame) -> pd.Series:
    """Per table row, the names of its honours: a group honour on its group's row, the others on every row."""
    out = []
    for unit, group in zip(table.unit, table.group, strict=True):
        mine = honours[(honours.unit == unit) & ((honours.kind != "group") | (honours.group == group))]
        out.append(tuple(dict.fromkeys(mine.name)))
    return pd.Series(out, index=table.index, dtype=object)
