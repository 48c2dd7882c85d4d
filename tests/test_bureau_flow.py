"""The bureau's month in a real browser: log in as the uploader, drop the GBK 统计月报 sheet for a month the store
does not have yet, read the preview, commit, see the ranking change, roll the upload back, see it restored — and a
leader who finds no way to the upload page."""

import time
from pathlib import Path

import pandas as pd
import pytest
from selenium.webdriver.common.by import By
from ui_helpers import login_as, login_form

from layouts import ids
from loaders import audit, demo
from loaders.demo_data.monthly_report import WIDE_CODES, report_name, write_report_csv
from loaders.ingest import ingest
from loaders.store import Store

OUTPUT = Path(__file__).resolve().parent / "output"
LONGNAN = "621200"
NEW_MONTH = "2026-09"
RANKINGS = f"/rankings?period=2026Q3&scope=city%3A{LONGNAN}"
# Files that carry Longnan's September figures besides the long file (they would make the month not new).
LATER_FILES = ("revisions_2026-09.csv", "月报_2026年1-9月_陇南市.xlsx", "分月_2026年_陇南市.xlsx")


@pytest.fixture
def month_missing(tmp_path, demo_store):
    """The demo province without Longnan's 1-9月 月报 figures, and that 月报 as the bureau receives it (GBK CSV)."""
    from loaders import regions as regions_mod

    counties = {c.code for c in regions_mod.default().counties_of(LONGNAN)} | {LONGNAN}
    store = Store(f"duckdb:///{tmp_path / 'flow.duckdb'}")
    store.create_schema()
    for entry in demo.manifest():
        if entry["kind"] not in ("observations", "targets"):
            continue  # the statistics only: the ledgers' roll-ups would fill the 1-9月 INVEST_IN this flow uploads
        path = demo.DEMO_DIR / entry["path"]
        if entry["path"] in LATER_FILES:
            continue
        if entry["path"] == "observations_2026.csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            drop = frame["region_code"].isin(counties) & (frame["period"] == NEW_MONTH) & \
                frame["indicator"].isin(WIDE_CODES)
            path = tmp_path / entry["path"]
            frame[~drop].to_csv(path, index=False)
        assert ingest(path, store, user="demo", simulated=True, note="模拟数据（演示）").ok, path
    sheet = write_report_csv(demo_store.export(period=NEW_MONTH), NEW_MONTH, tmp_path / report_name(NEW_MONTH))
    yield store, sheet
    store.dispose()


def _grid_text(dash_duo) -> str:
    dash_duo.wait_for_contains_text(f"#{ids.RANK_GRID}", "两当县", timeout=40)
    time.sleep(0.5)  # the grid draws its rows in one go; give it a frame
    return dash_duo.find_element(f"#{ids.RANK_GRID}").text


def _open(dash_duo, path):
    dash_duo.driver.get(f"{dash_duo.server_url}{path}")


