"""Where things sit on a bureau sheet (rules 5, 6, 8, 9): title rows, a one- or two-row header,
the region column, the body rows and the footnotes, plus the helpers the wide parsers share.

Used by wide_sheet, month_columns and targets_sheet; every function is pure.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from loaders.catalogue import Catalogue, Indicator, how_to_add
from loaders.cells import (
    FLAT,
    NOT_REPORTED,
    CellError,
    clean_float,
    number,
    period,
    period_label,
    read_cell,
    squeeze,
    unit_factor,
    unit_in,
)
from loaders.problems import ERROR, WARNING, Problem
from loaders.regions import CITY_ROW_NAMES, Regions

# Rule 5: the header row starts with a region label. "单位" is also how a units row starts
# ("单位：万元、元、%"), so a units row is told apart by its colon.
HEADER_WORDS = ("县区", "县(区)", "县市区", "县市(区)", "区县", "地区", "单位", "指标")
UNITS_ROW = re.compile(r"单位[:：]\s*(.+)")
UNIT_SEPARATORS = re.compile(r"[、,，/;；\s]+")
MONEY_UNITS = ("亿元", "万元", "元")
# A 序号 column may stand before the region column.
REGION_COLUMN_SEARCH = 3
# Rule 6: the table ends at the first footnote ("注：…", "*含…", "※…"); a footnote may hold another version of a
# number (real-tables.md), which is never read.
FOOTER_WORDS = ("注", "备注", "说明", "数据来源", "资料来源", "*", "※")
# A header row whose region cell is blank (real tables leave the top-left cell empty) is shown under this name.
BLANK_REGION_LABEL = "地区"
# Rows below a blank-cornered header that are looked at for the first data row.
BLANK_CORNER_LOOKAHEAD = 3
SIMULATED = "模拟数据"
# A stand-in year for telling period labels ("1-6月") from other labels before the year is known.
ANY_YEAR = 2000
FILE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
TARGET_WORD = "目标"
# Fixes as (web, command line): the web form has a “期间” field where the CLI has --period (problems.Problem.cli_fix).
PERIOD_FIX = ("在标题中写明期间，如“2024年1-6月陇南市各县区主要经济指标完成情况”，或在上传表单的“期间”中填写 2024-06"
              "（文件名含期间也可，如“2024年1-6月主要指标.xlsx”）",
              "在标题中写明期间，如“2024年1-6月陇南市各县区主要经济指标完成情况”，或导入时用 --period 2024-06 指定"
              "（文件名含期间也可，如“2024年1-6月主要指标.xlsx”）")
YEAR_FIX = ("在标题中写明年份，如“2026年陇南市各县区主要经济指标目标任务”，或在上传表单的“期间”中填写 2026",
            "在标题中写明年份，如“2026年陇南市各县区主要经济指标目标任务”，或导入时用 --period 2026 指定")
_BARE_YEAR = re.compile(r"^(?:19|20)\d{2}$")
# A prefecture's full name in a title may be shortened to "临夏州" (临夏回族自治州).
_AUTONOMOUS = re.compile(r"(回族|藏族)?自治州$")


@dataclass(frozen=True)
class Layout:
    title: str  # all text above the header, joined: searched for the period, city and 目标
    heading: str  # the first line above the header (the title as a person reads it)
    title_row: int  # 1-based row of that line, or of the header when there is none
    header_row: int  # 1-based row of the (upper) header row
    region_col: int
    region_label: str
    columns: tuple[tuple[int, str, str], ...]  # (index, upper label forward-filled, sub label)
    body: tuple[int, ...]  # 0-based indices of the data rows
    simulated: bool
    sheet_unit: str | None  # the one money unit a 单位：… row names, if it names exactly one


@dataclass(frozen=True)
class Column:
    index: int
    label: str  # "社会消费品零售总额/增速(%)", shown in problems and kept in the frame
    indicator: str
    tag: str  # a measure (observations) or a target kind
    factor: float  # multiplies the sheet's value into the catalogue's unit


def cell(row: list[str], j: int) -> str:
    return row[j] if j < len(row) else ""


def starts_header(text: str) -> bool:
    t = squeeze(text)
    return t.startswith(HEADER_WORDS) and not UNITS_ROW.match(t)


def find_header(rows: list[list[str]]) -> tuple[int, int] | None:
    """(row index, region column) of the first row that starts with a region label, else of a header with a
    blank top-left cell (blank_corner), or None."""
    for i, row in enumerate(rows):
        if sum(1 for c in row if c) < 2:
            continue
        for j, text in enumerate(row[:REGION_COLUMN_SEARCH]):
            if starts_header(text):
                return i, j
            if text and not text.isdigit() and squeeze(text) != "序号":
                break
    return blank_corner(rows)


def _has_number(cells: list[str]) -> bool:
    for text in cells:
        try:
            if text and number(text) is not None:
                return True
        except CellError:
            pass
    return False


def blank_corner(rows: list[list[str]]) -> tuple[int, int] | None:
    """(row index, 0) of a header whose first cell is blank: labels and no numbers, and within a few rows below
    it (a second header row may come first) a row that names something in its first cell and has a number."""
    for i, row in enumerate(rows):
        if sum(1 for c in row if c) < 2 or cell(row, 0) or _has_number(row):
            continue
        for below in rows[i + 1:i + 1 + BLANK_CORNER_LOOKAHEAD]:
            if cell(below, 0) and not is_footer(below):
                return (i, 0) if _has_number(below[1:]) else None
        return None
    return None


def is_footer(row: list[str]) -> bool:
    first = next((c for c in row if c), "")
    return squeeze(first).startswith(FOOTER_WORDS)


def _is_sub_header(row: list[str], region_col: int) -> bool:
    """A second header row: no region name, some labels, and no numbers."""
    region = cell(row, region_col)
    rest = [c for c in row[region_col + 1:] if c]
    if (region and not starts_header(region)) or not rest:
        return False
    for text in rest:
        try:
            if number(text) is not None:
                return False
        except CellError:
            pass
    return True


def sheet_unit(lines: list[list[str]]) -> str | None:
    """The money unit of a 单位：… line when it names exactly one (单位：亿元、% -> 亿元)."""
    for row in lines:
        for text in row:
            m = UNITS_ROW.search(text)
            if m:
                money = {u for u in UNIT_SEPARATORS.split(m.group(1)) if u in MONEY_UNITS}
                return money.pop() if len(money) == 1 else None
    return None


def layout(rows: list[list[str]]) -> Layout | None:
    """The layout of a sheet with a region column and a one- or two-row header, or None."""
    found = find_header(rows)
    if found is None:
        return None
    h, rc = found
    two = h + 1 < len(rows) and _is_sub_header(rows[h + 1], rc)
    width = max(len(r) for r in rows)
    tops = [cell(rows[h], j) for j in range(width)]
    subs = [cell(rows[h + 1], j) if two else "" for j in range(width)]
    columns = []
    for j in range(rc + 1, width):
        if two and not tops[j] and subs[j] and j - 1 > rc:
            tops[j] = tops[j - 1]  # merged indicator cell: only its first cell has the text
        if tops[j] or subs[j]:
            columns.append((j, tops[j], subs[j]))
    start = h + (2 if two else 1)
    end = next((i for i in range(start, len(rows)) if is_footer(rows[i])), len(rows))
    above = rows[:h]
    title_row = next((i + 1 for i, r in enumerate(above) if any(r)), h + 1)
    heading = " ".join(c for c in above[title_row - 1] if c) if title_row <= h else ""
    notes = rows[end:]
    return Layout(
        title=" ".join(c for r in above for c in r if c),
        heading=heading,
        title_row=title_row,
        header_row=h + 1,
        region_col=rc,
        region_label=tops[rc] or BLANK_REGION_LABEL,
        columns=tuple(columns),
        body=tuple(range(start, end)),
        simulated=any(SIMULATED in c for r in above + notes for c in r),
        sheet_unit=sheet_unit(above),
    )


def is_month_header(lay: Layout) -> bool:
    """True when most upper header labels are periods (1-2月, 2024-06, 上半年): one sheet per indicator."""
    tops = {top for _, top, _ in lay.columns if top}
    months = [t for t in tops if period(t, ANY_YEAR)]
    return bool(months) and 2 * len(months) > len(tops)


def is_targets_title(title: str) -> bool:
    """A targets sheet says 目标 and names a year but no month (targets are annual)."""
    return TARGET_WORD in title and period(title) is None


def city_in(text: str, regions: Regions) -> str | None:
    """The prefecture named in a title (陇南市 / 陇南 / 临夏州), the longest match; None if none."""
    t = squeeze(text)
    best: tuple[int, str] | None = None
    for r in regions.of_level("prefecture"):
        for name in {r.name, r.short_name, _AUTONOMOUS.sub("州", r.name)}:
            if name in t and (best is None or len(name) > best[0]):
                best = (len(name), r.code)
    return best[1] if best else None


def file_name_of(label: str) -> str:
    """The uploaded file's name in a problem label ("2026年1-10月.xlsx[Sheet1]" -> "2026年1-10月.xlsx")."""
    return label.split("[", 1)[0] if label.endswith("]") else label


