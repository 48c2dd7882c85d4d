"""Read an uploaded file into sheets of text cells: CSV (UTF-8, UTF-8 BOM, GBK, GB18030) or .xlsx.

Cells come out NFKC-normalised (rule 2); numbers from Excel come out as their shortest text,
dates as YYYY-MM (Excel turns a typed "2024-06" into a date), or as YYYY-MM-DD for ledgers (dates="day").
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from loaders.cells import CellError, clean_float, decode, norm

XLSX_MAGIC = b"PK\x03\x04"
MAX_COLUMNS = 400  # a 月报 sheet has a few dozen; more means a broken export
# Rows read from one workbook (all sheets): a 月报 sheet has about a hundred; a long table of a whole province
# for a year (86 counties × 40 indicators × 12 months × 2 measures) about 83,000. Reading stops here.
MAX_XLSX_ROWS = 200_000
# Excel itself holds at most 32,767 characters in a cell; a longer one was not written by Excel or WPS.
MAX_CELL_CHARS = 32_767
HEAD_BYTES = 256 * 1024  # what read_heads decodes of a CSV: title and header rows are in the first few KB
OVERSIZE_FIX = "请删除多余的行/列后在 Excel 中另存为 .xlsx 再上传；数据较多时请按月份或地区拆分成几个文件"


@dataclass
class Sheet:
    name: str
    rows: list[list[str]]


class FileFormatError(ValueError):
    """The bytes are not a file we can read; the message says what to upload instead (or `fix` does)."""

    def __init__(self, reason: str, code: str = "unreadable", fix: str = ""):
        super().__init__(reason)
        self.code, self.fix = code, fix


def is_xlsx(data: bytes) -> bool:
    return data.startswith(XLSX_MAGIC)


def read(name: str, data: bytes, dates: str = "month") -> tuple[list[Sheet], str]:
    """(sheets, encoding) for a file's bytes; the kind is decided by content, not by extension."""
    if is_xlsx(data):
        return read_xlsx(data, dates), "xlsx"
    lower = name.lower()
    if lower.endswith((".xls", ".et")) or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileFormatError("这是旧版 Excel 97-2003 (.xls) 文件，无法读取；请在 Excel 中另存为 .xlsx 或 CSV 后上传")
    if b"\x00" in data[:4096]:
        raise FileFormatError("文件含有二进制内容，不是 CSV 文本或 .xlsx 表格；请上传 CSV 或 .xlsx")
    try:
        text, encoding = decode(data)
    except CellError as exc:
        raise FileFormatError(str(exc)) from exc
    try:
        return [Sheet(name=name, rows=read_csv_text(text))], encoding
    except csv.Error as exc:
        raise FileFormatError(f"CSV 结构有误（{exc}）；请用 Excel 打开后重新另存为 CSV") from exc


def read_csv_text(text: str) -> list[list[str]]:
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a lone CR (old Mac line ends, stray bytes) ends a line
    rows = [[norm(c) for c in row[:MAX_COLUMNS]] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    return _trim(rows)


def read_xlsx(data: bytes, dates: str = "month", max_rows: int | None = None) -> list[Sheet]:
    import openpyxl

    # A damaged workbook fails deep inside zipfile, zlib, the XML parser or openpyxl with many exception types;
    # whichever it is, the answer to the bureau is the same: the file is damaged, save it again.
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise _damaged(exc) from exc
    sheets = []
    read_rows = 0
    try:
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            rows = []
            for row in ws.iter_rows(values_only=True, max_row=max_rows):
                read_rows += 1
                if read_rows > MAX_XLSX_ROWS:
                    raise FileFormatError(f"工作表“{ws.title}”读到第 {len(rows) + 1} 行时，工作簿已超过 "
                                          f"{MAX_XLSX_ROWS:,} 行的上限（各工作表合计），未再读取", "xlsx_too_many_rows", OVERSIZE_FIX)
                rows.append([_xlsx_cell(v, ws.title, len(rows) + 1, j, dates) for j, v in enumerate(row[:MAX_COLUMNS])])
            sheets.append(Sheet(name=ws.title, rows=_trim(rows)))
    except (FileFormatError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001
        raise _damaged(exc) from exc
    finally:
        wb.close()
    return [s for s in sheets if s.rows]


def read_heads(name: str, data: bytes, rows: int, dates: str = "day") -> tuple[list[Sheet], str]:
    """(sheets, encoding) with at most the first `rows` rows of each sheet: enough to tell what a file is from its
    title and header rows (loaders/upload_kind.py) without reading it all. A CSV is decoded from its first 256 KB."""
    if is_xlsx(data):
        return [Sheet(s.name, s.rows[:rows]) for s in read_xlsx(data, dates, max_rows=rows)], "xlsx"
    head = data[:HEAD_BYTES]
    if len(data) > HEAD_BYTES:  # the last line may be cut: keep whole lines only
        head = head[: head.rfind(b"\n") + 1] or head
    book, encoding = read(name, head, dates)
    return [Sheet(s.name, s.rows[:rows]) for s in book], encoding


def _damaged(exc: Exception) -> FileFormatError:
    return FileFormatError(f"文件看起来是 .xlsx 但已损坏、无法读取（{exc.__class__.__name__}）；"
                           "请用 Excel 打开后重新另存为 .xlsx 再上传")


def _xlsx_cell(v, sheet: str = "", row: int = 0, col: int = 0, dates: str = "month") -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        v = clean_float(v)
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime | dt.date):
        return f"{v.year:04d}-{v.month:02d}-{v.day:02d}" if dates == "day" else f"{v.year:04d}-{v.month:02d}"
    if isinstance(v, str) and len(v) > MAX_CELL_CHARS:
        from openpyxl.utils import get_column_letter

        raise FileFormatError(f"工作表“{sheet}”第{row}行 {get_column_letter(col + 1)} 列的单元格有 {len(v):,} 个字符，"
                              f"超过 Excel 单元格的上限 {MAX_CELL_CHARS:,} 个", "xlsx_cell_too_long", OVERSIZE_FIX)
    return norm(v)


def _trim(rows: list[list[str]]) -> list[list[str]]:
    """Drop trailing empty cells and trailing empty rows; keep inner empty rows (row numbers matter)."""
    out = []
    for row in rows:
        while row and row[-1] == "":
            row = row[:-1]
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out
