"""(Re)create the sheet fixtures in this folder: `.venv/bin/python tests/files/make_files.py`.

The output is checked in; this script is how it was made. Files are written byte-for-byte the
same on every run (fixed zip timestamps and document dates), so a diff means the content changed.
All values are simulated (模拟数据), not published statistics.
"""

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
FIXED_TIME = (2024, 7, 1, 0, 0, 0)
FIXED_STAMP = "2024-07-01T00:00:00Z"

# The wide 月报: title, units row, two-row header with merged cells, 全市, counties by short,
# full and padded names, a 位次 column, a 亿元 column, full-width digits, "—" and a footnote.
WIDE = [
    ["2024年1-6月陇南市各县区主要经济指标完成情况"],
    ["单位：万元、元、%"],
    ["县区", "社会消费品零售总额（亿元）", "", "", "规模以上工业增加值", "", "一般公共预算收入", "",
     "城镇居民人均可支配收入（元）", "", "规模以上工业营业收入利润率"],
    ["", "绝对额", "增速（%）", "位次", "增速（%）", "位次", "绝对额", "增速（%）", "绝对额", "增速（%）", "本年累计（%）"],
    ["全市", "100.52", "5.2", "—", "6.1", "—", "123,456", "3.5", "16850", "5.3", "6.2"],
    ["武都区", "35.2", "5.5", "2", "7.2", "1", "40211", "4.1", "17500", "5.1", "5.8"],
    ["成  县", "１２.５", "6.1", "1", "5.4", "3", "18302", "2.9", "17820", "5.6", "7.1"],
    ["宕\u3000昌", "6.8", "4.2", "4", "—", "—", "6120", "—", "15210", "5.2", "4.0"],
    ["两当县", "3.1", "4.9", "3", "6.8", "2", "3320", "-1.5", "16950", "5.0", "3.3"],
    ["注：1.位次按增速排列；2.本表为模拟数据，不代表真实统计。"],
]
WIDE_MERGES = ["A1:K1", "A2:K2", "A3:A4", "B3:D3", "E3:F3", "G3:H3", "I3:J3", "A10:K10"]

# 本月 / 1-本月 pairs, 上年同期, 完成年计划% and 序时进度; a vertically merged single-row column.
VARIANTS = [
    ["2024年1-3月陇南市主要经济指标"],
    ["县(区)", "社会消费品零售总额", "", "", "固定资产投资(不含农户)增速(%)", "一般公共预算收入", "", "", ""],
    ["", "本月", "1-本月", "上年同期", "", "1-本月", "比上年同期增减%", "完成年计划%", "序时进度"],
    ["陇南市", "50000", "150000", "140000", "8.5", "60000", "4.2", "26.1", "25"],
    ["武都", "20000", "60000", "55000", "10.2", "20000", "5.0", "27.3", "25"],
]

# Single-row header, no period in the title, money unit from the units row.
SINGLE = [
    ["陇南市各县区主要经济指标"],
    ["单位：亿元、%"],
    ["县区", "社会消费品零售总额", "社会消费品零售总额增速", "规上工业增加值", "税收占比"],
    ["全市", "100.5", "5.2", "6.1", "75.3"],
    ["文县", "8.2", "4.8", "-3.2", "68.0"],
]

MONTHS = [
    ["2024年陇南市各县区规模以上工业增加值增速（模拟数据）"],
    ["单位：%"],
    ["县区", "1-2月", "1-3月", "1-4月", "1-5月", "1-6月", "位次"],
    ["全市", "5.1", "5.8", "6.0", "—", "6.1", ""],
    ["武都区", "7.0", "7.3", "7.1", "7.2", "7.2", "1"],
    ["西和", "3.1", "3.3", "", "4.0", "4.2", "2"],
]

# Sheet named for the indicator (with its unit), quarters as columns, 绝对额 / 增速 under each.
MONTHS_RETAIL = [
    ["2024年陇南市各县区社会消费品零售总额"],
    ["县区", "一季度", "", "上半年", ""],
    ["", "绝对额", "增速(%)", "绝对额", "增速(%)"],
    ["全市", "45.1", "5.0", "98.3", "5.4"],
    ["康县", "3.2", "4.4", "7.0", "4.9"],
]
MONTHS_RETAIL_MERGES = ["A1:E1", "A2:A3", "B2:C2", "D2:E2"]

