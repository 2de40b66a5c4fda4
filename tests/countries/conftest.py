"""Helpers for the country tests."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event


@pytest.fixture
def count_queries(db):
    """Context manager yielding a list that collects every SQL statement run inside it."""

    @contextmanager
    def counting():
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting
