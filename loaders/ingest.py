"""Ingest one file: parse, validate, and write it in one transaction with its audit record.

All rows or none. Nothing is overwritten: every row is appended under a new upload id, and the
report says which values are new, which revise a current value (old → new) and which are
unchanged. A file identical to a committed upload (same sha256) is a no-op that says so.

A value whose key a committed ledger snapshot fills (README “台账汇总”) is stored but does not become current:
the ledger's roll-up stays the value shown, the row counts as unchanged, and a different number is a warning
naming both. Rolling the ledger back makes the stored statistics value current again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from loaders import bulk, clock, isolated, ledger_kinds, ledger_rollup, upload_check, validate
from loaders import catalogue as catalogue_mod
from loaders import regions as regions_mod
from loaders import tables as t
from loaders.cells import FLAT, NOT_REPORTED, period_label, show
from loaders.clock import closing_date, is_closed
from loaders.parsed import Parsed
from loaders.problems import ERROR, WARNING, Problem
from loaders.store import COMMITTED, LEDGER, OBS_KEY, TARGET_KEY, Store, now

# A revision is a change larger than float noise; published figures have at most 4 decimals.
REVISION_EPSILON = 1e-6
# Rows per INSERT … SELECT when moving staged rows into the table: progress is reported per chunk.
CHUNK_ROWS = 200_000
MAX_REVISIONS_LISTED = 500
MAX_NEW_LISTED = 500  # new values listed beside last month's (the preview shows a page of them)

Progress = Callable[[str, int, int], None]


@dataclass
class IngestReport:
    file: str
    sha256: str
    status: str  # committed | rejected | duplicate | dry_run
    kind: str = ""
    format: str = ""
    encoding: str = ""
    upload_id: int | None = None
    duplicate_of: int | None = None
    rows: int = 0
    inserted: int = 0
    revised: int = 0
    unchanged: int = 0
    rejected: int = 0
    periods: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    period_source: str = ""
    simulated: bool = False
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    revisions: pd.DataFrame | None = None
    # Values the store lacks, with the store's value of the same key a month earlier (prev_value, 上期).
    new_values: pd.DataFrame | None = None
    flat: int = 0  # growth rates published as 持平 (stored as 0.0 with their mark)
    not_reported: int = 0  # cells published as 没有上报报表 (stored as marks, no value)

    @property
    def ok(self) -> bool:
        return self.status in ("committed", "duplicate", "dry_run")

    def as_dict(self) -> dict:
        revisions = [] if self.revisions is None else self.revisions.head(MAX_REVISIONS_LISTED).to_dict("records")
        return {
            "file": self.file, "sha256": self.sha256, "status": self.status, "kind": self.kind,
            "format": self.format, "encoding": self.encoding, "upload_id": self.upload_id,
            "duplicate_of": self.duplicate_of, "rows": self.rows, "inserted": self.inserted,
            "revised": self.revised, "unchanged": self.unchanged, "rejected": self.rejected,
            "periods": self.periods, "regions": self.regions, "period_source": self.period_source, "simulated": self.simulated,
            "errors": [p.as_dict() for p in self.errors], "warnings": [p.as_dict() for p in self.warnings],
            "revisions": revisions, "flat": self.flat, "not_reported": self.not_reported,
        }


def ingest_job(store: Store, *, data: bytes, name: str, **kwargs) -> IngestReport:
    """ingest() as a background job (loaders/jobs.py): the file's bytes and its name travel with the job."""
    return ingest(data, store, name=name, **kwargs)


