"""Ingest one ledger (台账) file: read, validate, compare with the snapshot it replaces, and write it in one
transaction with its audit record — like loaders/ingest.py for statistics.

A ledger upload is a snapshot of one kind as of a date. Nothing is overwritten: the items are appended under a
new upload id, and the report says which items are new, which changed (old → new per column), which are
unchanged and which the previous snapshot had and this one lacks. A file identical to a committed upload (same
sha256) is a no-op that says so; a rejected file writes nothing.

In the same transaction the snapshot rolls up (loaders/ledger_rollup.py) into the county indicators its kind
fills, written as observations of the upload at the as-of month: rolling the upload back takes them away too.
A rolled-up value that differs from a statistics upload's value of the same key is a warning naming both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from loaders import bulk, clock, isolated, ledger_cells, ledger_rollup, ledger_sheet, upload_check
from loaders import catalogue as catalogue_mod
from loaders import ledger_kinds as kinds_mod
from loaders import regions as regions_mod
from loaders import tables as t
from loaders.cells import CellError, period_label, show
from loaders.ingest import IngestReport, close_upload, open_upload
from loaders.problems import ERROR, WARNING, Problem
from loaders.store import LEDGER, OBS_KEY, Store

KIND = LEDGER  # uploads.kind of every ledger upload
MAX_DROPPED_LISTED = 10  # item ids named in the warning about items the previous snapshot had


def format_of(kind: str) -> str:
    """uploads.format of a ledger upload: ledger_arrears, ledger_complaints, …"""
    return f"ledger_{kind}"


@dataclass
class LedgerReport(IngestReport):
    """An IngestReport (the upload preview and history show it) plus what a ledger upload adds."""

    ledger: str = ""  # the kind's code
    ledger_name: str = ""
    as_of: dt.date | None = None
    as_of_source: str = ""  # option | column | title
    dropped: int = 0  # items of the replaced snapshot (same counties) this file no longer lists
    examples_skipped: int = 0
    items: pd.DataFrame | None = None  # the typed items read (the preview)
    # The county values the snapshot fills (observation rows: region_code, period, indicator, measure, value) and
    # its per-county facts (ledger_rollup.facts), computed in the transaction that writes them.
    rolled_up: pd.DataFrame | None = None
    facts: pd.DataFrame | None = None
    # The statistics value uploaded for each rolled-up key, where there is one (statistics_values): the preview
    # shows it beside the ledger's number.
    statistics: pd.DataFrame | None = None

    def as_dict(self) -> dict:
        d = super().as_dict()
        revisions = [] if self.revisions is None else self.revisions.head(500).to_dict("records")
        return d | {"ledger": self.ledger, "ledger_name": self.ledger_name,
                    "as_of": self.as_of.isoformat() if self.as_of else None, "as_of_source": self.as_of_source,
                    "dropped": self.dropped, "examples_skipped": self.examples_skipped, "revisions": revisions,
                    "rolled_up": [] if self.rolled_up is None else self.rolled_up.drop(columns="src_row")
                    .to_dict("records")}


def ingest_ledger(source: str | Path | bytes, store: Store, *, kind: str | None = None,
                  as_of: dt.date | str | None = None, name: str | None = None, user: str = "cli",
                  dry_run: bool = False, simulated: bool | None = None, note: str = "",
                  today: dt.date | None = None, kinds: kinds_mod.Kinds | None = None,
                  regions: regions_mod.Regions | None = None, allowed_regions: set[str] | None = None,
                  book: tuple | None = None) -> LedgerReport:
    """Load one ledger file. `source` is a path or the file's bytes (then `name` is needed). `kind` is a kind's
    code (None: recognised from the headers); `as_of` the snapshot's date (None: from the file's 截至日期 column
    or title). Returns a report; never raises for a bad file. `allowed_regions` (an uploader scoped to some
    counties) rejects a file with items of any other. `book`: the file's (sheets, encoding, problems) when the caller
    already read them with dates="day" (loaders/upload_ingest.py)."""
    today = today or clock.today()
    kinds = kinds or kinds_mod.default()
    regions = regions or regions_mod.default()
    data = Path(source).read_bytes() if not isinstance(source, bytes) else source
    name = name or (Path(source).name if not isinstance(source, bytes) else "upload")
    sha = hashlib.sha256(data).hexdigest()
    same = store.committed_upload_with_sha(sha)
    if same is not None:
        return _duplicate(store, name, sha, same, kinds)
    report = LedgerReport(file=name, sha256=sha, status="rejected", kind=KIND)
    if isinstance(as_of, str):
        try:
            as_of = as_of_day(as_of)
        except ValueError:
            report.errors.append(Problem(ERROR, "bad_as_of", f"截至日期“{as_of}”无法识别",
                                         "应为如 2026-10-31 或 2026年10月31日 的日期", name, column="截至日期",
                                         value=as_of))
            return report
    refused = upload_check.check(name, data, max_bytes=None, accepted=None)
    if refused:
        report.errors = refused
        return report
    book, encoding, problems = book if book is not None else isolated.read_sheets(name, data, dates="day")
    report.encoding = encoding
    if problems:
        report.errors = [p for p in problems if p.severity == ERROR]
        return report
    parsed = ledger_sheet.parse(book, file=name, kinds=kinds, regions=regions, kind=kind, as_of=as_of,
                                today=today, encoding=encoding)
    frame = parsed.frame
    if parsed.kind is not None:
        report.ledger, report.ledger_name = parsed.kind.code, parsed.kind.name_zh
        report.format = format_of(parsed.kind.code)
    report.as_of, report.as_of_source = parsed.as_of, parsed.as_of_source
    report.periods = [f"{parsed.as_of:%Y-%m}"] if parsed.as_of else []
    report.regions = sorted(frame["region_code"].unique()) if len(frame) else []
    report.rows, report.items = parsed.rows, frame
    report.examples_skipped = parsed.examples_skipped
    report.simulated = parsed.simulated if simulated is None else simulated
    report.errors = [p for p in parsed.problems if p.severity == ERROR]
    report.warnings = [p for p in parsed.problems if p.severity == WARNING]
    outside = sorted(set(report.regions) - allowed_regions) if allowed_regions is not None else []
    if outside:
        names = "、".join(regions[c].name for c in outside[:10])
        report.errors.append(Problem(ERROR, "region_out_of_scope",
                                     f"文件含本账号上报范围以外的县区（{len(outside)} 个）：{names}",
                                     "只上报本账号范围内县区的台账；其他县区请由市级部门上传", name))
    if not report.errors and parsed.kind is not None and parsed.as_of is not None:
        report.errors += _closed_changes(store, parsed, note, today, name)
    if report.errors:
        report.rejected = len({p.row for p in report.errors if p.row is not None}) or report.rows
        return report
    try:
        _write(store, parsed, report, data, user=user, note=note, dry_run=dry_run, regions=regions)
    except sa.exc.DBAPIError:
        same = store.committed_upload_with_sha(sha)  # the same bytes committed meanwhile (see loaders/ingest.py)
        if same is None:
            raise
        return _duplicate(store, name, sha, same, kinds)
    return report


def _closed_changes(store: Store, parsed: ledger_sheet.LedgerParsed, note: str, today: dt.date,
                    file: str) -> list[Problem]:
    """A snapshot that changes county values of a period past its closing date (统计关库) is a correction: as for
    statistics (loaders/ingest.py), allowed only with a reason, then stored as a new version."""
    obs = ledger_rollup.observations(parsed.kind, parsed.frame, parsed.as_of, catalogue_mod.default())
    if obs.empty or note.strip():
        return []
    closing = store.closing_map()
    period = obs["period"].iloc[0]
    if not clock.is_closed(period, closing, today):
        return []
    current = store.observations(periods=[period], regions=sorted(set(obs["region_code"])),
                                 indicators=sorted(set(obs["indicator"])), measures=["cum_level"])
    merged = obs.merge(current[[*OBS_KEY, "value"]], on=list(OBS_KEY), how="left", suffixes=("", "_current"))
    # as for statistics, a first value of a closed period is no correction; changing one that is there is
    changed = merged[merged["value_current"].notna() & ((merged["value"] - merged["value_current"]).abs() > 1e-9)]
    if changed.empty:
        return []
    return [Problem(ERROR, "period_closed",
                    f"{period_label(period)}已于 {clock.closing_date(period, closing)} 统计关库，本台账将改变其中 "
                    f"{len(changed)} 个县区指标数值（如{_first_change(changed)}）",
                    "已关库期间的更正须在上传表单的“更正原因”中写明原因，将作为新版本保存", file, None, "截至日期",
                    str(parsed.as_of), cli_fix="已关库期间的更正须用 --note 写明更正原因，将作为新版本保存")]


def _first_change(changed: pd.DataFrame) -> str:
    r = changed.iloc[0]
    region = regions_mod.default()[r["region_code"]].name if r["region_code"] in regions_mod.default() else r["region_code"]
    return f"{region} {catalogue_mod.default()[r['indicator']].name_zh} {show(r['value_current'])} → {show(r['value'])}"


def as_of_day(text: str) -> dt.date:
    """A 截至日期 given by the uploader ('2026-10-31', '2026年10月31日'); ValueError says what was expected."""
    try:
        d = ledger_cells.date(text)
    except CellError as exc:
        raise ValueError(str(exc)) from exc
    if d is None:
        raise ValueError(f"截至日期为空，{ledger_cells.DATE_HINT}")
    return d


def _duplicate(store: Store, name: str, sha: str, same: dict, kinds: kinds_mod.Kinds) -> LedgerReport:
    led = store.ledger_upload(same["id"]) or {}
    code = led.get("ledger", "")
    return LedgerReport(file=name, sha256=sha, status="duplicate", duplicate_of=same["id"], kind=same["kind"],
                        format=same["format"], encoding=same["encoding"], rows=same["rows_read"],
                        unchanged=same["rows_read"], periods=[p for p in same["periods"].split(",") if p],
                        simulated=bool(same["simulated"]), ledger=code,
                        ledger_name=kinds[code].name_zh if code in kinds else "", as_of=led.get("as_of"),
                        as_of_source=led.get("as_of_source", ""))


def _write(store: Store, parsed: ledger_sheet.LedgerParsed, report: LedgerReport, data: bytes, *, user: str,
           note: str, dry_run: bool, regions: regions_mod.Regions) -> None:
    """One transaction: compare with the snapshot this one replaces, roll it up, record the upload, append the
    items and the rolled-up values."""
    kind, frame = parsed.kind, parsed.frame
    catalogue = catalogue_mod.default()
    obs = ledger_rollup.observations(kind, frame, parsed.as_of, catalogue)
    report.rolled_up, report.facts = obs, ledger_rollup.facts(kind, frame, parsed.as_of)
    with store.engine.connect() as conn:
        trans = conn.begin()
        try:
            previous = store.ledger_snapshot(kind.code, parsed.as_of, report.regions, conn=conn)
            _compare(kind, frame, previous, report)
            report.statistics = statistics_values(conn, obs)
            if _month_end(parsed.as_of):  # a statistic is as of the month's end: a snapshot inside it differs
                report.warnings += _statistics_differ(report.statistics, kind, obs, catalogue, regions, report.file)
            if dry_run:
                report.status = "dry_run"
                trans.rollback()
                return
            upload_id = open_upload(conn, report, data, user, note)
            conn.execute(sa.insert(t.ledger_uploads).values(upload_id=upload_id, ledger=kind.code,
                                                            as_of=parsed.as_of, as_of_source=parsed.as_of_source))
            bulk.load(conn, t.ledger_items, _rows(kind, frame, upload_id, parsed.as_of))
            bulk.load(conn, t.observations, obs.assign(upload_id=upload_id))
            close_upload(conn, upload_id, report.warnings, user, note)
            trans.commit()
        except BaseException:
            if trans.is_active:
                trans.rollback()
            raise
    report.status = "committed"
    report.upload_id = upload_id


def statistics_values(conn: sa.Connection, obs: pd.DataFrame) -> pd.DataFrame:
    """The latest committed statistics (non-ledger) value of each key of `obs`: the keys' columns, value,
    upload_id. What a ledger's roll-up is compared with."""
    cols = [*OBS_KEY, "value", "upload_id"]
    if obs.empty:
        return pd.DataFrame(columns=cols)
    o = t.observations
    cur = Store.current_select(o, OBS_KEY, [
        t.uploads.c.kind != LEDGER, o.c.indicator.in_(sorted(obs["indicator"].unique())),
        o.c.period.in_(sorted(obs["period"].unique())), o.c.region_code.in_(sorted(obs["region_code"].unique())),
        o.c.measure.in_(sorted(obs["measure"].unique()))], name="statistics")
    rows = conn.execute(sa.select(*[cur.c[c] for c in cols])).fetchall()
    return pd.DataFrame([tuple(r) for r in rows], columns=cols)


