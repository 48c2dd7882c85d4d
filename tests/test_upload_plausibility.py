"""Uploads in plain words: a YTD growth that swings against last month warns (in the file and against the
store), every warning names its region and indicator, warnings show beside errors, the preview shows names
and last month's values, web messages name the form's fields (not CLI flags), and one key on two sheets is
an error naming both."""

import datetime as dt
import io

import openpyxl
import pytest
from ui_helpers import component_text

from conftest import FILES
from layouts import i18n, status
from layouts import upload_view as view
from loaders import catalogue, validate
from loaders.ingest import ingest

TODAY = dt.date(2026, 11, 23)
HEAD = "region_code,period,indicator,measure,value\n"
XIHE_FAI = "西和县 · 固定资产投资 · 累计增速"


def load(store, name, text=None, **kw):
    kw.setdefault("today", TODAY)
    if text is None:
        return ingest(FILES / name, store, **kw)
    return ingest((HEAD + text).encode("utf-8"), store, name=name, **kw)


def only(problems, code):
    [p] = [p for p in problems if p.code == code]
    return p


def test_sign_flip_within_the_file_names_county_indicator_both_values_and_the_fix(duck):
    r = load(duck, "warn/yoy_sign_flip.csv")
    assert r.status == "committed"
    w = only(r.warnings, "yoy_sign_flip")
    assert (w.row, w.value) == (3, "17")
    assert w.message() == (
        "yoy_sign_flip.csv 第3行 “value”列 值“17”：西和县 · 固定资产投资 · 累计增速：本期 17%，上期（2026年1-9月）"
        "为 -15.2%，一个月变动 32.2 个百分点，且正负号相反。处理办法：请核对是否漏了或多了负号（如 −17.0 录成 17.0）；"
        "确认无误可照常导入")


def test_sign_flip_against_the_store_is_a_warning_stored_with_the_upload(duck):
    assert load(duck, "9.csv", "621225,2026-09,FAI,cum_yoy,-15.2\n").status == "committed"
    r = load(duck, "10.csv", "621225,2026-10,FAI,cum_yoy,17.0\n")
    w = only(r.warnings, "yoy_sign_flip")
    assert f"{XIHE_FAI}：本期 17%，库中上期（2026年1-9月）为 -15.2%，一个月变动 32.2 个百分点，且正负号相反" in w.reason
    assert "yoy_sign_flip" in set(duck.upload_problems(r.upload_id).code)


@pytest.mark.parametrize("prev, value, month, code", [
    (5.0, 30.0, 10, "yoy_swing"),     # 25 个百分点 > 20
    (5.0, 24.0, 10, None),            # 19: within the band
    (-4.0, 4.0, 10, None),            # a mirrored flip of 8 points: below half the band
    (-6.0, 5.0, 10, "yoy_sign_flip"),  # a mirrored flip of 11 points: above half the band
    (-2.9, 11.1, 6, None),            # a rate crossing zero is not a lost minus (magnitudes 2.9 and 11.1)
    (24.6, -10.0, 3, None),           # 1–3月: one month is half the total, the band is twice as wide (40)
    (24.6, -10.0, 8, "yoy_swing"),    # the same move at 1–8月 is 34.6 > 20
])
def test_swing_band_and_sign_flip_share(duck, prev, value, month, code):
    r = load(duck, "two.csv", f"621225,2026-{month - 1:02d},FAI,cum_yoy,{prev}\n"
                              f"621225,2026-{month:02d},FAI,cum_yoy,{value}\n", dry_run=True)
    found = [p for p in r.warnings if p.code in ("yoy_swing", "yoy_sign_flip")]
    assert [p.code for p in found] == ([code] if code else [])
    if code == "yoy_swing":
        assert found[0].reason.endswith(f"一个月变动 {abs(value - prev):.1f} 个百分点，超过 20 个百分点")
        assert "请核对本期和上期数据（小数点位置、是否错行）" in found[0].fix


