"""One file, one upload (issue 10, point 8): the same bytes committed twice at the same moment are imported
once. The store enforces it in the writing transaction (committed_files' key), on DuckDB (separate connections
from one engine, in threads) and PostgreSQL (real concurrent transactions); the loser gets the duplicate report."""

import threading

import sqlalchemy as sa

from conftest import FILES
from layouts.upload_view import summary_line
from loaders import tables as t
from loaders.ingest import ingest

RACERS = 3


def race(store, data: bytes, monkeypatch) -> list:
    """Every racer passes the early duplicate check (it cannot see the others' uncommitted uploads) and waits
    inside its own transaction until all are there; then they all try to commit."""
    real = store.committed_upload_with_sha
    seen = threading.local()

    def first_check_sees_nothing(sha):
        if not getattr(seen, "checked", False):
            seen.checked = True
            return None
        return real(sha)

    monkeypatch.setattr(store, "committed_upload_with_sha", first_check_sees_nothing)
    inside = threading.Barrier(RACERS, timeout=60)

    def progress(stage, done, total):
        if stage == "stage" and done == 0:
            inside.wait()

    reports, errors = [None] * RACERS, []

    def run(i):
        try:
            reports[i] = ingest(data, store, name=f"第{i}份.csv", user=f"u{i}", progress=progress)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert errors == []
    return reports


def test_the_same_file_committed_concurrently_is_imported_once(store, monkeypatch):
    data = (FILES / "good_long.csv").read_bytes()
    reports = race(store, data, monkeypatch)
    statuses = sorted(r.status for r in reports)
    assert statuses == ["committed"] + ["duplicate"] * (RACERS - 1), statuses
    winner = next(r for r in reports if r.status == "committed")
    for loser in (r for r in reports if r.status == "duplicate"):
        assert loser.duplicate_of == winner.upload_id
        assert summary_line(loser).startswith(f"与上传 #{winner.upload_id} 的文件完全相同")
        assert "不会重复写入" in summary_line(loser)
    uploads = store.uploads()
    assert list(uploads["id"]) == [winner.upload_id]  # the losers left nothing: no upload row, no values
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.observations)).scalar() == winner.inserted
        assert conn.execute(sa.select(t.committed_files.c.upload_id)).scalars().all() == [winner.upload_id]


def test_after_a_rollback_the_file_may_race_in_again_once(store, monkeypatch):
    data = (FILES / "good_long.csv").read_bytes()
    first = ingest(data, store, name="a.csv")
    store.rollback(first.upload_id, user="李四")
    reports = race(store, data, monkeypatch)
    assert sorted(r.status for r in reports) == ["committed"] + ["duplicate"] * (RACERS - 1)
    assert len(store.export()) == first.inserted


def test_a_store_from_before_committed_files_gets_its_rows(store):
    a = ingest(FILES / "good_long.csv", store)
    b = ingest(FILES / "targets_2026.csv", store)
    store.rollback(b.upload_id, user="李四")
    with store.engine.begin() as conn:
        conn.execute(sa.delete(t.committed_files))
    store.create_schema()
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.committed_files.c.sha256, t.committed_files.c.upload_id)).all()
    assert rows == [(a.sha256, a.upload_id)]  # committed uploads only: the rolled-back one may come again
