"""`python -m loaders.demo_data [--end YYYY-MM] [--out DIR]`: regenerate the demo files and list each with its
rows and size (default: data/demo/, the committed examples through EXAMPLE_END)."""

import argparse
import time
from pathlib import Path

from loaders.cells import decode
from loaders.demo_data import DEMO_DIR, EXAMPLE_END, SEED, write


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


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m loaders.demo_data", description="重新生成演示用模拟数据文件",
                                 epilog="例：python -m loaders.demo_data --end 2027-04 --out /tmp/demo_2027-04")
    ap.add_argument("--end", default=EXAMPLE_END, help=f"最后一个月份 YYYY-MM（默认 {EXAMPLE_END}）")
    ap.add_argument("--out", type=Path, help="输出目录（默认 data/demo/，只用于默认月份）")
    args = ap.parse_args(argv)
    out = args.out or (DEMO_DIR if args.end == EXAMPLE_END else None)
    if out is None:
        ap.error("另一个截止月份请用 --out 指定目录：data/demo/ 保存的是截至默认月份的样例")
    start = time.perf_counter()
    written = write(out, end=args.end)
    print(f"wrote {len(written)} files to {out} in {time.perf_counter() - start:.1f} s (seed {SEED}, end {args.end}):")
    for p in written:
        print(f"  {p.name:40s} {row_count(p):>7d} rows {p.stat().st_size / 1024:>9.1f} KiB")


if __name__ == "__main__":
    main()
