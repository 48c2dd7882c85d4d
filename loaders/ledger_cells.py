"""Typed cells of a ledger (台账): text, number, date, month, choice, bool, region.

Each reader takes one cell's text (already NFKC-normalised by loaders/sheets.py) and returns the value, None for
an empty cell, or raises CellError whose message says what was expected (in Chinese, for the upload report).
"""

from __future__ import annotations

import datetime as dt
import re

from loaders.cells import MISSING, CellError, norm, number, squeeze

TYPES = ("text", "number", "date", "month", "choice", "bool", "region")
MAX_TEXT_CHARS = 500  # a debtor's or project's name, a result note; longer is a pasted document
# Words meaning yes / no in a 是否 column on every sheet; a column may add its own (有分歧 / 无分歧).
YES = ("是", "有", "Y", "YES", "TRUE", "√", "✓", "1")
NO = ("否", "无", "N", "NO", "FALSE", "×", "✗", "0")

_YEAR = r"((?:19|20)\d{2})"
_DATE = re.compile(rf"^{_YEAR}\s*[-/.年]\s*(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})\s*日?$")
_DATE_COMPACT = re.compile(rf"^{_YEAR}(\d{{2}})(\d{{2}})$")
_MONTH = re.compile(rf"^{_YEAR}\s*[-/.年]\s*(\d{{1,2}})\s*月?(份)?$")
_MONTH_COMPACT = re.compile(rf"^{_YEAR}(\d{{2}})$")
DATE_HINT = "应为如 2026-10-31、2026/10/31 或 2026年10月31日 的日期"
MONTH_HINT = "应为如 2026-12 或 2026年12月 的月份"


def is_empty(text: str) -> bool:
    """Empty or a missing marker (—, /, N/A …): the cell has no value."""
    return norm(text) in MISSING


def text(cell: str) -> str | None:
    t = norm(cell)
    if t in MISSING:
        return None
    if len(t) > MAX_TEXT_CHARS:
        raise CellError(f"内容有 {len(t)} 个字，超过 {MAX_TEXT_CHARS} 个字的上限，请精简")
    return t


def amount(cell: str, *, minimum: float = 0.0, factor: float = 1.0) -> float | None:
    """A number (1,234.5 / 1234.5 / 1.2万 is not accepted: the unit is the column's), at least `minimum`."""
    try:
        value = number(cell)
    except CellError as exc:
        raise CellError("不是数字，应为如 3900.5 或 1,200 的金额，没有请填 0 或留空") from exc
    if value is None:
        return None
    if str(norm(cell)).endswith("%"):
        raise CellError("应为金额，不是百分比")
    value = value * factor
    if value < minimum:
        raise CellError(f"不能小于 {minimum:g}" if minimum else "金额不能为负数")
    return value


def date(cell: str) -> dt.date | None:
    t = squeeze(cell)
    if t in MISSING:
        return None
    m = _DATE.match(t) or _DATE_COMPACT.match(t)
    if not m:
        raise CellError(f"日期无法识别，{DATE_HINT}")
    y, mo, d = (int(g) for g in m.groups())
    if not 1 <= mo <= 12:
        raise CellError(f"月份“{mo}”不存在（应为1-12），{DATE_HINT}")
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise CellError(f"{y}年{mo}月没有{d}日，{DATE_HINT}") from None


def month(cell: str) -> str | None:
    """'YYYY-MM'. A full date (Excel turns a typed 2026-12 into 2026-12-01) gives its month."""
    t = squeeze(cell)
    if t in MISSING:
        return None
    m = _MONTH.match(t) or _MONTH_COMPACT.match(t)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise CellError(f"月份“{mo}”不存在（应为1-12），{MONTH_HINT}")
        return f"{y:04d}-{mo:02d}"
    try:
        d = date(t)
    except CellError:
        raise CellError(f"月份无法识别，{MONTH_HINT}") from None
    return f"{d.year:04d}-{d.month:02d}"


def choice(cell: str, choices: tuple[str, ...], aliases: dict[str, str]) -> str | None:
    t = squeeze(cell)
    if t in MISSING:
        return None
    for c in choices:
        if squeeze(c) == t:
            return c
    for alias, c in aliases.items():
        if squeeze(alias) == t:
            return c
    raise CellError(f"不是可选的值；可选：{'、'.join(choices)}")


def boolean(cell: str, yes: tuple[str, ...] = (), no: tuple[str, ...] = ()) -> bool | None:
    t = squeeze(cell).upper()
    if t in MISSING:
        return None
    if t in {squeeze(w).upper() for w in (*yes, *YES)}:
        return True
    if t in {squeeze(w).upper() for w in (*no, *NO)}:
        return False
    words = f"{yes[0]}/{no[0]}" if yes and no else "是/否"
    raise CellError(f"应填“{words}”")


def bool_words(yes: tuple[str, ...], no: tuple[str, ...]) -> tuple[str, str]:
    """The two words a template offers for a 是否 column."""
    return (yes[0] if yes else "是", no[0] if no else "否")
