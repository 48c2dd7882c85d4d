"""The wide 统计月报 sheet: a title with period and city, a one- or two-row header (indicator, then
绝对额 / 增速 / 位次), a 全市 row and one row per county, read into long observation rows."""

import re

from loaders import sheet_layout as sl
from loaders.catalogue import MONTH_OF, Catalogue, Indicator
from loaders.cells import period as parse_period
from loaders.cells import squeeze
from loaders.parsed import Parsed, empty_frame, observation_frames
from loaders.regions import Regions
from loaders.sheets import Sheet

FORMAT = "wide_sheet"

# Header words, checked in this order (see measure_of / dropped). Ranks are recomputed and plan progress and last
# year's level are not uploaded; a single-month (当月 / 本月 / 比上年同月) column is its own measure (MONTH_OF).
RANK_WORDS = ("位次", "排名", "排位", "名次")
PLAN_WORDS = ("计划", "目标", "序时进度", "进度", "完成率")
YTD = re.compile(r"1[-—―–~至到]本月|累计")
MONTH_WORDS = ("本月", "当月", "同月")
YOY_WORDS = ("增速", "增长", "增幅", "同比", "增减", "比上年")
PRIOR_WORDS = ("上年", "去年", "同期")
RATIO_WORDS = ("占比", "比重", "率")
LEVEL_WORDS = ("绝对额", "总量", "总额", "完成额", "完成值", "金额")
# Words in front of an indicator name that say which column of a pair it is, not which indicator.
SCOPE_WORDS = re.compile(r"1[-—―–~至到]本月|本年|本月|当月|累计|比上年同月|比上年同期|上年同期|去年同期")


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def dropped(top: str, sub: str) -> bool:
    """Columns that are read by no one: ranks, plan progress, last year's level (上年同期)."""
    text = squeeze(top + sub)
    if _has(text, RANK_WORDS) or _has(text, PLAN_WORDS):
        return True
    return _has(text, PRIOR_WORDS) and not _has(text, YOY_WORDS)


def is_month(top: str, sub: str) -> bool:
    """A single-month column: 当月 / 本月 / 比上年同月, not 1-本月 or 本月累计."""
    text = squeeze(sub) or squeeze(top)
    return _has(text, MONTH_WORDS) and not YTD.search(text)


def measure_of(top: str, sub: str, ind: Indicator) -> str | None:
    """The measure of a column from its sub-header, else its indicator label; None drops the column."""
    measure = _cumulative_measure(squeeze(top), squeeze(sub), ind)
    if measure is None or not is_month(top, sub):
        return measure
    return MONTH_OF.get(measure)  # a single month of a ratio is not published: dropped


def _cumulative_measure(top: str, sub: str, ind: Indicator) -> str | None:
    if ind.value_type == "ratio":
        return "cum_yoy" if _has(sub, YOY_WORDS) else "ratio"
    if _has(sub, YOY_WORDS):
        return "cum_yoy"
    if _has(sub, RATIO_WORDS):
        return None  # 占全市比重 of a level indicator: a share, not a measure we keep
    if _has(sub, LEVEL_WORDS):
        return "cum_level"
    if _has(SCOPE_WORDS.sub("", top), YOY_WORDS):
        return "cum_yoy"
    # No measure word, or only a scope word (累计 / 本年累计 / 1-本月 / 本月): the indicator's own measure.
    return ind.measures[0] if len(ind.measures) == 1 else "cum_level"


def indicator_of(catalogue: Catalogue, label: str) -> str | None:
    """An indicator code for a header label, also when it carries 1-本月 / 累计 in front."""
    return catalogue.resolve(label) or catalogue.resolve(SCOPE_WORDS.sub("", squeeze(label)))


def parse(sheet: Sheet, *, file: str, catalogue: Catalogue, regions: Regions, period: str | None = None,
          encoding: str = "") -> Parsed | None:
    """Long observation rows from a wide 月报 sheet, or None when the sheet is not one."""
    lay = sl.layout(sheet.rows)
    if lay is None or sl.is_month_header(lay) or sl.is_targets_title(lay.title):
        return None
    columns, problems, known = sl.build_columns(
        lay, catalogue, file=file, dropped=dropped, name_of=lambda t: indicator_of(catalogue, t),
        tag_of=measure_of, level_tags=("cum_level", "month_level"))
    if not known:
        return None
    option, bad = sl.option_period(period, file=file)
    found = parse_period(lay.title) or parse_period(sl.stem(sheet.name))
    in_name = parse_period(sl.stem(sl.file_name_of(file))) if found is None else None
    chosen, source, period_problems = sl.settle_period(found or in_name, option, lay, file=file,
                                                       found_in="file_name" if in_name else "title")
    city = sl.city_in(lay.title, regions)
    records, body_problems = sl.read_body(sheet.rows, lay, columns, city=city, regions=regions, file=file)
    frame, marks = empty_frame(), empty_frame("marks")
    if chosen and records:
        frame, marks = observation_frames(records, lambda r: chosen)
    return Parsed(kind="observations", format=FORMAT, frame=frame,
                  problems=bad + period_problems + problems + body_problems,
                  encoding=encoding, period_source=source, simulated=lay.simulated, marks=marks)
