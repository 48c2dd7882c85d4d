"""What an uploaded file is — statistics (or targets), a ledger of one of the kinds, a list of units, their annual
tasks or their reports — decided from its title and header rows (never from its name or what a browser says), and
its ingest with the right function: the one door of the 数据上报 page.

Order: a long-table header (region_code, period, …) is statistics; else the ledger kinds of data/ledgers.toml and
the three units uploads are scored on the first rows of each sheet (loaders/ledger_sheet.py and loaders/units.py
match headers and their aliases the way they read them); the best fit wins; with none, the file goes to the
statistics loader, whose own formats (月报宽表, 分月表, 目标表) are recognised by their content. A file none of
them recognises gets one error naming everything looked for, and which template to download.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from loaders import isolated, ledger_sheet, long_csv, units, upload_check
from loaders import ledger_kinds as kinds_mod
from loaders.ingest import IngestReport, ingest
from loaders.ledger_ingest import LedgerReport, ingest_ledger
from loaders.problems import ERROR, Problem
from loaders.store import Store

STATISTICS, LEDGER = "statistics", "ledger"
UNIT_UPLOADS = (units.UNITS, units.TASKS, units.REPORTS)
# Rows read to decide: a ledger's header is within its first 15 rows (ledger_sheet.HEADER_SEARCH_ROWS).
HEAD_ROWS = ledger_sheet.HEADER_SEARCH_ROWS
# A units upload is recognised when this many of its columns are in one header row (each has 3–5 columns, so a
# file missing one required column is still recognised, and told which one is missing).
MIN_UNIT_HEADERS = 3
UNKNOWN_CODES = ("unknown_format", "unknown_ledger")  # the statistics loader's and the ledger reader's "no idea"


@dataclass(frozen=True)
class Recognised:
    """What a file is: family statistics | ledger | units; kind: the ledger kind's code, or units | unit_tasks |
    unit_reports ("" for statistics, whose formats the statistics loader tells apart)."""

    family: str
    kind: str = ""


def recognise(name: str, data: bytes, *, kinds: kinds_mod.Kinds | None = None) -> tuple[Recognised | None,
                                                                                         list[Problem]]:
    """(what the file is, problems reading it). None with no problems: no ledger or units header was found (the
    statistics loader then tries its own formats). Problems: the file could not be read at all."""
    kinds = kinds or kinds_mod.default()
    book, _, problems = isolated.read_heads(name, data, HEAD_ROWS)
    if problems:
        return None, problems
    for sheet in book:
        first = next((row for row in sheet.rows if any(row)), None)
        if first is not None and long_csv.sniff(first):
            return Recognised(STATISTICS), []
    return of_heads(book, kinds), []


def of_heads(book, kinds: kinds_mod.Kinds) -> Recognised | None:
    """The ledger kind or units upload whose headers the first rows of a book fit best; None when none fits. Ties
    between a ledger and a units upload go to the one with more required columns matched, then to the ledger."""
    candidates = []  # ((columns matched, required matched), family, kind)
    ledger = ledger_sheet.best_kind(book, kinds)
    if ledger is not None:
        candidates.append((ledger[1], LEDGER, ledger[0].code))
    for upload in UNIT_UPLOADS:
        score = units.header_score(book, upload)
        if score[0] >= MIN_UNIT_HEADERS:
            candidates.append((score, "units", upload))
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (c[0], c[1] == LEDGER))
    return Recognised(best[1], best[2])


def unknown_problem(file: str, kinds: kinds_mod.Kinds | None = None) -> Problem:
    """The one error of a file no loader recognises: what was looked for, and which template to download."""
    kinds = kinds or kinds_mod.default()
    ledgers = "、".join(k.name_zh for k in kinds)
    unit_names = "、".join(units.WHAT[u] for u in UNIT_UPLOADS)
    return Problem(ERROR, "unknown_upload",
                   f"无法识别这是什么文件：前{HEAD_ROWS}行中没有统计数据的表头（长表 region_code,period,indicator…、"
                   f"统计月报宽表、按指标分月表、目标任务表），也没有任何一种台账（{ledgers}）或{unit_names}的表头",
                   f"请在本页下载对应的模板（台账：{ledgers}；{unit_names}），按模板的表头填写后上传；"
                   "统计数据请按统计月报或长表格式上传", file)


def ingest_upload(source: str | Path | bytes, store: Store, *, name: str | None = None, user: str = "cli",
                  period: str | None = None, as_of: dt.date | str | None = None, dry_run: bool = False,
                  note: str = "", today: dt.date | None = None, allowed_regions: set[str] | None = None,
                  kinds: kinds_mod.Kinds | None = None) -> IngestReport:
    """Recognise a file and load it with its loader: loaders.ingest.ingest (statistics, targets; `period` applies),
    ledger_ingest.ingest_ledger (a ledger; `as_of` applies when the file does not say its 截至日期) or
    units.ingest_units / ingest_tasks / ingest_reports. Same keywords for all; never raises for a bad file. A file
    identical to a committed upload is that loader's duplicate report."""
    data = Path(source).read_bytes() if not isinstance(source, bytes) else source
    name = name or (Path(source).name if not isinstance(source, bytes) else "upload")
    common = dict(name=name, user=user, dry_run=dry_run, note=note, today=today, allowed_regions=allowed_regions)
    refused = upload_check.check(name, data, max_bytes=None, accepted=None)
    if refused:
        return IngestReport(file=name, sha256=hashlib.sha256(data).hexdigest(), status="rejected", errors=refused)
    what, problems = recognise(name, data, kinds=kinds)
    if problems:
        return IngestReport(file=name, sha256=hashlib.sha256(data).hexdigest(), status="rejected", errors=problems)
    if what is not None and what.family == LEDGER:
        return ingest_ledger(data, store, as_of=as_of, kinds=kinds, **common)
    if what is not None and what.family == "units":
        load = {units.UNITS: units.ingest_units, units.TASKS: units.ingest_tasks,
                units.REPORTS: units.ingest_reports}[what.kind]
        return load(data, store, **common)
    report = ingest(data, store, period=period, **common)
    if what is None and report.status == "rejected" and any(p.code in UNKNOWN_CODES for p in report.errors):
        report = replace(report, errors=[unknown_problem(name, kinds)], warnings=[])
    return report


def is_ledger(report: IngestReport) -> bool:
    return isinstance(report, LedgerReport)


def is_units(report: IngestReport) -> bool:
    return isinstance(report, units.UnitsReport)