def test_an_indicator_that_swings_hard_declares_its_own_band(duck):
    assert catalogue.default()["IND_PROFIT"].yoy_swing == 100.0
    r = load(duck, "profit.csv", "621228,2026-09,IND_PROFIT,cum_yoy,10\n621228,2026-10,IND_PROFIT,cum_yoy,70\n",
             dry_run=True)
    assert not [p for p in r.warnings if p.code.startswith("yoy_s")]


WARN = {  # file → (code, the start of its reason): region, indicator and measure come first
    "yoy_out_of_band.csv": ("yoy_out_of_band", "武都区 · 规模以上工业增加值 · 累计增速：88% 超出增速常见范围 -40%～60%"),
    "level_falls.csv": ("level_falls", "武都区 · 一般公共预算收入 · 累计值：本期 38000 低于库中上期（2026年1-8月 为 39870）"),
    "city_sum_mismatch.csv": ("city_sum_mismatch", "陇南市 · 全社会用电量 · 累计值：全市数 100000 与各县区之和（70000）"),
    "city_below_counties.csv": ("city_below_counties", "陇南市 · 受理投诉线索 · 累计值：全市数 30 小于各县区之和（36）"),
}


@pytest.mark.parametrize("name", sorted(WARN))
def test_every_warning_names_its_region_and_indicator(duck, name):
    load(duck, "good_long.csv")
    r = load(duck, f"warn/{name}")
    code, start = WARN[name]
    assert only(r.warnings, code).reason.startswith(start), only(r.warnings, code).reason


def test_level_below_last_month_within_the_file_names_the_key():
    r_text = "621202,2026-07,GPBR,cum_level,35120\n621202,2026-08,GPBR,cum_level,30000\n"
    from loaders import detect, regions
    cat, reg = catalogue.default(), regions.default()
    parsed = detect.parse_file("f.csv", (HEAD + r_text).encode(), catalogue=cat, regions=reg)
    w = only(validate.observations(parsed, cat, reg, file="f.csv", today=TODAY), "level_falls")
    assert w.reason == "武都区 · 一般公共预算收入 · 累计值：本期 30000 低于上期（2026年1-7月 为 35120），年内累计数一般不会下降"


def test_a_file_with_errors_still_shows_its_warnings_against_the_store(duck):
    assert load(duck, "9.csv", "621225,2026-09,FAI,cum_yoy,-15.2\n").status == "committed"
    before = duck.export()
    r = load(duck, "10.csv", "621225,2026-10,FAI,cum_yoy,17.0\n621202,2026-10,FAI,cum_yoy,12..5\n", dry_run=True)
    assert r.status == "rejected"
    e = only(r.errors, "bad_number")
    assert (e.row, e.value) == (3, "12..5")
    assert f"{XIHE_FAI}：本期 17%，库中上期" in only(r.warnings, "yoy_sign_flip").reason
    text = component_text(view.preview_card(r, 0))
    assert "错误 1 处" in text and "提示 1 处" in text
    assert duck.export().equals(before) and len(duck.uploads()) == 1


def test_preview_shows_names_and_new_values_beside_last_month(duck):
    load(duck, "good_long.csv")
    r = load(duck, "9.csv", "621225,2026-09,FAI,cum_yoy,-13.0\n621202,2026-09,RETAIL,cum_level,450000\n",
             dry_run=True)
    rows = view.new_value_rows(r)
    assert rows == [
        {"row": 2, "region": "西和", "period": "2026年1-9月", "indicator": "固定资产投资 · 累计增速", "new": "-13",
         "prev": "-12.3", "prev_period": "2026年1-8月"},
        {"row": 3, "region": "武都", "period": "2026年1-9月", "indicator": "社会消费品零售总额 · 累计值",
         "new": "450000", "prev": "402000.5", "prev_period": "2026年1-8月"}]
    text = component_text(view.preview_card(r, 0))
    assert "新增的数值与库中上期对比（2/2）" in text


