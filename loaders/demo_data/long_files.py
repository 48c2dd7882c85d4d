"""Writer of the long files (observations, revisions, targets): UTF-8 CSV, LF line ends, values as published."""

from pathlib import Path

import pandas as pd

from loaders.demo_data.observations import decimals


def write_long(frame: pd.DataFrame, path: Path) -> Path:
    """One long file: each value with its unit's decimals (none for 元 / 家 / 件 levels), no float noise."""
    text = [f"{v:.{decimals(u)}f}" for v, u in zip(frame.value, frame.unit, strict=True)]
    frame.assign(value=text).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path
