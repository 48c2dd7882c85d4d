"""The indicator catalogue is the single source of truth: it loads, it is complete, bad entries are named."""

import tomllib

import pytest

from loaders import catalogue
from loaders.catalogue import CatalogueError

REQUIRED_CODES = [
    "GDP", "IVA", "FAI", "RETAIL", "INVEST_IN", "GPBR", "TAX_SHARE", "URB_INC", "RUR_INC", "IND_REV",
    "IND_PROFIT", "IND_MARGIN", "SVC_REV", "ELEC", "ARREARS_OWED", "ARREARS_PAID", "ARREARS_RATE",
    "COMPLAINT_RECV", "COMPLAINT_DONE", "COMPLAINT_RATE", "NEW_SISHANG", "KEY_PROJ",
]


def raw():
    return tomllib.loads((catalogue.DATA_DIR / "indicators.toml").read_text(encoding="utf-8"))


def test_every_required_indicator_is_declared_with_names_unit_and_group():
    cat = catalogue.default()
    assert set(REQUIRED_CODES) <= set(cat.codes)
    for ind in cat:
        assert ind.name_zh and ind.name_en and ind.unit and ind.source and ind.description
        assert ind.group in cat.groups
        assert ind.name("en") == ind.name_en


@pytest.mark.parametrize("code, measures, first_period_month", [
    ("IVA", ("cum_yoy",), 2),          # growth only, 1–2月 first
    ("FAI", ("cum_yoy",), 2),
    ("RETAIL", ("cum_level", "cum_yoy"), 2),
    ("GPBR", ("cum_level", "cum_yoy"), 1),  # budget revenue includes January
    ("GDP", ("cum_level", "cum_yoy"), 3),   # quarterly
    ("TAX_SHARE", ("ratio",), 1),
    ("IND_MARGIN", (), 2),               # derived: never uploaded
])
def test_reporting_conventions(code, measures, first_period_month):
    ind = catalogue.default()[code]
    assert ind.measures == measures
    assert ind.months[0] == first_period_month


def test_derived_indicators_are_ratios_of_sums_of_uploaded_ones():
    cat = catalogue.default()
    assert (cat["IND_MARGIN"].numerator, cat["IND_MARGIN"].denominator) == ("IND_PROFIT", "IND_REV")
    assert (cat["ARREARS_RATE"].numerator, cat["ARREARS_RATE"].denominator) == ("ARREARS_PAID", "ARREARS_OWED")
    assert (cat["COMPLAINT_RATE"].numerator, cat["COMPLAINT_RATE"].denominator) == ("COMPLAINT_DONE", "COMPLAINT_RECV")


@pytest.mark.parametrize("name, code", [
    ("规模以上工业增加值", "IVA"), ("规上工业增加值增速", "IVA"), ("固定资产投资(不含农户)", "FAI"),
    ("固定资产投资（不含农户）增速", "FAI"), ("社会消费品零售总额(万元)", "RETAIL"), ("社零", "RETAIL"),
    ("一般公共预算收入", "GPBR"), ("城镇居民人均可支配收入(元)", "URB_INC"), ("招商引资到位资金", "INVEST_IN"),
    ("新增入统“四上”企业", "NEW_SISHANG"), ("fai", "FAI"), ("营业收入利润率", "IND_MARGIN"),
])
def test_sheet_names_resolve_to_codes(name, code):
    assert catalogue.default().resolve(name) == code


def test_unknown_name_does_not_resolve():
    assert catalogue.default().resolve("人均寿命") is None


def _broken(**changes):
    data = raw()
    entry = next(e for e in data["indicator"] if e["code"] == "IVA")
    for k, v in changes.items():
        if v is None:
            entry.pop(k)
        else:
            entry[k] = v
    return data


@pytest.mark.parametrize("changes, expected", [
    ({"group": "grwth"}, "indicator 'IVA': unknown group 'grwth'; declared groups are growth, industry"),
    ({"unit": None}, "indicator 'IVA': missing field 'unit'"),
    ({"value_type": "level_only"}, "indicator 'IVA': unknown value_type 'level_only'; use one of level_growth"),
    ({"direction": 2}, "indicator 'IVA': direction must be 1 (higher is better), -1 (lower is better) or 0"),
    ({"first_month": 4}, "indicator 'IVA': first_month must be 1 (January), 2 (1–2月) or 3"),
    ({"yoy_band": [5, 1]}, "indicator 'IVA': yoy_band must be [low, high] with low < high"),
    ({"yoy_swing": -5}, "indicator 'IVA': yoy_swing must be a positive number of percentage points"),
    ({"aliases": ["社零"]}, "indicator 'RETAIL': name or alias '社零' is also used by 'IVA'"),
    ({"colour": "red"}, "indicator 'IVA': unknown field(s) colour"),
])
def test_bad_entries_are_named_with_the_field_and_fix(changes, expected):
    with pytest.raises(CatalogueError) as exc:
        catalogue.parse(_broken(**changes))
    assert any(m.startswith(expected) for m in exc.value.messages), exc.value.messages


def test_derived_indicator_must_reference_uploaded_indicators():
    data = raw()
    margin = next(e for e in data["indicator"] if e["code"] == "IND_MARGIN")
    margin["numerator"] = "PROFITS"
    with pytest.raises(CatalogueError, match="numerator 'PROFITS' is not in the catalogue"):
        catalogue.parse(data)


def test_all_problems_are_reported_at_once():
    data = _broken(group="grwth", direction=5)
    with pytest.raises(CatalogueError) as exc:
        catalogue.parse(data)
    assert len(exc.value.messages) >= 2
