"""Read the sheets of a ledger (台账) upload into typed items: which kind it is (from its headers, unless given),
the header row, the 截至日期 (given, a column, or the title), every cell by its column's type, the county, the
item key and the kind's cross-field rules. Every problem is collected as (row, column, value, reason, fix).

Layout (the template's, loaders/ledger_templates.py): title rows, one header row, then one row per item. A row
whose first cell starts with 示例 is the template's example and is skipped; a 合计 row with no key is skipped.
Pure: takes sheets of text cells (loaders/sheets.py) and returns what it found.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from loaders import ledger_cells
from loaders.cells import CellError, norm, squeeze, unit_factor, unit_in
from loaders.ledger_kinds import IGNORED_HEADERS, Column, Kind, Kinds, header_key, read_cell, typed_frame
from loaders.problems import ERROR, WARNING, Problem
from loaders.regions import CITY_ROW_NAMES, Regions
from loaders.sheets import Sheet

HEADER_SEARCH_ROWS = 15  # title and note rows above the header: a real sheet has one to three
MIN_HEADERS = 3  # a row is a kind's header row when at least this many of its cells are that kind's headers
EXAMPLE_MARK = "示例"
TOTAL_NAMES = (*CITY_ROW_NAMES, "小计", "合计行")
NOTE_SHEETS = ("填表说明", "说明", "填报说明")  # the template's notes sheet: never a ledger, never a warning
SIMULATED_MARK = "模拟数据"
MAX_KEY_CHARS = 128  # ledger_items.item_id holds this many; a 台账编号 is a dozen characters
REVISION_EPSILON = 1e-6  # amounts in 万元 have at most 4 decimals; below this two amounts are equal
_AS_OF = re.compile(r"(?:截至|截止)(?:到|至)?[:：]?\s*((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]?\s*"
                    r"(?:(\d{1,2})\s*日?|(底|末))")
AS_OF_HINT = "如“截至2026年10月31日”"

TYPE_FIX = {
    "text": "请精简内容后重新上传",
    "number": "请填写数字（单位{unit}），不要带文字或单位；没有请填 0",
    "date": "请改为 2026-10-31 或 2026年10月31日 的格式",
    "month": "请改为 2026-12 或 2026年12月 的格式",
    "choice": "请从下拉列表中选择：{allowed}",
    "bool": "请填写“{yes}”或“{no}”",
}


@dataclass
class LedgerParsed:
    kind: Kind | None
    frame: pd.DataFrame  # typed items (ledger_kinds.typed_frame) with src_row; empty when nothing was read
    problems: list[Problem] = field(default_factory=list)
    as_of: dt.date | None = None
    as_of_source: str = ""  # option | column | title
    encoding: str = ""
    simulated: bool = False
    examples_skipped: int = 0
    rows: int = 0  # item rows met (read or not)


def parse(book: list[Sheet], *, file: str, kinds: Kinds, regions: Regions, kind: str | None = None,
          as_of: dt.date | None = None, today: dt.date, encoding: str = "") -> LedgerParsed:
    """The items of a ledger upload; `kind` and `as_of` as the uploader gave them (None: from the file)."""
    def fail(code, reason, fix, **kw) -> LedgerParsed:
        return LedgerParsed(kind=kinds[kind] if kind in kinds else None, frame=pd.DataFrame(), encoding=encoding,
                            problems=[Problem(ERROR, code, reason, fix, file, **kw)])
    if kind is not None and kind not in kinds:
        return fail("unknown_ledger", f"没有“{kind}”这种台账", f"台账类型可为：{kinds.hint()}")
    candidates = [kinds[kind]] if kind else list(kinds)
    book = [s for s in book if s.name not in NOTE_SHEETS]
    best = [h for s in book for k in candidates if (h := _best_header(s, [k])) is not None]
    if not best:
        if kind:
            k = kinds[kind]
            return fail("no_header", f"未找到{k.name_zh}的表头行（前{HEADER_SEARCH_ROWS}行中没有至少{MIN_HEADERS}个"
                        "可识别的列名）", f"表头行应含：{'、'.join(c.title for c in k.required)}；可下载模板对照")
        return fail("unknown_ledger", "无法识别是哪种台账：未找到可识别的表头行",
                    f"请使用台账模板，或在上传时指定台账类型（{kinds.hint()}）")
    top = max(best, key=lambda f: f.score)
    if kind is None:
        rivals = sorted({f.kind.name_zh for f in best if f.score == top.score and f.kind.code != top.kind.code})
        if rivals:
            return fail("ambiguous_ledger", f"表头同时符合{top.kind.name_zh}和{'、'.join(rivals)}，无法判断台账类型",
                        "请在上传时指定台账类型", cli_fix="请用 --kind 指定台账类型")
    chosen = top.kind
    problems: list[Problem] = []
    items: list[dict] = []
    dates: list[tuple[dt.date, str, str]] = []  # (date, source, where) from titles and columns
    simulated, examples, rows, read_any = False, 0, 0, False
    others: list[Kind] = []  # kinds of the sheets skipped as another kind's
    xlsx = file.lower().endswith(".xlsx") or encoding == "xlsx"
    for sheet in book:
        label = f"{file}[{sheet.name}]" if xlsx else file
        f = _best_header(sheet, [chosen])
        if f is None:
            if sheet.rows:
                problems.append(Problem(WARNING, "sheet_ignored", f"工作表“{sheet.name}”不是{chosen.name_zh}，已跳过",
                                        "如该表有台账数据，请按模板的表头整理", label))
            continue
        other = _best_header(sheet, [k for k in kinds if k.code != chosen.code])
        if other is not None and other.score > f.score:  # another kind's sheet in the same workbook
            problems.append(Problem(WARNING, "sheet_other_kind", f"工作表“{sheet.name}”是{other.kind.name_zh}，"
                                    f"不是{chosen.name_zh}，已跳过", f"{other.kind.name_zh}请单独上传", label))
            others.append(other.kind)
            continue
        part = _read_sheet(sheet, f.row, chosen, label, regions)
        problems += part.problems
        items += part.items
        dates += part.dates
        simulated |= part.simulated
        examples += part.examples
        rows += part.rows
        read_any = True
    if not read_any:  # every sheet is another kind's: the kind given is the wrong one
        other_name = others[0].name_zh
        return fail("kind_mismatch", f"文件的表头是{other_name}，不是{chosen.name_zh}",
                    f"请选择台账类型“{other_name}”，或上传{chosen.name_zh}的文件",
                    cli_fix="请用 --kind 指定正确的台账类型，或不指定（按表头识别）")
    problems += _duplicates(items, chosen, file)
    date, source, date_problems = _as_of(dates, as_of, today, file)
    if any(p.code == "bad_as_of" for p in problems):  # a date was written but is wrong: that is the message
        date_problems = [p for p in date_problems if p.code != "no_as_of"]
    problems += date_problems
    if not items and not any(p.severity == ERROR for p in problems):
        problems.append(Problem(ERROR, "no_items", f"{chosen.name_zh}中没有任何事项",
                                "请在表头下方逐行填写事项（序号为“示例”的示例行上传时会被忽略）", file))
    frame = typed_frame(chosen, items, extra=("src_row",))
    return LedgerParsed(kind=chosen, frame=frame, problems=problems, as_of=date, as_of_source=source,
                        encoding=encoding, simulated=simulated, examples_skipped=examples, rows=rows)


# ---------------------------------------------------------------- the header row

@dataclass
class _Header:
    kind: Kind
    row: int  # 0-based index into sheet.rows
    score: tuple[int, int]  # (columns matched, required columns matched)


def _best_header(sheet: Sheet, kinds: list[Kind]) -> _Header | None:
    best = None
    for i, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        for k in kinds:
            cols = {c.code for c in (k.column_for(cell) for cell in row if cell) if c is not None}
            if len(cols) < MIN_HEADERS:
                continue
            score = (len(cols), sum(c.code in cols for c in k.required))
            if best is None or score > best.score:
                best = _Header(k, i, score)
    return best


def best_kind(book: list[Sheet], kinds: Kinds) -> tuple[Kind, tuple[int, int]] | None:
    """The kind whose header row a book's sheets fit best, and its score (columns matched, required columns
    matched), or None when no sheet has a header row of any kind: what loaders/upload_kind.py recognises a ledger
    by, with the rule `parse` uses."""
    found = [h for s in book if s.name not in NOTE_SHEETS for k in kinds if (h := _best_header(s, [k])) is not None]
    if not found:
        return None
    top = max(found, key=lambda f: f.score)
    return top.kind, top.score


# ---------------------------------------------------------------- one sheet

@dataclass
class _Part:
    items: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dates: list[tuple[dt.date, str, str]] = field(default_factory=list)
    simulated: bool = False
    examples: int = 0
    rows: int = 0


def _read_sheet(sheet: Sheet, header_index: int, kind: Kind, file: str, regions: Regions) -> _Part:
    out = _Part()
    header_row = sheet.rows[header_index]
    header_no = header_index + 1
    title = " ".join(c for r in sheet.rows[:header_index] for c in r if c)
    out.simulated = SIMULATED_MARK in title
    out.dates, title_problems = _title_dates(title, file)
    out.problems += title_problems
    mapping, as_of_col, factors = {}, None, {}
    for j, cell in enumerate(header_row):
        if not cell:
            continue
        col = kind.column_for(cell)
        if col is not None:
            if col.code in mapping.values():
                first = next(i for i, c in mapping.items() if c == col.code)
                out.problems.append(Problem(ERROR, "duplicate_column",
                                            f"与第{first + 1}列“{header_row[first]}”是同一列（{col.header}）",
                                            "请删除重复的列，只保留一列", file, header_no, cell, cell))
                continue
            mapping[j] = col.code
            if col.type == "number":
                written = unit_in(cell)
                factor = unit_factor(written, col.unit)
                if factor is None:
                    out.problems.append(Problem(ERROR, "bad_unit", f"表头单位“{written}”无法换算为{col.unit}",
                                                f"请把该列换算为{col.unit}，表头写作“{col.title}”", file, header_no,
                                                cell, cell))
                factors[col.code] = factor or 1.0
        elif kind.is_as_of_header(cell):
            as_of_col = j
        elif header_key(cell) not in {header_key(h) for h in IGNORED_HEADERS}:
            out.problems.append(Problem(WARNING, "column_ignored", f"“{cell}”不是{kind.name_zh}的列，已忽略",
                                        f"如需导入，请使用模板中的列名：{'、'.join(c.header for c in kind.columns)}",
                                        file, header_no, cell))
    present = set(mapping.values())
    for col in kind.required:
        if col.code not in present:
            out.problems.append(Problem(ERROR, "missing_column", f"缺少必填列“{col.title}”",
                                        f"请在表头行加上这一列；表头可写作：{'、'.join(col.headers)}",
                                        file, header_no, col.header))
    if any(p.code == "missing_column" for p in out.problems):
        return out  # without the columns the rows cannot be read; say what is missing once, not per row
    headers = {code: header_row[j] for j, code in mapping.items()}
    region_col = kind.region_column
    region_j = next(j for j, c in mapping.items() if c == region_col.code)
    body = [(i + 1, r) for i, r in enumerate(sheet.rows[header_index + 1:], start=header_index + 1) if any(r)]
    city = _city(regions, [_cell(r, region_j) for _, r in body])
    for row_no, r in body:
        first = next((c for c in r if c), "")
        if squeeze(first).startswith(EXAMPLE_MARK):
            out.examples += 1
            continue
        cells = {code: _cell(r, j) for j, code in mapping.items()}
        key_empty = all(ledger_cells.is_empty(cells.get(k, "")) for k in kind.key)
        if key_empty and squeeze(cells[region_col.code]) in TOTAL_NAMES:
            out.problems.append(Problem(WARNING, "total_row_ignored", "合计行，已忽略（台账逐项上报，合计由平台计算）",
                                        "", file, row_no, headers[region_col.code], cells[region_col.code]))
            continue
        out.rows += 1
        item, problems = _read_row(kind, cells, headers, factors, row_no, file, regions, city)
        out.problems += problems
        if as_of_col is not None:
            raw = _cell(r, as_of_col)
            try:
                d = ledger_cells.date(raw)
            except CellError as exc:
                out.problems.append(Problem(ERROR, "bad_as_of", str(exc), TYPE_FIX["date"], file, row_no,
                                            header_row[as_of_col], raw))
            else:
                if d is not None:
                    out.dates.append((d, "column", f"第{row_no}行“{header_row[as_of_col]}”"))
        if item is not None:
            items_item = item | {"src_row": row_no}
            out.items.append(items_item)
    return out


def _cell(row: list[str], j: int) -> str:
    return row[j] if j < len(row) else ""


def _city(regions: Regions, texts: list[str]) -> str | None:
    """The prefecture most rows' counties belong to: it settles names used in several prefectures."""
    cities = Counter(regions.city_of(code) for t in set(texts) if (code := regions.resolve(t)))
    cities.pop(None, None)
    return cities.most_common(1)[0][0] if cities else None


