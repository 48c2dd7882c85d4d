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
                                        if p.suffix in (".csv", ".xlsx") and not p.name.startswith("县域类型_")),
                         ids=lambda p: p.name)
def test_no_statistics_file_is_taken_for_a_ledger_or_units(path):
    found = what(path.name, path.read_bytes())
    assert found is None or found.family == STATISTICS, found


def test_the_demo_county_types_are_a_types_upload():
    (path,) = DEMO_DIR.glob("县域类型_*.csv")
    assert what(path.name, path.read_bytes()) == Recognised(UNITS, upload_kind.unit_headers.TYPES)


def test_a_file_of_no_known_kind_gets_one_error_naming_every_template():
    assert what("x.csv", "姓名,年龄,电话\n张三,30,123\n".encode()) is None
    problem = upload_kind.unknown_problem("x.csv")
    for name in [k.name_zh for k in ledger_kinds.default()] + ["下辖单位名单", "单位年度任务", "单位上报记录", "县域类型",
                                                         "加减分及否决事项", "统计月报宽表"]:
        assert name in problem.reason + problem.fix, name
    assert "下载对应的模板" in problem.fix


def test_loaders_ingest_recognises_a_ledger_and_takes_its_date_from_as_of(tmp_path, capsys):
    from loaders.cli import main

    db = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    text = ledger_templates.template_csv("arrears").decode("utf-8-sig").splitlines()
    text.append("1,礼县,LX-1,县交通局,乙公司,80,无分歧,20,2026-12-31,交办,企业投诉,")
    path = tmp_path / "ledger.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    assert main(["ingest", str(path), "--db", db]) == 2  # the title's date is blank
    assert "未注明台账的截至日期" in capsys.readouterr().out
    assert main(["ingest", str(path), "--db", db, "--as-of", "2026-11-20", "--user", "张三"]) == 0
    out = capsys.readouterr().out
    assert "已导入" in out and "清欠台账" in out and "截至 2026-11-20" in out
