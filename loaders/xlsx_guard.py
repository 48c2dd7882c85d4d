"""Look inside an .xlsx (a zip archive) before anyone parses it: refuse a workbook whose parts unzip to far
more than a real 统计月报 ever holds (a "zip bomb": 0.5 MB on disk, gigabytes of rows or one giant cell).

The declared sizes in the zip directory are checked first (cheap), then the actual sizes by streaming
decompression that stops at the limit, because the directory can lie. Nothing is held in memory but one
chunk at a time.
"""

import io
import struct
import zipfile
import zlib

from loaders.problems import ERROR, Problem

# A real province-wide 统计月报 workbook is well under 5 MB unzipped (the demo's 1–9月 sheet for 86 counties:
# 34 KB in all). 32 MB per part and 48 MB in all leave ten times room for files carrying years of history; beyond
# that openpyxl needs tens of seconds (about 2 MB of sheet XML a second here), which the parse child's limits stop.
MAX_PART_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 48 * 1024 * 1024
# Sheet XML compresses 5–20× (the demo workbooks' parts: 5–7×; one row repeated a million times: ~300×). A part beyond 1 MB that
# compresses more than 200× is a constructed file, not an export from Excel or WPS.
MAX_RATIO = 200
RATIO_FROM_BYTES = 1024 * 1024
# A workbook has a dozen parts plus two per sheet; Excel allows 255 sheets per workbook by default.
MAX_PARTS = 1000
CHUNK = 1024 * 1024
FIX = "请删除多余的行/列（及空白工作表）后在 Excel 中另存为 .xlsx 再上传；数据较多时请按月份或地区拆分成几个文件"


def _mb(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n < 1024 ** 3 else f"{n / 1024 ** 3:.1f} GB"


def check(name: str, data: bytes) -> list[Problem]:
    """Problems that stop an .xlsx before parsing (empty when it may be parsed). A damaged zip is left to the
    parser, which reports it as damaged."""
    def no(code: str, reason: str, fix: str = FIX) -> list[Problem]:
        return [Problem(ERROR, code, reason, fix, name)]
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return []
    if len(infos) > MAX_PARTS:
        return no("xlsx_too_many_parts", f"工作簿由 {len(infos)} 个部件组成，超过上限 {MAX_PARTS} 个（工作表过多）")
    declared = 0
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            return no("xlsx_part_too_large", f"工作簿中的“{info.filename}”解压后为 {_mb(info.file_size)}，"
                                              f"超过单个部件上限 {_mb(MAX_PART_BYTES)}（表格行、列或单元格内容过多）")
        declared += info.file_size
    if declared > MAX_TOTAL_BYTES:
        return no("xlsx_too_large", f"工作簿解压后共 {_mb(declared)}，超过上限 {_mb(MAX_TOTAL_BYTES)}"
                                    "（表格行、列或单元格内容过多）")
    total = 0
    for info in infos:
        try:
            size = _actual_size(zf, info, min(MAX_PART_BYTES, MAX_TOTAL_BYTES - total) + 1)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError,
                RuntimeError, zlib.error):
            return []  # damaged or encrypted: the parser says so
        total += size
        if size > MAX_PART_BYTES:
            return no("xlsx_part_too_large", f"工作簿中的“{info.filename}”解压后超过单个部件上限 "
                                              f"{_mb(MAX_PART_BYTES)}（表格行、列或单元格内容过多）")
        if total > MAX_TOTAL_BYTES:
            return no("xlsx_too_large", f"工作簿解压后超过上限 {_mb(MAX_TOTAL_BYTES)}（表格行、列或单元格内容过多）")
        if size > RATIO_FROM_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
            return no("xlsx_ratio", f"工作簿中的“{info.filename}”压缩比为 {size / max(info.compress_size, 1):.0f}:1，"
                                    f"超过上限 {MAX_RATIO}:1（正常导出的表格不会如此；可能含大量重复的行或内容）")
    return []


def _actual_size(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> int:
    """Bytes the part really unzips to, counted chunk by chunk and stopping once past `cap`.

    Deflated parts are inflated from the raw stream, not through zipfile, which would stop at the declared
    size and so believe the directory; an archive that declares less than it holds is caught here."""
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        with zf.open(info) as part:  # other methods: zipfile's own reader, still capped
            size = 0
            while size < cap and (chunk := part.read(CHUNK)):
                size += len(chunk)
            return size
    raw = zf.fp
    raw.seek(info.header_offset)
    head = raw.read(30)
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    raw.seek(info.header_offset + 30 + name_len + extra_len)
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    left, size, pending = info.compress_size, 0, b""
    while size < cap:
        if not pending:
            if left <= 0 or inflate.eof:
                break
            pending = raw.read(min(CHUNK, left))
            if not pending:
                break
            left -= len(pending)
        out = inflate.decompress(pending, CHUNK)
        pending = inflate.unconsumed_tail
        size += len(out)
        if inflate.eof:
            break
    return size
