"""What a parser hands to validation: canonical long rows plus the problems it met on the way."""

from dataclasses import dataclass, field

import pandas as pd

from loaders.problems import Problem

# Columns of Parsed.frame. `row` is the row number a person sees in the file (1-based, header
# included), `column` the header text of the cell the value came from.
OBS_COLUMNS = ["region_code", "period", "indicator", "measure", "value", "row", "column"]
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


def empty_frame(kind: str = "observations") -> pd.DataFrame:
    return pd.DataFrame(columns=OBS_COLUMNS if kind == "observations" else TARGET_COLUMNS)
