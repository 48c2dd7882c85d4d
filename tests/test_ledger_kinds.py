"""The ledger kinds file is the single source of truth: it loads, the kinds later code relies on are there with
their column codes, and a bad declaration is named (ledger, column, field, fix) — every problem at once."""

import copy
import tomllib

import pytest

from loaders import catalogue, ledger_kinds
from loaders.ledger_kinds import LedgerKindsError, header_key

# The column codes later sessions (roll-up, pages, units) read: renaming one must fail here.
EXPECTED = {
    "arrears": ["county", "item_id", "debtor", "creditor", "owed", "disputed", "repaid", "due_date", "status",
                "source", "unit"],
    "complaints": ["county", "item_id", "received", "source", "disputed", "handled", "result", "unit"],
    "investment": ["county", "item_id", "project", "unit", "signed", "contract", "in_place", "outside_province",
                   "stage"],
    "key_projects": ["county", "item_id", "project", "unit", "leader", "planned", "completed", "start_state",
                     "planned_start"],
    "sishang": ["county", "item_id", "enterprise", "type", "expected_month", "state", "unit"],
}
ROLLS_UP = {"arrears": ("ARREARS_OWED", "ARREARS_PAID"), "complaints": ("COMPLAINT_RECV", "COMPLAINT_DONE"),
            "investment": ("INVEST_IN",), "key_projects": ("KEY_PROJ",), "sishang": ("NEW_SISHANG",)}


def raw():
    return tomllib.loads((ledger_kinds.DATA_DIR / "ledgers.toml").read_text(encoding="utf-8"))


def test_the_five_kinds_are_declared_with_their_column_codes_and_roll_ups():
    kinds = ledger_kinds.default()
    assert {k.code: [c.code for c in k.columns] for k in kinds} == EXPECTED
    assert {k.code: k.rolls_up for k in kinds} == ROLLS_UP
    cat = catalogue.default()
    for k in kinds:
        assert k.name_zh and k.name_en and k.description and k.as_of
        assert k.region_column.code == "county" and k.key == ("item_id",)
        assert all(code in cat and cat[code].value_type != "derived" for code in k.rolls_up)


def test_columns_carry_the_types_and_values_the_bureaus_use():
    kinds = ledger_kinds.default()
    arrears = kinds["arrears"]
    assert arrears["status"].choices == ("投诉", "核实", "受理", "交办", "清偿", "销号")
    assert arrears["source"].choices == ("国家平台转办", "督查转办", "企业投诉")
    assert (arrears["owed"].type, arrears["owed"].unit, arrears["owed"].title) == ("number", "万元", "拖欠金额（万元）")
    assert arrears["disputed"].allowed() == ("有分歧", "无分歧")
    assert not arrears["due_date"].required and not arrears["unit"].required
    assert kinds["sishang"]["type"].choices == ("规上工业", "限上批零住餐", "规上服务业", "资质内建筑业", "房地产开发")
    assert kinds["sishang"]["expected_month"].type == "month"
    assert kinds["key_projects"]["start_state"].choices == ("未开工", "已开工", "竣工")
    assert kinds["investment"]["stage"].choices == ("洽谈", "签约", "落地", "开工", "投产")
    assert [r.check for r in arrears.rules] == ["at_most", "settled"]
    assert [r.check for r in kinds["complaints"].rules] == ["not_before"]


@pytest.mark.parametrize("written, code", [
    ("*拖欠金额（万元）", "owed"), ("拖欠金额(元)", "owed"), ("欠款金额", "owed"), ("已清偿金额（万元）", "repaid"),
    ("有无分歧", "disputed"), ("县 区", "county"), ("县(区)", "county"), ("办理状态*", "status"), ("序号", None),
])
def test_headers_met_on_real_sheets_find_their_column(written, code):
    col = ledger_kinds.default()["arrears"].column_for(written)
    assert (col.code if col else None) == code


def _broken(edit):
    r = copy.deepcopy(raw())
    edit(r)
    with pytest.raises(LedgerKindsError) as exc:
        ledger_kinds.parse(r)
    return exc.value.messages


def _col(r, kind, code):
    entry = next(e for e in r["ledger"] if e["code"] == kind)
    return next(c for c in entry["column"] if c["code"] == code)


def _kind(r, kind):
    return next(e for e in r["ledger"] if e["code"] == kind)


