"""Load any uploaded file with the loader its content calls for (loaders/upload_kind.py decides): statistics and
targets (loaders/ingest.py), a ledger (loaders/ledger_ingest.py), units, tasks or reports (loaders/units.py), the counties'
types and bonus/veto items (loaders/county_types.py) — the
one door of the 数据上报 page, with the same keywords for every kind. An .xlsx is recognised and parsed in one
limited child process (loaders/isolated.py), so a statistics workbook costs what it cost before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from pathlib import Path

from loaders import catalogue as catalogue_mod
from loaders import county_types, isolated, sheets, units, upload_check, upload_kind
from loaders import ledger_kinds as kinds_mod
from loaders import regions as regions_mod
from loaders.ingest import IngestReport, Progress, ingest
from loaders.ledger_ingest import ingest_ledger
from loaders.store import Store

LOADERS = {units.UNITS: units.ingest_units, units.TASKS: units.ingest_tasks, units.REPORTS: units.ingest_reports,
           county_types.TYPES: county_types.ingest_types, county_types.FACTS: county_types.ingest_facts}


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
