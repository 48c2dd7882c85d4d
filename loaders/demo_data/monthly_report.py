"""The city's 统计月报 (one period, counties as rows, level / growth / rank per indicator), written as a GBK CSV
the way Chinese Excel exports it and as a workbook with merged header cells."""

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from loaders import catalogue as catalogue_mod
from loaders import clock
from loaders.cells import period_label
from loaders.demo_data.constants import LONGNAN, gansu
from loaders.demo_data.sheet_cells import county_codes, sheet_value
from loaders.demo_data.workbook import save_workbook

WIDE_CODES = ("IVA", "FAI", "RETAIL", "INVEST_IN", "GPBR", "IND_REV", "IND_PROFIT", "SVC_REV", "ELEC")
WIDE_QUARTERLY = ("GDP", "URB_INC", "RUR_INC")
HEADER_UNITS = {"元": "(元)", "万千瓦时": "(万千瓦时)"}  # non-万元 levels carry their unit in the header
FOOTNOTE = "注：本表为模拟数据，仅供演示。位次为全市排位。"


def report_name(period: str, city: str = LONGNAN, ext: str = "csv") -> str:
    """The 月报's file name, e.g. 月报_2026年1-10月_陇南市.csv."""
    return f"月报_{period_label(period)}_{gansu()[city].name}.{ext}"


def report_periods(end: str) -> tuple[str, str]:
    """The 月报 sheets written: the end month and the month before (as a workbook), skipping January,
    which has too few indicators for a 月报: ('2026-09', '2026-10') for an end of 2026-10."""
    months = [p for p in (end, clock.month_before(end), clock.month_before(end, 2)) if not p.endswith("-01")]
    return months[1], months[0]


def ranks(values: list[float]) -> list[int | None]:
    """位次 among the counties: descending, ties share the smallest rank, missing has none."""
    s = pd.Series(values, dtype=float)
    r = s.rank(ascending=False, method="min")
    return [None if np.isnan(v) else int(v) for v in r]


def monthly_report(cur: pd.DataFrame, period: str, codes: list[str], city: str = LONGNAN):
    """The 统计月报 layout: (rows of cells, header spans [(first column, width)]) for one period."""
    cat = catalogue_mod.default()
    regs = gansu()
    city_name = regs[city].name
    values = cur[cur.period == period].set_index(["region_code", "indicator", "measure"]).value
    units = sorted({cat[c].unit for c in codes if "cum_level" in cat[c].measures} - {"万千瓦时"},
                   key=["万元", "元"].index)
    header1, header2, spans = ["县区"], [""], []
    for code in codes:
        ind = cat[code]
        name = ind.name_zh + HEADER_UNITS.get(ind.unit, "")
        subs = (["绝对额"] if "cum_level" in ind.measures else []) + ["增速(%)", "位次"]
        spans.append((len(header1), len(subs)))
        header1 += [name] * len(subs)
        header2 += subs
    width = len(header1)
    rows = [[f"{period_label(period)}{city_name}各县区主要经济指标完成情况（模拟数据）"],
            ["单位：" + "、".join(units + ["%"])], header1, header2]
    counties = county_codes(city)
    body = {city: ["全市"]} | {c: [regs[c].short_name] for c in counties}
    for code in codes:
        ind = cat[code]
        growth = [values.get((c, code, "cum_yoy"), np.nan) for c in counties]
        rank = dict(zip(counties, ranks(growth), strict=True))
        for region in [city, *counties]:
            if "cum_level" in ind.measures:
                body[region].append(sheet_value(values.get((region, code, "cum_level"), np.nan), ind.unit))
            body[region].append(sheet_value(values.get((region, code, "cum_yoy"), np.nan), "%"))
            body[region].append(rank.get(region) if region != city else None)
    rows += list(body.values())
    rows.append([FOOTNOTE])
    return [r + [None] * (width - len(r)) for r in rows], spans


def csv_cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.1f}"
    return str(v)


def write_report_csv(cur: pd.DataFrame, period: str, path: Path) -> Path:
    """The 月报 as Chinese Excel exports it: GBK, CRLF, every row padded to the full width."""
    rows, _ = monthly_report(cur, period, list(WIDE_CODES))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([[csv_cell(v) for v in row] for row in rows])
    path.write_bytes(buf.getvalue().encode("gbk"))
    return path


def write_report_xlsx(cur: pd.DataFrame, period: str, path: Path, codes: tuple[str, ...]) -> Path:
    """The 月报 as a workbook with real merged cells (title, units, indicator names, 县区)."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    rows, spans = monthly_report(cur, period, list(codes))
    width = len(rows[0])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "主要指标"
    for row in rows:
        ws.append(row)  # merging below keeps only the top-left value of each merged range
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    for first, w in spans:
        ws.merge_cells(start_row=3, start_column=first + 1, end_row=3, end_column=first + w)
    ws.merge_cells(start_row=len(rows), start_column=1, end_row=len(rows), end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    for row in ws.iter_rows(min_row=3, max_row=4):
        for cell in row:
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 10
    save_workbook(wb, path)
    return path
