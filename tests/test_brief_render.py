"""The 通报's files: DOCX laid out after GB/T 9704, the PDF LibreOffice makes of it, the offline charts, the JSON.

The Brief is built by hand here (content.py builds the real one from the shared results), shaped like Longnan's
1–10月 brief: a header, three headed parts with a level-2 section, a table of the nine counties with the bottom
three emphasised, both figures, the 约谈 list and a footer that says 模拟数据.
"""

import ast
import io
import json
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm
from matplotlib.image import imread
from pypdf import PdfReader

from conftest import ROOT
from indicators import tiles
from indicators.brief import charts, docx_writer, pdf
from indicators.brief.doc import Brief, Figure, Paragraph, Section, Table
from indicators.brief.render import mime_type, render, suffix
from layouts import tile_map

LONGNAN = "621200"
COUNTIES = [  # code, name, score, rank (市内), GDP growth
    ("621226", "礼县", 84.6, 1, 6.8), ("621223", "宕昌县", 81.2, 2, 6.5), ("621221", "成县", 79.9, 3, 6.1),
    ("621202", "武都区", 77.3, 4, 5.9), ("621224", "康县", 74.0, 5, 5.2), ("621225", "西和县", 71.8, 6, 4.9),
    ("621222", "文县", 68.5, 7, 4.1), ("621228", "两当县", 66.1, 8, 3.6), ("621227", "徽县", 61.7, 9, 2.8),
]
TITLE = "关于2026年1-10月全市县域经济主要指标完成情况的通报"
OFFICE = "陇南市统计局"
SIMULATED = "模拟数据：本通报数值为演示用模拟数据，不是官方统计数据。"


def make_brief() -> Brief:
    names = [n.removesuffix("县").removesuffix("区") if len(n) > 2 else n for _, n, *_ in COUNTIES]
    table = Table(
        title="表1  2026年三季度各县（区）综合评价得分及主要指标",
        header=("县区", "综合得分", "市内排名", "较上季度", "地区生产总值\n增速（%）", "规上工业增加值\n增速（%）",
                "固定资产投资\n增速（%）"),
        rows=tuple((n, f"{s:.1f}", f"第{r}位", ("前移1位" if r % 3 == 0 else "持平"), f"{g:.1f}", f"{g + 1.3:.1f}",
                    f"{g - 7.4:.1f}") for _, n, s, r, g in COUNTIES),
        values=tuple((None, s, r, None, g, round(g + 1.3, 1), round(g - 7.4, 1)) for _, n, s, r, g in COUNTIES),
        emphasis=(6, 7, 8),
        note="注：综合得分为市内比较（9个县区），功效系数法，满分100分；数据期间2026年1-10月。")
    bars = Figure("ranking_bars", "图1  各县（区）综合得分（市内）",
                  {"labels": names, "values": [s for *_, s, _, _ in COUNTIES],
                   "ranks": [r for *_, r, _ in COUNTIES], "highlight": ["武都"], "axis": "综合得分（市内）"})
    tile = Figure("tile_map", "图2  各县（区）综合得分分布（市内）",
                  {"layout_key": LONGNAN, "colour_title": "综合得分（市内）", "highlight": ["621202"],
                   "units": [{"code": c, "label": lab, "value": s, "rank": r, "value_text": f"{s:.1f}"}
                             for (c, _, s, r, _), lab in zip(COUNTIES, names, strict=True)]})
    sections = (
        Section("一、全市县域经济综合评价情况", (
            Paragraph("2026年三季度，全市县域经济高质量发展综合评价总分居前3位的是礼县、宕昌县、成县。全市地区生产总值"
                      "增长5.4%，低于全省0.7个百分点，居全省第14位。"),
            Paragraph("从市内比较看，武都区综合得分77.3分，列全市第4位，较上季度持平。", editable="overview"),
            bars, tile)),
        Section("二、各县（区）主要指标完成情况", (
            Paragraph("各县（区）综合得分及主要指标增速见表1。"), table)),
        Section("（一）双过半", (
            Paragraph("一是投资完成进度偏慢。文县、两当县、徽县固定资产投资分别下降3.3%、3.8%、4.6%，"
                      "低于序时进度。", style="lead"),
            Paragraph("二是工业增长乏力。徽县规上工业增加值增长4.1%，位列全市末位。", style="lead")), level=2),
        Section("三、存在的问题", (
            Paragraph("部分县区主要指标增速低于全市平均水平，" * 6 + "需引起高度重视。", editable="problems"),
            Paragraph("注：增速按可比价计算，排名按市内9个县区计。", style="note"))),
        Section("四、约谈名单", (
            Paragraph("根据《综合评价办法》约谈规则，综合得分连续两个季度位列全市末位的徽县，由市政府分管领导约谈。"),
            Paragraph("两当县固定资产投资增速低于全市平均5个百分点以上，由市发展改革委约谈。"))),
    )
    return Brief(office=OFFICE, number="陇统发〔2026〕  号", title=TITLE,
                 addressees="各县（区）人民政府，市直有关部门：",
                 basis="根据《陇南市县域经济高质量发展综合评价办法》（陇政办发〔2026〕12号）要求，现将2026年1-10月全市县域"
                       "经济主要指标完成情况通报如下：",
                 sections=sections, signature="陇南市统计局\n2026年11月23日",
                 footer=("数据状态：ds-7f3a91（2026年1-10月，已发布）", "评价方案：2026年县域高质量发展综合评价"
                         "（sha256 1a2b3c4d）", SIMULATED),
                 params={"period": "2026-10", "quarter": "2026Q3", "scope": "city:621200", "simulated": True})


