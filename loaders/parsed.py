"""What a parser hands to validation: canonical long rows plus the problems it met on the way."""

from dataclasses import dataclass, field

import pandas as pd

from loaders.problems import Problem

# Columns of Parsed.frame. `row` is the row number a person sees in the file (1-based, header
# included), `column` the header text of the cell the value came from.
OBS_COLUMNS = ["region_code", "period", "indicator", "measure", "value", "row", "column"]
# Cells a wide sheet printed as a word with a meaning (loaders/cells.py MARKS): 持平 (also a 0.0 row in the frame)
# and 没有上报报表 (no row in the frame). Stored beside the values (tables.observation_marks).
MARK_COLUMNS = ["region_code", "period", "indicator", "measure", "mark", "row", "column"]
TARGET_COLUMNS = ["region_code", "year", "period", "indicator", "kind", "value", "row", "column"]
TARGET_KINDS = ("growth", "level")
# Every file format a parser names (Parsed.format; a workbook with several sheets joins them with "+").
FORMATS = ("long_csv", "wide_sheet", "month_columns", "long_targets", "wide_targets")


@dataclass
class Parsed:
    kind: str  # observations | targets
    format: str  # one of FORMATS, or several joined with "+"
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    encoding: str = ""
    # Where the period came from when the file has no period column: "title", "option" (--period),
    # or "" when every row carries its own. A period taken from a title is shown for confirmation.
    period_source: str = ""
    notes: list[str] = field(default_factory=list)
    simulated: bool = False  # the file says its values are simulated (模拟数据)
    marks: pd.DataFrame = field(default_factory=lambda: empty_frame("marks"))


def empty_frame(kind: str = "observations") -> pd.DataFrame:
    """No rows, with the columns of `kind`: observations | targets | marks."""
    columns = {"observations": OBS_COLUMNS, "targets": TARGET_COLUMNS, "marks": MARK_COLUMNS}[kind]
    return pd.DataFrame(columns=columns)


def observation_frames(records: list[dict], period_of) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(values, marks) from sheet_layout.read_body's records; `period_of(record)` gives each one's period. A 持平
    cell is in both (value 0.0), a 没有上报报表 cell only in marks."""
    rows = [r | {"period": period_of(r), "measure": r["tag"]} for r in records]
    values = [r for r in rows if r["value"] is not None]
    marked = [r for r in rows if r.get("mark")]
    return (pd.DataFrame(values, columns=OBS_COLUMNS) if values else empty_frame(),
            pd.DataFrame(marked, columns=MARK_COLUMNS) if marked else empty_frame("marks"))
