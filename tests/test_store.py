"""Store queries on every backend: schema, regions, slices, closing dates (统计关库), data state."""

import datetime as dt

from conftest import FILES
from loaders.clock import default_closing_date
from loaders.ingest import ingest

TODAY = dt.date(2026, 11, 23)


def test_schema_is_idempotent_and_regions_are_seeded(store):
    store.create_schema()
    regions = store.regions()
    assert len(regions) == 101
    assert regions.set_index("code").loc["621202", "short_name"] == "武都"


def test_slices_read_only_what_is_asked(store):
    ingest(FILES / "good_long.csv", store, today=TODAY)
    one_period = store.observations(periods=["2026-08"], indicators=["RETAIL"])
    assert set(one_period.period) == {"2026-08"} and set(one_period.indicator) == {"RETAIL"}
    one_county = store.observations(regions=["621202"], years=[2026])
    assert set(one_county.region_code) == {"621202"} and len(one_county) == 6
    assert {"upload_id", "src_row"} <= set(one_county.columns)  # every value traces to its upload and row


def test_closing_dates_default_to_the_5th_and_keep_their_history(store):
    assert default_closing_date("2026-10") == dt.date(2026, 11, 5)
    assert default_closing_date("2026-12") == dt.date(2027, 1, 5)
    store.set_closing_date("2026-10", dt.date(2026, 11, 6), user="admin", reason="省局通知延后一天")
    store.set_closing_date("2026-10", dt.date(2026, 11, 7), user="admin", reason="再延一天")
    current = store.closing_dates()
    assert len(current) == 1 and current.iloc[0].closing_date == dt.date(2026, 11, 7)


def test_data_state_changes_with_values_and_closing_dates_and_with_nothing_else(store):
    s0 = store.data_state()
    first = ingest(FILES / "good_long.csv", store, today=TODAY)
    s1 = store.data_state()
    assert s1 != s0 and store.data_state() == s1  # reading twice changes nothing
    assert ingest(FILES / "good_long.csv", store, today=TODAY).status == "duplicate" and store.data_state() == s1
    text = (FILES / "good_long.csv").read_text(encoding="utf-8").replace("402000.5", "402100.5")
    second = ingest(text.encode(), store, name="revised.csv", today=TODAY, note="更正")
    s2 = store.data_state()
    store.rollback(first.upload_id, user="admin")  # an older upload: the current values change again
    s3 = store.data_state()
    store.set_closing_date("2026-08", dt.date(2026, 9, 20), user="admin", reason="延后")
    s4 = store.data_state()
    assert len({s0, s1, s2, s3, s4}) == 5 and second.status == "committed"


def test_problems_with_and_without_a_row_are_stored_on_both_backends(store):
    """A file whose warnings mix row numbers and file-level ones (row None) commits on PostgreSQL too: COPY once
    refused the row column arriving as floats ("346.0")."""
    import pandas as pd
    import sqlalchemy as sa

    from loaders import bulk
    from loaders import tables as t

    frame = pd.DataFrame({"upload_id": [1, 1], "severity": ["warning", "warning"], "code": ["a", "b"],
                          "row_no": [346, None], "column_name": ["值", ""], "value": ["1", ""],
                          "reason": ["r", "r"], "fix": ["f", "f"]})
    assert frame["row_no"].dtype == float  # what pandas makes of a row number beside a missing one
    with store.engine.begin() as conn:
        bulk.load(conn, t.upload_problems, frame)
        rows = conn.execute(sa.select(t.upload_problems.c.row_no).order_by(t.upload_problems.c.code)).all()
    assert [r.row_no for r in rows] == [346, None]
