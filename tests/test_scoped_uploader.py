"""Scope for every role: an uploader scoped to 礼县 sees, downloads and rolls back only uploads within its
regions, and sees and edits only its own targets; forged requests for others are refused and audited."""

import importlib

import pytest
from ui_helpers import TEST_PASSWORD, TEST_SECRET, as_user, component_text

from app import create_app
from loaders import audit, users
from loaders.demo import DEMO_DIR
from loaders.ingest import ingest

LIXIAN, WUDU = "621226", "621202"


@pytest.fixture
def app(duck):
    users.add(duck, "lixian_up", "uploader", TEST_PASSWORD, scope=(LIXIAN,), by="tests")
    assert ingest(DEMO_DIR / "targets_2026.csv", duck).status == "committed"  # province-wide: upload #1
    own = "region_code,region_name,year,indicator,kind,value,unit,note\n621226,礼县,2026,FAI,growth,9.0,%,\n"
    assert ingest(own.encode(), duck, name="礼县目标.csv", user="lixian_up").status == "committed"  # upload #2
    return create_app(duck, secret=TEST_SECRET)


def test_the_history_lists_only_uploads_within_its_regions(app, duck):
    history = importlib.import_module("layouts.pages.history")
    with as_user(app, duck, "lixian_up"):
        ids = [r["id"] for r in history.grid().rowData]
        refused = history.download(1, [{"id": 1}])[1]
        own = history.download(1, [{"id": 2}])[0]
        opened, _, why = history.ask(1, [{"id": 1}])
        kept, message, _ = history.rollback(1, [{"id": 1}], "试图撤销", "")
    assert ids == [2]
    assert "上传 #1 含本账号范围（礼县）以外的地区" in component_text(refused) and own["filename"].endswith(".csv")
    assert not opened and "只能由市统计局查看、下载或撤销" in component_text(why)
    assert "以外的地区" in component_text(message) and duck.upload(1)["status"] == "committed"
    refusals = audit.entries(duck, action="refused", user="lixian_up")
    assert refusals["detail"].str.startswith("下载：").any() and refusals["detail"].str.startswith("撤销：").any()


def test_targets_of_other_regions_are_neither_shown_nor_saved(app, duck):
    periods = importlib.import_module("layouts.pages.periods")
    with as_user(app, duck, "lixian_up"):
        rows = periods.show_targets("2026", "FAI")
        forged = rows + [{"code": WUDU, "name": "武都区", "growth": 99.9, "level": None}]
        card, _ = periods.save_targets(1, forged, "2026", "FAI", "篡改")
    assert [r["code"] for r in rows] == [LIXIAN]
    assert "有错误，不能写入" in component_text(card) and "本账号上报范围以外的地区" in str(card)
    wudu = duck.targets(years=[2026], regions=[WUDU], indicators=["FAI"])
    assert 99.9 not in set(wudu["value"])