@pytest.mark.browser
def test_upload_preview_commit_ranking_rollback_restored(dash_duo, month_missing):
    store, sheet = month_missing
    OUTPUT.mkdir(exist_ok=True)
    login_as(dash_duo, store, "bureau")
    dash_duo.driver.set_window_size(1440, 1500)
    _open(dash_duo, RANKINGS)
    before = _grid_text(dash_duo)

    state = store.data_state()
    _open(dash_duo, "/upload")
    dash_duo.wait_for_element(f"#{ids.UPLOAD_DROP} input[type=file]", timeout=30).send_keys(str(sheet))
    dash_duo.wait_for_contains_text(f"#{ids.UPLOAD_PREVIEW}", "可以写入", timeout=60)
    preview = dash_duo.find_element(f"#{ids.UPLOAD_PREVIEW}").text
    assert "统计月报宽表" in preview and "gb18030" in preview and "2026年1-9月" in preview
    assert "将新增" in preview and "修订 0 个" in preview and "武都" in preview
    assert store.data_state() == state  # the preview wrote nothing
    dash_duo.driver.save_screenshot(str(OUTPUT / "bureau_upload_preview.png"))
    dash_duo.find_element(f"#{ids.UPLOAD_COMMIT}").click()
    dash_duo.wait_for_contains_text(f"#{ids.UPLOAD_RESULT}", "已写入 1 个文件", timeout=60)
    dash_duo.driver.save_screenshot(str(OUTPUT / "bureau_upload_committed.png"))
    upload_id = int(store.uploads(limit=1)["id"].iloc[0])

    _open(dash_duo, RANKINGS)
    after = _grid_text(dash_duo)
    assert after != before
    dash_duo.driver.save_screenshot(str(OUTPUT / "bureau_rankings_after_upload.png"))

    _open(dash_duo, "/history")
    dash_duo.wait_for_contains_text(f"#{ids.HISTORY_GRID}", sheet.name, timeout=30)
    dash_duo.find_element(f"#{ids.HISTORY_GRID} .ag-center-cols-container .ag-row[row-index='0']").click()
    dash_duo.find_element(f"#{ids.HISTORY_ROLLBACK_BTN}").click()
    dash_duo.wait_for_contains_text("#history-confirm-text", f"撤销上传 #{upload_id}", timeout=20)
    dash_duo.find_element(f"#{ids.HISTORY_NOTE}").send_keys("演示：撤销")
    dash_duo.find_element(f"#{ids.HISTORY_CONFIRM_OK}").click()
    dash_duo.wait_for_contains_text(f"#{ids.HISTORY_MESSAGE}", f"已撤销上传 #{upload_id}", timeout=30)
    dash_duo.driver.save_screenshot(str(OUTPUT / "bureau_history_rolled_back.png"))
    assert store.upload(upload_id)["status"] == "rolled_back"

    _open(dash_duo, RANKINGS)
    assert _grid_text(dash_duo) == before
    actions = list(audit.entries(store, user="bureau")["action"])
    assert actions[:2] == ["rollback", "upload"]

    # a leader: no upload page in the navigation, and the address typed by hand is refused
    dash_duo.driver.get(f"{dash_duo.server_url}/logout")
    login_form(dash_duo, "leader")
    _open(dash_duo, RANKINGS)
    _grid_text(dash_duo)
    nav = dash_duo.find_element(f"#{ids.NAV}").text
    assert "排名" in nav and "数据上报" not in nav and "上报记录" not in nav
    _open(dash_duo, "/upload")
    dash_duo.wait_for_contains_text("#access-refused", "需要“上报”权限", timeout=30)
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.UPLOAD_DROP}")
    dash_duo.driver.save_screenshot(str(OUTPUT / "leader_upload_refused.png"))


@pytest.mark.browser
def test_admin_pages_on_laptop_and_phone(dash_duo, demo_store):
    """The bureau's pages as the admin (who may do all an uploader may): 关库与目标, 审计日志, 数据上报, 上报记录."""
    from selenium.webdriver.support.ui import WebDriverWait
    from ui_helpers import PHONE_FITS

    login_as(dash_duo, demo_store, "admin")
    driver = dash_duo.driver
    OUTPUT.mkdir(exist_ok=True)
    for path, marker, name in (("/periods", f"#{ids.PERIODS_GRID} .ag-row", "periods"),
                               ("/audit", f"#{ids.AUDIT_GRID} .ag-row", "audit"),
                               ("/upload", f"#{ids.UPLOAD_DROP}", "upload"),
                               ("/history", f"#{ids.HISTORY_GRID} .ag-row", "history"),
                               ("/users", f"#{ids.USERS_GRID} .ag-row", "users")):
        driver.set_window_size(1440, 1400)
        _open(dash_duo, path)
        dash_duo.wait_for_element(marker, timeout=30)
        if name == "periods":
            dash_duo.wait_for_contains_text(f"#{ids.PERIODS_GRID}", "已关库", timeout=10)
            dash_duo.wait_for_contains_text("#targets-grid", "七里河区", timeout=30)
        elif name == "audit":
            dash_duo.wait_for_contains_text(f"#{ids.AUDIT_GRID}", "登录", timeout=10)
        driver.save_screenshot(str(OUTPUT / f"{name}_1440.png"))
        driver.set_window_size(390, 2000)
        WebDriverWait(driver, 10).until(lambda d: d.execute_script(PHONE_FITS))
        driver.save_screenshot(str(OUTPUT / f"{name}_390.png"))
    assert [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"] == []


@pytest.mark.browser
def test_an_ended_session_sends_the_page_to_the_login_form(dash_duo, demo_store):
    """The session cookie is gone (timeout, logout in another tab): the next click lands on the login form."""
    from selenium.webdriver.support.ui import WebDriverWait

    login_as(dash_duo, demo_store, "leader")
    _open(dash_duo, RANKINGS)
    _grid_text(dash_duo)
    dash_duo.driver.delete_all_cookies()
    dash_duo.driver.find_element(By.XPATH, f"//*[@id='{ids.LANG}']//label[normalize-space()='EN']").click()
    WebDriverWait(dash_duo.driver, 20).until(lambda d: "/login?next=" in d.current_url)
    assert dash_duo.driver.find_element(By.ID, "username").is_displayed()
