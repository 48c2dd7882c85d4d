"""Longnan's ledgers as the files a county's staff upload: one CSV (UTF-8 with BOM, as the template) per kind and
snapshot date with the template's title and headers, the units list, the tasks of each year and one 上报记录 file
per snapshot date — all into a subfolder, in load order."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

from loaders import ledger_kinds, ledger_templates, unit_measures
from loaders import regions as regions_mod
from loaders import units as units_mod
from loaders.demo_data.ledger_items import KINDS, LedgerBook
from loaders.ledger_ingest import format_of

FOLDER = "台账"
CITY_NAME = "陇南市"


def _csv(rows: list[list]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def kind_label(kind) -> str:
    return kind.name_zh.replace("“", "").replace("”", "")


def _cell(col, value, county_name: str) -> str:
    if col.type == "region":
        return county_name
    if value is None:
        return ""
    if col.type == "number":
        return f"{value // 10}.{value % 10}"
    if col.type == "date":
        return value.isoformat()
    if col.type == "bool":
        yes, no = (col.yes[0], col.no[0]) if col.yes else ("是", "否")
        return yes if value else no
    return str(value)


def ledger_csv(book: LedgerBook, code: str, day: dt.date) -> bytes:
    kind = ledger_kinds.default()[code]
    regions = regions_mod.default()
    title = f"{CITY_NAME}{kind.name_zh}（截至{day.year}年{day.month}月{day.day}日）（模拟数据）"
    rows = [[title], [ledger_templates.ROW_NUMBER_HEADER, *(ledger_templates.header(c) for c in kind.columns)]]
    for n, (it, cells) in enumerate(book.snapshot(code, day), start=1):
        values = {"item_id": it.item_id, **cells}
        rows.append([n, *(_cell(c, values.get(c.code), regions[it.county].name) for c in kind.columns)])
    return _csv(rows)


def _region_name(code: str) -> str:
    return regions_mod.default()[code].name


def units_csv(book: LedgerBook) -> bytes:
    rows = [[c.header for c in units_mod.COLUMNS[units_mod.UNITS]]]
    rows += [[units_mod.kind_name(u.kind), _region_name(u.parent), u.name, "、".join(u.aliases)] for u in book.units]
    return _csv(rows)


def tasks_csv(book: LedgerBook, year: int) -> bytes:
    measures = unit_measures.default()
    rows = [[c.header for c in units_mod.COLUMNS[units_mod.TASKS]]]
    for y, (parent, name), measure, value in sorted(book.tasks, key=lambda t: (t[1][0], t[2], t[1][1])):
        if y == year:
            m = measures[measure]
            shown = f"{value:.0f}" if m.unit in ("个", "家") else f"{value:.1f}"
            rows.append([y, _region_name(parent), name, m.name_zh, shown])
    return _csv(rows)


def reports_csv(book: LedgerBook, day: dt.date) -> bytes:
    kinds = ledger_kinds.default()
    rows = [[c.header for c in units_mod.COLUMNS[units_mod.REPORTS]]]
    rows += [[kinds[led].name_zh, d.isoformat(), _region_name(parent), name] for led, d, parent, name in book.reports[day]]
    return _csv(rows)


def write_ledgers(book: LedgerBook, out_dir: Path) -> list[tuple[Path, str, str, str]]:
    """Every ledger file into out_dir/台账/ (emptied first: it holds only generated files); (path, kind, format,
    description) in load order — units, tasks, then each date's five ledgers and its reports."""
    if not book.dates:
        return []
    folder = out_dir / FOLDER
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    kinds = ledger_kinds.default()
    out = []

    def put(name: str, data: bytes, kind: str, fmt: str, description: str) -> None:
        path = folder / name
        path.write_bytes(data)
        out.append((path, kind, fmt, description))

    put(f"下辖单位_{CITY_NAME}.csv", units_csv(book), units_mod.UNITS, units_mod.UNITS,
        f"{CITY_NAME}各县区下辖单位名单（乡镇街道、县直部门、招商小分队，及市直部门；名称为模拟）")
    for year in sorted({t[0] for t in book.tasks}):
        put(f"单位任务_{year}年_{CITY_NAME}.csv", tasks_csv(book, year), units_mod.TASKS, units_mod.TASKS,
            f"{year}年下辖单位年度任务（到位资金、签约项目数、重点项目完成投资、新增入库四上企业、清偿拖欠账款）")
    for day in book.dates:
        for code in KINDS:
            kind = kinds[code]
            put(f"{kind_label(kind)}_{day.isoformat()}.csv", ledger_csv(book, code, day), "ledger", format_of(code),
                f"{CITY_NAME}{kind.name_zh}，截至{day.year}年{day.month}月{day.day}日（模拟数据）")
        if book.reports.get(day):
            put(f"上报记录_{day.isoformat()}.csv", reports_csv(book, day), units_mod.REPORTS, units_mod.REPORTS,
                f"截至{day.year}年{day.month}月{day.day}日本期无新增事项、已上报的单位")
    return out
