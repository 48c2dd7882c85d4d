"""The store: named queries over the tables in loaders/tables.py, on DuckDB or PostgreSQL.

Every query that the app, the CLI or the indicator engine needs lives here and returns a
DataFrame; values are always bound as parameters. Writes of observations go through
loaders/ingest.py, which uses the bulk fast path in loaders/bulk.py.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import hashlib
import logging
import threading
import uuid
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from loaders import ledger_kinds
from loaders import regions as regions_mod
from loaders import tables as t
from loaders.settings import database_url

OBS_KEY = ("region_code", "period", "indicator", "measure")
TARGET_KEY = ("region_code", "period", "indicator", "kind")
COMMITTED = "committed"
ROLLED_BACK = "rolled_back"
LEDGER = "ledger"  # uploads.kind of a ledger upload (loaders/ledger_ingest.py)
NO_DATE = dt.date(1900, 1, 1)  # the as-of of a statistics upload when versions are ordered (never compared)
STAGED_KEEP = dt.timedelta(days=1)  # a dropped file waits this long at most for its job (a killed worker's)
DATA_STATE_CHARS = 12  # 48 bits of the digest: short enough to read out, never equal by chance in one store


# DuckDB: one process holds the file, and two transactions updating the same row conflict (TransactionException);
# small writes that race (logins, sessions, the audit log) take this lock instead.
_DUCKDB_WRITES = threading.RLock()


def now() -> dt.datetime:
    """When an event happens (an upload, a login, an audit entry): UTC, naive (both engines store it the same way),
    to the microsecond so that order is kept. Real time on purpose; "today" for statistics is loaders/clock.py."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def make_engine(url: str) -> sa.Engine:
    if url.startswith("duckdb:///") and not url.startswith("duckdb:///:memory:"):
        Path(url.removeprefix("duckdb:///").split("?")[0]).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("postgresql"):
        # A connection the server ended (restart, failover, pg_terminate_backend) is found dead when taken from the
        # pool and replaced, instead of failing the request that took it (tests/test_db_faults.py).
        return sa.create_engine(url, pool_pre_ping=True)
    return sa.create_engine(url)