def ingest(source: str | Path | bytes, store: Store, *, name: str | None = None, user: str = "cli",
           period: str | None = None, dry_run: bool = False, simulated: bool | None = None,
           note: str = "", progress: Progress | None = None, today: dt.date | None = None,
           catalogue: catalogue_mod.Catalogue | None = None, regions: regions_mod.Regions | None = None,
           allowed_regions: set[str] | None = None, parsed: Parsed | None = None) -> IngestReport:
    """Load one file into the store. `source` is a path or the file's bytes (then `name` is needed).

    Returns a report; never raises for a bad file. `simulated` marks the upload as demo data
    (default: what the file says, e.g. a 模拟数据 note on every row). `catalogue` and `regions`
    default to the project's (data/indicators.toml, data/regions.csv). `allowed_regions` (an uploader
    scoped to some regions) rejects a file that carries any other region. `parsed`: the file already parsed by
    detect.parse_file with the same catalogue, regions and period (loaders/upload_ingest.py parses and recognises
    an .xlsx in one child process).
    """
    say = progress or (lambda stage, done, total: None)
    today = today or clock.today()
    data = Path(source).read_bytes() if not isinstance(source, bytes) else source
    name = name or (Path(source).name if not isinstance(source, bytes) else "upload")
    sha = hashlib.sha256(data).hexdigest()
    say("read", 0, 1)
    same = store.committed_upload_with_sha(sha)
    if same is not None:
        return _duplicate(name, sha, same)
    refused = upload_check.check(name, data, max_bytes=None, accepted=None)
    if refused:
        return IngestReport(file=name, sha256=sha, status="rejected", errors=refused, rejected=0)
    catalogue = catalogue or catalogue_mod.default()
    regions = regions or regions_mod.default()
    if parsed is None:
        parsed = isolated.parse_file(name, data, catalogue=catalogue, regions=regions, period=period)
    say("validate", 0, 1)
    if parsed.kind == "targets":
        problems = parsed.problems + validate.targets(parsed, catalogue, regions, file=name)
    else:
        problems = parsed.problems + validate.observations(parsed, catalogue, regions, file=name, today=today)
    frame = parsed.frame
    report = IngestReport(
        file=name, sha256=sha, status="rejected", kind=parsed.kind, format=parsed.format, encoding=parsed.encoding,
        rows=len(frame) + _rows_lost(problems), periods=sorted(frame["period"].unique()) if len(frame) else [],
        regions=sorted(frame["region_code"].unique()) if len(frame) else [],
        period_source=parsed.period_source, simulated=parsed.simulated if simulated is None else simulated,
        errors=[p for p in problems if p.severity == ERROR], warnings=[p for p in problems if p.severity == WARNING],
        flat=int((parsed.marks["mark"] == FLAT).sum()), not_reported=int((parsed.marks["mark"] == NOT_REPORTED).sum()),
    )
    outside = sorted(set(frame["region_code"]) - allowed_regions) if allowed_regions is not None and len(frame) else []
    if outside:
        names = "、".join(regions[c].name if c in regions else c for c in outside[:10])
        report.errors.append(Problem(ERROR, "region_out_of_scope",
                                     f"文件含本账号上报范围以外的地区（{len(outside)} 个）：{names}",
                                     "只上报本账号范围内地区的数据；其他地区请由市统计局上传", name))
    if frame.empty and not report.errors:
        report.errors.append(Problem(ERROR, "no_values", "文件中没有任何数值", "请检查是否选错了文件或工作表", name))
    if report.errors:
        report.rejected = len({p.row for p in report.errors if p.row is not None}) or report.rows
        if parsed.kind == "observations" and len(frame) and not outside:
            report.warnings += _warnings_from_store(store, parsed, catalogue, regions, name)
        return report
    try:
        _write(store, parsed, report, data, catalogue, regions, user=user, note=note, dry_run=dry_run, say=say,
               today=today)
    except sa.exc.DBAPIError:
        # The same bytes committed by another upload while this one was being written: committed_files' key
        # refused this transaction (PostgreSQL: a unique violation once the other commits; DuckDB: a constraint
        # or write-write conflict). The file is in the store once, so the answer is the duplicate report.
        same = store.committed_upload_with_sha(sha)
        if same is None:
            raise
        return _duplicate(name, sha, same)
    return report


