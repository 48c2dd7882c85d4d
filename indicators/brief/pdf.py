"""DOCX → PDF with LibreOffice headless: the same document, CJK fonts embedded (LibreOffice embeds what it uses).

Each call converts in its own temporary directory with its own LibreOffice user profile, so concurrent calls
(several requests, several workers) never share a profile lock; a timeout stops a hung soffice.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from indicators.brief.doc import RenderError

GONE_S = 5  # how long a stopped soffice may take to go before its directory is removed anyway
TIMEOUT_S = 120  # a 10-page brief converts in ~3–5 s; the first start of a fresh profile takes longest
INSTALL = "apt-get install libreoffice-writer-nogui fonts-noto-cjk"  # the Makefile's SYSTEM_PACKAGES have both
CANDIDATES = ("soffice", "libreoffice", "/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice")


class PdfError(RenderError):
    """The PDF could not be made: no LibreOffice, or it failed or timed out. The message says what to do."""


def soffice() -> str:
    """The path of LibreOffice's soffice (MONITOR_SOFFICE overrides), or a PdfError that says what to install."""
    override = os.environ.get("MONITOR_SOFFICE")
    for name in ((override,) if override else CANDIDATES):
        path = shutil.which(name)
        if path:
            return path
    raise PdfError(f"未找到 LibreOffice（soffice），无法生成 PDF：请安装 {INSTALL}（或 make 的 SYSTEM_PACKAGES）/ "
                   f"LibreOffice (soffice) not found, so no PDF can be made: run {INSTALL}"
                   + (f" (MONITOR_SOFFICE={override!r} is not an executable)" if override else ""))


def to_pdf(docx: bytes, timeout: float = TIMEOUT_S) -> bytes:
    """PDF bytes of a DOCX document."""
    exe = soffice()
    with tempfile.TemporaryDirectory(prefix="brief-pdf-", ignore_cleanup_errors=True) as tmp:
        work = Path(tmp)
        src = work / "brief.docx"
        src.write_bytes(docx)
        profile = (work / "profile").as_uri()
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
               "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work), str(src)]
        returncode, output = _run(cmd, work, timeout)
        out = work / "brief.pdf"
        if returncode != 0 or not out.exists() or out.stat().st_size == 0:
            detail = output.decode("utf-8", "replace").strip()[-500:]
            raise PdfError(f"LibreOffice 未能生成 PDF（退出码 {returncode}）：{detail or '无输出'}；请确认已安装 "
                           f"{INSTALL} / LibreOffice failed to convert the brief (exit {returncode}): "
                           f"{detail or 'no output'}; check that {INSTALL} is installed")
        return out.read_bytes()


def _run(cmd: list[str], work: Path, timeout: float) -> tuple[int, bytes]:
    """Run soffice in its own process group; on a timeout stop the whole group (soffice starts soffice.bin,
    which a plain kill of the launcher leaves running and writing into the work directory) and say so."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=work,
                            env={**os.environ, "HOME": str(work)}, start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as e:
        _stop_group(proc)
        raise PdfError(f"LibreOffice 转换 PDF 超时（{timeout:.0f} 秒）/ LibreOffice did not finish the PDF within "
                       f"{timeout:.0f} s") from e
    return proc.returncode, output


def _stop_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    deadline = time.monotonic() + GONE_S
    while time.monotonic() < deadline and _group_alive(proc.pid):
        time.sleep(0.05)


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs (zombies waiting for their parent do not count)."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # state, ppid, pgrp, ...
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False
