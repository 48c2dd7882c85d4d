"""Printing: the cockpit on at most two A4 landscape pages, the ranking with every column, whole headers and whole
ranks — through Chrome's own print path (Page.printToPDF), which is what Ctrl+P and the 打印 button both reach."""

import base64
import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from selenium.webdriver.support.ui import WebDriverWait
from ui_helpers import login_as

from layouts import ids

OUTPUT = Path(__file__).resolve().parent / "output"
A4_LANDSCAPE = {"landscape": True, "paperWidth": 11.69, "paperHeight": 8.27, "preferCSSPageSize": True,
                "printBackground": True}


def print_pdf(driver, name: str) -> PdfReader:
    """Chrome's own print of the current page (no emulation, no call into the page's script) as a PDF, kept in
    tests/output with a PNG of every page (pdftoppm) to look at."""
    pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", A4_LANDSCAPE)["data"])
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"{name}.pdf"
    for old in OUTPUT.glob(f"{name}-*.png"):
        old.unlink()
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(OUTPUT / name)], check=False, timeout=60)
    return PdfReader(io.BytesIO(pdf))


def layout_text(name: str) -> str:
    return subprocess.run(["pdftotext", "-layout", str(OUTPUT / f"{name}.pdf"), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout



def open_page(dash_duo, path: str, ready: str, text: str):
    driver = dash_duo.driver
    driver.set_window_size(1440, 1000)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}{path}", timeout=30)
    dash_duo.wait_for_contains_text(ready, text, timeout=30)
    WebDriverWait(driver, 20).until(lambda d: d.execute_script(
        "return document.querySelectorAll('.js-plotly-plot .main-svg').length > 0"))


@pytest.mark.browser
def test_cockpit_prints_on_three_a4_landscape_pages(dash_duo, demo_store):
    login_as(dash_duo, demo_store)
    open_page(dash_duo, "/?period=2026Q3", f"#{ids.COCKPIT_ATTENTION}", "1.")
    widths = "return Array.from(document.querySelectorAll('.js-plotly-plot .main-svg:first-child')).map(" \
             "s => Math.round(s.getBoundingClientRect().width))"
    on_screen = dash_duo.driver.execute_script(widths)
    pdf = print_pdf(dash_duo.driver, "cockpit_print")
    text = layout_text("cockpit_print")
    assert len(pdf.pages) <= 3, f"{len(pdf.pages)} pages"  # 需要关注 now also lists the ledger rules (issue #12)
    box = pdf.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    assert "总览 · 陇南市 · 2026年三季度" in text and "需要关注" in text and "数据状态" in text
    assert "模拟数据" in text
    # back on screen, the charts and the page are as they were (afterprint)
    assert not dash_duo.driver.execute_script("return document.documentElement.classList.contains('printing')")
    WebDriverWait(dash_duo.driver, 5).until(lambda d: d.execute_script(widths) == on_screen)


def rank_headers(scope: str) -> list[str]:
    """The ranking grid's column headers (text columns; the sparkline's arrow is a picture's heading)."""
    from indicators import reading
    from layouts import data
    from layouts.ranking_table import column_defs

    card = reading.scorecard(data.snap(), "2026Q3", scope)
    return [c["headerName"] for c in column_defs(card.table, card.scheme.pillars, "zh", len(card.table), scope)
            if c["headerName"] != "↗"]


def whole_in_layout(words: str, text: str, slack: int = 6) -> bool:
    """`words` on one line of `pdftotext -layout` output, or wrapped in its cell: a head on one line and the rest
    at the start of the next line's text in about the same column."""
    lines = text.splitlines()
    if any(words in line for line in lines):
        return True
    for i, line in enumerate(lines[:-1]):
        for k in range(1, len(words)):
            at, below = line.find(words[:k]), lines[i + 1].find(words[k:])
            if at >= 0 and below >= 0 and abs(at - below) <= slack:
                return True
    return False


def units(scope: str) -> list[str]:
    from indicators import reading
    from layouts import data

    return list(reading.scorecard(data.snap(), "2026Q3", scope).table["region_name"])


def rank_column(text: str) -> list[int]:
    """The first number of every table line of `pdftotext -layout` output: the rank column. A row whose 荣誉 cell
    wraps onto two lines (强县、先进县、进步县) has its other cells centred between them, so pdftotext puts the name
    on the line above and the rank before the score (“4   81.56”)."""
    import re

    return [int(m[1]) for line in text.splitlines()
            if (m := re.match(r"^\s*(\d+)\s+(\S*[县区市州]|\d+\.\d\d\s)", line))]


@pytest.mark.browser
@pytest.mark.parametrize("scope, n", [("province", 86), ("prefectures", 14)])
def test_rankings_print_every_rank_whole_and_every_header_whole(dash_duo, demo_store, scope, n):
    from layouts import data

    data.use_store(demo_store)
    login_as(dash_duo, demo_store)
    open_page(dash_duo, f"/rankings?period=2026Q3&scope={scope}", f"#{ids.RANK_GRID}", "名次")
    name = f"rankings_{scope}_print"
    pdf = print_pdf(dash_duo.driver, name)
    text = layout_text(name)
    assert "…" not in text  # no rank, header or cell cut short
    assert sorted(rank_column(text)) == list(range(1, n + 1))
    for region in units(scope):  # every name whole (the longest: 积石山保安族东乡族撒拉族自治县)
        assert region in text, region
    for header in rank_headers(scope):
        assert whole_in_layout(header, text), header
    assert len(pdf.pages) <= (5 if n > 20 else 2)
