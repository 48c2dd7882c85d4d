"""The 通报 page as a leader and the bureau use it: the preview is the document, the download is audited, only an
uploader's rewritten 下一步工作要求 reaches the file, and a scoped account gets only the briefs of its comparisons."""

import base64
import io
import json
import time

import pytest
from docx import Document
from ui_helpers import TEST_SECRET, add_test_accounts, as_user, component_text, logged_in_client

from app import create_app
from layouts import ids
from loaders import audit

MINE = "一是今天的会议要求（测试用语）。"


APP = {}  # the module's app: its callback map names the registered outputs


@pytest.fixture(scope="module")
def app(demo_store):
    add_test_accounts(demo_store)
    APP["app"] = create_app(demo_store, secret=TEST_SECRET)
    return APP["app"]


def post(client, outputs: list[tuple[str, str]], inputs: list, state: list, changed: str):
    first = f"..{outputs[0][0]}.{outputs[0][1]}"  # the registered output string (allow_duplicate adds a suffix)
    output = next(k for k in APP["app"].callback_map if k.startswith(first))
    body = {"output": output,
            "outputs": [{"id": i, "property": p} for i, p in outputs],
            "inputs": inputs, "state": state, "changedPropIds": [changed]}
    return client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")


def submit(client, search: str, requirements: str, fmt: str = "docx"):
    """Click DOCX or PDF: the callback submits the file's job and keeps its id in the page."""
    return post(client, [(ids.BRIEF_JOB, "data"), (ids.BRIEF_POLL, "disabled"), (ids.BRIEF_MESSAGE, "children")],
                [{"id": ids.BRIEF_DOCX, "property": "n_clicks", "value": 1 if fmt == "docx" else None},
                 {"id": ids.BRIEF_PDF, "property": "n_clicks", "value": 1 if fmt == "pdf" else None}],
                [{"id": ids.BRIEF_REQUIREMENTS, "property": "value", "value": requirements},
                 {"id": ids.LOCATION, "property": "search", "value": search}],
                f"{ids.BRIEF_DOCX if fmt == 'docx' else ids.BRIEF_PDF}.n_clicks")


def deliver(client, held, n=1):
    return post(client, [(ids.BRIEF_DOWNLOAD, "data"), (ids.BRIEF_POLL, "disabled"), (ids.BRIEF_MESSAGE, "children")],
                [{"id": ids.BRIEF_POLL, "property": "n_intervals", "value": n}],
                [{"id": ids.BRIEF_JOB, "property": "data", "value": held}], f"{ids.BRIEF_POLL}.n_intervals")


def download(client, search: str, requirements: str, fmt: str = "docx"):
    """What the page does: submit, then ask every interval until the file arrives (or the refusal of the submit)."""
    r = submit(client, search, requirements, fmt)
    if r.status_code != 200:
        return r
    held = r.get_json()["response"][ids.BRIEF_JOB]["data"]
    for n in range(1, 600):
        r = deliver(client, held, n)
        if r.status_code != 200 or ids.BRIEF_DOWNLOAD in r.get_json()["response"]:
            return r
        time.sleep(0.1)
    raise AssertionError("the brief's job never finished")


def _file(r) -> tuple[str, bytes]:
    assert r.status_code == 200, r.get_data(as_text=True)
    sent = r.get_json()["response"][ids.BRIEF_DOWNLOAD]["data"]
    return sent["filename"], base64.b64decode(sent["content"])


def test_preview_is_the_document(app, demo_store):
    from layouts.pages import brief

    with as_user(app, demo_store, "leader"):
        page = brief.layout(period="2026-10")
        text = component_text(page)
    assert "关于2026年1-10月全市县域经济主要指标完成情况的通报" in text
    assert "陇南市统计局" in text and "一、综合评价情况" in text and "下一步工作要求" in text
    assert f"数据状态 {demo_store.data_state()}" in text and "模拟数据" in text


def test_a_viewers_edits_never_reach_the_file(app, demo_store):
    name, content = _file(download(logged_in_client(app, "leader"), "?period=2026-10", MINE))
    assert name == f"通报_陇南市各县区_2026年1-10月_{demo_store.data_state()}.docx"
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert MINE not in text and "一是紧盯目标任务" in text
    last = audit.entries(demo_store, action="export", limit=1).iloc[0]
    assert (last["user_name"], last["target"]) == ("leader", name) and "已修改" not in last["detail"]


def test_the_bureau_rewrites_the_requirements(app, demo_store):
    _, content = _file(download(logged_in_client(app, "bureau"), "?period=2026-10&scope=prefectures",
                                MINE + "\n\n二是第二段。"))
    text = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert "关于2026年1-10月全省各市州经济主要指标完成情况的通报" in text
    assert MINE in text and "二是第二段。" in text and not any("一是紧盯目标任务" in t for t in text)
    last = audit.entries(demo_store, action="export", limit=1).iloc[0]
    assert last["user_name"] == "bureau" and "已修改" in last["detail"]


def test_a_scoped_account_gets_only_its_comparisons(app):
    c = logged_in_client(app, "lixian")  # a viewer scoped to 礼县 (陇南市)
    assert _file(download(c, "?period=2026-10&scope=city%3A621200", ""))[0].startswith("通报_陇南市各县区")
    refused = download(c, "?period=2026-10&scope=city%3A620100", "")
    assert refused.status_code == 403 and "兰州" not in refused.get_data(as_text=True)


def test_a_file_job_is_delivered_only_to_the_account_that_asked_for_it(app, demo_store):
    r = submit(logged_in_client(app, "bureau"), "?period=2026-10", "")
    held = r.get_json()["response"][ids.BRIEF_JOB]["data"]
    assert set(held) == {"id"}  # the page keeps the job's id only: what the file is, the server knows
    other = deliver(logged_in_client(app, "leader"), held)
    assert other.status_code == 200
    answer = other.get_json()["response"]
    assert ids.BRIEF_DOWNLOAD not in answer and "失效" in answer[ids.BRIEF_MESSAGE]["children"]
    assert _file(download(logged_in_client(app, "bureau"), "?period=2026-10", ""))[0].startswith("通报_陇南市")
