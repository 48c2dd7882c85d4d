"""Checks on a file handed in through the web page, before any parsing: size, type, and a safe name.

The browser's file name is only ever a label: it is reduced to a plain name (no folders, no control
characters) and never used as a path. The type is judged from the bytes, not from the name alone.
"""

import re

from loaders.problems import ERROR, Problem

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a province-wide 月报 workbook is under 2 MB; 20 MB leaves room for history files
ACCEPTED = (".csv", ".xlsx")
ZIP_MAGIC = b"PK\x03\x04"  # every .xlsx is a zip archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
SNIFF_BYTES = 64 * 1024


def safe_name(name: str | None) -> str:
    """The last path component, without control or reserved characters, at most 120 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "", base).strip().lstrip(".")
    return base[-120:] or "upload.csv"


def check(name: str, data: bytes, max_bytes: int | None = MAX_UPLOAD_BYTES,
          accepted: tuple[str, ...] | None = ACCEPTED) -> list[Problem]:
    """Problems that stop the file before parsing (empty list when it may be parsed).

    The web page passes the size limit and the accepted extensions; the library (ingest) passes None for
    both and only refuses a file whose bytes contradict its name."""
    def no(code, reason, fix):
        return [Problem(ERROR, code, reason, fix, name)]
    if max_bytes is not None and len(data) > max_bytes:
        return no("too_large", f"文件大小 {len(data) / 1048576:.1f} MB，超过上限 {max_bytes / 1048576:.0f} MB",
                  "请按月份或地区拆分后分别上传")
    if not data:
        return no("empty_file", "文件是空的（0 字节）", "请检查是否选错了文件")
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext == ".xls" or (accepted is not None and ext not in accepted):
        fix = "请在 Excel 中“另存为” .xlsx 后上传" if ext == ".xls" else "请上传 .csv 或 .xlsx 文件"
        return no("bad_type", f"不支持的文件类型“{ext or '无扩展名'}”", fix)
    head = data[:SNIFF_BYTES]
    if ext == ".xlsx" and not data.startswith(ZIP_MAGIC):
        return no("not_xlsx", "文件名是 .xlsx，但内容不是 Excel 工作簿", "请用 Excel 打开并重新保存为 .xlsx 后上传")
    if ext == ".csv":
        if data.startswith(ZIP_MAGIC) or data.startswith(OLE_MAGIC):
            return no("not_csv", "文件名是 .csv，但内容是 Excel 工作簿", "请把扩展名改回 .xlsx，或在 Excel 中另存为 CSV")
        if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return no("not_csv", "文件名是 .csv，但内容是二进制数据（不是文本表格）", "请确认文件来源，重新导出为 CSV")
    return []
