"""Units below the county (乡镇街道、县直部门、市直部门、招商小分队): their list, their annual tasks and their reports
to a ledger — three small uploads, validated with every problem at once and versioned like the statistics.

- **units** (uploads.kind "units"): 单位类别, 所属县区, 单位名称, 别名. The file is the full list of the regions it
  covers: a region's units are those of the latest committed units upload with rows for it (a 市直部门's parent is
  the city). Rolling an upload back brings the previous list back.
- **unit_tasks**: 年度, 县区, 单位名称, 任务指标 (data/unit_measures.toml), 任务值. The current task of a
  (year, unit, measure) is the one of the latest committed upload that carries it.
- **unit_reports**: 台账, 截至日期, 县区, 单位名称 — the units that reported to a ledger's snapshot of that date
  even without an item of their own ("本期无新增"). A unit reported for a county's snapshot when it has an item in
  it or a report row dated the snapshot's date; any other unit did not report (未上报), which is never zero.

Names resolve within the parent county (then its city, for 市直部门): full name or alias, after NFKC and with
spaces ignored, like loaders/regions.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from loaders import bulk, clock, isolated, ledger_cells, upload_check
from loaders import ledger_kinds as kinds_mod
from loaders import regions as regions_mod
from loaders import tables as t
from loaders import unit_measures as measures_mod
from loaders.cells import CellError, norm, squeeze
from loaders.ingest import IngestReport, close_upload, open_upload
from loaders.problems import ERROR, WARNING, Problem
from loaders.store import Store
from loaders.unit_headers import (  # noqa: F401  (units.COLUMNS, units.WHAT… as before)
    COLUMNS,
    REPORTS,
    TASKS,
    UNITS,
    WHAT,
    Col,
    header_row,
    header_score,
)

# The kinds of unit, in the order pages list them, with the words met on sheets for each.
UNIT_KINDS = {
    "township": ("乡镇街道", ("乡镇", "街道", "乡镇(街道)", "镇", "乡", "镇办", "乡镇街道办")),
    "county_dept": ("县直部门", ("县直单位", "县直", "县直部门单位", "部门", "区直部门", "区直单位")),
    "city_dept": ("市直部门", ("市直单位", "市直", "州直部门")),
    "investment_team": ("招商小分队", ("小分队", "招商组", "招商分队", "招商工作组")),
}
MAX_NAME_CHARS = 128  # units.name
MAX_UNITS_LISTED = 30  # a county's units named in the fix for an unknown unit
TASK_YEARS = (2000, 2100)
_ALIAS_SPLIT = re.compile(r"[、,，;；/|]+")


def kind_name(code: str) -> str:
    return UNIT_KINDS[code][0]


def resolve_kind(text: str) -> str | None:
    key = squeeze(text).lower()
    for code, (zh, words) in UNIT_KINDS.items():
        if key in {code, squeeze(zh)} | {squeeze(w) for w in words}:
            return code
    return None


def name_key(text: str) -> str:
    """A unit name as matched: NFKC, no spaces, case-folded (“抛沙 镇” = “抛沙镇”)."""
    return squeeze(text).casefold()


# ---------------------------------------------------------------- the directory: names → units


class UnitDirectory:
    """The current units (Store.units frame), looked up by name or alias within a parent region."""

    def __init__(self, units: pd.DataFrame, regions: regions_mod.Regions | None = None):
        self.regions = regions or regions_mod.default()
        self.frame = units.reset_index(drop=True)
        self._keys: dict[tuple[str, str], str] = {}
        for r in self.frame.itertuples(index=False):
            for word in (r.name, *split_aliases(r.aliases)):
                self._keys.setdefault((r.region_code, name_key(word)), r.name)

    def resolve(self, text: str, region: str) -> tuple[str, str] | None:
        """(parent region, unit name) for a name written beside a county (or city), or None when unknown. The
        county's own units come first, then its city's (市直部门)."""
        key = name_key(text or "")
        if not key:
            return None
        for parent in self._parents(region):
            name = self._keys.get((parent, key))
            if name is not None:
                return parent, name
        return None

    def names_in(self, region: str) -> list[str]:
        """The unit names a file about `region` may use (its own, then its city's)."""
        parents = self._parents(region)
        return [n for p in parents for n in self.frame.loc[self.frame["region_code"] == p, "name"]]

    def _parents(self, region: str) -> list[str]:
        city = self.regions.city_of(region) if region in self.regions else None
        return [region] + ([city] if city and city != region else [])


def split_aliases(text: str | None) -> list[str]:
    return [a.strip() for a in _ALIAS_SPLIT.split(norm(text or "")) if a.strip()]


def directory(store: Store, regions: regions_mod.Regions | None = None) -> UnitDirectory:
    return UnitDirectory(store.units(), regions)


# ---------------------------------------------------------------- reading a small table


def read_table(book, upload: str, file: str) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """(rows as (Excel row number, column code → cell text), problems) from the first sheet that has the upload's
    header row among its first rows; a missing required column is one problem naming every such column."""
    cols = COLUMNS[upload]
    best = header_row(book, upload)
    found = best[3] if best else {}
    missing = [c for c in cols if c.required and c.code not in found]
    if missing:
        expected = "、".join(c.header + ("" if c.required else "（可选）") for c in cols)
        return [], [Problem(ERROR, "missing_column", f"{WHAT[upload]}缺少必填列：{'、'.join(c.header for c in missing)}",
                            f"表头行应为：{expected}", file)]
    _, sheet, header, index = best
    rows = []
    for i, row in enumerate(sheet.rows[header + 1:], start=header + 2):
        cells = {code: norm(row[j]) if j < len(row) else "" for code, j in index.items()}
        if all(ledger_cells.is_empty(v) for v in cells.values()):
            continue
        rows.append((i, cells))
    if not rows:
        return [], [Problem(ERROR, "no_rows", f"{WHAT[upload]}只有表头，没有数据行", "请在表头下逐行填写后再上传", file)]
    return rows, []


def template_csv(upload: str) -> bytes:
    """The header row of an upload as CSV (UTF-8 with BOM, which Excel opens with its Chinese intact)."""
    return ("\ufeff" + ",".join(c.header for c in COLUMNS[upload]) + "\r\n").encode("utf-8")


def _resolver(regions: regions_mod.Regions, rows):
    """Region names of a file resolved with the city most of its rows belong to, which settles a county name used
    in several prefectures (as loaders/ledger_sheet.py does)."""
    cities = Counter(regions.city_of(code) for _, c in rows if (code := regions.resolve(c["county"])))
    cities.pop(None, None)
    city = cities.most_common(1)[0][0] if cities else None
    return lambda text: regions.resolve(text, city) if text else None


def _header(upload: str, code: str) -> str:
    return next(c.header for c in COLUMNS[upload] if c.code == code)


# ---------------------------------------------------------------- parsing and validating each upload


def parse_units(rows, file: str, regions: regions_mod.Regions) -> tuple[pd.DataFrame, list[Problem]]:
    """The units of a file as a frame (region_code, unit_kind, name, aliases, src_row) and every problem."""
    problems, out = [], []
    owner: dict[tuple[str, str], tuple[int, str]] = {}  # (parent, name key) → (row, unit name)

    def bad(row, code, col, value, reason, fix):
        problems.append(Problem(ERROR, code, reason, fix, file, row=row, column=_header(UNITS, col), value=value))

    kinds_hint = "、".join(zh for zh, _ in UNIT_KINDS.values())
    resolve = _resolver(regions, rows)
    for row, c in rows:
        kind = resolve_kind(c["unit_kind"])
        if kind is None:
            bad(row, "unknown_unit_kind", "unit_kind", c["unit_kind"], "单位类别无法识别" if c["unit_kind"] else "缺少单位类别",
                f"应为 {kinds_hint} 之一")
        region = resolve(c["county"])
        if region is None:
            bad(row, "unknown_region", "county", c["county"], "所属县区无法识别" if c["county"] else "缺少所属县区",
                f"填写县区全称、简称或6位区划代码（如 {regions.example()}）；市直部门填所属市（如 {regions[regions.home].name}）"
                if regions.home in regions else "填写县区全称、简称或6位区划代码；市直部门填所属市")
        elif kind is not None:
            level = regions[region].level
            if kind == "city_dept" and level != "prefecture":
                bad(row, "wrong_parent", "county", c["county"], "市直部门应属于市（州），不是县区",
                    f"所属县区请填 {regions[regions.city_of(region)].name if regions.city_of(region) else '所属市'}，"
                    f"或把单位类别改为 县直部门")
                region = None
            elif kind != "city_dept" and level != "county":
                bad(row, "wrong_parent", "county", c["county"], f"{kind_name(kind)}应属于一个县区",
                    "所属县区请填县区名称（如 成县）；属于市的单位类别请填 市直部门")
                region = None
        name = c["name"]
        if ledger_cells.is_empty(name):
            bad(row, "missing_name", "name", name, "缺少单位名称", "填写单位全称，如 抛沙镇、县商务局")
            continue
        if len(name) > MAX_NAME_CHARS:
            bad(row, "name_too_long", "name", name[:40] + "…", f"单位名称超过 {MAX_NAME_CHARS} 个字", "请填写单位全称，不要附加说明")
            continue
        aliases = [a for a in split_aliases(c.get("aliases", "")) if name_key(a) != name_key(name)]
        if region is None or kind is None:
            continue
        clash = False
        for word in (name, *aliases):
            first = owner.get((region, name_key(word)))
            if first is not None and not clash:
                col = "name" if word == name else "aliases"
                bad(row, "duplicate_unit", col, word, f"与第{first[0]}行的单位“{first[1]}”重名（同一县区内名称和别名不得重复）",
                    "删除重复的行，或改用能区分的全称")
                clash = True
        if clash:
            continue
        for word in (name, *aliases):
            owner[(region, name_key(word))] = (row, name)
        out.append({"region_code": region, "unit_kind": kind, "name": name, "aliases": "、".join(aliases),
                    "src_row": row})
    return pd.DataFrame(out, columns=["region_code", "unit_kind", "name", "aliases", "src_row"]), problems


def _unit_fix(units: UnitDirectory, region: str, regions: regions_mod.Regions) -> str:
    names = units.names_in(region)
    if not (units.frame["region_code"] == region).any():
        city = f"；也可填{'、'.join(names[:MAX_UNITS_LISTED])}" if names else ""
        return f"{regions[region].name}尚未上传下辖单位名单，请先上传单位名单（或核对县区）{city}"
    more = f" 等 {len(names)} 个" if len(names) > MAX_UNITS_LISTED else ""
    return f"{regions[region].name}的单位有：{'、'.join(names[:MAX_UNITS_LISTED])}{more}；新单位请先加入单位名单"


def _unit_cell(units, regions, resolve, c, row, upload, file, problems) -> tuple[str, str] | None:
    region = resolve(c["county"])
    if region is None:
        problems.append(Problem(ERROR, "unknown_region", "县区无法识别" if c["county"] else "缺少县区",
                                "填写县区全称、简称或6位区划代码（如 成县 / 621221）", file, row=row,
                                column=_header(upload, "county"), value=c["county"]))
        return None
    hit = units.resolve(c["unit"], region)
    if hit is None:
        problems.append(Problem(ERROR, "unknown_unit", f"{regions[region].name}没有名为“{c['unit']}”的单位" if c["unit"]
                                else "缺少单位名称", _unit_fix(units, region, regions), file, row=row,
                                column=_header(upload, "unit"), value=c["unit"]))
    return hit


def parse_tasks(rows, file: str, units: UnitDirectory, measures: measures_mod.Measures,
                regions: regions_mod.Regions) -> tuple[pd.DataFrame, list[Problem]]:
    """The tasks of a file (year, region_code, unit_name, measure, value, src_row) and every problem."""
    problems, out, seen = [], [], {}
    resolve = _resolver(regions, rows)
    for row, c in rows:
        year = None
        y = squeeze(c["year"]).removesuffix("年")
        if y.isdigit() and TASK_YEARS[0] <= int(y) <= TASK_YEARS[1]:
            year = int(y)
        else:
            problems.append(Problem(ERROR, "bad_year", "年度无法识别" if c["year"] else "缺少年度",
                                    "填写四位年份，如 2026", file, row=row, column="年度", value=c["year"]))
        hit = _unit_cell(units, regions, resolve, c, row, TASKS, file, problems)
        measure = measures.resolve(c["measure"]) if c["measure"] else None
        if measure is None:
            problems.append(Problem(ERROR, "unknown_measure", "任务指标无法识别" if c["measure"] else "缺少任务指标",
                                    f"应为 {measures.hint()} 之一", file, row=row, column="任务指标",
                                    value=c["measure"]))
        value = None
        try:
            value = ledger_cells.amount(c["value"])
            if value is None:
                raise CellError("缺少任务值，没有任务的单位请不填这一行")
        except CellError as exc:
            unit = f"，单位为{measure.unit}" if measure else ""
            problems.append(Problem(ERROR, "bad_value", str(exc), f"填写不小于 0 的数字{unit}", file, row=row,
                                    column="任务值", value=c["value"]))
            value = None
        if year is None or hit is None or measure is None or value is None:
            continue
        key = (year, *hit, measure.code)
        if key in seen:
            problems.append(Problem(ERROR, "duplicate_task", f"与第{seen[key]}行重复：{year}年 {hit[1]} 的"
                                    f"“{measure.name_zh}”任务只能填一次", "删除重复的行", file, row=row,
                                    column="任务指标", value=c["measure"]))
            continue
        seen[key] = row
        out.append({"year": year, "region_code": hit[0], "unit_name": hit[1], "measure": measure.code,
                    "value": value, "src_row": row})
    return pd.DataFrame(out, columns=["year", "region_code", "unit_name", "measure", "value", "src_row"]), problems


def parse_reports(rows, file: str, units: UnitDirectory, kinds: kinds_mod.Kinds,
                  regions: regions_mod.Regions, today: dt.date) -> tuple[pd.DataFrame, list[Problem]]:
    """The reports of a file (ledger, as_of, region_code, unit_name, src_row) and every problem."""
    problems, out, seen = [], [], set()
    resolve = _resolver(regions, rows)
    for row, c in rows:
        key = squeeze(c["ledger"])
        kind = next((k for k in kinds if key in {k.code, squeeze(k.name_zh), squeeze(k.name_zh).removesuffix("台账")}),
                    None)
        if kind is None:
            problems.append(Problem(ERROR, "unknown_ledger", "台账类型无法识别" if c["ledger"] else "缺少台账类型",
                                    f"应为 {kinds.hint()} 之一", file, row=row, column="台账", value=c["ledger"]))
        as_of = None
        try:
            as_of = ledger_cells.date(c["as_of"])
            if as_of is None:
                raise CellError(f"缺少截至日期，{ledger_cells.DATE_HINT}")
            if as_of > today:
                raise CellError(f"截至日期晚于今天（{today:%Y-%m-%d}）")
        except CellError as exc:
            problems.append(Problem(ERROR, "bad_as_of", str(exc), "填写该期台账的截至日期，如 2026-10-31", file,
                                    row=row, column="截至日期", value=c["as_of"]))
            as_of = None
        hit = _unit_cell(units, regions, resolve, c, row, REPORTS, file, problems)
        if kind is None or as_of is None or hit is None or (kind.code, as_of, *hit) in seen:
            continue
        seen.add((kind.code, as_of, *hit))
        out.append({"ledger": kind.code, "as_of": as_of, "region_code": hit[0], "unit_name": hit[1], "src_row": row})
    return pd.DataFrame(out, columns=["ledger", "as_of", "region_code", "unit_name", "src_row"]), problems


# ---------------------------------------------------------------- ingest


@dataclass
class UnitsReport(IngestReport):
    """An IngestReport of a units, unit_tasks or unit_reports upload; `dropped` counts units of the replaced lists
    this file no longer has."""

    dropped: int = 0
    frame: pd.DataFrame | None = field(default=None, repr=False)

    def as_dict(self) -> dict:
        return super().as_dict() | {"dropped": self.dropped}


def ingest_units(source, store: Store, **kw) -> UnitsReport:
    """Load a list of units (CSV or .xlsx): every problem at once; nothing written unless the whole file is good."""
    return _ingest(UNITS, source, store, **kw)


def ingest_tasks(source, store: Store, **kw) -> UnitsReport:
    """Load annual tasks per unit and measure; the units must already be in the store."""
    return _ingest(TASKS, source, store, **kw)


def ingest_reports(source, store: Store, **kw) -> UnitsReport:
    """Load the units that reported to a ledger's snapshot (台账, 截至日期, 县区, 单位名称)."""
    return _ingest(REPORTS, source, store, **kw)


def _ingest(upload: str, source: str | Path | bytes, store: Store, *, today: dt.date | None = None,
            regions: regions_mod.Regions | None = None, measures: measures_mod.Measures | None = None,
            kinds: kinds_mod.Kinds | None = None, **kw) -> UnitsReport:
    today = today or clock.today()
    regions = regions or regions_mod.default()

    def parse(rows, name):
        if upload == UNITS:
            return parse_units(rows, name, regions)
        units = directory(store, regions)
        if upload == TASKS:
            return parse_tasks(rows, name, units, measures or measures_mod.default(), regions)
        return parse_reports(rows, name, units, kinds or kinds_mod.default(), regions, today)

    # uploads.periods stays empty: these uploads feed no statistic, so results keyed by period never depend on them
    return ingest_table(upload, source, store, parse, table=TABLES[upload], regions=regions,
                        compare=lambda frame, report, conn: _compare(store, upload, frame, report, conn),
                        prepare=_dates if upload == REPORTS else None,
                        scope_fix="只上报本账号范围内的单位；其他地区请由市级部门上传", **kw)


def ingest_table(upload: str, source: str | Path | bytes, store: Store, parse, *, table, regions, compare,
                 scope_fix: str, prepare=None, periods=None, name: str | None = None, user: str = "cli",
                 dry_run: bool = False, note: str = "", allowed_regions: set[str] | None = None,
                 simulated: bool = False, book: tuple | None = None) -> UnitsReport:
    """One small table upload (units, tasks, reports, county types …): read, `parse(rows, name) -> (frame,
    problems)`, every problem at once, then in one transaction `compare(frame, report, conn)` with the current rows
    and write `prepare(frame)` to `table`. `book`: the file's (sheets, encoding, problems) when the caller already
    read them (loaders/upload_ingest.py); `periods(frame)`: the uploads.periods the rows make results depend on."""
    data = Path(source).read_bytes() if not isinstance(source, bytes) else source
    name = name or (Path(source).name if not isinstance(source, bytes) else "upload")
    sha = hashlib.sha256(data).hexdigest()
    same = store.committed_upload_with_sha(sha)
    if same is not None:
        return UnitsReport(file=name, sha256=sha, status="duplicate", duplicate_of=same["id"], kind=same["kind"],
                           format=same["format"], encoding=same["encoding"], rows=same["rows_read"],
                           unchanged=same["rows_read"])
    report = UnitsReport(file=name, sha256=sha, status="rejected", kind=upload, format=upload, simulated=simulated)
    refused = upload_check.check(name, data, max_bytes=None, accepted=None)
    if refused:
        report.errors = refused
        return report
    book, encoding, problems = book if book is not None else isolated.read_sheets(name, data, dates="day")
    report.encoding = encoding
    if not problems:
        rows, problems = read_table(book, upload, name)
        report.rows = len(rows)
    if problems:
        report.errors = [p for p in problems if p.severity == ERROR]
        return report
    frame, problems = parse(rows, name)
    report.frame = frame
    report.regions = sorted(frame["region_code"].unique()) if len(frame) else []
    report.periods = periods(frame) if periods else []
    report.errors = [p for p in problems if p.severity == ERROR]
    report.warnings = [p for p in problems if p.severity == WARNING]
    outside = sorted(set(report.regions) - allowed_regions) if allowed_regions is not None else []
    if outside:
        report.errors.append(Problem(ERROR, "region_out_of_scope",
                                     f"文件含本账号上报范围以外的地区：{'、'.join(regions[c].name for c in outside[:10])}",
                                     scope_fix, name))
    if report.errors:
        report.rejected = len({p.row for p in report.errors if p.row is not None}) or report.rows
        return report
    with store.engine.connect() as conn:
        trans = conn.begin()
        try:
            compare(frame, report, conn)
            if dry_run:
                report.status = "dry_run"
                trans.rollback()
                return report
            upload_id = open_upload(conn, report, data, user, note)
            rows = frame.assign(upload_id=upload_id)
            bulk.load(conn, table, prepare(rows) if prepare else rows)
            close_upload(conn, upload_id, report.warnings, user, note)
            trans.commit()
        except BaseException:
            if trans.is_active:
                trans.rollback()
            raise
    report.status = "committed"
    report.upload_id = upload_id
    return report


TABLES = {UNITS: t.units, TASKS: t.unit_tasks, REPORTS: t.unit_reports}


def _dates(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.assign(as_of=[d.isoformat() for d in rows["as_of"]])


def _compare(store: Store, upload: str, frame: pd.DataFrame, report: UnitsReport, conn) -> None:
    """New, revised and unchanged rows against the current ones (units: the lists of the same regions)."""
    if upload == REPORTS:
        report.inserted = len(frame)
        return
    if upload == UNITS:
        before = store.units(report.regions, conn=conn)
        key, value = ["region_code", "name"], ["unit_kind", "aliases"]
    else:
        before = store.unit_tasks(sorted(set(frame["year"])), report.regions, conn=conn)
        key, value = ["year", "region_code", "unit_name", "measure"], ["value"]
    old = count_changes(report, before, frame, key, value)
    if upload == UNITS and old:
        report.dropped = len(old)
        names = "、".join(n for _, n in sorted(old)[:MAX_UNITS_LISTED])
        report.warnings.append(Problem(WARNING, "units_dropped", f"上一版单位名单中有、本文件中没有的单位：{names}"
                                       f"（共 {len(old)} 个），导入后不再参与排名",
                                       "单位撤并的可忽略本提示；漏填的请补上后重新上传", report.file))


def count_changes(report: IngestReport, before: pd.DataFrame, frame: pd.DataFrame, key: list[str],
                  value: list[str]) -> dict[tuple, tuple]:
    """Count the file's rows as inserted / unchanged / revised against `before` (same key columns); returns the
    current rows the file does not have."""
    old = {tuple(r[k] for k in key): tuple(r[v] for v in value) for r in before.to_dict("records")}
    for r in frame.to_dict("records"):
        k = tuple(r[c] for c in key)
        if k not in old:
            report.inserted += 1
        elif _same(old.pop(k), tuple(r[v] for v in value)):
            report.unchanged += 1
        else:
            report.revised += 1
    return old


def _same(a: tuple, b: tuple) -> bool:
    def eq(x, y):
        if isinstance(x, float) and isinstance(y, int | float):
            return (pd.isna(x) and pd.isna(y)) or abs(x - float(y)) < 1e-9
        return x == y
    return all(eq(x, y) for x, y in zip(a, b, strict=True))


def describe(report: UnitsReport) -> str:
    """The report as the command line prints it."""
    head = {"committed": "已导入", "dry_run": "试导入（未写入）", "duplicate": "未重复导入", "rejected": "已拒绝"}
    lines = [f"{report.file}：{head[report.status]}（{WHAT.get(report.kind, report.kind)}）"]
    if report.status == "duplicate":
        lines.append(f"  与第 {report.duplicate_of} 次上传的文件完全相同，库中数据不变")
        return "\n".join(lines)
    if report.status == "rejected":
        lines.append(f"  发现 {len(report.errors)} 个错误，整份文件未写入（库中数据不变）：")
        lines += [f"  ✗ {p.message()}" for p in report.errors]
        return "\n".join(lines)
    upload = f"上传编号 {report.upload_id}，" if report.upload_id else ""
    lines.append(f"  {upload}读取 {report.rows} 行：新增 {report.inserted}，修改 {report.revised}，未变 {report.unchanged}"
                 + (f"，上一版有而本次没有 {report.dropped}" if report.dropped else ""))
    lines += [f"  ! {p.message()}" for p in report.warnings]
    return "\n".join(lines)

