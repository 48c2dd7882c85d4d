"""Ingest on every backend: all rows or none, revisions kept, identical files recognised, rollbacks restore."""

import datetime as dt

import pytest

from conftest import FILES
from loaders.ingest import ingest

TODAY = dt.date(2026, 11, 23)


def load(store, name, data=None, **kw):
    kw.setdefault("today", TODAY)
    if data is None:
        return ingest(FILES / name, store, **kw)
    return ingest(data, store, name=name, **kw)


def current(store):
    return store.export().to_csv(index=False)


def test_good_file_is_committed_and_exported_as_loaded(store):
    r = load(store, "good_long.csv", user="张三")
    assert r.status == "committed", [p.message() for p in r.errors]
    assert (r.inserted, r.revised, r.unchanged) == (12, 0, 0)
    df = store.export()
    assert len(df) == 12
    two = df[(df.region_code == "621228") & (df.indicator == "INVEST_IN")].value.item()
    assert two == pytest.approx(35200.0)  # 3.52 亿元 stored as 万元
    up = store.upload(r.upload_id)
    assert (up["user_name"], up["file_name"], up["status"], up["inserted"]) == ("张三", "good_long.csv", "committed", 12)
    assert len(up["sha256"]) == 64


def test_identical_file_is_a_no_op_that_says_so(store):
    first = load(store, "good_long.csv")
    before = current(store)
    again = load(store, "good_long.csv")
    assert again.status == "duplicate" and again.duplicate_of == first.upload_id
    assert current(store) == before
    assert len(store.uploads()) == 1


def test_revision_adds_a_version_and_reports_old_and_new(store):
    load(store, "good_long.csv")
    text = (FILES / "good_long.csv").read_text(encoding="utf-8").replace("402000.5", "402100.0")
    r = load(store, "revised.csv", text.encode("utf-8"), note="企业更正")
    assert r.status == "committed"
    assert (r.inserted, r.revised, r.unchanged) == (0, 1, 11)
    rev = r.revisions.iloc[0]
    assert (rev.region_code, rev.indicator, rev.old_value, rev.new_value) == ("621202", "RETAIL", 402000.5, 402100.0)
    df = store.export()
    assert df[(df.region_code == "621202") & (df.indicator == "RETAIL") & (df.measure == "cum_level")].value.item() == 402100.0
    hist = store.value_history("621202", "RETAIL", "2026-08")
    assert sorted(hist[hist.measure == "cum_level"].value) == [402000.5, 402100.0]


def test_rollback_restores_previous_values_and_keeps_history(store):
    load(store, "good_long.csv")
    before = current(store)
    text = (FILES / "good_long.csv").read_text(encoding="utf-8").replace("402000.5", "402100.0")
    r = load(store, "revised.csv", text.encode("utf-8"), note="企业更正")
    assert current(store) != before
    store.rollback(r.upload_id, user="李四", note="误传")
    assert current(store) == before
    assert store.upload(r.upload_id)["status"] == "rolled_back"
    assert len(store.value_history("621202", "RETAIL", "2026-08")) == 4  # level and growth, from both uploads
    events = store.upload_events()
    assert list(events.event) == ["committed", "committed", "rolled_back"]
    with pytest.raises(ValueError, match="已于"):
        store.rollback(r.upload_id, user="李四")
    with pytest.raises(LookupError, match="没有编号为 999"):
        store.rollback(999, user="李四")


def test_rolling_back_an_older_upload_keeps_what_a_later_one_says(store):
    a = load(store, "good_long.csv")
    text = (FILES / "good_long.csv").read_text(encoding="utf-8").replace("402000.5", "402100.0")
    load(store, "revised.csv", text.encode("utf-8"), note="企业更正")
    after_b = current(store)
    store.rollback(a.upload_id, user="李四")
    assert current(store) == after_b  # every key is restated by the later upload


def test_correcting_a_closed_period_needs_a_reason_and_keeps_it(store):
    load(store, "good_long.csv")
    before = current(store)
    text = (FILES / "good_long.csv").read_text(encoding="utf-8").replace("402000.5", "402100.0")
    refused = load(store, "revised.csv", text.encode("utf-8"))
    assert refused.status == "rejected" and current(store) == before
    msg = refused.errors[0].message()
    assert "2026-08 已于 2026-09-05 统计关库" in msg and "402000.5 → 402100" in msg and "更正原因" in msg
    open_period = load(store, "revised.csv", text.encode("utf-8"), today=dt.date(2026, 9, 3))  # before 关库
    assert open_period.status == "committed"
    store.rollback(open_period.upload_id, user="李四")
    r = load(store, "revised.csv", text.encode("utf-8"), note="企业更正")
    assert r.status == "committed" and store.upload(r.upload_id)["note"] == "企业更正"
    assert any(w.code == "period_closed" and "企业更正" in w.fix for w in r.warnings)
    assert store.original_file(r.upload_id) == text.encode("utf-8")