def stem(name: str) -> str:
    """A sheet name without a file extension ("规上工业增加值.csv" -> "规上工业增加值")."""
    return PurePath(name).stem if name.lower().endswith(FILE_SUFFIXES) else name


def unit_of(top: str, sub: str, level: bool, fallback: str | None) -> str | None:
    """The unit a column is written in: its sub-header's, else the indicator cell's, else `fallback`
    for a level column. A unit on a merged indicator cell ("(亿元)") describes its level column only."""
    u = unit_in(sub) if sub else None
    if u:
        return u
    u = unit_in(top)
    if u and (level or u == "%" or not sub):
        return u
    return fallback if level else None


def build_columns(
    lay: Layout,
    catalogue: Catalogue,
    *,
    file: str,
    dropped: Callable[[str, str], bool],
    name_of: Callable[[str], str | None],
    tag_of: Callable[[str, str, Indicator], str | None],
    level_tags: tuple[str, ...],
) -> tuple[list[Column], list[Problem], int]:
    """Columns to read, the problems met in the header, and how many labels named an indicator."""
    columns: list[Column] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    known = 0
    for j, top, sub in lay.columns:
        if dropped(top, sub):
            continue
        label = f"{top}/{sub}" if top and sub else top or sub
        code = name_of(top) if top else None
        if code is None:
            if top not in seen:
                seen.add(top)
                problems.append(Problem(
                    ERROR, "unknown_indicator", "表头中的指标名称无法识别",
                    f"改为指标目录中的名称：{'、'.join(i.name_zh for i in catalogue)}；{how_to_add(top or sub)}",
                    file=file, row=lay.header_row, column=label, value=top or sub))
            continue
        known += 1
        ind = catalogue[code]
        if ind.value_type == "derived":
            if code not in seen:
                seen.add(code)
                problems.append(Problem(
                    WARNING, "derived_skipped", f"“{ind.name_zh}”由其他指标计算得出，不从表格导入，已跳过",
                    "无需处理；平台会根据分子、分母指标自动计算",
                    file=file, row=lay.header_row, column=label, value=top))
            continue
        tag = tag_of(top, sub, ind)
        if tag is None:
            continue
        level = tag in level_tags
        unit = unit_of(top, sub, level, lay.sheet_unit if ind.unit == "万元" else None)
        target = ind.unit if level else "%"
        factor = unit_factor(unit, target)
        if factor is None:
            problems.append(Problem(
                ERROR, "bad_unit", f"单位“{unit}”与指标“{ind.name_zh}”的单位“{target}”不相容",
                f"把表头单位改为（{target}）或可换算的单位（如 亿元→万元），数值按该单位填写",
                file=file, row=lay.header_row, column=label, value=unit or ""))
            continue
        columns.append(Column(j, label, code, tag, factor))
    return columns, problems, known


