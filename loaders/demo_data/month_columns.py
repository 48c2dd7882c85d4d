"""The month-columns workbook: one sheet per indicator, 1-2月 … 1-N月 as columns, 全市 and the counties as rows."""

from pathlib import Path

import numpy as np
import pandas as pd

from loaders import catalogue as catalogue_mod
from loaders.cells import period_label
from loaders.demo_data.constants import LONGNAN, gansu
from loaders.demo_data.observations import periods_of, published_unit
from loaders.demo_data.sheet_cells import county_codes, sheet_value
from loaders.demo_data.workbook import save_workbook

MONTH_SHEETS = (("IVA", "cum_yoy"), ("FAI", "cum_yoy"), ("RETAIL", "cum_level"), ("RETAIL", "cum_yoy"))


def write_month_columns(cur: pd.DataFrame, year: int, end: str, path: Path, city: str = LONGNAN) -> Path:
    """One sheet per indicator, months of `year` up to the end month as columns (1-2月 … 1-10月), 全市 and the
    counties as rows."""
    import openpyxl
    from openpyxl.styles import Font

    cat = catalogue_mod.default()
    regs = gansu()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for code, measure in MONTH_SHEETS:
        ind = cat[code]
        name = ind.name_zh + ("增速" if measure == "cum_yoy" else "")
        months = [m for y, m in periods_of(code, end) if y == year]
        periods = [f"{year}-{m:02d}" for m in months]
        values = cur[(cur.indicator == code) & (cur.measure == measure)].set_index(["region_code", "period"]).value
        unit = published_unit(ind.unit, measure)
        ws = wb.create_sheet(name)
        ws.append([f"{year}年{regs[city].name}各县区{name}（模拟数据）"])
        ws.append([f"单位：{unit}"])
        ws.append(["县区"] + [period_label(p).split("年", 1)[1] for p in periods])
        for region in [city, *county_codes(city)]:
            label = "全市" if region == city else regs[region].short_name
            ws.append([label] + [sheet_value(values.get((region, p), np.nan), unit) for p in periods])
        ws["A1"].font = Font(bold=True)
    save_workbook(wb, path)
    return path
