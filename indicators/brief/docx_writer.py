"""The 通报 as a Word document laid out after GB/T 9704 (党政机关公文格式) as far as free fonts allow.

Only lays a Brief out: every word and number comes from the Brief. Font substitutes from Debian's fonts-noto-cjk:
小标宋 and 仿宋 → Noto Serif CJK SC (bold for the marks and the title), 黑体 → Noto Sans CJK SC, 楷体 → bold serif.
"""

from __future__ import annotations

import io
import numbers
import zipfile

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from indicators.brief import charts
from indicators.brief.doc import Brief, Figure, Paragraph, Section, Table

SERIF = "Noto Serif CJK SC"  # 仿宋 / 小标宋 substitute
SANS = "Noto Sans CJK SC"  # 黑体 substitute
RED = RGBColor(0xE6, 0x00, 0x12)  # the 发文机关标志 and its rule: 公文 red
EMPHASIS_RED = RGBColor(0xC9, 0x2A, 0x2A)  # the bottom three in tables, as in the charts
# GB/T 9704 §5.2: A4, type area 156 mm × 225 mm; top margin 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
TYPE_AREA_W = Mm(156)
BODY_PT = 16  # 3号
LINE_PT = 28.95  # 22 lines in the 225 mm type area
TITLE_PT = 22  # 2号
MARK_PT = 34  # the 发文机关标志: GB/T 9704 leaves its size to the office (no larger than 22 mm × 15 mm a glyph)
MARK_MIN_PT = 18  # a long office name shrinks to stay on one line, down to this
PAGE_NUMBER_PT = 14  # 4号
NOTE_PT = 12  # 小4
TABLE_PT = 12  # 小4 for narrow tables
TABLE_SMALL_PT = 10.5  # 5号 when a table has many columns
TABLE_SMALL_FROM = 7  # columns
TABLE_TINY_PT = 9  # 小5 for the widest tables (a province's 86 counties with a dozen indicators)
TABLE_TINY_FROM = 10  # columns
CELL_MARGIN_PT = 3  # left and right inside each cell (Word's 0.19 cm leaves too little for 7 columns of headers)
CELL_AIR_PT = 3  # what a width estimate keeps spare, so a header line that just fits does not wrap
HEADER_MIN_EMS = 2.2  # a header may wrap down to two characters a line, no further
CELL_KEEP_EMS = 5.0  # cells up to this wide (numbers, ranks, short names) never wrap; longer ones may
CELL_WRAP_EMS = 4.0  # the narrowest a column of long cells (自治县 names) is squeezed to
AUTOSPACE_EMS = 0.25  # the gap Word and LibreOffice put between Chinese and a digit or Latin letter
FIGURE_W = Cm(15.5)
FIGURE_MAX_H = Cm(19)  # the 22.5 cm type area less the figure's title and a line
SIGNATURE_RIGHT_EMS = 4  # the date's right indent (右空四字)
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the same Brief gives the same bytes (python-docx stamps the clock)
# w:pPr children after w:pBdr, in schema order (Word rejects a w:pBdr placed after them)
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
               "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
               "w:rPr", "w:sectPr", "w:pPrChange")
LEAD_STOPS = "。：；"  # a "lead" paragraph's run-in heading ends at the first of these (一是……。the rest)


def to_docx(brief: Brief) -> bytes:
    """The brief as DOCX bytes: header (mark, 文号, red rule), title, 主送, basis, sections, signature, 附注."""
    doc = Document()
    _page(doc)
    _styles(doc)
    _header(doc, brief)
    for section in brief.sections:
        _section(doc, section)
    _signature(doc, brief.signature)
    _footer_block(doc, brief.footer)
    doc.core_properties.title = brief.title
    doc.core_properties.author = brief.office
    doc.core_properties.last_modified_by = brief.office
    doc.core_properties.language = "zh-CN"
    doc.core_properties.comments = "；".join(brief.footer)
    for stale in ("dcterms:created", "dcterms:modified"):  # python-docx's template dates (2013), not the brief's
        for el in doc.core_properties._element.findall(qn(stale)):
            el.getparent().remove(el)
    out = io.BytesIO()
    doc.save(out)
    return _fixed_times(out.getvalue())


# ---------------------------------------------------------------- page, styles, runs

