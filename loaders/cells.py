"""Cell-level parser rules for bureau files: encoding, NFKC, missing markers, numbers, periods, units.

These follow ../shared/reference/statistics.md ("Parser rules that matter on real files").
Every function is pure and works on one cell; `numbers()` is the vectorised form for big columns.
"""

import math
import re
import unicodedata

import pandas as pd

# Rule 1: strict UTF-8 (BOM or not), then GB18030, which is a superset of GBK. Never GB2312:
# it decodes the em dash used as a missing marker differently.
ENCODINGS = ("utf-8", "gb18030")

# Rule 3: a cell that is only one of these is missing (never zero). "-3.2" stays a number.
MISSING = frozenset(
    ["", "—", "——", "―", "――", "–", "-", "--", "…", "……", "...", "/", "N/A", "NA", "n/a", "#N/A",
     "#DIV/0!", "#VALUE!", "#REF!", "*", "x", "X"]
)

# Words a bureau prints instead of a number on real tables (reference/real-tables.md), each with its own meaning
# and none of them zero. Only the wide sheets read them (read_cell); elsewhere "—" and "-" stay plain missing.
NOT_APPLICABLE = "not_applicable"  # ——, —: the measure does not apply to this unit; nothing is stored, no problem
NO_TARGET = "no_target"  # "-": no target set for this unit; in a value column the same as not applicable
FLAT = "flat"  # 持平: growth 0.0, stored with this mark so a page can say 持平
NOT_REPORTED = "not_reported"  # 没有上报报表 / 未上报: the report is missing; never zero, never a missing-by-error
MARKS = (FLAT, NOT_REPORTED)  # the words that are stored (observation_marks); the other two leave nothing
MARK_WORDS = {
    "—": NOT_APPLICABLE, "——": NOT_APPLICABLE, "―": NOT_APPLICABLE, "――": NOT_APPLICABLE,
    "-": NO_TARGET, "--": NO_TARGET,
    "持平": FLAT, "与上年持平": FLAT, "同比持平": FLAT,
    "没有上报报表": NOT_REPORTED, "未上报报表": NOT_REPORTED, "未上报": NOT_REPORTED, "没有上报": NOT_REPORTED,
    "未报": NOT_REPORTED,
}
# A growth difference printed with its unit: "1.54个百分点", "下降0.3个百分点".
_POINTS = re.compile(r"个?百分点$")

# Rule 9: conversions into the catalogue's unit.
UNIT_FACTORS = {
    ("亿元", "万元"): 10000.0,
    ("元", "万元"): 0.0001,
    ("万元", "元"): 10000.0,
    ("亿千瓦时", "万千瓦时"): 10000.0,
    ("千瓦时", "万千瓦时"): 0.0001,
    ("个", "家"): 1.0,
    ("户", "家"): 1.0,
    ("条", "件"): 1.0,
}

# Excel float noise such as 5.1000000000000005: twelve significant digits is far beyond any
# published statistic and well inside float precision.
SIGNIFICANT_DIGITS = 12

_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_TIMES = re.compile(r"^(增长|增|提高)?([+-]?\d+(\.\d+)?)倍$")
_GROWTH_WORD = re.compile(r"^(增长|增|上升|提高|下降|减少|降|回落)([+-]?\d+(\.\d+)?)%?$")


class CellError(ValueError):
    """A cell that is present but cannot be read; the message says what was expected."""