def test_revision_table_shows_names_not_codes(duck):
    load(duck, "good_long.csv")
    text = (FILES / "good_long.csv").read_text(encoding="utf-8").replace("402000.5", "402100.0")
    r = ingest(text.encode("utf-8"), duck, name="revised.csv", note="企业更正", today=TODAY)
    [row] = view.revision_rows(r)
    assert (row["region"], row["indicator"], row["old"], row["new"]) == ("武都", "社会消费品零售总额 · 累计值",
                                                                       "402000.5", "402100")
    assert view.indicator_label("GPBR", "growth") == "一般公共预算收入 · 增速目标"


def test_measure_words_are_the_same_in_loaders_and_pages():
    for m, word in catalogue.MEASURE_ZH.items():
        assert i18n.t(f"method_measure_{m}", "zh") == word


def test_upload_list_shows_format_names():
    assert status.format_label("long_csv+wide_sheet", "zh") == "长表 CSV + 统计月报宽表"
    assert status.format_label("long_csv+wide_sheet", "en") == "long CSV + monthly report, wide sheet"


def test_closed_period_correction_speaks_of_the_form_on_the_web_and_of_the_flag_on_the_cli(duck):
    load(duck, "good_long.csv")
    text = (FILES / "good_long.csv").read_text(encoding="utf-8").replace("402000.5", "402100.0")
    r = ingest(text.encode("utf-8"), duck, name="revised.csv", today=TODAY)
    e = only(r.errors, "period_closed")
    assert "如第3行 武都区 · 社会消费品零售总额 · 累计值 402000.5 → 402100" in e.reason
    assert e.fix == "已关库期间的更正须在上传表单的“更正原因”中写明原因，将作为新版本保存"
    assert "--note" in e.for_cli().fix


WEB_FILES = ["wide_no_period.csv", "months_no_year.csv", "targets_no_year.csv"] + [
    f"bad/{p.name}" for p in sorted((FILES / "bad").iterdir())]


@pytest.mark.parametrize("name", WEB_FILES)
def test_web_messages_never_mention_a_command_line_flag(duck, name):
    r = load(duck, name)
    for p in r.errors + r.warnings:
        assert "--" not in p.message() and "python -m" not in p.message(), p.message()


def test_period_option_that_contradicts_the_file_is_worded_for_the_form(duck):
    r = load(duck, "p.csv", "621225,2026-09,FAI,cum_yoy,-15.2\n", period="2026-08")
    e = only(r.errors, "period_mismatch")
    assert e.reason == "期间与另行指定的期间 2026-08 不一致"
    assert e.fix.startswith("文件自带期间时上传表单的“期间”请留空") and "--period" in e.for_cli().fix


def _workbook() -> bytes:
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "投资"
    for row in (["region_code", "period", "indicator", "measure", "value"], ["621225", "2026-08", "FAI", "cum_yoy", -17.0],
                ["621202", "2026-08", "FAI", "cum_yoy", -3.1]):
        first.append(row)
    second = wb.create_sheet("补报")
    for row in (["region_code", "period", "indicator", "measure", "value"], ["621221", "2026-08", "FAI", "cum_yoy", 2.0],
                ["621225", "2026-08", "FAI", "cum_yoy", 17.0]):
        second.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_same_key_on_two_sheets_is_an_error_naming_both_and_nothing_is_written(duck):
    r = ingest(_workbook(), duck, name="两表.xlsx", today=TODAY)
    assert r.status == "rejected"
    [e] = r.errors
    assert e.code == "duplicate_across_sheets" and (e.row, e.value) == (3, "17")
    assert e.message() == (
        "两表.xlsx[补报] 第3行 “value”列 值“17”：西和县 · 固定资产投资 · 累计增速（2026年1-8月）在工作表“投资”第2行和"
        "工作表“补报”第3行各出现一次，不能确定以哪个为准。处理办法：同一个数只能填在一张工作表中：请删除其中一处，"
        "或核对两处的期间、指标是否填错")
    assert duck.export().empty and duck.uploads().empty
