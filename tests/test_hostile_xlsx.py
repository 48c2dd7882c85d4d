"""Hostile workbooks (issue 10, point 6): tiny zips that unzip to 200 MB of rows or one 200 MB cell, and a zip
whose directory understates a part's size, are refused before parsing with a message that names what, the limit
and the fix — through the library, `python -m loaders ingest` and the web upload alike — and the store is
unchanged. Row and cell-length limits of the streaming reader, and the parse child's limits, are tested too."""

import json
import subprocess
import sys

import pytest
from hostile_xlsx import MB, giant_cell, many_rows, small, understate_sizes
from test_upload_fuzz import commit, fingerprint, uploader  # noqa: F401  (fixture)

from loaders import catalogue, isolated, regions, sheets, xlsx_guard
from loaders.ingest import ingest

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
FIX = "请删除多余的行/列"
MEMORY_TOO_SMALL = 300 * MB  # below the ~390 MB the child holds once pandas is imported: parsing runs out


@pytest.fixture(scope="module")
def hostile():
    rows, cell = many_rows(200 * MB), giant_cell(200 * MB)
    return {"rows": rows, "cell": cell, "lying": understate_sizes(many_rows(100 * MB))}


def test_the_hostile_workbooks_are_small_on_disk(hostile):
    assert all(len(d) < 2 * MB for d in hostile.values())


@pytest.mark.parametrize("kind, code", [("rows", "xlsx_part_too_large"), ("cell", "xlsx_part_too_large"),
                                        ("lying", "xlsx_part_too_large")])
def test_library_ingest_refuses_and_leaves_the_store_unchanged(store, hostile, kind, code):
    before = fingerprint(store), len(store.uploads())
    report = ingest(hostile[kind], store, name="月报.xlsx")
    assert report.status == "rejected"
    assert [p.code for p in report.errors] == [code]
    message = report.errors[0].message()
    assert "32.0 MB" in message and FIX in message and "sheet1.xml" in message, message
    assert (fingerprint(store), len(store.uploads())) == before


def test_an_understated_size_is_measured_not_believed(hostile):
    # the directory says 1,000 bytes; only inflating the stream shows 100 MB
    problems = xlsx_guard.check("月报.xlsx", hostile["lying"])
    assert [p.code for p in problems] == ["xlsx_part_too_large"]
    assert "解压后超过单个部件上限" in problems[0].reason


def test_a_high_compression_ratio_is_refused_below_the_size_limits():
    data = many_rows(30 * MB)  # under every size limit, but ~300:1
    problems = xlsx_guard.check("月报.xlsx", data)
    assert [p.code for p in problems] == ["xlsx_ratio"]
    assert "超过上限 200:1" in problems[0].reason and FIX in problems[0].fix


def test_the_total_unzipped_size_is_limited(monkeypatch):
    monkeypatch.setattr(xlsx_guard, "MAX_TOTAL_BYTES", 2 * MB)
    monkeypatch.setattr(xlsx_guard, "MAX_RATIO", 10 ** 6)
    problems = xlsx_guard.check("月报.xlsx", many_rows(3 * MB))
    assert [p.code for p in problems] == ["xlsx_too_large"] and "2.0 MB" in problems[0].reason


def test_real_workbooks_pass_the_guard():
    for path in [*(ROOT / "data" / "demo").glob("*.xlsx"), *(ROOT / "tests" / "files").glob("*.xlsx")]:
        assert xlsx_guard.check(path.name, path.read_bytes()) == [], path


def test_cli_ingest_refuses_with_the_same_message(hostile, tmp_path):
    db = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    path = tmp_path / "月报.xlsx"
    path.write_bytes(hostile["cell"])
    r = subprocess.run([sys.executable, "-m", "loaders", "ingest", str(path), "--json", "--db", db], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    out = json.loads(r.stdout)
    assert out["status"] == "rejected" and out["errors"][0]["code"] == "xlsx_part_too_large"
    assert FIX in out["errors"][0]["message"]
    r = subprocess.run([sys.executable, "-m", "loaders", "history", "--json", "--db", db], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and json.loads(r.stdout or "[]") == []


def test_web_upload_refuses_with_the_same_message(uploader, hostile):  # noqa: F811
    store, client, app = uploader
    for kind in ("rows", "cell"):
        before = fingerprint(store), len(store.uploads())
        r = commit(client, app, "月报.xlsx", hostile[kind])
        assert r.status_code == 200
        text = json.dumps(r.get_json(), ensure_ascii=False)
        assert "没有写入任何文件" in text and "超过单个部件上限" in text and FIX in text, kind
        assert (fingerprint(store), len(store.uploads())) == before


def test_reading_stops_at_the_row_limit(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_XLSX_ROWS", 5)
    with pytest.raises(sheets.FileFormatError) as err:
        sheets.read_xlsx(small([["县区", str(i)] for i in range(8)]))
    assert err.value.code == "xlsx_too_many_rows"
    assert "读到第 6 行" in str(err.value) and "5 行的上限" in str(err.value) and FIX in err.value.fix
    assert len(sheets.read_xlsx(small([["县区", str(i)] for i in range(5)]))[0].rows) == 5


def test_a_cell_longer_than_excel_allows_is_refused_with_its_place():
    with pytest.raises(sheets.FileFormatError) as err:
        sheets.read_xlsx(small([["县区", "武都区"], ["a", "y" * (sheets.MAX_CELL_CHARS + 1)]]))
    assert err.value.code == "xlsx_cell_too_long"
    assert "第2行 B 列" in str(err.value) and "32,767" in str(err.value)
    sheets.read_xlsx(small([["y" * sheets.MAX_CELL_CHARS]]))  # Excel's own limit is fine


def test_the_parse_child_reports_its_memory_limit():
    # a real workbook the child cannot parse within its (here lowered) address space
    data = (ROOT / "data" / "demo" / "月报_2026年1-9月_陇南市.xlsx").read_bytes()
    parsed = isolated.parse_file("月报.xlsx", data, catalogue=catalogue.default(), regions=regions.default(),
                                 memory=MEMORY_TOO_SMALL)
    assert [p.code for p in parsed.problems] == ["parse_memory"]
    assert "MB 的上限" in parsed.problems[0].reason and FIX in parsed.problems[0].fix


def test_the_parse_child_returns_what_the_parser_returns():
    path = ROOT / "data" / "demo" / "月报_2026年1-9月_陇南市.xlsx"
    cat, reg = catalogue.default(), regions.default()
    data = path.read_bytes()
    child = isolated.parse_file(path.name, data, catalogue=cat, regions=reg)
    from loaders import detect
    here = detect.parse_file(path.name, data, catalogue=cat, regions=reg)
    assert child.frame.equals(here.frame) and child.problems == here.problems and len(child.frame) > 100