TARGETS = [
    ["2026年陇南市各县区主要经济指标目标任务"],
    ["县区", "地区生产总值", "", "社会消费品零售总额（亿元）", "", "规模以上工业增加值增长目标（%）", "上年完成"],
    ["", "目标增速(%)", "目标值", "增长目标", "年度目标", "", ""],
    ["全市", "6.0", "6500000", "6.5", "210", "7.0", "5.9"],
    ["礼县", "6.5", "620000", "7.0", "18.5", "8.0", "6.1"],
    ["徽县", "6.0", "700000", "—", "22", "7.5", "6.6"],
    ["注：增速按可比价计算（模拟数据）。"],
]

TARGETS_SINGLE = [
    ["陇南市2026年目标"],
    ["县区", "社会消费品零售总额增长目标(%)", "一般公共预算收入目标(万元)"],
    ["全市", "6.5", "260000"],
    ["成县", "7", "30000"],
]


def replace(rows: list[list[str]], old: str, new: str) -> list[list[str]]:
    """A copy of rows with one cell text changed (for the bad files)."""
    hits = sum(c == old for r in rows for c in r)
    assert hits == 1, f"{old!r} occurs {hits} times"
    return [[new if c == old else c for c in r] for r in rows]


CSV = {
    "wide_2024_06.csv": (WIDE, "gbk"),
    "wide_variants.csv": (VARIANTS, "utf-8-sig"),
    "wide_single_header.csv": (SINGLE, "utf-8"),
    "months_iva_2024.csv": (MONTHS, "gbk"),
    "targets_2026.csv": (TARGETS, "gbk"),
    "targets_single.csv": (TARGETS_SINGLE, "utf-8"),
    # one bad file per problem the parsers detect
    "wide_bad_region.csv": (replace(WIDE, "武都区", "武都县区"), "gbk"),
    "wide_bad_indicator.csv": (replace(WIDE, "一般公共预算收入", "营商环境满意度"), "gbk"),
    "wide_bad_number.csv": (replace(WIDE, "40211", "12..5"), "gbk"),
    "wide_bad_unit.csv": (replace(WIDE, "社会消费品零售总额（亿元）", "社会消费品零售总额（千瓦时）"), "gbk"),
    "wide_no_period.csv": (replace(WIDE, WIDE[0][0], "陇南市各县区主要经济指标完成情况"), "gbk"),
    "wide_no_city.csv": (replace(WIDE, WIDE[0][0], "2024年1-6月各县区主要经济指标完成情况"), "gbk"),
    "months_no_year.csv": (replace(MONTHS, MONTHS[0][0], "陇南市各县区规模以上工业增加值增速"), "gbk"),
    "months_bad_indicator.csv": (replace(MONTHS, MONTHS[0][0], "2024年陇南市各县区营商环境满意度"), "gbk"),
    "months_bad_period.csv": (replace(MONTHS, "1-5月", "1-13月"), "gbk"),
    "targets_no_year.csv": (replace(TARGETS, TARGETS[0][0], "陇南市各县区主要经济指标目标任务"), "gbk"),
}

XLSX = {
    "wide_2024_06.xlsx": [("2024年1-6月", WIDE, WIDE_MERGES)],
    "months_retail.xlsx": [("社零(亿元)", MONTHS_RETAIL, MONTHS_RETAIL_MERGES)],
}


def csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)  # Excel writes CRLF
    return out.getvalue().encode(encoding)


def _excel_value(text: str):
    """Numbers as numbers (as Excel stores typed figures); anything else, 全角 digits too, as text."""
    plain = text.replace(",", "")
    if re.fullmatch(r"-?\d+(\.\d+)?", plain):
        return float(plain) if "." in plain else int(plain)
    return text or None


def xlsx_bytes(sheets: list[tuple[str, list[list[str]], list[str]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows, merges in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append([_excel_value(c) for c in row])
        for rng in merges:
            ws.merge_cells(rng)
    raw = io.BytesIO()
    wb.save(raw)
    return _deterministic_zip(raw.getvalue())


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite an .xlsx with fixed entry times and document dates so reruns give the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + FIXED_STAMP.encode(), body)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED_TIME), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def main() -> None:
    for name, (rows, encoding) in CSV.items():
        (HERE / name).write_bytes(csv_bytes(rows, encoding))
    for name, sheets in XLSX.items():
        (HERE / name).write_bytes(xlsx_bytes(sheets))
    print(f"wrote {len(CSV) + len(XLSX)} files to {HERE}")


if __name__ == "__main__":
    main()