def read_body(
    rows: list[list[str]], lay: Layout, columns: list[Column], *, city: str | None, regions: Regions, file: str,
    marks: bool = True,
) -> tuple[list[dict], list[Problem]]:
    """One record per present cell: region_code, row, column, indicator, tag, value (in the catalogue unit), mark.

    Missing cells, "——" (not applicable) and "-" (no target) give nothing; "持平" gives 0.0 marked FLAT and
    "没有上报报表" no value marked NOT_REPORTED (`marks`: the sheet may carry them; a targets sheet may not).
    Rows without any value (blank or "其中：" lines) are skipped; region names are squeezed ("全 省") to resolve.
    """
    records: list[dict] = []
    problems: list[Problem | None] = []
    # Rows whose name resolves only once the sheet's level is known (长沙 on a table of prefectures), with their
    # place in `problems`: (place, name, row, values).
    pending: list[tuple[int, str, int, list]] = []
    found: list[str] = []

    def add(code: str, row_no: int, values: list) -> None:
        for col, value, mark in values:
            records.append({"region_code": code, "row": row_no, "column": col.label, "indicator": col.indicator,
                            "tag": col.tag, "value": None if value is None else clean_float(value * col.factor),
                            "mark": mark})

    for i in lay.body:
        row = rows[i]
        values: list[tuple[Column, float | None, str | None]] = []
        bad = False
        for col in columns:
            text = cell(row, col.index)
            try:
                value, mark = read_cell(text)
                if mark in (FLAT, NOT_REPORTED) and not marks:
                    raise CellError(text)
            except CellError:
                bad = True
                problems.append(Problem(
                    ERROR, "bad_number", "不是可识别的数字",
                    "改为数字（如 1234.5、-3.2、5.1%）；缺失请留空或填“—”，不要填0" if marks else
                    "目标表中只填数字；未设目标请留空或填“-”",
                    file=file, row=i + 1, column=col.label, value=text))
                continue
            if value is not None or mark == NOT_REPORTED:
                values.append((col, value, mark if mark in (FLAT, NOT_REPORTED) else None))
        if not values and not bad:
            continue
        name = cell(row, lay.region_col)
        code = regions.resolve(squeeze(name), city) if name else None
        if code is None:
            pending.append((len(problems), name, i + 1, values))
            problems.append(None)
            continue
        found.append(code)
        add(code, i + 1, values)
    province = province_of_rows(found, regions) if city is None else None
    for k, name, row_no, values in pending:
        code = prefecture_named(name, regions) if province and name else None
        if code is not None:
            add(code, row_no, values)
        else:
            problems[k] = unknown_region(name, city, regions, file=file, row=row_no, column=lay.region_label,
                                         province=province)
    records.sort(key=lambda r: r["row"])
    return records, [p for p in problems if p is not None]


