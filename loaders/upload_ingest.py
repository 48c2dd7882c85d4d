"""Load any uploaded file with the loader its content calls for (loaders/upload_kind.py decides): statistics and
targets (loaders/ingest.py), a ledger (loaders/ledger_ingest.py), units, tasks or reports (loaders/units.py), the counties'
types and bonus/veto items (loaders/county_types.py) — the
one door of the 数据上报 page, with the same keywords for every kind. An .xlsx is recognised and parsed in one
limited child process (loaders/isolated.py), so a statistics workbook costs what it cost before. `upload_job` is the
page's preview or commit of every dropped file as one background job (loaders/jobs.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from pathlib import Path

from loaders import audit, county_types, isolated, sheets, shown, units, upload_check, upload_kind
from loaders import catalogue as catalogue_mod
from loaders import ledger_kinds as kinds_mod
from loaders import regions as regions_mod
from loaders.ingest import IngestReport, Progress, ingest
from loaders.ledger_ingest import format_of, ingest_ledger
from loaders.problems import ERROR, Problem
from loaders.store import Store

LOADERS = {units.UNITS: units.ingest_units, units.TASKS: units.ingest_tasks, units.REPORTS: units.ingest_reports,
           county_types.TYPES: county_types.ingest_types, county_types.FACTS: county_types.ingest_facts}
# What each upload format (uploads.format) is called, in Chinese and English: the upload page's cards and messages and
# the audit log say these (layouts/i18n.py builds its format_ texts from format_names()).
FORMAT_NAMES = {
    "long_csv": ("长表 CSV", "long CSV"),
    "wide_sheet": ("统计月报宽表", "monthly report, wide sheet"),
    "month_columns": ("分月表（各月为列）", "months as columns"),
    "long_targets": ("目标任务长表", "targets, long"),
    "wide_targets": ("目标任务宽表", "targets, wide sheet"),
    units.UNITS: ("下辖单位名单", "units below the county"),
    units.TASKS: ("下辖单位年度任务", "tasks of the units"),
    units.REPORTS: ("下辖单位报送情况", "reports of the units"),
    county_types.TYPES: ("县域类型", "county types"),
    county_types.FACTS: ("加减分及否决事项", "bonus, deduction and veto items"),
}
# Rows of a report's revisions and new values the job hands back (the page shows the first 200,
# layouts/upload_view.py): a 200k-row history file's full frames would be tens of MB in Redis.
ROWS_RETURNED = 200


def format_names(kinds: kinds_mod.Kinds | None = None) -> dict[str, tuple[str, str]]:
    """FORMAT_NAMES and each ledger kind's upload format, said by its name in data/ledgers.toml."""
    kinds = kinds or kinds_mod.default()
    return {**FORMAT_NAMES, **{format_of(k.code): (k.name_zh, k.name_en) for k in kinds}}


def audit_detail(report: IngestReport) -> str:
    """An upload's line in the audit log: the file, what it is, and what it did."""
    what = format_names().get(report.format, (report.format or "—",))[0]
    return (f"{report.file}（{what}）：新增 {report.inserted} 修订 {report.revised} 未变 {report.unchanged} "
            f"错误 {len(report.errors)}")