@pytest.mark.parametrize("edit, message", [
    (lambda r: _col(r, "arrears", "owed").update(type="numbr"),
     "ledger 'arrears' column 'owed': unknown type 'numbr'; types are text, number, date, month, choice, bool, region"),
    (lambda r: _col(r, "arrears", "owed").pop("unit"),
     "ledger 'arrears' column 'owed': a number column needs its unit, e.g. unit = \"万元\""),
    (lambda r: _col(r, "arrears", "status").update(choices=[]),
     "ledger 'arrears' column 'status': a choice column needs its allowed values, e.g. choices = [\"投诉\", \"销号\"]"),
    (lambda r: _col(r, "arrears", "status")["choice_aliases"].update({"办结": "办完"}),
     "ledger 'arrears' column 'status': choice_aliases '办结' points to '办完', which is not among the choices "
     "投诉, 核实, 受理, 交办, 清偿, 销号"),
    (lambda r: _col(r, "arrears", "due_date").update(example="2026/13/01"),
     "ledger 'arrears' column 'due_date': example '2026/13/01' is not a valid date: 月份“13”不存在（应为1-12），"
     "应为如 2026-10-31、2026/10/31 或 2026年10月31日 的日期"),
    (lambda r: _col(r, "arrears", "unit").update(choices=["a"]),
     "ledger 'arrears' column 'unit': field 'choices' is only for type choice, not text"),
    (lambda r: _col(r, "arrears", "debtor").update(required="yes"),
     "ledger 'arrears' column 'debtor': required must be true or false, got 'yes'"),
    (lambda r: _col(r, "arrears", "debtor")["aliases"].append("欠款金额"),
     "ledger 'arrears' column 'owed': header or alias '欠款金额' is also used by column 'debtor'; "
     "remove it from one of them"),
    (lambda r: _kind(r, "investment")["rolls_up"][0].update(indicator="INVEST_INN"),
     "ledger 'investment' rolls_up 'INVEST_INN': is not in the indicator catalogue (data/indicators.toml); "
     "use a catalogue code such as ARREARS_OWED"),
    (lambda r: _kind(r, "arrears")["rolls_up"][0].update(indicator="ARREARS_RATE"),
     "ledger 'arrears' rolls_up 'ARREARS_RATE': is a derived indicator; a ledger feeds the uploaded ones "
     "(ARREARS_PAID, ARREARS_OWED)"),
    (lambda r: _kind(r, "investment").update(rolls_up=["INVEST_IN"]),
     "ledger 'investment': rolls_up #1 must be a table such as { indicator = \"ARREARS_PAID\", sum = \"repaid\", "
     "where = { disputed = false } }, got 'INVEST_IN'"),
    (lambda r: _kind(r, "arrears")["rolls_up"][0].update(sum="creditor"),
     "ledger 'arrears' rolls_up 'ARREARS_OWED': sum 'creditor' must be a number column of this ledger; number "
     "columns are owed, repaid"),
    (lambda r: _kind(r, "arrears")["rolls_up"][0].update(count=True),
     "ledger 'arrears' rolls_up 'ARREARS_OWED': give either sum = a number column or count = true (one of them)"),
    (lambda r: _kind(r, "arrears")["rolls_up"][0].update(where={"disputed": "无分歧"}),
     "ledger 'arrears' rolls_up 'ARREARS_OWED': where 'disputed' is a bool column; its value must be true or "
     "false, got '无分歧'"),
    (lambda r: _kind(r, "sishang")["rolls_up"][0].update(where={"state": "入库"}),
     "ledger 'sishang' rolls_up 'NEW_SISHANG': where 'state' = '入库' is not among its choices 培育中, 已申报, 已入库"),
    (lambda r: _kind(r, "complaints")["rolls_up"][0].update(in_year="source"),
     "ledger 'complaints' rolls_up 'COMPLAINT_RECV': in_year 'source' must be a date column of this ledger"),
    (lambda r: _kind(r, "complaints")["rolls_up"][1].update(indicator="COMPLAINT_RECV"),
     "ledger 'complaints' rolls_up 'COMPLAINT_RECV': declared twice; each indicator is filled by one roll-up"),
    (lambda r: _kind(r, "investment")["rolls_up"][0].update(indicator="FAI"),
     "ledger 'investment' rolls_up 'FAI': the indicator has no YTD level (cum_level) for a ledger to fill; its "
     "measures are cum_yoy"),
    (lambda r: _kind(r, "complaints")["limits"].pop("handle_days_undisputed"),
     "ledger 'complaints': missing limit 'handle_days_undisputed' (calendar days allowed for an undisputed arrears "
     "complaint); add it to limits"),
    (lambda r: _kind(r, "complaints")["limits"].update(handle_days=0),
     "ledger 'complaints': limit 'handle_days' must be a positive number, got 0"),
    (lambda r: _kind(r, "sishang").update(limits={"small_debt": 10}),
     "ledger 'sishang': unknown limit 'small_debt'; this ledger's limits are none"),
    (lambda r: _kind(r, "arrears").update(key=["debt_no"]),
     "ledger 'arrears': key column 'debt_no' is not declared; use one of county, item_id, debtor, creditor, owed, "
     "disputed, repaid, due_date, status, source, unit"),
    (lambda r: _kind(r, "sishang").pop("as_of"),
     "ledger 'sishang': missing field 'as_of'; see the field list at the top of ledgers.toml"),
    (lambda r: _kind(r, "arrears")["rule"][0].update(limit="creditor"),
     "ledger 'arrears' rule #1 (at_most): limit 'creditor' is a text column; it must be number"),
    (lambda r: _kind(r, "arrears")["rule"][1].update(value="已结"),
     "ledger 'arrears' rule #2 (settled): value '已结' is not among column 'status' choices 投诉, 核实, 受理, 交办, "
     "清偿, 销号"),
    (lambda r: _kind(r, "arrears")["rule"][0].update(check="below"),
     "ledger 'arrears' rule #1: unknown check 'below'; checks are at_most, not_before, settled"),
    (lambda r: r["ledger"].append(copy.deepcopy(r["ledger"][0])),
     "ledger 'arrears': code declared twice; each ledger code must be unique"),
])
def test_a_bad_declaration_is_named_with_its_fix(edit, message):
    assert message in _broken(edit)


def test_every_problem_is_reported_at_once():
    def edit(r):
        _col(r, "arrears", "owed").update(type="numbr")
        _col(r, "sishang", "type").update(choices=[])
        _kind(r, "complaints")["rolls_up"][0].update(indicator="NOPE")
    messages = _broken(edit)
    assert len(messages) == 3
    assert [m.split(":")[0] for m in messages] == ["ledger 'arrears' column 'owed'",
                                                   "ledger 'complaints' rolls_up 'NOPE'",
                                                   "ledger 'sishang' column 'type'"]


def test_header_key_ignores_marks_units_and_spaces():
    assert header_key("*拖欠金额（万元）") == header_key("拖欠金额") == header_key(" 拖欠 金额 ") == "拖欠金额"