def decode(data: bytes) -> tuple[str, str]:
    """Decode file bytes by rule 1; returns (text, encoding name). Raises CellError with the line."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise CellError(_decode_failure(data, exc, "UTF-8")) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise CellError(_decode_failure(data, exc, "UTF-8 或 GB18030/GBK")) from exc


def _decode_failure(data: bytes, exc: UnicodeDecodeError, tried: str) -> str:
    line = data[: exc.start].count(b"\n") + 1
    return (f"文件第{line}行无法按{tried}解码（字节位置{exc.start}）；"
            "请在Excel中“另存为”CSV UTF-8 或 .xlsx 后重新上传")


def norm(cell: object) -> str:
    """Rule 2: NFKC (full-width digits, ％, （）, U+3000), collapse whitespace, strip."""
    if cell is None:
        return ""
    if isinstance(cell, float) and math.isnan(cell):
        return ""
    text = unicodedata.normalize("NFKC", str(cell))
    return _SPACE.sub(" ", text).strip()


def squeeze(cell: object) -> str:
    """norm() without any inner spaces: sheets pad names for alignment ("成  县")."""
    return norm(cell).replace(" ", "")


def is_missing(cell: object) -> bool:
    return norm(cell) in MISSING


def show(x: float) -> str:
    """A value as written in a message: all its digits, no float noise (402000.5, -3.2, 1300)."""
    return f"{x:.{SIGNIFICANT_DIGITS}g}"


def clean_float(x: float) -> float:
    return float(f"{x:.{SIGNIFICANT_DIGITS}g}")


def number(cell: object) -> float | None:
    """Rule 4: a cell as a number; None when missing; CellError when it is not a number."""
    if isinstance(cell, bool):
        raise CellError("应为数字")
    if isinstance(cell, int | float):
        return None if isinstance(cell, float) and math.isnan(cell) else clean_float(float(cell))
    text = norm(cell)
    if text in MISSING:
        return None
    text = _POINTS.sub("", text.replace(",", "").replace(" ", ""))
    m = _TIMES.match(text)
    if m:  # "增长1.2倍" = +120 %
        return clean_float(float(m.group(2)) * 100.0)
    m = _GROWTH_WORD.match(text)
    if m:
        sign = -1.0 if m.group(1) in ("下降", "减少", "降", "回落") else 1.0
        return clean_float(sign * float(m.group(2)))
    text = text.removesuffix("%")
    if _NUMBER.match(text):
        value = float(text)
        if not math.isfinite(value):
            raise CellError("数值超出范围")
        return clean_float(value)
    raise CellError("不是数字，应为如 1234.5、-3.2、5.1% 的数值，缺失请留空或填“—”")


def read_cell(cell: object) -> tuple[float | None, str | None]:
    """(value, mark) of a wide sheet's cell: a number and None; None and one of the MARK_WORDS meanings; 0.0 and
    FLAT for 持平; (None, None) when empty. CellError when it is neither a number nor a known word."""
    if isinstance(cell, str):
        mark = MARK_WORDS.get(squeeze(cell))
        if mark is not None:
            return (0.0 if mark == FLAT else None), mark
    return number(cell), None


def numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised number(): returns (floats with NaN for missing, mask of unreadable cells).

    The fast path converts the whole column at once; only the cells it cannot read go through
    number(), once per distinct text.
    """
    if pd.api.types.is_numeric_dtype(values):
        out = values.astype("float64")
        bad = out.notna() & ~(out.abs() < 1e15)
        return out.where(~bad).round(8), bad
    text = values.astype("string")
    out = pd.to_numeric(text, errors="coerce").astype("float64")
    slow = out.isna() & text.notna() & (text.str.strip() != "")
    bad = pd.Series(False, index=values.index)
    if slow.any():
        parsed, unreadable = {}, set()
        for raw in text[slow].unique():
            try:
                parsed[raw] = number(raw)
            except CellError:
                unreadable.add(raw)
        slow_text = text[slow]
        bad.loc[slow] = slow_text.isin(list(unreadable)).to_numpy(dtype=bool)
        out.loc[slow] = pd.to_numeric(slow_text.map(parsed), errors="coerce").astype("float64").to_numpy()
    finite = out.abs() < 1e15
    bad |= out.notna() & ~finite
    out = out.where(finite)
    return out.round(8), bad


# ---------------------------------------------------------------- periods (rule 8)

