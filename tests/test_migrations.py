"""The migrations build the whole schema from nothing, and match the models."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text

from config import TestConfig
from crm import create_app
from crm.extensions import db
from crm.models import Country
from crm.search.index import include_name
from tests.databases import scratch_postgres


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new empty database of the same kind the suite runs on."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    with scratch_postgres(url, "crm_migrations") as scratch:
        yield scratch


def _app(database_url: str):
    class MigrationConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    return create_app(MigrationConfig)


def test_upgrade_from_nothing_matches_the_models_and_loads_countries(empty_database_url, tmp_path):
    app = _app(empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True, "include_name": include_name}
            )
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        assert db.session.scalar(select(func.count()).select_from(Country)) == 249
        assert db.session.get(Country, "TW").subregion_code == "030"
        db.session.remove()
        downgrade(revision="base")
        with db.engine.connect() as conn:
            tables = inspect(conn).get_table_names()
        assert set(tables) <= {"alembic_version"}
        db.engine.dispose()


def test_0002_fills_status_changed_at_for_existing_inquiries(empty_database_url):
    app = _app(empty_database_url)
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO inquiries (received_at, channel, sender_name, sender_email, sender_organisation,"
                    " sender_country, subject, message, status, converted_at, created_at, updated_at)"
                    " VALUES ('2026-10-01 09:00:00+00', 'email', 'A', '', '', '', '', '', 'converted',"
                    " '2026-10-03 09:00:00+00', '2026-10-01 09:00:00+00', '2026-10-01 09:00:00+00'),"
                    " ('2026-10-02 09:00:00+00', 'email', 'B', '', '', '', '', '', 'new', NULL,"
                    " '2026-10-02 09:00:00+00', '2026-10-02 09:00:00+00')"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT sender_name, status_changed_at FROM inquiries ORDER BY sender_name")
            )
            changed = {name: str(at)[:10] for name, at in rows}
        assert changed == {"A": "2026-10-03", "B": "2026-10-02"}
        db.session.remove()
        db.engine.dispose()


def test_0018_indexes_the_rows_already_there_and_its_downgrade_drops_only_its_own(empty_database_url):
    """The organisation, inquiry and thread lists' substring indexes, added to a database in use."""
    from crm.inquiries.services import inquiry_list_query
    from crm.models import Inquiry, Organisation, Thread
    from crm.models.enums import InquiryChannel, InquiryStatus, ThreadKind, ThreadStage
    from crm.organisations.services import organisation_list_query
    from crm.threads.services import thread_list_query

    app = _app(empty_database_url)
    with app.app_context():
        upgrade(revision="0017")
        db.session.add_all(
            [
                Organisation(
                    name="Центр Нургалиева", name_latin="Tsentr Nurgalieva", name_key="centr nurgalieva"
                ),
                Inquiry(
                    channel=InquiryChannel.EMAIL,
                    sender_name="Айгерим Нургалиева",
                    status=InquiryStatus.NEW,
                ),
                Thread(
                    kind=ThreadKind.CONSULTATION,
                    title="Консультация Нургалиевой",
                    stage=ThreadStage.REQUESTED,
                ),
            ]
        )
        db.session.commit()
        upgrade()  # 0018, on rows that are already there
        queries = (organisation_list_query, inquiry_list_query, thread_list_query)

        def found() -> list[int]:
            return [len(db.session.scalars(query({"q": "ургали"})).all()) for query in queries]

        assert found() == [1, 1, 1]
        db.session.remove()

        def own() -> set[str]:
            """0018's objects: FTS tables on SQLite, trigram indexes on PostgreSQL."""
            inspector = inspect(db.engine)
            if db.engine.dialect.name == "sqlite":
                prefixes = ("organisation_text_fts", "inquiry_text_fts", "thread_text_fts")
                return {name for name in inspector.get_table_names() if name.startswith(prefixes)}
            tables = ("organisations", "inquiries", "threads")
            return {
                i["name"] for t in tables for i in inspector.get_indexes(t) if i["name"].endswith("_trgm")
            }

        assert len(own()) >= 3
        contact_index = {
            name for name in inspect(db.engine).get_table_names() if name.startswith("contact_text")
        }
        downgrade(revision="0017")
        assert own() == set()
        assert contact_index <= set(inspect(db.engine).get_table_names())  # the contact list's (0016) stays
        db.session.remove()
        db.engine.dispose()
