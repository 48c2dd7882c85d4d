"""`python -m loaders.demo_data`: regenerate data/demo/ and list each file with its rows and size."""

import time
from pathlib import Path

from loaders.cells import decode
from loaders.demo_data import DEMO_DIR, SEED, write


def row_count(path: Path) -> int:
    """Rows of a written file: data rows of a long CSV (after its header), else every line or sheet row."""
    if path.suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        try:
            return sum(ws.max_row for ws in wb.worksheets)
        finally:
            wb.close()
    lines = decode(path.read_bytes())[0].splitlines()
    return len(lines) - 1 if lines and lines[0].startswith("region_code,") else len(lines)


def main() -> None:
    start = time.perf_counter()
    written = write(DEMO_DIR)
    print(f"wrote {len(written)} files to {DEMO_DIR} in {time.perf_counter() - start:.1f} s (seed {SEED}):")
    for p in written:
        print(f"  {p.name:40s} {row_count(p):>7d} rows {p.stat().st_size / 1024:>9.1f} KiB")


if __name__ == "__main__":
    main()
