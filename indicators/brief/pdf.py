"""DOCX → PDF with LibreOffice headless: the same document, CJK fonts embedded (LibreOffice embeds what it uses).

Each call converts in its own temporary directory with its own LibreOffice user profile, so concurrent calls
(several requests, several workers) never share a profile lock; a timeout stops a hung soffice.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from indicators.brief.doc import RenderError

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
    with tempfile.TemporaryDirectory(prefix="brief-pdf-") as tmp:
        work = Path(tmp)
        src = work / "brief.docx"
        src.write_bytes(docx)
        profile = (work / "profile").as_uri()
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
               "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work), str(src)]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout, cwd=work,
                                  env={**os.environ, "HOME": str(work)})
        except subprocess.TimeoutExpired as e:
            raise PdfError(f"LibreOffice 转换 PDF 超时（{timeout:.0f} 秒）/ LibreOffice did not finish the PDF within "
                           f"{timeout:.0f} s") from e
        out = work / "brief.pdf"
        if done.returncode != 0 or not out.exists() or out.stat().st_size == 0:
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-500:]
            raise PdfError(f"LibreOffice 未能生成 PDF（退出码 {done.returncode}）：{detail or '无输出'}；请确认已安装 "
                           f"{INSTALL} / LibreOffice failed to convert the brief (exit {done.returncode}): "
                           f"{detail or 'no output'}; check that {INSTALL} is installed")
        return out.read_bytes()
