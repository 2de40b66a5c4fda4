"""Plain rows: selects of columns run on the session's connection, in the request's transaction.

Session.execute treats every statement as a possible ORM query (compile state, loader options,
result wrapping): ~30 µs a statement that a select of plain columns does not need, and a page
runs 5-12 of them. Pages that show plain rows (lists, boards, the blocks of detail pages) and
the choices of their filters and forms read them here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Executable, Row

from crm.extensions import db


def rows(statement: Executable, params: Mapping[str, Any] | None = None) -> list[Row]:
    """Every row of a select of columns (not of ORM entities), seeing what the session holds."""
    session = db.session
    session.flush()  # what Session.execute's autoflush does first: with nothing pending, nothing
    return session.connection().execute(statement, params or {}).all()
