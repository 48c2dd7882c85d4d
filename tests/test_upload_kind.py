"""What an uploaded file is, from its headers (loaders/upload_kind.py): every template is recognised as its own
kind, whatever its name; no statistics file the loader accepts is taken for a ledger or a units upload; a file of
no known kind gets one error naming every template."""

import pytest

from loaders import ledger_kinds, ledger_templates, sheets, units, upload_kind
from loaders.demo import DEMO_DIR
from loaders.upload_kind import LEDGER, STATISTICS, UNITS, Recognised

FILES = DEMO_DIR.parent.parent / "tests" / "files"


def what(name: str, data: bytes) -> Recognised | None:
    book, _ = sheets.read_heads(name, data, upload_kind.HEAD_ROWS)
    return upload_kind.of_book(book, ledger_kinds.default())


@pytest.mark.parametrize("kind", [k.code for k in ledger_kinds.default()])
def test_each_ledger_template_is_its_own_kind_whatever_its_name(kind):
    assert what("统计月报.xlsx", ledger_templates.template_xlsx(kind)) == Recognised(LEDGER, kind)
    assert what("x.csv", ledger_templates.template_csv(kind)) == Recognised(LEDGER, kind)


@pytest.mark.parametrize("upload", upload_kind.UNIT_UPLOADS)
def test_each_units_template_is_its_own_kind(upload):
    assert what("台账.csv", units.template_csv(upload)) == Recognised(UNITS, upload)


def test_a_units_file_missing_one_column_is_still_a_units_file():
    assert what("u.csv", "单位类别,所属县区,别名\n乡镇街道,成县,抛沙\n".encode()) == Recognised(UNITS, units.UNITS)
    assert what("u.csv", "单位类别,所属县区\n乡镇街道,成县\n".encode()) is None  # two columns: not enough to say
    tasks = "年度,县区,单位名称,任务指标\n2026,成县,抛沙镇,到位资金\n".encode()
    assert what("t.csv", tasks) == Recognised(UNITS, units.TASKS)  # 任务值 missing: units.py says so


@pytest.mark.parametrize("path", sorted(p for p in [*DEMO_DIR.iterdir(), *FILES.iterdir()]
                                        if p.suffix in (".csv", ".xlsx")), ids=lambda p: p.name)
def test_no_statistics_file_is_taken_for_a_ledger_or_units(path):
    found = what(path.name, path.read_bytes())
    assert found is None or found.family == STATISTICS, found


def test_a_file_of_no_known_kind_gets_one_error_naming_every_template():
    assert what("x.csv", "姓名,年龄,电话\n张三,30,123\n".encode()) is None
    problem = upload_kind.unknown_problem("x.csv")
    for name in [k.name_zh for k in ledger_kinds.default()] + ["下辖单位名单", "单位年度任务", "单位上报记录", "统计月报宽表"]:
        assert name in problem.reason + problem.fix, name
    assert "下载对应的模板" in problem.fix
