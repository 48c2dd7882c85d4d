"""One naming rule for every export: page, subject, detail, period, data state (and 模拟数据) in the file name; the
same, in the page's language, in the .xlsx title row."""

import pytest

from layouts import export_names as names


@pytest.mark.parametrize("page, kw, want", [
    ("排名", {"subject": names.scope_subject("city:621200"), "period": "2026Q3"}, "排名_陇南市各县区_2026年三季度"),
    ("排名", {"subject": names.scope_subject("province"), "period": "2026Q3"}, "排名_全省县区_2026年三季度"),
    ("排名", {"subject": names.scope_subject("prefectures"), "period": "2026Q3"}, "排名_14个市州_2026年三季度"),
    ("县区指标", {"subject": "礼县", "period": "2026-10"}, "县区指标_礼县_2026年1-10月"),
    ("进位所需", {"subject": "礼县", "detail": "前10名", "period": "2026Q3"}, "进位所需_礼县_前10名_2026年三季度"),
    ("指标", {"subject": "固定资产投资", "period": "2026-10"}, "指标_固定资产投资_2026年1-10月"),
    ("上报记录", {}, "上报记录"),
])
def test_file_names_carry_page_subject_and_period(page, kw, want):
    assert names.file_name(page, "xlsx", **kw) == f"{want}.xlsx"
    assert names.file_name(page, ".csv", **kw, state="8c801547f8d0", simulated=True) == \
        f"{want}_8c801547f8d0_模拟数据.csv"


def test_file_names_never_hold_a_path_or_a_space():
    assert names.file_name("指标", "csv", subject='a/b\\c: d*"e"', period="2026-10") == "指标_a-b-c-d-e_2026年1-10月.csv"


def test_title_row_says_what_the_file_is_in_the_pages_language():
    zh = names.title("排名", "zh", subject=names.scope_subject("city:621200"), period="2026Q3", state="8c801547f8d0",
                     simulated=True, note="2026年县域高质量发展综合评价")
    assert zh == "排名 · 陇南市各县区 · 2026年三季度（2026年县域高质量发展综合评价；数据状态 8c801547f8d0；模拟数据）"
    en = names.title("Ranking", "en", subject=names.scope_subject("prefectures", "en"), period="2026-10",
                     state="abc", simulated=False)
    assert en == "Ranking · 14 prefectures · Jan–Oct 2026 (Data state abc)"
    assert names.title("上报记录", "zh") == "上报记录"
