"""SQLAlchemy Core table definitions: the one home of the schema (DuckDB and PostgreSQL alike).

Observations and targets are append-only: a value is never updated or deleted. The current value
of a key is the one from the latest committed (not rolled back) upload that carries it — except that a
value rolled up from a ledger snapshot outranks statistics uploads of its key (Store.current_select).
"""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Double,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Sequence,
    String,
    Table,
    Text,
)

metadata = MetaData()

upload_id_seq = Sequence("upload_id_seq", metadata=metadata)

regions = Table(
    "regions", metadata,
    Column("code", String(6), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("short_name", String(64), nullable=False),
    Column("level", String(16), nullable=False),
    Column("parent_code", String(6), nullable=False),
    Column("longitude", Double),
    Column("latitude", Double),
)

uploads = Table(
    "uploads", metadata,
    Column("id", Integer, upload_id_seq, primary_key=True, server_default=upload_id_seq.next_value()),
    Column("kind", String(16), nullable=False),  # observations | targets | ledger | units | unit_tasks | unit_reports
    # | county_types | county_facts
    Column("file_name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("format", String(32), nullable=False),
    Column("encoding", String(16), nullable=False),
    Column("user_name", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("periods", Text, nullable=False),  # comma-separated YYYY-MM covered by the file (a ledger: its as-of month)
    Column("rows_read", Integer, nullable=False),
    Column("inserted", Integer, nullable=False),
    Column("revised", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("warnings", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # committed | rolled_back
    Column("rolled_back_at", DateTime),
    Column("rolled_back_by", String(64)),
    Column("simulated", Boolean, nullable=False),
    Column("note", Text, nullable=False),
)

observations = Table(
    "observations", metadata,
    Column("upload_id", Integer, nullable=False),
    Column("region_code", String(6), nullable=False),
    Column("period", String(7), nullable=False),  # YYYY-MM, year to date up to that month
    Column("indicator", String(32), nullable=False),
    Column("measure", String(16), nullable=False),  # cum_level | cum_yoy | ratio | month_level | month_yoy
    Column("value", Double, nullable=False),
    Column("src_row", Integer, nullable=False),  # row in the uploaded file, for tracing
)

# What a real table printed in a cell instead of a number (loaders/cells.py MARKS), append-only beside observations:
# "flat" (持平: the upload's observation of the key is 0.0 and was published as 持平) and "not_reported" (没有上报报表:
# the upload has no observation of the key). Added after the first stores: create_schema creates it in older ones,
# where no upload has marks (Store.marks).
observation_marks = Table(
    "observation_marks", metadata,
    Column("upload_id", Integer, nullable=False),
    Column("region_code", String(6), nullable=False),
    Column("period", String(7), nullable=False),
    Column("indicator", String(32), nullable=False),
    Column("measure", String(16), nullable=False),
    Column("mark", String(16), nullable=False),  # flat | not_reported
    Column("src_row", Integer, nullable=False),
)

targets = Table(
    "targets", metadata,
    Column("upload_id", Integer, nullable=False),
    Column("region_code", String(6), nullable=False),
    Column("year", Integer, nullable=False),
    Column("period", String(7), nullable=False),  # YYYY-12 for the annual target, else a quarter end
    Column("indicator", String(32), nullable=False),
    Column("kind", String(8), nullable=False),  # growth (%) | level (annual amount)
    Column("value", Double, nullable=False),
    Column("src_row", Integer, nullable=False),
)

# A ledger upload (uploads.kind = "ledger") is a snapshot of one ledger kind (data/ledgers.toml) as of a date.
ledger_uploads = Table(
    "ledger_uploads", metadata,
    Column("upload_id", Integer, primary_key=True, autoincrement=False),
    Column("ledger", String(32), nullable=False),  # a kind's code: arrears | complaints | investment | …
    Column("as_of", Date, nullable=False),  # 截至日期
    Column("as_of_source", String(16), nullable=False),  # title | column | option: where the date came from
)

# The items of a ledger upload, append-only like observations. The snapshot of a kind for a county as of a date is
# the items of the latest committed upload of that kind with as_of ≤ the date that has items for the county
# (Store.ledger_snapshot). `fields` holds the kind's other columns as JSON (numbers, ISO dates, true/false, texts);
# the columns later code filters on are kept as columns.
ledger_items = Table(
    "ledger_items", metadata,
    Column("upload_id", Integer, nullable=False),
    Column("ledger", String(32), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("region_code", String(6), nullable=False),
    Column("item_id", String(128), nullable=False),  # the kind's key, unique per county and upload
    Column("unit", Text, nullable=False),  # 责任单位 ("" when the kind or the row has none)
    Column("fields", Text, nullable=False),
    Column("src_row", Integer, nullable=False),  # row in the uploaded file, for tracing
)

# Units below the county (乡镇街道、县直部门、市直部门、招商小分队): an upload of kind "units" lists the units of the
# regions it covers; a region's units are those of the latest committed units upload that has rows for it
# (Store.units), so an upload replaces one county's list and leaves the others as they were.
units = Table(
    "units", metadata,
    Column("upload_id", Integer, nullable=False),
    Column("region_code", String(6), nullable=False),  # the parent: a county (a city for 市直部门)
    Column("unit_kind", String(16), nullable=False),  # township | county_dept | city_dept | investment_team
    Column("name", String(128), nullable=False),  # unique within the parent
    Column("aliases", Text, nullable=False),  # other names, joined by "、"
    Column("src_row", Integer, nullable=False),
)

# Annual tasks per unit and measure (data/unit_measures.toml), append-only: the current task of a key is the one of
# the latest committed "unit_tasks" upload that carries it, like targets.
unit_tasks = Table(
    "unit_tasks", metadata,
    Column("upload_id", Integer, nullable=False),
    Column("year", Integer, nullable=False),
    Column("region_code", String(6), nullable=False),  # the unit's parent
    Column("unit_name", String(128), nullable=False),  # the unit's name as in the units table
    Column("measure", String(32), nullable=False),
    Column("value", Double, nullable=False),
    Column("src_row", Integer, nullable=False),
)

# Units that reported to a ledger's snapshot without any item of their own ("unit_reports" uploads): a unit with
# no row here and no item in the county's snapshot did not report (未上报), which is never read as zero.
unit_reports = Table(
    "unit_reports", metadata,
    Column("upload_id", Integer, nullable=False),
    Column("ledger", String(32), nullable=False),
    Column("as_of", Date, nullable=False),  # the snapshot date the report is for
    Column("region_code", String(6), nullable=False),  # the unit's parent
    Column("unit_name", String(128), nullable=False),
    Column("src_row", Integer, nullable=False),
)

# The counties' types (县域类型, loaders/county_types.py), append-only: the current types of a (year, county) are those
# of the latest committed "county_types" upload that carries it, like targets. Types are the scheme's [[groups]] codes.
county_types = Table(
    "county_types", metadata,
    Column("upload_id", Integer, nullable=False),
    Column("year", Integer, nullable=False),
    Column("region_code", String(6), nullable=False),
    Column("type1", String(32), nullable=False),
    Column("type2", String(32), nullable=False),  # "" for a county of one type
    Column("src_row", Integer, nullable=False),
)

# Bonus, deduction and veto items per county and year (the scheme's [[adjustments]] and [[veto]] codes): the items
# of a (year, county) are the rows of the latest committed "county_facts" upload with rows for it.
county_facts = Table(
    "county_facts", metadata,
    Column("upload_id", Integer, nullable=False),
    Column("year", Integer, nullable=False),
    Column("region_code", String(6), nullable=False),
    Column("item", String(32), nullable=False),
    Column("kind", String(16), nullable=False),  # bonus | deduction | veto
    Column("value", Double),  # points (NULL for a veto item)
    Column("note", Text, nullable=False),  # 否决原因 (a veto) or ""
    Column("src_row", Integer, nullable=False),
)

upload_problems = Table(
    "upload_problems", metadata,
    Column("upload_id", Integer, nullable=False),
    Column("severity", String(8), nullable=False),
    Column("code", String(32), nullable=False),
    Column("row_no", Integer),
    Column("column_name", String(128), nullable=False),
    Column("value", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("fix", Text, nullable=False),
)

upload_events = Table(
    "upload_events", metadata,
    Column("upload_id", Integer, nullable=False),
    Column("event", String(16), nullable=False),  # committed | rolled_back
    Column("user_name", String(64), nullable=False),
    Column("event_at", DateTime, nullable=False),
    Column("note", Text, nullable=False),
)

period_settings = Table(
    "period_settings", metadata,
    Column("period", String(7), nullable=False),
    Column("closing_date", Date, nullable=False),  # 统计关库
    Column("set_by", String(64), nullable=False),
    Column("set_at", DateTime, nullable=False),
    Column("reason", Text, nullable=False),
)

# The bytes of every committed file, so the bureau can download exactly what was loaded.
upload_files = Table(
    "upload_files", metadata,
    Column("upload_id", Integer, primary_key=True, autoincrement=False),
    Column("content", LargeBinary, nullable=False),
)

# The bytes of a file dropped on the upload page while its preview or commit job waits for a worker (any process,
# any host: the store is what they all share; Redis holds only the job's few keywords, a local directory would be
# another host's nothing). The job deletes its rows when it ends; rows a killed job left are purged after a day.
staged_files = Table(
    "staged_files", metadata,
    Column("key", String(32), primary_key=True),
    Column("user_name", String(64), nullable=False),
    Column("staged_at", DateTime, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

# Jobs a web process runs itself in server mode (no background worker listening, or Redis down): their owner,
# heartbeat and result, so the page's next question may reach any web process. A derived record, deleted an hour on.
running_jobs = Table(
    "running_jobs", metadata,
    Column("job_id", String(32), primary_key=True),
    Column("user_name", String(64), nullable=False),
    Column("label", Text, nullable=False),
    Column("state", String(16), nullable=False),  # running | done | failed (loaders/jobs.py)
    Column("beat_at", DateTime, nullable=False),
    Column("result", LargeBinary),
    Column("error", Text, nullable=False),
)

# One row per committed file, keyed by its sha256: the store itself refuses a second commit of the same bytes
# (two uploads racing each other), in the transaction that writes the upload. The row goes when the upload is
# rolled back, so a withdrawn file may be uploaded again.
committed_files = Table(
    "committed_files", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("upload_id", Integer, nullable=False),
)

# Accounts are mutable: a password change or a failed login updates the row; every change is also written to the
# append-only audit_log. failed_logins counts wrong passwords since the last login (shown to admins, locks
# nothing); locked_until is no longer set (the throttle is per address, loaders/throttle.py).
users = Table(
    "users", metadata,
    Column("name", String(64), primary_key=True),
    Column("display_name", String(64), nullable=False),
    Column("role", String(16), nullable=False),  # viewer | uploader | admin
    Column("scope", Text, nullable=False),  # comma-separated region codes; empty = the whole province
    Column("password_hash", Text, nullable=False),
    Column("disabled", Boolean, nullable=False),
    Column("failed_logins", Integer, nullable=False),
    Column("locked_until", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("last_login_at", DateTime),
)

# One row per login session (the id is the sha256 of a random token held in the signed cookie): a cookie is good
# only while its row is open, so logout, a password reset or disabling the account ends it on the server.
sessions = Table(
    "sessions", metadata,
    Column("id", String(64), primary_key=True),
    Column("user_name", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("ended_at", DateTime),
    Column("end_reason", String(32), nullable=False),  # "" while open | logout | password | disabled | expired
)

# Login tries per (account as typed, address) and per address over all accounts (account ""): the throttle in
# loaders/throttle.py. A mutable counter, like users; every try is also in audit_log.
login_throttle = Table(
    "login_throttle", metadata,
    Column("account", String(64), primary_key=True),
    Column("address", String(64), primary_key=True),
    Column("tries", Integer, nullable=False),
    Column("last_try_at", DateTime, nullable=False),
    Column("blocked_until", DateTime),
)

audit_id_seq = Sequence("audit_id_seq", metadata=metadata)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, audit_id_seq, primary_key=True, server_default=audit_id_seq.next_value()),
    Column("logged_at", DateTime, nullable=False),
    Column("user_name", String(64), nullable=False),  # "" for an anonymous request
    Column("action", String(32), nullable=False),  # login | logout | upload | rollback | export | refused | …
    Column("outcome", String(16), nullable=False),  # ok | failed | refused
    Column("target", Text, nullable=False),  # what it was about: a page, an upload id, a file name
    Column("detail", Text, nullable=False),
    Column("ip", String(64), nullable=False),
)

# Computed results (scorecards, gap answers), shared by every page, export, CLI run and server process and kept
# across restarts. A derived cache, not a record: the key names the computation and the state of everything it
# read (indicators/results.py), so a row is never stale, only unused; rows may be deleted at any time.
results = Table(
    "results", metadata,
    Column("key", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("inputs_state", String(16), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("payload", LargeBinary, nullable=False),
)

shown_id_seq = Sequence("shown_id_seq", metadata=metadata)

# Which data state the pages show (loaders/shown.py): a serving app keeps the last state whose leader views are
# computed on screen while the warm-up computes the new one. Append-only: a "computing" row when a change lands (with
# the warm-up job computing it, "" until the job is submitted), a "ready" row when that job ends.
shown_states = Table(
    "shown_states", metadata,
    Column("id", Integer, shown_id_seq, primary_key=True, server_default=shown_id_seq.next_value()),
    Column("data_state", String(16), nullable=False),
    Column("upload_ids", Text, nullable=False),  # the committed uploads of that state, comma-separated
    Column("status", String(16), nullable=False),  # computing | ready
    Column("job_id", String(64), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
)

# Only PostgreSQL gets secondary indexes: DuckDB's zone maps serve these scans, and ART indexes
# would slow its bulk inserts.
PG_INDEXES = (
    Index("ix_obs_key", observations.c.indicator, observations.c.period, observations.c.region_code,
          observations.c.measure, observations.c.upload_id),
    Index("ix_obs_upload", observations.c.upload_id),
    Index("ix_targets_key", targets.c.year, targets.c.indicator, targets.c.region_code),
    Index("ix_uploads_sha", uploads.c.sha256),
    Index("ix_ledger_items_key", ledger_items.c.ledger, ledger_items.c.region_code, ledger_items.c.as_of,
          ledger_items.c.upload_id),
)