def _month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def _statistics_differ(stats: pd.DataFrame, kind: kinds_mod.Kind, obs: pd.DataFrame,
                       catalogue: catalogue_mod.Catalogue, regions: regions_mod.Regions, file: str) -> list[Problem]:
    """A warning for each rolled-up value that differs from the statistics value uploaded for the same key
    (`stats`: statistics_values; the ledger's value becomes the current one)."""
    if stats.empty:
        return []
    both = obs.merge(stats, on=list(OBS_KEY), suffixes=("", "_stat"))
    both = both[(both["value"] - both["value_stat"]).abs() > ledger_sheet.REVISION_EPSILON]
    out = []
    for r in both.itertuples(index=False):
        ind = catalogue[r.indicator]
        name = regions[r.region_code].name if r.region_code in regions else r.region_code
        out.append(Problem(
            WARNING, "statistics_differ",
            f"{name} {ind.name_zh} {period_label(r.period)}：台账汇总 {ledger_rollup.value_text(r.value, ind.unit)}，"
            f"已上报统计数 {ledger_rollup.value_text(r.value_stat, ind.unit)}（上传 #{int(r.upload_id)}）",
            f"该期间以本台账汇总数为准；如统计数正确，请核对{kind.name_zh}中该县区的事项", file))
    return out