@pytest.fixture(scope="module")
def brief():
    return make_brief()


@pytest.fixture(scope="module")
def docx_bytes(brief):
    return render(brief, "docx")


@pytest.fixture(scope="module")
def document(docx_bytes):
    return Document(io.BytesIO(docx_bytes))


@pytest.fixture(scope="module")
def pdf_bytes(brief):
    return render(brief, "pdf")


# ---------------------------------------------------------------- DOCX

def test_docx_page_is_a4_with_the_gb9704_margins(document):
    sec = document.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)] == [
        37, 35, 28, 26]


def test_docx_header_office_in_red_then_number_title_addressees(document, brief):
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[:5] == [OFFICE, brief.number, TITLE, brief.addressees, brief.basis]
    mark = next(p for p in document.paragraphs if p.text == OFFICE)
    run = mark.runs[0]
    assert mark.alignment == WD_ALIGN_PARAGRAPH.CENTER and run.bold and run.font.size.pt >= 26
    assert run.font.color.rgb == docx_writer.RED
    number = next(p for p in document.paragraphs if p.text == brief.number)
    assert number._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}").get(qn("w:color")) == str(docx_writer.RED)
    title = next(p for p in document.paragraphs if p.text == TITLE)
    assert title.runs[0].font.size.pt == 22 and title.runs[0].bold and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert document.core_properties.title == TITLE and document.core_properties.author == OFFICE


def test_docx_headings_body_lead_and_note_styles(document):
    by_text = {p.text: p for p in document.paragraphs}
    h1 = by_text["一、全市县域经济综合评价情况"]
    assert h1.runs[0].font.name == docx_writer.SANS
    h2 = by_text["（一）双过半"]
    assert h2.runs[0].font.name == docx_writer.SERIF and h2.runs[0].bold
    body = next(p for t, p in by_text.items() if t.startswith("2026年三季度"))
    assert body.runs[0].font.size.pt == 16 and body.paragraph_format.first_line_indent.pt == 32
    assert 28 <= body.paragraph_format.line_spacing.pt <= 29
    lead = next(p for t, p in by_text.items() if t.startswith("一是"))
    assert lead.runs[0].text == "一是投资完成进度偏慢。" and lead.runs[0].bold and not lead.runs[1].bold
    note = next(p for t, p in by_text.items() if t.startswith("注：增速"))
    assert note.runs[0].font.size.pt == 12
    # the signature right-aligned after the text, its two lines kept apart; the 约谈 list is in the body
    office_line = [p for p in document.paragraphs if p.text == OFFICE][-1]
    assert office_line.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert any(p.text == "2026年11月23日" and p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in document.paragraphs)
    texts = [p.text for p in document.paragraphs]
    assert texts.index("四、约谈名单") < texts.index("2026年11月23日") < texts.index(SIMULATED)


def test_docx_every_run_sets_an_east_asian_font(document):
    runs = document.element.body.iter(qn("w:r"))
    fonts = [r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}") for r in runs if "".join(r.itertext()).strip()]
    assert fonts and all(f is not None and f.get(qn("w:eastAsia")) in (docx_writer.SERIF, docx_writer.SANS)
                         for f in fonts)
    normal = document.styles["Normal"].element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    assert normal.get(qn("w:eastAsia")) == docx_writer.SERIF