def _page(doc) -> None:
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = PAGE_W, PAGE_H
    sec.top_margin, sec.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    sec.left_margin, sec.right_margin = MARGINS["left"], MARGINS["right"]
    sec.header_distance = Mm(15)
    sec.footer_distance = Mm(22)  # GB/T 9704 §7.5: the page number sits ~7 mm below the type area
    # §7.5: odd pages' numbers right with one character's space, even pages' left with one character's space.
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(sec.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(sec.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(p, align) -> None:
    """"— N —" in 4号 with a PAGE field (python-docx has no API for fields: the w:fldChar XML by hand)."""
    p.alignment = align
    pf = p.paragraph_format
    pf.left_indent = pf.right_indent = Pt(PAGE_NUMBER_PT)
    _run(p, "— ", SERIF, PAGE_NUMBER_PT)
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        run = _run(p, "", SERIF, PAGE_NUMBER_PT)
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
    _run(p, " —", SERIF, PAGE_NUMBER_PT)


def _east_asian(rpr_parent, family: str) -> None:
    """Set all four rFonts slots: python-docx's font.name leaves w:eastAsia (the one Chinese text uses) unset."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), family)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.font.name = SERIF
    _east_asian(normal.element, SERIF)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE_PT)
    pf.space_before = pf.space_after = Pt(0)
    pf.widow_control = True
    # Punctuation stays inside the type area: LibreOffice hangs a line-final ，past the margin (and the PDF may
    # lose it) unless hanging punctuation is off, as 公文 set it.
    no_hang = OxmlElement("w:overflowPunct")
    no_hang.set(qn("w:val"), "0")
    normal.element.get_or_add_pPr().insert_element_before(no_hang, *_AFTER_PBDR[_AFTER_PBDR.index("w:overflowPunct") + 1:])
    for name in ("Table Grid", "Header", "Footer"):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        style.font.name = SERIF
        _east_asian(style.element, SERIF)
    # the document defaults too, so text Word or LibreOffice add later (e.g. an edited line) stays CJK serif
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is None:
                fonts = OxmlElement("w:rFonts")
                rpr.insert(0, fonts)
            for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(slot), SERIF)
            for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(theme), None)


def _run(p, text: str, family: str = SERIF, size: float = BODY_PT, *, bold: bool = False, colour=None):
    run = p.add_run(text)
    run.font.name = family
    run.font.size = Pt(size)
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    _east_asian(run._r, family)
    return run


def _para(doc_or_cell, *, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars: float = 0, size: float = BODY_PT,
          line: float | None = LINE_PT, keep_next: bool = False):
    p = doc_or_cell.add_paragraph()
    p.alignment = align
    pf = p.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    if line is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line)
    if indent_chars:
        pf.first_line_indent = Pt(size * indent_chars)
    pf.keep_with_next = keep_next
    return p


def _blank(doc, lines: int = 1) -> None:
    for _ in range(lines):
        _para(doc)


# ---------------------------------------------------------------- the parts of a brief

def _header(doc, brief: Brief) -> None:
    size = max(MARK_MIN_PT, min(MARK_PT, int(TYPE_AREA_W) / Pt(1) / max(_text_width(brief.office), 1) * 0.95))
    mark = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, size=size)
    _run(mark, brief.office, SERIF, round(size * 2) / 2, bold=True, colour=RED)
    _blank(doc, 1)
    number = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(number, brief.number)
    _red_rule(number)
    _blank(doc, 2)
    for line in brief.title.split("\n"):
        title = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, size=TITLE_PT, line=TITLE_PT * 1.6, keep_next=True)
        _run(title, line, SERIF, TITLE_PT, bold=True)
    _blank(doc, 1)
    if brief.addressees:
        _run(_para(doc, align=WD_ALIGN_PARAGRAPH.LEFT), brief.addressees)
    if brief.basis:
        _run(_para(doc, indent_chars=2), brief.basis)


def _red_rule(p) -> None:
    """The red separator line under the 文号, as wide as the type area (a bottom border ~4 mm below the text)."""
    _borders(p, {"bottom": ("12", "11", str(RED))})


def _borders(p, edges: dict[str, tuple[str, str, str]]) -> None:
    """Paragraph borders {edge: (width in eighths of a point, space in points, colour)}."""
    borders = OxmlElement("w:pBdr")
    for edge in ("top", "left", "bottom", "right"):
        if edge in edges:
            el = OxmlElement(f"w:{edge}")
            size, space, colour = edges[edge]
            for key, value in (("w:val", "single"), ("w:sz", size), ("w:space", space), ("w:color", colour)):
                el.set(qn(key), value)
            borders.append(el)
    p._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)


def _section(doc, section: Section) -> None:
    if section.heading:
        p = _para(doc, indent_chars=2, keep_next=True)
        if section.level <= 1:
            _run(p, section.heading, SANS, BODY_PT)
        else:
            _run(p, section.heading, SERIF, BODY_PT, bold=True)
    for block in section.blocks:
        if isinstance(block, Paragraph):
            _paragraph(doc, block)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Figure):
            _figure(doc, block)
        else:
            raise TypeError(f"a Section block must be a Paragraph, Table or Figure, not {type(block).__name__}")


def _paragraph(doc, block: Paragraph) -> None:
    if block.style == "note":
        p = _para(doc, indent_chars=2, size=NOTE_PT, line=NOTE_PT * 1.6)
        _run(p, block.text, SERIF, NOTE_PT)
        return
    p = _para(doc, indent_chars=2)
    if block.style == "lead":
        cut = min((block.text.find(s) for s in LEAD_STOPS if s in block.text), default=len(block.text) - 1) + 1
        _run(p, block.text[:cut], SERIF, BODY_PT, bold=True)
        if block.text[cut:]:
            _run(p, block.text[cut:])
        return
    _run(p, block.text)


def _is_number(v) -> bool:
    return isinstance(v, numbers.Number) and not isinstance(v, bool)


def _text_width(s: str) -> float:
    """Printed width in ems: CJK and full-width characters 1, the rest about half, and the quarter em that Word and
    LibreOffice put between Chinese and Western characters (autospace) at each change."""
    wide = [ord(ch) > 0x2E80 for ch in s]
    changes = sum(1 for a, b in zip(wide, wide[1:], strict=False) if a != b)
    return sum(1.0 if w else 0.55 for w in wide) + AUTOSPACE_EMS * changes


def _column_widths(table: Table, size: float) -> list[int]:
    """Widths (EMU) filling the type area. Each column wants its widest cell and header line; when the wants do not
    fit, every column gives up the same share of what it has above its minimum (short cells whole, long cells
    CELL_WRAP_EMS, headers HEADER_MIN_EMS), so the headers and long names wrap and the numbers never do."""
    available = int(TYPE_AREA_W) / Pt(size)  # in ems of the table's font
    padding = (2 * CELL_MARGIN_PT + CELL_AIR_PT) / size
    want, least = [], []
    for j, head in enumerate(table.header):
        cells = [_text_width(r[j]) for r in table.rows if j < len(r)]
        head_w = max((_text_width(part) for part in head.split("\n")), default=0)
        want.append(max(max(cells, default=0), head_w, 1.0) + padding)
        keep = max((w if w <= CELL_KEEP_EMS else CELL_WRAP_EMS for w in cells), default=0)
        least.append(min(max(keep, min(head_w, HEADER_MIN_EMS), 1.0) + padding, want[-1]))
    if sum(want) > available:
        spare = sum(want) - sum(least)
        share = max(0.0, min(1.0, (available - sum(least)) / spare)) if spare > 0 else 0.0
        want = [lo + (w - lo) * share for w, lo in zip(want, least, strict=True)]
    total = sum(want)
    out = [int(TYPE_AREA_W * w / total) for w in want]
    out[-1] += int(TYPE_AREA_W) - sum(out)
    return out


def _table(doc, table: Table) -> None:
    n = len(table.header)
    size = TABLE_TINY_PT if n >= TABLE_TINY_FROM else TABLE_SMALL_PT if n >= TABLE_SMALL_FROM else TABLE_PT
    if table.title:
        title = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, keep_next=True)
        title.paragraph_format.space_before = Pt(6)
        title.paragraph_format.space_after = Pt(3)
        _run(title, table.title, SANS, size + 1.5)
    grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _cell_margins(grid)
    widths = _column_widths(table, size)
    for j, w in enumerate(widths):
        grid.columns[j].width = w
    header_row = grid.rows[0]
    _repeat_header(header_row)
    for j, text in enumerate(table.header):
        _cell(header_row.cells[j], text, size, bold=True, family=SANS, align=WD_ALIGN_PARAGRAPH.CENTER, width=widths[j])
    emphasis = set(table.emphasis)
    for i, row in enumerate(table.rows):
        values = table.values[i] if i < len(table.values) else ()
        cells = grid.rows[i + 1].cells
        _cant_split(grid.rows[i + 1])
        for j in range(len(table.header)):
            text = row[j] if j < len(row) else ""
            v = values[j] if j < len(values) else None
            _cell(cells[j], text, size, bold=i in emphasis, colour=EMPHASIS_RED if i in emphasis else None,
                  align=WD_ALIGN_PARAGRAPH.RIGHT if _is_number(v) else WD_ALIGN_PARAGRAPH.CENTER, width=widths[j])
    if table.note:
        p = _para(doc, align=WD_ALIGN_PARAGRAPH.LEFT, size=size, line=None)
        p.paragraph_format.space_before = Pt(3)
        _run(p, table.note, SERIF, size)
    _blank(doc, 1)


def _cell_margins(grid) -> None:
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(CELL_MARGIN_PT * 20))  # twentieths of a point
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr = grid._tbl.tblPr
    tblpr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _cell(cell, text: str, size: float, *, bold: bool = False, colour=None, family: str = SERIF, align, width):
    cell.width = width
    p = cell.paragraphs[0]
    p.alignment = align
    pf = p.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.space_before = pf.space_after = Pt(1)
    for k, line in enumerate(text.split("\n")):
        if k:
            p = cell.add_paragraph()
            p.alignment = align
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        _run(p, line, family, size, bold=bold, colour=colour)
    tcpr = cell._tc.get_or_add_tcPr()
    valign = OxmlElement("w:vAlign")
    valign.set(qn("w:val"), "center")
    tcpr.append(valign)


def _repeat_header(row) -> None:
    """w:tblHeader: the header row is printed again at the top of every page the table runs onto."""
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)
    _cant_split(row)


def _cant_split(row) -> None:
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _figure(doc, figure: Figure) -> None:
    png = charts.render(figure)
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, keep_next=True)  # exact spacing would crop it
    width, height = charts.png_size(png)
    if FIGURE_W * height / width > FIGURE_MAX_H:  # a tall chart is fitted to the page by its height
        p.add_run().add_picture(io.BytesIO(png), height=FIGURE_MAX_H)
    else:
        p.add_run().add_picture(io.BytesIO(png), width=FIGURE_W)
    if figure.title:  # 图题 under the figure, as Chinese documents print them
        _run(_para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, line=None), figure.title, SANS, TABLE_PT + 1.5)
    _blank(doc, 1)


def _signature(doc, signature: str) -> None:
    """GB/T 9704 §7.3.5: the date 右空四字, the office (and any line above it) centred over the date."""
    if not signature:
        return
    _blank(doc, 2)
    lines = signature.split("\n")
    date_ems = _text_width(lines[-1])
    for k, line in enumerate(lines):
        p = _para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT, keep_next=k < len(lines) - 1)  # office and date on one page
        shift = 0 if k == len(lines) - 1 else max(0.0, (date_ems - _text_width(line)) / 2)
        p.paragraph_format.right_indent = Pt(BODY_PT * (SIGNATURE_RIGHT_EMS + shift))
        _run(p, line)


def _footer_block(doc, lines: tuple[str, ...]) -> None:
    """The 附注 (data state, scheme, 模拟数据) small, between thin rules like a 版记, after the signature."""
    if not lines:
        return
    _blank(doc, 1)
    for k, line in enumerate(lines):
        p = _para(doc, align=WD_ALIGN_PARAGRAPH.LEFT, size=NOTE_PT, line=NOTE_PT * 1.6)
        pf = p.paragraph_format
        pf.left_indent = pf.right_indent = Pt(NOTE_PT)
        _run(p, line, SERIF, NOTE_PT)
        edges = ({"top": ("6", "4", "000000")} if k == 0 else {}) | (
            {"bottom": ("6", "4", "000000")} if k == len(lines) - 1 else {})
        if edges:
            _borders(p, edges)


def _fixed_times(data: bytes) -> bytes:
    """Rewrite the zip with fixed member times so the bytes depend on the Brief only."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
