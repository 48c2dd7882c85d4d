"""The 台账 page in chromium at laptop (1366 px) and phone (390 px) width: open a ledger, drill into a county, switch
the ranking cadence; screenshots under /tmp/shots/ledger_*.png to look at."""

import time
from pathlib import Path

import pytest
from dash import _callback
from selenium.webdriver.common.by import By
from test_page_ledger import ARREARS, INVESTMENT, TARGETS, TASKS, TODAY, UNITS, _ok
from ui_helpers import PHONE_FITS, login_as

from layouts import ids
from loaders import units
from loaders.ingest import ingest
from loaders.ledger_ingest import ingest_ledger
from loaders.store import Store

SHOTS = Path("/tmp/shots")
LIXIAN = "621226"
# A week earlier 城关镇 had 200 in place: the weekly ranking has a previous period, the half-monthly one not.
INVESTMENT_1023 = INVESTMENT.replace("城关镇,2026-03-01,5000,600", "城关镇,2026-03-01,5000,200")


@pytest.fixture
def keep_callbacks():
    """Leave Dash's global callback registry as found (see tests/test_page_county.py)."""
    saved = list(_callback.GLOBAL_CALLBACK_LIST), dict(_callback.GLOBAL_CALLBACK_MAP)
    yield
    _callback.GLOBAL_CALLBACK_LIST[:] = saved[0]
    _callback.GLOBAL_CALLBACK_MAP.clear()
    _callback.GLOBAL_CALLBACK_MAP.update(saved[1])


@pytest.fixture
def ledger_store(tmp_path):
    s = Store(f"duckdb:///{tmp_path / 'browser.duckdb'}")
    s.create_schema()
    for text, day in ((INVESTMENT_1023, "2026-10-23"), (INVESTMENT, "2026-10-31")):
        _ok(ingest_ledger(text.encode(), s, kind="investment", as_of=day, name=f"investment-{day}.csv", today=TODAY,
                          note="补报（测试）"))
    _ok(ingest_ledger(ARREARS.encode(), s, kind="arrears", as_of="2026-10-31", name="arrears.csv", today=TODAY,
                      note="补报（测试）"))
    _ok(ingest(TARGETS.encode(), s, name="targets.csv", today=TODAY))
    _ok(units.ingest_units(UNITS.encode(), s, name="units.csv", today=TODAY))
    _ok(units.ingest_tasks(TASKS.encode(), s, name="tasks.csv", today=TODAY))
    yield s
    s.dispose()


OFFENDERS = """return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right
    > window.innerWidth + 1 && !e.closest('.ag-root-wrapper')).slice(0, 8).map(e => e.tagName + '.' + e.className
    + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))"""


def fits(driver) -> None:
    assert driver.execute_script(PHONE_FITS), driver.execute_script(OFFENDERS)


def shoot(driver, name: str, width: int) -> Path:
    driver.set_window_size(width, 1000)
    time.sleep(1)
    driver.set_window_size(width, driver.execute_script("return document.documentElement.scrollHeight") + 20)
    time.sleep(1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"ledger_{name}_{width}.png"
    driver.save_screenshot(str(path))
    return path


@pytest.mark.browser
def test_ledger_page_drill_down_and_cadence_in_chromium(keep_callbacks, dash_duo, ledger_store):
    login_as(dash_duo, ledger_store)
    driver = dash_duo.driver
    driver.set_window_size(1366, 1000)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/ledger/investment?date=2026-10-31", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.LEDGER_TOTALS}", "省外到位资金", timeout=30)
    dash_duo.wait_for_element(f"#{ids.LEDGER_COUNTIES} .ag-row", timeout=30)
    shoot(driver, "investment", 1366)

    link = dash_duo.wait_for_element(f"#{ids.LEDGER_COUNTIES} a[href*='county={LIXIAN}']", timeout=30)
    link.click()
    dash_duo.wait_for_element(f"#{ids.LEDGER_ITEMS} .ag-row", timeout=30)
    assert f"county={LIXIAN}" in driver.current_url and "date=2026-10-31" in driver.current_url
    dash_duo.wait_for_contains_text(f"#{ids.LEDGER_UNITS}", "无上期可比", timeout=30)  # half-monthly: one period
    driver.find_element(By.XPATH, f"//*[@id='{ids.LEDGER_CADENCE}']//label[contains(., '一周一通报')]").click()
    dash_duo.wait_for_contains_text(f"#{ids.LEDGER_UNITS}", "较上期（截至2026-10-23）", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.LEDGER_UNITS_GRID}", "+400.0", timeout=30)  # 城关镇: 200 → 600
    assert "未上报" in dash_duo.find_element(f"#{ids.LEDGER_NOT_REPORTED}").text
    assert "石桥镇" in dash_duo.find_element(f"#{ids.LEDGER_NOT_REPORTED}").text
    shoot(driver, "investment_lixian", 1366)
    shoot(driver, "investment_lixian", 390)
    fits(driver)

    driver.set_window_size(1366, 1000)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/ledger/arrears?date=2026-10-31&lang=en", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.LEDGER_TOTALS}", "Repayment rate (undisputed)", timeout=30)
    shoot(driver, "arrears_en", 1366)
    shoot(driver, "arrears_en", 390)
    fits(driver)
    # printed: the date select gives way to the date itself (assets/print.js sets html.printing)
    driver.set_window_size(1366, 1000)
    driver.execute_script("document.documentElement.classList.add('printing')")
    assert dash_duo.find_element(".ledger-print-only").is_displayed()
    shoot(driver, "arrears_print", 1366)
    assert [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"] == []