def test_docx_table_cells_header_repeat_numbers_right_and_bottom_three_red(document, brief):
    (grid,) = document.tables
    table = next(b for s in brief.sections for b in s.blocks if isinstance(b, Table))
    assert [c.text for c in grid.rows[0].cells] == list(table.header)
    assert [[c.text for c in r.cells] for r in grid.rows[1:]] == [list(r) for r in table.rows]
    header_flag = grid.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}")
    assert header_flag is not None and header_flag.get(qn("w:val")) == "true"
    assert all(r._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None for r in grid.rows[1:])
    first = grid.rows[1].cells
    assert first[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT  # a score
    assert first[0].paragraphs[0].alignment != WD_ALIGN_PARAGRAPH.RIGHT  # a name
    for i, row in enumerate(grid.rows[1:]):
        run = row.cells[0].paragraphs[0].runs[0]
        assert bool(run.bold) == (i in table.emphasis)
        assert (run.font.color.rgb == docx_writer.EMPHASIS_RED) == (i in table.emphasis)
    assert sum(grid.columns[j].width for j in range(len(table.header))) <= docx_writer.TYPE_AREA_W + Cm(0.01)
    texts = [p.text for p in document.paragraphs]
    assert table.title in texts and table.note in texts


def test_docx_page_footer_has_a_page_field_between_dashes(document):
    for footer in (document.sections[0].footer, document.sections[0].even_page_footer):
        xml = footer._element.xml
        assert "PAGE" in "".join(t.text for t in footer._element.iter(qn("w:instrText")))
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        assert footer.paragraphs[0].text.startswith("— ") and footer.paragraphs[0].text.endswith(" —")
        assert footer.paragraphs[0].runs[0].font.size.pt == 14
    assert document.settings.odd_and_even_pages_header_footer


def test_docx_holds_both_figures_at_type_area_width(document, brief):
    shapes = document.inline_shapes
    assert len(shapes) == 2
    assert all(abs(s.width.cm - 15.5) < 0.05 for s in shapes)
    texts = [p.text for p in document.paragraphs]
    for f in (b for s in brief.sections for b in s.blocks if isinstance(b, Figure)):
        assert f.title in texts


def test_docx_is_the_same_bytes_for_the_same_brief(brief, docx_bytes):
    assert docx_writer.to_docx(brief) == docx_bytes


# ---------------------------------------------------------------- PDF

@pytest.mark.slow
def test_pdf_has_the_text_and_embeds_the_cjk_fonts(pdf_bytes, tmp_path):
    assert pdf_bytes.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf_bytes))
    assert len(reader.pages) >= 2
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "").replace(" ", "")
    assert TITLE in text and "徽县" in text and "模拟数据" in text
    path = tmp_path / "brief.pdf"
    path.write_bytes(pdf_bytes)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    fonts = [line for line in lines[2:] if line.strip()]
    assert any("NotoSerifCJK" in f for f in fonts) and any("NotoSansCJK" in f for f in fonts)
    assert all(f.split()[-5] == "yes" for f in fonts), fonts  # the "emb" column: every font embedded


@pytest.mark.slow
def test_concurrent_pdf_conversions_do_not_collide(docx_bytes):
    # two requests at once: each soffice has its own profile and directory, so neither waits on or breaks the other
    with ThreadPoolExecutor(2) as pool:
        outs = list(pool.map(pdf.to_pdf, [docx_bytes, docx_bytes]))
    for out in outs:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(out)).pages).replace("\n", "")
        assert "徽县" in text