def _read_row(kind: Kind, cells: dict[str, str], headers: dict[str, str], factors: dict[str, float], row_no: int,
              file: str, regions: Regions, city: str | None) -> tuple[dict | None, list[Problem]]:
    problems: list[Problem] = []
    values: dict = {}
    for col in kind.columns:
        raw = cells.get(col.code, "")
        header = headers.get(col.code, col.header)
        if col.type == "region":
            value, problem = _region(raw, col, header, row_no, file, regions, city)
            if problem:
                problems.append(problem)
            values["region_code"] = value
            continue
        try:
            value = read_cell(col, raw, factor=factors.get(col.code, 1.0))
        except CellError as exc:
            problems.append(Problem(ERROR, f"bad_{col.type}", str(exc), _fix(col), file, row_no, header, raw))
            values[col.code] = None
            continue
        if value is None and col.required:
            problems.append(Problem(ERROR, "required_empty", f"“{col.header}”是必填项，不能为空",
                                    f"请填写{col.header}" + (f"（可选：{'、'.join(col.allowed())}）" if col.allowed() else ""),
                                    file, row_no, header, raw))
        values[col.code] = value
    problems += _rules(kind, values, cells, headers, row_no, file)  # on the cells that could be read
    key = " / ".join(str(values[k]) for k in kind.key if values.get(k) is not None)
    if len(key) > MAX_KEY_CHARS:
        first = kind[kind.key[0]]
        problems.append(Problem(ERROR, "key_too_long", f"编号有 {len(key)} 个字符，超过 {MAX_KEY_CHARS} 个的上限",
                                f"请使用简短的{first.header}，如 {first.example}", file, row_no,
                                headers.get(first.code, first.header), cells.get(first.code, "")))
    if any(p.severity == ERROR for p in problems):
        return None, problems
    values["item_id"] = key
    return values, problems


