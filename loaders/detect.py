"""Recognise an uploaded file's layout and hand it to the right parser.

The kind is decided by content, not by the file name: long CSV (observations or targets), the wide
统计月报 sheet, one sheet per indicator with months as columns, and the wide targets sheet, in CSV
(any of the bureau's encodings) or .xlsx (several sheets allowed).
"""

import io

import pandas as pd

from loaders import long_csv, month_columns, sheets, targets_sheet, validate, wide_sheet, xlsx_guard
from loaders.catalogue import Catalogue, how_to_add
from loaders.cells import period_label, show
from loaders.parsed import Parsed, empty_frame
from loaders.problems import ERROR, WARNING, Problem
from loaders.regions import Regions

# Tried in this order on every sheet; the first that recognises the sheet wins.
SHEET_PARSERS = (targets_sheet.parse, month_columns.parse, wide_sheet.parse)
FORMAT_HINT = ("可接受的格式：长表 CSV（region_code,period,indicator,measure,value）、统计月报宽表"
               "（标题行含期间，表头首列为“县区”）、按指标分表（列为 1-2月、1-3月…）、目标任务表；"
               "编码 UTF-8 或 GBK，或 .xlsx")
MAX_LISTED = 200  # keys found on two sheets that are listed one by one


def format_hint() -> str:
    """The formats accepted, and (a sheet whose indicator names are all unknown looks like no table) where to add
    the indicators."""
    return f"{FORMAT_HINT}。表头的指标名称都无法识别时：{how_to_add('')}"


def parse_file(name: str, data: bytes, *, catalogue: Catalogue, regions: Regions,
               period: str | None = None) -> Parsed:
    """Parse any supported file into canonical rows; problems are collected, never raised."""
    if not data.strip():
        return _failed(name, "empty_file", "文件是空的", "请检查是否导出了正确的文件")
    if not sheets.is_xlsx(data):
        head = _first_line(data)
        if head is not None and long_csv.sniff(head):
            try:
                frame, encoding = long_csv.read_frame(data)
            except Exception as exc:  # pyarrow reports ragged rows, bad quoting… in English
                return _failed(name, "bad_csv", f"CSV 结构有误：{_short(exc)}",
                               "请检查各行列数是否一致、引号是否成对，或用 Excel 另存为 CSV UTF-8")
            return long_csv.parse(frame, file=name, catalogue=catalogue, regions=regions, period=period,
                                  encoding=encoding)
    if sheets.is_xlsx(data) and (refused := xlsx_guard.check(name, data)):
        return Parsed(kind="observations", format="unknown", frame=empty_frame(), encoding="xlsx", problems=refused)
    try:
        book, encoding = sheets.read(name, data)
    except sheets.FileFormatError as exc:
        return _failed(name, exc.code, str(exc), exc.fix)
    parts: list[tuple[str, Parsed]] = []
    for sheet in book:
        parsed = _parse_sheet(sheet, name, catalogue, regions, period, encoding)
        if parsed is not None:
            parts.append((sheet.name, parsed))
    if not parts:
        return _failed(name, "unknown_format", "无法识别文件格式", format_hint(), encoding)
    return _combine(parts, encoding, name, catalogue, regions)


def _parse_sheet(sheet: sheets.Sheet, file: str, catalogue: Catalogue, regions: Regions, period: str | None,
                 encoding: str) -> Parsed | None:
    label = file if not file.lower().endswith(".xlsx") else f"{file}[{sheet.name}]"
    header_row = next((i for i, row in enumerate(sheet.rows) if any(row)), None)
    if header_row is not None and long_csv.sniff(sheet.rows[header_row]):
        cols = sheet.rows[header_row]
        body = [r + [""] * (len(cols) - len(r)) for r in sheet.rows[header_row + 1:]]
        frame = pd.DataFrame([r[: len(cols)] for r in body], columns=cols, dtype="string")
        return long_csv.parse(frame, file=label, catalogue=catalogue, regions=regions, period=period,
                              encoding=encoding, row_offset=header_row + 2)
    for parser in SHEET_PARSERS:
        parsed = parser(sheet, file=label, catalogue=catalogue, regions=regions, period=period, encoding=encoding)
        if parsed is not None:
            return parsed
    if len(sheet.rows) > 0 and file.lower().endswith(".xlsx"):
        return Parsed(kind="observations", format="ignored", frame=empty_frame(), encoding=encoding,
                      problems=[Problem(WARNING, "sheet_ignored", f"工作表“{sheet.name}”不是可识别的数据表，已跳过",
                                        "如该表有数据，请按模板整理后上传", file)])
    return None


