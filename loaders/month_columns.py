"""One sheet per indicator with periods as columns (1-2月, 1-3月, …, 2024-06, 上半年) and regions as
rows; the indicator and measure come from the sheet name or the title, the year from the title."""

from loaders import sheet_layout as sl
from loaders.catalogue import Catalogue, how_to_add
from loaders.cells import period as parse_period
from loaders.cells import squeeze, unit_factor, year_in
from loaders.parsed import Parsed, empty_frame, observation_frames
from loaders.problems import ERROR, WARNING, Problem
from loaders.regions import Regions
from loaders.sheets import Sheet
from loaders.wide_sheet import dropped, measure_of

FORMAT = "month_columns"
YEAR_FIX = ("在标题中写明年份，如“2024年陇南市各县区规模以上工业增加值增速”，或在上传表单的“期间”中填写 2024-06",
            "在标题中写明年份，如“2024年陇南市各县区规模以上工业增加值增速”，或导入时用 --period 2024-06 指定")
PERIOD_FIX = "把表头写成 1-6月、2024年1-6月、2024-06 或 上半年"


def find_indicator(catalogue: Catalogue, name: str, title: str) -> str | None:
    """The indicator a sheet is about: its name as a whole, else the longest catalogue name or
    alias found inside the title, else inside the sheet name."""
    code = catalogue.resolve(name)
    if code:
        return code
    names = sorted(((squeeze(n), i.code) for i in catalogue for n in (i.name_zh, *i.aliases)),
                   key=lambda nc: len(nc[0]), reverse=True)
    for text in (squeeze(title), squeeze(name)):
        for n, c in names:
            if n and n in text:
                return c
    return None


def parse(sheet: Sheet, *, file: str, catalogue: Catalogue, regions: Regions, period: str | None = None,
          encoding: str = "") -> Parsed | None:
    """Long observation rows from a months-as-columns sheet, or None when the sheet is not one."""
    lay = sl.layout(sheet.rows)
    if lay is None or not sl.is_month_header(lay):
        return None
    name = sl.stem(sheet.name)
    context = f"{name} {lay.title}"
    option, problems = sl.option_period(period, file=file)
    source = ""
    year = None
    if option or any(parse_period(top) is None for _, top, _ in lay.columns):
        found = year_in(lay.title) or year_in(name)
        year_text, source, more = sl.settle_period(
            str(found) if found else None, option[:4] if option else None, lay,
            file=file, what="年份", fix=YEAR_FIX)
        problems += more
        year = int(year_text) if year_text else None

    code = find_indicator(catalogue, name, lay.title)
    ind = catalogue[code] if code else None
    if ind is None:
        problems.append(Problem(ERROR, "unknown_indicator", "从表名和标题中都找不到指标名称",
                                f"在表名或标题中写明指标，如“2024年陇南市各县区规模以上工业增加值增速”；"
                                f"可用的指标：{'、'.join(i.name_zh for i in catalogue)}；{how_to_add('')}",
                                file=file, row=lay.title_row, value=lay.heading or name))
    elif ind.value_type == "derived":
        problems.append(Problem(WARNING, "derived_skipped", f"“{ind.name_zh}”由其他指标计算得出，不从表格导入，已跳过",
                                "无需处理；平台会根据分子、分母指标自动计算",
                                file=file, row=lay.title_row, value=lay.heading or name))
        ind = None

    columns, periods, bad_units = [], {}, set()
    for j, top, sub in lay.columns:
        if sub and dropped("", sub):
            continue
        label = f"{top}/{sub}" if sub else top
        p = parse_period(top, year) if year else parse_period(top)
        if p is None:
            if parse_period(top, sl.ANY_YEAR) is None and "月" in top:
                problems.append(Problem(ERROR, "bad_period", "表头的期间无法识别", PERIOD_FIX,
                                        file=file, row=lay.header_row, column=label, value=top))
            continue  # other headers (备注, 位次) are not data; a missing year was reported above
        if ind is None:
            continue
        measure = measure_of(context, sub, ind)
        if measure is None:
            continue
        level = measure in ("cum_level", "month_level")
        unit = sl.unit_of(context, sub, level, lay.sheet_unit if ind.unit == "万元" else None)
        target = ind.unit if level else "%"
        factor = unit_factor(unit, target)
        if factor is None:
            if unit in bad_units:
                continue
            bad_units.add(unit)
            problems.append(Problem(ERROR, "bad_unit", f"单位“{unit}”与指标“{ind.name_zh}”的单位“{target}”不相容",
                                    f"把单位改为（{target}）或可换算的单位（如 亿元→万元）",
                                    file=file, row=lay.header_row, column=label, value=unit or ""))
            continue
        columns.append(sl.Column(j, label, ind.code, measure, factor))
        periods[label] = p

    city = sl.city_in(lay.title, regions)
    records, body_problems = sl.read_body(sheet.rows, lay, columns, city=city, regions=regions, file=file)
    frame, marks = empty_frame(), empty_frame("marks")
    if records:
        frame, marks = observation_frames(records, lambda r: periods[r["column"]])
    return Parsed(kind="observations", format=FORMAT, frame=frame, problems=problems + body_problems,
                  encoding=encoding, period_source=source, simulated=lay.simulated, marks=marks)
