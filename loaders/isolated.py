"""Parse an .xlsx in a child process with its own memory and time limits, so one hostile workbook cannot
starve the server's other requests (or the other gunicorn workers) of memory or CPU.

Children are forked from a multiprocessing fork server that has the parsers imported (a fork costs
milliseconds, and never copies the server's threads or database connections). The web upload and `python -m
loaders ingest` both reach it through loaders/ingest.py. A CSV is parsed in the calling process: its cost is
bounded by its own size (no decompression), while an .xlsx unzips to many times its size.
"""

from __future__ import annotations

import multiprocessing
import resource
import threading

from loaders import detect, sheets
from loaders.catalogue import Catalogue
from loaders.parsed import Parsed, empty_frame
from loaders.problems import ERROR, Problem
from loaders.regions import Regions

# Address space of the child: Python with pandas and openpyxl imported takes about 390 MB of it; parsing the
# largest workbook xlsx_guard lets through (128 MB unzipped) fits in the rest. A real 统计月报 needs ~150 MB.
MAX_PARSE_MEMORY = 1024 * 1024 * 1024
# CPU seconds for one parse: the demo's province-wide workbook takes under 1 s; 30 s is thirty times that.
MAX_PARSE_CPU_SECONDS = 30
# Wall-clock limit, for a child that waits instead of computing (a busy machine): twice the CPU limit.
MAX_PARSE_WALL_SECONDS = 60
FIX = "请删除多余的行/列后在 Excel 中另存为 .xlsx 再上传；数据较多时请按月份或地区拆分成几个文件"

_context = None
_context_lock = threading.Lock()


def _ctx():
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["loaders.detect", "loaders.isolated"])
            _context = ctx
        return _context


def parse_file(name: str, data: bytes, *, catalogue: Catalogue, regions: Regions,
               period: str | None = None) -> Parsed:
    """detect.parse_file, in a limited child process for an .xlsx; problems are collected, never raised."""
    if not sheets.is_xlsx(data):
        return detect.parse_file(name, data, catalogue=catalogue, regions=regions, period=period)
    ctx = _ctx()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, name, data, catalogue, regions, period), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(MAX_PARSE_WALL_SECONDS):
            child.kill()
            return _failed(name, "parse_timeout", f"读取工作簿超过 {MAX_PARSE_WALL_SECONDS} 秒仍未完成，已停止")
        try:
            outcome, value = receive.recv()
        except EOFError:  # killed: SIGXCPU or SIGKILL from the CPU limit
            outcome, value = "died", None
    finally:
        receive.close()
        child.join(5)
    if outcome == "ok":
        return value
    if outcome == "memory":
        return _failed(name, "parse_memory", f"读取工作簿所需内存超过 {MAX_PARSE_MEMORY // 1048576} MB 的上限，已停止")
    if outcome == "died" and child.exitcode in (-9, -24):
        return _failed(name, "parse_timeout", f"读取工作簿用时超过 {MAX_PARSE_CPU_SECONDS} 秒的上限，已停止")
    raise RuntimeError(f"xlsx parse child failed ({outcome}, exit code {child.exitcode}): {value}")


def _failed(name: str, code: str, reason: str) -> Parsed:
    return Parsed(kind="observations", format="unknown", frame=empty_frame(), encoding="xlsx",
                  problems=[Problem(ERROR, code, reason, FIX, name)])


def _child(send, name: str, data: bytes, catalogue: Catalogue, regions: Regions, period: str | None) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MAX_PARSE_MEMORY, MAX_PARSE_MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (MAX_PARSE_CPU_SECONDS, MAX_PARSE_CPU_SECONDS + 1))
    try:
        send.send(("ok", detect.parse_file(name, data, catalogue=catalogue, regions=regions, period=period)))
    except MemoryError:
        send.send(("memory", None))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it there
        send.send(("error", f"{exc.__class__.__name__}: {exc}"))
    finally:
        send.close()
