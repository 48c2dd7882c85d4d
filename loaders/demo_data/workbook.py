"""Saving an openpyxl workbook with fixed timestamps, so the demo's xlsx files are byte-for-byte reproducible."""

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

FIXED_TIME = datetime(2026, 11, 23, 9, 0, 0)  # xlsx timestamps, so the bytes are reproducible


def save_workbook(wb, path: Path) -> None:
    """Save with fixed timestamps (document properties and zip entries) so the bytes are reproducible.

    openpyxl stamps the save time into docProps/core.xml whatever the properties say, so the archive
    is rewritten with that stamp and every entry's date fixed.
    """
    wb.properties.creator = "loaders.demo_data"
    wb.properties.created = FIXED_TIME
    raw = io.BytesIO()
    wb.save(raw)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>",
                              data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, data)
    path.write_bytes(out.getvalue())
