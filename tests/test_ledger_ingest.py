"""Ledger uploads on every backend: each kind's template round-trips, a bad file is rejected with row, value and
fix and writes nothing, every revision is kept, rollback restores, and a snapshot as of a date picks the right
upload per county."""

import csv
import datetime as dt
import io
import random

import openpyxl
import pandas as pd
import pytest

from loaders import ledger_kinds, ledger_templates
from loaders.ledger_ingest import ingest_ledger

TODAY = dt.date(2026, 11, 23)
OCT31 = dt.date(2026, 10, 31)
CODES = {"武都区": "621202", "成县": "621221", "宕昌县": "621223", "西和县": "621225", "礼县": "621226",
         "徽县": "621227", "武都": "621202"}
D = dt.date

# What a county's staff type into the template, per kind (Excel cells: text, numbers, dates).
ROWS = {
    "arrears": [
        {"county": "武都区", "item_id": "WD-001", "debtor": "区住建局", "creditor": "甲建筑公司", "owed": 3900.5,
         "disputed": "无分歧", "repaid": 1200, "due_date": D(2026, 12, 31), "status": "交办", "source": "国家平台转办",
         "unit": "区住建局"},
        {"county": "礼县", "item_id": "LX-001", "debtor": "县交通局", "creditor": "乙公司", "owed": 80,
         "disputed": "有分歧", "repaid": 0, "due_date": None, "status": "核实", "source": "企业投诉", "unit": None},
        {"county": "礼县", "item_id": "LX-002", "debtor": "县教育局", "creditor": "丙公司", "owed": 6.5,
         "disputed": "无分歧", "repaid": 6.5, "due_date": D(2026, 9, 30), "status": "销号", "source": "督查转办",
         "unit": "县教育局"},
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
         "planned": 80000, "completed": 52000.25, "start_state": "已开工", "planned_start": D(2026, 4, 1)},
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


CORRECTION = "补报更正（测试）"  # 1-10月 closed on 11-05: a snapshot changing its values is a correction, said so


def load(store, name, data, **kw):
    """An upload on TODAY (after October closed) that gives a reason, as the bureau must when a later snapshot
    changes a closed month's county values (test_a_closed_month_changed_by_a_ledger_needs_a_reason checks the
    refusal without one)."""
    kw.setdefault("today", TODAY)
    kw.setdefault("note", CORRECTION)
    return ingest_ledger(data, store, name=name, **kw)


def filled_xlsx(kind: str, rows: list[dict], title_date: str = "2026年10月31日") -> bytes:
    """The kind's template with its title dated and `rows` typed in from row 4 (the example row left in)."""
    wb = openpyxl.load_workbook(io.BytesIO(ledger_templates.template_xlsx(kind)))
    ws = wb.worksheets[0]
    ws["A1"] = ws["A1"].value.replace("    年  月  日", title_date)
    cols = ledger_kinds.default()[kind].columns
    for i, row in enumerate(rows, start=4):
        ws.cell(i, 1, i - 3)
        for j, col in enumerate(cols, start=2):
            ws.cell(i, j, row[col.code])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def expected(kind: str, rows: list[dict]) -> pd.DataFrame:
    """The typed items a user means by `rows` (bool words, dates, region names as codes)."""
    k = ledger_kinds.default()[kind]
    out = []
    for row in rows:
        item = {"region_code": CODES[row["county"]], "item_id": row["item_id"]}
        for c in k.field_columns:
            v = row[c.code]
            if v is not None and c.type == "bool":
                v = v in ("是", "有分歧")
            elif v is not None and c.type == "month":
                v = f"{v:%Y-%m}"
            elif v is not None and c.type == "number":
                v = float(v)
            item[c.code] = v
        out.append(item)
    return ledger_kinds.typed_frame(k, out)


def items(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    cols = ["region_code", "item_id", *(c.code for c in ledger_kinds.default()[kind].field_columns)]
    return frame[cols].sort_values(["region_code", "item_id"]).reset_index(drop=True)


@pytest.mark.parametrize("kind", list(ROWS))
def test_each_template_round_trips_preview_then_commit(store, kind):
    data = filled_xlsx(kind, ROWS[kind])
    preview = load(store, f"{kind}.xlsx", data, dry_run=True)
    assert preview.status == "dry_run", [p.message() for p in preview.errors]
    assert (preview.ledger, preview.as_of, preview.as_of_source) == (kind, OCT31, "title")
    assert (preview.rows, preview.inserted, preview.revised, preview.unchanged) == (len(ROWS[kind]), len(ROWS[kind]), 0, 0)
    assert preview.examples_skipped == 1 and preview.warnings == []
    assert store.uploads().empty  # a preview writes nothing

    r = load(store, f"{kind}.xlsx", data, user="张三")  # kind recognised from the headers
    assert r.status == "committed" and r.upload_id == 1
    snap = store.ledger_snapshot(kind)
    pd.testing.assert_frame_equal(items(snap, kind), items(expected(kind, ROWS[kind]), kind), check_dtype=False)
    assert set(snap["as_of"]) == {pd.Timestamp(OCT31)} and set(snap["upload_id"]) == {1}
    up = store.upload(1)
    assert (up["kind"], up["format"], up["periods"], up["user_name"], up["inserted"]) == \
        ("ledger", f"ledger_{kind}", "2026-10", "张三", len(ROWS[kind]))
    assert store.ledger_dates(kind) == [OCT31]


def test_snapshot_columns_are_typed_and_empty_cells_are_missing(duck):
    load(duck, "a.csv", arrears_csv().encode())
    snap = duck.ledger_snapshot("arrears").set_index("item_id")
    assert snap["owed"].dtype == "float64" and str(snap["disputed"].dtype) == "boolean"
    assert pd.api.types.is_datetime64_any_dtype(snap["due_date"]) and pd.api.types.is_datetime64_any_dtype(snap["as_of"])
    assert snap.loc["WD-001", "due_date"] == pd.Timestamp("2026-12-31") and pd.isna(snap.loc["LX-001", "due_date"])
    assert (bool(snap.loc["WD-001", "disputed"]), bool(snap.loc["LX-001", "disputed"])) == (False, True)
    assert snap.loc["WD-001", "unit"] == "区住建局" and snap.loc["LX-001", "unit"] is None


# ---------------------------------------------------------------- bad files, one per failure kind

ARREARS_HEAD = "序号,县区,台账编号,拖欠主体,债权企业,拖欠金额（万元）,是否有分歧,已清偿金额（万元）,约定清偿日期,办理状态,线索来源,责任单位"
GOOD = ["1,武都区,WD-001,区住建局,甲公司,\"3,900.5\",无分歧,1200,2026-12-31,交办,国家平台转办,区住建局",
        "2,礼县,LX-001,县交通局,乙公司,80,有分歧,0,,核实,企业投诉,"]


def arrears_csv(rows=GOOD, title="清欠台账（截至2026年10月31日）", head=ARREARS_HEAD) -> str:
    return "\n".join([title, head, *rows]) + "\n"


def bad_row(**cells) -> list[str]:
    """GOOD with its first row's cells replaced (by column position in ARREARS_HEAD)."""
    names = [h.split("（")[0] for h in ARREARS_HEAD.split(",")]
    row = ["1", "武都区", "WD-001", "区住建局", "甲公司", "3900.5", "无分歧", "1200", "2026-12-31", "交办", "国家平台转办", ""]
    for header, value in cells.items():
        row[names.index(header)] = value
    return [",".join(row), GOOD[1]]


BAD = {
    "repaid_above_owed": (
        arrears_csv(bad_row(拖欠金额="\"3,900.5\"", 已清偿金额="\"5,200.0\"")),
        dict(row=3, column="已清偿金额(万元)", value="5,200.0",
             text="第3行 “已清偿金额(万元)”列 值“5,200.0”：大于拖欠金额“3,900.5”，已清偿不能超过拖欠金额。"
                  "处理办法：请核对该行的已清偿金额和拖欠金额")),
    "unknown_county": (
        arrears_csv(bad_row(县区="武都县")),
        dict(row=3, column="县区", value="武都县", text="不是甘肃省的县区", fix="武都区、成县")),
    "duplicate_id": (
        arrears_csv([GOOD[0], GOOD[0].replace("甲公司", "丁公司")]),
        dict(row=4, column="台账编号", value="WD-001", text="与第3行的台账编号重复（同一县区内编号不得重复）")),
    "bad_date": (
        arrears_csv(bad_row(约定清偿日期="2026/13/01")),
        dict(row=3, column="约定清偿日期", value="2026/13/01", text="月份“13”不存在（应为1-12）",
             fix="请改为 2026-10-31 或 2026年10月31日 的格式")),
    "choice_not_allowed": (
        arrears_csv(bad_row(办理状态="已办")),
        dict(row=3, column="办理状态", value="已办", text="可选：投诉、核实、受理、交办、清偿、销号",
             fix="请从下拉列表中选择：投诉、核实、受理、交办、清偿、销号")),
    "bool_not_allowed": (
        arrears_csv(bad_row(是否有分歧="不确定")),
        dict(row=3, column="是否有分歧", value="不确定", text="应填“有分歧/无分歧”", fix="请填写“有分歧”或“无分歧”")),
    "not_a_number": (
        arrears_csv(bad_row(拖欠金额="三千万")),
        dict(row=3, column="拖欠金额(万元)", value="三千万", text="不是数字", fix="单位万元")),
    "negative_amount": (
        arrears_csv(bad_row(已清偿金额="-5")),
        dict(row=3, column="已清偿金额(万元)", value="-5", text="金额不能为负数")),
    "required_empty": (
        arrears_csv(bad_row(拖欠主体="")),
        dict(row=3, column="拖欠主体", value="", text="“拖欠主体”是必填项，不能为空", fix="请填写拖欠主体")),
    "missing_column": (
        arrears_csv([",".join(r.split(",")[:4] + r.split(",")[5:]) for r in GOOD[:1]],
                    head=ARREARS_HEAD.replace(",债权企业", "")),
        dict(row=2, column="债权企业", value="", text="缺少必填列“债权企业”",
             fix="表头可写作：债权企业、被拖欠企业、债权人、债权单位、企业名称")),
    "no_as_of": (
        arrears_csv(title="清欠台账（截至    年  月  日）"),
        dict(row=None, column="", value="", text="未注明台账的截至日期", fix="如“截至2026年10月31日”")),
    "as_of_in_future": (
        arrears_csv(title="清欠台账（截至2026年12月31日）"),
        dict(row=None, column="", value="", text="截至日期 2026-12-31 晚于今天（2026-11-23）")),
    "unit_not_convertible": (
        arrears_csv(head=ARREARS_HEAD.replace("拖欠金额（万元）", "拖欠金额（万千瓦时）")),
        dict(row=2, column="拖欠金额(万千瓦时)", value="拖欠金额(万千瓦时)", text="表头单位“万千瓦时”无法换算为万元")),
    "key_too_long": (
        arrears_csv(bad_row(台账编号="X" * 129)),
        dict(row=3, column="台账编号", value="X" * 129, text="编号有 129 个字符，超过 128 个的上限",
             fix="请使用简短的台账编号，如 WD-QQ-001")),
    "not_a_ledger": (
        "region_code,period,indicator,measure,value\n621202,2026-10,FAI,cum_yoy,5.1\n",
        dict(row=None, column="", value="", text="无法识别是哪种台账", fix="arrears（清欠台账）")),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_file_is_rejected_with_row_value_and_fix_and_writes_nothing(store, case):
    text, want = BAD[case]
    r = load(store, f"{case}.csv", text.encode("utf-8"))
    assert r.status == "rejected"
    hits = [p for p in r.errors if want["text"] in p.message()]
    assert hits, [p.message() for p in r.errors]
    p = hits[0]
    assert (p.row, p.column, p.value) == (want["row"], want["column"], want["value"])
    assert p.fix and want.get("fix", "") in p.fix
    assert store.uploads().empty and store.ledger_snapshot("arrears").empty


def test_every_problem_of_a_file_is_reported_at_once(duck):
    rows = [GOOD[0].replace("1200", "5200").replace("2026-12-31", "2026/13/01"),
            GOOD[1].replace("礼县", "武都县").replace("核实", "已办")]
    r = load(duck, "many.csv", arrears_csv(rows).encode("utf-8"))
    assert r.status == "rejected"
    assert sorted((p.row, p.code) for p in r.errors) == [
        (3, "bad_date"), (3, "rule_at_most"), (4, "bad_choice"), (4, "unknown_region")]
    assert r.rejected == 2


def test_complaint_handled_before_received_is_an_error(duck):
    head = "县区,线索编号,受理日期,线索来源,办结日期"
    text = f"投诉线索台账 截至2026年10月31日\n{head}\n宕昌县,T1,2026-10-08,企业投诉,2026-10-01\n"
    r = load(duck, "t.csv", text.encode("utf-8"))
    assert [p.message() for p in r.errors] == [
        "t.csv 第3行 “办结日期”列 值“2026-10-01”：早于受理日期“2026-10-08”，办结日期不能早于受理日期。"
        "处理办法：请核对该行的受理日期和办结日期"]


# ---------------------------------------------------------------- what the file may say, and how

def test_a_closed_item_not_fully_repaid_is_a_warning_and_loads(duck):
    rows = [GOOD[0].replace("交办", "销号"), GOOD[1].replace("核实", "销号")]  # the second is disputed: fine
    r = load(duck, "w.csv", arrears_csv(rows).encode("utf-8"))
    assert r.status == "committed"
    assert [p.message() for p in r.warnings] == [
        "w.csv 第3行 “办理状态”列 值“销号”：办理状态为“销号”，但已清偿金额“1200”小于拖欠金额“3,900.5”，"
        "销号的事项应已全额清偿（有分歧的除外）。处理办法：请核对办理状态，或补录已清偿金额"]
    assert list(duck.upload_problems(r.upload_id)["code"]) == ["rule_settled"]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_the_bureaus_encodings(duck, encoding):
    r = load(duck, "gbk.csv", arrears_csv().encode(encoding))
    assert r.status == "committed", [p.message() for p in r.errors]
    snap = duck.ledger_snapshot("arrears")
    assert list(snap["creditor"]) == ["甲公司", "乙公司"] and list(snap["owed"]) == [3900.5, 80.0]


def test_as_of_from_a_column_or_given_and_disagreement_is_an_error(duck):
    head = ARREARS_HEAD + ",截至日期"
    rows = [r + ",2026-10-31" for r in GOOD]
    r = load(duck, "col.csv", arrears_csv(rows, title="清欠台账", head=head).encode(), dry_run=True)
    assert (r.status, r.as_of, r.as_of_source) == ("dry_run", OCT31, "column")
    r = load(duck, "given.csv", arrears_csv(title="清欠台账").encode(), as_of="2026-10-31", dry_run=True)
    assert (r.status, r.as_of, r.as_of_source) == ("dry_run", OCT31, "option")
    r = load(duck, "end.csv", arrears_csv(title="清欠台账（截至2026年10月底）").encode(), dry_run=True)
    assert (r.status, r.as_of, r.as_of_source) == ("dry_run", OCT31, "title")
    r = load(duck, "no13.csv", arrears_csv(title="清欠台账（截至2026年13月底）").encode())
    assert [p.message() for p in r.errors] == ["no13.csv 值“截至2026年13月底”：标题中的截至日期“截至2026年13月底”不存在。"
                                               "处理办法：请改正标题中的日期，如“截至2026年10月31日”"]
    r = load(duck, "both.csv", arrears_csv().encode(), as_of="2026-09-30")
    assert [p.code for p in r.errors] == ["as_of_mismatch"]
    mixed = [GOOD[0] + ",2026-10-31", GOOD[1] + ",2026-09-30"]
    r = load(duck, "mixed.csv", arrears_csv(mixed, title="清欠台账", head=head).encode())
    assert [p.code for p in r.errors] == ["several_as_of"]
    assert "第3行“截至日期”为 2026-10-31" in r.errors[0].message()


def test_amounts_in_yuan_are_stored_in_wan_and_unknown_columns_are_said(duck):
    head = ARREARS_HEAD.replace("拖欠金额（万元）", "拖欠金额(元)") + ",联系人"
    rows = [GOOD[0].replace("\"3,900.5\"", "39005000") + ",王五", GOOD[1].replace(",80,", ",800000,") + ","]
    r = load(duck, "yuan.csv", arrears_csv(rows, head=head).encode())
    assert r.status == "committed", [p.message() for p in r.errors]
    assert list(duck.ledger_snapshot("arrears")["owed"]) == [3900.5, 80.0]
    assert [p.message() for p in r.warnings] == [
        "yuan.csv 第2行 “联系人”列 “联系人”不是清欠台账的列，已忽略。处理办法：如需导入，请使用模板中的列名："
        "县区、台账编号、拖欠主体、债权企业、拖欠金额、是否有分歧、已清偿金额、约定清偿日期、办理状态、线索来源、责任单位"]


def test_the_kind_given_must_match_the_headers(duck):
    r = load(duck, "a.csv", arrears_csv().encode(), kind="sishang")
    assert [p.message() for p in r.errors] == [
        "a.csv 文件的表头是清欠台账，不是“四上”企业培育台账。处理办法：请选择台账类型“清欠台账”，或上传“四上”企业培育台账的文件"]
    assert r.errors[0].for_cli().fix == "请用 --kind 指定正确的台账类型，或不指定（按表头识别）"
    r = load(duck, "b.csv", "县区,台账编号,企业名称\n武都区,1,某公司\n".encode(), kind="sishang")
    assert r.status == "rejected"
    assert [p.column for p in r.errors if p.code == "missing_column"] == ["类别", "预计入库月份", "培育状态"]
    assert r.errors[0].message() == ("b.csv 第1行 “类别”列 缺少必填列“类别”。处理办法：请在表头行加上这一列；"
                                     "表头可写作：类别、企业类别、行业类别、入库类别")
    r = load(duck, "c.csv", "县区,线索编号\n武都区,1\n".encode(), kind="sishang")
    assert r.errors[0].code == "no_header"
    assert "表头行应含：县区、台账编号、企业名称、类别、预计入库月份、培育状态" in r.errors[0].message()


def test_an_uploader_scoped_to_one_county_cannot_load_another(duck):
    r = load(duck, "scope.csv", arrears_csv().encode(), allowed_regions={"621202"})
    assert r.status == "rejected" and "礼县" in r.errors[0].message()
    assert duck.uploads().empty


# ---------------------------------------------------------------- revisions, rollback, dates, counties

def test_identical_file_is_a_no_op_that_says_so(store):
    first = load(store, "a.csv", arrears_csv().encode())
    again = load(store, "a-copy.csv", arrears_csv().encode())
    assert (again.status, again.duplicate_of, again.ledger, again.as_of) == ("duplicate", first.upload_id, "arrears", OCT31)
    assert len(store.uploads()) == 1


def test_a_revision_keeps_both_versions_and_the_snapshot_shows_the_new_one(store):
    load(store, "a.csv", arrears_csv().encode())
    revised = [GOOD[0].replace(",1200,", ",1500,").replace("交办", "清偿"), GOOD[1]]
    r = load(store, "a2.csv", arrears_csv(revised).encode())
    assert (r.status, r.inserted, r.revised, r.unchanged, r.dropped) == ("committed", 0, 1, 1, 0)
    assert r.revisions[["item_id", "column", "old_value", "new_value"]].to_dict("records") == [
        {"item_id": "WD-001", "column": "已清偿金额", "old_value": "1200", "new_value": "1500"},
        {"item_id": "WD-001", "column": "办理状态", "old_value": "交办", "new_value": "清偿"}]
    snap = store.ledger_snapshot("arrears", OCT31)
    assert snap.set_index("item_id")["repaid"].to_dict() == {"WD-001": 1500.0, "LX-001": 0.0}
    assert set(snap["upload_id"]) == {r.upload_id}
    history = store.ledger_item_history("arrears", "621202", "WD-001")
    assert list(history["upload_id"]) == [2, 1]
    assert [ledger_kinds.from_json(f)["repaid"] for f in history["fields"]] == [1500.0, 1200.0]


def test_rollback_restores_the_previous_snapshot_and_data_state_follows(store):
    empty_state = store.data_state()
    load(store, "a.csv", arrears_csv().encode())
    first_state = store.data_state()
    assert first_state != empty_state
    before = store.ledger_snapshot("arrears")
    r = load(store, "a2.csv", arrears_csv([GOOD[0].replace(",1200,", ",1500,"), GOOD[1]]).encode())
    assert store.data_state() not in (empty_state, first_state)
    store.rollback(r.upload_id, user="李四", note="误传")
    assert store.data_state() == first_state
    pd.testing.assert_frame_equal(store.ledger_snapshot("arrears"), before)
    assert store.upload(r.upload_id)["status"] == "rolled_back"
    assert len(store.ledger_item_history("arrears", "621202", "WD-001")) == 2  # nothing deleted
    listed = store.ledger_uploads("arrears")
    assert [(u.id, u.ledger, u.as_of, u.status, u.revised) for u in listed.itertuples()] == [
        (2, "arrears", OCT31, "rolled_back", 1), (1, "arrears", OCT31, "committed", 0)]
    assert store.ledger_uploads("sishang").empty
    assert load(store, "a2.csv", arrears_csv([GOOD[0].replace(",1200,", ",1500,"), GOOD[1]]).encode()).status == \
        "committed"  # a withdrawn file may be uploaded again


def test_snapshot_as_of_a_date_picks_the_latest_upload_on_or_before_it(store):
    sep = load(store, "sep.csv", arrears_csv(title="清欠台账（截至2026年9月30日）").encode())
    octo = load(store, "oct.csv", arrears_csv([GOOD[0].replace(",1200,", ",2000,"), GOOD[1]]).encode())
    assert (sep.status, octo.status) == ("committed", "committed")
    assert octo.revised == 1  # compared with the snapshot it follows (30 September)

    def repaid(as_of):
        return store.ledger_snapshot("arrears", as_of).set_index("item_id")["repaid"].get("WD-001")
    assert repaid(D(2026, 9, 29)) is None
    assert repaid(D(2026, 9, 30)) == repaid(D(2026, 10, 30)) == 1200.0
    assert repaid(OCT31) == repaid(None) == 2000.0
    assert store.ledger_dates("arrears") == [OCT31, D(2026, 9, 30)]
    # a late revision of September changes September, not October
    late = load(store, "sep2.csv", arrears_csv([GOOD[0].replace(",1200,", ",1100,"), GOOD[1]],
                                               title="清欠台账（截至2026年9月30日）").encode())
    assert late.status == "committed"
    assert (repaid(D(2026, 10, 1)), repaid(OCT31)) == (1100.0, 2000.0)


def test_a_file_for_some_counties_leaves_the_others_snapshot_alone(store):
    load(store, "both.csv", arrears_csv().encode())  # 武都区 and 礼县, 31 October
    li_only = ["1,礼县,LX-001,县交通局,乙公司,80,有分歧,30,,受理,企业投诉,"]
    r = load(store, "li.csv", arrears_csv(li_only, title="清欠台账（截至2026年11月15日）").encode())
    assert (r.status, r.regions, r.revised, r.dropped) == ("committed", ["621226"], 1, 0)
    snap = store.ledger_snapshot("arrears")
    assert snap.set_index("item_id")[["region_code", "upload_id", "repaid"]].to_dict("index") == {
        "WD-001": {"region_code": "621202", "upload_id": 1, "repaid": 1200.0},
        "LX-001": {"region_code": "621226", "upload_id": 2, "repaid": 30.0}}
    assert list(store.ledger_snapshot("arrears", regions=["621226"])["item_id"]) == ["LX-001"]
    assert store.upload_region_sets()[2] == {"621226"}


def test_items_the_previous_snapshot_had_and_this_one_lacks_are_said(duck):
    load(duck, "a.csv", arrears_csv().encode())
    r = load(duck, "b.csv", arrears_csv([GOOD[0]], title="清欠台账（截至2026年11月15日）").encode())
    assert (r.status, r.dropped) == ("committed", 0)  # 礼县 is not in this file: its snapshot stays
    r = load(duck, "c.csv", arrears_csv([GOOD[1].replace("LX-001", "LX-009")],
                                        title="清欠台账（截至2026年11月20日）").encode())
    assert (r.status, r.inserted, r.dropped) == ("committed", 1, 1)
    assert any("截至 2026-10-31 的上一版台账中有、本文件中没有的事项：LX-001（共 1 项）" in p.message() for p in r.warnings)


def test_the_example_row_and_total_rows_are_skipped(duck):
    rows = ["示例,武都区,WD-QQ-001,某局,某公司,3900.5,无分歧,1200,2026-12-31,交办,国家平台转办,",
            *GOOD, "合计,合计,,,,3980.5,,1200,,,,"]
    r = load(duck, "ex.csv", arrears_csv(rows).encode())
    assert (r.status, r.rows, r.examples_skipped) == ("committed", 2, 1)
    assert [p.code for p in r.warnings] == ["total_row_ignored"]
    assert sorted(duck.ledger_snapshot("arrears")["item_id"]) == ["LX-001", "WD-001"]


def test_csv_template_has_title_headers_and_example_and_loads_once_dated(duck):
    text = ledger_templates.template_csv("arrears").decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "清欠台账（截至    年  月  日）"
    assert lines[1].startswith("序号,*县区,*台账编号,*拖欠主体,*债权企业,*拖欠金额（万元）,*是否有分歧,*已清偿金额（万元）,约定清偿日期")
    assert lines[2].startswith("示例,武都区,")
    dated = text.replace("    年  月  日", "2026年10月31日") + GOOD[0] + "\n"
    r = load(duck, "t.csv", dated.encode("utf-8-sig"))
    assert (r.status, r.rows, r.examples_skipped) == ("committed", 1, 1)


def test_xlsx_template_offers_drop_downs_date_formats_and_notes():
    wb = openpyxl.load_workbook(io.BytesIO(ledger_templates.template_xlsx("arrears")))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[2]][:3] == ["序号", "*县区", "*台账编号"]
    lists = {str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in ws.data_validations.dataValidation
             if dv.type == "list"}
    assert lists == {"G": '"有分歧,无分歧"', "J": '"投诉,核实,受理,交办,清偿,销号"', "K": '"国家平台转办,督查转办,企业投诉"'}
    assert ws["I3"].number_format == "yyyy-mm-dd" and ws["I3"].value.date() == D(2026, 12, 31)
    assert ws["A3"].value == "示例"
    notes = wb["填表说明"]
    assert any("第3行（序号为“示例”）是示例，上传时自动忽略" in (r[0].value or "") for r in notes.iter_rows())


def test_a_hostile_or_damaged_workbook_is_refused_before_anything_is_read(duck):
    from hostile_xlsx import MB, many_rows

    r = load(duck, "炸弹.xlsx", many_rows(30 * MB))  # under the size limits, compressed ~300:1
    assert r.status == "rejected" and [p.code for p in r.errors] == ["xlsx_ratio"]
    r = load(duck, "坏.xlsx", b"PK\x03\x04" + b"\x00" * 200)  # read (and found damaged) in the limited child
    assert r.status == "rejected" and "已损坏" in r.errors[0].message()
    assert duck.uploads().empty


def test_mangled_files_get_a_report_never_an_exception(duck):
    """Truncated, shuffled, re-encoded and junk-filled variants of a good file: each is loaded or rejected with
    problems, and a rejected one writes nothing."""
    rng = random.Random(12)
    good = arrears_csv(GOOD + ["3,成县,CX-1,县水务局,丁公司,12,否,12,2026-08-01,销号,督查转办,县水务局"])
    junk = ["", "—", "N/A", "1e309", "-0", "２０２６年１０月３１日", "已销号", "\"", "=1+1", "x" * 600, "621202", "合计"]
    variants = []
    for _ in range(80):
        lines = good.splitlines()
        how = rng.choice(["truncate", "cell", "shuffle_cols", "drop_line", "dup_line", "encoding", "bytes"])
        if how == "truncate":
            text = good[: rng.randrange(len(good))]
        elif how == "cell":
            i = rng.randrange(len(lines))
            cells = lines[i].split(",")
            cells[rng.randrange(len(cells))] = rng.choice(junk)
            lines[i] = ",".join(cells)
            text = "\n".join(lines)
        elif how == "shuffle_cols":
            rows = [r.split(",") for r in lines[1:]]
            order = list(range(len(rows[0])))
            rng.shuffle(order)
            text = "\n".join([lines[0], *(",".join(r[j] for j in order if j < len(r)) for r in rows)])
        elif how in ("drop_line", "dup_line"):
            i = rng.randrange(len(lines))
            lines[i:i + 1] = [] if how == "drop_line" else [lines[i], lines[i]]
            text = "\n".join(lines)
        else:
            text = good
        data = text.encode(rng.choice(["utf-8", "gbk", "utf-8-sig"]))
        if how == "bytes":
            pos = rng.randrange(len(data))
            data = data[:pos] + bytes([rng.randrange(256)]) + data[pos + 1:]
        variants.append((how, data))
    seen = set()
    for n, (how, data) in enumerate(variants):
        before = len(duck.uploads())
        r = load(duck, f"v{n}.csv", data)
        seen.add(r.status)
        assert r.status in ("committed", "rejected", "duplicate"), how
        if r.status == "rejected":
            assert r.errors and all(p.reason for p in r.errors)
            assert len(duck.uploads()) == before
        elif r.status == "committed":
            duck.rollback(r.upload_id, user="fuzz")  # the next variant is compared with an empty store
    assert {"committed", "rejected"} <= seen


def test_headers_that_fit_two_kinds_ask_for_the_kind(duck):
    text = "台账 截至2026年10月31日\n县区,项目编号,项目名称,责任单位\n成县,P1,某项目,某镇\n"
    r = load(duck, "p.csv", text.encode())
    assert [p.code for p in r.errors] == ["ambiguous_ledger"]
    assert "无法判断台账类型" in r.errors[0].message() and "指定台账类型" in r.errors[0].fix
    assert r.errors[0].for_cli().fix == "请用 --kind 指定台账类型"
    r = load(duck, "p.csv", text.encode(), kind="investment")
    assert r.status == "rejected" and {p.column for p in r.errors} == {"合同金额", "到位资金", "省外资金", "项目进度"}


def test_the_same_number_in_two_counties_is_two_items(duck):
    rows = [GOOD[0], GOOD[1].replace("LX-001", "WD-001")]
    r = load(duck, "same.csv", arrears_csv(rows).encode())
    assert r.status == "committed" and r.inserted == 2
    snap = duck.ledger_snapshot("arrears")
    assert sorted(zip(snap["region_code"], snap["item_id"], strict=True)) == [("621202", "WD-001"), ("621226", "WD-001")]


def test_a_workbook_with_one_sheet_per_county_is_one_snapshot(duck):
    head = ARREARS_HEAD.split(",")
    wb = openpyxl.Workbook()
    for n, (sheet, row) in enumerate([("武都区", GOOD[0]), ("礼县", GOOD[1])]):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = sheet
        ws.append([f"{sheet}清欠台账（截至2026年10月31日）"])
        ws.append(head)
        ws.append(next(csv.reader([row])))
    wb.create_sheet("填表说明").append(["县区", "台账编号", "拖欠主体", "债权企业"])  # never read as a ledger
    wb.create_sheet("汇总").append(["各县区合计", "3980.5"])
    complaints = wb.create_sheet("投诉")
    complaints.append(["县区", "线索编号", "受理日期", "线索来源", "是否有分歧", "责任单位"])
    complaints.append(["礼县", "T1", "2026-10-08", "企业投诉", "无分歧", "县工信局"])
    buf = io.BytesIO()
    wb.save(buf)
    r = load(duck, "分县.xlsx", buf.getvalue())
    assert r.status == "committed", [p.message() for p in r.errors]
    assert (r.inserted, r.regions) == (2, ["621202", "621226"])
    assert [p.message() for p in r.warnings] == [
        "分县.xlsx[汇总] 工作表“汇总”不是清欠台账，已跳过。处理办法：如该表有台账数据，请按模板的表头整理",
        "分县.xlsx[投诉] 工作表“投诉”是投诉线索台账，不是清欠台账，已跳过。处理办法：投诉线索台账请单独上传"]


def test_a_closed_month_changed_by_a_ledger_needs_a_reason(duck):
    """As for statistics: a first snapshot of a closed month loads; one that changes the county values it filled is
    refused without a 更正原因 (naming the month, its closing date and a value old → new), and loads with one."""
    assert load(duck, "a.csv", arrears_csv().encode(), note="").status == "committed"
    revised = arrears_csv([GOOD[0].replace(",1200,", ",1500,"), GOOD[1]]).encode()
    refused = load(duck, "a2.csv", revised, note="")
    assert refused.status == "rejected" and [p.code for p in refused.errors] == ["period_closed"]
    text = refused.errors[0].message()
    assert "2026年1-10月已于 2026-11-05 统计关库" in text and "武都区 拖欠民营中小企业账款已清偿额 1200 → 1500" in text
    assert "更正原因" in text
    assert load(duck, "a2.csv", revised, note="企业补报清偿凭证").status == "committed"
