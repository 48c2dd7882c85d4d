"""Bulk load a DataFrame into a table on each engine's fast path (never row-by-row inserts).

DuckDB: register the frame and INSERT … SELECT. PostgreSQL: COPY … FROM STDIN in CSV form.
"""

import io
from contextlib import contextmanager

import pandas as pd
import sqlalchemy as sa

STAGE_NAME = "_incoming_frame"
NULL_MARK = r"\N"  # so that an empty text stays an empty text, not NULL


def load(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame) -> None:
    """Append `frame` (columns named as the table's, in any order) to `table` inside conn's transaction."""
    cols = [c.name for c in table.columns if c.name in frame.columns]
    if frame.empty:
        return
    dialect = conn.dialect.name
    if dialect == "duckdb":
        raw = conn.connection.dbapi_connection
        raw.register(STAGE_NAME, frame[cols])
        try:
            col_list = ", ".join(f'"{c}"' for c in cols)
            conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({col_list}) SELECT {col_list} FROM {STAGE_NAME}')
        finally:
            raw.unregister(STAGE_NAME)
    elif dialect == "postgresql":
        # integer columns holding a missing value arrive as floats ("346.0"), which COPY refuses for an integer
        ints = {c.name: "Int64" for c in table.columns if c.name in cols and isinstance(c.type, sa.Integer)}
        buf = io.StringIO()
        frame[cols].astype(ints).to_csv(buf, index=False, header=False, na_rep=NULL_MARK)
        raw = conn.connection.dbapi_connection
        col_list = ", ".join(f'"{c}"' for c in cols)
        sql = f"COPY \"{table.name}\" ({col_list}) FROM STDIN WITH (FORMAT csv, NULL '{NULL_MARK}')"
        with raw.cursor() as cur, cur.copy(sql) as cp:
            cp.write(buf.getvalue())
    else:  # any other SQLAlchemy backend: executemany, correct if not fast
        conn.execute(sa.insert(table), frame[cols].to_dict("records"))


@contextmanager
def staged(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame):
    """Make `frame` queryable as `table` for the rest of the block (same transaction).

    DuckDB reads the DataFrame in place (a registered view: no copy); PostgreSQL gets a
    temporary table filled by COPY.
    """
    cols = [c.name for c in table.columns]
    if conn.dialect.name == "duckdb":
        raw = conn.connection.dbapi_connection
        raw.register(table.name, frame[cols])
        try:
            yield table
        finally:
            raw.unregister(table.name)
        return
    table.create(conn)
    load(conn, table, frame)
    # What follows joins the whole file with the store's current values (window queries over the observations): a
    # hash join is right whatever the size. A nested loop, which the planner picks when its statistics are stale
    # (a store just loaded, before autovacuum's ANALYZE; a new temporary table), took minutes for a 200k-row file
    # on the demo store instead of seconds. Both settings hold for this transaction only.
    conn.exec_driver_sql(f"ANALYZE {table.name}")
    conn.exec_driver_sql("SET LOCAL enable_nestloop = off")
    try:
        yield table
    finally:
        table.drop(conn)
