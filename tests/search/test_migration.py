"""Migration 0007 fills the index from existing rows, keeps it in step afterwards, and undoes cleanly."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from config import TestConfig
from crm import create_app
from crm.extensions import db
from crm.search.services import search
from tests.test_migrations import empty_database_url  # noqa: F401 - the fixture


@pytest.fixture
def migrated_app(empty_database_url):  # noqa: F811 - the fixture
    """An app on a brand-new empty database of the kind the suite runs on."""

    class MigrationConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = empty_database_url

    app = create_app(MigrationConfig)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _insert_contact(name: str, key: str, latin: str, email: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO contacts (full_name, name_latin, name_key, email, email_normalized, phone, languages,"
                " stakeholder_type, consent_to_contact, consent_to_share, consent_method, do_not_contact, notes,"
                " lived_experience, sensitive_notes, created_at, updated_at)"
                " VALUES (:name, :latin, :key, :email, :email, '+7 701 234 5678', '', 'other', false, false, '',"
                " false, '', false, '', '2026-10-01 09:00:00+00', '2026-10-01 09:00:00+00')"
            ),
            {"name": name, "latin": latin, "key": key, "email": email},
        )


def _index_objects() -> set[str]:
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.execute(text("SELECT name FROM sqlite_master WHERE name LIKE 'search%'"))
        else:
            rows = conn.execute(
                text(
                    "SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgname LIKE 'search%'"
                    " UNION SELECT 'function ' || proname FROM pg_proc WHERE proname LIKE 'search%'"
                    " UNION SELECT relkind::text || ' ' || relname FROM pg_class WHERE relname LIKE '%search%'"
                )
            )
        return {row[0] for row in rows}


def test_0007_indexes_existing_rows_and_new_ones_and_downgrades_cleanly(migrated_app):
    upgrade(revision="0005")
    _insert_contact("Айгерим Нургалиева", "aigerim nurgaleva", "Aygerim Nurgalieva", "a.n@example.kz")
    upgrade()
    assert [c.email for c in search("Aigerim").contacts] == ["a.n@example.kz"]  # backfilled
    db.session.remove()
    _insert_contact("Aigerim Nurgaliyeva", "aigerim nurgaleva", "Aigerim Nurgaliyeva", "other@example.org")
    assert sorted(c.email for c in search("87012345678").contacts) == ["a.n@example.kz", "other@example.org"]
    db.session.remove()
    downgrade(revision="0005")
    assert _index_objects() == set()
    _insert_contact(
        "Dana Serikova", "dana serikova", "Dana Serikova", "d@example.kz"
    )  # no trigger left behind
    with db.engine.connect() as conn:
        assert not any(name.startswith("search") for name in inspect(conn).get_table_names())


def test_the_migration_builds_the_same_index_as_create_all(migrated_app):
    upgrade()
    migrated = _index_objects()
    db.session.remove()
    downgrade(revision="base")
    db.create_all()
    assert _index_objects() == migrated
    # SQLite: the FTS5 table, its 5 shadow tables, 3 triggers a table; PostgreSQL: the table, its key and
    # 4 GIN indexes, 4 helper functions, and a trigger with its function a table.
    assert len(migrated) == 18
    db.drop_all()
    assert _index_objects() == set()