def _region(raw: str, col: Column, header: str, row_no: int, file: str, regions: Regions,
            city: str | None) -> tuple[str | None, Problem | None]:
    if ledger_cells.is_empty(raw):
        return None, Problem(ERROR, "required_empty", f"“{col.header}”是必填项，不能为空", "请填写县区名称",
                             file, row_no, header, raw)
    code = regions.resolve(raw, city)
    province = regions[regions.province].name if regions.province in regions else "本省"
    if code is not None and regions.province and regions[code].province_code != regions.province:
        return None, Problem(ERROR, "unknown_region", f"“{regions[code].name}”（{code}）不是{province}的县区",
                             _region_hint(regions, city), file, row_no, header, raw)
    if code is None:
        return None, Problem(ERROR, "unknown_region", f"不是{province}的县区", _region_hint(regions, city),
                             file, row_no, header, raw)
    if regions[code].level == "province":
        return None, Problem(ERROR, "unknown_region", "台账事项应属于一个县区（或市本级），不能是全省",
                             _region_hint(regions, city), file, row_no, header, raw)
    return code, None


def _region_hint(regions: Regions, city: str | None) -> str:
    if city:
        names = "、".join(r.name for r in sorted(regions.counties_of(city), key=lambda r: r.code))
        return f"应为县区全称、简称或6位区划代码：{names}"
    return f"应为县区全称、简称或6位区划代码（如 {regions.example()}）"


