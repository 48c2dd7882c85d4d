"""The state pages show while a new one is computed (loaders/shown.py): after an upload a serving app keeps showing
the last state its warm-up finished, read as it was (Store.pinned), says newer data is being computed, and switches
every page at once when the warm-up ends; a hold never outlives its warm-up."""

import datetime as dt
import json
import threading
import time
from pathlib import Path

import pytest
from test_jobs import wait_for
from test_page_cache import page
from ui_helpers import as_user, logged_in_client, post_upload

from conftest import FILES
from layouts import data, shell
from loaders import jobs, redis_link, shown
from loaders.ingest import ingest

TODAY = dt.date(2026, 11, 23)
SHOTS = Path("/tmp/shots")  # screenshots to look at
AT = dt.datetime(2026, 11, 23, 10, 0, 0)
CORRECTION = ("region_code,region_name,period,indicator,measure,value,unit,note\n"
              "621226,礼县,2026-09,FAI,cum_yoy,12.3,%,更正\n")


def rec(status, seconds_ago=1.0, job="", state="new"):
    return {"status": status, "recorded_at": AT - dt.timedelta(seconds=seconds_ago), "job_id": job,
            "data_state": state, "upload_ids": "1,2"}


READY = rec(shown.READY, 30, state="old")
COMMITTING = rec(shown.COMMITTING, 10, state="old")


@pytest.mark.parametrize(("own", "latest", "alive", "instead"), [
    ([], READY, True, None),  # a change no serving app recorded (the CLI): shown at once
    ([], COMMITTING, True, COMMITTING),  # an upload's transaction landed, its job has not said what it wrote yet
    ([], rec(shown.COMMITTING, shown.COMMIT_MAX_S + 1, state="old"), True, None),  # … and never will
    ([rec(shown.COMPUTING, job="j")], None, True, READY),  # its warm-up is running
    ([rec(shown.COMPUTING, job="j")], None, False, None),  # its warm-up died or ended without a word
    ([rec(shown.COMPUTING, seconds_ago=5)], None, False, READY),  # the commit's job recorded it; the page submits next
    ([rec(shown.COMPUTING, seconds_ago=shown.SUBMIT_S + 1)], None, True, None),  # no warm-up came
    ([rec(shown.COMPUTING, seconds_ago=shown.HOLD_MAX_S + 1, job="j")], None, True, None),  # never held for long
    ([rec(shown.COMPUTING, job="j"), rec(shown.READY, 60)], None, True, None),  # a rollback back to a computed state
])
def test_a_hold_lasts_only_while_its_warm_up_can_end_it(own, latest, alive, instead):
    assert shown.shown_instead("new", own, READY, latest or own[0], AT, lambda job: alive) == instead


@pytest.mark.parametrize(("own", "unclaimed"), [
    ([rec(shown.COMPUTING, seconds_ago=shown.SUBMIT_S + 1)], True),  # the uploader's page closed: nobody submitted
    ([rec(shown.COMPUTING, seconds_ago=5)], False),  # the page submits it next
    ([rec(shown.COMPUTING, seconds_ago=shown.SUBMIT_S + 1, job="j")], False),  # submitted
    ([rec(shown.COMPUTING, seconds_ago=shown.SUBMIT_S + 1), rec(shown.READY, 60)], False),  # computed before
    ([], False),
])
def test_a_warm_up_nobody_submitted_is_claimed(own, unclaimed):
    assert shown.unclaimed(own, AT) is unclaimed


def test_nothing_is_held_before_anything_was_computed():
    assert shown.shown_instead("new", [rec(shown.COMPUTING, job="j")], None, None, AT, lambda job: True) is None


def test_a_pinned_view_reads_the_values_of_its_state_on_both_backends(store):
    first = ingest(FILES / "good_long.csv", store, today=TODAY)
    s1, ids1 = store.data_state(), list(store.committed_uploads()["id"])
    text = (FILES / "good_long.csv").read_text(encoding="utf-8").replace("402000.5", "402100.5")
    assert ingest(text.encode(), store, name="revised.csv", today=TODAY, note="更正").status == "committed"
    then = store.pinned(ids1)
    assert store.data_state() != s1 and then.data_state() == s1
    assert 402100.5 in set(store.observations()["value"]) and 402100.5 not in set(then.observations()["value"])
    assert 402000.5 in set(then.observations()["value"]) and then.periods() == store.periods()
    store.rollback(first.upload_id, user="admin")  # later changes do not reach the pinned view
    assert then.data_state() == s1 and 402000.5 in set(then.observations()["value"])
    assert list(then.uploads()["status"]) == ["committed"]  # the correction did not exist then; the rollback neither
    assert list(store.uploads()["status"]) == ["committed", "rolled_back"]
    assert store.pin is None and then.engine is store.engine  # a view, not a second connection pool


