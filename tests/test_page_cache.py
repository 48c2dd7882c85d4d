"""Rendered pages kept per data state (layouts/page_cache.py): a second leader opening a page gets the first one's
rendering, a commit shows its numbers on the next visit, and an account never gets a page its scope may not see
because another account's rendering of it was kept."""

import json

from ui_helpers import logged_in_client

from layouts import access, ids, page_cache
from loaders import audit
from loaders.ingest import ingest


def page(client, path: str, search: str = "") -> str:
    """What the page router renders for a path (as the browser asks for it)."""
    out = access.ROUTER_OUTPUT
    parts = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in out.strip(".").split("...")]
    body = {"output": out, "outputs": parts if out.startswith("..") else parts[0],
            "inputs": [{"id": ids.LOCATION, "property": "pathname", "value": path},
                       {"id": ids.LOCATION, "property": "search", "value": search}],
            "state": [], "changedPropIds": [f"{ids.LOCATION}.pathname"]}
    r = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert r.status_code == 200
    return json.dumps(r.get_json(), ensure_ascii=False)


def test_a_second_leader_gets_the_kept_page_and_a_commit_shows_at_once(app_store):
    app, store = app_store
    one, two = logged_in_client(app, "leader"), logged_in_client(app, "leader2")
    url = ("/county/621226", "?period=2026-09")
    before = page(one, *url)
    renders = page_cache.stats["renders"]
    assert page(two, *url) == before and page_cache.stats["renders"] == renders  # kept: not rendered again
    assert "12.3" not in before
    text = ("region_code,region_name,period,indicator,measure,value,unit,note\n"
            "621226,礼县,2026-09,FAI,cum_yoy,12.3,%,更正\n")
    assert ingest(text.encode(), store, name="更正.csv", user="bureau", note="更正").status == "committed"
    after = page(two, *url)
    assert after != before and "12.3" in after and page_cache.stats["renders"] == renders + 1


def test_a_county_account_never_gets_a_page_kept_for_a_wider_scope(app_store):
    app, _ = app_store
    leader, lixian = logged_in_client(app, "leader"), logged_in_client(app, "lixian")
    other = ("/county/621202", "?period=2026Q3")  # 武都区: not 礼县's
    assert "武都区" in page(leader, *other)
    refused = page(lixian, *other)
    assert "无权访问" in refused and "武都" not in refused
    assert len(audit.entries(app.server.config["MONITOR_STORE"], action="refused")) >= 1
    assert "武都区" in page(leader, *other)  # and the refusal was not kept for the leader either


def test_every_refused_request_for_an_unreleased_period_is_audited(app_store, monkeypatch):
    from loaders import clock

    app, store = app_store
    monkeypatch.setenv(clock.ENV, "2026-11-03")  # 1–10月 has data; its closing date (5 November) has not passed
    leader = logged_in_client(app, "leader")
    for _ in range(3):
        page(leader, "/rankings", "?period=2026-10")
    asked = audit.entries(store, action="refused")
    assert (asked["target"] == "2026-10").sum() == 3


def test_the_landing_page_is_ready_for_every_kind_of_account_when_a_new_state_shows(app_store, monkeypatch):
    """The warm-up renders 总览 ahead for the new state (each role and scope of the enabled accounts) before the pages
    switch to it: the first leaders after an upload get it kept, the same as a rendering of their own, and a
    rendering ahead writes nothing in the audit log."""
    from layouts import data
    from loaders import users

    app, store = app_store
    monkeypatch.setitem(data._warm, "enabled", True)
    users.add(store, "gone", "viewer", "test-password-1", scope=("621100",), by="tests")
    users.set_disabled(store, "gone", True)
    text = ("region_code,region_name,period,indicator,measure,value,unit,note\n"
            "621226,礼县,2026-09,FAI,cum_yoy,12.3,%,更正\n")
    before = {n: page(logged_in_client(app, n), "/") for n in ("leader", "lixian")}
    assert ingest(text.encode(), store, name="更正.csv", user="bureau", note="更正").status == "committed"
    names = ("leader", "leader2", "lixian", "bureau", "admin")
    for other in set(users.accounts(store)["name"]) - set(names) - {"gone"}:  # what other tests added to the demo
        users.set_disabled(store, other, True)
    logged = audit.count(store)
    renders = page_cache.stats["renders"]
    data._warm_logged()  # the warm-up job's work
    assert page_cache.stats["renders"] == renders + 4  # viewer, uploader, admin of the province; 礼县's viewer
    assert audit.count(store) == logged
    ahead = {n: page(logged_in_client(app, n), "/") for n in names}
    assert page_cache.stats["renders"] == renders + 4  # every one of them kept: none rendered while its leader waited
    assert ahead["leader"] == ahead["leader2"] and ahead["bureau"] == ahead["admin"]
    assert ahead["leader"] != before["leader"] and ahead["lixian"] != before["lixian"]  # the new state's numbers
    page_cache.clear()
    assert {n: page(logged_in_client(app, n), "/") for n in ahead} == ahead  # what they would have rendered