def test_a_rolled_back_file_can_be_uploaded_again(store):
    a = load(store, "good_long.csv")
    store.rollback(a.upload_id, user="李四")
    assert store.export().empty
    again = load(store, "good_long.csv")
    assert again.status == "committed" and again.inserted == 12


def test_dry_run_reports_changes_and_writes_nothing(store):
    r = load(store, "good_long.csv", dry_run=True)
    assert r.status == "dry_run" and r.inserted == 12
    assert store.export().empty and store.uploads().empty


BAD = {
    "unknown_region.csv": ("unknown_region", 3, "621209", "6位区划代码"),
    "unknown_indicator.csv": ("unknown_indicator", 3, "人均寿命", "指标代码或名称"),
    "bad_period_gbk.csv": ("bad_period", 2, "2026年13月", "2024-06"),
    "bad_number.csv": ("bad_number", 3, "12..5", "缺失请留空"),
    "measure_not_allowed.csv": ("measure_not_allowed", 2, "cum_level", "只接受 cum_yoy"),
    "january_value.csv": ("no_january", 2, "2026-01", "1—2月"),
    "duplicate_key.csv": ("duplicate_key", 4, "5.3", "删除其中一行"),
    "derived_upload.csv": ("derived_upload", 2, "5.2", "利润总额"),
    "quarterly_off_quarter.csv": ("not_quarter_end", 2, "2026-07", "季末月份"),
    "future_period.csv": ("future_period", 2, "2027-03", "核对年份"),
    "bad_unit.csv": ("bad_unit", 2, "万吨", "亿元"),
    "old_excel.xls": ("bad_type", None, "", ".xlsx"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_is_rejected_whole_with_row_value_and_fix(store, name):
    load(store, "good_long.csv")
    before, uploads_before = current(store), len(store.uploads())
    r = load(store, f"bad/{name}")
    code, row, value, fix = BAD[name]
    assert r.status == "rejected"
    problem = next((p for p in r.errors if p.code == code), None)
    assert problem is not None, [p.message() for p in r.errors]
    assert problem.row == row and problem.value == value
    assert fix in problem.message()
    if row is not None:
        assert f"第{row}行" in problem.message() and value in problem.message()
    assert current(store) == before and len(store.uploads()) == uploads_before


WARN = {
    "yoy_out_of_band.csv": ("yoy_out_of_band", 2, "88"),
    "level_falls.csv": ("level_falls", 2, "38000"),
    "city_sum_mismatch.csv": ("city_sum_mismatch", 2, "100000"),
    "city_below_counties.csv": ("city_below_counties", 2, "30"),
}


@pytest.mark.parametrize("name", sorted(WARN))
def test_suspicious_values_are_loaded_with_a_warning_stored_on_the_upload(store, name):
    load(store, "good_long.csv")
    r = load(store, f"warn/{name}")
    code, row, value = WARN[name]
    assert r.status == "committed", [p.message() for p in r.errors]
    w = next(p for p in r.warnings if p.code == code)
    assert (w.row, w.value) == (row, value) and "处理办法" in w.message()
    stored = store.upload_problems(r.upload_id)
    assert code in set(stored.code)
    assert store.upload(r.upload_id)["warnings"] == len(r.warnings)


def test_targets_file_loads_with_history(store):
    text = ("region_code,region_name,year,indicator,kind,value,unit,note\n"
            "621202,武都区,2026,FAI,growth,8.0,%,\n621202,武都区,2026,GPBR,level,52000,万元,\n"
            "621202,武都区,2026,GPBR,growth,5.0,%,\n")
    r = load(store, "targets.csv", text.encode("utf-8"))
    assert r.status == "committed" and r.kind == "targets" and r.inserted == 3
    t = store.targets(years=[2026])
    assert set(t.period) == {"2026-12"}
    r2 = load(store, "targets2.csv", text.replace("52000", "53000").encode("utf-8"))
    assert r2.revised == 1
    assert store.targets(years=[2026]).query("kind == 'level'").value.item() == 53000


def test_growth_target_for_a_level_only_indicator_is_rejected(store):
    text = "region_code,year,indicator,kind,value\n621202,2026,NEW_SISHANG,growth,8.0\n"
    r = load(store, "t.csv", text.encode("utf-8"))
    assert r.status == "rejected"
    assert r.errors[0].code == "target_kind_not_allowed" and r.errors[0].row == 2


def test_per_capita_city_row_is_not_compared_with_the_sum_of_counties(store):
    r = load(store, "per_capita_city_row.csv")
    assert r.status == "committed" and r.warnings == []


def test_long_file_with_percent_signs_and_missing_markers(store):
    r = load(store, "long_with_markers.csv")
    assert r.status == "committed" and r.inserted == 1  # "5.2%" read as 5.2; "—" is missing, not 0
    assert store.export().value.tolist() == [5.2]