def _duplicate(name: str, sha: str, same: dict) -> IngestReport:
    """The report for a file byte-identical to committed upload `same` (nothing is written)."""
    return IngestReport(file=name, sha256=sha, status="duplicate", duplicate_of=same["id"], kind=same["kind"],
                        format=same["format"], encoding=same["encoding"], rows=same["rows_read"],
                        unchanged=same["rows_read"], periods=[p for p in same["periods"].split(",") if p],
                        simulated=bool(same["simulated"]))


def _warnings_from_store(store: Store, parsed: Parsed, catalogue: catalogue_mod.Catalogue,
                         regions: regions_mod.Regions, file: str) -> list[Problem]:
    """For a file rejected for its errors: the warnings against the store it would also have had, so the
    bureau fixes everything in one round. Reads only (the staging table goes with the rolled-back transaction)."""
    frame = _staging_frame(parsed, catalogue)
    with store.engine.connect() as conn, conn.begin() as trans:
        with bulk.staged(conn, _staging_table("observations"), frame) as staging:
            hits = _store_previous(conn, staging, frame, catalogue)
            held = _ledger_differs(conn, staging, frame, catalogue, regions, file)
        trans.rollback()
    return validate.previous_warnings(hits, catalogue, regions, file=file, in_store=True) + held


def _staging_frame(parsed: Parsed, catalogue: catalogue_mod.Catalogue) -> pd.DataFrame:
    frame = parsed.frame.rename(columns={"row": "src_row"}).drop(columns=["column"])
    if parsed.kind == "observations":
        frame["prev_period"] = validate.previous_periods(frame, catalogue)
    return frame


def _rows_lost(problems: list[Problem]) -> int:
    """Rows that never made it into the frame because a cell could not be read."""
    return len({p.row for p in problems if p.severity == ERROR and p.row is not None})


def _staging_table(kind: str) -> sa.Table:
    md = sa.MetaData()
    if kind == "targets":
        cols = [sa.Column("region_code", sa.String(6)), sa.Column("year", sa.Integer),
                sa.Column("period", sa.String(7)), sa.Column("indicator", sa.String(32)),
                sa.Column("kind", sa.String(8))]
    else:
        cols = [sa.Column("region_code", sa.String(6)), sa.Column("period", sa.String(7)),
                sa.Column("indicator", sa.String(32)), sa.Column("measure", sa.String(16)),
                sa.Column("prev_period", sa.String(7))]
    return sa.Table("staging_rows", md, *cols, sa.Column("value", sa.Double), sa.Column("src_row", sa.Integer),
                    prefixes=["TEMPORARY"])


def _write(store: Store, parsed: Parsed, report: IngestReport, data: bytes, catalogue: catalogue_mod.Catalogue,
           regions: regions_mod.Regions, *, user: str, note: str, dry_run: bool, say: Progress, today: dt.date) -> None:
    """One transaction: stage, compare with current values, record the upload, append the rows."""
    kind = parsed.kind
    target, key = (t.targets, TARGET_KEY) if kind == "targets" else (t.observations, OBS_KEY)
    frame = _staging_frame(parsed, catalogue)
    staging = _staging_table(kind)
    n = len(frame)
    with store.engine.connect() as conn:
        trans = conn.begin()
        try:
            say("stage", 0, n)
            with bulk.staged(conn, staging, frame):
                report.inserted, report.revised, report.unchanged = _compare_counts(conn, staging, target, key, frame)
                report.revisions = _revisions(conn, staging, target, key, frame)
                if kind == "observations":
                    report.warnings += _ledger_differs(conn, staging, frame, catalogue, regions, report.file)
                    hits = _store_previous(conn, staging, frame, catalogue)
                    report.warnings += validate.previous_warnings(hits, catalogue, regions, file=report.file,
                                                                  in_store=True)
                    report.new_values = _new_values(conn, staging, frame)
            locked = _closed_revisions(report.revisions, store.closing_map(), today, report.file,
                                       lambda r: _revision_label(r, catalogue, regions))
            if locked and not note.strip():
                report.errors += locked
                report.status, report.rejected = "rejected", len(locked)
                trans.rollback()
                return
            report.warnings += [replace(p, severity=WARNING, fix=f"更正原因：{note.strip()}", cli_fix="")
                                for p in locked]
            if dry_run:
                report.status = "dry_run"
                trans.rollback()
                return
            upload_id = open_upload(conn, report, data, user, note)
            rows = frame[[c.name for c in target.columns if c.name != "upload_id"]]
            for start in range(0, n, CHUNK_ROWS):
                say("write", start, n)
                bulk.load(conn, target, rows.iloc[start:start + CHUNK_ROWS].assign(upload_id=upload_id))
            say("write", n, n)
            marks = parsed.marks.rename(columns={"row": "src_row"}).drop(columns=["column"])
            bulk.load(conn, t.observation_marks, marks.assign(upload_id=upload_id))
            close_upload(conn, upload_id, report.warnings, user, note)
            say("commit", n, n)
            trans.commit()
        except BaseException:
            if trans.is_active:
                trans.rollback()
            raise
    report.status = "committed"
    report.upload_id = upload_id
    store.after_bulk_write(n)


