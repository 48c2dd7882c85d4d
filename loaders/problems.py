"""Problems found in an input file: one record per (row, column, value, reason, fix)."""

from dataclasses import asdict, dataclass, replace

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell or row. `row` is the row number a person sees in Excel (1-based)."""

    severity: str
    code: str
    reason: str
    fix: str = ""
    file: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    # The fix as worded for the command line where it differs: `fix` speaks to the web form's fields
    # (“期间”, “更正原因”), `cli_fix` to the flags (--period, --note). Bureau staff never see a flag.
    cli_fix: str = ""

    def for_cli(self) -> "Problem":
        return replace(self, fix=self.cli_fix, cli_fix="") if self.cli_fix else self

    def message(self) -> str:
        where = [self.file] if self.file else []
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"“{self.column}”列")
        head = " ".join(where)
        val = f"值“{self.value}”：" if self.value != "" else ""
        fix = f"。处理办法：{self.fix}" if self.fix else ""
        return f"{head} {val}{self.reason}{fix}".strip()

    def as_dict(self) -> dict:
        return asdict(self) | {"message": self.message()}


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == ERROR]


def warnings(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == WARNING]


class InputError(Exception):
    """A file that cannot be loaded; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.message() for p in problems[:20]))
