"""排名 in chromium as a leader uses it (issue #13): pick a county type in the filter, see that type's ranking with
the type in the URL, and the three honour lists with what they were computed from; screenshots under
/tmp/shots/rankings_*.png to look at."""

import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from ui_helpers import PHONE_FITS, login_as

from layouts import ids

SHOTS = Path("/tmp/shots")
QUARTER = "2026Q3"


def shoot(driver, name: str, width: int) -> None:
    driver.set_window_size(width, 1000)
    time.sleep(1)
    driver.set_window_size(width, driver.execute_script("return document.documentElement.scrollHeight") + 20)
    time.sleep(1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"rankings_{name}_{width}.png"))


def grid_column(driver, field: str) -> list[str]:
    """The cells of one grid column in row order (the grid draws every row: autoHeight)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).sort((a, b) => a.getBoundingClientRect().top"
        " - b.getBoundingClientRect().top).map(e => e.innerText.trim())",
        f"#{ids.RANK_GRID} .ag-center-cols-container .ag-cell[col-id='{field}'], "
        f"#{ids.RANK_GRID} .ag-pinned-left-cols-container .ag-cell[col-id='{field}']")


@pytest.mark.browser
def test_a_leader_picks_a_type_and_sees_its_ranking_and_the_honour_lists(dash_duo, demo_store):
    from indicators import reading
    from layouts import data

    data.use_store(demo_store)
    aq = reading.assessment(data.snap(), QUARTER, "province")
    table = aq.assessment.table
    mine = table[table["group"] == "agriculture"].sort_values(["group_rank", "unit"])
    from loaders import regions

    expected = [regions.default()[u].name for u in mine["unit"]]

    login_as(dash_duo, demo_store)
    driver = dash_duo.driver
    driver.set_window_size(1366, 1000)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/rankings?period={QUARTER}", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.RANK_HONOURS}", "强县", timeout=60)
    card = dash_duo.find_element(f"#{ids.RANK_HONOURS}").text
    for head in ("强县（综合排名前10）", "先进县（每个类型前2）", "进步县（较上年同期进步最多的10个）"):
        assert head in card, head
    assert "2026年三季度 · 全省86个县区（同一套得分） · 数据状态" in card and "模拟数据" in card
    assert "进步县按全省名次较2025年三季度前进的位数排序" in card
    assert "按县域类型排名" in dash_duo.find_element(".rank-type-filter").text
    shoot(driver, "province", 1366)

    driver.set_window_size(1366, 1000)
    driver.find_element(By.XPATH, f"//*[@id='{ids.RANK_GROUP}']//label[contains(., '农业优先型')]").click()
    dash_duo.wait_for_contains_text("h4", "农业优先型", timeout=30)
    assert "group=agriculture" in driver.current_url and f"period={QUARTER}" in driver.current_url
    dash_duo.wait_for_text_to_equal(f"#{ids.RANK_GRID} .ag-header-cell[col-id='group_rank'] .ag-header-cell-text",
                                    "类型内名次", timeout=30)
    assert grid_column(driver, "region") == expected  # that type's counties, by their rank within the type
    assert grid_column(driver, "group_rank")[:3] == ["1", "2", "3"]
    assert f"农业优先型：{len(expected)}个县区在本类型内单独标准化" in driver.find_element(By.TAG_NAME, "body").text
    shoot(driver, "agriculture", 1366)
    shoot(driver, "agriculture", 390)
    assert driver.execute_script(PHONE_FITS)  # the filter's segments wrap instead of running off the screen

    # 全部 takes the type out of the URL and brings the province's ranking back
    driver.set_window_size(1366, 1000)
    driver.find_element(By.XPATH, f"//*[@id='{ids.RANK_GROUP}']//label[contains(., '全部')]").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.RANK_GRID} .ag-header-cell[col-id='rank'] .ag-header-cell-text",
                                    "名次", timeout=30)
    assert "group=" not in driver.current_url
    assert len(grid_column(driver, "region")) == 86
    assert [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"] == []