def prefecture_named(name: str, regions: Regions) -> str | None:
    """A prefecture as a province → prefecture table writes it: a stem it shares with a county (长沙 → 长沙市, not
    长沙县) or an autonomous prefecture shortened to 州 (湘西州 → 湘西土家族苗族自治州)."""
    key = squeeze(name)
    for written in (key, key.removesuffix("州") if len(key) > 2 else key):
        code = regions.resolve(written, level="prefecture")
        if code is not None and regions[code].level == "prefecture":
            return code
    return None


def province_of_rows(codes: list[str], regions: Regions) -> str | None:
    """The province of a province → prefecture table: the parent of most of its prefecture rows, else None."""
    parents = [regions[c].parent_code for c in codes if c in regions and regions[c].level == "prefecture"]
    if not parents or 2 * len(parents) < len(codes):
        return None
    return max(set(parents), key=parents.count)


def unknown_region(name: str, city: str | None, regions: Regions, *, file: str, row: int, column: str,
                   province: str | None = None) -> Problem:
    """`province`: the sheet lists a province's prefectures (province_of_rows), whose names the fix lists."""
    if city is None and squeeze(name) in CITY_ROW_NAMES:
        reason = f"标题中没有市州名称，无法确定“{name}”是哪个市"
        fix = "在标题中写明市州，如“2024年1-6月陇南市各县区主要经济指标”，或把该行名称改为市州全称"
    elif province is not None:
        reason = "市州名称无法识别" if name else "市州名称为空"
        names = [r.name for r in regions.of_level("prefecture") if r.parent_code == province]
        fix = f"本表各行应为全省和各市州：全省、{'、'.join(names)}"
    else:
        reason = "县区名称无法识别" if name else "县区名称为空"
        fix = f"县区名称应为：{regions.expected_names(city)}"
    return Problem(ERROR, "unknown_region", reason, fix, file=file, row=row, column=column, value=name)


def option_period(option: str | None, *, file: str) -> tuple[str | None, list[Problem]]:
    """The --period option as 'YYYY-MM' (a bare year means its December), or a bad_period problem."""
    if not option:
        return None, []
    text = squeeze(option)
    p = f"{text}-12" if _BARE_YEAR.match(text) else period(text)
    if p is None:
        return None, [Problem(ERROR, "bad_period", "另行指定的期间无法识别",
                              "写成 2024-06 或 2024年1-6月（目标表可只写年份 2026）", file=file, value=option)]
    return p, []


def settle_period(found: str | None, option: str | None, lay: Layout, *, file: str, what: str = "期间",
                  fix: tuple[str, str] = PERIOD_FIX, found_in: str = "title") -> tuple[str | None, str, list[Problem]]:
    """(value, source, problems): the option wins and must agree with the title; else the title's (or the file
    name's, `found_in` = "file_name"); else an error."""
    where = {"file": file, "row": lay.title_row, "value": lay.heading}
    if option and found and option != found:
        shown = period_label if len(found) == 7 else str  # '2024-06' -> '2024年1-6月'
        place = "文件名" if found_in == "file_name" else "标题"
        return option, "option", [Problem(
            ERROR, "period_mismatch", f"{place}中的{what}“{shown(found)}”与另行指定的“{shown(option)}”不一致",
            f"核对后修改{place}或上传表单的“期间”，使两者一致（期间栏留空则按{place}导入）", **where,
            cli_fix=f"核对后修改{place}或 --period，使两者一致")]
    if option:
        return option, "option", []
    if found:
        return found, found_in, []
    return None, "", [Problem(ERROR, "period_missing", f"没有找到数据{what}", fix[0], **where, cli_fix=fix[1])]
