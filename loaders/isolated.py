"""Parse an .xlsx in a child process with its own memory and time limits, so one hostile workbook cannot
starve the server's other requests (or the other gunicorn workers) of memory or CPU.

The parent sends a request on stdin — ("parse", name, bytes, catalogue, regions, period) for statistics,
("sheets", name, bytes, dates) for the cells of a ledger, or ("upload", name, bytes, catalogue, regions, period,
kinds) for a file of any kind from the upload page (recognised, then parsed or read, in the same child) — and reads
the result back on stdout; the child is
this module run as `python -m loaders.isolated` (a fresh interpreter, never a fork of the server with its threads
and database connections; starting one costs about 0.6 s). The web upload and `python -m loaders ingest` reach it
through loaders/ingest.py, ledger uploads through loaders/ledger_ingest.py. A CSV is parsed in the calling process: its cost is bounded
by its own size (no decompression), while an .xlsx unzips to many times its size.
"""

from __future__ import annotations

import os
import pickle
import resource
import subprocess
import sys

from loaders import detect, sheets, xlsx_guard
from loaders.catalogue import Catalogue
from loaders.parsed import Parsed, empty_frame
from loaders.problems import ERROR, Problem
from loaders.regions import Regions

# Address space of the child: Python with pandas and openpyxl imported takes about 390 MB of it; parsing the
# largest workbook xlsx_guard lets through (48 MB unzipped, cut off at sheets.MAX_XLSX_ROWS) fits in the rest.
MAX_PARSE_MEMORY = 1024 * 1024 * 1024
# CPU seconds for one parse: the demo's province-wide workbook takes under 1 s; 30 s is thirty times that.
MAX_PARSE_CPU_SECONDS = 30
# Wall-clock limit, for a child that waits instead of computing (a busy machine): twice the CPU limit.
MAX_PARSE_WALL_SECONDS = 60
FIX = "请删除多余的行/列后在 Excel 中另存为 .xlsx 再上传；数据较多时请按月份或地区拆分成几个文件"


def parse_file(name: str, data: bytes, *, catalogue: Catalogue, regions: Regions,
               period: str | None = None, memory: int = MAX_PARSE_MEMORY) -> Parsed:
    """detect.parse_file, in a limited child process for an .xlsx; problems are collected, never raised.

    `memory` is the child's address-space limit in bytes (tests lower it)."""
    if not sheets.is_xlsx(data):
        return detect.parse_file(name, data, catalogue=catalogue, regions=regions, period=period)
    out, failure = _run(("parse", name, data, catalogue, regions, period, memory), memory)
    if failure is not None:
        return _failed(name, *failure)
    return out


def read_sheets(name: str, data: bytes, *, dates: str = "day",
                memory: int = MAX_PARSE_MEMORY) -> tuple[list[sheets.Sheet], str, list[Problem]]:
    """(sheets, encoding, problems): sheets.read of any upload (ledgers use it), an .xlsx checked by xlsx_guard
    and read in the same limited child process as parse_file. Problems are collected, never raised."""
    if not sheets.is_xlsx(data):
        return _read_book(name, data, dates)
    if refused := xlsx_guard.check(name, data):
        return [], "xlsx", refused
    out, failure = _run(("sheets", name, data, dates, memory), memory)
    if failure is not None:
        return [], "xlsx", [Problem(ERROR, failure[0], failure[1], FIX, name)]
    return out


def parse_upload(name: str, data: bytes, *, catalogue: Catalogue, regions: Regions, period: str | None,
                 kinds, memory: int = MAX_PARSE_MEMORY):
    """For an .xlsx of any upload, in one limited child process: (what it is, what was read) — recognised from its
    first rows (loaders/upload_kind.py), then either (None or statistics, detect.parse_file's Parsed) or (a ledger or
    units upload, its (sheets, encoding, problems) read with dates="day"). Problems are collected, never raised."""
    if refused := xlsx_guard.check(name, data):
        return None, Parsed(kind="observations", format="unknown", frame=empty_frame(), encoding="xlsx",
                            problems=refused)
    out, failure = _run(("upload", name, data, catalogue, regions, period, kinds, memory), memory)
    if failure is not None:
        return None, _failed(name, *failure)
    return out


