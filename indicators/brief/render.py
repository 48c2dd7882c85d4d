"""One entry point for the 通报's files: render(brief, fmt) → bytes, with the MIME type and file suffix of each format."""

from __future__ import annotations

import json

from indicators.brief.doc import Brief, RenderError  # noqa: F401  (callers catch render.RenderError)

FORMATS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "pdf": ("application/pdf", ".pdf"),
    "json": ("application/json; charset=utf-8", ".json"),
}


def render(brief: Brief, fmt: str) -> bytes:
    """The brief as a DOCX, PDF (LibreOffice from the DOCX, so the same layout) or JSON document."""
    if fmt == "json":
        return json.dumps(brief.to_json(), ensure_ascii=False, indent=2).encode("utf-8")
    if fmt == "docx":
        from indicators.brief.docx_writer import to_docx  # python-docx and matplotlib load only when needed

        return to_docx(brief)
    if fmt == "pdf":
        from indicators.brief.docx_writer import to_docx
        from indicators.brief.pdf import to_pdf

        return to_pdf(to_docx(brief))
    raise ValueError(f"unknown brief format {fmt!r}; known formats are {', '.join(FORMATS)}")


def mime_type(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown brief format {fmt!r}; known formats are {', '.join(FORMATS)}")
    return FORMATS[fmt][0]


def suffix(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown brief format {fmt!r}; known formats are {', '.join(FORMATS)}")
    return FORMATS[fmt][1]
