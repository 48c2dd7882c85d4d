"""Ledger and units uploads through the 数据上报 page and the 上报记录 page, as plain callbacks and over HTTP: each
kind's template downloaded from the page, filled with two rows, dropped, previewed (kind, 截至日期, counties, the
county values it fills) and committed; one bad file per failure kind rejected with row, value and fix and the store
unchanged; scope rules for a county's uploader; rollback from the history; a viewer's forged callbacks refused."""

import base64
import csv
import datetime as dt
import importlib
import io
import json

import openpyxl
import plotly.utils
import pytest
from ui_helpers import (
    TEST_PASSWORD,
    TEST_SECRET,
    add_test_accounts,
    as_user,
    logged_in_client,
    upload_commit,
    upload_preview,
)

from app import create_app
from layouts import ids
from loaders import audit, ledger_kinds, users
from loaders import catalogue as catalogue_mod
from loaders.ingest import ingest

AS_OF = "2026年11月20日"  # November is not closed on the suite's day (2026-11-23): no correction reason needed
AS_OF_DAY = dt.date(2026, 11, 20)
D = dt.date

# Two rows per kind, as a county's staff type them into the template (Excel cells: text, numbers, dates).
ROWS = {
    "arrears": [
        {"county": "武都区", "item_id": "WD-001", "debtor": "区住建局", "creditor": "甲建筑公司", "owed": 3900.5,
         "disputed": "无分歧", "repaid": 1200, "due_date": D(2026, 12, 31), "status": "交办", "source": "国家平台转办",
         "unit": "区住建局"},
        {"county": "礼县", "item_id": "LX-001", "debtor": "县交通局", "creditor": "乙公司", "owed": 80,
         "disputed": "有分歧", "repaid": 0, "due_date": None, "status": "核实", "source": "企业投诉", "unit": None},
    ],
    "complaints": [
        {"county": "宕昌县", "item_id": "DC-T-01", "received": D(2026, 10, 8), "source": "企业投诉", "disputed": "无分歧",
         "handled": D(2026, 10, 15), "result": "已协调支付", "unit": "县工信局"},
        {"county": "宕昌县", "item_id": "DC-T-02", "received": D(2026, 10, 20), "source": "国家平台转办",
         "disputed": None, "handled": None, "result": None, "unit": None},
    ],
    "investment": [
        {"county": "成县", "item_id": "CX-Z-01", "project": "核桃精深加工", "unit": "抛沙镇", "signed": D(2026, 3, 18),
         "contract": 50000, "in_place": 12000, "outside_province": "是", "stage": "开工"},
        {"county": "徽县", "item_id": "HX-Z-01", "project": "文旅综合体", "unit": "招商一组", "signed": None,
         "contract": 0, "in_place": 0, "outside_province": "否", "stage": "洽谈"},
    ],
    "key_projects": [
        {"county": "徽县", "item_id": "HX-K-01", "project": "光伏发电", "unit": "县发改局", "leader": "张三",
         "planned": 80000, "completed": 52000.4, "start_state": "已开工", "planned_start": D(2026, 4, 1)},
        {"county": "西和县", "item_id": "XH-K-01", "project": "物流园", "unit": "县商务局", "leader": "李四",
         "planned": 30000, "completed": 0, "start_state": "未开工", "planned_start": None},
    ],
    "sishang": [
        {"county": "西和县", "item_id": "XH-S-01", "enterprise": "某食品公司", "type": "规上工业",
         "expected_month": D(2026, 12, 1), "state": "培育中", "unit": "县工信局"},
        {"county": "西和县", "item_id": "XH-S-02", "enterprise": "某超市", "type": "限上批零住餐",
         "expected_month": D(2026, 11, 1), "state": "已入库", "unit": None},
    ],
}
# What the preview must show each kind fills, worked out by hand from ROWS (README “台账汇总”):
# 清欠 counts undisputed debt only (礼县's one item is disputed: 0); 投诉 received in 2026 up to the date, handled in
# 2026; 招商 到位资金 of projects with 省外资金 = 是; 重点项目 Σ 本年完成投资; 四上 enterprises 已入库.
FILLS = {
    "arrears": [("621202", "ARREARS_OWED", 3900.5, "3,900.5万元"), ("621202", "ARREARS_PAID", 1200, "1,200.0万元"),
                ("621226", "ARREARS_OWED", 0, "0.0万元")],
    "complaints": [("621223", "COMPLAINT_RECV", 2, "2件"), ("621223", "COMPLAINT_DONE", 1, "1件")],
    "investment": [("621221", "INVEST_IN", 12000, "12,000.0万元"), ("621227", "INVEST_IN", 0, "0.0万元")],
    "key_projects": [("621227", "KEY_PROJ", 52000.4, "52,000.4万元"), ("621225", "KEY_PROJ", 0, "0.0万元")],
    "sishang": [("621225", "NEW_SISHANG", 1, "1家")],
}
COUNTIES = {"arrears": "武都区 1 项、礼县 1 项", "complaints": "宕昌县 2 项", "investment": "成县 1 项、徽县 1 项",
            "key_projects": "西和县 1 项、徽县 1 项", "sishang": "西和县 2 项"}