def test_pages_keep_the_last_computed_state_until_the_new_one_is_ready(app_store, monkeypatch):
    app, store = app_store
    monkeypatch.setitem(data._warm, "enabled", True)
    url = ("/county/621226", "?period=2026-09")
    client = logged_in_client(app, "leader")
    old = store.data_state()
    shown.ready(store, old, store.committed_uploads()["id"])  # what the start-up warm-up records
    assert ingest(CORRECTION.encode(), store, name="更正.csv", user="bureau", note="更正").status == "committed"
    new = store.data_state()
    shown.computing(store, new, store.committed_uploads()["id"])  # as the commit's job records it
    held = page(client, *url)
    assert "12.3" not in held and f"数据状态 {old}" in held
    with as_user(app, store):
        vintage = shell.relabel("?period=2026-09", "/county/621226")[3]
        assert f"数据状态 {old}" in vintage and "最新上传的数据正在计算" in vintage and new in vintage
    shown.ready(store, new, store.committed_uploads()["id"])  # the warm-up ended
    after = page(client, *url)
    assert "12.3" in after and f"数据状态 {new}" in after
    with as_user(app, store):
        vintage = shell.relabel("?period=2026-09", "/county/621226")[3]
        assert f"数据状态 {new}" in vintage and "正在计算" not in vintage


def test_an_upload_through_the_page_shows_when_its_warm_up_ends(app_store, monkeypatch):
    """The commit's job holds the previous state, the page's warm-up job keeps holding it while it runs, and its
    end shows the new values on every page."""
    import base64

    app, store = app_store
    monkeypatch.delenv("MONITOR_REDIS_URL", raising=False)  # the embedded app: jobs in its own worker thread
    redis_link.reset()
    monkeypatch.setitem(data._warm, "enabled", True)
    monkeypatch.setitem(data._warm, "pending", None)
    go = threading.Event()
    monkeypatch.setattr(data, "warm", lambda s=None, **k: go.wait(60))  # a warm-up that ends when the test says
    shown.ready(store, store.data_state(), store.committed_uploads()["id"])
    uploader, leader = (logged_in_client(app, n) for n in ("bureau", "leader"))
    contents = "data:text/csv;base64," + base64.b64encode(CORRECTION.encode()).decode()
    r = post_upload(uploader, app, "commit", [contents], ["更正.csv"], reason="企业更正")
    assert "已写入 1 个文件" in json.dumps(r.get_json(), ensure_ascii=False)
    url = ("/county/621226", "?period=2026-09")
    assert "12.3" not in page(leader, *url)  # the warm-up is running: the previous state is shown
    job = data._warm["pending"]
    assert jobs.view(job, store).state in (jobs.QUEUED, jobs.RUNNING)
    go.set()
    wait_for(job, store, (jobs.DONE,))
    assert "12.3" in page(leader, *url)


def test_a_closing_date_change_alone_is_not_held(app_store, monkeypatch):
    """The held state is read with today's closing dates (what is released is never the old word): when only a closing
    date changed, that is the current state itself, shown as it is and not announced as newer data."""
    app, store = app_store
    monkeypatch.setitem(data._warm, "enabled", True)
    shown.ready(store, store.data_state(), store.committed_uploads()["id"])
    store.set_closing_date("2026-10", dt.date(2026, 11, 20), user="admin", reason="省局通知提前")
    shown.computing(store, store.data_state(), store.committed_uploads()["id"], "a-running-warm-up")
    monkeypatch.setattr(shown, "_alive", lambda job, s: True)
    with as_user(app, store):
        assert data.snap().data_state == store.data_state() and data.snap().newer == ""
        assert "正在计算" not in shell.relabel("", "/")[3]


def test_an_upload_whose_page_was_closed_is_audited_and_warmed_by_the_next_page(app_store, monkeypatch):
    """The commit's job writes the audit record itself, and the first page asked for after SUBMIT_S submits the
    warm-up the closed page never did: it holds the previous state while that runs, then shows the new values."""
    from loaders import audit, upload_ingest

    app, store = app_store
    monkeypatch.delenv("MONITOR_REDIS_URL", raising=False)
    redis_link.reset()
    monkeypatch.setitem(data._warm, "enabled", True)
    monkeypatch.setitem(data._warm, "pending", None)
    monkeypatch.setattr(shown, "SUBMIT_S", 0.0)  # the page would have submitted it by now
    go = threading.Event()
    monkeypatch.setattr(data, "warm", lambda s=None, **k: go.wait(60))
    shown.ready(store, store.data_state(), store.committed_uploads()["id"])
    key = store.stage_file(CORRECTION.encode(), "bureau")
    out = upload_ingest.upload_job(store, files=[{"name": "更正.csv", "key": key}], dry_run=False, user="bureau",
                                   note="企业更正")  # … and nobody polls for its result
    assert [r.status for r in out["reports"]] == ["committed"]
    entry = audit.entries(store, action="upload").iloc[0]
    assert entry["user_name"] == "bureau" and entry["outcome"] == audit.OK
    assert entry["detail"] == "更正.csv（长表 CSV）：新增 0 修订 1 未变 0 错误 0"
    assert data._warm["pending"] is None
    leader = logged_in_client(app, "leader")
    url = ("/county/621226", "?period=2026-09")
    assert "12.3" not in page(leader, *url)  # claimed: its warm-up runs, the previous state is shown meanwhile
    job = data._warm["pending"]
    assert job is not None and jobs.view(job, store).state in (jobs.QUEUED, jobs.RUNNING)
    go.set()
    wait_for(job, store, (jobs.DONE,))
    assert "12.3" in page(leader, *url)