def _upload(name: str, data: bytes, catalogue: Catalogue, regions: Regions, period: str | None, kinds):
    """The child's half of parse_upload."""
    from loaders import upload_kind

    try:
        heads, _ = sheets.read_heads(name, data, upload_kind.HEAD_ROWS)
    except sheets.FileFormatError:
        heads = []  # the statistics parser says what is wrong with the file
    what = upload_kind.of_book(heads, kinds)
    if what is None or what.family == upload_kind.STATISTICS:
        return what, detect.parse_file(name, data, catalogue=catalogue, regions=regions, period=period)
    return what, _read_book(name, data, "day")


def _read_book(name: str, data: bytes, dates: str) -> tuple[list[sheets.Sheet], str, list[Problem]]:
    try:
        book, encoding = sheets.read(name, data, dates)
    except sheets.FileFormatError as exc:
        return [], "", [Problem(ERROR, exc.code, str(exc), exc.fix, name)]
    return book, encoding, []


def _run(request: tuple, memory: int):
    """(result, None) from the child, or (None, (code, reason)) when it failed or ran out of its limits."""
    payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    try:
        done = subprocess.run([sys.executable, "-m", "loaders.isolated"], input=payload, capture_output=True,
                              timeout=MAX_PARSE_WALL_SECONDS, env=env, check=False)
    except subprocess.TimeoutExpired:
        return None, ("parse_timeout", f"读取工作簿超过 {MAX_PARSE_WALL_SECONDS} 秒仍未完成，已停止")
    if done.returncode == 0:
        return pickle.loads(done.stdout), None  # written by our own child below, never by the uploader
    if done.returncode in (-9, -24):  # SIGKILL / SIGXCPU: the CPU limit
        return None, ("parse_timeout", f"读取工作簿用时超过 {MAX_PARSE_CPU_SECONDS} 秒的上限，已停止")
    if done.returncode == 3 or b"MemoryError" in done.stderr:
        return None, ("parse_memory", f"读取工作簿所需内存超过 {memory // 1048576} MB 的上限，已停止")
    # Anything else the child died of is still this file's doing (the parser never raises on its own): the answer
    # to the bureau is that the workbook cannot be read, naming the cause for whoever reads the report.
    tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"退出码 {done.returncode}"]
    return None, ("unreadable", f"文件看起来是 .xlsx 但无法读取（{tail[0][:200]}）")


def _failed(name: str, code: str, reason: str) -> Parsed:
    return Parsed(kind="observations", format="unknown", frame=empty_frame(), encoding="xlsx",
                  problems=[Problem(ERROR, code, reason, FIX, name)])


def _child() -> None:
    request = pickle.loads(sys.stdin.buffer.read())
    what, memory = request[0], request[-1]
    import xml.etree.ElementTree  # noqa: F401  - what openpyxl imports lazily, loaded before the limit bites
    import xml.parsers.expat  # noqa: F401

    import openpyxl.reader.excel  # noqa: F401

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (MAX_PARSE_CPU_SECONDS, MAX_PARSE_CPU_SECONDS + 1))
    try:
        if what == "upload":
            _, name, data, catalogue, regions, period, kinds, _ = request
            result = _upload(name, data, catalogue, regions, period, kinds)
        elif what == "sheets":
            _, name, data, dates, _ = request
            result = _read_book(name, data, dates)
        else:
            _, name, data, catalogue, regions, period, _ = request
            result = detect.parse_file(name, data, catalogue=catalogue, regions=regions, period=period)
    except MemoryError:
        sys.stderr.write("MemoryError\n")
        sys.exit(3)
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _child()
