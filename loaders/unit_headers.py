"""The headers of the three units uploads (单位名单, 年度任务, 上报记录) and how a sheet's header row is matched to them:
kept apart from loaders/units.py so that recognising what a file is (loaders/upload_kind.py, also in the parse
child of loaders/isolated.py) needs no database code."""

from __future__ import annotations

from dataclasses import dataclass

from loaders import ledger_kinds as kinds_mod

UNITS, TASKS, REPORTS = "units", "unit_tasks", "unit_reports"  # uploads.kind (and uploads.format)
# The counties' types (县域类型) and their bonus, deduction and veto items (加减分及否决事项): loaders/county_types.py
TYPES, FACTS = "county_types", "county_facts"
HEADER_ROWS_SEARCHED = 10  # a title and notes above the header row


@dataclass(frozen=True)
class Col:
    code: str
    header: str
    aliases: tuple[str, ...]
    required: bool = True

    def keys(self) -> set[str]:
        return {kinds_mod.header_key(h) for h in (self.header, *self.aliases)}


COUNTY = ("县区", "所属县区", "县(区)", "区县", "所属县(区)", "县区名称", "所属地区", "地区")
UNIT_NAME = ("单位名称", "单位", "名称", "责任单位")
COLUMNS = {
    UNITS: (Col("unit_kind", "单位类别", ("类别", "单位类型", "类型")), Col("county", "所属县区", COUNTY),
            Col("name", "单位名称", UNIT_NAME[1:]), Col("aliases", "别名", ("简称", "其他名称", "别称"), False)),
    TASKS: (Col("year", "年度", ("年份", "任务年度")), Col("county", "县区", COUNTY[1:]),
            Col("unit", "单位名称", UNIT_NAME[1:]), Col("measure", "任务指标", ("指标", "考核指标", "任务类别")),
            Col("value", "任务值", ("年度任务", "任务数", "目标任务", "任务"))),
    REPORTS: (Col("ledger", "台账", ("台账类型", "台账名称")), Col("as_of", "截至日期", ("上报日期", "报送日期", "日期")),
              Col("county", "县区", COUNTY[1:]), Col("unit", "单位名称", UNIT_NAME[1:])),
    TYPES: (Col("year", "年度", ("年份", "评价年度")), Col("county", "县区", COUNTY[1:]),
            Col("type", "类型", ("县域类型", "发展类型", "第一类型", "主类型", "县域发展类型")),
            Col("type2", "第二类型", ("类型二", "第二发展类型", "兼顾类型"), False)),
    FACTS: (Col("year", "年度", ("年份", "评价年度")), Col("county", "县区", COUNTY[1:]),
            Col("item", "项目", ("事项", "加减分项目", "否决事项", "考核事项", "加减分及否决事项")),
            Col("value", "分值", ("加减分", "分数", "加分", "扣分"), False),
            Col("reason", "否决原因", ("原因", "说明", "事由", "备注"), False)),
}
WHAT = {UNITS: "下辖单位名单", TASKS: "单位年度任务", REPORTS: "单位上报记录", TYPES: "县域类型", FACTS: "加减分及否决事项"}


def header_row(book, upload: str):
    """(columns matched, sheet, header row index, column index by code) of the row among the first rows of any
    sheet that has the most of the upload's headers; None for a book without rows."""
    cols = COLUMNS[upload]
    best = None
    for sheet in book:
        for i, row in enumerate(sheet.rows[:HEADER_ROWS_SEARCHED]):
            found = {}
            for j, cell in enumerate(row):
                key = kinds_mod.header_key(cell)
                col = next((c for c in cols if key and key in c.keys()), None)
                if col is not None and col.code not in found:
                    found[col.code] = j
            if best is None or len(found) > best[0]:
                best = (len(found), sheet, i, found)
    return best


def header_score(book, upload: str) -> tuple[int, int]:
    """(columns matched, required columns matched) of the book's best header row for an upload (units |
    unit_tasks | unit_reports): what loaders/upload_kind.py recognises these uploads by."""
    best = header_row(book, upload)
    found = best[3] if best else {}
    return len(found), sum(c.required and c.code in found for c in COLUMNS[upload])
