"""Migration 0009 turns each contact's consent columns into its first consent records."""

from flask_migrate import upgrade
from sqlalchemy import text

from config import TestConfig
from crm import create_app
from crm.extensions import db
from tests.test_migrations import empty_database_url  # noqa: F401 - the fixture


def test_0009_backfills_consent_records_from_the_contact_columns(empty_database_url):  # noqa: F811
    class MigrationConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = empty_database_url

    app = create_app(MigrationConfig)
    with app.app_context():
        upgrade(revision="0005")
        columns = (
            "full_name, name_latin, name_key, email, email_normalized, phone, languages, stakeholder_type,"
            " consent_to_contact, consent_to_share, consent_recorded_at, consent_method, do_not_contact, notes,"
            " lived_experience, sensitive_notes, created_at, updated_at"
        )
        with db.engine.begin() as conn:
            for name, contact, share, at, method in [
                ("Both", True, True, "'2026-05-01 10:00:00+00'", "Registration form"),
                ("Contact only", True, False, "NULL", ""),
                ("Withdrew", False, False, "'2026-06-01 10:00:00+00'", "Unsubscribed"),
                ("Never asked", False, False, "NULL", ""),
            ]:
                conn.execute(
                    text(
                        f"INSERT INTO contacts ({columns}) VALUES (:name, :name, :name, '', '', '', '', 'other',"  # noqa: S608
                        f" :contact, :share, {at}, :method, false, '', false, '',"
                        " '2026-01-01 10:00:00+00', '2026-01-01 10:00:00+00')"
                    ),
                    {"name": name, "contact": contact, "share": share, "method": method},
                )
        upgrade(revision="0009")
        with db.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT c.full_name, r.purpose, r.given, r.at, r.method FROM consent_records r"
                    " JOIN contacts c ON c.id = r.contact_id ORDER BY c.full_name, r.purpose"
                )
            ).all()
        found = [
            (name, purpose, bool(given), str(at)[:10], method) for name, purpose, given, at, method in rows
        ]
        assert found == [
            ("Both", "contact", True, "2026-05-01", "Registration form"),
            ("Both", "share", True, "2026-05-01", "Registration form"),
            ("Contact only", "contact", True, "2026-01-01", ""),
            ("Withdrew", "contact", False, "2026-06-01", "Unsubscribed"),
            ("Withdrew", "share", False, "2026-06-01", "Unsubscribed"),
        ]
        db.session.remove()
        db.engine.dispose()
