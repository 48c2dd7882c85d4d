"""write(): every demo file into a folder in load order (long files, revisions, 月报 sheets, month columns,
targets, the counties' types (模拟), then Longnan's ledgers, units, tasks and reports in 台账/), then the manifest and README."""

from pathlib import Path

from loaders.cells import period_label
from loaders.demo_data.constants import DEMO_DIR, EXAMPLE_END, FIRST_YEAR, SEED
from loaders.demo_data.county_types import write_types
from loaders.demo_data.frames import generate
from loaders.demo_data.ledger_items.files import write_ledgers
from loaders.demo_data.long_files import write_long
from loaders.demo_data.manifest import manifest_text, readme_text
from loaders.demo_data.month_columns import write_month_columns
from loaders.demo_data.monthly_report import (
    WIDE_CODES,
    WIDE_QUARTERLY,
    report_name,
    report_periods,
    write_report_csv,
    write_report_xlsx,
)
from loaders.demo_data.revisions import revision_periods
from loaders.demo_data.targets import target_years


def write(out_dir: Path = DEMO_DIR, seed: int = SEED, end: str = EXAMPLE_END) -> list[Path]:
    """Write every demo file through the end month and the manifest into out_dir; returns the paths in load
    order (then README)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = generate(seed, end)
    obs, cur, targets = frames["observations"], frames["current"], frames["targets"]
    files: list[tuple[Path, str, str, str]] = []  # (path, kind, format, description) in load order
    for year in range(FIRST_YEAR, int(end[:4]) + 1):
        part = obs[obs.period.str.startswith(f"{year}-")]
        files.append((write_long(part, out_dir / f"observations_{year}.csv"), "observations", "long_csv",
                      f"{year}年全省、市州、县区各指标累计值（长表）"))
    earlier, later = revision_periods(end)
    sheet, text = report_periods(end)
    quarterly = WIDE_QUARTERLY if int(sheet[5:7]) % 3 == 0 else ()
    year = int(text[:4])
    files += [
        (write_long(frames["revisions"], out_dir / f"revisions_{later}.csv"), "observations", "long_csv",
         f"{period_label(earlier)}、{period_label(later)}部分数值的更正重报（企业更正）"),
        (write_report_xlsx(cur, sheet, out_dir / report_name(sheet, ext="xlsx"), WIDE_CODES + quarterly),
         "observations", "wide_sheet",
         f"陇南市统计月报{period_label(sheet)}（宽表，合并单元格{'，含季度GDP和居民收入' if quarterly else ''}）"),
        (write_report_csv(cur, text, out_dir / report_name(text)), "observations", "wide_sheet",
         f"陇南市统计月报{period_label(text)}（宽表，GBK编码CSV）"),
        (write_month_columns(cur, year, end, out_dir / f"分月_{year}年_陇南市.xlsx"), "observations",
         "month_columns", f"陇南市{year}年分月表（每个指标一页，各月为列）"),
    ]
    for year in target_years(frames["world"]):
        files.append((write_long(targets[targets.year == year], out_dir / f"targets_{year}.csv"), "targets",
                      "long_targets", f"{year}年各县区、市州年度目标"))
    files += write_types(out_dir, int(end[:4]))
    files += write_ledgers(frames["ledger_items"], out_dir)
    manifest = out_dir / "manifest.toml"
    manifest.write_text(manifest_text(files, seed, end, out_dir), encoding="utf-8")
    readme = out_dir / "README.md"
    readme.write_text(readme_text(seed, end, frames["ledger_items"]), encoding="utf-8")
    return [*(path for path, *_ in files), manifest, readme]
