"""write(): every demo file into a folder in load order (long files, revisions, 月报 sheets, month columns,
targets), then the manifest and README."""

from pathlib import Path

from loaders.demo_data.constants import DEMO_DIR, FIRST_YEAR, LAST_YEAR, SEED, TARGET_YEARS
from loaders.demo_data.frames import generate
from loaders.demo_data.long_files import write_long
from loaders.demo_data.manifest import manifest_text, readme_text
from loaders.demo_data.month_columns import write_month_columns
from loaders.demo_data.monthly_report import report_name, write_report_csv, write_report_xlsx


def write(out_dir: Path = DEMO_DIR, seed: int = SEED) -> list[Path]:
    """Write every demo file and the manifest into out_dir; returns the paths in load order (then README)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = generate(seed)
    obs, cur, targets = frames["observations"], frames["current"], frames["targets"]
    files: list[tuple[Path, str, str, str]] = []  # (path, kind, format, description) in load order
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        part = obs[obs.period.str.startswith(f"{year}-")]
        files.append((write_long(part, out_dir / f"observations_{year}.csv"), "observations", "long_csv",
                      f"{year}年全省、市州、县区各指标累计值（长表）"))
    files += [
        (write_long(frames["revisions"], out_dir / "revisions_2026-09.csv"), "observations", "long_csv",
         "2026年8—9月部分数值的更正重报（企业更正）"),
        (write_report_xlsx(cur, "2026-09", out_dir / report_name("2026-09", ext="xlsx")), "observations",
         "wide_sheet", "陇南市统计月报2026年1-9月（宽表，合并单元格，含季度GDP和居民收入）"),
        (write_report_csv(cur, "2026-10", out_dir / report_name("2026-10")), "observations", "wide_sheet",
         "陇南市统计月报2026年1-10月（宽表，GBK编码CSV）"),
        (write_month_columns(cur, LAST_YEAR, out_dir / f"分月_{LAST_YEAR}年_陇南市.xlsx"), "observations",
         "month_columns", "陇南市2026年分月表（每个指标一页，各月为列）"),
    ]
    for year in TARGET_YEARS:
        files.append((write_long(targets[targets.year == year], out_dir / f"targets_{year}.csv"), "targets",
                      "long_targets", f"{year}年各县区、市州年度目标"))
    manifest = out_dir / "manifest.toml"
    manifest.write_text(manifest_text(files, seed), encoding="utf-8")
    readme = out_dir / "README.md"
    readme.write_text(readme_text(seed), encoding="utf-8")
    return [*(path for path, *_ in files), manifest, readme]