@pytest.fixture
def app(duck):
    add_test_accounts(duck)
    users.add(duck, "lixian_up", "uploader", TEST_PASSWORD, display_name="礼县统计局", scope=("621226",), by="tests")
    return create_app(duck, secret=TEST_SECRET)


@pytest.fixture
def pages(app):
    return importlib.import_module("layouts.pages.upload"), importlib.import_module("layouts.pages.history")


def shown(components) -> str:
    """Everything a component tree carries (text, grid rows), as JSON text."""
    return json.dumps(components, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def url(data: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(data).decode()


def post(client, app, output_id: str, prop: str, inputs: list, state: list):
    output = next(k for k in app.callback_map if k.startswith(f"..{output_id}.{prop}") or k == f"{output_id}.{prop}")
    outputs = [dict(zip(("id", "property"), part.split("@")[0].split(".", 1), strict=True))
               for part in output.strip(".").split("...")]
    body = {"output": output, "outputs": outputs if len(outputs) > 1 else outputs[0], "inputs": inputs,
            "state": state, "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]}
    return client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")


def template_from_page(app, key: str, user: str = "bureau"):
    """The template's bytes and name as the page's download button sends them."""
    c = logged_in_client(app, user)
    r = post(c, app, ids.upload_template_download(key), "data",
             [{"id": ids.upload_template(key), "property": "n_clicks", "value": 1}], [])
    assert r.status_code == 200, r.get_data(as_text=True)
    sent = r.get_json()["response"][ids.upload_template_download(key)]["data"]
    return base64.b64decode(sent["content"]), sent["filename"]


def fill_xlsx(template: bytes, kind: str, rows: list[dict], title_date: str | None = AS_OF) -> bytes:
    """The template with its title dated (or left blank) and `rows` typed in from row 4 (the example row left in)."""
    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb.worksheets[0]
    if title_date:
        ws["A1"] = ws["A1"].value.replace("    年  月  日", title_date)
    for i, row in enumerate(rows, start=4):
        ws.cell(i, 1, i - 3)
        for j, col in enumerate(ledger_kinds.default()[kind].columns, start=2):
            ws.cell(i, j, row[col.code])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def fill_csv(template: bytes, rows: list[list[str]]) -> bytes:
    """A CSV template (header row) with rows appended."""
    text = template.decode("utf-8-sig")
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return (text + buf.getvalue()).encode("utf-8")


def preview(upload, files: list[tuple[str, bytes]], as_of=None, reason=None):
    names = [n for n, _ in files]
    return upload_preview(upload, [url(d) for _, d in files], names, as_of=as_of, reason=reason)


def commit(upload, files: list[tuple[str, bytes]], as_of=None, reason=None):
    names = [n for n, _ in files]
    return upload_commit(upload, [url(d) for _, d in files], names, as_of=as_of, reason=reason)


# ---------------------------------------------------------------- the five ledger kinds round-trip


@pytest.mark.parametrize("kind", list(ROWS))
def test_each_ledger_template_from_the_page_round_trips(app, duck, pages, kind):
    upload, _ = pages
    template, filename = template_from_page(app, kind)
    name_zh = ledger_kinds.default()[kind].name_zh
    assert filename == f"{name_zh}模板.xlsx"
    data = fill_xlsx(template, kind, ROWS[kind])
    state = duck.data_state()
    with as_user(app, duck, "bureau"):
        cards, disabled = preview(upload, [(f"{kind}.xlsx", data)])
    text = shown(cards)
    assert not disabled and duck.data_state() == state and duck.uploads().empty  # a preview writes nothing
    assert "可以写入" in text and f"台账类型：{name_zh}" in text and "截至日期：2026-11-20（取自标题行）" in text
    assert f"县区 {len(set(r['county'] for r in ROWS[kind]))} 个、事项 2 项：{COUNTIES[kind]}" in text
    assert "将新增 2 项、修改 0 项、0 项未变" in text and "（示例行 1 行已跳过）" in text
    cat = catalogue_mod.default()
    for _, indicator, _, value in FILLS[kind]:
        assert cat[indicator].name_zh in text and value in text
    assert "2026年1-11月" in text  # the month the county values are filled for

    with as_user(app, duck, "bureau"):
        result, _, _ = commit(upload, [(f"{kind}.xlsx", data)])
    text = shown(result)
    assert "已写入 1 个文件" in text and f"上传 #1 {kind}.xlsx（{name_zh}）" in text
    snap = duck.ledger_snapshot(kind)
    assert sorted(snap["item_id"]) == sorted(r["item_id"] for r in ROWS[kind])
    obs = duck.observations(periods=["2026-11"])
    for region, indicator, value, _ in FILLS[kind]:
        hit = obs[(obs["region_code"] == region) & (obs["indicator"] == indicator)]
        assert list(hit["value"]) == [pytest.approx(value)] and list(hit["upload_id"]) == [1]
    assert duck.data_state() != state
    entry = audit.entries(duck, action="upload").iloc[0]
    assert entry["user_name"] == "bureau" and entry["target"] == "1" and name_zh in entry["detail"]


def test_a_ledger_without_its_date_takes_the_pages_date_and_a_bad_date_is_an_error(app, duck, pages):
    upload, _ = pages
    data = fill_xlsx(template_from_page(app, "arrears")[0], "arrears", ROWS["arrears"], title_date=None)
    state = duck.data_state()
    with as_user(app, duck, "bureau"):
        missing, disabled = preview(upload, [("清欠.xlsx", data)])
        bad, bad_disabled = preview(upload, [("清欠.xlsx", data)], as_of="2026-13-45")
        given, _ = preview(upload, [("清欠.xlsx", data)], as_of="2026-11-20")
    assert disabled and "未注明台账的截至日期" in shown(missing) and "上传时填写截至日期" in shown(missing)
    assert bad_disabled and "截至日期“2026-13-45”无法识别" in shown(bad) and "2026年10月31日" in shown(bad)
    assert "截至日期：2026-11-20（取自本页填写的截至日期）" in shown(given) and "可以写入" in shown(given)
    assert duck.data_state() == state


def test_the_preview_names_both_numbers_where_the_ledger_and_the_statistics_disagree(app, duck, pages):
    upload, _ = pages
    stats = "region_code,period,indicator,measure,value\n621202,2026-10,ARREARS_PAID,cum_level,1000\n"
    assert ingest(stats.encode(), duck, name="stats.csv", note="测试").status == "committed"
    data = fill_xlsx(template_from_page(app, "arrears")[0], "arrears", ROWS["arrears"], title_date="2026年10月31日")
    with as_user(app, duck, "bureau"):
        cards, _ = preview(upload, [("清欠.xlsx", data)], reason="补报台账")
    text = shown(cards)
    assert "不一致：以台账汇总 1,200.0万元 为准（统计数 1,000.0万元，上传 #1）" in text
    assert "台账汇总 1,200.0万元，已上报统计数 1,000.0万元（上传 #1）" in text  # the warning, too


# ---------------------------------------------------------------- units, tasks, reports


def test_units_tasks_and_reports_templates_round_trip(app, duck, pages):
    upload, _ = pages
    units_t, units_name = template_from_page(app, "units")
    tasks_t, _ = template_from_page(app, "unit_tasks")
    reports_t, _ = template_from_page(app, "unit_reports")
    assert units_name == "下辖单位名单模板.csv"
    files = {
        "units": fill_csv(units_t, [["乡镇街道", "成县", "抛沙镇", "抛沙"], ["县直部门", "成县", "县商务局", "商务局"]]),
        "unit_tasks": fill_csv(tasks_t, [["2026", "成县", "抛沙镇", "到位资金", "5000"],
                                         ["2026", "成县", "商务局", "签约项目数", "3"]]),
        "unit_reports": fill_csv(reports_t, [["招商引资项目台账", "2026-11-20", "成县", "抛沙镇"],
                                             ["招商引资项目台账", "2026-11-20", "成县", "县商务局"]]),
    }
    what = {"units": "下辖单位名单", "unit_tasks": "下辖单位年度任务", "unit_reports": "下辖单位报送情况"}
    for n, (key, data) in enumerate(files.items(), start=1):
        state = duck.data_state()
        with as_user(app, duck, "bureau"):
            cards, disabled = preview(upload, [(f"{key}.csv", data)])
        text = shown(cards)
        assert not disabled and duck.data_state() == state, text
        assert f"类型：{what[key]}" in text and "共 2 行" in text and "地区：成县" in text
        assert "将新增 2 行、修改 0 行、0 行未变" in text
        with as_user(app, duck, "bureau"):
            result, _, _ = commit(upload, [(f"{key}.csv", data)])
        assert f"上传 #{n} {key}.csv（{what[key]}）" in shown(result)
    assert sorted(duck.units()["name"]) == ["县商务局", "抛沙镇"]
    tasks = duck.unit_tasks([2026])
    assert dict(zip(tasks["unit_name"], tasks["value"], strict=True)) == {"抛沙镇": 5000, "县商务局": 3}
    assert sorted(duck.unit_reports("investment")["unit_name"]) == ["县商务局", "抛沙镇"]


def test_a_task_for_an_unknown_unit_names_the_countys_units(app, duck, pages):
    upload, _ = pages
    units_t, _ = template_from_page(app, "units")
    tasks_t, _ = template_from_page(app, "unit_tasks")
    with as_user(app, duck, "bureau"):
        commit(upload, [("u.csv", fill_csv(units_t, [["乡镇街道", "成县", "抛沙镇", ""]]))])
        state = duck.data_state()
        cards, disabled = preview(upload, [("t.csv", fill_csv(tasks_t, [["2026", "成县", "红川镇", "到位资金", "10"]]))])
    text = shown(cards)
    assert disabled and duck.data_state() == state
    assert '"row_no": 2' in text and "红川镇" in text and "成县的单位有：抛沙镇" in text


# ---------------------------------------------------------------- one bad file per failure kind


def arrears_csv(rows: list[list[str]], title: str = "清欠台账（截至2026年11月20日）", drop: str | None = None) -> bytes:
    """An arrears ledger as CSV: title, headers (without `drop`), rows of cells in the kind's column order."""
    cols = ledger_kinds.default()["arrears"].columns
    keep = [i for i, c in enumerate(cols) if c.header != drop]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([title])
    w.writerow([cols[i].header for i in keep])
    for row in rows:
        w.writerow([row[i] for i in keep])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


GOOD = ["礼县", "LX-009", "县交通局", "乙公司", "80", "无分歧", "20", "2026-12-31", "交办", "企业投诉", ""]


def row(**cells) -> list[str]:
    cols = [c.code for c in ledger_kinds.default()["arrears"].columns]
    return [cells.get(c, v) for c, v in zip(cols, GOOD, strict=True)]


BAD_FILES = {  # failure → (file, texts the page must show: row, value, fix)
    "missing_column": (arrears_csv([row()], drop="拖欠金额"), ["缺少", "拖欠金额"]),
    "unknown_county": (arrears_csv([row(), row(item_id="X-2", county="火星县")]), ['"row_no": 4', "火星县", "县区"]),
    "bad_number": (arrears_csv([row(owed="三千")]), ['"row_no": 3', "三千", "请填写数字"]),
    "repaid_over_owed": (arrears_csv([row(owed="100", repaid="150")]), ['"row_no": 3', "150", "已清偿"]),
    "unknown_status": (arrears_csv([row(status="已完结")]), ['"row_no": 3', "已完结", "请从下拉列表中选择"]),
    "no_known_kind": ("姓名,年龄,电话\n张三,30,123\n".encode(), ["无法识别这是什么文件", "下载对应的模板",
                                                               "清欠台账"]),
    "no_as_of": (arrears_csv([row()], title="清欠台账"), ["未注明台账的截至日期", "上传时填写截至日期"]),
}


@pytest.mark.parametrize("failure", list(BAD_FILES))
def test_a_bad_file_is_rejected_with_row_value_and_fix_and_the_store_is_unchanged(app, duck, pages, failure):
    upload, _ = pages
    data, texts = BAD_FILES[failure]
    state = duck.data_state()
    with as_user(app, duck, "bureau"):
        cards, disabled = preview(upload, [("bad.csv", data)])
        result, _, _ = commit(upload, [("bad.csv", data)])
    for text in (shown(cards), shown(result)):
        assert "有错误，不能写入" in text
        for want in texts:
            assert want in text, (failure, want, text[:3000])
    assert disabled and "没有写入任何文件" in shown(result)
    assert duck.data_state() == state and duck.uploads().empty
    assert audit.entries(duck, action="upload").iloc[0]["outcome"] == audit.FAILED


# ---------------------------------------------------------------- scope, history, rollback, forged callbacks


def test_a_scoped_uploader_cannot_upload_or_handle_another_countys_ledger(app, duck, pages):
    upload, history = pages
    template = template_from_page(app, "arrears", user="lixian_up")[0]
    both = fill_xlsx(template, "arrears", ROWS["arrears"])  # 武都区 and 礼县
    with as_user(app, duck, "lixian_up"):
        cards, disabled = preview(upload, [("清欠.xlsx", both)])
    assert disabled and "本账号上报范围以外的县区" in shown(cards) and "武都区" in shown(cards)
    own = fill_xlsx(template, "arrears", ROWS["arrears"][1:])
    with as_user(app, duck, "lixian_up"):
        result, _, _ = commit(upload, [("礼县清欠.xlsx", own)])
    assert "已写入 1 个文件" in shown(result)
    with as_user(app, duck, "bureau"):
        commit(upload, [("全市清欠.xlsx", both)])
    city = int(duck.uploads(limit=1)["id"].iloc[0])
    with as_user(app, duck, "lixian_up"):
        refused = history.details([{"id": city}], "")
        nothing, message = history.download(1, [{"id": city}])
        opened, _, why = history.ask(1, [{"id": city}])
        assert history.grid().rowData and all(r["id"] != city for r in history.grid().rowData)
    assert "含本账号范围（礼县）以外的地区（武都区）" in shown(refused) and "武都区" in shown(message) and not opened
    assert duck.upload(city)["status"] == "committed"
    assert len(audit.entries(duck, action="refused")) >= 3


def test_history_shows_a_ledger_upload_downloads_it_and_rolls_it_back(app, duck, pages):
    upload, history = pages
    template = template_from_page(app, "arrears")[0]
    first = fill_xlsx(template, "arrears", ROWS["arrears"])
    second = fill_xlsx(template, "arrears", [dict(ROWS["arrears"][0], repaid=2000), ROWS["arrears"][1]])
    with as_user(app, duck, "bureau"):
        commit(upload, [("清欠_v1.xlsx", first)])
        after_first = duck.data_state()
        cards, _ = preview(upload, [("清欠_v2.xlsx", second)])
        commit(upload, [("清欠_v2.xlsx", second)])
    assert "将新增 0 项、修改 1 项、1 项未变" in shown(cards) and '"old": "1200"' in shown(cards) \
        and '"new": "2000"' in shown(cards)
    paid = lambda: duck.observations(periods=["2026-11"], indicators=["ARREARS_PAID"], regions=["621202"])["value"]  # noqa: E731
    assert list(paid()) == [2000] and duck.data_state() != after_first

    with as_user(app, duck, "bureau"):
        details = history.details([{"id": 2}], "")
        sent, _ = history.download(1, [{"id": 2}])
        opened, question, _ = history.ask(1, [{"id": 2}])
        _, done, _ = history.rollback(1, [{"id": 2}], "误传", "")
        after = history.details([{"id": 2}], "")
    text = shown(details)
    assert "清欠台账 · 截至 2026-11-20（取自标题行）· 县区 2 个、事项 2 项：武都区 1 项、礼县 1 项" in text
    assert "拖欠民营中小企业账款已清偿额" in text and "2,000.0万元" in text
    assert base64.b64decode(sent["content"]) == second and sent["filename"] == "2_清欠_v2.xlsx"
    assert opened and "撤销上传 #2" in question and "已撤销上传 #2" in shown(done)
    assert "本次上传已撤销" in shown(after)
    assert list(paid()) == [1200] and duck.data_state() == after_first  # the previous snapshot is back
    snap = duck.ledger_snapshot("arrears")
    assert set(snap["upload_id"]) == {1} and float(snap.loc[snap["item_id"] == "WD-001", "repaid"].iloc[0]) == 1200
    assert audit.entries(duck, action="rollback").iloc[0]["target"] == "2"


def test_history_shows_what_a_units_upload_held(app, duck, pages):
    upload, history = pages
    units_t, _ = template_from_page(app, "units")
    with as_user(app, duck, "bureau"):
        commit(upload, [("u.csv", fill_csv(units_t, [["乡镇街道", "成县", "抛沙镇", "抛沙"]]))])
        text = shown(history.details([{"id": 1}], ""))
    assert "下辖单位名单 · 1 行 · 地区：成县" in text and "抛沙镇" in text and "乡镇街道" in text


def test_a_viewers_forged_upload_and_template_callbacks_are_refused(app, duck):
    c = logged_in_client(app, "leader")
    data = fill_xlsx(openpyxl_template("arrears"), "arrears", ROWS["arrears"])
    r = post(c, app, ids.UPLOAD_RESULT, "children",
             [{"id": ids.UPLOAD_COMMIT, "property": "n_clicks", "value": 1}],
             [{"id": ids.UPLOAD_DROP, "property": "contents", "value": [url(data)]},
              {"id": ids.UPLOAD_DROP, "property": "filename", "value": ["清欠.xlsx"]},
              {"id": ids.UPLOAD_PERIOD, "property": "value", "value": None},
              {"id": ids.UPLOAD_AS_OF, "property": "value", "value": None},
              {"id": ids.UPLOAD_REASON, "property": "value", "value": None},
              {"id": ids.LOCATION, "property": "search", "value": ""}])
    assert r.status_code == 403 and "需要“上报”权限" in r.get_json()["error"]
    t = post(c, app, ids.upload_template_download("units"), "data",
             [{"id": ids.upload_template("units"), "property": "n_clicks", "value": 1}], [])
    assert t.status_code == 403
    assert duck.uploads().empty and duck.ledger_snapshot("arrears").empty


def openpyxl_template(kind: str) -> bytes:
    from loaders import ledger_templates

    return ledger_templates.template_xlsx(kind)


def test_the_page_offers_every_template_and_a_date_box(app, duck, pages):
    upload, _ = pages
    with as_user(app, duck, "bureau"):
        text = shown(upload.layout())
    for key, name in [(k.code, k.name_zh) for k in ledger_kinds.default()] + [
            ("units", "下辖单位名单"), ("unit_tasks", "单位年度任务"), ("unit_reports", "单位上报记录")]:
        assert f'"id": "{ids.upload_template(key)}"' in text and name in text
        assert f'"id": "{ids.upload_template_download(key)}"' in text
    assert f'"id": "{ids.UPLOAD_AS_OF}"' in text and "截至日期（台账文件中没有时填写）" in text
