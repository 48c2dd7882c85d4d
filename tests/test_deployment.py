"""A deployment outside Gansu: MONITOR_PROVINCE / MONITOR_CITY name the province and home city (Hunan, Changsha)."""

import pytest

from indicators import pipeline, tiles
from layouts import cockpit_view, i18n
from loaders import cli, demo, regions, users

HUNAN, CHANGSHA = "430000", "430100"
CHANGSHA_COUNTIES = ["430102", "430103", "430104", "430105", "430111", "430112", "430121", "430181", "430182"]


@pytest.fixture
def deploy(monkeypatch):
    """Set the deployment for one test; the settings are read on every call, so nothing needs clearing."""
    def set_to(province: str, city: str) -> regions.Regions:
        monkeypatch.setenv("MONITOR_PROVINCE", province)
        monkeypatch.setenv("MONITOR_CITY", city)
        return regions.default()
    return set_to


@pytest.fixture
def hunan(deploy):
    return deploy(HUNAN, CHANGSHA)


def test_the_default_deployment_is_gansu_and_longnan(monkeypatch):
    monkeypatch.delenv("MONITOR_PROVINCE", raising=False)
    monkeypatch.delenv("MONITOR_CITY", raising=False)
    here = regions.default()
    assert (here.province, here.home) == ("620000", "621200")
    assert len(here.of_level("county")) == 86


@pytest.mark.parametrize("name, code", [
    ("长沙市", CHANGSHA), ("岳麓区", "430104"), ("岳麓", "430104"), ("全 省", HUNAN), ("全省合计", HUNAN),
    ("湖南", HUNAN), ("621202", "621202"), ("武都区", None), ("武都", None), ("陇南市", None), ("长沙", None),
])
def test_names_resolve_within_hunan_and_codes_anywhere(hunan, name, code):
    assert hunan.resolve(name) == code


def test_changsha_resolves_on_a_sheet_of_prefectures_and_the_sheet_city_rows(hunan):
    assert hunan.resolve("长沙", level="prefecture") == CHANGSHA  # 长沙县 430121 shares the stem
    assert hunan.resolve("全市", CHANGSHA) == CHANGSHA and hunan.resolve("全区", CHANGSHA) == CHANGSHA
    assert hunan.resolve("长沙县", CHANGSHA) == "430121"


def test_comparison_sets_are_hunans(hunan):
    assert len(pipeline.units("province")) == 122
    assert pipeline.units("province") == sorted(r.code for r in hunan.of_level("county"))
    assert "620102" not in pipeline.units("province")
    assert len(pipeline.units("prefectures")) == 14
    assert pipeline.units(f"city:{CHANGSHA}") == CHANGSHA_COUNTIES
    with pytest.raises(pipeline.ScopeError, match=r"province（全省122个县区）\| city:430100（一个市州的县区）"
                                                  r"\| prefectures（14个市州）"):
        pipeline.units("city:621200")


def test_the_cockpit_opens_on_the_home_city(hunan):
    assert cockpit_view.home_prefecture(None) == CHANGSHA
    assert cockpit_view.home_prefecture("city:430600") == "430600"  # 岳阳市, a city of the province
    assert cockpit_view.home_prefecture("city:621200") == CHANGSHA  # 陇南 is not Hunan's


def test_texts_count_the_deployments_prefectures(deploy):
    deploy("150000", "150100")  # 内蒙古: 9 cities and 3 leagues
    assert i18n.t("scope_prefectures") == "12个市州"
    assert i18n.t("cockpit_pref_map", "en") == "Composite score of the 12 prefectures"
    deploy("620000", "621200")
    assert i18n.t("scope_prefectures") == "14个市州"


def test_inner_mongolia_whole_region_and_league_rows(deploy):
    here = deploy("150000", "152900")  # 阿拉善盟
    assert here.resolve("全区", "152900") == "150000"  # an autonomous region's 全区 is the region
    assert here.resolve("全盟", "152900") == "152900"
    assert here.resolve("全 盟", "152200") == "152200"  # the sheet's league (兴安盟)


def test_a_municipality_is_its_own_home_city(deploy):
    here = deploy("500000", "500000")
    assert len(here.counties_of("500000")) == 38 and here.of_level("prefecture") == []
    assert cockpit_view.home_prefecture(None) == "500000"
    assert here.resolve("全市", "500000") == "500000" and here.resolve("全区", "500000") is None


@pytest.mark.parametrize("province, city, message", [
    (HUNAN, "621200", "MONITOR_CITY='621200'（陇南市） 不是湖南省的市州（地级）代码；请改为本省的一个市州，"
                      "例：MONITOR_CITY=430100（长沙市）"),
    (HUNAN, "430104", "MONITOR_CITY='430104'（岳麓区） 不是湖南省的市州"),
    (HUNAN, "", "MONITOR_CITY='' 不是湖南省的市州"),
    ("999999", "430100", "MONITOR_PROVINCE='999999' 不是省级区划代码（6位，如 430000 湖南省、620000 甘肃省）；"
                         "请改为本省代码，例：MONITOR_PROVINCE=430000 MONITOR_CITY=430100"),
    ("430100", "430100", "MONITOR_PROVINCE='430100' 不是省级区划代码"),
])
def test_an_invalid_deployment_is_refused_with_an_example(deploy, province, city, message):
    with pytest.raises(regions.DeploymentError) as exc:
        deploy(province, city)
    assert str(exc.value).startswith(message)


def test_account_scopes_are_the_deployments(hunan):
    assert users.check_scope(("430104",)) == ("430104",)
    with pytest.raises(users.AccountError) as exc:
        users.check_scope(("621200",))
    assert str(exc.value) == ("范围“621200”不是本省的市州或县区代码（本省：湖南省）；例：430100（长沙市）或 430102（芙蓉区）")


def test_the_demo_is_refused_outside_gansu(hunan, capsys):
    with pytest.raises(demo.DemoRefused, match="演示数据是甘肃省（620000，陇南市 621200）的模拟数据，不能导入本部署"
                                               "（MONITOR_PROVINCE=430000，湖南省）"):
        demo.load(store=None)
    assert cli.main(["demo"]) == cli.EXIT_FAILED
    assert "去掉 MONITOR_PROVINCE / MONITOR_CITY" in capsys.readouterr().err


def test_a_city_without_a_hand_layout_gets_tiles_from_coordinates(hunan):
    """Longnan has the bureau's own arrangement; Changsha's tiles come from longitude and latitude."""
    counties = hunan.counties_of(CHANGSHA)
    cells = tiles.positions(counties, CHANGSHA)
    assert CHANGSHA not in tiles.FIXED_LAYOUTS and sorted(cells) == CHANGSHA_COUNTIES
    assert len(set(cells.values())) == 9  # one county per tile
    assert cells["430181"][1] == max(c for _, c in cells.values())  # 浏阳, the easternmost, in the last column
    assert cells["430105"][0] < cells["430103"][0]  # 开福 (north) above 天心 (south)
    assert cells["430112"][0] < cells["430103"][0]  # 望城 (north) above 天心


def test_the_demo_generator_builds_gansu_whatever_the_deployment(hunan):
    from loaders.demo_data import world

    built = world.build_world(seed=1)
    assert len(built.codes) == 101 and built.codes[0] == "620000" and "430100" not in built.codes
