"""A wide targets sheet ("2026年陇南市各县区主要经济指标目标任务"): regions as rows, indicators as
columns with 目标增速 / 目标值 under them, read into annual target rows (period YYYY-12)."""

import re

import pandas as pd

from loaders import sheet_layout as sl
from loaders.catalogue import Catalogue, Indicator
from loaders.cells import period as parse_period
from loaders.cells import squeeze, year_in
from loaders.parsed import TARGET_COLUMNS, Parsed, empty_frame
from loaders.regions import Regions
from loaders.sheets import Sheet

FORMAT = "wide_targets"
# Ranks and last year's actuals stand next to targets on these sheets; they are not targets.
DROP_WORDS = ("位次", "排名", "排位", "名次", "上年", "去年", "同期", "序时进度")
GROWTH_WORDS = ("增速", "增长", "增幅")  # 目标增速 / 增长目标 / 增速(%) = growth; anything else = level
TARGET_WORDS = re.compile(r"增长目标|目标增速|目标值|年度目标|目标任务|预期目标|目标|计划|预期")


def dropped(top: str, sub: str) -> bool:
    text = squeeze(top + sub)
    return any(w in text for w in DROP_WORDS)


def kind_of(top: str, sub: str, ind: Indicator) -> str:
    return "growth" if any(w in squeeze(top + sub) for w in GROWTH_WORDS) else "level"


def indicator_of(catalogue: Catalogue, label: str) -> str | None:
    """An indicator code for "社会消费品零售总额增长目标(%)" and the like."""
    return catalogue.resolve(label) or catalogue.resolve(TARGET_WORDS.sub("", squeeze(label)))


def is_targets(lay: sl.Layout) -> bool:
    """目标 in a title without a month, or (no title period) every header label names a target."""
    if sl.is_targets_title(lay.title):
        return True
    labels = [top + sub for _, top, sub in lay.columns if not dropped(top, sub)]
    return parse_period(lay.title) is None and bool(labels) and all(sl.TARGET_WORD in t for t in labels)


def parse(sheet: Sheet, *, file: str, catalogue: Catalogue, regions: Regions, period: str | None = None,
          encoding: str = "") -> Parsed | None:
    """Annual target rows from a wide targets sheet, or None when the sheet is not one."""
    lay = sl.layout(sheet.rows)
    if lay is None or sl.is_month_header(lay) or not is_targets(lay):
        return None
    columns, problems, known = sl.build_columns(
        lay, catalogue, file=file, dropped=dropped, name_of=lambda t: indicator_of(catalogue, t),
        tag_of=kind_of, level_tags=("level",))
    if not known:
        return None
    option, bad = sl.option_period(period, file=file)
    found = year_in(lay.title) or year_in(sl.stem(sheet.name))
    year_text, source, year_problems = sl.settle_period(
        str(found) if found else None, option[:4] if option else None, lay, file=file, what="年份", fix=sl.YEAR_FIX)
    city = sl.city_in(lay.title, regions)
    records, body_problems = sl.read_body(sheet.rows, lay, columns, city=city, regions=regions, file=file,
                                            marks=False)
    frame = empty_frame("targets")
    if year_text and records:
        year = int(year_text)
        frame = pd.DataFrame([r | {"year": year, "period": f"{year}-12", "kind": r["tag"]} for r in records],
                             columns=TARGET_COLUMNS)
    return Parsed(kind="targets", format=FORMAT, frame=frame,
                  problems=bad + year_problems + problems + body_problems,
                  encoding=encoding, period_source=source, simulated=lay.simulated)
