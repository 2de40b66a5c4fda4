"""Helpers for the contact tests."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event


@pytest.fixture
def count_statements(db):
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


@pytest.fixture
def make_tag(db):
    from crm.models import Tag

    def factory(name: str) -> Tag:
        tag = Tag(name=name)
        db.session.add(tag)
        db.session.flush()
        return tag

    return factory
