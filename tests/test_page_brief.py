"""The 通报 page as a leader and the bureau use it: the preview is the document, the download is audited, only an
uploader's rewritten 下一步工作要求 reaches the file, and a scoped account gets only the briefs of its comparisons."""

import base64
import io
import json

import pytest
from docx import Document
from ui_helpers import TEST_SECRET, add_test_accounts, as_user, component_text, logged_in_client

from app import create_app
from layouts import ids
from loaders import audit

MINE = "一是今天的会议要求（测试用语）。"


@pytest.fixture(scope="module")
def app(demo_store):
    add_test_accounts(demo_store)
    return create_app(demo_store, secret=TEST_SECRET)


def download(client, search: str, requirements: str, fmt: str = "docx"):
    body = {"output": f"..{ids.BRIEF_DOWNLOAD}.data...{ids.BRIEF_MESSAGE}.children..",
            "outputs": [{"id": ids.BRIEF_DOWNLOAD, "property": "data"}, {"id": ids.BRIEF_MESSAGE, "property": "children"}],
            "inputs": [{"id": ids.BRIEF_DOCX, "property": "n_clicks", "value": 1 if fmt == "docx" else None},
                       {"id": ids.BRIEF_PDF, "property": "n_clicks", "value": 1 if fmt == "pdf" else None}],
            "state": [{"id": ids.BRIEF_REQUIREMENTS, "property": "value", "value": requirements},
                      {"id": ids.LOCATION, "property": "search", "value": search}],
            "changedPropIds": [f"{ids.BRIEF_DOCX if fmt == 'docx' else ids.BRIEF_PDF}.n_clicks"]}
    return client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")


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