def test_an_open_page_is_told_when_the_data_it_was_drawn_from_is_replaced(app_store, monkeypatch):
    """The header's watch: nothing while the page's state is the one shown (a new one still computing included),
    then one notice naming the new state, in the page's language, with a reload link."""
    import dash
    from ui_helpers import component_text

    app, store = app_store
    monkeypatch.setitem(data._warm, "enabled", True)
    monkeypatch.setattr(shown, "_alive", lambda job, s: True)
    shown.ready(store, store.data_state(), store.committed_uploads()["id"])
    with as_user(app, store):
        drawn = shell.relabel("?period=2026-09", "/county/621226")[8]
        assert drawn == store.data_state() and shell.watch(1, drawn, "") is dash.no_update
    assert ingest(CORRECTION.encode(), store, name="更正.csv", user="bureau", note="更正").status == "committed"
    new = store.data_state()
    shown.computing(store, new, store.committed_uploads()["id"], "a-running-warm-up")
    with as_user(app, store):
        assert shell.watch(2, drawn, "") is dash.no_update  # held: the page still shows what every page shows
    shown.ready(store, new, store.committed_uploads()["id"])
    with as_user(app, store):
        zh, en = shell.watch(3, drawn, ""), shell.watch(3, drawn, "?lang=en")
    assert f"数据已更新（数据状态 {new}），本页仍是更新前的数据。" in component_text(zh) and "刷新页面" in component_text(zh)
    assert "The data has been updated" in component_text(en) and zh.children[-1].href == ""


@pytest.mark.browser
def test_a_leader_with_the_page_open_sees_the_notice_and_reloads(dash_duo, app_store, monkeypatch):
    from selenium.webdriver.common.by import By
    from ui_helpers import TEST_SECRET, login_as

    from app import create_app
    from layouts import ids

    _, store = app_store
    monkeypatch.setattr(shell, "WATCH_MS", 1000)
    login_as(dash_duo, store, app=create_app(store, secret=TEST_SECRET))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/county/621226?period=2026-09", timeout=30)
    dash_duo.wait_for_contains_text(f"#{ids.VINTAGE}", store.data_state(), timeout=30)
    assert not dash_duo.driver.find_elements(By.ID, "data-updated")
    assert ingest(CORRECTION.encode(), store, name="更正.csv", user="bureau", note="更正").status == "committed"
    dash_duo.wait_for_element("#data-updated", timeout=20)
    assert store.data_state() in dash_duo.find_element("#data-updated").text
    SHOTS.mkdir(parents=True, exist_ok=True)
    dash_duo.driver.save_screenshot(str(SHOTS / "data_updated_notice.png"))
    dash_duo.find_element("#data-updated a").click()
    dash_duo.wait_for_contains_text(f"#{ids.VINTAGE}", store.data_state(), timeout=30)
    assert "period=2026-09" in dash_duo.driver.current_url
    time.sleep(2)  # two more watches: the reloaded page is of the state shown
    assert not dash_duo.driver.find_elements(By.ID, "data-updated")


def test_a_rollback_from_the_history_page_is_held_from_the_moment_it_writes(app_store, monkeypatch):
    """Between the rollback's write and the warm-up it submits, the pages keep the state they showed."""
    app, store = app_store
    monkeypatch.setitem(data._warm, "enabled", True)
    monkeypatch.setattr(data, "changed", lambda: None)  # the moment before the page records the new state
    assert ingest(CORRECTION.encode(), store, name="更正.csv", user="bureau", note="更正").status == "committed"
    shown.ready(store, store.data_state(), store.committed_uploads()["id"])
    leader = logged_in_client(app, "leader")
    url = ("/county/621226", "?period=2026-09")
    assert "12.3" in page(leader, *url)
    from layouts.pages import history

    with as_user(app, store, "bureau"):
        rows = [{"id": int(store.uploads(limit=1).iloc[0]["id"])}]
        history.rollback(1, rows, "更正有误", "")
    assert store.uploads(limit=1).iloc[0]["status"] == "rolled_back"
    assert "12.3" in page(leader, *url)  # held: the rolled-back state is what every page still shows
