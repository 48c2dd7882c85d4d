"""The audit log: who did what, when, from where, and whether it was allowed. Append-only.

Logins (success and failure), uploads, rollbacks, exports, target, closing-date and account
changes, and every refused request are recorded. There is no update or delete here by design.
"""

import pandas as pd
import sqlalchemy as sa

from loaders import tables as t
from loaders.store import Store, now

OK, FAILED, REFUSED = "ok", "failed", "refused"


def record(store: Store, action: str, *, user: str = "", outcome: str = OK, target: str = "", detail: str = "",
           ip: str = "") -> None:
    """Append one entry (texts are cut to the column sizes, never rejected: the log must not fail)."""
    with store.engine.begin() as conn:
        conn.execute(sa.insert(t.audit_log).values(
            logged_at=now(), user_name=(user or "")[:64], action=action[:32], outcome=outcome[:16],
            target=str(target)[:2000], detail=str(detail)[:4000], ip=(ip or "")[:64]))


def entries(store: Store, *, limit: int | None = None, action: str | None = None, user: str | None = None) -> pd.DataFrame:
    """Newest first."""
    a = t.audit_log
    q = sa.select(a).order_by(a.c.id.desc())
    if action:
        q = q.where(a.c.action == action)
    if user is not None:
        q = q.where(a.c.user_name == user)
    if limit:
        q = q.limit(limit)
    return store._frame(q)
