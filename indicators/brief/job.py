"""The 通报 as a file, made off the request path (loaders/jobs.py): the DOCX, and the PDF LibreOffice makes from it,
take seconds a web worker should spend answering leaders."""

from indicators import reading
from indicators.brief import content, render
from loaders import jobs
from loaders.store import Store


def brief_file(store: Store, *, month: str, scope: str, fmt: str, requirements: list[str] | None = None,
               upload_ids: list[int] | None = None) -> dict:
    """{"payload": the file's bytes, "data_state": the state it was made from, and what was asked: "month",
    "scope", "fmt", "edited"}; render.RenderError when the file cannot be made (the page shows its words).
    `upload_ids`: the state the page showed when it was asked (Store.pinned), None: the current state."""
    source = store.pinned(upload_ids) if upload_ids is not None else store
    brief = content.generate(reading.snapshot(source), month, scope, requirements=requirements)
    return {"payload": render.render(brief, fmt), "data_state": brief.params["data_state"], "month": month,
            "scope": scope, "fmt": fmt, "edited": bool(requirements)}


jobs.register("brief", f"{__name__}:brief_file")