def _revision_label(row, catalogue: catalogue_mod.Catalogue, regions: regions_mod.Regions) -> str:
    """“西和县 · 固定资产投资 · 累计增速” for a revised observation, “… · 增速目标” for a revised target."""
    what = row["measure"] if "measure" in row else ("增速目标" if row["kind"] == "growth" else "总量目标")
    return validate.key_label(row, catalogue, regions, what)


def _closed_revisions(revisions: pd.DataFrame, closing: dict, today: dt.date, file: str,
                      label: Callable[[pd.Series], str]) -> list[Problem]:
    """Revisions of periods past their closing date (统计关库): allowed only as a correction with a reason."""
    if revisions is None or revisions.empty:
        return []
    closed = revisions[[is_closed(p, closing, today) for p in revisions["period"]]]
    out = []
    for period, rows in closed.groupby("period", sort=True):
        first = rows.iloc[0]
        out.append(Problem(ERROR, "period_closed",
                           f"{period} 已于 {closing_date(period, closing)} 统计关库，"
                           f"本文件将更正其中 {len(rows)} 个数值（如第{int(first['src_row'])}行 {label(first)} "
                           f"{show(first['old_value'])} → {show(first['new_value'])}）",
                           "已关库期间的更正须在上传表单的“更正原因”中写明原因，将作为新版本保存",
                           file, int(first["src_row"]), "period", period,
                           cli_fix="已关库期间的更正须用 --note 写明更正原因，将作为新版本保存"))
    return out


def _current(target: sa.Table, key: tuple[str, ...], frame: pd.DataFrame) -> sa.Subquery:
    where = [target.c.indicator.in_(sorted(frame["indicator"].unique())),
             target.c.period.in_(sorted(frame["period"].unique()))]
    return Store.current_select(target, key, where)


def _join(staging: sa.Table, cur: sa.Subquery, key: tuple[str, ...]):
    return staging.outerjoin(cur, sa.and_(*[staging.c[k] == cur.c[k] for k in key]))


def _held(target: sa.Table, cur: sa.Subquery):
    """The current value comes from a ledger snapshot: a statistics row for that key changes nothing current."""
    if target is not t.observations:
        return sa.false()
    return cur.c.upload_id.in_(sa.select(t.ledger_uploads.c.upload_id))


def _compare_counts(conn, staging, target, key, frame) -> tuple[int, int, int]:
    cur = _current(target, key, frame)
    changed = (sa.func.abs(cur.c.value - staging.c.value) > REVISION_EPSILON) & ~_held(target, cur)
    q = sa.select(
        sa.func.count().filter(cur.c.value.is_(None)),
        sa.func.count().filter(cur.c.value.is_not(None) & changed),
        sa.func.count().filter(cur.c.value.is_not(None) & ~changed),
    ).select_from(_join(staging, cur, key))
    inserted, revised, unchanged = conn.execute(q).one()
    return int(inserted), int(revised), int(unchanged)