_WORD_MONTH = {
    "一季度": 3, "第一季度": 3, "1季度": 3, "Q1": 3,
    "上半年": 6, "二季度": 6, "第二季度": 6, "2季度": 6, "Q2": 6, "1-2季度": 6,
    "前三季度": 9, "三季度": 9, "第三季度": 9, "3季度": 9, "Q3": 9, "1-3季度": 9,
    "全年": 12, "四季度": 12, "第四季度": 12, "4季度": 12, "Q4": 12, "1-4季度": 12,
}
_DASH = "[-—―–~～至到]"
_YEAR = r"((?:19|20)\d{2})"
_P_ISO = re.compile(rf"^{_YEAR}[-/.](\d{{1,2}})$")
_P_COMPACT = re.compile(rf"^{_YEAR}(\d{{2}})$")
_P_QUARTER = re.compile(rf"^{_YEAR}[-\s]?Q([1-4])$", re.I)
_P_RANGE = re.compile(rf"{_YEAR}年\s*1\s*{_DASH}+\s*(\d{{1,2}})\s*月")
_P_MONTH = re.compile(rf"{_YEAR}年\s*(\d{{1,2}})\s*月")
_P_RANGE_NOYEAR = re.compile(rf"^1\s*{_DASH}+\s*(\d{{1,2}})\s*月")
_P_WORDS = re.compile(rf"{_YEAR}年(?:度)?\s*(" + "|".join(sorted(_WORD_MONTH, key=len, reverse=True)) + ")")


def period(cell: object, year: int | None = None) -> str | None:
    """A period cell or title as 'YYYY-MM' (year to date up to that month), or None if not one.

    Accepts 2024-06, 2024/6, 2024.6, 202406, 2024Q2, 2024年1-6月, 2024年1—6月, 2024年6月,
    2024年上半年 / 一季度 / 前三季度 / 全年; month-only forms (1-6月, 上半年) need `year`.
    """
    text = norm(cell).replace(" ", "")
    if not text:
        return None
    month = None
    m = _P_ISO.match(text) or _P_COMPACT.match(text)
    if m:
        y, month = int(m.group(1)), int(m.group(2))
    elif m := _P_QUARTER.match(text):
        y, month = int(m.group(1)), 3 * int(m.group(2))
    elif m := _P_RANGE.search(text) or _P_MONTH.search(text):
        y, month = int(m.group(1)), int(m.group(2))
    elif m := _P_WORDS.search(text):
        y, month = int(m.group(1)), _WORD_MONTH[m.group(2)]
    elif year is not None and (m := _P_RANGE_NOYEAR.match(text)):
        y, month = year, int(m.group(1))
    elif year is not None and text.removesuffix("份") in _WORD_MONTH:
        y, month = year, _WORD_MONTH[text]
    elif year is not None and re.fullmatch(r"(\d{1,2})月", text):
        y, month = year, int(text[:-1])
    else:
        return None
    if not 1 <= month <= 12:
        return None
    return f"{y:04d}-{month:02d}"


def year_in(text: str) -> int | None:
    m = re.search(_YEAR + "年", norm(text))
    return int(m.group(1)) if m else None


def period_label(p: str) -> str:
    """'2024-06' -> '2024年1-6月' (the Chinese YTD label); '2024-01' -> '2024年1月'."""
    y, m = int(p[:4]), int(p[5:7])
    return f"{y}年1月" if m == 1 else f"{y}年1-{m}月"


# ---------------------------------------------------------------- units (rule 9)

_UNIT_IN_TEXT = re.compile(r"\((亿元|万元|元|%|万千瓦时|亿千瓦时|千瓦时|家|个|户|件|条)\)")


def unit_in(text: str) -> str | None:
    """The unit written in a header cell, e.g. '社会消费品零售总额(亿元)' -> '亿元'."""
    m = _UNIT_IN_TEXT.search(norm(text))
    return m.group(1) if m else None


def unit_factor(from_unit: str | None, to_unit: str) -> float | None:
    """Factor that converts a value in from_unit to to_unit; None when they are incompatible."""
    if not from_unit or from_unit == to_unit:
        return 1.0
    return UNIT_FACTORS.get((from_unit, to_unit))
