"""Server mode when the database drops a connection (issue #14, faults): PostgreSQL terminates the app's connection
(a restart, a failover, an administrator's pg_terminate_backend). The next request gets a fresh connection; a
commit whose connection dies writes nothing and can simply be sent again."""

import uuid

import pandas as pd
import pytest
import sqlalchemy as sa
from test_crash import big_file

from conftest import FILES, PG_URL, REQUIRE_PG
from loaders.ingest import CHUNK_ROWS, ingest
from loaders.store import Store, make_engine

pytestmark = pytest.mark.pg


@pytest.fixture
def pg_store():
    """A store on its own schema whose connections carry an application_name of their own (so the test can
    terminate exactly them), built with the app's make_engine."""
    if not PG_URL:
        if REQUIRE_PG:
            raise RuntimeError("MONITOR_REQUIRE_PG=1 but MONITOR_TEST_PG_URL is not set")
        pytest.skip("MONITOR_TEST_PG_URL not set")
    schema, app_name = f"t_{uuid.uuid4().hex[:12]}", f"monitor_fault_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}&application_name={app_name}"
    store = Store(url, engine=make_engine(url))
    store.create_schema()
    store.app_name, store.admin = app_name, admin
    yield store
    store.dispose()
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


def terminate(store) -> int:
    """pg_terminate_backend on every connection of the store's application_name; how many were ended."""
    with store.admin.connect() as conn:
        return len(conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE application_name = :a"), {"a": store.app_name}).fetchall())


def test_after_the_database_ends_the_connection_the_next_request_is_answered(pg_store):
    assert ingest(FILES / "good_long.csv", pg_store).status == "committed"
    before = pg_store.export()
    assert terminate(pg_store) >= 1  # the pooled connection is dead now
    pd.testing.assert_frame_equal(pg_store.export(), before)  # a fresh connection, no error for the user
    assert pg_store.data_state() == pg_store.data_state()


def test_a_commit_whose_connection_dies_writes_nothing_and_goes_through_when_sent_again(pg_store, tmp_path):
    assert ingest(FILES / "good_long.csv", pg_store).status == "committed"
    before, state = pg_store.export(), pg_store.data_state()
    path = tmp_path / "big.csv"
    big_file(path, CHUNK_ROWS + 20_000)
    ended = []

    def progress(phase, done, total):
        if phase == "write" and done >= CHUNK_ROWS and not ended:  # the first chunk is in, nothing committed
            ended.append(terminate(pg_store))

    with pytest.raises(sa.exc.DBAPIError):
        ingest(path, pg_store, progress=progress)
    assert ended and ended[0] >= 1
    pd.testing.assert_frame_equal(pg_store.export(), before)
    assert pg_store.data_state() == state and len(pg_store.uploads()) == 1
    report = ingest(path, pg_store)
    assert report.status == "committed" and report.inserted == report.rows