def _revisions(conn, staging, target, key, frame) -> pd.DataFrame:
    cur = _current(target, key, frame)
    q = (sa.select(*[staging.c[k] for k in key], cur.c.value.label("old_value"), staging.c.value.label("new_value"),
                   cur.c.upload_id.label("old_upload_id"), staging.c.src_row)
         .select_from(_join(staging, cur, key))
         .where(cur.c.value.is_not(None), sa.func.abs(cur.c.value - staging.c.value) > REVISION_EPSILON,
                ~_held(target, cur))
         .order_by(staging.c.src_row))
    result = conn.execute(q)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _ledger_differs(conn, staging, frame: pd.DataFrame, catalogue: catalogue_mod.Catalogue,
                    regions: regions_mod.Regions, file: str) -> list[Problem]:
    """Rows whose key a committed ledger snapshot fills with another number: a warning naming both (the ledger's
    value stays current)."""
    o, u, lu = t.observations, t.uploads, t.ledger_uploads
    cur = _current(o, OBS_KEY, frame)
    s = staging.c
    q = (sa.select(s.src_row, s.region_code, s.period, s.indicator, s.value, cur.c.value.label("ledger_value"),
                   cur.c.upload_id, lu.c.ledger, lu.c.as_of)
         .select_from(_join(staging, cur, OBS_KEY).join(u, u.c.id == cur.c.upload_id)
                      .join(lu, lu.c.upload_id == cur.c.upload_id))
         .where(u.c.kind == LEDGER, sa.func.abs(cur.c.value - s.value) > REVISION_EPSILON)
         .order_by(s.src_row))
    out = []
    kinds = ledger_kinds.default()
    for r in conn.execute(q).mappings():
        ind = catalogue[r["indicator"]]
        name = regions[r["region_code"]].name if r["region_code"] in regions else r["region_code"]
        ledger = kinds[r["ledger"]].name_zh if r["ledger"] in kinds else r["ledger"]
        out.append(Problem(
            WARNING, "ledger_differs",
            f"{name} {ind.name_zh} {period_label(r['period'])}：上报 {ledger_rollup.value_text(r['value'], ind.unit)}，"
            f"台账汇总 {ledger_rollup.value_text(r['ledger_value'], ind.unit)}"
            f"（{ledger}截至{r['as_of']:%Y-%m-%d}，上传 #{r['upload_id']}）",
            "该期间以台账汇总数为准，上报数已保存但不作为当前值；如台账有误，请更正后重新上传台账",
            file, int(r["src_row"])))
    return out