def ingest_upload(source: str | Path | bytes, store: Store, *, name: str | None = None, user: str = "cli",
                  period: str | None = None, as_of: dt.date | str | None = None, dry_run: bool = False,
                  note: str = "", today: dt.date | None = None, allowed_regions: set[str] | None = None,
                  kinds: kinds_mod.Kinds | None = None, progress: Progress | None = None) -> IngestReport:
    """Recognise a file and load it: loaders.ingest.ingest for statistics and targets (`period` applies),
    ledger_ingest.ingest_ledger for a ledger (`as_of` applies when the file does not say its 截至日期; a text is
    parsed there, a bad one is an error), units.ingest_units / ingest_tasks / ingest_reports for the units uploads.
    Returns that loader's report (IngestReport, LedgerReport or UnitsReport); never raises for a bad file.
    `progress` reports a statistics file's stages (the small ledger and units files have none)."""
    data = Path(source).read_bytes() if not isinstance(source, bytes) else source
    name = name or (Path(source).name if not isinstance(source, bytes) else "upload")
    kinds = kinds or kinds_mod.default()
    common = dict(name=name, user=user, dry_run=dry_run, note=note, today=today, allowed_regions=allowed_regions)
    refused = upload_check.check(name, data, max_bytes=None, accepted=None)
    if refused:
        return IngestReport(file=name, sha256=hashlib.sha256(data).hexdigest(), status="rejected", errors=refused)
    parsed = book = None
    if sheets.is_xlsx(data):
        what, got = isolated.parse_upload(name, data, catalogue=catalogue_mod.default(),
                                          regions=regions_mod.default(), period=period, kinds=kinds)
        if what is not None and what.family != upload_kind.STATISTICS:
            book = got
        else:
            parsed = got
    else:
        what = upload_kind.recognise_csv(name, data, kinds)
    if what is not None and what.family == upload_kind.LEDGER:
        return ingest_ledger(data, store, as_of=as_of, kinds=kinds, book=book, **common)
    if what is not None and what.family == upload_kind.UNITS:
        return LOADERS[what.kind](data, store, book=book, **common)
    report = ingest(data, store, period=period, parsed=parsed, progress=progress, **common)
    if what is None and report.status == "rejected" and any(p.code in upload_kind.UNKNOWN_CODES
                                                            for p in report.errors):
        report = replace(report, errors=[upload_kind.unknown_problem(name, kinds)], warnings=[])
    return report


def upload_job(store: Store, *, files: list[dict], dry_run: bool, user: str, period: str | None = None,
               as_of: str | None = None, note: str = "", allowed_regions: set[str] | None = None) -> dict:
    """The upload page's preview (dry_run) or commit of the dropped files, as a job: each file is {"name", "key"}
    (its bytes staged in the store by the page, Store.stage_file) or {"name", "problems"} (refused by the page's
    checks; reported as it is). Returns {"dry_run", "reports"} in the files' order; the staged bytes are deleted.
    A commit writes each file's audit record here, as it is written: the uploader's page may be closed by then."""
    reports = []
    if not dry_run:  # the pages keep what they show until the warm-up of what this writes has ended
        shown.committing(store, store.data_state(), store.committed_uploads()["id"])
    try:
        for f in files:
            data = store.staged_file(f["key"]) if "key" in f else None
            if data is None:
                problems = f.get("problems") or [Problem(ERROR, "unreadable", "文件内容未能完整上传",
                                                         "请重新选择文件上传", f["name"])]
                reports.append(IngestReport(file=f["name"], sha256="", status="rejected", errors=list(problems)))
                continue
            r = ingest_upload(data, store, name=f["name"], user=user, period=period, as_of=as_of, note=note,
                              dry_run=dry_run, allowed_regions=allowed_regions)
            reports.append(_trimmed(r))
        if not dry_run:
            for r in reports:
                if r.status in ("committed", "rejected"):
                    audit.record(store, "upload", user=user, outcome=audit.OK if r.ok else audit.FAILED,
                                 target=r.upload_id or r.file, detail=audit_detail(r))
    finally:
        store.unstage_files([f["key"] for f in files if "key" in f])
    if not dry_run and any(r.status == "committed" for r in reports):  # held until the page submits the warm-up
        shown.computing(store, store.data_state(), store.committed_uploads()["id"])
    return {"dry_run": dry_run, "reports": reports}


def _trimmed(report: IngestReport) -> IngestReport:
    cut = {name: frame.head(ROWS_RETURNED) for name in ("revisions", "new_values")
           if (frame := getattr(report, name, None)) is not None and len(frame) > ROWS_RETURNED}
    return replace(report, **cut) if cut else report