def _combine(named: list[tuple[str, Parsed]], encoding: str, file: str, catalogue: Catalogue,
             regions: Regions) -> Parsed:
    parts = [p for _, p in named]
    data_parts = [p for p in parts if p.format != "ignored"]
    problems = [q for p in parts for q in p.problems]
    if not data_parts:
        return Parsed(kind="observations", format="unknown", frame=empty_frame(), encoding=encoding,
                      problems=problems + [Problem(ERROR, "unknown_format", "文件中没有可识别的数据表",
                                                   format_hint())])
    kinds = {p.kind for p in data_parts}
    if len(kinds) > 1:
        problems.append(Problem(ERROR, "mixed_kinds", "同一文件中既有指标数据又有目标任务",
                                "请把目标任务表另存为单独的文件上传"))
    first = data_parts[0]
    frame = first.frame
    filled = [(n, p) for n, p in named if p.format != "ignored" and len(p.frame)]
    if len(filled) > 1 and len(kinds) == 1:
        frame, twice = _across_sheets(filled, file, catalogue, regions)
        problems += twice
    elif len(data_parts) > 1:
        frame = pd.concat([p.frame for p in data_parts], ignore_index=True)
    return Parsed(
        kind=first.kind,
        format="+".join(dict.fromkeys(p.format for p in data_parts)),
        frame=frame,
        problems=problems,
        encoding=encoding,
        period_source=next((p.period_source for p in data_parts if p.period_source), ""),
        notes=[n for p in data_parts for n in p.notes],
        simulated=all(p.simulated for p in data_parts),
        marks=pd.concat([p.marks for p in data_parts], ignore_index=True) if len(data_parts) > 1 else first.marks,
    )


def _across_sheets(named: list[tuple[str, Parsed]], file: str, catalogue: Catalogue,
                   regions: Regions) -> tuple[pd.DataFrame, list[Problem]]:
    """(rows, errors): the same key on two sheets of one workbook is an error naming both sheets and rows. The
    later copy is left out of the rows, so the in-sheet duplicate check does not report it with one row number."""
    both = pd.concat([p.frame.assign(sheet=name, part=i) for i, (name, p) in enumerate(named)], ignore_index=True)
    kind = named[0][1].kind
    key = ["region_code", "period", "indicator", "measure" if kind == "observations" else "kind"]
    first_part = both.groupby(key, sort=False, observed=True, dropna=False)["part"].transform("min")
    later = both[both["part"] != first_part]
    keep = both[both["part"] == first_part].drop(columns=["sheet", "part"]).reset_index(drop=True)
    if later.empty:
        return keep, []
    firsts = both[both["part"] == first_part].drop_duplicates(key)[[*key, "sheet", "row"]]
    pairs = later.merge(firsts, on=key, suffixes=("", "_first"))
    return keep, [_twice(r, key[-1], file, catalogue, regions) for r in pairs.head(MAX_LISTED).itertuples(index=False)]


def _twice(r, what: str, file: str, catalogue: Catalogue, regions: Regions) -> Problem:
    label = validate.key_label(r, catalogue, regions, getattr(r, what) if what == "measure"
                               else ("增速目标" if r.kind == "growth" else "总量目标"))
    return Problem(ERROR, "duplicate_across_sheets",
                   f"{label}（{period_label(r.period)}）在工作表“{r.sheet_first}”第{r.row_first}行和"
                   f"工作表“{r.sheet}”第{r.row}行各出现一次，不能确定以哪个为准",
                   "同一个数只能填在一张工作表中：请删除其中一处，或核对两处的期间、指标是否填错",
                   f"{file}[{r.sheet}]", int(r.row), str(r.column), show(r.value))


def _first_line(data: bytes) -> list[str] | None:
    import csv

    head = data[:65536]
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(enc)
            break
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:  # a character cut at the sample's end
                text = head[: exc.start].decode(enc)
                break
    else:
        return None
    line = text.split("\n", 1)[0].rstrip("\r")
    return next(csv.reader(io.StringIO(line)), None)


def _failed(name: str, code: str, reason: str, fix: str, encoding: str = "") -> Parsed:
    return Parsed(kind="observations", format="unknown", frame=empty_frame(), encoding=encoding,
                  problems=[Problem(ERROR, code, reason, fix, name)])


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200]