def _store_previous(conn, staging, frame: pd.DataFrame, catalogue: catalogue_mod.Catalogue) -> pd.DataFrame:
    """Rows worth a warning against the store's current value of their previous month (same region, indicator,
    measure), where the file does not restate that month (then validate compares within the file)."""
    cols = ["region_code", "indicator", "measure", "period", "prev_period", "value", "row", "prev_value"]
    rows = frame[frame["measure"].isin(["cum_level", "cum_yoy"]) & frame["prev_period"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=[*cols, "column"])
    o, s = t.observations, staging.c
    prev = Store.current_select(o, OBS_KEY, [o.c.period.in_(sorted(rows["prev_period"].astype(str).unique())),
                                             o.c.measure.in_(["cum_level", "cum_yoy"]),
                                             o.c.indicator.in_(sorted(rows["indicator"].unique()))], name="previous")
    suspicious = sa.or_(sa.and_(s.measure == "cum_level", s.value < prev.c.value - validate.LEVEL_EPSILON),
                        sa.and_(s.measure == "cum_yoy",
                                sa.func.abs(s.value - prev.c.value) > validate.smallest_swing(catalogue)))
    q = (sa.select(s.region_code, s.indicator, s.measure, s.period, s.prev_period, s.value, s.src_row,
                   prev.c.value.label("prev_value"))
         .select_from(staging.join(prev, sa.and_(prev.c.region_code == s.region_code, prev.c.indicator == s.indicator,
                                                 prev.c.measure == s.measure, prev.c.period == s.prev_period)))
         .where(suspicious).order_by(s.src_row))
    found = pd.DataFrame(conn.execute(q).fetchall(), columns=cols)
    restated = (frame[["region_code", "indicator", "measure", "period"]].astype(str)
                .rename(columns={"period": "prev_period"}).drop_duplicates())
    found = found.merge(restated, how="left", indicator="restated")
    return found[found["restated"] == "left_only"].drop(columns="restated").assign(column="")


def _new_values(conn, staging, frame: pd.DataFrame) -> pd.DataFrame:
    """Values the store does not have yet, each with the store's value of the same key a month earlier (上期)."""
    o, s = t.observations, staging.c
    cur = _current(o, OBS_KEY, frame)
    prev_periods = sorted(frame["prev_period"].dropna().astype(str).unique())
    prev = Store.current_select(o, OBS_KEY, [o.c.period.in_(prev_periods),
                                             o.c.indicator.in_(sorted(frame["indicator"].unique()))], name="previous")
    joined = _join(staging, cur, OBS_KEY).outerjoin(prev, sa.and_(
        prev.c.region_code == s.region_code, prev.c.indicator == s.indicator, prev.c.measure == s.measure,
        prev.c.period == s.prev_period))
    q = (sa.select(s.region_code, s.period, s.indicator, s.measure, s.value, s.prev_period,
                   prev.c.value.label("prev_value"), s.src_row)
         .select_from(joined).where(cur.c.value.is_(None)).order_by(s.src_row).limit(MAX_NEW_LISTED))
    result = conn.execute(q)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _insert_upload(conn, report: IngestReport, size: int, user: str, note: str) -> int:
    u = t.uploads
    return conn.execute(sa.insert(u).values(
        kind=report.kind, file_name=report.file[:255], sha256=report.sha256, size_bytes=size, format=report.format,
        encoding=report.encoding or "", user_name=user, created_at=now(), periods=",".join(report.periods),
        rows_read=report.rows, inserted=report.inserted, revised=report.revised, unchanged=report.unchanged,
        rejected=0, warnings=len(report.warnings), status=COMMITTED, simulated=bool(report.simulated), note=note,
    ).returning(u.c.id)).scalar_one()


def open_upload(conn, report: IngestReport, data: bytes, user: str, note: str) -> int:
    """The upload's record, its file's key and bytes, inside the caller's transaction; returns the upload id.
    The key first, so a racing commit of the same bytes waits here (PostgreSQL) or conflicts (DuckDB) before
    either writes its rows: the store's guarantee of one file, one upload. (Statistics, ledgers, units.)"""
    upload_id = _insert_upload(conn, report, len(data), user, note)
    conn.execute(sa.insert(t.committed_files).values(sha256=report.sha256, upload_id=upload_id))
    conn.execute(sa.insert(t.upload_files).values(upload_id=upload_id, content=data))
    return upload_id


def close_upload(conn, upload_id: int, warnings: list[Problem], user: str, note: str) -> None:
    """The upload's warnings and its committed event, the last writes of its transaction."""
    _insert_problems(conn, upload_id, warnings)
    conn.execute(sa.insert(t.upload_events).values(upload_id=upload_id, event=COMMITTED, user_name=user,
                                                   event_at=now(), note=note))


def _insert_problems(conn, upload_id: int, problems: list[Problem]) -> None:
    if not problems:
        return
    rows = [dict(upload_id=upload_id, severity=p.severity, code=p.code, row_no=p.row, column_name=p.column[:128],
                 value=p.value, reason=p.reason, fix=p.fix) for p in problems]
    bulk.load(conn, t.upload_problems, pd.DataFrame(rows))