def _fix(col: Column) -> str:
    yes, no = ledger_cells.bool_words(col.yes, col.no)
    return TYPE_FIX[col.type].format(unit=col.unit, allowed="、".join(col.choices), yes=yes, no=no)


def _rules(kind: Kind, values: dict, cells: dict[str, str], headers: dict[str, str], row_no: int,
           file: str) -> list[Problem]:
    out = []
    for rule in kind.rules:
        c = rule.columns
        sev = ERROR if rule.severity == "error" else WARNING
        if rule.check in ("at_most", "not_before"):
            v, limit = values.get(c["column"]), values.get(c["limit"])
            if v is None or limit is None:
                continue
            bad = v > limit + REVISION_EPSILON if rule.check == "at_most" else v < limit
            if bad:
                word = "大于" if rule.check == "at_most" else "早于"
                out.append(Problem(sev, f"rule_{rule.check}",
                                   f"{word}{kind[c['limit']].header}“{cells.get(c['limit'], '')}”，{rule.reason}",
                                   rule.fix, file, row_no, headers.get(c["column"], kind[c["column"]].header),
                                   cells.get(c["column"], "")))
        elif rule.check == "settled":
            paid, owed = values.get(c["paid"]), values.get(c["owed"])
            if values.get(c["column"]) != rule.value or values.get(c["unless"]) is True or paid is None or owed is None:
                continue
            if paid < owed - REVISION_EPSILON:
                out.append(Problem(sev, "rule_settled",
                                   f"{kind[c['column']].header}为“{rule.value}”，但{kind[c['paid']].header}"
                                   f"“{cells.get(c['paid'], '')}”小于{kind[c['owed']].header}“{cells.get(c['owed'], '')}”，"
                                   f"{rule.reason}", rule.fix, file, row_no,
                                   headers.get(c["column"], kind[c["column"]].header), cells.get(c["column"], "")))
    return out