def test_pdf_without_libreoffice_says_what_to_install(monkeypatch):
    monkeypatch.setenv("MONITOR_SOFFICE", "/nonexistent/soffice")
    with pytest.raises(pdf.PdfError) as err:
        pdf.to_pdf(b"PK")
    assert "apt-get install libreoffice-writer-nogui fonts-noto-cjk" in str(err.value)
    assert "未找到 LibreOffice" in str(err.value) and "not found" in str(err.value)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_pdf_that_takes_too_long_stops_with_a_clear_error(docx_bytes, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(pdf.PdfError, match="超时.*did not finish"):
        pdf.to_pdf(docx_bytes, timeout=0.05)
    # soffice and the soffice.bin it starts are stopped: nothing keeps running or is left in the work directory
    assert not list(tmp_path.iterdir())
    assert not [p for p in Path("/proc").glob("[0-9]*/cmdline") if str(tmp_path).encode() in _read(p)]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


# ---------------------------------------------------------------- charts

def _pixels(png: bytes):
    return imread(io.BytesIO(png), format="png")[..., :3]


def _share(img, rgb) -> float:
    target = np.array([int(rgb[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return float((np.abs(img - target).max(axis=2) < 0.02).mean())


def _red_bars(ranks) -> int:
    """How many bars a ranking chart of these ranks draws red, counted down a pixel column through every bar."""
    values = [10.0 - r for r in ranks]  # every bar reaches past 40 % of the plot
    img = _pixels(charts.ranking_bars({"labels": [f"县{k}" for k in range(len(ranks))], "values": values,
                                       "ranks": ranks}))
    target = np.array([int(charts.BOTTOM_COLOUR[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    red = np.abs(img[:, img.shape[1] * 2 // 5] - target).max(axis=1) < 0.02
    return int(np.sum(red[1:] & ~red[:-1]) + red[0])


def test_ranking_bars_png_has_red_bottom_three_and_a_highlight(brief):
    bars = next(b for s in brief.sections for b in s.blocks if isinstance(b, Figure) and b.kind == "ranking_bars")
    png = charts.render(bars)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = charts.png_size(png)
    assert abs(width - 15.5 / 2.54 * charts.DPI) < 5 and 0.3 < height / width < 1.0
    img = _pixels(png)
    assert _share(img, charts.BOTTOM_COLOUR) > 0.02 and _share(img, charts.HIGHLIGHT_COLOUR) > 0.005
    # a tie at the third from last place is red too, and nobody above it
    assert _red_bars([1, 2, 3, 4, 5, 6]) == 3 and _red_bars([1, 2, 3, 3, 5, 6]) == 4
    # three units: nobody is "the bottom three", so no red bars
    few = charts.ranking_bars({"labels": ["甲", "乙", "丙"], "values": [3.0, 2.0, 1.0], "ranks": [1, 2, 3]})
    assert _share(_pixels(few), charts.BOTTOM_COLOUR) == 0


def test_tile_map_png_from_the_fixed_layout_and_from_coordinates(brief):
    tile = next(b for s in brief.sections for b in s.blocks if isinstance(b, Figure) and b.kind == "tile_map")
    png = charts.render(tile)
    assert png.startswith(b"\x89PNG") and 50_000 < len(png) < 2_000_000
    width, height = charts.png_size(png)
    assert height < width  # Longnan's 3 × 4 tiles
    data = {**tile.data, "layout_key": None}
    with pytest.raises(charts.ChartError, match="longitude/latitude"):
        charts.tile_map(data)
    data["units"] = [{**u, "longitude": 104.0 + k % 3, "latitude": 33.0 + k // 3} for k, u in enumerate(data["units"])]
    assert charts.tile_map(data).startswith(b"\x89PNG")
    # a county without a score (pandas hands over NaN) does not break either chart
    data["units"][0] = {**data["units"][0], "value": float("nan"), "rank": float("nan")}
    assert charts.tile_map(data).startswith(b"\x89PNG")
    assert charts.ranking_bars({"labels": ["甲", "乙"], "values": [float("nan"), 2.0], "ranks": [None, 1]})


def test_unknown_figure_kind_is_named():
    with pytest.raises(charts.ChartError, match="pie.*ranking_bars, tile_map"):
        charts.render(Figure("pie", "t", {}))


def test_tile_geometry_has_one_home_shared_with_the_dashboard():
    assert tile_map.positions is tiles.positions and tile_map.FIXED_LAYOUTS is tiles.FIXED_LAYOUTS
    assert tile_map.tile_label is tiles.tile_label and tile_map.snap_to_grid is tiles.snap_to_grid


def test_renderers_and_tiles_stay_below_the_web_layer():
    files = [ROOT / "indicators" / "tiles.py", *sorted((ROOT / "indicators" / "brief").glob("*.py"))]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name.split(".")[0] not in {"dash", "layouts", "plotly", "dash_mantine_components"}, (path, name)


# ---------------------------------------------------------------- JSON and formats

def test_json_round_trips_in_readable_chinese(brief):
    out = render(brief, "json")
    assert "徽县" in out.decode("utf-8")  # ensure_ascii=False
    assert json.loads(out) == json.loads(json.dumps(brief.to_json()))


def test_formats_have_mime_types_and_unknown_ones_are_refused(brief):
    assert mime_type("pdf") == "application/pdf" and suffix("docx") == ".docx"
    assert mime_type("docx").endswith("wordprocessingml.document") and mime_type("json").startswith("application/json")
    with pytest.raises(ValueError, match="docx, pdf, json"):
        render(brief, "odt")