class Store:
    """A handle on one database. Cheap to create; connections open lazily, per use."""

    def __init__(self, url: str | None = None, engine: sa.Engine | None = None):
        self.url = url or database_url()
        self.engine = engine or make_engine(self.url)
        self.pin: tuple[int, ...] | None = None  # pinned(): the committed uploads this view reads, None: the current

    def pinned(self, upload_ids) -> Store:
        """A view of the same database that reads the data as it was when exactly these uploads were committed (a
        state the pages still show while the next one is computed: loaders/shown.py). Reads only: the values, targets,
        ledgers, units and types of those uploads; everything else (accounts, jobs, the upload history) as it is."""
        view = copy.copy(self)
        view.pin = tuple(sorted(int(i) for i in upload_ids))
        return view

    def _visible(self):
        """The uploads whose rows this handle reads: the committed ones, or those of its pinned state."""
        u = t.uploads
        return u.c.status == COMMITTED if self.pin is None else u.c.id.in_(self.pin)

    def _status(self):
        """An upload's status as this handle sees it (a pinned view: committed if in its state, else rolled back)."""
        u = t.uploads
        if self.pin is None:
            return u.c.status
        return sa.case((self._visible(), sa.literal(COMMITTED)), else_=sa.literal(ROLLED_BACK)).label("status")

    def _existed(self) -> list:
        """Filters to the uploads that existed in this handle's state (a pinned view: none made after it)."""
        return [] if self.pin is None else [t.uploads.c.id <= max(self.pin, default=0)]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name  # 'duckdb' or 'postgresql'

    def serial(self):
        """A context that serialises racing small writes: a process lock on DuckDB, nothing on PostgreSQL (row
        locks do it there)."""
        return _DUCKDB_WRITES if self.dialect == "duckdb" else contextlib.nullcontext()

    def dispose(self) -> None:
        self.engine.dispose()

    ANALYZE_AFTER_ROWS = 10_000

    def after_bulk_write(self, rows: int) -> None:
        """PostgreSQL: refresh the planner's statistics after a large write, so the next reads (the results computed
        after a commit, the next upload's comparison) are planned for the tables as they now are, not as autovacuum
        last saw them (a store just loaded looked empty to it). A failure here loses nothing: it is only logged."""
        if self.dialect != "postgresql" or rows < self.ANALYZE_AFTER_ROWS:
            return
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE observations, uploads, ledger_uploads")
                conn.commit()
        except sa.exc.DBAPIError as exc:
            logging.getLogger(__name__).warning("ANALYZE after writing %d rows failed: %s", rows, exc)

    # ------------------------------------------------------------------ schema

    def create_schema(self) -> None:
        """Create missing tables and load the region list; safe to call on every start."""
        with self.engine.begin() as conn:
            t.metadata.create_all(conn)
            if self.dialect == "postgresql":
                for ix in t.PG_INDEXES:
                    ix.create(conn, checkfirst=True)
            _record_committed_files(conn)
            if conn.execute(sa.select(sa.func.count()).select_from(t.regions)).scalar() == 0:
                rows = regions_mod.default().frame()[[c.name for c in t.regions.c]].to_dict("records")
                conn.execute(sa.insert(t.regions), rows)

    def is_empty(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(t.uploads)).scalar() == 0

    # ------------------------------------------------------------------ observations

    @staticmethod
    def current_select(table: sa.Table = t.observations, key=OBS_KEY, where=(), name: str = "current",
                       visible=None) -> sa.Subquery:
        """Latest committed version of every key; `where` filters are applied before the window.

        Observations a ledger fills (README “台账汇总”): a value from a committed ledger upload outranks any
        statistics upload of the same key, whenever either was uploaded, and among ledger uploads the latest
        snapshot date wins, then the latest upload (a revision of the same date). Everything else: the latest
        upload. `name` names the subquery, so one statement can hold two of them (this month's and last month's).
        `visible`: which uploads count (a pinned view's, Store._visible); default: the committed ones."""
        u = t.uploads
        joined = table.join(u, u.c.id == table.c.upload_id)
        order = [table.c.upload_id.desc()]
        if table is t.observations:
            lu = t.ledger_uploads
            joined = joined.outerjoin(lu, lu.c.upload_id == table.c.upload_id)
            order = [sa.case((u.c.kind == LEDGER, 1), else_=0).desc(),
                     sa.func.coalesce(lu.c.as_of, sa.literal(NO_DATE, sa.Date)).desc(), *order]
        rn = sa.func.row_number().over(partition_by=[table.c[k] for k in key], order_by=order).label("rn")
        inner = (
            sa.select(*table.c, rn)
            .select_from(joined)
            .where(u.c.status == COMMITTED if visible is None else visible, *where)
            .subquery(f"{name}_versions")
        )
        return sa.select(*[c for c in inner.c if c.name != "rn"]).where(inner.c.rn == 1).subquery(name)

    def _current(self, table: sa.Table, key, where=(), name: str = "current") -> sa.Subquery:
        return self.current_select(table, key, where, name, visible=self._visible())

    def observations(self, *, periods=None, regions=None, indicators=None, measures=None,
                     years=None) -> pd.DataFrame:
        """Current values as a long frame: region_code, period, indicator, measure, value, upload_id, src_row."""
        o = t.observations
        where = _filters(o, period=periods, region_code=regions, indicator=indicators, measure=measures)
        if years:
            where.append(sa.func.substr(o.c.period, 1, 4).in_([str(y) for y in years]))
        cur = self._current(o, OBS_KEY, where)
        q = sa.select(cur).order_by(cur.c.indicator, cur.c.measure, cur.c.period, cur.c.region_code)
        return self._frame(q)

    def marks(self, *, periods=None, regions=None, indicators=None) -> pd.DataFrame:
        """Current marks (loaders/cells.py MARKS): region_code, period, indicator, measure, mark, upload_id.

        "flat" when the current value of its key is the 0.0 its upload published as 持平; "not_reported" (the
        latest committed one of its key) when the key has no current value: a value uploaded for the key, earlier
        or later, is the current value, and the mark then says only that one file had no report of it."""
        m = t.observation_marks
        where = _filters(m, period=periods, region_code=regions, indicator=indicators)
        o = t.observations
        cur = self._current(o, OBS_KEY, _filters(o, period=periods, region_code=regions, indicator=indicators))
        same_key = [cur.c[k] == m.c[k] for k in OBS_KEY]
        flat = (sa.select(m.c.region_code, m.c.period, m.c.indicator, m.c.measure, m.c.mark, m.c.upload_id)
                .join(cur, sa.and_(*same_key, cur.c.upload_id == m.c.upload_id))
                .where(m.c.mark == "flat", *where))
        latest = self._current(m, OBS_KEY, [m.c.mark == "not_reported", *where], name="not_reported")
        missing = (sa.select(latest.c.region_code, latest.c.period, latest.c.indicator, latest.c.measure,
                             latest.c.mark, latest.c.upload_id)
                   .outerjoin(cur, sa.and_(*[cur.c[k] == latest.c[k] for k in OBS_KEY]))
                   .where(cur.c.upload_id.is_(None)))
        both = sa.union_all(flat, missing).subquery("marks")
        q = sa.select(both).order_by(both.c.indicator, both.c.measure, both.c.period, both.c.region_code)
        return self._frame_on(q, None, ["region_code", "period", "indicator", "measure", "mark", "upload_id"])

    def periods(self) -> list[str]:
        """Periods that hold at least one committed value, newest first."""
        o, u = t.observations, t.uploads
        q = (sa.select(o.c.period).distinct().join(u, u.c.id == o.c.upload_id).where(self._visible())
             .order_by(o.c.period.desc()))
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(q)]

    def value_history(self, region: str, indicator: str, period: str | None = None) -> pd.DataFrame:
        """Every version of a region's values (all uploads, rolled back included), newest first, with the upload's
        kind and `current`: whether this version is the current value (a ledger's roll-up stays current over a
        later statistics upload, so the newest committed version is not always the current one)."""
        o, u = t.observations, t.uploads
        where = [o.c.region_code == region, o.c.indicator == indicator] + ([o.c.period == period] if period else [])
        cur = self._current(o, OBS_KEY, where)
        is_current = sa.and_(cur.c.period == o.c.period, cur.c.measure == o.c.measure,
                             cur.c.upload_id == o.c.upload_id)
        q = (
            sa.select(o.c.period, o.c.measure, o.c.value, o.c.upload_id, o.c.src_row, u.c.file_name,
                      u.c.user_name, u.c.created_at, self._status(), u.c.kind,
                      sa.case((cur.c.upload_id.is_not(None), True), else_=False).label("current"))
            .select_from(o.join(u, u.c.id == o.c.upload_id).outerjoin(cur, is_current))
            .where(*where, *self._existed())
            .order_by(o.c.period, o.c.measure, o.c.upload_id.desc())
        )
        return self._frame(q)

    def export(self, *, period=None, region=None, indicator=None) -> pd.DataFrame:
        """Current values in the canonical long layout (region_code, period, indicator, measure, value)."""
        df = self.observations(periods=_one(period), regions=_one(region), indicators=_one(indicator))
        cols = ["region_code", "period", "indicator", "measure", "value"]
        return df[cols].sort_values(cols[:4], kind="stable").reset_index(drop=True)

    # ------------------------------------------------------------------ targets

    def targets(self, *, years=None, regions=None, indicators=None) -> pd.DataFrame:
        tg = t.targets
        where = _filters(tg, year=years, region_code=regions, indicator=indicators)
        cur = self._current(tg, TARGET_KEY, where)
        return self._frame(sa.select(cur).order_by(cur.c.indicator, cur.c.region_code, cur.c.period))

    # ------------------------------------------------------------------ uploads

    def uploads(self, limit: int | None = None) -> pd.DataFrame:
        u = t.uploads
        q = (sa.select(*[self._status() if c.name == "status" else c for c in u.c]).where(*self._existed())
             .order_by(u.c.id.desc()))
        if limit:
            q = q.limit(limit)
        return self._frame(q)

    def upload(self, upload_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t.uploads).where(t.uploads.c.id == upload_id)).mappings().first()
        return dict(row) if row else None

    def committed_upload_with_sha(self, sha256: str) -> dict | None:
        """The committed upload of a byte-identical file, if any (re-uploading it is a no-op)."""
        u = t.uploads
        q = sa.select(u).where(u.c.sha256 == sha256, u.c.status == COMMITTED).order_by(u.c.id)
        with self.engine.connect() as conn:
            row = conn.execute(q).mappings().first()
        return dict(row) if row else None

    def upload_problems(self, upload_id: int) -> pd.DataFrame:
        p = t.upload_problems
        return self._frame(sa.select(p).where(p.c.upload_id == upload_id).order_by(p.c.row_no))

    def upload_events(self) -> pd.DataFrame:
        e = t.upload_events
        return self._frame(sa.select(e).order_by(e.c.event_at, e.c.upload_id))

    def rollback(self, upload_id: int, user: str, note: str = "") -> dict:
        """Withdraw an upload: its values stop being current, the previous versions come back.

        Nothing is deleted; the upload stays in the history marked rolled_back, and the event is
        recorded. Raises LookupError / ValueError with a message for the user.
        """
        u = t.uploads
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(u).where(u.c.id == upload_id)).mappings().first()
            if row is None:
                raise LookupError(f"没有编号为 {upload_id} 的上传记录；请在上报记录中核对编号")
            if row["status"] == ROLLED_BACK:
                raise ValueError(f"上传 {upload_id}（{row['file_name']}）已于 {row['rolled_back_at']} "
                                 f"由 {row['rolled_back_by']} 撤销，无需再次撤销")
            at = now()
            conn.execute(sa.update(u).where(u.c.id == upload_id)
                         .values(status=ROLLED_BACK, rolled_back_at=at, rolled_back_by=user))
            conn.execute(sa.delete(t.committed_files).where(t.committed_files.c.upload_id == upload_id))
            conn.execute(sa.insert(t.upload_events).values(upload_id=upload_id, event=ROLLED_BACK,
                                                           user_name=user, event_at=at, note=note))
        return dict(row) | {"status": ROLLED_BACK, "rolled_back_at": at, "rolled_back_by": user}

    def committed_uploads(self) -> pd.DataFrame:
        """id, kind and periods (comma-separated) of every committed upload, oldest first: what the current values
        and targets are made of."""
        u = t.uploads
        return self._frame(sa.select(u.c.id, u.c.kind, u.c.periods).where(self._visible()).order_by(u.c.id))

    def data_state(self, committed: pd.DataFrame | None = None, closing: dict | None = None) -> str:
        """The named state of the data every result is computed from: it changes with any commit, the rollback
        of any upload (older ones too), a targets upload or a closing-date change, and with nothing else.

        A digest of which uploads are committed and of the closing dates, so equal states hold equal current
        values, targets and closing dates. Pass what was already read in this request to save the queries."""
        committed = self.committed_uploads() if committed is None else committed
        closing = self.closing_map() if closing is None else closing
        return state_digest(list(committed["id"]), sorted(closing.items()))

    # ------------------------------------------------------------------ the state pages show (loaders/shown.py)

    def record_shown(self, data_state: str, upload_ids, status: str, job_id: str = "") -> None:
        """Append a record of a data state: "computing" (its warm-up `job_id`, "" before it is submitted) or
        "ready"."""
        ids = ",".join(str(int(i)) for i in upload_ids)
        with self.serial(), self.engine.begin() as conn:
            conn.execute(sa.insert(t.shown_states).values(data_state=data_state, upload_ids=ids, status=status,
                                                          job_id=job_id, recorded_at=now()))

    def shown_records(self, data_state: str) -> tuple[list[dict], dict | None, dict | None]:
        """(the records of this data state, newest first; the latest "ready" record; the latest record of all)."""
        s = t.shown_states
        with self.engine.connect() as conn:
            own = [dict(r) for r in conn.execute(sa.select(s).where(s.c.data_state == data_state)
                                                 .order_by(s.c.id.desc())).mappings()]
            ready, latest = (conn.execute(sa.select(s).where(*where).order_by(s.c.id.desc()).limit(1)).mappings().first()
                             for where in ([s.c.status == "ready"], []))
        return own, (dict(ready) if ready else None), (dict(latest) if latest else None)

    # ------------------------------------------------------------------ computed results (indicators/results.py)

    def result(self, key: str) -> bytes | None:
        r = t.results
        with self.engine.connect() as conn:
            return conn.execute(sa.select(r.c.payload).where(r.c.key == key)).scalar()

    def put_result(self, key: str, kind: str, inputs_state: str, payload: bytes) -> None:
        """Keep a computed result; another process that computed the same key first wins (same content)."""
        r = t.results
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.insert(r).values(key=key, kind=kind, inputs_state=inputs_state, created_at=now(),
                                                 payload=payload))
        except sa.exc.DBAPIError:
            if self.result(key) is None:  # not a duplicate key: a real failure
                raise

    def upload_region_sets(self) -> dict[int, set[str]]:
        """upload id → the regions its values, targets and ledger items are for (who may download or roll it back)."""
        out: dict[int, set[str]] = {}
        with self.engine.connect() as conn:
            for table in (t.observations, t.observation_marks, t.targets, t.ledger_items, t.units, t.unit_tasks,
                          t.unit_reports, t.county_types, t.county_facts):
                q = sa.select(table.c.upload_id, table.c.region_code).distinct()
                for uid, code in conn.execute(q):
                    out.setdefault(int(uid), set()).add(code)
        return out

    # What one upload wrote, by table (上报记录 shows a ledger's or a units upload's contents): only these tables.
    UPLOAD_ROWS = {"observations": ("region_code", "period", "indicator", "measure", "value"),
                   "ledger_items": ("region_code", "item_id", "ledger", "as_of", "src_row"),
                   "units": ("region_code", "unit_kind", "name", "aliases", "src_row"),
                   "unit_tasks": ("year", "region_code", "unit_name", "measure", "value", "src_row"),
                   "unit_reports": ("ledger", "as_of", "region_code", "unit_name", "src_row"),
                   "county_types": ("year", "region_code", "type1", "type2", "src_row"),
                   "county_facts": ("year", "region_code", "item", "kind", "value", "note", "src_row")}

    def upload_rows(self, upload_id: int, table: str) -> pd.DataFrame:
        """The rows one upload wrote into `table` (a key of UPLOAD_ROWS), whatever its status, in source order."""
        cols = self.UPLOAD_ROWS[table]
        tb = getattr(t, table)
        order = [tb.c.src_row] if "src_row" in cols else [tb.c.indicator, tb.c.region_code, tb.c.period]
        q = sa.select(*[tb.c[c] for c in cols]).where(tb.c.upload_id == upload_id).order_by(*order)
        return self._frame_on(q, None, list(cols))

    def original_file(self, upload_id: int) -> bytes | None:
        """The bytes of the file as it was uploaded (for download from the upload history)."""
        f = t.upload_files
        with self.engine.connect() as conn:
            return conn.execute(sa.select(f.c.content).where(f.c.upload_id == upload_id)).scalar()

    # ------------------------------------------------------------------ files waiting for their job (upload page)

    def stage_file(self, content: bytes, user: str) -> str:
        """Keep a dropped file's bytes for the job that will read them (on any host); returns its key. Rows older
        than STAGED_KEEP (left by a job whose worker was killed) go at the same time."""
        s = t.staged_files
        key = uuid.uuid4().hex
        with self.engine.begin() as conn:
            conn.execute(sa.delete(s).where(s.c.staged_at < now() - STAGED_KEEP))
            conn.execute(sa.insert(s).values(key=key, user_name=user[:64], staged_at=now(), content=content))
        return key

    def staged_file(self, key: str) -> bytes | None:
        s = t.staged_files
        with self.engine.connect() as conn:
            return conn.execute(sa.select(s.c.content).where(s.c.key == key)).scalar()

    def unstage_files(self, keys: list[str]) -> None:
        s = t.staged_files
        with self.engine.begin() as conn:
            conn.execute(sa.delete(s).where(s.c.key.in_(list(keys))))

    # ------------------------------------------------------------------ jobs run by a web process (loaders/jobs.py)

    def put_job(self, job_id: str, user: str, label: str, keep: dt.timedelta) -> None:
        """A job this process runs, for every process to see; records older than `keep` go at the same time."""
        j = t.running_jobs
        with self.engine.begin() as conn:
            conn.execute(sa.delete(j).where(j.c.beat_at < now() - keep))
            conn.execute(sa.insert(j).values(job_id=job_id, user_name=user[:64], label=label, state="running",
                                             beat_at=now(), error=""))

    def beat_job(self, job_id: str) -> None:
        j = t.running_jobs
        with self.engine.begin() as conn:
            conn.execute(sa.update(j).where(j.c.job_id == job_id).values(beat_at=now()))

    def finish_job(self, job_id: str, state: str, result: bytes | None = None, error: str = "") -> None:
        j = t.running_jobs
        with self.engine.begin() as conn:
            conn.execute(sa.update(j).where(j.c.job_id == job_id).values(state=state, result=result, error=error,
                                                                        beat_at=now()))

    def job(self, job_id: str) -> dict | None:
        """The record of a job a web process runs ({user_name, label, state, beat_at, result, error}), or None."""
        j = t.running_jobs
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(j).where(j.c.job_id == job_id)).mappings().first()
        return dict(row) if row else None

    # ------------------------------------------------------------------ ledgers (data/ledgers.toml)

    def ledger_snapshot_select(self, kind: str, as_of: dt.date | None = None, regions=None):
        """The items of `kind`'s snapshot as of a date (None: the latest): for each county, the items of the latest
        committed upload of the kind with as_of ≤ the date (latest as_of first, then the latest upload) that has
        items for that county. A file covering some counties therefore leaves the others' snapshots as they were,
        and a revision (same date, a new upload) replaces the county's items."""
        li, u = t.ledger_items, t.uploads
        where = [self._visible(), li.c.ledger == kind]
        if as_of is not None:
            where.append(li.c.as_of <= as_of)
        if regions is not None:
            where.append(li.c.region_code.in_(list(regions)))
        cover = (sa.select(li.c.upload_id, li.c.region_code, li.c.as_of).distinct()
                 .join(u, u.c.id == li.c.upload_id).where(*where).subquery("cover"))
        rn = sa.func.row_number().over(partition_by=cover.c.region_code,
                                       order_by=(cover.c.as_of.desc(), cover.c.upload_id.desc())).label("rn")
        ranked = sa.select(cover.c.upload_id, cover.c.region_code, rn).subquery("ranked")
        chosen = sa.select(ranked.c.upload_id, ranked.c.region_code).where(ranked.c.rn == 1).subquery("chosen")
        return (sa.select(li.c.region_code, li.c.item_id, li.c.fields, li.c.upload_id, li.c.as_of, li.c.src_row)
                .join(chosen, sa.and_(li.c.upload_id == chosen.c.upload_id, li.c.region_code == chosen.c.region_code))
                .where(li.c.ledger == kind)
                .order_by(li.c.region_code, li.c.upload_id, li.c.src_row))

    def ledger_snapshot(self, kind: str, as_of: dt.date | None = None, regions=None, *, kinds=None,
                        conn: sa.Connection | None = None) -> pd.DataFrame:
        """The items of a ledger kind as of a date (None: the latest), typed by the kind's declaration:
        region_code, item_id, the kind's columns (numbers float, dates datetime64, bools boolean), upload_id,
        as_of, src_row. `conn` reads inside a caller's transaction."""
        declared = (kinds or ledger_kinds.default())[kind]
        q = self.ledger_snapshot_select(kind, as_of, regions)
        if conn is None:
            with self.engine.connect() as own:
                rows = own.execute(q).fetchall()
        else:
            rows = conn.execute(q).fetchall()
        records = [{"region_code": r.region_code, "item_id": r.item_id, **ledger_kinds.from_json(r.fields),
                    "upload_id": r.upload_id, "as_of": r.as_of, "src_row": r.src_row} for r in rows]
        return ledger_kinds.typed_frame(declared, records, extra=("upload_id", "as_of", "src_row"))

    def ledger_sources(self, *, regions=None, indicators=None, periods=None, years=None) -> pd.DataFrame:
        """Current values that come from a ledger snapshot: region_code, period, indicator, measure, value,
        upload_id, ledger, as_of. What a page needs to say “由台账汇总，截至2026-10-31（上传 #12）”."""
        o, u, lu = t.observations, t.uploads, t.ledger_uploads
        where = _filters(o, period=periods, region_code=regions, indicator=indicators)
        if years:
            where.append(sa.func.substr(o.c.period, 1, 4).in_([str(y) for y in years]))
        cur = self._current(o, OBS_KEY, where)
        q = (sa.select(cur.c.region_code, cur.c.period, cur.c.indicator, cur.c.measure, cur.c.value,
                       cur.c.upload_id, lu.c.ledger, lu.c.as_of)
             .join(u, u.c.id == cur.c.upload_id).join(lu, lu.c.upload_id == cur.c.upload_id)
             .where(u.c.kind == LEDGER)
             .order_by(cur.c.indicator, cur.c.period, cur.c.region_code))
        return self._frame(q)

    def ledger_dates(self, kind: str) -> list[dt.date]:
        """The as-of dates of a kind's committed uploads, newest first."""
        lu, u = t.ledger_uploads, t.uploads
        q = (sa.select(lu.c.as_of).distinct().join(u, u.c.id == lu.c.upload_id)
             .where(self._visible(), lu.c.ledger == kind).order_by(lu.c.as_of.desc()))
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(q)]

    def ledger_uploads(self, kind: str | None = None) -> pd.DataFrame:
        """Every ledger upload (rolled back too), newest first: id, ledger, as_of, as_of_source, file_name,
        user_name, created_at, status, rows_read, inserted, revised, unchanged, warnings, simulated."""
        lu, u = t.ledger_uploads, t.uploads
        q = (sa.select(u.c.id, lu.c.ledger, lu.c.as_of, lu.c.as_of_source, u.c.file_name, u.c.user_name,
                       u.c.created_at, self._status(), u.c.rows_read, u.c.inserted, u.c.revised, u.c.unchanged,
                       u.c.warnings, u.c.simulated)
             .join(u, u.c.id == lu.c.upload_id).where(*self._existed()).order_by(u.c.id.desc()))
        if kind is not None:
            q = q.where(lu.c.ledger == kind)
        return self._frame(q)

    def ledger_upload(self, upload_id: int) -> dict | None:
        """ledger, as_of and as_of_source of a ledger upload (None for any other upload)."""
        lu = t.ledger_uploads
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(lu).where(lu.c.upload_id == upload_id)).mappings().first()
        return dict(row) if row else None

    def ledger_item_history(self, kind: str, region: str, item_id: str) -> pd.DataFrame:
        """Every version of one item (all uploads, rolled back included), newest first, fields as JSON text."""
        li, u = t.ledger_items, t.uploads
        q = (sa.select(li.c.upload_id, li.c.as_of, li.c.fields, li.c.src_row, u.c.file_name, u.c.user_name,
                       u.c.created_at, self._status())
             .join(u, u.c.id == li.c.upload_id)
             .where(li.c.ledger == kind, li.c.region_code == region, li.c.item_id == item_id, *self._existed())
             .order_by(li.c.upload_id.desc()))
        return self._frame(q)

    # ------------------------------------------------------------------ units below the county (loaders/units.py)

    def units(self, regions=None, *, conn: sa.Connection | None = None) -> pd.DataFrame:
        """The current units: for each parent region, the rows of the latest committed units upload that has rows
        for it. Columns region_code, unit_kind, name, aliases ("、"-joined), upload_id, src_row."""
        un, u = t.units, t.uploads
        where = [self._visible()]
        if regions is not None:
            where.append(un.c.region_code.in_(list(regions)))
        cover = (sa.select(un.c.upload_id, un.c.region_code).distinct()
                 .join(u, u.c.id == un.c.upload_id).where(*where).subquery("cover"))
        rn = sa.func.row_number().over(partition_by=cover.c.region_code,
                                       order_by=cover.c.upload_id.desc()).label("rn")
        ranked = sa.select(cover.c.upload_id, cover.c.region_code, rn).subquery("ranked")
        chosen = sa.select(ranked.c.upload_id, ranked.c.region_code).where(ranked.c.rn == 1).subquery("chosen")
        q = (sa.select(un.c.region_code, un.c.unit_kind, un.c.name, un.c.aliases, un.c.upload_id, un.c.src_row)
             .join(chosen, sa.and_(un.c.upload_id == chosen.c.upload_id, un.c.region_code == chosen.c.region_code))
             .order_by(un.c.region_code, un.c.src_row))
        return self._frame_on(q, conn, ["region_code", "unit_kind", "name", "aliases", "upload_id", "src_row"])

    def unit_tasks(self, years=None, regions=None, measures=None, *, conn: sa.Connection | None = None) -> pd.DataFrame:
        """The current annual tasks: year, region_code, unit_name, measure, value, upload_id, src_row."""
        ut = t.unit_tasks
        where = _filters(ut, year=years, region_code=regions, measure=measures)
        cur = self._current(ut, ("year", "region_code", "unit_name", "measure"), where, name="tasks")
        q = sa.select(cur).order_by(cur.c.year, cur.c.region_code, cur.c.unit_name, cur.c.measure)
        return self._frame_on(q, conn, [c.name for c in ut.c])

    def unit_reports(self, ledger: str, as_of: dt.date | None = None) -> pd.DataFrame:
        """Committed reports of units to a ledger (all dates up to `as_of`): ledger, as_of, region_code,
        unit_name, upload_id, src_row."""
        ur, u = t.unit_reports, t.uploads
        q = (sa.select(ur.c.ledger, ur.c.as_of, ur.c.region_code, ur.c.unit_name, ur.c.upload_id, ur.c.src_row)
             .join(u, u.c.id == ur.c.upload_id).where(self._visible(), ur.c.ledger == ledger)
             .order_by(ur.c.as_of, ur.c.region_code, ur.c.unit_name))
        if as_of is not None:
            q = q.where(ur.c.as_of <= as_of)
        return self._frame_on(q, None, ["ledger", "as_of", "region_code", "unit_name", "upload_id", "src_row"])

    def unit_snapshot_dates(self, ledger: str) -> list[dt.date]:
        """The dates a unit ranking of a ledger can be taken at, oldest first: the as-of dates of the ledger's
        committed uploads and of the committed unit reports to it."""
        ur, u = t.unit_reports, t.uploads
        q = (sa.select(ur.c.as_of).distinct().join(u, u.c.id == ur.c.upload_id)
             .where(self._visible(), ur.c.ledger == ledger))
        with self.engine.connect() as conn:
            reported = {r[0] for r in conn.execute(q)}
        return sorted(set(self.ledger_dates(ledger)) | reported)

    # ------------------------------------------------------------------ county types, adjustments, veto (county_types.py)

    def county_types(self, years=None, regions=None, *, conn: sa.Connection | None = None) -> pd.DataFrame:
        """The current types of the counties: upload_id, year, region_code, type1, type2 ("" for one type), src_row
        — for each (year, county), the row of the latest committed county_types upload that carries it."""
        ct = t.county_types
        cur = self._current(ct, ("year", "region_code"), _filters(ct, year=years, region_code=regions),
                                  name="types")
        q = sa.select(cur).order_by(cur.c.year, cur.c.region_code)
        return self._frame_on(q, conn, [c.name for c in ct.c])

    def county_facts(self, years=None, regions=None, *, conn: sa.Connection | None = None) -> pd.DataFrame:
        """The current bonus, deduction and veto items: upload_id, year, region_code, item, kind, value (NaN for a
        veto), note, src_row — for each (year, county), the rows of the latest committed county_facts upload that
        has rows for it."""
        cf, u = t.county_facts, t.uploads
        where = [self._visible(), *_filters(cf, year=years, region_code=regions)]
        cover = (sa.select(cf.c.upload_id, cf.c.year, cf.c.region_code).distinct()
                 .join(u, u.c.id == cf.c.upload_id).where(*where).subquery("cover"))
        rn = sa.func.row_number().over(partition_by=[cover.c.year, cover.c.region_code],
                                       order_by=cover.c.upload_id.desc()).label("rn")
        ranked = sa.select(cover.c.upload_id, cover.c.year, cover.c.region_code, rn).subquery("ranked")
        chosen = (sa.select(ranked.c.upload_id, ranked.c.year, ranked.c.region_code).where(ranked.c.rn == 1)
                  .subquery("chosen"))
        q = (sa.select(cf).join(chosen, sa.and_(cf.c.upload_id == chosen.c.upload_id, cf.c.year == chosen.c.year,
                                                cf.c.region_code == chosen.c.region_code))
             .order_by(cf.c.year, cf.c.region_code, cf.c.src_row))
        frame = self._frame_on(q, conn, [c.name for c in cf.c])
        frame["value"] = frame["value"].astype(float)
        return frame

    def _frame_on(self, query, conn: sa.Connection | None, columns: list[str]) -> pd.DataFrame:
        """A query's rows as a frame with `columns` even when empty; `conn` reads inside a caller's transaction."""
        if conn is None:
            with self.engine.connect() as own:
                rows = own.execute(query).fetchall()
        else:
            rows = conn.execute(query).fetchall()
        return pd.DataFrame([tuple(r) for r in rows], columns=columns)

    # ------------------------------------------------------------------ regions, periods

    def regions(self) -> pd.DataFrame:
        return self._frame(sa.select(t.regions).order_by(t.regions.c.code))

    def closing_dates(self) -> pd.DataFrame:
        ps = t.period_settings
        rn = sa.func.row_number().over(partition_by=ps.c.period, order_by=ps.c.set_at.desc()).label("rn")
        inner = sa.select(*ps.c, rn).subquery()
        q = sa.select(*[c for c in inner.c if c.name != "rn"]).where(inner.c.rn == 1).order_by(inner.c.period)
        return self._frame(q)

    def closing_map(self) -> dict[str, dt.date]:
        cd = self.closing_dates()
        return dict(zip(cd["period"], cd["closing_date"], strict=True)) if len(cd) else {}

    def set_closing_date(self, period: str, closing_date: dt.date, user: str, reason: str = "") -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.insert(t.period_settings).values(
                period=period, closing_date=closing_date, set_by=user, set_at=now(), reason=reason))

    # ------------------------------------------------------------------ helpers

    def _frame(self, query) -> pd.DataFrame:
        with self.engine.connect() as conn:
            result = conn.execute(query)
            # plain tuples: building a frame from Row objects is several times slower
            return pd.DataFrame([tuple(r) for r in result.fetchall()], columns=list(result.keys()))


def _record_committed_files(conn) -> None:
    """Stores made before committed_files existed: one row per committed file, the earliest upload of each."""
    u, cf = t.uploads, t.committed_files
    missing = (sa.select(u.c.sha256, sa.func.min(u.c.id)).where(u.c.status == COMMITTED)
               .where(u.c.sha256.not_in(sa.select(cf.c.sha256))).group_by(u.c.sha256))
    conn.execute(sa.insert(cf).from_select(["sha256", "upload_id"], missing))


def state_digest(*parts) -> str:
    """A short digest of what a state is made of (upload ids, closing dates): equal parts, equal digest."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:DATA_STATE_CHARS]


def _one(value):
    return None if value in (None, "") else [value]


def _filters(table: sa.Table, **filters) -> list:
    out = []
    for col, values in filters.items():
        if values is not None:
            out.append(table.c[col].in_(list(values)))
    return out