def _rows(kind: kinds_mod.Kind, frame: pd.DataFrame, upload_id: int, as_of: dt.date) -> pd.DataFrame:
    records = frame.to_dict("records")
    unit = "unit" in {c.code for c in kind.field_columns}
    return pd.DataFrame({
        "upload_id": upload_id, "ledger": kind.code, "as_of": as_of.isoformat(),
        "region_code": [r["region_code"] for r in records], "item_id": [str(r["item_id"]) for r in records],
        "unit": [(r["unit"] or "") if unit else "" for r in records],
        "fields": [kinds_mod.fields_json(kind, r) for r in records],
        "src_row": [int(r["src_row"]) for r in records],
    })


def _compare(kind: kinds_mod.Kind, frame: pd.DataFrame, previous: pd.DataFrame, report: LedgerReport) -> None:
    """Counts against the replaced snapshot (same counties, as of the same date or the latest before it) and the
    changed columns, old → new."""
    cols = [c.code for c in kind.field_columns]
    old = {(r["region_code"], r["item_id"]): r for r in previous.to_dict("records")}
    changes = []
    inserted = revised = unchanged = 0
    for r in frame.to_dict("records"):
        before = old.pop((r["region_code"], r["item_id"]), None)
        if before is None:
            inserted += 1
            continue
        diff = [(c, before[c], r[c]) for c in cols if not _same(before[c], r[c])]
        if diff:
            revised += 1
            changes += [{"region_code": r["region_code"], "item_id": r["item_id"], "column": kind[c].header,
                         "old_value": _text(a), "new_value": _text(b), "old_upload_id": int(before["upload_id"]),
                         "src_row": int(r["src_row"])} for c, a, b in diff]
        else:
            unchanged += 1
    report.inserted, report.revised, report.unchanged = inserted, revised, unchanged
    report.revisions = pd.DataFrame(changes, columns=["region_code", "item_id", "column", "old_value", "new_value",
                                                      "old_upload_id", "src_row"])
    report.dropped = len(old)
    if old:
        ids = "、".join(i for _, i in sorted(old)[:MAX_DROPPED_LISTED])
        more = f"等 {len(old)} 项" if len(old) > MAX_DROPPED_LISTED else f"共 {len(old)} 项"
        since = max(r["as_of"] for r in old.values())
        report.warnings.append(Problem(
            WARNING, "items_dropped", f"截至 {since:%Y-%m-%d} 的上一版台账中有、本文件中没有的事项：{ids}（{more}）",
            "已办结的事项也请保留在台账中并更新状态；确认删除的可忽略本提示", report.file))


def _missing(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _same(a, b) -> bool:
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) <= ledger_sheet.REVISION_EPSILON
    if isinstance(a, pd.Timestamp) or isinstance(b, pd.Timestamp):
        return pd.Timestamp(a) == pd.Timestamp(b)
    return a == b


def _text(v) -> str:
    if _missing(v):
        return ""
    if isinstance(v, pd.Timestamp):
        return f"{v:%Y-%m-%d}"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return show(v)
    return str(v)
