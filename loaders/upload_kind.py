"""What an uploaded file is — statistics (or targets), a ledger of one of the kinds, a list of units, their annual
tasks or their reports, the counties' types (县域类型) or their bonus and veto items — decided from its title and header rows, never from its name or what a browser says.
loaders/upload_ingest.py then loads it with the right function.

Order: a long-table header (region_code, period, …) is statistics; else the ledger kinds of data/ledgers.toml and
the units uploads (and the types and items) are scored on the first rows of each sheet (loaders/ledger_sheet.py and
loaders/unit_headers.py match headers and their aliases as they read them); the best fit wins; with none, the file
goes to the statistics loader, whose own formats (月报宽表, 分月表, 目标表) are recognised by their content. A file
none of them recognises gets one error naming everything looked for, and which template to download.

Light on purpose (no database code): the parse child of loaders/isolated.py imports it.
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders import ledger_kinds as kinds_mod
from loaders import ledger_sheet, long_csv, sheets, unit_headers
from loaders.problems import ERROR, Problem

STATISTICS, LEDGER, UNITS = "statistics", "ledger", "units"
UNIT_UPLOADS = (unit_headers.UNITS, unit_headers.TASKS, unit_headers.REPORTS, unit_headers.TYPES,
                unit_headers.FACTS)
# Rows read to decide: a ledger's header is within its first 15 rows (ledger_sheet.HEADER_SEARCH_ROWS).
HEAD_ROWS = ledger_sheet.HEADER_SEARCH_ROWS
# A units upload is recognised when this many of its columns are in one header row (each has 4–5 columns, so a
# file missing one required column is still recognised, and told which one is missing).
MIN_UNIT_HEADERS = 3
UNKNOWN_CODES = ("unknown_format", "unknown_ledger")  # the statistics loader's and the ledger reader's "no idea"


@dataclass(frozen=True)
class Recognised:
    """What a file is: family statistics | ledger | units; kind: the ledger kind's code, or units | unit_tasks |
    unit_reports ("" for statistics, whose formats the statistics loader tells apart)."""

    family: str
    kind: str = ""


def recognise_csv(name: str, data: bytes, kinds: kinds_mod.Kinds | None = None) -> Recognised | None:
    """What a CSV is, from its first rows (decoded in this process: a CSV costs its own size to read). None: no
    header of any kind (the statistics loader then tries its formats, and says what is wrong)."""
    try:
        book, _ = sheets.read_heads(name, data, HEAD_ROWS)
    except sheets.FileFormatError:
        return None
    return of_book(book, kinds or kinds_mod.default())


def of_book(book: list[sheets.Sheet], kinds: kinds_mod.Kinds) -> Recognised | None:
    """What a file is from the first rows of its sheets; None when no header of any kind fits. Ties between a ledger
    and a units upload go to the one with more columns matched, then more required ones, then to the ledger."""
    for sheet in book:
        first = next((row for row in sheet.rows if any(row)), None)
        if first is not None and long_csv.sniff(first):
            return Recognised(STATISTICS)
    candidates = []  # ((columns matched, required matched), family, kind)
    ledger = ledger_sheet.best_kind(book, kinds)
    if ledger is not None:
        candidates.append((ledger[1], LEDGER, ledger[0].code))
    for upload in UNIT_UPLOADS:
        score = unit_headers.header_score(book, upload)
        if score[0] >= MIN_UNIT_HEADERS:
            candidates.append((score, UNITS, upload))
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (c[0], c[1] == LEDGER))
    return Recognised(best[1], best[2])


def unknown_problem(file: str, kinds: kinds_mod.Kinds | None = None) -> Problem:
    """The one error of a file no loader recognises: what was looked for, and which template to download."""
    kinds = kinds or kinds_mod.default()
    ledgers = "、".join(k.name_zh for k in kinds)
    unit_names = "、".join(unit_headers.WHAT[u] for u in UNIT_UPLOADS)
    return Problem(ERROR, "unknown_upload",
                   f"无法识别这是什么文件：前{HEAD_ROWS}行中没有统计数据的表头（长表 region_code,period,indicator…、"
                   f"统计月报宽表、按指标分月表、目标任务表），也没有任何一种台账（{ledgers}）或{unit_names}的表头",
                   f"请在“数据上报”页下载对应的模板（台账：{ledgers}；{unit_names}），按模板的表头填写后上传；"
                   "统计数据请按统计月报或长表格式上传", file)