def _duplicates(items: list[dict], kind: Kind, file: str) -> list[Problem]:
    seen: dict[tuple[str, str], int] = {}
    out = []
    key_header = " / ".join(kind[k].header for k in kind.key)
    for item in items:
        k = (item["region_code"], item["item_id"])
        if k in seen:
            out.append(Problem(ERROR, "duplicate_item", f"与第{seen[k]}行的{key_header}重复（同一县区内编号不得重复）",
                               "请核对编号：同一事项只保留一行，不同事项请用不同编号", file, item["src_row"],
                               key_header, item["item_id"]))
        else:
            seen[k] = item["src_row"]
    dup_rows = {p.row for p in out}
    items[:] = [i for i in items if i["src_row"] not in dup_rows]
    return out


# ---------------------------------------------------------------- the 截至日期

def _title_dates(title: str, file: str) -> tuple[list[tuple[dt.date, str, str]], list[Problem]]:
    out, problems = [], []
    for m in _AS_OF.finditer(norm(title)):
        y, mo = int(m.group(1)), int(m.group(2))
        try:
            if not 1 <= mo <= 12:
                raise ValueError(mo)
            if m.group(4):  # 10月底 / 10月末: the month's last day
                d = (dt.date(y + mo // 12, mo % 12 + 1, 1) - dt.timedelta(days=1))
            else:
                d = dt.date(y, mo, int(m.group(3)))
        except ValueError:
            problems.append(Problem(ERROR, "bad_as_of", f"标题中的截至日期“{m.group(0)}”不存在",
                                    f"请改正标题中的日期，{AS_OF_HINT}", file, value=m.group(0)))
            continue
        out.append((d, "title", f"标题“{m.group(0)}”"))
    return out, problems


def _as_of(found: list[tuple[dt.date, str, str]], given: dt.date | None, today: dt.date,
           file: str) -> tuple[dt.date | None, str, list[Problem]]:
    distinct = sorted({d for d, _, _ in found})
    if len(distinct) > 1:
        where = "；".join(f"{w}为 {d}" for d, _, w in sorted(set(found))[:6])
        return None, "", [Problem(ERROR, "several_as_of", f"文件中有多个截至日期（{where}）",
                                  "一份台账是一个日期的快照：请统一截至日期，或按日期拆分成几个文件", file)]
    stated = distinct[0] if distinct else None
    source = next((s for d, s, _ in found if d == stated), "") if stated else ""
    if given is not None:
        if stated is not None and stated != given:
            return None, "", [Problem(ERROR, "as_of_mismatch", f"文件写明截至 {stated}，与上传时指定的 {given} 不一致",
                                      "请改正文件中的日期，或不填写截至日期（以文件为准）", file,
                                      cli_fix="请改正文件中的日期，或去掉 --as-of（以文件为准）")]
        stated, source = given, "option"
    if stated is None:
        return None, "", [Problem(ERROR, "no_as_of", "未注明台账的截至日期",
                                  f"请在标题行写明截至日期（{AS_OF_HINT}），或上传时填写截至日期", file,
                                  cli_fix=f"请在标题行写明截至日期（{AS_OF_HINT}），或用 --as-of 2026-10-31 指定")]
    if stated > today:
        return None, "", [Problem(ERROR, "as_of_future", f"截至日期 {stated} 晚于今天（{today}）",
                                  "台账只能是已过去某一天的快照，请核对日期", file)]
    return stated, source, []
