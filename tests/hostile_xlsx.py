"""Hostile workbooks built on the fly: tiny on disk, huge when unzipped (the sheet XML is written straight into
the zip, a chunk at a time, so building one never holds it in memory)."""

import io
import struct
import zipfile

MB = 1024 * 1024
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="月报" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}
_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
         'spreadsheetml/2006/main"><sheetData>')
_TAIL = "</sheetData></worksheet>"
_ROW = '<row><c t="inlineStr"><is><t>县区</t></is></c><c><v>1234.5</v></c><c><v>6.7</v></c></row>'


def workbook(body_chunks) -> bytes:
    """An .xlsx with one sheet whose <sheetData> is the concatenation of `body_chunks` (str)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, text in _PARTS.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(_HEAD.encode())
            for chunk in body_chunks:
                part.write(chunk.encode())
            part.write(_TAIL.encode())
    return out.getvalue()


def many_rows(total_bytes: int) -> bytes:
    """`total_bytes` of identical rows."""
    block = _ROW * (MB // len(_ROW.encode()))
    return workbook(block for _ in range(total_bytes // len(block.encode())))


def giant_cell(total_bytes: int) -> bytes:
    """One row whose first cell holds `total_bytes` characters."""
    def chunks():
        yield '<row><c t="inlineStr"><is><t>'
        for _ in range(total_bytes // MB):
            yield "x" * MB
        yield "</t></is></c></row>"
    return workbook(chunks())


def small(rows: list[list[str]]) -> bytes:
    """A plain workbook of text cells (for the row and cell-length limits)."""
    def cell(v):
        return f'<c t="inlineStr"><is><t>{v}</t></is></c>'
    return workbook("<row>" + "".join(cell(v) for v in r) + "</row>" for r in rows)


def understate_sizes(data: bytes, part: str = "xl/worksheets/sheet1.xml", size: int = 1000) -> bytes:
    """The same archive with `part`'s declared uncompressed size rewritten to `size` (local and central headers,
    zip64 extra fields included): the directory lies about how much the part holds."""
    buf = bytearray(data)
    name = part.encode()
    for sig, size_at, name_len_at, head in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        i = buf.find(sig)
        while i != -1:
            n, e = struct.unpack_from("<HH", buf, i + name_len_at)
            if bytes(buf[i + head:i + head + n]) == name:
                if struct.unpack_from("<I", buf, i + size_at)[0] == 0xFFFFFFFF:
                    extra = i + head + n
                    j = extra
                    while j < extra + e:
                        tag, length = struct.unpack_from("<HH", buf, j)
                        if tag == 1:
                            struct.pack_into("<Q", buf, j + 4, size)
                        j += 4 + length
                else:
                    struct.pack_into("<I", buf, i + size_at, size)
            i = buf.find(sig, i + 4)
    return bytes(buf)


def varied_rows(n_rows: int, n_cols: int) -> bytes:
    """`n_rows` rows of distinct numbers: compresses like a real sheet (well under the ratio limit), so only the
    parser's own limits stop it."""
    def chunks():
        for i in range(0, n_rows, 1000):
            yield "".join("<row>" + "".join(f"<c><v>{(r * 7919 + c * 104729) % 1000003}</v></c>" for c in range(n_cols))
                          + "</row>" for r in range(i, min(i + 1000, n_rows)))
    return workbook(chunks())
