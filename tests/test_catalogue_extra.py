"""The instance catalogue (MONITOR_CATALOGUE_EXTRA): a province's own indicators and names, without code."""

import pytest

from loaders import catalogue, regions, sheets, wide_sheet
from loaders.ingest import ingest
from loaders.problems import ERROR

ALIAS = '[[alias]]\ncode = "IVA"\naliases = ["规模工业增加值"]\n'
TOURISM = """
[groups]
tourism = { zh = "文旅", en = "Tourism" }

[[indicator]]
code = "TOURISM_REV"
name_zh = "旅游综合收入"
name_en = "Tourism revenue"
aliases = ["旅游收入"]
unit = "万元"
frequency = "quarterly"
first_month = 3
value_type = "level_growth"
direction = 1
group = "tourism"
source = "文化和旅游局"
description = "季度累计。"
"""
# A Hunan-style sheet that writes 规模工业增加值 for 规模以上工业增加值 (real-tables.md).
SHEET = """2024年1-6月陇南市各县区主要经济指标
县区,规模工业增加值,,营商环境满意度
,增速（%）,位次,绝对额
全市,6.1,—,88
武都区,7.2,1,90
成县,5.4,2,86
"""


@pytest.fixture
def extra(tmp_path, monkeypatch):
    """Write an instance catalogue and point MONITOR_CATALOGUE_EXTRA at it; returns its path."""
    def write(text: str, name: str = "湖南指标.toml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("MONITOR_CATALOGUE_EXTRA", str(path))
        return path
    return write


def parse_sheet(text: str):
    [sheet], encoding = sheets.read("月报.csv", text.encode("utf-8"))
    return wide_sheet.parse(sheet, file="月报.csv", catalogue=catalogue.default(), regions=regions.default(),
                            encoding=encoding)


def test_an_alias_resolves_to_the_existing_indicator_under_the_file(extra, monkeypatch):
    monkeypatch.delenv("MONITOR_CATALOGUE_EXTRA", raising=False)
    assert catalogue.default().resolve("规模工业增加值") is None
    extra(ALIAS)
    cat = catalogue.default()
    assert cat.resolve("规模工业增加值") == "IVA" and cat.resolve("规上工业增加值") == "IVA"
    assert cat["IVA"].aliases[-1] == "规模工业增加值" and cat["IVA"].name_zh == "规模以上工业增加值"


def test_an_extra_indicator_and_group_join_the_catalogue(extra):
    extra(TOURISM)
    cat = catalogue.default()
    assert cat.resolve("旅游收入") == "TOURISM_REV" and cat["TOURISM_REV"].group == "tourism"
    assert cat.groups["tourism"]["zh"] == "文旅" and "GDP" in cat


@pytest.mark.parametrize("text, message", [
    (TOURISM.replace("TOURISM_REV", "IVA").replace("旅游综合收入", "X").replace('"旅游收入"', '"Y"'),
     "{path}: indicator 'IVA': code declared twice; each code must be unique (it is in indicators.toml; to give it "
     'more names use [[alias]] code = "IVA" aliases = ["…"] instead)'),
    ('[[alias]]\ncode = "IVX"\naliases = ["规模工业增加值"]\n',
     "{path}: alias 'IVX': no indicator has code 'IVX'; use one of GDP, IVA"),
    ('[[alias]]\ncode = "IVA"\nnames = ["规模工业增加值"]\n',
     '{path}: alias \'IVA\': an [[alias]] entry has exactly code and aliases, e.g. [[alias]] code = "IVA" aliases = '
     '["规模工业增加值"]; got code, names'),
    ('[[alias]]\ncode = "IVA"\naliases = ["社零"]\n',
     "{path}: alias 'IVA': '社零' is already a name of 'RETAIL' (社会消费品零售总额); remove it here, or use another name"),
    (TOURISM.replace('group = "tourism"', 'group = "tourist"'),
     "{path}: indicator 'TOURISM_REV': unknown group 'tourist'; declared groups are growth, industry"),
    ('[[aliases]]\ncode = "IVA"\naliases = ["规模工业增加值"]\n',
     "{path}: unknown table 'aliases'; an instance catalogue has groups, indicator, alias"),
    ('[groups]\ngrowth = { zh = "增长", en = "Growth" }\n',
     "{path}: group 'growth' is already declared in indicators.toml; use it without redeclaring"),
])
def test_errors_name_the_file_the_entry_and_the_fix(extra, text, message):
    path = extra(text)
    with pytest.raises(catalogue.CatalogueError) as exc:
        catalogue.default()
    assert any(m.startswith(message.format(path=path)) for m in exc.value.messages), exc.value.messages


def test_a_missing_extra_file_says_which_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("MONITOR_CATALOGUE_EXTRA", str(tmp_path / "none.toml"))
    with pytest.raises(catalogue.CatalogueError, match="none.toml: no such file; check MONITOR_CATALOGUE_EXTRA"):
        catalogue.default()


def test_the_catalogue_sha256_covers_the_extra_file(extra, monkeypatch):
    monkeypatch.delenv("MONITOR_CATALOGUE_EXTRA", raising=False)
    alone = catalogue.sha256()
    extra(ALIAS, "a.toml")
    with_alias = catalogue.sha256()
    extra(ALIAS + "\n# another province\n", "b.toml")
    assert len({alone, with_alias, catalogue.sha256()}) == 3


def test_a_sheet_column_reads_through_the_extra_alias(extra):
    extra(ALIAS)
    p = parse_sheet(SHEET)
    iva = p.frame[p.frame["indicator"] == "IVA"].set_index("region_code")["value"].to_dict()
    assert iva == {"621200": 6.1, "621202": 7.2, "621221": 5.4}


def test_an_unknown_column_says_where_the_instance_catalogue_is(extra):
    path = extra(ALIAS)
    [e] = [q for q in parse_sheet(SHEET).problems if q.severity == ERROR]
    assert (e.code, e.value) == ("unknown_indicator", "营商环境满意度")
    assert (f"若是已有指标的另一种写法或本省自有指标，请加入实例指标目录 {path}（MONITOR_CATALOGUE_EXTRA）："
            '别名写 [[alias]] code = "IVA" aliases = ["营商环境满意度"]') in e.fix


def test_an_unknown_column_says_how_to_set_up_an_instance_catalogue(monkeypatch):
    monkeypatch.delenv("MONITOR_CATALOGUE_EXTRA", raising=False)
    sheet = SHEET.replace("营商环境满意度", "社会消费品零售总额")
    errors = [q for q in parse_sheet(sheet).problems if q.severity == ERROR]
    assert [e.value for e in errors] == ["规模工业增加值"]
    assert errors[0].fix.endswith(
        "请加入指标目录：MONITOR_CATALOGUE_EXTRA 未设置，新建一个 TOML 文件（别名写 [[alias]] code = \"IVA\" "
        "aliases = [\"规模工业增加值\"]，新指标写 [[indicator]]，字段同 data/indicators.toml），"
        "把环境变量 MONITOR_CATALOGUE_EXTRA 设为该文件的路径后重启平台")


def test_a_file_whose_columns_are_all_unknown_says_so_too(monkeypatch, store, tmp_path):
    monkeypatch.delenv("MONITOR_CATALOGUE_EXTRA", raising=False)
    path = tmp_path / "2024年1-6月陇南市主要指标.csv"
    path.write_text(SHEET, encoding="utf-8")
    [e] = ingest(path, store).errors
    assert e.code == "unknown_format" and "MONITOR_CATALOGUE_EXTRA 未设置，新建一个 TOML 文件" in e.fix


def test_an_upload_stores_the_aliased_column_as_its_indicator(extra, store, tmp_path):
    extra(ALIAS)
    path = tmp_path / "2024年1-6月陇南市主要指标.csv"
    path.write_text(SHEET.replace(",营商环境满意度", ",").replace(",绝对额", ",").replace(",88", ",")
                    .replace(",90", ",").replace(",86", ","), encoding="utf-8")
    report = ingest(path, store)
    assert report.ok, [p.message() for p in report.errors]
    got = store.observations(indicators=["IVA"]).set_index("region_code")["value"].to_dict()
    assert got == {"621200": 6.1, "621202": 7.2, "621221": 5.4}
